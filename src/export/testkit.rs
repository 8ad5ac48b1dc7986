//! Test support shared by the three timeline exporters: hand-built clips at
//! every fixture rate, XML checks, and the real OpenTimelineIO readers (run
//! through Python when the test venv exists) that every format is read with.
//! `fixtures` holds the clips at every fixture rate and the bridge to the
//! Python EDL readers.

pub mod fixtures;

use std::collections::HashMap;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use quick_xml::XmlVersion;
use quick_xml::events::Event;
use serde_json::Value;

use crate::export::{ExportClip, Select, Sequence};
use crate::timecode::{Rate, TcFormat, Timecode};

/// One select per case the exporters must get right.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fixture {
    /// 23.976 NDF, 14:31:10:00, 48 frames.
    Fps23976,
    /// 25, 14:40:00:00, 50 frames, UHD.
    Fps25,
    /// 29.97 DF, 14:30:59;28, 60 frames: crosses the skipped `;00 ;01`.
    Fps2997Df,
    /// 50, 14:32:00:00, 100 frames, 720p.
    Fps50,
    /// 59.94 DF, 23:59:58;00, 240 frames: the select crosses midnight.
    Fps5994DfMidnight,
    /// 25 fps with `&`, `<`, quotes, a comma, tab, newline, é and emoji
    /// in every name, path and text.
    Nasty,
}

impl Fixture {
    pub const ALL: [Fixture; 6] = [
        Fixture::Fps23976,
        Fixture::Fps25,
        Fixture::Fps2997Df,
        Fixture::Fps50,
        Fixture::Fps5994DfMidnight,
        Fixture::Nasty,
    ];

