//! QuickTime / ISO-BMFF (MOV, MP4) box reader: video size, codec and exact
//! frame rate, audio streams, and the start timecode from a `tmcd` track.
//!
//! Why our own reader: symphonia reads no video rate and no `tmcd`, and
//! rejects whole files it could otherwise describe (an HEVC `hvcC` over
//! 1 KiB); `mp4` 0.14 rounds 29.97 to 29. We need only a handful of boxes,
//! so we walk the top level with seeks, read `moov` (bounded; a long
//! clip's sample tables left out, see `read_moov`) into memory and parse
//! it from a slice: a declared size can never make us allocate
//! more than the file holds, and a box running past its parent is an error
//! with its offset, not a panic.
//!
//! Facts relied on (DOMAIN.md): video rate = `mdhd` timescale / `stts`
//! delta; a `tmcd` sample entry holds flags (0x1 = drop-frame), timescale,
//! frame duration and a frames-per-second byte that GoPro writes as 29 for
//! 29.97, so the rate comes from timescale/duration; the first `tmcd`
//! sample (at `stco[0]`) is a big-endian u32 frame counter.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::{AudioInfo, Length, MediaInfo, MediaMeta, ProbeError, StartTc, TcSource, VideoInfo, read_up_to};
use crate::date::civil_date;
use crate::timecode::{Rate, TcFormat, Timecode};

const FORMAT: &str = "quicktime";
/// The largest `moov` we read; real camera files have a few MB at most.
const MAX_MOOV: u64 = 256 << 20;
/// A `moov` this large or larger is read sparsely: most of it is the
/// sample tables of a long clip (an interview's 40 minutes hold 400 KB
/// of them), which [`parse_moov`] never looks at.
const SPARSE_FROM: u64 = 64 << 10;
/// Seconds from 1904-01-01 (QuickTime epoch) to 1970-01-01.
const QT_EPOCH_OFFSET: u64 = 2_082_844_800;

/// True when the first bytes look like a QuickTime/MP4 top-level box.
pub fn looks_like(head: &[u8]) -> bool {
    matches!(
        head.get(4..8),
        Some(b"ftyp" | b"moov" | b"mdat" | b"free" | b"wide" | b"skip" | b"pnot" | b"uuid" | b"junk")
    )
}

/// One track as read from `trak`.
#[derive(Debug, Default)]
struct Track {
    handler: [u8; 4],
    timescale: u32,
    duration: u64,
    entry: Option<SampleEntry>,
    /// Sum of `stts` sample counts and of count × delta.
    n_samples: u64,
    total_ticks: u64,
    /// `stts` delta when every sample has the same one.
    single_delta: Option<u32>,
    first_chunk_offset: Option<u64>,
}

#[derive(Debug)]
enum SampleEntry {
    Video { fourcc: [u8; 4], width: u32, height: u32 },
    Audio { fourcc: [u8; 4], channels: u32, bits: u32, sample_rate: u32 },
    Tmcd { drop_frame: bool, timescale: u32, frame_duration: u32, name: Option<String> },
    Other,
}

/// Probes a MOV/MP4 file. `path` only steers the container name.
pub fn probe<R: Read + Seek>(r: &mut R, file_len: u64, path: &Path) -> Result<MediaInfo, ProbeError> {
    probe_reading(r, file_len, path, SPARSE_FROM)
}

