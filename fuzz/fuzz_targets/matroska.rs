//! The Matroska/WebM EBML walker. What is checked: `fuzz/checks.rs`.
#![no_main]

#[path = "../checks.rs"]
#[allow(dead_code)] // each target uses one check
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::matroska(data));
