//! Sources: a directory of .sql files (path order), migration directories (apply order, only the "up"
//! part), psql meta lines; locations in errors point into the right file and line.

use std::path::{Path, PathBuf};

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("plumb-parse-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn write(&self, rel: &str, text: &str) {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn names(dir: &Path) -> Vec<String> {
    plumb_parse::scripts(dir)
        .unwrap()
        .iter()
        .map(|s| {
            s.path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

#[test]
fn a_directory_of_sql_files_is_read_in_path_order() {
    let d = TempDir::new("dir");
    d.write(
        "tables/users.sql",
        "CREATE TABLE users (id int PRIMARY KEY, m mood);\n",
    );
    d.write("base.sql", "CREATE TYPE mood AS ENUM ('a');\n");
    d.write("notes.txt", "not sql");
    d.write("views.sql", "CREATE VIEW v AS SELECT id FROM users;\n");
    assert_eq!(names(&d.0), ["base.sql", "tables/users.sql", "views.sql"]);
    let p = plumb_parse::parse_path(&d.0).unwrap();
    assert_eq!(p.database.tables.len(), 1);
    assert_eq!(p.database.views.len(), 1);
}

#[test]
fn prisma_migrations_apply_in_order() {
    let d = TempDir::new("prisma");
    d.write(
        "20240102000000_add_name/migration.sql",
        "ALTER TABLE users ADD COLUMN name text;\n",
    );
    d.write(
        "20240101000000_init/migration.sql",
        "CREATE TABLE users (id serial PRIMARY KEY);\n",
    );
    d.write("migration_lock.toml", "provider = \"postgresql\"\n");
    let p = plumb_parse::parse_path(&d.0).unwrap();
    let users = p.database.tables.values().next().unwrap();
    let cols: Vec<&str> = users.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(cols, ["id", "name"]);
}

#[test]
fn dbmate_errors_point_at_the_line_in_the_file() {
    let d = TempDir::new("dbmate");
    d.write(
        "20240101000000_init.sql",
        "-- migrate:up\nCREATE TABLE t (id int);\n\n-- migrate:down\nDROP TABLE t;\n",
    );
    d.write(
        "20240102000000_bad.sql",
        "-- a comment\n-- migrate:up\nALTER TABLE t ADD COLUMN x int;\nALTER TABLE nope ADD COLUMN y int;\n-- migrate:down\n",
    );
    let e = plumb_parse::parse_path(&d.0).unwrap_err();
    let loc = e.location().unwrap();
    assert!(loc.file.ends_with("20240102000000_bad.sql"), "{e}");
    assert_eq!((loc.line, loc.column), (4, 13), "{e}");
    assert!(
        e.to_string().contains(
            "relation \"nope\" does not exist\nALTER TABLE nope ADD COLUMN y int;\n            ^"
        ),
        "{e}"
    );
}

#[test]
fn psql_meta_lines_are_blanked_keeping_line_numbers() {
    let d = TempDir::new("meta");
    d.write(
        "dump.sql",
        "\\restrict k\nCREATE TABLE t (id int);\n\\connect other\nCREATE TABLE t (id int);\n",
    );
    let scripts = plumb_parse::scripts(&d.0.join("dump.sql")).unwrap();
    assert_eq!(
        scripts[0].sql,
        "\nCREATE TABLE t (id int);\n\nCREATE TABLE t (id int);\n"
    );
    let e = plumb_parse::parse_path(&d.0.join("dump.sql")).unwrap_err();
    assert_eq!(e.location().map(|l| l.line), Some(4), "{e}");
}

#[test]
fn a_missing_path_is_an_io_error() {
    let e = plumb_parse::parse_path(Path::new("/nonexistent/plumb/schema.sql")).unwrap_err();
    assert!(
        e.to_string().starts_with("/nonexistent/plumb/schema.sql: "),
        "{e}"
    );
}
