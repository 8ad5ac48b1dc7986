//! The clip a user named: one rule for every command that takes a clip
//! (`show`, `set`, `forget`, `import --clip`, a selects row's `clip`
//! column) and for a notes row's clip column, which narrows several by its
//! camera and folder. Each caller words the failure its own way; the rule
//! is here.

use std::collections::HashMap;

use thiserror::Error;

use crate::clip::{Clip, typed_path};

/// Why no single clip answers to a name.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum ClipLookupError {
    #[error("{want}: no such clip")]
    NotFound { want: String },
    /// Several clips answer to it (every Sony card starts at `C0001.MP4`):
    /// the candidates, in catalog order, so the caller can list them.
    #[error("{want}: {} clips have that name; give the id", candidates.len())]
    Ambiguous { want: String, candidates: Vec<Clip> },
}

/// The one clip `want` names among `clips`: its id, absolute path, path
/// inside the ingested folder, a path typed relative to the working folder,
/// its file name or the name without extension (any case); failing all of
/// these, the camera's clip name the file name starts with (`A003C012`
/// names `A003C012_260314_R1AB.mov`).
pub fn resolve_clip<'c>(want: &str, clips: &'c [Clip]) -> Result<&'c Clip, ClipLookupError> {
    one_of(want, candidates(want, clips))
}

fn one_of<'c>(want: &str, found: Vec<&'c Clip>) -> Result<&'c Clip, ClipLookupError> {
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(ClipLookupError::NotFound { want: want.to_string() }),
        many => Err(ClipLookupError::Ambiguous {
            want: want.to_string(),
            candidates: many.iter().map(|c| (*c).clone()).collect(),
        }),
    }
}

/// Every clip `want` names by the rule of [`resolve_clip`], in catalog
/// order, for a caller that narrows several down by its own context (a
/// notes row by its camera and folder).
pub fn candidates<'c>(want: &str, clips: &'c [Clip]) -> Vec<&'c Clip> {
    let typed = typed_path(want);
    let found: Vec<&Clip> = clips
        .iter()
        .filter(|c| {
            c.id == want
                || c.path == want
                || typed.as_deref() == Some(c.path.as_str())
                || c.rel_path == want
                || c.name.eq_ignore_ascii_case(want)
                || c.name.rsplit_once('.').is_some_and(|(s, _)| s.eq_ignore_ascii_case(want))
        })
        .collect();
    if !found.is_empty() {
        return found;
    }
    clips.iter().filter(|c| clip_name_prefix(&c.name, want)).collect()
}

/// `A003C012` names `A003C012_260314_R1AB.mov`: camera clip names are
/// said without the date and id the camera appends after an `_` (or the
/// extension after a `.`), so a prefix counts only up to such a boundary.
fn clip_name_prefix(name: &str, want: &str) -> bool {
    let (Some(head), Some(next)) = (name.get(..want.len()), name.get(want.len()..)) else { return false };
    !want.is_empty() && head.eq_ignore_ascii_case(want) && (next.starts_with('_') || next.starts_with('.'))
}

/// [`candidates`] for many names over one catalog (a 500-bite paper edit
/// on a 20,000-clip library): every key the rule compares is hashed once,
/// so a look-up costs the same whatever the catalog's size. Same answers,
/// in the same catalog order.
pub struct ClipIndex<'c> {
    clips: &'c [Clip],
    /// Exact keys (`=` id or path inside the dump, `/` path), and ASCII-folded
    /// file names and stems (`~`), and clip-name prefixes (`^`), each to
    /// the clips' places in the catalog.
    keys: HashMap<String, Vec<usize>>,
}

