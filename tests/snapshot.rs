//! What a user sees, recorded on `fixtures/dump` before the library API
//! redesign (#12) and held still through it: the ingest and import reports,
//! `clips --json`, `show --json` of three clips, ten searches, and every
//! export format of two selects lists. A refactor that changes any of it
//! fails here with the first differing line.
//!
//! The snapshot is `tests/golden/snapshot.txt`; `RUSHES_BLESS=1` rewrites it
//! (only for a change of behaviour that an issue asks for). What differs
//! between checkouts is replaced before comparing: the fixture folder and
//! the temp folder by `$DUMP` and `$TMP`, clip ids (a hash of the absolute
//! path) by `@` and the clip's path in the dump, other 16-hex-digit hashes
//! by `#hash`, and file times and scores by 0.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{Env, dump};
use serde_json::Value;

/// Ten searches across the query language and the filters.
const SEARCHES: [&[&str]; 10] = [
    &["river"],
    &["\"came up\""],
    &["maria"],
    &["speaker:maria"],
    &["flood", "--kind", "note"],
    &["night*"],
    &["dor~1"],
    &["the", "--camera", "C"],
    &["C0*", "--kind", "clip"],
    &["river OR boat OR church", "--day", "2026-03-14", "--context", "1"],
];

/// The second selects list, written as an AP would: clip names and
/// timecodes in the clips' own labelling, one with a comment.
const SELECTS_CSV: &str = "clip,tc_in,tc_out,comment\n\
C0001.MP4,14:31:00;03,14:31:01;10,the river bite\n\
A003C012_260314_R1AB.mov,14:31:10:06,14:31:11:12,\n\
GX010042.MP4,14:32:00:10,14:32:01:30,boat\n\
T001.WAV,14:31:05:05,14:31:05:20,wild track\n";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// One command's output, as it goes into the snapshot.
fn section(out: &mut String, title: &str, run: &std::process::Output) {
    out.push_str(&format!("=== {title} (exit {})\n", run.status.code().unwrap_or(-1)));
    let stdout = text(&run.stdout);
    match serde_json::from_str::<Value>(&stdout) {
        Ok(mut v) => {
            zero_times(&mut v);
            out.push_str(&serde_json::to_string_pretty(&v).expect("json"));
            out.push('\n');
        }
        Err(_) => out.push_str(&stdout),
    }
    let stderr = text(&run.stderr);
    if !stderr.is_empty() {
        out.push_str("--- stderr\n");
        out.push_str(&stderr);
    }
}

/// File times differ between checkouts, and BM25 scores with how the
/// index happened to split into segments (the order of hits is kept);
/// their presence does not.
fn zero_times(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, x) in map.iter_mut() {
                if (k == "mtime_ns" || k == "score") && x.is_number() {
                    *x = Value::from(0);
                } else {
                    zero_times(x);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(zero_times),
        _ => {}
    }
}

