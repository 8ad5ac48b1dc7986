//! Export a selects list as an EDL, in-process: the editor's choice of clip
//! and timecodes becomes frame-exact events, with handles.
//!
//! ```text
//! cargo run --example export_selects
//! ```
//! It ingests `fixtures/dump` into a temporary library and exports two
//! selects written the way an AP writes them.

use std::error::Error;
use std::path::PathBuf;

use rushes::export::Handles;
use rushes::ingest::{IngestOptions, NoProgress, ingest};
use rushes::library::Library;
use rushes::ops::{ExportOptions, ExportSource, export};
use rushes::selects::{Format, Output};

/// Clip names and timecodes in each clip's own labelling (`;` is
/// drop-frame), as in a spreadsheet the AP edited.
const SELECTS: &str = "clip,tc_in,tc_out,comment\n\
C0001.MP4,14:31:00;03,14:31:01;10,the river bite\n\
T001.WAV,14:31:05:05,14:31:05:20,wild track\n";

fn main() -> Result<(), Box<dyn Error>> {
    // 1. A library with the fixture dump in it.
    let tmp = tempfile::tempdir()?;
    let lib = Library::open_or_create(&tmp.path().join("library"))?;
    let dump = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/dump");
    ingest(&lib, &[dump], &IngestOptions::default(), &NoProgress)?;

    // 2. The selects list is a file; a row naming no clip, or a span
    //    outside its clip, fails the whole export with every bad row listed.
    let selects = tmp.path().join("selects.csv");
    std::fs::write(&selects, SELECTS)?;

    // 3. One call: pick the selects, pad them, build the sequence, render.
    let options = ExportOptions {
        format: Format::Edl,
        handles: Some(Handles::parse("12f")?),
        merge: false,
        title: "river selects".to_string(),
        rate: None,
        record_start: None,
    };
    let rendered = export(&lib, &ExportSource::Selects(selects), &options)?;

    // 4. What to tell the user, then what to write (an EDL is one file; an
    //    ALE of clips at several rates would be one log per rate).
    for notice in &rendered.notices {
        eprintln!("{notice}");
    }
    match rendered.output {
        Output::One(text) => print!("{text}"),
        Output::Binary(bytes) => std::io::Write::write_all(&mut std::io::stdout(), &bytes)?,
        Output::PerRate(logs) => logs.iter().for_each(|log| print!("{}", log.text)),
    }
    Ok(())
}
