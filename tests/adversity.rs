//! Ingest under adversity: a dump full of bad inputs (cut files, wrong
//! extensions, random bytes, a 2 GB sparse file, unreadable files, names
//! that are not UTF-8 or hold a newline, deep nesting, a link loop), a
//! source nobody may write, and a library that runs out of disk space or
//! may not be written. The run always finishes, never panics, catalogs
//! every good file with its timecode, lists every bad one with a reason,
//! never writes into the source, and keeps the library's last commit.
//!
//! Unreadable files need a user that permissions apply to, and disk-full
//! needs a small tmpfs: these tests run as root (as CI does) and use
//! `setpriv`, `unshare` and `mount`; without them they fail, saying so.

mod common;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{
    Env, User, big_dump, chmod, copy_tree, dump, expect_code, finished, guarded, json_of, nobody_can, rushes, snapshot,
};
use serde_json::Value;

/// The three good fixture clips the corpus is made from.
const GOOD: [(&str, &str); 3] =
    [("mp4", "A001/PRIVATE/M4ROOT/CLIP/C0001.MP4"), ("wav", "SOUND/T001.WAV"), ("plain", "D_CAM/PLAIN.mp4")];
/// Cuts per file: some inside the headers, the rest spread over the file.
const CUTS: usize = 20;

fn fixture(kind: &str) -> Vec<u8> {
    let (_, rel) = GOOD.iter().find(|(k, _)| *k == kind).expect("fixture kind");
    std::fs::read(dump().join("2026-03-14").join(rel)).expect("fixture")
}

/// A temp dir every user may enter (tempfile makes them 0700).
fn open_tempdir() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    chmod(tmp.path(), 0o755);
    tmp
}

/// A folder `nobody` may write, for its library.
fn nobody_dir(tmp: &Path) -> PathBuf {
    let dir = tmp.join("nobody");
    std::fs::create_dir_all(&dir).expect("mkdir");
    chmod(&dir, 0o777);
    dir
}

/// Offsets to cut a file of `len` bytes at: inside the first headers, then
/// evenly spread, and one byte short of the end.
fn cut_offsets(len: usize) -> Vec<usize> {
    let mut cuts = vec![1, 4, 7, 8, 12, 16, 36, 44, 100];
    let spread = CUTS - cuts.len() - 1;
    cuts.extend((1..=spread).map(|i| len * i / (spread + 1)));
    cuts.push(len - 1);
    cuts
}

/// Where the audio of a RIFF file ends: the end of its `data` chunk.
fn riff_audio_end(bytes: &[u8]) -> usize {
    let mut pos = 12;
    while pos + 8 <= bytes.len() {
        let size = u32::from_le_bytes(bytes[pos + 4..pos + 8].try_into().expect("4 bytes")) as usize;
        if &bytes[pos..pos + 4] == b"data" {
            return pos + 8 + size;
        }
        pos += 8 + size + (size & 1);
    }
    panic!("fixture WAV has no data chunk")
}

/// Deterministic bytes that are no format (a small LCG).
fn noise(seed: u64, n: usize) -> Vec<u8> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (x >> 56) as u8
        })
        .collect()
}

/// The bad-input corpus, as built on disk.
struct Corpus {
    root: PathBuf,
    /// Catalog text of the path under the root → which fixture it is.
    good: BTreeMap<String, &'static str>,
    /// Catalog text of the path under the root → a word its reason holds.
    bad: BTreeMap<String, &'static str>,
    /// Cataloged, and listed with a warning holding this word.
    warned: BTreeMap<String, &'static str>,
}

impl Corpus {
    fn file(&self, rel: &[u8], bytes: &[u8]) -> PathBuf {
        let path = self.root.join(OsStr::from_bytes(rel));
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, bytes).expect("write");
        path
    }

    fn good(&mut self, rel: &[u8], text: &str, kind: &'static str) -> PathBuf {
        self.good.insert(text.to_string(), kind);
        self.file(rel, &fixture(kind))
    }

    fn bad(&mut self, rel: &[u8], text: &str, bytes: &[u8], reason: &'static str) -> PathBuf {
        self.bad.insert(text.to_string(), reason);
        self.file(rel, bytes)
    }

    fn warned(&mut self, rel: &[u8], text: &str, bytes: &[u8], reason: &'static str) -> PathBuf {
        self.warned.insert(text.to_string(), reason);
        self.file(rel, bytes)
    }

    /// The catalog's text for a path under the root.
    fn abs(&self, rel: &str) -> String {
        format!("{}/{rel}", self.root.display())
    }
}

