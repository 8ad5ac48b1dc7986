//! Printing each command's result: the human form, or with `--json` the
//! library's value as it is (pretty-printed). Names and paths in human
//! listings are escaped to one line ([`one_line`]).

use std::io::{IsTerminal, Write};

use anyhow::Result;
use std::collections::HashMap;

use rushes::bins::{Bin, clip_span};
use rushes::clearance::{Clearance, LogName, ReleaseImport};
use rushes::clip::{Clip, Relinked, Verified};
use rushes::edit::EditReport;
use rushes::import::ImportReport;
use rushes::ingest::{IngestReport, VerifySummary};
use rushes::merge::Timebase;
use rushes::ops::{ShotLog, UsedRead, one_line};
use rushes::paper::{self, Checked, Entry};
use rushes::proxy::ProxyReport;
use rushes::releases::Status;
use rushes::search::{Hit, HitKind};
use rushes::text::Fate;
use rushes::timecode::{TcFormat, Timecode};
use rushes::used::{Used, UsedCut};
use rushes::verify::DriftReport;

pub(super) fn print_edit(r: &EditReport, json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        return write_json(&mut out, r);
    }
    if !r.clips_relinked.is_empty() || !r.sources_relinked.is_empty() {
        writeln!(
            out,
            "relinked: {} clips, {} transcripts and notes files",
            r.clips_relinked.len(),
            r.sources_relinked.len()
        )?;
        print_relinked(&mut out, &r.clips_relinked)?;
        print_relinked(&mut out, &r.sources_relinked)?;
    }
    let missing = r.clips_not_found.iter().map(|p| (p.as_str(), "not at the new place; left as it was".to_string()));
    print_list(&mut out, "not found", " clips", missing.collect())?;
    if !r.clips_forgotten.is_empty() || !r.sources_forgotten.is_empty() {
        writeln!(
            out,
            "forgotten (removed from the library; no file touched): {} clips, {} transcripts and notes files",
            r.clips_forgotten.len(),
            r.sources_forgotten.len()
        )?;
        for path in r.clips_forgotten.iter().chain(&r.sources_forgotten) {
            writeln!(out, "  {}", one_line(path))?;
        }
    }
    Ok(())
}

/// The last part of a path as the library spells it (`show` names each
/// line's transcript by it; `--json` has the whole path).
pub(super) fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, name)| name)
}

