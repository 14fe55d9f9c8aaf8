//! The hints pane: an operator's BLF panel. A grid of compact cells, one
//! per dialplan hint: the line state as a coloured lamp, the extension,
//! the state in words, who it is, and the person's presence with its
//! message.
//!
//! The cells run down the first column, then the next, in columns of even
//! length (as `ls` lists, see [`crate::ui::grid`]), so Up and Down step
//! through the order a table would have, from the foot of a column to the
//! head of the next, and Left and Right move along a line; when more lamps
//! are lit than fit, the grid shows the screenful of columns holding the
//! selection. Filter, sort and Enter work as on a table, on the columns a
//! table would have.
//!
//! Hints carry no name, so the name is borrowed where the PBX has one:
//! the description of the peer behind the hint's first device, else the
//! full name of the voicemail box with the extension's number. Presence
//! is the hint's own `PresenceStatus` when one arrived, else the state of
//! the provider its hint string names after the comma
//! (`SIP/2001,CustomPresence:anna`), as `PresenceStateList` reported it:
//! after a resync only the latter is known.

use std::borrow::Cow;
use std::cmp::Ordering;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::model::State;
use crate::model::registry::{ExtensionHint, ExtensionState, Presence};
use crate::model::voicemail::mailbox_key;
use crate::ui::grid::{GAP, Grid};
use crate::ui::layout;
use crate::ui::panes::TableId;
use crate::ui::selection::RowId;
use crate::ui::table::{CellContext, Column, VisibleRows};
use crate::ui::tables::{Shown, Sorted, Table};
use crate::ui::text;
use crate::ui::theme::{Theme, Tone};
use crate::ui::view::View;

/// One hint with what the panel shows beside it.
#[derive(Clone, Copy, Debug)]
pub struct Row<'a> {
    pub hint: &'a ExtensionHint,
    pub name: &'a str,
    pub presence: Option<&'a Presence>,
}

impl<'a> Row<'a> {
    pub fn of(state: &'a State, hint: &'a ExtensionHint) -> Row<'a> {
        Row {
            hint,
            name: name(state, hint),
            presence: presence(state, hint),
        }
    }

    fn state(&self) -> &'a str {
        if self.hint.state_text.is_empty() {
            self.hint.state.label()
        } else {
            &self.hint.state_text
        }
    }

    /// `away (lunch)`, or the status alone.
    fn presence_text(&self) -> Cow<'a, str> {
        match self.presence {
            None => Cow::Borrowed(""),
            Some(p) if p.subtype.is_empty() => Cow::Borrowed(&p.status),
            Some(p) => Cow::Owned(format!("{} ({})", p.status, p.subtype)),
        }
    }

    fn presence_message(&self) -> &'a str {
        self.presence.map_or("", |p| p.message.as_str())
    }
}

/// The provider a hint string names after its comma, if any.
pub fn presence_provider(hint: &str) -> Option<&str> {
    let (_, provider) = hint.split_once(',')?;
    let provider = provider.trim();
    (!provider.is_empty()).then_some(provider)
}

/// The presence shown for `hint` (see the module's comment).
pub fn presence<'a>(state: &'a State, hint: &'a ExtensionHint) -> Option<&'a Presence> {
    if !hint.presence.status.is_empty() {
        return Some(&hint.presence);
    }
    state.registry.presence.get(presence_provider(&hint.hint)?)
}

/// The devices a hint string watches: `SIP/2001&Custom:dnd` before the
/// presence part.
pub fn devices(hint: &str) -> impl Iterator<Item = &str> {
    let lines = hint.split(',').next().unwrap_or_default();
    lines.split('&').map(str::trim).filter(|d| !d.is_empty())
}

/// Who the hint is (see the module's comment); "" when nobody says.
fn name<'a>(state: &'a State, hint: &'a ExtensionHint) -> &'a str {
    let peer = devices(&hint.hint).next().and_then(|device| {
        let start = (device.to_owned(), String::new());
        let (key, peer) = state.registry.peers.range(start..).next()?;
        (key.0 == device && !peer.description.is_empty()).then_some(peer.description.as_str())
    });
    let mailbox = || {
        let boxes = &state.voicemail.boxes;
        let own = format!("{}@{}", hint.exten, hint.context);
        [own, mailbox_key(&hint.exten)]
            .iter()
            .find_map(|key| boxes.get(key))
            .map(|b| b.full_name.as_str())
            .filter(|name| !name.is_empty())
    };
    peer.or_else(mailbox).unwrap_or_default()
}

