//! Walking a card dump: which files are media candidates, which are the
//! junk cameras and operating systems leave on cards (counted, skipped),
//! which are sidecars; and what the folder layout says about camera, reel
//! and shoot day.
//!
//! The walk only reads directory entries and metadata (never file
//! contents: deciding what a file *is* belongs to `probe`). It follows
//! symbolic links but never enters a directory twice and never yields the
//! same file twice (both keyed by device and inode), so a link loop ends
//! and a linked clip is cataloged once.

use std::collections::{BTreeMap, HashSet};
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::clip::Fingerprint;
use crate::date::date_in_name;

/// A file the walk found that may be a clip.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// The path as walked (under the root as given, symlinks unresolved).
    pub path: PathBuf,
    /// Path relative to the root, `/`-separated.
    pub rel_path: String,
    pub fingerprint: Fingerprint,
}

/// A file or folder the walk did not take, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skip {
    pub path: PathBuf,
    pub kind: SkipKind,
}

/// Why a file is not a candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipKind {
    /// `.THM`, `THMBNL/`: camera thumbnails.
    Thumbnail,
    /// `.LRV`, `.LRF`, Sony `SUB/`: low-resolution proxies.
    Proxy,
    /// `.DS_Store`, `._*`, `Thumbs.db`, `.Spotlight-V100`, ...
    System,
    /// AVCHD index files `.BIN .CPI .MPL .BDM`.
    CardIndex,
    /// A link to a file or folder already walked (or a loop).
    DuplicateLink,
    /// A P2 card's `CONTENTS/AUDIO/`: the sound of the clips its clip
    /// XMLs describe, cataloged with their `VIDEO/` essence.
    ClipEssence,
}

impl SkipKind {
    pub fn label(self) -> &'static str {
        match self {
            SkipKind::Thumbnail => "thumbnail",
            SkipKind::Proxy => "proxy",
            SkipKind::System => "system",
            SkipKind::CardIndex => "card_index",
            SkipKind::DuplicateLink => "duplicate_link",
            SkipKind::ClipEssence => "clip_essence",
        }
    }
}

/// A folder or file that could not be read during the walk.
#[derive(Debug)]
pub struct WalkError {
    pub path: PathBuf,
    pub reason: String,
}

/// Everything one walk found.
#[derive(Debug, Default)]
pub struct Walk {
    pub candidates: Vec<Candidate>,
    /// Text/XML files beside media: camera sidecars, transcripts, notes.
    pub sidecars: Vec<Candidate>,
    pub skipped: Vec<Skip>,
    pub errors: Vec<WalkError>,
}

impl Walk {
    /// Skipped files counted by kind.
    pub fn skipped_by_kind(&self) -> BTreeMap<&'static str, usize> {
        let mut m = BTreeMap::new();
        for s in &self.skipped {
            *m.entry(s.kind.label()).or_insert(0) += 1;
        }
        m
    }
}

