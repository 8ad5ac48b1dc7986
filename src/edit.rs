//! Changes to the catalog the user asks for by hand: `rushes relink` (a
//! card folder moved), `rushes forget` (clips, a folder or a transcript out
//! of the library) and `rushes set` (a clip's rate). Each is one commit that
//! holds the clip records together with the words they change
//! ([`import::apply`]), so a kill leaves the library as it was or as asked.
//! Only the library is written: media and transcripts are never touched.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::clip::{Clip, Relinked, is_under};
use crate::import::{self, Change, ImportError, ImportReport};
use crate::library::{IndexError, Library, source_id};
use crate::merge::{MergeOptions, rederive};
use crate::resolve::{ClipLookupError, resolve_clip};
use crate::timecode::Rate;

/// Why an edit was refused; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("{0} (see `rushes clips`)")]
    Clip(ClipLookupError),
    #[error("{0}: no transcript or notes file of that path in the library")]
    NoSource(String),
    #[error("the library has nothing under {0}")]
    NothingUnder(String),
    #[error("{clip} has its own rate ({fps} fps); --fps sets the rate of a clip whose file states none")]
    OwnRate { clip: String, fps: String },
    #[error("{0} was cataloged by an older rushes that kept no timecode basis; ingest its folder again with --fps")]
    NoBasis(String),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// What `relink` or `forget` did (`--json`).
#[derive(Debug, Default, Serialize)]
pub struct EditReport {
    pub clips_relinked: Vec<Relinked>,
    /// Transcripts and notes files found at the new place (`id` is the
    /// source's new id).
    pub sources_relinked: Vec<Relinked>,
    /// Clips under the old folder whose file is not at the new place (or
    /// has another size): left as they were.
    pub clips_not_found: Vec<String>,
    /// Paths of the clips removed from the library.
    pub clips_forgotten: Vec<String>,
    /// Paths of the transcripts and notes files removed (with their words).
    pub sources_forgotten: Vec<String>,
}

/// `old` + the part of `path` below it, re-rooted at `new`.
fn rebase(path: &str, old: &str, new: &str) -> Option<String> {
    let rest = path.strip_prefix(old.trim_end_matches('/'))?;
    (rest.starts_with('/') || rest.is_empty()).then(|| format!("{}{rest}", new.trim_end_matches('/')))
}

/// Points every clip, transcript and notes file under the folder `old`
/// (absolute, may no longer exist) at the same path under `new` (absolute,
/// existing). A clip keeps its id, metadata and words; one whose file is
/// not at the new place with its size is left as it was and listed.
pub fn relink(lib: &Library, old: &str, new: &str) -> Result<EditReport, EditError> {
    let mut writer = lib.writer()?;
    let mut report = EditReport::default();
    let mut change = Change::default();
    for clip in lib.clips()?.into_iter().filter(|c| is_under(&c.path, old)) {
        let Some(path) = rebase(&clip.path, old, new) else { continue };
        if !std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() == clip.size) {
            report.clips_not_found.push(clip.path.clone());
            continue;
        }
        // The folder the clip was ingested under moves with it when it lies
        // under `old`; otherwise the clip is now cataloged under `new`.
        let moved = match rebase(&clip.root, old, new) {
            Some(root) => clip.moved(&root, &clip.rel_path),
            None => clip.moved(new, path[new.trim_end_matches('/').len()..].trim_start_matches('/')),
        };
        report.clips_relinked.push(Relinked { id: clip.id.clone(), path, from: clip.path.clone() });
        change.clips.push(moved);
    }
    for source in import::sources(lib)?.into_iter().filter(|s| is_under(&s.path, old)) {
        let Some(path) = rebase(&source.path, old, new).filter(|p| std::path::Path::new(p).is_file()) else {
            continue;
        };
        let id = source_id(&path);
        report.sources_relinked.push(Relinked { id, path: path.clone(), from: source.path.clone() });
        change.moved_sources.push((source.id, path));
    }
    if report.clips_relinked.is_empty() && report.sources_relinked.is_empty() && report.clips_not_found.is_empty() {
        return Err(EditError::NothingUnder(old.to_string()));
    }
    import::apply(lib, &mut writer, &change, &mut ImportReport::default())?;
    Ok(report)
}

/// What to remove from the library.
#[derive(Clone, Debug, Default)]
pub struct Forget {
    /// Clips by id, path, file name or stem.
    pub clips: Vec<String>,
    /// Every clip, transcript and notes file under this folder (absolute).
    pub root: Option<String>,
    /// Transcript or notes files by absolute path.
    pub sources: Vec<String>,
}

/// Removes clips (with the transcripts attached to them; notes placed on
/// them are placed again, and listed as unplaced if they land nowhere)
/// and sources (with every cue, pair and note they brought) from the
/// library, in one commit. Files on disk are not touched.
pub fn forget(lib: &Library, what: &Forget) -> Result<EditReport, EditError> {
    let mut writer = lib.writer()?;
    let clips = lib.clips()?;
    let sources = import::sources(lib)?;
    let mut report = EditReport::default();
    let mut change = Change::default();
    let mut forget_clip = |clip: &Clip, report: &mut EditReport| {
        if change.forget_clips.insert(clip.id.clone()) {
            report.clips_forgotten.push(clip.path.clone());
        }
    };
    for want in &what.clips {
        forget_clip(resolve_clip(want, &clips).map_err(EditError::Clip)?, &mut report);
    }
    if let Some(root) = &what.root {
        let under: Vec<&Clip> = clips.iter().filter(|c| is_under(&c.path, root)).collect();
        under.iter().for_each(|c| forget_clip(c, &mut report));
        let files: BTreeSet<String> =
            sources.iter().filter(|s| is_under(&s.path, root)).map(|s| s.id.clone()).collect();
        if under.is_empty() && files.is_empty() {
            return Err(EditError::NothingUnder(root.clone()));
        }
        change.forget_sources.extend(files);
    }
    for path in &what.sources {
        let source = sources.iter().find(|s| s.path == *path).ok_or_else(|| EditError::NoSource(path.clone()))?;
        change.forget_sources.insert(source.id.clone());
    }
    report.sources_forgotten = import::apply(lib, &mut writer, &change, &mut ImportReport::default())?;
    report.sources_forgotten.sort();
    Ok(report)
}

/// Gives one clip whose file states no rate (a phone memo, a BWF without
/// speed) the rate `rate`: its timecode is derived again from the record
/// (no file is read) and its words are placed again, in one commit.
pub fn set_rate(lib: &Library, want: &str, rate: Rate) -> Result<Clip, EditError> {
    let mut writer = lib.writer()?;
    let clips = lib.clips()?;
    let clip = resolve_clip(want, &clips).map_err(EditError::Clip)?;
    if clip.tc_basis.is_none() {
        return Err(match clip.tc.fps_label() {
            Some(fps) => EditError::OwnRate { clip: clip.name.clone(), fps },
            None => EditError::NoBasis(clip.name.clone()),
        });
    }
    let opts = MergeOptions { day: None, project_rate: Some(rate) };
    let updated = rederive(clip, &opts).unwrap_or_else(|| clip.clone());
    let change = Change { clips: vec![updated.clone()], ..Change::default() };
    import::apply(lib, &mut writer, &change, &mut ImportReport::default())?;
    Ok(updated)
}
