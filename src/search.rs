//! Soundbite search: runs a query on the library and turns the raw index
//! hits into what an editor needs — clip, record timecode in/out, speaker,
//! the text with the matched words marked, and optional surrounding cues.
//!
//! A phrase that runs across two consecutive cues is found through the
//! index's *pair* documents (two cues' text as one); such a hit spans both
//! cues (`tc_in` of the first, `tc_out` of the second). A pair is reported
//! only when neither of its cues matches on its own, so a bite is never
//! listed twice.
//!
//! Ranking is the index's BM25 (with the exact phrase of a plain-words
//! query boosted); ties go to the earlier day, then the earlier timecode,
//! so results are stable between runs.

use std::collections::{HashMap, HashSet};
use std::num::NonZeroUsize;
use std::sync::Arc;

use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

use crate::atomic::{FileIdentity, file_identity};
use crate::clearance::{Clearance, Judge};
use crate::clip::{Clip, Provenance, Segment, Verified};
use crate::library::{DocKind, Filters, HitRecord, Key, Library, QueryError, QueryWord, RawHit, SearchSpec};
use crate::releases::{Releases, ReleasesError, Status};
use crate::used::{Used, UsedError};

/// Marks around a highlighted word in the JSON `snippet` (see [`Hit`]).
pub const MARK_OPEN: &str = "<b>";
pub const MARK_CLOSE: &str = "</b>";
/// Longest snippet, in characters, before it is cut around the first match.
const SNIPPET_CHARS: usize = 240;

/// The kinds of thing search returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HitKind {
    Soundbite,
    Note,
    Clip,
}

impl HitKind {
    pub fn parse(s: &str) -> Option<HitKind> {
        match s.to_ascii_lowercase().as_str() {
            "soundbite" | "soundbites" => Some(HitKind::Soundbite),
            "note" | "notes" => Some(HitKind::Note),
            "clip" | "clips" => Some(HitKind::Clip),
            _ => None,
        }
    }

    fn doc_kinds(self) -> &'static [DocKind] {
        match self {
            HitKind::Soundbite => &DocKind::SOUNDBITE,
            HitKind::Note => &[DocKind::Note],
            HitKind::Clip => &[DocKind::Clip],
        }
    }
}

/// A search request.
#[derive(Clone, Debug, Default)]
pub struct SearchRequest {
    pub query: String,
    pub fuzzy: bool,
    /// Words as written only, no other forms (`--exact`).
    pub exact: bool,
    /// Plain words also find words that sound alike (`--sounds-like`).
    pub sounds_like: bool,
    pub filters: Filters,
    pub kind: Option<HitKind>,
    /// At most this many hits, the best first; `None` is every hit.
    pub limit: Option<NonZeroUsize>,
    /// Cues to show before and after each soundbite.
    pub context: usize,
    /// Only hits of this clearance status (`--cleared` is `cleared`).
    pub clearance: Option<Status>,
    /// The day releases expire against (`YYYY-MM-DD`); today when `None`.
    pub as_of: Option<String>,
    /// Only hits no tracked cut uses (see [`crate::used`]).
    pub unused: bool,
}

/// Why a search gave no hits: the query or index, or the release log kept
/// in the library, which every hit's clearance is read from.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Releases(#[from] ReleasesError),
    /// The cuts tracked in the library (`used.json`) do not read.
    #[error(transparent)]
    Used(#[from] UsedError),
}

impl From<crate::library::IndexError> for SearchError {
    fn from(e: crate::library::IndexError) -> Self {
        SearchError::Query(e.into())
    }
}

