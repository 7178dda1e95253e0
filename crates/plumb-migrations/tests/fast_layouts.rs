//! Data-driven layout tests: every `fixtures/migrations/<layout>/<case>/` holds a `migrations/` directory, an
//! optional `layout.txt` (read with that layout instead of detecting) and the snapshot `expected.snap`, the
//! rendering below (or `error: <message>`). One test per case (`harness = false`, see
//! `plumb_testdb::fixture`); no server is needed. `PLUMB_BLESS=1` rewrites the snapshots; review the diff
//! before committing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use plumb_migrations::{detect_all, read_dir, Layout, MigrationDir};
use plumb_testdb::fixture::{Case, CaseResult, Snapshots, Suite};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/migrations")
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

fn render(dir: &MigrationDir) -> String {
    let mut s = format!("layout {}\n", dir.layout);
    for m in &dir.migrations {
        s.push_str(&format!(
            "migration id={:?} version={:?} name={:?} file={} up_line={} checksum={}{}\n",
            m.id,
            m.version,
            m.name,
            rel(&dir.root, &m.path),
            m.up_line,
            m.checksum,
            if m.repeatable { " repeatable" } else { "" }
        ));
        for line in m.up_sql.lines() {
            s.push_str(&format!("  | {line}\n"));
        }
    }
    for p in &dir.ignored {
        s.push_str(&format!("ignored {}\n", rel(&dir.root, p)));
    }
    s
}

fn run_case(case: &Path) -> String {
    let dir = case.join("migrations");
    let forced: Option<Layout> = std::fs::read_to_string(case.join("layout.txt"))
        .ok()
        .map(|t| t.trim().parse().unwrap());
    let detected: Vec<String> = detect_all(&dir).iter().map(|l| l.to_string()).collect();
    let mut out = format!("detected [{}]\n", detected.join(", "));
    match read_dir(&dir, forced) {
        Ok(d) => out.push_str(&render(&d)),
        Err(e) => {
            let msg = e
                .to_string()
                .replace(&format!("{}/", dir.display()), "")
                .replace(&dir.display().to_string(), "<dir>");
            out.push_str(&format!("error: {msg}\n"));
        }
    }
    out
}

fn layout_case(case: &Case) -> CaseResult {
    plumb_testdb::snapshot::check(&case.dir, "expected", &run_case(&case.dir));
    Ok(())
}

fn main() -> ExitCode {
    let mut suite = Suite::new();
    suite
        .cases(
            "migrations-layouts",
            &fixtures(),
            2,
            &|case: &Path| case.join("migrations").is_dir(),
            10,
            Snapshots::plain(&["expected"]),
            layout_case,
        )
        .test(
            "prisma_checksum_matches_sha256sum",
            prisma_checksum_matches_sha256sum,
        )
        .test(
            "sqlx_checksum_matches_sha384sum",
            sqlx_checksum_matches_sha384sum,
        );
    suite.run()
}

/// Prisma's checksum is the SHA-256 of the file's bytes: check against the system's `sha256sum`.
fn prisma_checksum_matches_sha256sum() {
    let dir = read_dir(&fixtures().join("prisma/basic/migrations"), None).unwrap();
    assert_eq!(dir.layout, Layout::Prisma);
    assert_eq!(dir.migrations.len(), 2);
    for m in &dir.migrations {
        let out = std::process::Command::new("sha256sum")
            .arg(&m.path)
            .output()
            .expect("sha256sum runs");
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        let hex = text.split_whitespace().next().unwrap();
        assert_eq!(
            m.checksum,
            plumb_migrations::Checksum::Sha256Hex(hex.to_string()),
            "{}",
            m.path.display()
        );
    }
}

/// sqlx's checksum is the SHA-384 of the file: check against the system's `sha384sum`.
fn sqlx_checksum_matches_sha384sum() {
    let dir = read_dir(&fixtures().join("sqlx/simple/migrations"), None).unwrap();
    for m in &dir.migrations {
        let out = std::process::Command::new("sha384sum")
            .arg(&m.path)
            .output()
            .expect("sha384sum runs");
        let text = String::from_utf8(out.stdout).unwrap();
        let hex = text.split_whitespace().next().unwrap();
        assert_eq!(
            m.checksum,
            plumb_migrations::Checksum::Sha384(hex_decode(hex)),
            "{}",
            m.path.display()
        );
    }
}

fn hex_decode(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}
