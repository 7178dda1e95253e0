//! Introspection of the fixtures in `fixtures/introspect/<case>/schema.sql` against a real server, one test per
//! case (`harness = false`, see `plumb_testdb::fixture`), compared with the snapshot `expected.snap` in the
//! same folder (`expected@pgNN.snap` where PostgreSQL NN differs; regenerate with `PLUMB_BLESS=1`).
//!
//! Every case is read twice, once from a plain session and once from a session whose `search_path`,
//! `DateStyle` and `IntervalStyle` are unusual: both must give the same model, and the session's settings must
//! be left as they were.

#![allow(clippy::print_stderr)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use plumb_introspect::{introspect, Options};
use plumb_model::{Database, ObjectRef, QualName};
use plumb_testdb::fixture::{fixtures_root, Case, CaseResult, Snapshots, Suite};
use plumb_testdb::snapshot::{check_versioned, skip_reason};
use plumb_testdb::{TestDb, TestRoles};

fn fixtures_dir() -> PathBuf {
    fixtures_root().join("introspect")
}

/// A fixture loaded into a fresh database, with its own stand-ins for the roles it grants to (roles are
/// cluster-wide: see `TestRoles`).
fn load(case: &str) -> (TestDb, TestRoles) {
    let roles = TestRoles::new();
    let sql = std::fs::read_to_string(fixtures_dir().join(case).join("schema.sql")).unwrap();
    let db = TestDb::with_sql(&format!("introspect_{case}"), &roles.apply(&sql));
    (db, roles)
}

/// Introspect `url`, after running `session_sql` on the connection; also returns `SHOW search_path` and
/// `SHOW DateStyle` as they are afterwards, and the connected user.
fn read(url: &str, opts: &Options, session_sql: &str) -> (Database, String, String) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = plumb_pg::Target::parse(url).unwrap().connect().await.unwrap();
        if !session_sql.is_empty() {
            client.batch_execute(session_sql).await.unwrap();
        }
        let db = introspect(&client, opts).await.unwrap_or_else(|e| panic!("introspection failed: {e}"));
        let row = client
            .query_one("SELECT current_setting('search_path') || ' / ' || current_setting('DateStyle'), current_user::text", &[])
            .await
            .unwrap();
        (db, row.get(0), row.get(1))
    })
}

