//! The release log: the spreadsheet an AP keeps of who signed what, and of
//! the licences for third-party material (archive footage, music, stills).
//! One row is a person's release (interview, appearance, location,
//! materials, a minor's signed by a guardian), a third-party item (vendor,
//! item id, licence, fee, invoice), or either of these on one clip, or on
//! one span of a clip (`clip`, `tc_in`, `tc_out`: a restriction on that
//! span, as Avid restricts a span of a master clip).
//!
//! Pure reading ([`parse`]): bytes in, releases and diagnostics out, through
//! the shared sheet reader. Every non-blank row is a release or a
//! diagnostic, and a row that is only partly understood (an unknown status
//! word, a date that does not read) is kept as `pending` and reported with
//! its line: an AP would rather be told twice than clear someone by a
//! guess.
//!
//! The log is kept in `LIBRARY/releases.json`, outside the tantivy index
//! ([`Releases`]): a new log replaces the old one with one atomic write, and
//! everything that reads a hit reads the log as it is then, so a new log
//! changes every status at once without touching the index.

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::atomic::{JsonFault, read_json, with_lock, write_json};
use crate::date::{self, DateOrder};
use crate::sheet::{self, HeaderRow, header_key};
use crate::text::{self, Diagnostic, Fate};

const RELEASES_FILE: &str = "releases.json";
const LOCK_FILE: &str = "releases.lock";
/// The shape of `releases.json`; another version is refused, never
/// rewritten.
const RELEASES_VERSION: u32 = 1;
/// How many rows may precede the header (a title, the production's name).
const HEADER_SEARCH_ROWS: usize = 30;

/// Where a span stands, worst last: the order is the rule "the worst
/// status wins", so the status of several releases is their maximum.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Cleared,
    /// Nobody in the log covers it: a speaker without a release.
    Unknown,
    /// Also a row that did not read.
    #[default]
    Pending,
    Restricted,
    /// Cleared or restricted, but past its expiry date.
    Expired,
    Refused,
}

impl Status {
    pub const ALL: [Status; 6] =
        [Status::Cleared, Status::Unknown, Status::Pending, Status::Restricted, Status::Expired, Status::Refused];

