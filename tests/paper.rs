//! Paper edits on the fixture dump, through the real binary: `paper check`
//! reports each kind of error at its line; a paper edit with every line
//! kind exports in every format; the EDL and xmeml read back with pycmx
//! and the OpenTimelineIO adapters (bites in order at their exact source
//! TC, VO gaps of their read time); the DOCX reads with python-docx and
//! converts with LibreOffice.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{Env, dump, expect_code, repo};
use serde_json::Value;

/// The fixture paper edit: every line kind, bites on four cameras at
/// 29.97 DF, 50 and 23.976 and a memo with no frame rate.
fn flood() -> PathBuf {
    repo().join("fixtures/paper/flood.paper")
}

fn ingested() -> Env {
    let env = Env::new();
    env.ingest(&dump());
    env
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn check_resolves_the_fixture_paper_edit_and_times_it() {
    let env = ingested();
    let v = env.json(&["paper", "check", "--json", flood().to_str().expect("utf-8")], 0);
    assert_eq!(v["problems"], serde_json::json!([]));
    assert_eq!(v["fps"], "29.97");
    let bites: Vec<&Value> = v["entries"].as_array().expect("entries").iter().filter(|e| e["kind"] == "bite").collect();
    let spans: Vec<(String, String, String)> = bites
        .iter()
        .map(|b| {
            (
                b["clip"].as_str().unwrap_or("").into(),
                b["tc_in"].as_str().unwrap_or("").into(),
                b["tc_out"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert_eq!(
        spans,
        [
            ("C0001.MP4".into(), "14:31:00;03".into(), "14:31:00;27".into()),
            ("C0001.MP4".into(), "14:31:01;00".into(), "14:31:01;27".into()),
            ("GX010042.MP4".into(), "14:32:00:10".into(), "14:32:00:45".into()),
            ("A003C012_260314_R1AB.mov".into(), "14:31:10:00".into(), "14:31:10:22".into()),
            ("memo.mp3".into(), "00:00:00;00".into(), "00:00:01;00".into()),
        ]
    );
    // The memo has no rate: placed at the paper edit's, said so.
    assert_eq!(bites[4]["assumed_rate"], true);
    assert_eq!(bites[0]["assumed_rate"], false);
    // Every bite carries its clearance and a used list for the cut tracking.
    assert!(bites.iter().all(|b| b["clearance"]["status"].is_string() && b["used"] == serde_json::json!([])));
    // Running time: 24 + 27 frames at 29.97, 35 at 50, 22 at 23.976, 30
    // at 29.97, and two VO of 12 and 5 words at 2.5 words a second.
    let want =
        51.0 * 1001.0 / 30000.0 + 0.7 + 22.0 * 1001.0 / 24000.0 + 30.0 * 1001.0 / 30000.0 + 12.0 / 2.5 + 5.0 / 2.5;
    let got = v["seconds"].as_f64().expect("seconds");
    assert!((got - want).abs() < 1e-6, "running time {got} != {want}");
    let sections: Vec<(&str, u64, u64)> = v["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .map(|s| {
            (s["heading"].as_str().unwrap_or("-"), s["bites"].as_u64().unwrap_or(0), s["vo"].as_u64().unwrap_or(0))
        })
        .collect();
    assert_eq!(sections, [("Cold open", 2, 1), ("The boat", 3, 1)]);
    // The human form prints the total and each section.
    let out = env.run(&["paper", "check", flood().to_str().expect("utf-8")]);
    expect_code(&out, 0, "paper check");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Cold open  (2 bites, 1 VO)") && text.contains("running time"), "{text}");
    // With no release log, bites carry no clearance mark; with one, each
    // bite line gives its status.
    assert!(!text.contains("[unknown]"), "{text}");
    let log = repo().join("fixtures/releases/releases.csv");
    expect_code(&env.run(&["import", log.to_str().expect("utf-8")]), 0, "import the release log");
    let out = env.run(&["paper", "check", flood().to_str().expect("utf-8")]);
    let text = String::from_utf8_lossy(&out.stdout);
    let bites: Vec<&str> = text.lines().filter(|l| l.contains(".MP4 ") || l.contains(".mov ")).collect();
    assert_eq!(bites.len(), 4, "{text}");
    for line in bites {
        assert!(line.contains("  [") && line.contains(']'), "{line}");
    }
}

#[test]
fn check_reports_each_kind_of_error_at_its_line() {
    let env = ingested();
    let file = env.tmp.path().join("bad.paper");
    std::fs::write(
        &file,
        "# Errors\n\
         NOPE.MOV 10:00:00:00-10:00:01:00\n\
         C0001.MP4 14:31:05;00-14:31:06;00\n\
         C0001.MP4 14:31:01;00-14:31:00;10\n\
         C0001.MP4 14:31:00;03-14:31:00;27 MARIA: The river was calm\n\
         this is not a bite\n\
         A003C012 14:31:10;00-14:31:11;00\n\
         C0001.MP4 14:31:00;03-14:31:00;27 MARIA: That night the river\n",
    )
    .expect("write");
    let out = env.run(&["paper", "check", file.to_str().expect("utf-8")]);
    expect_code(&out, 2, "paper check of a bad paper edit");
    let err = stderr(&out);
    let at = |line: usize| format!("{}:{line}: ", file.display());
    for (line, says) in [
        (2, "no clip \"NOPE.MOV\""),
        (3, "in 14:31:05;00 is outside the clip (14:30:59;28 - 14:31:02;00)"),
        (4, "out 14:31:00;10 must be after in 14:31:01;00"),
        (5, "the words are not what the transcript says there"),
        (6, "no timecode after the clip \"this\""),
        (7, "';' is drop-frame"),
    ] {
        assert!(err.lines().any(|l| l.starts_with(&at(line)) && l.contains(says)), "line {line}: {says}\n{err}");
    }
    // The mismatch shows both texts.
    assert!(
        err.contains("written:    The river was calm") && err.contains("transcript: That night the river"),
        "{err}"
    );
    // Line 8 resolves; nothing else is reported.
    assert!(!err.contains(&at(8)) && !err.contains(&at(1)), "{err}");
    let v = env.json(&["paper", "check", "--json", file.to_str().expect("utf-8")], 2);
    let kinds: Vec<(u64, &str)> = v["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| (p["line"].as_u64().unwrap_or(0), p["kind"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(
        kinds,
        [(2, "unknown_clip"), (3, "outside_clip"), (4, "empty"), (5, "text_mismatch"), (6, "syntax"), (7, "timecode")]
    );
    // An export of it writes nothing and lists the lines that do not resolve.
    let edl = env.tmp.path().join("bad.edl");
    let out = env.run(&[
        "export",
        "--paper",
        file.to_str().expect("utf-8"),
        "--format",
        "edl",
        "-o",
        edl.to_str().expect("utf-8"),
    ]);
    expect_code(&out, 2, "export of a bad paper edit");
    assert!(!edl.exists());
    assert!(stderr(&out).contains(&format!("{}:2", file.display())), "{}", stderr(&out));
}

/// Exports the fixture paper edit in `format` to a file and returns its path.
fn export(env: &Env, format: &str) -> PathBuf {
    let path = env.tmp.path().join(format!("flood.{format}"));
    let out = env.run(&[
        "export",
        "--paper",
        flood().to_str().expect("utf-8"),
        "--format",
        format,
        "-o",
        path.to_str().expect("utf-8"),
    ]);
    expect_code(&out, 0, &format!("export --paper --format {format}"));
    assert!(stderr(&out).contains("rate assumed: memo.mp3"), "{}", stderr(&out));
    path
}

#[test]
fn every_format_exports_and_the_nle_lists_read_back_exactly() {
    let env = ingested();
    for format in ["edl", "fcpxml", "xmeml", "ale", "otio", "csv", "docx", "txt", "html"] {
        let path = export(&env, format);
        assert!(std::fs::metadata(&path).expect("written").len() > 100, "{format}");
    }
    let dir = env.tmp.path();
    // The EDL: pycmx and OTIO see the bites in order at their exact source
    // TC (29.97 DF list: the 50 and 23.976 clips converted, the memo from
    // zero), and each VO as black of its read time.
    let edl = dir.join("flood.edl");
    let events = common::python(
        "import json,sys,pycmx\nedl=pycmx.parse_cmx3600(open(sys.argv[1]))\n\
         print(json.dumps([[e.source, e.black, e.source_in, e.source_out, e.record_in, e.record_out] for ev in edl.events for e in ev.edits]))",
        &[edl.to_str().expect("utf-8")],
    );
    let want = serde_json::json!([
        ["A001", false, "14:31:00;03", "14:31:00;27", "01:00:00;00", "01:00:00;24"],
        ["A001", false, "14:31:01;00", "14:31:01;27", "01:00:00;24", "01:00:01;21"],
        ["BL", true, "00:00:00;00", "00:00:04;24", "01:00:01;21", "01:00:06;15"],
        ["GX010042", false, "14:32:00;08", "14:32:00;29", "01:00:06;15", "01:00:07;06"],
        ["A003", false, "14:31:10;00", "14:31:10;28", "01:00:07;06", "01:00:08;04"],
        ["MEMO", false, "00:00:00;00", "00:00:01;00", "01:00:08;04", "01:00:09;04"],
        ["BL", true, "00:00:00;00", "00:00:02;00", "01:00:09;04", "01:00:11;04"],
    ]);
    assert_eq!(events, want);
    // 12 words at 2.5 a second = 4.8 s = 144 frames at 29.97; 5 words 60.
    let otio_read = "import json,sys\nimport opentimelineio as otio\n\
        kw={'rate':30000/1001} if sys.argv[2]=='cmx_3600' else {}\n\
        t=otio.adapters.read_from_file(sys.argv[1],adapter_name=sys.argv[2],**kw)\n\
        v=t.tracks[0]\n\
        items=[[type(c).__name__, c.name, c.source_range.start_time.value, c.source_range.duration.value] for c in v]\n\
        marks=[m.name for c in v for m in c.markers]+[m.name for m in t.tracks.markers]\n\
        print(json.dumps({'items':items,'markers':marks}))";
    let read = common::python(otio_read, &[edl.to_str().expect("utf-8"), "cmx_3600"]);
    let items = read["items"].as_array().expect("items");
    let starts: Vec<(f64, f64)> =
        items.iter().map(|i| (i[2].as_f64().unwrap_or(-1.0), i[3].as_f64().unwrap_or(-1.0))).collect();
    // C0001 14:31:00;03 is frame 1566235 at 29.97 DF.
    assert_eq!(starts[0], (1_566_235.0, 24.0));
    assert_eq!(starts[1], (1_566_262.0, 27.0));
    assert_eq!(starts[2], (0.0, 144.0));
    assert_eq!(starts[6], (0.0, 60.0));
    let markers: Vec<&str> = read["markers"].as_array().expect("markers").iter().filter_map(Value::as_str).collect();
    for m in ["# Cold open", "# The boat", "NOTE: hold on the door after the bite", "VO: Nobody came for three days."] {
        assert!(markers.iter().any(|got| got.starts_with(m)), "EDL marker {m}: {markers:?}");
    }
    // The xmeml: each clip at its own rate from the media's first frame,
    // a slug for each VO of its read time, the markers on the sequence.
    let xml = dir.join("flood.xmeml");
    let read = common::python(otio_read, &[xml.to_str().expect("utf-8"), "fcp_xml"]);
    let items = read["items"].as_array().expect("items");
    let row = |i: usize| {
        let it = &items[i];
        (
            it[0].as_str().unwrap_or("").to_string(),
            it[1].as_str().unwrap_or("").to_string(),
            it[2].as_f64().unwrap_or(-1.0),
            it[3].as_f64().unwrap_or(-1.0),
        )
    };
    assert_eq!(row(0), ("Clip".into(), "C0001.MP4".into(), 1_566_235.0, 24.0));
    assert_eq!(row(1), ("Clip".into(), "C0001.MP4".into(), 1_566_262.0, 27.0));
    assert_eq!(row(2).0, "Clip");
    assert!(row(2).1.starts_with("VO: In March"), "{:?}", row(2));
    assert_eq!((row(2).2, row(2).3), (0.0, 144.0));
    // GX010042 at 50 fps: 14:32:00:00 is frame 2616000, in at +10.
    assert_eq!((row(3).1.as_str(), row(3).2), ("GX010042.MP4", 2_616_010.0));
    // A003C012 at 23.976 from 14:31:10:00 (frame 1254480), 22 frames.
    assert_eq!((row(4).1.as_str(), row(4).2), ("A003C012_260314_R1AB.mov", 1_254_480.0));
    assert!(row(6).1.starts_with("VO: Nobody came") && row(6).3 == 60.0, "{:?}", row(6));
    let markers: Vec<&str> = read["markers"].as_array().expect("markers").iter().filter_map(Value::as_str).collect();
    for m in ["# Cold open", "# The boat", "NOTE: hold on the door after the bite"] {
        assert!(markers.contains(&m), "xmeml marker {m}: {markers:?}");
    }
    // The OTIO file: the VO is a gap named after it on both tracks.
    let read = common::python(otio_read, &[dir.join("flood.otio").to_str().expect("utf-8"), "otio_json"]);
    let gap = &read["items"][2];
    assert_eq!((gap[0].as_str(), gap[3].as_f64()), (Some("Gap"), Some(144.0)));
}

#[test]
fn the_script_reads_in_word_and_converts_in_libreoffice() {
    let env = ingested();
    let docx = export(&env, "docx");
    let paras = common::docx_paragraphs(&docx);
    let headings: Vec<&str> = paras.iter().filter(|(s, _)| s == "Heading 1").map(|(_, t)| t.as_str()).collect();
    assert_eq!(headings, ["Cold open", "The boat"]);
    let refs: Vec<&str> = paras.iter().filter(|(s, _)| s == "Ref").map(|(_, t)| t.as_str()).collect();
    assert_eq!(refs.len(), 5);
    assert!(refs[0].starts_with("MARIA  14:31:00;03 – 14:31:00;27  C0001.MP4"), "{refs:?}");
    assert!(refs[2].starts_with("SPEAKER_00  14:32:00:10 – 14:32:00:45  GX010042.MP4"), "{refs:?}");
    assert!(refs[3].starts_with("Maria  14:31:10:00 – 14:31:10:22  A003C012_260314_R1AB.mov"), "{refs:?}");
    assert!(refs[4].contains("memo.mp3") && refs[4].contains("rate assumed"), "{refs:?}");
    assert!(paras.iter().any(|(s, t)| s == "Words" && t == "That night the river"));
    assert!(paras.iter().any(|(s, t)| s == "Aside" && t.starts_with("VO: Nobody came for three days.")));
    assert!(paras.iter().any(|(s, t)| s == "Aside" && t.starts_with("NOTE: hold on the door")));
    // LibreOffice opens it: the conversion to PDF succeeds.
    let outdir = env.tmp.path().join("pdf");
    let profile = env.tmp.path().join("lo-profile");
    let out = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&outdir)
        .arg(&docx)
        .output()
        .expect("soffice (apt-get install libreoffice-writer; .ci/run installs it)");
    assert!(out.status.success(), "soffice: {}", String::from_utf8_lossy(&out.stderr));
    let pdf = std::fs::read(outdir.join("flood.pdf")).expect("the PDF");
    assert!(pdf.starts_with(b"%PDF"));
    // The text and HTML scripts carry the same references; HTML escaped.
    let txt = std::fs::read_to_string(export(&env, "txt")).expect("txt");
    assert!(txt.contains("MARIA  14:31:00;03 – 14:31:00;27  C0001.MP4") && txt.contains("[VO] Nobody came"), "{txt}");
    let html = std::fs::read_to_string(export(&env, "html")).expect("html");
    assert!(html.contains("<h2>The boat</h2>") && html.contains("@media print"), "{html}");
}

#[test]
fn search_paper_lines_paste_into_a_paper_edit_that_checks() {
    let env = ingested();
    let out = env.run(&["search", "river OR boat", "--paper"]);
    expect_code(&out, 0, "search --paper");
    let lines = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(lines.lines().any(|l| l == "C0001.MP4 14:31:00;03-14:31:00;27 MARIA: That night the river"), "{lines}");
    let file = env.tmp.path().join("pasted.paper");
    std::fs::write(&file, format!("# Pasted\n{lines}")).expect("write");
    let v = env.json(&["paper", "check", "--json", file.to_str().expect("utf-8")], 0);
    assert!(v["entries"].as_array().expect("entries").iter().filter(|e| e["kind"] == "bite").count() >= 2);
    // paper new drafts the same from a search.
    let draft = env.tmp.path().join("draft.paper");
    let out = env.run(&["paper", "new", "--query", "river", "-o", draft.to_str().expect("utf-8")]);
    expect_code(&out, 0, "paper new");
    let v = env.json(&["paper", "check", "--json", draft.to_str().expect("utf-8")], 0);
    assert_eq!(v["entries"][0]["text"], "river");
}
