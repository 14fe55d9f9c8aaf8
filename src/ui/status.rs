//! What the header shows besides the model: the connection's life and the
//! traffic meters (events per second, active calls, and their recent history
//! for the sparklines).

use std::collections::VecDeque;

use crate::ami::session::ConnectionState;

/// Samples kept for the sparklines: five minutes at one per second.
const HISTORY: usize = 300;

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

/// Event rate and active calls, sampled once a second.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meters {
    /// Events counted since the last sample.
    pending: u64,
    /// Events in the last complete second.
    pub rate: u64,
    pub rate_history: VecDeque<u64>,
    pub calls_history: VecDeque<u64>,
}

impl Meters {
    pub fn count_event(&mut self) {
        self.pending += 1;
    }

    /// Closes one second: `active_calls` is what the model shows now.
    pub fn sample(&mut self, active_calls: u64) {
        self.rate = std::mem::take(&mut self.pending);
        push_bounded(&mut self.rate_history, self.rate);
        push_bounded(&mut self.calls_history, active_calls);
    }
}

fn push_bounded(history: &mut VecDeque<u64>, value: u64) {
    if history.len() == HISTORY {
        history.pop_front();
    }
    history.push_back(value);
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

    #[test]
    fn meters_sample_per_second_within_bounds() {
        let mut meters = Meters::default();
        for _ in 0..7 {
            meters.count_event();
        }
        meters.sample(2);
        assert_eq!(meters.rate, 7);
        meters.sample(3);
        assert_eq!(meters.rate, 0);
        assert_eq!(meters.rate_history, [7, 0]);
        assert_eq!(meters.calls_history, [2, 3]);
        for _ in 0..1000 {
            meters.sample(1);
        }
        assert_eq!(meters.calls_history.len(), HISTORY);
    }
}
