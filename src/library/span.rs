//! Hits that need two cues: a phrase that runs across a cue boundary, or
//! words AND-ed that two neighbouring cues hold between them. Part of the
//! index module.
//!
//! Nothing is indexed for them beyond each cue's first and last words
//! marked as such (`analysis::CUE_START`). A
//! transcript's cues are consecutive documents of one segment
//! (`index.rs`), so within a segment a boundary is named by the document
//! of its first cue, and a query's boundaries are a bit set per segment:
//! - a query one cue answers (a word, its forms, a prefix, a filter)
//!   matches a boundary when either cue does: its documents OR-ed with
//!   themselves shifted down by one;
//! - a phrase matches when either cue holds it whole, or when, split
//!   somewhere, its first words end the first cue (`w1 … END+wk`: the
//!   cue's last word is also indexed marked as last) and the rest start
//!   the next (`START+wk+1 … wn`): those two sets AND-ed, the second
//!   shifted;
//! - AND, OR and NOT are the same operations on the sets.
//!
//! A boundary is a hit when its two documents are cues n and n+1 of one
//! transcript and neither cue matches alone (then that cue is the hit). A
//! transcript's cues are numbered from 0, so the number column alone says
//! so: the document after cue n is cue n + 1 of the same transcript, or a
//! transcript's cue 0, or no cue. A filter (a speaker, a camera) is asked
//! of each boundary found by the words when those are few, rather than
//! read whole.

use tantivy::query::{EnableScoring, PhrasePrefixQuery, PhraseQuery, Query, RegexPhraseQuery, RegexQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema};
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED, TantivyError, Term};

use super::analysis::{CUE_END, CUE_START};
use super::prefix::PrefixQuery;

/// What a query asks of a cue boundary (see the module documentation).
pub(super) enum Span {
    /// Every boundary (a query of exclusions only).
    All,
    /// Boundaries where either cue matches.
    Either(Box<dyn Query>),
    /// A phrase: whole in either cue, or split across the boundary (each
    /// split's end of the first cue and start of the second).
    Phrase { whole: Box<dyn Query>, splits: Vec<Split> },
    /// Every `must`, or (with none) any `should`; and no `not`.
    Bool { must: Vec<Span>, should: Vec<Span>, not: Vec<Span> },
}

/// A phrase cut in two: the query for its first part ending a cue, and
/// the query for the rest starting the next.
pub(super) type Split = (Box<dyn Query>, Box<dyn Query>);

/// The words of a phrase, as it was asked for (folded).
pub(super) enum PhraseWords {
    /// Exact words, with their slop.
    Exact(Vec<String>, u32),
    /// Exact words, the last a prefix.
    Prefix(Vec<String>),
    /// A pattern per word (a word or any of its forms), with the slop.
    Patterns(Vec<String>, u32),
}

impl PhraseWords {
    /// For each place the phrase may be cut, the query for its first part
    /// ending a cue (its last word marked as a cue's last) and the query
    /// for the rest starting the next (its first word marked as a cue's
    /// first; see `analysis::CUE_START`).
    ///
    /// A phrase with slop is cut the same way, but each part may stand
    /// anywhere in its cue (its words within the slop of each other): how
    /// far the words are from the boundary is not indexed, and two cues
    /// are a few seconds of speech.
    pub(super) fn splits(&self, field: Field) -> Result<Vec<Split>, TantivyError> {
        let marked = |mark: char, word: &str| format!("{mark}{word}");
        match self {
            PhraseWords::Exact(words, slop) => Ok((1..words.len())
                .map(|k| {
                    let (mut first, mut rest) = (words[..k].to_vec(), words[k..].to_vec());
                    if *slop == 0 {
                        first[k - 1] = marked(CUE_END, &words[k - 1]);
                        rest[0] = marked(CUE_START, &words[k]);
                    }
                    (phrase(field, &first, *slop), phrase(field, &rest, *slop))
                })
                .collect()),
            PhraseWords::Prefix(words) => (1..words.len())
                .map(|k| {
                    let mut first = words[..k].to_vec();
                    first[k - 1] = marked(CUE_END, &words[k - 1]);
                    let mut rest = words[k..].to_vec();
                    rest[0] = marked(CUE_START, &words[k]);
                    let rest: Box<dyn Query> = if rest.len() == 1 {
                        Box::new(PrefixQuery::new(field, &rest[0]))
                    } else {
                        Box::new(PhrasePrefixQuery::new(rest.iter().map(|w| Term::from_field_text(field, w)).collect()))
                    };
                    Ok((phrase(field, &first, 0), rest))
                })
                .collect(),
            PhraseWords::Patterns(patterns, slop) => (1..patterns.len())
                .map(|k| {
                    let (mut first, mut rest) = (patterns[..k].to_vec(), patterns[k..].to_vec());
                    if *slop == 0 {
                        first[k - 1] = format!("{CUE_END}{}", patterns[k - 1]);
                        rest[0] = format!("{CUE_START}{}", patterns[k]);
                    }
                    Ok((regex_phrase(field, first, *slop)?, regex_phrase(field, rest, *slop)?))
                })
                .collect(),
        }
    }
}

