//! The paper edit: a producer's plain-text script of headings, bites,
//! voice-over and notes, written in any editor, pasted from `rushes search
//! --paper` and kept in version control. Each line is one of:
//!
//! - `# Heading`: a section (cold open, act one…);
//! - `CLIP TC_IN-TC_OUT [SPEAKER:] text`: a bite. `CLIP` is a file name, id
//!   or path (in double quotes when it holds a space); the separator is `-`,
//!   ` - ` or ` to `; the timecodes are the clip's own, out exclusive, `;`
//!   before the frames for drop-frame. The text is optional and, when
//!   given, is checked against the transcript there;
//! - `VO: text`: narration to be recorded, read at [`VO_WORDS_PER_SECOND`];
//! - `NOTE: text`: a note to the editor;
//! - a blank line, or a `//` comment.
//!
//! [`parse`] is pure: text in, lines and [`Diagnostic`]s (each with its
//! 1-based line) out; a line that is none of these is reported and the rest
//! kept. [`check`] resolves the bites against the library: the clip
//! ([`crate::resolve::resolve_clip`]), the span inside it, the words against the
//! transcript, the clearance; [`Checked`] is what `rushes paper check`
//! prints and what `rushes export --paper` writes.

use std::collections::HashMap;

use serde::Serialize;

use crate::clearance::Clearance;
use crate::clip::{Clip, Segment};
use crate::export::script::{Block, Script, bite_of as script_bite};
use crate::export::table::push_row;
use crate::export::{ExportClip, Gap, Marker, MarkerKind, Piece, Select};
use crate::library::{IndexError, Library};
use crate::releases::ReleasesError;
use crate::resolve::{ClipIndex, ClipLookupError};
use crate::search::{Hit, HitKind, judge};
use crate::selects::export_clip_at;
use crate::text::{Diagnostic, Fate, fold_latin};
use crate::timecode::{Rate, TcFormat, Timecode};
use crate::transcript::split_speaker;

/// How fast a voice-over is read: 150 words a minute.
pub const VO_WORDS_PER_SECOND: f64 = 2.5;

/// One line of a paper edit as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    Heading { line: usize, text: String },
    Bite(BiteLine),
    Vo { line: usize, text: String },
    Note { line: usize, text: String },
}

/// A bite as written: the clip as named, the two labels as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BiteLine {
    pub line: usize,
    pub clip: String,
    pub tc_in: String,
    pub tc_out: String,
    pub speaker: Option<String>,
    /// The words as written; empty when the line gives none.
    pub text: String,
}

impl Line {
    pub fn line(&self) -> usize {
        match self {
            Line::Heading { line, .. } | Line::Vo { line, .. } | Line::Note { line, .. } => *line,
            Line::Bite(b) => b.line,
        }
    }
}

/// Reads a paper edit. Every line that is not blank, a comment, a heading,
/// `VO:`, `NOTE:` or a bite is a diagnostic naming its line; the others
/// are kept in order.
pub fn parse(text: &str) -> (Vec<Line>, Vec<Diagnostic>) {
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for (idx, raw) in text.lines().enumerate() {
        let line = idx + 1;
        let t = raw.trim_start_matches('\u{FEFF}').trim();
        if t.is_empty() || t.starts_with("//") {
            continue;
        }
        if let Some(h) = t.strip_prefix('#') {
            let text = h.trim_start_matches('#').trim();
            if text.is_empty() {
                errors.push(Diagnostic::new(line, Fate::Skipped, "a heading with no text"));
            } else {
                lines.push(Line::Heading { line, text: text.to_string() });
            }
            continue;
        }
        if let Some(text) = prefixed(t, "VO") {
            match text {
                "" => errors.push(Diagnostic::new(line, Fate::Skipped, "VO: with no words to read")),
                text => lines.push(Line::Vo { line, text: text.to_string() }),
            }
            continue;
        }
        if let Some(text) = prefixed(t, "NOTE") {
            match text {
                "" => errors.push(Diagnostic::new(line, Fate::Skipped, "NOTE: with no text")),
                text => lines.push(Line::Note { line, text: text.to_string() }),
            }
            continue;
        }
        match bite(t, line) {
            Ok(b) => lines.push(Line::Bite(b)),
            Err(reason) => errors.push(Diagnostic::new(line, Fate::Skipped, reason)),
        }
    }
    (lines, errors)
}

