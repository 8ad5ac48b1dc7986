//! Audio without a frame rate (a phone memo, an MP3) in every export path:
//! search hits, a selects CSV and a bin. The clip is placed at the
//! sequence's rate from 00:00:00:00 (its own time), out exclusive, and the
//! file and stderr say the rate was assumed; a bin refuses it and says why.

mod common;

use common::{Env, dump};

const NOTE_25: &str = "rate assumed: memo.mp3 states no frame rate; placed at 25 fps from 00:00:00:00 (its own time)";
const NOTE_DF: &str =
    "rate assumed: memo.mp3 states no frame rate; placed at 29.97 fps from 00:00:00;00 (its own time)";

/// The dump with a transcript on `memo.mp3`: one cue, 0.4 s to 1.3 s.
fn env_with_memo() -> Env {
    let env = Env::new();
    env.ingest(&dump());
    let srt = env.tmp.path().join("memo.srt");
    std::fs::write(&srt, "1\n00:00:00,400 --> 00:00:01,300\nNADIA: The kettle was still warm.\n").expect("srt");
    let run = env.run(&["import", srt.to_str().expect("utf-8"), "--clip", "memo.mp3"]);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    env
}

/// stdout and stderr of a run that must exit 0.
fn ok(env: &Env, args: &[&str]) -> (String, String) {
    let run = env.run(args);
    assert_eq!(run.status.code(), Some(0), "rushes {args:?}: {run:?}");
    (String::from_utf8_lossy(&run.stdout).into_owned(), String::from_utf8_lossy(&run.stderr).into_owned())
}

/// The EDL event lines (number first) of `edl`: reel, source in and out.
fn events(edl: &str) -> Vec<String> {
    edl.lines()
        .filter(|l| l.starts_with("00"))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            format!("{} {} {}", f[1], f[f.len() - 4], f[f.len() - 3])
        })
        .collect()
}

#[test]
fn a_search_hit_on_a_memo_is_placed_at_the_sequence_rate() {
    let env = env_with_memo();
    // Alone: 25 fps, the default; 0.4 s is frame 10, 1.3 s frame 32.5,
    // rounded half up to 33, out exclusive.
    let (edl, err) = ok(&env, &["export", "--query", "kettle", "--format", "edl"]);
    assert_eq!(events(&edl), ["MEMO 00:00:00:10 00:00:01:08"], "{edl}");
    assert!(edl.contains(&format!("* COMMENT: {NOTE_25}")), "{edl}");
    assert!(err.contains(&format!("rushes: warning: {NOTE_25}")), "{err}");
    // --fps 29.97 --drop-frame: 12 and 39 frames.
    let (edl, _) = ok(&env, &["export", "--query", "kettle", "--format", "edl", "--fps", "29.97", "--drop-frame"]);
    assert_eq!(events(&edl), ["MEMO 00:00:00;12 00:00:01;09"], "{edl}");
    assert!(edl.contains(&format!("* COMMENT: {NOTE_DF}")), "{edl}");
    // Beside a 29.97 DF camera clip that comes first, the sequence is at
    // that clip's rate, and so is the memo.
    let (edl, _) = ok(&env, &["export", "--query", "kettle OR river", "--format", "edl"]);
    assert_eq!(events(&edl), ["A001 14:31:00;03 14:31:00;27", "MEMO 00:00:00;12 00:00:01;09"], "{edl}");
    // Every other format takes it too.
    for format in ["fcpxml", "xmeml", "ale", "otio", "csv"] {
        let (text, err) = ok(&env, &["export", "--query", "kettle", "--format", format]);
        assert!(text.contains("memo.mp3"), "{format}: {text}");
        assert!(err.contains(NOTE_25), "{format}: {err}");
    }
}

