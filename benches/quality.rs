//! Search quality over a labelled multilingual corpus, against SQLite FTS5
//! (run: `cargo build --release && cargo bench --bench quality`; issue #19's
//! table).
//!
//! Generates a small card dump (default 36 clips a language,
//! `RUSHES_BENCH_CLIPS`; 20 cues a clip) of interviews in English, Spanish,
//! German, French, Japanese, Chinese and Arabic: realistic filler sentences
//! of each language, and among them sentences planted for a labelled query
//! set. Every clip is a copy of one tiny ffmpeg-made MP4 (16×16 black H.264,
//! silent AAC, a `tmcd` track at 10:00:00:00, 25 fps), laid out as
//! `dump/DAY01_2026-03-01/A00k/C0001.MP4`, one card a language, with its
//! transcript beside it:
//! - en, es, de, fr: every other clip a WebVTT with a `Language: xx`
//!   header, the others an SRT with no declaration (the language must be
//!   detected);
//! - ja, zh, ar: every other clip a WebVTT with `Language: xx`, the others
//!   Whisper JSON with `"language": "xx"`.
//!
//! The seed is fixed and nothing comes from the network, so every run writes
//! the same dump.
//!
//! Query classes (each query names its language; up to 10 relevant cues):
//! - `exact`: a rare word, present only in that form;
//! - `inflected`: a base form; relevant are the cues holding any form that
//!   the Snowball stemmer of the language conflates with it (checked with
//!   Python's `snowballstemmer`, the same algorithms as `rust-stemmers`),
//!   e.g. `photograph` → photographs, photographed, photographing;
//! - `phrase`: a quoted phrase; relevant are the cues holding it word for
//!   word. Decoys hold the same words reordered, scattered or inflected
//!   ("the bridges across the valley") and are not relevant: a quoted phrase
//!   is exact;
//! - `cjk`: Japanese and Chinese single characters, words and quoted phrases
//!   inside unspaced sentences; relevant are the cues holding the
//!   characters in sequence (decoys hold them apart);
//! - `diacritics`: Arabic words planted with harakat and queried without,
//!   and the other way round; relevant are the cues whose word is the same
//!   once harakat are dropped;
//! - `phonetic`: misspelt names written `word~~` (`Bonify~~` for "Bonifai",
//!   `nayburs~~` for "neighbours"); each pair shares a Double Metaphone code
//!   (primary or alternate).
//!
//! Relevance is not bookkeeping: after planting, every query's relevant
//! set is found by scanning all cues with the class's rule (a token equal to
//! one of the query's forms, case folded; a token sequence; a substring; a
//! token equal once harakat are dropped), so a filler sentence that happened
//! to hold a target would be counted. A query with no relevant cue or more
//! than 10 stops the bench.
//!
//! Then, with the `rushes` binary (`RUSHES_BENCH_BIN`, else the one cargo
//! built) and `python3`:
//! 1. `rushes ingest DUMP --library L --json`, into a fresh library
//!    `RUSHES_BENCH_INGESTS` times (default 5): the library's size on disk
//!    is the median, with the range and the index's segment counts, since
//!    how many segments tantivy writes (and so the size, ±15% here) depends
//!    on how the ingest's threads ran; the last library is searched;
//! 2. one `rushes search QUERY --library L --limit 10 --json` process per
//!    query; each hit maps back to a cue by its clip path and
//!    `offset_in_s` (a hit that is not a soundbite, or does not land on a
//!    cue start, counts as a wrong answer);
//! 3. `benches/fts5_quality.py DUMP QUERIES OUT`, the peers: the same
//!    transcript files parsed, one row per cue in two FTS5 tables
//!    (`unicode61 remove_diacritics 2` and `porter unicode61
//!    remove_diacritics 2`), the same queries translated (bare words quoted
//!    and AND-ed, quoted phrases as FTS5 phrases, `~~` dropped) with `ORDER
//!    BY rank LIMIT 10`.
//!
//! Scoring, per query, over the top 10 (distinct cues; every unmapped hit a
//! distinct wrong answer): recall@10 = |relevant ∩ top10| / |relevant|;
//! precision@10 = |relevant ∩ top10| / |top10|, where an empty answer scores
//! 1.0 only when nothing is relevant (never here), else 0. A query that
//! fails (exit status 2, an FTS5 syntax error) is an empty answer. Figures
//! are means over queries: per class and language, per class (every query
//! of the class weighing the same) and over all. The table gives rushes and
//! both peers against the targets (recall ≥ 0.95, precision ≥ 0.9)
//! and whether rushes matches or beats both FTS5 figures on the row.
//!
//! For the inflected queries the bench also counts how often each system
//! ranks the cues holding the word as typed above those holding only another
//! of its forms (the "exact forms rank first").
//!
//! Everything, per query too (the relevant cues and each system's answer),
//! goes to `DIR/quality-results.json`. `DIR` is `RUSHES_BENCH_DIR`, or a
//! temporary folder removed afterwards. The dump and the library are written
//! anew on each run (a few seconds); the ffmpeg template is kept in
//! `DIR/templates`. Figures are printed, never asserted.
//!
//! Needs `ffmpeg` (Debian: `apt-get install -y ffmpeg`) and `python3` (its
//! stdlib `sqlite3` with FTS5).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::{Value, json};

const SEED: u64 = 0x19_9a11_7e5e;
/// Bumped when the template recipe changes.
const TEMPLATE_VERSION: u32 = 1;
/// Cues a clip, and their timing: cue `j` starts at `CUE_LEAD_MS + j *
/// CUE_STEP_MS` and lasts `CUE_LEN_MS`.
const CUES_PER_CLIP: usize = 20;
const CUE_STEP_MS: u64 = 4000;
const CUE_LEN_MS: u64 = 3500;
const CUE_LEAD_MS: u64 = 200;
/// The template's length: longer than the last cue.
const CLIP_S: u64 = 90;
/// Each planted or decoy sentence goes into this many cues.
const COPIES: usize = 2;
/// The answers scored, and the most relevant cues a query may have.
const K: usize = 10;
/// The targets.
const TARGET_RECALL: f64 = 0.95;
const TARGET_PRECISION: f64 = 0.9;

// ---------------------------------------------------------------------------
// The labelled data

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Class {
    Exact,
    Inflected,
    Phrase,
    Cjk,
    Diacritics,
    Phonetic,
}

impl Class {
    const ALL: [Class; 6] =
        [Class::Exact, Class::Inflected, Class::Phrase, Class::Cjk, Class::Diacritics, Class::Phonetic];

    fn name(self) -> &'static str {
        match self {
            Class::Exact => "exact",
            Class::Inflected => "inflected",
            Class::Phrase => "phrase",
            Class::Cjk => "cjk",
            Class::Diacritics => "diacritics",
            Class::Phonetic => "phonetic",
        }
    }
}

/// How a cue is judged relevant to a query.
#[derive(Clone, Copy, Debug)]
enum Rule {
    /// A token equal to one of the forms (case folded).
    Token,
    /// The form's tokens, contiguous and in order.
    Sequence,
    /// The form as a substring of the cue (CJK: characters in sequence).
    Substring,
    /// A token equal to one of the forms once Arabic harakat are dropped.
    Unmarked,
}

/// One labelled query: what is typed, what makes a cue relevant, and the
/// sentences planted for it.
struct Spec {
    lang: &'static str,
    class: Class,
    /// As typed to `rushes search`.
    query: &'static str,
    rule: Rule,
    /// The forms the rule looks for.
    forms: &'static [&'static str],
    /// Sentences holding a relevant form.
    plants: &'static [&'static str],
    /// Sentences that look like an answer and are not.
    decoys: &'static [&'static str],
}

/// A language: its code, its transcripts' second format, and the filler
/// sentences around the planted ones. Filler holds no query's form.
struct Lang {
    code: &'static str,
    /// The format of every other clip (the rest are WebVTT with `Language:`).
    other: Format,
    filler: &'static [&'static str],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// WebVTT with a `Language: xx` header.
    Vtt,
    /// SRT, no language declared.
    Srt,
    /// Whisper JSON with `"language"`.
    Whisper,
}

impl Format {
    fn ext(self) -> &'static str {
        match self {
            Format::Vtt => "vtt",
            Format::Srt => "srt",
            Format::Whisper => "json",
        }
    }
}

