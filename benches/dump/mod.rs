//! The generated card dump the ingest and verify benchmarks share.

// Each benchmark uses only some of these.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Asks the kernel to drop its page cache (root only), so the first ingest
/// reads from disk as it would after a card copy on a cold machine.
pub fn drop_page_cache() -> bool {
    let _ = Command::new("sync").status();
    std::fs::write("/proc/sys/vm/drop_caches", "3\n").is_ok()
}

/// Copies fixture clips into a realistic layout until `n` files exist.
pub fn make_dump(dump: &Path, n: usize) -> Vec<PathBuf> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dump/2026-03-14");
    let sources = [
        ("A001/PRIVATE/M4ROOT/CLIP/C0001.MP4", "A{card:03}/PRIVATE/M4ROOT/CLIP/C{i:04}.MP4"),
        ("B_CAM/A003C012_260314_R1AB.mov", "B_CAM/B{card:03}/B{card:03}C{i:03}_260314_R1AB.mov"),
        ("C_CAM/DCIM/100GOPRO/GX010042.MP4", "C_CAM/DCIM/{card:03}GOPRO/GX{i:06}.MP4"),
        ("SOUND/T001.WAV", "SOUND/ROLL{card:03}/T{i:04}.WAV"),
        ("D_CAM/NIGHT0001.MP4", "D_CAM/NIGHT{i:04}.MP4"),
    ];
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let (src, pattern) = sources[i % sources.len()];
        let card = i / 100 + 1;
        let rel = pattern
            .replace("{card:03}", &format!("{card:03}"))
            .replace("{i:04}", &format!("{i:04}"))
            .replace("{i:03}", &format!("{:03}", i % 1000))
            .replace("{i:06}", &format!("{i:06}"));
        let dst = dump.join(rel);
        std::fs::create_dir_all(dst.parent().expect("parent")).expect("mkdir");
        std::fs::copy(fixtures.join(src), &dst).expect("copy fixture");
        out.push(dst);
    }
    out
}

/// The benchmarks' dump: `RUSHES_BENCH_FILES` files (default 2,000) in a
/// temporary folder, their paths and total bytes.
pub fn bench_dump() -> (tempfile::TempDir, PathBuf, Vec<PathBuf>, u64) {
    let n: usize = std::env::var("RUSHES_BENCH_FILES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
    let tmp = tempfile::tempdir().expect("temp dir");
    let dump = tmp.path().join("2026-03-14");
    let files = make_dump(&dump, n);
    let bytes: u64 = files.iter().map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0)).sum();
    (tmp, dump, files, bytes)
}
