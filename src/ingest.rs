//! The ingest pipeline: walk each folder, recognise unchanged files by
//! size and mtime (no probe), probe the rest in parallel, merge sidecars,
//! and write clips to the library in batches, each batch one atomic commit
//! (so an ingest killed at any moment loses at most the batch under way,
//! and a re-run picks up from there).
//!
//! Nothing is ever opened for writing under an ingested folder.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::clip::{Clip, Relinked, Sidecar, Verified};
use crate::date::DateOrder;
use crate::failures::{FailedFile, Failures, FailuresError};
use crate::hash;
use crate::import::{ImportError, ImportOptions, ImportReport, Placement, import_files, reconcile, source_kind};
use crate::library::{Library, LibraryError};
use crate::merge::{MergeOptions, SidecarInfo, build_clip, join_abs, rederive, sony_sidecar_name};
use crate::probe::{self, ProbeError, p2_xml, sony_xml};
use crate::scan::{self, Candidate};
use crate::scan::{card_context, os_text};
use crate::text::Diagnostic;
use crate::verify;

/// Files probed before the first commit; each later batch is twice the
/// last, up to [`BATCH_MAX`]. A small day is kept in a few commits, as
/// ever, and a big one is not held up by one commit (with its small
/// segment to merge) every 256 clips: an 18,000-clip dump took 70 commits
/// and 84–86 s, and takes 8 and 77 s. A killed run loses at most one
/// batch of probing, which a re-run redoes. Re-hashing unchanged clips
/// against an offload's hash list commits every [`BATCH`]: each reads a
/// whole file.
const BATCH: usize = 256;
const BATCH_MAX: usize = 4096;
/// Largest sidecar read into memory.
const MAX_SIDECAR: u64 = 4 << 20;

/// Extensions that promise media: a file so named that is not readable
/// media is a failure to report, not an unrelated file to skip.
const MEDIA_EXTS: &[&str] = &[
    "MOV", "MP4", "M4V", "MXF", "WAV", "BWF", "RF64", "M4A", "MP3", "MKV", "WEBM", "AIF", "AIFF", "FLAC", "OGG", "CAF",
    "AVI", "MTS", "M2TS", "BRAW", "R3D", "3GP", "AAC",
];

/// What an ingest does besides the folders.
#[derive(Clone, Debug, Default)]
pub struct IngestOptions {
    pub merge: MergeOptions,
    /// How to read dates such as `03/04/2026` in the notes found.
    pub date_order: Option<DateOrder>,
    /// Whether to hash files and check them against the dump's hash lists.
    pub verify: VerifyMode,
    /// The language of the transcripts found (`--language`).
    pub language: Option<String>,
}

/// What `ingest --verify` hashes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum VerifyMode {
    /// Nothing: an ingest reads only what probing needs.
    #[default]
    Off,
    /// New and changed files; an unchanged file is judged by its recorded
    /// hash, without reading it.
    New,
    /// Every file, unchanged ones too.
    All,
}

/// What `--verify` found: the `verify` object of the ingest report.
#[derive(Debug, Default, Serialize)]
pub struct VerifySummary {
    /// Hash list files read (ASC MHL generations, v1.1 lists).
    pub hash_lists: usize,
    /// Files hashed by this run, and their bytes.
    pub hashed: usize,
    pub hashed_bytes: u64,
    /// Clips of this run by verdict (`match`, `mismatch`, `not_in_mhl`,
    /// `not_verified`).
    pub verified: BTreeMap<Verified, usize>,
    /// Files a hash list names that the dump lacks (also failures).
    pub missing: Vec<String>,
    /// What the hash lists' reader reported, by file and line.
    pub diagnostics: Vec<Diagnostic>,
}

/// A file and what is wrong with it: why it could not be cataloged, or
/// what to know about a clip that was.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Failure {
    pub path: String,
    pub reason: String,
}