pub(super) fn print_show(log: &ShotLog, json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        return write_json(&mut out, log);
    }
    let c = &log.clip;
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    writeln!(out, "{}  ({})", one_line(&c.name), one_line(&c.path))?;
    writeln!(
        out,
        "day {}  camera {}  reel {}  {} fps{}  {} - {}  ({:.3} s, TC from {})",
        or_dash(&c.day),
        or_dash(&c.camera),
        or_dash(&c.reel),
        or_dash(&c.tc.fps_label()),
        if c.tc.format.is_some_and(|f| f.is_drop_frame()) { " DF" } else { "" },
        or_dash(&c.tc.start_label()),
        or_dash(&c.tc.end_label()),
        c.duration_s,
        serde_json::to_value(c.tc.source).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
    )?;
    for (label, v) in [("scene", &c.scene), ("take", &c.take), ("tape", &c.tape), ("note", &c.note)] {
        if let Some(v) = v {
            writeln!(out, "{label}: {v}")?;
        }
    }
    if c.circled == Some(true) {
        writeln!(out, "circled take")?;
    }
    if let Some(line) = verified_line(c) {
        writeln!(out, "{line}")?;
    }
    if let Some(ch) = &c.chapter {
        let missing = match ch.missing.as_slice() {
            [] => String::new(),
            m => {
                format!("; chapters {} not in the library", m.iter().map(u32::to_string).collect::<Vec<_>>().join(", "))
            }
        };
        writeln!(
            out,
            "chapter {} of {} of take {} ({:.3} s in all{missing}): {}",
            ch.n,
            ch.of,
            one_line(&ch.take),
            ch.take_duration_s,
            ch.chapters.iter().map(|n| one_line(n)).collect::<Vec<_>>().join(", ")
        )?;
    }
    for t in &log.transcripts {
        let language = match (&t.language, t.language_from) {
            (Some(code), Some(from)) => format!("{code} ({})", from.as_str()),
            (Some(code), None) => code.clone(),
            _ => "not detected (too few words; `rushes import --language` sets it)".to_string(),
        };
        let name = std::path::Path::new(&t.path).file_name().map_or(t.path.clone(), |n| n.to_string_lossy().into());
        writeln!(out, "transcript: {}  language {language}", one_line(&name))?;
    }
    if log.clearance.release_log {
        writeln!(out, "clearance: {}", log.clearance.status)?;
        for reason in &log.clearance.reasons {
            writeln!(out, "  {}", one_line(reason))?;
        }
    }
    if !log.used.is_empty() {
        writeln!(out, "{}", used_mark(&log.used).trim_start())?;
    }
    if !log.notes.is_empty() {
        writeln!(out, "\nNOTES")?;
        for n in &log.notes {
            let tags = if n.tags.is_empty() { String::new() } else { format!("  [{}]", n.tags.join(", ")) };
            writeln!(
                out,
                "  {:<12}  {}{}{}{}",
                n.tc_in.clone().or(n.tc.clone()).unwrap_or_else(|| "whole clip".to_string()),
                n.text.replace('\n', " / "),
                tags,
                clearance_mark(&n.clearance),
                used_mark(&n.used)
            )?;
        }
    }
    if !log.transcript.is_empty() {
        // Each transcript file once, with the format it was read as.
        let mut files: Vec<String> = Vec::new();
        for s in &log.transcript {
            let file = match &s.format {
                Some(format) => format!("{} ({format})", one_line(file_name(&s.source))),
                None => one_line(file_name(&s.source)).to_string(),
            };
            if !files.contains(&file) {
                files.push(file);
            }
        }
        writeln!(out, "\nTRANSCRIPT  {}", files.join(", "))?;
        for s in &log.transcript {
            let span = match (&s.tc_in, &s.tc_out) {
                (Some(i), Some(o)) => format!("{i} - {o}"),
                _ => format!("{:.3}s - {:.3}s", s.offset_in_s, s.offset_out_s),
            };
            let who = s.speaker.as_ref().map(|w| format!("{w}: ")).unwrap_or_default();
            let from = one_line(file_name(&s.source));
            let mark = format!("{}{}", clearance_mark(&s.clearance), used_mark(&s.used));
            writeln!(out, "  {span}  {who}{}  ({from}:{}){mark}", s.text.replace('\n', " "), s.line)?;
        }
    }
    Ok(())
}

/// A checked paper edit: each bite with its span, length and clearance,
/// the running time per section and in all; problems on stderr by
/// `file:line`, a text mismatch with the words side by side.
pub(super) fn print_paper(checked: &Checked, json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        return write_json(&mut out, checked);
    }
    for e in &checked.entries {
        match e {
            Entry::Heading { text, .. } => writeln!(out, "\n# {}", one_line(text))?,
            Entry::Bite(b) => {
                let who = b.speaker.as_deref().map(|w| format!("  {}", one_line(w))).unwrap_or_default();
                let assumed =
                    if b.assumed_rate { format!("  (rate assumed: {} fps)", checked.fps) } else { String::new() };
                let used = used_mark(&b.used);
                // Without a release log every bite would say `unknown`.
                let cleared =
                    if b.clearance.release_log { format!("  [{}]", b.clearance.status) } else { String::new() };
                writeln!(
                    out,
                    "{:>5}  {} {}-{}  {:>5}{who}{cleared}{used}{assumed}",
                    b.line,
                    one_line(&b.clip),
                    b.tc_in,
                    b.tc_out,
                    paper::running_time(b.seconds),
                )?;
            }
            Entry::Vo { line, text, seconds } => {
                writeln!(out, "{line:>5}  VO  {:>5}  {}", paper::running_time(*seconds), one_line(text))?
            }
            Entry::Note { line, text } => writeln!(out, "{line:>5}  NOTE  {}", one_line(text))?,
        }
    }
    writeln!(out)?;
    for s in checked.sections.iter().filter(|s| s.heading.is_some() || s.bites + s.vo > 0) {
        writeln!(
            out,
            "{:>8}  {}  ({}, {} VO)",
            paper::running_time(s.seconds),
            one_line(s.heading.as_deref().unwrap_or("(before the first heading)")),
            if s.bites == 1 { "1 bite".to_string() } else { format!("{} bites", s.bites) },
            s.vo
        )?;
    }
    writeln!(
        out,
        "{:>8}  running time (VO read at {} words a second)",
        paper::running_time(checked.seconds),
        paper::VO_WORDS_PER_SECOND
    )?;
    out.flush()?;
    drop(out);
    for p in &checked.problems {
        eprintln!("{}:{}: {}", checked.file, p.line, one_line(&p.reason));
        if let (Some(w), Some(t)) = (&p.written, &p.transcript) {
            eprintln!("    written:    {}", one_line(w));
            eprintln!("    transcript: {}", if t.is_empty() { "(nothing)".to_string() } else { one_line(t) });
        }
    }
    if !checked.problems.is_empty() {
        eprintln!("rushes: {} lines of {} do not resolve", checked.problems.len(), checked.file);
    }
    Ok(())
}

