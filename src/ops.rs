//! What a front end asks of the library, one call per command beyond
//! ingest and search: [`import`] of files a user names, the shot log behind
//! `show` ([`show`]), the catalog listing ([`clips`]) and the export pipeline ([`export`], or
//! [`pick`] then [`render`] for a front end that reports the selects it
//! skipped before rendering). Values in, values out: no printing, no flags,
//! no files written; the CLI (and a later server) only words and writes.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::PathBuf;

use serde::Serialize;
use thiserror::Error;

use crate::bins::{Bins, BinsError};
use crate::clearance::Clearance;
use crate::clearance::{Judge, ReleaseImport};
use crate::clip::{Clip, ClipFilter, NoteRecord, Segment};
use crate::export::script;
use crate::export::{ClearanceMark, Handles, Select, Sequence, SequenceError, apply_handles};
use crate::import::{
    ImportError, ImportOptions, ImportReport, Placement, Skipped, Warning, ext, import_files, read_capped,
};
use crate::library::{IndexError, Library, QueryError};
use crate::paper;
use crate::producer::ClipWords;
use crate::progress::Progress;
use crate::releases::ReleasesError;
use crate::releases::{self, ReleaseLog, Releases, Taken};
use crate::resolve::{ClipLookupError, resolve_clip};
use crate::scan::os_text;
use crate::search::{SearchError, SearchRequest, judge, search};
use crate::selects::{self, Format, Output, Rejected};
use crate::timecode::TcFormat;
use crate::used::{Used, UsedCut, UsedCuts, UsedError};

/// One clip with its notes and transcript, in timecode order: `show`'s
/// `--json` contract. The clip, each note and each cue carry their
/// `clearance`, read from the release log as the log is now, and `used`,
/// the tracked cuts that hold a frame of them (see [`crate::used`]).
#[derive(Clone, Debug, Serialize)]
pub struct ShotLog {
    pub clip: Clip,
    /// The whole clip's: everyone heard in it, every row covering it.
    pub clearance: Clearance,
    /// The cuts that use any frame of the clip.
    pub used: Vec<Used>,
    pub notes: Vec<Judged<NoteRecord>>,
    pub transcript: Vec<Judged<Segment>>,
    /// The transcript files on the clip, each with its language.
    pub transcripts: Vec<TranscriptFile>,
}

/// A transcript file on a clip, and the language it is in.
#[derive(Clone, Debug, Serialize)]
pub struct TranscriptFile {
    pub path: String,
    pub format: Option<String>,
    /// ISO 639-1 code, when known.
    pub language: Option<String>,
    /// Where the language came from: `declared`, `set`, `detected`.
    pub language_from: Option<crate::language::LanguageFrom>,
}

/// The transcripts on each clip (by clip id), from the source records.
fn transcripts_by_clip(snap: &crate::library::Snapshot) -> Result<HashMap<String, Vec<TranscriptFile>>, IndexError> {
    let mut out: HashMap<String, Vec<TranscriptFile>> = HashMap::new();
    for r in snap.sources::<crate::import::SourceRecord>()? {
        let Some(clip) = r.clip_id.clone().filter(|_| r.kind == crate::import::SourceKind::Transcript) else {
            continue;
        };
        out.entry(clip).or_default().push(TranscriptFile {
            path: r.path,
            format: r.format.map(|f| f.name().to_string()),
            language: r.language.as_ref().map(|l| l.code.clone()),
            language_from: r.language.map(|l| l.from),
        });
    }
    for files in out.values_mut() {
        files.sort_by(|a, b| a.path.cmp(&b.path));
    }
    Ok(out)
}

/// A record with its clearance: the record's own fields, then
/// `clearance` and `used`.
#[derive(Clone, Debug, Serialize)]
pub struct Judged<T> {
    #[serde(flatten)]
    pub item: T,
    pub clearance: Clearance,
    pub used: Vec<Used>,
}

impl<T> std::ops::Deref for Judged<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.item
    }
}

