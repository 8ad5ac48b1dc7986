//! Ingest of the fixture card dump and of real recorder/camera files,
//! driving the built binary and checking against ffprobe and the Sound
//! Devices report.

mod common;

use std::collections::BTreeMap;

use common::{Env, copy_tree, dump, ffprobe, ndf_label, realdata, snapshot};
use serde_json::{Value, json};

fn by_name(clips: &[Value]) -> BTreeMap<String, Value> {
    clips.iter().map(|c| (c["name"].as_str().expect("name").to_string(), c.clone())).collect()
}

fn ratio(s: &str) -> (u64, u64) {
    let (n, d) = s.split_once('/').expect("ratio");
    (n.parse().expect("num"), d.parse().expect("den"))
}

/// The fixture's clips with a picture (`fixtures/README.md`).
const VIDEO_CLIPS: [&str; 8] = [
    "A003C012_260314_R1AB.mov",
    "A003C013_260314_R1AB.mov",
    "C0001.MP4",
    "C0002.MP4",
    "GX010042.MP4",
    "NIGHT0001.MP4",
    "PLAIN.mp4",
    "interview.mkv",
];

/// Every video clip: start TC exactly as ffprobe's tmcd tag, frame rate
/// exactly ffprobe's `r_frame_rate`, frame count exactly its `nb_frames`,
/// duration within a millisecond of its own.
#[test]
fn video_clips_match_ffprobe() {
    let env = Env::new();
    env.ingest(&dump());
    let clips = by_name(&env.clips());
    let video: Vec<&Value> = clips.values().filter(|c| !c["video"].is_null()).collect();
    let names: Vec<&str> = video.iter().map(|c| c["name"].as_str().unwrap_or_default()).collect();
    assert_eq!(names, VIDEO_CLIPS);
    for clip in video {
        let name = clip["name"].as_str().unwrap_or_default();
        let probe = ffprobe(std::path::Path::new(clip["path"].as_str().expect("path")));
        let streams = probe["streams"].as_array().expect("streams");
        let v = streams.iter().find(|s| s["codec_type"] == "video").expect("video stream");
        let ff_tc = streams.iter().find_map(|s| s["tags"]["timecode"].as_str());
        match (ff_tc, clip["start_tc_source"].as_str()) {
            (Some(tc), _) => {
                assert_eq!(clip["start_tc"], tc, "{name}: start TC vs ffprobe");
                assert_eq!(clip["start_tc_source"], "tmcd", "{name}");
            }
            (None, Some("sidecar")) => {
                // ffprobe does not read Sony XML; the sidecar says 14:35:10:00.
                assert_eq!(name, "C0002.MP4");
                assert_eq!(clip["start_tc"], "14:35:10:00");
            }
            (None, src) => {
                assert_eq!(src, Some("none"), "{name}");
                assert_eq!(clip["start_tc"], "00:00:00:00", "{name}: no TC starts at zero");
            }
        }
        let ff_rate = v["r_frame_rate"].as_str().expect("rate");
        // Matroska too (its DefaultDuration, read by our EBML walker).
        assert_eq!(clip["rate"], ff_rate, "{name}: rate vs ffprobe r_frame_rate");
        let (num, den) = ratio(ff_rate);
        let label = match (num, den) {
            (n, 1) => n.to_string(),
            (24000, 1001) => "23.976".into(),
            (30000, 1001) => "29.97".into(),
            (60000, 1001) => "59.94".into(),
            other => panic!("{name}: no label known for {other:?}"),
        };
        assert_eq!(clip["fps"], label.as_str(), "{name}: fps label");
        let ff_dur: f64 = v["duration"]
            .as_str()
            .or(probe["format"]["duration"].as_str())
            .and_then(|d| d.parse().ok())
            .expect("duration");
        let ours = clip["duration_s"].as_f64().expect("duration_s");
        assert!((ours - ff_dur).abs() < 0.001, "{name}: duration {ours} vs ffprobe {ff_dur}");
        match v["nb_frames"].as_str().and_then(|n| n.parse::<u64>().ok()) {
            Some(nb) => assert_eq!(clip["n_frames"], nb, "{name}: frames vs ffprobe nb_frames"),
            None => assert_eq!(name, "interview.mkv", "ffprobe counts the frames of every MP4/MOV"),
        }
        // The drop-frame flag is the separator ffprobe prints.
        if let Some(tc) = ff_tc {
            assert_eq!(clip["drop_frame"], tc.contains(';'), "{name}");
        }
    }
    // The clip that crosses midnight wraps its end label.
    let night = &clips["NIGHT0001.MP4"];
    assert_eq!(night["fps"], "59.94");
    assert_eq!(night["end_tc"], "00:00:02;00");
    assert_eq!(clips["C0001.MP4"]["end_tc"], "14:31:02;00");
    assert_eq!(clips["A003C012_260314_R1AB.mov"]["fps"], "23.976");
}

