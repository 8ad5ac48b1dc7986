//! The compact per-transcript store: every cue of one transcript file, as
//! read (timing, speaker, text, line) and as placed on its clip (offsets,
//! frames, record timecode), in one binary value stored once per
//! transcript. The index's cue documents store nothing; a hit names its
//! transcript and cue number, and the cue is read from here.
//!
//! A transcript is written in chunks of [`CUES_PER_CHUNK`] cues, each a
//! value of its own (its own document, `index.rs`): a hit reads and
//! decompresses the few kilobytes of its chunk, not the whole transcript
//! (an hour's interview is a few hundred kilobytes, and a page of hits
//! with their ties reads 50 of them). Reading a whole transcript is its
//! chunks in order.
//!
//! Layout (all integers little-endian):
//! ```text
//! u8  version (4; 3, 2 and 1 are read too: they hold a whole transcript,
//!     with no first cue number; 2 and 1 have no format in their header,
//!     and version 1's rows have no labels)
//! u32 header length, header (postcard: clip id, source path, the format's
//!     name)
//! u32 the number of the chunk's first cue (version 4 on)
//! u32 cue count N
//! (N + 1) × u32 offsets of each row from the first row's start
//! rows (postcard), one per cue
//! ```
//! The offset table reads one cue without decoding the others.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::index::IndexError;
use crate::clip::Segment;
use crate::transcript::{Cue, LabelSpan};

const VERSION: u8 = 4;
/// Whole transcripts, before chunks (no first cue number).
const VERSION_3: u8 = 3;
/// Headers before the transcript's format was kept ([`Header`]).
const VERSION_2: u8 = 2;
/// Rows before SMPTE labels (`Cue::tc`, `Cue::open_end`): the same fields
/// without the last two.
const VERSION_1: u8 = 1;

/// The header of versions 1 and 2.
#[derive(Serialize, Deserialize)]
struct Header<'a> {
    #[serde(borrow)]
    clip_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    source: Cow<'a, str>,
}

/// How many cues a chunk holds: part of the format, since a reader finds
/// cue `n` in chunk `n / CUES_PER_CHUNK` (`index.rs`). A row is about a
/// hundred bytes, so a chunk is a few kilobytes.
pub(super) const CUES_PER_CHUNK: usize = 32;

/// The header from version 3 on: the format the file was read as
/// (`Format::name`, "Premiere text"), so a hit can say it.
#[derive(Serialize, Deserialize)]
struct Header3<'a> {
    #[serde(borrow)]
    clip_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    source: Cow<'a, str>,
    #[serde(borrow)]
    format: Option<Cow<'a, str>>,
}

/// A row: the cue as read and as placed, then (version 2 on) its labels.
/// postcard writes a nested struct's fields inline, so a version-1 row is
/// exactly a [`RowCore`].
#[derive(Serialize, Deserialize)]
struct Row<'a> {
    #[serde(borrow)]
    core: RowCore<'a>,
    tc: Option<LabelSpan>,
    open_end: bool,
}

#[derive(Serialize, Deserialize)]
struct RowCore<'a> {
    line: u64,
    start_ms: u64,
    end_ms: u64,
    #[serde(borrow)]
    speaker: Option<Cow<'a, str>>,
    #[serde(borrow)]
    text: Cow<'a, str>,
    #[serde(borrow)]
    placed: Option<Placed<'a>>,
}

#[derive(Serialize, Deserialize)]
struct Placed<'a> {
    offset_in_s: f64,
    offset_out_s: f64,
    frame_in: Option<u64>,
    frame_out: Option<u64>,
    #[serde(borrow)]
    tc_in: Option<Cow<'a, str>>,
    #[serde(borrow)]
    tc_out: Option<Cow<'a, str>>,
}

fn bad(what: &str) -> IndexError {
    IndexError::Record(format!("transcript store: {what}"))
}

/// Encodes a transcript's cues and, when it is placed on a clip, the
/// segment each became (`segments[n]` is `cues[n]` placed), as chunks of
/// [`CUES_PER_CHUNK`] cues in order (one, empty, for no cues).
pub(super) fn encode_chunks(
    source: &str,
    clip_id: Option<&str>,
    format: Option<&str>,
    cues: &[Cue],
    segments: &[Segment],
) -> Vec<Vec<u8>> {
    if cues.is_empty() {
        return vec![encode_range(source, clip_id, format, cues, segments, 0..0)];
    }
    (0..cues.len())
        .step_by(CUES_PER_CHUNK)
        .map(|first| {
            let range = first..(first + CUES_PER_CHUNK).min(cues.len());
            encode_range(source, clip_id, format, cues, segments, range)
        })
        .collect()
}

