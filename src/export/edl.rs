//! CMX3600 edit decision list: the lowest common denominator every NLE and
//! conform tool reads (Avid, Premiere, Resolve, OpenTimelineIO, pycmx).
//!
//! Contract of what [`write`] produces:
//!
//! - `TITLE: <title>` (ASCII only: accented Latin letters lose their accent,
//!   other characters become `_`, control characters and newlines become
//!   spaces; an empty title is `UNTITLED`), then `FCM: DROP FRAME` or
//!   `FCM: NON-DROP FRAME` from the sequence format, then a blank line.
//! - One cut event per select, numbered from `001` (a 1000th event gets four
//!   digits, as Premiere writes them), in the standard columns:
//!   `001  REEL     V     C        SRC_IN      SRC_OUT     REC_IN      REC_OUT`.
//! - Channels are the Avid/CMX shorthands that both pycmx and the OTIO
//!   adapter map to tracks: `V` (video only), `B` (video and A1), `AA/V`
//!   (video, A1, A2), `A` (A1), `AA` (A1, A2). A clip with 3 or 4 channels adds
//!   the CMX extension line `AUD  3` or `AUD  3    4` after the event.
//!   Lossy: channels past 4 are not listed; a clip with neither video nor
//!   audio is listed as `V`.
//! - Reel: the clip's reel, else its file name without extension, upper
//!   case, every character outside `A-Z 0-9 _` turned into `_`. A name longer
//!   than 8 characters, one that collides with another source's reel, or one
//!   a reader treats as special (`BL`, `BLACK`, `BARS`, `AX`, ...) becomes its
//!   first 4 characters plus 4 hex digits of a hash of the full name:
//!   deterministic, and unique within the list. The real names follow the
//!   event: `* FROM CLIP NAME:  <file name>` (two spaces, as Avid writes),
//!   `* FROM CLIP: <path>` (what OpenTimelineIO reads as the media path),
//!   `* SOURCE FILE: <path>` (what Avid and pycmx read), then
//!   `* COMMENT: <speaker>: <text>` and the AP's comment as a second
//!   `* COMMENT:`; a select that is not cleared gets one
//!   `* CLEARANCE: <status>: <reason>` line per reason (OpenTimelineIO
//!   keeps them among the clip's `cmx_3600` comments; Avid shows comment
//!   lines in the bin's comment column). Comment lines are UTF-8, on one line each: CR, LF, tab and
//!   other control characters become spaces and runs of spaces collapse.
//!   The name and path lines keep every character (two spaces stay two)
//!   except control characters, which a line cannot hold and become
//!   spaces: a path with a line break or tab then names no file, so the
//!   export warns and that clip must be relinked by hand (the XML, OTIO and
//!   CSV exports keep such paths exactly).
//!   (Premiere is known to name clips `UNKNOWN` when a `FROM CLIP:` path is
//!   present; use the FCP7 XML export for Premiere.)
//! - Source in/out: the clip's own timecode labelling (`;` before the frames
//!   of a drop-frame clip). Out is exclusive: the frame after the last one,
//!   so `out - in` is the event length. Labels are counted from the clip's
//!   start: in a clip that runs past midnight the hours keep counting
//!   (`23:59:58;00` … `24:00:02;00`), so every source label lies inside the
//!   clip's own range and no reader sees a negative length; [`tc_frames`]
//!   reads such labels back.
//! - Record in/out: continuous from `seq.record_start`, in the sequence's
//!   labelling, each event [`Sequence::record_frames`] long.
//! - An EDL has one rate. When a clip's rate differs from the sequence's,
//!   its source timecode is expressed at the sequence rate: the clip's start
//!   label keeps its hours, minutes and seconds and its frames are scaled
//!   down to the sequence's frame (`14:30:59;28` at 29.97 becomes
//!   `14:30:59:22` at 23.976), and the in point and length are converted from
//!   the clip start through exact rational time ([`convert_frames`]). A
//!   `* NOTE:` line says so and gives the clip's own timecode. A drop-frame
//!   clip in a non-drop list (or the reverse) at the same rate keeps its own
//!   labelling, with a `* NOTE:` saying so.
//! - LF line ends; [`read`] also accepts CRLF.

use std::collections::{HashMap, HashSet};

use super::{Placed, PlacedKind, Select, Sequence, convert_frames};
use crate::text::fold_latin;
use crate::timecode::{TcFormat, Timecode, TimecodeError};

/// Reel names that CMX readers give a meaning of their own (black, bars,
/// auxiliary source); a clip never gets one of these.
const RESERVED_REELS: [&str; 6] = ["BL", "BLK", "BLACK", "BARS", "AX", "AUX"];

