//! The library without the binary: a second front end (a server, a script)
//! ingests a card dump, imports a transcript, searches a phrase and exports
//! the hit as an EDL through library calls alone. Nothing here runs
//! `rushes`; every expected value is worked out from the inputs.

use std::path::{Path, PathBuf};

use rushes::export::edl;
use rushes::import::ImportOptions;
use rushes::ingest::{IngestOptions, NoProgress, ingest};
use rushes::library::{Filters, Library};
use rushes::ops::{self, ExportOptions, ExportSource};
use rushes::search::{HitKind, SearchRequest, search};
use rushes::selects::{Format, Output, export_clip};
use rushes::timecode::Timecode;

fn dump() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dump")
}

/// The cue's first frame: its start time rounded to the nearest frame of
/// the clip's exact rate, counted from the clip's first label.
fn frame_at(start: Timecode, seconds_num: u64, seconds_den: u64) -> Timecode {
    let rate = start.format().rate();
    let (num, den) = (u64::from(rate.num()), u64::from(rate.den()));
    // frames = seconds × num / den, to the nearest whole frame.
    let frames = (2 * seconds_num * num + seconds_den * den) / (2 * seconds_den * den);
    start.add_frames(frames)
}

#[test]
fn ingest_import_search_and_export_in_process() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let lib = Library::open_or_create(&tmp.path().join("library")).expect("library");

    // 1. Ingest the card dump.
    let report = ingest(&lib, &[dump()], &IngestOptions::default(), &NoProgress).expect("ingest");
    assert!(report.clips_added > 0, "{report:?}");
    let clips = lib.clips().expect("clips");
    let clip = clips.iter().find(|c| c.name == "C0002.MP4").expect("C0002.MP4 cataloged");

    // 2. Import a transcript for a clip that has none: one cue 0.2 s to 1.0 s.
    let srt = tmp.path().join("C0002 interview.srt");
    std::fs::write(&srt, "1\n00:00:00,200 --> 00:00:01,000\nJOHN: We left the kayak by the mill.\n\n").expect("srt");
    let opts = ImportOptions { clip: Some("C0002.MP4".into()), ..ImportOptions::default() };
    let words = ops::import(&lib, &[srt.canonicalize().expect("canonical")], &opts, &rushes::progress::NoProgress)
        .expect("import");
    assert_eq!((words.transcripts_attached, words.segments), (1, 1), "{words:?}");

    // 3. Search the phrase: one soundbite, on that clip, at the cue's frames.
    let req = SearchRequest {
        query: "\"kayak by the mill\"".into(),
        fuzzy: false,
        exact: false,
        sounds_like: false,
        filters: Filters::default(),
        kind: Some(HitKind::Soundbite),
        limit: None,
        context: 0,
        clearance: None,
        as_of: None,
        unused: false,
    };
    let found = search(&lib, &req).expect("search");
    // (The export below runs this same search again.)
    assert_eq!(found.total, 1);
    let hit = &found.hits[0];
    assert_eq!(hit.clip_id.as_deref(), Some(clip.id.as_str()));
    assert_eq!(hit.speaker.as_deref(), Some("JOHN"));
    let ec = export_clip(clip).expect("the clip has a rate");
    let (tc_in, tc_out) = (frame_at(ec.start, 2, 10), frame_at(ec.start, 1, 1));
    assert_eq!(hit.tc_in.as_deref(), Some(tc_in.to_string().as_str()));
    assert_eq!(hit.tc_out.as_deref(), Some(tc_out.to_string().as_str()));

    // 4. Export the hit as an EDL: one event, source in/out the cue's labels,
    // record from 01:00:00 for as many frames as the cue lasts.
    let options = ExportOptions {
        format: Format::Edl,
        handles: None,
        merge: false,
        title: "api".into(),
        rate: None,
        record_start: None,
    };
    let rendered = ops::export(&lib, &ExportSource::Query(req), &options).expect("export");
    assert_eq!(rendered.notices, []);
    let Output::One(text) = rendered.output else { panic!("one EDL") };
    let events = edl::read(&text).expect("our EDL reads back");
    let [event] = events.as_slice() else { panic!("one event:\n{text}") };
    // The sequence takes the clip's labelling and starts at one hour.
    let one_hour = if ec.format.is_drop_frame() { "01:00:00;00" } else { "01:00:00:00" };
    let record_in = Timecode::parse_in(one_hour, ec.format).expect("one hour");
    let record_out = record_in.add_frames(tc_out.frames_since(tc_in));
    assert_eq!(
        [&event.src_in, &event.src_out, &event.rec_in, &event.rec_out].map(|s| s.as_str()),
        [tc_in, tc_out, record_in, record_out].map(|t| t.to_string()).each_ref().map(|s| s.as_str()),
        "{text}"
    );
    assert_eq!(event.clip_name.as_deref(), Some("C0002.MP4"));
    assert_eq!(event.source_file.as_deref(), Some(clip.path.as_str()));
}

/// The library refuses to live inside a folder it ingests, whoever calls
/// it: nothing may be written into the source.
#[test]
fn ingest_refuses_a_library_inside_the_dump() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let card = tmp.path().join("card");
    std::fs::create_dir(&card).expect("card folder");
    let lib = Library::open_or_create(&card.join("library")).expect("library");
    let err = ingest(&lib, std::slice::from_ref(&card), &IngestOptions::default(), &NoProgress).expect_err("refused");
    assert!(matches!(err, rushes::ingest::IngestError::LibraryInside { .. }), "{err}");
}
