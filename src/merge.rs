//! Merging what the walk, the probe and the sidecars each know into one
//! catalog [`Clip`]. The only module that knows both `scan` and `probe`.
//!
//! Rules, in order of trust:
//! - Start TC: the file's own (`tmcd`, `bext`, iXML) beats a camera
//!   sidecar, which beats nothing (00:00:00:00, as NLEs assume).
//! - Rate: the video's own rate; else the timecode's; else `--fps` (the
//!   project rate, used only where the file states none).
//! - Reel: the file's own (tmcd name) beats the card layout; a sound
//!   file's TAPE stands in for a reel.
//! - Day: `--day`, else a dated folder, else the file's recording date,
//!   else its modification date.

use crate::clip::{Clip, Sidecar, clip_id};
use crate::date::civil_date;
use crate::probe::sony_xml::SonyMeta;
use crate::probe::{Length, MediaInfo, StartTc, TcSource};
use crate::scan::{Candidate, card_context};
use crate::timecode::{Rate, TcFormat, Timecode};

/// Options that apply to a whole ingest.
#[derive(Clone, Debug, Default)]
pub struct MergeOptions {
    pub day: Option<String>,
    pub project_rate: Option<Rate>,
}

/// A sidecar already read, with its file.
pub struct SidecarInfo<'a> {
    pub file: &'a Candidate,
    pub abs_path: String,
    pub meta: SonyMeta,
}

/// Builds the catalog record of one probed file.
pub fn build_clip(
    root_abs: &str,
    root_name: &str,
    cand: &Candidate,
    info: &MediaInfo,
    sidecar: Option<&SidecarInfo<'_>>,
    opts: &MergeOptions,
) -> Clip {
    let path = join_abs(root_abs, &cand.rel_path);
    let name = cand
        .rel_path
        .rsplit('/')
        .next()
        .unwrap_or(&cand.rel_path)
        .to_string();
    let ctx = card_context(root_name, &cand.rel_path);
    let meta = &info.meta;

    // The start: the file's own timecode, else the sidecar's.
    let mut start: Option<StartTc> = info.start;
    let mut rate = info.rate;
    if let (None, Some(tc)) = (start, sidecar.and_then(|s| s.meta.start)) {
        start = Some(StartTc {
            tc,
            source: TcSource::Sidecar,
        });
        rate = rate.or(Some(tc.format().rate()));
    }
    let mut start_samples = None;
    if let (None, Some(samples), Some(audio)) = (start, meta.time_reference, &info.audio) {
        match opts.project_rate {
            Some(r) if audio.sample_rate > 0 => {
                let frames = r.frames_from_samples(samples, audio.sample_rate);
                start = Some(StartTc {
                    tc: Timecode::from_frames(frames, TcFormat::ndf(r)),
                    source: TcSource::Bext,
                });
            }
            _ => start_samples = Some(samples),
        }
    }
    let rate = rate.or(opts.project_rate);
    let format = start.map(|s| s.tc.format()).or(rate.map(TcFormat::ndf));

    // Length in frames of the timecode rate; video frames at another rate
    // are converted through exact rational seconds.
    let n_frames = format.map(|f| match (info.length, info.rate) {
        (Length::Frames(n), Some(video_rate)) if video_rate != f.rate() => {
            let secs_num = u128::from(n) * u128::from(video_rate.den());
            let secs_den = u128::from(video_rate.num());
            Length::Ticks {
                ticks: u64::try_from(secs_num).unwrap_or(u64::MAX),
                timescale: u32::try_from(secs_den).unwrap_or(u32::MAX),
            }
            .frames_at(f.rate())
        }
        (len, _) => len.frames_at(f.rate()),
    });
    let duration_s = match (info.length, info.rate) {
        (Length::Frames(n), Some(r)) => r.seconds(n),
        (len, _) => len.seconds(),
    };
    let start_tc = match (start, format) {
        (Some(s), _) => Some(s.tc),
        (None, Some(f)) if start_samples.is_none() => Some(Timecode::zero(f)),
        _ => None,
    };
    let end_tc = match (start_tc, n_frames) {
        (Some(tc), Some(n)) => Some(tc.add_frames(n)),
        _ => None,
    };

    let reel = meta
        .reel
        .clone()
        .or(ctx.reel)
        .or_else(|| meta.tape.clone().filter(|_| info.video.is_none()));
    let camera = ctx.camera.or_else(|| {
        // A recorder file (bext/iXML) outside any camera folder is sound.
        (info.video.is_none()
            && matches!(
                info.start.map(|s| s.source),
                Some(TcSource::Bext | TcSource::Ixml)
            ))
        .then(|| "SOUND".to_string())
    });
    let day = opts
        .day
        .clone()
        .or(ctx.day)
        .or(meta.recorded_date.clone())
        .or_else(|| {
            Some(civil_date(
                (cand.fingerprint.mtime_ns / 1_000_000_000) as i64,
            ))
        });

    Clip {
        id: clip_id(&path),
        path,
        rel_path: cand.rel_path.clone(),
        root: root_abs.to_string(),
        name,
        camera,
        reel,
        day,
        container: info.container.to_string(),
        duration_s: if duration_s.is_finite() {
            duration_s
        } else {
            0.0
        },
        n_frames,
        fps: format.map(|f| f.rate().label()),
        rate: format.map(|f| format!("{}/{}", f.rate().num(), f.rate().den())),
        drop_frame: format.map(|f| f.is_drop_frame()),
        // Rate-less media (a phone memo) still starts at 00:00:00:00 in an
        // NLE; only a time reference waiting for `--fps` has no label yet.
        start_tc: match start_tc {
            Some(t) => Some(t.to_string()),
            None if start_samples.is_none() => Some("00:00:00:00".into()),
            None => None,
        },
        end_tc: end_tc.map(|t| t.to_string()),
        start_tc_source: start.map_or(TcSource::None, |s| s.source),
        start_samples,
        video: info.video.clone(),
        audio: info.audio.clone(),
        size: cand.fingerprint.size,
        mtime_ns: cand.fingerprint.mtime_ns,
        scene: meta.scene.clone(),
        take: meta.take.clone(),
        tape: meta.tape.clone(),
        track_names: meta.track_names.clone(),
        note: meta.note.clone(),
        circled: meta.circled,
        family_uid: meta.family_uid.clone(),
        sidecar: sidecar.map(|s| Sidecar {
            path: s.abs_path.clone(),
            size: s.file.fingerprint.size,
            mtime_ns: s.file.fingerprint.mtime_ns,
        }),
        offline: false,
    }
}

/// `root` + `/` + `rel`, as the absolute path users see.
pub fn join_abs(root_abs: &str, rel: &str) -> String {
    if root_abs.ends_with('/') {
        format!("{root_abs}{rel}")
    } else {
        format!("{root_abs}/{rel}")
    }
}

/// The Sony sidecar name for a clip: `C0001.MP4` → `C0001M01.XML`
/// (compared case-insensitively by the caller).
pub fn sony_sidecar_name(clip_name: &str) -> Option<String> {
    let stem = clip_name.rsplit_once('.').map(|(s, _)| s)?;
    Some(format!("{stem}M01.XML"))
}
