//! Selects exported in every format at every fixture rate, read back by the
//! readers the industry uses (OpenTimelineIO and its adapters, pycmx), which
//! must see each clip's source in/out in frames and its media path exactly
//! as we meant. The readers live in `target/reader-venv`
//! (`tests/readers/setup.sh`, run by `.ci/run`); without them these tests
//! fail and say how to install them.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Env, dump, repo};
use rushes::timecode::Rate;
use serde_json::Value;

/// A fixture clip and two spans of it, in frames from its first frame.
struct Case {
    /// Where the clip sits under `fixtures/dump/2026-03-14`.
    dir: &'static str,
    name: &'static str,
    rate: Rate,
    drop: bool,
    start: &'static str,
    spans: [(u64, u64); 2],
}

const CASES: [Case; 5] = [
    Case {
        dir: "B_CAM",
        name: "A003C012_260314_R1AB.mov",
        rate: Rate::FPS_23_976,
        drop: false,
        start: "14:31:10:00",
        spans: [(5, 20), (30, 47)],
    },
    Case {
        dir: "B_CAM",
        name: "A003C013_260314_R1AB.mov",
        rate: Rate::FPS_25,
        drop: false,
        start: "14:40:00:00",
        spans: [(0, 12), (25, 50)],
    },
    Case {
        dir: "A001/PRIVATE/M4ROOT/CLIP",
        name: "C0001.MP4",
        rate: Rate::FPS_29_97,
        drop: true,
        start: "14:30:59;28",
        spans: [(1, 4), (10, 59)],
    },
    Case {
        dir: "C_CAM/DCIM/100GOPRO",
        name: "GX010042.MP4",
        rate: Rate::FPS_50,
        drop: false,
        start: "14:32:00:00",
        spans: [(10, 40), (60, 100)],
    },
    // Before and after midnight: an EDL source span cannot wrap past 24 h.
    Case {
        dir: "D_CAM",
        name: "NIGHT0001.MP4",
        rate: Rate::FPS_59_94,
        drop: true,
        start: "23:59:58;00",
        spans: [(20, 80), (150, 200)],
    },
];

