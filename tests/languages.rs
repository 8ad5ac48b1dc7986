//! Search that finds what the editor means (issue #19), through the
//! binary: word forms, Japanese and Chinese, Arabic without its vowel
//! marks, names that sound alike, and the language of each transcript.
//! Each clip is a copy of a fixture clip (25 fps, 2 s, start 00:00:00:00)
//! with a transcript beside it, as a card dump would hold them.

mod common;

use std::path::Path;

use common::Env;
use serde_json::Value;

/// Writes `CLIP.mp4` and its transcript `CLIP.ext` for each entry.
fn dump(dir: &Path, files: &[(&str, &str, &str)]) {
    let plain = common::dump().join("2026-03-14/D_CAM/PLAIN.mp4");
    for (clip, ext, text) in files {
        std::fs::copy(&plain, dir.join(format!("{clip}.mp4"))).expect("copy clip");
        std::fs::write(dir.join(format!("{clip}.{ext}")), text).expect("write transcript");
    }
}

const EN_SRT: &str = "1\n00:00:00,000 --> 00:00:00,500\nNobody warned us about the floods.\n\n\
2\n00:00:00,500 --> 00:00:01,000\nThey warn everyone now, and the flood wall is up.\n\n\
3\n00:00:01,000 --> 00:00:01,500\nShe kept the photographs of the neighbours and of Mr Bonifai.\n\n\
4\n00:00:01,500 --> 00:00:01,900\nHer son photographed the river with Françoise.\n";

const ES_WHISPER: &str = r#"{"text": "", "language": "es", "segments": [
 {"id": 0, "start": 0.0, "end": 0.8, "text": " Aquella noche nadie durmió."},
 {"id": 1, "start": 0.8, "end": 1.6, "text": " Perdimos las casas y la panadería."}]}"#;

const DE_VTT: &str = "WEBVTT\nLanguage: de\n\n00:00.000 --> 00:00.900\nIch weiß noch, wie das Wasser kam.\n";

const JA_VTT: &str = "WEBVTT\nLanguage: ja\n\n00:00.000 --> 00:00.900\n今日は川の水がとても冷たかった。\n\n\
00:00.900 --> 00:01.800\n東京から来ました。\n";

const ZH_SRT: &str = "1\n00:00:00,000 --> 00:00:00,900\n我们的房子被洪水冲走了。\n\n\
2\n00:00:00,900 --> 00:00:01,800\n水很冷，我们很害怕。\n";

const TH_SRT: &str = "1\n00:00:00,000 --> 00:00:00,900\nน้ำท่วมบ้านเราทั้งหมู่บ้าน\n";

const AR_SRT: &str = "1\n00:00:00,000 --> 00:00:00,900\nوَصَلَتِ المِيَاهُ إِلَى بَابِ البَيْتِ\n\n\
2\n00:00:00,900 --> 00:00:01,800\nكَتَبَ أَحْمَدُ الرِّسَالَةَ\n";

struct Library {
    env: Env,
    _files: tempfile::TempDir,
}

fn library() -> Library {
    let files = tempfile::tempdir().expect("temp dir");
    dump(
        files.path(),
        &[
            ("EN", "srt", EN_SRT),
            ("ES", "json", ES_WHISPER),
            ("JA", "vtt", JA_VTT),
            ("DE", "vtt", DE_VTT),
            ("TH", "srt", TH_SRT),
            ("ZH", "srt", ZH_SRT),
            ("AR", "srt", AR_SRT),
        ],
    );
    let env = Env::new();
    env.ingest(files.path());
    Library { env, _files: files }
}

