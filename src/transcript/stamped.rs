//! Transcripts as text with timestamps in it, the shape most transcripts
//! reach an AP in:
//!
//! - **timecoded paragraphs** from Otter (`Maria Lopez  0:03` above each
//!   paragraph), Rev (`Speaker 1 (00:03):`), Trint and Descript
//!   (`[00:00:44] Name: text`), Happy Scribe (`00:00:03.200 Speaker 1`) and
//!   house styles (a stamp alone on its line, `(00:01:23)`, a speaker name
//!   on its own line);
//! - **Premiere Pro's text export** (`00:00:03:20 - 00:00:31:20`, the
//!   speaker, the text), **DaVinci Resolve's** (`[00:00:43:03 -
//!   00:00:48:08]`), and **Avid DS caption text** (`<begin subtitles>`, then
//!   `TC TC` and the caption).
//!
//! Stamps in running time (`0:03`, `1:02:03`, `00:00:03.200`) become
//! milliseconds; SMPTE labels (`01:23:45:21`, `01;23;45;21`) stay labels
//! (`Cue::tc`), because these files never say their rate. A paragraph
//! without an end runs to the next stamp; the last one to the end of the
//! clip (`Cue::open_end`). The boilerplate services add ("Transcribed by
//! https://otter.ai", "Page 2 of 9", "Transcript by Rev.com") is dropped.
//! The same reader takes a Word document's paragraphs (`docx.rs`).

use super::{Cue, Diagnostic, Fate, Label, LabelSpan, Outcome, looks_like_name, split_speaker};

/// A stamp as written: running milliseconds or a SMPTE label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stamp {
    Ms(u64),
    Tc(Label),
}

impl Stamp {
    fn approx_ms(self) -> u64 {
        match self {
            Stamp::Ms(ms) => ms,
            Stamp::Tc(label) => label.approx_ms(),
        }
    }
}

/// Reads a stamp: a SMPTE label, or a clock `[H:]MM:SS[.fff]` (hours of
/// any width, minutes of one or two digits when there are no hours: Otter
/// writes `0:03` and `12:45`). Brackets or parentheses around it are
/// allowed.
pub(super) fn parse_stamp(text: &str) -> Option<Stamp> {
    let t = text.trim();
    let t = t
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .or_else(|| t.strip_prefix('(').and_then(|r| r.strip_suffix(')')))
        .unwrap_or(t)
        .trim();
    if let Some(label) = Label::parse(t) {
        return Some(Stamp::Tc(label));
    }
    let (clock, fraction) = match t.split_once(['.', ',']) {
        Some((c, f)) if (1..=3).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()) => (c, Some(f)),
        Some(_) => return None,
        None => (t, None),
    };
    let fields: Vec<&str> = clock.split(':').collect();
    let digits = |s: &str, max_len: usize| (1..=max_len).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    let num = |s: &str| s.parse::<u64>().ok();
    let (h, m, s) = match fields.as_slice() {
        [h, m, s] if digits(h, 3) && m.len() == 2 && digits(m, 2) && s.len() == 2 && digits(s, 2) => {
            (num(h)?, num(m)?, num(s)?)
        }
        [m, s] if digits(m, 3) && s.len() == 2 && digits(s, 2) => (0, num(m)?, num(s)?),
        _ => return None,
    };
    // Minutes past 59 are Otter's way of writing long recordings without
    // hours (`75:10`) only when there are no hours.
    if s > 59 || (fields.len() == 3 && m > 59) {
        return None;
    }
    let millis = fraction.map_or(0, |f| {
        let mut ms = 0;
        for i in 0..3 {
            ms = ms * 10 + f.as_bytes().get(i).map_or(0, |b| u64::from(b - b'0'));
        }
        ms
    });
    Some(Stamp::Ms(((h * 60 + m) * 60 + s) * 1000 + millis))
}

/// What one line of the file is.
#[derive(Debug, PartialEq)]
enum Line<'a> {
    Blank,
    /// Dropped: service boilerplate, Avid DS markers and comments.
    Boilerplate,
    /// A start and end (Premiere, Resolve, Avid DS).
    Range(Label, Label),
    /// A stamp that opens a paragraph: alone, or with a speaker before it
    /// (Otter, Rev, Happy Scribe), or with text after it on the line.
    Stamp {
        stamp: Stamp,
        speaker: Option<&'a str>,
        rest: &'a str,
    },
    Text(&'a str),
}

