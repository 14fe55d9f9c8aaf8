//! Framing of the AMI byte stream into banners and messages.
//!
//! Why it exists: AMI is line-based text with a few traps, and all of them are
//! handled here so nothing above has to care:
//! - the first line is a banner (`Asterisk Call Manager/11.0.0`) with no blank
//!   line after it; a banner can also appear later in a recording (reconnect);
//! - a message ends at an empty line; CRLF and bare LF both occur; stray empty
//!   lines between messages are skipped (Asterisk 22 sends one after QueueRule);
//! - `Response: Follows` (Asterisk up to 13 answering `Command`) carries raw
//!   output lines, which may be empty or contain `: `, up to `--END COMMAND--`;
//! - lines and messages are bounded, and a broken frame is returned as
//!   [`Frame::Malformed`] rather than an `Err`, because `FramedRead` ends the
//!   stream after an error and one bad frame must not end a session. After
//!   one, the decoder drops bytes up to the next blank line and carries on.
//!
//! Header offsets are recorded while scanning, so a message is sliced out of
//! the read buffer without copying.

use std::fmt;
use std::io;

use bytes::{Buf, BytesMut};
use memchr::memchr;
use tokio_util::codec::{Decoder, Encoder};

use super::action::Action;
use super::lines::{Line, LineFinder};
use super::message::{HeaderSpan, Message};

const BANNER_PREFIX: &[u8] = b"Asterisk Call Manager/";
const END_COMMAND: &[u8] = b"--END COMMAND--";
/// Header lists [`AmiCodec::recycle`] keeps: enough for a batch of messages
/// handed back at once (a threaded replay), few enough to stay small.
const MAX_SPARE_HEADER_LISTS: usize = 1024;
/// Headers a `Follows` reply carries before its raw body starts.
const FOLLOWS_HEADERS: [&[u8]; 4] = [b"Response", b"Privilege", b"ActionID", b"Message"];

/// Size bounds for the decoder.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Longest accepted line, in bytes.
    pub max_line: usize,
    /// Largest accepted message (a whole `Follows` body included), in bytes.
    pub max_message: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line: 64 * 1024,
            max_message: 4 * 1024 * 1024,
        }
    }
}

/// The greeting line a server sends on connect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Banner {
    /// The whole line, e.g. `Asterisk Call Manager/1.1`.
    pub text: String,
    /// The AMI version after the slash, when it parses.
    pub version: Option<AmiVersion>,
}

/// An AMI protocol version: `1.1` (two parts) or `11.0.0` (three parts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AmiVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: Option<u32>,
}

impl AmiVersion {
    /// Parses `1.1`, `2.10.4`, `11.0.0`.
    pub fn parse(text: &str) -> Option<AmiVersion> {
        let mut parts = text.trim().split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = match parts.next() {
            Some(p) => Some(p.parse().ok()?),
            None => None,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(AmiVersion {
            major,
            minor,
            patch,
        })
    }

    /// True for the AMI 1.x generation (Asterisk 1.4 to 11).
    pub fn is_legacy(self) -> bool {
        self.major < 2
    }
}

impl fmt::Display for AmiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if let Some(patch) = self.patch {
            write!(f, ".{patch}")?;
        }
        Ok(())
    }
}

/// Why bytes were not a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MalformedReason {
    /// A line longer than [`Limits::max_line`].
    LineTooLong,
    /// A message larger than [`Limits::max_message`].
    MessageTooLarge,
    /// A block of text with no `Key: Value` line in it.
    NoHeaders,
    /// The stream ended in the middle of a message.
    Truncated,
}

impl fmt::Display for MalformedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MalformedReason::LineTooLong => "line too long",
            MalformedReason::MessageTooLarge => "message too large",
            MalformedReason::NoHeaders => "text without any Key: Value header",
            MalformedReason::Truncated => "stream ended inside a message",
        })
    }
}

/// Bytes the decoder could not make into a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Malformed {
    pub reason: MalformedReason,
    /// The first bytes of the bad frame, decoded lossily, for the log.
    pub preview: String,
}

