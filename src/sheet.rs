//! One reader for the spreadsheets people type and export: shoot notes
//! (`notes`) and selects lists (`export::table`) both read their rows here.
//! CSV, TSV or `;` (Excel in much of Europe), the delimiter sniffed from the
//! header; header cells matched by their aliases whatever the case and
//! punctuation (`TC In`, `tc_in`, `TC-IN:`); and a drop-frame label an
//! unquoted `;` split in two (`14:31:00;10` read as `14:31:00` and `10`)
//! joined again, only in a timecode column and always said, because it is
//! a guess. Pure: text in, rows out; what each row means is the caller's.
//!
//! Excel workbooks (`.xlsx`, and `.xls`, `.ods`) come in through
//! [`workbook_sheets`]: each worksheet as CSV text, one line per row, so
//! the same reader takes them and a row's line is its row number in Excel.

/// One record, cells trimmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// 1-based line where the record starts (a quoted line break inside a
    /// cell makes the next record start further down).
    pub line: usize,
    pub cells: Vec<String>,
}

impl Row {
    /// No cell holds anything.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(String::is_empty)
    }
}

/// A record the CSV reader could not read, and where; the rows before it
/// are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRecord {
    pub line: usize,
    pub reason: String,
}

/// The delimiter a header line uses most, outside quotes: `,`, `;` or tab;
/// `,` on a tie.
pub fn sniff_delimiter(header: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in header.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in &mut counts {
                if b == *d {
                    *n += 1;
                }
            }
        }
    }
    counts.iter().fold((b',', 0), |best, &(d, n)| if n > best.1 { (d, n) } else { best }).0
}

/// A header cell lower-cased with everything but letters and digits
/// removed, so `TC In`, `tc_in` and `TC-IN:` are one name.
pub fn header_key(header: &str) -> String {
    header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The first header cell whose [`header_key`] is one of `aliases` (given
/// as keys: `tcin`, not `TC In`).
pub fn find_column(header: &[String], aliases: &[&str]) -> Option<usize> {
    header.iter().position(|cell| aliases.contains(&header_key(cell).as_str()))
}

/// Reads at most `limit` records of `text` (line ends already `\n`, as
/// [`crate::text::decode`] and [`crate::text::normalise_line_ends`] leave
/// them), flexible in length, cells trimmed. Stops at the first record the
/// CSV reader refuses, and says where.
pub fn read_rows(text: &str, delimiter: u8, limit: usize) -> (Vec<Row>, Option<BadRecord>) {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let newlines: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
    let line_of = |pos: Option<&csv::Position>| pos.map_or(0, |p| line_at(text, &newlines, p.byte()));
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    while rows.len() < limit {
        match reader.read_record(&mut record) {
            Ok(true) => {
                let cells = record.iter().map(|c| c.trim().to_string()).collect();
                rows.push(Row { line: line_of(record.position()), cells });
            }
            Ok(false) => break,
            Err(err) => return (rows, Some(BadRecord { line: line_of(err.position()), reason: err.to_string() })),
        }
    }
    (rows, None)
}

/// A header row found by [`find_header`]: the delimiter it was read with,
/// its index among the records, its line and its cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderRow {
    pub delimiter: u8,
    pub row_idx: usize,
    pub line: usize,
    pub cells: Vec<String>,
}

/// The header of a table whose first rows may be something else (a title,
/// project fields): among the first `search_rows` records, read with each
/// of `delimiters`, the first row `score` accepts (`Some(columns it
/// recognised)`). The reading that recognises most columns wins, then the
/// earlier row, then the order of `delimiters`: a `;` file read with `,`
/// yields one cell nothing recognises.
pub fn find_header(
    text: &str,
    delimiters: &[u8],
    search_rows: usize,
    score: impl Fn(&[String]) -> Option<usize>,
) -> Option<HeaderRow> {
    let mut best: Option<(HeaderRow, usize)> = None;
    for &delimiter in delimiters {
        let (rows, _) = read_rows(text, delimiter, search_rows);
        let found = rows.into_iter().enumerate().find_map(|(row_idx, row)| {
            score(&row.cells).map(|n| (HeaderRow { delimiter, row_idx, line: row.line, cells: row.cells }, n))
        });
        if let Some((header, n)) = found
            && best.as_ref().is_none_or(|(b, old)| n > *old || (n == *old && header.line < b.line))
        {
            best = Some((header, n));
        }
    }
    best.map(|(header, _)| header)
}

/// The 1-based line of the first character of a record the csv crate
/// started reading at `byte` (`newlines` holds the offset of every LF in
/// `text`). The crate's own line count starts before the blank lines it
/// skips, so it would be one short after each of them.
fn line_at(text: &str, newlines: &[usize], byte: u64) -> usize {
    let start = usize::try_from(byte).unwrap_or(usize::MAX).min(text.len());
    let rest = text.as_bytes().get(start..).unwrap_or_default();
    let first = start + rest.iter().take_while(|&&b| b == b'\n').count();
    1 + newlines.partition_point(|&nl| nl < first)
}

/// In a `;` sheet typed by hand an unquoted drop-frame label `14:31:00;10`
/// arrives as two cells, `14:31:00` and `10`, shifting every later column.
/// While the row is longer than its header (`header_len` cells), such a
/// pair is joined back, but only where a timecode column (`tc_columns`, by
/// index) holds a whole `H?H:MM:SS` and the next cell two frame digits, as
/// drop-frame labels are written: `14:31:00;3` under `Timecode;Rating` is
/// a rating of 3, not frame 3, and the row's extra cell is elsewhere.
/// Returns the labels it joined, for the caller to report: a join is a
/// guess ([`rejoined_reason`]).
pub fn rejoin_drop_frame(cells: &mut Vec<String>, header_len: usize, tc_columns: &[usize]) -> Vec<String> {
    let mut joined = Vec::new();
    let mut i = 0;
    // Cells before `i` are already aligned with the header's columns.
    while cells.len() > header_len && i + 1 < cells.len() {
        let (hms, frames) = (cells[i].trim(), cells[i + 1].trim());
        if tc_columns.contains(&i) && is_hms(hms) && frames.len() == 2 && frames.bytes().all(|b| b.is_ascii_digit()) {
            cells[i] = format!("{hms};{frames}");
            cells.remove(i + 1);
            joined.push(cells[i].clone());
        }
        i += 1;
    }
    joined
}

/// What to tell the user of the labels [`rejoin_drop_frame`] joined.
pub fn rejoined_reason(joined: &[String]) -> String {
    format!(
        "read {} as drop-frame timecode split by the ';' separator (quote such cells to be sure)",
        joined.join(" and ")
    )
}

/// `H?H:MM:SS`, hours below 24, minutes and seconds below 60.
fn is_hms(s: &str) -> bool {
    let fields: Vec<&str> = s.split(':').collect();
    let number = |f: &str, lens: std::ops::RangeInclusive<usize>, max: u32| {
        lens.contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()) && f.parse::<u32>().is_ok_and(|n| n <= max)
    };
    matches!(fields.as_slice(), [h, m, s] if number(h, 1..=2, 23) && number(m, 2..=2, 59) && number(s, 2..=2, 59))
}

