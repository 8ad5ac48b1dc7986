//! The transcript and caption readers of issue #18 against independent
//! public parsers on the real files in `../shared/realdata`, to the frame:
//! pycaption and ttconv (SCC, EBU-STL, TTML), webvtt-py (SBV),
//! deepgram-captions (Deepgram, AssemblyAI). rev_ai cannot be installed
//! beside selenium (websocket-client), so Rev.ai's sample is checked
//! against its own elements. The
//! Python readers come from `tests/readers/requirements.txt`
//! (`tests/readers/venv.rs`); `tests/readers/read_captions.py` prints what
//! each reads.

mod common;

use std::path::Path;
use std::process::Command;

use rushes::timecode::{Rate, TcFormat, Timecode};
use rushes::transcript::{self, Cue, Format, Outcome};
use serde_json::Value;

/// One cue as an oracle read it.
struct Theirs {
    start: f64,
    end: Option<f64>,
    text: String,
}

fn oracle(reader: &str, path: &Path) -> Vec<Theirs> {
    let script = common::repo().join("tests/readers/read_captions.py");
    let out = Command::new(common::venv::python()).arg(&script).arg(reader).arg(path).output().expect("python");
    assert!(out.status.success(), "{reader} {}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
    let cues: Vec<Value> = serde_json::from_slice(&out.stdout).expect("oracle json");
    cues.iter()
        .map(|c| Theirs {
            start: c["start"].as_f64().expect("start"),
            end: c["end"].as_f64(),
            text: c["text"].as_str().unwrap_or_default().to_string(),
        })
        .collect()
}

fn ours(path: &Path) -> (Format, Vec<Cue>) {
    let bytes = std::fs::read(path).expect("read");
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    match transcript::parse(&bytes, &ext) {
        Outcome::Transcript { format, cues, .. } => (format, cues),
        other => panic!("{}: {other:?}", path.display()),
    }
}

/// Seconds of real time to the nearest frame at `rate`.
fn frame_of(seconds: f64, rate: Rate) -> u64 {
    (seconds * f64::from(rate.num()) / f64::from(rate.den())).round() as u64
}

/// An SCC label's frame since midnight at 29.97 (drop frame as written).
fn label_frame(label: transcript::Label) -> u64 {
    let format = TcFormat::new(Rate::FPS_29_97, label.drop);
    let f = u64::from;
    Timecode::from_fields(f(label.hh), f(label.mm), f(label.ss), f(label.ff), format).expect("label").frame()
}

/// Text compared with runs of white space (and pycaption's no-break
/// spaces for indents) folded.
fn words(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '\u{A0}').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// SCC: every cue's start (and end, with ends) on the oracle's frame, and
/// the same words. Returns how many cues matched.
fn check_scc(file: &str, reader: &str, with_ends: bool) -> usize {
    let path = common::realdata(file);
    let (format, cues) = ours(&path);
    assert_eq!(format, Format::Scc);
    let theirs = oracle(reader, &path);
    assert_eq!(cues.len(), theirs.len(), "{file} with {reader}");
    for (c, t) in cues.iter().zip(&theirs) {
        let span = c.tc.expect("SCC cues keep labels");
        assert_eq!(label_frame(span.start), frame_of(t.start, Rate::FPS_29_97), "{file} {reader}: {:?}", c.text);
        if with_ends && let Some(end) = t.end {
            assert_eq!(label_frame(span.end), frame_of(end, Rate::FPS_29_97), "{file} {reader} end: {:?}", c.text);
        }
        // A `NAME:` prefix is the cue's speaker; the readers keep it as text.
        let said = match &c.speaker {
            Some(name) => format!("{name}: {}", c.text),
            None => c.text.clone(),
        };
        assert_eq!(words(&said), words(&t.text), "{file} {reader}");
    }
    cues.len()
}

#[test]
fn scc_against_pycaption_and_ttconv() {
    // Pop-on: both readers agree with us on every start; ttconv on the
    // ends too (pycaption ends a caption when the next one shows, one
    // frame after the EDM that cleared it).
    assert_eq!(check_scc("ttconv/src/test/resources/scc/pop-on.scc", "scc-ttconv", true), 3);
    assert_eq!(check_scc("ttconv/src/test/resources/scc/pop-on.scc", "scc-pycaption", false), 3);
    assert_eq!(check_scc("pycaption/examples/example.scc", "scc-ttconv", true), 3);
    assert_eq!(check_scc("pycaption/examples/example.scc", "scc-pycaption", false), 3);
}

/// Roll-up, drop frame: ttconv shows the rows rolling (each cue holds the
/// row before it too); ours is each row once, from the same frame.
#[test]
fn scc_roll_up_drop_frame_against_ttconv() {
    let path = common::realdata("ttconv/src/test/resources/scc/mix-rows-roll-up.scc");
    let (_, cues) = ours(&path);
    let theirs = oracle("scc-ttconv", &path);
    let mut matched = 0;
    for (c, t) in cues.iter().zip(&theirs) {
        let span = c.tc.expect("labels");
        assert!(span.start.drop);
        assert_eq!(label_frame(span.start), frame_of(t.start, Rate::FPS_29_97), "{:?}", c.text);
        let last_row = t.text.lines().last().unwrap_or_default();
        assert_eq!(words(&c.text), words(last_row));
        matched += 1;
    }
    assert_eq!(matched, 16);
}

/// EBU-STL at 25 fps, programme start 10:00:00:00: times to the frame.
#[test]
fn stl_against_ttconv() {
    for (file, n) in [("test_tcp_processing.stl", 2), ("multi_tti_subtitle.stl", 1)] {
        let path = common::realdata(&format!("ttconv/src/test/resources/stl/sandflow/{file}"));
        let (format, cues) = ours(&path);
        assert_eq!(format, Format::EbuStl);
        let theirs = oracle("stl-ttconv", &path);
        assert_eq!((cues.len(), theirs.len()), (n, n), "{file}");
        for (c, t) in cues.iter().zip(&theirs) {
            let ms = |s: f64| (s * 1000.0).round() as u64;
            assert_eq!(c.start_ms * 25 / 1000, ms(t.start) * 25 / 1000, "{file}");
            assert_eq!(Some(c.end_ms * 25 / 1000), t.end.map(|e| ms(e) * 25 / 1000), "{file}");
            assert_eq!(words(&c.text), words(&t.text), "{file}");
        }
    }
}

/// TTML frame times at 29.97 (`ttp:frameRate` 30, multiplier 1000/1001),
/// ticks and clock times, against ttconv, to the frame.
#[test]
fn ttml_frame_times_against_ttconv() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("frames.ttml");
    std::fs::write(
        &path,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter" ttp:frameRate="30" ttp:frameRateMultiplier="1000 1001" ttp:tickRate="10000000" xml:lang="en">
<body><div>
<p begin="00:00:01:15" end="00:00:03:00">We drove out at dawn.</p>
<p begin="00:01:00:02" end="00:01:02:29">The light<br/>was perfect.</p>
<p begin="36000000t" end="40000000t">Ticks.</p>
<p begin="00:59:59.999" end="01:00:01.5">Clock.</p>
</div></body></tt>"#,
    )
    .expect("write");
    let (format, mut cues) = ours(&path);
    assert_eq!(format, Format::Ttml);
    // ttconv's SRT lists them in time order.
    cues.sort_by_key(|c| c.start_ms);
    let theirs = oracle("ttml-ttconv", &path);
    assert_eq!((cues.len(), theirs.len()), (4, 4));
    for (c, t) in cues.iter().zip(&theirs) {
        let ms_frame = |ms: u64| Rate::FPS_29_97.frames_nearest(u128::from(ms), 1000);
        assert_eq!(ms_frame(c.start_ms), frame_of(t.start, Rate::FPS_29_97), "{:?}", c.text);
        assert_eq!(Some(ms_frame(c.end_ms)), t.end.map(|e| frame_of(e, Rate::FPS_29_97)), "{:?}", c.text);
        assert_eq!(words(&c.text), words(&t.text));
    }
}

