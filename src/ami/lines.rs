//! Finding the end and the first colon of each line of a read buffer.
//!
//! Why it exists: a header line is about 25 bytes, so searching each one
//! separately for its `\n` and then its `:` costs more in call and loop
//! overhead than in bytes looked at. Instead, 64 bytes at a time are
//! classified at once into two bitmasks (where the newlines are, where the
//! colons are), and every line that ends inside those 64 bytes is then found
//! with a couple of bit operations. The same pass notes the bytes that are
//! not ASCII, so a message known to be all ASCII is text without a second
//! look at its bytes.

use memchr::memchr;

/// Bytes classified at once: one bit each in a `u64`.
const BLOCK: usize = 64;

/// One line of the buffer, by absolute offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Line {
    /// Offset of the line's `\n`.
    pub newline: usize,
    /// Offset of the line's first `:`, if it has one.
    pub colon: Option<usize>,
    /// Every byte of the line is ASCII.
    pub ascii: bool,
}

/// Finds lines in one buffer. The masks of the last block are kept between
/// calls, so the buffer must not change while a finder is in use.
#[derive(Default)]
pub(super) struct LineFinder {
    /// Offset of the classified block.
    base: usize,
    /// Bit `i`: byte `base + i` is a `\n` (no bits: none, or nothing
    /// classified yet).
    newlines: u64,
    /// Bit `i`: byte `base + i` is a `:`.
    colons: u64,
    /// Bit `i`: byte `base + i` is not ASCII.
    high: u64,
}

impl LineFinder {
    /// The line starting at `start`, or `None` while its `\n` has not arrived.
    #[inline(always)]
    pub fn line_at(&mut self, src: &[u8], start: usize) -> Option<Line> {
        let mut offset = start.wrapping_sub(self.base);
        // The newlines from `start` on, as bits from bit 0.
        let mut ahead = if offset < BLOCK {
            self.newlines >> offset
        } else {
            0
        };
        if ahead == 0 {
            if !self.classify_at(src, start) {
                return line_by_search(src, start);
            }
            if self.newlines == 0 {
                return self.long_line(src, start);
            }
            (offset, ahead) = (0, self.newlines);
        }
        // The bits before the line's newline: below the lowest set bit.
        let before_newline = (ahead & ahead.wrapping_neg()) - 1;
        let colons = (self.colons >> offset) & before_newline;
        Some(Line {
            newline: start + ahead.trailing_zeros() as usize,
            colon: (colons != 0).then(|| start + colons.trailing_zeros() as usize),
            ascii: (self.high >> offset) & before_newline == 0,
        })
    }

    /// Classifies the 64 bytes from `start`. False when fewer remain: the
    /// caller then searches byte by byte.
    #[inline(never)]
    fn classify_at(&mut self, src: &[u8], start: usize) -> bool {
        let Some(block) = src
            .get(start..)
            .and_then(|rest| rest.first_chunk::<BLOCK>())
        else {
            return false;
        };
        (self.newlines, self.colons, self.high) = classify(block);
        self.base = start;
        true
    }

    /// The line at `start`, which is classified and has no `\n` in its
    /// first block: the blocks after it are classified until one has, so
    /// the lines after it are found in that block. Cheaper than a search,
    /// which looks at a long line three times (newline, colon, ASCII).
    #[cold]
    fn long_line(&mut self, src: &[u8], start: usize) -> Option<Line> {
        let mut colon = (self.colons != 0).then(|| start + self.colons.trailing_zeros() as usize);
        let mut ascii = self.high == 0;
        let mut next = start + BLOCK;
        while self.classify_at(src, next) {
            let in_line = match self.newlines {
                0 => u64::MAX,
                newlines => (newlines & newlines.wrapping_neg()) - 1,
            };
            let colons = self.colons & in_line;
            if colon.is_none() && colons != 0 {
                colon = Some(next + colons.trailing_zeros() as usize);
            }
            ascii &= self.high & in_line == 0;
            if self.newlines != 0 {
                return Some(Line {
                    newline: next + self.newlines.trailing_zeros() as usize,
                    colon,
                    ascii,
                });
            }
            next += BLOCK;
        }
        // Less than a block is left: the end of what has arrived.
        line_by_search(src, start)
    }
}

/// The line at `start` found by searching: for the end of the buffer.
#[cold]
fn line_by_search(src: &[u8], start: usize) -> Option<Line> {
    let rest = src.get(start..)?;
    let end = memchr(b'\n', rest)?;
    Some(Line {
        newline: start + end,
        colon: rest[..end]
            .iter()
            .position(|&b| b == b':')
            .map(|c| start + c),
        ascii: rest[..end].is_ascii(),
    })
}

/// Bitmasks of the newlines, the colons and the non-ASCII bytes of `block`.
fn classify(block: &[u8; BLOCK]) -> (u64, u64, u64) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        // SAFETY: the only requirement of `classify_sse2` is SSE2, which
        // this build enables (the `cfg` above).
        unsafe { classify_sse2(block) }
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        classify_portable(block)
    }
}

