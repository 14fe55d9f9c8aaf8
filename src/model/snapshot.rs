//! The channel snapshot headers an event carries, read in one pass.
//!
//! Why it exists: Asterisk 12+ puts a whole channel snapshot in most call
//! events, sometimes twice under a prefix (`Dest`, `LocalOne`, `LocalTwo`,
//! `Transferer`...), and the 1.x generations send subsets of it under older
//! spellings (`State`, `CallerID`, `Extension`, `Account`, `Data`). Reading
//! every header once and sorting it into fields is both the fastest way
//! (no repeated scans of the message) and the one place the spellings live.

use std::borrow::Cow;

use crate::ami::Message;
use crate::ami::message::{decode, same_name};

/// Channel fields found in one message under one prefix; `None` = absent.
///
/// The ids are text (they are looked up); the other values stay raw bytes,
/// decoded only when they change a channel: most events repeat a snapshot
/// the channel already has.
#[derive(Default, Debug)]
pub struct Snapshot<'a> {
    pub uniqueid: Option<Cow<'a, str>>,
    pub name: Option<Cow<'a, str>>,
    pub state_code: Option<u8>,
    pub state_desc: Option<&'a [u8]>,
    pub caller_id_num: Option<&'a [u8]>,
    pub caller_id_name: Option<&'a [u8]>,
    pub connected_num: Option<&'a [u8]>,
    pub connected_name: Option<&'a [u8]>,
    pub account_code: Option<&'a [u8]>,
    pub context: Option<&'a [u8]>,
    pub exten: Option<&'a [u8]>,
    pub priority: Option<u32>,
    pub linkedid: Option<&'a [u8]>,
    pub application: Option<&'a [u8]>,
    pub app_data: Option<&'a [u8]>,
    /// `Timestamp` (only sent with `timestampevents = yes`), never prefixed.
    pub timestamp: Option<f64>,
    /// The message the values were read from, which knows whether they
    /// need checking before they are text (see [`Snapshot::text`]).
    pub(super) source: Option<&'a Message>,
}

/// The snapshot headers, whatever their spelling.
#[derive(Clone, Copy)]
enum Field {
    Uniqueid,
    Channel,
    ChannelState,
    ChannelStateDesc,
    State,
    CallerIdNum,
    CallerId,
    CallerIdName,
    ConnectedNum,
    ConnectedName,
    AccountCode,
    Account,
    Context,
    Exten,
    Extension,
    Priority,
    Linkedid,
    Application,
    AppData,
    Timestamp,
}

impl Field {
    /// The field a header name (prefix removed) is, if any. Length and the
    /// first two letters pick the one candidate, which is then compared in
    /// full: a few instructions for the many headers a snapshot carries.
    /// Each arm compares its own name, so the compare is compiled for that
    /// name's length.
    #[inline(always)]
    fn of(key: &[u8]) -> Option<Field> {
        let &[a, b, ..] = key else { return None };
        let named = |name: &[u8]| same_letters(key, name);
        // `| 0x20` lower-cases ASCII letters: enough to pick a candidate.
        let (field, same) = match (key.len(), a | 0x20, b | 0x20) {
            (8, b'u', b'n') => (Field::Uniqueid, named(b"uniqueid")),
            (7, b'c', b'h') => (Field::Channel, named(b"channel")),
            (12, b'c', b'h') => (Field::ChannelState, named(b"channelstate")),
            (16, b'c', b'h') => (Field::ChannelStateDesc, named(b"channelstatedesc")),
            (5, b's', b't') => (Field::State, named(b"state")),
            (11, b'c', b'a') => (Field::CallerIdNum, named(b"calleridnum")),
            (8, b'c', b'a') => (Field::CallerId, named(b"callerid")),
            (12, b'c', b'a') => (Field::CallerIdName, named(b"calleridname")),
            (16, b'c', b'o') => (Field::ConnectedNum, named(b"connectedlinenum")),
            (17, b'c', b'o') => (Field::ConnectedName, named(b"connectedlinename")),
            (11, b'a', b'c') => (Field::AccountCode, named(b"accountcode")),
            (7, b'a', b'c') => (Field::Account, named(b"account")),
            (7, b'c', b'o') => (Field::Context, named(b"context")),
            (5, b'e', b'x') => (Field::Exten, named(b"exten")),
            (9, b'e', b'x') => (Field::Extension, named(b"extension")),
            (8, b'p', b'r') => (Field::Priority, named(b"priority")),
            (8, b'l', b'i') => (Field::Linkedid, named(b"linkedid")),
            (11, b'a', b'p') => (Field::Application, named(b"application")),
            (7, b'a', b'p') => (Field::AppData, named(b"appdata")),
            (15, b'a', b'p') => (Field::AppData, named(b"applicationdata")),
            (4, b'd', b'a') => (Field::AppData, named(b"data")),
            (9, b't', b'i') => (Field::Timestamp, named(b"timestamp")),
            _ => return None,
        };
        same.then_some(field)
    }
}

