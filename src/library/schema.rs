//! The storage schema: the kinds of document the index holds, the unique
//! key of each, and the JSON record each stores. Only `library` knows it:
//! the rest of the crate writes and reads typed values (`Clip`, `Segment`,
//! `NoteRecord`, a source record) through [`super::Writer`],
//! [`super::Snapshot`] and [`super::Library`], and holds keys only as
//! opaque [`Key`]s.
//!
//! Keys (schema 4). Catalog documents store their key and a JSON record;
//! a transcript's cues are in its compact store (`store.rs`), and the keys
//! of segments and pairs name a cue there (no document stores them):
//!
//! | kind | key | record |
//! |---|---|---|
//! | `clip` | `clip:{clip id}` (stored) | `Clip` |
//! | `segment` | `seg:{source id}:{n}` | `Segment` (cue `n` of its transcript, from the store) |
//! | `pair` | `pair:{source id}:{n}` | [`PairRecord`]: the keys of cues `n` and `n + 1` |
//! | `note` | `note:{source id}:{n}:{clip id or -}` (stored) | `NoteRecord` (a note may land on several clips) |
//! | `source` | `{source id}` = `src:{hash of its path}` (stored) | the importer's source record (a transcript's without its cues) |

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::index::IndexError;

/// What a document of the index is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocKind {
    Clip,
    /// One transcript cue placed on a clip.
    Segment,
    /// Two consecutive cues as one text, for phrases across their boundary.
    Pair,
    Note,
    /// A transcript or notes file and what it brought.
    Source,
}

impl DocKind {
    pub const ALL: [DocKind; 5] = [DocKind::Clip, DocKind::Segment, DocKind::Pair, DocKind::Note, DocKind::Source];
    /// The kinds search looks in: source documents have no text.
    pub const SEARCHABLE: [DocKind; 4] = [DocKind::Segment, DocKind::Pair, DocKind::Note, DocKind::Clip];
    /// A soundbite is one cue (a segment) or two consecutive cues (a pair).
    pub const SOUNDBITE: [DocKind; 2] = [DocKind::Segment, DocKind::Pair];

    /// The kind as the index stores it (field `kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Clip => "clip",
            DocKind::Segment => "segment",
            DocKind::Pair => "pair",
            DocKind::Note => "note",
            DocKind::Source => "source",
        }
    }

    pub(super) fn parse(stored: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.as_str() == stored)
    }
}

/// A document's unique key: an update deletes the document with the same
/// key. Built here only; elsewhere it is an opaque value to pass back.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Key(String);

impl Key {
    pub fn clip(clip_id: &str) -> Key {
        Key(format!("clip:{clip_id}"))
    }

    /// Cue `n` (0-based) of a transcript.
    pub fn segment(source_id: &str, n: usize) -> Key {
        Key(format!("seg:{source_id}:{n}"))
    }

    /// Cues `first_n` and `first_n + 1` of a transcript.
    pub fn pair(source_id: &str, first_n: usize) -> Key {
        Key(format!("pair:{source_id}:{first_n}"))
    }

    /// Note `n` of a notes file as placed on a clip (or on none).
    pub fn note(source_id: &str, n: usize, clip_id: Option<&str>) -> Key {
        Key(format!("note:{source_id}:{n}:{}", clip_id.unwrap_or("-")))
    }

    /// A source file's document: its key is its id.
    pub fn source(source_id: &str) -> Key {
        Key(source_id.to_string())
    }

    pub(super) fn as_str(&self) -> &str {
        &self.0
    }

    /// The transcript and cue number of a segment's key.
    pub(super) fn as_segment(&self) -> Option<(&str, usize)> {
        let rest = self.0.strip_prefix("seg:")?;
        let (source, n) = rest.rsplit_once(':')?;
        Some((source, n.parse().ok()?))
    }

    /// A key read back from the index.
    pub(super) fn stored(key: String) -> Key {
        Key(key)
    }
}

/// The id of the transcript or notes file at `path` (absolute): stable
/// across re-imports, so a changed file replaces what it brought.
pub fn source_id(path: &str) -> String {
    format!("src:{}", crate::clip::clip_id(path))
}

/// The stored record of a pair document: the keys of its two segments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairRecord {
    pub first: Key,
    pub second: Key,
}

pub(super) fn encode<T: Serialize>(record: &T) -> Result<String, IndexError> {
    serde_json::to_string(record).map_err(|e| IndexError::Record(e.to_string()))
}

pub(super) fn decode<T: DeserializeOwned>(json: &str) -> Result<T, IndexError> {
    serde_json::from_str(json).map_err(|e| IndexError::Record(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys are the on-disk format (unchanged since schema 3):
    /// changing one orphans every document of a library made before.
    #[test]
    fn keys_are_stable() {
        assert_eq!(Key::clip("abc").as_str(), "clip:abc");
        assert_eq!(Key::segment("src:1f", 7).as_str(), "seg:src:1f:7");
        assert_eq!(Key::pair("src:1f", 7).as_str(), "pair:src:1f:7");
        assert_eq!(Key::note("src:1f", 2, Some("abc")).as_str(), "note:src:1f:2:abc");
        assert_eq!(Key::note("src:1f", 2, None).as_str(), "note:src:1f:2:-");
        assert_eq!(Key::source("src:1f").as_str(), "src:1f");
        assert_eq!(Key::segment("src:1f", 7).as_segment(), Some(("src:1f", 7)));
        assert_eq!(Key::pair("src:1f", 7).as_segment(), None);
        assert!(source_id("/a/b.srt").starts_with("src:"));
        let pair = PairRecord { first: Key::segment("s", 1), second: Key::segment("s", 2) };
        assert_eq!(encode(&pair).ok().as_deref(), Some(r#"{"first":"seg:s:1","second":"seg:s:2"}"#));
        for kind in DocKind::ALL {
            assert_eq!(DocKind::parse(kind.as_str()), Some(kind));
        }
    }
}
