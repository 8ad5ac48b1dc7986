//! Merging what the walk, the probe and the sidecars each know into one
//! catalog [`Clip`]. The only module that knows both `scan` and `probe`.
//!
//! Rules, in order of trust:
//! - Start TC: the file's own (`tmcd`, `bext`, iXML) beats a camera
//!   sidecar, which beats nothing (00:00:00:00, as NLEs assume).
//! - Rate: the video's own rate; else the timecode's; else `--fps` (the
//!   project rate, used only where the file states none).
//! - Reel: the file's own (tmcd name) beats the card layout; a sound
//!   file's TAPE stands in for a reel.
//! - Day: `--day`, else a dated folder, else the file's recording date,
//!   else its modification date.

use std::collections::HashMap;

use crate::clip::{Clip, ClipTimecode, NoteRecord, Segment, Sidecar, TcBasis, Verified, camera_key, clip_id};
use crate::date::{self, civil_date};
use crate::notes::Note;
use crate::probe::sony_xml::SonyMeta;
use crate::probe::{Length, MediaInfo, StartTc, TcSource};
use crate::scan::{Candidate, card_context};
use crate::timecode::{Rate, TcFormat, Timecode};
use crate::transcript::{Cue, Label};

/// Options that apply to a whole ingest.
#[derive(Clone, Debug, Default)]
pub struct MergeOptions {
    pub day: Option<String>,
    pub project_rate: Option<Rate>,
}

/// A sidecar already read, with its file.
pub struct SidecarInfo<'a> {
    pub file: &'a Candidate,
    pub abs_path: String,
    pub meta: SonyMeta,
}

/// Builds the catalog record of one probed file.
pub fn build_clip(
    root_abs: &str,
    root_name: &str,
    cand: &Candidate,
    info: &MediaInfo,
    sidecar: Option<&SidecarInfo<'_>>,
    opts: &MergeOptions,
) -> Clip {
    let path = join_abs(root_abs, &cand.rel_path);
    let name = cand.rel_path.rsplit('/').next().unwrap_or(&cand.rel_path).to_string();
    let ctx = card_context(root_name, &cand.rel_path);
    let meta = &info.meta;

    // The start: the file's own timecode, else the sidecar's; a P2 card's
    // clip XML is the clip's own record, so its start wins.
    let mut start: Option<StartTc> = info.start;
    let mut rate = info.rate;
    let side = sidecar.map(|s| &s.meta);
    if let Some(tc) = side.and_then(|m| m.start).filter(|_| start.is_none() || side.is_some_and(|m| m.authoritative)) {
        start = Some(StartTc { tc, source: TcSource::Sidecar });
        rate = rate.or(Some(tc.format().rate()));
    }
    // A file with no rate of its own keeps what its timecode is made of,
    // so a project rate given later labels it without reading it again.
    let tc_basis = (start.is_none() && rate.is_none())
        .then_some(TcBasis { length: info.length, time_reference: meta.time_reference });
    let sample_rate = info.audio.as_ref().map(|a| a.sample_rate);
    let labels = labelling(start, rate, info.rate, info.length, meta.time_reference, sample_rate, opts.project_rate);
    let duration_s = match (info.length, info.rate) {
        (Length::Frames(n), Some(r)) => r.seconds(n),
        (len, _) => len.seconds(),
    };

    let reel = meta
        .reel
        .clone()
        .or_else(|| side.and_then(|m| m.reel.clone()))
        .or(ctx.reel)
        .or_else(|| meta.tape.clone().filter(|_| info.video.is_none()));
    let camera = ctx.camera.or_else(|| {
        // A recorder file (bext/iXML) outside any camera folder is sound.
        (info.video.is_none() && matches!(info.start.map(|s| s.source), Some(TcSource::Bext | TcSource::Ixml)))
            .then(|| "SOUND".to_string())
    });
    let day = opts
        .day
        .clone()
        .or(ctx.day)
        .or(meta.recorded_date.clone())
        .or_else(|| Some(civil_date((cand.fingerprint.mtime_ns / 1_000_000_000) as i64)));

    let mut clip = Clip {
        id: clip_id(&path),
        path,
        rel_path: cand.rel_path.clone(),
        root: root_abs.to_string(),
        name,
        camera,
        reel,
        day,
        container: info.container.to_string(),
        duration_s: if duration_s.is_finite() { duration_s } else { 0.0 },
        n_frames: None,
        tc: ClipTimecode::NONE,
        tc_basis,
        video: info.video.clone(),
        audio: info.audio.clone().or_else(|| side.and_then(|m| m.audio.clone())),
        size: cand.fingerprint.size,
        mtime_ns: cand.fingerprint.mtime_ns,
        content_hash: None,
        scene: meta.scene.clone(),
        take: meta.take.clone(),
        tape: meta.tape.clone(),
        track_names: meta.track_names.clone(),
        note: meta.note.clone(),
        circled: meta.circled,
        family_uid: meta.family_uid.clone(),
        sidecar: sidecar.map(|s| Sidecar {
            path: s.abs_path.clone(),
            size: s.file.fingerprint.size,
            mtime_ns: s.file.fingerprint.mtime_ns,
        }),
        offline: false,
        segments: 0,
        notes: 0,
        speakers: Vec::new(),
        warnings: info.warnings.clone(),
        hash: None,
        verified: Verified::NotVerified,
        provenance: None,
        chapter: None,
        languages: Vec::new(),
    };
    labels.apply(&mut clip);
    clip
}

/// A clip's timecode labelling: its format, start, length in frames, and
/// a time reference still waiting for a rate.
struct Labelling {
    format: Option<TcFormat>,
    start: Option<StartTc>,
    start_samples: Option<u64>,
    n_frames: Option<u64>,
}

/// Labels a clip from the file's own start and rate (or its sidecar's);
/// a time reference without either takes the project rate, if one is
/// given. `video_rate` is the rate `Length::Frames` counts in.
fn labelling(
    mut start: Option<StartTc>,
    rate: Option<Rate>,
    video_rate: Option<Rate>,
    length: Length,
    time_reference: Option<u64>,
    sample_rate: Option<u32>,
    project_rate: Option<Rate>,
) -> Labelling {
    let mut start_samples = None;
    if let (None, Some(samples), Some(sample_rate)) = (start, time_reference, sample_rate) {
        match project_rate {
            Some(r) if sample_rate > 0 => {
                let frames = r.frames_from_samples(samples, sample_rate);
                start = Some(StartTc { tc: Timecode::from_frames(frames, TcFormat::ndf(r)), source: TcSource::Bext });
            }
            _ => start_samples = Some(samples),
        }
    }
    let rate = rate.or(project_rate);
    let format = start.map(|s| s.tc.format()).or(rate.map(TcFormat::ndf));

    // Length in frames of the timecode rate; video frames at another rate
    // are converted through exact rational seconds.
    let n_frames = format.map(|f| match (length, video_rate) {
        (Length::Frames(n), Some(video_rate)) if video_rate != f.rate() => {
            let secs_num = u128::from(n) * u128::from(video_rate.den());
            let secs_den = u128::from(video_rate.num());
            Length::Ticks {
                ticks: u64::try_from(secs_num).unwrap_or(u64::MAX),
                timescale: u32::try_from(secs_den).unwrap_or(u32::MAX),
            }
            .frames_at(f.rate())
        }
        (len, _) => len.frames_at(f.rate()),
    });
    Labelling { format, start, start_samples, n_frames }
}

