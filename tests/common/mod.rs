//! Shared helpers for the integration tests: run the real binary against a
//! fresh library in a temp dir, ask ffprobe for reference values, and take
//! snapshots of a source tree to prove it is untouched.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The export readers' Python, shared with the unit tests.
#[path = "../readers/venv.rs"]
pub mod venv;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn dump() -> PathBuf {
    repo().join("fixtures/dump")
}

/// A file under `../shared/realdata`, which must sit beside the checkout
/// (CI has it there too); a missing one fails the test and says so.
pub fn realdata(rel: &str) -> PathBuf {
    let path = repo().join("../shared/realdata").join(rel);
    assert!(path.exists(), "{} is missing: ../shared/realdata must sit beside the checkout", path.display());
    path
}

/// `DIR/mixed.edl`: the first event of a real EDL (pycmx's conform
/// sample, which names no clip of the fixture dump) and, as event 99, an
/// Avid-style event naming only the dump's reel `A003C012` and a source
/// span of it, 14:31:11:00-14:31:11:19.
pub fn mixed_edl(dir: &Path) -> PathBuf {
    let mixed = dir.join("mixed.edl");
    let real = std::fs::read_to_string(realdata("pycmx/tests/edls/ISSUE_14_conform_edl_issue_01.edl")).expect("edl");
    let first_event: String = real.lines().take_while(|l| !l.starts_with("002")).collect::<Vec<_>>().join("\n");
    let text =
        format!("{first_event}\n\n099  A003C012 V     C        14:31:11:00 14:31:11:19 10:00:00:00 10:00:00:19\n");
    std::fs::write(&mixed, text).expect("write mixed.edl");
    mixed
}

