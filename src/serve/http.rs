//! The HTTP pieces the server needs and tiny_http leaves to us, each pure
//! and tested alone: byte ranges (RFC 9110 §14), query strings and path
//! segments, the token check, and the attachment file name.

use std::collections::HashMap;

/// What a `Range` header asks of a file of `len` bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeAsk {
    /// No usable range (absent, malformed, several ranges, another unit):
    /// the whole file with `200`, as RFC 9110 allows a server to answer.
    Whole,
    /// Bytes `start..=end` with `206` and `Content-Range`.
    Part { start: u64, end: u64 },
    /// A range that lies past the end: `416` with `Content-Range: bytes */len`.
    Unsatisfiable,
}

/// Reads a `Range` header value (`bytes=0-`, `bytes=100-199`, `bytes=-500`)
/// against a file of `len` bytes. An end past the file is cut to its last
/// byte; a start past it (or an empty suffix) cannot be met.
pub fn range(header: Option<&str>, len: u64) -> RangeAsk {
    let Some(value) = header else { return RangeAsk::Whole };
    let Some(spec) = value.trim().strip_prefix("bytes=") else { return RangeAsk::Whole };
    if spec.contains(',') {
        return RangeAsk::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else { return RangeAsk::Whole };
    let (first, last) = (first.trim(), last.trim());
    let number = |s: &str| if s.bytes().all(|b| b.is_ascii_digit()) { s.parse::<u64>().ok() } else { None };
    match (first.is_empty(), last.is_empty()) {
        // `bytes=-N`: the last N bytes.
        (true, false) => match number(last) {
            Some(0) => RangeAsk::Unsatisfiable,
            Some(_) if len == 0 => RangeAsk::Unsatisfiable,
            Some(n) => RangeAsk::Part { start: len.saturating_sub(n), end: len - 1 },
            None => RangeAsk::Whole,
        },
        // `bytes=A-`: from A to the end.
        (false, true) => match number(first) {
            Some(a) if a >= len => RangeAsk::Unsatisfiable,
            Some(a) => RangeAsk::Part { start: a, end: len - 1 },
            None => RangeAsk::Whole,
        },
        (false, false) => match (number(first), number(last)) {
            (Some(a), Some(b)) if a > b => RangeAsk::Whole,
            (Some(a), Some(_)) if a >= len => RangeAsk::Unsatisfiable,
            (Some(a), Some(b)) => RangeAsk::Part { start: a, end: b.min(len - 1) },
            _ => RangeAsk::Whole,
        },
        (true, true) => RangeAsk::Whole,
    }
}

/// A request target split into its decoded path segments and its query
/// parameters (the last value wins). `None` when a segment does not decode
/// to UTF-8 or names `.`/`..`, or holds a slash or NUL once decoded: no
/// segment ever reaches the file system, but none is ambiguous either.
pub fn split_target(target: &str) -> Option<(Vec<String>, HashMap<String, String>)> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut segments = Vec::new();
    for raw in path.split('/').filter(|s| !s.is_empty()) {
        let seg = percent_encoding::percent_decode_str(raw).decode_utf8().ok()?.into_owned();
        if seg == "." || seg == ".." || seg.contains(['/', '\\', '\0']) {
            return None;
        }
        segments.push(seg);
    }
    let params = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    Some((segments, params))
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The value of cookie `name` in a `Cookie` header.
pub fn cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').filter_map(|kv| kv.trim().split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v.trim())
}

/// A `Content-Disposition` for a download named `name`: an ASCII
/// fallback (anything else becomes `_`) and the exact name in RFC 5987
/// form.
pub fn attachment(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') { c } else { '_' })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A fresh random token: 32 hex digits from the system's generator.
pub fn new_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_as_browsers_send_them() {
        let whole = RangeAsk::Whole;
        let part = |start, end| RangeAsk::Part { start, end };
        let cases: &[(Option<&str>, u64, RangeAsk)] = &[
            (None, 100, whole),
            (Some("bytes=0-"), 100, part(0, 99)),
            (Some("bytes=10-19"), 100, part(10, 19)),
            (Some("bytes=90-200"), 100, part(90, 99)),
            (Some("bytes=-10"), 100, part(90, 99)),
            (Some("bytes=-500"), 100, part(0, 99)),
            (Some("bytes=99-99"), 100, part(99, 99)),
            (Some("bytes=100-"), 100, RangeAsk::Unsatisfiable),
            (Some("bytes=100-150"), 100, RangeAsk::Unsatisfiable),
            (Some("bytes=-0"), 100, RangeAsk::Unsatisfiable),
            (Some("bytes=0-"), 0, RangeAsk::Unsatisfiable),
            (Some("bytes=20-10"), 100, whole),
            (Some("bytes=0-1,5-6"), 100, whole),
            (Some("items=0-1"), 100, whole),
            (Some("bytes=a-b"), 100, whole),
            (Some("bytes=+1-2"), 100, whole),
            (Some("bytes=-"), 100, whole),
            (Some("bytes=99999999999999999999999-"), 100, whole),
        ];
        for (header, len, want) in cases {
            assert_eq!(range(*header, *len), *want, "{header:?} of {len}");
        }
    }

    #[test]
    fn targets_decode_and_refuse_dot_segments_and_hidden_slashes() {
        let (segs, params) = split_target("/api/bins/Act%20one/selects?q=a%20b&limit=5").unwrap_or_default();
        assert_eq!(segs, ["api", "bins", "Act one", "selects"]);
        assert_eq!(params.get("q").map(String::as_str), Some("a b"));
        assert_eq!(params.get("limit").map(String::as_str), Some("5"));
        let (_, plus) = split_target("/api/search?q=water+door").unwrap_or_default();
        assert_eq!(plus.get("q").map(String::as_str), Some("water door"));
        for bad in ["/media/..", "/media/%2e%2e", "/media/a%2Fb", "/media/a%5Cb", "/media/%00", "/media/%ff"] {
            assert!(split_target(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn secrets_cookies_and_names() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
        assert_eq!(cookie("a=1; rushes_token=xyz; b=2", "rushes_token"), Some("xyz"));
        assert_eq!(cookie("a=1", "rushes_token"), None);
        assert_eq!(
            attachment("Act one é.edl"),
            "attachment; filename=\"Act one _.edl\"; filename*=UTF-8''Act%20one%20%C3%A9%2Eedl"
        );
        let t = new_token().unwrap_or_default();
        assert_eq!(t.len(), 32);
        assert_ne!(t, new_token().unwrap_or_default());
    }
}
