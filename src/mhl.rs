//! Reading ASC Media Hash Lists, the checksums offload tools (Silverstack,
//! ShotPut Pro, Hedge, OffShoot, the ASC's own `ascmhl`) leave beside a
//! copied card. Pure: text in, values and [`Diagnostic`]s out; reading the
//! files and hashing the media is `verify`'s.
//!
//! Two shapes share the `<hashlist>` root:
//! - **ASC MHL v2** (`urn:ASC:MHL:v2.0`): one generation per copy or check,
//!   `ascmhl/NNNN_<folder>_<date>.mhl`, each `<hash>` a `<path size
//!   lastmodificationdate>` and one or more of `xxh64`, `xxh3`, `xxh128`,
//!   `md5`, `sha1`, `c4` with an `action`; `<creatorinfo>` has the tool,
//!   host, date and an optional `<author><name>`. `ascmhl/ascmhl_chain.xml`
//!   lists each generation's file with its own c4 ([`parse_chain`]).
//! - **legacy MHL v1.1**: `<hash>` with `<file>`, `<size>`,
//!   `<lastmodificationdate>` and one of `<md5>`, `<sha1>`, `<xxhash64be>`
//!   (canonical hex) or `<xxhash64>` (the same 8 bytes in little-endian
//!   order, as Silverstack wrote them before `xxhash64be`); `<creatorinfo>`
//!   has `name`, `username`, `hostname`, `tool`, `startdate`, `finishdate`.
//!
//! The reader is tolerant: a hash entry it cannot use is reported with its
//! line and left out, malformed XML ends the file with what was read so
//! far, and a path listed twice keeps its first entry.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};
use serde::Serialize;

use crate::hash::Algo;
use crate::text::{Diagnostic, Fate};

/// Which MHL shape a hash list is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Version {
    /// ASC MHL v2 (a generation of an `ascmhl/` history).
    #[serde(rename = "2.0")]
    V2,
    /// The legacy MHL v1.1 of older offload tools.
    #[serde(rename = "1.1")]
    V1,
}

/// Who made a hash list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Creator {
    /// The tool and its version (`ascmhl 1.2`, `Silverstack 8.3.1`).
    pub tool: Option<String>,
    pub host: Option<String>,
    /// The author's name (v2 `<author><name>`, v1.1 `<name>` or `<username>`).
    pub author: Option<String>,
    /// When it was made (v2 `creationdate`, v1.1 `finishdate`), as written.
    pub date: Option<String>,
}

/// One checksum listed for a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Listed {
    pub algo: Algo,
    /// Lower-case, in the canonical form `hash` computes.
    pub value: String,
    /// v2 `action`: `original`, `verified` or `failed`.
    pub action: Option<String>,
}

/// One file of a hash list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// As written: relative to the history's (or the v1.1 file's) folder.
    pub path: String,
    pub size: Option<u64>,
    pub modified: Option<String>,
    pub hashes: Vec<Listed>,
    /// The line of its `<hash>`.
    pub line: usize,
}

impl Entry {
    /// An entry still to be filled, its `<hash>` at `line`.
    fn at(line: usize) -> Entry {
        Entry { path: String::new(), size: None, modified: None, hashes: Vec::new(), line }
    }

    /// The value to check the file against: the strongest listed, leaving
    /// out those the tool itself recorded as `failed`.
    pub fn strongest(&self) -> Option<&Listed> {
        self.hashes.iter().filter(|h| h.action.as_deref() != Some("failed")).max_by_key(|h| h.algo.strength())
    }
}

/// A parsed hash list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HashList {
    pub version: Version,
    pub creator: Creator,
    pub entries: Vec<Entry>,
}

/// One generation as the chain file lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChainLink {
    pub sequence: Option<u32>,
    /// The generation's file name, inside `ascmhl/`.
    pub path: String,
    pub algo: Algo,
    pub value: String,
    pub line: usize,
}

/// Line numbers of byte offsets, counted forward once.
struct Lines<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
}

impl Lines<'_> {
    fn at(&mut self, pos: u64) -> usize {
        let pos = usize::try_from(pos).unwrap_or(usize::MAX).min(self.text.len());
        if pos >= self.pos {
            let seen = self.text.as_bytes().get(self.pos..pos).unwrap_or_default();
            self.line += seen.iter().filter(|&&b| b == b'\n').count();
            self.pos = pos;
        }
        self.line
    }
}