/// Runs `script` with the readers' Python (python-docx, OTIO, pycmx…) and
/// parses what it prints as JSON.
pub fn python(script: &str, args: &[&str]) -> Value {
    let out = Command::new(venv::python()).arg("-c").arg(script).args(args).output().expect("python");
    assert!(out.status.success(), "python failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// Each paragraph of a DOCX as python-docx reads it: (style name, text).
pub fn docx_paragraphs(docx: &Path) -> Vec<(String, String)> {
    let paras = python(
        "import json,sys,docx\nd=docx.Document(sys.argv[1])\nprint(json.dumps([[p.style.name,p.text] for p in d.paragraphs]))",
        &[docx.to_str().expect("utf-8 path")],
    );
    paras
        .as_array()
        .expect("paragraphs")
        .iter()
        .map(|p| (p[0].as_str().unwrap_or("").to_string(), p[1].as_str().unwrap_or("").to_string()))
        .collect()
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
        json_of(&self.run(args), code, &format!("rushes {args:?}"))
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

/// Runs ffmpeg to make a test file; a failure fails the test.
pub fn ffmpeg(args: &[&str]) {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .output()
        .expect("ffmpeg must be installed: apt-get install ffmpeg (.ci/run does)");
    assert!(out.status.success(), "ffmpeg {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// `ffprobe -show_streams -show_format` as JSON.
pub fn ffprobe(path: &Path) -> Value {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-print_format", "json", "-show_streams", "-show_format"])
        .arg(path)
        .output()
        .expect("ffprobe must be installed: apt-get install ffmpeg (.ci/run does)");
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

/// The frame a label names, counted independently of the crate's code:
/// `;` before the frames means drop-frame (SMPTE 12M: labels `00`, `01`,
/// or `00`–`03` at 60, skipped every minute but each tenth).
pub fn label_frames(label: &str, nominal: u64) -> u64 {
    let drop = label.contains(';');
    let parts: Vec<u64> = label.split([':', ';']).map(|p| p.parse().expect("label field")).collect();
    let [hh, mm, ss, ff] = parts[..] else { panic!("not a label: {label}") };
    let minutes = hh * 60 + mm;
    let dropped = if drop { nominal / 15 * (minutes - minutes / 10) } else { 0 };
    (hh * 3600 + mm * 60 + ss) * nominal + ff - dropped
}

/// The label of `frame`, independently of the crate's code (see
/// [`label_frames`]).
pub fn frames_label(frame: u64, nominal: u64, drop: bool) -> String {
    if !drop {
        return ndf_label(frame, nominal);
    }
    let skip = nominal / 15;
    let per_10min = nominal * 600 - 9 * skip;
    let per_min = nominal * 60 - skip;
    let (tens, rest) = (frame / per_10min, frame % per_10min);
    let extra = if rest < skip { 0 } else { skip * 9.min((rest - skip) / per_min) };
    let frame = frame + 9 * skip * tens + extra;
    let label = ndf_label(frame, nominal);
    format!("{};{}", &label[..8], &label[9..])
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

/// A dump of `n` clips copied from the fixtures under distinct names.
pub fn big_dump(dst: &Path, n: usize) {
    let src = dump().join("2026-03-14");
    let sources = ["A001/PRIVATE/M4ROOT/CLIP/C0001.MP4", "SOUND/T001.WAV", "D_CAM/PLAIN.mp4"];
    for i in 0..n {
        let from = src.join(sources[i % sources.len()]);
        let ext = from.extension().and_then(|e| e.to_str()).unwrap_or("bin");
        let to = dst.join(format!("CARD{:02}/CLIP{i:04}.{ext}", i / 50));
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&from, &to).expect("copy");
    }
}

/// Who runs the binary: root, or `nobody` (uid/gid 65534, no groups, so
/// file permissions apply; root reads a `chmod 000` file anyway).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum User {
    Root,
    Nobody,
}

/// Seconds one run may take: a hang fails the test instead of blocking CI.
pub const HANG_LIMIT_S: u32 = 60;

/// `timeout HANG_LIMIT [setpriv ...] prefix...`: the start of a command
/// line that runs the rest under the time limit, as `user`.
pub fn guarded(user: User) -> Command {
    let mut cmd = Command::new("timeout");
    cmd.args(["--kill-after=5", &HANG_LIMIT_S.to_string()]);
    if user == User::Nobody {
        cmd.args(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]);
    }
    cmd.env_remove("RUSHES_LIBRARY").env("RUST_BACKTRACE", "1");
    cmd
}

/// Runs `rushes --library LIB args...` as `user` under the time limit and
/// checks it ended by itself and did not panic. Arguments may be paths
/// that are not UTF-8.
pub fn rushes<S: AsRef<std::ffi::OsStr>>(user: User, library: &Path, args: &[S]) -> Output {
    let mut cmd = guarded(user);
    cmd.arg(env!("CARGO_BIN_EXE_rushes")).arg("--library").arg(library).args(args);
    finished(&mut cmd)
}

/// Runs a command built by [`guarded`]: it must finish within the limit,
/// and whatever it runs must not panic (no panic message, no backtrace).
pub fn finished(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !matches!(out.status.code(), Some(124 | 137) | None),
        "{cmd:?} did not finish within {HANG_LIMIT_S} s (status {:?}); stderr: {stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked") && !stderr.contains("stack backtrace"), "{cmd:?} panicked: {stderr}");
    out
}

/// Asserts the exit code, showing both outputs when it differs.
pub fn expect_code(out: &Output, code: i32, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{what}\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Stdout as JSON, after checking the exit code.
pub fn json_of(out: &Output, code: i32, what: &str) -> Value {
    expect_code(out, code, what);
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{what}: stdout is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// Sets a file or folder's permission bits.
pub fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// True when `nobody` passes `test FLAG path` (`-r` readable, `-w` writable).
pub fn nobody_can(flag: &str, path: &Path) -> bool {
    let mut cmd = guarded(User::Nobody);
    cmd.args(["test", flag]).arg(path);
    let out = finished(&mut cmd);
    match out.status.code() {
        Some(0) => true,
        Some(1) => false,
        _ => panic!(
            "cannot run as nobody with setpriv (the tests run as root, as CI does): {}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

/// A minimal Broadcast WAV: 16-bit mono PCM at `sample_rate`, `samples`
/// of silence, and a `bext` chunk whose TimeReference is `time_reference`
/// but whose description states no speed (and no iXML), so the file has
/// no frame rate of its own: the timecode needs the project's `--fps`.
pub fn bwf_without_rate(time_reference: u64, sample_rate: u32, samples: u32) -> Vec<u8> {
    let mut fmt = Vec::new();
    fmt.extend(1u16.to_le_bytes()); // WAVE_FORMAT_PCM
    fmt.extend(1u16.to_le_bytes()); // mono
    fmt.extend(sample_rate.to_le_bytes());
    fmt.extend((sample_rate * 2).to_le_bytes());
    fmt.extend(2u16.to_le_bytes());
    fmt.extend(16u16.to_le_bytes());
    // EBU Tech 3285 v1: Description 256, Originator 32, OriginatorReference
    // 32, OriginationDate 10, OriginationTime 8, TimeReference u64 at 338,
    // Version u16, UMID 64, reserved 190: 602 bytes.
    let mut bext = vec![0u8; 602];
    bext[320..330].copy_from_slice(b"2026-03-14");
    bext[330..338].copy_from_slice(b"10:00:00");
    bext[338..346].copy_from_slice(&time_reference.to_le_bytes());
    bext[346..348].copy_from_slice(&1u16.to_le_bytes());
    let data = vec![0u8; samples as usize * 2];
    let mut body = b"WAVE".to_vec();
    for (id, chunk) in [(b"bext", &bext), (b"fmt ", &fmt), (b"data", &data)] {
        body.extend(id);
        body.extend((chunk.len() as u32).to_le_bytes());
        body.extend(chunk.iter());
    }
    let mut out = b"RIFF".to_vec();
    out.extend((body.len() as u32).to_le_bytes());
    out.extend(body);
    out
}

/// A running `rushes serve`, killed however the test ends.
pub struct ServerGuard(pub std::process::Child);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `rushes serve --library LIB --bind 127.0.0.1:0 extra...`; returns
/// it and its URL (the first stdout line, `listening on http://ADDR:PORT/`),
/// with the real port. Its stderr goes to `stderr`; the rest of stdout is
/// handed back line by line through the receiver.
pub fn serve_lines(
    library: &Path,
    extra: &[&str],
    stderr: &Path,
) -> (ServerGuard, String, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rushes"));
    cmd.arg("serve").arg("--library").arg(library);
    if !extra.contains(&"--bind") {
        cmd.args(["--bind", "127.0.0.1:0"]);
    }
    let mut child = cmd
        .args(extra)
        .env_remove("RUSHES_LIBRARY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(stderr).expect("server log"))
        .spawn()
        .expect("start rushes serve");
    let stdout = child.stdout.take().expect("stdout");
    let guard = ServerGuard(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let line = rx.recv_timeout(std::time::Duration::from_secs(60)).unwrap_or_else(|_| {
        panic!("rushes serve printed nothing in 60 s; stderr: {}", std::fs::read_to_string(stderr).unwrap_or_default())
    });
    let url = line.trim().strip_prefix("listening on ").unwrap_or_else(|| {
        panic!(
            "rushes serve's first line is {line:?}, not `listening on URL`; stderr: {}",
            std::fs::read_to_string(stderr).unwrap_or_default()
        )
    });
    assert!(url.starts_with("http://") && url.ends_with('/') && !url.ends_with(":0/"), "not a real port: {url}");
    (guard, url.to_string(), rx)
}

/// [`serve_lines`] without the rest of stdout.
pub fn serve(library: &Path, extra: &[&str], stderr: &Path) -> (ServerGuard, String) {
    let (guard, url, _) = serve_lines(library, extra, stderr);
    (guard, url)
}