/// BWF start TCs are floor(TimeReference × rate / sample rate) at the rate
/// the recorder states; ffprobe gives the TimeReference.
#[test]
fn bwf_clips_match_time_reference() {
    let env = Env::new();
    env.ingest(&dump());
    let clips = by_name(&env.clips());
    for (name, (num, den), nominal) in [("T001.WAV", (25u64, 1u64), 25u64), ("T002.WAV", (24000, 1001), 24)] {
        let clip = &clips[name];
        let probe = ffprobe(std::path::Path::new(clip["path"].as_str().expect("path")));
        let tr: u64 = probe["format"]["tags"]["time_reference"].as_str().and_then(|t| t.parse().ok()).expect("tr");
        let sr: u64 = probe["streams"][0]["sample_rate"].as_str().and_then(|t| t.parse().ok()).expect("sr");
        let frames = tr * num / (den * sr);
        assert_eq!(clip["start_tc"], ndf_label(frames, nominal), "{name}");
        assert_eq!(clip["start_tc_source"], "bext", "{name}");
        assert_eq!(clip["camera"], "SOUND", "{name}");
        let ff_dur: f64 = probe["format"]["duration"].as_str().and_then(|d| d.parse().ok()).expect("dur");
        assert!((clip["duration_s"].as_f64().expect("dur") - ff_dur).abs() < 0.001, "{name}");
    }
    let t1 = &clips["T001.WAV"];
    assert_eq!(t1["scene"], "12A");
    assert_eq!(t1["take"], "1");
    assert_eq!(t1["tape"], "260314");
    assert_eq!(t1["track_names"], serde_json::json!(["MIX", "BOOM"]));
    assert_eq!(t1["audio"]["channels"], 2);
    assert_eq!(t1["audio"]["bits"], 24);
    assert_eq!(clips["NOTC.wav"]["start_tc"], "00:00:00:00");
    assert_eq!(clips["NOTC.wav"]["start_tc_source"], "none");
}

#[test]
fn audio_only_files_are_clips() {
    let env = Env::new();
    env.ingest(&dump());
    let clips = by_name(&env.clips());
    for name in ["memo.m4a", "memo.mp3", "interview.mkv"] {
        let clip = clips.get(name).unwrap_or_else(|| panic!("{name} missing"));
        let probe = ffprobe(std::path::Path::new(clip["path"].as_str().expect("path")));
        let ff_dur: f64 = probe["format"]["duration"].as_str().and_then(|d| d.parse().ok()).expect("dur");
        let ours = clip["duration_s"].as_f64().expect("dur");
        assert!((ours - ff_dur).abs() < 0.05, "{name}: {ours} vs {ff_dur}");
        assert_eq!(clip["start_tc"], "00:00:00:00", "{name}");
        assert!(!clip["audio"].is_null(), "{name}");
    }
    assert_eq!(clips["memo.mp3"]["audio"]["codec"], "mp3");
    assert_eq!(clips["memo.m4a"]["audio"]["codec"], "aac");
    assert_eq!(clips["interview.mkv"]["audio"]["codec"], "opus", "as ffprobe names it");
}