/// The element's local name, lower-cased (tools differ in case).
fn name_of(e: &BytesStart<'_>) -> String {
    e.local_name().as_ref().to_ascii_lowercase()
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref().eq_ignore_ascii_case(name))
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// Walks an XML document, calling `on` with each element's path of names
/// (outermost first), its attributes, its text, and its start line, when
/// the element ends. Malformed XML ends the walk with a diagnostic.
fn walk(text: &str, mut on: impl FnMut(&[String], &HashMap<String, String>, &str, usize)) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut reader = quick_xml::Reader::from_str(text);
    let mut lines = Lines { text, pos: 0, line: 1 };
    // (name, attributes, text, line) of each open element.
    let mut stack: Vec<(String, HashMap<String, String>, String, usize)> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    loop {
        let pos = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                let line = lines.at(reader.error_position().max(pos));
                let reason = format!("malformed XML, the rest of the file not read: {e}");
                diags.push(Diagnostic::new(line, Fate::Skipped, reason));
                return diags;
            }
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let line = lines.at(pos);
                let attrs = e
                    .attributes()
                    .flatten()
                    .map(|a| {
                        let key = a.key.local_name().as_ref().to_ascii_lowercase();
                        (key.clone(), attr(e, &key).unwrap_or_default())
                    })
                    .collect();
                let name = name_of(e);
                if matches!(event, Event::Empty(_)) {
                    names.push(name);
                    on(&names, &attrs, "", line);
                    names.pop();
                } else {
                    names.push(name.clone());
                    stack.push((name, attrs, String::new(), line));
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.2.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.2.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let (Some(top), Some(c)) = (stack.last_mut(), entity(r.as_ref())) {
                    top.2.push(c);
                }
            }
            Event::End(_) => {
                if let Some((_, attrs, body, line)) = stack.pop() {
                    on(&names, &attrs, body.trim(), line);
                    names.pop();
                }
            }
            Event::Eof => {
                if let Some((name, _, _, line)) = stack.last() {
                    let reason = format!("the file ends inside <{name}>: cut short?");
                    diags.push(Diagnostic::new(*line, Fate::Skipped, reason));
                }
                return diags;
            }
            _ => {}
        }
    }
}

/// A hash value as the tool wrote it, in the canonical form; `None` when it
/// is not one (wrong length or characters).
fn canonical(algo: Algo, raw: &str, little_endian: bool) -> Option<String> {
    let raw = raw.trim();
    if algo == Algo::C4 {
        let ok = raw.len() == 90 && raw.starts_with("c4") && raw.bytes().skip(2).all(|b| b.is_ascii_alphanumeric());
        return ok.then(|| raw.to_string());
    }
    let len = match algo {
        Algo::Xxh64 | Algo::Xxh3 => 16,
        Algo::Xxh128 | Algo::Md5 => 32,
        Algo::Sha1 => 40,
        Algo::C4 => 90,
    };
    if raw.len() != len || !raw.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let lower = raw.to_ascii_lowercase();
    if !little_endian {
        return Some(lower);
    }
    let bytes: Vec<&str> = (0..len).step_by(2).filter_map(|i| lower.get(i..i + 2)).collect();
    Some(bytes.into_iter().rev().collect())
}

/// The algorithm a hash element names, in either shape, and whether its
/// value is written little-endian (v1.1 `xxhash64`).
fn algo_of(name: &str) -> Option<(Algo, bool)> {
    match name {
        "xxhash64be" => Some((Algo::Xxh64, false)),
        "xxhash64" => Some((Algo::Xxh64, true)),
        other => Algo::from_name(other).map(|a| (a, false)),
    }
}

/// Elements inside a `<hash>` that are not checksums.
const NOT_HASHES: &[&str] =
    &["path", "file", "size", "lastmodificationdate", "creationdate", "hashdate", "metadata", "previouspath"];