impl<'c> ClipIndex<'c> {
    pub fn new(clips: &'c [Clip]) -> ClipIndex<'c> {
        let mut keys: HashMap<String, Vec<usize>> = HashMap::new();
        let mut add = |key: String, i: usize| {
            let places = keys.entry(key).or_default();
            if places.last() != Some(&i) {
                places.push(i);
            }
        };
        for (i, c) in clips.iter().enumerate() {
            add(format!("={}", c.id), i);
            add(format!("={}", c.rel_path), i);
            add(format!("/{}", c.path), i);
            let name = c.name.to_ascii_lowercase();
            add(format!("~{name}"), i);
            if let Some((stem, _)) = name.rsplit_once('.') {
                add(format!("~{stem}"), i);
            }
            for (k, _) in name.char_indices().filter(|&(k, ch)| k > 0 && (ch == '_' || ch == '.')) {
                add(format!("^{}", &name[..k]), i);
            }
        }
        ClipIndex { clips, keys }
    }

    /// Every clip `want` names, as [`candidates`] gives them.
    pub fn candidates(&self, want: &str) -> Vec<&'c Clip> {
        let typed = typed_path(want);
        let folded = want.to_ascii_lowercase();
        let mut places: Vec<usize> = [format!("={want}"), format!("/{want}"), format!("~{folded}")]
            .into_iter()
            .chain(typed.map(|t| format!("/{t}")))
            .filter_map(|k| self.keys.get(&k))
            .flatten()
            .copied()
            .collect();
        if places.is_empty() && !want.is_empty() {
            places = self.keys.get(&format!("^{folded}")).cloned().unwrap_or_default();
        }
        places.sort_unstable();
        places.dedup();
        places.into_iter().map(|i| &self.clips[i]).collect()
    }

    /// The one clip `want` names, as [`resolve_clip`] finds it.
    pub fn resolve(&self, want: &str) -> Result<&'c Clip, ClipLookupError> {
        one_of(want, self.candidates(want))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clip(id: &str, rel_path: &str) -> Clip {
        let name = rel_path.rsplit_once('/').map_or(rel_path, |(_, n)| n);
        let json = serde_json::json!({
            "id": id, "name": name, "path": format!("/dump/{rel_path}"), "rel_path": rel_path, "root": "/dump",
            "container": "mp4", "duration_s": 1.0, "start_tc_source": "none", "size": 1, "mtime_ns": 0, "offline": false,
        });
        serde_json::from_value(json).unwrap_or_else(|e| panic!("a clip record: {e}"))
    }

    #[test]
    fn names_a_clip_by_each_of_its_handles() {
        let clips = [clip("a1", "A001/C0001.MP4"), clip("b2", "B_CAM/A003C012_260314_R1AB.mov")];
        for (want, id) in [
            ("a1", "a1"),
            ("/dump/A001/C0001.MP4", "a1"),
            ("A001/C0001.MP4", "a1"),
            ("c0001.mp4", "a1"),
            ("C0001", "a1"),
            ("A003C012", "b2"),
            ("a003c012_260314_R1AB", "b2"),
        ] {
            assert_eq!(resolve_clip(want, &clips).map(|c| c.id.as_str()), Ok(id), "{want}");
        }
        for want in ["A003C01", "C000", "", "nothing"] {
            assert_eq!(resolve_clip(want, &clips), Err(ClipLookupError::NotFound { want: want.into() }), "{want}");
        }
    }

    #[test]
    fn a_name_on_two_cards_lists_both() {
        let clips = [clip("a1", "A001/C0001.MP4"), clip("a2", "A002/C0001.MP4")];
        let Err(ClipLookupError::Ambiguous { candidates, .. }) = resolve_clip("C0001.MP4", &clips) else {
            panic!("ambiguous")
        };
        assert_eq!(candidates.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["a1", "a2"]);
        assert_eq!(resolve_clip("A002/C0001.MP4", &clips).map(|c| c.id.as_str()), Ok("a2"));
    }

    /// The index gives what the scan gives, for every handle and near miss.
    #[test]
    fn the_index_answers_as_the_scan_does() {
        let clips = [
            clip("a1", "A001/C0001.MP4"),
            clip("a2", "A002/C0001.MP4"),
            clip("b2", "B_CAM/A003C012_260314_R1AB.mov"),
            clip("b3", "B_CAM/A003C012_260315_R1AB.mov"),
            clip("g1", "GOPRO/GX010042.MP4"),
            clip("m1", "AUDIO/memo.take_2.mp3"),
        ];
        let index = ClipIndex::new(&clips);
        let ids = |found: Vec<&Clip>| found.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
        for want in [
            "a1",
            "b3",
            "/dump/A001/C0001.MP4",
            "A002/C0001.MP4",
            "c0001.mp4",
            "C0001",
            "A003C012",
            "a003c012_260314",
            "A003C012_260314_R1AB",
            "A003C01",
            "C000",
            "",
            "nothing",
            "GX010042",
            "gx010042.mp4",
            "memo",
            "MEMO.TAKE_2",
            "memo.take_2.mp3",
            "A003C012_260314_R1AB.mov.",
            "_260314",
        ] {
            assert_eq!(ids(index.candidates(want)), ids(candidates(want, &clips)), "{want:?}");
        }
    }
}
