//! The header: who the server is, how the connection is, and how busy it
//! is, with sparklines of active calls and event rate.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};

use crate::app::link::{ConnectionState, Link};
use crate::model::State;
use crate::ui::panes::registrations;
use crate::ui::status::Meters;
use crate::ui::text;
use crate::ui::theme::{Theme, Tone};

/// Below this width the sparklines give their room to the text.
const SPARKLINES_MIN_WIDTH: u16 = 70;
const LABEL: u16 = 6;

pub struct Header<'a> {
    pub title: &'a str,
    pub state: &'a State,
    pub link: &'a Link,
    pub meters: &'a Meters,
    pub note: Option<&'a str>,
    pub now: f64,
    /// Since when the picture is stale (see [`crate::ui::Dashboard`]).
    pub stale_since: Option<f64>,
    pub theme: Theme,
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, header: &Header<'_>) {
    let (text_area, charts) = if area.width >= SPARKLINES_MIN_WIDTH {
        let chart_width = (area.width / 4).clamp(20, 64);
        let [text_area, _, charts] = Layout::horizontal([
            Constraint::Min(0),
            Constraint::Length(1),
            Constraint::Length(chart_width),
        ])
        .areas(area);
        (text_area, Some(charts))
    } else {
        (area, None)
    };
    let width = usize::from(text_area.width);
    let lines: Vec<Line<'_>> = [identity(header), connection(header), traffic(header, width)]
        .into_iter()
        .map(|line| clip(line, width))
        .collect();
    frame.render_widget(Paragraph::new(lines), text_area);
    if let Some(charts) = charts {
        draw_sparklines(frame, charts, header);
    }
}

/// `amitop · pbx1 · Asterisk 22.1.0 · AMI 11.0.0`
fn identity<'a>(h: &Header<'a>) -> Line<'a> {
    let server = &h.state.server;
    let mut spans = vec![Span::styled(h.title.to_string(), h.theme.heading())];
    let mut fact = |label: &str, value: &str| {
        if !value.is_empty() {
            spans.push(Span::styled(format!(" · {label}"), h.theme.dim()));
            spans.push(Span::raw(value.to_string()));
        }
    };
    fact("", &server.system_name);
    fact("Asterisk ", &server.asterisk_version);
    fact("AMI ", &server.ami_version);
    Line::from(spans)
}

/// The connection state, with the reason and the retry countdown; then
/// uptime and last reload.
fn connection<'a>(h: &Header<'a>) -> Line<'a> {
    let retry = h
        .link
        .retry_left(h.now)
        .map(|s| format!(" · retrying in {s} s"))
        .unwrap_or_default();
    let (tone, status) = match &h.link.state {
        ConnectionState::Connecting { addr, attempt } if *attempt > 1 => (
            Tone::Alert,
            format!("connecting to {addr} (attempt {attempt})"),
        ),
        ConnectionState::Connecting { addr, .. } => (Tone::Alert, format!("connecting to {addr}")),
        ConnectionState::LoggedIn { .. } => match &h.state.server.shutdown {
            Some(how) => (Tone::Bad, format!("server shutting down ({how})")),
            None => (Tone::Good, "● connected".to_string()),
        },
        ConnectionState::LoginRefused { message, .. } => {
            (Tone::Bad, format!("login refused: {message}"))
        }
        ConnectionState::Disconnected { reason, .. } => {
            (Tone::Bad, format!("disconnected: {reason}"))
        }
        ConnectionState::Stopped => (Tone::Bad, "stopped".to_string()),
    };
    let mut spans = vec![Span::styled(status, h.theme.tone(tone))];
    // The stale mark before the countdown: it is what matters most.
    if let Some(since) = h.stale_since {
        let age = text::duration(h.now - since);
        let what = if matches!(h.link.state, ConnectionState::LoggedIn { .. }) {
            format!(" · resyncing; showing the picture last seen {age} ago")
        } else {
            format!(" · stale: last seen {age} ago")
        };
        spans.push(Span::styled(what, h.theme.tone(Tone::Alert)));
    }
    if !retry.is_empty() {
        spans.push(Span::styled(retry, h.theme.tone(tone)));
    }
    spans.extend(uptime(h));
    Line::from(spans)
}

/// `up 3d 4h · reloaded 2h ago` where the server told its uptime in seconds
/// (Asterisk 12+); else its startup and reload times as it wrote them.
fn uptime<'a>(h: &Header<'a>) -> Vec<Span<'a>> {
    let server = &h.state.server;
    // The server's clock stops with the picture.
    let now = h.stale_since.unwrap_or(h.now);
    let mut spans = Vec::new();
    let mut fact = |label: &'static str, value: String| {
        spans.push(Span::styled(label, h.theme.dim()));
        spans.push(Span::raw(value));
    };
    if let Some(booted) = server.booted_at {
        fact(" · up ", text::duration(now - booted));
        if let Some(reloaded) = server.reloaded_at.filter(|r| r - booted >= 1.0) {
            fact(
                " · reloaded ",
                format!("{} ago", text::duration(now - reloaded)),
            );
        }
        return spans;
    }
    if !server.startup.is_empty() {
        fact(" · up ", server.startup.clone());
    }
    if !server.reload.is_empty() && server.reload != server.startup {
        let reload = same_day_time(&server.startup, &server.reload).to_string();
        fact(" · reload ", reload);
    }
    spans
}