impl Library {
    fn hits(&self, args: &[&str]) -> Vec<Value> {
        let mut all = vec!["search"];
        all.extend_from_slice(args);
        all.extend(["--json", "--limit", "100"]);
        let out = self.env.run(&all);
        let code = out.status.code();
        assert!(matches!(code, Some(0 | 1)), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        match serde_json::from_slice(&out.stdout) {
            Ok(Value::Array(hits)) => hits,
            other => panic!("{args:?}: not a JSON array: {other:?}"),
        }
    }

    /// The texts of the hits, best first.
    fn texts(&self, args: &[&str]) -> Vec<String> {
        self.hits(args).iter().map(|h| h["text"].as_str().unwrap_or_default().to_string()).collect()
    }

    /// The words each hit marks, as `matches` gives them (character offsets
    /// into `text`).
    fn marked(&self, args: &[&str]) -> Vec<Vec<String>> {
        self.hits(args)
            .iter()
            .map(|h| {
                let chars: Vec<char> = h["text"].as_str().unwrap_or_default().chars().collect();
                h["matches"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|m| {
                        let (a, b) = (m[0].as_u64().unwrap_or(0) as usize, m[1].as_u64().unwrap_or(0) as usize);
                        chars[a..b].iter().collect()
                    })
                    .collect()
            })
            .collect()
    }
}

#[test]
fn a_word_finds_its_forms_and_the_form_as_written_ranks_first() {
    let lib = library();
    // Neither cue has `photograph` as written: BM25 orders them.
    let mut marked = lib.marked(&["photograph"]);
    marked.sort();
    assert_eq!(marked, [vec!["photographed"], vec!["photographs"]]);
    // `warn` is in cue 2 as written: it comes before `warned`.
    assert_eq!(
        lib.texts(&["warn"]),
        ["They warn everyone now, and the flood wall is up.", "Nobody warned us about the floods."]
    );
    assert_eq!(lib.marked(&["warned"]), [vec!["warned"], vec!["warn"]], "as written first, either way");
    assert_eq!(lib.marked(&["floods"]), [vec!["floods"], vec!["flood"]]);
    // Spanish. `noches` is in no transcript as written, so it is stemmed
    // in every language of the library, and German makes `noch` of it
    // too: the German cue comes after, and `language:es` keeps it out.
    assert_eq!(lib.marked(&["noches"]), [vec!["noche"], vec!["noch"]]);
    assert_eq!(lib.marked(&["noches", "language:es"]), [vec!["noche"]]);
    assert_eq!(lib.marked(&["casa"]), [vec!["casas"]]);
    // German stems `noche` and `noch` alike; `noche` is spoken in the
    // Spanish transcript, so it is stemmed as Spanish only.
    assert_eq!(lib.texts(&["noche"]), ["Aquella noche nadie durmió."]);
}

#[test]
fn exact_and_quoted_phrases_do_not_take_other_forms() {
    let lib = library();
    assert_eq!(lib.texts(&["warn", "--exact"]), ["They warn everyone now, and the flood wall is up."]);
    assert!(lib.texts(&["photograph", "--exact"]).is_empty());
    assert!(lib.texts(&["\"nobody warn\""]).is_empty(), "a quoted phrase is exact");
    assert_eq!(lib.marked(&["\"nobody warn\"~stem"]), [vec!["Nobody", "warned"]]);
    assert_eq!(lib.texts(&["\"nobody warned\""]), ["Nobody warned us about the floods."]);
    // A phrase is marked where it runs, not each of its words wherever it
    // stands (the first "the" of the cue is not part of it).
    assert_eq!(lib.marked(&["\"the neighbours\""]), [vec!["the", "neighbours"]]);
}

#[test]
fn japanese_and_chinese_are_searchable_by_character_word_and_phrase() {
    let lib = library();
    assert_eq!(lib.marked(&["川"]), [vec!["川"]]);
    assert_eq!(lib.marked(&["今日"]), [vec!["今日"]]);
    assert_eq!(lib.marked(&["\"水がとても\""]), [vec!["水がとても"]]);
    assert!(lib.texts(&["\"水がたいへん\""]).is_empty(), "a phrase is its characters in order");
    assert_eq!(lib.marked(&["洪水"]), [vec!["洪水"]]);
    // Thai is written without spaces too: "flood" inside "the flood
    // covered our whole village".
    assert_eq!(lib.marked(&["ท่วม"]), [vec!["ท่วม"]]);
    assert_eq!(lib.marked(&["\"บ้านเรา\""]), [vec!["บ้านเรา"]]);
    // 水 is in a Japanese cue and a Chinese one.
    assert_eq!(lib.texts(&["水"]).len(), 3);
    assert_eq!(lib.texts(&["水", "language:zh"]).len(), 2);
}

#[test]
fn arabic_matches_with_or_without_its_vowel_marks_and_reads_as_written() {
    let lib = library();
    let written = "كَتَبَ أَحْمَدُ الرِّسَالَةَ";
    for query in ["كتب", "كَتَبَ", "احمد", "الرسالة"] {
        assert_eq!(lib.texts(&[query]), [written], "{query}");
    }
    // The mark covers the word as written, marks included.
    assert_eq!(lib.marked(&["احمد"]), [vec!["أَحْمَدُ"]]);
    assert_eq!(lib.texts(&["\"باب البيت\""]).len(), 1);
}

#[test]
fn names_that_sound_alike_only_when_asked() {
    let lib = library();
    assert!(lib.texts(&["nayburs"]).is_empty(), "a plain word does not sound alike");
    assert_eq!(lib.marked(&["nayburs~~"]), [vec!["neighbours"]]);
    assert_eq!(lib.marked(&["Bonify~~"]), [vec!["Bonifai"]]);
    // Indexed as `francoise`, yet its cedilla still sounds like an S.
    assert_eq!(lib.marked(&["Fransoise~~"]), [vec!["Françoise"]]);
    assert_eq!(lib.marked(&["Bonify", "--sounds-like"]), [vec!["Bonifai"]]);
    let both = lib.env.run(&["search", "Bonify", "--sounds-like", "--exact"]);
    assert_eq!(both.status.code(), Some(2), "--sounds-like and --exact contradict each other");
}

#[test]
fn each_transcript_has_its_language_shown_and_filtered() {
    let lib = library();
    let clips = lib.env.clips();
    let languages: Vec<(String, Value)> =
        clips.iter().map(|c| (c["name"].as_str().unwrap_or_default().to_string(), c["languages"].clone())).collect();
    let want =
        [("AR.mp4", "ar"), ("DE.mp4", "de"), ("EN.mp4", "en"), ("ES.mp4", "es"), ("JA.mp4", "ja"), ("ZH.mp4", "zh")];
    for (name, code) in want {
        assert!(languages.contains(&(name.to_string(), serde_json::json!([code]))), "{name}: {languages:?}");
    }
    let show = lib.env.json(&["show", "ES.mp4", "--json"], 0);
    assert_eq!(show["transcripts"][0]["language"], "es");
    assert_eq!(show["transcripts"][0]["language_from"], "declared");
    let ja = lib.env.run(&["show", "JA.mp4"]);
    assert!(String::from_utf8_lossy(&ja.stdout).contains("language ja (declared by the file)"));
    let en = lib.env.json(&["show", "EN.mp4", "--json"], 0);
    assert_eq!(en["transcripts"][0]["language_from"], "detected");

    assert_eq!(lib.texts(&["language:es", "noche"]), ["Aquella noche nadie durmió."]);
    assert!(lib.texts(&["language:en", "noche"]).is_empty());
    assert_eq!(lib.texts(&["noche", "--language", "Spanish"]).len(), 1);

    // --language on ingest wins over detection.
    let files = tempfile::tempdir().expect("temp dir");
    dump(files.path(), &[("PT", "srt", "1\n00:00:00,000 --> 00:00:01,000\nThe water came in.\n")]);
    lib.env.json(&["ingest", "--json", "--language", "pt", &files.path().to_string_lossy()], 0);
    let pt = lib.env.json(&["show", "PT.mp4", "--json"], 0);
    assert_eq!(
        (&pt["transcripts"][0]["language"], &pt["transcripts"][0]["language_from"]),
        (&"pt".into(), &"set".into())
    );
    let bad = lib.env.run(&["import", "--language", "klingon", "x.srt"]);
    assert_eq!(bad.status.code(), Some(2), "an unknown language is refused");
}
