//! Transcript readers, as real tools and people produce them: SRT, WebVTT,
//! Whisper JSON; timecoded paragraph text and Word documents (Otter, Rev,
//! Trint, Descript, Happy Scribe, house styles); Premiere's and Resolve's
//! exports and Avid DS captions; speech-to-text services' JSON; broadcast
//! captions (SCC, EBU-STL, TTML) and SBV, ASS/SSA. Pure: bytes in, cues
//! plus diagnostics out. The format is found from the content; the
//! extension only says which formats to try.
//!
//! Every reader recovers per block: one broken cue is reported with its
//! line (or byte offset, for binary formats) and the rest are kept. Times
//! come in two families. Running time is integer milliseconds from the
//! file's zero (clip-relative or record TC: `merge` decides which). SMPTE
//! labels without a rate (`Cue::tc`) are kept as written, for `merge` to
//! read in the clip's own labelling. Formats that declare their rate
//! (EBU-STL, TTML) are converted exactly, here.

pub mod api;
pub mod ass;
pub mod docx;
pub mod nle;
pub mod sbv;
pub mod scc;
pub mod srt;
pub mod stamped;
pub mod stl;
pub mod ttml;
pub mod vtt;
pub mod whisper;

use serde::{Deserialize, Serialize};

use crate::text::{self, Fate};

/// One timed piece of speech.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cue {
    pub start_ms: u64,
    pub end_ms: u64,
    /// Plain text: tags stripped, speaker prefix removed, lines joined by
    /// `\n`.
    pub text: String,
    /// From a voice tag, a JSON `speaker`, or a `NAME:` prefix.
    pub speaker: Option<String>,
    /// 1-based line of the cue's timing line (SRT/VTT) or segment index
    /// (JSON) in the source, for reports.
    pub line: usize,
    /// SMPTE formats (Premiere and Resolve text, Avid DS, SCC, markers):
    /// the labels as written. They carry frames but no rate, so only the
    /// clip can say which instant they name: `merge` turns them into frames
    /// through the clip's own rate and drop-frame labelling, and
    /// `start_ms`/`end_ms` are then only the labels read at 30 frames a
    /// second, for ordering and for a clip without a rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tc: Option<LabelSpan>,
    /// The format gives no end (a timecoded paragraph that is the last of
    /// its file): the cue runs to the end of the clip it is placed on.
    /// `end_ms` is then `start_ms`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub open_end: bool,
}

impl Cue {
    /// A cue timed in running milliseconds, as most formats give it.
    pub fn timed(start_ms: u64, end_ms: u64, text: String, speaker: Option<String>, line: usize) -> Cue {
        Cue { start_ms, end_ms, text, speaker, line, tc: None, open_end: false }
    }

    /// A cue timed by SMPTE labels (no rate known): `start_ms`/`end_ms`
    /// are the labels at 30 frames a second.
    pub fn labelled(span: LabelSpan, text: String, speaker: Option<String>, line: usize) -> Cue {
        let (start_ms, mut end_ms) = (span.start.approx_ms(), span.end.approx_ms());
        // An end label before the start label is the next day (a caption
        // across midnight): readers report labels that run backwards.
        if end_ms < start_ms {
            end_ms += 24 * 3600 * 1000;
        }
        Cue { start_ms, end_ms, text, speaker, line, tc: Some(span), open_end: false }
    }
}

/// A SMPTE timecode label as a file writes it (`01:23:45:21`, `;` before
/// the frames for drop frame), kept as its fields because the file does not
/// say its rate: `merge` reads it in the clip's labelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Label {
    pub hh: u8,
    pub mm: u8,
    pub ss: u8,
    pub ff: u8,
    /// Written with `;` (drop frame). Only informative: the clip's own
    /// labelling decides, as an NLE does when it reads the file back.
    pub drop: bool,
}

/// A cue's start and end labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelSpan {
    pub start: Label,
    pub end: Label,
}

impl Label {
    /// The label read at 30 frames a second, in milliseconds: an order and a
    /// rough time, never a placement.
    pub fn approx_ms(self) -> u64 {
        let secs = (u64::from(self.hh) * 60 + u64::from(self.mm)) * 60 + u64::from(self.ss);
        secs * 1000 + u64::from(self.ff) * 1000 / 30
    }

    /// Reads `HH:MM:SS:FF`, `HH;MM;SS;FF`, `HH:MM:SS;FF` or Avid's
    /// `HH:MM:SS.FF` (two-digit fields; hours may be one digit). Any `;`
    /// marks drop frame. Frames above 59 are refused: no rate has them.
    pub fn parse(text: &str) -> Option<Label> {
        let t = text.trim();
        let fields: Vec<&str> = t.split([':', ';', '.']).collect();
        let [h, m, s, f] = fields.as_slice() else { return None };
        let num = |s: &str, max: u8| -> Option<u8> {
            let ok = (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
            ok.then(|| s.parse::<u8>().ok()).flatten().filter(|&v| v <= max)
        };
        // Frames are always two digits; a one-digit last field is a clock.
        if f.len() != 2 || m.len() != 2 || s.len() != 2 {
            return None;
        }
        Some(Label { hh: num(h, 23)?, mm: num(m, 59)?, ss: num(s, 59)?, ff: num(f, 59)?, drop: t.contains(';') })
    }
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sep = if self.drop { ';' } else { ':' };
        write!(f, "{:02}:{:02}:{:02}{sep}{:02}", self.hh, self.mm, self.ss, self.ff)
    }
}

/// Something in the file that was not read, or read with a caveat, and
/// where.
pub use crate::text::Diagnostic;

/// The transcript formats, as stored in a source record and printed by
/// `show` and `search` (`name()` in words).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Srt,
    Vtt,
    Whisper,
    /// Timecoded paragraphs: Otter, Rev, Trint, Descript, Happy Scribe,
    /// house styles.
    TimecodedText,
    PremiereText,
    PremiereCsv,
    PremiereJson,
    PremiereMarkers,
    ResolveText,
    AvidDs,
    RevAi,
    #[serde(rename = "assemblyai")]
    AssemblyAi,
    Deepgram,
    AwsTranscribe,
    Google,
    Scc,
    EbuStl,
    Ttml,
    Sbv,
    Ass,
    Docx,
}

