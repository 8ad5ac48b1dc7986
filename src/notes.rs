//! The AP's shoot notes: timecoded remarks typed on set, either as a
//! spreadsheet export (CSV or TSV, any column order, any of the usual
//! column names, the header not necessarily on row 1) or as a plain-text
//! log with one note per line (`14:31:05;00 [A] Maria describes the flood
//! #flood`). Pure: bytes in, notes plus diagnostics out. A note keeps its
//! timecode as written and only its shape is checked here, because only
//! `merge` knows the rate (and drop-frame flag) of the clip it lands in.
//! A file that is not a notes file at all (some other CSV, a README in the
//! dump) is reported as such instead of becoming a pile of diagnostics.

use serde::{Deserialize, Serialize};

use crate::{date, text};

/// One timecoded remark.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// The timecode as written, trimmed: `14:31:05;00`, `14:31:05:12`, or
    /// `14:31:05` without frames. Its shape has been checked.
    pub tc: String,
    /// An out point as written, when the log gives one.
    pub tc_out: Option<String>,
    /// Camera letter or reel as written (`A`, `B-cam`, `SOUND`).
    pub camera: Option<String>,
    /// Clip or file name as written.
    pub clip: Option<String>,
    /// The remark itself, trimmed, inner line breaks kept as `\n`,
    /// hashtags left in place.
    pub text: String,
    /// From a tags column and from `#hashtags` in the text, without `#`,
    /// in order of appearance, case-insensitive duplicates dropped.
    pub tags: Vec<String>,
    /// Rating, stars or circled mark as written.
    pub rating: Option<String>,
    pub speaker: Option<String>,
    /// `YYYY-MM-DD`, from a date column or a day heading in a text log.
    pub day: Option<String>,
    /// 1-based line where the record starts.
    pub line: usize,
}

/// Something in the file that could not become a note. Line 0 means the
/// file as a whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub line: usize,
    pub reason: String,
}

/// What a file turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Notes {
        notes: Vec<Note>,
        diagnostics: Vec<Diagnostic>,
        /// WHATWG name of the encoding the file was read as.
        encoding: &'static str,
    },
    /// Not a notes file; `reason` says what was missing.
    NotNotes { reason: String },
}

/// How many rows may precede the header: sound reports put a block of
/// project fields (mixer, roll, rates) above the real header.
const HEADER_SEARCH_ROWS: usize = 30;

/// Parses a notes file. `ext` is the lower-case extension: `txt` is a
/// plain-text log (or a tab-delimited spreadsheet saved as text, as Excel
/// does), `tsv` is tab-delimited, anything else is a spreadsheet whose
/// delimiter (`,`, `;` or tab) is found from its header.
pub fn parse(bytes: &[u8], ext: &str) -> Outcome {
    let decoded = text::decode(bytes);
    let body = decoded.text.as_str();
    let parsed = match ext {
        "txt" => parse_txt(body),
        "tsv" => parse_table(body, b"\t"),
        _ => parse_table(body, b",;\t"),
    };
    match parsed {
        Ok((notes, mut diagnostics)) => {
            if decoded.had_errors {
                let reason = format!("some bytes are not valid {} and were replaced", decoded.encoding);
                diagnostics.insert(0, Diagnostic { line: 0, reason });
            }
            Outcome::Notes { notes, diagnostics, encoding: decoded.encoding }
        }
        Err(reason) => Outcome::NotNotes { reason },
    }
}

type Parsed = (Vec<Note>, Vec<Diagnostic>);

// ------------------------------------------------------------------ tables

/// What a header column means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Tc,
    Out,
    Camera,
    Reel,
    Clip,
    Text,
    Tags,
    Rating,
    Speaker,
    Day,
}

/// The role of a header cell. Names are compared lower-cased with
/// everything but letters and digits removed, so `TC In`, `tc_in` and
/// `TC-IN:` are one name.
fn role_of(header: &str) -> Option<Role> {
    let key: String = header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
    let role = match key.as_str() {
        "timecode" | "tc" | "time" | "in" | "tcin" | "intc" | "timecodein" | "start" | "starttc" => Role::Tc,
        "out" | "tcout" | "outtc" | "timecodeout" | "end" | "endtc" => Role::Out,
        "camera" | "cam" => Role::Camera,
        "reel" => Role::Reel,
        "clip" | "clipname" | "file" | "filename" => Role::Clip,
        "note" | "notes" | "text" | "comment" | "comments" | "description" => Role::Text,
        "tags" | "tag" | "keywords" => Role::Tags,
        "rating" | "stars" | "circled" => Role::Rating,
        "speaker" | "who" | "talent" => Role::Speaker,
        "day" | "date" | "shootday" => Role::Day,
        _ => return None,
    };
    Some(role)
}

