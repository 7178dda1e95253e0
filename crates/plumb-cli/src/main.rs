//! The `plumb` command line: parses arguments, resolves sources, calls the library crates, prints.
//! Results go to stdout, logs and errors to stderr. Exit codes: 0 no difference / in sync, 1 difference /
//! drift, 2 error.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod accept;
mod args;
mod commands;
mod config;
mod dev;
mod fleet;
mod hazards;
mod log;
mod mapschema;
mod report;
mod scope;
mod source;
mod unmodelled;
mod verify;

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
    /// A report was printed, but part of the work failed (a target of a fleet check): exit 2.
    Failed,
}

/// How long plumb waits, at the end, for its connections to the servers to close.
pub const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

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
    let verbose = cli.verbose;
    let done = runtime.block_on(async {
        let done = commands::run(cli).await;
        plumb_pg::close_connections(CLOSE_WAIT).await;
        done
    });
    match done {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Different) => ExitCode::from(1),
        Ok(Outcome::Failed) => ExitCode::from(2),
        // The reader went away (`plumb dump | head`): nothing to report, as other filters do.
        Err(e) if broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // The one place errors are reported. Every message was built from redacted URLs.
            if verbose {
                let head = e.to_string();
                eprintln!("error: {head}");
                for cause in e.chain().skip(1) {
                    let text = cause.to_string();
                    if !head.contains(&text) {
                        eprintln!("  caused by: {text}");
                    }
                }
            } else {
                eprintln!("error: {}", one_line(&e));
            }
            ExitCode::from(2)
        }
    }
}

/// Whether writing the output failed because its reader closed the pipe.
fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The error as one line (`-v` shows the whole chain): a connection error as the connection layer words it
/// (`cannot connect to 127.0.0.1:1: connection refused`), anything else with its innermost cause added
/// when the message does not already say it.
fn one_line(e: &anyhow::Error) -> String {
    for cause in e.chain() {
        let pg = match cause.downcast_ref::<plumb_introspect::Error>() {
            Some(plumb_introspect::Error::Connect(pg)) => Some(pg),
            _ => cause.downcast_ref::<plumb_pg::Error>(),
        };
        if let Some(
            pg @ (plumb_pg::Error::Connect { .. } | plumb_pg::Error::PasswordMissing { .. }),
        ) = pg
        {
            return pg.to_string();
        }
    }
    let head = e.to_string();
    match e.chain().nth(1) {
        Some(_) => {
            let cause = plumb_pg::innermost_cause(e.as_ref());
            if head.contains(&cause) {
                head
            } else {
                format!("{head}: {cause}")
            }
        }
        None => head,
    }
}
