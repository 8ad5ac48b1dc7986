//! Bringing in the words: transcripts (SRT, WebVTT, Whisper JSON) and the
//! AP's shoot notes (CSV/TSV, plain-text logs), either found in an ingested
//! dump or given to `rushes import`. Reading is done by the pure parsers in
//! `transcript` and `notes`; placing by `merge`; this module does the file
//! I/O and keeps the library consistent.
//!
//! Every file becomes a *source* document that keeps what it brought (its
//! parsed cues or notes, its fingerprint and how it was placed), plus one
//! document per segment or note. So:
//! - importing the same file again adds nothing (same fingerprint);
//! - a changed file replaces everything it brought (delete by source id);
//! - a transcript that matches no clip is kept and attached by a later
//!   ingest that brings its clip; notes are placed again when clips change.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::clip::{Clip, Fingerprint, NoteRecord, Segment};
use crate::date::DateOrder;
use crate::language::Language;
use crate::library::{DocKind, IndexError, Library, Snapshot, Transcript, Writer, source_id};
use crate::merge::{Catalog, Detected, NoteScope, Timebase, detect_timebase, place_cues};
use crate::notes::{self, FileLog, Note};
use crate::progress::Progress;
use crate::text::Fate;
use crate::transcript::{self, Cue, Format};

/// The largest transcript or notes file read.
const MAX_SOURCE: u64 = 256 << 20;

/// How the user asked a file to be placed (`rushes import` flags).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOptions {
    /// Attach transcripts to this clip (name or id) instead of by file name.
    pub clip: Option<String>,
    /// Camera for notes that name none.
    pub camera: Option<String>,
    /// Force the transcript timebase instead of detecting it.
    pub timebase: Option<Timebase>,
    /// Shoot day for notes that carry none.
    pub day: Option<String>,
    /// How to read dates such as `03/04/2026` in notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_order: Option<DateOrder>,
    /// The language of the transcripts (`--language`), over what they
    /// declare or what detection says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// What a source file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Transcript,
    Notes,
    /// A recordist's sound report: per-file scene, take, circled and notes.
    SoundReport,
}

/// The stored record of one imported file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SourceRecord {
    pub id: String,
    pub path: String,
    pub kind: SourceKind,
    pub size: u64,
    pub hash: String,
    /// The file's modification time when it was read (nanoseconds since
    /// the epoch), kept only once it was a few seconds old: the same size
    /// and time on the next ingest say the file is unchanged without
    /// reading it (see [`SourceRecord::unchanged_on_disk`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtime_ns: Option<i128>,
    pub options: ImportOptions,
    pub format: Option<Format>,
    pub encoding: String,
    /// A transcript's language (see `crate::language`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    /// A transcript's cues. The library keeps them in its compact store,
    /// not in this record: they are filled in when the file is read, or
    /// from the store when they are needed ([`Snapshot::cues_of_source`]).
    /// A schema-3 record held them inline, and still reads.
    #[serde(default, skip_serializing)]
    pub cues: Vec<Cue>,
    /// The cues as placed on the clip by the import under way.
    #[serde(skip)]
    pub segments: Vec<Segment>,
    /// The speakers of `cues`, kept when the cues are let go once written
    /// (an import holds one file's cues at a time, not the dump's).
    #[serde(skip)]
    pub speakers: Option<Vec<String>>,
    #[serde(default)]
    pub notes: Vec<Note>,
    /// What the reader said about its lines: `(line, reason)`.
    #[serde(default)]
    pub diagnostics: Vec<(usize, String)>,
    /// Transcripts: the clip attached and the timebase used, or why not.
    pub clip_id: Option<String>,
    pub timebase: Option<Timebase>,
    pub unmatched: Option<String>,
    /// Sound reports: one entry per file row.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileLog>,
    /// Sound reports: per entry of `files`, the ids of the clips it
    /// landed on (a split-mono take is several files).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub file_clips: Vec<Vec<String>>,
}

/// A note that landed on no clip.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Unplaced {
    /// `file:line`.
    pub source: String,
    pub tc: String,
    pub text: String,
    pub reason: String,
}

/// A transcript kept but not attached.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Unmatched {
    pub path: String,
    pub reason: String,
}

/// A part of a file that was not read (a broken SRT block, a notes row:
/// `skipped`), or was read with a guess or a caveat (a misspelt column,
/// cues past the clip's end: `kept`).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Warning {
    /// `file:line`, or the file for the file as a whole.
    pub source: String,
    pub reason: String,
    pub fate: Fate,
}

/// A captions file whose roll-up repeats were merged: `cues` cues repeated
/// the previous cue's lines, and those lines are indexed once.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RolledUp {
    pub path: String,
    pub cues: usize,
}

