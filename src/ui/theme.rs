//! Colours and emphasis, in one place.
//!
//! States are first classified into a [`Tone`] (good, ringing, busy, bad,
//! idle), then the theme turns a tone into a style. Only the eight base
//! colours are used, plus bold, dim and reverse, so the screen stays readable
//! on dark and light backgrounds alike; with `NO_COLOR` set
//! (<https://no-color.org>) the colours go and the emphasis stays.

use ratatui::style::{Color, Modifier, Style};

/// What a state means to the operator, independent of colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Up, talking, registered, reachable, available.
    Good,
    /// Ringing or dialling: something is about to happen.
    Alert,
    /// In use or on hold: fine, but occupied.
    Busy,
    /// Unreachable, rejected, failed, congested.
    Bad,
    /// Down, unknown, not monitored.
    Idle,
    Neutral,
}

/// Classifies a channel state (`ChannelStateDesc`).
pub fn channel_tone(state: &str) -> Tone {
    match state.to_ascii_lowercase().as_str() {
        "up" => Tone::Good,
        "ring" | "ringing" | "dialing" | "dialing offhook" | "pre-ring" | "offhook" => Tone::Alert,
        "busy" => Tone::Bad,
        "down" | "rsrvd" | "unknown" | "" => Tone::Idle,
        _ => Tone::Neutral,
    }
}

/// Classifies a peer, contact, registration, device or member state text.
pub fn peer_tone(state: &str) -> Tone {
    let state = state.to_ascii_lowercase();
    let has = |word: &str| state.contains(word);
    if has("unreach")
        || has("reject")
        || has("fail")
        || has("invalid")
        || has("unavail")
        || has("nonauth")
        || has("unregistered")
        || has("timeout")
        || has("congest")
    {
        Tone::Bad
    } else if has("not_inuse") || has("not in use") {
        Tone::Good
    } else if has("lagged") || has("ring") || has("trying") || has("request") || has("pending") {
        Tone::Alert
    } else if has("inuse") || has("in use") || has("busy") || has("hold") {
        Tone::Busy
    } else if has("reachable")
        || has("registered")
        || has("ok")
        || has("avail")
        || has("created")
        || state == "up"
    {
        Tone::Good
    } else if state.is_empty() || has("unknown") || has("unmonitored") || has("removed") {
        Tone::Idle
    } else {
        Tone::Neutral
    }
}

/// Turns tones and roles into styles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    color: bool,
}

impl Theme {
    pub const fn new(color: bool) -> Self {
        Theme { color }
    }

    /// Colour unless the `NO_COLOR` environment variable is set and not empty.
    pub fn from_env() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme::new(!no_color)
    }

    fn fg(&self, style: Style, color: Color) -> Style {
        if self.color { style.fg(color) } else { style }
    }

    pub fn tone(&self, tone: Tone) -> Style {
        let base = Style::default();
        match tone {
            Tone::Good => self.fg(base, Color::Green),
            Tone::Alert => self.fg(base.add_modifier(Modifier::BOLD), Color::Yellow),
            Tone::Busy => self.fg(base, Color::Cyan),
            Tone::Bad => self.fg(base.add_modifier(Modifier::BOLD), Color::Red),
            Tone::Idle => base.add_modifier(Modifier::DIM),
            Tone::Neutral => base,
        }
    }

    /// Column titles.
    pub fn heading(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// The selected row of the focused table.
    pub fn selected(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }

    /// The selected row of a table without focus (side-by-side layout).
    pub fn selected_unfocused(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    /// The border and title of the focused pane.
    pub fn focused_border(&self) -> Style {
        self.fg(Style::default().add_modifier(Modifier::BOLD), Color::Blue)
    }

    pub fn border(&self) -> Style {
        Style::default()
    }

    /// Keys in the footer and help overlay.
    pub fn key(&self) -> Style {
        self.fg(Style::default().add_modifier(Modifier::BOLD), Color::Blue)
    }

    /// Secondary text: labels, hints, timestamps.
    pub fn dim(&self) -> Style {
        Style::default().add_modifier(Modifier::DIM)
    }

    /// Sparkline bars.
    pub fn chart(&self) -> Style {
        self.fg(Style::default(), Color::Cyan)
    }

    /// Prompt line while typing a filter.
    pub fn prompt(&self) -> Style {
        self.fg(Style::default().add_modifier(Modifier::BOLD), Color::Yellow)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_states_classify() {
        assert_eq!(channel_tone("Up"), Tone::Good);
        assert_eq!(channel_tone("Ringing"), Tone::Alert);
        assert_eq!(channel_tone("Ring"), Tone::Alert);
        assert_eq!(channel_tone("Busy"), Tone::Bad);
        assert_eq!(channel_tone("Down"), Tone::Idle);
    }

    #[test]
    fn peer_states_classify() {
        assert_eq!(peer_tone("Reachable"), Tone::Good);
        assert_eq!(peer_tone("Registered"), Tone::Good);
        assert_eq!(peer_tone("Unreachable"), Tone::Bad);
        assert_eq!(peer_tone("Rejected"), Tone::Bad);
        assert_eq!(peer_tone("Lagged"), Tone::Alert);
        assert_eq!(peer_tone("INUSE"), Tone::Busy);
        assert_eq!(peer_tone("NOT_INUSE"), Tone::Good);
        assert_eq!(peer_tone("Unavailable"), Tone::Bad);
        assert_eq!(peer_tone("Unknown"), Tone::Idle);
    }

    #[test]
    fn no_color_keeps_emphasis_only() {
        let plain = Theme::new(false);
        let style = plain.tone(Tone::Bad);
        assert_eq!(style.fg, None);
        assert!(style.add_modifier.contains(Modifier::BOLD));
        assert_eq!(Theme::new(true).tone(Tone::Bad).fg, Some(Color::Red));
    }
}
