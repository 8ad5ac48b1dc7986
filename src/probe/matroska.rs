//! Matroska / WebM (EBML) reader: each track's type and codec, the video
//! track's size and exact frame rate, audio sample rate and channels, and
//! the segment's duration.
//!
//! Why our own reader: symphonia exposes no video frame rate for Matroska,
//! so a `.mkv` clip had no rate and no end timecode. We need two small
//! master elements, `Info` and `Tracks`, so we walk the Segment's children
//! with seeks (never reading a `Cluster`), read those two (at most
//! [`MAX_MASTER`] bytes each) into memory and parse them from a slice. Every
//! declared size is checked against its parent and the file, so a size past
//! the end is an error or a warning with its byte offset, never an
//! allocation or a panic. When `Info` or `Tracks` sits after the clusters
//! (some muxers write them at the end), the `SeekHead` says where.
//!
//! Facts relied on (RFC 9559 and the Matroska element table): element IDs
//! are EBML variable-length integers with their marker bit kept (1–4
//! bytes), sizes are variable-length integers without it (1–8 bytes; all
//! ones means "unknown", allowed for `Segment` and `Cluster`); `Info` holds
//! `TimestampScale` (0x2AD7B1, ns per tick, default 1 000 000), `Duration`
//! (0x4489, a float in ticks) and `DateUTC` (0x4461, ns since
//! 2001-01-01); a `TrackEntry` (0xAE) holds `TrackType` (0x83: 1 video,
//! 2 audio), `CodecID` (0x86), `DefaultDuration` (0x23E383, ns per frame;
//! ffmpeg writes 41708333 for 24000/1001, which [`Rate::snap`] turns back
//! into the rational rate), `Video` (0xE0: `PixelWidth` 0xB0, `PixelHeight`
//! 0xBA) and `Audio` (0xE1: `SamplingFrequency` 0xB5, float; `Channels`
//! 0x9F, default 1; `BitDepth` 0x6264).

use std::io::{Read, Seek, SeekFrom};

use super::{AudioInfo, Length, MediaInfo, MediaMeta, ProbeError, VideoInfo, read_up_to};
use crate::date::civil_date;
use crate::timecode::Rate;

const FORMAT: &str = "matroska";
/// The largest `Info`, `Tracks` or `SeekHead` we read; real ones are a few KB.
const MAX_MASTER: u64 = 16 << 20;
/// The most Segment children we step over looking for `Info` and `Tracks`.
const MAX_CHILDREN: usize = 4096;
/// Nanoseconds in a second: `DefaultDuration` and `TimestampScale` unit.
const NS: u64 = 1_000_000_000;
/// Seconds from 1970-01-01 to 2001-01-01, the Matroska date epoch.
const MKV_EPOCH: i64 = 978_307_200;

const EBML: u32 = 0x1A45_DFA3;
const DOC_TYPE: u32 = 0x4282;
const SEGMENT: u32 = 0x1853_8067;
const SEEK_HEAD: u32 = 0x114D_9B74;
const SEEK: u32 = 0x4DBB;
const SEEK_ID: u32 = 0x53AB;
const SEEK_POSITION: u32 = 0x53AC;
const INFO: u32 = 0x1549_A966;
const TIMESTAMP_SCALE: u32 = 0x2A_D7B1;
const DURATION: u32 = 0x4489;
const DATE_UTC: u32 = 0x4461;
const TRACKS: u32 = 0x1654_AE6B;
const TRACK_ENTRY: u32 = 0xAE;
const TRACK_TYPE: u32 = 0x83;
const CODEC_ID: u32 = 0x86;
const DEFAULT_DURATION: u32 = 0x23_E383;
const VIDEO: u32 = 0xE0;
const PIXEL_WIDTH: u32 = 0xB0;
const PIXEL_HEIGHT: u32 = 0xBA;
const AUDIO: u32 = 0xE1;
const SAMPLING_FREQUENCY: u32 = 0xB5;
const CHANNELS: u32 = 0x9F;
const BIT_DEPTH: u32 = 0x6264;
const CLUSTER: u32 = 0x1F43_B675;

