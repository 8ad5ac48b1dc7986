//! The tantivy index: the only module that touches tantivy.
//!
//! One index holds every document of the library: clips now, transcript
//! segments and notes later (field `kind`). Each document stores its whole
//! record as JSON in `record`, so the index *is* the catalog: one tantivy
//! commit makes the catalog and the searchable text change together, and a
//! killed process leaves the last commit intact.
//!
//! Update = delete by the unique `doc_key` term, then add (nothing is
//! visible before commit). Text fields use the `folded` analyzer (lower
//! case, accents folded to ASCII) so `cafe` finds `café`.

use std::path::{Path, PathBuf};

use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::directory::error::LockError;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TantivyDocument, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use tantivy::{Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, TantivyError, Term};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::directory::{LibraryDirectory, WriteErrorSlot};
use super::schema::{DocKind, Key, PairRecord, decode, encode};
use crate::clip::{Clip, NoteRecord, Segment};

/// Words each side of a cue boundary indexed for phrases across it.
const PAIR_WORDS: usize = 8;

/// Memory the writer may use (all threads) before it flushes a segment.
const WRITER_MEMORY: usize = 512 << 20;
const FOLDED: &str = "folded";
const KEYWORD: &str = "keyword";

/// Errors from the index, with what the user should do.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("another `rushes ingest` or `rushes import` is writing to this library; wait for it to finish")]
    Busy,
    /// The index folder refused a write: disk full, read-only, no
    /// permission. The operating system's reason is the source.
    #[error("cannot write the library index in {}", path.display())]
    Write { path: PathBuf, source: std::sync::Arc<std::io::Error> },
    /// Tantivy's message already holds its causes; it is not also given as
    /// the source, so it is printed once.
    #[error("index: {0}")]
    Tantivy(TantivyError),
    #[error("index holds a record that cannot be read: {0}")]
    Record(String),
}

impl From<TantivyError> for IndexError {
    fn from(e: TantivyError) -> IndexError {
        IndexError::Tantivy(e)
    }
}

#[derive(Clone, Copy)]
pub(super) struct Fields {
    pub(super) doc_key: Field,
    pub(super) kind: Field,
    pub(super) clip_id: Field,
    pub(super) source_id: Field,
    pub(super) speaker: Field,
    pub(super) camera: Field,
    pub(super) reel: Field,
    pub(super) day: Field,
    pub(super) text: Field,
    pub(super) record: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let folded = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(FOLDED).set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    // Filter fields hold one lower-cased token per value, so a filter
    // ignores case (`MARIA` is `Maria`) and keeps spaces (`SPEAKER 1`).
    let keyword = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(KEYWORD).set_index_option(IndexRecordOption::Basic),
    );
    let fields = Fields {
        doc_key: b.add_text_field("doc_key", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        clip_id: b.add_text_field("clip_id", STRING | STORED),
        source_id: b.add_text_field("source_id", STRING | STORED),
        speaker: b.add_text_field("speaker", keyword.clone()),
        camera: b.add_text_field("camera", keyword.clone()),
        reel: b.add_text_field("reel", keyword.clone()),
        day: b.add_text_field("day", keyword),
        text: b.add_text_field("text", folded),
        record: b.add_text_field("record", STORED),
    };
    (b.build(), fields)
}

fn register_analyzers(index: &Index) {
    let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(80))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    index.tokenizers().register(FOLDED, analyzer);
    let keyword = TextAnalyzer::builder(RawTokenizer::default()).filter(LowerCaser).build();
    index.tokenizers().register(KEYWORD, keyword);
}

/// Turns tantivy's errors into ours: when a write to the index folder
/// failed, that failure (e.g. "No space left on device") is the error, not
/// the worker-thread message tantivy reports after it.
#[derive(Clone, Debug)]
struct Errors {
    dir: PathBuf,
    writes: WriteErrorSlot,
}

impl Errors {
    fn of(&self, e: TantivyError) -> IndexError {
        match (self.writes.first(), e) {
            (Some(source), _) | (None, TantivyError::LockFailure(LockError::IoError(source), _)) => {
                IndexError::Write { path: self.dir.clone(), source }
            }
            (None, TantivyError::LockFailure(LockError::LockBusy, _)) => IndexError::Busy,
            (None, e) => IndexError::Tantivy(e),
        }
    }
}

