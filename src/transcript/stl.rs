//! EBU-STL (Tech 3264) subtitle files: a 1024-byte GSI block, then 128-byte
//! TTI blocks. The GSI declares the rate (`STL25.01` is 25 fps,
//! `STL30.01` 30) and the programme's start timecode (TCP, `HHMMSSFF`).
//! A subtitle's in and out (TCI/TCO, one byte per field) are counted from
//! the TCP, so programme start is the clip's first frame (what ttconv does
//! by default); subtitles before it are reported and skipped. Frames become
//! milliseconds exactly at the declared rate (integer arithmetic, rounded
//! to the millisecond at the end), then land on the clip's frames as any
//! running time does.
//!
//! Text: ISO 6937 (the GSI's code table `00`), teletext controls dropped,
//! `0x8A` a line break, `0x8F` padding; a subtitle split over several
//! blocks (extension block number) is joined; comment blocks are skipped.
//! Problems are reported by byte offset (`Diagnostic::line` holds it).

use super::{Cue, Diagnostic, Fate, Outcome};

const GSI_LEN: usize = 1024;
const TTI_LEN: usize = 128;

/// An EBU-STL file starts with a code page number and `STL25.01`/`STL30.01`.
pub fn looks_like(bytes: &[u8]) -> bool {
    matches!(bytes.get(3..11), Some(b"STL25.01" | b"STL30.01" | b"STL24.01" | b"STL50.01"))
}

/// `HHMMSSFF` as written in the GSI, to frames at `fps`.
fn gsi_tc(field: &[u8], fps: u64) -> Option<u64> {
    let text = std::str::from_utf8(field).ok()?;
    let n = |r: std::ops::Range<usize>| text.get(r)?.parse::<u64>().ok();
    let (h, m, s, f) = (n(0..2)?, n(2..4)?, n(4..6)?, n(6..8)?);
    (m < 60 && s < 60 && f < fps).then_some(((h * 60 + m) * 60 + s) * fps + f)
}

/// Reads an EBU-STL file.
pub fn parse(bytes: &[u8]) -> Result<(Vec<Cue>, Vec<Diagnostic>), Outcome> {
    let Some(gsi) = bytes.get(..GSI_LEN).filter(|_| looks_like(bytes)) else {
        return Err(Outcome::Invalid { reason: "no EBU-STL GSI block (`STL25.01` at byte 3)".to_string() });
    };
    let fps: u64 = match gsi.get(3..11) {
        Some(b"STL30.01") => 30,
        Some(b"STL24.01") => 24,
        Some(b"STL50.01") => 50,
        _ => 25,
    };
    let mut diagnostics = Vec::new();
    if gsi.get(256..264).and_then(|f| gsi_tc(f, fps)).is_none() {
        diagnostics.push(Diagnostic::new(
            256,
            Fate::Kept,
            "programme start (TCP) unreadable; the subtitles' own times kept",
        ));
    }
    let mut cues: Vec<Cue> = Vec::new();
    // A subtitle split over extension blocks: the one being gathered.
    let mut open: Option<(u64, u64, String, usize)> = None;
    let blocks = bytes.get(GSI_LEN..).unwrap_or_default();
    if blocks.len() % TTI_LEN != 0 {
        diagnostics.push(Diagnostic::new(
            GSI_LEN + blocks.len() / TTI_LEN * TTI_LEN,
            Fate::Skipped,
            "a partial TTI block at the end; skipped",
        ));
    }
    for (n, tti) in blocks.chunks_exact(TTI_LEN).enumerate() {
        let offset = GSI_LEN + n * TTI_LEN;
        let (ebn, comment) = (tti[3], tti[15]);
        if comment == 1 || (0xF0..=0xFD).contains(&ebn) {
            continue; // comments and user data
        }
        let frames = |b: &[u8]| -> Option<u64> {
            let (h, m, s, f) = (u64::from(b[0]), u64::from(b[1]), u64::from(b[2]), u64::from(b[3]));
            (h < 24 && m < 60 && s < 60 && f < fps).then_some(((h * 60 + m) * 60 + s) * fps + f)
        };
        let (Some(tci), Some(tco)) = (frames(&tti[5..9]), frames(&tti[9..13])) else {
            diagnostics.push(Diagnostic::new(offset, Fate::Skipped, "TTI block with an impossible timecode; skipped"));
            continue;
        };
        let text = decode_text(&tti[16..]);
        let piece = match open.take() {
            Some((s, e, mut t, at)) => {
                t.push_str(&text);
                (s, e, t, at)
            }
            None => (tci, tco, text, offset),
        };
        if ebn != 0xFF {
            open = Some(piece);
            continue;
        }
        let (tci, tco, text, at) = piece;
        push(&mut cues, (tci, tco, fps), &text, at);
    }
    if let Some((tci, tco, text, at)) = open {
        push(&mut cues, (tci, tco, fps), &text, at);
    }
    Ok((cues, diagnostics))
}

