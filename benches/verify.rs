//! Offload verification throughput (run: `cargo bench --bench verify`).
//!
//! On the ingest benchmark's generated dump (2,000 files by default;
//! `RUSHES_BENCH_FILES` overrides), measures in one run:
//! 1. a first ingest without `--verify` (today's speed),
//! 2. a first ingest with `--verify` (probe and whole-file xxh64 in one
//!    parallel pass), its hashing bytes/s,
//! 3. `rushes verify`'s re-hash of the same clips (hashing alone),
//! 4. `xxhsum -H64` (Debian's `xxhash`) over the same files, one process,
//!
//! and prints bytes/s of each and the ratios to xxhsum (target: at least
//! 90 %). Every step reads from a warm page cache (each is run once before
//! it is timed), so the comparison is of hashing, not of the disk.
//! Timings are printed, never asserted.

use std::process::Command;
use std::time::Instant;

use rushes::ingest::{IngestOptions, NoProgress, VerifyMode, ingest};
use rushes::library::Library;

#[path = "dump/mod.rs"]
mod dump;
use dump::bench_dump;

fn main() {
    let (tmp, dump, files, bytes) = bench_dump();
    let mb = bytes as f64 / 1e6;
    println!("dump: {} files, {mb:.1} MB", files.len());

    let first_ingest = |name: &str, verify: VerifyMode| {
        let lib = Library::open_or_create(&tmp.path().join(name)).expect("library");
        let opts = IngestOptions { verify, ..IngestOptions::default() };
        let t = Instant::now();
        let report = ingest(&lib, std::slice::from_ref(&dump), &opts, &NoProgress).expect("ingest");
        (t.elapsed().as_secs_f64(), report, lib)
    };
    // Warm the page cache once, untimed.
    let _ = first_ingest("warm", VerifyMode::Off);
    let _ = xxhsum(&files);

    let (plain, report, _) = first_ingest("plain", VerifyMode::Off);
    println!("ingest:            {plain:.3} s ({} added)", report.clips_added);
    let (verified, report, lib) = first_ingest("verified", VerifyMode::New);
    let hashed = report.verify.as_ref().map_or(0, |v| v.hashed_bytes);
    println!(
        "ingest --verify:   {verified:.3} s ({} added, {:.1} MB hashed, {:.0} MB/s; {:.2}x the plain ingest's time)",
        report.clips_added,
        hashed as f64 / 1e6,
        hashed as f64 / 1e6 / verified,
        verified / plain
    );
    let added = verified - plain;
    if added > 0.0 {
        println!(
            "hashing's added time: {added:.3} s ({:.0} MB/s of the ingest's wall time)",
            hashed as f64 / 1e6 / added
        );
    }
    let clips = lib.clips().expect("clips");
    let t = Instant::now();
    let drift = rushes::verify::drift(&clips, &NoProgress);
    let rehash = t.elapsed().as_secs_f64();
    println!("rushes verify:     {rehash:.3} s ({} clips, {:.0} MB/s)", drift.checked, hashed as f64 / 1e6 / rehash);
    match xxhsum(&files) {
        Some(secs) => {
            let theirs = mb / secs;
            println!("xxhsum -H64:       {secs:.3} s ({theirs:.0} MB/s, one process)");
            println!(
                "ratio to xxhsum:   whole ingest --verify {:.0} %, its added time {:.0} %, rushes verify {:.0} % of its bytes/s",
                100.0 * (hashed as f64 / 1e6 / verified) / theirs,
                100.0 * (hashed as f64 / 1e6 / added.max(f64::EPSILON)) / theirs,
                100.0 * (hashed as f64 / 1e6 / rehash) / theirs
            );
        }
        None => println!("xxhsum:            not installed (apt-get install xxhash), no reference"),
    }
}

/// Seconds for `xxhsum -H64` over every file, in one process.
fn xxhsum(files: &[std::path::PathBuf]) -> Option<f64> {
    let t = Instant::now();
    let out = Command::new("xxhsum").arg("-H64").args(files).output().ok()?;
    out.status.success().then(|| t.elapsed().as_secs_f64())
}
