//! The shoot-day log (`rushes report day D`): what a day's cards hold, for
//! the production office at wrap. Cameras and their reels; each clip with
//! its timecode in and out, duration and rate, and its transcript
//! coverage (cues, speakers, minutes of speech covered); the shoot notes in
//! timecode order; the notes of the day that landed on no clip; and what
//! went wrong: the files the last ingest of the day's folders could not
//! read ([`crate::failures`]), clips cataloged with a warning, offline
//! clips, transcripts that match no clip, and lines of the day's
//! transcripts and notes files their readers passed over or doubted.
//!
//! [`DayLog`] is the `--format json` shape; [`write_html`] (print CSS,
//! A4 and Letter) and [`write_csv`] (one row per item, a `kind` column) are
//! its two documents.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::clip::{Clip, Segment};
use crate::export::edl::duration_label;
use crate::export::script::{html_escape, page};
use crate::export::table::push_row;
use crate::failures::{FailedFile, Failures, FailuresError};
use crate::import::{SourceKind, SourceRecord};
use crate::library::{IndexError, Library};

/// One shoot day's log.
#[derive(Clone, Debug, Serialize)]
pub struct DayLog {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub cameras: Vec<CameraRow>,
    pub clips: Vec<ClipRow>,
    /// Notes placed on the day's clips, by clip then timecode.
    pub notes: Vec<NoteRow>,
    /// Notes of the day that landed on no clip, with why.
    pub unplaced: Vec<NoteRow>,
    /// Files the last ingest of the day's folders could not read.
    pub failures: Vec<FailedFile>,
    /// Everything else to look at: `source: reason`.
    pub warnings: Vec<Warning>,
}

/// A camera (or the sound recorder) on the day.
#[derive(Clone, Debug, Serialize)]
pub struct CameraRow {
    pub camera: String,
    pub reels: Vec<String>,
    pub clips: usize,
    /// Seconds of media, and of it covered by transcript cues.
    pub seconds: f64,
    pub transcribed_seconds: f64,
}

/// A clip of the day.
#[derive(Clone, Debug, Serialize)]
pub struct ClipRow {
    pub clip: String,
    pub clip_id: String,
    pub path: String,
    pub camera: Option<String>,
    pub reel: Option<String>,
    /// `29.97 DF`, or `-` for a clip without a frame rate.
    pub fps: String,
    pub tc_in: Option<String>,
    pub tc_out: Option<String>,
    /// In the clip's labelling (`00:00:02;00`), or seconds without a rate.
    pub duration: String,
    pub seconds: f64,
    pub cues: usize,
    pub speakers: Vec<String>,
    /// Seconds covered by at least one cue (overlaps counted once).
    pub transcribed_seconds: f64,
    pub notes: usize,
    pub offline: bool,
    pub warnings: Vec<String>,
}

/// A shoot note.
#[derive(Clone, Debug, Serialize)]
pub struct NoteRow {
    pub clip: Option<String>,
    pub tc: Option<String>,
    pub text: String,
    /// `file:line`.
    pub source: String,
    /// Why it landed on no clip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Something to look at, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub source: String,
    pub reason: String,
}

