//! Sony XAVC `C0001M01.XML` (NonRealTimeMeta) sidecars: the start timecode
//! a Sony camera records beside a clip, used when the clip itself carries
//! no `tmcd` track (the `tmcd` wins when both exist).
//!
//! `LtcChange@value` is BCD in FFSSMMHH byte order (frames first); bit 0x40
//! of the frame byte is the drop-frame flag. With `halfStep="true"` the LTC
//! counts half the picture rate (50p/59.94p), so frames double. These facts
//! come from public parsers; no real card has been checked (DOMAIN.md).

use quick_xml::XmlVersion;
use quick_xml::events::Event;

use crate::timecode::{Rate, TcFormat, Timecode, TimecodeError};

/// What a camera's clip XML says about its clip: a Sony NonRealTimeMeta
/// sidecar here, a Panasonic P2 clip XML in [`super::p2_xml`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SonyMeta {
    pub start: Option<Timecode>,
    pub rate: Option<Rate>,
    /// Clip length in frames (`Duration@value`).
    pub duration_frames: Option<u64>,
    pub model: Option<String>,
    /// The clip's name on the card as the camera operator set it (P2
    /// `UserClipName`), shown as its reel.
    pub reel: Option<String>,
    /// The clip's sound as the XML lists it (P2 keeps each channel in an
    /// MXF of its own under `AUDIO/`).
    pub audio: Option<super::AudioInfo>,
    /// The XML is the clip's own record (a P2 card's `CLIP/*.XML`): its
    /// start timecode wins over the essence file's.
    pub authoritative: bool,
}

/// True when `xml` is a NonRealTimeMeta document (checked on its start).
pub fn is_nonrealtimemeta(xml: &str) -> bool {
    xml.get(..xml.len().min(2048)).is_some_and(|head| head.contains("NonRealTimeMeta"))
}

/// Why a sidecar could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SonyXmlError {
    #[error("not a Sony NonRealTimeMeta document")]
    NotNonRealTimeMeta,
    #[error("XML error at byte {position}: {reason}")]
    Xml { position: u64, reason: String },
    #[error("timecode table without a frame rate")]
    NoRate,
    #[error("LtcChange value {0:?} is not 8 hex digits of BCD")]
    Ltc(String),
    #[error(transparent)]
    Timecode(#[from] TimecodeError),
}

/// Reads a sidecar. Errors say what is wrong; a document without a
/// timecode table gives `start: None`.
pub fn parse(xml: &str) -> Result<SonyMeta, SonyXmlError> {
    if !is_nonrealtimemeta(xml) {
        return Err(SonyXmlError::NotNonRealTimeMeta);
    }
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut meta = SonyMeta::default();
    let mut tc_fps: Option<u32> = None;
    let mut half_step = false;
    let mut first_value: Option<String> = None;
    let mut capture_fps: Option<String> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| SonyXmlError::Xml { position: reader.buffer_position(), reason: e.to_string() })?;
        let e = match event {
            Event::Start(e) | Event::Empty(e) => e,
            Event::Eof => break,
            _ => continue,
        };
        let attr = |name: &str| -> Option<String> {
            e.attributes()
                .flatten()
                .find(|a| a.key.local_name().as_ref() == name)
                .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
        };
        match e.local_name().as_ref() {
            "Duration" => meta.duration_frames = attr("value").and_then(|v| v.trim().parse().ok()),
            "LtcChangeTable" => {
                tc_fps = attr("tcFps").and_then(|v| v.trim().parse().ok());
                half_step = attr("halfStep").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
            }
            "LtcChange"
                if first_value.is_none()
                    && attr("frameCount").and_then(|v| v.trim().parse::<u64>().ok()) == Some(0) =>
            {
                first_value = attr("value");
            }
            "VideoFrame" => capture_fps = attr("formatFps").or_else(|| attr("captureFps")),
            "Device" => meta.model = attr("modelName"),
            _ => {}
        }
    }
    meta.rate = capture_fps.as_deref().and_then(rate_from_label).or_else(|| {
        let fps = tc_fps?.checked_mul(if half_step { 2 } else { 1 })?;
        Rate::new(fps, 1)
    });
    if let Some(value) = first_value {
        let rate = meta.rate.ok_or(SonyXmlError::NoRate)?;
        meta.start = Some(decode_ltc(&value, rate, half_step)?);
    }
    Ok(meta)
}

