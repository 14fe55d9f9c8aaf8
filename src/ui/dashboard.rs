//! One frame of the dashboard: header, pane selector, panes, footer, and
//! the overlays (detail, help), drawn from the model and the view state.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::app::link::{ConnectionState, Link};

use crate::model::State;
use crate::ui::form::{self, Actions};
use crate::ui::header::{self, Header};
use crate::ui::keymap::Context;
use crate::ui::secret::SecretPrompt;
use crate::ui::status::Meters;
use crate::ui::table::CellContext;
use crate::ui::theme::{Theme, Tone};
use crate::ui::view::{PromptKind, View};
use crate::ui::{detail, help, keymap, panes, tabs};

/// Everything a frame is drawn from.
pub struct Dashboard<'a> {
    pub title: &'a str,
    pub state: &'a State,
    /// Since when `state` is a picture no longer live (disconnected, or
    /// not yet resynced): it is dimmed and its clocks stop there.
    pub stale_since: Option<f64>,
    pub view: &'a View,
    pub link: &'a Link,
    pub meters: &'a Meters,
    /// A note from the resync (a list the user may not read), if any.
    pub note: Option<&'a str>,
    /// Epoch seconds, for durations.
    pub now: f64,
    pub theme: Theme,
    /// The operator's open form or output, and the last action's status.
    pub actions: &'a Actions,
    /// After a refused login, the prompt for the secret, if one can be typed.
    pub secret_prompt: Option<SecretPrompt>,
}

/// Draws one frame. The layout is computed for the view's size, which the
/// loop keeps equal to the terminal's.
pub fn draw(frame: &mut Frame<'_>, d: &Dashboard<'_>) {
    let view = d.view;
    let screen = view.screen();
    // A stale picture's durations and waits stop where it was last seen.
    let picture_now = d.stale_since.unwrap_or(d.now);
    let header = Header {
        title: d.title,
        state: d.state,
        link: d.link,
        meters: d.meters,
        note: d.note,
        now: d.now,
        stale_since: d.stale_since,
        theme: d.theme,
    };
    header::draw(frame, screen.header, &header);
    if let Some(area) = screen.tabs {
        tabs::draw(frame, area, view.pane, d.theme);
    }
    let env = CellContext {
        state: d.state,
        now: picture_now,
        theme: d.theme,
    };
    for (pane, area) in &screen.panes {
        let focused = *pane == view.pane;
        panes::draw(frame, *area, *pane, view, &env, focused);
        if d.stale_since.is_some() {
            frame
                .buffer_mut()
                .set_style(*area, Style::default().add_modifier(Modifier::DIM));
        }
    }
    draw_footer(frame, screen.footer, d);

    let body = Rect {
        y: screen.header.bottom(),
        height: screen.footer.y.saturating_sub(screen.header.bottom()),
        ..frame.area()
    };
    if let Some(detail) = &view.detail {
        detail::draw(frame, body, d.state, detail, picture_now, d.theme);
    }
    if let Some(scroll) = view.help {
        help::draw(frame, body, scroll, d.theme);
    }
    form::draw(frame, body, d.actions, d.theme);
    // Last, on top: while it takes the keys, it is what the user sees.
    if let ConnectionState::LoginRefused { message, .. } = &d.link.state {
        let retry = d.link.retry_left(d.now);
        draw_login_refused(frame, body, message, retry, d.secret_prompt, d.theme);
    }
}

