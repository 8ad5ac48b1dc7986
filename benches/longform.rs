//! Long-form ingest against SQLite FTS5, whole processes (run: `cargo bench
//! --bench longform`; issue #13's table).
//!
//! Generates a card dump shaped like a long-form interview shoot: by
//! default 1,800 clips of 20–40 minutes (`RUSHES_BENCH_CLIPS`) and
//! 1,000,000 transcript cues in all (`RUSHES_BENCH_CUES`), laid out as
//! `dump/DAY01_2026-03-01/A001/C0001.MP4` with an SRT (one in four a WebVTT)
//! beside each clip. The clips are real media headers: tiny black H.264 +
//! silent AAC files made by `ffmpeg` at 23.976, 25 and 29.97 drop-frame,
//! MP4 or MOV, each with a QuickTime `tmcd` track. A few templates are made
//! (rate × duration × container); every clip is a copy of one with its own
//! start timecode patched into the `tmcd` sample, whose place is found by
//! making each template twice with two timecodes and diffing the files.
//! Cue text comes from the generator of `benches/search.rs` (Zipf
//! vocabulary, stock phrases, speakers), and ten made-up phrases are
//! planted across a cue boundary in ten clips.
//!
//! Then, with nothing but the `rushes` binary, `python3`, the `sqlite3`
//! command-line tool and `/usr/bin/time`:
//! 1. one `rushes ingest DUMP --library L` process: segments/s, peak RSS;
//!    then the library's size, what `rushes clips --json` says each clip's
//!    rate and start timecode are, and a second ingest of the same dump;
//! 2. `benches/fts5_longform.py DUMP DB`, the Python reference (parse the
//!    same files, insert into FTS5, `optimize`): rows/s, peak RSS, DB size;
//! 3. per-process search: `rushes search "…" --limit 20 --json` against
//!    `sqlite3` running the same MATCH with `highlight()` and `ORDER BY rank
//!    LIMIT 20`, alternating, `RUSHES_BENCH_RUNS` runs each (default 50);
//! 4. recall of the planted cross-cue phrases.
//!
//! It prints the table with the issue's goals and writes every figure to
//! `DIR/longform-results.json`. `DIR` is `RUSHES_BENCH_DIR`, or a temporary
//! folder removed afterwards; a dump already generated there with the same
//! parameters is reused (`longform-dump.json` records them), the library and
//! the FTS5 database are always built again. Nothing is dropped from the
//! page cache: every file of the dump is read once before the ingest, so
//! both builds read it warm. Timings are printed, never asserted.
//!
//! At 10× (`RUSHES_BENCH_CLIPS=18000 RUSHES_BENCH_CUES=10000000`) the clips
//! take ~16 GB and the whole run ~27 GB; the bench checks `df` before it
//! writes. Clips cannot be hard links to their template to save space:
//! `rushes ingest` keys files by device and inode and catalogs a linked
//! file once, and each clip carries its own start timecode anyway.
//!
//! `RUSHES_BENCH_BIN=PATH` times another `rushes` binary (an older commit's
//! release build) instead of this one, on the same dump.
//!
//! Needs `ffmpeg`/`ffprobe` (Debian: `apt-get install -y ffmpeg`), `sqlite3`
//! (`apt-get install -y sqlite3`) and a `rushes` built in release mode
//! (`cargo build --release`).

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::Instant;

use serde_json::{Value, json};

/// Bumped when the dump's shape or text changes, so an old dump is not
/// reused.
const CORPUS_VERSION: u32 = 1;
/// Bumped when the template recipe changes.
const TEMPLATE_VERSION: u32 = 1;
const SEED: u64 = 0x10_6f04_d0c5;

/// Size of the vocabulary, head words included.
const VOCAB: usize = 30_000;
/// Zipf exponent (≈1 for natural language).
const ZIPF_S: f64 = 1.0;
/// Share of cues that contain one of the stock phrases.
const STOCK_SHARE: f64 = 0.04;

/// Clips shot per day, cameras, and cards per camera per day.
const CLIPS_PER_DAY: usize = 60;
const CAMERAS: &[&str] = &["A", "B", "C"];
const CARDS_PER_CAMERA_DAY: usize = 2;
/// Template durations (20–40 minutes).
const DURATIONS_S: &[u64] = &[1200, 1500, 1800, 2100, 2400];
/// Transcripts written as WebVTT: one in this many.
const VTT_EVERY: u64 = 4;
/// Planted cross-cue phrases.
const PLANTED: usize = 10;

/// The issue's goals.
const GOAL_RATIO: f64 = 2.0;
const GOAL_RSS_MB: f64 = 400.0;
const GOAL_SIZE_RATIO: f64 = 1.5;
const GOAL_REINGEST_S: f64 = 0.5;

/// A frame rate of the templates.
struct RateSpec {
    /// As `rushes clips --json` writes `fps`.
    label: &'static str,
    /// As ffmpeg takes it.
    ffmpeg: &'static str,
    /// Frames per timecode second.
    nominal: u64,
    drop_frame: bool,
}

const RATES: &[RateSpec] = &[
    RateSpec { label: "23.976", ffmpeg: "24000/1001", nominal: 24, drop_frame: false },
    RateSpec { label: "25", ffmpeg: "25", nominal: 25, drop_frame: false },
    RateSpec { label: "29.97", ffmpeg: "30000/1001", nominal: 30, drop_frame: true },
];

/// Real words at the head of the vocabulary, roughly by spoken frequency
/// (from `benches/search.rs`). Every word of [`STOCK`] must be here.
const HEAD: &str = "the i and to a you it that of was we in is he they my so \
    just like what on know but have this there for me it's not be with all at \
    one do then out up were had about go when yeah well no get she if her him \
    his them think can our would your or really from right here because come \
    back see now time going could more said people said some how there's \
    water river night house day thing down over where why who told very \
    mother father boat road door roof church school village bridge bakery \
    morning days everything nobody everyone nothing something never still \
    always again came went saw heard lost left took got made gave knew \
    thought remember want wanted need had has did does done been being \
    after before until into through under around away off only even also \
    first last three two four five years weeks hours later other each every \
    high low long old new little big good bad worst best life family home \
    town street field farm fire rain storm wind flood mud power light dark \
    cold warm sound hear everywhere bell dog car truck army police help helped afraid scared \
    tell say ask asked look looked find found leave stay stayed wait waited \
    waiting slept sleep eat ate water's children child kids brother sister \
    son daughter friend friends neighbour neighbours man woman men women \
    which than those these many much most any same another next together \
    should might must will shall may way ever yes maybe please thank sorry \
    hand hands head face eyes voice name world country city place places \
    work worked job money food bread shop market window wall floor stairs \
    upstairs outside inside behind across along against between toward \
    standing sitting running walking rowed swim swam carried pulled pushed \
    gone coming happened happen started stopped stop start end began \
    morning's evening afternoon today yesterday tomorrow week month year \
    minutes moment second third half whole part side top bottom front middle \
    sure true real enough almost already soon once twice quite rather";

/// Phrases interviewees keep saying (in [`STOCK_SHARE`] of the cues, the
/// first ones most often).
const STOCK: &[&str] = &[
    "the water came up to the door",
    "we lost everything that night",
    "my mother rowed the boat",
    "nobody knew how high it would go",
    "i remember the sound of the river",
    "we had to leave the house",
    "the bakery was under water",
    "they never came back",
    "it was the worst day of my life",
    "you could hear the church bell",
    "we waited on the roof until morning",
    "the road to the village was gone",
    "my father went back for the dog",
    "i still think about it every day",
    "the army came three days later",
    "there was no power for weeks",
    "we slept in the school",
    "the old bridge was still standing",
    "everyone helped each other",
    "i was so afraid",
    "the children were upstairs",
    "the rain did not stop",
    "we found the car in the field",
    "the mud was everywhere in the house",
];

