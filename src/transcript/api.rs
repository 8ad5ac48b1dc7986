//! Speech-to-text services' JSON, one small adapter each, all ending in
//! the same list of timed words that [`group`] turns into cues:
//!
//! - Rev.ai: `monologues[].elements[]` (`text` with `ts`/`end_ts` seconds,
//!   `punct` without times), `speaker` number or `speaker_name`;
//! - AssemblyAI: `utterances[].words[]` or `words[]`, integer milliseconds,
//!   speaker letters;
//! - Deepgram: `results.utterances[].words[]` or
//!   `results.channels[0].alternatives[0].words[]`, float seconds,
//!   `punctuated_word`, speaker numbers;
//! - AWS Transcribe: `results.items[]` (`start_time` strings, `punctuation`
//!   items, `speaker_label`, or `results.speaker_labels.segments`);
//! - Google Speech-to-Text: `results[].alternatives[0].words[]` with
//!   `"1.300s"` times (`startTime` in v1, `startOffset` in v2) and
//!   `speakerTag`.
//!
//! All are running time from the start of the uploaded file. Words are
//! grouped into cues at speaker changes, sentence ends and pauses, so that
//! phrase search and context behave as with SRT. Speakers are named as the
//! service labels them (`Speaker 0`, `Speaker A`, `spk_1`): nothing is
//! invented.

use serde_json::Value;

use super::{Cue, Diagnostic, Fate, Format};

/// A pause this long between two words starts a new cue.
const PAUSE_MS: u64 = 1_000;
/// A cue without sentence ends is cut after this many words, so a long
/// unpunctuated monologue still gives cues of caption size.
const MAX_WORDS: usize = 40;

/// One timed word; `glue` means it attaches to the previous word without a
/// space (punctuation).
#[derive(Debug, Clone, PartialEq)]
struct Word {
    start_ms: u64,
    end_ms: u64,
    text: String,
    speaker: Option<String>,
    glue: bool,
    /// Where it came from, for reports: 1-based index of its word.
    line: usize,
}

/// Which service's JSON `doc` is, if any.
pub(super) fn detect(doc: &Value) -> Option<Format> {
    let has = |v: &Value, key: &str| v.get(key).is_some_and(|x| !x.is_null());
    if doc.get("monologues").is_some_and(Value::is_array) {
        return Some(Format::RevAi);
    }
    if let Some(results) = doc.get("results") {
        if results.get("channels").is_some_and(Value::is_array)
            || results.get("utterances").is_some_and(Value::is_array)
        {
            return Some(Format::Deepgram);
        }
        if results.get("items").is_some_and(Value::is_array) {
            return Some(Format::AwsTranscribe);
        }
        if results.as_array().is_some_and(|r| r.iter().any(|r| r.get("alternatives").is_some())) {
            return Some(Format::Google);
        }
    }
    let words_in_ms = |list: Option<&Value>| {
        list.and_then(Value::as_array)
            .and_then(|l| l.first())
            .is_some_and(|w| w.get("start").is_some_and(Value::is_u64) && has(w, "text"))
    };
    if words_in_ms(doc.get("utterances")) || words_in_ms(doc.get("words")) {
        return Some(Format::AssemblyAi);
    }
    None
}

/// Reads the words of `doc` as `format` says and groups them.
pub(super) fn parse(doc: &Value, format: Format) -> (Vec<Cue>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let words = match format {
        Format::RevAi => rev_ai(doc, &mut diagnostics),
        Format::AssemblyAi => assembly_ai(doc, &mut diagnostics),
        Format::Deepgram => deepgram(doc, &mut diagnostics),
        Format::AwsTranscribe => aws(doc, &mut diagnostics),
        _ => google(doc, &mut diagnostics),
    };
    (group(words), diagnostics)
}

/// Seconds as a JSON number, or a string (`"1.3"`, Google's `"1.300s"`),
/// to whole milliseconds.
fn seconds(value: Option<&Value>) -> Option<u64> {
    let s = match value? {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().trim_end_matches('s').parse::<f64>().ok()?,
        _ => return None,
    };
    // Ten million hours: far past any recording, far below overflow.
    (0.0..=3.6e10).contains(&s).then(|| (s * 1000.0).round() as u64)
}

