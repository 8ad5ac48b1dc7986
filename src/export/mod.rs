//! Selects export: the AP's chosen soundbites as an edit decision list or
//! timeline for Avid, Premiere, Resolve and Final Cut.
//!
//! Exporters take plain domain values — [`Select`]s on [`ExportClip`]s —
//! and never see the library or tantivy. Every time is an integer frame at
//! the clip's own exact rate; each format module states its contract in its
//! doc comment (what a reader expects, where source timecode goes, how in/out
//! are counted).

pub mod ale;
pub mod edl;
pub mod fcpxml;
pub mod otio;
pub mod script;
pub mod table;
/// Test support shared by every exporter's tests.
#[cfg(test)]
pub(crate) mod testkit;
pub mod xmeml;

/// The export readers' Python, shared with the integration tests.
#[cfg(test)]
#[path = "../../tests/readers/venv.rs"]
pub(crate) mod reader_venv;

use crate::timecode::{Rate, TcFormat, Timecode, TimecodeError};

/// What an exporter needs to know about a source clip.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportClip {
    pub id: String,
    /// File name, e.g. `C0001.MP4`.
    pub name: String,
    /// Absolute path of the media.
    pub path: String,
    pub camera: Option<String>,
    /// Reel / tape name as the clip states it (may be long; EDL shortens).
    pub reel: Option<String>,
    /// The clip's timecode labelling (rate and DF) and first frame's label.
    pub format: TcFormat,
    pub start: Timecode,
    /// Length in frames at `format.rate()`.
    pub n_frames: u64,
    pub has_video: bool,
    /// Audio channels (0 = none).
    pub audio_channels: u32,
    pub audio_sample_rate: u32,
    pub width: u32,
    pub height: u32,
    /// The media states no frame rate (a phone memo, an MP3, a WAV with no
    /// `bext` speed): `format` is the sequence's, `start` 00:00:00:00, as
    /// NLEs place such audio, and the export says the rate was assumed.
    pub assumed_rate: bool,
}

impl ExportClip {
    pub fn rate(&self) -> Rate {
        self.format.rate()
    }

    /// The label of the frame `offset` frames into the clip.
    pub fn tc_at(&self, offset: u64) -> Timecode {
        self.start.add_frames(offset)
    }
}

/// One select: a span of a clip, `[in_frame, out_frame)` counted from the
/// clip's first frame at the clip's rate (out is exclusive, as EDL wants).
#[derive(Clone, Debug, PartialEq)]
pub struct Select {
    pub clip: ExportClip,
    pub in_frame: u64,
    pub out_frame: u64,
    pub speaker: Option<String>,
    /// The soundbite's words.
    pub text: String,
    /// The AP's comment.
    pub comment: Option<String>,
    /// What the release log says of the select, for the writers to mark;
    /// `None` when it was not judged (the library keeps no release log).
    pub clearance: Option<ClearanceMark>,
}

/// A select's clearance as plain values (the writers never see the
/// library or the log): the status word, whether it is cleared, and why
/// not. Each format marks a select that is not cleared where its readers
/// show it (see each writer's doc); a cleared one gets no mark, only the
/// `cleared` value where a format has a column for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClearanceMark {
    /// `cleared`, `pending`, `refused`... as the library names it.
    pub status: String,
    pub cleared: bool,
    /// How bad the status is, in the caller's order (higher is worse): two
    /// selects merged into one keep the worse status.
    pub severity: u8,
    /// Why it is not cleared, one sentence each.
    pub reasons: Vec<String>,
}

impl ClearanceMark {
    /// `pending: Jean Martin: release pending; SPEAKER 1: no release`, or
    /// `cleared`: the value of a clearance column, on one line.
    pub fn summary(&self) -> String {
        if self.reasons.is_empty() {
            return self.status.clone();
        }
        format!("{}: {}", self.status, self.reasons.join("; "))
    }

    /// `status: reason` once per reason (the status alone when none is
    /// given): the lines a line-based format writes.
    pub fn lines(&self) -> Vec<String> {
        if self.reasons.is_empty() {
            return vec![self.status.clone()];
        }
        self.reasons.iter().map(|r| format!("{}: {r}", self.status)).collect()
    }

