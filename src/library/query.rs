//! Searching the index: the user's query language turned into tantivy
//! queries, filters, and the raw hits `crate::search` assembles. Part of
//! the index module: nothing outside `library` sees a tantivy type.
//!
//! The query language is tantivy's grammar (phrases `"..."`, slop
//! `"..."~3`, `AND`/`OR`/`-word`, `field:value`, `^boost`) with our own
//! meaning for its leaves, because tantivy's parser has no fuzzy syntax and
//! no bare prefix:
//! - a plain word also finds its other forms, stemmed in each language
//!   the library's transcripts are in (`photograph` finds `photographs`,
//!   `noches` finds `noche`); a cue with the word as written ranks above
//!   one with another form. `--exact` turns this off for the whole query;
//! - a quoted phrase is exact (any case and accents, as every match is);
//!   `"…"~stem` lets each of its words take any form;
//! - `word~~` (or `--sounds-like` for every word) finds words that sound
//!   alike (Double Metaphone): `nayburs~~` finds `neighbours`;
//! - `word~1` (or `--fuzzy` for every word) is a fuzzy term (Levenshtein
//!   distance 1–2, transpositions cost 1) for misspelt names and ASR errors;
//! - `flood*` is a prefix; `"the river c"*` a phrase prefix;
//! - words without an operator must all match (AND), like search boxes do;
//! - `speaker:`, `camera:`/`cam:`, `reel:`, `day:`, `language:`/`lang:`
//!   filter (case-insensitive), `kind:soundbite|note|clip` narrows.
//!
//! Word forms and sounds are found in the index's own words: a query word
//! becomes the indexed words that share its stem or its sound
//! (`analysis.rs`), looked up in the term dictionary, so nothing extra is
//! indexed for them.
//!
//! A query of plain words also scores their exact phrase, so the exact
//! phrase outranks the same words scattered.

use std::collections::BinaryHeap;
use std::sync::OnceLock;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, EnableScoring, FuzzyTermQuery, Occur,
    PhrasePrefixQuery, PhraseQuery, Query, TermQuery,
};
use tantivy::query_grammar::{Delimiter, Occur as AstOccur, UserInputAst, UserInputLeaf, UserInputLiteral};
use tantivy::schema::{Field, IndexRecordOption, TantivyDocument, Value};
use tantivy::tokenizer::TokenStream;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader, Term};

use super::Library;
use super::index::{CUE_N, CUE_SRC, ClipIndex, IndexError, segment_cost, source_of_hash};
use super::prefix::PrefixQuery;
use super::schema::{DocKind, Key, PairRecord, decode};
use super::span::{Bits, PhraseWords, Span, matches_at, score_at};
use crate::clip::{Clip, NoteRecord, Segment};

/// Boost of the exact phrase of a plain-words query.
const PHRASE_BOOST: f32 = 2.0;
/// Score added for each query word a document holds as written, over
/// its other forms or sound-alikes: more than any BM25 score of a cue, so
/// the forms as written rank first and BM25 orders within.
const EXACT_BONUS: f32 = 20.0;
/// The most indexed words one query word may stand for (forms or sounds).
const MAX_FORMS: usize = 64;

/// Fields a search may be restricted to, each an exact value (any case;
/// a camera as people write it, `Cam A`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    pub speaker: Option<String>,
    pub camera: Option<String>,
    pub reel: Option<String>,
    pub day: Option<String>,
    /// A transcript language (`es`, `Spanish`).
    pub language: Option<String>,
}

impl Filters {
    /// Whether any field is restricted.
    pub fn any(&self) -> bool {
        [&self.speaker, &self.camera, &self.reel, &self.day, &self.language].iter().any(|f| f.is_some())
    }
}

/// What to search for.
#[derive(Clone, Debug, Default)]
pub struct SearchSpec {
    pub query: String,
    /// Every word fuzzy (distance 1), as if written `word~1`.
    pub fuzzy: bool,
    /// Words match as written only: no other forms.
    pub exact: bool,
    /// Every plain word also finds words that sound alike, as if written
    /// `word~~`.
    pub sounds_like: bool,
    pub filters: Filters,
    /// Document kinds to search (none: every kind).
    pub kinds: Vec<DocKind>,
}

/// A word of the query, as the highlighter needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryWord {
    /// Folded (lower case, ASCII) form.
    pub text: String,
    pub prefix: bool,
    /// Levenshtein distance allowed (0 = exact).
    pub distance: u8,
    /// Other indexed words it matched for: its forms or sound-alikes
    /// (folded).
    pub forms: Vec<String>,
    /// For a word of an exact phrase (no slop): which phrase of the query
    /// (its first word's index in the query's words) and its place in
    /// it, so highlighting marks the phrase where it occurs, not each of
    /// its words wherever it stands.
    pub phrase: Option<(usize, usize)>,
}

/// A parsed query, ready to run many times.
pub struct Prepared {
    query: Box<dyn Query>,
    /// The query without kind and filter clauses, for "does this document
    /// match on its own" checks.
    words_query: Box<dyn Query>,
    /// What a cue boundary must hold to match (with the filters); `find`
    /// keeps those where neither cue matches alone. `None` when no hit can
    /// need two cues.
    spans: Option<Spans>,
    pub words: Vec<QueryWord>,
    /// Whether filters or kinds narrow the query beyond its words.
    narrowed: bool,
    /// Whether a hit may need two cues' words (a phrase, words AND-ed, a
    /// filter). When not, every matching pair has a cue that matches on
    /// its own, so pairs can be counted out without reading them.
    pub may_span_cues: bool,
}

/// One matching document, its record decoded.
#[derive(Clone, Debug)]
pub struct RawHit {
    pub key: Key,
    /// The transcript or notes file it came from (not for a clip).
    pub source_id: Option<String>,
    pub score: f32,
    pub record: HitRecord,
}

/// The record of a matching document.
#[derive(Clone, Debug)]
pub enum HitRecord {
    Segment(Segment),
    Pair(PairRecord),
    Note(NoteRecord),
    Clip(Box<Clip>),
    /// A source document: it has no text, so only a query of exclusions
    /// (`-word`) over every kind matches it; search does not report it.
    Source,
}

/// Why a query cannot run.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("query {query:?}: {message} (at character {pos})")]
    Syntax { query: String, pos: usize, message: String },
    #[error("query {query:?}: {message}")]
    Invalid { query: String, message: String },
    #[error(transparent)]
    Index(#[from] IndexError),
}

impl From<tantivy::TantivyError> for QueryError {
    fn from(e: tantivy::TantivyError) -> Self {
        QueryError::Index(IndexError::Tantivy(e))
    }
}

