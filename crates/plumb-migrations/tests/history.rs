//! Database tests: history tables read from a real server, status against fixture directories, and
//! `mark_applied` writing each tool's table.
//!
//! Data-driven part: every `fixtures/migrations/<layout>/<case>/` with a `history.sql` (the tool's table and rows,
//! as the tool writes them) is loaded into a fresh database, and the status of `migrations/` against it is
//! compared with the snapshot `expected-status.snap`, one test per case (`harness = false`, see
//! `plumb_testdb::fixture`). `PLUMB_BLESS=1` rewrites the snapshots (review the diff).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use plumb_migrations::{
    detect_history, mark_applied, read_dir, read_history, status, write_baseline, Error, Layout,
    State, Status,
};
use plumb_testdb::fixture::{Case, CaseResult, Snapshots, Suite};
use plumb_testdb::TestDb;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/migrations")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(async move {
        let _ = conn.await;
    });
    client
}

fn render(st: &Status, root: &Path) -> String {
    let mut s = format!(
        "layout {} table {} clean {}\n",
        st.layout,
        st.table.as_deref().unwrap_or("-"),
        st.is_clean()
    );
    let m = &st.summary;
    s.push_str(&format!(
        "summary applied={} pending={} missing={} modified={} failed={} rolled_back={}\n",
        m.applied, m.pending, m.missing, m.modified, m.failed, m.rolled_back
    ));
    for e in &st.migrations {
        let file = e
            .path
            .as_ref()
            .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
            .unwrap_or_else(|| "-".into());
        let cs = |c: &Option<plumb_migrations::Checksum>| {
            c.as_ref().map(|c| c.to_string()).unwrap_or("-".into())
        };
        s.push_str(&format!(
            "{} id={:?} name={:?}{} file={} expected={} found={}\n",
            e.state.as_str(),
            e.id,
            e.name,
            if e.repeatable { " repeatable" } else { "" },
            file,
            cs(&e.expected_checksum),
            cs(&e.found_checksum)
        ));
        if let Some(msg) = &e.message {
            for line in msg.lines() {
                s.push_str(&format!("  | {line}\n"));
            }
        }
    }
    s
}

/// One case: the status of `migrations/` against the history `history.sql` writes.
fn history_case(c: &Case) -> CaseResult {
    let case = &c.dir;
    let rt = runtime();
    let sql = std::fs::read_to_string(case.join("history.sql")).map_err(|e| e.to_string())?;
    let tag = case.file_name().unwrap().to_string_lossy().to_string();
    let db = TestDb::with_sql(&tag, &sql);
    let root = case.join("migrations");
    let forced: Option<Layout> = std::fs::read_to_string(case.join("layout.txt"))
        .ok()
        .map(|t| t.trim().parse().unwrap());
    let dir = read_dir(&root, forced).map_err(|e| e.to_string())?;
    let got = rt.block_on(async {
        let client = connect(db.url()).await;
        let detected = detect_history(&client).await.unwrap();
        let history = read_history(&client, dir.layout)
            .await
            .unwrap()
            .expect("history table exists");
        let st = status(&dir, &history);
        // The JSON form serialises and carries its format version.
        let json = serde_json::to_value(&st).unwrap();
        assert_eq!(json["version"], 1);
        format!(
            "detect_history {}\n{}",
            detected.map(|l| l.to_string()).unwrap_or("-".into()),
            render(&st, &root)
        )
    });
    plumb_testdb::snapshot::check(case, "expected-status", &got);
    Ok(())
}

fn main() -> ExitCode {
    let mut suite = Suite::new();
    suite
        .cases(
            "migrations-history",
            &fixtures(),
            2,
            &|case: &Path| case.join("history.sql").is_file(),
            12,
            Snapshots::plain(&["expected-status"]),
            history_case,
        )
        .test("no_history_table", no_history_table)
        .test(
            "wrong_schema_migrations_table_is_an_error",
            wrong_schema_migrations_table_is_an_error,
        )
        .test(
            "baseline_write_and_mark_applied_in_every_layout",
            baseline_write_and_mark_applied_in_every_layout,
        )
        .test(
            "prisma_mark_applied_resolves_a_failed_migration",
            prisma_mark_applied_resolves_a_failed_migration,
        )
        .test(
            "golang_migrate_refuses_to_move_the_version",
            golang_migrate_refuses_to_move_the_version,
        )
        .test(
            "foreign_table_with_a_tool_name_is_an_error",
            foreign_table_with_a_tool_name_is_an_error,
        );
    suite.run()
}