    /// Two selects merged: the worse status, every reason once.
    fn merge(a: Option<ClearanceMark>, b: Option<ClearanceMark>) -> Option<ClearanceMark> {
        match (a, b) {
            (Some(a), Some(b)) => {
                let (mut worse, other) = if b.severity > a.severity { (b, a) } else { (a, b) };
                worse.cleared = worse.cleared && other.cleared;
                for r in other.reasons {
                    if !worse.reasons.contains(&r) {
                        worse.reasons.push(r);
                    }
                }
                Some(worse)
            }
            (a, b) => a.or(b),
        }
    }
}

impl Select {
    /// The clearance mark when the select is judged and not cleared.
    pub fn uncleared(&self) -> Option<&ClearanceMark> {
        self.clearance.as_ref().filter(|c| !c.cleared)
    }

    pub fn duration(&self) -> u64 {
        self.out_frame.saturating_sub(self.in_frame)
    }

    pub fn tc_in(&self) -> Timecode {
        self.clip.tc_at(self.in_frame)
    }

    pub fn tc_out(&self) -> Timecode {
        self.clip.tc_at(self.out_frame)
    }
}

/// Settings of one export.
#[derive(Clone, Debug)]
pub struct Sequence {
    pub title: String,
    /// Sequence (record) rate and labelling: the first select's clip's, or
    /// `--fps`.
    pub format: TcFormat,
    /// Record timecode of the first event (EDL default 01:00:00:00).
    pub record_start: Timecode,
    /// What comes between and over the selects (a paper edit's VO gaps,
    /// headings and notes); empty, the selects follow each other.
    pub layout: Vec<Piece>,
}

/// One piece of a laid-out sequence, in record order.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    /// The select at this index of the list being written.
    Select(usize),
    /// Record time with no media: narration still to be recorded.
    Gap(Gap),
    /// A marker where the next piece starts (or at the end).
    Marker(Marker),
}

/// A stretch of empty record time: a VO still to be recorded. Where the
/// format has one, its video is a slug titled `title`.
#[derive(Clone, Debug, PartialEq)]
pub struct Gap {
    /// Length in sequence frames.
    pub frames: u64,
    /// The slug's title, e.g. `VO: In March the river rose.`
    pub title: String,
}

/// A marker on the record: a heading, a VO's words, a note.
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    pub kind: MarkerKind,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    Heading,
    Vo,
    Note,
}

impl MarkerKind {
    /// The colour NLEs show it in (Avid locator colours, also OTIO's).
    pub fn color(self) -> &'static str {
        match self {
            MarkerKind::Heading => "GREEN",
            MarkerKind::Vo => "BLUE",
            MarkerKind::Note => "YELLOW",
        }
    }

    /// `# `, `VO: `, `NOTE: `: how the marker's text is labelled.
    pub fn label(self, text: &str) -> String {
        match self {
            MarkerKind::Heading => format!("# {text}"),
            MarkerKind::Vo => format!("VO: {text}"),
            MarkerKind::Note => format!("NOTE: {text}"),
        }
    }
}

/// A select or gap placed on the record.
#[derive(Clone, Debug)]
pub struct Placed<'a> {
    pub what: PlacedKind<'a>,
    /// Sequence frames from the record start.
    pub record_in: u64,
    pub record_len: u64,
    /// Markers on it, each with its offset in sequence frames from its start.
    pub markers: Vec<(u64, &'a Marker)>,
}

