//! The library: an embedded folder (no server) holding the catalog and the
//! search index. `library.json` records the schema version so a library
//! made by another version of rushes is recognised before it is misread.
//!
//! Layout:
//! ```text
//! rushes-library/
//!   library.json   {"schema_version": N}
//!   index/         tantivy index; every document stores its record
//! ```
//!
//! Only this module knows the storage schema (`schema.rs`): document kinds,
//! keys and the JSON records; the rest of the crate reads and writes typed
//! values through [`Library`], [`Writer`] and [`Snapshot`].

mod directory;
mod index;
mod query;
mod schema;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

pub use index::{IndexError, Snapshot, Writer};
pub use query::{HitRecord, Prepared, QueryError, QueryWord, RawHit, SearchSpec};
pub use schema::{DocKind, Key, PairRecord, source_id};

use crate::clip::{Clip, Segment};
use index::{ClipIndex, Open};

/// Bumped whenever the index schema or record shape changes incompatibly.
pub const SCHEMA_VERSION: u32 = 3;
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
}

impl Library {
    /// Opens an existing library for reading.
    pub fn open(dir: &Path) -> Result<Library, LibraryError> {
        let meta_path = dir.join(META_FILE);
        if !meta_path.exists() {
            return Err(LibraryError::Missing(dir.to_path_buf()));
        }
        check_version(&meta_path)?;
        let index = ClipIndex::open(&dir.join("index"), Open::Existing)?;
        Ok(Library { dir: dir.to_path_buf(), index })
    }

    /// Opens the library, creating it on first use.
    pub fn open_or_create(dir: &Path) -> Result<Library, LibraryError> {
        let meta_path = dir.join(META_FILE);
        if meta_path.exists() {
            return Library::open(dir);
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
        let json = serde_json::to_vec_pretty(&Meta { schema_version: SCHEMA_VERSION }).unwrap_or_default();
        write_atomic(&meta_path, &json).map_err(io)?;
        Ok(Library { dir: dir.to_path_buf(), index })
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

    /// The clip with this id, as the search reader sees it.
    pub fn clip(&self, clip_id: &str) -> Result<Option<Clip>, QueryError> {
        self.record_by_key(&Key::clip(clip_id))
    }

    /// Cue `n` of transcript `source_id`, as the search reader sees it.
    pub fn segment(&self, source_id: &str, n: usize) -> Result<Option<Segment>, QueryError> {
        self.record_by_key(&Key::segment(source_id, n))
    }

    /// The segment a pair names (see [`PairRecord`]).
    pub fn segment_at(&self, key: &Key) -> Result<Option<Segment>, QueryError> {
        self.record_by_key(key)
    }
}

fn check_version(meta_path: &Path) -> Result<(), LibraryError> {
    let bytes = fs::read(meta_path).map_err(|error| LibraryError::Io { path: meta_path.to_path_buf(), error })?;
    let meta: Meta = serde_json::from_slice(&bytes)
        .map_err(|e| LibraryError::Meta { path: meta_path.to_path_buf(), reason: e.to_string() })?;
    if meta.schema_version != SCHEMA_VERSION {
        return Err(LibraryError::Version {
            path: meta_path.parent().unwrap_or(meta_path).to_path_buf(),
            found: meta.schema_version,
            expected: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// Writes `bytes` to a temporary file beside `path`, syncs, then renames.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("json.tmp");
    let mut f = fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    fs::rename(&tmp, path)
}
