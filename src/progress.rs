//! Progress of a long run, for a front end to draw (the CLI's bar). Every
//! method must be cheap: they are called per file.

/// Receives progress: the clips of an ingest (files and bytes), then the
/// transcripts and notes files read and indexed (bytes and cues).
pub trait Progress: Sync {
    fn begin(&self, files: u64, bytes: u64);
    fn advance(&self, bytes: u64);
    fn finish(&self);
    /// True once the user asked to stop (Ctrl-C): the ingest ends after
    /// its last commit with `IngestError::Interrupted`.
    fn interrupted(&self) -> bool {
        false
    }
    /// Files about to be hashed whole (`ingest --verify`, `verify`): the
    /// bar then counts bytes read ([`Progress::read`]), and `advance` the
    /// files done (with the bytes of those passed over unread).
    fn begin_hashed(&self, files: u64, bytes: u64) {
        self.begin(files, bytes);
    }
    /// Bytes just read by a hash.
    fn read(&self, _bytes: u64) {}
    /// Transcripts and notes files about to be read: how many, and their
    /// bytes.
    fn begin_words(&self, _files: u64, _bytes: u64) {}
    /// One more of them read and indexed: its bytes and the cues it brought.
    fn words(&self, _bytes: u64, _cues: u64) {}
}

/// A progress sink that shows nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn begin(&self, _: u64, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}
