//! Migration directories and migration-history tables of Prisma, sqlx, Flyway, golang-migrate and dbmate.
//!
//! * [`detect`] / [`read_dir`]: a migrations directory, read in the order its tool applies it
//!   (see [`layout`] for the file patterns of each layout).
//! * [`Checksum`]: the checksum each tool computes and stores, computed the same way (see [`checksum`]).
//! * [`read_history`] / [`detect_history`]: the tool's history table (read only).
//! * [`status`]: directory against history: applied, pending, missing, modified, failed, rolled back.
//! * [`write_baseline`]: a new first migration file; [`mark_applied`]: **the only function here that writes to
//!   a database** — it records a migration as applied the way the tool does.

pub mod baseline;
pub mod checksum;
pub mod history;
pub mod layout;
pub mod status;

use std::path::PathBuf;

pub use baseline::{mark_applied, write_baseline};
pub use checksum::Checksum;
pub use history::{
    detect_history, detect_history_all, read_history, read_history_in, AppliedMigration, History,
    Outcome,
};
pub use layout::{
    cmp_flyway_versions, detect, detect_all, read_dir, Layout, Migration, MigrationDir,
};
pub use status::{status, State, Status, StatusEntry, Summary, STATUS_JSON_VERSION};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "unknown migration layout {0:?} (expected prisma, sqlx, flyway, golang-migrate or dbmate)"
    )]
    UnknownLayout(String),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: not valid UTF-8", path.display())]
    NotUtf8 { path: PathBuf },
    #[error("{}: not a migrations directory (no Prisma, sqlx, Flyway, golang-migrate or dbmate migration files)", path.display())]
    NotMigrations { path: PathBuf },
    #[error("{}: matches no {layout} migration pattern (expected {})", path.display(), layout.pattern())]
    Unrecognized { path: PathBuf, layout: Layout },
    #[error("duplicate migration version {version}: {} and {}", first.display(), second.display())]
    DuplicateVersion {
        version: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("{}: {message}", path.display())]
    Dbmate { path: PathBuf, message: String },
    #[error("{what}: {}", db_message(source))]
    Db {
        what: String,
        #[source]
        source: tokio_postgres::Error,
    },
    #[error("history table {table} {message}")]
    UnexpectedTable { table: String, message: String },
    #[error("migration {id} is already recorded as applied in {table}")]
    AlreadyApplied { id: String, table: String },
    #[error("{} already exists; plumb never overwrites a migration", path.display())]
    Exists { path: PathBuf },
    #[error("baseline: {message}")]
    BadBaseline { message: String },
}

/// The server's message for a database error (tokio-postgres displays only "db error").
fn db_message(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut text = format!("{}: {}", db.severity(), db.message());
            if let Some(detail) = db.detail() {
                text.push_str(&format!(" ({detail})"));
            }
            text
        }
        None => e.to_string(),
    }
}