impl Labelling {
    /// Writes the labelling into the clip's record.
    fn apply(&self, clip: &mut Clip) {
        let format = self.format;
        let start_tc = match (self.start, format) {
            (Some(s), _) => Some(s.tc),
            (None, Some(f)) if self.start_samples.is_none() => Some(Timecode::zero(f)),
            _ => None,
        };
        let end_tc = match (start_tc, self.n_frames) {
            (Some(tc), Some(n)) => Some(tc.add_frames(n)),
            _ => None,
        };
        clip.n_frames = self.n_frames;
        // Rate-less media (a phone memo) still starts at 00:00:00:00 in an
        // NLE (`start` none, see `ClipTimecode`); only a time reference
        // waiting for `--fps` has no label yet.
        clip.tc = ClipTimecode {
            format,
            start: start_tc,
            end: end_tc,
            source: self.start.map_or(TcSource::None, |s| s.source),
            start_samples: self.start_samples,
        };
    }
}

/// The clip as these options make it, derived from its record alone (no
/// file is read): a `--day` dates it, and a project rate labels a clip
/// whose file has no rate of its own (see [`TcBasis`]). `None` when
/// nothing changes, or when the rate cannot be applied without the file
/// (a record from before `tc_basis` was kept: probe it again).
pub fn rederive(clip: &Clip, opts: &MergeOptions) -> Option<Clip> {
    let mut new = clip.clone();
    if let Some(day) = &opts.day {
        new.day = Some(day.clone());
    }
    if let (Some(basis), Some(rate)) = (clip.tc_basis, opts.project_rate) {
        let sample_rate = clip.audio.as_ref().map(|a| a.sample_rate);
        labelling(None, None, None, basis.length, basis.time_reference, sample_rate, Some(rate)).apply(&mut new);
    }
    (new != *clip).then_some(new)
}

pub use crate::clip::join_abs;

/// The Sony sidecar name for a clip: `C0001.MP4` → `C0001M01.XML`
/// (compared case-insensitively by the caller).
pub fn sony_sidecar_name(clip_name: &str) -> Option<String> {
    let stem = clip_name.rsplit_once('.').map(|(s, _)| s)?;
    Some(format!("{stem}M01.XML"))
}

// ---------------------------------------------------------------------------
// Transcripts and notes onto clips.

/// How a transcript's times relate to its clip.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Timebase {
    /// 00:00:00.000 is the clip's first frame.
    Clip,
    /// Times are the clip's record timecode (time of day).
    Record,
}

/// Names a transcript file may be matched by, most specific first:
/// `C0002.en.srt`, `C0002_transcript.vtt`, `C0002 (1).srt` → `C0002`.
pub fn transcript_stems(file_name: &str) -> Vec<String> {
    let mut stem = file_name.rsplit_once('.').map_or(file_name, |(s, _)| s).trim().to_string();
    let mut out = vec![stem.clone()];
    loop {
        let before = stem.clone();
        // A copy suffix: ` (1)`, `(2)`.
        if let Some(open) = stem.rfind('(') {
            let inner = &stem[open + 1..];
            if inner.ends_with(')') && inner[..inner.len() - 1].bytes().all(|b| b.is_ascii_digit()) {
                stem = stem[..open].trim_end().to_string();
            }
        }
        // A language suffix: `.en`, `.eng`, `.en-US`, `.pt_BR`.
        if let Some((head, lang)) = stem.rsplit_once('.') {
            let base = lang.split(['-', '_']).next().unwrap_or("");
            if (2..=3).contains(&base.len()) && base.bytes().all(|b| b.is_ascii_alphabetic()) && lang.len() <= 6 {
                stem = head.to_string();
            }
        }
        // A word the transcription tool appended.
        let lower = stem.to_ascii_lowercase();
        for word in ["transcript", "transcription", "captions", "subtitles", "subs", "whisper"] {
            for sep in ['_', '-', ' ', '.'] {
                if lower.ends_with(&format!("{sep}{word}")) {
                    stem.truncate(stem.len() - word.len() - 1);
                }
            }
        }
        if stem.is_empty() || stem == before {
            break;
        }
        out.push(stem.clone());
    }
    out.dedup();
    out
}

/// The catalog prepared for placing many transcripts and notes: clips by
/// lower-case name stem, and each clip's start timecode parsed once.
pub struct Catalog<'a> {
    pub clips: &'a [Clip],
    starts: Vec<Option<(Timecode, u64)>>,
    by_stem: HashMap<String, Vec<usize>>,
    by_id: HashMap<&'a str, usize>,
}

impl<'a> Catalog<'a> {
    pub fn new(clips: &'a [Clip]) -> Catalog<'a> {
        let mut by_stem: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in clips.iter().enumerate() {
            let stem = c.name.rsplit_once('.').map_or(c.name.as_str(), |(s, _)| s);
            by_stem.entry(stem.to_lowercase()).or_default().push(i);
        }
        let starts = clips.iter().map(|c| c.start().zip(c.n_frames)).collect();
        let by_id = clips.iter().enumerate().map(|(i, c)| (c.id.as_str(), i)).collect();
        Catalog { clips, starts, by_stem, by_id }
    }

    /// The clip whose id is `id`.
    pub fn clip(&self, id: &str) -> Option<&'a Clip> {
        self.by_id.get(id).map(|&i| &self.clips[i])
    }

    /// Finds the one clip a transcript belongs to by its file name. When
    /// several clips share the name (every Sony card starts at
    /// `C0001.MP4`), the [`nearest`] to the transcript wins; otherwise it is
    /// ambiguous.
    pub fn match_transcript(&self, path: &str) -> Result<&'a Clip, MatchError> {
        let file_name = path.rsplit('/').next().unwrap_or(path);
        for stem in transcript_stems(file_name) {
            let found: Vec<&'a Clip> =
                self.by_stem.get(&stem.to_lowercase()).into_iter().flatten().map(|&i| &self.clips[i]).collect();
            if found.is_empty() {
                continue;
            }
            return nearest(&found, path, day_of_path(path).as_deref())
                .map_err(|tied| MatchError::Ambiguous(tied.iter().map(|c| c.rel_path.clone()).collect()));
        }
        Err(MatchError::NoClip)
    }
}