/// Encodes every cue in one value (a chunk of them all).
#[cfg(test)]
pub(super) fn encode(
    source: &str,
    clip_id: Option<&str>,
    format: Option<&str>,
    cues: &[Cue],
    segments: &[Segment],
) -> Vec<u8> {
    encode_range(source, clip_id, format, cues, segments, 0..cues.len())
}

/// A chunk of every cue ([`encode`]) as a whole transcript was written
/// before chunks (version 3: no first cue number).
#[cfg(test)]
pub(super) fn as_version_3(v4: &[u8]) -> Vec<u8> {
    let header_len = u32_at(v4, 1).unwrap_or_default();
    let mut v3 = vec![VERSION_3];
    v3.extend_from_slice(&v4[1..5 + header_len]);
    v3.extend_from_slice(&v4[5 + header_len + 4..]);
    v3
}

/// Encodes cues `range` (and their segments) as one chunk.
fn encode_range(
    source: &str,
    clip_id: Option<&str>,
    format: Option<&str>,
    cues: &[Cue],
    segments: &[Segment],
    range: std::ops::Range<usize>,
) -> Vec<u8> {
    let header = Header3 {
        clip_id: clip_id.map(Cow::Borrowed),
        source: Cow::Borrowed(source),
        format: format.map(Cow::Borrowed),
    };
    let header = postcard::to_allocvec(&header).unwrap_or_default();
    let first = range.start;
    let cues = cues.get(range).unwrap_or_default();
    let mut rows = Vec::with_capacity(cues.len() * 96);
    let mut offsets = Vec::with_capacity(cues.len() + 1);
    for (n, cue) in (first..).zip(cues) {
        offsets.push(rows.len() as u32);
        let placed = segments.get(n).map(|s| Placed {
            offset_in_s: s.offset_in_s,
            offset_out_s: s.offset_out_s,
            frame_in: s.frame_in,
            frame_out: s.frame_out,
            tc_in: s.tc_in.as_deref().map(Cow::Borrowed),
            tc_out: s.tc_out.as_deref().map(Cow::Borrowed),
        });
        let core = RowCore {
            line: cue.line as u64,
            start_ms: cue.start_ms,
            end_ms: cue.end_ms,
            speaker: cue.speaker.as_deref().map(Cow::Borrowed),
            text: Cow::Borrowed(&cue.text),
            placed,
        };
        let row = Row { core, tc: cue.tc, open_end: cue.open_end };
        // Serializing plain values into a Vec cannot fail.
        if let Ok(bytes) = postcard::to_allocvec(&row) {
            rows.extend_from_slice(&bytes);
        }
    }
    offsets.push(rows.len() as u32);
    let mut out = Vec::with_capacity(13 + header.len() + offsets.len() * 4 + rows.len());
    out.push(VERSION);
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&(first as u32).to_le_bytes());
    out.extend_from_slice(&(cues.len() as u32).to_le_bytes());
    for o in offsets {
        out.extend_from_slice(&o.to_le_bytes());
    }
    out.extend_from_slice(&rows);
    out
}

/// A stored chunk of a transcript (or, written before chunks, a whole
/// one), read in place. Cues are numbered in the transcript.
pub(super) struct Stored<'a> {
    clip_id: Option<String>,
    source: String,
    format: Option<String>,
    offsets: &'a [u8],
    rows: &'a [u8],
    /// The number of its first cue.
    first: usize,
    len: usize,
    version: u8,
}

