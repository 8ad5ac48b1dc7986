//! The Python with the export readers installed (OpenTimelineIO, its
//! adapters, pycmx and python-docx, pinned in `tests/readers/requirements.txt`,
//! selenium for the real-browser test, and the caption and transcript
//! readers pycaption, ttconv, webvtt-py and deepgram-captions), shared by the unit tests
//! (`src/export`) and the integration tests (`tests/common`), which include
//! this file by path.
//!
//! Whichever test asks first installs the venv (`tests/readers/setup.sh`,
//! which takes a file lock, so parallel test processes install it once).
//! A test that needs the readers never skips: when they cannot be had it
//! fails and says how to get them.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The modules every reader check imports.
const MODULES: &str = "opentimelineio, pycmx, otio_cmx3600_adapter, otio_fcp_adapter, otio_fcpx_xml_adapter, \
                       otio_ale_adapter, selenium, docx, pycaption, ttconv, webvtt, deepgram_captions, ascmhl";

/// The readers' interpreter: `$RUSHES_READERS_PYTHON` (or
/// `$RUSHES_OTIO_PYTHON`) when set, which must exist and import the readers;
/// else `target/reader-venv`, installed here on first use. Panics with the
/// way to get the readers when neither works.
pub fn python() -> PathBuf {
    static FOUND: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match FOUND.get_or_init(find_or_install) {
        Ok(path) => path.clone(),
        Err(why) => panic!("{why}"),
    }
}

fn find_or_install() -> Result<PathBuf, String> {
    for var in ["RUSHES_READERS_PYTHON", "RUSHES_OTIO_PYTHON"] {
        if let Some(path) = std::env::var_os(var) {
            let path = PathBuf::from(path);
            return check(&path).map(|()| path.clone()).map_err(|why| {
                format!(
                    "{var}={}: {why}\nPoint it to a Python with tests/readers/requirements.txt installed, \
                     or unset it and the tests install the readers into target/reader-venv.",
                    path.display()
                )
            });
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let setup = root.join("tests/readers/setup.sh");
    let out = Command::new("bash")
        .arg(&setup)
        .output()
        .map_err(|e| format!("cannot run {}: {e} (bash is needed)", setup.display()))?;
    if !out.status.success() {
        return Err(format!(
            "the export readers could not be installed by `bash tests/readers/setup.sh` ({}); it needs python3 \
             with venv (`apt-get install python3-venv`) and PyPI in reach:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let path = root.join("target/reader-venv/bin/python");
    check(&path).map(|()| path).map_err(|why| format!("target/reader-venv: {why}; delete it and run again"))
}

/// The interpreter runs and imports every reader.
fn check(python: &Path) -> Result<(), String> {
    let out = Command::new(python)
        .args(["-c", &format!("import {MODULES}")])
        .output()
        .map_err(|e| format!("cannot run it: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("it does not import the readers: {}", String::from_utf8_lossy(&out.stderr).trim()))
    }
}
