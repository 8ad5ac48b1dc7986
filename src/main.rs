//! The `rushes` binary: the command line over the library. All work is in
//! the library; [`cli`] parses, prints and owns the exit code.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