/// Words in a row (one: that word).
fn phrase(field: Field, words: &[String], slop: u32) -> Box<dyn Query> {
    let terms: Vec<Term> = words.iter().map(|w| Term::from_field_text(field, w)).collect();
    match terms.as_slice() {
        [one] => Box::new(TermQuery::new(one.clone(), IndexRecordOption::WithFreqs)),
        _ => {
            let mut q = PhraseQuery::new(terms);
            q.set_slop(slop);
            Box::new(q)
        }
    }
}

/// Words in a row, each a pattern (one: that pattern).
fn regex_phrase(field: Field, patterns: Vec<String>, slop: u32) -> Result<Box<dyn Query>, TantivyError> {
    if let [one] = patterns.as_slice() {
        return Ok(Box::new(RegexQuery::from_pattern(one, field)?));
    }
    let mut q = RegexPhraseQuery::new(field, patterns);
    q.set_slop(slop);
    Ok(Box::new(q))
}

impl Span {
    /// The boundaries of `reader` this matches, by their first cue's
    /// document. `top`: the query is this alone (or any of these), so a
    /// boundary where one cue holds a phrase whole has that cue matching
    /// alone and is no hit: it need not be looked for.
    pub(super) fn boundaries(&self, reader: &SegmentReader, schema: &Schema, top: bool) -> tantivy::Result<Bits> {
        let max = reader.max_doc();
        Ok(match self {
            Span::All => Bits::full(max),
            Span::Either(q) => Bits::of(&**q, reader, schema)?.either(),
            Span::Phrase { whole, splits } => {
                let mut out = if top { Bits::empty(max) } else { Bits::of(&**whole, reader, schema)?.either() };
                for (first, rest) in splits {
                    out.or(&split(&**first, &**rest, reader, schema)?);
                }
                out
            }
            Span::Bool { must, should, not } => {
                let mut out = if must.is_empty() {
                    let mut any = Bits::empty(max);
                    for s in should {
                        any.or(&s.boundaries(reader, schema, top)?);
                    }
                    any
                } else {
                    // The rarest first: the others are then asked only at
                    // the boundaries it found, while those are few.
                    let alone = top && must.len() == 1;
                    let mut order: Vec<(u32, &Span)> =
                        must.iter().map(|m| Ok((m.estimate(reader, schema)?, m))).collect::<tantivy::Result<_>>()?;
                    order.sort_by_key(|(n, _)| *n);
                    let mut all = order[0].1.boundaries(reader, schema, alone)?;
                    for (_, m) in &order[1..] {
                        if all.is_empty() {
                            break;
                        }
                        m.keep(&mut all, reader, schema, true)?;
                    }
                    all
                };
                for n in not {
                    if out.is_empty() {
                        break;
                    }
                    n.keep(&mut out, reader, schema, false)?;
                }
                out
            }
        })
    }

    /// About how many documents of `reader` this asks about: the matches
    /// of a word (or other one-cue query), unknown (most) for the rest.
    fn estimate(&self, reader: &SegmentReader, schema: &Schema) -> tantivy::Result<u32> {
        Ok(match self {
            Span::Either(q) => q.weight(EnableScoring::disabled_from_schema(schema))?.scorer(reader, 1.0)?.size_hint(),
            _ => u32::MAX,
        })
    }