/// What one ingest did. Serialised as the `--json` output.
#[derive(Debug, Default, Serialize)]
pub struct IngestReport {
    pub clips_added: usize,
    pub clips_updated: usize,
    pub clips_unchanged: usize,
    /// Clips whose file was found at a new place (its folder moved): same
    /// id, words and metadata, new path.
    pub clips_relinked: Vec<Relinked>,
    /// Clips under the ingested folders whose files are gone.
    pub clips_offline: usize,
    /// Files skipped (junk, proxies, thumbnails, links, non-media).
    pub skipped: usize,
    pub skipped_by_kind: BTreeMap<String, usize>,
    pub failures: Vec<Failure>,
    /// Files cataloged although something in them is wrong (e.g. a WAV cut
    /// after its audio), with what; repeated on every ingest.
    pub cataloged_with_warnings: Vec<Failure>,
    /// Transcripts and notes found in the dump (or waiting for these clips).
    #[serde(flatten)]
    pub words: ImportReport,
    /// Present with `--verify`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify: Option<VerifySummary>,
    pub library: String,
}

pub use crate::progress::{NoProgress, Progress};

/// Why an ingest could not run at all (per-file problems are failures).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("cannot ingest {path}")]
    Root { path: PathBuf, source: std::io::Error },
    /// A folder that is gone but has clips in the library (a card moved or
    /// unplugged): the message says which and what to do.
    #[error(
        "{path} does not exist, and the library has {n} clips under it ({examples}).\n  \
         If the folder moved: rushes relink {path} NEW_PLACE (or ingest the new place);\n  \
         to remove them and their words from the library: rushes forget --root {path}",
        n = clips.len(),
        examples = examples(clips),
    )]
    Gone { path: String, clips: Vec<String> },
    /// The user asked to stop ([`Progress::interrupted`]); everything
    /// committed stays, and a re-run goes on from there.
    #[error("interrupted: {kept} clips kept; run again to continue")]
    Interrupted { kept: usize },
    /// The library would be inside a folder being ingested: writing it
    /// would write into the source, and the next ingest would read it.
    #[error(
        "the library {} would be inside {}, the folder being ingested; nothing is ever written there",
        library.display(),
        root.display()
    )]
    LibraryInside { library: PathBuf, root: PathBuf },
    #[error("{}", path.display())]
    LibraryPath { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error(transparent)]
    Releases(#[from] crate::releases::ReleasesError),
    #[error(transparent)]
    Failures(#[from] FailuresError),
}

/// Refuses a library folder (which need not exist yet) inside one of
/// `roots`; [`ingest`] checks it, and a front end can before it creates the
/// library.
pub fn refuse_library_inside(library: &Path, roots: &[PathBuf]) -> Result<(), IngestError> {
    let lib = std::path::absolute(library)
        .map_err(|source| IngestError::LibraryPath { path: library.to_path_buf(), source })?;
    let lib = lib.canonicalize().unwrap_or(lib);
    match roots.iter().find(|dir| dir.canonicalize().is_ok_and(|root| lib.starts_with(root))) {
        Some(root) => Err(IngestError::LibraryInside { library: lib, root: root.clone() }),
        None => Ok(()),
    }
}

/// The first few names of a list, for a message.
fn examples(names: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut out = names.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > SHOWN {
        out.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    out
}

impl From<ImportError> for IngestError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Index(i) => IngestError::Library(LibraryError::Index(i)),
            ImportError::Releases(r) => IngestError::Releases(r),
        }
    }
}

impl From<crate::library::IndexError> for IngestError {
    fn from(e: crate::library::IndexError) -> Self {
        IngestError::Library(LibraryError::Index(e))
    }
}

