//! `rushes search` on the fixture dump: phrases across cues, filters,
//! accents, notes, the query language, ranking and errors.

mod common;

use common::{Env, dump};
use serde_json::Value;

fn env_with_dump() -> Env {
    let env = Env::new();
    env.ingest(&dump());
    env
}

/// `kind clip@tc_in` of each hit, sorted: what a search found, to compare
/// with the cues and notes the fixture files hold.
fn found(hits: &[Value]) -> Vec<String> {
    let mut out: Vec<String> = hits
        .iter()
        .map(|h| {
            format!(
                "{} {}@{}",
                h["kind"].as_str().unwrap_or("?"),
                h["clip"].as_str().unwrap_or("-"),
                h["tc_in"].as_str().unwrap_or("?")
            )
        })
        .collect();
    out.sort();
    out
}

fn hits(env: &Env, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["search", "--json"];
    all.extend_from_slice(args);
    match env.json(&all, 0) {
        Value::Array(a) => a,
        other => panic!("not an array: {other}"),
    }
}

#[test]
fn phrase_across_two_cues_spans_both() {
    let env = env_with_dump();
    let h = hits(&env, &["\"the river came up\""]);
    assert_eq!(h.len(), 1, "{h:?}");
    let hit = &h[0];
    assert_eq!(hit["kind"], "soundbite");
    assert_eq!(hit["clip"], "C0001.MP4");
    assert_eq!(hit["tc_in"], "14:31:00;03", "tc_in of the first cue");
    assert_eq!(hit["tc_out"], "14:31:01;27", "tc_out of the second cue");
    assert_eq!(hit["speaker"], "MARIA");
    assert_eq!(hit["text"], "That night the river came up to the door.");
    assert!(hit["snippet"].as_str().is_some_and(|s| s.contains("<b>river</b>")), "{hit}");
    for field in ["clip_id", "path", "camera", "reel", "day", "offset_in_s", "offset_out_s", "score"] {
        assert!(!hit[field].is_null(), "{field} missing: {hit}");
    }
    assert_eq!(hit["offset_in_s"], 0.1);
    // A word inside one cue is reported once, on that cue alone.
    let river = hits(&env, &["river", "--kind", "soundbite"]);
    assert_eq!(river.len(), 1, "{river:?}");
    assert_eq!(river[0]["tc_out"], "14:31:00;27");
}

#[test]
fn speaker_filters_ignore_case() {
    let env = env_with_dump();
    for args in [&["the", "--speaker", "maria"][..], &["the speaker:MARIA"][..]] {
        let h = hits(&env, args);
        // Maria's cues with "the": one in the VTT (`<v Maria>`), and both
        // of C0001.srt (the second carries the first's `MARIA:`).
        assert_eq!(
            found(&h),
            [
                "soundbite A003C012_260314_R1AB.mov@14:31:10:00",
                "soundbite C0001.MP4@14:31:00;03",
                "soundbite C0001.MP4@14:31:01;00"
            ],
            "{args:?}"
        );
        for hit in &h {
            assert!(hit["speaker"].as_str().is_some_and(|s| s.to_lowercase().starts_with("maria")), "{args:?}: {hit}");
        }
    }
    let tom = hits(&env, &["everything", "--speaker", "Tom"]);
    assert_eq!(tom.len(), 1);
    assert_eq!(tom[0]["tc_in"], "14:31:11:00");
    let out = env.run(&["search", "everything", "--speaker", "maria"]);
    assert_eq!(out.status.code(), Some(1), "no hit exits 1");
}

#[test]
fn accents_fold_and_legacy_encoding_is_searchable() {
    let env = env_with_dump();
    let h = hits(&env, &["cafe", "--camera", "D"]);
    assert_eq!(h.len(), 1, "{h:?}");
    assert_eq!(h[0]["clip"], "NIGHT0001.MP4");
    assert!(h[0]["text"].as_str().is_some_and(|t| t.contains("café") && t.contains("5€")), "original text shown");
    assert_eq!(h[0]["tc_in"], "23:59:58;30");
    // Both cafés, across cameras.
    assert_eq!(hits(&env, &["café"]).len(), 2);
}

