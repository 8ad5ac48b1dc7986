//! rushes: footage logging and transcript indexing for documentary, TV and
//! news productions. The library does the work; the `rushes` binary
//! (`src/main.rs`, `src/cli/`) is glue, and so is any other front end:
//! [`ingest`], [`import`], [`ops::clips`], [`ops::show`], [`search`] and
//! [`ops::export`] are each one call; [`bins`] keeps the editor's selects
//! bins and [`proxy`] makes browser proxies, beside the index.
//!
//! Data flows one way: [`scan`] → [`probe`] → [`merge`] → [`library`],
//! driven by [`ingest`]. See ARCHITECTURE.md for the map and the rules of
//! what may import what.

pub mod atomic;
pub mod bins;
pub mod chapters;
pub mod clearance;
pub mod clip;
pub mod conform;
pub mod cut;
pub mod date;
pub mod daylog;
pub mod edit;
pub mod export;
pub mod failures;
pub mod hash;
pub mod import;
pub mod ingest;
pub mod language;
pub mod library;
pub mod merge;
pub mod mhl;
pub mod notes;
pub mod ops;
pub mod paper;
pub mod probe;
pub mod producer;
pub mod progress;
pub mod proxy;
pub mod releases;
pub mod report;
pub mod resolve;
pub mod scan;
pub mod search;
pub mod selects;
#[cfg(feature = "serve")]
pub mod serve;
pub mod sheet;
pub mod text;
pub mod timecode;
pub mod transcript;
pub mod used;
pub mod verify;
