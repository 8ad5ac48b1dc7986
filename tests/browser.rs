//! The real-browser test of `rushes serve` (issue #14): a real server over
//! a fresh library, driven by Debian's headless chromium through selenium
//! (`tests/browser/workspace.py`, run with the readers' Python, which also
//! has pycmx to read the EDL back).
//!
//! The library holds one 12 s H.264/AAC clip at 29.97 drop-frame starting
//! at `01:00:00;00` (a `tmcd` track), with an SRT beside it whose second
//! cue (3.0–5.6 s) holds the phrase the script searches for and whose third
//! is `<script>alert(1)</script>`, and a second clip named
//! `<img src=x onerror=alert(1)>.mp4`, and the sound recorder's BWF
//! (`T001.WAV`, 25 fps from 14:31:05:00) with a cue of its own. The script types the phrase, plays
//! the hit, checks the seek and the on-screen timecode, presses `O` two
//! seconds later, adds the select to a bin and reads the EDL back, then
//! plays the WAV's hit and checks its seek and timecode. Its screenshots
//! land in `target/browser/` (search.png, player.png, audio.png).
//!
//! Nothing here skips: without ffmpeg, chromium or chromedriver the test
//! fails and says what to install (`.ci/run` installs them).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Seconds the browser script may run before it is killed: it takes a few
/// seconds, but chromium starts slowly on a loaded two-core machine.
const SCRIPT_LIMIT_S: u32 = 240;

fn need(path: &str, package: &str) {
    assert!(
        Path::new(path).exists(),
        "{path} is missing: the browser test needs Debian's `{package}` (apt-get install chromium chromium-driver; .ci/run does)"
    );
}

fn ffmpeg(args: &[&str], out: &Path) {
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y"])
        .args(args)
        .arg(out)
        .status()
        .expect("ffmpeg must be installed: apt-get install ffmpeg (.ci/run does)");
    assert!(status.success(), "ffmpeg failed making {}", out.display());
}

/// Video as browsers play it: H.264 in yuv420p (fast and deterministic).
const H264: &[&str] = &["-c:v", "libx264", "-preset", "ultrafast", "-threads", "1", "-pix_fmt", "yuv420p"];

/// The dump: a shoot day with the heron clip, its SRT, and the clip whose
/// name is markup.
fn make_dump(dump: &Path) {
    let day = dump.join("2026-03-14/A_CAM");
    std::fs::create_dir_all(&day).expect("mkdir");
    let sources = [
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=320x180:rate=30000/1001",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=48000",
        "-t",
        "12",
        "-map",
        "0:v",
        "-map",
        "1:a",
    ];
    // A keyframe a second keeps seeks quick; `-timecode` with `;` writes a
    // drop-frame tmcd track.
    let rest = ["-g", "30", "-c:a", "aac", "-b:a", "64k", "-timecode", "01:00:00;00"];
    let dated = ["-metadata", "creation_time=2026-03-14T10:00:00Z"];
    ffmpeg(&[&sources[..], H264, &rest, &dated].concat(), &day.join("HERON.mp4"));
    std::fs::write(
        day.join("HERON.srt"),
        "1\n00:00:00,500 --> 00:00:02,500\nANNA: Good morning from the test card.\n\n\
         2\n00:00:03,000 --> 00:00:05,600\nANNA: The heron lifts over the weir at dawn.\n\n\
         3\n00:00:06,000 --> 00:00:08,000\n<script>alert(1)</script>\n\n\
         4\n00:00:09,000 --> 00:00:11,000\nANNA: Last words before the cut.\n\n\
         5\n00:00:11,100 --> 00:00:11,900\nوَصَلَتِ المِيَاهُ إِلَى البَاب\n",
    )
    .expect("write srt");
    // The sound recorder's BWF (25 fps, 14:31:05:00), audio only.
    let sound = dump.join("2026-03-14/SOUND");
    std::fs::create_dir_all(&sound).expect("mkdir");
    std::fs::copy(common::dump().join("2026-03-14/SOUND/T001.WAV"), sound.join("T001.WAV")).expect("copy wav");
    std::fs::write(
        sound.join("T001.srt"),
        "1\n00:00:00,200 --> 00:00:00,800\nSPEAKER 1: A kingfisher on the far bank.\n",
    )
    .expect("write wav srt");
    let card = ["-f", "lavfi", "-i", "testsrc=size=160x90:rate=25", "-t", "1"];
    ffmpeg(&[&card[..], H264, &dated].concat(), &day.join("<img src=x onerror=alert(1)>.mp4"));
}

