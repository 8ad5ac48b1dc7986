//! The command line's papercuts from the first day of real use (issue #11,
//! point 18): each test builds its inputs here and checks the output
//! against values worked out from them.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{Env, dump};

/// The fixture's ARRI-style clip: 23.976 fps, 14:31:10:00 to 14:31:12:00.
const ARRI: &str = "A003C012_260314_R1AB.mov";

fn arri_source() -> PathBuf {
    dump().join("2026-03-14/B_CAM").join(ARRI)
}

fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn arg(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A library holding the ARRI clip alone, copied to `shoot/B_CAM` and
/// ingested with `--day 2026-03-20`, a day no path names.
fn arri_library() -> Env {
    let env = Env::new();
    let cam = env.tmp.path().join("shoot/B_CAM");
    std::fs::create_dir_all(&cam).expect("mkdir");
    std::fs::copy(arri_source(), cam.join(ARRI)).expect("copy");
    env.json(&["ingest", "--json", "--day", "2026-03-20", arg(&cam)], 0);
    env
}

/// A selects CSV for the ARRI clip from 14:31:11:00 to 14:31:11:06.
fn selects_file(env: &Env) -> PathBuf {
    let path = env.tmp.path().join("selects.csv");
    std::fs::write(&path, format!("clip,tc_in,tc_out\n{ARRI},14:31:11:00,14:31:11:06\n")).expect("write");
    path
}

/// `(tc_in, tc_out)` of each row of a `--format csv` export.
fn exported_spans(out: &Output) -> Vec<(String, String)> {
    common::expect_code(out, 0, "export --format csv");
    let text = text_of(&out.stdout);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect("column");
    let (tc_in, tc_out) = (col("tc_in"), col("tc_out"));
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[tc_in].to_string(), cells[tc_out].to_string())
        })
        .collect()
}

/// `--handles` needs a unit; `2sec`, `2 s`, `0.5sec` and `6 frames` are
/// read as written (23.976 fps: half a second is 12 frames).
#[test]
fn handles_need_a_unit_and_take_it_as_people_write_it() {
    let env = arri_library();
    let sel = selects_file(&env);
    let export = |handles: &str| env.run(&["export", "--selects", arg(&sel), "--format", "csv", "--handles", handles]);
    let bare = export("2");
    common::expect_code(&bare, 2, "--handles 2");
    let err = text_of(&bare.stderr);
    assert!(err.contains("unit") && err.contains("2s") && err.contains("12f"), "{err}");
    let span = |a: &str, b: &str| vec![(a.to_string(), b.to_string())];
    assert_eq!(exported_spans(&export("0.5sec")), span("14:31:10:12", "14:31:11:18"));
    assert_eq!(exported_spans(&export("6 frames")), span("14:31:10:18", "14:31:11:12"));
    // Two seconds reach past both ends of the 2-second clip: clamped.
    assert_eq!(exported_spans(&export("2sec")), span("14:31:10:00", "14:31:12:00"));
    assert_eq!(exported_spans(&export("2 s")), span("14:31:10:00", "14:31:12:00"));
}

/// `--format EDL` is `--format edl`.
#[test]
fn export_format_is_case_insensitive() {
    let env = arri_library();
    let sel = selects_file(&env);
    let out = env.run(&["export", "--selects", arg(&sel), "--format", "EDL"]);
    common::expect_code(&out, 0, "--format EDL");
    let edl = text_of(&out.stdout);
    assert!(edl.starts_with("TITLE: rushes selects"), "{edl}");
    assert!(edl.contains("14:31:11:00 14:31:11:06"), "{edl}");
}

/// `-o` into a folder that does not exist names that folder, not a
/// temporary file, and writes nothing.
#[test]
fn output_into_a_missing_folder_names_the_folder() {
    let env = arri_library();
    let sel = selects_file(&env);
    let missing = env.tmp.path().join("no_such_folder");
    let target = missing.join("selects.edl");
    let out = env.run(&["export", "--selects", arg(&sel), "--format", "edl", "-o", arg(&target)]);
    common::expect_code(&out, 2, "-o into a missing folder");
    let err = text_of(&out.stderr);
    assert!(err.contains(&format!("{} does not exist", missing.display())), "{err}");
    assert!(!err.contains("rushes-tmp"), "{err}");
    assert!(!missing.exists());
}

