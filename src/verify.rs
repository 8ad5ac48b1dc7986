//! Offload verification: the file I/O around [`crate::mhl`]. Reads the
//! hash lists a dump holds (ASC MHL histories, nested ones included, and
//! legacy v1.1 `.mhl` files), checks each generation against its chain,
//! hashes clip files against them ([`check`]), and re-hashes cataloged
//! clips to find drift ([`drift`], `rushes verify`).
//!
//! Everything here only reads: a hash list is never written or updated,
//! and nothing is created inside the dump.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::clip::{Clip, FileHash, Fingerprint, Provenance, Verified};
use crate::hash::{self, Algo};
use crate::mhl::{self, Listed};
use crate::progress::Progress;
use crate::scan::{Candidate, mtime_ns};
use crate::text::{Diagnostic, Fate};

/// Largest hash list read (a list of 100,000 files is about 40 MB).
const MAX_MHL: u64 = 256 << 20;

/// What the dump's hash lists say about one file.
#[derive(Clone, Debug)]
pub struct Expected {
    /// Every value listed for it, one per algorithm (the newest generation's).
    pub hashes: Vec<Listed>,
    pub size: Option<u64>,
    /// The generation that first listed it.
    pub provenance: Provenance,
}

impl Expected {
    /// The value to check: the strongest listed.
    pub fn strongest(&self) -> Option<&Listed> {
        self.hashes.iter().max_by_key(|h| h.algo.strength())
    }
}