/// A BLF lamp's colour: green free, yellow ringing, cyan in use or held,
/// red busy, dim when the phone is gone or nothing is known.
pub fn lamp(state: ExtensionState) -> Tone {
    match state {
        ExtensionState::Idle => Tone::Good,
        ExtensionState::Ringing | ExtensionState::RingInUse => Tone::Alert,
        ExtensionState::InUse | ExtensionState::OnHold | ExtensionState::InUseOnHold => Tone::Busy,
        ExtensionState::Busy => Tone::Bad,
        ExtensionState::Unavailable | ExtensionState::Unknown => Tone::Idle,
    }
}

/// A presence's colour: green available, yellow away, red do not disturb,
/// dim when unavailable or unknown.
fn presence_tone(presence: Option<&Presence>) -> Tone {
    let status = presence.map_or("", |p| p.status.as_str());
    match status.to_ascii_lowercase().as_str() {
        "available" | "chat" => Tone::Good,
        "away" | "xa" => Tone::Alert,
        "dnd" => Tone::Bad,
        "" => Tone::Neutral,
        _ => Tone::Idle,
    }
}

/// Extensions in dial order: `810` before `1001`, names after numbers.
fn exten_order(a: &str, b: &str) -> Ordering {
    let number = |s: &str| s.parse::<u64>().ok();
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

/// How a line state ranks when sorting by it: ringing first, then in
/// use, busy, free, and the unknown last.
fn state_rank(state: ExtensionState) -> u8 {
    match state {
        ExtensionState::Ringing | ExtensionState::RingInUse => 0,
        ExtensionState::InUse | ExtensionState::OnHold | ExtensionState::InUseOnHold => 1,
        ExtensionState::Busy => 2,
        ExtensionState::Idle => 3,
        ExtensionState::Unavailable => 4,
        ExtensionState::Unknown => 5,
    }
}

pub fn columns<'a>() -> [Column<Row<'a>>; 7] {
    [
        Column::<Row>::new("Exten", 6, 0, |r, _| Cow::Borrowed(&r.hint.exten))
            .styled(|r, env| env.theme.tone(lamp(r.hint.state)))
            .sorted_by(|a, b| exten_order(&a.hint.exten, &b.hint.exten)),
        Column::<Row>::new("Line", 10, 0, |r, _| Cow::Owned(format!("● {}", r.state())))
            .styled(|r, env| env.theme.tone(lamp(r.hint.state)))
            .sorted_by(|a, b| state_rank(a.hint.state).cmp(&state_rank(b.hint.state))),
        Column::new("Name", 16, 1, |r, _| Cow::Borrowed(r.name)),
        Column::<Row>::new("Presence", 14, 2, |r, _| r.presence_text())
            .styled(|r, env| env.theme.tone(presence_tone(r.presence)))
            .sorted_by(|a, b| a.presence_text().cmp(&b.presence_text())),
        Column::new("Message", 18, 3, |r, _| Cow::Borrowed(r.presence_message())),
        Column::<Row>::new("Context", 10, 5, |r, _| Cow::Borrowed(&r.hint.context))
            .styled(|_, env: &CellContext| env.theme.dim()),
        Column::<Row>::new("Hint", 20, 4, |r, _| Cow::Borrowed(&r.hint.hint))
            .styled(|_, env: &CellContext| env.theme.dim()),
    ]
}

/// Every hint the server reported, as the rows of a table: what the grid
/// filters, sorts and selects by.
struct HintList;

impl Sorted for HintList {
    type Row<'a> = Row<'a>;
    const ID: TableId = TableId::Hints;
    const EMPTY: &'static str = "no hints (ExtensionStateList lists none, or the server lacks it)";

    fn columns<'a>(&self) -> Vec<Column<Row<'a>>> {
        columns().into()
    }

    fn all<'a>(&self, state: &'a State, _: &View) -> Vec<Row<'a>> {
        let hints = state.registry.extensions.values();
        hints.map(|hint| Row::of(state, hint)).collect()
    }

    fn tiebreak(a: &Row<'_>, b: &Row<'_>) -> Ordering {
        (&a.hint.context, &a.hint.exten).cmp(&(&b.hint.context, &b.hint.exten))
    }

    fn identity(&self, row: &Row<'_>, _: &View) -> RowId {
        RowId::Hint(row.hint.context.clone(), row.hint.exten.clone())
    }
}

/// The BLF panel: [`HintList`]'s rows drawn as a grid.
pub struct Hints;

/// Every row in order: a panel has tens of lamps, not thousands.
fn every_row<'a>(view: &View, env: &CellContext<'a>) -> VisibleRows<Row<'a>> {
    Table::rows(&HintList, view, env, usize::MAX / 2)
}

impl Shown for Hints {
    fn count(&self, view: &View, env: &CellContext) -> usize {
        HintList.count(view, env)
    }

