//! The tantivy index: the only module that touches tantivy.
//!
//! One index holds every document of the library (field `kind`), so the
//! index *is* the catalog: one tantivy commit makes the catalog and the
//! searchable text change together, and a killed process leaves the last
//! commit intact.
//! - Catalog documents (clips, notes, source records) store their record
//!   as JSON in `record`; an update deletes by the unique `doc_key` term,
//!   then adds (nothing is visible before commit).
//! - A transcript is one `cues` document holding every cue in the compact
//!   store (`store.rs`), and one searchable document per cue that stores
//!   nothing: its words (`text`) between a start and an end mark, its
//!   filters, and its transcript and number as fast fields. A hit reads
//!   its cue from the store. All of a transcript's documents share its
//!   `source_id` term, so one delete removes them.
//! - A transcript's cue documents are added as one group, so they land in
//!   one segment in cue order and stay so through merges: the document
//!   after a cue is the next cue, and a phrase across two cues is found
//!   from the first's end mark and the second's start mark (`span.rs`).
//!
//! Text fields use the `folded` analyzer (`analysis.rs`: words, and
//! characters of unspaced scripts; lower case, accents and vowel marks
//! folded) so `cafe` finds `café`.

use std::path::{Path, PathBuf};

use tantivy::collector::{Collector, Count, DocSetCollector, TopDocs};
use tantivy::columnar::Column;
use tantivy::directory::error::LockError;
use tantivy::indexer::UserOperation;
use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, Schema, TantivyDocument, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, TantivyError, Term};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::directory::{LibraryDirectory, WriteErrorSlot};
use super::schema::{DocKind, Key, PairRecord, decode, encode, source_id};
use super::store::{self, Stored};
use crate::clip::{Clip, NoteRecord, Segment};
use crate::transcript::Cue;

/// Memory the writer may use (all threads) before it flushes a segment:
/// bounded, so a big import stays small in memory.
const WRITER_MEMORY: usize = 128 << 20;
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
    /// Unique key of a catalog document (clip, note, source); stored.
    /// Cue documents have none: their transcript and number identify them.
    pub(super) doc_key: Field,
    pub(super) kind: Field,
    pub(super) clip_id: Field,
    pub(super) source_id: Field,
    pub(super) speaker: Field,
    pub(super) camera: Field,
    pub(super) reel: Field,
    pub(super) day: Field,
    pub(super) text: Field,
    /// The record of a catalog document (JSON), its kind and its source.
    pub(super) record: Field,
    pub(super) stored_kind: Field,
    pub(super) stored_source: Field,
    /// A transcript's cues (see `store`), on its one `cues` document.
    pub(super) cues: Field,
    /// A cue document's transcript (its source id's hash) and number.
    pub(super) cue_src: Field,
    pub(super) cue_n: Field,
    /// A cue's transcript language (ISO 639-1), when known.
    pub(super) language: Field,
}

/// The kind of the one document per transcript that holds its cues.
pub(super) const CUES_KIND: &str = "cues";
pub(super) const CUE_SRC: &str = "cue_src";
pub(super) const CUE_N: &str = "cue_n";

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let folded = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(FOLDED).set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    // Filter fields hold one lower-cased token per value, so a filter
    // ignores case (`MARIA` is `Maria`) and keeps spaces (`SPEAKER 1`).
    // No field norms: a filter or a key scores nothing, and each would be
    // a byte per document written, merged and kept on disk.
    let keyword = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(KEYWORD)
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    );
    let keyword_basic = keyword.clone();
    let key = || {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("raw")
                .set_index_option(IndexRecordOption::Basic)
                .set_fieldnorms(false),
        )
    };
    let fields = Fields {
        doc_key: b.add_text_field("doc_key", key() | STORED),
        kind: b.add_text_field("kind", key()),
        clip_id: b.add_text_field("clip_id", key()),
        source_id: b.add_text_field("source_id", key()),
        speaker: b.add_text_field("speaker", keyword.clone()),
        camera: b.add_text_field("camera", keyword.clone()),
        reel: b.add_text_field("reel", keyword.clone()),
        day: b.add_text_field("day", keyword.clone()),
        text: b.add_text_field("text", folded),
        record: b.add_text_field("record", STORED),
        stored_kind: b.add_text_field("stored_kind", STORED),
        stored_source: b.add_text_field("stored_source", STORED),
        cues: b.add_bytes_field("cues", STORED),
        cue_src: b.add_u64_field(CUE_SRC, FAST),
        cue_n: b.add_u64_field(CUE_N, FAST),
        language: b.add_text_field("language", keyword_basic),
    };
    (b.build(), fields)
}

fn register_analyzers(index: &Index) {
    index.tokenizers().register(FOLDED, super::analysis::folded());
    index.tokenizers().register(KEYWORD, super::analysis::keyword());
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
    /// Transcripts the search reader read lately.
    stores: std::sync::Mutex<ByteCache>,
    /// Catalog records the search reader read lately (hits' clips).
    records: std::sync::Mutex<ByteCache>,
    /// Threads that search the segments of a commit side by side, started
    /// by the first search of a library with more than one segment (none
    /// on one core, or when they cannot start). Not sooner: made on a
    /// thread of its own as a search began, its new workers spun
    /// (`sched_yield`) on both cores while this thread opened the
    /// segments, and a 1M-cue stock phrase took 19.1 instead of 17.3 ms
    /// per process (60 alternating runs).
    pool: std::sync::OnceLock<Option<rayon::ThreadPool>>,
    /// The cue columns of the segments searched, opened once each: an open
    /// reads every block's header (a millisecond for a large segment),
    /// and a segment's columns never change.
    columns: std::sync::Mutex<OpenColumns>,
}

