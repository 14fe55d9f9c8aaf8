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

/// Channel fields found in one message under one prefix; `None` = absent.
#[derive(Default, Debug)]
pub struct Snapshot<'a> {
    pub uniqueid: Option<Cow<'a, str>>,
    pub name: Option<Cow<'a, str>>,
    pub state_code: Option<u8>,
    pub state_desc: Option<Cow<'a, str>>,
    pub caller_id_num: Option<Cow<'a, str>>,
    pub caller_id_name: Option<Cow<'a, str>>,
    pub connected_num: Option<Cow<'a, str>>,
    pub connected_name: Option<Cow<'a, str>>,
    pub account_code: Option<Cow<'a, str>>,
    pub context: Option<Cow<'a, str>>,
    pub exten: Option<Cow<'a, str>>,
    pub priority: Option<u32>,
    pub linkedid: Option<Cow<'a, str>>,
    pub application: Option<Cow<'a, str>>,
    pub app_data: Option<Cow<'a, str>>,
    /// `Timestamp` (only sent with `timestampevents = yes`), never prefixed.
    pub timestamp: Option<f64>,
}

impl<'a> Snapshot<'a> {
    /// Reads the snapshot whose header names start with `prefix` ("" for the
    /// event's own channel). Under the empty prefix, `DestChannel` and the
    /// like match nothing, so the two snapshots never mix.
    pub fn parse(msg: &'a Message, prefix: &str) -> Snapshot<'a> {
        let mut snap = Snapshot::default();
        let prefix = prefix.as_bytes();
        for (key, value) in msg.raw_headers() {
            let Some(field) = key
                .get(..prefix.len())
                .filter(|head| head.eq_ignore_ascii_case(prefix))
                .map(|_| &key[prefix.len()..])
            else {
                continue;
            };
            snap.take(field, value, prefix.is_empty());
        }
        snap
    }

    fn take(&mut self, field: &[u8], value: &'a [u8], own: bool) {
        let is = |name: &str| field.eq_ignore_ascii_case(name.as_bytes());
        let text = || decode(value);
        if is("Uniqueid") {
            self.uniqueid = Some(text());
        } else if is("Channel") {
            self.name = Some(text());
        } else if is("ChannelState") {
            self.state_code = text().trim().parse().ok();
        } else if is("ChannelStateDesc") || (is("State") && self.state_desc.is_none()) {
            // `State` is the pre-1.1 spelling; the 1.1 one wins when both occur.
            self.state_desc = Some(text());
        } else if is("CallerIDNum") || (is("CallerID") && self.caller_id_num.is_none()) {
            self.caller_id_num = Some(unknown_to_empty(text()));
        } else if is("CallerIDName") {
            self.caller_id_name = Some(unknown_to_empty(text()));
        } else if is("ConnectedLineNum") {
            self.connected_num = Some(unknown_to_empty(text()));
        } else if is("ConnectedLineName") {
            self.connected_name = Some(unknown_to_empty(text()));
        } else if is("AccountCode") || (is("Account") && self.account_code.is_none()) {
            self.account_code = Some(text());
        } else if is("Context") {
            self.context = Some(text());
        } else if is("Exten") || (is("Extension") && self.exten.is_none()) {
            self.exten = Some(text());
        } else if is("Priority") {
            self.priority = text().trim().parse().ok();
        } else if is("Linkedid") {
            self.linkedid = Some(text());
        } else if is("Application") {
            self.application = Some(text());
        } else if is("AppData") || is("ApplicationData") || is("Data") {
            self.app_data = Some(text());
        } else if own && is("Timestamp") {
            self.timestamp = text().trim().parse().ok();
        }
    }
}

/// Header text: borrowed when it is UTF-8 (nearly always, and checked much
/// faster than a lossy decode), lossily decoded otherwise.
fn decode(value: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(value) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(value),
    }
}

/// Asterisk writes `<unknown>` where a caller ID is unset; the model keeps "".
fn unknown_to_empty(value: Cow<'_, str>) -> Cow<'_, str> {
    if value == "<unknown>" {
        Cow::Borrowed("")
    } else {
        value
    }
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
    let tail = uniqueid.rsplit('-').next()?;
    let (epoch, seq) = tail.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(epoch) || !digits(seq) {
        return None;
    }
    epoch.parse::<u64>().ok().map(|e| e as f64)
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
        assert_eq!(own.caller_id_num.as_deref(), Some(""));
        assert_eq!(own.state_code, None);
        assert_eq!(dest.uniqueid.as_deref(), Some("1.2"));
        assert_eq!(dest.state_code, Some(5));
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
        assert_eq!(s.state_desc.as_deref(), Some("Up"));
        assert_eq!(s.caller_id_num.as_deref(), Some("100"));
        assert_eq!(s.account_code.as_deref(), Some("acct"));
        assert_eq!(s.exten.as_deref(), Some("200"));
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
