//! The language a transcript is in: as its file declares it (Whisper
//! JSON `language`, WebVTT `Language:`, TTML `xml:lang`, a speech
//! service's `language_code`, or its name, `A003C012.en.vtt`), as the
//! user set it (`--language`), or detected from its words (`whatlang`).
//! Stored on the transcript's
//! record and on its cues, where search stems in it and the `language:`
//! filter reads it.
//!
//! Codes are ISO 639-1 (`en`, `es`, `ja`), lower case; a region (`en-US`)
//! is dropped, and three-letter codes and English names are mapped.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// A transcript's language and where it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Language {
    /// ISO 639-1 code (`es`), or the code as declared when it maps to none.
    pub code: String,
    pub from: LanguageFrom,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LanguageFrom {
    /// The file says so.
    Declared,
    /// `--language` on import or ingest.
    Set,
    /// Detected from the words.
    Detected,
}

impl LanguageFrom {
    pub fn as_str(self) -> &'static str {
        match self {
            LanguageFrom::Declared => "declared by the file",
            LanguageFrom::Set => "set on import",
            LanguageFrom::Detected => "detected",
        }
    }
}

/// (ISO 639-1, ISO 639-3 / 639-2 codes, English name).
const LANGUAGES: &[(&str, &[&str], &str)] = &[
    ("af", &["afr"], "afrikaans"),
    ("ar", &["ara", "arb"], "arabic"),
    ("bg", &["bul"], "bulgarian"),
    ("bn", &["ben"], "bengali"),
    ("ca", &["cat"], "catalan"),
    ("cs", &["ces", "cze"], "czech"),
    ("cy", &["cym", "wel"], "welsh"),
    ("da", &["dan"], "danish"),
    ("de", &["deu", "ger"], "german"),
    ("el", &["ell", "gre"], "greek"),
    ("en", &["eng"], "english"),
    ("eo", &["epo"], "esperanto"),
    ("es", &["spa"], "spanish"),
    ("et", &["est"], "estonian"),
    ("eu", &["eus", "baq"], "basque"),
    ("fa", &["fas", "per", "pes"], "persian"),
    ("fi", &["fin"], "finnish"),
    ("fr", &["fra", "fre"], "french"),
    ("ga", &["gle"], "irish"),
    ("gu", &["guj"], "gujarati"),
    ("he", &["heb", "iw"], "hebrew"),
    ("hi", &["hin"], "hindi"),
    ("hr", &["hrv"], "croatian"),
    ("hu", &["hun"], "hungarian"),
    ("hy", &["hye", "arm"], "armenian"),
    ("id", &["ind"], "indonesian"),
    ("it", &["ita"], "italian"),
    ("ja", &["jpn"], "japanese"),
    ("ka", &["kat", "geo"], "georgian"),
    ("km", &["khm"], "khmer"),
    ("ko", &["kor"], "korean"),
    ("lo", &["lao"], "lao"),
    ("lt", &["lit"], "lithuanian"),
    ("lv", &["lav"], "latvian"),
    ("mk", &["mkd", "mac"], "macedonian"),
    ("ml", &["mal"], "malayalam"),
    ("mr", &["mar"], "marathi"),
    ("ms", &["msa", "may", "zsm"], "malay"),
    ("my", &["mya", "bur"], "burmese"),
    ("ne", &["nep"], "nepali"),
    ("nl", &["nld", "dut"], "dutch"),
    ("no", &["nor", "nob", "nno", "nb", "nn"], "norwegian"),
    ("pa", &["pan"], "punjabi"),
    ("pl", &["pol"], "polish"),
    ("pt", &["por"], "portuguese"),
    ("ro", &["ron", "rum"], "romanian"),
    ("ru", &["rus"], "russian"),
    ("sk", &["slk", "slo"], "slovak"),
    ("sl", &["slv"], "slovenian"),
    ("sr", &["srp"], "serbian"),
    ("sv", &["swe"], "swedish"),
    ("sw", &["swa", "swh"], "swahili"),
    ("ta", &["tam"], "tamil"),
    ("te", &["tel"], "telugu"),
    ("th", &["tha"], "thai"),
    ("tl", &["tgl", "fil"], "tagalog"),
    ("tr", &["tur"], "turkish"),
    ("uk", &["ukr"], "ukrainian"),
    ("ur", &["urd"], "urdu"),
    ("vi", &["vie"], "vietnamese"),
    ("yi", &["yid"], "yiddish"),
    ("zh", &["zho", "chi", "cmn", "yue"], "chinese"),
];

/// A language as people and files write it (`es`, `ES-mx`, `spa`,
/// `Spanish`, `zh-Hans`) as its ISO 639-1 code; `None` when it is not
/// a language code or name we know.
pub fn normalize(written: &str) -> Option<String> {
    let lower = written.trim().to_ascii_lowercase().replace('_', "-");
    let primary = lower.split('-').next().unwrap_or("");
    if primary.is_empty() {
        return None;
    }
    LANGUAGES
        .iter()
        .find(|(one, three, name)| *one == primary || three.contains(&primary) || *name == lower)
        .map(|(one, _, _)| one.to_string())
}

/// Whether a word matches without `c`: Latin combining accents (those
/// ASCII folding leaves when the accent was typed as its own character),
/// Arabic harakat, Quranic marks and tatweel, Hebrew niqqud and
/// cantillation.
fn ignorable_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F      // combining diacritical marks
        | 0x0591..=0x05BD | 0x05BF | 0x05C1..=0x05C2 | 0x05C4..=0x05C5 | 0x05C7 // Hebrew points
        | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06DC | 0x06DF..=0x06E8 | 0x06EA..=0x06ED // Arabic marks
        | 0x0640             // tatweel
        | 0x08D3..=0x08FF    // Arabic extended marks
        | 0xFB1E             // Hebrew judeo-spanish varika
    )
}