    pub fn select(self) -> Select {
        let ndf = TcFormat::ndf;
        let df = |r: Rate| TcFormat::df(r).unwrap();
        #[rustfmt::skip]
        let (clip, (in_frame, out_frame), speaker, text, comment) = match self {
            Fixture::Fps23976 => (
                clip("clip-23976", "A001C001.MOV", "/media/day1/A001C001.MOV", ndf(Rate::FPS_23_976), "14:31:10:00", 48, (1920, 1080), 2, Some("ALEXA"), Some("A001")),
                (12, 36), Some("ANNA"), "We left at dawn.", None,
            ),
            Fixture::Fps25 => (
                clip("clip-25", "C0001.MP4", "/media/day1/C0001.MP4", ndf(Rate::FPS_25), "14:40:00:00", 50, (3840, 2160), 2, Some("FX6"), Some("A001")),
                (10, 40), Some("Ben"), "The road was closed.", Some("Good bite"),
            ),
            Fixture::Fps2997Df => (
                clip("clip-2997", "GX010042.MP4", "/media/day1/GX010042.MP4", df(Rate::FPS_29_97), "14:30:59;28", 60, (1920, 1080), 2, Some("HERO11"), None),
                (1, 59), Some("Carla"), "It was cold.", None,
            ),
            Fixture::Fps50 => (
                clip("clip-50", "P1000123.MOV", "/media/day2/P1000123.MOV", ndf(Rate::FPS_50), "14:32:00:00", 100, (1280, 720), 2, None, Some("B002")),
                (20, 80), None, "Nobody came.", None,
            ),
            Fixture::Fps5994DfMidnight => (
                clip("clip-5994", "C0002.MP4", "/media/day2/C0002.MP4", df(Rate::FPS_59_94), "23:59:58;00", 240, (1920, 1080), 4, Some("FX3"), Some("C003")),
                (60, 200), Some("Dev"), "At midnight the bells rang.", Some("over midnight"),
            ),
            Fixture::Nasty => (
                clip(
                    "clip-\"nasty\"&<>",
                    "C0001 & <\"quoted\">, é 🎬\tTab\nNewline",
                    "/Volumes/Card 1/Interview & \"B-roll\" <take 2>, café 🎬/C0001 'é'.MP4",
                    ndf(Rate::FPS_25), "10:00:00:00", 100, (1920, 1080), 1,
                    Some("Cam \"A\" & <B>"), Some("R&D, <1>\t\"é\""),
                ),
                (5, 36), Some("Zoë \"Z\" O'Neil"), "Café, naïve & <b>bold</b>\ttab\nnewline 🎬 ]]> &amp;", Some("Use this & <that>\nline two\r"),
            ),
        };
        Select {
            clip,
            in_frame,
            out_frame,
            speaker: speaker.map(str::to_string),
            text: text.to_string(),
            comment: comment.map(str::to_string),
            clearance: None,
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn clip(
    id: &str,
    name: &str,
    path: &str,
    format: TcFormat,
    start: &str,
    n_frames: u64,
    (width, height): (u32, u32),
    audio_channels: u32,
    camera: Option<&str>,
    reel: Option<&str>,
) -> ExportClip {
    ExportClip {
        id: id.to_string(),
        name: name.to_string(),
        path: path.to_string(),
        camera: camera.map(str::to_string),
        reel: reel.map(str::to_string),
        format,
        start: Timecode::parse_in(start, format).unwrap(),
        n_frames,
        has_video: true,
        audio_channels,
        audio_sample_rate: 48_000,
        width,
        height,
        assumed_rate: false,
    }
}

/// The golden files' example: a 23.976 sequence (its first clip's rate)
/// holding a 23.976 clip, a 29.97 DF clip and a 25 fps clip.
pub fn golden_example() -> (Sequence, Vec<Select>) {
    let selects: Vec<Select> =
        [Fixture::Fps23976, Fixture::Fps2997Df, Fixture::Fps25].iter().map(|f| f.select()).collect();
    let seq = Sequence::for_selects("Interview selects", &selects, None, None).unwrap();
    (seq, selects)
}

/// A select of the nasty fixture carrying arbitrary text everywhere.
pub fn with_text(name: &str, path: &str, text: &str) -> Select {
    let mut s = Fixture::Nasty.select();
    s.clip.name = name.to_string();
    s.clip.path = path.to_string();
    s.clip.id = text.to_string();
    s.clip.reel = Some(text.to_string());
    s.clip.camera = Some(name.to_string());
    s.speaker = Some(name.to_string());
    s.text = text.to_string();
    s.comment = Some(text.to_string());
    s
}

/// Inputs at the edges: frame counts near `u64::MAX`, selects past the
/// media or reversed, odd rates, no picture or sound, a record start
/// just before midnight, a drop-frame sequence with clips of other rates.
pub fn extreme_cases() -> Vec<(Sequence, Vec<Select>)> {
    let base = Fixture::Fps23976.select();
    let mut huge = base.clone();
    huge.clip.n_frames = u64::MAX;
    huge.clip.start = Timecode::parse_in("23:59:59:23", huge.clip.format).unwrap();
    huge.in_frame = u64::MAX - 10;
    huge.out_frame = u64::MAX;
    let mut reversed = base.clone();
    (reversed.in_frame, reversed.out_frame) = (30, 5);
    let mut past_end = base.clone();
    (past_end.in_frame, past_end.out_frame) = (1000, 1200);
    let odd_rate = |r: Rate| {
        let mut s = Fixture::Fps25.select();
        s.clip.format = TcFormat::ndf(r);
        s.clip.start = Timecode::zero(s.clip.format);
        s
    };
    let mut nothing = base.clone();
    nothing.clip.has_video = false;
    nothing.clip.audio_channels = 0;
    nothing.clip.width = 0;
    nothing.clip.height = 0;
    let mut many_channels = Fixture::Fps50.select();
    many_channels.clip.audio_channels = u32::MAX;
    many_channels.clip.audio_sample_rate = 0;
    let mut empty_names = base.clone();
    empty_names.clip.name = String::new();
    empty_names.clip.path = String::new();
    empty_names.text = String::new();
    empty_names.speaker = Some(String::new());

    let all = vec![
        huge,
        reversed,
        past_end,
        odd_rate(Rate::new(25, 2).unwrap()),
        odd_rate(Rate::new(1000, 1).unwrap()),
        odd_rate(Rate::new(1, 1).unwrap()),
        nothing,
        many_channels,
        empty_names,
        Fixture::Fps5994DfMidnight.select(),
        Fixture::Nasty.select(),
    ];
    let df = Some(TcFormat::df(Rate::FPS_29_97).unwrap());
    let mut cases = Vec::new();
    for (rate, start) in
        [(None, None), (df, Some("23:59:59;29")), (Some(TcFormat::ndf(Rate::FPS_25)), Some("23:59:59:24"))]
    {
        cases.push((Sequence::for_selects("", &all, rate, start).unwrap(), all.clone()));
    }
    cases
}

/// Compares `text` with `tests/golden/<name>`; `RUSHES_BLESS=1` rewrites
/// it (on a developer machine only: see [`bless_requested`]).
pub fn check_golden(name: &str, text: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if bless_requested() {
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with RUSHES_BLESS=1 to create it", path.display()));
    assert!(
        want == text,
        "{} differs from the output; review the change, then RUSHES_BLESS=1 rewrites it. Output:\n{text}",
        path.display()
    );
}

/// `RUSHES_BLESS=1` asks to rewrite the goldens; any other value is
/// refused, and so is blessing under CI (`CI` set), where a golden must
/// only ever be compared.
fn bless_requested() -> bool {
    match std::env::var("RUSHES_BLESS") {
        Err(std::env::VarError::NotPresent) => false,
        Ok(v) if v.is_empty() => false,
        Ok(v) if v == "1" => {
            assert!(
                std::env::var_os("CI").is_none(),
                "RUSHES_BLESS=1 under CI: goldens are only compared there; bless them on a developer machine"
            );
            true
        }
        Ok(v) => panic!("RUSHES_BLESS={v:?}: only RUSHES_BLESS=1 rewrites the goldens"),
        Err(e) => panic!("RUSHES_BLESS: {e}"),
    }
}

/// Parses the whole document with quick-xml and panics on anything a
/// conforming XML 1.0 parser would refuse: bad nesting, unknown entity,
/// bad or duplicate attribute, a forbidden character, not one root.
pub fn assert_well_formed(xml: &str) {
    if let Some(c) =
        xml.chars().find(|&c| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}'))
    {
        panic!("character {c:?} is not allowed in XML 1.0");
    }
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut depth, mut roots) = (0usize, 0usize);
    loop {
        let event = reader.read_event().unwrap_or_else(|e| panic!("at byte {}: {e}", reader.buffer_position()));
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                if depth == 0 {
                    roots += 1;
                }
                for attr in e.attributes() {
                    let attr = attr.unwrap_or_else(|err| panic!("bad attribute: {err}"));
                    attr.normalized_value(XmlVersion::Implicit1_0).unwrap_or_else(|err| panic!("{err}"));
                }
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                }
            }
            Event::End(_) => depth -= 1,
            Event::GeneralRef(r) => {
                let known = matches!(&*r, "amp" | "lt" | "gt" | "quot" | "apos");
                assert!(known || r.resolve_char_ref().ok().flatten().is_some(), "unknown reference {r:?}");
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!((depth, roots), (0, 1), "unbalanced document");
}

/// Attributes of the first element named `tag`, normalized as an XML
/// parser reports them.
pub fn attributes_of(xml: &str, tag: &str) -> HashMap<String, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == tag => {
                return e
                    .attributes()
                    .flatten()
                    .map(|a| {
                        let key = a.key.as_ref().to_string();
                        (key, a.normalized_value(XmlVersion::Implicit1_0).unwrap().into_owned())
                    })
                    .collect();
            }
            Event::Eof => panic!("no <{tag}>"),
            _ => {}
        }
    }
}