fn u32_at(bytes: &[u8], at: usize) -> Option<usize> {
    let b = bytes.get(at..at + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
}

impl<'a> Stored<'a> {
    pub(super) fn parse(bytes: &'a [u8]) -> Result<Stored<'a>, IndexError> {
        let version = match bytes.first() {
            Some(&v) if v == VERSION || v == VERSION_3 || v == VERSION_2 || v == VERSION_1 => v,
            _ => return Err(bad("unknown version")),
        };
        let header_len = u32_at(bytes, 1).ok_or_else(|| bad("truncated header"))?;
        let header_bytes = bytes.get(5..5 + header_len).ok_or_else(|| bad("truncated header"))?;
        let header: Header3<'_> = if version >= VERSION_3 {
            postcard::from_bytes(header_bytes).map_err(|e| bad(&e.to_string()))?
        } else {
            let Header { clip_id, source } = postcard::from_bytes(header_bytes).map_err(|e| bad(&e.to_string()))?;
            Header3 { clip_id, source, format: None }
        };
        let mut at = 5 + header_len;
        let mut first = 0;
        if version >= VERSION {
            first = u32_at(bytes, at).ok_or_else(|| bad("truncated first cue"))?;
            at += 4;
        }
        let len = u32_at(bytes, at).ok_or_else(|| bad("truncated count"))?;
        let table_end = at + 4 + (len + 1) * 4;
        let offsets = bytes.get(at + 4..table_end).ok_or_else(|| bad("truncated offsets"))?;
        let rows = bytes.get(table_end..).ok_or_else(|| bad("truncated rows"))?;
        Ok(Stored {
            clip_id: header.clip_id.map(Cow::into_owned),
            source: header.source.into_owned(),
            format: header.format.map(Cow::into_owned),
            offsets,
            rows,
            first,
            len,
            version,
        })
    }

    /// The transcript file's path.
    pub(super) fn source(&self) -> &str {
        &self.source
    }

    /// The format it was read as (`Format::name`), when recorded.
    pub(super) fn format(&self) -> Option<&str> {
        self.format.as_deref()
    }

    /// How many cues it holds.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The number of its first cue (0 for a whole transcript).
    pub(super) fn first(&self) -> usize {
        self.first
    }

    /// Whether it is a whole transcript, written before chunks.
    pub(super) fn whole(&self) -> bool {
        self.version < VERSION
    }

    /// Whether it holds cue `n`.
    pub(super) fn holds(&self, n: usize) -> bool {
        (self.first..self.first + self.len).contains(&n)
    }

    /// Cue `n`'s row.
    fn row(&self, n: usize) -> Result<Row<'a>, IndexError> {
        if !self.holds(n) {
            return Err(bad(&format!("no cue {n}")));
        }
        let n = n - self.first;
        let (from, to) = match (u32_at(self.offsets, n * 4), u32_at(self.offsets, n * 4 + 4)) {
            (Some(f), Some(t)) if f <= t => (f, t),
            _ => return Err(bad(&format!("no cue {n}"))),
        };
        let bytes = self.rows.get(from..to).ok_or_else(|| bad("row out of range"))?;
        if self.version == VERSION_1 {
            let core = postcard::from_bytes(bytes).map_err(|e| bad(&e.to_string()))?;
            return Ok(Row { core, tc: None, open_end: false });
        }
        postcard::from_bytes(bytes).map_err(|e| bad(&e.to_string()))
    }

    /// Cue `n` as read from the file.
    pub(super) fn cue(&self, n: usize) -> Result<Cue, IndexError> {
        let Row { core: r, tc, open_end } = self.row(n)?;
        Ok(Cue {
            start_ms: r.start_ms,
            end_ms: r.end_ms,
            text: r.text.into_owned(),
            speaker: r.speaker.map(Cow::into_owned),
            line: r.line as usize,
            tc,
            open_end,
        })
    }

    /// Cue `n` as placed on the clip; `None` when the transcript is on no clip.
    pub(super) fn segment(&self, n: usize) -> Result<Option<Segment>, IndexError> {
        if !self.holds(n) {
            return Ok(None);
        }
        let r = self.row(n)?.core;
        let (Some(p), Some(clip_id)) = (r.placed, &self.clip_id) else { return Ok(None) };
        Ok(Some(Segment {
            clip_id: clip_id.clone(),
            source: self.source.clone(),
            line: r.line as usize,
            n,
            offset_in_s: p.offset_in_s,
            offset_out_s: p.offset_out_s,
            frame_in: p.frame_in,
            frame_out: p.frame_out,
            tc_in: p.tc_in.map(Cow::into_owned),
            tc_out: p.tc_out.map(Cow::into_owned),
            speaker: r.speaker.map(Cow::into_owned),
            text: r.text.into_owned(),
            format: self.format.clone(),
        }))
    }

    pub(super) fn cues(&self) -> Result<Vec<Cue>, IndexError> {
        (self.first..self.first + self.len).map(|n| self.cue(n)).collect()
    }

    pub(super) fn segments(&self) -> Result<Vec<Segment>, IndexError> {
        let mut out = Vec::with_capacity(self.len);
        for n in self.first..self.first + self.len {
            if let Some(s) = self.segment(n)? {
                out.push(s);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::Label;

    fn cue(n: usize, speaker: Option<&str>) -> Cue {
        let text = format!("cue {n} — café\nsecond line");
        let mut cue = Cue::timed(1000 * n as u64, 1000 * n as u64 + 900, text, speaker.map(str::to_string), 4 * n + 2);
        // Every other cue carries SMPTE labels, the last runs to the clip's end.
        if n % 2 == 1 {
            let label = |ss: u8, ff: u8| Label { hh: 23, mm: 59, ss, ff, drop: true };
            cue.tc = Some(LabelSpan { start: label(n as u8, 3), end: label(n as u8, 29) });
        }
        cue.open_end = n == 4;
        cue
    }

    fn placed(c: &Cue, n: usize) -> Segment {
        Segment {
            clip_id: "00000000000000aa".into(),
            source: "/shoot/A.srt".into(),
            line: c.line,
            n,
            offset_in_s: c.start_ms as f64 / 1000.0,
            offset_out_s: c.end_ms as f64 / 1000.0,
            frame_in: Some(25 * n as u64),
            frame_out: (n != 1).then_some(25 * n as u64 + 22),
            tc_in: Some(format!("10:00:{n:02}:00")),
            tc_out: None,
            speaker: c.speaker.clone(),
            text: c.text.clone(),
            format: Some("SRT".into()),
        }
    }

    #[test]
    fn every_cue_and_segment_reads_back_as_written() {
        let cues: Vec<Cue> = (0..5).map(|n| cue(n, (n % 2 == 0).then_some("MARIA"))).collect();
        let segs: Vec<Segment> = cues.iter().enumerate().map(|(n, c)| placed(c, n)).collect();
        let bytes = encode("/shoot/A.srt", Some("00000000000000aa"), Some("SRT"), &cues, &segs);
        let stored = Stored::parse(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stored.len(), 5);
        assert_eq!(stored.cues().ok(), Some(cues.clone()));
        assert_eq!(stored.segments().ok(), Some(segs.clone()));
        assert_eq!(stored.segment(3).ok().flatten(), Some(segs[3].clone()));
        assert_eq!(stored.segment(5).ok().flatten(), None, "past the end");

        let unplaced = encode("/shoot/A.srt", None, Some("SRT"), &cues, &[]);
        let stored = Stored::parse(&unplaced).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stored.cues().ok(), Some(cues));
        assert_eq!(stored.segment(0).ok().flatten(), None, "a transcript on no clip has no segments");
    }

    /// A store written before labels (version 1) still reads: the same
    /// rows, no labels.
    #[test]
    fn version_1_rows_read_without_labels() {
        // A version-1 row, field by field as it was written.
        let header = postcard::to_allocvec(&Header { clip_id: None, source: Cow::Borrowed("/a.srt") }).unwrap();
        let fields = (3u64, 1000u64, 1900u64, Some("ANN"), "hello", None::<Placed<'_>>);
        let row = postcard::to_allocvec(&fields).unwrap();
        let mut bytes = vec![VERSION_1];
        bytes.extend_from_slice(&(header.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&header);
        bytes.extend_from_slice(&1u32.to_le_bytes());
        bytes.extend_from_slice(&0u32.to_le_bytes());
        bytes.extend_from_slice(&(row.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&row);
        let stored = Stored::parse(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stored.cues().ok(), Some(vec![Cue::timed(1000, 1900, "hello".into(), Some("ANN".into()), 3)]));
    }

    /// A version-2 store (labels, no format in its header) reads, with no
    /// format.
    #[test]
    fn version_2_reads_without_a_format() {
        let cues: Vec<Cue> = (0..2).map(|n| cue(n, Some("MARIA"))).collect();
        let segs: Vec<Segment> = cues.iter().enumerate().map(|(n, c)| placed(c, n)).collect();
        let v4 = encode("/shoot/A.srt", Some("00000000000000aa"), Some("SRT"), &cues, &segs);
        let header_len = u32_at(&v4, 1).unwrap_or_default();
        let header = postcard::to_allocvec(&Header {
            clip_id: Some(Cow::Borrowed("00000000000000aa")),
            source: Cow::Borrowed("/shoot/A.srt"),
        })
        .unwrap();
        let mut v2 = vec![VERSION_2];
        v2.extend_from_slice(&(header.len() as u32).to_le_bytes());
        v2.extend_from_slice(&header);
        // Version 4's header, less its first cue number.
        v2.extend_from_slice(&v4[5 + header_len + 4..]);
        let stored = Stored::parse(&v2).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stored.cues().ok(), Some(cues));
        let unformatted: Vec<Segment> = segs.into_iter().map(|s| Segment { format: None, ..s }).collect();
        assert_eq!(stored.segments().ok(), Some(unformatted));
    }

    /// A transcript is written in chunks; each holds its own cues,
    /// numbered in the transcript, and they read back whole in order.
    #[test]
    fn chunks_hold_their_own_cues_numbered_in_the_transcript() {
        let total = 2 * CUES_PER_CHUNK + 5;
        let cues: Vec<Cue> = (0..total).map(|n| cue(n % 40, Some("MARIA"))).collect();
        let segs: Vec<Segment> = cues.iter().enumerate().map(|(n, c)| placed(c, n)).collect();
        let chunks = encode_chunks("/shoot/A.srt", Some("00000000000000aa"), Some("SRT"), &cues, &segs);
        assert_eq!(chunks.len(), 3);
        let (mut all_cues, mut all_segs) = (Vec::new(), Vec::new());
        for (k, bytes) in chunks.iter().enumerate() {
            let stored = Stored::parse(bytes).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(stored.first(), k * CUES_PER_CHUNK);
            assert_eq!(stored.format(), Some("SRT"));
            all_cues.extend(stored.cues().unwrap_or_else(|e| panic!("{e}")));
            all_segs.extend(stored.segments().unwrap_or_else(|e| panic!("{e}")));
        }
        assert_eq!(all_cues, cues);
        assert_eq!(all_segs, segs);
        let last = Stored::parse(&chunks[2]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(last.len(), 5);
        assert_eq!(last.segment(total - 1).ok().flatten(), Some(segs[total - 1].clone()));
        assert_eq!(last.segment(2 * CUES_PER_CHUNK - 1).ok().flatten(), None, "the chunk before's");
        assert_eq!(last.segment(total).ok().flatten(), None, "past the end");
        assert!(last.cue(3).is_err(), "cue 3 is in the first chunk");

        let none = encode_chunks("/shoot/A.srt", None, None, &[], &[]);
        assert_eq!(none.len(), 1, "a transcript of no cues is still kept");
        assert_eq!(Stored::parse(&none[0]).map(|s| s.len()).ok(), Some(0));
    }

    /// A whole transcript written before chunks (version 3) reads, from
    /// cue 0.
    #[test]
    fn version_3_reads_as_one_whole_transcript() {
        let cues: Vec<Cue> = (0..40).map(|n| cue(n, None)).collect();
        let segs: Vec<Segment> = cues.iter().enumerate().map(|(n, c)| placed(c, n)).collect();
        let v3 = as_version_3(&encode("/shoot/A.srt", Some("00000000000000aa"), Some("SRT"), &cues, &segs));
        assert_eq!(v3[0], VERSION_3);
        let stored = Stored::parse(&v3).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((stored.first(), stored.len(), stored.whole()), (0, 40, true));
        assert_eq!(stored.segments().ok(), Some(segs.clone()));
        assert_eq!(stored.segment(39).ok().flatten(), Some(segs[39].clone()));
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        let cues: Vec<Cue> = (0..3).map(|n| cue(n, None)).collect();
        let bytes = encode_chunks("/a.srt", None, None, &cues, &[]).concat();
        for cut in 0..bytes.len() {
            if let Ok(s) = Stored::parse(&bytes[..cut]) {
                let _ = s.cues();
            }
        }
        assert!(Stored::parse(&[9, 0, 0]).is_err());
    }
}