#[derive(Clone, Copy, Debug)]
pub enum PlacedKind<'a> {
    Select(&'a Select),
    Gap(&'a Gap),
}

impl Sequence {
    /// The sequence for `selects`: the first clip's rate unless one is given.
    pub fn for_selects(
        title: &str,
        selects: &[Select],
        rate: Option<TcFormat>,
        record_start: Option<&str>,
    ) -> Result<Sequence, SequenceError> {
        let format = rate.or_else(|| selects.first().map(|s| s.clip.format)).unwrap_or(TcFormat::ndf(Rate::FPS_25));
        let record_start = match record_start {
            Some(t) if t.contains(';') && !format.is_drop_frame() => {
                return Err(SequenceError::DropFrameSeparator { text: t.to_string(), rate: format.rate() });
            }
            Some(t) => Timecode::parse_in(t, format).map_err(SequenceError::RecordStart)?,
            None => Timecode::from_fields(1, 0, 0, 0, format)?,
        };
        Ok(Sequence { title: title.to_string(), format, record_start, layout: Vec::new() })
    }

    /// The selects and gaps in record order, each at its record position,
    /// with the markers on them: a marker sits at the start of the piece
    /// that follows it, or on the last frame of the last piece when none
    /// does. Without a layout, the selects in order. Zero-length pieces
    /// are kept (a writer that cannot hold one leaves it out).
    pub fn place<'a>(&'a self, selects: &'a [Select]) -> Vec<Placed<'a>> {
        let mut out: Vec<Placed<'a>> = Vec::new();
        let mut record = 0u64;
        let mut pending: Vec<&'a Marker> = Vec::new();
        let mut push = |what: PlacedKind<'a>, len: u64, pending: &mut Vec<&'a Marker>, out: &mut Vec<Placed<'a>>| {
            let markers = pending.drain(..).map(|m| (0, m)).collect();
            out.push(Placed { what, record_in: record, record_len: len, markers });
            record = record.saturating_add(len);
        };
        if self.layout.is_empty() {
            for s in selects {
                push(PlacedKind::Select(s), self.record_frames(s), &mut pending, &mut out);
            }
            return out;
        }
        for piece in &self.layout {
            match piece {
                Piece::Select(i) => {
                    if let Some(s) = selects.get(*i) {
                        push(PlacedKind::Select(s), self.record_frames(s), &mut pending, &mut out);
                    }
                }
                Piece::Gap(g) => push(PlacedKind::Gap(g), g.frames, &mut pending, &mut out),
                Piece::Marker(m) => pending.push(m),
            }
        }
        if let Some(last) = out.last_mut() {
            let at = last.record_len.saturating_sub(1);
            last.markers.extend(pending.into_iter().map(|m| (at, m)));
        }
        out
    }

    /// A select's length on the sequence: its duration converted to the
    /// sequence rate when the clip's differs (rounded to the nearest frame).
    pub fn record_frames(&self, s: &Select) -> u64 {
        convert_frames(s.duration(), s.clip.rate(), self.format.rate())
    }
}

/// `n` frames at `from` as the nearest whole number of frames at `to`.
pub fn convert_frames(n: u64, from: Rate, to: Rate) -> u64 {
    if from == to {
        return n;
    }
    to.frames_nearest(u128::from(n) * u128::from(from.den()), u128::from(from.num()))
}

/// Why [`Handles::parse`] refused a length.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HandlesError {
    #[error("handles {0:?}: expected e.g. 2s, 500ms or 12f")]
    Value(String),
    #[error("handles {0:?}: give a unit: 2s (seconds), 500ms or 12f (frames)")]
    NoUnit(String),
}

/// Why [`Sequence::for_selects`] refused a record start. The messages name
/// no command-line flag; a front end says which of its settings it was.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SequenceError {
    /// A drop-frame label (`;`) for a sequence counted non-drop.
    #[error("{text}: ';' is drop-frame, the sequence is {rate} non-drop")]
    DropFrameSeparator { text: String, rate: Rate },
    /// The record start is not a timecode at the sequence's rate.
    #[error(transparent)]
    RecordStart(TimecodeError),
    #[error(transparent)]
    Timecode(#[from] TimecodeError),
}

/// Handles to pad each select with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handles {
    Frames(u64),
    /// Milliseconds, converted at each clip's own rate.
    Millis(u64),
}

impl Handles {
    /// A number and its unit, as people write them: `12f`, `12 frames`,
    /// `2s`, `2 sec`, `1.5 seconds`, `500ms`. A bare number is refused:
    /// editors mean seconds as often as frames, and a guess would pad
    /// every select by the wrong amount without a word.
    pub fn parse(text: &str) -> Result<Handles, HandlesError> {
        let t = text.trim().to_ascii_lowercase();
        let bad = || HandlesError::Value(text.to_string());
        let split = t.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(t.len());
        let (number, unit) = (t[..split].trim(), t[split..].trim());
        if number.is_empty() {
            return Err(bad());
        }
        match unit {
            "" => Err(HandlesError::NoUnit(text.to_string())),
            "f" | "fr" | "frame" | "frames" => number.parse().map(Handles::Frames).map_err(|_| bad()),
            "ms" => number.parse().map(Handles::Millis).map_err(|_| bad()),
            "s" | "sec" | "secs" | "second" | "seconds" => {
                let (int, frac) = number.split_once('.').unwrap_or((number, ""));
                if int.is_empty() && frac.is_empty() || frac.len() > 3 || frac.contains('.') {
                    return Err(bad());
                }
                let int: u64 = if int.is_empty() { 0 } else { int.parse().map_err(|_| bad())? };
                let frac_ms: u64 =
                    if frac.is_empty() { 0 } else { format!("{frac:0<3}").parse().map_err(|_| bad())? };
                int.checked_mul(1000).and_then(|ms| ms.checked_add(frac_ms)).map(Handles::Millis).ok_or_else(bad)
            }
            _ => Err(bad()),
        }
    }

