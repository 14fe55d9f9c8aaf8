//! The pane selector line of the single-pane layout: `1 Channels  2 Calls …`.
//!
//! Labels have fixed widths so a click can be mapped back to a pane without
//! knowing what was drawn.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::ui::theme::Theme;
use crate::ui::view::Pane;

/// Short names, so all five fit in 80 columns.
fn label(pane: Pane) -> &'static str {
    match pane {
        Pane::Channels => "Channels",
        Pane::Calls => "Calls",
        Pane::Queues => "Queues",
        Pane::Registrations => "Registrations",
        Pane::Events => "Events",
    }
}

/// Each pane's label text and its column span on the line.
fn spans(area: Rect) -> impl Iterator<Item = (Pane, String, u16, u16)> {
    let mut x = area.x;
    Pane::ALL.into_iter().map(move |pane| {
        let text = format!(" {} {} ", pane.index() + 1, label(pane));
        let (start, width) = (x, text.chars().count() as u16);
        x += width + 1;
        (pane, text, start, start + width)
    })
}

/// The pane whose label covers `column`.
pub fn pane_at(area: Rect, column: u16) -> Option<Pane> {
    spans(area)
        .find(|(_, _, start, end)| (*start..*end).contains(&column))
        .map(|(p, ..)| p)
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, focused: Pane, theme: Theme) {
    let mut parts = Vec::new();
    for (pane, text, ..) in spans(area) {
        let style = if pane == focused {
            theme.selected()
        } else {
            theme.dim()
        };
        parts.push(Span::styled(text, style));
        parts.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(parts)), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clicks_map_to_labels() {
        let area = Rect::new(0, 3, 80, 1);
        // " 1 Channels " spans columns 0..12, then a space.
        assert_eq!(pane_at(area, 0), Some(Pane::Channels));
        assert_eq!(pane_at(area, 11), Some(Pane::Channels));
        assert_eq!(pane_at(area, 12), None);
        assert_eq!(pane_at(area, 13), Some(Pane::Calls));
        assert_eq!(pane_at(area, 79), None);
    }
}
