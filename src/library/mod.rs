//! The library: an embedded folder (no server) holding the catalog and the
//! search index. `library.json` records the schema version so a library
//! made by another version of rushes is recognised before it is misread.
//!
//! Layout:
//! ```text
//! rushes-library/
//!   library.json   {"schema_version": N}
//!   index/         tantivy index; every document stores its record
//!   bins.json      selects bins, outside the index (`crate::bins`)
//!   bins.lock      held while a bin changes
//!   proxies/       browser proxies (`crate::proxy`)
//! ```
//!
//! Only this module knows the storage schema (`schema.rs`): document kinds,
//! keys and the JSON records; the rest of the crate reads and writes typed
//! values through [`Library`], [`Writer`] and [`Snapshot`].

mod analysis;
mod directory;
mod index;
mod migrate;
mod prefix;
mod query;
mod schema;
mod span;
mod store;

use crate::atomic::write_atomic;
use std::fs;
use std::path::{Path, PathBuf};

pub use index::{IndexError, Snapshot, Transcript, Writer};
pub use migrate::Migration;
pub use query::{Filters, HitRecord, Page, Prepared, QueryError, QueryWord, RawHit, SearchSpec};
pub use schema::{DocKind, Key, PairRecord, source_id};

use crate::clip::{Clip, Segment};
use index::{ClipIndex, Open};

/// Bumped whenever the index schema or record shape changes incompatibly.
/// A bump needs a migration from the previous version (`migrate.rs`), and
/// a `fixtures/library-vN/` made by the old binary with a test like
/// `tests/compat.rs` that opens it: `fixtures/library-v3/` and
/// `fixtures/library-v4/` and `fixtures/library-v5/` are converted to 6
/// when first opened (5 added the transcript language and the analysis of
/// every script; 6 marks each cue's start and end in place of the words
/// around each cue boundary).
pub const SCHEMA_VERSION: u32 = 6;
const META_FILE: &str = "library.json";