/// The text after `WORD:` (any case), trimmed.
fn prefixed<'t>(line: &'t str, word: &str) -> Option<&'t str> {
    let head = line.get(..word.len())?;
    let rest = line.get(word.len()..)?.trim_start();
    (head.eq_ignore_ascii_case(word) && rest.starts_with(':')).then(|| rest[1..].trim())
}

/// `CLIP TC_IN-TC_OUT [SPEAKER:] text`.
fn bite(t: &str, line: usize) -> Result<BiteLine, String> {
    let shape = "not a heading (#), VO:, NOTE:, // comment or bite (CLIP TC_IN-TC_OUT [SPEAKER:] text)";
    let (clip, rest) = match t.strip_prefix('"') {
        Some(quoted) => {
            let (clip, rest) =
                quoted.split_once('"').ok_or_else(|| format!("{shape}: the clip's closing \" is missing"))?;
            (clip.to_string(), rest)
        }
        None => {
            let end = t.find(char::is_whitespace).unwrap_or(t.len());
            (t[..end].to_string(), &t[end..])
        }
    };
    if clip.is_empty() {
        return Err(format!("{shape}: no clip"));
    }
    let rest = rest.trim_start();
    let (tc_in, rest) = take_label(rest);
    if tc_in.is_empty() {
        return Err(format!("{shape}: no timecode after the clip {clip:?}"));
    }
    let rest = rest.trim_start();
    let rest = if let Some(r) = rest.strip_prefix('-') {
        r
    } else if let Some(r) = rest.strip_prefix("to ").or_else(|| rest.strip_prefix("TO ")) {
        r
    } else {
        return Err(format!("{clip} {tc_in}: expected -, \" - \" or \" to \" and the out timecode"));
    };
    let (tc_out, rest) = take_label(rest.trim_start());
    if tc_out.is_empty() {
        return Err(format!("{clip} {tc_in}: no out timecode after the separator"));
    }
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return Err(format!("{clip} {tc_in}-{tc_out}: a space must follow the out timecode"));
    }
    let words = rest.trim();
    let (speaker, text) = if words.is_empty() { (None, String::new()) } else { split_speaker(words) };
    Ok(BiteLine {
        line,
        clip,
        tc_in: tc_in.to_string(),
        tc_out: tc_out.to_string(),
        speaker,
        text: text.trim().to_string(),
    })
}

/// The longest run of timecode characters (digits, `:`, `;`, `.`) at the
/// start of `s`, and what follows it.
fn take_label(s: &str) -> (&str, &str) {
    let end = s.find(|c: char| !(c.is_ascii_digit() || matches!(c, ':' | ';' | '.'))).unwrap_or(s.len());
    (&s[..end], &s[end..])
}

/// Words as compared with a transcript: lower case, Latin accents folded,
/// punctuation dropped (`Don't,` and `dont` are one word).
pub fn folded_words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '-' || c == '—' || c == '–' || c == '/')
        .map(|w| w.chars().map(fold_latin).filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect())
        .filter(|w: &String| !w.is_empty())
        .collect()
}

/// Whether the written words are said in `heard`: each part between
/// ellipses (`...`, `…`: the producer cut words out) is a run of
/// consecutive words of `heard`, the parts in order.
pub fn words_match(written: &str, heard: &[String]) -> bool {
    let mut from = 0;
    for part in written.split("...").flat_map(|p| p.split('…')) {
        let want = folded_words(part);
        if want.is_empty() {
            continue;
        }
        let found = (from..=heard.len().saturating_sub(want.len()))
            .find(|&i| heard.get(i..i + want.len()).is_some_and(|w| w == want.as_slice()));
        match found {
            Some(i) => from = i + want.len(),
            None => return false,
        }
    }
    true
}

/// One line of a checked paper edit.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Entry {
    Heading {
        line: usize,
        text: String,
    },
    Bite(Box<Bite>),
    /// Narration: its words and how long they take to read.
    Vo {
        line: usize,
        text: String,
        seconds: f64,
    },
    Note {
        line: usize,
        text: String,
    },
}

/// A bite that resolved: where it is, what it says, whether it is cleared.
#[derive(Clone, Debug, Serialize)]
pub struct Bite {
    pub line: usize,
    pub clip: String,
    pub clip_id: String,
    pub path: String,
    /// The labels in the clip's own timecode (out exclusive).
    pub tc_in: String,
    pub tc_out: String,
    pub seconds: f64,
    pub speaker: Option<String>,
    /// The words as written (may be empty).
    pub text: String,
    /// What the transcript says across the span (the cues it overlaps).
    pub transcript: String,
    /// The clip has no frame rate of its own (a memo, an MP3): its time is
    /// counted at the paper edit's rate from 00:00:00:00.
    pub assumed_rate: bool,
    pub clearance: Clearance,
    /// The cuts this span is already used in (see [`crate::used`]).
    pub used: Vec<Used>,
    #[serde(skip)]
    pub select: Select,
}

