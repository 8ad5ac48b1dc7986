//! Replays every input a fuzzer ever found failing, kept under
//! `fuzz/regressions/<target>/`, through the same check the fuzz target runs
//! (`fuzz/checks.rs`), so a fixed crash, hang or runaway allocation cannot
//! come back unnoticed. `fuzz/run.sh` explores; this test remembers.

#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Far above any reader's time on these small inputs; an input that once
/// hung a reader must come back well within it.
const PER_INPUT: Duration = Duration::from_secs(5);

#[test]
fn every_past_fuzz_failure_now_passes_its_check() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut replayed = 0;
    for (target, check) in checks::TARGETS {
        let dir = root.join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut paths: Vec<PathBuf> = entries.map(|e| e.expect("regression entry").path()).collect();
        paths.sort();
        for path in paths {
            let data = std::fs::read(&path).expect("read regression input");
            let started = Instant::now();
            check(&data);
            assert!(started.elapsed() < PER_INPUT, "{target}: {} took {:?}", path.display(), started.elapsed());
            replayed += 1;
        }
    }
    // The directory is committed with the inputs found so far; an empty
    // replay would mean the test lost its inputs.
    assert!(replayed > 0, "no regression inputs found under {}", root.display());
}
