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
    for (title, rows) in [
        ("Editing a field or filter", keymap::EDIT_HELP),
        ("Mouse", keymap::MOUSE_HELP),
    ] {
        out.push(Line::raw(""));
        out.push(Line::styled(title, theme.heading()));
        for (what, description) in rows {
            out.push(Line::from(vec![
                Span::styled(text::fit(what, KEY_COLUMN), theme.key()),
                Span::raw(*description),
            ]));
        }
    }
    out
}

/// Widest the overlay gets.
const WIDTH: u16 = 84;

/// Lines in the overlay.
pub fn line_count() -> usize {
    lines(Theme::new(false)).len()
}

/// The farthest the overlay scrolls on a screen of `screen` size: until
/// its last line is at the bottom of the box.
pub fn max_scroll(screen: Rect) -> usize {
    let body = screen
        .height
        .saturating_sub(crate::ui::layout::HEADER_ROWS + 1);
    let shown = usize::from(body.saturating_sub(2)).max(1);
    line_count().saturating_sub(shown)
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
    let popup = centered(area, WIDTH, lines.len() as u16 + 2);
    let shown = usize::from(popup.height.saturating_sub(2));
    let scroll = scroll.min(lines.len().saturating_sub(shown));
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focused_border())
        .title(" Help: keys · Esc or ? closes ");
    if scroll + shown < lines.len() {
        let left = lines.len() - scroll - shown;
        block = block.title_bottom(Line::styled(
            format!(" ↓ {left} more below · PgDn/End "),
            theme.key(),
        ));
    } else if scroll > 0 {
        block = block.title_bottom(Line::styled(" ↑ more above · PgUp/Home ", theme.dim()));
    }
    let scroll = scroll as u16;
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(block).scroll((scroll, 0)),
        popup,
    );
}