    pub fn name(self) -> &'static str {
        match self {
            Status::Cleared => "cleared",
            Status::Unknown => "unknown",
            Status::Pending => "pending",
            Status::Restricted => "restricted",
            Status::Expired => "expired",
            Status::Refused => "refused",
        }
    }

    /// A status by its name (`--clearance pending`), any case.
    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.name().eq_ignore_ascii_case(text.trim()))
    }

    /// The status a log's word means, as APs write them: `signed`,
    /// `cleared`, `yes`, `✓` are cleared; `pending`, `sent`, `awaiting` and
    /// a blank cell are pending; `refused`, `declined`, `no` refused;
    /// `restricted`, `conditional` restricted; `expired` expired. `None`
    /// for any other word.
    pub fn of_word(word: &str) -> Option<Status> {
        let w = word.trim().trim_end_matches(['.', '!']).to_lowercase();
        Some(match w.as_str() {
            "signed" | "cleared" | "yes" | "y" | "✓" | "✔" | "☑" => Status::Cleared,
            "" | "pending" | "sent" | "awaiting" => Status::Pending,
            "refused" | "declined" | "no" | "n" | "✗" | "✘" => Status::Refused,
            "restricted" | "conditional" => Status::Restricted,
            "expired" => Status::Expired,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a release is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReleaseType {
    Appearance,
    Interview,
    Location,
    Materials,
    /// A minor's release, signed by a guardian.
    Minor,
    Archive,
    Music,
    Still,
}

impl ReleaseType {
    /// The type a cell names by its first word (`Minor (guardian
    /// signed)` is a minor's release), any case, singular or plural.
    pub fn of_word(cell: &str) -> Option<ReleaseType> {
        let first = cell.split(|c: char| !c.is_alphanumeric()).find(|w| !w.is_empty())?.to_lowercase();
        Some(match first.trim_end_matches('s') {
            "appearance" => ReleaseType::Appearance,
            "interview" => ReleaseType::Interview,
            "location" => ReleaseType::Location,
            "material" | "materials" => ReleaseType::Materials,
            "minor" => ReleaseType::Minor,
            "archive" | "stock" | "footage" => ReleaseType::Archive,
            "music" | "song" | "track" => ReleaseType::Music,
            "still" | "photo" | "image" => ReleaseType::Still,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            ReleaseType::Appearance => "appearance",
            ReleaseType::Interview => "interview",
            ReleaseType::Location => "location",
            ReleaseType::Materials => "materials",
            ReleaseType::Minor => "minor",
            ReleaseType::Archive => "archive",
            ReleaseType::Music => "music",
            ReleaseType::Still => "still",
        }
    }

    /// Third-party material, licensed rather than released by a person.
    pub fn is_item(self) -> bool {
        matches!(self, ReleaseType::Archive | ReleaseType::Music | ReleaseType::Still)
    }
}

/// One row of the log, as read. Text is kept as written (trimmed); dates
/// are `YYYY-MM-DD`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// 1-based line of the row.
    pub line: usize,
    /// The person (or the item's title) as written.
    pub name: Option<String>,
    /// Other names the person goes by (`aka`), as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub role: Option<String>,
    #[serde(rename = "type")]
    pub release_type: Option<ReleaseType>,
    /// The status the row states: `cleared`, `pending`, `refused`,
    /// `restricted` or `expired` (a row that did not read is `pending`).
    pub status: Status,
    /// The status word as written.
    pub status_text: String,
    pub signed: Option<String>,
    pub expires: Option<String>,
    pub territory: Option<String>,
    pub media: Option<String>,
    /// Restrictions, conditions or notes.
    pub restrictions: Option<String>,
    /// The scanned form's path, shown as is.
    pub form: Option<String>,
    pub vendor: Option<String>,
    pub item: Option<String>,
    pub licence: Option<String>,
    /// The fee as written (`£450.00`, `1,200 EUR`).
    pub fee: Option<String>,
    pub invoice: Option<String>,
    /// The clip the row covers, as written (name, path or id).
    pub clip: Option<String>,
    /// With `clip`: the span it covers, in the clip's own timecode as
    /// written (out exclusive).
    pub tc_in: Option<String>,
    pub tc_out: Option<String>,
    /// A shoot day the row covers (`YYYY-MM-DD`): a location release for
    /// the day's clips.
    pub day: Option<String>,
}

impl Release {
    /// A third-party item: its type says so, or it names a vendor or an
    /// item id.
    pub fn is_item(&self) -> bool {
        self.release_type.is_some_and(ReleaseType::is_item) || self.vendor.is_some() || self.item.is_some()
    }

    /// A person's release, linked to speakers by name.
    pub fn is_person(&self) -> bool {
        self.name.is_some() && !self.is_item()
    }

    /// The row's status on `as_of` (`YYYY-MM-DD`): a cleared or restricted
    /// release whose expiry date is before that day has expired.
    pub fn status_on(&self, as_of: &str) -> Status {
        match (self.status, &self.expires) {
            (Status::Cleared | Status::Restricted, Some(exp)) if exp.as_str() < as_of => Status::Expired,
            (status, _) => status,
        }
    }

    /// What the row is called in a reason: the person, else the vendor and
    /// item, else the clip.
    pub fn label(&self) -> String {
        if let Some(name) = &self.name {
            return name.clone();
        }
        let item: Vec<&str> = [&self.vendor, &self.item].into_iter().flatten().map(String::as_str).collect();
        if !item.is_empty() {
            return item.join(" ");
        }
        self.clip.clone().unwrap_or_else(|| format!("line {}", self.line))
    }
}

/// The fee of an item as an amount in hundredths and the currency as
/// written around it (`£`, `EUR`, or empty), for totals per currency.
/// `None` when the cell holds no number.
pub fn fee_amount(fee: &str) -> Option<(String, u64)> {
    let digits_at = fee.find(|c: char| c.is_ascii_digit())?;
    let end = fee[digits_at..]
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .map_or(fee.len(), |e| e + digits_at);
    let number = &fee[digits_at..end];
    let currency = format!("{}{}", fee[..digits_at].trim(), fee[end..].trim()).trim().to_string();
    // `1,200.50` and `1.200,50`: the last separator followed by exactly
    // one or two digits is the decimal point; the others group thousands.
    let (int, frac) = match number.rfind([',', '.']) {
        Some(at) if (1..=2).contains(&(number.len() - at - 1)) => (&number[..at], &number[at + 1..]),
        _ => (number, ""),
    };
    let int: u64 = int.chars().filter(char::is_ascii_digit).collect::<String>().parse().ok()?;
    let cents: u64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().ok()? };
    Some((currency, int.checked_mul(100)?.checked_add(cents)?))
}

/// What a header column means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Person,
    Aliases,
    Role,
    Type,
    Status,
    Signed,
    Expires,
    Territory,
    Media,
    Restrictions,
    Form,
    Vendor,
    Item,
    Licence,
    Fee,
    Invoice,
    Clip,
    TcIn,
    TcOut,
    Day,
}

/// The names each column goes by, as [`header_key`] writes them.
const COLUMN_NAMES: [(Column, &[&str]); 20] = [
    (Column::Person, &["name", "person", "contributor", "talent", "interviewee", "fullname", "subject"]),
    (Column::Aliases, &["aliases", "alias", "aka", "alsoknownas"]),
    (Column::Role, &["role"]),
    (Column::Type, &["type", "releasetype", "kind"]),
    (Column::Status, &["status", "releasestatus", "clearance", "clearancestatus"]),
    (Column::Signed, &["signed", "datesigned", "signedon", "signeddate"]),
    (Column::Expires, &["expires", "expiry", "expirydate", "expiration", "expirationdate", "expireson"]),
    (Column::Territory, &["territory", "territories"]),
    (Column::Media, &["media", "rights"]),
    (Column::Restrictions, &["restrictions", "restriction", "conditions", "condition", "notes", "note"]),
    (Column::Form, &["form", "document", "file", "releaseform", "scan"]),
    (Column::Vendor, &["vendor", "source", "supplier"]),
    (Column::Item, &["item", "itemid"]),
    (Column::Licence, &["licence", "license", "licenceterms", "licenseterms"]),
    (Column::Fee, &["fee", "price", "cost"]),
    (Column::Invoice, &["invoice", "invoiceid", "invoiceno", "invoicenumber"]),
    (Column::Clip, &["clip", "clipname"]),
    (Column::TcIn, &["tcin", "in", "srcin", "start", "starttc"]),
    (Column::TcOut, &["tcout", "out", "srcout", "end", "endtc"]),
    (Column::Day, &["day", "shootday"]),
];

/// Index of each kind of column (the first of a kind wins).
#[derive(Clone, Debug, Default)]
struct Columns([Option<usize>; COLUMN_NAMES.len()]);

impl Columns {
    fn of(cells: &[String]) -> Columns {
        let mut columns = Columns::default();
        for (idx, cell) in cells.iter().enumerate() {
            let key = header_key(cell);
            if let Some(at) = COLUMN_NAMES.iter().position(|(_, names)| names.contains(&key.as_str())) {
                columns.0[at].get_or_insert(idx);
            }
        }
        columns
    }

    fn get(&self, column: Column) -> Option<usize> {
        COLUMN_NAMES.iter().position(|(c, _)| *c == column).and_then(|at| self.0[at])
    }

    fn recognised(&self) -> usize {
        self.0.iter().flatten().count()
    }

    /// A release log has a person column and a status or release-type
    /// column.
    fn is_log(&self) -> bool {
        self.get(Column::Person).is_some() && (self.get(Column::Status).is_some() || self.get(Column::Type).is_some())
    }
}

/// What reading a file gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Log {
        releases: Vec<Release>,
        diagnostics: Vec<Diagnostic>,
        /// WHATWG name of the encoding the file was read as.
        encoding: &'static str,
    },
    /// Not a release log; `reason` says what is missing.
    NotReleases { reason: String },
}