const LANGS: &[Lang] = &[
    Lang {
        code: "en",
        other: Format::Srt,
        filler: &[
            "We got up before dawn and drove out to the coast.",
            "My grandmother used to tell us stories about the war.",
            "It was a small town and everybody knew each other.",
            "The winters were long and the summers were short.",
            "I think that was the happiest time of my life.",
            "We didn't have much money but we had each other.",
            "You have to understand what it was like back then.",
            "My father worked at the mill for thirty years.",
            "Every Sunday we went to church and then had lunch together.",
            "I can still smell the bread from the bakery on the corner.",
            "Nobody talked about it afterwards, not for a long time.",
            "She was the kind of person who never complained.",
            "We moved to the city when I was twelve.",
            "I remember the first day of school very clearly.",
            "That's just how things were in those days.",
            "The road was narrow and there were no lights.",
            "He always said that hard work was the answer.",
            "I don't know why, but I never forgot that moment.",
            "We used to swim in the lake every summer.",
            "There was a market in the square on Saturdays.",
        ],
    },
    Lang {
        code: "es",
        other: Format::Srt,
        filler: &[
            "Nos levantábamos muy temprano para ir al mercado.",
            "Mi abuela siempre contaba historias de la guerra.",
            "Era un pueblo pequeño y todos se conocían.",
            "Los inviernos eran largos y muy fríos.",
            "Creo que fue la época más feliz de mi vida.",
            "No teníamos mucho dinero, pero estábamos juntos.",
            "Hay que entender cómo era la vida entonces.",
            "Mi padre trabajó en la fábrica durante treinta años.",
            "Todos los domingos íbamos a misa y después comíamos juntos.",
            "Todavía recuerdo el olor del pan de la panadería.",
            "Nadie habló de aquello durante mucho tiempo.",
            "Ella nunca se quejaba de nada.",
            "Nos mudamos a la ciudad cuando yo tenía doce años.",
            "Recuerdo muy bien el primer día de escuela.",
            "Así eran las cosas en aquellos tiempos.",
            "El camino era estrecho y no había luz.",
            "Él siempre decía que el trabajo era la respuesta.",
            "No sé por qué, pero nunca olvidé ese momento.",
            "En verano nadábamos en el lago.",
            "Los sábados había mercado en la plaza.",
        ],
    },
    Lang {
        code: "de",
        other: Format::Srt,
        filler: &[
            "Wir sind vor Sonnenaufgang aufgestanden und an die Küste gefahren.",
            "Meine Großmutter hat uns oft vom Krieg erzählt.",
            "Es war ein kleines Dorf, und jeder kannte jeden.",
            "Die Winter waren lang und sehr kalt.",
            "Ich glaube, das war die glücklichste Zeit meines Lebens.",
            "Wir hatten nicht viel Geld, aber wir hatten einander.",
            "Man muss verstehen, wie es damals war.",
            "Mein Vater hat dreißig Jahre in der Mühle gearbeitet.",
            "Jeden Sonntag gingen wir in die Kirche und aßen dann zusammen.",
            "Ich rieche noch heute das Brot aus der Bäckerei.",
            "Lange Zeit hat niemand darüber gesprochen.",
            "Sie hat sich nie beklagt.",
            "Mit zwölf sind wir in die Stadt gezogen.",
            "An den ersten Schultag erinnere ich mich genau.",
            "So war das eben damals.",
            "Die Straße war schmal, und es gab kein Licht.",
            "Er sagte immer, harte Arbeit sei die Antwort.",
            "Ich weiß nicht warum, aber ich habe diesen Moment nie vergessen.",
            "Im Sommer sind wir im See geschwommen.",
            "Samstags war Markt auf dem Platz.",
        ],
    },
    Lang {
        code: "fr",
        other: Format::Srt,
        filler: &[
            "Nous nous levions avant l'aube pour aller au marché.",
            "Ma grand-mère nous racontait souvent la guerre.",
            "C'était un petit village et tout le monde se connaissait.",
            "Les hivers étaient longs et très froids.",
            "Je crois que c'était le plus beau moment de ma vie.",
            "Nous n'avions pas beaucoup d'argent, mais nous étions ensemble.",
            "Il faut comprendre comment c'était à l'époque.",
            "Mon père a travaillé trente ans à l'usine.",
            "Tous les dimanches nous allions à la messe puis nous déjeunions ensemble.",
            "Je sens encore l'odeur du pain de la boulangerie.",
            "Personne n'en a parlé pendant longtemps.",
            "Elle ne se plaignait jamais.",
            "Nous avons déménagé en ville quand j'avais douze ans.",
            "Je me souviens très bien de mon premier jour d'école.",
            "C'était comme ça, à l'époque.",
            "La route était étroite et il n'y avait pas de lumière.",
            "Il disait toujours que le travail était la réponse.",
            "Je ne sais pas pourquoi, mais je n'ai jamais oublié ce moment.",
            "L'été, nous nagions dans le lac.",
            "Le samedi, il y avait un marché sur la place.",
        ],
    },
    Lang {
        code: "ja",
        other: Format::Whisper,
        filler: &[
            "朝早く起きて、海まで車で行きました。",
            "祖母はよく戦争の話をしてくれました。",
            "小さな村で、みんながお互いを知っていました。",
            "冬は長くて、とても寒かったです。",
            "あの頃が一番幸せだったと思います。",
            "お金はあまりなかったけれど、家族は一緒でした。",
            "当時のことを分かってほしいです。",
            "父は工場で三十年働きました。",
            "毎週日曜日には教会に行って、一緒に昼ご飯を食べました。",
            "角のパン屋の匂いを今でも覚えています。",
            "そのことは長い間だれも話しませんでした。",
            "母は一度も文句を言わない人でした。",
            "十二歳のときに町へ引っ越しました。",
            "学校の最初の日のことはよく覚えています。",
            "あの頃はそういうものでした。",
            "道は狭くて、明かりもありませんでした。",
            "父はいつも、よく働くことが大事だと言っていました。",
            "なぜか分からないけれど、あの瞬間は忘れられません。",
            "夏はいつも湖で泳いでいました。",
            "土曜日には広場に市場が立ちました。",
        ],
    },
    Lang {
        code: "zh",
        other: Format::Whisper,
        filler: &[
            "我们天不亮就起床，开车去海边。",
            "奶奶经常给我们讲战争的故事。",
            "那是一个小村子，大家都互相认识。",
            "冬天很长，也很冷。",
            "我觉得那是我一生中最幸福的时候。",
            "我们没有多少钱，但是一家人在一起。",
            "你要明白那个年代是什么样子。",
            "我父亲在工厂干了三十年。",
            "每个星期天我们都去教堂，然后一起吃午饭。",
            "我现在还记得街角面包店的味道。",
            "很长时间没有人再提起那件事。",
            "她从来不抱怨。",
            "我十二岁的时候搬到了城里。",
            "我清楚地记得上学的第一天。",
            "那个年代就是这样。",
            "路很窄，也没有灯。",
            "他总是说，努力工作才是答案。",
            "我不知道为什么，但我一直忘不了那一刻。",
            "夏天我们常在湖里游泳。",
            "每到星期六，广场上就有集市。",
        ],
    },
    Lang {
        code: "ar",
        other: Format::Whisper,
        filler: &[
            "كنا نستيقظ قبل الفجر ونذهب إلى الحقل.",
            "كانت جدتي تحكي لنا عن الحرب.",
            "كانت قرية صغيرة وكان الجميع يعرف بعضهم.",
            "كان الشتاء طويلا وباردا جدا.",
            "أظن أن تلك كانت أسعد أيام حياتي.",
            "لم يكن لدينا مال كثير لكننا كنا معا.",
            "يجب أن تفهم كيف كانت الحياة في ذلك الوقت.",
            "عمل أبي في المصنع ثلاثين سنة.",
            "كل يوم جمعة كنا نجتمع ونأكل معا.",
            "ما زلت أشم رائحة الخبز من المخبز.",
            "لم يتحدث أحد عن ذلك لوقت طويل.",
            "لم تكن تشتكي أبدا.",
            "انتقلنا إلى المدينة عندما كنت في الثانية عشرة.",
            "أتذكر أول يوم لي هناك جيدا.",
            "هكذا كانت الأمور في تلك الأيام.",
            "كان الطريق ضيقا ولم يكن هناك ضوء.",
            "كان أبي يقول دائما إن العمل هو الجواب.",
            "لا أعرف لماذا لكنني لم أنس تلك اللحظة.",
            "في الصيف كنا نسبح في النهر.",
            "يوم السبت كانت الساحة مزدحمة.",
        ],
    },
];