#[test]
fn notes_are_found_on_their_clip() {
    let env = env_with_dump();
    let h = hits(&env, &["room tone"]);
    assert_eq!(h[0]["kind"], "note", "{h:?}");
    assert_eq!(h[0]["clip"], "T001.WAV");
    assert_eq!(h[0]["tc_in"], "14:31:05:12");
    assert_eq!(h[0]["camera"], "SOUND");
    // T002's iXML note says "wild track, room tone": clip metadata is searchable too.
    assert!(h.iter().any(|x| x["kind"] == "clip" && x["clip"] == "T002.WAV"), "{h:?}");
    // The unplaced note is searchable too, with no clip.
    let h = hits(&env, &["nobody there"]);
    assert_eq!(h[0]["kind"], "note");
    assert!(h[0]["clip"].is_null());
    // --kind narrows; clip metadata is searchable.
    assert!(hits(&env, &["flood", "--kind", "note"]).iter().all(|h| h["kind"] == "note"));
    let clip = hits(&env, &["A003C012_260314_R1AB", "--kind", "clip"]);
    assert_eq!(clip[0]["kind"], "clip");
    assert_eq!(clip[0]["tc_in"], "14:31:10:00");
    let scene = hits(&env, &["12A", "--kind", "clip"]);
    assert_eq!(scene[0]["clip"], "T001.WAV", "scene from iXML is searchable");
}

#[test]
fn query_language() {
    let env = env_with_dump();
    let kinds = |args: &[&str]| -> Vec<String> {
        hits(&env, args).iter().map(|h| format!("{}@{}", h["clip"].as_str().unwrap_or("-"), h["tc_in"])).collect()
    };
    // Fuzzy with ~1 on a word and with --fuzzy: a misspelt word.
    assert_eq!(kinds(&["bakry~1"]), kinds(&["bakery"]));
    assert_eq!(kinds(&["--fuzzy", "bakry"]), kinds(&["bakery"]));
    assert!(env.run(&["search", "bakry"]).status.code() == Some(1));
    // Prefix.
    assert!(hits(&env, &["bake*"]).iter().any(|h| h["clip"] == "A003C012_260314_R1AB.mov"));
    // Slop.
    assert_eq!(hits(&env, &["\"river door\"~5"])[0]["clip"], "C0001.MP4");
    assert_eq!(env.run(&["search", "\"river door\""]).status.code(), Some(1));
    // Boolean.
    let boat = hits(&env, &["boat -rowed", "--kind", "soundbite"]);
    assert_eq!(boat.len(), 1);
    assert_eq!(
        found(&hits(&env, &["bakery OR boat", "--kind", "soundbite"])),
        ["soundbite A003C012_260314_R1AB.mov@14:31:10:00", "soundbite GX010042.MP4@14:32:00:10"]
    );
    assert_eq!(env.run(&["search", "bakery AND boat"]).status.code(), Some(1));
    // Filters inside the query language.
    assert!(hits(&env, &["flood camera:a"]).iter().all(|h| h["camera"] == "A"));
    // Every cue and note of the day with the word "the": the VTT's first
    // cue, both C0001 cues, the Whisper JSON's first segment, and five
    // notes (the unplaced one keeps the dated folder's day).
    assert_eq!(
        found(&hits(&env, &["the day:2026-03-14"])),
        [
            "note -@14:33:00:00",
            "note C0001.MP4@14:31:00;10",
            "note C0001.MP4@14:31:01;00",
            "note GX010042.MP4@14:32:01:00",
            "note GX010042.MP4@14:32:01:10",
            "soundbite A003C012_260314_R1AB.mov@14:31:10:00",
            "soundbite C0001.MP4@14:31:00;03",
            "soundbite C0001.MP4@14:31:01;00",
            "soundbite GX010042.MP4@14:32:00:10",
        ]
    );
    assert_eq!(env.run(&["search", "the day:2026-03-15"]).status.code(), Some(1));
}