    /// The handle length in frames at `rate` (rounded to the nearest frame).
    pub fn frames_at(self, rate: Rate) -> u64 {
        match self {
            Handles::Frames(f) => f,
            Handles::Millis(ms) => rate.frames_nearest(u128::from(ms), 1000),
        }
    }
}

/// Pads every select with handles, clamped to its clip's media, and (with
/// `merge`) joins overlapping or touching selects of the same clip.
pub fn apply_handles(selects: Vec<Select>, handles: Option<Handles>, merge: bool) -> Vec<Select> {
    let mut out: Vec<Select> = selects
        .into_iter()
        .map(|mut s| {
            if let Some(h) = handles {
                let pad = h.frames_at(s.clip.rate());
                s.in_frame = s.in_frame.saturating_sub(pad);
                s.out_frame = s.out_frame.saturating_add(pad).min(s.clip.n_frames);
            }
            s.out_frame = s.out_frame.min(s.clip.n_frames).max(s.in_frame);
            s
        })
        .collect();
    if merge {
        // Overlapping or touching selects of one clip become one, wherever
        // they stand in the list; the merged select keeps the first's place.
        let mut merged: Vec<Select> = Vec::with_capacity(out.len());
        for s in out {
            let same = merged
                .iter_mut()
                .find(|m| m.clip.id == s.clip.id && s.in_frame <= m.out_frame && m.in_frame <= s.out_frame);
            match same {
                Some(prev) => {
                    prev.in_frame = prev.in_frame.min(s.in_frame);
                    prev.out_frame = prev.out_frame.max(s.out_frame);
                    if !s.text.is_empty() {
                        prev.text = format!("{} {}", prev.text, s.text).trim().to_string();
                    }
                    prev.comment = match (prev.comment.take(), s.comment) {
                        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
                        (a, b) => a.or(b),
                    };
                    prev.clearance = ClearanceMark::merge(prev.clearance.take(), s.clearance);
                }
                None => merged.push(s),
            }
        }
        out = merged;
    }
    out
}