/// Builds the corpus under `tmp/dump` (a canonical path, as the catalog
/// stores it).
fn build_corpus(tmp: &Path) -> Corpus {
    let root = tmp.canonicalize().expect("canonical").join("dump");
    let mut c = Corpus { root, good: BTreeMap::new(), bad: BTreeMap::new(), warned: BTreeMap::new() };
    // Good clips, some under names and places made to trip the walk.
    for (kind, name) in [("mp4", "C0001.MP4"), ("wav", "T001.WAV"), ("plain", "PLAIN.mp4")] {
        c.good(name.as_bytes(), name, kind);
    }
    c.good(b"wav_named.MOV", "wav_named.MOV", "wav");
    c.good(b"mp4_named.WAV", "mp4_named.WAV", "mp4");
    c.good(b"clip.mov/inside.MP4", "clip.mov/inside.MP4", "mp4");
    c.good(b"x\xfe.MP4", "x\\xFE.MP4", "mp4");
    c.good(b"x\xff.MP4", "x\\xFF.MP4", "mp4");
    c.good(b"bad\xffdir/T001.WAV", "bad\\xFFdir/T001.WAV", "wav");
    c.good(b"new\nline.WAV", "new\nline.WAV", "wav");
    c.good(b"tab\tname.MP4", "tab\tname.MP4", "mp4");
    c.good("emoji 🎬 take.MP4".as_bytes(), "emoji 🎬 take.MP4", "mp4");
    let deep: String = (0..100).map(|i| format!("d{i:02}/")).collect();
    c.good(format!("{deep}deep.WAV").as_bytes(), &format!("{deep}deep.WAV"), "wav");
    std::os::unix::fs::symlink(".", c.root.join("loop")).expect("symlink loop");

    // Bad files, each with a word its reason must hold.
    c.bad(b"zero.MOV", "zero.MOV", b"", "empty");
    // Detection needs a whole box header (8 bytes) or RIFF header (12). A
    // WAV cut after its audio (in the trailing iXML) keeps its sound: it is
    // cataloged, with the cut reported.
    for (kind, ext, header) in [("mp4", "MP4", 8), ("wav", "WAV", 12)] {
        let whole = fixture(kind);
        let audio_end = if kind == "wav" { riff_audio_end(&whole) } else { whole.len() };
        for cut in cut_offsets(whole.len()) {
            let name = format!("cut/{kind}_at_{cut:06}.{ext}");
            let reason = if cut < header { "not a media file" } else { "truncated" };
            if cut >= audio_end {
                c.warned(name.as_bytes(), &name, &whole[..cut], reason);
            } else {
                c.bad(name.as_bytes(), &name, &whole[..cut], reason);
            }
        }
    }
    assert!(!c.warned.is_empty(), "a cut lands in the fixture WAV's trailing iXML");
    c.bad(b"text.MP4", "text.MP4", b"shot list, not a clip\n", "not a media file");
    for (i, ext) in ["MOV", "MP4", "WAV", "MXF"].into_iter().enumerate() {
        let name = format!("random.{ext}");
        c.bad(name.as_bytes(), &name, &noise(i as u64 + 1, 100_000), "not a media file");
    }
    c.bad(b"bad\xfename.MXF", "bad\\xFEname.MXF", &noise(9, 5_000), "not a media file");
    c.bad(b"new\nline bad.MOV", "new\nline bad.MOV", b"text\n", "not a media file");
    // A box whose 64-bit size is near u64::MAX, after a first box.
    let mut huge = Vec::new();
    huge.extend_from_slice(&16u32.to_be_bytes());
    huge.extend_from_slice(b"ftypqt  \0\0\0\0");
    huge.extend_from_slice(&1u32.to_be_bytes());
    huge.extend_from_slice(b"free");
    huge.extend_from_slice(&u64::MAX.to_be_bytes());
    c.bad(b"huge_box.MOV", "huge_box.MOV", &huge, "truncated");
    // 2 GB of zeros that take no disk space.
    let sparse = c.bad(b"sparse_2GB.MOV", "sparse_2GB.MOV", b"", "not a media file");
    std::fs::File::options().write(true).open(&sparse).and_then(|f| f.set_len(2 << 30)).expect("sparse file");
    // Unreadable: a good clip, and a folder holding one.
    let locked_file = c.bad(b"unreadable.MP4", "unreadable.MP4", &fixture("mp4"), "Permission denied");
    chmod(&locked_file, 0o000);
    let locked_dir = c.root.join("locked");
    c.file(b"locked/C0001.MP4", &fixture("mp4"));
    c.bad.insert("locked".into(), "cannot read folder");
    chmod(&locked_dir, 0o000);
    c
}

