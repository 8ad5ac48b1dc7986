//! OpenTimelineIO JSON (`.otio`), as OpenTimelineIO 0.18 writes it, for
//! Resolve, Nuke Studio/Hiero, Premiere (via adapters) and scripts.
//!
//! Contract: a `Timeline.1` named after the export, `global_start_time` the
//! record start (a `RationalTime.1` at the sequence rate), and `tracks` a
//! `Stack.1` of two `Track.1`s: kind `Video` holding the selects whose clip
//! has video, kind `Audio` those whose clip has audio. A select that lacks
//! one of them leaves a `Gap.1` of its record length on that track, so both
//! tracks stay in sync. Each select is a `Clip.2` with
//!
//! - `source_range`: `start_time` = the clip's first frame number (frames
//!   since midnight, the label's count for drop-frame) + `in_frame`, and
//!   `duration` = `out_frame − in_frame`, both at the clip's own rate;
//! - `media_references.DEFAULT_MEDIA`: an `ExternalReference.1` whose
//!   `target_url` is the percent-encoded `file://` URL of the media and
//!   whose `available_range` starts at the clip's first frame number and
//!   lasts `n_frames` (so `start_time − available_range.start_time` is the
//!   in point within the file); `active_media_reference_key` names it;
//! - a `Marker.2` at the in point named "speaker: text" (truncated to 250
//!   characters) with the AP's comment;
//! - `metadata.rushes`: `text`, `speaker`, `comment`, `clip_id`, `camera`,
//!   `reel`, `tc_in`, `tc_out` (labels), `drop_frame`, and `clearance`
//!   (`{status, cleared, reasons}`) when the selects were judged against a
//!   release log: metadata is where OTIO keeps what a tool adds to a clip,
//!   and every adapter carries it through.
//!
//! Rates are floats in OTIO: `num / den` as f64, so 24000/1001 is
//! 23.976023976023978 — the value OpenTimelineIO itself computes — and frame
//! values are whole numbers written as floats (`1254492.0`). Field order and
//! indentation follow OpenTimelineIO's own writer.
//!
//! Lossy: drop-frame labelling is not a property of an OTIO rate (readers
//! infer DF from 29.97/59.94; `metadata.rushes.drop_frame` keeps it); a
//! select of a clip at another rate than the sequence keeps its exact source
//! duration, so the opposite track's gap (in sequence frames) can differ
//! from it by under a frame; zero-length selects are left out.

use serde::Serialize;

use super::fcpxml::soundbite_label;
use super::{Placed, PlacedKind, Select, Sequence, file_url};
use crate::timecode::{Rate, Timecode};

/// Writes the selects as an OpenTimelineIO JSON document.
pub fn write(seq: &Sequence, selects: &[Select]) -> String {
    let placed: Vec<Placed> = seq
        .place(selects)
        .into_iter()
        .filter(|p| match p.what {
            PlacedKind::Select(s) => s.duration() > 0,
            PlacedKind::Gap(_) => p.record_len > 0,
        })
        .collect();
    let seq_rate = seq.format.rate();
    let track = |name: &str, kind: &'static str, wanted: &dyn Fn(&Select) -> bool| Track {
        schema: "Track.1",
        metadata: Empty {},
        name: name.to_string(),
        source_range: None,
        effects: Vec::new(),
        markers: Vec::new(),
        enabled: true,
        color: None,
        children: placed
            .iter()
            .map(|p| match p.what {
                PlacedKind::Select(s) if wanted(s) => Item::Clip(Box::new(clip(s))),
                PlacedKind::Select(_) => Item::Gap(gap(p.record_len, seq_rate)),
                PlacedKind::Gap(g) => Item::Gap(Gap { name: g.title.clone(), ..gap(p.record_len, seq_rate) }),
            })
            .collect(),
        kind,
    };
    let timeline = Timeline {
        schema: "Timeline.1",
        metadata: Empty {},
        name: seq.title.clone(),
        global_start_time: RationalTime::new(seq.record_start.frame(), seq_rate),
        tracks: Stack {
            schema: "Stack.1",
            metadata: Empty {},
            name: "tracks",
            source_range: None,
            effects: Vec::new(),
            // A paper edit's headings, VO and notes, at their record time.
            markers: placed
                .iter()
                .flat_map(|p| p.markers.iter().map(move |(offset, m)| (p.record_in.saturating_add(*offset), m)))
                .map(|(at, m)| Marker {
                    schema: "Marker.2",
                    metadata: Empty {},
                    name: m.kind.label(&m.text),
                    color: m.kind.color(),
                    marked_range: TimeRange::new(RationalTime::new(at, seq_rate), RationalTime::new(0, seq_rate)),
                    comment: String::new(),
                })
                .collect(),
            enabled: true,
            color: None,
            children: vec![
                track("V1", "Video", &|s| s.clip.has_video),
                track("A1", "Audio", &|s| s.clip.audio_channels > 0),
            ],
        },
    };
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    // Serialising plain structs with string keys into memory cannot fail.
    if timeline.serialize(&mut serializer).is_err() {
        return String::new();
    }
    let mut text = String::from_utf8(out).unwrap_or_default();
    text.push('\n');
    text
}

