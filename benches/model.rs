//! Codec + model throughput on a large, busy, real-shaped stream.
//!
//! The corpus: `c2_concurrent.ami` and the third-party call streams, each
//! message re-labelled per copy (every Uniqueid, Linkedid, channel name and
//! bridge id gets a `c<N>-` prefix) and the copies interleaved message by
//! message, so hundreds of calls are live at once, until about 100 MB.
//!
//! `cargo bench --bench model` reports bytes/s and messages/s. For a
//! repeatable instruction count, run the bench binary under callgrind with
//! `AMITOP_MODEL_ONCE=<MB>`: it replays a corpus of that size once and exits.
//! Counting only the replay (not the corpus building):
//!
//! ```text
//! cargo bench --bench model --no-run
//! AMITOP_MODEL_ONCE=20 valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!     --toggle-collect='amitop::model::replay::replay' target/release/deps/model-<hash>
//! callgrind_annotate /tmp/cg.out
//! ```
//!
//! `AMITOP_MODEL_CORPUS=FILE` writes the full-size corpus (the same bytes
//! every time) to FILE and exits, for timing the whole `amitop replay`
//! process on it:
//!
//! ```text
//! AMITOP_MODEL_CORPUS=/tmp/corpus.ami cargo bench --bench model
//! /usr/bin/time -v target/release/amitop replay /tmp/corpus.ami --json > /dev/null
//! ```

use std::fs;
use std::hint::black_box;
use std::path::Path;

use amitop::ami::{AmiCodec, Frame, Message};
use amitop::model::{ReplayOptions, replay};
use bytes::BytesMut;
use criterion::{Criterion, Throughput, criterion_group};
use tokio_util::codec::Decoder;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ami");
const SOURCES: &[&str] = &[
    "c2_concurrent.ami",
    "third-party/ami1-asterisk11",
    "third-party/ami2-asterisk13",
];
const TARGET_BYTES: usize = 100 * 1024 * 1024;
/// Copies interleaved at once: each carries a few live calls.
const LANES: usize = 128;

/// The messages of every source stream, in order, banners dropped.
fn source_messages() -> Vec<Message> {
    let mut files = Vec::new();
    for source in SOURCES {
        let path = Path::new(FIXTURES).join(source);
        if path.is_dir() {
            let mut dir: Vec<_> = fs::read_dir(&path)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "ami"))
                .collect();
            dir.sort();
            files.extend(dir);
        } else {
            files.push(path);
        }
    }
    let mut messages = Vec::new();
    for file in files {
        let mut codec = AmiCodec::default();
        let mut buf = BytesMut::from(&fs::read(file).unwrap()[..]);
        while let Ok(Some(frame)) = codec.decode_eof(&mut buf) {
            if let Frame::Message(m) = frame {
                messages.push(m);
            }
        }
    }
    messages
}

/// Headers whose values identify a channel, call or bridge.
fn is_identity(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.contains("uniqueid")
        || key.contains("linkedid")
        || key.ends_with("channel")
        || key == "bridgeid"
        || matches!(
            key.as_str(),
            "channel1" | "channel2" | "destination" | "newname" | "oldname" | "original" | "clone"
        )
}

/// One message re-labelled for copy `lane`, written as on the wire.
fn relabel(msg: &Message, lane: usize, out: &mut Vec<u8>) {
    for (key, value) in msg.headers() {
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b": ");
        if !value.is_empty() && is_identity(&key) {
            out.extend_from_slice(format!("c{lane}-").as_bytes());
        }
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
}

/// About `target` bytes of interleaved copies; returns the bytes and the
/// number of messages in them.
fn corpus(target: usize) -> (Vec<u8>, u64) {
    let source = source_messages();
    let mut out = b"Asterisk Call Manager/11.0.0\r\n".to_vec();
    let mut count = 0;
    let mut round = 0;
    while out.len() < target {
        let lanes = round * LANES..(round + 1) * LANES;
        for msg in &source {
            if out.len() >= target {
                break;
            }
            for lane in lanes.clone() {
                relabel(msg, lane, &mut out);
                count += 1;
            }
        }
        round += 1;
    }
    (out, count)
}

fn bench_model(c: &mut Criterion) {
    let (bytes, messages) = corpus(TARGET_BYTES);
    let mut group = c.benchmark_group("codec+model");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("bytes", |b| {
        b.iter(|| black_box(replay(black_box(&bytes), ReplayOptions::default())))
    });
    group.throughput(Throughput::Elements(messages));
    group.bench_function("messages", |b| {
        b.iter(|| black_box(replay(black_box(&bytes), ReplayOptions::default())))
    });
    group.finish();
}

criterion_group!(benches, bench_model);

fn main() {
    if let Ok(file) = std::env::var("AMITOP_MODEL_CORPUS") {
        let (bytes, messages) = corpus(TARGET_BYTES);
        fs::write(&file, &bytes).unwrap();
        println!("{file}: {} bytes, {messages} messages", bytes.len());
        return;
    }
    if let Ok(megabytes) = std::env::var("AMITOP_MODEL_ONCE") {
        let megabytes: usize = megabytes.parse().unwrap_or(4);
        let (bytes, messages) = corpus(megabytes * 1024 * 1024);
        let outcome = replay(&bytes, ReplayOptions::default());
        println!(
            "{} bytes, {messages} messages, {} applied, {} channels left",
            bytes.len(),
            outcome.applied,
            outcome.state.channels.len()
        );
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
