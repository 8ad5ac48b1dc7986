//! Shared helpers for the integration tests: run the real binary against a
//! fresh library in a temp dir, ask ffprobe for reference values, and take
//! snapshots of a source tree to prove it is untouched.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn dump() -> PathBuf {
    repo().join("fixtures/dump")
}

pub fn realdata(rel: &str) -> PathBuf {
    repo().join("../shared/realdata").join(rel)
}

/// A fresh library in its own temp dir.
pub struct Env {
    pub tmp: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env { tmp: tempfile::tempdir().expect("temp dir") }
    }

    pub fn library(&self) -> PathBuf {
        self.tmp.path().join("lib")
    }

    /// Runs `rushes --library LIB args...`.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_rushes"))
            .arg("--library")
            .arg(self.library())
            .args(args)
            .env_remove("RUSHES_LIBRARY")
            .output()
            .expect("run rushes")
    }

    /// Runs and parses stdout as JSON, asserting the exit code.
    pub fn json(&self, args: &[&str], code: i32) -> Value {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "rushes {args:?}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("rushes {args:?}: stdout is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout))
        })
    }

    pub fn ingest(&self, dir: &Path) -> Value {
        self.json(&["ingest", "--json", dir.to_str().expect("utf-8 path")], 0)
    }

    pub fn clips(&self) -> Vec<Value> {
        match self.json(&["clips", "--json"], 0) {
            Value::Array(a) => a,
            other => panic!("clips --json is not an array: {other}"),
        }
    }
}

/// `ffprobe -show_streams -show_format` as JSON.
pub fn ffprobe(path: &Path) -> Value {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-print_format", "json", "-show_streams", "-show_format"])
        .arg(path)
        .output()
        .expect("ffprobe must be installed (.ci/run installs ffmpeg)");
    serde_json::from_slice(&out.stdout).expect("ffprobe JSON")
}

/// Every file under `root` (not following links) with size, mtime and a
/// content hash; links are recorded by their target text.
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, (u64, i64, i64, u64)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let entry = entry.expect("entry");
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).expect("metadata");
            let hash = if meta.file_type().is_symlink() {
                fnv(std::fs::read_link(&path).expect("link").to_string_lossy().as_bytes())
            } else if meta.is_dir() {
                stack.push(path.clone());
                0
            } else {
                fnv(&std::fs::read(&path).expect("read"))
            };
            out.insert(path, (meta.len(), meta.mtime(), meta.mtime_nsec(), hash));
        }
    }
    out
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Formats a non-drop-frame label independently of the crate's code.
pub fn ndf_label(frames: u64, nominal: u64) -> String {
    let secs = frames / nominal;
    format!("{:02}:{:02}:{:02}:{:02}", secs / 3600 % 24, secs / 60 % 60, secs % 60, frames % nominal)
}

/// Copies a tree (files and symlinks) to `dst`.
pub fn copy_tree(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).expect("mkdir");
    for entry in std::fs::read_dir(src).expect("read dir") {
        let entry = entry.expect("entry");
        let from = entry.path();
        let to = dst.join(entry.file_name());
        let ft = entry.file_type().expect("type");
        if ft.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&from).expect("link"), &to).expect("symlink");
        } else if ft.is_dir() {
            copy_tree(&from, &to);
        } else {
            std::fs::copy(&from, &to).expect("copy");
        }
    }
}
