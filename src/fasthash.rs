//! A small, fast hasher for the panes' maps keyed by short ids.
//!
//! The panes keep ten thousand channels grouped into calls and in table
//! order; with the standard library's DoS-resistant SipHash the hashing
//! alone cost more than the rest of a frame. These keys are ids the model
//! already holds (it hashes them with its own seeded hasher first), so a
//! multiply-rotate hash over 8-byte words (as in rustc's FxHash) is enough.

use std::hash::{BuildHasherDefault, Hasher};

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[derive(Clone, Copy, Debug, Default)]
pub struct FastHasher(u64);

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
        }
        let mut tail = [0u8; 8];
        let rest = chunks.remainder();
        tail[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(tail) ^ (rest.len() as u64) << 56);
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn write_isize(&mut self, n: isize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        // Only the high bits of a product depend on every input bit; the
        // map picks buckets by the low bits, so bring the high ones down
        // (else ids that differ in their last digits share a few buckets).
        self.0.rotate_left(26)
    }
}

/// A `HashMap` using [`FastHasher`].
pub type FastMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// A `HashSet` using [`FastHasher`].
pub type FastSet<T> = std::collections::HashSet<T, BuildHasherDefault<FastHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(bytes: &[u8]) -> u64 {
        let mut hasher = FastHasher::default();
        hasher.write(bytes);
        hasher.finish()
    }

    #[test]
    fn short_keys_differ_by_content_and_length() {
        assert_ne!(hash(b"bridge-1"), hash(b"bridge-2"));
        assert_ne!(hash(b"a"), hash(b"a\0"));
        assert_ne!(
            hash(b"channel:1700000000.12"),
            hash(b"channel:1700000000.21")
        );
        let mut map: FastMap<&str, u32> = FastMap::default();
        map.insert("bridge-1", 1);
        assert_eq!(map.get("bridge-1"), Some(&1));
    }

    #[test]
    fn ids_that_differ_in_their_last_digits_spread_over_buckets() {
        // A map of 1024 buckets picks one by the hash's low 10 bits.
        let buckets: std::collections::HashSet<u64> = (0..1000)
            .map(|n| hash(format!("1700000000.{n}").as_bytes()) & 1023)
            .collect();
        assert!(buckets.len() > 500, "{} buckets", buckets.len());
    }
}
