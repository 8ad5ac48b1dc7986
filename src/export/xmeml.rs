//! FCP7 XML (`xmeml` version 4) as Adobe Premiere Pro writes and reads it;
//! also read by DaVinci Resolve, Avid (via tools) and Final Cut Pro 7.
//!
//! Contract (checked against Premiere's own `premiere_example.xml` and the
//! OpenTimelineIO `fcp_xml` reader):
//!
//! - A rate is `<rate><timebase>` (the nominal whole rate: 24 for 23.976,
//!   30 for 29.97) `<ntsc>` (TRUE for the 1000/1001 rates) `</rate>`.
//! - One `<sequence>` at the sequence rate, its `<timecode>` the record
//!   start (`<string>` label, `<frame>` its frame number since midnight,
//!   `<displayformat>` DF/NDF), its `<duration>` the total in frames.
//! - `<media><video>`: one track, one `<clipitem>` per select with video;
//!   `<media><audio>`: one track per source channel (Premiere's layout),
//!   track *k* holding a clipitem with `<sourcetrack>` audio/*k* for every
//!   select whose clip has at least *k* channels. The items of one select
//!   are tied by `<link>`s.
//! - A clipitem's `<start>`/`<end>` are its record position in sequence
//!   frames counted from the sequence's first frame (not timecode; `end`
//!   exclusive); `<rate>` is the clip's rate and `<in>`/`<out>` count clip
//!   frames from the media's first frame (`out` exclusive), with
//!   `<pproTicksIn>`/`<pproTicksOut>` (254016000000 per second) where they
//!   are whole; `<duration>` is the media's length.
//! - `<file id="file-N">` is defined in full the first time a clip appears
//!   and referenced as `<file id="file-N"/>` after: `<name>`, `<pathurl>`
//!   (the percent-encoded `file:///…` URL; Premiere and FCP7 write the
//!   equivalent `file://localhost/…` and read both), `<rate>`, `<duration>`,
//!   `<timecode>` (the clip's first label, its frame number since midnight,
//!   DF/NDF, `<reel>`), `<media>` (frame size, `<channelcount>`).
//! - The soundbite rides along: a clip `<marker>` at the in point named
//!   "speaker: text" (250 characters at most) with the AP's comment,
//!   `<logginginfo>` (`description` = speaker: text, `lognote` = comment)
//!   and `<comments>` (`mastercomment1` speaker, `mastercomment2` text,
//!   `clipcommenta` comment).
//! - A select that is not cleared gets a second clip marker at its in point
//!   named `NOT CLEARED: <status>`, its `<comment>` the reasons. Premiere
//!   shows clip markers on the clip in the timeline and lists them, name
//!   and comment, in its Markers panel, where an editor looks; `<logginginfo>`
//!   and `<comments>` land in project-panel columns that are often hidden.
//!
//! Lossy: rates other than whole and NTSC ones (e.g. 12.5) cannot be written
//! exactly (the nominal timebase is used); a select of a clip at another
//! rate than the sequence lasts the nearest whole number of sequence frames;
//! zero-length selects are left out; more than 32 audio channels are cut to
//! 32.

use std::collections::{HashMap, HashSet};

use super::fcpxml::{clearance_label, one_line, soundbite_label};
use super::{ExportClip, Gap, PlacedKind, Select, Sequence, file_url, xml_escape};
use crate::timecode::{Rate, Timecode};

/// Audio tracks written at most (one per source channel).
const MAX_AUDIO_TRACKS: u32 = 32;

/// Premiere's time unit: ticks per second.
const TICKS_PER_SECOND: u128 = 254_016_000_000;