/// One subtitle as a cue.
fn push(cues: &mut Vec<Cue>, times: (u64, u64, u64), text: &str, at: usize) {
    let (tci, tco, fps) = times;
    let text = super::tidy_lines(text);
    if text.is_empty() {
        return;
    }
    // Exact: frames × 1000 / fps, rounded half up to the millisecond.
    let ms = |frames: u64| (frames * 2000 + fps) / (2 * fps);
    let (speaker, text) = super::speaker_of_caption(&text);
    cues.push(Cue::timed(ms(tci), ms(tco.max(tci)), text, speaker, at));
}

/// The text field of a TTI block: ISO 6937 with teletext controls.
fn decode_text(field: &[u8]) -> String {
    let mut out = String::new();
    let mut accent: Option<char> = None;
    for &b in field {
        match b {
            0x8A => out.push('\n'),
            0x8F => break,
            0x20..=0x7E => {
                let c = char::from(b);
                match accent.take() {
                    Some(mark) => out.push_str(&compose(c, mark)),
                    None => out.push(c),
                }
            }
            // Non-spacing diacritics: they come before their letter.
            0xC1..=0xCF => accent = DIACRITICS.get(usize::from(b - 0xC1)).copied(),
            0xA0..=0xFF => out.push_str(ISO6937_HIGH.get(usize::from(b - 0xA0)).copied().unwrap_or("")),
            // Teletext colours, boxing, double height: spaces on screen.
            0x00..=0x1F | 0x80..=0x89 | 0x8B..=0x8E if !out.ends_with([' ', '\n']) && !out.is_empty() => {
                out.push(' ');
            }
            _ => {}
        }
    }
    out
}

/// ISO 6937 0xC1–0xCF: grave, acute, circumflex, tilde, macron, breve,
/// dot, umlaut, (none), ring, cedilla, (none), double acute, ogonek, caron.
const DIACRITICS: [char; 15] = [
    '\u{300}', '\u{301}', '\u{302}', '\u{303}', '\u{304}', '\u{306}', '\u{307}', '\u{308}', '\u{0}', '\u{30A}',
    '\u{327}', '\u{0}', '\u{30B}', '\u{328}', '\u{30C}',
];