/// Column index of each role; the first column with a role wins.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Columns {
    tc: Option<usize>,
    out: Option<usize>,
    camera: Option<usize>,
    reel: Option<usize>,
    clip: Option<usize>,
    text: Option<usize>,
    tags: Option<usize>,
    rating: Option<usize>,
    speaker: Option<usize>,
    day: Option<usize>,
}

impl Columns {
    fn from_header(cells: &[String]) -> Columns {
        let mut columns = Columns::default();
        for (idx, cell) in cells.iter().enumerate() {
            if let Some(role) = role_of(cell) {
                columns.slot(role).get_or_insert(idx);
            }
        }
        columns
    }

    fn slot(&mut self, role: Role) -> &mut Option<usize> {
        match role {
            Role::Tc => &mut self.tc,
            Role::Out => &mut self.out,
            Role::Camera => &mut self.camera,
            Role::Reel => &mut self.reel,
            Role::Clip => &mut self.clip,
            Role::Text => &mut self.text,
            Role::Tags => &mut self.tags,
            Role::Rating => &mut self.rating,
            Role::Speaker => &mut self.speaker,
            Role::Day => &mut self.day,
        }
    }

    /// How many roles were recognised: ranks competing header candidates.
    fn recognised(&self) -> usize {
        [
            self.tc,
            self.out,
            self.camera,
            self.reel,
            self.clip,
            self.text,
            self.tags,
            self.rating,
            self.speaker,
            self.day,
        ]
        .iter()
        .filter(|c| c.is_some())
        .count()
    }
}

/// One CSV record, cells trimmed.
struct Row {
    line: usize,
    cells: Vec<String>,
}

/// The header row chosen for a table.
struct Header {
    delimiter: u8,
    row_idx: usize,
    line: usize,
    cells: Vec<String>,
    columns: Columns,
}

/// Reads records (at most `limit`), flexible in length. The csv crate
/// reports the line each record starts on, which stays right across
/// quoted newlines because `text::decode` already made every line end `\n`.
fn read_rows(text: &str, delimiter: u8, limit: usize) -> (Vec<Row>, Option<Diagnostic>) {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    while rows.len() < limit {
        match reader.read_record(&mut record) {
            Ok(true) => {
                let line = record.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
                rows.push(Row { line, cells: record.iter().map(|c| c.trim().to_string()).collect() });
            }
            Ok(false) => break,
            Err(err) => {
                let line = err.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
                return (rows, Some(Diagnostic { line, reason: format!("CSV: {err}") }));
            }
        }
    }
    (rows, None)
}

/// The header: the first row, among the first [`HEADER_SEARCH_ROWS`], that
/// has a timecode column. Each delimiter is tried and the reading that
/// recognises most columns wins (then the earlier row, then the order of
/// `delimiters`): a `;` file read with `,` yields one unrecognisable cell.
fn find_header(text: &str, delimiters: &[u8]) -> Option<Header> {
    let mut best: Option<Header> = None;
    for &delimiter in delimiters {
        let (rows, _) = read_rows(text, delimiter, HEADER_SEARCH_ROWS);
        let found = rows.into_iter().enumerate().find_map(|(row_idx, row)| {
            let columns = Columns::from_header(&row.cells);
            columns.tc.is_some().then_some(Header { delimiter, row_idx, line: row.line, cells: row.cells, columns })
        });
        if let Some(header) = found {
            let better = best.as_ref().is_none_or(|b| {
                let (new, old) = (header.columns.recognised(), b.columns.recognised());
                new > old || (new == old && header.line < b.line)
            });
            if better {
                best = Some(header);
            }
        }
    }
    best
}

fn parse_table(text: &str, delimiters: &[u8]) -> Result<Parsed, String> {
    find_header(text, delimiters).map(|header| read_table(text, &header)).ok_or_else(|| {
        format!(
            "no header with a timecode column (Timecode, TC, TC In, Start TC...) in the first {HEADER_SEARCH_ROWS} rows"
        )
    })
}

fn read_table(text: &str, header: &Header) -> Parsed {
    let (rows, error) = read_rows(text, header.delimiter, usize::MAX);
    let mut notes = Vec::new();
    let mut diagnostics = Vec::new();
    for row in rows.iter().skip(header.row_idx + 1) {
        // Exports that concatenate sheets repeat the header mid-file.
        if row.cells == header.cells {
            continue;
        }
        let rejoined;
        let row = if header.delimiter == b';' && row.cells.len() > header.cells.len() {
            rejoined = rejoin_drop_frame(row, header.cells.len(), &header.columns, &mut diagnostics);
            &rejoined
        } else {
            row
        };
        // Cells past the header's have no column: most often an unquoted
        // separator inside the text. Said, so the words are not lost unseen.
        let extra: Vec<&str> =
            row.cells.iter().skip(header.cells.len()).map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
        if !extra.is_empty() {
            let reason = format!(
                "{} cells but the header has {}; not read: {:?} (quote cells that hold the separator)",
                row.cells.len(),
                header.cells.len(),
                extra.join(" | ")
            );
            diagnostics.push(Diagnostic { line: row.line, reason });
        }
        if let Some(note) = row_note(row, &header.columns, &mut diagnostics) {
            notes.push(note);
        }
    }
    diagnostics.extend(error);
    (notes, diagnostics)
}

