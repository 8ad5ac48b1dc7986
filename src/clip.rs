//! The catalog record of one clip: what `rushes clips --json` prints and
//! what the library stores. Produced by [`crate::merge`], read by
//! everything downstream. Field names are a public contract (README).

use serde::{Deserialize, Serialize};

use crate::hash::Algo;
use crate::probe::{AudioInfo, Length, TcSource, VideoInfo};
use crate::timecode::{Rate, TcFormat, Timecode, TimecodeError};

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
    /// The clip's timecode: labelling, first and end labels, where the
    /// start came from. Stored and printed as the flat fields `fps`,
    /// `rate`, `drop_frame`, `start_tc`, `end_tc`, `start_tc_source` and
    /// `start_samples` (see [`ClipTimecode`]).
    #[serde(flatten)]
    pub tc: ClipTimecode,
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
    /// The whole file's checksum, made by `ingest --verify` with the
    /// strongest algorithm its offload hash list has (xxh64 without one).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub hash: Option<FileHash>,
    /// The file against its offload hash list (ASC MHL). Left out of the
    /// record while `not_verified`, so records from before `--verify` (and
    /// of ingests without it) write back byte for byte; absent reads as
    /// `not_verified`.
    #[serde(skip_serializing_if = "Verified::is_not_verified", default)]
    pub verified: Verified,
    /// The hash list that vouches for the file: who made it, where, when.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub provenance: Option<Provenance>,
    /// The clip's place in a camera's chaptered take (GoPro `GX01…`,
    /// `GX02…`), set when clips are listed (`chapters::assign`), never
    /// stored: it depends on which other chapters the catalog holds. Not
    /// called `take`, which is the sound recorder's take (iXML) above.
    #[serde(skip_serializing_if = "Option::is_none", skip_deserializing, default)]
    pub chapter: Option<Chapter>,
    /// The languages of the transcripts on the clip (ISO 639-1), filled in
    /// by listings; not stored: a transcript's record holds its language.
    #[serde(skip_serializing_if = "Vec::is_empty", skip_deserializing, default)]
    pub languages: Vec<String>,
}

/// A whole file's checksum, as an offload hash list writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileHash {
    pub algo: Algo,
    pub value: String,
}

/// A clip's file against the offload hash list (ASC MHL) of its dump.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verified {
    /// Hashed, and the list's value is the same: the bit-exact copy.
    Match,
    /// Hashed, and the value (or size) differs: not what was offloaded.
    Mismatch,
    /// Hashed, but no hash list in the dump names the file.
    NotInMhl,
    /// Never hashed (ingested without `--verify`), or it changed while
    /// it was read.
    #[default]
    NotVerified,
}

impl Verified {
    pub fn is_not_verified(&self) -> bool {
        *self == Verified::NotVerified
    }

    pub fn label(self) -> &'static str {
        match self {
            Verified::Match => "match",
            Verified::Mismatch => "mismatch",
            Verified::NotInMhl => "not_in_mhl",
            Verified::NotVerified => "not_verified",
        }
    }
}

/// Who vouches for a clip's file: the hash list generation that first
/// listed it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub tool: Option<String>,
    pub host: Option<String>,
    pub author: Option<String>,
    pub date: Option<String>,
    /// The hash list file (an `ascmhl/` generation or a v1.1 `.mhl`).
    pub mhl: String,
}

/// One chapter of a chaptered take: `chapter: {take, take_id, n, of,
/// take_duration_s, take_frames, chapters, missing}` in `clips --json`
/// and `show --json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Chapter {
    /// The take's name: its first chapter's file stem (`GX010042`).
    pub take: String,
    /// Stable id of the take (one per take folder and name).
    pub take_id: String,
    /// This clip's chapter number, from 1.
    pub n: u32,
    /// The highest chapter number found: the take has at least this many.
    pub of: u32,
    /// The chapters found, in order, added up.
    pub take_duration_s: f64,
    /// Frames of all chapters found, when they share one labelling.
    pub take_frames: Option<u64>,
    /// The chapters' file names, in order.
    pub chapters: Vec<String>,
    /// Chapter numbers below `of` not in the catalog (a copy left short).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<u32>,
}

