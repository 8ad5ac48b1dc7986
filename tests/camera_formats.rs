//! Camera formats beyond the fixture dump (issue #17): Matroska/WebM video
//! rates and durations against ffprobe, GoPro chaptered recordings, and
//! camera MXF cards with their clip XML.

mod common;

use std::path::Path;

use common::{Env, ffmpeg, ffprobe};
use serde_json::Value;

/// ffmpeg from a test picture (and a test sound) to `out` with `codecs`.
fn pattern(picture: &str, sound: Option<&str>, codecs: &[&str], out: &Path) {
    let mut args = vec!["-f", "lavfi", "-i", picture];
    if let Some(sound) = sound {
        args.extend(["-f", "lavfi", "-i", sound]);
    }
    args.extend(codecs);
    args.push(out.to_str().expect("utf-8 path"));
    ffmpeg(&args);
}

fn by_name(clips: &[Value], name: &str) -> Value {
    clips.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("no clip {name}")).clone()
}

/// Matroska and WebM made by ffmpeg at the four rates a camera or a
/// screen recorder writes: our rate is ffprobe's `r_frame_rate` exactly and
/// our duration its `format.duration` (printed to the microsecond).
#[test]
fn matroska_and_webm_rates_and_durations_match_ffprobe() {
    let env = Env::new();
    let dir = env.tmp.path().join("dump/2026-03-15/SCREEN");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let rates = [
        ("23976", "24000/1001", "23.976"),
        ("25", "25/1", "25"),
        ("2997", "30000/1001", "29.97"),
        ("50", "50/1", "50"),
    ];
    for (tag, rate, _) in rates {
        let picture = format!("testsrc2=size=160x90:rate={rate}:duration=1.5");
        let sound = "sine=frequency=440:sample_rate=48000:duration=1.5";
        let (mkv, webm) = (dir.join(format!("rec_{tag}.mkv")), dir.join(format!("rec_{tag}.webm")));
        let h264 = ["-c:v", "libx264", "-threads", "1", "-pix_fmt", "yuv420p", "-c:a", "pcm_s24le", "-ac", "2"];
        pattern(&picture, Some(sound), &h264, &mkv);
        pattern(&picture, Some(sound), &["-c:v", "libvpx", "-b:v", "100k", "-c:a", "libopus", "-ac", "1"], &webm);
    }
    env.ingest(&env.tmp.path().join("dump"));
    let clips = env.clips();
    assert_eq!(clips.len(), 8, "every file is a clip");
    for (tag, rate, fps) in rates {
        for (ext, v_codec, a_codec, channels) in [("mkv", "h264", "pcm_s24le", 2), ("webm", "vp8", "opus", 1)] {
            let name = format!("rec_{tag}.{ext}");
            let clip = by_name(&clips, &name);
            let probe = ffprobe(Path::new(clip["path"].as_str().expect("path")));
            let streams = probe["streams"].as_array().expect("streams");
            let v = streams.iter().find(|s| s["codec_type"] == "video").expect("video stream");
            let a = streams.iter().find(|s| s["codec_type"] == "audio").expect("audio stream");
            assert_eq!(v["r_frame_rate"], rate, "{name}: ffprobe made what we asked");
            assert_eq!(clip["rate"], v["r_frame_rate"], "{name}: rate vs ffprobe r_frame_rate");
            assert_eq!(clip["fps"], fps, "{name}");
            let ff_dur: f64 = probe["format"]["duration"].as_str().and_then(|d| d.parse().ok()).expect("duration");
            let ours = clip["duration_s"].as_f64().expect("duration_s");
            assert!((ours - ff_dur).abs() < 1e-6, "{name}: duration {ours} vs ffprobe {ff_dur}");
            assert_eq!(clip["video"]["codec"], v["codec_name"], "{name}");
            assert_eq!(clip["video"]["codec"], v_codec, "{name}");
            assert_eq!((&clip["video"]["width"], &clip["video"]["height"]), (&v["width"], &v["height"]), "{name}");
            assert_eq!(clip["audio"]["codec"], a["codec_name"], "{name}");
            assert_eq!(clip["audio"]["codec"], a_codec, "{name}");
            assert_eq!(clip["audio"]["sample_rate"].to_string(), a["sample_rate"].as_str().expect("rate"), "{name}");
            assert_eq!(clip["audio"]["channels"], a["channels"], "{name}");
            assert_eq!(clip["audio"]["channels"], channels, "{name}");
            // The end TC covers the whole container duration (a partial
            // last frame counts), from 00:00:00:00 as NLEs place it.
            assert_eq!(clip["start_tc"], "00:00:00:00", "{name}");
            assert!(clip["end_tc"].is_string(), "{name}: an end TC now that the rate is known");
        }
    }
}