/// Columns open, by segment and column name.
type OpenColumns = std::collections::HashMap<(tantivy::index::SegmentId, &'static str), Option<Column<u64>>>;

/// Search threads at most (one per core up to this).
const SEARCH_THREADS: usize = 4;

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
        Ok(ClipIndex {
            index,
            fields,
            errors,
            search_reader: std::sync::OnceLock::new(),
            stores: std::sync::Mutex::new(ByteCache::new(STORE_CACHE_BYTES)),
            records: std::sync::Mutex::new(ByteCache::new(RECORD_CACHE_BYTES)),
            pool: std::sync::OnceLock::new(),
            columns: std::sync::Mutex::default(),
        })
    }

    /// Takes the single writer lock; a second ingest or import gets
    /// [`IndexError::Busy`] at once (it does not wait).
    pub(super) fn writer(&self) -> Result<Writer, IndexError> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
        match self.index.writer_with_num_threads::<Queued>(threads, WRITER_MEMORY) {
            Ok(inner) => Ok(Writer {
                inner,
                fields: self.fields,
                errors: self.errors.clone(),
                dirty: std::cell::Cell::new(false),
                queue: std::sync::Arc::default(),
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

    /// Runs `collector` over the matches of `query` in every segment of
    /// `searcher`, the segments side by side on one thread per core: a
    /// heavy query (a phrase of common words) then takes about the time of
    /// its largest segment rather than of all of them. The fruits are
    /// merged in segment order, so the answer is the same as on one thread.
    pub(super) fn search<C: Collector>(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        collector: &C,
    ) -> tantivy::Result<C::Fruit> {
        let scoring = if collector.requires_scoring() {
            EnableScoring::enabled_from_searcher(searcher)
        } else {
            EnableScoring::disabled_from_searcher(searcher)
        };
        let weight = query.weight(scoring)?;
        collector.check_schema(searcher.schema())?;
        let readers = searcher.segment_readers();
        let fruits = self.map(
            |ord: usize| collector.collect_segment(weight.as_ref(), ord as u32, &readers[ord]),
            (0..readers.len()).collect(),
            |&ord| segment_cost(&readers[ord]),
        )?;
        collector.merge_fruits(fruits)
    }

    /// `f` of each of `args`, side by side on the search threads when
    /// there are several, the answers in the order of `args`.
    ///
    /// Each thread takes the next piece not yet taken, the costliest
    /// first (by `cost`; equal costs in their order). A commit's segments
    /// differ in size by ten times and more (two merged ones and several
    /// young ones): handed out in their order, one thread could take both
    /// large ones and finish long after the other.
    pub(super) fn map<A: Send, R: Send, E: Send + From<TantivyError>>(
        &self,
        f: impl Fn(A) -> Result<R, E> + Sync,
        args: Vec<A>,
        cost: impl Fn(&A) -> u64,
    ) -> Result<Vec<R>, E> {
        let Some(pool) = self.pool(args.len()) else {
            return args.into_iter().map(f).collect();
        };
        let order = costliest_first(&args, cost);
        let pieces: Vec<std::sync::Mutex<Option<A>>> =
            args.into_iter().map(|a| std::sync::Mutex::new(Some(a))).collect();
        let answers: Vec<std::sync::Mutex<Option<Result<R, E>>>> =
            pieces.iter().map(|_| std::sync::Mutex::new(None)).collect();
        let next = std::sync::atomic::AtomicUsize::new(0);
        let work = || {
            while let Some(&i) = order.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
                let piece = lock(&pieces[i]).take();
                if let Some(a) = piece {
                    let answer = f(a);
                    *lock(&answers[i]) = Some(answer);
                }
            }
        };
        // This thread works too: the pool has one thread fewer than the
        // cores, so none waits idle beside the others.
        pool.in_place_scope(|scope| {
            for _ in 1..(pool.current_num_threads() + 1).min(order.len()) {
                scope.spawn(|_| work());
            }
            work();
        });
        answers
            .into_iter()
            .map(|a| {
                a.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner).unwrap_or_else(|| {
                    Err(TantivyError::InternalError("a search thread left its work undone".into()).into())
                })
            })
            .collect()
    }

    /// The search threads for `parts` pieces of work: none (this thread)
    /// for one.
    fn pool(&self, parts: usize) -> Option<&rayon::ThreadPool> {
        if parts < 2 {
            return None;
        }
        self.pool
            .get_or_init(|| {
                let cores = std::thread::available_parallelism().map_or(1, |n| n.get()).min(SEARCH_THREADS);
                // The searching thread is one of them.
                let threads = cores - 1;
                if threads < 1 {
                    return None;
                }
                // Threads that cannot start leave the search on this one.
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .thread_name(|n| format!("rushes-search-{n}"))
                    .build()
                    .ok()
            })
            .as_ref()
    }

    /// Makes the search reader see the last commit (of any process). A
    /// search calls it once as it begins, so all its reads share one commit.
    /// Reopening every segment costs more than a small query, so the
    /// reader is reopened only when the committed segments differ from the
    /// ones it reads (a commit, a merge or a deletion); its caches survive
    /// otherwise.
    pub(super) fn reload(&self) -> Result<(), IndexError> {
        let Some(reader) = self.search_reader.get() else { return Ok(()) };
        let committed: Vec<_> =
            self.index.searchable_segment_metas()?.iter().map(|m| (m.id(), m.delete_opstamp())).collect();
        let searcher = reader.searcher();
        let reading: Vec<_> = searcher.segment_readers().iter().map(|r| (r.segment_id(), r.delete_opstamp())).collect();
        if committed != reading {
            reader.reload()?;
            lock(&self.columns).retain(|(segment, _), _| committed.iter().any(|(id, _)| id == segment));
        }
        Ok(())
    }

    /// Column `name` (a `u64` fast field) of `reader`'s segment, opened
    /// once for every search (`None`: the segment has none).
    pub(super) fn column(
        &self,
        reader: &tantivy::SegmentReader,
        name: &'static str,
    ) -> tantivy::Result<Option<Column<u64>>> {
        let key = (reader.segment_id(), name);
        if let Some(column) = lock(&self.columns).get(&key) {
            return Ok(column.clone());
        }
        let opened = reader.fast_fields().column_opt(name)?;
        lock(&self.columns).insert(key, opened.clone());
        Ok(opened)
    }

    /// Whether [`ClipIndex::column`] has `name` of `reader`'s segment open.
    pub(super) fn has_column(&self, reader: &tantivy::SegmentReader, name: &'static str) -> bool {
        lock(&self.columns).contains_key(&(reader.segment_id(), name))
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
        let written = match cue_of(&snapshot.searcher, addr)? {
            Some((src, n)) => {
                let bytes = cue_stored(&snapshot.searcher, self.fields, &src, n)?;
                let seg = bytes.map(|(b, _)| Stored::parse(&b)?.segment(n)).transpose()?;
                seg.flatten().and_then(|s| s.speaker)
            }
            None => None,
        };
        Ok(Some((written.unwrap_or_else(|| name.to_string()), count)))
    }

    /// A consistent view of the last commit, for many reads in a row.
    pub(super) fn snapshot(&self) -> Result<Snapshot, IndexError> {
        Ok(Snapshot { searcher: self.reader()?.searcher(), fields: self.fields })
    }

    /// The stored cues that hold cue `n` of transcript `source_id` (its
    /// chunk, or a transcript written before chunks whole) as the search
    /// reader sees them, cached for that commit: context and pairs read
    /// the same cues again and again, and so does search as you type.
    pub(super) fn cue_chunk(&self, source_id: &str, n: usize) -> Result<Option<std::sync::Arc<Vec<u8>>>, IndexError> {
        let searcher = self.searcher()?;
        let generation = searcher.generation().generation_id();
        let chunk = chunk_term(source_id, n);
        if let Some(hit) = self.cached(generation, &chunk, source_id) {
            return Ok(Some(hit));
        }
        // Read with the lock released: other searches go on meanwhile.
        let Some((bytes, whole)) = cue_stored(&searcher, self.fields, source_id, n)? else { return Ok(None) };
        let bytes = std::sync::Arc::new(bytes);
        lock(&self.stores).insert(generation, if whole { source_id } else { &chunk }, bytes.clone());
        Ok(Some(bytes))
    }

    /// The chunk cached as `chunk`, or the whole transcript `source_id`.
    fn cached(&self, generation: u64, chunk: &str, source_id: &str) -> Option<std::sync::Arc<Vec<u8>>> {
        let mut stores = lock(&self.stores);
        stores.get(generation, chunk).or_else(|| stores.get(generation, source_id))
    }

    /// Whether the stored cue `n` of transcript `source_id` is cached for
    /// the search reader's commit `generation` (reading it costs nothing).
    pub(super) fn has_cue(&self, generation: u64, source_id: &str, n: usize) -> bool {
        self.cached(generation, &chunk_term(source_id, n), source_id).is_some()
    }

    /// Whether the record of the catalog document `key` is cached for the
    /// search reader's commit `generation` (reading it costs nothing).
    pub(super) fn has_record(&self, generation: u64, key: &str) -> bool {
        lock(&self.records).get(generation, key).is_some()
    }

    /// The stored record of the catalog document `key` as the search
    /// reader sees it, from the cache or through `load` (which returns an
    /// empty record for a key with no document).
    pub(super) fn record_cached<E>(
        &self,
        generation: u64,
        key: &str,
        load: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<std::sync::Arc<Vec<u8>>, E> {
        if let Some(hit) = lock(&self.records).get(generation, key) {
            return Ok(hit);
        }
        let bytes = std::sync::Arc::new(load()?);
        lock(&self.records).insert(generation, key, bytes.clone());
        Ok(bytes)
    }
}

/// The order in which [`ClipIndex::map`] hands out `args`: the costliest
/// first, equal costs in their order.
fn costliest_first<A>(args: &[A], cost: impl Fn(&A) -> u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..args.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(cost(&args[i])));
    order
}

