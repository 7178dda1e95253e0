//! Parse a source and report how long it took: `cargo run --release -p plumb-parse --example parse_timing
//! -- FILE_OR_DIR`. Prints statements, objects, warnings and statements per second.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::time::Instant;

/// The allocator the `plumb` binary uses, so the figure is the one users get.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let Some(path) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: parse_timing FILE_OR_DIR");
        std::process::exit(2);
    };
    let scripts = match plumb_parse::scripts(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let statements: usize = scripts
        .iter()
        .map(|s| {
            pg_query::split_with_scanner(&s.sql)
                .map(|v| v.len())
                .unwrap_or(0)
        })
        .sum();
    let start = Instant::now();
    match plumb_parse::parse_path(&path) {
        Ok(p) => {
            let secs = start.elapsed().as_secs_f64();
            println!(
                "{}: {statements} statements, {} tables, {} objects, {} warnings in {:.3} s ({:.0} statements/s)",
                path.display(),
                p.database.tables.len(),
                p.database.object_count(),
                p.warnings.len(),
                secs,
                statements as f64 / secs
            );
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
}