/// Lines a transcription service adds that are not speech.
fn is_boilerplate(line: &str) -> bool {
    let lower = line.to_lowercase();
    let page = lower.strip_prefix("page ").is_some_and(|rest| {
        let words: Vec<&str> = rest.split_whitespace().collect();
        matches!(words.as_slice(), [n] if n.bytes().all(|b| b.is_ascii_digit()))
            || matches!(words.as_slice(), [n, "of", m] if n.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()))
    });
    page || lower.starts_with("transcribed by ")
        || lower.starts_with("transcript by rev.com")
        || lower.starts_with("transcribed by https://otter.ai")
        || lower.starts_with("this transcript was exported on")
        || lower.starts_with("@ this file")
        || lower == "<begin subtitles>"
        || lower == "<end subtitles>"
}

/// `TC - TC`, `[TC - TC]`, `TC --> TC` or Avid's `TC TC`: both SMPTE labels.
fn range(line: &str) -> Option<(Label, Label)> {
    let t = line.trim();
    let t = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')).unwrap_or(t);
    let (a, b) = t
        .split_once(" - ")
        .or_else(|| t.split_once("-->"))
        .or_else(|| t.split_once('\t'))
        .or_else(|| t.split_once(' '))?;
    Some((Label::parse(a)?, Label::parse(b.trim())?))
}

fn classify(line: &str) -> Line<'_> {
    let t = line.trim();
    if t.is_empty() {
        return Line::Blank;
    }
    if is_boilerplate(t) {
        return Line::Boilerplate;
    }
    if let Some((a, b)) = range(t) {
        return Line::Range(a, b);
    }
    if let Some(stamp) = parse_stamp(t) {
        return Line::Stamp { stamp, speaker: None, rest: "" };
    }
    // Rev: `Speaker 1 (00:03):` / `Maria (01:02:03):`.
    if let Some(head) = t.strip_suffix("):")
        && let Some((name, stamp)) = head.rsplit_once('(')
        && let Some(stamp) = parse_stamp(stamp)
        && looks_like_name(name.trim())
    {
        return Line::Stamp { stamp, speaker: Some(name.trim()), rest: "" };
    }
    // Otter and Happy Scribe: `Maria Lopez  0:03`, `00:00:03.200 Speaker 1`.
    if let Some((name, stamp)) = t.rsplit_once(char::is_whitespace)
        && let Some(stamp) = parse_stamp(stamp)
        && looks_like_name(name.trim())
    {
        return Line::Stamp { stamp, speaker: Some(name.trim()), rest: "" };
    }
    // A stamp that opens a paragraph: `[00:00:44] Name: text`, `0:03 text`.
    let first = t.split_whitespace().next().unwrap_or_default();
    if let Some(stamp) = parse_stamp(first) {
        let rest = t[first.len()..].trim_start();
        let rest = rest.strip_prefix(['-', '\u{2013}']).map_or(rest, str::trim_start);
        if let Some(name) = rest.strip_suffix(':').filter(|n| looks_like_name(n.trim())) {
            return Line::Stamp { stamp, speaker: Some(name.trim()), rest: "" };
        }
        // Happy Scribe without the stamp last: `00:00:03.200 Speaker 1`.
        if looks_like_name(rest) && rest.split_whitespace().any(|w| w.bytes().all(|b| b.is_ascii_digit())) {
            return Line::Stamp { stamp, speaker: Some(rest), rest: "" };
        }
        return Line::Stamp { stamp, speaker: None, rest };
    }
    Line::Text(t)
}

/// One paragraph being gathered.
struct Block {
    start: Stamp,
    /// From a range line; paragraphs end where the next begins.
    end: Option<Label>,
    speaker: Option<String>,
    /// The speaker was a name alone on the line after the stamp: if no
    /// text follows, that line was the text (a one-word caption).
    speaker_alone: bool,
    lines: Vec<String>,
    line: usize,
}

