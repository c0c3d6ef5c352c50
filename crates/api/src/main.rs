//! `sportello`: the server and its administration commands.

// glibc malloc spent a fifth of the server's CPU under load (many small, short-lived
// allocations across worker threads); mimalloc handles that pattern far better.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    api::cli::main()
}
