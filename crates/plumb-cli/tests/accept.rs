//! Accepted drift end to end: a reviewed list of known differences; the gate fails only on drift not in it
//! (new), on expired entries, and warns about entries that no longer match (stale). Output checked whole
//! (insta snapshots in `tests/snapshots/`).

mod common;

use common::*;

const DECLARED: &str = "CREATE TABLE public.users (id bigint PRIMARY KEY, email text NOT NULL);\n";

fn setup(tag: &str) -> (TestDb, std::path::PathBuf, std::path::PathBuf) {
    let db = TestDb::with_sql(tag, DECLARED);
    db.execute("ALTER TABLE users ADD COLUMN legacy_code text; CREATE TABLE old_reports (id int);");
    let dir = scratch_dir(tag);
    let schema = dir.join("schema.sql");
    std::fs::write(&schema, DECLARED).unwrap();
    (db, schema, dir)
}

fn check(db: &TestDb, schema: &std::path::Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "check",
        "--database",
        db.url(),
        "--schema",
        schema.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    plumb(&args)
}

#[test]
fn accepted_drift_passes_new_and_expired_fail_stale_is_warned() {
    bless_env();
    let (db, schema, dir) = setup("accept_gate");
    assert_eq!(check(&db, &schema, &[]).code, 1);

    // --write-accepted writes the current drift as a list; with it the gate passes.
    let list = dir.join("accepted.toml");
    let run = check(&db, &schema, &["--write-accepted", list.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!(
        "written_list",
        stable(&std::fs::read_to_string(&list).unwrap())
    );
    let run = check(&db, &schema, &["--accept", list.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    insta::assert_snapshot!("all_accepted", whole(&run));
    // It never overwrites.
    let again = check(&db, &schema, &["--write-accepted", list.to_str().unwrap()]);
    assert_eq!(again.code, 2, "{again:?}");

    // A reviewed list: one entry still valid, one expired, one that matches nothing.
    std::fs::write(
        &list,
        r#"
[[accept]]
kind = "column"
object = "public.users.legacy_code"
drift = "extra"
reason = "dropped after the data migration"
expires = "2999-12-31"

[[accept]]
kind = "table"
object = "public.old_reports"
reason = "kept for the audit"
expires = "2000-01-01"

[[accept]]
kind = "index"
object = "public.gone_idx"
reason = "long gone"
"#,
    )
    .unwrap();
    let run = check(&db, &schema, &["--accept", list.to_str().unwrap()]);
    assert_eq!(run.code, 1, "expired entry fails: {run:?}");
    insta::assert_snapshot!("expired_and_stale", whole(&run));
    let json = check(
        &db,
        &schema,
        &["--accept", list.to_str().unwrap(), "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["in_sync"], false);
    assert_eq!(
        v["accepted_drift"]["accepted"][0]["object"], "public.users.legacy_code",
        "{}",
        json.stdout
    );
    assert_eq!(
        v["accepted_drift"]["expired"][0]["entry"], "table public.old_reports",
        "{}",
        json.stdout
    );
    assert_eq!(
        v["accepted_drift"]["stale"][0]["entry"], "index public.gone_idx",
        "{}",
        json.stdout
    );
    assert_eq!(
        v["drift"].as_array().map(Vec::len),
        Some(1),
        "expired entry's drift is open: {}",
        json.stdout
    );

    // Remove the expired entry: passes with the stale warning; new drift fails again.
    let kept: String = std::fs::read_to_string(&list)
        .unwrap()
        .replace("expires = \"2000-01-01\"", "expires = \"2999-01-01\"");
    std::fs::write(&list, kept).unwrap();
    let run = check(&db, &schema, &["--accept", list.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    db.execute("CREATE INDEX users_email_idx ON users (email)");
    let run = check(&db, &schema, &["--accept", list.to_str().unwrap()]);
    assert_eq!(run.code, 1, "new drift fails: {run:?}");
    insta::assert_snapshot!("new_drift", whole(&run));

    // Bad lists are errors with file and line.
    std::fs::write(
        &list,
        "[[accept]]\nkind = \"table\"\nobject = \"x\"\nreason = \"\"\n",
    )
    .unwrap();
    let run = check(&db, &schema, &["--accept", list.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!("no_reason", whole(&run));
    std::fs::write(
        &list,
        "[[accept]]\nkind = \"table\"\nobject = \"x\"\nreason = \"r\"\nexpires = \"soon\"\n",
    )
    .unwrap();
    let run = check(&db, &schema, &["--accept", list.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!("not_a_date", whole(&run));
    std::fs::write(
        &list,
        "[[accept]]\nkind = \"column\"\nobject = \"x.y\"\nattribute = \"colour\"\nreason = \"r\"\n",
    )
    .unwrap();
    let run = check(&db, &schema, &["--accept", list.to_str().unwrap()]);
    insta::assert_snapshot!("unknown_attribute", whole(&run));
}
