//! The hints pane: an operator's BLF panel. One compact row per dialplan
//! hint: the line state as a coloured lamp, the extension, who it is, and
//! the person's presence with its message.
//!
//! Hints carry no name, so the name is borrowed where the PBX has one:
//! the description of the peer behind the hint's first device, else the
//! full name of the voicemail box with the extension's number. Presence
//! is the hint's own `PresenceStatus` when one arrived, else the state of
//! the provider its hint string names after the comma
//! (`SIP/2001,CustomPresence:anna`), as `PresenceStateList` reported it:
//! after a resync only the latter is known.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::model::State;
use crate::model::registry::{ExtensionHint, ExtensionState, Presence};
use crate::model::voicemail::mailbox_key;
use crate::ui::panes::TableId;
use crate::ui::selection::RowId;
use crate::ui::table::{CellContext, Column};
use crate::ui::tables::Sorted;
use crate::ui::theme::Tone;
use crate::ui::view::View;

/// One hint with what the panel shows beside it.
#[derive(Clone, Copy, Debug)]
pub struct Row<'a> {
    pub hint: &'a ExtensionHint,
    pub name: &'a str,
    pub presence: Option<&'a Presence>,
}

impl<'a> Row<'a> {
    pub fn of(state: &'a State, hint: &'a ExtensionHint) -> Row<'a> {
        Row {
            hint,
            name: name(state, hint),
            presence: presence(state, hint),
        }
    }

    fn state(&self) -> &'a str {
        if self.hint.state_text.is_empty() {
            self.hint.state.label()
        } else {
            &self.hint.state_text
        }
    }

    /// `away (lunch)`, or the status alone.
    fn presence_text(&self) -> Cow<'a, str> {
        match self.presence {
            None => Cow::Borrowed(""),
            Some(p) if p.subtype.is_empty() => Cow::Borrowed(&p.status),
            Some(p) => Cow::Owned(format!("{} ({})", p.status, p.subtype)),
        }
    }

    fn presence_message(&self) -> &'a str {
        self.presence.map_or("", |p| p.message.as_str())
    }
}

/// The provider a hint string names after its comma, if any.
pub fn presence_provider(hint: &str) -> Option<&str> {
    let (_, provider) = hint.split_once(',')?;
    let provider = provider.trim();
    (!provider.is_empty()).then_some(provider)
}

/// The presence shown for `hint` (see the module's comment).
pub fn presence<'a>(state: &'a State, hint: &'a ExtensionHint) -> Option<&'a Presence> {
    if !hint.presence.status.is_empty() {
        return Some(&hint.presence);
    }
    state.registry.presence.get(presence_provider(&hint.hint)?)
}

/// The devices a hint string watches: `SIP/2001&Custom:dnd` before the
/// presence part.
pub fn devices(hint: &str) -> impl Iterator<Item = &str> {
    let lines = hint.split(',').next().unwrap_or_default();
    lines.split('&').map(str::trim).filter(|d| !d.is_empty())
}

/// Who the hint is (see the module's comment); "" when nobody says.
fn name<'a>(state: &'a State, hint: &'a ExtensionHint) -> &'a str {
    let peer = devices(&hint.hint).next().and_then(|device| {
        let start = (device.to_owned(), String::new());
        let (key, peer) = state.registry.peers.range(start..).next()?;
        (key.0 == device && !peer.description.is_empty()).then_some(peer.description.as_str())
    });
    let mailbox = || {
        let boxes = &state.voicemail.boxes;
        let own = format!("{}@{}", hint.exten, hint.context);
        [own, mailbox_key(&hint.exten)]
            .iter()
            .find_map(|key| boxes.get(key))
            .map(|b| b.full_name.as_str())
            .filter(|name| !name.is_empty())
    };
    peer.or_else(mailbox).unwrap_or_default()
}

/// A BLF lamp's colour: green free, yellow ringing, cyan in use or held,
/// red busy, dim when the phone is gone or nothing is known.
pub fn lamp(state: ExtensionState) -> Tone {
    match state {
        ExtensionState::Idle => Tone::Good,
        ExtensionState::Ringing | ExtensionState::RingInUse => Tone::Alert,
        ExtensionState::InUse | ExtensionState::OnHold | ExtensionState::InUseOnHold => Tone::Busy,
        ExtensionState::Busy => Tone::Bad,
        ExtensionState::Unavailable | ExtensionState::Unknown => Tone::Idle,
    }
}

