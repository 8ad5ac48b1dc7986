//! Transcripts and shoot notes found in the fixture dump land on the right
//! clip at the right frame; what cannot be placed is kept and listed.

mod common;

use std::collections::BTreeMap;

use common::{Env, copy_tree, dump};
use serde_json::{Value, json};

fn by_name(clips: &[Value]) -> BTreeMap<String, Value> {
    clips.iter().map(|c| (c["name"].as_str().expect("name").to_string(), c.clone())).collect()
}

/// `(tc_in, speaker, text)` of a clip's transcript, from `rushes show`.
fn transcript(env: &Env, clip: &str) -> Vec<(String, Option<String>, String)> {
    let log = env.json(&["show", clip, "--json"], 0);
    log["transcript"]
        .as_array()
        .expect("transcript")
        .iter()
        .map(|s| {
            (
                s["tc_in"].as_str().unwrap_or("-").to_string(),
                s["speaker"].as_str().map(String::from),
                s["text"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn notes(env: &Env, clip: &str) -> Vec<(String, String)> {
    let log = env.json(&["show", clip, "--json"], 0);
    log["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .map(|n| (n["tc_in"].as_str().unwrap_or("-").to_string(), n["text"].as_str().unwrap_or_default().to_string()))
        .collect()
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

#[test]
fn transcripts_land_on_the_right_frames() {
    let env = Env::new();
    let report = env.ingest(&dump());
    assert_eq!(report["transcripts_attached"], 5, "{report}");

    // Clip-relative SRT on 29.97 DF: 0.1 s is frame 3 (;00 and ;01 of a
    // non-tenth minute do not exist); the speaker carries on in SRT.
    assert_eq!(
        transcript(&env, "C0001.MP4"),
        vec![
            ("14:31:00;03".into(), s("MARIA"), "That night the river".into()),
            ("14:31:01;00".into(), s("MARIA"), "came up to the door.".into()),
        ]
    );
    // Record-TC WebVTT on 23.976, voice tags (also with a class); VTT
    // speakers do not carry on.
    assert_eq!(
        transcript(&env, "A003C012_260314_R1AB.mov"),
        vec![
            ("14:31:10:00".into(), s("Maria"), "We lost the café and the bakery.".into()),
            ("14:31:11:00".into(), s("Tom"), "Everything went under.".into()),
        ]
    );
    // WhisperX JSON at 50 fps.
    let gx = transcript(&env, "GX010042.MP4");
    assert_eq!(gx[0].0, "14:32:00:10");
    assert_eq!(gx[0].1, s("SPEAKER_00"));
    assert_eq!(gx[1].0, "14:32:01:00");
    // Windows-1252 at 59.94 DF across midnight.
    let night = transcript(&env, "NIGHT0001.MP4");
    assert_eq!(night[0].0, "23:59:58;30");
    assert!(night[0].2.contains("café") && night[0].2.contains("5€"), "{night:?}");
    assert_eq!(night[1].0, "00:00:00;30");
    // UTF-16 with a `SPEAKER 1:` prefix, `T001 (1).srt` → T001.WAV.
    assert_eq!(transcript(&env, "T001.WAV"), vec![("14:31:05:05".into(), s("SPEAKER 1"), "Rolling on sound.".into())]);

    // Unmatched transcripts are kept and listed; DJI telemetry is skipped.
    let unmatched = report["transcripts_unmatched"].as_array().expect("unmatched");
    assert_eq!(unmatched.len(), 1, "{report}");
    assert!(unmatched[0]["path"].as_str().is_some_and(|p| p.ends_with("UNKNOWN99.srt")));
    let skipped = report["sidecars_skipped"].as_array().expect("skipped");
    assert!(
        skipped.iter().any(|s| s["path"].as_str().is_some_and(|p| p.ends_with("PLAIN.SRT"))
            && s["reason"].as_str().is_some_and(|r| r.to_lowercase().contains("telemetry"))),
        "{skipped:?}"
    );
    assert!(transcript(&env, "PLAIN.mp4").is_empty(), "telemetry must not become a transcript");

    let clips = by_name(&env.clips());
    assert_eq!(clips["C0001.MP4"]["segments"], 2);
    assert_eq!(clips["C0001.MP4"]["speakers"], json!(["MARIA"]));
    assert_eq!(clips["A003C012_260314_R1AB.mov"]["speakers"], json!(["Maria", "Tom"]));
}

#[test]
fn notes_land_on_clips_or_are_listed() {
    let env = Env::new();
    let report = env.ingest(&dump());
    let c0001 = notes(&env, "C0001.MP4");
    assert!(c0001.contains(&("14:31:00;10".into(), "Maria at the door,\nsecond line of the note".into())), "{c0001:?}");
    assert!(c0001.contains(&("14:31:01;00".into(), "Maria describes the flood #flood".into())), "{c0001:?}");
    assert_eq!(
        notes(&env, "A003C012_260314_R1AB.mov"),
        vec![("14:31:11:00".into(), "Tom says everything went under".into())]
    );
    assert_eq!(notes(&env, "T001.WAV"), vec![("14:31:05:12".into(), "Room tone starts".into())]);
    let gx: Vec<String> = notes(&env, "GX010042.MP4").into_iter().map(|n| n.0).collect();
    assert_eq!(gx, ["14:32:01:00", "14:32:01:10"]);

    let unplaced = report["notes_unplaced"].as_array().expect("unplaced");
    assert_eq!(unplaced.len(), 1, "{report}");
    assert_eq!(unplaced[0]["tc"], "14:33:00:00");
    assert!(unplaced[0]["source"].as_str().is_some_and(|s| s.contains("ap_log.csv:")), "{unplaced:?}");
    assert!(unplaced[0]["text"].as_str().is_some_and(|t| t.contains("nobody there")));
    // The row without a timecode is reported with its line, not dropped silently.
    let warnings = report["warnings"].as_array().expect("warnings");
    assert!(warnings.iter().any(|w| w["source"].as_str().is_some_and(|s| s.contains("ap_log.csv:"))), "{warnings:?}");
    let clips = by_name(&env.clips());
    assert_eq!(clips["C0001.MP4"]["notes"], 2);
}

/// Shoot notes kept in Excel (`fixtures/notes/shoot_notes.xlsx`, from
/// `make_xlsx.py`): found on the workbook's second sheet by their columns,
/// placed like the CSV's, rows reported by their Excel row number; the
/// same workbook inside a dump is found by the ingest.
#[test]
fn shoot_notes_in_an_excel_workbook_land_on_their_clips() {
    let env = Env::new();
    env.ingest(&dump());
    let book = common::repo().join("fixtures/notes/shoot_notes.xlsx");
    let report = env.json(&["import", "--json", book.to_str().expect("utf-8")], 0);
    assert_eq!(report["notes_placed"], 4, "{report}");
    let warnings: Vec<String> = report["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| w["source"].as_str().unwrap_or_default().rsplit('/').next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(warnings, ["shoot_notes.xlsx:7"], "{report}");
    let c0001 = notes(&env, "C0001.MP4");
    assert!(c0001.contains(&("14:31:00;10".into(), "Maria at the door, second line of the note".into())), "{c0001:?}");
    assert!(
        notes(&env, "A003C012_260314_R1AB.mov")
            .contains(&("14:31:11:00".into(), "Tom says everything went under".into()))
    );
    assert!(notes(&env, "GX010042.MP4").contains(&("14:32:00:20".into(), "The boat pulls away from the steps".into())));
    assert!(notes(&env, "C0002.MP4").contains(&("-".into(), "Whole clip: refused on camera, do not use".into())));

    // In a dump: the ingest reads it too, and writes nothing beside it.
    let day = env.tmp.path().join("dump");
    common::copy_tree(&dump(), &day);
    std::fs::copy(&book, day.join("2026-03-14/NOTES/day1.xlsx")).expect("copy");
    let before = common::snapshot(&day);
    let fresh = Env::new();
    let report = fresh.ingest(&day);
    assert!(
        report["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .any(|w| w["source"].as_str().is_some_and(|s| s.ends_with("day1.xlsx:7"))),
        "{report}"
    );
    let gx = notes(&fresh, "GX010042.MP4");
    assert!(gx.iter().any(|n| n.1.starts_with("The boat pulls away")), "{gx:?}");
    assert_eq!(common::snapshot(&day), before, "the dump is unchanged");
}

#[test]
fn importing_twice_adds_nothing_and_a_changed_file_replaces() {
    let env = Env::new();
    env.ingest(&dump());
    let work = tempfile::tempdir().expect("tmp");
    let srt = work.path().join("C0002.en.srt");
    std::fs::write(&srt, "1\n00:00:00,000 --> 00:00:00,500\nFirst.\n\n2\n00:00:00,500 --> 00:00:01,000\nSecond.\n")
        .expect("write");
    let srt_arg = srt.to_str().expect("utf-8");
    let first = env.json(&["import", "--json", srt_arg], 0);
    assert_eq!(first["segments"], 2);
    let again = env.json(&["import", "--json", srt_arg], 0);
    assert_eq!(again["segments"], 0);
    assert_eq!(again["sources_unchanged"], 1);
    assert_eq!(by_name(&env.clips())["C0002.MP4"]["segments"], 2);
    std::fs::write(&srt, "1\n00:00:00,000 --> 00:00:01,000\nOnly one now.\n").expect("write");
    env.json(&["import", "--json", srt_arg], 0);
    assert_eq!(by_name(&env.clips())["C0002.MP4"]["segments"], 1);
    assert_eq!(transcript(&env, "C0002.MP4"), vec![("14:35:10:00".into(), None, "Only one now.".into())]);
}

#[test]
fn a_later_ingest_attaches_a_waiting_transcript() {
    let env = Env::new();
    let work = tempfile::tempdir().expect("tmp");
    let day = work.path().join("2026-03-15");
    std::fs::create_dir_all(day.join("E_CAM")).expect("mkdir");
    std::fs::copy(dump().join("2026-03-14/D_CAM/PLAIN.mp4"), day.join("E_CAM/LATE01.mp4")).expect("copy");
    let srt = work.path().join("LATE01.srt");
    std::fs::write(&srt, "1\n00:00:01,000 --> 00:00:01,500\nIt arrived later.\n").expect("write");
    // The library exists but has no LATE01 yet.
    env.ingest(&dump());
    let first = env.json(&["import", "--json", srt.to_str().expect("utf-8")], 0);
    assert_eq!(first["transcripts_unmatched"].as_array().map(Vec::len), Some(1), "{first}");
    let report = env.ingest(&day);
    assert_eq!(report["clips_added"], 1);
    assert!(
        report["transcripts_unmatched"]
            .as_array()
            .is_some_and(|u| u.iter().all(|t| !t["path"].as_str().unwrap_or_default().ends_with("LATE01.srt")))
    );
    assert_eq!(transcript(&env, "LATE01.mp4"), vec![("00:00:01:00".into(), None, "It arrived later.".into())]);
}

#[test]
fn explicit_clip_and_timebase_override() {
    let env = Env::new();
    env.ingest(&dump());
    let work = tempfile::tempdir().expect("tmp");
    let srt = work.path().join("whatever.srt");
    std::fs::write(&srt, "1\n14:31:11,000 --> 14:31:11,500\nRecord time.\n").expect("write");
    let out = env.json(
        &[
            "import",
            "--json",
            "--clip",
            "A003C012_260314_R1AB.mov",
            "--timebase",
            "record",
            srt.to_str().expect("utf-8"),
        ],
        0,
    );
    assert_eq!(out["transcripts_attached"], 1, "{out}");
    let t = transcript(&env, "A003C012_260314_R1AB.mov");
    assert!(t.contains(&("14:31:11:00".into(), None, "Record time.".into())), "{t:?}");
    let missing = env.run(&["import", "/no/such/file.srt"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn reingest_with_words_changes_nothing() {
    let env = Env::new();
    env.ingest(&dump());
    let meta = std::fs::read(env.library().join("index/meta.json")).expect("meta");
    let again = env.ingest(&dump());
    assert_eq!(again["segments"], 0);
    assert_eq!(again["notes_placed"], 0);
    assert_eq!(std::fs::read(env.library().join("index/meta.json")).expect("meta"), meta, "no commit");
    // The still-unplaced note and unmatched transcript are still listed.
    assert_eq!(again["notes_unplaced"].as_array().map(Vec::len), Some(1));
    assert_eq!(again["transcripts_unmatched"].as_array().map(Vec::len), Some(1));
}

/// A transcript in a dump is read again only when its size or its
/// modification time moved, so an unchanged year of transcripts is not
/// read on every ingest. A file read in the tick it was written keeps no
/// time, so a change made within that tick is still found.
#[test]
fn reingest_reads_a_transcript_again_only_when_its_size_or_time_moved() {
    use std::time::{Duration, SystemTime};
    let env = Env::new();
    let day = env.tmp.path().join("dump");
    copy_tree(&dump(), &day);
    let srt = day.join("2026-03-14/TRANSCRIPTS/C0001.srt");
    let set_time = |when: SystemTime| {
        std::fs::File::options().write(true).open(&srt).and_then(|f| f.set_modified(when)).expect("mtime");
    };
    // Same length, other words (only reading the file tells them apart),
    // dated `when`, then ingested.
    let edit = |from: &str, to: &str, when: SystemTime| {
        let text = std::fs::read_to_string(&srt).expect("read");
        assert!(text.contains(from), "{text}");
        std::fs::write(&srt, text.replace(from, to)).expect("write");
        set_time(when);
        env.ingest(&day)
    };
    let first_cue = |env: &Env| transcript(env, "C0001.MP4").swap_remove(0).2;
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    set_time(hour_ago);
    env.ingest(&day);
    assert_eq!(first_cue(&env), "That night the river");

    // The size and time it was read at: not read again.
    let again = edit("river", "rivet", hour_ago);
    assert_eq!(again["segments"], 0, "{again}");
    assert_eq!(first_cue(&env), "That night the river");

    // Saved again (a new time): read, and its words replace the old.
    set_time(hour_ago + Duration::from_secs(60));
    let edited = env.ingest(&day);
    assert_eq!(edited["segments"], 2, "{edited}");
    assert_eq!(first_cue(&env), "That night the rivet");

    // Copied again (a new time, the same bytes): read, found unchanged,
    // and its new time kept, so the next ingest does not read it.
    let copied = hour_ago + Duration::from_secs(120);
    set_time(copied);
    let again = env.ingest(&day);
    assert_eq!(again["segments"], 0, "{again}");
    edit("rivet", "river", copied);
    assert_eq!(first_cue(&env), "That night the rivet");

    // Written just now: read, and its time not kept, so a change within
    // the same tick is read too.
    let now = SystemTime::now();
    set_time(now);
    env.ingest(&day);
    assert_eq!(first_cue(&env), "That night the river");
    let same_tick = edit("river", "rover", now);
    assert_eq!(same_tick["segments"], 2, "{same_tick}");
    assert_eq!(first_cue(&env), "That night the rover");
}

/// A transcript in the dump attached by hand with `--clip` stays attached
/// when the dump is ingested again.
#[test]
fn reingest_keeps_how_a_dump_file_was_imported() {
    let env = Env::new();
    env.ingest(&dump());
    let unknown = dump().join("2026-03-14/TRANSCRIPTS/UNKNOWN99.srt");
    let out = env.json(&["import", "--json", "--clip", "PLAIN.mp4", unknown.to_str().expect("utf-8")], 0);
    assert_eq!(out["transcripts_attached"], 1, "{out}");
    // UNKNOWN99.srt's one cue, 1 s into a clip that has no timecode.
    let attached = transcript(&env, "PLAIN.mp4");
    assert_eq!(attached, vec![("00:00:01:00".into(), None, "This interview was recorded on another day.".into())]);
    let again = env.ingest(&dump());
    assert_eq!(again["transcripts_unmatched"], json!([]), "{again}");
    assert_eq!(transcript(&env, "PLAIN.mp4"), attached);
}

/// A notes file whose every row is unreadable still says so in the human
/// report: nothing was placed, and the lines not read are listed.
#[test]
fn a_notes_file_with_only_bad_rows_is_reported_in_the_human_output() {
    let env = Env::new();
    env.ingest(&dump());
    let log = env.tmp.path().join("log.csv");
    std::fs::write(&log, "Timecode,Cam,Note\n,A,no timecode here\n").expect("write");
    let out = env.run(&["import", log.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("lines not read: 1"), "{text}");
    assert!(text.contains("log.csv:2: no timecode"), "{text}");
}