/// `key == name` ignoring ASCII case, for a lower-case all-letter `name` of
/// 4 to 24 bytes. Like [`same_name`], a word at a time (the words may
/// overlap), but cheaper: with only letters on one side, lower-casing the
/// other with `| 0x20` is an exact test, as only letters become letters.
#[inline(always)]
fn same_letters(key: &[u8], name: &[u8]) -> bool {
    const LOWER: u64 = 0x2020_2020_2020_2020;
    let len = key.len();
    if len != name.len() || !(4..=24).contains(&len) {
        return false;
    }
    let word = |bytes: &[u8], at: usize| -> u64 {
        match bytes.get(at..at + 8) {
            Some(eight) => u64::from_le_bytes(eight.try_into().unwrap_or_default()),
            None => {
                let four = |at: usize| {
                    let four: [u8; 4] = bytes[at..at + 4].try_into().unwrap_or_default();
                    u64::from(u32::from_le_bytes(four))
                };
                four(at) | (four(bytes.len() - 4) << 32)
            }
        }
    };
    let same = |at: usize| (word(key, at) | LOWER) == word(name, at);
    let tail = len.saturating_sub(8);
    same(0) && same(tail) && (len <= 16 || same(8))
}

impl<'a> Snapshot<'a> {
    /// Reads the snapshot whose header names start with `prefix` ("" for the
    /// event's own channel). Under the empty prefix, `DestChannel` and the
    /// like match nothing, so the two snapshots never mix.
    pub fn parse(msg: &'a Message, prefix: &str) -> Snapshot<'a> {
        let [snap] = Snapshot::parse_each(msg, [prefix]);
        snap
    }

    /// [`Snapshot::parse`] for several prefixes in one pass over the
    /// headers (`DialBegin` carries the caller's and the `Dest` snapshot).
    pub fn parse_each<const N: usize>(msg: &'a Message, prefixes: [&str; N]) -> [Snapshot<'a>; N] {
        let mut snaps = std::array::from_fn(|_| Snapshot {
            source: Some(msg),
            ..Snapshot::default()
        });
        for (key, value) in msg.raw_headers() {
            for (snap, prefix) in snaps.iter_mut().zip(prefixes) {
                let prefix = prefix.as_bytes();
                let under_prefix = key
                    .get(..prefix.len())
                    .is_some_and(|head| prefix.is_empty() || same_name(head, prefix));
                if under_prefix {
                    snap.read(&key[prefix.len()..], value, prefix.is_empty());
                }
            }
        }
        snaps
    }

    /// One of the raw values as text.
    pub fn text(&self, raw: &'a [u8]) -> Cow<'a, str> {
        match self.source {
            Some(msg) => msg.text(raw),
            None => decode(raw),
        }
    }

    /// Keeps `value` if `name` is a snapshot header: one call a header for
    /// both matches, the name's and the field's. Not inlined: the header
    /// loops run slower with the matches in them.
    #[inline(never)]
    fn read(&mut self, name: &[u8], value: &'a [u8], own: bool) {
        if let Some(field) = Field::of(name) {
            self.take(field, value, own);
        }
    }

    #[inline(always)]
    fn take(&mut self, field: Field, value: &'a [u8], own: bool) {
        match field {
            Field::Uniqueid => self.uniqueid = Some(self.text(value)),
            Field::Channel => self.name = Some(self.text(value)),
            Field::ChannelState => self.state_code = small_number(value),
            Field::ChannelStateDesc => self.state_desc = Some(value),
            // `State` is the pre-1.1 spelling; the 1.1 one wins when both occur.
            Field::State if self.state_desc.is_none() => self.state_desc = Some(value),
            Field::CallerIdNum => self.caller_id_num = Some(unknown_to_empty(value)),
            Field::CallerId if self.caller_id_num.is_none() => {
                self.caller_id_num = Some(unknown_to_empty(value))
            }
            Field::CallerIdName => self.caller_id_name = Some(unknown_to_empty(value)),
            Field::ConnectedNum => self.connected_num = Some(unknown_to_empty(value)),
            Field::ConnectedName => self.connected_name = Some(unknown_to_empty(value)),
            Field::AccountCode => self.account_code = Some(value),
            Field::Account if self.account_code.is_none() => self.account_code = Some(value),
            Field::Context => self.context = Some(value),
            Field::Exten => self.exten = Some(value),
            Field::Extension if self.exten.is_none() => self.exten = Some(value),
            Field::Priority => self.priority = small_number(value),
            Field::Linkedid => self.linkedid = Some(value),
            Field::Application => self.application = Some(value),
            Field::AppData => self.app_data = Some(value),
            Field::Timestamp if own => self.timestamp = number(value),
            _ => {}
        }
    }
}

/// A number header (`ChannelState`, `Priority`, `Timestamp`); junk is `None`.
fn number<T: std::str::FromStr>(value: &[u8]) -> Option<T> {
    std::str::from_utf8(value).ok()?.trim().parse().ok()
}

/// [`number`] with a quick path for plain digits, which is what
/// `ChannelState` and `Priority` nearly always are.
fn small_number<T: TryFrom<u32> + std::str::FromStr>(value: &[u8]) -> Option<T> {
    let plain_digits = (1..=9).contains(&value.len()) && value.iter().all(u8::is_ascii_digit);
    if !plain_digits {
        return number(value);
    }
    let n = value
        .iter()
        .fold(0u32, |n, digit| n * 10 + u32::from(digit - b'0'));
    T::try_from(n).ok()
}

/// Asterisk writes `<unknown>` where a caller ID is unset; the model keeps "".
fn unknown_to_empty(value: &[u8]) -> &[u8] {
    if value == b"<unknown>" { b"" } else { value }
}

/// The text Asterisk uses for a numeric channel state, for events that send
/// only the number.
pub fn state_name(code: u8) -> &'static str {
    match code {
        0 => "Down",
        1 => "Rsrvd",
        2 => "OffHook",
        3 => "Dialing",
        4 => "Ring",
        5 => "Ringing",
        6 => "Up",
        7 => "Busy",
        8 => "Dialing Offhook",
        9 => "Pre-ring",
        _ => "Unknown",
    }
}

/// Epoch seconds from a Uniqueid: `<epoch>.<seq>`, possibly after a
/// `<systemname>-` prefix (the system name may itself contain dashes).
pub fn uniqueid_epoch(uniqueid: &str) -> Option<f64> {
    // Bytes rather than `str` patterns and `parse`: every new channel's
    // Uniqueid goes through here, and the byte loops cost a fraction.
    let id = uniqueid.as_bytes();
    let tail = id
        .iter()
        .rposition(|&b| b == b'-')
        .map_or(id, |dash| &id[dash + 1..]);
    let dot = tail.iter().position(|&b| b == b'.')?;
    let (epoch, seq) = (&tail[..dot], &tail[dot + 1..]);
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    if !digits(epoch) || !digits(seq) {
        return None;
    }
    // `None` past `u64::MAX`, as `parse` would be.
    let epoch = epoch.iter().try_fold(0u64, |n, digit| {
        n.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
    })?;
    Some(epoch as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixed_and_own_snapshots_stay_apart() {
        let m = Message::from_pairs([
            ("Event", "DialBegin"),
            ("Channel", "SIP/a-1"),
            ("Uniqueid", "1.1"),
            ("CallerIDNum", "<unknown>"),
            ("DestChannel", "SIP/b-2"),
            ("DestUniqueid", "1.2"),
            ("DestChannelState", "5"),
        ]);
        let own = Snapshot::parse(&m, "");
        let dest = Snapshot::parse(&m, "Dest");
        assert_eq!(own.name.as_deref(), Some("SIP/a-1"));
        assert_eq!(own.caller_id_num, Some(b"".as_slice()));
        assert_eq!(own.state_code, None);
        assert_eq!(dest.uniqueid.as_deref(), Some("1.2"));
        assert_eq!(dest.state_code, Some(5));
    }

    #[test]
    fn field_names_match_in_any_case_and_only_in_full() {
        assert!(matches!(Field::of(b"UNIQUEID"), Some(Field::Uniqueid)));
        assert!(matches!(
            Field::of(b"channelStateDesc"),
            Some(Field::ChannelStateDesc)
        ));
        assert!(Field::of(b"Uniqueie").is_none());
        assert!(Field::of(b"Chan\x0del").is_none());
        assert!(Field::of(b"Channel1").is_none());
        assert!(Field::of(b"C").is_none());
        assert!(Field::of(b"connectedlinenamE").is_some());
        assert!(Field::of(b"connectedline-ame").is_none());
        assert!(Field::of(b"connectedlinename\r").is_none());
    }

    #[test]
    fn same_letters_checks_every_byte_of_every_length() {
        let letters = b"abcdefghijklmnopqrstuvwx";
        for len in 4..=24 {
            let name = &letters[..len];
            let upper = name.to_ascii_uppercase();
            assert!(same_letters(&upper, name), "{len}");
            for at in 0..len {
                let mut key = upper.clone();
                for wrong in [b'-', name[at] ^ 0x01, name[at] & !0x40, name[at] | 0x80] {
                    key[at] = wrong;
                    assert!(!same_letters(&key, name), "{len} {at} {wrong:#x}");
                }
            }
        }
        assert!(!same_letters(b"abc", b"abc"), "shorter than a lookup reads");
    }

    #[test]
    fn numbers_read_the_same_on_the_quick_path_and_off_it() {
        for text in [
            "5",
            "06",
            "255",
            "256",
            "+4",
            " 7 ",
            "",
            "x",
            "4294967295",
            "99999999999",
        ] {
            let slow: Option<u8> = number(text.as_bytes());
            assert_eq!(small_number::<u8>(text.as_bytes()), slow, "{text:?}");
            let slow: Option<u32> = number(text.as_bytes());
            assert_eq!(small_number::<u32>(text.as_bytes()), slow, "{text:?}");
        }
    }

    #[test]
    fn several_prefixes_in_one_pass_read_as_one_each() {
        let m = Message::from_pairs([
            ("Event", "LocalBridge"),
            ("Channel", "Local/x-1;1"),
            ("LocalOneChannel", "Local/a-1;1"),
            ("LocalOneUniqueid", "1.1"),
            ("LocalTwoChannel", "Local/a-1;2"),
            ("LocalTwoUniqueid", "1.2"),
            ("LocalTwoPriority", "3"),
        ]);
        let [own, one, two] = Snapshot::parse_each(&m, ["", "LocalOne", "LocalTwo"]);
        let single = |prefix| Snapshot::parse(&m, prefix);
        for (snap, prefix) in [(own, ""), (one, "LocalOne"), (two, "LocalTwo")] {
            assert_eq!(format!("{snap:?}"), format!("{:?}", single(prefix)));
        }
        assert_eq!(single("LocalTwo").priority, Some(3));
        assert_eq!(single("").name.as_deref(), Some("Local/x-1;1"));
    }

    #[test]
    fn legacy_spellings_fill_the_same_fields() {
        let m = Message::from_pairs([
            ("Event", "Status"),
            ("State", "Up"),
            ("CallerID", "100"),
            ("Account", "acct"),
            ("Extension", "200"),
        ]);
        let s = Snapshot::parse(&m, "");
        assert_eq!(s.state_desc, Some(b"Up".as_slice()));
        assert_eq!(s.caller_id_num, Some(b"100".as_slice()));
        assert_eq!(s.account_code, Some(b"acct".as_slice()));
        assert_eq!(s.exten, Some(b"200".as_slice()));
    }

    #[test]
    fn uniqueid_epoch_accepts_system_name_prefixes_only() {
        assert_eq!(uniqueid_epoch("1795730908.2"), Some(1795730908.0));
        assert_eq!(
            uniqueid_epoch("vgua0-dev-1445001221.106"),
            Some(1445001221.0)
        );
        assert_eq!(uniqueid_epoch("abc"), None);
        assert_eq!(uniqueid_epoch("12.x"), None);
        assert_eq!(uniqueid_epoch(""), None);
    }
}