#[test]
fn exact_phrase_outranks_scattered_words_and_context_shows_neighbours() {
    let env = env_with_dump();
    let work = tempfile::tempdir().expect("tmp");
    let srt = work.path().join("C0002.srt");
    std::fs::write(
        &srt,
        "1\n00:00:00,000 --> 00:00:00,400\nThe water came slowly, then the river rose up.\n\n\
         2\n00:00:00,400 --> 00:00:00,800\nI said hello.\n\n\
         3\n00:00:00,800 --> 00:00:01,200\nThen the river came up.\n\n\
         4\n00:00:01,200 --> 00:00:01,600\nAnd it kept going.\n",
    )
    .expect("write");
    env.json(&["import", "--json", srt.to_str().expect("utf-8")], 0);
    let h = hits(&env, &["river came up", "--kind", "soundbite", "--context", "1"]);
    // Cue 3 (the phrase), cue 1 (the words scattered) and C0001's two cues
    // read as one (the phrase across their boundary).
    let texts: Vec<&str> = h.iter().map(|x| x["text"].as_str().unwrap_or_default()).collect();
    assert_eq!(texts.len(), 3, "{h:?}");
    assert_eq!(texts[0], "Then the river came up.", "exact phrase first: {h:?}");
    let mut rest = texts[1..].to_vec();
    rest.sort_unstable();
    assert_eq!(rest, ["That night the river came up to the door.", "The water came slowly, then the river rose up."]);
    assert_eq!(h[0]["context_before"][0]["text"], "I said hello.");
    assert_eq!(h[0]["context_after"][0]["text"], "And it kept going.");
    // Results are stable.
    assert_eq!(hits(&env, &["river came up"]), hits(&env, &["river came up"]));
}

/// The words typed after `search` are one query, as if quoted together,
/// with filters before, between or after them (#11 point 12).
#[test]
fn several_words_are_one_query() {
    let env = env_with_dump();
    let quoted = hits(&env, &["the river"]);
    assert_eq!(found(&quoted), ["soundbite C0001.MP4@14:31:00;03"]);
    assert_eq!(hits(&env, &["the", "river"]), quoted);
    assert_eq!(hits(&env, &["the", "--kind", "soundbite", "river"]), quoted);
    assert_eq!(hits(&env, &["\"came up\"", "door"]), hits(&env, &["\"came up\" door"]));
    let out = env.run(&["search"]);
    assert_eq!(out.status.code(), Some(2), "a query is required");
}

#[test]
fn malformed_queries_and_missing_library_exit_2() {
    let env = env_with_dump();
    for q in ["\"unclosed", "speaker:", "colour:red", "[a TO b]"] {
        let out = env.run(&["search", q]);
        assert_eq!(out.status.code(), Some(2), "{q}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("query"), "{q}: {err}");
        assert!(!err.contains("panicked"), "{q}: {err}");
    }
    let err = String::from_utf8_lossy(&env.run(&["search", "\"unclosed"]).stderr).to_string();
    assert!(err.contains("character"), "says where: {err}");
    let fresh = Env::new();
    let out = fresh.run(&["search", "river"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("rushes ingest"), "says how to make one");
}

#[test]
fn piped_output_marks_matches_with_brackets() {
    let env = env_with_dump();
    let out = env.run(&["search", "bakery"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("[bakery]"), "{text}");
    assert!(text.contains("A003C012_260314_R1AB.mov") && text.contains("14:31:10:00"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colour codes when piped");
}

#[test]
fn absurd_limits_and_context_are_safe() {
    let env = env_with_dump();
    let out = env.run(&["search", "the", "--limit", "18446744073709551615", "--context", "18446744073709551615"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // Errors count characters, not bytes.
    let err = String::from_utf8_lossy(&env.run(&["search", "ééé \"x"]).stderr).to_string();
    assert!(err.contains("character 7"), "{err}");
}

/// `matches` are character offsets into `text`, not bytes: a front end
/// marks the text from them (and escapes it as its medium needs); the
/// legacy `snippet` is made from them.
#[test]
fn matches_are_character_offsets_into_the_text() {
    let env = env_with_dump();
    let srt = env.tmp.path().join("café.srt");
    std::fs::write(&srt, "1\n00:00:00,200 --> 00:00:01,500\nÀ côté, la rivière <monte> & déborde.\n")
        .expect("write srt");
    env.json(&["import", srt.to_str().expect("utf-8"), "--clip", "C0002.MP4", "--json"], 0);
    let h = hits(&env, &["riviere deborde"]);
    assert_eq!(h.len(), 1, "{h:?}");
    let text: Vec<char> = h[0]["text"].as_str().expect("text").chars().collect();
    let words: Vec<String> = h[0]["matches"]
        .as_array()
        .expect("matches")
        .iter()
        .map(|m| {
            let (a, b) = (m[0].as_u64().expect("start") as usize, m[1].as_u64().expect("end") as usize);
            text[a..b].iter().collect()
        })
        .collect();
    assert_eq!(words, ["rivière", "déborde"]);
    // The snippet is as it always was: marks around the words, the text as is.
    assert_eq!(h[0]["snippet"], "À côté, la <b>rivière</b> <monte> & <b>déborde</b>.");
}
