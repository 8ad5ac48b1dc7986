//! How text becomes index terms, for every script, and the word forms
//! and sounds a query word stands for.
//!
//! - **Words** are runs of letters and digits with their combining marks
//!   (so a Hindi word is not cut at its virama, nor `café` written with a
//!   combining accent at the accent).
//! - **Scripts written without spaces** (Chinese, Japanese kana and kanji,
//!   Korean hangul, Thai, Lao, Khmer, Myanmar) are indexed a character at
//!   a time, each with the marks that follow it. A query in those scripts
//!   is tokenized the same way and becomes a phrase of characters, so it
//!   finds exactly the cues that contain it, as a substring: a single
//!   character, a word, or a quoted sentence. This was chosen over a
//!   dictionary segmenter (lindera, jieba), whose dictionaries add tens of
//!   megabytes and whose word boundaries lose any query that cuts a word
//!   differently, and over bigrams, which cannot find one character.
//! - **Folding**: lower case, Latin accents to ASCII (`café` is `cafe`),
//!   and the vowel marks of Arabic (harakat, tatweel) and Hebrew (niqqud,
//!   cantillation) removed, with the hamza forms of alef read as alef: a
//!   word matches however fully it was vocalised.
//!
//! Word forms (stemming) and sounds (Double Metaphone) are not indexed:
//! a query word is expanded at search time into the indexed words that
//! share its stem or its sound (`query.rs`), so the index and the ingest
//! pay nothing for them.

use std::borrow::Cow;

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, TextAnalyzer, Token, TokenFilter, TokenStream,
    Tokenizer,
};
use unicode_normalization::char::is_combining_mark;

/// Tokens longer than this (bytes) are dropped: they are not words.
const MAX_TOKEN: usize = 80;

/// The start and end of a cue: the index puts one before and one after
/// each cue's words (`index.rs`), and the tokenizer gives the cue's first
/// word a second token, this mark and the word (`\u{E000}river`), and its
/// last word one with the end mark, each at the word's own position. So a
/// phrase that runs across two cues is found as its first words ending one
/// cue and the rest starting the next (`span.rs`), from short posting
/// lists: few cues end with `and`, where most hold it. Private-use
/// characters: no text means anything by them, and the index strips them
/// from what it is given.
pub(super) const CUE_START: char = '\u{E000}';
pub(super) const CUE_END: char = '\u{E001}';

/// Whether `c` is a cue boundary mark.
pub(super) fn cue_mark(c: char) -> bool {
    c == CUE_START || c == CUE_END
}

/// Joins the two words of a common pair (see [`common`]): `and\u{E002}the`.
pub(super) const PAIR: char = '\u{E002}';

/// Whether `c` is one of the marks the index puts in terms of its own
/// (cue edges, common pairs): a query's words never hold one.
pub(super) fn index_mark(c: char) -> bool {
    cue_mark(c) || c == PAIR
}

/// The most frequent words of speech (folded), in the languages rushes
/// stems. Two of them in a row are also indexed as one term at the first
/// one's position (`and\u{E002}the`), so a phrase of them (`"and the"`,
/// `"it was the"`) reads one short posting list for each pair instead of
/// the positions of two words found in most cues. The list is part of the
/// index: changing it needs the transcripts indexed again.
pub(super) fn common(word: &str) -> bool {
    // Each is four letters at most: a longer word is answered at once.
    word.len() <= 4
        && matches!(
            word,
            // English
            "the" | "i" | "and" | "to" | "a" | "you" | "it" | "that" | "of" | "was" | "we" | "in" | "is"
                | "he" | "they" | "my" | "so" | "on"
                // Spanish, French, German, Italian, Portuguese (those not above)
                | "de" | "la" | "que" | "el" | "y" | "en" | "los" | "se" | "le" | "et" | "les" | "des"
                | "un" | "der" | "die" | "und" | "den" | "von" | "zu" | "das" | "di" | "che" | "e" | "il"
                | "o" | "do" | "da" | "em"
        )
}

/// The analyzer of every searchable text field.
pub(super) fn folded() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StripMarks)
        .filter(CommonPairs)
        .build()
}

/// Adds the term of two [`common`] words in a row, after the second, at
/// the first one's position.
#[derive(Clone, Copy)]
pub(super) struct CommonPairs;

