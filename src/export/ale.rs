//! Avid Log Exchange (ALE): a tab-separated log Avid Media Composer imports
//! as a bin of subclips-to-be (and Resolve and OpenTimelineIO read).
//!
//! Contract of what [`write`] produces, LF line ends:
//!
//! - `Heading`: `FIELD_DELIM\tTABS`, `VIDEO_FORMAT` from the first clip with
//!   video (`1080`, `720`, `PAL` for 576 lines, `NTSC` for 486/480, `CUSTOM`
//!   otherwise or for 1080 wider than 1920, as Avid and OTIO map it; `1080`
//!   when no clip has video), `AUDIO_FORMAT` `48khz` (`44khz` when the first
//!   clip with audio is 44.1 kHz), `FPS` the sequence rate as Avid writes it
//!   (`23.976`, `25`, `29.97`, `50`, `59.94`), then a blank line.
//! - `Column`: `Name Tracks Start End Tape Source File Comments Speaker
//!   Camera FPS`, and `Clearance` after them when the selects were judged
//!   against a release log (`cleared`, or `<status>: <reason>; <reason>`:
//!   Avid shows any column of a log in the bin), then a blank line, then
//!   `Data`: one row per select.
//! - `Name` is `<file name stem>_<n>` with `n` the select's place in the list
//!   (`001`, as the EDL event numbers; in the whole list, also when it is
//!   split by rate, so names stay unique across the logs). `Tracks` is `V` when the clip has
//!   video then `A1`..`An` for its audio channels (at most 8): `VA1A2`;
//!   empty for a clip with neither.
//! - `Start`/`End` are the select's source timecode in the clip's own
//!   labelling (`;` before the frames when drop-frame). `End` is exclusive
//!   (`End = Start + duration`). Labels count from the clip's start: in a
//!   clip that runs past midnight the hours keep counting (`23:59:58;00` …
//!   `24:00:02;00`), as in the EDL, so `End - Start` is never negative.
//! - Mixed rates: [`write`] gives each row its clip's own labelling, and the
//!   row's `FPS` column its clip's rate (`23.98` for 23.976, as Avid writes
//!   it in that column) with the heading `FPS` the sequence's. Readers that
//!   apply the heading `FPS` to every row refuse such a log (the
//!   OpenTimelineIO ALE adapter 1.1 does), so the export never writes one:
//!   [`write_per_rate`] writes one log per clip rate, and
//!   [`write_converted`] converts every row to the sequence's rate as the
//!   EDL does (the clip's start label keeps its hours, minutes and seconds
//!   with its frames scaled down to the frame holding that instant; the in
//!   point and length go through exact rational time to the nearest frame,
//!   halves up), its `FPS` column then the sequence's rate.
//! - `Tape` is the clip's reel, else its file name stem (the name the EDL
//!   shortens to 8 characters); `Source File` the full path; `Comments` is
//!   `<speaker>: <text>`, then ` | <AP comment>`; `Speaker` and `Camera` as
//!   logged.
//! - Values are UTF-8 on one line: tab, CR, LF and other control characters
//!   become spaces, so a value never splits a row or a column. Runs of
//!   spaces collapse in the words (`Comments`, `Speaker`, `Camera`) but not
//!   in `Name`, `Tape` and `Source File`, which keep every other character
//!   (a collapsed path names a file that does not exist). A path with a tab
//!   or line break cannot be written as it is: the export warns, and that
//!   clip must be relinked by hand.

use std::collections::BTreeMap;

use super::edl::{label_after, one_line, reel_source, source_span, verbatim_line};
use super::{Select, Sequence};
use crate::timecode::{Rate, TcFormat};

/// The columns [`write`] fills, in order.
pub const COLUMNS: [&str; 10] =
    ["Name", "Tracks", "Start", "End", "Tape", "Source File", "Comments", "Speaker", "Camera", "FPS"];

/// Most audio tracks a row lists.
const MAX_AUDIO_TRACKS: u32 = 8;

/// How a row's `Start`, `End` and `FPS` are written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Labels {
    /// In the clip's own labelling and rate.
    Clip,
    /// Converted to the sequence's rate.
    Sequence,
}

