//! What each fuzz target checks, shared by the `cargo fuzz` targets in
//! `fuzz_targets/` and by `tests/fuzz_regressions.rs`, which replays every
//! input the fuzzers ever found failing (`fuzz/regressions/<target>/`) on
//! each `cargo test`. Beyond "no panic, no hang, no allocation sized from a
//! header", each check asserts the promise its reader documents.

use std::io::Cursor;
use std::path::Path;

use rushes::date::DateOrder;
use rushes::export::table;
use rushes::notes;
use rushes::probe::{ProbeError, bwf, matroska, mxf, p2_xml, quicktime, sony_xml};
use rushes::timecode::{Rate, TcFormat, Timecode};
use rushes::transcript;

/// One target's check: panics when the input breaks a promise.
pub type Check = fn(&[u8]);

/// Every target by name, for the regression replay.
pub const TARGETS: [(&str, Check); 19] = [
    ("timecode", timecode),
    ("srt", srt),
    ("vtt", vtt),
    ("whisper", whisper),
    ("notes", notes),
    ("bwf", bwf),
    ("quicktime", quicktime),
    ("sony_xml", sony_xml),
    ("mxf", mxf),
    ("matroska", matroska),
    ("selects", selects),
    ("stamped", stamped),
    ("nle_sheet", nle_sheet),
    ("scc", scc),
    ("stl", stl),
    ("ttml", ttml),
    ("subtitles", subtitles),
    ("docx", docx),
    ("mhl", mhl),
];

/// Rates the code meets, plus odd ones a file may declare.
const RATES: [(u32, u32); 12] = [
    (24000, 1001),
    (24, 1),
    (25, 1),
    (30000, 1001),
    (30, 1),
    (48, 1),
    (50, 1),
    (60000, 1001),
    (60, 1),
    (120, 1),
    (1, 1),
    (1000, 1),
];

/// A parsed label lies within the day and prints back to a label that
/// parses to the same frame.
fn check_label(tc: Timecode) {
    let format = tc.format();
    assert!(tc.frame() < format.frames_per_day(), "{tc} beyond the day");
    let label = tc.to_string();
    let again = Timecode::parse_in(&label, format).unwrap_or_else(|e| panic!("{label} does not re-parse: {e}"));
    assert_eq!(again.frame(), tc.frame(), "{label}");
}

/// Timecode labels and rates as users type them (notes, `--record-start`,
/// `--fps`) and as files carry them; the first byte picks the rate.
pub fn timecode(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else { return };
    let (num, den) = RATES[usize::from(pick) % RATES.len()];
    let Some(rate) = Rate::new(num, den) else { panic!("listed rate {num}/{den} refused") };
    let text = String::from_utf8_lossy(rest);

    let _ = Rate::parse(&text);
    if let Some((n, d)) = text.split_once('/')
        && let (Ok(n), Ok(d)) = (n.trim().parse::<u64>(), d.trim().parse::<u64>())
    {
        let _ = Rate::snap(n, d);
    }
    for tc in [Timecode::parse(&text, rate), Timecode::parse_lenient(&text, rate)].into_iter().flatten() {
        check_label(tc);
        let steps = rest.iter().fold(0u64, |acc, &b| acc.rotate_left(8) ^ u64::from(b));
        check_label(tc.add_frames(steps));
        check_label(tc.sub_frames(steps));
        let _ = tc.frames_since(Timecode::zero(tc.format()));
    }
    if let Ok(df) = TcFormat::df(rate)
        && let Ok(tc) = Timecode::parse_in(&text, df)
    {
        check_label(tc);
    }
    let _ = rate.frames_from_samples(u64::from(pick) << 40, u32::from(pick));
}

/// A transcript through the entry point ingest uses (encoding detection
/// included): cues never end before they start, and diagnostics point
/// inside the file. Text formats number diagnostics by line; Whisper JSON
/// numbers them by segment, and every segment is an object (`{`).
fn transcript(data: &[u8], ext: &str) {
    if let transcript::Outcome::Transcript { format, cues, diagnostics, .. } = transcript::parse(data, ext) {
        // The language a file declares, and detection from its cues, read
        // the same bytes and never fail on them.
        if let Some(declared) = transcript::declared_language(data, format) {
            let _ = rushes::language::normalize(&declared);
        }
        let _ = rushes::language::detect(cues.iter().map(|c| c.text.as_str()));
        let lines = if ext == "json" {
            data.iter().filter(|&&b| b == b'{').count()
        } else {
            data.iter().filter(|&&b| b == b'\n' || b == b'\r').count() + 1
        };
        for cue in &cues {
            assert!(cue.start_ms <= cue.end_ms, "cue at line {} ends before it starts", cue.line);
        }
        for d in &diagnostics {
            assert!(d.line <= lines.max(cues.len() + 1), "diagnostic line {} past the end ({lines} lines)", d.line);
        }
    }
}

