//! Reading a finished cut: the events of a CMX3600 EDL, an FCPXML, an FCP7
//! XML (xmeml) or an OpenTimelineIO file, each as the media it uses (clip
//! name, path, reel), where it sits in the cut (record in/out) and which
//! span of the media it plays (source in/out). What the clearance report
//! of a cut reads; matching the events to the catalog is the caller's.
//!
//! Pure and tolerant, as the readers of a user's files are here: bytes in,
//! events and diagnostics out. Real cuts carry more than rushes writes
//! (dissolves, speed changes, generators, nested storylines, audio-only
//! tracks); what is not media is passed over, and a line or element that
//! does not read is reported (with its line in an EDL) while the rest is
//! kept. Only a file that is not the format at all is an error.
//!
//! The EDL is read here rather than by [`crate::export::edl::read`], which
//! reads only the dialect rushes writes and refuses anything else (so its
//! round-trip tests stay strict); this reader takes what Avid, Premiere,
//! Resolve and conform tools write: transitions (`D 030`, `W001 030`), event
//! numbers of any width, reels longer than 8 characters, comments with or
//! without a space after `*`, `FROM`/`TO CLIP NAME` on dissolves, `M2`
//! speed lines, `AUD`, `SPLIT:` and `>>> SOURCE` lines.

use std::collections::HashMap;

use quick_xml::XmlVersion;
use quick_xml::events::Event;

use crate::text::{Diagnostic, Fate};
use crate::timecode::{Rate, TcFormat, Timecode};

/// The formats a cut is read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CutFormat {
    Edl,
    Fcpxml,
    Xmeml,
    Otio,
}

impl CutFormat {
    pub fn name(self) -> &'static str {
        match self {
            CutFormat::Edl => "edl",
            CutFormat::Fcpxml => "fcpxml",
            CutFormat::Xmeml => "xmeml",
            CutFormat::Otio => "otio",
        }
    }

    /// The format of a file, by its contents: an XML root (`fcpxml`,
    /// `xmeml`), an OTIO schema tag, else an EDL when a line looks like a
    /// CMX event. The extension is not trusted: Premiere's `.xml` is xmeml
    /// and FCP's `.fcpxmld` bundles hold `Info.fcpxml`.
    pub fn detect(text: &str) -> Option<CutFormat> {
        let head: String = text.chars().take(4096).collect();
        if head.contains("<fcpxml") {
            return Some(CutFormat::Fcpxml);
        }
        if head.contains("<xmeml") {
            return Some(CutFormat::Xmeml);
        }
        if head.trim_start().starts_with('{') && head.contains("OTIO_SCHEMA") {
            return Some(CutFormat::Otio);
        }
        text.lines().any(|l| edl_event_fields(l).is_some()).then_some(CutFormat::Edl)
    }
}

/// A time as an exact number of seconds, `num / den`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seconds {
    pub num: u128,
    pub den: u128,
}

impl Seconds {
    pub const ZERO: Seconds = Seconds { num: 0, den: 1 };

    /// `n` frames at `rate`.
    pub fn of_frames(n: u64, rate: Rate) -> Seconds {
        Seconds { num: u128::from(n) * u128::from(rate.den()), den: u128::from(rate.num()) }.reduced()
    }

    /// The nearest whole frame at `rate`.
    pub fn frames_at(self, rate: Rate) -> u64 {
        rate.frames_nearest(self.num, self.den)
    }

    pub fn plus(self, other: Seconds) -> Seconds {
        let den = lcm(self.den, other.den);
        let num = (self.num * (den / self.den)).saturating_add(other.num * (den / other.den));
        Seconds { num, den }.reduced()
    }

    /// `self - other`, or zero when `other` is later.
    pub fn minus(self, other: Seconds) -> Seconds {
        let den = lcm(self.den, other.den);
        let num = (self.num * (den / self.den)).saturating_sub(other.num * (den / other.den));
        Seconds { num, den }.reduced()
    }

    fn reduced(self) -> Seconds {
        let g = gcd(self.num, self.den).max(1);
        Seconds { num: self.num / g, den: (self.den / g).max(1) }
    }
}

fn gcd(a: u128, b: u128) -> u128 {
    if b == 0 { a } else { gcd(b, a % b) }
}

fn lcm(a: u128, b: u128) -> u128 {
    let g = gcd(a, b).max(1);
    (a / g).saturating_mul(b).max(1)
}

