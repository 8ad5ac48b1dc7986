//! Broadcast WAV probing: a small RIFF/RF64/BW64 chunk walker that reads the
//! audio format, the exact length in samples, the start timecode and the
//! slate metadata a location recorder writes (`bext` and iXML).
//!
//! Sound recorders keep the start time as a sample count since midnight
//! (`bext` TimeReference, or iXML `TIMESTAMP_SAMPLES_SINCE_MIDNIGHT`) and
//! put the timecode rate somewhere else (iXML `SPEED/TIMECODE_RATE`, or a
//! `sSPEED=023.976-ND` line in the `bext` description), so both have to be
//! read before a timecode can be labelled. Real files put chunks in any
//! order, leave out pad bytes, pad `bext` with uninitialised memory and
//! state wrong RIFF sizes, so the walker trusts nothing it has not checked:
//! it reads only the chunks it needs, never allocates more than a fixed cap
//! whatever a header declares, skips `data` by seeking, and never panics.

use std::io::{Read, Seek, SeekFrom};

use super::{AudioInfo, Length, MediaInfo, MediaMeta, ProbeError, StartTc, TcSource, read_up_to};
use crate::timecode::{Rate, Timecode};

mod bext;
mod ixml;
mod riff;

pub use bext::*;
pub use ixml::*;
use riff::*;

/// What `probe` reads from a RIFF file's `fmt ` chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WavFormat {
    /// The format tag; for WAVE_FORMAT_EXTENSIBLE, the subformat's tag.
    pub tag: u16,
    pub channels: u16,
    pub sample_rate: u32,
    pub byte_rate: u32,
    pub block_align: u16,
    pub bits: u16,
}

/// Probes a RIFF/RF64/BW64 WAVE file of `file_len` bytes read from `r`.
///
/// Returns the audio format, the length in samples, the start timecode
/// (when the file states both a time and a rate) and the slate metadata.
/// A time without a rate is handed back in `meta.time_reference` so the
/// caller can label it at the project rate.
pub fn probe<R: Read + Seek>(r: &mut R, file_len: u64) -> Result<MediaInfo, ProbeError> {
    r.seek(SeekFrom::Start(0))?;
    let mut head = [0u8; 12];
    let n = read_up_to(r, &mut head)?;
    let container = match head.get(..4) {
        Some(b"RIFF") => "wav",
        Some(b"RF64") | Some(b"BW64") => "rf64",
        _ if n < 4 => {
            return Err(ProbeError::Truncated {
                format: "wav",
                detail: format!("file is {n} bytes; a RIFF header needs 12"),
            });
        }
        _ => {
            return Err(ProbeError::NotMedia("no RIFF, RF64 or BW64 signature".into()));
        }
    };
    if n < 12 || file_len < 12 {
        return Err(ProbeError::Truncated {
            format: container,
            detail: format!("file is {} bytes; a RIFF header needs 12", (n as u64).min(file_len)),
        });
    }
    if head.get(8..12) != Some(b"WAVE".as_slice()) {
        return Err(ProbeError::Unsupported {
            format: container,
            detail: format!("RIFF form {} is not WAVE", show_id(head.get(8..12).unwrap_or_default())),
        });
    }

    let walk = walk_chunks(r, file_len, container == "rf64")?;

    // The RIFF size says where the file should end (RF64 keeps it in ds64).
    let declared_end = (container == "wav").then(|| le_u32(&head, 4).map(|size| u64::from(size) + 8)).flatten();
    let Some((fmt_offset, fmt_body)) = walk.fmt.as_ref() else {
        return Err(missing_chunk(container, "fmt ", &walk, declared_end));
    };
    let Some(data) = walk.data else {
        return Err(missing_chunk(container, "data", &walk, declared_end));
    };
    let present = file_len.saturating_sub(data.body);
    if data.size > present {
        return Err(ProbeError::Truncated {
            format: container,
            detail: format!(
                "data chunk at byte {} declares {} bytes but the file holds {present}",
                data.body.saturating_sub(8),
                data.size
            ),
        });
    }

    // The audio is whole but a chunk after it is cut: the copy (or the
    // recording) ended early, and what that chunk held, often the iXML with
    // the track names, is missing. The sound is all there, so the file is
    // cataloged, and the cut is reported so nobody trusts the metadata or
    // the copy blindly. (Tools that append an ID3 tag or stray bytes to a
    // WAV land here too, and must not lose the take.)
    // What lies past the end the RIFF header declares is not part of the
    // file's chunks (an ID3v1 tag a tagger appended): no cut, no warning.
    let mut warnings = Vec::new();
    if let Some(Stop::HeaderPastEnd { offset } | Stop::BodyPastEnd { offset, .. }) = &walk.stop
        && declared_end.is_none_or(|end| *offset < end)
    {
        warnings.push(cut_after_audio(container, &walk));
    }

    let fmt = parse_fmt(fmt_body).ok_or_else(|| ProbeError::Malformed {
        format: container,
        offset: *fmt_offset,
        detail: format!("fmt chunk is {} bytes; at least 16 needed", fmt_body.len()),
    })?;
    let bad_fmt =
        |detail: &str| ProbeError::Malformed { format: container, offset: *fmt_offset, detail: detail.to_string() };
    if fmt.sample_rate == 0 {
        return Err(bad_fmt("sample rate 0"));
    }
    if fmt.channels == 0 {
        return Err(bad_fmt("0 channels"));
    }
    let length = length_of(&fmt, data.size, walk.fact, walk.ds64.as_ref())
        .ok_or_else(|| bad_fmt("block align 0 and no sample count: the length is unknown"))?;

    let bext = walk.bext.as_deref().map(parse_bext);
    let desc = bext.as_ref().map(|b| parse_bext_description(&b.description)).unwrap_or_default();
    let ixml = walk.ixml.as_deref().map(|bytes| parse_ixml(&xml_text(bytes))).unwrap_or_default();

    let timing = resolve_start(bext.as_ref(), &desc, &ixml, fmt.sample_rate);
    let track_names = if ixml.track_names.is_empty() { desc.track_names } else { ixml.track_names };
    let meta = MediaMeta {
        scene: ixml.scene.or(desc.scene),
        take: ixml.take.or(desc.take),
        tape: ixml.tape.or(desc.tape),
        reel: None,
        note: ixml.note.or(desc.note),
        circled: ixml.circled.or(desc.circled),
        track_names,
        recorded_date: bext.and_then(|b| b.origination_date),
        family_uid: ixml.family_uid,
        time_reference: timing.time_reference,
    };

    Ok(MediaInfo {
        container,
        video: None,
        audio: Some(AudioInfo {
            codec: codec_name(fmt.tag, fmt.bits),
            sample_rate: fmt.sample_rate,
            channels: u32::from(fmt.channels),
            bits: (fmt.bits != 0).then_some(u32::from(fmt.bits)),
        }),
        rate: timing.rate,
        length,
        start: timing.start,
        meta,
        warnings,
    })
}