/// A file URL for a path: `file:///abs/path` with each byte outside the
/// unreserved set percent-encoded (spaces, `&`, `#`, non-ASCII), as NLEs
/// write them.
pub fn file_url(path: &str) -> String {
    let mut out = String::from("file://");
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Escapes text for XML content and attribute values.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // As character references, tab and line ends survive both in
            // element text (a raw CR would be read back as LF) and in
            // attributes (where a parser turns raw ones into spaces).
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            // Other control characters, and the two noncharacters, are not
            // allowed in XML 1.0.
            c if (c as u32) < 0x20 => out.push(' '),
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_parse_and_convert() {
        assert_eq!(Handles::parse("12f"), Ok(Handles::Frames(12)));
        assert_eq!(Handles::parse("2s"), Ok(Handles::Millis(2000)));
        assert_eq!(Handles::parse("1.5s"), Ok(Handles::Millis(1500)));
        assert_eq!(Handles::parse("500ms"), Ok(Handles::Millis(500)));
        assert!(Handles::parse("two").is_err());
        assert!(Handles::parse("s").is_err());
        assert!(Handles::parse(".s").is_err());
        assert_eq!(Handles::parse("2 sec"), Ok(Handles::Millis(2000)));
        assert_eq!(Handles::parse("12 Frames"), Ok(Handles::Frames(12)));
        assert!(Handles::parse("2").is_err_and(|e| e.to_string().contains("unit")));
        assert!(Handles::parse("1.2.3s").is_err());
        assert_eq!(Handles::Millis(2000).frames_at(Rate::FPS_29_97), 60);
        assert_eq!(Handles::Millis(2000).frames_at(Rate::FPS_25), 50);
        assert_eq!(Handles::Millis(1000).frames_at(Rate::FPS_23_976), 24);
    }

    /// Handles pad each select within its media; merging joins only
    /// overlapping or touching selects of one clip, in any order.
    #[test]
    fn handles_clamp_and_merge_within_one_clip() {
        use crate::export::testkit::fixtures::{pal, select, sony};
        let spans = |v: &[Select]| v.iter().map(|s| (s.clip.name.clone(), s.in_frame, s.out_frame)).collect::<Vec<_>>();
        let (sony, pal) = (sony(), pal());
        let (sn, pn) = (sony.name.clone(), pal.name.clone());
        let n = sony.n_frames;
        // 12 frames of handles, clamped at the first and the last frame.
        let padded = apply_handles(
            vec![select(sony.clone(), 5, 20), select(sony.clone(), 30, n - 3)],
            Some(Handles::Frames(12)),
            false,
        );
        assert_eq!(spans(&padded), [(sn.clone(), 0, 32), (sn.clone(), 18, n)]);
        // An out point past the media is clamped even without handles, and
        // a reversed select becomes empty rather than negative.
        let kept = apply_handles(vec![select(sony.clone(), 10, n + 50), select(sony.clone(), 9, 4)], None, false);
        assert_eq!(spans(&kept), [(sn.clone(), 10, n), (sn.clone(), 9, 9)]);
        // Overlapping (in either order) and touching selects of one clip
        // merge; the same frames of another clip do not.
        let merged = apply_handles(
            vec![
                select(sony.clone(), 20, 30),
                select(pal.clone(), 0, 10),
                select(sony.clone(), 10, 20),
                select(sony, 40, 45),
            ],
            None,
            true,
        );
        assert_eq!(spans(&merged), [(sn.clone(), 10, 30), (pn, 0, 10), (sn, 40, 45)]);
    }

    /// Two selects merged into one keep the worse clearance and every
    /// reason; a cleared one adds nothing.
    #[test]
    fn merged_selects_keep_the_worse_clearance() {
        use crate::export::testkit::fixtures::{judged, select, sony};
        let pending = judged(select(sony(), 0, 10), "pending", &["Jean: release pending"]);
        let refused = judged(select(sony(), 5, 20), "refused", &["Ana: release refused"]);
        let cleared = judged(select(sony(), 20, 30), "cleared", &[]);
        let severity = |mut s: Select, n: u8| {
            if let Some(c) = s.clearance.as_mut() {
                c.severity = n;
            }
            s
        };
        let pending = severity(pending, 2);
        let worse = severity(refused.clone(), 5);
        let merged = apply_handles(vec![pending.clone(), worse, cleared.clone()], None, true);
        let mark = merged[0].clearance.as_ref().expect("a mark");
        assert_eq!((mark.status.as_str(), mark.cleared), ("refused", false));
        assert_eq!(mark.reasons, ["Ana: release refused", "Jean: release pending"]);
        assert_eq!(mark.summary(), "refused: Ana: release refused; Jean: release pending");
        let merged = apply_handles(vec![cleared.clone(), pending], None, true);
        assert_eq!(merged[0].clearance.as_ref().map(|c| c.status.as_str()), Some("cleared"), "apart: not merged");
        let mut touching = cleared;
        touching.in_frame = 10;
        let merged = apply_handles(vec![touching, refused], None, true);
        assert_eq!(merged[0].uncleared().map(|c| c.status.as_str()), Some("refused"));
    }

    /// A drop-frame record start needs a drop-frame sequence.
    #[test]
    fn record_start_labelling_must_match_the_sequence() {
        use crate::export::testkit::fixtures::{pal, select, sony};
        let pal_seq = Sequence::for_selects("t", &[select(pal(), 0, 1)], None, Some("01:00:00;00"));
        assert!(pal_seq.is_err_and(|e| e.to_string().contains("';' is drop-frame")));
        let df = Sequence::for_selects("t", &[select(sony(), 0, 1)], None, Some("01:00:00;00")).expect("29.97 DF");
        assert_eq!(df.record_start.frame(), 107_892);
        let ndf = Sequence::for_selects("t", &[select(pal(), 0, 1)], None, Some("10:00:00:00")).expect("25");
        assert_eq!(ndf.record_start.frame(), 900_000);
    }

    #[test]
    fn frames_convert_between_rates() {
        assert_eq!(convert_frames(48, Rate::FPS_23_976, Rate::FPS_23_976), 48);
        assert_eq!(convert_frames(50, Rate::FPS_25, Rate::FPS_50), 100);
        assert_eq!(convert_frames(60, Rate::FPS_29_97, Rate::FPS_25), 50);
    }

    #[test]
    fn urls_and_xml() {
        assert_eq!(file_url("/a b/C&D é.mov"), "file:///a%20b/C%26D%20%C3%A9.mov");
        assert_eq!(xml_escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot; ");
        assert_eq!(xml_escape("tab\tCR\r\nLF\u{FFFE}"), "tab&#9;CR&#13;&#10;LF\u{FFFD}");
    }
}
