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
use crate::ui::column_fit::{self, Need};
use crate::ui::selection::TableState;
use crate::ui::text;
use crate::ui::theme::Theme;

/// Columns are separated by one space (see [`column_fit::GAP`]).
const GAP_TEXT: &str = " ";

/// What a cell needs besides its row.
#[derive(Clone, Copy, Debug)]
pub struct CellContext<'a> {
    /// The model, to name related rows (a channel's peers).
    pub state: &'a State,
    /// Epoch seconds now, for durations.
    pub now: f64,
    pub theme: Theme,
}

/// How a column prints a row's cell.
pub type CellText<R> = for<'r> fn(&'r R, &CellContext) -> Cow<'r, str>;

/// One column of a pane's table: made by [`Column::new`], which sorts it by
/// its text and gives it no colour, then [`styled`](Column::styled) and
/// [`sorted_by`](Column::sorted_by) where it has its own.
pub struct Column<R> {
    pub title: &'static str,
    /// Width in cells a text column is cut down to before columns are
    /// dropped; it grows to its content when there is room.
    pub width: u16,
    /// Narrow terminals drop the columns of highest `drop` first (0 = never).
    pub drop: u8,
    pub text: CellText<R>,
    pub style: fn(&R, &CellContext) -> Style,
    /// Orders rows by the column's value, ascending (the smallest, the
    /// earliest in the alphabet, the shortest duration first): the title's
    /// `▲` says so. `None`: by the cell's text.
    cmp: Option<fn(&R, &R) -> Ordering>,
}

impl<R> Column<R> {
    /// A column titled `title` showing `text`, sorted by that text, in no
    /// colour of its own; `width` and `drop` as in [`Column`].
    pub fn new(title: &'static str, width: u16, drop: u8, text: CellText<R>) -> Column<R> {
        Column {
            title,
            width,
            drop,
            text,
            style: plain,
            cmp: None,
        }
    }

    /// The same column, coloured by `style`.
    pub fn styled(self, style: fn(&R, &CellContext) -> Style) -> Column<R> {
        Column { style, ..self }
    }

    /// The same column, sorted by `cmp` (ascending) rather than its text:
    /// for numbers, durations, states in order of urgency.
    pub fn sorted_by(self, cmp: fn(&R, &R) -> Ordering) -> Column<R> {
        Column {
            cmp: Some(cmp),
            ..self
        }
    }

    /// How `a` and `b` compare in this column, ascending.
    pub fn compare(&self, a: &R, b: &R, cx: &CellContext) -> Ordering {
        match self.cmp {
            Some(cmp) => cmp(a, b),
            None => (self.text)(a, cx).cmp(&(self.text)(b, cx)),
        }
    }
}

/// The style of a cell that has no colour of its own.
pub fn plain<R>(_: &R, _: &CellContext) -> Style {
    Style::default()
}

