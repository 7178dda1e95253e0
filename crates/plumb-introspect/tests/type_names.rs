//! Type names written client-side are the server's `format_type(atttypid, atttypmod)`, character for
//! character, for every column, view column and composite-type attribute of each case of
//! `fixtures/type-names` (every shape: arrays, typmods, domains, `"char"`, intervals with fields, time zones,
//! quoted and schema-qualified names, and a column of every built-in type).

#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use plumb_introspect::{introspect_target_with, Connections, Options};
use plumb_model::{Database, TypeKind};
use plumb_testdb::TestDb;

fn cases() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/type-names");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("input.sql").exists())
        .collect();
    cases.sort();
    cases
}

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

#[test]
fn type_names_are_format_types() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut checked = 0;
    for case in cases() {
        if let Some(why) = plumb_testdb::snapshot::skip_reason(&case) {
            println!("{why}");
            continue;
        }
        let sql = std::fs::read_to_string(case.join("input.sql")).unwrap();
        let db = TestDb::with_sql("type_names", &sql);
        let server = server_type_names(&db);
        for connections in [1, 3] {
            let plan = Connections {
                max: connections,
                relations_each: 1,
            };
            let model = rt.block_on(async {
                let target = plumb_pg::Target::parse(db.url()).unwrap();
                introspect_target_with(&target, &Options::default(), plan)
                    .await
                    .unwrap_or_else(|e| panic!("{}: introspection failed: {e}", case.display()))
                    .0
            });
            let model = model_type_names(&model);
            assert_eq!(
                model.keys().collect::<Vec<_>>(),
                server.keys().collect::<Vec<_>>(),
                "{}: the model's columns are not the server's",
                case.display()
            );
            let wrong: Vec<String> = server
                .iter()
                .filter(|(k, v)| model.get(*k) != Some(*v))
                .map(|(k, v)| format!("{}.{}: server {v:?}, plumb {:?}", k.0, k.1, model[k]))
                .collect();
            assert!(
                wrong.is_empty(),
                "{}: type names differ from format_type:\n{}",
                case.display(),
                wrong.join("\n")
            );
        }
        checked += server.len();
        println!("{}: {} columns match", case.display(), server.len());
    }
    // The cases hold hundreds of columns: an empty comparison would prove nothing.
    assert!(checked > 300, "only {checked} columns were compared");
}