/// Shorthands for the spec table.
const fn exact(lang: &'static str, word: &'static [&'static str], plants: &'static [&'static str]) -> Spec {
    Spec { lang, class: Class::Exact, query: word[0], rule: Rule::Token, forms: word, plants, decoys: &[] }
}

const fn inflected(
    lang: &'static str,
    query: &'static str,
    forms: &'static [&'static str],
    plants: &'static [&'static str],
) -> Spec {
    Spec { lang, class: Class::Inflected, query, rule: Rule::Token, forms, plants, decoys: &[] }
}

const fn phrase(
    lang: &'static str,
    query: &'static str,
    forms: &'static [&'static str],
    plants: &'static [&'static str],
    decoys: &'static [&'static str],
) -> Spec {
    Spec { lang, class: Class::Phrase, query, rule: Rule::Sequence, forms, plants, decoys }
}

const fn cjk(
    lang: &'static str,
    query: &'static str,
    forms: &'static [&'static str],
    plants: &'static [&'static str],
    decoys: &'static [&'static str],
) -> Spec {
    Spec { lang, class: Class::Cjk, query, rule: Rule::Substring, forms, plants, decoys }
}

const fn unmarked(query: &'static str, forms: &'static [&'static str], plants: &'static [&'static str]) -> Spec {
    Spec { lang: "ar", class: Class::Diacritics, query, rule: Rule::Unmarked, forms, plants, decoys: &[] }
}

const fn phonetic(
    lang: &'static str,
    query: &'static str,
    forms: &'static [&'static str],
    plants: &'static [&'static str],
) -> Spec {
    Spec { lang, class: Class::Phonetic, query, rule: Rule::Token, forms, plants, decoys: &[] }
}

