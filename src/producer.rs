//! The producer's transcript of one clip or a whole shoot day: a heading per
//! clip (camera, reel, start timecode, duration), then every cue with its
//! source timecode and speaker, the shoot notes interleaved at their
//! timecode (notes on the whole clip first). Pure: clips and their words in,
//! a document out; [`crate::ops::transcripts`] gathers them.
//!
//! Contract of each format:
//! - `txt`, `html`, `docx`: an [`export::script::Script`](Script) — a cue is
//!   a bite (`SPEAKER  TC_IN – TC_OUT`, then the words), a note an aside
//!   (`NOTE: text (TC)`); see [`crate::export::script`].
//! - `srt`: one clip; cues numbered from 1, times from the clip's first
//!   frame (`HH:MM:SS,mmm`, milliseconds rounded), the speaker as a
//!   `NAME:` prefix; no blank line inside a cue. SRT has no comments, so the
//!   notes are not in it.
//! - `vtt`: one clip; `WEBVTT` with the clip's name, its heading and each
//!   note as `NOTE` blocks at their place, cues with times from the clip's
//!   first frame (`HH:MM:SS.mmm`) and the speaker as a `<v NAME>` voice
//!   tag; text escaped (`&`, `<`, `>`), `-->` never inside a note.
//!
//! A clip without a frame rate (a memo) has no labels: its cues are
//! referred to by seconds from its start.

use crate::clip::{Clip, NoteRecord, Segment};
use crate::export::edl::duration_label;
use crate::export::script::{Block, Script, ScriptBite};

/// A clip with its cues and notes.
#[derive(Clone, Debug)]
pub struct ClipWords {
    pub clip: Clip,
    pub cues: Vec<Segment>,
    pub notes: Vec<NoteRecord>,
}

impl ClipWords {
    /// Whether there is anything to write of it.
    pub fn is_empty(&self) -> bool {
        self.cues.is_empty() && self.notes.is_empty()
    }
}

