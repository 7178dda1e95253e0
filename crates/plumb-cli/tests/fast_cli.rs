//! The CLI with no server (`fast_*`: part of `just test-fast`): `plumb diff` of two schema files, offline, in
//! every output format, and its errors, each output compared whole with an insta snapshot in
//! `tests/snapshots/` (`PLUMB_BLESS=1` or `cargo insta review` to accept a change).

mod common;

use common::{bless_env, plumb_at, whole, workspace_root, Run};

/// `plumb diff` run from the workspace root (so the paths it prints are the relative ones given), with no
/// server reachable: DATABASE_URL and libpq's variables point nowhere.
fn diff(args: &[&str]) -> Run {
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    plumb_at(
        Some(&workspace_root()),
        &all,
        &[
            ("PGHOST", "/nonexistent"),
            ("PGPORT", "1"),
            ("NO_COLOR", "1"),
        ],
    )
}

const DEMO: [&str; 4] = [
    "--from",
    "fixtures/demo/v1.sql",
    "--to",
    "fixtures/demo/v2.sql",
];

#[test]
fn demo_diff_in_every_format() {
    bless_env();
    for format in ["sql", "human", "json", "markdown"] {
        let mut args = DEMO.to_vec();
        args.extend(["--format", format]);
        let run = diff(&args);
        insta::assert_snapshot!(format!("demo_{format}"), whole(&run));
    }
}

#[test]
fn demo_diff_without_a_format_writes_sql() {
    let run = diff(&DEMO);
    let sql = diff(&[DEMO.as_slice(), &["--format", "sql"]].concat());
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stdout, sql.stdout);
    assert_eq!(run.stderr, sql.stderr);
}

#[test]
fn no_differences() {
    bless_env();
    let run = diff(&[
        "--from",
        "fixtures/demo/v2.sql",
        "--to",
        "fixtures/demo/v2.sql",
        "--format",
        "human",
    ]);
    insta::assert_snapshot!("same_file", whole(&run));
}

#[test]
fn unreadable_and_unparsable_input_are_errors() {
    bless_env();
    let dir = common::scratch_dir("fast_cli_errors");
    let bad = dir.join("bad.sql");
    std::fs::write(&bad, "CREATE TABLE t (id int;\n").expect("write bad.sql");
    let run = diff(&[
        "--from",
        bad.to_str().unwrap_or(""),
        "--to",
        "fixtures/demo/v1.sql",
    ]);
    insta::assert_snapshot!("syntax_error", whole(&run));
    let run = diff(&[
        "--from",
        "fixtures/demo/missing.sql",
        "--to",
        "fixtures/demo/v1.sql",
    ]);
    insta::assert_snapshot!("missing_file", whole(&run));
    let _ = std::fs::remove_dir_all(&dir);
}