/// A file that was not imported at all, and why.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// What an import (or the sidecar part of an ingest) did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportReport {
    pub transcripts_attached: usize,
    pub segments: usize,
    pub notes_placed: usize,
    /// Files a sound report's rows landed on (scene, take, circled).
    pub files_logged: usize,
    pub notes_unplaced: Vec<Unplaced>,
    pub transcripts_unmatched: Vec<Unmatched>,
    /// Files already imported with the same content.
    pub sources_unchanged: usize,
    /// Files of a transcript/notes kind that are something else (DJI
    /// telemetry, a README) or cannot be read.
    pub sidecars_skipped: Vec<Skipped>,
    pub warnings: Vec<Warning>,
    /// Roll-up captions whose repeated lines were merged, per file.
    pub rolled_up: Vec<RolledUp>,
    /// How each transcript's times were read when no `--timebase` was
    /// given.
    pub timebases: Vec<TimebaseChoice>,
    /// The release log imported, if one was: it is kept beside the index
    /// (`crate::releases`), its rows' problems are in `warnings`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_log: Option<crate::clearance::ReleaseImport>,
}

/// The timebase detected for a transcript and the evidence: how many cues
/// each reading puts inside the clip.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TimebaseChoice {
    pub path: String,
    pub clip: String,
    pub cues: usize,
    #[serde(flatten)]
    pub detected: Detected,
}

/// Errors that stop an import (per-file problems are in the report).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Releases(#[from] crate::releases::ReleasesError),
}

/// The kind of source a file name suggests, if any.
/// `txt`, `csv` and `tsv` are notes unless their content is a transcript
/// (see [`parse_source`]); an `xml` is read only when it is TTML, so the
/// walk leaves camera XML to the probe.
pub fn source_kind(path: &Path) -> Option<SourceKind> {
    match ext(path).as_str() {
        "csv" | "tsv" | "txt" => Some(SourceKind::Notes),
        // Shoot notes and sound reports kept in Excel (or LibreOffice).
        other if crate::sheet::WORKBOOK_EXTENSIONS.contains(&other) => Some(SourceKind::Notes),
        "xml" => None,
        other if transcript::EXTENSIONS.contains(&other) => Some(SourceKind::Transcript),
        _ => None,
    }
}

pub(crate) fn ext(path: &Path) -> String {
    path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase()
}

/// Whose placement options win for a file the library already holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// The options stored with it: a re-ingest of the dump keeps how the
    /// user imported the file by hand (`--clip`, `--timebase`…).
    Stored,
    /// The options given now: the user names the file again with them.
    Given,
}

/// Imports `files` (each a path to open, its absolute form and how to
/// place it) into the library through `writer`. Commits before returning.
pub fn import_files(
    lib: &Library,
    writer: &mut Writer,
    files: &[(std::path::PathBuf, String, ImportOptions)],
    placement: Placement,
    report: &mut ImportReport,
    progress: &dyn Progress,
) -> Result<BTreeSet<String>, ImportError> {
    let clips = lib.clips()?;
    let catalog = Catalog::new(&clips);
    let snap = lib.snapshot()?;
    let mut sources = load_sources(&snap)?;
    // Sources by content, to find a moved file without a scan of every
    // source per file (a year's library holds tens of thousands).
    let mut by_content: HashMap<(String, u64), BTreeSet<String>> = HashMap::new();
    for o in sources.values() {
        by_content.entry((o.hash.clone(), o.size)).or_default().insert(o.id.clone());
    }
    let mut tally = Tally::new(&snap);
    let on_disk: Vec<Option<Fingerprint>> = files.iter().map(|(p, _, _)| fingerprint(p)).collect();
    progress.begin_words(files.len() as u64, on_disk.iter().flatten().map(|f| f.size).sum());
    // The sources read and placed on the catalog as it is now.
    let mut placed = BTreeSet::new();
    for ((path, abs, opts), on_disk) in files.iter().zip(on_disk) {
        progress.words(on_disk.map_or(0, |f| f.size), 0);
        let id = source_id(abs);
        // The size and time it had when it was read: unchanged, and not
        // read again (a year's transcripts are gigabytes).
        if let (Some(seen), Some(old)) = (on_disk, sources.get(&id)) {
            let wanted = if placement == Placement::Stored { &old.options } else { opts };
            if old.unchanged_on_disk(seen) && old.options == *wanted {
                report.sources_unchanged += 1;
                report_state(old, &catalog, report);
                continue;
            }
        }
        let bytes = match read_capped(path) {
            Ok(b) => b,
            Err(reason) => {
                report.sidecars_skipped.push(Skipped { path: abs.clone(), reason });
                continue;
            }
        };
        let hash = format!("{:016x}", crate::clip::fnv1a64(&bytes));
        // A file found again in a dump keeps how the user imported it
        // (`--clip`, `--timebase`, `--camera`), rather than the defaults.
        // A file whose old place is gone but whose bytes are known (its
        // card folder moved) replaces what it brought there: its words are
        // found once, at the new place.
        let mut moved_options = None;
        if !sources.contains_key(&id)
            && let Some(moved) = by_content.get(&(hash.clone(), bytes.len() as u64)).and_then(|ids| {
                ids.iter()
                    .filter_map(|k| sources.get(k))
                    .find(|o| o.hash == hash && o.size == bytes.len() as u64 && !Path::new(&o.path).exists())
                    .map(|o| o.id.clone())
            })
            && let Some(old) = sources.remove(&moved)
        {
            tally.delete_source(writer, &moved, Some(&old))?;
            moved_options = Some(old.options);
        }
        let opts = match (sources.get(&id), &moved_options) {
            (Some(old), _) if placement == Placement::Stored => &old.options,
            (None, Some(moved)) if placement == Placement::Stored => moved,
            _ => opts,
        }
        .clone();
        let read_at = on_disk.and_then(settled_mtime);
        let unchanged =
            sources.get(&id).is_some_and(|o| o.hash == hash && o.size == bytes.len() as u64 && o.options == opts);
        if let Some(old) = sources.get_mut(&id).filter(|_| unchanged) {
            report.sources_unchanged += 1;
            report_state(old, &catalog, report);
            // Touched, not changed (copied again, say): its new time is
            // kept, so the next ingest need not read it.
            if read_at.is_some() && old.mtime_ns != read_at {
                old.mtime_ns = read_at;
                write_record(writer, old, &catalog)?;
            }
            continue;
        }
        let Some(mut record) = parse_source(&id, abs, path, &bytes, hash, &opts, report) else {
            // Not a transcript or notes file after all; forget what it brought.
            if let Some(old) = sources.remove(&id) {
                tally.delete_source(writer, &id, Some(&old))?;
            }
            continue;
        };
        record.mtime_ns = read_at;
        tally.delete_source(writer, &id, sources.get(&id))?;
        place(writer, &mut record, &catalog, &mut tally, report)?;
        write_source(writer, &record, &catalog)?;
        progress.words(0, record.segments.len() as u64);
        record.let_go_of_cues();
        placed.insert(id.clone());
        by_content.entry((record.hash.clone(), record.size)).or_default().insert(id.clone());
        sources.insert(id, record);
    }
    write_summaries(writer, &tally, &sources, &clips, &BTreeSet::new())?;
    writer.commit()?;
    Ok(placed)
}

