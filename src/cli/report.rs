//! `rushes clearances`: the clearance report as a table for people, CSV
//! for a spreadsheet (one row per event, the unmatched ones too) or JSON
//! (the [`ClearanceReport`] contract).

use std::io::Write;

use anyhow::Result;
use rushes::clearance::PersonClearance;
use rushes::ops::one_line;
use rushes::releases::Status;
use rushes::report::{ClearanceReport, Item, ReportEvent, Unmatched};

/// The CSV columns, one row per event.
const CSV_HEADER: [&str; 19] = [
    "event",
    "line",
    "record_in",
    "record_out",
    "clip",
    "path",
    "source_in",
    "source_out",
    "duration",
    "status",
    "people",
    "forms",
    "restrictions",
    "vendor",
    "item",
    "licence",
    "fee",
    "invoice",
    "reasons",
];

/// `Maria Lopez (cleared)`, once per person.
fn people(p: &[PersonClearance]) -> String {
    p.iter().map(|p| format!("{} ({})", p.name, p.status)).collect::<Vec<_>>().join("; ")
}

/// One field of every item, `; ` between items.
fn items_field(items: &[Item], field: impl Fn(&Item) -> Option<&String>) -> String {
    items.iter().map(|i| field(i).map_or("", String::as_str)).collect::<Vec<_>>().join("; ")
}

pub(super) fn write_csv(out: &mut impl Write, report: &ClearanceReport) -> Result<()> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    w.write_record(CSV_HEADER)?;
    for e in &report.events {
        let forms = e.people.iter().filter_map(|p| p.form.as_deref()).collect::<Vec<_>>().join("; ");
        w.write_record([
            e.event.to_string(),
            e.line.map(|l| l.to_string()).unwrap_or_default(),
            e.record_in.clone(),
            e.record_out.clone(),
            e.clip.clone(),
            e.path.clone(),
            e.source_in.clone(),
            e.source_out.clone(),
            e.duration.clone(),
            e.status.to_string(),
            people(&e.people),
            forms,
            e.restrictions.join("; "),
            items_field(&e.items, |i| i.vendor.as_ref()),
            items_field(&e.items, |i| i.item.as_ref()),
            items_field(&e.items, |i| i.licence.as_ref()),
            items_field(&e.items, |i| i.fee.as_ref()),
            items_field(&e.items, |i| i.invoice.as_ref()),
            e.reasons.join("; "),
        ])?;
    }
    for u in &report.unmatched {
        let mut row = vec![String::new(); CSV_HEADER.len()];
        row[0] = u.event.to_string();
        row[1] = u.line.map(|l| l.to_string()).unwrap_or_default();
        row[2] = u.record_in.clone();
        row[3] = u.record_out.clone();
        row[4] = u.name.clone().or_else(|| u.reel.clone()).unwrap_or_default();
        row[5] = u.path.clone().unwrap_or_default();
        row[9] = "unmatched".to_string();
        row[18] = u.reason.clone();
        w.write_record(&row)?;
    }
    out.write_all(&w.into_inner()?)?;
    Ok(())
}

pub(super) fn write_table(out: &mut impl Write, report: &ClearanceReport) -> Result<()> {
    writeln!(out, "clearance report: {} ({}), as of {}", one_line(&report.source), report.format, report.as_of)?;
    writeln!(out)?;
    writeln!(
        out,
        "{:>4}  {:<11}  {:<11}  {:<28}  {:<11}  {:<11}  {:<11}  status",
        "#", "record in", "record out", "clip", "source in", "source out", "duration"
    )?;
    for e in &report.events {
        write_event(out, e)?;
    }
    if !report.unmatched.is_empty() {
        writeln!(out)?;
        writeln!(out, "events that match no clip ({}):", report.unmatched.len())?;
        for u in &report.unmatched {
            writeln!(out, "  {}", unmatched_line(u))?;
        }
    }
    if !report.skipped.is_empty() {
        writeln!(out)?;
        writeln!(out, "passed over in the cut ({}):", report.skipped.len())?;
        for s in &report.skipped {
            writeln!(out, "  {}", one_line(s))?;
        }
    }
    let s = &report.summary;
    writeln!(out)?;
    let counts: Vec<String> =
        Status::ALL.iter().filter_map(|st| s.statuses.get(st).map(|n| format!("{n} {st}"))).collect();
    let unmatched = if s.unmatched > 0 { format!("; {} unmatched", s.unmatched) } else { String::new() };
    let counts = if counts.is_empty() { String::new() } else { format!(": {}", counts.join(", ")) };
    writeln!(out, "summary: {} events{counts}{unmatched}", s.events)?;
    if !s.fees.is_empty() {
        let fees: Vec<String> = s
            .fees
            .iter()
            .map(|f| {
                let items = if f.items == 1 { "item" } else { "items" };
                format!("{}{} ({} {items})", f.currency, f.total, f.items)
            })
            .collect();
        writeln!(out, "third-party fees: {}", fees.join(", "))?;
    }
    for f in &s.fees_unread {
        writeln!(out, "fee without an amount: {}", one_line(f))?;
    }
    if s.all_cleared {
        writeln!(out, "everything in it is cleared")?;
    } else {
        writeln!(out, "to clear before delivery ({}):", s.to_clear.len())?;
        for t in &s.to_clear {
            writeln!(out, "  - {}", one_line(t))?;
        }
    }
    Ok(())
}

fn write_event(out: &mut impl Write, e: &ReportEvent) -> Result<()> {
    let clip: String = one_line(&e.clip).chars().take(28).collect();
    writeln!(
        out,
        "{:>4}  {:<11}  {:<11}  {clip:<28}  {:<11}  {:<11}  {:<11}  {}",
        e.event, e.record_in, e.record_out, e.source_in, e.source_out, e.duration, e.status
    )?;
    for p in &e.people {
        let form = p.form.as_deref().map(|f| format!(", form {}", one_line(f))).unwrap_or_default();
        writeln!(out, "        person: {} ({}{form})", one_line(&p.name), p.status)?;
    }
    for r in &e.restrictions {
        writeln!(out, "        restriction: {}", one_line(r))?;
    }
    for i in &e.items {
        let fields: Vec<String> =
            [&i.vendor, &i.item, &i.licence, &i.fee, &i.invoice].into_iter().flatten().map(|f| one_line(f)).collect();
        writeln!(out, "        item: {} ({}): {}", one_line(&i.name), i.status, fields.join(" | "))?;
    }
    for r in &e.reasons {
        writeln!(out, "        why: {}", one_line(r))?;
    }
    Ok(())
}

/// `event 2 (line 6) 01:00:00:05-01:00:00:15: clip "clip_B", reel TST:
/// why`: an event of a cut that matches no clip, with what it named.
pub(super) fn unmatched_line(u: &Unmatched) -> String {
    let line = u.line.map(|l| format!(" (line {l})")).unwrap_or_default();
    let mut named = Vec::new();
    if let Some(n) = &u.name {
        named.push(format!("clip {:?}", one_line(n)));
    }
    if let Some(r) = &u.reel {
        named.push(format!("reel {}", one_line(r)));
    }
    if let Some(p) = &u.path {
        named.push(format!("file {}", one_line(p)));
    }
    format!("event {}{line} {}-{}: {}: {}", u.event, u.record_in, u.record_out, named.join(", "), u.reason)
}
