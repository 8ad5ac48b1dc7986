//! The first day of real use (issue #11): what an AP and an editor hit in
//! their first hour, each built from inputs written here and checked
//! against values worked out from them, never against rushes' own output.

mod common;

use std::path::{Path, PathBuf};

use common::{Env, dump};
use serde_json::Value;

/// The fixture's Sony card: `C0001.MP4` starts at 14:30:59;28 (29.97 DF,
/// 60 frames), `C0002.MP4` at 14:35:10:00 NDF (its sidecar only).
const SONY_CLIP: &str = "A001/PRIVATE/M4ROOT/CLIP";

/// Copies the fixture's Sony card into `root/DAY/A001`, so that every day
/// has a `C0001.MP4` and a `C0002.MP4`, as on a real shoot.
fn sony_card(root: &Path, day: &str) -> PathBuf {
    let dst = root.join(day).join(SONY_CLIP);
    std::fs::create_dir_all(&dst).expect("mkdir");
    for f in ["C0001.MP4", "C0001M01.XML", "C0002.MP4", "C0002M01.XML"] {
        std::fs::copy(dump().join("2026-03-14").join(SONY_CLIP).join(f), dst.join(f)).expect("copy");
    }
    dst
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn utf8(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The 64-bit FNV-1a of a clip's absolute path: the clip id the library
/// promises (`clips --json` contract).
fn clip_id(abs_path: &Path) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in utf8(abs_path).bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// `(path, tc_in)` of every hit of a query.
fn hits(env: &Env, query: &str) -> Vec<(String, String)> {
    let out = env.run(&["search", query, "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let mut got: Vec<(String, String)> = v
        .as_array()
        .map(|a| {
            a.iter()
                .map(|h| (h["path"].as_str().unwrap_or("").to_string(), h["tc_in"].as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default();
    got.sort();
    got
}

/// Point 1: two shoot days each with a Sony card starting at `C0001`.
/// Each day's transcripts go to that day's clips, a notes row naming
/// `C0001` goes to its own day's clip, and a selects CSV exported by rushes
/// feeds back although both clips are named `C0001.MP4`.
#[test]
fn same_names_on_two_days_go_to_the_nearest_clip() {
    let env = Env::new();
    let shoot = env.tmp.path().join("shoot");
    let day14 = sony_card(&shoot, "2026-03-14").join("C0001.MP4");
    let day15 = sony_card(&shoot, "2026-03-15").join("C0001.MP4");
    // Clip-relative cues: 0.5 s into a 29.97 DF clip starting 14:30:59;28
    // is frame 15 (rounded): ;28, ;29, then 14:31:00;02 is frame 2 (;00 and
    // ;01 of 14:31 are dropped), so frame 15 is 14:31:00;15.
    write(&shoot.join("2026-03-14/TRANSCRIPTS/C0001.srt"), "1\n00:00:00,500 --> 00:00:01,500\nthe river was high\n");
    write(
        &shoot.join("2026-03-15/TRANSCRIPTS/C0001.srt"),
        "1\n00:00:00,500 --> 00:00:01,500\nthe river had gone down\n",
    );
    write(&shoot.join("2026-03-15/NOTES/log.csv"), "Clip,TC In,Note\nC0001,14:31:00;10,drone overhead\n");
    let report = env.ingest(&shoot);
    assert_eq!(report["transcripts_attached"], 2, "{report}");
    assert_eq!(report["transcripts_unmatched"], Value::Array(vec![]), "{report}");

    let p14 = utf8(&day14).to_string();
    let p15 = utf8(&day15).to_string();
    assert_eq!(hits(&env, "\"river was high\""), [(p14.clone(), "14:31:00;15".to_string())]);
    assert_eq!(hits(&env, "\"river had gone\""), [(p15.clone(), "14:31:00;15".to_string())]);
    assert_eq!(hits(&env, "drone"), [(p15.clone(), "14:31:00;10".to_string())]);

    // The round trip the issue names: export a CSV, feed it back.
    let rt = env.tmp.path().join("rt.csv");
    let out = env.run(&["export", "--query", "river", "--camera", "A", "--format", "csv", "-o", utf8(&rt)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut table = csv::Reader::from_path(&rt).expect("csv");
    let header: Vec<String> = table.headers().expect("header").iter().map(String::from).collect();
    let (path_col, id_col) = (
        header.iter().position(|h| h == "path").expect("path column"),
        header.iter().position(|h| h == "clip_id").expect("clip_id column"),
    );
    let mut rows: Vec<(String, String)> =
        table.records().map(|r| r.expect("row")).map(|r| (r[path_col].to_string(), r[id_col].to_string())).collect();
    rows.sort();
    assert_eq!(rows, [(p14.clone(), clip_id(&day14)), (p15.clone(), clip_id(&day15))]);

    let edl = env.run(&["export", "--selects", utf8(&rt), "--format", "edl"]);
    assert_eq!(edl.status.code(), Some(0), "{}", stderr(&edl));
    assert_eq!(stdout(&edl).lines().filter(|l| l.starts_with("001 ") || l.starts_with("002 ")).count(), 2);

    // Without clip_id, the path column alone decides; with neither, the
    // name is ambiguous and the error lists both clips.
    let by_path = env.tmp.path().join("by_path.csv");
    std::fs::write(&by_path, format!("clip,path,tc_in,tc_out\nC0001.MP4,{p15},14:31:00;10,14:31:01;00\n"))
        .expect("write");
    let out = env.run(&["export", "--selects", utf8(&by_path), "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(&clip_id(&day15)), "{}", stdout(&out));
    let by_name = env.tmp.path().join("by_name.csv");
    std::fs::write(&by_name, "clip,tc_in,tc_out\nC0001.MP4,14:31:00;10,14:31:01;00\n").expect("write");
    let out = env.run(&["export", "--selects", utf8(&by_name), "--format", "csv"]);
    let err = stderr(&out);
    assert!(err.contains("2 clips are named \"C0001.MP4\""), "{err}");
    assert!(err.contains("2026-03-14/A001") && err.contains("2026-03-15/A001"), "{err}");
}
