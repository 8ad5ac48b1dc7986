//! MXF (SMPTE 377) reader: video size, codec and edit rate, audio streams,
//! length in frames and the start timecode from the header metadata.
//!
//! We walk KLV triplets from the start of the file (16-byte UL key, BER
//! length) and read only the header partition: metadata sets (at most
//! [`MAX_SET`] bytes each) are read into memory, everything else is skipped
//! with a seek, and the walk stops at the first essence element, at the next
//! partition pack, or after [`MAX_HEADER`] bytes. Every declared length is
//! bounded by the bytes left in the file, so a length past the end is
//! [`ProbeError::Truncated`] and never an allocation.
//!
//! Start timecode: the Timecode Component of the **Material Package**'s
//! timecode track, found by following strong references (package → tracks
//! → sequence → components). If those references cannot be followed (no
//! Material Package, broken references) we fall back to the first Timecode
//! Component in the file, which is the material package's in files written
//! by ffmpeg. Likewise the video rate and length are those of the Material
//! Package's picture track (edit rate, sequence duration in edit units).
//!
//! Facts relied on (SMPTE 377-1): metadata sets are local sets with 2-byte
//! tags and 2-byte lengths; static tags used: 0x3C0A InstanceUID, 0x4403
//! Tracks, 0x4803 Sequence, 0x4B01 EditRate, 0x0201 DataDefinition, 0x0202
//! Duration, 0x1001 StructuralComponents, 0x1501 StartTimecode (frames),
//! 0x1502 RoundedTimecodeBase, 0x1503 DropFrame, 0x3001 SampleRate, 0x3201
//! PictureEssenceCoding, 0x3202/0x3203 StoredHeight/Width, 0x3208/0x3209
//! DisplayHeight/Width, 0x3D01
//! QuantizationBits, 0x3D03 AudioSamplingRate, 0x3D07 ChannelCount.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};

use super::{AudioInfo, Length, MediaInfo, MediaMeta, ProbeError, StartTc, TcSource, VideoInfo, read_up_to};
use crate::timecode::{Rate, TcFormat, Timecode};

const FORMAT: &str = "mxf";
/// The largest metadata set we read into memory.
const MAX_SET: u64 = 16 << 20;
/// We stop looking for header metadata past this offset.
const MAX_HEADER: u64 = 64 << 20;

/// Every SMPTE UL starts with these bytes.
const UL_PREFIX: [u8; 4] = [0x06, 0x0E, 0x2B, 0x34];

// Metadata set kinds: byte 14 of `06.0E.2B.34.02.53.01.01.0D.01.01.01.01.01.xx.00`.
const SET_MATERIAL_PACKAGE: u8 = 0x36;
const SET_TIMECODE: u8 = 0x14;
const PICTURE_DESCRIPTORS: [u8; 3] = [0x28, 0x29, 0x51]; // CDCI, RGBA, MPEG video
const SOUND_DESCRIPTORS: [u8; 3] = [0x42, 0x47, 0x48]; // generic sound, AES3, WAVE

/// One header metadata set: its kind and local items.
#[derive(Debug)]
struct Set {
    kind: u8,
    items: Vec<(u16, Vec<u8>)>,
}

impl Set {
    fn get(&self, tag: u16) -> Option<&[u8]> {
        self.items.iter().find(|(t, _)| *t == tag).map(|(_, v)| v.as_slice())
    }

    fn uid(&self) -> Option<[u8; 16]> {
        self.get(0x3C0A)?.try_into().ok()
    }

    fn u16(&self, tag: u16) -> Option<u16> {
        Some(u16::from_be_bytes(self.get(tag)?.get(..2)?.try_into().ok()?))
    }

    fn u32(&self, tag: u16) -> Option<u32> {
        Some(u32::from_be_bytes(self.get(tag)?.get(..4)?.try_into().ok()?))
    }

    fn i64(&self, tag: u16) -> Option<i64> {
        Some(i64::from_be_bytes(self.get(tag)?.get(..8)?.try_into().ok()?))
    }