/// `  used in rough 01:00:12:00, fine 01:02:00:00`: the cuts that use a
/// span and where; nothing for an unused one.
/// A hit whose file is not the offloaded copy says so; a match, and a
/// file never hashed, say nothing (`show` gives the details).
fn verified_mark(v: Verified) -> &'static str {
    match v {
        Verified::Mismatch => "  NOT THE OFFLOADED COPY (hash mismatch)",
        Verified::NotInMhl => "  not in the offload hash list",
        Verified::Match | Verified::NotVerified => "",
    }
}

/// `verified: match (xxh64 0ea03b369a463d9d) by ascmhl.py on dit, A. Tech,
/// 2026-03-14T10:00:00+00:00, ascmhl/0001_CARD_….mhl`.
fn verified_line(c: &Clip) -> Option<String> {
    if c.verified == Verified::NotVerified && c.hash.is_none() {
        return None;
    }
    let mut line = format!("verified: {}", c.verified.label());
    if let Some(h) = &c.hash {
        line.push_str(&format!(" ({} {})", h.algo, h.value));
    }
    if let Some(p) = &c.provenance {
        let who: Vec<&str> = [p.tool.as_deref(), p.host.as_deref().map(|h| h.trim())]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect();
        let mut parts = Vec::new();
        if !who.is_empty() {
            parts.push(who.join(" on "));
        }
        parts.extend([p.author.as_deref(), p.date.as_deref()].into_iter().flatten().map(str::to_string));
        parts.push(p.mhl.clone());
        line.push_str(&format!(" by {}", one_line(&parts.join(", "))));
    }
    Some(line)
}

fn used_mark(used: &[Used]) -> String {
    if used.is_empty() {
        return String::new();
    }
    let each: Vec<String> = used.iter().map(|u| format!("{} {}", one_line(&u.cut), u.record_in)).collect();
    format!("  used in {}", each.join(", "))
}

/// The cut `rushes used` read: how many events on how many clips, the
/// events that match no clip (each with what it named and why), and what
/// the reader passed over.
pub(super) fn print_used(read: &UsedRead, json: bool) -> Result<()> {
    if json {
        return write_json(&mut std::io::stdout().lock(), &read.cut);
    }
    let c = &read.cut;
    let mut out = std::io::stdout().lock();
    let replaced = match &read.replaced {
        Some(old) => format!("; replaces the cut read {} ({} events)", old.read, old.spans.len()),
        None => String::new(),
    };
    writeln!(
        out,
        "cut {:?} ({}, {}): {} tracked{replaced}",
        one_line(&c.name),
        c.format,
        one_line(&c.path),
        events_on_clips(c)
    )?;
    if !c.unmatched.is_empty() {
        writeln!(out, "events that match no clip ({}):", c.unmatched.len())?;
        for u in &c.unmatched {
            writeln!(out, "  {}", super::report::unmatched_line(u))?;
        }
    }
    if !c.skipped.is_empty() {
        writeln!(out, "passed over in the cut ({}):", c.skipped.len())?;
        for s in &c.skipped {
            writeln!(out, "  {}", one_line(s))?;
        }
    }
    Ok(())
}