impl<'a> Catalog<'a> {
    /// The clips a sound report's row means: the file of that name, or
    /// the split-mono files of the take (`A101_1.WAV` and `A101_1_X.WAV`
    /// are `A101_1_1.WAV`, `A101_1_2.WAV`...). Of same-named files on
    /// several cards, those sharing the deepest folder with the report.
    pub fn report_clips(&self, file: &str, report_path: &str) -> Result<Vec<&'a Clip>, MatchError> {
        let (stem, ext) = file.rsplit_once('.').unwrap_or((file, ""));
        let same_ext = |c: &Clip| c.name.rsplit_once('.').is_some_and(|(_, e)| e.eq_ignore_ascii_case(ext));
        let exact: Vec<&'a Clip> = self.clips.iter().filter(|c| c.name.eq_ignore_ascii_case(file)).collect();
        let found = if exact.is_empty() {
            let prefix = match stem.strip_suffix("_X").or(stem.strip_suffix("_x")) {
                Some(p) => format!("{}_", p.to_lowercase()),
                None => format!("{}_", stem.to_lowercase()),
            };
            let channel = |c: &Clip| {
                let s = c.name.rsplit_once('.').map_or(c.name.as_str(), |(s, _)| s).to_lowercase();
                s.strip_prefix(&prefix)
                    .is_some_and(|n| !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit()))
            };
            self.clips.iter().filter(|c| same_ext(c) && channel(c)).collect()
        } else {
            exact
        };
        if found.is_empty() {
            return Err(MatchError::NoReportFile(file.to_string()));
        }
        let depth = |c: &Clip| shared_depth(report_path, &c.path);
        let deepest = found.iter().map(|c| depth(c)).max().unwrap_or(0);
        Ok(found.into_iter().filter(|c| depth(c) == deepest).collect())
    }
}

/// Why a transcript or a sound report's row found no clip.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MatchError {
    /// Same-named clips tied for nearest, by their paths in their dumps.
    #[error("matches {} clips ({}); use --clip", .0.len(), .0.join(", "))]
    Ambiguous(Vec<String>),
    #[error("matches no clip by name")]
    NoClip,
    #[error("no file {0:?} (or its split-mono channels) in the library")]
    NoReportFile(String),
}

/// Why a note's timecode names no label at a clip's rate.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoteLabelError {
    #[error("{0:?} is not a timecode")]
    NotATimecode(String),
    #[error("{text}: frame {frame} does not exist at {rate} fps (frames run 00 to {last:02})")]
    NoSuchFrame { text: String, frame: u64, rate: String, last: u64 },
}

/// How many leading folders two files' paths share.
fn shared_depth(a: &str, b: &str) -> usize {
    let dirs = |p: &str| {
        let mut d: Vec<String> = p.split('/').map(str::to_string).collect();
        d.pop();
        d
    };
    dirs(a).iter().zip(dirs(b).iter()).take_while(|(x, y)| x == y).count()
}

/// Of the clips a sidecar, transcript or notes row could mean by name, the
/// one nearest the file that names it: first the clip sharing the deepest
/// folder with the file (the same card, then the same shoot day's folder),
/// then the clip of the same day. `Err` holds the clips still tied.
pub fn nearest<'c>(found: &[&'c Clip], file_path: &str, day: Option<&str>) -> Result<&'c Clip, Vec<&'c Clip>> {
    let shared = |c: &Clip| shared_depth(file_path, &c.path);
    let deepest = found.iter().map(|c| shared(c)).max().unwrap_or(0);
    let mut tied: Vec<&'c Clip> = found.iter().copied().filter(|c| shared(c) == deepest).collect();
    if tied.len() > 1
        && let Some(day) = day
    {
        let same_day: Vec<&'c Clip> = tied.iter().copied().filter(|c| c.day.as_deref() == Some(day)).collect();
        if !same_day.is_empty() {
            tied = same_day;
        }
    }
    match tied.as_slice() {
        [one] => Ok(one),
        _ => Err(tied),
    }
}

/// The shoot day a file's path names: the date in its nearest dated folder.
pub fn day_of_path(path: &str) -> Option<String> {
    let mut dirs: Vec<&str> = path.split('/').collect();
    dirs.pop();
    dirs.iter().rev().find_map(|d| date::date_in_name(d))
}

/// How a transcript's times were read, and how many cues each reading
/// puts inside the clip.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Detected {
    pub timebase: Timebase,
    pub inside_as_clip: usize,
    pub inside_as_record: usize,
}

/// Decides whether cue times are clip-relative or record timecode: the
/// reading that puts more cues inside the clip wins (each allowed one
/// second past the end), and clip time on a tie. A clip that crosses
/// midnight has small record times too, so neither reading can be
/// assumed from the numbers alone. SMPTE labels (`Cue::tc`) are judged in
/// the clip's own labelling: a source-TC transcript whose labels fall
/// inside the clip's timecode span is record-based.
pub fn detect_timebase(cues: &[Cue], clip: &Clip) -> Detected {
    let limit_ms = clip.duration_s * 1000.0 + 1000.0;
    let start = clip.start();
    let inside = |frame: u64, start: Timecode, n: u64| frame < n + u64::from(start.format().rate().nominal());
    let inside_as_clip = cues
        .iter()
        .filter(|c| match (c.tc, start, clip.n_frames) {
            (Some(span), Some(s), Some(n)) => inside(label_tc(span.start, s.format()).frame(), s, n),
            _ => (c.start_ms as f64) < limit_ms,
        })
        .count();
    let inside_as_record = match (start, clip.n_frames) {
        (Some(s), Some(n)) => cues.iter().filter(|c| inside(cue_frames(c, s, Timebase::Record, None).0, s, n)).count(),
        _ => 0,
    };
    let timebase = if inside_as_record > inside_as_clip { Timebase::Record } else { Timebase::Clip };
    Detected { timebase, inside_as_clip, inside_as_record }
}

/// A cue's first and last frame counted from the clip's first frame
/// (`start`), under `timebase`; an open-ended cue runs to `n_frames`.
/// Running milliseconds round to the nearest frame at the clip's exact
/// rate; record milliseconds and SMPTE labels are read as labels in the
/// clip's labelling (its rate and drop-frame flag), so a label lands on
/// the frame it names whatever rate the file was written at.
fn cue_frames(cue: &Cue, start: Timecode, timebase: Timebase, n_frames: Option<u64>) -> (u64, u64) {
    let format = start.format();
    let at = |ms: u64, label: Option<Label>| match (timebase, label) {
        (Timebase::Record, Some(label)) => label_tc(label, format).frames_since(start),
        (Timebase::Clip, Some(label)) => label_tc(label, format).frame(),
        (Timebase::Record, None) => label_from_ms(ms, format).frames_since(start),
        (Timebase::Clip, None) => format.rate().frames_nearest(u128::from(ms), 1000),
    };
    let first = at(cue.start_ms, cue.tc.map(|t| t.start));
    let last = if cue.open_end { n_frames.unwrap_or(first) } else { at(cue.end_ms, cue.tc.map(|t| t.end)) };
    (first, last.max(first))
}

