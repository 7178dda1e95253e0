//! Type names written client-side are the server's `format_type(atttypid, atttypmod)`, character for
//! character, for every column, view column and composite-type attribute of each case of
//! `fixtures/type-names` (every shape: arrays, typmods, domains, `"char"`, intervals with fields, time zones,
//! quoted and schema-qualified names, and a column of every built-in type). One test per case
//! (`harness = false`, see `plumb_testdb::fixture`).

#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use plumb_introspect::{introspect_target_with, Connections, Options};
use plumb_model::{Database, TypeKind};
use plumb_testdb::fixture::{fixtures_root, Case, CaseResult, Snapshots, Suite};
use plumb_testdb::TestDb;

/// (relation or type, column) to the type name, as the server writes it.
fn server_type_names(db: &TestDb) -> BTreeMap<(String, String), String> {
    let mut client = db.client();
    let mut tx = client.transaction().unwrap();
    tx.batch_execute("SET LOCAL search_path = ''").unwrap();
    let rows = tx
        .query(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname::text, \
               format_type(a.atttypid, a.atttypmod) \
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'p', 'v', 'm', 'c') AND a.attnum > 0 AND NOT a.attisdropped \
               AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')",
            &[],
        )
        .unwrap();
    rows.iter()
        .map(|r| ((r.get(0), r.get(1)), r.get(2)))
        .collect()
}

fn model_type_names(db: &Database) -> BTreeMap<(String, String), String> {
    let mut out = BTreeMap::new();
    for t in db.tables.values() {
        for c in &t.columns {
            out.insert((t.name.to_string(), c.name.clone()), c.type_name.clone());
        }
    }
    for v in db.views.values() {
        for c in &v.columns {
            out.insert((v.name.to_string(), c.name.clone()), c.type_name.clone());
        }
    }
    for ty in db.types.values() {
        if let TypeKind::Composite { attributes } = &ty.kind {
            for a in attributes {
                out.insert((ty.name.to_string(), a.name.clone()), a.type_name.clone());
            }
        }
    }
    out
}

/// One case: every column's type name in the model, read over one connection and over three, is the
/// server's `format_type`.
fn run_case(c: &Case) -> CaseResult {
    let case = &c.dir;
    if let Some(why) = plumb_testdb::snapshot::skip_reason(case) {
        println!("{why}");
        return Ok(());
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let sql = std::fs::read_to_string(case.join("input.sql")).map_err(|e| e.to_string())?;
    let db = TestDb::with_sql("type_names", &sql);
    let server = server_type_names(&db);
    // An empty comparison would prove nothing.
    if server.is_empty() {
        return Err("no column to compare".to_string());
    }
    for connections in [1, 3] {
        let plan = Connections {
            max: connections,
            relations_each: 1,
        };
        let model = rt.block_on(async {
            let target = plumb_pg::Target::parse(db.url()).map_err(|e| e.to_string())?;
            introspect_target_with(&target, &Options::default(), plan)
                .await
                .map(|r| r.0)
                .map_err(|e| format!("introspection failed: {e}"))
        })?;
        let model = model_type_names(&model);
        if model.keys().ne(server.keys()) {
            return Err(format!(
                "the model's columns are not the server's:\nmodel:  {:?}\nserver: {:?}",
                model.keys().collect::<Vec<_>>(),
                server.keys().collect::<Vec<_>>()
            ));
        }
        let wrong: Vec<String> = server
            .iter()
            .filter(|(k, v)| model.get(*k) != Some(*v))
            .map(|(k, v)| format!("{}.{}: server {v:?}, plumb {:?}", k.0, k.1, model[k]))
            .collect();
        if !wrong.is_empty() {
            return Err(format!(
                "type names differ from format_type ({connections} connection(s)):\n{}",
                wrong.join("\n")
            ));
        }
    }
    println!("{}: {} columns match", case.display(), server.len());
    Ok(())
}

fn main() -> ExitCode {
    let mut suite = Suite::new();
    suite.cases(
        "type-names",
        &fixtures_root().join("type-names"),
        1,
        &|dir: &Path| dir.join("input.sql").exists(),
        5,
        Snapshots::NONE,
        run_case,
    );
    suite.run()
}