/// The text of every element named `tag`, with references resolved.
pub fn texts_of(xml: &str, tag: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut out, mut current): (Vec<String>, Option<String>) = (Vec::new(), None);
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) if e.local_name().as_ref() == tag => current = Some(String::new()),
            Event::Text(t) => {
                if let Some(c) = current.as_mut() {
                    c.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(c) = current.as_mut() {
                    let ch = match &*r {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        _ => r.resolve_char_ref().unwrap().unwrap(),
                    };
                    c.push(ch);
                }
            }
            Event::End(e) if e.local_name().as_ref() == tag => out.extend(current.take()),
            Event::Eof => return out,
            _ => {}
        }
    }
}

/// What an XML parser returns for `text` written by the exporters:
/// forbidden control characters become spaces, U+FFFE/U+FFFF become
/// U+FFFD.
pub fn xml_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            c if c < ' ' && !matches!(c, '\t' | '\n' | '\r') => ' ',
            '\u{FFFE}' | '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// A clip as an OpenTimelineIO reader saw it.
#[derive(Debug)]
pub struct ReadClip {
    pub kind: String,
    pub name: String,
    pub start: f64,
    pub duration: f64,
    pub rate: f64,
    pub target_url: Option<String>,
    /// `target_url` decoded to a filesystem path.
    pub path: Option<String>,
    pub available_start: Option<f64>,
    pub available_duration: Option<f64>,
}