/// `reload` without its date when it is the day of `startup`
/// (both as the server wrote them: `2023-11-14 22:11:00`).
fn same_day_time<'a>(startup: &str, reload: &'a str) -> &'a str {
    match (startup.split_once(' '), reload.split_once(' ')) {
        (Some((day, _)), Some((reload_day, time))) if day == reload_day => time,
        _ => reload,
    }
}

/// `down 1 · lagged 1 · calls 12 · channels 25 · waiting 3 · over limit 1 ·
/// ev/s 154`: in order of importance, each fact whole or not at all, as
/// many as fit in `width` cells.
fn traffic<'a>(h: &Header<'a>, width: usize) -> Line<'a> {
    let state = h.state;
    // The model's own count, as the calls pane's: the sparkline samples it.
    let calls = state.calls().len();
    let waiting: usize = state.queues.by_name.values().map(|q| q.callers.len()).sum();
    let mut facts = vec![
        ("calls", calls.to_string()),
        ("channels", state.channels.len().to_string()),
        ("waiting", waiting.to_string()),
        ("ev/s", h.meters.rate.to_string()),
    ];
    if let Some(max) = state.server.max_calls.filter(|m| *m > 0) {
        facts.insert(1, ("max", max.to_string()));
    }
    let bold = Style::default().add_modifier(ratatui::style::Modifier::BOLD);
    let mut facts: Vec<(&str, String, Style)> = facts
        .into_iter()
        .map(|(label, value)| (label, value, bold))
        .collect();
    // Trunk trouble, where it can be seen before anything else.
    let (down, lagged) = registrations::trouble_counts(state);
    let trouble = |n: usize, tone| {
        if n > 0 {
            h.theme.tone(tone).patch(bold)
        } else {
            bold
        }
    };
    if !state.registry.registrations.is_empty() || !state.registry.peers.is_empty() {
        facts.insert(0, ("down", down.to_string(), trouble(down, Tone::Bad)));
    }
    if lagged > 0 {
        facts.insert(
            1,
            ("lagged", lagged.to_string(), trouble(lagged, Tone::Alert)),
        );
    }
    // Queues past a `[thresholds]` limit: a supervisor's first question,
    // before the event rate.
    let over = state.queues.over_threshold(&state.queues.thresholds, h.now);
    if over > 0 {
        let before_rate = facts.len() - 1;
        facts.insert(
            before_rate,
            ("over limit", over.to_string(), trouble(over, Tone::Alert)),
        );
    }
    let mut spans = Vec::new();
    let mut used = 0;
    for (label, value, style) in facts {
        let separator = if spans.is_empty() { "" } else { " · " };
        let cost = text::width(separator) + text::width(label) + 1 + text::width(&value);
        if used + cost > width {
            break;
        }
        used += cost;
        if !separator.is_empty() {
            spans.push(Span::styled(separator, h.theme.dim()));
        }
        spans.push(Span::styled(format!("{label} "), h.theme.dim()));
        spans.push(Span::styled(value, style));
    }
    Line::from(spans)
}

/// Cuts a line to `width` cells on character boundaries.
fn clip(line: Line<'_>, width: usize) -> Line<'_> {
    let mut left = width;
    let spans = line
        .spans
        .into_iter()
        .map(|span| {
            let cut = text::truncate(&span.content, left).into_owned();
            left -= text::width(&cut);
            Span::styled(cut, span.style)
        })
        .collect::<Vec<_>>();
    Line::from(spans)
}

fn draw_sparklines(frame: &mut Frame<'_>, area: Rect, h: &Header<'_>) {
    let rows = Layout::vertical([Constraint::Length(1); 3]).split(area);
    let bars = usize::from(area.width.saturating_sub(LABEL));
    let series = [
        ("calls", &h.meters.calls_history),
        ("ev/s", &h.meters.rate_history),
    ];
    for ((label, history), row) in series.into_iter().zip(rows.iter()) {
        let [label_area, chart] =
            Layout::horizontal([Constraint::Length(LABEL), Constraint::Min(0)]).areas(*row);
        frame.render_widget(
            Paragraph::new(Span::styled(label, h.theme.dim())),
            label_area,
        );
        let recent: Vec<u64> = history
            .iter()
            .skip(history.len().saturating_sub(bars))
            .copied()
            .collect();
        frame.render_widget(
            Sparkline::default().data(&recent).style(h.theme.chart()),
            chart,
        );
    }
    let peak = h
        .meters
        .rate_history
        .iter()
        .max()
        .copied()
        .unwrap_or_default();
    let span = text::duration(bars.min(h.meters.rate_history.len()) as f64);
    let scale = format!("{span} · peak {peak}/s");
    frame.render_widget(Paragraph::new(Span::styled(scale, h.theme.dim())), rows[2]);
}
