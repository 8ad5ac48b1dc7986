//! Ingest a card dump and search its words, in-process: what a front end
//! other than the CLI (a server, a script) does, with library calls alone.
//!
//! ```text
//! cargo run --example ingest_and_search -- [DUMP] [QUERY]
//! ```
//! Defaults: `fixtures/dump` and `river`. The library is a temporary folder.

use std::error::Error;
use std::path::PathBuf;

use rushes::ingest::{IngestOptions, NoProgress, ingest};
use rushes::library::{Filters, Library};
use rushes::search::{SearchRequest, search};

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let dump =
        args.next().map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/dump"), PathBuf::from);
    let query = args.next().unwrap_or_else(|| "river".to_string());

    // 1. A library is a folder: the catalog and the index inside it.
    let tmp = tempfile::tempdir()?;
    let lib = Library::open_or_create(&tmp.path().join("library"))?;

    // 2. Ingest walks the dump, catalogs every clip and imports the
    //    transcripts and notes it finds beside them. Each batch is one
    //    commit: what a search sees next is what was committed.
    let report = ingest(&lib, &[dump], &IngestOptions::default(), &NoProgress)?;
    println!("{} clips, {} transcripts attached", report.clips_added, report.words.transcripts_attached);

    // 3. Search: plain words are AND-ed, and their exact phrase ranks first.
    let req = SearchRequest {
        query,
        fuzzy: false,
        exact: false,
        sounds_like: false,
        filters: Filters::default(),
        kind: None,
        limit: None,
        context: 0,
        clearance: None,
        as_of: None,
        unused: false,
    };
    let found = search(&lib, &req)?;

    // 4. Each hit carries its clip and timecode in the clip's own labelling.
    for hit in &found.hits {
        let clip = hit.clip.as_deref().unwrap_or("(no clip)");
        let tc = hit.tc_in.as_deref().unwrap_or("-");
        println!("{clip} {tc}  {}", hit.text);
    }
    println!("{} hits", found.total);
    Ok(())
}
