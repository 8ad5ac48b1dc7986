//! Used bites: which source spans of which clips the current cuts hold, so
//! a search hit, a `show` cue or a paper-edit bite can say it is already in
//! the film. `rushes used CUT` reads a cut (any format [`crate::cut`]
//! reads), matches its events to clips as [`crate::conform`] does, and
//! keeps the spans under the cut's name; reading the same name again
//! replaces them, and several cuts are tracked side by side.
//!
//! The cuts are kept in `LIBRARY/used.json`, outside the tantivy index for
//! the reasons `bins.json` and `releases.json` are (a change never waits
//! for an ingest's writer lock, and never makes one fail): each change is
//! lock (`used.lock`), read, change, atomic write. Reads take no lock.
//!
//! A span is kept as frames of its clip (from the clip's first frame, out
//! exclusive, in the clip's labelling) with the labels beside them. The
//! marks are computed when a hit is read ([`Marks::of`]): a span overlaps
//! a used span when they share a frame. [`marks`] keeps the last index
//! built while `used.json` stays the same file, as [`crate::search::judge`]
//! keeps the release log's judge.
//!
//! An event that matches no clip is kept in the cut's record with what it
//! named and why, so `rushes used --list` can say it again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::atomic::{FileIdentity, StoreError, file_identity, read_versioned, with_lock, write_versioned};
use crate::clip::Clip;
use crate::conform::{Unmatched, match_events, passed_over};
use crate::cut::Cut;
use crate::export::edl::label_after;

const USED_FILE: &str = "used.json";
const LOCK_FILE: &str = "used.lock";
/// The shape of `used.json`; another version is refused, never rewritten.
const USED_VERSION: u32 = 1;

/// A cut that uses a span: its name and where the span sits in it (the
/// record timecode of the event, as the cut labels it).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Used {
    pub cut: String,
    pub record_in: String,
}

/// One event of a cut, matched to its clip.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsedSpan {
    pub clip_id: String,
    pub clip: String,
    /// Frames `[in, out)` from the clip's first frame.
    pub in_frame: u64,
    pub out_frame: u64,
    /// The same span in the clip's own timecode, out exclusive.
    pub source_in: String,
    pub source_out: String,
    /// The event's number and track, and where it sits in the cut.
    pub event: usize,
    pub track: String,
    pub record_in: String,
    pub record_out: String,
}

/// A cut as tracked: the `rushes used --json` contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsedCut {
    pub name: String,
    /// The file it was read from, and its format (`edl`, `fcpxml`, …).
    pub path: String,
    pub format: String,
    /// The day it was read (`YYYY-MM-DD`).
    pub read: String,
    pub spans: Vec<UsedSpan>,
    /// Events that match no clip, with what they named and why.
    pub unmatched: Vec<Unmatched>,
    /// Lines or elements of the cut its reader passed over (`line N: why`).
    pub skipped: Vec<String>,
}

impl UsedCut {
    /// The clips it uses, each once.
    pub fn clips(&self) -> usize {
        let mut ids: Vec<&str> = self.spans.iter().map(|s| s.clip_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }
}

/// The spans `cut` (read from `path`) uses, tracked as `name`.
pub fn of_cut(name: &str, path: &str, cut: &Cut, clips: &[Clip]) -> UsedCut {
    let (matched, unmatched) = match_events(cut, clips);
    let spans = matched
        .into_iter()
        .map(|m| {
            let label = |frame: u64| m.clip.start().map_or_else(|| "-".to_string(), |s| label_after(s, frame));
            UsedSpan {
                clip_id: m.clip.id.clone(),
                clip: m.clip.name.clone(),
                in_frame: m.frames.0,
                out_frame: m.frames.1,
                source_in: label(m.frames.0),
                source_out: label(m.frames.1),
                event: m.event.number,
                track: m.event.track.clone(),
                record_in: m.event.record_in.clone(),
                record_out: m.event.record_out.clone(),
            }
        })
        .collect();
    UsedCut {
        name: name.to_string(),
        path: path.to_string(),
        format: cut.format.name().to_string(),
        read: crate::date::today(),
        spans,
        unmatched,
        skipped: passed_over(cut),
    }
}

/// `used.json` as stored, after its `version`.
#[derive(Debug, Serialize, Deserialize)]
struct Cuts {
    cuts: Vec<UsedCut>,
}

/// Why the tracked cuts could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum UsedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no cut {0:?} is tracked (see `rushes used --list`)")]
    NoCut(String),
}

/// The cuts tracked in one library folder.
#[derive(Clone, Debug)]
pub struct UsedCuts {
    dir: PathBuf,
}