/// The cuts tracked: name, format, events, clips, unmatched, day read, file.
pub(super) fn print_used_list(cuts: &[UsedCut], json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        return write_json(&mut out, cuts);
    }
    for c in cuts {
        let unmatched =
            if c.unmatched.is_empty() { String::new() } else { format!(", {} unmatched", c.unmatched.len()) };
        writeln!(
            out,
            "{}  {}  {}{unmatched}  read {}  {}",
            one_line(&c.name),
            c.format,
            events_on_clips(c),
            c.read,
            one_line(&c.path)
        )?;
    }
    Ok(())
}

/// `2 events on 1 clip`.
fn events_on_clips(c: &UsedCut) -> String {
    let plural = |n: usize, one: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") };
    format!("{} on {}", plural(c.spans.len(), "event"), plural(c.clips(), "clip"))
}

/// `  [pending]`: the short mark of anything not cleared; nothing for a
/// cleared span, nor in a library with no release log.
fn clearance_mark(c: &Clearance) -> String {
    if c.status == Status::Cleared || !c.release_log { String::new() } else { format!("  [{}]", c.status) }
}

pub(super) fn print_hits(hits: &[Hit], json: bool) -> Result<()> {
    if json {
        return write_json(&mut std::io::stdout().lock(), hits);
    }
    // Buffered: stdout writes each line as it ends.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let tty = std::io::stdout().is_terminal();
    let color = tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let (dim, undim) = if color { ("\x1b[2m", "\x1b[0m") } else { ("", "") };
    for (i, h) in hits.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let kind = match h.kind {
            HitKind::Soundbite => "",
            HitKind::Note => "NOTE  ",
            HitKind::Clip => "CLIP  ",
        };
        let place = [h.camera.as_deref(), h.reel.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" / ");
        let span = match (&h.tc_in, &h.tc_out) {
            (Some(a), Some(b)) => format!("{a} - {b}"),
            (Some(a), None) => a.clone(),
            _ => String::new(),
        };
        // The day: the same clip name and timecode recur on every shoot day.
        writeln!(
            out,
            "{kind}{}  {}  {}  {}  {}{}{}{}",
            one_line(h.clip.as_deref().unwrap_or("(no clip)")),
            if place.is_empty() { "-" } else { &place },
            h.day.as_deref().unwrap_or("-"),
            span,
            h.speaker.as_deref().unwrap_or(""),
            clearance_mark(&h.clearance),
            used_mark(&h.used),
            verified_mark(h.verified)
        )?;
        // Context cues, dimmed, speaker first.
        let context = |out: &mut dyn Write, cues: &[rushes::search::ContextCue]| -> std::io::Result<()> {
            for c in cues {
                let speaker = c.speaker.as_ref().map(|s| format!("{s}: ")).unwrap_or_default();
                writeln!(out, "  {dim}{speaker}{}{undim}", c.text)?;
            }
            Ok(())
        };
        context(&mut out, &h.context_before)?;
        let (open, close) = if color { ("\x1b[1;33m", "\x1b[0m") } else { plain_marks(&h.text) };
        let mut marked = String::new();
        let mut pos = 0;
        for (a, b) in h.match_bytes() {
            // Offsets off the text or off a character boundary are skipped.
            let (Some(before), Some(hit)) = (h.text.get(pos..a), h.text.get(a..b)) else { continue };
            marked.push_str(before);
            marked.push_str(open);
            marked.push_str(hit);
            marked.push_str(close);
            pos = b;
        }
        marked.push_str(h.text.get(pos..).unwrap_or_default());
        writeln!(out, "  {}", marked.replace('\n', " / "))?;
        context(&mut out, &h.context_after)?;
        if let Some(p) = h.path.as_deref().or(h.source.as_deref()) {
            // A soundbite says which transcript, and read as what.
            let from = match (&h.format, h.path.as_ref().and(h.source.as_deref())) {
                (Some(format), Some(source)) => format!("  ({}, {format})", one_line(file_name(source))),
                _ => String::new(),
            };
            writeln!(out, "  {dim}{}{from}{undim}", one_line(p))?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Match marks for text without colour (piped, or `NO_COLOR`) that the
/// text itself cannot hold, so a reader or a script never takes a mark for
/// a transcriber's `[inaudible]`: `[[ ]]`, else `« »`, else `⟦ ⟧`.
pub(super) fn plain_marks(text: &str) -> (&'static str, &'static str) {
    if !text.contains(['[', ']']) {
        ("[[", "]]")
    } else if !text.contains(['«', '»']) {
        ("«", "»")
    } else {
        ("⟦", "⟧")
    }
}

/// The transcripts-and-notes part of an ingest or import summary.
pub(super) fn print_words_human(out: &mut impl Write, r: &ImportReport) -> Result<()> {
    if let Some(log) = &r.release_log {
        print_release_import(out, log)?;
    }
    let any = r.transcripts_attached + r.notes_placed + r.sources_unchanged > 0
        || !r.notes_unplaced.is_empty()
        || !r.transcripts_unmatched.is_empty()
        || !r.warnings.is_empty()
        || !r.sidecars_skipped.is_empty()
        || !r.rolled_up.is_empty();
    if !any {
        return Ok(());
    }
    let logged = if r.files_logged > 0 {
        format!("; {} files logged from sound reports", r.files_logged)
    } else {
        String::new()
    };
    writeln!(
        out,
        "transcripts: {} attached ({} segments); notes: {} placed{logged}; {} files already imported",
        r.transcripts_attached, r.segments, r.notes_placed, r.sources_unchanged
    )?;
    let unmatched = r.transcripts_unmatched.iter().map(|t| (t.path.as_str(), t.reason.clone()));
    print_list(out, "transcripts kept but not attached", "", unmatched.collect())?;
    let unplaced = r.notes_unplaced.iter().map(|n| (n.source.as_str(), format!("{} {:?}: {}", n.tc, n.text, n.reason)));
    print_list(out, "notes kept but not placed", "", unplaced.collect())?;
    // A timebase is worth a line when both readings put cues inside the
    // clip: then the choice could be wrong, and --timebase changes it.
    let contested = r.timebases.iter().filter(|t| t.detected.inside_as_clip > 0 && t.detected.inside_as_record > 0);
    let timebases = contested.map(|t| {
        let (chosen, n, other, m, flag) = match t.detected.timebase {
            Timebase::Clip => {
                ("clip time", t.detected.inside_as_clip, "record timecode", t.detected.inside_as_record, "record")
            }
            Timebase::Record => {
                ("record timecode", t.detected.inside_as_record, "clip time", t.detected.inside_as_clip, "clip")
            }
        };
        let why = format!(
            "read as {chosen}: {n} of {} cues inside {} ({m} as {other}); --timebase {flag} to change",
            t.cues, t.clip
        );
        (t.path.as_str(), why)
    });
    print_list(out, "transcript timebases chosen", "", timebases.collect())?;
    let rolled = r
        .rolled_up
        .iter()
        .map(|f| (f.path.as_str(), format!("{} cues repeating the previous one's lines merged", f.cues)));
    print_list(out, "roll-up captions (each line indexed once)", " files", rolled.collect())?;
    // What was left out and what was read by a guess are different news.
    let said = |fate: Fate| {
        r.warnings.iter().filter(move |w| w.fate == fate).map(|w| (w.source.as_str(), w.reason.clone())).collect()
    };
    print_list(out, "lines not read", "", said(Fate::Skipped))?;
    print_list(out, "read with warnings", "", said(Fate::Kept))?;
    let skipped = r.sidecars_skipped.iter().map(|s| (s.path.as_str(), s.reason.clone()));
    print_list(out, "files not imported", "", skipped.collect())?;
    Ok(())
}

/// What importing a release log did, and how it meets the library.
fn print_release_import(out: &mut impl Write, log: &ReleaseImport) -> Result<()> {
    let counts: Vec<String> = log.statuses.iter().map(|(s, n)| format!("{n} {s}")).collect();
    writeln!(out, "release log {}: {} rows ({})", one_line(&log.path), log.rows, counts.join(", "))?;
    if let Some(old) = &log.replaced {
        writeln!(out, "  replaces the log read from {}", one_line(old))?;
    }
    let l = &log.linking;
    let named = |names: &[LogName]| names.iter().map(|n| format!("{} (line {})", n.name, n.line)).collect::<Vec<_>>();
    for (title, rows) in [
        ("people no speaker or clip names (not an error)", named(&l.unattached)),
        ("clips the log names that the library does not hold", named(&l.clips_not_found)),
        ("speakers without a release (unknown)", l.without_release.clone()),
        (
            "speakers two people of the log answer to",
            l.ambiguous.iter().map(|a| format!("{}: {}", a.speaker, named(&a.candidates).join(", "))).collect(),
        ),
    ] {
        if !rows.is_empty() {
            writeln!(out, "{title}: {}", rows.len())?;
            for row in rows {
                writeln!(out, "  {}", one_line(&row))?;
            }
        }
    }
    Ok(())
}

pub(super) fn print_words(r: &ImportReport, json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        return write_json(&mut out, r);
    }
    print_words_human(&mut out, r)
}

/// `TITLE: N UNIT`, then one `  path: reason` line per row, each escaped
/// to one line; nothing when there are no rows.
pub(super) fn print_list(
    out: &mut impl Write,
    title: &str,
    unit: &str,
    rows: Vec<(&str, String)>,
) -> std::io::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(out, "{title}: {}{unit}", rows.len())?;
    for (path, reason) in rows {
        writeln!(out, "  {}: {}", one_line(path), one_line(&reason))?;
    }
    Ok(())
}

