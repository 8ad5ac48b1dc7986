//! An ingest killed at any moment leaves a library that opens, and a re-run
//! completes with the same catalog as an uninterrupted run; a second
//! concurrent ingest is refused while readers keep working.

mod common;

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use common::{Env, big_dump, dump};
use serde_json::Value;

/// Catalog keyed by path, without fields that legitimately differ.
fn catalog(env: &Env) -> BTreeMap<String, Value> {
    env.clips().into_iter().map(|c| (c["path"].as_str().expect("path").to_string(), c)).collect()
}

#[test]
fn killed_ingest_recovers_to_the_same_catalog() {
    let work = tempfile::tempdir().expect("tmp");
    let src = work.path().join("DAY01");
    big_dump(&src, 600);

    let reference = Env::new();
    reference.ingest(&src);
    let expected = catalog(&reference);
    assert_eq!(expected.len(), 600);

    for delay_ms in [0u64, 30, 80, 150, 300, 600] {
        let env = Env::new();
        let mut child = Command::new(env!("CARGO_BIN_EXE_rushes"))
            .arg("--library")
            .arg(env.library())
            .arg("ingest")
            .arg(&src)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // The library opens (or was never created) and clips works.
        if env.library().join("library.json").exists() {
            let out = env.run(&["clips", "--json"]);
            assert_eq!(
                out.status.code(),
                Some(0),
                "after kill at {delay_ms} ms: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let report = env.ingest(&src);
        assert_eq!(report["failures"], serde_json::json!([]), "after kill at {delay_ms} ms");
        assert_eq!(catalog(&env), expected, "after kill at {delay_ms} ms");
        // And a further re-run finds everything unchanged: no duplicates.
        let again = env.ingest(&src);
        assert_eq!(again["clips_unchanged"], 600);
    }
}

#[test]
fn second_ingest_is_refused_while_clips_still_reads() {
    let env = Env::new();
    env.ingest(&dump());
    let before = env.clips();
    // Hold the writer lock as a running ingest would.
    let lib = rushes::library::Library::open(&env.library()).expect("open");
    let writer = lib.index.writer().expect("writer");
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
