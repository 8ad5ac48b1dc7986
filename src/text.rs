//! Turning the bytes of a text file that people and tools produced into a
//! `String`: BOMs (UTF-8, UTF-16 LE/BE), plain UTF-8, and otherwise a
//! legacy code page detected by chardetng (Windows-1252 vs Latin-1,
//! GB2312, Big5, Shift_JIS...). Line ends are normalised to `\n` (CRLF and
//! lone CR, as old Mac tools and WaveAgent write, both occur).

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};
use serde::{Deserialize, Serialize};

/// What became of the part of a file a reader reports on: the transcript
/// and notes readers share it so a summary can say which lines were left
/// out and which were read with a guess or a caveat.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    /// Not read: the cue, row or block is left out.
    #[default]
    Skipped,
    /// Read, with a guess or a caveat (a misspelt column read by its
    /// closeness, an end clamped to the start, extra cells left out).
    Kept,
}

/// Something a reader of a user's file (transcript, notes, selects sheet)
/// did not read, or read with a caveat, and where: the one diagnostic type
/// every reader reports with. Pure readers know no file name and leave
/// `source` empty; whoever read the file from disk names it
/// ([`Diagnostic::in_source`]), so reports sort by `(source, line)` as
/// values, never by re-parsing a `file:line` string.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The file, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// 1-based line; 0 means the file as a whole.
    pub line: usize,
    pub reason: String,
    #[serde(default)]
    pub fate: Fate,
}

impl Diagnostic {
    /// A diagnostic of the file as a whole or of one line, source unknown.
    pub fn new(line: usize, fate: Fate, reason: impl Into<String>) -> Diagnostic {
        Diagnostic { source: None, line, reason: reason.into(), fate }
    }

    /// The same diagnostic, naming the file it is about.
    pub fn in_source(self, source: impl Into<String>) -> Diagnostic {
        Diagnostic { source: Some(source.into()), ..self }
    }
}

/// The unaccented letter for a Latin-1 accented letter (`é` → `e`).
pub fn fold_latin(c: char) -> char {
    match c {
        'À'..='Å' => 'A',
        'Ç' => 'C',
        'È'..='Ë' => 'E',
        'Ì'..='Ï' => 'I',
        'Ñ' => 'N',
        'Ò'..='Ö' | 'Ø' => 'O',
        'Ù'..='Ü' => 'U',
        'Ý' => 'Y',
        'à'..='å' => 'a',
        'ç' => 'c',
        'è'..='ë' => 'e',
        'ì'..='ï' => 'i',
        'ñ' => 'n',
        'ò'..='ö' | 'ø' => 'o',
        'ù'..='ü' => 'u',
        'ý' | 'ÿ' => 'y',
        c => c,
    }
}

/// Decoded text and the encoding it was read as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// WHATWG name of the encoding, e.g. "UTF-8", "windows-1252", "GBK".
    pub encoding: &'static str,
    /// True when bytes were invalid in that encoding and replaced.
    pub had_errors: bool,
}

/// Decodes `bytes`, strips the BOM and normalises line ends.
pub fn decode(bytes: &[u8]) -> Decoded {
    let (encoding, body): (&'static Encoding, &[u8]) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        (UTF_8, rest)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (UTF_16LE, rest)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        (UTF_16BE, rest)
    } else if let Some(enc) = utf16_without_bom(bytes) {
        (enc, bytes)
    } else if std::str::from_utf8(bytes).is_ok() {
        (UTF_8, bytes)
    } else {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(bytes, true);
        (detector.guess(None, chardetng::Utf8Detection::Deny), bytes)
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    Decoded { text: normalise_line_ends(&text), encoding: encoding.name(), had_errors }
}

/// UTF-16 written without a BOM shows as ASCII with every other byte zero.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(512) & !1];
    if sample.len() < 8 {
        return None;
    }
    let zeros_even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let zeros_odd = sample.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let half = sample.len() / 2;
    if zeros_odd * 10 >= half * 9 && zeros_even == 0 {
        Some(UTF_16LE)
    } else if zeros_even * 10 >= half * 9 && zeros_odd == 0 {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// CRLF and lone CR become LF.
pub fn normalise_line_ends(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_string();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boms_and_line_ends() {
        assert_eq!(decode(b"\xEF\xBB\xBFhi\r\nthere\rnow").text, "hi\nthere\nnow");
        let le: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain("caf\u{e9}\r\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let d = decode(&le);
        assert_eq!((d.text.as_str(), d.encoding), ("caf\u{e9}\n", "UTF-16LE"));
        let be: Vec<u8> =
            [0xFE, 0xFF].into_iter().chain("caf\u{e9}".encode_utf16().flat_map(u16::to_be_bytes)).collect();
        assert_eq!(decode(&be).text, "caf\u{e9}");
    }

    #[test]
    fn windows_1252_euro_and_accents() {
        // "café 5€" in Windows-1252: é = 0xE9, € = 0x80 (absent from Latin-1).
        let bytes = b"1\n00:00:01,000 --> 00:00:02,000\nLe caf\xE9 co\xFBte 5\x80, tr\xE8s cher\n";
        let d = decode(bytes);
        assert!(d.text.contains("café coûte 5€, très cher"), "{} as {}", d.text, d.encoding);
    }

    #[test]
    fn real_legacy_code_pages() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/realdata/JuvoPlayer/JuvoPlayer.Tests/res/subtitles");
        let utf8 = std::fs::read_to_string(dir.join("media_player_subs_utf8.srt")).expect("utf8 reference");
        // The same nine cue timings as the UTF-8 reference, and each cue's
        // words as the file's language label says (read off with Python's
        // gbk and big5 codecs; cue 3 of the GB file has a literal `?`).
        let timings = |text: &str| text.lines().filter(|l| l.contains("-->")).map(String::from).collect::<Vec<_>>();
        assert_eq!(timings(&utf8).len(), 9);
        for (file, enc, label, words) in [
            ("media_player_subs_gb2312.srt", "GBK", "[Chinese Simplified]", "她有一只猫.猫的皮毛有"),
            ("media_player_subs_big5.srt", "Big5", "[Chinese Traditional]", "她有一隻貓。貓有皮毛"),
        ] {
            let d = decode(&std::fs::read(dir.join(file)).expect("file"));
            assert_eq!(d.encoding, enc, "{file}");
            assert!(!d.had_errors, "{file}");
            assert_eq!(timings(&d.text), timings(&utf8), "{file}");
            let cues: Vec<&str> = d.text.lines().filter(|l| l.starts_with(label)).collect();
            assert_eq!(cues.len(), 9, "{file}: {}", d.text);
            for cue in cues {
                let (_, said) = cue.split_once(": ").expect("time label");
                assert_eq!(said.trim_start_matches('?'), words, "{file}: {cue}");
            }
        }
    }
}