/// One decoded item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    Banner(Banner),
    Message(Message),
    Malformed(Malformed),
}

/// Where a `Response: Follows` message is in its scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Follows {
    No,
    Headers,
    Body { start: usize },
}

/// Progress through the message at the front of the buffer, kept across
/// calls so each byte is scanned once however the input is chunked.
#[derive(Debug)]
struct Scan {
    pos: usize,
    headers: Vec<HeaderSpan>,
    follows: Follows,
    /// Every byte scanned so far is ASCII.
    ascii: bool,
}

impl Scan {
    fn new() -> Self {
        Scan {
            pos: 0,
            headers: Vec::with_capacity(16),
            follows: Follows::No,
            ascii: true,
        }
    }
}

/// The AMI decoder (server or client text) and action encoder.
#[derive(Debug)]
pub struct AmiCodec {
    limits: Limits,
    scan: Scan,
    /// Dropping bytes up to the next blank line after a malformed frame.
    discarding: bool,
    /// While discarding: the next byte starts a line.
    at_line_start: bool,
    /// Header lists of messages their reader is done with, reused for the
    /// next messages (see [`AmiCodec::recycle`]).
    spare_headers: Vec<Vec<HeaderSpan>>,
}

impl Default for AmiCodec {
    fn default() -> Self {
        AmiCodec::new(Limits::default())
    }
}

/// A bound crossed, and the length of the frame at the byte that crossed it.
#[derive(Clone, Copy)]
struct Overflow {
    reason: MalformedReason,
    at: usize,
}

impl AmiCodec {
    pub fn new(limits: Limits) -> Self {
        // Header offsets are stored as u32.
        let max_message = limits.max_message.min(u32::MAX as usize - 1);
        AmiCodec {
            limits: Limits {
                max_message,
                ..limits
            },
            scan: Scan::new(),
            discarding: false,
            at_line_start: true,
            spare_headers: Vec::new(),
        }
    }

    /// Hands back a decoded frame its reader is done with: a message's
    /// header list is reused for a later message, which saves an allocation
    /// and a free per message where messages are read and dropped (a
    /// replay). Other frames are just dropped.
    pub fn recycle(&mut self, frame: Frame) {
        if let Frame::Message(msg) = frame
            && self.spare_headers.len() < MAX_SPARE_HEADER_LISTS
        {
            self.spare_headers.push(msg.into_header_list());
        }
    }

    /// Drops bytes up to and including the next blank line. True once found.
    fn discard(&mut self, src: &mut BytesMut) -> bool {
        loop {
            let Some(nl) = memchr(b'\n', src) else {
                let lone_cr_at_start = self.at_line_start && &src[..] == b"\r";
                if !src.is_empty() && !lone_cr_at_start {
                    src.clear();
                    self.at_line_start = false;
                }
                return false;
            };
            let blank = self.at_line_start && (nl == 0 || (nl == 1 && src[0] == b'\r'));
            src.advance(nl + 1);
            self.at_line_start = true;
            if blank {
                self.discarding = false;
                return true;
            }
        }
    }

    /// Checks the line starting at `start` against the limits. `newline` is
    /// its `\n` offset from `start`, if it has arrived. A frame over both
    /// bounds is reported for the one its bytes cross first, as if they came
    /// one at a time, so the verdict does not depend on how reads split them.
    fn check_limits(&self, src: &[u8], start: usize, newline: Option<usize>) -> Option<Overflow> {
        let (line_len, consumed) = match newline {
            Some(nl) => (nl, start + nl + 1),
            None => (src.len() - start, src.len()),
        };
        let line_crossed_at =
            (line_len > self.limits.max_line).then(|| start + self.limits.max_line + 1);
        let message_crossed_at =
            (consumed > self.limits.max_message).then_some(self.limits.max_message + 1);
        let (reason, at) = match (line_crossed_at, message_crossed_at) {
            (Some(line), Some(message)) if message < line => {
                (MalformedReason::MessageTooLarge, message)
            }
            (Some(line), _) => (MalformedReason::LineTooLong, line),
            (None, Some(message)) => (MalformedReason::MessageTooLarge, message),
            (None, None) => return None,
        };
        Some(Overflow { reason, at })
    }