/// The start TC of each good fixture, from ffprobe rather than from
/// rushes: the MP4s' `timecode` tag (none: a clip without timecode starts
/// at 00:00:00:00), and for the WAV floor(TimeReference × 25 / sample
/// rate), at the 25 fps its iXML states (`fixtures/README.md`).
fn reference_tcs() -> BTreeMap<&'static str, String> {
    GOOD.iter()
        .map(|(kind, rel)| {
            let probe = common::ffprobe(&dump().join("2026-03-14").join(rel));
            let tc = if *kind == "wav" {
                let tr: u64 =
                    probe["format"]["tags"]["time_reference"].as_str().and_then(|t| t.parse().ok()).expect("tr");
                let sr: u64 = probe["streams"][0]["sample_rate"].as_str().and_then(|t| t.parse().ok()).expect("sr");
                common::ndf_label(tr * 25 / sr, 25)
            } else {
                let streams = probe["streams"].as_array().expect("streams");
                streams.iter().find_map(|s| s["tags"]["timecode"].as_str()).unwrap_or("00:00:00:00").to_string()
            };
            (*kind, tc)
        })
        .collect()
}

#[test]
fn bad_inputs_are_listed_and_good_files_cataloged() {
    let tmp = open_tempdir();
    let corpus = build_corpus(tmp.path());
    let tcs = reference_tcs();
    let documented = [("mp4", "14:30:59;28"), ("plain", "00:00:00:00"), ("wav", "14:31:05:00")];
    assert_eq!(tcs, documented.into_iter().map(|(k, v)| (k, v.to_string())).collect(), "fixtures/README.md");
    assert!(!nobody_can("-r", &corpus.root.join("unreadable.MP4")), "nobody must not read the chmod 000 file");
    assert!(!nobody_can("-r", &corpus.root.join("locked")), "nobody must not read the chmod 000 folder");
    let lib = nobody_dir(tmp.path()).join("lib");

    let report = json_of(&ingest(User::Nobody, &lib, &corpus.root, true), 0, "ingest");

    // Every bad file is listed, with its reason; nothing else failed.
    let failures: BTreeMap<String, String> = report["failures"]
        .as_array()
        .expect("failures")
        .iter()
        .map(|f| (f["path"].as_str().expect("path").to_string(), f["reason"].as_str().expect("reason").to_string()))
        .collect();
    for (rel, word) in &corpus.bad {
        let reason = failures.get(&corpus.abs(rel)).unwrap_or_else(|| panic!("{rel:?} is not listed: {failures:#?}"));
        assert!(reason.contains(word), "{rel:?}: reason {reason:?} should say {word:?}");
    }
    assert_eq!(failures.len(), corpus.bad.len(), "unexpected failures: {failures:#?}");
    let warned: BTreeMap<String, String> = report["cataloged_with_warnings"]
        .as_array()
        .expect("cataloged_with_warnings")
        .iter()
        .map(|f| (f["path"].as_str().expect("path").to_string(), f["reason"].as_str().expect("reason").to_string()))
        .collect();
    for (rel, word) in &corpus.warned {
        let reason = warned.get(&corpus.abs(rel)).unwrap_or_else(|| panic!("{rel:?} is not warned: {warned:#?}"));
        assert!(reason.contains(word), "{rel:?}: warning {reason:?} should say {word:?}");
    }
    assert_eq!(warned.len(), corpus.warned.len(), "unexpected warnings: {warned:#?}");
    assert_eq!(report["skipped_by_kind"]["duplicate_link"], 1, "the one link, a loop: {report}");

    // Every good file is cataloged once, with the start TC of its original.
    let clips = json_of(&rushes(User::Nobody, &lib, &["clips", "--json"]), 0, "clips --json");
    let clips: BTreeMap<String, &Value> =
        clips.as_array().expect("array").iter().map(|c| (c["path"].as_str().expect("path").to_string(), c)).collect();
    for (rel, kind) in &corpus.good {
        let clip = clips.get(&corpus.abs(rel)).unwrap_or_else(|| panic!("{rel:?} not cataloged: {:#?}", clips.keys()));
        assert_eq!(clip["start_tc"], tcs[kind].as_str(), "{rel:?}");
    }
    for rel in corpus.warned.keys() {
        let clip = clips.get(&corpus.abs(rel)).unwrap_or_else(|| panic!("{rel:?} not cataloged"));
        assert_eq!(clip["start_tc"], tcs["wav"].as_str(), "{rel:?}: the bext before the audio gives the start");
        assert_eq!(clip["warnings"].as_array().map(Vec::len), Some(1), "{rel:?}: {clip}");
    }
    assert_eq!(clips.len(), corpus.good.len() + corpus.warned.len(), "{:#?}", clips.keys());
    assert_eq!(report["clips_added"], corpus.good.len() + corpus.warned.len());
    // A re-run repeats the warnings of the unchanged clips.
    let again = json_of(&ingest(User::Nobody, &lib, &corpus.root, true), 0, "re-ingest");
    assert_eq!(again["cataloged_with_warnings"], report["cataloged_with_warnings"]);

    // The human report: one line per failed file, odd names escaped.
    let human = ingest(User::Nobody, &nobody_dir(&tmp.path().join("h")).join("lib"), &corpus.root, false);
    expect_code(&human, 0, "ingest (human)");
    let text = String::from_utf8(human.stdout).expect("utf-8 report");
    let listed: Vec<&str> =
        text.lines().skip_while(|l| !l.starts_with("failed:")).skip(1).take(corpus.bad.len()).collect();
    assert!(text.contains(&format!("failed: {} files", corpus.bad.len())), "{text}");
    assert!(text.contains(&format!("cataloged with warnings: {} files", corpus.warned.len())), "{text}");
    assert!(listed.iter().all(|l| l.starts_with(&format!("  {}/", corpus.root.display()))), "{text}");
    assert!(text.contains("/new\\nline bad.MOV: not a media file"), "{text}");
    assert!(text.contains("/bad\\xFEname.MXF: not a media file"), "{text}");

    // `clips`: a header, one line per clip, a total.
    let table = rushes(User::Nobody, &lib, &["clips"]);
    expect_code(&table, 0, "clips");
    let table = String::from_utf8(table.stdout).expect("utf-8 table");
    assert_eq!(table.lines().count(), corpus.good.len() + corpus.warned.len() + 2, "{table}");
    assert!(table.contains("new\\nline.WAV") && table.contains("tab\\tname.MP4"), "{table}");

    // Search finds clips by their odd names.
    for (word, rel) in [("line", "new\nline.WAV"), ("emoji", "emoji 🎬 take.MP4"), ("deep", "deep.WAV")] {
        let hits = json_of(&rushes(User::Nobody, &lib, &["search", word, "--json"]), 0, word);
        let paths: Vec<&str> = hits.as_array().expect("hits").iter().filter_map(|h| h["path"].as_str()).collect();
        assert!(paths.iter().any(|p| p.ends_with(rel)), "search {word}: {paths:?}");
        let human = rushes(User::Nobody, &lib, &["search", word]);
        expect_code(&human, 0, word);
    }
}

