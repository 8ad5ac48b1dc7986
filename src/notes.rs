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

use crate::date::{self, DateOrder};
use crate::sheet::{self, Row, header_key};
use crate::text::{self, Fate};

/// One timecoded remark.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// The timecode as written, trimmed: `14:31:05;00`, `14:31:05:12`, or
    /// `14:31:05` without frames (`14.31.05` and `14h31m05s` are written
    /// the usual way). Its shape has been checked. `None` for a note on a
    /// whole clip: a row naming its clip and no timecode.
    pub tc: Option<String>,
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

/// Something in the file that could not become a note, or became one with
/// a caveat (`fate`). Line 0 means the file as a whole.
pub use crate::text::Diagnostic;

/// What a file turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Notes {
        notes: Vec<Note>,
        diagnostics: Vec<Diagnostic>,
        /// WHATWG name of the encoding the file was read as.
        encoding: &'static str,
    },
    /// A sound report (Sound Devices, Zoom, Sonosax...): one row per
    /// recorded file, recognised by its file, scene and take columns.
    SoundReport { files: Vec<FileLog>, diagnostics: Vec<Diagnostic>, encoding: &'static str },
    /// Not a notes file; `reason` says what was missing.
    NotNotes { reason: String },
}

/// What a sound report says of one recorded file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileLog {
    /// 1-based line of the row.
    pub line: usize,
    /// The file name as logged: `A101_1.WAV`, or `A101_1_X.WAV` for the
    /// split-mono files of one take.
    pub file: String,
    pub scene: Option<String>,
    pub take: Option<String>,
    /// The take is circled (a print take); `None` when the report has no
    /// such column.
    pub circled: Option<bool>,
    /// The recordist's note, when there is one.
    pub note: Option<String>,
}

/// How many rows may precede the header: sound reports put a block of
/// project fields (mixer, roll, rates) above the real header.
const HEADER_SEARCH_ROWS: usize = 30;

/// Parses a notes file. `ext` is the lower-case extension: `txt` is a
/// plain-text log (or a tab-delimited spreadsheet saved as text, as Excel
/// does), `tsv` is tab-delimited, anything else is a spreadsheet whose
/// delimiter (`,`, `;` or tab) is found from its header.
///
/// `order` reads dates such as `03/04/2026`, where either part could be
/// the month; without it such a date is an error for its row.
pub fn parse(bytes: &[u8], ext: &str, order: Option<DateOrder>) -> Outcome {
    let decoded = text::decode(bytes);
    let body = decoded.text.as_str();
    let parsed = match ext {
        "txt" => parse_txt(body, order).map(|(n, d)| Table::Notes(n, d)),
        "tsv" => parse_table(body, b"\t", order),
        _ => parse_table(body, b",;\t", order),
    };
    let replaced = decoded.had_errors.then(|| {
        Diagnostic::new(0, Fate::Kept, format!("some bytes are not valid {} and were replaced", decoded.encoding))
    });
    let with_replaced = |mut diagnostics: Vec<Diagnostic>| {
        diagnostics.splice(0..0, replaced.clone());
        diagnostics
    };
    match parsed {
        Ok(Table::Notes(notes, diagnostics)) => {
            Outcome::Notes { notes, diagnostics: with_replaced(diagnostics), encoding: decoded.encoding }
        }
        Ok(Table::SoundReport(files, diagnostics)) => {
            Outcome::SoundReport { files, diagnostics: with_replaced(diagnostics), encoding: decoded.encoding }
        }
        Err(reason) => Outcome::NotNotes { reason },
    }
}

type Parsed = (Vec<Note>, Vec<Diagnostic>);

/// What a table turned out to hold.
enum Table {
    Notes(Vec<Note>, Vec<Diagnostic>),
    SoundReport(Vec<FileLog>, Vec<Diagnostic>),
}

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