impl Outcome {
    pub fn is_log(&self) -> bool {
        matches!(self, Outcome::Log { .. })
    }
}

/// The delimiters a file of extension `ext` may use.
fn delimiters(ext: &str) -> &'static [u8] {
    if ext == "tsv" { b"\t" } else { b",;\t" }
}

/// How a file is taken for a release log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Taken {
    /// By its columns: a person column and a status or release-type column.
    ByColumns,
    /// Because the user said so (`--kind releases`): a person column is
    /// enough (a blank status is pending).
    Forced,
}

/// The header of a release log in `text`, if it is one.
fn find_header(text: &str, ext: &str, taken: Taken) -> Option<(HeaderRow, Columns)> {
    let header = sheet::find_header(text, delimiters(ext), HEADER_SEARCH_ROWS, |cells| {
        let columns = Columns::of(cells);
        let usable = match taken {
            Taken::ByColumns => columns.is_log(),
            Taken::Forced => columns.get(Column::Person).is_some(),
        };
        usable.then(|| columns.recognised())
    })?;
    let columns = Columns::of(&header.cells);
    Some((header, columns))
}

/// Whether `bytes` (a file of extension `ext`) is a release log: among its
/// first rows, a header with a person column (`Name`, `Person`,
/// `Contributor`, `Talent`, `Interviewee`) and a status or release-type
/// column. How `rushes import` tells it from shoot notes.
pub fn is_release_log(bytes: &[u8], ext: &str) -> bool {
    matches!(ext, "csv" | "tsv" | "txt") && find_header(&text::decode(bytes).text, ext, Taken::ByColumns).is_some()
}

