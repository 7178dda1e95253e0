//! What a command compares: the schemas asked for, and the migration tools' history tables, which are left
//! out of every model plumb reads (live or declared) unless `--include-history-tables` is given.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use anyhow::{bail, Context as _};
use std::sync::{Arc, Mutex};

use plumb_diff::filter::Pattern;
use plumb_model::{Database, ObjectRef, QualName};

use crate::log;

/// Tables migration tools keep their history in. The tool creates them, no migration declares them: comparing
/// them would report drift on every database the tool manages, and a diff would drop them. Matched by table
/// name in any schema; the sequences they own go with them.
pub const HISTORY_TABLES: &[&str] = &[
    // Prisma
    "_prisma_migrations",
    // sqlx
    "_sqlx_migrations",
    // Flyway
    "flyway_schema_history",
    // golang-migrate, dbmate and Rails (whose `ar_internal_metadata` is next)
    "schema_migrations",
    "ar_internal_metadata",
    // Django
    "django_migrations",
    // Alembic
    "alembic_version",
    // goose
    "goose_db_version",
    // Diesel
    "__diesel_schema_migrations",
    // refinery
    "refinery_schema_history",
    // SeaORM
    "seaql_migrations",
    // Knex
    "knex_migrations",
    "knex_migrations_lock",
    // node-pg-migrate
    "pgmigrations",
    // Liquibase
    "databasechangelog",
    "databasechangeloglock",
];

/// Schema filters and the history-table rule, applied to every model a command reads.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// Keep the migration tools' history tables.
    pub include_history_tables: bool,
    /// `--exclude` patterns.
    pub patterns: Vec<Pattern>,
    /// How many objects each pattern matched, over every model the filters were applied to.
    hits: Arc<Mutex<Vec<usize>>>,
    /// How many connections a live database is read on ([`plumb_introspect::Connections::beside_another`]
    /// when the command reads both sides at once).
    pub connections: plumb_introspect::Connections,
}

impl Filters {
    pub fn introspect_options(&self) -> plumb_introspect::Options {
        plumb_introspect::Options {
            include_schemas: self.include.clone(),
            exclude_schemas: self.exclude.clone(),
        }
    }

    pub fn new(
        include: Vec<String>,
        exclude: Vec<String>,
        patterns: Vec<Pattern>,
        include_history_tables: bool,
    ) -> Filters {
        Filters {
            include,
            exclude,
            include_history_tables,
            patterns,
            hits: Arc::default(),
            connections: plumb_introspect::Connections::default(),
        }
    }

    /// Apply what cannot be applied while reading: leave the history tables and what `--exclude` matches out
    /// of `db` (read from `origin`).
    pub fn apply(&self, db: &mut Database, origin: &str) {
        if !self.include_history_tables {
            for t in strip_history_tables(db) {
                log::info(format_args!(
                    "{origin}: leaving out {t}, a migration tool's history table (--include-history-tables keeps it)"
                ));
            }
        }
        if self.patterns.is_empty() {
            return;
        }
        let hits = plumb_diff::filter::exclude(db, &self.patterns);
        let mut total = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        total.resize(self.patterns.len(), 0);
        for ((sum, n), p) in total.iter_mut().zip(&hits).zip(&self.patterns) {
            *sum += n;
            if *n > 0 {
                log::info(format_args!(
                    "{origin}: --exclude {p} left out {n} object(s)"
                ));
            }
        }
    }

    /// Warn about every `--exclude` pattern that matched nothing in any model (a typo, most likely).
    pub fn warn_unmatched(&self) {
        let total = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        for (i, p) in self.patterns.iter().enumerate() {
            if total.get(i).copied().unwrap_or(0) == 0 {
                log::warn(format_args!("--exclude {p} matched nothing"));
            }
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
    // A serial column's sequence (goose, Knex, node-pg-migrate, older Django) belongs to its table.
    let sequences: Vec<QualName> = db
        .sequences
        .values()
        .filter(|s| {
            s.owned_by
                .as_ref()
                .is_some_and(|c| names.contains(&c.table))
        })
        .map(|s| s.name.clone())
        .collect();
    for n in &sequences {
        db.sequences.remove(n);
    }
    if !names.is_empty() {
        let names_one = |r: &ObjectRef| match r {
            ObjectRef::Relation(t) => names.contains(t),
            ObjectRef::Sequence(q) => sequences.contains(q),
            ObjectRef::Column(c) => names.contains(&c.table),
            _ => false,
        };
        db.dependencies
            .retain(|d| !names_one(&d.from) && !names_one(&d.to));
    }
    names
}

/// The user schemas of a live database (every one, whatever the filters say).
pub async fn schemas_of(target: &plumb_pg::Target) -> anyhow::Result<BTreeSet<String>> {
    let client = target.connect().await?;
    let rows = client
        .query(
            "SELECT nspname::text FROM pg_catalog.pg_namespace \
             WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'",
            &[],
        )
        .await
        .with_context(|| format!("listing the schemas of {target}"))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

impl Filters {
    /// Contradictory filters are an error: a schema both included and excluded.
    pub fn validate(&self, include_flag: &str) -> anyhow::Result<()> {
        let both: Vec<&str> = self
            .include
            .iter()
            .filter(|s| self.exclude.contains(s))
            .map(String::as_str)
            .collect();
        if !both.is_empty() {
            bail!(
                "schema {} is both included ({include_flag}) and excluded (--exclude-schema): nothing of it would be compared",
                both.join(", ")
            );
        }
        for s in &self.include {
            if let Some(p) = self.patterns.iter().find(|p| p.matches_schema(s)) {
                bail!(
                    "schema {s} is both included ({include_flag}) and excluded (--exclude {p}): nothing of it would be compared"
                );
            }
        }
        Ok(())
    }

    /// A schema named in `include_flag` that exists in none of the sources is an error naming it and the
    /// schemas that do exist (a typo would otherwise compare nothing and report "in sync"). `sources` are
    /// (label, every schema the source has).
    pub fn require_included(
        &self,
        include_flag: &str,
        sources: &[(&str, &BTreeSet<String>)],
    ) -> anyhow::Result<()> {
        let missing: Vec<&String> = self
            .include
            .iter()
            .filter(|s| !sources.iter().any(|(_, have)| have.contains(*s)))
            .collect();
        let Some(first) = missing.first() else {
            return Ok(());
        };
        let mut msg = format!(
            "{include_flag} {}: no such schema in {}",
            missing
                .iter()
                .map(|s| plumb_model::quote_ident(s))
                .collect::<Vec<_>>()
                .join(", "),
            sources
                .iter()
                .map(|(l, _)| *l)
                .collect::<Vec<_>>()
                .join(" or ")
        );
        let all: BTreeSet<&String> = sources.iter().flat_map(|(_, have)| have.iter()).collect();
        if all.is_empty() {
            msg.push_str(" (there are no user schemas)");
        } else {
            let list: Vec<String> = all.iter().map(|s| plumb_model::quote_ident(s)).collect();
            let _ = write!(msg, "; the schemas there: {}", list.join(", "));
        }
        if let Some(near) = all.iter().find(|s| s.eq_ignore_ascii_case(first)) {
            let _ = write!(
                msg,
                " (did you mean {}? schema names are case-sensitive)",
                plumb_model::quote_ident(near)
            );
        }
        bail!("{msg}")
    }
}