/// The names each role's column goes by, as [`header_key`] writes them.
const ROLE_NAMES: [(Role, &[&str]); 10] = [
    (Role::Tc, &["timecode", "tc", "time", "in", "tcin", "intc", "timecodein", "start", "starttc"]),
    (Role::Out, &["out", "tcout", "outtc", "timecodeout", "end", "endtc"]),
    (Role::Camera, &["camera", "cam"]),
    (Role::Reel, &["reel"]),
    (Role::Clip, &["clip", "clipname", "file", "filename"]),
    (Role::Text, &["note", "notes", "text", "comment", "comments", "description", "remarks", "logline"]),
    (Role::Tags, &["tags", "tag", "keywords"]),
    (Role::Rating, &["rating", "stars", "circled"]),
    (Role::Speaker, &["speaker", "who", "talent"]),
    (Role::Day, &["day", "date", "shootday"]),
];

/// The role of a header cell, by its exact name.
fn role_of(header: &str) -> Option<Role> {
    let key = header_key(header);
    ROLE_NAMES.iter().find(|(_, names)| names.contains(&key.as_str())).map(|(role, _)| *role)
}

/// The role a misspelt header cell most likely means, and the name it is
/// close to: one edit away for names of 4 to 6 letters, two for longer
/// ones (`Descripton` → `description`). Short names are never guessed.
fn close_role(header: &str) -> Option<(Role, &'static str)> {
    let key = header_key(header);
    let allowed = match key.chars().count() {
        0..=3 => return None,
        4..=6 => 1,
        _ => 2,
    };
    ROLE_NAMES
        .iter()
        .flat_map(|(role, names)| names.iter().map(move |n| (*role, *n)))
        .filter(|(_, n)| n.len() >= 4)
        .map(|(role, n)| (edit_distance(&key, n), role, n))
        .filter(|(d, _, _)| *d <= allowed)
        .min_by_key(|(d, _, _)| *d)
        .map(|(_, role, n)| (role, n))
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
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

/// The header row chosen for a table.
struct Header {
    delimiter: u8,
    row_idx: usize,
    line: usize,
    cells: Vec<String>,
    columns: Columns,
}

/// Reads records (at most `limit`) with [`sheet::read_rows`]; a record
/// the CSV reader refuses ends the table, said as a diagnostic.
fn read_rows(text: &str, delimiter: u8, limit: usize) -> (Vec<Row>, Option<Diagnostic>) {
    let (rows, bad) = sheet::read_rows(text, delimiter, limit);
    let diagnostic = bad.map(|bad| Diagnostic::new(bad.line, Fate::Skipped, format!("CSV: {}", bad.reason)));
    (rows, diagnostic)
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
            let usable = columns.tc.is_some() || (columns.clip.is_some() && columns.text.is_some());
            usable.then_some(Header { delimiter, row_idx, line: row.line, cells: row.cells, columns })
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

fn parse_table(text: &str, delimiters: &[u8], order: Option<DateOrder>) -> Result<Table, String> {
    let header = find_header(text, delimiters);
    if let Some(header) = &header
        && let Some(columns) = ReportColumns::of(header)
    {
        let (files, diagnostics) = read_sound_report(text, header, &columns);
        return Ok(Table::SoundReport(files, diagnostics));
    }
    header.map(|header| read_table(text, &header, order)).map(|(n, d)| Table::Notes(n, d)).ok_or_else(|| {
        format!(
            "no header with a timecode column (Timecode, TC, TC In, Start TC...), or a clip and a note column, \
             in the first {HEADER_SEARCH_ROWS} rows"
        )
    })
}

/// What a role is called in messages.
fn role_label(role: Role) -> &'static str {
    match role {
        Role::Tc => "the timecode",
        Role::Out => "the out point",
        Role::Camera => "the camera",
        Role::Reel => "the reel",
        Role::Clip => "the clip",
        Role::Text => "the note text",
        Role::Tags => "the tags",
        Role::Rating => "the rating",
        Role::Speaker => "the speaker",
        Role::Day => "the day",
    }
}

/// Completes the header's columns from what did not match a known name: a
/// misspelt name close to one (`Descripton`), then, when there is still no
/// note column, the column holding the most free text. Each guess is
/// reported, and so is every column left unread, by name.
fn resolve_columns(header: &Header, rows: &[Row], diagnostics: &mut Vec<Diagnostic>) -> Columns {
    let mut columns = header.columns.clone();
    // Columns read by a guess or left out: the rows themselves are read.
    let mut report = |reason: String| diagnostics.push(Diagnostic::new(header.line, Fate::Kept, reason));
    let mut unread: Vec<usize> = (0..header.cells.len())
        .filter(|&i| !header.cells[i].trim().is_empty() && role_of(&header.cells[i]).is_none())
        .collect();
    unread.retain(|&i| {
        let Some((role, name)) = close_role(&header.cells[i]) else { return true };
        let slot = columns.slot(role);
        if slot.is_some() {
            return true;
        }
        *slot = Some(i);
        report(format!("column {:?} read as {} (close to {name:?})", header.cells[i], role_label(role)));
        false
    });
    if columns.text.is_none() {
        let data = rows.iter().skip(header.row_idx + 1);
        let free_text = |i: usize| -> usize {
            data.clone()
                .filter_map(|r| r.cells.get(i))
                .filter(|c| c.chars().any(char::is_alphabetic) && normalize_tc(c).is_err())
                .map(|c| c.chars().count())
                .sum()
        };
        if let Some((i, _)) = unread
            .iter()
            .map(|&i| (i, free_text(i)))
            .filter(|(_, n)| *n > 0)
            .max_by_key(|(i, n)| (*n, std::cmp::Reverse(*i)))
        {
            columns.text = Some(i);
            unread.retain(|&u| u != i);
            report(format!(
                "no note column (Note, Notes, Comment, Description...): read {:?} as the note text, the column with the most free text",
                header.cells[i]
            ));
        }
    }
    if !unread.is_empty() {
        let names: Vec<String> = unread.iter().map(|&i| format!("{:?}", header.cells[i])).collect();
        let (s, verb) = if names.len() == 1 { ("", "has") } else { ("s", "have") };
        report(format!("column{s} {} {verb} no meaning rushes knows; not read", names.join(", ")));
    }
    columns
}

fn read_table(text: &str, header: &Header, order: Option<DateOrder>) -> Parsed {
    let (rows, error) = read_rows(text, header.delimiter, usize::MAX);
    let mut notes = Vec::new();
    let mut diagnostics = Vec::new();
    let columns = resolve_columns(header, &rows, &mut diagnostics);
    for row in rows.iter().skip(header.row_idx + 1) {
        // Exports that concatenate sheets repeat the header mid-file.
        if row.cells == header.cells {
            continue;
        }
        let rejoined;
        let row = if header.delimiter == b';' && row.cells.len() > header.cells.len() {
            let mut cells = row.cells.clone();
            let tc_columns: Vec<usize> = [columns.tc, columns.out].into_iter().flatten().collect();
            let joined = sheet::rejoin_drop_frame(&mut cells, header.cells.len(), &tc_columns);
            if !joined.is_empty() {
                let reason = sheet::rejoined_reason(&joined);
                diagnostics.push(Diagnostic::new(row.line, Fate::Kept, reason));
            }
            rejoined = Row { line: row.line, cells };
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
            diagnostics.push(Diagnostic::new(row.line, Fate::Kept, reason));
        }
        if let Some(note) = row_note(row, &columns, order, &mut diagnostics) {
            notes.push(note);
        }
    }
    diagnostics.extend(error);
    (notes, diagnostics)
}

/// The note of one row, or `None` with the reason reported: every row
/// but a blank one is either a note or a diagnostic.
fn row_note(row: &Row, columns: &Columns, order: Option<DateOrder>, diagnostics: &mut Vec<Diagnostic>) -> Option<Note> {
    let cell =
        |col: Option<usize>| col.and_then(|idx| row.cells.get(idx)).map(String::as_str).filter(|s| !s.is_empty());
    let text = cell(columns.text).unwrap_or("");
    let tags_cell = cell(columns.tags);
    let clip = cell(columns.clip);
    let mut report = |fate: Fate, reason: String| diagnostics.push(Diagnostic::new(row.line, fate, reason));
    let tc = match cell(columns.tc) {
        Some(raw) => match normalize_tc(raw) {
            Ok(tc) => Some(tc),
            Err(reason) => {
                report(Fate::Skipped, reason);
                return None;
            }
        },
        // A row naming its clip and no timecode is about the whole clip.
        None if clip.is_some() => None,
        None => {
            if row.cells.iter().any(|c| !c.is_empty()) {
                report(Fate::Skipped, "no timecode and no clip".to_string());
            }
            return None;
        }
    };
    let day = match cell(columns.day) {
        None => None,
        Some(d) => match date::parse_date(d, order) {
            Ok(day) => Some(day),
            Err(reason) => {
                report(Fate::Skipped, reason.to_string());
                return None;
            }
        },
    };
    let tc_out = cell(columns.out).and_then(|out| match normalize_tc(out) {
        Ok(out) => Some(out),
        Err(reason) => {
            // The note is kept, at its in point.
            report(Fate::Kept, format!("out point ignored: {reason}"));
            None
        }
    });
    let mut tags = Vec::new();
    for tag in tags_cell.unwrap_or("").split([',', ';']).flat_map(str::split_whitespace) {
        add_tag(&mut tags, tag.trim_start_matches('#'));
    }
    for tag in hashtags(text) {
        add_tag(&mut tags, tag);
    }
    let rating = cell(columns.rating);
    // A note is never stored empty: a row with only tags or a rating says
    // those; a row with nothing to say is reported.
    let text = if !text.is_empty() {
        text.to_string()
    } else if !tags.is_empty() {
        tags.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" ")
    } else if let Some(r) = rating {
        format!("rating {r}")
    } else {
        report(Fate::Skipped, "no note text".to_string());
        return None;
    };
    Some(Note {
        tc,
        tc_out,
        // The camera column wins; a reel column stands in where it is blank.
        camera: cell(columns.camera).or(cell(columns.reel)).map(str::to_string),
        clip: clip.map(str::to_string),
        text,
        tags,
        rating: rating.map(str::to_string),
        speaker: cell(columns.speaker).map(str::to_string),
        day,
        line: row.line,
    })
}

