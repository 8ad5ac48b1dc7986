//! The RIFF/RF64/BW64 chunk walker: chunk headers checked against the file
//! length, `ds64` sizes, bounded reads of the chunks probing needs (`fmt `,
//! `bext`, iXML, `fact`), `data` skipped by seeking, and what is missing said
//! with where the file ends.

use std::io::{Read, Seek, SeekFrom};

use crate::probe::{ProbeError, read_up_to};

/// The largest iXML chunk read. Real ones are a few KiB (padded to 5 or 10
/// KiB by Sound Devices); a bigger one is skipped rather than trusted.
pub(super) const MAX_IXML: u64 = 4 << 20;

/// The part of a `bext` chunk that holds every field read here (up to and
/// including Version); the coding history after it can be any size and is
/// not needed, so it is never read.
pub(super) const BEXT_FIXED: u64 = 348;

/// `fmt ` needs at most 40 bytes (WAVE_FORMAT_EXTENSIBLE); anything longer
/// is codec-specific extra data.
pub(super) const FMT_READ: u64 = 64;

/// `ds64` is 28 bytes plus a table of 12-byte entries; the cap bounds the
/// table to a few thousand entries, far beyond any real file.
pub(super) const DS64_READ: u64 = 64 << 10;

/// Walking stops after this many chunks so a file made of millions of empty
/// chunks cannot keep a probe busy; real files have about a dozen.
pub(super) const MAX_CHUNKS: u32 = 100_000;

/// A size of all ones in an RF64/BW64 chunk header means "look in `ds64`".
pub(super) const SIZE_IN_DS64: u32 = u32::MAX;

/// The sizes an RF64/BW64 file keeps in its `ds64` chunk.
#[derive(Clone, Debug, Default)]
pub(super) struct Ds64 {
    pub(super) data_size: u64,
    pub(super) sample_count: u64,
    /// Sizes of other chunks too big for 32 bits, by chunk id.
    pub(super) table: Vec<([u8; 4], u64)>,
}

pub(super) fn parse_ds64(body: &[u8]) -> Option<Ds64> {
    // The ds64 RIFF size is read past on purpose: like the RIFF header's,
    // it is not needed to find chunks, and real files get it wrong (Sound
    // Grinder Pro writes the RIFF size 8 bytes too large).
    let data_size = le_u64(body, 8)?;
    let sample_count = le_u64(body, 16)?;
    let entries = le_u32(body, 24).unwrap_or(0);
    let table = (0..entries)
        .map_while(|i| {
            let at = usize::try_from(i).ok()?.checked_mul(12)?.checked_add(28)?;
            let id = <[u8; 4]>::try_from(body.get(at..at.checked_add(4)?)?).ok()?;
            Some((id, le_u64(body, at.checked_add(4)?)?))
        })
        .collect();
    Some(Ds64 { data_size, sample_count, table })
}

/// Where the `data` chunk's body starts and how long it says it is.
#[derive(Clone, Copy, Debug)]
pub(super) struct DataChunk {
    pub(super) body: u64,
    pub(super) size: u64,
}

/// Why the walk ended before the end of the file.
#[derive(Clone, Debug)]
pub(super) enum Stop {
    /// A chunk header starts less than 8 bytes before the end of file.
    HeaderPastEnd {
        offset: u64,
    },
    /// A chunk's body runs past the end of file.
    BodyPastEnd {
        offset: u64,
        id: [u8; 4],
        size: u64,
    },
    /// Bytes that are not a chunk id: corruption or trailing junk.
    NotAChunk {
        offset: u64,
    },
    TooManyChunks {
        offset: u64,
    },
}

/// The chunks the walk kept.
#[derive(Default)]
pub(super) struct Walk {
    /// The `fmt ` chunk's header offset and (capped) body.
    pub(super) fmt: Option<(u64, Vec<u8>)>,
    pub(super) bext: Option<Vec<u8>>,
    pub(super) ixml: Option<Vec<u8>>,
    pub(super) ds64: Option<Ds64>,
    pub(super) fact: Option<u32>,
    pub(super) data: Option<DataChunk>,
    pub(super) stop: Option<Stop>,
    /// Where the walk ended.
    pub(super) end: u64,
}