/// A word without its ignorable marks, hamza forms of alef read as alef.
pub fn fold_marks(word: &str) -> Cow<'_, str> {
    let changes = |c: char| ignorable_mark(c) || matches!(c, '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}');
    if !word.chars().any(changes) {
        return Cow::Borrowed(word);
    }
    Cow::Owned(
        word.chars()
            .filter(|c| !ignorable_mark(*c))
            .map(|c| if matches!(c, '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}') { '\u{0627}' } else { c })
            .collect(),
    )
}

/// The language a transcript's file name carries before its extension,
/// as subtitle tools name them (`A003C012.en.vtt`, `INT_01.pt-BR.srt`):
/// a two-letter code, with or without a region.
pub fn from_file_name(name: &str) -> Option<String> {
    let stem = name.rsplit_once('.')?.0;
    let tag = stem.rsplit_once('.')?.1;
    let primary = tag.split(['-', '_']).next().unwrap_or("");
    if primary.len() != 2 || !primary.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    normalize(tag)
}

/// The least text detection is tried on (characters).
const MIN_DETECT_CHARS: usize = 12;
/// The most text detection reads (characters): enough for a clear answer.
const MAX_DETECT_CHARS: usize = 4_000;

/// Detects the language of `texts` (a transcript's cues), when the text
/// says clearly enough.
pub fn detect<'a>(texts: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut sample = String::new();
    for t in texts {
        if sample.len() >= MAX_DETECT_CHARS {
            break;
        }
        // Vowel marks are often left out in Arabic and Hebrew, and read
        // better without.
        sample.push_str(&fold_marks(t));
        sample.push('\n');
    }
    if sample.chars().filter(|c| c.is_alphabetic()).count() < MIN_DETECT_CHARS {
        return None;
    }
    let info = whatlang::detect(&sample)?;
    // A reliable answer, or a clear winner (short transcripts rarely get
    // `is_reliable`, yet a few sentences usually name their language).
    if !info.is_reliable() && info.confidence() < 0.5 {
        return None;
    }
    normalize(info.lang().code())
}

/// What the language of a transcript is: the user's `--language` first,
/// then the file's declaration, then detection.
pub fn resolve<'a>(
    set: Option<&str>,
    declared: Option<&str>,
    texts: impl IntoIterator<Item = &'a str>,
) -> Option<Language> {
    if let Some(code) = set.and_then(normalize) {
        return Some(Language { code, from: LanguageFrom::Set });
    }
    if let Some(code) = declared.and_then(normalize) {
        return Some(Language { code, from: LanguageFrom::Declared });
    }
    detect(texts).map(|code| Language { code, from: LanguageFrom::Detected })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_as_written() {
        assert_eq!(normalize("es").as_deref(), Some("es"));
        assert_eq!(normalize("ES-mx").as_deref(), Some("es"));
        assert_eq!(normalize("en_US").as_deref(), Some("en"));
        assert_eq!(normalize("spa").as_deref(), Some("es"));
        assert_eq!(normalize("Japanese").as_deref(), Some("ja"));
        assert_eq!(normalize("zh-Hans").as_deref(), Some("zh"));
        assert_eq!(normalize("cmn").as_deref(), Some("zh"));
        assert_eq!(normalize("klingon"), None);
        assert_eq!(normalize(""), None);
    }

    #[test]
    fn file_name_tags() {
        assert_eq!(from_file_name("A003C012_260314_R1AB.en.vtt").as_deref(), Some("en"));
        assert_eq!(from_file_name("INT_01.pt-BR.srt").as_deref(), Some("pt"));
        assert_eq!(from_file_name("C0001.srt"), None);
        assert_eq!(from_file_name("T001 (1).srt"), None);
        assert_eq!(from_file_name("interview.final.srt"), None);
        assert_eq!(from_file_name("take.xx.srt"), None);
    }

    #[test]
    fn detection() {
        let es = ["La noche que llegó el agua nadie durmió en el pueblo.", "Perdimos la casa y la panadería."];
        assert_eq!(detect(es).as_deref(), Some("es"));
        let en = ["That night the river came up to the door.", "We lost the cafe and the bakery."];
        assert_eq!(detect(en).as_deref(), Some("en"));
        assert_eq!(detect(["今日は川の水がとても冷たかった。"]).as_deref(), Some("ja"));
        assert_eq!(detect(["我们的房子被洪水冲走了，水很冷。"]).as_deref(), Some("zh"));
        assert_eq!(detect(["وصلت المياه إلى باب البيت في تلك الليلة"]).as_deref(), Some("ar"));
        assert_eq!(detect(["ok"]), None);
    }

    #[test]
    fn set_beats_declared_beats_detected() {
        let text = ["That night the river came up to the door."];
        assert_eq!(resolve(Some("fr"), Some("es"), text).map(|l| l.from), Some(LanguageFrom::Set));
        assert_eq!(
            resolve(None, Some("es"), text).map(|l| (l.code, l.from)),
            Some(("es".into(), LanguageFrom::Declared))
        );
        assert_eq!(resolve(None, Some("??"), text).map(|l| l.from), Some(LanguageFrom::Detected));
    }
}