/// Reads a release log, found by its columns or `taken` as one. `order`
/// reads dates such as `03/04/2026`, where either part could be the month;
/// without it such a date is reported and its row kept as `pending`.
pub fn parse(bytes: &[u8], ext: &str, order: Option<DateOrder>, taken: Taken) -> Outcome {
    let decoded = text::decode(bytes);
    let Some((header, columns)) = find_header(&decoded.text, ext, taken) else {
        return Outcome::NotReleases {
            reason: format!(
                "no header with a person column (Name, Person, Contributor, Talent, Interviewee) and a status or \
                 release type column in the first {HEADER_SEARCH_ROWS} rows"
            ),
        };
    };
    let mut diagnostics = Vec::new();
    if decoded.had_errors {
        diagnostics.push(Diagnostic::new(
            0,
            Fate::Kept,
            format!("some bytes are not valid {} and were replaced", decoded.encoding),
        ));
    }
    let unread: Vec<String> = header
        .cells
        .iter()
        .filter(|c| !c.trim().is_empty() && !COLUMN_NAMES.iter().any(|(_, n)| n.contains(&header_key(c).as_str())))
        .map(|c| format!("{c:?}"))
        .collect();
    if !unread.is_empty() {
        let (s, verb) = if unread.len() == 1 { ("", "has") } else { ("s", "have") };
        diagnostics.push(Diagnostic::new(
            header.line,
            Fate::Kept,
            format!("column{s} {} {verb} no meaning rushes knows; not read", unread.join(", ")),
        ));
    }
    let (rows, bad) = sheet::read_rows(&decoded.text, header.delimiter, usize::MAX);
    let mut releases = Vec::new();
    for row in rows.iter().skip(header.row_idx + 1) {
        if row.is_blank() || row.cells == header.cells {
            continue;
        }
        let mut report = |fate: Fate, reason: String| diagnostics.push(Diagnostic::new(row.line, fate, reason));
        if let Some(release) = read_row(&row.cells, row.line, &columns, order, &mut report) {
            releases.push(release);
        }
    }
    if let Some(bad) = bad {
        diagnostics.push(Diagnostic::new(bad.line, Fate::Skipped, format!("CSV: {}", bad.reason)));
    }
    Outcome::Log { releases, diagnostics, encoding: decoded.encoding }
}

