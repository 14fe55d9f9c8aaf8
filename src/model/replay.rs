//! `amitop replay`: a recorded server-to-client stream (the `.ami` format)
//! through the codec and the model (`cli/render_state.rs` prints the state
//! it leaves as JSON or tables).
//!
//! Messages are numbered from 1 after the banner, counting every message
//! (responses and events alike; banners and undecodable frames are not
//! messages). `--from K` applies messages from K on, as a dashboard attached
//! mid-call would see them; `--until N` stops after message N. A banner in
//! the middle of the stream is a reconnect: the model starts a resync, and
//! the first end-of-list of each kind that follows sweeps that kind, as the
//! app does after a real reconnect.

use std::collections::HashSet;
use std::io::{self, Read};

use bytes::{Bytes, BytesMut};
use tokio_util::codec::Decoder;

use super::{ListKind, State};
use crate::ami::{AmiCodec, Frame};

/// Which part of the stream to apply.
#[derive(Clone, Copy, Debug)]
pub struct ReplayOptions {
    /// First message applied (1-based); earlier ones are skipped.
    pub from: u64,
    /// Last message applied; `None` (or past the end) applies to the end.
    pub until: Option<u64>,
    /// Epoch time handed to the model for every message.
    pub now: f64,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        ReplayOptions {
            from: 1,
            until: None,
            now: 0.0,
        }
    }
}

/// The state after the replay, and what the stream contained.
#[derive(Debug)]
pub struct ReplayOutcome {
    pub state: State,
    /// Number of the last message read.
    pub messages: u64,
    /// Messages applied to the model.
    pub applied: u64,
    /// Banners seen (more than one: the recording reconnected).
    pub banners: u64,
    /// Undecodable frames skipped, with the codec's reason.
    pub malformed: Vec<String>,
}

/// Bytes read from a file at a time: enough that reading costs little,
/// few enough that a replay's memory does not grow with the file.
const READ_CHUNK: usize = 1 << 20;

/// Replays `bytes` into a fresh [`State`].
pub fn replay(bytes: &[u8], options: ReplayOptions) -> ReplayOutcome {
    replay_from(bytes, options).expect("reading from memory cannot fail")
}

/// Replays a stream read from `reader` a chunk at a time, so memory stays
/// flat however long the recording: each message is applied and dropped
/// before the next chunk is read (the model copies what it keeps), and the
/// read buffer is reused.
pub fn replay_from(mut reader: impl Read, options: ReplayOptions) -> io::Result<ReplayOutcome> {
    let mut replay = Replay::new(options);
    let mut buffer = BytesMut::new();
    loop {
        // The messages of the last chunk are dropped by now, so this takes
        // the allocation back (moving the unfinished message the chunk ended
        // in to its front) rather than making a new one per chunk, unless
        // the model kept a message, which then keeps the old one alive.
        // `read_to_end` fills it without zeroing it first.
        let mut chunk = Vec::from(std::mem::take(&mut buffer));
        let read = (&mut reader)
            .take(READ_CHUNK as u64)
            .read_to_end(&mut chunk)?;
        // Unique, so this takes the vector over without copying it.
        buffer = BytesMut::from(Bytes::from(chunk));
        let at_end = read == 0;
        if !replay.feed(&mut buffer, at_end) || at_end {
            break;
        }
    }
    Ok(replay.outcome)
}

/// A replay in progress.
struct Replay {
    outcome: ReplayOutcome,
    options: ReplayOptions,
    codec: AmiCodec,
    resyncing: HashSet<ListKind>,
}

impl Replay {
    fn new(options: ReplayOptions) -> Replay {
        Replay {
            outcome: ReplayOutcome {
                // The output shows no event log: keep none.
                state: State::with_log_capacity(0),
                messages: 0,
                applied: 0,
                banners: 0,
                malformed: Vec::new(),
            },
            options,
            codec: AmiCodec::default(),
            resyncing: HashSet::new(),
        }
    }

