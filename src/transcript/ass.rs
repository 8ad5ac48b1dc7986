//! ASS/SSA subtitles (Aegisub, SubStation Alpha): the `[Events]` section's
//! `Format:` line names the fields, each `Dialogue:` line gives them, the
//! last (`Text`) taking the rest of the line, commas included. Times are
//! `H:MM:SS.cc` (centiseconds), running time. The `Name` field is the
//! speaker (as written; empty means none). Override blocks (`{\i1}`) are
//! dropped, `\N` and `\n` are line breaks, `\h` a space. `Comment:` lines
//! are not speech.

use super::{Cue, Diagnostic, Fate, Outcome, clamp_end, parse_clock};

/// Reads an ASS or SSA file.
pub fn parse(text: &str) -> Result<(Vec<Cue>, Vec<Diagnostic>), Outcome> {
    // SSA v4 and ASS both default to this order when `Format:` is missing.
    const DEFAULT: [&str; 10] =
        ["layer", "start", "end", "style", "name", "marginl", "marginr", "marginv", "effect", "text"];
    let mut in_events = false;
    let mut fields: Vec<String> = DEFAULT.iter().map(|s| s.to_string()).collect();
    let mut cues = Vec::new();
    let mut diagnostics = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let t = raw.trim();
        if t.starts_with('[') {
            in_events = t.eq_ignore_ascii_case("[events]");
            continue;
        }
        if !in_events {
            continue;
        }
        let Some((kind, rest)) = t.split_once(':') else { continue };
        match kind.trim().to_ascii_lowercase().as_str() {
            "format" => {
                fields = rest.split(',').map(|f| f.trim().to_ascii_lowercase()).collect();
                // SSA calls the first field `Marked`.
                if let Some(first) = fields.first_mut().filter(|f| f.as_str() == "marked") {
                    *first = "layer".to_string();
                }
            }
            "dialogue" => {
                let values: Vec<&str> = rest.splitn(fields.len(), ',').collect();
                let get =
                    |name: &str| fields.iter().position(|f| f == name).and_then(|i| values.get(i)).map(|v| v.trim());
                let (Some(start), Some(end), Some(words)) = (get("start"), get("end"), get("text")) else {
                    diagnostics.push(Diagnostic::new(
                        line,
                        Fate::Skipped,
                        "dialogue line with too few fields; skipped",
                    ));
                    continue;
                };
                let (start, end) = match (parse_clock(start), parse_clock(end)) {
                    (Ok(s), Ok(e)) => (s, e),
                    (Err(e), _) => {
                        diagnostics.push(Diagnostic::new(
                            line,
                            Fate::Skipped,
                            format!("start time `{start}`: {e}; skipped"),
                        ));
                        continue;
                    }
                    (_, Err(e)) => {
                        diagnostics.push(Diagnostic::new(
                            line,
                            Fate::Skipped,
                            format!("end time `{end}`: {e}; skipped"),
                        ));
                        continue;
                    }
                };
                let words = super::tidy_lines(&plain(words));
                if words.is_empty() {
                    continue;
                }
                let end = clamp_end(start, end, line, &mut diagnostics);
                let speaker = get("name").filter(|n| !n.is_empty()).map(str::to_string);
                let (speaker, words) = match speaker {
                    Some(s) => (Some(s), words),
                    None => super::speaker_of_caption(&words),
                };
                cues.push(Cue::timed(start, end, words, speaker, line));
            }
            _ => {}
        }
    }
    if cues.is_empty() {
        let reason =
            if diagnostics.is_empty() { "no `Dialogue:` line in `[Events]`" } else { "no readable `Dialogue:` line" };
        return Err(Outcome::Invalid { reason: reason.to_string() });
    }
    Ok((cues, diagnostics))
}

/// Dialogue text without override blocks, with its escapes decoded.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            '\\' => match chars.peek() {
                Some('N' | 'n') => {
                    chars.next();
                    out.push('\n');
                }
                Some('h') => {
                    chars.next();
                    out.push(' ');
                }
                _ => out.push('\\'),
            },
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::check_reader;
    use super::*;

    #[test]
    fn dialogue_lines() {
        let ass = "[Script Info]\nTitle: x\n\n[V4+ Styles]\nFormat: Name, Fontname\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\nDialogue: 0,0:00:01.50,0:00:03.00,Default,Maria,0,0,0,,{\\i1}We drove,{\\i0} out\\Nat dawn.\nComment: 0,0:00:04.00,0:00:05.00,Default,,0,0,0,,not speech\nDialogue: 0,0:00:05.00,0:00:06.00,Default,,0,0,0,,TOM: Why?\nDialogue: 0,0:00:x,0:00:06.00,Default,,0,0,0,,bad\nDialogue: 0,0:00:07.00\n";
        check_reader(
            parse,
            ass,
            &[
                "1500-3000 [Maria] We drove, out|at dawn.",
                "5000-6000 [TOM] Why?",
                "!12 start time `0:00:x`: expected digits as [hours:]minutes:seconds; skipped",
                "!13 dialogue line with too few fields; skipped",
            ],
        );
    }
}