fn read_with_readers(format: &str, file: &Path, rate: Rate) -> Vec<Value> {
    let out = Command::new(common::venv::python())
        .arg(repo().join("tests/readers/read_timeline.py"))
        .arg(format)
        .arg(file)
        .arg(format!("{}", f64::from(rate.num()) / f64::from(rate.den())))
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "{format} reader failed on {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    match serde_json::from_slice(&out.stdout).expect("reader JSON") {
        Value::Array(a) => a,
        other => panic!("{other}"),
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let hex = if b[i] == b'%' { s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok()) } else { None };
        if let Some(v) = hex {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes a selects table of the case's spans, labelled (and the frames
/// meant, counted) by the test's own timecode arithmetic, not the crate's.
fn selects_csv(case: &Case, path: &Path) -> Vec<(u64, u64, String)> {
    let nominal = u64::from(case.rate.nominal());
    let start = common::label_frames(case.start, nominal);
    let label = |f: u64| common::frames_label(f, nominal, case.drop);
    let mut csv = String::from("clip,tc_in,tc_out,comment\n");
    let mut expect = Vec::new();
    for (i, (a, b)) in case.spans.iter().enumerate() {
        csv.push_str(&format!("{},{},{},take {i}\n", case.name, label(start + a), label(start + b)));
        expect.push((start + a, b - a, case.name.to_string()));
    }
    std::fs::write(path, csv).expect("write csv");
    expect
}

#[test]
fn every_format_at_every_rate_reads_back_exactly() {
    let env = Env::new();
    env.ingest(&dump());
    let mut problems = Vec::new();
    for case in &CASES {
        // The media path the exports must name, from the fixture layout.
        let media = dump().join("2026-03-14").join(case.dir).join(case.name);
        let media = media.to_str().expect("utf-8").to_string();
        let csv = env.tmp.path().join(format!("{}.csv", case.name));
        let expected = selects_csv(case, &csv);
        for format in ["edl", "otio", "xmeml", "fcpxml", "ale"] {
            let out = env.tmp.path().join(format!("{}.{format}", case.name));
            let run = env.run(&[
                "export",
                "--selects",
                csv.to_str().expect("utf-8"),
                "--format",
                format,
                "-o",
                out.to_str().expect("utf-8"),
            ]);
            assert_eq!(run.status.code(), Some(0), "{format} {}: {}", case.name, String::from_utf8_lossy(&run.stderr));
            let seen = read_with_readers(format, &out, case.rate);
            for (reader, mine) in by_reader(format, &seen, &mut problems) {
                let ctx = format!("{format} via {reader} at {}", case.rate.label());
                if mine.len() != expected.len() {
                    problems.push(format!("{ctx}: {} clips, expected {}: {mine:?}", mine.len(), expected.len()));
                    continue;
                }
                for (n, (got, (start, duration, name))) in mine.iter().zip(&expected).enumerate() {
                    // An ALE row names a subclip: `<file stem>_<n>`, n the
                    // select's place in the list (see `src/export/ale.rs`).
                    let name = match format {
                        "ale" => format!("{}_{:03}", name.rsplit_once('.').expect("extension").0, n + 1),
                        _ => name.clone(),
                    };
                    let g_start = got["start"].as_f64().map(|v| v.round() as i64);
                    let g_dur = got["duration"].as_f64().map(|v| v.round() as i64);
                    let fcpx = reader == "otio:fcpx_xml";
                    let ok = if fcpx {
                        // otio-fcpx-xml-adapter 1.0 counts frames as
                        // int(seconds × int(fps)) (29.97 → 29) and truncates
                        // float seconds: model its arithmetic on our exact
                        // times, within the one frame its truncation loses.
                        let model = |frames: u64| {
                            let secs = frames as f64 * f64::from(case.rate.den()) / f64::from(case.rate.num());
                            let fps = (f64::from(case.rate.num()) / f64::from(case.rate.den())).trunc();
                            (secs * fps) as i64
                        };
                        let near = |g: Option<i64>, m: i64| g.is_some_and(|g| (g - m).abs() <= 1);
                        near(g_start, model(*start)) && near(g_dur, model(*duration))
                    } else {
                        g_start == Some(*start as i64) && g_dur == Some(*duration as i64)
                    };
                    if !ok {
                        problems
                            .push(format!("{ctx}: read start {g_start:?} dur {g_dur:?}, meant {start} / {duration}"));
                    }
                    if got["name"].as_str() != Some(name.as_str()) {
                        problems.push(format!("{ctx}: clip name {}, meant {name:?}", got["name"]));
                    }
                    if fcpx {
                        // The same adapter reads media only from FCPXML 1.8's
                        // asset@src; 1.10 keeps it in <media-rep>, which FCP
                        // requires. The fcpxml module's own tests check it.
                        continue;
                    }
                    if let Some(url) = got["url"].as_str() {
                        let path = percent_decode(url.trim_start_matches("file://"));
                        if path != media {
                            problems.push(format!("{ctx}: media {path:?}, meant {media:?}"));
                        }
                    } else if reader != "pycmx" {
                        problems.push(format!("{ctx}: no media path"));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

/// The readers `tests/readers/read_timeline.py` must run on each format.
fn readers_of(format: &str) -> &'static [&'static str] {
    match format {
        "edl" => &["otio:cmx_3600", "pycmx"],
        "otio" => &["otio:otio_json"],
        "xmeml" => &["otio:fcp_xml"],
        "fcpxml" => &["otio:fcpx_xml"],
        "ale" => &["otio:ale"],
        other => panic!("no reader for {other}"),
    }
}

/// What each reader of `format` saw, one entry per reader that must run
/// (a reader that saw nothing is there with no clips). Of an A/V clip only
/// the video item counts, so each select counts once. A reader that is not
/// expected is a problem.
fn by_reader<'a>(format: &str, seen: &'a [Value], problems: &mut Vec<String>) -> Vec<(&'static str, Vec<&'a Value>)> {
    let expected = readers_of(format);
    for reader in seen.iter().filter_map(|c| c["reader"].as_str()) {
        if !expected.contains(&reader) {
            problems.push(format!("{format}: unexpected reader {reader}"));
        }
    }
    let has_video = |reader: &str| seen.iter().any(|c| c["reader"] == reader && c["track"] == "Video");
    expected
        .iter()
        .map(|&reader| {
            let video = has_video(reader);
            let mine = seen
                .iter()
                .filter(|c| c["reader"] == reader)
                .filter(|c| c["track"].is_null() || c["track"] == "Video" || !video)
                .collect();
            (reader, mine)
        })
        .collect()
}

/// `export --selects FIRST --format csv -o SECOND`, which must succeed.
fn reexport_csv(env: &Env, first: &Path, second: &Path) {
    let run = env.run(&[
        "export",
        "--selects",
        first.to_str().expect("utf-8"),
        "--format",
        "csv",
        "-o",
        second.to_str().expect("utf-8"),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
}

#[test]
fn csv_round_trip_reproduces_the_selects() {
    let env = Env::new();
    env.ingest(&dump());
    let first = env.tmp.path().join("first.csv");
    let run = env.run(&["export", "--query", "the", "--format", "csv", "-o", first.to_str().expect("utf-8")]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let second = env.tmp.path().join("second.csv");
    reexport_csv(&env, &first, &second);
    let a = std::fs::read_to_string(&first).expect("first");
    let b = std::fs::read_to_string(&second).expect("second");
    // The four cues with "the", placed by hand from the fixture files:
    // C0001.srt's two (clip time from 14:30:59;28 at 29.97 DF, 0.1/0.9 s
    // and 1.0/1.9 s to the nearest frame), the VTT's first (record TC,
    // .900 s is frame 22 of 24) and the Whisper JSON's first (0.2/0.9 s
    // at 50 fps from 14:32:00:00).
    let rows: Vec<(String, String, String, String)> = csv::Reader::from_reader(a.as_bytes())
        .records()
        .map(|r| r.expect("csv row"))
        .map(|r| (r[0].to_string(), r[4].to_string(), r[5].to_string(), r[8].to_string()))
        .collect();
    let want = [
        ("C0001.MP4", "14:31:00;03", "14:31:00;27", "That night the river"),
        ("C0001.MP4", "14:31:01;00", "14:31:01;27", "came up to the door."),
        ("A003C012_260314_R1AB.mov", "14:31:10:00", "14:31:10:22", "We lost the café and the bakery."),
        ("GX010042.MP4", "14:32:00:10", "14:32:00:45", "The boat was our only way out."),
    ]
    .map(|(c, i, o, t)| (c.to_string(), i.to_string(), o.to_string(), t.to_string()));
    assert_eq!(rows, want, "{a}");
    assert_eq!(a, b);
}

#[test]
fn handles_clamp_and_overwrite_is_refused() {
    let env = Env::new();
    env.ingest(&dump());
    let csv = env.tmp.path().join("s.csv");
    // C0001 starts 14:30:59;28 and ends 14:31:02;00 (60 frames).
    std::fs::write(&csv, "clip,tc_in,tc_out\nC0001.MP4,14:30:59;29,14:31:01;29\n").expect("write");
    let out = env.tmp.path().join("s.edl");
    let args = |extra: &[&str]| {
        let mut v = vec!["export", "--selects", csv.to_str().expect("utf-8"), "--format", "csv"];
        v.extend_from_slice(extra);
        v.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let run = env.run(&args(&["--handles", "12f"]).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.status.code(), Some(0));
    let text = String::from_utf8_lossy(&run.stdout);
    // 12 frames before 14:30:59;29 is before the clip: clamped to its first
    // frame; 12 after 14:31:01;29 is past its end: clamped to 14:31:02;00.
    assert!(text.contains("14:30:59;28") && text.contains("14:31:02;00"), "{text}");
    std::fs::write(&out, "keep me").expect("write");
    let run = env.run(&args(&["-o", out.to_str().expect("utf-8")]).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&out).expect("read"), "keep me", "nothing lost");
    let run =
        env.run(&args(&["-o", out.to_str().expect("utf-8"), "--force"]).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.status.code(), Some(0));
    // A bad row is reported with its line and nothing is written.
    std::fs::write(&csv, "clip,tc_in,tc_out\nC0001.MP4,14:30:59;29,14:31:01;29\nNOPE.MOV,00:00:00:00,00:00:01:00\n")
        .expect("write");
    let run = env.run(&args(&[]).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("s.csv:3") && err.contains("NOPE.MOV"), "{err}");
}

#[test]
fn merge_joins_overlaps_in_any_order_and_bad_flags_are_errors() {
    let env = Env::new();
    env.ingest(&dump());
    let csv = env.tmp.path().join("m.csv");
    std::fs::write(&csv, "clip,tc_in,tc_out\nC0001.MP4,14:31:01;00,14:31:02;00\nC0001.MP4,14:31:00;10,14:31:01;10\n")
        .expect("write");
    let path = csv.to_str().expect("utf-8");
    let out = env.run(&["export", "--selects", path, "--format", "csv", "--merge"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains("14:31:00;10") && text.contains("14:31:02;00"), "{text}");
    for bad in [
        &["--handles", "99999999999999999s"][..],
        &["--fps", "25", "--drop-frame"][..],
        &["--record-start", "01:00:00;00"][..],
    ] {
        let mut args = vec!["export", "--selects", path, "--format", "edl"];
        if bad[0] == "--record-start" {
            args.extend_from_slice(&["--fps", "25"]);
        }
        args.extend_from_slice(bad);
        let out = env.run(&args);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

/// Clip names with what each format treats specially: XML's `& < > " '`,
/// CSV's `,` and `"`, `;`, a URL's `% # ?`, a newline (a new EDL line, a new
/// ALE row), a tab (the ALE separator), two spaces, non-ASCII and emoji.
const AWKWARD_STEMS: [&str; 7] =
    ["Tom & Jerry <take \"1\"> it's", "a,b;c", "new\nline", "tab\there", "café 日本 🎬", "50% #1 ?x", "two  spaces"];
const AWKWARD_FOLDER: &str = "SHOOT & \"Co\" <1>, day; ü 🎬";
const AWKWARD_TITLE: &str = "Cut & \"Run\" <1>, a;b\nnext\tline 🎬";

/// What an export must carry for one select, from `search --json`.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone)]
struct Meant {
    name: String,
    path: String,
    speaker: Option<String>,
    text: String,
    comment: Option<String>,
}

/// A format that cannot hold a character writes it as this does:
/// control characters become spaces (EDL lines, ALE fields).
fn one_line_path(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

fn awkward_library(env: &Env) -> PathBuf {
    let src = dump().join("2026-03-14/A001/PRIVATE/M4ROOT/CLIP/C0001.MP4");
    let root = env.tmp.path().join(AWKWARD_FOLDER);
    std::fs::create_dir_all(root.join("CARD")).expect("mkdir");
    std::fs::create_dir_all(root.join("TRANSCRIPTS")).expect("mkdir");
    std::fs::create_dir_all(root.join("NOTES")).expect("mkdir");
    for (i, stem) in AWKWARD_STEMS.iter().enumerate() {
        std::fs::copy(&src, root.join(format!("CARD/{stem}.MP4"))).expect("copy");
        let srt = format!("1\n00:00:00,100 --> 00:00:00,900\nMARIA: {}\n\n", awkward_cue(i));
        std::fs::write(root.join(format!("TRANSCRIPTS/{stem}.srt")), srt).expect("write");
    }
    // A note on every clip (14:31:01;00 is inside C0001), its text with a
    // line break, a tab, quotes and XML.
    let note = AWKWARD_NOTE.replace('"', "\"\"");
    std::fs::write(root.join("NOTES/log.csv"), format!("Timecode,Note\n14:31:01:00,\"{note}\"\n")).expect("write");
    let report = env.ingest(&root);
    assert_eq!(report["transcripts_attached"], AWKWARD_STEMS.len(), "{report}");
    assert_eq!(report["notes_placed"], AWKWARD_STEMS.len(), "{report}");
    root
}

/// The words of the cue on the `i`th awkward clip, after its speaker.
fn awkward_cue(i: usize) -> String {
    format!("The river & a < b > c \"flood\", it's; here\tthere — café 🎬 {i}")
}

/// The shoot note placed on every awkward clip.
const AWKWARD_NOTE: &str = "Boat & <river> \"flood\", it's; a\nsecond\tline 🎬";

/// The selects `export --query river [--kind note]` must carry, from the
/// files [`awkward_library`] wrote (not from what rushes made of them).
fn meant(root: &Path, kind: &str) -> Vec<Meant> {
    let mut out: Vec<Meant> = AWKWARD_STEMS
        .iter()
        .enumerate()
        .map(|(i, stem)| {
            let name = format!("{stem}.MP4");
            let path = root.join("CARD").join(&name).to_str().expect("utf-8").to_string();
            match kind {
                "note" => Meant { name, path, speaker: None, text: String::new(), comment: Some(AWKWARD_NOTE.into()) },
                _ => Meant { name, path, speaker: Some("MARIA".into()), text: awkward_cue(i), comment: None },
            }
        })
        .collect();
    out.sort();
    out
}

fn xml_elements(file: &Path) -> Vec<Value> {
    read_with_readers("xml", file, Rate::FPS_29_97)
}

/// Values of `attr` (or the text when `attr` is empty) of every `tag`.
fn xml_values(elements: &[Value], tag: &str, attr: &str) -> Vec<String> {
    let mut out: Vec<String> = elements
        .iter()
        .filter(|e| e["tag"] == tag)
        .filter_map(|e| if attr.is_empty() { e["text"].as_str() } else { e["attrs"][attr].as_str() })
        .map(String::from)
        .collect();
    out.sort();
    out.dedup();
    out
}

fn sorted_set<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = values.map(String::from).collect();
    out.sort();
    out.dedup();
    out
}

/// What one format keeps of awkward names, paths and words.
fn check_awkward(format: &str, file: &Path, meant: &[Meant], problems: &mut Vec<String>) {
    let mut check = |what: &str, got: Vec<String>, want: Vec<String>| {
        if got != want {
            problems.push(format!("{format} {what}:\n  got  {got:?}\n  want {want:?}"));
        }
    };
    let paths = sorted_set(meant.iter().map(|m| m.path.as_str()));
    let names = sorted_set(meant.iter().map(|m| m.name.as_str()));
    let texts = sorted_set(meant.iter().map(|m| m.text.as_str()).filter(|t| !t.is_empty()));
    let comments = sorted_set(meant.iter().filter_map(|m| m.comment.as_deref()));
    let decode = |urls: Vec<String>| {
        let mut v: Vec<String> = urls.iter().map(|u| percent_decode(u.trim_start_matches("file://"))).collect();
        v.sort();
        v
    };
    match format {
        "xmeml" => {
            let el = xml_elements(file);
            check("pathurl", decode(xml_values(&el, "pathurl", "")), paths);
            let mut file_names = xml_values(&el, "name", "");
            file_names.retain(|n| names.contains(n) || n == AWKWARD_TITLE);
            check("names", file_names, sorted_set(names.iter().map(String::as_str).chain([AWKWARD_TITLE])));
            check("mastercomment2", xml_values(&el, "mastercomment2", ""), texts);
            check("clipcommenta", xml_values(&el, "clipcommenta", ""), comments);
        }
        "fcpxml" => {
            let el = xml_elements(file);
            check("media-rep src", decode(xml_values(&el, "media-rep", "src")), paths);
            check("asset name", xml_values(&el, "asset", "name"), names);
            check("project name", xml_values(&el, "project", "name"), vec![AWKWARD_TITLE.to_string()]);
            check("note", xml_values(&el, "note", ""), comments);
        }
        "otio" => {
            let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).expect("read")).expect("OTIO JSON");
            check("name", vec![doc["name"].as_str().unwrap_or_default().to_string()], vec![AWKWARD_TITLE.into()]);
            let mut clips = Vec::new();
            collect_otio_clips(&doc, &mut clips);
            let field = |f: &str| sorted_set(clips.iter().filter_map(|c| c["metadata"]["rushes"][f].as_str()));
            let urls = clips
                .iter()
                .filter_map(|c| c["media_references"]["DEFAULT_MEDIA"]["target_url"].as_str().map(String::from));
            check("target_url", sorted_set(decode(urls.collect()).iter().map(String::as_str)), paths);
            check("clip names", sorted_set(clips.iter().filter_map(|c| c["name"].as_str())), names);
            check("text", field("text").into_iter().filter(|t| !t.is_empty()).collect(), texts);
            check("comment", field("comment"), comments);
        }
        "edl" => {
            let text = std::fs::read_to_string(file).expect("read");
            let events = text.lines().filter(|l| l.len() > 3 && l[..3].bytes().all(|b| b.is_ascii_digit())).count();
            check("events", vec![events.to_string()], vec![meant.len().to_string()]);
            let is_event = |l: &str| l.len() > 3 && l[..3].bytes().all(|b| b.is_ascii_digit());
            let strays: Vec<String> = text
                .lines()
                .filter(|l| {
                    !(l.is_empty()
                        || ["TITLE: ", "FCM: ", "* ", "AUD "].iter().any(|p| l.starts_with(p))
                        || (is_event(l) && l.split_whitespace().count() == 8))
                })
                .map(String::from)
                .collect();
            check("lines that are no EDL line", strays, Vec::new());
            let lossy = sorted_set(meant.iter().map(|m| m.path.as_str())).iter().map(|p| one_line_path(p)).collect();
            let sources: Vec<String> =
                text.lines().filter_map(|l| l.strip_prefix("* SOURCE FILE: ")).map(String::from).collect();
            check("SOURCE FILE", sorted_set(sources.iter().map(String::as_str)), lossy);
        }
        "ale" => {
            let text = std::fs::read_to_string(file).expect("read");
            let columns = text.lines().skip_while(|l| *l != "Column").nth(1).map_or(0, |l| l.split('\t').count());
            let rows: Vec<Vec<&str>> =
                text.lines().skip_while(|l| *l != "Data").skip(1).map(|l| l.split('\t').collect()).collect();
            check("rows", vec![rows.len().to_string()], vec![meant.len().to_string()]);
            let ragged: Vec<String> = rows.iter().filter(|r| r.len() != columns).map(|r| format!("{r:?}")).collect();
            check("rows of another width than the columns", ragged, Vec::new());
            let lossy = paths.iter().map(|p| one_line_path(p)).collect();
            check("Source File", sorted_set(rows.iter().filter_map(|r| r.get(5).copied())), lossy);
        }
        "csv" => {
            let mut reader = csv::Reader::from_path(file).expect("csv");
            let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("csv row")).collect();
            let col = |i: usize| sorted_set(rows.iter().filter_map(|r| r.get(i)));
            check("clip", col(0), names);
            check("path", col(1), paths);
            check("text", col(8).into_iter().filter(|t| !t.is_empty()).collect(), texts);
            check("comment", col(9).into_iter().filter(|t| !t.is_empty()).collect(), comments);
        }
        _ => unreachable!(),
    }
}

fn collect_otio_clips(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Object(map) => {
            if map.get("OTIO_SCHEMA").and_then(Value::as_str).is_some_and(|s| s.starts_with("Clip.")) {
                out.push(v.clone());
            }
            map.values().for_each(|c| collect_otio_clips(c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| collect_otio_clips(c, out)),
        _ => {}
    }
}

#[test]
fn awkward_names_and_words_survive_every_format() {
    let env = Env::new();
    let root = awkward_library(&env);
    let mut problems = Vec::new();
    for kind in ["soundbite", "note"] {
        let meant = meant(&root, kind);
        // Search finds exactly those clips, with those words.
        let hits = match env.json(&["search", "river", "--kind", kind, "--json", "--limit", "100"], 0) {
            Value::Array(a) => a,
            other => panic!("{other}"),
        };
        let mut found: Vec<(String, String)> = hits
            .iter()
            .map(|h| (h["text"].as_str().unwrap_or_default().to_string(), h["speaker"].to_string()))
            .collect();
        found.sort();
        let mut want: Vec<(String, String)> = meant
            .iter()
            .map(|m| {
                let text = m.comment.clone().unwrap_or_else(|| m.text.clone());
                (text, m.speaker.as_ref().map_or("null".to_string(), |s| format!("{s:?}")))
            })
            .collect();
        want.sort();
        assert_eq!(found, want, "{kind} hits");
        for format in ["edl", "fcpxml", "xmeml", "ale", "otio", "csv"] {
            let out = env.tmp.path().join(format!("{kind}.{format}"));
            let run = env.run(&[
                "export",
                "--query",
                "river",
                "--kind",
                kind,
                "--format",
                format,
                "--title",
                AWKWARD_TITLE,
                "-o",
                out.to_str().expect("utf-8"),
            ]);
            let stderr = String::from_utf8_lossy(&run.stderr);
            assert_eq!(run.status.code(), Some(0), "{format}: {stderr}");
            check_awkward(format, &out, &meant, &mut problems);
            // A path that cannot be written as it is (line break, tab in an
            // EDL or ALE) is said, once per clip; the other formats keep it.
            let warned = stderr.lines().filter(|l| l.starts_with("rushes: warning:")).count();
            let lossy = if matches!(format, "edl" | "ale") { 2 } else { 0 };
            if warned != lossy {
                problems.push(format!("{kind} {format}: {warned} warnings, meant {lossy}: {stderr}"));
            }
            if format == "csv" {
                // The table reads back to the same selects, byte for byte.
                let again = env.tmp.path().join(format!("{kind}.again.csv"));
                reexport_csv(&env, &out, &again);
                if std::fs::read(&out).ok() != std::fs::read(&again).ok() {
                    problems.push(format!("{kind} csv: --selects does not read back the same selects"));
                }
                continue;
            }
            if format == "fcpxml" {
                continue; // otio-fcpx-xml-adapter 1.0 reads no media from FCPXML 1.10 (see the test above).
            }
            // The industry readers take the file and see every select.
            let seen = read_with_readers(format, &out, Rate::FPS_29_97);
            for (reader, mine) in by_reader(format, &seen, &mut problems) {
                if mine.len() != meant.len() {
                    problems.push(format!("{kind} {format} via {reader}: {} clips, meant {}", mine.len(), meant.len()));
                }
                let mut urls: Vec<String> = mine
                    .iter()
                    .filter_map(|c| c["url"].as_str())
                    .map(|u| percent_decode(u.trim_start_matches("file://")))
                    .collect();
                urls.sort();
                let mut want: Vec<String> = meant.iter().map(|m| m.path.clone()).collect();
                if matches!(format, "edl" | "ale") {
                    want = want.iter().map(|p| one_line_path(p)).collect();
                }
                want.sort();
                if reader != "pycmx" && urls != want {
                    problems.push(format!("{kind} {format} via {reader}: media\n  got  {urls:?}\n  want {want:?}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

/// The test's own SMPTE 12M helpers agree with the examples in
/// `../shared/DOMAIN.md`, both ways.
#[test]
fn independent_labels_match_the_standard() {
    for (label, nominal, frame) in [
        ("01:00:00;00", 30, 107_892),
        ("01:00:00;00", 60, 215_784),
        ("00:01:00;02", 30, 1800),
        ("00:00:59;29", 30, 1799),
        ("00:10:00;00", 30, 17_982),
        ("23:59:59:24", 25, 2_159_999),
    ] {
        assert_eq!(common::label_frames(label, nominal), frame, "{label}");
        assert_eq!(common::frames_label(frame, nominal, label.contains(';')), label, "{frame}");
    }
}

/// Issue #11 point 11: an ALE has one frame rate (its heading `FPS`), and
/// OpenTimelineIO's ALE reader refuses a row labelled at another. Selects
/// of clips at three rates become one file per rate (names numbered by the
/// select's place in the whole list), or with `--fps` one file with every
/// row converted; each file read back whole by the OTIO ALE adapter.
#[test]
fn a_mixed_rate_ale_is_one_file_per_rate() {
    let env = Env::new();
    let shoot = env.tmp.path().join("shoot/2026-03-14");
    let mut media = std::collections::BTreeMap::new();
    for (dir, name) in [
        ("C_CAM/DCIM/100GOPRO", "GX010042.MP4"),
        ("B_CAM", "A003C013_260314_R1AB.mov"),
        ("A001/PRIVATE/M4ROOT/CLIP", "C0001.MP4"),
    ] {
        std::fs::create_dir_all(shoot.join(dir)).expect("mkdir");
        std::fs::copy(dump().join("2026-03-14").join(dir).join(name), shoot.join(dir).join(name)).expect("copy");
        media.insert(name, shoot.join(dir).join(name).to_str().expect("utf-8").to_string());
    }
    env.ingest(&shoot);
    // 50p from 14:32:00:00, 25p from 14:40:00:00, 29.97 DF from 14:30:59;28.
    let csv = env.tmp.path().join("selects.csv");
    std::fs::write(
        &csv,
        "clip,tc_in,tc_out,comment\n\
         GX010042.MP4,14:32:00:10,14:32:00:40,a\n\
         A003C013_260314_R1AB.mov,14:40:00:05,14:40:00:17,b\n\
         C0001.MP4,14:30:59;29,14:31:00;10,c\n\
         GX010042.MP4,14:32:01:00,14:32:02:00,d\n",
    )
    .expect("csv");
    let f = common::label_frames;
    let seen = |file: &Path, rate: Rate| -> Vec<(String, String, u64, u64)> {
        let mut got: Vec<(String, String, u64, u64)> = read_with_readers("ale", file, rate)
            .iter()
            .filter(|c| c["track"].is_null() || c["track"] == "Video")
            .map(|c| {
                let frames = |k: &str| c[k].as_f64().map_or(u64::MAX, |v| v.round() as u64);
                let text = |k: &str| c[k].as_str().unwrap_or("").to_string();
                (text("name"), text("url"), frames("start"), frames("duration"))
            })
            .collect();
        got.sort();
        got.dedup();
        got
    };
    let row =
        |name: &str, clip: &str, start: u64, duration: u64| (name.to_string(), media[clip].clone(), start, duration);

    // Several rates, no --fps: one file per rate, each its own rate.
    // `rushes export --selects CSV --format ale ARGS`: exit code and stderr.
    let export = |args: &[&str]| {
        let mut all = vec!["export", "--selects", csv.to_str().expect("utf-8"), "--format", "ale"];
        all.extend_from_slice(args);
        let out = env.run(&all);
        (out.status.code(), String::from_utf8_lossy(&out.stderr).to_string(), out.stdout)
    };
    let rt = env.tmp.path().join("rt.ale");
    let (code, err, _) = export(&["-o", rt.to_str().expect("utf-8")]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!rt.exists());
    for rate in ["25", "29.97", "50"] {
        assert!(err.contains(&format!("rt.{rate}.ale")), "{err}");
    }
    assert!(err.contains("one frame rate"), "{err}");
    let c0001_in = f("14:30:59;29", 30);
    let c0001_len = f("14:31:00;10", 30) - c0001_in;
    assert_eq!(
        seen(&env.tmp.path().join("rt.50.ale"), Rate::FPS_50),
        vec![
            row("GX010042_001", "GX010042.MP4", f("14:32:00:10", 50), 30),
            row("GX010042_004", "GX010042.MP4", f("14:32:01:00", 50), 50),
        ]
    );
    assert_eq!(
        seen(&env.tmp.path().join("rt.25.ale"), Rate::FPS_25),
        vec![row("A003C013_260314_R1AB_002", "A003C013_260314_R1AB.mov", f("14:40:00:05", 25), 12)]
    );
    assert_eq!(
        seen(&env.tmp.path().join("rt.29.97.ale"), Rate::FPS_29_97),
        vec![row("C0001_003", "C0001.MP4", c0001_in, c0001_len)]
    );

    // --fps 25: one file, every row at 25. A clip's start label keeps its
    // seconds and its frames scale down (;28 of 30 is frame 23 of 25); the
    // in point and length go through exact time, to the nearest frame:
    // n frames at 29.97 are n × 1001 × 25 / 30000 frames at 25.
    let at_25 = |n: u64| (n * 1001 * 25 * 2 + 30_000) / (2 * 30_000);
    let conv = env.tmp.path().join("conv.ale");
    let (code, err, _) = export(&["--fps", "25", "-o", conv.to_str().expect("utf-8")]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("converted to 25"), "{err}");
    assert_eq!(
        seen(&conv, Rate::FPS_25),
        vec![
            row("A003C013_260314_R1AB_002", "A003C013_260314_R1AB.mov", f("14:40:00:05", 25), 12),
            row("C0001_003", "C0001.MP4", f("14:30:59:23", 25) + at_25(1), at_25(c0001_len)),
            row("GX010042_001", "GX010042.MP4", f("14:32:00:05", 25), 15),
            row("GX010042_004", "GX010042.MP4", f("14:32:01:00", 25), 25),
        ]
    );

    // Several rates to stdout cannot be: nothing is written, and the
    // message says what to do.
    let (code, err, stdout) = export(&[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(stdout.is_empty());
    assert!(err.contains("-o") && err.contains("--fps"), "{err}");
}