/// How sure the content is a stamped transcript, for detection: the number
/// of lines that only a transcript has (ranges, counted twice because one
/// is enough to tell; stamps alone or with a speaker; service
/// boilerplate). A notes log (`14:31:05 [A] text`) has none of them. A
/// file that opens with a speaker's stamp (`Maria Lopez  0:03`) counts that
/// line twice too: a one-paragraph Otter or Rev export is still a
/// transcript, and a notes log opens with a timecode, not a name.
pub(super) fn transcript_lines(text: &str) -> usize {
    let opens_with_speaker = text
        .lines()
        .map(classify)
        .find(|line| !matches!(line, Line::Blank | Line::Boilerplate))
        .is_some_and(|line| matches!(line, Line::Stamp { speaker: Some(_), .. }));
    usize::from(opens_with_speaker)
        + text
            .lines()
            .take(400)
            .filter(|line| match classify(line) {
                Line::Range(..) => true,
                Line::Boilerplate => !line.trim().to_lowercase().starts_with("page "),
                Line::Stamp { speaker: Some(_), .. } => true,
                Line::Stamp { stamp: Stamp::Ms(_), rest, .. } => {
                    // A notes log writes `HH:MM:SS`; a short clock (`0:03`,
                    // `1:02:03`) or one in brackets is a transcript's.
                    let first = line.split_whitespace().next().unwrap_or_default();
                    rest.is_empty()
                        || first.starts_with(['[', '('])
                        || first.split(':').next().is_some_and(|h| h.len() == 1)
                }
                Line::Stamp { stamp: Stamp::Tc(_), rest, .. } => {
                    rest.is_empty() || line.trim_start().starts_with(['[', '('])
                }
                _ => false,
            })
            .map(|line| if matches!(classify(line), Line::Range(..)) { 2 } else { 1 })
            .sum::<usize>()
}

/// Reads a stamped transcript from its lines (`(line number, text)`, so a
/// Word document can number its paragraphs).
pub(super) fn parse_lines<'a>(
    lines: impl Iterator<Item = (usize, &'a str)>,
) -> Result<(Vec<Cue>, Vec<Diagnostic>), Outcome> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut diagnostics = Vec::new();
    // A name alone on its line waiting for the stamp or text it heads.
    let mut pending_speaker: Option<(usize, String)> = None;
    let mut stray_text: Option<usize> = None;
    let mut after_blank = true;
    for (n, raw) in lines {
        let kind = classify(raw);
        match kind {
            Line::Blank => {
                after_blank = true;
                continue;
            }
            Line::Boilerplate => continue,
            Line::Range(start, end) => {
                let speaker = pending_speaker.take().map(|(_, s)| s);
                blocks.push(Block {
                    start: Stamp::Tc(start),
                    end: Some(end),
                    speaker,
                    speaker_alone: false,
                    lines: vec![],
                    line: n,
                });
            }
            Line::Stamp { stamp, speaker, rest } => {
                let speaker = speaker.map(str::to_string).or_else(|| pending_speaker.take().map(|(_, s)| s));
                let mut block =
                    Block { start: stamp, end: None, speaker, speaker_alone: false, lines: vec![], line: n };
                if !rest.is_empty() {
                    block.lines.push(rest.to_string());
                }
                blocks.push(block);
            }
            Line::Text(t) => {
                let Some(block) = blocks.last_mut() else {
                    // Text before any stamp: a title or a heading, or a
                    // name that heads the first stamp.
                    if looks_like_name(t) {
                        pending_speaker = Some((n, t.to_string()));
                    } else {
                        stray_text.get_or_insert(n);
                    }
                    after_blank = false;
                    continue;
                };
                // A name alone on the line right after a stamp is its
                // speaker (Premiere, Resolve, house styles); a name alone
                // after a blank line heads the next stamp (Trint).
                if block.lines.is_empty() && block.speaker.is_none() && looks_like_name(t) && !ends_like_speech(t) {
                    block.speaker = Some(t.to_string());
                    block.speaker_alone = true;
                } else if after_blank && !block.lines.is_empty() && looks_like_name(t) && !ends_like_speech(t) {
                    pending_speaker = Some((n, t.to_string()));
                } else {
                    if let Some((_, name)) = pending_speaker.take() {
                        // The name was a line of speech after all.
                        block.lines.push(name);
                    }
                    block.lines.push(t.to_string());
                }
            }
        }
        after_blank = false;
    }
    if let Some(line) = stray_text {
        diagnostics.push(Diagnostic::new(line, Fate::Skipped, "text before the first timestamp (a title?) skipped"));
    }
    if let (Some((line, name)), Some(block)) = (pending_speaker, blocks.last_mut()) {
        // A last line that looked like a name is the end of the speech.
        let _ = line;
        block.lines.push(name);
    }
    let mut cues: Vec<Cue> = Vec::with_capacity(blocks.len());
    let starts: Vec<Stamp> = blocks.iter().map(|b| b.start).collect();
    for (i, mut block) in blocks.into_iter().enumerate() {
        if block.speaker_alone && block.lines.is_empty() {
            block.lines.extend(block.speaker.take());
        }
        let joined = block.lines.join("\n");
        let (speaker, text) = match block.speaker {
            Some(s) => (Some(s), joined),
            None => split_speaker(&joined),
        };
        let text = super::tidy_lines(&text);
        if text.is_empty() {
            diagnostics.push(Diagnostic::new(block.line, Fate::Skipped, "timestamp with no text after it; skipped"));
            continue;
        }
        let next = starts.get(i + 1).copied();
        let mut cue = match (block.start, block.end, next) {
            (Stamp::Tc(start), Some(end), _) => Cue::labelled(LabelSpan { start, end }, text, speaker, block.line),
            (Stamp::Tc(start), None, Some(Stamp::Tc(end))) => {
                Cue::labelled(LabelSpan { start, end }, text, speaker, block.line)
            }
            (Stamp::Tc(start), None, _) => {
                let mut cue = Cue::labelled(LabelSpan { start, end: start }, text, speaker, block.line);
                cue.open_end = next.is_none();
                cue
            }
            (Stamp::Ms(start), _, next) => {
                let mut cue = Cue::timed(start, next.map_or(start, Stamp::approx_ms), text, speaker, block.line);
                cue.open_end = next.is_none();
                cue
            }
        };
        if !cue.open_end && cue.end_ms < cue.start_ms {
            diagnostics.push(Diagnostic::new(
                cue.line,
                Fate::Kept,
                "the next timestamp is earlier than this one; this paragraph ends where it starts",
            ));
            cue.end_ms = cue.start_ms;
            if let Some(span) = cue.tc.as_mut() {
                span.end = span.start;
            }
        }
        cues.push(cue);
    }
    diagnostics.sort_by_key(|d| d.line);
    if cues.is_empty() {
        return Err(Outcome::Invalid { reason: "no timestamped paragraph".to_string() });
    }
    Ok((cues, diagnostics))
}

