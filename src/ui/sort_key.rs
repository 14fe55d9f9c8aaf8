//! Sort keys written once per row, so a table of thousands of rows can be
//! kept in order (in a `BTreeMap`) and reordered only where rows change,
//! comparing bytes instead of following pointers into the model.
//!
//! Each row's key has two parts: the sort column's value, and a tiebreak
//! that keeps rows the column finds equal from swapping places between
//! frames. Values are encoded so that comparing the bytes gives the order
//! of the values: text as its bytes ended by a zero byte (so `("ab", "c")`
//! sorts before `("abc", "")`, as the tuples do), numbers big-endian.

use std::cmp::Ordering;
use std::sync::Arc;

/// One row's key, in the order of its table (the column part reversed
/// when the table is; the tiebreak never is). Shared, not copied, by the
/// maps that hold it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortKey {
    bytes: Arc<[u8]>,
    column_end: u32,
    reverse: bool,
}

impl SortKey {
    fn parts(&self) -> (&[u8], &[u8]) {
        self.bytes.split_at(self.column_end as usize)
    }
}

impl Ord for SortKey {
    fn cmp(&self, other: &Self) -> Ordering {
        let ((column_a, tie_a), (column_b, tie_b)) = (self.parts(), other.parts());
        let by_column = column_a.cmp(column_b);
        let by_column = if self.reverse {
            by_column.reverse()
        } else {
            by_column
        };
        by_column.then_with(|| tie_a.cmp(tie_b))
    }
}

impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Writes one [`SortKey`]: the column's values, [`then`](KeyWriter::then)
/// the tiebreak's.
#[derive(Debug, Default)]
pub struct KeyWriter {
    bytes: Vec<u8>,
    column_end: usize,
}

impl KeyWriter {
    /// Appends a text value. A zero byte inside the text (never seen from
    /// a real server) only makes that row sort a little early.
    pub fn text(&mut self, text: &str) -> &mut Self {
        self.bytes.extend_from_slice(text.as_bytes());
        self.bytes.push(0);
        self
    }

    /// Appends an unsigned number.
    pub fn count(&mut self, n: u64) -> &mut Self {
        self.bytes.extend_from_slice(&n.to_be_bytes());
        self
    }

    /// Appends a number in the order of [`f64::total_cmp`].
    pub fn number(&mut self, x: f64) -> &mut Self {
        let bits = x.to_bits();
        let ordered = if bits >> 63 == 1 {
            !bits
        } else {
            bits | 1 << 63
        };
        self.count(ordered)
    }

    /// Appends whether a value follows: absent values sort first.
    pub fn present(&mut self, present: bool) -> &mut Self {
        self.bytes.push(u8::from(present));
        self
    }

    /// Ends the column part; the tiebreak follows.
    pub fn then(&mut self) -> &mut Self {
        self.column_end = self.bytes.len();
        self
    }

    /// The key written, for a table sorted `reverse` or not.
    pub fn finish(&self, reverse: bool) -> SortKey {
        SortKey {
            bytes: self.bytes.as_slice().into(),
            column_end: u32::try_from(self.column_end).unwrap_or(u32::MAX),
            reverse,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(a: &str, b: &str, x: f64, tie: &str, reverse: bool) -> SortKey {
        let mut writer = KeyWriter::default();
        writer.text(a).text(b).number(x).then().text(tie);
        writer.finish(reverse)
    }

    #[test]
    fn bytes_compare_like_the_values() {
        let first = key("ab", "c", 1.0, "x", false);
        assert!(first < key("abc", "", 1.0, "x", false), "tuple, not string");
        assert!(key("ab", "c", -2.5, "x", false) < first, "negative first");
        assert!(key("ab", "c", 1.0, "w", false) < first, "tiebreak");
        assert!(
            key("ab", "c", 1.0, "w", true) < key("ab", "c", 1.0, "x", true),
            "tiebreak not reversed"
        );
        assert!(
            key("abc", "", 1.0, "x", true) < key("ab", "c", 1.0, "x", true),
            "column reversed"
        );
    }

    #[test]
    fn numbers_follow_total_order() {
        let values = [f64::NEG_INFINITY, -1.5, -0.0, 0.0, 2.0, f64::MAX];
        let keys: Vec<SortKey> = values
            .iter()
            .map(|&x| KeyWriter::default().number(x).then().finish(false))
            .collect();
        for i in 1..values.len() {
            assert!(keys[i - 1] < keys[i], "{i}");
        }
    }

    #[test]
    fn absent_values_sort_first() {
        let absent = KeyWriter::default().present(false).then().finish(false);
        let empty = KeyWriter::default()
            .present(true)
            .text("")
            .then()
            .finish(false);
        assert!(absent < empty);
    }
}
