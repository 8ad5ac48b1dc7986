//! The clearance report of a cut or a selects list: one row per event
//! (record in/out, source clip and span, the people heard in it with their
//! status and form, restrictions, third-party items with vendor, item id,
//! licence, fee and invoice), the events that match no clip, and a summary
//! (counts per status, third-party fees per currency, what must be cleared
//! before delivery). Its columns follow Avid's Stock Footage Report
//! (`SRC_IN SRC_OUT SRC_DUR CLIP_NAME STATUS PRICE VENDOR INVOICE_ID`) with
//! the people added.
//!
//! An event of a cut is matched to the catalog by [`crate::conform`].
//! The people of an event are the speakers of the cues its span overlaps
//! (or the select's speaker); the rules of what covers a span are
//! [`crate::clearance`]'s.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::clearance::{Judge, PersonClearance};
use crate::clip::{Clip, Segment};
pub use crate::conform::Unmatched;
use crate::conform::{Matched, match_events, passed_over};
use crate::cut::Cut;
use crate::export::Select;
use crate::export::edl::{duration_label, label_after};
use crate::library::{IndexError, Library};
use crate::releases::{Release, Status, fee_amount};

/// The report: the `clearances --format json` contract.
#[derive(Clone, Debug, Serialize)]
pub struct ClearanceReport {
    /// What was read: the cut's path, the query, the selects file or bin.
    pub source: String,
    /// The cut's format (`edl`, `fcpxml`, `xmeml`, `otio`); `selects` for
    /// a selects list.
    pub format: String,
    /// The day releases expire against (`YYYY-MM-DD`).
    pub as_of: String,
    pub events: Vec<ReportEvent>,
    /// Events that match no clip of the library: nothing can be said of
    /// their clearance, so they are never cleared.
    pub unmatched: Vec<Unmatched>,
    /// Lines or elements of the cut passed over (`line N: why`).
    pub skipped: Vec<String>,
    pub summary: Summary,
}

/// One event of the cut, matched to a clip.
#[derive(Clone, Debug, Serialize)]
pub struct ReportEvent {
    /// The event's number (EDL) or place in the cut.
    pub event: usize,
    /// Its line in an EDL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub track: String,
    pub record_in: String,
    pub record_out: String,
    pub clip: String,
    pub clip_id: String,
    pub path: String,
    /// Source in/out in the clip's own labelling, out exclusive.
    pub source_in: String,
    pub source_out: String,
    /// The source span's length, as a duration in the clip's labelling.
    pub duration: String,
    pub status: Status,
    pub people: Vec<PersonClearance>,
    /// Restrictions and conditions of the rows that cover the span.
    pub restrictions: Vec<String>,
    /// Third-party items (archive, music, stills) that cover the span.
    pub items: Vec<Item>,
    /// Why it is not cleared, one sentence each.
    pub reasons: Vec<String>,
}

/// A third-party item in the cut, as the log states it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Item {
    pub name: String,
    pub vendor: Option<String>,
    pub item: Option<String>,
    pub licence: Option<String>,
    pub fee: Option<String>,
    pub invoice: Option<String>,
    pub status: Status,
    /// The log's line, so an item used in several events is counted once.
    pub line: usize,
}

/// The counts, fees and to-do list of a report.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Matched events.
    pub events: usize,
    /// Matched events per status.
    pub statuses: BTreeMap<Status, usize>,
    pub unmatched: usize,
    /// Third-party fees in the cut, per currency as written (`£`, `EUR`,
    /// or empty), each item once.
    pub fees: Vec<Fee>,
    /// Items whose fee holds no amount, by name.
    pub fees_unread: Vec<String>,
    /// What must be cleared before delivery, each once, in the cut's order.
    pub to_clear: Vec<String>,
    /// Every event matched and cleared.
    pub all_cleared: bool,
}

/// The total of the fees in one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fee {
    pub currency: String,
    /// The total, with two decimals (`570.00`).
    pub total: String,
    pub items: usize,
}