/// [`probe`], reading a `moov` of `sparse_from` bytes or more sparsely
/// (see [`read_moov`]).
fn probe_reading<R: Read + Seek>(
    r: &mut R,
    file_len: u64,
    path: &Path,
    sparse_from: u64,
) -> Result<MediaInfo, ProbeError> {
    let mut pos = 0u64;
    let mut moov: Option<(u64, u64)> = None;
    let mut brand: Option<[u8; 4]> = None;
    while pos + 8 <= file_len {
        r.seek(SeekFrom::Start(pos))?;
        let mut hdr = [0u8; 16];
        let n = read_up_to(r, &mut hdr)?;
        let size32 = be_u32(&hdr, 0).unwrap_or(0);
        let kind: [u8; 4] = [hdr[4], hdr[5], hdr[6], hdr[7]];
        let (size, hdr_len) = match size32 {
            0 => (file_len - pos, 8),
            1 if n >= 16 => (be_u64(&hdr, 8).unwrap_or(0), 16),
            1 => return Err(truncated(format!("box header at byte {pos} cut short"))),
            s => (u64::from(s), 8),
        };
        if size < hdr_len {
            return Err(malformed(pos, format!("box '{}' declares size {size}", fourcc_str(&kind))));
        }
        // A 64-bit size can be anything: saturate rather than overflow.
        if pos.saturating_add(size) > file_len {
            return Err(truncated(format!(
                "box '{}' at byte {pos} declares {size} bytes but only {} remain",
                fourcc_str(&kind),
                file_len - pos
            )));
        }
        match &kind {
            b"ftyp" => brand = hdr.get(8..12).and_then(|b| b.try_into().ok()),
            b"moov" => moov = Some((pos + hdr_len, size - hdr_len)),
            _ => {}
        }
        pos += size;
    }
    let Some((moov_at, moov_len)) = moov else {
        return Err(truncated("no 'moov' box: the file was not finished (recording or copy cut short?)".into()));
    };
    if moov_len > MAX_MOOV {
        return Err(ProbeError::Unsupported {
            format: FORMAT,
            detail: format!("'moov' of {moov_len} bytes is too large"),
        });
    }
    let body = read_moov(r, moov_at, moov_len, sparse_from)?;
    let movie = parse_moov(&body, moov_at)?;

    let container = match brand {
        Some(b) if &b == b"qt  " => "mov",
        Some(_) => "mp4",
        None if has_ext(path, "mov") => "mov",
        None => "mp4",
    };
    let mut info = MediaInfo {
        container,
        video: None,
        audio: None,
        rate: None,
        length: Length::Ticks { ticks: movie.duration, timescale: movie.timescale.max(1) },
        start: None,
        meta: MediaMeta::default(),
        warnings: Vec::new(),
    };
    if movie.creation_time > QT_EPOCH_OFFSET {
        info.meta.recorded_date = Some(civil_date((movie.creation_time - QT_EPOCH_OFFSET) as i64));
    }

    let mut audio_channels = 0u32;
    for t in &movie.tracks {
        match (&t.handler, &t.entry) {
            (b"vide", Some(SampleEntry::Video { fourcc, width, height })) if info.video.is_none() => {
                info.video = Some(VideoInfo { codec: video_codec(fourcc), width: *width, height: *height });
                let rate = match t.single_delta {
                    Some(d) if d > 0 => Rate::snap(u64::from(t.timescale), u64::from(d)),
                    // A sample count that overflows here is damage, not a rate.
                    _ if t.n_samples > 0 => u64::from(t.timescale)
                        .checked_mul(t.n_samples)
                        .and_then(|ticks_per_second| Rate::snap(ticks_per_second, t.total_ticks)),
                    _ => None,
                };
                if let Some(rate) = rate {
                    info.rate = Some(rate);
                    info.length = Length::Frames(t.n_samples);
                } else {
                    info.length = Length::Ticks { ticks: t.duration, timescale: t.timescale.max(1) };
                }
            }
            (b"soun", Some(SampleEntry::Audio { fourcc, channels, bits, sample_rate })) => {
                audio_channels = audio_channels.saturating_add(*channels);
                if info.audio.is_none() {
                    let sample_rate = if *sample_rate > 0 { *sample_rate } else { t.timescale };
                    let pcm = pcm_bits(fourcc, *bits);
                    info.audio =
                        Some(AudioInfo { codec: audio_codec(fourcc, *bits), sample_rate, channels: 0, bits: pcm });
                    if info.video.is_none() && t.timescale > 0 {
                        info.length = Length::Ticks { ticks: t.total_ticks.max(t.duration), timescale: t.timescale };
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(a) = info.audio.as_mut() {
        a.channels = audio_channels;
    }
    if let Some(start) = read_tmcd(r, file_len, &movie.tracks, &mut info.meta)? {
        if info.rate.is_none() {
            info.rate = Some(start.tc.format().rate());
        }
        info.start = Some(start);
    }
    if info.video.is_none() && info.audio.is_none() {
        return Err(ProbeError::Unsupported { format: FORMAT, detail: "no video or audio track".into() });
    }
    Ok(info)
}

/// Reads the start timecode from the first `tmcd` track's first sample.
fn read_tmcd<R: Read + Seek>(
    r: &mut R,
    file_len: u64,
    tracks: &[Track],
    meta: &mut MediaMeta,
) -> Result<Option<StartTc>, ProbeError> {
    for t in tracks {
        let Some(SampleEntry::Tmcd { drop_frame, timescale, frame_duration, name }) = &t.entry else {
            continue;
        };
        let Some(rate) = Rate::snap(u64::from(*timescale), u64::from(*frame_duration)) else {
            continue;
        };
        let Some(offset) = t.first_chunk_offset else {
            continue;
        };
        if offset + 4 > file_len {
            return Err(truncated(format!("timecode sample at byte {offset} lies past the end of the file")));
        }
        r.seek(SeekFrom::Start(offset))?;
        let mut counter = [0u8; 4];
        r.read_exact(&mut counter)?;
        let frame = u64::from(u32::from_be_bytes(counter));
        if let Some(n) = name.as_ref().filter(|n| !n.trim().is_empty()) {
            meta.reel = Some(n.trim().to_string());
        }
        let tc = Timecode::from_frames(frame, TcFormat::new(rate, *drop_frame));
        return Ok(Some(StartTc { tc, source: TcSource::Tmcd }));
    }
    Ok(None)
}

struct Movie {
    timescale: u32,
    duration: u64,
    creation_time: u64,
    tracks: Vec<Track>,
}

/// Where a box sits in the `moov` tree, as far as [`parse_moov`] walks it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Moov,
    Trak,
    Mdia,
    Minf,
    Stbl,
}

/// The `len` bytes of `moov` from file offset `at`, with every byte
/// [`parse_moov`] reads in place. From `sparse_from` bytes on, each box
/// header is read, and the boxes on the way to `stbl` are walked; of a
/// sample table only `stsd`, `stts` and the first chunk offset are read,
/// and the rest (sample sizes, sync samples, chunk maps: most of a long
/// clip's `moov`) stays zero. So the parse sees the same boxes, sizes and
/// offsets as from a whole read, and an ingest from a cold drive reads a
/// few KB per clip instead of hundreds. A box whose size does not fit its
/// parent ends the sparse walk there: the rest of the parent is read whole,
/// and the parse reports it as before.
fn read_moov<R: Read + Seek>(r: &mut R, at: u64, len: u64, sparse_from: u64) -> Result<Vec<u8>, ProbeError> {
    let mut body = vec![0u8; len as usize];
    if len < sparse_from {
        r.seek(SeekFrom::Start(at))?;
        r.read_exact(&mut body)?;
    } else {
        fill_boxes(r, &mut body, at, Level::Moov)?;
    }
    Ok(body)
}

/// Reads into `buf` (file offset `base`) the boxes of one parent at
/// `level`, as [`read_moov`] says.
fn fill_boxes<R: Read + Seek>(r: &mut R, buf: &mut [u8], base: u64, level: Level) -> std::io::Result<()> {
    let read_at = |r: &mut R, buf: &mut [u8], from: usize, to: usize| -> std::io::Result<()> {
        r.seek(SeekFrom::Start(base + from as u64))?;
        r.read_exact(&mut buf[from..to])
    };
    let mut pos = 0usize;
    while pos + 8 <= buf.len() {
        let hdr_read = 16.min(buf.len() - pos);
        read_at(r, buf, pos, pos + hdr_read)?;
        let size32 = be_u32(buf, pos).unwrap_or(0);
        let kind: [u8; 4] = [buf[pos + 4], buf[pos + 5], buf[pos + 6], buf[pos + 7]];
        let (size, hdr) = match size32 {
            0 => ((buf.len() - pos) as u64, 8usize),
            1 if hdr_read >= 16 => (be_u64(buf, pos + 8).unwrap_or(0), 16),
            1 => (0, 16),
            s => (u64::from(s), 8),
        };
        if size < hdr as u64 || size > (buf.len() - pos) as u64 {
            // The parse reports this box; give it every byte from here.
            return read_at(r, buf, pos, buf.len());
        }
        let end = pos + size as usize;
        let body = pos + hdr;
        let child = match (level, &kind) {
            (Level::Moov, b"trak") => Some(Level::Trak),
            (Level::Trak, b"mdia") => Some(Level::Mdia),
            (Level::Mdia, b"minf") => Some(Level::Minf),
            (Level::Minf, b"stbl") => Some(Level::Stbl),
            _ => None,
        };
        match (child, level, &kind) {
            (Some(child), ..) => fill_boxes(r, &mut buf[body..end], base + body as u64, child)?,
            (None, Level::Stbl, b"stsd" | b"stts") => read_at(r, buf, body, end)?,
            // Version and flags, the count, the first offset.
            (None, Level::Stbl, b"stco") => read_at(r, buf, body, end.min(body + 12))?,
            (None, Level::Stbl, b"co64") => read_at(r, buf, body, end.min(body + 16))?,
            (None, Level::Stbl, _) => {}
            (None, ..) => read_at(r, buf, body, end)?,
        }
        pos = end;
    }
    if pos < buf.len() {
        read_at(r, buf, pos, buf.len())?;
    }
    Ok(())
}

fn parse_moov(moov: &[u8], base: u64) -> Result<Movie, ProbeError> {
    let mut movie = Movie { timescale: 0, duration: 0, creation_time: 0, tracks: Vec::new() };
    for child in boxes(moov, base) {
        let (kind, body, at) = child?;
        match &kind {
            b"mvhd" => {
                let v1 = body.first() == Some(&1);
                let (ct, ts, dur) = if v1 {
                    (be_u64(body, 4), be_u32(body, 20), be_u64(body, 24))
                } else {
                    (be_u32(body, 4).map(u64::from), be_u32(body, 12), be_u32(body, 16).map(u64::from))
                };
                movie.creation_time = ct.unwrap_or(0);
                movie.timescale = ts.ok_or_else(|| malformed(at, "'mvhd' too short".into()))?;
                movie.duration = dur.unwrap_or(0);
            }
            b"trak" => movie.tracks.push(parse_trak(body, at)?),
            _ => {}
        }
    }
    Ok(movie)
}

fn parse_trak(trak: &[u8], base: u64) -> Result<Track, ProbeError> {
    let mut t = Track::default();
    let Some((mdia, mdia_at)) = find(trak, base, b"mdia")? else {
        return Ok(t);
    };
    for child in boxes(mdia, mdia_at) {
        let (kind, body, at) = child?;
        match &kind {
            b"mdhd" => {
                let v1 = body.first() == Some(&1);
                let (ts, dur) = if v1 {
                    (be_u32(body, 20), be_u64(body, 24))
                } else {
                    (be_u32(body, 12), be_u32(body, 16).map(u64::from))
                };
                t.timescale = ts.ok_or_else(|| malformed(at, "'mdhd' too short".into()))?;
                t.duration = dur.unwrap_or(0);
            }
            b"hdlr" => {
                if let Some(h) = body.get(8..12) {
                    t.handler.copy_from_slice(h);
                }
            }
            b"minf" => {
                if let Some((stbl, stbl_at)) = find(body, at, b"stbl")? {
                    parse_stbl(stbl, stbl_at, &mut t)?;
                }
            }
            _ => {}
        }
    }
    Ok(t)
}

fn parse_stbl(stbl: &[u8], base: u64, t: &mut Track) -> Result<(), ProbeError> {
    for child in boxes(stbl, base) {
        let (kind, body, at) = child?;
        match &kind {
            b"stsd" => t.entry = parse_stsd(body, at, &t.handler)?,
            b"stts" => {
                let count = be_u32(body, 4).unwrap_or(0) as usize;
                let mut deltas = std::collections::BTreeSet::new();
                for i in 0..count {
                    let (Some(n), Some(d)) = (be_u32(body, 8 + i * 8), be_u32(body, 12 + i * 8)) else {
                        return Err(malformed(at, format!("'stts' declares {count} entries but holds fewer")));
                    };
                    // Each product fits in 64 bits; their sum need not, in
                    // a damaged table.
                    let ticks = t.total_ticks.checked_add(u64::from(n) * u64::from(d));
                    let (Some(samples), Some(ticks)) = (t.n_samples.checked_add(u64::from(n)), ticks) else {
                        return Err(malformed(at, "'stts' durations add up past 64 bits".to_string()));
                    };
                    t.n_samples = samples;
                    t.total_ticks = ticks;
                    if n > 0 && deltas.len() < 2 {
                        deltas.insert(d);
                    }
                }
                t.single_delta = if deltas.len() == 1 { deltas.first().copied() } else { None };
            }
            b"stco" if be_u32(body, 4).unwrap_or(0) > 0 => {
                t.first_chunk_offset = be_u32(body, 8).map(u64::from);
            }
            b"co64" if be_u32(body, 4).unwrap_or(0) > 0 => t.first_chunk_offset = be_u64(body, 8),
            _ => {}
        }
    }
    Ok(())
}

/// The first sample entry of `stsd`, read according to the track handler.
fn parse_stsd(stsd: &[u8], base: u64, handler: &[u8; 4]) -> Result<Option<SampleEntry>, ProbeError> {
    // Full box: version/flags (4), entry count (4), then entries as boxes.
    let Some(entries) = stsd.get(8..) else {
        return Ok(None);
    };
    let Some(first) = boxes(entries, base + 8).next() else {
        return Ok(None);
    };
    let (fourcc, e, at) = first?;
    // Every sample entry starts with 6 reserved bytes and a data reference index.
    let entry = match handler {
        b"vide" => SampleEntry::Video {
            fourcc,
            width: u32::from(be_u16(e, 24).unwrap_or(0)),
            height: u32::from(be_u16(e, 26).unwrap_or(0)),
        },
        b"soun" => parse_sound_entry(fourcc, e),
        b"tmcd" if &fourcc == b"tmcd" => {
            let (Some(flags), Some(timescale), Some(frame_duration)) = (be_u32(e, 12), be_u32(e, 16), be_u32(e, 20))
            else {
                return Err(malformed(at, "'tmcd' sample entry too short".into()));
            };
            // A 'name' box may follow the fixed fields (at 26): the reel name.
            let name = e.get(26..).and_then(|rest| {
                boxes(rest, at + 26).filter_map(Result::ok).find(|(k, _, _)| k == b"name").and_then(|(_, b, _)| {
                    let len = usize::from(be_u16(b, 0)?);
                    let text = b.get(4..4 + len)?;
                    Some(String::from_utf8_lossy(text).into_owned())
                })
            });
            SampleEntry::Tmcd { drop_frame: flags & 1 == 1, timescale, frame_duration, name }
        }
        _ => SampleEntry::Other,
    };
    Ok(Some(entry))
}

fn parse_sound_entry(fourcc: [u8; 4], e: &[u8]) -> SampleEntry {
    let version = be_u16(e, 8).unwrap_or(0);
    if version == 2 {
        // QuickTime sound description v2: float64 rate, u32 channels, bits.
        let rate = be_u64(e, 32).map(f64::from_bits).unwrap_or(0.0);
        return SampleEntry::Audio {
            fourcc,
            channels: be_u32(e, 40).unwrap_or(0),
            bits: be_u32(e, 48).unwrap_or(0),
            sample_rate: if rate.is_finite() && rate > 0.0 && rate < 1e7 { rate.round() as u32 } else { 0 },
        };
    }
    SampleEntry::Audio {
        fourcc,
        channels: u32::from(be_u16(e, 16).unwrap_or(0)),
        bits: u32::from(be_u16(e, 18).unwrap_or(0)),
        // 16.16 fixed point; the integer part is the rate below 65536 Hz.
        sample_rate: be_u32(e, 24).map(|r| r >> 16).unwrap_or(0),
    }
}

/// Iterates the boxes packed in `data`, whose first byte is at file offset `base`.
fn boxes(data: &[u8], base: u64) -> impl Iterator<Item = Result<([u8; 4], &[u8], u64), ProbeError>> {
    let mut pos = 0usize;
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed || pos + 8 > data.len() {
            return None;
        }
        let at = base + pos as u64;
        let size32 = be_u32(data, pos)?;
        let kind: [u8; 4] = data.get(pos + 4..pos + 8)?.try_into().ok()?;
        let (size, hdr) = match size32 {
            0 => ((data.len() - pos) as u64, 8usize),
            1 => match be_u64(data, pos + 8) {
                Some(s) => (s, 16),
                None => {
                    failed = true;
                    return Some(Err(malformed(at, "64-bit box size cut short".into())));
                }
            },
            s => (u64::from(s), 8),
        };
        let end = (pos as u64).saturating_add(size);
        if size < hdr as u64 || end > data.len() as u64 {
            failed = true;
            return Some(Err(malformed(
                at,
                format!("box '{}' declares {size} bytes, its parent has {}", fourcc_str(&kind), data.len() - pos),
            )));
        }
        let body = &data[pos + hdr..end as usize];
        pos = end as usize;
        Some(Ok((kind, body, at + hdr as u64)))
    })
}

fn find<'a>(data: &'a [u8], base: u64, want: &[u8; 4]) -> Result<Option<(&'a [u8], u64)>, ProbeError> {
    for child in boxes(data, base) {
        let (kind, body, at) = child?;
        if &kind == want {
            return Ok(Some((body, at)));
        }
    }
    Ok(None)
}

/// Names as ffprobe prints them, so users can compare.
fn video_codec(fourcc: &[u8; 4]) -> String {
    match fourcc {
        b"avc1" | b"avc3" => "h264",
        b"hvc1" | b"hev1" => "hevc",
        b"apch" | b"apcn" | b"apcs" | b"apco" | b"ap4h" | b"ap4x" => "prores",
        b"mp4v" => "mpeg4",
        b"jpeg" | b"mjpa" | b"mjpb" => "mjpeg",
        b"av01" => "av1",
        b"vp09" => "vp9",
        b"AVdn" | b"AVdh" => "dnxhd",
        b"xd5c" | b"xd5b" | b"xdvc" | b"xdv7" => "mpeg2video",
        b"dvc " | b"dvcp" | b"dv5p" | b"dvhp" => "dvvideo",
        _ => return fourcc_str(fourcc).trim().to_string(),
    }
    .to_string()
}

fn audio_codec(fourcc: &[u8; 4], bits: u32) -> String {
    match fourcc {
        b"mp4a" => "aac".to_string(),
        b"sowt" => format!("pcm_s{}le", bits.max(8)),
        b"twos" => format!("pcm_s{}be", bits.max(8)),
        b"in24" => "pcm_s24le".to_string(),
        b"in32" => "pcm_s32le".to_string(),
        b"fl32" => "pcm_f32be".to_string(),
        b"lpcm" => "pcm".to_string(),
        b"ac-3" => "ac3".to_string(),
        b"alac" => "alac".to_string(),
        b"Opus" => "opus".to_string(),
        b".mp3" => "mp3".to_string(),
        _ => fourcc_str(fourcc).trim().to_string(),
    }
}

fn pcm_bits(fourcc: &[u8; 4], bits: u32) -> Option<u32> {
    match fourcc {
        b"sowt" | b"twos" | b"lpcm" | b"fl32" if bits > 0 => Some(bits),
        b"in24" => Some(24),
        b"in32" => Some(32),
        _ => None,
    }
}

fn has_ext(path: &Path, ext: &str) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

fn fourcc_str(k: &[u8; 4]) -> String {
    k.iter().map(|&b| if b.is_ascii_graphic() || b == b' ' { b as char } else { '?' }).collect()
}

fn truncated(detail: String) -> ProbeError {
    ProbeError::Truncated { format: FORMAT, detail }
}

fn malformed(offset: u64, detail: String) -> ProbeError {
    ProbeError::Malformed { format: FORMAT, offset, detail }
}

pub(crate) fn be_u16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at.checked_add(2)?)?.try_into().ok()?))
}