/// Ctrl-C during an ingest stops it after its last commit, says how many
/// clips the library kept (exit 130), and a re-run adds the rest: 300
/// clips in all. The ingest is held after its first commit
/// (`RUSHES_TEST_HOLD_FILE`), so the signal lands mid-run for certain.
#[test]
fn ctrl_c_during_ingest_says_what_was_kept() {
    const CLIPS: usize = 300;
    let env = Env::new();
    let src = env.tmp.path().join("DAY01");
    common::big_dump(&src, CLIPS);
    let hold = env.tmp.path().join("hold");
    std::fs::write(&hold, "").expect("hold file");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rushes"))
        .arg("--library")
        .arg(env.library())
        .arg("ingest")
        .arg(&src)
        .env("RUSHES_TEST_HOLD_FILE", &hold)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // Wait for the first commit: the ingest is then held, mid-run.
    let kept = loop {
        assert!(child.try_wait().expect("try_wait").is_none(), "the held ingest ended early");
        let out = env.run(&["clips", "--json"]);
        let n = serde_json::from_slice::<serde_json::Value>(&out.stdout)
            .ok()
            .and_then(|v| v.as_array().map(Vec::len))
            .unwrap_or(0);
        if n > 0 {
            break n;
        }
    };
    assert!(kept < CLIPS, "the first commit holds part of the dump: {kept}");
    let kill = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill");
    assert!(kill.success());
    let out = child.wait_with_output().expect("wait");
    // The hold file is still there: only the interrupt can have ended it.
    std::fs::remove_file(&hold).expect("remove hold file");
    common::expect_code(&out, 130, "ingest after Ctrl-C");
    let err = text_of(&out.stderr);
    assert!(err.contains(&format!("interrupted: {kept} clips kept; run again to continue")), "{err}");
    assert_eq!(env.clips().len(), kept, "the library holds what was kept");
    let again = env.ingest(&src);
    assert_eq!(again["clips_unchanged"], kept, "{again}");
    assert_eq!(again["clips_added"], CLIPS - kept, "{again}");
}

/// A file `import` cannot read (no permission) ends the run with exit 2
/// and its reason; the readable file named with it is still imported.
/// Runs as `nobody`, since root reads a `chmod 000` file anyway.
#[test]
fn importing_an_unreadable_file_exits_2() {
    use common::User;
    let tmp = tempfile::tempdir().expect("tmp");
    common::chmod(tmp.path(), 0o755);
    let work = tmp.path().join("work");
    let empty = work.join("EMPTY");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let good = work.join("good.srt");
    let locked = work.join("locked.srt");
    for f in [&good, &locked] {
        std::fs::write(f, "1\n00:00:00,000 --> 00:00:01,000\nHello.\n").expect("write");
    }
    common::chmod(&work, 0o777);
    common::chmod(&locked, 0o000);
    assert!(!common::nobody_can("-r", &locked), "nobody must not read the chmod 000 file");
    let lib = work.join("lib");
    common::expect_code(&common::rushes(User::Nobody, &lib, &["ingest", arg(&empty)]), 0, "ingest");
    let out = common::rushes(User::Nobody, &lib, &["import", "--json", arg(&good), arg(&locked)]);
    let report = common::json_of(&out, 2, "import of an unreadable file");
    let skipped = report["sidecars_skipped"].as_array().expect("sidecars_skipped");
    assert_eq!(skipped.len(), 1, "{report}");
    assert_eq!(skipped[0]["path"], arg(&locked));
    assert!(skipped[0]["reason"].as_str().is_some_and(|r| r.contains("ermission denied")), "{report}");
    let kept = report["transcripts_unmatched"].as_array().expect("transcripts_unmatched");
    assert_eq!(kept.len(), 1, "the readable file is kept: {report}");
    assert_eq!(kept[0]["path"], arg(&good));
}

