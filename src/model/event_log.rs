//! A bounded ring of recent events, for the event log pane and bug reports.
//!
//! Each entry keeps the event detached from the read buffer (so the ring
//! pins no large buffers) and the time it was applied. The copies are
//! packed into shared chunks and an evicted entry's header list is reused,
//! so logging costs a copy but (nearly) no allocation. The one-line summary
//! is made when asked for: most entries scroll away unread, and building
//! text for every VarSet of a busy server would cost more than the model.

use std::collections::VecDeque;
use std::fmt::Write;

use bytes::BytesMut;

use crate::ami::Message;

/// Entries kept unless told otherwise.
pub const DEFAULT_CAPACITY: usize = 2000;
/// Size of the chunks logged messages are copied into: a few hundred
/// messages each, so a chunk is freed soon after its messages scroll away.
const CHUNK: usize = 64 * 1024;

/// One logged event.
#[derive(Clone, Debug)]
pub struct LogEntry {
    /// Epoch seconds when it was applied.
    pub time: f64,
    pub message: Message,
}

impl LogEntry {
    /// The `Event` header.
    pub fn name(&self) -> String {
        self.message.event().unwrap_or_default().into_owned()
    }

    /// One line saying what happened, e.g.
    /// `SIP/a-1 hung up: 16 Normal Clearing`.
    pub fn summary(&self) -> String {
        summarize(&self.message)
    }
}

/// The ring.
#[derive(Clone, Debug)]
pub struct EventLog {
    entries: VecDeque<LogEntry>,
    capacity: usize,
    /// Events ever pushed, including those that fell off.
    total: u64,
    /// The free end of the chunk new entries are copied into.
    arena: BytesMut,
}

impl Default for EventLog {
    fn default() -> Self {
        EventLog::with_capacity(DEFAULT_CAPACITY)
    }
}

impl EventLog {
    /// A ring holding at most `capacity` entries; with 0 it keeps none and
    /// only counts (a replay, whose log nobody reads, skips the copies).
    pub fn with_capacity(capacity: usize) -> EventLog {
        EventLog {
            entries: VecDeque::with_capacity(capacity.min(DEFAULT_CAPACITY)),
            capacity,
            total: 0,
            arena: BytesMut::new(),
        }
    }

    pub fn push(&mut self, time: f64, message: &Message) {
        self.total += 1;
        if self.capacity == 0 {
            return;
        }
        let evicted = if self.entries.len() == self.capacity {
            self.entries.pop_front().map(|e| e.message)
        } else {
            None
        };
        let size = message.raw().len();
        if self.arena.capacity() < size {
            self.arena = BytesMut::with_capacity(size.max(CHUNK));
        }
        self.entries.push_back(LogEntry {
            time,
            message: message.detach_into(&mut self.arena, evicted),
        });
    }

    /// Entries, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &LogEntry> + ExactSizeIterator {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Events ever logged, including those no longer kept.
    pub fn total(&self) -> u64 {
        self.total
    }
}

/// The headers worth a glance for each kind of event, in display order.
fn summary_keys(event: &str) -> &'static [&'static str] {
    match event.to_ascii_lowercase().as_str() {
        "hangup" => &["Channel", "Cause", "Cause-txt"],
        "newchannel" | "newstate" => &["Channel", "ChannelStateDesc", "State", "CallerIDNum"],
        "rename" => &["Channel", "Oldname", "Newname"],
        "dial" | "dialbegin" | "dialend" => &[
            "Channel",
            "Source",
            "SubEvent",
            "Destination",
            "DestChannel",
            "DialString",
            "DialStatus",
        ],
        "bridge" | "link" | "unlink" => &["Bridgestate", "Channel1", "Channel2", "Bridgetype"],
        "bridgeenter" | "bridgeleave" => &["Channel", "BridgeUniqueid", "BridgeType"],
        "transfer" => &["TransferType", "Channel", "TargetChannel", "TransferExten"],
        "blindtransfer" => &[
            "TransfererChannel",
            "TransfereeChannel",
            "Extension",
            "Result",
        ],
        "attendedtransfer" => &[
            "OrigTransfererChannel",
            "SecondTransfererChannel",
            "DestType",
            "Result",
        ],
        "masquerade" => &["Clone", "Original"],
        "bridgecreate" | "bridgedestroy" => &[
            "BridgeUniqueid",
            "BridgeType",
            "BridgeTechnology",
            "BridgeName",
            "BridgeNumChannels",
        ],
        "peerentry" => &["Channeltype", "ObjectName", "IPaddress", "Status"],
        "peerstatus" => &["Peer", "PeerStatus", "Address", "Cause", "Time"],
        "queuememberstatus" | "queuemember" | "queuememberadded" | "queuememberremoved"
        | "queuememberpause" | "queuememberpenalty" => &[
            "Queue",
            "Interface",
            "Location",
            "MemberName",
            "Name",
            "Status",
            "Paused",
            "Penalty",
        ],
        "queuecallerjoin" | "queuecallerleave" | "queuecallerabandon" | "queueentry" | "join"
        | "leave" => &["Queue", "Channel", "Position", "CallerIDNum"],
        "varset" => &["Channel", "Variable", "Value"],
        "newexten" => &["Channel", "Context", "Exten", "Extension", "Application"],
        "reload" | "load" | "unload" => &["Module", "Status"],
        _ => &[
            "Channel",
            "Queue",
            "Interface",
            "Peer",
            "Device",
            "Status",
            "State",
            "Message",
        ],
    }
}