    /// A rational (two big-endian i32); `None` unless both are positive.
    fn rational(&self, tag: u16) -> Option<(u32, u32)> {
        let v = self.get(tag)?;
        let n = i32::from_be_bytes(v.get(..4)?.try_into().ok()?);
        let d = i32::from_be_bytes(v.get(4..8)?.try_into().ok()?);
        Some((u32::try_from(n).ok().filter(|&n| n > 0)?, u32::try_from(d).ok().filter(|&d| d > 0)?))
    }

    fn strong_ref(&self, tag: u16) -> Option<[u8; 16]> {
        self.get(tag)?.get(..16)?.try_into().ok()
    }

    /// A batch of 16-byte references: u32 count, u32 item size, items.
    fn refs(&self, tag: u16) -> Vec<[u8; 16]> {
        let Some(v) = self.get(tag) else { return Vec::new() };
        let Some(size) = v.get(4..8).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]])) else {
            return Vec::new();
        };
        if size != 16 {
            return Vec::new();
        }
        v.get(8..).unwrap_or_default().chunks_exact(16).filter_map(|c| c.try_into().ok()).collect()
    }
}

/// What a track's sequence carries, from its data definition UL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DataDef {
    Picture,
    Sound,
    Timecode,
    Other,
}

fn data_def(ul: Option<&[u8]>) -> DataDef {
    match ul.and_then(|u| u.get(8..13)) {
        Some([0x01, 0x03, 0x02, 0x02, 0x01]) => DataDef::Picture,
        Some([0x01, 0x03, 0x02, 0x02, 0x02]) => DataDef::Sound,
        Some([0x01, 0x03, 0x02, 0x01, 0x01]) => DataDef::Timecode,
        _ => DataDef::Other,
    }
}

/// A Material Package track, resolved.
#[derive(Debug)]
struct Track {
    def: DataDef,
    edit_rate: Option<(u32, u32)>,
    duration: Option<i64>,
    timecode: Option<usize>,
}