/// Walks the chunks after the 12-byte header, keeping the few that matter.
pub(super) fn walk_chunks<R: Read + Seek>(r: &mut R, file_len: u64, rf64: bool) -> Result<Walk, ProbeError> {
    let mut walk = Walk::default();
    let mut offset = 12u64;
    let mut prev_odd = false;
    let mut count = 0u32;
    loop {
        if offset >= file_len {
            walk.end = offset;
            return Ok(walk);
        }
        if offset.saturating_add(8) > file_len {
            // A few zero bytes after the last chunk are padding; anything
            // else is the start of a chunk header cut short.
            let tail = read_at(r, offset, file_len - offset)?;
            if tail.iter().any(|&b| b != 0) {
                walk.stop = Some(Stop::HeaderPastEnd { offset });
            }
            walk.end = offset;
            return Ok(walk);
        }
        count += 1;
        if count > MAX_CHUNKS {
            walk.stop = Some(Stop::TooManyChunks { offset });
            walk.end = offset;
            return Ok(walk);
        }
        let mut header = read_at(r, offset, 8)?;
        if prev_odd && !header_fits(&header, offset, file_len, rf64) {
            // Some writers leave out the pad byte after an odd-sized chunk,
            // so the real header starts one byte earlier. A proper pad byte
            // is 0, which no chunk id starts with, so this only fires when
            // the padded position holds no sensible chunk and the earlier
            // one does.
            let earlier = read_at(r, offset - 1, 8)?;
            if header_fits(&earlier, offset - 1, file_len, rf64) {
                offset -= 1;
                header = earlier;
            }
        }
        let (Some(id), Some(size32)) = (header.get(..4).and_then(|b| <[u8; 4]>::try_from(b).ok()), le_u32(&header, 4))
        else {
            walk.stop = Some(Stop::HeaderPastEnd { offset });
            walk.end = offset;
            return Ok(walk);
        };
        if !is_chunk_id(&id) {
            walk.stop = Some(Stop::NotAChunk { offset });
            walk.end = offset;
            return Ok(walk);
        }
        let size = match (&walk.ds64, rf64 && size32 == SIZE_IN_DS64) {
            (Some(ds64), true) if &id == b"data" => ds64.data_size,
            (Some(ds64), true) => {
                ds64.table.iter().find(|(table_id, _)| *table_id == id).map_or(u64::from(size32), |(_, s)| *s)
            }
            _ => u64::from(size32),
        };
        // The header check above keeps `body` within the file.
        let body = offset + 8;
        let present = file_len - body;
        match &id {
            b"fmt " if walk.fmt.is_none() => {
                walk.fmt = Some((offset, read_at(r, body, size.min(FMT_READ).min(present))?));
            }
            b"bext" if walk.bext.is_none() => {
                walk.bext = Some(read_at(r, body, size.min(BEXT_FIXED).min(present))?);
            }
            b"iXML" if walk.ixml.is_none() && size <= MAX_IXML => {
                walk.ixml = Some(read_at(r, body, size.min(present))?);
            }
            b"ds64" if walk.ds64.is_none() => {
                walk.ds64 = parse_ds64(&read_at(r, body, size.min(DS64_READ).min(present))?);
            }
            b"fact" if walk.fact.is_none() => {
                walk.fact = le_u32(&read_at(r, body, 4.min(size).min(present))?, 0);
            }
            b"data" if walk.data.is_none() => walk.data = Some(DataChunk { body, size }),
            _ => {}
        }
        if size > present {
            walk.stop = Some(Stop::BodyPastEnd { offset, id, size });
            walk.end = offset;
            return Ok(walk);
        }
        prev_odd = size % 2 == 1;
        // `size` fits in the file, so this only saturates for a file_len
        // near u64::MAX, which then ends the walk.
        offset = body.saturating_add(size).saturating_add(size % 2);
    }
}