impl Format {
    /// The format as people call it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Srt => "SRT",
            Format::Vtt => "WebVTT",
            Format::Whisper => "Whisper JSON",
            Format::TimecodedText => "timecoded text",
            Format::PremiereText => "Premiere text",
            Format::PremiereCsv => "Premiere CSV",
            Format::PremiereJson => "Premiere JSON",
            Format::PremiereMarkers => "Premiere markers",
            Format::ResolveText => "Resolve text",
            Format::AvidDs => "Avid DS captions",
            Format::RevAi => "Rev.ai JSON",
            Format::AssemblyAi => "AssemblyAI JSON",
            Format::Deepgram => "Deepgram JSON",
            Format::AwsTranscribe => "AWS Transcribe JSON",
            Format::Google => "Google Speech JSON",
            Format::Scc => "SCC",
            Format::EbuStl => "EBU-STL",
            Format::Ttml => "TTML",
            Format::Sbv => "SBV",
            Format::Ass => "ASS/SSA",
            Format::Docx => "Word",
        }
    }
}

/// The extensions whose files may be transcripts (lower case, no dot).
/// `txt`, `csv` and `tsv` are transcripts only when [`sniff`] says so
/// (otherwise notes); `xml` only when it is TTML.
pub const EXTENSIONS: [&str; 13] =
    ["srt", "vtt", "json", "scc", "stl", "ttml", "dfxp", "sbv", "ass", "ssa", "docx", "prtranscript", "xml"];

/// What reading a file gave.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// A transcript (possibly with some blocks reported and skipped).
    /// `rolled_up` counts the cues that repeated the previous cue's lines
    /// and were merged (see [`merge_roll_up`]).
    Transcript {
        format: Format,
        cues: Vec<Cue>,
        diagnostics: Vec<Diagnostic>,
        encoding: &'static str,
        rolled_up: usize,
    },
    /// A file of that name that is not a transcript (DJI drone telemetry
    /// `.SRT`, JSON that is not Whisper-shaped): skipped with a reason.
    NotTranscript { reason: String },
    /// A transcript file that cannot be read at all (e.g. no WEBVTT
    /// signature), with the reason.
    Invalid { reason: String },
}

/// Whether a file of a notes-like extension (`txt`, `csv`, `tsv`) or an
/// `xml` is a transcript, by its content: Premiere's and Resolve's exports,
/// Avid DS captions, timecoded paragraphs, SBV, SCC, TTML.
pub fn sniff(bytes: &[u8], ext: &str) -> Option<Format> {
    detect_text(&text::decode(bytes).text, ext)
}

/// The format of a text file from its content; `ext` decides only for SRT
/// and WebVTT, whose readers say themselves what is wrong with a file.
fn detect_text(text: &str, ext: &str) -> Option<Format> {
    match ext {
        "srt" => return Some(Format::Srt),
        "vtt" => return Some(Format::Vtt),
        _ => {}
    }
    let head = text.trim_start_matches('\u{FEFF}').trim_start();
    if head.starts_with("Scenarist_SCC") {
        return Some(Format::Scc);
    }
    if ttml::looks_like(head) {
        return Some(Format::Ttml);
    }
    if ext == "xml" {
        return None;
    }
    if head.starts_with("[Script Info]") {
        return Some(Format::Ass);
    }
    if sbv::looks_like(head) {
        return Some(Format::Sbv);
    }
    match nle::detect_table(head) {
        Some(nle::Table::Transcript) => return Some(Format::PremiereCsv),
        Some(nle::Table::Markers) => return Some(Format::PremiereMarkers),
        None => {}
    }
    if head.contains("<begin subtitles>") {
        return Some(Format::AvidDs);
    }
    if stamped::transcript_lines(head) >= 2 {
        let ranges = |bracketed: bool| {
            head.lines().take(200).any(|l| {
                let l = l.trim();
                l.starts_with('[') == bracketed
                    && l.contains(" - ")
                    && l.split(" - ").count() == 2
                    && l.trim_matches(['[', ']']).split(" - ").all(|t| Label::parse(t).is_some())
            })
        };
        return Some(if ranges(true) {
            Format::ResolveText
        } else if ranges(false) {
            Format::PremiereText
        } else {
            Format::TimecodedText
        });
    }
    None
}

/// The language a transcript file declares, as written (`es`, `en-US`,
/// `Japanese`): WebVTT's `Language:` header, a JSON transcript's
/// `language`, `language_code` or Deepgram's `detected_language`, TTML's
/// `xml:lang`. `None` when it declares none.
pub fn declared_language(bytes: &[u8], format: Format) -> Option<String> {
    if matches!(format, Format::EbuStl | Format::Docx) {
        return None;
    }
    let text = text::decode(bytes).text;
    let found = match format {
        // The header is the lines before the first blank one.
        Format::Vtt => text.lines().skip(1).take_while(|l| !l.trim().is_empty()).find_map(|l| {
            let (key, value) = l.split_once(':')?;
            key.trim().eq_ignore_ascii_case("language").then(|| value.trim().to_string())
        }),
        Format::Ttml => {
            let head: String = text.chars().take(4096).collect();
            let at = head.find("xml:lang")?;
            let rest = head[at + "xml:lang".len()..].trim_start().strip_prefix('=')?.trim_start();
            let quote = rest.chars().next().filter(|q| *q == '"' || *q == '\'')?;
            rest[1..].split(quote).next().map(str::to_string)
        }
        _ if text.trim_start().starts_with('{') => {
            let doc: serde_json::Value = serde_json::from_str(&text).ok()?;
            let channel = &doc["results"]["channels"][0];
            [&doc["language"], &doc["language_code"], &doc["detected_language"], &channel["detected_language"]]
                .into_iter()
                .find_map(|v| v.as_str().map(str::to_string))
        }
        _ => None,
    };
    found.filter(|l| !l.trim().is_empty())
}

/// The format of a JSON document.
fn detect_json(doc: &serde_json::Value) -> Option<Format> {
    if nle::is_premiere_json(doc) {
        return Some(Format::PremiereJson);
    }
    api::detect(doc)
}