/// Latin-1 letters with the diacritics above, precomposed; anything else
/// keeps its combining mark.
fn compose(c: char, mark: char) -> String {
    const TABLE: &[(char, char, char)] = &[
        ('a', '\u{300}', 'à'),
        ('e', '\u{300}', 'è'),
        ('i', '\u{300}', 'ì'),
        ('o', '\u{300}', 'ò'),
        ('u', '\u{300}', 'ù'),
        ('A', '\u{300}', 'À'),
        ('E', '\u{300}', 'È'),
        ('a', '\u{301}', 'á'),
        ('e', '\u{301}', 'é'),
        ('i', '\u{301}', 'í'),
        ('o', '\u{301}', 'ó'),
        ('u', '\u{301}', 'ú'),
        ('y', '\u{301}', 'ý'),
        ('A', '\u{301}', 'Á'),
        ('E', '\u{301}', 'É'),
        ('I', '\u{301}', 'Í'),
        ('O', '\u{301}', 'Ó'),
        ('U', '\u{301}', 'Ú'),
        ('a', '\u{302}', 'â'),
        ('e', '\u{302}', 'ê'),
        ('i', '\u{302}', 'î'),
        ('o', '\u{302}', 'ô'),
        ('u', '\u{302}', 'û'),
        ('a', '\u{303}', 'ã'),
        ('o', '\u{303}', 'õ'),
        ('n', '\u{303}', 'ñ'),
        ('N', '\u{303}', 'Ñ'),
        ('a', '\u{308}', 'ä'),
        ('e', '\u{308}', 'ë'),
        ('i', '\u{308}', 'ï'),
        ('o', '\u{308}', 'ö'),
        ('u', '\u{308}', 'ü'),
        ('A', '\u{308}', 'Ä'),
        ('O', '\u{308}', 'Ö'),
        ('U', '\u{308}', 'Ü'),
        ('a', '\u{30A}', 'å'),
        ('A', '\u{30A}', 'Å'),
        ('c', '\u{327}', 'ç'),
        ('C', '\u{327}', 'Ç'),
    ];
    match TABLE.iter().find(|(b, m, _)| *b == c && *m == mark) {
        Some((_, _, composed)) => composed.to_string(),
        None if mark == '\u{0}' => c.to_string(),
        None => format!("{c}{mark}"),
    }
}

/// ISO 6937 0xA0–0xFF outside the diacritics (which are handled first).
const ISO6937_HIGH: [&str; 96] = [
    " ", "¡", "¢", "£", "", "¥", "", "§", "¤", "‘", "“", "«", "←", "↑", "→", "↓", "°", "±", "²", "³", "×", "µ", "¶",
    "·", "÷", "’", "”", "»", "¼", "½", "¾", "¿", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "―",
    "¹", "®", "©", "™", "♪", "¬", "¦", "", "", "", "", "⅛", "⅜", "⅝", "⅞", "Ω", "Æ", "Đ", "ª", "Ħ", "", "Ĳ", "Ŀ", "Ł",
    "Ø", "Œ", "º", "Þ", "Ŧ", "Ŋ", "ŉ", "ĸ", "æ", "đ", "ð", "ħ", "ı", "ĳ", "ŀ", "ł", "ø", "œ", "ß", "þ", "ŧ", "ŋ",
    "\u{AD}",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn real(name: &str) -> Vec<u8> {
        std::fs::read(super::super::realdata(&format!("ttconv/src/test/resources/stl/sandflow/{name}"))).expect("read")
    }

    /// ttconv's TCP sample: programme start 10:00:00:00 at 25 fps; the
    /// subtitles keep their programme times (10:00:01:24 is 1.96 s on).
    #[test]
    fn times_of_the_programme() {
        let (cues, diagnostics) = parse(&real("test_tcp_processing.stl")).expect("read");
        let got: Vec<(u64, u64, &str, usize)> =
            cues.iter().map(|c| (c.start_ms, c.end_ms, c.text.as_str(), c.line)).collect();
        assert_eq!(
            got,
            [(0, 2_000, "Metadata not for display.", 1024), (36_000_000, 36_001_960, "Start of the program.", 1152)]
        );
        assert!(diagnostics.is_empty());
    }

    #[test]
    fn damaged_files_are_reported() {
        let mut bytes = real("multi_tti_subtitle.stl");
        assert!(parse(&bytes).is_ok());
        bytes.truncate(GSI_LEN + 100);
        let (_, diagnostics) = parse(&bytes).expect("gsi still there");
        assert_eq!(diagnostics.last().map(|d| d.line), Some(GSI_LEN));
        assert!(parse(b"850STL25.01").is_err());
        assert_eq!(decode_text(b"\xC2e\xC8u\x8Anext\x8F\x8F"), "éü\nnext");
    }
}