/// Why there is no shot log.
#[derive(Debug, Error)]
pub enum ShowError {
    #[error("no clip {want:?} in the library (see `rushes clips`)")]
    NotFound { want: String },
    #[error("{} clips match {want:?}; give the id:\n{}", candidates.len(), listing(candidates))]
    Ambiguous { want: String, candidates: Vec<Clip> },
    #[error("no clip of {day} has a transcript or notes (see `rushes clips --day {day}`)")]
    NoWords { day: String },
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Releases(#[from] ReleasesError),
    #[error(transparent)]
    Used(#[from] UsedError),
}

/// `  id  path`, one line per clip.
fn listing(clips: &[Clip]) -> String {
    clips.iter().map(|c| format!("  {}  {}", c.id, one_line(&c.path))).collect::<Vec<_>>().join("\n")
}

/// The shot log of the clip `want` names ([`resolve_clip`]), read from one
/// snapshot: the clip's counts and its words come from the same commit,
/// even while an ingest commits. Releases expire against `as_of`
/// (`YYYY-MM-DD`), today when `None`.
pub fn show(lib: &Library, want: &str, as_of: Option<&str>) -> Result<ShotLog, ShowError> {
    let judge = judge(lib, as_of)?;
    let marks = crate::used::marks(&lib.dir)?;
    let snap = lib.snapshot()?;
    let clips = snap.clips()?;
    let mut clip = match resolve_clip(want, &clips) {
        Ok(one) => one.clone(),
        Err(ClipLookupError::NotFound { want }) => return Err(ShowError::NotFound { want }),
        Err(ClipLookupError::Ambiguous { want, candidates }) => return Err(ShowError::Ambiguous { want, candidates }),
    };
    clip.chapter = chapter_of(clips, &clip.id);
    let mut transcript = snap.segments_of_clip(&clip.id)?;
    transcript
        .sort_by(|a, b| a.offset_in_s.total_cmp(&b.offset_in_s).then(a.source.cmp(&b.source)).then(a.n.cmp(&b.n)));
    let mut notes = snap.notes_of_clip(&clip.id)?;
    // Notes on the whole clip first, then in timecode order.
    notes.sort_by(|a, b| {
        (a.tc.is_some(), a.offset_s.unwrap_or(0.0))
            .partial_cmp(&(b.tc.is_some(), b.offset_s.unwrap_or(0.0)))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.line.cmp(&b.line))
    });
    let clearance = judge.clearance(Some(&clip), None, &clip.speakers.iter().map(String::as_str).collect::<Vec<_>>());
    let notes = notes
        .into_iter()
        .map(|n| {
            let frames = n.frame_in.map(|f| (f, f.saturating_add(1)));
            let heard = crate::clearance::heard_at(n.speaker.as_deref(), frames, &transcript, &clip);
            let clearance = judge.clearance(Some(&clip), frames, &heard);
            Judged { used: marks.of(&clip.id, frames), item: n, clearance }
        })
        .collect();
    let transcript = transcript
        .into_iter()
        .map(|s| {
            let speakers: Vec<&str> = s.speaker.iter().map(String::as_str).collect();
            let frames = s.frame_in.zip(s.frame_out);
            let clearance = judge.clearance(Some(&clip), frames, &speakers);
            // A cue not placed on a frame is used nowhere that can be said.
            let used = frames.map(|f| marks.of(&clip.id, Some(f))).unwrap_or_default();
            Judged { item: s, clearance, used }
        })
        .collect();
    let used = marks.of(&clip.id, None);
    let transcripts = transcripts_by_clip(&snap)?.remove(&clip.id).unwrap_or_default();
    clip.languages = languages_of(&transcripts);
    Ok(ShotLog { clip, clearance, used, notes, transcript, transcripts })
}

/// What a file given to [`import_as`] is, when the user says so instead
/// of letting its contents tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportKind {
    /// A release log ([`crate::releases`]).
    Releases,
}

