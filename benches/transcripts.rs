//! Transcript and notes parsing throughput (run: `cargo bench --bench transcripts`).
//!
//! Generates a large SRT (default 200,000 cues, ~16 MB; `RUSHES_BENCH_CUES`
//! overrides) with the quirks real files have — CRLF, `MARIA:` prefixes,
//! `<i>` tags, a missing index now and then, `.` milliseconds — the same
//! cues as WebVTT and Whisper JSON, and a notes CSV, then reports MB/s for
//! each reader. Timings are printed, never asserted.

use std::fmt::Write as _;
use std::time::Instant;

use rushes::{notes, transcript};

const WORDS: &[&str] = &[
    "the",
    "river",
    "came",
    "up",
    "that",
    "night",
    "and",
    "we",
    "lost",
    "everything",
    "bakery",
    "café",
    "boat",
    "church",
    "water",
    "door",
    "mother",
    "rowed",
    "until",
    "morning",
    "nobody",
    "knew",
    "how",
    "high",
    "it",
    "would",
];

fn main() {
    let n: usize = std::env::var("RUSHES_BENCH_CUES").ok().and_then(|v| v.parse().ok()).unwrap_or(200_000);
    let (srt, vtt, json, csv) = generate(n);
    measure("srt", srt.as_bytes(), |b| match transcript::parse(b, "srt") {
        transcript::Outcome::Transcript { cues, .. } => cues.len(),
        _ => 0,
    });
    measure("vtt", vtt.as_bytes(), |b| match transcript::parse(b, "vtt") {
        transcript::Outcome::Transcript { cues, .. } => cues.len(),
        _ => 0,
    });
    measure("whisper json", json.as_bytes(), |b| match transcript::parse(b, "json") {
        transcript::Outcome::Transcript { cues, .. } => cues.len(),
        _ => 0,
    });
    measure("notes csv", csv.as_bytes(), |b| match notes::parse(b, "csv", None) {
        notes::Outcome::Notes { notes, .. } => notes.len(),
        notes::Outcome::SoundReport { files, .. } => files.len(),
        notes::Outcome::NotNotes { .. } => 0,
    });
}

fn measure(name: &str, bytes: &[u8], parse: impl Fn(&[u8]) -> usize) {
    // One warm-up, then the best of three.
    let _ = parse(bytes);
    let mut best = f64::MAX;
    let mut items = 0;
    for _ in 0..3 {
        let t = Instant::now();
        items = parse(bytes);
        best = best.min(t.elapsed().as_secs_f64());
    }
    let mb = bytes.len() as f64 / 1e6;
    println!("{name:>13}: {mb:6.1} MB, {items} items in {best:.3} s = {:.0} MB/s", mb / best);
}

fn ts(ms: u64, sep: char) -> String {
    format!("{:02}:{:02}:{:02}{sep}{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

/// Deterministic pseudo-random speech: a linear congruential generator
/// picking words with a Zipf-like skew.
fn generate(n: usize) -> (String, String, String, String) {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize
    };
    let (mut srt, mut vtt, mut json, mut csv) =
        (String::new(), String::from("WEBVTT\n\n"), String::from("{\"segments\":["), String::from("tc;cam;note\n"));
    for i in 0..n {
        let start = i as u64 * 2000;
        let words: Vec<&str> = (0..12).map(|_| WORDS[(next() % WORDS.len()) * (next() % 3 + 1) / 3]).collect();
        let text = words.join(" ");
        let speaker = ["MARIA", "TOM", "SPEAKER 1"][i % 3];
        if i % 50 != 0 {
            let _ = write!(srt, "{}\r\n", i + 1);
        }
        let sep = if i % 7 == 0 { '.' } else { ',' };
        let _ = write!(srt, "{} --> {}\r\n{speaker}: <i>{text}</i>\r\n\r\n", ts(start, sep), ts(start + 1800, sep));
        let _ = write!(vtt, "{} --> {}\n<v {speaker}>{text}\n\n", ts(start, '.'), ts(start + 1800, '.'));
        let _ = write!(
            json,
            "{}{{\"start\":{:.3},\"end\":{:.3},\"text\":\" {text}\",\"speaker\":\"{speaker}\"}}",
            if i == 0 { "" } else { "," },
            start as f64 / 1000.0,
            (start + 1800) as f64 / 1000.0
        );
        if i % 10 == 0 {
            // Notes are time of day: wrap at 24 h.
            let _ = writeln!(csv, "{};A;\"{text}\"", &ts(start % 86_400_000, ':')[..8]);
        }
    }
    json.push_str("]}");
    (srt, vtt, json, csv)
}
