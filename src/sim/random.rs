//! Numbers for the simulator: unpredictable ones for login challenges (from
//! the standard library's randomly seeded hasher), and a seeded generator
//! for everything that shapes the event stream, so one seed always gives
//! the same traffic, ids included. Nothing here is cryptographic.

use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A fresh pseudo-random number.
fn random_u64() -> u64 {
    static CALLS: AtomicU64 = AtomicU64::new(0);
    RandomState::new().hash_one(CALLS.fetch_add(1, Ordering::Relaxed))
}

/// A challenge as Asterisk prints it: a non-negative 31-bit number in decimal.
pub(super) fn challenge() -> String {
    (random_u64() >> 33).to_string()
}

/// SplitMix64: small, fast, and the same sequence on every platform.
#[derive(Clone, Debug)]
pub(super) struct SeededRng(u64);

impl SeededRng {
    pub fn new(seed: u64) -> Self {
        SeededRng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `0.0..1.0`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A duration between `low` and `high` seconds, whole milliseconds.
    pub fn between(&mut self, low: f64, high: f64) -> Duration {
        let secs = low + (high - low) * self.unit();
        Duration::from_millis((secs * 1000.0) as u64)
    }

    /// An exponentially distributed wait with this mean (Poisson arrivals).
    pub fn exponential(&mut self, mean: Duration) -> Duration {
        let u = self.unit().max(1e-9);
        mean.mul_f64(-u.ln()).min(mean * 20)
    }

    /// A bridge id shaped like Asterisk's UUIDs (`cf63bd21-190b-41b5-88f4-7ddd84c4b72d`).
    pub fn uuid(&mut self) -> String {
        let (a, b) = (self.next_u64(), self.next_u64());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | (b >> 48) & 0x3fff,
            b & 0xffff_ffff_ffff
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_numbers_and_uuids_are_well_formed() {
        let (mut a, mut b) = (SeededRng::new(7), SeededRng::new(7));
        let first: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let second: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(first, second);
        assert_ne!(SeededRng::new(8).next_u64(), first[0]);
        let id = a.uuid();
        let groups: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert!(a.below(3) < 3);
        assert_eq!(a.below(0), 0);
    }
}
