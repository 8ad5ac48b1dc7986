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

use std::path::Path;

use tantivy::collector::DocSetCollector;
use tantivy::directory::error::LockError;
use tantivy::query::TermQuery;
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TantivyDocument, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyError, Term};

use crate::clip::Clip;

/// Memory the writer may use before it flushes a segment.
const WRITER_MEMORY: usize = 64 << 20;
const FOLDED: &str = "folded";

/// Errors from the index, with what the user should do.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("another `rushes ingest` is writing to this library; wait for it to finish")]
    Busy,
    #[error("index: {0}")]
    Tantivy(#[from] TantivyError),
    #[error("index holds a record that cannot be read: {0}")]
    Record(String),
}

#[derive(Clone, Copy)]
struct Fields {
    doc_key: Field,
    kind: Field,
    clip_id: Field,
    camera: Field,
    reel: Field,
    day: Field,
    text: Field,
    record: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let folded = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(FOLDED)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        doc_key: b.add_text_field("doc_key", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        clip_id: b.add_text_field("clip_id", STRING | STORED),
        camera: b.add_text_field("camera", STRING),
        reel: b.add_text_field("reel", STRING),
        day: b.add_text_field("day", STRING),
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
}

/// An open index.
pub struct ClipIndex {
    index: Index,
    fields: Fields,
}

impl ClipIndex {
    /// Opens the index in `dir`, creating it when `create` allows.
    pub fn open(dir: &Path, create: bool) -> Result<ClipIndex, IndexError> {
        let (schema, fields) = schema();
        let index = if dir.join("meta.json").exists() {
            Index::open_in_dir(dir)?
        } else if create {
            std::fs::create_dir_all(dir).map_err(|e| TantivyError::SystemError(e.to_string()))?;
            Index::create_in_dir(dir, schema)?
        } else {
            return Err(TantivyError::SystemError(format!("no index in {}", dir.display())).into());
        };
        register_analyzers(&index);
        Ok(ClipIndex { index, fields })
    }

    /// Takes the single writer lock; a second ingest gets [`IndexError::Busy`].
    pub fn writer(&self) -> Result<IndexWriter, IndexError> {
        match self
            .index
            .writer_with_num_threads::<TantivyDocument>(1, WRITER_MEMORY)
        {
            Ok(w) => Ok(w),
            Err(TantivyError::LockFailure(LockError::LockBusy, _)) => Err(IndexError::Busy),
            Err(e) => Err(e.into()),
        }
    }

    fn reader(&self) -> Result<IndexReader, IndexError> {
        Ok(self
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?)
    }

    /// Every clip record in the last commit.
    pub fn clips(&self) -> Result<Vec<Clip>, IndexError> {
        let searcher = self.reader()?.searcher();
        let query = TermQuery::new(
            Term::from_field_text(self.fields.kind, "clip"),
            IndexRecordOption::Basic,
        );
        let addrs = searcher.search(&query, &DocSetCollector)?;
        let mut clips = Vec::with_capacity(addrs.len());
        for addr in addrs {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let json = doc
                .get_first(self.fields.record)
                .and_then(|v| v.as_str())
                .unwrap_or("");
            let clip: Clip =
                serde_json::from_str(json).map_err(|e| IndexError::Record(e.to_string()))?;
            clips.push(clip);
        }
        Ok(clips)
    }

    /// Replaces (or adds) the clip's document; visible after commit.
    pub fn put_clip(&self, writer: &IndexWriter, clip: &Clip) -> Result<(), IndexError> {
        let f = self.fields;
        let key = format!("clip:{}", clip.id);
        writer.delete_term(Term::from_field_text(f.doc_key, &key));
        let mut doc = TantivyDocument::default();
        doc.add_text(f.doc_key, &key);
        doc.add_text(f.kind, "clip");
        doc.add_text(f.clip_id, &clip.id);
        for (field, value) in [
            (f.camera, &clip.camera),
            (f.reel, &clip.reel),
            (f.day, &clip.day),
        ] {
            if let Some(v) = value {
                doc.add_text(field, v.to_lowercase());
            }
        }
        doc.add_text(f.text, clip_text(clip));
        let json = serde_json::to_string(clip).map_err(|e| IndexError::Record(e.to_string()))?;
        doc.add_text(f.record, json);
        writer.add_document(doc)?;
        Ok(())
    }

    /// Makes everything written so far durable and visible, atomically.
    pub fn commit(writer: &mut IndexWriter) -> Result<(), IndexError> {
        writer.commit()?;
        Ok(())
    }
}

/// The searchable words of a clip: name, reel, scene/take, notes, tracks.
fn clip_text(clip: &Clip) -> String {
    let mut parts: Vec<&str> = vec![&clip.name, &clip.rel_path];
    for v in [
        &clip.camera,
        &clip.reel,
        &clip.scene,
        &clip.take,
        &clip.tape,
        &clip.note,
    ]
    .into_iter()
    .flatten()
    {
        parts.push(v);
    }
    parts.extend(clip.track_names.iter().map(String::as_str));
    parts.join(" ")
}
