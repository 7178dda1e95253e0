//! Snapshot files of the data-driven tests, one per PostgreSQL major version where the server's output
//! differs.
//!
//! A case's snapshot is `stem.ext` (e.g. `expected.sql`), written on the reference version
//! ([`REFERENCE_MAJOR`]). On another major version, `stem.pgNN.ext` is read instead when it exists: the
//! server's own text changed there (PostgreSQL 16+ leaves single-table column references in view definitions
//! unqualified, 17 adds the MAINTAIN privilege, an extension ships another version). `PLUMB_BLESS=1` writes
//! the snapshot of the version the tests run on, and writes a versioned file only when it differs from
//! `stem.ext`, so the versioned files list exactly what differs by version.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The version whose output is `stem.ext`: the PostgreSQL of the project's machines.
pub const REFERENCE_MAJOR: u32 = 15;

/// The major version of the server the tests run on (`DATABASE_URL`).
pub fn server_major() -> u32 {
    static MAJOR: OnceLock<u32> = OnceLock::new();
    *MAJOR.get_or_init(|| {
        let mut client = crate::admin_client();
        match client.query_one("SELECT current_setting('server_version_num')::int4", &[]) {
            Ok(row) => (row.get::<_, i32>(0) / 10000) as u32,
            Err(e) => panic!("cannot read the server version: {e}"),
        }
    })
}

/// Whether `PLUMB_BLESS` asks to write snapshots.
pub fn blessing() -> bool {
    std::env::var("PLUMB_BLESS").is_ok_and(|v| !v.is_empty() && v != "0")
}

fn versioned(dir: &Path, stem: &str, ext: &str, major: u32) -> PathBuf {
    dir.join(format!("{stem}.pg{major}.{ext}"))
}

/// The snapshot file that applies on this server.
pub fn snapshot_path(dir: &Path, stem: &str, ext: &str) -> PathBuf {
    let major = server_major();
    let v = versioned(dir, stem, ext, major);
    if major != REFERENCE_MAJOR && v.exists() {
        v
    } else {
        dir.join(format!("{stem}.{ext}"))
    }
}

/// Compare `actual` with the snapshot that applies on this server (or write it, with `PLUMB_BLESS=1`).
/// The error names the file and shows the first lines that differ.
pub fn check_snapshot(dir: &Path, stem: &str, ext: &str, actual: &str) -> Result<(), String> {
    let major = server_major();
    let base = dir.join(format!("{stem}.{ext}"));
    if blessing() {
        let write = |p: &Path| {
            std::fs::write(p, actual).map_err(|e| format!("cannot write {}: {e}", p.display()))
        };
        if major == REFERENCE_MAJOR || !base.exists() {
            return write(&base);
        }
        let v = versioned(dir, stem, ext, major);
        if std::fs::read_to_string(&base).is_ok_and(|b| b == actual) {
            if v.exists() {
                std::fs::remove_file(&v)
                    .map_err(|e| format!("cannot remove {}: {e}", v.display()))?;
            }
            return Ok(());
        }
        return write(&v);
    }
    let path = snapshot_path(dir, stem, ext);
    match std::fs::read_to_string(&path) {
        Ok(expected) if expected == actual => Ok(()),
        Ok(expected) => Err(format!(
            "differs from {} (PostgreSQL {major}; PLUMB_BLESS=1 to accept)\n{}",
            path.display(),
            first_difference(&expected, actual)
        )),
        Err(e) => Err(format!(
            "cannot read {} ({e}; PLUMB_BLESS=1 writes it)",
            path.display()
        )),
    }
}

/// The first lines that differ, with a little context.
pub fn first_difference(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let first = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    let from = first.saturating_sub(3);
    let mut out = format!("first difference at line {}\n", first + 1);
    for (i, line) in e.iter().enumerate().skip(from).take(8) {
        out.push_str(&format!("- {:>5} {line}\n", i + 1));
    }
    for (i, line) in a.iter().enumerate().skip(from).take(8) {
        out.push_str(&format!("+ {:>5} {line}\n", i + 1));
    }
    out
}

/// Why the fixture case in `case_dir` cannot run on this server, if it cannot: a case that uses a feature of
/// PostgreSQL N and later holds a file `min-version` with N (e.g. `NULLS NOT DISTINCT` needs 15). The tests
/// print the reason and go on with the other cases.
pub fn skip_reason(case_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(case_dir.join("min-version")).ok()?;
    let min: u32 = match text.trim().parse() {
        Ok(n) => n,
        Err(_) => panic!(
            "{}: min-version must hold a major version number, not {text:?}",
            case_dir.display()
        ),
    };
    let major = server_major();
    (major < min).then(|| {
        format!(
            "{}: not run on PostgreSQL {major} (needs {min})",
            case_dir.display()
        )
    })
}