impl TokenFilter for CommonPairs {
    type Tokenizer<T: Tokenizer> = CommonPairsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CommonPairsFilter<T> {
        CommonPairsFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub(super) struct CommonPairsFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CommonPairsFilter<T> {
    type TokenStream<'a> = CommonPairsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CommonPairsStream { tail: self.inner.token_stream(text), last: None, pair: Token::default(), on_pair: false }
    }
}

pub(super) struct CommonPairsStream<T> {
    tail: T,
    /// The last word, when common: its text, position and start.
    last: Option<(String, usize, usize)>,
    /// The pair term to give next (when `on_pair`, the current token).
    pair: Token,
    on_pair: bool,
}

impl<T: TokenStream> TokenStream for CommonPairsStream<T> {
    fn advance(&mut self) -> bool {
        if !self.on_pair && !self.pair.text.is_empty() {
            self.on_pair = true;
            return true;
        }
        self.on_pair = false;
        self.pair.text.clear();
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token();
        // A cue's first or last word marked is the word again.
        if token.text.starts_with(cue_mark) {
            return true;
        }
        if !common(&token.text) {
            self.last = None;
            return true;
        }
        if let Some((word, position, from)) = &self.last
            && position + 1 == token.position
        {
            self.pair.text.push_str(word);
            self.pair.text.push(PAIR);
            self.pair.text.push_str(&token.text);
            self.pair.position = *position;
            self.pair.offset_from = *from;
            self.pair.offset_to = token.offset_to;
        }
        match &mut self.last {
            Some((word, position, from)) => {
                word.clear();
                word.push_str(&token.text);
                *position = token.position;
                *from = token.offset_from;
            }
            None => self.last = Some((token.text.clone(), token.position, token.offset_from)),
        }
        true
    }

    fn token(&self) -> &Token {
        if self.on_pair { &self.pair } else { self.tail.token() }
    }

    fn token_mut(&mut self) -> &mut Token {
        if self.on_pair { &mut self.pair } else { self.tail.token_mut() }
    }
}

/// The analyzer of filter fields: the whole value, lower case.
pub(super) fn keyword() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default()).filter(LowerCaser).build()
}

/// Whether `c` belongs to a script written without spaces between words,
/// indexed a character at a time.
pub fn unspaced(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF      // CJK radicals, Kangxi
        | 0x3005..=0x3007    // 々 〆 〇
        | 0x3021..=0x3029    // Hangzhou numerals
        | 0x3031..=0x3035    // kana repeat marks
        | 0x3040..=0x30FF    // hiragana, katakana
        | 0x3100..=0x312F    // bopomofo
        | 0x3130..=0x318F    // hangul compatibility jamo
        | 0x31A0..=0x31FF    // bopomofo ext, katakana ext
        | 0x3400..=0x4DBF    // CJK ext A
        | 0x4E00..=0x9FFF    // CJK unified
        | 0xA960..=0xA97F    // hangul jamo ext A
        | 0xAC00..=0xD7FF    // hangul syllables, jamo ext B
        | 0xF900..=0xFAFF    // CJK compatibility
        | 0xFF66..=0xFF9F    // half-width katakana
        | 0x1100..=0x11FF    // hangul jamo
        | 0x0E00..=0x0E7F    // Thai
        | 0x0E80..=0x0EFF    // Lao
        | 0x1000..=0x109F    // Myanmar
        | 0x1780..=0x17FF    // Khmer
        | 0x20000..=0x3134F  // CJK ext B–G
    )
}

/// Splits text into words and, in unspaced scripts, characters (see the
/// module documentation). Offsets are bytes of the input.
#[derive(Clone, Default)]
pub(super) struct WordTokenizer {
    token: Token,
}

pub(super) struct WordStream<'a> {
    text: &'a str,
    at: usize,
    token: &'a mut Token,
    /// The word just given, and the cue marks it is also to be given
    /// with (its cue's first or last word), next, at its position.
    word: (usize, usize),
    edges: [Option<char>; 2],
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream { text, at: 0, token: &mut self.token, word: (0, 0), edges: [None; 2] }
    }
}

