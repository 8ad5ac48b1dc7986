//! Probing one media file: container, streams, duration, frame rate and
//! start timecode, without decoding and without writing anything.
//!
//! Detection is separate from reading: [`detect`] looks at the first bytes
//! and decides which reader to use; the extension only steers when the
//! content is ambiguous. Each reader is a small module that turns bytes into
//! a [`MediaInfo`] or a [`ProbeError`] saying what is wrong and where:
//! - [`quicktime`] walks MOV/MP4 boxes (video rate, `tmcd` start TC);
//! - [`bwf`] walks RIFF/RF64 chunks (`bext` TimeReference, iXML);
//! - [`mxf`] walks MXF header metadata (edit rate, timecode component);
//! - [`matroska`] walks Matroska/WebM EBML (`DefaultDuration` rate, tracks);
//! - [`sony_xml`] reads a Sony XAVC `M01.XML` sidecar's start TC;
//! - [`p2_xml`] reads a Panasonic P2 card's clip XML (start TC, reel, sound);
//! - [`symph`] asks symphonia for audio streams of everything else
//!   (MP3, FLAC, OGG, AIFF, CAF). Only this module touches symphonia.

pub mod bwf;
pub mod matroska;
pub mod mxf;
pub mod p2_xml;
pub mod quicktime;
pub mod sony_xml;
mod symph;

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::timecode::{Rate, TcFormat, Timecode};

/// Where a clip's start timecode came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TcSource {
    /// QuickTime/MP4 timecode track.
    Tmcd,
    /// BWF `bext` TimeReference, at a rate from the description or iXML.
    Bext,
    /// iXML `TIMESTAMP_SAMPLES_SINCE_MIDNIGHT` when `bext` is absent.
    Ixml,
    /// A camera XML sidecar (Sony `M01.XML`).
    Sidecar,
    /// MXF Timecode Component in the header metadata.
    Mxf,
    /// No timecode anywhere: 00:00:00:00, as NLEs assume.
    None,
}

/// A video stream's description.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoInfo {
    pub codec: String,
    pub width: u32,
    pub height: u32,
}

/// An audio stream's description (the first audio track; `channels` sums
/// every audio track of the file, as a poly file or a camera's 4 mono
/// tracks are one clip to the editor).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AudioInfo {
    pub codec: String,
    pub sample_rate: u32,
    pub channels: u32,
    pub bits: Option<u32>,
}

/// A start timecode as a file states it: a frame count since midnight in a
/// labelling format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StartTc {
    pub tc: Timecode,
    pub source: TcSource,
}

/// The length of a clip, in the unit the container counts exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Length {
    /// Video frames at the clip's frame rate.
    Frames(u64),
    /// Audio sample frames at a sample rate.
    Samples { samples: u64, sample_rate: u32 },
    /// A container duration in `ticks / timescale` seconds.
    Ticks { ticks: u64, timescale: u32 },
}

impl Length {
    /// The length in seconds (for display and JSON).
    pub fn seconds(self) -> f64 {
        match self {
            Length::Frames(_) => f64::NAN,
            Length::Samples { samples, sample_rate } => samples as f64 / f64::from(sample_rate.max(1)),
            Length::Ticks { ticks, timescale } => ticks as f64 / f64::from(timescale.max(1)),
        }
    }

    /// The number of frames at `rate` that covers the whole length: a
    /// partial last frame counts, so the clip's end TC covers all media.
    pub fn frames_at(self, rate: Rate) -> u64 {
        let (n, d) = match self {
            Length::Frames(f) => return f,
            Length::Samples { samples, sample_rate } => (u128::from(samples), u128::from(sample_rate)),
            Length::Ticks { ticks, timescale } => (u128::from(ticks), u128::from(timescale)),
        };
        let num = n * u128::from(rate.num());
        let den = d.max(1) * u128::from(rate.den());
        u64::try_from(num.div_ceil(den)).unwrap_or(u64::MAX)
    }
}