/// Writes the selects as an xmeml version 4 document.
pub fn write(seq: &Sequence, selects: &[Select]) -> String {
    let seq_rate = seq.format.rate();
    let plan = plan(seq, selects);
    let audio_tracks = plan.iter().map(|p| p.audio.len()).max().unwrap_or(0);

    let mut x = Xml::default();
    x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE xmeml>\n");
    x.open("xmeml version=\"4\"");
    x.open("sequence id=\"sequence-1\"");
    x.leaf("name", &seq.title);
    let placed = seq.place(selects);
    let end = |p: &super::Placed| p.record_in.saturating_add(p.record_len);
    let total = placed.iter().filter(|p| p.record_len > 0).map(end).max().unwrap_or(0);
    x.leaf("duration", &total.to_string());
    x.rate(seq_rate);
    x.timecode(seq.record_start, None);
    // A paper edit's headings, VO and notes: sequence markers at their
    // record frame.
    for p in &placed {
        for (offset, marker) in &p.markers {
            x.open("marker");
            x.leaf("comment", "");
            x.leaf("name", &marker.kind.label(&marker.text));
            x.leaf("in", &p.record_in.saturating_add(*offset).to_string());
            x.leaf("out", "-1");
            x.close("marker");
        }
    }
    x.open("media");

    x.open("video");
    x.open("format");
    x.open("samplecharacteristics");
    x.rate(seq_rate);
    let (width, height) = sequence_frame_size(seq_rate, &plan);
    x.picture(width, height);
    x.close("samplecharacteristics");
    x.close("format");
    x.open("track");
    let mut files = Files::default();
    // Video items in record order: each select's, and a slug over each VO gap.
    let mut video = plan.iter().filter(|p| p.video.is_some()).peekable();
    let mut slug = 0usize;
    for p in placed.iter().filter(|p| p.record_len > 0) {
        let PlacedKind::Gap(gap) = p.what else { continue };
        while let Some(v) = video.next_if(|v| v.record_in < p.record_in) {
            clipitem(&mut x, &mut files, v, None);
        }
        slug += 1;
        slug_item(&mut x, slug, gap, p.record_in, p.record_len, seq_rate);
    }
    for v in video {
        clipitem(&mut x, &mut files, v, None);
    }
    x.track_flags();
    x.close("track");
    x.close("video");

    x.open("audio");
    x.leaf("numOutputChannels", "2");
    x.open("format");
    x.open("samplecharacteristics");
    x.leaf("depth", "16");
    x.leaf("samplerate", "48000");
    x.close("samplecharacteristics");
    x.close("format");
    for channel in 0..audio_tracks {
        x.open("track");
        for p in plan.iter().filter(|p| p.audio.len() > channel) {
            clipitem(&mut x, &mut files, p, Some(channel));
        }
        x.track_flags();
        x.close("track");
    }
    x.close("audio");

    x.close("media");
    x.close("sequence");
    x.close("xmeml");
    x.out
}

/// Where a select's items go: record span, ids and track positions.
struct Placed<'a> {
    s: &'a Select,
    /// Record frames from the sequence's first frame.
    record_in: u64,
    record_len: u64,
    file: usize,
    /// (clipitem number, 1-based index within its track).
    video: Option<(usize, usize)>,
    /// Per channel: (clipitem number, 1-based index within its track).
    audio: Vec<(usize, usize)>,
}

/// Numbers every clipitem in document order (video track, then audio
/// track 1, 2, …) and every distinct clip's file.
fn plan<'a>(seq: &'a Sequence, selects: &'a [Select]) -> Vec<Placed<'a>> {
    let mut file_numbers: HashMap<(&str, &str), usize> = HashMap::new();
    let mut plan: Vec<Placed> = Vec::new();
    for p in seq.place(selects) {
        let PlacedKind::Select(s) = p.what else { continue };
        if s.duration() == 0 || p.record_len == 0 {
            continue;
        }
        let next = file_numbers.len() + 1;
        let file = *file_numbers.entry((s.clip.id.as_str(), s.clip.path.as_str())).or_insert(next);
        plan.push(Placed { s, record_in: p.record_in, record_len: p.record_len, file, video: None, audio: Vec::new() });
    }
    let mut item = 0usize;
    let mut index = 0usize;
    for p in plan.iter_mut().filter(|p| p.s.clip.has_video) {
        item += 1;
        index += 1;
        p.video = Some((item, index));
    }
    let channels = |p: &Placed| p.s.clip.audio_channels.min(MAX_AUDIO_TRACKS) as usize;
    let tracks = plan.iter().map(channels).max().unwrap_or(0);
    for channel in 0..tracks {
        let mut index = 0usize;
        for p in plan.iter_mut().filter(|p| channels(p) > channel) {
            item += 1;
            index += 1;
            p.audio.push((item, index));
        }
    }
    plan
}

