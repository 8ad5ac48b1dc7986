//! Searching the index: the user's query language turned into tantivy
//! queries, filters, and the raw hits `crate::search` assembles. Part of
//! the index module: nothing outside `library` sees a tantivy type.
//!
//! The query language is tantivy's grammar (phrases `"..."`, slop
//! `"..."~3`, `AND`/`OR`/`-word`, `field:value`, `^boost`) with our own
//! meaning for its leaves, because tantivy's parser has no fuzzy syntax and
//! no bare prefix:
//! - `word~1` (or `--fuzzy` for every word) is a fuzzy term (Levenshtein
//!   distance 1–2, transpositions cost 1) for misspelt names and ASR errors;
//! - `flood*` is a prefix; `"the river c"*` a phrase prefix;
//! - words without an operator must all match (AND), like search boxes do;
//! - `speaker:`, `camera:`/`cam:`, `reel:`, `day:` filter (case-insensitive),
//!   `kind:soundbite|note|clip` narrows.
//!
//! A query of plain words also scores their exact phrase, so the exact
//! phrase outranks the same words scattered.

use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhrasePrefixQuery, PhraseQuery, Query,
    RegexQuery, TermQuery,
};
use tantivy::query_grammar::{Delimiter, Occur as AstOccur, UserInputAst, UserInputLeaf, UserInputLiteral};
use tantivy::schema::{Field, IndexRecordOption, TantivyDocument, Value};
use tantivy::tokenizer::TokenStream;
use tantivy::{DocAddress, Searcher, Term};

use super::Library;
use super::index::{ClipIndex, IndexError};
use super::schema::{DocKind, Key, PairRecord, decode};
use crate::clip::{Clip, NoteRecord, Segment};

/// Boost of the exact phrase of a plain-words query.
const PHRASE_BOOST: f32 = 2.0;

/// Fields a search may be restricted to, each an exact value (any case;
/// a camera as people write it, `Cam A`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    pub speaker: Option<String>,
    pub camera: Option<String>,
    pub reel: Option<String>,
    pub day: Option<String>,
}

impl Filters {
    /// Whether any field is restricted.
    pub fn any(&self) -> bool {
        [&self.speaker, &self.camera, &self.reel, &self.day].iter().any(|f| f.is_some())
    }
}

/// What to search for.
#[derive(Clone, Debug, Default)]
pub struct SearchSpec {
    pub query: String,
    /// Every word fuzzy (distance 1), as if written `word~1`.
    pub fuzzy: bool,
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
}