/// Descriptive metadata a recorder or camera writes (iXML, bext, tmcd name).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MediaMeta {
    pub scene: Option<String>,
    pub take: Option<String>,
    pub tape: Option<String>,
    pub reel: Option<String>,
    pub note: Option<String>,
    pub circled: Option<bool>,
    pub track_names: Vec<String>,
    /// Recording date `YYYY-MM-DD` from the file's own header, if any.
    pub recorded_date: Option<String>,
    /// Groups split mono files of one take (iXML FAMILY_UID).
    pub family_uid: Option<String>,
    /// BWF TimeReference (samples since midnight) of a file that states no
    /// frame rate: the start TC is made from it with the project `--fps`.
    pub time_reference: Option<u64>,
}

/// Everything probing learns about one media file.
#[derive(Clone, Debug, PartialEq)]
pub struct MediaInfo {
    /// Container name: "mov", "mp4", "wav", "rf64", "mp3", "mkv", ...
    pub container: &'static str,
    pub video: Option<VideoInfo>,
    pub audio: Option<AudioInfo>,
    /// The clip's frame rate: the video rate, else the timecode rate.
    pub rate: Option<Rate>,
    pub length: Length,
    pub start: Option<StartTc>,
    pub meta: MediaMeta,
    /// What was wrong with a file that could still be cataloged (e.g. a WAV
    /// whose audio is whole but whose trailing iXML is cut), prefixed with
    /// the format like the errors.
    pub warnings: Vec<String>,
}

impl MediaInfo {
    /// The timecode format the clip is labelled in, if it has a rate.
    pub fn tc_format(&self) -> Option<TcFormat> {
        match self.start {
            Some(s) => Some(s.tc.format()),
            None => self.rate.map(TcFormat::ndf),
        }
    }
}

/// Why a file could not be probed. Messages name the format first.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("{format}: truncated: {detail}")]
    Truncated { format: &'static str, detail: String },
    #[error("{format}: malformed at byte {offset}: {detail}")]
    Malformed { format: &'static str, offset: u64, detail: String },
    #[error("{format}: {detail}")]
    Unsupported { format: &'static str, detail: String },
    #[error("not a media file: {0}")]
    NotMedia(String),
}

impl ProbeError {
    /// The file ends before what `format` needs; `detail` says where.
    pub fn truncated(format: &'static str, detail: String) -> ProbeError {
        ProbeError::Truncated { format, detail }
    }

    /// What `format` found at byte `offset` cannot be right.
    pub fn malformed(format: &'static str, offset: u64, detail: String) -> ProbeError {
        ProbeError::Malformed { format, offset, detail }
    }
}

/// What the first bytes of a file say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    QuickTime,
    Riff,
    /// SMPTE 377 MXF (header partition pack).
    Mxf,
    /// EBML: Matroska or WebM.
    Matroska,
    /// Anything symphonia may read: MP3, FLAC, OGG, AIFF, CAF.
    Other,
    /// Camera media we recognise but do not read (RED R3D): reported
    /// as such, not as "not media".
    Unsupported(&'static str),
    /// Recognisably not media (text, XML, empty).
    NotMedia,
}

/// Decides the reader from the first bytes (`head`, up to 64 bytes).
pub fn detect(head: &[u8]) -> Kind {
    if head.is_empty() {
        return Kind::NotMedia;
    }
    if head.len() >= 12 && (head.starts_with(b"RIFF") || head.starts_with(b"RF64") || head.starts_with(b"BW64")) {
        return Kind::Riff;
    }
    if head.len() >= 8 && quicktime::looks_like(head) {
        return Kind::QuickTime;
    }
    // SMPTE 377 partition pack key: 06 0E 2B 34 02 05 01 01 0D 01 02.
    if head.starts_with(&[0x06, 0x0E, 0x2B, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0D, 0x01, 0x02]) {
        return Kind::Mxf;
    }
    if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return Kind::Matroska;
    }
    if head.get(4..8).is_some_and(|m| m == b"RED1" || m == b"RED2") {
        return Kind::Unsupported("RED R3D");
    }
    let known = head.starts_with(b"ID3")
        || head.starts_with(b"fLaC")
        || head.starts_with(b"OggS")
        || head.starts_with(b"FORM")
        || head.starts_with(b"caff")
        || (head.len() >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0);
    if known { Kind::Other } else { Kind::NotMedia }
}

/// Probes the file at `path`. Never writes; opens read-only.
pub fn probe_file(path: &Path) -> Result<MediaInfo, ProbeError> {
    let mut file = File::open(path)?;
    few_reads(&file);
    let len = file.metadata()?.len();
    let mut head = [0u8; 64];
    let n = read_up_to(&mut file, &mut head)?;
    file.seek(SeekFrom::Start(0))?;
    match detect(&head[..n]) {
        Kind::QuickTime => quicktime::probe(&mut file, len, path),
        Kind::Riff => bwf::probe(&mut file, len),
        Kind::Mxf => mxf::probe(&mut file, len),
        Kind::Matroska => matroska::probe(&mut file, len),
        Kind::Other => symph::probe(file, path),
        Kind::Unsupported(format) => Err(ProbeError::Unsupported {
            format,
            detail: "recognised, but this container is not read yet; the file is listed, not cataloged".into(),
        }),
        Kind::NotMedia if n == 0 => Err(ProbeError::NotMedia("empty file (0 bytes)".into())),
        Kind::NotMedia => Err(ProbeError::NotMedia("no media signature in the first bytes".into())),
    }
}

/// Bytes hashed at each end of a file by [`content_hash`].
const HASH_BLOCK: u64 = 64 << 10;

/// A fingerprint of a file's content that costs two small reads whatever
/// its size: xxh3 of its length, first and last 64 KiB, as 16 hex digits.
/// With size and mtime it recognises a file whose folder has moved (a
/// camera file is never edited in place, so its ends change with it).
pub fn content_hash(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    few_reads(&file);
    let len = file.metadata()?.len();
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&len.to_le_bytes());
    let mut block = vec![0u8; HASH_BLOCK.min(len) as usize];
    let n = read_up_to(&mut file, &mut block)?;
    hasher.update(&block[..n]);
    if len > HASH_BLOCK {
        let tail = HASH_BLOCK.min(len - HASH_BLOCK);
        file.seek(SeekFrom::Start(len - tail))?;
        let n = read_up_to(&mut file, &mut block[..tail as usize])?;
        hasher.update(&block[..n]);
    }
    Ok(format!("{:016x}", hasher.digest()))
}