/// A transcript's SMPTE label in a clip's labelling (see [`label_lenient`]).
fn label_tc(label: Label, format: TcFormat) -> Timecode {
    let field = u64::from;
    label_lenient(field(label.hh), field(label.mm), field(label.ss), field(label.ff), format)
}

/// A time-of-day in ms read as a timecode label: seconds as written, the
/// milliseconds turned into frames of the nominal rate.
fn label_from_ms(ms: u64, format: TcFormat) -> Timecode {
    let nominal = u64::from(format.rate().nominal());
    let secs = ms / 1000;
    let ff = ((ms % 1000) * nominal + 500) / 1000;
    label_lenient(secs / 3600 % 24, secs / 60 % 60, secs % 60, ff.min(nominal - 1), format)
}

/// Builds a label, moving a drop-frame label that does not exist to the
/// first one that does (`00:01:00;00` → `00:01:00;02`).
fn label_lenient(hh: u64, mm: u64, ss: u64, ff: u64, format: TcFormat) -> Timecode {
    let ff = ff.min(u64::from(format.rate().nominal()).saturating_sub(1));
    Timecode::from_fields_forward(hh, mm, ss, ff, format).unwrap_or(Timecode::zero(format))
}

/// Reads a note's timecode at a clip's labelling, forgiving what people
/// write: frames omitted (`14:31:05`), a `;` at a non-drop rate, a
/// drop-frame label that does not exist (moved to the next that does). A
/// frame number at or above the rate is refused, never clamped: the note
/// was meant for a clip of another rate, or is a typo.
pub fn note_label(text: &str, format: TcFormat) -> Result<Timecode, NoteLabelError> {
    let (hh, mm, ss, ff) = label_parts(text).ok_or_else(|| NoteLabelError::NotATimecode(text.to_string()))?;
    let nominal = u64::from(format.rate().nominal());
    if ff >= nominal {
        let (text, rate) = (text.to_string(), format.rate().label());
        return Err(NoteLabelError::NoSuchFrame { text, frame: ff, rate, last: nominal - 1 });
    }
    Ok(label_lenient(hh, mm, ss, ff, format))
}

/// Hours, minutes, seconds and frames (0 when omitted) of a note's label.
fn label_parts(text: &str) -> Option<(u64, u64, u64, u64)> {
    let parts: Vec<&str> = text.trim().split([':', ';', '.']).collect();
    let num = |s: &str| -> Option<u64> {
        if !s.is_empty() && s.len() <= 3 && s.bytes().all(|b| b.is_ascii_digit()) { s.parse().ok() } else { None }
    };
    let (hh, mm, ss, ff) = match parts.as_slice() {
        [h, m, s] => (num(h)?, num(m)?, num(s)?, 0),
        [h, m, s, f] => (num(h)?, num(m)?, num(s)?, num(f)?),
        _ => return None,
    };
    (hh <= 23 && mm <= 59 && ss <= 59).then_some((hh, mm, ss, ff))
}

/// Places a transcript's cues on its clip.
pub fn place_cues(cues: &[Cue], clip: &Clip, source: &str, timebase: Timebase) -> Vec<Segment> {
    let start = clip.start();
    cues.iter()
        .enumerate()
        .map(|(n, cue)| {
            let frames = start.map(|s| cue_frames(cue, s, timebase, clip.n_frames));
            // Running milliseconds keep their own seconds; everything read as
            // a label is where its frame is.
            let exact_ms = timebase == Timebase::Clip && cue.tc.is_none();
            let secs = match (frames, start) {
                (Some((fi, fo)), Some(s)) if !exact_ms || cue.open_end => {
                    let rate = s.format().rate();
                    let fi_s = if exact_ms { cue.start_ms as f64 / 1000.0 } else { rate.seconds(fi) };
                    (fi_s, rate.seconds(fo).max(fi_s))
                }
                _ => {
                    let fi_s = cue.start_ms as f64 / 1000.0;
                    let fo_s = if cue.open_end { clip.duration_s } else { cue.end_ms as f64 / 1000.0 };
                    (fi_s, fo_s.max(fi_s))
                }
            };
            Segment {
                clip_id: clip.id.clone(),
                source: source.to_string(),
                line: cue.line,
                n,
                offset_in_s: secs.0,
                offset_out_s: secs.1,
                frame_in: frames.map(|f| f.0),
                frame_out: frames.map(|f| f.1),
                tc_in: start.zip(frames).map(|(s, f)| s.add_frames(f.0).to_string()),
                tc_out: start.zip(frames).map(|(s, f)| s.add_frames(f.1).to_string()),
                speaker: cue.speaker.clone(),
                text: cue.text.clone(),
                format: None,
            }
        })
        .collect()
}

/// Where a note may land: restricted by camera and day when known.
pub struct NoteScope<'a> {
    pub camera: Option<&'a str>,
    pub day: Option<&'a str>,
}

