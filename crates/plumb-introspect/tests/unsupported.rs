//! Objects of kinds plumb does not model are reported, whatever else the database holds: one test per case of
//! `fixtures/unsupported` (`harness = false`, see `plumb_testdb::fixture`). Each case creates objects of one
//! such kind, mostly alone. The read must list exactly the case's `expected.txt` (`kind<TAB>name` lines,
//! sorted; regenerate with `PLUMB_BLESS=1`), and everything the server's own listing finds: the catalog query
//! that names these objects, run directly here, not behind the cheap probe (`unsupported objects`) that
//! decides whether a read runs it.

#![allow(clippy::print_stdout)]

use std::path::Path;
use std::process::ExitCode;

use plumb_introspect::{catalog_queries, introspect_target, Options, Step};
use plumb_testdb::fixture::{fixtures_root, Case, CaseResult, Snapshots, Suite};
use plumb_testdb::TestDb;

/// What the server lists, `kind<TAB>name`, sorted: the naming query over every user schema, database-wide
/// objects included.
fn server_listing(db: &TestDb, server_version: u32) -> Result<Vec<String>, String> {
    let sql = catalog_queries(server_version)
        .into_iter()
        .find(|(step, _)| *step == Step::UnsupportedNames)
        .map(|(_, sql)| sql)
        .ok_or("no query names the unsupported objects")?;
    let mut client = db.client();
    let schemas: Vec<u32> = client
        .query(
            "SELECT oid FROM pg_catalog.pg_namespace \
             WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'",
            &[],
        )
        .map_err(|e| e.to_string())?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut tx = client.transaction().map_err(|e| e.to_string())?;
    tx.batch_execute("SET LOCAL search_path = ''")
        .map_err(|e| e.to_string())?;
    let mut out: Vec<String> = tx
        .query(&sql, &[&schemas, &true])
        .map_err(|e| e.to_string())?
        .iter()
        .map(|r| format!("{}\t{}", r.get::<_, String>(0), r.get::<_, String>(1)))
        .collect();
    out.sort();
    Ok(out)
}

fn run_case(c: &Case) -> CaseResult {
    let case = &c.dir;
    if let Some(why) = plumb_testdb::snapshot::skip_reason(case) {
        println!("{why}");
        return Ok(());
    }
    let sql = std::fs::read_to_string(case.join("input.sql")).map_err(|e| e.to_string())?;
    let db = TestDb::with_sql("unsupported", &sql);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let model = rt.block_on(async {
        let target = plumb_pg::Target::parse(db.url()).map_err(|e| e.to_string())?;
        introspect_target(&target, &Options::default())
            .await
            .map_err(|e| format!("introspection failed: {e}"))
    })?;
    let version = model
        .server_version
        .ok_or("the model has no server version")?;
    let mut read: Vec<String> = model
        .unsupported
        .iter()
        .map(|u| format!("{}\t{}", u.kind, u.name))
        .collect();
    read.sort();
    let listing = server_listing(&db, version)?;
    let missed: Vec<&String> = listing.iter().filter(|s| !read.contains(s)).collect();
    if !missed.is_empty() {
        return Err(format!(
            "the server lists what the read did not report: {missed:?}; the read reported {read:?}"
        ));
    }
    let actual: String = read.iter().map(|l| format!("{l}\n")).collect();
    let expected_path = case.join("expected.txt");
    if plumb_testdb::snapshot::blessing() {
        std::fs::write(&expected_path, &actual).map_err(|e| e.to_string())?;
    }
    let expected = std::fs::read_to_string(&expected_path)
        .map_err(|e| format!("{}: {e} (PLUMB_BLESS=1 writes it)", expected_path.display()))?;
    if expected != actual {
        return Err(format!(
            "the read reported\n{actual}instead of expected.txt\n{expected}"
        ));
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut suite = Suite::new();
    suite.cases(
        "unsupported",
        &fixtures_root().join("unsupported"),
        1,
        &|dir: &Path| dir.join("input.sql").exists(),
        15,
        Snapshots::NONE,
        run_case,
    );
    suite.run()
}
