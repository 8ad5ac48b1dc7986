//! rushes: footage logging and transcript indexing for documentary, TV and
//! news productions. The library does the work; `main.rs` is glue.
//!
//! Data flows one way: [`scan`] → [`probe`] → [`merge`] → [`library`];
//! the CLI sits on top. See ARCHITECTURE.md for the map and invariants.

pub mod timecode;