/// After clips were added or re-probed: attach transcripts that were
/// waiting for them, re-place transcripts of changed clips and all notes.
pub fn reconcile(
    lib: &Library,
    writer: &mut Writer,
    changed_clips: &BTreeSet<String>,
    placed: &BTreeSet<String>,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    if changed_clips.is_empty() {
        return Ok(());
    }
    let change = Change { changed: changed_clips.clone(), placed: placed.clone(), ..Change::default() };
    apply(lib, writer, &change, report).map(drop)
}

/// Every transcript and notes file the library holds, as of the last commit.
pub fn sources(lib: &Library) -> Result<Vec<SourceRecord>, ImportError> {
    Ok(load_sources(&lib.snapshot()?)?.into_values().collect())
}

/// A change to the catalog made by hand (`rushes relink`, `forget`, `set`)
/// or found by an ingest, applied with the words it affects in one commit.
#[derive(Clone, Debug, Default)]
pub struct Change {
    /// Clip records to write (a new path or timecode); their words are
    /// placed again.
    pub clips: Vec<Clip>,
    /// Clips already committed whose words must be placed again.
    pub changed: BTreeSet<String>,
    /// Clips to remove from the library, with the transcripts attached to
    /// them; notes placed on them are placed again (and may land nowhere).
    pub forget_clips: BTreeSet<String>,
    /// Sources (by id) to remove with everything they brought.
    pub forget_sources: BTreeSet<String>,
    /// Sources whose file moved: old id and new absolute path.
    pub moved_sources: Vec<(String, String)>,
    /// Sources just read and placed on the catalog as this change finds it
    /// (an ingest's new transcripts, placed after its clips were
    /// committed): placing them again would index every cue twice.
    pub placed: BTreeSet<String>,
}

