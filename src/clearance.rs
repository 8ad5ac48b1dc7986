//! Clearance: what the release log says of one span of footage. A span is
//! a soundbite (its speakers and its frames), a note, or a whole clip.
//!
//! The rules, each in one place here:
//! - a speaker is a person of the log when the names agree whatever the
//!   case, accents and punctuation (`ANA`, `Ana`, `ána.`), through the
//!   person's aliases, or by first name or surname alone when only one
//!   person has it; a name two people answer to is ambiguous, and a
//!   speaker nobody answers to is `unknown`;
//! - a row naming a clip covers that clip, and with a range only the
//!   frames of that range (a restriction on that span); a row naming a
//!   day and no clip covers the day's clips (a location release);
//! - a release expires after its expiry date, judged on `as_of` (today, or
//!   the day the user gives);
//! - the worst status wins: `refused` > `expired` > `restricted` >
//!   `pending` > `unknown` > `cleared`; a span nothing covers is `unknown`.
//!
//! Computed when a hit is read, from the log as it is then: a new log
//! changes every status without touching the index.

use std::collections::HashMap;

use serde::Serialize;

use crate::clip::{Clip, Segment};
use crate::releases::{Release, ReleaseLog, ReleaseType, Status};
use crate::resolve::resolve_clip;
use crate::text::fold_latin;
use crate::timecode::Timecode;

/// The clearance of one span: the `clearance` of every hit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Clearance {
    /// The worst status of everything that covers the span.
    pub status: Status,
    /// The people heard or covered, once each, in the order met.
    pub people: Vec<PersonClearance>,
    /// Why the span is not cleared, one sentence per cause.
    pub reasons: Vec<String>,
    /// Whether the library has a release log at all: without one every
    /// span is `unknown`, and front ends need not say so on every line.
    pub release_log: bool,
}

/// One person of a [`Clearance`]: the name as the log writes it (or the
/// speaker's, for someone with no release), their status and the form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PersonClearance {
    pub name: String,
    pub status: Status,
    pub form: Option<String>,
}

/// What a clearance was made of, for a report that lists the rows.
#[derive(Clone, Debug)]
pub struct Assessment<'a> {
    pub clearance: Clearance,
    /// The rows that apply, in the log's order.
    pub rows: Vec<&'a Release>,
}