/// Runs `script` with the readers' Python (installed on first use; the
/// test fails when it cannot be had), `input` on its stdin.
fn run_python(script: &str, args: &[&str], input: &str) -> String {
    let python = crate::export::reader_venv::python();
    let mut child = Command::new(&python)
        .arg("-c")
        .arg(script)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", python.display()));
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "OpenTimelineIO failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

const READ_SCRIPT: &str = r#"
import json, sys, urllib.parse
import opentimelineio as otio

def timelines(obj):
    if isinstance(obj, otio.schema.Timeline):
        return [obj]
    return [t for child in obj for t in timelines(child)]

text = sys.stdin.buffer.read().decode("utf-8")
obj = otio.adapters.read_from_string(text, adapter_name=sys.argv[1])
clips = []
for timeline in timelines(obj):
    for track in timeline.tracks:
        for item in track:
            if not isinstance(item, otio.schema.Clip):
                continue
            ref = item.media_reference
            url = getattr(ref, "target_url", None)
            avail = ref.available_range
            clips.append({
                "kind": track.kind,
                "name": item.name,
                "start": item.source_range.start_time.value,
                "duration": item.source_range.duration.value,
                "rate": item.source_range.start_time.rate,
                "target_url": url,
                "path": urllib.parse.unquote(urllib.parse.urlparse(url).path) if url else None,
                "available_start": avail.start_time.value if avail else None,
                "available_duration": avail.duration.value if avail else None,
            })
print(json.dumps(clips))
"#;

/// Reads `text` with the OpenTimelineIO adapter `adapter` (`otio_json`,
/// `fcp_xml`, `fcpx_xml`).
pub fn read_with_otio(adapter: &str, text: &str) -> Vec<ReadClip> {
    let out = run_python(READ_SCRIPT, &[adapter], text);
    let json: Value = serde_json::from_str(&out).unwrap();
    let f = |v: &Value| v.as_f64();
    let s = |v: &Value| v.as_str().map(str::to_string);
    json.as_array()
        .unwrap()
        .iter()
        .map(|c| ReadClip {
            kind: s(&c["kind"]).unwrap(),
            name: s(&c["name"]).unwrap_or_default(),
            start: f(&c["start"]).unwrap(),
            duration: f(&c["duration"]).unwrap(),
            rate: f(&c["rate"]).unwrap(),
            target_url: s(&c["target_url"]),
            path: s(&c["path"]),
            available_start: f(&c["available_start"]),
            available_duration: f(&c["available_duration"]),
        })
        .collect()
}

/// OpenTimelineIO's own serialisation of an `.otio` document.
pub fn otio_rewrite(text: &str) -> String {
    let script = "import sys, opentimelineio as otio\n\
                  t = otio.adapters.read_from_string(sys.stdin.buffer.read().decode('utf-8'), adapter_name='otio_json')\n\
                  sys.stdout.buffer.write(otio.adapters.write_to_string(t, adapter_name='otio_json').encode('utf-8'))";
    run_python(script, &[], text)
}

/// The clips a reader made of `s`: `copies` of them (one per track the
/// select is on), each exactly at the source frames and file `s` means.
pub fn assert_reader_exact(clips: &[ReadClip], s: &Select, copies: usize) {
    let rate = f64::from(s.clip.rate().num()) / f64::from(s.clip.rate().den());
    let first = s.clip.start.frame();
    let mine: Vec<&ReadClip> = clips.iter().filter(|c| c.name == s.clip.name).collect();
    assert_eq!(mine.len(), copies, "{}: clips read {clips:#?}", s.clip.name);
    for c in mine {
        assert_eq!(c.start, (first + s.in_frame) as f64, "{}: source start", s.clip.name);
        assert_eq!(c.duration, s.duration() as f64, "{}: source duration", s.clip.name);
        assert_eq!(c.rate, rate, "{}: rate", s.clip.name);
        assert!(c.target_url.as_deref().is_some_and(|u| u.starts_with("file://")), "{c:?}");
        assert_eq!(c.path.as_deref(), Some(s.clip.path.as_str()), "{}: media path", s.clip.name);
        assert_eq!(c.available_start, Some(first as f64), "{}: media start", s.clip.name);
        assert_eq!(c.available_duration, Some(s.clip.n_frames as f64), "{}: media length", s.clip.name);
    }
}

/// The otio-fcpx-xml-adapter 1.0.0 reading of a select on a sequence at
/// its own rate. That reader counts frames as
/// `int(float(num) / float(den) * int(fps))`: the rate truncated to an
/// integer (23.976 → 23, 29.97 → 29), and a float product truncated, so
/// `90000500/2500s` (frame 900005 at 25) comes back as 900004. The
/// expected values run that formula on the exact times we write, and
/// must stay within one frame of the exact count at the truncated rate.
/// It also reads media only from `asset@src` (FCPXML ≤ 1.8), not from
/// 1.10's `media-rep`, so the reference is missing.
pub fn assert_fcpx_reader_frames(clips: &[ReadClip], s: &Select) {
    let rate = s.clip.rate();
    let (num, den) = (u128::from(rate.num()), u128::from(rate.den()));
    let truncated_fps = num / den;
    let reader_frames = |frames: u64| {
        let exact = (u128::from(frames) * den * truncated_fps / num) as f64;
        let time = crate::export::fcpxml::time(frames, rate);
        let time = time.trim_end_matches('s');
        let seconds = match time.split_once('/') {
            Some((n, d)) => n.parse::<f64>().unwrap() / d.parse::<f64>().unwrap(),
            None => time.parse::<f64>().unwrap(),
        };
        let read = (seconds * truncated_fps as f64).trunc();
        assert!((read - exact).abs() <= 1.0, "{time}: reader {read}, exact {exact}");
        read
    };
    let mine: Vec<&ReadClip> = clips.iter().filter(|c| c.name == s.clip.name).collect();
    assert_eq!(mine.len(), 1, "{}: clips read {clips:#?}", s.clip.name);
    let c = mine[0];
    assert_eq!(c.kind, "Video");
    assert_eq!(c.start, reader_frames(s.clip.start.frame() + s.in_frame), "{}: source start", s.clip.name);
    assert_eq!(c.duration, reader_frames(s.duration()), "{}: source duration", s.clip.name);
    assert_eq!(c.rate, truncated_fps as f64);
    if let Some(path) = &c.path {
        assert_eq!(path, &s.clip.path);
    }
}