/// Applies `change` through `writer` in one commit: clip records, the
/// removal of forgotten clips and sources, moved sources under their new
/// id, and the words of every clip touched placed again, with the clip
/// counts they change. A transcript waiting for a clip is tried again too.
/// Returns the paths of the sources removed.
pub fn apply(
    lib: &Library,
    writer: &mut Writer,
    change: &Change,
    report: &mut ImportReport,
) -> Result<Vec<String>, ImportError> {
    let snap = lib.snapshot()?;
    let overrides: HashMap<&str, &Clip> = change.clips.iter().map(|c| (c.id.as_str(), c)).collect();
    let clips: Vec<Clip> = snap
        .clips()?
        .into_iter()
        .filter(|c| !change.forget_clips.contains(&c.id))
        .map(|c| overrides.get(c.id.as_str()).map_or(c, |&o| o.clone()))
        .collect();
    let catalog = Catalog::new(&clips);
    let mut tally = Tally::new(&snap);
    let mut redo_clips = change.changed.clone();
    redo_clips.extend(overrides.keys().map(|id| id.to_string()));
    let mut sources = load_sources(&snap)?;
    // A clip whose words were all just placed (an ingest's new clip and
    // its new transcript) has its summary written already.
    let placed_on: BTreeSet<&str> =
        change.placed.iter().filter_map(|id| sources.get(id)).filter_map(|r| r.clip_id.as_deref()).collect();
    tally.touched.extend(redo_clips.iter().filter(|c| !placed_on.contains(c.as_str())).cloned());

    // Forgotten sources, and the transcripts of forgotten clips.
    let attached_to_forgotten = sources.values().filter(|r| {
        r.kind == SourceKind::Transcript && r.clip_id.as_ref().is_some_and(|c| change.forget_clips.contains(c))
    });
    let forget: BTreeSet<String> =
        attached_to_forgotten.map(|r| r.id.clone()).chain(change.forget_sources.iter().cloned()).collect();
    let mut forgotten = Vec::new();
    for id in &forget {
        if let Some(old) = sources.remove(id) {
            tally.delete_source(writer, id, Some(&old))?;
            forgotten.push(old.path);
        }
    }
    // Moved sources: what they brought goes, and comes back under the id
    // of their new path.
    let mut redo_sources = BTreeSet::new();
    for (old_id, new_path) in &change.moved_sources {
        if let Some(old) = sources.remove(old_id) {
            tally.delete_source(writer, old_id, Some(&old))?;
            let id = source_id(new_path);
            redo_sources.insert(id.clone());
            // The cues live in the old id's store, which this commit deletes.
            let cues = if old.kind == SourceKind::Transcript { snap.cues_of_source(old_id)? } else { Vec::new() };
            // The file at the new path is read again on the next ingest.
            sources.insert(id.clone(), SourceRecord { id, path: new_path.clone(), cues, mtime_ns: None, ..old });
        }
    }

    let mut scratch = ImportReport::default();
    for (id, record) in sources.iter_mut() {
        let redo = redo_sources.contains(id)
            || (!change.placed.contains(id)
                && match record.kind {
                    SourceKind::Notes | SourceKind::SoundReport => true,
                    SourceKind::Transcript => {
                        record.unmatched.is_some() || record.clip_id.as_ref().is_some_and(|c| redo_clips.contains(c))
                    }
                });
        if !redo {
            continue;
        }
        if record.kind == SourceKind::Transcript && record.cues.is_empty() {
            record.cues = snap.cues_of_source(id)?;
        }
        let committed = (!redo_sources.contains(id)).then_some(&*record);
        tally.delete_source(writer, id, committed)?;
        place(writer, record, &catalog, &mut tally, &mut scratch)?;
        write_source(writer, record, &catalog)?;
        record.let_go_of_cues();
    }
    for id in &change.forget_clips {
        writer.delete_clip(id);
    }
    let must_write: BTreeSet<String> = overrides.keys().map(|id| id.to_string()).collect();
    write_summaries(writer, &tally, &sources, &clips, &must_write)?;
    writer.commit()?;
    // The ingest's report shows the state after reconciling.
    report.notes_unplaced.clear();
    report.transcripts_unmatched.clear();
    for record in sources.values() {
        report_state(record, &catalog, report);
    }
    Ok(forgotten)
}

pub(crate) fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err("not a file".into());
    }
    if meta.len() > MAX_SOURCE {
        return Err(format!("larger than {MAX_SOURCE} bytes"));
    }
    std::fs::read(path).map_err(|e| format!("cannot read: {e}"))
}

