//! Turning what the editor chose into [`Select`]s for export: the hits of a
//! search, a selects CSV the AP edited (the same columns `--format csv`
//! writes, so an export can be edited and fed back), or a bin. Knows the library;
//! the exporters in `export` do not.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::bins::{Bin, Span, clip_span, span_at};
use crate::clip::Clip;
use crate::export::{ExportClip, Select, ale, edl, fcpxml, otio, script, table, xmeml};
use crate::export::{Sequence, table::SelectRow};
use crate::library::Library;
use crate::resolve::{ClipLookupError, resolve_clip};
use crate::search::{Hit, HitKind};
use crate::sheet;
use crate::text::{Diagnostic, Fate};
use crate::timecode::{Rate, TcFormat, Timecode};

/// What an export writes.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// One file (or stdout).
    One(String),
    /// One file that is not text (a Word document).
    Binary(Vec<u8>),
    /// An ALE of clips at several rates: one log per rate, written beside
    /// the output as [`per_rate_path`] names them.
    PerRate(Vec<ale::RateLog>),
}

/// Where the log of one rate goes: `rt.ale` becomes `rt.25.ale`,
/// `rt.29.97.ale`; a name without `.ale` gets `.<rate>.ale` added.
pub fn per_rate_path(output: &Path, format: TcFormat) -> PathBuf {
    let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = match name.len().checked_sub(4).filter(|&i| name.is_char_boundary(i)) {
        Some(i) if name[i..].eq_ignore_ascii_case(".ale") => &name[..i],
        _ => name.as_str(),
    };
    output.with_file_name(format!("{stem}.{}.ale", format.rate().label()))
}

/// The rates of the clips whose rate is not `format`'s, in order, once
/// each: the rows an ALE at that rate converts.
pub fn other_rates(selects: &[Select], format: TcFormat) -> Vec<String> {
    let mut rates: Vec<String> = Vec::new();
    for sel in selects.iter().filter(|s| s.clip.rate() != format.rate()) {
        let label = sel.clip.rate().label();
        if !rates.contains(&label) {
            rates.push(label);
        }
    }
    rates
}

/// Length given to a note that marks a moment but has no out point.
const NOTE_SECONDS: u64 = 5;

/// The export formats. A front end names them (the CLI's `--format` takes
/// `edl`, `fcpxml`, `xmeml`, `ale`, `otio`, `csv`, `docx`, `txt`, `html`,
/// in any case). The last three are documents for people, not NLEs: the
/// selects as a script with their timecodes ([`crate::export::script`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Edl,
    Fcpxml,
    Xmeml,
    Ale,
    Otio,
    Csv,
    Docx,
    Txt,
    Html,
}

impl Format {
    /// Every format, in the order a front end lists them.
    pub const ALL: [Format; 9] = [
        Format::Edl,
        Format::Fcpxml,
        Format::Xmeml,
        Format::Ale,
        Format::Otio,
        Format::Csv,
        Format::Docx,
        Format::Txt,
        Format::Html,
    ];

