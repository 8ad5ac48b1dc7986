//! Libraries made by an older rushes still open (tantivy's `compat_tests`
//! habit). `fixtures/library-v3/` was made by the schema-3 binary from
//! `fixtures/dump` (see `fixtures/README.md`); this test copies it to a temp
//! folder (fixtures are never modified) and asks today's binary for the
//! catalog, shot logs and searches, which must be what a fresh ingest of the
//! same dump gives: no clip and no word lost. Opening it converts it to
//! schema 4 (the compact transcript store) once, and says so.
//!
//! The old library recorded the dump at the absolute path it had when it
//! was made, and clip ids hash that path; so paths are compared with the
//! dump's root taken off, ids through the clip they name, and file times
//! and BM25 scores (which depend on how the index split into segments) not
//! at all.

mod common;

use std::collections::BTreeMap;

use common::{Env, copy_tree, dump};
use serde_json::Value;

/// The last two find only across C0001's two cues ("That night the river"
/// / "came up to the door."): a phrase, and words AND-ed.
const SEARCHES: [&[&str]; 7] = [
    &["river"],
    &["\"came up\""],
    &["speaker:maria"],
    &["flood", "--kind", "note"],
    &["C0*", "--kind", "clip"],
    &["\"river came\""],
    &["night", "door", "speaker:maria"],
];

/// One library's view, made independent of where its dump was.
struct View<'a> {
    env: &'a Env,
    /// The dump's root as the library recorded it.
    root: String,
    /// Clip id → its path inside the dump.
    ids: BTreeMap<String, String>,
}

impl View<'_> {
    fn of(env: &Env) -> View<'_> {
        let clips = env.clips();
        let root = clips.first().and_then(|c| c["root"].as_str()).expect("a clip with a root").to_string();
        let ids = clips
            .iter()
            .map(|c| (c["id"].as_str().expect("id").to_string(), c["rel_path"].as_str().expect("rel").to_string()))
            .collect();
        View { env, root, ids }
    }

    fn json(&self, args: &[&str], code: i32) -> Value {
        let mut v = self.env.json(args, code);
        self.neutral(&mut v);
        v
    }

    fn neutral(&self, v: &mut Value) {
        match v {
            Value::Object(map) => {
                for (k, x) in map.iter_mut() {
                    if k == "mtime_ns" || k == "score" {
                        *x = Value::Null;
                    } else {
                        self.neutral(x);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|x| self.neutral(x)),
            Value::String(s) => {
                if let Some(rel) = self.ids.get(s.as_str()) {
                    *s = format!("@{rel}");
                } else {
                    *s = s.replace(&self.root, "$DUMP");
                }
            }
            _ => {}
        }
    }
}

/// The one clip a newer reader describes better than the old library's
/// record (which is kept until its file changes): `interview.mkv`, read by
/// symphonia then (no video rate, Opus as codec `0x1001`) and by our EBML
/// walker now (25 fps, so an end TC and a frame count). Exactly those
/// fields may differ, each from exactly the old value to the new one;
/// the old record then takes the new values so the rest is compared whole.
fn read_anew_since(old: &mut Value, fresh: &Value) {
    let find = |clips: &Value| clips.as_array().and_then(|a| a.iter().position(|c| c["name"] == "interview.mkv"));
    let (Some(o), Some(f)) = (find(old), find(fresh)) else { panic!("interview.mkv in both libraries") };
    let new = &fresh[f];
    let was = &mut old[o];
    let changed = [
        ("fps", Value::Null, "25"),
        ("rate", Value::Null, "25/1"),
        ("drop_frame", Value::Null, "false"),
        ("end_tc", Value::Null, "00:00:02:01"),
        ("n_frames", Value::Null, "51"),
    ];
    for (field, before, after) in changed {
        assert_eq!((&was[field], new[field].to_string().trim_matches('"')), (&before, after), "{field}");
        was[field] = new[field].clone();
    }
    assert_eq!((&was["audio"]["codec"], &new["audio"]["codec"]), (&Value::from("0x1001"), &Value::from("opus")));
    assert_eq!((&was["audio"]["bits"], &new["audio"]["bits"]), (&Value::from(16), &Value::Null));
    was["audio"] = new["audio"].clone();
    // A clip with a rate needs no timing basis kept for a project rate.
    assert!(!was["tc_basis"].is_null() && new.get("tc_basis").is_none());
    was.as_object_mut().expect("clip").remove("tc_basis");
}

#[test]
fn a_schema_3_library_opens_with_every_clip_and_word() {
    let old = Env::new();
    copy_tree(&common::repo().join("fixtures/library-v3"), &old.library());
    // The first command converts it, and says so.
    let first = old.run(&["clips"]);
    let said = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "clips on the old library: {said}");
    let converted = format!("converted from schema 3 to {}", rushes::library::SCHEMA_VERSION);
    assert!(said.contains(&converted), "the conversion is said: {said}");
    assert!(said.contains("transcript cues"), "with what it kept: {said}");
    let again = old.run(&["clips"]);
    assert!(!String::from_utf8_lossy(&again.stderr).contains("converted"), "only once");
    let fresh = Env::new();
    fresh.ingest(&dump());
    let (old_view, fresh_view) = (View::of(&old), View::of(&fresh));

    let mut clips = old_view.json(&["clips", "--json"], 0);
    let fresh_clips = fresh_view.json(&["clips", "--json"], 0);
    read_anew_since(&mut clips, &fresh_clips);
    assert_eq!(clips, fresh_clips, "clips --json");
    let words: usize =
        clips.as_array().expect("clips").iter().map(|c| c["segments"].as_u64().unwrap_or(0) as usize).sum();
    assert!(words > 0, "the old library holds transcript segments");

    for name in ["C0001.MP4", "T001.WAV", "NIGHT0001.MP4"] {
        let args = ["show", name, "--json"];
        assert_eq!(old_view.json(&args, 0), fresh_view.json(&args, 0), "show {name}");
    }
    for search in SEARCHES {
        let mut args = vec!["search"];
        args.extend_from_slice(search);
        args.extend(["--json", "--limit", "1000"]);
        let hits = old_view.json(&args, 0);
        assert!(hits.as_array().is_some_and(|h| !h.is_empty()), "{search:?} finds something");
        assert_eq!(hits, fresh_view.json(&args, 0), "search {search:?}");
    }

    // It is a current library now, with nothing of the old index left.
    let meta = std::fs::read_to_string(old.library().join("library.json")).expect("library.json");
    assert!(meta.contains(&format!("\"schema_version\": {}", rushes::library::SCHEMA_VERSION)), "{meta}");
    let left: Vec<_> = std::fs::read_dir(old.library()).expect("library").flatten().map(|e| e.file_name()).collect();
    assert_eq!(left.len(), 2, "library.json and index only: {left:?}");
}

