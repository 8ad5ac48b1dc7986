//! TTML, DFXP and IMSC captions: each `<p>` is a cue, its text the text
//! of its spans with `<br/>` as a line break. Times are clock times
//! (`00:00:01.500`), frame times (`00:00:01:12`, `00:00:01:12.1` with
//! sub-frames) at the document's `ttp:frameRate` × `ttp:frameRateMultiplier`
//! (default 30), or offsets (`1.5s`, `500ms`, `2m`, `1h`, `30f`, `100t` at
//! `ttp:tickRate`). Frame and tick times are converted exactly (rational
//! arithmetic, rounded to the millisecond once). A `<p>` begins after its
//! ancestors' `begin` (TTML's default `par` timing); without an `end` or a
//! `dur` it lasts as long as its parent, or to the clip's end. The speaker
//! is the `ttm:agent`'s `ttm:name` when the document names one.

use std::collections::HashMap;

use quick_xml::events::Event;

use super::{Cue, Diagnostic, Fate, Outcome};

/// A TTML document's root is `<tt>` (with or without a prefix), after any
/// XML declaration and comments.
pub fn looks_like(head: &str) -> bool {
    let start = head.get(..4096.min(head.len())).or(Some(head)).unwrap_or_default();
    let mut rest = start;
    while let Some(i) = rest.find('<') {
        let tag = &rest[i + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            rest = &tag[1..];
            continue;
        }
        let name: String = tag.chars().take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/').collect();
        return name == "tt" || name.ends_with(":tt");
    }
    false
}

/// The timing parameters of the document.
#[derive(Clone, Copy, Debug)]
struct Params {
    frame_rate: u64,
    mult_num: u64,
    mult_den: u64,
    sub_frame_rate: u64,
    tick_rate: u64,
}

impl Params {
    /// Milliseconds of `frames` (plus `sub` sub-frames) at the effective
    /// frame rate, `frame_rate × num / den`: exact until the one rounding.
    fn frames_ms(self, frames: u64, sub: u64) -> u64 {
        let num = (u128::from(frames) * u128::from(self.sub_frame_rate) + u128::from(sub))
            .saturating_mul(1000 * u128::from(self.mult_den));
        let den = u128::from(self.frame_rate)
            .saturating_mul(u128::from(self.mult_num))
            .saturating_mul(u128::from(self.sub_frame_rate));
        if den == 0 {
            0
        } else {
            u64::try_from(num.saturating_mul(2).saturating_add(den) / den.saturating_mul(2)).unwrap_or(u64::MAX)
        }
    }
}

/// Parses a time expression to milliseconds.
fn time(text: &str, p: Params) -> Option<u64> {
    let t = text.trim();
    if t.contains(':') {
        let (clock, fraction) = match t.split_once('.') {
            Some((c, f)) => (c, Some(f)),
            None => (t, None),
        };
        let fields: Vec<u64> = clock.split(':').map(|f| f.parse().ok()).collect::<Option<_>>()?;
        // Hours a document cannot mean (past a year) are refused, so no
        // sum below overflows.
        if fields.first().is_some_and(|&h| h > 24 * 366) {
            return None;
        }
        return match (fields.as_slice(), fraction) {
            ([h, m, s], f) => {
                let ms = match f {
                    Some(f) if f.bytes().all(|b| b.is_ascii_digit()) && !f.is_empty() => {
                        let padded = format!("{f:0<3}");
                        let first: u64 = padded.get(..3)?.parse().ok()?;
                        first + u64::from(padded.as_bytes().get(3).is_some_and(|&d| d >= b'5'))
                    }
                    Some(_) => return None,
                    None => 0,
                };
                (*m < 60 && *s < 60).then(|| ((h * 60 + m) * 60 + s) * 1000 + ms)
            }
            ([h, m, s, f], sub) => {
                let sub = match sub {
                    Some(sub) => sub.parse().ok()?,
                    None => 0,
                };
                if *m >= 60 || *s >= 60 {
                    return None;
                }
                (((h * 60 + m) * 60 + s) * 1000).checked_add(p.frames_ms(*f, sub))
            }
            _ => None,
        };
    }
    let unit_at = t.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = t.split_at(unit_at);
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    let whole: u64 = whole.parse().ok()?;
    if !frac.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 9 {
        return None;
    }
    // The fraction as an exact ratio frac_num / frac_den.
    let frac_den = 10u128.pow(frac.len() as u32);
    let frac_num: u128 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
    let value = |per_second_num: u128, per_second_den: u128| -> Option<u64> {
        // value units, each 1 / (per_second) seconds: ms = value × 1000 × den / num.
        // Saturating: rates and counts come from the document.
        let num = (u128::from(whole) * frac_den + frac_num).saturating_mul(1000).saturating_mul(per_second_den);
        let den = frac_den.saturating_mul(per_second_num);
        (den > 0).then(|| {
            u64::try_from(num.saturating_mul(2).saturating_add(den) / den.saturating_mul(2)).unwrap_or(u64::MAX)
        })
    };
    match unit {
        "h" => value(1, 3600),
        "m" => value(1, 60),
        "s" => value(1, 1),
        "ms" => value(1000, 1),
        "f" => value(u128::from(p.frame_rate) * u128::from(p.mult_num), u128::from(p.mult_den)),
        "t" => value(u128::from(p.tick_rate), 1),
        _ => None,
    }
}

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}