/// Ingests every folder in `roots` into `lib`.
pub fn ingest(
    lib: &Library,
    roots: &[PathBuf],
    opts: &IngestOptions,
    progress: &dyn Progress,
) -> Result<IngestReport, IngestError> {
    // Resolve every root before touching the library: a typo is fatal.
    let mut resolved = Vec::new();
    for root in roots {
        let abs = root.canonicalize().map_err(|source| gone_or_unreadable(lib, root, source))?;
        if !abs.is_dir() {
            let source = std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder");
            return Err(IngestError::Root { path: root.clone(), source });
        }
        resolved.push(abs);
    }
    refuse_library_inside(&lib.dir, roots)?;
    let mut writer = lib.writer()?;
    let existing: HashMap<String, Clip> = lib.clips()?.into_iter().map(|c| (c.path.clone(), c)).collect();
    let mut moves = Moves::new(&existing);
    let mut report = IngestReport { library: lib.dir.display().to_string(), ..IngestReport::default() };

    let mut changed_clips = BTreeSet::new();
    let mut word_files = Vec::new();
    let mut walks = Vec::new();
    for abs in &resolved {
        let walk = scan::walk(abs).map_err(|source| IngestError::Root { path: abs.clone(), source })?;
        walks.push((abs.clone(), walk));
    }
    let total_files: usize = walks.iter().map(|(_, w)| w.candidates.len()).sum();
    let total_bytes: u64 = walks.iter().flat_map(|(_, w)| &w.candidates).map(|c| c.fingerprint.size).sum();
    if opts.verify == VerifyMode::Off {
        progress.begin(total_files as u64, total_bytes);
    } else {
        report.verify = Some(VerifySummary::default());
        progress.begin_hashed(total_files as u64, total_bytes);
    }
    // Hashed files move the bar as they are read, the rest by their size.
    let skipped_bytes = |size: u64| if opts.verify == VerifyMode::Off { size } else { 0 };

    for (abs, walk) in &walks {
        let root_abs = os_text(abs.as_os_str());
        let root_name = abs.file_name().map(os_text).unwrap_or_default();
        for s in &walk.skipped {
            *report.skipped_by_kind.entry(s.kind.label().to_string()).or_insert(0) += 1;
        }
        for e in &walk.errors {
            report.failures.push(Failure { path: os_text(e.path.as_os_str()), reason: e.reason.clone() });
        }
        for side in &walk.sidecars {
            if source_kind(&side.path).is_some() {
                let day = opts.merge.day.clone().or_else(|| card_context(&root_name, &side.rel_path).day);
                let opts = ImportOptions {
                    day,
                    date_order: opts.date_order,
                    language: opts.language.clone(),
                    ..ImportOptions::default()
                };
                word_files.push((side.path.clone(), join_abs(&root_abs, &side.rel_path), opts));
            }
        }
        let sidecars = index_sidecars(&walk.sidecars);
        let offload = (opts.verify != VerifyMode::Off).then(|| verify::load(&root_abs, &walk.sidecars));
        let mut to_rehash = Vec::new();
        let merge = &opts.merge;
        let mut seen = HashSet::new();
        let mut to_probe = Vec::new();
        let mut rewritten = false;
        for cand in &walk.candidates {
            let path = join_abs(&root_abs, &cand.rel_path);
            seen.insert(path.clone());
            let sidecar = find_sidecar(&sidecars, cand);
            match existing.get(&path) {
                Some(old)
                    if !old.offline
                        && old.fingerprint() == cand.fingerprint
                        && same_sidecar(old, sidecar, &root_abs) =>
                {
                    // A rate-less clip from before its basis was kept needs
                    // its file to take a project rate.
                    if merge.project_rate.is_some() && old.tc.format.is_none() && old.tc_basis.is_none() {
                        to_probe.push((cand, sidecar, true));
                        continue;
                    }
                    if opts.verify == VerifyMode::All {
                        to_rehash.push((cand, old));
                        continue;
                    }
                    progress.advance(cand.fingerprint.size);
                    report_warnings(old, &mut report);
                    // A new --fps or --day changes the record, not the file;
                    // a new hash list changes its verdict.
                    let rejudged = offload.as_ref().and_then(|off| rejudge(old, off, &mut report));
                    match rederive(rejudged.as_ref().unwrap_or(old), merge).or(rejudged) {
                        Some(clip) => {
                            changed_clips.insert(clip.id.clone());
                            writer.put_clip(&clip)?;
                            rewritten = true;
                            report.clips_updated += 1;
                        }
                        None => report.clips_unchanged += 1,
                    }
                }
                Some(_) => to_probe.push((cand, sidecar, true)),
                None => match moves.find(cand) {
                    Some(old) => {
                        let mut clip = old.moved(&root_abs, &cand.rel_path);
                        if let Some(side) = sidecar.filter(|_| clip.sidecar.is_some()) {
                            clip.sidecar = Some(Sidecar {
                                path: join_abs(&root_abs, &side.rel_path),
                                size: side.fingerprint.size,
                                mtime_ns: side.fingerprint.mtime_ns,
                            });
                        }
                        // Moved and re-dated (or given a rate) at once.
                        let clip = rederive(&clip, merge).unwrap_or(clip);
                        progress.advance(cand.fingerprint.size);
                        report_warnings(&clip, &mut report);
                        report.clips_relinked.push(Relinked {
                            id: clip.id.clone(),
                            path: clip.path.clone(),
                            from: old.path.clone(),
                        });
                        changed_clips.insert(clip.id.clone());
                        writer.put_clip(&clip)?;
                        rewritten = true;
                    }
                    None => to_probe.push((cand, sidecar, false)),
                },
            }
        }
        if rewritten {
            writer.commit()?;
        }
        // A Ctrl-C during the walk of a slow card stops before any probing.
        stop_if_interrupted(progress, &report)?;

        for batch in to_rehash.chunks(BATCH) {
            let off = offload.as_ref();
            let results: Vec<_> = batch
                .par_iter()
                .map_init(
                    || vec![0u8; hash::BUFFER],
                    |buf, (cand, old)| {
                        let checked = off.map(|o| hash_one(cand, o, &root_abs, buf, progress));
                        progress.advance(0);
                        (*old, checked)
                    },
                )
                .collect();
            let mut wrote = false;
            for (old, checked) in results {
                report_warnings(old, &mut report);
                report.clips_unchanged += 1;
                let mut clip = rederive(old, merge).unwrap_or_else(|| old.clone());
                if let Some(checked) = checked {
                    apply(&mut clip, checked, Read::Hashed, &mut report);
                }
                if clip != *old {
                    changed_clips.insert(clip.id.clone());
                    writer.put_clip(&clip)?;
                    wrote = true;
                }
            }
            if wrote {
                writer.commit()?;
            }
            stop_if_interrupted(progress, &report)?;
        }

        for batch in doubling_batches(&to_probe) {
            let off = offload.as_ref();
            let results: Vec<_> = batch
                .par_iter()
                .map_init(
                    // One read buffer per thread, only when hashing.
                    || if off.is_some() { vec![0u8; hash::BUFFER] } else { Vec::new() },
                    |buf, (cand, sidecar, existed)| {
                        // Hash first: the probe then reads from the page cache.
                        let checked = off.map(|o| hash_one(cand, o, &root_abs, buf, progress));
                        let probed =
                            probe::probe_file(&cand.path).map(|info| (info, probe::content_hash(&cand.path).ok()));
                        let side = sidecar.and_then(|s| read_sidecar(s, &root_abs));
                        progress.advance(skipped_bytes(cand.fingerprint.size));
                        (*cand, probed, side, *existed, checked)
                    },
                )
                .collect();
            let mut wrote = false;
            for (cand, probed, side, existed, checked) in results {
                let side = match side {
                    Some(Ok(s)) => Some(s),
                    Some(Err(f)) => {
                        report.failures.push(f);
                        None
                    }
                    None => None,
                };
                match probed {
                    Ok((info, content_hash)) => {
                        let mut clip = build_clip(&root_abs, &root_name, cand, &info, side.as_ref(), merge);
                        clip.content_hash = content_hash;
                        if let Some(checked) = checked {
                            apply(&mut clip, checked, Read::Hashed, &mut report);
                        }
                        if let Some(old) = existing.get(&clip.path) {
                            // What was attached stays attached; reconcile re-places it.
                            clip.segments = old.segments;
                            clip.notes = old.notes;
                            clip.speakers.clone_from(&old.speakers);
                        }
                        report_warnings(&clip, &mut report);
                        changed_clips.insert(clip.id.clone());
                        writer.put_clip(&clip)?;
                        wrote = true;
                        if existed { report.clips_updated += 1 } else { report.clips_added += 1 }
                    }
                    Err(e) => classify_failure(cand, e, &mut report),
                }
            }
            if wrote {
                writer.commit()?;
                hold_for_tests(progress);
            }
            stop_if_interrupted(progress, &report)?;
        }

        if let (Some(off), Some(summary)) = (offload, report.verify.as_mut()) {
            let missing = verify::missing(&off);
            for path in &missing {
                let list = off.files.get(path).map(|e| e.provenance.mhl.as_str()).unwrap_or_default();
                let reason = format!("missing: {list} lists it, the dump does not have it");
                report.failures.push(Failure { path: path.clone(), reason });
            }
            summary.missing.extend(missing);
            summary.hash_lists += off.lists;
            summary.diagnostics.extend(off.diagnostics);
        }

        // Clips under this folder that the walk no longer finds: offline.
        let prefix = if root_abs.ends_with('/') { root_abs.clone() } else { format!("{root_abs}/") };
        let mut marked = false;
        let gone = existing.values().filter(|c| c.path.starts_with(&prefix) && !seen.contains(&c.path));
        for clip in gone.filter(|c| !moves.relinked.contains(&c.id)) {
            report.clips_offline += 1;
            if !clip.offline {
                let mut gone = clip.clone();
                gone.offline = true;
                writer.put_clip(&gone)?;
                marked = true;
            }
        }
        if marked {
            writer.commit()?;
        }
    }
    stop_if_interrupted(progress, &report)?;
    progress.finish();
    let placed = import_files(lib, &mut writer, &word_files, Placement::Stored, &mut report.words, progress)?;
    progress.finish();
    reconcile(lib, &mut writer, &changed_clips, &placed, &mut report.words)?;
    report.skipped = report.skipped_by_kind.values().sum();
    report.failures.sort_by(|a, b| a.path.cmp(&b.path));
    keep_failures(lib, &walks, &report.failures, opts)?;
    report.cataloged_with_warnings.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(report)
}

