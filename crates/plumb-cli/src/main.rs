//! The `plumb` command line.
fn main() {}
