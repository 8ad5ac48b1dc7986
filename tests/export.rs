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
use rushes::timecode::{Rate, TcFormat, Timecode};
use serde_json::Value;

/// A fixture clip and two spans of it, in frames from its first frame.
struct Case {
    name: &'static str,
    rate: Rate,
    drop: bool,
    start: &'static str,
    spans: [(u64, u64); 2],
}

const CASES: [Case; 5] = [
    Case {
        name: "A003C012_260314_R1AB.mov",
        rate: Rate::FPS_23_976,
        drop: false,
        start: "14:31:10:00",
        spans: [(5, 20), (30, 47)],
    },
    Case {
        name: "A003C013_260314_R1AB.mov",
        rate: Rate::FPS_25,
        drop: false,
        start: "14:40:00:00",
        spans: [(0, 12), (25, 50)],
    },
    Case { name: "C0001.MP4", rate: Rate::FPS_29_97, drop: true, start: "14:30:59;28", spans: [(1, 4), (10, 59)] },
    Case { name: "GX010042.MP4", rate: Rate::FPS_50, drop: false, start: "14:32:00:00", spans: [(10, 40), (60, 100)] },
    // Before and after midnight: an EDL source span cannot wrap past 24 h.
    Case {
        name: "NIGHT0001.MP4",
        rate: Rate::FPS_59_94,
        drop: true,
        start: "23:59:58;00",
        spans: [(20, 80), (150, 200)],
    },
];

/// The readers' Python: `$RUSHES_READERS_PYTHON`, or the venv that
/// `tests/readers/setup.sh` makes (run here once if it is missing, so a
/// plain `cargo test` works on a fresh machine with PyPI in reach).
fn python() -> PathBuf {
    static SETUP: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    if let Some(p) = std::env::var_os("RUSHES_READERS_PYTHON") {
        return PathBuf::from(p);
    }
    let p = repo().join("target/reader-venv/bin/python");
    let setup = SETUP.get_or_init(|| {
        if p.exists() {
            return Ok(());
        }
        let out =
            Command::new("bash").arg(repo().join("tests/readers/setup.sh")).output().map_err(|e| e.to_string())?;
        if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).into_owned()) }
    });
    if let Err(e) = setup {
        panic!("the export readers could not be installed by tests/readers/setup.sh (needs python3 and PyPI): {e}");
    }
    p
}

fn read_with_readers(format: &str, file: &Path, rate: Rate) -> Vec<Value> {
    let out = Command::new(python())
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

fn selects_csv(case: &Case, path: &Path) -> Vec<(u64, u64, String)> {
    let format = TcFormat::new(case.rate, case.drop);
    let start = Timecode::parse_in(case.start, format).expect("start");
    let mut csv = String::from("clip,tc_in,tc_out,comment\n");
    let mut expect = Vec::new();
    for (i, (a, b)) in case.spans.iter().enumerate() {
        csv.push_str(&format!("{},{},{},take {i}\n", case.name, start.add_frames(*a), start.add_frames(*b)));
        expect.push((start.frame() + a, b - a, case.name.to_string()));
    }
    std::fs::write(path, csv).expect("write csv");
    expect
}

#[test]
fn every_format_at_every_rate_reads_back_exactly() {
    let py = python();
    assert!(py.exists());
    let env = Env::new();
    env.ingest(&dump());
    let clips: Vec<Value> = env.clips();
    let mut problems = Vec::new();
    for case in &CASES {
        let clip = clips.iter().find(|c| c["name"] == case.name).expect("fixture clip");
        let media = clip["path"].as_str().expect("path").to_string();
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
            // Each reader lists the clips it sees; group by reader, keep
            // the video track (or the only one) so A/V pairs count once.
            let mut readers: Vec<String> = seen.iter().filter_map(|c| c["reader"].as_str().map(String::from)).collect();
            readers.dedup();
            for reader in readers {
                let mine: Vec<&Value> = seen
                    .iter()
                    .filter(|c| c["reader"] == reader.as_str())
                    .filter(|c| {
                        c["track"].is_null() || c["track"] == "Video" || !seen.iter().any(|o| o["track"] == "Video")
                    })
                    .collect();
                let ctx = format!("{format} via {reader} at {}", case.rate.label());
                if mine.len() != expected.len() {
                    problems.push(format!("{ctx}: {} clips, expected {}: {mine:?}", mine.len(), expected.len()));
                    continue;
                }
                for (got, (start, duration, _name)) in mine.iter().zip(&expected) {
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

#[test]
fn csv_round_trip_reproduces_the_selects() {
    let env = Env::new();
    env.ingest(&dump());
    let first = env.tmp.path().join("first.csv");
    let run = env.run(&["export", "--query", "the", "--format", "csv", "-o", first.to_str().expect("utf-8")]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let second = env.tmp.path().join("second.csv");
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
    let a = std::fs::read_to_string(&first).expect("first");
    let b = std::fs::read_to_string(&second).expect("second");
    assert!(a.lines().count() > 2, "{a}");
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