impl UsedCuts {
    pub fn open(library_dir: &Path) -> UsedCuts {
        UsedCuts { dir: library_dir.to_path_buf() }
    }

    /// `LIBRARY/used.json`.
    pub fn path(&self) -> PathBuf {
        self.dir.join(USED_FILE)
    }

    /// Every cut tracked, in the order first read.
    pub fn list(&self) -> Result<Vec<UsedCut>, UsedError> {
        let cuts = read_versioned::<Cuts>(&self.path(), USED_VERSION, "the cuts tracked")?;
        Ok(cuts.map(|c| c.cuts).unwrap_or_default())
    }

    /// Tracks `cut`, in place of the cut of the same name if there is one
    /// (which keeps its place in the list); returns the cut it replaced.
    pub fn replace(&self, cut: UsedCut) -> Result<Option<UsedCut>, UsedError> {
        self.change(|cuts| match cuts.iter_mut().find(|c| c.name == cut.name) {
            Some(old) => Ok(Some(std::mem::replace(old, cut))),
            None => {
                cuts.push(cut);
                Ok(None)
            }
        })
    }

    /// Stops tracking the cut `name`; returns it.
    pub fn forget(&self, name: &str) -> Result<UsedCut, UsedError> {
        self.change(|cuts| match cuts.iter().position(|c| c.name == name) {
            Some(i) => Ok(cuts.remove(i)),
            None => Err(UsedError::NoCut(name.to_string())),
        })
    }

    /// Lock, read, change, write atomically, unlock. A `used.json` that
    /// does not read is an error and is left as it is.
    fn change<T>(&self, change: impl FnOnce(&mut Vec<UsedCut>) -> Result<T, UsedError>) -> Result<T, UsedError> {
        let lock_path = self.dir.join(LOCK_FILE);
        let io = |error| UsedError::Store(StoreError::Io { path: lock_path.clone(), error });
        with_lock(&lock_path, io, || {
            let mut cuts = self.list()?;
            let out = change(&mut cuts)?;
            write_versioned(&self.path(), USED_VERSION, Cuts { cuts })?;
            Ok(out)
        })
    }
}

/// The used spans of every tracked cut, by clip: what a hit's span is
/// looked up in.
#[derive(Debug, Default)]
pub struct Marks {
    by_clip: HashMap<String, Vec<(u64, u64, Used)>>,
}

impl Marks {
    pub fn new(cuts: &[UsedCut]) -> Marks {
        let mut by_clip: HashMap<String, Vec<(u64, u64, Used)>> = HashMap::new();
        for cut in cuts {
            for s in &cut.spans {
                let used = Used { cut: cut.name.clone(), record_in: s.record_in.clone() };
                by_clip.entry(s.clip_id.clone()).or_default().push((s.in_frame, s.out_frame, used));
            }
        }
        Marks { by_clip }
    }

    /// No cut is tracked (or none matched a clip).
    pub fn is_empty(&self) -> bool {
        self.by_clip.is_empty()
    }

