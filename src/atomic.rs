//! Whole-file writes that a reader never sees half done: the bytes go to a
//! temporary file beside the target, are synced to the disk, and the file
//! is renamed over the target, and the folder is synced so the rename
//! itself survives a power cut. Used for `library.json`, `bins.json`, `releases.json` and
//! for exports; [`read_json`] and [`with_lock`] for the JSON files kept
//! beside the index.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically. On failure the temporary file is
/// removed and the target is as it was; the error is the OS's, and the
/// caller names `path` (the temporary name means nothing to a user).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = temporary_beside(path);
    let written = fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| fs::rename(&tmp, path));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
        return written;
    }
    sync_folder(path);
    Ok(())
}

/// Why a JSON file kept beside the index (`bins.json`, `releases.json`)
/// did not read.
#[derive(Debug)]
pub enum JsonFault {
    /// The OS could not read it.
    Io(std::io::Error),
    /// It is not the JSON expected: where, and why (serde's message
    /// without its own position).
    Corrupt { line: usize, column: usize, reason: String },
}

/// Reads the JSON document at `path`: `None` when there is no file.
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, JsonFault> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(JsonFault::Io(e)),
    };
    serde_json::from_slice(&bytes).map(Some).map_err(|e| {
        let text = e.to_string();
        // serde's message ends with its own " at line L column C".
        let reason = text.rsplit_once(" at line ").map_or(text.as_str(), |(reason, _)| reason).to_string();
        JsonFault::Corrupt { line: e.line(), column: e.column(), reason }
    })
}

/// Why a JSON file kept beside the index with a `version` field
/// (`used.json`, `failures.json`) did not read; `what` names it for the
/// user. A version this rushes does not read is never rewritten, so a
/// newer rushes's file is kept.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}:{line}:{column}: {what} kept in the library do not read: {reason}", path.display())]
    Corrupt { what: &'static str, path: PathBuf, line: usize, column: usize, reason: String },
    #[error("{}: {what} version {found}, this rushes reads version {reads}", path.display())]
    Version { what: &'static str, path: PathBuf, found: u32, reads: u32 },
    #[error("{}: {error}", path.display())]
    Io { path: PathBuf, error: std::io::Error },
}

/// A stored document: its `version`, then its own fields.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Versioned<T> {
    pub version: u32,
    #[serde(flatten)]
    pub body: T,
}

/// Reads the document at `path`, of `version` ([`read_json`]): `None` when
/// there is no file.
pub fn read_versioned<T: serde::de::DeserializeOwned>(
    path: &Path,
    version: u32,
    what: &'static str,
) -> Result<Option<T>, StoreError> {
    let path_buf = || path.to_path_buf();
    match read_json::<Versioned<T>>(path) {
        Ok(None) => Ok(None),
        Ok(Some(v)) if v.version == version => Ok(Some(v.body)),
        Ok(Some(v)) => Err(StoreError::Version { what, path: path_buf(), found: v.version, reads: version }),
        Err(JsonFault::Io(error)) => Err(StoreError::Io { path: path_buf(), error }),
        Err(JsonFault::Corrupt { line, column, reason }) => {
            Err(StoreError::Corrupt { what, path: path_buf(), line, column, reason })
        }
    }
}

/// Writes `body` under `version` at `path` ([`write_json`]); an error
/// names `path`.
pub fn write_versioned<T: serde::Serialize>(path: &Path, version: u32, body: T) -> Result<(), StoreError> {
    write_json(path, &Versioned { version, body }).map_err(|error| StoreError::Io { path: path.to_path_buf(), error })
}

/// Runs `change` holding an exclusive lock on `lock_path` (made if
/// needed), so two processes changing one file take turns; closing the
/// lock file releases it. `io` words an OS failure on the lock file.
pub fn with_lock<T, E>(
    lock_path: &Path,
    io: impl Fn(std::io::Error) -> E,
    change: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    let lock = fs::OpenOptions::new().create(true).truncate(false).write(true).open(lock_path).map_err(&io)?;
    lock.lock().map_err(&io)?;
    let out = change();
    drop(lock);
    out
}

/// `value` as pretty JSON, written with [`write_atomic`].
pub fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(value).map_err(std::io::Error::other)?;
    write_atomic(path, &json)
}

/// What tells one file from another without reading it: device, inode,
/// length and mtime. A file kept beside the index is replaced by a rename,
/// so a new version is a new identity. `None` when there is no file (or it
/// cannot be seen).
pub type FileIdentity = (u64, u64, u64, i64, i64);

/// The [`FileIdentity`] of `path`.
pub fn file_identity(path: &Path) -> Option<FileIdentity> {
    use std::os::unix::fs::MetadataExt;
    let m = fs::metadata(path).ok()?;
    Some((m.dev(), m.ino(), m.len(), m.mtime(), m.mtime_nsec()))
}

/// Syncs the folder holding `path`, so its new directory entry is on the
/// disk. Best effort: the file is already in place and complete, and some
/// file systems (network mounts) refuse to sync a folder; an error here
/// would tell the caller a write failed that did happen.
fn sync_folder(path: &Path) {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if let Ok(dir) = fs::File::open(folder) {
        let _ = dir.sync_all();
    }
}

/// `.NAME.rushes-tmp` beside `path`: hidden, and never taken for media.
fn temporary_beside(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into());
    path.with_file_name(format!(".{name}.rushes-tmp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.edl");
        fs::write(&path, "old").expect("old");
        write_atomic(&path, b"new").expect("written");
        assert_eq!(fs::read_to_string(&path).expect("read"), "new");
        assert_eq!(fs::read_dir(dir.path()).expect("list").count(), 1);
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("missing folder").join("out.edl");
        assert!(write_atomic(&path, b"x").is_err());
        assert_eq!(fs::read_dir(dir.path()).expect("list").count(), 0);
    }
}