/// Walks `root` recursively. The root itself must be a readable folder.
pub fn walk(root: &Path) -> std::io::Result<Walk> {
    let meta = fs::metadata(root)?;
    if !meta.is_dir() {
        return Err(std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder"));
    }
    let mut w = Walk::default();
    let mut seen_dirs = HashSet::new();
    let mut seen_files = HashSet::new();
    let (mut files, mut linked) = (Vec::new(), Vec::new());
    seen_dirs.insert((meta.dev(), meta.ino()));
    // An explicit stack keeps deep trees from overflowing the call stack.
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, rel_dir)) = stack.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                w.errors.push(WalkError { path: dir, reason: format!("cannot read folder: {e}") });
                continue;
            }
        };
        let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
        entries.sort_by_key(|e| e.file_name());
        // Reverse so the stack pops in name order.
        for entry in entries.into_iter().rev() {
            let path = entry.path();
            let name = os_text(&entry.file_name());
            let rel = if rel_dir.is_empty() { name.clone() } else { format!("{rel_dir}/{name}") };
            // `metadata` follows links; a dangling link or a loop fails here.
            let meta = match fs::metadata(&path) {
                Ok(m) => m,
                Err(e) => {
                    let is_link = entry.file_type().map(|t| t.is_symlink()).unwrap_or(false);
                    if is_link {
                        w.skipped.push(Skip { path, kind: SkipKind::DuplicateLink });
                    } else {
                        w.errors.push(WalkError { path, reason: format!("cannot read: {e}") });
                    }
                    continue;
                }
            };
            if meta.is_dir() {
                let sony_proxies = name.eq_ignore_ascii_case("SUB") && rel_dir.to_ascii_uppercase().ends_with("M4ROOT");
                // A P2 card's sound channels belong to the clips its CLIP
                // XMLs describe (one clip each, with the VIDEO essence).
                let p2_audio = name.eq_ignore_ascii_case("AUDIO")
                    && rel_dir.rsplit('/').next().is_some_and(|d| d.eq_ignore_ascii_case("CONTENTS"))
                    && dir.join("CLIP").is_dir();
                // A rushes library is ours, not footage.
                let library = path.join("library.json").is_file() && path.join("index").is_dir();
                if library {
                    w.skipped.push(Skip { path, kind: SkipKind::System });
                } else if sony_proxies {
                    w.skipped.push(Skip { path, kind: SkipKind::Proxy });
                } else if p2_audio {
                    w.skipped.push(Skip { path, kind: SkipKind::ClipEssence });
                } else if let Some(kind) = skip_dir(&name) {
                    w.skipped.push(Skip { path, kind });
                } else if !seen_dirs.insert((meta.dev(), meta.ino())) {
                    w.skipped.push(Skip { path, kind: SkipKind::DuplicateLink });
                } else {
                    stack.push((path, rel));
                }
                continue;
            }
            if !meta.is_file() {
                continue; // sockets, fifos, devices: nothing a camera writes
            }
            if let Some(kind) = skip_file(&name) {
                w.skipped.push(Skip { path, kind });
                continue;
            }
            let fingerprint = Fingerprint { size: meta.len(), mtime_ns: mtime_ns(&meta) };
            let file =
                (Candidate { path, rel_path: rel, fingerprint }, (meta.dev(), meta.ino()), is_sidecar_name(&name));
            // Links come after every real file, so the real path is the one
            // cataloged when both are in the dump.
            if entry.file_type().map(|t| t.is_symlink()).unwrap_or(false) {
                linked.push(file);
            } else {
                files.push(file);
            }
        }
    }
    for (cand, key, sidecar) in files.into_iter().chain(linked) {
        if !seen_files.insert(key) {
            w.skipped.push(Skip { path: cand.path, kind: SkipKind::DuplicateLink });
        } else if sidecar {
            w.sidecars.push(cand);
        } else {
            w.candidates.push(cand);
        }
    }
    w.candidates.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    Ok(w)
}

/// A file name or path as text, without loss: as it is when it is UTF-8,
/// else each byte that is not UTF-8 written as `\xHH`. Catalog paths and
/// clip ids are made from this text, so two names that differ only in such
/// bytes stay two clips (a lossy conversion made both `x\u{FFFD}.MP4`, and
/// one replaced the other in the catalog).
pub fn os_text(s: &OsStr) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02X}");
        }
    }
    out
}

/// Modification time in nanoseconds since the Unix epoch.
pub fn mtime_ns(meta: &fs::Metadata) -> i128 {
    i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec())
}

fn ext_of(name: &str) -> String {
    name.rsplit_once('.').map(|(_, e)| e.to_ascii_uppercase()).unwrap_or_default()
}