    /// The cuts that use a frame of `frames` (`[in, out)` from the clip's
    /// first frame; `None` is the whole clip) of the clip `clip_id`, each
    /// cut and record timecode once, by cut then record timecode. A span
    /// of no frames (a note's moment written as in = out) is its first frame.
    pub fn of(&self, clip_id: &str, frames: Option<(u64, u64)>) -> Vec<Used> {
        let Some(spans) = self.by_clip.get(clip_id) else { return Vec::new() };
        let mut out: Vec<Used> = spans
            .iter()
            .filter(|(a, b, _)| match frames {
                None => true,
                Some((i, o)) => overlaps((i, o), (*a, *b)),
            })
            .map(|(_, _, used)| used.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// Whether two spans `[in, out)` share a frame; an empty span is its first
/// frame.
fn overlaps((a_in, a_out): (u64, u64), (b_in, b_out): (u64, u64)) -> bool {
    a_in < b_out.max(b_in.saturating_add(1)) && b_in < a_out.max(a_in.saturating_add(1))
}

/// The last index built, for its library and `used.json`.
type KeptMarks = Option<((PathBuf, FileIdentity), Arc<Marks>)>;
static MARKS: Mutex<KeptMarks> = Mutex::new(None);

/// The used spans of the library in `library_dir`. Building them reads
/// `used.json`; the last one built is kept while the file stays the same
/// one (a change replaces it by a rename). No file: no marks.
pub fn marks(library_dir: &Path) -> Result<Arc<Marks>, UsedError> {
    let used = UsedCuts::open(library_dir);
    let Some(identity) = file_identity(&used.path()) else { return Ok(Arc::new(Marks::default())) };
    let key = (library_dir.to_path_buf(), identity);
    let mut kept = MARKS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((k, marks)) = kept.as_ref()
        && *k == key
    {
        return Ok(marks.clone());
    }
    let marks = Arc::new(Marks::new(&used.list()?));
    *kept = Some((key, marks.clone()));
    Ok(marks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(clip_id: &str, frames: (u64, u64), record_in: &str) -> UsedSpan {
        UsedSpan {
            clip_id: clip_id.to_string(),
            clip: clip_id.to_string(),
            in_frame: frames.0,
            out_frame: frames.1,
            source_in: String::new(),
            source_out: String::new(),
            event: 1,
            track: "V".to_string(),
            record_in: record_in.to_string(),
            record_out: String::new(),
        }
    }

    fn cut(name: &str, spans: Vec<UsedSpan>) -> UsedCut {
        UsedCut {
            name: name.to_string(),
            path: format!("/cuts/{name}.edl"),
            format: "edl".to_string(),
            read: "2026-03-20".to_string(),
            spans,
            unmatched: Vec::new(),
            skipped: Vec::new(),
        }
    }

    fn used(list: &[Used]) -> Vec<String> {
        list.iter().map(|u| format!("{}@{}", u.cut, u.record_in)).collect()
    }

    #[test]
    fn a_span_is_used_when_it_shares_a_frame() {
        let marks = Marks::new(&[
            cut("rough", vec![span("a", (10, 20), "01:00:00:00"), span("b", (0, 5), "01:00:00:10")]),
            cut("fine", vec![span("a", (15, 16), "01:00:04:00")]),
        ]);
        assert_eq!(used(&marks.of("a", Some((0, 10)))), Vec::<String>::new(), "ends where the span starts");
        assert_eq!(used(&marks.of("a", Some((19, 30)))), ["rough@01:00:00:00"]);
        assert_eq!(used(&marks.of("a", Some((12, 18)))), ["fine@01:00:04:00", "rough@01:00:00:00"]);
        assert_eq!(used(&marks.of("a", Some((20, 30)))), Vec::<String>::new(), "out is exclusive");
        assert_eq!(used(&marks.of("a", Some((15, 15)))), ["fine@01:00:04:00", "rough@01:00:00:00"], "a moment");
        assert_eq!(used(&marks.of("b", None)), ["rough@01:00:00:10"], "the whole clip");
        assert!(marks.of("c", None).is_empty());
    }

    #[test]
    fn a_name_read_again_replaces_its_cut_and_forget_removes_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = UsedCuts::open(dir.path());
        assert!(store.list().expect("empty").is_empty());
        assert!(store.replace(cut("rough", vec![span("a", (0, 5), "01:00:00:00")])).expect("kept").is_none());
        assert!(store.replace(cut("fine", vec![])).expect("kept").is_none());
        let old = store.replace(cut("rough", vec![span("b", (0, 5), "01:00:00:00")])).expect("kept");
        assert_eq!(old.map(|c| c.spans[0].clip_id.clone()), Some("a".to_string()));
        let names: Vec<String> = store.list().expect("list").iter().map(|c| c.name.clone()).collect();
        assert_eq!(names, ["rough", "fine"], "the replaced cut keeps its place");
        assert_eq!(used(&marks(dir.path()).expect("marks").of("b", None)), ["rough@01:00:00:00"]);
        assert!(marks(dir.path()).expect("marks").of("a", None).is_empty(), "the old cut's spans are gone");
        assert_eq!(store.forget("rough").expect("forgot").name, "rough");
        assert!(matches!(store.forget("rough"), Err(UsedError::NoCut(_))));
        assert!(marks(dir.path()).expect("marks").of("b", None).is_empty(), "a change is seen at once");
    }

    #[test]
    fn a_file_that_does_not_read_is_said_with_its_place_and_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = UsedCuts::open(dir.path());
        std::fs::write(store.path(), "{\"version\": 1,\n \"cuts\": [}").expect("write");
        let err = store.replace(cut("rough", vec![])).expect_err("corrupt").to_string();
        assert!(
            err.contains("used.json:2:") && err.contains("the cuts tracked kept in the library do not read"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(store.path()).expect("read"), "{\"version\": 1,\n \"cuts\": [}");
        std::fs::write(store.path(), "{\"version\": 9, \"cuts\": []}").expect("write");
        assert!(store.list().expect_err("version").to_string().contains("version 9"));
    }
}