/// A parsed query, ready to run many times.
pub struct Prepared {
    query: Box<dyn Query>,
    /// The query without kind and filter clauses, for "does this document
    /// match on its own" checks.
    words_query: Box<dyn Query>,
    pub words: Vec<QueryWord>,
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
        let (text, fuzzy_words) = extract_fuzzy(&spec.query);
        let (ast, errors) = tantivy::query_grammar::parse_query_lenient(&text);
        if let Some(e) = errors.first() {
            // Position in characters, as a user counts them.
            let pos = text.get(..e.pos).map_or(e.pos, |p| p.chars().count()) + 1;
            return Err(QueryError::Syntax { query: spec.query.clone(), pos, message: e.message.clone() });
        }
        let mut b = Builder { index: &self.index, spec, words: Vec::new(), fuzzy_words };
        let main = b.convert(&ast)?;
        let main = match b.plain_phrase(&ast)? {
            Some(phrase) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, main),
                (Occur::Should, Box::new(BoostQuery::new(phrase, PHRASE_BOOST)) as Box<dyn Query>),
            ])) as Box<dyn Query>,
            None => main,
        };
        let may_span_cues = !b.one_cue(&ast);
        let words = std::mem::take(&mut b.words);
        let f = self.index.fields();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, main.box_clone())];
        // Kind and filters restrict without scoring (a scored clause over a
        // million documents would swamp BM25 and slow every query). Source
        // documents have no text, so "every kind" needs no clause at all.
        let all_kinds = DocKind::SEARCHABLE.iter().all(|k| spec.kinds.contains(k));
        if !spec.kinds.is_empty() && !all_kinds {
            let kinds: Vec<(Occur, Box<dyn Query>)> =
                spec.kinds.iter().map(|k| (Occur::Should, term_query(f.kind, k.as_str()))).collect();
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(kinds)), 0.0))));
        }
        for (field, value) in [
            (f.speaker, &spec.filters.speaker),
            (f.camera, &spec.filters.camera),
            (f.reel, &spec.filters.reel),
            (f.day, &spec.filters.day),
        ] {
            if let Some(v) = value {
                let v = if field == f.camera { crate::clip::camera_key(v) } else { v.clone() };
                let q = term_query(field, &v.trim().to_lowercase());
                clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0))));
            }
        }
        Ok(Prepared { query: Box::new(BooleanQuery::new(clauses)), words_query: main, words, may_span_cues })
    }

    /// The best `limit` documents, best first.
    pub fn search(&self, prepared: &Prepared, limit: usize) -> Result<Vec<RawHit>, QueryError> {
        let searcher = self.index.searcher()?;
        let top = searcher.search(&*prepared.query, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        top.into_iter().map(|(score, addr)| self.raw_hit(&searcher, score, addr)).collect()
    }

    /// How many documents match, all of them or only those of `kind`
    /// (no record is read).
    pub fn count(&self, prepared: &Prepared, kind: Option<DocKind>) -> Result<usize, QueryError> {
        let searcher = self.index.searcher()?;
        Ok(searcher.search(&*self.of_kind(prepared, kind), &Count)?)
    }

    /// Every matching document of `kind`, in no particular order.
    pub fn all_of_kind(&self, prepared: &Prepared, kind: DocKind) -> Result<Vec<RawHit>, QueryError> {
        let searcher = self.index.searcher()?;
        let found = searcher.search(&*self.of_kind(prepared, Some(kind)), &DocSetCollector)?;
        found.into_iter().map(|addr| self.raw_hit(&searcher, 0.0, addr)).collect()
    }

    fn of_kind(&self, prepared: &Prepared, kind: Option<DocKind>) -> Box<dyn Query> {
        match kind {
            None => prepared.query.box_clone(),
            Some(k) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, prepared.query.box_clone()),
                (Occur::Must, term_query(self.index.fields().kind, k.as_str())),
            ])),
        }
    }

    /// Which of the documents with `keys` match the query's words on their
    /// own (one query for all of them).
    pub fn matching_keys(&self, prepared: &Prepared, keys: &[Key]) -> Result<Vec<Key>, QueryError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = self.index.searcher()?;
        let f = self.index.fields();
        let any_key: Vec<(Occur, Box<dyn Query>)> =
            keys.iter().map(|k| (Occur::Should, term_query(f.doc_key, k.as_str()))).collect();
        let q = BooleanQuery::new(vec![
            (Occur::Must, prepared.words_query.box_clone()),
            (Occur::Must, Box::new(BooleanQuery::new(any_key))),
        ]);
        let found = searcher.search(&q, &DocSetCollector)?;
        let mut out = Vec::with_capacity(found.len());
        for addr in found {
            let doc: TantivyDocument = searcher.doc(addr)?;
            out.push(Key::stored(stored(&doc, f.doc_key)));
        }
        Ok(out)
    }

    /// The record of the document with `key`, decoded.
    pub(super) fn record_by_key<T: serde::de::DeserializeOwned>(&self, key: &Key) -> Result<Option<T>, QueryError> {
        let searcher = self.index.searcher()?;
        let f = self.index.fields();
        let top = searcher.search(&*term_query(f.doc_key, key.as_str()), &TopDocs::with_limit(1).order_by_score())?;
        match top.first() {
            Some((_, addr)) => {
                let doc: TantivyDocument = searcher.doc(*addr)?;
                Ok(Some(decode(&stored(&doc, f.record))?))
            }
            None => Ok(None),
        }
    }

    /// Folded tokens of `text` with their byte ranges, as the index sees them.
    pub fn tokens(&self, text: &str) -> Vec<(usize, usize, String)> {
        self.index.tokens(text)
    }

    fn raw_hit(&self, searcher: &Searcher, score: f32, addr: DocAddress) -> Result<RawHit, QueryError> {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let f = self.index.fields();
        let (kind, json) = (stored(&doc, f.kind), stored(&doc, f.record));
        let record = match DocKind::parse(&kind) {
            Some(DocKind::Segment) => HitRecord::Segment(decode(&json)?),
            Some(DocKind::Pair) => HitRecord::Pair(decode(&json)?),
            Some(DocKind::Note) => HitRecord::Note(decode(&json)?),
            Some(DocKind::Clip) => HitRecord::Clip(Box::new(decode(&json)?)),
            Some(DocKind::Source) => HitRecord::Source,
            None => return Err(IndexError::Record(format!("a document of unknown kind {kind:?}")).into()),
        };
        let source_id = Some(stored(&doc, f.source_id)).filter(|s| !s.is_empty());
        Ok(RawHit { key: Key::stored(stored(&doc, f.doc_key)), source_id, score, record })
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
            out.push((t.offset_from, t.offset_to, t.text.clone()));
        }
        out
    }
}

fn term_query(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
}

struct Builder<'a> {
    index: &'a ClipIndex,
    spec: &'a SearchSpec,
    words: Vec<QueryWord>,
    /// Bare words written `word~N`, lower-cased, with N.
    fuzzy_words: Vec<(String, u8)>,
}

