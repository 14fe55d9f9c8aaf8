//! The `amitop` binary: everything lives in the library (`amitop::cli`), so
//! integration tests and the binary share one code path.

fn main() -> std::process::ExitCode {
    amitop::cli::main()
}
