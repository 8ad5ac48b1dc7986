//! What `search`, `export --query` and `clips` show (issue #11 points 4, 13
//! and 17): nothing cut short without a word, no hits said out loud, and a
//! clip list that fits a terminal. Every expected value comes from the
//! inputs written here.

mod common;

use std::path::Path;
use std::process::Output;

use common::{Env, dump};
use serde_json::Value;

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

fn utf8(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A plain PCM WAV (8 kHz, 8-bit, mono) of `seconds` of silence.
fn wav(seconds: u32) -> Vec<u8> {
    let data_len = 8000 * seconds;
    let mut b = Vec::with_capacity(44 + data_len as usize);
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data_len).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes()); // PCM
    b.extend_from_slice(&1u16.to_le_bytes()); // mono
    b.extend_from_slice(&8000u32.to_le_bytes()); // sample rate
    b.extend_from_slice(&8000u32.to_le_bytes()); // byte rate
    b.extend_from_slice(&1u16.to_le_bytes()); // block align
    b.extend_from_slice(&8u16.to_le_bytes()); // bits
    b.extend_from_slice(b"data");
    b.extend_from_slice(&data_len.to_le_bytes());
    b.resize(44 + data_len as usize, 0x80);
    b
}

/// An SRT of `n` cues of 100 ms each, back to back from 0, cue `i`
/// reading `flood number i`.
fn srt(n: u32) -> String {
    let ms = |t: u32| format!("{:02}:{:02}:{:02},{:03}", t / 3_600_000, t / 60_000 % 60, t / 1000 % 60, t % 1000);
    (0..n).map(|i| format!("{}\n{} --> {}\nflood number {i}\n\n", i + 1, ms(i * 100), ms(i * 100 + 100))).collect()
}

