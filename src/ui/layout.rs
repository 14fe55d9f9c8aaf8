//! Where everything goes on the screen, as a pure function of its size.
//!
//! Drawing and mouse handling both ask this module, so a click always lands
//! on the row that was drawn there, and the view can compute page sizes
//! without a terminal.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::ui::panes::{Pane, TableId};

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

/// Rows of a drilled-down queue's two tables, to share the pane by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DrillRows {
    pub members: usize,
    pub callers: usize,
}

/// The tables of a pane: each with its area (column titles on the first row).
/// A drilled-down queue (`drill`) shows its members above its waiting
/// callers, see [`split_drill`].
pub fn tables(pane: Pane, pane_area: Rect, drill: Option<DrillRows>) -> Vec<(TableId, Rect)> {
    let inside = inner(pane_area);
    match (pane, drill) {
        (Pane::Queues, Some(rows)) => {
            // One summary line, then the two tables.
            let [_summary, body] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inside);
            let (members_height, _) = split_drill(body.height, rows);
            let [members, callers] =
                Layout::vertical([Constraint::Length(members_height), Constraint::Min(0)])
                    .areas(body);
            vec![(TableId::Members, members), (TableId::Callers, callers)]
        }
        _ => vec![(pane.table(), inside)],
    }
}

/// Heights of the members and callers tables in `height` rows: each as
/// tall as its rows (plus titles) when both fit, so no blank rows part
/// them; else the smaller keeps what it needs if that is at most half,
/// and the other scrolls in the rest.
pub fn split_drill(height: u16, rows: DrillRows) -> (u16, u16) {
    let need = |n: usize| u16::try_from(n.max(1) + 1).unwrap_or(u16::MAX);
    let (members, callers) = (need(rows.members), need(rows.callers));
    let half = height / 2;
    let top = if members.saturating_add(callers) <= height || members <= half {
        members.min(height)
    } else if callers <= height - half {
        height - callers
    } else {
        half
    };
    (top, height - top)
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
        let rows = DrillRows {
            members: 2,
            callers: 1,
        };
        let tables = tables(Pane::Queues, Rect::new(0, 4, 80, 19), Some(rows));
        assert_eq!(tables.len(), 2);
        assert_eq!(tables[0].0, TableId::Members);
        assert_eq!(tables[0].1.height, 3, "titles and two members, no gap");
        assert_eq!(tables[1].1.y, tables[0].1.bottom());
    }

    #[test]
    fn the_drill_down_shares_rows_by_need() {
        let split = |members, callers| split_drill(16, DrillRows { members, callers });
        assert_eq!(
            split(3, 2),
            (4, 12),
            "both fit: members as tall as they need"
        );
        assert_eq!(split(0, 0), (2, 14), "room for the empty-table line");
        assert_eq!(split(3, 30), (4, 12), "few members, many callers scroll");
        assert_eq!(
            split(30, 3),
            (12, 4),
            "many members scroll, callers all shown"
        );
        assert_eq!(split(30, 30), (8, 8), "both scroll, half each");
        assert_eq!(split_drill(1, DrillRows::default()), (0, 1));
    }
}