/// The judge of the library's release log on `as_of` (today when `None`).
///
/// Building it reads `releases.json` and indexes every name and alias, a
/// millisecond for a 500-person log, which every search would pay; so the
/// last judge built is kept for as long as the file stays the same one
/// (device, inode, length and mtime: a re-import replaces the file by a
/// rename) and the day stays the same.
pub fn judge(lib: &Library, as_of: Option<&str>) -> Result<Arc<Judge>, ReleasesError> {
    let releases = Releases::open(&lib.dir);
    let today;
    let day = match as_of {
        Some(day) => day,
        None => {
            today = crate::date::today();
            &today
        }
    };
    let identity = file_identity(&releases.path());
    let key = (lib.dir.clone(), identity, day.to_string());
    let mut kept = JUDGE.lock().unwrap_or_else(|e| e.into_inner());
    if let (Some((k, judge)), Some(_)) = (kept.as_ref(), identity)
        && *k == key
    {
        return Ok(judge.clone());
    }
    let log = releases.load()?;
    let judge = Arc::new(Judge::new(log.as_ref(), day));
    *kept = Some((key, judge.clone()));
    Ok(judge)
}

/// The last judge built, for its library, `releases.json` and day.
type KeptJudge = Option<((std::path::PathBuf, Option<FileIdentity>, String), Arc<Judge>)>;
static JUDGE: std::sync::Mutex<KeptJudge> = std::sync::Mutex::new(None);

/// A neighbouring cue shown for context.
#[derive(Clone, Debug, Serialize)]
pub struct ContextCue {
    pub tc_in: Option<String>,
    pub tc_out: Option<String>,
    pub speaker: Option<String>,
    pub text: String,
}

/// One result. The JSON shape is the `rushes search --json` contract:
/// the fields below in this order, with two made from them:
/// - `snippet` (after `text`): `text`, cut around the first match when
///   long, with each match between `<b>` and `</b>` and nothing escaped. It
///   is kept for scripts written against it; the hit itself holds no markup,
///   and a front end (a browser above all) marks `text` itself from
///   `matches`, escaping as its medium needs.
/// - `matches` (after `snippet`): `[[start, end], …]`, the matched words as
///   character offsets (Unicode scalar values, not bytes) into `text`, `end`
///   exclusive, in order.
///
/// `clearance` (after `source`) is what the release log says of the hit's
/// span ([`Clearance`]: `status`, `people`, `reasons`), computed when the
/// hit is read; `used` (after `clearance`) the tracked cuts that hold a
/// frame of it (`[{cut, record_in}]`, empty when none; a clip hit or a note
/// on the whole clip: any frame of the clip); `verified` and `provenance`
/// (after `used`) the clip file's verdict against its offload hash list
/// (ASC MHL) and who made that list (`null` when none vouches for it).
#[derive(Clone, Debug)]
pub struct Hit {
    pub kind: HitKind,
    /// Clip file name (null for a note placed on no clip).
    pub clip: Option<String>,
    pub clip_id: Option<String>,
    pub path: Option<String>,
    pub camera: Option<String>,
    pub reel: Option<String>,
    pub day: Option<String>,
    pub speaker: Option<String>,
    pub text: String,
    /// Record timecode (the clip's own labelling).
    pub tc_in: Option<String>,
    pub tc_out: Option<String>,
    pub offset_in_s: Option<f64>,
    pub offset_out_s: Option<f64>,
    pub score: f32,
    /// Where the words came from: `file:line` (transcript or notes).
    pub source: Option<String>,
    /// A soundbite's transcript format as people call it ("SRT", "Premiere
    /// text"); absent from the JSON for notes, clips and libraries written
    /// before it was kept.
    pub format: Option<String>,
    /// Absent from the JSON when empty.
    pub context_before: Vec<ContextCue>,
    pub context_after: Vec<ContextCue>,
    /// The matched words of `text`: `[start, end)` in characters.
    pub matches: Vec<[usize; 2]>,
    /// What the release log says of this span, as of the search.
    pub clearance: Clearance,
    /// The tracked cuts this span is in.
    pub used: Vec<Used>,
    /// The clip's file against its offload hash list (`not_verified` for a
    /// note on no clip, or a clip never hashed).
    pub verified: Verified,
    /// The hash list that vouches for the clip's file, when one does.
    pub provenance: Option<Provenance>,
    /// The speakers heard and the frames covered (from the clip's first
    /// frame, out exclusive; `None` for the whole clip), for the clearance.
    speakers: Vec<String>,
    frames: Option<(u64, u64)>,
    sort_tc: String,
    key: Key,
    /// For soundbites: the transcript's source id and the first and last
    /// cue index the hit covers (for context).
    cues: Option<(String, usize, usize)>,
}

