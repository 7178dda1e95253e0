//! Report details on the exact output: `--fix-sql declaration`'s header, warnings (one `warning:` prefix,
//! empty files), `--format github` annotations with file and line, definition differences with both texts,
//! `status` summarising applied migrations unless `-v`. Output checked whole (`assert_eq!`, or insta
//! snapshots in `tests/snapshots/` with database names and scratch paths made stable).

mod common;

use std::path::Path;

use common::*;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn fix_sql_declaration_goes_from_the_declaration_to_the_database() {
    bless_env();
    let db = TestDb::with_sql("rep_fix", "CREATE TABLE t (a int, b int);");
    let dir = scratch_dir("rep_fix");
    let schema = write(&dir, "schema.sql", "CREATE TABLE t (a int);\n");
    let run = plumb(&[
        "check",
        "--database",
        db.url(),
        "--schema",
        &schema,
        "--fix-sql",
        "declaration",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    let fix = run
        .stdout
        .split("SQL for a new migration that records what the database has:\n\n")
        .nth(1)
        .unwrap_or_else(|| panic!("{run:?}"));
    assert_eq!(
        fix,
        format!(
            "-- plumb diff\n-- from: {schema}\n-- to:   {}\n-- 1 change(s), 1 step(s), 0 hazard(s)\n\n\
             -- create column public.t.b\nALTER TABLE public.t ADD COLUMN b integer;\n",
            plumb_testdb::redact(db.url())
        )
    );
    // --fix-sql database keeps database -> declaration.
    let run = plumb(&[
        "check",
        "--database",
        db.url(),
        "--schema",
        &schema,
        "--fix-sql",
        "database",
    ]);
    insta::assert_snapshot!("fix_sql_database", whole(&run));
}

#[test]
fn warnings_have_one_prefix_and_empty_files_are_warned() {
    let dir = scratch_dir("rep_warn").join("schema");
    write(
        &dir,
        "a.sql",
        "CREATE TABLE t (a int);\nDO $$ BEGIN PERFORM pg_sleep(0); END $$;\n",
    );
    write(&dir, "b.sql", "-- nothing here yet\n");
    let d = dir.display().to_string();
    let other = write(&dir.join(".."), "other.sql", "CREATE TABLE t (a int);\n");
    let run = plumb(&["diff", "--from", &d, "--to", &other]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stderr.replace(&d, "<dir>"),
        "warning: <dir>/a.sql:2:1: DO block (PERFORM): its effect cannot be known offline (use --dev-url)\n\
         warning: <dir>/b.sql:1:1: empty file: no SQL statements\n"
    );
    // Read through a scratch database, the empty file is named the same way.
    let run = plumb(&[
        "diff",
        "--from",
        &d,
        "--to",
        &other,
        "--dev-url",
        &dev_url(),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stderr.replace(&d, "<dir>"),
        "warning: <dir>/b.sql:1:1: empty file: no SQL statements\n"
    );
}

#[test]
fn github_annotations_name_the_file_and_warnings_are_annotations() {
    bless_env();
    let db = TestDb::with_sql(
        "rep_gh",
        // A view without column references: PostgreSQL 16 and later leave a single table's columns unqualified,
        // 14 and 15 qualify them; this text is the same on every version.
        "CREATE TABLE t (a int);\n\
         CREATE VIEW v AS SELECT 1 AS a;",
    );
    let dir = scratch_dir("rep_gh");
    let schema = write(
        &dir,
        "schema.sql",
        "CREATE TABLE t (a int);\nCREATE VIEW v AS SELECT 1 AS a, 2 AS b;\nDO $$ BEGIN PERFORM pg_sleep(0); END $$;\n",
    );
    let run = plumb(&[
        "check",
        "--database",
        db.url(),
        "--schema",
        &schema,
        "--format",
        "github",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    let file = schema.replace(':', "%3A").replace(',', "%2C");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "::error file={file},line=2,col=1,title=Schema drift (changed)::view public.v differs in definition \
             (database, then declared):%0A--- from%0A+++ to%0A@@ -1 +1,2 @@%0A- SELECT 1 AS a;%0A+ SELECT 1 AS a,%0A+    2 AS b;%0A"
        ),
        "{run:?}"
    );
    assert_eq!(
        lines[1],
        format!("::warning file={file},line=3,col=1,title=plumb::DO block (PERFORM): its effect cannot be known offline (use --dev-url)")
    );
    assert_eq!(lines.len(), 2, "{run:?}");
    // The human report shows both texts of the definition.
    let human = plumb(&["check", "--database", db.url(), "--schema", &schema]);
    insta::assert_snapshot!("definition_texts_human", whole(&human));
}

#[test]
fn status_summarises_applied_migrations_unless_verbose() {
    bless_env();
    let root = scratch_dir("rep_status").join("migrations");
    let names: Vec<String> = (1..=5).map(|i| format!("2024010{i}000000_m{i}")).collect();
    for (i, n) in names.iter().enumerate() {
        write(
            &root.join(n),
            "migration.sql",
            &format!("CREATE TABLE t{i} (a int);\n"),
        );
    }
    write(&root, "migration_lock.toml", "provider = \"postgresql\"\n");
    let db = TestDb::new("rep_status");
    // The first four applied with Prisma's checksums, the fifth pending.
    db.execute(
        "CREATE TABLE _prisma_migrations (id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL, \
         finished_at timestamptz, migration_name varchar(255) NOT NULL, logs text, rolled_back_at timestamptz, \
         started_at timestamptz NOT NULL DEFAULT now(), applied_steps_count integer NOT NULL DEFAULT 0)",
    );
    for (i, n) in names.iter().take(4).enumerate() {
        let file = root.join(n).join("migration.sql");
        let out = std::process::Command::new("sha256sum")
            .arg(&file)
            .output()
            .unwrap();
        let sum = String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .next()
            .unwrap()
            .to_string();
        db.execute(&format!(
            "INSERT INTO _prisma_migrations VALUES ('id{i}', '{sum}', now(), '{n}', NULL, NULL, now(), 1)"
        ));
    }
    let r = root.display().to_string();
    let run = plumb(&["status", "--database", db.url(), "--migrations", &r]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stdout,
        format!(
            "prisma migrations in {r}, history public._prisma_migrations\n4 applied, 1 pending\n\
             \x20 (3 earlier applied migrations not listed; -v lists them)\n\
             \x20 applied      20240104000000_m4\n\
             \x20 pending      20240105000000_m5\n\
             history drift\n"
        )
    );
    let all = plumb(&["-v", "status", "--database", db.url(), "--migrations", &r]);
    assert_eq!(all.code, 1, "{all:?}");
    insta::assert_snapshot!("status_verbose", whole(&all));
}

#[test]
fn baseline_refuses_a_directory_with_migrations_and_marks_a_reviewed_one() {
    bless_env();
    let db = TestDb::with_sql("rep_baseline", "CREATE TABLE t (a int);");
    let dir = scratch_dir("rep_baseline").join("migrations");
    let d = dir.display().to_string();
    let base = ["baseline", "--database", db.url(), "--migrations", &d];
    // Write, then review: nothing is recorded yet.
    let run = plumb(
        &[
            &base[..],
            &["--layout", "sqlx", "--version", "1", "--name", "init"],
        ]
        .concat(),
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, format!("wrote {d}/1_init.sql (1 statements)\n"));
    // A second baseline would come after the first and never be applied: refused, naming the way out.
    let again = plumb(&[&base[..], &["--version", "2"]].concat());
    assert_eq!(again.code, 2, "{again:?}");
    assert_eq!(
        again.stderr,
        format!(
            "error: {d} already has 1 migration(s), the first 1_init: a baseline must be the first migration \
             (one written after them would stay pending). To record an existing migration as applied: plumb \
             baseline --migrations {d} --mark-existing VERSION\n"
        )
    );
    assert!(!dir.join("2_baseline.sql").exists());
    // Mark the reviewed file applied.
    let mark = plumb(&[&base[..], &["--mark-existing", "1"]].concat());
    assert_eq!(mark.code, 0, "{mark:?}");
    assert_eq!(mark.stdout, "marked 1 init as applied\n");
    let st = plumb(&["status", "--database", db.url(), "--migrations", &d]);
    assert_eq!(st.code, 0, "{st:?}");
    insta::assert_snapshot!("baseline_status", whole(&st));
    let unknown = plumb(&[&base[..], &["--mark-existing", "7"]].concat());
    assert_eq!(unknown.code, 2);
    assert_eq!(
        unknown.stderr,
        format!("error: {d}: no sqlx migration with version 7\n")
    );
}

/// What offline reading could not compare is named in every format, not only on stderr.
#[test]
fn uncertain_objects_are_named_in_every_format() {
    bless_env();
    let sql = "CREATE TABLE t (a int);\nCREATE VIEW v AS SELECT array_to_json(ARRAY(SELECT a FROM t)) AS m FROM t;\n";
    let db = TestDb::with_sql("rep_unc", sql);
    let dir = scratch_dir("rep_unc");
    let schema = write(&dir, "schema.sql", sql);
    let run = |format: &str| {
        plumb(&[
            "check",
            "--database",
            db.url(),
            "--schema",
            &schema,
            "--format",
            format,
        ])
    };
    let json = run("json");
    assert_eq!(json.code, 0, "{json:?}");
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        v["uncertain"][0]["object"], "view public.v",
        "{}",
        json.stdout
    );
    assert!(v["uncertain"][0]["reason"]
        .as_str()
        .is_some_and(|r| r.contains("column(s) m")));
    for format in ["human", "markdown", "github"] {
        let r = run(format);
        insta::assert_snapshot!(format!("uncertain_{format}"), whole(&r));
    }
    let diff = plumb(&[
        "diff",
        "--from",
        &schema,
        "--to",
        db.url(),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&diff.stdout).unwrap();
    assert_eq!(
        v["uncertain"][0]["object"], "view public.v",
        "{}",
        diff.stdout
    );
}
