//! Conversions of libraries made by older rushes, when first opened,
//! keeping every clip, cue, note and source record:
//! - schema 3 stored every cue twice as JSON (a segment document, and the
//!   cues in its source record) plus a pair document per boundary;
//! - schema 4 had no transcript language, and indexed unspaced scripts
//!   (Chinese, Japanese, Thai) as one word per run and Arabic and Hebrew
//!   with their vowel marks, so its words must be indexed again;
//! - schema 5 indexed, for phrases across two cues, each cue boundary's
//!   words in a field of their own (`bridge`), where schema 6 marks each
//!   cue's start and end: its cues must be indexed again.
//!
//! A conversion reads every stored document of the old index, writes the
//! same catalog into a new index beside it (`index.new`), and swaps the
//! two:
//!
//! 1. `index.new` is written and committed;
//! 2. `index` is renamed `index.old`, and `index.new` renamed `index`;
//! 3. `library.json` is rewritten with the new version (atomically);
//! 4. `index.old` is removed.
//!
//! A run killed at any step is finished or undone by the next open
//! ([`recover`]), so the library is never left without its words.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::Path;

use serde_json::Value;
use tantivy::schema::{Field, TantivyDocument, Value as _};
use tantivy::{DocAddress, Index, Searcher};

use super::LibraryError;
use super::index::{ClipIndex, IndexError, Open, Transcript};
use super::store::Stored;
use crate::clip::{Clip, NoteRecord, Segment};
use crate::transcript::Cue;
use crate::transcript::Format;

pub(super) const NEW: &str = "index.new";
pub(super) const OLD: &str = "index.old";

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
    // The names rushes used for the 3 → 4 conversion, then today's.
    for (new, old) in [("index.v4-new", "index.v3"), (NEW, OLD)] {
        recover_from(dir, converted, new, old)?;
    }
    Ok(())
}

fn recover_from(dir: &Path, converted: bool, new: &str, old: &str) -> Result<(), LibraryError> {
    let (index, new, old) = (dir.join("index"), dir.join(new), dir.join(old));
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
    let (index_dir, new_dir) = (dir.join("index"), dir.join(NEW));
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
        let language = language_of(&mut record, &cues);
        let transcript = Transcript {
            path: &path,
            format,
            language: language.as_deref(),
            cues: &cues,
            placed: clip.map(|c| (c, placed.as_slice())),
        };
        writer.put_transcript(&id, &record, &transcript)?;
    }
    writer.commit()?;
    drop(writer);
    drop(new);
    drop(lock);
    drop(old_index);
    swap_in(dir, meta_path, to)?;
    Ok(Migration {
        from: 3,
        to,
        clips: clips.len(),
        cues: cues_kept,
        notes: notes.len(),
        sources: docs.iter().filter(|d| d.kind == "source").count(),
    })
}

/// Steps 2–4 of a conversion: the new index (committed in [`NEW`])
/// replaces the old, and `library.json` says the new version.
fn swap_in(dir: &Path, meta_path: &Path, to: u32) -> Result<(), LibraryError> {
    let (index_dir, new_dir, old_dir) = (dir.join("index"), dir.join(NEW), dir.join(OLD));
    fs::rename(&index_dir, &old_dir).map_err(io(&index_dir))?;
    fs::rename(&new_dir, &index_dir).map_err(io(&new_dir))?;
    super::write_meta(meta_path, to)?;
    fs::remove_dir_all(&old_dir).map_err(io(&old_dir))?;
    Ok(())
}

/// The language of a transcript record made before languages were kept:
/// what its file declares, when the file still holds the bytes that were
/// imported, else detected from its cues; written into the record.
fn language_of(record: &mut Value, cues: &[Cue]) -> Option<String> {
    if let Some(code) = record["language"]["code"].as_str() {
        return Some(code.to_string());
    }
    let format = serde_json::from_value::<Format>(record["format"].clone()).ok();
    let declared = match (record["path"].as_str(), record["hash"].as_str(), format) {
        (Some(path), Some(hash), Some(format)) => fs::read(path)
            .ok()
            .filter(|bytes| format!("{:016x}", crate::clip::fnv1a64(bytes)) == hash)
            .and_then(|bytes| crate::transcript::declared_language(&bytes, format)),
        _ => None,
    };
    let found = crate::language::resolve(None, declared.as_deref(), cues.iter().map(|c| c.text.as_str()))?;
    if let Some(o) = record.as_object_mut() {
        o.insert("language".into(), serde_json::to_value(&found).unwrap_or(Value::Null));
    }
    Some(found.code)
}

/// One stored document of a schema-4 or 5 library: its stored fields,
/// and for a transcript's store its address and bytes.
struct StoredDoc {
    kind: String,
    source: String,
    record: String,
    cues: Option<(DocAddress, Vec<u8>)>,
}