    /// Keeps the boundaries of `found` this span holds (`wanted`) or does
    /// not hold. A one-cue query is asked at each boundary of a short list
    /// (its two cues), rather than read whole: `my` or `from` is in a
    /// tenth of the cues of a large library, and `from AND father -my`
    /// read every one of them to keep a few hundred boundaries.
    fn keep(&self, found: &mut Bits, reader: &SegmentReader, schema: &Schema, wanted: bool) -> tantivy::Result<()> {
        if let (Span::Either(q), Bits::Few { docs, .. }) = (self, &mut *found) {
            let max = reader.max_doc();
            let weight = q.weight(EnableScoring::disabled_from_schema(schema))?;
            let mut probe = Probe::new(&*weight, reader);
            let mut kept = Vec::with_capacity(docs.len());
            for &d in docs.iter() {
                let either = probe.matches(d)? || (d + 1 < max && probe.matches(d + 1)?);
                if either == wanted {
                    kept.push(d);
                }
            }
            *docs = kept;
            return Ok(());
        }
        let theirs = self.boundaries(reader, schema, false)?;
        if wanted {
            found.and(&theirs)
        } else {
            found.and_not(&theirs)
        }
        Ok(())
    }

    /// Keeps the boundaries of `found` that this span holds: `found` and
    /// [`Span::boundaries`]. A filter asks each boundary of a short list
    /// rather than reading every document it matches (a speaker has
    /// hundreds of thousands of cues in a large library).
    pub(super) fn narrow(&self, found: &mut Bits, reader: &SegmentReader, schema: &Schema) -> tantivy::Result<()> {
        if let (Span::Either(q), Bits::Few { docs, .. }) = (self, &mut *found) {
            let weight = q.weight(EnableScoring::disabled_from_schema(schema))?;
            let mut scorer = weight.scorer(reader, 1.0)?;
            docs.retain(|&d| matches_at(&mut *scorer, d) || matches_at(&mut *scorer, d + 1));
            return Ok(());
        }
        found.and(&self.boundaries(reader, schema, false)?);
        Ok(())
    }

    /// [`Span::scoring`] of the whole query, whose boundaries are hits
    /// only where neither cue matches it alone: a phrase that is the whole
    /// query then scores 0 on both cues, and is not asked.
    pub(super) fn scoring_hits(&self, out: &mut Vec<Box<dyn Query>>) {
        let phrase = match self {
            Span::Bool { must, should, not } if should.is_empty() && not.is_empty() => match must.as_slice() {
                [one] => one,
                _ => self,
            },
            _ => self,
        };
        match phrase {
            Span::Phrase { splits, .. } => {
                for (first, rest) in splits {
                    out.push(first.box_clone());
                    out.push(rest.box_clone());
                }
            }
            _ => self.scoring(out),
        }
    }

    /// The queries whose scores, summed over a boundary's two cues, score
    /// it: every word and phrase it asks for, and each split's parts.
    pub(super) fn scoring(&self, out: &mut Vec<Box<dyn Query>>) {
        match self {
            Span::All => {}
            Span::Either(q) => out.push(q.box_clone()),
            Span::Phrase { whole, splits } => {
                out.push(whole.box_clone());
                for (first, rest) in splits {
                    out.push(first.box_clone());
                    out.push(rest.box_clone());
                }
            }
            Span::Bool { must, should, .. } => {
                for s in must.iter().chain(should) {
                    s.scoring(out);
                }
            }
        }
    }
}

/// The boundaries where `first` matches the first cue and `rest` the
/// next. When the two parts meet at marked words (the last word of the
/// first cue, the first of the next), the boundaries of those two words
/// alone are found first, and each part's phrase is checked at those
/// boundaries only: a part's phrase is never followed through the
/// segment, which for `"the water came up to the door"` read every cue
/// holding its words once for each of its six places to cut.
fn split(first: &dyn Query, rest: &dyn Query, reader: &SegmentReader, schema: &Schema) -> tantivy::Result<Bits> {
    let (Some(end), Some(start)) = (edge_word(first, CUE_END), edge_word(rest, CUE_START)) else {
        return walk(first, rest, reader, schema);
    };
    let words = |t: Term| TermQuery::new(t, IndexRecordOption::Basic);
    let found = walk(&words(end), &words(start), reader, schema)?;
    let one = |q: &dyn Query| q.downcast_ref::<TermQuery>().is_some();
    if found.is_empty() || (one(first) && one(rest)) {
        return Ok(found);
    }
    // A part of one word is its marked word: every boundary found holds it.
    let weight = |q: &dyn Query| -> tantivy::Result<Option<Box<dyn tantivy::query::Weight>>> {
        if one(q) { Ok(None) } else { q.weight(EnableScoring::disabled_from_schema(schema)).map(Some) }
    };
    let (first, rest) = (weight(first)?, weight(rest)?);
    let mut ends = first.as_deref().map(|w| Probe::new(w, reader));
    let mut starts = rest.as_deref().map(|w| Probe::new(w, reader));
    let mut docs = Vec::new();
    for d in found.ones() {
        let end = match &mut ends {
            Some(p) => p.matches(d)?,
            None => true,
        };
        if end
            && match &mut starts {
                Some(p) => p.matches(d + 1)?,
                None => true,
            }
        {
            docs.push(d);
        }
    }
    Ok(Bits::from_sorted(docs, reader.max_doc()))
}