/// Parses a file into a source record; `None` (with the reason reported)
/// when it is not a transcript or notes file.
fn parse_source(
    id: &str,
    abs: &str,
    path: &Path,
    bytes: &[u8],
    hash: String,
    opts: &ImportOptions,
    report: &mut ImportReport,
) -> Option<SourceRecord> {
    let ext = ext(path);
    let mut record = SourceRecord {
        id: id.to_string(),
        path: abs.to_string(),
        kind: SourceKind::Transcript,
        size: bytes.len() as u64,
        hash,
        mtime_ns: None,
        options: opts.clone(),
        format: None,
        encoding: String::new(),
        language: None,
        cues: Vec::new(),
        segments: Vec::new(),
        speakers: None,
        notes: Vec::new(),
        diagnostics: Vec::new(),
        clip_id: None,
        timebase: None,
        unmatched: None,
        files: Vec::new(),
        file_clips: Vec::new(),
    };
    let said: Vec<(usize, String, Fate)>;
    // A Premiere or Resolve text export, a transcript CSV or timecoded
    // paragraphs are `.txt`/`.csv` like notes: the content decides.
    let kind = match source_kind(path) {
        Some(SourceKind::Notes) | None if transcript::sniff(bytes, &ext).is_some() => Some(SourceKind::Transcript),
        kind => kind,
    };
    match kind {
        Some(SourceKind::Transcript) => match transcript::parse(bytes, &ext) {
            transcript::Outcome::Transcript { format, cues, diagnostics, encoding, rolled_up } => {
                if rolled_up > 0 {
                    report.rolled_up.push(RolledUp { path: abs.to_string(), cues: rolled_up });
                }
                record.format = Some(format);
                record.encoding = encoding.to_string();
                let declared = transcript::declared_language(bytes, format).or_else(|| {
                    let name = Path::new(abs).file_name()?.to_str()?;
                    crate::language::from_file_name(name)
                });
                record.language = crate::language::resolve(
                    opts.language.as_deref(),
                    declared.as_deref(),
                    cues.iter().map(|c| c.text.as_str()),
                );
                record.cues = cues;
                said = diagnostics.into_iter().map(|d| (d.line, d.reason, d.fate)).collect();
            }
            transcript::Outcome::NotTranscript { reason } | transcript::Outcome::Invalid { reason } => {
                report.sidecars_skipped.push(Skipped { path: abs.to_string(), reason });
                return None;
            }
        },
        Some(SourceKind::Notes | SourceKind::SoundReport) => match notes_of(bytes, &ext, opts) {
            notes::Outcome::Notes { notes, diagnostics, encoding } => {
                record.kind = SourceKind::Notes;
                record.encoding = encoding.to_string();
                record.notes = notes;
                said = diagnostics.into_iter().map(|d| (d.line, d.reason, d.fate)).collect();
            }
            notes::Outcome::SoundReport { files, diagnostics, encoding } => {
                record.kind = SourceKind::SoundReport;
                record.encoding = encoding.to_string();
                record.files = files;
                said = diagnostics.into_iter().map(|d| (d.line, d.reason, d.fate)).collect();
            }
            notes::Outcome::NotNotes { reason } => {
                report.sidecars_skipped.push(Skipped { path: abs.to_string(), reason });
                return None;
            }
        },
        None => {
            report
                .sidecars_skipped
                .push(Skipped { path: abs.to_string(), reason: format!("not a transcript or notes file (.{ext})") });
            return None;
        }
    }
    for (line, reason, fate) in said {
        report.warnings.push(Warning { source: format!("{abs}:{line}"), reason: reason.clone(), fate });
        record.diagnostics.push((line, reason));
    }
    Some(record)
}

/// Reads a notes file or sound report; a workbook (`.xlsx`, `.ods`…) by its
/// first worksheet that is one, each row's line being its row number.
fn notes_of(bytes: &[u8], ext: &str, opts: &ImportOptions) -> notes::Outcome {
    if !crate::sheet::WORKBOOK_EXTENSIONS.contains(&ext) {
        return notes::parse(bytes, ext, opts.date_order);
    }
    let sheets = match crate::sheet::workbook_sheets(bytes) {
        Ok(sheets) => sheets,
        Err(reason) => return notes::Outcome::NotNotes { reason },
    };
    let mut refusals = Vec::new();
    for (name, text) in &sheets {
        match notes::parse(text.as_bytes(), "csv", opts.date_order) {
            notes::Outcome::NotNotes { reason } => refusals.push(format!("sheet {name:?}: {reason}")),
            read => return read,
        }
    }
    let reason = if refusals.is_empty() { "the workbook has no worksheet".to_string() } else { refusals.join("; ") };
    notes::Outcome::NotNotes { reason }
}

/// A file's size and modification time, as the walk would see it.
fn fingerprint(path: &Path) -> Option<Fingerprint> {
    let meta = std::fs::metadata(path).ok()?;
    Some(Fingerprint { size: meta.len(), mtime_ns: crate::scan::mtime_ns(&meta) })
}

/// How old a file's modification time must be, when the file is read, to
/// be kept as the sign that it has not changed since. A file written in
/// the same tick as it was read (FAT and exFAT cards keep two-second
/// times) could change again without its time moving; such a file, or
/// one dated in the future by a wrong clock, keeps no time and is read
/// again by the next ingest, as it would have been before.
const SETTLED_NS: i128 = 3_000_000_000;

/// `seen`'s modification time, when it is old enough to be trusted.
fn settled_mtime(seen: Fingerprint) -> Option<i128> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?;
    let now = i128::try_from(now.as_nanos()).ok()?;
    (seen.mtime_ns <= now - SETTLED_NS).then_some(seen.mtime_ns)
}

impl SourceRecord {
    /// Whether the file is as it was when read: the same size, and the
    /// modification time kept then (a record without one, from before
    /// times were kept or of a file read as it was written, is read again).
    fn unchanged_on_disk(&self, seen: Fingerprint) -> bool {
        self.size == seen.size && self.mtime_ns == Some(seen.mtime_ns)
    }

    /// Once written, the cues are in the library: keep only their speakers.
    fn let_go_of_cues(&mut self) {
        if self.kind == SourceKind::Transcript {
            self.speakers = Some(speakers(&self.cues));
            self.cues = Vec::new();
            self.segments = Vec::new();
        }
    }
}

/// The speakers of `cues`, each once (as first written), in order.
fn speakers(cues: &[Cue]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in cues.iter().filter_map(|c| c.speaker.as_ref()) {
        if !out.iter().any(|k| k.eq_ignore_ascii_case(s)) {
            out.push(s.clone());
        }
    }
    out
}

