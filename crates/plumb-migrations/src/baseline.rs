//! Baselines: writing the live schema as the first migration of a directory, and recording it as applied.
//!
//! [`write_baseline`] writes files only (never overwriting one). [`mark_applied`] is **the only function in
//! this crate that writes to a database**.
//!
//! History-table DDL, as each tool creates it on PostgreSQL (read from the tools' code):
//!
//! * Prisma — prisma-engines `sql-schema-connector` (postgres flavour, `create_migrations_table`):
//!   `_prisma_migrations (id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL, finished_at
//!   TIMESTAMPTZ, migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ, started_at
//!   TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0)`.
//!   `migrate resolve --applied` (`mark_migration_applied_impl`) inserts `id` = a new UUID v4, `checksum`,
//!   `logs` = `''`, `started_at` = `finished_at` = now, `migration_name`; unfinished (failed) attempts of the
//!   same migration are first marked rolled back; a migration already recorded as finished is an error.
//! * sqlx — sqlx-core `postgres/migrate.rs` `ensure_migrations_table` (also its `sideeffects.md`):
//!   `_sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, installed_on TIMESTAMPTZ NOT
//!   NULL DEFAULT now(), success BOOLEAN NOT NULL, checksum BYTEA NOT NULL, execution_time BIGINT NOT NULL)`;
//!   `apply` inserts `(version, description, TRUE, checksum, execution_time)`.
//! * Flyway — `PostgreSQLDatabase.getRawCreateScript`: `flyway_schema_history ("installed_rank" INT NOT NULL,
//!   "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL, "type" VARCHAR(20) NOT NULL, "script"
//!   VARCHAR(1000) NOT NULL, "checksum" INTEGER, "installed_by" VARCHAR(100) NOT NULL, "installed_on" TIMESTAMP
//!   NOT NULL DEFAULT now(), "execution_time" INTEGER NOT NULL, "success" BOOLEAN NOT NULL)`, primary key
//!   `<table>_pk (installed_rank)`, index `<table>_s_idx (success)`. A row is recorded the way `migrate` records
//!   a successful SQL migration: next `installed_rank`, type `SQL`, script = file name, installed_by =
//!   `current_user`.
//! * golang-migrate — `database/postgres/postgres.go` `ensureVersionTable`: `schema_migrations (version bigint
//!   not null primary key, dirty boolean not null)`; `SetVersion` (as `migrate force V`) truncates the table
//!   and inserts `(V, false)`.
//! * dbmate — `pkg/driver/postgres/postgres.go` `CreateMigrationsTable`: `schema_migrations (version
//!   varchar(255) primary key)`; `InsertMigration` inserts the version.

use std::io::Write;
use std::path::{Path, PathBuf};

use tokio_postgres::Client;

use crate::history::{columns, find_table, is_golang_migrate, qualified};
use crate::layout::{read_dir, Layout, Migration};
use crate::Error;

fn bad(message: impl Into<String>) -> Error {
    Error::BadBaseline {
        message: message.into(),
    }
}

/// The path (relative to the migrations directory) and content of a baseline migration.
fn baseline_file(layout: Layout, name: &str, sql: &str, version: &str) -> (PathBuf, String) {
    let mut body = sql.to_string();
    if !body.is_empty() && !body.ends_with('\n') {
        body.push('\n');
    }
    match layout {
        Layout::Prisma => (
            Path::new(&format!("{version}_{name}")).join("migration.sql"),
            body,
        ),
        Layout::Sqlx => (PathBuf::from(format!("{version}_{name}.sql")), body),
        Layout::Flyway => (PathBuf::from(format!("V{version}__{name}.sql")), body),
        Layout::GolangMigrate => (PathBuf::from(format!("{version}_{name}.up.sql")), body),
        Layout::Dbmate => (
            PathBuf::from(format!("{version}_{name}.sql")),
            format!("-- migrate:up\n{body}\n-- migrate:down\n"),
        ),
    }
}

fn check_args(layout: Layout, name: &str, version: &str) -> Result<(), Error> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(bad(format!(
            "migration name {name:?}: use letters, digits, '_' and '-' only"
        )));
    }
    let ok = match layout {
        Layout::Flyway => {
            !version.is_empty()
                && version
                    .split(['.', '_'])
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        }
        Layout::Sqlx => {
            version.parse::<i64>().is_ok_and(|v| v >= 0)
                && version.bytes().all(|b| b.is_ascii_digit())
        }
        Layout::GolangMigrate => {
            version.parse::<u64>().is_ok() && version.bytes().all(|b| b.is_ascii_digit())
        }
        Layout::Prisma | Layout::Dbmate => {
            !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit())
        }
    };
    if !ok {
        return Err(bad(format!(
            "version {version:?} is not a valid {layout} version"
        )));
    }
    if layout == Layout::Flyway && name.contains("__") {
        return Err(bad(format!(
            "migration name {name:?}: Flyway names cannot contain '__'"
        )));
    }
    Ok(())
}