/// The labelled queries. Inflection sets are those Snowball conflates
/// (English Porter2, Spanish, German, French); name pairs share a Double
/// Metaphone code (noted beside each).
const SPECS: &[Spec] = &[
    // English
    exact(
        "en",
        &["harmonica"],
        &["My uncle played the harmonica at every wedding.", "He found an old harmonica in the drawer."],
    ),
    exact(
        "en",
        &["telegram"],
        &["The telegram arrived on a Tuesday morning.", "Nobody in our street had ever received a telegram."],
    ),
    exact(
        "en",
        &["avalanche"],
        &["The avalanche closed the pass for a week.", "We heard the avalanche before we saw it."],
    ),
    inflected(
        "en",
        "photograph",
        &["photograph", "photographs", "photographed", "photographing"],
        &[
            "She took one photograph of the whole family.",
            "He kept two photographs in his wallet.",
            "We were photographed outside the town hall.",
            "A man was photographing the ruins.",
        ],
    ),
    inflected(
        "en",
        "warn",
        &["warn", "warned", "warning", "warns"],
        &[
            "Nobody warned us about the water.",
            "They kept warning people on the radio.",
            "The sirens warn you when it is too late.",
            "I tried to warn my sister.",
        ],
    ),
    inflected(
        "en",
        "flood",
        &["flood", "floods", "flooded", "flooding"],
        &[
            "The floods came every spring.",
            "The whole cellar flooded overnight.",
            "After the flood we slept at the school.",
            "The river was flooding the lower fields.",
        ],
    ),
    phrase(
        "en",
        "\"the bridge across the valley\"",
        &["the bridge across the valley"],
        &[
            "We walked over the bridge across the valley every morning.",
            "They rebuilt the bridge across the valley in the spring.",
        ],
        &[
            "From the valley we could see across to the bridge.",
            "The bridges across the valley were all closed.",
            "Across the valley the bridge was gone.",
        ],
    ),
    phrase(
        "en",
        "\"my brother carried the piano\"",
        &["my brother carried the piano"],
        &[
            "My brother carried the piano down the stairs on his own.",
            "That was the year my brother carried the piano.",
        ],
        &["The piano was carried out by my brother and two friends.", "My brothers carried the pianos together."],
    ),
    phrase(
        "en",
        "\"we painted the fence green\"",
        &["we painted the fence green"],
        &["That summer we painted the fence green.", "Every year we painted the fence green again."],
        &["The fence was green, we never painted it.", "We painted the green fence white."],
    ),
    // PNF
    phonetic(
        "en",
        "Bonify~~",
        &["bonifai"],
        &["Bonifai came to the house that night.", "I asked Bonifai to stay with us."],
    ),
    // NPRS
    phonetic(
        "en",
        "nayburs~~",
        &["neighbours"],
        &["Our neighbours brought us blankets.", "All the neighbours stood in the street."],
    ),
    // K0RN / KTRN
    phonetic(
        "en",
        "Kathryn~~",
        &["catherine"],
        &["Catherine was the youngest of us.", "Catherine wrote to me every month."],
    ),
    // STFN
    phonetic("en", "Steven~~", &["stephen"], &["Stephen drove the tractor.", "Stephen never spoke about it again."]),
    // KTLN
    phonetic(
        "en",
        "Katelyn~~",
        &["caitlin"],
        &["Caitlin was born that winter.", "We named her Caitlin after my aunt."],
    ),
    // Spanish
    exact(
        "es",
        &["acordeón"],
        &["Mi tío tocaba el acordeón en todas las bodas.", "Encontró un acordeón viejo en el desván."],
    ),
    exact(
        "es",
        &["sandía"],
        &["En agosto comíamos sandía en el patio.", "Mi abuelo cultivaba sandía detrás del granero."],
    ),
    exact("es", &["relámpago"], &["Un relámpago iluminó todo el valle.", "Después del relámpago se fue la luz."]),
    inflected(
        "es",
        "noche",
        &["noche", "noches"],
        &["Aquella noche nadie durmió.", "Pasamos muchas noches en el tejado.", "Las noches de invierno eran eternas."],
    ),
    inflected(
        "es",
        "casa",
        &["casa", "casas"],
        &[
            "La casa de mis abuelos estaba junto al río.",
            "Las casas del barrio eran todas blancas.",
            "Volvimos a casa muy tarde.",
        ],
    ),
    inflected(
        "es",
        "cantar",
        &["cantar", "cantaba", "cantamos", "cantando"],
        &[
            "A mi madre le gustaba cantar en la cocina.",
            "Mi padre cantaba mientras trabajaba.",
            "Cantamos juntos en la boda.",
            "Siempre estaba cantando.",
        ],
    ),
    phrase(
        "es",
        "\"el puente sobre el valle\"",
        &["el puente sobre el valle"],
        &["Cada mañana cruzábamos el puente sobre el valle.", "Reconstruyeron el puente sobre el valle en primavera."],
        &[
            "Desde el valle se veía el puente.",
            "Los puentes sobre el valle estaban cerrados.",
            "Sobre el valle, el puente ya no existía.",
        ],
    ),
    phrase(
        "es",
        "\"mi hermano llevó el piano\"",
        &["mi hermano llevó el piano"],
        &["Mi hermano llevó el piano escaleras abajo.", "Aquel año mi hermano llevó el piano a la iglesia."],
        &["El piano lo llevó mi hermano con dos amigos.", "Mis hermanos llevaron el piano juntos."],
    ),
    phrase(
        "es",
        "\"pintamos la valla de verde\"",
        &["pintamos la valla de verde"],
        &["Aquel verano pintamos la valla de verde.", "Cada año pintamos la valla de verde otra vez."],
        &["La valla era verde, nunca la pintamos.", "Pintamos de blanco la valla verde."],
    ),
    // KNSLS
    phonetic(
        "es",
        "Gonsales~~",
        &["gonzalez"],
        &["Gonzalez trabajaba en el puerto.", "Le pedí a Gonzalez que se quedara."],
    ),
    // RTRKS
    phonetic(
        "es",
        "Rodrigues~~",
        &["rodríguez"],
        &["Rodríguez conducía el camión.", "Rodríguez nunca volvió a hablar de ello."],
    ),
    // KTRS
    phonetic(
        "es",
        "Gutierres~~",
        &["gutiérrez"],
        &["Gutiérrez nació aquel invierno.", "La hija de Gutiérrez vivía en Madrid."],
    ),
    // AKNS / ANX
    phonetic("es", "Ignasio~~", &["ignacio"], &["Ignacio tocaba la guitarra.", "Ignacio se fue a Francia."]),
    // German
    exact(
        "de",
        &["mundharmonika"],
        &["Mein Onkel spielte auf jeder Hochzeit Mundharmonika.", "Er fand eine alte Mundharmonika in der Schublade."],
    ),
    exact(
        "de",
        &["schubkarre"],
        &["Wir haben die Schubkarre voller Steine geschoben.", "Die alte Schubkarre stand hinter der Scheune."],
    ),
    exact(
        "de",
        &["lawine"],
        &["Die Lawine hat den Pass eine Woche lang gesperrt.", "Wir hörten die Lawine, bevor wir sie sahen."],
    ),
    inflected(
        "de",
        "Haus",
        &["haus", "häuser", "hause", "hauses"],
        &[
            "Das Haus stand direkt am Fluss.",
            "Die Häuser am Ufer waren alle weiß.",
            "Wir blieben im Hause meiner Tante.",
            "Der Keller des Hauses war voller Wasser.",
        ],
    ),
    inflected(
        "de",
        "Hund",
        &["hund", "hunde", "hunden"],
        &["Jeder Hund bellte die ganze Nacht.", "Die Hunde schliefen oben.", "Wir gaben den Hunden Brot."],
    ),
    inflected(
        "de",
        "Garten",
        &["garten", "gärten"],
        &[
            "Der Garten war voller Schlamm.",
            "Alle Gärten hinter der Kirche waren zerstört.",
            "Wir saßen abends im Garten.",
        ],
    ),
    phrase(
        "de",
        "\"die Brücke über das Tal\"",
        &["die brücke über das tal"],
        &[
            "Sie haben die Brücke über das Tal im Frühling wieder aufgebaut.",
            "Ich sehe die Brücke über das Tal noch vor mir.",
        ],
        &[
            "Vom Tal aus sah man die Brücke.",
            "Die Brücken über das Tal waren gesperrt.",
            "Über das Tal führte die Brücke nicht mehr.",
        ],
    ),
    phrase(
        "de",
        "\"das Klavier meiner Mutter\"",
        &["das klavier meiner mutter"],
        &["Wir haben das Klavier meiner Mutter gerettet.", "Das Klavier meiner Mutter steht heute bei mir."],
        &["Meine Mutter spielte nie, das Klavier war von meiner Tante.", "Meiner Mutter gehörte das Klavier nicht."],
    ),
    phrase(
        "de",
        "\"den Zaun grün\"",
        &["den zaun grün"],
        &["Im Sommer strichen wir den Zaun grün.", "Jedes Jahr haben wir den Zaun grün gestrichen."],
        &["Der Zaun war grün, wir haben ihn nie gestrichen.", "Wir strichen den grünen Zaun weiß."],
    ),
    // HFMN
    phonetic("de", "Hofman~~", &["hoffmann"], &["Hoffmann kam in jener Nacht zu uns.", "Ich bat Hoffmann zu bleiben."]),
    // XMKR
    phonetic(
        "de",
        "Shoemaker~~",
        &["schumacher"],
        &["Schumacher fuhr den Traktor.", "Schumacher hat nie wieder darüber gesprochen."],
    ),
    // PRTNPK
    phonetic(
        "de",
        "Brightenback~~",
        &["breitenbach"],
        &["Breitenbach wurde in jenem Winter geboren.", "Die Tochter von Breitenbach lebte in Bremen."],
    ),
    // SMRMN
    phonetic(
        "de",
        "Simmerman~~",
        &["zimmermann"],
        &["Zimmermann spielte Gitarre.", "Zimmermann ging nach Frankreich."],
    ),
    // French
    exact(
        "fr",
        &["parapluie"],
        &["Mon oncle oubliait toujours son parapluie au café.", "Elle m'a prêté un parapluie rouge."],
    ),
    exact(
        "fr",
        &["grenouille"],
        &["Une grenouille dormait près du puits.", "Les enfants ont attrapé une grenouille dans le fossé."],
    ),
    exact(
        "fr",
        &["citrouille"],
        &["Nous faisions de la soupe à la citrouille en octobre.", "La citrouille était plus grosse que moi."],
    ),
    inflected(
        "fr",
        "maison",
        &["maison", "maisons"],
        &[
            "La maison de mes grands-parents était près de la rivière.",
            "Les maisons du quartier étaient toutes blanches.",
            "Nous sommes rentrés à la maison très tard.",
        ],
    ),
    inflected(
        "fr",
        "chanter",
        &["chanter", "chantait", "chantaient", "chanté"],
        &[
            "Ma mère aimait chanter dans la cuisine.",
            "Mon père chantait en travaillant.",
            "Les femmes chantaient au lavoir.",
            "Elle a chanté pour nous.",
        ],
    ),
    inflected(
        "fr",
        "cheval",
        &["cheval", "chevaux"],
        &[
            "Le cheval connaissait le chemin.",
            "Les chevaux avaient peur de l'eau.",
            "Mon grand-père parlait à ses chevaux.",
        ],
    ),
    phrase(
        "fr",
        "\"le pont sur la vallée\"",
        &["le pont sur la vallée"],
        &[
            "Chaque matin nous traversions le pont sur la vallée.",
            "Ils ont reconstruit le pont sur la vallée au printemps.",
        ],
        &[
            "Depuis la vallée on voyait le pont.",
            "Les ponts sur la vallée étaient fermés.",
            "Sur la vallée, le pont n'existait plus.",
        ],
    ),
    phrase(
        "fr",
        "\"mon frère a porté le piano\"",
        &["mon frère a porté le piano"],
        &["Mon frère a porté le piano jusqu'en bas.", "Cette année-là, mon frère a porté le piano à l'église."],
        &["Le piano, c'est mon frère qui l'a porté.", "Mes frères ont porté le piano ensemble."],
    ),
    phrase(
        "fr",
        "\"peint la clôture en vert\"",
        &["peint la clôture en vert"],
        &["Cet été-là, nous avons peint la clôture en vert.", "Chaque année on peint la clôture en vert."],
        &["La clôture était verte, on ne l'a jamais peinte.", "Nous avons peint en blanc la clôture verte."],
    ),
    // FRNSS
    phonetic(
        "fr",
        "Fransoise~~",
        &["françoise"],
        &["Françoise est venue nous voir ce soir-là.", "J'ai demandé à Françoise de rester."],
    ),
    // PLNXRT
    phonetic(
        "fr",
        "Blanshard~~",
        &["blanchard"],
        &["Blanchard conduisait le tracteur.", "Blanchard n'en a plus jamais parlé."],
    ),
    // MHMT
    phonetic(
        "fr",
        "Muhammad~~",
        &["mohammed"],
        &["Mohammed est né cet hiver-là.", "La fille de Mohammed vivait à Lyon."],
    ),
    // Japanese
    cjk(
        "ja",
        "猫",
        &["猫"],
        &["うちの猫は台所で寝ていました。", "隣の家の黒い猫がよく遊びに来ました。", "猫を抱いて二階に逃げました。"],
        &[],
    ),
    cjk("ja", "鶴", &["鶴"], &["田んぼに鶴が降りてきました。", "祖父は折り紙で鶴を作ってくれました。"], &[]),
    cjk("ja", "花火", &["花火"], &["夏祭りの花火を家族で見ました。", "川の上に花火が上がりました。"], &[]),
    cjk("ja", "富士山", &["富士山"], &["晴れた日には富士山が見えました。", "父と一緒に富士山に登りました。"], &[]),
    cjk(
        "ja",
        "\"水がとても\"",
        &["水がとても"],
        &["川の水がとても冷たかったです。", "あの年は水がとても少なかった。"],
        &["とても冷たい水が流れていました。", "水が出なくて、とても困りました。"],
    ),
    cjk(
        "ja",
        "\"電車に乗って\"",
        &["電車に乗って"],
        &["毎朝電車に乗って学校へ行きました。", "母と電車に乗って海を見に行きました。"],
        &["電車は満員で、乗ってもすぐ降りました。", "乗っていた電車が止まりました。"],
    ),
    // Chinese
    cjk(
        "zh",
        "茶",
        &["茶"],
        &["奶奶每天早上都要喝茶。", "我父亲从山上带回来一包茶叶。", "客人来了就先倒一杯茶。"],
        &[],
    ),
    cjk("zh", "雪", &["雪"], &["那年冬天下了很大的雪。", "孩子们在院子里玩雪。"], &[]),
    cjk("zh", "长城", &["长城"], &["我第一次看到长城是在十岁那年。", "爷爷年轻时在长城脚下住过。"], &[]),
    cjk("zh", "自行车", &["自行车"], &["父亲骑自行车送我上学。", "我的第一辆自行车是二手的。"], &[]),
    cjk(
        "zh",
        "\"下雨的时候\"",
        &["下雨的时候"],
        &["下雨的时候我们就待在家里。", "每次下雨的时候屋顶都漏水。"],
        &["那时候下雨了，路上都是泥。", "雨下得很大的时候，河水涨了。"],
    ),
    cjk(
        "zh",
        "\"我们一起去\"",
        &["我们一起去"],
        &["周末我们一起去河边钓鱼。", "第二天我们一起去了医院。"],
        &["我们没有一起去，他一个人走了。", "一起去的还有我们的邻居。"],
    ),
    // Arabic
    exact("ar", &["القطار"], &["وصل القطار متأخرا كالعادة.", "كان صوت القطار يوقظنا كل ليلة."]),
    exact("ar", &["الزيتون"], &["كنا نقطف الزيتون في الخريف.", "كانت أشجار الزيتون حول البيت."]),
    exact("ar", &["الكمان"], &["كان عمي يعزف على الكمان في الأعراس.", "وجد الكمان القديم في الخزانة."]),
    phrase(
        "ar",
        "\"بيت جدي القديم\"",
        &["بيت جدي القديم"],
        &["كنا نقضي الصيف في بيت جدي القديم.", "ما زلت أتذكر بيت جدي القديم."],
        &["جدي لم يكن يحب البيت القديم.", "القديم في بيت جدي كان الباب فقط."],
    ),
    phrase(
        "ar",
        "\"الجسر فوق الوادي\"",
        &["الجسر فوق الوادي"],
        &["كنا نعبر الجسر فوق الوادي كل صباح.", "أعادوا بناء الجسر فوق الوادي في الربيع."],
        &["من الوادي كنا نرى الجسر.", "فوق الوادي لم يعد هناك جسر."],
    ),
    // Planted with harakat, queried without.
    unmarked("المدرسة", &["المدرسة"], &["ذهبتُ إلى المَدْرَسَةِ مع أخي.", "كانت المدرسة بعيدة عن بيتنا."]),
    unmarked("البحر", &["البحر"], &["كنا نذهب إلى البَحْرِ كل صيف.", "البحر كان هادئا في الصباح."]),
    // Planted without, queried with.
    unmarked("المَطَرُ", &["المطر"], &["نزل المطر طوال الليل.", "لم يتوقف المَطَرُ ثلاثة أيام."]),
    unmarked("السُّوقِ", &["السوق"], &["كانت أمي تأخذني إلى السوق.", "في السُّوقِ القديم كان كل شيء رخيصا."]),
];