/// Probes an MXF file from its header partition metadata.
pub fn probe<R: Read + Seek>(r: &mut R, file_len: u64) -> Result<MediaInfo, ProbeError> {
    let sets = read_header_sets(r, file_len)?;
    if sets.is_empty() {
        return Err(ProbeError::Unsupported { format: FORMAT, detail: "no header metadata before the essence".into() });
    }
    let tracks = material_tracks(&sets);

    let mut info = MediaInfo {
        container: "mxf",
        video: None,
        audio: None,
        rate: None,
        length: Length::Frames(0),
        start: None,
        meta: MediaMeta::default(),
        warnings: Vec::new(),
    };

    // Video: descriptor for size (DisplayWidth/Height as ffprobe shows them,
    // else StoredWidth/Height, which MPEG-2 rounds up to 16) and coding; Material Package picture track
    // for rate and length, else the descriptor's sample rate.
    let picture = tracks.iter().find(|t| t.def == DataDef::Picture);
    let pic_desc = sets.iter().find(|s| PICTURE_DESCRIPTORS.contains(&s.kind));
    let video_rate = picture
        .and_then(|t| t.edit_rate)
        .or_else(|| pic_desc.and_then(|d| d.rational(0x3001)))
        .and_then(|(n, d)| Rate::snap(u64::from(n), u64::from(d)));
    if picture.is_some() || pic_desc.is_some() {
        info.video = Some(VideoInfo {
            codec: pic_desc.map_or_else(|| "video".to_string(), |d| picture_codec(d.get(0x3201), d.kind)),
            width: pic_desc.and_then(|d| d.u32(0x3209).or_else(|| d.u32(0x3203))).unwrap_or(0),
            height: pic_desc.and_then(|d| d.u32(0x3208).or_else(|| d.u32(0x3202))).unwrap_or(0),
        });
    }
    info.rate = video_rate;
    if let Some(frames) = picture.and_then(|t| t.duration).and_then(|d| u64::try_from(d).ok()) {
        info.length = Length::Frames(frames);
    }

    // Audio: the first sound descriptor; channels summed over all of them.
    let sound: Vec<&Set> = sets.iter().filter(|s| SOUND_DESCRIPTORS.contains(&s.kind)).collect();
    if let Some(first) = sound.first() {
        let bits = first.u32(0x3D01).filter(|&b| b > 0);
        let sample_rate = first.rational(0x3D03).map_or(0, |(n, d)| n / d);
        info.audio = Some(AudioInfo {
            codec: match (first.kind, bits) {
                (0x47 | 0x48, Some(b)) => format!("pcm_s{b}le"),
                _ => "audio".to_string(),
            },
            sample_rate,
            // Saturating: a damaged descriptor may claim 4 billion channels.
            channels: sound.iter().filter_map(|s| s.u32(0x3D07)).fold(0u32, u32::saturating_add),
            bits,
        });
    }

    // Start timecode: the Material Package timecode track's component, else
    // the first Timecode Component in the file.
    let tc_track = tracks.iter().find(|t| t.timecode.is_some());
    let tc_set = tc_track
        .and_then(|t| t.timecode)
        .and_then(|i| sets.get(i))
        .or_else(|| sets.iter().find(|s| s.kind == SET_TIMECODE));
    if let Some(tc) = tc_set {
        let base = tc.u16(0x1502).unwrap_or(0);
        let drop = tc.get(0x1503).and_then(|v| v.first()).is_some_and(|&b| b != 0);
        let edit =
            tc_track.and_then(|t| t.edit_rate).and_then(|(n, d)| Rate::snap(u64::from(n), u64::from(d))).or(video_rate);
        let rate = match edit {
            Some(r) if base == 0 || r.nominal() == u32::from(base) => Some(r),
            _ if base > 0 && drop => Rate::snap(u64::from(base) * 1000, 1001),
            _ => Rate::snap(u64::from(base), 1),
        };
        if let (Some(rate), Some(start)) = (rate, tc.i64(0x1501).and_then(|s| u64::try_from(s).ok())) {
            let format = TcFormat::new(rate, drop);
            info.start = Some(StartTc { tc: Timecode::from_frames(start, format), source: TcSource::Mxf });
            if info.rate.is_none() {
                info.rate = Some(rate);
                if let Some(frames) = tc_track.and_then(|t| t.duration).and_then(|d| u64::try_from(d).ok()) {
                    info.length = Length::Frames(frames);
                }
            }
        }
    }
    if info.video.is_none()
        && info.rate.is_none()
        && let Some(t) = tracks.iter().find(|t| t.def == DataDef::Sound)
        && let (Some((n, d)), Some(dur)) = (t.edit_rate, t.duration.and_then(|d| u64::try_from(d).ok()))
    {
        // Audio-only without timecode: the sound track's duration in seconds.
        info.length = Length::Ticks { ticks: dur.saturating_mul(u64::from(d)), timescale: n };
    }
    Ok(info)
}

/// Names as ffprobe prints them, from the picture essence coding UL.
fn picture_codec(ul: Option<&[u8]>, kind: u8) -> String {
    let name = match ul.and_then(|u| u.get(8..14)) {
        Some([0x04, 0x01, 0x02, 0x02, 0x01, 0x01..=0x11]) => "mpeg2video",
        Some([0x04, 0x01, 0x02, 0x02, 0x01, 0x20..=0x2F]) => "mpeg4",
        Some([0x04, 0x01, 0x02, 0x02, 0x01, 0x30..=0x3F]) => "h264",
        Some([0x04, 0x01, 0x02, 0x02, 0x01, 0x60..=0x6F]) => "hevc",
        Some([0x04, 0x01, 0x02, 0x02, 0x02, _]) => "dvvideo",
        Some([0x04, 0x01, 0x02, 0x02, 0x03, 0x01]) => "jpeg2000",
        Some([0x04, 0x01, 0x02, 0x02, 0x03, 0x06]) => "prores",
        Some([0x04, 0x01, 0x02, 0x02, 0x71, _]) => "dnxhd",
        Some([0x04, 0x01, 0x02, 0x01, _, _]) => "rawvideo",
        _ if kind == 0x51 => "mpeg2video",
        _ => "video",
    };
    name.to_string()
}

