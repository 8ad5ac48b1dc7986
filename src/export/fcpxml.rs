//! FCPXML 1.10 for Final Cut Pro (and DaVinci Resolve's FCPXML import).
//!
//! Contract, as Final Cut Pro itself writes and reads it (checked against
//! FCP's own FCPXML 1.11 exports at every rate, DAWFileKit's `FCPXML
//! Exports`, and the FCPXML 1.10 DTD):
//!
//! - Every time is a rational number of seconds: frames × the rate's frame
//!   duration, written with FCP's denominators — `1001/24000s`,
//!   `1001/30000s`, `1001/60000s` for the NTSC rates and `100/2500s`,
//!   `100/5000s` (× 100) for whole rates — unreduced (`24024/24000s` is 24
//!   frames), except that a whole number of seconds is written `52800s` and
//!   zero `0s`. Times are exact: never a float.
//! - `<resources>`: one `<format>` per distinct video rate and frame size,
//!   named as FCP names it (`FFVideoFormat1080p2398`, `…720p25`,
//!   `…3840x2160p5994`) where FCP has a name, unnamed otherwise; one
//!   `<asset>` per source clip whose `start` is the clip's first timecode as
//!   time (its frame count since midnight × frame duration, so a drop-frame
//!   label such as `14:30:59;28` is frame 1566232 × 1001/30000s) and whose
//!   `<media-rep src>` is the percent-encoded `file://` URL of the media.
//!   Audio-only clips (BWF) get no `format`, as FCP writes them.
//! - `<library><event name="rushes selects"><project name=TITLE><sequence>`
//!   whose `tcStart` is the record start and `tcFormat` DF/NDF; its
//!   `<spine>` holds one `<asset-clip>` per select, contiguous: `offset` is
//!   the record position (sequence time, which includes `tcStart`), `start`
//!   the source in point (clip start + in, at the clip's rate), `duration`
//!   the select's length on the sequence's frame grid (FCP's rule for clips
//!   of another rate, which play in real time, not conformed), `tcFormat`
//!   the clip's labelling. A one-frame `<marker>` at the in point carries
//!   "speaker: text" (truncated to 250 characters; the whole text goes in
//!   the marker's `note`), `<note>` the AP's comment, `<metadata>` the reel.
//! - A select that is not cleared gets a second marker at its in point, a
//!   to-do marker (`completed="0"`) named `NOT CLEARED: <status>` whose
//!   `note` holds the reasons. To-do markers are the ones FCP draws red on
//!   the clip and lists under "Incomplete To-Dos" in the Timeline Index, so
//!   an editor sees each one and can tick it off once the release comes
//!   in; a plain marker would look like the soundbite's own. The
//!   OpenTimelineIO writer maps its red markers to the same attribute.
//!
//! Lossy: a select of a clip at another rate than the sequence lasts the
//! nearest whole number of sequence frames; zero-length selects are left out
//! (FCP refuses them); the speaker lives only in the marker text and the
//! clip id is not written.

use std::collections::HashMap;

use super::{
    ClearanceMark, ExportClip, Gap, Marker, Piece, Placed, PlacedKind, Select, Sequence, convert_frames, file_url,
    xml_escape,
};
use crate::timecode::Rate;

/// The event every export lands in; FCP creates it when missing.
const EVENT_NAME: &str = "rushes selects";

/// Longest marker label, in characters: FCP shows a marker name on one line.
const LABEL_MAX_CHARS: usize = 250;