#[test]
fn an_editor_finds_plays_trims_bins_and_exports_a_bite_in_chromium() {
    need("/usr/bin/chromium", "chromium");
    need("/usr/bin/chromedriver", "chromium-driver");
    let python = common::venv::python();

    let env = common::Env::new();
    let dump = env.tmp.path().join("dump");
    make_dump(&dump);
    // The camera card's offload list (MHL 1.1, as ShotPut Pro writes it)
    // has another checksum for HERON.mp4: the copy is not what was on the
    // card, and its hits must say so.
    let card = dump.join("2026-03-14/A_CAM");
    let size = std::fs::metadata(card.join("HERON.mp4")).expect("HERON.mp4").len();
    std::fs::write(
        card.join("A_CAM_2026-03-14.mhl"),
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<hashlist version=\"1.1\">\n\
             <creatorinfo><name>Sam Loader</name><hostname>DIT-MBP.local</hostname><tool>ShotPut Pro</tool>\
             <startdate>2026-03-14T10:00:00Z</startdate></creatorinfo>\n\
             <hash><file>HERON.mp4</file><size>{size}</size><xxhash64be>0123456789abcdef</xxhash64be></hash>\n\
             </hashlist>\n"
        ),
    )
    .expect("write the MHL");
    let ingest = env.json(&["ingest", "--json", "--verify", dump.to_str().expect("utf-8 path")], 0);
    assert_eq!(ingest["clips_added"], 3, "the three clips are cataloged: {ingest}");
    assert_eq!(ingest["verify"]["hash_lists"], 1, "the MHL is read: {ingest}");
    assert_eq!(ingest["segments"], 6, "the SRTs are attached: {ingest}");

    // Anna's release is still out; nobody has a release for the sound
    // recordist's SPEAKER 1.
    let log = env.tmp.path().join("releases.csv");
    std::fs::write(&log, "Name,Release Type,Status\nAnna Hale,interview,sent\n").expect("write releases.csv");
    let imported = env.json(&["import", log.to_str().expect("utf-8 path"), "--json"], 0);
    assert_eq!(imported["release_log"]["rows"], 1, "the release log is read as one: {imported}");
    // The rough cut holds a second of the heron bite (00:00:03-00:00:05.6
    // of a clip starting at 01:00:00;00), and nothing of the sound file.
    let cut = env.tmp.path().join("rough.edl");
    std::fs::write(
        &cut,
        "TITLE: rough\nFCM: DROP FRAME\n\n\
         001  HERON    V     C        01:00:03;15 01:00:04;15 01:00:00:00 01:00:01:00\n\
         * FROM CLIP NAME:  HERON.mp4\n",
    )
    .expect("write rough.edl");
    let used = env.json(&["used", cut.to_str().expect("utf-8 path"), "--json"], 0);
    assert_eq!(used["spans"].as_array().map(Vec::len), Some(1), "the cut's one event is matched: {used}");

    let server_log = env.tmp.path().join("serve.log");
    let (server, url) = common::serve(&env.library(), &[], &server_log);

    let outdir: PathBuf = common::repo().join("target/browser");
    std::fs::create_dir_all(&outdir).expect("target/browser");
    for shot in ["search.png", "player.png", "audio.png", "failure.png"] {
        let _ = std::fs::remove_file(outdir.join(shot));
    }
    let script = common::repo().join("tests/browser/workspace.py");
    let out = Command::new("timeout")
        .args(["--kill-after=10", &SCRIPT_LIMIT_S.to_string()])
        .arg(&python)
        .arg(&script)
        .arg(&url)
        .arg(&outdir)
        .stdin(Stdio::null())
        .output()
        .expect("run workspace.py");
    drop(server);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}{stderr}");
    assert!(
        out.status.success(),
        "the browser test failed ({}; screenshots in {}):\n{stdout}\n{stderr}\nserver stderr:\n{}",
        out.status,
        outdir.display(),
        std::fs::read_to_string(&server_log).unwrap_or_default()
    );
    for shot in ["search.png", "player.png", "audio.png"] {
        let len = std::fs::metadata(outdir.join(shot)).map(|m| m.len()).unwrap_or(0);
        assert!(len > 1000, "{shot} was not saved in {}", outdir.display());
    }
}
