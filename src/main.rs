//! The `amitop` binary: everything lives in the library (`amitop::cli`), so
//! integration tests and the binary share one code path.

/// mimalloc rather than the system's: `amitop replay` runs about a fifth
/// faster with it (README, "Speed at scale").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    amitop::cli::main()
}
