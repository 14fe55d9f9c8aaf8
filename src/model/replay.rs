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

mod handoff;

use std::collections::HashSet;
use std::io::{self, Read};
use std::thread;

use bytes::{Bytes, BytesMut};
use tokio_util::codec::Decoder;

use super::{ListKind, State};
use crate::ami::{AmiCodec, Frame};
use handoff::Sender;

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
/// Frames handed from the decoding thread to the model's at a time: enough
/// that the hand-over costs little per frame, few enough that their bytes
/// are still in the cache the two threads share when the model reads them
/// (512 measured slower).
const BATCH: usize = 128;
/// Batches on their way to the model at once. With the read chunks their
/// messages point into, this bounds a replay's memory (about 30 MB). The
/// decoder, faster than the model, fills them and then sleeps until a
/// quarter are taken. With 8, the model still found the queue empty about
/// a hundred times a replay, waiting some 15 ms in all for a decoder woken
/// too late; with 64 it rarely does, and the replay is about a tenth
/// faster (128 gained nothing more for another 10 MB).
const BATCHES_AHEAD: usize = 64;

/// Replays `bytes` into a fresh [`State`], on the calling thread (the model
/// bench measures this).
pub fn replay(bytes: &[u8], options: ReplayOptions) -> ReplayOutcome {
    let mut replay = Replay::new(options);
    let mut codec = AmiCodec::default();
    let mut buffer = BytesMut::from(bytes);
    while let Ok(Some(frame)) = codec.decode_eof(&mut buffer) {
        let more = replay.apply(&frame);
        codec.recycle(frame);
        if !more {
            break;
        }
    }
    replay.outcome
}

