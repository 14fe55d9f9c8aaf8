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

/// Letters of a name cut short when the bar runs out of room.
const SHORT: usize = 3;

/// Each pane's label text and its column span on the line. Labels are
/// written in full where the bar has room; when it has not (many panes, a
/// narrow terminal), the longest names are cut to their first letters one
/// by one until the bar fits, and at worst every label to its number, so
/// each pane keeps a place on the bar.
fn spans(area: Rect) -> impl Iterator<Item = (Pane, String, u16, u16)> {
    let text = |pane: Pane, letters: usize| {
        let name: String = pane.tab().chars().take(letters).collect();
        if name.is_empty() {
            format!(" {} ", pane.shortcut())
        } else {
            format!(" {} {name} ", pane.shortcut())
        }
    };
    let room = usize::from(area.width);
    let width = |letters: &[usize]| -> usize {
        Pane::ALL
            .iter()
            .zip(letters)
            .map(|(pane, n)| text(*pane, *n).chars().count() + 1)
            .sum()
    };
    let mut letters: Vec<usize> = Pane::ALL.iter().map(|p| p.tab().chars().count()).collect();
    while width(&letters) > room {
        // The longest name still longer than a short one; the last of equals.
        let longest = (0..letters.len())
            .filter(|&i| letters[i] > SHORT)
            .max_by_key(|&i| (letters[i], i));
        match longest {
            Some(i) => letters[i] = SHORT,
            None => {
                letters.fill(0);
                break;
            }
        }
    }
    let mut x = area.x;
    Pane::ALL.iter().zip(letters).map(move |(&pane, letters)| {
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
        // Where the bar is a little short, only the longest names are cut.
        let at_120 = texts(120);
        assert_eq!(at_120[3], " 4 Reg ");
        assert_eq!(at_120[7], " 8 Conferences ");
        assert_eq!(at_120[0], " 1 Channels ");
        let at_100 = texts(100);
        assert_eq!(at_100[1], " 2 Calls ");
        assert_eq!(at_100[7], " 8 Con ");
        for width in [40, 60, 80, 100, 120, 160] {
            let area = Rect::new(0, 0, width, 1);
            let end = spans(area).last().unwrap().3;
            assert!(end <= width, "the bar fits in {width} columns");
        }
        let area = Rect::new(0, 0, 40, 1);
        let last = spans(area).last().unwrap();
        assert!(last.3 <= 40);
        assert_eq!(pane_at(area, last.2), Pane::ALL.last().copied());
    }
}
