//! Audio streams of the containers we do not walk ourselves — MP3, FLAC,
//! OGG, AIFF, CAF — through symphonia (Matroska has its own walker,
//! `matroska.rs`, since symphonia reads no video rate).
//! This is the only module that touches symphonia.
//!
//! Only the container is read (no packet is decoded): codec, sample rate,
//! channels, bit depth and the track duration. symphonia reads no
//! timecode, so clips from here carry none; an NLE places such media at
//! 00:00:00:00 too.

use std::fs::File;
use std::path::Path;

use symphonia::core::codecs::CodecParameters;
use symphonia::core::codecs::video::well_known as video_ids;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, Track};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::units::{Duration, TimeBase};

use super::{AudioInfo, Length, MediaInfo, MediaMeta, ProbeError, VideoInfo};

/// Probes `file` (already opened read-only) with symphonia.
pub fn probe(file: File, path: &Path) -> Result<MediaInfo, ProbeError> {
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    // Symphonia may panic on hostile input in places; a panic in one file
    // must not take the ingest down, so it is caught and reported.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        symphonia::default::get_probe().probe(&hint, mss, FormatOptions::default(), MetadataOptions::default())
    }));
    let reader = match result {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            return Err(ProbeError::Unsupported { format: "symphonia", detail: e.to_string() });
        }
        Err(_) => {
            return Err(ProbeError::Malformed { format: "symphonia", offset: 0, detail: "reader crashed".into() });
        }
    };
    let container = match reader.format_info().short_name {
        "mkv" | "matroska" | "webm" => "mkv",
        "mp3" | "mpa" => "mp3",
        "flac" => "flac",
        "ogg" => "ogg",
        "aiff" => "aiff",
        "caf" => "caf",
        "wave" | "wav" => "wav",
        "isomp4" => "mp4",
        _ => "audio",
    };
    let mut video = None;
    let mut audio: Option<AudioInfo> = None;
    let mut length = None;
    let mut channels = 0u32;
    for track in reader.tracks() {
        match &track.codec_params {
            Some(CodecParameters::Audio(p)) => {
                channels = channels.saturating_add(p.channels.as_ref().map_or(0, |c| c.count() as u32));
                if audio.is_none() {
                    let codec = symphonia::default::get_codecs()
                        .get_audio_decoder(p.codec)
                        .map_or_else(|| p.codec.to_string(), |d| d.codec.info.short_name.to_string());
                    audio = Some(AudioInfo {
                        codec,
                        sample_rate: p.sample_rate.unwrap_or(0),
                        channels: 0,
                        bits: p.bits_per_sample,
                    });
                    length = length.or_else(|| track_length(track, p.sample_rate));
                }
            }
            Some(CodecParameters::Video(p)) if video.is_none() => {
                video = Some(VideoInfo {
                    codec: video_codec_name(p.codec).to_string(),
                    width: u32::from(p.width.unwrap_or(0)),
                    height: u32::from(p.height.unwrap_or(0)),
                });
                length = track_length(track, None).or(length);
            }
            _ => {}
        }
    }
    if let Some(a) = audio.as_mut() {
        a.channels = channels;
    }
    if audio.is_none() && video.is_none() {
        return Err(ProbeError::Unsupported { format: container, detail: "no audio or video track".into() });
    }
    // Matroska states the duration for the file, not per track.
    let media = reader.media_info();
    let length = length.or_else(|| ticks_length(media.time_base?, media.duration?)).ok_or_else(|| {
        ProbeError::Unsupported { format: container, detail: "the container states no duration".into() }
    })?;
    Ok(MediaInfo {
        container,
        video,
        audio,
        rate: None,
        length,
        start: None,
        meta: MediaMeta::default(),
        warnings: Vec::new(),
    })
}

/// A track's length from its time base and duration, or from its frame
/// count at the sample rate.
fn track_length(track: &Track, sample_rate: Option<u32>) -> Option<Length> {
    if let (Some(tb), Some(dur)) = (track.time_base, track.duration) {
        return ticks_length(tb, dur);
    }
    match (track.num_frames, sample_rate) {
        (Some(n), Some(sr)) if sr > 0 => Some(Length::Samples { samples: n, sample_rate: sr }),
        _ => None,
    }
}

/// `dur` ticks of `tb` seconds each, kept exact: ticks × numer / denom.
fn ticks_length(tb: TimeBase, dur: Duration) -> Option<Length> {
    let ticks = dur.get().checked_mul(u64::from(tb.numer.get()))?;
    Some(Length::Ticks { ticks, timescale: tb.denom.get() })
}

fn video_codec_name(id: symphonia::core::codecs::video::VideoCodecId) -> &'static str {
    match id {
        video_ids::CODEC_ID_H264 => "h264",
        video_ids::CODEC_ID_HEVC => "hevc",
        video_ids::CODEC_ID_VP8 => "vp8",
        video_ids::CODEC_ID_VP9 => "vp9",
        video_ids::CODEC_ID_AV1 => "av1",
        video_ids::CODEC_ID_MPEG4 => "mpeg4",
        video_ids::CODEC_ID_THEORA => "theora",
        _ => "video",
    }
}
