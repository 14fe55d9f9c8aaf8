//! What the integration tests share, each thing once: where the real AMI
//! captures live and how their bytes are decoded (the whole stream, or in
//! the recorded arrival chunks), hand-written messages, and one module per
//! kind of harness:
//!
//! - [`session`]: a scripted AMI server peer and a session logged in to it
//!   or to the test PBX;
//! - [`sim`]: a raw AMI client of the test PBX and capture comparisons;
//! - [`ui`]: the fixed PBX of the dashboard tests and the app drawn as text;
//! - [`tmux`]: the built binary in a real terminal;
//! - [`fuzz`]: the fuzz targets' checks (also compiled by `fuzz/`);
//! - [`queue_figures`]: a queue list item against the model.

pub mod fuzz;
pub mod queue_figures;
pub mod session;
pub mod sim;
pub mod tmux;
pub mod ui;

use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use amitop::ami::{AmiCodec, Frame, Limits, Message};
use bytes::BytesMut;
use tokio_util::codec::Decoder;

/// The copy of the captures inside the repository.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ami")
}

/// Every `.ami` file under the fixtures, as paths relative to
/// [`fixtures_dir`] with `/` separators, sorted.
pub fn ami_files() -> Vec<String> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|ext| ext == "ami") {
                let rel = path.strip_prefix(root).expect("under the root");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let root = fixtures_dir();
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out.sort();
    out
}

/// The bytes of one capture, by its relative name.
pub fn read_capture(name: &str) -> Vec<u8> {
    let path = fixtures_dir().join(name);
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `recv` rows of the `.timing.tsv` beside a capture, as byte ranges of
/// the `.ami` file in arrival order; `None` when the capture has no timing
/// file (the converted third-party streams).
pub fn recv_chunks(name: &str) -> Option<Vec<Range<usize>>> {
    let timed = timed_recv_chunks(name)?;
    Some(timed.into_iter().map(|(_, chunk)| chunk).collect())
}

/// As [`recv_chunks`], each range with the epoch time its bytes arrived.
pub fn timed_recv_chunks(name: &str) -> Option<Vec<(f64, Range<usize>)>> {
    let stem = name.strip_suffix(".ami").expect("an .ami name");
    let path = fixtures_dir().join(format!("{stem}.timing.tsv"));
    let text = fs::read_to_string(&path).ok()?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header row").split('\t').collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("{}: no {name} column", path.display()))
    };
    let (epoch, dir, offset, length) = (
        column("t_epoch"),
        column("dir"),
        column("offset"),
        column("length"),
    );
    let chunks = lines
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .filter(|row| row[dir] == "recv")
        .map(|row| {
            let at: f64 = row[epoch].parse().expect("a numeric epoch");
            let start: usize = row[offset].parse().expect("a numeric offset");
            let len: usize = row[length].parse().expect("a numeric length");
            (at, start..start + len)
        })
        .collect();
    Some(chunks)
}

/// Byte ranges cutting `len` bytes into pieces of `size` (the last may be
/// shorter).
pub fn fixed_chunks(len: usize, size: usize) -> Vec<Range<usize>> {
    (0..len)
        .step_by(size)
        .map(|start| start..(start + size).min(len))
        .collect()
}

/// The messages of a capture, numbered from 1 after the banner as `amitop
/// replay` numbers them, each with the epoch time its bytes arrived (from
/// the `.timing.tsv` beside it).
pub fn timed_messages(name: &str) -> Vec<(f64, Message)> {
    let data = read_capture(name);
    let mut codec = AmiCodec::default();
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    for (epoch, chunk) in timed_recv_chunks(name).expect("a timing file") {
        buf.extend_from_slice(&data[chunk]);
        while let Some(frame) = codec.decode(&mut buf).unwrap() {
            if let Frame::Message(m) = frame {
                out.push((epoch, m));
            }
        }
    }
    assert!(buf.is_empty(), "{name}: bytes left after the last chunk");
    out
}

/// Feeds `data` to a fresh decoder piece by piece, draining every frame
/// after each piece, then ends the stream as `FramedRead` does at EOF.
pub fn decode_chunked(
    data: &[u8],
    chunks: impl IntoIterator<Item = Range<usize>>,
    limits: Limits,
) -> Vec<Frame> {
    let mut codec = AmiCodec::new(limits);
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    for chunk in chunks {
        buf.extend_from_slice(&data[chunk]);
        while let Some(frame) = codec.decode(&mut buf).expect("decode never errs") {
            frames.push(frame);
        }
    }
    while let Some(frame) = codec.decode_eof(&mut buf).expect("decode_eof never errs") {
        frames.push(frame);
    }
    frames
}

/// Decodes `data` arriving in one piece.
pub fn decode_unsplit(data: &[u8], limits: Limits) -> Vec<Frame> {
    decode_chunked(data, std::iter::once(0..data.len()), limits)
}

/// Decodes `data` arriving in one piece, with the default limits.
pub fn decode_whole(data: &[u8]) -> Vec<Frame> {
    decode_unsplit(data, Limits::default())
}

/// The messages among decoded frames (banners and malformed frames left out).
pub fn messages(frames: &[Frame]) -> Vec<&Message> {
    frames
        .iter()
        .filter_map(|frame| match frame {
            Frame::Message(m) => Some(m),
            _ => None,
        })
        .collect()
}

/// The messages in `data`, decoded in one piece.
pub fn decode_messages(data: &[u8]) -> Vec<Message> {
    messages(&decode_whole(data)).into_iter().cloned().collect()
}

/// Every message of a capture, decoded in one piece.
pub fn capture_messages(name: &str) -> Vec<Message> {
    decode_messages(&read_capture(name))
}

/// A hand-written message from its header pairs, in order.
pub fn msg(pairs: &[(&str, &str)]) -> Message {
    Message::from_pairs(pairs.iter().copied())
}

/// A property test's configuration: `cases` runs, and no failure files
/// written into the tree.
pub fn prop_config(cases: u32) -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}

/// The channels the model's property tests draw events about (few, so
/// that events meet: two phones and both halves of a Local channel), and
/// their uniqueids by the same index.
pub const PROP_CHANNELS: &[&str] = &["SIP/a-1", "SIP/b-2", "Local/x@t-1;1", "Local/x@t-1;2"];
pub const PROP_UNIQUEIDS: &[&str] = &["1.1", "1.2", "1.3", "1.4"];

/// Every parked call and conference member is a live channel, and no
/// channel waits in two spaces or sits in two rooms.
pub fn assert_parking_and_rooms_consistent(state: &amitop::model::State, at: &str) {
    let mut parked = Vec::new();
    for call in state.parking.calls.values() {
        let id = &call.parkee;
        assert!(
            state.channels.get(id).is_some(),
            "{at}: parked {id} is no live channel"
        );
        assert!(!parked.contains(&id), "{at}: {id} parked twice");
        parked.push(id);
    }
    let mut members = Vec::new();
    for room in state.conferences.rooms.values() {
        for id in room.members.keys() {
            let name = &room.name;
            assert!(
                state.channels.get(id).is_some(),
                "{at}: member {id} of {name} is no live channel"
            );
            assert!(!members.contains(&id), "{at}: {id} in two rooms");
            members.push(id);
        }
    }
}