/// Why a folder cannot be ingested; a folder that has gone while the
/// library has clips under it says which, and how to relink or forget them.
fn gone_or_unreadable(lib: &Library, root: &Path, source: std::io::Error) -> IngestError {
    let abs = std::path::absolute(root).map(|p| os_text(p.as_os_str())).unwrap_or_default();
    if source.kind() == std::io::ErrorKind::NotFound {
        let mut under: Vec<String> =
            lib.clips().unwrap_or_default().into_iter().filter(|c| c.is_under(&abs)).map(|c| c.name).collect();
        if !under.is_empty() {
            under.sort();
            return IngestError::Gone { path: abs.trim_end_matches('/').to_string(), clips: under };
        }
    }
    IngestError::Root { path: root.to_path_buf(), source }
}

/// Clips of the library whose files have gone, found again by size, mtime
/// and content at a new place (a card folder moved or renamed).
struct Moves<'a> {
    by_fingerprint: HashMap<crate::clip::Fingerprint, Vec<&'a Clip>>,
    /// Ids relinked in this run: each old clip is claimed once.
    relinked: HashSet<String>,
}

impl<'a> Moves<'a> {
    fn new(existing: &'a HashMap<String, Clip>) -> Moves<'a> {
        let mut by_fingerprint: HashMap<_, Vec<&Clip>> = HashMap::new();
        for clip in existing.values() {
            by_fingerprint.entry(clip.fingerprint()).or_default().push(clip);
        }
        Moves { by_fingerprint, relinked: HashSet::new() }
    }

    /// The gone clip a new file is, if any: same size and mtime, a file no
    /// longer at its old path, and the same content hash (or, for a record
    /// without one, the same file name). Reads the new file's two ends only
    /// when size and mtime match.
    fn find(&mut self, cand: &Candidate) -> Option<&'a Clip> {
        let olds = self.by_fingerprint.get(&cand.fingerprint)?;
        let mut hash = None;
        for &old in olds {
            if self.relinked.contains(&old.id) || Path::new(&old.path).exists() {
                continue;
            }
            let same = match &old.content_hash {
                Some(want) => {
                    let got = hash.get_or_insert_with(|| probe::content_hash(&cand.path).ok());
                    got.as_ref() == Some(want)
                }
                None => cand.rel_path.rsplit('/').next() == Some(old.name.as_str()),
            };
            if same {
                self.relinked.insert(old.id.clone());
                return Some(old);
            }
        }
        None
    }
}

