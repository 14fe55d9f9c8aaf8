//! A big table's order, kept between frames and moved row by row.
//!
//! Sorting ten thousand channels on every frame spends the budget comparing
//! rows that did not change. A [`KeptOrder`] holds every row under its
//! [`SortKey`] for one sort column and direction; when the model changes,
//! the pane re-keys only the rows its journal names. A filter is applied
//! over the kept order (no sort needed), and remembered until the model,
//! the time or the filter moves.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::Hash;

// Hashed with foldhash's fixed seed, as the model's call groups are: the
// ids are the model's, and a frame looks thousands of them up.
use foldhash::fast::FixedState;

use crate::model::Mark;
use crate::ui::selection::TableState;
use crate::ui::sort_key::{KeyWriter, SortKey};
use crate::ui::table::VisibleRows;

/// Every row of a table, by id, in the table's order.
#[derive(Debug)]
pub struct KeptOrder<Id> {
    sort: usize,
    reverse: bool,
    rows: BTreeMap<SortKey, Id>,
    /// Each row's place in `rows`.
    keys: HashMap<Id, SortKey, FixedState>,
    filtered: Option<Filtered<Id>>,
}

/// The rows passing a filter, in order, and what they were matched at.
#[derive(Debug)]
struct Filtered<Id> {
    filter: String,
    now: u64,
    revision: u64,
    rows: Vec<Id>,
}

/// What a filter is matched at: rows are texts, some of which (durations,
/// names of related rows) change with the time and the model.
#[derive(Clone, Copy, Debug)]
pub struct FilterStamp {
    pub now: f64,
    pub revision: u64,
}

impl<Id: Clone + Eq + Hash> KeptOrder<Id> {
    /// An empty order for `table`'s sort.
    pub fn new(table: &TableState, rows: usize) -> KeptOrder<Id> {
        let mut keys = HashMap::default();
        keys.reserve(rows);
        KeptOrder {
            sort: table.sort,
            reverse: table.reverse,
            rows: BTreeMap::new(),
            keys,
            filtered: None,
        }
    }

    /// True when this order is `table`'s (same column, same direction).
    pub fn sorts_like(&self, table: &TableState) -> bool {
        self.sort == table.sort && self.reverse == table.reverse
    }

    pub fn sort(&self) -> usize {
        self.sort
    }

    pub fn reverse(&self) -> bool {
        self.reverse
    }

    /// Puts row `id` under `key`, or takes it out when `None` (gone).
    pub fn place(&mut self, id: Id, key: Option<SortKey>) {
        self.filtered = None;
        if let Some(old) = self.keys.remove(&id) {
            self.rows.remove(&old);
        }
        if let Some(key) = key {
            self.rows.insert(key.clone(), id.clone());
            self.keys.insert(id, key);
        }
    }

    /// The ids of `table`'s visible window, `page` rows tall, among the
    /// rows passing its filter (matched by `matches` at `moment`).
    pub fn window(
        &mut self,
        table: &TableState,
        moment: FilterStamp,
        page: usize,
        matches: impl Fn(&Id, &str) -> bool,
    ) -> VisibleRows<Id> {
        if table.filter.is_empty() {
            let total = self.rows.len();
            let (_, first) = table.window(total, page);
            let window = self.rows.values().skip(first).take(page).cloned();
            return VisibleRows {
                total,
                first,
                window: window.collect(),
            };
        }
        let rows = self.filtered(table, moment, matches);
        let total = rows.len();
        let (_, first) = table.window(total, page);
        let end = first.saturating_add(page).min(total);
        VisibleRows {
            total,
            first,
            window: rows[first.min(end)..end].to_vec(),
        }
    }

    /// Where row `id` is in `table`'s order among the rows passing its
    /// filter (matched by `matches` at `moment`), if it passes.
    pub fn position(
        &mut self,
        table: &TableState,
        moment: FilterStamp,
        id: &Id,
        matches: impl Fn(&Id, &str) -> bool,
    ) -> Option<usize> {
        if table.filter.is_empty() {
            let key = self.keys.get(id)?;
            return Some(self.rows.range(..key).count());
        }
        self.filtered(table, moment, matches)
            .iter()
            .position(|row| row == id)
    }