/// Whether opening an index may create it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Open {
    Existing,
    OrCreate,
}

/// An open index.
pub(super) struct ClipIndex {
    index: Index,
    fields: Fields,
    errors: Errors,
    /// Reader for searches, opened on first use and reloaded when a search
    /// begins ([`ClipIndex::reload`]), so a long-running process sees what
    /// another process or handle committed since (catalog reads open a
    /// fresh one each time).
    search_reader: std::sync::OnceLock<IndexReader>,
}

impl ClipIndex {
    /// Opens the index in `dir`, creating it when `open` allows.
    pub(super) fn open(dir: &Path, open: Open) -> Result<ClipIndex, IndexError> {
        let (schema, fields) = schema();
        let errors = Errors { dir: dir.to_path_buf(), writes: WriteErrorSlot::default() };
        let exists = dir.join("meta.json").exists();
        if !exists && open == Open::Existing {
            return Err(TantivyError::SystemError(format!("no index in {}", dir.display())).into());
        }
        if !exists {
            std::fs::create_dir_all(dir)
                .map_err(|e| IndexError::Write { path: dir.to_path_buf(), source: std::sync::Arc::new(e) })?;
        }
        let directory =
            LibraryDirectory::open(dir, errors.writes.clone()).map_err(|e| errors.of(TantivyError::from(e)))?;
        let index =
            if exists { Index::open(directory) } else { Index::create(directory, schema, IndexSettings::default()) }
                .map_err(|e| errors.of(e))?;
        register_analyzers(&index);
        Ok(ClipIndex { index, fields, errors, search_reader: std::sync::OnceLock::new() })
    }

    /// Takes the single writer lock; a second ingest or import gets
    /// [`IndexError::Busy`] at once (it does not wait).
    pub(super) fn writer(&self) -> Result<Writer, IndexError> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
        match self.index.writer_with_num_threads::<TantivyDocument>(threads, WRITER_MEMORY) {
            Ok(inner) => Ok(Writer {
                inner,
                fields: self.fields,
                errors: self.errors.clone(),
                dirty: std::cell::Cell::new(false),
            }),
            Err(e) => Err(self.errors.of(e)),
        }
    }

    pub(super) fn fields(&self) -> Fields {
        self.fields
    }

    pub(super) fn searcher(&self) -> Result<tantivy::Searcher, IndexError> {
        if let Some(r) = self.search_reader.get() {
            return Ok(r.searcher());
        }
        let reader = self.reader()?;
        let searcher = reader.searcher();
        let _ = self.search_reader.set(reader);
        Ok(searcher)
    }

    /// Makes the search reader see the last commit (of any process). A
    /// search calls it once as it begins, so all its reads share one commit.
    pub(super) fn reload(&self) -> Result<(), IndexError> {
        if let Some(reader) = self.search_reader.get() {
            reader.reload()?;
        }
        Ok(())
    }

    pub(super) fn tokenizer_for(&self, field: Field) -> Option<TextAnalyzer> {
        self.index.tokenizer_for_field(field).ok()
    }

    fn reader(&self) -> Result<IndexReader, IndexError> {
        Ok(self.index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?)
    }

    /// A speaker's transcript cues: the name as the first of them writes
    /// it and how many there are; `None` when no cue has that speaker.
    /// The name is compared whole and case-insensitively, as the
    /// `speaker:` filter compares it.
    pub(super) fn speaker_cues(&self, name: &str) -> Result<Option<(String, usize)>, IndexError> {
        let snapshot = self.snapshot()?;
        let query = all_terms(&[
            (self.fields.kind, DocKind::Segment.as_str()),
            (self.fields.speaker, &name.trim().to_lowercase()),
        ]);
        let (count, first) = snapshot.searcher.search(&query, &(Count, TopDocs::with_limit(1).order_by_score()))?;
        let Some(&(_, addr)) = first.first() else {
            return Ok(None);
        };
        let doc: TantivyDocument = snapshot.searcher.doc(addr)?;
        let json = doc.get_first(self.fields.record).and_then(|v| v.as_str()).unwrap_or_default();
        let written = decode::<Segment>(json)?.speaker.unwrap_or_else(|| name.to_string());
        Ok(Some((written, count)))
    }

    /// A consistent view of the last commit, for many reads in a row.
    pub(super) fn snapshot(&self) -> Result<Snapshot, IndexError> {
        Ok(Snapshot { searcher: self.reader()?.searcher(), fields: self.fields })
    }
}