/// `show A003C013` finds `A003C013_260314_R1AB.mov` by the clip name
/// ARRI users say; a prefix two clips share lists both; a prefix that
/// stops inside the name (`A003C01`) finds nothing.
#[test]
fn show_finds_a_clip_by_its_camera_clip_name() {
    let env = Env::new();
    let shoot = env.tmp.path().join("shoot");
    let b_cam = dump().join("2026-03-14/B_CAM");
    let day14 = shoot.join("2026-03-14/B_CAM");
    let day15 = shoot.join("2026-03-15/B_CAM");
    std::fs::create_dir_all(&day14).expect("mkdir");
    std::fs::create_dir_all(&day15).expect("mkdir");
    let c012_14 = day14.join(ARRI);
    let c012_15 = day15.join("A003C012_260315_R1AB.mov");
    std::fs::copy(arri_source(), &c012_14).expect("copy");
    std::fs::copy(arri_source(), &c012_15).expect("copy");
    std::fs::copy(b_cam.join("A003C013_260314_R1AB.mov"), day14.join("A003C013_260314_R1AB.mov")).expect("copy");
    env.ingest(&shoot);

    let log = env.json(&["show", "A003C013", "--json"], 0);
    assert_eq!(log["clip"]["name"], "A003C013_260314_R1AB.mov", "{log}");
    let lower = env.json(&["show", "a003c013", "--json"], 0);
    assert_eq!(lower["clip"]["name"], "A003C013_260314_R1AB.mov", "{lower}");

    let both = env.run(&["show", "A003C012"]);
    common::expect_code(&both, 2, "show A003C012 (two clips)");
    let err = text_of(&both.stderr);
    assert!(err.contains("2 clips match"), "{err}");
    assert!(err.contains(arg(&c012_14)) && err.contains(arg(&c012_15)), "{err}");

    // A path as the user sees it from where they stand: relative to the
    // working folder, not to the folder that was ingested.
    let from_tmp = std::process::Command::new(env!("CARGO_BIN_EXE_rushes"))
        .current_dir(env.tmp.path())
        .args(["--library", arg(&env.library()), "show", "--json", "shoot/2026-03-15/B_CAM/A003C012_260315_R1AB.mov"])
        .env_remove("RUSHES_LIBRARY")
        .output()
        .expect("run rushes");
    let by_path = common::json_of(&from_tmp, 0, "show shoot/2026-03-15/…");
    assert_eq!(by_path["clip"]["path"], arg(&c012_15), "{by_path}");

    let inside = env.run(&["show", "A003C01"]);
    common::expect_code(&inside, 2, "show A003C01");
    assert!(text_of(&inside.stderr).contains("no clip \"A003C01\""), "{}", text_of(&inside.stderr));
}

/// Writes an SRT of `(start ms, end ms, text)` cues.
fn srt(path: &Path, cues: &[(u32, u32, &str)]) {
    let ts = |ms: u32| format!("00:00:{:02},{:03}", ms / 1000, ms % 1000);
    let text: String = cues
        .iter()
        .enumerate()
        .map(|(i, (a, b, t))| format!("{}\n{} --> {}\n{t}\n\n", i + 1, ts(*a), ts(*b)))
        .collect();
    std::fs::write(path, text).expect("write srt");
}

/// Attaches `cues` to the ARRI clip as the transcript `name`.
fn attach(env: &Env, name: &str, cues: &[(u32, u32, &str)]) {
    let path = env.tmp.path().join(name);
    srt(&path, cues);
    env.json(&["import", "--json", "--clip", ARRI, "--timebase", "clip", arg(&path)], 0);
}

/// `show` names the transcript file each line comes from, so two
/// transcripts of one clip (interview and wild track) can be told apart.
#[test]
fn show_names_the_source_of_each_transcript_line() {
    let env = arri_library();
    attach(&env, "interview.srt", &[(0, 500, "The water came first.")]);
    attach(&env, "wildtrack.srt", &[(1000, 1500, "Birds over the river.")]);
    let out = env.run(&["show", ARRI]);
    common::expect_code(&out, 0, "show");
    let text = text_of(&out.stdout);
    let line_of = |words: &str| text.lines().find(|l| l.contains(words)).unwrap_or_else(|| panic!("{words}: {text}"));
    assert!(line_of("The water came first.").contains("interview.srt"), "{text}");
    assert!(line_of("Birds over the river.").contains("wildtrack.srt"), "{text}");
}

/// Piped, a match is marked `[[river]]`, or `«river»` when the cue holds
/// brackets of its own (`[inaudible]`), or `⟦river⟧` when it holds both.
#[test]
fn piped_matches_are_marked_unmistakably() {
    let env = arri_library();
    attach(
        &env,
        "interview.srt",
        &[
            (0, 500, "Nobody saw the river rise"),
            (500, 1000, "The river came up [inaudible] fast"),
            (1000, 1500, "She said «the river» [laughs]"),
        ],
    );
    let out = env.run(&["search", "river"]);
    common::expect_code(&out, 0, "search river");
    let text = text_of(&out.stdout);
    for marked in [
        "  Nobody saw the [[river]] rise",
        "  The «river» came up [inaudible] fast",
        "  She said «the ⟦river⟧» [laughs]",
    ] {
        assert!(text.lines().any(|l| l == marked), "{marked:?} in\n{text}");
    }
}