/// A presence's colour: green available, yellow away, red do not disturb,
/// dim when unavailable or unknown.
fn presence_tone(presence: Option<&Presence>) -> Tone {
    let status = presence.map_or("", |p| p.status.as_str());
    match status.to_ascii_lowercase().as_str() {
        "available" | "chat" => Tone::Good,
        "away" | "xa" => Tone::Alert,
        "dnd" => Tone::Bad,
        "" => Tone::Neutral,
        _ => Tone::Idle,
    }
}

/// Extensions in dial order: `810` before `1001`, names after numbers.
fn exten_order(a: &str, b: &str) -> Ordering {
    let number = |s: &str| s.parse::<u64>().ok();
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

/// How a line state ranks when sorting by it: ringing first, then in
/// use, busy, free, and the unknown last.
fn state_rank(state: ExtensionState) -> u8 {
    match state {
        ExtensionState::Ringing | ExtensionState::RingInUse => 0,
        ExtensionState::InUse | ExtensionState::OnHold | ExtensionState::InUseOnHold => 1,
        ExtensionState::Busy => 2,
        ExtensionState::Idle => 3,
        ExtensionState::Unavailable => 4,
        ExtensionState::Unknown => 5,
    }
}

pub fn columns<'a>() -> [Column<Row<'a>>; 7] {
    [
        Column::<Row>::new("Exten", 6, 0, |r, _| Cow::Borrowed(&r.hint.exten))
            .styled(|r, env| env.theme.tone(lamp(r.hint.state)))
            .sorted_by(|a, b| exten_order(&a.hint.exten, &b.hint.exten)),
        Column::<Row>::new("Line", 10, 0, |r, _| Cow::Owned(format!("● {}", r.state())))
            .styled(|r, env| env.theme.tone(lamp(r.hint.state)))
            .sorted_by(|a, b| state_rank(a.hint.state).cmp(&state_rank(b.hint.state))),
        Column::new("Name", 16, 1, |r, _| Cow::Borrowed(r.name)),
        Column::<Row>::new("Presence", 14, 2, |r, _| r.presence_text())
            .styled(|r, env| env.theme.tone(presence_tone(r.presence)))
            .sorted_by(|a, b| a.presence_text().cmp(&b.presence_text())),
        Column::new("Message", 18, 3, |r, _| Cow::Borrowed(r.presence_message())),
        Column::<Row>::new("Context", 10, 5, |r, _| Cow::Borrowed(&r.hint.context))
            .styled(|_, env: &CellContext| env.theme.dim()),
        Column::<Row>::new("Hint", 20, 4, |r, _| Cow::Borrowed(&r.hint.hint))
            .styled(|_, env: &CellContext| env.theme.dim()),
    ]
}

/// Every hint the server reported.
pub struct Hints;

impl Sorted for Hints {
    type Row<'a> = Row<'a>;
    const ID: TableId = TableId::Hints;
    const EMPTY: &'static str = "no hints (ExtensionStateList lists none, or the server lacks it)";

    fn columns<'a>(&self) -> Vec<Column<Row<'a>>> {
        columns().into()
    }

    fn all<'a>(&self, state: &'a State, _: &View) -> Vec<Row<'a>> {
        let hints = state.registry.extensions.values();
        hints.map(|hint| Row::of(state, hint)).collect()
    }

    fn tiebreak(a: &Row<'_>, b: &Row<'_>) -> Ordering {
        (&a.hint.context, &a.hint.exten).cmp(&(&b.hint.context, &b.hint.exten))
    }

    fn identity(&self, row: &Row<'_>, _: &View) -> RowId {
        RowId::Hint(row.hint.context.clone(), row.hint.exten.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hint_strings_split_into_devices_and_presence() {
        let hint = "Custom:desk811&Local/101@test,CustomPresence:bob";
        assert_eq!(
            devices(hint).collect::<Vec<_>>(),
            ["Custom:desk811", "Local/101@test"]
        );
        assert_eq!(presence_provider(hint), Some("CustomPresence:bob"));
        assert_eq!(presence_provider("SIP/2001"), None);
        assert_eq!(exten_order("810", "1001"), Ordering::Less);
        assert_eq!(exten_order("operator", "1001"), Ordering::Greater);
    }
}
