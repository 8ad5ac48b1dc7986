//! The selects as a CSV table, for spreadsheets, scripts and for editing by
//! hand and feeding back with `rushes export --selects FILE`.
//!
//! Contract of what [`write`] produces (RFC 4180):
//!
//! - The header `clip,path,camera,reel,tc_in,tc_out,duration,speaker,text,comment,clip_id`,
//!   then one row per select, in the list's order; CRLF after every row, no
//!   byte-order mark. A field holding `,`, `"`, CR or LF is quoted and its
//!   quotes doubled; every value is written as it is (a transcript's line
//!   breaks stay inside their quoted field). Values are not guarded against
//!   spreadsheet formula injection (a text starting with `=`): the table is
//!   data, and an edited copy must read back unchanged.
//! - `clip` is the file name, `path` the full path, `camera` and `reel` as
//!   logged (empty when unknown).
//! - `tc_in`/`tc_out` are the clip's own timecode labels (`;` before the
//!   frames when drop-frame); `tc_out` is exclusive, the frame after the
//!   last, and is the real label of that frame: past midnight it reads
//!   `00:00:02;00`, and the length is counted forward across midnight.
//! - `duration` is the length as a timecode-style duration at the clip's
//!   rate and labelling, counted from zero (`00:00:02:05`; 60 frames at
//!   29.97 DF read `00:00:02;00`), so that `tc_in + duration = tc_out`.
//! - `speaker`, `text` (the soundbite's words), `comment` (the AP's note).
//! - `clip_id` is the library's id of the clip, so that a table fed back
//!   with `--selects` finds the exact clip even when cards share file
//!   names; it comes after the columns people edit so they keep their
//!   places.
//! - `clearance`, only when the selects were judged against a release log:
//!   `cleared`, or `<status>: <reason>; <reason>`. It is the last column,
//!   and a table fed back ignores it (the clearance is judged again).
//!
//! [`read_selects`] reads such a table back, or one the user made.

use super::edl::duration_label;
use super::{Select, Sequence};
use crate::sheet;
use crate::text::{Diagnostic, Fate};

/// The header [`write`] produces.
pub const HEADER: [&str; 11] =
    ["clip", "path", "camera", "reel", "tc_in", "tc_out", "duration", "speaker", "text", "comment", "clip_id"];

/// Writes `selects` as CSV (see the module doc for the contract).
pub fn write(_seq: &Sequence, selects: &[Select]) -> String {
    let mut out = String::new();
    let judged = selects.iter().any(|s| s.clearance.is_some());
    let clearance_column = judged.then_some("clearance");
    push_row(&mut out, HEADER.iter().copied().chain(clearance_column));
    for sel in selects {
        let clip = &sel.clip;
        let fields = [
            clip.name.clone(),
            clip.path.clone(),
            clip.camera.clone().unwrap_or_default(),
            clip.reel.clone().unwrap_or_default(),
            sel.tc_in().to_string(),
            clip.tc_at(sel.in_frame.saturating_add(sel.duration())).to_string(),
            duration_label(sel.duration(), clip.format),
            sel.speaker.clone().unwrap_or_default(),
            sel.text.clone(),
            sel.comment.clone().unwrap_or_default(),
            clip.id.clone(),
        ];
        let clearance = judged.then(|| sel.clearance.as_ref().map(|c| c.summary()).unwrap_or_default());
        push_row(&mut out, fields.iter().map(String::as_str).chain(clearance.as_deref()));
    }
    out
}

/// One CSV row, quoted where a field needs it, LF-terminated.
pub fn push_row<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str("\r\n");
}

/// One row of a selects table as the user wrote it; the timecodes are
/// parsed later, at the rate of the clip the row names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SelectRow {
    /// 1-based line where the row starts.
    pub line: usize,
    /// Clip name or id.
    pub clip: String,
    /// The clip's path when the table has a `path` column (ours does): names
    /// repeat across cards (`C0001.MP4`), paths do not.
    pub path: Option<String>,
    /// The library's id of the clip, when the table has a `clip_id` column.
    pub clip_id: Option<String>,
    pub tc_in: String,
    pub tc_out: String,
    pub speaker: Option<String>,
    pub text: Option<String>,
    pub comment: Option<String>,
    /// Drop-frame labels an unquoted `;` had split in two and the reader
    /// joined again: a guess, for the caller to report.
    pub rejoined: Vec<String>,
}