/// Writes `selects` as an ALE, each row in its clip's own labelling (see
/// the module doc for the contract).
pub fn write(seq: &Sequence, selects: &[Select]) -> String {
    render(seq, &numbered(selects), Labels::Clip)
}

/// Writes `selects` as one ALE at the sequence's rate: rows of clips at
/// another rate are converted (see the module doc).
pub fn write_converted(seq: &Sequence, selects: &[Select]) -> String {
    render(seq, &numbered(selects), Labels::Sequence)
}

/// One ALE per clip rate, in the order the rates first occur, each with
/// its first clip's labelling as the heading rate and its rows numbered by
/// their place in the whole list; a single rate gives one log, as
/// [`write`] writes it.
pub fn write_per_rate(seq: &Sequence, selects: &[Select]) -> Vec<RateLog> {
    let mut groups: Vec<(TcFormat, Vec<(usize, &Select)>)> = Vec::new();
    for (n, sel) in numbered(selects) {
        match groups.iter_mut().find(|(format, _)| format.rate() == sel.clip.rate()) {
            Some((_, rows)) => rows.push((n, sel)),
            None => groups.push((sel.clip.format, vec![(n, sel)])),
        }
    }
    groups
        .into_iter()
        .map(|(format, rows)| {
            let seq = Sequence { format, ..seq.clone() };
            RateLog { format, selects: rows.len(), text: render(&seq, &rows, Labels::Clip) }
        })
        .collect()
}

/// One of [`write_per_rate`]'s logs: its heading rate and labelling, how
/// many selects it holds, and its text.
#[derive(Clone, Debug, PartialEq)]
pub struct RateLog {
    pub format: TcFormat,
    pub selects: usize,
    pub text: String,
}

/// Each select with its 1-based place in the list.
fn numbered(selects: &[Select]) -> Vec<(usize, &Select)> {
    selects.iter().enumerate().map(|(i, s)| (i + 1, s)).collect()
}

fn render(seq: &Sequence, rows: &[(usize, &Select)], labels: Labels) -> String {
    let mut out = String::from("Heading\nFIELD_DELIM\tTABS\n");
    let video_format =
        rows.iter().find(|(_, s)| s.clip.has_video).map_or("1080", |(_, s)| video_format(s.clip.width, s.clip.height));
    out.push_str(&format!("VIDEO_FORMAT\t{video_format}\n"));
    let audio_format = match rows.iter().map(|&(_, s)| s).find(|s| s.clip.audio_channels > 0) {
        Some(s) if s.clip.audio_sample_rate == 44_100 => "44khz",
        _ => "48khz",
    };
    out.push_str(&format!("AUDIO_FORMAT\t{audio_format}\n"));
    out.push_str(&format!("FPS\t{}\n\n", seq.format.rate().label()));
    out.push_str("Column\n");
    out.push_str(&COLUMNS.join("\t"));
    let judged = rows.iter().any(|(_, s)| s.clearance.is_some());
    if judged {
        out.push_str("\tClearance");
    }
    out.push_str("\n\nData\n");
    for &(n, sel) in rows {
        let clip = &sel.clip;
        let (start, end, fps) = match labels {
            Labels::Clip => (
                label_after(clip.start, sel.in_frame),
                label_after(clip.start, sel.in_frame.saturating_add(sel.duration())),
                clip.rate(),
            ),
            Labels::Sequence => {
                let span = source_span(seq, sel, seq.record_frames(sel));
                (span.tc_in, span.tc_out, seq.format.rate())
            }
        };
        let stem = clip.name.rsplit_once('.').map_or(clip.name.as_str(), |(stem, _)| stem);
        let mut tracks = String::from(if clip.has_video { "V" } else { "" });
        for ch in 1..=clip.audio_channels.min(MAX_AUDIO_TRACKS) {
            tracks.push_str(&format!("A{ch}"));
        }
        let speaker = sel.speaker.as_deref().unwrap_or("");
        let mut comments = match (one_line(speaker), one_line(&sel.text)) {
            (_, text) if text.is_empty() => String::new(),
            (who, text) if who.is_empty() => text,
            (who, text) => format!("{who}: {text}"),
        };
        if let Some(comment) = sel.comment.as_deref().map(one_line).filter(|c| !c.is_empty()) {
            if !comments.is_empty() {
                comments.push_str(" | ");
            }
            comments.push_str(&comment);
        }
        let row = [
            format!("{}_{n:03}", verbatim_line(stem)),
            tracks,
            start,
            end,
            verbatim_line(&reel_source(sel)),
            verbatim_line(&clip.path),
            comments,
            one_line(speaker),
            one_line(clip.camera.as_deref().unwrap_or("")),
            fps_column(fps),
        ];
        out.push_str(&row.join("\t"));
        if judged {
            out.push('\t');
            out.push_str(&one_line(&sel.clearance.as_ref().map(|c| c.summary()).unwrap_or_default()));
        }
        out.push('\n');
    }
    out
}

