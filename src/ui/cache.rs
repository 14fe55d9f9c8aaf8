//! What the panes derive from the model, kept between frames.
//!
//! The dashboard redraws on every tick, and on a busy PBX most ticks find
//! the model unchanged: regrouping ten thousand channels into calls each
//! time would spend the frame budget on the same answer. A [`Memo`] keeps
//! a derived value with the [`State::revision`] it was derived from, and
//! rebuilds it only when the revision moves. It lives in the view (the one
//! thing every frame and every key sees) and takes no part in its equality:
//! two views that differ only in what they have cached are the same view.

use std::cell::{RefCell, RefMut};

use crate::model::State;
use crate::ui::panes::calls;

/// Every memo of the view.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cache {
    /// Channels grouped into calls, and their order in the calls table.
    pub(crate) calls: Memo<calls::Memo>,
}

/// Which state a memo was derived from: the state's address tells apart two
/// models that happen to share a revision (a view drawn from another one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    state: usize,
    revision: u64,
}

impl Stamp {
    fn of(state: &State) -> Stamp {
        Stamp {
            state: std::ptr::from_ref(state) as usize,
            revision: state.revision(),
        }
    }
}

/// One value derived from the model, rebuilt when the model changes.
pub struct Memo<T> {
    slot: RefCell<Option<(Stamp, T)>>,
}

impl<T> Memo<T> {
    /// The value derived from `state`, built by `build` unless it was
    /// already built from this very state at this revision. The value is
    /// borrowed until the guard is dropped; drawing never asks twice at once.
    pub fn get(&self, state: &State, build: impl FnOnce() -> T) -> RefMut<'_, T> {
        let stamp = Stamp::of(state);
        let mut slot = self.slot.borrow_mut();
        if !matches!(&*slot, Some((built, _)) if *built == stamp) {
            *slot = Some((stamp, build()));
        }
        RefMut::map(slot, |slot| match slot {
            Some((_, value)) => value,
            None => unreachable!("the slot was filled just above"),
        })
    }
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo {
            slot: RefCell::new(None),
        }
    }
}

/// A copy of a view starts with nothing cached: cheap, and always right.
impl<T> Clone for Memo<T> {
    fn clone(&self) -> Self {
        Memo::default()
    }
}

/// What is cached is not part of the view's identity.
impl<T> PartialEq for Memo<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> Eq for Memo<T> {}

impl<T> std::fmt::Debug for Memo<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let revision = self
            .slot
            .try_borrow()
            .ok()
            .and_then(|slot| slot.as_ref().map(|(stamp, _)| stamp.revision));
        f.debug_struct("Memo").field("revision", &revision).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ami::Message;

    fn builds(memo: &Memo<u32>, state: &State) -> bool {
        let mut built = false;
        let _ = memo.get(state, || {
            built = true;
            7
        });
        built
    }

    #[test]
    fn rebuilds_only_when_the_state_changes() {
        let memo = Memo::default();
        let mut state = State::new();
        assert!(builds(&memo, &state));
        assert!(!builds(&memo, &state));
        state.apply(&Message::from_pairs([("Event", "FullyBooted")]), 0.0);
        assert!(builds(&memo, &state));
        assert!(!builds(&memo, &state));
        let mut other = State::new();
        other.apply(&Message::from_pairs([("Event", "FullyBooted")]), 0.0);
        assert_eq!(other.revision(), state.revision());
        assert!(builds(&memo, &other), "another model at the same revision");
    }

    #[test]
    fn copies_start_empty_and_compare_equal() {
        let memo = Memo::default();
        let state = State::new();
        builds(&memo, &state);
        let copy = memo.clone();
        assert_eq!(copy, memo);
        assert!(builds(&copy, &state));
    }
}