/// The model as JSON, with what depends on the server (version) and on who runs the tests (user name) made
/// neutral.
fn snapshot(db: &Database, user: &str) -> String {
    let mut db = db.clone();
    db.server_version = None;
    let mut value = serde_json::to_value(&db).unwrap();
    fn neutral(v: &mut serde_json::Value, user: &str) {
        match v {
            serde_json::Value::String(s) if s == user => *s = "<test user>".to_string(),
            serde_json::Value::String(s) => {
                // In the names of unsupported objects: `FOR ROLE x IN SCHEMA`, `FOR x SERVER`.
                for (from, to) in [
                    (format!("FOR ROLE {user} "), "FOR ROLE <test user> "),
                    (format!("FOR {user} SERVER"), "FOR <test user> SERVER"),
                ] {
                    *s = s.replace(&from, to);
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| neutral(x, user)),
            serde_json::Value::Object(o) => {
                // keys too: default privileges are keyed `FOR ROLE x ...`
                let entries = std::mem::take(o);
                for (k, mut x) in entries {
                    neutral(&mut x, user);
                    let k = k.replace(&format!("FOR ROLE {user} "), "FOR ROLE <test user> ");
                    o.insert(k, x);
                }
            }
            _ => {}
        }
    }
    neutral(&mut value, user);
    serde_json::to_string_pretty(&value).unwrap() + "\n"
}

/// One case: the model read from a plain session and from an odd one are the same, the session's settings
/// are left alone, and the model matches the snapshot.
fn run_case(c: &Case) -> CaseResult {
    let case = c.name.as_str();
    if let Some(why) = skip_reason(&c.dir) {
        eprintln!("{why}");
        return Ok(());
    }
    let (db, roles) = load(case);
    let (plain, before_settings, user) = read(db.url(), &Options::default(), "");
    let odd_session = "SET search_path = \"My.Schema\", \"select\", app, t, ext, public; \
                       SET DateStyle = 'SQL, DMY'; SET IntervalStyle = 'sql_standard'; \
                       SET extra_float_digits = 0";
    let (odd, after_settings, _) = read(db.url(), &Options::default(), odd_session);
    if plain != odd {
        return Err(format!(
            "{case}: the model depends on the session's settings\n--- plain\n{}\n--- odd session\n{}",
            roles.restore(&snapshot(&plain, &user)),
            roles.restore(&snapshot(&odd, &user))
        ));
    }
    if !before_settings.starts_with("\"$user\", public") {
        return Err(format!("{case}: session changed: {before_settings}"));
    }
    if after_settings != "\"My.Schema\", \"select\", app, t, ext, public / SQL, DMY" {
        return Err(format!(
            "{case}: introspection must leave the session's settings alone: {after_settings}"
        ));
    }
    let actual = roles.restore(&snapshot(&plain, &user));
    check_versioned(&c.dir, "expected", &actual);
    Ok(())
}

fn main() -> ExitCode {
    let mut suite = Suite::new();
    suite
        .cases(
            "introspect",
            &fixtures_dir(),
            1,
            &|dir: &Path| dir.join("schema.sql").exists(),
            7,
            Snapshots::versioned(&["expected"]),
            run_case,
        )
        .test(
            "extension_members_are_not_the_users_objects",
            extension_members_are_not_the_users_objects,
        )
        .test(
            "unsupported_kinds_are_reported",
            unsupported_kinds_are_reported,
        )
        .test(
            "schema_filters_choose_what_is_read",
            schema_filters_choose_what_is_read,
        )
        .test(
            "comments_on_public_and_user_schemas_are_read",
            comments_on_public_and_user_schemas_are_read,
        );
    suite.run()
}

fn extension_members_are_not_the_users_objects() {
    let (db, _roles) = load("extensions");
    let (model, _, _) = read(db.url(), &Options::default(), "");
    let names: Vec<String> = model.functions.keys().map(|f| f.to_string()).collect();
    assert_eq!(names, vec!["public.similar_users(q text)".to_string()]);
    assert!(model.types.is_empty(), "{:?}", model.types.keys());
    let exts: Vec<(&str, &str)> = model
        .extensions
        .values()
        .map(|e| (e.name.as_str(), e.schema.as_str()))
        .collect();
    assert_eq!(
        exts,
        vec![
            ("citext", "public"),
            ("hstore", "ext"),
            ("pg_trgm", "public")
        ]
    );
    assert!(model.extensions.values().all(|e| e.version.is_some()));
    assert!(model.unsupported.is_empty(), "{:?}", model.unsupported);
    // The user's column depends on the extension's type: the edge points at the extension.
    assert!(model.dependencies.iter().any(
        |d| matches!(&d.from, ObjectRef::Column(c) if c.column == "email")
            && d.to == ObjectRef::Extension("citext".into())
    ));
}

fn unsupported_kinds_are_reported() {
    let (db, _roles) = load("unsupported");
    let (model, _, _) = read(db.url(), &Options::default(), "");
    let kinds: BTreeSet<&str> = model.unsupported.iter().map(|u| u.kind.as_str()).collect();
    for kind in [
        "cast",
        "column privilege on view",
        "comment on domain constraint",
        "comment on type attribute",
        "foreign server",
        "foreign table",
        "foreign-data wrapper",
        "operator",
        "publication",
        "rule",
        "statistics object",
        "text search configuration",
        "user mapping",
    ] {
        assert!(kinds.contains(kind), "{kind} not reported; got {kinds:?}");
    }
    assert!(!model
        .tables
        .contains_key(&QualName::new("public", "remote_things")));
    // modelled now, no longer reported
    assert!(!kinds.contains("replica identity"));
    assert!(!kinds.contains("event trigger"));
    let evt = &model.event_triggers["plumb_on_ddl"];
    assert_eq!(evt.event, "ddl_command_start");
    assert_eq!(
        evt.function,
        plumb_model::FunctionId::new("public", "on_ddl", "")
    );
    assert_eq!(
        model.tables[&QualName::new("public", "events")].replica_identity,
        plumb_model::ReplicaIdentity::Full
    );
}

/// The public schema's oid (2200) is below the first user oid: its comment is read all the same, and those of
/// the system schemas are not.
fn comments_on_public_and_user_schemas_are_read() {
    let db = TestDb::with_sql(
        "introspect_schema_comments",
        "COMMENT ON SCHEMA public IS 'the default one'; \
         CREATE SCHEMA app; COMMENT ON SCHEMA app IS 'the application''s';",
    );
    let (model, _, _) = read(db.url(), &Options::default(), "");
    let comments: Vec<(&str, Option<&str>)> = model
        .schemas
        .values()
        .map(|s| (s.name.as_str(), s.common.comment.as_deref()))
        .collect();
    assert_eq!(
        comments,
        vec![
            ("app", Some("the application's")),
            ("public", Some("the default one"))
        ]
    );
}

fn schema_filters_choose_what_is_read() {
    if let Some(why) = skip_reason(&fixtures_dir().join("tables")) {
        eprintln!("{why}");
        return;
    }
    let (db, _roles) = load("tables");
    let only_app = Options {
        include_schemas: vec!["app".into()],
        ..Options::default()
    };
    let (model, _, _) = read(db.url(), &only_app, "");
    assert_eq!(model.schemas.keys().collect::<Vec<_>>(), vec!["app"]);
    assert!(model.tables.keys().all(|t| t.schema == "app"));
    assert!(model
        .tables
        .contains_key(&QualName::new("app", "customers")));
    let not_app = Options {
        exclude_schemas: vec!["app".into()],
        ..Options::default()
    };
    let (model, _, _) = read(db.url(), &not_app, "");
    assert_eq!(model.schemas.keys().collect::<Vec<_>>(), vec!["public"]);
    assert_eq!(
        model
            .tables
            .keys()
            .map(|t| t.to_string())
            .collect::<Vec<_>>(),
        vec!["public.plain"]
    );
    assert!(model.sequences.is_empty());
}