    /// The format's name as a front end spells it (`--format edl`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Edl => "edl",
            Format::Fcpxml => "fcpxml",
            Format::Xmeml => "xmeml",
            Format::Ale => "ale",
            Format::Otio => "otio",
            Format::Csv => "csv",
            Format::Docx => "docx",
            Format::Txt => "txt",
            Format::Html => "html",
        }
    }

    /// Whether this is a document for people (a script), not a list for
    /// an NLE.
    pub fn is_document(self) -> bool {
        matches!(self, Format::Docx | Format::Txt | Format::Html)
    }

    /// Writes `selects` in this format.
    pub fn render(self, seq: &Sequence, selects: &[Select]) -> Output {
        let doc = || script::of_selects(seq, selects);
        Output::One(match self {
            Format::Edl => edl::write(seq, selects),
            Format::Fcpxml => fcpxml::write(seq, selects),
            Format::Xmeml => xmeml::write(seq, selects),
            Format::Ale => ale::write(seq, selects),
            Format::Otio => otio::write(seq, selects),
            Format::Csv => table::write(seq, selects),
            Format::Txt => script::write_txt(&doc()),
            Format::Html => script::write_html(&doc()),
            Format::Docx => return Output::Binary(script::write_docx(&doc())),
        })
    }

    /// Writes `selects` as the files this format needs; `fps` is the rate
    /// the user asked for (`--fps`), if any. An ALE has one frame rate: with
    /// `fps` every row is converted to it; without, selects of clips at
    /// several rates give one log per rate.
    pub fn render_files(self, seq: &Sequence, selects: &[Select], fps: Option<TcFormat>) -> Output {
        match (self, fps) {
            (Format::Ale, Some(_)) => Output::One(ale::write_converted(seq, selects)),
            (Format::Ale, None) => {
                let mut logs = ale::write_per_rate(seq, selects);
                match (logs.pop(), logs.is_empty()) {
                    (Some(only), true) => Output::One(only.text),
                    (Some(last), false) => {
                        logs.push(last);
                        Output::PerRate(logs)
                    }
                    (None, _) => self.render(seq, selects),
                }
            }
            _ => self.render(seq, selects),
        }
    }

    /// What this format cannot write as it is, one message per clip: the
    /// line-based formats (EDL, ALE) write a line break or tab in a media
    /// path as a space, and a reader then looks for a file that does not
    /// exist.
    pub fn warnings(self, selects: &[Select]) -> Vec<String> {
        let label = match self {
            Format::Edl => "an EDL",
            Format::Ale => "an ALE",
            Format::Fcpxml | Format::Xmeml | Format::Otio | Format::Csv | Format::Docx | Format::Txt | Format::Html => {
                return Vec::new();
            }
        };
        let mut paths: Vec<&str> =
            selects.iter().map(|s| s.clip.path.as_str()).filter(|p| p.chars().any(edl::breaks_line)).collect();
        paths.sort_unstable();
        paths.dedup();
        paths
            .into_iter()
            .map(|p| {
                format!(
                    "{p:?}: {label} cannot hold the line break or tab in this path; written as a space, \
                     so relink this clip by hand (FCP XML, FCPXML, OTIO and CSV keep it exactly)"
                )
            })
            .collect()
    }
}

/// What an exporter needs of a catalog clip; `None` for a clip without a
/// frame rate (it has no frames to cut on; see [`export_clip_at`]).
pub fn export_clip(clip: &Clip) -> Option<ExportClip> {
    let start = clip.start()?;
    Some(placed_clip(clip, start, clip.n_frames?, false))
}

/// [`export_clip`], and for media without a frame rate (a phone memo, an
/// MP3, a WAV with no `bext` speed) what an NLE makes of it: the clip's
/// own time at the sequence's `format` from 00:00:00:00, as many frames
/// as cover its whole length, marked `assumed_rate`. `None` only for a
/// clip whose length is unknown.
pub fn export_clip_at(clip: &Clip, format: TcFormat) -> Option<ExportClip> {
    if clip.tc_format().is_some() {
        return export_clip(clip);
    }
    let rate = format.rate();
    let n_frames = match clip.tc_basis {
        Some(basis) => basis.length.frames_at(rate),
        None if clip.duration_s.is_finite() && clip.duration_s > 0.0 => {
            // Whole milliseconds, then the frames covering them: the float
            // gives a length, never a frame label.
            let ms = (clip.duration_s * 1000.0).ceil() as u128;
            u64::try_from((ms * u128::from(rate.num())).div_ceil(1000 * u128::from(rate.den()))).ok()?
        }
        None => return None,
    };
    Some(placed_clip(clip, Timecode::zero(format), n_frames, true))
}

fn placed_clip(clip: &Clip, start: Timecode, n_frames: u64, assumed_rate: bool) -> ExportClip {
    ExportClip {
        id: clip.id.clone(),
        name: clip.name.clone(),
        path: clip.path.clone(),
        camera: clip.camera.clone(),
        reel: clip.reel.clone().or(clip.tape.clone()),
        format: start.format(),
        start,
        n_frames,
        has_video: clip.video.is_some(),
        audio_channels: clip.audio.as_ref().map_or(0, |a| a.channels),
        audio_sample_rate: clip.audio.as_ref().map_or(0, |a| a.sample_rate),
        width: clip.video.as_ref().map_or(0, |v| v.width),
        height: clip.video.as_ref().map_or(0, |v| v.height),
        assumed_rate,
    }
}

/// A reason a hit or row could not become a select.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    /// `file:line` or the hit's clip and timecode.
    pub source: String,
    pub reason: String,
}

