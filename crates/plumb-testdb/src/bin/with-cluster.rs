//! `with-cluster [--bindir DIR] [--tcp] -- COMMAND [ARG...]`: start a throwaway PostgreSQL cluster from the
//! server binaries in DIR (default: the newest installed, see `plumb_pg::local`), run COMMAND with
//! `DATABASE_URL` pointing at it, then stop the cluster and remove it, whatever COMMAND did. Exits with
//! COMMAND's exit code. The version matrix (`scripts/test-matrix.sh`) runs the tests this way on each
//! PostgreSQL major version.

#![allow(clippy::print_stderr)]

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use plumb_pg::local::{self, ClusterOptions, Installation, LocalCluster};

fn usage() -> ExitCode {
    eprintln!("usage: with-cluster [--bindir DIR] [--tcp] -- COMMAND [ARG...]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut bindir: Option<PathBuf> = None;
    let mut opts = ClusterOptions::default();
    let mut command: Vec<String> = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--bindir" => match args.next() {
                Some(d) => bindir = Some(PathBuf::from(d)),
                None => return usage(),
            },
            "--tcp" => opts.tcp_port = Some(0),
            "--" => {
                command = args.by_ref().collect();
                break;
            }
            _ => return usage(),
        }
    }
    if command.is_empty() {
        return usage();
    }
    let installation = match bindir {
        Some(d) => match Installation::at(&d) {
            Some(i) => i,
            None => {
                eprintln!(
                    "with-cluster: {} holds no PostgreSQL server (initdb, pg_ctl, postgres)",
                    d.display()
                );
                return ExitCode::from(2);
            }
        },
        None => match local::choose(&local::installations(), None) {
            Ok((i, _)) => i,
            Err(e) => {
                eprintln!("with-cluster: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let cluster = match LocalCluster::start(&installation, &opts) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("with-cluster: {e}");
            return ExitCode::from(2);
        }
    };
    let url = cluster.url("postgres");
    eprintln!(
        "with-cluster: {} started in {:.2} s at {}",
        installation,
        cluster.startup.as_secs_f64(),
        url
    );
    let status = Command::new(&command[0])
        .args(&command[1..])
        .env("DATABASE_URL", &url)
        .env("PLUMB_TEST_CLUSTER", cluster.dir())
        .status();
    if let Err(e) = cluster.stop() {
        eprintln!("with-cluster: stopping the cluster: {e}");
    }
    match status {
        Ok(s) => ExitCode::from(s.code().unwrap_or(2).clamp(0, 255) as u8),
        Err(e) => {
            eprintln!("with-cluster: cannot run {}: {e}", command[0]);
            ExitCode::from(2)
        }
    }
}