/// Write `sql` as a new migration of `layout` in `dir` (created if needed), named the way the tool expects:
/// Prisma `<version>_<name>/migration.sql` (plus `migration_lock.toml` when the directory has none), sqlx
/// `<version>_<name>.sql`, Flyway `V<version>__<name>.sql`, golang-migrate `<version>_<name>.up.sql`, dbmate
/// `<version>_<name>.sql` with `-- migrate:up` / `-- migrate:down` sections.
///
/// Never overwrites: an existing file, or an existing migration with the same version, is an error. Returns
/// the migration as [`read_dir`] reads it back (checksum included).
pub fn write_baseline(
    dir: &Path,
    layout: Layout,
    name: &str,
    sql: &str,
    version: &str,
) -> Result<Migration, Error> {
    check_args(layout, name, version)?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    if dir.exists() {
        let existing = read_dir(dir, Some(layout))?;
        let probe = crate::layout::canonical_id(layout, version);
        let id = if layout == Layout::Prisma {
            format!("{version}_{name}")
        } else {
            probe
        };
        if let Some(m) = existing
            .migrations
            .iter()
            .find(|m| !m.repeatable && m.id == id)
        {
            return Err(Error::Exists {
                path: m.path.clone(),
            });
        }
    } else {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let (rel, content) = baseline_file(layout, name, sql, version);
    let path = dir.join(&rel);
    if layout == Layout::Prisma {
        let sub = path.parent().unwrap_or(dir);
        if sub.exists() {
            return Err(Error::Exists {
                path: sub.to_path_buf(),
            });
        }
        std::fs::create_dir(sub).map_err(io(sub))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::Exists { path: path.clone() }
            } else {
                Error::Io {
                    path: path.clone(),
                    source: e,
                }
            }
        })?;
    file.write_all(content.as_bytes()).map_err(io(&path))?;
    file.sync_all().map_err(io(&path))?;
    drop(file);
    if layout == Layout::Prisma {
        let lock = dir.join("migration_lock.toml");
        if !lock.exists() {
            let text = "# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = \"postgresql\"\n";
            std::fs::write(&lock, text).map_err(io(&lock))?;
        }
    }
    let read = read_dir(dir, Some(layout))?;
    read.migrations
        .into_iter()
        .find(|m| m.path == path)
        .ok_or_else(|| Error::Unrecognized {
            path: path.clone(),
            layout,
        })
}

fn db(what: impl Into<String>) -> impl FnOnce(tokio_postgres::Error) -> Error {
    let what = what.into();
    move |source| Error::Db { what, source }
}

/// **WRITES TO THE DATABASE.** Record `m` as applied in `layout`'s history table, the way the tool records an
/// applied migration (Prisma: as `prisma migrate resolve --applied` does; golang-migrate: as `migrate force`
/// does), creating the table with the tool's own DDL when it does not exist (in the current schema, where the
/// tool would create it). The migration's SQL is NOT run. Everything happens in one transaction.
///
/// Errors when the migration is already recorded as applied, and for golang-migrate when the table already
/// holds a version (its single-version model cannot record a baseline below or beside another version) or is
/// dirty. This is the only function in this crate that writes to a database.
pub async fn mark_applied(client: &Client, layout: Layout, m: &Migration) -> Result<(), Error> {
    client
        .batch_execute("BEGIN")
        .await
        .map_err(db("starting a transaction"))?;
    match mark_in_tx(client, layout, m).await {
        Ok(()) => client
            .batch_execute("COMMIT")
            .await
            .map_err(db("committing")),
        Err(e) => {
            let _ = client.batch_execute("ROLLBACK").await;
            Err(e)
        }
    }
}