#[test]
fn junk_broken_and_linked_files_are_reported_not_cataloged() {
    let env = Env::new();
    let report = env.ingest(&dump());
    let failures: BTreeMap<String, String> = report["failures"]
        .as_array()
        .expect("failures")
        .iter()
        .map(|f| {
            let p = f["path"].as_str().expect("path");
            (p.rsplit('/').next().unwrap_or(p).to_string(), f["reason"].as_str().expect("reason").to_string())
        })
        .collect();
    for (name, word) in
        [("EMPTY.MOV", "empty"), ("TRUNC.MOV", "truncated"), ("TRUNC2.MP4", "truncated"), ("notes.mov", "not a media")]
    {
        let reason = failures.get(name).unwrap_or_else(|| panic!("{name} not in failures: {failures:?}"));
        assert!(reason.contains(word), "{name}: {reason}");
    }
    assert_eq!(failures.len(), 4, "{failures:?}");
    let clips = by_name(&env.clips());
    for junk in ["GL010042.LRV", "GX010042.THM", "._C0001.MP4", "link_to_A003.mov", "C0001T01.JPG"] {
        assert!(!clips.contains_key(junk), "{junk} must not be a clip");
    }
    let kinds = &report["skipped_by_kind"];
    // GL010042.LRV; GX010042.THM and THMBNL/; .DS_Store, .Spotlight-V100,
    // .fseventsd, two ._C0001.MP4, Thumbs.db, System Volume Information;
    // the AVCHD INDEX.BDM and MOVIEOBJ.BDM; the loop and the link.
    assert_eq!(
        kinds,
        &serde_json::json!({"proxy": 1, "thumbnail": 2, "system": 7, "card_index": 2, "duplicate_link": 2}),
        "{kinds}"
    );
    assert_eq!(report["clips_added"], clips.len());
    // Camera, reel and day come from the card layout.
    let c1 = &clips["C0001.MP4"];
    assert_eq!(
        (c1["camera"].as_str(), c1["reel"].as_str(), c1["day"].as_str()),
        (Some("A"), Some("A001"), Some("2026-03-14"))
    );
    let arri = &clips["A003C012_260314_R1AB.mov"];
    assert_eq!((arri["camera"].as_str(), arri["reel"].as_str()), (Some("B"), Some("A003")));
    assert!(arri["path"].as_str().is_some_and(|p| p.starts_with('/')));
    assert_eq!(arri["rel_path"], "2026-03-14/B_CAM/A003C012_260314_R1AB.mov");
}