/// Which span of its media an event plays, as the format says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Timecode labels as written (an EDL states no rate: they are read at
    /// the rate of the clip they turn out to name). Out is exclusive.
    Labels { tc_in: String, tc_out: String },
    /// Seconds from the media's first frame (FCPXML, xmeml, OTIO with an
    /// available range). Out is exclusive.
    FromStart { tc_in: Seconds, tc_out: Seconds },
    /// Seconds since midnight of the media's timecode (an OTIO clip whose
    /// reference states no available range: its times are the source
    /// timecode as time).
    SinceMidnight { tc_in: Seconds, tc_out: Seconds },
}

/// One event of a cut: a span of one piece of media on the record side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CutEvent {
    /// The event number as written (EDL), else the place in the cut.
    pub number: usize,
    /// 1-based line of an EDL event; 0 in the other formats.
    pub line: usize,
    /// `V`, `A1`, `B`...: the track or channels it is on.
    pub track: String,
    pub name: Option<String>,
    /// The media's path (a `file://` URL decoded).
    pub path: Option<String>,
    pub reel: Option<String>,
    /// Record in/out labels (the EDL's as written; the others in the
    /// sequence's labelling), out exclusive.
    pub record_in: String,
    pub record_out: String,
    /// The event's length on the record side, when the cut states its
    /// rate (not an EDL's).
    pub record_frames: Option<u64>,
    pub source: Source,
}

/// What reading a cut gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cut {
    pub format: CutFormat,
    /// The sequence's title, where the format has one.
    pub title: Option<String>,
    pub events: Vec<CutEvent>,
    /// Lines and elements passed over, with their line (EDL) and why.
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a file could not be read as a cut at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CutError {
    #[error("not a cut: no CMX3600 event line, FCPXML, FCP7 XML (xmeml) or OpenTimelineIO document")]
    Unknown,
    #[error("{format}: not well-formed at byte {position}: {reason}")]
    Xml { format: &'static str, position: u64, reason: String },
    #[error("otio: {0}")]
    Json(String),
    #[error("{format}: {reason}")]
    Shape { format: &'static str, reason: String },
}

/// Reads a cut in whichever format its contents are.
pub fn read(bytes: &[u8]) -> Result<Cut, CutError> {
    let text = crate::text::decode(bytes).text;
    match CutFormat::detect(&text) {
        Some(CutFormat::Edl) => Ok(read_edl(&text)),
        Some(CutFormat::Fcpxml) => read_fcpxml(&text),
        Some(CutFormat::Xmeml) => read_xmeml(&text),
        Some(CutFormat::Otio) => read_otio(&text),
        None => Err(CutError::Unknown),
    }
}

// ---------------------------------------------------------------- EDL

/// The reels of black and colour bars: no media, nothing to clear.
const NOT_MEDIA_REELS: [&str; 4] = ["BL", "BLK", "BLACK", "BARS"];

/// `NUM REEL CHANNELS TRANSITION [DURATION] SRC_IN SRC_OUT REC_IN REC_OUT`:
/// the number, reel, channels and the four labels, when `line` is an event.
fn edl_event_fields(line: &str) -> Option<(usize, &str, &str, [&str; 4])> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let number = fields.first()?.parse::<usize>().ok()?;
    if fields.len() < 8 {
        return None;
    }
    let labels: [&str; 4] = fields[fields.len() - 4..].try_into().ok()?;
    labels.iter().all(|l| is_label(l)).then_some((number, fields[1], fields[2], labels))
}

/// `HH:MM:SS:FF` with `:`, `;` or `.` separators.
fn is_label(text: &str) -> bool {
    let parts: Vec<&str> = text.split([':', ';', '.']).collect();
    parts.len() == 4 && parts.iter().all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Reads the events of a CMX3600 EDL (see the module doc for the dialects).
pub fn read_edl(text: &str) -> Cut {
    let mut events: Vec<CutEvent> = Vec::new();
    let mut diagnostics = Vec::new();
    let mut title = None;
    // The events of the current event number: a dissolve is two lines.
    let mut group_start = 0usize;
    for (idx, raw) in text.lines().enumerate() {
        let line_no = idx + 1;
        let line = raw.trim_end_matches('\r').trim();
        if line.is_empty() {
            continue;
        }
        if let Some(t) = line.strip_prefix("TITLE:") {
            title = Some(t.trim().to_string()).filter(|t| !t.is_empty());
            continue;
        }
        if let Some((number, reel, channels, [src_in, src_out, rec_in, rec_out])) = edl_event_fields(line) {
            if events.last().is_none_or(|e| e.number != number) || group_start >= events.len() {
                group_start = events.len();
            }
            events.push(CutEvent {
                number,
                line: line_no,
                track: channels.to_string(),
                name: None,
                path: None,
                reel: Some(reel.to_string()),
                record_in: rec_in.to_string(),
                record_out: rec_out.to_string(),
                record_frames: None,
                source: Source::Labels { tc_in: src_in.to_string(), tc_out: src_out.to_string() },
            });
            continue;
        }
        if line.starts_with(|c: char| c.is_ascii_digit()) {
            diagnostics.push(Diagnostic::new(
                line_no,
                Fate::Skipped,
                "an event line needs a number, reel, channels, transition and four timecodes",
            ));
            continue;
        }
        if let Some(remark) = line.strip_prefix('*') {
            let remark = remark.trim_start();
            let body =
                |prefix: &str| remark.strip_prefix(prefix).map(|b| b.trim().to_string()).filter(|b| !b.is_empty());
            let group = events.get_mut(group_start..).unwrap_or_default();
            if let Some(name) = body("FROM CLIP NAME:") {
                if let Some(first) = group.first_mut() {
                    first.name = Some(name);
                }
            } else if let Some(name) = body("TO CLIP NAME:") {
                if let Some(last) = group.last_mut() {
                    last.name = Some(name);
                }
            } else if let Some(path) = body("FROM CLIP:").or_else(|| body("FROM FILE:")) {
                if let Some(first) = group.first_mut() {
                    first.path = Some(path);
                }
            } else if let Some(path) = body("SOURCE FILE:")
                && let Some(first) = group.first_mut()
            {
                first.path.get_or_insert(path);
            } else if let Some(note) = body("NOTE:")
                && let Some((_, labels)) = note.split_once("; clip timecode ")
                && let Some((tc_in, tc_out)) = labels.trim().split_once(' ')
                && let Some(first) = group.first_mut()
            {
                // rushes' own EDL of a clip at another rate than the
                // sequence: the source column is converted, this note keeps
                // the clip's own labels, exact.
                first.source = Source::Labels { tc_in: tc_in.to_string(), tc_out: tc_out.trim().to_string() };
            }
            continue;
        }
        let known = ["FCM:", "M2", "AUD", "SPLIT:", ">>>", "EFFECTS NAME IS", "SWITCHED TO", "FRMC", "LOC:"];
        if !known.iter().any(|k| line.starts_with(k)) {
            diagnostics.push(Diagnostic::new(line_no, Fate::Skipped, format!("not an EDL line: {line:?}")));
        }
    }
    events.retain(|e| {
        !NOT_MEDIA_REELS.iter().any(|r| e.reel.as_deref().is_some_and(|reel| reel.eq_ignore_ascii_case(r)))
    });
    Cut { format: CutFormat::Edl, title, events, diagnostics }
}

// ---------------------------------------------------------------- XML

/// An element of a small XML tree: enough for the timeline formats.
#[derive(Clone, Debug, Default)]
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
    text: String,
}

impl Node {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the child at `path` (`rate/timebase`).
    fn text_at(&self, path: &str) -> Option<&str> {
        let mut node = self;
        for part in path.split('/') {
            node = node.child(part)?;
        }
        Some(node.text.trim()).filter(|t| !t.is_empty())
    }

    /// Every element named `name` at any depth, in document order.
    fn descendants<'a>(&'a self, name: &str, out: &mut Vec<&'a Node>) {
        for c in &self.children {
            if c.name == name {
                out.push(c);
            }
            c.descendants(name, out);
        }
    }
}