/// Reads a transcript. The format is found from the content; `ext` (lower
/// case, no dot) says which formats to try.
pub fn parse(bytes: &[u8], ext: &str) -> Outcome {
    if ext == "prtranscript" {
        return Outcome::Invalid { reason: nle::PRTRANSCRIPT.to_string() };
    }
    if stl::looks_like(bytes) {
        return finish(Format::EbuStl, stl::parse(bytes), "binary", 0);
    }
    if ext == "stl" {
        return Outcome::Invalid { reason: "no EBU-STL header (`STL25.01` or `STL30.01` at byte 3)".to_string() };
    }
    if ext == "docx" {
        return match docx::paragraphs(bytes) {
            Ok(paragraphs) => {
                let lines = paragraphs.iter().enumerate().map(|(i, p)| (i + 1, p.as_str()));
                finish(Format::Docx, stamped::parse_lines(lines), "utf-8", 0)
            }
            Err(reason) => Outcome::Invalid { reason },
        };
    }
    let decoded = text::decode(bytes);
    let encoding = decoded.encoding;
    let text = decoded.text.as_str();
    if ext == "json" {
        let doc: serde_json::Value = match serde_json::from_str(text) {
            Ok(doc) => doc,
            Err(e) => return Outcome::Invalid { reason: format!("malformed JSON: {e}") },
        };
        return match detect_json(&doc) {
            Some(Format::PremiereJson) => finish(Format::PremiereJson, Ok(nle::parse_premiere_json(&doc)), encoding, 0),
            Some(format) => finish(format, Ok(api::parse(&doc, format)), encoding, 0),
            None => match whisper::parse(text) {
                Err(Outcome::NotTranscript { .. }) => Outcome::NotTranscript {
                    reason: "JSON of no transcript shape we read (Whisper, Premiere, Rev.ai, AssemblyAI, Deepgram, \
                             AWS Transcribe, Google)"
                        .to_string(),
                },
                result => finish(Format::Whisper, result, encoding, 0),
            },
        };
    }
    let Some(format) = detect_text(text, ext) else {
        let reason = match ext {
            "scc" => "no `Scenarist_SCC` header".to_string(),
            "ttml" | "dfxp" | "xml" => "no TTML `<tt>` root".to_string(),
            "sbv" => "no SBV timing line (`0:00:01.000,0:00:02.000`)".to_string(),
            "ass" | "ssa" => "no `[Script Info]` section".to_string(),
            other => format!("not a transcript (.{other})"),
        };
        return if matches!(ext, "txt" | "csv" | "tsv" | "xml") {
            Outcome::NotTranscript { reason }
        } else {
            Outcome::Invalid { reason }
        };
    };
    let result = match format {
        Format::Srt => srt::parse(text),
        Format::Vtt => vtt::parse(text),
        Format::Scc => scc::parse(text),
        Format::Ttml => ttml::parse(text),
        Format::Ass => ass::parse(text),
        Format::Sbv => sbv::parse(text),
        Format::PremiereCsv => nle::parse_table(text, nle::Table::Transcript),
        Format::PremiereMarkers => nle::parse_table(text, nle::Table::Markers),
        _ => stamped::parse(text),
    };
    finish(format, result, encoding, 0)
}

/// The outcome of one reader; captions that roll up (SRT, WebVTT, SBV)
/// lose their repeated lines.
fn finish(
    format: Format,
    result: Result<(Vec<Cue>, Vec<Diagnostic>), Outcome>,
    encoding: &'static str,
    rolled_up: usize,
) -> Outcome {
    match result {
        Ok((cues, diagnostics)) => {
            let (cues, rolled_up) = match format {
                Format::Srt | Format::Vtt | Format::Sbv => merge_roll_up(cues),
                _ => (cues, rolled_up),
            };
            Outcome::Transcript { format, cues, diagnostics, encoding, rolled_up }
        }
        Err(e) => e,
    }
}

/// Roll-up captions (YouTube's automatic captions, captions converted from
/// broadcast roll-up) keep the previous line on screen while the next one
/// is spoken: cue N shows "A / B", cue N+1 "B / C", and YouTube's WebVTT
/// adds a 10 ms cue showing only "B" between them. Read as written, every
/// line is indexed twice and a phrase search finds it twice.
///
/// A cue whose first lines repeat the last lines of the cue before it, and
/// that starts when that cue ends (within [`ROLL_UP_MAX_GAP_MS`], or
/// overlapping it) with the same speaker, loses the repeated lines; a cue
/// left with nothing new extends the previous kept cue instead. So each
/// line is kept once, at the time it first appeared. Lines are compared
/// whole, with runs of whitespace folded, so a repeated word inside a line
/// is never touched. Returns the cues and how many were merged.
pub fn merge_roll_up(cues: Vec<Cue>) -> (Vec<Cue>, usize) {
    let mut kept: Vec<Cue> = Vec::with_capacity(cues.len());
    let mut merged = 0;
    // The previous cue as the file showed it, before its repeats went.
    let mut shown: Vec<String> = Vec::new();
    let mut shown_end = 0;
    for mut cue in cues {
        let lines: Vec<String> =
            cue.text.split('\n').map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
        let follows = kept.last().is_some_and(|last| {
            last.speaker == cue.speaker
                && cue.start_ms >= last.start_ms
                && cue.start_ms <= shown_end + ROLL_UP_MAX_GAP_MS
        });
        let repeated = if follows { repeated_lines(&shown, &lines) } else { 0 };
        shown = lines;
        shown_end = cue.end_ms;
        if repeated == 0 {
            kept.push(cue);
            continue;
        }
        merged += 1;
        match (cue.text.split('\n').nth(repeated).is_some(), kept.last_mut()) {
            (false, Some(last)) => last.end_ms = last.end_ms.max(cue.end_ms),
            _ => {
                cue.text = cue.text.split('\n').skip(repeated).collect::<Vec<_>>().join("\n");
                kept.push(cue);
            }
        }
    }
    (kept, merged)
}

/// How far after the previous cue's end a roll-up cue may start. YouTube
/// writes them back to back; converters from 25 or 30 fps broadcast
/// captions land within a frame or two.
const ROLL_UP_MAX_GAP_MS: u64 = 80;

/// The number of lines `next` starts with that `previous` ends with (the
/// most that match).
fn repeated_lines(previous: &[String], next: &[String]) -> usize {
    (1..=previous.len().min(next.len()))
        .rev()
        .find(|&n| previous.get(previous.len() - n..) == next.get(..n))
        .unwrap_or(0)
}

