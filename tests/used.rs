//! Used bites on the fixture dump: a cut rushes exported (at 23.976, 25
//! and 29.97 drop-frame, in every cut format) read back with `rushes used`
//! marks exactly its spans on search hits, `show` cues and notes, and
//! paper-edit bites; `search --unused` hides them; a name read again
//! replaces its cut, `--forget` drops it; a real EDL goes through with its
//! unmatched events listed.

mod common;

use common::{Env, dump};
use serde_json::{Value, json};

/// One clip's selects at one rate: the clip, its spans (labels as typed,
/// out exclusive), and which of its cues (by `tc_in`) a span overlaps.
struct Case {
    name: &'static str,
    clip: &'static str,
    spans: &'static [(&'static str, &'static str)],
    used_cues: &'static [&'static str],
    unused_cues: &'static [&'static str],
    unused_notes: &'static [&'static str],
}

const CASES: [Case; 3] = [
    // 23.976: the span covers the end of Tom's cue (frames 24-43), not
    // Maria's (0-22) nor the note at frame 24.
    Case {
        name: "cut-23976",
        clip: "A003C012_260314_R1AB.mov",
        spans: &[("14:31:11:10", "14:31:11:20")],
        used_cues: &["14:31:11:00"],
        unused_cues: &["14:31:10:00"],
        unused_notes: &["14:31:11:00"],
    },
    // 25: the sound file's first frames, up to and including the cue's
    // first (frame 5); the note at frame 12 is outside.
    Case {
        name: "cut-25",
        clip: "T001.WAV",
        spans: &[("14:31:05:00", "14:31:05:06")],
        used_cues: &["14:31:05:05"],
        unused_cues: &[],
        unused_notes: &["14:31:05:12"],
    },
    // 29.97 DF: the first span crosses the minute whose ;00 and ;01 are
    // dropped (frames 1-5, the start of the river cue, 3-27); the second
    // sits in the gap between the two cues (frames 27-30), touching
    // neither: out is exclusive on both sides.
    Case {
        name: "cut-2997df",
        clip: "C0001.MP4",
        spans: &[("14:30:59;29", "14:31:00;05"), ("14:31:00;27", "14:31:01;00")],
        used_cues: &["14:31:00;03"],
        unused_cues: &["14:31:01;00"],
        unused_notes: &["14:31:00;10", "14:31:01;00"],
    },
];

