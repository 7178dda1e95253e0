//! Reading the history table each tool keeps (read only: nothing here writes).
//!
//! | tool           | table                    | one row per                         | sources                                  |
//! |----------------|--------------------------|-------------------------------------|------------------------------------------|
//! | Prisma         | `_prisma_migrations`     | attempt (a rolled back one stays)   | prisma-engines sql-schema-connector      |
//! | sqlx           | `_sqlx_migrations`       | version                             | sqlx-core `postgres/migrate.rs`          |
//! | Flyway         | `flyway_schema_history`  | run (repeatables: one per change)   | flyway `PostgreSQLDatabase`              |
//! | golang-migrate | `schema_migrations`      | nothing: one row, current version   | golang-migrate `database/postgres`       |
//! | dbmate / Rails | `schema_migrations`      | applied version (varchar)           | dbmate `pkg/driver/postgres`             |
//!
//! Tables are found through the session's `search_path` (`to_regclass`), which is where each tool creates and
//! looks for them by default; [`read_history_in`] reads one at an explicit place.

use serde::Serialize;
use tokio_postgres::Client;

use crate::checksum::Checksum;
use crate::layout::{canonical_id, Layout};
use crate::Error;

/// What a history row says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Applied successfully.
    Succeeded,
    /// Started but not finished, or finished with an error: Prisma `finished_at IS NULL` (with `logs`), sqlx and
    /// Flyway `success = false`, golang-migrate `dirty`.
    Failed,
    /// Prisma `rolled_back_at IS NOT NULL` (`prisma migrate resolve --rolled-back`): ignored by Prisma, the
    /// migration will be applied again.
    RolledBack,
    /// Flyway `BASELINE` marker row: every version up to it counts as applied.
    Baseline,
    /// Flyway `DELETE` row (`flyway repair` of a missing migration) or a successful `UNDO_*` row: the version
    /// is no longer applied.
    Removed,
}

/// One row of a history table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppliedMigration {
    /// The key matching [`crate::Migration::id`].
    pub id: String,
    /// The version column (Prisma: the timestamp prefix of `migration_name`); empty for Flyway repeatables.
    pub version: String,
    /// The name part: Prisma's `migration_name` after the timestamp, sqlx / Flyway `description`; empty when
    /// the tool stores none.
    pub name: String,
    /// Flyway `script` (the file name it ran).
    pub script: Option<String>,
    /// The stored checksum (`Checksum::None` when the tool stores none or the column is NULL).
    pub checksum: Checksum,
    pub outcome: Outcome,
    /// When it was applied (or started), as the server prints it.
    pub applied_at: Option<String>,
    /// Prisma `logs` of a failed attempt.
    pub logs: Option<String>,
    /// Flyway repeatable migration (`version IS NULL`).
    pub repeatable: bool,
}

/// The content of a tool's history table, in the order the tool recorded it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct History {
    /// The table read, as SQL (`public._prisma_migrations`). `None` for [`History::default`] (no table).
    pub table: Option<String>,
    pub rows: Vec<AppliedMigration>,
    /// golang-migrate keeps only the current version: every migration at or below `rows[0]` is applied.
    pub cumulative: bool,
}

fn db(what: impl Into<String>) -> impl FnOnce(tokio_postgres::Error) -> Error {
    let what = what.into();
    move |source| Error::Db { what, source }
}

/// Where a table is, as `to_regclass` finds it: (schema, name).
pub(crate) async fn find_table(
    client: &Client,
    regclass_text: &str,
) -> Result<Option<(String, String)>, Error> {
    let rows = client
        .query(
            "SELECT n.nspname::text, c.relname::text FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.oid = pg_catalog.to_regclass($1::text)",
            &[&regclass_text],
        )
        .await
        .map_err(db(format!("looking up table {regclass_text}")))?;
    Ok(rows.first().map(|r| (r.get(0), r.get(1))))
}

pub(crate) fn qualified(schema: &str, name: &str) -> String {
    format!(
        "{}.{}",
        plumb_model::quote_ident(schema),
        plumb_model::quote_ident(name)
    )
}

