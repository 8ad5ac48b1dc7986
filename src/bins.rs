//! Selects bins: named, ordered lists of clip spans an editor collects
//! (a search hit, or a span trimmed in the player) and exports to the edit.
//!
//! Bins live in `LIBRARY/bins.json`, outside the tantivy index, so changing
//! a bin never takes the index's writer lock: a running server never blocks
//! `rushes ingest` or `import`, and an ingest never blocks a bin.
//!
//! Every change is one locked read-modify-write: an exclusive lock on
//! `LIBRARY/bins.lock`, read `bins.json`, apply the change, write it with
//! [`write_atomic`] (temporary file, fsync, rename, folder sync), unlock.
//! A kill loses at most the change under way, and two processes (the CLI
//! and a server) never lose each other's changes. A read takes no lock:
//! the rename is atomic, so it sees one whole version, and a library on a
//! read-only disk still lists its bins.
//!
//! A `bins.json` that does not read is reported with its line and column
//! and never overwritten: the editor's selects are not replaced by an
//! empty list.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::atomic::{JsonFault, read_json, with_lock, write_json};
use crate::clip::Clip;
use crate::date::iso_utc;
use crate::library::{IndexError, Library, QueryError};
use crate::timecode::{TcFormat, Timecode, TimecodeError};

const BINS_FILE: &str = "bins.json";
const LOCK_FILE: &str = "bins.lock";
/// The shape of `bins.json`; a file of another version is refused, never
/// rewritten.
const BINS_VERSION: u32 = 1;
/// The longest bin name, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// One bin: its name and its selects in the editor's order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bin {
    pub name: String,
    pub selects: Vec<BinSelect>,
}

/// One select in a bin: a span of a clip in the clip's own timecode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BinSelect {
    /// Unique within its bin and never reused, even after a removal.
    pub id: u64,
    pub clip_id: String,
    /// The clip's file name when it was added (for display).
    pub clip: String,
    /// The first frame's label, as the clip labels it (`;` for drop-frame).
    pub tc_in: String,
    /// The label of the frame after the last one (out is exclusive).
    pub tc_out: String,
    #[serde(default)]
    pub comment: Option<String>,
    /// The soundbite's speaker and words, when the caller gave them.
    #[serde(default)]
    pub speaker: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    /// When it was added: ISO 8601, UTC (`2026-03-14T13:05:09Z`).
    pub added: String,
}

/// A select to add: `tc_in` and `tc_out` (exclusive) in the clip's own
/// timecode; either separator is accepted and the stored labels are the
/// clip's (`;` before the frames of a drop-frame clip).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSelect {
    pub clip_id: String,
    pub tc_in: String,
    pub tc_out: String,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub speaker: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
}

/// A span of a clip: the labels in the clip's format and the frames from
/// its first frame (`out_frame` exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub tc_in: Timecode,
    pub tc_out: Timecode,
    pub in_frame: u64,
    pub out_frame: u64,
}

/// A select checked against the library: its clip and its span.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckedSelect {
    pub clip: Clip,
    pub span: Span,
}