/// Reads the `fmt ` chunk body. `None` if it is shorter than the 16 bytes
/// every WAVE format has.
pub fn parse_fmt(body: &[u8]) -> Option<WavFormat> {
    let mut tag = le_u16(body, 0)?;
    let fmt = WavFormat {
        tag,
        channels: le_u16(body, 2)?,
        sample_rate: le_u32(body, 4)?,
        byte_rate: le_u32(body, 8)?,
        block_align: le_u16(body, 12)?,
        bits: le_u16(body, 14)?,
    };
    // WAVE_FORMAT_EXTENSIBLE names the real format in the first two bytes
    // of its subformat GUID (at body offset 24); without the GUID the tag
    // stays 0xFFFE and is reported as unknown.
    if tag == 0xFFFE
        && let Some(sub) = le_u16(body, 24)
    {
        tag = sub;
    }
    Some(WavFormat { tag, ..fmt })
}

/// The codec name ffprobe gives a WAVE format tag at a bit depth.
pub fn codec_name(tag: u16, bits: u16) -> String {
    let name = match (tag, bits) {
        // ffmpeg rounds the bit depth up to whole bytes (20-bit audio in
        // 3-byte words is s24le) and reads 8-bit PCM as unsigned.
        (1, 1..=8) => "pcm_u8",
        (1, 9..=16) => "pcm_s16le",
        (1, 17..=24) => "pcm_s24le",
        (1, 25..=32) => "pcm_s32le",
        (1, 57..=64) => "pcm_s64le",
        (3, 32) => "pcm_f32le",
        (3, 64) => "pcm_f64le",
        (2, _) => "adpcm_ms",
        (6, _) => "pcm_alaw",
        (7, _) => "pcm_mulaw",
        (0x11, _) => "adpcm_ima_wav",
        (0x50, _) => "mp2",
        (0x55, _) => "mp3",
        (0x2000, _) => "ac3",
        (0x2001, _) => "dts",
        _ => return format!("unknown_0x{tag:04x}"),
    };
    name.to_string()
}

/// The start timecode, its rate, and the bare time reference when no rate
/// is stated anywhere.
struct Timing {
    start: Option<StartTc>,
    rate: Option<Rate>,
    time_reference: Option<u64>,
}

/// Combines the time (bext TimeReference, else the iXML timestamp) with the
/// rate (iXML TIMECODE_RATE, else the description's speed).
fn resolve_start(bext: Option<&Bext>, desc: &BextDescription, ixml: &Ixml, sample_rate: u32) -> Timing {
    let format = ixml.timecode.or(desc.speed);
    let bext_time = bext.and_then(|b| b.time_reference);
    let ixml_time =
        ixml.timestamp_samples.map(|t| (t, ixml.timestamp_sample_rate.unwrap_or(sample_rate), TcSource::Ixml));
    // A zero TimeReference is what a recorder without timecode writes, so a
    // non-zero iXML timestamp is preferred to it.
    let time = match bext_time {
        Some(t) if t != 0 => Some((t, sample_rate, TcSource::Bext)),
        Some(t) => ixml_time.filter(|(s, _, _)| *s != 0).or(Some((t, sample_rate, TcSource::Bext))),
        None => ixml_time,
    };
    match (format, time) {
        (Some(format), Some((samples, rate_hz, source))) => {
            let frames = format.rate().frames_from_samples(samples, rate_hz);
            Timing {
                start: Some(StartTc { tc: Timecode::from_frames(frames, format), source }),
                rate: Some(format.rate()),
                time_reference: None,
            }
        }
        (Some(format), None) => Timing { start: None, rate: Some(format.rate()), time_reference: None },
        (None, Some((samples, rate_hz, _))) => {
            // The caller labels this at the file's sample rate, so an iXML
            // timestamp counted at another rate is rescaled (rounding down,
            // like every other sample-to-time step here).
            let at_file_rate = if rate_hz == sample_rate || rate_hz == 0 {
                samples
            } else {
                let scaled = u128::from(samples) * u128::from(sample_rate) / u128::from(rate_hz);
                u64::try_from(scaled).unwrap_or(u64::MAX)
            };
            Timing { start: None, rate: None, time_reference: Some(at_file_rate) }
        }
        (None, None) => Timing { start: None, rate: None, time_reference: None },
    }
}

