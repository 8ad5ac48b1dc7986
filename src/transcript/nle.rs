//! Transcripts and markers that editing applications write:
//!
//! - Premiere Pro's transcript **CSV** (`Speaker Name, Start Time, End
//!   Time, Text`, times as SMPTE labels of the sequence or the source);
//! - Premiere Pro's **markers** list (File → Export → Markers, CSV,
//!   tab-separated: `Marker Name, Description, In, Out, Duration, Marker
//!   Type`, labels with `:` or `;`);
//! - Premiere Pro's static-transcript **JSON** (`segments[]` with
//!   `start`/`duration` seconds and `words[]`, `speakers[]` whose UUIDs
//!   name the segments' `speaker`): running time from the clip's start.
//!
//! The text exports of Premiere and Resolve are in `stamped.rs`. A
//! `.prtranscript` is Premiere's own undocumented binary: it is refused
//! with the way to export something readable instead.

use serde_json::Value;

use super::{Cue, Diagnostic, Fate, Label, LabelSpan, Outcome};
use crate::sheet::{self, find_column, header_key};

/// Said for a `.prtranscript`.
pub const PRTRANSCRIPT: &str = "a Premiere .prtranscript is an undocumented binary: in Premiere's Text panel, \
                                use Export → Export to text file (or the transcript JSON, or CSV) and import that";

/// Which table a header row makes: the transcript CSV or the markers list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Table {
    Transcript,
    Markers,
}

/// The first line's columns, if they are Premiere's.
pub(super) fn detect_table(text: &str) -> Option<Table> {
    let first = text.lines().next()?;
    let keys: Vec<String> = first.split(['\t', ',', ';']).map(|c| header_key(c.trim_matches('"'))).collect();
    let has = |k: &str| keys.iter().any(|x| x == k);
    if has("starttime") && has("endtime") && has("text") && (has("speakername") || has("speaker")) {
        Some(Table::Transcript)
    } else if has("markername") && has("in") && has("out") && has("description") {
        Some(Table::Markers)
    } else {
        None
    }
}

/// Reads a Premiere transcript CSV or markers list.
pub(super) fn parse_table(text: &str, table: Table) -> Result<(Vec<Cue>, Vec<Diagnostic>), Outcome> {
    const MAX_ROWS: usize = 1_000_000;
    let header = text.lines().next().unwrap_or_default();
    let (rows, bad) = sheet::read_rows(text, sheet::sniff_delimiter(header), MAX_ROWS);
    let mut rows = rows.into_iter();
    let head = rows.next().map(|r| r.cells).unwrap_or_default();
    let (start, end, words, speaker, name) = match table {
        Table::Transcript => (
            find_column(&head, &["starttime"]),
            find_column(&head, &["endtime"]),
            find_column(&head, &["text"]),
            find_column(&head, &["speakername", "speaker"]),
            None,
        ),
        Table::Markers => (
            find_column(&head, &["in"]),
            find_column(&head, &["out"]),
            find_column(&head, &["description"]),
            None,
            find_column(&head, &["markername"]),
        ),
    };
    let (Some(start), Some(end), Some(words)) = (start, end, words) else {
        return Err(Outcome::Invalid { reason: "no start, end and text columns".to_string() });
    };
    let mut cues = Vec::new();
    let mut diagnostics = Vec::new();
    for row in rows.filter(|r| !r.is_blank()) {
        let cell = |i: Option<usize>| i.and_then(|i| row.cells.get(i)).map(String::as_str).unwrap_or_default();
        let (Some(first), Some(last)) = (Label::parse(cell(Some(start))), Label::parse(cell(Some(end)))) else {
            let reason =
                format!("row skipped: times `{}` and `{}` are not HH:MM:SS:FF", cell(Some(start)), cell(Some(end)));
            diagnostics.push(Diagnostic::new(row.line, Fate::Skipped, reason));
            continue;
        };
        // A marker's name and its description are both words someone typed.
        let text: Vec<&str> = [cell(name), cell(Some(words))].into_iter().filter(|t| !t.is_empty()).collect();
        let text = super::tidy_lines(&text.join("\n"));
        if text.is_empty() {
            diagnostics.push(Diagnostic::new(row.line, Fate::Skipped, "row with no text; skipped"));
            continue;
        }
        let speaker = Some(cell(speaker)).filter(|s| !s.is_empty()).map(str::to_string);
        let mut cue = Cue::labelled(LabelSpan { start: first, end: last }, text, speaker, row.line);
        if cue.end_ms < cue.start_ms {
            diagnostics.push(Diagnostic::new(row.line, Fate::Kept, "ends before it starts; end set to the start"));
            cue = Cue::labelled(LabelSpan { start: first, end: first }, cue.text, cue.speaker, cue.line);
        }
        cues.push(cue);
    }
    if let Some(bad) = bad {
        diagnostics.push(Diagnostic::new(
            bad.line,
            Fate::Skipped,
            format!("the rest of the file skipped: {}", bad.reason),
        ));
    }
    Ok((cues, diagnostics))
}

