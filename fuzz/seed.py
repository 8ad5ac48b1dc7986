#!/usr/bin/env python3
"""Fills a fuzz target's seed corpus from fixtures/ and ../shared/realdata.

usage: seed.py TARGET OUT_DIR

Media files are shrunk to their structure: the payload of every top-level
RIFF `data` chunk or QuickTime `mdat` box is cut to 64 bytes (sizes fixed
up), so the fuzzer spends its time on headers, not on sample bytes.
Nothing under fixtures/ or realdata is changed; seeds are written to OUT_DIR.
"""
import hashlib
import pathlib
import struct
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "realdata"
MAX_SEED = 1 << 20


def files(*patterns):
    for base in (ROOT / "fixtures", REAL):
        if base.is_dir():
            for pattern in patterns:
                for path in sorted(base.rglob(pattern)):
                    if path.is_file() and not path.is_symlink():
                        yield path


def shrink_riff(data):
    if len(data) < 12 or data[:4] not in (b"RIFF", b"RF64", b"BW64"):
        return data
    out, pos = bytearray(data[:12]), 12
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        if cid == b"data" and size != 0xFFFFFFFF:
            size = min(size, 64)
            body = data[pos + 8:pos + 8 + size]
            # Skip the real payload, keep the chunks after it.
            real = struct.unpack("<I", data[pos + 4:pos + 8])[0]
            out += cid + struct.pack("<I", len(body)) + body
            pos += 8 + real + (real & 1)
            continue
        body = data[pos + 8:pos + 8 + size]
        out += data[pos:pos + 8] + body + (b"\0" if size & 1 else b"")
        pos += 8 + size + (size & 1)
    if data[:4] == b"RIFF":
        out[4:8] = struct.pack("<I", len(out) - 8)
    return bytes(out)


def shrink_qt(data):
    out, pos = bytearray(), 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        header = 8
        if size == 1 and pos + 16 <= len(data):
            size, header = struct.unpack(">Q", data[pos + 8:pos + 16])[0], 16
        elif size == 0:
            size = len(data) - pos
        if size < header:
            break
        if kind == b"mdat":
            body = data[pos + header:pos + min(size, header + 64)]
            out += struct.pack(">I4s", 8 + len(body), kind) + body
        else:
            out += data[pos:pos + size]
        pos += size
    return bytes(out) if out else data


def prefixed(pick, paths):
    for path in paths:
        yield bytes([pick]) + path.read_bytes()


