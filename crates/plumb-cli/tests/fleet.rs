//! `plumb check` over many targets, on the real server: each case of `fixtures/fleet` is a declared schema,
//! a number of databases loaded from it (copies of one, `CREATE DATABASE ... TEMPLATE`), drift SQL run in some
//! of them, targets that cannot be reached, the expected human report and exit code. Every database is a
//! `TestDb`, dropped when the test ends, also when it fails. One test per case (`harness = false`, see
//! `plumb_testdb::fixture`); the reports are compared whole with the case's snapshots `expected.snap`
//! (human), `expected-markdown.snap` and `expected-github.snap`.

mod common;

use std::path::Path;
use std::process::ExitCode;

use common::{bless_env, plumb_at, whole, workspace_root, TestDb};
use plumb_testdb::fixture::{Case, CaseResult, Snapshots, Suite};
use plumb_testdb::snapshot::check_versioned;

/// The databases of one case and the targets file that names them (`name = URL` per line).
struct Fleet {
    _template: TestDb,
    dbs: Vec<(String, TestDb)>,
    targets_file: String,
}

impl Fleet {
    /// Drop the databases on 8 threads: `DROP DATABASE` waits for a checkpoint, which concurrent drops share.
    /// (After a failure they are dropped one by one as the test unwinds.)
    fn drop_all(self) {
        let mut dbs: Vec<TestDb> = self.dbs.into_iter().map(|(_, db)| db).collect();
        std::thread::scope(|s| {
            let per = dbs.len().div_ceil(8).max(1);
            while !dbs.is_empty() {
                let chunk: Vec<TestDb> = dbs.drain(..per.min(dbs.len())).collect();
                s.spawn(move || drop(chunk));
            }
        });
    }
}

fn build(case: &Path, scratch: &Path) -> Fleet {
    let schema = std::fs::read_to_string(case.join("schema.sql")).expect("schema.sql");
    let template = TestDb::with_sql("fleet_template", &schema);
    let n: usize = std::fs::read_to_string(case.join("targets"))
        .expect("targets")
        .trim()
        .parse()
        .expect("targets is a number");
    let mut dbs = Vec::new();
    let mut lines = String::new();
    for i in 1..=n {
        let name = format!("tenant_{i:02}");
        let db = template.copy(&name);
        let drift = case.join("drift").join(format!("{name}.sql"));
        if drift.exists() {
            db.execute(&std::fs::read_to_string(&drift).expect("drift sql"));
        }
        lines.push_str(&format!("{name} = {}\n", db.url()));
        dbs.push((name, db));
    }
    if let Ok(extra) = std::fs::read_to_string(case.join("unreachable")) {
        lines.push_str(&extra);
    }
    let targets_file = scratch.join("targets.txt");
    std::fs::write(&targets_file, lines).expect("write targets");
    Fleet {
        _template: template,
        dbs,
        targets_file: targets_file.display().to_string(),
    }
}

