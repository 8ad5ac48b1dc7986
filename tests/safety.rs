//! An ingest killed at any moment leaves a library that opens, and a re-run
//! completes with the same catalog as an uninterrupted run; a second
//! concurrent ingest is refused while readers keep working.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use common::{Env, big_dump, dump};
use rushes::library::{DocKind, Library};
use serde_json::{Value, json};

/// Cues per generated transcript; every one says "river".
const CUES: usize = 6;

/// `big_dump` plus one transcript per clip (SRT, WebVTT and Whisper JSON in
/// turn, matched by name) and two notes files whose timecodes fall on the
/// copies of C0001 (14:30:59;28–14:31:02;00) and T001.
fn big_dump_with_words(dst: &Path, n: usize) {
    big_dump(dst, n);
    let dir = dst.join("TRANSCRIPTS");
    std::fs::create_dir_all(&dir).expect("mkdir");
    for i in 0..n {
        let cue = |k: usize| (k * 300, k * 300 + 250, format!("The river, clip {i} cue {k}."));
        let (name, text) = match i % 3 {
            0 => {
                let mut t = String::new();
                for k in 0..CUES {
                    let (a, b, words) = cue(k);
                    t.push_str(&format!(
                        "{}\r\n00:00:0{},{:03} --> 00:00:0{},{:03}\r\n{words}\r\n\r\n",
                        k + 1,
                        a / 1000,
                        a % 1000,
                        b / 1000,
                        b % 1000
                    ));
                }
                (format!("CLIP{i:04}.srt"), t)
            }
            1 => {
                let mut t = String::from("WEBVTT\n\n");
                for k in 0..CUES {
                    let (a, b, words) = cue(k);
                    let who = if k % 2 == 0 { "Maria" } else { "Tom" };
                    t.push_str(&format!(
                        "00:00:0{}.{:03} --> 00:00:0{}.{:03}\n<v {who}>{words}\n\n",
                        a / 1000,
                        a % 1000,
                        b / 1000,
                        b % 1000
                    ));
                }
                (format!("CLIP{i:04}.en.vtt"), t)
            }
            _ => {
                let segments: Vec<Value> = (0..CUES)
                    .map(|k| {
                        let (a, b, words) = cue(k);
                        json!({"start": a as f64 / 1000.0, "end": b as f64 / 1000.0, "text": format!(" {words}"), "speaker": "SPEAKER_00"})
                    })
                    .collect();
                (format!("CLIP{i:04}.json"), json!({ "segments": segments }).to_string())
            }
        };
        std::fs::write(dir.join(name), text).expect("write transcript");
    }
    let notes = dst.join("NOTES");
    std::fs::create_dir_all(&notes).expect("mkdir");
    std::fs::write(
        notes.join("log.csv"),
        "Timecode;Note;Tags\n14:31:00:10;River at the door;flood\n14:31:05:12;Room tone by the river;\n",
    )
    .expect("write notes");
    std::fs::write(notes.join("log.txt"), "14:31:01;00 The river again #flood\n").expect("write notes");
    // Dated as a dump copied an hour ago: a file read in the seconds after
    // it was written keeps no time in its record (`import.rs`), so these
    // runs, minutes apart, would otherwise store different records.
    backdate(dst, std::time::SystemTime::now() - std::time::Duration::from_secs(3600));
}

/// Sets the modification time of every file under `dir` to `when`.
fn backdate(dir: &Path, when: std::time::SystemTime) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            backdate(&path, when);
        } else {
            std::fs::File::options().write(true).open(&path).and_then(|f| f.set_modified(when)).expect("mtime");
        }
    }
}

/// Catalog keyed by path, without fields that legitimately differ.
fn catalog(env: &Env) -> BTreeMap<String, Value> {
    env.clips().into_iter().map(|c| (c["path"].as_str().expect("path").to_string(), c)).collect()
}