/// An element's timing, resolved: its begin and end in milliseconds.
#[derive(Clone, Copy)]
struct Span {
    begin: u64,
    end: Option<u64>,
}

/// Reads a TTML document.
pub fn parse(text: &str) -> Result<(Vec<Cue>, Vec<Diagnostic>), Outcome> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut params = Params { frame_rate: 30, mult_num: 1, mult_den: 1, sub_frame_rate: 1, tick_rate: 1 };
    let mut stack: Vec<Span> = Vec::new();
    let mut agents: HashMap<String, String> = HashMap::new();
    let mut agent_id: Option<String> = None;
    let mut in_name = false;
    let mut cue: Option<(Span, String, Option<String>, usize)> = None;
    let mut cues = Vec::new();
    let mut diagnostics = Vec::new();
    let line_at = |pos: u64| text.get(..pos as usize).map_or(0, |t| t.matches('\n').count() + 1);
    let mut seen_tt = false;
    loop {
        let pos = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                let reason = format!("XML error, the rest of the file skipped: {e}");
                diagnostics.push(Diagnostic::new(line_at(pos), Fate::Skipped, reason));
                break;
            }
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.local_name().as_ref().to_string();
                match name.as_str() {
                    "tt" => {
                        seen_tt = true;
                        let num = |n: &str| attr(e, n).and_then(|v| v.trim().parse::<u64>().ok()).filter(|&v| v > 0);
                        if let Some(fr) = num("frameRate") {
                            params.frame_rate = fr;
                        }
                        if let Some(sfr) = num("subFrameRate") {
                            params.sub_frame_rate = sfr;
                        }
                        if let Some(m) = attr(e, "frameRateMultiplier") {
                            let parts: Vec<u64> = m.split_whitespace().filter_map(|v| v.parse().ok()).collect();
                            if let [n, d] = parts.as_slice()
                                && *n > 0
                                && *d > 0
                            {
                                (params.mult_num, params.mult_den) = (*n, *d);
                            }
                        }
                        // Without a tick rate, a tick is a sub-frame when the
                        // document has a frame rate, else a second.
                        match num("tickRate") {
                            Some(tr) => params.tick_rate = tr,
                            None if attr(e, "frameRate").is_some() => {
                                params.tick_rate = params.frame_rate.saturating_mul(params.sub_frame_rate);
                            }
                            None => {}
                        }
                        continue;
                    }
                    "agent" => agent_id = attr(e, "id"),
                    "name" if agent_id.is_some() => in_name = !empty,
                    "br" => {
                        if let Some((_, text, _, _)) = cue.as_mut() {
                            text.push('\n');
                        }
                        continue;
                    }
                    _ => {}
                }
                let parent = stack.last().copied().unwrap_or(Span { begin: 0, end: None });
                let line = line_at(pos);
                let mut bad = |what: &str, value: &str| {
                    diagnostics.push(Diagnostic::new(
                        line,
                        Fate::Skipped,
                        format!("{what} `{value}` is not a TTML time"),
                    ));
                };
                let begin = match attr(e, "begin") {
                    Some(b) => match time(&b, params) {
                        Some(ms) => parent.begin.saturating_add(ms),
                        None => {
                            bad("begin", &b);
                            parent.begin
                        }
                    },
                    None => parent.begin,
                };
                let end = match (attr(e, "end"), attr(e, "dur")) {
                    (Some(end), _) => match time(&end, params) {
                        Some(ms) => Some(parent.begin.saturating_add(ms)),
                        None => {
                            bad("end", &end);
                            parent.end
                        }
                    },
                    (None, Some(dur)) => match time(&dur, params) {
                        Some(ms) => Some(begin.saturating_add(ms)),
                        None => {
                            bad("dur", &dur);
                            parent.end
                        }
                    },
                    (None, None) => parent.end,
                };
                let end = match (end, parent.end) {
                    (Some(e), Some(pe)) => Some(e.min(pe)),
                    (e, pe) => e.or(pe),
                };
                let span = Span { begin, end };
                if name.as_str() == "p" && cue.is_none() {
                    let agent = attr(e, "agent");
                    cue = Some((span, String::new(), agent, line));
                    if empty {
                        cue = None;
                    }
                }
                if !empty {
                    stack.push(span);
                }
            }
            Event::End(ref e) => {
                let name = e.local_name().as_ref().to_string();
                match name.as_str() {
                    "br" | "tt" => continue,
                    "name" => {
                        in_name = false;
                        continue;
                    }
                    "agent" => {
                        agent_id = None;
                        continue;
                    }
                    _ => {}
                }
                stack.pop();
                if name.as_str() == "p"
                    && let Some((span, text, agent, line)) = cue.take()
                {
                    let text = super::tidy_lines(&text);
                    if text.is_empty() {
                        continue;
                    }
                    let named = agent.and_then(|a| agents.get(a.trim()).cloned());
                    let (speaker, text) = match named {
                        Some(name) => (Some(name), text),
                        None => super::speaker_of_caption(&text),
                    };
                    let mut c =
                        Cue::timed(span.begin, span.end.unwrap_or(span.begin).max(span.begin), text, speaker, line);
                    c.open_end = span.end.is_none();
                    cues.push(c);
                }
            }
            Event::Text(t) => {
                let content = t.xml10_content();
                if in_name && let Some(id) = &agent_id {
                    agents.insert(id.clone(), content.trim().to_string());
                } else if let Some((_, text, _, _)) = cue.as_mut() {
                    // Line breaks in the source are spaces; `<br/>` breaks.
                    text.push_str(&content.replace(['\n', '\r', '\t'], " "));
                }
            }
            Event::CData(t) => {
                if let Some((_, text, _, _)) = cue.as_mut() {
                    text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let c = super::xml_char(&r);
                if let (Some(c), Some((_, text, _, _))) = (c, cue.as_mut()) {
                    text.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_tt {
        return Err(Outcome::Invalid { reason: "no TTML `<tt>` root".to_string() });
    }
    Ok((cues, diagnostics))
}

#[cfg(test)]
mod tests {
    use super::super::check_reader;
    use super::*;

    #[test]
    fn clock_frame_and_offset_times() {
        let p = Params { frame_rate: 30, mult_num: 1000, mult_den: 1001, sub_frame_rate: 1, tick_rate: 10_000_000 };
        // 29.97: frame 15 is 15 × 1001 / 30000 s = 500.5 ms → 501.
        assert_eq!(time("00:00:01:15", p), Some(1_501));
        assert_eq!(time("00:00:01.5", p), Some(1_500));
        assert_eq!(time("00:00:01.2345", p), Some(1_235));
        assert_eq!(time("1.5s", p), Some(1_500));
        assert_eq!(time("500ms", p), Some(500));
        assert_eq!(time("2m", p), Some(120_000));
        assert_eq!(time("30f", p), Some(1_001));
        assert_eq!(time("15000000t", p), Some(1_500));
        for bad in ["", "1.5", "00:61:00", "x s", "1.5q", "00:00:01.x"] {
            assert_eq!(time(bad, p), None, "{bad}");
        }
    }

    #[test]
    fn cues_from_paragraphs() {
        let doc = r#"<?xml version="1.0"?>
<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter" xmlns:ttm="http://www.w3.org/ns/ttml#metadata" ttp:frameRate="25">
<head><metadata><ttm:agent xml:id="a1"><ttm:name>Maria Lopez</ttm:name></ttm:agent></metadata></head>
<body><div begin="10s">
<p begin="00:00:01:05" end="00:00:02:00" ttm:agent="a1">We drove<br/>out &amp; <span>back</span>.</p>
<p begin="3s" dur="12f">TOM: Why?</p>
<p begin="bad" end="5s">Kept</p>
</div></body></tt>"#;
        check_reader(
            parse,
            doc,
            &[
                "11200-12000 [Maria Lopez] We drove|out & back.",
                "13000-13480 [TOM] Why?",
                "10000-15000 Kept",
                "!7 begin `bad` is not a TTML time",
            ],
        );
        assert!(looks_like(doc));
        assert!(!looks_like("<?xml version=\"1.0\"?><NonRealTimeMeta>"));
    }
}