/// A `;`-separated sheet typed by hand with drop-frame timecodes unquoted
/// splits `14:31:00;10` into `14:31:00` and `10`, shifting every later
/// column. While the row is longer than its header, such a pair is joined
/// back; a row with no such pair is left as it is. Only a timecode column
/// (in or out) is joined with the cell after it, and only to two frame
/// digits as drop-frame labels are written: `14:31:00;3;...` under
/// `Timecode;Rating` is a rating of 3, not frame 3, and the row's extra
/// cell is elsewhere. A join is a guess, so it is reported.
fn rejoin_drop_frame(row: &Row, header_len: usize, columns: &Columns, diagnostics: &mut Vec<Diagnostic>) -> Row {
    let mut cells = row.cells.clone();
    let mut joined = Vec::new();
    let mut i = 0;
    // Cells before `i` are already aligned with the header's columns.
    while cells.len() > header_len && i + 1 < cells.len() {
        let tc_column = columns.tc == Some(i) || columns.out == Some(i);
        let (hms, frames) = (cells[i].trim(), cells[i + 1].trim());
        let split_df = tc_column
            && hms.len() >= 7
            && hms.bytes().filter(|&b| b == b':').count() == 2
            && frames.len() == 2
            && frames.bytes().all(|b| b.is_ascii_digit())
            && check_tc(&format!("{hms};{frames}")).is_ok();
        if split_df {
            cells[i] = format!("{hms};{frames}");
            cells.remove(i + 1);
            joined.push(cells[i].clone());
        }
        i += 1;
    }
    if !joined.is_empty() {
        let reason = format!(
            "read {} as drop-frame timecode split by the ';' separator (quote such cells to be sure)",
            joined.join(" and ")
        );
        diagnostics.push(Diagnostic { line: row.line, reason });
    }
    Row { line: row.line, cells }
}

fn row_note(row: &Row, columns: &Columns, diagnostics: &mut Vec<Diagnostic>) -> Option<Note> {
    let cell =
        |col: Option<usize>| col.and_then(|idx| row.cells.get(idx)).map(String::as_str).filter(|s| !s.is_empty());
    let text = cell(columns.text).unwrap_or("");
    let tags_cell = cell(columns.tags);
    let mut report = |reason: String| diagnostics.push(Diagnostic { line: row.line, reason });
    let Some(tc) = cell(columns.tc) else {
        // A row with nothing to say (blank, or only a camera letter filled
        // in ahead of time) is not worth a warning.
        if !text.is_empty() || tags_cell.is_some() {
            report("no timecode".to_string());
        }
        return None;
    };
    if let Err(reason) = check_tc(tc) {
        report(reason);
        return None;
    }
    let tc_out = cell(columns.out).filter(|out| match check_tc(out) {
        Ok(()) => true,
        Err(reason) => {
            report(format!("out point ignored: {reason}"));
            false
        }
    });
    let mut tags = Vec::new();
    for tag in tags_cell.unwrap_or("").split([',', ';']).flat_map(str::split_whitespace) {
        add_tag(&mut tags, tag.trim_start_matches('#'));
    }
    for tag in hashtags(text) {
        add_tag(&mut tags, tag);
    }
    Some(Note {
        tc: tc.to_string(),
        tc_out: tc_out.map(str::to_string),
        // The camera column wins; a reel column stands in where it is blank.
        camera: cell(columns.camera).or(cell(columns.reel)).map(str::to_string),
        clip: cell(columns.clip).map(str::to_string),
        text: text.to_string(),
        tags,
        rating: cell(columns.rating).map(str::to_string),
        speaker: cell(columns.speaker).map(str::to_string),
        day: cell(columns.day).and_then(parse_date),
        line: row.line,
    })
}

// -------------------------------------------------------------- plain text