/// `fixtures/library-v4/` was made by the schema-4 binary from a copy of
/// `fixtures/dump` with `fixtures/multilingual/C0002.ja.vtt` added to its
/// `TRANSCRIPTS` (see `fixtures/README.md`). Schema 4 indexed Japanese as
/// one word per run of characters, so `川` found nothing and transcripts
/// had no language. Opening it indexes every transcript again, once: the
/// result must be what a fresh ingest of the same files gives, languages
/// and Japanese searches included.
#[test]
fn a_schema_4_library_is_indexed_again_for_every_script_and_language() {
    opens_as_a_fresh_ingest("fixtures/library-v4", 4);
}

/// `fixtures/library-v5/` was made by the schema-5 binary (commit
/// `dcd82d1`) the same way. Schema 5 found a phrase across two cues in a
/// field of each boundary's words; schema 6 marks each cue's start and
/// end instead. Opening it indexes every transcript again, once, and the
/// phrases and words across cues are found as in a fresh ingest.
#[test]
fn a_schema_5_library_is_indexed_again_with_its_cue_boundaries() {
    opens_as_a_fresh_ingest("fixtures/library-v5", 5);
}

/// Opens a copy of the old library `fixture` (schema `from`, made from
/// `fixtures/dump` with the Japanese VTT added) and checks that it is
/// converted once, and then shows and finds what a fresh ingest does.
fn opens_as_a_fresh_ingest(fixture: &str, from: u32) {
    let to = rushes::library::SCHEMA_VERSION;
    let old = Env::new();
    copy_tree(&common::repo().join(fixture), &old.library());
    let first = old.run(&["clips"]);
    let said = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "clips on the old library: {said}");
    assert!(said.contains(&format!("converted from schema {from} to {to}")), "the conversion is said: {said}");
    assert!(said.contains("transcript cues"), "with what it kept: {said}");
    let again = old.run(&["clips"]);
    assert!(!String::from_utf8_lossy(&again.stderr).contains("converted"), "only once");

    let files = tempfile::tempdir().expect("temp dir");
    let dump = files.path().join("dump");
    copy_tree(&common::dump(), &dump);
    std::fs::copy(
        common::repo().join("fixtures/multilingual/C0002.ja.vtt"),
        dump.join("2026-03-14/TRANSCRIPTS/C0002.ja.vtt"),
    )
    .expect("copy the Japanese transcript");
    let fresh = Env::new();
    fresh.ingest(&dump);
    let (old_view, fresh_view) = (View::of(&old), View::of(&fresh));

    let clips = old_view.json(&["clips", "--json"], 0);
    assert_eq!(clips, fresh_view.json(&["clips", "--json"], 0), "clips --json");
    let languages = |name: &str| {
        clips.as_array().and_then(|a| a.iter().find(|c| c["name"] == name)).map(|c| c["languages"].clone())
    };
    assert_eq!(languages("C0002.MP4"), Some(serde_json::json!(["ja"])), "declared by the VTT");
    assert_eq!(languages("C0001.MP4"), Some(serde_json::json!(["en"])), "detected");

    for name in ["C0001.MP4", "C0002.MP4", "T001.WAV", "NIGHT0001.MP4"] {
        let args = ["show", name, "--json"];
        let (mut was, now) = (old_view.json(&args, 0), fresh_view.json(&args, 0));
        if name == "C0002.MP4" && from == 4 {
            // Schema 4 kept no language, and the old library's dump is gone
            // (it named a temp folder), so what the Japanese VTT declared
            // cannot be read again: its language is detected instead, and
            // agrees.
            assert_eq!(was["transcripts"][0]["language_from"], "detected");
            assert_eq!(now["transcripts"][0]["language_from"], "declared");
            was["transcripts"][0]["language_from"] = "declared".into();
        }
        assert_eq!(was, now, "show {name}");
    }
    let japanese: [&[&str]; 3] = [&["川"], &["今日"], &["\"水がとても\""]];
    for search in SEARCHES.iter().chain(&japanese) {
        let mut args = vec!["search"];
        args.extend_from_slice(search);
        args.extend(["--json", "--limit", "1000"]);
        let hits = old_view.json(&args, 0);
        assert!(hits.as_array().is_some_and(|h| !h.is_empty()), "{search:?} finds something");
        assert_eq!(hits, fresh_view.json(&args, 0), "search {search:?}");
    }

    let meta = std::fs::read_to_string(old.library().join("library.json")).expect("library.json");
    assert!(meta.contains(&format!("\"schema_version\": {to}")), "{meta}");
    for left in ["index.old", "index.new"] {
        assert!(!old.library().join(left).exists(), "{left} is removed");
    }
}