/// Every stored record of the index by kind, sorted: equal contents mean
/// the same clips, segments, pairs, notes and sources, none twice.
fn index_contents(env: &Env) -> BTreeMap<&'static str, Vec<String>> {
    let lib = Library::open(&env.library()).expect("open library");
    let snap = lib.snapshot().expect("snapshot");
    DocKind::ALL
        .into_iter()
        .map(|kind| {
            let mut records = snap.stored_records(kind).expect("records");
            records.sort();
            (kind.as_str(), records)
        })
        .collect()
}

/// What a user sees of the words: every hit of a word in every cue and
/// note (score aside: BM25 statistics depend on the segment layout), and
/// the shot log of a few clips.
fn words_view(env: &Env) -> (Vec<Value>, Vec<Value>) {
    let mut hits: Vec<Value> = match env.json(&["search", "river", "--json", "--limit", "10000"], 0) {
        Value::Array(a) => a
            .into_iter()
            .map(|mut h| {
                h["score"] = Value::Null;
                h
            })
            .collect(),
        other => panic!("search --json is not an array: {other}"),
    };
    hits.sort_by_key(|h| h.to_string());
    let shows =
        ["CLIP0000.MP4", "CLIP0001.WAV", "CLIP0002.mp4"].iter().map(|c| env.json(&["show", c, "--json"], 0)).collect();
    (hits, shows)
}

/// In one commit, every clip's `segments` and `notes` count the documents
/// placed on it, and every document sits on a clip of that commit.
fn assert_summaries_match(lib: &Library, ctx: &str) -> usize {
    let snap = lib.snapshot().expect("snapshot");
    let clips = snap.clips().expect("clips");
    let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
    for json in snap.stored_records(DocKind::Segment).expect("segments") {
        let seg: Value = serde_json::from_str(&json).expect("segment JSON");
        counts.entry(seg["clip_id"].as_str().expect("clip_id").to_string()).or_default().0 += 1;
    }
    for json in snap.stored_records(DocKind::Note).expect("notes") {
        let note: Value = serde_json::from_str(&json).expect("note JSON");
        if let Some(id) = note["clip_id"].as_str() {
            counts.entry(id.to_string()).or_default().1 += 1;
        }
    }
    for clip in &clips {
        let seen = counts.remove(&clip.id).unwrap_or_default();
        assert_eq!(
            (clip.segments, clip.notes),
            seen,
            "{ctx}: {} says {} segments and {} notes",
            clip.name,
            clip.segments,
            clip.notes
        );
    }
    assert!(counts.is_empty(), "{ctx}: documents on clips not in the catalog: {counts:?}");
    clips.len()
}

fn ingest_command(env: &Env, src: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rushes"));
    cmd.arg("--library").arg(env.library()).arg("ingest").arg(src).stdout(Stdio::null()).stderr(Stdio::piped());
    cmd
}

fn spawn_ingest(env: &Env, src: &Path) -> Child {
    ingest_command(env, src).spawn().expect("spawn")
}

/// An ingest that waits after each commit while `hold` exists (the
/// `RUSHES_TEST_HOLD_FILE` hook in `src/ingest.rs`).
fn spawn_ingest_held(env: &Env, src: &Path, hold: &Path) -> Child {
    ingest_command(env, src).env("RUSHES_TEST_HOLD_FILE", hold).spawn().expect("spawn")
}

/// Second ingests and imports tried while the first ingest is held.
const HELD_ATTEMPTS: usize = 3;

/// Kills that must land while the ingest is still running, spread evenly
/// over an uninterrupted run (measured here, because machines differ).
const KILLS_MID_RUN: u32 = 20;

