//! Ingest throughput on a generated card dump (run: `cargo bench --bench ingest`).
//!
//! Builds a dump of N files (default 2,000; `RUSHES_BENCH_FILES` overrides)
//! by copying the fixture clips into camera/sound card folders under new
//! names, then measures:
//! 1. first ingest into an empty library (every file probed),
//! 2. re-ingest of the unchanged dump (nothing probed),
//! 3. `ffprobe` run once per file on a sample of the same files, as the
//!    reference a script-based logger would pay, extrapolated to N.
//!
//! Timings are printed, never asserted (see README: targets live in notes).

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use rushes::ingest::{IngestOptions, NoProgress, ingest};
use rushes::library::Library;

#[path = "dump/mod.rs"]
mod dump;
use dump::{bench_dump, drop_page_cache};

fn main() {
    let (tmp, dump, files, bytes) = bench_dump();
    println!("dump: {} files, {:.1} MB", files.len(), bytes as f64 / 1e6);

    let lib_dir = tmp.path().join("lib");
    let lib = Library::open_or_create(&lib_dir).expect("library");
    let opts = IngestOptions::default();

    let cold_cache = drop_page_cache();
    let t = Instant::now();
    let first = ingest(&lib, std::slice::from_ref(&dump), &opts, &NoProgress).expect("ingest");
    let cold = t.elapsed().as_secs_f64();
    println!(
        "first ingest:  {:.3} s  ({:.0} files/s; {} added, {} failed; page cache {})",
        cold,
        files.len() as f64 / cold,
        first.clips_added,
        first.failures.len(),
        if cold_cache { "dropped first" } else { "warm (could not drop it)" }
    );

    let t = Instant::now();
    let again = ingest(&lib, std::slice::from_ref(&dump), &opts, &NoProgress).expect("re-ingest");
    let warm = t.elapsed().as_secs_f64();
    println!(
        "re-ingest:     {:.3} s  ({:.0} files/s; {} unchanged)",
        warm,
        files.len() as f64 / warm,
        again.clips_unchanged
    );

    let sample: Vec<&PathBuf> = files.iter().step_by((files.len() / 200).max(1)).collect();
    drop_page_cache();
    let t = Instant::now();
    let mut ok = 0;
    for f in &sample {
        let out = Command::new("ffprobe")
            .args(["-v", "error", "-print_format", "json", "-show_streams", "-show_format"])
            .arg(f)
            .output();
        if out.is_ok_and(|o| o.status.success()) {
            ok += 1;
        }
    }
    if ok == 0 {
        println!("ffprobe:       not installed, no reference");
        return;
    }
    let per_file = t.elapsed().as_secs_f64() / sample.len() as f64;
    let ffprobe_total = per_file * files.len() as f64;
    println!(
        "ffprobe/file:  {:.1} ms each, {:.1} s for the dump (sampled {} files)",
        per_file * 1000.0,
        ffprobe_total,
        sample.len()
    );
    println!("ratio:         first ingest is {:.0}x faster than ffprobe per file", ffprobe_total / cold);
}