/// Parses `text` into a tree (local names, attributes and text unescaped).
fn parse_xml(text: &str, format: &'static str) -> Result<Node, CutError> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        let event = reader.read_event().map_err(|e| CutError::Xml {
            format,
            position: reader.buffer_position(),
            reason: e.to_string(),
        })?;
        let element = |e: &quick_xml::events::BytesStart| Node {
            name: e.local_name().as_ref().to_string(),
            attrs: e
                .attributes()
                .flatten()
                .filter_map(|a| {
                    let value = a.normalized_value(XmlVersion::Implicit1_0).ok()?.into_owned();
                    Some((a.key.local_name().as_ref().to_string(), value))
                })
                .collect(),
            ..Node::default()
        };
        match event {
            Event::Start(e) => stack.push(element(&e)),
            Event::Empty(e) => {
                let node = element(&e);
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(node);
                }
            }
            Event::End(_) => {
                if stack.len() > 1
                    && let Some(done) = stack.pop()
                    && let Some(parent) = stack.last_mut()
                {
                    parent.children.push(done);
                }
            }
            Event::Text(t) => {
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(node) = stack.last_mut() {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        node.text.push(c);
                    } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r) {
                        node.text.push_str(s);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut root = stack.into_iter().next().unwrap_or_default();
    root.children.retain(|c| !c.name.is_empty());
    Ok(root)
}