/// The library as of one commit: reads through it share one searcher.
pub struct Snapshot {
    searcher: tantivy::Searcher,
    fields: Fields,
}

impl Snapshot {
    /// Every clip record.
    pub fn clips(&self) -> Result<Vec<Clip>, IndexError> {
        self.decoded(&[(self.fields.kind, DocKind::Clip.as_str())])
    }

    /// A clip's transcript segments, in index order.
    pub fn segments_of_clip(&self, clip_id: &str) -> Result<Vec<Segment>, IndexError> {
        self.decoded(&[(self.fields.kind, DocKind::Segment.as_str()), (self.fields.clip_id, clip_id)])
    }

    /// The notes placed on a clip, in index order.
    pub fn notes_of_clip(&self, clip_id: &str) -> Result<Vec<NoteRecord>, IndexError> {
        self.decoded(&[(self.fields.kind, DocKind::Note.as_str()), (self.fields.clip_id, clip_id)])
    }

    /// The notes a notes file or sound report brought, placed or not.
    pub fn notes_of_source(&self, source_id: &str) -> Result<Vec<NoteRecord>, IndexError> {
        self.decoded(&[(self.fields.kind, DocKind::Note.as_str()), (self.fields.source_id, source_id)])
    }

    /// Every source record (the importer's type: its shape is its own).
    pub fn sources<R: DeserializeOwned>(&self) -> Result<Vec<R>, IndexError> {
        self.decoded(&[(self.fields.kind, DocKind::Source.as_str())])
    }

    /// The stored records of every document of `kind`, as they are on
    /// disk: for comparing two libraries whole (the safety tests). Readers
    /// of the library use the typed getters.
    pub fn stored_records(&self, kind: DocKind) -> Result<Vec<String>, IndexError> {
        self.records_where(&[(self.fields.kind, kind.as_str())])
    }

    /// How many documents of `kind` belong to one clip (no record is read).
    pub fn count_of_clip(&self, kind: DocKind, clip_id: &str) -> Result<usize, IndexError> {
        let query = all_terms(&[(self.fields.kind, kind.as_str()), (self.fields.clip_id, clip_id)]);
        Ok(self.searcher.search(&query, &tantivy::collector::Count)?)
    }

    /// How many documents of `kind` a source file brought (no record is read).
    pub fn count_of_source(&self, kind: DocKind, source_id: &str) -> Result<usize, IndexError> {
        let query = all_terms(&[(self.fields.kind, kind.as_str()), (self.fields.source_id, source_id)]);
        Ok(self.searcher.search(&query, &tantivy::collector::Count)?)
    }

    fn decoded<T: DeserializeOwned>(&self, terms: &[(Field, &str)]) -> Result<Vec<T>, IndexError> {
        self.records_where(terms)?.iter().map(|json| decode(json)).collect()
    }

    /// Records of documents matching every `(field, value)` term, in
    /// index order (stable between runs for the same commit).
    fn records_where(&self, terms: &[(Field, &str)]) -> Result<Vec<String>, IndexError> {
        let searcher = &self.searcher;
        let query = all_terms(terms);
        let mut addrs: Vec<_> = searcher.search(&query, &DocSetCollector)?.into_iter().collect();
        addrs.sort();
        let mut out = Vec::with_capacity(addrs.len());
        for addr in addrs {
            let doc: TantivyDocument = searcher.doc(addr)?;
            if let Some(json) = doc.get_first(self.fields.record).and_then(|v| v.as_str()) {
                out.push(json.to_string());
            }
        }
        Ok(out)
    }
}

fn all_terms(terms: &[(Field, &str)]) -> BooleanQuery {
    BooleanQuery::new(
        terms
            .iter()
            .map(|(field, value)| {
                let q: Box<dyn Query> =
                    Box::new(TermQuery::new(Term::from_field_text(*field, value), IndexRecordOption::Basic));
                (Occur::Must, q)
            })
            .collect(),
    )
}

