//! Property tests of the decoder: no input may panic it, one bad frame must
//! not cost the next good message, and how bytes are split across reads
//! must not change what comes out. Inputs are plain arbitrary bytes, text
//! made of AMI's own tokens, and mutations of the real captures.

use std::ops::Range;
use std::sync::OnceLock;

use crate::support::{ami_files, decode_chunked, decode_unsplit, decode_whole, read_capture};
use amitop::ami::{Frame, Limits, MalformedReason};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::RngSeed;

/// A fixed seed keeps the suite deterministic; change it to explore other
/// cases. Failures are reported with their shrunk input, not saved to disk.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        rng_seed: RngSeed::Fixed(0x414d_4920_636f_6463),
        ..crate::support::prop_config(cases)
    }
}

/// Small bounds, so oversize lines and messages are cheap to produce.
const SMALL: Limits = Limits {
    max_line: 64,
    max_message: 512,
};

/// Every capture, read once.
fn captures() -> &'static [Vec<u8>] {
    static CAPTURES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    CAPTURES.get_or_init(|| ami_files().iter().map(|f| read_capture(f)).collect())
}

/// Real messages, as raw bytes, that can sit around a bad frame: within
/// [`SMALL`], CRLF-terminated, and not `Follows` replies (whose body would run
/// on into whatever follows a cut).
fn real_messages() -> &'static [Vec<u8>] {
    static MESSAGES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    MESSAGES.get_or_init(|| {
        captures()
            .iter()
            .flat_map(|c| decode_whole(c))
            .filter_map(|f| match f {
                Frame::Message(m)
                    if fits(m.raw(), SMALL)
                        && m.raw().ends_with(b"\r\n\r\n")
                        && !m.is("Response", "Follows") =>
                {
                    Some(m.raw().to_vec())
                }
                _ => None,
            })
            .collect()
    })
}

fn fits(raw: &[u8], limits: Limits) -> bool {
    raw.len() <= limits.max_message
        && raw
            .split(|&b| b == b'\n')
            .all(|l| l.len() <= limits.max_line)
}

/// Cuts `len` bytes at the given points (any order, duplicates allowed).
fn split_at(len: usize, cuts: &[Index]) -> Vec<Range<usize>> {
    let mut points: Vec<usize> = cuts.iter().map(|i| i.index(len + 1)).collect();
    points.extend([0, len]);
    points.sort_unstable();
    points.dedup();
    points.windows(2).map(|w| w[0]..w[1]).collect()
}

/// Bytes biased towards what the decoder branches on.
fn ami_like_bytes() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        any::<u8>().prop_map(|b| vec![b]),
        select(vec![
            &b"\r\n"[..],
            b"\n",
            b"\r",
            b": ",
            b":",
            b"Event: X",
            b"Response: Follows\r\n",
            b"Privilege: Command\r\n",
            b"--END COMMAND--",
            b"Asterisk Call Manager/",
            b"1.1",
            b"\xe9\xff",
        ])
        .prop_map(<[u8]>::to_vec),
        "[A-Za-z ]{0,80}".prop_map(String::into_bytes),
    ];
    prop::collection::vec(token, 0..64).prop_map(|t| t.concat())
}

fn limits() -> impl Strategy<Value = Limits> {
    prop_oneof![Just(SMALL), Just(Limits::default())]
}

/// One edit of a capture; positions are taken modulo its current length.
#[derive(Clone, Debug)]
enum Mutation {
    /// XOR one byte with a non-zero mask.
    Flip { at: Index, mask: u8 },
    /// Remove up to `len` bytes.
    Cut { from: Index, len: usize },
    /// Insert up to `len` bytes of another capture.
    Splice {
        other: Index,
        from: Index,
        len: usize,
        at: Index,
    },
    /// Insert `times` more copies of a range right after it.
    Repeat {
        from: Index,
        len: usize,
        times: usize,
    },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let flip = (any::<Index>(), 1..=255u8).prop_map(|(at, mask)| Mutation::Flip { at, mask });
    let cut = (any::<Index>(), 0..4096usize).prop_map(|(from, len)| Mutation::Cut { from, len });
    let splice = (any::<Index>(), any::<Index>(), 0..8192usize, any::<Index>()).prop_map(
        |(other, from, len, at)| Mutation::Splice {
            other,
            from,
            len,
            at,
        },
    );
    let repeat = (any::<Index>(), 0..512usize, 1..8usize)
        .prop_map(|(from, len, times)| Mutation::Repeat { from, len, times });
    prop_oneof![flip, cut, splice, repeat]
}

fn mutate(data: &mut Vec<u8>, m: &Mutation) {
    let range = |from: &Index, len: usize, data: &[u8]| {
        let start = from.index(data.len() + 1);
        start..(start + len).min(data.len())
    };
    match m {
        Mutation::Flip { at, mask } if !data.is_empty() => {
            let i = at.index(data.len());
            data[i] ^= *mask;
        }
        Mutation::Flip { .. } => {}
        Mutation::Cut { from, len } => {
            let r = range(from, *len, data);
            data.drain(r);
        }
        Mutation::Splice {
            other,
            from,
            len,
            at,
        } => {
            let source = &captures()[other.index(captures().len())];
            let piece = source[range(from, *len, source)].to_vec();
            let at = at.index(data.len() + 1);
            data.splice(at..at, piece);
        }
        Mutation::Repeat { from, len, times } => {
            let r = range(from, *len, data);
            let piece = data[r.clone()].repeat(*times);
            data.splice(r.end..r.end, piece);
        }
    }
}