/// The word of a part of a cut phrase that stands at the cut, when it is
/// marked with `mark`: a part's last word ([`CUE_END`]) or first word
/// ([`CUE_START`]).
fn edge_word(part: &dyn Query, mark: char) -> Option<Term> {
    let term = if let Some(q) = part.downcast_ref::<TermQuery>() {
        q.term().clone()
    } else if let Some(q) = part.downcast_ref::<PhraseQuery>() {
        let terms = q.phrase_terms();
        if mark == CUE_START { terms.first() } else { terms.last() }?.clone()
    } else {
        return None;
    };
    term.value().as_str()?.starts_with(mark).then_some(term)
}

/// The boundaries where `first` matches the first cue and `rest` the
/// next: the shorter list is walked, and the other looked up at the
/// neighbouring document only (a cue ending with `the` is common, one
/// starting with the rest of a phrase is not).
fn walk(first: &dyn Query, rest: &dyn Query, reader: &SegmentReader, schema: &Schema) -> tantivy::Result<Bits> {
    let max = reader.max_doc();
    let scorer = |q: &dyn Query| q.weight(EnableScoring::disabled_from_schema(schema))?.scorer(reader, 1.0);
    let mut ends = scorer(first)?;
    if ends.doc() == TERMINATED {
        return Ok(Bits::empty(max));
    }
    let mut starts = scorer(rest)?;
    // Two long lists of single words (a cue ending with `and`, the next
    // starting with `the`) are read whole, the first into bits and the
    // second checked against them, which is a fraction of the cost of
    // seeking one in the other at every document. (Each bit set of a large
    // segment is fresh memory the kernel zeroes page by page: one is made.)
    let (short, long) = {
        let (a, b) = (ends.size_hint(), starts.size_hint());
        (a.min(b), a.max(b))
    };
    let words = |q: &dyn Query| q.downcast_ref::<TermQuery>().is_some();
    if short >= DENSE_WALK && long / 8 <= short && words(first) && words(rest) {
        let ends = Bits::of_dense(first, reader, schema)?;
        let mut found = Vec::new();
        rest.weight(EnableScoring::disabled_from_schema(schema))?.for_each_no_score(reader, &mut |docs| {
            found.extend(docs.iter().filter(|&&d| d > 0 && ends.get(d - 1)).map(|d| d - 1));
        })?;
        return Ok(Bits::from_sorted(found, max));
    }
    let mut docs = Vec::new();
    if ends.size_hint() <= starts.size_hint() {
        let mut d = ends.doc();
        while d != TERMINATED && d + 1 < max {
            if starts.doc() <= d {
                starts.seek(d + 1);
            }
            if starts.doc() == TERMINATED {
                break;
            }
            if starts.doc() == d + 1 {
                docs.push(d);
            }
            d = ends.advance();
        }
    } else {
        let mut d = starts.doc();
        while d != TERMINATED {
            if d > 0 {
                if ends.doc() < d - 1 {
                    ends.seek(d - 1);
                }
                if ends.doc() == TERMINATED {
                    break;
                }
                if ends.doc() == d - 1 {
                    docs.push(d - 1);
                }
            }
            d = starts.advance();
        }
    }
    Ok(Bits::from_sorted(docs, max))
}

/// Lists of at least this many documents on both sides of a split are
/// read whole (see [`split`]).
const DENSE_WALK: u32 = 4096;

/// A query asked, document by document in ascending order, whether it
/// matches each. Its scorer is made at the first document asked and then
/// moved with tantivy's `seek_danger`: a phrase is checked at that
/// document alone, where making it or seeking it would go on to its next
/// match, checking every document that holds its words on the way.
struct Probe<'a> {
    weight: &'a dyn tantivy::query::Weight,
    reader: &'a SegmentReader,
    scorer: Option<Box<dyn tantivy::query::Scorer>>,
    /// No document below this matches.
    from: DocId,
    /// The last document asked and whether it matched.
    last: Option<(DocId, bool)>,
}