/// Writes the selects as an FCPXML 1.10 document.
pub fn write(seq: &Sequence, all: &[Select]) -> String {
    let selects: Vec<&Select> = all.iter().filter(|s| s.duration() > 0 && seq.record_frames(s) > 0).collect();
    let seq_rate = seq.format.rate();

    // Formats: the sequence's first, then one per distinct clip format.
    let seq_format = VideoFormat { rate: seq_rate, size: sequence_frame_size(seq_rate, &selects) };
    let mut formats = vec![seq_format];
    for f in selects.iter().filter_map(|s| VideoFormat::of(&s.clip)) {
        if !formats.contains(&f) {
            formats.push(f);
        }
    }
    let format_id = |f: VideoFormat| formats.iter().position(|g| *g == f).map(|i| format!("r{}", i + 1));

    // Assets: one per clip, numbered after the formats.
    let mut asset_ids: HashMap<(&str, &str), String> = HashMap::new();
    let mut assets: Vec<(&ExportClip, String)> = Vec::new();
    for s in &selects {
        let next_id = format!("r{}", formats.len() + assets.len() + 1);
        if let std::collections::hash_map::Entry::Vacant(slot) =
            asset_ids.entry((s.clip.id.as_str(), s.clip.path.as_str()))
        {
            slot.insert(next_id.clone());
            assets.push((&s.clip, next_id));
        }
    }

    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE fcpxml>\n\n<fcpxml version=\"1.10\">\n");
    out.push_str("    <resources>\n");
    for (i, f) in formats.iter().enumerate() {
        out.push_str(&format!("        <format id=\"r{}\"{}/>\n", i + 1, f.attributes()));
    }
    for (clip, id) in &assets {
        let video_format = VideoFormat::of(clip).and_then(format_id);
        out.push_str(&asset_element(clip, id, video_format.as_deref()));
    }
    // The slug over a VO gap is FCP's Basic Title, declared once.
    let title_effect = seq.layout.iter().any(|p| matches!(p, Piece::Gap(_))).then(|| {
        let id = format!("r{}", formats.len() + assets.len() + 1);
        out.push_str(&format!("        <effect id=\"{id}\" name=\"Basic Title\" uid=\"{BASIC_TITLE_UID}\"/>\n"));
        id
    });
    out.push_str("    </resources>\n");

    let seq_format_id = format_id(seq_format).unwrap_or_else(|| "r1".to_string());
    let placed: Vec<Placed> = seq
        .place(all)
        .into_iter()
        .filter(|p| match p.what {
            PlacedKind::Select(s) => s.duration() > 0 && p.record_len > 0,
            PlacedKind::Gap(_) => p.record_len > 0,
        })
        .collect();
    let total = placed.last().map_or(0, |p| p.record_in.saturating_add(p.record_len));
    out.push_str("    <library>\n");
    out.push_str(&format!("        <event name=\"{}\">\n", xml_escape(EVENT_NAME)));
    out.push_str(&format!("            <project name=\"{}\">\n", xml_escape(&seq.title)));
    out.push_str(&format!(
        "                <sequence format=\"{seq_format_id}\" duration=\"{}\" tcStart=\"{}\" tcFormat=\"{}\" audioLayout=\"stereo\" audioRate=\"48k\">\n",
        time(total, seq_rate),
        time(seq.record_start.frame(), seq_rate),
        tc_format(seq.format.is_drop_frame()),
    ));
    out.push_str("                    <spine>\n");
    for (n, p) in placed.iter().enumerate() {
        let record = seq.record_start.frame().saturating_add(p.record_in);
        match p.what {
            PlacedKind::Select(s) => {
                let asset_id = asset_ids.get(&(s.clip.id.as_str(), s.clip.path.as_str())).map_or("", String::as_str);
                let clip_format = VideoFormat::of(&s.clip).and_then(format_id).filter(|id| *id != seq_format_id);
                out.push_str(&asset_clip_element(seq, p, s, asset_id, record, clip_format.as_deref()));
            }
            PlacedKind::Gap(gap) => out.push_str(&gap_element(seq, p, gap, record, title_effect.as_deref(), n + 1)),
        }
    }
    out.push_str("                    </spine>\n");
    out.push_str("                </sequence>\n");
    out.push_str("            </project>\n");
    out.push_str("        </event>\n");
    out.push_str("    </library>\n");
    out.push_str("</fcpxml>\n");
    out
}