fn clip(s: &Select) -> Clip {
    let rate = s.clip.rate();
    let first = s.clip.start.frame();
    let start = RationalTime::new(first.saturating_add(s.in_frame), rate);
    let label = soundbite_label(s);
    let markers = if label.is_empty() {
        Vec::new()
    } else {
        vec![Marker {
            schema: "Marker.2",
            metadata: Empty {},
            name: label,
            color: "RED",
            marked_range: TimeRange::new(start, RationalTime::new(0, rate)),
            comment: s.comment.clone().unwrap_or_default(),
        }]
    };
    let tc = |t: Timecode| t.to_string();
    Clip {
        schema: "Clip.2",
        metadata: ClipMetadata {
            rushes: RushesMetadata {
                camera: s.clip.camera.clone(),
                clearance: s.clearance.as_ref().map(|c| ClearanceMetadata {
                    status: c.status.clone(),
                    cleared: c.cleared,
                    reasons: c.reasons.clone(),
                }),
                clip_id: s.clip.id.clone(),
                comment: s.comment.clone(),
                drop_frame: s.clip.format.is_drop_frame(),
                reel: s.clip.reel.clone(),
                speaker: s.speaker.clone(),
                tc_in: tc(s.tc_in()),
                tc_out: tc(s.tc_out()),
                text: s.text.clone(),
            },
        },
        name: s.clip.name.clone(),
        source_range: TimeRange::new(start, RationalTime::new(s.duration(), rate)),
        effects: Vec::new(),
        markers,
        enabled: true,
        color: None,
        media_references: MediaReferences {
            default_media: ExternalReference {
                schema: "ExternalReference.1",
                metadata: Empty {},
                name: s.clip.name.clone(),
                available_range: TimeRange::new(
                    RationalTime::new(first, rate),
                    RationalTime::new(s.clip.n_frames, rate),
                ),
                available_image_bounds: None,
                target_url: file_url(&s.clip.path),
            },
        },
        active_media_reference_key: "DEFAULT_MEDIA",
    }
}

fn gap(frames: u64, rate: Rate) -> Gap {
    Gap {
        schema: "Gap.1",
        metadata: Empty {},
        name: String::new(),
        source_range: TimeRange::new(RationalTime::new(0, rate), RationalTime::new(frames, rate)),
        effects: Vec::new(),
        markers: Vec::new(),
        enabled: true,
        color: None,
    }
}

// The schema, field for field in OpenTimelineIO 0.18's order.

/// `{}`: metadata, effects and colours rushes leaves empty.
#[derive(Serialize)]
struct Empty {}