/// The test hook that makes a concurrency test certain instead of a race:
/// while the file named by `RUSHES_TEST_HOLD_FILE` exists, an ingest that
/// has just committed a batch waits (holding the library's writer lock),
/// for at most two minutes, or until the user interrupts. Unset, as for
/// every user, it costs one environment look-up per batch.
fn hold_for_tests(progress: &dyn Progress) {
    let Some(path) = std::env::var_os("RUSHES_TEST_HOLD_FILE") else {
        return;
    };
    let path = std::path::PathBuf::from(path);
    let until = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while path.exists() && !progress.interrupted() && std::time::Instant::now() < until {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// `items` in batches of [`BATCH`], each twice the last, up to [`BATCH_MAX`].
fn doubling_batches<T>(items: &[T]) -> impl Iterator<Item = &[T]> {
    let mut rest = items;
    let mut size = BATCH;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (batch, after) = rest.split_at(size.min(rest.len()));
        rest = after;
        size = (size * 2).min(BATCH_MAX);
        Some(batch)
    })
}

/// Ends the run when the user asked to stop. Called only right after a
/// commit, so every clip counted is in the library: added, updated,
/// relinked or found unchanged by this run.
fn stop_if_interrupted(progress: &dyn Progress, report: &IngestReport) -> Result<(), IngestError> {
    if !progress.interrupted() {
        return Ok(());
    }
    let kept = report.clips_added + report.clips_updated + report.clips_unchanged + report.clips_relinked.len();
    Err(IngestError::Interrupted { kept })
}