/// `name` folded for comparison: lower case, accents of Latin letters
/// dropped, every run of punctuation and space one space (`SPEAKER_00`
/// and `Speaker 00` are one name).
pub fn name_key(name: &str) -> String {
    let folded: String = name
        .chars()
        .map(fold_latin)
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Who a speaker's name is among the log's people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpeakerMatch {
    /// The index of the person in [`Judge::people`].
    One(usize),
    None,
    /// Two people or more answer to it.
    Ambiguous(Vec<usize>),
}

/// A person of the log: the rows (release or appearance) under one name.
#[derive(Clone, Debug)]
pub struct Person {
    /// As the first of their rows writes it.
    pub name: String,
    /// Indexes into the log's releases.
    pub rows: Vec<usize>,
}

/// The release log made ready to judge spans against, on one day.
#[derive(Clone, Debug)]
pub struct Judge {
    releases: Vec<Release>,
    has_log: bool,
    as_of: String,
    people: Vec<Person>,
    /// Full names and aliases (folded) → people.
    by_name: HashMap<String, Vec<usize>>,
    /// First names and surnames (folded) → people.
    by_part: HashMap<String, Vec<usize>>,
    /// Rows that name a clip, or a day and no clip.
    clip_rows: Vec<usize>,
    day_rows: Vec<usize>,
}

impl Judge {
    /// The judge of `log` (none imported: every span is `unknown`) on day
    /// `as_of` (`YYYY-MM-DD`).
    pub fn new(log: Option<&ReleaseLog>, as_of: &str) -> Judge {
        let releases = log.map(|l| l.releases.clone()).unwrap_or_default();
        let mut judge = Judge {
            has_log: log.is_some(),
            as_of: as_of.to_string(),
            people: Vec::new(),
            by_name: HashMap::new(),
            by_part: HashMap::new(),
            clip_rows: Vec::new(),
            day_rows: Vec::new(),
            releases: Vec::new(),
        };
        let mut person_of_key: HashMap<String, usize> = HashMap::new();
        for (i, r) in releases.iter().enumerate() {
            if r.clip.is_some() {
                judge.clip_rows.push(i);
            } else if r.day.is_some() {
                judge.day_rows.push(i);
            }
            let Some(name) = r.name.as_deref().filter(|_| r.is_person()) else { continue };
            let key = name_key(name);
            if key.is_empty() {
                continue;
            }
            let p = *person_of_key.entry(key.clone()).or_insert_with(|| {
                judge.people.push(Person { name: name.to_string(), rows: Vec::new() });
                judge.people.len() - 1
            });
            judge.people[p].rows.push(i);
            for alias in std::iter::once(key.clone()).chain(r.aliases.iter().map(|a| name_key(a))) {
                add_once(judge.by_name.entry(alias).or_default(), p);
            }
            let parts: Vec<&str> = key.split(' ').collect();
            if parts.len() > 1 {
                for part in [parts[0], parts[parts.len() - 1]] {
                    add_once(judge.by_part.entry(part.to_string()).or_default(), p);
                }
            }
        }
        judge.releases = releases;
        judge
    }

    /// Whether a release log was imported (without one every span is
    /// `unknown`, and nothing is marked in an export).
    pub fn has_log(&self) -> bool {
        self.has_log
    }

    pub fn as_of(&self) -> &str {
        &self.as_of
    }

    pub fn people(&self) -> &[Person] {
        &self.people
    }

    pub fn releases(&self) -> &[Release] {
        &self.releases
    }

    /// The person a speaker's name means: by full name or alias, else by a
    /// first name or surname that only one person has.
    pub fn speaker(&self, speaker: &str) -> SpeakerMatch {
        let key = name_key(speaker);
        let found = self.by_name.get(&key).or_else(|| self.by_part.get(&key));
        match found.map(Vec::as_slice) {
            None | Some([]) => SpeakerMatch::None,
            Some([one]) => SpeakerMatch::One(*one),
            Some(many) => SpeakerMatch::Ambiguous(many.to_vec()),
        }
    }

    /// A person's status: the worst of their releases that are not tied to
    /// a clip or a day (those apply to their clips), or of all their rows
    /// when every one is.
    fn person_status(&self, p: usize) -> (Status, Option<usize>) {
        let rows = &self.people[p].rows;
        let general: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|&i| self.releases[i].clip.is_none() && self.releases[i].day.is_none())
            .collect();
        let pick = if general.is_empty() { rows.as_slice() } else { general.as_slice() };
        pick.iter()
            .map(|&i| (self.releases[i].status_on(&self.as_of), i))
            .max_by_key(|&(s, i)| (s, std::cmp::Reverse(i)))
            .map_or((Status::Unknown, None), |(s, i)| (s, Some(i)))
    }

    /// The clearance of a span of `clip` (`frames`: `[in, out)` from the
    /// clip's first frame; `None` for the whole clip or a span without
    /// frames) in which `speakers` are heard.
    pub fn clearance(&self, clip: Option<&Clip>, frames: Option<(u64, u64)>, speakers: &[&str]) -> Clearance {
        self.assess(clip, frames, speakers).clearance
    }

    /// [`Judge::clearance`] with the rows it applied.
    pub fn assess(&self, clip: Option<&Clip>, frames: Option<(u64, u64)>, speakers: &[&str]) -> Assessment<'_> {
        let mut parts = Parts::default();
        for &speaker in speakers {
            if speaker.trim().is_empty() {
                continue;
            }
            match self.speaker(speaker) {
                SpeakerMatch::One(p) => self.add_person(&mut parts, p),
                SpeakerMatch::None => {
                    parts.person(speaker.trim(), Status::Unknown, None);
                    parts.add(Status::Unknown, format!("{}: no release", speaker.trim()));
                }
                SpeakerMatch::Ambiguous(many) => {
                    parts.person(speaker.trim(), Status::Unknown, None);
                    parts.add(Status::Unknown, format!("{}: {}", speaker.trim(), self.ambiguity(&many)));
                }
            }
        }
        if let Some(clip) = clip {
            for &i in &self.clip_rows {
                let r = &self.releases[i];
                if let Some(reason) = self.covers(r, clip, frames) {
                    self.add_row(&mut parts, i, reason);
                }
            }
            for &i in &self.day_rows {
                if clip.day.is_some() && clip.day == self.releases[i].day {
                    let day = self.releases[i].day.clone().unwrap_or_default();
                    self.add_row(&mut parts, i, day);
                }
            }
        }
        if parts.statuses.is_empty() {
            let why = if self.has_log {
                "nothing in the release log covers this"
            } else {
                "no release log in the library (rushes import LOG.csv)"
            };
            parts.add(Status::Unknown, why.to_string());
        }
        let status = parts.statuses.iter().copied().max().unwrap_or(Status::Unknown);
        parts.rows.sort_unstable();
        parts.rows.dedup();
        Assessment {
            clearance: Clearance { status, people: parts.people, reasons: parts.reasons, release_log: self.has_log },
            rows: parts.rows.iter().map(|&i| &self.releases[i]).collect(),
        }
    }

    /// `matches 2 people in the log: Ana Ruiz (line 3), Ana Gomez (line 5)`.
    pub fn ambiguity(&self, people: &[usize]) -> String {
        let listed: Vec<String> = people
            .iter()
            .map(|&p| {
                let person = &self.people[p];
                let line = person.rows.first().map_or(0, |&i| self.releases[i].line);
                format!("{} (line {line})", person.name)
            })
            .collect();
        format!("matches {} people in the log: {}", people.len(), listed.join(", "))
    }

    fn add_person(&self, parts: &mut Parts, p: usize) {
        let (status, row) = self.person_status(p);
        let name = &self.people[p].name;
        let row = row.map(|i| (i, &self.releases[i]));
        parts.person(name, status, row.and_then(|(_, r)| r.form.clone()));
        if let Some((i, r)) = row {
            parts.rows.push(i);
            parts.add(status, format!("{name}: {}", row_state(r, status)));
        }
    }

    fn add_row(&self, parts: &mut Parts, i: usize, place: String) {
        let r = &self.releases[i];
        let status = r.status_on(&self.as_of);
        // A location or materials release is a row, not a person.
        let a_place = matches!(r.release_type, Some(ReleaseType::Location | ReleaseType::Materials));
        if r.is_person()
            && !a_place
            && let Some(name) = &r.name
        {
            parts.person(name, status, r.form.clone());
        }
        parts.rows.push(i);
        let what = if r.is_person() || r.clip.is_none() { r.label() } else { item_label(r) };
        let state = row_state(r, status);
        let reason = if what.is_empty() { format!("{place} {state}") } else { format!("{place} {what}: {state}") };
        parts.add(status, reason);
    }

    /// Whether row `r` (naming a clip) covers `frames` of `clip`, and how
    /// to name the place in a reason (`A012C004.MOV 10:02:10:00-10:02:20:00`).
    fn covers(&self, r: &Release, clip: &Clip, frames: Option<(u64, u64)>) -> Option<String> {
        let want = r.clip.as_deref()?;
        resolve_clip(want, std::slice::from_ref(clip)).ok()?;
        let (Some(tc_in), Some(tc_out)) = (&r.tc_in, &r.tc_out) else {
            return Some(clip.name.clone());
        };
        let range = clip.tc_format().zip(clip.start()).and_then(|(format, start)| {
            let at = |t: &str| Timecode::parse_in(t.trim(), format).ok().map(|tc| tc.frames_since(start));
            Some((at(tc_in)?, at(tc_out)?))
        });
        match (range, frames) {
            // A range that does not read at the clip's rate covers all of it:
            // a restriction is never dropped by a typo.
            (None, _) => Some(format!("{} {tc_in}-{tc_out} (not a span of this clip, so all of it)", clip.name)),
            (Some((a, b)), Some((i, o))) if !(a < o && i < b) => None,
            _ => Some(format!("{} {tc_in}-{tc_out}", clip.name)),
        }
    }
}