/// Imports transcripts and notes files (absolute paths, as the library
/// spells them) in one commit and places them on clips; a file that is not
/// one or cannot be read is listed in the report (`sidecars_skipped`) and
/// the others are kept. A spreadsheet whose columns make it a release log
/// is imported as the library's release log ([`import_as`]).
pub fn import(
    lib: &Library,
    files: &[PathBuf],
    options: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport, ImportError> {
    import_as(lib, files, options, None, progress)
}

/// [`import`], with every file read as `kind` when it is given. A release
/// log replaces the one the library keeps (one atomic write, no index
/// commit, so it never waits for an ingest); the other files are one
/// commit.
pub fn import_as(
    lib: &Library,
    files: &[PathBuf],
    options: &ImportOptions,
    kind: Option<ImportKind>,
    progress: &dyn Progress,
) -> Result<ImportReport, ImportError> {
    let mut report = ImportReport::default();
    let mut words = Vec::new();
    for f in files {
        let (abs, ext) = (os_text(f.as_os_str()), ext(f));
        if crate::sheet::WORKBOOK_EXTENSIONS.contains(&ext.as_str()) {
            // A workbook that holds no release log is read as notes.
            if !import_workbook(lib, (f, &abs), options, kind, &mut report)? {
                words.push((f.clone(), abs, options.clone()));
            }
            continue;
        }
        // Only a spreadsheet can be a release log: a transcript is not read
        // twice to find out.
        let sheet = matches!(ext.as_str(), "csv" | "tsv" | "txt");
        let bytes = (kind == Some(ImportKind::Releases) || sheet).then(|| read_capped(f));
        let is_log = kind == Some(ImportKind::Releases)
            || bytes.as_ref().is_some_and(|b| b.as_ref().is_ok_and(|b| releases::is_release_log(b, &ext)));
        match bytes {
            Some(Ok(bytes)) if is_log => {
                let taken = if kind.is_some() { Taken::Forced } else { Taken::ByColumns };
                import_release_log(lib, (&abs, &ext, &bytes), options, taken, &mut report)?;
            }
            Some(Err(reason)) if is_log => report.sidecars_skipped.push(Skipped { path: abs, reason }),
            _ => words.push((f.clone(), abs, options.clone())),
        }
    }
    if !words.is_empty() {
        let mut writer = lib.writer()?;
        import_files(lib, &mut writer, &words, Placement::Given, &mut report, progress)?;
    }
    progress.finish();
    Ok(report)
}

/// A workbook (`.xlsx`, `.xls`, `.ods`): its first worksheet that is a
/// release log (by its columns, or with a person column when `kind` says
/// so) is imported as the CSV of that sheet would be, lines being rows.
/// `false` when no sheet is one and `kind` does not force a release log:
/// the workbook is then shoot notes or a sound report, for the caller to
/// import as such. A forced workbook with no log sheet is listed as
/// skipped, with why.
fn import_workbook(
    lib: &Library,
    (path, abs): (&std::path::Path, &str),
    options: &ImportOptions,
    kind: Option<ImportKind>,
    report: &mut ImportReport,
) -> Result<bool, ImportError> {
    let skip = |report: &mut ImportReport, reason: String| {
        report.sidecars_skipped.push(Skipped { path: abs.to_string(), reason });
    };
    let bytes = match read_capped(path) {
        Ok(b) => b,
        Err(reason) => {
            skip(report, reason);
            return Ok(true);
        }
    };
    let sheets = match crate::sheet::workbook_sheets(&bytes) {
        Ok(s) => s,
        Err(reason) => {
            skip(report, reason);
            return Ok(true);
        }
    };
    let forced = kind == Some(ImportKind::Releases);
    let log = sheets.iter().find(|(_, text)| releases::is_release_log(text.as_bytes(), "csv")).or_else(|| {
        forced
            .then(|| sheets.iter().find(|(_, t)| releases::parse(t.as_bytes(), "csv", None, Taken::Forced).is_log()))?
    });
    match log {
        Some((_, text)) => {
            let taken = if forced { Taken::Forced } else { Taken::ByColumns };
            import_release_log(lib, (abs, "csv", text.as_bytes()), options, taken, report).map(|()| true)
        }
        None if !forced => Ok(false),
        None => {
            let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
            skip(
                report,
                format!(
                    "no sheet of this workbook ({}) is a release log (a person column and a status or release type column)",
                    names.join(", ")
                ),
            );
            Ok(true)
        }
    }
}

/// Reads a release log and keeps it in place of the library's; its rows'
/// problems go to the report's warnings by `file:line`.
fn import_release_log(
    lib: &Library,
    (abs, ext, bytes): (&str, &str, &[u8]),
    options: &ImportOptions,
    taken: Taken,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let (releases, diagnostics, encoding) = match releases::parse(bytes, ext, options.date_order, taken) {
        releases::Outcome::Log { releases, diagnostics, encoding } => (releases, diagnostics, encoding),
        releases::Outcome::NotReleases { reason } => {
            report.sidecars_skipped.push(Skipped { path: abs.to_string(), reason });
            return Ok(());
        }
    };
    for d in &diagnostics {
        let source = if d.line == 0 { abs.to_string() } else { format!("{abs}:{}", d.line) };
        report.warnings.push(Warning { source, reason: d.reason.clone(), fate: d.fate });
    }
    let log = ReleaseLog {
        path: abs.to_string(),
        hash: format!("{:016x}", crate::clip::fnv1a64(bytes)),
        encoding: encoding.to_string(),
        diagnostics: diagnostics.into_iter().map(|d| d.in_source(abs)).collect(),
        releases,
    };
    let mut statuses = BTreeMap::new();
    for r in &log.releases {
        *statuses.entry(r.status).or_insert(0) += 1;
    }
    let linking = Judge::new(Some(&log), &crate::date::today()).linking(&lib.clips()?);
    let rows = log.releases.len();
    let replaced = Releases::open(&lib.dir).replace(log)?.map(|old| old.path);
    report.release_log = Some(ReleaseImport { path: abs.to_string(), rows, statuses, replaced, linking });
    Ok(())
}

/// The catalog as `clips` lists it: the clips `filter` keeps, by day,
/// camera and path.
pub fn clips(lib: &Library, filter: &ClipFilter) -> Result<Vec<Clip>, IndexError> {
    // Chapters are grouped over the whole catalog, before the filter, so a
    // listing of one chapter still says which take it belongs to.
    let mut all = lib.clips()?;
    crate::chapters::assign(&mut all);
    let mut clips: Vec<Clip> = all.into_iter().filter(|c| filter.matches(c)).collect();
    clips.sort_by(|a, b| (&a.day, &a.camera, &a.path).cmp(&(&b.day, &b.camera, &b.path)));
    let transcripts = transcripts_by_clip(&lib.snapshot()?)?;
    for clip in &mut clips {
        if let Some(files) = transcripts.get(&clip.id) {
            clip.languages = languages_of(files);
        }
    }
    Ok(clips)
}

/// The distinct languages of a clip's transcripts, in order.
fn languages_of(files: &[TranscriptFile]) -> Vec<String> {
    let mut out: Vec<String> = files.iter().filter_map(|f| f.language.clone()).collect();
    out.sort();
    out.dedup();
    out
}

/// The chapter of the clip `id` among all of `clips` (see [`crate::chapters`]).
fn chapter_of(mut clips: Vec<Clip>, id: &str) -> Option<crate::clip::Chapter> {
    crate::chapters::assign(&mut clips);
    clips.into_iter().find(|c| c.id == id).and_then(|c| c.chapter)
}

/// A name or path for a one-line-per-item human listing: control
/// characters (a newline or tab in a file name) are shown escaped (`\n`,
/// `\t`) so each item stays on its line. JSON keeps the text as it is.
pub fn one_line(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars().map(|c| if c.is_control() { c.escape_debug().to_string() } else { c.to_string() }).collect()
}

/// What to export.
#[derive(Clone, Debug)]
pub enum ExportSource {
    /// The hits of a search (its `limit` may cut them), in timecode order
    /// by clip.
    Query(SearchRequest),
    /// A selects CSV (`clip`, `tc_in`, `tc_out`, …), in the file's order.
    Selects(PathBuf),
    /// The bin of this name (see [`crate::bins`]), in the bin's order.
    Bin(String),
}

/// How to export.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    pub format: Format,
    /// Pad each select, clamped to its clip.
    pub handles: Option<Handles>,
    /// Join overlapping selects of the same clip.
    pub merge: bool,
    pub title: String,
    /// The sequence's rate and labelling (default: the first select's
    /// clip's); for an ALE, every row is converted to it.
    pub rate: Option<TcFormat>,
    /// Record timecode of the first event (default 01:00:00:00).
    pub record_start: Option<String>,
}