/// A path from a `file://` URL (`file://localhost/a%20b` is `/a b`); text
/// that is not a URL is returned as it is.
pub fn path_of_url(url: &str) -> String {
    let Some(rest) = url.strip_prefix("file://") else {
        return url.to_string();
    };
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex =
            (bytes[i] == b'%').then(|| rest.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())).flatten();
        match hex {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An FCPXML time: `1001/24000s`, `52800s`, `0s`.
fn fcpxml_time(text: &str) -> Option<Seconds> {
    let t = text.trim().strip_suffix('s')?;
    let (num, den) = t.split_once('/').unwrap_or((t, "1"));
    let (num, den): (u128, u128) = (num.trim().parse().ok()?, den.trim().parse().ok()?);
    (den > 0).then(|| Seconds { num, den }.reduced())
}

/// Reads the clips of the first sequence of an FCPXML: every `asset-clip`,
/// and every `video` or `audio` that names an asset inside a `clip`, at
/// any depth (connected clips and secondary storylines too), each placed
/// on the record side through its parents' offsets.
pub fn read_fcpxml(text: &str) -> Result<Cut, CutError> {
    const FORMAT: &str = "fcpxml";
    let root = parse_xml(text, FORMAT)?;
    let fcpxml = root.child("fcpxml").ok_or(CutError::Shape { format: FORMAT, reason: "no <fcpxml>".into() })?;
    let mut diagnostics = Vec::new();
    let mut formats: HashMap<String, Seconds> = HashMap::new();
    let mut assets: HashMap<String, (String, Seconds, Option<String>)> = HashMap::new();
    if let Some(resources) = fcpxml.child("resources") {
        for f in resources.children("format") {
            if let (Some(id), Some(fd)) = (f.attr("id"), f.attr("frameDuration").and_then(fcpxml_time)) {
                formats.insert(id.to_string(), fd);
            }
        }
        for a in resources.children("asset") {
            let Some(id) = a.attr("id") else { continue };
            let src = a.child("media-rep").and_then(|m| m.attr("src")).or_else(|| a.attr("src")).map(path_of_url);
            let start = a.attr("start").and_then(fcpxml_time).unwrap_or(Seconds::ZERO);
            assets.insert(id.to_string(), (a.attr("name").unwrap_or_default().to_string(), start, src));
        }
    }
    let mut sequences = Vec::new();
    fcpxml.descendants("sequence", &mut sequences);
    let sequence = sequences
        .first()
        .ok_or(CutError::Shape { format: FORMAT, reason: "no <sequence> (a project's timeline)".into() })?;
    let title = root_title(fcpxml);
    let frame = sequence.attr("format").and_then(|f| formats.get(f)).copied();
    let rate = frame.and_then(|fd| rate_of(fd.den, fd.num));
    let drop = sequence.attr("tcFormat") == Some("DF");
    let record_format = rate.map(|r| tc_format(r, drop));
    let mut events = Vec::new();
    if let Some(spine) = sequence.child("spine") {
        fcpxml_items(spine, Seconds::ZERO, None, &assets, record_format, &mut events, &mut diagnostics);
    }
    Ok(Cut { format: CutFormat::Fcpxml, title, events, diagnostics })
}

/// The project's name, the title of an FCPXML cut.
fn root_title(fcpxml: &Node) -> Option<String> {
    let mut projects = Vec::new();
    fcpxml.descendants("project", &mut projects);
    projects.first().and_then(|p| p.attr("name")).map(str::to_string)
}

/// The items of a storyline (`spine`, or the contents of a clip) whose
/// local time `t` sits at record time `base + t - start` of the parent.
fn fcpxml_items(
    parent: &Node,
    base: Seconds,
    parent_name: Option<&str>,
    assets: &HashMap<String, (String, Seconds, Option<String>)>,
    record_format: Option<TcFormat>,
    events: &mut Vec<CutEvent>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for item in &parent.children {
        let time = |name: &str| item.attr(name).and_then(fcpxml_time);
        let (offset, start) = (time("offset").unwrap_or(Seconds::ZERO), time("start").unwrap_or(Seconds::ZERO));
        // Where this item's own time 0 lands on the record side.
        let record_at = base.plus(offset);
        let children_base = record_at.minus(start);
        match item.name.as_str() {
            "asset-clip" | "video" | "audio" if item.attr("ref").is_some() => {
                let Some((asset_name, asset_start, src)) = item.attr("ref").and_then(|r| assets.get(r)) else {
                    diagnostics.push(Diagnostic::new(
                        0,
                        Fate::Skipped,
                        format!("<{}> names no asset of the resources: {:?}", item.name, item.attr("ref")),
                    ));
                    continue;
                };
                if let Some(duration) = time("duration") {
                    let name = item.attr("name").or(parent_name).unwrap_or(asset_name);
                    let tc_in = start.minus(*asset_start);
                    let track = if item.name == "audio" { "A" } else { "V" };
                    events.push(xml_event(
                        events.len() + 1,
                        track,
                        (Some(name.to_string()), src.clone(), None),
                        (record_at, duration, record_format),
                        Source::FromStart { tc_in, tc_out: tc_in.plus(duration) },
                    ));
                }
                fcpxml_items(item, children_base, Some(asset_name), assets, record_format, events, diagnostics);
            }
            "clip" | "gap" | "spine" | "ref-clip" | "sync-clip" | "mc-clip" => {
                let name = item.attr("name").or(parent_name);
                fcpxml_items(item, children_base, name, assets, record_format, events, diagnostics);
            }
            _ => {}
        }
    }
}

/// An event of an XML or OTIO cut.
fn xml_event(
    number: usize,
    track: &str,
    (name, path, reel): (Option<String>, Option<String>, Option<String>),
    (record_at, duration, format): (Seconds, Seconds, Option<TcFormat>),
    source: Source,
) -> CutEvent {
    let (record_in, record_out, record_frames) = match format {
        Some(f) => {
            let (first, n) = (record_at.frames_at(f.rate()), duration.frames_at(f.rate()));
            let label = |frame: u64| crate::export::edl::label_after(Timecode::from_frames(0, f), frame);
            (label(first), label(first.saturating_add(n)), Some(n))
        }
        None => ("-".to_string(), "-".to_string(), None),
    };
    CutEvent {
        number,
        line: 0,
        track: track.to_string(),
        name,
        path,
        reel,
        record_in,
        record_out,
        record_frames,
        source,
    }
}

/// The labelling of a rate: drop-frame only where asked and possible.
fn tc_format(rate: Rate, drop: bool) -> TcFormat {
    if drop { TcFormat::df(rate).unwrap_or(TcFormat::ndf(rate)) } else { TcFormat::ndf(rate) }
}

/// A rate from a ratio that may not be reduced (`24000/1001`, `2500/100`).
fn rate_of(num: u128, den: u128) -> Option<Rate> {
    Rate::snap(u64::try_from(num).ok()?, u64::try_from(den).ok()?)
}

/// An xmeml `<rate>`: `timebase` and `ntsc`.
fn xmeml_rate(node: &Node) -> Option<Rate> {
    let rate = node.child("rate")?;
    let timebase: u32 = rate.text_at("timebase")?.parse().ok()?;
    let ntsc = rate.text_at("ntsc").is_some_and(|n| n.eq_ignore_ascii_case("TRUE"));
    if ntsc { Rate::new(timebase * 1000, 1001) } else { Rate::new(timebase, 1) }
}

/// Reads the clipitems of the first sequence of an FCP7 XML, on every
/// video and audio track; an item without a file (a generator, a nested
/// sequence) is passed over.
pub fn read_xmeml(text: &str) -> Result<Cut, CutError> {
    const FORMAT: &str = "xmeml";
    let root = parse_xml(text, FORMAT)?;
    let mut sequences = Vec::new();
    root.descendants("sequence", &mut sequences);
    let sequence = sequences.first().ok_or(CutError::Shape { format: FORMAT, reason: "no <sequence>".into() })?;
    let title = sequence.text_at("name").map(str::to_string);
    // Files are defined in full once and referred to by id after.
    let mut file_nodes = Vec::new();
    root.descendants("file", &mut file_nodes);
    let files: HashMap<&str, &Node> =
        file_nodes.iter().filter(|f| !f.children.is_empty()).filter_map(|f| Some((f.attr("id")?, *f))).collect();
    let seq_rate = xmeml_rate(sequence);
    let drop = sequence.text_at("timecode/displayformat") == Some("DF");
    let record_format = seq_rate.map(|r| tc_format(r, drop));
    let seq_start: u64 = sequence.text_at("timecode/frame").and_then(|f| f.parse().ok()).unwrap_or(0);
    let mut events = Vec::new();
    let mut diagnostics = Vec::new();
    let Some(media) = sequence.child("media") else {
        return Ok(Cut { format: CutFormat::Xmeml, title, events, diagnostics });
    };
    for (kind, prefix) in [("video", "V"), ("audio", "A")] {
        for (t, track) in media.child(kind).into_iter().flat_map(|k| k.children("track")).enumerate() {
            let mut previous_end = 0i64;
            for item in track.children("clipitem") {
                // Hiero writes frame counts as floats (`1055.0`).
                let number = |path: &str| {
                    item.text_at(path)
                        .and_then(|v| v.parse::<f64>().ok())
                        .filter(|v| v.is_finite())
                        .map(|v| v.round() as i64)
                };
                let file =
                    item.child("file").and_then(|f| f.attr("id").and_then(|id| files.get(id).copied()).or(Some(f)));
                let Some(file) = file.filter(|f| f.child("pathurl").is_some() || f.child("name").is_some()) else {
                    continue;
                };
                let (Some(tc_in), Some(tc_out)) = (number("in"), number("out")) else {
                    diagnostics.push(Diagnostic::new(
                        0,
                        Fate::Skipped,
                        format!("clipitem {:?} has no in/out", item.attr("id").unwrap_or("")),
                    ));
                    continue;
                };
                let Some(rate) = xmeml_rate(item).or_else(|| xmeml_rate(file)).or(seq_rate) else { continue };
                let start = number("start").filter(|&s| s >= 0).unwrap_or(previous_end);
                let len = tc_out.saturating_sub(tc_in).max(0);
                let end = number("end").filter(|&e| e >= 0).unwrap_or(start + len);
                previous_end = end;
                let at = |frames: i64| Seconds::of_frames(u64::try_from(frames).unwrap_or(0), rate);
                let record_rate = seq_rate.unwrap_or(rate);
                let record_at =
                    Seconds::of_frames(seq_start.saturating_add(u64::try_from(start).unwrap_or(0)), record_rate);
                let duration = Seconds::of_frames(u64::try_from(end - start).unwrap_or(0), record_rate);
                let name = item.text_at("name").or_else(|| file.text_at("name")).map(str::to_string);
                let path = file.text_at("pathurl").map(path_of_url);
                let reel = file.text_at("timecode/reel/name").map(str::to_string);
                events.push(xml_event(
                    events.len() + 1,
                    &format!("{prefix}{}", t + 1),
                    (name, path, reel),
                    (record_at, duration, record_format),
                    Source::FromStart { tc_in: at(tc_in), tc_out: at(tc_out) },
                ));
            }
        }
    }
    Ok(Cut { format: CutFormat::Xmeml, title, events, diagnostics })
}

// ---------------------------------------------------------------- OTIO

/// OpenTimelineIO writes non-finite floats as the bare words `Inf`,
/// `Infinity`, `-Infinity` and `NaN`, which JSON has not: outside strings
/// they become `null` (no time rushes reads is ever one of them).
fn non_finite_as_null(text: &str) -> std::borrow::Cow<'_, str> {
    if !["Inf", "NaN"].iter().any(|w| text.contains(w)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if in_string {
            (in_string, escaped) = (escaped || c != '"', !escaped && c == '\\');
        } else if c == '"' {
            in_string = true;
        } else if let Some(word) =
            ["-Infinity", "Infinity", "-Inf", "Inf", "NaN"].iter().find(|w| rest.starts_with(**w))
        {
            out.push_str("null");
            rest = &rest[word.len()..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    std::borrow::Cow::Owned(out)
}

/// A `RationalTime` as seconds and its rate.
fn otio_time(v: &serde_json::Value) -> Option<(Seconds, Rate)> {
    let rate = v.get("rate")?.as_f64().filter(|r| *r > 0.0)?;
    let value = v.get("value")?.as_f64().filter(|x| x.is_finite() && *x >= 0.0)?;
    let rate = Rate::snap((rate * 1_000_000.0).round() as u64, 1_000_000)?;
    Some((Seconds::of_frames(value.round() as u64, rate), rate))
}

fn otio_range(v: &serde_json::Value) -> Option<(Seconds, Seconds, Rate)> {
    let (start, rate) = otio_time(v.get("start_time")?)?;
    let (duration, _) = otio_time(v.get("duration")?)?;
    Some((start, duration, rate))
}

fn schema(v: &serde_json::Value) -> &str {
    v.get("OTIO_SCHEMA").and_then(|s| s.as_str()).and_then(|s| s.split('.').next()).unwrap_or("")
}

/// Reads the clips of an OpenTimelineIO timeline (or of the first
/// timeline of a collection): every track of its stack, a clip's record
/// time the sum of the items before it from the global start time; nested
/// stacks and tracks are read in place.
pub fn read_otio(text: &str) -> Result<Cut, CutError> {
    let doc: serde_json::Value =
        serde_json::from_str(&non_finite_as_null(text)).map_err(|e| CutError::Json(e.to_string()))?;
    let timeline = match schema(&doc) {
        "Timeline" => &doc,
        "SerializableCollection" => doc
            .get("children")
            .and_then(|c| c.as_array())
            .and_then(|c| c.iter().find(|t| schema(t) == "Timeline"))
            .ok_or(CutError::Shape { format: "otio", reason: "a collection without a timeline".into() })?,
        other => return Err(CutError::Shape { format: "otio", reason: format!("a {other:?}, not a Timeline") }),
    };
    let title = timeline.get("name").and_then(|n| n.as_str()).map(str::to_string).filter(|n| !n.is_empty());
    let global = timeline.get("global_start_time").and_then(otio_time);
    let mut events = Vec::new();
    let mut diagnostics = Vec::new();
    let Some(tracks) = timeline.get("tracks") else {
        return Ok(Cut { format: CutFormat::Otio, title, events, diagnostics });
    };
    let start = global.map_or(Seconds::ZERO, |(s, _)| s);
    let record_rate = global.map(|(_, r)| r);
    otio_composition(tracks, start, record_rate, "", &mut events, &mut diagnostics);
    Ok(Cut { format: CutFormat::Otio, title, events, diagnostics })
}

/// The items of a stack (all at `at`) or a track (one after the other).
fn otio_composition(
    node: &serde_json::Value,
    at: Seconds,
    record_rate: Option<Rate>,
    track_name: &str,
    events: &mut Vec<CutEvent>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Seconds {
    let children = node.get("children").and_then(|c| c.as_array()).map(Vec::as_slice).unwrap_or_default();
    let is_stack = schema(node) == "Stack";
    let name = node.get("name").and_then(|n| n.as_str()).filter(|n| !n.is_empty()).unwrap_or(track_name);
    let mut t = at;
    let mut longest = Seconds::ZERO;
    for item in children {
        let range = item.get("source_range").and_then(otio_range);
        let length = match schema(item) {
            "Clip" => {
                let Some((start, duration, rate)) = range else {
                    diagnostics.push(Diagnostic::new(
                        0,
                        Fate::Skipped,
                        format!("clip {:?} has no source range", item.get("name")),
                    ));
                    continue;
                };
                let reference = item
                    .get("active_media_reference_key")
                    .and_then(|k| k.as_str())
                    .and_then(|k| item.get("media_references").and_then(|m| m.get(k)))
                    .or_else(|| item.get("media_reference"));
                let path = reference.and_then(|r| r.get("target_url")).and_then(|u| u.as_str()).map(path_of_url);
                let available = reference.and_then(|r| r.get("available_range")).and_then(otio_range);
                let source = match available {
                    Some((first, _, _)) => {
                        let tc_in = start.minus(first);
                        Source::FromStart { tc_in, tc_out: tc_in.plus(duration) }
                    }
                    None => Source::SinceMidnight { tc_in: start, tc_out: start.plus(duration) },
                };
                let reel = item.pointer("/metadata/cmx_3600/reel").and_then(|r| r.as_str()).map(str::to_string);
                let clip_name = item.get("name").and_then(|n| n.as_str()).map(str::to_string);
                let rate = record_rate.unwrap_or(rate);
                let format = tc_format(rate, rate.allows_drop_frame());
                events.push(xml_event(
                    events.len() + 1,
                    name,
                    (clip_name, path, reel),
                    (t, duration, Some(format)),
                    source,
                ));
                duration
            }
            "Gap" => range.map_or(Seconds::ZERO, |(_, d, _)| d),
            "Track" | "Stack" => otio_composition(item, t, record_rate, name, events, diagnostics),
            // Transitions overlap their neighbours and take no time.
            _ => Seconds::ZERO,
        };
        if is_stack {
            if length.num * longest.den > longest.num * length.den {
                longest = length;
            }
        } else {
            t = t.plus(length);
        }
    }
    if is_stack { longest } else { t.minus(at) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edl_dialects() {
        let text = "TITLE:   dissolve\nFCM: NON-DROP FRAME\n\
            001  TST V     C        01:00:04:05 01:00:04:10 01:00:00:00 01:00:00:05 \n\
            * FROM CLIP NAME:  clip_A\n\
            002  TST V     C        01:00:04:10 01:00:04:10 01:00:00:05 01:00:00:05 \n\
            002  TST V     D    010 01:00:08:04 01:00:08:14 01:00:00:05 01:00:00:15 \n\
            * BLEND, DISSOLVE \n* FROM CLIP NAME:  clip_A\n* TO CLIP NAME:  clip_B\n\
            M2   TST       050.0                01:00:08:04\n\
            000003  B116C001_150514_R0UR             V     C        16:37:29:06 16:37:40:22 01:00:38:17 01:00:50:09 \n\
            *FROM CLIP NAME:  V4L-1* \n*SOURCE FILE: B116C001_150514_R0UR\n\
            004  BL V C 00:00:00:00 00:00:01:00 01:00:50:09 01:00:51:09\n\
            005  AX V C 01:00\n\
            rubbish here\n";
        let cut = read_edl(text);
        assert_eq!(cut.title.as_deref(), Some("dissolve"));
        let seen: Vec<(usize, usize, Option<&str>, Option<&str>)> =
            cut.events.iter().map(|e| (e.number, e.line, e.name.as_deref(), e.path.as_deref())).collect();
        assert_eq!(
            seen,
            [
                (1, 3, Some("clip_A"), None),
                (2, 5, Some("clip_A"), None),
                (2, 6, Some("clip_B"), None),
                (3, 11, Some("V4L-1*"), Some("B116C001_150514_R0UR")),
            ]
        );
        assert_eq!(cut.events[3].reel.as_deref(), Some("B116C001_150514_R0UR"));
        let lines: Vec<usize> = cut.diagnostics.iter().map(|d| d.line).collect();
        assert_eq!(lines, [15, 16]);
        assert_eq!(CutFormat::detect(text), Some(CutFormat::Edl));
        assert_eq!(CutFormat::detect("hello\n"), None);
    }

    #[test]
    fn otio_non_finite_floats() {
        let text = r#"{"a": Inf, "b": -Infinity, "c": NaN, "d": "Inf \" NaN", "e": [1.5]}"#;
        let v: serde_json::Value = serde_json::from_str(&non_finite_as_null(text)).expect("json");
        assert_eq!(v, serde_json::json!({"a": null, "b": null, "c": null, "d": "Inf \" NaN", "e": [1.5]}));
    }

    #[test]
    fn urls_times_and_rates() {
        assert_eq!(path_of_url("file://localhost/a%20b/c%C3%A9.mov"), "/a b/cé.mov");
        assert_eq!(path_of_url("file:///x"), "/x");
        assert_eq!(path_of_url("C:\\x"), "C:\\x");
        assert_eq!(fcpxml_time("1001/24000s"), Some(Seconds { num: 1001, den: 24000 }));
        assert_eq!(fcpxml_time("3600s"), Some(Seconds { num: 3600, den: 1 }));
        assert_eq!(fcpxml_time("x"), None);
        assert_eq!(fcpxml_time("1/0s"), None);
        let t = Seconds::of_frames(48, Rate::FPS_23_976);
        assert_eq!(t.frames_at(Rate::FPS_23_976), 48);
        assert_eq!(t.plus(t).minus(t), t);
        assert_eq!(Seconds::ZERO.minus(t), Seconds::ZERO);
    }

    /// Every real cut in `../shared/realdata` reads without a panic, and
    /// the ones with media give events.
    #[test]
    fn real_cuts_read() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realdata");
        let mut files = Vec::new();
        for dir in [
            "otio-cmx3600-adapter/tests/sample_data",
            "pycmx/tests/edls",
            "otio-fcp-adapter/tests/sample_data",
            "otio-fcpx-xml-adapter/tests/sample_data",
            "OpenTimelineIO/tests/sample_data",
        ] {
            let dir = root.join(dir);
            assert!(dir.exists(), "{} is missing", dir.display());
            for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
                files.push(entry.path());
            }
        }
        let mut n_read = 0;
        let mut empty = Vec::new();
        for path in files {
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !matches!(ext, "edl" | "xml" | "fcpxml" | "otio") {
                continue;
            }
            let bytes = std::fs::read(&path).expect("read");
            // A fragment holding one filter, not a timeline.
            if path.ends_with("premiere_example_filter.xml") {
                assert_eq!(read(&bytes), Err(CutError::Unknown));
                continue;
            }
            match read_bytes_checked(&bytes) {
                Ok(cut) => {
                    n_read += 1;
                    if cut.events.is_empty() {
                        empty.push(path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
                    }
                }
                Err(e) => panic!("{}: {e}", path.display()),
            }
        }
        assert!(n_read >= 40, "{n_read} cuts read");
        empty.sort();
        // An xmeml sequence whose <media> is empty, and an OTIO timeline
        // holding only a generator.
        assert_eq!(empty, ["generator_reference_test.otio", "sample_just_track.xml"]);
    }

    fn read_bytes_checked(bytes: &[u8]) -> Result<Cut, CutError> {
        let cut = read(bytes)?;
        for e in &cut.events {
            assert!(!e.track.is_empty() || cut.format == CutFormat::Otio, "{e:?}");
        }
        Ok(cut)
    }
}