/// The clip length: whole sample frames for PCM-like formats, else the
/// `fact` (or `ds64`) sample count, else the byte length over the byte rate.
fn length_of(fmt: &WavFormat, data_size: u64, fact: Option<u32>, ds64: Option<&Ds64>) -> Option<Length> {
    let sample_rate = fmt.sample_rate;
    if matches!(fmt.tag, 1 | 3 | 6 | 7) {
        let block_align = if fmt.block_align != 0 {
            u64::from(fmt.block_align)
        } else {
            // A writer that left block align at 0 still gave the sample
            // layout, which is what block align is made of.
            u64::from(fmt.channels) * u64::from(fmt.bits).div_ceil(8)
        };
        if block_align == 0 {
            return None;
        }
        return Some(Length::Samples { samples: data_size / block_align, sample_rate });
    }
    let counted = match fact {
        Some(SIZE_IN_DS64) => ds64.map(|d| d.sample_count),
        other => other.map(u64::from),
    };
    if let Some(samples) = counted {
        return Some(Length::Samples { samples, sample_rate });
    }
    (fmt.byte_rate != 0).then_some(Length::Ticks { ticks: data_size, timescale: fmt.byte_rate })
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_uppercase().as_str() {
        "TRUE" | "YES" | "1" => Some(true),
        "FALSE" | "NO" | "0" => Some(false),
        _ => None,
    }
}