fn millis(value: Option<&Value>) -> Option<u64> {
    value?.as_u64()
}

fn skipped(diagnostics: &mut Vec<Diagnostic>, line: usize, what: &str) {
    diagnostics.push(Diagnostic::new(line, Fate::Skipped, format!("word {line}: {what}; skipped")));
}

fn rev_ai(doc: &Value, diagnostics: &mut Vec<Diagnostic>) -> Vec<Word> {
    let mut words = Vec::new();
    let mut n = 0;
    for mono in doc.get("monologues").and_then(Value::as_array).into_iter().flatten() {
        let speaker = mono
            .get("speaker_name")
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| mono.get("speaker").and_then(Value::as_i64).map(|n| format!("Speaker {n}")));
        for el in mono.get("elements").and_then(Value::as_array).into_iter().flatten() {
            n += 1;
            let value = el.get("value").and_then(Value::as_str).unwrap_or_default();
            match el.get("type").and_then(Value::as_str) {
                Some("text") => match (seconds(el.get("ts")), seconds(el.get("end_ts"))) {
                    (Some(start_ms), Some(end_ms)) => words.push(Word {
                        start_ms,
                        end_ms,
                        text: value.trim().to_string(),
                        speaker: speaker.clone(),
                        glue: false,
                        line: n,
                    }),
                    _ => skipped(diagnostics, n, "no `ts`/`end_ts` seconds"),
                },
                Some("punct") => punctuation(&mut words, value),
                _ => {}
            }
        }
    }
    words
}

/// Appends punctuation to the last word (spaces between words are Rev's
/// own `punct` elements and are not needed).
fn punctuation(words: &mut [Word], value: &str) {
    let value = value.trim();
    if let (false, Some(last)) = (value.is_empty(), words.last_mut()) {
        last.text.push_str(value);
    }
}

fn assembly_ai(doc: &Value, diagnostics: &mut Vec<Diagnostic>) -> Vec<Word> {
    let from_utterances: Vec<&Value> = doc
        .get("utterances")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|u| u.get("words").and_then(Value::as_array).into_iter().flatten())
        .collect();
    let list: Vec<&Value> = if from_utterances.is_empty() {
        doc.get("words").and_then(Value::as_array).into_iter().flatten().collect()
    } else {
        from_utterances
    };
    words_of(list, diagnostics, "no text or no `start`/`end` milliseconds", |w| {
        let text = w.get("text").and_then(Value::as_str)?;
        let speaker = w.get("speaker").and_then(Value::as_str).map(|s| format!("Speaker {s}"));
        Some((text, millis(w.get("start"))?, millis(w.get("end"))?, speaker))
    })
}

/// The words of `list`, each read by `read` (text, start and end in ms,
/// speaker); a word `read` refuses, or without text, is reported as `why`.
fn words_of(
    list: Vec<&Value>,
    diagnostics: &mut Vec<Diagnostic>,
    why: &str,
    read: impl Fn(&Value) -> Option<(&str, u64, u64, Option<String>)>,
) -> Vec<Word> {
    let mut words = Vec::with_capacity(list.len());
    for (i, w) in list.into_iter().enumerate() {
        match read(w).filter(|(text, ..)| !text.trim().is_empty()) {
            Some((text, start_ms, end_ms, speaker)) => {
                words.push(Word { start_ms, end_ms, text: text.trim().to_string(), speaker, glue: false, line: i + 1 })
            }
            None => skipped(diagnostics, i + 1, why),
        }
    }
    words
}

