//! The live dashboard: the loop, the terminal, and the [`App`] state that
//! ties the model to the view.
//!
//! I/O stays at the edge: [`App::handle`] is pure and tested directly; the
//! loop in `run` only moves messages to it and frames to the terminal.

pub mod link;
pub mod login_retry;
pub mod msg;
pub mod operator;
pub mod queue_refresh;
pub mod run;
mod terminal;
pub mod update;

pub use msg::Msg;
pub use run::{DashboardError, run_dashboard};
pub use update::App;