/// A `.txt` is usually a plain log, but Excel's "Text (Tab delimited)" and
/// "Unicode Text" exports are `.txt` too: a header with a timecode column
/// and at least one other known column, above the first timecoded line,
/// makes it a table.
fn parse_txt(text: &str) -> Result<Parsed, String> {
    let first_note_line = text.lines().position(|l| matches!(plain_line(l.trim()), Plain::Note(_))).map(|idx| idx + 1);
    if let Some(header) = find_header(text, b"\t,;")
        && header.columns.recognised() >= 2
        && first_note_line.is_none_or(|line| header.line < line)
    {
        return Ok(read_table(text, &header));
    }
    let mut notes = Vec::new();
    let mut diagnostics = Vec::new();
    let mut day = None;
    for (idx, raw) in text.lines().enumerate() {
        let line = idx + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        match plain_line(trimmed) {
            Plain::Note(parts) => {
                let mut tags = Vec::new();
                for tag in hashtags(parts.text) {
                    add_tag(&mut tags, tag);
                }
                notes.push(Note {
                    tc: parts.tc.to_string(),
                    tc_out: parts.tc_out.map(str::to_string),
                    camera: parts.camera.map(str::to_string),
                    clip: None,
                    text: parts.text.to_string(),
                    tags,
                    rating: None,
                    speaker: None,
                    day: day.clone(),
                    line,
                });
            }
            Plain::BadTc(reason) => diagnostics.push(Diagnostic { line, reason }),
            Plain::Other => {
                if let Some(heading) = day_heading(trimmed) {
                    day = Some(heading);
                } else if !is_comment(trimmed) {
                    diagnostics.push(Diagnostic { line, reason: "does not start with a timecode".to_string() });
                }
            }
        }
    }
    if notes.is_empty() {
        return Err("no line starts with a timecode".to_string());
    }
    Ok((notes, diagnostics))
}

/// The pieces of a `TC [- TC] [[CAM]] [-|:] text` line.
struct PlainNote<'a> {
    tc: &'a str,
    tc_out: Option<&'a str>,
    camera: Option<&'a str>,
    text: &'a str,
}

enum Plain<'a> {
    Note(PlainNote<'a>),
    /// Starts like a timecode (digits with a `:`) but is not one.
    BadTc(String),
    Other,
}

fn plain_line(line: &str) -> Plain<'_> {
    let (tc, rest) = match leading_tc(line) {
        None => return Plain::Other,
        Some(Err(reason)) => return Plain::BadTc(reason),
        Some(Ok(found)) => found,
    };
    let mut rest = rest.trim_start();
    // `14:31:05 - 14:31:20 text`: a range. `14:31:05 - text` is not.
    let mut tc_out = None;
    if let Some(Some(Ok((out, after)))) = strip_separator(rest).map(|r| leading_tc(r.trim_start())) {
        tc_out = Some(out);
        rest = after.trim_start();
    }
    let mut camera = None;
    if let Some((cam, after)) = rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
        camera = Some(cam.trim()).filter(|c| !c.is_empty());
        rest = after.trim_start();
    }
    let text = strip_separator(rest).unwrap_or(rest).trim();
    Plain::Note(PlainNote { tc, tc_out, camera, text })
}

/// The timecode a line starts with and the rest of the line. `None` when
/// the line does not start with digits containing a `:`.
fn leading_tc(s: &str) -> Option<Result<(&str, &str), String>> {
    let end = s.find(|c: char| !(c.is_ascii_digit() || matches!(c, ':' | ';' | '.'))).unwrap_or(s.len());
    let (token, rest) = s.split_at(end);
    if !token.starts_with(|c: char| c.is_ascii_digit()) || !token.contains(':') {
        return None;
    }
    // `14:31:05: text` and `14:31:05. text`: the last separator is punctuation.
    let tc = token.trim_end_matches([':', ';', '.']);
    let ends_cleanly = tc.len() < token.len()
        || rest.chars().next().is_none_or(|c| c.is_whitespace() || matches!(c, '[' | '-' | '–' | '—' | '|'));
    if !ends_cleanly {
        return Some(Err(format!("timecode {token:?} runs into the text")));
    }
    Some(check_tc(tc).map(|()| (tc, rest)))
}

/// A separator between the parts of a log line.
fn strip_separator(s: &str) -> Option<&str> {
    ["-->", "->", "--", "-", "–", "—", "|", ":"].iter().find_map(|sep| s.strip_prefix(sep))
}

fn is_comment(line: &str) -> bool {
    line.starts_with("//")
        || line
            .strip_prefix('#')
            .is_some_and(|r| r.is_empty() || r.starts_with(|c: char| c.is_whitespace() || c == '#'))
}