/// `relinked (folder moved): N files`, then `  new path: was old path`.
pub(super) fn print_relinked(out: &mut impl Write, relinked: &[Relinked]) -> std::io::Result<()> {
    let rows = relinked.iter().map(|r| (r.path.as_str(), format!("was {}", r.from)));
    print_list(out, "relinked (found at a new place)", " files", rows.collect())
}

pub(super) fn print_ingest(r: &IngestReport, json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        return write_json(&mut out, r);
    }
    let relinked =
        if r.clips_relinked.is_empty() { String::new() } else { format!(", {} relinked", r.clips_relinked.len()) };
    writeln!(
        out,
        "clips: {} added, {} updated, {} unchanged, {} offline{relinked}",
        r.clips_added, r.clips_updated, r.clips_unchanged, r.clips_offline
    )?;
    print_relinked(&mut out, &r.clips_relinked)?;
    if r.skipped > 0 {
        let kinds: Vec<String> = r.skipped_by_kind.iter().map(|(k, n)| format!("{n} {k}")).collect();
        writeln!(out, "skipped: {} files ({})", r.skipped, kinds.join(", "))?;
    }
    let failures = r.failures.iter().map(|f| (f.path.as_str(), f.reason.clone()));
    print_list(&mut out, "failed", " files", failures.collect())?;
    let warned = r.cataloged_with_warnings.iter().map(|f| (f.path.as_str(), f.reason.clone()));
    print_list(&mut out, "cataloged with warnings", " files", warned.collect())?;
    print_words_human(&mut out, &r.words)?;
    if let Some(v) = &r.verify {
        print_verify_summary(&mut out, v)?;
    }
    writeln!(out, "library: {}", r.library)?;
    Ok(())
}

