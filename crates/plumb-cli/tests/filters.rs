//! What a command compares, end to end against real databases: schema filters that name nothing are an error
//! rather than an empty "in sync", contradictory filters are an error.

mod common;

use common::*;

const APP: &str = "\
CREATE SCHEMA app;
CREATE TABLE app.users (id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE public.notes (id int);
";

fn declared(tag: &str, sql: &str) -> std::path::PathBuf {
    let file = scratch_dir(tag).join("schema.sql");
    std::fs::write(&file, sql).unwrap();
    file
}

#[test]
fn a_schema_named_in_include_schema_that_exists_nowhere_is_an_error() {
    let db = TestDb::with_sql("filters_typo", APP);
    db.execute("ALTER TABLE app.users ADD COLUMN nickname text");
    let file = declared("filters_typo", APP);
    let file = file.to_str().unwrap();

    // The right name finds the drift.
    let run = plumb(&[
        "check",
        "--database",
        db.url(),
        "--schema",
        file,
        "--include-schema",
        "app",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("nickname"), "{run:?}");

    // A typo is an error naming it and the schemas that exist, not "in sync".
    let run = plumb(&[
        "check",
        "--database",
        db.url(),
        "--schema",
        file,
        "--include-schema",
        "App",
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    assert!(
        run.stderr.contains("\"App\"")
            && run.stderr.contains("the schemas there: app, public")
            && run.stderr.contains("did you mean app?"),
        "{run:?}"
    );

    let run = plumb(&[
        "diff",
        "--from",
        db.url(),
        "--to",
        file,
        "--include-schema",
        "nosuch",
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("nosuch"), "{run:?}");

    // A schema that exists on one side only is a real comparison (its objects are missing on the other).
    let only_public = declared("filters_typo_public", "CREATE TABLE public.notes (id int);");
    let run = plumb(&[
        "diff",
        "--from",
        only_public.to_str().unwrap(),
        "--to",
        db.url(),
        "--include-schema",
        "app",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("CREATE SCHEMA app"), "{run:?}");
}

#[test]
fn dump_of_a_schema_that_does_not_exist_is_an_error() {
    let db = TestDb::with_sql("filters_dump", APP);
    let run = plumb(&["dump", "--database", db.url(), "--schema", "nosuch"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    assert!(
        run.stderr.contains("--schema nosuch") && run.stderr.contains("app, public"),
        "{run:?}"
    );
    let run = plumb(&["dump", "--database", db.url(), "--schema", "app"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("CREATE TABLE app.users"), "{run:?}");
    assert!(!run.stdout.contains("notes"), "{run:?}");
}

#[test]
fn contradictory_filters_are_an_error() {
    let db = TestDb::with_sql("filters_contra", APP);
    let file = declared("filters_contra", APP);
    let run = plumb(&[
        "check",
        "--database",
        db.url(),
        "--schema",
        file.to_str().unwrap(),
        "--include-schema",
        "app",
        "--exclude-schema",
        "app",
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("both included") && run.stderr.contains("app"),
        "{run:?}"
    );
    let run = plumb(&[
        "dump",
        "--database",
        db.url(),
        "--schema",
        "app",
        "--exclude-schema",
        "app",
    ]);
    assert_eq!(run.code, 2, "{run:?}");
}
