#!/usr/bin/env python3
"""Checks the labels of `cargo bench --bench quality` against real stemmers
and Double Metaphone (run by hand when the bench's query table changes).

    pip install snowballstemmer metaphone
    RUSHES_BENCH_DIR=/tmp/q cargo bench --bench quality
    python3 benches/quality_labels.py /tmp/q

For each `inflected` query, the cues of its language holding a word that the
language's Snowball stemmer (the algorithms `rust-stemmers` implements)
stems like the query must be exactly the query's relevant cues; for each
`phonetic` query, the cues holding a word that shares a Double Metaphone
code (primary or alternate) with the query must be exactly its relevant
cues. Any other cue a stemmer or a phonetic matcher would bring back is
listed: a filler word colliding with a target makes the labels unfair to a
system that does what the issue asks. Prints what it checked and every
disagreement; exits 1 if there is one.
"""

import json
import os
import re
import sys

import snowballstemmer
from metaphone import doublemetaphone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fts5_quality import cues  # noqa: E402

STEMMERS = {"en": "english", "es": "spanish", "de": "german", "fr": "french"}
WORD = re.compile(r"\w+")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[5].strip())
    bench_dir = sys.argv[1]
    with open(os.path.join(bench_dir, "quality-queries.json"), encoding="utf-8") as f:
        queries = json.load(f)
    rows = list(cues(os.path.join(bench_dir, "dump")))
    # A clip's language is its card's: queries name their language, and a
    # relevant cue's card tells which card holds that language.
    card_lang = {}
    for q in queries:
        for cue_id in q["relevant"]:
            card_lang.setdefault(cue_id.rsplit("/", 1)[0], q["lang"])
    words = {cue_id: [w.lower() for w in WORD.findall(text)] for cue_id, text in rows}
    problems = 0
    checked = 0
    for q in queries:
        if q["class"] == "inflected":
            stem = snowballstemmer.stemmer(STEMMERS[q["lang"]]).stemWord
            want = stem(q["query"].lower())
            found = {
                cue_id
                for cue_id, ws in words.items()
                if card_lang.get(cue_id.rsplit("/", 1)[0]) == q["lang"] and any(stem(w) == want for w in ws)
            }
        elif q["class"] == "phonetic":
            codes = {c for c in doublemetaphone(q["query"].removesuffix("~~")) if c}
            found = {
                cue_id
                for cue_id, ws in words.items()
                if any(codes & {c for c in doublemetaphone(w) if c} for w in ws if w.isalpha())
            }
        else:
            continue
        checked += 1
        relevant = set(q["relevant"])
        if found != relevant:
            problems += 1
            extra = sorted(found - relevant)
            missing = sorted(relevant - found)
            print(f"{q['id']} {q['query']}: the algorithm also finds {len(extra)} cues, misses {len(missing)}")
            for cue_id in extra[:5]:
                print(f"  + {cue_id}: {' '.join(words[cue_id])}")
            for cue_id in missing[:5]:
                print(f"  - {cue_id}: {' '.join(words[cue_id])}")
    print(f"{checked} inflected and phonetic queries checked, {problems} disagree with the labels")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
