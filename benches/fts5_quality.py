#!/usr/bin/env python3
"""SQLite FTS5 peers of `cargo bench --bench quality` (stdlib only).

    python3 benches/fts5_quality.py DUMP QUERIES OUT

Walks the card dump the bench wrote, parses every transcript beside a clip
(SRT and WebVTT with the readers of `fts5_longform.py`, Whisper JSON here:
one row per segment), and inserts one row per cue into two FTS5 databases
in OUT: `fts5-unicode61.db` (`tokenize='unicode61 remove_diacritics 2'`)
and `fts5-porter.db` (`tokenize='porter unicode61 remove_diacritics 2'`).
A cue's id is its clip's path in the dump without the extension, `#`, and
its place in the file from 0: `DAY01_2026-03-01/A001/C0001#7`.

Then it runs each query of QUERIES (the bench's JSON list: `id`, `query` as
typed to `rushes search`) on both, translated to FTS5: a quoted part stays
an FTS5 phrase; a bare word, its `~~` (phonetic) or `~N` (fuzzy) suffix
dropped, becomes a quoted string; the parts are AND-ed. The answer is the
top 10 by `ORDER BY rank`. It prints one JSON object: per tokenizer the
database's size, the cue ids each query got and any query's error.
"""

import json
import os
import re
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fts5_longform import read_srt, read_vtt  # noqa: E402

TOKENIZERS = {
    "unicode61": "unicode61 remove_diacritics 2",
    "porter": "porter unicode61 remove_diacritics 2",
}
LIMIT = 10
PART = re.compile(r'"[^"]*"|\S+')


def read_whisper(text):
    """Whisper JSON segments (`segments` list, or a bare list of them)."""
    doc = json.loads(text)
    segments = doc.get("segments", []) if isinstance(doc, dict) else doc
    for seg in segments:
        words = str(seg.get("text", "")).strip()
        if words:
            yield int(round(seg["start"] * 1000)), int(round(seg["end"] * 1000)), seg.get("speaker"), words


READERS = {".srt": read_srt, ".vtt": read_vtt, ".json": read_whisper}


def cues(dump):
    """(cue id, text) of every transcript beside a clip, in file order."""
    for folder, dirs, files in os.walk(dump):
        dirs.sort()
        stems = {os.path.splitext(n)[0] for n in files if os.path.splitext(n)[1].lower() not in READERS}
        for name in sorted(files):
            stem, ext = os.path.splitext(name)
            if ext.lower() not in READERS or stem not in stems:
                continue
            with open(os.path.join(folder, name), encoding="utf-8-sig") as f:
                text = f.read()
            rel = os.path.relpath(os.path.join(folder, stem), dump).replace(os.sep, "/")
            for j, (_, _, _, words) in enumerate(READERS[ext.lower()](text)):
                yield f"{rel}#{j}", words


def fts5_query(query):
    """`rushes search` syntax to an FTS5 MATCH expression."""
    parts = []
    for part in PART.findall(query):
        if part.startswith('"'):
            inner = part.strip('"').strip()
            if inner:
                parts.append('"' + inner.replace('"', '""') + '"')
            continue
        word = re.sub(r"~\d*$", "", part.removesuffix("~~"))
        if word:
            parts.append('"' + word.replace('"', '""') + '"')
    return " ".join(parts)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    dump, queries_path, out_dir = sys.argv[1:]
    with open(queries_path, encoding="utf-8") as f:
        queries = json.load(f)
    rows = list(cues(dump))
    files = len({cue_id.split("#")[0] for cue_id, _ in rows})
    out = {"sqlite": sqlite3.sqlite_version, "rows": len(rows), "files": files, "tokenizers": {}}
    for name, tokenize in TOKENIZERS.items():
        db_path = os.path.join(out_dir, f"fts5-{name}.db")
        if os.path.exists(db_path):
            os.remove(db_path)
        t = time.perf_counter()
        con = sqlite3.connect(db_path)
        con.execute(f"CREATE VIRTUAL TABLE cue USING fts5(text, id UNINDEXED, tokenize='{tokenize}')")
        with con:
            con.executemany("INSERT INTO cue(text, id) VALUES (?, ?)", ((text, cue_id) for cue_id, text in rows))
            con.execute("INSERT INTO cue(cue) VALUES ('optimize')")
        build_s = time.perf_counter() - t
        results, errors, expressions = {}, {}, {}
        t = time.perf_counter()
        for q in queries:
            expr = fts5_query(q["query"])
            expressions[q["id"]] = expr
            try:
                got = con.execute(
                    "SELECT id FROM cue WHERE cue MATCH ? ORDER BY rank LIMIT ?", (expr, LIMIT)
                ).fetchall()
                results[q["id"]] = [r[0] for r in got]
            except sqlite3.Error as e:
                results[q["id"]] = []
                errors[q["id"]] = f"{expr}: {e}"
        query_s = time.perf_counter() - t
        con.close()
        out["tokenizers"][name] = {
            "tokenize": tokenize,
            "db_bytes": os.path.getsize(db_path),
            "build_s": build_s,
            "query_s": query_s,
            "expressions": expressions,
            "results": results,
            "errors": errors,
        }
    json.dump(out, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