const SPEAKERS: &[&str] = &["MARIA", "TOM", "AHMED", "LIN", "INTERVIEWER", "SPEAKER 1"];

fn main() {
    let started = Instant::now();
    let n_cues = env_usize("RUSHES_BENCH_CUES", 1_000_000).max(4 * PLANTED);
    let n_clips = env_usize("RUSHES_BENCH_CLIPS", 1_800).clamp(PLANTED, n_cues / 4);
    let runs = env_usize("RUSHES_BENCH_RUNS", 50).max(1);
    let (tmp, dir) = match std::env::var_os("RUSHES_BENCH_DIR") {
        Some(d) => (None, PathBuf::from(d)),
        None => {
            let t = tempfile::tempdir().expect("temp dir");
            let p = t.path().to_path_buf();
            println!("(RUSHES_BENCH_DIR unset: using {} and removing it afterwards)", p.display());
            (Some(t), p)
        }
    };
    std::fs::create_dir_all(&dir).expect("bench dir");
    let dir = dir.canonicalize().expect("bench dir path");
    let tools = Tools::find();

    let text = TextGen::new();
    let plan = Plan::new(n_clips, n_cues);
    let dump = dir.join("dump");
    let lib_dir = dir.join("library");
    let db_path = dir.join("fts5.db");
    println!(
        "shoot: {} clips over {} days, {:.0} hours of footage, {} cues ({:.0} a clip, one every {:.2} s)",
        n_clips,
        plan.clips.last().map_or(0, |c| c.day + 1),
        plan.total_ms as f64 / 3.6e6,
        n_cues,
        n_cues as f64 / n_clips as f64,
        plan.total_ms as f64 / 1000.0 / n_cues as f64
    );

    // 1. The dump, reused when the same parameters made it.
    let params = json!({"version": CORPUS_VERSION, "clips": n_clips, "cues": n_cues, "seed": SEED});
    let marker_path = dir.join("longform-dump.json");
    let marker: Option<Value> = std::fs::read(&marker_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .filter(|m: &Value| m.get("params") == Some(&params) && dump.is_dir());
    let generated = match marker {
        Some(m) => {
            println!("reusing the dump in {} (delete longform-dump.json to write it again)", dump.display());
            m["generated"].clone()
        }
        None => {
            let _ = std::fs::remove_file(&marker_path);
            let templates = make_templates(&dir.join("templates"), &plan);
            check_disk(&dir, &plan, &templates);
            let g = write_dump(&dump, &plan, &text, &templates);
            std::fs::write(
                &marker_path,
                serde_json::to_vec_pretty(&json!({"params": params, "generated": g})).unwrap(),
            )
            .expect("marker");
            g
        }
    };
    verify_media(&plan, &dump);
    let t = Instant::now();
    let warm_bytes = read_all(&dump);
    println!(
        "warmed the page cache: read {:.2} GB of dump in {:.1} s",
        warm_bytes as f64 / 1e9,
        t.elapsed().as_secs_f64()
    );

    // 2. rushes ingest, then what it says about the clips, then again.
    let _ = std::fs::remove_dir_all(&lib_dir);
    let ingest_args: Vec<String> =
        vec!["ingest".into(), path_arg(&dump), "--library".into(), path_arg(&lib_dir), "--json".into()];
    let first = timed(&tools, &tools.rushes, &ingest_args);
    if !first.output.status.success() {
        panic!("rushes ingest failed ({}): {}", first.output.status, String::from_utf8_lossy(&first.output.stderr));
    }
    let report: Value = serde_json::from_slice(&first.output.stdout).expect("rushes ingest --json output");
    let ingest_check = check_ingest(&report, &plan);
    let lib_bytes = dir_size(&lib_dir);
    let clips_check = check_clips(&tools, &lib_dir, &dump, &plan);
    let again = timed(&tools, &tools.rushes, &ingest_args);
    let again_report: Value = serde_json::from_slice(&again.output.stdout).unwrap_or(Value::Null);
    let unchanged = again_report["clips_unchanged"].as_u64().unwrap_or(0);
    let rushes_rate = n_cues as f64 / first.wall_s;
    println!(
        "rushes ingest: {:.1} s, {:.0} segments/s, peak RSS {}; library {:.0} MB; re-ingest {:.3} s ({} of {} clips unchanged)",
        first.wall_s,
        rushes_rate,
        mb(first.rss_mb),
        lib_bytes as f64 / 1e6,
        again.wall_s,
        unchanged,
        n_clips
    );
    if unchanged != n_clips as u64 {
        println!("WARNING: the re-ingest did not find every clip unchanged: {}", compact(&again_report));
    }

    // 3. The FTS5 reference over the same files.
    let _ = std::fs::remove_file(&db_path);
    let peer_script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/fts5_longform.py");
    let peer = timed(&tools, Path::new("python3"), &[path_arg(&peer_script), path_arg(&dump), path_arg(&db_path)]);
    if !peer.output.status.success() {
        panic!("fts5_longform.py failed: {}", String::from_utf8_lossy(&peer.output.stderr));
    }
    let peer_report: Value = serde_json::from_slice(&peer.output.stdout).expect("fts5_longform.py output");
    let peer_rows = peer_report["rows"].as_u64().unwrap_or(0);
    let db_bytes = std::fs::metadata(&db_path).map(|m| m.len()).unwrap_or(0);
    let peer_rate = peer_rows as f64 / peer.wall_s;
    println!(
        "FTS5 (python3 + SQLite {}): {:.1} s, {:.0} rows/s, peak RSS {}; {:.0} MB; {} rows from {} files \
         (parse+insert {:.1} s, optimize {:.1} s)",
        peer_report["sqlite"].as_str().unwrap_or("?"),
        peer.wall_s,
        peer_rate,
        mb(peer.rss_mb),
        db_bytes as f64 / 1e6,
        peer_rows,
        peer_report["files"],
        peer_report["parse_and_insert_s"].as_f64().unwrap_or(f64::NAN),
        peer_report["optimize_s"].as_f64().unwrap_or(f64::NAN)
    );
    if peer_rows != n_cues as u64 {
        println!("WARNING: the FTS5 peer holds {peer_rows} rows, the dump {n_cues} cues");
    }

    // 4. One process per query, rushes and sqlite3 alternating.
    let queries = pick_queries(&plan, &text);
    println!();
    println!(
        "per-process search, {runs} runs each after 3 warm-ups (ms; p99 of {runs} runs is its slowest run or so):"
    );
    println!(
        "{:<12} {:<50} {:>6} {:>8} {:>8} {:>6} {:>8} {:>8}",
        "query", "rushes", "hits", "p50", "p99", "rows", "p50", "p99"
    );
    let mut pooled_rushes = Vec::new();
    let mut pooled_sqlite = Vec::new();
    // Pooled queries whose own p50 and p99 are both at most sqlite3's.
    let (mut n_pooled, mut n_met) = (0, 0);
    let mut query_results = Vec::new();
    for q in &queries {
        let r = run_query(&tools, &lib_dir, &db_path, q, runs);
        println!(
            "{:<12} {:<50} {:>6} {:>8.1} {:>8.1} {:>6} {:>8.1} {:>8.1}{}",
            q.name,
            q.describe(),
            r.rushes_hits,
            percentile(&r.rushes_ms, 0.5),
            percentile(&r.rushes_ms, 0.99),
            r.sqlite_rows,
            percentile(&r.sqlite_ms, 0.5),
            percentile(&r.sqlite_ms, 0.99),
            if q.pooled { "" } else { "  (not pooled: FTS5 cannot find it)" }
        );
        if q.pooled {
            n_pooled += 1;
            let ours = (percentile(&r.rushes_ms, 0.5), percentile(&r.rushes_ms, 0.99));
            let theirs = (percentile(&r.sqlite_ms, 0.5), percentile(&r.sqlite_ms, 0.99));
            n_met += usize::from(ours.0 <= theirs.0 && ours.1 <= theirs.1);
            pooled_rushes.extend_from_slice(&r.rushes_ms);
            pooled_sqlite.extend_from_slice(&r.sqlite_ms);
        }
        query_results.push(json!({
            "name": q.name, "rushes": q.describe(), "fts5": q.fts5, "pooled": q.pooled,
            "rushes_hits": r.rushes_hits, "sqlite_rows": r.sqlite_rows, "runs": runs,
            "rushes_p50_ms": percentile(&r.rushes_ms, 0.5), "rushes_p99_ms": percentile(&r.rushes_ms, 0.99),
            "sqlite_p50_ms": percentile(&r.sqlite_ms, 0.5), "sqlite_p99_ms": percentile(&r.sqlite_ms, 0.99),
        }));
    }
    pooled_rushes.sort_by(f64::total_cmp);
    pooled_sqlite.sort_by(f64::total_cmp);
    let (r50, r99) = (percentile(&pooled_rushes, 0.5), percentile(&pooled_rushes, 0.99));
    let (s50, s99) = (percentile(&pooled_sqlite, 0.5), percentile(&pooled_sqlite, 0.99));

    // 5. The planted phrases.
    let (rushes_found, fts5_found, recall) = recall(&tools, &lib_dir, &db_path, &plan, &text);

    // The table.
    let ratio = rushes_rate / peer_rate;
    let size_ratio = lib_bytes as f64 / db_bytes as f64;
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    let rows: Vec<[String; 5]> = vec![
        [
            "whole ingest, segments/s".into(),
            format!("{rushes_rate:.0} ({:.1} s)", first.wall_s),
            format!("{peer_rate:.0} ({:.1} s)", peer.wall_s),
            format!("≥ {GOAL_RATIO}× FTS5: {ratio:.2}×"),
            verdict(ratio >= GOAL_RATIO).into(),
        ],
        [
            "peak RSS of that ingest".into(),
            mb(first.rss_mb),
            mb(peer.rss_mb),
            format!("≤ {GOAL_RSS_MB} MB"),
            first.rss_mb.map_or("n/a", |m| verdict(m <= GOAL_RSS_MB)).into(),
        ],
        [
            "library on disk".into(),
            format!("{:.0} MB", lib_bytes as f64 / 1e6),
            format!("{:.0} MB", db_bytes as f64 / 1e6),
            format!("≤ {GOAL_SIZE_RATIO}× FTS5 DB: {size_ratio:.2}×"),
            verdict(size_ratio <= GOAL_SIZE_RATIO).into(),
        ],
        [
            "re-ingest, nothing changed".into(),
            format!("{:.3} s", again.wall_s),
            "—".into(),
            format!("< {GOAL_REINGEST_S} s"),
            verdict(again.wall_s < GOAL_REINGEST_S).into(),
        ],
        [
            format!("one search process, phrase, p50 / p99 (all runs of {n_pooled} queries)"),
            format!("{r50:.1} / {r99:.1} ms"),
            format!("sqlite3 CLI {s50:.1} / {s99:.1} ms"),
            format!("both ≤ sqlite3 CLI (per query: {n_met} of {n_pooled})"),
            verdict(r50 <= s50 && r99 <= s99 && n_met == n_pooled).into(),
        ],
        [
            format!("cross-cue phrase recall ({PLANTED} planted)"),
            format!("{rushes_found}/{PLANTED}"),
            format!("{fts5_found}/{PLANTED}"),
            format!("{PLANTED}/{PLANTED}"),
            verdict(rushes_found == PLANTED).into(),
        ],
    ];
    println!();
    println!(
        "{} clips, {} cues, {:.0} h; rushes {}; {}",
        n_clips,
        n_cues,
        plan.total_ms as f64 / 3.6e6,
        tools.rushes.display(),
        if tmp.is_some() { "temporary folder" } else { "RUSHES_BENCH_DIR" }
    );
    println!("| figure | rushes | SQLite FTS5 | goal | |");
    println!("|---|---:|---:|---|---|");
    for r in &rows {
        println!("| {} |", r.join(" | "));
    }
    println!("ratio rushes ÷ FTS5 segments/s: {ratio:.2}");
    if !ingest_check.is_empty() || !clips_check.is_empty() {
        println!("WARNING: see above, the ingest did not bring in the dump as generated:");
        for w in ingest_check.iter().chain(&clips_check) {
            println!("  - {w}");
        }
    }

    let disk = dir_size(&dir);
    let results = json!({
        "params": params,
        "generated": generated,
        "shoot_hours": plan.total_ms as f64 / 3.6e6,
        "rushes_binary": path_arg(&tools.rushes),
        "ingest": {
            "wall_s": first.wall_s, "segments_per_s": rushes_rate, "peak_rss_mb": first.rss_mb,
            "library_bytes": lib_bytes, "report_summary": summary(&report), "problems": ingest_check,
            "clips_check_problems": clips_check,
        },
        "reingest": {"wall_s": again.wall_s, "peak_rss_mb": again.rss_mb, "clips_unchanged": unchanged},
        "fts5": {
            "wall_s": peer.wall_s, "rows_per_s": peer_rate, "peak_rss_mb": peer.rss_mb, "db_bytes": db_bytes,
            "report": peer_report,
        },
        "ratio_segments_per_s": ratio,
        "size_ratio": size_ratio,
        "search": {
            "runs": runs, "queries": query_results,
            "pooled": {
                "rushes_p50_ms": r50, "rushes_p99_ms": r99, "sqlite_p50_ms": s50, "sqlite_p99_ms": s99,
                "queries": n_pooled, "queries_both_le_sqlite": n_met,
            },
        },
        "recall": {"planted": PLANTED, "rushes": rushes_found, "fts5": fts5_found, "phrases": recall},
        "goals": {
            "ratio": GOAL_RATIO, "rss_mb": GOAL_RSS_MB, "size_ratio": GOAL_SIZE_RATIO, "reingest_s": GOAL_REINGEST_S,
        },
        "disk_bytes": disk,
        "bench_wall_s": started.elapsed().as_secs_f64(),
    });
    std::fs::write(dir.join("longform-results.json"), serde_json::to_vec_pretty(&results).expect("json"))
        .expect("results");
    println!(
        "wrote {}; {:.2} GB on disk in {}; whole bench {:.0} s",
        dir.join("longform-results.json").display(),
        disk as f64 / 1e9,
        dir.display(),
        started.elapsed().as_secs_f64()
    );
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.replace(['_', ','], "").parse().ok()).unwrap_or(default)
}