/// SBV, the valid files and the broken variants: the same captions kept
/// as webvtt-py keeps, the same times and words (webvtt-py keeps an end
/// before its start; we keep the start and say so).
#[test]
fn sbv_against_webvtt_py() {
    let mut matched = 0;
    for name in ["sample", "two_captions", "missing_caption_text", "invalid_timeframe", "missing_timeframe"] {
        let path = common::realdata(&format!("webvtt-py/tests/subtitles/{name}.sbv"));
        let (format, cues) = ours(&path);
        assert_eq!(format, Format::Sbv);
        let theirs = oracle("sbv-webvtt", &path);
        assert_eq!(cues.len(), theirs.len(), "{name}");
        for (c, t) in cues.iter().zip(&theirs) {
            let ms = |s: f64| (s * 1000.0).round() as u64;
            assert_eq!(c.start_ms, ms(t.start), "{name}");
            assert_eq!(c.end_ms, ms(t.end.expect("end")).max(c.start_ms), "{name}");
            assert_eq!(c.text, t.text, "{name}");
            matched += 1;
        }
    }
    assert_eq!(matched, 19);
}

/// Speech-API JSON: our cues group the oracle's words; every cue starts
/// on one of its words (to the millisecond) and the words are the same.
fn check_words(file: &str, reader: &str, want: Format) -> usize {
    let path = common::realdata(file);
    let (format, cues) = ours(&path);
    assert_eq!(format, want, "{file}");
    let theirs = oracle(reader, &path);
    let starts: Vec<u64> = theirs.iter().map(|w| (w.start * 1000.0).round() as u64).collect();
    for c in &cues {
        assert!(starts.contains(&c.start_ms), "{file}: cue at {} ms starts on no word", c.start_ms);
    }
    let all_ours = words(&cues.iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join(" "));
    let all_theirs = words(&theirs.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" "));
    assert_eq!(all_ours, all_theirs, "{file}");
    cues.len()
}

