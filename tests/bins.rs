//! Selects bins from the shell: `rushes bins add/remove`, `rushes bins
//! [NAME] [--json]`, and `rushes export --bin NAME`, on the fixture dump.
//! A bin's select keeps the clip's own labels (drop-frame `;`), its order
//! is the export's, and a select whose clip is gone stops the export by
//! name.

mod common;

use common::{Env, dump};
use serde_json::Value;

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The source in and out labels of each event of an EDL, in order.
fn edl_sources(edl: &str) -> Vec<(String, String)> {
    edl.lines()
        .filter(|l| l.as_bytes().first().is_some_and(u8::is_ascii_digit))
        .map(|l| {
            let fields: Vec<&str> = l.split_whitespace().collect();
            let n = fields.len();
            (fields[n - 4].to_string(), fields[n - 3].to_string())
        })
        .collect()
}

#[test]
fn a_bin_from_the_shell_exports_in_its_order() {
    let env = Env::new();
    env.ingest(&dump());

    // 29.97 DF: typed with `:`, kept as the clip labels it.
    let first = env.json(
        &["bins", "add", "Act 1", "C0001.MP4", "14:31:00:02", "14:31:01:00", "--comment", "the reveal", "--json"],
        0,
    );
    assert_eq!((first["id"].as_u64(), first["tc_in"].as_str()), (Some(1), Some("14:31:00;02")), "{first}");
    assert_eq!((first["tc_out"].as_str(), first["comment"].as_str()), (Some("14:31:01;00"), Some("the reveal")));
    let out = env.run(&["bins", "add", "Act 1", "A003C013", "14:40:00:10", "14:40:01:00"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("Act 1: select 2 A003C013_260314_R1AB.mov 14:40:00:10 - 14:40:01:00"));

    let refused = env.run(&["bins", "add", "Act 1", "C0001.MP4", "14:40:00:00", "14:40:01:00"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr_of(&refused).contains("tc_in 14:40:00;00 is outside the clip (14:30:59;28 - "),
        "{}",
        stderr_of(&refused)
    );
    let dropped = env.run(&["bins", "add", "Act 1", "C0001.MP4", "14:31:00;00", "14:31:01:00"]);
    assert!(stderr_of(&dropped).contains("not a drop-frame label"), "{}", stderr_of(&dropped));

    let all = env.json(&["bins", "--json"], 0);
    let ids: Vec<u64> =
        all[0]["selects"].as_array().expect("selects").iter().filter_map(|s| s["id"].as_u64()).collect();
    assert_eq!((all.as_array().map(Vec::len), all[0]["name"].as_str(), ids), (Some(1), Some("Act 1"), vec![1, 2]));
    assert_eq!(env.json(&["bins", "Act 1", "--json"], 0)["name"], "Act 1", "one bin is an object");

    let table = stdout_of(&env.run(&["bins", "Act 1"]));
    assert!(table.starts_with("bin    #  clip"), "{table}");
    assert!(table.contains("14:31:00;02  14:31:01;00  00:00:00:28  the reveal"), "{table}");
    assert!(table.contains("14:40:00:10  14:40:01:00  00:00:00:15"), "{table}");

    let edl = env.run(&["export", "--bin", "Act 1", "--format", "edl", "--handles", "2f"]);
    assert_eq!(edl.status.code(), Some(0), "{}", stderr_of(&edl));
    let text = stdout_of(&edl);
    let names: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("* FROM CLIP NAME:")).map(str::trim).collect();
    assert_eq!(names, ["C0001.MP4", "A003C013_260314_R1AB.mov"], "the bin's order: {text}");
    // Two frames before ;02 at minute 31 is the previous second's ;28.
    let first = edl_sources(&text).into_iter().next();
    assert_eq!(first, Some(("14:30:59;28".to_string(), "14:31:01;02".to_string())), "{text}");
    assert!(stdout_of(&edl).contains("the reveal"));

    // Ids are not reused; the bin's order is the export's.
    assert_eq!(env.run(&["bins", "remove", "Act 1", "1"]).status.code(), Some(0));
    env.json(&["bins", "add", "Act 1", "C0001.MP4", "14:31:00:02", "14:31:01:00", "--json"], 0);
    let after: Value = env.json(&["bins", "Act 1", "--json"], 0);
    let ids: Vec<u64> = after["selects"].as_array().expect("selects").iter().filter_map(|s| s["id"].as_u64()).collect();
    assert_eq!(ids, [2, 3]);
    let csv = stdout_of(&env.run(&["export", "--bin", "Act 1", "--format", "csv"]));
    let at = |name: &str| csv.find(name).unwrap_or_else(|| panic!("{name} in {csv}"));
    assert!(at("A003C013_260314_R1AB.mov") < at("C0001.MP4"), "the bin's order, not timecode order: {csv}");
    let gone = env.run(&["bins", "remove", "Act 1", "1"]);
    assert!(stderr_of(&gone).contains("bin \"Act 1\" has no select 1"), "{}", stderr_of(&gone));

    // A select whose clip left the library stops the export, by name.
    env.json(&["forget", "A003C013_260314_R1AB.mov", "--json"], 0);
    let stopped = env.run(&["export", "--bin", "Act 1", "--format", "edl"]);
    assert_eq!(stopped.status.code(), Some(2));
    let said = stderr_of(&stopped);
    assert!(
        said.contains("bin \"Act 1\" select 2 (A003C013_260314_R1AB.mov 14:40:00:10): its clip is no longer"),
        "{said}"
    );
    assert!(stdout_of(&stopped).is_empty());

    let none = env.run(&["export", "--bin", "Nope", "--format", "edl"]);
    assert!(stderr_of(&none).contains("no bin \"Nope\""), "{}", stderr_of(&none));
    let both = env.run(&["export", "--bin", "Act 1", "--selects", "x.csv", "--format", "edl"]);
    assert_eq!(both.status.code(), Some(2), "--bin and --selects are one or the other");
}

#[test]
fn a_corrupt_bins_file_is_reported_and_kept() {
    let env = Env::new();
    env.ingest(&dump());
    let path = env.library().join("bins.json");
    std::fs::write(&path, "{\"version\": 1, \"bins\": [}").expect("write");
    for args in [&["bins"][..], &["bins", "add", "b", "PLAIN", "00:00:00:00", "00:00:00:05"]] {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr_of(&out).contains("bins.json:1:25: the bins file does not read"), "{}", stderr_of(&out));
    }
    assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("{\"version\": 1, \"bins\": [}"));
}
