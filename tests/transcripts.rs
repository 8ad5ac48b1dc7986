//! Producer transcripts on the fixture dump: a clip's cues with their
//! source TC and speaker and its notes at their TC, as text, HTML and DOCX
//! (read back with python-docx), and as SRT and WebVTT read back by our own
//! readers and the srtparse oracle, with times from the clip's first frame.

mod common;

use common::{Env, dump};
use serde_json::Value;

fn env() -> Env {
    let env = Env::new();
    env.ingest(&dump());
    env
}

fn path(p: &std::path::Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// stdout of a run that must exit 0.
fn out(env: &Env, args: &[&str]) -> String {
    let run = env.run(args);
    assert_eq!(run.status.code(), Some(0), "rushes {args:?}: {run:?}");
    String::from_utf8(run.stdout).expect("utf-8")
}

#[test]
fn a_clip_as_text_has_its_heading_cues_and_notes_in_order() {
    let env = env();
    assert_eq!(
        out(&env, &["transcript", "C0001.MP4"]),
        "Transcript of C0001.MP4\n=======================\n1 clip, 2 cues, 2 notes\n\n\
         C0001.MP4\n---------\n\
         camera A · reel A001 · day 2026-03-14 · start 14:30:59;28 · duration 00:00:02;00 (29.97 fps DF)\n\n\
         MARIA  14:31:00;03 – 14:31:00;27\n    That night the river\n\n\
         [NOTE] Maria at the door, / second line of the note  (14:31:00;10)\n\n\
         MARIA  14:31:01;00 – 14:31:01;27\n    came up to the door.\n\n\
         [NOTE] Maria describes the flood #flood  (14:31:01;00)\n"
    );
}

/// The cues of `show CLIP --json`: (ms in, ms out from the clip's first
/// frame, speaker, text).
fn shown(env: &Env, clip: &str) -> Vec<(u64, u64, Option<String>, String)> {
    let log = env.json(&["show", clip, "--json"], 0);
    let ms = |v: &Value| (v.as_f64().expect("seconds") * 1000.0).round() as u64;
    log["transcript"]
        .as_array()
        .expect("transcript")
        .iter()
        .map(|c| {
            (ms(&c["offset_in_s"]), ms(&c["offset_out_s"]), c["speaker"].as_str().map(String::from), {
                c["text"].as_str().unwrap_or("").to_string()
            })
        })
        .collect()
}

#[test]
fn srt_and_vtt_read_back_with_clip_relative_times_and_speakers() {
    let env = env();
    for clip in ["C0001.MP4", "A003C012_260314_R1AB.mov", "GX010042.MP4", "NIGHT0001.MP4", "T001.WAV"] {
        let want = shown(&env, clip);
        assert!(!want.is_empty(), "{clip} has cues");
        let srt = out(&env, &["transcript", clip, "--format", "srt"]);
        let (cues, diagnostics) = rushes::transcript::srt::parse(&srt).unwrap_or_else(|e| panic!("{clip}: {e:?}"));
        assert!(diagnostics.is_empty(), "{clip}: {diagnostics:?}\n{srt}");
        let got: Vec<_> = cues.iter().map(|c| (c.start_ms, c.end_ms, c.speaker.clone(), c.text.clone())).collect();
        assert_eq!(got, want, "{clip}: our SRT reader\n{srt}");
        // The oracle reads the same times and lines.
        let items = srtparse::from_str(&srt).unwrap_or_else(|e| panic!("{clip}: srtparse: {e:?}\n{srt}"));
        assert_eq!(items.len(), want.len());
        for (item, (a, b, who, text)) in items.iter().zip(&want) {
            let ms = |t: &srtparse::Time| t.hours * 3_600_000 + t.minutes * 60_000 + t.seconds * 1000 + t.milliseconds;
            assert_eq!((ms(&item.start_time), ms(&item.end_time)), (*a, *b), "{clip}");
            let line = match who {
                Some(w) => format!("{w}: {text}"),
                None => text.clone(),
            };
            assert_eq!(item.text, line, "{clip}");
        }
        let vtt = out(&env, &["transcript", clip, "--format", "vtt"]);
        let (cues, diagnostics) = rushes::transcript::vtt::parse(&vtt).unwrap_or_else(|e| panic!("{clip}: {e:?}"));
        assert!(diagnostics.is_empty(), "{clip}: {diagnostics:?}\n{vtt}");
        let got: Vec<_> = cues.iter().map(|c| (c.start_ms, c.end_ms, c.speaker.clone(), c.text.clone())).collect();
        assert_eq!(got, want, "{clip}: our WebVTT reader\n{vtt}");
    }
    // The notes are WebVTT comments at their place.
    let vtt = out(&env, &["transcript", "C0001.MP4", "--format", "vtt"]);
    let river = vtt.find("That night the river").expect("first cue");
    let note = vtt.find("NOTE 14:31:00;10 Maria at the door,").expect("the note");
    let door = vtt.find("came up to the door.").expect("second cue");
    assert!(river < note && note < door, "{vtt}");
    // An SRT holds one clip's times: a day is refused, and says why.
    let run = env.run(&["transcript", "--day", "2026-03-14", "--format", "srt"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("holds one clip's times"), "{run:?}");
}

#[test]
fn a_day_as_docx_and_html_lists_each_clip_with_words() {
    let env = env();
    let docx = env.tmp.path().join("day.docx");
    out(&env, &["transcript", "--day", "14/03/2026", "--date-order", "dmy", "--format", "docx", "-o", path(&docx)]);
    let paras = common::docx_paragraphs(&docx);
    let of =
        |style: &str| -> Vec<String> { paras.iter().filter(|(s, _)| s == style).map(|(_, t)| t.clone()).collect() };
    assert_eq!(of("Title"), ["Transcripts of 2026-03-14"]);
    // The clips with words, by camera; the ones without are left out.
    assert_eq!(of("Heading 1"), ["C0001.MP4", "A003C012_260314_R1AB.mov", "GX010042.MP4", "NIGHT0001.MP4", "T001.WAV"]);
    let details = of("Detail");
    assert!(
        details.contains(
            &"camera SOUND · reel 260314 · day 2026-03-14 · start 14:31:05:00 · duration 00:00:01:00 (25 fps)"
                .to_string()
        ),
        "{details:?}"
    );
    let refs = of("Ref");
    for want in
        ["MARIA  14:31:00;03 – 14:31:00;27", "Tom  14:31:11:00 – 14:31:11:19", "SPEAKER 1  14:31:05:05 – 14:31:05:20"]
    {
        assert!(refs.iter().any(|r| r == want), "{want:?} in {refs:?}");
    }
    assert!(of("Aside").contains(&"NOTE: Room tone starts  (14:31:05:12)".to_string()), "{paras:?}");
    // The HTML page prints (A4 and Letter) and escapes what it shows.
    let html = out(&env, &["transcript", "--day", "2026-03-14", "--format", "html"]);
    assert!(html.contains("<h2>A003C012_260314_R1AB.mov</h2>") && html.contains("@page"), "{html}");
    assert!(html.contains("We lost the café and the bakery."), "{html}");
    // A clip that is not there is an error naming it.
    let run = env.run(&["transcript", "C0001.MP4", "NOPE.MOV"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("no clip \"NOPE.MOV\""), "{run:?}");
}
