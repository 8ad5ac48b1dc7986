#!/usr/bin/env python3
"""Reads a caption or transcript file with an independent public parser and
prints its cues as JSON: [{"start": seconds, "end": seconds or null,
"text": str, "speaker": str or null}], for tests/formats.rs.

usage: read_captions.py READER PATH

READER: scc-pycaption, scc-ttconv, stl-ttconv, ttml-ttconv, sbv-webvtt
(cues), deepgram-words, assemblyai-words (one entry per word, as
deepgram-captions lines them up).
"""
import json
import re
import sys
import xml.etree.ElementTree as ET


def srt_cues(srt):
    """ttconv's SRT writer output, read back: times in milliseconds."""
    cues = []
    for block in re.split(r"\n\s*\n", srt.strip()):
        lines = block.splitlines()
        if len(lines) < 2 or "-->" not in lines[1]:
            continue
        def secs(t):
            h, m, rest = t.strip().split(":")
            s, ms = rest.split(",")
            return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000
        a, b = lines[1].split("-->")
        text = re.sub(r"<[^>]+>", "", "\n".join(lines[2:]))
        cues.append({"start": secs(a), "end": secs(b), "text": text, "speaker": None})
    return cues


def main(reader, path):
    if reader == "scc-pycaption":
        from pycaption import SCCReader
        doc = SCCReader().read(open(path, encoding="utf-8").read())
        caps = doc.get_captions(doc.get_languages()[0])
        return [{"start": c.start / 1e6, "end": c.end / 1e6, "text": c.get_text(), "speaker": None} for c in caps]
    if reader in ("scc-ttconv", "stl-ttconv", "ttml-ttconv"):
        import ttconv.srt.writer as srt_writer
        if reader == "scc-ttconv":
            import ttconv.scc.reader as r
            doc = r.to_model(open(path, encoding="utf-8").read())
        elif reader == "stl-ttconv":
            import ttconv.stl.reader as r
            doc = r.to_model(open(path, "rb"))
        else:
            import ttconv.imsc.reader as r
            doc = r.to_model(ET.parse(path))
        return srt_cues(srt_writer.from_model(doc))
    if reader == "sbv-webvtt":
        import webvtt
        def secs(t):
            h, m, s = t.split(":")
            return int(h) * 3600 + int(m) * 60 + float(s)
        return [{"start": secs(c.start), "end": secs(c.end), "text": c.text, "speaker": None}
                for c in webvtt.from_sbv(path)]
    if reader in ("deepgram-words", "assemblyai-words"):
        from deepgram_captions import AssemblyAIConverter, DeepgramConverter
        conv = (DeepgramConverter if reader == "deepgram-words" else AssemblyAIConverter)(json.load(open(path)))
        scale = 1 if reader == "deepgram-words" else 1000
        return [{"start": w["start"] / scale, "end": w["end"] / scale,
                 "text": w.get("punctuated_word") or w.get("text"), "speaker": w.get("speaker")}
                for line in conv.get_lines(8) for w in line]
    raise SystemExit(f"unknown reader {reader}")


if __name__ == "__main__":
    json.dump(main(sys.argv[1], sys.argv[2]), sys.stdout, ensure_ascii=False)
