"""Reads an exported timeline with the industry's readers and prints what
they see as JSON, one object per clip event:

    {"name", "url", "start", "duration", "rate", "reader"}

and, from OpenTimelineIO's readers, the clip's "metadata" (as plain JSON)
and its "markers" ({"name", "comment", "color", "metadata"}): where the
adapters put what a format carries besides the media and the span
(comments of an EDL event, ALE columns, FCP markers).

`start` and `duration` are frame counts at `rate` as the reader reports
them (for pycmx, frames counted from the source timecode labels with the
EDL's drop-frame flag). The Rust test compares them with what we meant.

With FORMAT `xml`, prints instead every element of an XML file as
{"tag", "attrs", "text"} after a strict parse (Python's expat), so a test
can see the exact strings an XML reader recovers.

usage: read_timeline.py FORMAT FILE RATE
"""
import json
import sys


def plain(value):
    """An OTIO metadata value (AnyDictionary, AnyVector...) as plain JSON."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if hasattr(value, "items"):
        return {str(k): plain(v) for k, v in value.items()}
    try:
        return [plain(v) for v in value]
    except TypeError:
        return str(value)


def otio_clips(path, adapter, rate):
    import opentimelineio as otio

    kwargs = {"adapter_name": adapter}
    if adapter in ("cmx_3600", "ale"):
        kwargs["rate"] = rate
    result = otio.adapters.read_from_file(path, **kwargs)
    if isinstance(result, otio.schema.SerializableCollection):
        clips = [c for item in result for c in (item.find_clips() if hasattr(item, "find_clips") else [item])]
    else:
        clips = list(result.find_clips())
    out = []
    for clip in clips:
        ref = clip.media_reference
        url = getattr(ref, "target_url", None)
        sr = clip.source_range
        out.append(
            {
                "reader": "otio:" + adapter,
                "name": clip.name,
                "url": url,
                "start": sr.start_time.value if sr else None,
                "duration": sr.duration.value if sr else None,
                "rate": sr.start_time.rate if sr else None,
                "track": clip.parent().kind if clip.parent() is not None else None,
                "metadata": plain(clip.metadata),
                "markers": [
                    {"name": m.name, "comment": m.comment, "color": m.color, "metadata": plain(m.metadata)}
                    for m in clip.markers
                ],
            }
        )
    return out


def tc_frames(tc, nominal, drop):
    hh, mm, ss, ff = [int(x) for x in tc.replace(";", ":").replace(".", ":").split(":")]
    total_minutes = hh * 60 + mm
    dropped = (nominal // 15) if drop else 0
    return ((hh * 3600 + mm * 60 + ss) * nominal + ff) - dropped * (total_minutes - total_minutes // 10)


def pycmx_clips(path, rate):
    import pycmx

    nominal = int(round(rate))
    out = []
    with open(path) as f:
        edl = pycmx.parse_cmx3600(f)
    drop = "DROP FRAME" in open(path).read() and "NON-DROP" not in open(path).read()
    for event in edl.events:
        for edit in event.edits:
            start = tc_frames(edit.source_in, nominal, drop)
            end = tc_frames(edit.source_out, nominal, drop)
            out.append(
                {
                    "reader": "pycmx",
                    "name": edit.clip_name,
                    "url": None,
                    "start": start,
                    "duration": end - start,
                    "rate": rate,
                    "reel": edit.source,
                    "channels": str(edit.channels),
                }
            )
    return out


def xml_elements(path):
    import xml.etree.ElementTree as ET

    return [{"tag": e.tag, "attrs": dict(e.attrib), "text": e.text} for e in ET.parse(path).iter()]


def main():
    fmt, path, rate = sys.argv[1], sys.argv[2], float(sys.argv[3])
    if fmt == "xml":
        clips = xml_elements(path)
    elif fmt == "edl":
        clips = otio_clips(path, "cmx_3600", rate) + pycmx_clips(path, rate)
    elif fmt == "otio":
        clips = otio_clips(path, "otio_json", rate)
    elif fmt == "xmeml":
        clips = otio_clips(path, "fcp_xml", rate)
    elif fmt == "fcpxml":
        clips = otio_clips(path, "fcpx_xml", rate)
    elif fmt == "ale":
        clips = otio_clips(path, "ale", rate)
    else:
        raise SystemExit("unknown format " + fmt)
    json.dump(clips, sys.stdout)


if __name__ == "__main__":
    main()
