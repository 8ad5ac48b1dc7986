//! Panasonic P2 clip XML (`CONTENTS/CLIP/0001AB.XML`): the card's record of
//! one clip, whose picture is `CONTENTS/VIDEO/0001AB.MXF` and whose sound
//! channels are `CONTENTS/AUDIO/0001AB00.MXF`, `…01.MXF`, one per channel.
//!
//! Read from `P2Main/ClipContent` (the P2 clip metadata schema, as the
//! public P2 readers lay it out: Adobe's XMP Toolkit `P2_Handler`,
//! MediaInfo's `File_P2_Clip`; no real card file could be had, see
//! `fixtures/README.md`): `ClipName`, `GlobalClipID`, `Duration` (edit
//! units), `EditUnit` (`1001/30000`: seconds per edit unit, so the rate is
//! its inverse), `EssenceList/Video/StartTimecode` (`HH:MM:SS:FF`, `;`
//! before the frames for drop-frame; a `DropFrameFlag` of `true` also says
//! so), `EssenceList/Audio` (one per channel: `SamplingRate`,
//! `BitsPerSample`), `ClipMetadata/UserClipName`, `Device/ModelName`.

use quick_xml::events::Event;

use super::AudioInfo;
use super::sony_xml::SonyMeta;
use crate::timecode::{Rate, TcFormat, Timecode, TimecodeError};

/// True when `xml` is a P2 clip document (checked on its start).
pub fn is_p2_clip(xml: &str) -> bool {
    xml.get(..xml.len().min(2048)).is_some_and(|head| head.contains("<P2Main"))
}

/// Why a P2 clip XML could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum P2XmlError {
    #[error("XML error at byte {position}: {reason}")]
    Xml { position: u64, reason: String },
    #[error("EditUnit {0:?} is not a rate")]
    EditUnit(String),
    #[error("StartTimecode {0:?} without an EditUnit to count it in")]
    NoRate(String),
    #[error("StartTimecode {label:?}: {source}")]
    Timecode { label: String, source: TimecodeError },
}

/// Reads a P2 clip XML into what the merge takes from a camera XML.
pub fn parse(xml: &str) -> Result<SonyMeta, P2XmlError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut meta = SonyMeta { authoritative: true, ..SonyMeta::default() };
    let (mut start_label, mut drop_flag, mut clip_name) = (None::<String>, false, None::<String>);
    let (mut channels, mut sample_rate, mut bits) = (0u32, None::<u32>, None::<u32>);
    loop {
        let event = reader
            .read_event()
            .map_err(|e| P2XmlError::Xml { position: reader.buffer_position(), reason: e.to_string() })?;
        match event {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_string();
                if name == "Audio" && path.last().is_some_and(|p| p == "EssenceList") {
                    channels = channels.saturating_add(1);
                }
                path.push(name);
            }
            Event::End(_) => {
                path.pop();
            }
            Event::Text(t) => {
                let text = t.xml10_content().trim().to_string();
                let here: Vec<&str> = path.iter().map(String::as_str).collect();
                match here.as_slice() {
                    [.., "ClipContent", "ClipName"] => clip_name = Some(text),
                    [.., "ClipContent", "Duration"] => meta.duration_frames = text.parse().ok(),
                    [.., "ClipContent", "EditUnit"] => {
                        let (n, d) = text.split_once('/').ok_or_else(|| P2XmlError::EditUnit(text.clone()))?;
                        let parse = |v: &str| v.trim().parse::<u64>().map_err(|_| P2XmlError::EditUnit(text.clone()));
                        // Seconds per edit unit: the rate is its inverse.
                        meta.rate = Some(Rate::snap(parse(d)?, parse(n)?).ok_or(P2XmlError::EditUnit(text.clone()))?);
                    }
                    [.., "Video", "StartTimecode"] => start_label = Some(text),
                    [.., "Video", "DropFrameFlag"] => drop_flag = text.eq_ignore_ascii_case("true"),
                    [.., "Audio", "SamplingRate"] => sample_rate = sample_rate.or(text.parse().ok()),
                    [.., "Audio", "BitsPerSample"] => bits = bits.or(text.parse().ok()),
                    [.., "ClipMetadata", "UserClipName"] if !text.is_empty() => meta.reel = Some(text),
                    [.., "Device", "ModelName"] => meta.model = Some(text),
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    meta.reel = meta.reel.or(clip_name);
    if let Some(label) = start_label {
        let rate = meta.rate.ok_or_else(|| P2XmlError::NoRate(label.clone()))?;
        let format = TcFormat::new(rate, (drop_flag || label.contains(';')) && rate.allows_drop_frame());
        let tc = Timecode::parse_in(&label.replace(';', ":"), format)
            .map_err(|source| P2XmlError::Timecode { label: label.clone(), source })?;
        meta.start = Some(tc);
    }
    if channels > 0 {
        let codec = match bits {
            Some(b) => format!("pcm_s{b}le"),
            None => "pcm".into(),
        };
        meta.audio = Some(AudioInfo { codec, sample_rate: sample_rate.unwrap_or(0), channels, bits });
    }
    Ok(meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `fixtures/p2/0001AB.XML` (synthetic, in the P2 schema's shape: see
    /// the module doc) with its start, edit unit and user clip name changed.
    fn clip_xml(start: &str, edit_unit: &str, user_name: &str) -> String {
        include_str!("../../fixtures/p2/0001AB.XML")
            .replace("10:00:00;02", start)
            .replace("1001/30000", edit_unit)
            .replace("MARIA_INT", user_name)
    }

    #[test]
    fn start_rate_reel_and_sound() {
        let m = parse(&clip_xml("10:00:00;02", "1001/30000", "MARIA_INT")).expect("parse");
        assert_eq!(m.start.map(|t| t.to_string()).as_deref(), Some("10:00:00;02"));
        assert_eq!(m.rate, Rate::new(30000, 1001));
        assert_eq!(m.duration_frames, Some(15));
        assert_eq!(m.reel.as_deref(), Some("MARIA_INT"));
        assert_eq!(m.model.as_deref(), Some("AJ-PX270"));
        let audio = m.audio.expect("audio");
        assert_eq!((audio.channels, audio.sample_rate, audio.bits), (2, 48000, Some(24)));
        assert!(m.authoritative);
        // No UserClipName: the card's clip name is the reel.
        let m = parse(&clip_xml("01:00:00:00", "1/25", "")).expect("parse");
        assert_eq!(m.reel.as_deref(), Some("0001AB"));
        assert_eq!(m.start.map(|t| t.to_string()).as_deref(), Some("01:00:00:00"));
    }

    #[test]
    fn bad_values_are_errors_not_panics() {
        assert!(matches!(parse(&clip_xml("01:00:00:00", "x/25", "")), Err(P2XmlError::EditUnit(_))));
        assert!(matches!(parse(&clip_xml("25:00:00:00", "1/25", "")), Err(P2XmlError::Timecode { .. })));
        assert!(matches!(parse("<P2Main><ClipContent><EditUnit>1/25</Edit"), Err(P2XmlError::Xml { .. })));
        assert!(parse("<P2Main></P2Main>").is_ok_and(|m| m.start.is_none()));
    }
}