/// Why there is no day log.
#[derive(Debug, thiserror::Error)]
pub enum DayLogError {
    #[error("no clip of {day} in the library (see `rushes clips`)")]
    NoClips { day: String },
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Failures(#[from] FailuresError),
}

/// Seconds covered by at least one of `cues`.
fn covered(cues: &[Segment]) -> f64 {
    let mut spans: Vec<(f64, f64)> = cues
        .iter()
        .filter(|c| c.offset_in_s.is_finite() && c.offset_out_s.is_finite() && c.offset_out_s > c.offset_in_s)
        .map(|c| (c.offset_in_s, c.offset_out_s))
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut total = 0.0;
    let mut current: Option<(f64, f64)> = None;
    for (a, b) in spans {
        current = match current {
            Some((ca, cb)) if a <= cb => Some((ca, cb.max(b))),
            Some((ca, cb)) => {
                total += cb - ca;
                Some((a, b))
            }
            None => Some((a, b)),
        };
    }
    total + current.map_or(0.0, |(a, b)| b - a)
}

fn clip_row(clip: &Clip, cues: &[Segment], notes: usize) -> ClipRow {
    let (fps, duration) = match (clip.tc_format(), clip.n_frames) {
        (Some(f), Some(n)) => {
            let df = if f.is_drop_frame() { " DF" } else { "" };
            (format!("{}{df}", f.rate().label()), duration_label(n, f))
        }
        _ => ("-".to_string(), format!("{:.3} s", clip.duration_s)),
    };
    let mut speakers: Vec<String> = Vec::new();
    for who in cues.iter().filter_map(|c| c.speaker.as_ref()) {
        if !speakers.iter().any(|s| s.eq_ignore_ascii_case(who)) {
            speakers.push(who.clone());
        }
    }
    ClipRow {
        clip: clip.name.clone(),
        clip_id: clip.id.clone(),
        path: clip.path.clone(),
        camera: clip.camera.clone(),
        reel: clip.reel.clone().or(clip.tape.clone()),
        fps,
        tc_in: clip.tc.start_label(),
        tc_out: clip.tc.end_label(),
        duration,
        seconds: clip.duration_s,
        cues: cues.len(),
        speakers,
        transcribed_seconds: covered(cues),
        notes,
        offline: clip.offline,
        warnings: clip.warnings.clone(),
    }
}

/// The log of `day` (`YYYY-MM-DD`), read from one snapshot.
pub fn of_day(lib: &Library, day: &str) -> Result<DayLog, DayLogError> {
    let snap = lib.snapshot()?;
    let mut clips: Vec<Clip> = snap.clips()?.into_iter().filter(|c| c.day.as_deref() == Some(day)).collect();
    if clips.is_empty() {
        return Err(DayLogError::NoClips { day: day.to_string() });
    }
    let tc_key = |c: &Clip| c.tc.start_label().unwrap_or_default().replace(';', ":");
    clips.sort_by(|a, b| (&a.camera, tc_key(a), &a.path).cmp(&(&b.camera, tc_key(b), &b.path)));
    let mut rows = Vec::with_capacity(clips.len());
    let mut notes = Vec::new();
    let mut warnings = Vec::new();
    for clip in &clips {
        let cues = snap.segments_of_clip(&clip.id)?;
        let mut placed = snap.notes_of_clip(&clip.id)?;
        placed.sort_by(|a, b| {
            a.offset_s.unwrap_or(-1.0).total_cmp(&b.offset_s.unwrap_or(-1.0)).then(a.line.cmp(&b.line))
        });
        rows.push(clip_row(clip, &cues, placed.len()));
        for n in placed {
            notes.push(NoteRow {
                clip: Some(clip.name.clone()),
                tc: n.tc_in.clone().or(n.tc.clone()),
                text: n.text,
                source: format!("{}:{}", n.source, n.line),
                reason: None,
            });
        }
        for w in &clip.warnings {
            warnings.push(Warning { source: clip.path.clone(), reason: w.clone() });
        }
        if clip.offline {
            warnings.push(Warning { source: clip.path.clone(), reason: "offline: the file is gone".to_string() });
        }
    }
    let ids: Vec<&str> = clips.iter().map(|c| c.id.as_str()).collect();
    let mut unplaced = Vec::new();
    for record in snap.sources::<SourceRecord>()? {
        let on_day =
            record.options.day.as_deref() == Some(day) || record.clip_id.as_deref().is_some_and(|id| ids.contains(&id));
        if record.kind == SourceKind::Notes {
            for n in snap.notes_of_source(&record.id)? {
                if n.clip_id.is_none() && n.day.as_deref().or(record.options.day.as_deref()) == Some(day) {
                    unplaced.push(NoteRow {
                        clip: None,
                        tc: n.tc.clone(),
                        text: n.text,
                        source: format!("{}:{}", n.source, n.line),
                        reason: n.reason,
                    });
                }
            }
        }
        if !on_day {
            continue;
        }
        if let Some(reason) = &record.unmatched {
            warnings
                .push(Warning { source: record.path.clone(), reason: format!("transcript not attached: {reason}") });
        }
        for (line, reason) in &record.diagnostics {
            let source = if *line > 0 { format!("{}:{line}", record.path) } else { record.path.clone() };
            warnings.push(Warning { source, reason: reason.clone() });
        }
    }
    unplaced.sort_by(|a, b| a.source.cmp(&b.source));
    let failures: Vec<FailedFile> =
        Failures::open(&lib.dir).list()?.into_iter().filter(|f| f.day.as_deref() == Some(day)).collect();
    let mut cameras: BTreeMap<String, CameraRow> = BTreeMap::new();
    for r in &rows {
        let name = r.camera.clone().unwrap_or_else(|| "-".to_string());
        let cam = cameras.entry(name.clone()).or_insert(CameraRow {
            camera: name,
            reels: Vec::new(),
            clips: 0,
            seconds: 0.0,
            transcribed_seconds: 0.0,
        });
        cam.clips += 1;
        cam.seconds += r.seconds;
        cam.transcribed_seconds += r.transcribed_seconds;
        if let Some(reel) = &r.reel
            && !cam.reels.contains(reel)
        {
            cam.reels.push(reel.clone());
        }
    }
    Ok(DayLog {
        day: day.to_string(),
        cameras: cameras.into_values().collect(),
        clips: rows,
        notes,
        unplaced,
        failures,
        warnings,
    })
}

/// `12:34` (minutes and seconds) of `seconds`, rounded to the second.
pub fn minutes(seconds: f64) -> String {
    let s = if seconds.is_finite() && seconds > 0.0 { seconds.round() as u64 } else { 0 };
    format!("{}:{:02}", s / 60, s % 60)
}

fn dash(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("-")
}

/// The log as one HTML page: a table per section, print CSS for A4 and
/// Letter (no row split across pages).
pub fn write_html(log: &DayLog) -> String {
    let mut body = String::new();
    let total: f64 = log.clips.iter().map(|c| c.seconds).sum();
    let words: f64 = log.clips.iter().map(|c| c.transcribed_seconds).sum();
    body.push_str(&format!(
        "<p class=\"sub\">{} clips, {} of media, {} transcribed; {} notes, {} unplaced; {} files not read</p>\n",
        log.clips.len(),
        minutes(total),
        minutes(words),
        log.notes.len(),
        log.unplaced.len(),
        log.failures.len()
    ));
    let table = |body: &mut String, heading: &str, head: &[&str], rows: Vec<Vec<String>>| {
        body.push_str(&format!("<h2>{}</h2>\n", html_escape(heading)));
        if rows.is_empty() {
            body.push_str("<p class=\"detail\">none</p>\n");
            return;
        }
        body.push_str("<table>\n<tr>");
        for h in head {
            body.push_str(&format!("<th>{}</th>", html_escape(h)));
        }
        body.push_str("</tr>\n");
        for row in rows {
            body.push_str("<tr>");
            for cell in row {
                body.push_str(&format!("<td>{}</td>", html_escape(&cell)));
            }
            body.push_str("</tr>\n");
        }
        body.push_str("</table>\n");
    };
    let cameras = log
        .cameras
        .iter()
        .map(|c| {
            vec![
                c.camera.clone(),
                c.reels.join(", "),
                c.clips.to_string(),
                minutes(c.seconds),
                minutes(c.transcribed_seconds),
            ]
        })
        .collect();
    table(&mut body, "Cameras and reels", &["camera", "reels", "clips", "media", "transcribed"], cameras);
    let clips = log
        .clips
        .iter()
        .map(|c| {
            let mut flags = c.warnings.clone();
            if c.offline {
                flags.insert(0, "offline".to_string());
            }
            vec![
                dash(&c.camera).to_string(),
                dash(&c.reel).to_string(),
                c.clip.clone(),
                c.fps.clone(),
                dash(&c.tc_in).to_string(),
                dash(&c.tc_out).to_string(),
                c.duration.clone(),
                c.cues.to_string(),
                c.speakers.join(", "),
                minutes(c.transcribed_seconds),
                c.notes.to_string(),
                flags.join("; "),
            ]
        })
        .collect();
    table(
        &mut body,
        "Clips",
        &[
            "camera",
            "reel",
            "clip",
            "fps",
            "TC in",
            "TC out",
            "duration",
            "cues",
            "speakers",
            "transcribed",
            "notes",
            "warnings",
        ],
        clips,
    );
    let notes = |list: &[NoteRow]| -> Vec<Vec<String>> {
        list.iter()
            .map(|n| {
                let mut row = vec![dash(&n.clip).to_string(), dash(&n.tc).to_string(), n.text.replace('\n', " / ")];
                if let Some(r) = &n.reason {
                    row.push(r.clone());
                }
                row.push(n.source.clone());
                row
            })
            .collect()
    };
    table(&mut body, "Notes", &["clip", "TC", "note", "from"], notes(&log.notes));
    table(&mut body, "Notes on no clip", &["clip", "TC", "note", "why", "from"], notes(&log.unplaced));
    let failures = log.failures.iter().map(|f| vec![f.path.clone(), f.reason.clone()]).collect();
    table(&mut body, "Files not read", &["file", "why"], failures);
    let warnings = log.warnings.iter().map(|w| vec![w.source.clone(), w.reason.clone()]).collect();
    table(&mut body, "Warnings", &["where", "what"], warnings);
    page(&format!("Shoot day {}", log.day), &body)
}

/// The log as CSV, one row per item: `kind` (`camera`, `clip`, `note`,
/// `unplaced_note`, `failure`, `warning`), then the columns that apply.
pub fn write_csv(log: &DayLog) -> String {
    const HEAD: [&str; 14] = [
        "kind",
        "camera",
        "reel",
        "clip",
        "fps",
        "tc_in",
        "tc_out",
        "duration",
        "cues",
        "speakers",
        "transcribed_s",
        "notes",
        "text",
        "source",
    ];
    let mut out = String::new();
    push_row(&mut out, HEAD.into_iter());
    let mut row = |cells: [String; 14]| push_row(&mut out, cells.iter().map(String::as_str));
    let e = String::new;
    for c in &log.cameras {
        row([
            "camera".into(),
            c.camera.clone(),
            c.reels.join(" "),
            e(),
            e(),
            e(),
            e(),
            format!("{:.3}", c.seconds),
            e(),
            e(),
            format!("{:.3}", c.transcribed_seconds),
            e(),
            if c.clips == 1 { "1 clip".to_string() } else { format!("{} clips", c.clips) },
            e(),
        ]);
    }
    for c in &log.clips {
        let mut text = c.warnings.clone();
        if c.offline {
            text.insert(0, "offline".to_string());
        }
        row([
            "clip".into(),
            c.camera.clone().unwrap_or_default(),
            c.reel.clone().unwrap_or_default(),
            c.clip.clone(),
            c.fps.clone(),
            c.tc_in.clone().unwrap_or_default(),
            c.tc_out.clone().unwrap_or_default(),
            c.duration.clone(),
            c.cues.to_string(),
            c.speakers.join(" / "),
            format!("{:.3}", c.transcribed_seconds),
            c.notes.to_string(),
            text.join("; "),
            c.path.clone(),
        ]);
    }
    for (kind, list) in [("note", &log.notes), ("unplaced_note", &log.unplaced)] {
        for n in list {
            let text = match &n.reason {
                Some(r) => format!("{} ({r})", n.text),
                None => n.text.clone(),
            };
            let mut cells: [String; 14] = Default::default();
            cells[0] = kind.into();
            cells[3] = n.clip.clone().unwrap_or_default();
            cells[5] = n.tc.clone().unwrap_or_default();
            cells[12] = text;
            cells[13] = n.source.clone();
            row(cells);
        }
    }
    for (kind, source, reason) in log
        .failures
        .iter()
        .map(|f| ("failure", &f.path, &f.reason))
        .chain(log.warnings.iter().map(|w| ("warning", &w.source, &w.reason)))
    {
        let mut cells: [String; 14] = Default::default();
        cells[0] = kind.into();
        cells[12] = reason.clone();
        cells[13] = source.clone();
        row(cells);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(a: f64, b: f64) -> Segment {
        Segment {
            clip_id: "c".into(),
            source: "t.srt".into(),
            line: 1,
            n: 0,
            offset_in_s: a,
            offset_out_s: b,
            frame_in: None,
            frame_out: None,
            tc_in: None,
            tc_out: None,
            speaker: None,
            text: String::new(),
            format: None,
        }
    }

    #[test]
    fn coverage_counts_overlapping_cues_once() {
        assert_eq!(covered(&[]), 0.0);
        assert_eq!(covered(&[cue(0.0, 2.0), cue(1.0, 3.0), cue(5.0, 6.0)]), 4.0);
        assert_eq!(covered(&[cue(5.0, 6.0), cue(0.0, 1.0), cue(2.0, 1.0), cue(f64::NAN, 1.0)]), 2.0);
        assert_eq!(minutes(125.4), "2:05");
        assert_eq!(minutes(-3.0), "0:00");
    }
}
