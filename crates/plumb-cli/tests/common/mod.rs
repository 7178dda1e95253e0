//! Helpers for the CLI's end-to-end tests: run the real `plumb` binary against real databases.

#![allow(dead_code, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::Command;

#[allow(unused_imports)]
pub use plumb_testdb::TestDb;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Run `plumb` with these arguments (DATABASE_URL, PLUMB_DEV_URL and libpq's PG* variables removed from its
/// environment unless given in `env`).
pub fn plumb(args: &[&str]) -> Run {
    plumb_env(args, &[])
}

pub fn plumb_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    plumb_at(None, args, env)
}

/// Run `plumb` in `cwd` (where it looks for plumb.toml) with these arguments and environment.
pub fn plumb_at(cwd: Option<&Path>, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_plumb"));
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    cmd.args(args)
        .env_remove("DATABASE_URL")
        .env_remove("PLUMB_DEV_URL");
    for var in [
        "PGHOST",
        "PGPORT",
        "PGUSER",
        "PGDATABASE",
        "PGPASSWORD",
        "PGPASSFILE",
        "PGSERVICE",
        "PGSERVICEFILE",
        "PGSSLMODE",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("plumb runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The dev server URL for `--dev-url` (the test server).
pub fn dev_url() -> String {
    plumb_testdb::url_with_database(&plumb_testdb::server_url(), "postgres")
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// A fresh empty directory under the target dir, removed first if it exists.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("plumb-cli-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// `pg_dump --schema-only` of a database, normalised like ../shared/bin/roundtrip: no comments, SET lines,
/// psql meta lines or blank lines; the column lines of each CREATE TABLE sorted.
pub fn pg_dump_normalised(url: &str) -> Vec<String> {
    let out = Command::new("pg_dump")
        .args(["--schema-only", "-d", url])
        .output()
        .expect("pg_dump runs");
    assert!(
        out.status.success(),
        "pg_dump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines: Vec<String> = Vec::new();
    let mut table: Option<Vec<String>> = None;
    for line in text.lines() {
        let s = line.trim_end();
        if s.is_empty()
            || s.starts_with("--")
            || s.starts_with('\\')
            || s.starts_with("SET ")
            || s.starts_with("SELECT pg_catalog.set_config")
        {
            continue;
        }
        if let Some(body) = table.as_mut() {
            if s.starts_with(')') {
                let mut cols: Vec<String> = body
                    .iter()
                    .map(|c| c.trim_end_matches(',').to_string())
                    .collect();
                cols.sort();
                lines.extend(cols);
                lines.push(s.to_string());
                table = None;
            } else {
                body.push(s.to_string());
            }
            continue;
        }
        if (s.starts_with("CREATE TABLE ") || s.starts_with("CREATE UNLOGGED TABLE "))
            && s.ends_with('(')
        {
            lines.push(s.to_string());
            table = Some(Vec::new());
            continue;
        }
        lines.push(s.to_string());
    }
    lines
}

/// The first difference between two normalised dumps, for assertion messages.
pub fn first_difference(a: &[String], b: &[String]) -> String {
    for (i, (x, y)) in a.iter().zip(b.iter()).enumerate() {
        if x != y {
            let from = i.saturating_sub(3);
            return format!(
                "line {i}:\n  a: {}\n  b: {}",
                a[from..(i + 3).min(a.len())].join("\n     "),
                b[from..(i + 3).min(b.len())].join("\n     ")
            );
        }
    }
    format!("lengths differ: {} vs {}", a.len(), b.len())
}