proptest! {
    #![proptest_config(config(1024))]

    /// Any bytes, split anyhow, with either limits: no panic, no error, and
    /// the same frames as when they arrive in one piece.
    #[test]
    fn arbitrary_bytes_decode_the_same_however_split(
        data in prop_oneof![prop::collection::vec(any::<u8>(), 0..1024), ami_like_bytes()],
        cuts in prop::collection::vec(any::<Index>(), 0..16),
        limits in limits(),
    ) {
        let whole = decode_unsplit(&data, limits);
        let split = decode_chunked(&data, split_at(data.len(), &cuts), limits);
        prop_assert_eq!(split, whole);
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// Real captures with bytes flipped, ranges cut or repeated, and pieces
    /// of other captures spliced in: no panic, and chunking still changes
    /// nothing.
    #[test]
    fn mutated_captures_never_panic(
        which in any::<Index>(),
        mutations in prop::collection::vec(mutation(), 1..6),
        cuts in prop::collection::vec(any::<Index>(), 0..32),
        limits in limits(),
    ) {
        let mut data = captures()[which.index(captures().len())].clone();
        for m in &mutations {
            mutate(&mut data, m);
        }
        let whole = decode_unsplit(&data, limits);
        let split = decode_chunked(&data, split_at(data.len(), &cuts), limits);
        prop_assert_eq!(split, whole);
    }

    /// Random splits of the unmodified captures give exactly the frames of
    /// the whole file.
    #[test]
    fn real_captures_decode_the_same_however_split(
        which in any::<Index>(),
        cuts in prop::collection::vec(any::<Index>(), 1..64),
    ) {
        let data = &captures()[which.index(captures().len())];
        let split = decode_chunked(data, split_at(data.len(), &cuts), Limits::default());
        prop_assert!(split == decode_whole(data));
    }
}

#[test]
fn enough_real_messages_fit_the_small_limits() {
    assert!(real_messages().len() > 500, "{}", real_messages().len());
}

/// A frame the decoder must reject, and the reason it must give.
fn malformed_frame() -> impl Strategy<Value = (Vec<u8>, MalformedReason)> {
    let text_line = "[A-Za-z0-9 ,.()-]{1,40}";
    prop_oneof![
        // One header line longer than the limit, inside an otherwise fine message.
        (SMALL.max_line + 1..SMALL.max_line * 4, "[^\r\n]").prop_map(|(n, fill)| {
            let mut bytes = b"Event: Big\r\nData: ".to_vec();
            bytes.extend(fill.as_bytes().repeat(n));
            bytes.extend_from_slice(b"\r\nMore: 1\r\n\r\n");
            (bytes, MalformedReason::LineTooLong)
        }),
        // Short lines, too many of them.
        (SMALL.max_message / 10..SMALL.max_message)
            .prop_map(|n| {
                let mut bytes = b"Event: Many\r\n".to_vec();
                for i in 0..n {
                    bytes.extend_from_slice(format!("Variable: v{i}=1\r\n").as_bytes());
                }
                bytes.extend_from_slice(b"\r\n");
                (bytes, MalformedReason::MessageTooLarge)
            })
            .prop_filter("over the bound", |(b, _)| b.len() > SMALL.max_message),
        // Text with no `Key: Value` line (old `Queues` output looks like this).
        prop::collection::vec(text_line, 1..6).prop_map(|lines| {
            let bytes = format!("{}\r\n\r\n", lines.join("\r\n")).into_bytes();
            (bytes, MalformedReason::NoHeaders)
        }),
    ]
}

proptest! {
    #![proptest_config(config(256))]

    /// Good message, bad frame, good message: both good ones come out
    /// intact around one `Malformed` with the right reason, however split.
    #[test]
    fn next_good_message_parses_after_a_malformed_frame(
        (bad, reason) in malformed_frame(),
        before in any::<Index>(),
        after in any::<Index>(),
        cuts in prop::collection::vec(any::<Index>(), 0..8),
    ) {
        let messages = real_messages();
        let before = &messages[before.index(messages.len())];
        let after = &messages[after.index(messages.len())];
        let data = [&before[..], &bad, after].concat();
        let frames = decode_chunked(&data, split_at(data.len(), &cuts), SMALL);
        prop_assert_eq!(frames.len(), 3, "{:?}", frames);
        prop_assert!(matches!(&frames[0], Frame::Message(m) if m.raw() == &before[..]));
        prop_assert!(matches!(&frames[1], Frame::Malformed(m) if m.reason == reason), "{:?}", frames[1]);
        prop_assert!(matches!(&frames[2], Frame::Message(m) if m.raw() == &after[..]));
    }
}
