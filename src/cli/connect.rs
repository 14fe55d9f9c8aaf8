//! Logging in on behalf of a command: start the session, wait until it is
//! logged in (or say why not), and end it with a `Logoff` when done.

use std::time::Duration;

use crate::ami::session::{
    self, ConnectionState, SessionConfig, SessionEvent, SessionEvents, SessionHandle,
};
use crate::cli::error::{CliError, seconds};

/// A logged-in session owned by a command.
pub struct Connected {
    pub handle: SessionHandle,
    pub events: SessionEvents,
    /// How long to wait for the `Logoff` to go through when closing.
    close_wait: Duration,
}

/// Starts a session and waits until it is logged in. A refused login or an
/// unreachable server ends the wait at once, whatever `config.reconnect`
/// says: retrying is for sessions that were up before. With `verbose`, the
/// progress (connecting, logged in) is reported on stderr.
pub async fn connect(config: SessionConfig, verbose: bool) -> Result<Connected, CliError> {
    let addr = config.addr();
    // Connecting, Challenge and Login each get at most one action timeout.
    let limit = config.action_timeout * 3;
    let close_wait = config.action_timeout;
    tracing::info!(config = ?config, "connecting");
    let (handle, mut events) = session::spawn(config);

    let logged_in = tokio::time::timeout(limit, async {
        while let Some(item) = events.recv().await {
            let SessionEvent::State(state) = item else {
                continue;
            };
            match state {
                ConnectionState::Connecting { .. } | ConnectionState::LoggedIn { .. } => {
                    if verbose {
                        eprintln!("amitop: {}", describe(&state));
                    }
                    if matches!(state, ConnectionState::LoggedIn { .. }) {
                        return Ok(());
                    }
                }
                ConnectionState::LoginRefused { message, .. } => {
                    return Err(CliError::Connection(format!(
                        "login to {addr} refused: {message}"
                    )));
                }
                ConnectionState::Disconnected { reason, .. } => {
                    // The session's reasons usually name the address already.
                    return Err(CliError::Connection(if reason.contains(&addr) {
                        reason
                    } else {
                        format!("{addr}: {reason}")
                    }));
                }
                ConnectionState::Stopped => break,
            }
        }
        Err(CliError::Connection(format!(
            "the session to {addr} ended before logging in"
        )))
    })
    .await
    .unwrap_or_else(|_| {
        Err(CliError::Timeout(format!(
            "not logged in to {addr} within {}",
            seconds(limit)
        )))
    });

    let connected = Connected {
        handle,
        events,
        close_wait,
    };
    match logged_in {
        Ok(()) => Ok(connected),
        Err(err) => {
            connected.close().await;
            Err(err)
        }
    }
}

impl Connected {
    /// Logs off and waits (briefly) for the session to stop, so the server
    /// sees a clean `Logoff` rather than a dropped socket.
    pub async fn close(mut self) {
        self.handle.shutdown();
        let stopped = async {
            while let Some(item) = self.events.recv().await {
                if matches!(item, SessionEvent::State(ConnectionState::Stopped)) {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(self.close_wait, stopped).await;
    }
}

/// A connection state as one line for stderr.
pub fn describe(state: &ConnectionState) -> String {
    let retry = |retry_in: &Option<Duration>| match retry_in {
        Some(after) => format!("; retrying in {}", seconds(*after)),
        None => String::new(),
    };
    match state {
        ConnectionState::Connecting { addr, attempt } if *attempt > 1 => {
            format!("connecting to {addr} (attempt {attempt})")
        }
        ConnectionState::Connecting { addr, .. } => format!("connecting to {addr}"),
        ConnectionState::LoggedIn { banner } => format!("logged in ({})", banner.text),
        ConnectionState::LoginRefused { message, retry_in } => {
            format!("login refused: {message}{}", retry(retry_in))
        }
        ConnectionState::Disconnected { reason, retry_in } => {
            format!("disconnected: {reason}{}", retry(retry_in))
        }
        ConnectionState::Stopped => "session ended".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_read_as_sentences() {
        let connecting = |attempt| ConnectionState::Connecting {
            addr: "pbx:5038".into(),
            attempt,
        };
        assert_eq!(describe(&connecting(1)), "connecting to pbx:5038");
        assert_eq!(
            describe(&connecting(3)),
            "connecting to pbx:5038 (attempt 3)"
        );
        assert_eq!(
            describe(&ConnectionState::Disconnected {
                reason: "connection reset".into(),
                retry_in: Some(Duration::from_millis(1500)),
            }),
            "disconnected: connection reset; retrying in 1.5 s"
        );
        assert_eq!(
            describe(&ConnectionState::LoginRefused {
                message: "Authentication failed".into(),
                retry_in: None,
            }),
            "login refused: Authentication failed"
        );
    }
}
