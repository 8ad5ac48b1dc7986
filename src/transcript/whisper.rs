//! Whisper-style JSON transcripts: the `segments` list that openai-whisper
//! writes (`--output_format json`), that whisperX extends with speakers
//! (`speaker` on segments and words after diarisation), and that the
//! faster-whisper command-line wrappers copy. A bare array of such
//! segments is read too. Times are float seconds from the file's start.

use std::collections::HashMap;

use serde_json::Value;

use super::{Cue, Diagnostic, Fate, Outcome, clamp_end};

/// Reads Whisper JSON. Malformed JSON is `Invalid` (with serde's line and
/// column); JSON of another shape is `NotTranscript`, because `.json`
/// beside footage is as often camera or tool metadata. A segment without
/// numeric `start`/`end`, or without text, is reported (line = 1-based
/// segment index) and skipped.
pub fn parse(text: &str) -> Result<(Vec<Cue>, Vec<Diagnostic>), Outcome> {
    let doc: Value =
        serde_json::from_str(text).map_err(|e| Outcome::Invalid { reason: format!("malformed JSON: {e}") })?;
    let segments = match &doc {
        Value::Object(map) => map.get("segments").and_then(Value::as_array),
        Value::Array(items) if items.iter().any(looks_like_segment) => Some(items),
        _ => None,
    };
    let Some(segments) = segments else {
        return Err(Outcome::NotTranscript { reason: "JSON without Whisper-style segments".to_string() });
    };

    let mut cues = Vec::with_capacity(segments.len());
    let mut diagnostics = Vec::new();
    for (idx, segment) in segments.iter().enumerate() {
        let line = idx + 1;
        match read_segment(segment, line, &mut diagnostics) {
            Ok(Some(cue)) => cues.push(cue),
            Ok(None) => {}
            Err(reason) => {
                diagnostics.push(Diagnostic::new(line, Fate::Skipped, format!("segment {line} skipped: {reason}")))
            }
        }
    }
    Ok((cues, diagnostics))
}

/// A segment is an object with a time and some text; anything less and a
/// top-level array is just some other JSON list.
fn looks_like_segment(item: &Value) -> bool {
    item.get("text").is_some_and(Value::is_string) && (item.get("start").is_some() || item.get("end").is_some())
}

/// One segment as a cue; `Ok(None)` when it has no words (whisper emits
/// such segments over silence), reported as a diagnostic.
fn read_segment(segment: &Value, line: usize, diagnostics: &mut Vec<Diagnostic>) -> Result<Option<Cue>, String> {
    if !segment.is_object() {
        return Err("not an object".to_string());
    }
    let start_ms = seconds_to_ms(segment.get("start")).map_err(|e| format!("start {e}"))?;
    let end_ms = seconds_to_ms(segment.get("end")).map_err(|e| format!("end {e}"))?;
    let text = segment.get("text").and_then(Value::as_str).map(str::trim).unwrap_or_default();
    if text.is_empty() {
        diagnostics.push(Diagnostic::new(line, Fate::Skipped, format!("segment {line} has no text; skipped")));
        return Ok(None);
    }
    let end_ms = clamp_end(start_ms, end_ms, line, diagnostics);
    Ok(Some(Cue::timed(start_ms, end_ms, text.to_string(), speaker(segment), line)))
}

/// Seconds as a JSON number to whole milliseconds, rounded.
fn seconds_to_ms(value: Option<&Value>) -> Result<u64, String> {
    // Ten million hours: far past any recording, far below u64 overflow.
    const MAX_SECONDS: f64 = 3.6e10;
    let seconds = match value {
        None | Some(Value::Null) => return Err("time is missing".to_string()),
        Some(v) => v.as_f64().ok_or_else(|| format!("time is not a number: {v}"))?,
    };
    if !(0.0..=MAX_SECONDS).contains(&seconds) {
        return Err(format!("time out of range: {seconds}"));
    }
    // In range and non-negative, so the conversion neither wraps nor
    // saturates.
    Ok((seconds * 1000.0).round() as u64)
}

