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

/// `(day/file name, tc_in, text)` of every placed note a query finds,
/// sorted.
fn note_hits(env: &Env, query: &str) -> Vec<(String, String, String)> {
    let out = env.run(&["search", query, "--kind", "note", "--json", "--limit", "1000"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let mut got: Vec<(String, String, String)> = v
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|h| h["path"].as_str().map(|p| (h, p)))
                .map(|(h, path)| {
                    let day = path.split('/').find(|p| p.starts_with("2026-")).unwrap_or("");
                    let name = path.rsplit('/').next().unwrap_or("");
                    (
                        format!("{day}/{name}"),
                        h["tc_in"].as_str().unwrap_or("-").to_string(),
                        h["text"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    got.sort();
    got
}

/// `(source line, reason)` of the report's unplaced notes and warnings
/// about one file.
fn said_about(report: &Value, file: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (list, source) in [("notes_unplaced", "source"), ("warnings", "source")] {
        for item in report[list].as_array().into_iter().flatten() {
            let src = item[source].as_str().unwrap_or("");
            if let Some((path, line)) = src.rsplit_once(':')
                && path.ends_with(file)
            {
                out.push((line.to_string(), item["reason"].as_str().unwrap_or("").to_string()));
            }
        }
    }
    out.sort();
    out
}

/// Point 2: a misspelt text column is found by its closeness to a known
/// name, or as the column with the most free text; every row is placed or
/// listed; no note is empty.
#[test]
fn a_misspelt_notes_header_keeps_the_notes() {
    let env = Env::new();
    let shoot = env.tmp.path().join("shoot");
    sony_card(&shoot, "2026-03-14");
    write(
        &shoot.join("2026-03-14/NOTES/log.csv"),
        "Date,TC In,TC Out,Cam,Descripton\n\
         2026-03-14,14:31:00;10,,A,Maria opens the door\n\
         2026-03-14,14:35:11:00,,A,wide of the river\n\
         2026-03-14,,,A,the row nobody timed\n\
         2026-03-14,14:35:11:10,,A,\n",
    );
    write(
        &shoot.join("2026-03-14/NOTES/second.csv"),
        "TC,Shot,What happened\n14:31:01;00,WS,drone lifts off the bank\n",
    );
    let report = env.ingest(&shoot);
    assert_eq!(report["notes_placed"], 3, "{report}");
    assert_eq!(
        note_hits(&env, "door OR river OR drone OR timed"),
        [
            ("2026-03-14/C0001.MP4".into(), "14:31:00;10".into(), "Maria opens the door".into()),
            ("2026-03-14/C0001.MP4".into(), "14:31:01;00".into(), "drone lifts off the bank".into()),
            ("2026-03-14/C0002.MP4".into(), "14:35:11:00".into(), "wide of the river".into()),
        ]
    );
    assert_eq!(
        said_about(&report, "log.csv"),
        [
            ("1".to_string(), "column \"Descripton\" read as the note text (close to \"description\")".to_string()),
            ("4".to_string(), "no timecode and no clip".to_string()),
            ("5".to_string(), "no note text".to_string()),
        ]
    );
    assert_eq!(
        said_about(&report, "second.csv"),
        [
            ("1".to_string(), "column \"Shot\" has no meaning rushes knows; not read".to_string()),
            (
                "1".to_string(),
                "no note column (Note, Notes, Comment, Description...): read \"What happened\" as the note text, \
                 the column with the most free text"
                    .to_string()
            ),
        ]
    );
}

/// Point 3: day-first, month-first and written-out dates put each note on
/// its own day only; an ambiguous date needs `--date-order`; a date that
/// is not one is an error for its row.
#[test]
fn notes_dates_as_people_write_them() {
    let env = Env::new();
    let shoot = env.tmp.path().join("shoot");
    sony_card(&shoot, "2026-03-14");
    sony_card(&shoot, "2026-03-15");
    // Outside any dated folder, so only the Date column says the day.
    let sheet = shoot.join("NOTES/all_days.csv");
    write(
        &sheet,
        "Date,Timecode,Cam,Note\n\
         15/03/2026,14:31:00;10,A,dmy fifteenth\n\
         03/14/2026,14:31:00;20,A,mdy fourteenth\n\
         14 Mar 2026,14:31:01;00,A,named fourteenth\n\
         \"March 15, 2026\",14:31:01;10,A,named fifteenth\n\
         2026-03-15,14:31:01;20,A,iso fifteenth\n\
         03/04/2026,14:31:00;10,A,ambiguous\n\
         31/02/2026,14:31:00;10,A,no such day\n\
         yesterday,14:31:00;10,A,not a date\n",
    );
    let report = env.ingest(&shoot);
    assert_eq!(
        note_hits(&env, "fourteenth OR fifteenth OR ambiguous OR day OR date"),
        [
            ("2026-03-14/C0001.MP4".into(), "14:31:00;20".into(), "mdy fourteenth".into()),
            ("2026-03-14/C0001.MP4".into(), "14:31:01;00".into(), "named fourteenth".into()),
            ("2026-03-15/C0001.MP4".into(), "14:31:00;10".into(), "dmy fifteenth".into()),
            ("2026-03-15/C0001.MP4".into(), "14:31:01;10".into(), "named fifteenth".into()),
            ("2026-03-15/C0001.MP4".into(), "14:31:01;20".into(), "iso fifteenth".into()),
        ]
    );
    assert_eq!(
        said_about(&report, "all_days.csv"),
        [
            (
                "7".to_string(),
                "date \"03/04/2026\" is ambiguous (3 April or March 4); give --date-order dmy or mdy".to_string()
            ),
            ("8".to_string(), "date \"31/02/2026\" does not exist".to_string()),
            (
                "9".to_string(),
                "date \"yesterday\" is not a date (expected 2026-03-14, 14/03/2026 or 14 Mar 2026)".to_string()
            ),
        ]
    );
    // With the order given, 03/04/2026 is 3 April: a day with no clips.
    let out = env.run(&["import", "--date-order", "dmy", "--json", utf8(&sheet)]);
    let report: Value = serde_json::from_slice(&out.stdout).expect("import --json");
    let about = said_about(&report, "all_days.csv");
    assert!(
        about.contains(&(
            "7".to_string(),
            "no clip of camera A holds 14:31:00;10 (cameras in the library: A)".to_string()
        )),
        "{about:?}"
    );
    // `--day` reads the same spellings.
    let plain = env.tmp.path().join("undated");
    sony_card(&plain, "card");
    let env2 = Env::new();
    let report = env2.json(&["ingest", "--json", "--day", "14/03/2026", utf8(&plain)], 0);
    assert_eq!(report["clips_added"], 2, "{report}");
    let days: Vec<Value> = env2.clips().iter().map(|c| c["day"].clone()).collect();
    assert_eq!(days, [Value::from("2026-03-14"), Value::from("2026-03-14")]);
    let out = env2.run(&["ingest", "--day", "03/04/2026", utf8(&plain)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--day: date \"03/04/2026\" is ambiguous"), "{}", stderr(&out));
}

/// Point 6: a frame number at or above the clip's rate is refused, not
/// clamped to the last frame.
#[test]
fn impossible_frame_numbers_are_refused() {
    let env = Env::new();
    let shoot = env.tmp.path().join("shoot");
    sony_card(&shoot, "2026-03-14");
    write(
        &shoot.join("2026-03-14/NOTES/log.csv"),
        "TC,Cam,Note\n14:31:00:40,A,forty frames\n14:31:00:29,A,last frame\n",
    );
    let report = env.ingest(&shoot);
    assert_eq!(
        note_hits(&env, "frames OR frame"),
        [("2026-03-14/C0001.MP4".into(), "14:31:00;29".into(), "last frame".into())]
    );
    assert_eq!(
        said_about(&report, "log.csv"),
        [("2".to_string(), "14:31:00:40: frame 40 does not exist at 29.97 fps (frames run 00 to 29)".to_string())]
    );
}

/// Point 14: cameras as people write them, and the cameras listed when a
/// note finds none.
#[test]
fn cameras_as_people_write_them() {
    let env = Env::new();
    let shoot = env.tmp.path().join("shoot");
    sony_card(&shoot, "2026-03-14");
    write(
        &shoot.join("2026-03-14/NOTES/log.csv"),
        "TC,Cam,Note\n14:31:00;10,A CAM,one\n14:31:00;11,Cam A,two\n14:31:00;12,CAM-A,three\n14:31:00;13,a,four\n\
         14:31:00;14,Z cam,five\n",
    );
    let report = env.ingest(&shoot);
    let got: Vec<String> = note_hits(&env, "one OR two OR three OR four OR five").into_iter().map(|h| h.1).collect();
    assert_eq!(got, ["14:31:00;10", "14:31:00;11", "14:31:00;12", "14:31:00;13"]);
    // The search filter reads cameras the same way.
    for cam in ["Cam A", "a", "CAM-A"] {
        let out = env.run(&["search", "one", "--camera", cam, "--json"]);
        assert_eq!(out.status.code(), Some(0), "--camera {cam:?}: {}", stderr(&out));
    }
    assert_eq!(
        said_about(&report, "log.csv"),
        [("6".to_string(), "no clip of camera Z cam holds 14:31:00;14 (cameras in the library: A)".to_string())]
    );
}

/// Point 15: a row naming a clip and no timecode is a note on the whole
/// clip, shown first by `show`.
#[test]
fn whole_clip_notes() {
    let env = Env::new();
    let shoot = env.tmp.path().join("shoot");
    sony_card(&shoot, "2026-03-14");
    write(
        &shoot.join("2026-03-14/NOTES/log.csv"),
        "Clip,TC,Note\nC0002,14:35:11:00,the boat appears\nC0002.MP4,,interview starts late\n",
    );
    let report = env.ingest(&shoot);
    assert_eq!(report["notes_placed"], 2, "{report}");
    let log = env.json(&["show", "C0002.MP4", "--json"], 0);
    let notes: Vec<(Value, Value)> =
        log["notes"].as_array().expect("notes").iter().map(|n| (n["tc_in"].clone(), n["text"].clone())).collect();
    assert_eq!(
        notes,
        [
            (Value::Null, Value::from("interview starts late")),
            (Value::from("14:35:11:00"), Value::from("the boat appears"))
        ]
    );
    let human = stdout(&env.run(&["show", "C0002.MP4"]));
    let whole = human.find("whole clip").expect("whole clip note shown");
    assert!(whole < human.find("the boat appears").expect("timed note"), "{human}");
}

/// Point 18: notes timecodes written `14.31.01` and `14h31m01s`.
#[test]
fn notes_timecodes_with_dots_and_units() {
    let env = Env::new();
    let shoot = env.tmp.path().join("shoot");
    sony_card(&shoot, "2026-03-14");
    write(&shoot.join("2026-03-14/NOTES/log.csv"), "TC,Cam,Note\n14.31.01,A,dotted\n14h31m01s,A,with units\n");
    write(&shoot.join("2026-03-14/NOTES/log.txt"), "14.31.01 [A] dotted in a log\n14h31m01s [A] units in a log\n");
    env.ingest(&shoot);
    let got: Vec<(String, String)> =
        note_hits(&env, "dotted OR units").into_iter().map(|(_, tc, text)| (tc, text)).collect();
    let at = |t: &str| ("14:31:01;00".to_string(), t.to_string());
    assert_eq!(got, [at("dotted"), at("dotted in a log"), at("units in a log"), at("with units")]);
}

/// Point 5: a transcript counted from the clip's start, on a clip that
/// crosses midnight, is read as clip time (JuvoPlayer's real SRT on the
/// fixture's NIGHT0001, 23:59:58;00 for 4.004 s at 59.94 DF), and the
/// choice is reported; `--timebase record` still forces the other reading.
#[test]
fn a_clip_relative_transcript_across_midnight() {
    let env = Env::new();
    let shoot = env.tmp.path().join("shoot/2026-03-14/D_CAM");
    std::fs::create_dir_all(&shoot).expect("mkdir");
    std::fs::copy(dump().join("2026-03-14/D_CAM/NIGHT0001.MP4"), shoot.join("NIGHT0001.MP4")).expect("copy");
    let srt = common::realdata("JuvoPlayer/JuvoPlayer.Tests/res/subtitles/media_player_subs_windows-1252.srt");
    let text = std::fs::read(&srt).expect("srt");
    std::fs::write(shoot.join("NIGHT0001.srt"), &text).expect("write");
    let report = env.ingest(&env.tmp.path().join("shoot"));
    // The SRT's cue starts, read from the file itself.
    let starts_ms: Vec<u64> = String::from_utf8_lossy(&text)
        .lines()
        .filter_map(|l| l.split_once(" --> "))
        .map(|(a, _)| {
            let (hms, ms) = a.trim().split_once(',').expect("ms");
            let p: Vec<u64> = hms.split(':').map(|x| x.parse().expect("num")).collect();
            ((p[0] * 60 + p[1]) * 60 + p[2]) * 1000 + ms.parse::<u64>().expect("ms")
        })
        .collect();
    assert_eq!(starts_ms.len(), 9);
    // Clip time: frame = round(ms × 60000/1001 / 1000) from 23:59:58;00.
    const DAY_5994_DF: u64 = 24 * 6 * (60 * 600 - 9 * 4);
    let start = common::label_frames("23:59:58;00", 60);
    let want: Vec<String> = starts_ms
        .iter()
        .map(|ms| (ms * 60_000 + 500_500) / 1_001_000)
        .map(|f| common::frames_label((start + f) % DAY_5994_DF, 60, true))
        .collect();
    let log = env.json(&["show", "NIGHT0001.MP4", "--json"], 0);
    let got: Vec<String> = log["transcript"]
        .as_array()
        .expect("transcript")
        .iter()
        .map(|s| s["tc_in"].as_str().unwrap_or("-").to_string())
        .collect();
    assert_eq!(got, want);
    assert_eq!(got[0], "23:59:58;30");
    let choice = &report["timebases"][0];
    assert_eq!(
        (&choice["timebase"], &choice["inside_as_clip"], &choice["inside_as_record"], &choice["cues"]),
        (&Value::from("clip"), &Value::from(9), &Value::from(4), &Value::from(9)),
        "{report}"
    );
    // The human summary says so, and how to change it.
    let env2 = Env::new();
    let out = env2.run(&["ingest", utf8(&env.tmp.path().join("shoot"))]);
    let human = stdout(&out);
    assert!(
        human.contains(
            "read as clip time: 9 of 9 cues inside NIGHT0001.MP4 (4 as record timecode); --timebase record to change"
        ),
        "{human}"
    );
    // Forced: record time puts the first cue just after midnight.
    let out = env.run(&["import", "--timebase", "record", "--json", utf8(&shoot.join("NIGHT0001.srt"))]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let log = env.json(&["show", "NIGHT0001.MP4", "--json"], 0);
    assert_eq!(log["transcript"][0]["tc_in"], "00:00:00;30");
}

/// Point 9: Sound Devices' real WaveAgent report beside the real Sound
/// Devices and Metacorder files: scene, take and notes land on the files
/// (split-mono `A101_1_X.WAV` on `A101_1_1.WAV` and `A101_1_2.WAV`), no
/// empty note is made, and rows naming files not in the dump are listed. A
/// Zoom-shaped report carries circled takes onto the fixture's WAVs.
#[test]
fn sound_reports_log_their_files() {
    let env = Env::new();
    let sound = env.tmp.path().join("shoot/2026-03-14/SOUND");
    std::fs::create_dir_all(&sound).expect("mkdir");
    let files = common::realdata("wavinfo/tests/test_files");
    for f in [
        "sounddevices/A101_1_1.WAV",
        "sounddevices/A101_1_2.WAV",
        "sounddevices/A101_3.WAV",
        "sounddevices/A101_4.WAV",
        "metacorder/Sr001-2C-01_01.WAV",
    ] {
        std::fs::copy(files.join(f), sound.join(f.rsplit('/').next().expect("name"))).expect("copy");
    }
    std::fs::copy(files.join("WaveAgentSoundReport.csv"), sound.join("WaveAgentSoundReport.csv")).expect("copy");
    for f in ["T001.WAV", "T002.WAV"] {
        std::fs::copy(dump().join("2026-03-14/SOUND").join(f), sound.join(f)).expect("copy");
    }
    write(
        &sound.join("zoom_report.csv"),
        "File Name,Scene,Take,Circle,Note\nT001.WAV,INT KITCHEN,7,Y,\nT002.WAV,INT KITCHEN,8,,boom dipped\n",
    );
    let report = env.ingest(&env.tmp.path().join("shoot"));
    // The report's own rows, read here: A101_1_X and A101_1 are take 01 of
    // scene A101 (both name the split-mono pair); Sr001-2C-01_X is 2C/01.
    let clips = env.clips();
    let mut got: Vec<(String, Value, Value, Value)> = clips
        .iter()
        .map(|c| {
            (c["name"].as_str().unwrap_or("").to_string(), c["scene"].clone(), c["take"].clone(), c["circled"].clone())
        })
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    let v = |s: &str| Value::from(s);
    let f = Value::from(false);
    assert_eq!(
        got,
        [
            ("A101_1_1.WAV".to_string(), v("A101"), v("01"), f.clone()),
            ("A101_1_2.WAV".to_string(), v("A101"), v("01"), f.clone()),
            ("A101_3.WAV".to_string(), v("A101"), v("03"), f.clone()),
            ("A101_4.WAV".to_string(), v("A101"), v("04"), f.clone()),
            ("Sr001-2C-01_01.WAV".to_string(), v("2C"), v("01"), f.clone()),
            ("T001.WAV".to_string(), v("INT KITCHEN"), v("7"), Value::from(true)),
            ("T002.WAV".to_string(), v("INT KITCHEN"), v("8"), f.clone()),
        ]
    );
    assert_eq!(report["notes_placed"], 2, "{report}");
    assert_eq!(report["files_logged"], 7, "{report}");
    let notes: Vec<(String, String, String)> = note_hits(&env, "tail OR boom");
    assert_eq!(
        notes,
        [
            ("2026-03-14/Sr001-2C-01_01.WAV".into(), "-".into(), "Tail Slate Cloth noise".into()),
            ("2026-03-14/T002.WAV".into(), "-".into(), "boom dipped".into()),
        ]
    );
    let mut unlisted: Vec<String> =
        said_about(&report, "WaveAgentSoundReport.csv").into_iter().map(|(line, _)| line).collect();
    unlisted.sort_by_key(|l| l.parse::<u32>().unwrap_or(0));
    // BULLET…wav, A101_2.WAV, PT A101_4.A1.wav and Sr001-001-06_X.WAV are not in this dump.
    assert_eq!(unlisted, ["7", "10", "13", "14"]);
}

/// `(tc_in, text)` of a clip's transcript, from `rushes show`.
fn transcript_lines(env: &Env, clip: &str) -> Vec<(String, String)> {
    let log = env.json(&["show", clip, "--json"], 0);
    log["transcript"]
        .as_array()
        .expect("transcript")
        .iter()
        .map(|s| (s["tc_in"].as_str().unwrap_or("-").to_string(), s["text"].as_str().unwrap_or("").to_string()))
        .collect()
}

/// Point 10: roll-up captions (YouTube auto-captions, captions converted
/// from broadcast roll-up) show each line twice: cue N is "A / B", cue N+1
/// "B / C", and YouTube's WebVTT adds a 10 ms cue repeating the line just
/// finished. Each spoken line is indexed once, at the time it first
/// appeared, and the report says how many cues were merged in each file.
#[test]
fn roll_up_captions_index_each_line_once() {
    let srt = "1\n00:00:00,000 --> 00:00:00,500\nthe river came up\n\n\
               2\n00:00:00,500 --> 00:00:01,000\nthe river came up\nto the bakery door\n\n\
               3\n00:00:01,000 --> 00:00:01,500\nto the bakery door\nand we lost everything\n";
    let vtt = "WEBVTT\nKind: captions\nLanguage: en\n\n\
               00:00:00.000 --> 00:00:00.490 align:start position:0%\n\
               the<00:00:00.200><c> river</c><00:00:00.300><c> came</c><00:00:00.400><c> up</c>\n\n\
               00:00:00.490 --> 00:00:00.500 align:start position:0%\nthe river came up\n \n\n\
               00:00:00.500 --> 00:00:00.990 align:start position:0%\n\
               the river came up\nto<00:00:00.600><c> the</c><00:00:00.700><c> bakery</c><00:00:00.800><c> door</c>\n\n\
               00:00:00.990 --> 00:00:01.000 align:start position:0%\nto the bakery door\n \n\n\
               00:00:01.000 --> 00:00:01.500 align:start position:0%\nto the bakery door\nand we lost everything\n";
    // GX010042.MP4 is 50p from 14:32:00:00: a cue at T ms starts on frame
    // T / 20. Cues merged: the SRT's 2 and 3; the VTT's four after the first.
    for (ext, text, merged) in [("srt", srt, 2), ("vtt", vtt, 4)] {
        let env = Env::new();
        let shoot = env.tmp.path().join("shoot/2026-03-14/C_CAM");
        std::fs::create_dir_all(&shoot).expect("mkdir");
        std::fs::copy(dump().join("2026-03-14/C_CAM/DCIM/100GOPRO/GX010042.MP4"), shoot.join("GX010042.MP4"))
            .expect("copy");
        let captions = shoot.join(format!("GX010042.{ext}"));
        write(&captions, text);
        let out = env.run(&["ingest", utf8(&env.tmp.path().join("shoot"))]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let human = stdout(&out);
        let line = format!("{}: {merged} cues repeating the previous one's lines merged", utf8(&captions));
        assert!(human.contains(&line), "{ext}: {human}");
        assert_eq!(
            transcript_lines(&env, "GX010042.MP4"),
            vec![
                ("14:32:00:00".to_string(), "the river came up".to_string()),
                ("14:32:00:25".to_string(), "to the bakery door".to_string()),
                ("14:32:01:00".to_string(), "and we lost everything".to_string()),
            ],
            "{ext}"
        );
        let clip = utf8(&shoot.join("GX010042.MP4")).to_string();
        assert_eq!(hits(&env, "\"bakery door\""), vec![(clip.clone(), "14:32:00:25".to_string())], "{ext}");
        assert_eq!(hits(&env, "river"), vec![(clip, "14:32:00:00".to_string())], "{ext}");
    }
}

/// Point 16: Netflix-style `[Alba] text` names the speaker, while sound
/// descriptions (`[Music]`, `[laughs]`) and JuvoPlayer's `[Western
/// Europe] 0.5:` labels do not; a search word that is a speaker's name
/// gets a hint on stderr (human output only) saying how to list their cues.
#[test]
fn searching_for_a_person() {
    let env = Env::new();
    let shoot = env.tmp.path().join("shoot/2026-03-14/C_CAM");
    std::fs::create_dir_all(&shoot).expect("mkdir");
    std::fs::copy(dump().join("2026-03-14/C_CAM/DCIM/100GOPRO/GX010042.MP4"), shoot.join("GX010042.MP4"))
        .expect("copy");
    // SRT speakers carry on until another is named; 50p: frame = ms / 20.
    write(
        &shoot.join("GX010042.srt"),
        "1\n00:00:00,000 --> 00:00:00,400\n[Alba] The river came up that night.\n\n\
         2\n00:00:00,400 --> 00:00:00,800\nIt reached the bakery.\n\n\
         3\n00:00:00,800 --> 00:00:01,200\n[TOM] Nobody believed Alba.\n\n\
         4\n00:00:01,200 --> 00:00:01,600\n[Music] Alba, come home.\n\n\
         5\n00:00:01,600 --> 00:00:01,800\n[Western Europe] 0.5: Alba\n",
    );
    let out = env.run(&["ingest", utf8(&env.tmp.path().join("shoot"))]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let log = env.json(&["show", "GX010042.MP4", "--json"], 0);
    let got: Vec<(String, String, String)> = log["transcript"]
        .as_array()
        .expect("transcript")
        .iter()
        .map(|s| {
            let field = |k: &str| s[k].as_str().unwrap_or("-").to_string();
            (field("tc_in"), field("speaker"), field("text"))
        })
        .collect();
    let row = |tc: &str, who: &str, text: &str| (tc.to_string(), who.to_string(), text.to_string());
    assert_eq!(
        got,
        vec![
            row("14:32:00:00", "Alba", "The river came up that night."),
            row("14:32:00:20", "Alba", "It reached the bakery."),
            row("14:32:00:40", "TOM", "Nobody believed Alba."),
            row("14:32:01:10", "TOM", "[Music] Alba, come home."),
            row("14:32:01:30", "TOM", "[Western Europe] 0.5: Alba"),
        ]
    );
    let clip = utf8(&shoot.join("GX010042.MP4")).to_string();
    assert_eq!(
        hits(&env, "speaker:alba"),
        vec![(clip.clone(), "14:32:00:00".to_string()), (clip, "14:32:00:20".to_string())]
    );

    // The hint: Alba has the first two cues; TOM the other three.
    let out = env.run(&["search", "alba"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "Alba is a speaker: speaker:alba lists their 2 cues\n");
    let out = env.run(&["search", "bakery", "Tom"]);
    assert_eq!(stderr(&out), "TOM is a speaker: speaker:tom lists their 3 cues\n");
    // Not a speaker (a sound description, a label), or not asked.
    for args in [
        &["search", "music"][..],
        &["search", "europe"],
        &["search", "river"],
        &["search", "alba", "--json"],
        &["search", "river -alba"],
    ] {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{args:?}");
    }
}