/// The release of one row, or `None` (reported) for a row that names no
/// person, item, clip or day.
fn read_row(
    cells: &[String],
    line: usize,
    columns: &Columns,
    order: Option<DateOrder>,
    report: &mut dyn FnMut(Fate, String),
) -> Option<Release> {
    let cell = |column: Column| -> Option<String> {
        columns.get(column).and_then(|i| cells.get(i)).map(|c| c.trim()).filter(|c| !c.is_empty()).map(str::to_string)
    };
    let mut r = Release {
        line,
        name: cell(Column::Person),
        aliases: cell(Column::Aliases)
            .map(|a| a.split([';', ',']).map(str::trim).filter(|n| !n.is_empty()).map(str::to_string).collect())
            .unwrap_or_default(),
        role: cell(Column::Role),
        status_text: cell(Column::Status).unwrap_or_default(),
        territory: cell(Column::Territory),
        media: cell(Column::Media),
        restrictions: cell(Column::Restrictions),
        form: cell(Column::Form),
        vendor: cell(Column::Vendor),
        item: cell(Column::Item),
        licence: cell(Column::Licence),
        fee: cell(Column::Fee),
        invoice: cell(Column::Invoice),
        clip: cell(Column::Clip),
        tc_in: cell(Column::TcIn),
        tc_out: cell(Column::TcOut),
        ..Release::default()
    };
    if r.name.is_none() && r.vendor.is_none() && r.item.is_none() && r.clip.is_none() && cell(Column::Day).is_none() {
        report(Fate::Skipped, "no person, item, clip or day: the row covers nothing".to_string());
        return None;
    }
    // Every doubt keeps the row, as pending; a note keeps it as it is.
    let mut doubts: Vec<String> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    r.status = Status::of_word(&r.status_text).unwrap_or_else(|| {
        doubts.push(format!(
            "unknown status {:?} (signed, cleared, pending, sent, refused, declined, restricted, conditional...)",
            r.status_text
        ));
        Status::Pending
    });
    if let Some(t) = cell(Column::Type) {
        r.release_type = ReleaseType::of_word(&t);
        if r.release_type.is_none() {
            notes.push(format!(
                "unknown release type {t:?} (appearance, interview, location, materials, minor, archive, music, \
                 still); read without a type"
            ));
        }
    }
    let mut date_of = |column: Column, what: &str| {
        let text = cell(column)?;
        date::parse_date(&text, order).map_err(|e| doubts.push(format!("{what}: {e}"))).ok()
    };
    r.signed = date_of(Column::Signed, "date signed");
    r.expires = date_of(Column::Expires, "expiry");
    r.day = date_of(Column::Day, "day");
    match (&r.clip, &r.tc_in, &r.tc_out) {
        (None, Some(_), _) | (None, _, Some(_)) => {
            doubts.push("a timecode range names no clip: the range is not read".to_string());
            (r.tc_in, r.tc_out) = (None, None);
        }
        (Some(_), Some(_), None) | (Some(_), None, Some(_)) => {
            doubts.push("a range needs both tc_in and tc_out: the row covers the whole clip".to_string());
            (r.tc_in, r.tc_out) = (None, None);
        }
        _ => {}
    }
    if let Some(fee) = &r.fee
        && fee_amount(fee).is_none()
    {
        notes.push(format!("fee {fee:?} holds no amount; left out of the totals"));
    }
    if !doubts.is_empty() {
        r.status = Status::Pending;
    }
    for doubt in doubts {
        report(Fate::Kept, format!("{doubt}; kept as pending"));
    }
    for note in notes {
        report(Fate::Kept, note);
    }
    Some(r)
}

/// The release log kept in a library.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseLog {
    /// The file it was read from (absolute), and its content hash.
    pub path: String,
    pub hash: String,
    pub encoding: String,
    pub releases: Vec<Release>,
    /// What the reader said, by line.
    pub diagnostics: Vec<Diagnostic>,
}

/// `releases.json` as stored.
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    version: u32,
    log: ReleaseLog,
}

/// Why the release log could not be read or kept.
#[derive(Debug, thiserror::Error)]
pub enum ReleasesError {
    #[error(
        "{}:{line}:{column}: the release log kept in the library does not read: {reason}; import the log again",
        path.display()
    )]
    Corrupt { path: PathBuf, line: usize, column: usize, reason: String },
    #[error("{}: release log version {found}, this rushes reads version {RELEASES_VERSION}", path.display())]
    Version { path: PathBuf, found: u32 },
    #[error("{}: {error}", path.display())]
    Io { path: PathBuf, error: io::Error },
}

/// The release log of one library folder.
#[derive(Clone, Debug)]
pub struct Releases {
    dir: PathBuf,
}

impl Releases {
    pub fn open(library_dir: &Path) -> Releases {
        Releases { dir: library_dir.to_path_buf() }
    }

    /// `LIBRARY/releases.json`.
    pub fn path(&self) -> PathBuf {
        self.dir.join(RELEASES_FILE)
    }

    /// The log kept, or `None` when none was imported.
    pub fn load(&self) -> Result<Option<ReleaseLog>, ReleasesError> {
        let path = self.path();
        let stored = match read_json::<Stored>(&path) {
            Ok(Some(stored)) => stored,
            Ok(None) => return Ok(None),
            Err(JsonFault::Io(error)) => return Err(ReleasesError::Io { path, error }),
            Err(JsonFault::Corrupt { line, column, reason }) => {
                return Err(ReleasesError::Corrupt { path, line, column, reason });
            }
        };
        if stored.version != RELEASES_VERSION {
            return Err(ReleasesError::Version { path, found: stored.version });
        }
        Ok(Some(stored.log))
    }