impl<'a> Probe<'a> {
    fn new(weight: &'a dyn tantivy::query::Weight, reader: &'a SegmentReader) -> Probe<'a> {
        Probe { weight, reader, scorer: None, from: 0, last: None }
    }

    /// Whether `doc` matches; each document asked is at least the last.
    fn matches(&mut self, doc: DocId) -> tantivy::Result<bool> {
        if let Some((last, matched)) = self.last
            && last == doc
        {
            return Ok(matched);
        }
        let matched = if doc == TERMINATED || doc < self.from {
            false
        } else {
            let result = match &mut self.scorer {
                Some(scorer) => scorer.seek_danger(doc),
                None => {
                    let (result, scorer) = self.weight.scorer_danger(self.reader, doc, 1.0)?;
                    self.scorer = Some(scorer);
                    result
                }
            };
            match result {
                SeekDangerResult::Found => {
                    self.from = doc + 1;
                    true
                }
                SeekDangerResult::SeekLowerBound(bound) => {
                    self.from = bound.max(doc + 1);
                    false
                }
            }
        };
        self.last = Some((doc, matched));
        Ok(matched)
    }
}

/// The score `scorer` gives document `doc` (0 when it does not match).
/// Documents are asked for in ascending order.
pub(super) fn score_at(scorer: &mut dyn tantivy::query::Scorer, doc: DocId) -> Score {
    if scorer.doc() < doc {
        scorer.seek(doc);
    }
    if scorer.doc() == doc && doc != TERMINATED { scorer.score() } else { 0.0 }
}

/// Whether `scorer` matches document `doc`. Documents are asked for in
/// ascending order.
pub(super) fn matches_at(scorer: &mut dyn tantivy::query::Scorer, doc: DocId) -> bool {
    if scorer.doc() < doc {
        scorer.seek(doc);
    }
    scorer.doc() == doc && doc != TERMINATED
}

/// A set of a segment's documents (or of boundaries, by first document):
/// a sorted list while it is small, so a rare word costs what it matches
/// and not a bit per document; a bit per document once it is not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Bits {
    Few { docs: Vec<DocId>, len: u32 },
    Many { words: Vec<u64>, len: u32 },
}

impl Bits {
    pub(super) fn empty(len: u32) -> Bits {
        Bits::Few { docs: Vec::new(), len }
    }

    fn full(len: u32) -> Bits {
        let mut words = vec![u64::MAX; (len as usize).div_ceil(64)];
        if let (Some(last), tail @ 1..) = (words.last_mut(), len % 64) {
            *last = (1u64 << tail) - 1;
        }
        Bits::Many { words, len }
    }

    /// The set of `docs` (ascending, each below `len`).
    pub(super) fn from_sorted(docs: Vec<DocId>, len: u32) -> Bits {
        Bits::Few { docs, len }.compact()
    }

    /// A list this long or longer is kept as bits (as many bytes either way).
    fn many(len: u32) -> usize {
        (len as usize / 32).max(64)
    }

    /// Bits for a long list.
    fn compact(self) -> Bits {
        match self {
            Bits::Few { docs, len } if docs.len() >= Bits::many(len) => Bits::set(&docs, len),
            other => other,
        }
    }

    /// `docs` as bits.
    fn set(docs: &[DocId], len: u32) -> Bits {
        let mut words = vec![0u64; (len as usize).div_ceil(64)];
        for &d in docs.iter().filter(|d| **d < len) {
            words[d as usize / 64] |= 1 << (d % 64);
        }
        Bits::Many { words, len }
    }

    fn len(&self) -> u32 {
        match self {
            Bits::Few { len, .. } | Bits::Many { len, .. } => *len,
        }
    }

