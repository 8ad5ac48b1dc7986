//! Scenarist SCC broadcast captions: `Scenarist_SCC V1.0`, then lines of a
//! SMPTE label and CEA-608 byte pairs in hex (`9420 9420 94ae ...`). The
//! rate is 29.97 by definition, drop frame when the label has a `;`; each
//! byte pair takes one frame, so a command in the fifth pair of a line
//! happens four frames after its label. The labels stay labels (`Cue::tc`):
//! the clip's labelling places them, as for any source-TC transcript.
//!
//! The CEA-608 decoder keeps what a transcript needs, the words and when
//! they were on screen, for the three caption modes of channel 1 (CC1):
//! - **pop-on** (`RCL`): text built off screen, shown at `EOC`, gone at
//!   `EDM` or the next `EOC`;
//! - **roll-up** (`RU2`–`RU4`): each row is a cue from the carriage return
//!   that opened it (or its first character) until the next `CR` or `EDM`;
//! - **paint-on** (`RDC`): characters appear as they come; a cue from the
//!   first until the screen is erased or another caption starts.
//!
//! Doubled control codes (sent twice for robustness) count once; parity
//! bits are dropped; special and extended characters (`♪`, `é`, `Ñ`) are
//! decoded, an extended one replacing the character sent before it as the
//! standard says. Colours, positions and styles are not kept.

use super::{Cue, Diagnostic, Fate, Label, LabelSpan, Outcome};
use crate::timecode::{Rate, TcFormat, Timecode};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    PopOn,
    RollUp,
    PaintOn,
}

/// The decoder's state.
struct Decoder {
    mode: Mode,
    /// Pop-on: the caption being built off screen (rows of text).
    hidden: Vec<String>,
    /// What is on screen, and since when (the label and the line).
    shown: Vec<String>,
    shown_since: Option<(Timecode, usize)>,
    cues: Vec<Cue>,
    last_control: Option<(u8, u8)>,
}

impl Decoder {
    /// The text being written to: off screen in pop-on, on screen else.
    fn target(&mut self) -> &mut Vec<String> {
        if self.mode == Mode::PopOn { &mut self.hidden } else { &mut self.shown }
    }

    fn write(&mut self, text: &str, at: Timecode, line: usize) {
        if self.mode != Mode::PopOn && self.shown_since.is_none() {
            self.shown_since = Some((at, line));
        }
        let target = self.target();
        if target.is_empty() {
            target.push(String::new());
        }
        if let Some(row) = target.last_mut() {
            row.push_str(text);
        }
    }

    /// A new row (a position code, or a carriage return in pop-on).
    fn new_row(&mut self) {
        let target = self.target();
        if target.last().is_some_and(|r| !r.trim().is_empty()) {
            target.push(String::new());
        }
    }