fn path_arg(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn mb(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |m| format!("{m:.0} MB"))
}

fn compact(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 400 { format!("{}…", s.chars().take(400).collect::<String>()) } else { s }
}

// ---------------------------------------------------------------------------
// Tools

/// The programs the bench runs, found before anything is generated.
struct Tools {
    rushes: PathBuf,
    /// `/usr/bin/time`, for peak RSS; without it RSS is "n/a".
    time: Option<PathBuf>,
    sqlite3: String,
}

impl Tools {
    fn find() -> Tools {
        let runs = |prog: &str, arg: &str| Command::new(prog).arg(arg).output().is_ok_and(|o| o.status.success());
        for (prog, arg, hint) in [
            ("ffmpeg", "-version", "apt-get install -y ffmpeg"),
            ("ffprobe", "-version", "apt-get install -y ffmpeg"),
            ("python3", "--version", "apt-get install -y python3"),
        ] {
            assert!(runs(prog, arg), "the longform bench needs `{prog}` ({hint})");
        }
        let sqlite3 = if Path::new("/usr/bin/sqlite3").exists() { "/usr/bin/sqlite3" } else { "sqlite3" };
        assert!(runs(sqlite3, "--version"), "the longform bench needs the sqlite3 CLI (apt-get install -y sqlite3)");
        // `RUSHES_BENCH_BIN` runs another build (an older commit's, for a
        // before/after table) on the same dump.
        let rushes = std::env::var_os("RUSHES_BENCH_BIN")
            .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_rushes")), PathBuf::from);
        assert!(rushes.exists(), "{} is not built (cargo build --release)", rushes.display());
        let time = Some(PathBuf::from("/usr/bin/time")).filter(|p| p.exists());
        if time.is_none() {
            println!("(no /usr/bin/time: peak RSS is not measured; apt-get install -y time)");
        }
        Tools { rushes, time, sqlite3: sqlite3.to_string() }
    }
}