/// `verified: 3 match, 1 mismatch (12 files hashed, 1.2 GiB, 2 hash lists)`,
/// then what the hash lists' reader said, by file and line.
fn print_verify_summary(out: &mut impl Write, v: &VerifySummary) -> std::io::Result<()> {
    let verdicts: Vec<String> = v.verified.iter().map(|(k, n)| format!("{n} {}", k.label())).collect();
    let verdicts = if verdicts.is_empty() { "nothing".to_string() } else { verdicts.join(", ") };
    writeln!(
        out,
        "verified: {verdicts} ({} files hashed, {}, {} hash lists)",
        v.hashed,
        indicatif::HumanBytes(v.hashed_bytes),
        v.hash_lists
    )?;
    let diags = v.diagnostics.iter().map(|d| {
        let at = format!("{}:{}", d.source.as_deref().unwrap_or(""), d.line);
        (at, d.reason.clone())
    });
    let diags: Vec<(String, String)> = diags.collect();
    print_list(out, "hash list problems", "", diags.iter().map(|(a, r)| (a.as_str(), r.clone())).collect())
}

/// `rushes verify`: the drift found, or that there is none.
pub(super) fn print_drift(r: &DriftReport, json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        return write_json(&mut out, r);
    }
    writeln!(
        out,
        "verify: {} clips re-hashed, {} unchanged, {} changed, {} missing, {} never hashed",
        r.checked,
        r.unchanged,
        r.changed.len(),
        r.missing.len(),
        r.not_hashed.len()
    )?;
    let drift = r.changed.iter().chain(&r.missing).map(|d| (d.path.as_str(), d.reason.clone()));
    print_list(&mut out, "drift", " clips", drift.collect())?;
    Ok(())
}