/// How the log meets the library: what an import of the log reports.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Linking {
    /// People no speaker and no clip of the library names: information,
    /// not an error (they may be in footage still to come).
    pub unattached: Vec<LogName>,
    /// Speakers two people of the log answer to, with both rows.
    pub ambiguous: Vec<AmbiguousSpeaker>,
    /// Speakers heard in the library that no row names: `unknown`.
    pub without_release: Vec<String>,
    /// Rows naming a clip the library does not hold.
    pub clips_not_found: Vec<LogName>,
}

/// What importing a release log did: the rows kept, their statuses as
/// logged, the log it replaced, and how it meets the library.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReleaseImport {
    pub path: String,
    pub rows: usize,
    /// Rows per status as logged (expiry is judged when a span is read).
    pub statuses: std::collections::BTreeMap<Status, usize>,
    /// The file of the log this one replaced.
    pub replaced: Option<String>,
    #[serde(flatten)]
    pub linking: Linking,
}

/// A name in the log and its row's line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogName {
    pub name: String,
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AmbiguousSpeaker {
    pub speaker: String,
    pub candidates: Vec<LogName>,
}

impl Judge {
    /// How the log meets `clips` and the speakers heard in them.
    pub fn linking(&self, clips: &[Clip]) -> Linking {
        let mut linking = Linking::default();
        let mut attached = vec![false; self.people.len()];
        let mut speakers: Vec<&str> = clips.iter().flat_map(|c| c.speakers.iter().map(String::as_str)).collect();
        speakers.sort_unstable();
        speakers.dedup();
        for speaker in speakers {
            match self.speaker(speaker) {
                SpeakerMatch::One(p) => attached[p] = true,
                SpeakerMatch::None => linking.without_release.push(speaker.to_string()),
                SpeakerMatch::Ambiguous(many) => {
                    let candidates = many.iter().map(|&p| self.log_name(p)).collect();
                    linking.ambiguous.push(AmbiguousSpeaker { speaker: speaker.to_string(), candidates });
                }
            }
        }
        for &i in &self.clip_rows {
            let r = &self.releases[i];
            let want = r.clip.as_deref().unwrap_or_default();
            if crate::resolve::candidates(want, clips).is_empty() {
                linking.clips_not_found.push(LogName { name: want.to_string(), line: r.line });
            } else if let Some(p) = self.people.iter().position(|p| p.rows.contains(&i)) {
                attached[p] = true;
            }
        }
        for &i in &self.day_rows {
            let day = self.releases[i].day.as_deref();
            if clips.iter().any(|c| c.day.as_deref() == day)
                && let Some(p) = self.people.iter().position(|p| p.rows.contains(&i))
            {
                attached[p] = true;
            }
        }
        for (p, _) in attached.iter().enumerate().filter(|(_, a)| !**a) {
            linking.unattached.push(self.log_name(p));
        }
        linking
    }

