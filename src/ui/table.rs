//! The one table widget every pane uses.
//!
//! A pane describes its columns (title, width, how to print and compare a
//! row); this module filters, sorts, picks the columns that fit, and formats
//! only the rows that are visible. Cells are cut by display width, so a CJK
//! caller name cannot push the next column out of line.

use std::borrow::Cow;
use std::cmp::Ordering;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::model::State;
use crate::ui::text;
use crate::ui::theme::Theme;
use crate::ui::view::TableState;

/// Columns are separated by one space.
const GAP: u16 = 1;
const GAP_TEXT: &str = " ";

/// What a cell needs besides its row.
#[derive(Clone, Copy, Debug)]
pub struct Env<'a> {
    /// The model, to name related rows (a channel's peers).
    pub state: &'a State,
    /// Epoch seconds now, for durations.
    pub now: f64,
    pub theme: Theme,
}

/// One column of a pane's table.
pub struct Column<R> {
    pub title: &'static str,
    /// Width in cells; a flexible column gets at least this and shares the rest.
    pub width: u16,
    pub flex: bool,
    /// Narrow terminals drop the columns of highest `drop` first (0 = never).
    pub drop: u8,
    pub text: for<'r> fn(&'r R, &Env) -> Cow<'r, str>,
    pub style: fn(&R, &Env) -> Style,
    pub cmp: fn(&R, &R) -> Ordering,
}

/// The style of a cell that has no colour of its own.
pub fn plain<R>(_: &R, _: &Env) -> Style {
    Style::default()
}

/// True when any column's text of `row` contains `needle_lower`.
pub fn matches<R>(columns: &[Column<R>], row: &R, env: &Env, needle_lower: &str) -> bool {
    needle_lower.is_empty()
        || columns
            .iter()
            .any(|c| text::contains_folded(&(c.text)(row, env), needle_lower))
}

/// The order `state` sorts rows in (its sort column, its direction), with
/// `tiebreak` ordering the rows the column finds equal, so they do not swap
/// places between frames; `None` when the sort column does not exist.
fn order<'c, R>(
    columns: &'c [Column<R>],
    state: &TableState,
    tiebreak: fn(&R, &R) -> Ordering,
) -> Option<impl Fn(&R, &R) -> Ordering + 'c> {
    let column = columns.get(state.sort)?;
    let reverse = state.reverse;
    Some(move |a: &R, b: &R| {
        let order = (column.cmp)(a, b);
        let order = if reverse { order.reverse() } else { order };
        order.then_with(|| tiebreak(a, b))
    })
}

/// Keeps the rows matching the table's filter and sorts them by its sort
/// column (see [`order`]). Only the rows up to the end of the visible
/// window (`page` rows tall) are put in order: the rest only count, so a
/// frame costs O(n) rather than O(n log n) in the number of rows.
pub fn filter_sort<R>(
    rows: &mut Vec<R>,
    columns: &[Column<R>],
    state: &TableState,
    env: &Env,
    tiebreak: fn(&R, &R) -> Ordering,
    page: usize,
) {
    filter(rows, columns, state, env);
    let Some(order) = order(columns, state, tiebreak) else {
        return;
    };
    let (_, offset) = state.window(rows.len(), page);
    let needed = (offset + page).min(rows.len());
    if needed == 0 {
        return;
    }
    if needed < rows.len() {
        rows.select_nth_unstable_by(needed - 1, &order);
    }
    rows[..needed].sort_unstable_by(&order);
}

/// Keeps the rows matching the table's filter.
fn filter<R>(rows: &mut Vec<R>, columns: &[Column<R>], state: &TableState, env: &Env) {
    let needle = state.filter.to_lowercase();
    if !needle.is_empty() {
        rows.retain(|row| matches(columns, row, env, &needle));
    }
}

/// Where the row `is_it` picks out lands once `rows` are filtered and
/// sorted as [`filter_sort`] does: the rows ordered before it, counted
/// without sorting.
pub fn rank<R>(
    mut rows: Vec<R>,
    columns: &[Column<R>],
    state: &TableState,
    env: &Env,
    tiebreak: fn(&R, &R) -> Ordering,
    is_it: impl Fn(&R) -> bool,
) -> Option<usize> {
    filter(&mut rows, columns, state, env);
    let at = rows.iter().position(is_it)?;
    let Some(order) = order(columns, state, tiebreak) else {
        return Some(at);
    };
    let it = &rows[at];
    Some(
        rows.iter()
            .filter(|r| order(r, it) == Ordering::Less)
            .count(),
    )
}