    /// Adds `doc`, above every document added before: listed until they
    /// are a quarter as many bytes as bits, then set as bits. Bits from
    /// the start would touch every page of them (125 KB per million
    /// documents) for a few thousand matches, and each page is a fault in
    /// a short process. The list's room is taken at once: growing it
    /// would copy it into fresh pages again and again.
    pub(super) fn push(&mut self, doc: DocId) {
        match self {
            Bits::Few { docs, len } => {
                let most = (*len as usize / 128).max(64);
                if docs.capacity() == 0 {
                    docs.reserve_exact(most);
                }
                docs.push(doc);
                if docs.len() >= most {
                    *self = Bits::set(docs, *len);
                }
            }
            Bits::Many { words, .. } => {
                if let Some(w) = words.get_mut(doc as usize / 64) {
                    *w |= 1 << (doc % 64);
                }
            }
        }
    }

    /// The documents `query` matches in `reader`, deleted ones included.
    /// They are listed until they are many, then set as bits as they are
    /// read: `the` matches most cues of a segment, and a list of them all
    /// would be four bytes a document, written once and read once.
    fn of(query: &dyn Query, reader: &SegmentReader, schema: &Schema) -> tantivy::Result<Bits> {
        let len = reader.max_doc();
        let many = Bits::many(len);
        let mut out = Bits::empty(len);
        let weight = query.weight(EnableScoring::disabled_from_schema(schema))?;
        weight.for_each_no_score(reader, &mut |found| {
            if let Bits::Few { docs, .. } = &mut out {
                docs.extend_from_slice(found);
                if docs.len() >= many {
                    out = std::mem::replace(&mut out, Bits::empty(len)).compact();
                }
            } else if let Bits::Many { words, .. } = &mut out {
                for &d in found {
                    if let Some(w) = words.get_mut(d as usize / 64) {
                        *w |= 1 << (d % 64);
                    }
                }
            }
        })?;
        Ok(out)
    }

    /// As [`Bits::of`], straight into bits: for a query that matches many.
    fn of_dense(query: &dyn Query, reader: &SegmentReader, schema: &Schema) -> tantivy::Result<Bits> {
        let len = reader.max_doc();
        let mut words = vec![0u64; (len as usize).div_ceil(64)];
        let weight = query.weight(EnableScoring::disabled_from_schema(schema))?;
        weight.for_each_no_score(reader, &mut |found| {
            for &d in found {
                if let Some(w) = words.get_mut(d as usize / 64) {
                    *w |= 1 << (d % 64);
                }
            }
        })?;
        Ok(Bits::Many { words, len })
    }

    pub(super) fn get(&self, d: DocId) -> bool {
        match self {
            Bits::Few { docs, .. } => docs.binary_search(&d).is_ok(),
            Bits::Many { words, len } => d < *len && words[d as usize / 64] & (1 << (d % 64)) != 0,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        match self {
            Bits::Few { docs, .. } => docs.is_empty(),
            Bits::Many { words, .. } => words.iter().all(|w| *w == 0),
        }
    }

    pub(super) fn and(&mut self, other: &Bits) {
        match (&mut *self, other) {
            (Bits::Few { docs, .. }, _) => docs.retain(|d| other.get(*d)),
            (Bits::Many { words, len }, Bits::Few { docs, .. }) => {
                let kept = docs
                    .iter()
                    .copied()
                    .filter(|&d| d < *len && words[d as usize / 64] & (1 << (d % 64)) != 0)
                    .collect();
                *self = Bits::Few { docs: kept, len: *len };
            }
            (Bits::Many { words, .. }, Bits::Many { words: theirs, .. }) => {
                words.iter_mut().zip(theirs).for_each(|(a, b)| *a &= b);
            }
        }
    }

    fn or(&mut self, other: &Bits) {
        match (&mut *self, other) {
            (Bits::Few { docs, len }, Bits::Few { docs: theirs, .. }) => {
                *self = Bits::from_sorted(merged(docs, theirs), *len);
            }
            (Bits::Few { docs, len }, Bits::Many { .. }) => {
                let mut out = other.clone();
                out.set_all(docs);
                debug_assert_eq!(out.len(), *len);
                *self = out;
            }
            (Bits::Many { .. }, Bits::Few { docs, .. }) => self.set_all(docs),
            (Bits::Many { words, .. }, Bits::Many { words: theirs, .. }) => {
                words.iter_mut().zip(theirs).for_each(|(a, b)| *a |= b);
            }
        }
    }

    fn and_not(&mut self, other: &Bits) {
        match (&mut *self, other) {
            (Bits::Few { docs, .. }, _) => docs.retain(|d| !other.get(*d)),
            (Bits::Many { words, len }, Bits::Few { docs, .. }) => {
                for &d in docs.iter().filter(|d| **d < *len) {
                    words[d as usize / 64] &= !(1 << (d % 64));
                }
            }
            (Bits::Many { words, .. }, Bits::Many { words: theirs, .. }) => {
                words.iter_mut().zip(theirs).for_each(|(a, b)| *a &= !b);
            }
        }
    }

    /// Sets `docs` in a set of bits.
    fn set_all(&mut self, docs: &[DocId]) {
        if let Bits::Many { words, len } = self {
            for &d in docs.iter().filter(|d| **d < *len) {
                words[d as usize / 64] |= 1 << (d % 64);
            }
        }
    }

    /// Bit d set where bit d + 1 is: the boundaries whose second cue is in.
    fn shifted_down(&self) -> Bits {
        match self {
            Bits::Few { docs, len } => {
                Bits::Few { docs: docs.iter().filter(|d| **d > 0).map(|d| d - 1).collect(), len: *len }
            }
            Bits::Many { words, len } => {
                let words =
                    (0..words.len()).map(|i| (words[i] >> 1) | words.get(i + 1).map_or(0, |next| next << 63)).collect();
                Bits::Many { words, len: *len }
            }
        }
    }

    /// The boundaries where either cue is in.
    fn either(mut self) -> Bits {
        let next = self.shifted_down();
        self.or(&next);
        self
    }

    /// The set documents, ascending.
    pub(super) fn ones(&self) -> Box<dyn Iterator<Item = DocId> + '_> {
        match self {
            Bits::Few { docs, .. } => Box::new(docs.iter().copied()),
            Bits::Many { words, .. } => Box::new(words.iter().enumerate().flat_map(|(i, &w)| {
                let mut w = w;
                std::iter::from_fn(move || {
                    if w == 0 {
                        return None;
                    }
                    let bit = w.trailing_zeros();
                    w &= w - 1;
                    Some(i as u32 * 64 + bit)
                })
            })),
        }
    }
}