/// Places a source's cues or notes, writes their documents and counts them
/// in `tally`.
fn place(
    writer: &Writer,
    record: &mut SourceRecord,
    catalog: &Catalog<'_>,
    tally: &mut Tally<'_>,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let clips = catalog.clips;
    match record.kind {
        SourceKind::Transcript => {
            let found = match &record.options.clip {
                Some(want) => crate::resolve::resolve_clip(want, clips).map_err(|e| format!("--clip {e}")),
                None => catalog.match_transcript(&record.path).map_err(|e| e.to_string()),
            };
            match found {
                Ok(clip) => {
                    let timebase = match record.options.timebase {
                        Some(forced) => forced,
                        None => {
                            let detected = detect_timebase(&record.cues, clip);
                            report.timebases.push(TimebaseChoice {
                                path: record.path.clone(),
                                clip: clip.name.clone(),
                                cues: record.cues.len(),
                                detected,
                            });
                            detected.timebase
                        }
                    };
                    let segments = place_cues(&record.cues, clip, &record.path, timebase);
                    // Kept, but said: a cue past the clip's end usually means
                    // the wrong clip or the wrong timebase.
                    let past = segments.iter().filter(|s| s.offset_in_s >= clip.duration_s).count();
                    if past > 0 {
                        report.warnings.push(Warning {
                            fate: Fate::Kept,
                            source: record.path.clone(),
                            reason: format!(
                                "{past} of {} cues start after the end of {} ({:.3} s); check --clip and --timebase",
                                segments.len(),
                                clip.name,
                                clip.duration_s
                            ),
                        });
                    }
                    report.segments += segments.len();
                    tally.add(&record.id, &clip.id, (segments.len(), 0));
                    record.segments = segments;
                    record.clip_id = Some(clip.id.clone());
                    record.timebase = Some(timebase);
                    record.unmatched = None;
                    report.transcripts_attached += 1;
                }
                Err(reason) => {
                    record.segments.clear();
                    record.clip_id = None;
                    record.timebase = None;
                    record.unmatched = Some(reason.clone());
                    report.transcripts_unmatched.push(Unmatched { path: record.path.clone(), reason });
                }
            }
        }
        SourceKind::Notes => {
            let scope = NoteScope { camera: record.options.camera.as_deref(), day: record.options.day.as_deref() };
            for (n, note) in record.notes.iter().enumerate() {
                for placed in catalog.place_note(note, n, &record.path, &scope) {
                    let clip = placed.clip_id.as_deref().and_then(|id| catalog.clip(id));
                    writer.add_note(&record.id, &placed, clip)?;
                    match &placed.clip_id {
                        Some(id) => {
                            report.notes_placed += 1;
                            tally.add(&record.id, id, (0, 1));
                        }
                        None => report.notes_unplaced.push(unplaced(&placed)),
                    }
                }
            }
        }
        SourceKind::SoundReport => {
            record.file_clips = Vec::with_capacity(record.files.len());
            for (n, file) in record.files.iter().enumerate() {
                let found = match catalog.report_clips(&file.file, &record.path) {
                    Ok(found) => found,
                    Err(reason) => {
                        report.notes_unplaced.push(unlogged(record, file, reason.to_string()));
                        record.file_clips.push(Vec::new());
                        continue;
                    }
                };
                for clip in &found {
                    let mut notes = 0;
                    if let Some(text) = &file.note {
                        let note = report_note(record, n, file, text, clip);
                        writer.add_note(&record.id, &note, Some(clip))?;
                        report.notes_placed += 1;
                        notes = 1;
                    }
                    tally.add(&record.id, &clip.id, (0, notes));
                }
                record.file_clips.push(found.iter().map(|c| c.id.clone()).collect());
            }
            // A split-mono take named twice (`A101_1.WAV`, `A101_1_X.WAV`) is
            // still two files.
            report.files_logged += record.file_clips.iter().flatten().collect::<BTreeSet<_>>().len();
        }
    }
    Ok(())
}

/// A sound report's note on one of its files: about the whole file.
fn report_note(record: &SourceRecord, n: usize, file: &FileLog, text: &str, clip: &Clip) -> NoteRecord {
    NoteRecord {
        clip_id: Some(clip.id.clone()),
        source: record.path.clone(),
        line: file.line,
        n,
        tc: None,
        tc_in: None,
        tc_out: None,
        offset_s: None,
        frame_in: None,
        camera: clip.camera.clone(),
        day: clip.day.clone(),
        text: text.to_string(),
        tags: Vec::new(),
        rating: file.circled.filter(|&c| c).map(|_| "circled".to_string()),
        speaker: None,
        reason: None,
    }
}

/// A sound report row whose file is not in the library.
fn unlogged(record: &SourceRecord, file: &FileLog, reason: String) -> Unplaced {
    Unplaced {
        source: format!("{}:{}", record.path, file.line),
        tc: String::new(),
        text: file.note.clone().unwrap_or_else(|| file.file.clone()),
        reason,
    }
}