/// The speakers of each clip's cues, read once per clip.
struct Cues<'l> {
    lib: &'l Library,
    by_clip: HashMap<String, Vec<Segment>>,
}

impl Cues<'_> {
    /// The speakers heard in `[in, out)` of `clip`, once each, in order.
    fn speakers(&mut self, clip: &Clip, (tc_in, tc_out): (u64, u64)) -> Result<Vec<String>, IndexError> {
        if !self.by_clip.contains_key(&clip.id) {
            let cues = self.lib.snapshot()?.segments_of_clip(&clip.id)?;
            self.by_clip.insert(clip.id.clone(), cues);
        }
        let mut out: Vec<String> = Vec::new();
        for s in self.by_clip.get(&clip.id).map(Vec::as_slice).unwrap_or_default() {
            let (Some(a), Some(b), Some(who)) = (s.frame_in, s.frame_out, &s.speaker) else { continue };
            if a < tc_out && tc_in < b.max(a + 1) && !out.contains(who) {
                out.push(who.clone());
            }
        }
        Ok(out)
    }
}

/// The report of a cut read by [`crate::cut::read`] from `source`.
pub fn of_cut(lib: &Library, judge: &Judge, source: &str, cut: &Cut) -> Result<ClearanceReport, IndexError> {
    let clips = lib.clips()?;
    let mut cues = Cues { lib, by_clip: HashMap::new() };
    let (matched, unmatched) = match_events(cut, &clips);
    let mut events = Vec::with_capacity(matched.len());
    for Matched { event: e, clip, frames } in matched {
        let line = (e.line > 0).then_some(e.line);
        let speakers = cues.speakers(clip, frames)?;
        events.push(event_row(judge, (e.number, line, &e.track, &e.record_in, &e.record_out), clip, frames, &speakers));
    }
    Ok(finish(source, cut.format.name(), judge, events, unmatched, passed_over(cut)))
}

/// The report of a selects list (a search's hits, a selects CSV, a bin),
/// each select an event placed one after the other from `record_start`
/// as an export would place them.
pub fn of_selects(
    lib: &Library,
    judge: &Judge,
    source: &str,
    selects: &[Select],
    seq: &crate::export::Sequence,
) -> Result<ClearanceReport, IndexError> {
    let clips: HashMap<String, Clip> = lib.clips()?.into_iter().map(|c| (c.id.clone(), c)).collect();
    let mut cues = Cues { lib, by_clip: HashMap::new() };
    let mut events = Vec::new();
    let mut unmatched = Vec::new();
    let mut record = 0u64;
    for (i, s) in selects.iter().enumerate() {
        let len = seq.record_frames(s);
        let (rec_in, rec_out) = (label_after(seq.record_start, record), label_after(seq.record_start, record + len));
        record = record.saturating_add(len);
        let Some(clip) = clips.get(&s.clip.id) else {
            unmatched.push(Unmatched {
                event: i + 1,
                line: None,
                track: String::new(),
                name: Some(s.clip.name.clone()),
                path: Some(s.clip.path.clone()),
                reel: s.clip.reel.clone(),
                record_in: rec_in,
                record_out: rec_out,
                reason: "its clip is no longer in the library".to_string(),
            });
            continue;
        };
        let frames = (s.in_frame, s.out_frame);
        let speakers = match &s.speaker {
            Some(who) => who.split(" / ").map(str::to_string).collect(),
            None => cues.speakers(clip, frames)?,
        };
        events.push(event_row(judge, (i + 1, None, "", &rec_in, &rec_out), clip, frames, &speakers));
    }
    Ok(finish(source, "selects", judge, events, unmatched, Vec::new()))
}