impl Library {
    /// Parses and checks a query. Errors say where and why. The search
    /// reader is brought to the last commit here, once per search, so a
    /// long-running process sees new ingests and a search reads one commit.
    pub fn prepare(&self, spec: &SearchSpec) -> Result<Prepared, QueryError> {
        self.index.reload()?;
        // tantivy's grammar reads `word~1` as one word; take the fuzzy marks
        // out first (positions stay the same: the marks become spaces).
        let (text, marks) = extract_marks(&spec.query);
        let (ast, errors) = tantivy::query_grammar::parse_query_lenient(&text);
        if let Some(e) = errors.first() {
            // Position in characters, as a user counts them.
            let pos = text.get(..e.pos).map_or(e.pos, |p| p.chars().count()) + 1;
            return Err(QueryError::Syntax { query: spec.query.clone(), pos, message: e.message.clone() });
        }
        let f = self.index.fields();
        let languages = self.stem_languages(&spec.filters)?;
        let mut b = Builder { index: &self.index, spec, words: Vec::new(), marks, languages };
        let main = b.words_query(&ast)?;
        let may_span_cues = !b.one_cue(&ast);
        let words = std::mem::take(&mut b.words);
        // Kind and filters restrict without scoring (a scored clause over a
        // million documents would swamp BM25 and slow every query). Source
        // documents have no text, so "every kind" needs no clause at all.
        let kinds: Vec<DocKind> = spec.kinds.iter().copied().filter(|k| *k != DocKind::Pair).collect();
        let all_kinds = DocKind::SEARCHABLE.iter().all(|k| spec.kinds.contains(k));
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, main.box_clone())];
        if !spec.kinds.is_empty() && !all_kinds {
            let any: Vec<(Occur, Box<dyn Query>)> =
                kinds.iter().map(|k| (Occur::Should, term_query(f.kind, k.as_str()))).collect();
            let restrict: Box<dyn Query> =
                if any.is_empty() { Box::new(EmptyQuery) } else { Box::new(BooleanQuery::new(any)) };
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(restrict, 0.0))));
        }
        let filters = self.filter_clauses(&spec.filters);
        // A phrase (or words) across two cues: the cue boundaries whose
        // two cues' words match together and neither's alone.
        let wants_pairs = spec.kinds.is_empty() || spec.kinds.contains(&DocKind::Pair);
        let spans = if wants_pairs && may_span_cues && positive_text(&ast) {
            let mut b = Builder { words: Vec::new(), ..b };
            let root = b.span(&ast)?;
            // On a boundary a speaker may be either cue's; the other
            // filters are the transcript's, the same for both.
            let filters = filters.iter().map(|(_, q)| Span::Either(q.box_clone())).collect();
            Some(Spans { root, filters })
        } else {
            None
        };
        clauses.extend(filters);
        let narrowed = clauses.len() > 1;
        Ok(Prepared {
            query: Box::new(BooleanQuery::new(clauses)),
            words_query: main,
            spans,
            words,
            narrowed,
            may_span_cues,
        })
    }

    /// The filter clauses of `filters`.
    fn filter_clauses(&self, filters: &Filters) -> Vec<(Occur, Box<dyn Query>)> {
        let f = self.index.fields();
        let mut out = Vec::new();
        for (field, value) in [
            (f.speaker, &filters.speaker),
            (f.camera, &filters.camera),
            (f.reel, &filters.reel),
            (f.day, &filters.day),
            (f.language, &filters.language),
        ] {
            let Some(v) = value else { continue };
            let v = if field == f.camera {
                crate::clip::camera_key(v)
            } else if field == f.language {
                crate::language::normalize(v).unwrap_or_else(|| v.clone())
            } else {
                v.clone()
            };
            let v = v.trim().to_lowercase();
            let q = term_query(field, &v);
            out.push((Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn Query>));
        }
        out
    }

    /// The best `limit` hits, best first, and how many there are in all:
    /// cues, notes and clips whose words match, and cue boundaries whose
    /// words match when neither cue's own words do (a phrase across two
    /// cues; the cue is the hit when it matches alone). One pass over the
    /// index per query: the total is exact and needs no second count.
    pub fn find(&self, prepared: &Prepared, limit: usize) -> Result<Page, QueryError> {
        self.find_with_ties(prepared, limit, limit)
    }

    /// As [`Library::find`], and with the best `limit` also the hits that
    /// score the same as the last of them, up to `most` in all (those
    /// first in the index): a caller that orders equal scores its own way
    /// (by day and timecode) then cuts at `limit` without reading every
    /// hit it might need.
    pub fn find_with_ties(&self, prepared: &Prepared, limit: usize, most: usize) -> Result<Page, QueryError> {
        let searcher = self.index.searcher()?;
        // Each segment keeps its best `most` and counts the rest; a common
        // phrase's hundreds of thousands of matches are never listed. Which
        // cues match is kept as bits only when boundaries need it.
        let want_bits = prepared.spans.is_some() && !prepared.narrowed;
        let best = Best { most: most.max(limit), bits: want_bits };
        let main = match one_word(&*prepared.query) {
            Some(word) => self.best_of_word(&searcher, word, &best)?,
            None => self.index.search(&searcher, &*prepared.query, &best)?,
        };
        let mut candidates: Vec<(f32, DocAddress, bool)> = main.best.iter().map(|m| (m.score, m.addr, false)).collect();
        let mut total = main.count;
        // The cue columns are opened once for the query, not per hit.
        let cues = CueColumns::new(&self.index, &searcher);
        if let Some(spans) = &prepared.spans {
            let pairs = self.pairs(&searcher, &cues, prepared, spans, main.bits)?;
            total += pairs.len();
            candidates.extend(pairs.into_iter().map(|m| (m.score, m.addr, true)));
        }
        let best = |a: &(f32, DocAddress, bool), b: &(f32, DocAddress, bool)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        let limit = limit.min(candidates.len());
        if limit > 0 && limit < candidates.len() {
            candidates.select_nth_unstable_by(limit - 1, best);
            let last = candidates[limit - 1].0;
            let (_, rest) = candidates.split_at_mut(limit);
            let mut tied = 0;
            for k in 0..rest.len() {
                if rest[k].0.total_cmp(&last).is_eq() {
                    rest.swap(tied, k);
                    tied += 1;
                }
            }
            let ties = &mut rest[..tied];
            let keep = tied.min(most.saturating_sub(limit));
            if keep > 0 && keep < tied {
                ties.select_nth_unstable_by(keep - 1, best);
            }
            candidates.truncate(limit + keep);
        }
        candidates.sort_unstable_by(best);
        // Each hit's chunk of its transcript is read and decompressed:
        // when more than one is not cached yet (a short process), the hits
        // are read side by side. Which are cached is known from their cue
        // columns, opened side by side first (a pair's too: it is named
        // by its first cue).
        cues.open(candidates.iter().map(|c| c.1))?;
        let generation = searcher.generation().generation_id();
        let to_read = candidates
            .iter()
            .filter(|(_, addr, pair)| {
                !pair
                    && cues.cue(*addr).is_ok_and(|c| {
                        c.is_some_and(|(h, n)| !self.index.has_cue(generation, &source_of_hash(h), n as usize))
                    })
            })
            .count();
        let read = |(score, addr, pair)| self.raw_hit(&searcher, &cues, score, addr, pair);
        let hits = if to_read > 1 {
            self.index.map(read, candidates, |_| 0)?
        } else {
            candidates.into_iter().map(read).collect::<Result<_, _>>()?
        };
        Ok(Page { hits, total })
    }

    /// What [`Best`] collects for a query of one word (or one common
    /// pair) alone, without scoring every match: each segment's matches
    /// are counted (and set as bits) from the postings alone, and only
    /// blocks of them whose best possible score beats the worst of the
    /// best kept so far are scored (tantivy's block-max pruning). A common
    /// pair matches hundreds of thousands of cues in a large library.
    fn best_of_word(&self, searcher: &Searcher, word: &TermQuery, best: &Best) -> Result<Found, QueryError> {
        let weight = word.weight(EnableScoring::enabled_from_searcher(searcher))?;
        let readers = searcher.segment_readers();
        let segment = |ord: usize| -> Result<Found, QueryError> {
            let reader = &readers[ord];
            let mut seg = best.for_segment(ord as u32, reader)?;
            let alive = reader.alive_bitset();
            weight.for_each_no_score(reader, &mut |docs| {
                for &d in docs {
                    if alive.is_none_or(|a| a.is_alive(d)) {
                        seg.mark(d);
                    }
                }
            })?;
            weight.for_each_pruning(seg.threshold(), reader, &mut |d, score| {
                if alive.is_none_or(|a| a.is_alive(d)) {
                    seg.offer(d, score);
                }
                seg.threshold()
            })?;
            Ok(seg.harvest())
        };
        let fruits = self.index.map(segment, (0..readers.len()).collect(), |&ord| segment_cost(&readers[ord]))?;
        Ok(best.merge_fruits(fruits)?)
    }

    /// The cue boundaries `spans` matches where neither cue matches alone,
    /// each scored by its two cues (see `span.rs`).
    fn pairs(
        &self,
        searcher: &Searcher,
        cues: &CueColumns<'_>,
        prepared: &Prepared,
        spans: &Spans,
        matched: Vec<Option<Bits>>,
    ) -> Result<Vec<Match>, QueryError> {
        // Cues whose own words match: those of the main query, unless
        // filters narrowed it (a cue matches alone whatever its speaker or
        // camera). Then only the two cues of each boundary found are asked,
        // not every cue that holds the words.
        let readers = searcher.segment_readers();
        let (asked, mut matched) = if prepared.narrowed {
            (Some(prepared.words_query.weight(EnableScoring::disabled_from_searcher(searcher))?), Vec::new())
        } else {
            (None, matched)
        };
        matched.resize_with(readers.len(), || None);
        // A boundary's score is what the OR of these would give each cue
        // (the sum of those that match, in this order), but each is sought
        // at the boundaries alone: their union would read every posting of
        // a common word between two boundaries. They are weighed (each
        // term's frequency in every segment) once a boundary is found.
        let scoring: OnceLock<Vec<Box<dyn tantivy::query::Weight>>> = OnceLock::new();
        let weights = || -> tantivy::Result<&Vec<Box<dyn tantivy::query::Weight>>> {
            if let Some(weights) = scoring.get() {
                return Ok(weights);
            }
            let mut queries = Vec::new();
            spans.root.scoring_hits(&mut queries);
            let weights = queries
                .iter()
                .map(|q| q.weight(EnableScoring::enabled_from_searcher(searcher)))
                .collect::<tantivy::Result<Vec<_>>>()?;
            Ok(scoring.get_or_init(|| weights))
        };
        let schema = searcher.schema();
        // Each segment's boundaries are its own: the segments are searched
        // side by side, as the main query's are.
        let segment = |(ord, known): (usize, Option<Bits>)| -> Result<Vec<Match>, QueryError> {
            let reader = &readers[ord];
            let mut found = spans.root.boundaries(reader, schema, true)?;
            for filter in &spans.filters {
                if found.is_empty() {
                    break;
                }
                filter.narrow(&mut found, reader, schema)?;
            }
            if found.is_empty() {
                return Ok(Vec::new());
            }
            let Some(num) = cues.numbers(ord as u32)? else { return Ok(Vec::new()) };
            let alive = reader.alive_bitset();
            // A transcript's cues are consecutive documents numbered from 0
            // (see `span.rs`), so cue n + 1 next to cue n is of the same
            // transcript. The number column is a few bits a document; the
            // transcript hash is 64, and reading it for every boundary
            // faulted in most of its pages.
            let is_pair = |d: DocId| {
                let Some(n) = num.first(d) else { return false };
                num.first(d + 1) == Some(n + 1)
            };
            let mut pairs: Vec<DocId> = found
                .ones()
                .filter(|&d| {
                    d + 1 < reader.max_doc()
                        && alive.is_none_or(|a| a.is_alive(d))
                        && known.as_ref().is_none_or(|k| !k.get(d) && !k.get(d + 1))
                        && is_pair(d)
                })
                .collect();
            if let Some(weight) = &asked {
                let mut words = weight.scorer(reader, 1.0)?;
                pairs.retain(|&d| !matches_at(&mut *words, d) && !matches_at(&mut *words, d + 1));
            }
            if pairs.is_empty() {
                return Ok(Vec::new());
            }
            let mut scorers = weights()?.iter().map(|w| w.scorer(reader, 1.0)).collect::<tantivy::Result<Vec<_>>>()?;
            let mut cue_score = |d: DocId| scorers.iter_mut().fold(0.0, |sum, s| sum + score_at(&mut **s, d));
            Ok(pairs
                .into_iter()
                .map(|d| Match { score: cue_score(d) + cue_score(d + 1), addr: DocAddress::new(ord as u32, d) })
                .collect())
        };
        let out = self
            .index
            .map(segment, matched.into_iter().enumerate().collect(), |(ord, _)| segment_cost(&readers[*ord]))?;
        Ok(out.concat())
    }

    /// The best `limit` hits, best first (see [`Library::find`]).
    pub fn search(&self, prepared: &Prepared, limit: usize) -> Result<Vec<RawHit>, QueryError> {
        Ok(self.find(prepared, limit)?.hits)
    }

    /// The record of the catalog document with `key`, decoded, as the
    /// search reader sees it (kept for that commit: every hit names its
    /// clip, and a page of hits names hundreds).
    pub(super) fn record_by_key<T: serde::de::DeserializeOwned>(&self, key: &Key) -> Result<Option<T>, QueryError> {
        let searcher = self.index.searcher()?;
        let generation = searcher.generation().generation_id();
        let json = self.index.record_cached(generation, key.as_str(), || -> Result<Vec<u8>, QueryError> {
            let f = self.index.fields();
            match super::index::first_match(&searcher, &*term_query(f.doc_key, key.as_str()))? {
                Some(addr) => {
                    let doc: TantivyDocument = searcher.doc(addr)?;
                    Ok(stored(&doc, f.record).into_bytes())
                }
                None => Ok(vec![NO_RECORD]),
            }
        })?;
        if json.as_slice() == [NO_RECORD] {
            return Ok(None);
        }
        let text = std::str::from_utf8(&json).map_err(|e| IndexError::Record(format!("{key:?}: {e}")))?;
        Ok(Some(decode(text)?))
    }

    /// Folded tokens of `text` with their byte ranges, as the index sees them.
    pub fn tokens(&self, text: &str) -> Vec<(usize, usize, String)> {
        self.index.tokens(text)
    }

    /// A matching document as a hit: a cue (its words, or with `pair` its
    /// boundary with the next), or a catalog document.
    fn raw_hit(
        &self,
        searcher: &Searcher,
        cues: &CueColumns<'_>,
        score: f32,
        addr: DocAddress,
        pair: bool,
    ) -> Result<RawHit, QueryError> {
        if let Some((hash, n)) = cues.cue(addr)? {
            let (source_id, n) = (source_of_hash(hash), n as usize);
            let (key, record) = if pair {
                let record = PairRecord { first: Key::segment(&source_id, n), second: Key::segment(&source_id, n + 1) };
                (Key::pair(&source_id, n), HitRecord::Pair(record))
            } else {
                let seg = self.segment(&source_id, n)?.ok_or_else(|| {
                    IndexError::Record(format!("cue {n} of {source_id} is indexed but not in its transcript"))
                })?;
                (Key::segment(&source_id, n), HitRecord::Segment(seg))
            };
            return Ok(RawHit { key, source_id: Some(source_id), score, record });
        }
        let doc: TantivyDocument = searcher.doc(addr)?;
        let f = self.index.fields();
        let (kind, json) = (stored(&doc, f.stored_kind), stored(&doc, f.record));
        let record = match DocKind::parse(&kind) {
            Some(DocKind::Note) => HitRecord::Note(decode(&json)?),
            Some(DocKind::Clip) => HitRecord::Clip(Box::new(decode(&json)?)),
            Some(DocKind::Source) => HitRecord::Source,
            _ => return Err(IndexError::Record(format!("a document of unexpected kind {kind:?}")).into()),
        };
        let source_id = Some(stored(&doc, f.stored_source)).filter(|s| !s.is_empty());
        Ok(RawHit { key: Key::stored(stored(&doc, f.doc_key)), source_id, score, record })
    }
}

