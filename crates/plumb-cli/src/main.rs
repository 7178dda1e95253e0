//! The `plumb` command line: parses arguments, resolves sources, calls the library crates, prints.
//! Results go to stdout, logs and errors to stderr. Exit codes: 0 no difference / in sync, 1 difference /
//! drift, 2 error.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod accept;
mod args;
mod commands;
mod config;
mod hazards;
mod log;
mod report;
mod scope;
mod source;
mod unmodelled;

/// mimalloc (v2, without transparent huge pages): parsing a 10,000-table schema allocates millions of small
/// nodes and strings on three threads; with glibc's allocator the parse took 1.0-1.17 s, with mimalloc
/// 0.71-0.89 s (same machine, same minutes), and introspection got faster too. It costs a few megabytes of
/// peak memory (measured in `just bench`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::Parser;

/// What a command found; mapped to the exit code.
pub enum Outcome {
    /// No difference / in sync: exit 0.
    Clean,
    /// Differences or drift found: exit 1.
    Different,
}

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    log::init(cli.verbose, cli.quiet);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Different) => ExitCode::from(1),
        Err(e) => {
            // The one place errors are reported. Every message was built from redacted URLs.
            let head = e.to_string();
            eprintln!("error: {head}");
            for cause in e.chain().skip(1) {
                let text = cause.to_string();
                if !head.contains(&text) {
                    eprintln!("  caused by: {text}");
                }
            }
            ExitCode::from(2)
        }
    }
}
