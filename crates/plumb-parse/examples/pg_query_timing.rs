//! How long pg_query alone takes on a file (parse to protobuf and decode), to compare with `parse_timing`.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: pg_query_timing FILE");
        std::process::exit(2);
    };
    let sql = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let start = Instant::now();
    match pg_query::parse(&sql, 0) {
        Ok(r) => println!(
            "{path}: {} statements parsed by pg_query in {:.3} s",
            r.protobuf.stmts.len(),
            start.elapsed().as_secs_f64()
        ),
        Err(e) => println!("{path}: {e}"),
    }
}
