//! Reads a live PostgreSQL catalog into plumb's schema model.
//!
//! [`introspect`] runs one read-only `REPEATABLE READ` transaction with `search_path` emptied (so every name in
//! server-generated text is schema-qualified, whatever the session's own path), and reads each object kind
//! with one set-based query: the number of queries does not depend on the size of the schema.
//!
//! What is read:
//! - schemas, extensions (with version), collations, enums, domains (with CHECK constraints), composite and
//!   range types, standalone sequences (with `OWNED BY`);
//! - tables (persistence, partition key and bounds, inheritance parents in order, typed tables, storage
//!   parameters, row-level security and policies), their columns (type, collation when it differs from the
//!   type's, NOT NULL, default, identity with its sequence options, generated expression, column grants),
//!   constraints, indexes (tied to the constraint they implement and to the parent index they are attached
//!   to) and triggers (internal ones, such as foreign-key triggers, and clones on partitions excluded);
//! - views and materialized views (definition, columns, options, indexes, triggers);
//! - functions, procedures, window functions and aggregates (a `CREATE AGGREGATE` statement is built);
//! - comments, owners and grants of all of them (`grants: None` when the ACL is NULL);
//! - dependencies between them (pg_depend), translated into [`plumb_model::ObjectRef`] edges.
//!
//! Queries are written for PostgreSQL 12 to 17 (version-specific columns are chosen by `server_version_num`);
//! the tests run against PostgreSQL 15.
//!
//! System schemas and objects that belong to an extension are left out. Objects of a kind the model does not
//! hold (foreign tables, rules, event triggers, operators, casts, text search objects, publications,
//! statistics objects, ...) are listed in [`plumb_model::Database::unsupported`].

mod aggregate;
mod queries;
mod reader;

use std::time::Duration;

use plumb_model::Database;

/// Which schemas to read.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only these schemas; empty means every user schema.
    pub include_schemas: Vec<String>,
    /// Never these schemas.
    pub exclude_schemas: Vec<String>,
}

impl Options {
    /// True when a schema of that name is to be read.
    pub fn selects(&self, schema: &str) -> bool {
        (self.include_schemas.is_empty() || self.include_schemas.iter().any(|s| s == schema))
            && !self.exclude_schemas.iter().any(|s| s == schema)
    }
}

/// What can go wrong reading a catalog.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server refused a catalog query.
    #[error("reading {kind} from the catalog failed: {detail}")]
    Query {
        /// Object kind the query reads (`tables`, `columns`, ...) or the step (`begin transaction`).
        kind: &'static str,
        detail: String,
        #[source]
        source: tokio_postgres::Error,
    },
    /// A catalog value did not have the expected type.
    #[error("reading {kind} from the catalog: column {column} has an unexpected value: {source}")]
    Decode {
        kind: &'static str,
        column: String,
        #[source]
        source: tokio_postgres::Error,
    },
    /// The catalog holds something the introspector does not understand.
    #[error("{kind} {name}: {reason}")]
    Catalog {
        kind: &'static str,
        name: String,
        reason: String,
    },
    /// The server is older than the oldest version plumb reads.
    #[error(
        "PostgreSQL server_version_num {0} is not supported: plumb reads PostgreSQL 12 and later"
    )]
    ServerVersion(u32),
}

impl Error {
    pub(crate) fn query(kind: &'static str, source: tokio_postgres::Error) -> Error {
        let detail = match source.as_db_error() {
            Some(db) => {
                let mut d = format!("{}: {}", db.severity(), db.message());
                if let Some(detail) = db.detail() {
                    d.push_str(&format!(" ({detail})"));
                }
                d
            }
            None => source.to_string(),
        };
        Error::Query {
            kind,
            detail,
            source,
        }
    }
}

/// Oldest `server_version_num` the queries are written for.
pub const MIN_SERVER_VERSION: u32 = 120000;

/// Read the schema of the database `client` is connected to.
///
/// Runs in its own read-only `REPEATABLE READ` transaction (the client must not be inside a transaction);
/// settings are changed only for that transaction, so the session is left as it was.
pub async fn introspect(
    client: &tokio_postgres::Client,
    opts: &Options,
) -> Result<Database, Error> {
    introspect_timed(client, opts).await.map(|(db, _)| db)
}

/// [`introspect`], also returning how long each catalog query took (query name, duration), in order.
pub async fn introspect_timed(
    client: &tokio_postgres::Client,
    opts: &Options,
) -> Result<(Database, Vec<(&'static str, Duration)>), Error> {
    client
        .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .await
        .map_err(|e| Error::query("begin transaction", e))?;
    match reader::read(client, opts).await {
        Ok(done) => {
            client
                .batch_execute("COMMIT")
                .await
                .map_err(|e| Error::query("commit", e))?;
            Ok(done)
        }
        Err(e) => {
            // The transaction only read; whether the rollback succeeds or not changes nothing.
            let _ = client.batch_execute("ROLLBACK").await;
            Err(e)
        }
    }
}

/// The catalog queries run for a server of that `server_version_num`, by name, for profiling. `$1` is the
/// array of oids of the schemas read; the `unsupported objects` query also takes `$2`, a boolean.
#[doc(hidden)]
pub fn catalog_queries(server_version: u32) -> Vec<(&'static str, String)> {
    queries::all(server_version)
}