/// Splits a `NAME:` speaker prefix off the start of a cue's text.
///
/// Recognised: `MARIA: Hello`, `Maria: Hello`, `SPEAKER 1: Hello`,
/// `DR. SMITH: Hello`, `JOHN (V.O.): Hello`, also after a `>>` or `- `
/// turn marker, and a name alone on the first line (`MAN:` then the words
/// on the next line). The rule is conservative because a false speaker
/// both loses words from the text and invents a person: the name has at
/// most four words and 32 characters, starts with a letter, every word
/// starts with a capital, a digit or an opening bracket (so `Remember
/// this:` is not a name), the colon is followed by a space or the end of
/// the line (so `10:30`, `http://` and `Note:x` are not names; CJK text
/// puts no space after a full-width `：`), and what follows is not a
/// quotation (`Digo: "…"` reports speech). The name is returned trimmed
/// as written; callers compare case-insensitively.
/// Without a speaker the text is returned unchanged.
pub fn split_speaker(text: &str) -> (Option<String>, String) {
    let (first, rest) = match text.split_once('\n') {
        Some((first, rest)) => (first, Some(rest)),
        None => (text, None),
    };
    let body = strip_turn_marker(first.trim_start());
    if let Some((name, said)) = bracketed_speaker(body) {
        let text = match rest {
            Some(rest) => format!("{said}\n{rest}"),
            None => said.to_string(),
        };
        return (Some(name.to_string()), text);
    }
    let Some((colon, colon_len)) =
        body.char_indices().find(|&(_, c)| c == ':' || c == '\u{FF1A}').map(|(i, c)| (i, c.len_utf8()))
    else {
        return (None, text.to_string());
    };
    let name = body[..colon].trim();
    let after = &body[colon + colon_len..];
    // CJK text puts no space after a full-width colon.
    let spaced = after.is_empty() || after.starts_with(char::is_whitespace) || colon_len > 1;
    if !spaced || !looks_like_name(name) {
        return (None, text.to_string());
    }
    let said = after.trim();
    // A colon before quotation marks introduces reported speech (`Digo:
    // "Le doy un abrazo"`, "I say: ..."), not a speaker's turn.
    if said.starts_with(['"', '\u{201C}', '\u{201E}', '\u{00AB}']) {
        return (None, text.to_string());
    }
    let text = match (said.is_empty(), rest) {
        (true, Some(rest)) => rest.to_string(),
        (true, None) => String::new(),
        (false, Some(rest)) => format!("{said}\n{rest}"),
        (false, None) => said.to_string(),
    };
    (Some(name.to_string()), text)
}

/// [`split_speaker`] for captions, where a name alone (`MAN:`) may be all
/// a caption says: then it is the text, not a speaker of nothing.
fn speaker_of_caption(text: &str) -> (Option<String>, String) {
    match split_speaker(text) {
        (Some(_), said) if said.trim().is_empty() => (None, text.to_string()),
        split => split,
    }
}

/// Netflix-style speaker labels: `[Alba] text`, `[ALBA] text`. Brackets
/// mostly hold sound descriptions (`[laughs]`, `[MUSIC PLAYING]`,
/// `[Phone Ringing]`) and some tools put other labels there (JuvoPlayer's
/// `[Western Europe] 0.5: …`), so the rule is stricter than for `NAME:`:
/// the label looks like a name ([`looks_like_name`]), has no word of the
/// usual sound descriptions ([`SOUND_WORDS`]), and is followed on the same
/// line, after a space, by words (a letter or opening punctuation, not a
/// digit). A label alone on its line is left as text. Returns the name
/// and the words.
fn bracketed_speaker(line: &str) -> Option<(&str, &str)> {
    let (name, after) = line.strip_prefix('[')?.split_once(']')?;
    let name = name.trim();
    let said = after.trim_start();
    let words_follow = after.starts_with(char::is_whitespace)
        && said.starts_with(|c: char| c.is_alphabetic() || "¿¡\"'«\u{201C}\u{2018}(".contains(c));
    let described = name.split(|c: char| !c.is_alphanumeric()).any(|word| {
        let word = word.to_lowercase();
        SOUND_WORDS.contains(&word.as_str())
    });
    (words_follow && looks_like_name(name) && !described).then_some((name, said))
}

/// Words of the sound descriptions written in brackets in subtitles for
/// the deaf and hard of hearing (English, and the Spanish seen in Netflix
/// files), lower case. A bracketed label with one of them is not a name.
const SOUND_WORDS: &[&str] = &[
    "music",
    "musical",
    "song",
    "singing",
    "sings",
    "laughs",
    "laughing",
    "laughter",
    "chuckles",
    "giggles",
    "applause",
    "cheering",
    "cheers",
    "inaudible",
    "indistinct",
    "unintelligible",
    "crosstalk",
    "overlapping",
    "silence",
    "sighs",
    "gasps",
    "coughs",
    "cries",
    "crying",
    "sobbing",
    "screams",
    "screaming",
    "shouts",
    "shouting",
    "whispers",
    "whispering",
    "groans",
    "grunts",
    "mumbles",
    "breathing",
    "panting",
    "footsteps",
    "door",
    "knocking",
    "phone",
    "ringing",
    "beeping",
    "static",
    "thunder",
    "wind",
    "explosion",
    "gunshot",
    "gunshots",
    "sound",
    "sounds",
    "noise",
    "sfx",
    "continues",
    "speaking",
    "foreign",
    "language",
    "in",
    "música",
    "risas",
    "aplausos",
    "suspira",
];

/// `>>` (broadcast captions) and `- ` (dialogue dash) mark a change of
/// speaker; they carry no words of their own.
fn strip_turn_marker(line: &str) -> &str {
    if let Some(rest) = line.strip_prefix(">>") {
        rest.trim_start()
    } else if let Some(rest) = line.strip_prefix("- ") {
        rest.trim_start()
    } else {
        line
    }
}