/// Writes `selects` as a CMX3600 EDL (see the module doc for the contract).
pub fn write(seq: &Sequence, selects: &[Select]) -> String {
    let mut out = String::new();
    let title = ascii_line(&seq.title);
    out.push_str(&format!("TITLE: {}\n", if title.is_empty() { "UNTITLED" } else { &title }));
    out.push_str(if seq.format.is_drop_frame() { "FCM: DROP FRAME\n" } else { "FCM: NON-DROP FRAME\n" });
    out.push('\n');
    let mut reels = Reels::default();
    for (idx, placed) in seq.place(selects).iter().enumerate() {
        let record = placed.record_in;
        let rec_len = placed.record_len;
        let sel = match placed.what {
            PlacedKind::Select(sel) => sel,
            PlacedKind::Gap(gap) => {
                // Black for the narration still to be recorded: `BL` is the
                // reel every CMX reader takes for black (OTIO: a black
                // generator; pycmx: a black edit), its source from zero.
                let zero = Timecode::zero(seq.format);
                out.push_str(&format!(
                    "{:03}  {:<8} {:<5} C        {} {} {} {}\n",
                    idx + 1,
                    "BL",
                    "V",
                    zero,
                    zero.add_frames(rec_len),
                    label_after(seq.record_start, record),
                    label_after(seq.record_start, record.saturating_add(rec_len)),
                ));
                out.push_str(&format!("* COMMENT: {}\n", one_line(&gap.title)));
                push_locators(&mut out, seq, placed);
                continue;
            }
        };
        let clip = &sel.clip;
        let src = source_span(seq, sel, rec_len);
        // Clips without a reel are told apart by their path: two phones'
        // IMG_0001.MOV must not share a reel (and timecode) in the list.
        let key = match sel.clip.reel.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            Some(reel) => reel.to_string(),
            None => sel.clip.path.clone(),
        };
        let reel = reels.name_for_keyed(&key, &reel_source(sel));
        let (channels, aud) = channel_code(clip.has_video, clip.audio_channels);
        out.push_str(&format!(
            "{:03}  {:<8} {:<5} C        {} {} {} {}\n",
            idx + 1,
            reel,
            channels,
            src.tc_in,
            src.tc_out,
            label_after(seq.record_start, record),
            label_after(seq.record_start, record.saturating_add(rec_len)),
        ));
        if let Some(aud) = aud {
            out.push_str(aud);
            out.push('\n');
        }
        out.push_str(&format!("* FROM CLIP NAME:  {}\n", verbatim_line(&clip.name)));
        out.push_str(&format!("* FROM CLIP: {}\n", verbatim_line(&clip.path)));
        out.push_str(&format!("* SOURCE FILE: {}\n", verbatim_line(&clip.path)));
        let words = one_line(&sel.text);
        let speaker = sel.speaker.as_deref().map(one_line).filter(|s| !s.is_empty());
        match (speaker, words.is_empty()) {
            (Some(who), false) => out.push_str(&format!("* COMMENT: {who}: {words}\n")),
            (None, false) => out.push_str(&format!("* COMMENT: {words}\n")),
            (_, true) => {}
        }
        if let Some(comment) = sel.comment.as_deref().map(one_line).filter(|c| !c.is_empty()) {
            out.push_str(&format!("* COMMENT: {comment}\n"));
        }
        for line in sel.uncleared().map(|c| c.lines()).unwrap_or_default() {
            out.push_str(&format!("* CLEARANCE: {}\n", one_line(&line)));
        }
        if let Some(note) = src.note {
            out.push_str(&format!("* NOTE: {note}\n"));
        }
        push_locators(&mut out, seq, placed);
    }
    out
}

/// The markers on an event as Avid locators, `* LOC: TC COLOR text`: the
/// record timecode written with `:` throughout (the form OTIO's reader
/// matches), the text on one line.
fn push_locators(out: &mut String, seq: &Sequence, placed: &Placed) {
    for (offset, marker) in &placed.markers {
        let tc = label_after(seq.record_start, placed.record_in.saturating_add(*offset)).replace([';', '.'], ":");
        out.push_str(&format!(
            "* LOC: {tc} {:<7} {}\n",
            marker.kind.color(),
            one_line(&marker.kind.label(&marker.text))
        ));
    }
}

/// One event as [`read`] finds it: the event line's fields as written, and
/// the comment lines that follow it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EdlEvent {
    pub number: u32,
    pub reel: String,
    /// The channel field: `V`, `B`, `AA/V`, `A`, `AA`...
    pub channels: String,
    /// Audio channels added by an `AUD` extension line (3, 4).
    pub extra_audio: Vec<u32>,
    pub src_in: String,
    pub src_out: String,
    pub rec_in: String,
    pub rec_out: String,
    pub clip_name: Option<String>,
    /// `* FROM CLIP:` or, failing that, `* SOURCE FILE:`.
    pub source_file: Option<String>,
    /// `* COMMENT:` bodies in order.
    pub comments: Vec<String>,
    /// `* NOTE:` bodies in order.
    pub notes: Vec<String>,
    /// `* CLEARANCE:` bodies in order (`pending: Jean Martin: release
    /// pending`).
    pub clearance: Vec<String>,
}

/// Why [`read`] refused an EDL: each names its 1-based line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EdlError {
    #[error("line {line}: expected 8 fields in an event line, found {found}")]
    FieldCount { line: usize, found: usize },
    #[error("line {line}: only cuts (C) are read, found {transition:?}")]
    NotACut { line: usize, transition: String },
    #[error("line {line}: bad event number {number:?}")]
    EventNumber { line: usize, number: String },
    #[error("line {line}: not an event, AUD or comment line: {text:?}")]
    UnknownLine { line: usize, text: String },
}

/// Why [`tc_frames`] could not read a label.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LabelError {
    #[error(transparent)]
    Timecode(#[from] TimecodeError),
    #[error("timecode {0:?}: bad hours")]
    Hours(String),
    #[error("timecode {0:?}: hours out of range")]
    HoursRange(String),
}