/// What searching a segment costs, roughly, for handing the segments out
/// to the search threads: its documents.
pub(super) fn segment_cost(reader: &tantivy::SegmentReader) -> u64 {
    reader.max_doc().into()
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Transcripts kept ready by the search reader. A page of 200 hits reads
/// up to 200 transcripts (a few to a few tens of kilobytes each); a
/// long-running reader (`rushes serve`, where search as you type asks for
/// much the same pages again) keeps them across searches instead of
/// decompressing them from the doc store each time.
const STORE_CACHE_BYTES: usize = 64 << 20;
/// Catalog records (a clip's is about a kilobyte): each hit names its clip.
const RECORD_CACHE_BYTES: usize = 32 << 20;

/// Values read at one commit, up to a budget of bytes; a new commit
/// empties it.
pub(super) struct ByteCache {
    generation: u64,
    bytes: usize,
    budget: usize,
    map: std::collections::HashMap<String, std::sync::Arc<Vec<u8>>>,
}

impl ByteCache {
    fn new(budget: usize) -> ByteCache {
        ByteCache { generation: 0, bytes: 0, budget, map: std::collections::HashMap::new() }
    }

    fn get(&mut self, generation: u64, key: &str) -> Option<std::sync::Arc<Vec<u8>>> {
        if self.generation != generation {
            self.generation = generation;
            self.map.clear();
            self.bytes = 0;
        }
        self.map.get(key).cloned()
    }

    /// Keeps `bytes` for `key`, first dropping entries (in the map's
    /// arbitrary order, which is close to random) until it fits the budget.
    fn insert(&mut self, generation: u64, key: &str, bytes: std::sync::Arc<Vec<u8>>) {
        let len = bytes.len();
        if generation != self.generation || len > self.budget {
            return;
        }
        while self.bytes + len > self.budget {
            let Some(old_key) = self.map.keys().next().cloned() else { break };
            if let Some(old) = self.map.remove(&old_key) {
                self.bytes -= old.len();
            }
        }
        if let Some(old) = self.map.insert(key.to_string(), bytes) {
            self.bytes -= old.len();
        }
        self.bytes += len;
    }
}

/// The source id a cue document's hash stands for (see [`source_hash`]).
pub(super) fn source_of_hash(hash: u64) -> String {
    format!("src:{hash:016x}")
}

/// A source id (`src:` and 16 hex digits, see `schema::source_id`) as
/// the u64 a cue document holds.
pub(super) fn source_hash(source_id: &str) -> Option<u64> {
    source_id.strip_prefix("src:").and_then(|h| u64::from_str_radix(h, 16).ok())
}

/// The transcript and number of a cue document; `None` for any other.
pub(super) fn cue_of(searcher: &tantivy::Searcher, addr: DocAddress) -> Result<Option<(String, usize)>, IndexError> {
    let fast = searcher.segment_reader(addr.segment_ord).fast_fields();
    let (Some(src), Some(n)) = (fast.column_opt::<u64>(CUE_SRC)?, fast.column_opt::<u64>(CUE_N)?) else {
        return Ok(None);
    };
    Ok(src.first(addr.doc_id).zip(n.first(addr.doc_id)).map(|(s, n)| (source_of_hash(s), n as usize)))
}

/// The `source_id` term of the chunk of transcript `source_id` that holds
/// cue `n` (`store::CUES_PER_CHUNK`): each chunk's document has its
/// transcript's id, for deleting and reading it whole, and this one, so a
/// hit finds its chunk by one term.
fn chunk_term(source_id: &str, n: usize) -> String {
    format!("{source_id}/{}", n / store::CUES_PER_CHUNK)
}

/// The stored cues that hold cue `n` of transcript `source_id`: its
/// chunk, or, for a transcript written before chunks, the whole of it
/// (then `true`).
pub(super) fn cue_stored(
    searcher: &tantivy::Searcher,
    fields: Fields,
    source_id: &str,
    n: usize,
) -> Result<Option<(Vec<u8>, bool)>, IndexError> {
    let chunk =
        TermQuery::new(Term::from_field_text(fields.source_id, &chunk_term(source_id, n)), IndexRecordOption::Basic);
    if let Some(addr) = first_match(searcher, &chunk)? {
        return Ok(stored_cues(searcher, fields, addr)?.map(|b| (b, false)));
    }
    let Some(bytes) = cues_bytes(searcher, fields, source_id)? else { return Ok(None) };
    // A transcript in chunks with none for cue `n` has no cue `n`.
    if !Stored::parse(&bytes)?.whole() {
        return Ok(None);
    }
    Ok(Some((bytes, true)))
}

/// The stored bytes of transcript `source_id`'s first `cues` document: all
/// its cues when it was written before chunks, else its first chunk.
pub(super) fn cues_bytes(
    searcher: &tantivy::Searcher,
    fields: Fields,
    source_id: &str,
) -> Result<Option<Vec<u8>>, IndexError> {
    let query = all_terms(&[(fields.kind, CUES_KIND), (fields.source_id, source_id)]);
    let Some(addr) = first_match(searcher, &query)? else { return Ok(None) };
    stored_cues(searcher, fields, addr)
}

/// The first live document `query` matches, unscored: the one document
/// of a key. A scored search would first gather each term's statistics
/// over every segment, most of a short search process's lookup.
pub(super) fn first_match(searcher: &tantivy::Searcher, query: &dyn Query) -> tantivy::Result<Option<DocAddress>> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let mut scorer = weight.scorer(reader, 1.0)?;
        let alive = reader.alive_bitset();
        let mut doc = scorer.doc();
        while doc != tantivy::TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                return Ok(Some(DocAddress::new(ord as u32, doc)));
            }
            doc = scorer.advance();
        }
    }
    Ok(None)
}

