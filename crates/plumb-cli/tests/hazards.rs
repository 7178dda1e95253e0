//! Hazard policy end to end: pg-schema-diff codes in JSON, INDEX_DROPPED, --fail-on-hazard, --allow-hazards,
//! --no-drop, --online timeouts, on `diff` and `check --fix-sql`. Output checked whole (insta snapshots in
//! `tests/snapshots/`, database names and scratch paths made stable).

mod common;

use common::*;

const FROM: &str = "\
CREATE TABLE public.t (id int, legacy text, email text);
CREATE INDEX t_email_idx ON public.t (email);
CREATE TABLE public.old (id int);
";
const TO: &str = "CREATE TABLE public.t (id int NOT NULL, email text);\n";

fn files(tag: &str) -> (String, String) {
    let dir = scratch_dir(tag);
    std::fs::write(dir.join("from.sql"), FROM).unwrap();
    std::fs::write(dir.join("to.sql"), TO).unwrap();
    (
        dir.join("from.sql").to_string_lossy().into_owned(),
        dir.join("to.sql").to_string_lossy().into_owned(),
    )
}

#[test]
fn hazard_gates_codes_and_no_drop_on_diff() {
    bless_env();
    let (from, to) = files("hazards_diff");
    let dev = dev_url();
    let diff = |extra: &[&str]| {
        let mut args = vec![
            "diff",
            "--from",
            from.as_str(),
            "--to",
            to.as_str(),
            "--dev-url",
            dev.as_str(),
        ];
        args.extend_from_slice(extra);
        plumb(&args)
    };
    let json = diff(&["--format", "json"]);
    assert_eq!(json.code, 1, "{json:?}");
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let codes: Vec<&str> = v["hazards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["code"].as_str().unwrap())
        .collect();
    for c in [
        "INDEX_DROPPED",
        "DELETES_DATA",
        "ACQUIRES_ACCESS_EXCLUSIVE_LOCK",
    ] {
        assert!(codes.contains(&c), "{c} missing: {}", json.stdout);
    }
    let step_codes = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["hazards"].as_array().unwrap().iter())
        .filter(|h| h["code"].is_string())
        .count();
    assert_eq!(step_codes, codes.len(), "{}", json.stdout);

    // --fail-on-hazard: refused (exit 2) after the plan is printed; not refused when the plan has none of them.
    let run = diff(&["--fail-on-hazard", "data-loss"]);
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!("fail_on_data_loss", whole(&run));
    assert_eq!(
        diff(&["--fail-on-hazard", "INDEX_BUILD,table-rewrite"]).code,
        1
    );
    // --allow-hazards: every hazard must be listed.
    assert_eq!(
        diff(&["--allow-hazards", "DELETES_DATA,INDEX_DROPPED"]).code,
        2
    );
    assert_eq!(
        diff(&[
            "--allow-hazards",
            "DELETES_DATA,INDEX_DROPPED,ACQUIRES_ACCESS_EXCLUSIVE_LOCK"
        ])
        .code,
        1
    );
    let run = diff(&["--allow-hazards", "DELETES_DATA,nosuch"]);
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!("unknown_hazard", whole(&run));

    // --no-drop: drops listed as skipped, not in the plan; --online: DROP INDEX CONCURRENTLY, timeouts.
    let run = diff(&["--no-drop", "--fail-on-hazard", "data-loss"]);
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!("no_drop", whole(&run));
    let run = diff(&[
        "--online",
        "--lock-timeout",
        "2s",
        "--statement-timeout",
        "1min",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!("online_timeouts", whole(&run));
}

#[test]
fn hazard_policy_applies_to_check_fix_sql() {
    bless_env();
    let db = TestDb::with_sql("hazards_check", FROM);
    let (_, to) = files("hazards_check");
    let run = plumb(&[
        "check",
        "--database",
        db.url(),
        "--schema",
        &to,
        "--fix-sql",
        "database",
        "--fail-on-hazard",
        "INDEX_DROPPED",
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!("check_fail_on_index_dropped", whole(&run));
    let run = plumb(&[
        "check",
        "--database",
        db.url(),
        "--schema",
        &to,
        "--fix-sql",
        "database",
        "--no-drop",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(
        !v["fix"]["sql"].as_str().unwrap().contains("DROP TABLE"),
        "{}",
        run.stdout
    );
    assert_eq!(
        v["fix"]["skipped"].as_array().map(Vec::len),
        Some(3),
        "{}",
        run.stdout
    );
    // The fix without the drops runs, and leaves only the drops as drift.
    db.execute(v["fix"]["sql"].as_str().unwrap());
    let after = plumb(&[
        "check",
        "--database",
        db.url(),
        "--schema",
        &to,
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&after.stdout).unwrap();
    assert!(
        v["drift"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["drift"] == "extra"),
        "{}",
        after.stdout
    );
}

#[test]
fn online_plan_sets_not_null_through_a_check_and_runs_with_psql() {
    bless_env();
    let db = TestDb::with_sql("hazards_online", FROM);
    db.execute("INSERT INTO t (id, legacy, email) VALUES (1, 'x', 'a@b')");
    let (_, to) = files("hazards_online");
    let run = plumb(&[
        "diff",
        "--from",
        db.url(),
        "--to",
        &to,
        "--online",
        "--lock-timeout",
        "3s",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!("online_not_null", whole(&run));
    // psql runs it statement by statement, as the header says.
    let sql = scratch_dir("hazards_online_sql").join("plan.sql");
    std::fs::write(&sql, &run.stdout).unwrap();
    let out = std::process::Command::new("psql")
        .args([
            "-v",
            "ON_ERROR_STOP=1",
            "-q",
            "-d",
            db.url(),
            "-f",
            sql.to_str().unwrap(),
        ])
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = plumb(&["check", "--database", db.url(), "--schema", &to]);
    assert_eq!(after.code, 0, "{after:?}");
}

#[test]
fn extension_upgrades_and_privilege_changes_are_hazards() {
    bless_env();
    let old = TestDb::with_sql(
        "hazards_ext_a",
        "CREATE EXTENSION citext VERSION '1.5';\nCREATE TABLE t (id int);\n",
    );
    let new = TestDb::with_sql(
        "hazards_ext_b",
        "CREATE EXTENSION citext VERSION '1.6';\nCREATE TABLE t (id int);\nGRANT SELECT ON t TO PUBLIC;\n",
    );
    let run = plumb(&[
        "diff",
        "--from",
        old.url(),
        "--to",
        new.url(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let codes: Vec<&str> = v["hazards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"EXTENSION_VERSION_UPGRADE"),
        "{}",
        run.stdout
    );
    assert!(codes.contains(&"AUTHZ_UPDATE"), "{}", run.stdout);
    let gate = plumb(&[
        "diff",
        "--from",
        old.url(),
        "--to",
        new.url(),
        "--fail-on-hazard",
        "authz-update",
    ]);
    assert_eq!(gate.code, 2, "{gate:?}");
    insta::assert_snapshot!("fail_on_authz_update", whole(&gate));
}