    /// Ends what is on screen at `at`, as a cue.
    fn clear_shown(&mut self, at: Timecode) {
        // Mid-row codes and tabs show as spaces beside the words' own.
        let rows: Vec<String> = self.shown.iter().map(|r| r.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
        let text = super::tidy_lines(&rows.join("\n"));
        if let (Some((since, line)), false) = (self.shown_since.take(), text.is_empty()) {
            let span = LabelSpan { start: label(since), end: label(at.max_by_frame(since)) };
            let (speaker, text) = super::speaker_of_caption(&text);
            self.cues.push(Cue::labelled(span, text, speaker, line));
        }
        self.shown.clear();
        self.shown_since = None;
    }

    fn control(&mut self, hi: u8, lo: u8, at: Timecode, line: usize) {
        match (hi, lo) {
            // RCL: resume caption loading (pop-on).
            (0x14, 0x20) => self.mode = Mode::PopOn,
            // BS: backspace.
            (0x14, 0x21) => {
                if let Some(row) = self.target().last_mut() {
                    row.pop();
                }
            }
            // RU2, RU3, RU4.
            (0x14, 0x25..=0x27) => {
                if self.mode != Mode::RollUp {
                    self.clear_shown(at);
                }
                self.mode = Mode::RollUp;
            }
            // RDC: resume direct captioning (paint-on).
            (0x14, 0x29) => self.mode = Mode::PaintOn,
            // EDM: erase displayed memory.
            (0x14, 0x2C) => self.clear_shown(at),
            // CR: in roll-up the row is done and rolls up; a new one starts.
            (0x14, 0x2D) => {
                if self.mode == Mode::RollUp {
                    // The finished row rolls up and the new one is on
                    // screen from now (as ttconv times it).
                    self.clear_shown(at);
                    self.shown_since = Some((at, line));
                } else {
                    self.new_row();
                }
            }
            // ENM: erase non-displayed memory.
            (0x14, 0x2E) => self.hidden.clear(),
            // EOC: end of caption, the hidden caption is shown.
            (0x14, 0x2F) => {
                self.clear_shown(at);
                self.shown = std::mem::take(&mut self.hidden);
                self.shown_since = Some((at, line));
                self.mode = Mode::PopOn;
            }
            // Mid-row codes (styles) are shown as a space.
            (0x11, 0x20..=0x2F) => self.write(" ", at, line),
            (0x11, 0x30..=0x3F) => self.write(SPECIAL[usize::from(lo - 0x30)], at, line),
            (0x12 | 0x13, 0x20..=0x3F) => {
                // An extended character replaces the standard one sent
                // before it (for decoders that cannot show it).
                if let Some(row) = self.target().last_mut() {
                    row.pop();
                }
                let table = if hi == 0x12 { &EXTENDED_12 } else { &EXTENDED_13 };
                self.write(table[usize::from(lo - 0x20)], at, line);
            }
            // Preamble address codes: a row (and indent) for what follows.
            (0x10..=0x17, 0x40..=0x7F) => {
                if self.mode == Mode::RollUp {
                    // Roll-up rows are set by CR; the PAC only places them.
                } else {
                    self.new_row();
                }
            }
            // Tab offsets move the cursor: a space between words.
            (0x17, 0x21..=0x23) => self.write(" ", at, line),
            _ => {}
        }
    }
}

trait MaxByFrame {
    fn max_by_frame(self, other: Timecode) -> Timecode;
}

impl MaxByFrame for Timecode {
    /// `self` as a caption's end after the start `other`: a label less
    /// than half a day before the start is an error and becomes the start;
    /// further back it is the next day (a caption across midnight).
    fn max_by_frame(self, other: Timecode) -> Timecode {
        let half_day = self.format().frames_per_day() / 2;
        if self.frame() < other.frame() && other.frame() - self.frame() < half_day { other } else { self }
    }
}

fn label(tc: Timecode) -> Label {
    let (hh, mm, ss, ff) = tc.fields();
    // Fields of a Timecode are in range, so they fit a byte.
    let b = |v: u64| v.min(255) as u8;
    Label { hh: b(hh), mm: b(mm), ss: b(ss), ff: b(ff), drop: tc.format().is_drop_frame() }
}

/// Characters 0x11 0x30–0x3F.
const SPECIAL: [&str; 16] = ["®", "°", "½", "¿", "™", "¢", "£", "♪", "à", " ", "è", "â", "ê", "î", "ô", "û"];
/// Extended Spanish/French (0x12 0x20–0x3F).
const EXTENDED_12: [&str; 32] = [
    "Á", "É", "Ó", "Ú", "Ü", "ü", "‘", "¡", "*", "'", "—", "©", "℠", "•", "“", "”", "À", "Â", "Ç", "È", "Ê", "Ë", "ë",
    "Î", "Ï", "ï", "Ô", "Ù", "ù", "Û", "«", "»",
];
/// Extended Portuguese/German/Danish (0x13 0x20–0x3F).
const EXTENDED_13: [&str; 32] = [
    "Ã", "ã", "Í", "Ì", "ì", "Ò", "ò", "Õ", "õ", "{", "}", "\\", "^", "_", "|", "~", "Ä", "ä", "Ö", "ö", "ß", "¥", "¤",
    "¦", "Å", "å", "Ø", "ø", "┌", "┐", "└", "┘",
];

/// A basic character (0x20–0x7F): ASCII except where CEA-608 differs.
fn basic(b: u8) -> Option<char> {
    Some(match b {
        0x2A => 'á',
        0x5C => 'é',
        0x5E => 'í',
        0x5F => 'ó',
        0x60 => 'ú',
        0x7B => 'ç',
        0x7C => '÷',
        0x7D => 'Ñ',
        0x7E => 'ñ',
        0x7F => '█',
        0x20..=0x7E => char::from(b),
        _ => return None,
    })
}

/// Reads an SCC file.
pub fn parse(text: &str) -> Result<(Vec<Cue>, Vec<Diagnostic>), Outcome> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, first)) if first.trim_start_matches('\u{FEFF}').trim().starts_with("Scenarist_SCC") => {}
        _ => return Err(Outcome::Invalid { reason: "no `Scenarist_SCC` header".to_string() }),
    }
    let mut d = Decoder {
        mode: Mode::PopOn,
        hidden: Vec::new(),
        shown: Vec::new(),
        shown_since: None,
        cues: Vec::new(),
        last_control: None,
    };
    let mut diagnostics = Vec::new();
    let mut last = None;
    for (i, raw) in lines {
        let line = i + 1;
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let (stamp, words) = raw.split_once(char::is_whitespace).unwrap_or((raw, ""));
        let Some(written) = Label::parse(stamp) else {
            diagnostics.push(Diagnostic::new(
                line,
                Fate::Skipped,
                format!("`{stamp}` is not a timecode; line skipped"),
            ));
            continue;
        };
        let format = TcFormat::new(Rate::FPS_29_97, written.drop);
        let field = u64::from;
        let Ok(start) =
            Timecode::from_fields(field(written.hh), field(written.mm), field(written.ss), field(written.ff), format)
        else {
            let reason =
                format!("`{stamp}` is not a 29.97 label (frames run 00 to 29; DF skips ;00 and ;01); line skipped");
            diagnostics.push(Diagnostic::new(line, Fate::Skipped, reason));
            continue;
        };
        for (n, word) in words.split_whitespace().enumerate() {
            let at = start.add_frames(n as u64);
            last = Some(at);
            let pair = (word.len() == 4).then(|| u16::from_str_radix(word, 16).ok()).flatten();
            let Some(pair) = pair else {
                let reason = format!("`{word}` is not a hex byte pair; skipped");
                diagnostics.push(Diagnostic::new(line, Fate::Skipped, reason));
                continue;
            };
            let [hi, lo] = pair.to_be_bytes().map(|b| b & 0x7F);
            if (0x10..=0x1F).contains(&hi) {
                // Sent twice in a row for robustness: the repeat is ignored.
                if d.last_control == Some((hi, lo)) {
                    d.last_control = None;
                    continue;
                }
                d.last_control = Some((hi, lo));
                // Channel 2 (CC2) codes are 0x18–0x1F: not read.
                if hi <= 0x17 {
                    d.control(hi, lo, at, line);
                }
                continue;
            }
            d.last_control = None;
            let text: String = [hi, lo].into_iter().filter_map(basic).collect();
            if !text.is_empty() {
                d.write(&text, at, line);
            }
        }
    }
    // Whatever is still on screen at the end ends with the file's last frame.
    if let Some(end) = last {
        d.clear_shown(end.add_frames(1));
    }
    Ok((d.cues, diagnostics))
}