fn deepgram(doc: &Value, diagnostics: &mut Vec<Diagnostic>) -> Vec<Word> {
    let results = doc.get("results");
    let utterances: Vec<&Value> = results
        .and_then(|r| r.get("utterances"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|u| u.get("words").and_then(Value::as_array).into_iter().flatten())
        .collect();
    let list: Vec<&Value> = if utterances.is_empty() {
        results
            .and_then(|r| r.pointer("/channels/0/alternatives/0/words"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .collect()
    } else {
        utterances
    };
    words_of(list, diagnostics, "no word or no `start`/`end` seconds", |w| {
        let text = w.get("punctuated_word").or_else(|| w.get("word")).and_then(Value::as_str)?;
        let speaker = w.get("speaker").and_then(Value::as_i64).map(|n| format!("Speaker {n}"));
        Some((text, seconds(w.get("start"))?, seconds(w.get("end"))?, speaker))
    })
}

fn aws(doc: &Value, diagnostics: &mut Vec<Diagnostic>) -> Vec<Word> {
    let results = doc.get("results");
    // Older jobs put speakers beside the items: segments of (start, label).
    let mut labelled: Vec<(u64, String)> = results
        .and_then(|r| r.pointer("/speaker_labels/segments"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|seg| seg.get("items").and_then(Value::as_array).into_iter().flatten())
        .filter_map(|it| Some((seconds(it.get("start_time"))?, it.get("speaker_label")?.as_str()?.to_string())))
        .collect();
    labelled.sort();
    let mut words = Vec::new();
    for (i, item) in results.and_then(|r| r.get("items")).and_then(Value::as_array).into_iter().flatten().enumerate() {
        let text = item.pointer("/alternatives/0/content").and_then(Value::as_str).unwrap_or_default();
        if item.get("type").and_then(Value::as_str) == Some("punctuation") {
            punctuation(&mut words, text);
            continue;
        }
        match (seconds(item.get("start_time")), seconds(item.get("end_time"))) {
            (Some(start_ms), Some(end_ms)) if !text.trim().is_empty() => {
                let speaker = item.get("speaker_label").and_then(Value::as_str).map(str::to_string).or_else(|| {
                    let at = labelled.partition_point(|(s, _)| *s <= start_ms);
                    at.checked_sub(1).and_then(|i| labelled.get(i)).map(|(_, l)| l.clone())
                });
                words.push(Word { start_ms, end_ms, text: text.trim().to_string(), speaker, glue: false, line: i + 1 });
            }
            _ => skipped(diagnostics, i + 1, "no content or no `start_time`/`end_time`"),
        }
    }
    words
}

fn google(doc: &Value, diagnostics: &mut Vec<Diagnostic>) -> Vec<Word> {
    let mut words = Vec::new();
    let mut n = 0;
    for result in doc.get("results").and_then(Value::as_array).into_iter().flatten() {
        for w in result.pointer("/alternatives/0/words").and_then(Value::as_array).into_iter().flatten() {
            n += 1;
            let text = w.get("word").and_then(Value::as_str).unwrap_or_default();
            // A word at 0 s has no time at all in Google's JSON (proto3
            // leaves zero durations out).
            let time = |a: &str, b: &str| seconds(w.get(a).or_else(|| w.get(b))).or(Some(0));
            match (time("startTime", "startOffset"), time("endTime", "endOffset")) {
                (Some(start_ms), Some(end_ms)) if !text.trim().is_empty() => words.push(Word {
                    start_ms,
                    end_ms,
                    text: text.trim().to_string(),
                    speaker: w
                        .get("speakerTag")
                        .and_then(Value::as_i64)
                        .map(|n| format!("Speaker {n}"))
                        .or_else(|| w.get("speakerLabel").and_then(Value::as_str).map(str::to_string)),
                    glue: false,
                    line: n,
                }),
                _ => skipped(diagnostics, n, "no word"),
            }
        }
    }
    words
}

/// Groups words into cues: a new cue at a change of speaker, after a word
/// that ends a sentence, at a pause of [`PAUSE_MS`], and after
/// [`MAX_WORDS`] words.
fn group(words: Vec<Word>) -> Vec<Cue> {
    let mut cues: Vec<Cue> = Vec::new();
    let mut current: Vec<Word> = Vec::new();
    let flush = |current: &mut Vec<Word>, cues: &mut Vec<Cue>| {
        let (Some(first), Some(last)) = (current.first(), current.last()) else { return };
        let mut text = String::new();
        for w in current.iter() {
            if !text.is_empty() && !w.glue {
                text.push(' ');
            }
            text.push_str(&w.text);
        }
        let end_ms = last.end_ms.max(first.start_ms);
        cues.push(Cue::timed(first.start_ms, end_ms, text, first.speaker.clone(), first.line));
        current.clear();
    };
    for word in words {
        if let Some(last) = current.last() {
            let sentence_end = last.text.ends_with(['.', '?', '!', '\u{3002}', '\u{FF1F}', '\u{FF01}']);
            let pause = word.start_ms > last.end_ms + PAUSE_MS;
            if word.speaker != last.speaker || sentence_end || pause || current.len() >= MAX_WORDS {
                flush(&mut current, &mut cues);
            }
        }
        current.push(word);
    }
    flush(&mut current, &mut cues);
    cues
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> (Option<Format>, Vec<String>) {
        let doc: Value = serde_json::from_str(json).expect("json");
        let Some(format) = detect(&doc) else { return (None, vec![]) };
        let (cues, diagnostics) = parse(&doc, format);
        let mut out: Vec<String> = cues
            .into_iter()
            .map(|c| format!("{}-{} [{}] {}", c.start_ms, c.end_ms, c.speaker.unwrap_or_default(), c.text))
            .collect();
        out.extend(diagnostics.into_iter().map(|d| format!("!{} {}", d.line, d.reason)));
        (Some(format), out)
    }

    #[test]
    fn rev_ai_elements_and_punctuation() {
        let json = r#"{"monologues":[{"speaker":0,"elements":[
            {"type":"text","value":"Hello","ts":0.5,"end_ts":0.9},{"type":"punct","value":","},{"type":"punct","value":" "},
            {"type":"text","value":"world","ts":1.0,"end_ts":1.4},{"type":"punct","value":"."},
            {"type":"text","value":"Again","ts":1.5,"end_ts":1.8},{"type":"text","value":"bad"}]},
            {"speaker":1,"speaker_name":"Maria","elements":[{"type":"text","value":"Yes","ts":2.0,"end_ts":2.2}]}]}"#;
        assert_eq!(
            read(json),
            (
                Some(Format::RevAi),
                vec![
                    "500-1400 [Speaker 0] Hello, world.".to_string(),
                    "1500-1800 [Speaker 0] Again".to_string(),
                    "2000-2200 [Maria] Yes".to_string(),
                    "!7 word 7: no `ts`/`end_ts` seconds; skipped".to_string(),
                ]
            )
        );
    }

    #[test]
    fn aws_and_google() {
        let aws = r#"{"jobName":"x","results":{"transcripts":[{"transcript":"Hi there. Ok"}],"items":[
            {"start_time":"0.1","end_time":"0.3","alternatives":[{"content":"Hi"}],"type":"pronunciation","speaker_label":"spk_0"},
            {"start_time":"0.3","end_time":"0.6","alternatives":[{"content":"there"}],"type":"pronunciation","speaker_label":"spk_0"},
            {"alternatives":[{"content":"."}],"type":"punctuation"},
            {"start_time":"2.9","end_time":"3.1","alternatives":[{"content":"Ok"}],"type":"pronunciation","speaker_label":"spk_1"}]}}"#;
        assert_eq!(read(aws).1, ["100-600 [spk_0] Hi there.", "2900-3100 [spk_1] Ok"]);
        let google = r#"{"results":[{"alternatives":[{"transcript":"so we went","words":[
            {"word":"so","endTime":"0.400s"},{"startTime":"0.400s","endTime":"0.700s","word":"we"},
            {"startTime":"2.100s","endTime":"2.500s","word":"went","speakerTag":2}]}]}]}"#;
        assert_eq!(
            read(google),
            (Some(Format::Google), vec!["0-700 [] so we".to_string(), "2100-2500 [Speaker 2] went".to_string()])
        );
    }

    #[test]
    fn other_json_is_not_a_speech_api() {
        assert_eq!(read(r#"{"segments":[{"start":1,"end":2,"text":"x"}]}"#).0, None);
        assert_eq!(read(r#"{"results":{"other":1}}"#).0, None);
        assert_eq!(read(r#"{"words":[{"start":1.5,"text":"x"}]}"#).0, None, "seconds: not AssemblyAI");
    }
}