pub use crate::used::Used;

/// What kind of problem a line has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// The line is none of the kinds a paper edit holds.
    Syntax,
    UnknownClip,
    AmbiguousClip,
    /// A label that does not read at the clip's rate.
    Timecode,
    /// A label before the clip's first frame or after its last.
    OutsideClip,
    /// In is not before out.
    Empty,
    /// The written words are not what the transcript says there.
    TextMismatch,
}

/// A line that does not resolve, by its line.
#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    pub line: usize,
    pub kind: ProblemKind,
    pub reason: String,
    /// For a text mismatch: the words as written and as the transcript has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transcript: Option<String>,
}

/// A section's running time: bites and VO under one heading.
#[derive(Clone, Debug, Serialize)]
pub struct Section {
    /// The heading; `None` for what comes before the first one.
    pub heading: Option<String>,
    pub line: usize,
    pub bites: usize,
    pub vo: usize,
    pub seconds: f64,
}

/// A paper edit resolved against the library.
#[derive(Clone, Debug, Serialize)]
pub struct Checked {
    pub file: String,
    /// The rate bites on clips without one are counted at, and an export's
    /// sequence rate unless another is asked for.
    pub fps: String,
    #[serde(skip)]
    pub format: TcFormat,
    /// Bites and VO, in seconds.
    pub seconds: f64,
    pub sections: Vec<Section>,
    pub entries: Vec<Entry>,
    pub problems: Vec<Problem>,
}

impl Checked {
    /// Whether every line resolved.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// The resolved bites, in document order.
    pub fn bites(&self) -> impl Iterator<Item = &Bite> {
        self.entries.iter().filter_map(|e| match e {
            Entry::Bite(b) => Some(b.as_ref()),
            _ => None,
        })
    }
}