/// The history table through `search_path`, created with the tool's DDL when missing: its SQL name.
async fn ensure_table(client: &Client, layout: Layout) -> Result<String, Error> {
    let name = layout.history_table();
    if let Some((schema, table)) = find_table(client, name).await? {
        return Ok(qualified(&schema, &table));
    }
    let ddl = match layout {
        Layout::Prisma => "CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);"
        .to_string(),
        Layout::Sqlx => "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    success BOOLEAN NOT NULL,
    checksum BYTEA NOT NULL,
    execution_time BIGINT NOT NULL
);"
        .to_string(),
        Layout::Flyway => "CREATE TABLE \"flyway_schema_history\" (
    \"installed_rank\" INT NOT NULL,
    \"version\" VARCHAR(50),
    \"description\" VARCHAR(200) NOT NULL,
    \"type\" VARCHAR(20) NOT NULL,
    \"script\" VARCHAR(1000) NOT NULL,
    \"checksum\" INTEGER,
    \"installed_by\" VARCHAR(100) NOT NULL,
    \"installed_on\" TIMESTAMP NOT NULL DEFAULT now(),
    \"execution_time\" INTEGER NOT NULL,
    \"success\" BOOLEAN NOT NULL
);
ALTER TABLE \"flyway_schema_history\" ADD CONSTRAINT \"flyway_schema_history_pk\" PRIMARY KEY (\"installed_rank\");
CREATE INDEX \"flyway_schema_history_s_idx\" ON \"flyway_schema_history\" (\"success\");"
            .to_string(),
        Layout::GolangMigrate => {
            "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null)"
                .to_string()
        }
        Layout::Dbmate => "create table if not exists schema_migrations (version varchar(255) primary key)".to_string(),
    };
    client
        .batch_execute(&ddl)
        .await
        .map_err(db(format!("creating {name}")))?;
    let (schema, table) =
        find_table(client, name)
            .await?
            .ok_or_else(|| Error::UnexpectedTable {
                table: name.to_string(),
                message: "not visible after CREATE TABLE".into(),
            })?;
    Ok(qualified(&schema, &table))
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