/// Resolves the Material Package's tracks through strong references.
/// Empty when there is no Material Package or its references dangle.
fn material_tracks(sets: &[Set]) -> Vec<Track> {
    let by_uid: HashMap<[u8; 16], usize> = sets.iter().enumerate().filter_map(|(i, s)| Some((s.uid()?, i))).collect();
    let get = |uid: [u8; 16]| by_uid.get(&uid).and_then(|&i| sets.get(i).map(|s| (i, s)));
    let Some(mp) = sets.iter().find(|s| s.kind == SET_MATERIAL_PACKAGE) else { return Vec::new() };
    let mut out = Vec::new();
    for track_uid in mp.refs(0x4403) {
        let Some((_, track)) = get(track_uid) else { continue };
        let Some((_, seq)) = track.strong_ref(0x4803).and_then(get) else { continue };
        let components: Vec<(usize, &Set)> = seq.refs(0x1001).into_iter().filter_map(get).collect();
        let duration = seq.i64(0x0202).or_else(|| components.first().and_then(|(_, c)| c.i64(0x0202)));
        // A sequence, or a track pointing straight at a component.
        let timecode = if seq.kind == SET_TIMECODE {
            track.strong_ref(0x4803).and_then(|u| by_uid.get(&u).copied())
        } else {
            components.iter().find(|(_, c)| c.kind == SET_TIMECODE).map(|(i, _)| *i)
        };
        out.push(Track { def: data_def(seq.get(0x0201)), edit_rate: track.rational(0x4B01), duration, timecode });
    }
    out
}

/// Walks KLVs from byte 0 and returns the header metadata sets.
fn read_header_sets<R: Read + Seek>(r: &mut R, file_len: u64) -> Result<Vec<Set>, ProbeError> {
    let mut sets = Vec::new();
    let mut pos = 0u64;
    let mut partitions = 0;
    while pos < file_len && pos < MAX_HEADER {
        r.seek(SeekFrom::Start(pos))?;
        let mut hdr = [0u8; 25];
        let n = read_up_to(r, &mut hdr)?;
        if n < 17 {
            return Err(truncated(format!("KLV header at byte {pos} cut short")));
        }
        let key: [u8; 16] = hdr[..16].try_into().unwrap_or_default();
        if key[..4] != UL_PREFIX {
            if pos == 0 {
                return Err(ProbeError::NotMedia("no MXF partition pack at the start".into()));
            }
            return Err(malformed(pos, "KLV key is not a SMPTE UL".into()));
        }
        let (len, len_size) = ber_length(&hdr[16..n], pos)?;
        let value_at = pos + 16 + len_size;
        let left = file_len.saturating_sub(value_at);
        if is_essence(&key) {
            break;
        }
        if len > left {
            return Err(truncated(format!("KLV at byte {pos} declares {len} bytes but only {left} remain")));
        }
        if is_partition_pack(&key) {
            partitions += 1;
            if partitions > 1 {
                break;
            }
        } else if is_metadata_set(&key) && len <= MAX_SET {
            r.seek(SeekFrom::Start(value_at))?;
            let mut body = vec![0u8; len as usize];
            r.read_exact(&mut body)?;
            sets.push(parse_set(key[14], &body, value_at)?);
        }
        pos = value_at + len;
    }
    if partitions == 0 {
        return Err(truncated("no header partition pack".into()));
    }
    Ok(sets)
}

/// Decodes a BER length: short form below 0x80, long form 0x8n with n ≤ 8.
fn ber_length(b: &[u8], pos: u64) -> Result<(u64, u64), ProbeError> {
    let first = *b.first().ok_or_else(|| truncated(format!("KLV length at byte {pos} cut short")))?;
    if first < 0x80 {
        return Ok((u64::from(first), 1));
    }
    let n = usize::from(first & 0x7F);
    if n == 0 || n > 8 {
        return Err(malformed(pos + 16, format!("BER length byte {first:#04x}")));
    }
    let bytes = b.get(1..=n).ok_or_else(|| truncated(format!("KLV length at byte {pos} cut short")))?;
    let len = bytes.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x));
    Ok((len, 1 + n as u64))
}