/// Tells the kernel that `file` is read in a few small places, not
/// streamed, so it reads no more than is asked. A probe reads headers and
/// boxes of files that are mostly essence; the kernel's readahead (128 KB
/// to several MB a read) would pull that essence off the drive for
/// nothing, and on a card dump that is not cached that is most of an
/// ingest's time. Only advice: where it is not supported, nothing changes.
fn few_reads(file: &File) {
    #[cfg(target_os = "linux")]
    let _ = rustix::fs::fadvise(file, 0, None, rustix::fs::Advice::Random);
    #[cfg(not(target_os = "linux"))]
    let _ = file;
}

/// Reads until `buf` is full or the file ends; returns the bytes read.
pub(crate) fn read_up_to<R: Read>(r: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(k) => filled += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_by_content() {
        let mut mxf = vec![0x06, 0x0E, 0x2B, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0D, 0x01, 0x02, 0x01];
        mxf.resize(64, 0);
        assert_eq!(detect(&mxf), Kind::Mxf);
        assert_eq!(detect(b"\0\0\0\0RED2\0\0"), Kind::Unsupported("RED R3D"));
        assert_eq!(detect(b"\0\0\0\x14ftypqt  \0\0\0\0"), Kind::QuickTime);
        assert_eq!(detect(b"RIFF\0\0\0\0WAVEfmt "), Kind::Riff);
        assert_eq!(detect(b"ID3\x04\0\0\0\0\0\0"), Kind::Other);
        assert_eq!(detect(b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01"), Kind::Matroska);
        assert_eq!(detect(b"hello, this is text"), Kind::NotMedia);
        assert_eq!(detect(b""), Kind::NotMedia);
    }
}