/// The prompt being typed, else the keys of an open form or box, else
/// the last action's status, else the keys that work here.
fn draw_footer(frame: &mut Frame<'_>, area: Rect, d: &Dashboard<'_>) {
    let (view, actions, theme) = (d.view, d.actions, d.theme);
    let width = usize::from(area.width);
    if d.secret_prompt.is_some() {
        let keys = [
            ("Enter", "log in now"),
            ("Esc", "clear"),
            ("Ctrl-C", "quit"),
        ];
        let keys = keys.iter().map(|(k, l)| (k.to_string(), *l)).collect();
        let keys = keymap::footer_fit(keys, width);
        frame.render_widget(Paragraph::new(key_spans(keys, theme)), area);
        return;
    }
    if let Some(overlay) = &actions.overlay {
        let keys = keymap::footer_fit(overlay.keys(), width);
        frame.render_widget(Paragraph::new(key_spans(keys, theme)), area);
        return;
    }
    let line = match (view.prompt_text(), actions.status.as_ref()) {
        (Some((prompt, typed)), _) => {
            let label = match prompt.kind {
                PromptKind::Text => "filter: ",
                PromptKind::EventType => "event name: ",
            };
            // The cursor shows where typing goes; the keys are the keymap's.
            let before: String = typed.chars().take(prompt.cursor()).collect();
            let after: String = typed.chars().skip(prompt.cursor()).collect();
            let keys: Vec<String> = keymap::footer(&[Context::Prompt], false)
                .into_iter()
                .map(|(key, label)| format!("{key} {label}"))
                .collect();
            Line::from(vec![
                Span::styled(label, theme.prompt()),
                Span::raw(format!("{before}▏{after}")),
                Span::styled(format!("  {}", keys.join(" · ")), theme.dim()),
            ])
        }
        (None, Some(status)) => status.line(theme),
        (None, None) => {
            let entries = keymap::footer(&view.contexts(), actions.read_only);
            key_spans(keymap::footer_fit(entries, width), theme)
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// Says plainly that the server refused the login, how to fix it, and
/// (with `prompt`) takes the secret to try again with at once: an empty
/// dashboard retrying in silence helps nobody.
fn draw_login_refused(
    frame: &mut Frame<'_>,
    area: Rect,
    message: &str,
    retry: Option<u64>,
    prompt: Option<SecretPrompt>,
    theme: Theme,
) {
    const WIDTH: u16 = 76;
    let refusal = format!("The server refused the login: {message}");
    // Wrapped here, so the box is as tall as its lines.
    let inner = usize::from(WIDTH.min(area.width).saturating_sub(2)).max(1);
    let mut lines: Vec<Line> = crate::ui::text::wrap(&refusal, inner)
        .into_iter()
        .map(|line| Line::styled(line, theme.tone(Tone::Bad)))
        .collect();
    if prompt.is_some_and(|p| p.typed_refused) {
        lines.push(Line::styled(
            "The secret you typed was refused too.",
            theme.tone(Tone::Bad),
        ));
    }
    lines.extend([
        Line::raw(""),
        Line::raw("The AMI user or its secret is wrong, or this address may not log in."),
        Line::raw("Check:"),
        Line::raw(" · the user: --user, or username in the config file"),
        Line::raw("   (a [section] of the server's manager.conf)"),
        Line::raw(" · the secret: AMITOP_SECRET, else secret_env or secret in the config"),
        Line::raw(" · manager.conf: secret, permit/deny for this host, then"),
        Line::raw("   asterisk -rx 'manager reload'"),
        Line::raw(""),
    ]);
    let quit = if prompt.is_some() { "Ctrl-C" } else { "q" };
    let retry = match retry {
        Some(seconds) => format!("amitop tries again in {seconds} s; {quit} quits."),
        None => format!("amitop will not try again; {quit} quits."),
    };
    let field_row = prompt.map(|prompt| {
        lines.push(Line::raw(
            "Or type the secret and press Enter to log in now (this session only;",
        ));
        lines.push(Line::raw("it is not shown, saved or logged):"));
        let typed = if prompt.typed {
            "(typed, not shown)"
        } else {
            ""
        };
        lines.push(Line::from(vec![
            Span::styled("Secret: ", theme.key()),
            Span::styled(typed, theme.dim()),
        ]));
        lines.len() - 1
    });
    lines.push(Line::styled(retry, theme.dim()));
    let popup = help::centered(area, WIDTH, lines.len() as u16 + 2);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.tone(Tone::Bad))
        .title(" Login refused ");
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
    // The cursor waits after the label; what is typed never shows.
    if let Some(row) = field_row {
        let y = popup.y + 1 + row as u16;
        if y + 1 < popup.bottom() {
            frame.set_cursor_position((popup.x + 1 + "Secret: ".len() as u16, y));
        }
    }
}

/// `key label` pairs as one footer line.
fn key_spans(entries: Vec<(String, &'static str)>, theme: Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for (key, label) in entries {
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(format!(" {label} ")));
    }
    Line::from(spans)
}