    /// Ends the frame at the front of `src` as malformed and starts
    /// resynchronising: whole lines already scanned are dropped, the rest is
    /// discarded up to the next blank line.
    fn malformed(&mut self, src: &mut BytesMut, overflow: Overflow) -> Option<Frame> {
        let preview = preview(&src[..overflow.at]);
        src.advance(self.scan.pos);
        self.scan = Scan::new();
        self.discarding = true;
        self.at_line_start = true;
        Some(Frame::Malformed(Malformed {
            reason: overflow.reason,
            preview,
        }))
    }

    /// Reads the banner at the front of `src` (see [`is_banner_start`]).
    fn banner(&mut self, src: &mut BytesMut) -> Option<Frame> {
        let newline = memchr(b'\n', src);
        if let Some(overflow) = self.check_limits(src, 0, newline) {
            return self.malformed(src, overflow);
        }
        let line = src.split_to(newline? + 1);
        let text = String::from_utf8_lossy(trim_eol(&line)).into_owned();
        let version = AmiVersion::parse(&text[BANNER_PREFIX.len()..]);
        Some(Frame::Banner(Banner { text, version }))
    }

    /// The message at the front of `src`, or `None` while its end has not
    /// arrived.
    fn scan_message(&mut self, src: &mut BytesMut) -> Option<Frame> {
        // Read through a plain slice: indexing the `BytesMut` itself loads
        // its pointer and length again at every use.
        let bytes: &[u8] = src;
        let mut lines = LineFinder::default();
        loop {
            let start = self.scan.pos;
            let line = lines.line_at(bytes, start);
            let newline = line.map(|l| l.newline - start);
            if let Some(overflow) = self.check_limits(bytes, start, newline) {
                return self.malformed(src, overflow);
            }
            // No line yet: the rest of the message has not arrived.
            let Line {
                newline,
                colon,
                ascii,
            } = line?;
            self.scan.pos = newline + 1;
            self.scan.ascii &= ascii;
            let line_end = if newline > start && bytes[newline - 1] == b'\r' {
                newline - 1
            } else {
                newline
            };

            match self.scan.follows {
                Follows::Body { start: body_start } => {
                    if bytes[start..line_end].ends_with(END_COMMAND) {
                        let body_end = line_end - END_COMMAND.len();
                        return self.finish(src, Some(body_start..body_end));
                    }
                    if line_end == start {
                        match starts_a_message(&bytes[self.scan.pos..]) {
                            // The marker never came: the body ends at this
                            // blank line, and what follows is kept.
                            Some(true) => return self.finish(src, Some(body_start..start)),
                            Some(false) => {}
                            None => {
                                self.scan.pos = start;
                                return None;
                            }
                        }
                    }
                    continue;
                }
                Follows::Headers => {
                    let is_follows_header = colon.is_some_and(|c| {
                        FOLLOWS_HEADERS
                            .iter()
                            .any(|h| h.eq_ignore_ascii_case(&bytes[start..c]))
                    });
                    if !is_follows_header {
                        // The raw output starts here. It may start with an
                        // empty line (`sip show peer` output does), which
                        // does not end a `Follows` reply: only the marker
                        // does, and this line may already be it.
                        self.scan.follows = Follows::Body { start };
                        self.scan.pos = start;
                        continue;
                    }
                }
                Follows::No => {}
            }
            if line_end == start {
                return self.finish(src, None);
            }
            // A line without a colon inside a message is tolerated and skipped.
            let Some(colon) = colon else { continue };
            let mut value_start = colon + 1;
            if bytes.get(value_start) == Some(&b' ') && value_start < line_end {
                value_start += 1;
            }
            let span = HeaderSpan {
                key_start: start as u32,
                key_end: colon as u32,
                value_start: value_start as u32,
                value_end: line_end as u32,
            };
            if self.scan.headers.is_empty()
                && bytes[start..colon].eq_ignore_ascii_case(b"Response")
                && bytes[value_start..line_end].eq_ignore_ascii_case(b"Follows")
            {
                self.scan.follows = Follows::Headers;
            }
            self.scan.headers.push(span);
        }
    }

