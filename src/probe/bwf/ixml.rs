//! iXML: the recorder's XML chunk (scene, take, speed, timestamp samples,
//! track names), read tolerantly with quick-xml.

use quick_xml::events::Event;
use quick_xml::reader::Reader;

use super::{non_empty, parse_bool};
use crate::timecode::{Rate, TcFormat};

/// What an iXML chunk says. Every field is optional because every writer
/// leaves out something.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ixml {
    pub project: Option<String>,
    pub scene: Option<String>,
    pub take: Option<String>,
    pub tape: Option<String>,
    pub note: Option<String>,
    pub circled: Option<bool>,
    pub family_uid: Option<String>,
    /// `SPEED/TIMECODE_RATE` with `SPEED/TIMECODE_FLAG` (NDF unless `DF`).
    pub timecode: Option<TcFormat>,
    /// `SPEED/TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI` and `_LO` combined.
    pub timestamp_samples: Option<u64>,
    /// `SPEED/TIMESTAMP_SAMPLE_RATE`, the rate the timestamp counts in.
    pub timestamp_sample_rate: Option<u32>,
    /// `TRACK_LIST/TRACK/NAME` in document order; a track without a name
    /// keeps its place as an empty string unless every name is empty.
    pub track_names: Vec<String>,
}

/// Parses an iXML document, keeping whatever can be read: a BOM, junk
/// before the first tag, unknown elements and malformed XML are ignored
/// (values complete before an error are kept).
pub fn parse_ixml(xml: &str) -> Ixml {
    let xml = xml.trim_start_matches('\u{feff}');
    let Some(xml) = xml.find('<').and_then(|i| xml.get(i..)) else {
        return Ixml::default();
    };
    let mut reader = Reader::from_str(xml);
    {
        let config = reader.config_mut();
        config.allow_dangling_amp = true;
        config.allow_unmatched_ends = true;
        config.check_end_names = false;
    }

    let mut fields = IxmlFields::default();
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut last_pos = 0u64;
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(_) => {
                // quick-xml can go on after most errors; stop only when it
                // makes no progress, so a bad element costs only itself.
                let pos = reader.buffer_position();
                if pos <= last_pos {
                    break;
                }
                last_pos = pos;
                continue;
            }
        };
        last_pos = reader.buffer_position();
        match event {
            Event::Start(e) => {
                let name = e.name().into_inner().to_ascii_uppercase();
                if name == "TRACK" {
                    fields.track_name = None;
                }
                path.push(name);
                text.clear();
            }
            Event::Empty(e) => {
                path.push(e.name().into_inner().to_ascii_uppercase());
                text.clear();
                fields.commit(&path, "");
                path.pop();
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r) {
                    text.push_str(s);
                }
            }
            Event::End(e) => {
                let name = e.name().into_inner().to_ascii_uppercase();
                // A mismatched end tag closes the innermost element of that
                // name; one that matches nothing open is ignored.
                let Some(depth) = path.iter().rposition(|p| *p == name) else {
                    continue;
                };
                path.truncate(depth + 1);
                fields.commit(&path, text.trim());
                path.pop();
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    fields.finish()
}

/// The iXML fields as they are read, before the pieces that come in
/// separate elements (rate and flag, the two halves of the timestamp, a
/// track's name) are put together.
#[derive(Default)]
pub(super) struct IxmlFields {
    pub(super) out: Ixml,
    pub(super) rate: Option<Rate>,
    pub(super) drop: Option<bool>,
    pub(super) hi: Option<u64>,
    pub(super) lo: Option<u64>,
    pub(super) track_name: Option<String>,
}

impl IxmlFields {
    /// Stores the text of the element that just closed, if its path (below
    /// the root element) is one iXML field read here.
    fn commit(&mut self, path: &[String], value: &str) {
        // The root is BWFXML in every file seen, but the fields are matched
        // below whatever root there is.
        let below_root: Vec<&str> = path.iter().skip(1).map(String::as_str).collect();
        let text = || non_empty(value);
        let out = &mut self.out;
        match below_root.as_slice() {
            ["PROJECT"] => out.project = text(),
            ["SCENE"] => out.scene = text(),
            ["TAKE"] => out.take = text(),
            ["TAPE"] => out.tape = text(),
            ["NOTE"] => out.note = text(),
            ["CIRCLED"] => out.circled = parse_bool(value),
            ["FILE_SET", "FAMILY_UID"] => out.family_uid = text(),
            ["SPEED", "TIMECODE_RATE"] => self.rate = Rate::parse(value).ok(),
            ["SPEED", "TIMECODE_FLAG"] => {
                self.drop = match value.to_ascii_uppercase().as_str() {
                    "DF" | "DROP" => Some(true),
                    "NDF" | "ND" => Some(false),
                    _ => None,
                }
            }
            ["SPEED", "TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI"] => self.hi = parse_u32_word(value),
            ["SPEED", "TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO"] => self.lo = parse_u32_word(value),
            ["SPEED", "TIMESTAMP_SAMPLE_RATE"] => {
                out.timestamp_sample_rate = value.parse::<u32>().ok().filter(|&r| r > 0)
            }
            ["TRACK_LIST", "TRACK", "NAME"] => self.track_name = Some(value.to_string()),
            ["TRACK_LIST", "TRACK"] => out.track_names.push(self.track_name.take().unwrap_or_default()),
            _ => {}
        }
    }

    fn finish(self) -> Ixml {
        let mut out = self.out;
        out.timecode = self.rate.map(|r| TcFormat::new(r, self.drop.unwrap_or(false)));
        // A timestamp needs its low half; a lone high half is ignored.
        out.timestamp_samples = self.lo.map(|lo| (self.hi.unwrap_or(0) << 32) | lo);
        if out.track_names.iter().all(String::is_empty) {
            out.track_names.clear();
        }
        out
    }
}

/// Parses one 32-bit half of an iXML sample count. Writers zero-pad it
/// (`0000000000`) and some write it as a signed number, as Metacorder does
/// for its BEXT copy; a negative value is the same 32 bits.
pub(super) fn parse_u32_word(value: &str) -> Option<u64> {
    let n: i64 = value.trim().parse().ok()?;
    if (i64::from(i32::MIN)..=i64::from(u32::MAX)).contains(&n) { Some(u64::from(n as u32)) } else { None }
}

/// Turns an iXML chunk into text: UTF-16 when it starts with a UTF-16 BOM,
/// else UTF-8 with invalid bytes replaced, without trailing NUL padding.
pub(super) fn xml_text(bytes: &[u8]) -> String {
    let utf16 = |big_endian: bool| {
        let units = bytes.get(2..).unwrap_or_default().chunks_exact(2).map(|p| match p {
            [a, b] if big_endian => u16::from_be_bytes([*a, *b]),
            [a, b] => u16::from_le_bytes([*a, *b]),
            _ => 0,
        });
        char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect::<String>()
    };
    let text = match bytes {
        [0xFF, 0xFE, ..] => utf16(false),
        [0xFE, 0xFF, ..] => utf16(true),
        _ => String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).into_owned(),
    };
    text.trim_end_matches(['\0', ' ', '\r', '\n', '\t']).to_string()
}
