//! What a command compares: the schemas asked for, and the migration tools' history tables, which are left
//! out of every model plumb reads (live or declared) unless `--include-history-tables` is given.

use plumb_model::{Database, ObjectRef, QualName};

use crate::log;

/// Tables migration tools keep their history in: Prisma, sqlx, Flyway, golang-migrate and dbmate
/// (`schema_migrations`, shared with Rails, whose `ar_internal_metadata` is here too). The tool creates them,
/// no migration declares them: comparing them would report drift on every database the tool manages, and a
/// diff would drop them.
pub const HISTORY_TABLES: &[&str] = &[
    "_prisma_migrations",
    "_sqlx_migrations",
    "flyway_schema_history",
    "schema_migrations",
    "ar_internal_metadata",
];

/// Schema filters and the history-table rule, applied to every model a command reads.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// Keep the migration tools' history tables.
    pub include_history_tables: bool,
}

impl Filters {
    pub fn introspect_options(&self) -> plumb_introspect::Options {
        plumb_introspect::Options {
            include_schemas: self.include.clone(),
            exclude_schemas: self.exclude.clone(),
        }
    }

    /// Apply what cannot be applied while reading: leave the history tables out of `db` (read from `origin`).
    pub fn apply(&self, db: &mut Database, origin: &str) {
        if self.include_history_tables {
            return;
        }
        for t in strip_history_tables(db) {
            log::info(format_args!(
                "{origin}: leaving out {t}, a migration tool's history table (--include-history-tables keeps it)"
            ));
        }
    }
}

/// Remove the history tables (and the dependency edges that name them); returns their names.
pub fn strip_history_tables(db: &mut Database) -> Vec<QualName> {
    let names: Vec<_> = db
        .tables
        .keys()
        .filter(|n| HISTORY_TABLES.contains(&n.name.as_str()))
        .cloned()
        .collect();
    for n in &names {
        db.tables.remove(n);
    }
    if !names.is_empty() {
        let names_one = |r: &ObjectRef| match r {
            ObjectRef::Relation(t) => names.contains(t),
            ObjectRef::Column(c) => names.contains(&c.table),
            _ => false,
        };
        db.dependencies
            .retain(|d| !names_one(&d.from) && !names_one(&d.to));
    }
    names
}
