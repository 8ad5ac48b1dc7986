//! What a front end asks of the library, one call per command beyond
//! ingest and search: [`import`] of files a user names, the shot log behind
//! `show` ([`show`]), the catalog listing ([`clips`]) and the export pipeline ([`export`], or
//! [`pick`] then [`render`] for a front end that reports the selects it
//! skipped before rendering). Values in, values out: no printing, no flags,
//! no files written; the CLI (and a later server) only words and writes.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;
use thiserror::Error;

use crate::bins::{Bins, BinsError};
use crate::clip::{Clip, ClipFilter, NoteRecord, Segment};
use crate::export::{Handles, Select, Sequence, SequenceError, apply_handles};
use crate::import::{ImportError, ImportOptions, ImportReport, Placement, import_files};
use crate::library::{IndexError, Library, QueryError};
use crate::progress::Progress;
use crate::resolve::{ClipLookupError, resolve_clip};
use crate::scan::os_text;
use crate::search::{SearchRequest, search};
use crate::selects::{self, Format, Output, Rejected};
use crate::timecode::TcFormat;

/// One clip with its notes and transcript, in timecode order: `show`'s
/// `--json` contract.
#[derive(Clone, Debug, Serialize)]
pub struct ShotLog {
    pub clip: Clip,
    pub notes: Vec<NoteRecord>,
    pub transcript: Vec<Segment>,
}

/// Why there is no shot log.
#[derive(Debug, Error)]
pub enum ShowError {
    #[error("no clip {want:?} in the library (see `rushes clips`)")]
    NotFound { want: String },
    #[error("{} clips match {want:?}; give the id:\n{}", candidates.len(), listing(candidates))]
    Ambiguous { want: String, candidates: Vec<Clip> },
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// `  id  path`, one line per clip.
fn listing(clips: &[Clip]) -> String {
    clips.iter().map(|c| format!("  {}  {}", c.id, one_line(&c.path))).collect::<Vec<_>>().join("\n")
}

/// The shot log of the clip `want` names ([`resolve_clip`]), read from one
/// snapshot: the clip's counts and its words come from the same commit,
/// even while an ingest commits.
pub fn show(lib: &Library, want: &str) -> Result<ShotLog, ShowError> {
    let snap = lib.snapshot()?;
    let clips = snap.clips()?;
    let clip = match resolve_clip(want, &clips) {
        Ok(one) => one.clone(),
        Err(ClipLookupError::NotFound { want }) => return Err(ShowError::NotFound { want }),
        Err(ClipLookupError::Ambiguous { want, candidates }) => return Err(ShowError::Ambiguous { want, candidates }),
    };
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
    Ok(ShotLog { clip, notes, transcript })
}

/// Imports transcripts and notes files (absolute paths, as the library
/// spells them) in one commit and places them on clips; a file that is not
/// one or cannot be read is listed in the report (`sidecars_skipped`) and
/// the others are kept.
pub fn import(
    lib: &Library,
    files: &[PathBuf],
    options: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport, ImportError> {
    let list: Vec<_> = files.iter().map(|f| (f.clone(), os_text(f.as_os_str()), options.clone())).collect();
    let mut writer = lib.writer()?;
    let mut report = ImportReport::default();
    import_files(lib, &mut writer, &list, Placement::Given, &mut report, progress)?;
    progress.finish();
    Ok(report)
}

/// The catalog as `clips` lists it: the clips `filter` keeps, by day,
/// camera and path.
pub fn clips(lib: &Library, filter: &ClipFilter) -> Result<Vec<Clip>, IndexError> {
    let mut clips: Vec<Clip> = lib.clips()?.into_iter().filter(|c| filter.matches(c)).collect();
    clips.sort_by(|a, b| (&a.day, &a.camera, &a.path).cmp(&(&b.day, &b.camera, &b.path)));
    Ok(clips)
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
    /// The bin is not there, or the bins file does not read.
    #[error(transparent)]
    Bins(#[from] BinsError),
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

/// The selects `source` names. Hits that cannot be cut are notices (the
/// search chose them); a selects row or bin select that cannot is an error
/// (the editor chose it), and nothing is exported.
pub fn pick(lib: &Library, source: &ExportSource) -> Result<Picked, ExportError> {
    let mut notices = Vec::new();
    let (selects, rejected) = match source {
        ExportSource::Query(req) => {
            let found = search(lib, req)?;
            if found.total > found.hits.len() {
                notices.push(ExportNotice::Limited { exported: found.hits.len(), total: found.total });
            }
            selects::from_hits(lib, &found.hits)?
        }
        ExportSource::Selects(file) => {
            let bytes = std::fs::read(file).map_err(|source| ExportError::Read { path: file.clone(), source })?;
            let read = selects::from_csv(lib, &file.display().to_string(), &bytes)?;
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

/// [`pick`] then [`render`]: the whole export in one call, every notice in
/// order.
pub fn export(lib: &Library, source: &ExportSource, options: &ExportOptions) -> Result<Rendered, ExportError> {
    let Picked { selects, mut notices } = pick(lib, source)?;
    let mut rendered = render(selects, options)?;
    notices.append(&mut rendered.notices);
    rendered.notices = notices;
    Ok(rendered)
}
