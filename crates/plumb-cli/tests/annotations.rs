//! `plumb check --format github`: each drift annotation points at the statement (or the column or constraint
//! definition) that declares the object — in a schema file, a directory of them, or the migration that last
//! touched it; an object in the database that the declaration does not have points at the file alone, or at
//! the migration that dropped it.

mod common;

use std::path::Path;

use common::*;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// A path as an annotation's `file=` property writes it.
fn prop(path: &str) -> String {
    path.replace('%', "%25")
        .replace(':', "%3A")
        .replace(',', "%2C")
}

fn github(db: &TestDb, declared: &[&str]) -> Run {
    let mut args = vec!["check", "--database", db.url(), "--format", "github"];
    args.extend_from_slice(declared);
    plumb(&args)
}

#[test]
fn a_schema_file_annotates_tables_columns_indexes_functions_and_views() {
    // The view has no column references: PostgreSQL 16 and later leave a single table's columns unqualified,
    // 14 and 15 qualify them; this text is the same on every version.
    let db = TestDb::with_sql(
        "ann_file",
        "CREATE TABLE users (id int PRIMARY KEY, email text, legacy text);\n\
         CREATE INDEX users_email_idx ON users (email);\n\
         CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql AS 'SELECT a + b';\n\
         CREATE VIEW active AS SELECT 1 AS id;\n\
         CREATE TABLE old_stuff (x int);",
    );
    let dir = scratch_dir("ann_file");
    let schema = write(
        &dir,
        "schema.sql",
        "-- the application's schema\n\
         CREATE TABLE users (\n\
         \x20 id int PRIMARY KEY,\n\
         \x20 email text NOT NULL,\n\
         \x20 legacy text,\n\
         \x20 name text CHECK (name <> '')\n\
         );\n\
         CREATE INDEX users_email_idx ON users (lower(email));\n\
         CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql AS 'SELECT a + b + 0';\n\
         \n\
         CREATE VIEW active AS SELECT 1 AS id, 2 AS email;\n\
         CREATE TABLE orders (id int);\n",
    );
    let run = github(&db, &["--schema", &schema]);
    assert_eq!(run.code, 1, "{run:?}");
    let f = prop(&schema);
    let expected = [
        format!("::error file={f},title=Schema drift (extra)::table public.old_stuff is in the database but not declared"),
        format!("::error file={f},line=12,col=1,title=Schema drift (missing)::table public.orders is declared but missing from the database"),
        format!("::error file={f},line=4,col=3,title=Schema drift (changed)::column public.users.email differs in not_null: database has false, declared true"),
        format!("::error file={f},line=6,col=3,title=Schema drift (missing)::column public.users.name is declared but missing from the database"),
        format!("::error file={f},line=6,col=13,title=Schema drift (missing)::constraint users_name_check on public.users is declared but missing from the database"),
        format!("::error file={f},line=8,col=1,title=Schema drift (changed)::index public.users_email_idx differs in definition: database has CREATE INDEX users_email_idx ON public.users USING btree (email), declared CREATE INDEX users_email_idx ON public.users USING btree (lower(email))"),
        format!("::error file={f},line=11,col=1,title=Schema drift (changed)::view public.active differs in definition (database, then declared):%0A--- from%0A+++ to%0A@@ -1 +1,2 @@%0A- SELECT 1 AS id;%0A+ SELECT 1 AS id,%0A+    2 AS email;%0A"),
        format!("::error file={f},line=9,col=1,title=Schema drift (changed)::function public.add(a integer, b integer) differs in body: database has SELECT a + b, declared SELECT a + b + 0"),
    ];
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines, expected, "{run:?}");
}

#[test]
fn a_directory_of_files_annotates_the_file_that_declares_the_object() {
    let db = TestDb::with_sql(
        "ann_dir",
        "CREATE TABLE a (x int);\nCREATE TABLE b (y int);",
    );
    let dir = scratch_dir("ann_dir").join("schema");
    let a = write(&dir, "01-a.sql", "CREATE TABLE a (x int);\n");
    let b = write(&dir, "02-b.sql", "\n\nCREATE TABLE b (\n  y bigint\n);\n");
    let run = github(&db, &["--schema", dir.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(!run.stdout.contains(&prop(&a)), "{run:?}");
    assert_eq!(
        run.stdout,
        format!(
            "::error file={},line=4,col=3,title=Schema drift (changed)::column public.b.y differs in type: database has integer, declared bigint\n",
            prop(&b)
        ),
        "{run:?}"
    );
}

#[test]
fn a_migrations_directory_annotates_the_migration_that_last_touched_the_object() {
    let db = TestDb::with_sql(
        "ann_mig",
        "CREATE TABLE users (id int PRIMARY KEY, email text);\nCREATE TABLE tmp (x int);",
    );
    let root = scratch_dir("ann_mig").join("migrations");
    write(
        &root,
        "20240101000000_init/migration.sql",
        "CREATE TABLE users (id int PRIMARY KEY, email text);\nCREATE TABLE tmp (x int);\n",
    );
    let more = write(
        &root,
        "20240102000000_more/migration.sql",
        "-- the second migration\nALTER TABLE users ADD COLUMN name text;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nDROP TABLE tmp;\n",
    );
    // No _prisma_migrations table: the database is compared with every migration.
    let run = github(&db, &["--migrations", root.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{run:?}");
    let m = prop(&more);
    let expected = [
        format!("::error file={m},line=4,col=1,title=Schema drift (extra)::table public.tmp is in the database but not declared (the declared SQL drops it here)"),
        format!("::error file={m},line=3,col=1,title=Schema drift (changed)::column public.users.email differs in not_null: database has false, declared true"),
        format!("::error file={m},line=2,col=30,title=Schema drift (missing)::column public.users.name is declared but missing from the database"),
    ];
    let lines: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("Schema drift"))
        .collect();
    assert_eq!(lines, expected, "{run:?}");
}