fn summarize(message: &Message) -> String {
    let event = message.event().unwrap_or_default();
    let mut line = String::new();
    for key in summary_keys(&event) {
        if let Some(value) = message.get(key).filter(|v| !v.is_empty()) {
            if !line.is_empty() {
                line.push(' ');
            }
            let _ = write!(line, "{key}={}", readable(&event, key, &value));
        }
    }
    line
}

/// A value as a person reads it where the wire has a code: a queue
/// member's `Status: 2` is "in use".
fn readable<'a>(event: &str, key: &str, value: &'a str) -> std::borrow::Cow<'a, str> {
    let member_event = event.to_ascii_lowercase().starts_with("queuemember");
    if member_event
        && key == "Status"
        && let Ok(code) = value.trim().parse::<u32>()
    {
        let state = crate::model::registry::DeviceState::from_code(code);
        return format!("{code} ({})", state.label()).into();
    }
    value.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_keeps_only_the_newest() {
        let mut log = EventLog::with_capacity(2);
        for name in ["A", "B", "C"] {
            log.push(1.0, &Message::from_pairs([("Event", name)]));
        }
        let names: Vec<String> = log.iter().map(LogEntry::name).collect();
        assert_eq!(names, ["B", "C"]);
        assert_eq!(log.total(), 3);
    }

    fn summary_of(pairs: &[(&str, &str)]) -> String {
        let mut log = EventLog::default();
        log.push(1.0, &Message::from_pairs(pairs.iter().copied()));
        log.iter().next().unwrap().summary()
    }

    #[test]
    fn summaries_name_what_they_are_about_in_words() {
        assert_eq!(
            summary_of(&[
                ("Event", "QueueMemberStatus"),
                ("Queue", "support"),
                ("Interface", "PJSIP/2001"),
                ("Status", "2"),
                ("Paused", "0"),
            ]),
            "Queue=support Interface=PJSIP/2001 Status=2 (in use) Paused=0"
        );
        assert_eq!(
            summary_of(&[
                ("Event", "PeerEntry"),
                ("Channeltype", "SIP"),
                ("ObjectName", "2001"),
                ("IPaddress", "127.0.0.1"),
                ("Status", "OK (1 ms)"),
            ]),
            "Channeltype=SIP ObjectName=2001 IPaddress=127.0.0.1 Status=OK (1 ms)"
        );
        assert_eq!(
            summary_of(&[
                ("Event", "BridgeCreate"),
                ("BridgeUniqueid", "1b7c"),
                ("BridgeType", "basic"),
                ("BridgeTechnology", "simple_bridge"),
                ("BridgeNumChannels", "0"),
            ]),
            "BridgeUniqueid=1b7c BridgeType=basic BridgeTechnology=simple_bridge BridgeNumChannels=0"
        );
    }

    #[test]
    fn hangup_summary_keeps_the_cause() {
        let mut log = EventLog::default();
        log.push(
            5.0,
            &Message::from_pairs([
                ("Event", "Hangup"),
                ("Channel", "SIP/a-1"),
                ("Cause", "16"),
                ("Cause-txt", "Normal Clearing"),
            ]),
        );
        let entry = log.iter().next().unwrap();
        assert_eq!(
            entry.summary(),
            "Channel=SIP/a-1 Cause=16 Cause-txt=Normal Clearing"
        );
        assert_eq!(entry.time, 5.0);
    }
}
