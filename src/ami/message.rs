//! One AMI message: an ordered list of `Key: Value` headers, plus the raw
//! output body of a `Response: Follows` reply.
//!
//! Why it looks like this: a busy PBX sends thousands of messages a second, so
//! a message is one `Bytes` slice of the read buffer plus the offsets of its
//! headers. Framing copies nothing and lookups decode only what is asked for.
//! Keys compare ASCII-case-insensitively (`CallerIDNum` and `CallerIdNum` both
//! occur on the wire), keys may repeat (`Variable`, `Output`, `ChanVariable`),
//! and values are decoded lossily because real traffic carries Latin-1 bytes.
//! Whatever lives long (the model, the event log) calls [`Message::detach`] or
//! copies values out, so an old read buffer is never pinned.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use bytes::{BufMut, Bytes, BytesMut};

/// Byte offsets of one header inside the message buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct HeaderSpan {
    pub key_start: u32,
    pub key_end: u32,
    pub value_start: u32,
    pub value_end: u32,
}

impl HeaderSpan {
    fn key(self) -> Range<usize> {
        self.key_start as usize..self.key_end as usize
    }
    fn value(self) -> Range<usize> {
        self.value_start as usize..self.value_end as usize
    }
    /// True when this header's name is `key`. The lengths are compared
    /// first, from the offsets alone: most headers differ there.
    #[inline(always)]
    fn has_key(self, buf: &[u8], key: &[u8]) -> bool {
        (self.key_end - self.key_start) as usize == key.len() && same_name(&buf[self.key()], key)
    }
}

/// A decoded AMI message (event, response, or a client's action).
#[derive(Clone, PartialEq, Eq)]
pub struct Message {
    buf: Bytes,
    headers: Vec<HeaderSpan>,
    /// Raw output of a `Response: Follows` reply, without the end marker.
    body: Option<Range<u32>>,
    /// Every byte of `buf` is ASCII, so any part of it is text as it is
    /// (see [`Message::text`]).
    ascii: bool,
}