/// Places one note on every clip whose [start_tc, end_tc) holds its
/// timecode (several clips for multicam), or returns it unplaced with the
/// reason. A note naming its clip goes to that clip.
impl Catalog<'_> {
    pub fn place_note(&self, note: &Note, n: usize, source: &str, scope: &NoteScope<'_>) -> Vec<NoteRecord> {
        let clips = self.clips;
        // The note's label depends only on the clip's labelling: parse it once
        // per distinct format, not once per clip.
        let mut labels: Vec<(TcFormat, Result<Timecode, NoteLabelError>)> = Vec::new();
        let camera = note.camera.as_deref().or(scope.camera);
        let day = note.day.as_deref().or(scope.day);
        let base = NoteRecord {
            clip_id: None,
            source: source.to_string(),
            line: note.line,
            n,
            tc: note.tc.clone(),
            tc_in: None,
            tc_out: None,
            offset_s: None,
            frame_in: None,
            camera: camera.map(str::to_string),
            day: day.map(str::to_string),
            text: note.text.clone(),
            tags: note.tags.clone(),
            rating: note.rating.clone(),
            speaker: note.speaker.clone(),
            reason: None,
        };
        // A row naming a clip that several cards have goes to the nearest;
        // when that is still ambiguous it stays unplaced and says so.
        let named = note.clip.as_deref().map(|want| {
            let found = crate::resolve::candidates(want, clips);
            if found.len() < 2 {
                return found;
            }
            let of_camera: Vec<&Clip> =
                found.iter().copied().filter(|c| camera.is_some_and(|cam| camera_matches(cam, c))).collect();
            let found = if of_camera.is_empty() { found } else { of_camera };
            let day = day.map(str::to_string).or_else(|| day_of_path(source));
            nearest(&found, source, day.as_deref()).map_or_else(|tied| tied, |one| vec![one])
        });
        if let Some(tied) = named.as_ref().filter(|n| n.len() > 1) {
            let names: Vec<&str> = tied.iter().map(|c| c.rel_path.as_str()).collect();
            let mut rec = base;
            rec.reason = Some(format!("names {} clips ({}); give the clip's id or path", tied.len(), names.join(", ")));
            return vec![rec];
        }
        let mut placed = Vec::new();
        let mut bad_frame: Option<NoteLabelError> = None;
        for (clip, start) in clips.iter().zip(&self.starts) {
            if let Some(named) = &named {
                if !named.iter().any(|c| c.id == clip.id) {
                    continue;
                }
            } else {
                if camera.is_some_and(|cam| !camera_matches(cam, clip)) {
                    continue;
                }
                if day.zip(clip.day.as_deref()).is_some_and(|(d, cd)| d != cd) {
                    continue;
                }
            }
            let Some((start, n_frames)) = *start else { continue };
            let inside = match &note.tc {
                // A whole-clip note: on its clip, with no timecode.
                None => None,
                Some(tc) => {
                    let label = match labels.iter().find(|(f, _)| *f == start.format()) {
                        Some((_, l)) => l.clone(),
                        None => {
                            let l = note_label(tc, start.format());
                            labels.push((start.format(), l.clone()));
                            l
                        }
                    };
                    match label {
                        Ok(t) => Some(t.frames_since(start)).filter(|&off| off < n_frames),
                        Err(reason) => {
                            // A frame the clip's rate does not have is an
                            // error for the row, not a near miss to clamp:
                            // say so when the second is inside this clip.
                            let second = label_parts(tc).map(|(h, m, s, _)| label_lenient(h, m, s, 0, start.format()));
                            if named.is_some() || second.is_some_and(|t| t.frames_since(start) < n_frames) {
                                bad_frame.get_or_insert(reason);
                            }
                            continue;
                        }
                    }
                }
            };
            if inside.is_none() && named.is_none() {
                continue;
            }
            let mut rec = base.clone();
            rec.clip_id = Some(clip.id.clone());
            if let Some(off) = inside {
                rec.frame_in = Some(off);
                rec.offset_s = Some(start.format().rate().seconds(off));
                rec.tc_in = Some(start.add_frames(off).to_string());
                rec.tc_out =
                    note.tc_out.as_deref().and_then(|t| note_label(t, start.format()).ok()).map(|t| t.to_string());
            }
            placed.push(rec);
        }
        if placed.is_empty() {
            let mut rec = base;
            let tc = note.tc.as_deref().unwrap_or("(no timecode)");
            rec.reason = Some(match (bad_frame, &named, camera) {
                (Some(reason), _, _) => reason.to_string(),
                (None, Some(_), _) => {
                    format!("names clip {:?}, which is not in the catalog", note.clip.as_deref().unwrap_or(""))
                }
                (None, None, Some(cam)) => {
                    format!("no clip of camera {cam} holds {tc} (cameras in the library: {})", self.cameras())
                }
                (None, None, None) => format!("no clip holds {tc}"),
            });
            return vec![rec];
        }
        placed
    }

    /// The cameras the catalog has, for messages: `A, B, SOUND`.
    fn cameras(&self) -> String {
        let mut cams: Vec<&str> = self.clips.iter().filter_map(|c| c.camera.as_deref()).collect();
        cams.sort_unstable();
        cams.dedup();
        if cams.is_empty() { "none".to_string() } else { cams.join(", ") }
    }
}

