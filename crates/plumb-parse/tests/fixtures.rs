//! Data-driven cases: `fixtures/parse/<case>/input.sql` parses to `expected.json` (the model and the
//! warnings), and `fixtures/parse/errors/<case>/input.sql` fails with exactly `expected.txt`.
//! `PLUMB_BLESS=1` rewrites the expected files.

mod common;

use std::path::{Path, PathBuf};

use common::read;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/parse")
}

fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("input.sql").is_file())
        .collect();
    v.sort();
    v
}

fn bless() -> bool {
    std::env::var("PLUMB_BLESS").is_ok_and(|v| v == "1")
}

/// Paths in output are relative to the fixtures root so that expected files do not depend on the checkout.
fn rel(p: &Path) -> PathBuf {
    p.strip_prefix(root())
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| p.to_path_buf())
}

#[test]
fn statements_interpret_to_expected_models() {
    let mut failures = Vec::new();
    let all = cases(&root());
    assert!(
        all.len() >= 15,
        "expected the fixture cases, found {}",
        all.len()
    );
    for dir in all {
        let input = dir.join("input.sql");
        let sql = read(&input);
        let actual = match plumb_parse::parse_str(&sql, &rel(&input)) {
            Ok(p) => {
                let warnings: Vec<String> = p.warnings.iter().map(|w| w.to_string()).collect();
                let v = serde_json::json!({ "database": p.database, "warnings": warnings });
                serde_json::to_string_pretty(&v).unwrap() + "\n"
            }
            Err(e) => format!("error: {e}\n"),
        };
        let expected_path = dir.join("expected.json");
        if bless() {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!(
                "{}: output differs from expected.json (PLUMB_BLESS=1 to accept)",
                dir.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn bad_input_fails_with_the_expected_message() {
    let mut failures = Vec::new();
    let all = cases(&root().join("errors"));
    assert!(all.len() >= 5, "expected error cases, found {}", all.len());
    for dir in all {
        let input = dir.join("input.sql");
        let sql = read(&input);
        let actual = match plumb_parse::parse_str(&sql, &rel(&input)) {
            Ok(_) => "parsed without error\n".to_string(),
            Err(e) => format!("{e}\n"),
        };
        let expected_path = dir.join("expected.txt");
        if bless() {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!(
                "{}:\nexpected:\n{expected}actual:\n{actual}",
                dir.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