/// Reads one hash list, v2 or v1.1 (told apart by its `version` or, failing
/// that, by `<file>` against `<path>`).
pub fn parse_hashlist(text: &str) -> (HashList, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut list = HashList { version: Version::V2, creator: Creator::default(), entries: Vec::new() };
    let mut seen_root = false;
    let mut entry: Option<Entry> = None;
    let mut first_line: HashMap<String, usize> = HashMap::new();
    let (mut name_v1, mut user_v1, mut finish_v1) = (None, None, None);
    let mut tool_version = None;
    let xml = walk(text, |names, attrs, body, line| {
        let Some(name) = names.last().map(String::as_str) else { return };
        let parent = names.len().checked_sub(2).and_then(|i| names.get(i)).map(String::as_str);
        let value = (!body.is_empty()).then(|| body.to_string());
        match (parent, name) {
            (None, "hashlist") => {
                seen_root = true;
                if attrs.get("version").is_some_and(|v| v.starts_with('1')) {
                    list.version = Version::V1;
                }
            }
            (Some("creatorinfo"), "tool") => {
                list.creator.tool = value;
                tool_version = attrs.get("version").cloned();
            }
            (Some("creatorinfo"), "hostname") => list.creator.host = value,
            (Some("creatorinfo"), "creationdate") => list.creator.date = value,
            (Some("creatorinfo"), "name") => name_v1 = value,
            (Some("creatorinfo"), "username") => user_v1 = value,
            (Some("creatorinfo"), "finishdate") => finish_v1 = value,
            (Some("author"), "name") => list.creator.author = value,
            (Some("hash"), "path" | "file") => {
                if name == "file" {
                    list.version = Version::V1;
                }
                let e = entry.get_or_insert_with(|| Entry::at(line));
                e.path = body.to_string();
                if let Some(size) = attrs.get("size") {
                    e.size = size.trim().parse().ok();
                }
                e.modified = attrs.get("lastmodificationdate").cloned().or(e.modified.take());
            }
            (Some("hash"), "size") => {
                let e = entry.get_or_insert_with(|| Entry::at(line));
                e.size = body.parse().ok();
                if e.size.is_none() {
                    diags.push(Diagnostic::new(line, Fate::Kept, format!("size {body:?} is not a number")));
                }
            }
            (Some("hash"), "lastmodificationdate") => {
                if let Some(e) = entry.as_mut() {
                    e.modified = value;
                }
            }
            (Some("hash"), other) if !NOT_HASHES.contains(&other) => {
                let e = entry.get_or_insert_with(|| Entry::at(line));
                match algo_of(other) {
                    None => diags.push(Diagnostic::new(
                        line,
                        Fate::Skipped,
                        format!("unknown hash algorithm <{other}>: this value is not checked"),
                    )),
                    Some((algo, le)) => match canonical(algo, body, le) {
                        Some(v) => e.hashes.push(Listed { algo, value: v, action: attrs.get("action").cloned() }),
                        None => diags.push(Diagnostic::new(
                            line,
                            Fate::Skipped,
                            format!("{algo} value {body:?} is not a {algo} checksum"),
                        )),
                    },
                }
            }
            (_, "hash") => {
                let Some(mut e) = entry.take() else {
                    diags.push(Diagnostic::new(line, Fate::Skipped, "a <hash> with no file path"));
                    return;
                };
                e.line = line;
                if e.path.is_empty() {
                    diags.push(Diagnostic::new(line, Fate::Skipped, "a <hash> with no file path"));
                } else if e.hashes.is_empty() {
                    let reason = format!("{}: no checksum this reader knows, not checked", e.path);
                    diags.push(Diagnostic::new(line, Fate::Skipped, reason));
                } else if let Some(first) = first_line.get(&e.path) {
                    let reason = format!("{} is listed twice (first at line {first}); the first is kept", e.path);
                    diags.push(Diagnostic::new(line, Fate::Skipped, reason));
                } else {
                    first_line.insert(e.path.clone(), line);
                    list.entries.push(e);
                }
            }
            _ => {}
        }
    });
    diags.extend(xml);
    diags.sort_by_key(|d| d.line);
    if !seen_root && diags.is_empty() {
        diags.push(Diagnostic::new(0, Fate::Skipped, "not a media hash list: no <hashlist> root"));
    }
    if let (Some(tool), Some(version)) = (&list.creator.tool, tool_version) {
        list.creator.tool = Some(format!("{tool} {version}"));
    }
    if list.creator.author.is_none() {
        list.creator.author = name_v1.or(user_v1);
    }
    if list.creator.date.is_none() {
        list.creator.date = finish_v1;
    }
    (list, diags)
}

