//! A card folder that moves keeps its clips, ids and words (#11 point 7):
//! an ingest of the new place relinks them, `rushes relink` does it by
//! hand, and `rushes forget` removes clips or a transcript from the
//! library (never from the disk).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{Env, copy_tree, dump, snapshot};
use serde_json::Value;

fn by_name(clips: &[Value]) -> BTreeMap<String, Value> {
    clips.iter().map(|c| (c["name"].as_str().expect("name").to_string(), c.clone())).collect()
}

fn text(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A card dump: the Sony card A001 (C0001.MP4, C0002.MP4), C0001's
/// transcript (two cues: "That night the river" / "came up to the door.")
/// and the AP's text log, whose line 2 (`14:31:01;00 [A] Maria describes
/// the flood`) lands on C0001.
fn card_dump(parent: &Path) -> PathBuf {
    let src = dump().join("2026-03-14");
    let day = parent.join("2026-03-14");
    copy_tree(&src.join("A001"), &day.join("A001"));
    for rel in ["TRANSCRIPTS/C0001.srt", "NOTES/ap_log.txt"] {
        std::fs::create_dir_all(day.join(rel).parent().expect("parent")).expect("mkdir");
        std::fs::copy(src.join(rel), day.join(rel)).expect("copy");
    }
    day
}

/// Hits of a search, by kind, with the clip path each names.
fn hits(env: &Env, args: &[&str]) -> Vec<(String, String)> {
    let mut full = vec!["search", "--json"];
    full.extend(args);
    let out = env.run(&full);
    match out.status.code() {
        Some(1) => Vec::new(),
        _ => common::json_of(&out, 0, &format!("{full:?}"))
            .as_array()
            .expect("hits")
            .iter()
            .map(|h| (h["kind"].as_str().unwrap_or("").to_string(), h["path"].as_str().unwrap_or("").to_string()))
            .collect(),
    }
}

/// `mv dump2 dump2moved` and an ingest of the new place: every clip is
/// there once, with its old id and new path, its transcript and notes
/// found once, and the report lists the relinked clips.
#[test]
fn a_moved_card_is_relinked_not_duplicated() {
    let env = Env::new();
    let old = env.tmp.path().join("dump2");
    card_dump(&old);
    env.ingest(&old);
    let before = by_name(&env.clips());
    assert_eq!(before.len(), 2);

    let new = env.tmp.path().join("dump2moved");
    std::fs::rename(&old, &new).expect("mv");
    let report = env.ingest(&new);
    assert_eq!(report["clips_added"], 0, "{report}");
    let relinked = report["clips_relinked"].as_array().expect("clips_relinked");
    assert_eq!(relinked.len(), 2, "{report}");

    let after = by_name(&env.clips());
    assert_eq!(after.len(), 2, "one clip per file: {after:?}");
    for (name, clip) in &after {
        let rel = format!("2026-03-14/A001/PRIVATE/M4ROOT/CLIP/{name}");
        let (old_path, new_path) = (text(&old.join(&rel)).to_string(), text(&new.join(&rel)).to_string());
        assert_eq!(clip["id"], before[name]["id"], "{name} keeps its id");
        assert_eq!(clip["path"], new_path.as_str(), "{name}");
        assert_eq!(clip["offline"], false, "{name}");
        let listed = relinked.iter().find(|r| r["id"] == clip["id"]).unwrap_or_else(|| panic!("{name}: {report}"));
        assert_eq!(listed["from"], old_path.as_str());
        assert_eq!(listed["path"], new_path.as_str());
    }
    let c0001 = text(&new.join("2026-03-14/A001/PRIVATE/M4ROOT/CLIP/C0001.MP4")).to_string();
    assert_eq!(after["C0001.MP4"]["segments"], 2);
    assert_eq!(after["C0001.MP4"]["notes"], 1);
    assert_eq!(hits(&env, &["river"]), vec![("soundbite".to_string(), c0001.clone())]);
    assert_eq!(hits(&env, &["flood", "--kind", "note"]), vec![("note".to_string(), c0001)]);

    // The human summary says it too.
    let back = env.tmp.path().join("dump2back");
    std::fs::rename(&new, &back).expect("mv");
    let out = env.run(&["ingest", text(&back)]);
    common::expect_code(&out, 0, "ingest");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("2 relinked"), "{stdout}");
    assert!(
        stdout.contains(&format!("was {}", text(&new.join("2026-03-14/A001/PRIVATE/M4ROOT/CLIP/C0001.MP4")))),
        "{stdout}"
    );
}