// ---------------------------------------------------------------------------
// Main

/// The three systems, in table order.
const SYSTEMS: [&str; 3] = ["rushes", "fts5-unicode61", "fts5-porter"];

fn main() {
    let started = Instant::now();
    let per_lang = env_usize("RUSHES_BENCH_CLIPS", 36).max(8);
    let ingest_runs = env_usize("RUSHES_BENCH_INGESTS", 5).max(1);
    let (tmp, dir) = match std::env::var_os("RUSHES_BENCH_DIR") {
        Some(d) => (None, PathBuf::from(d)),
        None => {
            let t = tempfile::tempdir().expect("temp dir");
            let p = t.path().to_path_buf();
            println!("(RUSHES_BENCH_DIR unset: using {} and removing it afterwards)", p.display());
            (Some(t), p)
        }
    };
    std::fs::create_dir_all(&dir).expect("bench dir");
    let dir = dir.canonicalize().expect("bench dir path");
    let rushes = find_tools();

    // 1. The corpus, its labels and the dump.
    let corpus = Corpus::new(per_lang);
    let queries = corpus.label();
    let dump = dir.join("dump");
    let template = make_template(&dir.join("templates"));
    corpus.write(&dump, &template);
    let queries_path = dir.join("quality-queries.json");
    let queries_json: Vec<Value> = queries
        .iter()
        .map(|q| {
            json!({"id": q.id, "lang": q.spec.lang, "class": q.spec.class.name(), "query": q.spec.query,
                   "relevant": q.relevant})
        })
        .collect();
    std::fs::write(&queries_path, serde_json::to_vec_pretty(&queries_json).expect("json")).expect("queries");
    let n_cues = corpus.clips.len() * CUES_PER_CLIP;
    println!(
        "corpus: {} clips ({} a language × {}), {} cues, {} queries ({} relevant cues in all)",
        corpus.clips.len(),
        per_lang,
        LANGS.len(),
        n_cues,
        queries.len(),
        queries.iter().map(|q| q.relevant.len()).sum::<usize>()
    );

    // 2. rushes ingest, a few times: the index's segments, and so its size,
    // depend on how the ingest's threads happened to run.
    let lib_dir = dir.join("library");
    let mut ingests: Vec<(f64, u64, usize)> = Vec::new();
    let mut report = Value::Null;
    for _ in 0..ingest_runs {
        let _ = std::fs::remove_dir_all(&lib_dir);
        let t = Instant::now();
        let out = Command::new(&rushes)
            .arg("ingest")
            .arg(&dump)
            .arg("--library")
            .arg(&lib_dir)
            .arg("--json")
            .output()
            .expect("run rushes ingest");
        let wall_s = t.elapsed().as_secs_f64();
        if !out.status.success() {
            panic!("rushes ingest failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr));
        }
        report = serde_json::from_slice(&out.stdout).expect("rushes ingest --json output");
        ingests.push((wall_s, dir_size(&lib_dir), segment_count(&lib_dir.join("index"))));
    }
    let ingest_problems = check_ingest(&report, corpus.clips.len(), n_cues);
    let ingest_s = median(ingests.iter().map(|i| i.0).collect());
    let mut sizes: Vec<u64> = ingests.iter().map(|i| i.1).collect();
    sizes.sort_unstable();
    let lib_bytes = sizes[sizes.len() / 2];
    let size_range = (sizes[0], sizes[sizes.len() - 1]);
    let segments: Vec<usize> = ingests.iter().map(|i| i.2).collect();
    println!(
        "rushes ingest ×{ingest_runs}: {ingest_s:.2} s (median); library {:.2} MB median ({:.0} B a cue), \
         {:.2}–{:.2} MB; index segments {segments:?}",
        lib_bytes as f64 / 1e6,
        lib_bytes as f64 / n_cues as f64,
        size_range.0 as f64 / 1e6,
        size_range.1 as f64 / 1e6
    );

    // 3. One search process per query.
    let t = Instant::now();
    let clip_of: HashMap<String, String> =
        corpus.clips.iter().map(|c| (path_arg(&dump.join(&c.media_rel)), c.stem_rel.clone())).collect();
    let mut answers: HashMap<&str, Vec<Answer>> = HashMap::new();
    for q in &queries {
        answers.entry("rushes").or_default().push(rushes_search(&rushes, &lib_dir, q, &clip_of));
    }
    let search_s = t.elapsed().as_secs_f64();
    println!(
        "rushes search: {} processes in {search_s:.1} s ({:.0} ms each)",
        queries.len(),
        search_s * 1000.0 / queries.len() as f64
    );

    // 4. The FTS5 peers.
    let t = Instant::now();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/fts5_quality.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(&dump)
        .arg(&queries_path)
        .arg(&dir)
        .output()
        .expect("run python3 fts5_quality.py");
    if !out.status.success() {
        panic!("fts5_quality.py failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let peer: Value = serde_json::from_slice(&out.stdout).expect("fts5_quality.py output");
    let peer_s = t.elapsed().as_secs_f64();
    for (system, tokenizer) in [("fts5-unicode61", "unicode61"), ("fts5-porter", "porter")] {
        let got = &peer["tokenizers"][tokenizer];
        for q in &queries {
            let ids: Vec<String> = got["results"][&q.id]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            let error = got["errors"][&q.id].as_str().map(str::to_string);
            answers.entry(system).or_default().push(Answer { ids, error });
        }
    }
    println!(
        "FTS5 (python3 + SQLite {}): {} rows from {} files in {peer_s:.1} s; unicode61 DB {:.2} MB, porter DB {:.2} MB",
        peer["sqlite"].as_str().unwrap_or("?"),
        peer["rows"],
        peer["files"],
        peer["tokenizers"]["unicode61"]["db_bytes"].as_f64().unwrap_or(0.0) / 1e6,
        peer["tokenizers"]["porter"]["db_bytes"].as_f64().unwrap_or(0.0) / 1e6
    );
    if peer["rows"].as_u64() != Some(n_cues as u64) {
        println!("WARNING: the FTS5 peers hold {} rows, the dump {n_cues} cues", peer["rows"]);
    }

    // 5. Scores and the table.
    let scores: HashMap<&str, Vec<Score>> =
        SYSTEMS.iter().map(|&s| (s, queries.iter().zip(&answers[s]).map(|(q, a)| Score::of(q, a)).collect())).collect();
    let rows = table_rows(&queries, &scores);
    println!();
    println!(
        "{} clips, {} cues, {} queries; rushes {}; {}",
        corpus.clips.len(),
        n_cues,
        queries.len(),
        rushes.display(),
        if tmp.is_some() { "temporary folder" } else { "RUSHES_BENCH_DIR" }
    );
    println!(
        "recall@{K} / precision@{K}, means over queries; targets R ≥ {TARGET_RECALL}, P ≥ {TARGET_PRECISION}; \
         \"≥ FTS5\": rushes R and P both at least each peer's"
    );
    println!(
        "| class | lang | queries | rushes R | rushes P | unicode61 R | unicode61 P | porter R | porter P | targets | ≥ FTS5 |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {} | {} |",
            r.class,
            r.lang,
            r.n,
            r.figures[0].0,
            r.figures[0].1,
            r.figures[1].0,
            r.figures[1].1,
            r.figures[2].0,
            r.figures[2].1,
            if r.meets_targets() { "met" } else { "MISSED" },
            if r.beats_peers() { "yes" } else { "NO" }
        );
    }
    println!(
        "index size: rushes library {:.2} MB median of {ingest_runs} ingests ({:.2}–{:.2}; {} B a cue); \
         FTS5 unicode61 {:.2} MB, porter {:.2} MB",
        lib_bytes as f64 / 1e6,
        size_range.0 as f64 / 1e6,
        size_range.1 as f64 / 1e6,
        lib_bytes / n_cues as u64,
        peer["tokenizers"]["unicode61"]["db_bytes"].as_f64().unwrap_or(0.0) / 1e6,
        peer["tokenizers"]["porter"]["db_bytes"].as_f64().unwrap_or(0.0) / 1e6
    );
    let cue_text: HashMap<String, &str> = corpus
        .clips
        .iter()
        .flat_map(|c| c.cues.iter().enumerate().map(move |(j, t)| (format!("{}#{j}", c.stem_rel), t.as_str())))
        .collect();
    let exact_first: Vec<(usize, usize)> =
        SYSTEMS.iter().map(|s| exact_first(&queries, &answers[*s], &cue_text)).collect();
    println!(
        "inflected queries whose form as written ranks above its other forms: rushes {}/{}, unicode61 {}/{}, \
         porter {}/{}",
        exact_first[0].0, exact_first[0].1, exact_first[1].0, exact_first[1].1, exact_first[2].0, exact_first[2].1
    );
    print_misses(&queries, &answers["rushes"], &scores["rushes"]);
    if !ingest_problems.is_empty() {
        println!("WARNING: the ingest did not bring in the dump as generated:");
        for p in &ingest_problems {
            println!("  - {p}");
        }
    }

    let per_query: Vec<Value> = queries
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let mut v = json!({"id": q.id, "lang": q.spec.lang, "class": q.spec.class.name(), "query": q.spec.query,
                               "relevant": q.relevant});
            for s in SYSTEMS {
                let a = &answers[s][i];
                let sc = &scores[s][i];
                v[s] = json!({"top": a.ids, "error": a.error, "recall": sc.recall, "precision": sc.precision});
            }
            v
        })
        .collect();
    let table: Vec<Value> = rows
        .iter()
        .map(|r| {
            let mut v = json!({"class": r.class, "lang": r.lang, "queries": r.n,
                               "meets_targets": r.meets_targets(), "beats_fts5": r.beats_peers()});
            for (s, f) in SYSTEMS.iter().zip(&r.figures) {
                v[*s] = json!({"recall": f.0, "precision": f.1});
            }
            v
        })
        .collect();
    let results = json!({
        "params": {"clips_per_language": per_lang, "cues_per_clip": CUES_PER_CLIP, "seed": SEED, "k": K},
        "rushes_binary": path_arg(&rushes),
        "corpus": {"clips": corpus.clips.len(), "cues": n_cues, "queries": queries.len()},
        "ingest": {"runs": ingest_runs, "median_wall_s": ingest_s, "report": summary(&report),
                   "problems": ingest_problems},
        "index_bytes": {
            "rushes_library": lib_bytes,
            "rushes_library_each": ingests.iter().map(|i| i.1).collect::<Vec<_>>(),
            "rushes_index_segments_each": segments,
            "fts5_unicode61": peer["tokenizers"]["unicode61"]["db_bytes"],
            "fts5_porter": peer["tokenizers"]["porter"]["db_bytes"],
        },
        "search_wall_s": search_s,
        "fts5": {"wall_s": peer_s, "sqlite": peer["sqlite"], "rows": peer["rows"], "files": peer["files"]},
        "targets": {"recall": TARGET_RECALL, "precision": TARGET_PRECISION},
        "table": table,
        "inflected_exact_first": SYSTEMS.iter().zip(&exact_first)
            .map(|(s, (ok, n))| (s.to_string(), json!({"queries": n, "exact_first": ok})))
            .collect::<serde_json::Map<_, _>>(),
        "queries": per_query,
        "bench_wall_s": started.elapsed().as_secs_f64(),
    });
    let out_path = dir.join("quality-results.json");
    std::fs::write(&out_path, serde_json::to_vec_pretty(&results).expect("json")).expect("results");
    println!("wrote {}; whole bench {:.0} s", out_path.display(), started.elapsed().as_secs_f64());
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.replace(['_', ','], "").parse().ok()).unwrap_or(default)
}

