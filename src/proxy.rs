//! Browser playback: whether a clip's file plays in a browser as it is
//! ([`browser_mime`]), what a front end serves for it ([`playback`]), and
//! the H.264/AAC proxies made with ffmpeg for clips that do not play
//! ([`make_proxies`]).
//!
//! Proxies live in `LIBRARY/proxies/<clip_id>.mp4` (`.m4a` for a clip with
//! no picture), never beside the source: the source is only read. Each
//! carries the clip's start timecode (a `tmcd` track; for sound alone, a
//! `timecode` tag), so a proxy sits where its source does. ffmpeg writes
//! to a hidden temporary name in the same folder, renamed once it
//! succeeds, so a proxy that exists is whole.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;
use thiserror::Error;

use crate::clip::{Clip, ClipFilter};
use crate::library::{IndexError, Library};
use crate::progress::Progress;
use crate::resolve::{ClipLookupError, resolve_clip};

/// The folder inside the library that holds the proxies.
pub const PROXY_FOLDER: &str = "proxies";

/// The widest proxy picture: enough to judge a performance, small enough
/// to make quickly and stream from a laptop.
const MAX_WIDTH: u32 = 1280;

/// What a front end serves for a clip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Playback {
    /// The file to serve: the proxy if there is one, else the original if
    /// it plays in a browser; `None` when neither.
    pub media: Option<PathBuf>,
    /// The file's content type (`application/octet-stream` when there is
    /// no file to serve).
    pub mime: &'static str,
    /// Whether `media` is a proxy.
    pub proxy: bool,
    /// Why the clip cannot play in a browser, when `media` is `None`.
    pub reason: Option<String>,
}

/// What to serve for `clip` from the library at `lib_dir`: its proxy when
/// one was made, else its own file when a browser plays it and it is there.
pub fn playback(lib_dir: &Path, clip: &Clip) -> Playback {
    if let Some(path) = proxy_path(lib_dir, clip).filter(|p| p.is_file()) {
        return Playback { media: Some(path), mime: proxy_mime(clip), proxy: true, reason: None };
    }
    let cannot =
        |reason: String| Playback { media: None, mime: "application/octet-stream", proxy: false, reason: Some(reason) };
    match browser_mime(clip) {
        Err(why) => cannot(format!("{why}; it needs a proxy")),
        Ok(_) if clip.offline || !Path::new(&clip.path).is_file() => {
            cannot(format!("the file is offline (not at {})", clip.path))
        }
        Ok(mime) => Playback { media: Some(PathBuf::from(&clip.path)), mime, proxy: false, reason: None },
    }
}

/// The content type of `clip`'s own file when a browser plays it, or why
/// it does not: H.264, VP8, VP9 or AV1 video in MP4/MOV (or WebM) with
/// AAC, MP3, Opus, Vorbis or FLAC sound; sound alone in WAV (PCM), MP3,
/// FLAC, MP4/M4A, Ogg, ADTS AAC or WebM. Everything else (MXF, ProRes,
/// DNxHR, HEVC, PCM sound beside a picture, Matroska, RF64, AIFF) needs a
/// proxy. Decided from the catalog record alone.
pub fn browser_mime(clip: &Clip) -> Result<&'static str, String> {
    let ext = clip.name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let container = clip.container.as_str();
    let Some(video) = &clip.video else {
        let Some(audio) = &clip.audio else { return Err("the file has neither picture nor sound".into()) };
        let codec = audio.codec.as_str();
        return match (container, codec, ext.as_str()) {
            ("wav", "pcm_u8" | "pcm_s16le" | "pcm_s24le" | "pcm_s32le" | "pcm_f32le", _) => Ok("audio/wav"),
            ("mp3", _, _) => Ok("audio/mpeg"),
            ("flac", "flac", _) => Ok("audio/flac"),
            ("mp4" | "mov", "aac" | "mp3" | "flac" | "opus", _) => Ok("audio/mp4"),
            ("ogg", "vorbis" | "opus" | "flac", _) => Ok("audio/ogg"),
            ("mkv", "vorbis" | "opus", "webm") => Ok("audio/webm"),
            ("audio", "aac", "aac") => Ok("audio/aac"),
            _ => Err(format!("a browser does not play {codec} sound in a {container} file")),
        };
    };
    let mime = match (container, ext.as_str()) {
        ("mp4" | "mov", _) => "video/mp4",
        ("mkv", "webm") => "video/webm",
        _ => return Err(format!("a browser does not play a {container} file")),
    };
    if !matches!(video.codec.as_str(), "h264" | "vp8" | "vp9" | "av1") {
        return Err(format!("a browser does not play {} video", video.codec));
    }
    match &clip.audio {
        Some(a) if !matches!(a.codec.as_str(), "aac" | "mp3" | "opus" | "vorbis" | "flac") => {
            Err(format!("a browser does not play {} sound beside a picture", a.codec))
        }
        _ => Ok(mime),
    }
}