/// An element header: its ID, its body size (`None`: unknown) and the
/// header's own length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Header {
    id: u32,
    size: Option<u64>,
    len: usize,
}

/// Why a header could not be read from a slice.
#[derive(Debug, PartialEq, Eq)]
enum HeaderError {
    /// The slice ends inside the header.
    Short,
    /// A first byte of zero (no length marker in the first byte) or an ID
    /// longer than 4 bytes.
    Invalid(&'static str),
}

/// Reads an element header at the start of `b`.
fn header(b: &[u8]) -> Result<Header, HeaderError> {
    let first = *b.first().ok_or(HeaderError::Short)?;
    let id_len = first.leading_zeros() as usize + 1;
    if id_len > 4 {
        return Err(HeaderError::Invalid("element ID longer than 4 bytes"));
    }
    let id_bytes = b.get(..id_len).ok_or(HeaderError::Short)?;
    let id = id_bytes.iter().fold(0u32, |acc, &x| (acc << 8) | u32::from(x));
    let size_first = *b.get(id_len).ok_or(HeaderError::Short)?;
    if size_first == 0 {
        return Err(HeaderError::Invalid("element size longer than 8 bytes"));
    }
    let size_len = size_first.leading_zeros() as usize + 1;
    let size_bytes = b.get(id_len..id_len + size_len).ok_or(HeaderError::Short)?;
    // The marker bit is dropped from the first byte; all value bits set
    // means the size is unknown.
    let mask = (0xFFu16 >> size_len) as u8;
    let mut size = u64::from(size_first & mask);
    let mut all_ones = size_first & mask == mask;
    for &x in &size_bytes[1..] {
        size = (size << 8) | u64::from(x);
        all_ones &= x == 0xFF;
    }
    Ok(Header { id, size: (!all_ones).then_some(size), len: id_len + size_len })
}

/// The children of a master element held in memory, each with its ID, its
/// body and the body's offset in the file. A child running past its parent
/// (or of unknown size) ends the walk with an error naming its offset.
fn children(data: &[u8], base: u64) -> impl Iterator<Item = Result<(u32, &[u8], u64), ProbeError>> {
    let mut pos = 0usize;
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed || pos >= data.len() {
            return None;
        }
        let at = base + pos as u64;
        let rest = &data[pos..];
        let result = match header(rest) {
            Err(HeaderError::Short) => {
                Err(ProbeError::malformed(FORMAT, at, "element header runs past its parent".into()))
            }
            Err(HeaderError::Invalid(why)) => Err(ProbeError::malformed(FORMAT, at, why.into())),
            Ok(Header { id, size: None, .. }) => Err(ProbeError::malformed(
                FORMAT,
                at,
                format!("element {id:#X} of unknown size inside a master element"),
            )),
            Ok(Header { id, size: Some(size), len }) => {
                match usize::try_from(size).ok().and_then(|s| len.checked_add(s)) {
                    Some(end) if end <= rest.len() => {
                        pos += end;
                        Ok((id, &rest[len..end], at + len as u64))
                    }
                    _ => Err(ProbeError::malformed(
                        FORMAT,
                        at,
                        format!("element {id:#X} declares {size} bytes but its parent has {} left", rest.len() - len),
                    )),
                }
            }
        };
        failed = result.is_err();
        Some(result)
    })
}

fn uint(b: &[u8]) -> Option<u64> {
    (b.len() <= 8).then(|| b.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x)))
}

fn int(b: &[u8]) -> Option<i64> {
    let v = uint(b)?;
    let bits = 8 * b.len() as u32;
    // Sign-extend from the element's own width.
    Some(if bits == 0 || bits == 64 { v as i64 } else { ((v << (64 - bits)) as i64) >> (64 - bits) })
}

fn float(b: &[u8]) -> Option<f64> {
    match b.len() {
        0 => Some(0.0),
        4 => Some(f64::from(f32::from_be_bytes(b.try_into().ok()?))),
        8 => Some(f64::from_be_bytes(b.try_into().ok()?)),
        _ => None,
    }
}

fn string(b: &[u8]) -> String {
    let end = b.iter().position(|&x| x == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).trim().to_string()
}

