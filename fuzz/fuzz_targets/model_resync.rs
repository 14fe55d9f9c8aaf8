//! Arbitrary bytes through the codec, the resync's reading of replies and
//! the model, as a dashboard would take them: no panic, whatever arrives.
#![no_main]

#[path = "../../tests/it/support/fuzz.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::model_resync(data));