fn path_str(p: &std::path::Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// The case's selects exported as `format` into the temp dir.
fn export(env: &Env, case: &Case, format: &str) -> String {
    let csv = env.tmp.path().join(format!("{}.csv", case.name));
    let mut text = String::from("clip,tc_in,tc_out\n");
    for (a, b) in case.spans {
        text.push_str(&format!("{},\"{a}\",\"{b}\"\n", case.clip));
    }
    std::fs::write(&csv, text).expect("write selects");
    let cut = env.tmp.path().join(format!("{}.{format}", case.name));
    let run = env.run(&["export", "--selects", path_str(&csv), "--format", format, "-o", path_str(&cut), "--force"]);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    path_str(&cut).to_string()
}

/// `tc_in` of the cues (or notes) of `show CLIP --json` whose `used` is
/// not empty, and of those whose is, each sorted.
fn marked(env: &Env, clip: &str, list: &str) -> (Vec<String>, Vec<String>) {
    let log = env.json(&["show", clip, "--json"], 0);
    let (mut used, mut unused) = (Vec::new(), Vec::new());
    for item in log[list].as_array().expect("a list") {
        let tc = item["tc_in"].as_str().or(item["tc"].as_str()).unwrap_or("-").to_string();
        match item["used"].as_array().map(Vec::len) {
            Some(0) => unused.push(tc),
            Some(_) => used.push(tc),
            None => panic!("no used on {item}"),
        }
    }
    used.sort();
    unused.sort();
    (used, unused)
}

fn sorted(v: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

#[test]
fn a_cut_rushes_exported_marks_exactly_its_spans_at_each_rate() {
    let env = Env::new();
    env.ingest(&dump());
    for format in ["edl", "fcpxml", "xmeml", "otio"] {
        for case in &CASES {
            let cut = export(&env, case, format);
            let read = env.json(&["used", &cut, "--name", case.name, "--json"], 0);
            assert_eq!(read["format"], format);
            assert_eq!(read["unmatched"], json!([]), "{format} {}: {read}", case.name);
            let spans: Vec<(String, String, String)> = read["spans"]
                .as_array()
                .expect("spans")
                .iter()
                .map(|s| {
                    let text = |k: &str| s[k].as_str().unwrap_or("?").to_string();
                    (text("clip"), text("source_in"), text("source_out"))
                })
                .collect();
            let want: Vec<(String, String, String)> =
                case.spans.iter().map(|(a, b)| (case.clip.to_string(), a.to_string(), b.to_string())).collect();
            assert_eq!(spans, want, "{format} {}: the spans read back are the spans exported", case.name);
            let (used, unused) = marked(&env, case.clip, "transcript");
            assert_eq!((used, unused), (sorted(case.used_cues), sorted(case.unused_cues)), "{format} {}", case.name);
            let (used, unused) = marked(&env, case.clip, "notes");
            assert_eq!((used, unused), (Vec::<String>::new(), sorted(case.unused_notes)), "{format}");
        }
        // One cut per name: reading the same names again replaced them.
        let list = env.json(&["used", "--list", "--json"], 0);
        let names: Vec<(&str, &str)> = list
            .as_array()
            .expect("list")
            .iter()
            .map(|c| (c["name"].as_str().unwrap_or("?"), c["format"].as_str().unwrap_or("?")))
            .collect();
        assert_eq!(names, [("cut-23976", format), ("cut-25", format), ("cut-2997df", format)]);
    }
    // The cue hit carries the cut and where its event sits in it.
    let hits = env.json(&["search", "--json", "--kind", "soundbite", "river OR door"], 0);
    let used: Vec<(String, Value)> = hits
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| (h["tc_in"].as_str().unwrap_or("?").to_string(), h["used"].clone()))
        .collect();
    assert_eq!(
        used,
        [
            ("14:31:00;03".to_string(), json!([{"cut": "cut-2997df", "record_in": "01:00:00;00"}])),
            ("14:31:01;00".to_string(), json!([]))
        ]
    );
    // --unused hides the used one, and the total counts what is left.
    let unused = env.json(&["search", "--json", "--kind", "soundbite", "--unused", "river OR door"], 0);
    let tcs: Vec<&str> = unused.as_array().expect("hits").iter().filter_map(|h| h["tc_in"].as_str()).collect();
    assert_eq!(tcs, ["14:31:01;00"]);
    let run = env.run(&["search", "--unused", "river"]);
    assert_eq!(run.status.code(), Some(1), "the only river bite is used: {run:?}");
    // The human listing says it too.
    let text = String::from_utf8_lossy(&env.run(&["search", "river"]).stdout).to_string();
    assert!(text.contains("used in cut-2997df 01:00:00;00"), "{text}");
    // A clip hit is used when any frame of it is.
    let clip = env.json(&["search", "--json", "--kind", "clip", "A003C013"], 0);
    assert_eq!(clip[0]["used"], json!([]));
    let clip = env.json(&["search", "--json", "--kind", "clip", "A003C012"], 0);
    assert_eq!(clip[0]["used"], json!([{"cut": "cut-23976", "record_in": "01:00:00:00"}]));

    // Paper-edit bites: the used one says where; the other says nothing.
    let paper = env.tmp.path().join("edit.paper");
    std::fs::write(&paper, "# Open\nC0001.MP4 14:31:00;03-14:31:00;27\nC0001.MP4 14:31:01;00-14:31:01;27\n")
        .expect("write paper");
    let checked = env.json(&["paper", "check", path_str(&paper), "--json"], 0);
    let bites: Vec<Value> = checked["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["kind"] == "bite")
        .map(|e| e["used"].clone())
        .collect();
    assert_eq!(bites, [json!([{"cut": "cut-2997df", "record_in": "01:00:00;00"}]), json!([])]);
    let text = String::from_utf8_lossy(&env.run(&["paper", "check", path_str(&paper)]).stdout).to_string();
    assert!(text.contains("used in cut-2997df 01:00:00;00"), "{text}");

    // Forgotten, the cut marks nothing.
    let run = env.run(&["used", "--forget", "cut-2997df"]);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let (used, _) = marked(&env, "C0001.MP4", "transcript");
    assert!(used.is_empty(), "{used:?}");
    let run = env.run(&["used", "--forget", "cut-2997df"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("no cut \"cut-2997df\" is tracked"), "{run:?}");
}

/// A real EDL (a dissolve, from the OTIO CMX3600 adapter's samples) and a
/// long real reel (pycmx's INS4) match nothing in the fixture: each goes
/// through, every event listed as unmatched with its line, and is tracked.
#[test]
fn a_real_edl_goes_through_with_its_unmatched_events_listed() {
    let env = Env::new();
    env.ingest(&dump());
    let edl = common::realdata("otio-cmx3600-adapter/tests/sample_data/dissolve_test_2.edl");
    let read = env.json(&["used", path_str(&edl), "--json"], 0);
    assert_eq!(read["name"], "dissolve_test_2", "the file's stem names it");
    let unmatched: Vec<String> = read["unmatched"]
        .as_array()
        .expect("unmatched")
        .iter()
        .map(|u| format!("{} line {} {}", u["event"], u["line"], u["name"].as_str().unwrap_or("-")))
        .collect();
    assert_eq!(unmatched, ["1 line 3 clip_A", "2 line 5 clip_A", "2 line 6 clip_B", "3 line 10 clip_B"]);
    assert_eq!(read["spans"], json!([]));
    let run = env.run(&["used", path_str(&edl), "--name", "dissolve"]);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(text.contains("events that match no clip (4):"), "{text}");
    assert!(text.contains("event 2 (line 6) 01:00:00:05-01:00:00:15: clip \"clip_B\", reel TST"), "{text}");

    let reel = common::realdata("pycmx/tests/edls/INS4_R1_010417.edl");
    let read = env.json(&["used", path_str(&reel), "--json"], 0);
    let unmatched = read["unmatched"].as_array().expect("unmatched");
    assert!(unmatched.len() > 250, "{} unmatched", unmatched.len());
    assert!(unmatched.iter().all(|u| u["line"].as_u64().is_some_and(|l| l > 0)), "each with its line");
    assert_eq!(unmatched[3]["name"], "V1A-6A");
    assert_eq!(unmatched[3]["line"], 12);

    // A real event beside one that names the fixture's clip by reel and
    // source timecode: the second is tracked, the first listed.
    let mixed = common::mixed_edl(env.tmp.path());
    let read = env.json(&["used", path_str(&mixed), "--json"], 0);
    assert_eq!(read["unmatched"].as_array().map(Vec::len), Some(1), "{read}");
    assert_eq!(read["spans"][0]["source_in"], "14:31:11:00");
    assert_eq!(read["spans"][0]["event"], 99);
    let list = String::from_utf8_lossy(&env.run(&["used", "--list"]).stdout).to_string();
    for want in ["dissolve_test_2  edl  0 events on 0 clips, 4 unmatched", "mixed  edl  1 event on 1 clip, 1 unmatched"]
    {
        assert!(list.contains(want), "{want:?} in {list}");
    }
}

/// A file that is not a cut is an error naming it; nothing is tracked.
#[test]
fn a_file_that_is_not_a_cut_is_refused() {
    let env = Env::new();
    env.ingest(&dump());
    let bad = env.tmp.path().join("notes.txt");
    std::fs::write(&bad, "nothing to see\n").expect("write");
    let run = env.run(&["used", path_str(&bad)]);
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("notes.txt: not a cut"), "{err}");
    assert_eq!(env.json(&["used", "--list", "--json"], 0), json!([]));
}