/// Premiere's transcript JSON: `segments` whose items have `start` and
/// `duration` (no `end`) and `words`, beside `speakers`.
pub(super) fn is_premiere_json(doc: &Value) -> bool {
    let first = doc.get("segments").and_then(Value::as_array).and_then(|s| s.first());
    doc.get("speakers").is_some_and(Value::is_array)
        && first.is_some_and(|s| s.get("duration").is_some() && s.get("end").is_none())
}

pub(super) fn parse_premiere_json(doc: &Value) -> (Vec<Cue>, Vec<Diagnostic>) {
    let names: Vec<(&str, &str)> = doc
        .get("speakers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| Some((s.get("id")?.as_str()?, s.get("name")?.as_str()?)))
        .collect();
    let mut cues = Vec::new();
    let mut diagnostics = Vec::new();
    for (i, seg) in doc.get("segments").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let line = i + 1;
        let seconds = |v: Option<&Value>| v.and_then(Value::as_f64).filter(|s| (0.0..=3.6e10).contains(s));
        let (Some(start), Some(duration)) = (seconds(seg.get("start")), seconds(seg.get("duration"))) else {
            diagnostics.push(Diagnostic::new(
                line,
                Fate::Skipped,
                format!("segment {line}: no `start`/`duration` seconds; skipped"),
            ));
            continue;
        };
        let mut text = String::new();
        for word in seg.get("words").and_then(Value::as_array).into_iter().flatten() {
            let w = word.get("text").and_then(Value::as_str).unwrap_or_default().trim();
            let punct = word.get("type").and_then(Value::as_str) == Some("punctuation");
            if !(text.is_empty() || punct || (ends_cjk(&text) && starts_cjk(w))) {
                text.push(' ');
            }
            text.push_str(w);
        }
        let text = text.trim().to_string();
        if text.is_empty() {
            diagnostics.push(Diagnostic::new(line, Fate::Skipped, format!("segment {line} has no words; skipped")));
            continue;
        }
        let id = seg.get("speaker").and_then(Value::as_str);
        let speaker = id.and_then(|id| names.iter().find(|(i, _)| *i == id)).map(|(_, n)| n.to_string());
        let (start_ms, end_ms) = ((start * 1000.0).round() as u64, ((start + duration) * 1000.0).round() as u64);
        cues.push(Cue::timed(start_ms, end_ms, text, speaker, line));
    }
    (cues, diagnostics)
}

/// Chinese and Japanese write no spaces between words.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}')
}

fn ends_cjk(s: &str) -> bool {
    s.chars().next_back().is_some_and(is_cjk)
}

fn starts_cjk(s: &str) -> bool {
    s.chars().next().is_some_and(is_cjk)
}

#[cfg(test)]
mod tests {
    use super::super::check_reader;
    use super::*;

    #[test]
    fn premiere_transcript_csv() {
        let csv = "Speaker Name,Start Time,End Time,Text\nSpeaker 1,00:00:03:20,00:00:31:20,\"We drove out, at dawn.\"\nMaria,00;01;00;02,00;01;02;00,Yes.\nBad,0:03,00:00:04:00,x\n";
        assert_eq!(detect_table(csv), Some(Table::Transcript));
        check_reader(
            |t| parse_table(t, Table::Transcript),
            csv,
            &[
                "3666-31666 [Speaker 1] We drove out, at dawn.",
                "60066-62000 [Maria] Yes.",
                "!4 row skipped: times `0:03` and `00:00:04:00` are not HH:MM:SS:FF",
            ],
        );
    }

    #[test]
    fn premiere_markers() {
        let tsv = "Marker Name\tDescription\tIn\tOut\tDuration\tMarker Type\n\tgreat line about the flood\t01:00:10:00\t01:00:12:00\t00:00:02:00\tComment\nChapter 1\t\t01;00;20;00\t01;00;20;00\t00;00;00;00\tChapter\n";
        assert_eq!(detect_table(tsv), Some(Table::Markers));
        check_reader(
            |t| parse_table(t, Table::Markers),
            tsv,
            &["3610000-3612000 great line about the flood", "3620000-3620000 Chapter 1"],
        );
        assert_eq!(detect_table("Date,TC,Note\n"), None);
    }

    /// EasySpeechAnalyzer's reference file: Japanese words, one speaker.
    #[test]
    fn premiere_json_real_file() {
        let doc: Value = serde_json::from_str(&super::super::realdata_text(
            "EasySpeechAnalyzer/Tests/EasySpeechAnalyzerTests/Fixtures/premiere-transcript-reference.json",
        ))
        .expect("json");
        assert!(is_premiere_json(&doc));
        let (cues, diagnostics) = parse_premiere_json(&doc);
        assert!(diagnostics.is_empty());
        let got: Vec<(u64, u64, &str, Option<&str>)> =
            cues.iter().map(|c| (c.start_ms, c.end_ms, c.text.as_str(), c.speaker.as_deref())).collect();
        assert_eq!(got, [(1_040, 2_320, "今日天気いいですね。", Some("Speaker 1"))]);
    }
}