/// Partition packs: `06.0E.2B.34.02.05.01.01.0D.01.02.01.01.kk.xx.00`
/// (kk 02 header, 03 body, 04 footer).
fn is_partition_pack(key: &[u8; 16]) -> bool {
    key[4] == 0x02 && key[5] == 0x05 && key[8..13] == [0x0D, 0x01, 0x02, 0x01, 0x01] && matches!(key[13], 0x02..=0x04)
}

/// Structural metadata local sets: `06.0E.2B.34.02.53.01.01.0D.01.01.01.01.01.xx.00`.
fn is_metadata_set(key: &[u8; 16]) -> bool {
    key[4] == 0x02 && key[5] == 0x53 && key[8..14] == [0x0D, 0x01, 0x01, 0x01, 0x01, 0x01]
}

/// Generic container essence elements: `06.0E.2B.34.01.02.01.xx.0D.01.03.01...`.
fn is_essence(key: &[u8; 16]) -> bool {
    key[4] == 0x01 && key[5] == 0x02 && key[8..12] == [0x0D, 0x01, 0x03, 0x01]
}

/// Splits a local set's value into (tag, value) items.
fn parse_set(kind: u8, body: &[u8], base: u64) -> Result<Set, ProbeError> {
    let mut items = Vec::new();
    let mut at = 0usize;
    while at < body.len() {
        let (Some(t), Some(l)) = (body.get(at..at + 2), body.get(at + 2..at + 4)) else {
            return Err(malformed(base + at as u64, "local item header cut short".into()));
        };
        let tag = u16::from_be_bytes([t[0], t[1]]);
        let len = usize::from(u16::from_be_bytes([l[0], l[1]]));
        let Some(value) = body.get(at + 4..at + 4 + len) else {
            return Err(malformed(base + at as u64, format!("local item {tag:#06x} of {len} bytes runs past its set")));
        };
        items.push((tag, value.to_vec()));
        at += 4 + len;
    }
    Ok(Set { kind, items })
}

fn truncated(detail: String) -> ProbeError {
    ProbeError::Truncated { format: FORMAT, detail }
}