/// A whole process: its wall time and, with `/usr/bin/time -v`, its peak
/// resident set.
struct Timed {
    wall_s: f64,
    rss_mb: Option<f64>,
    output: Output,
}

fn timed(tools: &Tools, prog: &Path, args: &[String]) -> Timed {
    let mut cmd = match &tools.time {
        Some(time) => {
            let mut c = Command::new(time);
            c.arg("-v").arg(prog);
            c
        }
        None => Command::new(prog),
    };
    cmd.args(args);
    let t = Instant::now();
    let output = cmd.output().unwrap_or_else(|e| panic!("cannot run {}: {e}", prog.display()));
    let wall_s = t.elapsed().as_secs_f64();
    let rss_mb = tools.time.as_ref().and_then(|_| {
        String::from_utf8_lossy(&output.stderr)
            .lines()
            .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
    });
    Timed { wall_s, rss_mb, output }
}

// ---------------------------------------------------------------------------
// The shoot: clips, their rates, start timecodes and cue counts

/// SplitMix64: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A stateless hash for per-position choices.
fn mix(a: u64, b: u64) -> u64 {
    Rng(a.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ b).next()
}

/// Which template a clip copies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct TemplateKey {
    rate: usize,
    duration: usize,
    mov: bool,
}

impl TemplateKey {
    fn file_name(self) -> String {
        let r = RATES[self.rate].label.replace('.', "_");
        format!("tpl-{r}-{}s.{}", DURATIONS_S[self.duration], if self.mov { "mov" } else { "mp4" })
    }
}

struct ClipPlan {
    day: usize,
    /// `DAY01_2026-03-01/A001/C0001.MP4`.
    rel_path: String,
    template: TemplateKey,
    /// Start timecode as a frame count (what the `tmcd` sample holds).
    start_frame: u64,
    /// Cues of this clip: `first..first + count` of the shoot's.
    first: usize,
    count: usize,
    vtt: bool,
    /// The planted phrase whose boundary is in this clip, if any.
    planted: Option<usize>,
}

impl ClipPlan {
    fn duration_ms(&self) -> u64 {
        DURATIONS_S[self.template.duration] * 1000
    }

    fn start_label(&self) -> String {
        tc_label(self.start_frame, &RATES[self.template.rate])
    }

    fn day_text(&self) -> String {
        date_after(2026, 3, 1, self.day)
    }

    fn transcript_rel(&self) -> String {
        let stem = self.rel_path.rsplit_once('.').map_or(self.rel_path.as_str(), |(s, _)| s);
        format!("{stem}.{}", if self.vtt { "vtt" } else { "srt" })
    }
}

struct Plan {
    clips: Vec<ClipPlan>,
    total_ms: u64,
}

impl Plan {
    fn new(n_clips: usize, n_cues: usize) -> Plan {
        let mut rng = Rng(SEED ^ 0x51a7);
        let per_camera = CLIPS_PER_DAY / CAMERAS.len();
        let per_card = per_camera.div_ceil(CARDS_PER_CAMERA_DAY);
        let mut clip_no = vec![0usize; CAMERAS.len()];
        // Where each camera's day has got to, in timecode seconds.
        let mut clock = vec![0u64; CAMERAS.len()];
        let mut clips = Vec::with_capacity(n_clips);
        for c in 0..n_clips {
            let day = c / CLIPS_PER_DAY;
            let within = c % CLIPS_PER_DAY;
            let cam = (within / per_camera).min(CAMERAS.len() - 1);
            let card_in_day = (within % per_camera) / per_card;
            if within.is_multiple_of(per_camera) {
                clock[cam] = 8 * 3600 + cam as u64 * 420;
            }
            let card = day * CARDS_PER_CAMERA_DAY + card_in_day + 1;
            clip_no[cam] += 1;
            let rate = (day + cam) % RATES.len();
            let mov = CAMERAS[cam] == "B" || day % 4 == 3;
            let duration = rng.below(DURATIONS_S.len());
            let spec = &RATES[rate];
            // A start label on a whole second plus some frames; a label that
            // drop-frame skips is moved to frame 2.
            let secs = clock[cam] % 86_400;
            let mut ff = rng.below(spec.nominal as usize) as u64;
            if spec.drop_frame && secs.is_multiple_of(60) && !(secs / 60).is_multiple_of(10) && ff < 2 {
                ff = 2;
            }
            let start_frame = label_frames(secs / 3600, secs / 60 % 60, secs % 60, ff, spec);
            clock[cam] += DURATIONS_S[duration] + 30 + rng.below(300) as u64;
            let ext = if mov { "MOV" } else { "MP4" };
            let rel_path = format!(
                "DAY{:02}_{}/{}{:03}/C{:04}.{ext}",
                day + 1,
                date_after(2026, 3, 1, day),
                CAMERAS[cam],
                card,
                clip_no[cam]
            );
            let vtt = mix(SEED, c as u64).is_multiple_of(VTT_EVERY);
            let template = TemplateKey { rate, duration, mov };
            clips.push(ClipPlan { day, rel_path, template, start_frame, first: 0, count: 0, vtt, planted: None });
        }
        // Cues in proportion to each clip's length, n_cues in all.
        let total_ms: u64 = clips.iter().map(ClipPlan::duration_ms).sum();
        let mut before = 0u128;
        for c in &mut clips {
            let first = (n_cues as u128 * before / u128::from(total_ms)) as usize;
            before += u128::from(c.duration_ms());
            let end = (n_cues as u128 * before / u128::from(total_ms)) as usize;
            c.first = first;
            c.count = end - first;
        }
        for p in 0..PLANTED {
            let c = p * n_clips / PLANTED + n_clips / (2 * PLANTED);
            clips[c.min(n_clips - 1)].planted = Some(p);
        }
        Plan { clips, total_ms }
    }

    /// The clips whose patched copies are checked with ffprobe: one per
    /// rate and container.
    fn samples(&self) -> Vec<usize> {
        let mut seen = HashSet::new();
        (0..self.clips.len())
            .filter(|&i| seen.insert((self.clips[i].template.rate, self.clips[i].template.mov)))
            .collect()
    }
}

/// Frames since midnight of a timecode label (drop-frame labels skip
/// frames 0 and 1 of every minute but each tenth).
fn label_frames(hh: u64, mm: u64, ss: u64, ff: u64, spec: &RateSpec) -> u64 {
    let total = ((hh * 60 + mm) * 60 + ss) * spec.nominal + ff;
    if spec.drop_frame {
        let minutes = hh * 60 + mm;
        total - 2 * (minutes - minutes / 10)
    } else {
        total
    }
}