    /// Keeps `log` in place of the one kept, under the lock, in one atomic
    /// write: a reader sees the old log or the new one, never a mix.
    /// Returns the log it replaced.
    pub fn replace(&self, log: ReleaseLog) -> Result<Option<ReleaseLog>, ReleasesError> {
        let lock_path = self.dir.join(LOCK_FILE);
        let io_at = |path: PathBuf| move |error| ReleasesError::Io { path: path.clone(), error };
        with_lock(&lock_path, io_at(lock_path.clone()), || {
            // A kept log that no longer reads is replaced: the new one is
            // what the user asked for, and the spreadsheet is theirs.
            let old = self.load().ok().flatten();
            let path = self.path();
            write_json(&path, &Stored { version: RELEASES_VERSION, log }).map_err(io_at(path))?;
            Ok(old)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(text: &str, order: Option<DateOrder>) -> (Vec<Release>, Vec<String>) {
        match parse(text.as_bytes(), "csv", order, Taken::ByColumns) {
            Outcome::Log { releases, diagnostics, .. } => {
                (releases, diagnostics.iter().map(|d| format!("{}: {}", d.line, d.reason)).collect())
            }
            Outcome::NotReleases { reason } => panic!("not a log: {reason}"),
        }
    }

    #[test]
    fn status_words() {
        for (word, want) in [
            ("Signed", Some(Status::Cleared)),
            ("cleared", Some(Status::Cleared)),
            ("YES", Some(Status::Cleared)),
            ("✓", Some(Status::Cleared)),
            ("", Some(Status::Pending)),
            ("sent", Some(Status::Pending)),
            ("Awaiting", Some(Status::Pending)),
            ("declined", Some(Status::Refused)),
            ("no", Some(Status::Refused)),
            ("conditional", Some(Status::Restricted)),
            ("Expired", Some(Status::Expired)),
            ("maybe", None),
        ] {
            assert_eq!(Status::of_word(word), want, "{word:?}");
        }
        assert!(Status::Refused > Status::Expired && Status::Expired > Status::Restricted);
        assert!(Status::Restricted > Status::Pending && Status::Pending > Status::Unknown);
        assert!(Status::Unknown > Status::Cleared);
        assert_eq!(Status::parse("Pending"), Some(Status::Pending));
    }

    #[test]
    fn detection_needs_a_person_and_a_status_or_type() {
        assert!(is_release_log(b"Talent;Release Type\nAna;interview\n", "csv"));
        assert!(is_release_log(b"Release log, spring\n\nName,Status\nAna,signed\n", "csv"));
        assert!(!is_release_log(b"Name,Role\nAna,host\n", "csv"));
        assert!(!is_release_log(b"Timecode,Note\n10:00:00:00,hello\n", "csv"));
        assert!(is_release_log(b"Contributor\tStatus\nAna\tsent\n", "tsv"));
    }

    #[test]
    fn columns_by_their_aliases() {
        let (releases, diagnostics) = log(
            "Interviewee,AKA,Role,Release Type,Status,Date Signed,Expiry,Territory,Rights,Conditions,Document,\
             Vendor,Item ID,License,Price,Invoice,Clip,TC In,TC Out,Day,Colour\n\
             Ana Ruiz,\"ANA; Ani\",Baker,interview,yes,14/03/2026,March 14 2027,World,All media,,forms/ana.pdf,,,,,,,,,,red\n\
             ,,,archive,cleared,,,,,,,Pond5,PD-88121,5 years,\"£1,200.50\",INV-7,NIGHT0001.MP4,,,,\n\
             ,,,restricted,restricted,,,,,not for use in advertising,,,,,,,A012C004.MOV,10:02:10:00,10:02:20:00,,\n",
            None,
        );
        assert_eq!(
            diagnostics,
            [
                "1: column \"Colour\" has no meaning rushes knows; not read",
                "4: unknown release type \"restricted\" (appearance, interview, location, materials, minor, archive, \
                 music, still); read without a type"
            ]
        );
        let ana = &releases[0];
        assert_eq!(ana.name.as_deref(), Some("Ana Ruiz"));
        assert_eq!(ana.aliases, ["ANA", "Ani"]);
        assert_eq!((ana.status, ana.release_type), (Status::Cleared, Some(ReleaseType::Interview)));
        assert_eq!((ana.signed.as_deref(), ana.expires.as_deref()), (Some("2026-03-14"), Some("2027-03-14")));
        assert_eq!((ana.form.as_deref(), ana.media.as_deref()), (Some("forms/ana.pdf"), Some("All media")));
        assert!(ana.is_person() && !ana.is_item());
        let archive = &releases[1];
        assert!(archive.is_item() && !archive.is_person());
        assert_eq!(archive.label(), "Pond5 PD-88121");
        assert_eq!(fee_amount(archive.fee.as_deref().unwrap_or_default()), Some(("£".to_string(), 120_050)));
        let range = &releases[2];
        assert_eq!((range.tc_in.as_deref(), range.tc_out.as_deref()), (Some("10:02:10:00"), Some("10:02:20:00")));
        assert_eq!(range.restrictions.as_deref(), Some("not for use in advertising"));
        // An unknown type word is said (above), the row kept.
        assert_eq!((range.release_type, range.status), (None, Status::Restricted));
    }

    #[test]
    fn bad_rows_are_reported_and_kept_pending() {
        let (releases, diagnostics) = log(
            "Name,Status,Signed,Expires,Clip,TC In\n\
             Ana,maybe,,,,\n\
             Ben,signed,03/04/2026,,,\n\
             Cy,signed,,31/02/2027,,\n\
             Dee,signed,,,,10:00:00:00\n\
             Eve,signed,,,A001.MOV,10:00:00:00\n\
             ,,,,,\n\
             ,signed,,,,\n",
            None,
        );
        assert_eq!(releases.iter().map(|r| r.status).collect::<Vec<_>>(), [Status::Pending; 5]);
        assert_eq!(
            diagnostics,
            [
                "2: unknown status \"maybe\" (signed, cleared, pending, sent, refused, declined, restricted, \
                 conditional...); kept as pending",
                "3: date signed: date \"03/04/2026\" is ambiguous (3 April or March 4); give --date-order dmy or \
                 mdy; kept as pending",
                "4: expiry: date \"31/02/2027\" does not exist; kept as pending",
                "5: a timecode range names no clip: the range is not read; kept as pending",
                "6: a range needs both tc_in and tc_out: the row covers the whole clip; kept as pending",
                "8: no person, item, clip or day: the row covers nothing",
            ]
        );
        // With the order given, the date reads and the row stands.
        let (releases, diagnostics) = log("Name,Status,Signed\nBen,signed,03/04/2026\n", Some(DateOrder::Mdy));
        assert_eq!((releases[0].status, releases[0].signed.as_deref()), (Status::Cleared, Some("2026-03-04")));
        assert!(diagnostics.is_empty());
    }

    #[test]
    fn expiry_against_a_day() {
        let r = Release { status: Status::Cleared, expires: Some("2026-06-30".into()), ..Release::default() };
        assert_eq!(r.status_on("2026-06-30"), Status::Cleared);
        assert_eq!(r.status_on("2026-07-01"), Status::Expired);
        let refused = Release { status: Status::Refused, ..r.clone() };
        assert_eq!(refused.status_on("2027-01-01"), Status::Refused);
        let pending = Release { status: Status::Pending, ..r };
        assert_eq!(pending.status_on("2027-01-01"), Status::Pending);
    }

    #[test]
    fn fees() {
        assert_eq!(fee_amount("450"), Some((String::new(), 45_000)));
        assert_eq!(fee_amount("$1,200"), Some(("$".into(), 120_000)));
        assert_eq!(fee_amount("1.200,5 EUR"), Some(("EUR".into(), 120_050)));
        assert_eq!(fee_amount("waived"), None);
    }

    #[test]
    fn the_kept_log_is_replaced_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Releases::open(dir.path());
        assert_eq!(store.load().expect("load"), None);
        let (releases, _) = log("Name,Status\nAna,signed\n", None);
        let first = ReleaseLog {
            path: "/a.csv".into(),
            hash: "1".into(),
            encoding: "UTF-8".into(),
            releases,
            diagnostics: Vec::new(),
        };
        assert_eq!(store.replace(first.clone()).expect("kept"), None);
        let second = ReleaseLog { hash: "2".into(), releases: Vec::new(), ..first.clone() };
        assert_eq!(store.replace(second.clone()).expect("kept"), Some(first));
        assert_eq!(store.load().expect("load"), Some(second));
        std::fs::write(store.path(), b"{\"version\": 1,\n \"log\": 3}").expect("spoil");
        let err = store.load().expect_err("corrupt").to_string();
        assert!(err.contains("releases.json:2:") && err.contains("import the log again"), "{err}");
    }
}
