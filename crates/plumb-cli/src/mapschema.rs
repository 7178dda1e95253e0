//! `check --map-schema 'tenant_*=app'` (schema per tenant): every schema of a live database that the glob
//! matches is compared with the declared schema `app`. Each matching schema is taken out of the model alone
//! and renamed to `app` — its key and every `tenant_x.` qualification in names and SQL texts (defaults,
//! definitions, type names) — so that it compares with the declaration as if it were `app`.

use std::str::FromStr;

use anyhow::{bail, Result};
use plumb_diff::filter::Pattern;
use plumb_model::{quote_ident, Database, ObjectRef};

/// `GLOB=DECLARED`: live schemas matching GLOB (Atlas's glob syntax, one segment) are compared with the
/// declared schema DECLARED.
#[derive(Debug, Clone)]
pub struct MapSchema {
    pub glob: Pattern,
    pub declared: String,
}

impl MapSchema {
    /// The command line's parser (boxed: a `Pattern` is large).
    pub fn boxed(text: &str) -> Result<Box<MapSchema>, String> {
        text.parse().map(Box::new)
    }
}

impl FromStr for MapSchema {
    type Err = String;

    fn from_str(text: &str) -> Result<MapSchema, String> {
        let Some((glob, declared)) = text.rsplit_once('=') else {
            return Err(format!(
                "`{text}`: expected GLOB=SCHEMA, e.g. 'tenant_*=app'"
            ));
        };
        let (glob, declared) = (glob.trim(), declared.trim());
        if declared.is_empty() {
            return Err(format!("`{text}`: no declared schema after `=`"));
        }
        let pattern: Pattern = glob.parse().map_err(|e| format!("`{text}`: {e}"))?;
        // A schema-level pattern: it must be able to match a schema at all.
        if glob.contains('.') && !glob.starts_with('"') || glob.contains('[') {
            return Err(format!(
                "`{text}`: the glob names schemas: one segment without [...] selectors"
            ));
        }
        Ok(MapSchema {
            glob: pattern,
            declared: declared.to_string(),
        })
    }
}

/// The objects of schema `s` alone (its extensions, collations, types, sequences, tables, views, functions
/// and the dependencies between them).
fn only_schema(db: &Database, s: &str) -> Database {
    let in_s = |schema: &str| schema == s;
    let mut out = Database {
        server_version: db.server_version,
        ..Database::default()
    };
    out.schemas = db
        .schemas
        .iter()
        .filter(|(k, _)| in_s(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    out.extensions = db
        .extensions
        .iter()
        .filter(|(_, e)| in_s(&e.schema))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    out.collations = db
        .collations
        .iter()
        .filter(|(k, _)| in_s(&k.schema))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    out.types = db
        .types
        .iter()
        .filter(|(k, _)| in_s(&k.schema))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    out.sequences = db
        .sequences
        .iter()
        .filter(|(k, _)| in_s(&k.schema))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    out.tables = db
        .tables
        .iter()
        .filter(|(k, _)| in_s(&k.schema))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    out.views = db
        .views
        .iter()
        .filter(|(k, _)| in_s(&k.schema))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    out.functions = db
        .functions
        .iter()
        .filter(|(k, _)| in_s(&k.schema))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    // Edges between objects of this schema (and to extensions, which live in the database).
    let schema_of = |r: &ObjectRef| -> Option<String> {
        match r {
            ObjectRef::Schema(n) => Some(n.clone()),
            ObjectRef::Extension(_) => None,
            ObjectRef::Collation(n)
            | ObjectRef::Type(n)
            | ObjectRef::Sequence(n)
            | ObjectRef::Relation(n) => Some(n.schema.clone()),
            ObjectRef::Column(c) => Some(c.table.schema.clone()),
            ObjectRef::Function(f) => Some(f.schema.clone()),
        }
    };
    out.dependencies = db
        .dependencies
        .iter()
        .filter(|d| {
            [&d.from, &d.to]
                .iter()
                .all(|r| schema_of(r).is_none_or(|x| in_s(&x)))
        })
        .cloned()
        .collect();
    let prefix = format!("{}.", quote_ident(s));
    out.unsupported = db
        .unsupported
        .iter()
        .filter(|u| u.name.starts_with(&prefix))
        .cloned()
        .collect();
    out
}

/// Every schema of `db` the glob matches, as a model of that schema alone renamed to the declared schema; in
/// schema name order. None matching is an error (a check of nothing would say "in sync").
pub fn split(db: &Database, map: &MapSchema) -> Result<Vec<(String, Database)>> {
    let mut out = Vec::new();
    for s in db.schemas.keys().filter(|s| map.glob.matches_schema(s)) {
        let mut one = only_schema(db, s);
        // The schema's key and every place the model names it (the parser's ALTER SCHEMA ... RENAME TO).
        one.rename_schema(s, &map.declared);
        out.push((s.clone(), one));
    }
    if out.is_empty() {
        bail!(
            "--map-schema {}: no schema matches (schemas: {})",
            map.glob,
            db.schemas
                .keys()
                .map(|s| quote_ident(s))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(out)
}

/// The declared side of `--map-schema`: the declared schema alone.
pub fn declared(db: &Database, map: &MapSchema) -> Result<Database> {
    if !db.schemas.contains_key(&map.declared) {
        bail!(
            "--map-schema: the declared schema {} does not exist in the declaration (schemas: {})",
            quote_ident(&map.declared),
            db.schemas
                .keys()
                .map(|s| quote_ident(s))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(only_schema(db, &map.declared))
}