#[test]
fn killed_ingest_recovers_to_the_same_catalog() {
    let work = tempfile::tempdir().expect("tmp");
    let src = work.path().join("DAY01");
    big_dump_with_words(&src, 300);

    let reference = Env::new();
    let started = Instant::now();
    let report = reference.ingest(&src);
    let full_run = started.elapsed();
    assert_eq!(report["transcripts_attached"], 300, "{report}");
    assert_eq!(report["notes_placed"], 300, "{report}");
    let expected = catalog(&reference);
    assert_eq!(expected.len(), 300);
    assert!(expected.values().all(|c| c["segments"] == CUES), "every clip has its transcript");
    let expected_index = index_contents(&reference);
    let expected_words = words_view(&reference);
    assert_eq!(expected_words.0.len(), 300 * CUES + 300, "a hit per cue and per placed note");

    eprintln!("uninterrupted run: {} ms", full_run.as_millis());
    let mut killed_with_a_library = 0;
    // A kill counts only if the ingest was still running just before it.
    // When one comes too late (this run was quicker than the measured
    // one), the span the kills are spread over shrinks, and it is tried
    // again, so a busy or idle machine still gets every kill mid-run.
    let mut span = full_run;
    let (mut landed, mut tries) = (0u32, 0u32);
    while landed < KILLS_MID_RUN {
        tries += 1;
        assert!(tries <= 3 * KILLS_MID_RUN, "only {landed} of {tries} kills landed while the ingest ran");
        let delay = span * landed / KILLS_MID_RUN;
        let ctx = format!("after a kill at {} ms of {} ms", delay.as_millis(), full_run.as_millis());
        let env = Env::new();
        let mut child = spawn_ingest(&env, &src);
        std::thread::sleep(delay);
        let running = child.try_wait().expect("try_wait").is_none();
        let _ = child.kill(); // SIGKILL
        let status = child.wait().expect("wait");
        if running && status.signal() == Some(9) {
            landed += 1;
        } else {
            span = span * 3 / 4;
        }
        // The library opens (or was never created), clips works, and what
        // was committed is whole.
        if env.library().join("library.json").exists() {
            killed_with_a_library += 1;
            let out = env.run(&["clips", "--json"]);
            assert_eq!(out.status.code(), Some(0), "{ctx}: {}", String::from_utf8_lossy(&out.stderr));
            assert_summaries_match(&Library::open(&env.library()).expect("open"), &ctx);
        }
        let report = env.ingest(&src);
        assert_eq!(report["failures"], json!([]), "{ctx}");
        assert_eq!(catalog(&env), expected, "{ctx}");
        assert!(index_contents(&env) == expected_index, "{ctx}: the index differs from an uninterrupted run");
        assert_eq!(words_view(&env), expected_words, "{ctx}");
        // And a further re-run finds everything unchanged: no duplicates.
        let again = env.ingest(&src);
        assert_eq!(again["clips_unchanged"], 300, "{ctx}");
        assert_eq!(again["sources_unchanged"], 302, "{ctx}");
    }
    eprintln!("{landed} kills landed mid-run in {tries} tries; {killed_with_a_library} left a library");
    assert!(killed_with_a_library >= KILLS_MID_RUN / 2, "only {killed_with_a_library} kills left a library");
}