/// The extensions [`workbook_sheets`] reads.
pub const WORKBOOK_EXTENSIONS: [&str; 4] = ["xlsx", "xlsm", "xls", "ods"];

/// Every worksheet of a workbook, in order, as its name and its cells as
/// CSV text (`,` between cells, quoted where needed): line *n* of the text
/// is row *n* of the sheet (rows above the first filled one are blank
/// lines), and a line break inside a cell becomes a space so that the
/// count holds. Dates are written `YYYY-MM-DD` (with the time when it is
/// not midnight), whole numbers without a decimal point, and an error
/// cell (`#N/A`) as Excel shows it. Through calamine; `Err` says why the
/// file is not a workbook it reads.
pub fn workbook_sheets(bytes: &[u8]) -> Result<Vec<(String, String)>, String> {
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a workbook: {e}"))?;
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let range = match book.worksheet_range(&name) {
            Ok(r) => r,
            // A chart sheet or a sheet that does not read: the others do.
            Err(_) => continue,
        };
        let mut text = String::new();
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        for _ in 0..first_row {
            text.push('\n');
        }
        for row in range.rows() {
            let lead = std::iter::repeat_n(String::new(), first_col as usize);
            let cells: Vec<String> = lead.chain(row.iter().map(cell_text)).collect();
            let fields: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
            text.push_str(fields.join(",").trim_end_matches(','));
            text.push('\n');
        }
        sheets.push((name, text));
    }
    Ok(sheets)
}

/// A cell as a person reads it in Excel, on one line.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    let text = match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTime(dt) => dt.as_f64().to_string(),
        Data::Error(e) => e.to_string(),
    };
    text.replace(['\r', '\n'], " ")
}

/// A CSV field, quoted when it holds a comma or a quote.
fn csv_field(cell: &str) -> String {
    if cell.contains([',', '"']) { format!("\"{}\"", cell.replace('"', "\"\"")) } else { cell.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(row: &str) -> Vec<String> {
        row.split(';').map(str::to_string).collect()
    }

    #[test]
    fn rejoins_only_two_digit_frames_in_timecode_columns() {
        let check = |row: &str, header_len: usize, tc: &[usize], want: &str, want_joined: &[&str]| {
            let mut c = cells(row);
            let joined = rejoin_drop_frame(&mut c, header_len, tc);
            assert_eq!((c.join("|"), joined), (want.to_string(), want_joined.iter().map(|s| s.to_string()).collect()));
        };
        check(
            "C1;14:30:59;29;14:31:00;04;good",
            4,
            &[1, 2],
            "C1|14:30:59;29|14:31:00;04|good",
            &["14:30:59;29", "14:31:00;04"],
        );
        // A rating after a whole timecode is the next column.
        check("14:31:00;3;x;y", 3, &[0], "14:31:00|3|x|y", &[]);
        // Not a timecode column.
        check("14:31:00;10;x", 2, &[1], "14:31:00|10|x", &[]);
        // Not a label: minutes past 59.
        check("14:61:00;10;x", 2, &[0], "14:61:00|10|x", &[]);
        // Already as long as the header: nothing to join.
        check("14:31:00;10", 2, &[0], "14:31:00|10", &[]);
    }

    #[test]
    fn lines_count_blank_lines_and_quoted_breaks() {
        let (rows, bad) = read_rows("a,b\n\n\n1,\"x\ny\"\n\n2,z\n", b',', usize::MAX);
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 4, 7]);
        assert_eq!(bad, None);
    }

    #[test]
    fn delimiters_and_keys() {
        assert_eq!(sniff_delimiter("Clip;TC In;\"a,b,c\""), b';');
        assert_eq!(sniff_delimiter("a\tb\tc,d"), b'\t');
        assert_eq!(sniff_delimiter("abc"), b',');
        assert_eq!(header_key(" TC-In: "), "tcin");
        let header: Vec<String> = ["Clip Name", "TC_IN"].map(String::from).to_vec();
        assert_eq!((find_column(&header, &["tcin"]), find_column(&header, &["out"])), (Some(1), None));
    }
}