fn asset_element(clip: &ExportClip, id: &str, format_id: Option<&str>) -> String {
    let rate = clip.rate();
    let mut attrs = format!(
        " id=\"{id}\" name=\"{}\" start=\"{}\" duration=\"{}\"",
        xml_escape(&clip.name),
        time(clip.start.frame(), rate),
        time(clip.n_frames, rate),
    );
    if clip.has_video {
        attrs.push_str(" hasVideo=\"1\"");
        if let Some(f) = format_id {
            attrs.push_str(&format!(" format=\"{f}\""));
        }
        attrs.push_str(" videoSources=\"1\"");
    }
    if clip.audio_channels > 0 {
        let sample_rate = if clip.audio_sample_rate > 0 { clip.audio_sample_rate } else { 48_000 };
        attrs.push_str(&format!(
            " hasAudio=\"1\" audioSources=\"1\" audioChannels=\"{}\" audioRate=\"{sample_rate}\"",
            clip.audio_channels
        ));
    }
    let mut out = format!("        <asset{attrs}>\n");
    out.push_str(&format!(
        "            <media-rep kind=\"original-media\" src=\"{}\"/>\n",
        xml_escape(&file_url(&clip.path))
    ));
    if let Some(camera) = clip.camera.as_deref().filter(|c| !c.trim().is_empty()) {
        out.push_str("            <metadata>\n");
        out.push_str(&format!(
            "                <md key=\"com.apple.proapps.mio.cameraName\" value=\"{}\"/>\n",
            xml_escape(camera)
        ));
        out.push_str("            </metadata>\n");
    }
    out.push_str("        </asset>\n");
    out
}

fn asset_clip_element(
    seq: &Sequence,
    p: &Placed,
    s: &Select,
    asset_id: &str,
    record: u64,
    format_id: Option<&str>,
) -> String {
    let clip_rate = s.clip.rate();
    let seq_rate = seq.format.rate();
    let start = time(s.clip.start.frame().saturating_add(s.in_frame), clip_rate);
    let mut attrs = format!(
        " ref=\"{asset_id}\" offset=\"{}\" name=\"{}\" start=\"{start}\" duration=\"{}\"",
        time(record, seq_rate),
        xml_escape(&s.clip.name),
        time(seq.record_frames(s), seq_rate),
    );
    if let Some(f) = format_id {
        attrs.push_str(&format!(" format=\"{f}\""));
    }
    attrs.push_str(&format!(" tcFormat=\"{}\"", tc_format(s.clip.format.is_drop_frame())));
    if s.clip.audio_channels > 0 {
        attrs.push_str(" audioRole=\"dialogue\"");
    }

    let pad = "                        ";
    let mut out = format!("{pad}<asset-clip{attrs}>\n");
    // DTD order: note, (anchored items), markers, …, metadata.
    if let Some(comment) = s.comment.as_deref().filter(|c| !c.trim().is_empty()) {
        out.push_str(&format!("{pad}    <note>{}</note>\n", xml_escape(comment)));
    }
    let label = soundbite_label(s);
    if !label.is_empty() {
        let full = full_label(s);
        let note = if full != label { format!(" note=\"{}\"", xml_escape(&full)) } else { String::new() };
        out.push_str(&format!(
            "{pad}    <marker start=\"{start}\" duration=\"{}\" value=\"{}\"{note}/>\n",
            time(1, clip_rate),
            xml_escape(&label),
        ));
    }
    if let Some(mark) = s.uncleared() {
        out.push_str(&format!(
            "{pad}    <marker start=\"{start}\" duration=\"{}\" value=\"{}\" completed=\"0\" note=\"{}\"/>\n",
            time(1, clip_rate),
            xml_escape(&clearance_label(mark)),
            xml_escape(&one_line(&mark.reasons.join("; "))),
        ));
    }
    for (offset, marker) in &p.markers {
        let at = s
            .clip
            .start
            .frame()
            .saturating_add(s.in_frame)
            .saturating_add(convert_frames(*offset, seq_rate, clip_rate));
        out.push_str(&marker_element(pad, time(at, clip_rate), time(1, clip_rate), marker));
    }
    if let Some(reel) = s.clip.reel.as_deref().filter(|r| !r.trim().is_empty()) {
        out.push_str(&format!("{pad}    <metadata>\n"));
        out.push_str(&format!(
            "{pad}        <md key=\"com.apple.proapps.studio.reel\" value=\"{}\"/>\n",
            xml_escape(reel)
        ));
        out.push_str(&format!("{pad}    </metadata>\n"));
    }
    out.push_str(&format!("{pad}</asset-clip>\n"));
    out
}

/// Final Cut Pro's Basic Title, the slug over a VO gap.
const BASIC_TITLE_UID: &str = ".../Titles.localized/Bumper:Opener.localized/Basic Title.localized/Basic Title.moti";

/// Where a gap's own time starts, as FCP writes gaps.
const GAP_START_FRAMES_S: u64 = 3600;

