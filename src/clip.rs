//! The catalog record of one clip: what `rushes clips --json` prints and
//! what the library stores. Produced by [`crate::merge`], read by
//! everything downstream. Field names are a public contract (README).

use serde::{Deserialize, Serialize};

use crate::probe::{AudioInfo, Length, TcSource, VideoInfo};

/// Size and modification time of a file: if both match the library, the
/// file is unchanged and is not probed again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fingerprint {
    pub size: u64,
    pub mtime_ns: i128,
}

/// One clip in the catalog.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Clip {
    /// Stable across re-ingests: derived from the absolute path.
    pub id: String,
    /// Absolute path as found under the ingested folder.
    pub path: String,
    /// Path relative to the ingested folder.
    pub rel_path: String,
    /// The ingested folder this clip was found under (absolute).
    pub root: String,
    /// File name.
    pub name: String,
    pub camera: Option<String>,
    pub reel: Option<String>,
    /// Shoot day, `YYYY-MM-DD`.
    pub day: Option<String>,
    pub container: String,
    pub duration_s: f64,
    /// Frames from `start_tc` to `end_tc` at the clip's rate, if it has one.
    pub n_frames: Option<u64>,
    /// Editor's label of the rate: "23.976", "25", "29.97"...; null for
    /// audio without a rate.
    pub fps: Option<String>,
    /// The exact rate as `num/den`.
    pub rate: Option<String>,
    pub drop_frame: Option<bool>,
    /// First frame's label; null only for audio whose time reference needs
    /// a rate nobody gave (`--fps`).
    pub start_tc: Option<String>,
    /// The frame after the last one, as NLEs show it.
    pub end_tc: Option<String>,
    pub start_tc_source: TcSource,
    /// BWF TimeReference kept when no rate was known to label it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub start_samples: Option<u64>,
    /// For a file with no rate of its own: what its timecode is made from
    /// with a project rate, so a new `--fps` or `rushes set --fps` labels
    /// it without reading the file again.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tc_basis: Option<TcBasis>,
    pub video: Option<VideoInfo>,
    pub audio: Option<AudioInfo>,
    pub size: u64,
    pub mtime_ns: i128,
    /// A hash of the file's first and last blocks: with size and mtime, it
    /// recognises the file when its folder has moved.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub content_hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub scene: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub take: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tape: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub track_names: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub circled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub family_uid: Option<String>,
    /// The camera sidecar read with this clip, so a changed sidecar makes
    /// the clip "updated" on the next ingest.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sidecar: Option<Sidecar>,
    /// The file has vanished from its folder; the record is kept.
    pub offline: bool,
    /// Transcript segments and notes attached, and the speakers heard.
    #[serde(default)]
    pub segments: usize,
    #[serde(default)]
    pub notes: usize,
    #[serde(default)]
    pub speakers: Vec<String>,
    /// What probing found wrong with a file it could still catalog (a WAV
    /// cut inside its trailing iXML); repeated by every ingest's report
    /// until the file is replaced.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub warnings: Vec<String>,
}

/// A sidecar file and its fingerprint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sidecar {
    pub path: String,
    pub size: u64,
    pub mtime_ns: i128,
}

/// The facts a rate-less file's timecode is derived from with a project
/// rate (see `merge::rederive`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TcBasis {
    /// The length as the container counts it.
    pub length: Length,
    /// BWF TimeReference (samples since midnight at the audio's sample
    /// rate), if the file has one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub time_reference: Option<u64>,
}

/// A clip found at a new place: same id, words and metadata.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Relinked {
    pub id: String,
    /// Where the file is now.
    pub path: String,
    /// Where it was.
    pub from: String,
}

impl Clip {
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint { size: self.size, mtime_ns: self.mtime_ns }
    }

    /// Whether the clip's file lies under the folder `dir` (absolute).
    pub fn is_under(&self, dir: &str) -> bool {
        is_under(&self.path, dir)
    }

    /// The same clip (id, metadata, words) at a new place: `root` is the
    /// folder it is cataloged under, `rel_path` its path inside. A camera
    /// sidecar beside it moves with it.
    pub fn moved(&self, root: &str, rel_path: &str) -> Clip {
        let path = join_abs(root, rel_path);
        let mut clip = self.clone();
        if let Some(side) = clip.sidecar.as_mut() {
            let (dir, _) = path.rsplit_once('/').unwrap_or(("", &path));
            let name = side.path.rsplit('/').next().unwrap_or(&side.path);
            side.path = format!("{dir}/{name}");
        }
        clip.name = rel_path.rsplit('/').next().unwrap_or(rel_path).to_string();
        clip.root = root.to_string();
        clip.rel_path = rel_path.to_string();
        clip.path = path;
        clip.offline = false;
        clip
    }
}

/// Whether `path` lies under the folder `dir` (both absolute, `/`-separated).
pub fn is_under(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    path.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
}

/// `root` + `/` + `rel`, as the absolute path users see.
pub fn join_abs(root_abs: &str, rel: &str) -> String {
    if root_abs.ends_with('/') { format!("{root_abs}{rel}") } else { format!("{root_abs}/{rel}") }
}

/// A camera as people write it, reduced to its letter or name: `A CAM`,
/// `Cam B`, `CAM-A`, `B-cam`, `ACAM` and `a` are cameras `A` and `B`.
pub fn camera_key(cam: &str) -> String {
    let upper = cam.trim().to_uppercase();
    let words = upper.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty());
    let mut key = String::new();
    for w in words {
        if w == "CAM" || w == "CAMERA" {
            continue;
        }
        let short = |rest: &str| !rest.is_empty() && rest.chars().count() <= 2;
        match (w.strip_prefix("CAMERA").or(w.strip_prefix("CAM")), w.strip_suffix("CAMERA").or(w.strip_suffix("CAM"))) {
            (Some(rest), _) if short(rest) => key.push_str(rest),
            (_, Some(rest)) if short(rest) => key.push_str(rest),
            _ => key.push_str(w),
        }
    }
    key
}

