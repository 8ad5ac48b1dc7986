//! SBV (YouTube's SubViewer captions): blocks of a timing line
//! `H:MM:SS.mmm,H:MM:SS.mmm` and the caption's lines, separated by blank
//! lines. Running time. A block whose timing does not read is reported
//! with its line and skipped; a block without text is reported.

use super::{Cue, Diagnostic, Fate, Outcome, clamp_end, parse_clock};

/// The first non-blank line is an SBV timing line.
pub fn looks_like(head: &str) -> bool {
    head.lines().find(|l| !l.trim().is_empty()).is_some_and(|l| timing(l).is_ok())
}

fn timing(line: &str) -> Result<(u64, u64), String> {
    let (start, end) = line.trim().split_once(',').ok_or("no `,` between the times")?;
    let start = parse_clock(start.trim()).map_err(|e| format!("start time `{}`: {e}", start.trim()))?;
    let end = parse_clock(end.trim()).map_err(|e| format!("end time `{}`: {e}", end.trim()))?;
    Ok((start, end))
}

/// Reads an SBV file.
pub fn parse(text: &str) -> Result<(Vec<Cue>, Vec<Diagnostic>), Outcome> {
    let mut cues = Vec::new();
    let mut diagnostics = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        let line = i + 1;
        let block_end = lines[i..].iter().position(|l| l.trim().is_empty()).map_or(lines.len(), |n| i + n);
        let body = lines[i + 1..block_end].join("\n");
        match timing(lines[i]) {
            Ok((start, end)) => {
                let body = super::tidy_lines(&body);
                if body.is_empty() {
                    diagnostics.push(Diagnostic::new(line, Fate::Skipped, "caption with no text; skipped"));
                } else {
                    let end = clamp_end(start, end, line, &mut diagnostics);
                    let (speaker, text) = super::speaker_of_caption(&body);
                    cues.push(Cue::timed(start, end, text, speaker, line));
                }
            }
            Err(reason) => diagnostics.push(Diagnostic::new(line, Fate::Skipped, format!("caption skipped: {reason}"))),
        }
        i = block_end;
    }
    if cues.is_empty() {
        return Err(Outcome::Invalid { reason: "no readable SBV caption".to_string() });
    }
    Ok((cues, diagnostics))
}

#[cfg(test)]
mod tests {
    use super::super::{check_file, want};
    use super::*;

    /// webvtt-py's SBV files, the valid ones and the broken variants.
    #[test]
    fn real_files() {
        let dir = "webvtt-py/tests/subtitles/";
        check_file(
            parse,
            &format!("{dir}sample.sbv"),
            &want(5, (378, 11_378, "Caption text #1"), (17_484, 17_484, "Caption text #5"), 1),
        );
        check_file(
            parse,
            &format!("{dir}two_captions.sbv"),
            &want(
                2,
                (378, 11_378, "Caption text #1"),
                (11_378, 12_305, "Caption text #2 (line 1)\nCaption text #2 (line 2)"),
                0,
            ),
        );
        check_file(
            parse,
            &format!("{dir}missing_caption_text.sbv"),
            &want(4, (378, 11_378, "Caption text #1"), (17_484, 17_484, "Caption text #5"), 2),
        );
        check_file(
            parse,
            &format!("{dir}invalid_timeframe.sbv"),
            &want(4, (378, 11_378, "Caption text #1"), (17_484, 17_484, "Caption text #5"), 2),
        );
        check_file(
            parse,
            &format!("{dir}missing_timeframe.sbv"),
            &want(4, (378, 11_378, "Caption text #1"), (17_484, 17_484, "Caption text #5"), 2),
        );
        assert!(parse("some text").is_err());
    }
}
