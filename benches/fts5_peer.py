#!/usr/bin/env python3
"""SQLite FTS5 reference for `cargo bench --bench search` (stdlib only).

Run the Rust bench first with a kept folder, then this on the same folder:

    RUSHES_BENCH_DIR=/tmp/rushes-search cargo bench --bench search
    python3 benches/fts5_peer.py /tmp/rushes-search

It reads the corpus the bench wrote (`segments.tsv`: one row per cue, with
clip, speaker, camera and day) into an FTS5 table in `fts5.db` (reused when
it already holds the same rows) and reports rows/s and the size on disk. It
then runs the bench's queries (`queries.json`, written in FTS5 syntax by the
bench: phrases, AND/NOT, prefix, column filters) warm, top 20 by bm25 with
highlighting, reporting p50/p95/p99 ms and the match count against the
corpus's own count; and one-shot processes (`fts5_peer.py DIR --query Q`,
which opens the database, prints the top 20 as JSON and exits) for wall time
and peak RSS (`/usr/bin/time -v`). FTS5 has no fuzzy matching, and its rows
are single cues, so a phrase running across two cues cannot be found: both
are reported as such. Results go to `fts5-results.json`; when the bench's
`rushes-results.json` is there too, the comparison table with the targets
is printed. Timings are printed, never asserted.
"""

import argparse
import json
import math
import os
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from contextlib import closing

MIN_RUNS = 30
MAX_RUNS = 500
QUERY_BUDGET_S = 3.0
PROCESS_RUNS = 20
LIMIT = 20

SELECT = (
    "SELECT sid, clip, speaker, day, highlight(seg, 0, '<b>', '</b>'), bm25(seg) "
    "FROM seg WHERE seg MATCH ? ORDER BY rank LIMIT ?"
)

# Targets from the issue.
TARGET_BUILD = 100_000  # segments/s
TARGET_PHRASE_P99 = 5.0  # ms
TARGET_PROCESS = 50.0  # ms
TARGET_RSS = 200.0  # MB


def percentile(sorted_values, q):
    if not sorted_values:
        return float("nan")
    k = max(1, min(len(sorted_values), math.ceil(q * len(sorted_values))))
    return sorted_values[k - 1]