/// What a message is, judged by its headers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind<'a> {
    Event(Cow<'a, str>),
    Response(Cow<'a, str>),
    Action(Cow<'a, str>),
    /// Headers but none of `Event`, `Response` or `Action`.
    Other,
}

impl Message {
    /// Builds a message over `buf` from header offsets the codec found.
    /// `ascii` must say whether every byte of `buf` is ASCII.
    pub(crate) fn from_parts(
        buf: Bytes,
        headers: Vec<HeaderSpan>,
        body: Option<Range<u32>>,
        ascii: bool,
    ) -> Self {
        debug_assert_eq!(ascii, buf.is_ascii());
        Message {
            buf,
            headers,
            body,
            ascii,
        }
    }

    /// The header list, emptied, for the codec to reuse.
    pub(crate) fn into_header_list(self) -> Vec<HeaderSpan> {
        let mut headers = self.headers;
        headers.clear();
        headers
    }

    /// Builds a message from key/value pairs, laid out as on the wire
    /// (`Key: Value\r\n` each, then the blank line). Used by the simulator and
    /// by tests; a value with CR or LF would break the framing, so those are
    /// replaced by spaces.
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut out = BytesMut::new();
        let mut headers = Vec::new();
        for (key, value) in pairs {
            let key_start = out.len() as u32;
            put_sanitized(&mut out, key.as_ref());
            let key_end = out.len() as u32;
            out.put_slice(b": ");
            let value_start = out.len() as u32;
            put_sanitized(&mut out, value.as_ref());
            let value_end = out.len() as u32;
            out.put_slice(b"\r\n");
            headers.push(HeaderSpan {
                key_start,
                key_end,
                value_start,
                value_end,
            });
        }
        out.put_slice(b"\r\n");
        Message {
            ascii: out.is_ascii(),
            buf: out.freeze(),
            headers,
            body: None,
        }
    }

    /// The first value of `key` (case-insensitive), decoded lossily.
    pub fn get(&self, key: &str) -> Option<Cow<'_, str>> {
        self.get_bytes(key).map(|value| self.text(value))
    }

    /// `bytes` (a key or value of this message) as text, like [`decode`]
    /// but without checking them again when the codec saw that the whole
    /// message is ASCII: most messages are, and checking each value read
    /// costs more than reading it.
    pub(crate) fn text<'a>(&self, bytes: &'a [u8]) -> Cow<'a, str> {
        let within = self.buf.as_ptr_range();
        let part = bytes.as_ptr_range();
        if self.ascii && within.start <= part.start && part.end <= within.end {
            // SAFETY: `bytes` lies inside `buf`, whose bytes are all ASCII,
            // and ASCII is valid UTF-8.
            Cow::Borrowed(unsafe { std::str::from_utf8_unchecked(bytes) })
        } else {
            decode(bytes)
        }
    }

    /// The first value of `key` as raw bytes.
    pub fn get_bytes(&self, key: &str) -> Option<&[u8]> {
        self.spans_for(key).next().map(|s| &self.buf[s.value()])
    }

    /// The first value of `key`, or "" when absent.
    pub fn get_or_empty(&self, key: &str) -> Cow<'_, str> {
        self.get(key).unwrap_or(Cow::Borrowed(""))
    }

    /// The first value of each of `keys` as raw bytes, found in one pass
    /// over the headers (for events read several headers of). Inlined:
    /// its loop specialises to the keys at each call, which pays for the
    /// copies (`VarSet` costs a third more when it is called instead).
    #[inline(always)]
    pub(crate) fn get_each<const N: usize>(&self, keys: [&str; N]) -> [Option<&[u8]>; N] {
        const { assert!(N <= 32, "one bit a key in a u32") };
        let mut values = [None; N];
        let keys = keys.map(str::as_bytes);
        // Most headers have no wanted key's length: one bit test skips
        // them. Of the rest, most start with no wanted key's letter: one
        // table lookup skips them, and leaves the key or two a header may be.
        let lengths = keys.iter().fold(0u64, |m, k| m | length_bit(k.len()));
        let mut by_letter = [0u32; 32];
        for (at, key) in keys.iter().enumerate() {
            by_letter[letter_bucket(key)] |= 1 << at;
        }
        let mut missing = N;
        for span in &self.headers {
            if lengths & length_bit((span.key_end - span.key_start) as usize) == 0 {
                continue;
            }
            let name = &self.buf[span.key()];
            let mut candidates = by_letter[letter_bucket(name)];
            while candidates != 0 {
                let at = candidates.trailing_zeros() as usize;
                candidates &= candidates - 1;
                if values[at].is_none() && same_name(name, keys[at]) {
                    values[at] = Some(&self.buf[span.value()]);
                    missing -= 1;
                }
            }
            if missing == 0 {
                break;
            }
        }
        values
    }

    /// The first value among several spellings of one header
    /// (`Uniqueid` / `UniqueID`, `ChannelType` / `ChannelDriver`, ...).
    pub fn get_any(&self, keys: &[&str]) -> Option<Cow<'_, str>> {
        keys.iter().find_map(|k| self.get(k))
    }

    /// Every value of `key`, in wire order.
    pub fn get_all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = Cow<'a, str>> + 'a {
        self.spans_for(key)
            .map(move |s| self.text(&self.buf[s.value()]))
    }

    /// True when `key` is present (even with an empty value).
    pub fn has(&self, key: &str) -> bool {
        self.spans_for(key).next().is_some()
    }

    /// True when the first value of `key` equals `value`, ignoring ASCII case.
    pub fn is(&self, key: &str, value: &str) -> bool {
        self.get_bytes(key)
            .is_some_and(|v| v.eq_ignore_ascii_case(value.as_bytes()))
    }

    /// Every header in wire order, decoded lossily.
    pub fn headers(&self) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> + '_ {
        self.headers
            .iter()
            .map(|s| (decode(&self.buf[s.key()]), decode(&self.buf[s.value()])))
    }

    /// Every header in wire order as raw bytes, for hot paths that match
    /// keys without decoding them.
    pub fn raw_headers(&self) -> impl Iterator<Item = (&[u8], &[u8])> + '_ {
        self.headers
            .iter()
            .map(|s| (&self.buf[s.key()], &self.buf[s.value()]))
    }

    /// Number of headers.
    pub fn len(&self) -> usize {
        self.headers.len()
    }

    /// True for a message with no headers.
    pub fn is_empty(&self) -> bool {
        self.headers.is_empty()
    }

    /// Event, response or action, from the headers.
    pub fn kind(&self) -> Kind<'_> {
        if let Some(name) = self.get("Event") {
            Kind::Event(name)
        } else if let Some(status) = self.get("Response") {
            Kind::Response(status)
        } else if let Some(name) = self.get("Action") {
            Kind::Action(name)
        } else {
            Kind::Other
        }
    }

    /// The `Event` header, if this is an event.
    pub fn event(&self) -> Option<Cow<'_, str>> {
        self.get("Event")
    }

    /// The `Response` header, if this is a response.
    pub fn response(&self) -> Option<Cow<'_, str>> {
        self.get("Response")
    }

    /// The `ActionID` header.
    pub fn action_id(&self) -> Option<Cow<'_, str>> {
        self.get("ActionID")
    }

    /// The raw bytes of a `Follows` body, if there is one.
    pub fn body(&self) -> Option<&[u8]> {
        self.body
            .as_ref()
            .map(|r| &self.buf[r.start as usize..r.end as usize])
    }

    /// Command output as lines: `Output:` headers (Asterisk 14+), or the lines
    /// of a `Follows` body (Asterisk up to 13).
    pub fn output_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.get_all("Output").map(Cow::into_owned).collect();
        if let Some(body) = self.body().filter(|b| !b.is_empty()) {
            let text = String::from_utf8_lossy(body);
            let text = text.strip_suffix('\n').unwrap_or(&text);
            lines.extend(
                text.split('\n')
                    .map(|l| l.strip_suffix('\r').unwrap_or(l).to_owned()),
            );
        }
        lines
    }

    /// The bytes of the message as received, blank line included.
    pub fn raw(&self) -> &[u8] {
        &self.buf
    }

    /// A copy that owns just its own bytes, so keeping it does not keep the
    /// (possibly large) read buffer it was sliced from alive.
    pub fn detach(&self) -> Message {
        Message {
            buf: Bytes::copy_from_slice(&self.buf),
            headers: self.headers.clone(),
            body: self.body.clone(),
            ascii: self.ascii,
        }
    }

    /// Like [`Message::detach`], for a keeper of many messages (the event
    /// log): the bytes are appended to `arena`, a chunk shared by the copies
    /// made from it, and the header list of `recycled` (a copy the keeper
    /// dropped) is reused. The caller keeps `arena` large enough and starts
    /// a new one when it is full; a chunk is freed with its last copy.
    pub(crate) fn detach_into(&self, arena: &mut BytesMut, recycled: Option<Message>) -> Message {
        arena.extend_from_slice(&self.buf);
        let mut headers = recycled.map(|m| m.headers).unwrap_or_default();
        headers.clear();
        headers.extend_from_slice(&self.headers);
        Message {
            buf: arena.split().freeze(),
            headers,
            body: self.body.clone(),
            ascii: self.ascii,
        }
    }

    fn spans_for<'a>(&'a self, key: &'a str) -> impl Iterator<Item = HeaderSpan> + 'a {
        let key = key.as_bytes();
        self.headers
            .iter()
            .copied()
            .filter(move |s| s.has_key(&self.buf, key))
    }
}