/// What the record cache keeps for a key with no document at its commit
/// (no JSON record is this byte).
const NO_RECORD: u8 = 0;

/// What a cue boundary must hold to be a hit: the query's words over
/// the two cues, and each filter on either cue.
struct Spans {
    root: Span,
    filters: Vec<Span>,
}

/// A page of hits and the exact number of hits in all.
#[derive(Clone, Debug)]
pub struct Page {
    pub hits: Vec<RawHit>,
    pub total: usize,
}

/// One matching document: its score and address.
#[derive(Clone, Copy)]
struct Match {
    score: f32,
    addr: DocAddress,
}

/// Keeps each segment's best `most` matches (score, then index order)
/// and counts them all, and with `bits` sets a bit for every matching
/// document: the top-k, the exact total and the cue boundaries to drop all
/// come from this one pass, without a list of every match.
struct Best {
    most: usize,
    bits: bool,
}

/// What [`Best`] finds: the best matches of each segment (at most `most`
/// each, in no order), how many match in all, and each segment's matches
/// as bits when asked for.
struct Found {
    best: Vec<Match>,
    count: usize,
    bits: Vec<Option<Bits>>,
}

struct SegmentBest {
    ord: u32,
    most: usize,
    /// Filled up to `most`, then a heap whose top is the worst kept.
    kept: Vec<Ranked>,
    heap: Option<BinaryHeap<Ranked>>,
    count: usize,
    /// Whether to keep the matches (listed, then as bits once many; see
    /// `Bits::push`); they are made at the first.
    want_bits: bool,
    max_doc: u32,
    bits: Option<Bits>,
}

