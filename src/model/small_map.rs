//! A few name → value pairs, bounded, kept in name order: a channel's
//! variables and its driver details.
//!
//! Why not a `BTreeMap`: a channel has a handful of them, and `VarSet`
//! (the most frequent event on a busy PBX) updates one every time. A
//! sorted list found by a scan that compares lengths first costs a
//! fraction of a tree's string compares, and each pair is one allocation
//! (name and value share a string) instead of two plus tree nodes.

use super::channels::same_bytes;

/// Room made for the first pair.
const FIRST_CAPACITY: usize = 8;

/// Name → value pairs in name order (as `BTreeMap<String, String>` would
/// keep them), at most `max` of them.
#[derive(Clone, Default)]
pub struct SmallMap {
    pairs: Vec<Pair>,
    /// The texts of cleared pairs, taken by the next new ones: a channel
    /// reused for another sets much the same names. Never more than the
    /// most pairs the map held.
    spare: Vec<String>,
}

/// Equal when the pairs are (spare room is no part of the value).
impl PartialEq for SmallMap {
    fn eq(&self, other: &SmallMap) -> bool {
        self.pairs == other.pairs
    }
}

/// One pair: the name, then the value, in one string.
#[derive(Clone, PartialEq)]
struct Pair {
    text: String,
    name_len: usize,
}

impl Pair {
    fn name(&self) -> &str {
        &self.text[..self.name_len]
    }

    /// [`Pair::name`] unchecked for a char boundary, for the scans.
    fn name_bytes(&self) -> &[u8] {
        &self.text.as_bytes()[..self.name_len]
    }

    fn value(&self) -> &str {
        &self.text[self.name_len..]
    }

    fn set_value(&mut self, value: &str) {
        if !same_bytes(self.value().as_bytes(), value.as_bytes()) {
            self.text.truncate(self.name_len);
            self.text.push_str(value);
        }
    }
}

impl SmallMap {
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.find(name).map(|at| self.pairs[at].value())
    }

    /// The pairs in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|pair| (pair.name(), pair.value()))
    }

    /// Sets `name` to `value`; a new name is dropped when `max` are kept.
    pub(super) fn set(&mut self, name: &str, value: &str, max: usize) {
        if let Some(at) = self.find(name) {
            self.pairs[at].set_value(value);
            return;
        }
        if self.pairs.len() >= max {
            return;
        }
        if self.pairs.capacity() == 0 {
            // Channels that set variables set several: growing from the
            // smallest list up costs more than these few bytes.
            self.pairs.reserve_exact(FIRST_CAPACITY.min(max));
        }
        let at = self.pairs.partition_point(|pair| pair.name() < name);
        let mut text = self.spare.pop().unwrap_or_default();
        text.clear();
        text.reserve_exact(name.len() + value.len());
        text.push_str(name);
        text.push_str(value);
        let pair = Pair {
            text,
            name_len: name.len(),
        };
        self.pairs.insert(at, pair);
    }

    /// Removes every pair, keeping their texts for the next ones.
    pub(super) fn clear(&mut self) {
        self.spare
            .extend(self.pairs.drain(..).map(|pair| pair.text));
    }

    /// Where `name` is. A scan: the names are few, most differ from `name`
    /// in length, which is compared first, and the rest are compared
    /// inline.
    fn find(&self, name: &str) -> Option<usize> {
        let name = name.as_bytes();
        self.pairs
            .iter()
            .position(|pair| pair.name_len == name.len() && same_bytes(pair.name_bytes(), name))
    }
}

/// Shown as a map, as the `BTreeMap` it replaces was.
impl std::fmt::Debug for SmallMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_kept_in_name_order_and_updated_in_place() {
        let mut map = SmallMap::default();
        for (name, value) in [("b", "1"), ("a", "2"), ("ab", "3"), ("B", "4"), ("a", "5")] {
            map.set(name, value, 8);
        }
        let pairs: Vec<_> = map.iter().collect();
        assert_eq!(pairs, [("B", "4"), ("a", "5"), ("ab", "3"), ("b", "1")]);
        assert_eq!(map.get("a"), Some("5"));
        assert_eq!(map.get("A"), None);
        map.set("a", "", 8);
        assert_eq!(map.get("a"), Some(""));
        assert_eq!(map.get("ab"), Some("3"));
    }

    #[test]
    fn new_names_past_the_bound_are_dropped_but_known_ones_still_change() {
        let mut map = SmallMap::default();
        map.set("x", "1", 2);
        map.set("y", "2", 2);
        map.set("z", "3", 2);
        map.set("x", "4", 2);
        assert_eq!(map.len(), 2);
        assert_eq!(map.get("z"), None);
        assert_eq!(map.get("x"), Some("4"));
    }

    #[test]
    fn a_cleared_map_equals_a_new_one_and_reuses_its_texts() {
        let mut map = SmallMap::default();
        map.set("long name", "long value", 8);
        map.set("b", "2", 8);
        map.clear();
        assert!(map == SmallMap::default());
        assert_eq!(map.iter().count(), 0);
        map.set("a", "1", 8);
        assert_eq!(map.iter().collect::<Vec<_>>(), [("a", "1")]);
        assert_eq!(map.spare.len(), 1);
    }
}