/// Which of 32 buckets a header name falls in, by its first byte: the low
/// five bits, which an ASCII letter shares with its other case, so names
/// equal but for case always share a bucket (other names may too).
#[inline(always)]
fn letter_bucket(name: &[u8]) -> usize {
    name.first().map_or(0, |b| usize::from(b & 0x1f))
}

/// A key length as one bit of a `u64` (lengths from 63 share the last bit).
fn length_bit(len: usize) -> u64 {
    1 << len.min(63)
}

/// ASCII-case-insensitive equality of header names, compared eight bytes
/// at a time: every lookup runs this for each header of the same length,
/// and a byte loop costs more than the rest of the lookup.
#[inline]
pub(crate) fn same_name(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    if a.len() < 4 {
        return a.eq_ignore_ascii_case(b);
    }
    if a.len() < 8 {
        // The first four bytes and the last four, overlapping.
        let word = |s: &[u8]| match (s.first_chunk::<4>(), s.last_chunk::<4>()) {
            (Some(head), Some(tail)) => {
                u64::from(u32::from_le_bytes(*head)) | (u64::from(u32::from_le_bytes(*tail)) << 32)
            }
            _ => 0,
        };
        return same_word(word(a), word(b));
    }
    // Whole 8-byte words, then the last eight bytes (overlapping the words).
    let (Some(a_last), Some(b_last)) = (a.last_chunk::<8>(), b.last_chunk::<8>()) else {
        return false;
    };
    let same = |x: &[u8; 8], y: &[u8; 8]| same_word(u64::from_le_bytes(*x), u64::from_le_bytes(*y));
    same(a_last, b_last)
        && a.as_chunks::<8>()
            .0
            .iter()
            .zip(b.as_chunks::<8>().0)
            .all(|(x, y)| same(x, y))
}

/// [`same_name`] for eight bytes: equal, or differing only in the case bit
/// (`0x20`) of bytes that are ASCII letters.
#[inline]
fn same_word(x: u64, y: u64) -> bool {
    const EACH: u64 = 0x0101_0101_0101_0101;
    let lower = (x | (0x20 * EACH)) & (0x7f * EACH);
    // The high bit of each byte of these sums says `lower >= 'a'` and
    // `lower > 'z'`; the bytes are at most 0x7f, so no sum carries over.
    let from_a = lower + (0x80 - u64::from(b'a')) * EACH;
    let past_z = lower + (0x80 - u64::from(b'z') - 1) * EACH;
    let letters = from_a & !past_z & !x & (0x80 * EACH);
    (x ^ y) & !(letters >> 2) == 0
}

