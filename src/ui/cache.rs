//! What the panes derive from the model, kept between frames.
//!
//! The dashboard redraws on every tick, and on a busy PBX regrouping ten
//! thousand channels into calls each time would spend the frame budget on
//! what barely changed. What a pane keeps lives in the view (the one thing
//! every frame and every key sees) and brings itself up to date from the
//! model's journal of changes when asked. A view made afresh
//! ([`View::afresh`](crate::ui::view::View::afresh)) starts with nothing
//! kept, and draws the same.

use std::cell::{RefCell, RefMut};

use crate::model::CallKey;
use crate::ui::kept_order::Followed;

/// Everything the view keeps.
#[derive(Debug, Default)]
pub struct Cache {
    /// The calls table's order: every call (channels grouped by what
    /// holds them together) under its sort key.
    pub(crate) calls: DerivedCache<Followed<CallKey>>,
    /// The channels table's order: every channel, re-keyed only where the
    /// model's journal says a channel changed.
    pub(crate) channels: DerivedCache<Followed<String>>,
}

/// One value derived from the model, which its user brings up to date
/// when it borrows it.
#[derive(Default)]
pub struct DerivedCache<T> {
    slot: RefCell<T>,
}

impl<T> DerivedCache<T> {
    /// The value, borrowed until the guard is dropped; drawing never asks
    /// twice at once.
    pub fn borrow_mut(&self) -> RefMut<'_, T> {
        self.slot.borrow_mut()
    }
}

/// What is kept is large and says nothing of the view: it is left out.
impl<T> std::fmt::Debug for DerivedCache<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DerivedCache")
    }
}
