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
fn numbered_files_without_a_migration_tool_are_plain_sql_in_path_order() {
    // docker-entrypoint-initdb.d's convention: `001.sql`, `01-schema.sql`, `10-more.sql` are no tool's
    // migrations (sqlx needs `<version>_<name>.sql`), so they are read as a directory of .sql files.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/migrations/none/initdb_numbered/migrations");
    assert_eq!(names(&dir), ["001.sql", "01-schema.sql", "10-more.sql"]);
    let p = plumb_parse::parse_path(&dir).unwrap();
    let t = &p.database.tables[&plumb_model::QualName::new("app", "t")];
    let cols: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(cols, ["id", "note"]);
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

/// A large script is parsed in parallel chunks; the model must be the one the same statements give when
/// read from small files (parsed whole, one after the other).
#[test]
fn chunked_parsing_of_a_large_script_gives_the_same_model() {
    let mut parts = Vec::new();
    for i in 0..800 {
        parts.push(format!(
            "CREATE SCHEMA s{i};\nSET search_path = s{i};\n\
             CREATE TYPE st AS ENUM ('a', 'b');\n\
             CREATE TABLE parent (id serial PRIMARY KEY, name varchar(40) NOT NULL UNIQUE, s st DEFAULT 'a');\n\
             CREATE TABLE child (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, \
             parent_id int REFERENCES parent ON DELETE CASCADE, amount numeric(10,2) CHECK (amount > 0), \
             note text DEFAULT 'x');\n\
             CREATE INDEX ON child (parent_id);\nCREATE INDEX child_note ON child (lower(note)) WHERE amount > 10;\n\
             COMMENT ON TABLE child IS 'child {i}';\n\
             CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n\
             CREATE TRIGGER t BEFORE INSERT ON child FOR EACH ROW EXECUTE FUNCTION f();\n\
             CREATE VIEW v AS SELECT id, name FROM parent WHERE s = 'a';\n"
        ));
    }
    let big = parts.concat();
    assert!(
        big.len() > 512 * 1024,
        "the script must be large enough to be chunked: {}",
        big.len()
    );
    let d = TempDir::new("chunks");
    d.write("one/big.sql", &big);
    for (i, p) in parts.iter().enumerate() {
        d.write(&format!("many/part_{i:04}.sql"), p);
    }
    let whole = plumb_parse::parse_path(&d.0.join("one/big.sql"))
        .unwrap()
        .database;
    let pieces = plumb_parse::parse_path(&d.0.join("many")).unwrap().database;
    assert_eq!(whole.tables.len(), 1600);
    assert!(whole == pieces, "chunked and piecewise parsing differ");
}
