//! The `rushes` binary: the command line over the library. All work is in
//! the library; [`cli`] parses, prints and owns the exit code.

mod cli;

/// mimalloc, not glibc's malloc: an ingest allocates each document on the
/// main thread and tantivy's indexing threads free it, and glibc's arena
/// locks made that a tenth of the ingest's time (ARCHITECTURE.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