#[test]
fn second_ingest_is_refused_while_clips_still_reads() {
    let env = Env::new();
    env.ingest(&dump());
    let before = env.clips();
    // Hold the writer lock as a running ingest would.
    let lib = rushes::library::Library::open(&env.library()).expect("open");
    let writer = lib.writer().expect("writer");
    let out = env.run(&["ingest", dump().to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("another `rushes ingest`"), "{err}");
    assert_eq!(env.clips(), before, "readers see the last commit");
    drop(writer);
    let again = env.ingest(&dump());
    assert_eq!(again["clips_added"], 0);
}

#[test]
fn library_of_another_schema_is_refused_clearly() {
    let env = Env::new();
    env.ingest(&dump());
    std::fs::write(env.library().join("library.json"), r#"{"schema_version": 999}"#).expect("write");
    let out = env.run(&["clips"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("schema version 999"), "{err}");
}

/// What one reader thread saw while the ingest ran.
#[derive(Default)]
struct Reads {
    made: usize,
    last_count: usize,
}

/// Runs `read` until `done`, each time with the count it saw last;
/// `read` returns the new count, which may never go down.
fn read_until(done: &AtomicBool, what: &str, mut read: impl FnMut() -> usize) -> Reads {
    let mut reads = Reads::default();
    while !done.load(Ordering::SeqCst) {
        let count = read();
        assert!(count >= reads.last_count, "{what}: {count} after {}", reads.last_count);
        reads.last_count = count;
        reads.made += 1;
    }
    reads
}

/// `clips --json` during an ingest: a whole array whose clips carry whole
/// transcripts (all cues or none) and no clip twice.
fn read_clips(env: &Env) -> usize {
    let clips = env.clips();
    let mut paths = std::collections::HashSet::new();
    for c in &clips {
        assert!(paths.insert(c["path"].as_str().expect("path").to_string()), "clip twice: {c}");
        let segments = c["segments"].as_u64().expect("segments");
        assert!(segments == 0 || segments == CUES as u64, "half a transcript: {c}");
        // Two from the dump, one from an import that ran after the ingest.
        assert!(c["notes"].as_u64().is_some_and(|n| n <= 3), "{c}");
    }
    clips.len()
}

/// `search` during an ingest: 0 with hits (each on a clip it names) or 1
/// with none, never an error.
fn read_search(env: &Env) -> usize {
    let out = env.run(&["search", "river", "--json", "--limit", "10000"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(1) => 0,
        Some(0) => match serde_json::from_slice(&out.stdout).expect("search JSON") {
            Value::Array(hits) => {
                for h in hits.iter().filter(|h| h["kind"] == "soundbite") {
                    assert!(h["clip"].is_string() && h["tc_in"].is_string(), "soundbite without its clip: {h}");
                }
                hits.len()
            }
            other => panic!("search --json is not an array: {other}"),
        },
        code => panic!("search exited {code:?}: {stderr}"),
    }
}

/// `show` during an ingest: the clip's counts and its cues and notes come
/// from one commit, the cues in order and all on that clip. Before the
/// clip's batch is committed it is "no clip", said clearly.
fn read_show(env: &Env, name: &str) -> usize {
    let out = env.run(&["show", name, "--json"]);
    if out.status.code() == Some(2) {
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("no clip {name:?}")), "show {name}: {err}");
        return 0;
    }
    assert_eq!(out.status.code(), Some(0), "show {name}: {}", String::from_utf8_lossy(&out.stderr));
    let log: Value = serde_json::from_slice(&out.stdout).expect("show JSON");
    let cues = log["transcript"].as_array().expect("transcript");
    let notes = log["notes"].as_array().expect("notes");
    assert_eq!(log["clip"]["segments"], cues.len(), "show {name}: {log}");
    assert_eq!(log["clip"]["notes"], notes.len(), "show {name}: {log}");
    assert!(cues.iter().chain(notes).all(|r| r["clip_id"] == log["clip"]["id"]), "show {name}: {log}");
    let offsets: Vec<f64> = cues.iter().map(|c| c["offset_in_s"].as_f64().expect("offset")).collect();
    assert!(offsets.is_sorted(), "show {name}: cues out of order {offsets:?}");
    1 + cues.len() + notes.len()
}

/// A writer that tried its luck while the first ingest held the library.
fn refused_clearly(out: &std::process::Output, what: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{what} while an ingest runs: {err}");
    assert!(err.contains("another `rushes ingest`"), "{what}: {err}");
}

#[test]
fn readers_and_other_writers_during_an_ingest() {
    let work = tempfile::tempdir().expect("tmp");
    let src = work.path().join("DAY01");
    big_dump_with_words(&src, 300);
    let extra = work.path().join("extra_notes.csv");
    std::fs::write(&extra, "Timecode,Note\n14:31:01:15,A boat on the river\n").expect("write");
    backdate(work.path(), std::time::SystemTime::now() - std::time::Duration::from_secs(3600));
    let extra_arg = extra.to_str().expect("utf-8");

    // What ingest then import make, one after the other.
    let reference = Env::new();
    reference.ingest(&src);
    reference.json(&["import", "--json", extra_arg], 0);

    let env = Env::new();
    // The library exists (empty) first, so no reader meets "no library".
    let empty = work.path().join("EMPTY");
    std::fs::create_dir_all(&empty).expect("mkdir");
    env.ingest(&empty);
    let lib = Library::open(&env.library()).expect("open");
    // The ingest waits after its first commit, holding the library, until
    // this file goes: the refusals below are certain, not a race with a
    // run that may finish first on a busy machine.
    let hold = work.path().join("hold");
    std::fs::write(&hold, "").expect("hold file");
    let mut ingest = spawn_ingest_held(&env, &src, &hold);
    let done = AtomicBool::new(false);
    let (first_commit_tx, first_commit) = std::sync::mpsc::channel();
    let mut refusals = (0, 0);
    let [clips, search, show, snapshots] = std::thread::scope(|s| {
        let readers = [
            s.spawn(|| read_until(&done, "clips --json", || read_clips(&env))),
            s.spawn(|| read_until(&done, "search", || read_search(&env))),
            s.spawn(|| read_until(&done, "show", || read_show(&env, "CLIP0000.MP4"))),
            // The sender moves in, so a failed check drops it and the
            // wait for the first commit ends instead of hanging.
            s.spawn({
                let (done, lib) = (&done, &lib);
                move || {
                    read_until(done, "snapshot", || {
                        let n = assert_summaries_match(lib, "during the ingest");
                        if n > 0 {
                            let _ = first_commit_tx.send(());
                        }
                        n
                    })
                }
            }),
        ];
        // Once the ingest holds the library (it has committed, and waits on
        // the hold file), a second ingest and an import are refused.
        if first_commit.recv().is_ok() {
            for _ in 0..HELD_ATTEMPTS {
                assert!(ingest.try_wait().expect("wait").is_none(), "the held ingest ended early");
                refused_clearly(&env.run(&["ingest", src.to_str().expect("utf-8")]), "a second ingest");
                refused_clearly(&env.run(&["import", extra_arg]), "an import");
                refusals.0 += 1;
                refusals.1 += 1;
            }
        }
        std::fs::remove_file(&hold).expect("release the ingest");
        // And for as long as it runs after that; an attempt that ends after
        // it finished proves nothing either way.
        loop {
            let second = env.run(&["ingest", src.to_str().expect("utf-8")]);
            let import = env.run(&["import", extra_arg]);
            if ingest.try_wait().expect("wait").is_some() {
                break;
            }
            refused_clearly(&second, "a second ingest");
            refused_clearly(&import, "an import");
            refusals.0 += 1;
            refusals.1 += 1;
        }
        let status = ingest.wait().expect("wait");
        done.store(true, Ordering::SeqCst);
        let mut err = String::new();
        if let Some(mut e) = ingest.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut e, &mut err);
        }
        assert!(status.success(), "the first ingest: {err}");
        readers.map(|r| r.join().expect("reader"))
    });
    eprintln!(
        "during the ingest: {} clips --json, {} searches, {} shows, {} snapshots; {} second ingests and {} imports refused",
        clips.made, search.made, show.made, snapshots.made, refusals.0, refusals.1
    );
    assert!(refusals.0 >= HELD_ATTEMPTS && refusals.1 >= HELD_ATTEMPTS, "{refusals:?}");
    assert!(clips.made > 0 && search.made > 0 && show.made > 0 && snapshots.made > 0);
    assert_eq!(clips.last_count, 300);

    // Nothing was corrupted: the refused import, run now, ends where
    // ingest-then-import does.
    env.json(&["import", "--json", extra_arg], 0);
    assert_eq!(catalog(&env), catalog(&reference));
    assert!(index_contents(&env) == index_contents(&reference), "the index differs from ingest then import");
}