impl Hit {
    /// The matches as byte ranges of `text`, for slicing it.
    pub fn match_bytes(&self) -> Vec<(usize, usize)> {
        byte_ranges(&self.text, &self.matches)
    }
}

impl Serialize for Hit {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut st = serializer.serialize_struct("Hit", 23)?;
        st.serialize_field("kind", &self.kind)?;
        st.serialize_field("clip", &self.clip)?;
        st.serialize_field("clip_id", &self.clip_id)?;
        st.serialize_field("path", &self.path)?;
        st.serialize_field("camera", &self.camera)?;
        st.serialize_field("reel", &self.reel)?;
        st.serialize_field("day", &self.day)?;
        st.serialize_field("speaker", &self.speaker)?;
        st.serialize_field("text", &self.text)?;
        st.serialize_field("snippet", &snippet(&self.text, &self.match_bytes()))?;
        st.serialize_field("matches", &self.matches)?;
        st.serialize_field("tc_in", &self.tc_in)?;
        st.serialize_field("tc_out", &self.tc_out)?;
        st.serialize_field("offset_in_s", &self.offset_in_s)?;
        st.serialize_field("offset_out_s", &self.offset_out_s)?;
        st.serialize_field("score", &self.score)?;
        st.serialize_field("source", &self.source)?;
        match &self.format {
            Some(format) => st.serialize_field("format", format)?,
            None => st.skip_field("format")?,
        }
        st.serialize_field("clearance", &self.clearance)?;
        st.serialize_field("used", &self.used)?;
        st.serialize_field("verified", &self.verified)?;
        st.serialize_field("provenance", &self.provenance)?;
        for (name, cues) in [("context_before", &self.context_before), ("context_after", &self.context_after)] {
            if cues.is_empty() {
                st.skip_field(name)?;
            } else {
                st.serialize_field(name, cues)?;
            }
        }
        st.end()
    }
}

/// A word of the query that is also a speaker's name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SpeakerHint {
    /// The name as the transcripts write it.
    pub name: String,
    /// The filter that lists their cues (`speaker:maria`).
    pub filter: String,
    pub cues: usize,
}

/// The plain words of a query that name a speaker of the library, once
/// each: someone searching for "Maria" may want what Maria says rather
/// than where her name is said. Filters (`camera:a`), fuzzy (`word~1`),
/// prefix (`word*`) and excluded (`-word`) words are not names. Multi-word names are not looked
/// for: a query word is matched against the whole name.
pub fn speaker_hints(lib: &Library, query: &str) -> Result<Vec<SpeakerHint>, QueryError> {
    let mut seen = HashSet::new();
    let mut hints = Vec::new();
    for raw in query.split_whitespace() {
        let word = raw.trim_matches(|c: char| !c.is_alphanumeric());
        let plain = !raw.contains([':', '~', '*']) && !raw.starts_with('-') && !word.is_empty();
        if !plain || !seen.insert(word.to_lowercase()) {
            continue;
        }
        if let Some((name, cues)) = lib.speaker_cues(word)? {
            hints.push(SpeakerHint { name, filter: format!("speaker:{}", word.to_lowercase()), cues });
        }
    }
    Ok(hints)
}

/// What a search found: the hits asked for, and how many the whole query
/// has, so that a cut list can say so.
#[derive(Clone, Debug)]
pub struct Found {
    pub hits: Vec<Hit>,
    /// Every hit of the query, shown or not (exact).
    pub total: usize,
}

