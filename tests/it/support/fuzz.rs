//! The checks the fuzz targets run (`fuzz/`), shared with the regression
//! suite (`tests/it/fuzz_regressions.rs`) that replays every input a fuzzer
//! ever crashed on, so a fixed crash stays fixed.

use amitop::ami::{AmiCodec, Frame, Limits, Reply};
use amitop::cli::render_state::{render_json, render_text};
use amitop::model::{ListKind, State};
use amitop::resync::{self, Offered, ResyncUpdate};
use bytes::BytesMut;
use tokio_util::codec::Decoder;

/// Small bounds, so the fuzzer reaches the oversize paths too.
const LIMITS: Limits = Limits {
    max_line: 512,
    max_message: 4096,
};

/// Every frame in `data`, fed to the decoder in pieces of `chunk` bytes
/// (all at once for 0), the end of the stream included.
fn frames(data: &[u8], chunk: usize) -> Vec<Frame> {
    let mut codec = AmiCodec::new(LIMITS);
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    if chunk > 0 {
        for piece in data.chunks(chunk) {
            buf.extend_from_slice(piece);
            while let Some(frame) = codec.decode(&mut buf).expect("in-memory decode") {
                out.push(frame);
            }
        }
    } else {
        buf.extend_from_slice(data);
    }
    while let Some(frame) = codec.decode_eof(&mut buf).expect("in-memory decode") {
        out.push(frame);
    }
    out
}

/// The codec never panics, and splits the stream the same way whether the
/// bytes come at once, byte by byte, or in pieces of the size the first
/// byte picks.
pub fn codec(data: &[u8]) {
    let whole = frames(data, 0);
    let chunk = usize::from(data.first().copied().unwrap_or(1)).max(1);
    assert_eq!(whole, frames(data, chunk), "chunks of {chunk}");
    assert_eq!(whole, frames(data, 1), "byte by byte");
    for frame in &whole {
        if let Frame::Message(message) = frame {
            // Reading every part of a message must not panic either.
            let _ = message.output_lines();
            let _ = message.headers().count();
            assert!(!message.raw().is_empty());
        }
    }
}

/// The bytes as a dashboard takes them: the first response is read as the
/// server's `ListCommands` answer and picks the resync's lists; a banner
/// starts a resync, every response and event goes through the resync's
/// update path or the live path, and each end of a list sweeps its kind.
/// Then the state is rendered both ways.
pub fn model_resync(data: &[u8]) {
    let mut state = State::with_log_capacity(64);
    let mut offered: Option<Offered> = None;
    for (n, frame) in frames(data, 0).into_iter().enumerate() {
        let now = n as f64;
        match frame {
            Frame::Banner(banner) => {
                state.apply_banner(&banner);
                state.begin_resync();
            }
            Frame::Malformed(bad) => state.note_malformed(&bad, now),
            Frame::Message(message) if message.has("Response") && offered.is_none() => {
                let reply = Reply {
                    response: message,
                    events: Vec::new(),
                };
                let list = Offered::from_list_commands(&reply);
                for action in ["CoreShowChannels", "Status", "SIPpeers", "QueueStatus"] {
                    let _ = list.verdict(action);
                }
                offered = Some(list);
            }
            Frame::Message(message) if message.has("Event") && n % 2 == 0 => {
                state.apply(&message, now);
            }
            Frame::Message(message) => {
                let completed = message.event().and_then(|e| ListKind::completed_by(&e));
                let reply = Reply {
                    response: message,
                    events: Vec::new(),
                };
                resync::apply_update(&mut state, &ResyncUpdate::Reply(reply), now);
                if let Some(kind) = completed {
                    resync::apply_update(&mut state, &ResyncUpdate::Sweep(kind), now);
                }
            }
        }
    }
    let _ = render_json(&state);
    let _ = render_text(&state);
}