fn unplaced(n: &NoteRecord) -> Unplaced {
    Unplaced {
        source: format!("{}:{}", n.source, n.line),
        tc: n.tc.clone().unwrap_or_default(),
        text: n.text.clone(),
        reason: n.reason.clone().unwrap_or_default(),
    }
}

/// Adds a still-unmatched or unplaced state of an unchanged source to the report.
fn report_state(record: &SourceRecord, catalog: &Catalog<'_>, report: &mut ImportReport) {
    if let Some(reason) = &record.unmatched {
        report.transcripts_unmatched.push(Unmatched { path: record.path.clone(), reason: reason.clone() });
    }
    if record.kind == SourceKind::SoundReport {
        for file in &record.files {
            if let Err(reason) = catalog.report_clips(&file.file, &record.path) {
                report.notes_unplaced.push(unlogged(record, file, reason.to_string()));
            }
        }
    }
    if record.kind == SourceKind::Notes {
        let scope = NoteScope { camera: record.options.camera.as_deref(), day: record.options.day.as_deref() };
        for (n, note) in record.notes.iter().enumerate() {
            for placed in catalog.place_note(note, n, &record.path, &scope) {
                if placed.clip_id.is_none() {
                    report.notes_unplaced.push(unplaced(&placed));
                }
            }
        }
    }
}

/// Writes a source's record and, for a transcript, its cues and their
/// searchable documents (placed by [`place`] on the clip it names).
fn write_source(writer: &Writer, record: &SourceRecord, catalog: &Catalog<'_>) -> Result<(), ImportError> {
    if record.kind != SourceKind::Transcript {
        return Ok(writer.put_source(&record.id, record)?);
    }
    let clip = record.clip_id.as_deref().and_then(|id| catalog.clip(id));
    let transcript = Transcript {
        path: &record.path,
        format: record.format.map(Format::name),
        language: record.language.as_ref().map(|l| l.code.as_str()),
        cues: &record.cues,
        placed: clip.map(|c| (c, record.segments.as_slice())),
    };
    Ok(writer.put_transcript(&record.id, record, &transcript)?)
}

/// Rewrites `record` alone, its cues and words left as they are.
fn write_record(writer: &Writer, record: &SourceRecord, catalog: &Catalog<'_>) -> Result<(), ImportError> {
    if record.kind != SourceKind::Transcript {
        return Ok(writer.put_source(&record.id, record)?);
    }
    let clip = record.clip_id.as_deref().filter(|id| catalog.clip(id).is_some());
    Ok(writer.put_transcript_record(&record.id, record, clip)?)
}

fn load_sources(snap: &Snapshot) -> Result<BTreeMap<String, SourceRecord>, ImportError> {
    let mut out = BTreeMap::new();
    for record in snap.sources::<SourceRecord>()? {
        out.insert(record.id.clone(), record);
    }
    Ok(out)
}

/// Segment and note documents per clip as the next commit will hold them:
/// the snapshot's, less those of the sources deleted since, plus those
/// added since. Clip summaries are written from it into the commit that
/// changes the documents they count, so no commit (and so no killed run,
/// and no reader) ever sees a clip whose counts disagree with its words.
struct Tally<'s> {
    snap: &'s Snapshot,
    /// Sources whose committed documents are deleted in this commit.
    deleted: BTreeSet<String>,
    /// Per clip: committed documents of deleted sources `(segments, notes)`.
    removed: HashMap<String, (usize, usize)>,
    /// Per source, per clip: documents added in this commit.
    added: HashMap<String, HashMap<String, (usize, usize)>>,
    /// Clips whose summary may change.
    touched: BTreeSet<String>,
}