/// Runs a search. An error is the user's query (with where), the index,
/// the release log or the tracked cuts. Each hit carries its clearance and
/// the cuts that use it; a clearance filter keeps only hits of that status,
/// `unused` only hits no cut uses, and the total counts those.
pub fn search(lib: &Library, req: &SearchRequest) -> Result<Found, SearchError> {
    let judge = judge(lib, req.as_of.as_deref())?;
    let marks = crate::used::marks(&lib.dir)?;
    // A filter known only once a hit is read needs every hit read.
    let filtered = req.clearance.is_some() || req.unused;
    let kinds = match req.kind {
        Some(k) => k.doc_kinds().to_vec(),
        None => DocKind::SEARCHABLE.to_vec(),
    };
    let spec = SearchSpec {
        query: req.query.clone(),
        fuzzy: req.fuzzy,
        exact: req.exact,
        sounds_like: req.sounds_like,
        filters: req.filters.clone(),
        kinds,
    };
    let prepared = lib.prepare(&spec)?;
    // One pass gives the best hits and the exact total; every pair in it
    // is a hit (none duplicates a cue that matches on its own).
    // With those that tie the last: hits of equal score are ordered by day
    // and timecode below, before the cut.
    let limit = req.limit.map_or(usize::MAX, NonZeroUsize::get);
    let page = if filtered {
        lib.find(&prepared, usize::MAX)?
    } else {
        lib.find_with_ties(&prepared, limit, limit.saturating_mul(2).saturating_add(10))?
    };
    let mut clips = ClipCache { lib, map: HashMap::new() };
    clips.read_ahead(&page.hits)?;
    let mut cues = ClipCues::default();
    let mut hits = Vec::with_capacity(page.hits.len());
    for r in page.hits {
        if let Some(mut hit) = assemble(lib, &mut clips, r)? {
            let clip = match &hit.clip_id {
                Some(id) => clips.get(id)?,
                None => None,
            };
            let mut speakers: Vec<&str> = hit.speakers.iter().map(String::as_str).collect();
            let heard;
            if let (HitKind::Note, Some(c)) = (hit.kind, clip.as_ref()) {
                heard = cues.of(lib, &c.id)?;
                speakers = crate::clearance::heard_at(speakers.first().copied(), hit.frames, &heard, c);
            }
            hit.clearance = judge.clearance(clip.as_ref(), hit.frames, &speakers);
            if let Some(c) = &clip {
                hit.verified = c.verified;
                hit.provenance = c.provenance.clone();
            }
            if let Some(id) = &hit.clip_id {
                hit.used = marks.of(id, hit.frames);
            }
            let wanted_status = req.clearance.is_none_or(|want| hit.clearance.status == want);
            if wanted_status && (!req.unused || hit.used.is_empty()) {
                hits.push(hit);
            }
        }
    }
    let total = if filtered { hits.len() } else { page.total };
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.day.cmp(&b.day))
            .then_with(|| a.sort_tc.cmp(&b.sort_tc))
            .then_with(|| a.path.cmp(&b.path))
            .then_with(|| a.key.cmp(&b.key))
    });
    hits.truncate(limit);
    for hit in &mut hits {
        hit.matches = highlight(lib, &hit.text, &prepared.words);
        if req.context > 0 && hit.kind == HitKind::Soundbite {
            add_context(lib, hit, req.context)?;
        }
    }
    Ok(Found { hits, total })
}

/// What to try when a query finds nothing: each word as a prefix (only
/// for a query of plain words) and `--fuzzy` (unless it is on already),
/// e.g. `try floods* or --fuzzy`. `None` when there is nothing to suggest.
pub fn hint(req: &SearchRequest) -> Option<String> {
    let words: Vec<&str> = req.query.split_whitespace().collect();
    let plain = !words.is_empty()
        && words.iter().all(|w| w.chars().all(char::is_alphanumeric))
        && !words.iter().any(|w| matches!(*w, "AND" | "OR" | "NOT"));
    let mut tries = Vec::new();
    if plain {
        tries.push(words.iter().map(|w| format!("{w}*")).collect::<Vec<_>>().join(" "));
    }
    if !req.fuzzy {
        tries.push("--fuzzy".to_string());
    }
    let filters = req.filters.any() || req.kind.is_some();
    if filters {
        tries.push("fewer filters".to_string());
    }
    (!tries.is_empty()).then(|| format!("try {}", tries.join(" or ")))
}

