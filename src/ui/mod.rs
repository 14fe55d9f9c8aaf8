//! The terminal user interface: the view state, the keymap, and drawing.
//!
//! Drawing is a pure function of the model, the view state and the header
//! status ([`Dashboard`]); it performs no I/O and formats only the rows
//! that are visible.

pub mod cache;
pub mod clock;
pub mod column_fit;
pub mod dashboard;
pub mod detail;
mod detail_lines;
mod detail_pbx;
pub mod form;
pub mod grid;
pub mod header;
pub mod help;
pub mod kept_order;
pub mod keymap;
pub mod layout;
pub mod panes;
pub mod secret;
pub mod selection;
mod sort_key;
pub mod status;
pub mod table;
pub mod tables;
pub mod tabs;
pub mod text;
pub mod theme;
pub mod view;

pub use dashboard::{Dashboard, draw};
