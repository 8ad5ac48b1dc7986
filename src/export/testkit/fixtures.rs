//! Clips at every fixture rate, shared by the export format tests, and the
//! bridge to the Python readers (OpenTimelineIO, pycmx).

use std::process::Command;

use crate::export::{ExportClip, Select, Sequence};
use crate::timecode::{Rate, TcFormat, Timecode};

pub struct ClipSpec {
    pub name: &'static str,
    pub path: &'static str,
    pub reel: Option<&'static str>,
    pub camera: Option<&'static str>,
    pub rate: Rate,
    pub drop: bool,
    pub start: &'static str,
    pub n_frames: u64,
    pub video: bool,
    pub channels: u32,
}

pub fn clip(spec: ClipSpec) -> ExportClip {
    let format = TcFormat::new(spec.rate, spec.drop);
    ExportClip {
        id: format!("id-{}", spec.name),
        name: spec.name.to_string(),
        path: spec.path.to_string(),
        camera: spec.camera.map(String::from),
        reel: spec.reel.map(String::from),
        format,
        start: Timecode::parse_in(spec.start, format).expect("fixture start"),
        n_frames: spec.n_frames,
        has_video: spec.video,
        audio_channels: spec.channels,
        audio_sample_rate: if spec.channels > 0 { 48_000 } else { 0 },
        width: if spec.video { 1920 } else { 0 },
        height: if spec.video { 1080 } else { 0 },
        assumed_rate: false,
    }
}

/// 23.976 NDF, 48 frames, mono.
pub fn arri() -> ExportClip {
    clip(ClipSpec {
        name: "A003C012_260314_R1AB.mov",
        path: "/shoot/2026-03-14/B_CAM/A003C012_260314_R1AB.mov",
        reel: Some("A003"),
        camera: Some("B"),
        rate: Rate::FPS_23_976,
        drop: false,
        start: "14:31:10:00",
        n_frames: 48,
        video: true,
        channels: 1,
    })
}

/// 25, 50 frames, no audio.
pub fn pal() -> ExportClip {
    clip(ClipSpec {
        name: "A003C013_260314_R1AB.mov",
        path: "/shoot/2026-03-14/B_CAM/A003C013_260314_R1AB.mov",
        reel: None,
        camera: Some("B"),
        rate: Rate::FPS_25,
        drop: false,
        start: "14:40:00:00",
        n_frames: 50,
        video: true,
        channels: 0,
    })
}

/// 29.97 DF across the 14:31 minute (labels ;00 and ;01 skipped), stereo.
pub fn sony() -> ExportClip {
    clip(ClipSpec {
        name: "C0001.MP4",
        path: "/shoot/2026-03-14/A001/PRIVATE/M4ROOT/CLIP/C0001.MP4",
        reel: None,
        camera: Some("A"),
        rate: Rate::FPS_29_97,
        drop: true,
        start: "14:30:59;28",
        n_frames: 60,
        video: true,
        channels: 2,
    })
}

/// 50, 100 frames, stereo.
pub fn gopro() -> ExportClip {
    clip(ClipSpec {
        name: "GX010042.MP4",
        path: "/shoot/2026-03-14/C_CAM/DCIM/100GOPRO/GX010042.MP4",
        reel: None,
        camera: Some("C"),
        rate: Rate::FPS_50,
        drop: false,
        start: "14:32:00:00",
        n_frames: 100,
        video: true,
        channels: 2,
    })
}

/// 59.94 DF, 240 frames from 23:59:58;00: midnight is 120 frames in.
pub fn night() -> ExportClip {
    clip(ClipSpec {
        name: "NIGHT0001.MP4",
        path: "/shoot/2026-03-14/D_CAM/NIGHT0001.MP4",
        reel: None,
        camera: Some("D"),
        rate: Rate::FPS_59_94,
        drop: true,
        start: "23:59:58;00",
        n_frames: 240,
        video: true,
        channels: 1,
    })
}