#[test]
fn strict_and_fatal_exit_codes() {
    let env = Env::new();
    let out = env.run(&["ingest", "--strict", dump().to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2), "--strict with failures exits 2");
    let out = env.run(&["ingest", "/no/such/folder"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/folder"));
    let out = env.run(&["ingest", "--fps", "fast", dump().to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fps"));
    let fresh = Env::new();
    let out = fresh.run(&["clips"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("rushes ingest"), "says how to make a library");
}

/// Re-ingesting an unchanged dump changes nothing in the library and reads
/// no file; the source tree is byte- and mtime-identical afterwards.
#[test]
fn reingest_is_idempotent_and_source_untouched() {
    let env = Env::new();
    let before = snapshot(&dump());
    let first = env.ingest(&dump());
    let clips = env.clips();
    let index_meta = std::fs::read(env.library().join("index/meta.json")).expect("meta.json");
    let second = env.ingest(&dump());
    assert_eq!(second["clips_added"], 0);
    assert_eq!(second["clips_updated"], 0);
    assert_eq!(second["clips_unchanged"], first["clips_added"]);
    assert_eq!(env.clips(), clips, "same catalog");
    let after_meta = std::fs::read(env.library().join("index/meta.json")).expect("meta.json");
    assert_eq!(index_meta, after_meta, "no commit, so no document was added");
    assert_eq!(snapshot(&dump()), before, "source tree changed");
}

/// A changed file is re-probed and keeps its id; a vanished one is marked
/// offline, never dropped.
#[test]
fn changed_and_vanished_files() {
    let env = Env::new();
    let src = env.tmp.path().join("DAY02");
    copy_tree(&dump().join("2026-03-14/B_CAM"), &src.join("B_CAM"));
    copy_tree(&dump().join("2026-03-14/SOUND"), &src.join("SOUND"));
    env.ingest(&src);
    let before = by_name(&env.clips());
    // Replace one clip with another's bytes (a re-copied card), delete one.
    std::fs::copy(src.join("SOUND/T002.WAV"), src.join("SOUND/T001.WAV")).expect("copy");
    std::fs::remove_file(src.join("B_CAM/A003C013_260314_R1AB.mov")).expect("rm");
    let report = env.ingest(&src);
    assert_eq!(report["clips_updated"], 1, "{report}");
    assert_eq!(report["clips_offline"], 1, "{report}");
    let after = by_name(&env.clips());
    assert_eq!(after.len(), before.len(), "nothing silently deleted");
    assert_eq!(after["T001.WAV"]["id"], before["T001.WAV"]["id"]);
    assert_eq!(after["T001.WAV"]["start_tc"], "14:40:20:12");
    assert_eq!(after["A003C013_260314_R1AB.mov"]["offline"], true);
    assert_eq!(after["A003C012_260314_R1AB.mov"]["offline"], false);
}

/// The real Sound Devices / Pro Tools / Metacorder / Zoom files: start TCs
/// as the WaveAgent sound report states them.
#[test]
fn real_recorder_files_match_the_sound_report() {
    let env = Env::new();
    let report = env.ingest(&realdata("wavinfo/tests/test_files"));
    assert_eq!(report["failures"], serde_json::json!([]), "{report}");
    let clips = by_name(&env.clips());
    let csv = std::fs::read_to_string(realdata("wavinfo/tests/test_files/WaveAgentSoundReport.csv")).expect("csv");
    // CR line ends; rows after the "File Name" header. `_X` names a split
    // mono set: every `NAME_n.WAV` file of it.
    let mut checked = 0;
    let mut rows = csv.split(['\r', '\n']).skip_while(|l| !l.starts_with("File Name"));
    let header: Vec<&str> = rows.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect("column");
    for line in rows {
        let cols: Vec<String> = line.split(',').map(|c| c.trim().trim_matches('"').to_string()).collect();
        let Some(file) = cols.first().filter(|f| !f.is_empty()) else {
            continue;
        };
        let matching: Vec<&Value> = match file.strip_suffix("_X.WAV") {
            Some(prefix) => {
                clips.iter().filter(|(n, _)| n.starts_with(&format!("{prefix}_"))).map(|(_, c)| c).collect()
            }
            None => clips.get(file.as_str()).into_iter().collect(),
        };
        for clip in matching {
            assert_eq!(clip["start_tc"], cols[col("Start TC")], "{file}: start TC");
            assert_eq!(clip["scene"], cols[col("Scene")], "{file}: scene");
            // The report zero-pads takes ("01"); the file says "1".
            let take = clip["take"].as_str().unwrap_or_default();
            assert_eq!(take.trim_start_matches('0'), cols[col("Take")].trim_start_matches('0'), "{file}: take");
            assert_eq!(clip["tape"], cols[col("Tape")], "{file}: tape");
            assert_eq!(clip["fps"], if cols[col("Frame Rate")].starts_with("23.97") { "23.976" } else { "25" });
            checked += 1;
        }
    }
    // The report's rows whose files are in the folder: A101_1_X (A101_1_1
    // and A101_1_2), A101_3, A101_4, PT A101_4.A1 and Sr001-2C-01_X
    // (Sr001-2C-01_01); BULLET…, A101_1, A101_2 and Sr001-001-06_X are not.
    assert_eq!(checked, 6, "files checked against the report");
    let a3 = &clips["A101_3.WAV"];
    assert_eq!(a3["track_names"], serde_json::json!(["MKH516 A", "Boom"]), "{a3}");
    assert_eq!(clips["Sr001-2C-01_01.WAV"]["start_tc"], "13:37:30:07", "floor, not round");
    assert_eq!(clips["new_camera bumb 1.wav"]["start_tc_source"], "none");
}

#[test]
fn real_gopro_tmcd() {
    let env = Env::new();
    env.ingest(&realdata("gpmf-parser/samples"));
    let clips = by_name(&env.clips());
    let gp = &clips["max-heromode.mp4"];
    // ffprobe 5.1 says 15:44:35:10 (the fps byte 29 is ignored, as it must be).
    assert_eq!(gp["start_tc"], "15:44:35:10");
    assert_eq!(gp["fps"], "29.97");
    assert_eq!(gp["drop_frame"], false);
}

/// `rushes ingest .` with the default library would create it inside the
/// dump: refused, and nothing is written there.
#[test]
fn library_inside_the_ingested_folder_is_refused() {
    let env = Env::new();
    let day = env.tmp.path().join("DAY01");
    copy_tree(&dump().join("2026-03-14/SOUND"), &day.join("SOUND"));
    let before = snapshot(&day);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rushes"))
        .current_dir(&day)
        .env_remove("RUSHES_LIBRARY")
        .args(["ingest", "."])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--library"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(snapshot(&day), before, "nothing created in the dump");
}

/// MXF (OP1a and OP-Atom as ffmpeg writes them): start TC and length as
/// ffprobe reports them.
#[test]
fn mxf_clips_match_ffprobe() {
    let env = Env::new();
    let dir = common::repo().join("fixtures/mxf");
    let report = env.ingest(&dir);
    assert_eq!(report["failures"], serde_json::json!([]), "{report}");
    let clips = env.clips();
    assert_eq!(clips.len(), 3);
    for clip in &clips {
        let name = clip["name"].as_str().unwrap_or_default();
        let probe = ffprobe(std::path::Path::new(clip["path"].as_str().expect("path")));
        let tc = probe["streams"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|s| s["tags"]["timecode"].as_str())
            .or(probe["format"]["tags"]["timecode"].as_str())
            .expect("ffprobe timecode");
        assert_eq!(clip["start_tc"], tc, "{name}");
        assert_eq!(clip["start_tc_source"], "mxf", "{name}");
        let v = probe["streams"].as_array().into_iter().flatten().find(|s| s["codec_type"] == "video").expect("video");
        let (n, d) = ratio(v["r_frame_rate"].as_str().expect("rate"));
        let dur: f64 = probe["format"]["duration"].as_str().and_then(|x| x.parse().ok()).expect("duration");
        let ours = clip["duration_s"].as_f64().expect("duration_s");
        assert!((ours - dur).abs() <= d as f64 / n as f64 + 1e-9, "{name}: {ours} vs {dur}");
    }
}

/// A BWF with a TimeReference but no rate (Pro Tools' umid.wav at 44.1 kHz,
/// a Zoom H4n take): without `--fps` it keeps the samples and no label;
/// with `--fps 25` it starts at floor(TimeReference × 25 / sample rate),
/// computed here from what ffprobe reads.
#[test]
fn fps_gives_a_rate_to_a_time_reference_without_one() {
    let src = tempfile::tempdir().expect("tmp");
    let card = src.path().join("SOUND");
    std::fs::create_dir_all(&card).expect("mkdir");
    let files = ["protools/umid.wav", "cue_chunks/STE-000.wav"];
    for rel in files {
        let from = realdata(&format!("wavinfo/tests/test_files/{rel}"));
        std::fs::copy(&from, card.join(from.file_name().expect("name"))).expect("copy");
    }
    let plain = Env::new();
    plain.ingest(src.path());
    let with_fps = Env::new();
    with_fps.json(&["ingest", "--json", "--fps", "25", src.path().to_str().expect("utf-8")], 0);
    let (plain, with_fps) = (by_name(&plain.clips()), by_name(&with_fps.clips()));
    for rel in files {
        let name = rel.rsplit('/').next().expect("name");
        let probe = ffprobe(&card.join(name));
        let tr: u64 = probe["format"]["tags"]["time_reference"].as_str().and_then(|t| t.parse().ok()).expect("tr");
        let sr: u64 = probe["streams"][0]["sample_rate"].as_str().and_then(|t| t.parse().ok()).expect("sr");
        assert_eq!(plain[name]["start_tc"], Value::Null, "{name}: no rate, no label");
        assert_eq!(plain[name]["start_samples"], tr, "{name}");
        assert_eq!(with_fps[name]["start_tc"], ndf_label(tr * 25 / sr, 25), "{name}");
        assert_eq!(with_fps[name]["fps"], "25", "{name}");
        assert_eq!(with_fps[name]["start_tc_source"], "bext", "{name}");
        assert_eq!(with_fps[name]["start_samples"], Value::Null, "{name}");
    }
}

/// With no dated folder, no `--day` and no date in the file, the day is
/// the file's modification date (UTC).
#[test]
fn day_falls_back_to_the_modification_date() {
    let src = tempfile::tempdir().expect("tmp");
    let clip = src.path().join("CARD/PLAIN.mp4");
    std::fs::create_dir_all(clip.parent().expect("parent")).expect("mkdir");
    std::fs::copy(dump().join("2026-03-14/D_CAM/PLAIN.mp4"), &clip).expect("copy");
    // 2025-06-01 23:30:00 UTC.
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_748_820_600);
    std::fs::File::options().write(true).open(&clip).and_then(|f| f.set_modified(when)).expect("mtime");
    let env = Env::new();
    env.ingest(src.path());
    let clips = by_name(&env.clips());
    assert_eq!(clips["PLAIN.mp4"]["day"], "2025-06-01");
}

/// 14:31:05:12 at 25 fps is frame 1_306_637; 1000 samples later is still
/// that frame (recorders round down).
const ZOOM_TIME_REFERENCE: u64 = 1_306_637 * 48_000 / 25 + 1000;

/// A sound card without speed information: `ZOOM0001.WAV` (a BWF with a
/// TimeReference and no rate, 1 s at 48 kHz), a plain WAV with no
/// timecode at all (the fixture's `NOTC.wav`, 1.000 s by ffprobe) and a
/// clip-relative transcript of the BWF (0.2 s to 0.6 s).
fn rateless_card(parent: &std::path::Path) -> std::path::PathBuf {
    let card = parent.join("SOUND");
    std::fs::create_dir_all(&card).expect("mkdir");
    std::fs::write(card.join("ZOOM0001.WAV"), common::bwf_without_rate(ZOOM_TIME_REFERENCE, 48_000, 48_000))
        .expect("write");
    std::fs::copy(dump().join("2026-03-14/SOUND/NOTC.wav"), card.join("NOTC.wav")).expect("copy");
    std::fs::write(card.join("ZOOM0001.srt"), "1\n00:00:00,200 --> 00:00:00,600\nRolling on the Zoom.\n")
        .expect("write");
    card
}

/// The first transcript cue's `tc_in` of a clip, from `rushes show`.
fn first_cue_tc(env: &Env, clip: &str) -> Value {
    env.json(&["show", clip, "--json"], 0)["transcript"][0]["tc_in"].clone()
}

/// The README's advice, "ingest again with --fps": unchanged files are not
/// read again, yet a new `--fps` labels the time reference waiting for it
/// (and gives the plain WAV its rate), and a new `--day` re-dates the clips;
/// the transcript moves with its clip's timecode.
#[test]
fn a_new_fps_or_day_rederives_unchanged_clips() {
    let src = tempfile::tempdir().expect("tmp");
    let card = rateless_card(src.path());
    let env = Env::new();
    let first = env.ingest(src.path());
    assert_eq!(first["clips_added"], 2, "{first}");
    let zoom = &by_name(&env.clips())["ZOOM0001.WAV"];
    assert_eq!((zoom["start_tc"].clone(), zoom["start_samples"].clone()), (Value::Null, ZOOM_TIME_REFERENCE.into()));
    assert_eq!(first_cue_tc(&env, "ZOOM0001.WAV"), Value::Null, "no rate, no label");

    // Same size and mtime but other bytes: only a re-read would notice.
    let wav = card.join("ZOOM0001.WAV");
    let mtime = std::fs::metadata(&wav).and_then(|m| m.modified()).expect("mtime");
    let len = std::fs::metadata(&wav).expect("meta").len();
    std::fs::write(&wav, vec![b'x'; len as usize]).expect("overwrite");
    std::fs::File::options().write(true).open(&wav).and_then(|f| f.set_modified(mtime)).expect("mtime");

    let again = env.json(&["ingest", "--json", "--fps", "25", src.path().to_str().expect("utf-8")], 0);
    assert_eq!((again["clips_updated"].clone(), again["failures"].clone()), (2.into(), json!([])), "{again}");
    let clips = by_name(&env.clips());
    let (zoom, notc) = (&clips["ZOOM0001.WAV"], &clips["NOTC.wav"]);
    let start = ZOOM_TIME_REFERENCE * 25 / 48_000;
    assert_eq!(zoom["start_tc"], ndf_label(start, 25));
    assert_eq!(zoom["start_tc"], "14:31:05:12");
    assert_eq!(zoom["end_tc"], ndf_label(start + 25, 25), "1 s at 25 fps");
    assert_eq!((zoom["fps"].clone(), zoom["n_frames"].clone()), ("25".into(), 25.into()));
    assert_eq!((zoom["start_tc_source"].clone(), zoom["start_samples"].clone()), ("bext".into(), Value::Null));
    assert_eq!((notc["fps"].clone(), notc["n_frames"].clone()), ("25".into(), 25.into()), "1 s at 25 fps");
    assert_eq!(notc["start_tc"], "00:00:00:00");
    // 0.2 s = 5 frames after the start.
    assert_eq!(first_cue_tc(&env, "ZOOM0001.WAV"), ndf_label(start + 5, 25).as_str());

    let dated = env.json(&["ingest", "--json", "--day", "2026-03-20", src.path().to_str().expect("utf-8")], 0);
    assert_eq!(dated["clips_updated"], 2, "{dated}");
    let clips = by_name(&env.clips());
    let days = (clips["ZOOM0001.WAV"]["day"].clone(), clips["NOTC.wav"]["day"].clone());
    assert_eq!(days, ("2026-03-20".into(), "2026-03-20".into()));
    assert_eq!(clips["ZOOM0001.WAV"]["start_tc"], "14:31:05:12", "the rate given before stays");
}

/// `rushes set CLIP --fps 25` gives one clip a rate: its timecode from
/// the stored time reference, and its words re-placed; other clips keep
/// theirs, and a clip with a rate of its own refuses.
#[test]
fn set_fps_relabels_one_clip() {
    let src = tempfile::tempdir().expect("tmp");
    rateless_card(src.path());
    std::fs::copy(dump().join("2026-03-14/D_CAM/PLAIN.mp4"), src.path().join("PLAIN.mp4")).expect("copy");
    let env = Env::new();
    env.ingest(src.path());

    let out = env.json(&["set", "ZOOM0001.WAV", "--fps", "25", "--json"], 0);
    let start = ZOOM_TIME_REFERENCE * 25 / 48_000;
    assert_eq!(out["start_tc"], ndf_label(start, 25), "{out}");
    let clips = by_name(&env.clips());
    assert_eq!(clips["ZOOM0001.WAV"]["start_tc"], "14:31:05:12");
    assert_eq!(clips["ZOOM0001.WAV"]["fps"], "25");
    assert_eq!(clips["NOTC.wav"]["fps"], Value::Null, "only the clip named");
    assert_eq!(first_cue_tc(&env, "ZOOM0001.WAV"), ndf_label(start + 5, 25).as_str());

    let notc = env.json(&["set", "NOTC.wav", "--fps", "23.976", "--json"], 0);
    assert_eq!((notc["fps"].clone(), notc["rate"].clone()), ("23.976".into(), "24000/1001".into()));
    // ceil(1.000 s × 24000/1001) frames cover the file.
    assert_eq!(notc["n_frames"], 24000u64.div_ceil(1001));

    let own = env.run(&["set", "PLAIN.mp4", "--fps", "30"]);
    common::expect_code(&own, 2, "a clip with its own rate");
    assert!(String::from_utf8_lossy(&own.stderr).contains("its own rate"), "{}", String::from_utf8_lossy(&own.stderr));
}
