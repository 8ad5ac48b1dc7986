//! Schema 3 → 4: a library made before the compact transcript store is
//! converted when it is first opened, keeping every clip, cue, note and
//! source record.
//!
//! Schema 3 stored every cue twice as JSON (a segment document, and the
//! cues in its source record) plus a pair document per boundary. The
//! conversion reads every document of the old index, writes the same
//! catalog into a new index beside it (`index.v4-new`), and swaps the two:
//!
//! 1. `index.v4-new` is written and committed;
//! 2. `index` is renamed `index.v3`, and `index.v4-new` renamed `index`;
//! 3. `library.json` is rewritten with version 4 (atomically);
//! 4. `index.v3` is removed.
//!
//! A run killed at any step is finished or undone by the next open
//! ([`recover`]), so the library is never left without its words.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::Path;

use serde_json::Value;
use tantivy::schema::{Field, TantivyDocument, Value as _};
use tantivy::{DocAddress, Index};

use super::LibraryError;
use super::index::{ClipIndex, IndexError, Open, Transcript};
use crate::clip::{Clip, NoteRecord, Segment};
use crate::transcript::Cue;
use crate::transcript::Format;

pub(super) const NEW: &str = "index.v4-new";
pub(super) const OLD: &str = "index.v3";

/// What a conversion kept, for the message shown to the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Migration {
    pub from: u32,
    pub to: u32,
    pub clips: usize,
    pub cues: usize,
    pub notes: usize,
    pub sources: usize,
}

impl std::fmt::Display for Migration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "library converted from schema {} to {}: {} clips, {} transcript cues, {} notes and {} source files kept",
            self.from, self.to, self.clips, self.cues, self.notes, self.sources
        )
    }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> LibraryError + '_ {
    move |error| LibraryError::Io { path: path.to_path_buf(), error }
}

/// Finishes or undoes a conversion a killed run left half done, before
/// the version is read. `converted` tells whether `library.json` already
/// says the new version.
pub(super) fn recover(dir: &Path, converted: bool) -> Result<(), LibraryError> {
    let (index, new, old) = (dir.join("index"), dir.join(NEW), dir.join(OLD));
    if converted {
        // Step 4 did not finish: the old index is no longer needed.
        if old.exists() {
            fs::remove_dir_all(&old).map_err(io(&old))?;
        }
        return Ok(());
    }
    if !index.exists() && old.exists() {
        // Killed between the two renames of step 2: undo the first.
        fs::rename(&old, &index).map_err(io(&old))?;
    }
    if new.exists() {
        fs::remove_dir_all(&new).map_err(io(&new))?;
    }
    Ok(())
}

/// One schema-3 document: its stored fields by name.
struct OldDoc {
    kind: String,
    source_id: String,
    record: String,
}

fn read_old(index_dir: &Path) -> Result<Vec<OldDoc>, IndexError> {
    let index = Index::open_in_dir(index_dir)?;
    let schema = index.schema();
    let field = |name: &str| schema.get_field(name).ok();
    let (kind, source_id, record) = (field("kind"), field("source_id"), field("record"));
    let text = |doc: &TantivyDocument, f: Option<Field>| {
        f.and_then(|f| doc.get_first(f).and_then(|v| v.as_str().map(str::to_string))).unwrap_or_default()
    };
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let mut out = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        for doc_id in segment.doc_ids_alive() {
            let doc: TantivyDocument = searcher.doc(DocAddress::new(ord as u32, doc_id))?;
            out.push(OldDoc { kind: text(&doc, kind), source_id: text(&doc, source_id), record: text(&doc, record) });
        }
    }
    Ok(out)
}

fn json<T: serde::de::DeserializeOwned>(doc: &OldDoc) -> Result<T, IndexError> {
    serde_json::from_str(&doc.record)
        .map_err(|e| IndexError::Record(format!("schema-3 {} record cannot be read: {e}", doc.kind)))
}

/// Converts the schema-3 library in `dir` to the current schema.
pub(super) fn from_v3(dir: &Path, meta_path: &Path, to: u32) -> Result<Migration, LibraryError> {
    let (index_dir, new_dir, old_dir) = (dir.join("index"), dir.join(NEW), dir.join(OLD));
    // Hold the old index's writer lock: no old rushes writes meanwhile,
    // and a second process converting at once gets "busy".
    let old_index = Index::open_in_dir(&index_dir).map_err(IndexError::from)?;
    let lock = old_index.writer_with_num_threads::<TantivyDocument>(1, 15_000_000).map_err(|e| match e {
        tantivy::TantivyError::LockFailure(..) => IndexError::Busy,
        e => IndexError::from(e),
    })?;
    let docs = read_old(&index_dir)?;

    let mut clips: BTreeMap<String, Clip> = BTreeMap::new();
    let mut segments: HashMap<String, Vec<Segment>> = HashMap::new();
    let mut notes: Vec<(String, NoteRecord)> = Vec::new();
    let mut sources: Vec<Value> = Vec::new();
    for doc in &docs {
        match doc.kind.as_str() {
            "clip" => {
                let clip: Clip = json(doc)?;
                clips.insert(clip.id.clone(), clip);
            }
            "segment" => segments.entry(doc.source_id.clone()).or_default().push(json(doc)?),
            "note" => notes.push((doc.source_id.clone(), json(doc)?)),
            "source" => sources.push(json(doc)?),
            // Pairs are made again from the segments.
            _ => {}
        }
    }

    if new_dir.exists() {
        fs::remove_dir_all(&new_dir).map_err(io(&new_dir))?;
    }
    let new = ClipIndex::open(&new_dir, Open::OrCreate)?;
    let mut writer = new.writer()?;
    for clip in clips.values() {
        writer.put_clip(clip)?;
    }
    for (source_id, note) in &notes {
        writer.add_note(source_id, note, note.clip_id.as_ref().and_then(|id| clips.get(id)))?;
    }
    let mut cues_kept = 0;
    for mut record in sources {
        let id = record["id"].as_str().unwrap_or_default().to_string();
        if record["kind"] != "transcript" {
            writer.put_source(&id, &record)?;
            continue;
        }
        let cues: Vec<Cue> = match record.as_object_mut().and_then(|o| o.remove("cues")) {
            Some(v) => serde_json::from_value(v)
                .map_err(|e| IndexError::Record(format!("schema-3 source {id}: cues cannot be read: {e}")))?,
            None => Vec::new(),
        };
        let mut placed = segments.remove(&id).unwrap_or_default();
        placed.sort_by_key(|s| s.n);
        let clip = record["clip_id"].as_str().and_then(|c| clips.get(c));
        cues_kept += placed.len();
        let path = record["path"].as_str().unwrap_or_default().to_string();
        let format = serde_json::from_value::<Format>(record["format"].clone()).ok().map(Format::name);
        let transcript = Transcript { path: &path, format, cues: &cues, placed: clip.map(|c| (c, placed.as_slice())) };
        writer.put_transcript(&id, &record, &transcript)?;
    }
    writer.commit()?;
    drop(writer);
    drop(new);
    drop(lock);
    drop(old_index);

    fs::rename(&index_dir, &old_dir).map_err(io(&index_dir))?;
    fs::rename(&new_dir, &index_dir).map_err(io(&new_dir))?;
    super::write_meta(meta_path, to)?;
    fs::remove_dir_all(&old_dir).map_err(io(&old_dir))?;
    Ok(Migration {
        from: 3,
        to,
        clips: clips.len(),
        cues: cues_kept,
        notes: notes.len(),
        sources: docs.iter().filter(|d| d.kind == "source").count(),
    })
}