/// Column names and types (`format_type`) of a table.
pub(crate) async fn columns(
    client: &Client,
    table_sql: &str,
) -> Result<Vec<(String, String)>, Error> {
    let rows = client
        .query(
            "SELECT a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a \
             WHERE a.attrelid = pg_catalog.to_regclass($1::text) AND a.attnum > 0 AND NOT a.attisdropped \
             ORDER BY a.attnum",
            &[&table_sql],
        )
        .await
        .map_err(db(format!("reading the columns of {table_sql}")))?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Whether a `schema_migrations` table is golang-migrate's (`version bigint`, `dirty boolean`) rather than
/// dbmate's / Rails' (`version varchar`, one row per applied migration).
pub(crate) fn is_golang_migrate(cols: &[(String, String)]) -> bool {
    let has = |name: &str, types: &[&str]| {
        cols.iter()
            .any(|(n, t)| n == name && types.contains(&t.as_str()))
    };
    has("version", &["bigint", "integer"]) && has("dirty", &["boolean"])
}

/// Every tool whose history table exists (through `search_path`), in the order Prisma, sqlx, Flyway,
/// golang-migrate / dbmate.
pub async fn detect_history_all(client: &Client) -> Result<Vec<Layout>, Error> {
    let mut found = Vec::new();
    for (layout, table) in [
        (Layout::Prisma, "_prisma_migrations"),
        (Layout::Sqlx, "_sqlx_migrations"),
        (Layout::Flyway, "flyway_schema_history"),
    ] {
        if find_table(client, table).await?.is_some() {
            found.push(layout);
        }
    }
    if let Some((schema, name)) = find_table(client, "schema_migrations").await? {
        let cols = columns(client, &qualified(&schema, &name)).await?;
        found.push(if is_golang_migrate(&cols) {
            Layout::GolangMigrate
        } else {
            Layout::Dbmate
        });
    }
    Ok(found)
}

/// The tool whose history table exists (the first of [`detect_history_all`]); `None` when there is none.
pub async fn detect_history(client: &Client) -> Result<Option<Layout>, Error> {
    Ok(detect_history_all(client).await?.first().copied())
}

/// Read `layout`'s history table, found through `search_path`. `None` when the table does not exist.
pub async fn read_history(client: &Client, layout: Layout) -> Result<Option<History>, Error> {
    read_history_in(client, layout, None, None).await
}

/// Read `layout`'s history table from an explicit schema and/or under another name (Prisma's `?schema=`,
/// Flyway's `table` / `defaultSchema`, golang-migrate's `x-migrations-table`, dbmate's
/// `--migrations-table`). `None` when the table does not exist.
pub async fn read_history_in(
    client: &Client,
    layout: Layout,
    schema: Option<&str>,
    table: Option<&str>,
) -> Result<Option<History>, Error> {
    let name = table.unwrap_or(layout.history_table());
    let lookup = match schema {
        Some(s) => qualified(s, name),
        None => plumb_model::quote_ident(name),
    };
    let Some((schema, name)) = find_table(client, &lookup).await? else {
        return Ok(None);
    };
    let t = qualified(&schema, &name);
    let cols = columns(client, &t).await?;
    let rows = match layout {
        Layout::Prisma => read_prisma(client, &t).await?,
        Layout::Sqlx => read_sqlx(client, &t).await?,
        Layout::Flyway => read_flyway(client, &t).await?,
        Layout::GolangMigrate => {
            if !is_golang_migrate(&cols) {
                return Err(Error::UnexpectedTable {
                    table: t,
                    message: "not golang-migrate's (expected columns version bigint, dirty boolean); dbmate or Rails?"
                        .into(),
                });
            }
            read_golang(client, &t).await?
        }
        Layout::Dbmate => {
            if is_golang_migrate(&cols) {
                return Err(Error::UnexpectedTable {
                    table: t,
                    message: "is golang-migrate's (version bigint, dirty boolean), not dbmate's"
                        .into(),
                });
            }
            read_dbmate(client, &t).await?
        }
    };
    Ok(Some(History {
        table: Some(t),
        rows,
        cumulative: layout == Layout::GolangMigrate,
    }))
}

async fn read_prisma(client: &Client, t: &str) -> Result<Vec<AppliedMigration>, Error> {
    let sql = format!(
        "SELECT migration_name::text, checksum::text, finished_at::text, rolled_back_at::text, started_at::text, \
         logs::text FROM {t} ORDER BY started_at, migration_name, id"
    );
    let rows = client
        .query(sql.as_str(), &[])
        .await
        .map_err(db(format!("reading {t}")))?;
    Ok(rows
        .iter()
        .map(|r| {
            let name: String = r.get(0);
            let checksum: String = r.get(1);
            let finished: Option<String> = r.get(2);
            let rolled_back: Option<String> = r.get(3);
            let started: Option<String> = r.get(4);
            let logs: Option<String> = r.get(5);
            let outcome = if rolled_back.is_some() {
                Outcome::RolledBack
            } else if finished.is_some() {
                Outcome::Succeeded
            } else {
                Outcome::Failed
            };
            let (version, short) = match name.split_once('_') {
                Some((v, n)) => (v.to_string(), n.to_string()),
                None => (name.clone(), String::new()),
            };
            AppliedMigration {
                id: name,
                version,
                name: short,
                script: None,
                checksum: Checksum::Sha256Hex(checksum),
                outcome,
                applied_at: finished.or(started),
                logs: logs.filter(|l| !l.is_empty()),
                repeatable: false,
            }
        })
        .collect())
}

async fn read_sqlx(client: &Client, t: &str) -> Result<Vec<AppliedMigration>, Error> {
    let sql =
        format!("SELECT version, description, installed_on::text, success, checksum FROM {t} ORDER BY version");
    let rows = client
        .query(sql.as_str(), &[])
        .await
        .map_err(db(format!("reading {t}")))?;
    Ok(rows
        .iter()
        .map(|r| {
            let version: i64 = r.get(0);
            let success: bool = r.get(3);
            AppliedMigration {
                id: version.to_string(),
                version: version.to_string(),
                name: r.get(1),
                script: None,
                checksum: Checksum::Sha384(r.get(4)),
                outcome: if success {
                    Outcome::Succeeded
                } else {
                    Outcome::Failed
                },
                applied_at: r.get(2),
                logs: None,
                repeatable: false,
            }
        })
        .collect())
}

async fn read_flyway(client: &Client, t: &str) -> Result<Vec<AppliedMigration>, Error> {
    let sql = format!(
        "SELECT version::text, description::text, type::text, script::text, checksum, installed_on::text, success \
         FROM {t} ORDER BY installed_rank"
    );
    let rows = client
        .query(sql.as_str(), &[])
        .await
        .map_err(db(format!("reading {t}")))?;
    let mut out = Vec::new();
    for r in &rows {
        let version: Option<String> = r.get(0);
        let description: String = r.get(1);
        let kind: String = r.get(2);
        let script: String = r.get(3);
        let checksum: Option<i32> = r.get(4);
        let success: bool = r.get(6);
        let outcome = match kind.as_str() {
            // `SCHEMA` (Flyway created the schemas) and `TABLE` (history table created) are markers, not
            // migrations.
            "SCHEMA" | "TABLE" => continue,
            "BASELINE" => Outcome::Baseline,
            "DELETE" => Outcome::Removed,
            k if k.starts_with("UNDO") => {
                if success {
                    Outcome::Removed
                } else {
                    Outcome::Failed
                }
            }
            _ if success => Outcome::Succeeded,
            _ => Outcome::Failed,
        };
        let repeatable = version.is_none();
        let version = version.unwrap_or_default();
        out.push(AppliedMigration {
            id: if repeatable {
                description.clone()
            } else {
                canonical_id(Layout::Flyway, &version)
            },
            version,
            name: description,
            script: Some(script),
            checksum: checksum.map_or(Checksum::None, Checksum::Crc32),
            outcome,
            applied_at: r.get(5),
            logs: None,
            repeatable,
        });
    }
    Ok(out)
}

async fn read_golang(client: &Client, t: &str) -> Result<Vec<AppliedMigration>, Error> {
    // golang-migrate `Version()`: `SELECT version, dirty FROM t LIMIT 1`; no row (or -1) means no version.
    let sql = format!("SELECT version::bigint, dirty FROM {t} LIMIT 1");
    let rows = client
        .query(sql.as_str(), &[])
        .await
        .map_err(db(format!("reading {t}")))?;
    let mut out = Vec::new();
    if let Some(r) = rows.first() {
        let version: i64 = r.get(0);
        let dirty: bool = r.get(1);
        if version >= 0 {
            out.push(AppliedMigration {
                id: version.to_string(),
                version: version.to_string(),
                name: String::new(),
                script: None,
                checksum: Checksum::None,
                outcome: if dirty {
                    Outcome::Failed
                } else {
                    Outcome::Succeeded
                },
                applied_at: None,
                logs: None,
                repeatable: false,
            });
        }
    }
    Ok(out)
}

async fn read_dbmate(client: &Client, t: &str) -> Result<Vec<AppliedMigration>, Error> {
    let sql = format!("SELECT version::text FROM {t} ORDER BY version");
    let rows = client
        .query(sql.as_str(), &[])
        .await
        .map_err(db(format!("reading {t}")))?;
    Ok(rows
        .iter()
        .map(|r| {
            let version: String = r.get(0);
            AppliedMigration {
                id: version.clone(),
                version,
                name: String::new(),
                script: None,
                checksum: Checksum::None,
                outcome: Outcome::Succeeded,
                applied_at: None,
                logs: None,
                repeatable: false,
            }
        })
        .collect())
}