/// The rate a sequence of `clips` (in the sequence's order) is cut at:
/// `rate` when given, else the first clip's that has one, else 25 fps. A
/// clip without a rate of its own is placed at it ([`export_clip_at`]).
pub fn sequence_format<'c>(rate: Option<TcFormat>, clips: impl IntoIterator<Item = &'c Clip>) -> TcFormat {
    rate.or_else(|| clips.into_iter().find_map(Clip::tc_format)).unwrap_or(TcFormat::ndf(Rate::FPS_25))
}

/// What an export says of a clip placed at an assumed rate, in the file
/// (a select's comment) and to the user.
pub fn assumed_rate_note(ec: &ExportClip) -> String {
    format!(
        "rate assumed: {} states no frame rate; placed at {} fps from {} (its own time)",
        ec.name,
        ec.rate().label(),
        Timecode::zero(ec.format)
    )
}

/// A select's comment with the assumed-rate note after it, when its clip
/// is placed at an assumed rate.
fn with_assumed_note(ec: &ExportClip, comment: Option<String>) -> Option<String> {
    if !ec.assumed_rate {
        return comment;
    }
    let note = assumed_rate_note(ec);
    Some(match comment {
        // A selects CSV rushes wrote carries the note already.
        Some(c) if c.contains(&note) => c,
        Some(c) => format!("{c}; {note}"),
        None => note,
    })
}

/// Selects from search hits, in timecode order by clip. A hit on a clip
/// without a frame rate is placed at the sequence's rate (`rate`, else
/// [`sequence_format`]'s), its seconds from the clip's start rounded to the
/// nearest frame, with the note that the rate was assumed.
pub fn from_hits(
    lib: &Library,
    hits: &[Hit],
    rate: Option<TcFormat>,
) -> Result<(Vec<Select>, Vec<Rejected>), crate::library::IndexError> {
    let clips: HashMap<String, Clip> = lib.clips()?.into_iter().map(|c| (c.id.clone(), c)).collect();
    // The selects are sorted by day and path: the first clip with a rate in
    // that order is the first one the sequence holds.
    let mut hit_clips: Vec<&Clip> =
        hits.iter().filter_map(|h| h.clip_id.as_ref().and_then(|id| clips.get(id))).collect();
    hit_clips.sort_by(|a, b| (&a.day, &a.path).cmp(&(&b.day, &b.path)));
    let format = sequence_format(rate, hit_clips);
    let mut selects = Vec::new();
    let mut rejected = Vec::new();
    for h in hits {
        let where_ = format!("{} {}", h.clip.as_deref().unwrap_or("(no clip)"), h.tc_in.as_deref().unwrap_or(""));
        let reject = |reason: &str| Rejected { source: where_.clone(), reason: reason.to_string() };
        let Some(clip) = h.clip_id.as_ref().and_then(|id| clips.get(id)) else {
            rejected.push(reject("not placed on a clip"));
            continue;
        };
        let Some(ec) = export_clip_at(clip, format) else {
            rejected.push(reject("the clip has no frame rate and no known length"));
            continue;
        };
        let offset = |tc: &Option<String>, seconds: Option<f64>| {
            if ec.assumed_rate {
                // The clip's own time at the sequence's rate: seconds from
                // its start to the nearest frame, as cues are placed.
                let ms = seconds.filter(|s| s.is_finite() && *s >= 0.0).map(|s| (s * 1000.0).round() as u128)?;
                return Some(ec.rate().frames_nearest(ms, 1000));
            }
            tc.as_deref().and_then(|t| Timecode::parse_in(t, ec.format).ok()).map(|t| t.frames_since(ec.start))
        };
        let (in_frame, out_frame) = match h.kind {
            HitKind::Clip => (0, ec.n_frames),
            // A note on the whole clip selects the whole clip.
            HitKind::Note if h.tc_in.is_none() && h.offset_in_s.is_none() => (0, ec.n_frames),
            HitKind::Soundbite | HitKind::Note => {
                let Some(i) = offset(&h.tc_in, h.offset_in_s) else {
                    rejected.push(reject("no timecode"));
                    continue;
                };
                if i >= ec.n_frames {
                    rejected.push(reject("starts after the end of its clip"));
                    continue;
                }
                let o = offset(&h.tc_out, h.offset_out_s)
                    .filter(|&o| o > i)
                    .unwrap_or_else(|| i + u64::from(ec.rate().nominal()) * NOTE_SECONDS);
                (i, o.min(ec.n_frames))
            }
        };
        let comment = (h.kind == HitKind::Note).then(|| h.text.clone());
        let text = if h.kind == HitKind::Soundbite { h.text.clone() } else { String::new() };
        selects.push(Select {
            comment: with_assumed_note(&ec, comment),
            clip: ec,
            in_frame,
            out_frame,
            speaker: h.speaker.clone(),
            text,
            clearance: None,
        });
    }
    sort(&mut selects, &clips);
    Ok((selects, rejected))
}