fn path_arg(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// The `rushes` binary, after checking the other tools are there.
fn find_tools() -> PathBuf {
    let runs = |prog: &str, arg: &str| Command::new(prog).arg(arg).output().is_ok_and(|o| o.status.success());
    assert!(runs("ffmpeg", "-version"), "the quality bench needs `ffmpeg` (apt-get install -y ffmpeg)");
    assert!(runs("python3", "--version"), "the quality bench needs `python3` (apt-get install -y python3)");
    let rushes = std::env::var_os("RUSHES_BENCH_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_rushes")));
    assert!(rushes.exists(), "{} is not built (cargo build --release)", rushes.display());
    rushes
}

// ---------------------------------------------------------------------------
// The corpus

/// SplitMix64: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

struct ClipDoc {
    lang: &'static Lang,
    format: Format,
    /// `DAY01_2026-03-01/A001/C0001.MP4`.
    media_rel: String,
    /// `DAY01_2026-03-01/A001/C0001`: the cue ids' prefix.
    stem_rel: String,
    cues: Vec<String>,
}

struct Corpus {
    clips: Vec<ClipDoc>,
}

/// A query with its relevant cues (`STEM#index`, sorted).
struct Query {
    id: String,
    spec: &'static Spec,
    relevant: Vec<String>,
}