// ------------------------------------------------------------ sound reports

/// The columns of a sound report: a file name, a scene and a take column
/// make a table a sound report (Sound Devices' `File Name, Scene, Take`,
/// Zoom's `File Name, Scene, Take`, Sonosax's `Scene, Take, File`).
struct ReportColumns {
    file: usize,
    scene: usize,
    take: usize,
    circled: Option<usize>,
    note: Option<usize>,
}

impl ReportColumns {
    fn of(header: &Header) -> Option<ReportColumns> {
        let find = |names: &[&str]| header.cells.iter().position(|c| names.contains(&header_key(c).as_str()));
        Some(ReportColumns {
            file: find(&["filename", "file", "clipname", "clip"])?,
            scene: find(&["scene", "scn"])?,
            take: find(&["take", "tk"])?,
            circled: find(&["circled", "circle", "circ"]),
            note: find(&["notes", "note", "comments", "comment", "remarks"]),
        })
    }
}

/// One [`FileLog`] per row that names a file; every other non-blank row is
/// a diagnostic. A note is kept only when the notes cell says something.
fn read_sound_report(text: &str, header: &Header, columns: &ReportColumns) -> (Vec<FileLog>, Vec<Diagnostic>) {
    let (rows, error) = read_rows(text, header.delimiter, usize::MAX);
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    for row in rows.iter().skip(header.row_idx + 1) {
        if row.cells == header.cells || row.cells.iter().all(String::is_empty) {
            continue;
        }
        let cell = |idx: usize| row.cells.get(idx).map(|c| c.trim()).filter(|c| !c.is_empty()).map(str::to_string);
        let Some(file) = cell(columns.file) else {
            diagnostics.push(Diagnostic::new(row.line, Fate::Skipped, "no file name"));
            continue;
        };
        let circled = columns.circled.map(|idx| {
            cell(idx).is_some_and(|v| !matches!(v.to_lowercase().as_str(), "n" | "no" | "false" | "0" | "-"))
        });
        files.push(FileLog {
            line: row.line,
            file,
            scene: cell(columns.scene),
            take: cell(columns.take),
            circled,
            note: columns.note.and_then(cell),
        });
    }
    diagnostics.extend(error);
    (files, diagnostics)
}

