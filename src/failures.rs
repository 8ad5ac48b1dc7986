//! The files the last ingest of each folder could not read, kept in
//! `LIBRARY/failures.json` so the shoot-day log can list them after the
//! ingest's own report is gone. A failed file is no clip, so the index has
//! no place for it; like `bins.json` it is a small JSON file beside the
//! index, changed under a lock (`failures.lock`) by an atomic write.
//!
//! Each ingest replaces the failures under the folders it walked: a file
//! that reads now is no longer listed, one that still fails is listed
//! again. A failure keeps the shoot day its folders name, when they do.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::atomic::{StoreError, read_versioned, with_lock, write_versioned};

const FAILURES_FILE: &str = "failures.json";
const LOCK_FILE: &str = "failures.lock";
const FAILURES_VERSION: u32 = 1;

/// A file an ingest could not catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedFile {
    /// The folder ingested, and the file.
    pub root: String,
    pub path: String,
    pub reason: String,
    /// The shoot day of its folder (or the ingest's `--day`).
    pub day: Option<String>,
}

/// `failures.json` as stored, after its `version`.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Kept {
    failures: Vec<FailedFile>,
}

/// Why the failures could not be read or kept.
pub type FailuresError = StoreError;

/// The failures kept in one library folder.
#[derive(Clone, Debug)]
pub struct Failures {
    dir: PathBuf,
}

impl Failures {
    pub fn open(library_dir: &Path) -> Failures {
        Failures { dir: library_dir.to_path_buf() }
    }

    fn path(&self) -> PathBuf {
        self.dir.join(FAILURES_FILE)
    }

    /// Every failure kept, by folder then path.
    pub fn list(&self) -> Result<Vec<FailedFile>, StoreError> {
        let kept = read_versioned::<Kept>(&self.path(), FAILURES_VERSION, "the ingest failures")?;
        Ok(kept.map(|k| k.failures).unwrap_or_default())
    }

    /// Replaces the failures under `roots` (the folders an ingest walked)
    /// by `found`. Nothing is written when nothing changes. A kept file
    /// that does not read is replaced: it only repeats an old report.
    pub fn replace(&self, roots: &[String], mut found: Vec<FailedFile>) -> Result<(), FailuresError> {
        if found.is_empty() && !self.path().exists() {
            return Ok(());
        }
        let lock_path = self.dir.join(LOCK_FILE);
        let io = |error| StoreError::Io { path: lock_path.clone(), error };
        with_lock(&lock_path, io, || {
            let old = self.list().unwrap_or_default();
            let mut kept: Vec<FailedFile> = old.iter().filter(|f| !roots.contains(&f.root)).cloned().collect();
            kept.append(&mut found);
            kept.sort_by(|a, b| (&a.root, &a.path).cmp(&(&b.root, &b.path)));
            if kept == old {
                return Ok(());
            }
            write_versioned(&self.path(), FAILURES_VERSION, Kept { failures: kept })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(root: &str, path: &str) -> FailedFile {
        FailedFile { root: root.into(), path: path.into(), reason: "truncated".into(), day: None }
    }

    #[test]
    fn an_ingest_replaces_the_failures_of_its_folders_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Failures::open(dir.path());
        assert!(store.list().expect("none").is_empty());
        store.replace(&["/a".into()], vec![failed("/a", "/a/x.mov")]).expect("kept");
        store.replace(&["/b".into()], vec![failed("/b", "/b/y.mov")]).expect("kept");
        let paths = |s: &Failures| s.list().expect("list").into_iter().map(|f| f.path).collect::<Vec<_>>();
        assert_eq!(paths(&store), ["/a/x.mov", "/b/y.mov"]);
        store.replace(&["/a".into()], Vec::new()).expect("kept");
        assert_eq!(paths(&store), ["/b/y.mov"], "x.mov reads now");
    }
}