/// A line naming the shoot day: `2026-03-14`, `DAY 3 - 2026-03-14`,
/// `## Day 3: Saturday 2026-03-14`. Only words like these may stand beside
/// the one date, so a sentence that mentions a date is not a heading.
fn day_heading(line: &str) -> Option<String> {
    let body = line.trim_start_matches('#');
    let words =
        body.split(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | '|' | '(' | ')' | '–' | '—' | '=' | '*'));
    let mut found = None;
    for word in words.filter(|w| !w.is_empty() && *w != "-") {
        if let Some(day) = parse_date(word) {
            if found.is_some() {
                return None;
            }
            found = Some(day);
            continue;
        }
        let lower = word.to_lowercase();
        let numbered = lower.strip_prefix("day").unwrap_or(&lower);
        let is_day_number = !numbered.is_empty() && numbered.len() <= 3 && numbered.bytes().all(|b| b.is_ascii_digit());
        let is_day_word = matches!(
            lower.as_str(),
            "day"
                | "shoot"
                | "shooting"
                | "monday"
                | "tuesday"
                | "wednesday"
                | "thursday"
                | "friday"
                | "saturday"
                | "sunday"
        );
        if !(is_day_number || is_day_word) {
            return None;
        }
    }
    found
}

// ------------------------------------------------------------------ values

/// Checks the shape `H?H:MM:SS` with optional `[:;.]FF` (1 to 3 digits),
/// hours below 24 and minutes and seconds below 60. Frames are not bounded
/// here: their limit depends on the rate of the clip the note lands in.
fn check_tc(tc: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("timecode {tc:?}: {why}"));
    if tc.is_empty() {
        return bad("empty");
    }
    let fields: Vec<&str> = tc.split([':', ';', '.']).collect();
    let digits = |s: &str, lens: std::ops::RangeInclusive<usize>| {
        lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    let shape_ok = match fields.as_slice() {
        [hh, mm, ss, rest @ ..] => {
            // Hours, minutes and seconds are separated by `:` only; `;` and
            // `.` mark drop-frame or Avid frames and come last.
            let colons = tc.get(hh.len()..=hh.len()) == Some(":") && tc.get(hh.len() + 3..=hh.len() + 3) == Some(":");
            colons
                && digits(hh, 1..=2)
                && digits(mm, 2..=2)
                && digits(ss, 2..=2)
                && match rest {
                    [] => true,
                    [ff] => digits(ff, 1..=3),
                    _ => false,
                }
        }
        _ => false,
    };
    if !shape_ok {
        return bad("expected HH:MM:SS or HH:MM:SS:FF");
    }
    let value = |idx: usize| fields.get(idx).and_then(|f| f.parse::<u32>().ok()).unwrap_or(0);
    if value(0) > 23 {
        return bad("hours above 23");
    }
    if value(1) > 59 {
        return bad("minutes above 59");
    }
    if value(2) > 59 {
        return bad("seconds above 59");
    }
    Ok(())
}

/// `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYYMMDD` (a date-time keeps its date),
/// normalised to `YYYY-MM-DD`. Day-first and month-first forms are refused:
/// `03/04/2026` means different days on either side of the Atlantic.
fn parse_date(text: &str) -> Option<String> {
    let s = text.trim().split([' ', 'T']).next()?;
    let num = |p: &str, lens: std::ops::RangeInclusive<usize>| -> Option<u32> {
        if lens.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) { p.parse().ok() } else { None }
    };
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return date::ymd(num(s.get(0..4)?, 4..=4)?, num(s.get(4..6)?, 2..=2)?, num(s.get(6..8)?, 2..=2)?);
    }
    ['-', '/'].iter().find_map(|&sep| match s.split(sep).collect::<Vec<_>>().as_slice() {
        [y, m, d] => date::ymd(num(y, 4..=4)?, num(m, 1..=2)?, num(d, 1..=2)?),
        _ => None,
    })
}

/// `#hashtags` in free text. A `#` only starts a tag at the start of a
/// word (not `C#`, not `&#39;`), and a tag needs a letter (`take #3` is a
/// number, not a tag).
fn hashtags(text: &str) -> Vec<&str> {
    let mut tags = Vec::new();
    let mut prev: Option<char> = None;
    for (idx, c) in text.char_indices() {
        let starts_word = prev.is_none_or(|p| !(p.is_alphanumeric() || matches!(p, '_' | '#' | '&')));
        if c == '#' && starts_word {
            // `#` is one byte, so idx + 1 is a char boundary.
            let rest = text.get(idx + 1..).unwrap_or("");
            let len = rest.find(|ch: char| !(ch.is_alphanumeric() || matches!(ch, '_' | '-'))).unwrap_or(rest.len());
            let tag = rest.get(..len).unwrap_or("").trim_end_matches('-');
            if tag.chars().any(char::is_alphabetic) {
                tags.push(tag);
            }
        }
        prev = Some(c);
    }
    tags
}