    fn target(&self, view: &View, env: &CellContext, index: usize) -> Option<RowId> {
        HintList.target(view, env, index)
    }

    fn position(&self, view: &View, env: &CellContext, target: &RowId) -> Option<usize> {
        Shown::position(&HintList, view, env, target)
    }

    fn sort_columns(&self) -> usize {
        HintList.sort_columns()
    }

    fn grid(&self, view: &View, env: &CellContext, area: Rect) -> Option<Grid> {
        Some(fit(&every_row(view, env).window, area, env).0)
    }

    fn draw(
        &self,
        frame: &mut Frame<'_>,
        area: Rect,
        view: &View,
        env: &CellContext,
        focused: bool,
    ) -> usize {
        let rows = every_row(view, env);
        let table = view.table(TableId::Hints);
        let (grid, widths) = fit(&rows.window, area, env);
        let (selected, _) = table.window(rows.total, layout::body_rows(area));
        frame.render_widget(
            Paragraph::new(heading(table.sort, table.reverse, env.theme)),
            Rect { height: 1, ..area },
        );
        let body = Rect {
            y: layout::body_top(area),
            height: area.height.saturating_sub(1),
            ..area
        };
        if rows.total == 0 {
            let empty = text::truncate(<HintList as Sorted>::EMPTY, usize::from(body.width));
            let line = Line::styled(empty, env.theme.dim());
            frame.render_widget(Paragraph::new(line), body);
            return 0;
        }
        let first = grid.first_shown(selected);
        let screen: Vec<Line<'_>> = (0..grid.lines)
            .map(|line| {
                let mut spans = Vec::new();
                for column in 0..grid.columns {
                    let index = first + column * grid.lines + line;
                    let Some(row) = rows.get(index) else { break };
                    if column > 0 {
                        spans.push(Span::raw(" ".repeat(usize::from(GAP))));
                    }
                    let highlight = (index == selected).then(|| {
                        if focused {
                            env.theme.selected()
                        } else {
                            env.theme.selected_unfocused()
                        }
                    });
                    spans.extend(cell(row, grid.cell, widths, env, highlight));
                }
                Line::from(spans)
            })
            .collect();
        frame.render_widget(Paragraph::new(screen), body);
        rows.total
    }
}

/// The narrowest cell: lamp, extension, state and the start of a name.
const NARROWEST: usize = 34;
/// The widest cell: longer names and messages are cut.
const WIDEST: usize = 60;

/// How the lamps of `rows` fit `area`: the grid, and how wide each
/// cell's extension and name are padded so they line up down a column.
fn fit(rows: &[Row<'_>], area: Rect, env: &CellContext) -> (Grid, Widths) {
    let widest = |of: for<'r> fn(&'r Row<'_>) -> &'r str| {
        rows.iter().map(|r| text::width(of(r))).max().unwrap_or(0)
    };
    let widths = Widths {
        exten: widest(|r| &r.hint.exten).clamp(3, 8),
        name: widest(|r| r.name).min(20),
    };
    let cell = rows.iter().map(|row| {
        let parts = parts(row, widths, env);
        parts
            .iter()
            .map(|(part, _)| text::width(part))
            .sum::<usize>()
    });
    let wanted = cell.max().unwrap_or(0).clamp(NARROWEST, WIDEST);
    let lines = layout::body_rows(area);
    let grid = Grid::fit(area.width, lines, rows.len(), wanted);
    (grid, widths)
}

/// The grid's title line: the sort, and what each lamp colour means.
fn heading(sort: usize, reverse: bool, theme: Theme) -> Line<'static> {
    let title = columns().get(sort).map_or("", |c| c.title);
    let arrow = if reverse { '▼' } else { '▲' };
    let mut spans = vec![Span::styled(format!("by {title}{arrow}"), theme.heading())];
    for (state, word) in [
        (ExtensionState::Idle, "idle"),
        (ExtensionState::Ringing, "ringing"),
        (ExtensionState::InUse, "in use"),
        (ExtensionState::Busy, "busy"),
        (ExtensionState::Unavailable, "unavailable"),
    ] {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(format!("● {word}"), theme.tone(lamp(state))));
    }
    Line::from(spans)
}

/// How wide a cell's extension and name are padded.
#[derive(Clone, Copy, Debug)]
struct Widths {
    exten: usize,
    name: usize,
}