/// How a table is drawn.
pub struct Look<'a> {
    pub focused: bool,
    pub theme: Theme,
    /// Shown when there are no rows.
    pub empty: &'a str,
}

impl<'a> Look<'a> {
    /// A pane's look in the current theme; `empty` is shown without rows.
    pub fn new(env: &Env, focused: bool, empty: &'a str) -> Look<'a> {
        Look {
            focused,
            theme: env.theme,
            empty,
        }
    }
}

/// Rows of a table of which only the visible window is at hand: `total`
/// rows in all, `rows` holding those from index `first` on.
pub struct Window<'w, R> {
    pub total: usize,
    pub first: usize,
    pub rows: &'w [R],
}

/// Draws the column titles and the visible rows of `rows` into `area`.
pub fn draw_window<R>(
    frame: &mut Frame<'_>,
    area: Rect,
    rows: Window<'_, R>,
    columns: &[Column<R>],
    state: &TableState,
    env: &Env,
    look: &Look<'_>,
) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let shown = fitting_columns(columns, area.width);
    let widths = column_widths(columns, &shown, area.width);
    let theme = look.theme;

    let titles: Vec<Span<'_>> = shown
        .iter()
        .zip(&widths)
        .map(|(&i, &w)| {
            let mut title = columns[i].title.to_string();
            if i == state.sort {
                title.push(if state.reverse { '▲' } else { '▼' });
            }
            Span::styled(text::fit(&title, usize::from(w)), theme.heading())
        })
        .collect();
    frame.render_widget(Paragraph::new(join(titles)), Rect { height: 1, ..area });

    let body = Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    };
    if rows.total == 0 {
        let line = Line::styled(
            text::truncate(look.empty, usize::from(body.width)),
            theme.dim(),
        );
        frame.render_widget(
            Paragraph::new(line),
            Rect {
                height: body.height.min(1),
                ..body
            },
        );
        return;
    }
    let page = usize::from(body.height);
    let (selected, offset) = state.window(rows.total, page);
    let end = (offset + page).min(rows.total);
    let lines: Vec<Line<'_>> = (offset..end)
        .filter_map(|index| Some((index, rows.rows.get(index.checked_sub(rows.first)?)?)))
        .map(|(index, row)| {
            let cells = shown.iter().zip(&widths).map(|(&i, &w)| {
                let column = &columns[i];
                let cell = text::fit(&(column.text)(row, env), usize::from(w));
                Span::styled(cell, (column.style)(row, env))
            });
            let line = join(cells.collect());
            match (index == selected, look.focused) {
                (true, true) => line.patch_style(theme.selected()),
                (true, false) => line.patch_style(theme.selected_unfocused()),
                _ => line,
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
}

/// Cells separated by the gap, as one line.
fn join(cells: Vec<Span<'_>>) -> Line<'_> {
    let mut spans = Vec::with_capacity(cells.len() * 2);
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(GAP_TEXT));
        }
        spans.push(cell);
    }
    Line::from(spans)
}

/// Indexes of the columns that fit in `width`: the ones dropped first go
/// first, the first column always stays.
fn fitting_columns<R>(columns: &[Column<R>], width: u16) -> Vec<usize> {
    let mut shown: Vec<usize> = (0..columns.len()).collect();
    let needed = |shown: &[usize]| -> u32 {
        shown
            .iter()
            .map(|&i| u32::from(columns[i].width))
            .sum::<u32>()
            + u32::from(GAP) * shown.len().saturating_sub(1) as u32
    };
    while shown.len() > 1 && needed(&shown) > u32::from(width) {
        let Some(victim) = shown
            .iter()
            .enumerate()
            .filter(|(_, i)| columns[**i].drop > 0)
            .max_by_key(|(pos, i)| (columns[**i].drop, *pos))
            .map(|(pos, _)| pos)
        else {
            break;
        };
        shown.remove(victim);
    }
    shown
}