/// The segment's own `speaker`, else the speaker most of its words carry
/// (whisperX can label words but leave a segment that straddles a turn
/// unlabelled). Ties go to the speaker heard first.
fn speaker(segment: &Value) -> Option<String> {
    let named = |v: &Value| {
        v.get("speaker").and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
    };
    if let Some(name) = named(segment) {
        return Some(name);
    }
    let words = segment.get("words").and_then(Value::as_array)?;
    let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
    for (order, name) in words.iter().filter_map(named).enumerate() {
        counts.entry(name).or_insert((0, order)).0 += 1;
    }
    counts.into_iter().max_by(|(_, (n1, o1)), (_, (n2, o2))| n1.cmp(n2).then(o2.cmp(o1))).map(|(name, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brief(cues: &[Cue]) -> Vec<(u64, u64, &str, Option<&str>, usize)> {
        cues.iter().map(|c| (c.start_ms, c.end_ms, c.text.as_str(), c.speaker.as_deref(), c.line)).collect()
    }

    /// `whisper clip.wav --output_format json` (openai-whisper 20240930).
    const OPENAI_WHISPER: &str = r#"{"text": " So we drove out at dawn. The light was perfect.", "segments": [{"id": 0, "seek": 0, "start": 0.0, "end": 2.24, "text": " So we drove out at dawn.", "tokens": [50364, 407, 321, 13226, 484, 412, 21176, 13, 50476], "temperature": 0.0, "avg_logprob": -0.2312, "compression_ratio": 1.1, "no_speech_prob": 0.012}, {"id": 1, "seek": 0, "start": 2.24, "end": 4.0006, "text": " The light was perfect.", "tokens": [50476, 440, 1442, 390, 2176, 13, 50564], "temperature": 0.0, "avg_logprob": -0.2312, "compression_ratio": 1.1, "no_speech_prob": 0.012}], "language": "en"}"#;

    /// whisperX after `--diarize`: speakers on segments and on words; the
    /// second segment straddles a turn and has no segment speaker; a
    /// numeral word has no times (whisperX cannot align digits).
    const WHISPERX: &str = r#"{"segments": [
        {"start": 0.031, "end": 1.652, "text": " Where were you?", "words": [{"word": "Where", "start": 0.031, "end": 0.3, "score": 0.91, "speaker": "SPEAKER_00"}, {"word": "were", "start": 0.32, "end": 0.5, "score": 0.88, "speaker": "SPEAKER_00"}, {"word": "you?", "start": 0.52, "end": 1.652, "score": 0.95, "speaker": "SPEAKER_00"}], "speaker": "SPEAKER_00"},
        {"start": 1.9, "end": 3.5, "text": " Out. At 10, I think.", "words": [{"word": "Out.", "start": 1.9, "end": 2.2, "score": 0.8, "speaker": "SPEAKER_00"}, {"word": "At", "start": 2.5, "end": 2.6, "score": 0.7, "speaker": "SPEAKER_01"}, {"word": "10,"}, {"word": "I", "start": 2.9, "end": 3.0, "score": 0.9, "speaker": "SPEAKER_01"}, {"word": "think.", "start": 3.0, "end": 3.5, "score": 0.9, "speaker": "SPEAKER_01"}]}
    ], "word_segments": [], "language": "en"}"#;

    #[test]
    fn openai_whisper() {
        let (cues, diagnostics) = parse(OPENAI_WHISPER).unwrap_or_default();
        assert_eq!(
            brief(&cues),
            [(0, 2240, "So we drove out at dawn.", None, 1), (2240, 4001, "The light was perfect.", None, 2)]
        );
        assert!(diagnostics.is_empty());
    }

    #[test]
    fn whisperx_speakers() {
        let (cues, _) = parse(WHISPERX).unwrap_or_default();
        assert_eq!(
            brief(&cues),
            [
                (31, 1652, "Where were you?", Some("SPEAKER_00"), 1),
                (1900, 3500, "Out. At 10, I think.", Some("SPEAKER_01"), 2)
            ]
        );
    }

    #[test]
    fn bare_array_of_segments() {
        // faster-whisper wrappers dump `list(segments)` as they come.
        let (cues, _) =
            parse(r#"[{"id": 1, "start": 0.5, "end": 1.25, "text": " Hi.", "speaker": "A"}]"#).unwrap_or_default();
        assert_eq!(brief(&cues), [(500, 1250, "Hi.", Some("A"), 1)]);
    }

    #[test]
    fn word_speaker_ties_go_to_the_first_heard() {
        let json = r#"{"segments": [{"start": 0, "end": 1, "text": "a b", "words": [{"word": "a", "speaker": "B"}, {"word": "b", "speaker": "A"}]}]}"#;
        let (cues, _) = parse(json).unwrap_or_default();
        assert_eq!(cues.first().and_then(|c| c.speaker.as_deref()), Some("B"));
    }

    #[test]
    fn bad_segments_are_reported_and_skipped() {
        let json = r#"{"segments": [
            {"start": 0.0, "end": 1.0, "text": " kept"},
            {"end": 2.0, "text": " no start"},
            {"start": "3.0", "end": 4.0, "text": " string time"},
            {"start": 5.0, "end": null, "text": " null end"},
            {"start": -1.0, "end": 6.0, "text": " negative"},
            {"start": 7.0, "end": 8.0, "text": "   "},
            "not an object",
            {"start": 9.0, "end": 8.5, "text": " backwards"}
        ]}"#;
        let (cues, diagnostics) = parse(json).unwrap_or_default();
        assert_eq!(brief(&cues), [(0, 1000, "kept", None, 1), (9000, 9000, "backwards", None, 8)]);
        let reasons: Vec<(usize, &str)> = diagnostics.iter().map(|d| (d.line, d.reason.as_str())).collect();
        assert_eq!(
            reasons,
            [
                (2, "segment 2 skipped: start time is missing"),
                (3, "segment 3 skipped: start time is not a number: \"3.0\""),
                (4, "segment 4 skipped: end time is missing"),
                (5, "segment 5 skipped: start time out of range: -1"),
                (6, "segment 6 has no text; skipped"),
                (7, "segment 7 skipped: not an object"),
                (8, "cue ends (8500 ms) before it starts (9000 ms); end set to the start"),
            ]
        );
    }

    #[test]
    fn other_json_is_not_a_transcript() {
        let not = Err(Outcome::NotTranscript { reason: "JSON without Whisper-style segments".to_string() });
        for json in [
            r#"{"camera": "FX6", "clips": []}"#,
            r#"{"segments": "none"}"#,
            "[]",
            "[1, 2, 3]",
            r#"[{"name": "A001"}]"#,
            "\"text\"",
            "null",
        ] {
            assert_eq!(parse(json), not, "{json}");
        }
        // Whisper over silence: a transcript with nothing said.
        assert_eq!(parse(r#"{"text": "", "segments": [], "language": "en"}"#), Ok((vec![], vec![])));
    }

    #[test]
    fn malformed_json_is_invalid_with_its_position() {
        assert_eq!(
            parse("{\"segments\": [\n  {\"start\": 0.0,, }\n]}"),
            Err(Outcome::Invalid { reason: "malformed JSON: key must be a string at line 2 column 17".to_string() })
        );
        assert!(matches!(parse(""), Err(Outcome::Invalid { .. })));
    }
}