/// One clipitem: the select's video (`channel` None) or one audio channel.
fn clipitem(x: &mut Xml, files: &mut Files, p: &Placed, channel: Option<usize>) {
    let s = p.s;
    let clip = &s.clip;
    let rate = clip.rate();
    let (number, _) = match channel {
        None => p.video,
        Some(c) => p.audio.get(c).copied(),
    }
    .unwrap_or((0, 0));
    x.open(&format!("clipitem id=\"clipitem-{number}\""));
    x.leaf("masterclipid", &format!("masterclip-{}", p.file));
    x.leaf("name", &clip.name);
    x.leaf("enabled", "TRUE");
    x.leaf("duration", &clip.n_frames.to_string());
    x.rate(rate);
    x.leaf("start", &p.record_in.to_string());
    x.leaf("end", &p.record_in.saturating_add(p.record_len).to_string());
    x.leaf("in", &s.in_frame.to_string());
    x.leaf("out", &s.out_frame.to_string());
    if let (Some(tick_in), Some(tick_out)) = (ticks(s.in_frame, rate), ticks(s.out_frame, rate)) {
        x.leaf("pproTicksIn", &tick_in.to_string());
        x.leaf("pproTicksOut", &tick_out.to_string());
    }
    files.write(x, p.file, clip);
    if let Some(c) = channel {
        x.open("sourcetrack");
        x.leaf("mediatype", "audio");
        x.leaf("trackindex", &(c + 1).to_string());
        x.close("sourcetrack");
    }
    // One marker per select, on its first item, not one per track.
    let primary = channel.is_none() || (p.video.is_none() && channel == Some(0));
    let label = soundbite_label(s);
    if primary && !label.is_empty() {
        x.open("marker");
        x.leaf("comment", s.comment.as_deref().unwrap_or(""));
        x.leaf("name", &label);
        x.leaf("in", &s.in_frame.to_string());
        x.leaf("out", "-1");
        x.close("marker");
    }
    if let Some(mark) = s.uncleared().filter(|_| primary) {
        x.open("marker");
        x.leaf("comment", &one_line(&mark.reasons.join("; ")));
        x.leaf("name", &clearance_label(mark));
        x.leaf("in", &s.in_frame.to_string());
        x.leaf("out", "-1");
        x.close("marker");
    }
    // Premiere links a select's picture and sound so they move together.
    if usize::from(p.video.is_some()) + p.audio.len() > 1 {
        if let Some((video_item, video_index)) = p.video {
            link(x, video_item, "video", 1, video_index, false);
        }
        for (c, &(audio_item, audio_index)) in p.audio.iter().enumerate() {
            link(x, audio_item, "audio", c + 1, audio_index, true);
        }
    }
    x.open("comments");
    x.leaf("mastercomment1", s.speaker.as_deref().unwrap_or(""));
    x.leaf("mastercomment2", &s.text);
    x.leaf("clipcommenta", s.comment.as_deref().unwrap_or(""));
    x.close("comments");
    x.open("logginginfo");
    x.leaf("description", &description(s));
    x.leaf("scene", "");
    x.leaf("shottake", "");
    x.leaf("lognote", s.comment.as_deref().unwrap_or(""));
    x.close("logginginfo");
    x.close("clipitem");
}

/// A slug (FCP's black generator) over a VO gap, named after the
/// narration, so the editor sees what goes there.
fn slug_item(x: &mut Xml, n: usize, gap: &Gap, record_in: u64, len: u64, rate: Rate) {
    x.open(&format!("generatoritem id=\"slug-{n}\""));
    x.leaf("name", &gap.title);
    x.leaf("enabled", "TRUE");
    x.leaf("duration", &len.to_string());
    x.rate(rate);
    x.leaf("start", &record_in.to_string());
    x.leaf("end", &record_in.saturating_add(len).to_string());
    x.leaf("in", "0");
    x.leaf("out", &len.to_string());
    x.open("effect");
    x.leaf("name", "Slug");
    x.leaf("effectid", "Slug");
    x.leaf("effectcategory", "Matte");
    x.leaf("effecttype", "generator");
    x.leaf("mediatype", "video");
    x.close("effect");
    x.close("generatoritem");
}

