//! Attributes pg_dump writes: compared when plumb models them, named in every report when it does not.

mod common;

use common::*;

const SCHEMA: &str = "\
CREATE TABLE public.t (id int PRIMARY KEY WITH (fillfactor = 70), body text, note text);
ALTER TABLE public.t ALTER COLUMN body SET STATISTICS 500;
ALTER TABLE public.t ALTER COLUMN note SET STORAGE EXTERNAL;
ALTER TABLE public.t ALTER COLUMN note SET COMPRESSION pglz;
ALTER TABLE public.t CLUSTER ON t_pkey;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO PUBLIC;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
";

const NAMED: [(&str, &str); 5] = [
    ("column statistics target", "public.t.body (500)"),
    ("column storage", "public.t.note (EXTERNAL)"),
    ("column compression", "public.t.note"),
    ("cluster on", "public.t USING t_pkey"),
    ("default privileges", "FOR ROLE"),
];

#[test]
fn unmodelled_attributes_are_named_in_every_report() {
    let db = TestDb::with_sql("attrs_named", SCHEMA);
    let file = scratch_dir("attrs_named").join("schema.sql");
    std::fs::write(&file, "CREATE TABLE public.t (id int PRIMARY KEY WITH (fillfactor = 70), body text, note text);\nREVOKE ALL ON SCHEMA public FROM PUBLIC;\n").unwrap();
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
    let human = plumb(&["check", "--database", db.url(), "--schema", file]);
    assert!(
        human.stdout.contains("not compared (plumb does not model them yet): 1 cluster on, 1 column compression, 1 column statistics target, 1 column storage, 1 default privileges"),
        "{human:?}"
    );
    let md = plumb(&[
        "check",
        "--database",
        db.url(),
        "--schema",
        file,
        "--format",
        "markdown",
    ]);
    assert!(
        md.stdout.contains("`cluster on public.t USING t_pkey"),
        "{md:?}"
    );
    let gh = plumb(&[
        "check",
        "--database",
        db.url(),
        "--schema",
        file,
        "--format",
        "github",
    ]);
    assert!(
        gh.stdout.lines().any(
            |l| l.starts_with("::warning title=Not compared::") && l.contains("column storage")
        ),
        "{gh:?}"
    );
    let dump = plumb(&["dump", "--database", db.url()]);
    assert!(dump.stdout.contains("-- not compared"), "{dump:?}");
    assert!(
        dump.stdout
            .contains("--   column statistics target public.t.body (500)"),
        "{dump:?}"
    );
    let diff = plumb(&["diff", "--from", file, "--to", db.url(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&diff.stdout).unwrap();
    assert_eq!(
        v["not_compared"].as_array().map(Vec::len),
        Some(5),
        "{}",
        diff.stdout
    );
    // Declared the same way, the parser names them too: listed as in both.
    let both = scratch_dir("attrs_named_both").join("schema.sql");
    std::fs::write(&both, SCHEMA).unwrap();
    let run = plumb(&[
        "check",
        "--database",
        db.url(),
        "--schema",
        both.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let storage = v["not_compared"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "column storage")
        .unwrap();
    assert_eq!(
        storage["in"].as_array().map(Vec::len),
        Some(2),
        "{}",
        run.stdout
    );
}

#[test]
fn key_storage_parameters_and_schema_privileges_are_compared_and_dumped() {
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
    assert!(
        run.stdout.contains("constraint t_pkey on public.t differs in definition: database has PRIMARY KEY (id) WITH (fillfactor='70'), declared PRIMARY KEY (id)"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("schema public differs in grants"),
        "{run:?}"
    );
    // The dump keeps both: pg_dump of a database loaded from it is the same, but for what is only named.
    let dump = plumb(&["dump", "--database", db.url()]);
    assert!(
        dump.stdout
            .contains("CONSTRAINT t_pkey PRIMARY KEY (id) WITH (fillfactor='70')"),
        "{dump:?}"
    );
    assert!(
        dump.stdout
            .contains("REVOKE USAGE ON SCHEMA public FROM PUBLIC;"),
        "{dump:?}"
    );
    let b = TestDb::new("attrs_cmp_b");
    b.execute(&dump.stdout);
    let modelled_only = TestDb::with_sql(
        "attrs_cmp_c",
        "CREATE TABLE public.t (id int PRIMARY KEY WITH (fillfactor = 70), body text, note text);\nREVOKE ALL ON SCHEMA public FROM PUBLIC;\n",
    );
    let (da, db_) = (
        pg_dump_normalised(modelled_only.url()),
        pg_dump_normalised(b.url()),
    );
    assert_eq!(da, db_, "{}", first_difference(&da, &db_));
}