fn no_history_table() {
    let db = TestDb::new("no_history");
    runtime().block_on(async {
        let client = connect(db.url()).await;
        assert_eq!(detect_history(&client).await.unwrap(), None);
        for layout in Layout::ALL {
            assert!(
                read_history(&client, layout).await.unwrap().is_none(),
                "{layout}"
            );
        }
        // Without a table everything is pending.
        let dir = read_dir(&fixtures().join("sqlx/simple/migrations"), None).unwrap();
        let st = status(&dir, &Default::default());
        assert_eq!(st.summary.pending, 3);
        assert!(!st.is_clean());
    });
}

fn wrong_schema_migrations_table_is_an_error() {
    let db = TestDb::with_sql(
        "wrong_table",
        "create table schema_migrations (version varchar(255) primary key);",
    );
    runtime().block_on(async {
        let client = connect(db.url()).await;
        assert_eq!(detect_history(&client).await.unwrap(), Some(Layout::Dbmate));
        let err = read_history(&client, Layout::GolangMigrate)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::UnexpectedTable { .. }), "{err}");
    });
}

/// The columns (name, type, nullable, default) of a table, for comparing with each tool's DDL.
fn table_columns(db: &TestDb, table: &str) -> Vec<String> {
    db.client()
        .query(
            "SELECT a.attname::text || ' ' || format_type(a.atttypid, a.atttypmod) || \
                    CASE WHEN a.attnotnull THEN ' not null' ELSE '' END || \
                    COALESCE(' default ' || pg_get_expr(d.adbin, d.adrelid), '') \
             FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            &[&table],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

fn expected_columns(layout: Layout) -> Vec<&'static str> {
    match layout {
        Layout::Prisma => vec![
            "id character varying(36) not null",
            "checksum character varying(64) not null",
            "finished_at timestamp with time zone",
            "migration_name character varying(255) not null",
            "logs text",
            "rolled_back_at timestamp with time zone",
            "started_at timestamp with time zone not null default now()",
            "applied_steps_count integer not null default 0",
        ],
        Layout::Sqlx => vec![
            "version bigint not null",
            "description text not null",
            "installed_on timestamp with time zone not null default now()",
            "success boolean not null",
            "checksum bytea not null",
            "execution_time bigint not null",
        ],
        Layout::Flyway => vec![
            "installed_rank integer not null",
            "version character varying(50)",
            "description character varying(200) not null",
            "type character varying(20) not null",
            "script character varying(1000) not null",
            "checksum integer",
            "installed_by character varying(100) not null",
            "installed_on timestamp without time zone not null default now()",
            "execution_time integer not null",
            "success boolean not null",
        ],
        Layout::GolangMigrate => vec!["version bigint not null", "dirty boolean not null"],
        Layout::Dbmate => vec!["version character varying(255) not null"],
    }
}

fn version_for(layout: Layout) -> &'static str {
    if layout == Layout::Flyway {
        "1"
    } else {
        "20240101000000"
    }
}