/// Why a span does not fit its clip.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum SpanError {
    #[error(
        "{clip}: the clip has no frame rate, so a bin cannot hold its timecode; \
         give it one with `rushes set {clip} --fps RATE`, or put it in a selects CSV, which an export reads at the sequence's rate"
    )]
    NoRate { clip: String },
    #[error("{clip}: {field}: {error} (the clip runs at {rate})")]
    Timecode { clip: String, field: &'static str, error: TimecodeError, rate: String },
    #[error("{clip}: {field} {tc} is outside the clip ({start} - {end})")]
    Outside { clip: String, field: &'static str, tc: String, start: String, end: String },
    #[error("{clip}: tc_out {tc_out} must be after tc_in {tc_in}")]
    Empty { clip: String, tc_in: String, tc_out: String },
}

/// Why a bins call failed.
#[derive(Debug, Error)]
pub enum BinsError {
    #[error(
        "{}:{line}:{column}: the bins file does not read: {reason}; it is left as it is (fix it, or move it away to start again)",
        path.display()
    )]
    Corrupt { path: PathBuf, line: usize, column: usize, reason: String },
    #[error("{}: bins file version {found}, this rushes reads version {BINS_VERSION}; left as it is", path.display())]
    Version { path: PathBuf, found: u32 },
    /// The OS reason is part of the message, printed once.
    #[error("{}: {error}", path.display())]
    Io { path: PathBuf, error: io::Error },
    #[error("bin name {name:?}: {reason}")]
    BadName { name: String, reason: &'static str },
    #[error("no bin {0:?}")]
    NoBin(String),
    #[error("bin {bin:?} has no select {id}")]
    NoSelect { bin: String, id: u64 },
    #[error("no clip with id {0:?} in the library")]
    NoClip(String),
    #[error(transparent)]
    Span(#[from] SpanError),
    #[error("bin {bin:?}: the new order must list each of its {count} selects once: {problem}")]
    Order { bin: String, count: usize, problem: String },
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// What kind of failure a [`BinsError`] is, for a front end that maps
/// failures to statuses (HTTP 404, 400, 500).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinsErrorKind {
    /// No such bin, select or clip.
    NotFound,
    /// The request itself is wrong: a bad name, timecode, span or order.
    Invalid,
    /// The bins file or the library could not be read or written.
    Storage,
}

impl BinsError {
    pub fn kind(&self) -> BinsErrorKind {
        match self {
            BinsError::NoBin(_) | BinsError::NoSelect { .. } | BinsError::NoClip(_) => BinsErrorKind::NotFound,
            BinsError::BadName { .. } | BinsError::Span(_) | BinsError::Order { .. } => BinsErrorKind::Invalid,
            BinsError::Corrupt { .. }
            | BinsError::Version { .. }
            | BinsError::Io { .. }
            | BinsError::Query(_)
            | BinsError::Index(_) => BinsErrorKind::Storage,
        }
    }
}

/// `bins.json` as stored: each bin keeps the next id to give, so an id is
/// never reused within it.
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    version: u32,
    bins: Vec<StoredBin>,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredBin {
    name: String,
    next_id: u64,
    selects: Vec<BinSelect>,
}

impl StoredBin {
    fn bin(&self) -> Bin {
        Bin { name: self.name.clone(), selects: self.selects.clone() }
    }

    /// A fresh id: `next_id`, or past every id in the bin if a hand edit
    /// left `next_id` behind.
    fn take_id(&mut self) -> u64 {
        let past_all = self.selects.iter().map(|s| s.id.saturating_add(1)).max().unwrap_or(1);
        let id = self.next_id.max(past_all).max(1);
        self.next_id = id.saturating_add(1);
        id
    }

    fn select_mut(&mut self, id: u64) -> Result<&mut BinSelect, BinsError> {
        let bin = self.name.clone();
        self.selects.iter_mut().find(|s| s.id == id).ok_or(BinsError::NoSelect { bin, id })
    }
}

impl Stored {
    fn bin_mut(&mut self, name: &str) -> Result<&mut StoredBin, BinsError> {
        self.bins.iter_mut().find(|b| b.name == name).ok_or_else(|| BinsError::NoBin(name.to_string()))
    }
}

/// The bins of one library folder.
#[derive(Clone, Debug)]
pub struct Bins {
    dir: PathBuf,
}

impl Bins {
    /// The bins of the library at `library_dir` (nothing is read yet).
    pub fn open(library_dir: &Path) -> Bins {
        Bins { dir: library_dir.to_path_buf() }
    }

    /// `LIBRARY/bins.json`.
    pub fn path(&self) -> PathBuf {
        self.dir.join(BINS_FILE)
    }

    /// Every bin, in the order they were made.
    pub fn list(&self) -> Result<Vec<Bin>, BinsError> {
        Ok(self.read()?.bins.iter().map(StoredBin::bin).collect())
    }

    /// The bin called `name` (names are compared exactly).
    pub fn get(&self, name: &str) -> Result<Option<Bin>, BinsError> {
        Ok(self.read()?.bins.iter().find(|b| b.name == name).map(StoredBin::bin))
    }

    /// Adds a select at the end of bin `bin`, making the bin if needed.
    /// The clip must be in `lib` and the span inside it ([`check_select`]);
    /// the labels are stored as the clip writes them. Returns the select
    /// with its id.
    pub fn add(&self, lib: &Library, bin: &str, new: NewSelect) -> Result<BinSelect, BinsError> {
        check_name(bin)?;
        let CheckedSelect { clip, span } = check_select(lib, &new)?;
        let mut select = BinSelect {
            id: 0,
            clip_id: clip.id,
            clip: clip.name,
            tc_in: span.tc_in.to_string(),
            tc_out: span.tc_out.to_string(),
            comment: words(new.comment),
            speaker: words(new.speaker),
            text: words(new.text),
            added: iso_utc(unix_now()),
        };
        self.change(|stored| {
            let at = match stored.bins.iter().position(|b| b.name == bin) {
                Some(at) => at,
                None => {
                    stored.bins.push(StoredBin { name: bin.to_string(), next_id: 1, selects: Vec::new() });
                    stored.bins.len() - 1
                }
            };
            let target = &mut stored.bins[at];
            select.id = target.take_id();
            target.selects.push(select.clone());
            Ok(select)
        })
    }

    /// Removes select `id` from bin `bin`; its id is not given again.
    pub fn remove(&self, bin: &str, id: u64) -> Result<(), BinsError> {
        self.change(|stored| {
            let target = stored.bin_mut(bin)?;
            target.select_mut(id)?;
            target.selects.retain(|s| s.id != id);
            Ok(())
        })
    }

    /// Sets (or with `None` or blank text, clears) a select's comment.
    pub fn set_comment(&self, bin: &str, id: u64, comment: Option<String>) -> Result<BinSelect, BinsError> {
        self.change(|stored| {
            let select = stored.bin_mut(bin)?.select_mut(id)?;
            select.comment = words(comment);
            Ok(select.clone())
        })
    }

    /// Puts bin `bin`'s selects in the order `ids` gives: every one of its
    /// ids exactly once.
    pub fn reorder(&self, bin: &str, ids: &[u64]) -> Result<Bin, BinsError> {
        self.change(|stored| {
            let target = stored.bin_mut(bin)?;
            let mut reordered = Vec::with_capacity(ids.len());
            let mut unknown = Vec::new();
            let mut repeated = Vec::new();
            for &id in ids {
                match target.selects.iter().position(|s| s.id == id) {
                    Some(at) => reordered.push(target.selects.remove(at)),
                    None if reordered.iter().any(|s: &BinSelect| s.id == id) => repeated.push(id),
                    None => unknown.push(id),
                }
            }
            let missing: Vec<u64> = target.selects.iter().map(|s| s.id).collect();
            if !(missing.is_empty() && unknown.is_empty() && repeated.is_empty()) {
                let count = missing.len() + reordered.len();
                let problem = [("missing", missing), ("not in the bin", unknown), ("repeated", repeated)]
                    .into_iter()
                    .filter(|(_, ids)| !ids.is_empty())
                    .map(|(what, ids)| {
                        format!("{what} {}", ids.iter().map(u64::to_string).collect::<Vec<_>>().join(", "))
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                return Err(BinsError::Order { bin: bin.to_string(), count, problem });
            }
            target.selects = reordered;
            Ok(target.bin())
        })
    }

    /// Deletes bin `bin` and its selects (never a clip or a file).
    pub fn delete_bin(&self, bin: &str) -> Result<(), BinsError> {
        self.change(|stored| {
            stored.bin_mut(bin)?;
            stored.bins.retain(|b| b.name != bin);
            Ok(())
        })
    }

    /// Reads `bins.json`: no file is no bins; a file that does not read is
    /// an error with its line and column.
    fn read(&self) -> Result<Stored, BinsError> {
        let path = self.path();
        let stored = match read_json::<Stored>(&path) {
            Ok(Some(stored)) => stored,
            Ok(None) => return Ok(Stored { version: BINS_VERSION, bins: Vec::new() }),
            Err(JsonFault::Io(error)) => return Err(BinsError::Io { path, error }),
            Err(JsonFault::Corrupt { line, column, reason }) => {
                return Err(BinsError::Corrupt { path, line, column, reason });
            }
        };
        if stored.version != BINS_VERSION {
            return Err(BinsError::Version { path, found: stored.version });
        }
        Ok(stored)
    }

    /// One change under the lock: read, `apply`, write atomically. Nothing
    /// is written when `apply` (or the read) fails.
    fn change<T>(&self, apply: impl FnOnce(&mut Stored) -> Result<T, BinsError>) -> Result<T, BinsError> {
        let lock_path = self.dir.join(LOCK_FILE);
        let io_at = |path: PathBuf| move |error| BinsError::Io { path: path.clone(), error };
        with_lock(&lock_path, io_at(lock_path.clone()), || {
            let mut stored = self.read()?;
            let out = apply(&mut stored)?;
            let path = self.path();
            write_json(&path, &stored).map_err(io_at(path))?;
            Ok(out)
        })
    }
}

/// Refuses a bin name a user could not type back or a URL could not hold
/// as one path segment: 1 to 80 characters, not only spaces, no control
/// characters, no `/`.
pub fn check_name(name: &str) -> Result<(), BinsError> {
    let bad = |reason| Err(BinsError::BadName { name: name.to_string(), reason });
    if name.trim().is_empty() {
        return bad("a bin needs a name");
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return bad("longer than 80 characters");
    }
    if name.chars().any(char::is_control) {
        return bad("control characters (line breaks, tabs) are not allowed");
    }
    if name.contains('/') {
        return bad("'/' is not allowed");
    }
    Ok(())
}

/// Checks a select against the library as of its last commit: the clip
/// exists and has frames, both labels read in the clip's format, and the
/// span is inside the clip and not empty.
pub fn check_select(lib: &Library, new: &NewSelect) -> Result<CheckedSelect, BinsError> {
    lib.reload()?;
    let clip = lib.clip(new.clip_id.trim())?.ok_or_else(|| BinsError::NoClip(new.clip_id.clone()))?;
    let span = clip_span(&clip, &new.tc_in, &new.tc_out)?;
    Ok(CheckedSelect { clip, span })
}

/// The span `tc_in`..`tc_out` (exclusive) of `clip`, labels read in the
/// clip's own format (either separator), inside the clip and not empty.
///
/// A clip without a frame rate (a memo, an MP3) has no labels of its own,
/// and a bin has no rate to read them at: a label typed at 25 fps names
/// another instant in a 29.97 sequence. So such a clip cannot be binned
/// (`NoRate`); an export places it at the sequence's rate instead, and
/// `rushes set CLIP --fps` gives it a rate to bin it at.
pub fn clip_span(clip: &Clip, tc_in: &str, tc_out: &str) -> Result<Span, SpanError> {
    let (Some(start), Some(n_frames)) = (clip.start(), clip.n_frames) else {
        return Err(SpanError::NoRate { clip: clip.name.clone() });
    };
    span_at(&clip.name, start, n_frames, tc_in, tc_out)
}

/// The span `tc_in`..`tc_out` (exclusive) of the clip `name` that starts at
/// `start` and is `n_frames` long, labels read in `start`'s format (either
/// separator), inside the clip and not empty.
pub fn span_at(name: &str, start: Timecode, n_frames: u64, tc_in: &str, tc_out: &str) -> Result<Span, SpanError> {
    let format = start.format();
    let name = || name.to_string();
    let end = start.add_frames(n_frames);
    let label = |field: &'static str, text: &str| {
        Timecode::parse_in(text.trim(), format).map_err(|error| SpanError::Timecode {
            clip: name(),
            field,
            error,
            rate: rate_label(format),
        })
    };
    let (tc_in, tc_out) = (label("tc_in", tc_in)?, label("tc_out", tc_out)?);
    let (in_frame, out_frame) = (tc_in.frames_since(start), tc_out.frames_since(start));
    let outside = |field, tc: Timecode| SpanError::Outside {
        clip: name(),
        field,
        tc: tc.to_string(),
        start: start.to_string(),
        end: end.to_string(),
    };
    if in_frame >= n_frames {
        return Err(outside("tc_in", tc_in));
    }
    if out_frame > n_frames {
        return Err(outside("tc_out", tc_out));
    }
    if out_frame <= in_frame {
        return Err(SpanError::Empty { clip: name(), tc_in: tc_in.to_string(), tc_out: tc_out.to_string() });
    }
    Ok(Span { tc_in, tc_out, in_frame, out_frame })
}

/// `25 fps`, `29.97 fps DF`.
fn rate_label(format: TcFormat) -> String {
    let df = if format.is_drop_frame() { " DF" } else { "" };
    format!("{} fps{df}", format.rate().label())
}

/// Text as kept: trimmed, and blank text is no text.
fn words(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A library holding two clips: `HERON01.MOV` at 25 fps from
    /// 10:00:00:00 for 100 frames, and `OWL01.MOV` at 29.97 DF from
    /// 00:00:59;28 for 300 frames (across a dropped minute).
    fn library() -> (tempfile::TempDir, Library) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let lib = Library::open_or_create(dir.path()).unwrap_or_else(|e| panic!("create: {e}"));
        let clip = |id: &str, name: &str, fps: &str, rate: &str, df: bool, start: &str, end: &str, n: u64| {
            let json = serde_json::json!({
                "id": id, "path": format!("/shoot/{name}"), "rel_path": name, "root": "/shoot", "name": name,
                "camera": "A", "reel": null, "day": "2026-03-14", "container": "mov", "duration_s": 4.0,
                "n_frames": n, "fps": fps, "rate": rate, "drop_frame": df, "start_tc": start, "end_tc": end,
                "start_tc_source": "tmcd", "video": null, "audio": null, "size": 1, "mtime_ns": 0, "offline": false
            });
            serde_json::from_value::<Clip>(json).unwrap_or_else(|e| panic!("clip record: {e}"))
        };
        let heron = clip("00000000000000aa", "HERON01.MOV", "25", "25/1", false, "10:00:00:00", "10:00:04:00", 100);
        let owl = clip("00000000000000bb", "OWL01.MOV", "29.97", "30000/1001", true, "00:00:59;28", "00:01:09;28", 300);
        let mut writer = lib.writer().unwrap_or_else(|e| panic!("writer: {e}"));
        let written = writer.put_clip(&heron).and_then(|()| writer.put_clip(&owl)).and_then(|()| writer.commit());
        written.unwrap_or_else(|e| panic!("commit: {e}"));
        drop(writer);
        (dir, lib)
    }

    fn new(clip_id: &str, tc_in: &str, tc_out: &str) -> NewSelect {
        NewSelect { clip_id: clip_id.into(), tc_in: tc_in.into(), tc_out: tc_out.into(), ..NewSelect::default() }
    }

    fn heron(tc_in: &str, tc_out: &str) -> NewSelect {
        new("00000000000000aa", tc_in, tc_out)
    }

    fn ids(bin: &Bin) -> Vec<u64> {
        bin.selects.iter().map(|s| s.id).collect()
    }

    fn ok<T>(r: Result<T, BinsError>) -> T {
        r.unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn add_remove_reorder_comment_delete() {
        let (dir, lib) = library();
        let bins = Bins::open(dir.path());
        assert_eq!(ok(bins.list()), Vec::new(), "no file is no bins");

        let mut first = heron("10:00:00:10", "10:00:01:00");
        first.comment = Some("  lovely  ".into());
        first.speaker = Some("Maria".into());
        first.text = Some("A heron rose.".into());
        let a = ok(bins.add(&lib, "Act 1", first));
        assert_eq!(
            (a.id, a.clip.as_str(), a.tc_in.as_str(), a.tc_out.as_str()),
            (1, "HERON01.MOV", "10:00:00:10", "10:00:01:00")
        );
        assert_eq!(
            (a.comment.as_deref(), a.speaker.as_deref(), a.text.as_deref()),
            (Some("lovely"), Some("Maria"), Some("A heron rose."))
        );
        assert!(a.added.ends_with('Z') && a.added.len() == 20, "{}", a.added);
        let b = ok(bins.add(&lib, "Act 1", heron("10:00:02:00", "10:00:04:00")));
        let c = ok(bins.add(&lib, "Act 1", heron("10:00:00:00", "10:00:00:01")));
        ok(bins.add(&lib, "Act 2", heron("10:00:00:00", "10:00:01:00")));
        assert_eq!((b.id, c.id), (2, 3));

        let bin = ok(bins.reorder("Act 1", &[3, 1, 2]));
        assert_eq!(ids(&bin), [3, 1, 2]);
        assert_eq!(ok(bins.get("Act 1")).map(|b| ids(&b)), Some(vec![3, 1, 2]), "the order is stored");

        let commented = ok(bins.set_comment("Act 1", 2, Some("use the end".into())));
        assert_eq!(commented.comment.as_deref(), Some("use the end"));
        assert_eq!(ok(bins.set_comment("Act 1", 2, Some("   ".into()))).comment, None, "blank clears");

        ok(bins.remove("Act 1", 1));
        assert_eq!(ok(bins.get("Act 1")).map(|b| ids(&b)), Some(vec![3, 2]));
        assert!(matches!(bins.remove("Act 1", 1), Err(BinsError::NoSelect { id: 1, .. })));
        assert!(matches!(bins.remove("Act 9", 1), Err(BinsError::NoBin(_))));

        let names: Vec<String> = ok(bins.list()).into_iter().map(|b| b.name).collect();
        assert_eq!(names, ["Act 1", "Act 2"], "creation order");
        ok(bins.delete_bin("Act 1"));
        assert_eq!(ok(bins.get("Act 1")), None);
        assert!(matches!(bins.delete_bin("Act 1"), Err(BinsError::NoBin(_))));
        assert_eq!(ok(bins.list()).len(), 1);
    }

    #[test]
    fn ids_are_never_reused() {
        let (dir, lib) = library();
        let bins = Bins::open(dir.path());
        for _ in 0..3 {
            ok(bins.add(&lib, "b", heron("10:00:00:00", "10:00:01:00")));
        }
        ok(bins.remove("b", 3));
        ok(bins.remove("b", 2));
        assert_eq!(ok(bins.add(&lib, "b", heron("10:00:00:00", "10:00:01:00"))).id, 4);
    }

    #[test]
    fn a_reorder_must_be_a_permutation() {
        let (dir, lib) = library();
        let bins = Bins::open(dir.path());
        for _ in 0..3 {
            ok(bins.add(&lib, "b", heron("10:00:00:00", "10:00:01:00")));
        }
        for (order, want) in [
            (vec![1, 2], "missing 3"),
            (vec![1, 2, 3, 4], "not in the bin 4"),
            (vec![1, 2, 2, 3], "repeated 2"),
            (vec![1, 1, 9], "missing 2, 3; not in the bin 9; repeated 1"),
        ] {
            let err = bins.reorder("b", &order).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.contains(want) && err.contains("its 3 selects"), "{order:?}: {err}");
        }
        assert_eq!(ok(bins.get("b")).map(|b| ids(&b)), Some(vec![1, 2, 3]), "unchanged");
    }

    #[test]
    fn validation() {
        let (dir, lib) = library();
        let bins = Bins::open(dir.path());
        let err = |bin: &str, s: NewSelect| bins.add(&lib, bin, s).err().map(|e| (e.kind(), e.to_string()));
        let invalid = |bin: &str, s: NewSelect, want: &str| {
            let got = err(bin, s);
            assert!(matches!(&got, Some((BinsErrorKind::Invalid, m)) if m.contains(want)), "{want}: {got:?}");
        };
        assert!(matches!(err("b", new("nope", "10:00:00:00", "10:00:01:00")), Some((BinsErrorKind::NotFound, _))));
        invalid("b", heron("10:00:00", "10:00:01:00"), "tc_in: timecode \"10:00:00\": expected HH:MM:SS:FF");
        invalid("b", heron("10:00:00:25", "10:00:01:00"), "(the clip runs at 25 fps)");
        invalid(
            "b",
            heron("09:59:59:24", "10:00:01:00"),
            "tc_in 09:59:59:24 is outside the clip (10:00:00:00 - 10:00:04:00)",
        );
        invalid("b", heron("10:00:04:00", "10:00:04:01"), "tc_in 10:00:04:00 is outside");
        invalid("b", heron("10:00:00:00", "10:00:04:01"), "tc_out 10:00:04:01 is outside");
        invalid("b", heron("10:00:01:00", "10:00:01:00"), "tc_out 10:00:01:00 must be after tc_in 10:00:01:00");
        invalid("b", heron("10:00:02:00", "10:00:01:00"), "must be after");
        let owl = "00000000000000bb";
        invalid("b", new(owl, "00:01:00;00", "00:01:01;00"), "not a drop-frame label");
        for name in ["", "   ", "a/b", "tab\there", &"x".repeat(81)] {
            invalid(name, heron("10:00:00:00", "10:00:01:00"), "bin name");
        }
        assert_eq!(ok(bins.list()), Vec::new(), "nothing was stored");

        // Either separator is read; the clip's own labels are stored.
        let df = ok(bins.add(&lib, "b", new(owl, "00:01:00:02", "00:01:01:00")));
        assert_eq!((df.tc_in.as_str(), df.tc_out.as_str()), ("00:01:00;02", "00:01:01;00"));
        let ndf = ok(bins.add(&lib, "é".repeat(80).as_str(), heron(" 10:00:00;05 ", "10:00:04:00")));
        assert_eq!((ndf.tc_in.as_str(), ndf.tc_out.as_str()), ("10:00:00:05", "10:00:04:00"), "out may be the end");
    }

    #[test]
    fn a_corrupt_file_is_reported_and_left_alone() {
        let (dir, lib) = library();
        let bins = Bins::open(dir.path());
        let bad = "{\n  \"version\": 1,\n  \"bins\": [ {\"name\": \"x\",, } ]\n}\n";
        std::fs::write(bins.path(), bad).unwrap_or_else(|e| panic!("write: {e}"));
        let msg = bins.list().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("bins.json:3:") && msg.contains("does not read") && !msg.contains(" at line "), "{msg}");
        let added = bins.add(&lib, "b", heron("10:00:00:00", "10:00:01:00"));
        assert!(matches!(added, Err(BinsError::Corrupt { line: 3, .. })), "{added:?}");
        assert!(matches!(bins.delete_bin("x"), Err(BinsError::Corrupt { .. })));
        assert_eq!(std::fs::read_to_string(bins.path()).ok().as_deref(), Some(bad), "not overwritten");

        std::fs::write(bins.path(), r#"{"version": 2, "bins": []}"#).unwrap_or_else(|e| panic!("write: {e}"));
        assert!(matches!(
            bins.add(&lib, "b", heron("10:00:00:00", "10:00:01:00")),
            Err(BinsError::Version { found: 2, .. })
        ));
    }

    /// Eight threads, each with its own handles (as two processes would
    /// have), add at once: the lock keeps every add.
    #[test]
    fn concurrent_adds_all_land() {
        let (dir, _lib) = library();
        let path = Arc::new(dir.path().to_path_buf());
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let path = Arc::clone(&path);
                std::thread::spawn(move || {
                    let lib = Library::open(&path).unwrap_or_else(|e| panic!("open: {e}"));
                    let bins = Bins::open(&path);
                    for i in 0..5 {
                        let mut s = heron("10:00:00:00", "10:00:01:00");
                        s.comment = Some(format!("{t}-{i}"));
                        ok(bins.add(&lib, "shared", s));
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap_or_else(|_| panic!("a thread panicked"));
        }
        let bin = ok(Bins::open(&path).get("shared")).unwrap_or_else(|| panic!("the bin"));
        let mut got = ids(&bin);
        got.sort_unstable();
        assert_eq!(got, (1..=40).collect::<Vec<u64>>());
        let mut comments: Vec<String> = bin.selects.into_iter().filter_map(|s| s.comment).collect();
        comments.sort();
        comments.dedup();
        assert_eq!(comments.len(), 40);
    }
}
