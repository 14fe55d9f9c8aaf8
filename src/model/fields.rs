//! Typed reads of AMI header values, shared by the sub-models.
//!
//! Why it exists: every reducer needs the same few conversions, and the wire
//! is loose about them: numbers come padded or empty, `0` often means
//! "never" for a time, flags are `0`/`1` on one version and `yes`/`no` or
//! `true`/`false` on another, and Asterisk writes `<unknown>` for an unknown
//! caller ID. Each rule is written once here so the models agree.

use std::str::FromStr;

use crate::ami::Message;

/// The first present header among `keys`, parsed; `None` when absent, empty
/// or not a number of type `T`.
pub(crate) fn number<T: FromStr>(msg: &Message, keys: &[&str]) -> Option<T> {
    let raw = keys.iter().find_map(|key| msg.get_bytes(key))?;
    std::str::from_utf8(raw).ok()?.trim().parse().ok()
}

/// An epoch time in seconds; `0` (Asterisk's "never") and absent give `None`.
pub(crate) fn epoch(msg: &Message, key: &str) -> Option<f64> {
    number::<f64>(msg, &[key]).filter(|t| *t > 0.0)
}

/// A boolean header: `1`, `yes`, `true`, `on` and their opposites, any case.
pub(crate) fn flag(msg: &Message, key: &str) -> Option<bool> {
    let raw = msg.get_bytes(key)?;
    let raw = raw.trim_ascii();
    const TRUE: [&[u8]; 4] = [b"1", b"yes", b"true", b"on"];
    const FALSE: [&[u8]; 4] = [b"0", b"no", b"false", b"off"];
    if TRUE.iter().any(|t| raw.eq_ignore_ascii_case(t)) {
        Some(true)
    } else if FALSE.iter().any(|f| raw.eq_ignore_ascii_case(f)) {
        Some(false)
    } else {
        None
    }
}

/// The first present header among `keys` as owned text.
pub(crate) fn text(msg: &Message, keys: &[&str]) -> Option<String> {
    msg.get_any(keys).map(|v| v.into_owned())
}

/// A caller ID value, with Asterisk's `<unknown>` placeholder made empty.
pub(crate) fn caller_id(msg: &Message, keys: &[&str]) -> String {
    match msg.get_any(keys) {
        Some(v) if v != "<unknown>" => v.into_owned(),
        _ => String::new(),
    }
}

/// Overwrites `slot` with the first present header among `keys`, reusing
/// its allocation; leaves it alone when none is present.
pub(crate) fn set_text(slot: &mut String, msg: &Message, keys: &[&str]) {
    if let Some(v) = msg.get_any(keys) {
        slot.clear();
        slot.push_str(&v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(pairs: &[(&str, &str)]) -> Message {
        Message::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn numbers_tolerate_padding_and_refuse_junk() {
        let m = msg(&[
            ("Penalty", " 3 "),
            ("Wait", ""),
            ("Time", "-1"),
            ("X", "n/a"),
        ]);
        assert_eq!(number::<u32>(&m, &["Penalty"]), Some(3));
        assert_eq!(number::<u32>(&m, &["Wait"]), None);
        assert_eq!(number::<i64>(&m, &["Time"]), Some(-1));
        assert_eq!(number::<u32>(&m, &["Time"]), None);
        assert_eq!(number::<u32>(&m, &["X"]), None);
        assert_eq!(number::<u32>(&m, &["Missing", "Penalty"]), Some(3));
    }

    #[test]
    fn epoch_zero_means_never() {
        let m = msg(&[("LastCall", "0"), ("LastPause", "1795730904")]);
        assert_eq!(epoch(&m, "LastCall"), None);
        assert_eq!(epoch(&m, "LastPause"), Some(1795730904.0));
    }

    #[test]
    fn flags_in_every_spelling() {
        let m = msg(&[("A", "1"), ("B", "no"), ("C", "True"), ("D", "maybe")]);
        assert_eq!(flag(&m, "A"), Some(true));
        assert_eq!(flag(&m, "B"), Some(false));
        assert_eq!(flag(&m, "C"), Some(true));
        assert_eq!(flag(&m, "D"), None);
        assert_eq!(flag(&m, "E"), None);
    }

    #[test]
    fn unknown_caller_id_is_empty() {
        let m = msg(&[("CallerIDName", "<unknown>"), ("CallerIDNum", "5552001")]);
        assert_eq!(caller_id(&m, &["CallerIDName"]), "");
        assert_eq!(caller_id(&m, &["CallerIDNum"]), "5552001");
        assert_eq!(caller_id(&m, &["CallerID"]), "");
    }
}