fn link(x: &mut Xml, number: usize, media: &str, track: usize, index: usize, grouped: bool) {
    x.open("link");
    x.leaf("linkclipref", &format!("clipitem-{number}"));
    x.leaf("mediatype", media);
    x.leaf("trackindex", &track.to_string());
    x.leaf("clipindex", &index.to_string());
    if grouped {
        x.leaf("groupindex", "1");
    }
    x.close("link");
}

/// `Speaker: text` in full (the marker label is the short form).
fn description(s: &Select) -> String {
    match s.speaker.as_deref().filter(|sp| !sp.trim().is_empty()) {
        Some(speaker) if !s.text.is_empty() => format!("{speaker}: {}", s.text),
        Some(speaker) => speaker.to_string(),
        None => s.text.clone(),
    }
}

/// Premiere ticks for `frames` at `rate`, when a whole number.
fn ticks(frames: u64, rate: Rate) -> Option<u128> {
    let num = u128::from(frames).checked_mul(TICKS_PER_SECOND)?.checked_mul(u128::from(rate.den()))?;
    let den = u128::from(rate.num());
    (num % den == 0).then(|| num / den)
}

/// The sequence's frame size: that of the first video clip at the sequence
/// rate, else of the first video clip, else HD.
fn sequence_frame_size(rate: Rate, plan: &[Placed]) -> (u32, u32) {
    let sized = |p: &&Placed| p.s.clip.has_video && p.s.clip.width > 0 && p.s.clip.height > 0;
    plan.iter()
        .filter(sized)
        .find(|p| p.s.clip.rate() == rate)
        .or_else(|| plan.iter().find(sized))
        .map_or((1920, 1080), |p| (p.s.clip.width, p.s.clip.height))
}

/// Which files have been defined in full.
#[derive(Default)]
struct Files {
    defined: HashSet<usize>,
}

impl Files {
    /// The full `<file>` the first time, a reference after.
    fn write(&mut self, x: &mut Xml, number: usize, clip: &ExportClip) {
        if !self.defined.insert(number) {
            x.empty(&format!("file id=\"file-{number}\""));
            return;
        }
        let rate = clip.rate();
        x.open(&format!("file id=\"file-{number}\""));
        x.leaf("name", &clip.name);
        x.leaf("pathurl", &file_url(&clip.path));
        x.rate(rate);
        x.leaf("duration", &clip.n_frames.to_string());
        x.timecode(clip.start, clip.reel.as_deref().filter(|r| !r.trim().is_empty()));
        x.open("media");
        if clip.has_video {
            x.open("video");
            x.open("samplecharacteristics");
            x.rate(rate);
            x.picture(clip.width, clip.height);
            x.close("samplecharacteristics");
            x.close("video");
        }
        if clip.audio_channels > 0 {
            x.open("audio");
            x.open("samplecharacteristics");
            x.leaf("depth", "16");
            let sample_rate = if clip.audio_sample_rate > 0 { clip.audio_sample_rate } else { 48_000 };
            x.leaf("samplerate", &sample_rate.to_string());
            x.close("samplecharacteristics");
            x.leaf("channelcount", &clip.audio_channels.to_string());
            x.close("audio");
        }
        x.close("media");
        x.close("file");
    }
}

