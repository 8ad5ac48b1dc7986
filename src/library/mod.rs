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

mod directory;
pub mod index;
pub mod query;

use crate::atomic::write_atomic;
use std::fs;
use std::path::{Path, PathBuf};

pub use index::{ClipIndex, DocMeta, IndexError, Snapshot, Writer};
pub use query::{Prepared, QueryError, QueryWord, RawHit, SearchSpec};

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
    pub index: ClipIndex,
}

impl Library {
    /// Opens an existing library for reading.
    pub fn open(dir: &Path) -> Result<Library, LibraryError> {
        let meta_path = dir.join(META_FILE);
        if !meta_path.exists() {
            return Err(LibraryError::Missing(dir.to_path_buf()));
        }
        check_version(&meta_path)?;
        let index = ClipIndex::open(&dir.join("index"), false)?;
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
        let index = ClipIndex::open(&dir.join("index"), true)?;
        // The version file is written last and atomically: a library whose
        // creation was interrupted is simply created again.
        let json = serde_json::to_vec_pretty(&Meta { schema_version: SCHEMA_VERSION }).unwrap_or_default();
        write_atomic(&meta_path, &json).map_err(io)?;
        Ok(Library { dir: dir.to_path_buf(), index })
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
