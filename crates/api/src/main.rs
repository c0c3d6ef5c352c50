//! `sportello`: the server and its administration commands.

fn main() {
    println!("sportello {}", env!("CARGO_PKG_VERSION"));
}