/// The label of a frame count, as ffprobe and rushes write it.
fn tc_label(frames: u64, spec: &RateSpec) -> String {
    let n = spec.nominal;
    let mut f = frames;
    if spec.drop_frame {
        // 17,982 frames every ten minutes; 1,798 every minute but the first.
        let ten = f / 17_982;
        let rem = f % 17_982;
        f += 18 * ten + if rem >= 2 { 2 * ((rem - 2) / 1_798) } else { 0 };
    }
    let sep = if spec.drop_frame { ';' } else { ':' };
    format!("{:02}:{:02}:{:02}{sep}{:02}", f / (3600 * n) % 24, f / (60 * n) % 60, f / n % 60, f % n)
}

/// The date `days` after `y-m-d`, as YYYY-MM-DD.
fn date_after(y: u32, m: u32, d: u32, days: usize) -> String {
    let (mut y, mut m, mut d) = (y, m, d);
    for _ in 0..days {
        let leap = y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400));
        let len = match m {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        d += 1;
        if d > len {
            (d, m) = (1, m + 1);
            if m > 12 {
                (m, y) = (1, y + 1);
            }
        }
    }
    format!("{y:04}-{m:02}-{d:02}")
}

// ---------------------------------------------------------------------------
// Cue text (adapted from benches/search.rs)

struct TextGen {
    /// Vocabulary, then the planted phrases' made-up words.
    vocab: Vec<String>,
    cdf: Vec<f64>,
    stock: Vec<Vec<u32>>,
    stock_cdf: Vec<f64>,
    /// Word ids of each planted phrase.
    planted: Vec<Vec<u32>>,
}

/// One generated cue.
struct GenCue {
    words: Vec<u32>,
    speaker: usize,
    start_ms: u64,
    end_ms: u64,
}

impl TextGen {
    fn new() -> TextGen {
        let mut rng = Rng(0x5e_ed0f_f00d);
        let mut vocab = vocabulary(&mut rng);
        let index: HashMap<&str, u32> = vocab.iter().enumerate().map(|(i, w)| (w.as_str(), i as u32)).collect();
        let stock: Vec<Vec<u32>> = STOCK
            .iter()
            .map(|p| {
                p.split(' ').map(|w| *index.get(w).unwrap_or_else(|| panic!("stock word {w:?} not in HEAD"))).collect()
            })
            .collect();
        let cdf = zipf_cdf(vocab.len(), ZIPF_S);
        let stock_cdf = zipf_cdf(stock.len(), 1.0);
        // Made-up words the vocabulary cannot make (its syllables have no
        // x, q, y or v-r), 4 to 6 of them a phrase.
        let mut seen: HashSet<String> = vocab.iter().cloned().collect();
        let mut planted = Vec::with_capacity(PLANTED);
        for p in 0..PLANTED {
            let mut phrase = Vec::new();
            while phrase.len() < 4 + p % 3 {
                let mut w = String::new();
                for k in 0..2 + rng.below(2) {
                    let onsets: &[&str] =
                        if k == 0 { &["x", "q", "y", "vr", "zh"] } else { &["l", "n", "x", "k", "m"] };
                    w.push_str(onsets[rng.below(onsets.len())]);
                    w.push_str(["a", "e", "i", "o", "u", "ai"][rng.below(6)]);
                }
                w.push_str(["x", "q", "nd", "l"][rng.below(4)]);
                if seen.insert(w.clone()) {
                    vocab.push(w);
                    phrase.push(vocab.len() as u32 - 1);
                }
            }
            planted.push(phrase);
        }
        TextGen { vocab, cdf, stock, stock_cdf, planted }
    }

    fn phrase(&self, ids: &[u32]) -> String {
        ids.iter().map(|&w| self.vocab[w as usize].as_str()).collect::<Vec<_>>().join(" ")
    }

    fn planted_text(&self, p: usize) -> String {
        self.phrase(&self.planted[p])
    }

    /// Clip `c`'s cues, deterministic per clip.
    fn cues(&self, plan: &Plan, c: usize) -> Vec<GenCue> {
        let clip = &plan.clips[c];
        let mut rng = Rng(mix(SEED, 1_000_003 + c as u64));
        let draw = |rng: &mut Rng, cdf: &[f64]| {
            let u = rng.unit();
            cdf.partition_point(|&x| x < u).min(cdf.len() - 1)
        };
        let step = clip.duration_ms() / clip.count.max(1) as u64;
        let lead = (step / 10).min(100);
        let pair = [rng.below(SPEAKERS.len()), rng.below(SPEAKERS.len())];
        let mut who = 0;
        let mut out: Vec<GenCue> = Vec::with_capacity(clip.count);
        for j in 0..clip.count {
            if rng.unit() < 0.25 {
                who = 1 - who;
            }
            let len = 7 + rng.below(11);
            let mut words: Vec<u32> = (0..len).map(|_| draw(&mut rng, &self.cdf) as u32).collect();
            if rng.unit() < STOCK_SHARE {
                let p = &self.stock[draw(&mut rng, &self.stock_cdf)];
                let at = rng.below(words.len().saturating_sub(p.len()) + 1);
                words.splice(at..(at + p.len()).min(words.len()), p.iter().copied());
            }
            let start_ms = j as u64 * step + lead;
            out.push(GenCue { words, speaker: pair[who], start_ms, end_ms: start_ms + step * 8 / 10 });
        }
        if let Some(p) = clip.planted {
            // The end of one cue and the start of the next, same speaker.
            let phrase = &self.planted[p];
            let j = clip.count / 2 - 1;
            let k = phrase.len() / 2;
            let tail = &mut out[j].words;
            let keep = tail.len() - k;
            tail.splice(keep.., phrase[..k].iter().copied());
            out[j + 1].words.splice(..phrase.len() - k, phrase[k..].iter().copied());
            out[j + 1].speaker = out[j].speaker;
        }
        out
    }

    /// Speech-like text: a capital, a comma now and then, a full stop or
    /// question mark; two lines when long.
    fn text(&self, cue: &GenCue, key: u64) -> String {
        let mut out = String::new();
        let half = if cue.words.len() > 8 { cue.words.len() / 2 } else { usize::MAX };
        for (k, &w) in cue.words.iter().enumerate() {
            let word = &self.vocab[w as usize];
            if k == 0 {
                let mut cs = word.chars();
                if let Some(c) = cs.next() {
                    out.extend(c.to_uppercase());
                    out.push_str(cs.as_str());
                }
                continue;
            }
            out.push(if k == half { '\n' } else { ' ' });
            out.push_str(word);
            if k + 1 < cue.words.len() && mix(key, k as u64).is_multiple_of(9) {
                out.push(',');
            }
        }
        out.push(if mix(key, 999).is_multiple_of(6) { '?' } else { '.' });
        out
    }

