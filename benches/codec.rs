//! Decoder throughput on real traffic, in MB/s and messages/s.
//!
//! Inputs: `c2_concurrent.ami` (seven concurrent calls on Asterisk 22, 205 KB)
//! and a ~100 MB "busy day" built from it in memory: the capture's body
//! repeated with its ids rewritten per copy (Uniqueid/Linkedid and other
//! epoch stamps, Local and IAX2 channel suffixes, bridge UUIDs, ActionIDs),
//! so no two copies carry the same calls.
//!
//! Each input is decoded three ways: framing only; framing plus the lookups
//! every consumer does (`Event`, `Uniqueid`); framing plus a walk over every
//! header (what `amitop tail --json` does). Bytes are fed in 64 KiB reads,
//! as a socket would deliver them.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use amitop::ami::{AmiCodec, Frame, Message};
use bytes::BytesMut;
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use tokio_util::codec::Decoder;

const READ_SIZE: usize = 64 * 1024;
const DAY_SIZE: usize = 100 * 1024 * 1024;

/// What the benchmark does with each decoded message.
#[derive(Clone, Copy)]
enum Use {
    FramesOnly,
    EventAndUniqueid,
    EveryHeader,
}

impl Use {
    const ALL: [Use; 3] = [Use::FramesOnly, Use::EventAndUniqueid, Use::EveryHeader];

    fn name(self) -> &'static str {
        match self {
            Use::FramesOnly => "frames",
            Use::EventAndUniqueid => "event+uniqueid",
            Use::EveryHeader => "every header",
        }
    }

    /// A number depending on what was read, so nothing is optimised away.
    fn touch(self, m: &Message) -> usize {
        match self {
            Use::FramesOnly => m.len(),
            Use::EventAndUniqueid => {
                let event = m.event().map_or(0, |e| e.len());
                let id = m.get_any(&["Uniqueid", "UniqueID"]).map_or(0, |u| u.len());
                event + id
            }
            Use::EveryHeader => m.headers().map(|(k, v)| k.len() + v.len()).sum(),
        }
    }
}

/// Decodes `data` in socket-sized reads; returns (messages, checksum).
fn decode(data: &[u8], usage: Use) -> (usize, usize) {
    let mut codec = AmiCodec::default();
    let mut buf = BytesMut::with_capacity(2 * READ_SIZE);
    let (mut messages, mut checksum) = (0, 0);
    for read in data.chunks(READ_SIZE) {
        buf.extend_from_slice(read);
        while let Some(frame) = codec.decode(&mut buf).expect("decode never errs") {
            if let Frame::Message(m) = frame {
                messages += 1;
                checksum += usage.touch(&m);
            }
        }
    }
    (messages, checksum)
}

/// Adds `delta` to the number in `digits` (ASCII, decimal or hex), keeping
/// its width so the line layout stays realistic.
fn shift_number(digits: &[u8], delta: u64, radix: u32, out: &mut Vec<u8>) {
    let text = std::str::from_utf8(digits).expect("ASCII digits");
    let value = u64::from_str_radix(text, radix).expect("a number") + delta;
    let width = digits.len();
    let shifted = match radix {
        16 => format!("{value:0width$x}"),
        _ => format!("{value:0width$}"),
    };
    out.extend_from_slice(shifted.as_bytes());
}

fn run_len(data: &[u8], pred: impl Fn(u8) -> bool) -> usize {
    data.iter().take_while(|&&b| pred(b)).count()
}

/// One copy of the capture body with its ids made unique to copy `n`.
fn rewrite_copy(body: &[u8], n: u64, out: &mut Vec<u8>) {
    let mut i = 0;
    while i < body.len() {
        let rest = &body[i..];
        let prev = i.checked_sub(1).map(|p| body[p]);
        let digits = run_len(rest, |b| b.is_ascii_digit());
        let hex = run_len(rest, |b| b.is_ascii_hexdigit());
        let starts_token = !prev.is_some_and(|p| p.is_ascii_alphanumeric());
        if starts_token && digits == 10 && rest.get(10) == Some(&b'.') {
            // Uniqueid, Linkedid, Timestamp: epoch seconds; copies 15 s apart.
            shift_number(&rest[..10], n * 15, 10, out);
            i += 10;
        } else if prev == Some(b'-') && hex == 8 {
            // Local channel suffix `Local/200@test-00000002`.
            shift_number(&rest[..8], n * 0x10, 16, out);
            i += 8;
        } else if starts_token && hex == 8 && rest.get(8) == Some(&b'-') && rest.len() > 36 {
            // Bridge UUID: its first group names the copy.
            shift_number(&rest[..8], n, 16, out);
            i += 8;
        } else if prev == Some(b'-') && digits > 0 && body[..i].ends_with(b"IAX2/selfreg-") {
            // IAX2 call number.
            shift_number(&rest[..digits], n, 10, out);
            i += digits;
        } else if let Some(after) = rest.strip_prefix(b"ActionID: c2-".as_slice()) {
            out.extend_from_slice(format!("ActionID: c2-{n}-").as_bytes());
            i += rest.len() - after.len();
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
}

/// The banner once, then rewritten copies of the body up to `size` bytes.
fn busy_day(capture: &[u8], size: usize) -> Vec<u8> {
    let banner_end = capture.iter().position(|&b| b == b'\n').expect("a banner") + 1;
    let (banner, body) = capture.split_at(banner_end);
    let mut out = Vec::with_capacity(size + 2 * body.len());
    out.extend_from_slice(banner);
    let mut n = 0;
    while out.len() < size {
        rewrite_copy(body, n, &mut out);
        n += 1;
    }
    out
}

fn bench_input(
    c: &mut Criterion,
    name: &str,
    data: &[u8],
    configure: fn(&mut BenchmarkGroup<WallTime>),
) {
    let (messages, _) = decode(data, Use::FramesOnly);
    let throughputs = [
        ("MB/s", Throughput::Bytes(data.len() as u64)),
        ("messages/s", Throughput::Elements(messages as u64)),
    ];
    for (unit, throughput) in throughputs {
        let mut group = c.benchmark_group(format!("{name} ({messages} messages) {unit}"));
        configure(&mut group);
        group.throughput(throughput);
        for usage in Use::ALL {
            group.bench_function(usage.name(), |b| b.iter(|| decode(black_box(data), usage)));
        }
        group.finish();
    }
}

fn codec_benches(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ami/c2_concurrent.ami");
    let capture = std::fs::read(&path).expect("the c2_concurrent capture");
    bench_input(c, "c2_concurrent", &capture, |_| {});

    let day = busy_day(&capture, DAY_SIZE);
    bench_input(c, "busy day 100MB", &day, |group| {
        group
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(5));
    });
}

criterion_group!(benches, codec_benches);
criterion_main!(benches);
