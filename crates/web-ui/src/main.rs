//! The Sportello single-page app (citizen portal and operator console).

fn main() {}
