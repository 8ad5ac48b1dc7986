#!/usr/bin/env python3
"""SQLite FTS5 peer of `cargo bench --bench longform` (stdlib only).

    python3 benches/fts5_longform.py DUMP DB

The Python reference for the whole `rushes ingest DUMP` process: it walks a
card dump, parses every SRT and WebVTT transcript it finds (one row per
cue: its text, speaker, clip and times), inserts the rows into an FTS5
table in DB (replaced if it exists) in one transaction, runs FTS5's
`optimize` and prints one JSON object with what it did and how long each
part took. The bench times the whole process and reads its peak RSS with
`/usr/bin/time -v`, as it does for `rushes ingest`; searches are then run
with the `sqlite3` command-line tool, one process per query.

The readers do what rushes's do for the files the bench writes, so both
index the same words and speakers: an SRT `NAME:` prefix names the speaker
until another is named; a WebVTT `<v Name>` voice span (or `NAME:` prefix)
names the speaker of its cue only; markup is dropped and a cue's lines are
joined. A phrase running from one cue into the next is in two rows, so
FTS5 cannot find it: that is the recall row of the bench's table.
"""

import json
import os
import re
import sqlite3
import sys
import time

TRANSCRIPT_EXTS = (".srt", ".vtt")
TIMING = re.compile(r"^\s*(\S+)\s*-->\s*([0-9:.,]+)")
TAG = re.compile(r"<[^>]*>")
VOICE = re.compile(r"<v(?:\.[^ >]*)?\s+([^>]+)>")
# `MARIA: `, `SPEAKER 1: `, `DR. SMITH: `: at most four words, each starting
# with a capital, a digit or a bracket, and a space (or the end) after the
# colon, as `rushes::transcript::split_speaker` asks.
NAME_WORD = r"[A-Z0-9(][\w.'()\-]*"
SPEAKER = re.compile(rf"^({NAME_WORD}(?: {NAME_WORD}){{0,3}}):(?:\s+|$)")


def clock_ms(text):
    """`01:02:03,456`, `02:03.456` or `01:02:03.456` in milliseconds."""
    text = text.replace(",", ".")
    whole, _, frac = text.partition(".")
    parts = [int(p) for p in whole.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    h, m, s = parts
    ms = int((frac + "000")[:3]) if frac else 0
    return ((h * 60 + m) * 60 + s) * 1000 + ms


def split_speaker(text):
    m = SPEAKER.match(text)
    if not m or not m.group(1)[0].isalpha():
        return None, text
    return m.group(1), text[m.end():]


def blocks(text):
    """Blank-line separated blocks of lines."""
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [line for line in block.split("\n") if line.strip()]
        if lines:
            yield lines


def read_srt(text):
    speaker = None
    for lines in blocks(text.lstrip("\ufeff")):
        at = 0 if "-->" in lines[0] else 1
        if at >= len(lines) or "-->" not in lines[at]:
            continue
        m = TIMING.match(lines[at])
        if not m:
            continue
        words = " ".join(TAG.sub("", line).strip() for line in lines[at + 1:]).strip()
        named, words = split_speaker(words)
        if named is not None:
            speaker = named
        if words:
            yield clock_ms(m.group(1)), clock_ms(m.group(2)), speaker, words


def read_vtt(text):
    for k, lines in enumerate(blocks(text.lstrip("\ufeff"))):
        if k == 0 and lines[0].startswith("WEBVTT"):
            continue
        at = 0 if "-->" in lines[0] else 1
        if at >= len(lines) or "-->" not in lines[at]:
            continue
        m = TIMING.match(lines[at])
        if not m:
            continue
        payload = "\n".join(lines[at + 1:])
        voice = VOICE.search(payload)
        words = " ".join(TAG.sub("", line).strip() for line in payload.split("\n")).strip()
        if voice:
            speaker = voice.group(1).strip()
        else:
            speaker, words = split_speaker(words)
        if words:
            yield clock_ms(m.group(1)), clock_ms(m.group(2)), speaker, words


def transcripts(dump):
    """Every transcript under `dump`, with the clip beside it (same stem)."""
    for folder, dirs, files in os.walk(dump):
        dirs.sort()
        media = {}
        for name in files:
            stem, ext = os.path.splitext(name)
            if ext.lower() not in TRANSCRIPT_EXTS:
                media.setdefault(stem.lower(), name)
        for name in sorted(files):
            stem, ext = os.path.splitext(name)
            if ext.lower() in TRANSCRIPT_EXTS:
                clip = media.get(stem.lower())
                rel = os.path.relpath(os.path.join(folder, clip or name), dump)
                yield os.path.join(folder, name), ext.lower(), rel, clip is not None


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    dump, db_path = sys.argv[1], sys.argv[2]
    t_start = time.perf_counter()
    if os.path.exists(db_path):
        os.remove(db_path)
    con = sqlite3.connect(db_path)
    con.execute("CREATE VIRTUAL TABLE seg USING fts5(text, speaker, clip UNINDEXED, start_ms UNINDEXED, end_ms UNINDEXED)")
    facts = {"files": 0, "srt": 0, "vtt": 0, "attached": 0, "unreadable": 0}

    def rows():
        for path, ext, clip, attached in transcripts(dump):
            try:
                with open(path, encoding="utf-8-sig") as f:
                    text = f.read()
            except (OSError, UnicodeDecodeError):
                facts["unreadable"] += 1
                continue
            facts["files"] += 1
            facts[ext[1:]] += 1
            facts["attached"] += attached
            reader = read_srt if ext == ".srt" else read_vtt
            for start_ms, end_ms, speaker, words in reader(text):
                yield words, speaker, clip, start_ms, end_ms

    t = time.perf_counter()
    with con:
        con.executemany("INSERT INTO seg(text, speaker, clip, start_ms, end_ms) VALUES (?,?,?,?,?)", rows())
    insert_s = time.perf_counter() - t
    t = time.perf_counter()
    with con:
        con.execute("INSERT INTO seg(seg) VALUES ('optimize')")
    optimize_s = time.perf_counter() - t
    n = con.execute("SELECT count(*) FROM seg").fetchone()[0]
    con.close()
    out = dict(facts)
    out.update({
        "rows": n,
        "parse_and_insert_s": insert_s,
        "optimize_s": optimize_s,
        "total_s": time.perf_counter() - t_start,
        "sqlite": sqlite3.sqlite_version,
        "db_bytes": os.path.getsize(db_path),
    })
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