/// A clip's timecode, typed. Its JSON is the catalog's contract, unchanged
/// since the fields were strings:
/// - `fps`: the editor's label of the rate ("23.976", "25", "29.97"...),
///   `rate`: the exact rate as `num/den`, `drop_frame`; all three null for
///   audio without a rate;
/// - `start_tc`: the first frame's label, `00:00:00:00` for rate-less media
///   (where an NLE places it), null only for audio whose time reference
///   waits for a rate (`start_samples`, see `--fps`);
/// - `end_tc`: the frame after the last one, as NLEs show it.
///
/// A record is read back strictly: a rate or label that does not parse is
/// an error, never a guess; a record with an `fps` label and no `rate`
/// (none written so far) takes its rate from the label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClipTimecode {
    /// Rate and drop-frame; `None` for audio without a rate.
    pub format: Option<TcFormat>,
    /// The first frame's label in `format`; `None` without a rate.
    pub start: Option<Timecode>,
    /// The frame after the last one.
    pub end: Option<Timecode>,
    pub source: TcSource,
    /// BWF TimeReference kept when no rate was known to label it.
    pub start_samples: Option<u64>,
}

/// [`ClipTimecode`] as stored: the record's field names and strings.
#[derive(Serialize, Deserialize)]
struct ClipTimecodeRecord {
    fps: Option<String>,
    rate: Option<String>,
    drop_frame: Option<bool>,
    start_tc: Option<String>,
    end_tc: Option<String>,
    start_tc_source: TcSource,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    start_samples: Option<u64>,
}

/// Why a stored clip's timecode cannot be read back.
#[derive(Debug, thiserror::Error)]
pub enum StoredTimecodeError {
    #[error("clip record: {0}")]
    Timecode(#[from] TimecodeError),
    #[error("clip record: timecode {0:?} without a rate")]
    NoRate(String),
}

/// The label of a rate-less clip's first frame.
const ZERO_LABEL: &str = "00:00:00:00";

impl ClipTimecode {
    /// No timecode at all: audio without a rate or time reference reads
    /// `00:00:00:00`.
    pub const NONE: ClipTimecode =
        ClipTimecode { format: None, start: None, end: None, source: TcSource::None, start_samples: None };

    /// The first frame's label as NLEs show it: `00:00:00:00` for
    /// rate-less media, `None` only for a time reference waiting for a rate.
    pub fn start_label(&self) -> Option<String> {
        match self.start {
            Some(t) => Some(t.to_string()),
            None if self.format.is_none() && self.start_samples.is_none() => Some(ZERO_LABEL.to_string()),
            None => None,
        }
    }

    /// The label of the frame after the last one.
    pub fn end_label(&self) -> Option<String> {
        self.end.map(|t| t.to_string())
    }

    /// The editor's label of the rate: "23.976", "25", "29.97"...
    pub fn fps_label(&self) -> Option<String> {
        self.format.map(|f| f.rate().label())
    }

    fn record(&self) -> ClipTimecodeRecord {
        let rate = self.format.map(TcFormat::rate);
        ClipTimecodeRecord {
            fps: self.fps_label(),
            rate: rate.map(|r| format!("{}/{}", r.num(), r.den())),
            drop_frame: self.format.map(TcFormat::is_drop_frame),
            start_tc: self.start_label(),
            end_tc: self.end_label(),
            start_tc_source: self.source,
            start_samples: self.start_samples,
        }
    }