/// Finds bare `word~N` (outside quotes) and blanks the `~N`, returning the
/// words and their distance (capped at 2, as tantivy's automaton allows).
fn extract_fuzzy(query: &str) -> (String, Vec<(String, u8)>) {
    let mut out = String::with_capacity(query.len());
    let mut words = Vec::new();
    let mut quoted = false;
    let mut word_start = 0;
    let chars: Vec<(usize, char)> = query.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if c == '"' {
            quoted = !quoted;
        }
        if c.is_whitespace() || matches!(c, '(' | ')' | '"' | ':' | '+' | '-') {
            word_start = at + c.len_utf8();
        }
        let next_digit = chars.get(i + 1).and_then(|(_, d)| d.to_digit(10));
        let after = chars.get(i + 2).map(|(_, d)| *d);
        let ends_word = after.is_none_or(|d| d.is_whitespace() || d == ')');
        if let (Some(n), '~', false, true, true) = (next_digit, c, quoted, at > word_start, ends_word) {
            words.push((query[word_start..at].to_lowercase(), n.min(2) as u8));
            out.push_str("  ");
            i += 2;
            continue;
        }
        out.push(c);
        i += 1;
    }
    (out, words)
}

impl Builder<'_> {
    fn invalid(&self, message: String) -> QueryError {
        QueryError::Invalid { query: self.spec.query.clone(), message }
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
                UserInputLeaf::Literal(lit) => self.literal(lit),
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

    fn literal(&mut self, lit: &UserInputLiteral) -> Result<Box<dyn Query>, QueryError> {
        let f = self.index.fields();
        let field_name = lit.field_name.as_deref().map(str::to_ascii_lowercase);
        let keyword = match field_name.as_deref() {
            None | Some("text") => None,
            Some("speaker") | Some("who") => Some(f.speaker),
            Some("camera") | Some("cam") => Some(f.camera),
            Some("reel") | Some("tape") => Some(f.reel),
            Some("day") | Some("date") => Some(f.day),
            Some("kind") => {
                let kinds: &[DocKind] = match lit.phrase.trim().to_ascii_lowercase().as_str() {
                    "soundbite" | "soundbites" | "segment" => &DocKind::SOUNDBITE,
                    "note" | "notes" => &[DocKind::Note],
                    "clip" | "clips" => &[DocKind::Clip],
                    other => return Err(self.invalid(format!("kind:{other}: expected soundbite, note or clip"))),
                };
                return Ok(Box::new(BooleanQuery::new(
                    kinds.iter().map(|k| (Occur::Should, term_query(f.kind, k.as_str()))).collect(),
                )));
            }
            Some(other) => {
                return Err(self.invalid(format!(
                    "unknown field `{other}:`; use speaker:, camera:, reel:, day: or kind: (or quote the colon)"
                )));
            }
        };
        if let Some(field) = keyword {
            let value = if field == f.camera { crate::clip::camera_key(&lit.phrase) } else { lit.phrase.clone() };
            let value = value.trim().to_lowercase();
            if value.is_empty() {
                let name = field_name.unwrap_or_default();
                return Err(self.invalid(format!("`{name}:` needs a value, e.g. {name}:maria")));
            }
            return Ok(term_query(field, &value));
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
        // A bare word with `~N` is fuzzy; on a phrase `~N` is slop.
        let marked = self.fuzzy_words.iter().find(|(w, _)| !quoted && w.trim() == phrase.trim().to_lowercase());
        let distance = if let (Some((_, d)), 1) = (marked, tokens.len()) {
            *d
        } else if self.spec.fuzzy && !quoted {
            1
        } else {
            0
        };
        let last = tokens.len() - 1;
        for (i, t) in tokens.iter().enumerate() {
            self.words.push(QueryWord {
                text: t.clone(),
                prefix: is_prefix && i == last,
                distance: if tokens.len() == 1 { distance } else { 0 },
            });
        }
        let query: Box<dyn Query> = match (terms.len(), is_prefix) {
            // A single-word prefix: every indexed word that starts with it.
            // Tokens are letters and digits only, so the pattern needs no
            // escaping.
            (1, true) => Box::new(
                RegexQuery::from_pattern(&format!("{}.*", tokens[0]), text)
                    .map_err(|e| self.invalid(format!("prefix {:?}: {e}", tokens[0])))?,
            ),
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
                let mut q = PhraseQuery::new(terms);
                q.set_slop(lit.slop);
                Box::new(q)
            }
        };
        Ok(query)
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
        Ok(Some(Box::new(PhraseQuery::new(tokens.iter().map(|t| Term::from_field_text(text, t)).collect()))))
    }
}