fn scratch_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("plumb-fleet-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn fleet_case(c: &Case) -> CaseResult {
    let case = c.dir.clone();
    {
        let tag = case.file_name().unwrap().to_string_lossy().to_string();
        let scratch = scratch_dir(&tag);
        let fleet = build(&case, &scratch);
        let total = fleet.dbs.len()
            + std::fs::read_to_string(case.join("unreachable"))
                .map(|t| t.lines().filter(|l| !l.trim().is_empty()).count())
                .unwrap_or(0);

        let human = plumb_at(
            Some(&case),
            &[
                "check",
                "--no-config",
                "--schema",
                "schema.sql",
                "--targets",
                &fleet.targets_file,
            ],
            &[],
        );
        let want_exit: i32 = std::fs::read_to_string(case.join("expected.exit"))
            .expect("expected.exit")
            .trim()
            .parse()
            .expect("exit code");
        assert_eq!(human.code, want_exit, "{tag}: {human:?}");
        check_versioned(&case, "expected", &human.stdout);

        for (format, stem) in [
            ("markdown", "expected-markdown"),
            ("github", "expected-github"),
        ] {
            let run = plumb_at(
                Some(&case),
                &[
                    "check",
                    "--no-config",
                    "--schema",
                    "schema.sql",
                    "--targets",
                    &fleet.targets_file,
                    "--format",
                    format,
                ],
                &[],
            );
            assert_eq!(run.code, want_exit, "{tag} {format}: {run:?}");
            check_versioned(&case, stem, &run.stdout);
        }

        // One at a time gives the same report: the order is the targets', not the order reads finish in.
        let serial = plumb_at(
            Some(&case),
            &[
                "check",
                "--no-config",
                "--schema",
                "schema.sql",
                "--targets",
                &fleet.targets_file,
                "--jobs",
                "1",
            ],
            &[],
        );
        assert_eq!(serial.code, want_exit, "{tag}: {serial:?}");
        assert_eq!(serial.stdout, human.stdout, "{tag}: --jobs 1 differs");

        // JSON: one result per target, agreeing with the human report.
        let json = plumb_at(
            Some(&case),
            &[
                "check",
                "--no-config",
                "--schema",
                "schema.sql",
                "--targets",
                &fleet.targets_file,
                "--format",
                "json",
            ],
            &[],
        );
        assert_eq!(json.code, want_exit, "{tag}: {json:?}");
        let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
        let targets = doc["targets"].as_array().expect("targets");
        assert_eq!(targets.len(), total, "{tag}");
        let drifted: Vec<&str> = targets
            .iter()
            .filter(|t| t["status"] == "drift")
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        let mut drift_files: Vec<String> = std::fs::read_dir(case.join("drift"))
            .map(|d| {
                d.map(|e| {
                    e.unwrap()
                        .path()
                        .file_stem()
                        .unwrap()
                        .to_string_lossy()
                        .to_string()
                })
                .collect()
            })
            .unwrap_or_default();
        drift_files.sort();
        assert_eq!(drifted, drift_files, "{tag}: the drifted targets");
        assert_eq!(doc["summary"]["drift"], drift_files.len(), "{tag}");
        assert_eq!(
            doc["summary"]["error"],
            total - fleet.dbs.len(),
            "{tag}: the unreachable targets are errors"
        );
        for t in targets.iter().filter(|t| t["status"] == "drift") {
            assert_eq!(t["report"]["in_sync"], false, "{tag}");
            assert_eq!(
                t["report"]["drift"].as_array().unwrap().len(),
                t["drift_count"].as_u64().unwrap() as usize
            );
        }
        for g in doc["groups"].as_array().unwrap() {
            assert_eq!(
                g["count"].as_u64().unwrap() as usize,
                g["targets"].as_array().unwrap().len()
            );
        }
        let _ = std::fs::remove_dir_all(&scratch);
        fleet.drop_all();
    }
    Ok(())
}

fn main() -> ExitCode {
    bless_env();
    let mut suite = Suite::new();
    suite
        .cases(
            "fleet",
            &workspace_root().join("fixtures/fleet"),
            1,
            &|dir: &Path| dir.join("schema.sql").is_file(),
            1,
            Snapshots::versioned(&["expected", "expected-markdown", "expected-github"]),
            fleet_case,
        )
        .test(
            "targets_query_lists_databases_read_only",
            targets_query_lists_databases_read_only,
        )
        .test("targets_file_errors", targets_file_errors)
        .test(
            "map_schema_compares_each_tenant_schema_with_the_declared_one",
            map_schema_compares_each_tenant_schema_with_the_declared_one,
        )
        .test("targets_of_plumb_toml", targets_of_plumb_toml)
        .test("passwords_are_not_printed", passwords_are_not_printed);
    suite.run()
}