    /// Applies every whole frame in `buffer` (at the end of the stream, the
    /// rest too). False once `--until` is reached.
    fn feed(&mut self, buffer: &mut BytesMut, at_end: bool) -> bool {
        loop {
            let frame = if at_end {
                self.codec.decode_eof(buffer)
            } else {
                self.codec.decode(buffer)
            };
            // A decoder over an in-memory buffer cannot fail with I/O errors;
            // treat any error like the end of the stream.
            let frame = match frame {
                Ok(Some(frame)) => frame,
                Ok(None) => return true,
                Err(_) => return false,
            };
            if !self.apply(frame) {
                return false;
            }
        }
    }

    /// One frame; false once past `--until`.
    fn apply(&mut self, frame: Frame) -> bool {
        let (outcome, options) = (&mut self.outcome, &self.options);
        match frame {
            Frame::Banner(banner) => {
                outcome.banners += 1;
                outcome.state.apply_banner(&banner);
                if outcome.messages >= options.from {
                    outcome.state.begin_resync();
                    self.resyncing = ListKind::SWEPT_ON_COMPLETION.into_iter().collect();
                }
            }
            Frame::Malformed(bad) => {
                outcome.state.note_malformed(&bad, options.now);
                outcome
                    .malformed
                    .push(format!("{}: {}", bad.reason, bad.preview));
            }
            Frame::Message(msg) => {
                outcome.messages += 1;
                if options.until.is_some_and(|n| outcome.messages > n) {
                    outcome.messages -= 1;
                    return false;
                }
                if outcome.messages < options.from {
                    return true;
                }
                outcome.state.apply(&msg, options.now);
                outcome.applied += 1;
                // Outside a resync (most of a replay) no list can complete.
                if self.resyncing.is_empty() {
                    self.codec.recycle(msg);
                    return true;
                }
                let completed = msg.get_bytes("Event").and_then(ListKind::completed_by_name);
                if let Some(kind) = completed.filter(|k| self.resyncing.remove(k)) {
                    outcome.state.sweep(kind);
                }
                self.codec.recycle(msg);
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BANNER: &[u8] = b"Asterisk Call Manager/1.1\r\n";
    const UP: &[u8] = b"Event: Newchannel\r\nChannel: SIP/a-1\r\nUniqueid: 100.1\r\nChannelStateDesc: Ring\r\n\r\n\
        Event: Newstate\r\nChannel: SIP/a-1\r\nUniqueid: 100.1\r\nChannelStateDesc: Up\r\n\r\n";
    const HANGUP: &[u8] =
        b"Event: Hangup\r\nChannel: SIP/a-1\r\nUniqueid: 100.1\r\nCause: 16\r\n\r\n";

    fn call() -> Vec<u8> {
        [BANNER, UP, HANGUP].concat()
    }

    #[test]
    fn until_stops_after_message_n_and_from_skips_before_k() {
        let at = |from, until| {
            replay(
                &call(),
                ReplayOptions {
                    from,
                    until,
                    now: 0.0,
                },
            )
        };
        let after_two = at(1, Some(2));
        assert_eq!(after_two.messages, 2);
        assert_eq!(after_two.state.channels.get("100.1").unwrap().state, "Up");
        let whole = at(1, Some(99));
        assert_eq!(whole.messages, 3);
        assert!(whole.state.channels.is_empty());
        let late = at(2, None);
        assert_eq!(late.applied, 2);
        assert_eq!(late.state.server.ami_version, "1.1");
    }

    #[test]
    fn a_mid_stream_banner_sweeps_what_the_relisting_omits() {
        let mut stream = [BANNER, UP, BANNER].concat();
        stream.extend_from_slice(
            b"Event: CoreShowChannelsComplete\r\nEventList: Complete\r\nListItems: 0\r\n\r\n",
        );
        let outcome = replay(&stream, ReplayOptions::default());
        assert_eq!(outcome.banners, 2);
        assert!(outcome.state.channels.is_empty(), "{:?}", outcome.state);
    }
}