/// The library's single writer (holds the lock until dropped). Nothing
/// written is visible to readers before [`Writer::commit`].
pub struct Writer {
    inner: IndexWriter,
    fields: Fields,
    errors: Errors,
    /// Whether anything was written since the last commit: a commit with
    /// nothing new is skipped, so an unchanged re-ingest leaves the index
    /// files byte-identical.
    dirty: std::cell::Cell<bool>,
}

impl Writer {
    /// Replaces (or adds) the clip's document; visible after commit.
    pub fn put_clip(&self, clip: &Clip) -> Result<(), IndexError> {
        let doc = DocMeta {
            kind: DocKind::Clip,
            key: Key::clip(&clip.id),
            clip_id: Some(&clip.id),
            source_id: None,
            camera: clip.camera.as_deref(),
            reel: clip.reel.as_deref(),
            day: clip.day.as_deref(),
            speakers: Vec::new(),
            text: &clip_text(clip),
        };
        self.put(&doc, &encode(clip)?)
    }

    /// Adds cue `seg.n` of transcript `source_id`, placed on `clip`. Its
    /// source's documents were deleted first ([`Writer::delete_source`]),
    /// so its key is new.
    pub fn add_segment(&self, source_id: &str, seg: &Segment, clip: &Clip) -> Result<(), IndexError> {
        let speakers = seg.speaker.as_deref().into_iter().collect();
        let doc =
            DocMeta::of_cue(DocKind::Segment, Key::segment(source_id, seg.n), source_id, clip, speakers, &seg.text);
        self.add(&doc, &encode(seg)?)
    }

    /// Adds two consecutive cues as one searchable document, so a phrase
    /// that runs across a cue boundary is found (search reports it spanning
    /// both cues). Its key is new, as [`Writer::add_segment`]'s.
    pub fn add_pair(&self, source_id: &str, first: &Segment, second: &Segment, clip: &Clip) -> Result<(), IndexError> {
        let record = PairRecord { first: Key::segment(source_id, first.n), second: Key::segment(source_id, second.n) };
        // Only the words around the boundary: enough for any phrase that runs
        // across it, and a third of the size of both cues' text.
        let tail: Vec<&str> = first.text.split_whitespace().collect();
        let head: Vec<&str> = second.text.split_whitespace().take(PAIR_WORDS).collect();
        let text = format!("{}\n{}", tail[tail.len().saturating_sub(PAIR_WORDS)..].join(" "), head.join(" "));
        let mut speakers: Vec<&str> = first.speaker.as_deref().into_iter().collect();
        speakers.extend(
            second.speaker.as_deref().filter(|s| !first.speaker.as_deref().is_some_and(|f| f.eq_ignore_ascii_case(s))),
        );
        let doc = DocMeta::of_cue(DocKind::Pair, Key::pair(source_id, first.n), source_id, clip, speakers, &text);
        self.add(&doc, &encode(&record)?)
    }

    /// Adds a note of source `source_id` as placed (on `clip`, or on none).
    /// Its key is new, as [`Writer::add_segment`]'s.
    pub fn add_note(&self, source_id: &str, note: &NoteRecord, clip: Option<&Clip>) -> Result<(), IndexError> {
        let text =
            if note.tags.is_empty() { note.text.clone() } else { format!("{} {}", note.text, note.tags.join(" ")) };
        let doc = DocMeta {
            kind: DocKind::Note,
            key: Key::note(source_id, note.n, note.clip_id.as_deref()),
            clip_id: note.clip_id.as_deref(),
            source_id: Some(source_id),
            camera: clip.and_then(|c| c.camera.as_deref()).or(note.camera.as_deref()),
            reel: clip.and_then(|c| c.reel.as_deref()),
            day: clip.and_then(|c| c.day.as_deref()).or(note.day.as_deref()),
            speakers: note.speaker.as_deref().into_iter().collect(),
            text: &text,
        };
        self.add(&doc, &encode(note)?)
    }

    /// Replaces (or adds) the record of source file `source_id`.
    pub fn put_source<R: Serialize>(&self, source_id: &str, record: &R) -> Result<(), IndexError> {
        let doc = DocMeta {
            kind: DocKind::Source,
            key: Key::source(source_id),
            clip_id: None,
            source_id: Some(source_id),
            camera: None,
            reel: None,
            day: None,
            speakers: Vec::new(),
            text: "",
        };
        self.put(&doc, &encode(record)?)
    }