struct ClipCache<'a> {
    lib: &'a Library,
    map: HashMap<String, Option<Clip>>,
}

impl ClipCache<'_> {
    /// Reads the clips of `hits` that name theirs, side by side, each once.
    fn read_ahead(&mut self, hits: &[RawHit]) -> Result<(), QueryError> {
        let mut ids: Vec<&str> = hits
            .iter()
            .filter_map(|r| match &r.record {
                HitRecord::Segment(seg) => Some(seg.clip_id.as_str()),
                HitRecord::Note(note) => note.clip_id.as_deref(),
                _ => None,
            })
            .filter(|id| !self.map.contains_key(*id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let clips = self.lib.clips_by_id(&ids)?;
        self.map.extend(ids.into_iter().map(str::to_string).zip(clips));
        Ok(())
    }

    fn get(&mut self, id: &str) -> Result<Option<Clip>, QueryError> {
        if let Some(c) = self.map.get(id) {
            return Ok(c.clone());
        }
        let clip = self.lib.clip(id)?;
        self.map.insert(id.to_string(), clip.clone());
        Ok(clip)
    }
}

/// The transcript cues of the clips that note hits sit on, read once per
/// clip from one snapshot taken when the first note hit needs it.
#[derive(Default)]
struct ClipCues {
    snapshot: Option<crate::library::Snapshot>,
    map: HashMap<String, std::rc::Rc<Vec<Segment>>>,
}

impl ClipCues {
    fn of(&mut self, lib: &Library, clip_id: &str) -> Result<std::rc::Rc<Vec<Segment>>, QueryError> {
        if let Some(cues) = self.map.get(clip_id) {
            return Ok(cues.clone());
        }
        let snapshot = match &self.snapshot {
            Some(s) => s,
            None => self.snapshot.insert(lib.snapshot()?),
        };
        let cues = std::rc::Rc::new(snapshot.segments_of_clip(clip_id)?);
        self.map.insert(clip_id.to_string(), cues.clone());
        Ok(cues)
    }
}

fn assemble(lib: &Library, clips: &mut ClipCache<'_>, r: RawHit) -> Result<Option<Hit>, QueryError> {
    let hit = match r.record {
        HitRecord::Segment(seg) => {
            let clip = clips.get(&seg.clip_id)?;
            soundbite(&seg, None, clip.as_ref(), r.score, r.key, r.source_id)
        }
        HitRecord::Pair(pair) => {
            let (Some(first), Some(second)) = (lib.segment_at(&pair.first)?, lib.segment_at(&pair.second)?) else {
                return Ok(None);
            };
            let clip = clips.get(&first.clip_id)?;
            soundbite(&first, Some(&second), clip.as_ref(), r.score, pair.first, r.source_id)
        }
        HitRecord::Note(note) => {
            let clip = match &note.clip_id {
                Some(id) => clips.get(id)?,
                None => None,
            };
            // Tags the AP typed as #hashtags are already in the text.
            let lower = note.text.to_lowercase();
            let extra: Vec<String> =
                note.tags.iter().filter(|t| !lower.contains(&format!("#{}", t.to_lowercase()))).cloned().collect();
            let text = if extra.is_empty() { note.text.clone() } else { format!("{} {}", note.text, hashtags(&extra)) };
            Hit {
                kind: HitKind::Note,
                clip: clip.as_ref().map(|c| c.name.clone()),
                clip_id: note.clip_id.clone(),
                path: clip.as_ref().map(|c| c.path.clone()),
                camera: clip.as_ref().and_then(|c| c.camera.clone()).or(note.camera.clone()),
                reel: clip.as_ref().and_then(|c| c.reel.clone()),
                day: clip.as_ref().and_then(|c| c.day.clone()).or(note.day.clone()),
                speaker: note.speaker.clone(),
                text,
                tc_in: note.tc_in.clone().or(note.tc.clone()),
                tc_out: note.tc_out.clone(),
                offset_in_s: note.offset_s,
                offset_out_s: None,
                score: r.score,
                source: Some(format!("{}:{}", note.source, note.line)),
                format: None,
                context_before: Vec::new(),
                context_after: Vec::new(),
                matches: Vec::new(),
                clearance: unjudged(),
                used: Vec::new(),
                verified: Verified::NotVerified,
                provenance: None,
                speakers: note.speaker.iter().cloned().collect(),
                // A note marks a moment: its frame, or the whole clip.
                frames: note.frame_in.map(|f| (f, f.saturating_add(1))),
                sort_tc: match (clip.as_ref().and_then(|c| c.tc.start_label()), note.offset_s) {
                    (Some(start), Some(off)) => format!("{}{off:012.3}", sort_key(&start)),
                    _ => sort_key(note.tc.as_deref().unwrap_or("")),
                },
                key: r.key,
                cues: None,
            }
        }
        HitRecord::Clip(clip) => {
            let mut text = clip.name.clone();
            for v in [&clip.scene, &clip.take, &clip.note].into_iter().flatten() {
                text.push_str(" · ");
                text.push_str(v);
            }
            Hit {
                kind: HitKind::Clip,
                clip: Some(clip.name.clone()),
                clip_id: Some(clip.id.clone()),
                path: Some(clip.path.clone()),
                camera: clip.camera.clone(),
                reel: clip.reel.clone(),
                day: clip.day.clone(),
                speaker: None,
                text,
                tc_in: clip.tc.start_label(),
                tc_out: clip.tc.end_label(),
                offset_in_s: Some(0.0),
                offset_out_s: Some(clip.duration_s),
                score: r.score,
                source: None,
                format: None,
                context_before: Vec::new(),
                context_after: Vec::new(),
                matches: Vec::new(),
                clearance: unjudged(),
                used: Vec::new(),
                verified: Verified::NotVerified,
                provenance: None,
                // Everyone heard in the clip, over the whole clip.
                speakers: clip.speakers.clone(),
                frames: None,
                sort_tc: sort_key(&clip.tc.start_label().unwrap_or_default()),
                key: r.key,
                cues: None,
            }
        }
        HitRecord::Source => return Ok(None),
    };
    Ok(Some(hit))
}

/// A hit's clearance before the log is read.
fn unjudged() -> Clearance {
    Clearance { status: Status::Unknown, people: Vec::new(), reasons: Vec::new(), release_log: false }
}

fn hashtags(tags: &[String]) -> String {
    tags.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" ")
}