#[derive(Serialize)]
struct Timeline {
    #[serde(rename = "OTIO_SCHEMA")]
    schema: &'static str,
    metadata: Empty,
    name: String,
    global_start_time: RationalTime,
    tracks: Stack,
}

#[derive(Serialize)]
struct Stack {
    #[serde(rename = "OTIO_SCHEMA")]
    schema: &'static str,
    metadata: Empty,
    name: &'static str,
    source_range: Option<TimeRange>,
    effects: Vec<Empty>,
    markers: Vec<Marker>,
    enabled: bool,
    color: Option<Empty>,
    children: Vec<Track>,
}

#[derive(Serialize)]
struct Track {
    #[serde(rename = "OTIO_SCHEMA")]
    schema: &'static str,
    metadata: Empty,
    name: String,
    source_range: Option<TimeRange>,
    effects: Vec<Empty>,
    markers: Vec<Empty>,
    enabled: bool,
    color: Option<Empty>,
    children: Vec<Item>,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Item {
    Clip(Box<Clip>),
    Gap(Gap),
}

#[derive(Serialize)]
struct Gap {
    #[serde(rename = "OTIO_SCHEMA")]
    schema: &'static str,
    metadata: Empty,
    name: String,
    source_range: TimeRange,
    effects: Vec<Empty>,
    markers: Vec<Empty>,
    enabled: bool,
    color: Option<Empty>,
}

#[derive(Serialize)]
struct Clip {
    #[serde(rename = "OTIO_SCHEMA")]
    schema: &'static str,
    metadata: ClipMetadata,
    name: String,
    source_range: TimeRange,
    effects: Vec<Empty>,
    markers: Vec<Marker>,
    enabled: bool,
    color: Option<Empty>,
    media_references: MediaReferences,
    active_media_reference_key: &'static str,
}

#[derive(Serialize)]
struct ClipMetadata {
    rushes: RushesMetadata,
}

#[derive(Serialize)]
/// Keys in alphabetical order: OpenTimelineIO sorts metadata keys.
struct RushesMetadata {
    camera: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    clearance: Option<ClearanceMetadata>,
    clip_id: String,
    comment: Option<String>,
    drop_frame: bool,
    reel: Option<String>,
    speaker: Option<String>,
    tc_in: String,
    tc_out: String,
    text: String,
}

/// `metadata.rushes.clearance`.
#[derive(Serialize)]
struct ClearanceMetadata {
    status: String,
    cleared: bool,
    reasons: Vec<String>,
}

#[derive(Serialize)]
struct MediaReferences {
    #[serde(rename = "DEFAULT_MEDIA")]
    default_media: ExternalReference,
}

#[derive(Serialize)]
struct ExternalReference {
    #[serde(rename = "OTIO_SCHEMA")]
    schema: &'static str,
    metadata: Empty,
    name: String,
    available_range: TimeRange,
    available_image_bounds: Option<Empty>,
    target_url: String,
}

#[derive(Serialize)]
struct Marker {
    #[serde(rename = "OTIO_SCHEMA")]
    schema: &'static str,
    metadata: Empty,
    name: String,
    color: &'static str,
    marked_range: TimeRange,
    comment: String,
}

#[derive(Serialize)]
struct TimeRange {
    #[serde(rename = "OTIO_SCHEMA")]
    schema: &'static str,
    duration: RationalTime,
    start_time: RationalTime,
}

impl TimeRange {
    fn new(start_time: RationalTime, duration: RationalTime) -> TimeRange {
        TimeRange { schema: "TimeRange.1", duration, start_time }
    }
}

#[derive(Serialize, Clone, Copy)]
struct RationalTime {
    #[serde(rename = "OTIO_SCHEMA")]
    schema: &'static str,
    rate: f64,
    value: f64,
}

impl RationalTime {
    /// `frames` at `rate`; OTIO stores both as doubles.
    fn new(frames: u64, rate: Rate) -> RationalTime {
        RationalTime {
            schema: "RationalTime.1",
            rate: f64::from(rate.num()) / f64::from(rate.den()),
            value: frames as f64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testkit::{self, Fixture};
    use serde_json::Value;

    fn written(selects: &[Select]) -> (String, Value) {
        let seq = Sequence::for_selects("Selects", selects, None, None).unwrap();
        let text = write(&seq, selects);
        let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        (text, value)
    }

    /// Checks the first video clip's source range, rate text and URL.
    fn check(fixture: Fixture, start: f64, duration: f64, rate_text: &str, url: &str) {
        let (text, json) = written(&[fixture.select()]);
        let clip = &json["tracks"]["children"][0]["children"][0];
        assert_eq!(clip["OTIO_SCHEMA"], "Clip.2");
        assert_eq!(clip["source_range"]["start_time"]["value"].as_f64(), Some(start), "{fixture:?}");
        assert_eq!(clip["source_range"]["duration"]["value"].as_f64(), Some(duration), "{fixture:?}");
        let reference = &clip["media_references"]["DEFAULT_MEDIA"];
        assert_eq!(reference["target_url"], url);
        assert_eq!(clip["active_media_reference_key"], "DEFAULT_MEDIA");
        assert!(text.contains(&format!("\"rate\": {rate_text},")), "{fixture:?}: no rate {rate_text}");
    }

    #[test]
    fn every_fixture_rate() {
        // start = first frame number (midnight-based, DF label count) + in.
        check(Fixture::Fps23976, 1_254_492.0, 24.0, "23.976023976023978", "file:///media/day1/A001C001.MOV");
        check(Fixture::Fps25, 1_320_010.0, 30.0, "25.0", "file:///media/day1/C0001.MP4");
        check(Fixture::Fps2997Df, 1_566_233.0, 58.0, "29.97002997002997", "file:///media/day1/GX010042.MP4");
        check(Fixture::Fps50, 2_616_020.0, 60.0, "50.0", "file:///media/day2/P1000123.MOV");
        check(Fixture::Fps5994DfMidnight, 5_178_756.0, 140.0, "59.94005994005994", "file:///media/day2/C0002.MP4");
        check(
            Fixture::Nasty,
            900_005.0,
            31.0,
            "25.0",
            "file:///Volumes/Card%201/Interview%20%26%20%22B-roll%22%20%3Ctake%202%3E%2C%20caf%C3%A9%20%F0%9F%8E%AC/C0001%20%27%C3%A9%27.MP4",
        );
    }

    #[test]
    fn record_start_metadata_and_markers() {
        let s = Fixture::Fps2997Df.select();
        let (text, json) = written(std::slice::from_ref(&s));
        // 01:00:00;00 at 29.97 DF is frame 107892.
        assert_eq!(json["global_start_time"]["value"].as_f64(), Some(107_892.0));
        let clip = &json["tracks"]["children"][0]["children"][0];
        let rushes = &clip["metadata"]["rushes"];
        assert_eq!(rushes["tc_in"], "14:30:59;29");
        assert_eq!(rushes["tc_out"], "14:31:01;29");
        assert_eq!(rushes["drop_frame"], true);
        assert_eq!(rushes["clip_id"], "clip-2997");
        assert_eq!(rushes["reel"], Value::Null);
        assert_eq!(clip["markers"][0]["name"], "Carla: It was cold.");
        assert!(
            text.starts_with(
                "{\n    \"OTIO_SCHEMA\": \"Timeline.1\",\n    \"metadata\": {},\n    \"name\": \"Selects\","
            )
        );
    }

    #[test]
    fn tracks_keep_sync_with_gaps() {
        let mut wav = Fixture::Fps25.select();
        wav.clip.has_video = false;
        let mut mute = Fixture::Fps50.select();
        mute.clip.audio_channels = 0;
        let (_, json) = written(&[wav, mute]);
        let video = &json["tracks"]["children"][0];
        let audio = &json["tracks"]["children"][1];
        assert_eq!(video["kind"], "Video");
        assert_eq!(audio["kind"], "Audio");
        assert_eq!(video["children"][0]["OTIO_SCHEMA"], "Gap.1");
        assert_eq!(video["children"][0]["source_range"]["duration"]["value"].as_f64(), Some(30.0));
        assert_eq!(video["children"][1]["OTIO_SCHEMA"], "Clip.2");
        assert_eq!(audio["children"][0]["OTIO_SCHEMA"], "Clip.2");
        // 60 frames at 50 on a 25 fps sequence: 30 frames of gap.
        assert_eq!(audio["children"][1]["source_range"]["duration"]["value"].as_f64(), Some(30.0));
    }

    #[test]
    fn nasty_text_is_valid_json_and_intact() {
        let s = Fixture::Nasty.select();
        let (_, json) = written(std::slice::from_ref(&s));
        let clip = &json["tracks"]["children"][0]["children"][0];
        assert_eq!(clip["name"], s.clip.name.as_str());
        assert_eq!(clip["metadata"]["rushes"]["text"], s.text.as_str());
        assert_eq!(clip["metadata"]["rushes"]["comment"], s.comment.as_deref().unwrap());
        let seq = Sequence::for_selects("", &[], None, None).unwrap();
        let empty: Value = serde_json::from_str(&write(&seq, &[])).unwrap();
        assert_eq!(empty["tracks"]["children"][0]["children"], Value::Array(Vec::new()));
    }

    #[test]
    fn extremes_never_panic_and_stay_valid_json() {
        for (seq, selects) in testkit::extreme_cases() {
            let text = write(&seq, &selects);
            let json: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(json["OTIO_SCHEMA"], "Timeline.1");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn any_text_round_trips(name in proptest::prelude::any::<String>(), path in proptest::prelude::any::<String>(), text in proptest::prelude::any::<String>()) {
            let s = testkit::with_text(&name, &path, &text);
            let seq = Sequence::for_selects(&text, std::slice::from_ref(&s), None, None).unwrap();
            let json: Value = serde_json::from_str(&write(&seq, std::slice::from_ref(&s))).unwrap();
            let clip = &json["tracks"]["children"][0]["children"][0];
            proptest::prop_assert_eq!(clip["name"].as_str(), Some(name.as_str()));
            proptest::prop_assert_eq!(clip["metadata"]["rushes"]["text"].as_str(), Some(text.as_str()));
            proptest::prop_assert_eq!(json["name"].as_str(), Some(text.as_str()));
        }
    }

    /// OpenTimelineIO reads every fixture back to the frames the select
    /// meant, and writes the same document again byte for byte.
    #[test]
    fn real_otio_reader_sees_every_fixture() {
        for fixture in Fixture::ALL {
            let s = fixture.select();
            let seq = Sequence::for_selects("Selects", std::slice::from_ref(&s), None, None).unwrap();
            let text = write(&seq, std::slice::from_ref(&s));
            let clips = testkit::read_with_otio("otio_json", &text);
            let tracks = usize::from(s.clip.has_video) + usize::from(s.clip.audio_channels > 0);
            assert_eq!(clips.len(), tracks, "{fixture:?}: {clips:#?}");
            testkit::assert_reader_exact(&clips, &s, tracks);
            let again = testkit::otio_rewrite(&text);
            assert_eq!(again.trim_end(), text.trim_end(), "{fixture:?}: OTIO writes it differently");
        }
    }

    #[test]
    fn golden() {
        let (seq, selects) = testkit::golden_example();
        let text = write(&seq, &selects);
        testkit::check_golden("selects.otio", &text);
        let clips = testkit::read_with_otio("otio_json", &text);
        assert_eq!(clips.len(), 2 * selects.len(), "{clips:#?}");
        for s in &selects {
            testkit::assert_reader_exact(&clips, s, 2);
        }
        let again = testkit::otio_rewrite(&text);
        assert_eq!(again.trim_end(), text.trim_end(), "OTIO writes it differently");
    }
}
