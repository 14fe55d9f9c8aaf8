//! Unpredictable numbers for login challenges and bridge ids, from the
//! standard library's randomly seeded hasher (no RNG crate needed for a
//! test server; nothing here is cryptographic).

use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};

/// A fresh pseudo-random number.
pub(super) fn random_u64() -> u64 {
    static CALLS: AtomicU64 = AtomicU64::new(0);
    RandomState::new().hash_one(CALLS.fetch_add(1, Ordering::Relaxed))
}

/// A challenge as Asterisk prints it: a non-negative 31-bit number in decimal.
pub(super) fn challenge() -> String {
    (random_u64() >> 33).to_string()
}

/// A bridge id shaped like Asterisk's UUIDs (`cf63bd21-190b-41b5-88f4-7ddd84c4b72d`).
pub(super) fn uuid() -> String {
    let (a, b) = (random_u64(), random_u64());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | (b >> 48) & 0x3fff,
        b & 0xffff_ffff_ffff
    )
}