/// A Matroska file cut short, or damaged inside its track list, is
/// reported with the reason and the rest of the dump is still cataloged.
#[test]
fn truncated_and_corrupt_matroska_are_reported() {
    let env = Env::new();
    let dir = env.tmp.path().join("dump");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let good = dir.join("good.mkv");
    pattern("testsrc2=size=160x90:rate=25:duration=1", None, &["-c:v", "libx264", "-threads", "1"], &good);
    let bytes = std::fs::read(&good).expect("read");
    // Cut inside the track list: nothing to catalog.
    // The Tracks element, not the SeekHead entry naming its ID (`53 AB 84`).
    let tracks = (3..bytes.len() - 4)
        .find(|&i| bytes[i..i + 4] == [0x16, 0x54, 0xAE, 0x6B] && bytes[i - 3..i] != [0x53, 0xAB, 0x84])
        .expect("Tracks");
    std::fs::write(dir.join("cut.mkv"), &bytes[..tracks + 12]).expect("write");
    // A track entry's size made larger than the track list holds.
    let mut bad = bytes.clone();
    // The first TrackEntry (`AE`): after the Tracks size (an EBML number,
    // as many bytes as its first byte's leading zeros plus one) and the
    // CRC-32 element ffmpeg puts first (`BF 84` and four bytes, which may
    // hold an `AE` themselves: the track UIDs it covers are random).
    let mut entry = tracks + 4 + bytes[tracks + 4].leading_zeros() as usize + 1;
    if bytes[entry..entry + 2] == [0xBF, 0x84] {
        entry += 6;
    }
    assert_eq!(bytes[entry], 0xAE, "TrackEntry at byte {entry}");
    bad[entry + 1] = 0xFE;
    std::fs::write(dir.join("corrupt.mkv"), &bad).expect("write");
    // Cut in the media: the header is whole, the clip is cataloged, and
    // the cut is said.
    std::fs::write(dir.join("half.mkv"), &bytes[..bytes.len() / 2]).expect("write");

    let report = env.ingest(&dir);
    let text = report.to_string();
    assert!(text.contains("cut.mkv") && text.contains("truncated"), "{text}");
    assert!(text.contains("corrupt.mkv") && text.contains(&format!("malformed at byte {entry}")), "{text}");
    assert!(text.contains("half.mkv"), "the cut is reported: {text}");
    let clips = env.clips();
    let names: Vec<&str> = clips.iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["good.mkv", "half.mkv"], "{text}");
    assert_eq!(by_name(&clips, "half.mkv")["rate"], "25/1");
}

