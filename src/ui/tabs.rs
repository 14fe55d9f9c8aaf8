//! The pane selector line, `1 Channels  2 Calls …`: every pane, by the
//! keys that show it (see [`crate::ui::panes`]).
//!
//! Labels have fixed widths so a click can be mapped back to a pane without
//! knowing what was drawn.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::ui::panes::Pane;
use crate::ui::theme::Theme;

/// Each pane's label text and its column span on the line. When the full
/// labels do not fit (many panes, a narrow terminal), every label is cut
/// to its first letters, and at worst to its number, so each pane keeps a
/// place on the bar.
fn spans(area: Rect) -> impl Iterator<Item = (Pane, String, u16, u16)> {
    let text = |pane: Pane, letters: usize| {
        let name: String = pane.tab().chars().take(letters).collect();
        if name.is_empty() {
            format!(" {} ", pane.shortcut())
        } else {
            format!(" {} {name} ", pane.shortcut())
        }
    };
    let width = |letters: usize| -> usize {
        Pane::ALL
            .iter()
            .map(|p| text(*p, letters).chars().count() + 1)
            .sum()
    };
    let letters = [usize::MAX, 3, 0]
        .into_iter()
        .find(|letters| width(*letters) <= usize::from(area.width))
        .unwrap_or(0);
    let mut x = area.x;
    Pane::ALL.iter().map(move |&pane| {
        let text = text(pane, letters);
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
        let area = Rect::new(0, 3, 160, 1);
        // " 1 Channels " spans columns 0..12, then a space.
        assert_eq!(pane_at(area, 0), Some(Pane::Channels));
        assert_eq!(pane_at(area, 11), Some(Pane::Channels));
        assert_eq!(pane_at(area, 12), None);
        assert_eq!(pane_at(area, 13), Some(Pane::Calls));
        assert_eq!(pane_at(area, 159), None);
    }

    #[test]
    fn labels_shorten_to_keep_every_pane_on_a_narrow_bar() {
        let texts = |width| -> Vec<String> {
            spans(Rect::new(0, 0, width, 1))
                .map(|(_, text, ..)| text)
                .collect()
        };
        assert_eq!(texts(160)[3], " 4 Registrations ");
        assert!(texts(60)[3].len() < " 4 Registrations ".len());
        assert_eq!(texts(20)[3], " 4 ");
        let area = Rect::new(0, 0, 40, 1);
        let last = spans(area).last().unwrap();
        assert!(last.3 <= 40);
        assert_eq!(pane_at(area, last.2), Pane::ALL.last().copied());
    }
}