/// A cataloged clip's probe warnings go into every ingest's report, so a
/// re-run does not hide them.
fn report_warnings(clip: &Clip, report: &mut IngestReport) {
    let warnings = clip.warnings.iter().map(|reason| Failure { path: clip.path.clone(), reason: reason.clone() });
    report.cataloged_with_warnings.extend(warnings);
}

/// The files this ingest could not read, kept in the library in place of
/// the last ingest's under the same folders ([`crate::failures`]), each
/// with the shoot day its folders name.
fn keep_failures<W>(
    lib: &Library,
    walks: &[(PathBuf, W)],
    failures: &[Failure],
    opts: &IngestOptions,
) -> Result<(), IngestError> {
    let roots: Vec<String> = walks.iter().map(|(abs, _)| os_text(abs.as_os_str())).collect();
    let mut found = Vec::new();
    for f in failures {
        // The deepest folder holding it (folders given may nest).
        let Some((abs, root)) = walks
            .iter()
            .zip(&roots)
            .filter(|(_, root)| f.path.starts_with(&format!("{}/", root.trim_end_matches('/'))))
            .max_by_key(|(_, root)| root.len())
            .map(|((abs, _), root)| (abs, root))
        else {
            continue;
        };
        let root_name = abs.file_name().map(os_text).unwrap_or_default();
        let rel = f.path.get(root.trim_end_matches('/').len() + 1..).unwrap_or_default();
        let day = opts.merge.day.clone().or_else(|| card_context(&root_name, rel).day);
        found.push(FailedFile { root: root.clone(), path: f.path.clone(), reason: f.reason.clone(), day });
    }
    Failures::open(&lib.dir).replace(&roots, found)?;
    Ok(())
}