/// A GoPro take in three chapters, made from the real GoPro file (its tmcd
/// rewritten per chapter as the camera writes it: each chapter starts
/// where the last ended), beside a HERO5-named take of two: each chapter
/// is a clip with its own start TC and transcript, listed with its place
/// in the take, and a word said in chapter 2 is found in chapter 2 at
/// chapter 2's timecode.
#[test]
fn gopro_chapters_are_one_take_of_clips() {
    let env = Env::new();
    let card = env.tmp.path().join("dump/2026-03-16/C_CAM/DCIM/100GOPRO");
    std::fs::create_dir_all(&card).expect("mkdir");
    let real = common::realdata("gpmf-parser/samples/max-heromode.mp4");
    // 315 frames at 29.97 NDF each: 15:44:35:10, +10 s 15 f, +10 s 15 f.
    let chapters =
        [("GX010042.MP4", None), ("GX020042.MP4", Some("15:44:45:25")), ("GX030042.MP4", Some("15:44:56:10"))];
    for (name, tc) in chapters {
        let out = card.join(name);
        match tc {
            None => {
                std::fs::copy(&real, &out).expect("copy");
            }
            Some(tc) => ffmpeg(&[
                "-i",
                real.to_str().expect("path"),
                "-map",
                "0:v",
                "-map",
                "0:a",
                "-map",
                "0:d:1?",
                "-c",
                "copy",
                "-timecode",
                tc,
                out.to_str().expect("path"),
            ]),
        }
    }
    std::fs::copy(&real, card.join("GOPR0043.MP4")).expect("copy");
    std::fs::copy(&real, card.join("GP010043.MP4")).expect("copy");
    // A second card folder whose copy left chapter 2 behind.
    let short = env.tmp.path().join("dump/2026-03-16/C_CAM/DCIM/101GOPRO");
    std::fs::create_dir_all(&short).expect("mkdir");
    std::fs::copy(&real, short.join("GX010044.MP4")).expect("copy");
    std::fs::copy(&real, short.join("GX030044.MP4")).expect("copy");
    std::fs::write(card.join("GX020042.srt"), "1\n00:00:01,000 --> 00:00:02,000\nThe pelican landed on the mast.\n")
        .expect("srt");

    env.ingest(&env.tmp.path().join("dump"));
    let clips = env.clips();
    assert_eq!(clips.len(), 7);
    let mut total = 0.0;
    for (i, (name, tc)) in chapters.iter().enumerate() {
        let clip = by_name(&clips, name);
        let probe = ffprobe(Path::new(clip["path"].as_str().expect("path")));
        let ff_tc = probe["streams"].as_array().expect("streams").iter().find_map(|s| s["tags"]["timecode"].as_str());
        assert_eq!(clip["start_tc"], ff_tc.expect("tmcd"), "{name}: its own start TC, as ffprobe reads it");
        assert_eq!(clip["start_tc"], tc.unwrap_or("15:44:35:10"), "{name}");
        let ch = &clip["chapter"];
        assert_eq!(ch["take"], "GX010042", "{name}");
        assert_eq!((ch["n"].as_u64(), ch["of"].as_u64()), (Some(i as u64 + 1), Some(3)), "{name}");
        assert_eq!(ch["chapters"], serde_json::json!(["GX010042.MP4", "GX020042.MP4", "GX030042.MP4"]));
        assert_eq!(ch["take_frames"], 945, "{name}: 3 × 315 frames");
        assert!(ch.get("missing").is_none(), "{name}");
        total += clip["duration_s"].as_f64().expect("duration");
    }
    let take = &by_name(&clips, "GX020042.MP4")["chapter"];
    assert!((take["take_duration_s"].as_f64().expect("take duration") - total).abs() < 1e-9);
    assert_eq!(take["take_id"], by_name(&clips, "GX030042.MP4")["chapter"]["take_id"], "one take id");
    for (name, n) in [("GOPR0043.MP4", 1), ("GP010043.MP4", 2)] {
        let ch = &by_name(&clips, name)["chapter"];
        assert_eq!((ch["take"].as_str(), ch["n"].as_u64(), ch["of"].as_u64()), (Some("GOPR0043"), Some(n), Some(2)));
    }
    assert_ne!(by_name(&clips, "GOPR0043.MP4")["chapter"]["take_id"], take["take_id"], "two takes");

    // The hit is chapter 2's clip at chapter 2's TC: 1.0 s = 29.97 → 30 frames.
    let hits = env.json(&["search", "pelican", "--json"], 0);
    let hit = &hits[0];
    assert_eq!(hits.as_array().map(Vec::len), Some(1), "{hits}");
    assert_eq!(hit["clip"], "GX020042.MP4", "{hit}");
    assert_eq!(hit["tc_in"], "15:44:46:25", "{hit}");

    // `show` of one chapter and the listing of one chapter both say the take.
    let show = env.json(&["show", "GX020042.MP4", "--json"], 0);
    assert_eq!(show["clip"]["chapter"]["n"], 2, "{show}");
    let human = env.run(&["show", "GX030042.MP4"]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("chapter 3 of 3 of take GX010042"), "{text}");
    let listing = env.run(&["clips", "--name", "GX02*"]);
    let text = String::from_utf8_lossy(&listing.stdout);
    assert!(text.contains("GX020042.MP4 (2/3)"), "{text}");

    // The short copy says which chapter is not there.
    let ch = &by_name(&clips, "GX030044.MP4")["chapter"];
    assert_eq!((ch["take"].as_str(), ch["n"].as_u64(), ch["of"].as_u64()), (Some("GX010044"), Some(3), Some(3)));
    assert_eq!(ch["missing"], serde_json::json!([2]), "{ch}");
    assert_eq!(ch["chapters"], serde_json::json!(["GX010044.MP4", "GX030044.MP4"]));
}