impl Corpus {
    /// Filler everywhere, then each spec's plants and decoys, `COPIES`
    /// times each, in cues of its language drawn without replacement.
    fn new(per_lang: usize) -> Corpus {
        let mut rng = Rng(SEED);
        let mut clips = Vec::new();
        for (k, lang) in LANGS.iter().enumerate() {
            for c in 0..per_lang {
                let n = k * per_lang + c + 1;
                let stem_rel = format!("DAY01_2026-03-01/A{:03}/C{n:04}", k + 1);
                let cues = (0..CUES_PER_CLIP).map(|_| lang.filler[rng.below(lang.filler.len())].to_string()).collect();
                let format = if c % 2 == 0 { Format::Vtt } else { lang.other };
                clips.push(ClipDoc { lang, format, media_rel: format!("{stem_rel}.MP4"), stem_rel, cues });
            }
        }
        for (k, lang) in LANGS.iter().enumerate() {
            let mut slots: Vec<(usize, usize)> =
                (k * per_lang..(k + 1) * per_lang).flat_map(|c| (0..CUES_PER_CLIP).map(move |j| (c, j))).collect();
            for spec in SPECS.iter().filter(|s| s.lang == lang.code) {
                for sentence in spec.plants.iter().chain(spec.decoys) {
                    for _ in 0..COPIES {
                        assert!(!slots.is_empty(), "not enough cues in {} for its plants", lang.code);
                        let (c, j) = slots.swap_remove(rng.below(slots.len()));
                        clips[c].cues[j] = sentence.to_string();
                    }
                }
            }
        }
        Corpus { clips }
    }

    /// Every query's relevant cues, found by scanning all cues.
    fn label(&self) -> Vec<Query> {
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        SPECS
            .iter()
            .map(|spec| {
                let n = seen.entry((spec.lang, spec.class.name())).or_default();
                *n += 1;
                let id = format!("{}-{}-{}", spec.lang, spec.class.name(), n);
                let mut relevant: Vec<String> = self
                    .clips
                    .iter()
                    .flat_map(|c| c.cues.iter().enumerate().map(move |(j, text)| (c, j, text)))
                    .filter(|(_, _, text)| relevant(spec, text))
                    .map(|(c, j, _)| format!("{}#{j}", c.stem_rel))
                    .collect();
                relevant.sort();
                assert!(
                    (1..=K).contains(&relevant.len()),
                    "query {id} ({}) has {} relevant cues; the labels want 1 to {K}: {relevant:?}",
                    spec.query,
                    relevant.len()
                );
                Query { id, spec, relevant }
            })
            .collect()
    }

    /// Media copies and transcripts.
    fn write(&self, dump: &Path, template: &[u8]) {
        let _ = std::fs::remove_dir_all(dump);
        let t = Instant::now();
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for clip in &self.clips {
            let media = dump.join(&clip.media_rel);
            std::fs::create_dir_all(media.parent().expect("parent")).expect("mkdir");
            std::fs::write(&media, template).expect("write clip");
            let path = dump.join(format!("{}.{}", clip.stem_rel, clip.format.ext()));
            std::fs::write(path, clip.transcript()).expect("write transcript");
            *counts.entry(clip.format.ext()).or_default() += 1;
        }
        println!(
            "dump: {} clips and their transcripts ({}) written in {:.1} s",
            self.clips.len(),
            counts.iter().map(|(k, v)| format!("{v} {k}")).collect::<Vec<_>>().join(", "),
            t.elapsed().as_secs_f64()
        );
    }
}

impl ClipDoc {
    fn transcript(&self) -> String {
        let times = |j: usize| {
            let start = CUE_LEAD_MS + j as u64 * CUE_STEP_MS;
            (start, start + CUE_LEN_MS)
        };
        let mut s = String::new();
        match self.format {
            Format::Vtt => {
                let _ = write!(s, "WEBVTT\nLanguage: {}\n\n", self.lang.code);
                for (j, text) in self.cues.iter().enumerate() {
                    let (a, b) = times(j);
                    let _ = write!(s, "{} --> {}\n{text}\n\n", clock(a, '.'), clock(b, '.'));
                }
            }
            Format::Srt => {
                for (j, text) in self.cues.iter().enumerate() {
                    let (a, b) = times(j);
                    let _ = write!(s, "{}\n{} --> {}\n{text}\n\n", j + 1, clock(a, ','), clock(b, ','));
                }
            }
            Format::Whisper => {
                let segments: Vec<Value> = self
                    .cues
                    .iter()
                    .enumerate()
                    .map(|(j, text)| {
                        let (a, b) = times(j);
                        json!({"id": j, "start": a as f64 / 1000.0, "end": b as f64 / 1000.0, "text": format!(" {text}")})
                    })
                    .collect();
                let whole = self.cues.join(" ");
                let doc = json!({"text": whole, "segments": segments, "language": self.lang.code});
                s = serde_json::to_string_pretty(&doc).expect("json");
            }
        }
        s
    }
}

