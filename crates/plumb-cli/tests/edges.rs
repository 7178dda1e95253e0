//! The command line's edges, on the exact output: one-line errors (the chain with `-v`), a closed pipe, a
//! password in an environment variable and `--help`, an error in a very long line. Output checked whole
//! (`assert_eq!`, or insta snapshots in `tests/snapshots/` with database names made stable).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::*;

#[test]
fn a_connection_error_is_one_line_and_the_chain_comes_with_verbose() {
    let url = "postgresql://u:hunter2@127.0.0.1:1/db";
    let run = plumb(&["dump", "--database", url]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: cannot connect to 127.0.0.1:1: connection refused\n"
    );
    let run = plumb(&["-v", "dump", "--database", url]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "plumb: reading postgresql://u:***@127.0.0.1:1/db\n\
         error: reading the schema of postgresql://u:***@127.0.0.1:1/db\n\
         \x20 caused by: cannot connect to 127.0.0.1:1: connection refused\n\
         \x20 caused by: error connecting to server\n\
         \x20 caused by: Connection refused (os error 111)\n"
    );
    assert!(!run.stderr.contains("hunter2"));
}

#[test]
fn help_never_shows_the_dev_url_password() {
    bless_env();
    let run = plumb_env(
        &["diff", "--help"],
        &[("PLUMB_DEV_URL", "postgresql://u:hunter2@h/db")],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stdout.contains("hunter2"), "{run:?}");
    insta::assert_snapshot!("diff_help", whole(&run));
}

#[test]
fn a_closed_pipe_ends_quietly_with_exit_0() {
    // Enough output to fill a pipe's buffer many times over.
    let db = TestDb::with_sql(
        "edges_pipe",
        "DO $$ BEGIN FOR i IN 1..1500 LOOP \
           EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, a text NOT NULL, b text)', i); \
         END LOOP; END $$;",
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_plumb"))
        .args(["dump", "--database", db.url()])
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is gone (as `| head -1` leaves).
    let out = child.wait_with_output().unwrap();
    assert!(first.starts_with("-- plumb dump of "), "{first}");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn an_error_in_a_one_megabyte_line_shows_a_window_around_the_column() {
    let dir = scratch_dir("edges_long_line");
    let file = dir.join("long.sql");
    let tables = |from: usize, to: usize| -> String {
        (from..to)
            .map(|i| format!("CREATE TABLE t{i} (a int); "))
            .collect()
    };
    let mut sql = tables(0, 20_000);
    sql.push_str("CREATE TABLE broken (a int,, b int); ");
    sql.push_str(&tables(20_000, 40_000));
    assert!(sql.len() > 1_000_000 && !sql.contains('\n'));
    std::fs::write(&file, &sql).unwrap();
    let column = sql.find(", b int").unwrap() + 1;
    let f = file.display().to_string();
    let run = plumb(&["diff", "--from", &f, "--to", &f]);
    assert_eq!(run.code, 2, "{}", &run.stderr[..run.stderr.len().min(2000)]);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines[0],
        format!("error: {f}:1:{column}: syntax error at or near \",\"")
    );
    let start = column - 1 - 60;
    let window: String = sql.chars().skip(start).take(120).collect();
    assert_eq!(lines[1], format!("…{window}…"));
    assert_eq!(lines[2], format!("{}^", " ".repeat(61)));
    assert_eq!(lines.len(), 3, "{}", run.stderr);
}

/// `diff` reads `--to` on a thread of its own while it reads `--from`: what each side logs still comes out in
/// the order of a read one after the other, and an error on either side is reported as such (the first
/// side's when both fail).
#[test]
fn both_sides_are_read_at_once_and_reported_in_order() {
    bless_env();
    let a = TestDb::with_sql("edges_both_a", "CREATE TABLE t (id int);");
    let b = TestDb::with_sql("edges_both_b", "CREATE TABLE t (id int, extra text);");
    for _ in 0..3 {
        let run = plumb(&["-v", "diff", "--from", a.url(), "--to", b.url()]);
        assert_eq!(run.code, 1, "{run:?}");
        // The same every time: `--from`'s lines first.
        insta::assert_snapshot!("both_sides_verbose", whole(&run));
    }
    let declared = workspace_root().join("fixtures/demo/v1.sql");
    let declared = declared.to_str().unwrap();
    let run = plumb(&[
        "diff",
        "--from",
        declared,
        "--to",
        "postgresql://u@127.0.0.1:1/db",
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: cannot connect to 127.0.0.1:1: connection refused\n"
    );
    let run = plumb(&[
        "diff",
        "--from",
        "postgresql://u@127.0.0.1:1/db",
        "--to",
        declared,
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: cannot connect to 127.0.0.1:1: connection refused\n"
    );
    let run = plumb(&[
        "diff",
        "--from",
        "/nonexistent/from.sql",
        "--to",
        "postgresql://u@127.0.0.1:1/db",
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!("from_file_missing", whole(&run));
}