/// Avid's project format for a frame size.
fn video_format(width: u32, height: u32) -> &'static str {
    match height {
        1080 if width <= 1920 => "1080",
        720 => "720",
        576 => "PAL",
        486 | 480 => "NTSC",
        _ => "CUSTOM",
    }
}

/// A clip's rate as Avid writes it in the `FPS` column.
fn fps_column(rate: Rate) -> String {
    if rate == Rate::FPS_23_976 { "23.98".to_string() } else { rate.label() }
}

/// Heading pairs in order, and the data rows by column name.
pub type Ale = (Vec<(String, String)>, Vec<BTreeMap<String, String>>);

/// Why [`read`] refused an ALE: each names its 1-based line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AleError {
    #[error("line {line}: Data before any Column line")]
    DataBeforeColumn { line: usize },
    #[error("line {line}: expected Heading, Column or Data, found {text:?}")]
    NoSection { line: usize, text: String },
    #[error("line {line}: a heading line holds name/value pairs: {text:?}")]
    OddHeading { line: usize, text: String },
    #[error("line {line}: {values} values for {columns} columns")]
    TooManyValues { line: usize, values: usize, columns: usize },
}

/// Reads an ALE: the `Heading` pairs (one or several tab-separated pairs a
/// line, as Avid and older tools write them) and each `Data` row keyed by
/// its `Column` name; a short row is padded with empty values. Blank lines
/// and CRLF are accepted. Errors name the line: a row with more values than
/// columns, `Data` before `Column`, a heading line with an odd count.
pub fn read(text: &str) -> Result<Ale, AleError> {
    #[derive(PartialEq)]
    enum Section {
        None,
        Heading,
        Column,
        Data,
    }
    let mut section = Section::None;
    let mut heading = Vec::new();
    let mut columns: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    for (idx, raw) in text.lines().enumerate() {
        let line_no = idx + 1;
        let line = raw.trim_end_matches('\r');
        let line = if idx == 0 { line.trim_start_matches('\u{feff}') } else { line };
        if line.trim().is_empty() {
            continue;
        }
        match line.trim() {
            "Heading" => {
                section = Section::Heading;
                continue;
            }
            "Column" => {
                section = Section::Column;
                continue;
            }
            "Data" => {
                if columns.is_none() {
                    return Err(AleError::DataBeforeColumn { line: line_no });
                }
                section = Section::Data;
                continue;
            }
            _ => {}
        }
        match section {
            Section::None => return Err(AleError::NoSection { line: line_no, text: line.to_string() }),
            Section::Heading => {
                let fields: Vec<&str> = line.split('\t').collect();
                if !fields.len().is_multiple_of(2) {
                    return Err(AleError::OddHeading { line: line_no, text: line.to_string() });
                }
                for pair in fields.chunks(2) {
                    if let [key, value] = pair {
                        heading.push((key.to_string(), value.to_string()));
                    }
                }
            }
            Section::Column => {
                columns = Some(line.split('\t').map(String::from).collect());
                section = Section::None;
            }
            Section::Data => {
                let names = columns.as_deref().unwrap_or_default();
                let values: Vec<&str> = line.split('\t').collect();
                if values.len() > names.len() {
                    return Err(AleError::TooManyValues { line: line_no, values: values.len(), columns: names.len() });
                }
                let row = names
                    .iter()
                    .enumerate()
                    .map(|(i, name)| (name.clone(), values.get(i).copied().unwrap_or("").to_string()))
                    .collect();
                rows.push(row);
            }
        }
    }
    Ok((heading, rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::edl::tc_frames;
    use crate::export::testkit::fixtures::*;
    use crate::export::{ExportClip, Sequence};

    fn check(seq: &Sequence, selects: &[Select], expect: &str) {
        let got = write(seq, selects);
        assert_eq!(got, expect, "\n--- got ---\n{got}");
    }

    /// Only the rows of an ALE.
    fn data(text: &str) -> String {
        text.split_once("\nData\n").map_or(String::new(), |(_, rows)| rows.to_string())
    }

    #[test]
    fn heading_columns_and_rows() {
        let selects = vec![
            said(select(sony(), 1, 4), "Ben", "It was cold.", Some("keep")),
            select(sony(), 10, 59),
            select(night(), 100, 200),
        ];
        check(
            &seq_for(&selects),
            &selects,
            "Heading
FIELD_DELIM\tTABS
VIDEO_FORMAT\t1080
AUDIO_FORMAT\t48khz
FPS\t29.97

Column
Name\tTracks\tStart\tEnd\tTape\tSource File\tComments\tSpeaker\tCamera\tFPS

Data
C0001_001\tVA1A2\t14:30:59;29\t14:31:00;04\tC0001\t/shoot/2026-03-14/A001/PRIVATE/M4ROOT/CLIP/C0001.MP4\tBen: It was cold. | keep\tBen\tA\t29.97
C0001_002\tVA1A2\t14:31:00;10\t14:31:01;29\tC0001\t/shoot/2026-03-14/A001/PRIVATE/M4ROOT/CLIP/C0001.MP4\t\t\tA\t29.97
NIGHT0001_003\tVA1\t23:59:59;40\t24:00:01;20\tNIGHT0001\t/shoot/2026-03-14/D_CAM/NIGHT0001.MP4\t\t\tD\t59.94
",
        );
    }

    #[test]
    fn rows_at_every_fixture_rate() {
        let expect = [
            "\
A003C012_260314_R1AB_001\tVA1\t14:31:10:05\t14:31:10:20\tA003\t/shoot/2026-03-14/B_CAM/A003C012_260314_R1AB.mov\t\t\tB\t23.98
A003C012_260314_R1AB_002\tVA1\t14:31:11:06\t14:31:11:23\tA003\t/shoot/2026-03-14/B_CAM/A003C012_260314_R1AB.mov\t\t\tB\t23.98
",
            "\
A003C013_260314_R1AB_001\tV\t14:40:00:00\t14:40:00:12\tA003C013_260314_R1AB\t/shoot/2026-03-14/B_CAM/A003C013_260314_R1AB.mov\t\t\tB\t25
A003C013_260314_R1AB_002\tV\t14:40:01:00\t14:40:02:00\tA003C013_260314_R1AB\t/shoot/2026-03-14/B_CAM/A003C013_260314_R1AB.mov\t\t\tB\t25
",
            "\
C0001_001\tVA1A2\t14:30:59;29\t14:31:00;04\tC0001\t/shoot/2026-03-14/A001/PRIVATE/M4ROOT/CLIP/C0001.MP4\t\t\tA\t29.97
C0001_002\tVA1A2\t14:31:00;10\t14:31:01;29\tC0001\t/shoot/2026-03-14/A001/PRIVATE/M4ROOT/CLIP/C0001.MP4\t\t\tA\t29.97
",
            "\
GX010042_001\tVA1A2\t14:32:00:10\t14:32:00:40\tGX010042\t/shoot/2026-03-14/C_CAM/DCIM/100GOPRO/GX010042.MP4\t\t\tC\t50
GX010042_002\tVA1A2\t14:32:01:10\t14:32:02:00\tGX010042\t/shoot/2026-03-14/C_CAM/DCIM/100GOPRO/GX010042.MP4\t\t\tC\t50
",
            "\
NIGHT0001_001\tVA1\t23:59:58;20\t23:59:59;20\tNIGHT0001\t/shoot/2026-03-14/D_CAM/NIGHT0001.MP4\t\t\tD\t59.94
NIGHT0001_002\tVA1\t23:59:59;40\t24:00:01;20\tNIGHT0001\t/shoot/2026-03-14/D_CAM/NIGHT0001.MP4\t\t\tD\t59.94
NIGHT0001_003\tVA1\t24:00:00;30\t24:00:02;00\tNIGHT0001\t/shoot/2026-03-14/D_CAM/NIGHT0001.MP4\t\t\tD\t59.94
",
        ];
        let lists = per_rate();
        for (selects, want) in lists.iter().zip(expect) {
            let text = write(&seq_for(selects), selects);
            assert_eq!(data(&text), want, "\n{text}");
        }
        let heading_fps: Vec<String> = lists
            .iter()
            .map(|l| {
                read(&write(&seq_for(l), l)).expect("read").0.into_iter().find(|(k, _)| k == "FPS").expect("FPS").1
            })
            .collect();
        assert_eq!(heading_fps, ["23.976", "25", "29.97", "50", "59.94"]);
    }

    #[test]
    fn awkward_values_never_split_a_row() {
        let (seq, selects) = awkward();
        let text = write(&seq, &selects);
        let (heading, rows) = read(&text).expect("read");
        assert_eq!(heading[0], ("FIELD_DELIM".to_string(), "TABS".to_string()));
        assert_eq!(rows.len(), 4);
        for line in data(&text).lines() {
            assert_eq!(line.split('\t').count(), COLUMNS.len(), "{line}");
        }
        let nasty = &rows[2];
        assert_eq!(nasty["Name"], "Interview \"Anna\", take 2 & 3 é_003");
        assert_eq!(nasty["Tape"], "Interview Day 1 – Roll 2 (B cam)");
        assert_eq!(nasty["Source File"], "/Volumes/Shoot & Co/Day 1, \"Anna\"/Interview \"Anna\", take 2 & 3 é.mov");
        assert_eq!(nasty["Comments"], "Anna <host>: Rock & roll, 😀 and \"quotes\" | AP: check legal, names");
        assert_eq!(nasty["Tracks"], "VA1A2A3A4");
        assert_eq!(nasty["Camera"], "B, \"wide\"");
        assert_eq!(rows[1]["Comments"], "Ben: It was cold, \"really\" cold.");
        assert_eq!((rows[1]["Start"].as_str(), rows[1]["FPS"].as_str()), ("14:30:59;29", "29.97"));
        assert_eq!(rows[3]["Tracks"], "A1A2");
    }

    #[test]
    fn formats_and_track_limits() {
        let mut uhd = sony();
        (uhd.width, uhd.height, uhd.audio_channels, uhd.audio_sample_rate) = (3840, 2160, 12, 44_100);
        let mut pal = pal();
        (pal.width, pal.height) = (720, 576);
        let text = write(&seq_for(&[select(uhd.clone(), 0, 1)]), &[select(uhd, 0, 1), select(pal, 0, 1)]);
        let (heading, rows) = read(&text).expect("read");
        let get = |k: &str| heading.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        assert_eq!((get("VIDEO_FORMAT"), get("AUDIO_FORMAT")), (Some("CUSTOM"), Some("44khz")));
        assert_eq!(rows[0]["Tracks"], "VA1A2A3A4A5A6A7A8");
        assert_eq!(video_format(720, 576), "PAL");
        assert_eq!(video_format(720, 486), "NTSC");
        assert_eq!(video_format(1280, 720), "720");
        assert_eq!(video_format(2048, 1080), "CUSTOM");
        let sound_only = [select(sound(), 0, 5)];
        let (heading, _) = read(&write(&seq_for(&sound_only), &sound_only)).expect("read");
        assert!(heading.contains(&("VIDEO_FORMAT".to_string(), "1080".to_string())));
    }

    #[test]
    fn start_end_read_back_as_the_select() {
        let mut lists = per_rate();
        lists.push(awkward().1);
        for selects in &lists {
            let (_, rows) = read(&write(&seq_for(selects), selects)).expect("read");
            assert_eq!(rows.len(), selects.len());
            for (row, s) in rows.iter().zip(selects) {
                let start = tc_frames(&row["Start"], s.clip.format).expect("start");
                let end = tc_frames(&row["End"], s.clip.format).expect("end");
                assert_eq!((start, end - start), (s.clip.start.frame() + s.in_frame, s.duration()), "{row:?}");
                assert_eq!(Rate::parse(&row["FPS"]), Ok(s.clip.rate()));
                assert_eq!(row["Source File"], s.clip.path);
            }
        }
    }

    #[test]
    fn reads_real_avid_files() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/realdata/otio-ale-adapter/tests/sample_data");
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}; ../shared/realdata must sit beside the checkout", dir.display()));
        let mut seen = 0;
        for entry in entries.flatten() {
            let bytes = std::fs::read(entry.path()).expect("read sample");
            let text = crate::text::decode(&bytes).text;
            let (heading, rows) = read(&text).unwrap_or_else(|e| panic!("{}: {e}", entry.path().display()));
            assert!(heading.iter().any(|(k, _)| k == "FIELD_DELIM"), "{}", entry.path().display());
            assert!(!rows.is_empty() && rows.iter().all(|r| r.contains_key("Name")), "{}", entry.path().display());
            seen += 1;
        }
        // sample, sample2, sampleUHD, sample_blanks, sample_cdl, sample_no_blanks.
        assert_eq!(seen, 6);
        let (heading, rows) = read(&std::fs::read_to_string(dir.join("sample2.ale")).expect("sample2")).expect("read");
        assert!(heading.contains(&("FPS".to_string(), "23.98".to_string())), "{heading:?}");
        assert_eq!((rows[0]["Name"].as_str(), rows[0]["Start"].as_str()), ("19A-1xa", "04:00:00:00"));
    }

    #[test]
    fn reader_reports_bad_files() {
        assert!(read("Heading\nFPS\t25\nColumn\nName\nData\na\tb\n").unwrap_err().to_string().starts_with("line 6:"));
        assert!(read("Data\nx\n").unwrap_err().to_string().starts_with("line 1:"));
        assert!(read("Heading\nFPS\n").unwrap_err().to_string().starts_with("line 2:"));
        let (_, rows) = read("Heading\r\nFPS\t25\r\n\r\nColumn\r\nName\tStart\r\n\r\nData\r\nx\r\n").expect("crlf");
        assert_eq!(rows[0]["Start"], "");
    }

    /// The example every format's golden file holds: `RUSHES_BLESS=1`
    /// rewrites it.
    #[test]
    fn golden_file() {
        let (seq, selects) = crate::export::testkit::golden_example();
        crate::export::testkit::check_golden("selects.ale", &write(&seq, &selects));
    }

    /// What the OTIO ALE adapter sees: the whole file as it reads it (or its
    /// error), and each row parsed by the adapter at the row's own `FPS`.
    const READER: &str = r#"
import json, sys
import opentimelineio as otio
from otio_ale_adapter import ale
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
def clip_json(c):
    sr = c.source_range
    return {"name": c.name, "start": sr.start_time.value, "duration": sr.duration.value,
            "rate": sr.start_time.rate, "url": getattr(c.media_reference, "target_url", None)}
out = {"file": None, "error": None, "rows": []}
try:
    # Hold the collection: iterating a temporary one crashes OTIO 0.18.
    collection = otio.adapters.read_from_string(text, adapter_name="ale")
    out["file"] = [clip_json(c) for c in collection]
except Exception as e:
    out["error"] = str(e)
lines = text.splitlines()
columns = lines[lines.index("Column") + 1].split("\t")
for line in lines[lines.index("Data") + 1:]:
    if line.strip():
        row = dict(zip(columns, line.split("\t")))
        fps = otio.opentime.RationalTime.nearest_smpte_timecode_rate(float(row["FPS"]))
        out["rows"].append(clip_json(ale._parse_data_line(line, columns, fps)))
json.dump(out, sys.stdout)
"#;

    /// The frames OTIO should see for a select: start since the midnight
    /// before the clip's start, and length, at the clip's rate.
    fn frames(s: &Select) -> (u64, u64) {
        (s.clip.start.frame() + s.in_frame, s.duration())
    }

    fn assert_clip(seen: &serde_json::Value, s: &Select, name: &str) {
        let (start, duration) = frames(s);
        assert_eq!(seen["name"], name, "{seen}");
        assert_eq!(seen["start"].as_f64().map(|v| v.round() as u64), Some(start), "{seen}");
        assert_eq!(seen["duration"].as_f64().map(|v| v.round() as u64), Some(duration), "{seen}");
        assert_eq!(seen["url"], s.clip.path.as_str(), "{seen}");
        let rate = seen["rate"].as_f64().unwrap_or(0.0);
        assert!((rate - f64::from(s.clip.rate().num()) / f64::from(s.clip.rate().den())).abs() < 1e-6, "{seen}");
    }

    /// Every list through the OTIO ALE adapter: name, Start/End as frames
    /// and Source File of each row. A single-rate file reads whole; in a
    /// mixed-rate log the adapter applies the heading FPS to every row and
    /// fails, so each row is also parsed at its own FPS.
    #[test]
    fn real_reader_sees_every_row() {
        let mut lists = per_rate();
        lists.push(vec![select(nasty(), 0, 48), select(sound(), 24, 96)]);
        let mut cases: Vec<(Sequence, Vec<Select>)> = lists.into_iter().map(|l| (seq_for(&l), l)).collect();
        cases.push(awkward());
        cases.push(crate::export::testkit::golden_example());
        for (seq, selects) in &cases {
            let text = write(seq, selects);
            let seen = run_python(READER, &text, "ale", &[]);
            let (_, rows) = read(&text).expect("read");
            let names: Vec<&str> = rows.iter().map(|r| r["Name"].as_str()).collect();
            let rows_seen = seen["rows"].as_array().expect("rows");
            assert_eq!(rows_seen.len(), selects.len());
            for ((got, s), name) in rows_seen.iter().zip(selects).zip(&names) {
                assert_clip(got, s, name);
            }
            let single_rate = selects.iter().all(|s| s.clip.rate() == seq.format.rate());
            if single_rate {
                let file = seen["file"].as_array().unwrap_or_else(|| panic!("OTIO could not read: {seen}"));
                assert_eq!(file.len(), selects.len());
                for ((got, s), name) in file.iter().zip(selects).zip(&names) {
                    assert_clip(got, s, name);
                }
            } else {
                eprintln!("OTIO ALE adapter on a mixed-rate log: {}", seen["error"]);
                assert!(seen["error"].is_string(), "{seen}");
            }
        }
    }

    /// Frame counts near `u64::MAX`, reversed selects, odd rates, clips
    /// with nothing: no panic, and one full row per select.
    #[test]
    fn extreme_inputs() {
        use crate::export::testkit::{Fixture, extreme_cases};
        let mut cases = extreme_cases();
        cases.push((seq_for(&[Fixture::Nasty.select()]), Fixture::ALL.map(Fixture::select).to_vec()));
        for (seq, selects) in cases {
            let text = write(&seq, &selects);
            let (_, rows) = read(&text).expect("read");
            assert_eq!(rows.len(), selects.len());
            for line in data(&text).lines() {
                assert_eq!(line.split('\t').count(), COLUMNS.len(), "{line}");
            }
        }
    }

    #[test]
    fn a_clip_with_nothing_lists_no_tracks() {
        let mut blank: ExportClip = sound();
        blank.audio_channels = 0;
        let selects = [select(blank, 0, 1)];
        let (_, rows) = read(&write(&seq_for(&selects), &selects)).expect("read");
        assert_eq!(rows[0]["Tracks"], "");
    }
}