/// A tab-indented XML writer, one element per line as Premiere writes.
#[derive(Default)]
struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    fn raw(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push('\t');
        }
    }

    /// `<tag attrs>`; `tag` is a literal written by this module.
    fn open(&mut self, tag: &str) {
        self.indent();
        self.out.push_str(&format!("<{tag}>\n"));
        self.depth += 1;
    }

    fn close(&mut self, tag: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.out.push_str(&format!("</{tag}>\n"));
    }

    fn empty(&mut self, tag: &str) {
        self.indent();
        self.out.push_str(&format!("<{tag}/>\n"));
    }

    /// `<tag>text</tag>` with `text` escaped.
    fn leaf(&mut self, tag: &str, text: &str) {
        self.indent();
        self.out.push_str(&format!("<{tag}>{}</{tag}>\n", xml_escape(text)));
    }

    fn rate(&mut self, rate: Rate) {
        self.open("rate");
        self.leaf("timebase", &rate.nominal().to_string());
        self.leaf("ntsc", if rate.is_ntsc() { "TRUE" } else { "FALSE" });
        self.close("rate");
    }

    fn timecode(&mut self, tc: Timecode, reel: Option<&str>) {
        self.open("timecode");
        self.rate(tc.format().rate());
        self.leaf("string", &tc.to_string());
        self.leaf("frame", &tc.frame().to_string());
        self.leaf("displayformat", if tc.format().is_drop_frame() { "DF" } else { "NDF" });
        if let Some(reel) = reel {
            self.open("reel");
            self.leaf("name", reel);
            self.close("reel");
        }
        self.close("timecode");
    }

    fn picture(&mut self, width: u32, height: u32) {
        if width > 0 && height > 0 {
            self.leaf("width", &width.to_string());
            self.leaf("height", &height.to_string());
        }
        self.leaf("anamorphic", "FALSE");
        self.leaf("pixelaspectratio", "square");
        self.leaf("fielddominance", "none");
    }

    fn track_flags(&mut self) {
        self.leaf("enabled", "TRUE");
        self.leaf("locked", "FALSE");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testkit::{self, Fixture};

    /// The document with indentation and line breaks between elements
    /// removed, so fragments can span elements.
    fn compact(xml: &str) -> String {
        xml.lines().map(|l| l.trim_start_matches('\t')).collect()
    }

    /// Writes `selects` on a sequence at the first clip's rate and checks
    /// that every fragment appears in the compacted output.
    fn check(selects: &[Select], fragments: &[&str]) -> String {
        let seq = Sequence::for_selects("Selects", selects, None, None).unwrap();
        let xml = write(&seq, selects);
        testkit::assert_well_formed(&xml);
        let flat = compact(&xml);
        for f in fragments {
            assert!(flat.contains(f), "missing {f:?} in\n{xml}");
        }
        xml
    }

    const NTSC24: &str = "<rate><timebase>24</timebase><ntsc>TRUE</ntsc></rate>";

    #[test]
    fn every_fixture_rate() {
        let fps23976 = format!(
            "<clipitem id=\"clipitem-1\"><masterclipid>masterclip-1</masterclipid><name>A001C001.MOV</name>\
             <enabled>TRUE</enabled><duration>48</duration>{NTSC24}<start>0</start><end>24</end><in>12</in>\
             <out>36</out><pproTicksIn>127135008000</pproTicksIn><pproTicksOut>381405024000</pproTicksOut>\
             <file id=\"file-1\"><name>A001C001.MOV</name><pathurl>file:///media/day1/A001C001.MOV</pathurl>\
             {NTSC24}<duration>48</duration><timecode>{NTSC24}<string>14:31:10:00</string><frame>1254480</frame>\
             <displayformat>NDF</displayformat><reel><name>A001</name></reel></timecode><media><video>\
             <samplecharacteristics>{NTSC24}<width>1920</width><height>1080</height>"
        );
        let seq23976 = format!(
            "<sequence id=\"sequence-1\"><name>Selects</name><duration>24</duration>{NTSC24}<timecode>{NTSC24}\
             <string>01:00:00:00</string><frame>86400</frame><displayformat>NDF</displayformat></timecode><media>"
        );
        let table: &[(Fixture, &[&str])] = &[
            (
                Fixture::Fps23976,
                &[
                    &seq23976,
                    &fps23976,
                    "<channelcount>2</channelcount>",
                    "<marker><comment></comment><name>ANNA: We left at dawn.</name><in>12</in><out>-1</out></marker>",
                    "<clipitem id=\"clipitem-2\">",
                    "<file id=\"file-1\"/><sourcetrack><mediatype>audio</mediatype><trackindex>1</trackindex></sourcetrack>",
                    "<link><linkclipref>clipitem-1</linkclipref><mediatype>video</mediatype><trackindex>1</trackindex><clipindex>1</clipindex></link>\
                     <link><linkclipref>clipitem-2</linkclipref><mediatype>audio</mediatype><trackindex>1</trackindex><clipindex>1</clipindex><groupindex>1</groupindex></link>\
                     <link><linkclipref>clipitem-3</linkclipref><mediatype>audio</mediatype><trackindex>2</trackindex><clipindex>1</clipindex><groupindex>1</groupindex></link>",
                ],
            ),
            (
                Fixture::Fps25,
                &[
                    "<rate><timebase>25</timebase><ntsc>FALSE</ntsc></rate><start>0</start><end>30</end><in>10</in><out>40</out>\
                     <pproTicksIn>101606400000</pproTicksIn><pproTicksOut>406425600000</pproTicksOut>",
                    "<string>14:40:00:00</string><frame>1320000</frame><displayformat>NDF</displayformat>",
                    "<width>3840</width><height>2160</height>",
                    "<comments><mastercomment1>Ben</mastercomment1><mastercomment2>The road was closed.</mastercomment2>\
                     <clipcommenta>Good bite</clipcommenta></comments><logginginfo><description>Ben: The road was closed.</description>\
                     <scene></scene><shottake></shottake><lognote>Good bite</lognote></logginginfo>",
                ],
            ),
            (
                Fixture::Fps2997Df,
                &[
                    "<string>01:00:00;00</string><frame>107892</frame><displayformat>DF</displayformat>",
                    "<string>14:30:59;28</string><frame>1566232</frame><displayformat>DF</displayformat>",
                    "<rate><timebase>30</timebase><ntsc>TRUE</ntsc></rate><start>0</start><end>58</end><in>1</in><out>59</out>\
                     <pproTicksIn>8475667200</pproTicksIn><pproTicksOut>500064364800</pproTicksOut>",
                ],
            ),
            (
                Fixture::Fps50,
                &[
                    "<rate><timebase>50</timebase><ntsc>FALSE</ntsc></rate><start>0</start><end>60</end><in>20</in><out>80</out>",
                    "<string>14:32:00:00</string><frame>2616000</frame><displayformat>NDF</displayformat><reel><name>B002</name></reel>",
                    "<width>1280</width><height>720</height>",
                ],
            ),
            (
                Fixture::Fps5994DfMidnight,
                &[
                    "<string>01:00:00;00</string><frame>215784</frame><displayformat>DF</displayformat>",
                    "<rate><timebase>60</timebase><ntsc>TRUE</ntsc></rate><start>0</start><end>140</end><in>60</in><out>200</out>",
                    "<string>23:59:58;00</string><frame>5178696</frame><displayformat>DF</displayformat>",
                    "<sourcetrack><mediatype>audio</mediatype><trackindex>4</trackindex></sourcetrack>",
                    "<lognote>over midnight</lognote>",
                ],
            ),
        ];
        for (fixture, fragments) in table {
            check(&[fixture.select()], fragments);
        }
    }

    #[test]
    fn files_are_defined_once_and_referenced_after() {
        let s = Fixture::Fps5994DfMidnight.select();
        let mut again = s.clone();
        again.in_frame = 0;
        again.out_frame = 10;
        let xml = check(&[s, again], &["<start>140</start><end>150</end><in>0</in><out>10</out>"]);
        // 2 selects × (1 video + 4 audio) items, one full definition.
        assert_eq!(xml.matches("<file id=\"file-1\">").count(), 1);
        assert_eq!(xml.matches("<file id=\"file-1\"/>").count(), 9);
        assert_eq!(xml.matches("<clipitem id=").count(), 10);
        assert_eq!(xml.matches("<track>").count(), 5);
    }

    #[test]
    fn nasty_names_stay_well_formed_and_intact() {
        let s = Fixture::Nasty.select();
        let xml = check(
            std::slice::from_ref(&s),
            &[
                "<pathurl>file:///Volumes/Card%201/Interview%20%26%20%22B-roll%22%20%3Ctake%202%3E%2C%20caf%C3%A9%20%F0%9F%8E%AC/C0001%20%27%C3%A9%27.MP4</pathurl>",
                "<name>R&amp;D, &lt;1&gt;&#9;&quot;é&quot;</name>",
            ],
        );
        let names = testkit::texts_of(&xml, "name");
        assert!(names.contains(&s.clip.name), "{names:?}");
        let descriptions = testkit::texts_of(&xml, "description");
        assert_eq!(descriptions[0], format!("Zoë \"Z\" O'Neil: {}", s.text));
        assert_eq!(testkit::texts_of(&xml, "lognote")[0], s.comment.clone().unwrap());
    }

    #[test]
    fn audio_only_and_empty_inputs() {
        let mut wav = Fixture::Fps25.select();
        wav.clip.has_video = false;
        let xml = check(
            std::slice::from_ref(&wav),
            &[
                "<media><audio><samplecharacteristics><depth>16</depth><samplerate>48000</samplerate></samplecharacteristics><channelcount>2</channelcount></audio></media>",
            ],
        );
        // The file is defined in full in its first (audio) item.
        assert!(xml.contains("<file id=\"file-1\">"));
        assert!(!compact(&xml).contains("<video><samplecharacteristics>"));
        let seq = Sequence::for_selects("Empty", &[], None, None).unwrap();
        let empty = write(&seq, &[]);
        testkit::assert_well_formed(&empty);
        assert!(compact(&empty).contains("<duration>0</duration>"));
    }

    #[test]
    fn ticks_only_when_whole() {
        assert_eq!(ticks(30, Rate::FPS_29_97), Some(254_270_016_000));
        assert_eq!(ticks(1, Rate::new(25, 2).unwrap()), Some(20_321_280_000));
        assert_eq!(ticks(1, Rate::new(11, 1).unwrap()), None);
        // (2^64 - 1) × 254016000000 × 1001 / 24000, exact in 128 bits.
        assert_eq!(ticks(u64::MAX, Rate::FPS_23_976), Some(195_435_579_615_418_036_187_453_160_000));
    }

    #[test]
    fn real_fcp7_reader_sees_every_fixture() {
        for fixture in Fixture::ALL {
            let s = fixture.select();
            let seq = Sequence::for_selects("Selects", std::slice::from_ref(&s), None, None).unwrap();
            let clips = testkit::read_with_otio("fcp_xml", &write(&seq, std::slice::from_ref(&s)));
            let items = usize::from(s.clip.has_video) + s.clip.audio_channels as usize;
            assert_eq!(clips.len(), items, "{fixture:?}: {clips:#?}");
            testkit::assert_reader_exact(&clips, &s, items);
        }
    }

    #[test]
    fn extremes_never_panic_and_stay_well_formed() {
        for (seq, selects) in testkit::extreme_cases() {
            testkit::assert_well_formed(&write(&seq, &selects));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn any_text_round_trips(name in proptest::prelude::any::<String>(), path in proptest::prelude::any::<String>(), text in proptest::prelude::any::<String>()) {
            let s = testkit::with_text(&name, &path, &text);
            let seq = Sequence::for_selects(&text, std::slice::from_ref(&s), None, None).unwrap();
            let xml = write(&seq, std::slice::from_ref(&s));
            testkit::assert_well_formed(&xml);
            proptest::prop_assert_eq!(&testkit::texts_of(&xml, "name")[1], &testkit::xml_safe(&name));
            proptest::prop_assert_eq!(&testkit::texts_of(&xml, "name")[0], &testkit::xml_safe(&text));
            proptest::prop_assert_eq!(&testkit::texts_of(&xml, "mastercomment2")[0], &testkit::xml_safe(&text));
        }
    }

    #[test]
    fn golden() {
        let (seq, selects) = testkit::golden_example();
        let xml = write(&seq, &selects);
        testkit::assert_well_formed(&xml);
        // Contiguous record spans in 23.976 frames: 24, 46, 29.
        let flat = compact(&xml);
        for span in
            ["<start>0</start><end>24</end>", "<start>24</start><end>70</end>", "<start>70</start><end>99</end>"]
        {
            assert!(flat.contains(span), "{span}");
        }
        testkit::check_golden("selects.xml", &xml);
        let clips = testkit::read_with_otio("fcp_xml", &xml);
        // One clip item per video track and audio channel of each select.
        let items: usize = selects.iter().map(|s| usize::from(s.clip.has_video) + s.clip.audio_channels as usize).sum();
        assert_eq!(clips.len(), items, "{clips:#?}");
        // Same-rate clip: exact. Others: exact source in; the reader
        // takes the duration from the record span, so it is the record
        // length rescaled to the clip rate (within half a frame).
        testkit::assert_reader_exact(&clips, &selects[0], 3);
        for s in &selects[1..] {
            let mine: Vec<_> = clips.iter().filter(|c| c.name == s.clip.name).collect();
            assert_eq!(mine.len(), usize::from(s.clip.has_video) + s.clip.audio_channels as usize, "{}", s.clip.name);
            for c in mine {
                assert_eq!(c.start, (s.clip.start.frame() + s.in_frame) as f64);
                assert!((c.duration - s.duration() as f64).abs() <= 0.5, "{}: {}", s.clip.name, c.duration);
            }
        }
    }
}
