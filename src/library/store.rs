//! The compact per-transcript store: every cue of one transcript file, as
//! read (timing, speaker, text, line) and as placed on its clip (offsets,
//! frames, record timecode), in one binary value stored once per
//! transcript. The index's cue documents store nothing; a hit names its
//! transcript and cue number, and the cue is read from here.
//!
//! Layout (all integers little-endian):
//! ```text
//! u8  version (3; 2 and 1 are read too: their header has no format, and
//!     version 1's rows have no labels)
//! u32 header length, header (postcard: clip id, source path, the format's
//!     name)
//! u32 cue count N
//! (N + 1) × u32 offsets of each row from the first row's start
//! rows (postcard), one per cue
//! ```
//! The offset table reads one cue without decoding the others: a top-20
//! from 20 transcripts decodes 20 rows, not 20 transcripts.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::index::IndexError;
use crate::clip::Segment;
use crate::transcript::{Cue, LabelSpan};

const VERSION: u8 = 3;
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
/// segment each became (`segments[n]` is `cues[n]` placed).
pub(super) fn encode(
    source: &str,
    clip_id: Option<&str>,
    format: Option<&str>,
    cues: &[Cue],
    segments: &[Segment],
) -> Vec<u8> {
    let header = Header3 {
        clip_id: clip_id.map(Cow::Borrowed),
        source: Cow::Borrowed(source),
        format: format.map(Cow::Borrowed),
    };
    let header = postcard::to_allocvec(&header).unwrap_or_default();
    let mut rows = Vec::with_capacity(cues.len() * 96);
    let mut offsets = Vec::with_capacity(cues.len() + 1);
    for (n, cue) in cues.iter().enumerate() {
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
    let mut out = Vec::with_capacity(9 + header.len() + offsets.len() * 4 + rows.len());
    out.push(VERSION);
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&(cues.len() as u32).to_le_bytes());
    for o in offsets {
        out.extend_from_slice(&o.to_le_bytes());
    }
    out.extend_from_slice(&rows);
    out
}

/// A stored transcript, read in place.
pub(super) struct Stored<'a> {
    clip_id: Option<String>,
    source: String,
    format: Option<String>,
    offsets: &'a [u8],
    rows: &'a [u8],
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
            Some(&v) if v == VERSION || v == VERSION_2 || v == VERSION_1 => v,
            _ => return Err(bad("unknown version")),
        };
        let header_len = u32_at(bytes, 1).ok_or_else(|| bad("truncated header"))?;
        let header_bytes = bytes.get(5..5 + header_len).ok_or_else(|| bad("truncated header"))?;
        let header: Header3<'_> = if version == VERSION {
            postcard::from_bytes(header_bytes).map_err(|e| bad(&e.to_string()))?
        } else {
            let Header { clip_id, source } = postcard::from_bytes(header_bytes).map_err(|e| bad(&e.to_string()))?;
            Header3 { clip_id, source, format: None }
        };
        let at = 5 + header_len;
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

    fn row(&self, n: usize) -> Result<Row<'a>, IndexError> {
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
        if n >= self.len {
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
        (0..self.len).map(|n| self.cue(n)).collect()
    }

    pub(super) fn segments(&self) -> Result<Vec<Segment>, IndexError> {
        let mut out = Vec::with_capacity(self.len);
        for n in 0..self.len {
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
        let v3 = encode("/shoot/A.srt", Some("00000000000000aa"), Some("SRT"), &cues, &segs);
        let header_len = u32_at(&v3, 1).unwrap_or_default();
        let header = postcard::to_allocvec(&Header {
            clip_id: Some(Cow::Borrowed("00000000000000aa")),
            source: Cow::Borrowed("/shoot/A.srt"),
        })
        .unwrap();
        let mut v2 = vec![VERSION_2];
        v2.extend_from_slice(&(header.len() as u32).to_le_bytes());
        v2.extend_from_slice(&header);
        v2.extend_from_slice(&v3[5 + header_len..]);
        let stored = Stored::parse(&v2).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stored.cues().ok(), Some(cues));
        let unformatted: Vec<Segment> = segs.into_iter().map(|s| Segment { format: None, ..s }).collect();
        assert_eq!(stored.segments().ok(), Some(unformatted));
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        let cues: Vec<Cue> = (0..3).map(|n| cue(n, None)).collect();
        let bytes = encode("/a.srt", None, None, &cues, &[]);
        for cut in 0..bytes.len() {
            if let Ok(s) = Stored::parse(&bytes[..cut]) {
                let _ = s.cues();
            }
        }
        assert!(Stored::parse(&[9, 0, 0]).is_err());
    }
}