fn word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        if let Some(mark) = self.edges.iter_mut().find_map(Option::take) {
            // The cue's first or last word again, marked, at its position.
            self.token.text.push(mark);
            self.token.text.push_str(&self.text[self.word.0..self.word.1]);
            return true;
        }
        let rest = &self.text[self.at..];
        // The first character that starts a token: a letter or digit (a
        // mark alone, e.g. after punctuation, starts none).
        let Some((skip, first)) = rest.char_indices().find(|(_, c)| c.is_alphanumeric()) else {
            self.at = self.text.len();
            return false;
        };
        let starts_cue = rest[..skip].contains(CUE_START);
        let start = self.at + skip;
        let mut end = start + first.len_utf8();
        let tail = &self.text[end..];
        if unspaced(first) {
            // One character and the marks that belong to it.
            end += tail.chars().take_while(|c| is_combining_mark(*c)).map(char::len_utf8).sum::<usize>();
        } else {
            end += tail.chars().take_while(|c| word_char(*c) && !unspaced(*c)).map(char::len_utf8).sum::<usize>();
        }
        self.at = end;
        // The cue ends before another word starts.
        let ends_cue = self.text[end..].chars().take_while(|c| !c.is_alphanumeric()).any(|c| c == CUE_END);
        self.word = (start, end);
        self.edges = [starts_cue.then_some(CUE_START), ends_cue.then_some(CUE_END)];
        self.token.position = self.token.position.wrapping_add(1);
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.text.push_str(&self.text[start..end]);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Removes the marks a word matches without (see
/// [`crate::language::fold_marks`]).
#[derive(Clone, Copy)]
pub(super) struct StripMarks;

impl TokenFilter for StripMarks {
    type Tokenizer<T: Tokenizer> = StripMarksFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> StripMarksFilter<T> {
        StripMarksFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub(super) struct StripMarksFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for StripMarksFilter<T> {
    type TokenStream<'a> = StripMarksStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StripMarksStream { tail: self.inner.token_stream(text), next: 0 }
    }
}

pub(super) struct StripMarksStream<T> {
    tail: T,
    /// The position of the next token kept: positions count kept tokens
    /// only, so a phrase across a dropped token still matches the query's
    /// words (the word tokenizer leaves no gaps of its own).
    next: usize,
}

impl<T: TokenStream> TokenStream for StripMarksStream<T> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            let token = self.tail.token_mut();
            if let Cow::Owned(folded) = crate::language::fold_marks(&token.text) {
                token.text = folded;
            }
            // A token of marks alone (a vowel mark or tatweel standing by
            // itself) is no word, with a cue mark or without.
            if token.text.is_empty() || token.text.strip_prefix(cue_mark).is_some_and(str::is_empty) {
                continue;
            }
            // A cue's first or last word marked (see `CUE_START`) comes
            // with the position its word was given.
            if self.next > 0 && token.position.wrapping_add(1) == self.next {
                return true;
            }
            // Every kept token is numbered here (the tail counts from what
            // it last saw, which this overwrites each time).
            token.position = self.next;
            self.next += 1;
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// A stemmer for a language code (`en`, `es`, `de`, …), when Snowball has
/// one.
pub(super) fn stemmer(code: &str) -> Option<frostem::Stemmer> {
    // Scripts indexed a character at a time have no stems.
    if matches!(code, "ja" | "zh" | "ko" | "th" | "lo" | "km" | "my") {
        return None;
    }
    frostem::Algorithm::from_name(code).ok().map(frostem::Stemmer::new)
}

/// Stems an indexed (folded) word; `None` when the word is not a word
/// of letters (digits, unspaced scripts) or the stem is empty.
pub(super) fn stem(stemmer: &frostem::Stemmer, word: &str) -> Option<String> {
    if word.chars().any(|c| !c.is_alphabetic() || unspaced(c)) {
        return None;
    }
    let s = stemmer.stem(word);
    (!s.is_empty()).then(|| s.into_owned())
}

/// The Double Metaphone codes of a word of Latin letters, at full length
/// (primary and alternate); `None` for anything else.
///
/// Indexed words are folded to ASCII, which loses what a cedilla says:
/// `Françoise` is indexed `francoise`, whose `c` before `o` Double
/// Metaphone reads as K. A `c` before `a`, `o` or `u` may have been a `ç`
/// (an S), so such a word also gets the codes of its spelling with `s`
/// there: `Fransoise` then sounds like `Françoise`.
pub(super) fn sounds(word: &str) -> Option<Vec<String>> {
    if word.len() < 2 || !word.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let dm = rphonetic::DoubleMetaphone::new(None);
    let mut codes = Vec::new();
    let mut add = |w: &str| {
        let r = dm.double_metaphone(w);
        for code in [r.primary(), r.alternate()] {
            if !code.is_empty() && !codes.contains(&code) {
                codes.push(code);
            }
        }
    };
    add(word);
    let bytes = word.as_bytes();
    if bytes.windows(2).any(|w| w[0] == b'c' && matches!(w[1], b'a' | b'o' | b'u')) {
        let soft: String = word
            .char_indices()
            .map(|(i, c)| if c == 'c' && matches!(bytes.get(i + 1), Some(b'a' | b'o' | b'u')) { 's' } else { c })
            .collect();
        add(&soft);
    }
    (!codes.is_empty()).then_some(codes)
}

/// Whether two words share a Double Metaphone code.
pub(super) fn sound_alike(a: &[String], b: &[String]) -> bool {
    a.iter().any(|code| b.contains(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<(String, usize, usize)> {
        let mut a = folded();
        let mut s = a.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            let t = s.token();
            out.push((t.text.clone(), t.offset_from, t.offset_to));
        }
        out
    }

    fn words(text: &str) -> Vec<String> {
        tokens(text).into_iter().map(|t| t.0).collect()
    }

    /// A cue's first and last words are also given marked, at their own
    /// positions, past any punctuation; other text has no marked words.
    #[test]
    fn a_cues_first_and_last_words_are_also_marked() {
        let placed = |text: &str| {
            let mut a = folded();
            let mut s = a.token_stream(text);
            let mut out = Vec::new();
            while s.advance() {
                out.push((s.token().text.clone(), s.token().position));
            }
            out
        };
        let (start, end) = (|w: &str| format!("{CUE_START}{w}"), |w: &str| format!("{CUE_END}{w}"));
        assert_eq!(
            placed("\u{E000} - Yes, the RIVER… \u{E001}"),
            [("yes".to_string(), 0), (start("yes"), 0), ("the".into(), 1), ("river".into(), 2), (end("river"), 2)]
        );
        assert_eq!(placed("\u{E000} Oui \u{E001}"), [("oui".to_string(), 0), (start("oui"), 0), (end("oui"), 0)]);
        assert_eq!(
            placed("\u{E000} 川の \u{E001}"),
            [("川".to_string(), 0), (start("川"), 0), ("の".into(), 1), (end("の"), 1)]
        );
        // A cue of punctuation or lone vowel marks has no word, marked or not.
        assert_eq!(placed("\u{E000} ... \u{E001}"), []);
        assert_eq!(placed("\u{E000} \u{0640} \u{E001}"), []);
        assert_eq!(words("the river"), ["the", "river"]);
    }

    /// Two common words in a row are also one term, at the first one's
    /// position, given right after the second; an uncommon word ends a run.
    #[test]
    fn common_pairs_are_one_term_more() {
        let placed = |text: &str| {
            let mut a = folded();
            let mut s = a.token_stream(text);
            let mut out = Vec::new();
            while s.advance() {
                out.push((s.token().text.replace(PAIR, "+"), s.token().position));
            }
            out
        };
        let got = placed("It was THE river and the flood");
        let want = [
            ("it", 0),
            ("was", 1),
            ("it+was", 0),
            ("the", 2),
            ("was+the", 1),
            ("river", 3),
            ("and", 4),
            ("the", 5),
            ("and+the", 4),
            ("flood", 6),
        ];
        assert_eq!(got, want.map(|(t, p)| (t.to_string(), p)));
        let start = CUE_START.to_string();
        assert_eq!(
            placed("\u{E000} And the \u{E001}"),
            [
                ("and".to_string(), 0),
                (format!("{start}and"), 0),
                ("the".into(), 1),
                ("and+the".into(), 0),
                (format!("{CUE_END}the"), 1)
            ]
        );
        assert_eq!(words("de la noche"), ["de", "la", "de\u{E002}la", "noche"]);
        assert_eq!(words("river flood"), ["river", "flood"]);
    }

    #[test]
    fn latin_words_fold_as_before() {
        assert_eq!(words("Café, NOCHES—it's 1999!"), ["cafe", "noches", "it", "s", "1999"]);
        // An accent typed as its own character stays in its word.
        assert_eq!(words("cafe\u{301} ole\u{301}"), ["cafe", "ole"]);
    }

    #[test]
    fn unspaced_scripts_are_characters() {
        assert_eq!(words("今日は川へ"), ["今", "日", "は", "川", "へ"]);
        assert_eq!(words("我们的水"), ["我", "们", "的", "水"]);
        assert_eq!(words("서울에서"), ["서", "울", "에", "서"]);
        // Mixed with Latin: each run is its own.
        assert_eq!(words("iPhone 15で撮った"), ["iphone", "15", "で", "撮", "っ", "た"]);
        // Thai: a vowel mark stays with its consonant.
        assert_eq!(words("น้ำ"), ["น\u{0E49}", "\u{0E33}"]);
        let t = tokens("川の水");
        assert_eq!(t[1], ("の".to_string(), 3, 6));
    }

    #[test]
    fn arabic_and_hebrew_match_without_vowel_marks() {
        assert_eq!(words("كَتَبَ"), words("كتب"));
        assert_eq!(words("أحمد"), words("احمد"));
        assert_eq!(words("العـــربية"), words("العربية"));
        assert_eq!(words("שָׁלוֹם"), words("שלום"));
        // A vowel mark or tatweel standing alone is no word, and leaves no
        // gap in the positions.
        let t: Vec<usize> = {
            let mut a = folded();
            let mut s = a.token_stream("قال َ ـــ كتب");
            let mut out = Vec::new();
            while s.advance() {
                out.push(s.token().position);
            }
            out
        };
        assert_eq!(t, [0, 1]);
        // Offsets still cover the word as written, marks included.
        let written = "قال كَتَبَ";
        let t = tokens(written);
        assert_eq!(&written[t[1].1..t[1].2], "كَتَبَ");
    }

    proptest::proptest! {
        /// Any text: every token is a non-empty slice of it, on character
        /// boundaries, in order and not overlapping, and its position
        /// counts up by one.
        #[test]
        fn tokens_are_slices_of_any_text(text in "\\PC{0,40}") {
            let mut a = folded();
            let mut s = a.token_stream(&text);
            let (mut end, mut position) = (0, None::<usize>);
            while s.advance() {
                let t = s.token();
                proptest::prop_assert!(!t.text.is_empty());
                if t.text.contains(PAIR) {
                    // A common pair's term: at its first word's position.
                    proptest::prop_assert_eq!(Some(t.position + 1), position);
                    continue;
                }
                proptest::prop_assert!(t.offset_from >= end && t.offset_from < t.offset_to);
                proptest::prop_assert!(text.get(t.offset_from..t.offset_to).is_some());
                proptest::prop_assert_eq!(t.position, position.map_or(0, |p| p + 1));
                end = t.offset_to;
                position = Some(t.position);
            }
        }
    }

    #[test]
    fn hindi_is_not_cut_at_the_virama() {
        assert_eq!(words("नमस्ते दुनिया").len(), 2);
    }

    #[test]
    fn stems_and_sounds() {
        let en = stemmer("en").unwrap();
        assert_eq!(stem(&en, "photographs"), stem(&en, "photograph"));
        assert_eq!(stem(&en, "warned"), stem(&en, "warn"));
        let es = stemmer("es").unwrap();
        assert_eq!(stem(&es, "noches"), stem(&es, "noche"));
        assert!(stemmer("ja").is_none());
        assert!(stemmer("xx").is_none());
        assert!(sound_alike(&sounds("nayburs").unwrap(), &sounds("neighbours").unwrap()));
        assert!(sound_alike(&sounds("bonify").unwrap(), &sounds("bonifai").unwrap()));
        assert!(!sound_alike(&sounds("bonify").unwrap(), &sounds("river").unwrap()));
        assert_eq!(sounds("川"), None);
        // A cedilla folded away still sounds like an S.
        assert!(sound_alike(&sounds("fransoise").unwrap(), &sounds("francoise").unwrap()));
        assert!(sound_alike(&sounds("francoise").unwrap(), &sounds("fransoise").unwrap()));
    }
}