    /// The clip's transcript: SRT with a `NAME:` prefix when the speaker
    /// changes, or WebVTT with a `<v NAME>` voice on a change and now and
    /// then besides.
    fn transcript(&self, plan: &Plan, c: usize) -> String {
        let clip = &plan.clips[c];
        let cues = self.cues(plan, c);
        let mut s = String::with_capacity(cues.len() * 100);
        if clip.vtt {
            s.push_str("WEBVTT\n\n");
        }
        let mut last = usize::MAX;
        for (j, cue) in cues.iter().enumerate() {
            let text = self.text(cue, (clip.first + j) as u64);
            let name = SPEAKERS[cue.speaker];
            let changed = cue.speaker != last;
            last = cue.speaker;
            if clip.vtt {
                let (a, b) = (clock(cue.start_ms, '.'), clock(cue.end_ms, '.'));
                let voice = changed || mix(clip.first as u64, j as u64).is_multiple_of(3);
                let tag = if voice { format!("<v {name}>") } else { String::new() };
                let _ = write!(s, "{a} --> {b}\n{tag}{text}\n\n");
            } else {
                let (a, b) = (clock(cue.start_ms, ','), clock(cue.end_ms, ','));
                let prefix = if changed { format!("{name}: ") } else { String::new() };
                let _ = write!(s, "{}\n{a} --> {b}\n{prefix}{text}\n\n", j + 1);
            }
        }
        s
    }
}

fn clock(ms: u64, sep: char) -> String {
    format!("{:02}:{:02}:{:02}{sep}{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

/// HEAD, then made-up words from syllables until [`VOCAB`].
fn vocabulary(rng: &mut Rng) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut vocab = Vec::with_capacity(VOCAB + 64);
    for w in HEAD.split_whitespace() {
        // Apostrophes would split into two tokens; keep single-token words.
        if w.chars().all(|c| c.is_ascii_lowercase()) && seen.insert(w.to_string()) {
            vocab.push(w.to_string());
        }
    }
    const ONSETS: &[&str] = &[
        "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "ch", "cl",
        "dr", "fl", "gr", "kr", "pl", "sh", "st", "th", "tr",
    ];
    const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ea", "ou"];
    const CODAS: &[&str] = &["", "", "", "n", "r", "l", "s", "t", "m", "nd", "st"];
    while vocab.len() < VOCAB {
        let mut w = String::new();
        for _ in 0..2 + rng.below(2) {
            w.push_str(ONSETS[rng.below(ONSETS.len())]);
            w.push_str(VOWELS[rng.below(VOWELS.len())]);
        }
        w.push_str(CODAS[rng.below(CODAS.len())]);
        if seen.insert(w.clone()) {
            vocab.push(w);
        }
    }
    vocab
}

fn zipf_cdf(n: usize, s: f64) -> Vec<f64> {
    let mut acc = 0.0;
    let mut cdf: Vec<f64> = (1..=n)
        .map(|r| {
            acc += 1.0 / (r as f64).powf(s);
            acc
        })
        .collect();
    for c in &mut cdf {
        *c /= acc;
    }
    cdf
}

// ---------------------------------------------------------------------------
// Media templates and the dump

/// A template file and where its `tmcd` sample (a big-endian frame count)
/// is.
struct Template {
    bytes: Vec<u8>,
    tmcd_at: usize,
}

/// Makes (or reuses) one template per rate × duration × container used.
fn make_templates(dir: &Path, plan: &Plan) -> HashMap<TemplateKey, Template> {
    std::fs::create_dir_all(dir).expect("templates dir");
    let index_path = dir.join("templates.json");
    let index: Value = std::fs::read(&index_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .filter(|v: &Value| v["version"] == TEMPLATE_VERSION)
        .unwrap_or_else(|| json!({"version": TEMPLATE_VERSION, "tmcd_at": {}}));
    let mut keys: Vec<TemplateKey> = plan.clips.iter().map(|c| c.template).collect();
    keys.sort_by_key(|k| (k.rate, k.duration, k.mov));
    keys.dedup();
    let todo: Vec<TemplateKey> = keys
        .iter()
        .copied()
        .filter(|k| index["tmcd_at"][k.file_name()].as_u64().is_none() || !dir.join(k.file_name()).exists())
        .collect();
    let t = Instant::now();
    let made: Mutex<Vec<(TemplateKey, usize)>> = Mutex::new(Vec::new());
    let queue = Mutex::new(todo.clone());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let Some(k) = queue.lock().unwrap().pop() else { break };
                    let at = make_template(dir, k);
                    made.lock().unwrap().push((k, at));
                }
            });
        }
    });
    let mut index = index;
    for (k, at) in made.into_inner().unwrap() {
        index["tmcd_at"][k.file_name()] = json!(at);
    }
    std::fs::write(&index_path, serde_json::to_vec_pretty(&index).expect("json")).expect("templates.json");
    let mut out = HashMap::new();
    let mut total = 0u64;
    for k in keys {
        let bytes = std::fs::read(dir.join(k.file_name())).expect("template");
        total += bytes.len() as u64;
        let tmcd_at = index["tmcd_at"][k.file_name()].as_u64().expect("tmcd offset") as usize;
        out.insert(k, Template { bytes, tmcd_at });
    }
    println!(
        "templates: {} (rate × 20–40 min × MP4/MOV), {:.1} MB in all; {} made with ffmpeg in {:.1} s",
        out.len(),
        total as f64 / 1e6,
        todo.len(),
        t.elapsed().as_secs_f64()
    );
    out
}

/// Makes one template twice, with two start timecodes, and returns where
/// the two files differ: the `tmcd` sample.
fn make_template(dir: &Path, k: TemplateKey) -> usize {
    let spec = &RATES[k.rate];
    let sep = if spec.drop_frame { ';' } else { ':' };
    let make = |tc: &str, out: &Path| {
        let status = Command::new("ffmpeg")
            .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
            .arg(format!("color=black:s=16x16:r={}", spec.ffmpeg))
            .args(["-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono"])
            .args(["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-b:a", "8k", "-timecode", tc, "-t"])
            .arg(DURATIONS_S[k.duration].to_string())
            .arg(out)
            .status()
            .expect("run ffmpeg");
        assert!(status.success(), "ffmpeg failed making {}", out.display());
    };
    let path = dir.join(k.file_name());
    let other = dir.join(format!("other-{}", k.file_name()));
    let (a, b) = (label_frames(10, 0, 0, 0, spec), label_frames(11, 11, 11, 11, spec));
    make(&format!("10:00:00{sep}00"), &path);
    make(&format!("11:11:11{sep}11"), &other);
    let (x, y) = (std::fs::read(&path).expect("template"), std::fs::read(&other).expect("template"));
    let _ = std::fs::remove_file(&other);
    assert_eq!(x.len(), y.len(), "{}: the two timecodes made files of different sizes", path.display());
    let diff: Vec<usize> = (0..x.len()).filter(|&i| x[i] != y[i]).collect();
    let (&lo, &hi) = (diff.first().expect("files differ"), diff.last().expect("files differ"));
    let be = |v: &[u8], at: usize| v.get(at..at + 4).map(|w| u32::from_be_bytes([w[0], w[1], w[2], w[3]]) as u64);
    (hi.saturating_sub(3)..=lo)
        .find(|&at| be(&x, at) == Some(a) && be(&y, at) == Some(b))
        .unwrap_or_else(|| panic!("{}: no 4-byte frame count among the bytes that differ ({diff:?})", path.display()))
}

/// Bytes the run will need, against what the disk has free.
fn check_disk(dir: &Path, plan: &Plan, templates: &HashMap<TemplateKey, Template>) {
    let media: u64 = plan.clips.iter().map(|c| templates[&c.template].bytes.len() as u64).sum();
    let cues = plan.clips.last().map_or(0, |c| c.first + c.count) as u64;
    // Transcripts ~90 B a cue; the library and the FTS5 DB at most ~0.8 KB
    // a cue between them (the old index: ~570 B).
    let need = media + cues * 900;
    let free = Command::new("df")
        .args(["-Pk"])
        .arg(dir)
        .output()
        .ok()
        .and_then(|o| {
            let text = String::from_utf8_lossy(&o.stdout).into_owned();
            text.lines().nth(1).and_then(|l| l.split_whitespace().nth(3)).and_then(|v| v.parse::<u64>().ok())
        })
        .map(|kb| kb * 1024);
    println!(
        "disk: media copies {:.1} GB, about {:.1} GB in all; {} free",
        media as f64 / 1e9,
        need as f64 / 1e9,
        free.map_or("? GB".into(), |f| format!("{:.1} GB", f as f64 / 1e9))
    );
    if free.is_some_and(|f| f < need) {
        // Hard links would not help: `rushes ingest` keys files by device
        // and inode and catalogs a linked file once, so every clip must be
        // its own file.
        panic!("not enough disk for this size: lower RUSHES_BENCH_CLIPS/RUSHES_BENCH_CUES or free some space");
    }
}