fn malformed(offset: u64, detail: String) -> ProbeError {
    ProbeError::Malformed { format: FORMAT, offset, detail }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;
    use std::path::{Path, PathBuf};

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mxf").join(name)
    }

    fn probe_bytes(b: &[u8]) -> Result<MediaInfo, ProbeError> {
        probe(&mut Cursor::new(b), b.len() as u64)
    }

    // Expected values are what ffprobe 5.1 printed for each fixture
    // (`ffprobe -show_streams -show_format`): the format's `timecode` tag,
    // r_frame_rate, width/height, and duration × rate as the frame count
    // (nb_frames is N/A for MXF).

    #[test]
    fn op1a_2997_drop_frame() {
        // ffprobe: timecode=10:00:00;02 r_frame_rate=30000/1001 duration=0.500500
        // (15 frames) mpeg2video 160x120; pcm_s16le 48000 Hz 1 ch.
        let info = super::super::probe_file(&fixture("op1a_2997df.mxf")).unwrap();
        assert_eq!(info.container, "mxf");
        let start = info.start.unwrap();
        assert_eq!(start.tc.to_string(), "10:00:00;02");
        assert!(start.tc.format().is_drop_frame());
        assert_eq!(start.source, TcSource::Mxf);
        assert_eq!(info.rate, Some(Rate::FPS_29_97));
        assert_eq!(info.length, Length::Frames(15));
        assert_eq!(info.video, Some(VideoInfo { codec: "mpeg2video".into(), width: 160, height: 120 }));
        let a = info.audio.unwrap();
        assert_eq!((a.sample_rate, a.channels, a.bits), (48000, 1, Some(16)));
    }

    #[test]
    fn op1a_25_non_drop() {
        // ffprobe: timecode=01:00:00:00 r_frame_rate=25/1 duration=0.480000
        // (12 frames) mpeg2video 160x120; pcm_s16le 48000 Hz 1 ch.
        let info = super::super::probe_file(&fixture("op1a_25.mxf")).unwrap();
        let start = info.start.unwrap();
        assert_eq!(start.tc.to_string(), "01:00:00:00");
        assert!(!start.tc.format().is_drop_frame());
        assert_eq!(info.rate, Some(Rate::FPS_25));
        assert_eq!(info.length, Length::Frames(12));
        assert_eq!(info.video, Some(VideoInfo { codec: "mpeg2video".into(), width: 160, height: 120 }));
        assert_eq!(info.audio.unwrap().channels, 1);
    }

    #[test]
    fn opatom_dnxhr_24() {
        // ffprobe: timecode=12:34:56:12 r_frame_rate=24/1 duration=0.250000
        // (6 frames) dnxhd 256x144; no audio.
        let info = super::super::probe_file(&fixture("opatom_24.mxf")).unwrap();
        assert_eq!(info.start.unwrap().tc.to_string(), "12:34:56:12");
        assert_eq!(info.rate, Some(Rate::FPS_24));
        assert_eq!(info.length, Length::Frames(6));
        assert_eq!(info.video, Some(VideoInfo { codec: "dnxhd".into(), width: 256, height: 144 }));
        assert_eq!(info.audio, None);
    }

    #[test]
    fn timecode_comes_from_the_material_package() {
        // The references resolve, so the fallback (first Timecode Component) is not what we use.
        for name in ["op1a_2997df.mxf", "op1a_25.mxf", "opatom_24.mxf"] {
            let bytes = std::fs::read(fixture(name)).unwrap();
            let sets = read_header_sets(&mut Cursor::new(&bytes), bytes.len() as u64).unwrap();
            let tracks = material_tracks(&sets);
            assert!(tracks.iter().any(|t| t.def == DataDef::Picture && t.duration.is_some()), "{name}");
            assert!(tracks.iter().any(|t| t.def == DataDef::Timecode && t.timecode.is_some()), "{name}");
        }
    }

    #[test]
    fn truncations_and_flips_never_panic() {
        for name in ["op1a_2997df.mxf", "op1a_25.mxf", "opatom_24.mxf"] {
            let bytes = std::fs::read(fixture(name)).unwrap();
            for cut in (0..bytes.len()).step_by(97) {
                let _ = probe_bytes(&bytes[..cut]);
            }
            // A cut inside the header metadata is a truncation.
            assert!(matches!(probe_bytes(&bytes[..2000]), Err(ProbeError::Truncated { .. })), "{name}");
            // Flip bytes throughout the header metadata (ffmpeg's essence
            // starts at byte 7168 or earlier).
            let end = bytes.len().min(8_000);
            for i in (0..end).step_by(3) {
                let mut m = bytes.clone();
                m[i] ^= 0xFF;
                let _ = probe_bytes(&m);
            }
        }
    }

    #[test]
    fn huge_ber_length_is_an_error_not_an_allocation() {
        let mut b =
            vec![0x06, 0x0E, 0x2B, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0D, 0x01, 0x02, 0x01, 0x01, 0x02, 0x04, 0x00];
        b.extend_from_slice(&[0x88, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        b.resize(64, 0);
        assert!(matches!(probe_bytes(&b), Err(ProbeError::Truncated { .. })));
        // A metadata set claiming 2^62 bytes after a valid partition pack.
        let mut c =
            vec![0x06, 0x0E, 0x2B, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0D, 0x01, 0x02, 0x01, 0x01, 0x02, 0x04, 0x00];
        c.push(0x04);
        c.extend_from_slice(&[0; 4]);
        c.extend_from_slice(&[
            0x06, 0x0E, 0x2B, 0x34, 0x02, 0x53, 0x01, 0x01, 0x0D, 0x01, 0x01, 0x01, 0x01, 0x01, 0x14, 0x00,
        ]);
        c.extend_from_slice(&[0x88, 0x40, 0, 0, 0, 0, 0, 0, 0]);
        assert!(matches!(probe_bytes(&c), Err(ProbeError::Truncated { .. })));
        // Indefinite and over-long BER forms are malformed.
        let mut d = b.clone();
        d[16] = 0x80;
        assert!(matches!(probe_bytes(&d), Err(ProbeError::Malformed { .. })));
        d[16] = 0x89;
        assert!(matches!(probe_bytes(&d), Err(ProbeError::Malformed { .. })));
    }
}
