//! The connection as the app keeps it for the view: the session's last
//! state and when it began.
//!
//! Why here: the ui reads the connection through the app (this type, and
//! [`ConnectionState`] re-exported for matching on it), never from the
//! session layer itself.

pub use crate::ami::session::ConnectionState;

/// The connection state and when it was entered, so "retrying in N s" can
/// count down on every tick.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub state: ConnectionState,
    /// Epoch seconds the state was entered.
    pub since: f64,
}

impl Default for Link {
    fn default() -> Self {
        Link {
            state: ConnectionState::Connecting {
                addr: String::new(),
                attempt: 0,
            },
            since: 0.0,
        }
    }
}

impl Link {
    pub fn set(&mut self, state: ConnectionState, now: f64) {
        self.state = state;
        self.since = now;
    }

    /// Whole seconds left before the next attempt, when one is planned.
    pub fn retry_left(&self, now: f64) -> Option<u64> {
        let retry_in = match &self.state {
            ConnectionState::Disconnected { retry_in, .. }
            | ConnectionState::LoginRefused { retry_in, .. } => (*retry_in)?,
            _ => return None,
        };
        let left = retry_in.as_secs_f64() - (now - self.since);
        Some(left.max(0.0).ceil() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn retry_counts_down_from_when_the_state_began() {
        let mut link = Link::default();
        let state = ConnectionState::Disconnected {
            reason: "connection refused".into(),
            retry_in: Some(Duration::from_secs(5)),
        };
        link.set(state, 100.0);
        assert_eq!(link.retry_left(100.0), Some(5));
        assert_eq!(link.retry_left(102.5), Some(3));
        assert_eq!(link.retry_left(130.0), Some(0));
        link.set(ConnectionState::Stopped, 131.0);
        assert_eq!(link.retry_left(131.0), None);
    }
}