/// The stored cues of the `cues` document at `addr`. tantivy decodes a
/// stored bytes value one byte at a time (about 5 ms for the 20
/// transcripts of a page of hits, a fifth of a whole search process), so
/// the document's stored bytes are read whole instead, and through
/// tantivy only when they are not in the one shape a `cues` document has.
fn stored_cues(searcher: &tantivy::Searcher, fields: Fields, addr: DocAddress) -> Result<Option<Vec<u8>>, IndexError> {
    let store = searcher.segment_reader(addr.segment_ord).get_store_reader(0).map_err(TantivyError::from)?;
    let raw = store.get_document_bytes(addr.doc_id)?;
    if let Some(bytes) = only_bytes_value(raw.as_slice(), fields.cues) {
        return Ok(Some(bytes.to_vec()));
    }
    let doc: TantivyDocument = searcher.doc(addr)?;
    Ok(doc.get_first(fields.cues).and_then(|v| v.as_bytes()).map(<[u8]>::to_vec))
}

/// The value of `field` in a stored document, as tantivy's doc store
/// writes one (`schema::document::se`): a VInt count of values, then for
/// each its field id (u32, little-endian), a type code, and for bytes
/// (code 4) a VInt length and the bytes. Only a document whose one value
/// is bytes of `field` is read here (a transcript's `cues` document);
/// `None` for anything else, which the caller reads through tantivy.
fn only_bytes_value(doc: &[u8], field: tantivy::schema::Field) -> Option<&[u8]> {
    const BYTES_CODE: u8 = 4;
    let (count, rest) = vint(doc)?;
    if count != 1 {
        return None;
    }
    let (id, rest) = rest.split_first_chunk::<4>()?;
    if u32::from_le_bytes(*id) != field.field_id() {
        return None;
    }
    let (&code, rest) = rest.split_first()?;
    if code != BYTES_CODE {
        return None;
    }
    let (len, rest) = vint(rest)?;
    let len = usize::try_from(len).ok()?;
    (rest.len() == len).then_some(rest)
}