/// Why a paper edit could not be checked at all (its lines' problems are
/// in [`Checked::problems`]).
#[derive(Debug, thiserror::Error)]
pub enum PaperError {
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Releases(#[from] ReleasesError),
    #[error(transparent)]
    Used(#[from] crate::used::UsedError),
}

/// How long `text` takes to read aloud, in seconds.
pub fn read_seconds(text: &str) -> f64 {
    text.split_whitespace().count() as f64 / VO_WORDS_PER_SECOND
}

/// Resolves the paper edit `text` (from `file`, for the report) against
/// the library: each bite's clip, span, words and clearance, releases
/// expiring against `as_of` (today when `None`). `rate` is the rate for
/// bites on clips without one; without it, the first bite's clip's rate
/// that has one (25 when none has).
pub fn check(
    lib: &Library,
    file: &str,
    text: &str,
    rate: Option<TcFormat>,
    as_of: Option<&str>,
) -> Result<Checked, PaperError> {
    let (lines, diagnostics) = parse(text);
    let mut problems: Vec<Problem> = diagnostics
        .into_iter()
        .map(|d| Problem { line: d.line, kind: ProblemKind::Syntax, reason: d.reason, written: None, transcript: None })
        .collect();
    let judge = judge(lib, as_of)?;
    let marks = crate::used::marks(&lib.dir)?;
    let snap = lib.snapshot()?;
    let clips = snap.clips()?;
    // Each named clip is looked up once, even when 500 bites name it.
    let index = ClipIndex::new(&clips);
    let mut named: HashMap<String, Result<&Clip, ClipLookupError>> = HashMap::new();
    for l in &lines {
        if let Line::Bite(b) = l {
            named.entry(b.clip.clone()).or_insert_with(|| index.resolve(&b.clip));
        }
    }
    let bite_clips = lines.iter().filter_map(|l| match l {
        Line::Bite(b) => named.get(b.clip.as_str()).and_then(|r| r.as_ref().ok()).copied(),
        _ => None,
    });
    let format = crate::selects::sequence_format(rate, bite_clips);
    let mut transcripts: HashMap<String, Vec<Segment>> = HashMap::new();
    let mut entries = Vec::new();
    for l in lines {
        match l {
            Line::Heading { line, text } => entries.push(Entry::Heading { line, text }),
            Line::Note { line, text } => entries.push(Entry::Note { line, text }),
            Line::Vo { line, text } => {
                let seconds = read_seconds(&text);
                entries.push(Entry::Vo { line, text, seconds });
            }
            Line::Bite(b) => {
                let clip = match named.get(b.clip.as_str()) {
                    Some(Ok(c)) => *c,
                    Some(Err(ClipLookupError::Ambiguous { candidates, .. })) => {
                        let paths: Vec<&str> = candidates.iter().map(|c| c.rel_path.as_str()).collect();
                        problems.push(problem(
                            b.line,
                            ProblemKind::AmbiguousClip,
                            format!(
                                "{} clips are named {:?}: {}; write the id or path",
                                paths.len(),
                                b.clip,
                                paths.join(", ")
                            ),
                        ));
                        continue;
                    }
                    _ => {
                        problems.push(problem(
                            b.line,
                            ProblemKind::UnknownClip,
                            format!("no clip {:?} in the library", b.clip),
                        ));
                        continue;
                    }
                };
                let Some(ec) = export_clip_at(clip, format) else {
                    problems.push(problem(b.line, ProblemKind::Timecode, format!("{}: no length known", clip.name)));
                    continue;
                };
                let (in_frame, out_frame) = match span(&ec, &b) {
                    Ok(s) => s,
                    Err(p) => {
                        problems.push(p);
                        continue;
                    }
                };
                if !transcripts.contains_key(&clip.id) {
                    transcripts.insert(clip.id.clone(), snap.segments_of_clip(&clip.id)?);
                }
                let cues: Vec<&Segment> = transcripts
                    .get(&clip.id)
                    .map(|all| all.iter().filter(|s| overlaps(s, &ec, in_frame, out_frame)).collect())
                    .unwrap_or_default();
                let heard = cues.iter().map(|c| c.text.trim()).collect::<Vec<_>>().join(" ");
                if !b.text.is_empty() && !words_match(&b.text, &folded_words(&heard)) {
                    let reason = if cues.is_empty() {
                        format!(
                            "{} {}-{}: no transcript there to check the words against",
                            clip.name, b.tc_in, b.tc_out
                        )
                    } else {
                        format!(
                            "{} {}-{}: the words are not what the transcript says there",
                            clip.name, b.tc_in, b.tc_out
                        )
                    };
                    problems.push(Problem {
                        line: b.line,
                        kind: ProblemKind::TextMismatch,
                        reason,
                        written: Some(b.text.clone()),
                        transcript: Some(heard.clone()),
                    });
                }
                let speaker = b.speaker.clone().or_else(|| {
                    let mut who: Vec<&str> = Vec::new();
                    for s in cues.iter().filter_map(|c| c.speaker.as_deref()) {
                        if !who.contains(&s) {
                            who.push(s);
                        }
                    }
                    (!who.is_empty()).then(|| who.join(" / "))
                });
                let speakers: Vec<&str> = speaker.iter().flat_map(|s| s.split(" / ")).collect();
                let clearance = judge.clearance(Some(clip), Some((in_frame, out_frame)), &speakers);
                let text = if b.text.is_empty() { heard.clone() } else { b.text.clone() };
                let comment = ec.assumed_rate.then(|| assumed_rate_note(&ec));
                let mark = judge.has_log().then(|| crate::selects::clearance_mark(&clearance));
                let select = Select {
                    clip: ec.clone(),
                    in_frame,
                    out_frame,
                    speaker: speaker.clone(),
                    text,
                    comment,
                    clearance: mark,
                };
                entries.push(Entry::Bite(Box::new(Bite {
                    line: b.line,
                    clip: clip.name.clone(),
                    clip_id: clip.id.clone(),
                    path: clip.path.clone(),
                    tc_in: select.tc_in().to_string(),
                    tc_out: select.tc_out().to_string(),
                    seconds: ec.rate().seconds(out_frame - in_frame),
                    speaker,
                    text: b.text,
                    transcript: heard,
                    assumed_rate: ec.assumed_rate,
                    clearance,
                    used: marks.of(&clip.id, Some((in_frame, out_frame))),
                    select,
                })));
            }
        }
    }
    problems.sort_by_key(|p| p.line);
    let sections = sections(&entries);
    let seconds = sections.iter().map(|s| s.seconds).sum();
    Ok(Checked { file: file.to_string(), fps: format.rate().label(), format, seconds, sections, entries, problems })
}

pub use crate::selects::assumed_rate_note;

fn problem(line: usize, kind: ProblemKind, reason: String) -> Problem {
    Problem { line, kind, reason, written: None, transcript: None }
}

/// The frames `[in, out)` a bite names in its clip, or why not.
fn span(ec: &ExportClip, b: &BiteLine) -> Result<(u64, u64), Problem> {
    let label = |text: &str, field: &str| {
        if text.contains(';') && !ec.format.is_drop_frame() {
            let df = if ec.format.rate().allows_drop_frame() { "non-drop" } else { "a rate without drop-frame" };
            return Err(problem(
                b.line,
                ProblemKind::Timecode,
                format!("{} {field} {text}: ';' is drop-frame and the clip is {} {df}", ec.name, ec.rate().label()),
            ));
        }
        Timecode::parse_in(text, ec.format).map_err(|e| {
            problem(
                b.line,
                ProblemKind::Timecode,
                format!("{} {field} {text}: {e} (the clip runs at {} fps)", ec.name, ec.rate().label()),
            )
        })
    };
    let (tc_in, tc_out) = (label(&b.tc_in, "in")?, label(&b.tc_out, "out")?);
    let end = ec.start.add_frames(ec.n_frames);
    let outside = |field: &str, tc: Timecode| {
        problem(
            b.line,
            ProblemKind::OutsideClip,
            format!("{} {field} {tc} is outside the clip ({} - {})", ec.name, ec.start, end),
        )
    };
    // Frames from the clip's first frame, going forward: a label before
    // the first frame wraps past the end, so it is outside too.
    let (i, o) = (tc_in.frames_since(ec.start), tc_out.frames_since(ec.start));
    if i >= ec.n_frames {
        return Err(outside("in", tc_in));
    }
    if o > ec.n_frames {
        return Err(outside("out", tc_out));
    }
    if o <= i {
        return Err(problem(b.line, ProblemKind::Empty, format!("{} out {tc_out} must be after in {tc_in}", ec.name)));
    }
    Ok((i, o))
}

/// Whether a cue overlaps the frames `[in, out)` of its clip.
fn overlaps(s: &Segment, ec: &ExportClip, in_frame: u64, out_frame: u64) -> bool {
    let (a, b) = match (s.frame_in, s.frame_out) {
        (Some(a), Some(b)) => (a, b),
        // A clip without a rate has cue times only: at the assumed rate.
        _ => {
            let at = |secs: f64| ec.rate().frames_nearest((secs.max(0.0) * 1000.0).round() as u128, 1000);
            (at(s.offset_in_s), at(s.offset_out_s))
        }
    };
    a < out_frame && in_frame < b.max(a + 1)
}

/// The running time of each section: bites and VO under each heading.
fn sections(entries: &[Entry]) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    for e in entries {
        let current = |out: &mut Vec<Section>| {
            if out.is_empty() {
                out.push(Section { heading: None, line: 0, bites: 0, vo: 0, seconds: 0.0 });
            }
            out.len() - 1
        };
        match e {
            Entry::Heading { line, text } => {
                out.push(Section { heading: Some(text.clone()), line: *line, bites: 0, vo: 0, seconds: 0.0 })
            }
            Entry::Bite(b) => {
                let i = current(&mut out);
                out[i].bites += 1;
                out[i].seconds += b.seconds;
            }
            Entry::Vo { seconds, .. } => {
                let i = current(&mut out);
                out[i].vo += 1;
                out[i].seconds += seconds;
            }
            Entry::Note { .. } => {}
        }
    }
    out
}

/// `SS` seconds as `M:SS` (or `H:MM:SS`), rounded to the second: how
/// producers say a running time.
pub fn running_time(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// A bite line as a paper edit holds it, ready to paste: `CLIP IN-OUT
/// SPEAKER: text` (the clip in quotes when its name has a space).
pub fn bite_line(clip: &str, tc_in: &str, tc_out: &str, speaker: Option<&str>, text: &str) -> String {
    let clip = if clip.contains(char::is_whitespace) || clip.starts_with('"') {
        format!("\"{clip}\"")
    } else {
        clip.to_string()
    };
    let text = one_line_text(text);
    let mut out = format!("{clip} {tc_in}-{tc_out}");
    match speaker.map(str::trim).filter(|s| !s.is_empty()) {
        Some(who) => out.push_str(&format!(" {}: {text}", who.replace(':', " "))),
        None if !text.is_empty() => out.push_str(&format!(" {text}")),
        None => {}
    }
    out.trim_end().to_string()
}

/// The paper edit as an NLE export lays it out: the bites as selects in
/// document order, and the pieces around them at the sequence's `format`:
/// a heading or note is a marker where the next piece starts, a VO a gap
/// of its read time with a marker carrying its words.
pub fn timeline(checked: &Checked, format: TcFormat) -> (Vec<Select>, Vec<Piece>) {
    let mut selects = Vec::new();
    let mut layout = Vec::new();
    let marker = |kind, text: &str| Piece::Marker(Marker { kind, text: text.to_string() });
    for e in &checked.entries {
        match e {
            Entry::Heading { text, .. } => layout.push(marker(MarkerKind::Heading, text)),
            Entry::Note { text, .. } => layout.push(marker(MarkerKind::Note, text)),
            Entry::Vo { text, .. } => {
                layout.push(marker(MarkerKind::Vo, text));
                layout.push(Piece::Gap(Gap { frames: vo_frames(text, format.rate()), title: format!("VO: {text}") }));
            }
            Entry::Bite(b) => {
                layout.push(Piece::Select(selects.len()));
                selects.push(b.select.clone());
            }
        }
    }
    (selects, layout)
}

/// A VO's read time in frames at `rate` (words ÷ 2.5 s, nearest frame).
pub fn vo_frames(text: &str, rate: Rate) -> u64 {
    let words = text.split_whitespace().count() as u128;
    rate.frames_nearest(words * 2, 5)
}

/// The paper edit as the producer's script ("Word with ref"): headings
/// with their section's running time, each bite's speaker, reference and
/// words, VO and notes set apart.
pub fn script(checked: &Checked, title: &str) -> Script {
    let mut blocks = Vec::new();
    let mut sections = checked.sections.iter().filter(|s| s.heading.is_some());
    for e in &checked.entries {
        match e {
            Entry::Heading { text, .. } => {
                let detail = sections.next().map(|s| format!("running time {}", running_time(s.seconds)));
                blocks.push(Block::Heading { text: text.clone(), detail });
            }
            Entry::Bite(b) => {
                let mut bite = script_bite(&b.select);
                let mut detail = vec![running_time(b.seconds)];
                if b.clearance.status != crate::releases::Status::Unknown {
                    detail.push(b.clearance.status.to_string());
                }
                if b.assumed_rate {
                    detail.push(format!("rate assumed: {} fps", checked.fps));
                }
                bite.detail = Some(detail.join(", "));
                blocks.push(Block::Bite(bite));
            }
            Entry::Vo { text, seconds, .. } => blocks.push(Block::Aside {
                label: "VO".into(),
                text: text.clone(),
                detail: Some(format!("read time {}", running_time(*seconds))),
            }),
            Entry::Note { text, .. } => {
                blocks.push(Block::Aside { label: "NOTE".into(), text: text.clone(), detail: None })
            }
        }
    }
    Script {
        title: title.to_string(),
        subtitle: vec![
            format!("Paper edit {}", checked.file),
            format!("Running time {} (VO read at {VO_WORDS_PER_SECOND} words a second)", running_time(checked.seconds)),
        ],
        blocks,
    }
}

/// The header of [`csv`].
pub const CSV_HEADER: [&str; 12] = [
    "line",
    "kind",
    "section",
    "clip",
    "tc_in",
    "tc_out",
    "seconds",
    "speaker",
    "text",
    "clearance",
    "clip_id",
    "path",
];

/// The paper edit as a table, one row per line in order: its kind
/// (`heading`, `bite`, `vo`, `note`), the section it is in, and for a bite
/// the clip, source TC (out exclusive), length, speaker, words, clearance.
pub fn csv(checked: &Checked) -> String {
    let mut out = String::new();
    push_row(&mut out, CSV_HEADER.iter().copied());
    let mut section = String::new();
    for e in &checked.entries {
        // A line that is not a bite fills line, kind, section, its length
        // and its text; the clip's columns stay empty.
        let plain = |line: &usize, kind: &str, section: &str, seconds: String, text: &str| {
            let mut row: [String; 12] = Default::default();
            row[0] = line.to_string();
            row[1] = kind.to_string();
            row[2] = section.to_string();
            row[6] = seconds;
            row[8] = text.to_string();
            row
        };
        let row: [String; 12] = match e {
            Entry::Heading { line, text } => {
                section = text.clone();
                plain(line, "heading", &section, String::new(), text)
            }
            Entry::Bite(b) => [
                b.line.to_string(),
                "bite".into(),
                section.clone(),
                b.clip.clone(),
                b.tc_in.clone(),
                b.tc_out.clone(),
                format!("{:.3}", b.seconds),
                b.speaker.clone().unwrap_or_default(),
                b.select.text.clone(),
                b.clearance.status.to_string(),
                b.clip_id.clone(),
                b.path.clone(),
            ],
            Entry::Vo { line, text, seconds } => plain(line, "vo", &section, format!("{seconds:.3}"), text),
            Entry::Note { line, text } => plain(line, "note", &section, String::new(), text),
        };
        push_row(&mut out, row.iter().map(String::as_str));
    }
    out
}

/// How a paper edit names `clip`: its file name when that names it
/// alone, else its path inside the dump (every Sony card has a
/// `C0001.MP4`), else its id.
pub fn clip_handle(clip: &Clip, clips: &ClipIndex) -> String {
    for handle in [&clip.name, &clip.rel_path] {
        if clips.resolve(handle).is_ok_and(|c| c.id == clip.id) {
            return handle.clone();
        }
    }
    clip.id.clone()
}

/// Search hits as paper-edit lines, ready to paste: a soundbite is a bite
/// line; a note or a clip is a `//` comment (a note has no out point, a
/// clip no words). Words on a clip without a frame rate (a phone memo, an
/// MP3) are a bite at the paper edit's rate, as `paper check` and export
/// read it: the first hit clip's rate that has one, else 25 fps, counted
/// from 00:00:00:00, seconds to the nearest frame.
pub fn hit_lines(hits: &[Hit], clips: &[Clip]) -> Vec<String> {
    let by_id: HashMap<&str, &Clip> = clips.iter().map(|c| (c.id.as_str(), c)).collect();
    let index = ClipIndex::new(clips);
    let clip_of = |h: &Hit| h.clip_id.as_deref().and_then(|id| by_id.get(id)).copied();
    let format = crate::selects::sequence_format(None, hits.iter().filter_map(clip_of));
    hits.iter()
        .map(|h| {
            let clip = clip_of(h);
            let name =
                clip.map_or_else(|| h.clip.clone().unwrap_or_else(|| "(no clip)".into()), |c| clip_handle(c, &index));
            let words = h.text.split_whitespace().collect::<Vec<_>>().join(" ");
            match (h.kind, &h.tc_in, &h.tc_out) {
                (HitKind::Soundbite, Some(i), Some(o)) => bite_line(&name, i, o, h.speaker.as_deref(), &h.text),
                (HitKind::Soundbite, _, _) => match clip.and_then(|c| memo_span(c, h, format)) {
                    Some((i, o)) => bite_line(&name, &i, &o, h.speaker.as_deref(), &h.text),
                    None => format!(
                        "// {name} at {:.3}s-{:.3}s (no frame rate and no known length) {words}",
                        h.offset_in_s.unwrap_or(0.0),
                        h.offset_out_s.unwrap_or(0.0)
                    ),
                },
                (HitKind::Note, Some(i), _) => format!("// note {name} {i}: {words}"),
                (HitKind::Note, None, _) => format!("// note {name}: {words}"),
                (HitKind::Clip, _, _) => format!("// clip {name}"),
            }
        })
        .collect()
}

/// The labels of a hit on a clip without a frame rate, at `format` from
/// 00:00:00:00 (out exclusive, inside the clip), as an export places it.
fn memo_span(clip: &Clip, h: &Hit, format: TcFormat) -> Option<(String, String)> {
    let ec = export_clip_at(clip, format)?;
    let frame = |s: Option<f64>| {
        let ms = s.filter(|s| s.is_finite() && *s >= 0.0).map(|s| (s * 1000.0).round() as u128)?;
        Some(ec.rate().frames_nearest(ms, 1000))
    };
    let a = frame(h.offset_in_s)?;
    let b = frame(h.offset_out_s)?.min(ec.n_frames);
    (a < b).then(|| (Timecode::from_frames(a, format).to_string(), Timecode::from_frames(b, format).to_string()))
}

/// A first draft of a paper edit from selects (a search's, a selects
/// CSV's or a bin's): a heading, then one bite line per select in order,
/// each select's comment as a `NOTE:` after it.
pub fn draft(title: &str, source: &str, selects: &[Select], clips: &[Clip]) -> String {
    let by_id: HashMap<&str, &Clip> = clips.iter().map(|c| (c.id.as_str(), c)).collect();
    let index = ClipIndex::new(clips);
    let mut out = format!(
        "// Paper edit drafted by rushes from {source}.\n// Lines: # heading, CLIP TC_IN-TC_OUT [SPEAKER:] text, VO: narration, NOTE: to the editor.\n\n# {}\n",
        one_line_text(title)
    );
    for s in selects {
        let name = by_id.get(s.clip.id.as_str()).map_or_else(|| s.clip.name.clone(), |c| clip_handle(c, &index));
        out.push_str(&bite_line(&name, &s.tc_in().to_string(), &s.tc_out().to_string(), s.speaker.as_deref(), &s.text));
        out.push('\n');
        if let Some(c) = s.comment.as_deref().map(one_line_text).filter(|c| !c.is_empty()) {
            out.push_str(&format!("NOTE: {c}\n"));
        }
    }
    out
}

/// Text on one line: every run of white space (a line break too) one space.
fn one_line_text(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<String> {
        let (lines, errors) = parse(text);
        let mut out: Vec<String> = lines
            .iter()
            .map(|l| match l {
                Line::Heading { line, text } => format!("{line} H {text}"),
                Line::Vo { line, text } => format!("{line} VO {text}"),
                Line::Note { line, text } => format!("{line} NOTE {text}"),
                Line::Bite(b) => format!(
                    "{} B {}|{}|{}|{}|{}",
                    b.line,
                    b.clip,
                    b.tc_in,
                    b.tc_out,
                    b.speaker.as_deref().unwrap_or("-"),
                    b.text
                ),
            })
            .collect();
        out.extend(errors.iter().map(|d| format!("{} ERR {}", d.line, d.reason)));
        out
    }

    #[test]
    fn every_line_kind_reads() {
        let text = "\u{FEFF}# Cold open\n\n// a comment\nC0001.MP4 14:31:00;10-14:31:01;00 MARIA: The river came up.\n\
                    VO: In March the river rose.\nnote: hold on the wide\n\
                    A003C012 14:31:10:05 - 14:31:11:00 just words\n\"My Clip.mov\" 00:00:01:00 to 00:00:02:00\n\
                    ## Act one\n";
        assert_eq!(
            kinds(text),
            [
                "1 H Cold open",
                "4 B C0001.MP4|14:31:00;10|14:31:01;00|MARIA|The river came up.",
                "5 VO In March the river rose.",
                "6 NOTE hold on the wide",
                "7 B A003C012|14:31:10:05|14:31:11:00|-|just words",
                "8 B My Clip.mov|00:00:01:00|00:00:02:00|-|",
                "9 H Act one",
            ]
        );
    }

    #[test]
    fn bad_lines_are_reported_by_line_and_the_rest_kept() {
        let got = kinds(
            "#\nVO:\nC0001.MP4\nC0001.MP4 10:00:00:00\nC0001.MP4 10:00:00:00-\nok 00:00:00:00-00:00:01:00\n\"x 1",
        );
        assert_eq!(got[0], "6 B ok|00:00:00:00|00:00:01:00|-|");
        let lines: Vec<&str> = got[1..].iter().map(|l| l.split(' ').next().unwrap_or("")).collect();
        assert_eq!(lines, ["1", "2", "3", "4", "5", "7"]);
        assert!(got.iter().any(|l| l.starts_with("4 ERR") && l.contains("expected -")), "{got:?}");
        assert!(got.iter().any(|l| l.starts_with("5 ERR") && l.contains("no out timecode")), "{got:?}");
    }

    #[test]
    fn words_compare_folded_and_in_runs() {
        let heard = folded_words("The river came up, fast. Nobody expected it — not even Ana.");
        assert!(words_match("the RIVER came up", &heard));
        assert!(words_match("came up fast ... not even ana", &heard));
        assert!(words_match("nobody expected it… Ána", &heard));
        assert!(!words_match("the river went down", &heard));
        assert!(!words_match("not even ana ... nobody", &heard));
        assert!(words_match("", &heard));
    }

    #[test]
    fn read_time_and_running_time() {
        assert_eq!(read_seconds("one two three four five"), 2.0);
        assert_eq!(running_time(61.4), "1:01");
        assert_eq!(running_time(3725.0), "1:02:05");
    }

    #[test]
    fn bite_lines_read_back() {
        let line = bite_line("My Clip.mov", "00:00:01:00", "00:00:02:00", Some("ANA"), "Hello\nthere");
        assert_eq!(line, "\"My Clip.mov\" 00:00:01:00-00:00:02:00 ANA: Hello there");
        let (lines, errors) = parse(&line);
        assert!(errors.is_empty());
        let Some(Line::Bite(b)) = lines.first() else { panic!("a bite") };
        assert_eq!(
            (b.clip.as_str(), b.speaker.as_deref(), b.text.as_str()),
            ("My Clip.mov", Some("ANA"), "Hello there")
        );
    }
}