/// Selects from a bin, in the bin's order. A select whose clip is gone
/// from the library, or whose span no longer fits it (its rate was set
/// again), is rejected by the bin's name and the select's id.
pub fn from_bin(lib: &Library, bin: &Bin) -> Result<(Vec<Select>, Vec<Rejected>), crate::library::IndexError> {
    let clips: HashMap<String, Clip> = lib.clips()?.into_iter().map(|c| (c.id.clone(), c)).collect();
    let mut selects = Vec::new();
    let mut rejected = Vec::new();
    for s in &bin.selects {
        let source = format!("bin {:?} select {} ({} {})", bin.name, s.id, s.clip, s.tc_in);
        let Some(clip) = clips.get(&s.clip_id) else {
            rejected.push(Rejected { source, reason: "its clip is no longer in the library".into() });
            continue;
        };
        match cut(clip, &s.tc_in, &s.tc_out) {
            Ok((ec, span)) => selects.push(Select {
                clip: ec,
                in_frame: span.in_frame,
                out_frame: span.out_frame,
                speaker: s.speaker.clone(),
                text: s.text.clone().unwrap_or_default(),
                comment: s.comment.clone(),
                clearance: None,
            }),
            Err(reason) => rejected.push(Rejected { source, reason }),
        }
    }
    Ok((selects, rejected))
}

/// What a selects CSV gives.
#[derive(Debug, Default)]
pub struct FromCsv {
    pub selects: Vec<Select>,
    /// Rows that could not become a select, by `file:line`.
    pub rejected: Vec<Rejected>,
    /// Rows read by a guess the user should know of (a drop-frame label
    /// split by a `;` separator and joined again), by `file:line`.
    pub guessed: Vec<Rejected>,
}

/// Selects from a selects CSV (`clip` name or id, `tc_in`, `tc_out` in the
/// clip's own timecode; `comment`, `speaker`, `text` optional). Every bad
/// row is reported with its line, and the one guess the reader makes
/// (rejoining a split drop-frame label) is reported too. A row on a clip
/// without a frame rate reads its labels at the sequence's rate (`rate`,
/// else [`sequence_format`]'s over the rows' clips) from 00:00:00:00, and
/// its select carries the note that the rate was assumed.
pub fn from_csv(
    lib: &Library,
    file: &str,
    bytes: &[u8],
    rate: Option<TcFormat>,
) -> Result<FromCsv, crate::library::IndexError> {
    let clips = lib.clips()?;
    let (rows, mut errors) = table::read_selects_bytes(bytes);
    let mut selects = Vec::new();
    let guessed = rows
        .iter()
        .filter(|row| !row.rejoined.is_empty())
        .map(|row| Rejected { source: format!("{file}:{}", row.line), reason: sheet::rejoined_reason(&row.rejoined) })
        .collect();
    let named: Vec<Result<&Clip, String>> = rows.iter().map(|row| row_clip(row, &clips)).collect();
    let format = sequence_format(rate, named.iter().filter_map(|c| c.as_ref().ok().copied()));
    for (row, clip) in rows.iter().zip(named) {
        match clip.and_then(|clip| select_from_row(row, clip, format)) {
            Ok(s) => selects.push(s),
            Err(reason) => errors.push(Diagnostic::new(row.line, Fate::Skipped, reason)),
        }
    }
    // The file's order is the editor's: keep it. Report problems by line.
    errors.sort_by_key(|d| d.line);
    let rejected = errors.into_iter().map(|d| Rejected { source: format!("{file}:{}", d.line), reason: d.reason });
    Ok(FromCsv { selects, rejected: rejected.collect(), guessed })
}

fn select_from_row(row: &SelectRow, clip: &Clip, format: TcFormat) -> Result<Select, String> {
    let (ec, span) = cut_at(clip, &row.tc_in, &row.tc_out, format)?;
    Ok(Select {
        comment: with_assumed_note(&ec, row.comment.clone().filter(|s| !s.is_empty())),
        clip: ec,
        in_frame: span.in_frame,
        out_frame: span.out_frame,
        speaker: row.speaker.clone().filter(|s| !s.is_empty()),
        text: row.text.clone().unwrap_or_default(),
        clearance: None,
    })
}