/// Reads `ascmhl_chain.xml`: each generation's file and its own checksum.
pub fn parse_chain(text: &str) -> (Vec<ChainLink>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut links = Vec::new();
    let mut seen_root = false;
    let mut path = None;
    let mut hash: Option<(Algo, String)> = None;
    let xml = walk(text, |names, attrs, body, line| {
        let Some(name) = names.last().map(String::as_str) else { return };
        let parent = names.len().checked_sub(2).and_then(|i| names.get(i)).map(String::as_str);
        match (parent, name) {
            (None, "ascmhldirectory") => seen_root = true,
            (Some("hashlist"), "path") => path = Some(body.to_string()),
            (Some("hashlist"), other) => match Algo::from_name(other) {
                Some(algo) => match canonical(algo, body, false) {
                    Some(v) => hash = Some((algo, v)),
                    None => diags.push(Diagnostic::new(
                        line,
                        Fate::Skipped,
                        format!("{algo} value {body:?} is not a {algo} checksum"),
                    )),
                },
                None => diags.push(Diagnostic::new(
                    line,
                    Fate::Skipped,
                    format!("unknown hash algorithm <{other}> for a generation"),
                )),
            },
            (Some("ascmhldirectory"), "hashlist") => {
                let sequence = attrs.get("sequencenr").and_then(|s| s.trim().parse().ok());
                match (path.take(), hash.take()) {
                    (Some(path), Some((algo, value))) if !path.is_empty() => {
                        links.push(ChainLink { sequence, path, algo, value, line })
                    }
                    _ => {
                        diags.push(Diagnostic::new(line, Fate::Skipped, "a generation without a file name or checksum"))
                    }
                }
            }
            _ => {}
        }
    });
    diags.extend(xml);
    diags.sort_by_key(|d| d.line);
    if !seen_root && diags.is_empty() {
        diags.push(Diagnostic::new(0, Fate::Skipped, "not an ASC MHL chain: no <ascmhldirectory> root"));
    }
    (links, diags)
}

/// `path`, written relative to `base` (both `/`-separated, relative to the
/// dump), as a path relative to the dump; an error when it is absolute or
/// climbs out of the dump.
pub fn inside(base: &str, path: &str) -> Result<String, String> {
    let path = path.replace('\\', "/");
    if path.starts_with('/') || path.get(1..2) == Some(":") {
        return Err(format!("{path} is an absolute path, outside the dump: ignored"));
    }
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!("{path} points outside the dump: ignored"));
                }
            }
            p => parts.push(p),
        }
    }
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const V2: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<hashlist version="2.0" xmlns="urn:ASC:MHL:v2.0">
  <creatorinfo>
    <creationdate>2026-03-14T18:02:11+00:00</creationdate>
    <hostname>dit-cart</hostname>
    <tool version="1.2">ascmhl</tool>
    <author><name>Ana DIT</name><email>ana@example.com</email></author>
  </creatorinfo>
  <hashes>
    <hash>
      <path size="6" lastmodificationdate="2026-03-14T17:00:00+00:00">A001/C0001.MP4</path>
      <xxh64 action="original" hashdate="2026-03-14T18:02:11+00:00">E4C191D091BD8853</xxh64>
      <md5 action="original">b1946ac92492d2347c6235b4d2611184</md5>
    </hash>
    <directoryhash>
      <path>A001</path>
      <content><xxh64>722f910550449bd9</xxh64></content>
    </directoryhash>
    <hash>
      <path size="9">A001/C0002.MP4</path>
      <xxh32 action="original">1234abcd</xxh32>
      <xxh64 action="original">00000000000000zz</xxh64>
    </hash>
    <hash>
      <path size="6">A001/C0001.MP4</path>
      <xxh64 action="verified">e4c191d091bd8853</xxh64>
    </hash>
  </hashes>