    fn log_name(&self, p: usize) -> LogName {
        let person = &self.people[p];
        LogName { name: person.name.clone(), line: person.rows.first().map_or(0, |&i| self.releases[i].line) }
    }
}

fn add_once(list: &mut Vec<usize>, p: usize) {
    if !list.contains(&p) {
        list.push(p);
    }
}

/// `Pond5 PD-88121 (archive)`: what an item row names, for a reason.
fn item_label(r: &Release) -> String {
    if !r.is_item() {
        return r.name.clone().unwrap_or_default();
    }
    let kind = r.release_type.map(|t| format!(" ({})", t.name())).unwrap_or_default();
    format!("{}{kind}", r.label())
}

/// What a row says of its status: `release pending`, `release expired
/// 2026-04-01`, `restricted: not for use in advertising`.
fn row_state(r: &Release, status: Status) -> String {
    let noun = if r.is_item() { "licence" } else { "release" };
    match status {
        Status::Expired => format!("{noun} expired {}", r.expires.as_deref().unwrap_or("")).trim_end().to_string(),
        Status::Restricted => match &r.restrictions {
            Some(what) => format!("restricted: {what}"),
            None => "restricted".to_string(),
        },
        s => format!("{noun} {s}"),
    }
}

/// A clearance as it is put together.
#[derive(Default)]
struct Parts {
    statuses: Vec<Status>,
    people: Vec<PersonClearance>,
    reasons: Vec<String>,
    rows: Vec<usize>,
}