def seeds(target):
    if target == "timecode":
        labels = ["01:00:00:00", "14:31:00;03", "23:59:59;29", "00:00:59;29", "00:01:00;02",
                  "10:00:00.00", "10:00:00", "1:2:3", "24:00:00:00", "23:59:59:59", "00:00:00:00",
                  "29.97", "30000/1001", "24000/1001", "59.94", "25", "23.976 DF"]
        for pick in range(12):
            for label in labels:
                yield bytes([pick]) + label.encode()
    elif target == "srt":
        yield from (p.read_bytes() for p in files("*.srt", "*.SRT"))
    elif target == "vtt":
        yield from (p.read_bytes() for p in files("*.vtt"))
    elif target == "whisper":
        # Every JSON transcript shape goes through this entry point:
        # Whisper, Premiere, Rev.ai, AssemblyAI, Deepgram.
        yield from (p.read_bytes() for p in files("*.json")
                    if any(k in p.read_bytes()[:MAX_SEED] for k in (b'"segments"', b'"monologues"', b'"utterances"', b'"results"')))
        yield b'{"text":" hi","segments":[{"id":0,"start":0.0,"end":1.5,"text":" hi","speaker":"SPEAKER_00",' \
              b'"words":[{"word":"hi","start":0.0,"end":0.4}]}],"language":"en"}'
    elif target == "notes":
        yield from prefixed(0, files("*.csv"))
        yield from prefixed(1, files("*.tsv"))
        yield from prefixed(2, (p for p in files("*.txt") if "NOTES" in p.parts or "notes" in p.name.lower()))
        yield from prefixed(2, files("*.ale"))
    elif target == "bwf":
        yield from (shrink_riff(p.read_bytes()) for p in files("*.wav", "*.WAV"))
    elif target == "quicktime":
        yield from (shrink_qt(p.read_bytes()) for p in files("*.mov", "*.MOV", "*.mp4", "*.MP4", "*.m4a"))
    elif target == "sony_xml":
        yield from (p.read_bytes() for p in files("*M01.XML", "*M01.xml"))
        yield from (p.read_bytes() for p in files("*.XML") if "p2" in p.parts)
    elif target == "selects":
        yield from (p.read_bytes() for p in files("*.csv", "*.tsv"))
        yield b"clip;tc_in;tc_out;comment\nC0001.MP4;14:30:59;29;14:31:01;02;split drop-frame labels\n"
        yield b"\xef\xbb\xbfName\tIn\tOut\tComments\r\nA003C012\t14:31:10:00\t14:31:10:22\t\"quoted, \"\"tab\"\"\"\r\n"
    elif target == "mxf":
        yield from (p.read_bytes() for p in files("*.mxf", "*.MXF"))
    elif target == "matroska":
        # Matroska's media is at the end of the header (Clusters); the
        # first 64 KiB hold every element the walker reads.
        yield from (p.read_bytes()[:65536] for p in files("*.mkv", "*.webm", "*.mka"))
    elif target == "stamped":
        yield from (p.read_bytes() for p in files("*.txt") if "transcripts" in p.parts)
        yield b"[00:00:44] Maria: We drove out.\n(00:01:23) Tom: Why?\n\nSPEAKER\n01;00;10;02\ntext\nPage 1 of 2\n"
    elif target == "nle_sheet":
        yield from (p.read_bytes() for p in files("*.csv") if "transcripts" in p.parts)
    elif target == "scc":
        yield from (p.read_bytes() for p in files("*.scc"))
    elif target == "stl":
        yield from (p.read_bytes() for p in files("*.stl"))
    elif target == "ttml":
        yield from (p.read_bytes() for p in files("*.ttml", "*.dfxp"))
        yield (b'<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter" '
               b'ttp:frameRate="30" ttp:frameRateMultiplier="1000 1001" ttp:tickRate="10000000"><body><div begin="1s">'
               b'<p begin="00:00:01:15" end="00:00:03:00">a<br/>b &amp; c</p><p begin="100t" dur="12f">d</p></div></body></tt>')
    elif target == "subtitles":
        yield from prefixed(0, files("*.sbv"))
        yield b"\x01[Script Info]\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n" \
              b"Dialogue: 0,0:00:01.50,0:00:03.00,Default,Maria,0,0,0,,{\\i1}a,b\\Nc\n"
    elif target == "docx":
        yield from (p.read_bytes() for p in files("*.docx"))
    elif target == "mhl":
        yield from (p.read_bytes() for p in files("*.mhl", "ascmhl_chain.xml"))
        # An ASC MHL v2 generation, its chain, and a legacy v1.1 list.
        yield (b'<?xml version="1.0" encoding="UTF-8"?>\n<hashlist version="2.0" xmlns="urn:ASC:MHL:v2.0">\n'
               b'  <creatorinfo><creationdate>2026-03-14T10:00:00+00:00</creationdate><hostname>dit</hostname>'
               b'<tool version="1.2">ascmhl.py</tool><author><name>A. Tech</name></author></creatorinfo>\n'
               b'  <hashes>\n    <hash><path size="1024" lastmodificationdate="2026-03-14T09:00:00+00:00">'
               b'A001/C0001.MP4</path><xxh64 action="original">0ea03b369a463d9d</xxh64>'
               b'<md5 action="original">d41d8cd98f00b204e9800998ecf8427e</md5></hash>\n'
               b'    <directoryhash><path>A001</path><content><xxh64>1111222233334444</xxh64></content></directoryhash>\n'
               b'  </hashes>\n</hashlist>\n')
        yield (b'<?xml version="1.0" encoding="UTF-8"?>\n<ascmhldirectory xmlns="urn:ASC:MHL:DIRECTORY:v2.0">\n'
               b'  <hashlist sequencenr="1"><path>0001_CARD_2026-03-14_100000Z.mhl</path>'
               b'<c4>c45XyDwWmrPQwJPdULBhma6LGNaLghKtN7R9vLn2tFMepZ7k9ZWM8AqydpW5TvuHLgWXFBt0b3V2WMxcqNq4gE9Tp4</c4></hashlist>\n'
               b'</ascmhldirectory>\n')
        yield (b'<?xml version="1.0" encoding="UTF-8"?>\n<hashlist version="1.1">\n<creatorinfo><name>Ann</name>'
               b'<username>ann</username><hostname>mac</hostname><tool>ShotPut Pro</tool>'
               b'<startdate>2026-03-14T09:00:00Z</startdate></creatorinfo>\n<hash><file>A001/C0001.MP4</file>'
               b'<size>1024</size><lastmodificationdate>2026-03-14T09:00:00Z</lastmodificationdate>'
               b'<xxhash64be>0ea03b369a463d9d</xxhash64be><hashdate>2026-03-14T09:30:00Z</hashdate></hash>\n</hashlist>\n')
    else:
        sys.exit(f"seed.py: unknown target {target}")


def main():
    target, out = sys.argv[1], pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for data in seeds(target):
        data = data[:MAX_SEED]
        (out / hashlib.sha1(data).hexdigest()).write_bytes(data)
        n += 1
    print(f"{target}: {n} seeds", file=sys.stderr)


main()
