//! Snapshot files of the data-driven tests, written and compared by [`insta`]: a case's snapshot is the file
//! `<stem>.snap` in the case's own folder (e.g. `fixtures/diff/column/add/expected.snap`).
//!
//! Snapshots of what a server prints exist once per PostgreSQL major version where the server's output
//! differs ([`check_versioned`]): `<stem>.snap` is written on the reference version ([`REFERENCE_MAJOR`]); on
//! another major version, `<stem>@pgNN.snap` (insta's snapshot suffix) is read instead when it exists: the
//! server's own text changed there (PostgreSQL 16+ leaves single-table column references in view definitions
//! unqualified, 17 adds the MAINTAIN privilege, an extension ships another version). Blessing writes the
//! snapshot of the version the tests run on, and writes a versioned file only when it differs from
//! `<stem>.snap`, so the versioned files list exactly what differs by version.
//!
//! Blessing: `PLUMB_BLESS=1` (the same as insta's `INSTA_UPDATE=always`) rewrites the snapshots; without it
//! a differing snapshot fails the case and, outside CI, leaves `<stem>.snap.new` next to it for
//! `cargo insta review` (or delete it). [`crate::fixture`]'s check fails on any `.snap.new` and on snapshots
//! no case reads.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The version whose output is `<stem>.snap`: the PostgreSQL of the project's machines.
pub const REFERENCE_MAJOR: u32 = 15;

/// The major versions a versioned snapshot may name (`<stem>@pgNN.snap`): those the version matrix runs.
pub const MAJORS: &[u32] = &[14, 15, 16, 17, 18];

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

/// Whether snapshots are being rewritten (`PLUMB_BLESS=1`, or insta's `INSTA_UPDATE=always`).
pub fn blessing() -> bool {
    std::env::var("PLUMB_BLESS").is_ok_and(|v| !v.is_empty() && v != "0")
        || std::env::var("INSTA_UPDATE").is_ok_and(|v| v == "always" || v == "1")
}

/// The file of snapshot `stem` in `dir`, with insta's suffix for a server version (`None`: the base file).
pub fn snapshot_file(dir: &Path, stem: &str, major: Option<u32>) -> PathBuf {
    match major {
        Some(m) => dir.join(format!("{stem}@pg{m}.snap")),
        None => dir.join(format!("{stem}.snap")),
    }
}

/// The text a `.snap` file holds (what follows its metadata header), as insta compares it: trailing
/// whitespace ignored.
pub fn read_contents(file: &Path) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    let body = match text.strip_prefix("---\n") {
        Some(rest) => rest.split_once("\n---\n").map(|(_, b)| b).unwrap_or(rest),
        None => &text,
    };
    Some(body.trim_end().to_string())
}

/// Compare `actual` with the snapshot `<stem>.snap` in `case_dir` (output that does not depend on the
/// server). Fails the test (insta's diff names the file) when it differs.
pub fn check(case_dir: &Path, stem: &str, actual: &str) {
    assert_with_insta(case_dir, stem, None, actual);
}

/// Compare `actual`, output that depends on the server's version, with the snapshot that applies on this
/// server: `<stem>@pgNN.snap` when it exists on a server other than the reference version, else
/// `<stem>.snap`. While blessing on another version, a versioned file is written only when the output
/// differs from `<stem>.snap`, and removed when it no longer does.
pub fn check_versioned(case_dir: &Path, stem: &str, actual: &str) {
    let major = server_major();
    if major == REFERENCE_MAJOR {
        return assert_with_insta(case_dir, stem, None, actual);
    }
    let versioned = snapshot_file(case_dir, stem, Some(major));
    let base = read_contents(&snapshot_file(case_dir, stem, None));
    if blessing() && base.is_some() {
        if base.as_deref() == Some(actual.trim_end()) {
            if versioned.exists() {
                if let Err(e) = std::fs::remove_file(&versioned) {
                    panic!("cannot remove {}: {e}", versioned.display());
                }
            }
            return;
        }
        return assert_with_insta(case_dir, stem, Some(major), actual);
    }
    let suffix = versioned.exists().then_some(major);
    assert_with_insta(case_dir, stem, suffix, actual)
}

fn assert_with_insta(case_dir: &Path, stem: &str, major: Option<u32>, actual: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(case_dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    if let Some(m) = major {
        settings.set_snapshot_suffix(format!("pg{m}"));
    }
    settings.bind(|| insta::assert_snapshot!(stem, actual));
}

/// Why the fixture case in `case_dir` cannot run on this server, if it cannot: a case that uses a feature of
/// PostgreSQL N and later holds a file `min-version` with N (e.g. `NULLS NOT DISTINCT` needs 15). The case
/// prints the reason and passes.
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
