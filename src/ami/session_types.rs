//! The types the session API and its task share: the configuration, what
//! the session tells the application, replies and why one did not come.
//!
//! Why a file of its own: the task's parts (`runner.rs`, `pending.rs`,
//! `login.rs`, `event_queue.rs`) and the API (`session.rs`) all name
//! these; kept here, none of them needs the API file, so the session
//! layer has no import circle. `session.rs` re-exports them.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use thiserror::Error;
use tokio::sync::oneshot;

use super::action::{Action, InvalidAction};
use super::backoff::RetryPolicy;
use super::codec::{Banner, Malformed};
use super::message::Message;
use super::tls::Fingerprint;

/// How to prove who we are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AuthMode {
    /// `Challenge` then `Login` with `Key = md5(challenge + secret)`, so the
    /// secret never crosses the wire; plaintext only if the server refuses
    /// the challenge.
    #[default]
    Md5,
    /// Plaintext `Login` with `Secret`.
    Plain,
}

/// Everything the session needs to connect and stay connected.
#[derive(Clone)]
pub struct SessionConfig {
    pub host: String,
    pub port: u16,
    pub username: String,
    pub secret: String,
    pub tls: bool,
    /// PEM certificates to trust instead of the system roots.
    pub ca_file: Option<PathBuf>,
    /// Trust exactly the certificate with this fingerprint (see `tls.rs`).
    pub tls_fingerprint: Option<Fingerprint>,
    pub auth: AuthMode,
    /// The `Events:` header sent at login: `on`, `off` or a mask like `system,call`.
    pub events: String,
    /// How often to send a keepalive `Ping`; zero turns keepalive off.
    pub ping_interval: Duration,
    /// Default time limit of every action (and of each login step).
    pub action_timeout: Duration,
    /// Reconnect after a loss; one-shot commands turn this off.
    pub reconnect: bool,
    pub retry: RetryPolicy,
    /// Append every received byte, unmodified, to this file.
    pub record: Option<PathBuf>,
    /// How many events may wait for the application before some are dropped.
    pub event_buffer: usize,
}

impl SessionConfig {
    pub fn new(
        host: impl Into<String>,
        port: u16,
        username: impl Into<String>,
        secret: impl Into<String>,
    ) -> Self {
        SessionConfig {
            host: host.into(),
            port,
            username: username.into(),
            secret: secret.into(),
            tls: false,
            ca_file: None,
            tls_fingerprint: None,
            auth: AuthMode::Md5,
            events: "on".into(),
            ping_interval: Duration::from_secs(20),
            action_timeout: Duration::from_secs(10),
            reconnect: true,
            retry: RetryPolicy::default(),
            record: None,
            event_buffer: 65_536,
        }
    }

    /// `host:port` as shown to the user.
    pub fn addr(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

impl fmt::Debug for SessionConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("secret", &"***")
            .field("tls", &self.tls)
            .field("ca_file", &self.ca_file)
            .field("tls_fingerprint", &self.tls_fingerprint)
            .field("auth", &self.auth)
            .field("events", &self.events)
            .field("ping_interval", &self.ping_interval)
            .field("action_timeout", &self.action_timeout)
            .field("reconnect", &self.reconnect)
            .field("retry", &self.retry)
            .field("record", &self.record)
            .field("event_buffer", &self.event_buffer)
            .finish()
    }
}

/// What the session tells the application.
#[derive(Debug)]
pub enum SessionEvent {
    State(ConnectionState),
    /// An event that is not part of any pending action's reply.
    Event(Message),
    /// A bad frame was skipped.
    Malformed(Malformed),
    /// The application lagged and this many items were dropped here:
    /// whatever it derives from events must be resynchronised.
    Overflow {
        dropped: u64,
    },
}

/// The life of the connection, as the application sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectionState {
    Connecting {
        addr: String,
        attempt: u32,
    },
    /// Logged in; `banner.version` is the AMI version.
    LoggedIn {
        banner: Banner,
    },
    /// The server refused the credentials (its `Message`, e.g.
    /// "Authentication failed").
    LoginRefused {
        message: String,
        retry_in: Option<Duration>,
    },
    Disconnected {
        reason: String,
        retry_in: Option<Duration>,
    },
    /// No more attempts: reconnect off, shutdown, or every handle dropped.
    Stopped,
}

/// The answer to one action: its response, plus for a list action every
/// item up to and including the `...Complete` event.
#[derive(Clone, Debug)]
pub struct Reply {
    pub response: Message,
    pub events: Vec<Message>,
}

impl Reply {
    /// `Response: Success`, `Follows` (old `Command`) or `Goodbye` (`Logoff`).
    pub fn is_success(&self) -> bool {
        ["Success", "Follows", "Goodbye"]
            .iter()
            .any(|ok| self.response.is("Response", ok))
    }

    /// The `Message` header of the response.
    pub fn message(&self) -> Option<String> {
        self.response.get("Message").map(|m| m.into_owned())
    }

    /// How many items a list reply lacks: its `...Complete` event counts
    /// them (`ListItems`), and a frame lost in between (garbage on the wire)
    /// leaves fewer. Zero where the server gives no count (before Asterisk 12).
    pub fn missing_items(&self) -> u64 {
        let Some((complete, items)) = self.events.split_last() else {
            return 0;
        };
        complete
            .get("ListItems")
            .and_then(|n| n.trim().parse::<u64>().ok())
            .map_or(0, |n| n.saturating_sub(items.len() as u64))
    }

    /// Command output as lines, from `Output:` headers or a `Follows` body.
    pub fn output(&self) -> Vec<String> {
        self.response.output_lines()
    }
}

/// Why an action got no reply.
#[derive(Debug, Error)]
pub enum SendError {
    #[error("invalid action: {0}")]
    Invalid(#[from] InvalidAction),
    #[error("not connected to the server")]
    NotConnected,
    #[error("no reply within {0:?}")]
    Timeout(Duration),
    #[error("the connection was lost before the reply came")]
    Disconnected,
    #[error("the session has ended")]
    Closed,
}

/// A request from a handle to the session task.
pub(crate) enum Command {
    Send {
        action: Action,
        timeout: Duration,
        reply: oneshot::Sender<Result<Reply, SendError>>,
    },
    /// Log in again now, with this secret from here on (see
    /// [`SessionHandle::log_in_with`](super::session::SessionHandle::log_in_with)).
    LogInWith(String),
    Shutdown,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(pairs: &[(&str, &str)]) -> Reply {
        Reply {
            response: Message::from_pairs(pairs.iter().copied()),
            events: Vec::new(),
        }
    }

    #[test]
    fn success_message_and_output() {
        let ok = reply(&[
            ("Response", "success"),
            ("Message", "Command output follows"),
            ("Output", "line 1"),
            ("Output", "line 2"),
        ]);
        assert!(ok.is_success());
        assert_eq!(ok.message().as_deref(), Some("Command output follows"));
        assert_eq!(ok.output(), ["line 1", "line 2"]);
        assert!(reply(&[("Response", "Goodbye")]).is_success());
        let err = reply(&[("Response", "Error"), ("Message", "Permission denied")]);
        assert!(!err.is_success());
        assert_eq!(err.message().as_deref(), Some("Permission denied"));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let config = SessionConfig::new("pbx", 5038, "amitop", "hunter2");
        assert!(!format!("{config:?}").contains("hunter2"));
        assert_eq!(config.addr(), "pbx:5038");
        assert_eq!(
            SessionConfig::new("::1", 5039, "u", "s").addr(),
            "[::1]:5039"
        );
    }
}
