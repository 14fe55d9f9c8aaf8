//! What the panes derive from the model, kept between frames.
//!
//! The dashboard redraws on every tick, and on a busy PBX regrouping ten
//! thousand channels into calls each time would spend the frame budget on
//! what barely changed. What a pane keeps lives in the view (the one thing
//! every frame and every key sees), brings itself up to date from the
//! model's journal of changes when asked, and takes no part in the view's
//! equality: two views that differ only in what they keep are the same view.

use std::cell::{RefCell, RefMut};

use crate::ui::panes::{calls, channels};

/// Everything the view keeps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cache {
    /// Channels grouped into calls, and their order in the calls table.
    pub(crate) calls: Kept<calls::Memo>,
    /// The channels table's order.
    pub(crate) channels: Kept<channels::Memo>,
}

/// One value derived from the model, which updates itself when borrowed.
#[derive(Default)]
pub struct Kept<T> {
    slot: RefCell<T>,
}

impl<T> Kept<T> {
    /// The value, borrowed until the guard is dropped; drawing never asks
    /// twice at once.
    pub fn borrow_mut(&self) -> RefMut<'_, T> {
        self.slot.borrow_mut()
    }
}

/// A copy of a view starts with nothing kept: cheap, and always right.
impl<T: Default> Clone for Kept<T> {
    fn clone(&self) -> Self {
        Kept::default()
    }
}

/// What is kept is not part of the view's identity.
impl<T> PartialEq for Kept<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> Eq for Kept<T> {}

impl<T> std::fmt::Debug for Kept<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Kept")
    }
}
