//! The folder tantivy writes the index into: its `MmapDirectory`, plus two
//! things the library needs from it.
//!
//! - **The first write error is kept.** Tantivy indexes on worker threads;
//!   when one of them cannot write (disk full, folder made read-only), the
//!   caller only hears "an index writer was killed", and the operating
//!   system's reason is gone. Every write goes through here, so the first
//!   failed one is recorded and [`super::index`] reports it instead: "No
//!   space left on device" tells the user what to do.
//! - **A read-only library can be read.** Readers take tantivy's meta lock,
//!   which opens a lock file for writing. In a folder nobody may write
//!   (read-only media, a mount, another user's library) no writer can run
//!   either, so there is nothing to lock against, and the lock is skipped
//!   instead of failing `clips` and `search`.
//! - **Another user can read it.** Tantivy writes `meta.json` and
//!   `.managed.json` through a temp file made private (0600), so an editor
//!   could not search the library an AP built on a shared drive. Those two
//!   files get the folder's read/write bits instead, as every segment file
//!   already has from the umask.

use std::io::{self, BufWriter, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tantivy::directory::error::{DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, META_LOCK, MmapDirectory, TerminatingWrite,
    WatchCallback, WatchHandle, WritePtr,
};

/// The first write error seen, shared by every clone of the directory.
#[derive(Clone, Debug, Default)]
pub(super) struct WriteErrorSlot(Arc<Mutex<Option<Arc<io::Error>>>>);

impl WriteErrorSlot {
    fn record(&self, e: &Arc<io::Error>) {
        if let Ok(mut slot) = self.0.lock() {
            slot.get_or_insert_with(|| Arc::clone(e));
        }
    }

    fn record_io<T>(&self, r: io::Result<T>) -> io::Result<T> {
        r.map_err(|e| {
            let e = Arc::new(e);
            self.record(&e);
            // The caller gets an equivalent error (io::Error is not Clone).
            match e.raw_os_error() {
                Some(code) => io::Error::from_raw_os_error(code),
                None => io::Error::new(e.kind(), e.to_string()),
            }
        })
    }

    /// The first write error, if any write failed.
    pub(super) fn first(&self) -> Option<Arc<io::Error>> {
        self.0.lock().ok().and_then(|slot| slot.clone())
    }
}

/// The index folder (see the module documentation).
#[derive(Clone, Debug)]
pub(super) struct LibraryDirectory {
    inner: MmapDirectory,
    root: PathBuf,
    errors: WriteErrorSlot,
}

impl LibraryDirectory {
    pub(super) fn open(path: &Path, errors: WriteErrorSlot) -> Result<LibraryDirectory, OpenDirectoryError> {
        Ok(LibraryDirectory { inner: MmapDirectory::open(path)?, root: path.to_path_buf(), errors })
    }

    /// Gives a file the folder's read/write bits (see the module docs).
    /// Best effort: the file is written either way, and a folder whose
    /// owner cannot change modes is readable only as its owner made it.
    fn share_like_folder(&self, path: &Path) {
        if let Ok(folder) = std::fs::metadata(&self.root) {
            let mode = folder.permissions().mode() & 0o666;
            let _ = std::fs::set_permissions(self.root.join(path), std::fs::Permissions::from_mode(mode));
        }
    }
}

impl Directory for LibraryDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let inner = self.inner.open_write(path).inspect_err(|e| {
            if let OpenWriteError::IoError { io_error, .. } = e {
                self.errors.record(io_error);
            }
        })?;
        Ok(BufWriter::new(Box::new(RecordingWriter { inner, errors: self.errors.clone() })))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.errors.record_io(self.inner.atomic_write(path, data))?;
        self.share_like_folder(path);
        Ok(())
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.errors.record_io(self.inner.sync_directory())
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.inner.acquire_lock(lock) {
            Err(LockError::IoError(e)) if lock.filepath == META_LOCK.filepath && cannot_write(&e) => {
                Ok(DirectoryLock::from(Box::new(())))
            }
            Err(LockError::IoError(e)) => {
                self.errors.record(&e);
                Err(LockError::IoError(e))
            }
            other => other,
        }
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

/// The folder refuses writes to everyone: read-only mount or no permission.
fn cannot_write(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::ReadOnlyFilesystem | io::ErrorKind::PermissionDenied)
}

/// A file being written, recording its first error.
struct RecordingWriter {
    inner: WritePtr,
    errors: WriteErrorSlot,
}

impl Write for RecordingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.errors.record_io(self.inner.write(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.errors.record_io(self.inner.flush())
    }
}

impl TerminatingWrite for RecordingWriter {
    fn terminate_ref(&mut self, token: AntiCallToken) -> io::Result<()> {
        self.errors.record_io(self.inner.terminate_ref(token))
    }
}