/// `rushes ingest [--json] DIR` as `user`.
fn ingest(user: User, lib: &Path, dir: &Path, json: bool) -> Output {
    let mut args = vec![OsStr::new("ingest"), dir.as_os_str()];
    if json {
        args.push(OsStr::new("--json"));
    }
    rushes(user, lib, &args)
}

/// Runs `script` in a private mount namespace (`unshare -m`), so its
/// mounts vanish with it; `$1`... are `args`.
fn in_mount_namespace<S: AsRef<OsStr>>(script: &str, args: &[S]) -> Output {
    let mut cmd = guarded(User::Root);
    cmd.args(["unshare", "-m", "sh", "-c", script, "sh"]).args(args);
    finished(&mut cmd)
}

/// `mount --bind $1 $2`, read-only, then runs the rest of the arguments;
/// exits 97 if the view is not read-only.
const RO_VIEW: &str = r#"mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" || exit 97
[ -w "$2" ] && { echo "$2 is still writable" >&2; exit 97; }
shift 2; exec "$@""#;

/// `rushes --library LIB args` with `ro` a read-only view of `src`.
fn with_ro_view<S: AsRef<OsStr>>(src: &Path, ro: &Path, lib: &Path, args: &[S]) -> Output {
    std::fs::create_dir_all(ro).expect("mount point");
    let mut all: Vec<&OsStr> = vec![src.as_os_str(), ro.as_os_str(), OsStr::new(env!("CARGO_BIN_EXE_rushes"))];
    all.extend([OsStr::new("--library"), lib.as_os_str()]);
    all.extend(args.iter().map(AsRef::as_ref));
    in_mount_namespace(RO_VIEW, &all)
}