/// A soundbite hit from one cue, or from two consecutive cues.
fn soundbite(
    first: &Segment,
    second: Option<&Segment>,
    clip: Option<&Clip>,
    score: f32,
    key: Key,
    source_id: Option<String>,
) -> Hit {
    let last = second.unwrap_or(first);
    let speaker = match (&first.speaker, second.and_then(|s| s.speaker.as_ref())) {
        (Some(a), Some(b)) if !a.eq_ignore_ascii_case(b) => Some(format!("{a} / {b}")),
        (a, b) => a.clone().or(b.cloned()),
    };
    let text = match second {
        Some(s) => format!("{} {}", first.text, s.text),
        None => first.text.clone(),
    };
    Hit {
        kind: HitKind::Soundbite,
        clip: clip.map(|c| c.name.clone()),
        clip_id: Some(first.clip_id.clone()),
        path: clip.map(|c| c.path.clone()),
        camera: clip.and_then(|c| c.camera.clone()),
        reel: clip.and_then(|c| c.reel.clone()),
        day: clip.and_then(|c| c.day.clone()),
        speaker,
        text: text.replace('\n', " "),
        tc_in: first.tc_in.clone(),
        tc_out: last.tc_out.clone(),
        offset_in_s: Some(first.offset_in_s),
        offset_out_s: Some(last.offset_out_s),
        score,
        source: Some(format!("{}:{}", first.source, first.line)),
        format: first.format.clone(),
        context_before: Vec::new(),
        context_after: Vec::new(),
        matches: Vec::new(),
        clearance: unjudged(),
        used: Vec::new(),
        verified: Verified::NotVerified,
        provenance: None,
        speakers: [&first.speaker, &last.speaker].into_iter().flatten().cloned().collect(),
        frames: first.frame_in.zip(last.frame_out),
        // The clip's start then the offset: a cue after midnight in a clip
        // that started before it sorts after the earlier cues.
        sort_tc: format!(
            "{}{:012.3}",
            sort_key(&clip.and_then(|c| c.tc.start_label()).unwrap_or_default()),
            first.offset_in_s
        ),
        cues: source_id.map(|id| (id, first.n, last.n)),
        key,
    }
}

