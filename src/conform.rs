//! A finished cut's events matched to the catalog, as a conform does: by
//! the event's media path, then its clip name, then its reel; where several
//! clips answer (every Sony card has a `C0001.MP4`, every clip of a roll
//! shares its reel), the one whose timecode holds the event's source span
//! is taken. Each matched event's span is given as frames of its clip
//! (from the clip's first frame, out exclusive); an event that matches no
//! clip is kept with what it named and why. The clearance report
//! ([`crate::report`]) and the used-bites tracking ([`crate::used`]) both
//! read a cut through here.

use serde::{Deserialize, Serialize};

use crate::clip::Clip;
use crate::cut::{Cut, CutEvent, Source};
use crate::export::convert_frames;
use crate::export::edl::{relabel, tc_frames};
use crate::resolve::candidates;
use crate::timecode::{Rate, TcFormat};

/// An event of a cut and the span of the clip it plays.
#[derive(Clone, Debug)]
pub struct Matched<'a> {
    pub event: &'a CutEvent,
    pub clip: &'a Clip,
    /// Frames `[in, out)` from the clip's first frame.
    pub frames: (u64, u64),
}

/// The events of `cut` matched to `clips`, in the cut's order, and those
/// that match none. A clip on the video and the audio tracks at the same
/// record time is one event (the first track it is on).
pub fn match_events<'a>(cut: &'a Cut, clips: &'a [Clip]) -> (Vec<Matched<'a>>, Vec<Unmatched>) {
    let mut matched: Vec<Matched<'a>> = Vec::new();
    let mut unmatched = Vec::new();
    for e in &cut.events {
        match find_clip(e, clips).and_then(|clip| Ok((clip, frames_of(e, clip)?))) {
            Ok((clip, frames)) => {
                let same =
                    |m: &Matched<'_>| m.clip.id == clip.id && m.frames == frames && m.event.record_in == e.record_in;
                if !matched.iter().any(same) {
                    matched.push(Matched { event: e, clip, frames });
                }
            }
            Err(reason) => unmatched.push(Unmatched::of(e, reason)),
        }
    }
    (matched, unmatched)
}

/// What the cut's reader passed over: `line N: why`.
pub fn passed_over(cut: &Cut) -> Vec<String> {
    cut.diagnostics
        .iter()
        .map(|d| if d.line > 0 { format!("line {}: {}", d.line, d.reason) } else { d.reason.clone() })
        .collect()
}

/// An event that matches no clip, with what it named.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unmatched {
    pub event: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub track: String,
    pub name: Option<String>,
    pub path: Option<String>,
    pub reel: Option<String>,
    pub record_in: String,
    pub record_out: String,
    pub reason: String,
}

/// The clip an event names: by its media path, then its clip name, then
/// its reel; several answers are narrowed to the clip whose timecode holds
/// the event's source in point.
fn find_clip<'c>(e: &CutEvent, clips: &'c [Clip]) -> Result<&'c Clip, String> {
    let by_path: Vec<&Clip> = match e.path.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) if p.contains(['/', '\\']) => {
            let exact: Vec<&Clip> = clips.iter().filter(|c| c.path == p || c.rel_path == p).collect();
            if exact.is_empty() {
                let file = p.rsplit(['/', '\\']).next().unwrap_or(p);
                candidates(file, clips)
            } else {
                exact
            }
        }
        Some(p) => candidates(p, clips),
        None => Vec::new(),
    };
    let by_name = || e.name.as_deref().map(|n| candidates(n.trim(), clips)).unwrap_or_default();
    let by_reel = || {
        let Some(reel) = e.reel.as_deref().map(str::trim).filter(|r| !r.is_empty()) else { return Vec::new() };
        let same = |r: &Option<String>| r.as_deref().is_some_and(|r| r.trim().eq_ignore_ascii_case(reel));
        let mut found: Vec<&Clip> = clips.iter().filter(|c| same(&c.reel) || same(&c.tape)).collect();
        if found.is_empty() {
            found = candidates(reel, clips);
        }
        found
    };
    for (rule, found) in [("path", by_path), ("name", by_name()), ("reel", by_reel())] {
        if found.is_empty() {
            continue;
        }
        let holding: Vec<&Clip> = found.iter().copied().filter(|c| frames_of(e, c).is_ok()).collect();
        match (holding.as_slice(), found.as_slice()) {
            ([one], _) => return Ok(one),
            // A clip named by path or name whose timecode does not hold
            // the span is still the clip named; a reel names a roll.
            ([], [one]) if rule != "reel" => return Ok(one),
            ([], _) => continue,
            (many, _) => {
                let paths: Vec<&str> = many.iter().map(|c| c.rel_path.as_str()).collect();
                return Err(format!("{} clips answer to its {rule}: {}", many.len(), paths.join(", ")));
            }
        }
    }
    Err("matches no clip in the library (by path, clip name or reel)".to_string())
}