fn looks_like_name(name: &str) -> bool {
    const MAX_CHARS: usize = 32;
    const MAX_WORDS: usize = 4;
    // A scheme before the colon is a web address read aloud or pasted in.
    const URL_SCHEMES: [&str; 5] = ["http", "https", "ftp", "mailto", "file"];
    let mut chars = name.chars();
    let starts_with_letter = chars.next().is_some_and(char::is_alphabetic);
    let words: Vec<&str> = name.split_whitespace().collect();
    let allowed = |c: char| c.is_alphanumeric() || c == ' ' || ".'\u{2019}-_()".contains(c);
    let capitalised = |word: &&str| {
        word.chars().next().is_some_and(|c| (c.is_alphabetic() && !c.is_lowercase()) || c.is_ascii_digit() || c == '(')
    };
    starts_with_letter
        && name.chars().count() <= MAX_CHARS
        && words.len() <= MAX_WORDS
        && name.chars().all(allowed)
        && words.iter().all(capitalised)
        && !words.last().is_some_and(|w| URL_SCHEMES.iter().any(|s| w.eq_ignore_ascii_case(s)))
}

/// Decodes the HTML character references that subtitle tools write:
/// the named ones that occur in SRT and WebVTT (`&amp;`, `&lt;`, `&gt;`,
/// `&quot;`, `&apos;`, `&nbsp;`, `&lrm;`, `&rlm;`) and numeric ones
/// (`&#39;`, `&#x2019;`). Anything else, like a lone `&` in "Q&A", stays as
/// written. `&nbsp;` becomes a plain space: its only job, keeping a line
/// from breaking on screen, means nothing in a transcript, and a plain
/// space is what a search for the phrase will contain.
fn decode_entities(text: &str) -> String {
    const NAMED: [(&str, char); 8] = [
        ("amp", '&'),
        ("lt", '<'),
        ("gt", '>'),
        ("quot", '"'),
        ("apos", '\''),
        ("nbsp", ' '),
        ("lrm", '\u{200E}'),
        ("rlm", '\u{200F}'),
    ];
    // The longest reference we decode is `&#x10FFFF;`.
    const MAX_REF_LEN: usize = 10;
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after.find(';').filter(|&semi| semi < MAX_REF_LEN).and_then(|semi| {
            let name = &after[..semi];
            let c = if let Some(num) = name.strip_prefix('#') {
                let code = match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => num.parse::<u32>().ok(),
                };
                code.and_then(char::from_u32)
            } else {
                NAMED.iter().find(|(n, _)| *n == name).map(|&(_, c)| c)
            };
            c.map(|c| (c, semi))
        });
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character an XML reference (`&amp;`, `&#233;`) stands for: the
/// five predefined entities and character references (TTML, Word).
fn xml_char(r: &quick_xml::events::BytesRef<'_>) -> Option<char> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Some(c),
        _ => match r.as_ref() {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => None,
        },
    }
}

/// Trims each line, drops lines left empty (by markup removal or a blank
/// line inside an SRT cue) and joins the rest with `\n`.
fn tidy_lines(text: &str) -> String {
    text.split('\n').map(str::trim).filter(|line| !line.is_empty()).collect::<Vec<_>>().join("\n")
}

/// Parses a cue timing line, `START --> END[ settings]`, into milliseconds
/// and the text after the end time (WebVTT settings, SRT `X1:` positions).
/// Only the first `-->` separates: settings may contain arrows of their
/// own. Spaces and tabs around the arrow are optional.
fn parse_timing(line: &str) -> Result<(u64, u64, &str), String> {
    let Some((left, right)) = line.split_once("-->") else {
        return Err("no `-->` between the times".to_string());
    };
    let start_text = left.trim();
    let right = right.trim_start();
    let end_len =
        right.find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.' || c == ',')).unwrap_or(right.len());
    let (end_text, settings) = right.split_at(end_len);
    let start = parse_clock(start_text).map_err(|e| format!("start time `{start_text}`: {e}"))?;
    let end = parse_clock(end_text).map_err(|e| format!("end time `{end_text}`: {e}"))?;
    // Settings glued to the end time (`00:01.000line:40%`) occur and are
    // accepted after a complete `.mmm`; otherwise a stray character is a
    // typo inside the time (`00:00:1d.890`), not the start of settings.
    let complete = end_text.rfind(['.', ',']).is_some_and(|dot| end_text.len() - dot == 4);
    if !(settings.is_empty() || settings.starts_with(char::is_whitespace) || complete) {
        return Err(format!(
            "end time `{end_text}{}`: unexpected characters",
            settings.split_whitespace().next().unwrap_or_default()
        ));
    }
    Ok((start, end, settings.trim()))
}

