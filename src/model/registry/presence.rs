//! Presence states (`CustomPresence:alice` is `away`, "Back at 14:00").
//!
//! Why it exists: a BLF panel shows, next to each hint's line state, the
//! person's presence and its message. Asterisk 11+ sends the provider's
//! state as `PresenceStateChange` (`Presentity`, `Status`, `Subtype`,
//! `Message`; also the `PresenceStateList` items) and, for every hint whose
//! hint string names that provider after a comma, a `PresenceStatus`
//! (`Exten`, `Context`, `Hint` and the same three values).

use serde::Serialize;

use crate::ami::Message;

/// One presence provider's state.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Presence {
    /// `CustomPresence:alice`.
    pub presentity: String,
    /// `available`, `away`, `dnd`, `xa`, `chat`, `unavailable`...
    pub status: String,
    pub subtype: String,
    pub message: String,
    #[serde(skip)]
    pub seen: u64,
}

impl Presence {
    /// Copies `Status`, `Subtype` and `Message` (absent ones become empty:
    /// every presence report carries all three it has).
    pub(super) fn update(&mut self, msg: &Message) {
        for (key, slot) in [
            ("Status", &mut self.status),
            ("Subtype", &mut self.subtype),
            ("Message", &mut self.message),
        ] {
            slot.clear();
            if let Some(value) = msg.get(key) {
                slot.push_str(&value);
            }
        }
    }
}