/// What the user should know about an export that went ahead, in the
/// order it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportNotice {
    /// The search's limit cut the hits.
    Limited { exported: usize, total: usize },
    /// A hit that could not become a select; the others are exported.
    Skipped(Rejected),
    /// What the format cannot hold as it is (a line break in a path).
    Warning(String),
    /// An ALE at one rate holds rows of clips at these other rates,
    /// converted to it.
    AleConverted { rates: Vec<String>, to: String },
}

impl fmt::Display for ExportNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportNotice::Limited { exported, total } => write!(f, "exported {exported} of {total} hits"),
            ExportNotice::Skipped(r) => write!(f, "skipped {}: {}", r.source, r.reason),
            ExportNotice::Warning(w) => write!(f, "warning: {w}"),
            ExportNotice::AleConverted { rates, to } => write!(
                f,
                "an ALE has one frame rate: rows of clips at {} converted to {to} fps \
                 (a clip's start label keeps its seconds, its frames scaled down to the {to} fps \
                 frame holding that instant; in points and lengths rounded to the nearest frame)",
                rates.join(", ")
            ),
        }
    }
}

/// Why nothing was exported.
#[derive(Debug, Error)]
pub enum ExportError {
    #[error("{}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    /// Rows of a selects list that name no clip or no span of it: the
    /// editor chose them, so none is dropped silently.
    #[error("{} selects cannot be exported; nothing written:\n{}", .0.len(), rejected_lines(.0))]
    Rejected(Vec<Rejected>),
    #[error("nothing to export")]
    Nothing,
    #[error(transparent)]
    Sequence(#[from] SequenceError),
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Index(#[from] IndexError),
    /// The release log kept in the library does not read.
    #[error(transparent)]
    Releases(#[from] ReleasesError),
    /// The bin is not there, or the bins file does not read.
    #[error(transparent)]
    Bins(#[from] BinsError),
    /// The cuts tracked in the library do not read.
    #[error(transparent)]
    Used(#[from] UsedError),
}

impl From<SearchError> for ExportError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::Query(e) => ExportError::Query(e),
            SearchError::Releases(e) => ExportError::Releases(e),
            SearchError::Used(e) => ExportError::Used(e),
        }
    }
}

fn rejected_lines(rejected: &[Rejected]) -> String {
    rejected.iter().map(|r| format!("  {}: {}", r.source, r.reason)).collect::<Vec<_>>().join("\n")
}

/// The selects of a source, and what was said on the way.
#[derive(Clone, Debug)]
pub struct Picked {
    pub selects: Vec<Select>,
    pub notices: Vec<ExportNotice>,
}

/// An export: what to write, and what to tell the user.
#[derive(Clone, Debug)]
pub struct Rendered {
    pub output: Output,
    pub notices: Vec<ExportNotice>,
}

/// The selects `source` names, for a sequence at `rate` (`None`: the first
/// select's clip's). Hits that cannot be cut are notices (the search chose
/// them); a selects row or bin select that cannot is an error (the editor
/// chose it), and nothing is exported. A clip without a frame rate is
/// placed at the sequence's rate from 00:00:00:00 (its own time), its
/// selects noting it, and a notice says so once per clip.
pub fn pick(lib: &Library, source: &ExportSource, rate: Option<TcFormat>) -> Result<Picked, ExportError> {
    let mut notices = Vec::new();
    let (selects, rejected) = match source {
        ExportSource::Query(req) => {
            let found = search(lib, req)?;
            if found.total > found.hits.len() {
                notices.push(ExportNotice::Limited { exported: found.hits.len(), total: found.total });
            }
            selects::from_hits(lib, &found.hits, rate)?
        }
        ExportSource::Selects(file) => {
            let bytes = std::fs::read(file).map_err(|source| ExportError::Read { path: file.clone(), source })?;
            let read = selects::from_csv(lib, &file.display().to_string(), &bytes, rate)?;
            if !read.rejected.is_empty() {
                return Err(ExportError::Rejected(read.rejected));
            }
            let guesses =
                read.guessed.into_iter().map(|g| ExportNotice::Warning(format!("{}: {}", g.source, g.reason)));
            notices.extend(guesses);
            (read.selects, read.rejected)
        }
        ExportSource::Bin(name) => {
            let bin = Bins::open(&lib.dir).get(name)?.ok_or_else(|| BinsError::NoBin(name.clone()))?;
            let (selects, rejected) = selects::from_bin(lib, &bin)?;
            if !rejected.is_empty() {
                return Err(ExportError::Rejected(rejected));
            }
            (selects, rejected)
        }
    };
    notices.extend(rejected.into_iter().map(ExportNotice::Skipped));
    let mut assumed: Vec<&str> = Vec::new();
    for s in selects.iter().filter(|s| s.clip.assumed_rate) {
        if !assumed.contains(&s.clip.id.as_str()) {
            assumed.push(&s.clip.id);
            notices.push(ExportNotice::Warning(selects::assumed_rate_note(&s.clip)));
        }
    }
    Ok(Picked { selects, notices })
}

/// `selects` written as `options` say: handles and merging applied, the
/// sequence built, and an ALE of clips at several rates split into one log
/// per rate (or, with a rate, converted into one).
pub fn render(selects: Vec<Select>, options: &ExportOptions) -> Result<Rendered, ExportError> {
    if selects.is_empty() {
        return Err(ExportError::Nothing);
    }
    let picked = apply_handles(selects, options.handles, options.merge);
    let seq = Sequence::for_selects(&options.title, &picked, options.rate, options.record_start.as_deref())?;
    let format = options.format;
    let mut notices: Vec<ExportNotice> = format.warnings(&picked).into_iter().map(ExportNotice::Warning).collect();
    let output = format.render_files(&seq, &picked, options.rate);
    if format == Format::Ale && matches!(output, Output::One(_)) {
        let rates = selects::other_rates(&picked, seq.format);
        if !rates.is_empty() {
            notices.push(ExportNotice::AleConverted { rates, to: seq.format.rate().label() });
        }
    }
    Ok(Rendered { output, notices })
}

/// A select that is not cleared: where it is and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Uncleared {
    pub clip: String,
    pub tc_in: String,
    pub tc_out: String,
    pub clearance: Clearance,
}

impl fmt::Display for Uncleared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}-{} {}", one_line(&self.clip), self.tc_in, self.tc_out, self.clearance.status)?;
        if !self.clearance.reasons.is_empty() {
            write!(f, ": {}", one_line(&self.clearance.reasons.join("; ")))?;
        }
        Ok(())
    }
}