/// A copy of the fixture dump plus a few bad files, to ingest read-only.
fn source_tree(tmp: &Path) -> PathBuf {
    let src = tmp.join("src");
    copy_tree(&dump(), &src);
    std::fs::write(src.join("zero.MOV"), b"").expect("write");
    std::fs::write(src.join("cut.WAV"), &fixture("wav")[..5000]).expect("write");
    src
}

#[test]
fn a_read_only_source_is_ingested_and_left_identical() {
    let tmp = open_tempdir();
    let src = source_tree(tmp.path());
    let reference = Env::new();
    let expected = reference.ingest(&src);
    let before = snapshot(&src);

    // (a) Through a read-only bind mount.
    let ro = tmp.path().join("ro");
    let lib = tmp.path().join("lib-ro-mount");
    let out = with_ro_view(&src, &ro, &lib, &[OsStr::new("ingest"), OsStr::new("--json"), ro.as_os_str()]);
    let report = json_of(&out, 0, "ingest of a read-only mount");
    assert_eq!(report["clips_added"], expected["clips_added"]);
    assert_eq!(report["failures"].as_array().map(Vec::len), expected["failures"].as_array().map(Vec::len));
    assert_eq!(snapshot(&src), before, "the source changed");

    // (b) As a user without write permission anywhere in it.
    assert!(!nobody_can("-w", &src), "nobody must not be able to write the source");
    let lib = nobody_dir(tmp.path()).join("lib");
    let report = json_of(&ingest(User::Nobody, &lib, &src, true), 0, "ingest as nobody");
    assert_eq!(report["clips_added"], expected["clips_added"]);
    assert_eq!(report["failures"], expected["failures"]);
    assert_eq!(snapshot(&src), before, "the source changed (no new files, same bytes and mtimes)");
}

/// A tmpfs of `kib` KiB mounted on `dir` for the life of the value.
struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    fn mount(dir: &Path, kib: u32) -> Tmpfs {
        std::fs::create_dir_all(dir).expect("mount point");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k,mode=0755"), "tmpfs"])
            .arg(dir)
            .output()
            .expect("run mount");
        assert!(
            out.status.success(),
            "mount -t tmpfs failed (these tests run as root, as CI does): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs { dir: dir.to_path_buf() }
    }

    /// Writes `filler` until the disk is full.
    fn fill(&self) -> PathBuf {
        let path = self.dir.join("filler");
        let mut f = std::fs::File::create(&path).expect("filler");
        let chunk = vec![0x5Au8; 4096];
        let err = loop {
            if let Err(e) = f.write_all(&chunk).and_then(|()| f.sync_all()) {
                break e;
            }
        };
        assert_eq!(err.kind(), std::io::ErrorKind::StorageFull, "filling the disk: {err}");
        path
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
    }
}