/// A VO gap: record time with no media, its markers, and a title naming
/// the narration on the lane above (`n` numbers its text style).
fn gap_element(seq: &Sequence, p: &Placed, gap: &Gap, record: u64, title: Option<&str>, n: usize) -> String {
    let rate = seq.format.rate();
    let (fd_num, fd_den) = frame_duration(rate);
    // 3600 s in frames of the sequence (exact: a whole number of seconds).
    let start_frames = GAP_START_FRAMES_S * fd_den / fd_num;
    let pad = "                        ";
    let name = xml_escape(&one_line(&gap.title));
    let mut out = format!(
        "{pad}<gap name=\"{name}\" offset=\"{}\" start=\"{}\" duration=\"{}\">\n",
        time(record, rate),
        time(start_frames, rate),
        time(p.record_len, rate)
    );
    if let Some(effect) = title {
        out.push_str(&format!(
            "{pad}    <title ref=\"{effect}\" lane=\"1\" offset=\"{}\" name=\"{name}\" start=\"{}\" duration=\"{}\">\n",
            time(start_frames, rate),
            time(start_frames, rate),
            time(p.record_len, rate)
        ));
        out.push_str(&format!("{pad}        <text><text-style ref=\"ts{n}\">{name}</text-style></text>\n"));
        out.push_str(&format!(
            "{pad}        <text-style-def id=\"ts{n}\"><text-style font=\"Helvetica\" fontSize=\"48\" fontColor=\"1 1 1 1\" alignment=\"center\"/></text-style-def>\n"
        ));
        out.push_str(&format!("{pad}    </title>\n"));
    }
    for (offset, marker) in &p.markers {
        out.push_str(&marker_element(pad, time(start_frames.saturating_add(*offset), rate), time(1, rate), marker));
    }
    out.push_str(&format!("{pad}</gap>\n"));
    out
}

/// A paper edit's marker (heading, VO, note) at `start` in its element's time.
fn marker_element(pad: &str, start: String, duration: String, marker: &Marker) -> String {
    let label = marker.kind.label(&one_line(&marker.text));
    let short: String = label.chars().take(LABEL_MAX_CHARS).collect();
    let note = if short != label { format!(" note=\"{}\"", xml_escape(&label)) } else { String::new() };
    format!("{pad}    <marker start=\"{start}\" duration=\"{duration}\" value=\"{}\"{note}/>\n", xml_escape(&short))
}

/// A video format: rate and frame size (0 × 0 when unknown).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct VideoFormat {
    rate: Rate,
    size: (u32, u32),
}

impl VideoFormat {
    /// The clip's video format; `None` for audio-only media.
    fn of(clip: &ExportClip) -> Option<VideoFormat> {
        clip.has_video.then_some(VideoFormat { rate: clip.rate(), size: (clip.width, clip.height) })
    }

    /// FCP's name for the format, e.g. `FFVideoFormat1080p2398`, for the
    /// rates and sizes FCP names; progressive scan is assumed.
    fn name(self) -> Option<String> {
        let rate = match (self.rate.num(), self.rate.den()) {
            (24000, 1001) => "2398",
            (24, 1) => "24",
            (25, 1) => "25",
            (30000, 1001) => "2997",
            (30, 1) => "30",
            (50, 1) => "50",
            (60000, 1001) => "5994",
            (60, 1) => "60",
            _ => return None,
        };
        let size = match self.size {
            (1920, 1080) => "1080p".to_string(),
            (1280, 720) => "720p".to_string(),
            (0, _) | (_, 0) => return None,
            (w, h) => format!("{w}x{h}p"),
        };
        Some(format!("FFVideoFormat{size}{rate}"))
    }

    /// The attributes after `id`, in FCP's order.
    fn attributes(self) -> String {
        let mut attrs = String::new();
        if let Some(name) = self.name() {
            attrs.push_str(&format!(" name=\"{name}\""));
        }
        let (num, den) = frame_duration(self.rate);
        attrs.push_str(&format!(" frameDuration=\"{num}/{den}s\""));
        if self.size.0 > 0 && self.size.1 > 0 {
            attrs.push_str(&format!(" width=\"{}\" height=\"{}\"", self.size.0, self.size.1));
        }
        attrs
    }
}