/// The absolute path of a clip named by a path as the user typed it,
/// relative to the working folder (`shoot/DAY01/A001/C0001.MP4`), when it
/// names an existing file; the catalog holds absolute paths.
pub fn typed_path(want: &str) -> Option<String> {
    let abs = std::fs::canonicalize(want).ok().filter(|p| p.is_file())?;
    abs.to_str().map(str::to_string)
}

/// The stable id of the clip at `abs_path`: 64-bit FNV-1a as 16 hex digits.
pub fn clip_id(abs_path: &str) -> String {
    format!("{:016x}", fnv1a64(abs_path.as_bytes()))
}

/// 64-bit FNV-1a: a stable hash (std's is randomised) for clip ids and the
/// fingerprints of transcript and notes files. Changing it changes every id.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// Which clips `rushes clips` lists: each set field must match.
#[derive(Clone, Debug, Default)]
pub struct ClipFilter {
    /// A camera as people write it (`b`, `B CAM`), compared by [`camera_key`].
    pub camera: Option<String>,
    /// A shoot day, `YYYY-MM-DD`.
    pub day: Option<String>,
    /// A glob on the file name (`*`, `?`), ignoring case: card names are
    /// upper case and people type lower.
    pub name: Option<String>,
    /// Only clips whose file has vanished.
    pub offline: bool,
}

impl ClipFilter {
    pub fn matches(&self, clip: &Clip) -> bool {
        let camera = |want: &String| clip.camera.as_deref().is_some_and(|c| camera_key(c) == camera_key(want));
        self.camera.as_ref().is_none_or(camera)
            && self.day.as_ref().is_none_or(|d| clip.day.as_ref() == Some(d))
            && self.name.as_ref().is_none_or(|g| glob_match(&g.to_lowercase(), &clip.name.to_lowercase()))
            && (!self.offline || clip.offline)
    }
}

/// Whether `text` matches the shell-style `pattern`: `*` any run of
/// characters, `?` any one, everything else itself. Iterative with one
/// backtrack point, so no pattern costs more than text × pattern steps.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    // The last `*` seen and the text position it has taken up to.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// One transcript cue placed on a clip: the unit soundbite search finds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub clip_id: String,
    /// Transcript file (absolute path) and the cue's line in it.
    pub source: String,
    pub line: usize,
    /// Position of the cue in its transcript (0-based), for context.
    pub n: usize,
    /// Seconds from the clip's first frame.
    pub offset_in_s: f64,
    pub offset_out_s: f64,
    /// Frames from the clip's first frame (at the clip's rate).
    pub frame_in: Option<u64>,
    pub frame_out: Option<u64>,
    /// Record timecode in the clip's labelling (null for a clip without a rate).
    pub tc_in: Option<String>,
    pub tc_out: Option<String>,
    pub speaker: Option<String>,
    pub text: String,
}

/// One shoot note, placed on a clip or not.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoteRecord {
    /// The clip it landed on; `None` for an unplaced note.
    pub clip_id: Option<String>,
    /// Notes file (absolute path) and line.
    pub source: String,
    pub line: usize,
    /// Position of the note in its file (0-based).
    pub n: usize,
    /// The timecode as the AP wrote it; `None` for a note on the whole clip.
    pub tc: Option<String>,
    /// The note's position in the clip's timecode (placed notes only).
    pub tc_in: Option<String>,
    pub tc_out: Option<String>,
    pub offset_s: Option<f64>,
    pub frame_in: Option<u64>,
    pub camera: Option<String>,
    pub day: Option<String>,
    pub text: String,
    pub tags: Vec<String>,
    pub rating: Option<String>,
    pub speaker: Option<String>,
    /// Why it was not placed.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::{camera_key, fnv1a64, glob_match};

    #[test]
    fn fnv1a64_matches_the_published_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn globs_match_like_a_shell() {
        for (pattern, text) in
            [("c00*", "c0001.mp4"), ("*", ""), ("*.mov", "a.mov"), ("t00?.wav", "t001.wav"), ("a*b*c", "axxbyyc")]
        {
            assert!(glob_match(pattern, text), "{pattern} {text}");
        }
        for (pattern, text) in
            [("c00*", "a0001.mp4"), ("?", ""), ("*.mov", "a.mp4"), ("a*b*c", "axxbyy"), ("ab", "abc")]
        {
            assert!(!glob_match(pattern, text), "{pattern} {text}");
        }
        // Many stars on a long miss stay linear-ish, never exponential.
        assert!(!glob_match(&"*a".repeat(50), &"a".repeat(49)));
    }

    #[test]
    fn cameras_as_people_write_them() {
        for cam in ["A", "a", "A CAM", "Cam A", "CAM-A", "a-cam", "ACAM", "CamA", "camera a", " A "] {
            assert_eq!(camera_key(cam), "A", "{cam}");
        }
        assert_eq!(camera_key("B_CAM"), "B");
        assert_eq!(camera_key("A001"), "A001");
        assert_eq!(camera_key("SOUND"), "SOUND");
        assert_eq!(camera_key("Cameron"), "CAMERON");
        assert_eq!(camera_key("FX6 cam"), "FX6");
    }
}