fn clock(ms: u64, sep: char) -> String {
    format!("{:02}:{:02}:{:02}{sep}{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

/// Lowercased words: runs of letters, digits and combining marks (so a
/// word keeps its harakat).
fn tokens(text: &str) -> Vec<String> {
    text.split(|ch: char| !(ch.is_alphanumeric() || is_haraka(ch)))
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Arabic harakat, tanwin, shadda, sukun and the superscript alef.
fn is_haraka(ch: char) -> bool {
    matches!(ch, '\u{064B}'..='\u{0652}' | '\u{0670}')
}

fn unmarked_text(word: &str) -> String {
    word.chars().filter(|&c| !is_haraka(c)).collect()
}

fn relevant(spec: &Spec, text: &str) -> bool {
    match spec.rule {
        Rule::Token => {
            let forms: HashSet<String> = spec.forms.iter().map(|f| f.to_lowercase()).collect();
            tokens(text).iter().any(|t| forms.contains(t))
        }
        Rule::Sequence => {
            let words = tokens(text);
            spec.forms.iter().any(|f| {
                let want = tokens(f);
                words.windows(want.len()).any(|w| w == want.as_slice())
            })
        }
        Rule::Substring => spec.forms.iter().any(|f| text.contains(f)),
        Rule::Unmarked => {
            let forms: HashSet<String> = spec.forms.iter().map(|f| unmarked_text(f)).collect();
            tokens(text).iter().any(|t| forms.contains(&unmarked_text(t)))
        }
    }
}

// ---------------------------------------------------------------------------
// Media

/// One MP4 for every clip (a clip's start timecode plays no part in
/// search), made once with ffmpeg and kept.
fn make_template(dir: &Path) -> Vec<u8> {
    std::fs::create_dir_all(dir).expect("templates dir");
    let path = dir.join(format!("quality-v{TEMPLATE_VERSION}-25fps-{CLIP_S}s.mp4"));
    if !path.exists() {
        let partial = dir.join("quality-partial.mp4");
        let status = Command::new("ffmpeg")
            .args(["-v", "error", "-y", "-f", "lavfi", "-i", "color=black:s=16x16:r=25"])
            .args(["-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono"])
            .args(["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-b:a", "8k"])
            .args(["-timecode", "10:00:00:00", "-t"])
            .arg(CLIP_S.to_string())
            .arg(&partial)
            .status()
            .expect("run ffmpeg");
        assert!(status.success(), "ffmpeg failed making {}", path.display());
        std::fs::rename(&partial, &path).expect("template");
    }
    std::fs::read(&path).expect("template")
}

// ---------------------------------------------------------------------------
// Searching and scoring

/// A system's answer to one query: cue ids, best first (unmapped hits as
/// `?n`, each distinct), and the error if it failed.
struct Answer {
    ids: Vec<String>,
    error: Option<String>,
}

fn rushes_search(rushes: &Path, lib_dir: &Path, q: &Query, clip_of: &HashMap<String, String>) -> Answer {
    let out = Command::new(rushes)
        .args(["search", q.spec.query, "--library"])
        .arg(lib_dir)
        .args(["--limit", &K.to_string(), "--json"])
        .output()
        .expect("run rushes search");
    // 0: hits, 1: none; anything else is an error, scored as no answer.
    if !matches!(out.status.code(), Some(0 | 1)) {
        let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Answer { ids: Vec::new(), error: Some(format!("{}: {err}", out.status)) };
    }
    let hits: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let ids = hits.iter().enumerate().map(|(n, h)| hit_cue(h, clip_of).unwrap_or_else(|| format!("?{n}"))).collect();
    Answer { ids, error: None }
}

/// The cue a soundbite hit starts on: its clip's path and `offset_in_s`.
fn hit_cue(hit: &Value, clip_of: &HashMap<String, String>) -> Option<String> {
    if hit["kind"].as_str() != Some("soundbite") {
        return None;
    }
    let stem = clip_of.get(hit["path"].as_str()?)?;
    let ms = (hit["offset_in_s"].as_f64()? * 1000.0).round() as i64 - CUE_LEAD_MS as i64;
    let j = (ms as f64 / CUE_STEP_MS as f64).round() as i64;
    // Within a frame or two of a cue start.
    let off = (ms - j * CUE_STEP_MS as i64).abs();
    (off <= 80 && (0..CUES_PER_CLIP as i64).contains(&j)).then(|| format!("{stem}#{j}"))
}

/// Of the inflected queries, how many a system answers with every cue
/// holding the query word as written (case folded) above every cue holding
/// only another form; a query whose answer has no cue of the other kind
/// counts as met. Returns (met, queries).
fn exact_first(queries: &[Query], answers: &[Answer], cue_text: &HashMap<String, &str>) -> (usize, usize) {
    let mut met = 0;
    let mut n = 0;
    for (q, a) in queries.iter().zip(answers) {
        if q.spec.class != Class::Inflected {
            continue;
        }
        n += 1;
        let word = q.spec.query.to_lowercase();
        let exact: Vec<bool> = a
            .ids
            .iter()
            .filter(|id| q.relevant.contains(id))
            .map(|id| cue_text.get(id).is_some_and(|t| tokens(t).contains(&word)))
            .collect();
        // Sorted best first, exact cues must all come before the others.
        if exact.windows(2).all(|w| w[0] || !w[1]) {
            met += 1;
        }
    }
    (met, n)
}

struct Score {
    recall: f64,
    precision: f64,
}

impl Score {
    fn of(q: &Query, a: &Answer) -> Score {
        let mut top: Vec<&str> = Vec::new();
        for id in &a.ids {
            if top.len() < K && !top.contains(&id.as_str()) {
                top.push(id);
            }
        }
        let rel: HashSet<&str> = q.relevant.iter().map(String::as_str).collect();
        let found = top.iter().filter(|id| rel.contains(*id)).count() as f64;
        let recall = if rel.is_empty() { 1.0 } else { found / rel.len() as f64 };
        let precision = match (top.len(), rel.is_empty()) {
            (0, true) => 1.0,
            (0, false) => 0.0,
            (n, _) => found / n as f64,
        };
        Score { recall, precision }
    }
}

struct Row {
    class: String,
    lang: String,
    n: usize,
    /// (recall, precision) of each of [`SYSTEMS`].
    figures: [(f64, f64); 3],
}

impl Row {
    fn meets_targets(&self) -> bool {
        self.figures[0].0 >= TARGET_RECALL && self.figures[0].1 >= TARGET_PRECISION
    }

    fn beats_peers(&self) -> bool {
        // A hair of slack so equal means compare equal.
        let (r, p) = self.figures[0];
        self.figures[1..].iter().all(|&(pr, pp)| r + 1e-9 >= pr && p + 1e-9 >= pp)
    }
}

/// Per class over all languages, all queries, then per class and language.
fn table_rows(queries: &[Query], scores: &HashMap<&str, Vec<Score>>) -> Vec<Row> {
    let row = |class: &str, lang: &str, pick: &dyn Fn(&Query) -> bool| -> Option<Row> {
        let idx: Vec<usize> = (0..queries.len()).filter(|&i| pick(&queries[i])).collect();
        if idx.is_empty() {
            return None;
        }
        let mean =
            |s: &str, f: &dyn Fn(&Score) -> f64| idx.iter().map(|&i| f(&scores[s][i])).sum::<f64>() / idx.len() as f64;
        let figures = SYSTEMS.map(|s| (mean(s, &|x| x.recall), mean(s, &|x| x.precision)));
        Some(Row { class: class.into(), lang: lang.into(), n: idx.len(), figures })
    };
    let mut rows = Vec::new();
    for class in Class::ALL {
        rows.extend(row(class.name(), "all", &|q| q.spec.class == class));
    }
    rows.extend(row("**all**", "all", &|_| true));
    for class in Class::ALL {
        for lang in LANGS {
            rows.extend(row(class.name(), lang.code, &|q| q.spec.class == class && q.spec.lang == lang.code));
        }
    }
    rows
}

/// The queries rushes answers worst, with what it said.
fn print_misses(queries: &[Query], answers: &[Answer], scores: &[Score]) {
    let mut worst: Vec<usize> =
        (0..queries.len()).filter(|&i| scores[i].recall < 1.0 || scores[i].precision < 1.0).collect();
    if worst.is_empty() {
        println!("rushes answers every query in full, and nothing else");
        return;
    }
    worst.sort_by(|&a, &b| {
        (scores[a].recall + scores[a].precision).total_cmp(&(scores[b].recall + scores[b].precision)).then(a.cmp(&b))
    });
    println!("rushes misses ({} of {} queries short of R = P = 1):", worst.len(), queries.len());
    for &i in &worst {
        let (q, a, s) = (&queries[i], &answers[i], &scores[i]);
        let what = match &a.error {
            Some(e) => format!("error {}", one_line(e)),
            None => format!("{} hits", a.ids.len()),
        };
        println!("  {:<16} {:<34} R {:.2} P {:.2}  {what}", q.id, q.spec.query, s.recall, s.precision);
    }
}

fn one_line(s: &str) -> String {
    let s = s.replace('\n', " ");
    if s.chars().count() > 100 { format!("{}…", s.chars().take(100).collect::<String>()) } else { s }
}

// ---------------------------------------------------------------------------
// What the ingest brought in

/// Problems with the ingest's summary: clips, transcripts or cues missing.
fn check_ingest(report: &Value, n_clips: usize, n_cues: usize) -> Vec<String> {
    let count = |k: &str| report[k].as_u64().or_else(|| report[k].as_array().map(|a| a.len() as u64)).unwrap_or(0);
    println!(
        "ingest report: {} clips added, {} failures, {} transcripts attached of {n_clips}, {} segments of {n_cues}, \
         {} unmatched, {} warnings, {} skipped",
        count("clips_added"),
        count("failures"),
        count("transcripts_attached"),
        count("segments"),
        count("transcripts_unmatched"),
        count("warnings"),
        count("sidecars_skipped")
    );
    let mut problems = Vec::new();
    if count("clips_added") != n_clips as u64 {
        problems.push(format!("{} clips added, {n_clips} in the dump", count("clips_added")));
    }
    if count("transcripts_attached") != n_clips as u64 {
        problems.push(format!("{} transcripts attached of {n_clips}", count("transcripts_attached")));
    }
    if count("segments") != n_cues as u64 {
        problems.push(format!("{} segments imported of {n_cues} cues", count("segments")));
    }
    for k in ["failures", "transcripts_unmatched", "sidecars_skipped", "warnings"] {
        if let Some(first) = report[k].as_array().and_then(|a| a.first()) {
            problems.push(format!("{} {k}, e.g. {}", count(k), one_line(&first.to_string())));
        }
    }
    problems
}

/// The ingest report's counts, without its per-file lists.
fn summary(report: &Value) -> Value {
    let mut out = serde_json::Map::new();
    if let Some(obj) = report.as_object() {
        for (k, v) in obj {
            let v = match v {
                Value::Array(a) => json!(a.len()),
                other => other.clone(),
            };
            out.insert(k.clone(), v);
        }
    }
    Value::Object(out)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Tantivy segments: one `.idx` file each.
fn segment_count(index: &Path) -> usize {
    std::fs::read_dir(index)
        .map(|rd| rd.flatten().filter(|e| e.path().extension().is_some_and(|x| x == "idx")).count())
        .unwrap_or(0)
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|rd| {
            rd.flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}