/// A P2 card laid out as the camera writes it (`CONTENTS/VIDEO`, `AUDIO`,
/// `CLIP`), with OP-Atom essence made by ffmpeg and `fixtures/p2/0001AB.XML`,
/// a clip XML in the P2 schema's shape (synthetic: no real card could be
/// had, see `fixtures/README.md`): one clip per clip XML, its picture and its two
/// sound channels, the start TC and reel from the XML although the MXF
/// says 00:00:00;00.
#[test]
fn a_p2_card_is_one_clip_per_clip_xml() {
    let env = Env::new();
    let contents = env.tmp.path().join("dump/2026-03-17/P2_A/CONTENTS");
    for dir in ["VIDEO", "AUDIO", "CLIP", "ICON"] {
        std::fs::create_dir_all(contents.join(dir)).expect("mkdir");
    }
    let picture = "testsrc2=size=256x144:rate=30000/1001:duration=0.5005";
    let dnxhr = ["-c:v", "dnxhd", "-profile:v", "dnxhr_lb", "-pix_fmt", "yuv422p", "-f", "mxf_opatom"];
    pattern(picture, None, &dnxhr, &contents.join("VIDEO/0001AB.MXF"));
    for ch in ["00", "01"] {
        ffmpeg(&[
            "-f",
            "lavfi",
            "-i",
            "sine=sample_rate=48000:duration=0.5005",
            "-c:a",
            "pcm_s24le",
            "-f",
            "mxf_opatom",
            "-mxf_audio_edit_rate",
            "30000/1001",
            contents.join(format!("AUDIO/0001AB{ch}.MXF")).to_str().expect("path"),
        ]);
    }
    std::fs::copy(common::repo().join("fixtures/p2/0001AB.XML"), contents.join("CLIP/0001AB.XML")).expect("xml");

    let report = env.ingest(&env.tmp.path().join("dump"));
    assert_eq!(report["skipped_by_kind"]["clip_essence"], 1, "{report}");
    assert_eq!(report["failures"], serde_json::json!([]), "{report}");
    let clips = env.clips();
    assert_eq!(clips.len(), 1, "one clip per clip XML: {clips:?}");
    let clip = &clips[0];
    assert_eq!(clip["name"], "0001AB.MXF");
    let probe = ffprobe(Path::new(clip["path"].as_str().expect("path")));
    let ff_tc = probe["format"]["tags"]["timecode"]
        .as_str()
        .or_else(|| probe["streams"].as_array().and_then(|s| s.iter().find_map(|s| s["tags"]["timecode"].as_str())));
    assert_eq!(ff_tc, Some("00:00:00:00"), "the essence's own TC, which the clip XML overrides");
    assert_eq!(clip["start_tc"], "10:00:00;02");
    assert_eq!(clip["start_tc_source"], "sidecar");
    assert_eq!(clip["end_tc"], "10:00:00;17", "15 frames");
    assert_eq!(clip["reel"], "MARIA_INT");
    assert_eq!(clip["rate"], "30000/1001");
    assert_eq!((&clip["audio"]["channels"], &clip["audio"]["sample_rate"]), (&2.into(), &48000.into()));
    assert!(clip["sidecar"]["path"].as_str().is_some_and(|p| p.ends_with("CONTENTS/CLIP/0001AB.XML")), "{clip}");
}
