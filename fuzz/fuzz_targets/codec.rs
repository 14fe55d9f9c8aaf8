//! The codec on arbitrary bytes, whole and in chunks: no panic, and the same
//! frames however the bytes are split.
#![no_main]

#[path = "../../tests/it/support/fuzz.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::codec(data));
