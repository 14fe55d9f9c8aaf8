//! What the server knows about one connected client: who logged in, the
//! challenge it was given, and which events it wants.

use std::sync::{Arc, Mutex};

use crate::ami::Message;

use super::flood::Flood;
use super::random;

/// The logged-in user of a connection.
#[derive(Clone, Copy, Debug)]
pub(super) struct LoggedIn {
    /// May run actions that need write permission.
    pub write: bool,
}

/// One connection's state.
#[derive(Debug)]
pub(super) struct Session {
    pub user: Option<LoggedIn>,
    challenge: Option<String>,
    pub events: EventMask,
    /// This client's flood, when the PBX floods (see `flood`).
    pub flood: Option<Arc<Mutex<Flood>>>,
}

impl Session {
    pub fn new() -> Self {
        Session {
            user: None,
            challenge: None,
            events: EventMask::All,
            flood: None,
        }
    }

    /// The MD5 challenge of this connection; Asterisk keeps the first one
    /// for the whole session.
    pub fn challenge(&mut self) -> &str {
        self.challenge.get_or_insert_with(random::challenge)
    }

    /// The challenge, if the client asked for one.
    pub fn issued_challenge(&self) -> Option<&str> {
        self.challenge.as_deref()
    }
}

/// The event classes a client receives (`Events` action, `Events` header of `Login`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum EventMask {
    All,
    Off,
    /// Only events whose `Privilege` names one of these classes.
    Classes(Vec<String>),
}

/// The event classes Asterisk knows.
const CLASSES: [&str; 19] = [
    "system",
    "call",
    "log",
    "verbose",
    "command",
    "agent",
    "user",
    "config",
    "dtmf",
    "reporting",
    "cdr",
    "dialplan",
    "originate",
    "agi",
    "cc",
    "aoc",
    "test",
    "security",
    "message",
];

impl EventMask {
    /// `on`, `off`, or a comma-separated class list such as `system,call`.
    pub fn parse(text: &str) -> EventMask {
        let text = text.trim().to_ascii_lowercase();
        match text.as_str() {
            "on" | "yes" | "true" | "y" | "t" | "1" | "all" => return EventMask::All,
            "off" | "no" | "false" | "n" | "f" | "0" | "none" => return EventMask::Off,
            _ => {}
        }
        let classes: Vec<String> = text
            .split(',')
            .map(str::trim)
            .filter(|c| CLASSES.contains(c) || *c == "all")
            .map(str::to_owned)
            .collect();
        if classes.iter().any(|c| c == "all") {
            EventMask::All
        } else if classes.is_empty() {
            EventMask::Off
        } else {
            EventMask::Classes(classes)
        }
    }

    /// Whether any event gets through (the `Events: On|Off` answer).
    pub fn is_on(&self) -> bool {
        *self != EventMask::Off
    }

    /// Whether this client receives `event`.
    pub fn admits(&self, event: &Message) -> bool {
        match self {
            EventMask::All => true,
            EventMask::Off => false,
            EventMask::Classes(classes) => event.get("Privilege").is_some_and(|privilege| {
                privilege
                    .split(',')
                    .any(|class| classes.iter().any(|c| c.eq_ignore_ascii_case(class.trim())))
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_filter_by_privilege_class() {
        let call = Message::from_pairs([("Event", "Newchannel"), ("Privilege", "call,all")]);
        let system = Message::from_pairs([("Event", "Reload"), ("Privilege", "system,all")]);
        let mask = EventMask::parse("system, cdr");
        assert!(mask.admits(&system));
        assert!(!mask.admits(&call));
        assert!(mask.is_on());
        assert_eq!(EventMask::parse("On"), EventMask::All);
        assert_eq!(EventMask::parse("off"), EventMask::Off);
        assert_eq!(EventMask::parse("nonsense"), EventMask::Off);
        assert!(!EventMask::Off.admits(&call));
    }
}