/// Reads the dialect [`write`] produces (and plain CMX3600 cut lists): the
/// events with their comments. `TITLE:`/`FCM:` lines, blank lines and
/// unknown `*` remarks are skipped; an event line that is not
/// `NUM REEL CHANNELS C SRC_IN SRC_OUT REC_IN REC_OUT` is an error naming
/// its line. CRLF line ends are accepted.
pub fn read(text: &str) -> Result<Vec<EdlEvent>, EdlError> {
    let mut events: Vec<EdlEvent> = Vec::new();
    for (idx, raw) in text.lines().enumerate() {
        let line_no = idx + 1;
        let line = raw.trim_end_matches('\r').trim();
        if line.is_empty() || line.starts_with("TITLE:") || line.starts_with("FCM:") {
            continue;
        }
        if line.starts_with(|c: char| c.is_ascii_digit()) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let [number, reel, channels, transition, src_in, src_out, rec_in, rec_out] = fields.as_slice() else {
                return Err(EdlError::FieldCount { line: line_no, found: fields.len() });
            };
            if *transition != "C" {
                return Err(EdlError::NotACut { line: line_no, transition: transition.to_string() });
            }
            let number =
                number.parse().map_err(|_| EdlError::EventNumber { line: line_no, number: number.to_string() })?;
            events.push(EdlEvent {
                number,
                reel: reel.to_string(),
                channels: channels.to_string(),
                src_in: src_in.to_string(),
                src_out: src_out.to_string(),
                rec_in: rec_in.to_string(),
                rec_out: rec_out.to_string(),
                ..EdlEvent::default()
            });
            continue;
        }
        let Some(event) = events.last_mut() else {
            // Header remarks before the first event belong to no event.
            continue;
        };
        if let Some(rest) = line.strip_prefix("AUD") {
            event.extra_audio.extend(rest.split_whitespace().filter_map(|c| c.parse::<u32>().ok()));
        } else if let Some(remark) = line.strip_prefix('*') {
            let remark = remark.trim_start();
            let body = |prefix: &str| remark.strip_prefix(prefix).map(|b| b.trim().to_string());
            if let Some(name) = body("FROM CLIP NAME:") {
                event.clip_name = Some(name);
            } else if let Some(path) = body("FROM CLIP:") {
                event.source_file = Some(path);
            } else if let Some(path) = body("SOURCE FILE:") {
                event.source_file.get_or_insert(path);
            } else if let Some(comment) = body("COMMENT:") {
                event.comments.push(comment);
            } else if let Some(note) = body("NOTE:") {
                event.notes.push(note);
            } else if let Some(mark) = body("CLEARANCE:") {
                event.clearance.push(mark);
            }
        } else {
            return Err(EdlError::UnknownLine { line: line_no, text: line.to_string() });
        }
    }
    Ok(events)
}

/// The frame (since midnight, not wrapped) of a label written by this
/// module: hours from 24 up mean the next day, as [`write`] writes an out
/// point past midnight.
pub fn tc_frames(text: &str, format: TcFormat) -> Result<u64, LabelError> {
    let t = text.trim();
    let (hours, rest) = t.split_once([':', ';']).ok_or_else(|| TimecodeError::Syntax(t.to_string()))?;
    let hh: u64 = hours.parse().map_err(|_| LabelError::Hours(t.to_string()))?;
    let days = hh / 24;
    let sep = &t[hours.len()..=hours.len()];
    let label = format!("{:02}{sep}{rest}", hh % 24);
    let tc = Timecode::parse_in(&label, format)?;
    days.checked_mul(format.frames_per_day())
        .and_then(|f| f.checked_add(tc.frame()))
        .ok_or_else(|| LabelError::HoursRange(t.to_string()))
}

/// The label `offset` frames after `start`; past midnight the hours keep
/// counting (`24:00:02;00`) instead of wrapping, so every label of a clip
/// that runs past midnight stays after its start and an out point after its
/// in point.
pub(crate) fn label_after(start: Timecode, offset: u64) -> String {
    let format = start.format();
    let end = start.add_frames(offset);
    let days = start.frame().saturating_add(offset) / format.frames_per_day();
    if days == 0 {
        return end.to_string();
    }
    let (hh, mm, ss, ff) = end.fields();
    let sep = if format.is_drop_frame() { ';' } else { ':' };
    let width = if format.rate().nominal() > 99 { 3 } else { 2 };
    format!("{:02}:{mm:02}:{ss:02}{sep}{ff:0width$}", hh + 24 * days)
}

/// `n` frames as a timecode-style duration in `format`'s labelling
/// (`00:00:02;00`), hours not wrapping.
pub(crate) fn duration_label(n: u64, format: TcFormat) -> String {
    label_after(Timecode::zero(format), n)
}

/// What names the source of a select: its reel, else its file name stem.
pub(crate) fn reel_source(sel: &Select) -> String {
    match sel.clip.reel.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(reel) => reel.to_string(),
        None => {
            let name = sel.clip.name.trim();
            match name.rsplit_once('.') {
                Some((stem, _)) if !stem.is_empty() => stem.to_string(),
                _ => name.to_string(),
            }
        }
    }
}

/// The source timecodes of one event and why they are not the clip's own.
/// A select's source in/out in the sequence's labelling (see the module
/// doc: converted when the clip's rate differs), and the note saying so.
pub(crate) struct SourceSpan {
    pub(crate) tc_in: String,
    pub(crate) tc_out: String,
    pub(crate) note: Option<String>,
}

pub(crate) fn source_span(seq: &Sequence, sel: &Select, rec_len: u64) -> SourceSpan {
    let clip = &sel.clip;
    let own_in = label_after(clip.start, sel.in_frame);
    if clip.rate() == seq.format.rate() {
        let note = match (clip.format.is_drop_frame(), seq.format.is_drop_frame()) {
            (true, false) => Some(format!(
                "source timecode is drop-frame ({}); record timecode is non-drop-frame",
                format_label(clip.format)
            )),
            (false, true) => Some(format!(
                "source timecode is non-drop-frame ({}); record timecode is drop-frame",
                format_label(clip.format)
            )),
            _ => None,
        };
        return SourceSpan {
            tc_in: own_in,
            tc_out: label_after(clip.start, sel.in_frame.saturating_add(rec_len)),
            note,
        };
    }
    let start = relabel(clip.start, seq.format);
    let in_frame = convert_frames(sel.in_frame, clip.rate(), seq.format.rate());
    let note = format!(
        "source timecode converted from {} to {}; clip timecode {} {}",
        format_label(clip.format),
        format_label(seq.format),
        own_in,
        label_after(clip.start, sel.in_frame.saturating_add(sel.duration()))
    );
    SourceSpan {
        tc_in: label_after(start, in_frame),
        tc_out: label_after(start, in_frame.saturating_add(rec_len)),
        note: Some(note),
    }
}