/// tantivy's VInt: seven bits a byte, low first, the last byte marked by
/// its high bit.
fn vint(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut value = 0u64;
    for (i, b) in bytes.iter().enumerate().take(10) {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 != 0 {
            return Some((value, &bytes[i + 1..]));
        }
    }
    None
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

    /// A clip's transcript segments: each transcript on it in turn, its
    /// cues in order.
    pub fn segments_of_clip(&self, clip_id: &str) -> Result<Vec<Segment>, IndexError> {
        let mut out = Vec::new();
        for bytes in self.stored_bytes(&[(self.fields.kind, CUES_KIND), (self.fields.clip_id, clip_id)])? {
            out.extend(Stored::parse(&bytes)?.segments()?);
        }
        Ok(out)
    }

    /// The cues of transcript `source_id` as read from its file (empty
    /// when the library holds none).
    pub fn cues_of_source(&self, source_id: &str) -> Result<Vec<Cue>, IndexError> {
        let blobs = self.stored_bytes(&[(self.fields.kind, CUES_KIND), (self.fields.source_id, source_id)])?;
        let mut chunks = blobs.iter().map(|b| Stored::parse(b)).collect::<Result<Vec<_>, _>>()?;
        chunks.sort_by_key(Stored::first);
        let mut out = Vec::new();
        for chunk in chunks {
            out.extend(chunk.cues()?);
        }
        Ok(out)
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

    /// The records of every document of `kind` as JSON (segments and
    /// pairs as their records would be): for comparing two libraries
    /// whole (the safety tests). Readers of the library use the typed
    /// getters.
    pub fn stored_records(&self, kind: DocKind) -> Result<Vec<String>, IndexError> {
        match kind {
            DocKind::Segment | DocKind::Pair => {
                let mut out = Vec::new();
                // A transcript's chunks are consecutive documents, in
                // order: a pair may join the last cue of one to the first
                // of the next.
                let mut last: Option<(String, usize)> = None;
                for bytes in self.stored_bytes(&[(self.fields.kind, CUES_KIND)])? {
                    let stored = Stored::parse(&bytes)?;
                    let segments = stored.segments()?;
                    if kind == DocKind::Segment {
                        for s in &segments {
                            out.push(encode(s)?);
                        }
                    } else {
                        let Some(id) = segments.first().map(|s| source_id(&s.source)) else {
                            last = None;
                            continue;
                        };
                        let joined = last.as_ref().filter(|(prev, _)| *prev == id).map(|(_, n)| *n);
                        for (a, b) in
                            joined.into_iter().zip(segments.first()).chain(segments.windows(2).map(|w| (w[0].n, &w[1])))
                        {
                            out.push(encode(&PairRecord {
                                first: Key::segment(&id, a),
                                second: Key::segment(&id, b.n),
                            })?);
                        }
                        last = segments.last().map(|s| (id, s.n));
                    }
                }
                Ok(out)
            }
            _ => self.records_where(&[(self.fields.kind, kind.as_str())]),
        }
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

    /// Documents matching every `(field, value)` term, in index order
    /// (stable between runs for the same commit).
    fn docs_where(&self, terms: &[(Field, &str)]) -> Result<Vec<TantivyDocument>, IndexError> {
        let searcher = &self.searcher;
        let query = all_terms(terms);
        let mut addrs: Vec<_> = searcher.search(&query, &DocSetCollector)?.into_iter().collect();
        addrs.sort();
        addrs.into_iter().map(|addr| Ok(searcher.doc(addr)?)).collect()
    }

    fn records_where(&self, terms: &[(Field, &str)]) -> Result<Vec<String>, IndexError> {
        let docs = self.docs_where(terms)?;
        Ok(docs
            .iter()
            .filter_map(|d| d.get_first(self.fields.record).and_then(|v| v.as_str()))
            .map(String::from)
            .collect())
    }

    fn stored_bytes(&self, terms: &[(Field, &str)]) -> Result<Vec<Vec<u8>>, IndexError> {
        let mut addrs: Vec<_> = self.searcher.search(&all_terms(terms), &DocSetCollector)?.into_iter().collect();
        addrs.sort();
        let mut out = Vec::with_capacity(addrs.len());
        for addr in addrs {
            out.extend(stored_cues(&self.searcher, self.fields, addr)?);
        }
        Ok(out)
    }
}

pub(super) fn all_terms(terms: &[(Field, &str)]) -> BooleanQuery {
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

/// A transcript to write: its cues as read and, when it landed on a
/// clip, the segment each cue became there (`segments[n]` is cue `n`).
pub struct Transcript<'a> {
    /// The file's absolute path.
    pub path: &'a str,
    /// The format it was read as (`Format::name`).
    pub format: Option<&'a str>,
    /// Its language (ISO 639-1), for stemming and the `language:` filter.
    pub language: Option<&'a str>,
    pub cues: &'a [Cue],
    pub placed: Option<(&'a Clip, &'a [Segment])>,
}

/// The library's single writer (holds the lock until dropped). Nothing
/// written is visible to readers before [`Writer::commit`].
pub struct Writer {
    inner: IndexWriter<Queued>,
    fields: Fields,
    errors: Errors,
    /// Whether anything was written since the last commit: a commit with
    /// nothing new is skipped, so an unchanged re-ingest leaves the index
    /// files byte-identical.
    dirty: std::cell::Cell<bool>,
    /// Documents handed to the indexing threads and not yet indexed.
    queue: std::sync::Arc<Queue>,
}

/// Documents handed to tantivy at most, waiting to be indexed: tantivy's
/// queue holds 10,000 groups, and a transcript's cues are one group, so
/// without this bound a parse faster than the indexing would hold a whole
/// import in memory.
const QUEUED_DOCS: usize = 20_000;

/// The count of documents handed to tantivy and not yet indexed.
#[derive(Default)]
struct Queue {
    count: std::sync::Mutex<usize>,
    indexed: std::sync::Condvar,
}

/// A document on its way to the index: its ticket leaves the queue when
/// tantivy has indexed it and drops it.
pub(super) struct Queued {
    doc: TantivyDocument,
    _ticket: Ticket,
}

struct Ticket(std::sync::Arc<Queue>);

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut count = lock(&self.0.count);
        *count = count.saturating_sub(1);
        self.0.indexed.notify_one();
    }
}