/// The span `tc_in`..`tc_out` of `clip` as an exporter takes it: the rule
/// of [`clip_span`], shared by selects rows and bins.
fn cut(clip: &Clip, tc_in: &str, tc_out: &str) -> Result<(ExportClip, Span), String> {
    let span = clip_span(clip, tc_in, tc_out).map_err(|e| e.to_string())?;
    let ec = export_clip(clip).ok_or_else(|| format!("{}: the clip has no frame rate", clip.name))?;
    Ok((ec, span))
}

/// [`cut`], and for a clip without a frame rate the labels read at
/// `format` from 00:00:00:00 over the frames that cover its length.
fn cut_at(clip: &Clip, tc_in: &str, tc_out: &str, format: TcFormat) -> Result<(ExportClip, Span), String> {
    if clip.tc_format().is_some() {
        return cut(clip, tc_in, tc_out);
    }
    let ec = export_clip_at(clip, format)
        .ok_or_else(|| format!("{}: the clip has no frame rate and no known length", clip.name))?;
    let span = span_at(&clip.name, ec.start, ec.n_frames, tc_in, tc_out).map_err(|e| e.to_string())?;
    Ok((ec, span))
}

/// The clip a row names: by its `clip_id`, then its `path` (names repeat
/// across cards: every Sony card starts at `C0001.MP4`), and only then by
/// the `clip` column, which names a clip as every command does
/// ([`resolve_clip`]).
fn row_clip<'c>(row: &SelectRow, clips: &'c [Clip]) -> Result<&'c Clip, String> {
    let by = |pred: &dyn Fn(&Clip) -> bool| clips.iter().filter(|c| pred(c)).collect::<Vec<&Clip>>();
    if let Some(id) = row.clip_id.as_deref().map(str::trim)
        && let [one] = by(&|c| c.id == id).as_slice()
    {
        return Ok(one);
    }
    if let Some(path) = row.path.as_deref().map(str::trim)
        && let [one] = by(&|c| c.path == path || c.rel_path == path).as_slice()
    {
        return Ok(one);
    }
    let want = row.clip.trim();
    resolve_clip(want, clips).map_err(|e| match e {
        ClipLookupError::NotFound { .. } => format!("no clip {want:?} in the library"),
        ClipLookupError::Ambiguous { candidates, .. } => {
            let paths: Vec<&str> = candidates.iter().map(|c| c.rel_path.as_str()).collect();
            let gone = match (&row.clip_id, &row.path) {
                (None, None) => String::new(),
                _ => " (the row's clip_id and path name no clip in the library)".to_string(),
            };
            format!("{} clips are named {want:?}{gone}: {}; give the clip_id or path", paths.len(), paths.join(", "))
        }
    })
}

/// Timecode order by clip: day, clip path, then in point.
fn sort(selects: &mut [Select], clips: &HashMap<String, Clip>) {
    selects.sort_by(|a, b| {
        let day = |s: &Select| clips.get(&s.clip.id).and_then(|c| c.day.clone());
        (day(a), &a.clip.path, a.in_frame).cmp(&(day(b), &b.clip.path, b.in_frame))
    });
}

/// A clearance as the writers take it: plain values, the status's rank as
/// its severity.
pub fn clearance_mark(c: &crate::clearance::Clearance) -> crate::export::ClearanceMark {
    let severity = crate::releases::Status::ALL.iter().position(|s| *s == c.status).unwrap_or(0);
    crate::export::ClearanceMark {
        status: c.status.name().to_string(),
        cleared: c.status == crate::releases::Status::Cleared,
        severity: u8::try_from(severity).unwrap_or(u8::MAX),
        reasons: c.reasons.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_rate_names() {
        for (output, rate, want) in [
            ("/x/rt.ale", Rate::FPS_25, "/x/rt.25.ale"),
            ("/x/rt.ALE", Rate::FPS_29_97, "/x/rt.29.97.ale"),
            ("rt", Rate::FPS_50, "rt.50.ale"),
            ("/x/día.ale", Rate::FPS_23_976, "/x/día.23.976.ale"),
            ("/x/é", Rate::FPS_25, "/x/é.25.ale"),
        ] {
            assert_eq!(per_rate_path(Path::new(output), TcFormat::ndf(rate)), PathBuf::from(want), "{output}");
        }
    }
}