/// True when any column's text of `row` contains `needle_lower`.
pub fn matches<R>(columns: &[Column<R>], row: &R, env: &CellContext, needle_lower: &str) -> bool {
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
    cx: &'c CellContext<'c>,
    tiebreak: fn(&R, &R) -> Ordering,
) -> Option<impl Fn(&R, &R) -> Ordering + 'c> {
    let column = columns.get(state.sort)?;
    let reverse = state.reverse;
    Some(move |a: &R, b: &R| {
        let order = column.compare(a, b, cx);
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
    env: &CellContext,
    tiebreak: fn(&R, &R) -> Ordering,
    page: usize,
) {
    filter(rows, columns, state, env);
    let Some(order) = order(columns, state, env, tiebreak) else {
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
fn filter<R>(rows: &mut Vec<R>, columns: &[Column<R>], state: &TableState, env: &CellContext) {
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
    env: &CellContext,
    tiebreak: fn(&R, &R) -> Ordering,
    is_it: impl Fn(&R) -> bool,
) -> Option<usize> {
    filter(&mut rows, columns, state, env);
    let at = rows.iter().position(is_it)?;
    let Some(order) = order(columns, state, env, tiebreak) else {
        return Some(at);
    };
    let it = &rows[at];
    Some(
        rows.iter()
            .filter(|r| order(r, it) == Ordering::Less)
            .count(),
    )
}

/// How a table is drawn besides its rows.
pub struct DrawOptions<'a> {
    /// The table has the keys: its selection is highlighted as such.
    pub focused: bool,
    /// Shown when there are no rows.
    pub empty: &'a str,
}

/// The rows of a table's visible window: how many rows pass its filter,
/// and those from `first` on.
#[derive(Debug)]
pub struct VisibleRows<R> {
    pub total: usize,
    pub first: usize,
    pub window: Vec<R>,
}

impl<R> VisibleRows<R> {
    /// How many rows pass the filter.
    pub fn len(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The row at `index` in table order, if it is in the visible window.
    pub fn get(&self, index: usize) -> Option<&R> {
        self.window.get(index.checked_sub(self.first)?)
    }
}

/// Draws the column titles and the visible rows of `rows` into `area`,
/// each column as wide as its visible cells need (see
/// [`column_fit`]), numbers right-aligned.
pub fn draw_window<R>(
    frame: &mut Frame<'_>,
    area: Rect,
    rows: &VisibleRows<R>,
    columns: &[Column<R>],
    state: &TableState,
    env: &CellContext,
    options: &DrawOptions<'_>,
) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let theme = env.theme;
    let body = Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    };
    let page = usize::from(body.height);
    let (selected, offset) = state.window(rows.total, page);
    let end = (offset + page).min(rows.total);
    let visible: Vec<(usize, &R)> = (offset..end)
        .filter_map(|index| Some((index, rows.get(index)?)))
        .collect();
    // Every visible cell's text, column by column.
    let cells: Vec<Vec<Cow<'_, str>>> = columns
        .iter()
        .map(|column| {
            visible
                .iter()
                .map(|(_, row)| (column.text)(row, env))
                .collect()
        })
        .collect();
    let titles: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, column)| title(column.title, i, state))
        .collect();
    let needs: Vec<Need> = columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let (title, content, numeric) =
                column_fit::measure(&titles[i], cells[i].iter().map(|c| c.as_ref()));
            Need {
                title,
                content,
                numeric,
                suggested: column.width,
                drop: column.drop,
                keep: i == 0 || i == state.sort,
                names_row: i == 0,
            }
        })
        .collect();
    let plan = column_fit::plan(&needs, area.width, !visible.is_empty());

    let heading: Vec<Span<'_>> = plan
        .iter()
        .map(|&(i, w)| Span::styled(align(&titles[i], w, needs[i].numeric), theme.heading()))
        .collect();
    frame.render_widget(Paragraph::new(join(heading)), Rect { height: 1, ..area });

    if rows.total == 0 {
        let line = Line::styled(
            text::truncate(options.empty, usize::from(body.width)),
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
    let lines: Vec<Line<'_>> = visible
        .iter()
        .enumerate()
        .map(|(at, (index, row))| {
            let spans = plan.iter().map(|&(i, w)| {
                let cell = align(&cells[i][at], w, needs[i].numeric);
                Span::styled(cell, (columns[i].style)(row, env))
            });
            let line = join(spans.collect());
            match (*index == selected, options.focused) {
                (true, true) => line.patch_style(theme.selected()),
                (true, false) => line.patch_style(theme.selected_unfocused()),
                _ => line,
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
}

/// A column's title, with the sort arrow on the sort column: every
/// column's `cmp` orders its values ascending, so `▲` is ascending (A to
/// Z, small to large, short to long) and `▼` descending, in every table.
fn title(name: &str, index: usize, state: &TableState) -> String {
    let mut title = name.to_string();
    if index == state.sort {
        title.push(if state.reverse { '▼' } else { '▲' });
    }
    title
}

/// `cell` cut or padded to `width`; numbers to the right.
fn align(cell: &str, width: u16, numeric: bool) -> String {
    let width = usize::from(width);
    if !numeric {
        return text::fit(cell, width);
    }
    let cut = text::truncate(cell.trim(), width);
    let pad = width.saturating_sub(text::width(&cut));
    format!("{}{cut}", " ".repeat(pad))
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

#[cfg(test)]
mod tests {
    use super::*;

    type Row = (&'static str, u32);

    fn name(row: &Row, _: &CellContext) -> Cow<'static, str> {
        Cow::Borrowed(row.0)
    }
    fn number(row: &Row, _: &CellContext) -> Cow<'static, str> {
        Cow::Owned(row.1.to_string())
    }

    fn columns() -> Vec<Column<Row>> {
        vec![
            Column::new("Name", 10, 0, name),
            Column::new("N", 5, 2, number).sorted_by(|a, b| a.1.cmp(&b.1)),
            Column::new("M", 5, 1, number).sorted_by(|a, b| a.1.cmp(&b.1)),
        ]
    }

    fn env(state: &State) -> CellContext<'_> {
        CellContext {
            state,
            now: 0.0,
            theme: Theme::new(false),
        }
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
