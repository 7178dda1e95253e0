//! What a command compares, end to end against real databases: schema filters that name nothing are an error
//! rather than an empty "in sync", contradictory filters are an error. Output checked whole (insta snapshots
//! in `tests/snapshots/`, database names and scratch paths made stable).

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
    bless_env();
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
    insta::assert_snapshot!("include_schema_app", whole(&run));

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
    insta::assert_snapshot!("include_schema_typo", whole(&run));

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
    insta::assert_snapshot!("diff_include_schema_nosuch", whole(&run));

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
    insta::assert_snapshot!("schema_on_one_side", whole(&run));
}

#[test]
fn dump_of_a_schema_that_does_not_exist_is_an_error() {
    bless_env();
    let db = TestDb::with_sql("filters_dump", APP);
    let run = plumb(&["dump", "--database", db.url(), "--schema", "nosuch"]);
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!("dump_schema_nosuch", whole(&run));
    let run = plumb(&["dump", "--database", db.url(), "--schema", "app"]);
    assert_eq!(run.code, 0, "{run:?}");
    insta::assert_snapshot!("dump_schema_app", whole(&run));
}

#[test]
fn contradictory_filters_are_an_error() {
    bless_env();
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
    insta::assert_snapshot!("include_and_exclude", whole(&run));
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

/// A database that drifted in ways a team may decide to ignore, and its declared schema.
const DECLARED: &str = "\
CREATE SCHEMA app;
CREATE TABLE app.users (id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE public.events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE public.events_2024 PARTITION OF public.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
";

fn drifted(tag: &str) -> (TestDb, std::path::PathBuf) {
    let db = TestDb::with_sql(tag, DECLARED);
    // Objects made outside the declaration: an audit table, a column, a function, a trigger, a partition.
    db.execute(
        "CREATE TABLE app.audit_users (id bigint, at timestamptz);
         ALTER TABLE app.users ADD COLUMN legacy_code text;
         CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
         CREATE TRIGGER users_touch BEFORE UPDATE ON app.users FOR EACH ROW EXECUTE FUNCTION app.touch();
         CREATE TABLE public.events_2025 PARTITION OF public.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');",
    );
    let file = declared(tag, DECLARED);
    (db, file)
}

fn check_file(db: &TestDb, file: &std::path::Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "check",
        "--database",
        db.url(),
        "--schema",
        file.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    plumb(&args)
}

#[test]
fn exclude_patterns_leave_objects_out_one_syntax_at_a_time() {
    bless_env();
    let (db, file) = drifted("filters_exclude");
    let all = check_file(&db, &file, &[]);
    assert_eq!(all.code, 1, "{all:?}");
    insta::assert_snapshot!("drifted_all", whole(&all));
    // Each pattern removes its object(s) and nothing else.
    for (pattern, gone) in [
        ("app.audit_users", &["audit_users"][..]),
        ("*.audit_*", &["audit_users"]),
        ("app.users.legacy_code", &["legacy_code"]),
        ("[type=function]", &["app.touch()"]),
        ("*.*[type=function]", &["app.touch()"]),
        ("app.users.*[type=trigger]", &["users_touch"]),
        ("[type=trigger]", &["users_touch"]),
        ("public.events[partitions]", &["events_2025"]),
    ] {
        let run = check_file(&db, &file, &["--exclude", pattern]);
        assert_eq!(run.code, 1, "{pattern}: {run:?}");
        for g in gone {
            assert!(
                !run.stdout.contains(g),
                "{pattern} should remove {g}: {run:?}"
            );
        }
        for other in ["audit_users", "legacy_code", "users_touch", "events_2025"] {
            if !gone.contains(&other) {
                assert!(
                    run.stdout.contains(other),
                    "{pattern} removed {other}: {run:?}"
                );
            }
        }
    }
    // Together they accept all of it.
    let run = check_file(
        &db,
        &file,
        &[
            "--exclude",
            "*.audit_*",
            "--exclude",
            "app.users.legacy_code",
            "--exclude",
            "[type=function]",
            "--exclude",
            "[type=trigger]",
            "--exclude",
            "public.events[partitions]",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    // A schema pattern; one that matches nothing is warned about.
    let run = check_file(&db, &file, &["--exclude", "app", "--exclude", "nosuch.*"]);
    insta::assert_snapshot!("exclude_schema_and_nothing", whole(&run));
    // A bad pattern is an error.
    let run = check_file(&db, &file, &["--exclude", "app.users[type=nosuch]"]);
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!("exclude_unknown_kind", whole(&run));
    // The same patterns hold for diff and dump.
    let dump = plumb(&["dump", "--database", db.url(), "--exclude", "*.audit_*"]);
    assert_eq!(dump.code, 0, "{dump:?}");
    insta::assert_snapshot!("dump_exclude", whole(&dump));
    let diff = plumb(&[
        "diff",
        "--from",
        db.url(),
        "--to",
        file.to_str().unwrap(),
        "--exclude",
        "public.events[partitions]",
    ]);
    insta::assert_snapshot!("diff_exclude_partitions", whole(&diff));
}

#[test]
fn plumb_toml_holds_the_settings_so_check_runs_with_no_flags() {
    bless_env();
    let (db, file) = drifted("filters_config");
    let project = scratch_dir("filters_config_project");
    let sub = project.join("deploy/ci");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::create_dir_all(project.join("db")).unwrap();
    std::fs::copy(&file, project.join("db/schema.sql")).unwrap();
    // `check --schema` has no config key (the config names a migrations directory); a migrations directory
    // with one migration holding the declared schema.
    let mig = project.join("db/migrations/20240101000000_init");
    std::fs::create_dir_all(&mig).unwrap();
    std::fs::write(mig.join("migration.sql"), DECLARED).unwrap();
    std::fs::write(
        project.join("plumb.toml"),
        r#"# the gate of this project
database_env = "PRODUCTION_URL"
migrations = "db/migrations"
layout = "prisma"
exclude = [
  "*.audit_*",
  "app.users.legacy_code",
  "[type=function]",
  "[type=trigger]",
  "public.events[partitions]",
]

[format]
check = "json"
"#,
    )
    .unwrap();
    // Run from a subdirectory: the file is found upwards; no flags.
    let run = plumb_at(Some(&sub), &["check"], &[("PRODUCTION_URL", db.url())]);
    assert_eq!(run.code, 0, "{run:?}");
    let v: serde_json::Value =
        serde_json::from_str(&run.stdout).expect("json format from plumb.toml");
    assert_eq!(v["in_sync"], true, "{}", run.stdout);
    // A flag adds to the file's patterns and overrides its format.
    let run = plumb_at(
        Some(&sub),
        &["check", "--format", "human", "--exclude", "app"],
        &[("PRODUCTION_URL", db.url())],
    );
    assert_eq!(run.code, 0, "{run:?}");
    insta::assert_snapshot!("config_and_flags", whole(&run));
    // --no-config ignores it: no database, no declared schema.
    let run = plumb_at(
        Some(&sub),
        &["check", "--no-config"],
        &[("PRODUCTION_URL", db.url())],
    );
    assert_eq!(run.code, 2, "{run:?}");
    // The variable it names must be set.
    let run = plumb_at(Some(&sub), &["check"], &[]);
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!("config_variable_unset", whole(&run));
    // An unknown key is an error with the file and line.
    std::fs::write(
        project.join("plumb.toml"),
        "migrations = \"db/migrations\"\nexclude_tables = [\"x\"]\n",
    )
    .unwrap();
    let run = plumb_at(Some(&sub), &["check"], &[("DATABASE_URL", db.url())]);
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!("config_unknown_key", whole(&run));
}
