//! Calendar days for the `day` of a clip, without a date crate: the
//! proleptic Gregorian conversion from Unix time, and recognising dates in
//! folder names the way APs name shoot days.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_to_civil() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(1_773_446_400), "2026-03-14");
        assert_eq!(civil_date(951_782_400), "2000-02-29");
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
}
