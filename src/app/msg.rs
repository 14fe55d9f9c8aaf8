//! Everything the dashboard reacts to, as one type.

use crossterm::event::Event;

use crate::ami::session::SessionEvent;
use crate::app::operator::ActionReply;
use crate::resync::ResyncUpdate;

/// One input to [`crate::app::App::handle`].
#[derive(Debug)]
pub enum Msg {
    /// A key, mouse or resize event from the terminal.
    Input(Event),
    /// Something from the AMI session.
    Session(SessionEvent),
    /// A step of the resync the loop is running (see [`crate::resync`]).
    Resync(ResyncUpdate),
    /// One second passed: durations, waits and meters move on.
    Tick,
    /// The reply to an operator action (or why there was none).
    Acted(ActionReply),
}