/// A match ordered worst first: a lower score, or the same score later in
/// the index.
#[derive(Clone, Copy)]
struct Ranked(Match);

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.0.score.total_cmp(&self.0.score).then(self.0.addr.cmp(&other.0.addr))
    }
}

impl Collector for Best {
    type Fruit = Found;
    type Child = SegmentBest;

    fn for_segment(&self, ord: u32, reader: &SegmentReader) -> tantivy::Result<SegmentBest> {
        let (want_bits, max_doc) = (self.bits, reader.max_doc());
        Ok(SegmentBest { ord, most: self.most, kept: Vec::new(), heap: None, count: 0, want_bits, max_doc, bits: None })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Found>) -> tantivy::Result<Found> {
        let mut all = Found { best: Vec::new(), count: 0, bits: Vec::with_capacity(fruits.len()) };
        for f in fruits {
            all.best.extend(f.best);
            all.count += f.count;
            all.bits.extend(f.bits);
        }
        Ok(all)
    }
}

impl SegmentBest {
    /// Counts `doc` as a match, and sets its bit when bits are kept.
    fn mark(&mut self, doc: DocId) {
        self.count += 1;
        if self.want_bits {
            self.bits.get_or_insert_with(|| Bits::empty(self.max_doc)).push(doc);
        }
    }

    /// Keeps `doc` when it is among the best `most` so far.
    fn offer(&mut self, doc: DocId, score: Score) {
        let m = Ranked(Match { score, addr: DocAddress::new(self.ord, doc) });
        match &mut self.heap {
            Some(heap) => {
                if let Some(mut worst) = heap.peek_mut()
                    && m < *worst
                {
                    *worst = m;
                }
            }
            None if self.kept.len() < self.most => {
                self.kept.push(m);
                if self.kept.len() == self.most {
                    self.heap = Some(BinaryHeap::from(std::mem::take(&mut self.kept)));
                }
            }
            None => {}
        }
    }

    /// The score a later document must beat to be kept: documents come in
    /// index order, so one that only ties the worst kept is not better.
    fn threshold(&self) -> Score {
        match &self.heap {
            Some(heap) => heap.peek().map_or(Score::MIN, |worst| worst.0.score),
            None if self.most == 0 => Score::INFINITY,
            None => Score::MIN,
        }
    }
}

impl SegmentCollector for SegmentBest {
    type Fruit = Found;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.mark(doc);
        self.offer(doc, score);
    }

    fn harvest(self) -> Found {
        let kept = match self.heap {
            Some(heap) => heap.into_vec(),
            None => self.kept,
        };
        let bits = match (self.want_bits, self.bits) {
            (true, bits) => vec![bits],
            (false, _) => Vec::new(),
        };
        Found { best: kept.into_iter().map(|r| r.0).collect(), count: self.count, bits }
    }
}

/// The transcript hash and cue number columns of every segment, read one
/// document at a time. Each is opened when first asked for (opening one
/// reads every block's header, and a short process asks a few segments),
/// through the index, which keeps it open for the searches after.
struct CueColumns<'a> {
    index: &'a ClipIndex,
    readers: &'a [SegmentReader],
    src: Vec<OnceLock<Option<Column<u64>>>>,
    num: Vec<OnceLock<Option<Column<u64>>>>,
}

