//! The shoot-day log on the fixture dump: cameras and reels, every clip of
//! the day with its timecode, duration and transcript coverage, the notes,
//! the note that lands on no clip, the files the ingest could not read
//! (kept in the library until an ingest reads them) and the warnings; as
//! CSV read back by Python's csv module, as JSON and as printable HTML.

mod common;

use common::{Env, copy_tree, dump};
use serde_json::Value;

/// stdout of a run that must exit 0.
fn out(env: &Env, args: &[&str]) -> String {
    let run = env.run(args);
    assert_eq!(run.status.code(), Some(0), "rushes {args:?}: {run:?}");
    String::from_utf8(run.stdout).expect("utf-8")
}

/// The CSV as Python's csv module reads it: one dict per row.
fn csv_rows(path: &std::path::Path) -> Vec<Value> {
    let rows = common::python(
        "import csv,json,sys\nprint(json.dumps(list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))))",
        &[path.to_str().expect("utf-8 path")],
    );
    rows.as_array().expect("rows").clone()
}

#[test]
fn the_day_log_lists_clips_coverage_notes_and_what_went_wrong() {
    let env = Env::new();
    let copy = env.tmp.path().join("dump");
    copy_tree(&dump(), &copy);
    env.ingest(&copy);
    let csv = env.tmp.path().join("day.csv");
    out(
        &env,
        &["report", "day", "14/03/2026", "--date-order", "dmy", "--format", "csv", "-o", csv.to_str().expect("utf-8")],
    );
    let rows = csv_rows(&csv);
    let of = |kind: &str| -> Vec<&Value> { rows.iter().filter(|r| r["kind"] == kind).collect() };
    let cell = |r: &Value, k: &str| r[k].as_str().unwrap_or("?").to_string();
    let cameras: Vec<String> = of("camera")
        .iter()
        .map(|r| format!("{} [{}] {}", cell(r, "camera"), cell(r, "reel"), cell(r, "text")))
        .collect();
    assert_eq!(
        cameras,
        ["A [A001] 2 clips", "B [A003] 2 clips", "C [] 1 clip", "D [] 2 clips", "SOUND [260314] 6 clips"]
    );
    let clips = of("clip");
    assert_eq!(clips.len(), 13);
    let c0001 = clips.iter().find(|r| r["clip"] == "C0001.MP4").expect("C0001");
    assert_eq!(
        ["fps", "tc_in", "tc_out", "duration", "cues", "speakers", "transcribed_s", "notes"].map(|k| cell(c0001, k)),
        ["29.97 DF", "14:30:59;28", "14:31:02;00", "00:00:02;00", "2", "MARIA", "1.700", "2"]
    );
    let a003 = clips.iter().find(|r| r["clip"] == "A003C012_260314_R1AB.mov").expect("A003C012");
    assert_eq!(cell(a003, "speakers"), "Maria / Tom");
    let memo = clips.iter().find(|r| r["clip"] == "memo.mp3").expect("memo");
    assert_eq!((cell(memo, "fps"), cell(memo, "duration")), ("-".to_string(), "2.000 s".to_string()));
    assert_eq!(of("note").len(), 6);
    let unplaced = of("unplaced_note");
    assert_eq!(unplaced.len(), 1);
    assert!(
        cell(unplaced[0], "text")
            .starts_with("Wide of the street, nobody there (no clip of camera A holds 14:33:00:00")
    );
    assert!(cell(unplaced[0], "source").ends_with("NOTES/ap_log.csv:5"));
    let failures: Vec<String> = of("failure").iter().map(|r| cell(r, "source")).collect();
    let names: Vec<&str> = failures.iter().map(|p| p.rsplit('/').next().unwrap_or("")).collect();
    assert_eq!(names, ["EMPTY.MOV", "TRUNC.MOV", "TRUNC2.MP4", "notes.mov"]);
    let warnings: Vec<String> = of("warning").iter().map(|r| cell(r, "text")).collect();
    assert!(warnings.contains(&"transcript not attached: matches no clip by name".to_string()), "{warnings:?}");

    // A file that reads now is no longer listed after the next ingest.
    std::fs::remove_file(copy.join("2026-03-14/BROKEN/EMPTY.MOV")).expect("remove");
    env.ingest(&copy);
    let log: Value =
        serde_json::from_str(&out(&env, &["report", "day", "2026-03-14", "--format", "json"])).expect("json");
    let failed: Vec<&str> =
        log["failures"].as_array().expect("failures").iter().filter_map(|f| f["path"].as_str()).collect();
    assert_eq!(failed.len(), 3, "{failed:?}");
    assert!(failed.iter().all(|p| !p.ends_with("EMPTY.MOV")), "{failed:?}");
    assert_eq!(log["cameras"][0]["reels"], serde_json::json!(["A001"]));

    // The HTML prints on A4 and Letter, every section there, text escaped.
    let html = out(&env, &["report", "day", "2026-03-14"]);
    for want in [
        "<h1>Shoot day 2026-03-14</h1>",
        "<h2>Cameras and reels</h2>",
        "<h2>Notes on no clip</h2>",
        "<h2>Files not read</h2>",
        "@page",
        "box &apos;mdat&apos;",
    ] {
        assert!(html.contains(want), "{want} in the HTML");
    }
    // A day with no clips is an error that says so.
    let run = env.run(&["report", "day", "2026-03-15"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("no clip of 2026-03-15"), "{run:?}");
}