/// Widths of the shown columns: each gets its own width, and flexible
/// ones share what is left (the first of them takes the remainder).
fn column_widths<R>(columns: &[Column<R>], shown: &[usize], width: u16) -> Vec<u16> {
    let gaps = GAP * (shown.len() as u16).saturating_sub(1);
    let base: u16 = shown.iter().map(|&i| columns[i].width).sum();
    let flexible = shown.iter().filter(|&&i| columns[i].flex).count() as u16;
    let spare = width.saturating_sub(base + gaps);
    let mut remainder = if flexible > 0 { spare % flexible } else { 0 };
    shown
        .iter()
        .map(|&i| {
            let column = &columns[i];
            if !column.flex {
                return column.width;
            }
            let extra = spare / flexible + std::mem::take(&mut remainder);
            column.width + extra
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    type Row = (&'static str, u32);

    fn name(row: &Row, _: &Env) -> Cow<'static, str> {
        Cow::Borrowed(row.0)
    }
    fn number(row: &Row, _: &Env) -> Cow<'static, str> {
        Cow::Owned(row.1.to_string())
    }

    fn columns() -> Vec<Column<Row>> {
        vec![
            Column {
                title: "Name",
                width: 10,
                flex: true,
                drop: 0,
                text: name,
                style: plain,
                cmp: |a, b| a.0.cmp(b.0),
            },
            Column {
                title: "N",
                width: 5,
                flex: false,
                drop: 2,
                text: number,
                style: plain,
                cmp: |a, b| a.1.cmp(&b.1),
            },
            Column {
                title: "M",
                width: 5,
                flex: false,
                drop: 1,
                text: number,
                style: plain,
                cmp: |a, b| a.1.cmp(&b.1),
            },
        ]
    }

    fn env(state: &State) -> Env<'_> {
        Env {
            state,
            now: 0.0,
            theme: Theme::new(false),
        }
    }

    #[test]
    fn narrow_tables_drop_the_most_droppable_column_first() {
        assert_eq!(fitting_columns(&columns(), 22), vec![0, 1, 2]);
        assert_eq!(fitting_columns(&columns(), 21), vec![0, 2]);
        assert_eq!(fitting_columns(&columns(), 15), vec![0]);
        assert_eq!(fitting_columns(&columns(), 3), vec![0]);
    }

    #[test]
    fn flexible_columns_take_the_rest() {
        assert_eq!(column_widths(&columns(), &[0, 1, 2], 40), vec![28, 5, 5]);
    }

    #[test]
    fn filter_then_sort() {
        let model = State::default();
        let env = env(&model);
        let tiebreak: fn(&Row, &Row) -> Ordering = |a, b| a.0.cmp(b.0);
        let mut rows: Vec<Row> = vec![("bob", 3), ("alice", 9), ("albert", 1), ("alan", 9)];
        let state = TableState {
            filter: "AL".into(),
            sort: 1,
            ..Default::default()
        };
        filter_sort(&mut rows, &columns(), &state, &env, tiebreak, 10);
        assert_eq!(rows, vec![("albert", 1), ("alan", 9), ("alice", 9)]);
        let state = TableState {
            sort: 1,
            reverse: true,
            ..Default::default()
        };
        filter_sort(&mut rows, &columns(), &state, &env, tiebreak, 10);
        assert_eq!(rows, vec![("alan", 9), ("alice", 9), ("albert", 1)]);
    }

    #[test]
    fn only_the_visible_window_is_put_in_order() {
        let model = State::default();
        let env = env(&model);
        let tiebreak: fn(&Row, &Row) -> Ordering = |a, b| a.0.cmp(b.0);
        let mut rows: Vec<Row> = (0..50).rev().map(|n| ("row", n)).collect();
        let state = TableState {
            sort: 1,
            selected: 10,
            offset: 8,
            ..Default::default()
        };
        filter_sort(&mut rows, &columns(), &state, &env, tiebreak, 5);
        assert_eq!(rows.len(), 50);
        let head: Vec<u32> = rows[..13].iter().map(|r| r.1).collect();
        assert_eq!(head, (0..13).collect::<Vec<_>>());
    }
}