/// `29.97p`, `59.94i`, `25p`, `23.98p` → the picture rate.
fn rate_from_label(label: &str) -> Option<Rate> {
    let t = label.trim().trim_end_matches(['p', 'i', 'P', 'I']);
    Rate::parse(t).ok()
}

/// Decodes the BCD `FFSSMMHH` value at the picture `rate`.
fn decode_ltc(value: &str, rate: Rate, half_step: bool) -> Result<Timecode, SonyXmlError> {
    let v = value.trim();
    let bad = || SonyXmlError::Ltc(v.to_string());
    if v.len() != 8 || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let byte = |i: usize| u8::from_str_radix(v.get(i * 2..i * 2 + 2).unwrap_or("zz"), 16).map_err(|_| bad());
    let (ff_b, ss_b, mm_b, hh_b) = (byte(0)?, byte(1)?, byte(2)?, byte(3)?);
    let bcd = |b: u8| -> Result<u64, SonyXmlError> {
        let (hi, lo) = (b >> 4, b & 0x0F);
        if hi > 9 || lo > 9 { Err(bad()) } else { Ok(u64::from(hi * 10 + lo)) }
    };
    let drop = ff_b & 0x40 != 0;
    let mut ff = bcd(ff_b & 0x3F)?;
    let (ss, mm, hh) = (bcd(ss_b & 0x7F)?, bcd(mm_b & 0x7F)?, bcd(hh_b & 0x3F)?);
    if half_step {
        ff *= 2;
    }
    Ok(Timecode::from_fields(hh, mm, ss, ff, TcFormat::new(rate, drop))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(table: &str, fps: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<NonRealTimeMeta xmlns="urn:schemas-professionalDisc:nonRealTimeMeta:ver.2.00" lastUpdate="2026-03-14T14:31:00+00:00">
  <Duration value="60"/>
  {table}
  <VideoFormat><VideoFrame videoCodec="AVC_1920_1080_HP@L41" captureFps="{fps}" formatFps="{fps}"/></VideoFormat>
  <Device manufacturer="Sony" modelName="ILME-FX3" serialNo="1"/>
</NonRealTimeMeta>"#
        )
    }

    #[test]
    fn drop_frame_start() {
        let xml = doc(
            r#"<LtcChangeTable tcFps="30" halfStep="false"><LtcChange frameCount="0" value="68593014" status="increment"/></LtcChangeTable>"#,
            "29.97p",
        );
        let m = parse(&xml).unwrap();
        assert_eq!(m.start.unwrap().to_string(), "14:30:59;28");
        assert_eq!(m.rate, Some(Rate::FPS_29_97));
        assert_eq!(m.duration_frames, Some(60));
        assert_eq!(m.model.as_deref(), Some("ILME-FX3"));
    }

    #[test]
    fn half_step_doubles_frames() {
        let xml = doc(
            r#"<LtcChangeTable tcFps="25" halfStep="true"><LtcChange frameCount="0" value="12000010" status="increment"/></LtcChangeTable>"#,
            "50p",
        );
        assert_eq!(parse(&xml).unwrap().start.unwrap().to_string(), "10:00:00:24");
    }

    #[test]
    fn bad_values_are_errors_not_panics() {
        for v in ["", "zz", "9A000010", "0A000000", "0000001", "é0000000"] {
            let xml = doc(
                &format!(r#"<LtcChangeTable tcFps="25"><LtcChange frameCount="0" value="{v}"/></LtcChangeTable>"#),
                "25p",
            );
            assert!(parse(&xml).is_err(), "{v}");
        }
        // A document cut short must not panic; whatever it yields has no start.
        let cut = parse("<NonRealTimeMeta><Duration value=");
        assert!(cut.map(|m| m.start.is_none()).unwrap_or(true));
        assert!(parse("<other/>").is_err());
    }
}