/// The promises every reader of issue #18 makes, with `limit` the largest
/// `line` a diagnostic may name (lines, byte offsets or paragraphs): cues
/// never end before they start, an open-ended cue ends where it starts, a
/// labelled cue's labels are real fields (frames below 60), no cue is
/// empty.
fn new_reader(data: &[u8], ext: &str, limit: usize) {
    if let transcript::Outcome::Transcript { cues, diagnostics, .. } = transcript::parse(data, ext) {
        for cue in &cues {
            assert!(cue.start_ms <= cue.end_ms, "cue at {} ends before it starts", cue.line);
            assert!(!cue.text.trim().is_empty(), "empty cue at {}", cue.line);
            assert!(!cue.open_end || cue.end_ms == cue.start_ms, "open cue with an end at {}", cue.line);
            if let Some(span) = cue.tc {
                for l in [span.start, span.end] {
                    assert!(l.hh < 24 && l.mm < 60 && l.ss < 60 && l.ff < 60, "label {l} out of range");
                }
            }
        }
        for d in &diagnostics {
            assert!(d.line <= limit, "diagnostic at {} past the end ({limit})", d.line);
        }
    }
}

fn line_count(data: &[u8]) -> usize {
    data.iter().filter(|&&b| b == b'\n' || b == b'\r').count() + 1
}

/// Timecoded paragraphs, Premiere and Resolve text, Avid DS (`.txt`).
pub fn stamped(data: &[u8]) {
    new_reader(data, "txt", line_count(data));
}

/// Premiere's transcript CSV and markers list (`.csv`).
pub fn nle_sheet(data: &[u8]) {
    new_reader(data, "csv", line_count(data));
}

pub fn scc(data: &[u8]) {
    new_reader(data, "scc", line_count(data));
}

/// EBU-STL: diagnostics name byte offsets.
pub fn stl(data: &[u8]) {
    new_reader(data, "stl", data.len());
}

pub fn ttml(data: &[u8]) {
    new_reader(data, "ttml", line_count(data));
}

/// SBV and ASS/SSA, chosen by the first byte.
pub fn subtitles(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else { return };
    new_reader(rest, ["sbv", "ass"][usize::from(pick) % 2], line_count(rest));
}

/// Word documents: diagnostics name paragraphs, at most one per byte.
pub fn docx(data: &[u8]) {
    new_reader(data, "docx", data.len().max(1) * 2);
}

pub fn srt(data: &[u8]) {
    transcript(data, "srt");
}

pub fn vtt(data: &[u8]) {
    transcript(data, "vtt");
}

pub fn whisper(data: &[u8]) {
    transcript(data, "json");
}

/// Shoot notes: CSV/TSV spreadsheets and plain-text logs, chosen by the
/// first byte (which also picks how ambiguous dates are read). Every note
/// kept has a timecode or names its clip, and trimmed, non-empty text.
pub fn notes(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else { return };
    let ext = ["csv", "tsv", "txt"][usize::from(pick) % 3];
    let order = [None, Some(DateOrder::Dmy), Some(DateOrder::Mdy)][usize::from(pick / 3) % 3];
    match notes::parse(rest, ext, order) {
        notes::Outcome::Notes { notes, .. } => {
            for note in &notes {
                assert!(
                    note.tc.as_deref().is_some_and(|t| !t.is_empty()) || note.clip.is_some(),
                    "note without a place"
                );
                assert_eq!(note.text.trim(), note.text, "untrimmed note text");
                assert!(!note.text.is_empty(), "empty note");
            }
        }
        notes::Outcome::SoundReport { files, .. } => {
            for file in &files {
                assert!(!file.file.trim().is_empty(), "report row without a file");
                assert!(file.note.as_deref().is_none_or(|n| !n.trim().is_empty()), "empty report note");
            }
        }
        notes::Outcome::NotNotes { .. } => {}
    }
}

