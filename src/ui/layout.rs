//! Where everything goes on the screen, as a pure function of its size.
//!
//! Drawing and mouse handling both ask this module, so a click always lands
//! on the row that was drawn there, and the view can compute page sizes
//! without a terminal.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::ui::view::{Pane, TableId};

/// Terminals at least this large show every pane at once.
const WIDE_MIN: (u16, u16) = (160, 40);
/// Rows taken by the header (text on the left, sparklines on the right).
pub const HEADER_ROWS: u16 = 3;

/// The regions of one frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Screen {
    pub header: Rect,
    /// The pane selector line (single-pane layout only).
    pub tabs: Option<Rect>,
    /// Each visible pane with its outer rectangle (borders included).
    pub panes: Vec<(Pane, Rect)>,
    pub footer: Rect,
}

impl Screen {
    /// True when the panes are side by side.
    pub fn is_wide(&self) -> bool {
        self.tabs.is_none()
    }

    pub fn pane_area(&self, pane: Pane) -> Option<Rect> {
        self.panes.iter().find(|(p, _)| *p == pane).map(|(_, r)| *r)
    }
}

/// Splits a frame of `area` with `focused` shown in the single-pane layout.
pub fn screen(area: Rect, focused: Pane) -> Screen {
    let wide = area.width >= WIDE_MIN.0 && area.height >= WIDE_MIN.1;
    if wide {
        let [header, body, footer] = Layout::vertical([
            Constraint::Length(HEADER_ROWS),
            Constraint::Min(0),
            Constraint::Length(1),
        ])
        .areas(area);
        let [top, middle, bottom] = Layout::vertical([
            Constraint::Percentage(40),
            Constraint::Percentage(30),
            Constraint::Percentage(30),
        ])
        .areas(body);
        let halves = |r: Rect| -> [Rect; 2] {
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(r)
        };
        let [channels, calls] = halves(top);
        let [queues, registrations] = halves(middle);
        Screen {
            header,
            tabs: None,
            panes: vec![
                (Pane::Channels, channels),
                (Pane::Calls, calls),
                (Pane::Queues, queues),
                (Pane::Registrations, registrations),
                (Pane::Events, bottom),
            ],
            footer,
        }
    } else {
        let [header, tabs, body, footer] = Layout::vertical([
            Constraint::Length(HEADER_ROWS),
            Constraint::Length(1),
            Constraint::Min(0),
            Constraint::Length(1),
        ])
        .areas(area);
        Screen {
            header,
            tabs: Some(tabs),
            panes: vec![(focused, body)],
            footer,
        }
    }
}

/// The inside of a pane's border.
pub fn inner(pane_area: Rect) -> Rect {
    pane_area.inner(ratatui::layout::Margin {
        horizontal: 1,
        vertical: 1,
    })
}

/// The tables of a pane: each with its area (column titles on the first row).
/// A drilled-down queue shows its members above its waiting callers.
pub fn tables(pane: Pane, pane_area: Rect, drilled: bool) -> Vec<(TableId, Rect)> {
    let inside = inner(pane_area);
    match pane {
        Pane::Queues if drilled => {
            // One summary line, then members (60%) over callers (40%).
            let [_summary, members, callers] = Layout::vertical([
                Constraint::Length(1),
                Constraint::Percentage(60),
                Constraint::Percentage(40),
            ])
            .areas(inside);
            vec![(TableId::Members, members), (TableId::Callers, callers)]
        }
        _ => vec![(pane.table(), inside)],
    }
}

/// Data rows that fit in a table area (its first row holds the titles).
pub fn body_rows(table_area: Rect) -> usize {
    usize::from(table_area.height.saturating_sub(1))
}

/// The first data row of a table area, on screen.
pub fn body_top(table_area: Rect) -> u16 {
    table_area.y + 1
}

/// The summary line above a drilled-down queue's tables.
pub fn drill_summary(pane_area: Rect) -> Rect {
    let inside = inner(pane_area);
    Rect {
        height: inside.height.min(1),
        ..inside
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_terminal_shows_one_pane_with_tabs() {
        let screen = screen(Rect::new(0, 0, 80, 24), Pane::Queues);
        assert!(!screen.is_wide());
        assert_eq!(screen.panes.len(), 1);
        assert_eq!(screen.panes[0].0, Pane::Queues);
        assert_eq!(screen.panes[0].1, Rect::new(0, 4, 80, 19));
        assert_eq!(screen.footer, Rect::new(0, 23, 80, 1));
    }

    #[test]
    fn large_terminal_shows_every_pane() {
        let screen = screen(Rect::new(0, 0, 160, 48), Pane::Queues);
        assert!(screen.is_wide());
        assert_eq!(screen.panes.len(), 5);
        let channels = screen.pane_area(Pane::Channels).unwrap();
        let calls = screen.pane_area(Pane::Calls).unwrap();
        assert_eq!(channels.y, calls.y);
        assert!(channels.right() <= calls.x);
        assert_eq!(screen.pane_area(Pane::Events).unwrap().width, 160);
    }

    #[test]
    fn drilled_queue_has_two_tables() {
        let tables = tables(Pane::Queues, Rect::new(0, 4, 80, 19), true);
        assert_eq!(tables.len(), 2);
        assert_eq!(tables[0].0, TableId::Members);
        assert!(tables[0].1.bottom() <= tables[1].1.y);
    }
}