/// [`classify`] sixteen bytes per instruction. Written with intrinsics
/// because the compiler does not reliably vectorise the portable loop.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn classify_sse2(block: &[u8; BLOCK]) -> (u64, u64, u64) {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_movemask_epi8, _mm_set1_epi8, _mm_setr_epi8};

    let newline = _mm_set1_epi8(b'\n' as i8);
    let colon = _mm_set1_epi8(b':' as i8);
    let (mut newlines, mut colons, mut high) = (0, 0, 0);
    for (i, chunk) in block.as_chunks::<16>().0.iter().enumerate() {
        let b = chunk.map(|b| b as i8);
        // Compiles to one unaligned load.
        let bytes = _mm_setr_epi8(
            b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
            b[14], b[15],
        );
        // `movemask` fills the low 16 bits of an i32; `as u16` keeps them.
        let mask = |c| u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, c)) as u16);
        newlines |= mask(newline) << (16 * i);
        colons |= mask(colon) << (16 * i);
        // The top bit of each byte: set exactly for the non-ASCII ones.
        high |= u64::from(_mm_movemask_epi8(bytes) as u16) << (16 * i);
    }
    (newlines, colons, high)
}

/// [`classify`] a byte at a time, for targets without SSE2 (and as the
/// reference the fast version is tested against).
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
fn classify_portable(block: &[u8; BLOCK]) -> (u64, u64, u64) {
    block
        .iter()
        .enumerate()
        .fold((0, 0, 0), |(newlines, colons, high), (i, &b)| {
            (
                newlines | (u64::from(b == b'\n') << i),
                colons | (u64::from(b == b':') << i),
                high | (u64::from(!b.is_ascii()) << i),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line of `src` as (start, line), found with one finder.
    fn all_lines(src: &[u8]) -> Vec<(usize, Line)> {
        let mut finder = LineFinder::default();
        let mut start = 0;
        let mut out = Vec::new();
        while let Some(line) = finder.line_at(src, start) {
            out.push((start, line));
            start = line.newline + 1;
        }
        out
    }

    #[test]
    fn classify_marks_exactly_the_newlines_and_colons() {
        let mut block = [b'a'; BLOCK];
        for (i, b) in block.iter_mut().enumerate() {
            *b = match i % 7 {
                0 => b'\n',
                3 => b':',
                5 => 0x80 | i as u8,
                _ => b'x',
            };
        }
        let (newlines, colons, high) = classify(&block);
        assert_eq!((newlines, colons, high), classify_portable(&block));
        assert_eq!(newlines.count_ones(), 10);
        assert_eq!(high.count_ones(), 9);
        assert_eq!(colons.trailing_zeros(), 3);
        assert_eq!(newlines.leading_zeros(), 0, "byte 63 is a newline");
    }

    #[test]
    fn lines_are_found_across_blocks_and_at_the_tail() {
        // Short lines, lines longer than a block (some with their first
        // colon past it), one without a colon, a colon after the first, and
        // a tail longer than a block without its newline.
        let mut src = Vec::new();
        for i in 0..12 {
            src.extend_from_slice(format!("Key{i}: value {i}\r\n").as_bytes());
        }
        src.extend_from_slice(format!("Long: {}\r\n", "y".repeat(150)).as_bytes());
        src.extend_from_slice("no colon here\n\nA: b: c\r\nLatin: caf\u{e9}\r\n".as_bytes());
        src.extend_from_slice(format!("Long: {}\u{e9}\r\n", "y".repeat(150)).as_bytes());
        src.extend_from_slice(format!("{}: late colon\r\n", "z".repeat(100)).as_bytes());
        src.extend_from_slice(format!("{}\u{e9}: late\r\n", "z".repeat(70)).as_bytes());
        src.extend_from_slice(format!("partial: {}", "p".repeat(100)).as_bytes());
        let expected: Vec<(usize, Line)> = {
            let mut start = 0;
            let mut out = Vec::new();
            while let Some(end) = memchr(b'\n', &src[start..]) {
                let line = &src[start..start + end];
                let colon = line.iter().position(|&b| b == b':').map(|c| start + c);
                out.push((
                    start,
                    Line {
                        newline: start + end,
                        colon,
                        ascii: line.is_ascii(),
                    },
                ));
                start += end + 1;
            }
            out
        };
        assert_eq!(all_lines(&src), expected);
        assert_eq!(expected.len(), 20);
        assert_eq!(expected.iter().filter(|(_, l)| !l.ascii).count(), 3);
    }

    #[test]
    fn a_finder_can_go_back_to_an_earlier_line() {
        let src = b"Response: Follows\r\nPrivilege: Command\r\n--END COMMAND--\r\n\r\n".repeat(3);
        let mut finder = LineFinder::default();
        let first = finder.line_at(&src, 0).unwrap();
        let second = finder.line_at(&src, first.newline + 1).unwrap();
        assert_eq!(finder.line_at(&src, first.newline + 1), Some(second));
        assert_eq!(finder.line_at(&src, 0), Some(first));
        assert_eq!(first.colon, Some(8));
    }
}