/// One lamp's cell, `width` wide: `● 2003 InUse   Chloe Accounts  dnd In
/// a meeting`, cut where the cell ends; `highlight` marks the selection.
fn cell<'a>(
    row: &Row<'a>,
    width: usize,
    widths: Widths,
    env: &CellContext,
    highlight: Option<Style>,
) -> Vec<Span<'a>> {
    let mut left = width;
    let mut spans = Vec::new();
    for (part, style) in parts(row, widths, env) {
        let cut = text::truncate(&part, left).into_owned();
        left -= text::width(&cut);
        spans.push(Span::styled(cut, style));
    }
    spans.push(Span::raw(" ".repeat(left)));
    match highlight {
        Some(marked) => spans
            .into_iter()
            .map(|span| {
                let style = span.style.patch(marked);
                span.style(style)
            })
            .collect(),
        None => spans,
    }
}

/// A cell's text, whole, in its parts and their styles.
fn parts<'a>(row: &Row<'a>, widths: Widths, env: &CellContext) -> [(Cow<'a, str>, Style); 5] {
    let theme = env.theme;
    let line_tone = theme.tone(lamp(row.hint.state));
    [
        (
            Cow::Owned(format!("● {:>1$} ", row.hint.exten, widths.exten)),
            line_tone,
        ),
        (Cow::Owned(format!("{:<7} ", row.state())), line_tone),
        (
            Cow::Owned(text::fit(row.name, widths.name)),
            Style::default(),
        ),
        (
            Cow::Owned(match row.presence_text() {
                p if p.is_empty() => String::new(),
                p => format!("  {p}"),
            }),
            theme.tone(presence_tone(row.presence)),
        ),
        (
            Cow::Owned(match row.presence_message() {
                "" => String::new(),
                m => format!(" {m}"),
            }),
            theme.dim(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model with an idle hint for each of `extens`.
    fn idle_phones(extens: &[&str]) -> State {
        let mut state = State::new();
        for exten in extens {
            let hint = format!("SIP/{exten}");
            let status = [
                ("Event", "ExtensionStatus"),
                ("Exten", exten),
                ("Context", "default"),
                ("Hint", hint.as_str()),
                ("Status", "0"),
            ];
            state.apply(&crate::ami::Message::from_pairs(status), 0.0);
        }
        state
    }

    #[test]
    fn short_lamps_still_get_the_narrowest_cell() {
        let state = idle_phones(&["2001", "2002", "2003", "2004", "2005", "2006", "2007"]);
        let env = CellContext {
            state: &state,
            now: 0.0,
            theme: Theme::new(false),
        };
        let rows = every_row(&View::default(), &env).window;
        // `● 2001 Idle    ` is 15 wide, but a cell is at least 34: three
        // across 118 columns (in columns of 3, 3 and 1), not seven.
        let (grid, _) = fit(&rows, Rect::new(0, 0, 118, 9), &env);
        assert_eq!((grid.columns, grid.lines, grid.cell), (3, 3, 38));
    }

    #[test]
    fn the_selected_lamp_is_the_one_marked() {
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;
        use ratatui::style::Modifier;

        use crate::ui::keymap::Command;
        use crate::ui::panes::{ModelTables, Pane};

        let state = idle_phones(&["2001", "2002", "2003"]);
        let mut view = View::new(Rect::new(0, 0, 100, 30));
        view.pane = Pane::Hints;
        view.update(
            Command::Down,
            &ModelTables {
                state: &state,
                now: 0.0,
            },
        );
        let env = CellContext {
            state: &state,
            now: 0.0,
            theme: Theme::new(false),
        };
        let mut terminal = Terminal::new(TestBackend::new(100, 4)).unwrap();
        terminal
            .draw(|frame| {
                Hints.draw(frame, frame.area(), &view, &env, true);
            })
            .unwrap();
        let buffer = terminal.backend().buffer();
        let marked = |exten: &str| {
            let found = (0..buffer.area.height).find_map(|y| {
                let line: String = (0..buffer.area.width)
                    .map(|x| buffer[(x, y)].symbol().to_owned())
                    .collect();
                let x = line.find(&format!("● {exten}"))?;
                Some(buffer[(line[..x].chars().count() as u16, y)].modifier)
            });
            found.expect("a lamp").contains(Modifier::REVERSED)
        };
        assert!(marked("2002"));
        assert!(!marked("2001") && !marked("2003"));
    }

    #[test]
    fn hint_strings_split_into_devices_and_presence() {
        let hint = "Custom:desk811&Local/101@test,CustomPresence:bob";
        assert_eq!(
            devices(hint).collect::<Vec<_>>(),
            ["Custom:desk811", "Local/101@test"]
        );
        assert_eq!(presence_provider(hint), Some("CustomPresence:bob"));
        assert_eq!(presence_provider("SIP/2001"), None);
        assert_eq!(exten_order("810", "1001"), Ordering::Less);
        assert_eq!(exten_order("operator", "1001"), Ordering::Greater);
    }
}
