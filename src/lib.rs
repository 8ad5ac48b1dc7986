//! rushes: footage logging and transcript indexing for documentary, TV and
//! news productions. The library does the work; `main.rs` is glue.
//!
//! Data flows one way: [`scan`] → [`probe`] → [`merge`] → [`library`],
//! driven by [`ingest`]; the [`cli`] sits on top. See ARCHITECTURE.md for
//! the map and the rules of what may import what.

pub mod cli;
pub mod clip;
pub mod date;
pub mod edit;
pub mod export;
pub mod import;
pub mod ingest;
pub mod library;
pub mod merge;
pub mod notes;
pub mod probe;
pub mod scan;
pub mod search;
pub mod selects;
pub mod sheet;
pub mod text;
pub mod timecode;
pub mod transcript;