/// One matched event: the clearance of its span with the rows behind it.
fn event_row(
    judge: &Judge,
    (event, line, track, record_in, record_out): (usize, Option<usize>, &str, &str, &str),
    clip: &Clip,
    (tc_in, tc_out): (u64, u64),
    speakers: &[String],
) -> ReportEvent {
    let speakers: Vec<&str> = speakers.iter().map(String::as_str).collect();
    let assessment = judge.assess(Some(clip), Some((tc_in, tc_out)), &speakers);
    let (source_in, source_out, duration) = match (clip.start(), clip.tc_format()) {
        (Some(start), Some(format)) => {
            (label_after(start, tc_in), label_after(start, tc_out), duration_label(tc_out - tc_in, format))
        }
        _ => ("-".to_string(), "-".to_string(), "-".to_string()),
    };
    let restrictions = assessment.rows.iter().filter_map(|r| restriction(r)).collect();
    let items = assessment
        .rows
        .iter()
        .filter(|r| r.is_item())
        .map(|r| Item {
            name: r.label(),
            vendor: r.vendor.clone(),
            item: r.item.clone(),
            licence: r.licence.clone(),
            fee: r.fee.clone(),
            invoice: r.invoice.clone(),
            status: r.status_on(judge.as_of()),
            line: r.line,
        })
        .collect();
    let c = assessment.clearance;
    ReportEvent {
        event,
        line,
        track: track.to_string(),
        record_in: record_in.to_string(),
        record_out: record_out.to_string(),
        clip: clip.name.clone(),
        clip_id: clip.id.clone(),
        path: clip.path.clone(),
        source_in,
        source_out,
        duration,
        status: c.status,
        people: c.people,
        restrictions,
        items,
        reasons: c.reasons,
    }
}

/// `Lu Chen: no broadcast in China`, `A012C004.MOV 10:02:10:00-10:02:20:00:
/// not for use in advertising`: a row's restrictions and where they apply.
fn restriction(r: &Release) -> Option<String> {
    let what = r.restrictions.as_deref()?;
    let place = match (&r.clip, &r.tc_in, &r.tc_out, &r.name) {
        (Some(clip), Some(a), Some(b), _) => format!("{clip} {a}-{b}"),
        (_, _, _, Some(name)) => name.clone(),
        _ => r.label(),
    };
    Some(format!("{place}: {what}"))
}

fn finish(
    source: &str,
    format: &str,
    judge: &Judge,
    events: Vec<ReportEvent>,
    unmatched: Vec<Unmatched>,
    skipped: Vec<String>,
) -> ClearanceReport {
    let mut summary = Summary { events: events.len(), unmatched: unmatched.len(), ..Summary::default() };
    let mut counted_items: Vec<usize> = Vec::new();
    let mut totals: Vec<(String, u64, usize)> = Vec::new();
    for e in &events {
        *summary.statuses.entry(e.status).or_insert(0) += 1;
        for reason in &e.reasons {
            if !summary.to_clear.contains(reason) {
                summary.to_clear.push(reason.clone());
            }
        }
        for item in &e.items {
            if counted_items.contains(&item.line) {
                continue;
            }
            counted_items.push(item.line);
            let Some(fee) = &item.fee else { continue };
            match fee_amount(fee) {
                Some((currency, cents)) => match totals.iter_mut().find(|(c, _, _)| *c == currency) {
                    Some(t) => {
                        t.1 = t.1.saturating_add(cents);
                        t.2 += 1;
                    }
                    None => totals.push((currency, cents, 1)),
                },
                None => summary.fees_unread.push(format!("{}: {fee}", item.name)),
            }
        }
    }
    for u in &unmatched {
        let name = u.name.as_deref().or(u.path.as_deref()).or(u.reel.as_deref()).unwrap_or("?");
        summary.to_clear.push(format!("event {} ({name}): {}", u.event, u.reason));
    }
    summary.fees = totals
        .into_iter()
        .map(|(currency, cents, items)| Fee { currency, total: format!("{}.{:02}", cents / 100, cents % 100), items })
        .collect();
    summary.all_cleared = unmatched.is_empty() && events.iter().all(|e| e.status == Status::Cleared);
    ClearanceReport {
        source: source.to_string(),
        format: format.to_string(),
        as_of: judge.as_of().to_string(),
        events,
        unmatched,
        skipped,
        summary,
    }
}