/// A one-clip shoot: `INTERVIEW.WAV` long enough for `cues` cues of
/// 100 ms, with its transcript beside it, ingested at 25 fps.
fn interview(env: &Env, cues: u32) {
    let shoot = env.tmp.path().join("shoot");
    write(&shoot.join("SOUND/INTERVIEW.WAV"), &wav(cues / 10 + 1));
    write(&shoot.join("SOUND/INTERVIEW.srt"), srt(cues).as_bytes());
    let out = env.run(&["ingest", "--json", "--fps", "25", utf8(&shoot)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["transcripts_attached"], 1, "{report}");
    assert_eq!(report["segments"], cues, "{report}");
}

/// Point 4: `export --query` takes every hit (more than the old 500 and
/// than search's 10,000 cap); `search` says when it shows fewer hits than
/// it found, with the exact total; `--limit 0` is an error.
#[test]
fn output_is_never_cut_short_without_a_word() {
    let env = Env::new();
    interview(&env, 10_050);

    let out = env.run(&["export", "--query", "flood", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut table = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = table.headers().expect("header").iter().map(String::from).collect();
    let text = header.iter().position(|h| h == "text").expect("text column");
    let mut got: Vec<String> = table.records().map(|r| r.expect("row")[text].to_string()).collect();
    assert_eq!(got.len(), 10_050, "every cue with `flood` is exported");
    got.sort();
    let mut want: Vec<String> = (0..10_050).map(|i| format!("flood number {i}")).collect();
    want.sort();
    assert_eq!(got, want, "every cue with `flood` is exported once");
    assert!(!stderr(&out).contains("of 10050"), "nothing was cut: {}", stderr(&out));

    // An explicit --limit cuts, and says so.
    let out = env.run(&["export", "--query", "flood", "--format", "csv", "--limit", "7"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 1 + 7, "header and 7 rows");
    assert!(stderr(&out).contains("exported 7 of 10050 hits"), "{}", stderr(&out));

    // search: 20 by default, and the exact total on stderr.
    let out = env.run(&["search", "--json", "flood"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let hits: Vec<Value> = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(hits.len(), 20);
    assert!(stderr(&out).contains("showing 20 of 10050 (use --limit)"), "{}", stderr(&out));
    // A phrase no single cue holds is found across two (a pair), and
    // counted once in the total: "number 3 flood" spans cues 3 and 4.
    let out = env.run(&["search", "\"number 3 flood\"", "--limit", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("showing"), "one hit, one shown: {}", stderr(&out));
    let out = env.run(&["search", "number", "3", "--limit", "1"]);
    // Cue 3 holds `number` and `3`; so does no other cue (cue 30 has
    // `30`, not `3`), and the pairs around cue 3 are not hits of their own.
    assert!(!stderr(&out).contains("showing"), "{}", stderr(&out));

    // Words AND-ed could span two cues: each cue here holds both, so every
    // pair repeats a cue and the total is still the cues.
    let out = env.run(&["search", "number", "flood", "--limit", "5"]);
    assert!(stderr(&out).contains("showing 5 of 10050 (use --limit)"), "{}", stderr(&out));
    // `1` is cue 1 alone (its pairs repeat it); "3 flood" is only the pair
    // of cues 3 and 4: two hits.
    let out = env.run(&["search", "1 OR \"3 flood\"", "--limit", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("showing 1 of 2 (use --limit)"), "{}", stderr(&out));
    // Twenty phrases each found only across a cue boundary: twenty hits,
    // more than a limit of 1 fetches, so they are counted, not assembled.
    let phrases: Vec<String> = (1..=20).map(|n| format!("\"{n} flood\"")).collect();
    let out = env.run(&["search", &phrases.join(" OR "), "--limit", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("showing 1 of 20 (use --limit)"), "{}", stderr(&out));

    let all = env.run(&["search", "--json", "flood", "--limit", "10050"]);
    assert_eq!(all.status.code(), Some(0), "{}", stderr(&all));
    let hits: Vec<Value> = serde_json::from_slice(&all.stdout).expect("json");
    assert_eq!(hits.len(), 10_050);
    assert!(!stderr(&all).contains("showing"), "{}", stderr(&all));

    for cmd in
        [&["search", "flood", "--limit", "0"][..], &["export", "--query", "flood", "--format", "csv", "--limit", "0"]]
    {
        let out = env.run(cmd);
        assert_eq!(out.status.code(), Some(2), "{cmd:?}: {}", stdout(&out));
        assert!(stderr(&out).contains("--limit"), "{cmd:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "{cmd:?}");
    }
}

/// Runs `rushes --library LIB args...` with a terminal (a pty, through
/// Python's `pty`) as its stdin, stdout and stderr: what a person sees,
/// both streams together, and the exit code.
fn on_terminal(env: &Env, args: &[&str]) -> (Option<i32>, String) {
    let out = std::process::Command::new("python3")
        .args(["-c", "import os, pty, sys; sys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))"])
        .arg(env!("CARGO_BIN_EXE_rushes"))
        .arg("--library")
        .arg(env.library())
        .args(args)
        .env_remove("RUSHES_LIBRARY")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("python3 must be installed (the export tests need it too)");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Point 13: a search that finds nothing says so on a terminal, with what
/// to try (a prefix of the word, `--fuzzy`), and still exits 1; a script
/// (no terminal) gets the exit status alone.
#[test]
fn no_hits_says_so() {
    // `flooz` is no word of the transcript in any form (`floods` would
    // find `flood` now: plain words find their forms).
    let env = Env::new();
    interview(&env, 3);
    for args in [&["search", "flooz"][..], &["search", "--json", "flooz"]] {
        let (code, seen) = on_terminal(&env, args);
        assert_eq!(code, Some(1), "{args:?}: {seen}");
        assert!(seen.contains("no matches for \"flooz\" (try flooz* or --fuzzy)"), "{args:?}: {seen}");
        let piped = env.run(args);
        assert_eq!(piped.status.code(), Some(1), "{args:?}");
        assert_eq!(stderr(&piped), "", "{args:?}");
    }
    // The suggestion works: `--fuzzy` finds `flood`, one letter away.
    let out = env.run(&["search", "--fuzzy", "flooz"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // With --fuzzy on already and a filter, it suggests the filter.
    let (code, seen) = on_terminal(&env, &["search", "--fuzzy", "--camera", "Z", "flood"]);
    assert_eq!(code, Some(1), "{seen}");
    assert!(seen.contains("no matches for \"flood\" (try flood* or fewer filters)"), "{seen}");
}

/// Columns a terminal gives `s`: East Asian wide characters (CJK,
/// kana, full-width forms) take two, everything else here one.
fn columns(s: &str) -> usize {
    s.chars().map(|c| if matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6) { 2 } else { 1 }).sum()
}

fn names(env: &Env, args: &[&str]) -> Vec<String> {
    let mut all = vec!["clips", "--json"];
    all.extend_from_slice(args);
    let v = env.json(&all, 0);
    let mut got: Vec<String> =
        v.as_array().expect("array").iter().map(|c| c["name"].as_str().expect("name").to_string()).collect();
    got.sort();
    got
}

/// Point 17: `clips` fits 80 columns and shows file names (the path is in
/// `--long` and `--json`), and filters by camera, day, name, offline, with
/// a limit that says when it cuts.
#[test]
fn clips_fit_eighty_columns_and_filter() {
    let env = Env::new();
    let shoot = env.tmp.path().join("shoot");
    let fixture = dump().join("2026-03-14");
    let long = "INTERVIEW_MARIA_GONZALEZ_RIVERBANK_WIDE_TAKE_03_FINAL_GRADE.MP4";
    let wide = "インタビュー_山田太郎_東京_二〇二六年三月十四日_テイク三.mp4";
    let deep = "2026-03-15/B_CAM/CARD_02/CLIPS/DAY_TWO/A003C012_260314_R1AB.mov";
    let copies = [
        ("A001/PRIVATE/M4ROOT/CLIP/C0001.MP4", "2026-03-14/A_CAM/C0001.MP4".to_string()),
        ("D_CAM/PLAIN.mp4", format!("2026-03-14/A_CAM/{long}")),
        ("D_CAM/PLAIN.mp4", format!("2026-03-14/A_CAM/{wide}")),
        ("B_CAM/A003C012_260314_R1AB.mov", deep.to_string()),
        ("B_CAM/A003C013_260314_R1AB.mov", "2026-03-15/B_CAM/GONE.mov".to_string()),
        ("SOUND/T001.WAV", "2026-03-15/SOUND/T001.WAV".to_string()),
    ];
    for (from, to) in &copies {
        std::fs::create_dir_all(shoot.join(to).parent().expect("parent")).expect("mkdir");
        std::fs::copy(fixture.join(from), shoot.join(to)).expect("copy");
    }
    env.ingest(&shoot);
    std::fs::remove_file(shoot.join("2026-03-15/B_CAM/GONE.mov")).expect("rm");
    let report = env.ingest(&shoot);
    assert_eq!(report["clips_offline"], 1, "{report}");

    let out = env.run(&["clips"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = stdout(&out);
    for line in table.lines() {
        assert!(columns(line) <= 80, "{} columns: {line}\n{table}", columns(line));
        assert!(!line.contains("A_CAM/") && !line.contains("CLIPS/"), "a path, not a name: {line}");
    }
    let row = |needle: &str| table.lines().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle}: {table}"));
    assert!(row("C0001.MP4").starts_with("2026-03-14"), "{table}");
    assert!(row("A003C012").contains('…') || row("A003C012").contains("A003C012_260314_R1AB.mov"), "{table}");
    assert!(row("INTERVIEW_").contains('…'), "a long name is cut with an ellipsis: {table}");
    assert!(row("インタビュー").contains('…'), "{table}");
    assert!(row("GONE.mov").contains("offline"), "{table}");

    let long_table = stdout(&env.run(&["clips", "--long"]));
    assert!(long_table.contains(deep), "--long shows the path: {long_table}");
    assert!(long_table.contains(&format!("2026-03-14/A_CAM/{long}")), "{long_table}");

    let all = names(&env, &[]);
    assert_eq!(all.len(), 6, "{all:?}");
    assert_eq!(names(&env, &["--camera", "b"]), ["A003C012_260314_R1AB.mov", "GONE.mov"]);
    assert_eq!(names(&env, &["--camera", "B CAM"]), ["A003C012_260314_R1AB.mov", "GONE.mov"]);
    assert_eq!(names(&env, &["--day", "2026-03-15"]), ["A003C012_260314_R1AB.mov", "GONE.mov", "T001.WAV"]);
    assert_eq!(names(&env, &["--day", "15/03/2026", "--camera", "sound"]), ["T001.WAV"]);
    assert_eq!(names(&env, &["--name", "c00*"]), ["C0001.MP4"]);
    assert_eq!(names(&env, &["--name", "*R1AB.MOV"]), ["A003C012_260314_R1AB.mov"]);
    assert_eq!(names(&env, &["--name", "T00?.wav"]), ["T001.WAV"]);
    assert_eq!(names(&env, &["--offline"]), ["GONE.mov"]);
    let mut a = vec!["C0001.MP4".to_string(), long.to_string(), wide.to_string()];
    a.sort();
    assert_eq!(names(&env, &["--day", "2026-03-14", "--camera", "A"]), a);

    // Sorted by day, camera, path: the first two are day 14's camera A.
    let out = env.run(&["clips", "--json", "--limit", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(2));
    assert!(stderr(&out).contains("showing 2 of 6 (use --limit)"), "{}", stderr(&out));
    let out = env.run(&["clips", "--limit", "0"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("--limit"), "{}", stderr(&out));
}