impl<'a> CueColumns<'a> {
    fn new(index: &'a ClipIndex, searcher: &'a Searcher) -> CueColumns<'a> {
        let readers = searcher.segment_readers();
        let unopened = || readers.iter().map(|_| OnceLock::new()).collect();
        CueColumns { index, readers, src: unopened(), num: unopened() }
    }

    /// Opens the columns of the segments of `addrs` that the index has
    /// not opened yet, each column of each segment side by side with the
    /// others (a short process opens each segment's on its first search,
    /// and a page of hits is often all in one large segment).
    fn open(&self, addrs: impl Iterator<Item = DocAddress>) -> tantivy::Result<()> {
        let mut ords: Vec<u32> = addrs.map(|a| a.segment_ord).collect();
        ords.sort_unstable();
        ords.dedup();
        let pieces: Vec<(u32, &'static str)> = ords
            .into_iter()
            .flat_map(|ord| [(ord, CUE_SRC), (ord, CUE_N)])
            .filter(|&(ord, name)| self.readers.get(ord as usize).is_some_and(|r| !self.index.has_column(r, name)))
            .collect();
        let open = |(ord, name): (u32, &'static str)| {
            let columns = if name == CUE_SRC { &self.src } else { &self.num };
            self.column(columns, name, ord).map(|_| ())
        };
        let cost = |&(ord, _): &(u32, &'static str)| self.readers.get(ord as usize).map_or(0, segment_cost);
        self.index.map(open, pieces, cost)?;
        Ok(())
    }

    /// Segment `ord`'s column `name`, opened once (`None`: it has no cues).
    fn column<'s>(
        &'s self,
        columns: &'s [OnceLock<Option<Column<u64>>>],
        name: &'static str,
        ord: u32,
    ) -> tantivy::Result<Option<&'s Column<u64>>> {
        let (Some(cell), Some(reader)) = (columns.get(ord as usize), self.readers.get(ord as usize)) else {
            return Ok(None);
        };
        if let Some(column) = cell.get() {
            return Ok(column.as_ref());
        }
        let opened = self.index.column(reader, name)?;
        Ok(cell.get_or_init(|| opened).as_ref())
    }

    fn numbers(&self, ord: u32) -> tantivy::Result<Option<&Column<u64>>> {
        self.column(&self.num, CUE_N, ord)
    }

    fn source_column(&self, ord: u32) -> tantivy::Result<Option<&Column<u64>>> {
        self.column(&self.src, CUE_SRC, ord)
    }

    fn source(&self, addr: DocAddress) -> tantivy::Result<Option<u64>> {
        Ok(self.source_column(addr.segment_ord)?.and_then(|c| c.first(addr.doc_id)))
    }

    fn number(&self, addr: DocAddress) -> tantivy::Result<Option<u64>> {
        Ok(self.numbers(addr.segment_ord)?.and_then(|c| c.first(addr.doc_id)))
    }

    fn cue(&self, addr: DocAddress) -> tantivy::Result<Option<(u64, u64)>> {
        Ok(self.source(addr)?.zip(self.number(addr)?))
    }
}

/// The query of one word (or one common pair) that `query` is, when it is
/// that alone: no other clause, kind or filter.
fn one_word(query: &dyn Query) -> Option<&TermQuery> {
    let q = query.downcast_ref::<BooleanQuery>()?;
    match q.clauses() {
        [(Occur::Must, only)] => only.downcast_ref::<TermQuery>(),
        _ => None,
    }
}

/// Whether the query asks for any word of the text (not only exclusions,
/// filters or kinds): only then can two cues' words make a hit.
fn positive_text(ast: &UserInputAst) -> bool {
    match ast {
        UserInputAst::Clause(clauses) => {
            clauses.iter().any(|(occur, sub)| *occur != Some(AstOccur::MustNot) && positive_text(sub))
        }
        UserInputAst::Boost(sub, _) => positive_text(sub),
        UserInputAst::Leaf(leaf) => match leaf.as_ref() {
            UserInputLeaf::Literal(lit) => lit.field_name.as_deref().is_none_or(|f| f.eq_ignore_ascii_case("text")),
            _ => false,
        },
    }
}

/// A stored text field of a document ("" when absent).
fn stored(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("").to_string()
}

impl ClipIndex {
    /// Folded tokens of `text` with their byte ranges, as the index sees them.
    pub(super) fn tokens(&self, text: &str) -> Vec<(usize, usize, String)> {
        let Some(mut analyzer) = self.tokenizer_for(self.fields().text) else { return Vec::new() };
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            // A mark of the index's own terms (typed or quoted, or the
            // term of a common pair) is no word.
            if t.text.chars().any(super::analysis::index_mark) {
                continue;
            }
            out.push((t.offset_from, t.offset_to, t.text.clone()));
        }
        out
    }
}

/// A word as a regular expression that matches it alone. Tokens are
/// letters, digits and marks, but a mark may be a regex metacharacter in
/// no script; escaping anyway keeps it so.
pub(super) fn regex_literal(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Library {
    /// The languages a query word's forms are found in: the filter's, or
    /// every language the library's transcripts are in (English when none
    /// is known).
    fn stem_languages(&self, filters: &Filters) -> Result<Vec<String>, QueryError> {
        if let Some(l) = &filters.language {
            return Ok(vec![crate::language::normalize(l).unwrap_or_else(|| l.to_lowercase())]);
        }
        let mut found = self.index.languages()?;
        if found.is_empty() {
            found.push("en".to_string());
        }
        Ok(found)
    }
}

impl ClipIndex {
    /// Every language code on the search reader's cues.
    fn languages(&self) -> Result<Vec<String>, QueryError> {
        let searcher = self.searcher()?;
        let mut out = std::collections::BTreeSet::new();
        for reader in searcher.segment_readers() {
            let index = reader.inverted_index(self.fields().language)?;
            let mut terms = index.terms().stream().map_err(tantivy::TantivyError::from)?;
            while terms.advance() {
                if let Ok(code) = std::str::from_utf8(terms.key()) {
                    out.insert(code.to_string());
                }
            }
        }
        Ok(out.into_iter().collect())
    }

    /// The languages (of `languages`) whose cues hold `word` as written; all
    /// of `languages` when none does. A word is stemmed in the languages
    /// it is spoken in: Spanish `noche` is not German `noch`'s form,
    /// although the German stemmer makes `noch` of both.
    fn languages_of_word(&self, word: &str, languages: &[String]) -> Result<Vec<String>, QueryError> {
        if languages.len() < 2 {
            return Ok(languages.to_vec());
        }
        let searcher = self.searcher()?;
        let f = self.fields();
        let mut out = Vec::new();
        for language in languages {
            let q = super::index::all_terms(&[(f.text, word), (f.language, language)]);
            if searcher.search(&q, &tantivy::collector::Count)? > 0 {
                out.push(language.clone());
            }
        }
        Ok(if out.is_empty() { languages.to_vec() } else { out })
    }

    /// Indexed words (of `text`) from `lo` up to (not including) `hi`,
    /// each segment's, that `keep` accepts, at most `max`, sorted.
    fn words_between(
        &self,
        lo: &str,
        hi: Option<&str>,
        max: usize,
        mut keep: impl FnMut(&str) -> bool,
    ) -> Result<Vec<String>, QueryError> {
        let searcher = self.searcher()?;
        let mut out = std::collections::BTreeSet::new();
        for reader in searcher.segment_readers() {
            let index = reader.inverted_index(self.fields().text)?;
            let dict = index.terms();
            let mut range = dict.range().ge(lo.as_bytes());
            if let Some(hi) = hi {
                range = range.lt(hi.as_bytes());
            }
            let mut terms = range.into_stream().map_err(tantivy::TantivyError::from)?;
            while terms.advance() {
                let Ok(word) = std::str::from_utf8(terms.key()) else { continue };
                // The index's own terms (cue edges, common pairs) are no words.
                if word.contains(super::analysis::index_mark) {
                    continue;
                }
                if !out.contains(word) && keep(word) {
                    out.insert(word.to_string());
                    if out.len() >= max {
                        return Ok(out.into_iter().collect());
                    }
                }
            }
        }
        Ok(out.into_iter().collect())
    }

    /// The other indexed forms of `word` (folded): words with its stem in
    /// one of `languages`. A Snowball stem keeps the word's beginning but
    /// for its last letter or so (`happy` → `happi`), so only the words
    /// that begin like the stem are stemmed and compared.
    fn forms(&self, word: &str, languages: &[String], max: usize) -> Result<Vec<String>, QueryError> {
        let stemmers: Vec<(frostem::Stemmer, String)> = languages
            .iter()
            .filter_map(|l| super::analysis::stemmer(l))
            .filter_map(|s| super::analysis::stem(&s, word).map(|stem| (s, stem)))
            .collect();
        let mut out = std::collections::BTreeSet::new();
        for (stemmer, stem) in &stemmers {
            let chars: Vec<char> = stem.chars().collect();
            let keep = if chars.len() > 3 { chars.len() - 1 } else { chars.len() };
            let lo: String = chars[..keep].iter().collect();
            let hi = prefix_end(&lo);
            let found = self.words_between(&lo, hi.as_deref(), max * 8, |w| {
                w != word && super::analysis::stem(stemmer, w).as_deref() == Some(stem)
            })?;
            out.extend(found);
        }
        Ok(out.into_iter().take(max).collect())
    }

    /// Indexed words that sound like `word` (Double Metaphone), itself
    /// excluded. Every word of Latin letters is encoded, once per search
    /// reader generation (cached).
    fn sound_alikes(&self, word: &str, max: usize) -> Result<Vec<String>, QueryError> {
        let Some(code) = super::analysis::sounds(word) else { return Ok(Vec::new()) };
        let mut found = self.words_between("a", Some("{"), usize::MAX, |w| {
            w != word && super::analysis::sounds(w).is_some_and(|c| super::analysis::sound_alike(&code, &c))
        })?;
        found.truncate(max);
        Ok(found)
    }
}

/// The first string after every string that starts with `prefix`; `None`
/// when there is none (the prefix is all `char::MAX`).
fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = char::from_u32(last as u32 + 1) {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

fn term_query(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
}

struct Builder<'a> {
    index: &'a ClipIndex,
    spec: &'a SearchSpec,
    words: Vec<QueryWord>,
    /// What the query marked beyond tantivy's grammar.
    marks: Marks,
    /// Languages a word's forms are found in.
    languages: Vec<String>,
}

/// A word or phrase of the query: its query, and for a phrase its words,
/// which a cue boundary may split.
struct Literal {
    query: Box<dyn Query>,
    phrase: Option<PhraseWords>,
}

impl Literal {
    fn one(query: Box<dyn Query>) -> Literal {
        Literal { query, phrase: None }
    }
}

/// Marks of our own syntax, taken out of the query before tantivy's
/// grammar reads it (each mark becomes spaces, so positions stay).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Marks {
    /// Bare words written `word~N`, lower-cased, with N (capped at 2, as
    /// tantivy's automaton allows).
    fuzzy: Vec<(String, u8)>,
    /// Bare words written `word~~`, lower-cased.
    sounds: Vec<String>,
    /// Quoted phrases written `"…"~stem`, as quoted.
    stemmed: Vec<String>,
}

