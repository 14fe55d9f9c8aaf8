//! Sort keys written once per row into one buffer, so ordering thousands of
//! rows compares bytes that sit together in memory instead of following
//! pointers into the model (a cache miss at every comparison).
//!
//! Each row's key has two parts: the sort column's value, and a tiebreak
//! that keeps rows the column finds equal from swapping places between
//! frames. Values are encoded so that comparing the bytes gives the order
//! of the values: text as its bytes ended by a zero byte (so `("ab", "c")`
//! sorts before `("abc", "")`, as the tuples do), numbers big-endian.

use std::cmp::Ordering;

/// The keys of every row, in row order.
#[derive(Debug, Default)]
pub struct SortKeys {
    bytes: Vec<u8>,
    /// Per row: where its column part ends, and where its tiebreak ends.
    ends: Vec<(u32, u32)>,
    /// Where the row being written ends its column part.
    column_end: u32,
}

impl SortKeys {
    pub fn with_capacity(rows: usize) -> SortKeys {
        SortKeys {
            bytes: Vec::with_capacity(rows * 32),
            ends: Vec::with_capacity(rows),
            column_end: 0,
        }
    }

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

    /// Ends the column part of the row being written; its tiebreak follows.
    pub fn then(&mut self) -> &mut Self {
        self.column_end = self.end();
        self
    }

    /// Ends the row being written.
    pub fn row(&mut self) {
        self.ends.push((self.column_end, self.end()));
    }

    fn end(&self) -> u32 {
        u32::try_from(self.bytes.len()).unwrap_or(u32::MAX)
    }

    fn parts(&self, row: usize) -> (&[u8], &[u8]) {
        let start = match row.checked_sub(1) {
            Some(previous) => self.ends[previous].1,
            None => 0,
        } as usize;
        let (column_end, end) = self.ends[row];
        let (column_end, end) = (column_end as usize, end as usize);
        (&self.bytes[start..column_end], &self.bytes[column_end..end])
    }

    /// Row `a` against row `b`: by column (reversed if asked), then by tiebreak.
    pub fn cmp(&self, a: usize, b: usize, reverse: bool) -> Ordering {
        let ((column_a, tie_a), (column_b, tie_b)) = (self.parts(a), self.parts(b));
        let by_column = column_a.cmp(column_b);
        let by_column = if reverse {
            by_column.reverse()
        } else {
            by_column
        };
        by_column.then_with(|| tie_a.cmp(tie_b))
    }

    /// Orders `rows` (indexes of rows in these keys) so that the first
    /// `needed` are the smallest, in order, given that the first `sorted`
    /// already are: only the rows a window shows are ever put in order,
    /// and scrolling on puts the next ones in order without redoing the
    /// first. Returns how many are now in order.
    pub fn order(&self, rows: &mut [u32], sorted: usize, needed: usize, reverse: bool) -> usize {
        let needed = needed.min(rows.len());
        if needed <= sorted {
            return sorted;
        }
        let by_key = |a: &u32, b: &u32| self.cmp(*a as usize, *b as usize, reverse);
        let rest = &mut rows[sorted..];
        let wanted = needed - sorted;
        if wanted < rest.len() {
            rest.select_nth_unstable_by(wanted - 1, by_key);
        }
        rest[..wanted].sort_unstable_by(by_key);
        needed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(rows: &[(&str, &str, f64, &str)]) -> SortKeys {
        let mut keys = SortKeys::default();
        for (a, b, x, tie) in rows {
            keys.text(a).text(b).number(*x).then().text(tie).row();
        }
        keys
    }

    #[test]
    fn bytes_compare_like_the_values() {
        let keys = keys(&[
            ("ab", "c", 1.0, "x"),
            ("abc", "", 1.0, "x"),
            ("ab", "c", -2.5, "x"),
            ("ab", "c", 1.0, "w"),
        ]);
        assert_eq!(keys.cmp(0, 1, false), Ordering::Less, "tuple, not string");
        assert_eq!(keys.cmp(2, 0, false), Ordering::Less, "negative first");
        assert_eq!(keys.cmp(3, 0, false), Ordering::Less, "tiebreak");
        assert_eq!(
            keys.cmp(3, 0, true),
            Ordering::Less,
            "tiebreak not reversed"
        );
        assert_eq!(keys.cmp(1, 0, true), Ordering::Less, "column reversed");
    }

    #[test]
    fn numbers_follow_total_order() {
        let values = [f64::NEG_INFINITY, -1.5, -0.0, 0.0, 2.0, f64::MAX];
        let mut keys = SortKeys::default();
        for x in values {
            keys.number(x).then().row();
        }
        for i in 1..values.len() {
            assert_eq!(keys.cmp(i - 1, i, false), Ordering::Less, "{i}");
        }
    }

    #[test]
    fn orders_the_window_then_extends_it() {
        let mut keys = SortKeys::default();
        let values: Vec<u64> = (0..100).map(|n| (n * 37) % 100).collect();
        for n in &values {
            keys.count(*n).then().row();
        }
        let mut rows: Vec<u32> = (0..100).collect();
        let value =
            |rows: &[u32]| -> Vec<u64> { rows.iter().map(|&r| values[r as usize]).collect() };
        assert_eq!(keys.order(&mut rows, 0, 5, false), 5);
        assert_eq!(value(&rows[..5]), vec![0, 1, 2, 3, 4]);
        assert_eq!(keys.order(&mut rows, 5, 3, false), 5, "already in order");
        assert_eq!(keys.order(&mut rows, 5, 12, false), 12);
        assert_eq!(value(&rows[..12]), (0..12).collect::<Vec<_>>());
        assert_eq!(keys.order(&mut rows, 12, 500, false), 100);
        assert_eq!(value(&rows), (0..100).collect::<Vec<_>>());
    }
}