/// Timecode labels compare as text once `;` and `:` agree.
fn sort_key(tc: &str) -> String {
    tc.replace(';', ":")
}

/// Adds up to `n` cues before and after a soundbite, from its transcript.
fn add_context(lib: &Library, hit: &mut Hit, n: usize) -> Result<(), QueryError> {
    let Some((source_id, first, last)) = hit.cues.clone() else { return Ok(()) };
    let fetch = |i: usize| -> Result<Option<ContextCue>, QueryError> {
        Ok(lib.segment(&source_id, i)?.map(|s| ContextCue {
            tc_in: s.tc_in,
            tc_out: s.tc_out,
            speaker: s.speaker,
            text: s.text.replace('\n', " "),
        }))
    };
    // Stop at the transcript's ends: a cue that does not exist ends the walk.
    for i in (first.saturating_sub(n)..first).rev() {
        match fetch(i)? {
            Some(c) => hit.context_before.insert(0, c),
            None => break,
        }
    }
    for i in last.saturating_add(1)..=last.saturating_add(n) {
        match fetch(i)? {
            Some(c) => hit.context_after.push(c),
            None => break,
        }
    }
    Ok(())
}

/// The words of `text` the query matched, as character offsets
/// `[start, end)` (see [`Hit::matches`]). No markup: marking is the
/// printer's.
pub fn highlight(lib: &Library, text: &str, words: &[QueryWord]) -> Vec<[usize; 2]> {
    let tokens = lib.tokens(text);
    let mut marked = vec![false; tokens.len()];
    // A word alone matches wherever it stands; a phrase's words only
    // where the whole phrase runs in order (a page of Japanese would
    // otherwise light up every の of "水がとても").
    let alone: Vec<&QueryWord> = words.iter().filter(|w| w.phrase.is_none()).collect();
    for (i, (_, _, tok)) in tokens.iter().enumerate() {
        if alone.iter().any(|w| word_matches(w, tok)) {
            marked[i] = true;
        }
    }
    let mut phrases: Vec<Vec<&QueryWord>> = Vec::new();
    for w in words.iter().filter(|w| w.phrase.is_some()) {
        match (phrases.last_mut(), w.phrase) {
            (Some(p), Some((_, at))) if at > 0 => p.push(w),
            _ => phrases.push(vec![w]),
        }
    }
    for phrase in &phrases {
        for start in 0..tokens.len().saturating_sub(phrase.len() - 1) {
            let runs = phrase.iter().enumerate().all(|(j, w)| word_matches(w, &tokens[start + j].2));
            if runs {
                marked[start..start + phrase.len()].iter_mut().for_each(|m| *m = true);
            }
        }
    }
    let bytes: Vec<(usize, usize)> =
        tokens.iter().zip(&marked).filter(|(_, m)| **m).map(|((a, b, _), _)| (*a, *b)).collect();
    // Characters of an unspaced script are tokens of their own: matched
    // characters that touch are one mark (`[[水がとても]]`, not five).
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(bytes.len());
    for (a, b) in bytes {
        match merged.last_mut() {
            Some(last) if last.1 == a => last.1 = b,
            _ => merged.push((a, b)),
        }
    }
    char_ranges(text, &merged)
}