/// The error for a file without a `fmt ` or `data` chunk: truncated when
/// the walk ran into the end of the file, or the file ends between chunks
/// before the end its RIFF header declares; malformed otherwise.
pub(super) fn missing_chunk(format: &'static str, which: &str, walk: &Walk, declared_end: Option<u64>) -> ProbeError {
    let missing = format!("no `{which}` chunk");
    if let (None, Some(end)) = (&walk.stop, declared_end)
        && end > walk.end
    {
        let detail = format!("{missing}; the file ends at byte {} but its RIFF header declares {end}", walk.end);
        return ProbeError::Truncated { format, detail };
    }
    match &walk.stop {
        Some(Stop::HeaderPastEnd { offset }) => ProbeError::Truncated {
            format,
            detail: format!("{missing}; the file ends inside a chunk header at byte {offset}"),
        },
        Some(Stop::BodyPastEnd { offset, id, size }) => ProbeError::Truncated {
            format,
            detail: format!(
                "{missing}; chunk {} at byte {offset} declares {size} bytes, more than the file holds",
                show_id(id)
            ),
        },
        Some(Stop::NotAChunk { offset }) => ProbeError::Malformed {
            format,
            offset: *offset,
            detail: format!("{missing} before bytes that are not a chunk header"),
        },
        Some(Stop::TooManyChunks { offset }) => ProbeError::Malformed {
            format,
            offset: *offset,
            detail: format!("{missing} in the first {MAX_CHUNKS} chunks"),
        },
        None => {
            ProbeError::Malformed { format, offset: walk.end, detail: format!("{missing} before the end of the file") }
        }
    }
}

/// The warning for a file whose walk ran into the end of the file after the
/// `fmt ` and `data` chunks: said like a truncation error, plus what was kept.
pub(super) fn cut_after_audio(format: &'static str, walk: &Walk) -> String {
    let detail = match &walk.stop {
        Some(Stop::BodyPastEnd { offset, id, size }) => {
            format!("chunk {} at byte {offset} declares {size} bytes, more than the file holds", show_id(id))
        }
        _ => format!("the file ends inside a chunk header at byte {}", walk.end),
    };
    format!("{}; the audio is whole and was cataloged", ProbeError::Truncated { format, detail })
}

/// Reads up to `len` bytes at `offset`; fewer if the file ends first. The
/// callers cap `len`, so this never allocates more than a chunk cap.
pub(super) fn read_at<R: Read + Seek>(r: &mut R, offset: u64, len: u64) -> Result<Vec<u8>, ProbeError> {
    r.seek(SeekFrom::Start(offset))?;
    let mut buf = vec![0u8; usize::try_from(len).unwrap_or(0)];
    let n = read_up_to(r, &mut buf)?;
    buf.truncate(n);
    Ok(buf)
}

/// True when `header` (at `offset`) has a chunk id and a body that ends
/// within the file; an RF64 size to be looked up in `ds64` counts as fitting.
pub(super) fn header_fits(header: &[u8], offset: u64, file_len: u64, rf64: bool) -> bool {
    let (Some(id), Some(size)) = (header.get(..4), le_u32(header, 4)) else {
        return false;
    };
    let body_end = offset.saturating_add(8).saturating_add(u64::from(size));
    is_chunk_id(id) && (body_end <= file_len || (rf64 && size == SIZE_IN_DS64))
}

/// Chunk ids are four printable ASCII characters (`fmt `, `iXML`, `PAD `).
pub(super) fn is_chunk_id(id: &[u8]) -> bool {
    id.len() == 4 && id.iter().all(|b| (0x20..=0x7E).contains(b))
}

/// A chunk id for messages: quoted text, or hex when not printable.
pub(super) fn show_id(id: &[u8]) -> String {
    if is_chunk_id(id) {
        format!("'{}'", String::from_utf8_lossy(id))
    } else {
        format!("0x{}", id.iter().map(|b| format!("{b:02x}")).collect::<String>())
    }
}

pub(super) fn le_u16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at.checked_add(2)?).and_then(|s| <[u8; 2]>::try_from(s).ok()).map(u16::from_le_bytes)
}

pub(super) fn le_u32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at.checked_add(4)?).and_then(|s| <[u8; 4]>::try_from(s).ok()).map(u32::from_le_bytes)
}

pub(super) fn le_u64(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at.checked_add(8)?).and_then(|s| <[u8; 8]>::try_from(s).ok()).map(u64::from_le_bytes)
}
