//! Everything the dashboard reacts to, as one type.

use crossterm::event::Event;

use crate::ami::session::{Reply, SessionEvent};
use crate::model::ListKind;

/// One input to [`crate::app::App::handle`].
#[derive(Debug)]
pub enum Msg {
    /// A key, mouse or resize event from the terminal.
    Input(Event),
    /// Something from the AMI session.
    Session(SessionEvent),
    /// A step of a resync the loop is running.
    Resync(ResyncStep),
    /// One second passed: durations, waits and meters move on.
    Tick,
}

/// The life of one resync, as the loop reports it.
#[derive(Debug)]
pub enum ResyncStep {
    /// About to send the list actions: mark the model's generation.
    Started,
    /// The reply to one list action (its response and every list item).
    Reply(Reply),
    /// Every action answered; these lists completed and may be swept.
    Finished { completed: Vec<ListKind> },
}
