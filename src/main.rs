//! The `rushes` binary: the command line over the library. All work is in
//! the library; [`cli`] parses, prints and owns the exit code.

mod cli;

/// mimalloc, not glibc's malloc: an ingest allocates each document on the
/// main thread and tantivy's indexing threads free it, and glibc's arena
/// locks made that a quarter of the ingest's CPU. Without transparent huge
/// pages (`no_thp`): zeroing 2 MB pages slowed every short command by 1 ms.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