/// A line that ends a sentence is speech, not a speaker's name.
fn ends_like_speech(line: &str) -> bool {
    line.ends_with(['.', '?', '!', ',', '\u{2026}'])
}

/// Reads a stamped text transcript.
pub fn parse(text: &str) -> Result<(Vec<Cue>, Vec<Diagnostic>), Outcome> {
    parse_lines(text.lines().enumerate().map(|(i, l)| (i + 1, l)))
}

#[cfg(test)]
mod tests {
    use super::super::{check_reader, render};
    use super::*;

    #[test]
    fn stamps() {
        let ms = |t: &str| match parse_stamp(t) {
            Some(Stamp::Ms(ms)) => Some(ms),
            _ => None,
        };
        assert_eq!(ms("0:03"), Some(3_000));
        assert_eq!(ms("12:45"), Some(765_000));
        assert_eq!(ms("75:10"), Some(4_510_000));
        assert_eq!(ms("1:02:03"), Some(3_723_000));
        assert_eq!(ms("[00:00:44]"), Some(44_000));
        assert_eq!(ms("(00:01:23)"), Some(83_000));
        assert_eq!(ms("00:00:03.200"), Some(3_200));
        assert_eq!(ms("00:00:03,2"), Some(3_200));
        assert_eq!(parse_stamp("01:23:45:21"), Some(Stamp::Tc(Label { hh: 1, mm: 23, ss: 45, ff: 21, drop: false })));
        assert_eq!(parse_stamp("01;23;45;21"), Some(Stamp::Tc(Label { hh: 1, mm: 23, ss: 45, ff: 21, drop: true })));
        for bad in ["10:30am", "1:2", "00:60:00", "0:75", "3.200", "", "[]", "1:02:03:4", "00:00:03.2000"] {
            assert_eq!(parse_stamp(bad), None, "{bad}");
        }
    }

    /// Otter's TXT export: the speaker and a stamp above each paragraph,
    /// the boilerplate line at the end.
    #[test]
    fn otter() {
        check_reader(
            parse,
            "Maria Lopez  0:03\nWe drove out at dawn.\nThe light was perfect.\n\nSpeaker 2  0:15\nAnd then?\n\nMaria Lopez  1:02:03\nThe river rose.\n\n\nTranscribed by https://otter.ai\n",
            &[
                "3000-15000 [Maria Lopez] We drove out at dawn.|The light was perfect.",
                "15000-3723000 [Speaker 2] And then?",
                "3723000-3723000 [Maria Lopez] The river rose.",
            ],
        );
    }