fn add_tag(tags: &mut Vec<String>, tag: &str) {
    let tag = tag.trim();
    if !tag.is_empty() && !tags.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
        tags.push(tag.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// One line per note (`line: tc fields "text"`), one per diagnostic
    /// (`! line: reason`), after a line naming the encoding.
    fn render(outcome: &Outcome) -> String {
        let (notes, diagnostics, encoding) = match outcome {
            Outcome::NotNotes { reason } => return format!("not notes: {reason}"),
            Outcome::Notes { notes, diagnostics, encoding } => (notes, diagnostics, encoding),
        };
        let mut out = vec![format!("encoding {encoding}")];
        for n in notes {
            let mut s = format!("{}: {}", n.line, n.tc);
            let fields = [
                ("out", &n.tc_out),
                ("cam", &n.camera),
                ("clip", &n.clip),
                ("who", &n.speaker),
                ("day", &n.day),
                ("rating", &n.rating),
            ];
            for (name, value) in fields {
                if let Some(v) = value {
                    s += &format!(" {name}={v}");
                }
            }
            if !n.tags.is_empty() {
                s += &format!(" tags={}", n.tags.join(","));
            }
            s += &format!(" {:?}", n.text);
            out.push(s);
        }
        out.extend(diagnostics.iter().map(|d| format!("! {}: {}", d.line, d.reason)));
        out.join("\n")
    }

    #[track_caller]
    fn check(input: &[u8], ext: &str, expected: &str) {
        let expected: Vec<&str> = expected.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        assert_eq!(render(&parse(input, ext)), expected.join("\n"));
    }

    fn utf16le_bom(text: &str) -> Vec<u8> {
        [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect()
    }

    #[test]
    fn bom_semicolons_and_quoted_newline() {
        check(
            b"\xEF\xBB\xBFTimecode;Cam;Note;Tags;Rating\r\n\
              14:31:00:10;A;\"Maria at the door,\r\nsecond line\";flood;5\r\n\
              14:31:11;B;\"She said \"\"run\"\"\";quote #Flood;4\r\n",
            "csv",
            r#"
            encoding UTF-8
            2: 14:31:00:10 cam=A rating=5 tags=flood "Maria at the door,\nsecond line"
            4: 14:31:11 cam=B rating=4 tags=quote,Flood "She said \"run\""
            "#,
        );
    }

    #[test]
    fn semicolon_sheet_with_unquoted_drop_frame_timecodes() {
        // Typed by hand: `;` both separates cells and marks drop frame. A
        // quoted one, a full row and a row whose frames are not digits.
        check(
            b"Timecode;Out;Cam;Note\n\
              14:31:00;10;14:31:05;02;A;Maria at the door; the water rose\n\
              \"14:31:06;00\";;B;quoted\n\
              14:31:07;ab;C;not frames\n",
            "csv",
            r#"
            encoding UTF-8
            2: 14:31:00;10 out=14:31:05;02 cam=A "Maria at the door"
            3: 14:31:06;00 cam=B "quoted"
            4: 14:31:07 cam=C "not frames"
            ! 2: read 14:31:00;10 and 14:31:05;02 as drop-frame timecode split by the ';' separator (quote such cells to be sure)
            ! 2: 5 cells but the header has 4; not read: "the water rose" (quote cells that hold the separator)
            ! 4: out point ignored: timecode "ab": expected HH:MM:SS or HH:MM:SS:FF
            "#,
        );
    }

    #[test]
    fn semicolon_sheet_rejoins_only_timecode_columns() {
        // A number after a whole timecode is the next column, not frames:
        // the row's extra cell is the unquoted `;` in the note.
        check(
            b"Timecode;Cam;Note\n\
              14:31:00;2;Maria at the door; the water rose\n\
              14:31:05;02;Maria again\n",
            "csv",
            r#"
            encoding UTF-8
            2: 14:31:00 cam=2 "Maria at the door"
            3: 14:31:05 cam=02 "Maria again"
            ! 2: 4 cells but the header has 3; not read: "the water rose" (quote cells that hold the separator)
            "#,
        );
    }

    #[test]
    fn missing_timecode_line_counts_quoted_newlines() {
        check(
            b"tc,note\n\
              14:31:00,\"one\ntwo\nthree\"\n\
              ,no timecode here\n\
              \n\
              ,\n\
              25:00:00,hours out of range\n\
              14:31:00;5x,junk frames\n\
              14:32,no seconds\n\
              14:33:00:00,\"last\"\n",
            "csv",
            r#"
            encoding UTF-8
            2: 14:31:00 "one\ntwo\nthree"
            11: 14:33:00:00 "last"
            ! 5: no timecode
            ! 8: timecode "25:00:00": hours above 23
            ! 9: timecode "14:31:00;5x": expected HH:MM:SS or HH:MM:SS:FF
            ! 10: timecode "14:32": expected HH:MM:SS or HH:MM:SS:FF
            "#,
        );
    }

    #[test]
    fn tsv_and_odd_columns() {
        check(
            b"Description\tCam\tTC\tTC Out\tWho\tShoot Day\tCLIP_NAME\n\
              Maria at the door\tA\t14:31:00;02\t14:31:01;00\tMaria\t2026/03/14\tC0001.MP4\n\
              wide\tb\t1:02:03.4\t99:00:00\t\t20260315\t\n",
            "tsv",
            r#"
            encoding UTF-8
            2: 14:31:00;02 out=14:31:01;00 cam=A clip=C0001.MP4 who=Maria day=2026-03-14 "Maria at the door"
            3: 1:02:03.4 cam=b day=2026-03-15 "wide"
            ! 3: out point ignored: timecode "99:00:00": hours above 23
            "#,
        );
        // A comma-separated file with the same columns in another order.
        check(
            b"notes, Stars ,time,REEL,camera,date\n\"a, b\",*,14:31:05,R1,,14/03/2026\nc,,14:31:06,R2,B,2026-02-30\n",
            "csv",
            r#"
            encoding UTF-8
            2: 14:31:05 cam=R1 rating=* "a, b"
            3: 14:31:06 cam=B "c"
            "#,
        );
    }

    #[test]
    fn utf16_and_windows_1252() {
        check(
            &utf16le_bom("TC\tNote\r\n14:31:05:00\tcaf\u{e9} \u{20ac}5 #march\u{e9}\r\n"),
            "txt",
            r#"
            encoding UTF-16LE
            2: 14:31:05:00 tags=marché "café €5 #marché"
            "#,
        );
        check(
            b"Timecode,Comment\r\n14:31:05,Le caf\xE9 co\xFBte 5\x80 maintenant\r\n",
            "csv",
            r#"
            encoding windows-1252
            2: 14:31:05 "Le café coûte 5€ maintenant"
            "#,
        );
    }

    #[test]
    fn header_below_a_preamble_and_repeated() {
        check(
            b"SHOOT NOTES\nProject:,Flood\n\nStart TC,File Name,Notes\n14:31:05,T001.WAV,tone\nStart TC,File Name,Notes\n14:31:06,T002.WAV,\n",
            "csv",
            r#"
            encoding UTF-8
            5: 14:31:05 clip=T001.WAV "tone"
            7: 14:31:06 clip=T002.WAV ""
            "#,
        );
    }

    #[test]
    fn not_notes() {
        check(
            b"name,age\nMaria,41\n",
            "csv",
            "not notes: no header with a timecode column (Timecode, TC, TC In, Start TC...) in the first 30 rows",
        );
        check(
            b"",
            "csv",
            "not notes: no header with a timecode column (Timecode, TC, TC In, Start TC...) in the first 30 rows",
        );
        check(
            b"README\n======\n\nCopy the cards with the offload tool, then run:\n\n    rushes ingest 2026-03-14\n\nSee 14:31 for details.\n",
            "txt",
            "not notes: no line starts with a timecode",
        );
    }

    #[test]
    fn plain_text_logs() {
        check(
            b"Flood doc, AP log\n\
              DAY 3 - 2026-03-14\n\
              14:31:05;00 [A] Maria describes the flood #flood #Flood\n\
              14:31:06 A: no brackets, so A is text\n\
              14:31:07 - dash separated #broll-wide-\n\
              14:31:08\ttab separated, take #3, C# major, &#39;\n\
              # a comment\n\
              // another\n\
              ## Day 4 (Sunday) 2026-03-15\n\
              14:31:09:12 - 14:31:20:00 [ B ] a range\n\
              14:31:10\n\
              this line wraps from the one above\n\
              14:61:00 [A] bad minutes\n\
              14:31:05,000 --> 14:31:06,000\n",
            "txt",
            r#"
            encoding UTF-8
            3: 14:31:05;00 cam=A day=2026-03-14 tags=flood "Maria describes the flood #flood #Flood"
            4: 14:31:06 day=2026-03-14 "A: no brackets, so A is text"
            5: 14:31:07 day=2026-03-14 tags=broll-wide "dash separated #broll-wide-"
            6: 14:31:08 day=2026-03-14 "tab separated, take #3, C# major, &#39;"
            10: 14:31:09:12 out=14:31:20:00 cam=B day=2026-03-15 "a range"
            11: 14:31:10 day=2026-03-15 ""
            ! 1: does not start with a timecode
            ! 12: does not start with a timecode
            ! 13: timecode "14:61:00": minutes above 59
            ! 14: timecode "14:31:05" runs into the text
            "#,
        );
    }

    #[test]
    fn tab_delimited_txt_is_a_table() {
        check(
            b"Clip\tIn\tOut\tComments\nC0001\t14:31:00;02\t14:31:01;00\tgood #keeper\n",
            "txt",
            r#"
            encoding UTF-8
            2: 14:31:00;02 out=14:31:01;00 clip=C0001 tags=keeper "good #keeper"
            "#,
        );
    }

    #[test]
    fn wave_agent_sound_report() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/realdata/wavinfo/tests/test_files/WaveAgentSoundReport.csv");
        let bytes = std::fs::read(&path).expect("WaveAgent sound report in shared/realdata");
        let Outcome::Notes { notes, diagnostics, encoding } = parse(&bytes, "csv") else {
            panic!("not parsed as notes");
        };
        assert_eq!((encoding, diagnostics.len(), notes.len()), ("UTF-8", 0, 9));
        let last = notes.last().expect("nine notes");
        assert_eq!(
            *last,
            Note {
                tc: "13:37:30:07".into(),
                tc_out: None,
                camera: None,
                clip: Some("Sr001-2C-01_X.WAV".into()),
                text: "Tail Slate Cloth noise".into(),
                tags: vec![],
                rating: None,
                speaker: None,
                day: None,
                line: 15,
            }
        );
        assert_eq!((notes[0].line, notes[0].tc.as_str(), notes[0].text.as_str()), (7, "00:00:00:18", ""));
    }

    /// The fixture dump's notes (fixtures/README.md says where each lands).
    #[test]
    fn fixture_dump_notes() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dump/2026-03-14/NOTES");
        let read = |name: &str| std::fs::read(dir.join(name)).expect("fixture; run fixtures/make_dump.sh");
        check(
            &read("ap_log.csv"),
            "csv",
            r#"
            encoding UTF-8
            2: 14:31:00:10 cam=A rating=5 tags=flood "Maria at the door,\nsecond line of the note"
            4: 14:31:11 cam=B rating=4 tags=quote "Tom says everything went under"
            5: 14:33:00:00 cam=A "Wide of the street, nobody there"
            6: 14:31:05:12 cam=SOUND "Room tone starts"
            ! 7: no timecode
            "#,
        );
        check(
            &read("ap_log.txt"),
            "txt",
            r#"
            encoding UTF-8
            2: 14:31:01;00 cam=A day=2026-03-14 tags=flood "Maria describes the flood #flood"
            3: 14:32:01 cam=C day=2026-03-14 tags=broll,boat "GoPro on the boat #broll #boat"
            4: 14:32:01:10 day=2026-03-14 "Boat passes the church"
            "#,
        );
    }

    #[test]
    fn timecode_shapes() {
        for good in ["14:31:05", "4:31:05", "14:31:05:00", "14:31:05;00", "14:31:05.12", "23:59:59:119", "00:00:00.5"] {
            assert_eq!(check_tc(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "14:31",
            "14:31:5",
            "14;31;05;00",
            "14:31:05:1234",
            "24:00:00",
            "14:60:00",
            "14:31:60",
            "1:2:3:4:5",
            "14:31:05:",
            "ab:cd:ef",
        ] {
            assert!(check_tc(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates() {
        for (text, want) in [
            ("2026-03-14", Some("2026-03-14")),
            ("2026/3/4", Some("2026-03-04")),
            ("20260314", Some("2026-03-14")),
            ("2026-03-14T09:00:00Z", Some("2026-03-14")),
            ("2026-02-29", None),
            ("14/03/2026", None),
            ("03/14/2026", None),
            ("Day 3", None),
        ] {
            assert_eq!(parse_date(text).as_deref(), want, "{text}");
        }
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600), ext_idx in 0usize..4) {
            let ext = ["csv", "tsv", "txt", "xyz"][ext_idx];
            let _ = parse(&bytes, ext);
        }

        #[test]
        fn note_like_lines_never_panic(
            lines in proptest::collection::vec(
                proptest::sample::select(vec![
                    "Timecode;Cam;Note", "tc,note,tags", "14:31:05;00 [A] x #y", "\"", "\"\"", ";;", "\t",
                    "2026-03-14", "# c", "14:3", "99:99:99", "14:31:05:", "[", "#", "é€", "\r", "1:2:3.4",
                ]),
                0..12,
            ),
            ext_idx in 0usize..3,
        ) {
            let ext = ["csv", "tsv", "txt"][ext_idx];
            let text = lines.join("\n");
            if let Outcome::Notes { notes, .. } = parse(text.as_bytes(), ext) {
                for note in notes {
                    prop_assert!(check_tc(&note.tc).is_ok());
                    prop_assert!(note.line >= 1);
                }
            }
        }
    }
}