/// Converts the schema-4 or 5 library in `dir` (`from`) to the current
/// schema: every document is written again, so transcripts are indexed
/// with today's analysis (unspaced scripts by character, vowel marks
/// folded, each cue's start and end marked) and carry their language
/// (detected from their words when schema 4 had none). Nothing is lost: clips,
/// notes and source records are copied as they are, and each transcript's
/// cues and placed segments come from its compact store.
pub(super) fn reindex(
    dir: &Path,
    meta_path: &Path,
    from: u32,
    to: u32,
    progress: &dyn crate::progress::Progress,
) -> Result<Migration, LibraryError> {
    let (index_dir, new_dir) = (dir.join("index"), dir.join(NEW));
    let old_index = Index::open_in_dir(&index_dir).map_err(IndexError::from)?;
    let lock = old_index.writer_with_num_threads::<TantivyDocument>(1, 15_000_000).map_err(|e| match e {
        tantivy::TantivyError::LockFailure(..) => IndexError::Busy,
        e => IndexError::from(e),
    })?;
    let reader = old_index.reader().map_err(IndexError::from)?;
    let searcher = reader.searcher();
    let mut clips: BTreeMap<String, Clip> = BTreeMap::new();
    let mut notes: Vec<(String, NoteRecord)> = Vec::new();
    let mut sources: Vec<Value> = Vec::new();
    // Each transcript's store by address and cue count: the bytes are read
    // again when the transcript is written, so a big library's stores are
    // never all in memory at once.
    let mut stores: HashMap<String, Vec<(DocAddress, usize)>> = HashMap::new();
    read_stored(&searcher, |doc| {
        let bad =
            |e: serde_json::Error| IndexError::Record(format!("schema-{from} {} record cannot be read: {e}", doc.kind));
        match doc.kind.as_str() {
            "clip" => {
                let clip: Clip = serde_json::from_str(&doc.record).map_err(bad)?;
                clips.insert(clip.id.clone(), clip);
            }
            "note" => notes.push((doc.source.clone(), serde_json::from_str(&doc.record).map_err(bad)?)),
            "source" => sources.push(serde_json::from_str(&doc.record).map_err(bad)?),
            _ => {
                if let Some((addr, bytes)) = doc.cues {
                    let stored = Stored::parse(&bytes)?;
                    // A transcript in chunks has several, read in index order.
                    stores.entry(super::schema::source_id(stored.source())).or_default().push((addr, stored.len()));
                }
            }
        }
        Ok(())
    })?;
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
    // The bar counts cues (as the bytes it would count of files).
    let transcripts = sources.iter().filter(|r| r["kind"] == "transcript").count();
    let total: usize = stores.values().flatten().map(|(_, n)| n).sum();
    progress.begin_words(transcripts as u64, total as u64);
    let mut cues_kept = 0;
    for mut record in sources.iter().cloned() {
        let id = record["id"].as_str().unwrap_or_default().to_string();
        if record["kind"] != "transcript" {
            writer.put_source(&id, &record)?;
            continue;
        }
        let (mut cues, mut segments, mut format) = (Vec::new(), Vec::new(), None);
        for (addr, _) in stores.get(&id).map_or(&[][..], Vec::as_slice) {
            let Some(bytes) = stored_cues(&searcher, *addr)? else { continue };
            let stored = Stored::parse(&bytes)?;
            cues.extend(stored.cues()?);
            segments.extend(stored.segments()?);
            format = format.or_else(|| stored.format().map(str::to_string));
        }
        let clip = record["clip_id"].as_str().and_then(|c| clips.get(c));
        let language = language_of(&mut record, &cues);
        let path = record["path"].as_str().unwrap_or_default().to_string();
        let transcript = Transcript {
            path: &path,
            format: format.as_deref(),
            language: language.as_deref(),
            cues: &cues,
            placed: clip.map(|c| (c, segments.as_slice())),
        };
        writer.put_transcript(&id, &record, &transcript)?;
        cues_kept += segments.len();
        progress.words(cues.len() as u64, segments.len() as u64);
    }
    writer.commit()?;
    progress.finish();
    drop(writer);
    drop(new);
    drop(lock);
    drop(searcher);
    drop(reader);
    drop(old_index);
    swap_in(dir, meta_path, to)?;
    Ok(Migration { from, to, clips: clips.len(), cues: cues_kept, notes: notes.len(), sources: sources.len() })
}

/// Calls `each` with every stored document of `searcher` that is not a
/// cue document (those store nothing).
fn read_stored(
    searcher: &Searcher,
    mut each: impl FnMut(StoredDoc) -> Result<(), LibraryError>,
) -> Result<(), LibraryError> {
    let schema = searcher.schema();
    let field = |name: &str| schema.get_field(name).ok();
    let (kind, source, record, cues) = (field("stored_kind"), field("stored_source"), field("record"), field("cues"));
    let text = |doc: &TantivyDocument, f: Option<Field>| {
        f.and_then(|f| doc.get_first(f).and_then(|v| v.as_str().map(str::to_string))).unwrap_or_default()
    };
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        for doc_id in segment.doc_ids_alive() {
            let addr = DocAddress::new(ord as u32, doc_id);
            let doc: TantivyDocument = searcher.doc(addr).map_err(IndexError::from)?;
            let bytes = cues.and_then(|f| doc.get_first(f).and_then(|v| v.as_bytes().map(<[u8]>::to_vec)));
            let kind = text(&doc, kind);
            if kind.is_empty() && bytes.is_none() {
                continue;
            }
            let cues = bytes.map(|b| (addr, b));
            each(StoredDoc { kind, source: text(&doc, source), record: text(&doc, record), cues })?;
        }
    }
    Ok(())
}

/// The store bytes of the document at `addr`, read again.
fn stored_cues(searcher: &Searcher, addr: DocAddress) -> Result<Option<Vec<u8>>, LibraryError> {
    let field = searcher.schema().get_field("cues").ok();
    let doc: TantivyDocument = searcher.doc(addr).map_err(IndexError::from)?;
    Ok(field.and_then(|f| doc.get_first(f).and_then(|v| v.as_bytes().map(<[u8]>::to_vec))))
}