/// Header text: borrowed when it is UTF-8 (nearly always, and checked much
/// faster than a lossy decode), lossily decoded otherwise.
pub(crate) fn decode(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

fn put_sanitized(out: &mut BytesMut, text: &str) {
    for b in text.bytes() {
        out.put_u8(if b == b'\r' || b == b'\n' { b' ' } else { b });
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_list();
        for (k, v) in self.headers() {
            map.entry(&format_args!("{k}: {v}"));
        }
        if let Some(body) = self.body() {
            map.entry(&format_args!("<body {} bytes>", body.len()));
        }
        map.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_ignores_case_and_keeps_repeats_in_order() {
        let m = Message::from_pairs([
            ("Event", "VarSet"),
            ("CallerIDNum", "100"),
            ("Variable", "a=1"),
            ("Variable", "b=2"),
            ("AccountCode", ""),
        ]);
        assert_eq!(m.get("calleridnum").as_deref(), Some("100"));
        assert_eq!(m.get("CallerIdNum").as_deref(), Some("100"));
        assert_eq!(m.get_all("variable").collect::<Vec<_>>(), ["a=1", "b=2"]);
        assert_eq!(m.get("AccountCode").as_deref(), Some(""));
        assert!(m.has("accountcode"));
        assert_eq!(m.get("Missing"), None);
        assert_eq!(m.kind(), Kind::Event("VarSet".into()));
    }

    #[test]
    fn get_each_finds_the_first_value_of_each_key() {
        let m = Message::from_pairs([
            ("Event", "VarSet"),
            ("Variable", "a"),
            ("value", "1"),
            ("Variable", "b"),
        ]);
        let [variable, value, missing] = m.get_each(["variable", "Value", "Uniqueid"]);
        assert_eq!(variable, Some(&b"a"[..]));
        assert_eq!(value, Some(&b"1"[..]));
        assert_eq!(missing, None);
    }

    #[test]
    fn from_pairs_refuses_to_smuggle_line_breaks() {
        let m = Message::from_pairs([("Action", "Ping\r\nAction: Hangup")]);
        assert_eq!(m.raw(), b"Action: Ping  Action: Hangup\r\n\r\n");
    }

    #[test]
    fn detach_copies_only_own_bytes() {
        let m = Message::from_pairs([("Response", "Success")]);
        let d = m.detach();
        assert_eq!(m, d);
        assert_ne!(m.raw().as_ptr(), d.raw().as_ptr());
    }

    #[test]
    fn same_name_agrees_with_eq_ignore_ascii_case_for_every_byte_pair() {
        for len in [1, 3, 4, 5, 7, 8, 9, 12, 16, 17, 23] {
            for at in [0, len / 2, len - 1] {
                let mut a = vec![b'k'; len];
                let mut b = a.clone();
                for x in 0..=255u8 {
                    for y in 0..=255u8 {
                        (a[at], b[at]) = (x, y);
                        assert_eq!(
                            same_name(&a, &b),
                            a.eq_ignore_ascii_case(&b),
                            "{len} {at} {x:#x} {y:#x}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn get_each_tells_apart_keys_of_one_bucket() {
        let (long, longer) = ("L".repeat(63), "L".repeat(70));
        let m = Message::from_pairs([
            (longer.as_str(), "70"),
            (long.as_str(), "63"),
            ("`x", "backtick"),
            ("@X", "at"),
            ("lOng", "long"),
        ]);
        let [a, b, at, backtick, short, none] =
            m.get_each([long.as_str(), longer.as_str(), "@x", "`X", "Long", "Lo"]);
        assert_eq!((a, b), (Some(&b"63"[..]), Some(&b"70"[..])));
        assert_eq!((at, backtick), (Some(&b"at"[..]), Some(&b"backtick"[..])));
        assert_eq!((short, none), (Some(&b"long"[..]), None));
    }

    #[test]
    fn same_name_ignores_ascii_case_only() {
        assert!(same_name(b"CallerIDNum", b"calleridnum"));
        assert!(same_name(b"Cause-txt", b"CAUSE-TXT"));
        assert!(!same_name(b"Cause-txt", b"Cause\rtxt"));
        assert!(!same_name(b"Channel", b"Channel1"));
        assert!(!same_name(b"[", b"{"));
    }

    #[test]
    fn detach_into_shares_the_arena_and_reuses_the_header_list() {
        let a = Message::from_pairs([("Event", "A"), ("Channel", "SIP/a-1")]);
        let b = Message::from_pairs([("Event", "B")]);
        let mut arena = BytesMut::with_capacity(256);
        let first = a.detach_into(&mut arena, None);
        let header_list = first.headers.as_ptr();
        let second = b.detach_into(&mut arena, Some(first));
        assert_eq!(second, b);
        assert_eq!(second.headers.as_ptr(), header_list);
        let third = a.detach_into(&mut arena, None);
        assert_eq!(third, a);
        assert_eq!(
            third.raw().as_ptr(),
            second.raw().as_ptr().wrapping_add(b.raw().len())
        );
    }
}
