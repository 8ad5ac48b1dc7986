//! The `rushes` binary: all work is in the library; `cli` owns the exit code.

fn main() -> std::process::ExitCode {
    rushes::cli::main()
}
