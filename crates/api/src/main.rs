//! `sportello`: the server and its administration commands.

fn main() -> std::process::ExitCode {
    api::cli::main()
}
