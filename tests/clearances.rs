//! Releases and clearances on the fixture dump with the release log in
//! `fixtures/releases/`: each status reaches `search --json`, a
//! restriction range touches only the cues inside it, an expired release
//! flips with `--as-of`, a re-imported log changes the statuses without a
//! re-ingest, and bad rows are said with their line.

mod common;

use common::{Env, dump, repo};
use serde_json::Value;

fn log(name: &str) -> String {
    repo().join("fixtures/releases").join(name).to_str().expect("utf-8 path").to_string()
}

/// The dump ingested and the fixture log imported.
fn env_with_log() -> Env {
    let env = Env::new();
    env.ingest(&dump());
    let report = env.json(&["import", "--json", &log("releases.csv")], 0);
    assert_eq!(report["release_log"]["rows"], 9, "{report}");
    env
}

/// `source: reason` of each warning of an import report.
fn warnings(report: &Value) -> Vec<String> {
    report["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| format!("{}: {}", w["source"].as_str().unwrap_or(""), w["reason"].as_str().unwrap_or("")))
        .collect()
}

/// `clip@tc_in status` of the hits of a search, in the order found.
fn statuses(env: &Env, args: &[&str]) -> Vec<String> {
    let mut all = vec!["search", "--json"];
    all.extend_from_slice(args);
    let hits = env.json(&all, 0);
    hits.as_array()
        .expect("an array")
        .iter()
        .map(|h| {
            format!(
                "{}@{} {}",
                h["clip"].as_str().unwrap_or("-"),
                h["tc_in"].as_str().unwrap_or("-"),
                h["clearance"]["status"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

/// The one soundbite a query finds, as JSON.
fn bite(env: &Env, args: &[&str]) -> Value {
    let mut all = vec!["search", "--json", "--kind", "soundbite"];
    all.extend_from_slice(args);
    let hits = env.json(&all, 0);
    let [one] = hits.as_array().expect("an array").as_slice() else { panic!("one hit: {hits}") };
    one.clone()
}

#[test]
fn each_status_reaches_search_json() {
    let env = env_with_log();
    let as_of = ["--as-of", "2026-12-01"];
    for (query, kind, want) in [
        ("river", "soundbite", "C0001.MP4@14:31:00;03 cleared"),
        ("bakery", "soundbite", "A003C012_260314_R1AB.mov@14:31:10:00 restricted"),
        ("\"everything went under\"", "soundbite", "A003C012_260314_R1AB.mov@14:31:11:00 expired"),
        ("boat", "soundbite", "GX010042.MP4@14:32:00:10 pending"),
        ("rolling", "soundbite", "T001.WAV@14:31:05:05 unknown"),
        ("C0002", "clip", "C0002.MP4@14:35:10:00 refused"),
    ] {
        let got = statuses(&env, &[query, "--kind", kind, as_of[0], as_of[1]]);
        assert_eq!(got, [want], "{query}");
    }
    // The people and the reasons, as the contract writes them.
    let boat = bite(&env, &["boat"]);
    assert_eq!(
        boat["clearance"],
        serde_json::json!({
            "status": "pending",
            "people": [{"name": "Jean Martin", "status": "pending", "form": null}],
            "reasons": ["Jean Martin: release pending"],
            "release_log": true,
        })
    );
    let maria = bite(&env, &["river"]);
    assert_eq!(maria["clearance"]["people"][0]["form"], "forms/maria_lopez.pdf");
    let unknown = bite(&env, &["rolling"]);
    assert_eq!(unknown["clearance"]["reasons"], serde_json::json!(["SPEAKER 1: no release"]));
    // A clip covered by a music licence still pending.
    let memo = statuses(&env, &["memo.mp3", "--kind", "clip"]);
    assert_eq!(memo, ["memo.mp3@00:00:00:00 pending"]);
}

#[test]
fn a_restriction_range_affects_only_the_cues_inside_it() {
    let env = env_with_log();
    // Maria's cue (14:31:10:00-14:31:10:21) is inside 14:31:10:00-14:31:10:12;
    // Tom's cue on the same clip starts at 14:31:11:00.
    let maria = bite(&env, &["bakery"]);
    assert_eq!(
        maria["clearance"]["reasons"],
        serde_json::json!(["A003C012_260314_R1AB.mov 14:31:10:00-14:31:10:12 restricted: not for use in advertising"])
    );
    let tom = bite(&env, &["\"everything went under\"", "--as-of", "2026-03-20"]);
    assert_eq!(tom["clearance"]["status"], "cleared", "{tom}");
    // Maria's other interview, on another clip, is cleared.
    assert_eq!(bite(&env, &["river"])["clearance"]["status"], "cleared");
}

#[test]
fn an_expired_release_flips_with_as_of() {
    let env = env_with_log();
    let on = |day: &str| bite(&env, &["\"everything went under\"", "--as-of", day])["clearance"].clone();
    assert_eq!(on("2026-06-30")["status"], "cleared");
    let after = on("1 July 2026");
    assert_eq!(after["status"], "expired");
    assert_eq!(after["reasons"], serde_json::json!(["Tom Baker: release expired 2026-06-30"]));
    // show judges on the same day.
    let show = env.json(&["show", "A003C012", "--json", "--as-of", "2026-07-01"], 0);
    let cues: Vec<&str> =
        show["transcript"].as_array().expect("cues").iter().filter_map(|c| c["clearance"]["status"].as_str()).collect();
    assert_eq!(cues, ["restricted", "expired"]);
    assert_eq!(show["clearance"]["status"], "expired");
    let show = env.json(&["show", "A003C012", "--json", "--as-of", "2026-06-01"], 0);
    assert_eq!(show["transcript"][1]["clearance"]["status"], "cleared");
    // A date that does not read is refused.
    let bad = env.run(&["search", "river", "--as-of", "someday"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--as-of"), "{bad:?}");
}

#[test]
fn a_reimported_log_changes_the_statuses() {
    let env = env_with_log();
    assert_eq!(bite(&env, &["boat"])["clearance"]["status"], "pending");
    let report = env.json(&["import", "--json", &log("releases_v2.csv")], 0);
    assert_eq!(report["release_log"]["replaced"], log("releases.csv"));
    let boat = bite(&env, &["boat"]);
    assert_eq!(boat["clearance"]["status"], "cleared");
    assert_eq!(boat["clearance"]["people"][0]["form"], "forms/jean_martin.pdf");
    // Tom's renewed release runs to 2027; the restriction range is gone.
    assert_eq!(bite(&env, &["\"everything went under\"", "--as-of", "2026-12-01"])["clearance"]["status"], "cleared");
    assert_eq!(bite(&env, &["bakery"])["clearance"]["status"], "cleared");
    // The clip Ana refused is no longer covered: nothing says it is cleared.
    assert_eq!(statuses(&env, &["C0002", "--kind", "clip"]), ["C0002.MP4@14:35:10:00 unknown"]);
}

#[test]
fn filters_keep_one_status() {
    let env = env_with_log();
    let cleared = statuses(&env, &["the", "--kind", "soundbite", "--cleared", "--as-of", "2026-12-01"]);
    assert!(!cleared.is_empty() && cleared.iter().all(|h| h.ends_with(" cleared")), "{cleared:?}");
    let expired = statuses(&env, &["everything", "--clearance", "expired", "--as-of", "2026-12-01"]);
    // Tom's cue, and the AP's note on it: a note is no more cleared than
    // the people heard where it sits.
    assert_eq!(
        expired,
        ["A003C012_260314_R1AB.mov@14:31:11:00 expired", "A003C012_260314_R1AB.mov@14:31:11:00 expired"]
    );
    let note = env.json(&["search", "--json", "everything", "--kind", "note", "--as-of", "2026-12-01"], 0);
    assert_eq!(note[0]["clearance"]["people"][0]["name"], "Tom Baker", "{note}");
    // Nothing of that status: exit 1, as any search that finds nothing.
    let none = env.run(&["search", "boat", "--clearance", "refused"]);
    assert_eq!(none.status.code(), Some(1));
    // The human listing marks what is not cleared.
    let human = env.run(&["search", "boat", "--kind", "soundbite"]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.lines().next().is_some_and(|l| l.ends_with("[pending]")), "{text}");
}

#[test]
fn the_log_is_told_from_notes_by_its_columns_and_bad_rows_are_said() {
    let env = Env::new();
    env.ingest(&dump());
    // No log yet: every hit is unknown, and says why.
    let boat = bite(&env, &["boat"]);
    assert_eq!(boat["clearance"]["status"], "unknown");
    let bad = log("releases_bad.csv");
    let report = env.json(&["import", "--json", &bad], 0);
    let warnings = warnings(&report);
    assert_eq!(
        warnings,
        [
            format!(
                "{bad}:2: unknown status \"maybe\" (signed, cleared, pending, sent, refused, declined, restricted, \
                 conditional...); kept as pending"
            ),
            format!(
                "{bad}:3: date signed: date \"03/04/2026\" is ambiguous (3 April or March 4); give --date-order dmy \
                 or mdy; kept as pending"
            ),
            format!("{bad}:4: expiry: date \"31/02/2027\" does not exist; kept as pending"),
        ]
    );
    // Two rows answer to MARIA, the speaker of C0001: both are named.
    let ambiguous = &report["release_log"]["ambiguous"];
    assert_eq!(ambiguous[0]["speaker"], "MARIA", "{report}");
    assert_eq!(
        ambiguous[0]["candidates"],
        serde_json::json!([{"name": "Maria Lopez", "line": 2}, {"name": "Maria Gomez", "line": 5}])
    );
    // --date-order reads the ambiguous date; a forced kind reads a file
    // whose columns say nothing.
    let report = env.json(&["import", "--json", "--date-order", "dmy", &bad], 0);
    assert_eq!(report["warnings"].as_array().map(Vec::len), Some(2), "{report}");
    let plain = env.tmp.path().join("people.csv");
    std::fs::write(&plain, "Name,Form\nSPEAKER_00,forms/jm.pdf\n").expect("write");
    let plain = plain.to_str().expect("utf-8");
    let not_notes = env.run(&["import", plain]);
    assert_eq!(not_notes.status.code(), Some(2), "neither notes nor a log");
    let forced = env.json(&["import", "--json", "--kind", "releases", plain], 0);
    assert_eq!(forced["release_log"]["rows"], 1, "{forced}");
    assert_eq!(bite(&env, &["boat"])["clearance"]["status"], "pending");
}

#[test]
fn an_export_says_each_uncleared_select_and_require_cleared_writes_nothing() {
    let env = env_with_log();
    let out = env.tmp.path().join("cut.edl");
    let out = out.to_str().expect("utf-8");
    let args = ["export", "--query", "boat", "--format", "edl", "--as-of", "2026-03-20", "-o", out];
    let run = env.run(&args);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains(
            "rushes: not cleared: GX010042.MP4 14:32:00:10-14:32:00:45 pending: Jean Martin: release pending"
        ),
        "{stderr}"
    );
    assert!(std::path::Path::new(out).exists());
    std::fs::remove_file(out).expect("remove");
    let mut strict = args.to_vec();
    strict.push("--require-cleared");
    let run = env.run(&strict);
    assert_eq!(run.status.code(), Some(2), "{run:?}");
    assert!(String::from_utf8_lossy(&run.stderr).contains("nothing written (--require-cleared)"));
    assert!(!std::path::Path::new(out).exists(), "nothing written");
    // A cleared bite exports under --require-cleared, saying nothing.
    let run = env.run(&["export", "--query", "river", "--format", "edl", "--require-cleared"]);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    assert!(!String::from_utf8_lossy(&run.stderr).contains("not cleared"), "{run:?}");
}

/// What the readers in `tests/readers` (OpenTimelineIO's adapters, pycmx,
/// or a strict XML parse with `xml`) see in an exported file.
fn read_back(format: &str, file: &std::path::Path) -> Vec<Value> {
    let out = std::process::Command::new(common::venv::python())
        .arg(repo().join("tests/readers/read_timeline.py"))
        .arg(format)
        .arg(file)
        // The fixture's A003C012 is 24000/1001.
        .arg((24000.0f64 / 1001.0).to_string())
        .output()
        .expect("run python");
    assert!(out.status.success(), "{format} reader on {}: {}", file.display(), String::from_utf8_lossy(&out.stderr));
    match serde_json::from_slice(&out.stdout).expect("reader JSON") {
        Value::Array(a) => a,
        other => panic!("{other}"),
    }
}

/// Maria's restricted bite and Tom's cleared one (on 2026-03-20), both on
/// A003C012, exported in every format: each file still reads in the
/// readers the industry uses, and each carries the mark on Maria's select
/// only, where the format keeps it.
#[test]
fn every_export_format_marks_what_is_not_cleared() {
    let env = env_with_log();
    const REASON: &str = "A003C012_260314_R1AB.mov 14:31:10:00-14:31:10:12 restricted: not for use in advertising";
    let export = |format: &str| {
        let out = env.tmp.path().join(format!("cut.{format}"));
        let args = [
            "export",
            "--query",
            "bakery OR everything",
            "--as-of",
            "2026-03-20",
            "--format",
            format,
            "-o",
            out.to_str().expect("utf-8"),
        ];
        let run = env.run(&args);
        assert_eq!(run.status.code(), Some(0), "{format}: {run:?}");
        out
    };
    // One entry per select (per clip on the first track a reader makes).
    let firsts = |seen: Vec<Value>, reader: &str| -> Vec<Value> {
        let mine: Vec<Value> = seen.into_iter().filter(|c| c["reader"] == reader).collect();
        assert!(mine.len() >= 2, "{reader}: {mine:?}");
        mine[..2].to_vec()
    };

    // EDL: a `* CLEARANCE:` comment under Maria's event, which OTIO keeps.
    let edl = export("edl");
    let text = std::fs::read_to_string(&edl).expect("edl");
    assert_eq!(text.matches("* CLEARANCE: ").count(), 1, "{text}");
    assert!(text.contains(&format!("* CLEARANCE: restricted: {REASON}\n")), "{text}");
    let comments: Vec<Value> = firsts(read_back("edl", &edl), "otio:cmx_3600")
        .iter()
        .map(|c| c["metadata"]["cmx_3600"]["comments"].clone())
        .collect();
    let marked = |c: &Value| {
        c.as_array().is_some_and(|a| a.iter().any(|l| *l == format!("CLEARANCE: restricted: {REASON}").as_str()))
    };
    assert!(marked(&comments[0]) && !marked(&comments[1]), "{comments:?}");
    // pycmx reads the list too.
    assert_eq!(read_back("edl", &edl).iter().filter(|c| c["reader"] == "pycmx").count(), 2);

    // FCPXML: a to-do marker (red in FCP), seen by the OTIO adapter and by a
    // strict XML parse.
    let fcpxml = export("fcpxml");
    let markers: Vec<Vec<String>> = firsts(read_back("fcpxml", &fcpxml), "otio:fcpx_xml")
        .iter()
        .map(|c| {
            c["markers"].as_array().expect("markers").iter().map(|m| format!("{} {}", m["name"], m["color"])).collect()
        })
        .collect();
    assert!(markers[0].contains(&"\"NOT CLEARED: restricted\" \"RED\"".to_string()), "{markers:?}");
    assert!(!markers[1].iter().any(|m| m.contains("NOT CLEARED")), "{markers:?}");
    let todo: Vec<Value> = read_back("xml", &fcpxml)
        .into_iter()
        .filter(|e| e["tag"] == "marker" && e["attrs"]["completed"] == "0")
        .map(|e| e["attrs"].clone())
        .collect();
    assert_eq!(todo.len(), 1, "{todo:?}");
    assert_eq!((&todo[0]["value"], &todo[0]["note"]), (&Value::from("NOT CLEARED: restricted"), &Value::from(REASON)));

    // xmeml: a clip marker Premiere lists, its comment the reasons.
    let xmeml = export("xmeml");
    let seen = firsts(read_back("xmeml", &xmeml), "otio:fcp_xml");
    let clearance_markers = |c: &Value| -> Vec<String> {
        c["markers"]
            .as_array()
            .expect("markers")
            .iter()
            .filter(|m| m["name"] == "NOT CLEARED: restricted")
            .map(|m| m["metadata"]["fcp_xml"]["comment"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(clearance_markers(&seen[0]), [REASON]);
    assert!(clearance_markers(&seen[1]).is_empty());
    read_back("xml", &xmeml);

    // ALE: a Clearance column, read by OTIO's ALE adapter.
    let ale = export("ale");
    let column: Vec<Value> =
        firsts(read_back("ale", &ale), "otio:ale").iter().map(|c| c["metadata"]["ALE"]["Clearance"].clone()).collect();
    assert_eq!(column, [Value::from(format!("restricted: {REASON}")), Value::from("cleared")]);

    // OTIO: metadata.rushes.clearance.
    let otio = export("otio");
    let meta: Vec<Value> = firsts(read_back("otio", &otio), "otio:otio_json")
        .iter()
        .map(|c| c["metadata"]["rushes"]["clearance"].clone())
        .collect();
    assert_eq!(meta[0], serde_json::json!({"status": "restricted", "cleared": false, "reasons": [REASON]}));
    assert_eq!(meta[1], serde_json::json!({"status": "cleared", "cleared": true, "reasons": []}));

    // CSV: a clearance column after clip_id; the table still feeds back.
    let csv = export("csv");
    let mut reader = ::csv::Reader::from_path(&csv).expect("csv");
    let header = reader.headers().expect("header").clone();
    assert_eq!(header.iter().next_back(), Some("clearance"), "{header:?}");
    let column: Vec<String> = reader.records().map(|r| r.expect("row")[header.len() - 1].to_string()).collect();
    assert_eq!(column, [format!("restricted: {REASON}"), "cleared".to_string()]);
    let again = env.run(&["export", "--selects", csv.to_str().expect("utf-8"), "--format", "edl"]);
    assert_eq!(again.status.code(), Some(0), "{again:?}");
}

/// Without a release log nothing is judged: no mark and no column, so an
/// export is what it was before the log existed.
#[test]
fn without_a_log_exports_carry_no_marks() {
    let env = Env::new();
    env.ingest(&dump());
    for (format, absent) in [
        ("edl", "CLEARANCE"),
        ("csv", "clearance"),
        ("ale", "Clearance"),
        ("otio", "clearance"),
        ("fcpxml", "NOT CLEARED"),
        ("xmeml", "NOT CLEARED"),
    ] {
        let run = env.run(&["export", "--query", "bakery", "--format", format]);
        assert_eq!(run.status.code(), Some(0), "{run:?}");
        let text = String::from_utf8_lossy(&run.stdout);
        assert!(!text.contains(absent), "{format}: {text}");
    }
    // Nor do hits and the shot log say `unknown` on every line; the JSON
    // says there is no log.
    let hit = bite(&env, &["rolling"]);
    assert_eq!(hit["clearance"]["status"], "unknown");
    assert_eq!(hit["clearance"]["release_log"], false, "{hit}");
    let run = env.run(&["search", "rolling"]);
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(text.contains("SPEAKER 1") && !text.contains("[unknown]"), "{text}");
    let run = env.run(&["show", "T001.WAV"]);
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(text.contains("SPEAKER 1") && !text.contains("unknown"), "{text}");
}

/// `rushes clearances ARGS --format json` with its exit code.
fn report_of(env: &Env, args: &[&str], code: i32) -> Value {
    let mut all = vec!["clearances", "--format", "json", "--as-of", "2026-03-20"];
    all.extend_from_slice(args);
    env.json(&all, code)
}

/// `clip source_in status` of each event of a report.
fn rows(report: &Value) -> Vec<String> {
    report["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e["clip"].as_str().unwrap_or("?"),
                e["source_in"].as_str().unwrap_or("?"),
                e["status"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

/// A cut exported by rushes in each of EDL, FCPXML, xmeml and OTIO is
/// read back: each event matched to its clip with its span, people and
/// status; exit 1 while something is not cleared, 0 when all is.
#[test]
fn clearances_reads_a_cut_rushes_exported_in_every_format() {
    let env = env_with_log();
    for format in ["edl", "fcpxml", "xmeml", "otio"] {
        let cut = env.tmp.path().join(format!("cut.{format}"));
        let cut = cut.to_str().expect("utf-8");
        let run = env.run(&["export", "--query", "bakery OR everything", "--format", format, "-o", cut]);
        assert_eq!(run.status.code(), Some(0), "{run:?}");
        let r = report_of(&env, &["--cut", cut], 1);
        assert_eq!(r["format"], format);
        assert_eq!(
            rows(&r),
            ["A003C012_260314_R1AB.mov 14:31:10:00 restricted", "A003C012_260314_R1AB.mov 14:31:11:00 cleared"],
            "{format}: {r}"
        );
        let first = &r["events"][0];
        assert_eq!(
            (&first["source_out"], &first["duration"]),
            (&Value::from("14:31:10:22"), &Value::from("00:00:00:22"))
        );
        assert_eq!(
            (&first["record_in"], &first["record_out"]),
            (&Value::from("01:00:00:00"), &Value::from("01:00:00:22"))
        );
        assert_eq!(
            first["people"],
            serde_json::json!([{"name": "Maria Lopez", "status": "cleared", "form": "forms/maria_lopez.pdf"}])
        );
        assert_eq!(
            first["restrictions"],
            serde_json::json!(["A003C012_260314_R1AB.mov 14:31:10:00-14:31:10:12: not for use in advertising"])
        );
        assert_eq!(r["events"][1]["people"][0]["name"], "Tom Baker");
        assert_eq!(r["summary"]["statuses"], serde_json::json!({"cleared": 1, "restricted": 1}), "{format}");
        assert_eq!(r["unmatched"], serde_json::json!([]));
        // A cut of cleared bites only: exit 0.
        let clean = env.tmp.path().join(format!("clean.{format}"));
        let clean = clean.to_str().expect("utf-8");
        env.run(&["export", "--query", "river", "--format", format, "-o", clean]);
        let r = report_of(&env, &["--cut", clean], 0);
        assert_eq!(r["summary"]["all_cleared"], true, "{r}");
        assert_eq!(rows(&r), ["C0001.MP4 14:31:00;03 cleared"]);
    }
    // Tom's release expires: the same cut is no longer cleared.
    let cut = env.tmp.path().join("cut.otio");
    let later = env
        .json(&["clearances", "--cut", cut.to_str().expect("utf-8"), "--format", "json", "--as-of", "2026-07-01"], 1);
    assert_eq!(later["events"][1]["status"], "expired");
}

/// A 29.97 DF EDL of clips at 29.97 DF, 23.976, 50 and 25 fps: its source
/// column is converted to the list's rate, and each event still lands on
/// the clip's exact span, whether from the writer's `* NOTE:` (the clip's
/// own timecode) or, without it, from the drop-frame labels undone as NLEs
/// write them (start label re-expressed, offset in real time).
#[test]
fn a_mixed_rate_edl_lands_on_each_clips_own_span() {
    let env = env_with_log();
    let cut = env.tmp.path().join("mixed.edl");
    let query = "river OR bakery OR boat OR rolling";
    let run = env.run(&["export", "--query", query, "--format", "edl", "-o", cut.to_str().expect("utf-8")]);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let edl = std::fs::read_to_string(&cut).expect("edl");
    assert!(edl.contains("FCM: DROP FRAME") && edl.contains("converted from 23.976"), "{edl}");
    let bare = env.tmp.path().join("bare.edl");
    let without_notes: Vec<&str> = edl.lines().filter(|l| !l.starts_with("* NOTE:")).collect();
    std::fs::write(&bare, without_notes.join("\n")).expect("write");
    let want = [
        "C0001.MP4 14:31:00;03 14:31:00;27",
        "A003C012_260314_R1AB.mov 14:31:10:00 14:31:10:22",
        "GX010042.MP4 14:32:00:10 14:32:00:45",
        "T001.WAV 14:31:05:05 14:31:05:20",
    ];
    for file in [&cut, &bare] {
        let r = env.json(
            &["clearances", "--cut", file.to_str().expect("utf-8"), "--format", "json", "--as-of", "2026-04-01"],
            1,
        );
        assert_eq!(r["unmatched"], serde_json::json!([]), "{}: {r}", file.display());
        let spans: Vec<String> = r["events"]
            .as_array()
            .expect("events")
            .iter()
            .map(|e| {
                format!("{} {} {}", e["clip"].as_str().unwrap_or("?"), e["source_in"], e["source_out"]).replace('"', "")
            })
            .collect();
        assert_eq!(spans, want, "{}", file.display());
    }
}

/// A real EDL (a dissolve, from the OTIO CMX3600 adapter's samples)
/// matches nothing in the fixture: every event is listed as unmatched with
/// its line and clip name, and counts as something to clear.
#[test]
fn a_real_edl_lists_its_unmatched_events() {
    let env = env_with_log();
    let edl = common::realdata("otio-cmx3600-adapter/tests/sample_data/dissolve_test_2.edl");
    let r = report_of(&env, &["--cut", edl.to_str().expect("utf-8")], 1);
    let unmatched: Vec<String> = r["unmatched"]
        .as_array()
        .expect("unmatched")
        .iter()
        .map(|u| {
            format!(
                "{} line {} {} {}",
                u["event"],
                u["line"],
                u["name"].as_str().unwrap_or("-"),
                u["reel"].as_str().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        unmatched,
        ["1 line 3 clip_A TST", "2 line 5 clip_A TST", "2 line 6 clip_B TST", "3 line 10 clip_B TST"]
    );
    assert_eq!((r["summary"]["events"].as_u64(), r["summary"]["unmatched"].as_u64()), (Some(0), Some(4)));
    assert_eq!(r["summary"]["to_clear"].as_array().map(Vec::len), Some(4));
    // The table says so too.
    let run = env.run(&["clearances", "--cut", edl.to_str().expect("utf-8")]);
    assert_eq!(run.status.code(), Some(1));
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(text.contains("events that match no clip (4):"), "{text}");
    assert!(text.contains("event 2 (line 6) 01:00:00:05-01:00:00:15: clip \"clip_B\", reel TST"), "{text}");

    // A real event beside an Avid-style one that names only its reel and
    // source timecode (no clip name): the second is matched by reel and
    // timecode, the first is listed.
    let mixed = common::mixed_edl(env.tmp.path());
    let r = report_of(&env, &["--cut", mixed.to_str().expect("utf-8")], 1);
    assert_eq!(rows(&r), ["A003C012_260314_R1AB.mov 14:31:11:00 cleared"], "{r}");
    assert_eq!(r["events"][0]["event"], 99);
    assert_eq!(r["unmatched"].as_array().map(Vec::len), Some(1), "{r}");
}

/// The report of a selects list: each select's people come from the cues
/// in its span; third-party items carry vendor, item, licence, fee and
/// invoice, and the fees add up; CSV has one row per event.
#[test]
fn clearances_of_selects_csv_and_json_shapes() {
    let env = env_with_log();
    let selects = env.tmp.path().join("selects.csv");
    std::fs::write(
        &selects,
        "clip,tc_in,tc_out\nNIGHT0001.MP4,23:59:59;00,23:59:59;50\nGX010042.MP4,14:32:00:10,14:32:00:45\n\
         C0002.MP4,14:35:10:00,14:35:11:00\nT001.WAV,14:31:05:05,14:31:05:20\n",
    )
    .expect("write");
    let selects = selects.to_str().expect("utf-8");
    let r = report_of(&env, &["--selects", selects], 1);
    assert_eq!(
        rows(&r),
        [
            "NIGHT0001.MP4 23:59:59;00 cleared",
            "GX010042.MP4 14:32:00:10 pending",
            "C0002.MP4 14:35:10:00 refused",
            "T001.WAV 14:31:05:05 unknown"
        ]
    );
    assert_eq!(
        r["events"][0]["items"],
        serde_json::json!([{
            "name": "Flood 1998 news footage", "vendor": "Pond5", "item": "PD-88121", "licence": "5 years worldwide",
            "fee": "£450.00", "invoice": "INV-2026-031", "status": "cleared", "line": 8
        }])
    );
    // The speaker of the cue under the span, though the row names none.
    assert_eq!(r["events"][1]["people"][0]["name"], "Jean Martin");
    let summary = &r["summary"];
    assert_eq!(summary["fees"], serde_json::json!([{"currency": "£", "total": "450.00", "items": 1}]));
    assert_eq!(summary["statuses"], serde_json::json!({"cleared": 1, "unknown": 1, "pending": 1, "refused": 1}));
    assert_eq!(
        summary["to_clear"],
        serde_json::json!([
            "Jean Martin: release pending",
            "C0002.MP4 Ana Ruiz: release refused",
            "SPEAKER 1: no release"
        ])
    );
    for key in ["source", "format", "as_of", "events", "unmatched", "skipped", "summary"] {
        assert!(r.get(key).is_some(), "{key}: {r}");
    }

    // CSV: the header, then one row per event, in order.
    let out = env.tmp.path().join("report.csv");
    let run = env.run(&[
        "clearances",
        "--selects",
        selects,
        "--format",
        "csv",
        "--as-of",
        "2026-03-20",
        "-o",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(run.status.code(), Some(1), "{run:?}");
    let mut reader = ::csv::Reader::from_path(&out).expect("csv");
    let header: Vec<String> = reader.headers().expect("header").iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "event",
            "line",
            "record_in",
            "record_out",
            "clip",
            "path",
            "source_in",
            "source_out",
            "duration",
            "status",
            "people",
            "forms",
            "restrictions",
            "vendor",
            "item",
            "licence",
            "fee",
            "invoice",
            "reasons"
        ]
    );
    let records: Vec<::csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let column = |name: &str| -> Vec<String> {
        let i = header.iter().position(|h| h == name).expect("column");
        records.iter().map(|r| r[i].to_string()).collect()
    };
    assert_eq!(column("status"), ["cleared", "pending", "refused", "unknown"]);
    assert_eq!(column("fee"), ["£450.00", "", "", ""]);
    assert_eq!(column("people")[1], "Jean Martin (pending)");
    // -o refuses to overwrite without --force.
    let again = env.run(&["clearances", "--selects", selects, "-o", out.to_str().expect("utf-8")]);
    assert_eq!(again.status.code(), Some(2));
}

/// Exit 0 when all is cleared, 1 when not, 2 on error: a file that is no
/// cut, a missing file, a bin that does not exist.
#[test]
fn clearances_exit_codes() {
    let env = env_with_log();
    report_of(&env, &["--query", "river"], 0);
    report_of(&env, &["--query", "boat"], 1);
    env.run(&["bins", "add", "act1", "C0001.MP4", "14:31:00;03", "14:31:00;27"]);
    report_of(&env, &["--bin", "act1"], 0);
    let not_a_cut = env.tmp.path().join("notes.txt");
    std::fs::write(&not_a_cut, "just words\n").expect("write");
    for args in [
        vec!["clearances", "--cut", not_a_cut.to_str().expect("utf-8")],
        vec!["clearances", "--cut", "/nonexistent/cut.edl"],
        vec!["clearances", "--bin", "no such bin"],
        vec!["clearances", "--query", "zzzzunfound"],
    ] {
        let run = env.run(&args);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {run:?}");
        assert!(String::from_utf8_lossy(&run.stderr).starts_with("rushes: error:"), "{run:?}");
    }
}

/// The log kept in Excel (`fixtures/releases/releases.xlsx`, made by
/// `make_xlsx.py`): found on its second sheet by its columns below a
/// title, Excel dates read as dates (the expiry flips), a cell's line
/// break read as a space, a bad row reported by its Excel row, a numeric
/// fee totalled.
#[test]
fn a_release_log_in_excel() {
    let env = Env::new();
    env.ingest(&dump());
    let xlsx = log("releases.xlsx");
    let report = env.json(&["import", "--json", &xlsx], 0);
    assert_eq!(report["release_log"]["rows"], 8, "{report}");
    let warnings = warnings(&report);
    assert_eq!(
        warnings,
        [format!(
            "{xlsx}:11: unknown status \"maybe\" (signed, cleared, pending, sent, refused, declined, restricted, \
             conditional...); kept as pending"
        )]
    );
    let on = |day: &str| bite(&env, &["\"everything went under\"", "--as-of", day])["clearance"]["status"].clone();
    assert_eq!((on("2026-06-30"), on("2026-07-01")), (Value::from("cleared"), Value::from("expired")));
    assert_eq!(
        bite(&env, &["bakery"])["clearance"]["reasons"],
        serde_json::json!(["A003C012_260314_R1AB.mov 14:31:10:00-14:31:10:12 restricted: not for use in advertising"])
    );
    assert_eq!(bite(&env, &["boat"])["clearance"]["status"], "pending");
    let selects = env.tmp.path().join("night.csv");
    std::fs::write(&selects, "clip,tc_in,tc_out\nNIGHT0001.MP4,23:59:59;00,23:59:59;50\n").expect("write");
    let r = report_of(&env, &["--selects", selects.to_str().expect("utf-8")], 0);
    assert_eq!(r["summary"]["fees"], serde_json::json!([{"currency": "", "total": "450.00", "items": 1}]));
    assert_eq!(r["events"][0]["items"][0]["invoice"], "INV-2026-031");
    // A file that is not a workbook is skipped and says why (and an
    // import that kept nothing exits 2, as for any other file).
    let plain = env.tmp.path().join("empty.xlsx");
    std::fs::write(&plain, b"PK not really a workbook").expect("write");
    let skipped = env.json(&["import", "--json", plain.to_str().expect("utf-8")], 2);
    assert!(
        skipped["sidecars_skipped"][0]["reason"].as_str().is_some_and(|r| r.starts_with("not a workbook")),
        "{skipped}"
    );
}
