//! `--dev-url local`: plumb starts a throwaway cluster of its own from the PostgreSQL binaries on the machine,
//! applies the declared SQL there, and removes it. The result must be the one `--dev-url` gives with the test
//! server, the cluster must match the compared database's major version when that version is installed, and
//! nothing may be left in the temporary directory.

mod common;

use common::*;

/// The throwaway clusters this process's children left in the temporary directory (`plumb-pg-<pid>-<n>`).
fn leftover_clusters() -> Vec<String> {
    std::fs::read_dir(std::env::temp_dir())
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| {
                    n.strip_prefix("plumb-pg-")
                        .and_then(|rest| rest.split('-').next())
                        .and_then(|pid| pid.parse::<u32>().ok())
                        .is_some_and(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists())
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn local_dev_server_gives_what_the_test_server_gives() {
    let root = workspace_root();
    let v1 = std::fs::read_to_string(root.join("fixtures/demo/v1.sql")).unwrap();
    let db = TestDb::with_sql("dev_local_demo", &v1);
    let v2 = root.join("fixtures/demo/v2.sql");
    let v2 = v2.to_str().unwrap();
    let before = leftover_clusters();
    // The cluster takes the database's major version (when installed): the server's text is the same.
    let local = plumb(&[
        "diff",
        "--from",
        db.url(),
        "--to",
        v2,
        "--dev-url",
        "local",
        "-v",
    ]);
    assert_eq!(local.code, 1, "{local:?}");
    assert!(
        local.stderr.contains("for --dev-url local")
            && local.stderr.contains("local cluster ready in"),
        "{local:?}"
    );
    let remote = plumb(&[
        "diff",
        "--from",
        db.url(),
        "--to",
        v2,
        "--dev-url",
        &dev_url(),
    ]);
    assert_eq!(remote.code, 1, "{remote:?}");
    assert_eq!(local.stdout, remote.stdout);
    assert_eq!(
        leftover_clusters(),
        before,
        "a cluster directory was left behind"
    );
}

#[test]
fn local_dev_server_matches_the_checked_database_version() {
    let db = TestDb::with_sql(
        "dev_local_check",
        "CREATE TABLE t (id int PRIMARY KEY, note text NOT NULL);",
    );
    let major: i32 = db
        .client()
        .query_one(
            "SELECT current_setting('server_version_num')::int4 / 10000",
            &[],
        )
        .unwrap()
        .get(0);
    let dir = scratch_dir("dev_local_check");
    let schema = dir.join("schema.sql");
    std::fs::write(&schema, "CREATE TABLE t (id int PRIMARY KEY, note text);\n").unwrap();
    let run = plumb(&[
        "check",
        "--database",
        db.url(),
        "--schema",
        schema.to_str().unwrap(),
        "--dev-url",
        "local",
        "-v",
    ]);
    // The database's column is NOT NULL, the declaration's is not: drift, found in exact mode.
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("public.t.note"), "{run:?}");
    let installed: Vec<u32> = plumb_pg::local::installations()
        .iter()
        .map(|i| i.major)
        .collect();
    if installed.contains(&(major as u32)) {
        assert!(
            run.stderr
                .contains(&format!("starting a throwaway PostgreSQL {major}.")),
            "expected a PostgreSQL {major} cluster: {run:?}"
        );
        assert!(!run.stderr.contains("no PostgreSQL"), "{run:?}");
    } else {
        assert!(
            run.stderr
                .contains(&format!("no PostgreSQL {major} server binaries")),
            "{run:?}"
        );
    }
}