/// One clip's cues and notes in the order they are heard: notes on the
/// whole clip first, then by time, a note before a cue that starts with it.
enum Item<'a> {
    Cue(&'a Segment),
    Note(&'a NoteRecord),
}

fn in_order(w: &ClipWords) -> Vec<Item<'_>> {
    let mut items: Vec<(f64, u8, usize, Item<'_>)> = Vec::new();
    for n in &w.notes {
        let at = n.offset_s.unwrap_or(f64::NEG_INFINITY);
        items.push((at, 0, n.line, Item::Note(n)));
    }
    for c in &w.cues {
        items.push((c.offset_in_s, 1, c.n, Item::Cue(c)));
    }
    items.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    items.into_iter().map(|(_, _, _, item)| item).collect()
}

/// `camera A · reel A001 · day 2026-03-14 · start 14:30:59;28 · duration
/// 00:00:02;02 (29.97 fps DF)`: what a clip's heading says of it.
pub fn clip_detail(clip: &Clip) -> String {
    let mut parts = Vec::new();
    if let Some(c) = &clip.camera {
        parts.push(format!("camera {c}"));
    }
    if let Some(r) = clip.reel.as_ref().or(clip.tape.as_ref()) {
        parts.push(format!("reel {r}"));
    }
    if let Some(d) = &clip.day {
        parts.push(format!("day {d}"));
    }
    match (clip.start(), clip.tc_format(), clip.n_frames) {
        (Some(start), Some(format), Some(n)) => {
            let df = if format.is_drop_frame() { " DF" } else { "" };
            parts.push(format!("start {start}"));
            parts.push(format!("duration {} ({} fps{df})", duration_label(n, format), format.rate().label()));
        }
        _ => parts.push(format!("duration {} (no frame rate: times from its start)", clock(clip.duration_s, '.'))),
    }
    parts.join(" · ")
}

/// `HH:MM:SS{sep}mmm` of `seconds` (milliseconds rounded; negative or not
/// finite is zero).
fn clock(seconds: f64, sep: char) -> String {
    let ms = if seconds.is_finite() && seconds > 0.0 { (seconds * 1000.0).round() as u64 } else { 0 };
    format!("{:02}:{:02}:{:02}{sep}{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

/// A cue's place: its labels, or seconds for a clip without a rate.
fn cue_reference(c: &Segment) -> String {
    match (&c.tc_in, &c.tc_out) {
        (Some(a), Some(b)) => format!("{a} – {b}"),
        _ => format!("{} – {}", clock(c.offset_in_s, '.'), clock(c.offset_out_s, '.')),
    }
}

/// A note's place: its label, its seconds, or the whole clip.
fn note_place(n: &NoteRecord) -> String {
    match (&n.tc_in, &n.tc, n.offset_s) {
        (Some(tc), _, _) | (None, Some(tc), _) => tc.clone(),
        (None, None, Some(s)) => clock(s, '.'),
        (None, None, None) => "whole clip".to_string(),
    }
}

/// The transcript of `clips` as a document titled `title`.
pub fn script(title: &str, subtitle: Vec<String>, clips: &[ClipWords]) -> Script {
    let mut blocks = Vec::new();
    for w in clips {
        blocks.push(Block::Heading { text: w.clip.name.clone(), detail: Some(clip_detail(&w.clip)) });
        if w.is_empty() {
            blocks.push(Block::Aside { label: "NOTE".into(), text: "no transcript and no notes".into(), detail: None });
        }
        for item in in_order(w) {
            blocks.push(match item {
                Item::Cue(c) => Block::Bite(ScriptBite {
                    speaker: c.speaker.clone(),
                    reference: cue_reference(c),
                    text: c.text.clone(),
                    detail: None,
                }),
                Item::Note(n) => Block::Aside {
                    label: "NOTE".into(),
                    text: n.text.replace('\n', " / "),
                    detail: Some(note_place(n)),
                },
            });
        }
    }
    Script { title: title.to_string(), subtitle, blocks }
}

/// Cue text as lines with none blank (a blank line ends an SRT or WebVTT
/// cue), or `…` when nothing is left.
fn cue_lines(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.is_empty() { vec!["…"] } else { lines }
}

/// One clip's cues as SRT.
pub fn srt(w: &ClipWords) -> String {
    let mut out = String::new();
    for (i, c) in w.cues.iter().enumerate() {
        out.push_str(&format!("{}\n{} --> {}\n", i + 1, clock(c.offset_in_s, ','), clock(c.offset_out_s, ',')));
        for (j, line) in cue_lines(&c.text).into_iter().enumerate() {
            match (&c.speaker, j) {
                (Some(who), 0) => out.push_str(&format!("{}: {line}\n", one_line(who))),
                _ => out.push_str(&format!("{line}\n")),
            }
        }
        out.push('\n');
    }
    out
}

/// One clip's cues and notes as WebVTT.
pub fn vtt(w: &ClipWords) -> String {
    let mut out = format!("WEBVTT - {}\n\n", no_arrow(&one_line(&w.clip.name)));
    out.push_str(&format!("NOTE {}\n\n", no_arrow(&clip_detail(&w.clip))));
    for item in in_order(w) {
        match item {
            Item::Note(n) => {
                let lines = cue_lines(&n.text).into_iter().map(no_arrow).collect::<Vec<_>>().join("\n");
                out.push_str(&format!("NOTE {} {lines}\n\n", note_place(n)));
            }
            Item::Cue(c) => {
                out.push_str(&format!("{} --> {}\n", clock(c.offset_in_s, '.'), clock(c.offset_out_s, '.')));
                for (j, line) in cue_lines(&c.text).into_iter().enumerate() {
                    match (&c.speaker, j) {
                        (Some(who), 0) => {
                            out.push_str(&format!("<v {}>{}\n", vtt_escape(&one_line(who)), vtt_escape(line)))
                        }
                        _ => out.push_str(&format!("{}\n", vtt_escape(line))),
                    }
                }
                out.push('\n');
            }
        }
    }
    out
}

/// WebVTT cue text escaping.
fn vtt_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A WebVTT comment may not hold `-->`.
fn no_arrow(text: &str) -> String {
    text.replace("-->", "→")
}

/// Control characters and line breaks as spaces.
fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_control()).map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_rounds_to_the_millisecond() {
        assert_eq!(clock(0.4, ','), "00:00:00,400");
        assert_eq!(clock(3725.0015, '.'), "01:02:05.002");
        assert_eq!(clock(-1.0, '.'), "00:00:00.000");
        assert_eq!(clock(f64::NAN, '.'), "00:00:00.000");
    }

    #[test]
    fn cue_text_never_holds_a_blank_line() {
        assert_eq!(cue_lines("a\n\n b \n"), ["a", "b"]);
        assert_eq!(cue_lines(" \n"), ["…"]);
        assert_eq!(no_arrow("a --> b"), "a → b");
        assert_eq!(vtt_escape("<b>&"), "&lt;b&gt;&amp;");
    }
}