fn baseline_write_and_mark_applied_in_every_layout() {
    let rt = runtime();
    for layout in Layout::ALL {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("migrations");
        let sql = "CREATE TABLE t (id int PRIMARY KEY);";
        let m = write_baseline(&root, layout, "baseline", sql, version_for(layout)).unwrap();
        let expected_file = match layout {
            Layout::Prisma => "20240101000000_baseline/migration.sql",
            Layout::Sqlx | Layout::Dbmate => "20240101000000_baseline.sql",
            Layout::Flyway => "V1__baseline.sql",
            Layout::GolangMigrate => "20240101000000_baseline.up.sql",
        };
        assert_eq!(m.path, root.join(expected_file), "{layout}");
        assert_eq!(m.up_sql.trim(), sql, "{layout}");
        // The directory reads back as this layout (Prisma: the lock file was written too).
        let dir = read_dir(&root, None).unwrap();
        let detected = dir.layout;
        assert_eq!(
            detected, layout,
            "written {layout} directory detected as {detected}"
        );
        assert_eq!(dir.migrations, vec![m.clone()]);

        // Never overwrite: same file again, and (except Prisma, keyed by directory name) the same version under
        // another name.
        let again =
            write_baseline(&root, layout, "baseline", sql, version_for(layout)).unwrap_err();
        assert!(matches!(again, Error::Exists { .. }), "{layout}: {again}");
        if layout != Layout::Prisma {
            let dup = write_baseline(&root, layout, "other", sql, version_for(layout)).unwrap_err();
            assert!(matches!(dup, Error::Exists { .. }), "{layout}: {dup}");
        }
        assert!(std::fs::read_to_string(&m.path)
            .unwrap()
            .contains("CREATE TABLE t"));

        let db = TestDb::new(&format!("mark_{layout}"));
        rt.block_on(async {
            let client = connect(db.url()).await;
            mark_applied(&client, layout, &m).await.unwrap();
            assert_eq!(detect_history(&client).await.unwrap(), Some(layout));
            let history = read_history(&client, layout).await.unwrap().unwrap();
            let st = status(&dir, &history);
            assert!(st.is_clean(), "{layout}: {st:?}");
            assert_eq!(st.summary.applied, 1);
            let err = mark_applied(&client, layout, &m).await.unwrap_err();
            assert!(
                matches!(err, Error::AlreadyApplied { .. }),
                "{layout}: {err}"
            );

            // A later migration is pending.
            let later = if layout == Layout::Flyway {
                "2"
            } else {
                "20240201000000"
            };
            write_baseline(&root, layout, "later", "CREATE TABLE u ();", later).unwrap();
            let dir2 = read_dir(&root, Some(layout)).unwrap();
            let st = status(&dir2, &history);
            assert_eq!(st.summary.pending, 1, "{layout}");
            assert!(!st.is_clean());
        });
        assert_eq!(
            table_columns(&db, layout.history_table()),
            expected_columns(layout),
            "{layout} DDL"
        );
        match layout {
            Layout::Prisma => {
                let out = std::process::Command::new("sha256sum")
                    .arg(&m.path)
                    .output()
                    .unwrap();
                let file_sum = String::from_utf8(out.stdout)
                    .unwrap()
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .to_string();
                let row = db
                    .client()
                    .query_one(
                        "SELECT checksum::text, logs, finished_at IS NOT NULL AND finished_at = started_at, \
                         applied_steps_count, id::uuid IS NOT NULL FROM _prisma_migrations WHERE migration_name = $1",
                        &[&"20240101000000_baseline"],
                    )
                    .unwrap();
                assert_eq!(row.get::<_, String>(0), file_sum);
                assert_eq!(row.get::<_, Option<String>>(1).as_deref(), Some(""));
                assert!(row.get::<_, bool>(2));
                assert_eq!(row.get::<_, i32>(3), 0);
            }
            Layout::Sqlx => {
                let out = std::process::Command::new("sha384sum")
                    .arg(&m.path)
                    .output()
                    .unwrap();
                let file_sum = String::from_utf8(out.stdout)
                    .unwrap()
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .to_string();
                let row = db
                    .client()
                    .query_one("SELECT encode(checksum, 'hex'), description, success FROM _sqlx_migrations", &[])
                    .unwrap();
                assert_eq!(row.get::<_, String>(0), file_sum);
                assert_eq!(row.get::<_, String>(1), "baseline");
                assert!(row.get::<_, bool>(2));
            }
            Layout::Flyway => {
                let row = db
                    .client()
                    .query_one(
                        "SELECT installed_rank, version, description, type, script, installed_by = current_user \
                         FROM flyway_schema_history",
                        &[],
                    )
                    .unwrap();
                assert_eq!(row.get::<_, i32>(0), 1);
                assert_eq!(row.get::<_, String>(1), "1");
                assert_eq!(row.get::<_, String>(2), "baseline");
                assert_eq!(row.get::<_, String>(3), "SQL");
                assert_eq!(row.get::<_, String>(4), "V1__baseline.sql");
                assert!(row.get::<_, bool>(5));
            }
            Layout::GolangMigrate => {
                let row = db
                    .client()
                    .query_one("SELECT version, dirty FROM schema_migrations", &[])
                    .unwrap();
                assert_eq!(row.get::<_, i64>(0), 20240101000000);
                assert!(!row.get::<_, bool>(1));
            }
            Layout::Dbmate => {
                let row = db
                    .client()
                    .query_one("SELECT version FROM schema_migrations", &[])
                    .unwrap();
                assert_eq!(row.get::<_, String>(0), "20240101000000");
            }
        }
    }
}