/// Bins as a table: bin, select id, clip, TC in and out (exclusive), the
/// duration (frames counted, written as a non-drop-frame label), comment.
/// `clips` gives each select's rate; a select whose clip is gone shows no
/// duration.
pub(super) fn print_bins(bins: &[Bin], clips: &HashMap<String, Clip>) -> Result<()> {
    let mut rows = vec![["bin", "#", "clip", "tc in", "tc out", "duration", "comment"].map(String::from)];
    for bin in bins {
        if bin.selects.is_empty() {
            rows.push([
                one_line(&bin.name),
                "-".into(),
                "(empty)".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
        for s in &bin.selects {
            let clip = clips.get(&s.clip_id);
            let duration =
                clip.and_then(|c| Some((clip_span(c, &s.tc_in, &s.tc_out).ok()?, c.tc_format()?))).map(|(span, f)| {
                    Timecode::from_frames(span.out_frame - span.in_frame, TcFormat::ndf(f.rate())).to_string()
                });
            let gone = if clip.is_none() { " (not in the library)" } else { "" };
            rows.push([
                one_line(&bin.name),
                s.id.to_string(),
                format!("{}{gone}", one_line(&s.clip)),
                s.tc_in.clone(),
                s.tc_out.clone(),
                duration.unwrap_or_else(|| "-".into()),
                one_line(s.comment.as_deref().unwrap_or("")),
            ]);
        }
    }
    let mut widths = [0usize; 7];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = std::io::stdout().lock();
    for row in &rows {
        let mut line = String::new();
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  "));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// What `rushes proxies` did: the counts, then the clips made, offline or
/// failed, each on its line.
pub(super) fn print_proxies(r: &ProxyReport, json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        return write_json(&mut out, r);
    }
    writeln!(
        out,
        "proxies: {} made, {} skipped (already have one), {} not needed (play in a browser), {} offline, {} failed",
        r.made.len(),
        r.already.len(),
        r.not_needed.len(),
        r.offline.len(),
        r.failed.len()
    )?;
    let made = r.made.iter().map(|m| (m.path.as_str(), m.proxy.clone()));
    print_list(&mut out, "made", " proxies", made.collect())?;
    let offline = r.offline.iter().map(|c| (c.path.as_str(), "the file is not there".to_string()));
    print_list(&mut out, "offline", " clips", offline.collect())?;
    let failed = r.failed.iter().map(|f| (f.path.as_str(), f.reason.clone()));
    print_list(&mut out, "failed", " clips", failed.collect())?;
    Ok(())
}

/// The `--json` form of a result: pretty-printed, one trailing newline, in
/// one write. Stdout is line-buffered: written as it was serialised, a page
/// of 20 hits was some 900 writes.
pub(super) fn write_json<T: serde::Serialize + ?Sized>(out: &mut impl Write, value: &T) -> Result<()> {
    let mut bytes = serde_json::to_vec_pretty(value)?;
    bytes.push(b'\n');
    out.write_all(&bytes)?;
    Ok(())
}