#[test]
fn speech_apis_against_their_sdks() {
    let dir = "deepgram-python-captions/test/";
    assert!(check_words(&format!("{dir}dg_utterances.json"), "deepgram-words", Format::Deepgram) > 1);
    assert!(check_words(&format!("{dir}dg_speakers.json"), "deepgram-words", Format::Deepgram) > 1);
    assert!(check_words(&format!("{dir}assemblyai_utterances.json"), "assemblyai-words", Format::AssemblyAi) > 1);
}

/// Rev.ai's own sample transcript (revai-python-sdk). Its SDK cannot be
/// pinned here, so the oracle is the document itself read as the SDK's
/// model reads it: `monologues[].elements[]`, `text` elements with `ts`
/// seconds, `punct` elements joined as written. Every cue starts on a text
/// element, each monologue's speaker is kept, and the words are the same.
#[test]
fn rev_ai_sample_against_its_elements() {
    let path = common::realdata("revai-python-sdk/tests/resources/transcript.json");
    let (format, cues) = ours(&path);
    assert_eq!(format, Format::RevAi);
    let doc: Value = serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
    let mut starts = Vec::new();
    let mut said = String::new();
    let mut speakers = Vec::new();
    for m in doc["monologues"].as_array().expect("monologues") {
        speakers.push(format!("Speaker {}", m["speaker"]));
        for e in m["elements"].as_array().expect("elements") {
            if e["type"] == "text" {
                starts.push((e["ts"].as_f64().expect("ts") * 1000.0).round() as u64);
            }
            said.push_str(e["value"].as_str().unwrap_or_default());
        }
        said.push(' ');
    }
    assert!(cues.len() > 1, "{cues:#?}");
    for c in &cues {
        assert!(starts.contains(&c.start_ms), "a cue at {} ms starts on no word: {:?}", c.start_ms, c.text);
        let speaker = c.speaker.clone().unwrap_or_default();
        assert!(speakers.contains(&speaker), "{speaker:?} is no monologue's speaker");
    }
    let ours = words(&cues.iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join(" "));
    assert_eq!(ours, words(&said));
}