</hashlist>
"#;

    #[test]
    fn a_v2_generation_with_its_creator_and_bad_entries_by_line() {
        let (list, diags) = parse_hashlist(V2);
        assert_eq!(list.version, Version::V2);
        assert_eq!(list.creator.tool.as_deref(), Some("ascmhl 1.2"));
        assert_eq!(list.creator.host.as_deref(), Some("dit-cart"));
        assert_eq!(list.creator.author.as_deref(), Some("Ana DIT"));
        assert_eq!(list.creator.date.as_deref(), Some("2026-03-14T18:02:11+00:00"));
        assert_eq!(list.entries.len(), 1, "{diags:?}");
        let e = &list.entries[0];
        assert_eq!((e.path.as_str(), e.size, e.line), ("A001/C0001.MP4", Some(6), 10));
        assert_eq!(e.hashes[0].value, "e4c191d091bd8853");
        assert_eq!(e.strongest().map(|h| h.algo), Some(Algo::Md5));
        let lines: Vec<(usize, &str)> = diags.iter().map(|d| (d.line, d.reason.as_str())).collect();
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert!(lines[0].0 == 19 && lines[0].1.contains("no checksum"));
        assert!(lines[1].0 == 21 && lines[1].1.contains("unknown hash algorithm <xxh32>"));
        assert!(lines[2].0 == 22 && lines[2].1.contains("not a xxh64 checksum"));
        assert!(lines[3].0 == 24 && lines[3].1.contains("listed twice (first at line 10)"));
    }

    #[test]
    fn a_legacy_v1_1_list_with_little_endian_xxhash64() {
        let text = "<?xml version=\"1.0\"?>\n<hashlist version=\"1.1\">\n<creatorinfo><name>Sam Loader</name>\
            <username>sam</username><hostname>mbp.local</hostname><tool>ShotPut Pro 2019.1</tool>\
            <startdate>2019-03-14T10:00:00Z</startdate><finishdate>2019-03-14T10:05:00Z</finishdate></creatorinfo>\n\
            <hash><file>CLIP/a.mov</file><size>6</size><lastmodificationdate>2019-03-14T09:00:00Z</lastmodificationdate>\
            <xxhash64>5388bd91d091c1e4</xxhash64><hashdate>2019-03-14T10:01:00Z</hashdate></hash>\n\
            <hash><file>CLIP/b.mov</file><size>6</size><xxhash64be>E4C191D091BD8853</xxhash64be></hash>\n</hashlist>";
        let (list, diags) = parse_hashlist(text);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(list.version, Version::V1);
        assert_eq!(list.creator.tool.as_deref(), Some("ShotPut Pro 2019.1"));
        assert_eq!(list.creator.author.as_deref(), Some("Sam Loader"));
        assert_eq!(list.creator.date.as_deref(), Some("2019-03-14T10:05:00Z"));
        let values: Vec<(&str, &str, Option<u64>)> =
            list.entries.iter().map(|e| (e.path.as_str(), e.hashes[0].value.as_str(), e.size)).collect();
        assert_eq!(values, [("CLIP/a.mov", "e4c191d091bd8853", Some(6)), ("CLIP/b.mov", "e4c191d091bd8853", Some(6))]);
        assert_eq!(list.entries[1].line, 5);
    }

    #[test]
    fn malformed_xml_keeps_what_came_before_and_says_where() {
        let cut = "<hashlist version=\"2.0\">\n<hashes>\n<hash><path>a.mov</path><md5>b1946ac92492d2347c6235b4d2611184</md5></hash>\n<hash><path>b.mov</pth></hash>\n";
        let (list, diags) = parse_hashlist(cut);
        assert_eq!(list.entries.len(), 1);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].line, 4);
        assert!(diags[0].reason.starts_with("malformed XML"), "{diags:?}");
        let (_, diags) = parse_hashlist("plain text, not XML");
        assert_eq!(diags.len(), 1);
    }

    #[test]
    fn the_chain_lists_generations_with_their_c4() {
        let c4 = "c459dsjfscH38cYeXXYogktxf4Cd9ibshE3BHUo6a58hBXmRQdZrAkZzsWcbWtDg5oQstpDuni4Hirj75GEmTc1sFT";
        let text = format!(
            "<ascmhldirectory xmlns=\"urn:ASC:MHL:DIRECTORY:v2.0\">\n<hashlist sequencenr=\"1\">\n\
             <path>0001_A_2026-03-14_180211Z.mhl</path>\n<c4>{c4}</c4>\n</hashlist>\n\
             <hashlist sequencenr=\"2\"><path>0002.mhl</path><sha256>00</sha256></hashlist>\n</ascmhldirectory>"
        );
        let (links, diags) = parse_chain(&text);
        assert_eq!(links.len(), 1);
        assert_eq!((links[0].sequence, links[0].algo, links[0].line), (Some(1), Algo::C4, 2));
        assert_eq!(links[0].value, c4);
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert!(diags[0].reason.contains("unknown hash algorithm <sha256>"));
    }

    #[test]
    fn paths_stay_inside_the_dump() {
        assert_eq!(inside("", "A001/C0001.MP4").as_deref(), Ok("A001/C0001.MP4"));
        assert_eq!(inside("CARD", "./x/../C1.MP4").as_deref(), Ok("CARD/C1.MP4"));
        assert_eq!(inside("CARD", "..\\other.mov").as_deref(), Ok("other.mov"));
        assert!(inside("CARD", "../../etc/passwd").is_err());
        assert!(inside("", "/etc/passwd").is_err());
        assert!(inside("", "C:/media/a.mov").is_err());
    }
}