    fn finish(
        &mut self,
        src: &mut BytesMut,
        body: Option<std::ops::Range<usize>>,
    ) -> Option<Frame> {
        if self.scan.headers.is_empty() {
            let end = self.scan.pos;
            let preview = preview(&src[..end]);
            src.advance(end);
            self.scan = Scan::new();
            return Some(Frame::Malformed(Malformed {
                reason: MalformedReason::NoHeaders,
                preview,
            }));
        }
        let buf = src.split_to(self.scan.pos).freeze();
        // A header list handed back by `recycle`, else a new one: the next
        // message likely has about as many headers as this one.
        let next_headers = match self.spare_headers.pop() {
            Some(spare) => spare,
            None => Vec::with_capacity(self.scan.headers.len().max(16)),
        };
        let headers = std::mem::replace(&mut self.scan.headers, next_headers);
        let ascii = std::mem::replace(&mut self.scan.ascii, true);
        self.scan.pos = 0;
        self.scan.follows = Follows::No;
        let body = body.map(|r| r.start as u32..r.end as u32);
        Some(Frame::Message(Message::from_parts(
            buf, headers, body, ascii,
        )))
    }
}

/// Whether `rest`, the bytes after a blank line inside a `Follows` body,
/// opens a new message (`Response:` or `Event:`): a body whose
/// `--END COMMAND--` never comes ends there. `None` while too few bytes have
/// arrived to tell, so the verdict never depends on how reads split them.
fn starts_a_message(rest: &[u8]) -> Option<bool> {
    const OPENERS: [&[u8]; 2] = [b"Response:", b"Event:"];
    let line = match memchr(b'\n', rest) {
        Some(nl) => &rest[..nl],
        None => rest,
    };
    let mut undecided = false;
    for opener in OPENERS {
        let n = line.len().min(opener.len());
        if line[..n].eq_ignore_ascii_case(&opener[..n]) {
            if n == opener.len() {
                return Some(true);
            }
            // A shorter prefix decides only once its line has ended.
            undecided |= n == rest.len();
        }
    }
    if undecided { None } else { Some(false) }
}

/// The start of a bad frame, decoded lossily, for the log.
fn preview(frame: &[u8]) -> String {
    const PREVIEW_LEN: usize = 80;
    String::from_utf8_lossy(&frame[..frame.len().min(PREVIEW_LEN)]).into_owned()
}

/// Whether `src`, at the start of a frame, is (or, while too few bytes have
/// arrived to tell, may be) a banner.
fn is_banner_start(src: &[u8]) -> bool {
    let n = src.len().min(BANNER_PREFIX.len());
    // The first byte alone rules out nearly every message, without a call
    // to compare the rest.
    src.first() == BANNER_PREFIX.first() && src[..n] == BANNER_PREFIX[..n]
}

