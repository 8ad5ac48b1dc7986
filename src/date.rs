//! Calendar days for the `day` of a clip, without a date crate: the
//! proleptic Gregorian conversion from Unix time, recognising dates in
//! folder names the way APs name shoot days, and reading the dates people
//! type in notes sheets and on the command line.

use serde::{Deserialize, Serialize};

/// `YYYY-MM-DD` (UTC) of a Unix timestamp in seconds.
pub fn civil_date(unix_secs: i64) -> String {
    // Howard Hinnant's days-to-civil algorithm.
    let z = unix_secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DDTHH:MM:SSZ` (ISO 8601, UTC) of a Unix timestamp in seconds:
/// when a select was added to a bin.
pub fn iso_utc(unix_secs: i64) -> String {
    let secs = unix_secs.rem_euclid(86_400);
    format!("{}T{:02}:{:02}:{:02}Z", civil_date(unix_secs), secs / 3600, secs / 60 % 60, secs % 60)
}

/// Today, `YYYY-MM-DD` (UTC): the day a release's expiry is judged on
/// unless the user gives another.
pub fn today() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    civil_date(i64::try_from(now).unwrap_or(i64::MAX))
}

/// A valid `YYYY-MM-DD` from `y`, `m`, `d`, or `None`.
pub fn ymd(y: u32, m: u32, d: u32) -> Option<String> {
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    ((1970..=2199).contains(&y) && (1..=days).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// Finds a date in a folder name: `2026-03-14`, `2026_03_14`, `20260314`,
/// optionally with other words around it (`DAY03_2026-03-14`). Six-digit
/// `YYMMDD` is not accepted: card and reel numbers look the same.
pub fn date_in_name(name: &str) -> Option<String> {
    let b = name.as_bytes();
    (0..b.len())
        // A date must not continue a longer run of digits on either side.
        .filter(|&start| start == 0 || !b[start - 1].is_ascii_digit())
        .find_map(|start| {
            let after_digit = |len: usize| b.get(start + len).is_some_and(u8::is_ascii_digit);
            let separated = b
                .get(start..start + 10)
                .filter(|w| matches!(w[4], b'-' | b'_' | b'.') && w[7] == w[4] && !after_digit(10));
            let compact = b.get(start..start + 8).filter(|_| !after_digit(8));
            separated
                .and_then(|w| date_of(&w[0..4], &w[5..7], &w[8..10]))
                .or_else(|| compact.and_then(|w| date_of(&w[0..4], &w[4..6], &w[6..8])))
        })
}

fn date_of(y: &[u8], m: &[u8], d: &[u8]) -> Option<String> {
    let num = |s: &[u8]| -> Option<u32> {
        if s.iter().all(u8::is_ascii_digit) { std::str::from_utf8(s).ok()?.parse().ok() } else { None }
    };
    ymd(num(y)?, num(m)?, num(d)?)
}

/// Which part of `03/04/2026` is the day: `dmy` (most of the world) or
/// `mdy` (the US).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    Dmy,
    Mdy,
}

impl DateOrder {
    pub fn parse(s: &str) -> Option<DateOrder> {
        match s.to_ascii_lowercase().as_str() {
            "dmy" => Some(DateOrder::Dmy),
            "mdy" => Some(DateOrder::Mdy),
            _ => None,
        }
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// The month a word names: `Mar`, `march`, `Sept`, `Sep.`; `None` otherwise.
fn month_named(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    let w = if w == "sept" { "sep".to_string() } else { w };
    MONTHS.iter().position(|m| m.starts_with(&w)).and_then(|i| u32::try_from(i + 1).ok())
}

/// A calendar date as people write it, normalised to `YYYY-MM-DD`:
/// - ISO `2026-03-14`, `2026/03/14`, `2026.03.14`, `20260314`, and a
///   date-time (`2026-03-14T14:31:00`, `2026-03-14 14:31`) keeps its date;
/// - `14/03/2026` and `03/14/2026` (also with `-` or `.`): a part above 12
///   can only be the day; when both parts could be the month the date is
///   ambiguous and `order` decides, or it is an error that says so;
/// - `14 Mar 2026`, `14-Mar-2026`, `March 14, 2026`, `Sat 14 March 2026`,
///   `14th March 2026`.
///
/// The error says what is wrong: ambiguous, a day that does not exist, or
/// not a date at all.
/// Why [`parse_date`] read no date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not a date, or not a real one; `why` finishes the sentence.
    #[error("date {text:?} {why}")]
    Invalid { text: String, why: &'static str },
    /// Both parts could be the month, and no order was given.
    #[error("date {text:?} is ambiguous ({day_first} or {month_first}); give --date-order dmy or mdy")]
    Ambiguous { text: String, day_first: String, month_first: String },
}

pub fn parse_date(text: &str, order: Option<DateOrder>) -> Result<String, DateError> {
    let raw = text.trim();
    let bad = |why: &'static str| Err(DateError::Invalid { text: raw.to_string(), why });
    if raw.is_empty() {
        return bad("is empty");
    }
    // A date-time: drop the time of day.
    let words: Vec<&str> = raw.split([' ', 'T']).filter(|w| !w.is_empty()).collect();
    let date_part = match words.as_slice() {
        [d, t, ..] if t.contains(':') && d.bytes().next().is_some_and(|b| b.is_ascii_digit()) => *d,
        _ => raw,
    };
    let num = |p: &str| -> Option<u32> {
        if (1..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) { p.parse().ok() } else { None }
    };
    let valid = |y: u32, m: u32, d: u32| {
        ymd(y, m, d).ok_or_else(|| DateError::Invalid { text: raw.to_string(), why: "does not exist" })
    };
    if date_part.len() == 8 && date_part.bytes().all(|b| b.is_ascii_digit()) {
        let (y, m, d) = (num(&date_part[0..4]), num(&date_part[4..6]), num(&date_part[6..8]));
        if let (Some(y), Some(m), Some(d)) = (y, m, d) {
            return valid(y, m, d);
        }
    }
    let fields: Vec<&str> = date_part.split(['-', '/', '.']).collect();
    if let [a, b, c] = fields.as_slice()
        && let (Some(x), Some(y), Some(z)) = (num(a), num(b), num(c))
    {
        if a.len() == 4 {
            return valid(x, y, z);
        }
        if c.len() != 4 {
            return bad("needs a four-digit year (2026-03-14, 14/03/2026)");
        }
        return match (x > 12, y > 12, order) {
            (true, true, _) => bad("has no month"),
            _ if x == 0 || y == 0 => bad("has a day or month of 0"),
            (true, false, _) => valid(z, y, x),
            (false, true, _) => valid(z, x, y),
            _ if x == y => valid(z, x, y),
            (false, false, Some(DateOrder::Dmy)) => valid(z, y, x),
            (false, false, Some(DateOrder::Mdy)) => valid(z, x, y),
            (false, false, None) => {
                let month = |m: u32| {
                    let name = MONTHS[m as usize - 1];
                    name[..1].to_uppercase() + &name[1..]
                };
                Err(DateError::Ambiguous {
                    text: raw.to_string(),
                    day_first: format!("{x} {}", month(y)),
                    month_first: format!("{} {y}", month(x)),
                })
            }
        };
    }
    // Written with a month name.
    let words: Vec<&str> =
        raw.split(|c: char| c.is_whitespace() || matches!(c, ',' | '-' | '/')).filter(|w| !w.is_empty()).collect();
    let mut month = None;
    let mut numbers = Vec::new();
    for w in &words {
        let lower = w.trim_end_matches('.').to_lowercase();
        if WEEKDAYS.iter().any(|d| d.starts_with(&lower) && lower.len() >= 3) {
            continue;
        }
        if let Some(m) = month_named(w) {
            if month.replace(m).is_some() {
                return bad("names two months");
            }
            continue;
        }
        let digits = ["st", "nd", "rd", "th"].iter().find_map(|s| lower.strip_suffix(s)).unwrap_or(&lower);
        match num(digits) {
            Some(n) => numbers.push((n, digits.len())),
            None => return bad("is not a date (expected 2026-03-14, 14/03/2026 or 14 Mar 2026)"),
        }
    }
    match (month, numbers.as_slice()) {
        (Some(m), [(d, 1..=2), (y, 4)]) | (Some(m), [(y, 4), (d, 1..=2)]) => valid(*y, m, *d),
        _ => bad("is not a date (expected 2026-03-14, 14/03/2026 or 14 Mar 2026)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_to_civil() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(1_773_446_400), "2026-03-14");
        assert_eq!(civil_date(951_782_400), "2000-02-29");
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_utc(1_773_446_400 + 13 * 3600 + 5 * 60 + 9), "2026-03-14T13:05:09Z");
        assert_eq!(iso_utc(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn dates_in_folder_names() {
        assert_eq!(date_in_name("2026-03-14").as_deref(), Some("2026-03-14"));
        assert_eq!(date_in_name("DAY03_2026_03_14").as_deref(), Some("2026-03-14"));
        assert_eq!(date_in_name("20260314_interviews").as_deref(), Some("2026-03-14"));
        assert_eq!(date_in_name("A003C012_260314_R1AB"), None);
        assert_eq!(date_in_name("2026-13-01"), None);
        assert_eq!(date_in_name("120260314"), None);
        assert_eq!(date_in_name("DAY01"), None);
        assert_eq!(date_in_name("é2026-03-14é").as_deref(), Some("2026-03-14"));
    }

    #[test]
    fn dates_as_people_type_them() {
        let ok = |s: &str, order: Option<DateOrder>| parse_date(s, order).unwrap_or_else(|e| e.to_string());
        for s in [
            "2026-03-14",
            "2026/03/14",
            "2026.3.14",
            "20260314",
            "2026-03-14T14:31:00",
            "2026-03-14 14:31",
            "14/03/2026",
            "03/14/2026",
            "14.03.2026",
            "14-3-2026",
            "14 Mar 2026",
            "14-Mar-2026",
            "March 14, 2026",
            "Sat 14 March 2026",
            "Saturday, March 14th, 2026",
            "14th Sept 2026",
        ] {
            let want = if s.contains("Sept") { "2026-09-14" } else { "2026-03-14" };
            assert_eq!(ok(s, None), want, "{s}");
        }
        assert_eq!(ok("03/04/2026", Some(DateOrder::Dmy)), "2026-04-03");
        assert_eq!(ok("03/04/2026", Some(DateOrder::Mdy)), "2026-03-04");
        assert_eq!(ok("04/04/2026", None), "2026-04-04");
        assert_eq!(
            ok("03/04/2026", None),
            "date \"03/04/2026\" is ambiguous (3 April or March 4); give --date-order dmy or mdy"
        );
        assert_eq!(ok("31/02/2026", None), "date \"31/02/2026\" does not exist");
        assert_eq!(ok("13/13/2026", None), "date \"13/13/2026\" has no month");
        for s in ["00/05/2026", "05/00/2026", "00/00/2026"] {
            assert!(ok(s, None).contains("has a day or month of 0"), "{s}");
        }
        assert_eq!(ok("14/03/26", None), "date \"14/03/26\" needs a four-digit year (2026-03-14, 14/03/2026)");
        assert!(ok("next tuesday", None).contains("is not a date"));
        assert!(ok("", None).contains("is empty"));
        assert_eq!(DateOrder::parse("DMY"), Some(DateOrder::Dmy));
        assert_eq!(DateOrder::parse("ymd"), None);
    }
}