/// Parses `[H+:]MM:SS[(.|,)F+]` into milliseconds, as tools actually write
/// it: hours optional and of any width, `,` or `.` before the fraction,
/// the fraction of any length and read as a decimal fraction (`,5` is
/// 500 ms, `,04` is 40 ms; past three digits it is rounded to the
/// millisecond), and no fraction at all. Minutes and seconds above 59 are
/// refused: `120:10.000` could be minutes or hours, and a reader that
/// guesses puts words two hours away from where they were said.
fn parse_clock(text: &str) -> Result<u64, String> {
    const MAX_FIELD_DIGITS: usize = 9;
    let (clock, fraction) = match text.find(['.', ',']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let fields: Vec<&str> = clock.split(':').collect();
    let digits = |s: &str| !s.is_empty() && s.len() <= MAX_FIELD_DIGITS && s.bytes().all(|b| b.is_ascii_digit());
    if text.is_empty() {
        return Err("missing".to_string());
    }
    if !fields.iter().all(|f| digits(f)) {
        return Err("expected digits as [hours:]minutes:seconds".to_string());
    }
    let numbers: Vec<u64> = fields.iter().filter_map(|f| f.parse().ok()).collect();
    let (hours, minutes, seconds) = match (numbers.as_slice(), fields.as_slice()) {
        ([h, m, s], [_, mf, sf]) if mf.len() <= 2 && sf.len() <= 2 => (*h, *m, *s),
        ([m, s], [_, sf]) if sf.len() <= 2 => (0, *m, *s),
        _ => {
            return Err("expected [hours:]minutes:seconds with two-digit minutes and seconds".to_string());
        }
    };
    if minutes > 59 || seconds > 59 {
        return Err("minutes and seconds must be below 60".to_string());
    }
    let millis = match fraction {
        None => 0,
        Some(f) if f.bytes().all(|b| b.is_ascii_digit()) => fraction_to_ms(f),
        Some(_) => return Err("expected digits after the decimal separator".to_string()),
    };
    Ok(((hours * 60 + minutes) * 60 + seconds) * 1000 + millis)
}

/// Reads the digits after the decimal separator as a decimal fraction of a
/// second, rounded to the millisecond (`5` → 500, `04` → 40, `1235` → 124).
fn fraction_to_ms(digits: &str) -> u64 {
    let mut bytes = digits.bytes().map(|b| u64::from(b - b'0'));
    let mut ms = 0;
    for _ in 0..3 {
        ms = ms * 10 + bytes.next().unwrap_or(0);
    }
    if bytes.next().is_some_and(|d| d >= 5) {
        ms += 1;
    }
    ms
}

/// A cue's end before its start is a typo in one of the two times; the
/// start is kept because it places the words, and the end is clamped to it
/// so every consumer can rely on `start_ms <= end_ms`.
fn clamp_end(start_ms: u64, end_ms: u64, line: usize, diagnostics: &mut Vec<Diagnostic>) -> u64 {
    if end_ms < start_ms {
        diagnostics.push(Diagnostic::new(
            line,
            Fate::Kept,
            format!("cue ends ({end_ms} ms) before it starts ({start_ms} ms); end set to the start"),
        ));
        start_ms
    } else {
        end_ms
    }
}

/// Renders a reader's result for inline expectations: each cue as
/// `start-end [speaker] text` with `|` for line breaks, each diagnostic as
/// `!line reason`, or the refusal.
#[cfg(test)]
fn render(result: Result<(Vec<Cue>, Vec<Diagnostic>), Outcome>) -> Vec<String> {
    let (cues, diagnostics) = match result {
        Ok(ok) => ok,
        Err(outcome) => return vec![format!("{outcome:?}")],
    };
    let cues = cues.into_iter().map(|c| {
        let speaker = c.speaker.map(|s| format!("[{s}] ")).unwrap_or_default();
        format!("{}-{} {speaker}{}", c.start_ms, c.end_ms, c.text.replace('\n', "|"))
    });
    cues.chain(diagnostics.into_iter().map(|d| format!("!{} {}", d.line, d.reason))).collect()
}

/// The shared real-world test data (`../shared/realdata`).
#[cfg(test)]
fn realdata(relative: &str) -> String {
    format!("{}{relative}", concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/realdata/"))
}

/// A real file's text, decoded as `parse` decodes it.
#[cfg(test)]
fn realdata_text(relative: &str) -> String {
    let path = realdata(relative);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text::decode(&bytes).text
}

/// What a real file should give: cue count, first and last cue as
/// (start, end, text), and how many diagnostics.
#[cfg(test)]
struct Want {
    cues: usize,
    first: (u64, u64, &'static str),
    last: (u64, u64, &'static str),
    diagnostics: usize,
}

#[cfg(test)]
fn want(cues: usize, first: (u64, u64, &'static str), last: (u64, u64, &'static str), diagnostics: usize) -> Want {
    Want { cues, first, last, diagnostics }
}

/// Reads the real file at `path` with `parse` (a reader's own) and checks it
/// against `want`; the cues, for further checks.
#[cfg(test)]
type Reader = fn(&str) -> Result<(Vec<Cue>, Vec<Diagnostic>), Outcome>;

/// Checks what `parse` (a reader's own) makes of `input`, as `render` lines.
#[cfg(test)]
fn check_reader(parse: Reader, input: &str, expected: &[&str]) {
    assert_eq!(render(parse(input)), expected, "input:\n{input}");
}

#[cfg(test)]
fn check_file(parse: Reader, path: &str, want: &Want) -> Vec<Cue> {
    let (cues, diagnostics) = parse(&realdata_text(path)).unwrap_or_else(|e| panic!("{path}: {e:?}"));
    let brief = |c: &Cue| (c.start_ms, c.end_ms, c.text.clone());
    let own = |(s, e, t): (u64, u64, &str)| (s, e, t.to_string());
    assert_eq!(cues.len(), want.cues, "{path}: {cues:#?}");
    assert_eq!(cues.first().map(brief), Some(own(want.first)), "{path} first");
    assert_eq!(cues.last().map(brief), Some(own(want.last)), "{path} last");
    assert_eq!(diagnostics.len(), want.diagnostics, "{path}: {diagnostics:?}");
    cues
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speaker_prefixes() {
        for (input, speaker, text) in [
            ("MARIA: Where were you?", Some("MARIA"), "Where were you?"),
            ("Maria: Where were you?", Some("Maria"), "Where were you?"),
            ("SPEAKER 1: Hello", Some("SPEAKER 1"), "Hello"),
            ("DR. SMITH: Hello", Some("DR. SMITH"), "Hello"),
            ("JOHN (V.O.): Hello", Some("JOHN (V.O.)"), "Hello"),
            ("O'BRIEN: Hi", Some("O'BRIEN"), "Hi"),
            ("Mary-Jane Watson: Hi", Some("Mary-Jane Watson"), "Hi"),
            ("SPEAKER_00: hi", Some("SPEAKER_00"), "hi"),
            (">> JOHN: Back to you.", Some("JOHN"), "Back to you."),
            (">>JOHN: Back to you.", Some("JOHN"), "Back to you."),
            ("- Maria: At 10:30?", Some("Maria"), "At 10:30?"),
            ("  Maria:   spaced  ", Some("Maria"), "spaced"),
            ("MAN:\nHow did we end up here?", Some("MAN"), "How did we end up here?"),
            ("JOHN: Hi\nthere", Some("JOHN"), "Hi\nthere"),
            ("MAN:", Some("MAN"), ""),
            ("张三：你好", Some("张三"), "你好"),
            // Not speakers: the text comes back unchanged.
            ("Meet me at 10:30", None, "Meet me at 10:30"),
            ("10:30 we start", None, "10:30 we start"),
            ("http://example.com", None, "http://example.com"),
            ("Go to https: now", None, "Go to https: now"),
            ("Remember this: it matters", None, "Remember this: it matters"),
            ("kontaktieren Sie uns: sales@x", None, "kontaktieren Sie uns: sales@x"),
            ("The Four Main Things Are: x", None, "The Four Main Things Are: x"),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG: x", None, "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG: x"),
            ("Digo: \"Le doy un abrazo\".", None, "Digo: \"Le doy un abrazo\"."),
            ("(laughs): hi", None, "(laughs): hi"),
            ("[Korean] 0.5: text", None, "[Korean] 0.5: text"),
            ("[Alba] The river", Some("Alba"), "The river"),
            ("[ALBA] The river\nrose", Some("ALBA"), "The river\nrose"),
            ("- [Ángeles] No, no.", Some("Ángeles"), "No, no."),
            ("[Carlos] ¿Va todo bien?", Some("Carlos"), "¿Va todo bien?"),
            ("[Speaker 2] yes", Some("Speaker 2"), "yes"),
            ("[Western Europe] 0.5: Alba", None, "[Western Europe] 0.5: Alba"),
            ("[laughs] Alba", None, "[laughs] Alba"),
            ("[Music] Alba", None, "[Music] Alba"),
            ("[MUSIC PLAYING] la la", None, "[MUSIC PLAYING] la la"),
            ("[Phone Ringing] Hello?", None, "[Phone Ringing] Hello?"),
            ("[IN SPANISH] Hola", None, "[IN SPANISH] Hola"),
            ("[Inaudible] maybe", None, "[Inaudible] maybe"),
            ("[Ángeles ríe]", None, "[Ángeles ríe]"),
            ("[Victoria]\nTienes que salir", None, "[Victoria]\nTienes que salir"),
            ("[Alba]text", None, "[Alba]text"),
            ("[Alba] 1928", None, "[Alba] 1928"),
            ("Note:x", None, "Note:x"),
            ("JOHN, MARY: hi", None, "JOHN, MARY: hi"),
            ("- just a dash", None, "- just a dash"),
            ("Hello", None, "Hello"),
            ("", None, ""),
        ] {
            assert_eq!(split_speaker(input), (speaker.map(str::to_string), text.to_string()), "{input:?}");
        }
    }

    #[test]
    fn roll_up_repeats_are_merged() {
        let cue = |start_ms, end_ms, text: &str, speaker: Option<&str>| {
            Cue::timed(start_ms, end_ms, text.to_string(), speaker.map(str::to_string), 0)
        };
        let shape = |cues: Vec<Cue>| {
            let (cues, merged) = merge_roll_up(cues);
            let cues: Vec<String> = cues
                .into_iter()
                .map(|c| format!("{}-{} {}", c.start_ms, c.end_ms, c.text.replace('\n', "|")))
                .collect();
            (cues, merged)
        };
        // Two-line roll-up, then YouTube's 10 ms repeat of a finished line.
        assert_eq!(
            shape(vec![
                cue(0, 500, "a b", None),
                cue(500, 1000, "a  b\nc d", None),
                cue(1000, 1010, "c d", None),
                cue(1010, 1500, "c d\ne", None),
            ]),
            (vec!["0-500 a b".to_string(), "500-1010 c d".to_string(), "1010-1500 e".to_string()], 3)
        );
        // Not roll-up: a gap between the cues, another speaker, a repeat
        // inside a line, a line repeated further back.
        for cues in [
            vec![cue(0, 500, "No.", None), cue(2000, 2500, "No.", None)],
            vec![cue(0, 500, "No.", Some("ANN")), cue(500, 900, "No.", Some("TOM"))],
            vec![cue(0, 500, "go go", None), cue(500, 900, "go on", None)],
            vec![cue(0, 500, "a\nb", None), cue(500, 900, "a\nc", None)],
        ] {
            let n = cues.len();
            assert_eq!(merge_roll_up(cues).0.len(), n);
        }
    }

    /// webvtt-py's youtube-dl download: "yeah" then "yeah / what", and a
    /// line shown again after its word-timed cue.
    #[test]
    fn real_youtube_captions_roll_up() {
        let bytes = std::fs::read(realdata("webvtt-py/tests/subtitles/youtube_dl.vtt")).expect("read");
        let Outcome::Transcript { cues, rolled_up, .. } = parse(&bytes, "vtt") else { panic!("not read") };
        let got: Vec<(u64, u64, &str)> = cues.iter().map(|c| (c.start_ms, c.end_ms, c.text.as_str())).collect();
        assert_eq!(
            got,
            [
                (286_070, 286_470, "yeah"),
                (286_470, 304_080, "what"),
                (304_080, 305_400, "this will happen is I'm telling")
            ]
        );
        assert_eq!(rolled_up, 2);
    }

    #[test]
    fn entities() {
        for (input, expected) in [
            ("&amp; &lt; &gt; &quot; &apos; &#39; &#x41; &#X42;", "& < > \" ' ' A B"),
            ("Go,&nbsp;then", "Go, then"),
            ("&lrm;&rlm;", "\u{200E}\u{200F}"),
            ("&amp;amp;", "&amp;"),
            ("Q&A &unknown; &#xZZ; &#1114112; & &amp &am&amp;", "Q&A &unknown; &#xZZ; &#1114112; & &amp &am&"),
            ("&#0000000000000065; trailing &", "&#0000000000000065; trailing &"),
        ] {
            assert_eq!(decode_entities(input), expected, "{input:?}");
        }
    }

    #[test]
    fn clock_times() {
        for (input, expected) in [
            ("00:00:01,000", Ok(1000)),
            ("00:00:01.000", Ok(1000)),
            ("0:00:01,5", Ok(1500)),
            ("00:00:01,05", Ok(1050)),
            ("00:00:01,0506", Ok(1051)),
            ("00:00:01", Ok(1000)),
            ("00:01.000", Ok(1000)),
            ("000:00.000", Ok(0)),
            ("123:59:59,999", Ok(((123 * 60 + 59) * 60 + 59) * 1000 + 999)),
            ("00:00:01.", Ok(1000)),
            ("00:60:00,000", Err("minutes and seconds must be below 60")),
            ("00:00:60,000", Err("minutes and seconds must be below 60")),
            ("60:00.000", Err("minutes and seconds must be below 60")),
            ("00:000.000", Err("expected [hours:]minutes:seconds with two-digit minutes and seconds")),
            ("00:00:00:00", Err("expected [hours:]minutes:seconds with two-digit minutes and seconds")),
            ("00.00.000", Err("expected [hours:]minutes:seconds with two-digit minutes and seconds")),
            ("00:00:0x,000", Err("expected digits as [hours:]minutes:seconds")),
            ("00:00:01,5x", Err("expected digits after the decimal separator")),
            ("1234567890:00:00,000", Err("expected digits as [hours:]minutes:seconds")),
            ("", Err("missing")),
        ] {
            assert_eq!(parse_clock(input), expected.map_err(str::to_string), "{input:?}");
        }
    }

    #[test]
    fn timing_lines() {
        assert_eq!(parse_timing("00:00:01,000 --> 00:00:02,000"), Ok((1000, 2000, "")));
        assert_eq!(parse_timing("00:00:01,000-->00:00:02,000"), Ok((1000, 2000, "")));
        assert_eq!(parse_timing("00:01.000\t-->\t00:02.000 align:start"), Ok((1000, 2000, "align:start")));
        assert_eq!(parse_timing("00:00.000 --> 00:01.000line:40% size:40%"), Ok((0, 1000, "line:40% size:40%")));
        assert_eq!(parse_timing("00:00.000 --> 00:02.000 region:fred-->"), Ok((0, 2000, "region:fred-->")));
        assert_eq!(
            parse_timing("00:02:04,08 --> 00:02:07,12 X1:40 X2:600 Y1:20 Y2:50"),
            Ok((124_080, 127_120, "X1:40 X2:600 Y1:20 Y2:50"))
        );
        assert_eq!(
            parse_timing("00:00:07.000 --> 00:00:1d.890"),
            Err("end time `00:00:1d.890`: unexpected characters".to_string())
        );
        assert_eq!(parse_timing("00:00:07.000 --> "), Err("end time ``: missing".to_string()));
        assert_eq!(parse_timing("-->"), Err("start time ``: missing".to_string()));
    }

    #[test]
    fn dispatch_by_extension() {
        // Windows-1252 bytes with CRLF line ends, through the whole path.
        let srt = b"1\r\n00:00:01,000 --> 00:00:02,000\r\nCaf\xE9 cr\xE8me, 5\x80 \xE0 la carte, tr\xE8s cher\r\n";
        match parse(srt, "srt") {
            Outcome::Transcript { format, cues, diagnostics, encoding, .. } => {
                assert_eq!((format, encoding), (Format::Srt, "windows-1252"));
                assert_eq!(cues.first().map(|c| c.text.as_str()), Some("Café crème, 5€ à la carte, très cher"));
                assert!(diagnostics.is_empty());
            }
            other => panic!("{other:?}"),
        }
        let vtt = parse(b"\xEF\xBB\xBFWEBVTT\n\n00:01.000 --> 00:02.000\n<v Ann>Hi", "vtt");
        assert!(matches!(vtt, Outcome::Transcript { format: Format::Vtt, ref cues, .. } if cues.len() == 1));
        let json = parse(br#"{"segments": [{"start": 1, "end": 2, "text": "Hi"}]}"#, "json");
        assert!(matches!(json, Outcome::Transcript { format: Format::Whisper, ref cues, .. } if cues.len() == 1));
        assert_eq!(parse(b"hello", "txt"), Outcome::NotTranscript { reason: "not a transcript (.txt)".to_string() });
    }

    /// Every real subtitle file: every byte prefix (a stride of them for
    /// the large ones) through decoding and each reader must not panic.
    #[test]
    fn prefixes_of_real_files_never_panic() {
        let root_name = realdata("");
        let mut dirs = vec![std::path::PathBuf::from(root_name)];
        let mut files = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
                if !matches!(ext.as_str(), "srt" | "vtt") {
                    continue;
                }
                let bytes = std::fs::read(&path).unwrap_or_default();
                // Every prefix of the small files (the odd ones: UTF-16, CR,
                // legacy code pages, vtt.js edge cases); 100 of each larger
                // one, to keep the test to seconds in a debug build.
                let stride = if bytes.len() <= 2_048 { 1 } else { bytes.len() / 100 };
                for end in (0..=bytes.len()).step_by(stride) {
                    let prefix = bytes.get(..end).unwrap_or_default();
                    let decoded = text::decode(prefix);
                    let _ = srt::parse(&decoded.text);
                    let _ = vtt::parse(&decoded.text);
                    let _ = whisper::parse(&decoded.text);
                }
                files += 1;
            }
        }
        assert_eq!(files, 188);
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// Lines made of the pieces the readers look for, so that random
        /// input reaches past the first check.
        const SUBTITLE_LIKE: &str = "(WEBVTT\n|NOTE x\n|[0-9]{1,3}\n|[0-9:.,]{0,14} ?--> ?[0-9:.,]{0,14}[ a-z:%0-9]{0,6}\n|<[a-z/. ]{0,6}>?|[A-Z ]{0,6}: |&[a-z#0-9]{0,5};?|\\{\\\\an8\\}|[a-z ]{0,10}|\n){0,40}";

        proptest! {
            #[test]
            fn any_text_never_panics(s in "\\PC{0,400}") {
                let _ = srt::parse(&s);
                let _ = vtt::parse(&s);
                let _ = whisper::parse(&s);
                let _ = split_speaker(&s);
            }

            #[test]
            fn subtitle_like_text_never_panics(s in SUBTITLE_LIKE) {
                if let Ok((cues, _)) = srt::parse(&s) {
                    prop_assert!(cues.iter().all(|c| c.start_ms <= c.end_ms && !c.text.is_empty()));
                }
                let vtt_text = format!("WEBVTT\n\n{s}");
                if let Ok((cues, _)) = vtt::parse(&vtt_text) {
                    prop_assert!(cues.iter().all(|c| c.start_ms <= c.end_ms && !c.text.is_empty()));
                }
            }

            #[test]
            fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1_000)) {
                for ext in ["srt", "vtt", "json"] {
                    let _ = parse(&bytes, ext);
                }
            }

            #[test]
            fn whisper_like_json_never_panics(
                start in proptest::option::of(any::<f64>()),
                end in proptest::option::of(-10.0f64..1e12),
                text in "\\PC{0,20}",
                speaker in proptest::option::of("[A-Z_0-9]{0,10}"),
            ) {
                let number = |v: Option<f64>| v.and_then(serde_json::Number::from_f64).map_or(serde_json::Value::Null, serde_json::Value::Number);
                let segment = serde_json::json!({"start": number(start), "end": number(end), "text": text, "speaker": speaker, "words": [{"speaker": speaker}]});
                let doc = serde_json::json!({"segments": [segment.clone(), segment]});
                let _ = whisper::parse(&doc.to_string());
            }
        }
    }
}