/// The hash lists of one ingested folder.
#[derive(Debug, Default)]
pub struct Offload {
    /// By the file's absolute path (as the catalog writes paths).
    pub files: BTreeMap<String, Expected>,
    /// Hash list files read.
    pub lists: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// Is this sidecar a hash list (a `.mhl`) or an ASC MHL chain?
fn kind(rel_path: &str) -> Option<ListKind> {
    let name = rel_path.rsplit('/').next().unwrap_or(rel_path);
    if name.eq_ignore_ascii_case("ascmhl_chain.xml") {
        Some(ListKind::Chain)
    } else if name.to_ascii_lowercase().ends_with(".mhl") {
        Some(ListKind::List)
    } else {
        None
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ListKind {
    Chain,
    List,
}

/// True for the files [`load`] reads: they are the offload's, not
/// transcripts, notes or camera sidecars.
pub fn is_hash_list(rel_path: &str) -> bool {
    kind(rel_path).is_some()
}

/// Reads every hash list among `sidecars` (found by the walk of the folder
/// `root_abs`). A v2 generation (`…/ascmhl/NNNN_….mhl`) speaks of the
/// folder holding `ascmhl/`; a v1.1 list of its own folder. Generations are
/// read in order, so a later one's value for an algorithm replaces an
/// earlier one's; the first to list a file is its provenance.
pub fn load(root_abs: &str, sidecars: &[Candidate]) -> Offload {
    let mut off = Offload::default();
    let mut lists: Vec<&Candidate> = sidecars.iter().filter(|c| kind(&c.rel_path) == Some(ListKind::List)).collect();
    // By folder, then name: `0001_…` before `0002_…`.
    lists.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    for cand in sidecars.iter().filter(|c| kind(&c.rel_path) == Some(ListKind::Chain)) {
        check_chain(root_abs, cand, &mut off.diagnostics);
    }
    for cand in lists {
        let source = abs(root_abs, &cand.rel_path);
        let Some(text) = read_list(cand, &source, &mut off.diagnostics) else { continue };
        off.lists += 1;
        let (list, diags) = mhl::parse_hashlist(&text);
        off.diagnostics.extend(diags.into_iter().map(|d| d.in_source(&source)));
        let folder = cand.rel_path.rsplit_once('/').map_or("", |(dir, _)| dir);
        let base = match folder.rsplit_once('/') {
            Some((parent, last)) if last.eq_ignore_ascii_case("ascmhl") => parent,
            None if folder.eq_ignore_ascii_case("ascmhl") => "",
            _ => folder,
        };
        let provenance = Provenance {
            tool: list.creator.tool.clone(),
            host: list.creator.host.clone(),
            author: list.creator.author.clone(),
            date: list.creator.date.clone(),
            mhl: source.clone(),
        };
        for entry in list.entries {
            let rel = match mhl::inside(base, &entry.path) {
                Ok(rel) => rel,
                Err(reason) => {
                    off.diagnostics.push(Diagnostic::new(entry.line, Fate::Skipped, reason).in_source(&source));
                    continue;
                }
            };
            let seen = off.files.entry(abs(root_abs, &rel)).or_insert_with(|| Expected {
                hashes: Vec::new(),
                size: entry.size,
                provenance: provenance.clone(),
            });
            seen.size = entry.size.or(seen.size);
            for h in entry.hashes.into_iter().filter(|h| h.action.as_deref() != Some("failed")) {
                match seen.hashes.iter_mut().find(|old| old.algo == h.algo) {
                    Some(old) if old.value != h.value => {
                        let reason = format!(
                            "{rel}: {} {} here, {} in an earlier list; the newer is checked",
                            h.algo, h.value, old.value
                        );
                        off.diagnostics.push(Diagnostic::new(entry.line, Fate::Kept, reason).in_source(&source));
                        *old = h;
                    }
                    Some(_) => {}
                    None => seen.hashes.push(h),
                }
            }
        }
    }
    off
}

fn abs(root_abs: &str, rel: &str) -> String {
    if rel.is_empty() { root_abs.to_string() } else { format!("{}/{rel}", root_abs.trim_end_matches('/')) }
}

/// A hash list's text, or a diagnostic saying why not.
fn read_list(cand: &Candidate, source: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
    if cand.fingerprint.size > MAX_MHL {
        let reason = format!("larger than {MAX_MHL} bytes: not read");
        diags.push(Diagnostic::new(0, Fate::Skipped, reason).in_source(source));
        return None;
    }
    match std::fs::read(&cand.path) {
        Ok(bytes) => Some(crate::text::decode(&bytes).text),
        Err(e) => {
            diags.push(Diagnostic::new(0, Fate::Skipped, format!("cannot read: {e}")).in_source(source));
            None
        }
    }
}

/// Each generation of an ASC MHL chain must still have the checksum the
/// chain recorded when it was written: one that does not was edited (or
/// damaged) afterwards, so its values are not to be trusted blindly.
fn check_chain(root_abs: &str, chain: &Candidate, diags: &mut Vec<Diagnostic>) {
    let source = abs(root_abs, &chain.rel_path);
    let Some(text) = read_list(chain, &source, diags) else { return };
    let (links, found) = mhl::parse_chain(&text);
    diags.extend(found.into_iter().map(|d| d.in_source(&source)));
    let folder = chain.path.parent().unwrap_or(Path::new(""));
    let mut buf = vec![0; 1 << 16];
    for link in links {
        if link.path.contains('/') || link.path.contains('\\') || link.path == ".." {
            let reason = format!("generation {} is not a file of this ascmhl folder: ignored", link.path);
            diags.push(Diagnostic::new(link.line, Fate::Skipped, reason).in_source(&source));
            continue;
        }
        let file = folder.join(&link.path);
        let reason = match hash::of_file(link.algo, &file, &mut buf, &mut |_| ()) {
            Ok(value) if value == link.value => continue,
            Ok(value) => format!(
                "generation {} has {} {value}, not the chain's {}: it changed after it was written",
                link.path, link.algo, link.value
            ),
            Err(e) => format!("generation {}: cannot read it: {e}", link.path),
        };
        diags.push(Diagnostic::new(link.line, Fate::Kept, reason).in_source(&source));
    }
}

/// One file hashed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub hash: Option<FileHash>,
    pub verified: Verified,
    pub provenance: Option<Provenance>,
    /// Why the file is a failure: a mismatch, or it changed while read.
    pub problem: Option<String>,
}

/// Hashes the file at `path` (whose walk saw `fingerprint`) with the
/// strongest algorithm `expected` lists (xxh64 when nothing lists it) and
/// judges it. A file whose size or mtime differ after the read changed
/// while it was hashed: reported, and not verified.
pub fn check(
    path: &Path,
    fingerprint: Fingerprint,
    expected: Option<&Expected>,
    buf: &mut [u8],
    on_read: &mut dyn FnMut(u64),
) -> Checked {
    let listed = expected.and_then(Expected::strongest);
    let algo = listed.map_or(Algo::Xxh64, |l| l.algo);
    let provenance = expected.map(|e| e.provenance.clone());
    let unverified = |problem: String| Checked {
        hash: None,
        verified: Verified::NotVerified,
        provenance: provenance.clone(),
        problem: Some(problem),
    };
    let value = match hash::of_file(algo, path, buf, on_read) {
        Ok(v) => v,
        Err(e) => return unverified(format!("cannot hash it: {e}")),
    };
    let after = std::fs::metadata(path).map(|m| Fingerprint { size: m.len(), mtime_ns: mtime_ns(&m) });
    if after.as_ref().ok() != Some(&fingerprint) {
        return unverified("it changed while it was hashed: not verified; ingest it again once it is still".into());
    }
    let hash = FileHash { algo, value };
    judge(hash, fingerprint.size, expected)
}

/// A hash made now (or recorded) against what the lists say.
pub fn judge(hash: FileHash, size: u64, expected: Option<&Expected>) -> Checked {
    let provenance = expected.map(|e| e.provenance.clone());
    let Some(exp) = expected else {
        return Checked { hash: Some(hash), verified: Verified::NotInMhl, provenance, problem: None };
    };
    let listed = exp.hashes.iter().find(|l| l.algo == hash.algo);
    let problem = match (listed, exp.size) {
        (_, Some(want)) if want != size => {
            Some(format!("mismatch: {size} bytes, the hash list {} says {want}", exp.provenance.mhl))
        }
        (Some(l), _) if l.value != hash.value => {
            Some(format!("mismatch: {} {} here, {} in {}", hash.algo, hash.value, l.value, exp.provenance.mhl))
        }
        (Some(_), _) => None,
        // Recorded with an algorithm this list does not have: not judged.
        (None, _) => {
            return Checked { hash: Some(hash), verified: Verified::NotVerified, provenance, problem: None };
        }
    };
    let verified = if problem.is_some() { Verified::Mismatch } else { Verified::Match };
    Checked { hash: Some(hash), verified, provenance, problem }
}

/// Files the lists name that the dump lacks, by absolute path.
pub fn missing(off: &Offload) -> Vec<String> {
    off.files.keys().filter(|p| std::fs::symlink_metadata(p).is_err()).cloned().collect()
}

/// What `rushes verify` found: the `--json` contract.
#[derive(Debug, Default, Serialize)]
pub struct DriftReport {
    /// Clips re-hashed.
    pub checked: usize,
    /// Their bytes are what was recorded.
    pub unchanged: usize,
    /// Clips whose bytes differ from the recorded hash.
    pub changed: Vec<Drift>,
    /// Clips whose file is gone.
    pub missing: Vec<Drift>,
    /// Clips never hashed (ingested without `--verify`): nothing to compare.
    pub not_hashed: Vec<String>,
}

impl DriftReport {
    pub fn drifted(&self) -> bool {
        !self.changed.is_empty() || !self.missing.is_empty()
    }
}

/// One clip that is not as recorded.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Drift {
    pub id: String,
    pub path: String,
    pub reason: String,
}

/// Re-hashes `clips` with their recorded algorithms, in parallel; never
/// probes. `progress` sees bytes read.
pub fn drift(clips: &[Clip], progress: &dyn Progress) -> DriftReport {
    let mut report = DriftReport::default();
    let hashed: Vec<(&Clip, &FileHash)> = clips.iter().filter_map(|c| c.hash.as_ref().map(|h| (c, h))).collect();
    report.not_hashed = clips.iter().filter(|c| c.hash.is_none()).map(|c| c.path.clone()).collect();
    progress.begin_hashed(hashed.len() as u64, hashed.iter().map(|(c, _)| c.size).sum());
    let found: Vec<(&Clip, Outcome)> = hashed
        .par_iter()
        .map_init(
            || vec![0u8; hash::BUFFER],
            |buf, (clip, want)| {
                let got = hash::of_file(want.algo, Path::new(&clip.path), buf, &mut |n| progress.read(n));
                progress.advance(0);
                let verdict = match got {
                    Ok(v) if v == want.value => Outcome::Same,
                    Ok(v) => Outcome::Changed(format!("changed: {} {v}, recorded {}", want.algo, want.value)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Outcome::Missing,
                    Err(e) => Outcome::Changed(format!("cannot read it: {e}")),
                };
                (*clip, verdict)
            },
        )
        .collect();
    progress.finish();
    for (clip, verdict) in found {
        report.checked += 1;
        let drift = |reason: String| Drift { id: clip.id.clone(), path: clip.path.clone(), reason };
        match verdict {
            Outcome::Same => report.unchanged += 1,
            Outcome::Missing => report.missing.push(drift("missing: the file is gone".into())),
            Outcome::Changed(r) => report.changed.push(drift(r)),
        }
    }
    report
}

/// A clip's file re-hashed.
enum Outcome {
    Same,
    Changed(String),
    Missing,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected(algo: Algo, value: &str, size: u64) -> Expected {
        Expected {
            hashes: vec![Listed { algo, value: value.into(), action: None }],
            size: Some(size),
            provenance: Provenance { mhl: "/d/ascmhl/0001.mhl".into(), ..Provenance::default() },
        }
    }

    #[test]
    fn judging_a_hash() {
        let h = |v: &str| FileHash { algo: Algo::Xxh64, value: v.into() };
        let exp = expected(Algo::Xxh64, "e4c191d091bd8853", 6);
        assert_eq!(judge(h("e4c191d091bd8853"), 6, Some(&exp)).verified, Verified::Match);
        let bad = judge(h("0000000000000000"), 6, Some(&exp));
        assert_eq!(bad.verified, Verified::Mismatch);
        assert!(bad.problem.is_some_and(|p| p.contains("e4c191d091bd8853 in /d/ascmhl/0001.mhl")));
        assert_eq!(judge(h("e4c191d091bd8853"), 7, Some(&exp)).verified, Verified::Mismatch);
        assert_eq!(judge(h("e4c191d091bd8853"), 6, None).verified, Verified::NotInMhl);
        let md5 = expected(Algo::Md5, "b1946ac92492d2347c6235b4d2611184", 6);
        assert_eq!(judge(h("e4c191d091bd8853"), 6, Some(&md5)).verified, Verified::NotVerified);
    }

    /// A file that grows while it is read (a copy still running) is
    /// reported and not verified, even though its hash list matches the
    /// bytes it had; a still file with the same bytes matches.
    #[test]
    fn a_file_that_changes_while_it_is_hashed_is_not_verified() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("C0001.MP4");
        std::fs::write(&path, vec![7u8; 3 << 20]).unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        let fingerprint = Fingerprint { size: meta.len(), mtime_ns: mtime_ns(&meta) };
        let mut buf = vec![0u8; 1 << 20];
        let still = check(&path, fingerprint, None, &mut buf, &mut |_| {});
        let value = still.hash.expect("hashed").value;
        let exp = expected(Algo::Xxh64, &value, meta.len());
        assert_eq!(check(&path, fingerprint, Some(&exp), &mut buf, &mut |_| {}).verified, Verified::Match);

        let mut appended = false;
        let mut grow = |_: u64| {
            if !appended {
                use std::io::Write as _;
                let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
                f.write_all(b"more").unwrap();
                appended = true;
            }
        };
        let moving = check(&path, fingerprint, Some(&exp), &mut buf, &mut grow);
        assert!(appended);
        assert_eq!(moving.verified, Verified::NotVerified);
        assert_eq!(moving.hash, None);
        assert!(moving.problem.as_deref().is_some_and(|p| p.contains("changed while it was hashed")), "{moving:?}");
    }

    #[test]
    fn hash_lists_are_told_by_name() {
        assert!(is_hash_list("CARD/ascmhl/ascmhl_chain.xml"));
        assert!(is_hash_list("CARD/ascmhl/0001_CARD_2026-03-14_180211Z.mhl"));
        assert!(is_hash_list("A001.MHL"));
        assert!(!is_hash_list("CARD/C0001M01.XML"));
    }
}