/// Where `clip`'s proxy is (or goes): `LIBRARY/proxies/<clip_id>.mp4`, or
/// `.m4a` for sound alone. `None` for an id that is not a plain file name
/// (ids are hex digits; anything else is refused rather than joined).
pub fn proxy_path(lib_dir: &Path, clip: &Clip) -> Option<PathBuf> {
    let plain = !clip.id.is_empty() && clip.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    plain.then(|| lib_dir.join(PROXY_FOLDER).join(format!("{}.{}", clip.id, proxy_extension(clip))))
}

fn sound_only(clip: &Clip) -> bool {
    clip.video.is_none()
}

fn proxy_extension(clip: &Clip) -> &'static str {
    if sound_only(clip) { "m4a" } else { "mp4" }
}

fn proxy_mime(clip: &Clip) -> &'static str {
    if sound_only(clip) { "audio/mp4" } else { "video/mp4" }
}

/// Which clips `rushes proxies` looks at.
#[derive(Clone, Debug, Default)]
pub struct ProxyRequest {
    /// One clip, named as every command names one ([`resolve_clip`]).
    pub clip: Option<String>,
    /// Only the clips of this shoot day (`YYYY-MM-DD`).
    pub day: Option<String>,
    /// Make the proxy again when there is one.
    pub force: bool,
}

/// One clip in a proxy report: its id and path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProxyClip {
    pub clip_id: String,
    pub path: String,
}

/// A proxy made: the clip and where its proxy went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProxyMade {
    pub clip_id: String,
    pub path: String,
    pub proxy: String,
}

/// A proxy ffmpeg could not make, and why (its last lines of errors).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProxyFailure {
    pub clip_id: String,
    pub path: String,
    pub reason: String,
}

/// What a proxies run did, clip by clip.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ProxyReport {
    pub made: Vec<ProxyMade>,
    /// Clips that have a proxy already (`force` makes them again).
    pub already: Vec<ProxyClip>,
    /// Clips that play in a browser as they are.
    pub not_needed: Vec<ProxyClip>,
    /// Clips whose file is not there.
    pub offline: Vec<ProxyClip>,
    pub failed: Vec<ProxyFailure>,
}