/// Checks a refused ingest: exit 2, nothing on stdout, and one message
/// that names the library and gives the operating system's reason, not
/// tantivy's internals (worker threads, `IoError {..}` dumps, "another
/// ingest is running").
fn assert_clear_error(out: &Output, lib: &Path, reason: &str) {
    expect_code(out, 2, "ingest into a library that cannot be written");
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(reason), "the message says {reason:?}: {err}");
    assert!(err.contains(&lib.display().to_string()), "the message names the library: {err}");
    for internal in ["IoError", "thread", "another `rushes ingest`"] {
        assert!(!err.contains(internal), "the message shows {internal:?}: {err}");
    }
}

const NO_SPACE: &str = "No space left on device";

fn catalog_paths(lib: &Path) -> Vec<String> {
    let clips = json_of(&rushes(User::Root, lib, &["clips", "--json"]), 0, "clips --json");
    let mut paths: Vec<String> =
        clips.as_array().expect("array").iter().map(|c| c["path"].as_str().expect("path").to_string()).collect();
    paths.sort();
    paths
}

/// A dump of 3 clips and one of `n` clips under `tmp`.
fn two_dumps(tmp: &Path, n: usize) -> (PathBuf, PathBuf) {
    let (small, big) = (tmp.join("small"), tmp.join("big"));
    big_dump(&small, 3);
    big_dump(&big, n);
    (small, big)
}

#[test]
fn a_full_disk_fails_clearly_and_keeps_the_last_commit() {
    let tmp = open_tempdir();
    let (small, big) = two_dumps(tmp.path(), 60);
    let disk = Tmpfs::mount(&tmp.path().join("disk"), 2048);
    let lib = disk.dir.join("lib");

    let first = ingest(User::Root, &lib, &small, true);
    expect_code(&first, 0, "first ingest");
    let before = json_of(&rushes(User::Root, &lib, &["clips", "--json"]), 0, "clips");
    let filler = disk.fill();

    let out = ingest(User::Root, &lib, &big, true);
    assert_clear_error(&out, &lib, NO_SPACE);
    let after = json_of(&rushes(User::Root, &lib, &["clips", "--json"]), 0, "clips after");
    assert_eq!(after, before, "the last commit is intact");
    expect_code(&rushes(User::Root, &lib, &["search", "CLIP0000"]), 0, "search after");

    // Space again: the same ingest completes (no stale lock, no damage).
    std::fs::remove_file(filler).expect("free space");
    let report = json_of(&ingest(User::Root, &lib, &big, true), 0, "re-run");
    assert_eq!(report["clips_added"], 60);
    assert_eq!(catalog_paths(&lib).len(), 63);
}

#[test]
fn a_fresh_library_whose_first_commit_finds_no_space_recovers() {
    let tmp = open_tempdir();
    let big = tmp.path().join("big");
    big_dump(&big, 60);
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    let disk = Tmpfs::mount(&tmp.path().join("disk"), 1024);
    let lib = disk.dir.join("lib");

    // Made, but nothing committed yet.
    expect_code(&ingest(User::Root, &lib, &empty, false), 0, "create");
    let filler = disk.fill();
    assert_clear_error(&ingest(User::Root, &lib, &big, false), &lib, NO_SPACE);
    assert_eq!(catalog_paths(&lib), Vec::<String>::new(), "still an empty library that opens");

    // With no room even to create it, the message is as clear.
    let other = disk.dir.join("other");
    assert_clear_error(&ingest(User::Root, &other, &big, false), &other, NO_SPACE);

    std::fs::remove_file(filler).expect("free space");
    expect_code(&ingest(User::Root, &lib, &big, false), 0, "re-run");
    let reference = Env::new();
    reference.ingest(&big);
    let expected: Vec<String> = {
        let mut p: Vec<String> =
            reference.clips().iter().map(|c| c["path"].as_str().expect("path").to_string()).collect();
        p.sort();
        p
    };
    assert_eq!(catalog_paths(&lib), expected);
}