#[cfg(test)]
mod tests {
    use super::super::{realdata_text, render};
    use super::*;

    fn labels(cues: &[Cue]) -> Vec<String> {
        cues.iter()
            .map(|c| {
                let span = c.tc.expect("labels");
                format!("{} {} {}", span.start, span.end, c.text.replace('\n', "|"))
            })
            .collect()
    }

    #[test]
    fn pop_on_with_doubled_codes() {
        // RCL RCL ENM ENM PAC "HI" EOC EOC, then EDM a second later.
        let scc = "Scenarist_SCC V1.0\n\n00:00:01;00\t9420 9420 94ae 94ae 9140 9140 c849 942f 942f\n\n00:00:02;00\t942c 942c\n";
        let (cues, diagnostics) = parse(scc).expect("read");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        // EOC is the eighth pair: seven frames after the label.
        assert_eq!(labels(&cues), ["00:00:01;07 00:00:02;00 HI"]);
    }

    #[test]
    fn bad_lines_are_reported_and_skipped() {
        let out = render(parse("Scenarist_SCC V1.0\n\nxx:00\t9420\n00:00:01;00\t9420 zz 94ae\n00:01:00;00\t9420\n"));
        assert_eq!(
            out,
            [
                "!3 `xx:00` is not a timecode; line skipped",
                "!4 `zz` is not a hex byte pair; skipped",
                "!5 `00:01:00;00` is not a 29.97 label (frames run 00 to 29; DF skips ;00 and ;01); line skipped"
            ]
        );
        assert!(matches!(parse("WEBVTT"), Err(Outcome::Invalid { .. })));
    }

    /// ttconv's samples: pop-on, paint-on, roll-up (drop frame).
    #[test]
    fn real_files() {
        let read =
            |name: &str| parse(&realdata_text(&format!("ttconv/src/test/resources/scc/{name}.scc"))).expect(name).0;
        // Pop-on: shown at EOC (the pair after the label counts frames),
        // gone at EDM; `91b0` is the special character ®, `91b2` ½.
        assert_eq!(
            labels(&read("pop-on")),
            [
                "01:02:54:04 01:02:55:14 ( horn honking )",
                "01:03:28:15 01:11:32:04 HEY, THE®E.",
                "01:11:32:06 01:11:33:14 Test ½ Caption|Test test Captions",
            ]
        );
        // Paint-on: the words appear from the first character and stay.
        assert_eq!(
            labels(&read("paint-on")),
            [
                "00:02:53:18 00:02:57:18 Lorem ipsum dolor sit amet,|consectetur adipiscing elit.|Pellentesque interdum lacinia sollicitudin.|Integer luctus et ligula ac sagittis."
            ]
        );
        // Roll-up, drop frame: a cue per row, until the next row starts.
        let roll = labels(&read("mix-rows-roll-up"));
        assert_eq!(roll.len(), 16);
        assert_eq!(roll[..2], ["00:00:00;24 00:00:02;25 >>> HI.", "00:00:02;25 00:00:04;19 I'M KEVIN CUNNING AND AT"]);
        assert_eq!(roll[4], "00:00:09;23 00:00:11;09 AND IMPROVING THE LIVES OF ALL");
    }
}