    fn from_record(r: ClipTimecodeRecord) -> Result<ClipTimecode, StoredTimecodeError> {
        let rate = r.rate.as_deref().or(r.fps.as_deref()).map(Rate::parse).transpose()?;
        let format = rate.map(|rate| TcFormat::new(rate, r.drop_frame.unwrap_or(false)));
        let label = |text: Option<String>| -> Result<Option<Timecode>, StoredTimecodeError> {
            match (text, format) {
                (None, _) => Ok(None),
                (Some(t), Some(f)) => Ok(Some(Timecode::parse_in(&t, f)?)),
                // Rate-less media is labelled 00:00:00:00 (see `record`).
                (Some(t), None) if t == ZERO_LABEL => Ok(None),
                (Some(t), None) => Err(StoredTimecodeError::NoRate(t)),
            }
        };
        Ok(ClipTimecode {
            format,
            start: label(r.start_tc)?,
            end: label(r.end_tc)?,
            source: r.start_tc_source,
            start_samples: r.start_samples,
        })
    }
}

impl Serialize for ClipTimecode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.record().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ClipTimecode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<ClipTimecode, D::Error> {
        ClipTimecode::from_record(ClipTimecodeRecord::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
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
    /// The clip's timecode labelling (rate and drop-frame), if it has a rate.
    pub fn tc_format(&self) -> Option<TcFormat> {
        self.tc.format
    }

    /// The clip's first frame, if it has a rate.
    pub fn start(&self) -> Option<Timecode> {
        self.tc.start
    }

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
    /// The transcript's format as people call it ("SRT", "Premiere text");
    /// absent for a library written before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
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
    use super::{Clip, ClipTimecode, camera_key, fnv1a64, glob_match};
    use crate::timecode::{Rate, TcFormat};

    /// A clip's timecode fields as stored, read and written back.
    fn round_trip(json: &str) -> String {
        let tc: ClipTimecode = serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
        serde_json::to_string(&tc).expect("serialise")
    }

    #[test]
    fn stored_timecode_fields_read_typed_and_write_back_unchanged() {
        for json in [
            // Drop-frame camera clip.
            r#"{"fps":"29.97","rate":"30000/1001","drop_frame":true,"start_tc":"14:30:59;28","end_tc":"14:31:10;02","start_tc_source":"tmcd"}"#,
            r#"{"fps":"23.976","rate":"24000/1001","drop_frame":false,"start_tc":"01:00:00:00","end_tc":"01:00:10:00","start_tc_source":"sidecar"}"#,
            // Rate-less media starts at 00:00:00:00 and has no end.
            r#"{"fps":null,"rate":null,"drop_frame":null,"start_tc":"00:00:00:00","end_tc":null,"start_tc_source":"none"}"#,
            // A time reference waiting for a rate.
            r#"{"fps":null,"rate":null,"drop_frame":null,"start_tc":null,"end_tc":null,"start_tc_source":"none","start_samples":2880000}"#,
            // An odd rate stays exact.
            r#"{"fps":"12.5","rate":"25/2","drop_frame":false,"start_tc":"00:00:01:06","end_tc":"00:00:02:00","start_tc_source":"bext"}"#,
        ] {
            assert_eq!(round_trip(json), json);
        }
        let tc: ClipTimecode = serde_json::from_str(
            r#"{"fps":"29.97","rate":"30000/1001","drop_frame":true,"start_tc":"14:30:59;28","end_tc":null,"start_tc_source":"tmcd"}"#,
        )
        .expect("read");
        let format = TcFormat::df(Rate::FPS_29_97).expect("df");
        assert_eq!(tc.format, Some(format));
        assert_eq!(tc.start.map(|t| t.fields()), Some((14, 30, 59, 28)));
        assert_eq!(tc.start.map(|t| t.format()), Some(format));
        let memo: ClipTimecode =
            serde_json::from_str(r#"{"fps":null,"rate":null,"drop_frame":null,"start_tc":"00:00:00:00","end_tc":null,"start_tc_source":"none"}"#)
                .expect("read");
        assert_eq!(memo, ClipTimecode::NONE);
    }

    /// Whole records keep their field order (the golden snapshot sorts
    /// keys, so it cannot see it), typed timecode fields in their place.
    #[test]
    fn whole_clip_records_write_back_byte_for_byte() {
        for json in [
            r#"{"id":"dfcfbe10d21e3c41","path":"/dump/A001/C0001.MP4","rel_path":"A001/C0001.MP4","root":"/dump","name":"C0001.MP4","camera":"A","reel":"A001","day":"2026-03-14","container":"mp4","duration_s":2.002,"n_frames":60,"fps":"29.97","rate":"30000/1001","drop_frame":true,"start_tc":"14:30:59;28","end_tc":"14:31:02;00","start_tc_source":"tmcd","video":{"codec":"h264","width":160,"height":90},"audio":{"codec":"aac","sample_rate":48000,"channels":2,"bits":null},"size":28741,"mtime_ns":1796459712398800948,"content_hash":"2516edcfb95f1104","sidecar":{"path":"/dump/A001/C0001M01.XML","size":1329,"mtime_ns":1796459712398977280},"offline":false,"segments":2,"notes":2,"speakers":["MARIA"]}"#,
            r#"{"id":"26a72115d6c6f692","path":"/dump/SOUND/NOTC.wav","rel_path":"SOUND/NOTC.wav","root":"/dump","name":"NOTC.wav","camera":"SOUND","reel":null,"day":"2026-03-14","container":"wav","duration_s":1.0,"n_frames":null,"fps":null,"rate":null,"drop_frame":null,"start_tc":"00:00:00:00","end_tc":null,"start_tc_source":"none","tc_basis":{"length":{"samples":{"samples":48000,"sample_rate":48000}}},"video":null,"audio":{"codec":"pcm_s16le","sample_rate":48000,"channels":1,"bits":16},"size":96044,"mtime_ns":1796459712405455147,"content_hash":"c2f25c55a4caeea0","offline":false,"segments":0,"notes":0,"speakers":[]}"#,
        ] {
            let clip: Clip = serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
            assert_eq!(serde_json::to_string(&clip).expect("serialise"), json);
        }
        let bad = r#"{"id":"x","path":"/d/a.mov","rel_path":"a.mov","root":"/d","name":"a.mov","camera":null,"reel":null,"day":null,"container":"mov","duration_s":1.0,"n_frames":25,"fps":"25","rate":"25/1","drop_frame":false,"start_tc":"25:00:00:00","end_tc":null,"start_tc_source":"tmcd","video":null,"audio":null,"size":1,"mtime_ns":0,"offline":false}"#;
        assert!(serde_json::from_str::<Clip>(bad).is_err());
    }

    #[test]
    fn a_stored_fps_label_without_rate_gives_the_rate() {
        let tc: ClipTimecode = serde_json::from_str(
            r#"{"fps":"25","start_tc":"10:00:00:00","end_tc":"10:00:02:00","start_tc_source":"tmcd"}"#,
        )
        .expect("read");
        assert_eq!(tc.format, Some(TcFormat::ndf(Rate::FPS_25)));
        assert_eq!(tc.end.map(|e| e.frame() - tc.start.map_or(0, |s| s.frame())), Some(50));
    }

    #[test]
    fn stored_timecode_that_does_not_read_is_an_error() {
        for json in [
            r#"{"fps":"fast","rate":null,"drop_frame":null,"start_tc":null,"end_tc":null,"start_tc_source":"none"}"#,
            r#"{"fps":"25","rate":"25/1","drop_frame":false,"start_tc":"10:00:00:99","end_tc":null,"start_tc_source":"tmcd"}"#,
            r#"{"fps":"25","rate":"25/1","drop_frame":false,"start_tc":"soon","end_tc":null,"start_tc_source":"tmcd"}"#,
            // A label other than 00:00:00:00 needs a rate.
            r#"{"fps":null,"rate":null,"drop_frame":null,"start_tc":"10:00:00:00","end_tc":null,"start_tc_source":"none"}"#,
            r#"{"fps":null,"rate":null,"drop_frame":null,"start_tc":"00:00:00:00","end_tc":"00:00:01:00","start_tc_source":"none"}"#,
        ] {
            assert!(serde_json::from_str::<ClipTimecode>(json).is_err(), "{json}");
        }
    }

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