/// The event's source span as frames `[in, out)` from the clip's first
/// frame, or why it does not lie in the clip.
fn frames_of(e: &CutEvent, clip: &Clip) -> Result<(u64, u64), String> {
    let (Some(start), Some(format), Some(n)) = (clip.start(), clip.tc_format(), clip.n_frames) else {
        return Err(format!("{} has no frame rate", clip.name));
    };
    let rate = format.rate();
    let since_start = |since_midnight: u64| {
        // A label before the clip's first one is on the next day (a clip
        // that runs past midnight).
        if since_midnight < start.frame() {
            since_midnight.saturating_add(format.frames_per_day()) - start.frame()
        } else {
            since_midnight - start.frame()
        }
    };
    let (a, b) = match &e.source {
        Source::Labels { tc_in, tc_out } => {
            // A drop-frame label (`;`) names no frame of a clip that does
            // not drop frames: the EDL's rate is another (29.97 DF, or
            // 59.94 DF for a frame count past 29) and the source timecode
            // was converted to it as NLEs (and our EDL writer) do: the
            // clip's start label re-expressed at that rate, then the offset
            // from it in real time. Undone the same way.
            let read = |t: &str| -> Result<u64, String> {
                let wrong = |err: crate::export::edl::LabelError| format!("source timecode {t}: {err}");
                if !t.contains(';') || format.is_drop_frame() {
                    return tc_frames(t, format).map(since_start).map_err(wrong);
                }
                let frames_field = t.rsplit([':', ';']).next().and_then(|f| f.parse::<u32>().ok()).unwrap_or(0);
                let rate = if frames_field >= 30 { Rate::FPS_59_94 } else { Rate::FPS_29_97 };
                let df = TcFormat::new(rate, true);
                let start_df = relabel(start, df).frame();
                let at = tc_frames(t, df).map_err(wrong)?;
                let at = if at < start_df { at.saturating_add(df.frames_per_day()) } else { at };
                Ok(convert_frames(at - start_df, rate, format.rate()))
            };
            (read(tc_in)?, read(tc_out)?)
        }
        Source::FromStart { tc_in, tc_out } => (tc_in.frames_at(rate), tc_out.frames_at(rate)),
        Source::SinceMidnight { tc_in, tc_out } => {
            (since_start(tc_in.frames_at(rate)), since_start(tc_out.frames_at(rate)))
        }
    };
    if a >= n.max(1) {
        return Err(format!("its source span starts after the end of {}", clip.name));
    }
    Ok((a, b.clamp(a, n)))
}

impl Unmatched {
    /// `e`, which matches no clip for `reason`.
    pub fn of(e: &CutEvent, reason: String) -> Unmatched {
        Unmatched {
            event: e.number,
            line: (e.line > 0).then_some(e.line),
            track: e.track.clone(),
            name: e.name.clone(),
            path: e.path.clone(),
            reel: e.reel.clone(),
            record_in: e.record_in.clone(),
            record_out: e.record_out.clone(),
            reason,
        }
    }
}
