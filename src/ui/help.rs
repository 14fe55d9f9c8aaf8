//! The help overlay, generated from the keymap so it always tells the truth.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::ui::keymap;
use crate::ui::text;
use crate::ui::theme::Theme;

/// Width of the key column.
const KEY_COLUMN: usize = 16;

fn lines(theme: Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for (context, rows) in keymap::help_sections() {
        if !out.is_empty() {
            out.push(Line::raw(""));
        }
        out.push(Line::styled(context.title(), theme.heading()));
        for (keys, description) in rows {
            out.push(Line::from(vec![
                Span::styled(text::fit(&keys, KEY_COLUMN), theme.key()),
                Span::raw(description),
            ]));
        }
    }
    out.push(Line::raw(""));
    out.push(Line::styled("Mouse", theme.heading()));
    for (what, description) in keymap::MOUSE_HELP {
        out.push(Line::from(vec![
            Span::styled(text::fit(what, KEY_COLUMN), theme.key()),
            Span::raw(*description),
        ]));
    }
    out
}

/// Lines in the overlay (the limit of its scroll).
pub fn line_count() -> usize {
    lines(Theme::new(false)).len()
}

/// A centred box of at most `width` x `height` inside `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, scroll: usize, theme: Theme) {
    let lines = lines(theme);
    let popup = centered(area, 64, lines.len() as u16 + 2);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focused_border())
        .title(" Help: keys · Esc or ? closes ");
    let scroll = scroll.min(lines.len().saturating_sub(1)) as u16;
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(block).scroll((scroll, 0)),
        popup,
    );
}