/// Writes every clip (its template with its own start timecode) and its
/// transcript.
fn write_dump(dump: &Path, plan: &Plan, text: &TextGen, templates: &HashMap<TemplateKey, Template>) -> Value {
    let _ = std::fs::remove_dir_all(dump);
    let t = Instant::now();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let sizes = Mutex::new((0u64, 0u64));
    std::thread::scope(|s| {
        for w in 0..threads {
            let sizes = &sizes;
            s.spawn(move || {
                let (mut media, mut words) = (0u64, 0u64);
                for c in (w..plan.clips.len()).step_by(threads) {
                    let clip = &plan.clips[c];
                    let path = dump.join(&clip.rel_path);
                    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
                    let tpl = &templates[&clip.template];
                    let mut bytes = tpl.bytes.clone();
                    bytes[tpl.tmcd_at..tpl.tmcd_at + 4].copy_from_slice(&(clip.start_frame as u32).to_be_bytes());
                    std::fs::write(&path, &bytes).expect("write clip");
                    let transcript = text.transcript(plan, c);
                    std::fs::write(dump.join(clip.transcript_rel()), &transcript).expect("write transcript");
                    media += bytes.len() as u64;
                    words += transcript.len() as u64;
                }
                let mut s = sizes.lock().unwrap();
                s.0 += media;
                s.1 += words;
            });
        }
    });
    let (media, words) = sizes.into_inner().unwrap();
    let secs = t.elapsed().as_secs_f64();
    let vtt = plan.clips.iter().filter(|c| c.vtt).count();
    println!(
        "dump: {} clips ({:.2} GB) and {} transcripts ({} SRT, {vtt} WebVTT; {:.0} MB) written in {secs:.1} s",
        plan.clips.len(),
        media as f64 / 1e9,
        plan.clips.len(),
        plan.clips.len() - vtt,
        words as f64 / 1e6
    );
    json!({"media_bytes": media, "transcript_bytes": words, "seconds": secs})
}

/// Checks a few patched copies with ffprobe.
fn verify_media(plan: &Plan, dump: &Path) {
    let mut lines = Vec::new();
    for c in plan.samples() {
        let clip = &plan.clips[c];
        let out = Command::new("ffprobe")
            .args(["-v", "error", "-show_entries", "stream_tags=timecode:stream=r_frame_rate", "-of", "json"])
            .arg(dump.join(&clip.rel_path))
            .output()
            .expect("run ffprobe");
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        let streams = v["streams"].as_array().cloned().unwrap_or_default();
        let tc = streams.iter().find_map(|s| s["tags"]["timecode"].as_str().map(str::to_string));
        let want = clip.start_label();
        let ok = tc.as_deref() == Some(want.as_str());
        lines.push(format!(
            "{} {} {}{}",
            clip.rel_path,
            streams.first().and_then(|s| s["r_frame_rate"].as_str()).unwrap_or("?"),
            tc.as_deref().unwrap_or("no timecode"),
            if ok { String::new() } else { format!(" — WANTED {want}") }
        ));
        if !ok {
            println!("WARNING: ffprobe reads another start timecode than the one patched in");
        }
    }
    println!("ffprobe on patched copies: {}", lines.join("; "));
}

/// Reads every file once, so the ingest and the FTS5 build find the dump
/// in the page cache however it came to be there.
fn read_all(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(b) = std::fs::read(&p) {
                total += b.len() as u64;
            }
        }
    }
    total
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|rd| {
            rd.flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------
// What the ingest brought in

/// The ingest report's counts, without its per-file lists.
fn summary(report: &Value) -> Value {
    let mut out = serde_json::Map::new();
    if let Some(obj) = report.as_object() {
        for (k, v) in obj {
            let v = match v {
                Value::Array(a) => json!(a.len()),
                other => other.clone(),
            };
            out.insert(k.clone(), v);
        }
    }
    Value::Object(out)
}

/// Problems with the ingest's summary: clips or transcripts missing.
fn check_ingest(report: &Value, plan: &Plan) -> Vec<String> {
    let n_clips = plan.clips.len() as u64;
    let n_cues = plan.clips.last().map_or(0, |c| c.first + c.count) as u64;
    let count = |k: &str| report[k].as_u64().or_else(|| report[k].as_array().map(|a| a.len() as u64)).unwrap_or(0);
    println!(
        "ingest report: {} clips added, {} failures, {} transcripts attached of {n_clips}, {} segments of {n_cues}, \
         {} unmatched, {} warnings, {} skipped",
        count("clips_added"),
        count("failures"),
        count("transcripts_attached"),
        count("segments"),
        count("transcripts_unmatched"),
        count("warnings"),
        count("sidecars_skipped")
    );
    let mut problems = Vec::new();
    if count("clips_added") != n_clips {
        problems.push(format!("{} clips added, {n_clips} in the dump", count("clips_added")));
    }
    if count("transcripts_attached") != n_clips {
        problems.push(format!("{} transcripts attached of {n_clips}", count("transcripts_attached")));
    }
    if count("segments") != n_cues {
        problems.push(format!("{} segments imported of {n_cues} cues", count("segments")));
    }
    for k in ["failures", "transcripts_unmatched", "sidecars_skipped", "warnings"] {
        if let Some(first) = report[k].as_array().and_then(|a| a.first()) {
            problems.push(format!("{} {k}, e.g. {}", count(k), compact(first)));
        }
    }
    for p in &problems {
        println!("WARNING: {p}");
    }
    problems
}

/// What `rushes clips --json` says each clip is, against the plan.
fn check_clips(tools: &Tools, lib_dir: &Path, dump: &Path, plan: &Plan) -> Vec<String> {
    let out =
        Command::new(&tools.rushes).args(["clips", "--json", "--library"]).arg(lib_dir).output().expect("rushes clips");
    let clips: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let by_path: HashMap<String, &ClipPlan> =
        plan.clips.iter().map(|c| (path_arg(&dump.join(&c.rel_path)), c)).collect();
    let mut problems = Vec::new();
    let mut ok = 0;
    let mut seen = 0;
    for v in &clips {
        let Some(c) = v["path"].as_str().and_then(|p| by_path.get(p)) else { continue };
        seen += 1;
        let spec = &RATES[c.template.rate];
        let got = (
            v["fps"].as_str().unwrap_or("?"),
            v["drop_frame"].as_bool(),
            v["start_tc"].as_str().unwrap_or("?"),
            v["day"].as_str().unwrap_or("?"),
        );
        let want_start = c.start_label();
        let want_day = c.day_text();
        let want = (spec.label, Some(spec.drop_frame), want_start.as_str(), want_day.as_str());
        let long = (v["duration_s"].as_f64().unwrap_or(0.0) - DURATIONS_S[c.template.duration] as f64).abs() < 1.0;
        let words = v["segments"].as_u64() == Some(c.count as u64);
        if got == want && long && words {
            ok += 1;
        } else if problems.len() < 5 {
            problems.push(format!(
                "{}: rushes says {} fps df={:?} start {} day {} {:.1} s {} segments; wanted {} df={} {} {} {} s {} segments",
                c.rel_path,
                got.0,
                got.1,
                got.2,
                got.3,
                v["duration_s"].as_f64().unwrap_or(0.0),
                v["segments"],
                want.0,
                spec.drop_frame,
                want.2,
                want.3,
                DURATIONS_S[c.template.duration],
                c.count
            ));
        }
    }
    println!(
        "rushes clips --json: {ok} of {} clips with the rate, drop-frame, start timecode, day, length and \
         segments generated ({} listed)",
        plan.clips.len(),
        seen
    );
    if seen != plan.clips.len() {
        problems.push(format!("rushes clips lists {seen} of the {} clips", plan.clips.len()));
    }
    for p in &problems {
        println!("WARNING: {p}");
    }
    problems
}

// ---------------------------------------------------------------------------
// Searches

struct Query {
    name: &'static str,
    /// rushes query text and `--speaker`.
    text: String,
    speaker: Option<&'static str>,
    /// The FTS5 MATCH expression.
    fts5: String,
    /// In the pooled p50/p99 (FTS5 can answer it).
    pooled: bool,
}

impl Query {
    fn describe(&self) -> String {
        match self.speaker {
            Some(s) => format!("{} --speaker {s}", self.text),
            None => self.text.clone(),
        }
    }

    fn rushes_args(&self, lib_dir: &Path) -> Vec<String> {
        let mut args = vec!["search".into(), self.text.clone(), "--library".into(), path_arg(lib_dir)];
        args.extend(["--limit".into(), "20".into(), "--json".into()]);
        if let Some(s) = self.speaker {
            args.extend(["--speaker".into(), s.into()]);
        }
        args
    }
}

fn sqlite_args(db: &Path, fts5: &str) -> Vec<String> {
    let sql = format!(
        "SELECT clip, start_ms, speaker, highlight(seg, 0, '<b>', '</b>') AS snippet, bm25(seg) AS score \
         FROM seg WHERE seg MATCH '{}' ORDER BY rank LIMIT 20;",
        fts5.replace('\'', "''")
    );
    vec!["-readonly".into(), "-json".into(), path_arg(db), sql]
}

fn pick_queries(plan: &Plan, text: &TextGen) -> Vec<Query> {
    // Four words of one cue with a mid-frequency word: a soundbite an
    // editor remembers.
    let c = plan.clips.len() / 3;
    let cues = text.cues(plan, c);
    let rare = cues
        .iter()
        .filter_map(|cue| {
            cue.words.windows(4).find(|w| {
                w.iter().all(|&x| (50..20_000).contains(&(x as usize))) && w.iter().any(|&x| x as usize > 1_000)
            })
        })
        .next()
        .map(|w| text.phrase(w))
        .unwrap_or_else(|| STOCK[5].into());
    let cross = text.planted_text(0);
    let mk = |name, phrase: &str, speaker: Option<&'static str>, pooled| {
        let fts5 = match speaker {
            Some(s) => format!("text: \"{phrase}\" AND speaker: {s}"),
            None => format!("text: \"{phrase}\""),
        };
        Query { name, text: format!("\"{phrase}\""), speaker, fts5, pooled }
    };
    vec![
        mk("frequent", "and the", None, true),
        mk("stock", STOCK[1], None, true),
        mk("rare", &rare, None, true),
        mk("speaker", "the water", Some("maria"), true),
        mk("cross_cue", &cross, None, false),
    ]
}

