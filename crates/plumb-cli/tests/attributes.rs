//! Attributes pg_dump writes: compared when plumb models them, named in every report when it does not.
//! Output checked whole (insta snapshots in `tests/snapshots/`, database and role names made stable).

mod common;

use common::*;

const SCHEMA: &str = "\
CREATE TABLE public.t (id int PRIMARY KEY WITH (fillfactor = 70), body text, note text);
ALTER TABLE public.t ALTER COLUMN body SET STATISTICS 500;
ALTER TABLE public.t ALTER COLUMN note SET STORAGE EXTERNAL;
ALTER TABLE public.t ALTER COLUMN note SET COMPRESSION pglz;
ALTER TABLE public.t ALTER COLUMN body SET (n_distinct = 42);
ALTER TABLE public.t REPLICA IDENTITY FULL;
ALTER TABLE public.t CLUSTER ON t_pkey;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO PUBLIC;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
CREATE STATISTICS public.t_stats ON body, note FROM public.t;
CREATE OPERATOR public.=== (LEFTARG = text, RIGHTARG = text, FUNCTION = texteq);
";

const NAMED: [(&str, &str); 2] = [
    ("operator", "public.===(text,text)"),
    ("statistics object", "public.t_stats"),
];

/// Declared without the attributes: every one is a difference, with both values.
const SHORT: &str = "CREATE TABLE public.t (id int PRIMARY KEY WITH (fillfactor = 70), body text, note text);\nREVOKE ALL ON SCHEMA public FROM PUBLIC;\n";

#[test]
fn column_attributes_and_cluster_on_are_compared_in_every_report() {
    bless_env();
    let db = TestDb::with_sql("attrs_cmp_cols", SCHEMA);
    let file = scratch_dir("attrs_cmp_cols").join("schema.sql");
    std::fs::write(&file, SHORT).unwrap();
    let file = file.to_str().unwrap();
    let human = plumb(&["check", "--database", db.url(), "--schema", file]);
    assert_eq!(human.code, 1, "{human:?}");
    insta::assert_snapshot!("compared_human", whole(&human));
    let fix = plumb(&["diff", "--from", file, "--to", db.url(), "--format", "sql"]);
    assert_eq!(fix.code, 1, "differences found: {fix:?}");
    insta::assert_snapshot!("compared_fix_sql", whole(&fix));
    // declared as the database has them: in sync
    let same = scratch_dir("attrs_cmp_cols_same").join("schema.sql");
    std::fs::write(&same, SCHEMA).unwrap();
    let run = plumb(&[
        "check",
        "--database",
        db.url(),
        "--schema",
        same.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn unmodelled_attributes_are_named_in_every_report() {
    bless_env();
    let db = TestDb::with_sql("attrs_named", SCHEMA);
    let file = scratch_dir("attrs_named").join("schema.sql");
    std::fs::write(&file, SCHEMA).unwrap();
    let file = file.to_str().unwrap();
    let json = plumb(&[
        "check",
        "--database",
        db.url(),
        "--schema",
        file,
        "--format",
        "json",
    ]);
    assert_eq!(json.code, 0, "{json:?}");
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let listed = v["not_compared"].as_array().expect("not_compared list");
    for (kind, name) in NAMED {
        assert!(
            listed
                .iter()
                .any(|e| e["kind"] == kind && e["name"].as_str().unwrap().starts_with(name)),
            "{kind} {name} not listed: {}",
            json.stdout
        );
    }
    assert_eq!(listed.len(), NAMED.len(), "{}", json.stdout);
    // named alike by the parser and the catalog: one entry, in both sources
    assert!(
        listed
            .iter()
            .all(|e| e["in"].as_array().map(Vec::len) == Some(2)),
        "{}",
        json.stdout
    );
    let human = plumb(&["check", "--database", db.url(), "--schema", file]);
    assert_eq!(human.code, 0, "{human:?}");
    insta::assert_snapshot!("not_compared_human", whole(&human));
    let gh = plumb(&[
        "check",
        "--database",
        db.url(),
        "--schema",
        file,
        "--format",
        "github",
    ]);
    insta::assert_snapshot!("not_compared_github", whole(&gh));
    let dump = plumb(&["dump", "--database", db.url()]);
    insta::assert_snapshot!("not_compared_dump", whole(&dump));
}

#[test]
fn key_storage_parameters_and_schema_privileges_are_compared_and_dumped() {
    bless_env();
    let db = TestDb::with_sql("attrs_cmp", SCHEMA);
    let file = scratch_dir("attrs_cmp").join("schema.sql");
    std::fs::write(
        &file,
        "CREATE TABLE public.t (id int PRIMARY KEY, body text, note text);\n",
    )
    .unwrap();
    let run = plumb(&[
        "check",
        "--database",
        db.url(),
        "--schema",
        file.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!("key_storage_human", whole(&run));
    // The dump keeps them all: pg_dump of a database loaded from it is the same, but for what is only named.
    let dump = plumb(&["dump", "--database", db.url()]);
    insta::assert_snapshot!("key_storage_dump", whole(&dump));
    let b = TestDb::new("attrs_cmp_b");
    b.execute(&dump.stdout);
    // everything but what is only named (the statistics object)
    let modelled: String = SCHEMA
        .lines()
        .filter(|l| !l.starts_with("CREATE STATISTICS") && !l.starts_with("CREATE OPERATOR"))
        .map(|l| format!("{l}\n"))
        .collect();
    let modelled_only = TestDb::with_sql("attrs_cmp_c", &modelled);
    let (da, db_) = (
        pg_dump_normalised(modelled_only.url()),
        pg_dump_normalised(b.url()),
    );
    assert_eq!(da, db_, "{}", first_difference(&da, &db_));
}

/// Migrations rarely say `FOR ROLE`: an entry declared without one is the entry of the role that ran them,
/// whatever its name, and the SQL that fixes it says no role either.
#[test]
fn default_privileges_declared_without_a_role_match_the_role_that_made_them() {
    bless_env();
    let roles = plumb_testdb::TestRoles::new();
    let owner = roles.name("plumb_fixture_owner").to_string();
    let reader = roles.name("plumb_fixture_role").to_string();
    let db = TestDb::new("adp_assumed");
    db.execute(&format!(
        "GRANT CREATE ON SCHEMA public TO {owner};\n\
         SET ROLE {owner};\n\
         ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {reader};\n\
         ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;\n\
         CREATE TABLE public.t (id int);\n\
         RESET ROLE;\n"
    ));
    let dir = scratch_dir("adp_assumed");
    let same = dir.join("same.sql");
    std::fs::write(
        &same,
        format!(
            "GRANT CREATE ON SCHEMA public TO {owner};\n\
             ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {reader};\n\
             ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;\n\
             CREATE TABLE public.t (id int);\n"
        ),
    )
    .unwrap();
    let run = plumb(&[
        "check",
        "--database",
        db.url(),
        "--schema",
        same.to_str().unwrap(),
        "--ignore-owners",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let changed = dir.join("changed.sql");
    std::fs::write(
        &changed,
        format!(
            "GRANT CREATE ON SCHEMA public TO {owner};\n\
             ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, UPDATE ON TABLES TO {reader};\n\
             ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;\n\
             CREATE TABLE public.t (id int);\n"
        ),
    )
    .unwrap();
    let fix = plumb(&[
        "diff",
        "--from",
        db.url(),
        "--to",
        changed.to_str().unwrap(),
        "--format",
        "sql",
        "--ignore-owners",
    ]);
    assert_eq!(fix.code, 1, "{fix:?}");
    insta::assert_snapshot!("default_privileges_without_role", whole(&fix));
}