fn skip_file(name: &str) -> Option<SkipKind> {
    let upper = name.to_ascii_uppercase();
    if name.starts_with("._") || matches!(upper.as_str(), ".DS_STORE" | "THUMBS.DB" | "DESKTOP.INI" | "EHTHUMBS.DB") {
        return Some(SkipKind::System);
    }
    match ext_of(name).as_str() {
        "THM" => Some(SkipKind::Thumbnail),
        "LRV" | "LRF" => Some(SkipKind::Proxy),
        "BIN" | "CPI" | "MPL" | "BDM" => Some(SkipKind::CardIndex),
        _ => None,
    }
}

fn skip_dir(name: &str) -> Option<SkipKind> {
    match name.to_ascii_uppercase().as_str() {
        "THMBNL" => Some(SkipKind::Thumbnail),
        ".SPOTLIGHT-V100"
        | ".FSEVENTSD"
        | ".TRASHES"
        | "SYSTEM VOLUME INFORMATION"
        | ".TEMPORARYITEMS"
        | "$RECYCLE.BIN"
        | ".DOCUMENTREVISIONS-V100" => Some(SkipKind::System),
        _ => None,
    }
}

/// Files that describe clips rather than being clips.
fn is_sidecar_name(name: &str) -> bool {
    matches!(
        ext_of(name).as_str(),
        "XML" | "SRT" | "VTT" | "JSON" | "CSV" | "TSV" | "TXT" | "MHL"
            // Transcripts and captions (`transcript::EXTENSIONS`).
            | "SCC" | "STL" | "TTML" | "DFXP" | "SBV" | "ASS" | "SSA" | "DOCX" | "PRTRANSCRIPT"
            // Shoot notes and sound reports kept as workbooks.
            | "XLSX" | "XLSM" | "XLS" | "ODS"
    )
}

/// What a clip's place in the card dump says about it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CardContext {
    pub camera: Option<String>,
    pub reel: Option<String>,
    /// From a dated folder name anywhere on the path (root included).
    pub day: Option<String>,
}

/// Reads camera, reel and day from folder names and the file name.
/// `root_name` is the ingested folder's own name (it may be the dated one).
pub fn card_context(root_name: &str, rel_path: &str) -> CardContext {
    let mut ctx = CardContext { day: date_in_name(root_name), ..CardContext::default() };
    let parts: Vec<&str> = rel_path.split('/').collect();
    let (file, dirs) = parts.split_last().map_or(("", &[][..]), |(f, d)| (*f, d));
    for dir in dirs {
        if let Some(day) = date_in_name(dir) {
            ctx.day = Some(day);
        }
        if let Some(cam) = camera_folder(dir) {
            ctx.camera = Some(cam);
        }
        if let Some((cam, reel)) = reel_name(dir) {
            ctx.reel = Some(reel);
            ctx.camera = Some(cam);
        }
    }
    // ARRI-style names `A003C012_260314_R1AB.mov` carry the reel.
    if let Some((cam, reel)) = arri_file_reel(file) {
        ctx.reel = Some(reel);
        ctx.camera.get_or_insert(cam);
    }
    ctx
}

/// `A_CAM`, `CAM_A`, `B-CAM`, `CAM B`, `ACAM`, `CAMERA_A`, `SOUND`, `AUDIO`.
fn camera_folder(name: &str) -> Option<String> {
    let u = name.to_ascii_uppercase();
    let u = u.trim();
    if matches!(u, "SOUND" | "AUDIO" | "SND" | "SOUND_ROLLS" | "SOUNDROLLS")
        || u.starts_with("SOUND_")
        || u.ends_with("_SOUND")
    {
        return Some("SOUND".into());
    }
    let is_sep = |c: char| c == '_' || c == '-' || c == ' ';
    // `CAM` may touch its letter (`CAMA`, `ACAM`); `CAMERA` needs a
    // separator, or `CAMERAS` would be camera S.
    for word in ["CAMERA", "CAM"] {
        let candidates = [u.strip_prefix(word), u.strip_suffix(word)];
        for rest in candidates.into_iter().flatten() {
            let letter = rest.trim_matches(is_sep);
            let separated = letter.len() < rest.len();
            if is_cam_letter(letter) && (separated || word == "CAM") {
                return Some(letter.to_string());
            }
        }
    }
    None
}

