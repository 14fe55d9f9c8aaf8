//! The fuzz targets' checks (`fuzz/`) in the normal suite: over every real
//! capture (the fuzzers' seeds), and over every input a fuzzer ever found a
//! crash with (`tests/fixtures/fuzz/<target>/`), so a fixed crash stays
//! fixed without nightly or cargo-fuzz.

use std::path::Path;

/// The files under `dir`, sorted; none if it does not exist.
fn inputs(dir: &Path) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn crashes(target: &str) -> Vec<Vec<u8>> {
    inputs(&crate::support::fixtures_dir().join("../fuzz").join(target))
}

#[test]
fn every_capture_passes_the_codec_check() {
    let files = crate::support::ami_files();
    assert!(files.len() > 30, "{files:?}");
    for name in files {
        crate::support::fuzz::codec(&crate::support::read_capture(&name));
    }
}

#[test]
fn every_capture_passes_the_model_and_resync_check() {
    for name in crate::support::ami_files() {
        crate::support::fuzz::model_resync(&crate::support::read_capture(&name));
    }
}

#[test]
fn every_codec_crash_found_stays_fixed() {
    for input in crashes("codec") {
        crate::support::fuzz::codec(&input);
    }
}

#[test]
fn every_model_and_resync_crash_found_stays_fixed() {
    for input in crashes("model_resync") {
        crate::support::fuzz::model_resync(&input);
    }
}