/// Gives a tree to `nobody`, with no write permission anywhere.
fn read_only_for_nobody(dir: &Path) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            read_only_for_nobody(&path);
        } else {
            std::os::unix::fs::chown(&path, Some(65534), Some(65534)).expect("chown");
            chmod(&path, 0o444);
        }
    }
    std::os::unix::fs::chown(dir, Some(65534), Some(65534)).expect("chown");
    chmod(dir, 0o555);
}

#[test]
fn a_library_that_cannot_be_written_is_refused_clearly_and_left_unchanged() {
    let tmp = open_tempdir();
    let (small, big) = two_dumps(tmp.path(), 6);
    let lib = tmp.path().join("lib");
    expect_code(&ingest(User::Root, &lib, &small, false), 0, "first ingest");
    let before = snapshot(&lib);
    let clips = json_of(&rushes(User::Root, &lib, &["clips", "--json"]), 0, "clips");

    // (a) Through a read-only bind mount: refused, and still readable.
    let ro = tmp.path().join("ro");
    let out = with_ro_view(&lib, &ro, &ro, &[OsStr::new("ingest"), big.as_os_str()]);
    assert_clear_error(&out, &ro, "Read-only file system");
    let read = with_ro_view(&lib, &ro, &ro, &["clips", "--json"]);
    let listed: Value = json_of(&read, 0, "clips of a read-only library");
    assert_eq!(listed.as_array().map(Vec::len), clips.as_array().map(Vec::len));
    expect_code(&with_ro_view(&lib, &ro, &ro, &["search", "CLIP0000"]), 0, "search of a read-only library");
    assert_eq!(snapshot(&lib), before, "the library is unchanged");

    // (b) Nobody's own library with every write permission removed:
    // refused, and still readable.
    read_only_for_nobody(&lib);
    let before = snapshot(&lib);
    assert!(!nobody_can("-w", &lib), "nobody must not be able to write the library");
    assert_clear_error(&ingest(User::Nobody, &lib, &big, false), &lib, "Permission denied");
    let listed = json_of(&rushes(User::Nobody, &lib, &["clips", "--json"]), 0, "clips as nobody");
    assert_eq!(listed.as_array().map(Vec::len), clips.as_array().map(Vec::len));
    assert_eq!(snapshot(&lib), before, "the library is unchanged");

    // (c) A library path under a file, or that is a file.
    let file = tmp.path().join("file");
    std::fs::write(&file, b"x").expect("write");
    let under = file.join("lib");
    assert_clear_error(&ingest(User::Root, &under, &small, false), &under, "Not a directory");
    assert_clear_error(&ingest(User::Root, &file, &small, false), &file, "is a file, not a library folder");
    assert_eq!(std::fs::read(&file).expect("read"), b"x");
}

/// An AP's library on a shared drive is searched by an editor under another
/// account: every file of it must be readable by others (tantivy makes its
/// meta files private unless told otherwise), while only its owner writes.
#[test]
fn a_library_built_by_one_user_is_read_by_another() {
    let tmp = open_tempdir();
    let lib = tmp.path().join("lib");
    let built = json_of(&rushes(User::Root, &lib, &["ingest", "--json", dump().to_str().expect("utf-8")]), 0, "ingest");
    let own = json_of(&rushes(User::Root, &lib, &["clips", "--json"]), 0, "clips as the owner");
    assert_eq!(own.as_array().map(Vec::len), built["clips_added"].as_u64().map(|n| n as usize));

    let theirs = json_of(&rushes(User::Nobody, &lib, &["clips", "--json"]), 0, "clips as another user");
    assert_eq!(theirs, own);
    let hits = json_of(&rushes(User::Nobody, &lib, &["search", "café", "--json"]), 0, "search as another user");
    assert!(hits.as_array().is_some_and(|h| !h.is_empty()), "{hits}");
    // Reading does not make it theirs to write.
    let out = rushes(User::Nobody, &lib, &["ingest", dump().to_str().expect("utf-8")]);
    expect_code(&out, 2, "ingest as another user");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Permission denied"), "{out:?}");
}