// -------------------------------------------------------------- plain text

/// A `.txt` is usually a plain log, but Excel's "Text (Tab delimited)" and
/// "Unicode Text" exports are `.txt` too: a header with a timecode column
/// and at least one other known column, above the first timecoded line,
/// makes it a table.
fn parse_txt(text: &str, order: Option<DateOrder>) -> Result<Parsed, String> {
    let first_note_line = text.lines().position(|l| matches!(plain_line(l.trim()), Plain::Note(_))).map(|idx| idx + 1);
    if let Some(header) = find_header(text, b"\t,;")
        && header.columns.recognised() >= 2
        && first_note_line.is_none_or(|line| header.line < line)
    {
        return Ok(read_table(text, &header, order));
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
            Plain::Note(parts) if parts.text.is_empty() => {
                diagnostics.push(Diagnostic::new(line, Fate::Skipped, "no note text"));
            }
            Plain::Note(parts) => {
                let mut tags = Vec::new();
                for tag in hashtags(parts.text) {
                    add_tag(&mut tags, tag);
                }
                notes.push(Note {
                    tc: Some(parts.tc),
                    tc_out: parts.tc_out,
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
            Plain::BadTc(reason) => diagnostics.push(Diagnostic::new(line, Fate::Skipped, reason)),
            Plain::Other => {
                if let Some(heading) = day_heading(trimmed, order) {
                    match heading {
                        Ok(d) => day = Some(d),
                        Err(reason) => {
                            // Notes under it would land on every day: say so,
                            // and keep them off the previous heading's day.
                            day = None;
                            diagnostics.push(Diagnostic::new(line, Fate::Skipped, format!("day heading: {reason}")));
                        }
                    }
                } else if !is_comment(trimmed) {
                    diagnostics.push(Diagnostic::new(
                        line,
                        Fate::Skipped,
                        "does not start with a timecode".to_string(),
                    ));
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
    tc: String,
    tc_out: Option<String>,
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

/// The timecode a line starts with, written the usual way, and the rest
/// of the line. `None` when the line does not start with digits and a `:`
/// (or the `14.31.05` and `14h31m05s` spellings).
fn leading_tc(s: &str) -> Option<Result<(String, &str), String>> {
    if let Some((tc, rest)) = leading_other_spelling(s) {
        return Some(Ok((tc, rest)));
    }
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
    Some(check_tc(tc).map(|()| (tc.to_string(), rest)))
}

/// `14.31.05` / `14.31.05.12` and `14h31m05s` / `14h31m` / `14h 31m 05s`
/// at the start of `s`, written as `14:31:05`, and the rest of the line.
fn leading_other_spelling(s: &str) -> Option<(String, &str)> {
    let digits = |t: &str| t.len() <= 2 && !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let boundary = |rest: &str| rest.chars().next().is_none_or(|c| !c.is_alphanumeric() && c != '.' && c != ':');
    // Dotted: two-digit minutes and seconds, optional frames.
    let end = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let token = s[..end].trim_end_matches('.');
    let parts: Vec<&str> = token.split('.').collect();
    if (3..=4).contains(&parts.len())
        && digits(parts[0])
        && parts[1..].iter().all(|p| p.len() == 2 && digits(p))
        && boundary(&s[token.len()..])
    {
        let tc = parts.join(":");
        return check_tc(&tc).ok().map(|()| (tc, &s[token.len()..]));
    }
    // Hours, minutes and optional seconds with unit letters.
    let mut rest = s;
    let mut fields = Vec::new();
    for unit in ['h', 'm', 's'] {
        let t = rest.trim_start();
        let n = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        if !digits(&t[..n]) || !t[n..].starts_with([unit, unit.to_ascii_uppercase()]) {
            break;
        }
        fields.push(t[..n].parse::<u32>().ok()?);
        rest = &t[n + 1..];
    }
    if fields.len() < 2 || !boundary(rest) {
        return None;
    }
    let tc = format!("{:02}:{:02}:{:02}", fields[0], fields[1], fields.get(2).copied().unwrap_or(0));
    check_tc(&tc).ok().map(|()| (tc, rest))
}

/// A timecode cell written the usual way (`14:31:05`, `14:31:05;12`),
/// accepting the `14.31.05` and `14h31m05s` spellings; the error says
/// what is wrong with it.
fn normalize_tc(cell: &str) -> Result<String, String> {
    let cell = cell.trim();
    if let Some((tc, rest)) = leading_other_spelling(cell)
        && rest.trim().is_empty()
    {
        return Ok(tc);
    }
    check_tc(cell).map(|()| cell.to_string())
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
/// `## Day 3: Saturday 14 March 2026`, `14/03/2026`. Only words like these
/// may stand beside the one date, so a sentence that mentions a date is
/// not a heading. `Err` for a heading whose date is ambiguous or does not
/// exist.
fn day_heading(line: &str, order: Option<DateOrder>) -> Option<Result<String, String>> {
    let body = line.trim_start_matches('#');
    let words: Vec<&str> = body
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | '|' | '(' | ')' | '–' | '—' | '=' | '*'))
        .filter(|w| !w.is_empty() && *w != "-")
        .collect();
    let is_day_word = |w: &str| {
        let lower = w.to_lowercase();
        matches!(
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
        )
    };
    let is_day_number = |w: &str| {
        let lower = w.to_lowercase();
        let numbered = lower.strip_prefix("day").unwrap_or(&lower);
        !numbered.is_empty() && numbered.len() <= 3 && numbered.bytes().all(|b| b.is_ascii_digit())
    };
    // Leading `Day 3`, `DAY03`, weekday: what is left must be one date,
    // possibly written with a month name and spaces.
    let mut start = 0;
    while start < words.len() {
        let w = words[start];
        let after_day = start > 0 && words[start - 1].eq_ignore_ascii_case("day");
        if is_day_word(w) || (is_day_number(w) && (w.len() > 3 || after_day)) {
            start += 1;
        } else {
            break;
        }
    }
    let rest = &words[start..];
    if rest.is_empty() || !rest.iter().any(|w| w.bytes().any(|b| b.is_ascii_digit())) {
        return None;
    }
    let joined = rest.join(" ");
    let looks_like_date = rest.len() == 1 || rest.iter().any(|w| date::parse_date(w, None).is_err() && month_word(w));
    if !looks_like_date {
        return None;
    }
    match date::parse_date(&joined, order) {
        Ok(d) => Some(Ok(d)),
        // A lone token shaped like a date (digits and separators) that is
        // ambiguous or impossible is still a heading, in error.
        Err(reason) if rest.len() == 1 && is_date_shaped(rest[0]) => Some(Err(reason.to_string())),
        Err(_) => None,
    }
}

/// A word naming a month, such as `Mar` or `March`.
fn month_word(w: &str) -> bool {
    date::parse_date(&format!("1 {w} 2000"), None).is_ok()
}

/// `14/03/2026`, `2026-03-14`: digits with `/`, `-` or `.` between three parts.
fn is_date_shaped(w: &str) -> bool {
    let parts: Vec<&str> = w.split(['/', '-', '.']).collect();
    parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
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
            Outcome::SoundReport { files, .. } => return format!("sound report of {} files", files.len()),
            Outcome::Notes { notes, diagnostics, encoding } => (notes, diagnostics, encoding),
        };
        let mut out = vec![format!("encoding {encoding}")];
        for n in notes {
            let mut s = format!("{}: {}", n.line, n.tc.as_deref().unwrap_or("(whole clip)"));
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
        assert_eq!(render(&parse(input, ext, None)), expected.join("\n"));
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
    fn blank_lines_count_in_line_numbers() {
        // The csv crate's own line count starts before the blank lines it
        // skips; the sheet reader counts them (notes said lines 2 and 5).
        check(
            b"Timecode,Note\n\n\n14:31:00:10,x\n\n,no tc\n",
            "csv",
            r#"
            encoding UTF-8
            4: 14:31:00:10 "x"
            ! 6: no timecode and no clip
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
            ! 5: no timecode and no clip
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
            2: 14:31:05 cam=R1 day=2026-03-14 rating=* "a, b"
            ! 3: date "2026-02-30" does not exist
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
            ! 7: no note text
            "#,
        );
    }

    #[test]
    fn not_notes() {
        check(
            b"name,age\nMaria,41\n",
            "csv",
            "not notes: no header with a timecode column (Timecode, TC, TC In, Start TC...), or a clip and a note column, in the first 30 rows",
        );
        check(
            b"",
            "csv",
            "not notes: no header with a timecode column (Timecode, TC, TC In, Start TC...), or a clip and a note column, in the first 30 rows",
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
            ! 1: does not start with a timecode
            ! 11: no note text
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

    /// Sound Devices' WaveAgent report, real: one entry per file, scene and
    /// take as logged, a note only where the Notes column has one.
    #[test]
    fn wave_agent_sound_report() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/realdata/wavinfo/tests/test_files/WaveAgentSoundReport.csv");
        let bytes = std::fs::read(&path).expect("WaveAgent sound report in shared/realdata");
        let Outcome::SoundReport { files, diagnostics, encoding } = parse(&bytes, "csv", None) else {
            panic!("not read as a sound report");
        };
        assert_eq!((encoding, diagnostics), ("UTF-8", vec![]));
        type Row<'a> = (usize, &'a str, Option<&'a str>, Option<&'a str>, Option<bool>, Option<&'a str>);
        let got: Vec<Row<'_>> = files
            .iter()
            .map(|f| (f.line, f.file.as_str(), f.scene.as_deref(), f.take.as_deref(), f.circled, f.note.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (7, "BULLET Impact Plastic LCD TV Screen Shatter Debris 2x.wav", None, None, Some(false), None),
                (8, "A101_1_X.WAV", Some("A101"), Some("01"), Some(false), None),
                (9, "A101_1.WAV", Some("A101"), Some("01"), Some(false), None),
                (10, "A101_2.WAV", Some("A101"), Some("02"), Some(false), None),
                (11, "A101_3.WAV", Some("A101"), Some("03"), Some(false), None),
                (12, "A101_4.WAV", Some("A101"), Some("04"), Some(false), None),
                (13, "PT A101_4.A1.wav", Some("A101"), Some("04"), Some(false), None),
                (14, "Sr001-001-06_X.WAV", Some("001"), Some("06"), Some(false), None),
                (15, "Sr001-2C-01_X.WAV", Some("2C"), Some("01"), Some(false), Some("Tail Slate Cloth noise")),
            ]
        );
    }

    #[test]
    fn sound_report_shapes() {
        // Zoom-like: circled as Y, a row without a file name listed.
        let zoom =
            b"File Name,Scene,Take,Circle,Note\nZOOM0001.WAV,12,3,Y,plane overhead\n,12,4,,\nZOOM0002.WAV,12,5,,\n";
        let Outcome::SoundReport { files, diagnostics, .. } = parse(zoom, "csv", None) else {
            panic!("not a sound report");
        };
        assert_eq!(files.len(), 2);
        assert_eq!((files[0].circled, files[0].note.as_deref()), (Some(true), Some("plane overhead")));
        assert_eq!((files[1].circled, files[1].note.as_deref()), (Some(false), None));
        assert_eq!(diagnostics, [Diagnostic::new(3, Fate::Skipped, "no file name")]);
        // A notes sheet with a clip column but no scene and take is notes.
        assert!(matches!(parse(b"Clip,TC,Note\nA.WAV,10:00:00:00,x\n", "csv", None), Outcome::Notes { .. }));
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
            ! 7: no timecode and no clip
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
            ("14/03/2026", Some("2026-03-14")),
            ("03/14/2026", Some("2026-03-14")),
            ("03/04/2026", None),
            ("Day 3", None),
        ] {
            assert_eq!(date::parse_date(text, None).ok().as_deref(), want, "{text}");
        }
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600), ext_idx in 0usize..4) {
            let ext = ["csv", "tsv", "txt", "xyz"][ext_idx];
            let _ = parse(&bytes, ext, None);
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
            if let Outcome::Notes { notes, .. } = parse(text.as_bytes(), ext, None) {
                for note in notes {
                    prop_assert!(note.tc.as_deref().is_none_or(|t| check_tc(t).is_ok()));
                    prop_assert!(!note.text.trim().is_empty());
                    prop_assert!(note.line >= 1);
                }
            }
        }
    }
}
