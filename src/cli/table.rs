//! The `clips` tables: 80 columns by default (the file name cut in the
//! middle when long), every field with `--long`; widths counted in terminal
//! columns, so wide characters line up.

use std::io::Write;

use anyhow::Result;
use rushes::clip::Clip;
use rushes::ops::one_line;

/// `clips --long`: every field, the path inside the ingested folder.
pub(super) fn print_clips_long(clips: &[Clip]) -> Result<()> {
    let rows: Vec<Vec<String>> = clips
        .iter()
        .map(|c| {
            vec![
                or_dash(&c.day),
                or_dash(&c.camera),
                or_dash(&c.reel),
                format!("{}{}{}", one_line(&c.rel_path), chapter_mark(c), if c.offline { " (offline)" } else { "" }),
                fps_cell(c),
                or_dash(&c.tc.start_label()),
                or_dash(&c.tc.end_label()),
                format!("{:.3}", c.duration_s),
                serde_json::to_value(c.tc.source).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
                match (c.segments, c.notes) {
                    (0, 0) => String::new(),
                    (s, n) => format!("{s} cues, {n} notes"),
                },
            ]
        })
        .collect();
    let header = ["DAY", "CAM", "REEL", "CLIP", "FPS", "START", "END", "SECONDS", "TC FROM", "WORDS"];
    print_table(&header, &rows, clips.len())
}

/// Width of a terminal line: `clips` fits it.
const TERMINAL_COLUMNS: usize = 80;

/// The CLIP column never shrinks below this, whatever the others take.
const MIN_NAME_COLUMNS: usize = 12;

/// `clips`: the file name (cut in the middle with `…` when long) and the
/// fields an editor looks for, each line within [`TERMINAL_COLUMNS`];
/// WORDS counts cues (`12c`) and notes (`3n`).
pub(super) fn print_clips(clips: &[Clip]) -> Result<()> {
    let rows: Vec<Vec<String>> = clips
        .iter()
        .map(|c| {
            let words = [(c.segments, "c"), (c.notes, "n")].into_iter().filter(|(n, _)| *n > 0);
            vec![
                or_dash(&c.day),
                ellipsize(&or_dash(&c.camera), 6),
                one_line(&c.name),
                fps_cell(c),
                or_dash(&c.tc.start_label()),
                clock(c.duration_s),
                words.map(|(n, unit)| format!("{n}{unit}")).collect::<Vec<_>>().join(" "),
            ]
        })
        .collect();
    let header = ["DAY", "CAM", "CLIP", "FPS", "START", "LENGTH", "WORDS"];
    // The CLIP column gets what the others leave of the line.
    let others: usize = (0..header.len())
        .filter(|&i| i != 2)
        .map(|i| rows.iter().map(|r| columns(&r[i])).chain([header[i].len()]).max().unwrap_or(0))
        .sum();
    let name_width = TERMINAL_COLUMNS.saturating_sub(others + 2 * (header.len() - 1)).max(MIN_NAME_COLUMNS);
    let rows: Vec<Vec<String>> = clips
        .iter()
        .zip(rows)
        .map(|(c, mut row)| {
            // What follows the name is never cut: the chapter, offline.
            let suffix = format!("{}{}", chapter_mark(c), if c.offline { " (offline)" } else { "" });
            row[2] = format!("{}{suffix}", ellipsize(&row[2], name_width.saturating_sub(suffix.len())));
            row
        })
        .collect();
    print_table(&header, &rows, clips.len())
}

/// A length as people read it: `0:02`, `12:34`, `1:02:03` (whole seconds,
/// rounded down; `--long` and `--json` have the exact length).
pub(super) fn clock(seconds: f64) -> String {
    let s = if seconds.is_finite() && seconds > 0.0 { seconds as u64 } else { 0 };
    match s / 3600 {
        0 => format!("{}:{:02}", s / 60, s % 60),
        h => format!("{h}:{:02}:{:02}", s / 60 % 60, s % 60),
    }
}

/// ` (2/3)` after a chapter of a chaptered take (GoPro), else nothing.
pub(super) fn chapter_mark(c: &Clip) -> String {
    c.chapter.as_ref().map(|ch| format!(" ({}/{})", ch.n, ch.of)).unwrap_or_default()
}

pub(super) fn or_dash(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "-".to_string())
}

pub(super) fn fps_cell(c: &Clip) -> String {
    match c.tc.format {
        Some(f) if f.is_drop_frame() => format!("{} DF", f.rate().label()),
        Some(f) => f.rate().label(),
        None => "-".to_string(),
    }
}

/// Columns `s` takes on a terminal (wide CJK characters take two).
pub(super) fn columns(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `s` in at most `max` columns: the head and the tail (where a camera
/// file's clip number and extension are) around `…`.
pub(super) fn ellipsize(s: &str, max: usize) -> String {
    if columns(s) <= max {
        return s.to_string();
    }
    let budget = max.saturating_sub(1);
    let width = |c: char| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
    let mut tail = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        if used + width(c) > budget / 2 {
            break;
        }
        used += width(c);
        tail.push(c);
    }
    let mut head = String::new();
    for c in s.chars() {
        if used + width(c) > budget {
            break;
        }
        used += width(c);
        head.push(c);
    }
    head.push('…');
    head.extend(tail.into_iter().rev());
    head
}

/// A left-aligned table (padded by terminal columns, so wide characters
/// line up) with a header and an `N clips` line.
pub(super) fn print_table(header: &[&str], rows: &[Vec<String>], n: usize) -> Result<()> {
    // Buffered: stdout writes each line as it ends.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(columns(cell));
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w.saturating_sub(columns(c)))))
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    writeln!(out, "{}", line(&header.iter().map(|h| h.to_string()).collect::<Vec<_>>()))?;
    for row in rows {
        writeln!(out, "{}", line(row))?;
    }
    writeln!(out, "{n} {}", if n == 1 { "clip" } else { "clips" })?;
    out.flush()?;
    Ok(())
}