/// The segment information we use.
#[derive(Debug, Default)]
struct Info {
    timestamp_scale: Option<u64>,
    duration: Option<f64>,
    date_utc: Option<i64>,
}

/// One `TrackEntry`.
#[derive(Debug, Default)]
struct Track {
    kind: u64,
    codec_id: String,
    default_duration: Option<u64>,
    width: u64,
    height: u64,
    sample_rate: Option<f64>,
    channels: Option<u64>,
    bit_depth: Option<u64>,
}

const TRACK_VIDEO: u64 = 1;
const TRACK_AUDIO: u64 = 2;

fn parse_info(body: &[u8], base: u64) -> Result<Info, ProbeError> {
    let mut info = Info::default();
    for child in children(body, base) {
        let (id, v, at) = child?;
        match id {
            TIMESTAMP_SCALE => info.timestamp_scale = Some(uint(v).ok_or_else(|| bad_size(at, "TimestampScale"))?),
            DURATION => info.duration = Some(float(v).ok_or_else(|| bad_size(at, "Duration"))?),
            DATE_UTC => info.date_utc = int(v),
            _ => {}
        }
    }
    Ok(info)
}

fn parse_tracks(body: &[u8], base: u64) -> Result<Vec<Track>, ProbeError> {
    let mut tracks = Vec::new();
    for child in children(body, base) {
        let (id, entry, entry_at) = child?;
        if id != TRACK_ENTRY {
            continue;
        }
        let mut t = Track::default();
        for item in children(entry, entry_at) {
            let (id, v, at) = item?;
            match id {
                TRACK_TYPE => t.kind = uint(v).ok_or_else(|| bad_size(at, "TrackType"))?,
                CODEC_ID => t.codec_id = string(v),
                DEFAULT_DURATION => t.default_duration = uint(v).filter(|&d| d > 0),
                VIDEO => {
                    for sub in children(v, at) {
                        let (id, v, _) = sub?;
                        match id {
                            PIXEL_WIDTH => t.width = uint(v).unwrap_or(0),
                            PIXEL_HEIGHT => t.height = uint(v).unwrap_or(0),
                            _ => {}
                        }
                    }
                }
                AUDIO => {
                    for sub in children(v, at) {
                        let (id, v, _) = sub?;
                        match id {
                            SAMPLING_FREQUENCY => t.sample_rate = float(v),
                            CHANNELS => t.channels = uint(v),
                            BIT_DEPTH => t.bit_depth = uint(v),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        tracks.push(t);
    }
    Ok(tracks)
}

/// Where the `SeekHead` says `Info` and `Tracks` are, as offsets from the
/// start of the Segment's body.
#[derive(Debug, Default)]
struct Seeks {
    info: Option<u64>,
    tracks: Option<u64>,
}

fn parse_seek_head(body: &[u8], base: u64, seeks: &mut Seeks) -> Result<(), ProbeError> {
    for child in children(body, base) {
        let (id, seek, at) = child?;
        if id != SEEK {
            continue;
        }
        let (mut target, mut position) = (None, None);
        for item in children(seek, at) {
            let (id, v, _) = item?;
            match id {
                SEEK_ID => target = uint(v),
                SEEK_POSITION => position = uint(v),
                _ => {}
            }
        }
        match (target, position) {
            (Some(t), Some(p)) if t == u64::from(INFO) => seeks.info = seeks.info.or(Some(p)),
            (Some(t), Some(p)) if t == u64::from(TRACKS) => seeks.tracks = seeks.tracks.or(Some(p)),
            _ => {}
        }
    }
    Ok(())
}

/// Reads the element header at `pos` from the file.
fn read_header<R: Read + Seek>(r: &mut R, pos: u64, file_len: u64) -> Result<Header, ProbeError> {
    r.seek(SeekFrom::Start(pos))?;
    let mut buf = [0u8; 12];
    let n = read_up_to(r, &mut buf)?;
    match header(&buf[..n]) {
        Ok(h) => Ok(h),
        Err(HeaderError::Short) => Err(ProbeError::truncated(
            FORMAT,
            format!("element header at byte {pos} cut short (the file ends at byte {file_len})"),
        )),
        Err(HeaderError::Invalid(why)) => Err(ProbeError::malformed(FORMAT, pos, why.into())),
    }
}

/// Reads the body of the master element whose header `h` is at byte `at`,
/// to parse it from memory, bounded by [`MAX_MASTER`] and by the file.
/// Errors name the element's own offset.
fn read_body<R: Read + Seek>(r: &mut R, at: u64, h: Header, file_len: u64, name: &str) -> Result<Vec<u8>, ProbeError> {
    let Some(size) = h.size else {
        return Err(ProbeError::malformed(FORMAT, at, format!("{name} of unknown size")));
    };
    if size > MAX_MASTER {
        return Err(ProbeError::Unsupported { format: FORMAT, detail: format!("{name} of {size} bytes is too large") });
    }
    let body_at = at + h.len as u64;
    if body_at.saturating_add(size) > file_len {
        return Err(ProbeError::truncated(
            FORMAT,
            format!("{name} at byte {at} declares {size} bytes but only {} remain", file_len.saturating_sub(body_at)),
        ));
    }
    r.seek(SeekFrom::Start(body_at))?;
    let mut body = vec![0u8; size as usize];
    r.read_exact(&mut body)?;
    Ok(body)
}

/// Probes a Matroska or WebM file.
pub fn probe<R: Read + Seek>(r: &mut R, file_len: u64) -> Result<MediaInfo, ProbeError> {
    let ebml = read_header(r, 0, file_len)?;
    if ebml.id != EBML {
        return Err(ProbeError::malformed(FORMAT, 0, format!("first element is {:#X}, not the EBML header", ebml.id)));
    }
    let ebml_body = read_body(r, 0, ebml, file_len, "EBML header")?;
    let mut doc_type = String::new();
    for child in children(&ebml_body, ebml.len as u64) {
        let (id, v, _) = child?;
        if id == DOC_TYPE {
            doc_type = string(v);
        }
    }
    if !matches!(doc_type.as_str(), "matroska" | "webm") {
        return Err(ProbeError::Unsupported { format: FORMAT, detail: format!("EBML document type '{doc_type}'") });
    }

    let mut warnings = Vec::new();
    // The Segment follows the EBML header (Void elements may sit between).
    let mut pos = ebml.len as u64 + ebml.size.unwrap_or(0);
    let mut stepped = 0;
    let segment = loop {
        if pos >= file_len {
            return Err(ProbeError::truncated(
                FORMAT,
                format!("no Segment after the EBML header (the file ends at byte {file_len})"),
            ));
        }
        stepped += 1;
        if stepped > MAX_CHILDREN {
            return Err(ProbeError::malformed(
                FORMAT,
                pos,
                format!("no Segment among the first {MAX_CHILDREN} top-level elements"),
            ));
        }
        let h = read_header(r, pos, file_len)?;
        if h.id == SEGMENT {
            break h;
        }
        match h.size {
            Some(size) => pos = pos.saturating_add(h.len as u64).saturating_add(size),
            None => {
                return Err(ProbeError::malformed(
                    FORMAT,
                    pos,
                    format!("top-level element {:#X} of unknown size", h.id),
                ));
            }
        }
    };
    let seg_start = pos + segment.len as u64;
    let seg_end = match segment.size {
        Some(size) if seg_start.saturating_add(size) > file_len => {
            warnings.push(format!(
                "{FORMAT}: truncated: the Segment declares {size} bytes but the file ends {} bytes in; \
                 the duration is the one the header states",
                file_len - seg_start
            ));
            file_len
        }
        Some(size) => seg_start + size,
        None => file_len,
    };

    let (mut info, mut tracks, mut seeks) = (None, None, Seeks::default());
    let mut pos = seg_start;
    for _ in 0..MAX_CHILDREN {
        if pos >= seg_end || (info.is_some() && tracks.is_some()) {
            break;
        }
        let h = read_header(r, pos, file_len)?;
        let body_at = pos + h.len as u64;
        match h.id {
            INFO => info = Some(parse_info(&read_body(r, pos, h, file_len, "Info")?, body_at)?),
            TRACKS => tracks = Some(parse_tracks(&read_body(r, pos, h, file_len, "Tracks")?, body_at)?),
            SEEK_HEAD => parse_seek_head(&read_body(r, pos, h, file_len, "SeekHead")?, body_at, &mut seeks)?,
            // The media starts: what is still missing can only be found
            // through the SeekHead.
            CLUSTER => break,
            _ => {}
        }
        match h.size {
            Some(size) => pos = body_at.saturating_add(size),
            None => break,
        }
    }
    if info.is_none()
        && let Some(at) = seeks.info
    {
        info = Some(
            read_sought(r, seg_start, at, file_len, INFO, "Info")?
                .map_or(Ok(Info::default()), |(b, a)| parse_info(&b, a))?,
        );
    }
    if tracks.is_none()
        && let Some(at) = seeks.tracks
    {
        tracks =
            read_sought(r, seg_start, at, file_len, TRACKS, "Tracks")?.map(|(b, a)| parse_tracks(&b, a)).transpose()?;
    }
    let Some(tracks) = tracks else {
        return Err(ProbeError::truncated(
            FORMAT,
            "no Tracks element before the media (recording or copy cut short?)".into(),
        ));
    };
    let info = info.unwrap_or_default();
    describe(&info, &tracks, warnings)
}

/// Reads the master element the SeekHead places at `offset` from the
/// Segment's body; `None` (with no error) when something else is there.
fn read_sought<R: Read + Seek>(
    r: &mut R,
    seg_start: u64,
    offset: u64,
    file_len: u64,
    want: u32,
    name: &str,
) -> Result<Option<(Vec<u8>, u64)>, ProbeError> {
    let at = seg_start.saturating_add(offset);
    if at >= file_len {
        return Err(ProbeError::truncated(
            FORMAT,
            format!("the SeekHead puts {name} at byte {at}, past the end of the file"),
        ));
    }
    let h = read_header(r, at, file_len)?;
    if h.id != want {
        return Ok(None);
    }
    let body_at = at + h.len as u64;
    Ok(Some((read_body(r, at, h, file_len, name)?, body_at)))
}

/// Turns what was read into a [`MediaInfo`].
fn describe(info: &Info, tracks: &[Track], warnings: Vec<String>) -> Result<MediaInfo, ProbeError> {
    let scale = info.timestamp_scale.unwrap_or(1_000_000);
    if scale == 0 {
        return Err(ProbeError::Unsupported { format: FORMAT, detail: "TimestampScale of 0".into() });
    }
    let mut out = MediaInfo {
        container: "mkv",
        video: None,
        audio: None,
        rate: None,
        length: Length::Ticks { ticks: 0, timescale: 1 },
        start: None,
        meta: MediaMeta::default(),
        warnings,
    };
    let mut channels = 0u32;
    for t in tracks {
        match t.kind {
            TRACK_VIDEO if out.video.is_none() => {
                out.video = Some(VideoInfo {
                    codec: video_codec(&t.codec_id),
                    width: u32::try_from(t.width).unwrap_or(0),
                    height: u32::try_from(t.height).unwrap_or(0),
                });
                out.rate = t.default_duration.and_then(|d| Rate::snap(NS, d));
                if out.rate.is_none() {
                    out.warnings.push(format!(
                        "{FORMAT}: the video track states no DefaultDuration (variable frame rate?): no frame rate"
                    ));
                }
            }
            TRACK_AUDIO => {
                let n = u32::try_from(t.channels.unwrap_or(1)).unwrap_or(0);
                channels = channels.saturating_add(n);
                if out.audio.is_none() {
                    let bits = t.bit_depth.and_then(|b| u32::try_from(b).ok());
                    let sample_rate = t.sample_rate.filter(|f| f.is_finite() && *f >= 0.0).unwrap_or(0.0);
                    out.audio = Some(AudioInfo {
                        codec: audio_codec(&t.codec_id, bits),
                        sample_rate: sample_rate.round().min(f64::from(u32::MAX)) as u32,
                        channels: 0,
                        bits: bits.filter(|_| t.codec_id.starts_with("A_PCM")),
                    });
                }
            }
            _ => {}
        }
    }
    if let Some(a) = out.audio.as_mut() {
        a.channels = channels;
    }
    if out.video.is_none() && out.audio.is_none() {
        return Err(ProbeError::Unsupported { format: FORMAT, detail: "no audio or video track".into() });
    }
    out.length = length(info.duration, scale).ok_or_else(|| ProbeError::Unsupported {
        format: FORMAT,
        detail: "the Segment states no Duration (a live recording never finished?)".into(),
    })?;
    if let Some(d) = info.date_utc {
        out.meta.recorded_date = Some(civil_date(MKV_EPOCH.saturating_add(d.div_euclid(NS as i64))));
    }
    Ok(out)
}

/// The Segment's `Duration` (a float count of `scale`-ns ticks) kept in
/// whole ticks when a tick divides a second, else in nanoseconds.
fn length(duration: Option<f64>, scale: u64) -> Option<Length> {
    let d = duration.filter(|d| d.is_finite() && *d >= 0.0)?;
    if NS.is_multiple_of(scale) {
        let ticks = d.round();
        if ticks < u64::MAX as f64 {
            return Some(Length::Ticks { ticks: ticks as u64, timescale: u32::try_from(NS / scale).ok()? });
        }
    }
    let ns = d * scale as f64;
    (ns < u64::MAX as f64).then(|| Length::Ticks { ticks: ns.round() as u64, timescale: NS as u32 })
}

/// Codec names as ffprobe prints them, from the Matroska codec ID.
fn video_codec(id: &str) -> String {
    let name = match id {
        "V_MPEG4/ISO/AVC" => "h264",
        "V_MPEGH/ISO/HEVC" => "hevc",
        "V_VP8" => "vp8",
        "V_VP9" => "vp9",
        "V_AV1" => "av1",
        "V_PRORES" => "prores",
        "V_MPEG2" | "V_MPEG1" => "mpeg2video",
        "V_MPEG4/ISO/SP" | "V_MPEG4/ISO/ASP" | "V_MPEG4/ISO/AP" => "mpeg4",
        "V_MJPEG" => "mjpeg",
        "V_FFV1" => "ffv1",
        "V_THEORA" => "theora",
        "V_UNCOMPRESSED" => "rawvideo",
        "V_DIRAC" => "dirac",
        _ => return raw_codec(id),
    };
    name.to_string()
}

fn audio_codec(id: &str, bits: Option<u32>) -> String {
    let bits = bits.unwrap_or(16);
    let name = match id {
        "A_OPUS" => "opus",
        "A_VORBIS" => "vorbis",
        "A_FLAC" => "flac",
        "A_MPEG/L3" => "mp3",
        "A_MPEG/L2" => "mp2",
        "A_AC3" => "ac3",
        "A_EAC3" => "eac3",
        "A_DTS" => "dts",
        "A_ALAC" => "alac",
        "A_TRUEHD" => "truehd",
        "A_PCM/INT/LIT" => return format!("pcm_s{bits}le"),
        "A_PCM/INT/BIG" => return format!("pcm_s{bits}be"),
        "A_PCM/FLOAT/IEEE" => return format!("pcm_f{bits}le"),
        _ if id.starts_with("A_AAC") => "aac",
        _ => return raw_codec(id),
    };
    name.to_string()
}

/// An ID we do not name, kept as the file says it (lower-cased, without
/// the `V_`/`A_` prefix), so it is still shown.
fn raw_codec(id: &str) -> String {
    let bare = id.split_once('_').map_or(id, |(_, rest)| rest);
    if bare.is_empty() { "unknown".into() } else { bare.to_ascii_lowercase() }
}

fn bad_size(at: u64, name: &str) -> ProbeError {
    ProbeError::malformed(FORMAT, at, format!("{name} has a size no number has"))
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::timecode::Rate;

    /// An element: ID bytes, a 1- or 8-byte size, the body.
    fn el(id: u32, body: &[u8]) -> Vec<u8> {
        let mut out: Vec<u8> = id.to_be_bytes().iter().copied().skip_while(|&b| b == 0).collect();
        if body.len() < 127 {
            out.push(0x80 | body.len() as u8);
        } else {
            out.push(0x01);
            out.extend_from_slice(&(body.len() as u64).to_be_bytes()[1..]);
        }
        out.extend_from_slice(body);
        out
    }

    fn u(id: u32, v: u64) -> Vec<u8> {
        let bytes: Vec<u8> = v.to_be_bytes().iter().copied().skip_while(|&b| b == 0).collect();
        el(id, &bytes)
    }

    fn f(id: u32, v: f64) -> Vec<u8> {
        el(id, &v.to_be_bytes())
    }

    fn cat(parts: &[Vec<u8>]) -> Vec<u8> {
        parts.concat()
    }

    /// A Matroska file as ffmpeg lays it out: EBML header, Segment with
    /// Info, Tracks, then a Cluster.
    fn file(default_duration: u64, duration_ms: f64) -> Vec<u8> {
        let ebml = el(EBML, &el(DOC_TYPE, b"matroska"));
        let info = el(INFO, &cat(&[u(TIMESTAMP_SCALE, 1_000_000), f(DURATION, duration_ms)]));
        let video = el(
            TRACK_ENTRY,
            &cat(&[
                u(TRACK_TYPE, 1),
                el(CODEC_ID, b"V_MPEG4/ISO/AVC"),
                u(DEFAULT_DURATION, default_duration),
                el(VIDEO, &cat(&[u(PIXEL_WIDTH, 1920), u(PIXEL_HEIGHT, 1080)])),
            ]),
        );
        let audio = el(
            TRACK_ENTRY,
            &cat(&[
                u(TRACK_TYPE, 2),
                el(CODEC_ID, b"A_PCM/INT/LIT"),
                el(AUDIO, &cat(&[f(SAMPLING_FREQUENCY, 48000.0), u(CHANNELS, 2), u(BIT_DEPTH, 24)])),
            ]),
        );
        let tracks = el(TRACKS, &cat(&[video, audio]));
        let cluster = el(CLUSTER, &[0xE7, 0x81, 0x00]);
        cat(&[ebml, el(SEGMENT, &cat(&[info, tracks, cluster]))])
    }

    fn probe_bytes(b: &[u8]) -> Result<MediaInfo, ProbeError> {
        probe(&mut Cursor::new(b), b.len() as u64)
    }

    #[test]
    fn header_reads_ids_sizes_and_unknown_sizes() {
        assert_eq!(header(&[0x1A, 0x45, 0xDF, 0xA3, 0x9F]), Ok(Header { id: EBML, size: Some(31), len: 5 }));
        assert_eq!(header(&[0xAE, 0x40, 0x02]), Ok(Header { id: 0xAE, size: Some(2), len: 3 }));
        assert_eq!(
            header(&[0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]).map(|h| h.size),
            Ok(None)
        );
        assert_eq!(header(&[0xFF]).map(|h| h.size), Err(HeaderError::Short));
        assert_eq!(header(&[0x81, 0xFF]).map(|h| h.size), Ok(None));
        assert!(matches!(header(&[0x08, 0x81]), Err(HeaderError::Invalid(_))));
        assert!(matches!(header(&[0x81, 0x00]), Err(HeaderError::Invalid(_))));
    }

    #[test]
    fn default_duration_gives_the_rational_rate() {
        for (ns, rate) in [
            (41_708_333, Rate::new(24000, 1001)),
            (41_708_334, Rate::new(24000, 1001)),
            (40_000_000, Rate::new(25, 1)),
            (33_366_667, Rate::new(30000, 1001)),
            (20_000_000, Rate::new(50, 1)),
            (16_683_333, Rate::new(60000, 1001)),
        ] {
            let info = probe_bytes(&file(ns, 2002.0)).expect("probe");
            assert_eq!(info.rate, rate, "{ns} ns");
        }
        let info = probe_bytes(&file(41_708_333, 2002.0)).expect("probe");
        assert_eq!(info.length, Length::Ticks { ticks: 2002, timescale: 1000 });
        assert_eq!(info.length.frames_at(Rate::new(24000, 1001).expect("rate")), 48);
        assert_eq!(info.video, Some(VideoInfo { codec: "h264".into(), width: 1920, height: 1080 }));
        let audio = info.audio.expect("audio");
        assert_eq!(
            (audio.codec.as_str(), audio.sample_rate, audio.channels, audio.bits),
            ("pcm_s24le", 48000, 2, Some(24))
        );
        assert!(info.warnings.is_empty(), "{:?}", info.warnings);
    }

    #[test]
    fn every_cut_of_a_file_is_an_error_or_a_warning_never_a_panic() {
        let whole = file(40_000_000, 2000.0);
        for cut in 0..whole.len() {
            match probe_bytes(&whole[..cut]) {
                Ok(info) => assert!(!info.warnings.is_empty(), "cut at {cut} read without a warning"),
                Err(e) => assert!(!e.to_string().is_empty()),
            }
        }
    }

    #[test]
    fn a_child_past_its_parent_is_reported_with_its_offset() {
        let mut bytes = file(40_000_000, 2000.0);
        // The TrackEntry's first child (TrackType) claims 0x7E bytes.
        let at = bytes.windows(2).position(|w| w == [TRACK_TYPE as u8, 0x81]).expect("TrackType");
        bytes[at + 1] = 0xFE;
        match probe_bytes(&bytes) {
            Err(ProbeError::Malformed { offset, detail, .. }) => {
                assert_eq!(offset, at as u64, "{detail}");
                assert!(detail.contains("0x83"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn tracks_after_the_clusters_are_found_through_the_seek_head() {
        let ebml = el(EBML, &el(DOC_TYPE, b"webm"));
        let info = el(INFO, &cat(&[u(TIMESTAMP_SCALE, 1_000_000), f(DURATION, 1000.0)]));
        let cluster = el(CLUSTER, &[0xE7, 0x81, 0x00]);
        let tracks = el(
            TRACKS,
            &el(TRACK_ENTRY, &cat(&[u(TRACK_TYPE, 1), el(CODEC_ID, b"V_VP9"), u(DEFAULT_DURATION, 40_000_000)])),
        );
        // SeekHead with a fixed-width position (8 bytes) so its own size
        // does not depend on the position it holds.
        let seek_head_len =
            el(SEEK_HEAD, &el(SEEK, &cat(&[el(SEEK_ID, &TRACKS.to_be_bytes()), el(SEEK_POSITION, &[0; 8])]))).len();
        let tracks_at = (seek_head_len + info.len() + cluster.len()) as u64;
        let seek_head = el(
            SEEK_HEAD,
            &el(SEEK, &cat(&[el(SEEK_ID, &TRACKS.to_be_bytes()), el(SEEK_POSITION, &tracks_at.to_be_bytes())])),
        );
        let bytes = cat(&[ebml, el(SEGMENT, &cat(&[seek_head, info, cluster, tracks]))]);
        let info = probe_bytes(&bytes).expect("probe");
        assert_eq!(info.rate, Rate::new(25, 1));
        assert_eq!(info.video.expect("video").codec, "vp9");
    }

    #[test]
    fn no_duration_and_no_tracks_are_said() {
        let ebml = el(EBML, &el(DOC_TYPE, b"matroska"));
        let bare = cat(&[ebml.clone(), el(SEGMENT, &el(INFO, &u(TIMESTAMP_SCALE, 1_000_000)))]);
        assert!(matches!(probe_bytes(&bare), Err(ProbeError::Truncated { .. })));
        let tracks = el(TRACKS, &el(TRACK_ENTRY, &cat(&[u(TRACK_TYPE, 2), el(CODEC_ID, b"A_OPUS")])));
        let no_duration = cat(&[ebml, el(SEGMENT, &tracks)]);
        match probe_bytes(&no_duration) {
            Err(ProbeError::Unsupported { detail, .. }) => assert!(detail.contains("Duration"), "{detail}"),
            other => panic!("{other:?}"),
        }
        let other_doc = el(EBML, &el(DOC_TYPE, b"foo"));
        assert!(matches!(probe_bytes(&other_doc), Err(ProbeError::Unsupported { .. })));
    }
}
