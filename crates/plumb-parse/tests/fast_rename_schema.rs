//! `ALTER SCHEMA app RENAME TO core` (fixtures/parse/rename_schema) leaves no trace of `app` in the model: every
//! place the model names a schema (qualified names and function ids, an extension's schema, default
//! privileges, dependencies) and every `app.` qualification in SQL text names `core` instead. The fixture
//! puts an object of every kind in `app` and refers to it from every kind of place; its snapshot shows the
//! model, this test that nothing was missed.

use plumb_testdb::fixture::fixtures_root;
use serde_json::Value;

/// Every string of a JSON value, object keys included, with where it is.
fn strings(v: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::String(s) => out.push((at.to_string(), s.clone())),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                strings(x, &format!("{at}[{i}]"), out);
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                let here = format!("{at}.{k}");
                out.push((format!("{here} (key)"), k.clone()));
                strings(x, &here, out);
            }
        }
        _ => {}
    }
}

/// `app` as a whole identifier followed by a dot (`app.t`, `(app.f(`), or `app` alone.
fn names_app(s: &str) -> bool {
    s == "app"
        || s.match_indices("app.").any(|(i, _)| {
            !s[..i]
                .chars()
                .last()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
        })
}

#[test]
fn a_schema_rename_leaves_no_name_of_the_old_schema() {
    let input = fixtures_root().join("parse/rename_schema/input.sql");
    let sql = std::fs::read_to_string(&input).unwrap();
    let parsed = plumb_parse::parse_str(&sql, &input).unwrap();
    let db = &parsed.database;
    let json = serde_json::to_value(db).unwrap();
    let mut all = Vec::new();
    strings(&json, "", &mut all);
    let left: Vec<&(String, String)> = all
        .iter()
        .filter(|(at, s)| names_app(s) && !at.ends_with(".comment"))
        .collect();
    assert!(left.is_empty(), "still naming app: {left:#?}");

    // and the fixture does reach every kind of place (so that the check above means something)
    let reached = |needle: &str| all.iter().any(|(_, s)| s.contains(needle));
    for needle in [
        "core.parent",          // a table, its key, foreign keys to it, inheritance
        "core.mood",            // a type used by columns, defaults, views
        "core.score",           // a domain used by columns and function arguments
        "core.coll",            // a collation used by columns and attributes
        "core.lower_bound",     // a function used by defaults, indexes, views
        "core.positive",        // a function used by checks, policies, index predicates
        "core.touch()",         // a trigger function
        "core.on_ddl()",        // an event trigger's function
        "core.counter",         // a sequence owned by a column
        "core.numbered_id_seq", // an identity column's sequence
        "core.events",          // a partitioned table and its partition's parent
        "core.row_shape",       // the type of a typed table
        "core.happy",           // a view, what depends on it
        "core.counts",          // a materialized view and its index
        "ON core.child",        // the name of an object plumb does not model
        "IN SCHEMA core",       // default privileges
    ] {
        assert!(reached(needle), "the fixture does not reach {needle}");
    }
    assert_eq!(db.extensions["citext"].schema, "core");
    assert!(db.schemas.contains_key("core") && !db.schemas.contains_key("app"));
    assert_eq!(
        db.schemas["core"].common.comment.as_deref(),
        Some("the application")
    );
    // a name that merely contains the old schema's name is left as it is
    assert!(db
        .tables
        .keys()
        .any(|q| q.schema == "public" && q.name == "happy.app"));
}

/// What a SQL-standard function body uses is kept beside the model until the dependencies are computed: a
/// rename reaches it too, so the function still depends on the renamed view.
#[test]
fn a_schema_rename_keeps_what_function_bodies_use() {
    let sql = "CREATE SCHEMA app;\n\
               CREATE TABLE app.t (id integer);\n\
               CREATE VIEW app.v AS SELECT id FROM app.t;\n\
               CREATE FUNCTION public.n() RETURNS bigint LANGUAGE sql STABLE\n\
               BEGIN ATOMIC SELECT count(*) FROM app.v; END;\n\
               ALTER SCHEMA app RENAME TO core;\n";
    let parsed = plumb_parse::parse_str(sql, std::path::Path::new("rename.sql")).unwrap();
    let deps: Vec<String> = parsed
        .database
        .dependencies
        .iter()
        .map(|d| format!("{} -> {}", d.from, d.to))
        .collect();
    assert!(
        deps.contains(&"function public.n() -> relation core.v".to_string()),
        "{deps:#?}"
    );
    assert!(deps.iter().all(|d| !d.contains("app.")), "{deps:#?}");
}
