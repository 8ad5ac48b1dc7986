//! The Broadcast Wave `bext` chunk: TimeReference, origination date and
//! the description's `KEY=value` lines (`sSPEED`, `sTAKE`...) recorders write.

use super::{non_empty, parse_bool};
use crate::timecode::{Rate, TcFormat};

/// The fields of a `bext` chunk that say when and what was recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bext {
    /// The Description text up to its first NUL.
    pub description: String,
    pub originator: String,
    /// OriginationDate normalised to `YYYY-MM-DD`, when it is a real date.
    pub origination_date: Option<String>,
    /// Samples since midnight of the first sample, if the chunk is long
    /// enough to hold it.
    pub time_reference: Option<u64>,
}

/// What the `key=value` lines of a `bext` description say. Recorders prefix
/// each key with a letter saying who wrote it (`s` Sound Devices, `d` a
/// DAW, `g` Gotham/Metacorder) or with nothing (Zoom).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BextDescription {
    /// The timecode format from `SPEED`, else `FRAMERATE`.
    pub speed: Option<TcFormat>,
    pub scene: Option<String>,
    pub take: Option<String>,
    pub tape: Option<String>,
    pub note: Option<String>,
    pub project: Option<String>,
    pub circled: Option<bool>,
    /// `TRK1=`, `TRK2=`, ... in track-number order, empty names left out.
    pub track_names: Vec<String>,
}

/// Reads the fixed part of a `bext` chunk body; missing fields (a chunk cut
/// short) are left empty.
pub fn parse_bext(body: &[u8]) -> Bext {
    let field = |from: usize, to: usize| body.get(from..to.min(body.len())).map(fixed_text).unwrap_or_default();
    Bext {
        description: field(0, 256),
        originator: field(256, 288),
        origination_date: body.get(320..330).and_then(normalise_date),
        time_reference: body.get(338..346).and_then(|b| <[u8; 8]>::try_from(b).ok()).map(u64::from_le_bytes),
    }
}

/// Normalises a `bext` OriginationDate (`yyyy-mm-dd`, or `yyyy:mm:dd` as
/// Metacorder writes, or `/` and `.` separators) to `YYYY-MM-DD`. `None`
/// for anything that is not a plausible calendar date.
pub fn normalise_date(raw: &[u8]) -> Option<String> {
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = raw.get(r)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let seps_ok = [4, 7].iter().all(|&i| matches!(raw.get(i), Some(b'-' | b':' | b'/' | b'.')));
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    if !seps_ok || year == 0 || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// Reads the `key=value` lines of a `bext` description. Lines that are not
/// `key=value` and keys not listed here are ignored.
pub fn parse_bext_description(desc: &str) -> BextDescription {
    let mut out = BextDescription::default();
    let mut speed = None;
    let mut frame_rate = None;
    let mut tracks: Vec<(u32, String)> = Vec::new();
    for line in desc.split(['\r', '\n']) {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = strip_writer_prefix(key.trim()).to_ascii_uppercase();
        let value = value.trim();
        let text = || non_empty(value);
        match key.as_str() {
            "SPEED" => speed = speed.or_else(|| parse_speed(value)),
            "FRAMERATE" => frame_rate = frame_rate.or_else(|| parse_speed(value)),
            "SCENE" => out.scene = out.scene.or_else(text),
            "TAKE" => out.take = out.take.or_else(text),
            "TAPE" => out.tape = out.tape.or_else(text),
            "NOTE" => out.note = out.note.or_else(text),
            "PROJECT" => out.project = out.project.or_else(text),
            "CIRCLED" => out.circled = out.circled.or_else(|| parse_bool(value)),
            k => {
                if let Some(n) = k.strip_prefix("TRK").and_then(|n| n.parse::<u32>().ok())
                    && let Some(name) = text()
                {
                    tracks.push((n, name));
                }
            }
        }
    }
    // SPEED is the recorder's own timecode speed; Pro Tools' FRAMERATE is
    // the session's, so it only stands in when SPEED is absent.
    out.speed = speed.or(frame_rate);
    tracks.sort_by_key(|(n, _)| *n);
    out.track_names = tracks.into_iter().map(|(_, name)| name).collect();
    out
}

/// Parses a description speed such as `023.976-ND`, `023.976-NDF`,
/// `23.976ND`, `25.000ND`, `029.970-DF` or `29.97D` into a timecode format.
pub fn parse_speed(value: &str) -> Option<TcFormat> {
    let v = value.trim();
    let split = v.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '/')).unwrap_or(v.len());
    let (number, flag) = v.split_at_checked(split)?;
    let rate = Rate::parse(number).ok()?;
    let flag = flag.trim().trim_start_matches('-').trim().to_ascii_uppercase();
    // Only the drop-frame spellings turn drop-frame on; ND, NDF, an empty
    // flag or anything unknown is non-drop, the far more common case.
    let drop = matches!(flag.as_str(), "DF" | "D" | "DROP");
    Some(TcFormat::new(rate, drop))
}

/// Text of a fixed-size `bext` field: up to the first NUL (Metacorder
/// leaves memory garbage after it), as UTF-8 or else Latin-1, trimmed.
pub(super) fn fixed_text(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let bytes = bytes.get(..end).unwrap_or_default();
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    };
    text.trim().to_string()
}

/// Removes the one-letter lowercase prefix naming who wrote a description
/// key (`sSPEED` → `SPEED`); keys are otherwise upper case.
pub(super) fn strip_writer_prefix(key: &str) -> &str {
    let bytes = key.as_bytes();
    match (bytes.first(), bytes.get(1)) {
        (Some(p), Some(next)) if p.is_ascii_lowercase() && next.is_ascii_uppercase() => key.get(1..).unwrap_or(key),
        _ => key,
    }
}