/// [`read_selects`] on the bytes of a file: BOM, UTF-16 and legacy code
/// pages are decoded first ([`crate::text::decode`]).
pub fn read_selects_bytes(bytes: &[u8]) -> (Vec<SelectRow>, Vec<Diagnostic>) {
    read_selects(&crate::text::decode(bytes).text)
}

/// Reads a selects table: a header row naming (in any case, in any order,
/// with any spaces or punctuation: `TC In`, `tc_in`) the required `clip`
/// (or `name`, `clip_name`), `tc_in` (or `in`) and `tc_out` (or `out`)
/// columns and the optional `path`, `clip_id` (or `id`), `speaker`, `text`
/// and `comment` (or `comments`); other columns are ignored. The delimiter
/// is `,`, `;` or tab, whichever the header uses most; CRLF and a BOM are
/// accepted. In a `;` table a row with more fields than the header has its
/// unquoted drop-frame labels (`14:30:59;29`, split at the `;`) in the
/// `tc_in` and `tc_out` columns joined again ([`crate::sheet::rejoin_drop_frame`]),
/// and the row says so in [`SelectRow::rejoined`]. Values are trimmed;
/// empty optional values are `None`; blank rows are skipped. Every row that
/// lacks a clip or timecode is returned as a diagnostic (skipped, with its
/// line) beside the good rows.
pub fn read_selects(text: &str) -> (Vec<SelectRow>, Vec<Diagnostic>) {
    // CRLF and lone CR become LF first (as `read_selects_bytes` has done
    // already) so that line numbers count one LF per line.
    let text = crate::text::normalise_line_ends(text);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let Some(header_line) = text.lines().find(|l| !l.trim().is_empty()) else {
        return (Vec::new(), vec![skipped(1, "empty file: expected a header row clip,tc_in,tc_out".to_string())]);
    };
    let delimiter = sheet::sniff_delimiter(header_line);
    let (rows, bad) = sheet::read_rows(text, delimiter, usize::MAX);
    let mut rows = rows.into_iter().filter(|row| !row.is_blank());
    let Some(header) = rows.next() else {
        let (line, reason) =
            bad.map_or((1, "no header row".to_string()), |b| (b.line, format!("header row: {}", b.reason)));
        return (Vec::new(), vec![skipped(line, reason)]);
    };
    let find = |aliases: &[&str]| sheet::find_column(&header.cells, aliases);
    let (clip, tc_in, tc_out) = (find(&["clip", "clipname", "name"]), find(&["tcin", "in"]), find(&["tcout", "out"]));
    let (Some(clip), Some(tc_in), Some(tc_out)) = (clip, tc_in, tc_out) else {
        let delim = if delimiter == b'\t' { "tab".to_string() } else { (delimiter as char).to_string() };
        let reason = format!(
            "the header must name the columns clip, tc_in and tc_out; found {:?} (delimiter {delim})",
            header.cells
        );
        return (Vec::new(), vec![skipped(header.line, reason)]);
    };
    let (path, clip_id, speaker, text_col, comment) =
        (find(&["path"]), find(&["clipid", "id"]), find(&["speaker"]), find(&["text"]), find(&["comment", "comments"]));
    let mut selects = Vec::new();
    let mut errors = Vec::new();
    for mut row in rows {
        let rejoined = if delimiter == b';' {
            sheet::rejoin_drop_frame(&mut row.cells, header.cells.len(), &[tc_in, tc_out])
        } else {
            Vec::new()
        };
        let get = |idx: usize| row.cells.get(idx).cloned().unwrap_or_default();
        let optional = |idx: Option<usize>| idx.map(get).filter(|v| !v.is_empty());
        let select = SelectRow {
            line: row.line,
            clip: get(clip),
            path: optional(path),
            clip_id: optional(clip_id),
            tc_in: get(tc_in),
            tc_out: get(tc_out),
            speaker: optional(speaker),
            text: optional(text_col),
            comment: optional(comment),
            rejoined,
        };
        let missing: Vec<&str> = [("clip", &select.clip), ("tc_in", &select.tc_in), ("tc_out", &select.tc_out)]
            .into_iter()
            .filter(|(_, v)| v.is_empty())
            .map(|(name, _)| name)
            .collect();
        if missing.is_empty() {
            selects.push(select);
        } else {
            errors.push(skipped(row.line, format!("no {}", missing.join(", no "))));
        }
    }
    errors.extend(bad.map(|b| skipped(b.line, b.reason)));
    (selects, errors)
}