/// `29.97 DF`, `29.97 NDF`, `23.976`, `25`.
fn format_label(format: TcFormat) -> String {
    let rate = format.rate();
    match (rate.allows_drop_frame(), format.is_drop_frame()) {
        (true, true) => format!("{} DF", rate.label()),
        (true, false) => format!("{} NDF", rate.label()),
        _ => rate.label(),
    }
}

/// The same label at another rate: hours, minutes and seconds kept, frames
/// scaled down to the frame of the new rate that holds that instant. A
/// drop-frame label that does not exist moves to the minute's first label.
pub(crate) fn relabel(tc: Timecode, to: TcFormat) -> Timecode {
    let (hh, mm, ss, ff) = tc.fields();
    let from_nominal = u64::from(tc.format().rate().nominal());
    let to_nominal = u64::from(to.rate().nominal());
    let frames = ff * to_nominal / from_nominal.max(1);
    Timecode::from_fields_forward(hh, mm, ss, frames, to).unwrap_or_else(|_| Timecode::zero(to))
}

/// The channel field and the `AUD` extension line for a clip's tracks.
fn channel_code(has_video: bool, audio_channels: u32) -> (&'static str, Option<&'static str>) {
    let code = match (has_video, audio_channels) {
        (true, 0) => "V",
        (true, 1) => "B",
        (true, _) => "AA/V",
        (false, 1) => "A",
        (false, 2..) => "AA",
        (false, 0) => "V",
    };
    let aud = match audio_channels {
        3 => Some("AUD  3"),
        4.. => Some("AUD  3    4"),
        _ => None,
    };
    (code, aud)
}

/// Short reel names handed out in one list: the same source always gets the
/// same name, two sources never share one.
#[derive(Default)]
struct Reels {
    by_source: HashMap<String, String>,
    used: HashSet<String>,
}

impl Reels {
    #[cfg(test)]
    fn name_for(&mut self, source: &str) -> String {
        self.name_for_keyed(source, source)
    }

    /// The reel for the source identified by `key`, made from `source`.
    fn name_for_keyed(&mut self, key: &str, source: &str) -> String {
        if let Some(name) = self.by_source.get(key) {
            return name.clone();
        }
        let clean = reel_chars(source);
        let mut name = clean.clone();
        let mut salt = 0u32;
        while name.is_empty() || name.len() > 8 || self.used.contains(&name) || RESERVED_REELS.contains(&name.as_str())
        {
            let prefix: String = clean.chars().take(4).collect();
            let prefix = if prefix.is_empty() { "REEL".to_string() } else { prefix };
            name = format!("{prefix}{:04X}", fnv1a(source, salt) & 0xFFFF);
            salt += 1;
        }
        self.used.insert(name.clone());
        self.by_source.insert(key.to_string(), name.clone());
        name
    }
}

/// Upper case, `A-Z 0-9 _` only, runs of `_` joined and trimmed.
fn reel_chars(source: &str) -> String {
    let mut out = String::new();
    for c in source.chars().map(fold_latin) {
        let c = c.to_ascii_uppercase();
        let c = if c.is_ascii_alphanumeric() { c } else { '_' };
        if c == '_' && (out.is_empty() || out.ends_with('_')) {
            continue;
        }
        out.push(c);
    }
    out.trim_end_matches('_').to_string()
}