fn is_cam_letter(s: &str) -> bool {
    s.len() == 1 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// A card folder `A001` (camera letter + 3-digit roll), optionally with a
/// suffix after `_` or letters (`A001_R1AB`, `A001R1AB`).
fn reel_name(name: &str) -> Option<(String, String)> {
    let b = name.as_bytes();
    if b.len() < 4 || !b[0].is_ascii_uppercase() || !b[1..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    if b.get(4).is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(((b[0] as char).to_string(), name[..4].to_string()))
}

/// `A003C012_...`: camera A, reel A003.
fn arri_file_reel(file: &str) -> Option<(String, String)> {
    let b = file.as_bytes();
    let ok = b.len() >= 9
        && b[0].is_ascii_uppercase()
        && b[1..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'C'
        && b[5..8].iter().all(u8::is_ascii_digit)
        && matches!(b[8], b'_' | b'.');
    ok.then(|| ((b[0] as char).to_string(), file[..4].to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(root: &str, rel: &str) -> (Option<String>, Option<String>, Option<String>) {
        let c = card_context(root, rel);
        (c.camera, c.reel, c.day)
    }

    #[test]
    fn cameras_reels_days_from_layout() {
        let s = |v: &str| Some(v.to_string());
        assert_eq!(ctx("2026-03-14", "A001/PRIVATE/M4ROOT/CLIP/C0001.MP4"), (s("A"), s("A001"), s("2026-03-14")));
        assert_eq!(ctx("DAY01", "B_CAM/A003C012_260314_R1AB.mov"), (s("B"), s("A003"), None));
        assert_eq!(ctx("DAY01", "CAM_C/DCIM/100GOPRO/GX010042.MP4"), (s("C"), None, None));
        assert_eq!(ctx("x", "20260315/B-CAM/clip.mov"), (s("B"), None, s("2026-03-15")));
        assert_eq!(ctx("x", "SOUND/T001.WAV"), (s("SOUND"), None, None));
        assert_eq!(ctx("x", "A003C012_260314_R1AB.mov"), (s("A"), s("A003"), None));
        assert_eq!(ctx("x", "DCIM/100CANON/MVI_0001.MP4"), (None, None, None));
        assert_eq!(ctx("x", "CAMERAS/x.mov"), (None, None, None));
    }

    #[test]
    fn names_that_are_not_utf8_stay_distinct() {
        let name = |b: &[u8]| os_text(OsStr::from_bytes(b));
        assert_eq!(name(b"C0001.MP4"), "C0001.MP4");
        assert_eq!(name("clip 🎬\n.mov".as_bytes()), "clip 🎬\n.mov");
        assert_eq!(name(b"x\xfe.MP4"), "x\\xFE.MP4");
        assert_eq!(name(b"x\xff.MP4"), "x\\xFF.MP4");
        // A cut multi-byte sequence keeps its valid neighbours.
        assert_eq!(name(b"caf\xc3.wav"), "caf\\xC3.wav");
    }

    #[test]
    fn junk_is_recognised() {
        assert_eq!(skip_file("._C0001.MP4"), Some(SkipKind::System));
        assert_eq!(skip_file("GL010042.LRV"), Some(SkipKind::Proxy));
        assert_eq!(skip_file("GX010042.THM"), Some(SkipKind::Thumbnail));
        assert_eq!(skip_file("INDEX.BDM"), Some(SkipKind::CardIndex));
        assert_eq!(skip_file("C0001.MP4"), None);
        assert_eq!(skip_dir("System Volume Information"), Some(SkipKind::System));
        assert_eq!(skip_dir("THMBNL"), Some(SkipKind::Thumbnail));
    }
}
