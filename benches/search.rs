//! Search at scale (run: `cargo bench --bench search`; then, for the SQLite
//! FTS5 reference, `python3 benches/fts5_peer.py $RUSHES_BENCH_DIR`).
//!
//! Generates a deterministic corpus of transcript segments (default
//! 1,000,000 over 20,000 clips; `RUSHES_BENCH_SEGMENTS`, `RUSHES_BENCH_CLIPS`
//! override): a Zipf vocabulary of 30,000 words (a few hundred real English
//! words at the head, made-up words from syllables after them), ~12 words a
//! segment, a few stock phrases people repeat, a speaker per segment, a
//! camera/reel/day per clip. It is written the way real data arrives — one
//! SRT file per clip (~50 cues) — plus one catalog record per clip, then
//! brought in through `rushes::import::import_files` (the measured "index
//! build", in segments/s). Then it runs phrase (one running across two cues),
//! plain-words, boolean, fuzzy, prefix, filtered and no-hit queries warm
//! through `rushes::search::search` (p50/p95/p99; "index p50" is the
//! index's share alone: parse and top-k), checks the hits against counts
//! taken on the corpus itself, and times whole `rushes search` processes
//! (wall time, peak RSS via `/usr/bin/time -v`) and `rushes paper check` of
//! a 500-bite paper edit made by `search --paper` (issue #16: under 1 s).
//!
//! Everything lives in `RUSHES_BENCH_DIR` (default: a temporary folder,
//! removed afterwards): `library/`, `srt/`, `segments.tsv` and
//! `queries.json` for the peer, `rushes-results.json` with every figure. A
//! folder that already holds a library built with the same parameters is
//! reused, so re-runs skip the build. Timings are printed, never asserted.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use rushes::clip::{Clip, ClipTimecode, clip_id};
use rushes::import::{ImportOptions, ImportReport, Placement, import_files};
use rushes::library::{DocKind, Filters, Library, SearchSpec};
use rushes::probe::{AudioInfo, TcSource, VideoInfo};
use rushes::search::{Hit, SearchRequest, search};
use rushes::timecode::{Rate, TcFormat, Timecode};
use serde_json::{Value, json};

/// The allocator of the `rushes` binary (`src/main.rs`), so the warm
/// searches here are timed as `rushes serve` runs them: the library picks
/// none, and glibc's malloc made a small warm search a third slower.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Size of the vocabulary, head words included.
const VOCAB: usize = 30_000;
/// Zipf exponent (≈1 for natural language).
const ZIPF_S: f64 = 1.0;
/// Share of segments that contain one of the stock phrases.
const STOCK_SHARE: f64 = 0.04;
/// Milliseconds between cue starts, and a cue's length.
const CUE_STEP_MS: u64 = 3000;
const CUE_LEN_MS: u64 = 2600;
/// Bumped when the corpus or the build changes, so an old folder is rebuilt.
const CORPUS_VERSION: u32 = 1;
/// Warm runs per query: at least this many, more while under the budget.
const MIN_RUNS: usize = 30;
const MAX_RUNS: usize = 500;
const QUERY_BUDGET: Duration = Duration::from_secs(3);
/// Whole-process runs.
const PROCESS_RUNS: usize = 20;

/// Real words at the head of the vocabulary, roughly by spoken frequency.
/// Every word of [`STOCK`] must be here.
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

/// Phrases interviewees keep saying (inserted into [`STOCK_SHARE`] of the
/// segments, the first ones most often).
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
const CAMERAS: &[&str] = &["A", "A", "B", "B", "C", "D"];
const SHOOT_DAYS: u64 = 30;