/// `--targets-query` lists the targets on one server; the query runs read-only, so it cannot write.
fn targets_query_lists_databases_read_only() {
    let template = TestDb::with_sql("fleetq", "CREATE TABLE t (id integer PRIMARY KEY);");
    let a = template.copy("fleetq_a");
    let b = template.copy("fleetq_b");
    b.execute("ALTER TABLE t ADD COLUMN extra text");
    let scratch = scratch_dir("query");
    let schema = scratch.join("schema.sql");
    std::fs::write(&schema, "CREATE TABLE t (id integer PRIMARY KEY);").unwrap();
    let server = common::dev_url();
    let query = format!(
        "SELECT datname FROM pg_database WHERE datname IN ('{}', '{}') ORDER BY datname",
        a.name(),
        b.name()
    );
    let run = plumb_at(
        None,
        &[
            "check",
            "--no-config",
            "--schema",
            schema.to_str().unwrap(),
            "--database",
            &server,
            "--targets-query",
            &query,
        ],
        &[],
    );
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!("targets_query", whole(&run));

    // A query that writes is refused by the server (read-only transaction): exit 2, nothing written.
    let run = plumb_at(
        None,
        &[
            "check",
            "--no-config",
            "--schema",
            schema.to_str().unwrap(),
            "--database",
            a.url(),
            "--targets-query",
            "CREATE TABLE written (x int)",
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!("targets_query_writes", whole(&run));
    assert!(
        a.try_execute("SELECT 1 FROM written").is_err(),
        "the query wrote"
    );

    // A query that lists nothing is an error, not "in sync".
    let run = plumb_at(
        None,
        &[
            "check",
            "--no-config",
            "--schema",
            schema.to_str().unwrap(),
            "--database",
            &server,
            "--targets-query",
            "SELECT datname FROM pg_database WHERE false",
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!("targets_query_none", whole(&run));
    let _ = std::fs::remove_dir_all(&scratch);
}

/// A bad line of a targets file is an error naming file and line; a duplicate name is an error.
fn targets_file_errors() {
    let scratch = scratch_dir("file");
    let schema = scratch.join("schema.sql");
    std::fs::write(&schema, "CREATE TABLE t (id integer);").unwrap();
    let file = scratch.join("targets.txt");
    std::fs::write(
        &file,
        "# fleet\na = postgresql://u@127.0.0.1:1/a\n\nnot-a-target\n",
    )
    .unwrap();
    let run = plumb_at(
        None,
        &[
            "check",
            "--no-config",
            "--schema",
            schema.to_str().unwrap(),
            "--targets",
            file.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!("targets_file_bad_line", whole(&run));
    std::fs::write(
        &file,
        "a = postgresql://u@127.0.0.1:1/a\na = postgresql://u@127.0.0.1:1/b\n",
    )
    .unwrap();
    let run = plumb_at(
        None,
        &[
            "check",
            "--no-config",
            "--schema",
            schema.to_str().unwrap(),
            "--targets",
            file.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!("targets_file_named_twice", whole(&run));
    let _ = std::fs::remove_dir_all(&scratch);
}

/// The declared schema `app`, written for schema `s` (a quoted identifier).
fn app_schema(s: &str) -> String {
    format!(
        "CREATE SCHEMA {s};\n\
         CREATE TYPE {s}.status AS ENUM ('new', 'done');\n\
         CREATE TABLE {s}.users (id serial PRIMARY KEY, status {s}.status NOT NULL DEFAULT 'new', \
         parent integer REFERENCES {s}.users (id), CHECK (parent <> id));\n\
         CREATE INDEX users_expr_idx ON {s}.users ((id + 1));\n\
         CREATE VIEW {s}.active AS SELECT id FROM {s}.users WHERE status = 'new';\n"
    )
}

/// `--map-schema 'tenant_*=app'`: each tenant schema of one database compared with the declared `app`; a
/// schema that is not a tenant's is left alone; a quoted (hostile) schema name is renamed as a whole.
fn map_schema_compares_each_tenant_schema_with_the_declared_one() {
    let db = TestDb::new("fleet_map");
    db.execute(&app_schema("tenant_a"));
    db.execute(&app_schema(r#""tenant_B ""x""""#));
    db.execute(&app_schema("tenant_c"));
    db.execute("ALTER TABLE tenant_c.users ADD COLUMN hotfix_flag boolean; CREATE SCHEMA other; CREATE TABLE other.t (a int);");
    let scratch = scratch_dir("map");
    let schema = scratch.join("app.sql");
    std::fs::write(&schema, app_schema("app")).unwrap();
    let run = plumb_at(
        None,
        &[
            "check",
            "--no-config",
            "--schema",
            schema.to_str().unwrap(),
            "--database",
            db.url(),
            "--map-schema",
            "tenant_*=app",
        ],
        &[],
    );
    assert_eq!(run.code, 1, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        format!("checked 3 targets against {}", schema.display()),
        "{run:?}"
    );
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        ["tenant_B", "\"x\"", "in", "sync"],
        "{run:?}"
    );
    assert_eq!(
        lines[2].split_whitespace().collect::<Vec<_>>(),
        ["tenant_a", "in", "sync"],
        "{run:?}"
    );
    assert_eq!(
        lines[3].split_whitespace().collect::<Vec<_>>(),
        ["tenant_c", "drift", "in", "1", "place"],
        "{run:?}"
    );
    insta::assert_snapshot!("map_schema", whole(&run));

    // A declared schema the declaration does not have, and a glob that matches nothing: errors.
    let run = plumb_at(
        None,
        &[
            "check",
            "--no-config",
            "--schema",
            schema.to_str().unwrap(),
            "--database",
            db.url(),
            "--map-schema",
            "tenant_*=nope",
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!("map_schema_declared_missing", whole(&run));
    let run = plumb_at(
        None,
        &[
            "check",
            "--no-config",
            "--schema",
            schema.to_str().unwrap(),
            "--database",
            db.url(),
            "--map-schema",
            "shard_*=app",
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!("map_schema_no_match", whole(&run));
    let _ = std::fs::remove_dir_all(&scratch);
}

/// The `[targets]` table of plumb.toml names the targets when the command line names none.
fn targets_of_plumb_toml() {
    let template = TestDb::with_sql("fleett", "CREATE TABLE t (id integer PRIMARY KEY);");
    let eu = template.copy("fleett_eu");
    let us = template.copy("fleett_us");
    us.execute("DROP TABLE t");
    let dir = scratch_dir("toml");
    std::fs::write(
        dir.join("schema.sql"),
        "CREATE TABLE t (id integer PRIMARY KEY);",
    )
    .unwrap();
    std::fs::write(
        dir.join("plumb.toml"),
        format!("[targets]\neu = \"{}\"\nus = \"{}\"\n", eu.url(), us.url()),
    )
    .unwrap();
    let run = plumb_at(Some(&dir), &["check", "--schema", "schema.sql"], &[]);
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!("plumb_toml_targets", whole(&run));
    // A --database on the command line wins: one database, the single-target check.
    let run = plumb_at(
        Some(&dir),
        &["check", "--schema", "schema.sql", "--database", eu.url()],
        &[],
    );
    assert_eq!(run.code, 0, "{run:?}");
    insta::assert_snapshot!("plumb_toml_database_wins", whole(&run));
    std::fs::write(dir.join("plumb.toml"), "[targets]\neu = 1\n").unwrap();
    let run = plumb_at(Some(&dir), &["check", "--schema", "schema.sql"], &[]);
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!("plumb_toml_bad_target", whole(&run));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Passwords in target URLs never reach the report, in any format, nor stderr.
fn passwords_are_not_printed() {
    let scratch = scratch_dir("pw");
    let schema = scratch.join("schema.sql");
    std::fs::write(&schema, "CREATE TABLE t (id integer);").unwrap();
    for format in ["human", "json", "markdown", "github"] {
        let run = plumb_at(
            None,
            &[
                "check",
                "--no-config",
                "--schema",
                schema.to_str().unwrap(),
                "--database",
                "postgresql://u:s3cret@127.0.0.1:1/a",
                "--database",
                "postgresql://u:s3cret@127.0.0.1:1/b?sslmode=bogus",
                "--format",
                format,
            ],
            &[],
        );
        assert_eq!(run.code, 2, "{run:?}");
        assert!(
            !run.stdout.contains("s3cret") && !run.stderr.contains("s3cret"),
            "{run:?}"
        );
        assert!(run.stdout.contains("127.0.0.1:1"), "{run:?}");
    }
    let _ = std::fs::remove_dir_all(&scratch);
}