/// A long reel name and a path with spaces, `&`, quotes, a comma and an
/// accent; 23.976, video and four channels.
pub fn nasty() -> ExportClip {
    clip(ClipSpec {
        name: "Interview \"Anna\", take 2 & 3 é.mov",
        path: "/Volumes/Shoot & Co/Day 1, \"Anna\"/Interview \"Anna\", take 2 & 3 é.mov",
        reel: Some("Interview Day 1 – Roll 2 (B cam)"),
        camera: Some("B, \"wide\""),
        rate: Rate::FPS_23_976,
        drop: false,
        start: "10:00:00:00",
        n_frames: 2400,
        video: true,
        channels: 4,
    })
}

/// Sound-only poly WAV at 23.976, stereo.
pub fn sound() -> ExportClip {
    clip(ClipSpec {
        name: "T002.WAV",
        path: "/shoot/2026-03-14/SOUND/T002.WAV",
        reel: Some("SD_0314"),
        camera: Some("SOUND"),
        rate: Rate::FPS_23_976,
        drop: false,
        start: "14:40:20:12",
        n_frames: 240,
        video: false,
        channels: 2,
    })
}

pub fn select(clip: ExportClip, in_frame: u64, out_frame: u64) -> Select {
    Select { clip, in_frame, out_frame, speaker: None, text: String::new(), comment: None, clearance: None }
}

pub fn said(mut sel: Select, speaker: &str, text: &str, comment: Option<&str>) -> Select {
    sel.speaker = Some(speaker.to_string());
    sel.text = text.to_string();
    sel.comment = comment.map(String::from);
    sel
}

/// `sel` judged against a release log: `status` with `reasons` (none:
/// cleared).
pub fn judged(mut sel: Select, status: &str, reasons: &[&str]) -> Select {
    sel.clearance = Some(crate::export::ClearanceMark {
        status: status.to_string(),
        cleared: reasons.is_empty(),
        severity: u8::from(!reasons.is_empty()),
        reasons: reasons.iter().map(|r| r.to_string()).collect(),
    });
    sel
}

/// The sequence at a clip's own format, record from 01:00:00:00.
pub fn seq_for(selects: &[Select]) -> Sequence {
    Sequence::for_selects("rushes selects", selects, None, None).expect("sequence")
}

/// A selects list at each fixture rate, one list per rate.
pub fn per_rate() -> Vec<Vec<Select>> {
    vec![
        vec![select(arri(), 5, 20), select(arri(), 30, 47)],
        vec![select(pal(), 0, 12), select(pal(), 25, 50)],
        vec![select(sony(), 1, 4), select(sony(), 10, 59)],
        vec![select(gopro(), 10, 40), select(gopro(), 60, 100)],
        // The second crosses midnight, the third is after it.
        vec![select(night(), 20, 80), select(night(), 100, 200), select(night(), 150, 240)],
    ]
}

/// A 23.976 sequence with a 29.97 DF clip among its 23.976 clips, a
/// sound-only clip, a long reel, awkward names and comments.
pub fn awkward() -> (Sequence, Vec<Select>) {
    let selects = vec![
        said(select(arri(), 5, 29), "Anna", "We drove all night\nto get here.", Some("good opener")),
        said(select(sony(), 1, 59), "Ben", "  It was\tcold, \"really\" cold.  ", None),
        said(
            select(nasty(), 120, 600),
            "Anna <host>",
            "Rock & roll, 😀 and \"quotes\"",
            Some("AP: check\r\nlegal, names"),
        ),
        said(select(sound(), 24, 96), "Ben", "(wind noise)", None),
    ];
    let seq = Sequence::for_selects("Day 1 — selects\n(rough)", &selects, None, None).expect("sequence");
    (seq, selects)
}

/// Runs `script` with `file` as `sys.argv[1]` (and `args` after it) and
/// parses what it prints as JSON with the readers' Python (installed on
/// first use; a test that needs it fails when it cannot be had).
pub fn run_python(script: &str, text: &str, ext: &str, args: &[String]) -> serde_json::Value {
    let py = crate::export::reader_venv::python();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join(format!("x.{ext}"));
    std::fs::write(&file, text).expect("write export");
    let out = Command::new(py).arg("-c").arg(script).arg(&file).args(args).output().expect("run python");
    assert!(
        out.status.success(),
        "reader failed ({}): {}\n--- file ---\n{text}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("reader JSON")
}

/// `24000/1001` as the float the Python readers take.
pub fn rate_arg(rate: Rate) -> String {
    format!("{}", f64::from(rate.num()) / f64::from(rate.den()))
}
