//! GoPro chaptered recordings: one take split by the camera into files of
//! about 4 GB, each a clip of its own (its own start TC, its own
//! transcript), grouped here as one take.
//!
//! Names (GoPro's "file naming convention" support article, and the
//! fixture layout in DOMAIN.md):
//! - HERO6 and later: `GXyyzzzz.MP4` (HEVC) and `GHyyzzzz.MP4` (AVC), where
//!   `zzzz` is the take and `yy` the chapter from `01`;
//! - HERO5 and earlier: `GOPRzzzz.MP4` is the first chapter and
//!   `GPyyzzzz.MP4` the chapter `yy + 1` (`GP01zzzz` is the second).
//!
//! A take is the chapters of one take number and naming family in one
//! folder. It is named by its first chapter's file stem (`GX010042`,
//! `GOPR0042`), as GoPro's own tools and editors call it, even when that
//! file is missing from the dump; its id is stable (the hash of that name's
//! would-be path). A lone first chapter is an ordinary clip, not a take.
//!
//! Grouping is done when clips are listed ([`assign`]), from the catalog
//! alone, so a chapter ingested later joins its take without the others
//! being read again. Imports only `clip`.

use std::collections::BTreeMap;

use crate::clip::{Chapter, Clip, clip_id, join_abs};

/// Where a file name puts it in a GoPro take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChapterName {
    /// `GX`, `GH` or `GOPR` (the HERO5-and-earlier names).
    pub family: &'static str,
    /// The take number, `0042` → 42.
    pub take: u32,
    /// The chapter, from 1.
    pub chapter: u32,
}

impl ChapterName {
    /// The take's name: its first chapter's file stem.
    pub fn take_name(self) -> String {
        match self.family {
            "GOPR" => format!("GOPR{:04}", self.take),
            family => format!("{family}01{:04}", self.take),
        }
    }
}

/// Reads a GoPro chapter name (`GX020042.MP4`, `GOPR0042.MP4`,
/// `GP010042.MP4`); `None` for every other name.
pub fn gopro_chapter(file_name: &str) -> Option<ChapterName> {
    let (stem, ext) = file_name.rsplit_once('.')?;
    if !ext.eq_ignore_ascii_case("MP4") || stem.len() != 8 || !stem.is_ascii() {
        return None;
    }
    let upper = stem.to_ascii_uppercase();
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit()).then(|| s.parse::<u32>().ok()).flatten();
    let (prefix, rest) = upper.split_at(2);
    if let Some(take) = upper.strip_prefix("GOPR").and_then(digits) {
        return Some(ChapterName { family: "GOPR", take, chapter: 1 });
    }
    let (chapter, take) = (digits(&rest[..2])?, digits(&rest[2..])?);
    match prefix {
        "GX" | "GH" if chapter >= 1 => {
            let family = if prefix == "GX" { "GX" } else { "GH" };
            Some(ChapterName { family, take, chapter })
        }
        "GP" if chapter >= 1 => Some(ChapterName { family: "GOPR", take, chapter: chapter + 1 }),
        _ => None,
    }
}

/// A take: root, folder in it, naming family and take number. Its chapters
/// are kept as (chapter number, index into the clips).
type TakeKey = (String, String, &'static str, u32);

/// Sets each clip's [`Chapter`] (or clears it) from the GoPro names among
/// `clips`: every clip of a take of two or more chapters, or a chapter
/// after the first whose first is missing, gets its place in the take.
pub fn assign(clips: &mut [Clip]) {
    let mut takes: BTreeMap<TakeKey, Vec<(u32, usize)>> = BTreeMap::new();
    for (i, clip) in clips.iter_mut().enumerate() {
        clip.chapter = None;
        if let Some(name) = gopro_chapter(&clip.name) {
            let folder = clip.rel_path.rsplit_once('/').map_or("", |(dir, _)| dir).to_string();
            takes.entry((clip.root.clone(), folder, name.family, name.take)).or_default().push((name.chapter, i));
        }
    }
    for ((root, folder, family, take), mut members) in takes {
        members.sort_unstable();
        members.dedup_by_key(|(n, _)| *n);
        let Some(&(last, _)) = members.last() else { continue };
        if members.len() < 2 && last == 1 {
            continue;
        }
        let take_name = ChapterName { family, take, chapter: 1 }.take_name();
        let rel = if folder.is_empty() { take_name.clone() } else { format!("{folder}/{take_name}") };
        let take_id = clip_id(&format!("{}#take", join_abs(&root, &rel)));
        let present: Vec<u32> = members.iter().map(|(n, _)| *n).collect();
        let missing: Vec<u32> = (1..last).filter(|n| !present.contains(n)).collect();
        let names: Vec<String> = members.iter().map(|&(_, i)| clips[i].name.clone()).collect();
        let duration_s: f64 = members.iter().map(|&(_, i)| clips[i].duration_s).sum();
        // Frames add up only when every chapter has the same labelling.
        let format = clips[members[0].1].tc.format;
        let n_frames = members
            .iter()
            .map(|&(_, i)| (clips[i].tc.format == format).then_some(clips[i].n_frames).flatten())
            .sum::<Option<u64>>();
        for &(n, i) in &members {
            clips[i].chapter = Some(Chapter {
                take: take_name.clone(),
                take_id: take_id.clone(),
                n,
                of: last,
                take_duration_s: duration_s,
                take_frames: n_frames,
                chapters: names.clone(),
                missing: missing.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(family: &'static str, take: u32, chapter: u32) -> Option<ChapterName> {
        Some(ChapterName { family, take, chapter })
    }

    #[test]
    fn gopro_names_of_both_generations() {
        assert_eq!(gopro_chapter("GX010042.MP4"), name("GX", 42, 1));
        assert_eq!(gopro_chapter("GX020042.mp4"), name("GX", 42, 2));
        assert_eq!(gopro_chapter("GH031234.MP4"), name("GH", 1234, 3));
        assert_eq!(gopro_chapter("GOPR0042.MP4"), name("GOPR", 42, 1));
        assert_eq!(gopro_chapter("GP010042.MP4"), name("GOPR", 42, 2));
        assert_eq!(gopro_chapter("GP020042.MP4"), name("GOPR", 42, 3));
        for other in
            ["GX010042.LRV", "GX000042.MP4", "GX01004.MP4", "GXAB0042.MP4", "C0001.MP4", "GL010042.MP4", "GX0100é2.MP4"]
        {
            assert_eq!(gopro_chapter(other), None, "{other}");
        }
        assert_eq!(name("GX", 42, 2).map(|n| n.take_name()), Some("GX010042".into()));
        assert_eq!(name("GOPR", 42, 3).map(|n| n.take_name()), Some("GOPR0042".into()));
    }
}