/// Finds bare `word~N` and `word~~` and quoted `"…"~stem` (outside
/// quotes) and blanks the marks, returning what they marked.
fn extract_marks(query: &str) -> (String, Marks) {
    let mut out = String::with_capacity(query.len());
    let mut marks = Marks::default();
    let mut quoted = false;
    let mut word_start = 0;
    let mut quote_start = 0;
    let chars: Vec<(usize, char)> = query.char_indices().collect();
    let ends_at = |j: usize| chars.get(j).is_none_or(|(_, d)| d.is_whitespace() || *d == ')');
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if c == '"' {
            if quoted && query[at + 1..].starts_with("~stem") && ends_at(i + 6) {
                marks.stemmed.push(query[quote_start..at].to_string());
                out.push_str("\"     ");
                quoted = false;
                i += 6;
                continue;
            }
            quoted = !quoted;
            quote_start = at + 1;
        }
        if c.is_whitespace() || matches!(c, '(' | ')' | '"' | ':' | '+' | '-') {
            word_start = at + c.len_utf8();
        }
        let next = chars.get(i + 1).map(|(_, d)| *d);
        if c == '~' && !quoted && at > word_start {
            let word = query[word_start..at].to_lowercase();
            if next == Some('~') && ends_at(i + 2) {
                marks.sounds.push(word);
                out.push_str("  ");
                i += 2;
                continue;
            }
            if let Some(n) = next.and_then(|d| d.to_digit(10)).filter(|_| ends_at(i + 2)) {
                marks.fuzzy.push((word, n.min(2) as u8));
                out.push_str("  ");
                i += 2;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    (out, marks)
}

impl Builder<'_> {
    fn invalid(&self, message: String) -> QueryError {
        QueryError::Invalid { query: self.spec.query.clone(), message }
    }

    /// The query's words as one query; a query of plain words also scores
    /// their exact phrase, so the phrase outranks the words scattered.
    fn words_query(&mut self, ast: &UserInputAst) -> Result<Box<dyn Query>, QueryError> {
        let main = self.convert(ast)?;
        Ok(match self.plain_phrase(ast)? {
            Some(phrase) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, main),
                (Occur::Should, Box::new(BoostQuery::new(phrase, PHRASE_BOOST)) as Box<dyn Query>),
            ])),
            None => main,
        })
    }

    fn convert(&mut self, ast: &UserInputAst) -> Result<Box<dyn Query>, QueryError> {
        match ast {
            UserInputAst::Clause(clauses) => {
                let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for (occur, sub) in clauses {
                    let occur = match occur {
                        Some(AstOccur::Should) => Occur::Should,
                        Some(AstOccur::MustNot) => Occur::MustNot,
                        // Plain words must all match, as in a search box.
                        Some(AstOccur::Must) | None => Occur::Must,
                    };
                    out.push((occur, self.convert(sub)?));
                }
                if out.is_empty() {
                    return Err(self.invalid("nothing to search for".into()));
                }
                // Only exclusions: exclude from everything.
                if out.iter().all(|(o, _)| *o == Occur::MustNot) {
                    out.push((Occur::Must, Box::new(AllQuery)));
                }
                Ok(Box::new(BooleanQuery::new(out)))
            }
            UserInputAst::Boost(sub, boost) => {
                Ok(Box::new(BoostQuery::new(self.convert(sub)?, boost.into_inner() as f32)))
            }
            UserInputAst::Leaf(leaf) => match leaf.as_ref() {
                UserInputLeaf::Literal(lit) => Ok(self.literal(lit)?.query),
                UserInputLeaf::All => Ok(Box::new(AllQuery)),
                UserInputLeaf::Exists { field } => {
                    Err(self.invalid(format!("`{field}:` needs a value, e.g. {field}:maria")))
                }
                UserInputLeaf::Range { .. } | UserInputLeaf::Set { .. } => {
                    Err(self.invalid("ranges and sets are not supported; use words, phrases and filters".into()))
                }
                UserInputLeaf::Regex { .. } => {
                    Err(self.invalid("wildcards are supported only at the end of a word (flood*)".into()))
                }
            },
        }
    }

    /// What a cue boundary must hold for `ast` (see `span.rs`); `ast`
    /// converts without error ([`Builder::convert`] ran first).
    fn span(&mut self, ast: &UserInputAst) -> Result<Span, QueryError> {
        match ast {
            UserInputAst::Clause(clauses) => {
                let (mut must, mut should, mut not) = (Vec::new(), Vec::new(), Vec::new());
                for (occur, sub) in clauses {
                    let span = self.span(sub)?;
                    match occur {
                        Some(AstOccur::Should) => should.push(span),
                        Some(AstOccur::MustNot) => not.push(span),
                        Some(AstOccur::Must) | None => must.push(span),
                    }
                }
                if must.is_empty() && should.is_empty() {
                    must.push(Span::All);
                }
                Ok(Span::Bool { must, should, not })
            }
            UserInputAst::Boost(sub, _) => self.span(sub),
            UserInputAst::Leaf(leaf) => match leaf.as_ref() {
                UserInputLeaf::Literal(lit) => {
                    let Literal { query, phrase } = self.literal(lit)?;
                    Ok(match phrase {
                        Some(words) => Span::Phrase { whole: query, splits: words.splits(self.index.fields().text)? },
                        None => Span::Either(query),
                    })
                }
                UserInputLeaf::All => Ok(Span::All),
                _ => Ok(Span::Either(self.convert(ast)?)),
            },
        }
    }

    fn literal(&mut self, lit: &UserInputLiteral) -> Result<Literal, QueryError> {
        let f = self.index.fields();
        let field_name = lit.field_name.as_deref().map(str::to_ascii_lowercase);
        let keyword = match field_name.as_deref() {
            None | Some("text") => None,
            Some("speaker") | Some("who") => Some(f.speaker),
            Some("camera") | Some("cam") => Some(f.camera),
            Some("reel") | Some("tape") => Some(f.reel),
            Some("day") | Some("date") => Some(f.day),
            Some("language") | Some("lang") => Some(f.language),
            Some("kind") => {
                let kinds: &[DocKind] = match lit.phrase.trim().to_ascii_lowercase().as_str() {
                    "soundbite" | "soundbites" | "segment" => &DocKind::SOUNDBITE,
                    "note" | "notes" => &[DocKind::Note],
                    "clip" | "clips" => &[DocKind::Clip],
                    other => return Err(self.invalid(format!("kind:{other}: expected soundbite, note or clip"))),
                };
                return Ok(Literal::one(Box::new(BooleanQuery::new(
                    kinds.iter().map(|k| (Occur::Should, term_query(f.kind, k.as_str()))).collect(),
                ))));
            }
            Some(other) => {
                return Err(self.invalid(format!(
                    "unknown field `{other}:`; use speaker:, camera:, reel:, day:, language: or kind: (or quote the colon)"
                )));
            }
        };
        if let Some(field) = keyword {
            let value = if field == f.camera {
                crate::clip::camera_key(&lit.phrase)
            } else if field == f.language {
                crate::language::normalize(&lit.phrase).unwrap_or_else(|| lit.phrase.clone())
            } else {
                lit.phrase.clone()
            };
            let value = value.trim().to_lowercase();
            if value.is_empty() {
                let name = field_name.unwrap_or_default();
                return Err(self.invalid(format!("`{name}:` needs a value, e.g. {name}:maria")));
            }
            return Ok(Literal::one(term_query(field, &value)));
        }
        // The grammar keeps a bare word's trailing `*` in the word.
        let bare_prefix = lit.delimiter == Delimiter::None && lit.phrase.ends_with('*');
        let phrase = if bare_prefix { lit.phrase.trim_end_matches('*') } else { lit.phrase.as_str() };
        let is_prefix = lit.prefix || bare_prefix;
        let tokens: Vec<String> = self.index.tokens(phrase).into_iter().map(|t| t.2).collect();
        if tokens.is_empty() {
            return Err(self.invalid(format!("{:?} has no word to search for", lit.phrase)));
        }
        let text = f.text;
        let terms: Vec<Term> = tokens.iter().map(|t| Term::from_field_text(text, t)).collect();
        let quoted = lit.delimiter != Delimiter::None;
        let bare = phrase.trim().to_lowercase();
        // A bare word with `~N` is fuzzy; on a phrase `~N` is slop.
        let marked = self.marks.fuzzy.iter().find(|(w, _)| !quoted && w.trim() == bare);
        let distance = if let (Some((_, d)), 1) = (marked, tokens.len()) {
            *d
        } else if self.spec.fuzzy && !quoted {
            1
        } else {
            0
        };
        let single = tokens.len() == 1 && !is_prefix && distance == 0 && !quoted;
        let sounds = single && (self.spec.sounds_like || self.marks.sounds.iter().any(|w| w.trim() == bare));
        let stemmed_phrase = quoted && !is_prefix && self.marks.stemmed.iter().any(|p| p.trim().to_lowercase() == bare);
        // The other indexed words each token stands for.
        // Each token's other forms, by the language they were found in
        // (`None`: sound-alikes, or a stemmed phrase's, which take any).
        let mut by_language: Vec<(Option<String>, Vec<String>)> = Vec::new();
        let forms: Vec<Vec<String>> = if sounds {
            let found = self.index.sound_alikes(&tokens[0], MAX_FORMS)?;
            by_language.push((None, found.clone()));
            vec![found]
        } else if (single || stemmed_phrase) && !self.spec.exact {
            let mut all = Vec::with_capacity(tokens.len());
            for t in &tokens {
                let mut union = std::collections::BTreeSet::new();
                for language in self.index.languages_of_word(t, &self.languages)? {
                    let found = self.index.forms(t, std::slice::from_ref(&language), MAX_FORMS)?;
                    if !found.is_empty() {
                        union.extend(found.iter().cloned());
                        by_language.push((Some(language), found));
                    }
                }
                all.push(union.into_iter().collect());
            }
            all
        } else {
            vec![Vec::new(); tokens.len()]
        };
        let last = tokens.len() - 1;
        let first_word = self.words.len();
        let in_phrase = tokens.len() > 1 && lit.slop == 0;
        for (i, t) in tokens.iter().enumerate() {
            self.words.push(QueryWord {
                text: t.clone(),
                prefix: is_prefix && i == last,
                distance: if tokens.len() == 1 { distance } else { 0 },
                forms: forms.get(i).cloned().unwrap_or_default(),
                phrase: in_phrase.then_some((first_word, i)),
            });
        }
        if stemmed_phrase && forms.iter().any(|f| !f.is_empty()) {
            // Each position takes the word or any of its forms.
            let patterns = tokens
                .iter()
                .zip(&forms)
                .map(|(t, f)| {
                    let mut all = vec![regex_literal(t)];
                    all.extend(f.iter().map(|w| regex_literal(w)));
                    format!("({})", all.join("|"))
                })
                .collect::<Vec<String>>();
            let mut q = tantivy::query::RegexPhraseQuery::new(text, patterns.clone());
            q.set_slop(lit.slop);
            return Ok(Literal { query: Box::new(q), phrase: Some(PhraseWords::Patterns(patterns, lit.slop)) });
        }
        if single && !by_language.is_empty() {
            let term = Term::from_field_text(text, &tokens[0]);
            let mut any: Vec<(Occur, Box<dyn Query>)> = vec![
                (Occur::Should, Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs))),
                (
                    Occur::Should,
                    Box::new(ConstScoreQuery::new(
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                        EXACT_BONUS,
                    )),
                ),
            ];
            let f = self.index.fields();
            let terms_of = |forms: &[String]| -> Box<dyn Query> {
                Box::new(BooleanQuery::new(
                    forms
                        .iter()
                        .map(|w| {
                            let t = Term::from_field_text(text, w);
                            (Occur::Should, Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)) as Box<dyn Query>)
                        })
                        .collect(),
                ))
            };
            for (language, forms) in &by_language {
                let clause: Box<dyn Query> = match language {
                    // A language's forms count in its own transcripts only
                    // (German `noch` is no form of Spanish `noche`).
                    Some(l) => Box::new(BooleanQuery::new(vec![
                        (Occur::Must, terms_of(forms)),
                        (Occur::Must, Box::new(ConstScoreQuery::new(term_query(f.language, l), 0.0)) as Box<dyn Query>),
                    ])),
                    None => terms_of(forms),
                };
                any.push((Occur::Should, clause));
            }
            // Notes, clip names and transcripts of no known language take
            // the forms of every language.
            let known: Vec<&String> = by_language.iter().filter_map(|(l, _)| l.as_ref()).collect();
            if !known.is_empty() {
                let mut unknown: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, terms_of(&forms[0]))];
                for l in &self.languages {
                    unknown.push((Occur::MustNot, term_query(f.language, l)));
                }
                any.push((Occur::Should, Box::new(BooleanQuery::new(unknown))));
            }
            return Ok(Literal::one(Box::new(BooleanQuery::new(any))));
        }
        let phrase = match (terms.len(), is_prefix) {
            (1, _) => None,
            (_, true) => Some(PhraseWords::Prefix(tokens.clone())),
            (_, false) => Some(PhraseWords::Exact(tokens.clone(), lit.slop)),
        };
        let query: Box<dyn Query> = match (terms.len(), is_prefix) {
            // A single-word prefix: every indexed word that starts with it.
            (1, true) => Box::new(PrefixQuery::new(text, &tokens[0])),
            (_, true) => Box::new(PhrasePrefixQuery::new(terms)),
            (1, false) if distance > 0 => Box::new(FuzzyTermQuery::new(
                terms.into_iter().next().ok_or_else(|| self.invalid("empty".into()))?,
                distance,
                true,
            )),
            (1, false) => Box::new(TermQuery::new(
                terms.into_iter().next().ok_or_else(|| self.invalid("empty".into()))?,
                IndexRecordOption::WithFreqs,
            )),
            (_, false) => {
                if lit.slop == 0 {
                    exact_phrase(text, &tokens)
                } else {
                    let mut q = PhraseQuery::new(terms);
                    q.set_slop(lit.slop);
                    Box::new(q)
                }
            }
        };
        Ok(Literal { query, phrase })
    }

    /// Whether any document matching `ast` holds one word of it that
    /// matches alone: a single word (exact, prefix or fuzzy) of the text,
    /// or several such joined by OR. A pair's text is words of its two
    /// cues, so such a pair always has a cue that matches on its own.
    fn one_cue(&self, ast: &UserInputAst) -> bool {
        match ast {
            UserInputAst::Clause(clauses) => match clauses.as_slice() {
                [(None | Some(AstOccur::Must | AstOccur::Should), sub)] => self.one_cue(sub),
                _ => clauses.iter().all(|(occur, sub)| *occur == Some(AstOccur::Should) && self.one_cue(sub)),
            },
            UserInputAst::Boost(sub, _) => self.one_cue(sub),
            UserInputAst::Leaf(leaf) => match leaf.as_ref() {
                UserInputLeaf::Literal(lit) => {
                    let text_field = lit.field_name.as_deref().is_none_or(|f| f.eq_ignore_ascii_case("text"));
                    text_field && self.index.tokens(lit.phrase.trim_end_matches('*')).len() == 1
                }
                _ => false,
            },
        }
    }

    /// For a query of two or more plain words, their exact phrase.
    fn plain_phrase(&self, ast: &UserInputAst) -> Result<Option<Box<dyn Query>>, QueryError> {
        let UserInputAst::Clause(clauses) = ast else { return Ok(None) };
        let mut tokens = Vec::new();
        for (occur, sub) in clauses {
            let plain = match (occur, sub) {
                (None | Some(AstOccur::Must), UserInputAst::Leaf(leaf)) => match leaf.as_ref() {
                    UserInputLeaf::Literal(l)
                        if l.field_name.is_none() && l.delimiter == Delimiter::None && !l.prefix && l.slop == 0 =>
                    {
                        Some(&l.phrase)
                    }
                    _ => None,
                },
                _ => None,
            };
            match plain {
                Some(p) => tokens.extend(self.index.tokens(p).into_iter().map(|t| t.2)),
                None => return Ok(None),
            }
        }
        if tokens.len() < 2 {
            return Ok(None);
        }
        let text = self.index.fields().text;
        Ok(Some(exact_phrase(text, &tokens)))
    }
}