/// Removes leading empty lines; keeps a lone trailing `\r` (its `\n` may follow).
fn skip_blank_lines(src: &mut BytesMut) {
    let mut i = 0;
    while i < src.len() {
        match src[i] {
            b'\n' => i += 1,
            b'\r' if src.get(i + 1) == Some(&b'\n') => i += 2,
            _ => break,
        }
    }
    // Nearly always none: skipping the call saves a tenth of a decode.
    if i > 0 {
        src.advance(i);
    }
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

impl Decoder for AmiCodec {
    type Item = Frame;
    type Error = io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> io::Result<Option<Frame>> {
        if self.discarding && !self.discard(src) {
            return Ok(None);
        }
        if self.scan.pos == 0 {
            skip_blank_lines(src);
            if src.is_empty() || &src[..] == b"\r" {
                return Ok(None);
            }
            if is_banner_start(src) {
                return Ok(self.banner(src));
            }
        }
        Ok(self.scan_message(src))
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> io::Result<Option<Frame>> {
        if let Some(frame) = self.decode(src)? {
            return Ok(Some(frame));
        }
        if self.discarding {
            src.clear();
            self.discarding = false;
            return Ok(None);
        }
        // A final message without its blank line: Asterisk never sends one,
        // but a recording may end that way, so close it as if the line came.
        if self.scan.pos > 0 || src.iter().any(|b| !b.is_ascii_whitespace()) {
            src.extend_from_slice(b"\n\n");
            if let Some(frame) = self.decode(src)? {
                return Ok(Some(frame));
            }
            let preview = preview(src);
            src.clear();
            self.scan = Scan::new();
            return Ok(Some(Frame::Malformed(Malformed {
                reason: MalformedReason::Truncated,
                preview,
            })));
        }
        src.clear();
        Ok(None)
    }
}

/// An action paired with the ActionID it goes out with.
pub struct Outgoing<'a> {
    pub action_id: &'a str,
    pub action: &'a Action,
}

impl Encoder<Outgoing<'_>> for AmiCodec {
    type Error = io::Error;

    fn encode(&mut self, item: Outgoing<'_>, dst: &mut BytesMut) -> io::Result<()> {
        item.action
            .validate()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        if item.action_id.contains(['\r', '\n']) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "ActionID contains a line break",
            ));
        }
        dst.extend_from_slice(item.action.to_wire(item.action_id).as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(input: &[u8]) -> Vec<Frame> {
        let mut codec = AmiCodec::default();
        let mut buf = BytesMut::from(input);
        let mut out = Vec::new();
        while let Some(f) = codec.decode_eof(&mut buf).unwrap() {
            out.push(f);
        }
        out
    }

    fn message(f: &Frame) -> &Message {
        match f {
            Frame::Message(m) => m,
            other => panic!("expected a message, got {other:?}"),
        }
    }

    #[test]
    fn banner_then_messages_with_crlf_and_lf() {
        let frames = decode_all(
            b"Asterisk Call Manager/2.10.4\r\nResponse: Success\r\nPing: Pong\r\n\r\n\
              Event: FullyBooted\nStatus: Fully Booted\n\n",
        );
        assert_eq!(frames.len(), 3);
        let Frame::Banner(b) = &frames[0] else {
            panic!()
        };
        assert_eq!(
            b.version,
            Some(AmiVersion {
                major: 2,
                minor: 10,
                patch: Some(4)
            })
        );
        assert_eq!(message(&frames[1]).get("ping").as_deref(), Some("Pong"));
        assert_eq!(
            message(&frames[2]).get("Status").as_deref(),
            Some("Fully Booted")
        );
    }

    #[test]
    fn two_part_versions_parse() {
        let v = AmiVersion::parse("1.1").unwrap();
        assert_eq!((v.major, v.minor, v.patch), (1, 1, None));
        assert!(v.is_legacy());
        assert_eq!(v.to_string(), "1.1");
        assert_eq!(AmiVersion::parse("x.1"), None);
        assert_eq!(AmiVersion::parse("1.2.3.4"), None);
    }

    #[test]
    fn stray_blank_lines_between_messages_are_skipped() {
        let frames = decode_all(b"Response: Success\r\n\r\n\r\n\r\nEvent: A\r\n\r\n");
        assert_eq!(frames.len(), 2);
    }

    #[test]
    fn follows_body_keeps_empty_lines_and_colons() {
        let frames = decode_all(
            b"Response: Follows\r\nPrivilege: Command\r\nActionID: 9\r\n\
              Name: value line\r\n\r\nlast line--END COMMAND--\r\n\r\nEvent: X\r\n\r\n",
        );
        assert_eq!(frames.len(), 2, "{frames:?}");
        let m = message(&frames[0]);
        assert_eq!(m.action_id().as_deref(), Some("9"));
        assert_eq!(m.output_lines(), ["Name: value line", "", "last line"]);
        assert_eq!(message(&frames[1]).event().as_deref(), Some("X"));
    }

    #[test]
    fn follows_body_may_start_with_an_empty_line() {
        // Asterisk 11 `sip show peer` output starts with blank lines.
        let frames = decode_all(
            b"Response: Follows\r\nPrivilege: Command\r\nActionID: 3\r\n\
              \n\n  * Name       : 2001\n--END COMMAND--\r\n\r\nEvent: X\r\n\r\n",
        );
        assert_eq!(frames.len(), 2, "{frames:?}");
        let m = message(&frames[0]);
        assert_eq!(m.len(), 3);
        assert_eq!(m.output_lines(), ["", "", "  * Name       : 2001"]);
        assert_eq!(message(&frames[1]).event().as_deref(), Some("X"));
    }

    #[test]
    fn a_follows_body_without_its_marker_ends_where_a_message_starts() {
        // The marker never comes; a QueueStatus list follows the blank line.
        let input: &[u8] = b"Response: Follows\r\nPrivilege: Command\r\nActionID: 5\r\n\
              Name/Username    Host\r\n\r\n1 iax2 peers\r\n\r\n\
              Response: Success\r\nActionID: 6\r\nEventList: start\r\n\r\n\
              Event: QueueParams\r\nQueue: support\r\n\r\n\
              event: QueueStatusComplete\r\nEventList: Complete\r\n\r\n";
        let frames = decode_both_ways(input, Limits::default());
        assert_eq!(frames.len(), 4, "{frames:?}");
        let follows = message(&frames[0]);
        assert_eq!(follows.action_id().as_deref(), Some("5"));
        assert_eq!(
            follows.output_lines(),
            ["Name/Username    Host", "", "1 iax2 peers"]
        );
        assert_eq!(message(&frames[1]).action_id().as_deref(), Some("6"));
        assert_eq!(message(&frames[2]).event().as_deref(), Some("QueueParams"));
        assert_eq!(
            message(&frames[3]).event().as_deref(),
            Some("QueueStatusComplete")
        );
    }

    #[test]
    fn a_body_line_that_only_looks_like_a_header_start_stays_in_the_body() {
        let frames = decode_both_ways(
            b"Response: Follows\r\nPrivilege: Command\r\n\r\nEvents\r\n\r\nResponse\r\n\
              --END COMMAND--\r\n\r\n",
            Limits::default(),
        );
        assert_eq!(frames.len(), 1, "{frames:?}");
        assert_eq!(
            message(&frames[0]).output_lines(),
            ["", "Events", "", "Response"]
        );
    }

    #[test]
    fn follows_without_output_has_an_empty_body() {
        let frames =
            decode_all(b"Response: Follows\r\nPrivilege: Command\r\n--END COMMAND--\r\n\r\n");
        assert_eq!(message(&frames[0]).body(), Some(&b""[..]));
        assert!(message(&frames[0]).output_lines().is_empty());
    }

    fn reason(frame: &Frame) -> MalformedReason {
        match frame {
            Frame::Malformed(m) => m.reason,
            other => panic!("expected a malformed frame, got {other:?}"),
        }
    }

    /// Feeds `input` one byte at a time and in one piece; both must agree.
    fn decode_both_ways(input: &[u8], limits: Limits) -> Vec<Frame> {
        let mut codec = AmiCodec::new(limits);
        let mut buf = BytesMut::new();
        let mut bytewise = Vec::new();
        for &b in input {
            buf.extend_from_slice(&[b]);
            while let Some(f) = codec.decode(&mut buf).unwrap() {
                bytewise.push(f);
            }
        }
        while let Some(f) = codec.decode_eof(&mut buf).unwrap() {
            bytewise.push(f);
        }
        let mut codec = AmiCodec::new(limits);
        let mut buf = BytesMut::from(input);
        let mut whole = Vec::new();
        while let Some(f) = codec.decode_eof(&mut buf).unwrap() {
            whole.push(f);
        }
        assert_eq!(bytewise, whole);
        whole
    }

    #[test]
    fn the_bound_crossed_first_names_the_frame() {
        let limits = Limits {
            max_line: 32,
            max_message: 40,
        };
        // After a 21-byte first line, the message bound is crossed at byte
        // 41, before the 50-byte second line crosses the line bound at 21 + 33.
        let mut input = b"Event: Twenty bytes\r\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', 50));
        input.extend_from_slice(b"\r\n\r\nEvent: Next\r\n\r\n");
        let frames = decode_both_ways(&input, limits);
        assert_eq!(reason(&frames[0]), MalformedReason::MessageTooLarge);
        assert_eq!(message(&frames[1]).event().as_deref(), Some("Next"));

        // A long first line crosses the line bound first.
        let mut input = b"Data: ".to_vec();
        input.extend(std::iter::repeat_n(b'y', 60));
        input.extend_from_slice(b"\r\n\r\nEvent: Next\r\n\r\n");
        let frames = decode_both_ways(&input, limits);
        assert_eq!(reason(&frames[0]), MalformedReason::LineTooLong);
        let Frame::Malformed(bad) = &frames[0] else {
            unreachable!()
        };
        assert_eq!(
            bad.preview.len(),
            33,
            "the preview stops where the bound was crossed"
        );
    }

    #[test]
    fn an_oversize_banner_is_malformed_however_it_arrives() {
        let limits = Limits {
            max_line: 30,
            max_message: 1024,
        };
        let frames = decode_both_ways(
            b"Asterisk Call Manager/1.1 and far too much more\r\n\r\nEvent: A\r\n\r\n",
            limits,
        );
        assert_eq!(reason(&frames[0]), MalformedReason::LineTooLong);
        assert_eq!(message(&frames[1]).event().as_deref(), Some("A"));
    }

    #[test]
    fn value_spacing_follows_the_wire() {
        let frames = decode_all(b"Action:Ping\r\nOutput:   indented\r\nEmpty:\r\n\r\n");
        let m = message(&frames[0]);
        assert_eq!(m.get("Action").as_deref(), Some("Ping"));
        assert_eq!(m.get("Output").as_deref(), Some("  indented"));
        assert_eq!(m.get("Empty").as_deref(), Some(""));
    }

    #[test]
    fn oversize_line_is_reported_and_the_next_message_parses() {
        let limits = Limits {
            max_line: 32,
            max_message: 256,
        };
        let mut codec = AmiCodec::new(limits);
        let mut input = b"Event: Big\r\nData: ".to_vec();
        input.extend(std::iter::repeat_n(b'x', 100));
        input.extend_from_slice(b"\r\nMore: stuff\r\n\r\nEvent: Small\r\n\r\n");
        let mut buf = BytesMut::from(&input[..]);
        let first = codec.decode(&mut buf).unwrap().unwrap();
        assert!(matches!(
            first,
            Frame::Malformed(Malformed {
                reason: MalformedReason::LineTooLong,
                ..
            })
        ));
        let second = codec.decode(&mut buf).unwrap().unwrap();
        assert_eq!(message(&second).event().as_deref(), Some("Small"));
    }

    #[test]
    fn text_without_headers_is_malformed_not_an_error() {
        let frames = decode_all(b"row 1\r\nrow 2\r\n\r\nResponse: Success\r\n\r\n");
        assert!(matches!(
            frames[0],
            Frame::Malformed(Malformed {
                reason: MalformedReason::NoHeaders,
                ..
            })
        ));
        assert_eq!(message(&frames[1]).response().as_deref(), Some("Success"));
    }

    #[test]
    fn last_message_without_blank_line_is_kept_at_eof() {
        let frames = decode_all(b"Event: Last\r\nA: 1\r\n");
        assert_eq!(message(&frames[0]).get("A").as_deref(), Some("1"));
    }

    #[test]
    fn encoder_refuses_injection() {
        let mut codec = AmiCodec::default();
        let mut dst = BytesMut::new();
        let bad = Action::new("Hangup").header("Channel", "x\r\nAction: Originate");
        let err = codec
            .encode(
                Outgoing {
                    action_id: "1",
                    action: &bad,
                },
                &mut dst,
            )
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(dst.is_empty());
    }
}