impl Parts {
    /// A status, and its reason unless it is cleared; each reason once.
    fn add(&mut self, status: Status, reason: String) {
        self.statuses.push(status);
        if status != Status::Cleared && !self.reasons.contains(&reason) {
            self.reasons.push(reason);
        }
    }

    /// A person, once (the worst status met wins).
    fn person(&mut self, name: &str, status: Status, form: Option<String>) {
        match self.people.iter_mut().find(|p| p.name == name) {
            Some(p) if status > p.status => {
                p.status = status;
                p.form = form.or(p.form.take());
            }
            Some(_) => {}
            None => self.people.push(PersonClearance { name: name.to_string(), status, form }),
        }
    }
}

/// Who is heard where a note sits on `clip`: the note's own speaker, and
/// the speaker of every cue of the clip's transcript (`cues`) at its
/// frames; a note that marks no frame covers the whole clip and everyone
/// heard in it. A note on a bite is no more cleared than the people
/// speaking in it.
pub fn heard_at<'a>(
    own: Option<&'a str>,
    frames: Option<(u64, u64)>,
    cues: &'a [Segment],
    clip: &'a Clip,
) -> Vec<&'a str> {
    let mut heard: Vec<&str> = own.into_iter().collect();
    match frames {
        Some((from, to)) => heard.extend(
            cues.iter()
                .filter(|c| c.frame_in.zip(c.frame_out).is_some_and(|(a, b)| a < to && from < b))
                .filter_map(|c| c.speaker.as_deref()),
        ),
        None => heard.extend(clip.speakers.iter().map(String::as_str)),
    }
    heard.sort_unstable();
    heard.dedup();
    heard
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::releases::{Outcome, Taken, parse};

    fn judge(log: &str, as_of: &str) -> Judge {
        let Outcome::Log { releases, .. } = parse(log.as_bytes(), "csv", None, Taken::ByColumns) else {
            panic!("a log")
        };
        let log = ReleaseLog {
            path: "/log.csv".into(),
            hash: String::new(),
            encoding: "UTF-8".into(),
            releases,
            diagnostics: Vec::new(),
        };
        Judge::new(Some(&log), as_of)
    }

    /// A 25 fps clip starting at 10:02:00:00, 60 s long, shot on 2026-03-14.
    fn clip(name: &str) -> Clip {
        let json = serde_json::json!({
            "id": format!("id-{name}"), "name": name, "path": format!("/dump/{name}"), "rel_path": name,
            "root": "/dump", "container": "mov", "duration_s": 60.0, "n_frames": 1500, "fps": "25",
            "rate": "25/1", "drop_frame": false, "start_tc": "10:02:00:00", "end_tc": "10:03:00:00",
            "start_tc_source": "tmcd", "size": 1, "mtime_ns": 0, "offline": false, "day": "2026-03-14",
        });
        serde_json::from_value(json).unwrap_or_else(|e| panic!("a clip record: {e}"))
    }

    fn statuses(c: &Clearance) -> (Status, Vec<(&str, Status)>) {
        (c.status, c.people.iter().map(|p| (p.name.as_str(), p.status)).collect())
    }

    const LOG: &str = "Name,AKA,Type,Status,Expires,Form,Clip,TC In,TC Out,Conditions,Vendor,Item,Fee,Day\n\
        Ana Ruiz,,interview,signed,,forms/ana.pdf,,,,,,,,\n\
        José Pérez,Pepe,interview,sent,,,,,,,,,,\n\
        Tom Baker,,interview,signed,2026-04-01,,,,,,,,,\n\
        Ana Gomez,,appearance,declined,,,,,,,,,,\n\
        Lu Chen,,interview,conditional,,,,,,no broadcast in China,,,,\n\
        ,,restricted,restricted,,,A012C004.MOV,10:02:10:00,10:02:20:00,not for use in advertising,,,,\n\
        ,,archive,pending,,,NIGHT0001.MP4,,,,Pond5,PD-88121,450,\n\
        Harbour Café,,location,signed,,,,,,,,,,2026-03-14\n";

    #[test]
    fn names_match_whatever_the_case_accents_and_punctuation() {
        let j = judge(LOG, "2026-03-20");
        let name = |m: SpeakerMatch| match m {
            SpeakerMatch::One(p) => j.people()[p].name.clone(),
            other => format!("{other:?}"),
        };
        assert_eq!(name(j.speaker("ANA RUIZ")), "Ana Ruiz");
        assert_eq!(name(j.speaker("jose perez.")), "José Pérez");
        assert_eq!(name(j.speaker("PEPE")), "José Pérez");
        // A surname or a first name only one person has.
        assert_eq!(name(j.speaker("Baker")), "Tom Baker");
        assert_eq!(name(j.speaker("TOM")), "Tom Baker");
        assert_eq!(name(j.speaker("Ruiz")), "Ana Ruiz");
        // Two people are called Ana.
        assert_eq!(j.speaker("ANA"), SpeakerMatch::Ambiguous(vec![0, 3]));
        assert_eq!(j.speaker("SPEAKER_00"), SpeakerMatch::None);
        assert_eq!(name_key(" SPEAKER_00 "), name_key("Speaker 00"));
    }

    #[test]
    fn each_status_and_its_reason() {
        let j = judge(LOG, "2026-03-20");
        let c = j.clearance(None, None, &["Ana Ruiz"]);
        assert_eq!(statuses(&c), (Status::Cleared, vec![("Ana Ruiz", Status::Cleared)]));
        assert_eq!((c.reasons.len(), c.people[0].form.as_deref()), (0, Some("forms/ana.pdf")));
        let c = j.clearance(None, None, &["Pepe"]);
        assert_eq!((c.status, c.reasons), (Status::Pending, vec!["José Pérez: release pending".to_string()]));
        let c = j.clearance(None, None, &["Ana Gomez"]);
        assert_eq!((c.status, c.reasons), (Status::Refused, vec!["Ana Gomez: release refused".to_string()]));
        let c = j.clearance(None, None, &["Lu Chen"]);
        assert_eq!(c.reasons, ["Lu Chen: restricted: no broadcast in China"]);
        let c = j.clearance(None, None, &["SPEAKER 1"]);
        assert_eq!((c.status, c.reasons), (Status::Unknown, vec!["SPEAKER 1: no release".to_string()]));
        let c = j.clearance(None, None, &["Ana"]);
        assert_eq!(
            (c.status, c.reasons),
            (
                Status::Unknown,
                vec!["Ana: matches 2 people in the log: Ana Ruiz (line 2), Ana Gomez (line 5)".to_string()]
            )
        );
        // Nothing covers a span without speakers or rows.
        let c = j.clearance(None, None, &[]);
        assert_eq!((c.status, c.reasons), (Status::Unknown, vec!["nothing in the release log covers this".into()]));
        let none = Judge::new(None, "2026-03-20").clearance(None, None, &["Ana Ruiz"]);
        assert_eq!(none.status, Status::Unknown);
    }

    #[test]
    fn the_worst_status_wins() {
        let j = judge(LOG, "2026-03-20");
        for (speakers, want) in [
            (vec!["Ana Ruiz", "SPEAKER 1"], Status::Unknown),
            (vec!["SPEAKER 1", "Pepe"], Status::Pending),
            (vec!["Pepe", "Lu Chen"], Status::Restricted),
            (vec!["Lu Chen", "Ana Gomez", "Ana Ruiz"], Status::Refused),
        ] {
            assert_eq!(j.clearance(None, None, &speakers).status, want, "{speakers:?}");
        }
        let later = judge(LOG, "2026-05-01");
        assert_eq!(later.clearance(None, None, &["Tom", "Lu Chen"]).status, Status::Expired);
        assert_eq!(later.clearance(None, None, &["Tom", "Ana Gomez"]).status, Status::Refused);
    }

    #[test]
    fn expiry_is_judged_on_the_day_given() {
        let c = judge(LOG, "2026-04-01").clearance(None, None, &["Tom"]);
        assert_eq!(c.status, Status::Cleared);
        let c = judge(LOG, "2026-04-02").clearance(None, None, &["Tom"]);
        assert_eq!((c.status, c.reasons), (Status::Expired, vec!["Tom Baker: release expired 2026-04-01".into()]));
    }

    #[test]
    fn a_range_covers_only_its_frames() {
        let j = judge(LOG, "2026-03-20");
        let a012 = clip("A012C004.MOV");
        // 10:02:10:00 is frame 250, 10:02:20:00 frame 500 (exclusive).
        let inside = j.clearance(Some(&a012), Some((300, 320)), &["Ana Ruiz"]);
        assert_eq!(inside.status, Status::Restricted);
        assert_eq!(inside.reasons, ["A012C004.MOV 10:02:10:00-10:02:20:00 restricted: not for use in advertising"]);
        assert_eq!(j.clearance(Some(&a012), Some((240, 251)), &["Ana Ruiz"]).status, Status::Restricted);
        assert_eq!(j.clearance(Some(&a012), Some((500, 600)), &["Ana Ruiz"]).status, Status::Cleared);
        assert_eq!(j.clearance(Some(&a012), Some((0, 250)), &["Ana Ruiz"]).status, Status::Cleared);
        // The whole clip holds the range.
        assert_eq!(j.clearance(Some(&a012), None, &[]).status, Status::Restricted);
    }

    #[test]
    fn clip_and_day_rows_cover_their_clips() {
        let j = judge(LOG, "2026-03-20");
        let night = clip("NIGHT0001.MP4");
        let a = j.assess(Some(&night), None, &[]);
        assert_eq!(a.clearance.status, Status::Pending);
        assert_eq!(a.clearance.reasons, ["NIGHT0001.MP4 Pond5 PD-88121 (archive): licence pending"]);
        let fees: Vec<Option<&str>> = a.rows.iter().map(|r| r.fee.as_deref()).collect();
        assert_eq!(fees, [Some("450"), None]);
        let mut heard = clip("C0001.MP4");
        heard.speakers = vec!["ANA".into(), "Pepe".into(), "SPEAKER 1".into()];
        let linking = j.linking(&[heard, clip("NIGHT0001.MP4")]);
        let names = |l: &[LogName]| l.iter().map(|n| format!("{}:{}", n.name, n.line)).collect::<Vec<_>>();
        assert_eq!(names(&linking.unattached), ["Ana Ruiz:2", "Tom Baker:4", "Ana Gomez:5", "Lu Chen:6"]);
        assert_eq!(names(&linking.clips_not_found), ["A012C004.MOV:7"]);
        assert_eq!(linking.without_release, ["SPEAKER 1"]);
        assert_eq!(
            (linking.ambiguous[0].speaker.as_str(), names(&linking.ambiguous[0].candidates)),
            ("ANA", vec!["Ana Ruiz:2".to_string(), "Ana Gomez:5".to_string()])
        );
        // The location release of the day covers any clip shot that day.
        let other = clip("C0002.MP4");
        let c = j.assess(Some(&other), None, &[]);
        assert_eq!(statuses(&c.clearance), (Status::Cleared, vec![]));
        assert_eq!(c.rows.iter().map(|r| r.label()).collect::<Vec<_>>(), ["Harbour Café"]);
    }
}