/// The clearance of each select (its clip, frames and speaker), in order,
/// with releases expiring against `as_of` (today when `None`).
pub fn clearances(lib: &Library, selects: &[Select], as_of: Option<&str>) -> Result<Vec<Clearance>, ExportError> {
    let judge = judge(lib, as_of)?;
    let clips: std::collections::HashMap<String, Clip> = lib.clips()?.into_iter().map(|c| (c.id.clone(), c)).collect();
    Ok(selects
        .iter()
        .map(|s| {
            let speakers: Vec<&str> = s.speaker.iter().flat_map(|w| w.split(" / ")).collect();
            judge.clearance(clips.get(&s.clip.id), Some((s.in_frame, s.out_frame)), &speakers)
        })
        .collect())
}

/// Whether the library keeps a release log: without one every select is
/// `unknown`, which an export need not say select by select.
pub fn has_release_log(lib: &Library) -> bool {
    Releases::open(&lib.dir).path().exists()
}

/// The selects that are not cleared, with where and why.
pub fn uncleared(selects: &[Select], clearances: &[Clearance]) -> Vec<Uncleared> {
    selects
        .iter()
        .zip(clearances)
        .filter(|(_, c)| c.status != releases::Status::Cleared)
        .map(|(s, c)| Uncleared {
            clip: s.clip.name.clone(),
            tc_in: s.tc_in().to_string(),
            tc_out: s.tc_out().to_string(),
            clearance: c.clone(),
        })
        .collect()
}