    /// Replaces (or adds) the document with `doc.key`.
    fn put(&self, doc: &DocMeta<'_>, record_json: &str) -> Result<(), IndexError> {
        self.dirty.set(true);
        self.inner.delete_term(Term::from_field_text(self.fields.doc_key, doc.key.as_str()));
        self.inner.add_document(self.document(doc, record_json)).map_err(|e| self.errors.of(e))?;
        Ok(())
    }

    fn document(&self, doc: &DocMeta<'_>, record_json: &str) -> TantivyDocument {
        let f = self.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.doc_key, doc.key.as_str());
        d.add_text(f.kind, doc.kind.as_str());
        for (field, value) in [(f.clip_id, doc.clip_id), (f.source_id, doc.source_id)] {
            if let Some(v) = value {
                d.add_text(field, v);
            }
        }
        // Filter fields are stored lower-case so filters ignore case.
        // A camera as its key, so `Cam A`, `A CAM` and `a` all filter alike.
        if let Some(cam) = doc.camera {
            d.add_text(f.camera, crate::clip::camera_key(cam));
        }
        for (field, value) in [(f.reel, doc.reel), (f.day, doc.day)] {
            if let Some(v) = value {
                d.add_text(field, v);
            }
        }
        for speaker in &doc.speakers {
            d.add_text(f.speaker, speaker);
        }
        d.add_text(f.text, doc.text);
        d.add_text(f.record, record_json);
        d
    }

    /// Adds a document whose key is new (its source's documents were just
    /// deleted): no delete is queued, which keeps big imports lean.
    fn add(&self, doc: &DocMeta<'_>, record_json: &str) -> Result<(), IndexError> {
        self.dirty.set(true);
        self.inner.add_document(self.document(doc, record_json)).map_err(|e| self.errors.of(e))?;
        Ok(())
    }

    /// Deletes every document a source file brought (visible after commit).
    pub fn delete_source(&self, source_id: &str) {
        self.dirty.set(true);
        self.inner.delete_term(Term::from_field_text(self.fields.source_id, source_id));
    }

    /// Deletes a clip's document (visible after commit); its words are
    /// the caller's to delete.
    pub fn delete_clip(&self, clip_id: &str) {
        self.dirty.set(true);
        self.inner.delete_term(Term::from_field_text(self.fields.doc_key, Key::clip(clip_id).as_str()));
    }

    /// Makes everything written so far durable and visible, atomically.
    pub fn commit(&mut self) -> Result<(), IndexError> {
        if !self.dirty.replace(false) {
            return Ok(());
        }
        self.inner.commit().map_err(|e| self.errors.of(e))?;
        Ok(())
    }
}

/// What the index needs to know of a document besides its record.
struct DocMeta<'a> {
    kind: DocKind,
    /// Unique key: an update deletes the old document with this key.
    key: Key,
    clip_id: Option<&'a str>,
    source_id: Option<&'a str>,
    camera: Option<&'a str>,
    reel: Option<&'a str>,
    day: Option<&'a str>,
    /// Speakers heard (a pair of cues may have two).
    speakers: Vec<&'a str>,
    /// Searchable text.
    text: &'a str,
}

impl<'a> DocMeta<'a> {
    /// A segment's or pair's: words of `source_id` placed on `clip`.
    fn of_cue(
        kind: DocKind,
        key: Key,
        source_id: &'a str,
        clip: &'a Clip,
        speakers: Vec<&'a str>,
        text: &'a str,
    ) -> DocMeta<'a> {
        DocMeta {
            kind,
            key,
            clip_id: Some(&clip.id),
            source_id: Some(source_id),
            camera: clip.camera.as_deref(),
            reel: clip.reel.as_deref(),
            day: clip.day.as_deref(),
            speakers,
            text,
        }
    }
}

/// The searchable words of a clip: name, reel, scene/take, notes, tracks.
fn clip_text(clip: &Clip) -> String {
    let mut parts: Vec<&str> = vec![&clip.name, &clip.rel_path];
    for v in [&clip.camera, &clip.reel, &clip.scene, &clip.take, &clip.tape, &clip.note].into_iter().flatten() {
        parts.push(v);
    }
    parts.extend(clip.track_names.iter().map(String::as_str));
    parts.join(" ")
}