fn non_empty(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty()).then(|| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timecode::TcFormat;
    use std::fs::File;
    use std::io::Cursor;
    use std::path::{Path, PathBuf};

    const TEST_FILES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/realdata/wavinfo/tests/test_files");

    fn path(rel: &str) -> PathBuf {
        Path::new(TEST_FILES).join(rel)
    }

    fn probe_path(p: &Path) -> Result<MediaInfo, ProbeError> {
        let mut f = File::open(p).unwrap();
        let len = f.metadata().unwrap().len();
        probe(&mut f, len)
    }

    fn real(rel: &str) -> MediaInfo {
        probe_path(&path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    fn probe_bytes(bytes: &[u8]) -> Result<MediaInfo, ProbeError> {
        probe(&mut Cursor::new(bytes), bytes.len() as u64)
    }

    fn start(info: &MediaInfo) -> (String, TcSource) {
        let s = info.start.expect("start timecode");
        (s.tc.to_string(), s.source)
    }

    /// Every WAV under the test files, found by walking the directory so a
    /// file added later is covered too.
    fn all_wavs() -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let p = entry.unwrap().path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("wav")) {
                    out.push(p);
                }
            }
        }
        let mut out = Vec::new();
        walk(Path::new(TEST_FILES), &mut out);
        out.sort();
        out
    }

    #[test]
    fn every_real_file_probes() {
        let wavs = all_wavs();
        assert_eq!(wavs.len(), 10, "{wavs:?}");
        for p in wavs {
            let info = probe_path(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            assert_eq!(info.container, "wav");
            assert!(info.video.is_none());
            let audio = info.audio.as_ref().unwrap();
            assert!(audio.codec.starts_with("pcm_"), "{}: {audio:?}", p.display());
        }
    }

    /// The Wave Agent sound report is the oracle: its Start TC column was
    /// written by Sound Devices' own software from these files.
    #[test]
    fn start_tc_matches_the_sound_report() {
        let report = std::fs::read_to_string(path("WaveAgentSoundReport.csv")).unwrap();
        let row = |name: &str| -> (String, String) {
            let line = report
                .split('\r')
                .find(|l| l.starts_with(&format!("\"{name}\"")))
                .unwrap_or_else(|| panic!("{name} not in the report"));
            let cols: Vec<&str> = line.split(',').collect();
            (cols[6].to_string(), cols[9].to_string())
        };
        let cases = [
            ("sounddevices/A101_1_1.WAV", "A101_1.WAV"),
            ("sounddevices/A101_1_2.WAV", "A101_1.WAV"),
            ("sounddevices/A101_3.WAV", "A101_3.WAV"),
            ("sounddevices/A101_4.WAV", "A101_4.WAV"),
            ("protools/PT A101_4.A1.wav", "PT A101_4.A1.wav"),
            ("metacorder/Sr001-2C-01_01.WAV", "Sr001-2C-01_X.WAV"),
        ];
        for (file, report_name) in cases {
            let (rate_col, tc_col) = row(report_name);
            let info = real(file);
            assert_eq!(start(&info), (tc_col.clone(), TcSource::Bext), "{file}");
            let expected_rate = match rate_col.as_str() {
                "23.97 ND" => Rate::FPS_23_976,
                "25 ND" => Rate::FPS_25,
                other => panic!("{other}"),
            };
            assert_eq!(info.rate, Some(expected_rate), "{file}");
            assert!(!info.start.unwrap().tc.format().is_drop_frame(), "{file}");
            assert_eq!(info.meta.time_reference, None, "{file}");
        }
        // The values themselves, so a broken report parser cannot hide a bug.
        assert_eq!(start(&real("sounddevices/A101_1_1.WAV")).0, "12:39:59:00");
        assert_eq!(start(&real("sounddevices/A101_3.WAV")).0, "12:40:14:00");
        assert_eq!(start(&real("sounddevices/A101_4.WAV")).0, "12:40:15:00");
        assert_eq!(start(&real("protools/PT A101_4.A1.wav")).0, "12:40:15:00");
        assert_eq!(start(&real("metacorder/Sr001-2C-01_01.WAV")).0, "13:37:30:07");
    }

    #[test]
    fn sound_devices_polywav_metadata_from_ixml() {
        for (file, take, samples) in
            [("sounddevices/A101_3.WAV", "3", 48_044), ("sounddevices/A101_4.WAV", "4", 144_140)]
        {
            let info = real(file);
            let m = &info.meta;
            assert_eq!(m.scene.as_deref(), Some("A101"), "{file}");
            assert_eq!(m.take.as_deref(), Some(take), "{file}");
            assert_eq!(m.tape.as_deref(), Some("18Y12M31"), "{file}");
            assert_eq!(m.track_names, ["MKH516 A", "Boom"], "{file}");
            assert_eq!(m.note, None, "{file}");
            assert_eq!(m.recorded_date.as_deref(), Some("2018-12-31"), "{file}");
            assert!(m.family_uid.as_deref().unwrap().starts_with("USSDVGR"));
            let audio = info.audio.unwrap();
            assert_eq!(
                audio,
                AudioInfo { codec: "pcm_s24le".into(), sample_rate: 48_000, channels: 2, bits: Some(24) }
            );
            // Sample counts as ffprobe 5.1 reports them (duration_ts).
            assert_eq!(info.length, Length::Samples { samples, sample_rate: 48_000 });
        }
    }

    #[test]
    fn split_mono_files_share_a_family() {
        let a = real("sounddevices/A101_1_1.WAV");
        let b = real("sounddevices/A101_1_2.WAV");
        assert_eq!(a.meta.family_uid, b.meta.family_uid);
        assert!(a.meta.family_uid.is_some());
        assert_eq!(a.meta.track_names, ["MKH516 A"]);
        assert_eq!(b.meta.track_names, ["Boom"]);
        // The data chunk is odd-sized and the file ends without its pad
        // byte; that is not truncation.
        assert_eq!(a.length, Length::Samples { samples: 240_239, sample_rate: 48_000 });
    }

    #[test]
    fn pro_tools_reexport_reads_d_prefixed_description() {
        let info = real("protools/PT A101_4.A1.wav");
        assert_eq!(info.meta.scene.as_deref(), Some("A101"));
        assert_eq!(info.meta.track_names, ["MKH516 A", "Boom"]);
        let bext = {
            let mut f = File::open(path("protools/PT A101_4.A1.wav")).unwrap();
            let mut buf = vec![0u8; 1024];
            f.read_exact(&mut buf).unwrap();
            parse_bext(&buf[20..])
        };
        let desc = parse_bext_description(&bext.description);
        assert_eq!(desc.speed, Some(TcFormat::ndf(Rate::FPS_23_976)));
        assert_eq!(desc.take.as_deref(), Some("4"));
        assert_eq!(desc.track_names, ["MKH516 A", "Boom"]);
        assert_eq!(bext.time_reference, Some(2_191_709_524));
    }

    #[test]
    fn metacorder_data_before_ixml_and_colon_date() {
        let info = real("metacorder/Sr001-2C-01_01.WAV");
        let m = &info.meta;
        assert_eq!(m.recorded_date.as_deref(), Some("2019-01-01"));
        assert_eq!(m.scene.as_deref(), Some("2C"));
        assert_eq!(m.take.as_deref(), Some("01"));
        assert_eq!(m.tape.as_deref(), Some("Sr001"));
        assert_eq!(m.note.as_deref(), Some("Tail Slate Cloth noise"));
        assert_eq!(m.circled, Some(false));
        assert_eq!(m.track_names, ["Boom"]);
        assert_eq!(m.family_uid.as_deref(), Some("1360855285"));
        assert_eq!(info.length.seconds(), 7.0);
    }

    #[test]
    fn zoom_f8_with_pad_chunk_is_25_fps() {
        let info = real("zoom_F8/DISCRETE/Scene_1_2AG-T001.TAKE/Scene_1_2AG-T001_Tr1.WAV");
        assert_eq!(info.rate, Some(Rate::FPS_25));
        assert_eq!(start(&info), ("22:40:10:00".to_string(), TcSource::Bext));
        assert_eq!(info.meta.scene.as_deref(), Some("Scene_1_2AG"));
        assert_eq!(info.meta.take.as_deref(), Some("001"));
        assert_eq!(info.meta.note.as_deref(), Some("Test 01 wavinfo"));
        assert_eq!(info.meta.track_names, ["BOOM"]);
        assert_eq!(info.meta.family_uid.as_deref(), Some("ZOOM F8    201902132240180180000"));
        assert_eq!(info.length.seconds(), 11.0);
    }

    #[test]
    fn sound_grinder_without_bext_has_no_start() {
        let info = real("sound_grinder_pro/new_camera bumb 1.wav");
        assert_eq!(info.start, None);
        assert_eq!(info.rate, None);
        assert_eq!(info.meta, MediaMeta::default());
        assert_eq!(info.length, Length::Samples { samples: 45_859, sample_rate: 48_000 });
    }

    #[test]
    fn time_reference_without_rate_is_handed_to_the_caller() {
        // umid.wav: a 40-byte fmt (tag 1 with an all-zero extension), 44.1k.
        let info = real("protools/umid.wav");
        assert_eq!(info.start, None);
        assert_eq!(info.rate, None);
        assert_eq!(info.meta.time_reference, Some(676_200));
        assert_eq!(info.meta.recorded_date.as_deref(), Some("2020-01-05"));
        let audio = info.audio.unwrap();
        assert_eq!((audio.codec.as_str(), audio.sample_rate), ("pcm_s24le", 44_100));
        assert_eq!(info.length, Length::Samples { samples: 44_100, sample_rate: 44_100 });

        let h4n = real("cue_chunks/STE-000.wav");
        assert_eq!(h4n.start, None);
        assert_eq!(h4n.meta.time_reference, Some(3_094_800_000));
        assert_eq!(h4n.audio.unwrap().codec, "pcm_s16le");
        assert_eq!(h4n.length, Length::Samples { samples: 242_624, sample_rate: 48_000 });
    }

    #[test]
    fn truncation_prefixes_never_panic() {
        let bytes = std::fs::read(path("sounddevices/A101_3.WAV")).unwrap();
        let mut ok = 0;
        for len in (0..bytes.len()).step_by(7) {
            if probe_bytes(&bytes[..len]).is_ok() {
                ok += 1;
            }
        }
        // Every prefix cuts the data chunk (the last chunk), so none is a
        // complete file.
        assert_eq!(ok, 0);
        assert!(probe_bytes(&bytes).is_ok());
    }

    #[test]
    fn a_chunk_cut_after_the_audio_keeps_the_audio_and_warns() {
        let fmt = pcm_fmt(1, 48_000, 16);
        let ixml = b"<BWFXML><TRACK_LIST><TRACK><NAME>BOOM</NAME></TRACK></TRACK_LIST></BWFXML>";
        let whole = riff(b"RIFF", &[(b"fmt ", 16, &fmt), (b"data", 4, &[0u8; 4]), (b"iXML", ixml.len() as u32, ixml)]);
        let info = probe_bytes(&whole).unwrap();
        assert!(info.warnings.is_empty(), "{:?}", info.warnings);
        let data_end = 12 + 8 + 16 + 8 + 4;
        for cut in [data_end + 3, data_end + 8, data_end + 40, whole.len() - 1] {
            let info = probe_bytes(&whole[..cut]).unwrap_or_else(|e| panic!("cut at {cut}: {e}"));
            assert_eq!(info.length, Length::Samples { samples: 2, sample_rate: 48_000 }, "cut at {cut}");
            let [warning] = info.warnings.as_slice() else { panic!("cut at {cut}: {:?}", info.warnings) };
            assert!(warning.starts_with("wav: truncated: "), "cut at {cut}: {warning}");
            assert!(warning.contains(&format!("byte {data_end}")), "cut at {cut}: {warning}");
        }
        // Zero padding after the last chunk is not a cut header.
        let mut padded = whole.clone();
        padded.extend_from_slice(&[0, 0, 0]);
        assert!(probe_bytes(&padded).unwrap().warnings.is_empty());
        // Nor is an ID3v1 tag appended past the end the RIFF size declares.
        let mut tagged = whole.clone();
        tagged.extend_from_slice(b"TAG");
        tagged.extend_from_slice(&[b'x'; 125]);
        let info = probe_bytes(&tagged).unwrap();
        assert!(info.warnings.is_empty(), "{:?}", info.warnings);
        assert_eq!(info.meta.track_names, ["BOOM"]);
    }

    /// Builds a RIFF (or other) file from chunks, padding odd sizes.
    fn riff(magic: &[u8; 4], chunks: &[(&[u8; 4], u32, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(magic);
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(b"WAVE");
        for (id, size, body) in chunks {
            out.extend_from_slice(*id);
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(body);
            if body.len() % 2 == 1 {
                out.push(0);
            }
        }
        let riff_size = (out.len() - 8) as u32;
        out[4..8].copy_from_slice(&riff_size.to_le_bytes());
        out
    }

    fn pcm_fmt(channels: u16, rate: u32, bits: u16) -> Vec<u8> {
        let align = channels * bits.div_ceil(8);
        let mut f = Vec::new();
        f.extend_from_slice(&1u16.to_le_bytes());
        f.extend_from_slice(&channels.to_le_bytes());
        f.extend_from_slice(&rate.to_le_bytes());
        f.extend_from_slice(&(rate * u32::from(align)).to_le_bytes());
        f.extend_from_slice(&align.to_le_bytes());
        f.extend_from_slice(&bits.to_le_bytes());
        f
    }

    fn bext_body(description: &str, date: &str, time_reference: u64) -> Vec<u8> {
        let mut b = vec![0u8; 602];
        b[..description.len()].copy_from_slice(description.as_bytes());
        b[320..320 + date.len()].copy_from_slice(date.as_bytes());
        b[338..346].copy_from_slice(&time_reference.to_le_bytes());
        b
    }

    #[test]
    fn data_larger_than_the_file_is_truncated() {
        let fmt = pcm_fmt(2, 48_000, 24);
        let bytes = riff(b"RIFF", &[(b"fmt ", 16, &fmt), (b"data", 6_000, &[0u8; 600])]);
        match probe_bytes(&bytes) {
            Err(ProbeError::Truncated { format, detail }) => {
                assert_eq!(format, "wav");
                assert!(detail.contains("6000") && detail.contains("600"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn missing_chunks_name_the_chunk() {
        let fmt = pcm_fmt(1, 48_000, 16);
        let no_data = riff(b"RIFF", &[(b"fmt ", 16, &fmt)]);
        let err = probe_bytes(&no_data).unwrap_err().to_string();
        assert!(err.contains("malformed at byte 36") && err.contains("data"), "{err}");
        let no_fmt = riff(b"RIFF", &[(b"data", 4, &[0; 4])]);
        let err = probe_bytes(&no_fmt).unwrap_err().to_string();
        assert!(err.contains("fmt"), "{err}");
        let not_wave = b"RIFF\x04\0\0\0AVI ".to_vec();
        assert!(matches!(probe_bytes(&not_wave), Err(ProbeError::Unsupported { .. })));
        assert!(matches!(probe_bytes(b"RIF"), Err(ProbeError::Truncated { .. })));
        assert!(matches!(probe_bytes(b""), Err(ProbeError::Truncated { .. })));
    }

    /// A reader that records the largest read it was asked for, to show that
    /// a declared size never becomes an allocation.
    struct Spy<'a> {
        inner: Cursor<&'a [u8]>,
        largest_read: usize,
    }

    impl Read for Spy<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.largest_read = self.largest_read.max(buf.len());
            self.inner.read(buf)
        }
    }

    impl Seek for Spy<'_> {
        fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
            self.inner.seek(pos)
        }
    }

    #[test]
    fn huge_declared_chunks_are_not_allocated() {
        let fmt = pcm_fmt(1, 48_000, 16);
        let bext = bext_body("sSPEED=025.000-ND\r\n", "2024-05-06", 48_000);
        // The bext and iXML chunks declare 4 GB but hold a few hundred bytes.
        // After the data chunk that is a file cut short in that chunk: the
        // audio is cataloged with a warning, found without reading 4 GB.
        for id in [b"bext", b"iXML"] {
            let bytes = riff(b"RIFF", &[(b"fmt ", 16, &fmt), (b"data", 4, &[0; 4]), (id, 0xFFFF_FFF0, &bext)]);
            let mut spy = Spy { inner: Cursor::new(&bytes), largest_read: 0 };
            let info = probe(&mut spy, bytes.len() as u64).unwrap();
            assert!(spy.largest_read <= 1024, "{}", spy.largest_read);
            assert_eq!(info.length, Length::Samples { samples: 2, sample_rate: 48_000 });
            assert_eq!(info.warnings.len(), 1, "{:?}", info.warnings);
            if id == b"bext" {
                // The fixed fields are all present, so they are read.
                assert_eq!(start(&info), ("00:00:01:00".into(), TcSource::Bext));
            }
        }
        // Before the data chunk, a 4 GB bext hides it: a clean error.
        let bytes = riff(b"RIFF", &[(b"fmt ", 16, &fmt), (b"bext", 0xFFFF_FFF0, &bext)]);
        let err = probe_bytes(&bytes).unwrap_err();
        assert!(matches!(err, ProbeError::Truncated { .. }), "{err}");
        // An iXML over the cap is skipped even when it is all there.
        let big = vec![b' '; (MAX_IXML + 2) as usize];
        let bytes = riff(b"RIFF", &[(b"iXML", big.len() as u32, &big), (b"fmt ", 16, &fmt), (b"data", 4, &[0; 4])]);
        let mut spy = Spy { inner: Cursor::new(&bytes), largest_read: 0 };
        assert!(probe(&mut spy, bytes.len() as u64).is_ok());
        assert!(spy.largest_read <= 1024, "{}", spy.largest_read);
    }

    #[test]
    fn rf64_takes_sizes_from_ds64() {
        let fmt = pcm_fmt(2, 48_000, 16);
        let ds64 = |data_size: u64| {
            let mut d = Vec::new();
            d.extend_from_slice(&0u64.to_le_bytes());
            d.extend_from_slice(&data_size.to_le_bytes());
            d.extend_from_slice(&(data_size / 4).to_le_bytes());
            d.extend_from_slice(&0u32.to_le_bytes());
            d
        };
        let ok_ds64 = ds64(400);
        for magic in [b"RF64", b"BW64"] {
            let mut bytes = riff(
                magic,
                &[
                    (b"ds64", 28, &ok_ds64),
                    (b"fmt ", 16, &fmt),
                    (b"data", u32::MAX, &[0u8; 400]),
                    (b"LIST", 4, b"INFO"),
                ],
            );
            bytes[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
            let info = probe_bytes(&bytes).unwrap();
            assert_eq!(info.container, "rf64");
            assert_eq!(info.length, Length::Samples { samples: 100, sample_rate: 48_000 });
        }
        let big_ds64 = ds64(10_000_000_000);
        let bytes = riff(b"RF64", &[(b"ds64", 28, &big_ds64), (b"fmt ", 16, &fmt), (b"data", u32::MAX, &[0u8; 400])]);
        match probe_bytes(&bytes) {
            Err(ProbeError::Truncated { format, detail }) => {
                assert_eq!(format, "rf64");
                assert!(detail.contains("10000000000"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn chunks_in_any_order_and_missing_pad_bytes() {
        let fmt = pcm_fmt(1, 48_000, 24);
        // 25 fps, 13:00:00:00 = 46800 s.
        let bext = bext_body("dSPEED=025.000-ND", "2024:05:06", 46_800 * 48_000);
        let data = [0u8; 9]; // three 24-bit samples: an odd size
        let bytes = riff(b"RIFF", &[(b"data", 9, &data), (b"bext", 602, &bext), (b"fmt ", 16, &fmt)]);
        let info = probe_bytes(&bytes).unwrap();
        assert_eq!(start(&info), ("13:00:00:00".into(), TcSource::Bext));
        assert_eq!(info.meta.recorded_date.as_deref(), Some("2024-05-06"));

        // The same file with the pad byte after `data` left out.
        let mut unpadded = bytes.clone();
        unpadded.remove(12 + 8 + 9);
        let info = probe_bytes(&unpadded).unwrap();
        assert_eq!(start(&info), ("13:00:00:00".into(), TcSource::Bext));
    }

    #[test]
    fn ixml_timestamp_stands_in_for_bext() {
        let fmt = pcm_fmt(1, 48_000, 16);
        let xml = "\u{feff}<?xml version=\"1.0\"?><BWFXML><SPEED>\
            <TIMECODE_RATE>30000/1001</TIMECODE_RATE><TIMECODE_FLAG>DF</TIMECODE_FLAG>\
            <TIMESTAMP_SAMPLE_RATE>96000</TIMESTAMP_SAMPLE_RATE>\
            <TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI>1</TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI>\
            <TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO>0</TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO>\
            </SPEED></BWFXML>";
        let bytes =
            riff(b"RIFF", &[(b"iXML", xml.len() as u32, xml.as_bytes()), (b"fmt ", 16, &fmt), (b"data", 2, &[0; 2])]);
        let info = probe_bytes(&bytes).unwrap();
        // 2^32 samples at 96 kHz = 44739.24 s = 12:25:39 and 7 frames.
        let frames = Rate::FPS_29_97.frames_from_samples(1 << 32, 96_000);
        let expected = Timecode::from_frames(frames, TcFormat::df(Rate::FPS_29_97).unwrap());
        assert_eq!(info.start.unwrap().tc, expected);
        assert_eq!(info.start.unwrap().source, TcSource::Ixml);
        assert!(expected.to_string().contains(';'));
        assert_eq!(info.rate, Some(Rate::FPS_29_97));

        // A zero bext TimeReference with no rate: no timecode.
        let bext = bext_body("", "", 0);
        let bytes = riff(b"RIFF", &[(b"bext", 602, &bext), (b"fmt ", 16, &fmt), (b"data", 2, &[0; 2])]);
        let info = probe_bytes(&bytes).unwrap();
        assert_eq!((info.start, info.rate), (None, None));
    }

    #[test]
    fn description_lines() {
        let d = parse_bext_description(
            "sSPEED=029.970-DF\r\nsSCENE=12A\r\nsTAKE=3\r\nsTRK2=Lav\r\nsTRK1=Boom\r\nsNOTE=\r\nfree text\r\n",
        );
        assert_eq!(d.speed, Some(TcFormat::df(Rate::FPS_29_97).unwrap()));
        assert_eq!(d.scene.as_deref(), Some("12A"));
        assert_eq!(d.take.as_deref(), Some("3"));
        assert_eq!(d.note, None);
        assert_eq!(d.track_names, ["Boom", "Lav"]);
        let zoom = parse_bext_description("SPEED=25.000ND\r\nCIRCLED=TRUE\r\nTR1=Tr1\r\n");
        assert_eq!(zoom.speed, Some(TcFormat::ndf(Rate::FPS_25)));
        assert_eq!(zoom.circled, Some(true));
        assert!(zoom.track_names.is_empty());
        let pt = parse_bext_description("dFRAMERATE=23.976ND\ndSPEED=023.976-NDF\n");
        assert_eq!(pt.speed, Some(TcFormat::ndf(Rate::FPS_23_976)));
        let framerate_only = parse_bext_description("dFRAMERATE=29.97DF");
        assert_eq!(framerate_only.speed, Some(TcFormat::df(Rate::FPS_29_97).unwrap()));
        assert_eq!(parse_speed("023.976-ND"), Some(TcFormat::ndf(Rate::FPS_23_976)));
        assert_eq!(parse_speed("29.97-D"), TcFormat::df(Rate::FPS_29_97).ok());
        assert_eq!(parse_speed("-ND"), None);
        assert_eq!(parse_speed("fast"), None);
        assert_eq!(parse_bext_description("ééé=\u{0}=x"), BextDescription::default());
    }

    #[test]
    fn dates() {
        assert_eq!(normalise_date(b"2018-12-31").as_deref(), Some("2018-12-31"));
        assert_eq!(normalise_date(b"2019:01:01").as_deref(), Some("2019-01-01"));
        assert_eq!(normalise_date(b"2019/1/01"), None);
        assert_eq!(normalise_date(b"0000-00-00"), None);
        assert_eq!(normalise_date(b"2019-13-01"), None);
        assert_eq!(normalise_date(b"\0\0\0\0\0\0\0\0\0\0"), None);
        assert_eq!(normalise_date(b"2019"), None);
    }

    #[test]
    fn ixml_tolerates_junk_and_malformed_xml() {
        let x = parse_ixml(
            "\u{feff}garbage<BWFXML><SCENE>1&amp;2</SCENE><TAKE>7</TAKE>\
             <NOTE>a & b</NOTE><SPEED><NOTE>speed note</NOTE></SPEED>\
             <CIRCLED>true</CIRCLED><TRACK_LIST><TRACK><NAME>Boom</NAME></TRACK>\
             <TRACK></TRACK><TRACK><NAME>Lav &#x32;</NAME></TRACK></TRACK_LIST>\
             <TAPE>unclosed",
        );
        assert_eq!(x.scene.as_deref(), Some("1&2"));
        assert_eq!(x.take.as_deref(), Some("7"));
        assert_eq!(x.note.as_deref(), Some("a & b"));
        assert_eq!(x.circled, Some(true));
        assert_eq!(x.track_names, ["Boom", "", "Lav 2"]);
        // The unclosed TAPE is not committed half-read.
        assert_eq!(x.tape, None);
        // Mismatched end tags close what they name.
        let x = parse_ixml("<BWFXML><SCENE>4</TAKE></SCENE><SPEED><TIMECODE_RATE>25</TIMECODE_RATE></BWFXML>");
        assert_eq!(x.scene.as_deref(), Some("4"));
        assert_eq!(x.timecode, Some(TcFormat::ndf(Rate::FPS_25)));
        assert_eq!(parse_ixml(""), Ixml::default());
        assert_eq!(parse_ixml("no xml at all"), Ixml::default());
        assert_eq!(parse_ixml("<<<>>></></><!-- <![CDATA["), Ixml::default());
        // Signed halves, as Metacorder writes them.
        let x = parse_ixml(
            "<BWFXML><SPEED><TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO>-1940552340</TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO></SPEED></BWFXML>",
        );
        assert_eq!(x.timestamp_samples, Some(2_354_414_956));
        // UTF-16 chunks are decoded.
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "<BWFXML><TAKE>9</TAKE></BWFXML>".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(parse_ixml(&xml_text(&utf16)).take.as_deref(), Some("9"));
    }

    #[test]
    fn codec_names_follow_ffprobe() {
        assert_eq!(codec_name(1, 8), "pcm_u8");
        assert_eq!(codec_name(1, 16), "pcm_s16le");
        assert_eq!(codec_name(1, 20), "pcm_s24le");
        assert_eq!(codec_name(1, 32), "pcm_s32le");
        assert_eq!(codec_name(3, 32), "pcm_f32le");
        assert_eq!(codec_name(3, 64), "pcm_f64le");
        assert_eq!(codec_name(0x55, 0), "mp3");
        assert_eq!(codec_name(0x1234, 16), "unknown_0x1234");
        // WAVE_FORMAT_EXTENSIBLE with a float subformat.
        let mut ext = pcm_fmt(2, 48_000, 32);
        ext[0..2].copy_from_slice(&0xFFFEu16.to_le_bytes());
        ext.extend_from_slice(&22u16.to_le_bytes());
        ext.extend_from_slice(&32u16.to_le_bytes());
        ext.extend_from_slice(&3u32.to_le_bytes());
        ext.extend_from_slice(&[3, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71]);
        let fmt = parse_fmt(&ext).unwrap();
        assert_eq!(codec_name(fmt.tag, fmt.bits), "pcm_f32le");
        let bytes = riff(b"RIFF", &[(b"fmt ", 40, &ext), (b"data", 16, &[0; 16])]);
        let info = probe_bytes(&bytes).unwrap();
        assert_eq!(info.audio.unwrap().codec, "pcm_f32le");
        assert_eq!(info.length, Length::Samples { samples: 2, sample_rate: 48_000 });
    }

    /// A small deterministic generator so the fuzz tests need no seed file.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    #[test]
    fn garbage_never_panics() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let real = std::fs::read(path("sounddevices/A101_3.WAV")).unwrap();
        let head = &real[..6_200]; // header, bext, iXML, fmt and data header
        for round in 0..3_000 {
            let mut bytes = match round % 3 {
                // Pure noise after a RIFF signature.
                0 => {
                    let mut b = b"RIFF\0\0\0\0WAVE".to_vec();
                    b.extend((0..rng.next() % 2_000).map(|_| rng.next() as u8));
                    b
                }
                // Plausible chunk ids with random sizes and bodies.
                1 => {
                    let ids: [&[u8; 4]; 7] = [b"fmt ", b"data", b"bext", b"iXML", b"ds64", b"fact", b"JUNK"];
                    let mut b = if rng.next().is_multiple_of(2) { b"RF64" } else { b"RIFF" }.to_vec();
                    b.extend_from_slice(&(rng.next() as u32).to_le_bytes());
                    b.extend_from_slice(b"WAVE");
                    for _ in 0..rng.next() % 8 {
                        b.extend_from_slice(ids[(rng.next() % 7) as usize]);
                        let size = match rng.next() % 4 {
                            0 => u32::MAX,
                            1 => rng.next() as u32,
                            _ => (rng.next() % 700) as u32,
                        };
                        b.extend_from_slice(&size.to_le_bytes());
                        b.extend((0..rng.next() % 700).map(|_| rng.next() as u8));
                    }
                    b
                }
                // A real header with a few bytes flipped.
                _ => head.to_vec(),
            };
            if round % 3 == 2 {
                for _ in 0..1 + rng.next() % 8 {
                    let at = (rng.next() % bytes.len() as u64) as usize;
                    bytes[at] = rng.next() as u8;
                }
            }
            let _ = probe_bytes(&bytes);
            // A file_len that disagrees with the reader must not panic either.
            let _ = probe(&mut Cursor::new(&bytes), rng.next() % 100_000);
        }
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1_500)) {
                let _ = probe_bytes(&bytes);
                let mut with_header = b"RIFF\xff\xff\xff\xffWAVE".to_vec();
                with_header.extend_from_slice(&bytes);
                let _ = probe_bytes(&with_header);
            }

            #[test]
            fn text_parsers_never_panic(s in "\\PC{0,300}") {
                let _ = parse_ixml(&s);
                let _ = parse_bext_description(&s);
                let _ = parse_speed(&s);
                let _ = parse_bext(s.as_bytes());
                let _ = normalise_date(s.as_bytes());
            }
        }
    }
}