def one_shot(db_path, query):
    """The peer of one `rushes search --json` process."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    rows = con.execute(SELECT, (query, LIMIT)).fetchall()
    hits = [
        {"id": r[0], "clip": r[1], "speaker": r[2], "day": r[3], "snippet": r[4], "score": r[5]} for r in rows
    ]
    json.dump(hits, sys.stdout)
    sys.stdout.write("\n")
    return 0 if hits else 1


def build(db_path, tsv_path):
    """Builds (or reuses) the FTS5 table; returns build facts."""
    st = os.stat(tsv_path)
    stamp = f"{st.st_size}:{st.st_mtime_ns}"
    if os.path.exists(db_path):
        row = None
        try:
            with closing(sqlite3.connect(db_path)) as con:
                row = con.execute("SELECT stamp, rows, seconds, rss_mb FROM bench_meta").fetchone()
        except sqlite3.Error:
            pass
        if row and row[0] == stamp:
            print(f"reusing {db_path} (delete it to rebuild)")
            return {"rows": row[1], "seconds": row[2], "rss_mb": row[3], "reused": True}
        os.remove(db_path)
    con = sqlite3.connect(db_path)
    con.execute(
        "CREATE VIRTUAL TABLE seg USING fts5(text, speaker, camera, day, clip UNINDEXED, sid UNINDEXED)"
    )

    def rows():
        with open(tsv_path, encoding="utf-8") as f:
            next(f)
            for line in f:
                sid, clip, speaker, camera, day, text = line.rstrip("\n").split("\t", 5)
                yield (text, speaker, camera, day, clip, int(sid))

    t = time.perf_counter()
    with con:
        con.executemany("INSERT INTO seg(text, speaker, camera, day, clip, sid) VALUES (?,?,?,?,?,?)", rows())
    seconds = time.perf_counter() - t
    n = con.execute("SELECT count(*) FROM seg").fetchone()[0]
    # Peak RSS of this process so far (KiB on Linux): the build's peak.
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with con:
        con.execute("CREATE TABLE bench_meta(stamp, rows, seconds, rss_mb)")
        con.execute("INSERT INTO bench_meta VALUES (?,?,?,?)", (stamp, n, seconds, rss_mb))
    con.close()
    return {"rows": n, "seconds": seconds, "rss_mb": rss_mb, "reused": False}


def run_query(con, q):
    first = con.execute(SELECT, (q, LIMIT)).fetchall()
    for _ in range(3):
        con.execute(SELECT, (q, LIMIT)).fetchall()
    times = []
    start = time.perf_counter()
    while len(times) < MIN_RUNS or (len(times) < MAX_RUNS and time.perf_counter() - start < QUERY_BUDGET_S):
        t = time.perf_counter()
        con.execute(SELECT, (q, LIMIT)).fetchall()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    count = con.execute("SELECT count(*) FROM seg WHERE seg MATCH ?", (q,)).fetchone()[0]
    return {
        "hits": len(first),
        "matches": count,
        "runs": len(times),
        "p50_ms": percentile(times, 0.50),
        "p95_ms": percentile(times, 0.95),
        "p99_ms": percentile(times, 0.99),
    }


def run_process(bench_dir, q):
    cmd = [sys.executable, os.path.abspath(__file__), bench_dir, "--query", q]
    times = []
    for k in range(PROCESS_RUNS + 2):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        if k >= 2:
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    rss = None
    if os.path.exists("/usr/bin/time"):
        for _ in range(5):
            out = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr.decode())
            if m:
                rss = max(rss or 0.0, int(m.group(1)) / 1024)
    return {"median_ms": statistics.median(times), "p95_ms": percentile(times, 0.95), "peak_rss_mb": rss}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", help="the RUSHES_BENCH_DIR the search bench wrote")
    ap.add_argument("--query", help="one-shot: run this FTS5 query, print the top 20 as JSON")
    args = ap.parse_args()
    db_path = os.path.join(args.dir, "fts5.db")
    if args.query is not None:
        return one_shot(db_path, args.query)

    con = sqlite3.connect(":memory:")
    try:
        con.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
    except sqlite3.OperationalError as e:
        sys.exit(f"this Python's SQLite has no FTS5: {e}")
    con.close()

    tsv = os.path.join(args.dir, "segments.tsv")
    with open(os.path.join(args.dir, "queries.json"), encoding="utf-8") as f:
        queries = json.load(f)
    b = build(db_path, tsv)
    db_bytes = os.path.getsize(db_path)
    print(f"SQLite {sqlite3.sqlite_version}, FTS5 default tokenizer (unicode61, diacritics removed)")
    print(
        f"build: {b['rows']} rows in {b['seconds']:.1f} s = {b['rows'] / b['seconds']:.0f} rows/s"
        f"{' (earlier run)' if b['reused'] else ''}; {db_bytes / 1e6:.1f} MB on disk; peak RSS {b['rss_mb']:.0f} MB"
    )

    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    print()
    print(f"{'query':<16} {'fts5':<44} {'expected':>8} {'matches':>8} {'hits':>5} {'runs':>5} "
          f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  note")
    results = []
    for q in queries:
        r = {"name": q["name"], "fts5": q["fts5"], "expected_segments": q["expected_segments"], "note": q["fts5_note"]}
        if q["fts5"] is None:
            print(f"{q['name']:<16} {'-':<44} {q['expected_segments']:>8} {'-':>8} {'-':>5} {'-':>5} "
                  f"{'-':>8} {'-':>8} {'-':>8}  {q['fts5_note'] or ''}")
            results.append(r)
            continue
        r.update(run_query(con, q["fts5"]))
        note = q["fts5_note"] or ""
        if r["matches"] != q["expected_segments"]:
            note = f"COUNT DIFFERS from corpus; {note}"
        print(f"{q['name']:<16} {q['fts5']:<44} {q['expected_segments']:>8} {r['matches']:>8} {r['hits']:>5} "
              f"{r['runs']:>5} {r['p50_ms']:>8.2f} {r['p95_ms']:>8.2f} {r['p99_ms']:>8.2f}  {note}")
        results.append(r)
    con.close()

    print()
    process = []
    for name in ["phrase_rare", "phrase_common", "filter_speaker"]:
        q = next((q for q in queries if q["name"] == name and q["fts5"]), None)
        if q is None:
            continue
        p = run_process(args.dir, q["fts5"])
        p["name"] = name
        rss = "n/a" if p["peak_rss_mb"] is None else f"{p['peak_rss_mb']:.1f} MB"
        print(f"process `fts5_peer.py --query` {name:<14}: median {p['median_ms']:.1f} ms, "
              f"p95 {p['p95_ms']:.1f} ms over {PROCESS_RUNS} runs; peak RSS {rss}")
        process.append(p)

    out = {
        "sqlite": sqlite3.sqlite_version,
        "build": {
            "rows": b["rows"],
            "seconds": b["seconds"],
            "rows_per_s": b["rows"] / b["seconds"],
            "peak_rss_mb": b["rss_mb"],
        },
        "db_bytes": db_bytes,
        "queries": results,
        "process": process,
    }
    with open(os.path.join(args.dir, "fts5-results.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2)

    ours_path = os.path.join(args.dir, "rushes-results.json")
    if os.path.exists(ours_path):
        with open(ours_path, encoding="utf-8") as f:
            compare(json.load(f), out)
    return 0


def compare(ours, peer):
    """The table: rushes vs FTS5, and each target met or not."""
    def met(ok):
        return "met" if ok else "MISSED"

    rows = []
    build = ours["build"]["segments_per_s"]
    rows.append(("index build (segments/s)", f"{build:,.0f}", f"{peer['build']['rows_per_s']:,.0f}",
                 f">= {TARGET_BUILD:,}", met(build >= TARGET_BUILD)))
    ours_rss, peer_rss = ours["build"].get("peak_rss_mb"), peer["build"].get("peak_rss_mb")
    rows.append(("index build peak RSS (MB)", "n/a" if ours_rss is None else f"{ours_rss:,.0f}",
                 "n/a" if peer_rss is None else f"{peer_rss:,.0f}", "", ""))
    rows.append(("index size on disk (MB)", f"{ours['index_bytes'] / 1e6:.0f}", f"{peer['db_bytes'] / 1e6:.0f}", "", ""))
    peer_q = {q["name"]: q for q in peer["queries"]}
    for q in ours["queries"]:
        p = peer_q.get(q["name"], {})
        target, verdict = "", ""
        if q["name"].startswith("phrase"):
            target, verdict = f"p99 <= {TARGET_PHRASE_P99:g}", met(q["p99_ms"] <= TARGET_PHRASE_P99)
        theirs = "n/a" if "p99_ms" not in p else f"{p['p50_ms']:.2f} / {p['p99_ms']:.2f}"
        if p.get("matches") == 0 and q["name"] == "phrase_cross":
            theirs += " (0 found)"
        ours_txt = f"{q['p50_ms']:.2f} / {q['p99_ms']:.2f}"
        if not q["check"].startswith("ok"):
            ours_txt += f" ({q['check']})"
        rows.append((f"{q['name']} p50/p99 ms", ours_txt, theirs, target, verdict))
    peer_p = {p["name"]: p for p in peer["process"]}
    for p in ours["process"]:
        o = peer_p.get(p["name"], {})
        rows.append((f"process {p['name']} median/p95 ms", f"{p['median_ms']:.1f} / {p['p95_ms']:.1f}",
                     f"{o.get('median_ms', float('nan')):.1f} / {o.get('p95_ms', float('nan')):.1f}",
                     f"<= {TARGET_PROCESS:g}", met(p["median_ms"] <= TARGET_PROCESS)))
        if p.get("peak_rss_mb") is not None:
            theirs = o.get("peak_rss_mb")
            rows.append((f"process {p['name']} peak RSS MB", f"{p['peak_rss_mb']:.1f}",
                         "n/a" if theirs is None else f"{theirs:.1f}", f"<= {TARGET_RSS:g}",
                         met(p["peak_rss_mb"] <= TARGET_RSS)))
    print()
    print("| figure | rushes | SQLite FTS5 | target | |")
    print("|---|---:|---:|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    sys.exit(main())