impl tantivy::Document for Queued {
    type Value<'a> = <TantivyDocument as tantivy::Document>::Value<'a>;
    type FieldsValuesIter<'a> = <TantivyDocument as tantivy::Document>::FieldsValuesIter<'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.doc.iter_fields_and_values()
    }
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

    /// Replaces (or adds) transcript `source_id`: its source record, its
    /// cues in the compact store, and, when it is placed, one searchable
    /// document per cue holding the cue's words between a start and an
    /// end mark, the cues added as one group (see the module
    /// documentation). Its old documents were deleted first
    /// ([`Writer::delete_source`]).
    pub fn put_transcript<R: Serialize>(
        &self,
        source_id: &str,
        record: &R,
        transcript: &Transcript<'_>,
    ) -> Result<(), IndexError> {
        let f = self.fields;
        let placed_clip = transcript.placed.map(|(clip, _)| clip);
        self.put_transcript_record(source_id, record, placed_clip.map(|c| c.id.as_str()))?;
        let segments = transcript.placed.map_or(&[][..], |(_, s)| s);
        let chunks = store::encode_chunks(
            transcript.path,
            placed_clip.map(|c| c.id.as_str()),
            transcript.format,
            transcript.cues,
            segments,
        );
        let chunks = chunks.into_iter().enumerate().map(|(k, bytes)| {
            let mut chunk = TantivyDocument::default();
            chunk.add_text(f.kind, CUES_KIND);
            chunk.add_text(f.source_id, source_id);
            chunk.add_text(f.source_id, chunk_term(source_id, k * store::CUES_PER_CHUNK));
            if let Some(clip) = placed_clip {
                chunk.add_text(f.clip_id, &clip.id);
            }
            chunk.add_bytes(f.cues, &bytes);
            chunk
        });
        self.add_group(chunks.collect())?;
        let (Some(clip), Some(hash)) = (placed_clip, source_hash(source_id)) else { return Ok(()) };
        let camera = clip.camera.as_deref().map(crate::clip::camera_key);
        let mut group = Vec::with_capacity(segments.len());
        for seg in segments {
            let mut d = TantivyDocument::default();
            d.add_text(f.kind, DocKind::Segment.as_str());
            d.add_text(f.clip_id, &clip.id);
            d.add_text(f.source_id, source_id);
            if let Some(cam) = &camera {
                d.add_text(f.camera, cam);
            }
            for (field, value) in [(f.reel, &clip.reel), (f.day, &clip.day)] {
                if let Some(v) = value {
                    d.add_text(field, v);
                }
            }
            if let Some(s) = &seg.speaker {
                d.add_text(f.speaker, s);
            }
            if let Some(language) = transcript.language {
                d.add_text(f.language, language);
            }
            d.add_text(f.text, marked(&seg.text));
            d.add_u64(f.cue_src, hash);
            d.add_u64(f.cue_n, seg.n as u64);
            group.push(d);
        }
        self.add_group(group)
    }

    /// Replaces (or adds) the record of source `source_id` (a transcript
    /// attached to clip `clip_id`), and nothing else: a transcript's cues
    /// and words stay as they are.
    pub fn put_transcript_record<R: Serialize>(
        &self,
        source_id: &str,
        record: &R,
        clip_id: Option<&str>,
    ) -> Result<(), IndexError> {
        let doc = DocMeta {
            kind: DocKind::Source,
            key: Key::source(source_id),
            clip_id,
            source_id: Some(source_id),
            camera: None,
            reel: None,
            day: None,
            speakers: Vec::new(),
            text: "",
        };
        self.put(&doc, &encode(record)?)
    }

    /// Adds documents whose keys are new as one group: tantivy indexes
    /// them in one segment, in this order.
    fn add_group(&self, group: Vec<TantivyDocument>) -> Result<(), IndexError> {
        if !group.is_empty() {
            self.dirty.set(true);
            let group = self.queued(group);
            self.inner.run(group.into_iter().map(UserOperation::Add)).map_err(|e| self.errors.of(e))?;
        }
        Ok(())
    }

    /// Adds a note of source `source_id` as placed (on `clip`, or on none).
    /// Its source's documents were deleted first, so its key is new.
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
        self.add_doc(self.document(&doc, &encode(note)?))
    }

    /// Replaces (or adds) the record of a notes file or sound report.
    pub fn put_source<R: Serialize>(&self, source_id: &str, record: &R) -> Result<(), IndexError> {
        self.put_transcript_record(source_id, record, None)
    }

    /// Replaces (or adds) the document with `doc.key`.
    fn put(&self, doc: &DocMeta<'_>, record_json: &str) -> Result<(), IndexError> {
        self.inner.delete_term(Term::from_field_text(self.fields.doc_key, doc.key.as_str()));
        self.add_doc(self.document(doc, record_json))
    }

    fn document(&self, doc: &DocMeta<'_>, record_json: &str) -> TantivyDocument {
        let f = self.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.doc_key, doc.key.as_str());
        d.add_text(f.kind, doc.kind.as_str());
        d.add_text(f.stored_kind, doc.kind.as_str());
        if let Some(v) = doc.clip_id {
            d.add_text(f.clip_id, v);
        }
        if let Some(v) = doc.source_id {
            d.add_text(f.source_id, v);
            d.add_text(f.stored_source, v);
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
    fn add_doc(&self, doc: TantivyDocument) -> Result<(), IndexError> {
        self.dirty.set(true);
        let doc = self.queued(vec![doc]);
        for doc in doc {
            self.inner.add_document(doc).map_err(|e| self.errors.of(e))?;
        }
        Ok(())
    }

    /// `docs` ticketed for tantivy's queue, once it has room for them (or
    /// is empty: a transcript bigger than the bound goes alone). A write
    /// error, or no document indexed for 30 s, stops the wait: tantivy
    /// then reports what went wrong.
    fn queued(&self, docs: Vec<TantivyDocument>) -> Vec<Queued> {
        let queue = &self.queue;
        let mut count = lock(&queue.count);
        let mut idle = std::time::Duration::ZERO;
        let step = std::time::Duration::from_millis(50);
        while *count > 0 && *count + docs.len() > QUEUED_DOCS && idle < std::time::Duration::from_secs(30) {
            if self.errors.writes.first().is_some() {
                break;
            }
            let before = *count;
            count = queue.indexed.wait_timeout(count, step).map_or_else(|e| e.into_inner().0, |(c, _)| c);
            idle = if *count < before { std::time::Duration::ZERO } else { idle + step };
        }
        *count += docs.len();
        drop(count);
        docs.into_iter().map(|doc| Queued { doc, _ticket: Ticket(std::sync::Arc::clone(queue)) }).collect()
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

/// A cue's words as indexed: between its start and end marks, with any
/// mark its own text held taken out.
fn marked(text: &str) -> String {
    use super::analysis::{CUE_END, CUE_START, cue_mark};
    let mut out = String::with_capacity(text.len() + 8);
    out.push(CUE_START);
    out.push(' ');
    if text.contains(cue_mark) {
        out.extend(text.chars().map(|c| if cue_mark(c) { ' ' } else { c }));
    } else {
        out.push_str(text);
    }
    out.push(' ');
    out.push(CUE_END);
    out
}

/// What the index needs to know of a catalog document besides its record.
struct DocMeta<'a> {
    kind: DocKind,
    /// Unique key: an update deletes the old document with this key.
    key: Key,
    clip_id: Option<&'a str>,
    source_id: Option<&'a str>,
    camera: Option<&'a str>,
    reel: Option<&'a str>,
    day: Option<&'a str>,
    speakers: Vec<&'a str>,
    /// Searchable text.
    text: &'a str,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The stored bytes of a `cues` document, read whole, are the bytes
    /// written (every byte value, long enough for a many-byte length), and
    /// the fast path is the one taken: a change to tantivy's stored
    /// format shows here, not as a slow search.
    #[test]
    fn a_cues_document_is_read_whole_from_the_store() {
        let (schema, f) = schema();
        let index = Index::create_in_ram(schema);
        register_analyzers(&index);
        let written: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 256) as u8).collect();
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 15_000_000).expect("writer");
        let mut doc = TantivyDocument::default();
        doc.add_text(f.kind, CUES_KIND);
        doc.add_text(f.source_id, "src:00000000000000aa");
        doc.add_bytes(f.cues, &written);
        writer.add_document(doc).expect("add");
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        let addr = DocAddress::new(0, 0);
        let raw = searcher.segment_reader(0).get_store_reader(0).expect("store").get_document_bytes(0).expect("doc");
        assert_eq!(only_bytes_value(raw.as_slice(), f.cues), Some(written.as_slice()), "read whole");
        assert_eq!(only_bytes_value(raw.as_slice(), f.record), None, "another field is not taken for it");
        assert_eq!(stored_cues(&searcher, f, addr).expect("read").as_deref(), Some(written.as_slice()));
        assert_eq!(cues_bytes(&searcher, f, "src:00000000000000aa").expect("read"), Some(written));
    }

    /// A cue is read from its chunk, found by one term; a transcript
    /// written before chunks (one whole value) is read whole instead, and
    /// a chunked transcript has no cue past its last chunk.
    #[test]
    fn a_cue_is_read_from_its_chunk_or_its_whole_transcript() {
        use crate::transcript::Cue;
        let (schema, f) = schema();
        let index = Index::create_in_ram(schema);
        register_analyzers(&index);
        let cues: Vec<Cue> =
            (0..70).map(|n| Cue::timed(1000 * n, 1000 * n + 900, format!("cue {n}"), None, n as usize)).collect();
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 15_000_000).expect("writer");
        let add = |source: &str, extra: Option<String>, bytes: &[u8]| {
            let mut doc = TantivyDocument::default();
            doc.add_text(f.kind, CUES_KIND);
            doc.add_text(f.source_id, source);
            if let Some(term) = extra {
                doc.add_text(f.source_id, term);
            }
            doc.add_bytes(f.cues, bytes);
            writer.add_document(doc).expect("add");
        };
        let (old, new) = ("src:00000000000000aa", "src:00000000000000bb");
        add(old, None, &store::as_version_3(&store::encode("/old.srt", None, None, &cues, &[])));
        for (k, chunk) in store::encode_chunks("/new.srt", None, None, &cues, &[]).iter().enumerate() {
            add(new, Some(chunk_term(new, k * store::CUES_PER_CHUNK)), chunk);
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        let read = |source: &str, n: usize| {
            let (bytes, whole) = cue_stored(&searcher, f, source, n).expect("read")?;
            let cue = Stored::parse(&bytes).expect("parse").cue(n).expect("cue");
            Some((cue.text, whole))
        };
        for n in [0, 31, 32, 69] {
            assert_eq!(read(new, n), Some((format!("cue {n}"), false)), "chunked, cue {n}");
            assert_eq!(read(old, n), Some((format!("cue {n}"), true)), "whole, cue {n}");
        }
        assert_eq!(read(new, 96), None, "no chunk past the last");
    }

    /// A search over several segments, run side by side, finds what one
    /// thread finds, in the same order: every match, its score and address.
    #[test]
    fn segments_searched_side_by_side_answer_as_one_thread() {
        let dir = tempfile::tempdir().expect("tempdir");
        let index = ClipIndex::open(dir.path(), Open::OrCreate).expect("open");
        let f = index.fields();
        let mut writer = index.writer().expect("writer");
        for batch in 0..3u64 {
            for i in 0..50u64 {
                let mut d = TantivyDocument::default();
                d.add_text(f.kind, DocKind::Segment.as_str());
                let extra = if (batch + i) % 3 == 0 { " water water" } else { "" };
                d.add_text(f.text, format!("the river {batch} came up {i}{extra}"));
                writer.add_doc(d).expect("add");
            }
            writer.commit().expect("commit");
        }
        let searcher = index.reader().expect("reader").searcher();
        assert!(searcher.segment_readers().len() >= 2, "the test needs several segments");
        let query = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(Term::from_field_text(f.text, "river"), IndexRecordOption::WithFreqs))
                    as Box<dyn Query>,
            ),
            (
                Occur::Should,
                Box::new(TermQuery::new(Term::from_field_text(f.text, "water"), IndexRecordOption::WithFreqs)),
            ),
        ]);
        let top = TopDocs::with_limit(200).order_by_score();
        let side_by_side = index.search(&searcher, &query, &top).expect("search");
        let one_thread = searcher.search(&query, &top).expect("search");
        assert_eq!(side_by_side.len(), 150);
        assert_eq!(side_by_side, one_thread);
        assert_eq!(index.search(&searcher, &query, &Count).expect("count"), 150);
    }

    /// Pieces handed out costliest first (two large segments go to two
    /// threads before the small ones) still answer in the order asked,
    /// each once, and an error in one is the answer.
    #[test]
    fn side_by_side_pieces_go_costliest_first_and_answer_in_order() {
        let sizes = [300u64, 3_500, 440, 3_500, 20, 440];
        assert_eq!(costliest_first(&sizes, |&s| s), vec![1, 3, 2, 5, 0, 4]);
        let dir = tempfile::tempdir().expect("tempdir");
        let index = ClipIndex::open(dir.path(), Open::OrCreate).expect("open");
        let ran = std::sync::atomic::AtomicUsize::new(0);
        let args: Vec<u64> = (0..100).collect();
        let triple = |a: u64| -> tantivy::Result<u64> {
            ran.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(a * 3)
        };
        let out = index.map(triple, args.clone(), |&a| a % 7).expect("map");
        assert_eq!(out, args.iter().map(|a| a * 3).collect::<Vec<_>>());
        assert_eq!(ran.load(std::sync::atomic::Ordering::Relaxed), 100);
        let failing = |a: u64| match a {
            42 => Err(TantivyError::InvalidArgument("piece 42".into())),
            _ => Ok(a),
        };
        let err = index.map(failing, args, |&a| 100 - a);
        assert!(matches!(&err, Err(TantivyError::InvalidArgument(m)) if m == "piece 42"), "{err:?}");
    }

    /// The writer hands tantivy at most `QUEUED_DOCS` documents not yet
    /// indexed, however fast they come, and every one leaves the count
    /// once indexed.
    #[test]
    fn documents_wait_for_room_in_the_indexing_queue() {
        let dir = tempfile::tempdir().expect("tempdir");
        let index = ClipIndex::open(dir.path(), Open::OrCreate).expect("open");
        let f = index.fields();
        let mut writer = index.writer().expect("writer");
        let mut most = 0;
        // Groups, as transcripts come: tantivy's own queue counts groups.
        for g in 0..120 {
            let group = (0..500)
                .map(|i| {
                    let mut d = TantivyDocument::default();
                    d.add_text(f.kind, DocKind::Segment.as_str());
                    d.add_text(f.text, format!("cue {i} of group {g} of the river"));
                    d
                })
                .collect();
            writer.add_group(group).expect("add");
            most = most.max(*lock(&writer.queue.count));
        }
        assert!(most <= QUEUED_DOCS, "at most {QUEUED_DOCS} queued, saw {most}");
        writer.commit().expect("commit");
        assert_eq!(*lock(&writer.queue.count), 0, "every document indexed left the queue");
        let searcher = index.reader().expect("reader").searcher();
        assert_eq!(searcher.num_docs(), 120 * 500);
    }

    /// Only the searchable text keeps field norms (BM25 needs its
    /// lengths); filters and keys score nothing, and their norms were a
    /// byte per document each (10 MB of a 1M-cue library).
    #[test]
    fn only_the_text_keeps_field_norms() {
        let (schema, f) = schema();
        let norms = |field: Field| match schema.get_field_entry(field).field_type() {
            tantivy::schema::FieldType::Str(o) => o.get_indexing_options().map(|i| i.fieldnorms()),
            _ => None,
        };
        assert_eq!(norms(f.text), Some(true));
        for field in [f.doc_key, f.kind, f.clip_id, f.source_id, f.speaker, f.camera, f.reel, f.day, f.language] {
            assert_eq!(norms(field), Some(false), "{}", schema.get_field_name(field));
        }
    }

    #[test]
    fn vints_as_tantivy_writes_them() {
        assert_eq!(vint(&[0x85]), Some((5, &[][..])));
        assert_eq!(vint(&[0x00, 0x81, 9]), Some((128, &[9u8][..])));
        assert_eq!(vint(&[0x00, 0x00]), None, "no last byte");
        assert_eq!(vint(&[]), None);
    }
}