/// The synthetic fixtures of the shapes without a licensed sample
/// (`fixtures/transcripts/`, origin in `fixtures/README.md`): each is found
/// by its content and read whole.
#[test]
fn fixtures_of_each_shape() {
    let dir = common::repo().join("fixtures/transcripts");
    for (file, format, n, first) in [
        (
            "otter.txt",
            Format::TimecodedText,
            3,
            (3_000, Some("Maria Lopez"), "We drove out at dawn. The light was perfect."),
        ),
        (
            "premiere.txt",
            Format::PremiereText,
            2,
            (3_666, Some("Speaker 1"), "We drove out at dawn. The light was perfect."),
        ),
        (
            "premiere.csv",
            Format::PremiereCsv,
            2,
            (3_666, Some("Speaker 1"), "We drove out at dawn, the light was perfect."),
        ),
        ("premiere_markers.csv", Format::PremiereMarkers, 2, (3_631_666, None, "the road was gone")),
        ("resolve.txt", Format::ResolveText, 2, (43_100, Some("Speaker 1"), "So we went down to the water.")),
        ("avid_ds.txt", Format::AvidDs, 2, (36_001_000, None, "We drove out\nat dawn.")),
        ("rev.docx", Format::Docx, 2, (3_000, Some("Maria Lopez"), "We drove out at dawn. The light was perfect.")),
        ("trint.docx", Format::Docx, 2, (5_000, Some("MARIA"), "We drove out at dawn.")),
    ] {
        let path = dir.join(file);
        let bytes = std::fs::read(&path).expect("fixture");
        let ext = file.rsplit('.').next().unwrap_or_default();
        if ext != "docx" {
            assert_eq!(transcript::sniff(&bytes, ext), Some(format), "{file}");
        }
        let (got, cues) = ours(&path);
        assert_eq!((got, cues.len()), (format, n), "{file}: {cues:#?}");
        let c = &cues[0];
        assert_eq!((c.start_ms, c.speaker.as_deref(), c.text.as_str()), first, "{file}");
    }
}

/// Through the binary: a Premiere text export in source timecode is a
/// transcript, not a notes log, and its labels inside the clip's span are
/// record time, placed in the clip's labelling (23.976 from 14:31:10:00).
#[test]
fn premiere_text_export_is_imported_as_a_transcript() {
    let env = common::Env::new();
    env.ingest(&common::dump());
    let work = tempfile::tempdir().expect("tmp");
    let txt = work.path().join("interview.txt");
    std::fs::write(&txt, "14:31:10:12 - 14:31:11:03\nMaria Lopez\nThe river came up.\n").expect("write");
    let arg = txt.to_str().expect("utf-8");
    let out = env.json(&["import", "--json", "--clip", "A003C012_260314_R1AB.mov", arg], 0);
    assert_eq!((out["transcripts_attached"].as_u64(), out["notes_placed"].as_u64()), (Some(1), Some(0)), "{out}");
    assert_eq!(out["timebases"][0]["timebase"], "record", "{out}");
    let log = env.json(&["show", "A003C012_260314_R1AB.mov", "--json"], 0);
    let seg = log["transcript"].as_array().and_then(|t| t.iter().find(|s| s["text"] == "The river came up.")).cloned();
    let seg = seg.unwrap_or_else(|| panic!("{log}"));
    assert_eq!((seg["tc_in"].as_str(), seg["tc_out"].as_str()), (Some("14:31:10:12"), Some("14:31:11:03")));
    assert_eq!((seg["frame_in"].as_u64(), seg["speaker"].as_str()), (Some(12), Some("Maria Lopez")));
    // `show` and `search` name the format the file was read as.
    assert_eq!(seg["format"], "Premiere text", "{seg}");
    let hits = env.json(&["search", "--json", "river came up"], 0);
    let hit = hits
        .as_array()
        .and_then(|h| h.iter().find(|h| h["source"].as_str().is_some_and(|s| s.contains("interview.txt"))));
    assert_eq!(hit.map(|h| h["format"].clone()), Some("Premiere text".into()), "{hits}");
    let shown = env.run(&["show", "A003C012_260314_R1AB.mov"]);
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(shown.contains("interview.txt (Premiere text)"), "{shown}");
    let found = env.run(&["search", "river came up"]);
    let found = String::from_utf8_lossy(&found.stdout);
    assert!(found.contains("(interview.txt:1, Premiere text)"), "{found}");
}