/// An ingest of a folder that has gone says which clips the library has
/// under it and how to relink or forget them; `rushes relink OLD NEW`
/// moves the whole card, keeping ids and words.
#[test]
fn relink_moves_a_whole_card() {
    let env = Env::new();
    let old = env.tmp.path().join("cards/dump2");
    card_dump(&old);
    env.ingest(&old);
    let before = by_name(&env.clips());
    let new = env.tmp.path().join("archive/dump2");
    std::fs::create_dir_all(new.parent().expect("parent")).expect("mkdir");
    std::fs::rename(&old, &new).expect("mv");

    let out = env.run(&["ingest", text(&old)]);
    common::expect_code(&out, 2, "ingest of a folder that has gone");
    let stderr = String::from_utf8_lossy(&out.stderr);
    for want in ["C0001.MP4", "C0002.MP4", "2 clips", "rushes relink", "rushes forget --root"] {
        assert!(stderr.contains(want), "{want:?} in {stderr}");
    }

    let report = env.json(&["relink", "--json", text(&old), text(&new)], 0);
    assert_eq!(report["clips_relinked"].as_array().map(Vec::len), Some(2), "{report}");
    let after = by_name(&env.clips());
    assert_eq!(after.len(), 2);
    for (name, clip) in &after {
        assert_eq!(clip["id"], before[name]["id"], "{name}");
        let want = new.join(format!("2026-03-14/A001/PRIVATE/M4ROOT/CLIP/{name}"));
        assert_eq!(clip["path"], text(&want), "{name}");
        assert_eq!(clip["root"], text(&new), "{name}");
    }
    assert_eq!(after["C0001.MP4"]["segments"], 2);
    let c0001 = text(&new.join("2026-03-14/A001/PRIVATE/M4ROOT/CLIP/C0001.MP4")).to_string();
    assert_eq!(hits(&env, &["river"]), vec![("soundbite".to_string(), c0001)]);
    // The transcript is now known at its new place: ingesting the new
    // place adds nothing.
    let again = env.ingest(&new);
    assert_eq!((again["clips_added"].clone(), again["segments"].clone()), (0.into(), 0.into()), "{again}");
    assert_eq!(again["sources_unchanged"], 2, "{again}");
}

/// `rushes forget --transcript FILE` removes what a transcript brought and
/// updates its clip's counts; `rushes forget CLIP` and `--root DIR` remove
/// clips and their words from the library, never a file.
#[test]
fn forget_removes_from_the_library_only() {
    let env = Env::new();
    let tmp = env.tmp.path().join("dump2");
    let day = card_dump(&tmp);
    env.ingest(&tmp);
    let on_disk = snapshot(&tmp);
    let srt = day.join("TRANSCRIPTS/C0001.srt");

    let out = env.json(&["forget", "--json", "--transcript", text(&srt)], 0);
    assert_eq!(out["sources_forgotten"].as_array().map(Vec::len), Some(1), "{out}");
    let clips = by_name(&env.clips());
    assert_eq!(clips["C0001.MP4"]["segments"], 0);
    assert_eq!(clips["C0001.MP4"]["notes"], 1);
    assert_eq!(hits(&env, &["river"]), vec![]);
    assert_eq!(hits(&env, &["flood", "--kind", "note"]).len(), 1);

    let out = env.json(&["forget", "--json", "C0002.MP4"], 0);
    assert_eq!(out["clips_forgotten"].as_array().map(Vec::len), Some(1), "{out}");
    assert_eq!(by_name(&env.clips()).keys().collect::<Vec<_>>(), ["C0001.MP4"]);

    let out = env.json(&["forget", "--json", "--root", text(&tmp)], 0);
    assert_eq!(out["clips_forgotten"].as_array().map(Vec::len), Some(1), "{out}");
    assert_eq!(env.clips(), Vec::<Value>::new());
    assert_eq!(hits(&env, &["flood"]), vec![]);
    assert_eq!(snapshot(&tmp), on_disk, "nothing on disk changed");

    let unknown = env.run(&["forget", "NOSUCH.MP4"]);
    common::expect_code(&unknown, 2, "forget of an unknown clip");
}