/// The sequence's frame size: that of the first video clip at the sequence
/// rate, else of the first video clip, else HD.
fn sequence_frame_size(rate: Rate, selects: &[&Select]) -> (u32, u32) {
    let sized = |s: &&&Select| s.clip.has_video && s.clip.width > 0 && s.clip.height > 0;
    selects
        .iter()
        .filter(sized)
        .find(|s| s.clip.rate() == rate)
        .or_else(|| selects.iter().find(sized))
        .map_or((1920, 1080), |s| (s.clip.width, s.clip.height))
}

/// FCP's frame duration for a rate as `(numerator, denominator)` seconds:
/// `1001/24000` for NTSC rates and `100/2500` for whole ones, as FCP writes.
fn frame_duration(rate: Rate) -> (u64, u64) {
    if rate.den() == 1 { (100, 100 * u64::from(rate.num())) } else { (u64::from(rate.den()), u64::from(rate.num())) }
}

/// `frames` at `rate` as an FCPXML time: `24024/24000s`, `2s`, `0s`.
pub(super) fn time(frames: u64, rate: Rate) -> String {
    let (fd_num, fd_den) = frame_duration(rate);
    let num = u128::from(frames) * u128::from(fd_num);
    let den = u128::from(fd_den);
    if num % den == 0 { format!("{}s", num / den) } else { format!("{num}/{den}s") }
}

fn tc_format(drop_frame: bool) -> &'static str {
    if drop_frame { "DF" } else { "NDF" }
}

