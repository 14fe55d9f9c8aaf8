//! How long to wait before the next connection attempt.
//!
//! Why it exists: when a PBX restarts, every dashboard watching it
//! reconnects; doubling delays with random jitter spread those attempts out
//! instead of hammering the server in lockstep, and a refused login waits
//! much longer so a wrong secret never turns into a tight login loop (which
//! would also fill the server's security log). Jitter comes from a small
//! xorshift generator seeded from the clock: no cryptographic quality needed.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Reconnection delays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Delay before the first retry after a failure.
    pub initial: Duration,
    /// Cap of the doubling delay.
    pub max: Duration,
    /// Delay after the server refused the login.
    pub after_refusal: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(30),
            after_refusal: Duration::from_secs(60),
        }
    }
}

/// Capped exponential backoff with jitter: each delay is drawn from
/// `[d/2, d]`, where `d` starts at `initial` and doubles up to `max`.
pub(crate) struct Backoff {
    policy: RetryPolicy,
    next: Duration,
    rng: XorShift,
}

impl Backoff {
    pub(crate) fn new(policy: RetryPolicy) -> Self {
        Backoff {
            policy,
            next: policy.initial,
            rng: XorShift::from_clock(),
        }
    }

    /// The delay before the next attempt; later calls give longer delays.
    pub(crate) fn next_delay(&mut self) -> Duration {
        let ceiling = self.next.min(self.policy.max);
        self.next = ceiling.saturating_mul(2).min(self.policy.max);
        let half = ceiling / 2;
        let spread = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(self.rng.below(spread.saturating_add(1)))
    }

    /// The delay after a refused login.
    pub(crate) fn after_refusal(&self) -> Duration {
        self.policy.after_refusal
    }

    /// Back to the initial delay, after a connection that worked.
    pub(crate) fn reset(&mut self) {
        self.next = self.policy.initial;
    }
}

/// Marsaglia's xorshift64.
struct XorShift(u64);

impl XorShift {
    fn from_clock() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        // The state must never be zero.
        XorShift(nanos ^ 0x9E37_79B9_7F4A_7C15 | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A value in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_within_jitter_and_stop_at_the_cap() {
        let mut backoff = Backoff::new(RetryPolicy::default());
        let ceilings = [1, 2, 4, 8, 16, 30, 30, 30];
        for ceiling in ceilings {
            let ceiling = Duration::from_secs(ceiling);
            let delay = backoff.next_delay();
            assert!(
                delay >= ceiling / 2 && delay <= ceiling,
                "{delay:?} outside [{:?}, {ceiling:?}]",
                ceiling / 2
            );
        }
        backoff.reset();
        assert!(backoff.next_delay() <= Duration::from_secs(1));
        assert_eq!(backoff.after_refusal(), Duration::from_secs(60));
    }

    #[test]
    fn jitter_varies() {
        let mut rng = XorShift::from_clock();
        let draws: std::collections::HashSet<u64> = (0..16).map(|_| rng.below(1_000_000)).collect();
        assert!(draws.len() > 1);
        assert_eq!(rng.below(0), 0);
    }
}