/// A probe error is a failure when the file promised media; otherwise the
/// file is simply not media and is skipped as "other".
fn classify_failure(cand: &Candidate, err: ProbeError, report: &mut IngestReport) {
    let ext = cand.rel_path.rsplit_once('.').map(|(_, e)| e.to_ascii_uppercase()).unwrap_or_default();
    let promised = MEDIA_EXTS.contains(&ext.as_str());
    match err {
        ProbeError::NotMedia(_) if !promised => {
            *report.skipped_by_kind.entry("other".into()).or_insert(0) += 1;
        }
        e => report.failures.push(Failure { path: os_text(cand.path.as_os_str()), reason: e.to_string() }),
    }
}

type SidecarIndex<'a> = HashMap<(String, String), &'a Candidate>;

/// Sidecars keyed by (folder, upper-case file name).
fn index_sidecars(sidecars: &[Candidate]) -> SidecarIndex<'_> {
    sidecars
        .iter()
        .map(|s| {
            let (dir, name) = s.rel_path.rsplit_once('/').unwrap_or(("", &s.rel_path));
            ((dir.to_string(), name.to_ascii_uppercase()), s)
        })
        .collect()
}

/// A clip's camera XML: Sony's `C0001M01.XML` beside it, or a P2 card's
/// `CONTENTS/CLIP/0001AB.XML` for `CONTENTS/VIDEO/0001AB.MXF`.
fn find_sidecar<'a>(index: &SidecarIndex<'a>, cand: &Candidate) -> Option<&'a Candidate> {
    let (dir, name) = cand.rel_path.rsplit_once('/').unwrap_or(("", &cand.rel_path));
    if let Some(p2) = p2_clip_xml(dir, name).and_then(|key| index.get(&key)) {
        return Some(*p2);
    }
    let want = sony_sidecar_name(name)?.to_ascii_uppercase();
    index.get(&(dir.to_string(), want)).copied()
}

/// `(…/CONTENTS/CLIP, 0001AB.XML)` for a file in `…/CONTENTS/VIDEO`.
fn p2_clip_xml(dir: &str, name: &str) -> Option<(String, String)> {
    let (card, video) = dir.rsplit_once('/').unwrap_or(("", dir));
    let (stem, ext) = name.rsplit_once('.')?;
    let contents = card.rsplit('/').next().unwrap_or(card);
    let p2 = video.eq_ignore_ascii_case("VIDEO") && contents.eq_ignore_ascii_case("CONTENTS");
    p2.then(|| (format!("{card}/CLIP"), format!("{stem}.XML").to_ascii_uppercase()))
        .filter(|_| ext.eq_ignore_ascii_case("MXF"))
}

fn same_sidecar(old: &Clip, now: Option<&Candidate>, root_abs: &str) -> bool {
    match (&old.sidecar, now) {
        (None, None) => true,
        (Some(Sidecar { path, size, mtime_ns }), Some(c)) => {
            *path == join_abs(root_abs, &c.rel_path)
                && *size == c.fingerprint.size
                && *mtime_ns == c.fingerprint.mtime_ns
        }
        _ => false,
    }
}