fn main() {
    let n_segments = env_usize("RUSHES_BENCH_SEGMENTS", 1_000_000);
    let n_clips = env_usize("RUSHES_BENCH_CLIPS", 20_000).clamp(1, n_segments.max(1));
    let (_tmp, dir) = match std::env::var_os("RUSHES_BENCH_DIR") {
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

    let t = Instant::now();
    let corpus = Corpus::generate(n_segments, n_clips);
    println!(
        "corpus: {} segments, {} clips, {} words ({:.1}/segment), head words {:.0}% of tokens; generated in {:.1} s",
        corpus.len(),
        corpus.clips.len(),
        corpus.words.len(),
        corpus.words.len() as f64 / corpus.len() as f64,
        100.0 * corpus.head_share(),
        t.elapsed().as_secs_f64()
    );

    let lib_dir = dir.join("library");
    let marker_path = dir.join("bench-built.json");
    let params = json!({"version": CORPUS_VERSION, "segments": n_segments, "clips": n_clips});
    let marker: Option<Value> = std::fs::read(&marker_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .filter(|m: &Value| m.get("params") == Some(&params) && lib_dir.join("library.json").exists());
    let build = match marker {
        Some(m) => {
            println!("reusing the library in {} (delete bench-built.json to rebuild)", lib_dir.display());
            m["build"].clone()
        }
        None => {
            let build = build_library(&corpus, &dir, &lib_dir);
            let m = json!({"params": params, "build": build});
            std::fs::write(&marker_path, serde_json::to_vec_pretty(&m).expect("json")).expect("marker");
            build
        }
    };
    if !dir.join("segments.tsv").exists() {
        corpus.write_tsv(&dir.join("segments.tsv"));
    }
    let index_bytes = dir_size(&lib_dir.join("index"));
    let n_index_segments = index_segments(&lib_dir.join("index"));
    println!(
        "index build: {:.0} segments/s ({:.1} s import of {} SRT files; clip records {:.1} s)",
        build["segments_per_s"].as_f64().unwrap_or(0.0),
        build["import_s"].as_f64().unwrap_or(0.0),
        corpus.clips.len(),
        build["clips_s"].as_f64().unwrap_or(0.0)
    );
    println!(
        "index on disk: {:.1} MB in {} tantivy segments (SRT input {:.1} MB)",
        index_bytes as f64 / 1e6,
        n_index_segments,
        build["srt_bytes"].as_f64().unwrap_or(0.0) / 1e6
    );

    let queries = pick_queries(&corpus);
    let qjson: Vec<Value> = queries.iter().map(Query::to_json).collect();
    std::fs::write(dir.join("queries.json"), serde_json::to_vec_pretty(&qjson).expect("json")).expect("queries.json");

    let lib = Library::open(&lib_dir).expect("open library");
    println!();
    println!(
        "{:<16} {:<44} {:>8} {:>5} {:>6} {:>8} {:>8} {:>8} {:>9}  check",
        "query", "text", "expected", "hits", "runs", "p50 ms", "p95 ms", "p99 ms", "index p50"
    );
    let mut query_results = Vec::new();
    for q in &queries {
        let r = run_query(&lib, q);
        println!(
            "{:<16} {:<44} {:>8} {:>5} {:>6} {:>8.2} {:>8.2} {:>8.2} {:>9.2}  {}",
            q.name,
            q.describe(),
            q.expected,
            r.hits,
            r.runs,
            r.p50,
            r.p95,
            r.p99,
            r.index_p50,
            r.check
        );
        query_results.push(json!({
            "name": q.name, "query": q.describe(), "expected_segments": q.expected, "hits": r.hits,
            "runs": r.runs, "p50_ms": r.p50, "p95_ms": r.p95, "p99_ms": r.p99, "index_p50_ms": r.index_p50,
            "check": r.check,
        }));
    }
    drop(lib);

    println!();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_rushes"));
    let mut process = Vec::new();
    if bin.exists() {
        for name in ["phrase_rare", "phrase_common", "filter_speaker"] {
            let Some(q) = queries.iter().find(|q| q.name == name) else { continue };
            let p = run_process(&bin, &lib_dir, q);
            println!(
                "process `rushes search` {:<14}: median {:.1} ms, p95 {:.1} ms over {} runs; peak RSS {}",
                name,
                p.median,
                p.p95,
                PROCESS_RUNS,
                p.rss_mb.map_or("n/a (no /usr/bin/time)".into(), |m| format!("{m:.1} MB"))
            );
            process.push(json!({"name": name, "median_ms": p.median, "p95_ms": p.p95, "peak_rss_mb": p.rss_mb}));
        }
        let paper = paper_check(&bin, &lib_dir, &dir);
        println!(
            "process `rushes paper check` of {} bites: median {:.1} ms, max {:.1} ms over {} runs",
            paper.bites, paper.median, paper.max, PAPER_RUNS
        );
        process
            .push(json!({"name": "paper_check", "bites": paper.bites, "median_ms": paper.median, "max_ms": paper.max}));
    } else {
        println!("process: {} not built (cargo build --release), skipped", bin.display());
    }

    let results = json!({
        "params": params,
        "build": build,
        "index_bytes": index_bytes,
        "index_segments": n_index_segments,
        "queries": query_results,
        "process": process,
    });
    std::fs::write(dir.join("rushes-results.json"), serde_json::to_vec_pretty(&results).expect("json"))
        .expect("results");
    println!();
    println!("wrote {}/{{segments.tsv,queries.json,rushes-results.json}}", dir.display());
    if _tmp.is_none() {
        println!("FTS5 reference: python3 benches/fts5_peer.py {}", dir.display());
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.replace(['_', ','], "").parse().ok()).unwrap_or(default)
}

// ---------------------------------------------------------------------------
// Corpus

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

/// A stateless hash for per-position choices (punctuation).
fn mix(a: u64, b: u64) -> u64 {
    Rng(a.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ b).next()
}

struct ClipInfo {
    /// File name stem (`A003C0012`), also the SRT's stem.
    stem: String,
    camera: &'static str,
    reel: String,
    day: String,
    /// Start timecode as a frame count since midnight at 25 fps.
    start_frame: u64,
    /// First segment and number of segments.
    first: usize,
    count: usize,
}

struct Corpus {
    vocab: Vec<String>,
    head_len: usize,
    /// Word ids of every segment, back to back; `offsets[i]..offsets[i+1]`.
    words: Vec<u32>,
    offsets: Vec<u32>,
    /// Index into [`SPEAKERS`] per segment.
    speaker: Vec<u8>,
    clips: Vec<ClipInfo>,
}

impl Corpus {
    fn generate(n: usize, n_clips: usize) -> Corpus {
        let mut rng = Rng(0x5e_ed0f_f00d);
        let (vocab, head_len) = vocabulary(&mut rng);
        let index: std::collections::HashMap<&str, u32> =
            vocab.iter().enumerate().map(|(i, w)| (w.as_str(), i as u32)).collect();
        let stock: Vec<Vec<u32>> = STOCK
            .iter()
            .map(|p| {
                p.split(' ').map(|w| *index.get(w).unwrap_or_else(|| panic!("stock word {w:?} not in HEAD"))).collect()
            })
            .collect();
        let cdf = zipf_cdf(vocab.len(), ZIPF_S);
        let stock_cdf = zipf_cdf(stock.len(), 1.0);
        let draw = |rng: &mut Rng, cdf: &[f64]| {
            let u = rng.unit();
            cdf.partition_point(|&c| c < u).min(cdf.len() - 1)
        };

        let mut words = Vec::with_capacity(n * 12);
        let mut offsets = Vec::with_capacity(n + 1);
        let mut speaker = Vec::with_capacity(n);
        let mut clips = Vec::with_capacity(n_clips);
        let mut per_reel: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        offsets.push(0u32);
        for c in 0..n_clips {
            let first = n * c / n_clips;
            let count = n * (c + 1) / n_clips - first;
            let camera = CAMERAS[rng.below(CAMERAS.len())];
            let day_n = c as u64 * SHOOT_DAYS / n_clips as u64;
            let day = format!("2026-03-{:02}", day_n + 1);
            let reel = format!("{camera}{:03}", day_n + 1);
            let k = per_reel.entry(reel.clone()).or_default();
            *k += 1;
            let stem = format!("{reel}C{:04}", *k);
            // Clips of a day follow each other from 08:00, 200 s apart per camera.
            let start_frame = (8 * 3600 + *k as u64 * 200) * 25;
            let pair = [rng.below(SPEAKERS.len()), rng.below(SPEAKERS.len())];
            let mut who = 0;
            for _ in 0..count {
                if rng.unit() < 0.25 {
                    who = 1 - who;
                }
                speaker.push(pair[who] as u8);
                let len = 7 + rng.below(11);
                let mut seg: Vec<u32> = (0..len).map(|_| draw(&mut rng, &cdf) as u32).collect();
                if rng.unit() < STOCK_SHARE {
                    let p = &stock[draw(&mut rng, &stock_cdf)];
                    let at = rng.below(seg.len().saturating_sub(p.len()) + 1);
                    seg.splice(at..(at + p.len()).min(seg.len()), p.iter().copied());
                }
                words.extend_from_slice(&seg);
                offsets.push(words.len() as u32);
            }
            clips.push(ClipInfo { stem, camera, reel, day, start_frame, first, count });
        }
        Corpus { vocab, head_len, words, offsets, speaker, clips }
    }

    fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    fn seg(&self, i: usize) -> &[u32] {
        &self.words[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    fn head_share(&self) -> f64 {
        self.words.iter().filter(|&&w| (w as usize) < self.head_len).count() as f64 / self.words.len().max(1) as f64
    }

    /// Speech-like text: a capital, a comma now and then, a full stop or
    /// question mark. Deterministic per segment.
    fn text(&self, i: usize) -> String {
        let mut out = String::new();
        let seg = self.seg(i);
        for (k, &w) in seg.iter().enumerate() {
            let word = &self.vocab[w as usize];
            if k == 0 {
                let mut cs = word.chars();
                if let Some(c) = cs.next() {
                    out.extend(c.to_uppercase());
                    out.push_str(cs.as_str());
                }
            } else {
                out.push(' ');
                out.push_str(word);
            }
            let h = mix(i as u64, k as u64);
            if k + 1 < seg.len() && h.is_multiple_of(9) {
                out.push(',');
            }
        }
        out.push(if mix(i as u64, 999).is_multiple_of(6) { '?' } else { '.' });
        out
    }

    fn write_tsv(&self, path: &Path) {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("segments.tsv"));
        writeln!(f, "id\tclip\tspeaker\tcamera\tday\ttext").expect("write");
        for c in &self.clips {
            for i in c.first..c.first + c.count {
                writeln!(
                    f,
                    "{i}\t{}.MOV\t{}\t{}\t{}\t{}",
                    c.stem,
                    SPEAKERS[self.speaker[i] as usize],
                    c.camera,
                    c.day,
                    self.text(i)
                )
                .expect("write");
            }
        }
        f.flush().expect("flush");
    }

    /// The clip's SRT: ~50 cues, a `NAME:` prefix when the speaker changes,
    /// long cues on two lines.
    fn srt(&self, c: &ClipInfo) -> String {
        let mut s = String::new();
        let mut last = usize::MAX;
        for (j, i) in (c.first..c.first + c.count).enumerate() {
            let start = j as u64 * CUE_STEP_MS + 200;
            let _ = write!(s, "{}\n{} --> {}\n", j + 1, srt_time(start), srt_time(start + CUE_LEN_MS));
            let who = self.speaker[i] as usize;
            if who != last {
                let _ = write!(s, "{}: ", SPEAKERS[who]);
                last = who;
            }
            let text = self.text(i);
            let words: Vec<&str> = text.split(' ').collect();
            if words.len() > 8 {
                let half = words.len() / 2;
                let _ = write!(s, "{}\n{}\n\n", words[..half].join(" "), words[half..].join(" "));
            } else {
                let _ = write!(s, "{text}\n\n");
            }
        }
        s
    }

    fn clip_record(&self, c: &ClipInfo) -> Clip {
        let format = TcFormat::new(Rate::FPS_25, false);
        let n_frames = (c.count as u64 * CUE_STEP_MS + 1000) * 25 / 1000;
        let root = format!("/media/shoot/{}", c.day);
        let rel_path = format!("{}_CAM/{}/{}.MOV", c.camera, c.reel, c.stem);
        let path = format!("{root}/{rel_path}");
        Clip {
            id: clip_id(&path),
            path,
            rel_path,
            root,
            name: format!("{}.MOV", c.stem),
            camera: Some(c.camera.to_string()),
            reel: Some(c.reel.clone()),
            day: Some(c.day.clone()),
            container: "mov".into(),
            duration_s: n_frames as f64 / 25.0,
            n_frames: Some(n_frames),
            tc: ClipTimecode {
                format: Some(format),
                start: Some(Timecode::from_frames(c.start_frame, format)),
                end: Some(Timecode::from_frames(c.start_frame + n_frames, format)),
                source: TcSource::Tmcd,
                start_samples: None,
            },
            tc_basis: None,
            video: Some(VideoInfo { codec: "h264".into(), width: 1920, height: 1080 }),
            audio: Some(AudioInfo { codec: "pcm_s24le".into(), sample_rate: 48_000, channels: 2, bits: Some(24) }),
            size: n_frames * 200_000,
            mtime_ns: 1_773_000_000_000_000_000,
            content_hash: None,
            scene: None,
            take: None,
            tape: None,
            track_names: Vec::new(),
            note: None,
            circled: None,
            family_uid: None,
            sidecar: None,
            offline: false,
            segments: 0,
            notes: 0,
            speakers: Vec::new(),
            warnings: Vec::new(),
            hash: None,
            verified: rushes::clip::Verified::NotVerified,
            provenance: None,
            chapter: None,
            languages: Vec::new(),
        }
    }
}

fn srt_time(ms: u64) -> String {
    format!("{:02}:{:02}:{:02},{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

/// HEAD, then made-up words from syllables until [`VOCAB`].
fn vocabulary(rng: &mut Rng) -> (Vec<String>, usize) {
    let mut seen = HashSet::new();
    let mut vocab = Vec::with_capacity(VOCAB);
    for w in HEAD.split_whitespace() {
        // Apostrophes would split into two tokens; keep single-token words.
        if w.chars().all(|c| c.is_ascii_lowercase()) && seen.insert(w.to_string()) {
            vocab.push(w.to_string());
        }
    }
    let head_len = vocab.len();
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
    (vocab, head_len)
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
// Build

fn build_library(corpus: &Corpus, dir: &Path, lib_dir: &Path) -> Value {
    for old in [lib_dir.to_path_buf(), dir.join("srt"), dir.join("segments.tsv")] {
        let _ = std::fs::remove_dir_all(&old);
        let _ = std::fs::remove_file(&old);
    }
    let srt_dir = dir.join("srt");
    std::fs::create_dir_all(&srt_dir).expect("srt dir");
    let t = Instant::now();
    let mut files = Vec::with_capacity(corpus.clips.len());
    let mut srt_bytes = 0u64;
    for c in &corpus.clips {
        let path = srt_dir.join(format!("{}.srt", c.stem));
        let text = corpus.srt(c);
        srt_bytes += text.len() as u64;
        std::fs::write(&path, text).expect("write srt");
        let abs = path.to_string_lossy().into_owned();
        files.push((path, abs, ImportOptions::default()));
    }
    corpus.write_tsv(&dir.join("segments.tsv"));
    println!(
        "wrote {} SRT files ({:.1} MB) and segments.tsv in {:.1} s",
        files.len(),
        srt_bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    let lib = Library::open_or_create(lib_dir).expect("library");
    let mut writer = lib.writer().expect("writer");
    let t = Instant::now();
    for c in &corpus.clips {
        writer.put_clip(&corpus.clip_record(c)).expect("put clip");
    }
    writer.commit().expect("commit clips");
    let clips_s = t.elapsed().as_secs_f64();
    println!("clip records: {} in {clips_s:.2} s", corpus.clips.len());

    let t = Instant::now();
    let mut report = ImportReport::default();
    import_files(&lib, &mut writer, &files, Placement::Given, &mut report, &rushes::progress::NoProgress)
        .expect("import");
    drop(writer);
    let import_s = t.elapsed().as_secs_f64();
    let rss = vm_hwm_mb();
    println!(
        "import: {} transcripts attached, {} segments, {} unmatched, {} warnings in {import_s:.1} s; bench process peak RSS so far {}",
        report.transcripts_attached,
        report.segments,
        report.transcripts_unmatched.len(),
        report.warnings.len(),
        rss.map_or("n/a".into(), |m| format!("{m:.0} MB"))
    );
    assert_eq!(report.segments, corpus.len(), "every cue must land on its clip");
    json!({
        "srt_bytes": srt_bytes,
        "clips_s": clips_s,
        "import_s": import_s,
        "segments_per_s": corpus.len() as f64 / import_s,
        "peak_rss_mb": rss,
    })
}

fn vm_hwm_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
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

fn index_segments(index_dir: &Path) -> usize {
    std::fs::read(index_dir.join("meta.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|m| m["segments"].as_array().map(Vec::len))
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------
// Queries

/// One benchmark query, in both languages, with its ground truth.
struct Query {
    name: &'static str,
    /// rushes query text and filters.
    text: String,
    speaker: Option<String>,
    camera: Option<String>,
    day: Option<String>,
    /// FTS5 MATCH expression (None: FTS5 cannot express it).
    fts5: Option<String>,
    fts5_note: Option<&'static str>,
    /// Segments that match, counted on the corpus itself.
    expected: usize,
    /// Word sequence a returned hit must contain (phrases), to check.
    must_contain: Option<Vec<String>>,
}

impl Query {
    fn describe(&self) -> String {
        let mut s = self.text.clone();
        for (flag, v) in [("speaker", &self.speaker), ("camera", &self.camera), ("day", &self.day)] {
            if let Some(v) = v {
                let _ = write!(s, " --{flag} {v}");
            }
        }
        s
    }

    fn to_json(&self) -> Value {
        json!({
            "name": self.name, "rushes": self.text, "speaker": self.speaker, "camera": self.camera,
            "day": self.day, "fts5": self.fts5, "fts5_note": self.fts5_note, "expected_segments": self.expected,
        })
    }

    fn request(&self) -> SearchRequest {
        SearchRequest {
            query: self.text.clone(),
            filters: Filters {
                speaker: self.speaker.clone(),
                camera: self.camera.clone(),
                day: self.day.clone(),
                ..Filters::default()
            },
            limit: std::num::NonZeroUsize::new(20),
            ..SearchRequest::default()
        }
    }
}

fn contains_seq(hay: &[u32], needle: &[u32]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// Optimal-string-alignment distance ≤ 1 (what `word~1` allows).
fn within_one(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if p == a.len() && p == b.len() {
        return true;
    }
    let (ra, rb) = (&a[p..], &b[p..]);
    ra.get(1..) == rb.get(1..)
        || ra.get(1..) == Some(rb)
        || Some(ra) == rb.get(1..)
        || (ra.len() >= 2 && rb.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
}

fn pick_queries(c: &Corpus) -> Vec<Query> {
    let words = |ids: &[u32]| ids.iter().map(|&w| c.vocab[w as usize].clone()).collect::<Vec<_>>();
    let id = |w: &str| c.vocab.iter().position(|v| v == w).map(|p| p as u32);
    let count = |f: &dyn Fn(usize) -> bool| (0..c.len()).filter(|&i| f(i)).count();
    let mut rng = Rng(0x0bad_cafe);
    let mut out = Vec::new();

    // A stock phrase: many hits, ranking matters.
    let stock: Vec<u32> = STOCK[0].split(' ').filter_map(id).collect();
    out.push(Query {
        name: "phrase_common",
        text: format!("\"{}\"", STOCK[0]),
        fts5: Some(format!("text: \"{}\"", STOCK[0])),
        expected: count(&|i| contains_seq(c.seg(i), &stock)),
        must_contain: Some(words(&stock)),
        ..blank("phrase_common")
    });

    // Four words from one segment (containing a mid-frequency word): a
    // soundbite an editor remembers.
    let rare = loop {
        let i = rng.below(c.len());
        let s = c.seg(i);
        if s.len() < 8 {
            continue;
        }
        let at = rng.below(s.len() - 4);
        let p = &s[at..at + 4];
        if p.iter().any(|&w| w as usize > 1_000) && p.iter().all(|&w| (w as usize) < 20_000) {
            break p.to_vec();
        }
    };
    let rare_w = words(&rare).join(" ");
    out.push(Query {
        name: "phrase_rare",
        text: format!("\"{rare_w}\""),
        fts5: Some(format!("text: \"{rare_w}\"")),
        expected: count(&|i| contains_seq(c.seg(i), &rare)),
        must_contain: Some(words(&rare)),
        ..blank("phrase_rare")
    });

    // The last two words of one cue and the first two of the next, found in
    // no single cue.
    let cross = loop {
        let clip = &c.clips[rng.below(c.clips.len())];
        if clip.count < 2 {
            continue;
        }
        let j = clip.first + rng.below(clip.count - 1);
        let (a, b) = (c.seg(j), c.seg(j + 1));
        let p: Vec<u32> = a[a.len() - 2..].iter().chain(&b[..2]).copied().collect();
        if p.iter().any(|&w| w as usize > 300) && count(&|i| contains_seq(c.seg(i), &p)) == 0 {
            break p;
        }
    };
    let cross_w = words(&cross).join(" ");
    out.push(Query {
        name: "phrase_cross",
        text: format!("\"{cross_w}\""),
        fts5: Some(format!("text: \"{cross_w}\"")),
        fts5_note: Some("rows are single cues: a phrase across two cues is not found"),
        expected: 0,
        must_contain: Some(words(&cross)),
        ..blank("phrase_cross")
    });

    // Two mid-frequency words, no operators: all must match (+ phrase boost).
    let (w1, w2) = (rank_word(c, 120), rank_word(c, 400));
    let (i1, i2) = (id(&w1).unwrap_or(0), id(&w2).unwrap_or(0));
    out.push(Query {
        name: "words",
        text: format!("{w1} {w2}"),
        fts5: Some(format!("text: ({w1} AND {w2})")),
        expected: count(&|i| c.seg(i).contains(&i1) && c.seg(i).contains(&i2)),
        ..blank("words")
    });

    // Boolean: a AND b -c.
    let (a, b, n) = (rank_word(c, 60), rank_word(c, 90), rank_word(c, 15));
    let (ia, ib, inot) = (id(&a).unwrap_or(0), id(&b).unwrap_or(0), id(&n).unwrap_or(0));
    out.push(Query {
        name: "boolean",
        text: format!("{a} AND {b} -{n}"),
        fts5: Some(format!("text: ({a} AND {b} NOT {n})")),
        expected: count(&|i| {
            let s = c.seg(i);
            s.contains(&ia) && s.contains(&ib) && !s.contains(&inot)
        }),
        ..blank("boolean")
    });

    // Fuzzy: a typo (one letter changed) of a mid-frequency made-up word.
    let (target, typo) = (2_000..)
        .find_map(|r| {
            let w = &c.vocab[r];
            let mid = w.len() / 2;
            let swapped: String =
                w.char_indices().map(|(k, ch)| if k == mid { if ch == 'x' { 'q' } else { 'x' } } else { ch }).collect();
            (!c.vocab.contains(&swapped)).then(|| (w.clone(), swapped))
        })
        .expect("a typo");
    let near: HashSet<u32> =
        c.vocab.iter().enumerate().filter(|(_, v)| within_one(v, &typo)).map(|(i, _)| i as u32).collect();
    out.push(Query {
        name: "fuzzy",
        text: format!("{typo}~1"),
        fts5_note: Some("FTS5 has no fuzzy matching; skipped"),
        expected: count(&|i| c.seg(i).iter().any(|w| near.contains(w))),
        must_contain: Some(vec![target]),
        ..blank("fuzzy")
    });

    // Prefix: the first four letters of a mid-frequency made-up word.
    let pre: String = rank_word(c, 700).chars().take(4).collect();
    let expand: HashSet<u32> =
        c.vocab.iter().enumerate().filter(|(_, v)| v.starts_with(&pre)).map(|(i, _)| i as u32).collect();
    out.push(Query {
        name: "prefix",
        text: format!("{pre}*"),
        fts5: Some(format!("text: {pre}*")),
        expected: count(&|i| c.seg(i).iter().any(|w| expand.contains(w))),
        ..blank("prefix")
    });

    // Filters with a common content word.
    let common = "water";
    let iw = id(common).unwrap_or(0);
    let clip_of: Vec<usize> = c.clips.iter().enumerate().flat_map(|(k, cl)| std::iter::repeat_n(k, cl.count)).collect();
    out.push(Query {
        name: "filter_speaker",
        text: common.into(),
        speaker: Some("maria".into()),
        fts5: Some(format!("text: {common} AND speaker: maria")),
        expected: count(&|i| c.seg(i).contains(&iw) && SPEAKERS[c.speaker[i] as usize] == "MARIA"),
        ..blank("filter_speaker")
    });
    out.push(Query {
        name: "filter_camera",
        text: common.into(),
        camera: Some("B".into()),
        fts5: Some(format!("text: {common} AND camera: b")),
        expected: count(&|i| c.seg(i).contains(&iw) && c.clips[clip_of[i]].camera == "B"),
        ..blank("filter_camera")
    });
    let day = "2026-03-14";
    out.push(Query {
        name: "filter_day",
        text: common.into(),
        day: Some(day.into()),
        fts5: Some(format!("text: {common} AND day: \"{day}\"")),
        expected: count(&|i| c.seg(i).contains(&iw) && c.clips[clip_of[i]].day == day),
        ..blank("filter_day")
    });

    out.push(Query {
        name: "no_hit",
        text: "zqxwvy".into(),
        fts5: Some("text: zqxwvy".into()),
        expected: 0,
        ..blank("no_hit")
    });
    out
}

fn blank(name: &'static str) -> Query {
    Query {
        name,
        text: String::new(),
        speaker: None,
        camera: None,
        day: None,
        fts5: None,
        fts5_note: None,
        expected: 0,
        must_contain: None,
    }
}

/// The word of frequency rank `rank` (real words first, then made-up ones).
fn rank_word(c: &Corpus, rank: usize) -> String {
    c.vocab[rank.min(c.vocab.len() - 1)].clone()
}

struct QueryResult {
    hits: usize,
    runs: usize,
    p50: f64,
    p95: f64,
    p99: f64,
    /// The index's part alone: parse and top-k, as `search` asks it.
    index_p50: f64,
    check: String,
}

fn run_query(lib: &Library, q: &Query) -> QueryResult {
    let req = q.request();
    let first = search(lib, &req).unwrap_or_else(|e| panic!("{}: {e}", q.name)).hits;
    // Warm-up.
    for _ in 0..3 {
        let _ = search(lib, &req);
    }
    let mut times = Vec::new();
    let start = Instant::now();
    while times.len() < MIN_RUNS || (times.len() < MAX_RUNS && start.elapsed() < QUERY_BUDGET) {
        let t = Instant::now();
        let hits = search(lib, &req).expect("search");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(hits);
    }
    times.sort_by(f64::total_cmp);
    let check = check_hits(q, &first);
    let index_p50 = index_only(lib, q, times.len().min(100));
    QueryResult {
        hits: first.len(),
        runs: times.len(),
        p50: percentile(&times, 0.50),
        p95: percentile(&times, 0.95),
        p99: percentile(&times, 0.99),
        index_p50,
        check,
    }
}

/// Median time of what `search` asks the index for (parse and check the
/// query, the best `limit` documents and those tied with the last, up to
/// `2 × limit + 10`, with their records), without
/// assembling hits, dropping duplicate pairs or highlighting.
fn index_only(lib: &Library, q: &Query, runs: usize) -> f64 {
    let req = q.request();
    let spec = SearchSpec {
        query: req.query.clone(),
        fuzzy: req.fuzzy,
        exact: req.exact,
        sounds_like: req.sounds_like,
        filters: req.filters.clone(),
        kinds: DocKind::SEARCHABLE.to_vec(),
    };
    let mut times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let t = Instant::now();
            let prepared = lib.prepare(&spec).expect("prepare");
            let limit = req.limit.map_or(20, |l| l.get());
            std::hint::black_box(lib.find_with_ties(&prepared, limit, limit * 2 + 10).expect("search"));
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    percentile(&times, 0.5)
}

/// Whether the hits are what the corpus says they should be.
fn check_hits(q: &Query, hits: &[Hit]) -> String {
    let want_some = q.expected > 0 || q.name == "phrase_cross";
    if !want_some {
        return if hits.is_empty() { "ok (none)".into() } else { format!("UNEXPECTED {} hits", hits.len()) };
    }
    if hits.is_empty() {
        return "MISSING: no hits".into();
    }
    let want = q.expected.min(20);
    if hits.len() < want {
        return format!("SHORT: {} of {want}", hits.len());
    }
    if let Some(seq) = &q.must_contain {
        let ok = hits.iter().any(|h| {
            let toks: Vec<String> = h
                .text
                .split(|ch: char| !ch.is_alphanumeric())
                .filter(|t| !t.is_empty())
                .map(str::to_lowercase)
                .collect();
            toks.windows(seq.len()).any(|w| w == seq.as_slice())
        });
        if !ok {
            return "MISSING: no hit holds the words".into();
        }
        if q.name == "phrase_cross" {
            let cue = CUE_LEN_MS as f64 / 1000.0 + 0.1;
            let spans = hits.iter().any(|h| h.offset_in_s.zip(h.offset_out_s).is_some_and(|(a, b)| b - a > cue));
            return if spans { "ok (spans two cues)".into() } else { "ok?".into() };
        }
    }
    "ok".into()
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let k = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[k - 1]
}

struct ProcessResult {
    median: f64,
    p95: f64,
    rss_mb: Option<f64>,
}

/// Whole `rushes paper check` processes.
const PAPER_RUNS: usize = 10;

struct PaperResult {
    bites: usize,
    median: f64,
    max: f64,
}

/// Issue #16's speed target: `paper check` of a 500-bite paper edit on
/// this library. The paper edit is what a producer pastes from
/// `search --paper`: 500 hits of a common word, every bite resolved and its
/// words compared with the transcript.
fn paper_check(bin: &Path, lib_dir: &Path, dir: &Path) -> PaperResult {
    let lib = lib_dir.to_string_lossy().into_owned();
    let out = Command::new(bin)
        .args(["--library", &lib, "search", "the", "--limit", "500", "--paper"])
        .output()
        .expect("run rushes search --paper");
    assert!(out.status.success(), "search --paper failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf-8 paper edit");
    let bites = text.lines().filter(|l| !l.is_empty() && !l.starts_with("//") && !l.starts_with('#')).count();
    let file = dir.join("bench.paper");
    std::fs::write(&file, &text).expect("bench.paper");
    let mut times = Vec::new();
    for k in 0..PAPER_RUNS + 1 {
        let t = Instant::now();
        let out =
            Command::new(bin).args(["--library", &lib, "paper", "check"]).arg(&file).output().expect("paper check");
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        assert!(out.status.success(), "paper check failed: {}", String::from_utf8_lossy(&out.stderr));
        // The first run warms the page cache.
        if k >= 1 {
            times.push(ms);
        }
    }
    times.sort_by(f64::total_cmp);
    PaperResult { bites, median: percentile(&times, 0.5), max: times.last().copied().unwrap_or(0.0) }
}

fn run_process(bin: &Path, lib_dir: &Path, q: &Query) -> ProcessResult {
    let mut args: Vec<String> = vec![
        "--library".into(),
        lib_dir.to_string_lossy().into_owned(),
        "search".into(),
        q.text.clone(),
        "--json".into(),
    ];
    for (flag, v) in [("--speaker", &q.speaker), ("--camera", &q.camera), ("--day", &q.day)] {
        if let Some(v) = v {
            args.push(flag.into());
            args.push(v.clone());
        }
    }
    let mut times = Vec::new();
    for k in 0..PROCESS_RUNS + 2 {
        let t = Instant::now();
        let out = Command::new(bin).args(&args).output().expect("run rushes");
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        assert!(out.status.success(), "rushes search failed: {}", String::from_utf8_lossy(&out.stderr));
        // The first two runs warm the page cache.
        if k >= 2 {
            times.push(ms);
        }
    }
    times.sort_by(f64::total_cmp);
    let mut rss: Option<f64> = None;
    if Path::new("/usr/bin/time").exists() {
        for _ in 0..5 {
            let out = Command::new("/usr/bin/time").arg("-v").arg(bin).args(&args).output().expect("run time");
            let stderr = String::from_utf8_lossy(&out.stderr);
            let kb = stderr
                .lines()
                .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
                .and_then(|v| v.trim().parse::<f64>().ok());
            if let Some(kb) = kb {
                rss = Some(rss.unwrap_or(0.0).max(kb / 1024.0));
            }
        }
    }
    ProcessResult { median: percentile(&times, 0.5), p95: percentile(&times, 0.95), rss_mb: rss }
}