/// 32-bit FNV-1a of `text` and `salt`: a stable hash (std's is randomised).
fn fnv1a(text: &str, salt: u32) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for b in text.bytes().chain(salt.to_le_bytes()) {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// One line of UTF-8: control characters (CR, LF, tab...) become spaces,
/// runs of white space collapse, the ends are trimmed. For words.
pub(crate) fn one_line(text: &str) -> String {
    verbatim_line(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One line of UTF-8 with every other character kept: control characters
/// and the Unicode line and paragraph separators become spaces, nothing
/// else changes. For names and paths, where two spaces are two spaces and a
/// collapsed path names a file that does not exist.
pub(crate) fn verbatim_line(text: &str) -> String {
    text.chars().map(|c| if breaks_line(c) { ' ' } else { c }).collect()
}

/// A character a line-based reader may end a line at: the control
/// characters (CR, LF, tab, NEL...) and U+2028/U+2029, which Python's
/// `splitlines` (OpenTimelineIO's EDL and ALE readers) treats as line ends.
pub(crate) fn breaks_line(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// [`one_line`] in ASCII: accented Latin letters lose the accent, other
/// characters become `_`.
fn ascii_line(text: &str) -> String {
    one_line(text).chars().map(fold_latin).map(|c| if c.is_ascii() { c } else { '_' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::Sequence;
    use crate::export::testkit;
    use crate::export::testkit::fixtures::*;
    use crate::timecode::{Rate, TcFormat, Timecode};

    /// The labelling an event's source timecode is written in.
    fn src_format(seq: &Sequence, s: &Select) -> TcFormat {
        if s.clip.rate() == seq.format.rate() { s.clip.format } else { seq.format }
    }

    fn check(seq: &Sequence, selects: &[Select], expect: &str) {
        let got = write(seq, selects);
        assert_eq!(got, expect, "\n--- got ---\n{got}");
    }

    #[test]
    fn three_events_at_29_97_df() {
        let selects = vec![
            said(select(sony(), 1, 4), "Ben", "It was cold.", Some("keep")),
            select(sony(), 10, 59),
            select(night(), 0, 10),
        ];
        let seq = seq_for(&selects);
        check(
            &seq,
            &selects,
            "\
TITLE: rushes selects
FCM: DROP FRAME

001  C0001    AA/V  C        14:30:59;29 14:31:00;04 01:00:00;00 01:00:00;03
* FROM CLIP NAME:  C0001.MP4
* FROM CLIP: /shoot/2026-03-14/A001/PRIVATE/M4ROOT/CLIP/C0001.MP4
* SOURCE FILE: /shoot/2026-03-14/A001/PRIVATE/M4ROOT/CLIP/C0001.MP4
* COMMENT: Ben: It was cold.
* COMMENT: keep
002  C0001    AA/V  C        14:31:00;10 14:31:01;29 01:00:00;03 01:00:01;22
* FROM CLIP NAME:  C0001.MP4
* FROM CLIP: /shoot/2026-03-14/A001/PRIVATE/M4ROOT/CLIP/C0001.MP4
* SOURCE FILE: /shoot/2026-03-14/A001/PRIVATE/M4ROOT/CLIP/C0001.MP4
003  NIGH36FE B     C        23:59:58;00 23:59:58;05 01:00:01;22 01:00:01;27
* FROM CLIP NAME:  NIGHT0001.MP4
* FROM CLIP: /shoot/2026-03-14/D_CAM/NIGHT0001.MP4
* SOURCE FILE: /shoot/2026-03-14/D_CAM/NIGHT0001.MP4
* NOTE: source timecode converted from 59.94 DF to 29.97 DF; clip timecode 23:59:58;00 23:59:58;10
",
        );
    }

    #[test]
    fn each_fixture_rate_in_its_own_list() {
        let expect = [
            "\
001  A003     B     C        14:31:10:05 14:31:10:20 01:00:00:00 01:00:00:15
002  A003     B     C        14:31:11:06 14:31:11:23 01:00:00:15 01:00:01:08",
            "\
001  A0035FC6 V     C        14:40:00:00 14:40:00:12 01:00:00:00 01:00:00:12
002  A0035FC6 V     C        14:40:01:00 14:40:02:00 01:00:00:12 01:00:01:12",
            "\
001  C0001    AA/V  C        14:30:59;29 14:31:00;04 01:00:00;00 01:00:00;03
002  C0001    AA/V  C        14:31:00;10 14:31:01;29 01:00:00;03 01:00:01;22",
            "\
001  GX010042 AA/V  C        14:32:00:10 14:32:00:40 01:00:00:00 01:00:00:30
002  GX010042 AA/V  C        14:32:01:10 14:32:02:00 01:00:00:30 01:00:01:20",
            "\
001  NIGH36FE B     C        23:59:58;20 23:59:59;20 01:00:00;00 01:00:01;00
002  NIGH36FE B     C        23:59:59;40 24:00:01;20 01:00:01;00 01:00:02;40
003  NIGH36FE B     C        24:00:00;30 24:00:02;00 01:00:02;40 01:00:04;10",
        ];
        for (selects, want) in per_rate().iter().zip(expect) {
            let text = write(&seq_for(selects), selects);
            let events: Vec<&str> = text.lines().filter(|l| l.starts_with(|c: char| c.is_ascii_digit())).collect();
            assert_eq!(events.join("\n"), want, "\n{text}");
        }
    }

    #[test]
    fn mixed_rates_convert_the_source_to_the_list_rate() {
        // 23.976 list; the 29.97 DF clip's 14:30:59;28 start keeps its
        // seconds and its 28/30 becomes 22/24; 58 frames are 46.4 -> 46.
        let selects = vec![select(arri(), 0, 24), select(sony(), 1, 59), select(pal(), 0, 50)];
        let seq = seq_for(&selects);
        let text = write(&seq, &selects);
        let events = read(&text).expect("read back");
        let spans: Vec<(&str, &str, &str, &str)> = events
            .iter()
            .map(|e| (e.src_in.as_str(), e.src_out.as_str(), e.rec_in.as_str(), e.rec_out.as_str()))
            .collect();
        assert_eq!(
            spans,
            [
                ("14:31:10:00", "14:31:11:00", "01:00:00:00", "01:00:01:00"),
                ("14:30:59:23", "14:31:01:21", "01:00:01:00", "01:00:02:22"),
                ("14:40:00:00", "14:40:02:00", "01:00:02:22", "01:00:04:22"),
            ]
        );
        assert_eq!(events[0].notes, Vec::<String>::new());
        assert_eq!(
            events[1].notes,
            ["source timecode converted from 29.97 DF to 23.976; clip timecode 14:30:59;29 14:31:01;29"]
        );
        assert_eq!(
            events[2].notes,
            ["source timecode converted from 25 to 23.976; clip timecode 14:40:00:00 14:40:02:00"]
        );
    }

    #[test]
    fn drop_frame_clip_in_a_non_drop_list_keeps_its_labels() {
        let selects = vec![select(sony(), 1, 4)];
        let seq = Sequence::for_selects("t", &selects, Some(TcFormat::ndf(Rate::FPS_29_97)), None).expect("seq");
        let events = read(&write(&seq, &selects)).expect("read");
        assert_eq!((events[0].src_in.as_str(), events[0].rec_in.as_str()), ("14:30:59;29", "01:00:00:00"));
        assert_eq!(events[0].notes, ["source timecode is drop-frame (29.97 DF); record timecode is non-drop-frame"]);
    }

    #[test]
    fn reels_are_short_unique_and_never_special() {
        let mut reels = Reels::default();
        assert_eq!(reels.name_for("A003"), "A003");
        assert_eq!(reels.name_for("a003c013_260314_r1ab"), "A00388A6");
        assert_eq!(reels.name_for("Interview Day 1 – Roll 2 (B cam)"), "INTEDADF");
        // Same source, same name; a different source that cleans up to the
        // same name gets its own.
        assert_eq!(reels.name_for("A003"), "A003");
        assert_eq!(reels.name_for("a003"), "A003391D");
        assert_eq!(reels.name_for("BL"), "BL891B");
        assert_eq!(reels.name_for("ax"), "AXC6FC");
        assert_eq!(reels.name_for("😀"), "REELEE88");
        assert_eq!(reels.name_for("Café"), "CAFE");
        for name in reels.by_source.values() {
            assert!(name.len() <= 8 && name.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'));
        }
        assert_eq!(reels.used.len(), reels.by_source.len());
    }

    #[test]
    fn unicode_line_separators_in_a_path_become_spaces() {
        // Python's `splitlines` ends a line at U+2028 and U+2029.
        for sep in ['\u{2028}', '\u{2029}', '\u{85}'] {
            let path = format!("/Volumes/Card/Take{sep}two.mov");
            assert_eq!(verbatim_line(&path), "/Volumes/Card/Take two.mov");
            assert_eq!(one_line(&path), "/Volumes/Card/Take two.mov");
        }
    }

    #[test]
    fn awkward_text_stays_on_one_line() {
        let (seq, selects) = awkward();
        let text = write(&seq, &selects);
        assert!(text.starts_with("TITLE: Day 1 _ selects (rough)\nFCM: NON-DROP FRAME\n\n"), "{text}");
        let events = read(&text).expect("read");
        assert_eq!(events.len(), 4);
        assert_eq!(events[0].comments, ["Anna: We drove all night to get here.", "good opener"]);
        assert_eq!(events[1].comments, ["Ben: It was cold, \"really\" cold."]);
        assert_eq!(events[2].clip_name.as_deref(), Some("Interview \"Anna\", take 2 & 3 é.mov"));
        assert_eq!(
            events[2].source_file.as_deref(),
            Some("/Volumes/Shoot & Co/Day 1, \"Anna\"/Interview \"Anna\", take 2 & 3 é.mov")
        );
        assert_eq!(events[2].comments, ["Anna <host>: Rock & roll, 😀 and \"quotes\"", "AP: check legal, names"]);
        assert_eq!((events[2].channels.as_str(), events[2].extra_audio.as_slice()), ("AA/V", &[3, 4][..]));
        assert_eq!(events[3].channels, "AA");
        for line in text.lines() {
            let event_line = line.starts_with(|c: char| c.is_ascii_digit());
            assert!(!event_line || line.is_ascii(), "{line}");
        }
    }

    #[test]
    fn every_select_reads_back_with_its_frames() {
        let mut lists = per_rate();
        lists.push(awkward().1);
        for selects in &lists {
            let seq = seq_for(selects);
            let events = read(&write(&seq, selects)).expect("read");
            assert_eq!(events.len(), selects.len());
            let mut record = seq.record_start.frame();
            for (e, s) in events.iter().zip(selects) {
                let len = seq.record_frames(s);
                let src_in = tc_frames(&e.src_in, src_format(&seq, s)).expect("src in");
                let src_out = tc_frames(&e.src_out, src_format(&seq, s)).expect("src out");
                assert_eq!(src_out - src_in, len, "{e:?}");
                if s.clip.format == seq.format {
                    assert_eq!(src_in, s.clip.start.frame() + s.in_frame, "{e:?}");
                    assert_eq!(e.src_in, label_after(s.clip.start, s.in_frame));
                }
                assert_eq!(tc_frames(&e.rec_in, seq.format), Ok(record));
                record += len;
                assert_eq!(tc_frames(&e.rec_out, seq.format), Ok(record));
                assert_eq!(e.clip_name.as_deref(), Some(s.clip.name.as_str()));
            }
        }
    }

    /// A select that is not cleared gets one `* CLEARANCE:` line per
    /// reason, on one line each; a cleared one gets none.
    #[test]
    fn clearance_lines_follow_the_event() {
        let restricted = judged(
            select(sony(), 1, 4),
            "restricted",
            &["A012 10:02:10:00-10:02:20:00\nnot for ads", "Lu: conditional"],
        );
        let cleared = judged(select(sony(), 10, 20), "cleared", &[]);
        let selects = [restricted, cleared];
        let events = read(&write(&seq_for(&selects), &selects)).expect("read");
        assert_eq!(
            events[0].clearance,
            ["restricted: A012 10:02:10:00-10:02:20:00 not for ads", "restricted: Lu: conditional"]
        );
        assert!(events[1].clearance.is_empty());
    }

    #[test]
    fn reader_tolerates_crlf_and_reports_bad_lines() {
        let text = "TITLE: x\r\nFCM: NON-DROP FRAME\r\n\r\n001  AX       V     C        01:00:00:00 01:00:01:00 \
                    01:00:00:00 01:00:01:00\r\n* FROM CLIP NAME:  a.mov\r\nAUD  3    4\r\n";
        let events = read(text).expect("read");
        assert_eq!(events[0].clip_name.as_deref(), Some("a.mov"));
        assert_eq!(events[0].extra_audio, [3, 4]);
        assert_eq!(events[0].rec_out, "01:00:01:00");
        assert!(read("001  AX V C 01:00:00:00\n").unwrap_err().to_string().starts_with("line 1:"));
        assert!(read("TITLE: x\nrubbish\n").is_ok(), "remarks before any event are skipped");
        assert!(read("001  AX V C 0 0 0 0\nrubbish\n").unwrap_err().to_string().starts_with("line 2:"));
    }

    #[test]
    fn labels_past_midnight_keep_counting() {
        let night = night();
        assert_eq!(label_after(night.start, 120), "24:00:00;00");
        assert_eq!(label_after(night.start, 240), "24:00:02;00");
        assert_eq!(tc_frames("24:00:02;00", night.format), Ok(night.start.frame() + 240));
        assert_eq!(duration_label(60, sony().format), "00:00:02;00");
        assert_eq!(duration_label(1800, sony().format), "00:01:00;02");
        assert!(tc_frames("nonsense", night.format).is_err());
        assert!(tc_frames("", night.format).is_err());
    }

    #[test]
    fn absurd_lengths_do_not_panic() {
        let mut huge = sony();
        huge.n_frames = u64::MAX;
        let selects = [select(huge.clone(), u64::MAX - 1, u64::MAX), select(huge, 0, u64::MAX)];
        let seq = Sequence::for_selects("t", &selects, Some(TcFormat::ndf(Rate::FPS_25)), None).expect("seq");
        assert_eq!(read(&write(&seq, &selects)).expect("read").len(), 2);
        let seq = seq_for(&selects);
        assert_eq!(read(&write(&seq, &selects)).expect("read").len(), 2);
        assert_eq!(crate::export::ale::read(&crate::export::ale::write(&seq, &selects)).expect("ale").1.len(), 2);
        assert_eq!(crate::export::table::write(&seq, &selects).lines().count(), 3);
        assert!(tc_frames("99999999999999999:00:00:00", seq.format).is_err());
        // 29.97 DF: 01:00:00;00 is frame 107892 (SMPTE 12M), whatever the separators.
        assert_eq!(seq.format, TcFormat::df(Rate::FPS_29_97).unwrap());
        assert_eq!(tc_frames("01;00:00;00", seq.format), Ok(107_892));
    }

    mod any_text {
        use super::*;
        use crate::export::{ale, table};
        use proptest::prelude::*;

        /// Any text, weighted towards what breaks line and field formats.
        fn text() -> impl Strategy<Value = String> {
            prop_oneof!["[ -~]{0,20}", "[a-z,;\t\r\n\"'&<>| é😀\u{0}\u{7f}\u{2028}\u{feff}]{0,20}", any::<String>(),]
        }

        proptest! {
            /// Whatever the names and words, every format stays well formed:
            /// the EDL has one event per select with ASCII event lines, the
            /// ALE one row of every column per select, and the CSV reads back
            /// with each clip name and timecode.
            #[test]
            fn formats_stay_well_formed(
                title in text(), name in text(), path in text(), reel in text(),
                speaker in text(), words in text(), comment in text(),
            ) {
                let mut clip = nasty();
                (clip.name, clip.path, clip.reel) = (name.clone(), path, Some(reel));
                let mut sel = said(select(clip, 10, 34), &speaker, &words, Some(&comment));
                sel.clip.camera = Some(comment.clone());
                let selects = vec![sel.clone(), select(sony(), 1, 4), sel];
                let seq = Sequence::for_selects(&title, &selects, None, None).expect("seq");

                let edl = write(&seq, &selects);
                let events = read(&edl).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(events.len(), 3);
                prop_assert_eq!(&events[0].reel, &events[2].reel);
                prop_assert_ne!(&events[0].reel, &events[1].reel);
                for line in edl.lines().filter(|l| !l.starts_with('*')) {
                    prop_assert!(line.is_ascii(), "{}", line);
                }

                let (_, rows) = ale::read(&ale::write(&seq, &selects)).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(rows.len(), 3);
                prop_assert_eq!(&rows[0]["Start"], "10:00:00:10");
                prop_assert_eq!(&rows[1]["Start"], "14:30:59;29");

                let (rows, errors) = table::read_selects(&table::write(&seq, &selects));
                let clip_blank = name.trim().is_empty();
                prop_assert_eq!(rows.len() + errors.len(), 3, "{:?} {:?}", rows, errors);
                prop_assert_eq!(errors.len(), if clip_blank { 2 } else { 0 });
                let sony_row = rows.iter().find(|r| r.clip == "C0001.MP4").expect("sony row");
                prop_assert_eq!((sony_row.tc_in.as_str(), sony_row.tc_out.as_str()), ("14:30:59;29", "14:31:00;04"));
                if !clip_blank {
                    let want = crate::text::normalise_line_ends(&name);
                    prop_assert_eq!(rows[0].clip.as_str(), want.trim());
                    prop_assert_eq!(&rows[0].tc_in, "10:00:00:10");
                }
            }
        }
    }

    #[test]
    fn empty_list_and_empty_title() {
        let seq = Sequence::for_selects("\n", &[], None, None).expect("seq");
        assert_eq!(write(&seq, &[]), "TITLE: UNTITLED\nFCM: NON-DROP FRAME\n\n");
    }

    /// The example every format's golden file holds (23.976 list with a
    /// 29.97 DF and a 25 fps clip): `RUSHES_BLESS=1` rewrites it.
    #[test]
    fn golden_file() {
        let (seq, selects) = testkit::golden_example();
        testkit::check_golden("selects.edl", &write(&seq, &selects));
    }

    /// Frame counts near `u64::MAX`, reversed selects, odd rates, clips
    /// with nothing, a record start before midnight: no panic, one event
    /// per select, and every label reads back.
    #[test]
    fn extreme_inputs() {
        for (seq, selects) in testkit::extreme_cases() {
            let events = read(&write(&seq, &selects)).expect("read");
            assert_eq!(events.len(), selects.len());
            for (e, s) in events.iter().zip(&selects) {
                let src = src_format(&seq, s);
                if src.rate().nominal() > 99 {
                    // Three-digit frame fields: no CMX reader takes them,
                    // and `tc_frames` reads two; the event is still there.
                    continue;
                }
                let (src_in, src_out) = (tc_frames(&e.src_in, src), tc_frames(&e.src_out, src));
                // At the clip's own rate the labels are its first frame plus
                // the in point, and plus the record length, exactly; past
                // u64 they saturate but still read.
                let first = s.clip.start.frame();
                let want_in = first.checked_add(s.in_frame);
                let want_out = want_in.and_then(|i| i.checked_add(seq.record_frames(s)));
                match (s.clip.rate() == seq.format.rate(), want_in, want_out) {
                    (true, Some(i), Some(o)) => assert_eq!((src_in, src_out), (Ok(i), Ok(o)), "{e:?}"),
                    _ => assert!(src_in.is_ok() && src_out.is_ok(), "{e:?}"),
                }
            }
        }
        for s in testkit::Fixture::ALL.map(testkit::Fixture::select) {
            let text = write(&seq_for(std::slice::from_ref(&s)), std::slice::from_ref(&s));
            assert_eq!(read(&text).expect("read").len(), 1, "{text}");
        }
    }

    /// What pycmx and the OTIO CMX3600 adapter see in one EDL.
    const READERS: &str = r#"
import json, sys
import pycmx
import opentimelineio as otio
path, rate = sys.argv[1], float(sys.argv[2])
out = {"pycmx": [], "otio": []}
with open(path) as f:
    edl = pycmx.parse_cmx3600(f)
for event in edl.events:
    for edit in event.edits:
        ch = edit.channels
        out["pycmx"].append({"number": event.number, "reel": edit.source, "video": ch.video,
            "audio": sorted(ch.channels), "src_in": edit.source_in, "src_out": edit.source_out,
            "rec_in": edit.record_in, "rec_out": edit.record_out, "name": edit.clip_name,
            "file": edit.source_file})
tl = otio.adapters.read_from_file(path, adapter_name="cmx_3600", rate=rate)
for track in tl.tracks:
    for item in track:
        if isinstance(item, otio.schema.Clip):
            sr = item.source_range
            out["otio"].append({"track": track.name, "name": item.name,
                "url": getattr(item.media_reference, "target_url", None),
                "start": sr.start_time.value, "duration": sr.duration.value,
                "reel": item.metadata.get("cmx_3600", {}).get("reel")})
json.dump(out, sys.stdout)
"#;

    /// Each list through pycmx and OpenTimelineIO: every event's source
    /// in/out, clip name and channels (pycmx), every clip's source range in
    /// frames and media path on each track (OTIO).
    #[test]
    fn real_readers_see_every_select() {
        let mut cases: Vec<(Sequence, Vec<Select>)> = per_rate().into_iter().map(|l| (seq_for(&l), l)).collect();
        cases.push(awkward());
        cases.push(testkit::golden_example());
        let mixed = vec![select(sony(), 1, 4), select(sound(), 0, 24), select(nasty(), 0, 10), select(pal(), 0, 5)];
        cases.push((seq_for(&mixed), mixed));
        // Drop-frame labels in a non-drop list, and the reverse.
        let mut ndf_sony = sony();
        ndf_sony.format = TcFormat::ndf(Rate::FPS_29_97);
        ndf_sony.start = Timecode::parse_in("14:35:10:00", ndf_sony.format).expect("start");
        let same_rate = vec![select(sony(), 10, 59), select(ndf_sony, 0, 30), select(arri(), 0, 24)];
        for format in [TcFormat::ndf(Rate::FPS_29_97), TcFormat::new(Rate::FPS_29_97, true)] {
            let seq = Sequence::for_selects("t", &same_rate, Some(format), None).expect("seq");
            cases.push((seq, same_rate.clone()));
        }
        for (seq, selects) in &cases {
            let seq = seq.clone();
            let text = write(&seq, selects);
            let seen = run_python(READERS, &text, "edl", &[rate_arg(seq.format.rate())]);
            let events = read(&text).expect("read");
            let pycmx = seen["pycmx"].as_array().expect("pycmx");
            assert_eq!(pycmx.len(), selects.len(), "{seen}");
            let mut record = seq.record_start.frame();
            for ((p, e), s) in pycmx.iter().zip(&events).zip(selects) {
                // What pycmx reads, counted from the selects, not from our
                // own reader: record spans follow each other from the
                // record start; a clip in the list's labelling keeps its
                // own source frames.
                let frames = |v: &serde_json::Value, format| tc_frames(v.as_str().expect("label"), format);
                assert_eq!(frames(&p["rec_in"], seq.format), Ok(record), "{p}");
                record += seq.record_frames(s);
                assert_eq!(frames(&p["rec_out"], seq.format), Ok(record), "{p}");
                if s.clip.format == seq.format {
                    let first = s.clip.start.frame() + s.in_frame;
                    assert_eq!(frames(&p["src_in"], seq.format), Ok(first), "{p}");
                    assert_eq!(frames(&p["src_out"], seq.format), Ok(first + s.duration()), "{p}");
                }
                assert_eq!(p["src_in"], e.src_in.as_str());
                assert_eq!(p["src_out"], e.src_out.as_str());
                assert_eq!(p["rec_in"], e.rec_in.as_str());
                assert_eq!(p["reel"], e.reel.as_str());
                assert_eq!(p["name"], s.clip.name.as_str());
                assert_eq!(p["file"], s.clip.path.as_str());
                assert_eq!(p["video"], s.clip.has_video || s.clip.audio_channels == 0, "{p}");
                let want: Vec<u32> = (1..=s.clip.audio_channels.min(4)).collect();
                assert_eq!(p["audio"], serde_json::json!(want), "{p}");
            }
            // OTIO puts each clip on every track its channels name: V, A1, A2.
            let otio = seen["otio"].as_array().expect("otio");
            for track in ["V", "A1", "A2"] {
                let on_track: Vec<&serde_json::Value> = otio.iter().filter(|c| c["track"] == track).collect();
                let wanted: Vec<(&Select, &EdlEvent)> = selects
                    .iter()
                    .zip(&events)
                    .filter(|(s, _)| match track {
                        "V" => s.clip.has_video || s.clip.audio_channels == 0,
                        "A1" => s.clip.audio_channels >= 1,
                        _ => s.clip.audio_channels >= 2,
                    })
                    .collect();
                assert_eq!(on_track.len(), wanted.len(), "track {track}: {seen}");
                for (c, (s, e)) in on_track.iter().zip(wanted) {
                    let start = tc_frames(&e.src_in, src_format(&seq, s)).expect("src in");
                    assert_eq!(c["start"].as_f64().map(|v| v.round() as u64), Some(start), "{c}");
                    assert_eq!(c["duration"].as_f64().map(|v| v.round() as u64), Some(seq.record_frames(s)), "{c}");
                    if s.clip.format == seq.format {
                        assert_eq!(start, s.clip.start.frame() + s.in_frame);
                        assert_eq!(seq.record_frames(s), s.duration());
                    }
                    assert_eq!(c["name"], s.clip.name.as_str());
                    assert_eq!(c["url"], s.clip.path.as_str());
                    assert_eq!(c["reel"], e.reel.as_str());
                }
            }
        }
    }
}