fn skipped(line: usize, reason: String) -> Diagnostic {
    Diagnostic::new(line, Fate::Skipped, reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testkit::fixtures::*;
    use crate::timecode::Timecode;

    fn check(selects: &[Select], expect: &str) {
        let got = write(&seq_for(selects), selects);
        assert_eq!(got, expect, "\n--- got ---\n{got}");
    }

    /// Rows of what [`read_selects`] returns, as `line clip tc_in tc_out`.
    fn check_read(input: &str, expect: &str) {
        let (rows, errors) = read_selects(input);
        let mut got = String::new();
        for r in &rows {
            got.push_str(&format!("{} {} {} {}", r.line, r.clip, r.tc_in, r.tc_out));
            let fields = [
                ("path", &r.path),
                ("clip_id", &r.clip_id),
                ("speaker", &r.speaker),
                ("text", &r.text),
                ("comment", &r.comment),
            ];
            for (name, v) in fields {
                if let Some(v) = v {
                    got.push_str(&format!(" {name}={v:?}"));
                }
            }
            if !r.rejoined.is_empty() {
                got.push_str(&format!(" rejoined={:?}", r.rejoined));
            }
            got.push('\n');
        }
        for d in &errors {
            got.push_str(&format!("error {}: {}\n", d.line, d.reason));
        }
        assert_eq!(got, expect, "\n--- got ---\n{got}");
    }

    #[test]
    fn rows_at_every_fixture_rate() {
        let mut lists = per_rate();
        lists[2][0] = said(lists[2][0].clone(), "Ben", "It was cold.", Some("keep"));
        let all: Vec<Select> = lists.into_iter().flatten().collect();
        check(
            &all,
            "clip,path,camera,reel,tc_in,tc_out,duration,speaker,text,comment,clip_id\r
A003C012_260314_R1AB.mov,/shoot/2026-03-14/B_CAM/A003C012_260314_R1AB.mov,B,A003,14:31:10:05,14:31:10:20,00:00:00:15,,,,id-A003C012_260314_R1AB.mov\r
A003C012_260314_R1AB.mov,/shoot/2026-03-14/B_CAM/A003C012_260314_R1AB.mov,B,A003,14:31:11:06,14:31:11:23,00:00:00:17,,,,id-A003C012_260314_R1AB.mov\r
A003C013_260314_R1AB.mov,/shoot/2026-03-14/B_CAM/A003C013_260314_R1AB.mov,B,,14:40:00:00,14:40:00:12,00:00:00:12,,,,id-A003C013_260314_R1AB.mov\r
A003C013_260314_R1AB.mov,/shoot/2026-03-14/B_CAM/A003C013_260314_R1AB.mov,B,,14:40:01:00,14:40:02:00,00:00:01:00,,,,id-A003C013_260314_R1AB.mov\r
C0001.MP4,/shoot/2026-03-14/A001/PRIVATE/M4ROOT/CLIP/C0001.MP4,A,,14:30:59;29,14:31:00;04,00:00:00;03,Ben,It was cold.,keep,id-C0001.MP4\r
C0001.MP4,/shoot/2026-03-14/A001/PRIVATE/M4ROOT/CLIP/C0001.MP4,A,,14:31:00;10,14:31:01;29,00:00:01;19,,,,id-C0001.MP4\r
GX010042.MP4,/shoot/2026-03-14/C_CAM/DCIM/100GOPRO/GX010042.MP4,C,,14:32:00:10,14:32:00:40,00:00:00:30,,,,id-GX010042.MP4\r
GX010042.MP4,/shoot/2026-03-14/C_CAM/DCIM/100GOPRO/GX010042.MP4,C,,14:32:01:10,14:32:02:00,00:00:00:40,,,,id-GX010042.MP4\r
NIGHT0001.MP4,/shoot/2026-03-14/D_CAM/NIGHT0001.MP4,D,,23:59:58;20,23:59:59;20,00:00:01;00,,,,id-NIGHT0001.MP4\r
NIGHT0001.MP4,/shoot/2026-03-14/D_CAM/NIGHT0001.MP4,D,,23:59:59;40,00:00:01;20,00:00:01;40,,,,id-NIGHT0001.MP4\r
NIGHT0001.MP4,/shoot/2026-03-14/D_CAM/NIGHT0001.MP4,D,,00:00:00;30,00:00:02;00,00:00:01;30,,,,id-NIGHT0001.MP4\r
",
        );
    }

    #[test]
    fn awkward_values_are_quoted() {
        let (_, selects) = awkward();
        check(
            &selects[2..3],
            "clip,path,camera,reel,tc_in,tc_out,duration,speaker,text,comment,clip_id\r
\"Interview \"\"Anna\"\", take 2 & 3 é.mov\",\"/Volumes/Shoot & Co/Day 1, \"\"Anna\"\"/Interview \"\"Anna\"\", take 2 & 3 é.mov\",\"B, \"\"wide\"\"\",Interview Day 1 – Roll 2 (B cam),10:00:05:00,10:00:25:00,00:00:20:00,Anna <host>,\"Rock & roll, 😀 and \"\"quotes\"\"\",\"AP: check\r
legal, names\",\"id-Interview \"\"Anna\"\", take 2 & 3 é.mov\"\r
",
        );
    }

    #[test]
    fn our_table_reads_back_as_the_selects() {
        let (seq, mut selects) = awkward();
        selects.extend(per_rate().into_iter().flatten());
        let text = write(&seq, &selects);
        let (rows, errors) = read_selects_bytes(text.as_bytes());
        assert_eq!(errors, []);
        assert_eq!(rows.len(), selects.len());
        for (row, s) in rows.iter().zip(&selects) {
            let clip = &s.clip;
            assert_eq!((row.clip.as_str(), row.path.as_deref()), (clip.name.as_str(), Some(clip.path.as_str())));
            assert_eq!(row.clip_id.as_deref(), Some(clip.id.as_str()));
            let tc_in = Timecode::parse_in(&row.tc_in, clip.format).expect("tc_in");
            let tc_out = Timecode::parse_in(&row.tc_out, clip.format).expect("tc_out");
            assert_eq!((tc_in.frames_since(clip.start), tc_out.frames_since(clip.start)), (s.in_frame, s.out_frame));
            assert_eq!(row.speaker, s.speaker);
            // Trimmed on reading, as every value of a hand-edited table is.
            assert_eq!(row.text.clone().unwrap_or_default(), s.text.trim());
            assert_eq!(row.comment, s.comment.as_deref().map(|c| c.replace('\r', "")));
        }
        // Line numbers count the line breaks inside quoted values.
        assert_eq!(rows.iter().map(|r| r.line).take(5).collect::<Vec<_>>(), [2, 4, 5, 7, 8]);
    }

    #[test]
    fn hand_made_tables() {
        // Excel in much of Europe writes `;`, which splits an unquoted
        // drop-frame label in two: joined again.
        check_read(
            "\u{feff}Clip;TC In;TC Out;Comments\r\nC0001.MP4;14:30:59;29;14:31:00;04;good\r\nC0002.MP4\r\n",
            "2 C0001.MP4 14:30:59;29 14:31:00;04 comment=\"good\" rejoined=[\"14:30:59;29\", \"14:31:00;04\"]\nerror 3: no tc_in, no tc_out\n",
        );
        // Only the timecode columns are joined: a speaker column holding a
        // time of day and a number stays two cells (so tc_in reads `12`,
        // for the clip lookup to refuse), while tc_out's pair is joined.
        check_read(
            "Clip;Speaker;TC In;TC Out\nC1;10:00:00;12;14:30:59;29;14:31:00;04\n",
            "2 C1 12 14:30:59;29 speaker=\"10:00:00\" rejoined=[\"14:30:59;29\"]\n",
        );
        check_read(
            "Clip;TC In;TC Out;Comments\r\nC0001.MP4;\"14:30:59;29\";\"14:31:00;04\";good\r\n\r\n;;;\r\n",
            "2 C0001.MP4 14:30:59;29 14:31:00;04 comment=\"good\"\n",
        );
        check_read(
            "name\tin\tout\tspeaker\textra\nA.mov\t01:00:00:00\t01:00:01:00\t Anna \tx\n\tB.mov\t\n",
            "2 A.mov 01:00:00:00 01:00:01:00 speaker=\"Anna\"\nerror 3: no clip, no tc_out\n",
        );
        check_read(
            "clip,tc_in,tc_out,comment\nC0001.MP4,14:30:59;29,14:31:00;04,\"two\nlines\"\nC0002.MP4,,01:00:00:00\n",
            "2 C0001.MP4 14:30:59;29 14:31:00;04 comment=\"two\\nlines\"\nerror 4: no tc_in\n",
        );
        check_read(
            "clip,tc_in\nA,1\n",
            "error 1: the header must name the columns clip, tc_in and tc_out; found [\"clip\", \"tc_in\"] (delimiter ,)\n",
        );
        check_read("", "error 1: empty file: expected a header row clip,tc_in,tc_out\n");
        check_read("\n\nclip,tc_in,tc_out\n\nA,1,2\n", "5 A 1 2\n");
    }

    #[test]
    fn legacy_encodings_decode() {
        let mut latin1 = b"clip,tc_in,tc_out,speaker\nA.mov,1,2,Jos".to_vec();
        latin1.extend([0xE9, b'\n']);
        let (rows, errors) = read_selects_bytes(&latin1);
        assert_eq!((rows[0].speaker.as_deref(), errors), (Some("José"), vec![]));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("clip\ttc_in\ttc_out\r\nA.mov\t1\t2\r\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let (rows, _) = read_selects_bytes(&utf16);
        assert_eq!((rows[0].line, rows[0].tc_out.as_str()), (2, "2"));
    }

    /// The example every format's golden file holds: `RUSHES_BLESS=1`
    /// rewrites it.
    #[test]
    fn golden_file() {
        let (seq, selects) = crate::export::testkit::golden_example();
        crate::export::testkit::check_golden("selects.csv", &write(&seq, &selects));
        // An independent reader (Python's csv) sees the rows the fixtures
        // mean, written out here by hand: 29.97 DF labels with `;`, out
        // points exclusive, durations in the clip's own labelling.
        let golden =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/selects.csv")).expect("golden");
        let seen = run_python(CSV_READER, &golden, "csv", &[]);
        let want = serde_json::json!([
            HEADER,
            [
                "A001C001.MOV",
                "/media/day1/A001C001.MOV",
                "ALEXA",
                "A001",
                "14:31:10:12",
                "14:31:11:12",
                "00:00:01:00",
                "ANNA",
                "We left at dawn.",
                "",
                "clip-23976"
            ],
            [
                "GX010042.MP4",
                "/media/day1/GX010042.MP4",
                "HERO11",
                "",
                "14:30:59;29",
                "14:31:01;29",
                "00:00:01;28",
                "Carla",
                "It was cold.",
                "",
                "clip-2997"
            ],
            [
                "C0001.MP4",
                "/media/day1/C0001.MP4",
                "FX6",
                "A001",
                "14:40:00:10",
                "14:40:01:15",
                "00:00:01:05",
                "Ben",
                "The road was closed.",
                "Good bite",
                "clip-25"
            ],
        ]);
        assert_eq!(seen, want);
    }

    /// Prints every row Python's csv module reads from `sys.argv[1]`.
    const CSV_READER: &str = r#"
import csv, json, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    json.dump(list(csv.reader(f)), sys.stdout)
"#;

    /// Frame counts near `u64::MAX`, reversed selects, odd rates, names with
    /// every awkward character: no panic, and every row reads back.
    #[test]
    fn extreme_inputs() {
        use crate::export::testkit::{Fixture, extreme_cases};
        let mut cases = extreme_cases();
        cases.push((seq_for(&[Fixture::Nasty.select()]), Fixture::ALL.map(Fixture::select).to_vec()));
        for (seq, selects) in cases {
            let (rows, errors) = read_selects(&write(&seq, &selects));
            let blank = selects.iter().filter(|s| s.clip.name.trim().is_empty()).count();
            assert_eq!((rows.len(), errors.len()), (selects.len() - blank, blank), "{errors:?}");
        }
    }

    /// Python's csv module, which spreadsheets' CSV dialect follows, reads
    /// every field back exactly.
    #[test]
    fn python_csv_reads_the_fields() {
        let (seq, selects) = awkward();
        let text = write(&seq, &selects);
        let seen = run_python(CSV_READER, &text, "csv", &[]);
        let rows = seen.as_array().expect("rows");
        assert_eq!(rows.len(), selects.len() + 1, "{seen}");
        assert_eq!(rows[0], serde_json::json!(HEADER));
        for (row, s) in rows[1..].iter().zip(&selects) {
            assert_eq!(row[0], s.clip.name.as_str());
            assert_eq!(row[1], s.clip.path.as_str());
            assert_eq!(row[4], s.tc_in().to_string());
            assert_eq!(row[8], s.text.as_str());
            assert_eq!(row[9], s.comment.as_deref().unwrap_or(""));
        }
    }
}
