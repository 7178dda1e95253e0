//! `TestDb` and `TestRoles` against the real server: what they create is there while they live and gone
//! afterwards.

use plumb_testdb::{admin_client, TestDb, TestRoles, FIXTURE_ROLES};

#[test]
fn creates_runs_and_drops_a_database() {
    let name;
    {
        let db = TestDb::with_sql(
            "smoke",
            "CREATE TABLE t (id int); INSERT INTO t VALUES (1);",
        );
        name = db.name().to_string();
        let n: i64 = db
            .client()
            .query_one("SELECT count(*) FROM t", &[])
            .unwrap()
            .get(0);
        assert_eq!(n, 1);
        assert!(db.try_execute("SELEC 1").is_err());
    }
    let exists: bool = admin_client()
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)",
            &[&name],
        )
        .unwrap()
        .get(0);
    assert!(!exists, "{name} should be dropped");
}

#[test]
fn test_roles_are_unique_replaced_and_dropped() {
    let names: Vec<String>;
    {
        let a = TestRoles::new();
        let b = TestRoles::new();
        assert_ne!(a.name("plumb_fixture_role"), b.name("plumb_fixture_role"));
        let sql = "GRANT x TO plumb_fixture_role, plumb_fixture_roles, \"plumb_fixture_role\";";
        let applied = a.apply(sql);
        assert_eq!(
            applied,
            format!(
                "GRANT x TO {0}, plumb_fixture_roles, \"{0}\";",
                a.name("plumb_fixture_role")
            )
        );
        assert_eq!(a.restore(&applied), sql);
        // A grant in a database that outlives the roles does not keep them alive.
        let db = TestDb::new("roles");
        db.execute(
            &a.apply("CREATE TABLE t (a int); GRANT SELECT ON t TO plumb_introspect_reader;"),
        );
        names = [&a, &b]
            .iter()
            .flat_map(|r| FIXTURE_ROLES.iter().map(|f| r.name(f).to_string()))
            .collect();
        let mut sorted = FIXTURE_ROLES.iter().map(|f| a.name(f)).collect::<Vec<_>>();
        sorted.sort();
        assert_eq!(
            sorted,
            FIXTURE_ROLES.iter().map(|f| a.name(f)).collect::<Vec<_>>()
        );
        drop(a);
        drop(b);
        drop(db);
    }
    let left: i64 = admin_client()
        .query_one(
            "SELECT count(*) FROM pg_roles WHERE rolname = ANY($1)",
            &[&names],
        )
        .unwrap()
        .get(0);
    assert_eq!(left, 0, "roles left: {names:?}");
}