/// Prisma `migrate resolve --applied` on a failed migration: the failed attempt is marked rolled back and a
/// finished row is added, so the migration counts as applied.
fn prisma_mark_applied_resolves_a_failed_migration() {
    let case = fixtures().join("prisma/history_drift");
    let db = TestDb::with_sql(
        "prisma_resolve",
        &std::fs::read_to_string(case.join("history.sql")).unwrap(),
    );
    let dir = read_dir(&case.join("migrations"), None).unwrap();
    let broken = dir
        .migrations
        .iter()
        .find(|m| m.id == "20240103000000_broken")
        .unwrap()
        .clone();
    runtime().block_on(async {
        let client = connect(db.url()).await;
        let before = status(
            &dir,
            &read_history(&client, Layout::Prisma)
                .await
                .unwrap()
                .unwrap(),
        );
        assert_eq!(
            before
                .migrations
                .iter()
                .find(|e| e.id == broken.id)
                .unwrap()
                .state,
            State::Failed
        );
        mark_applied(&client, Layout::Prisma, &broken)
            .await
            .unwrap();
        let after = status(
            &dir,
            &read_history(&client, Layout::Prisma)
                .await
                .unwrap()
                .unwrap(),
        );
        assert_eq!(
            after
                .migrations
                .iter()
                .find(|e| e.id == broken.id)
                .unwrap()
                .state,
            State::Applied
        );
    });
    let rows: i64 = db
        .client()
        .query_one(
            "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '20240103000000_broken' \
             AND rolled_back_at IS NOT NULL AND finished_at IS NULL",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(rows, 1);
}

/// golang-migrate keeps one version: recording a baseline beside another version is refused, and nothing is
/// written.
fn golang_migrate_refuses_to_move_the_version() {
    let case = fixtures().join("golang-migrate/history_missing");
    let db = TestDb::with_sql(
        "golang_refuse",
        &std::fs::read_to_string(case.join("history.sql")).unwrap(),
    );
    let dir = read_dir(&case.join("migrations"), None).unwrap();
    runtime().block_on(async {
        let client = connect(db.url()).await;
        let err = mark_applied(&client, Layout::GolangMigrate, &dir.migrations[0])
            .await
            .unwrap_err();
        assert!(matches!(err, Error::BadBaseline { .. }), "{err}");
    });
    let row = db
        .client()
        .query_one("SELECT version, dirty FROM schema_migrations", &[])
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 5);
}

/// A table with the tool's name but not its columns is an error that names the table and the server's reason.
fn foreign_table_with_a_tool_name_is_an_error() {
    let db = TestDb::with_sql(
        "foreign_prisma",
        "CREATE TABLE _prisma_migrations (id int);",
    );
    runtime().block_on(async {
        let client = connect(db.url()).await;
        let err = read_history(&client, Layout::Prisma).await.unwrap_err();
        let text = err.to_string();
        assert!(text.contains("_prisma_migrations"), "{text}");
        assert!(text.contains("migration_name"), "{text}");
    });
}