/// Reads and parses a Sony sidecar; a broken one is a failure of its own
/// that does not stop its clip from being cataloged.
fn read_sidecar<'a>(file: &'a Candidate, root_abs: &str) -> Option<Result<SidecarInfo<'a>, Failure>> {
    let fail = |reason: String| Failure { path: os_text(file.path.as_os_str()), reason };
    if file.fingerprint.size > MAX_SIDECAR {
        return Some(Err(fail(format!("sidecar larger than {MAX_SIDECAR} bytes"))));
    }
    let text = match read_text(&file.path) {
        Ok(t) => t,
        Err(e) => return Some(Err(fail(format!("cannot read sidecar: {e}")))),
    };
    if p2_xml::is_p2_clip(&text) {
        return Some(
            p2_xml::parse(&text)
                .map(|meta| SidecarInfo { file, abs_path: join_abs(root_abs, &file.rel_path), meta })
                .map_err(|e| fail(format!("P2 clip XML: {e}"))),
        );
    }
    if !sony_xml::is_nonrealtimemeta(&text) {
        return None;
    }
    Some(
        sony_xml::parse(&text)
            .map(|meta| SidecarInfo { file, abs_path: join_abs(root_abs, &file.rel_path), meta })
            .map_err(|e| fail(format!("Sony XML sidecar: {e}"))),
    )
}

fn read_text(path: &Path) -> std::io::Result<String> {
    let bytes = std::fs::read(path)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Hashes one candidate against its dump's hash lists, moving the bar by
/// the bytes read.
fn hash_one(
    cand: &Candidate,
    off: &verify::Offload,
    root_abs: &str,
    buf: &mut [u8],
    progress: &dyn Progress,
) -> verify::Checked {
    let expected = off.files.get(&join_abs(root_abs, &cand.rel_path));
    verify::check(&cand.path, cand.fingerprint, expected, buf, &mut |n| progress.read(n))
}

/// Whether a verdict comes from reading the file now or from its record.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Read {
    Hashed,
    Recorded,
}

/// Puts a hash's verdict on a clip and into the report: a mismatch and a
/// file that changed while read are failures.
fn apply(clip: &mut Clip, checked: verify::Checked, read: Read, report: &mut IngestReport) {
    if let Some(summary) = report.verify.as_mut() {
        if read == Read::Hashed && checked.hash.is_some() {
            summary.hashed += 1;
            summary.hashed_bytes += clip.size;
        }
        *summary.verified.entry(checked.verified).or_insert(0) += 1;
    }
    if let Some(reason) = checked.problem {
        report.failures.push(Failure { path: clip.path.clone(), reason });
    }
    // A file that changed while read keeps no hash: its old one is stale.
    clip.hash = checked.hash;
    clip.verified = checked.verified;
    clip.provenance = checked.provenance;
}

/// An unchanged clip judged again by its recorded hash (`--verify` without
/// `all`): the dump may have a hash list it did not have before. `None`
/// when the record stays as it is.
fn rejudge(old: &Clip, off: &verify::Offload, report: &mut IngestReport) -> Option<Clip> {
    let expected = off.files.get(&old.path);
    let checked = match &old.hash {
        Some(h) => verify::judge(h.clone(), old.size, expected),
        None => verify::Checked {
            hash: None,
            verified: Verified::NotVerified,
            provenance: expected.map(|e| e.provenance.clone()),
            problem: None,
        },
    };
    let mut clip = old.clone();
    apply(&mut clip, checked, Read::Recorded, report);
    (clip != *old).then_some(clip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_batches_double_up_to_the_most() {
        let sizes = |n: usize| doubling_batches(&vec![0u8; n]).map(<[u8]>::len).collect::<Vec<_>>();
        assert_eq!(sizes(0), Vec::<usize>::new());
        assert_eq!(sizes(300), vec![256, 44]);
        assert_eq!(sizes(768), vec![256, 512]);
        assert_eq!(sizes(18_000), vec![256, 512, 1024, 2048, 4096, 4096, 4096, 1872]);
    }
}