/// `A` matches camera A or reel `A`; `SOUND`/`AUDIO` matches recorder files.
fn camera_matches(cam: &str, clip: &Clip) -> bool {
    let cam = camera_key(cam);
    let eq = |v: &Option<String>| v.as_deref().is_some_and(|c| camera_key(c) == cam);
    let sound = ["SOUND", "AUDIO", "SND"].iter().any(|s| *s == cam);
    eq(&clip.camera) || eq(&clip.reel) || (sound && clip.camera.as_deref() == Some("SOUND"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clip(name: &str, camera: &str, rate: Rate, drop: bool, start: &str, n_frames: u64) -> Clip {
        let format = TcFormat::new(rate, drop);
        let start_tc = Timecode::parse_in(start, format).unwrap();
        Clip {
            id: format!("id-{name}"),
            path: format!("/dump/{camera}/{name}"),
            rel_path: format!("{camera}/{name}"),
            root: "/dump".into(),
            name: name.into(),
            camera: Some(camera.into()),
            reel: None,
            day: Some("2026-03-14".into()),
            container: "mov".into(),
            duration_s: rate.seconds(n_frames),
            n_frames: Some(n_frames),
            tc: ClipTimecode {
                format: Some(format),
                start: Some(start_tc),
                end: Some(start_tc.add_frames(n_frames)),
                source: TcSource::Tmcd,
                start_samples: None,
            },
            tc_basis: None,
            video: None,
            audio: None,
            size: 1,
            mtime_ns: 0,
            content_hash: None,
            scene: None,
            take: None,
            tape: None,
            track_names: vec![],
            note: None,
            circled: None,
            family_uid: None,
            sidecar: None,
            offline: false,
            segments: 0,
            notes: 0,
            speakers: vec![],
            warnings: vec![],
            hash: None,
            verified: Verified::NotVerified,
            provenance: None,
            chapter: None,
            languages: Vec::new(),
        }
    }

    fn cue(start_ms: u64, end_ms: u64) -> Cue {
        Cue::timed(start_ms, end_ms, "x".into(), None, 1)
    }

    fn note(tc: &str, camera: Option<&str>) -> Note {
        Note {
            tc: Some(tc.into()),
            tc_out: None,
            camera: camera.map(Into::into),
            clip: None,
            text: "n".into(),
            tags: vec![],
            rating: None,
            speaker: None,
            day: None,
            line: 1,
        }
    }

    #[test]
    fn stems_of_transcript_names() {
        let check = |name: &str, want: &[&str]| assert_eq!(transcript_stems(name), want, "{name}");
        check("C0002.srt", &["C0002"]);
        check("C0002.en.srt", &["C0002.en", "C0002"]);
        check("C0002_transcript.vtt", &["C0002_transcript", "C0002"]);
        check("C0002 (1).srt", &["C0002 (1)", "C0002"]);
        check("A003C012_260314_R1AB.en-US.vtt", &["A003C012_260314_R1AB.en-US", "A003C012_260314_R1AB"]);
    }

    #[test]
    fn transcript_matching_prefers_the_local_folder() {
        let a = clip("C0001.MP4", "A001", Rate::FPS_25, false, "10:00:00:00", 50);
        let mut b = clip("C0001.MP4", "B001", Rate::FPS_25, false, "11:00:00:00", 50);
        b.id = "other".into();
        let clips = vec![a, b];
        let cat = Catalog::new(&clips);
        assert!(cat.match_transcript("/elsewhere/c0001.en.srt").unwrap_err().to_string().contains("2 clips"));
        assert!(cat.match_transcript("/dump/TRANSCRIPTS/c0001.srt").unwrap_err().to_string().contains("2 clips"));
        assert_eq!(cat.match_transcript("/dump/B001/C0001.srt").unwrap().id, "other");
        assert_eq!(cat.match_transcript("/dump/B001/SUBS/C0001.srt").unwrap().id, "other");
        assert!(cat.match_transcript("/dump/B001/C0009.srt").is_err());
    }

    #[test]
    fn the_deepest_shared_folder_then_the_day_decides() {
        let mut day1 = clip("C0002.MP4", "A001", Rate::FPS_25, false, "10:00:00:00", 50);
        day1.path = "/shoot/2026-03-14/A001/CLIP/C0002.MP4".into();
        let mut day2 = clip("C0002.MP4", "A001", Rate::FPS_25, false, "10:00:00:00", 50);
        day2.id = "day2".into();
        day2.day = Some("2026-03-15".into());
        day2.path = "/shoot/2026-03-15/A001/CLIP/C0002.MP4".into();
        let found = [&day1, &day2];
        let id = |r: Result<&Clip, Vec<&Clip>>| r.map(|c| c.id.clone()).map_err(|t| t.len());
        assert_eq!(id(nearest(&found, "/shoot/2026-03-15/TRANSCRIPTS/C0002.srt", None)), Ok("day2".into()));
        assert_eq!(id(nearest(&found, "/shoot/2026-03-14/C0002.srt", None)), Ok("id-C0002.MP4".into()));
        assert_eq!(id(nearest(&found, "/shoot/TRANSCRIPTS/C0002.srt", None)), Err(2));
        assert_eq!(id(nearest(&found, "/shoot/TRANSCRIPTS/C0002.srt", Some("2026-03-15"))), Ok("day2".into()));
        assert_eq!(id(nearest(&found, "/shoot/TRANSCRIPTS/C0002.srt", Some("2026-03-16"))), Err(2));
        assert_eq!(day_of_path("/x/DAY02_2026-03-15/subs/C0002.srt").as_deref(), Some("2026-03-15"));
        assert_eq!(day_of_path("/x/2026-03-15.srt"), None);
    }

    #[test]
    fn clip_relative_cues_round_to_frames_drop_frame() {
        let c = clip("C0001.MP4", "A", Rate::FPS_29_97, true, "14:30:59;28", 60);
        let segs =
            place_cues(&[cue(100, 900), cue(1000, 1900)], &c, "s.srt", detect_timebase(&[cue(100, 900)], &c).timebase);
        // 0.1 s × 30000/1001 = 2.997 → frame 3: ;29, then ;02 (;00 and ;01
        // of minute 31 do not exist), then ;03.
        assert_eq!(segs[0].tc_in.as_deref(), Some("14:31:00;03"));
        assert_eq!(segs[0].frame_in, Some(3));
        assert_eq!(segs[1].frame_in, Some(30));
        assert_eq!(segs[1].tc_in.as_deref(), Some("14:31:01;00"));
        assert_eq!(segs[1].offset_in_s, 1.0);
        assert_eq!(segs[1].offset_out_s, 1.9);
        // Half a frame rounds up: 1.02 s at 25 fps is frame 25.5 → 26.
        let pal = clip("P.mov", "B", Rate::FPS_25, false, "10:00:00:00", 100);
        let segs = place_cues(&[cue(1000, 2020)], &pal, "p.srt", Timebase::Clip);
        assert_eq!((segs[0].frame_in, segs[0].frame_out), (Some(25), Some(51)));
        assert_eq!(segs[0].tc_out.as_deref(), Some("10:00:02:01"));
    }

    /// What people write in a notes sheet, read at a clip's labelling.
    #[test]
    fn note_labels() {
        let pal = TcFormat::ndf(Rate::FPS_25);
        let df = TcFormat::df(Rate::FPS_29_97).unwrap();
        let label = |t: &str, f| note_label(t, f).ok().map(|tc| tc.to_string());
        assert_eq!(label("14:31:05", pal).as_deref(), Some("14:31:05:00"));
        assert_eq!(label("23:59:59:24", pal).as_deref(), Some("23:59:59:24"));
        assert_eq!(label("14:59:00", pal).as_deref(), Some("14:59:00:00"));
        assert_eq!(label("14:31:59", pal).as_deref(), Some("14:31:59:00"));
        assert_eq!(label("14:31:05:12", pal).as_deref(), Some("14:31:05:12"));
        assert_eq!(label("14.31.05.12", pal).as_deref(), Some("14:31:05:12"));
        // A drop-frame label that does not exist moves to the first that does.
        assert_eq!(label("14:31:00;00", df).as_deref(), Some("14:31:00;02"));
        assert_eq!(label("14:30:00;00", df).as_deref(), Some("14:30:00;00"));
        assert_eq!(label("14:31:01;00", df).as_deref(), Some("14:31:01;00"));
        for bad in ["24:00:00:00", "14:60:00", "14:31:60", "0014:31:05", "14:31", "", "14:31:05:12:00", "a:b:c"] {
            assert_eq!(label(bad, pal), None, "{bad}");
        }
        // Frames at or above the rate are refused, not clamped.
        assert_eq!(label("14:31:00:25", pal), None);
        assert_eq!(
            note_label("14:31:00:40", df).map_err(|e| e.to_string()),
            Err("14:31:00:40: frame 40 does not exist at 29.97 fps (frames run 00 to 29)".to_string())
        );
        assert_eq!(label("14:31:00:29", df).as_deref(), Some("14:31:00;29"));
        // Record-time milliseconds: frames of the nominal rate, and the
        // last frame of a second at most.
        assert_eq!(label_from_ms(52_265_999, pal).to_string(), "14:31:05:24");
        assert_eq!(label_from_ms(52_260_000, df).to_string(), "14:31:00;02");
    }

    /// A copy suffix is digits in brackets and a language tag is two or
    /// three letters: other brackets and numbers stay part of the name.
    #[test]
    fn stems_keep_what_is_no_suffix() {
        let check = |name: &str, want: &[&str]| assert_eq!(transcript_stems(name), want, "{name}");
        check("Interview (final).srt", &["Interview (final)"]);
        check("C0002 (1.srt", &["C0002 (1"]);
        check("Take.001.srt", &["Take.001"]);
        check("Take.1234567.srt", &["Take.1234567"]);
        check("Maria.interview.srt", &["Maria.interview"]);
    }

    /// Cue times up to a second past the clip's end are still clip time;
    /// record time needs the first cue inside the clip's timecode span
    /// (plus one second of slack).
    #[test]
    fn timebase_boundaries() {
        let zero = clip("PLAIN.mp4", "D", Rate::FPS_25, false, "00:00:00:00", 50);
        assert_eq!(detect_timebase(&[cue(0, 2_500)], &zero).timebase, Timebase::Clip);
        assert_eq!(detect_timebase(&[cue(0, 3_000)], &zero).timebase, Timebase::Clip);
        assert_eq!(detect_timebase(&[], &zero).timebase, Timebase::Clip);
        let c = clip("B.mov", "B", Rate::FPS_25, false, "10:00:00:00", 50);
        let at = |s: u64, milli: u64| cue(36_000_000 + s * 1000 + milli, 36_000_000 + s * 1000 + milli + 500);
        // 50 frames of clip and 25 of slack: frame 74 is inside, 75 is not.
        assert_eq!(detect_timebase(&[at(2, 960)], &c).timebase, Timebase::Record);
        assert_eq!(detect_timebase(&[at(3, 0)], &c).timebase, Timebase::Clip);
        // Shot just after midnight: record times are small numbers, yet
        // past the clip's length and inside its timecode span.
        let early = clip("E.mov", "B", Rate::FPS_25, false, "00:00:10:00", 50);
        assert_eq!(detect_timebase(&[cue(10_000, 10_900), cue(11_000, 11_500)], &early).timebase, Timebase::Record);
        // Across midnight (23:59:58;00 for 4.004 s at 59.94 DF), a
        // transcript counted from the clip's start: as record time only
        // the cues before 00:00:03 would be inside, so clip time wins.
        let night = clip("N.mp4", "D", Rate::FPS_59_94, true, "23:59:58;00", 240);
        let cues: Vec<Cue> = [500, 1000, 1500, 2500, 3000, 3500, 4000, 4500, 5000].map(|s| cue(s, s + 500)).to_vec();
        assert_eq!(
            detect_timebase(&cues, &night),
            Detected { timebase: Timebase::Clip, inside_as_clip: 9, inside_as_record: 4 }
        );
    }

    #[test]
    fn record_timebase_is_detected_and_placed() {
        let c = clip("A003.mov", "B", Rate::FPS_23_976, false, "14:31:10:00", 48);
        let ms = |h: u64, m: u64, s: u64, milli: u64| ((h * 60 + m) * 60 + s) * 1000 + milli;
        let cues = [cue(ms(14, 31, 10, 0), ms(14, 31, 10, 900)), cue(ms(14, 31, 11, 0), ms(14, 31, 11, 500))];
        assert_eq!(detect_timebase(&cues, &c).timebase, Timebase::Record);
        let segs = place_cues(&cues, &c, "t.vtt", Timebase::Record);
        assert_eq!(segs[0].tc_in.as_deref(), Some("14:31:10:00"));
        assert_eq!(segs[0].frame_in, Some(0));
        assert_eq!(segs[1].tc_in.as_deref(), Some("14:31:11:00"));
        assert_eq!(segs[1].frame_in, Some(24));
        // 900 ms of a 24-frame label second is frame 22 (21.6 rounded).
        assert_eq!(segs[0].tc_out.as_deref(), Some("14:31:10:22"));
    }

    /// A SMPTE label as a transcript writes it.
    fn label(text: &str) -> Label {
        Label::parse(text).unwrap_or_else(|| panic!("{text}"))
    }

    fn labelled(start: &str, end: &str) -> Cue {
        let span = crate::transcript::LabelSpan { start: label(start), end: label(end) };
        Cue::labelled(span, "x".into(), None, 1)
    }

    fn placed(cue: Cue, clip: &Clip) -> (Timebase, Option<u64>, Option<u64>, Option<String>, Option<String>) {
        let timebase = detect_timebase(std::slice::from_ref(&cue), clip).timebase;
        let seg = place_cues(&[cue], clip, "t", timebase).remove(0);
        (timebase, seg.frame_in, seg.frame_out, seg.tc_in, seg.tc_out)
    }

    /// Running time (Premiere JSON, speech APIs, Otter) at the three
    /// common camera rates: milliseconds from the clip's first frame, to
    /// the nearest frame at the exact rate.
    #[test]
    fn running_time_lands_on_its_frame_at_23_976_25_and_29_97_df() {
        let c23 = clip("A.mov", "A", Rate::FPS_23_976, false, "10:00:00:00", 24_000);
        // 1.001 s is exactly frame 24 at 24000/1001; 41.708 ms is frame 1.
        assert_eq!(placed(cue(1_001, 41_708), &c23).1, Some(24));
        assert_eq!(placed(cue(42, 1_001), &c23).1, Some(1));
        assert_eq!(placed(cue(1_001, 2_002), &c23).3.as_deref(), Some("10:00:01:00"));
        let c25 = clip("B.mov", "B", Rate::FPS_25, false, "10:00:00:00", 25_000);
        assert_eq!(
            placed(cue(3_200, 31_800), &c25),
            (Timebase::Clip, Some(80), Some(795), Some("10:00:03:05".into()), Some("10:00:31:20".into()))
        );
        let c30 = clip("C.mov", "C", Rate::FPS_29_97, true, "01:00:00;00", 30_000);
        // 60.06 s is frame 1800: the label after 01:00:59;29 is 01:01:00;02.
        assert_eq!(placed(cue(60_060, 61_000), &c30).1, Some(1800));
        assert_eq!(placed(cue(60_060, 61_000), &c30).3.as_deref(), Some("01:01:00;02"));
        // A timecoded paragraph's last cue runs to the clip's end.
        let mut last = cue(60_060, 60_060);
        last.open_end = true;
        assert_eq!(placed(last, &c30).2, Some(30_000));
    }

    /// Source timecode written by an NLE (Premiere, Resolve, Avid DS) with
    /// no rate: read in the clip's labelling. A clip at 59.94 DF rolling
    /// over midnight: the labels are record time, and the frame after
    /// 23:59:59;59 is 00:00:00;00.
    #[test]
    fn source_tc_across_midnight_at_59_94_df() {
        let night = clip("N.mp4", "D", Rate::FPS_59_94, true, "23:59:58;00", 240);
        let cues = [labelled("23:59:59;30", "00:00:01;10"), labelled("00:00:01;10", "00:00:01;59")];
        assert_eq!(detect_timebase(&cues, &night).timebase, Timebase::Record);
        let segs = place_cues(&cues, &night, "t", Timebase::Record);
        // Two seconds to midnight (no labels dropped in second 58 of 23:59)
        // is 120 frames; then 60 + 10.
        assert_eq!((segs[0].frame_in, segs[0].frame_out), (Some(90), Some(190)));
        assert_eq!(segs[1].tc_in.as_deref(), Some("00:00:01;10"));
        assert_eq!(segs[1].frame_out, Some(239));
        // `--timebase clip` overrides: the same labels from 00:00:00;00.
        let forced = place_cues(&cues[1..], &night, "t", Timebase::Clip);
        assert_eq!(forced[0].frame_in, Some(70));
    }

    /// An SCC's drop-frame label (ttconv's roll-up sample starts at
    /// 01:02:53;14) on a 29.97 DF clip starting at 01:00:00;00: minutes 1
    /// and 2 each skip two labels, so it is frame 2·1800 − 4 + 53·30 + 14.
    /// The same label on a 25 fps clip is that clip's own 01:02:53:14.
    #[test]
    fn scc_drop_frame_label_lands_on_its_frame() {
        let df = clip("S.mov", "S", Rate::FPS_29_97, true, "01:00:00;00", 9_000);
        let scc = labelled("01:02:53;14", "01:02:55;14");
        assert_eq!(
            placed(scc, &df),
            (Timebase::Record, Some(5_200), Some(5_260), Some("01:02:53;14".into()), Some("01:02:55;14".into()))
        );
        let pal = clip("P.mov", "P", Rate::FPS_25, false, "01:00:00:00", 9_000);
        assert_eq!(placed(labelled("01:02:53;14", "01:02:55;14"), &pal).1, Some(173 * 25 + 14));
        // A transcript from a sequence at zero: clip time, exact labels.
        let zero = clip("Z.mov", "S", Rate::FPS_29_97, true, "01:00:00;00", 9_000);
        assert_eq!(placed(labelled("00:01:00;02", "00:01:01;00"), &zero).1, Some(1_800));
    }

    #[test]
    fn notes_land_by_camera_day_and_across_midnight() {
        let a = clip("C0001.MP4", "A", Rate::FPS_29_97, true, "14:30:59;28", 60);
        let b = clip("B.mov", "B", Rate::FPS_25, false, "14:31:00:00", 100);
        let night = clip("N.mp4", "D", Rate::FPS_59_94, true, "23:59:58;00", 240);
        let clips = vec![a, b, night];
        let cat = Catalog::new(&clips);
        let scope = NoteScope { camera: None, day: None };
        // No camera: both cameras rolling at 14:31:01 get it (multicam).
        let placed = cat.place_note(&note("14:31:01", None), 0, "n.csv", &scope);
        assert_eq!(
            placed.iter().filter_map(|p| p.clip_id.as_deref()).collect::<Vec<_>>(),
            ["id-C0001.MP4", "id-B.mov"]
        );
        // A drop-frame label checked against the 25 fps clip still lands.
        let placed = cat.place_note(&note("14:31:01;10", Some("b")), 0, "n.csv", &scope);
        assert_eq!(placed[0].clip_id.as_deref(), Some("id-B.mov"));
        assert_eq!(placed[0].tc_in.as_deref(), Some("14:31:01:10"));
        // After midnight inside the night clip.
        let placed = cat.place_note(&note("00:00:01;00", None), 0, "n.csv", &scope);
        assert_eq!(placed[0].clip_id.as_deref(), Some("id-N.mp4"));
        // Between clips: kept, unplaced, with a reason.
        let placed = cat.place_note(&note("14:40:00:00", Some("A")), 3, "n.csv", &scope);
        assert_eq!(placed.len(), 1);
        assert!(placed[0].clip_id.is_none());
        assert!(placed[0].reason.as_deref().unwrap_or("").contains("camera A"));
        // Another day does not match.
        let other_day = NoteScope { camera: None, day: Some("2026-03-15") };
        assert!(cat.place_note(&note("14:31:01", None), 0, "n.csv", &other_day)[0].clip_id.is_none());
    }

    /// A note may name its clip (id, file name or stem, any case), and then
    /// lands there even outside its timecode; a camera matches the clip's
    /// camera or reel, and SOUND/AUDIO the recorders; the out point is
    /// exclusive.
    #[test]
    fn notes_by_clip_name_camera_alias_and_the_last_frame() {
        let mut a = clip("C0001.MP4", "A", Rate::FPS_25, false, "10:00:00:00", 50);
        a.reel = Some("A001".into());
        let mut b = clip("C0001.MOV", "B", Rate::FPS_25, false, "10:00:00:00", 50);
        b.id = "b-id".into();
        let wav = clip("T001.WAV", "SOUND", Rate::FPS_25, false, "10:00:00:00", 50);
        let clips = vec![a, b, wav];
        let cat = Catalog::new(&clips);
        let scope = NoteScope { camera: None, day: None };
        let on = |n: &Note| -> Vec<(Option<String>, Option<String>)> {
            cat.place_note(n, 0, "n.csv", &scope).into_iter().map(|p| (p.clip_id, p.tc_in)).collect()
        };
        let named = |clip: &str, tc: &str| Note { clip: Some(clip.into()), ..note(tc, None) };
        let some = |id: &str, tc: &str| (Some(id.to_string()), Some(tc.to_string()));
        assert_eq!(on(&named("b-id", "10:00:01:00")), [some("b-id", "10:00:01:00")]);
        assert_eq!(on(&named("c0001.mov", "10:00:01:00")), [some("b-id", "10:00:01:00")]);
        // The stem names both C0001 files, on two cards, and nothing says
        // which: unplaced, naming both. The row's camera decides.
        let both = cat.place_note(&named("C0001", "10:00:01:00"), 0, "n.csv", &scope);
        assert_eq!(both.len(), 1);
        assert_eq!(both[0].clip_id, None);
        assert_eq!(
            both[0].reason.as_deref(),
            Some("names 2 clips (A/C0001.MP4, B/C0001.MOV); give the clip's id or path")
        );
        let on_b = Note { camera: Some("b".into()), ..named("C0001", "10:00:01:00") };
        assert_eq!(on(&on_b), [some("b-id", "10:00:01:00")]);
        // Named but outside the clip's timecode: on the clip, with no TC.
        assert_eq!(on(&named("T001.WAV", "12:00:00:00")), [(Some("id-T001.WAV".into()), None)]);
        let cam = |c: &str, tc: &str| on(&note(tc, Some(c)));
        assert_eq!(cam("a001", "10:00:01:00"), [some("id-C0001.MP4", "10:00:01:00")]);
        assert_eq!(cam("audio", "10:00:01:00"), [some("id-T001.WAV", "10:00:01:00")]);
        assert_eq!(cam("snd", "10:00:01:00"), [some("id-T001.WAV", "10:00:01:00")]);
        // 10:00:01:24 is the last frame of the 50; 10:00:02:00 is after it.
        assert_eq!(cam("B", "10:00:01:24"), [some("b-id", "10:00:01:24")]);
        assert_eq!(cam("B", "10:00:02:00"), [(None, None)]);
    }
}