/// The union of two ascending lists, ascending, without repeats.
fn merged(a: &[DocId], b: &[DocId]) -> Vec<DocId> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The set of `set` below `len`, as a list and as bits.
    fn both(len: u32, set: &[u32]) -> [Bits; 2] {
        let few = Bits::Few { docs: set.to_vec(), len };
        let Bits::Few { docs, .. } = few.clone() else { unreachable!() };
        let mut many = Bits::Many { words: vec![0; (len as usize).div_ceil(64)], len };
        many.set_all(&docs);
        [few, many]
    }

    fn ones(b: &Bits) -> Vec<u32> {
        b.ones().collect()
    }

    #[test]
    fn a_boundary_is_in_when_either_cue_is() {
        for b in both(130, &[0, 64, 129]) {
            assert_eq!(ones(&b.either()), [0, 63, 64, 128, 129]);
        }
    }

    #[test]
    fn shifting_crosses_words_and_drops_the_first() {
        for b in both(200, &[0, 1, 64, 128, 199]) {
            assert_eq!(ones(&b.shifted_down()), [0, 63, 127, 198]);
        }
    }

    #[test]
    fn full_has_exactly_len_bits() {
        for len in [0, 1, 63, 64, 65, 130] {
            assert_eq!(Bits::full(len).ones().count(), len as usize, "{len}");
        }
    }

    /// Every operation gives the same set whichever form each side has.
    #[test]
    fn set_operations_in_either_form() {
        for a in both(70, &[1, 2, 65]) {
            for b in both(70, &[2, 3, 65]) {
                let mut and = a.clone();
                and.and(&b);
                assert_eq!(ones(&and), [2, 65]);
                let mut or = a.clone();
                or.or(&b);
                assert_eq!(ones(&or), [1, 2, 3, 65]);
                let mut not = a.clone();
                not.and_not(&b);
                assert_eq!(ones(&not), [1]);
                assert!(!not.get(2) && not.get(1) && !not.get(500));
                assert!(!not.is_empty() && and.len() == 70);
            }
        }
    }

    #[test]
    fn a_long_list_becomes_bits() {
        let docs: Vec<u32> = (0..5000).step_by(2).collect();
        let b = Bits::from_sorted(docs.clone(), 5000);
        assert!(matches!(b, Bits::Many { .. }));
        assert_eq!(ones(&b), docs);
        assert!(matches!(Bits::from_sorted(vec![3, 9], 5000), Bits::Few { .. }));
    }
}
