//! The session API: what the application configures, sends and receives.
//!
//! Why it exists: one background task owns the AMI connection (see
//! `runner.rs`); everything else talks to it through the cheap-to-clone
//! [`SessionHandle`] (actions in, replies out) and reads [`SessionEvents`]
//! (connection states, events nobody asked for, overflow notices). The
//! types both sides share live in `session_types.rs`.

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use super::action::Action;
use super::event_queue;
use super::runner;
use super::session_types::Command;

pub use super::event_queue::SessionEvents;
pub use super::session_types::{
    AuthMode, ConnectionState, Reply, SendError, SessionConfig, SessionEvent,
};

/// Sends actions to the session task; clone it freely.
#[derive(Clone)]
pub struct SessionHandle {
    commands: mpsc::UnboundedSender<Command>,
    action_timeout: Duration,
}

impl SessionHandle {
    /// Sends `action` and waits for its reply, up to the configured
    /// `action_timeout`.
    pub async fn send(&self, action: Action) -> Result<Reply, SendError> {
        self.send_with_timeout(action, self.action_timeout).await
    }

    /// Sends `action` and waits for its reply, up to `timeout`.
    pub async fn send_with_timeout(
        &self,
        action: Action,
        timeout: Duration,
    ) -> Result<Reply, SendError> {
        action.validate()?;
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(Command::Send {
                action,
                timeout,
                reply,
            })
            .map_err(|_| SendError::Closed)?;
        answer.await.unwrap_or(Err(SendError::Closed))
    }

    /// After a refused login: tries again at once, with `secret` instead
    /// of the configured one for the rest of this session (it is kept in
    /// memory only, never written or logged). Ignored while logged in.
    pub fn log_in_with(&self, secret: String) {
        let _ = self.commands.send(Command::LogInWith(secret));
    }

    /// Logs off if connected, then ends the session (state `Stopped`).
    pub fn shutdown(&self) {
        let _ = self.commands.send(Command::Shutdown);
    }
}

/// Starts the session task on the current tokio runtime.
pub fn spawn(config: SessionConfig) -> (SessionHandle, SessionEvents) {
    let (commands, command_rx) = mpsc::unbounded_channel();
    let (event_tx, events) = event_queue::channel(config.event_buffer);
    let handle = SessionHandle {
        commands,
        action_timeout: config.action_timeout,
    };
    tokio::spawn(runner::run(config, command_rx, event_tx));
    (handle, events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn invalid_actions_never_reach_the_task() {
        let (commands, mut command_rx) = mpsc::unbounded_channel();
        let handle = SessionHandle {
            commands,
            action_timeout: Duration::from_secs(1),
        };
        let bad = Action::new("Hangup").header("Channel", "x\r\nAction: Originate");
        assert!(matches!(handle.send(bad).await, Err(SendError::Invalid(_))));
        assert!(command_rx.try_recv().is_err());
        drop(command_rx);
        assert!(matches!(
            handle.send(Action::new("Ping")).await,
            Err(SendError::Closed)
        ));
    }
}
