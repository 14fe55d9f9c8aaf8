//! Where everything goes on the screen, as a pure function of its size.
//!
//! Drawing and mouse handling both ask this module, so a click always lands
//! on the row that was drawn there, and the view can compute page sizes
//! without a terminal.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::ui::view::{Pane, TableId};

/// Terminals at least this large show the layout's panes at once.
const WIDE_MIN: (u16, u16) = (160, 40);
/// Rows taken by the header (text on the left, sparklines on the right).
pub const HEADER_ROWS: u16 = 3;

/// The regions of one frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Screen {
    pub header: Rect,
    /// The pane selector line: always in the single-pane layout, and in
    /// the wide one when some pane is not in it.
    pub tabs: Option<Rect>,
    /// Each visible pane with its outer rectangle (borders included).
    pub panes: Vec<(Pane, Rect)>,
    pub footer: Rect,
}

impl Screen {
    /// True when several panes are side by side.
    pub fn is_wide(&self) -> bool {
        self.panes.len() > 1
    }

    pub fn pane_area(&self, pane: Pane) -> Option<Rect> {
        self.panes.iter().find(|(p, _)| *p == pane).map(|(_, r)| *r)
    }
}

/// Splits a frame of `area`. A large terminal shows the `wide` panes at
/// once, unless `focused` is not one of them; else `focused` fills the body.
pub fn screen(area: Rect, focused: Pane, wide: &[Pane]) -> Screen {
    let large = area.width >= WIDE_MIN.0 && area.height >= WIDE_MIN.1;
    let shown: &[Pane] = if large && wide.contains(&focused) {
        wide
    } else {
        &[focused]
    };
    let with_tabs = shown.len() < Pane::ALL.len();
    let [header, tabs, body, footer] = Layout::vertical([
        Constraint::Length(HEADER_ROWS),
        Constraint::Length(u16::from(with_tabs)),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    Screen {
        header,
        tabs: with_tabs.then_some(tabs),
        panes: grid(shown, body),
        footer,
    }
}

/// Panes two to a row (55% and 45% wide), an odd last one across the
/// whole width; the first row a third taller than the others.
fn grid(panes: &[Pane], body: Rect) -> Vec<(Pane, Rect)> {
    let rows = panes.len().div_ceil(2) as u32;
    let total = 3 * rows + 1;
    let heights = (0..rows).map(|row| Constraint::Ratio(if row == 0 { 4 } else { 3 }, total));
    let row_areas = Layout::vertical(heights).split(body);
    panes
        .chunks(2)
        .zip(row_areas.iter())
        .flat_map(|(pair, row)| match pair {
            [left, right] => {
                let [l, r] =
                    Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                        .areas(*row);
                vec![(*left, l), (*right, r)]
            }
            _ => vec![(pair[0], *row)],
        })
        .collect()
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
    use crate::ui::panes::DEFAULT_LAYOUT;

    #[test]
    fn small_terminal_shows_one_pane_with_tabs() {
        let screen = screen(Rect::new(0, 0, 80, 24), Pane::Queues, DEFAULT_LAYOUT);
        assert!(!screen.is_wide());
        assert_eq!(screen.panes.len(), 1);
        assert_eq!(screen.panes[0].0, Pane::Queues);
        assert_eq!(screen.panes[0].1, Rect::new(0, 4, 80, 19));
        assert_eq!(screen.footer, Rect::new(0, 23, 80, 1));
    }

    #[test]
    fn large_terminal_shows_every_pane() {
        let screen = screen(Rect::new(0, 0, 160, 48), Pane::Queues, DEFAULT_LAYOUT);
        assert!(screen.is_wide());
        assert_eq!(screen.panes.len(), 5);
        let channels = screen.pane_area(Pane::Channels).unwrap();
        let calls = screen.pane_area(Pane::Calls).unwrap();
        assert_eq!(channels.y, calls.y);
        assert!(channels.right() <= calls.x);
        assert_eq!(screen.pane_area(Pane::Events).unwrap().width, 160);
    }

    #[test]
    fn the_wide_layout_shows_its_panes_and_a_pane_outside_it_alone() {
        let area = Rect::new(0, 0, 200, 50);
        let wide = [Pane::Events, Pane::Calls, Pane::Queues];
        let screen = screen(area, Pane::Calls, &wide);
        let shown: Vec<Pane> = screen.panes.iter().map(|(p, _)| *p).collect();
        assert_eq!(shown, wide);
        assert!(screen.tabs.is_some(), "the other panes stay on the tab bar");
        assert_eq!(screen.pane_area(Pane::Queues).unwrap().width, 200);
        let alone = super::screen(area, Pane::Channels, &wide);
        assert_eq!(alone.panes.len(), 1);
        assert_eq!(alone.panes[0].0, Pane::Channels);
    }

    #[test]
    fn drilled_queue_has_two_tables() {
        let tables = tables(Pane::Queues, Rect::new(0, 4, 80, 19), true);
        assert_eq!(tables.len(), 2);
        assert_eq!(tables[0].0, TableId::Members);
        assert!(tables[0].1.bottom() <= tables[1].1.y);
    }
}