/// Judges `selects` against the release log (releases expiring against
/// `as_of`, today when `None`) and, when the library keeps a log, puts each
/// one's clearance on it for the writers to mark ([`Select::clearance`]).
/// Returns the selects that are not cleared, in order. Without a log
/// nothing is marked (every select would be `unknown`).
pub fn judge_selects(
    lib: &Library,
    selects: &mut [Select],
    as_of: Option<&str>,
) -> Result<Vec<Uncleared>, ExportError> {
    let clearances = clearances(lib, selects, as_of)?;
    if has_release_log(lib) {
        for (s, c) in selects.iter_mut().zip(&clearances) {
            s.clearance = Some(mark(c));
        }
    }
    Ok(uncleared(selects, &clearances))
}

/// A clearance as the writers take it (see [`selects::clearance_mark`]).
pub fn mark(c: &Clearance) -> ClearanceMark {
    crate::selects::clearance_mark(c)
}

/// A checked paper edit written as `options` say (`handles` and `merge`
/// do not apply: the producer chose each frame). A line that does not
/// resolve stops it (nothing is written; each is listed by `file:line`);
/// words that differ from the transcript, a clip placed at an assumed
/// rate, and what an ALE cannot hold are notices.
pub fn render_paper(checked: &paper::Checked, options: &ExportOptions) -> Result<Rendered, ExportError> {
    let blocking: Vec<Rejected> = checked
        .problems
        .iter()
        .filter(|p| p.kind != paper::ProblemKind::TextMismatch)
        .map(|p| Rejected { source: format!("{}:{}", checked.file, p.line), reason: p.reason.clone() })
        .collect();
    if !blocking.is_empty() {
        return Err(ExportError::Rejected(blocking));
    }
    let mut notices: Vec<ExportNotice> = checked
        .problems
        .iter()
        .map(|p| ExportNotice::Warning(format!("{}:{}: {}", checked.file, p.line, p.reason)))
        .collect();
    for b in checked.bites().filter(|b| b.assumed_rate) {
        notices.push(ExportNotice::Warning(format!(
            "{}:{}: {}",
            checked.file,
            b.line,
            selects::assumed_rate_note(&b.select.clip)
        )));
    }
    let format = options.format;
    let output = match format {
        Format::Csv => Output::One(paper::csv(checked)),
        Format::Txt => Output::One(script::write_txt(&paper::script(checked, &options.title))),
        Format::Html => Output::One(script::write_html(&paper::script(checked, &options.title))),
        Format::Docx => Output::Binary(script::write_docx(&paper::script(checked, &options.title))),
        Format::Edl | Format::Fcpxml | Format::Xmeml | Format::Ale | Format::Otio => {
            let rate = options.rate.unwrap_or(checked.format);
            let (selects, layout) = paper::timeline(checked, rate);
            if selects.is_empty() && !layout.iter().any(|p| matches!(p, crate::export::Piece::Gap(_))) {
                return Err(ExportError::Nothing);
            }
            let mut seq = Sequence::for_selects(&options.title, &selects, Some(rate), options.record_start.as_deref())?;
            seq.layout = layout;
            notices.extend(format.warnings(&selects).into_iter().map(ExportNotice::Warning));
            if format == Format::Ale {
                notices.push(ExportNotice::Warning(
                    "an ALE logs clips: the paper edit's headings, VO and notes are not in it".to_string(),
                ));
            }
            format.render_files(&seq, &selects, Some(rate))
        }
    };
    Ok(Rendered { output, notices })
}