    /// Rev's text export, Trint's and Descript's stamps, a house style
    /// with stamps alone on their lines and names on their own.
    #[test]
    fn rev_trint_descript_house() {
        check_reader(
            parse,
            "Transcript by Rev.com\nPage 1 of 2\n\nSpeaker 1 (00:03):\nWhere were you?\n\nDr. Ann Lee (01:02):\nOut.\n",
            &["3000-62000 [Speaker 1] Where were you?", "62000-62000 [Dr. Ann Lee] Out."],
        );
        check_reader(
            parse,
            "[00:00:44] Maria: We drove out.\n[00:01:10] Tom: At dawn?\nYes.\n(00:01:23) It rained.",
            &["44000-70000 [Maria] We drove out.", "70000-83000 [Tom] At dawn?|Yes.", "83000-83000 It rained."],
        );
        check_reader(
            parse,
            "INTERVIEW WITH MARIA, DAY 2\n\nMARIA\n[00:00:05]\nWe drove out at dawn.\n\nTOM\n[00:00:09.500]\nWhy?\n\n[00:00:12]\n\n",
            &[
                "5000-9500 [MARIA] We drove out at dawn.",
                "9500-12000 [TOM] Why?",
                "!1 text before the first timestamp (a title?) skipped",
                "!11 timestamp with no text after it; skipped",
            ],
        );
    }

    /// SMPTE stamps stay labels: the rate is the clip's.
    #[test]
    fn smpte_paragraphs_keep_labels() {
        let (cues, _) = parse("01:00:10:12 Maria: Hello.\n01;00;12;02 Tom: Hi.").expect("read");
        let labels: Vec<String> =
            cues.iter().map(|c| c.tc.map(|t| format!("{} {}", t.start, t.end)).unwrap_or_default()).collect();
        assert_eq!(labels, ["01:00:10:12 01:00:12;02", "01:00:12;02 01:00:12;02"]);
        assert_eq!((cues[1].open_end, cues[0].open_end), (true, false));
    }

    /// Premiere Pro's text export (Text panel → Export to text file).
    #[test]
    fn premiere_text() {
        check_reader(
            parse,
            "00:00:03:20 - 00:00:31:20\nSpeaker 1\nWe drove out at dawn.\n\n00:00:31:20 - 00:00:40:00\nMaria Lopez\nThe light was perfect.\n",
            &["3666-31666 [Speaker 1] We drove out at dawn.", "31666-40000 [Maria Lopez] The light was perfect."],
        );
    }

    /// Resolve's text export, speaker line optional; Avid DS captions.
    #[test]
    fn resolve_and_avid_ds() {
        check_reader(
            parse,
            "[00:00:43:03 - 00:00:48:08]\nSpeaker 1\nSo we went.\n\n[00:00:48:08 - 00:00:50:00]\nAnd came back.\n",
            &["43100-48266 [Speaker 1] So we went.", "48266-50000 And came back."],
        );
        check_reader(
            parse,
            "@ This file written with the Avid Caption plugin, version 1\n\n<begin subtitles>\n10:00:01:00 10:00:03:12\nFirst line\nsecond line\n\n10:00:04:00 10:00:05:00\nNext.\n<end subtitles>\n",
            &["36001000-36003400 First line|second line", "36004000-36005000 Next."],
        );
    }

    #[test]
    fn a_notes_log_is_not_a_transcript() {
        let log = "14:31:05 [A] Maria describes the flood #flood\n14:32:00;12 B-cam wide\n14:40:10 Tom: answer\n";
        assert_eq!(transcript_lines(log), 0);
        assert!(transcript_lines("Maria  0:03\nHello\n\nTom  0:09\nHi\n") >= 2);
        assert!(transcript_lines("00:00:03:20 - 00:00:31:20\nSpeaker 1\nx\n") >= 1);
        // A one-paragraph Otter export, its page footer aside.
        assert!(transcript_lines("Ana Ruiz  0:01\nWe waited on the roof.\n\nPage 1 of 1\n") >= 2);
        assert!(transcript_lines("Speaker 1 (00:03):\nWe waited.\n") >= 2);
        // A log that opens with a timecode stays a log.
        assert_eq!(transcript_lines("14:31:05 Drone  0:30\nwide\n"), 0);
        assert!(render(parse("no stamps at all\njust words")).iter().any(|l| l.contains("Invalid")));
    }
}