/// A media walker's result on a whole file held in memory, with its true
/// length, as ingest calls it. A start timecode lies within the day.
fn media(result: Result<rushes::probe::MediaInfo, rushes::probe::ProbeError>) {
    if let Ok(info) = result
        && let Some(start) = info.start
    {
        assert!(start.tc.frame() < start.tc.format().frames_per_day());
    }
}

pub fn bwf(data: &[u8]) {
    media(bwf::probe(&mut Cursor::new(data), data.len() as u64));
}

pub fn quicktime(data: &[u8]) {
    media(quicktime::probe(&mut Cursor::new(data), data.len() as u64, Path::new("fuzz.mov")));
}

pub fn mxf(data: &[u8]) {
    media(mxf::probe(&mut Cursor::new(data), data.len() as u64));
}

/// The Matroska/WebM EBML walker: a malformed element is reported at an
/// offset inside the file, and a rate it reads is a real one.
pub fn matroska(data: &[u8]) {
    let result = matroska::probe(&mut Cursor::new(data), data.len() as u64);
    match &result {
        Err(ProbeError::Malformed { offset, .. }) => {
            assert!(*offset < data.len() as u64, "offset {offset} past the end ({} bytes)", data.len());
        }
        Ok(info) => {
            if let Some(rate) = info.rate {
                assert!(rate.num() > 0 && rate.den() > 0, "{rate:?}");
            }
            assert!(info.video.is_some() || info.audio.is_some(), "a clip with neither picture nor sound");
        }
        Err(_) => {}
    }
    media(result);
}

/// The camera XML readers: Sony NonRealTimeMeta (XDCAM/XAVC `M01.XML`)
/// and Panasonic P2 clip XML.
pub fn sony_xml(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = sony_xml::is_nonrealtimemeta(&text);
    let _ = sony_xml::parse(&text);
    // The P2 clip XML reader meets the same camera XML.
    let _ = p2_xml::is_p2_clip(&text);
    let _ = p2_xml::parse(&text);
}

/// The ASC MHL reader (v2 generations, v1.1 lists, the chain): every entry
/// kept has a path and a checksum of its algorithm's form and a line inside
/// the file, no path is kept twice, and every diagnostic's line is inside.
pub fn mhl(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let lines = text.matches('\n').count() + 1;
    let (list, diags) = rushes::mhl::parse_hashlist(&text);
    let mut seen = std::collections::HashSet::new();
    for e in &list.entries {
        assert!(!e.path.is_empty() && !e.hashes.is_empty(), "{e:?}");
        assert!(e.line >= 1 && e.line <= lines, "entry line {} past the end ({lines} lines)", e.line);
        assert!(seen.insert(e.path.clone()), "{} kept twice", e.path);
        for h in &e.hashes {
            assert!(h.value.bytes().all(|b| b.is_ascii_alphanumeric()), "{h:?}");
        }
    }
    let (links, chain_diags) = rushes::mhl::parse_chain(&text);
    for d in diags.iter().chain(&chain_diags) {
        assert!(d.line <= lines, "diagnostic line {} past the end ({lines} lines)", d.line);
    }
    for l in &links {
        assert!(l.line >= 1 && l.line <= lines && !l.path.is_empty(), "{l:?}");
        let _ = rushes::mhl::inside("CARD", &l.path);
    }
}

/// The selects table an editor feeds to `rushes export --selects`: every
/// row returned names a clip and both timecodes, rows come in file order,
/// and every rejected row has a line inside the file.
pub fn selects(data: &[u8]) {
    let (rows, errors) = table::read_selects_bytes(data);
    let lines = data.iter().filter(|&&b| b == b'\n' || b == b'\r').count() + 1;
    for row in &rows {
        assert!(!row.clip.is_empty() && !row.tc_in.is_empty() && !row.tc_out.is_empty(), "{row:?}");
        assert!(row.line >= 1 && row.line <= lines, "row line {} past the end ({lines} lines)", row.line);
    }
    assert!(rows.windows(2).all(|w| w[0].line < w[1].line), "rows out of order");
    for d in &errors {
        assert!(d.line <= lines, "error line {} past the end ({lines} lines)", d.line);
    }
}