async fn mark_in_tx(client: &Client, layout: Layout, m: &Migration) -> Result<(), Error> {
    let t = ensure_table(client, layout).await?;
    let already = || Error::AlreadyApplied {
        id: m.id.clone(),
        table: t.clone(),
    };
    match layout {
        Layout::Prisma => {
            let checksum = match &m.checksum {
                crate::Checksum::Sha256Hex(h) => h.clone(),
                other => {
                    return Err(bad(format!(
                        "{} has a {other} checksum, not a Prisma one",
                        m.path.display()
                    )))
                }
            };
            let sql = format!(
                "SELECT count(*) FILTER (WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL) FROM {t} \
                 WHERE migration_name = $1"
            );
            let row = client
                .query_one(sql.as_str(), &[&m.id])
                .await
                .map_err(db(format!("reading {t}")))?;
            let finished: i64 = row.get(0);
            if finished > 0 {
                return Err(already());
            }
            let sql = format!(
                "UPDATE {t} SET rolled_back_at = now() \
                 WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL"
            );
            client
                .execute(sql.as_str(), &[&m.id])
                .await
                .map_err(db(format!("updating {t}")))?;
            let version: i32 = client
                .query_one("SELECT current_setting('server_version_num')::int", &[])
                .await
                .map_err(db("reading the server version"))?
                .get(0);
            // A random (version 4) UUID, as Prisma's `Uuid::new_v4()`; gen_random_uuid() is built in from 13.
            let uuid = if version >= 130000 {
                "gen_random_uuid()::text"
            } else {
                "overlay(overlay(md5(random()::text || clock_timestamp()::text) placing '4' from 13) \
                 placing to_hex(8 + floor(random() * 4)::int) from 17)::uuid::text"
            };
            let sql = format!(
                "INSERT INTO {t} (id, checksum, logs, started_at, finished_at, migration_name) \
                 VALUES ({uuid}, $1, '', now(), now(), $2)"
            );
            client
                .execute(sql.as_str(), &[&checksum, &m.id])
                .await
                .map_err(db(format!("inserting into {t}")))?;
        }
        Layout::Sqlx => {
            let checksum = match &m.checksum {
                crate::Checksum::Sha384(b) => b.clone(),
                other => {
                    return Err(bad(format!(
                        "{} has a {other} checksum, not a sqlx one",
                        m.path.display()
                    )))
                }
            };
            let version: i64 =
                m.id.parse()
                    .map_err(|_| bad(format!("sqlx version {:?} is not an i64", m.version)))?;
            let sql = format!("SELECT 1 FROM {t} WHERE version = $1");
            if !client
                .query(sql.as_str(), &[&version])
                .await
                .map_err(db(format!("reading {t}")))?
                .is_empty()
            {
                return Err(already());
            }
            let sql = format!(
                "INSERT INTO {t} (version, description, success, checksum, execution_time) VALUES ($1, $2, TRUE, $3, 0)"
            );
            client
                .execute(sql.as_str(), &[&version, &m.description(layout), &checksum])
                .await
                .map_err(db(format!("inserting into {t}")))?;
        }
        Layout::Flyway => {
            let checksum = match &m.checksum {
                crate::Checksum::Crc32(c) => *c,
                other => {
                    return Err(bad(format!(
                        "{} has a {other} checksum, not a Flyway one",
                        m.path.display()
                    )))
                }
            };
            let version: Option<String> = (!m.repeatable).then(|| m.version.clone());
            let description = truncate(&m.description(layout), 200);
            let script = truncate(&m.file_name(), 1000);
            let rows = client
                .query(
                    format!("SELECT version::text, description::text, type::text FROM {t} WHERE success").as_str(),
                    &[],
                )
                .await
                .map_err(db(format!("reading {t}")))?;
            let applied = rows.iter().any(|r| {
                let v: Option<String> = r.get(0);
                let d: String = r.get(1);
                let k: String = r.get(2);
                k != "DELETE"
                    && !k.starts_with("UNDO")
                    && match (&version, v) {
                        (Some(mine), Some(theirs)) => {
                            crate::layout::cmp_flyway_versions(mine, &theirs)
                                == std::cmp::Ordering::Equal
                        }
                        (None, None) => d == description,
                        _ => false,
                    }
            });
            if applied {
                return Err(already());
            }
            let sql = format!(
                "INSERT INTO {t} (installed_rank, version, description, type, script, checksum, installed_by, \
                 execution_time, success) \
                 SELECT COALESCE(max(installed_rank), 0) + 1, $1, $2, 'SQL', $3, $4, current_user, 0, TRUE FROM {t}"
            );
            client
                .execute(sql.as_str(), &[&version, &description, &script, &checksum])
                .await
                .map_err(db(format!("inserting into {t}")))?;
        }
        Layout::GolangMigrate => {
            let cols = columns(client, &t).await?;
            if !is_golang_migrate(&cols) {
                return Err(Error::UnexpectedTable {
                    table: t.clone(),
                    message:
                        "not golang-migrate's (expected columns version bigint, dirty boolean)"
                            .into(),
                });
            }
            let version: i64 = m.id.parse().map_err(|_| {
                bad(format!(
                    "golang-migrate version {:?} does not fit a bigint",
                    m.version
                ))
            })?;
            let sql = format!("SELECT version::bigint, dirty FROM {t} LIMIT 1");
            if let Some(r) = client
                .query(sql.as_str(), &[])
                .await
                .map_err(db(format!("reading {t}")))?
                .first()
            {
                let current: i64 = r.get(0);
                let dirty: bool = r.get(1);
                if current >= 0 || dirty {
                    if current == version && !dirty {
                        return Err(already());
                    }
                    return Err(bad(format!(
                        "{t} already records version {current}{}: golang-migrate keeps one version only, so \
                         recording {version} would change what counts as applied; use `migrate force` deliberately",
                        if dirty { " (dirty)" } else { "" }
                    )));
                }
            }
            client
                .batch_execute(&format!("TRUNCATE {t}"))
                .await
                .map_err(db(format!("truncating {t}")))?;
            let sql = format!("INSERT INTO {t} (version, dirty) VALUES ($1, false)");
            client
                .execute(sql.as_str(), &[&version])
                .await
                .map_err(db(format!("inserting into {t}")))?;
        }
        Layout::Dbmate => {
            let cols = columns(client, &t).await?;
            if is_golang_migrate(&cols) {
                return Err(Error::UnexpectedTable {
                    table: t.clone(),
                    message: "is golang-migrate's (version bigint, dirty boolean), not dbmate's"
                        .into(),
                });
            }
            let sql = format!("SELECT 1 FROM {t} WHERE version::text = $1");
            if !client
                .query(sql.as_str(), &[&m.version])
                .await
                .map_err(db(format!("reading {t}")))?
                .is_empty()
            {
                return Err(already());
            }
            let sql = format!("INSERT INTO {t} (version) VALUES ($1)");
            client
                .execute(sql.as_str(), &[&m.version])
                .await
                .map_err(db(format!("inserting into {t}")))?;
        }
    }
    Ok(())
}