/// Each hit's first line gives the shoot day (here only `--day` names it).
#[test]
fn hits_show_the_day() {
    let env = arri_library();
    attach(&env, "interview.srt", &[(0, 500, "Nobody saw the river rise")]);
    let out = env.run(&["search", "river"]);
    common::expect_code(&out, 0, "search river");
    let text = text_of(&out.stdout);
    let head = text.lines().find(|l| l.starts_with(ARRI)).unwrap_or_else(|| panic!("{text}"));
    assert!(head.contains("2026-03-20"), "{text}");
}

/// The heading a summary line is listed under: the nearest line above it
/// that is not indented.
fn heading_of<'a>(text: &'a str, words: &str) -> &'a str {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().position(|l| l.contains(words)).unwrap_or_else(|| panic!("{words:?} in\n{text}"));
    lines[..at].iter().rev().find(|l| !l.starts_with(' ')).unwrap_or_else(|| panic!("no heading in\n{text}"))
}

/// An import summary lists a row it could not read under "lines not
/// read", and a column it read by a guess (`Descripton`) or cues it kept
/// past the clip's end under a heading that says they were read.
#[test]
fn summary_headings_say_what_happened() {
    let env = arri_library();
    let sheet = env.tmp.path().join("log.csv");
    std::fs::write(&sheet, "Timecode,Camera,Descripton\n14:31:11:00,A,boat passes\n,A,nobody timed this\n")
        .expect("write");
    let out = env.run(&["import", arg(&sheet)]);
    common::expect_code(&out, 0, "import log.csv");
    let text = text_of(&out.stdout);
    assert_eq!(heading_of(&text, "log.csv:3: no timecode and no clip"), "lines not read: 1", "{text}");
    assert_eq!(heading_of(&text, "column \"Descripton\" read as the note text"), "read with warnings: 1", "{text}");

    // The ARRI clip is 2 s long: a cue at 5 s is kept, and said.
    let late = env.tmp.path().join("late.srt");
    srt(&late, &[(5000, 5500, "After the end.")]);
    let out = env.run(&["import", "--clip", ARRI, "--timebase", "clip", arg(&late)]);
    common::expect_code(&out, 0, "import late.srt");
    let text = text_of(&out.stdout);
    assert_eq!(heading_of(&text, "cues start after the end"), "read with warnings: 1", "{text}");
}

/// A selects sheet typed with `;` between cells and drop-frame labels left
/// unquoted (`14:31:00;03` arrives as `14:31:00` and `03`): the labels are
/// joined again in the timecode columns, the select exported, and the
/// guess said on stderr with its line (#12: the rejoin is reported).
#[test]
fn a_drop_frame_label_split_by_semicolons_is_joined_and_said() {
    let env = Env::new();
    let card = env.tmp.path().join("shoot/A001");
    std::fs::create_dir_all(&card).expect("mkdir");
    let sony = dump().join("2026-03-14/A001/PRIVATE/M4ROOT/CLIP");
    for f in ["C0001.MP4", "C0001M01.XML"] {
        std::fs::copy(sony.join(f), card.join(f)).expect("copy");
    }
    env.json(&["ingest", "--json", arg(&card)], 0);
    let sheet = env.tmp.path().join("picks.csv");
    std::fs::write(&sheet, "clip;tc_in;tc_out;comment\nC0001.MP4;14:31:00;03;14:31:01;00;the river\n").expect("write");
    let out = env.run(&["export", "--selects", arg(&sheet), "--format", "csv"]);
    common::expect_code(&out, 0, "export a ; sheet");
    let csv = text_of(&out.stdout);
    let row = csv.lines().nth(1).unwrap_or("");
    assert!(row.starts_with("C0001.MP4,") && row.contains(",14:31:00;03,14:31:01;00,"), "{csv}");
    assert!(row.contains("the river"), "{csv}");
    let err = text_of(&out.stderr);
    assert!(
        err.contains("picks.csv:2")
            && err.contains("read 14:31:00;03 and 14:31:01;00 as drop-frame timecode split by the ';' separator"),
        "{err}"
    );
}
