//! Shared test support: load SQL into a fresh database, introspect it, and list where the parsed model
//! differs from the introspected one.

#![allow(dead_code)]

use std::path::Path;

use plumb_model::Database;
use serde_json::Value;

/// Introspect the schema `sql` creates in a fresh database.
pub fn introspect_sql(tag: &str, sql: &str) -> Result<Database, String> {
    let db = plumb_testdb::TestDb::new(tag);
    db.try_execute(sql)
        .map_err(|e| format!("does not load: {e}"))?;
    let url = db.url().to_string();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async move {
        let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .map_err(|e| e.to_string())?;
        let handle = tokio::spawn(async move {
            let _ = conn.await;
        });
        let r = plumb_introspect::introspect(&client, &plumb_introspect::Options::default())
            .await
            .map_err(|e| e.to_string());
        drop(client);
        let _ = handle.await;
        r
    })
}

/// Where `parsed` and `live` differ. On the reference version (PostgreSQL 15, whose canonical text the parser
/// writes), field by field: what a declared schema cannot say is not compared: the server version, and owners
/// / extension versions the SQL does not state (the differ skips those too). On other versions the server's
/// own text differs (view definitions of 16+, 18's named NOT NULL constraints), so there the question is the
/// one a user asks: does the differ find any change between the parsed model and the database?
pub fn differences(parsed: &Database, live: &Database) -> Vec<String> {
    let reference = plumb_testdb::snapshot::REFERENCE_MAJOR;
    if live.server_version.is_some_and(|v| v / 10000 != reference) {
        return plumb_diff::diff(parsed, live, &plumb_diff::Options::default())
            .into_iter()
            .map(|c| {
                let mut s = format!("{:?} {:?} {}", c.action, c.kind, c.object);
                if let Some(a) = &c.attribute {
                    s.push_str(&format!(
                        " {a}: parsed {} != live {}",
                        c.from.as_deref().unwrap_or("-"),
                        c.to.as_deref().unwrap_or("-")
                    ));
                }
                s
            })
            .collect();
    }
    let mut live = live.clone();
    live.server_version = None;
    let a = serde_json::to_value(parsed).unwrap_or(Value::Null);
    let b = serde_json::to_value(&live).unwrap_or(Value::Null);
    let mut out = Vec::new();
    for d in parsed.dependencies.difference(&live.dependencies) {
        out.push(format!("dependencies: only parsed: {} -> {}", d.from, d.to));
    }
    for d in live.dependencies.difference(&parsed.dependencies) {
        out.push(format!("dependencies: only live: {} -> {}", d.from, d.to));
    }
    let strip = |mut v: Value| {
        if let Some(m) = v.as_object_mut() {
            m.remove("dependencies");
        }
        v
    };
    walk("", &strip(a), &strip(b), &mut out);
    out
}

fn walk(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    if a == b {
        return;
    }
    let last = path.rsplit('.').next().unwrap_or("");
    if a.is_null() && (last == "owner" || last == "version") {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match (x.get(k), y.get(k)) {
                    (Some(va), Some(vb)) => walk(&p, va, vb, out),
                    (Some(_), None) => out.push(format!("{p}: only parsed")),
                    (None, Some(_)) => out.push(format!("{p}: only live")),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                walk(&format!("{path}[{i}]"), va, vb, out);
            }
        }
        _ => out.push(format!("{path}: parsed {} != live {}", short(a), short(b))),
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 300 {
        format!(
            "{}...",
            &s[..s.char_indices().nth(300).map(|x| x.0).unwrap_or(s.len())]
        )
    } else {
        s
    }
}

/// A path matches an allow-list entry when the entry is a substring of it.
pub fn allowed(diff: &str, allow: &[&str]) -> bool {
    allow.iter().any(|a| diff.contains(a))
}

pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}