/// The marker label of a select: `Speaker: words` on one line, at most
/// [`LABEL_MAX_CHARS`] characters (an ellipsis marks a cut).
pub(super) fn soundbite_label(s: &Select) -> String {
    let label = full_label(s);
    if label.chars().count() <= LABEL_MAX_CHARS {
        return label;
    }
    let mut cut: String = label.chars().take(LABEL_MAX_CHARS - 1).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// The name of the marker of a select that is not cleared, in FCPXML and
/// xmeml: short, so it reads in a marker list.
pub(super) fn clearance_label(mark: &ClearanceMark) -> String {
    format!("NOT CLEARED: {}", one_line(&mark.status))
}

/// `Speaker: words` on one line, however long.
fn full_label(s: &Select) -> String {
    let text = one_line(&s.text);
    match s.speaker.as_deref().map(one_line).filter(|sp| !sp.is_empty()) {
        Some(speaker) if text.is_empty() => speaker,
        Some(speaker) => format!("{speaker}: {text}"),
        None => text,
    }
}

/// Text with every run of whitespace or control characters made one space.
pub(super) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testkit::{self, Fixture};

    /// Writes `selects` on a sequence at the first clip's rate and checks
    /// that every fragment appears in the output.
    fn check(selects: &[Select], fragments: &[&str]) {
        let seq = Sequence::for_selects("Selects", selects, None, None).unwrap();
        let xml = write(&seq, selects);
        testkit::assert_well_formed(&xml);
        for f in fragments {
            assert!(xml.contains(f), "missing {f:?} in\n{xml}");
        }
    }

    #[test]
    fn times_are_exact_rationals_as_fcp_writes_them() {
        let cases: &[(u64, Rate, &str)] = &[
            (0, Rate::FPS_23_976, "0s"),
            (1, Rate::FPS_23_976, "1001/24000s"),
            (48, Rate::FPS_23_976, "48048/24000s"),
            (24000, Rate::FPS_23_976, "1001s"),
            (1, Rate::FPS_25, "100/2500s"),
            (50, Rate::FPS_25, "2s"),
            (85, Rate::FPS_25, "8500/2500s"),
            (60, Rate::FPS_29_97, "60060/30000s"),
            (1, Rate::FPS_50, "100/5000s"),
            (1, Rate::FPS_59_94, "1001/60000s"),
            (90000, Rate::FPS_25, "3600s"),
            (u64::MAX, Rate::FPS_59_94, "18465190817783261166615/60000s"),
        ];
        for &(frames, rate, want) in cases {
            assert_eq!(time(frames, rate), want, "{frames} frames at {rate}");
        }
    }

    #[test]
    fn every_fixture_rate() {
        // Expected times computed independently (frame count × frame duration).
        let table: &[(Fixture, &[&str])] = &[
            (
                Fixture::Fps23976,
                &[
                    r#"<format id="r1" name="FFVideoFormat1080p2398" frameDuration="1001/24000s" width="1920" height="1080"/>"#,
                    r#"start="1255734480/24000s" duration="48048/24000s" hasVideo="1" format="r1""#,
                    r#"tcStart="86486400/24000s" tcFormat="NDF""#,
                    r#"<asset-clip ref="r2" offset="86486400/24000s" name="A001C001.MOV" start="1255746492/24000s" duration="24024/24000s" tcFormat="NDF" audioRole="dialogue">"#,
                    r#"<marker start="1255746492/24000s" duration="1001/24000s" value="ANNA: We left at dawn."/>"#,
                ],
            ),
            (
                Fixture::Fps25,
                &[
                    r#"<format id="r1" name="FFVideoFormat3840x2160p25" frameDuration="100/2500s" width="3840" height="2160"/>"#,
                    r#"start="52800s" duration="2s""#,
                    r#"tcStart="3600s" tcFormat="NDF""#,
                    r#"offset="3600s" name="C0001.MP4" start="132001000/2500s" duration="3000/2500s" tcFormat="NDF""#,
                    r#"<md key="com.apple.proapps.studio.reel" value="A001"/>"#,
                    r#"<md key="com.apple.proapps.mio.cameraName" value="FX6"/>"#,
                ],
            ),
            (
                Fixture::Fps2997Df,
                &[
                    r#"name="FFVideoFormat1080p2997" frameDuration="1001/30000s""#,
                    // 14:30:59;28 is frame 1566232 at 29.97 DF.
                    r#"start="1567798232/30000s" duration="60060/30000s""#,
                    r#"tcStart="107999892/30000s" tcFormat="DF""#,
                    r#"start="1567799233/30000s" duration="58058/30000s" tcFormat="DF""#,
                ],
            ),
            (
                Fixture::Fps50,
                &[
                    r#"name="FFVideoFormat720p50" frameDuration="100/5000s" width="1280" height="720""#,
                    r#"start="52320s" duration="2s""#,
                    r#"start="261602000/5000s" duration="6000/5000s" tcFormat="NDF""#,
                ],
            ),
            (
                Fixture::Fps5994DfMidnight,
                &[
                    r#"name="FFVideoFormat1080p5994" frameDuration="1001/60000s""#,
                    // 23:59:58;00 is frame 5178696 at 59.94 DF; the select runs past midnight.
                    r#"start="5183874696/60000s" duration="240240/60000s""#,
                    r#"tcStart="215999784/60000s" tcFormat="DF""#,
                    r#"start="5183934756/60000s" duration="140140/60000s" tcFormat="DF""#,
                ],
            ),
        ];
        for (fixture, fragments) in table {
            check(&[fixture.select()], fragments);
        }
    }

    #[test]
    fn nasty_names_stay_well_formed_and_intact() {
        let s = Fixture::Nasty.select();
        check(
            std::slice::from_ref(&s),
            &[
                r#"src="file:///Volumes/Card%201/Interview%20%26%20%22B-roll%22%20%3Ctake%202%3E%2C%20caf%C3%A9%20%F0%9F%8E%AC/C0001%20%27%C3%A9%27.MP4""#,
                r#"name="C0001 &amp; &lt;&quot;quoted&quot;&gt;, é 🎬&#9;Tab&#10;Newline""#,
                "<note>Use this &amp; &lt;that&gt;&#10;line two&#13;</note>",
            ],
        );
        // Parsed back, the attribute values are the original strings.
        let seq = Sequence::for_selects("T & <\"'>", std::slice::from_ref(&s), None, None).unwrap();
        let xml = write(&seq, std::slice::from_ref(&s));
        let attrs = testkit::attributes_of(&xml, "asset");
        assert_eq!(attrs.get("name").map(String::as_str), Some(s.clip.name.as_str()));
        let project = testkit::attributes_of(&xml, "project");
        assert_eq!(project.get("name").map(String::as_str), Some("T & <\"'>"));
    }

    #[test]
    fn spine_is_contiguous_across_rates() {
        let selects: Vec<Select> = Fixture::ALL.iter().map(|f| f.select()).collect();
        let seq = Sequence::for_selects("All", &selects, None, None).unwrap();
        let xml = write(&seq, &selects);
        testkit::assert_well_formed(&xml);
        // Sequence at 23.976: record lengths 24, 30 @25 -> 29, 58 @29.97 -> 46,
        // 60 @50 -> 29, 140 @59.94 -> 56, 31 @25 -> 30.
        let lengths = [24u64, 29, 46, 29, 56, 30];
        let mut at = 86_400u64;
        for (s, len) in selects.iter().zip(lengths) {
            assert_eq!(seq.record_frames(s), len, "{}", s.clip.name);
            let want = format!(r#"offset="{}" name="{}""#, time(at, Rate::FPS_23_976), xml_escape(&s.clip.name));
            assert!(xml.contains(&want), "missing {want}");
            at += len;
        }
        // Clips at another rate than the sequence name their own format.
        assert!(xml.contains(r#"duration="29029/24000s" format="r2" tcFormat="NDF""#));
        assert!(xml.contains(&format!(r#"<sequence format="r1" duration="{}""#, time(at - 86_400, Rate::FPS_23_976))));
    }

    #[test]
    fn long_text_is_truncated_in_the_label_and_kept_whole_in_the_note() {
        let mut s = Fixture::Fps25.select();
        s.speaker = None;
        s.text = "word ".repeat(100);
        let label = soundbite_label(&s);
        assert_eq!(label.chars().count(), LABEL_MAX_CHARS);
        assert!(label.ends_with("word…"));
        check(&[s.clone()], &[&format!(r#"note="{}""#, one_line(&s.text))]);
        s.text = "é".repeat(300);
        assert_eq!(soundbite_label(&s).chars().count(), LABEL_MAX_CHARS);
    }

    #[test]
    fn audio_only_and_empty_inputs() {
        let mut s = Fixture::Fps25.select();
        s.clip.has_video = false;
        check(
            &[s.clone()],
            &[r#"start="52800s" duration="2s" hasAudio="1" audioSources="1" audioChannels="2" audioRate="48000">"#],
        );
        let seq = Sequence::for_selects("Empty", &[], None, None).unwrap();
        let xml = write(&seq, &[]);
        testkit::assert_well_formed(&xml);
        assert!(xml.contains(r#"<sequence format="r1" duration="0s" tcStart="3600s" tcFormat="NDF""#));
        // Zero-length selects are left out.
        s.out_frame = s.in_frame;
        let xml = write(&seq, &[s]);
        assert!(!xml.contains("<asset-clip"));
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
            proptest::prop_assert_eq!(&testkit::attributes_of(&xml, "asset")["name"], &testkit::xml_safe(&name));
            proptest::prop_assert_eq!(&testkit::attributes_of(&xml, "project")["name"], &testkit::xml_safe(&text));
            let note = testkit::texts_of(&xml, "note");
            if !text.trim().is_empty() {
                proptest::prop_assert_eq!(&note[0], &testkit::xml_safe(&text));
            }
        }
    }

    #[test]
    fn golden() {
        let (seq, selects) = testkit::golden_example();
        let xml = write(&seq, &selects);
        testkit::assert_well_formed(&xml);
        testkit::check_golden("selects.fcpxml", &xml);
        let clips = testkit::read_with_otio("fcpx_xml", &xml);
        // That reader converts a spine offset at the clip's own
        // (truncated) rate and sorts by it, so clips at other rates than
        // the sequence come back out of order: compare the set only.
        let mut names: Vec<&str> = clips.iter().map(|c| c.name.as_str()).collect();
        let mut want: Vec<&str> = selects.iter().map(|s| s.clip.name.as_str()).collect();
        names.sort_unstable();
        want.sort_unstable();
        assert_eq!(names, want);
        // The clip at the sequence rate reads back as any same-rate one.
        testkit::assert_fcpx_reader_frames(&clips, &selects[0]);
    }

    #[test]
    fn real_fcpx_reader_sees_every_fixture() {
        for fixture in Fixture::ALL {
            let s = fixture.select();
            let seq = Sequence::for_selects("Selects", std::slice::from_ref(&s), None, None).unwrap();
            let clips = testkit::read_with_otio("fcpx_xml", &write(&seq, std::slice::from_ref(&s)));
            assert_eq!(clips.len(), 1, "{fixture:?}: {clips:#?}");
            testkit::assert_fcpx_reader_frames(&clips, &s);
        }
    }
}
