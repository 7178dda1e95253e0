//! Data-driven cases, one test each (`harness = false`, see `plumb_testdb::fixture`): every
//! `fixtures/parse/<case>/input.sql` parses to the snapshot `expected.snap` (the model and the warnings), and
//! every `fixtures/parse/errors/<case>/input.sql` fails with exactly the message of its `expected.snap`.
//! No server is needed. `PLUMB_BLESS=1` rewrites the snapshots.

mod common;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use common::read;
use plumb_testdb::fixture::{fixtures_root, Case, CaseResult, Snapshots, Suite};
use plumb_testdb::snapshot;

fn root() -> PathBuf {
    fixtures_root().join("parse")
}

/// Paths in output are relative to the fixtures root so that snapshots do not depend on the checkout.
fn rel(p: &Path) -> PathBuf {
    let root = root();
    let root = root.canonicalize().unwrap_or(root);
    let p = p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    p.strip_prefix(&root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| p.to_path_buf())
}

fn has_input(dir: &Path) -> bool {
    dir.join("input.sql").is_file()
}

/// A statement script interprets to the expected model and warnings.
fn model_case(case: &Case) -> CaseResult {
    let input = case.dir.join("input.sql");
    let sql = read(&input);
    let actual = match plumb_parse::parse_str(&sql, &rel(&input)) {
        Ok(p) => {
            let warnings: Vec<String> = p.warnings.iter().map(|w| w.to_string()).collect();
            let v = serde_json::json!({ "database": p.database, "warnings": warnings });
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())? + "\n"
        }
        Err(e) => format!("error: {e}\n"),
    };
    snapshot::check(&case.dir, "expected", &actual);
    Ok(())
}

/// Bad input fails with the expected message.
fn error_case(case: &Case) -> CaseResult {
    let input = case.dir.join("input.sql");
    let sql = read(&input);
    let actual = match plumb_parse::parse_str(&sql, &rel(&input)) {
        Ok(_) => "parsed without error\n".to_string(),
        Err(e) => format!("{e}\n"),
    };
    snapshot::check(&case.dir, "expected", &actual);
    Ok(())
}

fn main() -> ExitCode {
    let mut suite = Suite::new();
    let expected = Snapshots::plain(&["expected"]);
    suite
        .cases("parse", &root(), 1, &has_input, 15, expected, model_case)
        .cases(
            "parse/errors",
            &root().join("errors"),
            1,
            &has_input,
            5,
            expected,
            error_case,
        );
    suite.run()
}