/// Replays a stream read from `reader`. One thread reads and decodes while
/// the calling thread applies, as the dashboard's session task and reducer
/// do, so a replay takes about as long as the model alone. Memory stays flat
/// however long the recording: the file is read a chunk at a time, and at
/// most [`BATCHES_AHEAD`] batches of frames wait for the model.
pub fn replay_from(reader: impl Read + Send, options: ReplayOptions) -> io::Result<ReplayOutcome> {
    let (batches, decoded) = handoff::bounded(BATCHES_AHEAD);
    thread::scope(|scope| {
        let decoder = scope.spawn(move || decode_stream(reader, &batches));
        let mut replay = Replay::new(options);
        while let Some(batch) = decoded.recv() {
            let more = batch.iter().all(|frame| replay.apply(frame));
            // The decoder drops the frames: their memory is freed where it
            // was allocated, and their header lists are reused.
            decoded.give_back(batch);
            if !more {
                break;
            }
        }
        // Past `--until`: a closed hand-off tells the decoder to stop.
        drop(decoded);
        match decoder.join() {
            Ok(read) => read.map(|()| replay.outcome),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// The decoding half of [`replay_from`]: reads `reader` to its end (or until
/// the model stops listening) and sends its frames in batches. Batches the
/// model is done with come back through `batches` and are reused.
fn decode_stream(mut reader: impl Read, batches: &Sender<Vec<Frame>>) -> io::Result<()> {
    let mut codec = AmiCodec::default();
    let mut buffer = BytesMut::new();
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        // Once the frames of the last chunk have come back and been dropped,
        // this takes the allocation back (moving the unfinished message the
        // chunk ended in to its front) rather than making a new one per
        // chunk; while some are still with the model, it copies that message
        // into a new one. `read_to_end` fills it without zeroing it first.
        let mut chunk = Vec::from(std::mem::take(&mut buffer));
        // Room for the whole chunk at once, rather than grown (and copied)
        // by doubling while it is read.
        chunk.reserve(READ_CHUNK);
        let read = (&mut reader)
            .take(READ_CHUNK as u64)
            .read_to_end(&mut chunk)?;
        // Unique, so this takes the vector over without copying it.
        buffer = BytesMut::from(Bytes::from(chunk));
        let at_end = read == 0;
        loop {
            let frame = if at_end {
                codec.decode_eof(&mut buffer)
            } else {
                codec.decode(&mut buffer)
            };
            // The codec reports bad bytes as `Frame::Malformed`; it has no
            // error of its own, and this buffer no I/O to fail.
            let Ok(Some(frame)) = frame else {
                break;
            };
            batch.push(frame);
            if batch.len() == BATCH {
                let next = next_batch(&mut codec, batches);
                if batches.send(std::mem::replace(&mut batch, next)).is_err() {
                    return Ok(());
                }
            }
        }
        if at_end {
            // A closed channel here only means the model stopped early.
            let _ = batches.send(batch);
            return Ok(());
        }
    }
}

/// An empty batch: one the model gave back, its messages' header lists
/// handed to the codec, or a new one.
fn next_batch(codec: &mut AmiCodec, batches: &Sender<Vec<Frame>>) -> Vec<Frame> {
    let Some(mut batch) = batches.take_back() else {
        return Vec::with_capacity(BATCH);
    };
    for frame in batch.drain(..) {
        codec.recycle(frame);
    }
    batch
}

/// The model's half of a replay: frames in, state out.
struct Replay {
    outcome: ReplayOutcome,
    options: ReplayOptions,
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
            resyncing: HashSet::new(),
        }
    }

    /// One frame; false once past `--until`.
    fn apply(&mut self, frame: &Frame) -> bool {
        let (outcome, options) = (&mut self.outcome, &self.options);
        match frame {
            Frame::Banner(banner) => {
                outcome.banners += 1;
                outcome.state.apply_banner(banner);
                if outcome.messages >= options.from {
                    outcome.state.begin_resync();
                    self.resyncing = ListKind::SWEPT_ON_COMPLETION.into_iter().collect();
                }
            }
            Frame::Malformed(bad) => {
                outcome.state.note_malformed(bad, options.now);
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
                outcome.state.apply(msg, options.now);
                outcome.applied += 1;
                // Outside a resync (most of a replay) no list can complete.
                if self.resyncing.is_empty() {
                    return true;
                }
                let completed = msg.get_bytes("Event").and_then(ListKind::completed_by_name);
                if let Some(kind) = completed.filter(|k| self.resyncing.remove(k)) {
                    outcome.state.sweep(kind);
                }
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

    /// `calls` calls after one banner; every third stays up.
    fn many_calls(calls: usize) -> Vec<u8> {
        let mut stream = BANNER.to_vec();
        for i in 0..calls {
            let id = format!("100.{i}");
            let mut call = [UP, HANGUP].concat();
            if i % 3 == 0 {
                call = UP.to_vec();
            }
            let text = String::from_utf8(call).unwrap().replace("100.1", &id);
            stream.extend_from_slice(text.as_bytes());
        }
        stream
    }

    /// A reader that hands out at most `step` bytes per read, then fails
    /// if `fail_at_end`.
    struct Trickle {
        bytes: Vec<u8>,
        at: usize,
        step: usize,
        fail_at_end: bool,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.at == self.bytes.len() && self.fail_at_end {
                return Err(io::Error::other("disk gone"));
            }
            let n = self.step.min(buf.len()).min(self.bytes.len() - self.at);
            buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    fn trickle(bytes: Vec<u8>, fail_at_end: bool) -> Trickle {
        Trickle {
            bytes,
            at: 0,
            step: 4093,
            fail_at_end,
        }
    }

    fn channel_ids(state: &State) -> Vec<String> {
        let mut ids: Vec<String> = state.channels.iter().map(|c| c.uniqueid.clone()).collect();
        ids.sort();
        ids
    }

    #[test]
    fn a_threaded_replay_leaves_the_same_state_as_one_in_memory() {
        // Thousands of frames: many batches, and a stream longer than a
        // read chunk, so messages straddle chunk ends.
        // More than four queues' worth, so the decoder fills the queue and
        // sleeps, again and again; one `--until` stops the model while the
        // decoder waits on a full queue.
        const CALLS: usize = 20_000;
        let stream = many_calls(CALLS);
        assert!(stream.len() > READ_CHUNK && CALLS * 2 > BATCH * BATCHES_AHEAD * 4);
        let past_a_full_queue = (BATCH * BATCHES_AHEAD * 2) as u64 + 5;
        for until in [None, Some(BATCH as u64 * 7 + 5), Some(past_a_full_queue)] {
            let options = ReplayOptions {
                until,
                ..ReplayOptions::default()
            };
            let in_memory = replay(&stream, options);
            let threaded = replay_from(trickle(stream.clone(), false), options).unwrap();
            assert_eq!(threaded.messages, in_memory.messages);
            assert_eq!(threaded.applied, in_memory.applied);
            assert_eq!(channel_ids(&threaded.state), channel_ids(&in_memory.state));
        }
        let whole = replay(&stream, ReplayOptions::default());
        assert_eq!(whole.messages as usize, CALLS * 3 - CALLS.div_ceil(3));
        assert_eq!(whole.state.channels.len(), CALLS.div_ceil(3));
    }

    /// A reader that panics, as a decoder bug would.
    struct Exploding;

    impl Read for Exploding {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            panic!("decoder bug");
        }
    }

    #[test]
    #[should_panic(expected = "decoder bug")]
    fn a_panic_on_the_decoding_thread_is_raised_on_the_callers() {
        let _ = replay_from(Exploding, ReplayOptions::default());
    }

    #[test]
    fn a_read_error_ends_the_replay_with_that_error() {
        let err = replay_from(trickle(many_calls(50), true), ReplayOptions::default())
            .expect_err("the reader failed");
        assert_eq!(err.to_string(), "disk gone");
    }
}