/// [`pick`] then [`render`]: the whole export in one call, every notice in
/// order.
pub fn export(lib: &Library, source: &ExportSource, options: &ExportOptions) -> Result<Rendered, ExportError> {
    let Picked { selects, mut notices } = pick(lib, source, options.rate)?;
    let mut rendered = render(selects, options)?;
    notices.append(&mut rendered.notices);
    rendered.notices = notices;
    Ok(rendered)
}

/// The clips of a producer's transcript.
#[derive(Clone, Debug)]
pub enum TranscriptSource {
    /// These clips (as a user names them), in the order given.
    Clips(Vec<String>),
    /// Every clip of this shoot day (`YYYY-MM-DD`) with a transcript or
    /// notes, by camera and path.
    Day(String),
}

/// The clips `source` names with their cues and notes, in timecode order,
/// read from one snapshot (see [`crate::producer`]). A day with no clip
/// holding words is [`ShowError::NoWords`].
pub fn transcripts(lib: &Library, source: &TranscriptSource) -> Result<Vec<ClipWords>, ShowError> {
    let snap = lib.snapshot()?;
    let all = snap.clips()?;
    let clips: Vec<Clip> = match source {
        TranscriptSource::Clips(names) => names
            .iter()
            .map(|want| match resolve_clip(want, &all) {
                Ok(one) => Ok(one.clone()),
                Err(ClipLookupError::NotFound { want }) => Err(ShowError::NotFound { want }),
                Err(ClipLookupError::Ambiguous { want, candidates }) => Err(ShowError::Ambiguous { want, candidates }),
            })
            .collect::<Result<_, _>>()?,
        TranscriptSource::Day(day) => {
            let filter = ClipFilter { day: Some(day.clone()), ..ClipFilter::default() };
            let mut clips: Vec<Clip> = all.iter().filter(|c| filter.matches(c)).cloned().collect();
            clips.sort_by(|a, b| (&a.camera, &a.path).cmp(&(&b.camera, &b.path)));
            clips
        }
    };
    let mut out = Vec::with_capacity(clips.len());
    for clip in clips {
        let mut cues = snap.segments_of_clip(&clip.id)?;
        cues.sort_by(|a, b| a.offset_in_s.total_cmp(&b.offset_in_s).then(a.source.cmp(&b.source)).then(a.n.cmp(&b.n)));
        let notes = snap.notes_of_clip(&clip.id)?;
        let words = ClipWords { clip, cues, notes };
        // A day's transcript lists the clips with words; a clip named is
        // listed even when it has none, so that it says so.
        if matches!(source, TranscriptSource::Clips(_)) || !words.is_empty() {
            out.push(words);
        }
    }
    if let (TranscriptSource::Day(day), true) = (source, out.is_empty()) {
        return Err(ShowError::NoWords { day: day.clone() });
    }
    Ok(out)
}

