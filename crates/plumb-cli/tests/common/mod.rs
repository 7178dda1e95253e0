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

/// `head` + NAME + `tail` (a URL with its query after the database name) → `[server]/` + NAME.
fn server_urls(text: &str, head: &str, tail: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(head) {
        out.push_str(&rest[..at]);
        let after = &rest[at + head.len()..];
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if after[end..].starts_with(tail) {
            out.push_str("[server]/");
            out.push_str(&after[..end]);
            rest = &after[end + tail.len()..];
        } else {
            out.push_str(head);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The run as one text for a whole-output snapshot: exit code, stdout and stderr, with what changes from run to
/// run made stable ([`stable`]).
pub fn whole(run: &Run) -> String {
    stable(&format!(
        "exit {}\n--- stdout\n{}--- stderr\n{}",
        run.code, run.stdout, run.stderr
    ))
}

/// `text` with the unstable parts replaced: the test server's address (`[server]`), the names of this
/// process's test databases (`plumb_test_<pid>_<n>_<hex>_<tag>` → `[db <tag>]`) and roles, the scratch
/// folders of [`scratch_dir`] (`[scratch]`), the workspace root (`[root]`), today's date and durations. A name
/// padded to a column's width is followed by two spaces.
pub fn stable(text: &str) -> String {
    // The server's URL around a database name: `postgresql://postgres@127.0.0.1:5432/` + name, or, over a
    // unix socket, `postgresql:///` + name + `?host=...`.
    const MARK: &str = "PLUMBDBNAMEMARK";
    let server = plumb_testdb::redact(&plumb_testdb::url_with_database(
        &plumb_testdb::server_url(),
        MARK,
    ));
    let (head, tail) = server
        .split_once(MARK)
        .expect("the database name is in the URL");
    let scratch = std::env::temp_dir()
        .join(format!("plumb-cli-test-{}-", std::process::id()))
        .display()
        .to_string();
    let fleet_scratch = std::env::temp_dir()
        .join(format!("plumb-fleet-{}-", std::process::id()))
        .display()
        .to_string();
    let root = workspace_root().display().to_string();
    // The server first: a unix socket's folder may be under the workspace.
    let text = if tail.is_empty() {
        text.replace(head.trim_end_matches('/'), "[server]")
    } else {
        // Also as a GitHub annotation's message writes it (`%` escaped as `%25`).
        let text = server_urls(text, head, tail);
        server_urls(&text, head, &tail.replace('%', "%25"))
    };
    let text = text
        .replace(&scratch, "[scratch]/")
        .replace(&fleet_scratch, "[scratch]/")
        .replace(&root, "[root]");
    let prefix = format!("plumb_test_{}_", std::process::id());
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find(&prefix) {
        out.push_str(&rest[..at]);
        let after = &rest[at + prefix.len()..];
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..end];
        // `<n>_<hex>_<tag>` for a database, `r<n>_<role>` for a role stand-in.
        let mut parts = name.splitn(3, '_');
        let shown = match (parts.next(), parts.next(), parts.next()) {
            (Some(n), Some(_), Some(tag)) if n.chars().all(|c| c.is_ascii_digit()) => {
                format!("[db {tag}]")
            }
            (Some(r), Some(role), rest) if r.starts_with('r') => match rest {
                Some(more) => format!("[role {role}_{more}]"),
                None => format!("[role {role}]"),
            },
            _ => format!("[{name}]"),
        };
        out.push_str(&shown);
        rest = &after[end..];
        // Padding after a name in a column (its width varies with the name): two spaces.
        let pad = rest.len() - rest.trim_start_matches(' ').len();
        if pad >= 2 {
            out.push_str("  ");
            rest = &rest[pad..];
        }
    }
    out.push_str(rest);
    dates_and_durations(&out)
}

/// `listed on YYYY-MM-DD` (today, in a written accepted-drift list) → `listed on [date]`; a duration in
/// parentheses, `(1.37 s)` or `(12 ms)` → `([duration])`.
fn dates_and_durations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("listed on ") {
        let start = at + "listed on ".len();
        let date = rest.get(start..start + 10).unwrap_or("");
        let is_date = date.len() == 10
            && date.chars().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == '-'
                } else {
                    c.is_ascii_digit()
                }
            });
        out.push_str(&rest[..start]);
        if is_date {
            out.push_str("[date]");
            rest = &rest[start + 10..];
        } else {
            rest = &rest[start..];
        }
    }
    out.push_str(rest);
    let text = out;
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(open) = rest.find('(') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let number = after
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(after.len());
        let unit = [" s)", " ms)"]
            .into_iter()
            .find(|u| after[number..].starts_with(u));
        match unit {
            Some(u) if number > 0 => {
                out.push_str("([duration])");
                rest = &after[number + u.len()..];
            }
            _ => {
                out.push('(');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Accept changed snapshots in this run when `PLUMB_BLESS=1` (insta's `INSTA_UPDATE=always`).
pub fn bless_env() {
    if std::env::var("PLUMB_BLESS").is_ok_and(|v| !v.is_empty() && v != "0")
        && std::env::var_os("INSTA_UPDATE").is_none()
    {
        std::env::set_var("INSTA_UPDATE", "always");
    }
}
