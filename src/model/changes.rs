//! Which channels (or bridges) changed lately.
//!
//! A view that derives something from every channel (the calls pane groups
//! ten thousand of them into calls) cannot afford to reread them all after
//! each event. The model records the id of every entity an event touches in
//! a bounded ring; the view keeps a [`Mark`] of how far it has read, and
//! redoes only what the ids recorded since then touch. A reader that fell
//! further behind than the ring holds, or holds a mark of another journal
//! (another model, or a copy), is told to start over.

use std::sync::atomic::{AtomicU64, Ordering};

/// How many ids the ring keeps: far more than a busy PBX sends between two
/// frames.
const CAPACITY: u64 = 4096;

/// Tells journals apart, so a mark never matches a journal it was not
/// taken from.
static NEXT_JOURNAL: AtomicU64 = AtomicU64::new(1);

fn next_journal() -> u64 {
    NEXT_JOURNAL.fetch_add(1, Ordering::Relaxed)
}

/// The ids of the entities changed lately, oldest first.
#[derive(Debug)]
pub struct Changes {
    journal: u64,
    /// How many ids were ever recorded.
    recorded: u64,
    /// Id number `n` is at `n % CAPACITY`; slots are reused, not freed.
    ring: Vec<String>,
}

/// How far a reader has read one journal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    journal: u64,
    recorded: u64,
}

impl Changes {
    /// Notes that the entity `id` changed (or may have: it was handed out
    /// for writing). Each time counts, even right after the same id: a
    /// reader may have read the first time already.
    pub(super) fn record(&mut self, id: &str) {
        let at = slot(self.recorded);
        match self.ring.get_mut(at) {
            Some(reused) => {
                reused.clear();
                reused.push_str(id);
            }
            None => self.ring.push(id.to_owned()),
        }
        self.recorded += 1;
    }

    /// Where a reader that has seen everything so far stands.
    pub fn mark(&self) -> Mark {
        Mark {
            journal: self.journal,
            recorded: self.recorded,
        }
    }

    /// The ids recorded since `mark` (with repeats), or `None` when they
    /// are no longer all known: start over from the whole model then.
    pub fn since(&self, mark: Mark) -> Option<impl Iterator<Item = &str>> {
        let behind = self.recorded.checked_sub(mark.recorded)?;
        if mark.journal != self.journal || behind > CAPACITY {
            return None;
        }
        Some((mark.recorded..self.recorded).map(|n| self.ring[slot(n)].as_str()))
    }
}

fn slot(n: u64) -> usize {
    (n % CAPACITY) as usize
}

impl Default for Changes {
    fn default() -> Self {
        Changes {
            journal: next_journal(),
            recorded: 0,
            ring: Vec::new(),
        }
    }
}

/// A copy of the model goes its own way: marks taken from the original
/// must not be read against it.
impl Clone for Changes {
    fn clone(&self) -> Self {
        Changes::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(changes: &Changes, mark: Mark) -> Option<Vec<&str>> {
        changes.since(mark).map(Iterator::collect)
    }

    #[test]
    fn readers_get_what_was_recorded_since_their_mark() {
        let mut changes = Changes::default();
        changes.record("1.1");
        let mark = changes.mark();
        assert_eq!(read(&changes, mark), Some(vec![]));
        changes.record("1.2");
        changes.record("1.3");
        assert_eq!(read(&changes, mark), Some(vec!["1.2", "1.3"]));
        let mark = changes.mark();
        changes.record("1.3");
        assert_eq!(
            read(&changes, mark),
            Some(vec!["1.3"]),
            "again, after a read"
        );
    }

    #[test]
    fn readers_too_far_behind_or_of_another_journal_start_over() {
        let mut changes = Changes::default();
        let mark = changes.mark();
        for n in 0..CAPACITY {
            changes.record(&n.to_string());
        }
        assert_eq!(read(&changes, mark).map(|ids| ids.len()), Some(4096));
        assert_eq!(read(&changes, mark).unwrap()[0], "0");
        changes.record("one more");
        assert_eq!(read(&changes, mark), None);
        let copy = changes.clone();
        assert_eq!(read(&copy, changes.mark()), None);
        assert_eq!(read(&Changes::default(), mark), None);
    }
}