/// The byte offset where each character of `text` starts, and its length.
fn char_starts(text: &str) -> Vec<usize> {
    text.char_indices().map(|(i, _)| i).chain([text.len()]).collect()
}

/// Byte ranges (on character boundaries) as character offsets.
fn char_ranges(text: &str, bytes: &[(usize, usize)]) -> Vec<[usize; 2]> {
    let starts = char_starts(text);
    let char_at = |byte: usize| starts.partition_point(|&b| b < byte);
    bytes.iter().map(|&(a, b)| [char_at(a), char_at(b)]).collect()
}

/// Character offsets as byte ranges of `text`; offsets past its end are
/// clamped to it.
fn byte_ranges(text: &str, chars: &[[usize; 2]]) -> Vec<(usize, usize)> {
    let starts = char_starts(text);
    let byte_at = |c: usize| starts.get(c).copied().unwrap_or(text.len());
    chars.iter().map(|&[a, b]| (byte_at(a), byte_at(b))).collect()
}

fn word_matches(w: &QueryWord, token: &str) -> bool {
    if w.forms.iter().any(|f| f == token) {
        return true;
    }
    if w.prefix {
        return token.starts_with(&w.text);
    }
    if w.distance == 0 {
        return token == w.text;
    }
    edit_distance(&w.text, token) <= usize::from(w.distance)
}

/// Damerau–Levenshtein (optimal string alignment) distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// The text (or a window of it around the first match) with marks.
fn snippet(text: &str, ranges: &[(usize, usize)]) -> String {
    let (mut from, mut to) = (0, text.len());
    if text.chars().count() > SNIPPET_CHARS {
        let centre = ranges.first().map_or(0, |r| r.0);
        from = floor_char(text, centre.saturating_sub(SNIPPET_CHARS / 3));
        to = floor_char(text, (from + SNIPPET_CHARS).min(text.len()));
    }
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    let mut pos = from;
    for &(a, b) in ranges.iter().filter(|r| r.0 >= from && r.1 <= to) {
        out.push_str(&text[pos..a]);
        out.push_str(MARK_OPEN);
        out.push_str(&text[a..b]);
        out.push_str(MARK_CLOSE);
        pos = b;
    }
    out.push_str(&text[pos..to]);
    if to < text.len() {
        out.push('…');
    }
    out
}

fn floor_char(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("maria", "maria"), 0);
        assert_eq!(edit_distance("maria", "mariah"), 1);
        assert_eq!(edit_distance("maria", "amria"), 1);
        assert_eq!(edit_distance("flood", "blood"), 1);
        assert_eq!(edit_distance("flood", "fold"), 2);
    }

    #[test]
    fn snippets_mark_and_cut() {
        assert_eq!(snippet("the river came", &[(4, 9)]), "the <b>river</b> came");
        let long = format!("{} needle {}", "a ".repeat(200), "b ".repeat(200));
        let at = long.find("needle").unwrap_or(0);
        let s = snippet(&long, &[(at, at + 6)]);
        assert!(s.starts_with('…') && s.ends_with('…') && s.contains("<b>needle</b>"), "{s}");
        assert_eq!(snippet("café", &[(0, 5)]), "<b>café</b>");
    }

    #[test]
    fn matches_are_characters_not_bytes() {
        let text = "café — the river";
        let bytes = [(0, 5), (text.len() - 5, text.len())];
        let chars = char_ranges(text, &bytes);
        assert_eq!(chars, vec![[0, 4], [11, 16]]);
        let words: Vec<String> = chars.iter().map(|&[a, b]| text.chars().skip(a).take(b - a).collect()).collect();
        assert_eq!(words, ["café", "river"]);
        assert_eq!(byte_ranges(text, &chars), bytes);
        assert_eq!(byte_ranges("ab", &[[1, 9]]), vec![(1, 2)], "clamped to the text");
    }
}