struct QueryRuns {
    rushes_hits: usize,
    sqlite_rows: usize,
    rushes_ms: Vec<f64>,
    sqlite_ms: Vec<f64>,
}

fn run_query(tools: &Tools, lib_dir: &Path, db: &Path, q: &Query, runs: usize) -> QueryRuns {
    let ours = q.rushes_args(lib_dir);
    let theirs = sqlite_args(db, &q.fts5);
    let run = |prog: &Path, args: &[String]| {
        let t = Instant::now();
        let out = Command::new(prog).args(args).output().expect("run search");
        (t.elapsed().as_secs_f64() * 1000.0, out)
    };
    let rushes = tools.rushes.as_path();
    let sqlite = Path::new(&tools.sqlite3);
    let (_, first) = run(rushes, &ours);
    // 0: hits, 1: none; anything else is an error.
    assert!(
        matches!(first.status.code(), Some(0 | 1)),
        "rushes search failed: {}",
        String::from_utf8_lossy(&first.stderr)
    );
    let rushes_hits = serde_json::from_slice::<Vec<Value>>(&first.stdout).map_or(0, |v| v.len());
    let (_, first) = run(sqlite, &theirs);
    assert!(first.status.success(), "sqlite3 failed: {}", String::from_utf8_lossy(&first.stderr));
    let sqlite_rows = serde_json::from_slice::<Vec<Value>>(&first.stdout).map_or(0, |v| v.len());
    for _ in 0..2 {
        run(rushes, &ours);
        run(sqlite, &theirs);
    }
    let (mut rushes_ms, mut sqlite_ms) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    for k in 0..runs {
        // Alternate who goes first, so neither always follows the other.
        if k % 2 == 0 {
            rushes_ms.push(run(rushes, &ours).0);
            sqlite_ms.push(run(sqlite, &theirs).0);
        } else {
            sqlite_ms.push(run(sqlite, &theirs).0);
            rushes_ms.push(run(rushes, &ours).0);
        }
    }
    rushes_ms.sort_by(f64::total_cmp);
    sqlite_ms.sort_by(f64::total_cmp);
    QueryRuns { rushes_hits, sqlite_rows, rushes_ms, sqlite_ms }
}

/// The planted phrases: does a hit hold the words in order (rushes), does
/// any row match (FTS5)?
fn recall(tools: &Tools, lib_dir: &Path, db: &Path, plan: &Plan, text: &TextGen) -> (usize, usize, Vec<Value>) {
    let tokens = |s: &str| -> Vec<String> {
        s.split(|ch: char| !ch.is_alphanumeric()).filter(|t| !t.is_empty()).map(str::to_lowercase).collect()
    };
    let (mut ours, mut theirs) = (0, 0);
    let mut out = Vec::new();
    for p in 0..PLANTED {
        let phrase = text.planted_text(p);
        let want = tokens(&phrase);
        let clip = plan.clips.iter().find(|c| c.planted == Some(p)).map(|c| c.rel_path.clone());
        let q =
            Query { name: "planted", text: format!("\"{phrase}\""), speaker: None, fts5: String::new(), pooled: false };
        let res = Command::new(&tools.rushes).args(q.rushes_args(lib_dir)).output().expect("rushes search");
        let hits: Vec<Value> = serde_json::from_slice(&res.stdout).unwrap_or_default();
        let found =
            hits.iter().any(|h| tokens(h["text"].as_str().unwrap_or("")).windows(want.len()).any(|w| w == want));
        let sql = format!("SELECT count(*) FROM seg WHERE seg MATCH 'text: \"{phrase}\"';");
        let res = Command::new(&tools.sqlite3).arg("-readonly").arg(db).arg(sql).output().expect("sqlite3");
        let rows: u64 = String::from_utf8_lossy(&res.stdout).trim().parse().unwrap_or(0);
        ours += usize::from(found);
        theirs += usize::from(rows > 0);
        out.push(json!({"phrase": phrase, "clip": clip, "rushes_hits": hits.len(), "rushes_found": found, "fts5_rows": rows}));
    }
    println!("planted cross-cue phrases: rushes finds {ours}/{PLANTED}, FTS5 {theirs}/{PLANTED}");
    (ours, theirs, out)
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let k = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[k - 1]
}
