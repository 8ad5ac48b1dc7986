//! `rushes proxies`: media a browser cannot play (ProRes with PCM sound in
//! MOV, MPEG-2 in MXF, AIFF) gets an H.264/AAC proxy inside the library
//! that carries the source's start timecode; media that plays gets none;
//! the dump is never written to; a re-run skips what is made. ffprobe is
//! the oracle.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Env, ffmpeg, ffprobe, snapshot};
use serde_json::Value;

/// A card dump of four clips: ProRes 422 with 24-bit PCM in a MOV at
/// 29.97 drop-frame from 10:00:00;02, MPEG-2 in MXF at 25 from
/// 01:00:00:00, an AIFF, and an H.264/AAC MP4 that plays as it is.
fn dump(root: &Path) -> PathBuf {
    let card = root.join("dump/A001");
    std::fs::create_dir_all(&card).expect("mkdir");
    let at = |name: &str| card.join(name).to_str().expect("utf-8 path").to_string();
    let picture = "testsrc2=size=320x180:rate=30000/1001:duration=0.5005";
    let sound = "sine=sample_rate=48000:duration=0.5005";
    let mov = at("PRORES01.MOV");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        picture,
        "-f",
        "lavfi",
        "-i",
        sound,
        "-c:v",
        "prores",
        "-c:a",
        "pcm_s24le",
        "-timecode",
        "10:00:00;02",
        &mov,
    ]);
    std::fs::copy(common::repo().join("fixtures/mxf/op1a_25.mxf"), card.join("XDCAM01.MXF")).expect("copy mxf");
    ffmpeg(&["-f", "lavfi", "-i", sound, "-c:a", "pcm_s16be", &at("ROOM.aif")]);
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=160x90:rate=25:duration=0.48",
        "-f",
        "lavfi",
        "-i",
        sound,
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
        &at("PLAYS01.MP4"),
    ]);
    root.join("dump")
}

fn names(report: &Value, key: &str) -> Vec<String> {
    let mut names: Vec<String> = report[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} in {report}"))
        .iter()
        .map(|c| c["path"].as_str().and_then(|p| p.rsplit('/').next()).unwrap_or_default().to_string())
        .collect();
    names.sort();
    names
}

fn start_tc_of(env: &Env, name: &str) -> String {
    let clips = env.clips();
    let clip = clips.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("{name} is cataloged"));
    clip["start_tc"].as_str().unwrap_or_default().to_string()
}

#[test]
fn proxies_carry_the_source_timecode_inside_the_library() {
    let env = Env::new();
    let dump = dump(env.tmp.path());
    env.ingest(&dump);
    let before = snapshot(&dump);

    let report = env.json(&["proxies", "--json"], 0);
    assert_eq!(names(&report, "made"), ["PRORES01.MOV", "ROOM.aif", "XDCAM01.MXF"], "{report:#}");
    assert_eq!(names(&report, "not_needed"), ["PLAYS01.MP4"], "{report:#}");
    assert_eq!(snapshot(&dump), before, "nothing written inside the dump");

    let proxies = env.library().join("proxies");
    for made in report["made"].as_array().expect("made") {
        let proxy = PathBuf::from(made["proxy"].as_str().expect("proxy path"));
        assert_eq!(proxy.parent(), Some(proxies.as_path()), "{made}");
        let name = made["path"].as_str().and_then(|p| p.rsplit('/').next()).expect("name");
        let probe = ffprobe(&proxy);
        let streams = probe["streams"].as_array().expect("streams");
        let codec = |kind: &str| {
            streams.iter().find(|s| s["codec_type"] == kind).map(|s| s["codec_name"].as_str().unwrap_or_default())
        };
        assert_eq!(codec("audio"), Some("aac"), "{name}");
        if name == "ROOM.aif" {
            assert_eq!(codec("video"), None);
            assert!(proxy.extension().is_some_and(|e| e == "m4a"), "{}", proxy.display());
            continue;
        }
        assert_eq!(codec("video"), Some("h264"), "{name}");
        let video = streams.iter().find(|s| s["codec_type"] == "video").expect("video");
        assert_eq!(video["pix_fmt"], "yuv420p", "{name}");
        let start = start_tc_of(&env, name);
        assert_eq!(video["tags"]["timecode"].as_str(), Some(start.as_str()), "{name}: the proxy's timecode");
        assert_eq!(video["r_frame_rate"], ffprobe(&dump.join("A001").join(name))["streams"][0]["r_frame_rate"]);
    }
    assert_eq!(start_tc_of(&env, "PRORES01.MOV"), "10:00:00;02");
    assert_eq!(start_tc_of(&env, "XDCAM01.MXF"), "01:00:00:00");
    // Nothing but the three proxies (no temporary left behind).
    assert_eq!(std::fs::read_dir(&proxies).expect("proxies").count(), 3);

    let again = env.json(&["proxies", "--json"], 0);
    assert_eq!(names(&again, "made"), Vec::<String>::new(), "{again:#}");
    assert_eq!(names(&again, "already"), ["PRORES01.MOV", "ROOM.aif", "XDCAM01.MXF"]);

    let forced = env.json(&["proxies", "--json", "--force", "--clip", "PRORES01"], 0);
    assert_eq!(names(&forced, "made"), ["PRORES01.MOV"], "{forced:#}");
    assert_eq!(snapshot(&dump), before, "nothing written inside the dump");
}

/// `rushes proxies --clip CLIP` with a PATH that holds no ffmpeg.
fn proxies_without_ffmpeg(env: &Env, clip: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rushes"))
        .arg("--library")
        .arg(env.library())
        .args(["proxies", "--clip", clip])
        .env("PATH", env.tmp.path().join("no-such-folder"))
        .env_remove("RUSHES_LIBRARY")
        .output()
        .expect("run rushes")
}

#[test]
fn without_ffmpeg_it_says_how_to_get_it() {
    let env = Env::new();
    let dump = dump(env.tmp.path());
    env.ingest(&dump);
    let out = proxies_without_ffmpeg(&env, "XDCAM01");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("ffmpeg not found on PATH: install it (Debian: apt-get install ffmpeg)"), "{stderr}");
    assert!(!env.library().join("proxies").exists());

    // A clip that plays needs no ffmpeg at all.
    let out = proxies_without_ffmpeg(&env, "PLAYS01.MP4");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_failed_proxy_is_listed_and_the_others_are_made() {
    let env = Env::new();
    let dump = dump(env.tmp.path());
    env.ingest(&dump);
    // The MXF's essence is cut away after ingest: ffmpeg cannot decode it.
    let mxf = dump.join("A001/XDCAM01.MXF");
    let bytes = std::fs::read(&mxf).expect("read");
    std::fs::write(&mxf, &bytes[..bytes.len().min(2048)]).expect("truncate");
    let out = env.run(&["proxies"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("2 made") && stdout.contains("1 failed"), "{stdout}");
    assert!(stdout.contains("XDCAM01.MXF: ffmpeg failed"), "{stdout}");
    let left: Vec<_> = std::fs::read_dir(env.library().join("proxies")).expect("proxies").flatten().collect();
    assert_eq!(left.len(), 2, "no partial file left: {left:?}");
}
