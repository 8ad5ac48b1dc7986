//! Offload verification end to end (issue 17): ASC MHL histories made by
//! the ASC's reference implementation (`ascmhl create`, pinned in
//! `tests/readers/requirements.txt`), a legacy v1.1 list in ShotPut Pro's
//! shape, and broken hash lists; `ingest --verify[=all]` and `rushes
//! verify` against them, and against what `ascmhl` itself concludes. The
//! dump is never changed by rushes.

mod common;

use std::collections::BTreeSet;
use std::fs::OpenOptions;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Env, copy_tree, dump, snapshot};
use serde_json::Value;

/// `ascmhl` from the readers' venv.
fn ascmhl() -> PathBuf {
    common::venv::python().with_file_name("ascmhl")
}

/// Runs `ascmhl create DIR -h ALGO -v` and returns its output (it exits 0
/// even when verification fails, so the output is the verdict).
fn ascmhl_create(dir: &Path, algo: &str) -> String {
    let out = Command::new(ascmhl()).arg("create").arg(dir).args(["-h", algo, "-v"]).output().expect("run ascmhl");
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Two cameras' folders of the fixture dump.
fn small_dump(dst: &Path) {
    let src = dump().join("2026-03-14");
    copy_tree(&src.join("A001"), &dst.join("A001"));
    copy_tree(&src.join("B_CAM"), &dst.join("B_CAM"));
}

/// Flips one bit in the middle of `path`, keeping its size and mtime, as
/// silent corruption does.
fn flip_a_bit(path: &Path) {
    let before = std::fs::metadata(path).expect("metadata");
    let mut f = OpenOptions::new().read(true).write(true).open(path).expect("open");
    let mid = before.len() / 2;
    let mut byte = [0u8];
    f.seek(SeekFrom::Start(mid)).expect("seek");
    f.read_exact(&mut byte).expect("read");
    byte[0] ^= 0x01;
    f.seek(SeekFrom::Start(mid)).expect("seek");
    f.write_all(&byte).expect("write");
    let times = std::fs::FileTimes::new()
        .set_modified(before.modified().expect("mtime"))
        .set_accessed(before.accessed().expect("atime"));
    f.set_times(times).expect("set times");
    drop(f);
    let after = std::fs::metadata(path).expect("metadata");
    assert_eq!((after.len(), after.modified().ok()), (before.len(), before.modified().ok()));
}

fn by_name(clips: &[Value]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = clips
        .iter()
        .map(|c| (c["rel_path"].as_str().unwrap_or("").to_string(), c["verified"].as_str().unwrap_or("").to_string()))
        .collect();
    v.sort();
    v
}

/// `ERROR: hash mismatch for  PATH  …` lines of `ascmhl create`.
fn ascmhl_mismatches(out: &str) -> BTreeSet<String> {
    out.lines()
        .filter_map(|l| l.strip_prefix("ERROR: hash mismatch for"))
        .filter_map(|rest| rest.split_whitespace().next().map(String::from))
        .collect()
}

#[test]
fn an_ascmhl_history_matches_then_shows_the_flipped_and_the_missing_file() {
    let env = Env::new();
    let root = env.tmp.path().join("CARD_A");
    small_dump(&root);
    let first = ascmhl_create(&root, "xxh64");
    assert!(first.contains("Created new generation"), "{first}");
    let second = ascmhl_create(&root, "md5");
    assert!(second.contains("Created new generation") && !second.contains("ERROR"), "{second}");
    let before = snapshot(&root);

    // Every clip matches, checked with the strongest value listed (md5).
    let report = env.json(&["ingest", "--json", "--verify", root.to_str().unwrap()], 0);
    let v = &report["verify"];
    assert_eq!(v["hash_lists"], 2, "{v}");
    assert_eq!(v["diagnostics"], Value::Array(vec![]), "{v}");
    assert_eq!(v["missing"], Value::Array(vec![]), "{v}");
    let clips = env.clips();
    assert_eq!(clips.len(), 4);
    for c in &clips {
        assert_eq!(c["verified"], "match", "{c}");
        assert_eq!(c["hash"]["algo"], "md5", "{c}");
        assert_eq!(c["provenance"]["tool"], "ascmhl 1.2", "{c}");
        let mhl = c["provenance"]["mhl"].as_str().unwrap();
        assert!(mhl.contains("/CARD_A/ascmhl/0001_CARD_A_") && mhl.ends_with(".mhl"), "{mhl}");
    }
    // show carries the verdict and where it comes from.
    let shown = env.json(&["show", "--json", "A003C013_260314_R1AB.mov"], 0);
    let clip = if shown["clip"].is_object() { &shown["clip"] } else { &shown };
    assert_eq!(clip["verified"], "match", "{shown}");
    assert!(clip["provenance"]["mhl"].is_string(), "{shown}");
    // Nothing changed: `rushes verify` finds no drift.
    let quiet = env.json(&["verify", "--json"], 0);
    assert_eq!((quiet["checked"].as_u64(), quiet["unchanged"].as_u64()), (Some(4), Some(4)), "{quiet}");

    // One bit flipped, size and mtime kept: only a full read sees it.
    let flipped = root.join("B_CAM/A003C013_260314_R1AB.mov");
    flip_a_bit(&flipped);
    let drift = env.json(&["verify", "--json"], 2);
    let changed: Vec<&str> = drift["changed"].as_array().unwrap().iter().map(|d| d["path"].as_str().unwrap()).collect();
    assert_eq!(changed, [flipped.to_str().unwrap()], "{drift}");
    assert_eq!(drift["unchanged"], 3);
    // `--verify` alone does not re-read an unchanged file.
    let lazy = env.json(&["ingest", "--json", "--verify", root.to_str().unwrap()], 0);
    assert_eq!(lazy["verify"]["hashed"], 0, "{lazy}");
    let all = env.json(&["ingest", "--json", "--strict", "--verify=all", root.to_str().unwrap()], 2);
    assert_eq!(all["verify"]["hashed"], 4, "{all}");
    let want = vec![
        ("A001/PRIVATE/M4ROOT/CLIP/C0001.MP4".to_string(), "match".to_string()),
        ("A001/PRIVATE/M4ROOT/CLIP/C0002.MP4".into(), "match".into()),
        ("B_CAM/A003C012_260314_R1AB.mov".into(), "match".into()),
        ("B_CAM/A003C013_260314_R1AB.mov".into(), "mismatch".into()),
    ];
    assert_eq!(by_name(&env.clips()), want);
    let failed: Vec<&str> = all["failures"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(failed, [flipped.to_str().unwrap()], "{all}");
    // Search hits carry the verdict and the list that vouches for the clip,
    // and the human forms say which copy is not the offloaded one.
    let found = env.json(&["search", "--json", "A003C013"], 0);
    let hit = &found[0];
    assert_eq!(hit["clip"], "A003C013_260314_R1AB.mov", "{found}");
    assert_eq!(hit["verified"], "mismatch", "{hit}");
    assert!(hit["provenance"]["mhl"].as_str().unwrap().contains("/CARD_A/ascmhl/0001_CARD_A_"), "{hit}");
    let good = env.json(&["search", "--json", "A003C012"], 0);
    assert_eq!(good[0]["verified"], "match", "{good}");
    let text = String::from_utf8(env.run(&["search", "A003C013"]).stdout).unwrap();
    assert!(text.contains("NOT THE OFFLOADED COPY"), "{text}");
    let text = String::from_utf8(env.run(&["search", "A003C012"]).stdout).unwrap();
    assert!(!text.contains("OFFLOADED") && !text.contains("hash list"), "{text}");
    let shown = String::from_utf8(env.run(&["show", "A003C013_260314_R1AB.mov"]).stdout).unwrap();
    let line = shown.lines().find(|l| l.starts_with("verified: ")).unwrap_or_else(|| panic!("{shown}"));
    assert!(
        line.starts_with("verified: mismatch (md5 ") && line.contains("by ascmhl 1.2") && line.ends_with(".mhl"),
        "{line}"
    );

    // The reference implementation agrees, file by file (run on a copy:
    // `ascmhl create` writes a generation).
    let copy = env.tmp.path().join("copy/CARD_A");
    copy_tree(&root, &copy);
    let theirs = ascmhl_create(&copy, "md5");
    let ours: BTreeSet<String> =
        by_name(&env.clips()).into_iter().filter(|(_, v)| v == "mismatch").map(|(p, _)| p).collect();
    let theirs_cataloged: BTreeSet<String> =
        ascmhl_mismatches(&theirs).into_iter().filter(|p| !p.contains("link_to")).collect();
    assert_eq!(ours, theirs_cataloged, "{theirs}");
    for (path, verdict) in by_name(&env.clips()).iter().filter(|(_, v)| v == "match") {
        assert!(
            theirs.lines().any(|l| l.contains("verified") && l.contains(path.as_str()) && l.ends_with("OK")),
            "{path} {verdict}: {theirs}"
        );
    }

    // A deleted file is missing, for the ingest and for `rushes verify`.
    let gone = root.join("A001/PRIVATE/M4ROOT/CLIP/C0002.MP4");
    std::fs::remove_file(&gone).unwrap();
    let after_delete = snapshot(&root);
    let again = env.json(&["ingest", "--json", "--verify", root.to_str().unwrap()], 0);
    assert_eq!(again["verify"]["missing"], serde_json::json!([gone.to_str().unwrap()]), "{again}");
    assert!(
        again["failures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == gone.to_str().unwrap() && f["reason"].as_str().unwrap().starts_with("missing"))
    );
    let drift = env.json(&["verify", "--json"], 2);
    let missing: Vec<&str> = drift["missing"].as_array().unwrap().iter().map(|d| d["path"].as_str().unwrap()).collect();
    assert_eq!(missing, [gone.to_str().unwrap()], "{drift}");

    // rushes wrote nothing into the dump at any step.
    let mut expected = before;
    expected.remove(&gone);
    let now = snapshot(&root);
    assert_eq!(now, after_delete);
    assert_eq!(now.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>());
}

/// `md5sum`/`xxhsum` of a file, the independent values for the v1.1 list.
fn tool_hash(tool: &str, args: &[&str], path: &Path) -> String {
    let out = Command::new(tool).args(args).arg(path).output().unwrap_or_else(|e| panic!("{tool}: {e}"));
    assert!(out.status.success(), "{tool}");
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap_or("").to_string()
}

#[test]
fn a_legacy_v1_1_list_in_shotput_pros_shape_is_checked() {
    let env = Env::new();
    let root = env.tmp.path().join("A001");
    small_dump(&root);
    let c1 = root.join("A001/PRIVATE/M4ROOT/CLIP/C0001.MP4");
    let c2 = root.join("A001/PRIVATE/M4ROOT/CLIP/C0002.MP4");
    let md5 = tool_hash("md5sum", &[], &c1);
    let xxh = tool_hash("xxhsum", &["-H64"], &c2);
    // ShotPut Pro writes one list per offload at the destination's root,
    // `<card>_<date>.mhl`, MHL 1.1 with `xxhash64be`/`md5` and hash dates.
    let size = |p: &Path| std::fs::metadata(p).unwrap().len();
    let list = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<hashlist version="1.1">
  <creatorinfo>
    <name>Sam Loader</name>
    <username>sam</username>
    <hostname>DIT-MBP.local</hostname>
    <tool>ShotPut Pro 2019.1.2</tool>
    <startdate>2019-03-14T10:00:00Z</startdate>
    <finishdate>2019-03-14T10:05:00Z</finishdate>
  </creatorinfo>
  <hash>
    <file>A001/PRIVATE/M4ROOT/CLIP/C0001.MP4</file>
    <size>{}</size>
    <lastmodificationdate>2019-03-14T09:00:00Z</lastmodificationdate>
    <md5>{md5}</md5>
    <hashdate>2019-03-14T10:01:00Z</hashdate>
  </hash>
  <hash>
    <file>A001/PRIVATE/M4ROOT/CLIP/C0002.MP4</file>
    <size>{}</size>
    <xxhash64be>{xxh}</xxhash64be>
    <hashdate>2019-03-14T10:01:00Z</hashdate>
  </hash>
  <hash>
    <file>B_CAM/A003C012_260314_R1AB.mov</file>
    <size>{}</size>
    <xxhash64be>0123456789abcdef</xxhash64be>
    <hashdate>2019-03-14T10:01:00Z</hashdate>
  </hash>
</hashlist>
"#,
        size(&c1),
        size(&c2),
        size(&root.join("B_CAM/A003C012_260314_R1AB.mov"))
    );
    std::fs::write(root.join("A001_2019-03-14_100500.mhl"), list).unwrap();
    let before = snapshot(&root);
    let report = env.json(&["ingest", "--json", "--verify", root.to_str().unwrap()], 0);
    assert_eq!(report["verify"]["hash_lists"], 1, "{report}");
    let want = vec![
        ("A001/PRIVATE/M4ROOT/CLIP/C0001.MP4".to_string(), "match".to_string()),
        ("A001/PRIVATE/M4ROOT/CLIP/C0002.MP4".into(), "match".into()),
        ("B_CAM/A003C012_260314_R1AB.mov".into(), "mismatch".into()),
        ("B_CAM/A003C013_260314_R1AB.mov".into(), "not_in_mhl".into()),
    ];
    let clips = env.clips();
    assert_eq!(by_name(&clips), want);
    let c1 = clips.iter().find(|c| c["name"] == "C0001.MP4").unwrap();
    assert_eq!(c1["hash"], serde_json::json!({"algo": "md5", "value": md5}));
    assert_eq!(c1["provenance"]["tool"], "ShotPut Pro 2019.1.2");
    assert_eq!(c1["provenance"]["author"], "Sam Loader");
    assert_eq!(c1["provenance"]["host"], "DIT-MBP.local");
    assert_eq!(c1["provenance"]["date"], "2019-03-14T10:05:00Z");
    // Not in a list: hashed with xxh64, as xxhsum does.
    let c13 = clips.iter().find(|c| c["name"] == "A003C013_260314_R1AB.mov").unwrap();
    let xxh13 = tool_hash("xxhsum", &["-H64"], &root.join("B_CAM/A003C013_260314_R1AB.mov"));
    assert_eq!(c13["hash"], serde_json::json!({"algo": "xxh64", "value": xxh13}));
    // The list is neither a clip nor a transcript.
    assert_eq!(clips.len(), 4);
    assert_eq!(snapshot(&root), before);
}

#[test]
fn broken_hash_lists_are_reported_by_file_and_line_and_the_rest_is_kept() {
    let env = Env::new();
    let root = env.tmp.path().join("CARD_B");
    small_dump(&root);
    ascmhl_create(&root, "xxh64");
    // A generation edited after it was written no longer has its chain's c4.
    let generation = std::fs::read_dir(root.join("ascmhl"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "mhl"))
        .unwrap();
    let mut f = OpenOptions::new().append(true).open(&generation).unwrap();
    writeln!(f, "<!-- edited -->").unwrap();
    drop(f);
    let c1 = tool_hash("md5sum", &[], &root.join("A001/PRIVATE/M4ROOT/CLIP/C0001.MP4"));
    std::fs::write(
        root.join("odd.mhl"),
        format!(
            "<hashlist version=\"1.1\">\n\
             <hash><file>../../outside.mov</file><md5>{c1}</md5></hash>\n\
             <hash><file>A001/PRIVATE/M4ROOT/CLIP/C0001.MP4</file><sha256>00</sha256></hash>\n\
             <hash><file>B_CAM/A003C012_260314_R1AB.mov</file><md5>{c1}</md5></hash>\n\
             <hash><file>B_CAM/A003C012_260314_R1AB.mov</file><md5>{c1}</md5></hash>\n\
             </hashlist>\n"
        ),
    )
    .unwrap();
    std::fs::write(root.join("cut.mhl"), "<hashlist version=\"1.1\">\n<hash><file>x.mov</file>\n<md5>").unwrap();
    let before = snapshot(&root);
    let report = env.json(&["ingest", "--json", "--verify", root.to_str().unwrap()], 0);
    let diags: Vec<String> = report["verify"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let src = d["source"].as_str().unwrap();
            let name = src.rsplit('/').next().unwrap();
            format!("{name}:{} {}", d["line"], d["reason"].as_str().unwrap())
        })
        .collect();
    let has = |prefix: &str, words: &str| diags.iter().any(|d| d.starts_with(prefix) && d.contains(words));
    assert!(has("ascmhl_chain.xml:3 ", "changed after it was written"), "{diags:#?}");
    assert!(has("odd.mhl:2 ", "points outside the dump"), "{diags:#?}");
    assert!(has("odd.mhl:3 ", "unknown hash algorithm <sha256>"), "{diags:#?}");
    assert!(has("odd.mhl:5 ", "listed twice (first at line 4)"), "{diags:#?}");
    assert!(has("cut.mhl:", "malformed XML") || has("cut.mhl:3 ", "ends inside"), "{diags:#?}");
    // The rest is kept: the history's values and the odd list's good line.
    let clips = env.clips();
    let verdict =
        |name: &str| clips.iter().find(|c| c["name"] == name).unwrap()["verified"].as_str().unwrap().to_string();
    assert_eq!(verdict("C0001.MP4"), "match");
    assert_eq!(verdict("C0002.MP4"), "match");
    // The odd list's md5 for A003C012 is C0001's: a mismatch.
    assert_eq!(verdict("A003C012_260314_R1AB.mov"), "mismatch");
    assert_eq!(snapshot(&root), before);
}