/// An exact phrase of folded `words` (two or more): two common words in a
/// row are looked up as their pair's one term, at the first one's place
/// (`analysis::common`), so `"and the"` reads the cues that hold it and
/// not every cue's positions of `and` and of `the`.
fn exact_phrase(field: Field, words: &[String]) -> Box<dyn Query> {
    use super::analysis::{PAIR, common};
    let mut terms: Vec<(usize, Term)> = Vec::with_capacity(words.len());
    let mut paired = vec![false; words.len()];
    for (i, two) in words.windows(2).enumerate() {
        if common(&two[0]) && common(&two[1]) {
            terms.push((i, Term::from_field_text(field, &format!("{}{PAIR}{}", two[0], two[1]))));
            paired[i] = true;
            paired[i + 1] = true;
        }
    }
    for (i, word) in words.iter().enumerate().filter(|(i, _)| !paired[*i]) {
        terms.push((i, Term::from_field_text(field, word)));
    }
    match terms.len() {
        1 => Box::new(TermQuery::new(terms.remove(0).1, IndexRecordOption::WithFreqs)),
        _ => Box::new(PhraseQuery::new_with_offset(terms)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_taken_out_and_positions_kept() {
        let (text, marks) = extract_marks(r#"nayburs~~ maria~1 "nobody warn"~stem "exact words"~2 x~"#);
        assert_eq!(text.len(), r#"nayburs~~ maria~1 "nobody warn"~stem "exact words"~2 x~"#.len());
        assert_eq!(marks.sounds, ["nayburs"]);
        assert_eq!(marks.fuzzy, [("maria".to_string(), 1)]);
        assert_eq!(marks.stemmed, ["nobody warn"]);
        assert!(text.contains(r#""exact words"~2"#), "slop is tantivy's: {text}");
        assert!(text.contains("nayburs  ") && text.contains("maria  ") && text.contains(r#""nobody warn"     "#));
    }

    proptest::proptest! {
        /// Any query: taking the marks out never panics and keeps every
        /// other character where it was (error positions stay right).
        #[test]
        fn marks_keep_positions_in_any_query(query in "[a-z\"~0-9 ()川é:-]{0,30}") {
            let (text, _) = extract_marks(&query);
            proptest::prop_assert_eq!(text.chars().count(), query.chars().count());
        }
    }
}