#[test]
fn a_selects_row_on_a_memo_reads_its_labels_at_the_sequence_rate() {
    let env = env_with_memo();
    let csv = env.tmp.path().join("selects.csv");
    std::fs::write(
        &csv,
        "clip,tc_in,tc_out,comment\nT001.WAV,14:31:05:00,14:31:05:10,\nmemo.mp3,00:00:00:10,00:00:01:05,kettle\n",
    )
    .expect("csv");
    let csv = csv.to_str().expect("utf-8");
    // The first row's clip is at 25 fps: the memo's labels are read at 25.
    let (edl, err) = ok(&env, &["export", "--selects", csv, "--format", "edl"]);
    assert_eq!(events(&edl), ["260314 14:31:05:00 14:31:05:10", "MEMO 00:00:00:10 00:00:01:05"], "{edl}");
    assert!(err.contains(NOTE_25), "{err}");
    // Its comment keeps the editor's words, then the note; written back
    // as a selects CSV and read again, the note is not doubled.
    let (out, _) = ok(&env, &["export", "--selects", csv, "--format", "csv"]);
    assert!(out.contains(&format!("kettle; {NOTE_25}")), "{out}");
    let again = env.tmp.path().join("again.csv");
    std::fs::write(&again, &out).expect("write");
    let (twice, _) = ok(&env, &["export", "--selects", again.to_str().expect("utf-8"), "--format", "csv"]);
    assert_eq!(twice.matches("rate assumed").count(), 1, "{twice}");
    // A label past the memo's end (it is 2 s long) is refused by its line.
    let bad = env.tmp.path().join("bad.csv");
    std::fs::write(&bad, "clip,tc_in,tc_out\nmemo.mp3,00:00:01:00,00:00:05:00\n").expect("csv");
    let run = env.run(&["export", "--selects", bad.to_str().expect("utf-8"), "--format", "edl"]);
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("bad.csv:2: memo.mp3: tc_out 00:00:05:00 is outside the clip"), "{err}");
}

#[test]
fn a_bin_refuses_a_memo_and_says_why() {
    let env = env_with_memo();
    let run = env.run(&["bins", "add", "rough", "memo.mp3", "00:00:00:10", "00:00:01:00"]);
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("memo.mp3: the clip has no frame rate, so a bin cannot hold its timecode"), "{err}");
    assert!(err.contains("rushes set memo.mp3 --fps RATE"), "{err}");
    // Given a rate, it can be binned and exported at it.
    ok(&env, &["set", "memo.mp3", "--fps", "25"]);
    ok(&env, &["bins", "add", "rough", "memo.mp3", "00:00:00:10", "00:00:01:00"]);
    let (edl, err) = ok(&env, &["export", "--bin", "rough", "--format", "edl"]);
    assert_eq!(events(&edl), ["MEMO 00:00:00:10 00:00:01:00"], "{edl}");
    assert!(!err.contains("rate assumed") && !edl.contains("rate assumed"), "{err}{edl}");
}

#[test]
fn search_paper_writes_a_memo_hit_as_a_bite_that_paper_check_and_export_take() {
    let env = env_with_memo();
    // Alone, the paper edit is at 25 fps: frames 10 and 33 (out exclusive).
    let (lines, _) = ok(&env, &["search", "kettle", "--paper"]);
    assert_eq!(lines.trim(), "memo.mp3 00:00:00:10-00:00:01:08 NADIA: The kettle was still warm.");
    // Beside the 29.97 DF camera clip, at its rate, as the export places it.
    let (lines, _) = ok(&env, &["search", "kettle OR river", "--paper"]);
    assert!(lines.contains("memo.mp3 00:00:00;12-00:00:01;09 NADIA: The kettle was still warm.\n"), "{lines}");
    let paper = env.tmp.path().join("pasted.paper");
    std::fs::write(&paper, &lines).expect("paper");
    let paper = paper.to_str().expect("utf-8");
    // Every bite resolves and its words are the transcript's.
    let (checked, _) = ok(&env, &["paper", "check", paper]);
    assert!(checked.contains("rate assumed: 29.97 fps"), "{checked}");
    let (edl, _) = ok(&env, &["export", "--paper", paper, "--format", "edl"]);
    assert!(events(&edl).contains(&"MEMO 00:00:00;12 00:00:01;09".to_string()), "{edl}");
}