/// Why no proxies were made at all.
#[derive(Debug, Error)]
pub enum ProxyError {
    #[error("ffmpeg not found on PATH: install it (Debian: apt-get install ffmpeg) to make proxies")]
    NoFfmpeg,
    #[error(transparent)]
    Clip(#[from] ClipLookupError),
    /// The OS reason is part of the message, printed once.
    #[error("{}: {error}", path.display())]
    Io { path: PathBuf, error: std::io::Error },
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// Makes a proxy for each clip `request` names that does not play in a
/// browser, one clip at a time (ffmpeg uses every core itself). A clip that
/// has a proxy, plays already or is offline is listed and skipped; a failed
/// ffmpeg run is listed with its last error lines and the run goes on.
pub fn make_proxies(lib: &Library, request: &ProxyRequest, progress: &dyn Progress) -> Result<ProxyReport, ProxyError> {
    let filter = ClipFilter { day: request.day.clone(), ..ClipFilter::default() };
    let mut clips: Vec<Clip> = lib.clips()?.into_iter().filter(|c| filter.matches(c)).collect();
    if let Some(want) = &request.clip {
        clips = vec![resolve_clip(want, &clips)?.clone()];
    }
    clips.sort_by(|a, b| (&a.day, &a.camera, &a.path).cmp(&(&b.day, &b.camera, &b.path)));

    let mut report = ProxyReport::default();
    let mut work = Vec::new();
    for clip in clips {
        let who = ProxyClip { clip_id: clip.id.clone(), path: clip.path.clone() };
        let Some(target) = proxy_path(&lib.dir, &clip) else {
            let reason = "its id cannot name a file".to_string();
            report.failed.push(ProxyFailure { clip_id: who.clip_id, path: who.path, reason });
            continue;
        };
        if target.is_file() && !request.force {
            report.already.push(who);
        } else if browser_mime(&clip).is_ok() {
            report.not_needed.push(who);
        } else if clip.offline || !Path::new(&clip.path).is_file() {
            report.offline.push(who);
        } else {
            work.push((clip, who, target));
        }
    }
    if work.is_empty() {
        return Ok(report);
    }
    let ffmpeg = find_on_path("ffmpeg").ok_or(ProxyError::NoFfmpeg)?;
    let folder = lib.dir.join(PROXY_FOLDER);
    fs::create_dir_all(&folder).map_err(|error| ProxyError::Io { path: folder.clone(), error })?;

    progress.begin(work.len() as u64, work.iter().map(|(c, _, _)| c.size).sum());
    for (clip, who, target) in work {
        match make_one(&ffmpeg, &clip, &target) {
            Ok(()) => {
                let proxy = target.display().to_string();
                report.made.push(ProxyMade { clip_id: who.clip_id, path: who.path, proxy });
            }
            Err(reason) => report.failed.push(ProxyFailure { clip_id: who.clip_id, path: who.path, reason }),
        }
        progress.advance(clip.size);
    }
    progress.finish();
    Ok(report)
}

/// Runs ffmpeg for one clip into a temporary name beside `target`, and
/// renames it there once ffmpeg succeeded; otherwise the temporary is
/// removed and the reason is ffmpeg's last lines of errors.
fn make_one(ffmpeg: &Path, clip: &Clip, target: &Path) -> Result<(), String> {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let partial = target.with_file_name(format!(".{name}.partial"));
    let output = Command::new(ffmpeg)
        .args(ffmpeg_args(clip, Path::new(&clip.path), &partial))
        .output()
        .map_err(|e| format!("cannot run {}: {e}", ffmpeg.display()))?;
    let finished = if output.status.success() {
        fs::File::open(&partial)
            .and_then(|f| f.sync_all())
            .and_then(|()| fs::rename(&partial, target))
            .map_err(|e| format!("{}: {e}", target.display()))
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let lines: Vec<&str> = stderr.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        let last = lines[lines.len().saturating_sub(5)..].join(" / ");
        Err(format!("ffmpeg failed ({}): {last}", output.status))
    };
    if finished.is_err() {
        let _ = fs::remove_file(&partial);
    }
    finished
}

/// ffmpeg's arguments for `clip`'s proxy: H.264 (veryfast, CRF 23, at most
/// 1280 wide, 4:2:0, deinterlaced, at the clip's own rate so its timecode
/// track counts the same frames) with the first sound track in AAC, or AAC
/// alone for sound; the start timecode; the index at the front so a
/// browser can seek before it has the whole file.
pub fn ffmpeg_args(clip: &Clip, source: &Path, output: &Path) -> Vec<OsString> {
    let mut args: Vec<OsString> =
        ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i"].map(OsString::from).into();
    args.push(source.as_os_str().to_owned());
    let mut push = |list: &[&str]| args.extend(list.iter().map(OsString::from));
    let start = clip.tc_format().and(clip.start()).map(|t| t.to_string());
    let downmix = clip.audio.as_ref().is_some_and(|a| a.channels > 2);
    let sound = ["-c:a", "aac", "-b:a", "192k"];
    if sound_only(clip) {
        push(&["-map", "0:a:0", "-vn"]);
        push(&sound);
        if let Some(tc) = &start {
            push(&["-metadata", &format!("timecode={tc}")]);
        }
        if downmix {
            push(&["-ac", "2"]);
        }
        push(&["-movflags", "+faststart+use_metadata_tags"]);
    } else {
        let scale = format!("yadif=deint=interlaced,scale='trunc(min({MAX_WIDTH},iw)/2)*2':-2");
        push(&["-map", "0:v:0", "-map", "0:a:0?", "-vf", &scale]);
        push(&["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"]);
        if let Some(format) = clip.tc_format() {
            push(&["-r", &format!("{}/{}", format.rate().num(), format.rate().den())]);
        }
        push(&sound);
        if downmix {
            push(&["-ac", "2"]);
        }
        if let Some(tc) = &start {
            push(&["-timecode", tc]);
        }
        push(&["-movflags", "+faststart"]);
    }
    push(&["-f", "mp4"]);
    args.push(output.as_os_str().to_owned());
    args
}

/// The first executable file called `name` in a folder of `PATH`.
fn find_on_path(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clip(name: &str, container: &str, video: Option<&str>, audio: Option<&str>) -> Clip {
        let json = serde_json::json!({
            "id": "00000000000000aa", "path": format!("/nowhere/{name}"), "rel_path": name, "root": "/nowhere",
            "name": name, "container": container, "duration_s": 1.0, "n_frames": 25, "fps": "25", "rate": "25/1",
            "drop_frame": false, "start_tc": "10:00:00:00", "end_tc": "10:00:01:00", "start_tc_source": "tmcd",
            "video": video.map(|codec| serde_json::json!({"codec": codec, "width": 1920, "height": 1080})),
            "audio": audio.map(|codec| serde_json::json!({"codec": codec, "sample_rate": 48000, "channels": 2, "bits": null})),
            "size": 1, "mtime_ns": 0, "offline": false,
        });
        serde_json::from_value(json).unwrap_or_else(|e| panic!("a clip record: {e}"))
    }

    #[test]
    fn what_plays_in_a_browser() {
        for (name, container, video, audio, want) in [
            ("C0001.MP4", "mp4", Some("h264"), Some("aac"), Some("video/mp4")),
            ("A001.mov", "mov", Some("h264"), None, Some("video/mp4")),
            ("a.webm", "mkv", Some("vp9"), Some("opus"), Some("video/webm")),
            ("a.mp4", "mp4", Some("av1"), Some("mp3"), Some("video/mp4")),
            ("T001.WAV", "wav", None, Some("pcm_s24le"), Some("audio/wav")),
            ("memo.mp3", "mp3", None, Some("mp3"), Some("audio/mpeg")),
            ("a.flac", "flac", None, Some("flac"), Some("audio/flac")),
            ("memo.m4a", "mp4", None, Some("aac"), Some("audio/mp4")),
            ("a.ogg", "ogg", None, Some("vorbis"), Some("audio/ogg")),
            ("a.aac", "audio", None, Some("aac"), Some("audio/aac")),
            ("A001.mov", "mov", Some("prores"), Some("pcm_s24le"), None),
            ("A001.mov", "mov", Some("h264"), Some("pcm_s16le"), None),
            ("A001.mxf", "mxf", Some("dnxhd"), Some("pcm_s24le"), None),
            ("A001.mxf", "mxf", Some("h264"), None, None),
            ("C0001.MP4", "mp4", Some("hevc"), Some("aac"), None),
            ("a.mkv", "mkv", Some("h264"), Some("aac"), None),
            ("T001.WAV", "rf64", None, Some("pcm_s24le"), None),
            ("a.aif", "aiff", None, Some("pcm_s24be"), None),
        ] {
            let got = browser_mime(&clip(name, container, video, audio));
            assert_eq!(got.as_ref().ok().copied(), want, "{name} {container} {video:?} {audio:?}: {got:?}");
        }
    }

    #[test]
    fn playback_says_why_not() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let prores = clip("A001.mov", "mov", Some("prores"), Some("pcm_s24le"));
        let p = playback(dir.path(), &prores);
        assert_eq!((p.media, p.proxy), (None, false));
        assert_eq!(p.reason.as_deref(), Some("a browser does not play prores video; it needs a proxy"));

        let h264 = clip("C0001.MP4", "mp4", Some("h264"), Some("aac"));
        let p = playback(dir.path(), &h264);
        assert_eq!(p.reason.as_deref(), Some("the file is offline (not at /nowhere/C0001.MP4)"));

        let proxy = dir.path().join("proxies/00000000000000aa.mp4");
        std::fs::create_dir_all(dir.path().join("proxies")).unwrap_or_else(|e| panic!("mkdir: {e}"));
        std::fs::write(&proxy, b"x").unwrap_or_else(|e| panic!("write: {e}"));
        let p = playback(dir.path(), &prores);
        assert_eq!((p.media, p.mime, p.proxy, p.reason), (Some(proxy), "video/mp4", true, None));
    }

    #[test]
    fn proxies_go_inside_the_library_under_a_plain_name() {
        let lib = Path::new("/lib");
        let mut c = clip("T001.WAV", "rf64", None, Some("pcm_s24le"));
        assert_eq!(proxy_path(lib, &c), Some(PathBuf::from("/lib/proxies/00000000000000aa.m4a")));
        c.id = "../../etc/x".into();
        assert_eq!(proxy_path(lib, &c), None);
    }

    #[test]
    fn the_proxy_carries_the_start_timecode() {
        let args = |c: &Clip| {
            ffmpeg_args(c, Path::new("/src/a"), Path::new("/lib/proxies/.x.partial"))
                .into_iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let video = args(&clip("A001.mov", "mov", Some("prores"), Some("pcm_s24le")));
        assert!(video.contains("-timecode 10:00:00:00") && video.contains("-r 25/1"), "{video}");
        assert!(video.contains("-c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p"), "{video}");
        assert!(video.ends_with("-movflags +faststart -f mp4 /lib/proxies/.x.partial"), "{video}");
        let sound = args(&clip("T001.WAV", "rf64", None, Some("pcm_s24le")));
        assert!(sound.contains("-vn -c:a aac") && sound.contains("-metadata timecode=10:00:00:00"), "{sound}");
    }
}
