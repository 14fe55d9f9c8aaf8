//! A small, fast hasher for the per-frame maps keyed by short ids.
//!
//! Grouping ten thousand channels into calls happens on every frame; with
//! the standard library's DoS-resistant SipHash the hashing alone cost more
//! than the rest of the frame. These keys come from our own model and live
//! for one frame, so FNV-1a is enough.

use std::hash::{BuildHasherDefault, Hasher};

#[derive(Clone, Copy, Debug)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A `HashMap` using [`Fnv`].
pub type FnvMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<Fnv>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vector_and_map_use() {
        let mut hasher = Fnv::default();
        hasher.write(b"a");
        assert_eq!(hasher.finish(), 0xaf63_dc4c_8601_ec8c);
        let mut map: FnvMap<&str, u32> = FnvMap::default();
        map.insert("bridge-1", 1);
        assert_eq!(map.get("bridge-1"), Some(&1));
    }
}