/// What reading a cut for the used-bites tracking gave: the cut as kept,
/// and the one of the same name it replaced.
#[derive(Clone, Debug, Serialize)]
pub struct UsedRead {
    pub cut: UsedCut,
    pub replaced: Option<UsedCut>,
}

/// Reads the cut at `path` (CMX3600 EDL, FCPXML, xmeml or OTIO) and tracks
/// the spans it uses as `name` ([`crate::used`]), replacing the cut of that
/// name. Events that match no clip are kept in the record, listed.
pub fn read_used(lib: &Library, path: &std::path::Path, name: &str) -> Result<UsedRead, ReportError> {
    let bytes = std::fs::read(path).map_err(|source| ReportError::Read { path: path.to_path_buf(), source })?;
    let cut = crate::cut::read(&bytes).map_err(|error| ReportError::Cut { path: path.to_path_buf(), error })?;
    if cut.events.is_empty() {
        return Err(ReportError::EmptyCut { path: path.to_path_buf() });
    }
    let clips = lib.clips()?;
    let abs = path.canonicalize().or_else(|_| std::path::absolute(path)).unwrap_or_else(|_| path.to_path_buf());
    let used = crate::used::of_cut(name, &os_text(abs.as_os_str()), &cut, &clips);
    let replaced = UsedCuts::open(&lib.dir).replace(used.clone())?;
    Ok(UsedRead { cut: used, replaced })
}

/// What a clearance report reads.
#[derive(Clone, Debug)]
pub enum ReportSource {
    /// Selects, as an export takes them.
    Selects(ExportSource),
    /// A finished cut: CMX3600 EDL, FCPXML, FCP7 XML or OpenTimelineIO.
    Cut(PathBuf),
}

/// Why there is no clearance report.
#[derive(Debug, Error)]
pub enum ReportError {
    #[error("{}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}: {error}", path.display())]
    Cut { path: PathBuf, error: crate::cut::CutError },
    #[error("{}: no events in the cut", path.display())]
    EmptyCut { path: PathBuf },
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Releases(#[from] ReleasesError),
    #[error(transparent)]
    Used(#[from] UsedError),
}

/// The clearance report of a cut or a selects list, releases expiring
/// against `as_of` (today when `None`); see [`crate::report`].
pub fn clearance_report(
    lib: &Library,
    source: &ReportSource,
    as_of: Option<&str>,
) -> Result<crate::report::ClearanceReport, ReportError> {
    let judge = judge(lib, as_of)?;
    match source {
        ReportSource::Cut(path) => {
            let bytes = std::fs::read(path).map_err(|source| ReportError::Read { path: path.clone(), source })?;
            let cut = crate::cut::read(&bytes).map_err(|error| ReportError::Cut { path: path.clone(), error })?;
            if cut.events.is_empty() {
                return Err(ReportError::EmptyCut { path: path.clone() });
            }
            Ok(crate::report::of_cut(lib, &judge, &path.display().to_string(), &cut)?)
        }
        ReportSource::Selects(export) => {
            let picked = pick(lib, export, None)?;
            if picked.selects.is_empty() {
                return Err(ExportError::Nothing.into());
            }
            let seq = Sequence::for_selects("clearances", &picked.selects, None, None).map_err(ExportError::from)?;
            let name = match export {
                ExportSource::Query(req) => format!("query {:?}", req.query),
                ExportSource::Selects(file) => file.display().to_string(),
                ExportSource::Bin(name) => format!("bin {name:?}"),
            };
            Ok(crate::report::of_selects(lib, &judge, &name, &picked.selects, &seq)?)
        }
    }
}