/// Why the library could not be used.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("no library at {0} (run `rushes ingest DIR` to make one, or pass --library)")]
    Missing(PathBuf),
    #[error("{0} is a file, not a library folder (choose another --library)")]
    NotAFolder(PathBuf),
    /// The OS reason is part of the message, not a separate cause, so it
    /// is printed once.
    #[error("{path}: {error}")]
    Io { path: PathBuf, error: std::io::Error },
    #[error(
        "library {path} has schema version {found}, this rushes reads version {expected}; \
         re-ingest into a new library (--library NEW_DIR)"
    )]
    Version { path: PathBuf, found: u32, expected: u32 },
    #[error("{path}: library.json is unreadable: {reason}")]
    Meta { path: PathBuf, reason: String },
    #[error(transparent)]
    Index(#[from] IndexError),
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Meta {
    schema_version: u32,
}

/// An open library.
pub struct Library {
    pub dir: PathBuf,
    index: ClipIndex,
    /// Set when this open converted a library made by an older rushes.
    migrated: Option<Migration>,
    /// Clips decoded for hits, for the commit the search reader reads.
    clips: std::sync::Mutex<ClipMemo>,
}

/// Clips decoded from their records, for one commit. Decoding a clip's
/// JSON took a tenth of a warm 20-hit search (up to 50 clips a search with
/// ties); a clone is a few allocations. Bounded by count: a clip is a few
/// KB in memory, and a server that reads more than `CLIP_MEMO` of them
/// starts again.
#[derive(Default)]
struct ClipMemo {
    generation: u64,
    map: std::collections::HashMap<String, Option<Clip>>,
}

const CLIP_MEMO: usize = 4096;

impl ClipMemo {
    fn get(&mut self, generation: u64, clip_id: &str) -> Option<Option<Clip>> {
        if self.generation != generation {
            self.generation = generation;
            self.map.clear();
        }
        self.map.get(clip_id).cloned()
    }

    fn insert(&mut self, generation: u64, clip_id: &str, clip: &Option<Clip>) {
        if self.generation != generation {
            return;
        }
        if self.map.len() >= CLIP_MEMO {
            self.map.clear();
        }
        self.map.insert(clip_id.to_string(), clip.clone());
    }
}

impl Library {
    /// Opens an existing library for reading.
    pub fn open(dir: &Path) -> Result<Library, LibraryError> {
        Library::open_with(dir, &crate::progress::NoProgress)
    }

    /// Opens an existing library; a conversion from an older schema
    /// reports its progress (transcripts and cues indexed again).
    pub fn open_with(dir: &Path, progress: &dyn crate::progress::Progress) -> Result<Library, LibraryError> {
        let meta_path = dir.join(META_FILE);
        if !meta_path.exists() {
            return Err(LibraryError::Missing(dir.to_path_buf()));
        }
        let found = read_version(&meta_path)?;
        migrate::recover(dir, found == SCHEMA_VERSION)?;
        let migrated = match found {
            SCHEMA_VERSION => None,
            3 => Some(migrate::from_v3(dir, &meta_path, SCHEMA_VERSION)?),
            4 | 5 => Some(migrate::reindex(dir, &meta_path, found, SCHEMA_VERSION, progress)?),
            found => {
                return Err(LibraryError::Version { path: dir.to_path_buf(), found, expected: SCHEMA_VERSION });
            }
        };
        let index = ClipIndex::open(&dir.join("index"), Open::Existing)?;
        Ok(Library { dir: dir.to_path_buf(), index, migrated, clips: Default::default() })
    }

    /// Opens the library, creating it on first use.
    pub fn open_or_create(dir: &Path) -> Result<Library, LibraryError> {
        Library::open_or_create_with(dir, &crate::progress::NoProgress)
    }

    /// Opens the library, creating it on first use; a conversion from an
    /// older schema reports its progress.
    pub fn open_or_create_with(dir: &Path, progress: &dyn crate::progress::Progress) -> Result<Library, LibraryError> {
        let meta_path = dir.join(META_FILE);
        if meta_path.exists() {
            return Library::open_with(dir, progress);
        }
        if dir.exists() && !dir.is_dir() {
            // create_dir_all would only say "File exists".
            return Err(LibraryError::NotAFolder(dir.to_path_buf()));
        }
        let io = |error| LibraryError::Io { path: dir.to_path_buf(), error };
        fs::create_dir_all(dir).map_err(io)?;
        let index = ClipIndex::open(&dir.join("index"), Open::OrCreate)?;
        // The version file is written last and atomically: a library whose
        // creation was interrupted is simply created again.
        write_meta(&meta_path, SCHEMA_VERSION)?;
        Ok(Library { dir: dir.to_path_buf(), index, migrated: None, clips: Default::default() })
    }

    /// What opening this library converted, when it was made by an older
    /// rushes (say it to the user).
    pub fn migrated(&self) -> Option<&Migration> {
        self.migrated.as_ref()
    }

    /// Takes the single writer lock; a second ingest or import gets
    /// [`IndexError::Busy`] at once (it does not wait).
    pub fn writer(&self) -> Result<Writer, IndexError> {
        self.index.writer()
    }

    /// A consistent view of the last commit, for many reads in a row.
    pub fn snapshot(&self) -> Result<Snapshot, IndexError> {
        self.index.snapshot()
    }

    /// Every clip record in the last commit.
    pub fn clips(&self) -> Result<Vec<Clip>, IndexError> {
        self.snapshot()?.clips()
    }

    /// A speaker's transcript cues: the name as the first of them writes
    /// it and how many there are; `None` when no cue has that speaker.
    /// The name is compared whole and case-insensitively, as the
    /// `speaker:` filter compares it.
    pub fn speaker_cues(&self, name: &str) -> Result<Option<(String, usize)>, IndexError> {
        self.index.speaker_cues(name)
    }

    /// Makes searches see the last commit now (each search also does so
    /// as it begins).
    pub fn reload(&self) -> Result<(), IndexError> {
        self.index.reload()
    }

    /// The clip with this id, as of the commit the search under way reads
    /// (see [`Library::prepare`]); a fresh read is [`Library::snapshot`]'s.
    pub fn clip(&self, clip_id: &str) -> Result<Option<Clip>, QueryError> {
        let generation = self.index.searcher()?.generation().generation_id();
        let memo = || self.clips.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(known) = memo().get(generation, clip_id) {
            return Ok(known);
        }
        let clip = self.record_by_key(&Key::clip(clip_id))?;
        memo().insert(generation, clip_id, &clip);
        Ok(clip)
    }

    /// The clips `clip_ids` name, in their order. When more than one is not
    /// cached yet (a page of hits in a short process names tens of clips,
    /// each a read of the catalog's store), they are read side by side on
    /// the search threads.
    pub fn clips_by_id(&self, clip_ids: &[&str]) -> Result<Vec<Option<Clip>>, QueryError> {
        let generation = self.index.searcher()?.generation().generation_id();
        let unread = clip_ids.iter().filter(|id| !self.index.has_record(generation, Key::clip(id).as_str())).count();
        if unread > 1 {
            self.index.map(|id| self.clip(id), clip_ids.to_vec(), |_| 0)
        } else {
            clip_ids.iter().map(|id| self.clip(id)).collect()
        }
    }

    /// Cue `n` of transcript `source_id`, as of the commit the search under
    /// way reads (its context cues).
    pub fn segment(&self, source_id: &str, n: usize) -> Result<Option<Segment>, QueryError> {
        let Some(bytes) = self.index.cue_chunk(source_id, n)? else { return Ok(None) };
        Ok(store::Stored::parse(&bytes)?.segment(n)?)
    }

    /// The segment a pair names (see [`PairRecord`]), as of the commit the
    /// search under way reads.
    pub fn segment_at(&self, key: &Key) -> Result<Option<Segment>, QueryError> {
        match key.as_segment() {
            Some((source_id, n)) => self.segment(source_id, n),
            None => Ok(None),
        }
    }
}

fn read_version(meta_path: &Path) -> Result<u32, LibraryError> {
    let bytes = fs::read(meta_path).map_err(|error| LibraryError::Io { path: meta_path.to_path_buf(), error })?;
    let meta: Meta = serde_json::from_slice(&bytes)
        .map_err(|e| LibraryError::Meta { path: meta_path.to_path_buf(), reason: e.to_string() })?;
    Ok(meta.schema_version)
}

/// Writes `library.json` atomically: it is the last step of making or
/// converting a library.
fn write_meta(meta_path: &Path, version: u32) -> Result<(), LibraryError> {
    let json = serde_json::to_vec_pretty(&Meta { schema_version: version }).unwrap_or_default();
    write_atomic(meta_path, &json).map_err(|error| LibraryError::Io { path: meta_path.to_path_buf(), error })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clip::Segment;

    /// A clip and one of its cues as `clips --json` and `show --json` write
    /// them (the JSON contracts, so the test does not depend on how the
    /// types are built).
    fn clip_and_cue(text: &str) -> (Clip, Segment) {
        let clip = serde_json::json!({
            "id": "00000000000000aa", "path": "/shoot/A001/HERON01.MOV", "rel_path": "A001/HERON01.MOV",
            "root": "/shoot", "name": "HERON01.MOV", "camera": "A", "reel": "A001", "day": "2026-03-14",
            "container": "mov", "duration_s": 2.0, "n_frames": 50, "fps": "25", "rate": "25/1",
            "drop_frame": false, "start_tc": "10:00:00:00", "end_tc": "10:00:02:00", "start_tc_source": "tmcd",
            "video": null, "audio": null, "size": 1, "mtime_ns": 0, "offline": false
        });
        let cue = serde_json::json!({
            "clip_id": "00000000000000aa", "source": "/shoot/A001/HERON01.srt", "line": 1, "n": 0,
            "offset_in_s": 0.5, "offset_out_s": 1.5, "frame_in": 12, "frame_out": 37,
            "tc_in": "10:00:00:12", "tc_out": "10:00:01:12", "speaker": null, "text": text
        });
        match (serde_json::from_value(clip), serde_json::from_value(cue)) {
            (Ok(clip), Ok(cue)) => (clip, cue),
            (clip, cue) => panic!("fixture records do not parse: {:?} {:?}", clip.err(), cue.err()),
        }
    }

    fn count(lib: &Library, query: &str) -> usize {
        let spec = SearchSpec { query: query.into(), ..SearchSpec::default() };
        lib.prepare(&spec).and_then(|p| lib.find(&p, 1)).map(|p| p.total).unwrap_or_else(|e| panic!("{query}: {e}"))
    }

    /// Writes transcripts of `(speaker, text)` cues on one clip, one
    /// transcript per entry, in one commit.
    fn library_of(dir: &Path, transcripts: &[Vec<(&str, &str)>]) -> Library {
        let lib = Library::open_or_create(dir).unwrap_or_else(|e| panic!("create: {e}"));
        let (clip, template) = clip_and_cue("");
        let mut writer = lib.writer().unwrap_or_else(|e| panic!("writer: {e}"));
        writer.put_clip(&clip).unwrap_or_else(|e| panic!("clip: {e}"));
        for (t, cues) in transcripts.iter().enumerate() {
            let path = format!("/shoot/A001/HERON01.{t}.srt");
            let segments: Vec<Segment> = cues
                .iter()
                .enumerate()
                .map(|(n, (speaker, text))| Segment {
                    source: path.clone(),
                    n,
                    line: n * 4 + 1,
                    speaker: Some(speaker.to_string()),
                    text: text.to_string(),
                    ..template.clone()
                })
                .collect();
            let timed: Vec<crate::transcript::Cue> = segments
                .iter()
                .map(|s| crate::transcript::Cue::timed(500, 1500, s.text.clone(), s.speaker.clone(), s.line))
                .collect();
            let transcript = Transcript {
                path: &path,
                format: None,
                language: Some("en"),
                cues: &timed,
                placed: Some((&clip, &segments)),
            };
            writer
                .put_transcript(&source_id(&path), &serde_json::json!({}), &transcript)
                .unwrap_or_else(|e| panic!("transcript: {e}"));
        }
        writer.commit().unwrap_or_else(|e| panic!("commit: {e}"));
        lib
    }

    /// The hits of `query` (with `speaker` as a filter): each a cue
    /// number, or two for a boundary.
    fn hits(lib: &Library, query: &str, speaker: Option<&str>) -> Vec<Vec<usize>> {
        let filters = Filters { speaker: speaker.map(str::to_string), ..Filters::default() };
        let spec = SearchSpec { query: query.into(), filters, ..SearchSpec::default() };
        hits_of(lib, &spec, 100)
    }

    /// The hits of `spec`, at most `limit`, as [`hits`] gives them.
    fn hits_of(lib: &Library, spec: &SearchSpec, limit: usize) -> Vec<Vec<usize>> {
        let query = &spec.query;
        let page = lib.prepare(spec).and_then(|p| lib.find(&p, limit)).unwrap_or_else(|e| panic!("{query}: {e}"));
        assert_eq!(page.total, page.hits.len(), "{query}");
        let n = |key: &Key| key.as_str().rsplit(':').next().and_then(|n| n.parse().ok()).unwrap_or(usize::MAX);
        let mut out: Vec<Vec<usize>> = page
            .hits
            .iter()
            .map(|h| match &h.record {
                HitRecord::Segment(s) => vec![s.n],
                HitRecord::Pair(p) => vec![n(&p.first), n(&p.second)],
                other => panic!("{query}: not a cue: {other:?}"),
            })
            .collect();
        out.sort();
        out
    }

    /// Clips read side by side come back in the order asked, an unknown
    /// id as none, and the same once they are cached.
    #[test]
    fn clips_read_side_by_side_answer_in_the_order_asked() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let lib = Library::open_or_create(dir.path()).unwrap_or_else(|e| panic!("create: {e}"));
        let (template, _) = clip_and_cue("");
        let mut writer = lib.writer().unwrap_or_else(|e| panic!("writer: {e}"));
        let ids: Vec<String> = (0..12).map(|i| format!("{i:016x}")).collect();
        for id in &ids {
            let clip = Clip { id: id.clone(), name: format!("C{id}.MOV"), ..template.clone() };
            writer.put_clip(&clip).unwrap_or_else(|e| panic!("clip: {e}"));
        }
        writer.commit().unwrap_or_else(|e| panic!("commit: {e}"));
        let asked = [ids[7].as_str(), "ffffffffffffffff", ids[0].as_str(), ids[11].as_str(), ids[7].as_str()];
        let read = lib.clips_by_id(&asked).unwrap_or_else(|e| panic!("clips: {e}"));
        let names: Vec<Option<String>> = read.into_iter().map(|c| c.map(|c| c.name)).collect();
        let want = |i: usize| Some(format!("C{}.MOV", ids[i]));
        assert_eq!(names, vec![want(7), None, want(0), want(11), want(7)]);
        // Read again, from the cache on this thread: the same answers.
        let again = lib.clips_by_id(&asked).unwrap_or_else(|e| panic!("clips again: {e}"));
        assert_eq!(again.into_iter().map(|c| c.map(|c| c.name)).collect::<Vec<_>>(), names);
    }

    /// Words that two neighbouring cues hold between them are found there
    /// when one of them is in most cues: its cues are read as bits once
    /// they are many, and none is lost on the way.
    #[test]
    fn words_across_a_boundary_are_found_beside_a_word_in_most_cues() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let texts: Vec<String> = (0..3000)
            .map(|n| match n {
                1500 => "the heron landed".to_string(),
                _ if n % 3 == 0 => format!("filler{n} said"),
                _ => format!("echo{} echo said", n % 7),
            })
            .collect();
        let cues: Vec<(&str, &str)> = texts.iter().map(|t| ("TOM", t.as_str())).collect();
        let lib = library_of(dir.path(), &[cues]);
        assert_eq!(count(&lib, "echo"), 2000);
        assert_eq!(hits(&lib, "echo heron", None), vec![vec![1499, 1500], vec![1500, 1501]]);
        assert_eq!(hits(&lib, "heron filler2997", None), Vec::<Vec<usize>>::new());
    }

    /// A phrase that most cues hold alone is still found across the one
    /// boundary where neither cue holds it, and not at a boundary where a
    /// cue holds it: the matches are listed until they are many, then
    /// kept as bits, and none is lost on the way.
    #[test]
    fn a_phrase_across_a_boundary_is_found_beside_cues_that_hold_it_alone() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let texts: Vec<String> = (0..3000)
            .map(|n| match n {
                1500 => "the heron echo".to_string(),
                1501 => "said the crane".to_string(),
                2100 => "a heron echo".to_string(),
                2101 => "said and echo said".to_string(),
                _ if n % 3 == 0 => format!("filler{n} said"),
                _ => format!("echo{} echo said", n % 7),
            })
            .collect();
        let cues: Vec<(&str, &str)> = texts.iter().map(|t| ("TOM", t.as_str())).collect();
        let lib = library_of(dir.path(), &[cues]);
        let spec = SearchSpec { query: "\"echo said\"".into(), ..SearchSpec::default() };
        let page = lib.prepare(&spec).and_then(|p| lib.find(&p, 3000)).unwrap_or_else(|e| panic!("find: {e}"));
        let n = |key: &Key| key.as_str().rsplit(':').next().and_then(|n| n.parse().ok()).unwrap_or(usize::MAX);
        let mut pairs = Vec::new();
        let mut alone = 0;
        for h in &page.hits {
            match &h.record {
                HitRecord::Pair(p) => pairs.push((n(&p.first), n(&p.second))),
                HitRecord::Segment(_) => alone += 1,
                other => panic!("not a cue: {other:?}"),
            }
        }
        assert_eq!(pairs, vec![(1500, 1501)], "cue 2101 holds the phrase alone");
        assert_eq!(alone, 1999);
        assert_eq!(page.total, 2000);
    }

    /// A long transcript is stored in chunks: every cue reads back from
    /// its own, a hit in any of them is that cue, a phrase across the
    /// boundary between two chunks is found there, and the transcript
    /// reads back whole and in order (its segments, cues and pairs).
    #[test]
    fn a_long_transcripts_cues_read_back_from_their_chunks() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let per = store::CUES_PER_CHUNK;
        let total = 3 * per + 7;
        let texts: Vec<String> = (0..total).map(|n| format!("cue marker{n} said")).collect();
        let cues: Vec<(&str, &str)> = texts.iter().map(|t| ("TOM", t.as_str())).collect();
        let lib = library_of(dir.path(), &[cues]);
        let path = "/shoot/A001/HERON01.0.srt";
        for (n, text) in texts.iter().enumerate() {
            let seg = lib.segment(&source_id(path), n).unwrap_or_else(|e| panic!("cue {n}: {e}"));
            assert_eq!(seg.map(|s| (s.n, s.text)), Some((n, text.clone())), "cue {n}");
        }
        assert_eq!(lib.segment(&source_id(path), total).ok().flatten(), None, "past the end");
        for n in [0, per - 1, per, 2 * per + 1, total - 1] {
            assert_eq!(hits(&lib, &format!("marker{n}"), None), vec![vec![n]], "marker{n}");
        }
        let across = format!("\"marker{} said cue marker{}\"", per - 1, per);
        assert_eq!(hits(&lib, &across, None), vec![vec![per - 1, per]]);
        let snap = lib.snapshot().unwrap_or_else(|e| panic!("snapshot: {e}"));
        let (clip, _) = clip_and_cue("");
        let segments = snap.segments_of_clip(&clip.id).unwrap_or_else(|e| panic!("segments: {e}"));
        assert_eq!(segments.iter().map(|s| s.text.as_str()).collect::<Vec<_>>(), texts);
        assert_eq!(segments.iter().map(|s| s.n).collect::<Vec<_>>(), (0..total).collect::<Vec<_>>());
        let read = snap.cues_of_source(&source_id(path)).unwrap_or_else(|e| panic!("cues: {e}"));
        assert_eq!(read.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), texts);
        let pairs = snap.stored_records(DocKind::Pair).unwrap_or_else(|e| panic!("pairs: {e}"));
        assert_eq!(pairs.len(), total - 1, "every neighbour pair, across chunks too");
        assert!(pairs[per - 1].contains(&format!(":{}\"", per - 1)) && pairs[per - 1].contains(&format!(":{per}\"")));
    }

    /// A transcript imported again replaces its cues: the old ones are
    /// deleted but still in their segment until it is merged, and no
    /// query counts or returns them (one word is counted from its
    /// postings, apart from the other queries).
    #[test]
    fn replaced_cues_are_neither_counted_nor_found() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let old: Vec<(&str, &str)> =
            (0..40).map(|i| ("TOM", if i % 2 == 0 { "a heron" } else { "the reeds" })).collect();
        let lib = library_of(dir.path(), &[old]);
        assert_eq!(count(&lib, "heron"), 20);
        let path = "/shoot/A001/HERON01.0.srt";
        let (clip, template) = clip_and_cue("");
        let texts = ["a heron flew", "the reeds", "over the reeds"];
        let segments: Vec<Segment> = texts
            .iter()
            .enumerate()
            .map(|(n, t)| Segment { source: path.into(), n, line: n * 4 + 1, text: t.to_string(), ..template.clone() })
            .collect();
        let timed: Vec<crate::transcript::Cue> =
            segments.iter().map(|s| crate::transcript::Cue::timed(500, 1500, s.text.clone(), None, s.line)).collect();
        let transcript =
            Transcript { path, format: None, language: Some("en"), cues: &timed, placed: Some((&clip, &segments)) };
        let mut writer = lib.writer().unwrap_or_else(|e| panic!("writer: {e}"));
        writer.delete_source(&source_id(path));
        writer.put_transcript(&source_id(path), &serde_json::json!({}), &transcript).unwrap_or_else(|e| panic!("{e}"));
        writer.commit().unwrap_or_else(|e| panic!("commit: {e}"));
        for (query, want) in [("heron", 1), ("reeds", 2), ("\"the reeds\"", 2), ("heron OR reeds", 3)] {
            let spec = SearchSpec { query: query.into(), ..SearchSpec::default() };
            let page = lib.prepare(&spec).and_then(|p| lib.find(&p, 100)).unwrap_or_else(|e| panic!("{query}: {e}"));
            assert_eq!((page.total, page.hits.len()), (want, want), "{query}");
        }
    }

    /// A phrase split at thousands of boundaries, with both halves in
    /// thousands of cues, is found at each of them and nowhere else:
    /// not where a transcript ends and the next begins.
    #[test]
    fn a_common_phrase_across_thousands_of_boundaries_is_found_at_each() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let cue = |i: usize| match (i, i % 3) {
            (0, _) => "the start and",
            (_, 0) => "we went there and",
            (_, 1) => "the river rose",
            _ => "a cue with and the inside",
        };
        // A transcript is written to one segment: each holds both halves
        // thousands of times.
        let transcript: Vec<(&str, &str)> = (0..=15_000).map(|i| ("TOM", cue(i))).collect();
        let lib = library_of(dir.path(), &[transcript.clone(), transcript]);
        let spec = SearchSpec { query: "\"and the\"".into(), ..SearchSpec::default() };
        let page = lib.prepare(&spec).and_then(|p| lib.find(&p, 20_000)).unwrap_or_else(|e| panic!("find: {e}"));
        let (mut pairs, mut alone) = (std::collections::BTreeMap::new(), 0);
        for hit in &page.hits {
            match &hit.record {
                HitRecord::Pair(p) => {
                    let n = |key: &Key| key.as_str().rsplit(':').next().and_then(|n| n.parse::<usize>().ok());
                    let (Some(first), Some(second)) = (n(&p.first), n(&p.second)) else { panic!("{p:?}") };
                    assert_eq!((first % 3, second), (0, first + 1), "{p:?}");
                    *pairs.entry(hit.source_id.clone()).or_insert(0) += 1;
                }
                HitRecord::Segment(s) => {
                    assert_eq!(s.n % 3, 2, "{s:?}");
                    alone += 1;
                }
                other => panic!("not a cue: {other:?}"),
            }
        }
        assert_eq!(alone, 10_000);
        assert_eq!(pairs.values().copied().collect::<Vec<_>>(), vec![5000; 2], "{pairs:?}");
        assert_eq!(page.total, 20_000);
    }

    /// A phrase or words across a cue boundary are found there, however
    /// the query is written, and never across cues that are not
    /// neighbours, across two transcripts, or over three cues.
    #[test]
    fn queries_across_a_cue_boundary_find_it_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let lib = library_of(
            dir.path(),
            &[
                vec![
                    ("MARIA", "We walked down to the old mill"),
                    ("TOM", "and the river was rising fast"),
                    ("TOM", "nobody warned us at all"),
                    ("MARIA", "the flood came that night"),
                ],
                vec![("ANA", "Sunrise over the valley"), ("ANA", "and the mills were silent")],
                vec![("LEO", "Down by the mill"), ("LEO", "up at the mill"), ("LEO", "nobody knew")],
            ],
        );
        let pair = |a: usize| vec![vec![a, a + 1]];
        for (query, want) in [
            // Every place a phrase can be cut.
            ("\"mill and\"", pair(0)),
            ("\"old mill and the river\"", pair(0)),
            ("\"we walked down to the old mill and\"", pair(0)),
            ("\"mill and the river was rising fast\"", pair(0)),
            ("\"rising fast nobody\"", pair(1)),
            ("\"at all the flood\"", pair(2)),
            // A phrase prefix, a stemmed phrase, slop.
            ("\"mill an\"*", pair(0)),
            ("\"walk down\"~stem", vec![vec![0]]),
            ("\"mills and\"~stem", pair(0)),
            ("\"mill river\"~2", pair(0)),
            ("\"river mill\"~2", vec![]),
            ("\"old mill nobody\"~1", vec![]),
            // Words AND-ed, OR, NOT.
            ("walked rising", pair(0)),
            ("walked mill", vec![vec![0]]),
            ("\"mill and\" OR heron", pair(0)),
            ("walked rising -nobody", pair(0)),
            ("walked rising -fast", vec![]),
            ("(walked OR flood) rising", pair(0)),
            // Not neighbours, three cues, two transcripts.
            ("\"fast the flood\"", vec![]),
            ("walked warned", vec![]),
            ("\"mill and the river was rising fast nobody\"", vec![]),
            ("\"night sunrise\"", vec![]),
            ("\"valley and the mills\"", pair(0)),
            // More cues end with `mill` than start with `nobody`: the starts
            // are walked, and the ends looked up.
            ("\"mill nobody\"", pair(1)),
        ] {
            assert_eq!(hits(&lib, query, None), want, "{query}");
        }
        // A speaker filter on a boundary takes either cue's speaker.
        assert_eq!(hits(&lib, "\"mill and\"", Some("tom")), pair(0));
        assert_eq!(hits(&lib, "\"mill and\"", Some("maria")), pair(0));
        assert_eq!(hits(&lib, "\"mill and\"", Some("ana")), vec![] as Vec<Vec<usize>>);
        assert_eq!(hits(&lib, "walked rising speaker:tom", None), pair(0));
        // A boundary whose second cue holds the words alone is no hit, with
        // a filter too: that cue is, if the filter takes it.
        assert_eq!(hits(&lib, "river rising", Some("tom")), vec![vec![1]]);
        assert_eq!(hits(&lib, "river rising", Some("maria")), vec![] as Vec<Vec<usize>>);
        // A cue mark typed in a query is no word, and finds nothing.
        let spec = SearchSpec { query: "\u{E000} \u{E001}".into(), ..SearchSpec::default() };
        assert!(lib.prepare(&spec).is_err(), "a query of cue marks alone is refused");
    }

    /// Words AND-ed and NOT-ed find exactly the cues, and the boundaries
    /// of two neighbouring cues, that a scan finds: the words are in most
    /// cues or a few (read as bits, listed, or asked at each boundary).
    #[test]
    fn words_and_exclusions_find_what_a_scan_of_the_cues_finds() {
        // Each word's share of the cues, in thousandths.
        let vocabulary = [("kap", 500), ("ziv", 200), ("lum", 40), ("tor", 8), ("bex", 4)];
        let mut seed = 11u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let cues: Vec<Vec<&str>> = (0..3000)
            .map(|_| vocabulary.iter().filter(|(_, share)| next(1000) < *share).map(|(w, _)| *w).collect())
            .collect();
        let texts: Vec<String> = cues.iter().map(|words| format!("said {}", words.join(" "))).collect();
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let lib = library_of(dir.path(), &[texts.iter().map(|t| ("TOM", t.as_str())).collect()]);
        let words: Vec<&str> = vocabulary.iter().map(|(w, _)| *w).collect();
        let mut queries: Vec<(Vec<&str>, Vec<&str>)> = Vec::new();
        for a in &words {
            for b in words.iter().filter(|b| b != &a) {
                queries.push((vec![a, b], vec![]));
                queries.push((vec![a], vec![b]));
                for c in words.iter().filter(|c| c != &a && c != &b) {
                    queries.push((vec![a, b], vec![c]));
                    queries.push((vec![a, b, c], vec![]));
                }
            }
        }
        for (must, not) in queries {
            let holds = |set: &[&str]| must.iter().all(|w| set.contains(w)) && !not.iter().any(|w| set.contains(w));
            let mut want: Vec<Vec<usize>> = (0..cues.len()).filter(|&n| holds(&cues[n])).map(|n| vec![n]).collect();
            for n in 0..cues.len() - 1 {
                let both: Vec<&str> = cues[n].iter().chain(&cues[n + 1]).copied().collect();
                if !holds(&cues[n]) && !holds(&cues[n + 1]) && holds(&both) {
                    want.push(vec![n, n + 1]);
                }
            }
            want.sort();
            let query =
                must.iter().map(|w| w.to_string()).chain(not.iter().map(|w| format!("-{w}"))).collect::<Vec<_>>();
            let query = query.join(" ");
            let spec = SearchSpec { query: query.clone(), ..SearchSpec::default() };
            let got = hits_of(&lib, &spec, 10_000);
            assert_eq!(got, want, "{query}");
        }
    }

    /// A phrase of common words is looked up by their pairs' terms: it
    /// finds exactly the cues that hold it, word for word, as a scan does.
    #[test]
    fn phrases_of_common_words_find_exactly_the_cues_that_hold_them() {
        let vocabulary = ["and", "the", "It", "was", "river", "of", "de", "la", "so", "flood"];
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let mut texts: Vec<String> = (0..400)
            .map(|_| (0..2 + next(7)).map(|_| vocabulary[next(vocabulary.len())]).collect::<Vec<_>>().join(" "))
            .collect();
        texts.extend(["So it was the flood of the river and", "de la", "it was so the"].map(String::from));
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let lib = library_of(dir.path(), &[texts.iter().map(|t| ("TOM", t.as_str())).collect()]);
        let holds = |text: &str, phrase: &str| {
            let (words, wanted): (Vec<String>, Vec<&str>) =
                (text.split(' ').map(str::to_lowercase).collect(), phrase.split(' ').collect());
            words.windows(wanted.len()).any(|w| w == wanted.as_slice())
        };
        for phrase in
            ["and the", "the and", "it was the", "was the river", "of the river and", "de la", "so so", "the flood of"]
        {
            let want: Vec<usize> = (0..texts.len()).filter(|n| holds(&texts[*n], phrase)).collect();
            assert!(!want.is_empty(), "{phrase} is in some cue");
            let spec =
                SearchSpec { query: format!("\"{phrase}\""), kinds: vec![DocKind::Segment], ..SearchSpec::default() };
            let page = lib.prepare(&spec).and_then(|p| lib.find(&p, 1000)).unwrap_or_else(|e| panic!("{phrase}: {e}"));
            let mut got: Vec<usize> = page
                .hits
                .iter()
                .map(|h| match &h.record {
                    HitRecord::Segment(s) => s.n,
                    other => panic!("{phrase}: {other:?}"),
                })
                .collect();
            got.sort();
            assert_eq!(got, want, "{phrase}");
        }
    }

    /// The best hits come with every hit that scores the same as the last
    /// of them, up to the bound, and no hit that scores less.
    #[test]
    fn the_best_hits_come_with_those_that_tie_the_last() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        // Cues of one length score by how often they hold `heron`: three
        // best, then eight tied, then four worse.
        let mut cues = vec![("ANA", "heron heron heron"); 3];
        cues.extend(vec![("ANA", "heron heron reeds"); 8]);
        cues.extend(vec![("ANA", "heron reeds reeds"); 4]);
        let lib = library_of(dir.path(), &[cues]);
        let spec = SearchSpec { query: "heron".into(), ..SearchSpec::default() };
        let prepared = lib.prepare(&spec).unwrap_or_else(|e| panic!("prepare: {e}"));
        let cue_numbers = |page: &Page| -> Vec<usize> {
            page.hits
                .iter()
                .map(|h| match &h.record {
                    HitRecord::Segment(s) => s.n,
                    other => panic!("not a cue: {other:?}"),
                })
                .collect()
        };
        for (limit, most, want) in [
            (3, 3, vec![0, 1, 2]),
            (3, 20, vec![0, 1, 2]),
            (5, 5, vec![0, 1, 2, 3, 4]),
            (5, 20, (0..11).collect()),
            (5, 8, vec![0, 1, 2, 3, 4, 5, 6, 7]),
            (12, 12, (0..12).collect()),
            (12, 30, (0..15).collect()),
        ] {
            let page = lib.find_with_ties(&prepared, limit, most).unwrap_or_else(|e| panic!("find: {e}"));
            assert_eq!(page.total, 15);
            let mut got = cue_numbers(&page);
            let scores: Vec<f32> = page.hits.iter().map(|h| h.score).collect();
            assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first: {scores:?}");
            got.sort_unstable();
            assert_eq!(got, want, "limit {limit}, at most {most}");
        }
    }

    /// A transcript's cues are one group of consecutive documents in one
    /// segment, in cue order, however many threads index them: the pairs
    /// depend on it (see `span.rs`).
    #[test]
    fn a_transcripts_cues_are_consecutive_documents_of_one_segment() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let texts: Vec<String> = (0..40).map(|i| format!("cue {i} of the river")).collect();
        let transcripts: Vec<Vec<(&str, &str)>> =
            (0..30).map(|_| texts.iter().map(|t| ("TOM", t.as_str())).collect()).collect();
        let lib = library_of(dir.path(), &transcripts);
        let searcher = lib.index.searcher().unwrap_or_else(|e| panic!("searcher: {e}"));
        let mut seen = std::collections::HashMap::new();
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let fast = reader.fast_fields();
            let (Some(src), Some(num)) = (
                fast.column_opt::<u64>(index::CUE_SRC).unwrap_or_else(|e| panic!("{e}")),
                fast.column_opt::<u64>(index::CUE_N).unwrap_or_else(|e| panic!("{e}")),
            ) else {
                continue;
            };
            for d in 0..reader.max_doc() {
                let (Some(s), Some(n)) = (src.first(d), num.first(d)) else { continue };
                if n > 0 {
                    assert_eq!(
                        (src.first(d - 1), num.first(d - 1)),
                        (Some(s), Some(n - 1)),
                        "cue {n} follows {}",
                        n - 1
                    );
                }
                assert!(seen.insert((s, n), ord).is_none(), "cue {n} once");
            }
        }
        assert_eq!(seen.len(), 30 * 40);
        let spec = SearchSpec { query: "\"river cue\"".into(), ..SearchSpec::default() };
        let total = lib.prepare(&spec).and_then(|p| lib.find(&p, 1)).map(|p| p.total);
        assert_eq!(total.ok(), Some(30 * 39), "every boundary of every transcript");
    }

    /// A server's handle keeps the clips its hits named, decoded; a clip
    /// another handle adds, changes or forgets later reaches the next
    /// search, which reads the new commit.
    #[test]
    fn a_clip_read_for_a_search_is_the_one_the_search_reads() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let reader = Library::open_or_create(dir.path()).unwrap_or_else(|e| panic!("create: {e}"));
        let (clip, _) = clip_and_cue("");
        let camera = |lib: &Library| {
            let read = lib.clip(&clip.id).unwrap_or_else(|e| panic!("clip: {e}"));
            read.map(|c| c.camera.unwrap_or_default())
        };
        assert_eq!(count(&reader, "heron"), 0);
        assert_eq!(camera(&reader), None, "no clip yet");
        let other = Library::open(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
        let put = |camera: Option<&str>| {
            let mut writer = other.writer().unwrap_or_else(|e| panic!("writer: {e}"));
            match camera {
                Some(c) => writer.put_clip(&Clip { camera: Some(c.into()), ..clip.clone() }),
                None => {
                    writer.delete_clip(&clip.id);
                    Ok(())
                }
            }
            .and_then(|()| writer.commit())
            .unwrap_or_else(|e| panic!("commit: {e}"));
        };
        put(Some("A"));
        assert_eq!(camera(&reader), None, "the search under way still reads the old commit");
        assert_eq!(count(&reader, "heron"), 0);
        assert_eq!(camera(&reader).as_deref(), Some("A"), "the next search reads the new one");
        put(Some("B"));
        assert_eq!(count(&reader, "heron"), 0);
        assert_eq!(camera(&reader).as_deref(), Some("B"), "changed");
        put(None);
        assert_eq!(count(&reader, "heron"), 0);
        assert_eq!(camera(&reader), None, "forgotten");
    }

    /// A long-running process (a server) keeps one handle open; what
    /// another handle (or process) commits later must reach its searches.
    #[test]
    fn a_search_sees_what_another_handle_committed_since() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let reader = Library::open_or_create(dir.path()).unwrap_or_else(|e| panic!("create: {e}"));
        assert_eq!(count(&reader, "heron"), 0, "nothing yet (and the search reader is open now)");

        let other = Library::open(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
        let (clip, cue) = clip_and_cue("A heron rose from the reeds.");
        let mut writer = other.writer().unwrap_or_else(|e| panic!("writer: {e}"));
        let source = source_id(&cue.source);
        let cues = [crate::transcript::Cue::timed(500, 1500, cue.text.clone(), None, 1)];
        let transcript = Transcript {
            path: &cue.source,
            format: None,
            language: None,
            cues: &cues,
            placed: Some((&clip, std::slice::from_ref(&cue))),
        };
        let written =
            writer.put_clip(&clip).and_then(|()| writer.put_transcript(&source, &serde_json::json!({}), &transcript));
        written.and_then(|()| writer.commit()).unwrap_or_else(|e| panic!("commit: {e}"));

        assert_eq!(count(&reader, "heron"), 1, "the cue");
        let seg = reader.segment(&source, 0).unwrap_or_else(|e| panic!("segment: {e}"));
        assert_eq!(seg.map(|s| s.text).as_deref(), Some("A heron rose from the reeds."));
        let snap = reader.snapshot().unwrap_or_else(|e| panic!("snapshot: {e}"));
        assert_eq!(snap.segments_of_clip(&clip.id).map(|s| s.len()).ok(), Some(1));
        assert_eq!(snap.count_of_source(DocKind::Segment, &source).ok(), Some(1));
    }
}