pub(crate) fn be_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at.checked_add(4)?)?.try_into().ok()?))
}

pub(crate) fn be_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at.checked_add(8)?)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn realdata(rel: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realdata").join(rel)
    }

    #[test]
    fn gopro_max_tmcd_start() {
        let path = realdata("gpmf-parser/samples/max-heromode.mp4");
        let info = super::super::probe_file(&path).unwrap();
        let start = info.start.unwrap();
        // ffprobe 5.1 and the creation time agree; MediaInfo (which divides by
        // the fps byte 29) does not.
        assert_eq!(start.tc.to_string(), "15:44:35:10");
        assert_eq!(start.source, TcSource::Tmcd);
        assert_eq!(info.rate, Some(Rate::FPS_29_97));
        assert!(!start.tc.format().is_drop_frame());
    }

    #[test]
    fn truncations_of_a_real_file_never_panic() {
        let bytes = std::fs::read(realdata("gpmf-parser/samples/max-heromode.mp4")).unwrap();
        let path = Path::new("x.mp4");
        for cut in (0..bytes.len()).step_by(bytes.len() / 97) {
            let part = &bytes[..cut];
            let _ = probe(&mut Cursor::new(part), part.len() as u64, path);
        }
        // Flipping bytes inside moov must not panic either.
        let mut moov_at = 0;
        while let Some(w) = bytes.get(moov_at..moov_at + 4) {
            if w == b"moov" {
                break;
            }
            moov_at += 1;
        }
        for i in (moov_at..(moov_at + 4000).min(bytes.len())).step_by(3) {
            let mut m = bytes.clone();
            m[i] ^= 0xFF;
            let _ = probe(&mut Cursor::new(&m), m.len() as u64, path);
        }
    }

    /// Counts the bytes read through it.
    struct Counting<R> {
        inner: R,
        read: u64,
    }

    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.read += n as u64;
            Ok(n)
        }
    }

    impl<R: Seek> Seek for Counting<R> {
        fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
            self.inner.seek(to)
        }
    }

    /// A probe's result and the bytes it read.
    type Probed = (Result<MediaInfo, String>, u64);

    /// The probe of `bytes` read whole and read sparsely.
    fn both_ways(bytes: &[u8], path: &Path) -> (Probed, Probed) {
        let probe_with = |sparse_from| {
            let mut r = Counting { inner: Cursor::new(bytes), read: 0 };
            let got = probe_reading(&mut r, bytes.len() as u64, path, sparse_from).map_err(|e| e.to_string());
            (got, r.read)
        };
        (probe_with(u64::MAX), probe_with(0))
    }

    #[test]
    fn a_moov_read_sparsely_probes_the_same_and_skips_the_sample_sizes() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let files = [
            realdata("gpmf-parser/samples/max-heromode.mp4"),
            repo.join("fixtures/dump/2026-03-14/B_CAM/A003C013_260314_R1AB.mov"),
            repo.join("fixtures/dump/2026-03-14/C_CAM/DCIM/100GOPRO/GX010042.MP4"),
            repo.join("fixtures/dump/2026-03-14/A001/PRIVATE/M4ROOT/CLIP/C0001.MP4"),
        ];
        for path in files {
            let bytes = std::fs::read(&path).unwrap();
            let ((whole, whole_read), (sparse, sparse_read)) = both_ways(&bytes, &path);
            let info = whole.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(info.start.is_some() && info.rate.is_some(), "{}: {info:?}", path.display());
            assert_eq!(sparse, Ok(info), "{}", path.display());
            assert!(
                sparse_read < whole_read,
                "{}: {sparse_read} bytes read, not fewer than {whole_read}",
                path.display()
            );
        }
        // The GoPro file's moov is 42 KB; its sample sizes and chunk maps
        // are 12.8 KB of it, the rest mostly its udta.
        let bytes = std::fs::read(realdata("gpmf-parser/samples/max-heromode.mp4")).unwrap();
        let ((_, whole_read), (_, sparse_read)) = both_ways(&bytes, Path::new("x.mp4"));
        assert!(whole_read - sparse_read > 12_000, "{whole_read} whole against {sparse_read} sparse");
    }

    #[test]
    fn a_moov_read_sparsely_fails_as_one_read_whole() {
        let bytes = std::fs::read(realdata("gpmf-parser/samples/max-heromode.mp4")).unwrap();
        let path = Path::new("x.mp4");
        let moov_at = bytes.windows(4).position(|w| w == b"moov").unwrap();
        for i in (moov_at..(moov_at + 6000).min(bytes.len())).step_by(5) {
            let mut m = bytes.clone();
            m[i] ^= 0xFF;
            let ((whole, _), (sparse, _)) = both_ways(&m, path);
            // A flipped byte in a table the parse skips changes nothing.
            assert_eq!(sparse, whole, "byte {i} flipped");
        }
    }

    #[test]
    fn huge_declared_box_is_truncation_not_allocation() {
        let mut b = Vec::new();
        b.extend_from_slice(&20u32.to_be_bytes());
        b.extend_from_slice(b"ftypqt  \0\0\0\0qt  ");
        b.extend_from_slice(&0xFFFF_FFF0u32.to_be_bytes());
        b.extend_from_slice(b"moov");
        let err = probe(&mut Cursor::new(&b), b.len() as u64, Path::new("a.mov")).unwrap_err();
        assert!(matches!(err, ProbeError::Truncated { .. }), "{err}");
    }

    #[test]
    fn a_64_bit_size_near_u64_max_is_an_error_not_an_overflow() {
        let huge = u64::MAX.to_be_bytes();
        // At the top level, after the first box.
        let mut top = Vec::new();
        top.extend_from_slice(&16u32.to_be_bytes());
        top.extend_from_slice(b"ftypqt  \0\0\0\0");
        top.extend_from_slice(&1u32.to_be_bytes());
        top.extend_from_slice(b"free");
        top.extend_from_slice(&huge);
        let err = probe(&mut Cursor::new(&top), top.len() as u64, Path::new("a.mov")).unwrap_err();
        assert!(matches!(err, ProbeError::Truncated { .. }), "{err}");
        // Inside moov, after its first child.
        let mut moov = Vec::new();
        moov.extend_from_slice(&40u32.to_be_bytes());
        moov.extend_from_slice(b"moov");
        moov.extend_from_slice(&8u32.to_be_bytes());
        moov.extend_from_slice(b"free");
        moov.extend_from_slice(&1u32.to_be_bytes());
        moov.extend_from_slice(b"trak");
        moov.extend_from_slice(&huge);
        moov.extend_from_slice(&[0; 8]);
        let err = probe(&mut Cursor::new(&moov), moov.len() as u64, Path::new("a.mov")).unwrap_err();
        assert!(matches!(err, ProbeError::Malformed { .. }), "{err}");
    }
}