impl<'s> Tally<'s> {
    fn new(snap: &'s Snapshot) -> Tally<'s> {
        Tally {
            snap,
            deleted: BTreeSet::new(),
            removed: HashMap::new(),
            added: HashMap::new(),
            touched: BTreeSet::new(),
        }
    }

    /// Deletes every document of source `id`: the committed ones (of
    /// `committed`, its record as the snapshot has it, on its first
    /// deletion) and any added since.
    fn delete_source(
        &mut self,
        writer: &Writer,
        id: &str,
        committed: Option<&SourceRecord>,
    ) -> Result<(), ImportError> {
        writer.delete_source(id);
        if let Some(added) = self.added.remove(id) {
            self.touched.extend(added.into_keys());
        }
        if !self.deleted.insert(id.to_string()) {
            return Ok(());
        }
        let Some(record) = committed else { return Ok(()) };
        for (clip_id, n) in committed_counts(self.snap, record)? {
            let removed = self.removed.entry(clip_id.clone()).or_default();
            removed.0 += n.0;
            removed.1 += n.1;
            self.touched.insert(clip_id);
        }
        Ok(())
    }

    /// Counts documents added for `source_id` on `clip_id`.
    fn add(&mut self, source_id: &str, clip_id: &str, n: (usize, usize)) {
        let added = self.added.entry(source_id.to_string()).or_default().entry(clip_id.to_string()).or_default();
        added.0 += n.0;
        added.1 += n.1;
        self.touched.insert(clip_id.to_string());
    }

    /// Per clip, the documents added in this commit `(segments, notes)`,
    /// over every source: summed once for all clips, since a day's import
    /// touches as many clips as it adds sources.
    fn added_by_clip(&self) -> HashMap<&str, (usize, usize)> {
        let mut out: HashMap<&str, (usize, usize)> = HashMap::new();
        for (clip_id, n) in self.added.values().flatten() {
            let sum = out.entry(clip_id.as_str()).or_default();
            sum.0 += n.0;
            sum.1 += n.1;
        }
        out
    }

    /// `(segments, notes)` of a clip after the commit; `added` is
    /// [`Tally::added_by_clip`].
    fn counts(&self, clip_id: &str, added: &HashMap<&str, (usize, usize)>) -> Result<(usize, usize), ImportError> {
        let removed = self.removed.get(clip_id).copied().unwrap_or_default();
        let (added_segments, added_notes) = added.get(clip_id).copied().unwrap_or_default();
        let segments = self.snap.count_of_clip(DocKind::Segment, clip_id)?.saturating_sub(removed.0) + added_segments;
        let notes = self.snap.count_of_clip(DocKind::Note, clip_id)?.saturating_sub(removed.1) + added_notes;
        Ok((segments, notes))
    }
}

/// Per clip, the committed documents a source brought: a transcript's
/// segments all sit on its clip; notes are read to see where they landed.
fn committed_counts(snap: &Snapshot, record: &SourceRecord) -> Result<HashMap<String, (usize, usize)>, ImportError> {
    let mut out: HashMap<String, (usize, usize)> = HashMap::new();
    match record.kind {
        SourceKind::Transcript => {
            if let Some(id) = &record.clip_id {
                out.insert(id.clone(), (snap.count_of_source(DocKind::Segment, &record.id)?, 0));
            }
        }
        SourceKind::Notes | SourceKind::SoundReport => {
            for note in snap.notes_of_source(&record.id)? {
                if let Some(id) = note.clip_id {
                    out.entry(id).or_default().1 += 1;
                }
            }
            // The files a report logged keep its scene and take: touch them
            // so their summary is worked out again without it.
            for id in record.file_clips.iter().flatten() {
                out.entry(id.clone()).or_default();
            }
        }
    }
    Ok(out)
}

/// Stores on each touched clip its segment and note counts (from `tally`)
/// and the speakers of the transcripts attached to it, in the commit
/// under way. `clips` is the catalog as the commit will hold it; those in
/// `must_write` are written even when their counts stay.
fn write_summaries(
    writer: &Writer,
    tally: &Tally<'_>,
    sources: &BTreeMap<String, SourceRecord>,
    clips: &[Clip],
    must_write: &BTreeSet<String>,
) -> Result<(), ImportError> {
    if tally.touched.is_empty() && must_write.is_empty() {
        return Ok(());
    }
    let clips: HashMap<&str, &Clip> = clips.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut speakers_of: HashMap<&str, Vec<String>> = HashMap::new();
    for record in sources.values().filter(|r| r.kind == SourceKind::Transcript) {
        let Some(id) = record.clip_id.as_deref().filter(|id| tally.touched.contains(*id)) else { continue };
        let list = speakers_of.entry(id).or_default();
        // Cues read or placed in this commit are in the record; the others
        // are as committed.
        let speakers = match &record.speakers {
            Some(written) => written.clone(),
            None => speakers(&tally.snap.cues_of_source(&record.id)?),
        };
        for s in &speakers {
            if !list.iter().any(|k| k.eq_ignore_ascii_case(s)) {
                list.push(s.clone());
            }
        }
    }
    // What sound reports say of each file: the report is the recordist's
    // last word, so it wins over what the file itself carries.
    let mut logged: HashMap<&str, &FileLog> = HashMap::new();
    for record in sources.values().filter(|r| r.kind == SourceKind::SoundReport) {
        for (file, ids) in record.files.iter().zip(&record.file_clips) {
            for id in ids.iter().filter(|id| tally.touched.contains(*id) || must_write.contains(*id)) {
                logged.insert(id.as_str(), file);
            }
        }
    }
    let added = tally.added_by_clip();
    for id in tally.touched.union(must_write) {
        let Some(&clip) = clips.get(id.as_str()) else { continue };
        let (segments, notes) = tally.counts(id, &added)?;
        let mut updated = clip.clone();
        updated.segments = segments;
        updated.notes = notes;
        updated.speakers = speakers_of.remove(id.as_str()).unwrap_or_default();
        if let Some(file) = logged.get(id.as_str()) {
            updated.scene = file.scene.clone().or(updated.scene);
            updated.take = file.take.clone().or(updated.take);
            updated.circled = file.circled.or(updated.circled);
        }
        if updated != *clip || must_write.contains(id) {
            writer.put_clip(&updated)?;
        }
    }
    Ok(())
}
