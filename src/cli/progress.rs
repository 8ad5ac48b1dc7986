//! Progress and Ctrl-C during an ingest or import: an indicatif bar on a
//! terminal (clips, then transcripts: cues indexed, rate and ETA),
//! and a first Ctrl-C that asks the ingest to stop after its commit.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use indicatif::{HumanBytes, ProgressBar, ProgressStyle};
use rushes::ingest::Progress;

/// The shell's status for a run stopped by Ctrl-C (128 + SIGINT).
pub(super) const EXIT_INTERRUPTED: u8 = 130;

/// Set by the first Ctrl-C; the ingest reads it through [`Bar`].
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// The first Ctrl-C asks the ingest to stop after its current batch is
/// committed, so the run ends with what it kept said; a second one stops
/// at once (the library is still only ever at a commit). Without a
/// handler (one could not be set), Ctrl-C ends the run as before.
pub(super) fn stop_on_ctrl_c() {
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        }
        eprintln!("\nrushes: stopping once the clips read so far are saved (Ctrl-C again to stop at once)");
    });
}

/// An indicatif bar on a terminal (files, bytes, ETA); nothing otherwise.
pub(super) struct Bar {
    bar: Option<ProgressBar>,
    bytes_done: AtomicU64,
    bytes_total: AtomicU64,
    cues_done: AtomicU64,
    /// Hashing: the bar's length is bytes, moved by [`Progress::read`].
    hashed: AtomicBool,
    files_done: AtomicU64,
}

impl Bar {
    pub(super) fn new() -> Bar {
        Bar {
            bar: std::io::stderr().is_terminal().then(ProgressBar::hidden),
            bytes_done: AtomicU64::new(0),
            bytes_total: AtomicU64::new(0),
            cues_done: AtomicU64::new(0),
            hashed: AtomicBool::new(false),
            files_done: AtomicU64::new(0),
        }
    }
}

impl Progress for Bar {
    fn begin(&self, files: u64, bytes: u64) {
        self.bytes_total.store(bytes, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            if let Ok(style) =
                ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} files, {msg} ({eta} left)")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_length(files);
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    fn begin_hashed(&self, files: u64, bytes: u64) {
        self.hashed.store(true, Ordering::Relaxed);
        self.bytes_total.store(files, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            let template =
                "{spinner} [{bar:30}] {bytes}/{total_bytes} hashed, {binary_bytes_per_sec}, {msg} ({eta} left)";
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_length(bytes);
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    fn read(&self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
        }
    }

    fn advance(&self, bytes: u64) {
        if self.hashed.load(Ordering::Relaxed) {
            // `bytes_total` holds the number of files while hashing.
            let done = self.files_done.fetch_add(1, Ordering::Relaxed) + 1;
            if let Some(bar) = &self.bar {
                bar.inc(bytes);
                bar.set_message(format!("{done}/{} files", self.bytes_total.load(Ordering::Relaxed)));
            }
            return;
        }
        let done = self.bytes_done.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if let Some(bar) = &self.bar {
            let total = self.bytes_total.load(Ordering::Relaxed);
            bar.set_message(format!("{} / {}", HumanBytes(done), HumanBytes(total)));
            bar.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn interrupted(&self) -> bool {
        INTERRUPTED.load(Ordering::SeqCst)
    }

    fn begin_words(&self, files: u64, bytes: u64) {
        self.cues_done.store(0, Ordering::Relaxed);
        let Some(bar) = &self.bar else { return };
        if let Ok(style) = ProgressStyle::with_template("{spinner} [{bar:30}] {msg} ({eta} left)") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.reset();
        bar.set_length(bytes);
        bar.set_message(format!("{files} transcript and notes files"));
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    }

    fn words(&self, bytes: u64, cues: u64) {
        let done = self.cues_done.fetch_add(cues, Ordering::Relaxed) + cues;
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
            let secs = bar.elapsed().as_secs_f64();
            if done > 0 && secs > 0.0 {
                bar.set_message(format!("{done} cues indexed, {:.0} cues/s", done as f64 / secs));
            }
        }
    }
}
