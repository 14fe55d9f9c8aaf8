//! What the header shows besides the model and the connection (that is the
//! app's `Link`): the traffic meters (events per second, active calls, and
//! their recent history for the sparklines).

use std::collections::VecDeque;

/// Samples kept for the sparklines: five minutes at one per second.
const HISTORY: usize = 300;

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