/// Replaces what depends on where the checkout and the temp folder are.
fn normalise(raw: &str, ids: &BTreeMap<String, String>, dump: &str, tmp: &str) -> String {
    let mut s = raw.replace(dump, "$DUMP").replace(tmp, "$TMP");
    for (id, rel) in ids {
        s = s.replace(id.as_str(), &format!("@{rel}"));
    }
    // Any other 16-hex-digit token (source ids, content hashes).
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let hex = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
        let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
        let starts = i == 0 || !word(chars[i - 1]);
        if starts && i + 16 <= chars.len() && chars[i..i + 16].iter().all(|&c| hex(c)) {
            let ends = i + 16 == chars.len() || !word(chars[i + 16]);
            if ends && chars[i..i + 16].iter().any(|c| c.is_ascii_alphabetic()) {
                out.push_str("#hash");
                i += 16;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[test]
fn what_users_see_on_the_fixture_dump_is_unchanged() {
    let env = Env::new();
    let mut out = String::new();
    let tmp = env.tmp.path();
    let dump_root = dump();
    let dump_str = dump_root.to_str().expect("utf-8 path");

    let ingest = env.run(&["ingest", dump_str, "--json"]);
    section(&mut out, "ingest fixtures/dump --json", &ingest);
    let again = env.run(&["ingest", dump_str, "--json"]);
    section(&mut out, "ingest fixtures/dump --json (again)", &again);

    // A transcript the AP receives later, for a clip that has none.
    let srt = tmp.join("C0002 interview.srt");
    std::fs::write(&srt, "1\n00:00:00,200 --> 00:00:01,000\nWe left the boat by the church.\n\n2\n00:00:01,000 --> 00:00:01,900\nJOHN: And then it rained.\n").expect("write srt");
    let import = env.run(&["import", srt.to_str().expect("utf-8"), "--clip", "C0002.MP4", "--json"]);
    section(&mut out, "import 'C0002 interview.srt' --clip C0002.MP4 --json", &import);
    let notes = tmp.join("later_notes.csv");
    std::fs::write(
        &notes,
        "Date,TC In,Cam,Note\n2026-03-14,14:40:00:10,B,pan across the square\n,14:99:00:00,B,bad time\n",
    )
    .expect("write notes");
    let import = env.run(&["import", notes.to_str().expect("utf-8"), "--json"]);
    section(&mut out, "import later_notes.csv --json", &import);

    let clips = env.run(&["clips", "--json"]);
    section(&mut out, "clips --json", &clips);
    for clip in ["C0001.MP4", "A003C012_260314_R1AB.mov", "NIGHT0001.MP4"] {
        section(&mut out, &format!("show {clip} --json"), &env.run(&["show", clip, "--json"]));
    }
    for query in SEARCHES {
        let mut args = vec!["search"];
        args.extend_from_slice(query);
        args.push("--json");
        section(&mut out, &args[1..].join(" "), &env.run(&args));
    }

    let selects = tmp.join("selects.csv");
    std::fs::write(&selects, SELECTS_CSV).expect("write selects");
    let selects = selects.to_str().expect("utf-8");
    for format in ["edl", "fcpxml", "xmeml", "ale", "otio", "csv"] {
        let by_query = env.run(&["export", "--query", "river OR door OR boat", "--format", format, "--handles", "5f"]);
        section(&mut out, &format!("export --query 'river OR door OR boat' --format {format} --handles 5f"), &by_query);
        let from_csv = env.run(&["export", "--selects", selects, "--format", format, "--fps", "25"]);
        section(&mut out, &format!("export --selects selects.csv --format {format} --fps 25"), &from_csv);
    }

    let listed: Value = serde_json::from_slice(&clips.stdout).expect("clips --json");
    let ids: BTreeMap<String, String> = listed
        .as_array()
        .expect("clips array")
        .iter()
        .map(|c| (c["id"].as_str().unwrap_or("").to_string(), c["rel_path"].as_str().unwrap_or("").to_string()))
        .collect();
    let got = normalise(&out, &ids, dump_str, tmp.to_str().expect("utf-8"));

    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/snapshot.txt");
    if std::env::var("RUSHES_BLESS").as_deref() == Ok("1") {
        std::fs::write(&golden, &got).expect("bless snapshot");
        return;
    }
    let want = std::fs::read_to_string(&golden).expect("tests/golden/snapshot.txt (RUSHES_BLESS=1 writes it)");
    if got != want {
        let at = got
            .lines()
            .zip(want.lines())
            .position(|(g, w)| g != w)
            .unwrap_or(got.lines().count().min(want.lines().count()));
        let line = |s: &str| s.lines().nth(at).unwrap_or("<end>").to_string();
        let section = want.lines().take(at + 1).filter(|l| l.starts_with("=== ")).last().unwrap_or("").to_string();
        panic!(
            "what users see changed at line {} ({section}):\n  want: {}\n  got:  {}\n(RUSHES_BLESS=1 rewrites tests/golden/snapshot.txt when an issue asks for the change)",
            at + 1,
            line(&want),
            line(&got)
        );
    }
}