    /// The rows passing `table`'s filter, in order, matched anew only
    /// when the filter, the time or the model moved.
    fn filtered(
        &mut self,
        table: &TableState,
        moment: FilterStamp,
        matches: impl Fn(&Id, &str) -> bool,
    ) -> &[Id] {
        let (now, revision) = (moment.now.to_bits(), moment.revision);
        let fresh = self
            .filtered
            .as_ref()
            .is_some_and(|f| f.filter == table.filter && f.now == now && f.revision == revision);
        if !fresh {
            let needle = table.filter.to_lowercase();
            let rows = self
                .rows
                .values()
                .filter(|id| matches(id, &needle))
                .cloned()
                .collect();
            self.filtered = Some(Filtered {
                filter: table.filter.clone(),
                now,
                revision,
                rows,
            });
        }
        self.filtered.as_ref().map_or(&[], |f| &f.rows)
    }
}

/// A kept order that follows a journal of changed rows: between frames it
/// re-keys only the rows changed since it last read, and is made anew when
/// the sort changed or the journal no longer tells.
#[derive(Debug)]
pub struct Followed<Id> {
    /// How far the journal was read.
    read: Option<Mark>,
    order: Option<KeptOrder<Id>>,
}

impl<Id> Default for Followed<Id> {
    fn default() -> Self {
        Followed {
            read: None,
            order: None,
        }
    }
}

impl<Id: Clone + Eq + Hash> Followed<Id> {
    /// The order for `table`, up to date with the journal that now stands
    /// at `mark`: `changed(read)` names the rows changed since `read`
    /// (`None`: start over), `all` every row, and `key` writes a row's
    /// sort key for a column, false when the row is gone.
    pub fn follow<C, A>(
        &mut self,
        table: &TableState,
        mark: Mark,
        changed: impl FnOnce(Mark) -> Option<C>,
        all: impl FnOnce() -> A,
        key: impl Fn(usize, &Id, &mut KeyWriter) -> bool,
    ) -> &mut KeptOrder<Id>
    where
        C: Iterator<Item = Id>,
        A: Iterator<Item = Id>,
    {
        let place = |order: &mut KeptOrder<Id>, id: Id| {
            let mut writer = KeyWriter::default();
            let present = key(order.sort(), &id, &mut writer);
            let key = present.then(|| writer.finish(order.reverse()));
            order.place(id, key);
        };
        let kept = match (&self.order, self.read) {
            (Some(order), Some(read)) if order.sorts_like(table) => Some(read),
            _ => None,
        };
        self.read = Some(mark);
        match (kept.and_then(changed), &mut self.order) {
            (Some(ids), Some(order)) => {
                let ids: HashSet<Id, FixedState> = ids.collect();
                for id in ids {
                    place(order, id);
                }
            }
            _ => {
                let all = all();
                let mut made = KeptOrder::new(table, all.size_hint().0);
                for id in all {
                    place(&mut made, id);
                }
                self.order = Some(made);
            }
        }
        self.order.get_or_insert_with(|| KeptOrder::new(table, 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::sort_key::KeyWriter;

    fn key(value: u64, id: &str, reverse: bool) -> SortKey {
        KeyWriter::default()
            .count(value)
            .then()
            .text(id)
            .finish(reverse)
    }

    fn ids(rows: &VisibleRows<String>) -> Vec<&str> {
        rows.window.iter().map(String::as_str).collect()
    }

    const STAMP: FilterStamp = FilterStamp {
        now: 0.0,
        revision: 0,
    };

    #[test]
    fn rows_move_when_re_keyed_and_leave_when_gone() {
        let table = TableState::default();
        let mut order = KeptOrder::new(&table, 3);
        for (value, id) in [(3, "c"), (1, "a"), (2, "b")] {
            order.place(id.to_owned(), Some(key(value, id, false)));
        }
        let all = |order: &mut KeptOrder<String>| order.window(&table, STAMP, 10, |_, _| true);
        assert_eq!(ids(&all(&mut order)), ["a", "b", "c"]);
        order.place("a".to_owned(), Some(key(9, "a", false)));
        order.place("b".to_owned(), None);
        assert_eq!(ids(&all(&mut order)), ["c", "a"]);
    }

    #[test]
    fn a_filter_keeps_the_order_and_the_window_pages_through_it() {
        let table = TableState {
            filter: "x".into(),
            selected: 3,
            ..TableState::default()
        };
        let mut order = KeptOrder::new(&table, 6);
        for (value, id) in [(5, "x5"), (1, "x1"), (2, "y2"), (3, "x3"), (4, "x4")] {
            order.place(id.to_owned(), Some(key(value, id, false)));
        }
        let rows = order.window(&table, STAMP, 2, |id, needle| id.contains(needle));
        assert_eq!((rows.total, rows.first), (4, 2));
        assert_eq!(ids(&rows), ["x4", "x5"]);
        assert_eq!(rows.get(3).map(String::as_str), Some("x5"));
        assert_eq!(rows.get(1), None, "outside the window");
    }
}
