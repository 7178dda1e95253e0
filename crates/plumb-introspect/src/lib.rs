//! Reads a live PostgreSQL catalog into plumb's schema model.
//!
//! [`introspect`] runs one read-only `REPEATABLE READ` transaction with `search_path` emptied (so every name in
//! server-generated text is schema-qualified, whatever the session's own path), and reads each object kind
//! with one set-based query: the number of queries does not depend on the size of the schema.
//!
//! Round trips are few and the queries pipelined (`reader/`, `read` and `Pipeline`): the transaction's start,
//! its settings, the relation count and the small lists the other queries need go out in one flight; then
//! every other query is sent at once (parse, bind and execute in one message: `query_typed`, no separate
//! prepare step) and each connection's rows are read off the socket as they come, while the rows are handled
//! kind by kind in a fixed order; the server never waits for this process. [`introspect_target`] opens its
//! own connections: from a few hundred relations two (see [`Connections`]), whose transactions share one
//! exported snapshot, and gives each a share of the object kinds: the table parts (constraints, indexes,
//! triggers, policies, whose deparsing makes the server open each table) on one, the rest on the other, so
//! the server works on several backends at once. The second connection is opened while the first one's
//! queries already run, and closed when its own are done; until the first one's snapshot comes it would be
//! idle, so it prepares its queries meanwhile (the server parses and analyses them then, off the read's
//! critical path), and the first flight sends what it waits for (the snapshot, the relation count, the schemas)
//! before what only this process needs.
//!
//! On a small schema most of the server's work is analysing and planning the queries in fresh backends, so
//! they are thin (schemas as oids and comments matched client-side, no joins for names; what is rare read
//! only when it is there: see `queries.rs`). On a large one, deparsing is most of it, so the queries avoid
//! what they can: a column default is deparsed
//! without its table (it cannot refer to a column, and opening the table costs more than deparsing); primary
//! keys, unique constraints and foreign keys are written client-side from their parts, as
//! `pg_get_constraintdef` writes them; and an index definition is written client-side from its parts when
//! `pg_get_indexdef` would write them the same way (key columns with their default operator class and
//! collation, at most one expression that is a function call, operator or `COALESCE`, a predicate):
//! `pg_get_indexdef` looks up each key column's default operator class with a catalog scan.
//! `tests/connections.rs` checks both kinds of definitions against the server's, character for character.
//! A column's type name is written client-side too, as `format_type` writes it, from a list of the database's
//! types read once (`typename.rs`; `tests/type_names.rs` checks it against the server).
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
//! Queries are written for PostgreSQL 12 to 18 (version-specific columns are chosen by `server_version_num`);
//! the tests run against PostgreSQL 15.
//!
//! System schemas and objects that belong to an extension are left out. Objects of a kind the model does not
//! hold (foreign tables, rules, event triggers, operators, casts, text search objects, publications,
//! statistics objects, ...) are listed in [`plumb_model::Database::unsupported`].

mod aggregate;
mod queries;
mod reader;
mod step;
mod typename;

use std::time::Duration;

use plumb_model::Database;

pub use step::Step;

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
        /// The query, by the kind of object it reads (`relations`, `columns`, ...), or the step (`begin
        /// transaction`).
        kind: Step,
        detail: String,
        #[source]
        source: tokio_postgres::Error,
    },
    /// A catalog value did not have the expected type.
    #[error("reading {kind} from the catalog: column {column} has an unexpected value: {source}")]
    Decode {
        kind: Step,
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
    /// The database could not be reached.
    #[error(transparent)]
    Connect(#[from] plumb_pg::Error),
    /// A catalog query's rows stopped before the end (the query failed; its own error is reported instead
    /// whenever it arrives first).
    #[error("reading {kind} from the catalog stopped before the last row")]
    Interrupted { kind: Step },
    /// No connection was given to read with.
    #[error("no connection to read the catalog with")]
    NoConnection,
    /// The server is older than the oldest version plumb reads.
    #[error(
        "PostgreSQL server_version_num {0} is not supported: plumb reads PostgreSQL 12 and later"
    )]
    ServerVersion(u32),
}

impl Error {
    pub(crate) fn query(kind: Step, source: tokio_postgres::Error) -> Error {
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
) -> Result<(Database, Vec<(Step, Duration)>), Error> {
    let read = finish(client, reader::read(client, None, opts).await).await?;
    Ok((read.db, read.timings))
}

pub(crate) const BEGIN: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

/// Commit the transaction after a successful read, roll it back after a failed one.
async fn finish<T>(client: &tokio_postgres::Client, outcome: Result<T, Error>) -> Result<T, Error> {
    match outcome {
        Ok(done) => {
            client
                .batch_execute("COMMIT")
                .await
                .map_err(|e| Error::query(Step::Commit, e))?;
            Ok(done)
        }
        Err(e) => {
            // The transaction only reads; whether the rollback succeeds or not changes nothing.
            let _ = client.batch_execute("ROLLBACK").await;
            Err(e)
        }
    }
}

/// The most connections a read uses: the object kinds are shared between at most this many.
pub const MAX_CONNECTIONS: usize = 4;

/// How many connections [`introspect_target_with`] reads with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Connections {
    /// At most this many (at least one; never more than [`MAX_CONNECTIONS`]).
    pub max: usize,
    /// One connection per this many tables, views and materialized views (1: a second one for any schema with
    /// a table or view; an empty one is read on one).
    pub relations_each: u64,
}

/// Two connections for any schema with a table or view. The second one is opened at the start, beside the first
/// (see [`introspect_target_with`]), and reads half the object kinds while the first reads the rest; on a small
/// schema most of the server's work is planning the catalog queries and filling a fresh backend's caches, which
/// two backends do at once. Medians of 11 reads on a 2-core machine (client and server on it): 10 generated
/// tables 32 ms on one, 25 ms on two; 100 tables 52 ms and 38 ms; Synapse's 134-table schema 40 ms and 31 ms;
/// an empty database 30 ms either way. At 10,000 tables two read in 1.26-1.37 s, three in 1.37-1.43 s, one in
/// 1.63-1.71 s (the table parts take about as long on the server as all the rest). A server with more free cores
/// may gain from three or four.
impl Default for Connections {
    fn default() -> Self {
        Connections {
            max: 2,
            relations_each: 1,
        }
    }
}

impl Connections {
    /// For a read that runs beside another one (`plumb diff` and `plumb check` read both sides at once): two
    /// reads already keep two backends busy, so a second connection each pays only from a larger schema on. At
    /// 100 tables and on Synapse's schema, `plumb diff` of two databases took 0.101 s and 0.083 s with two
    /// connections a side (the default), 0.088 s and 0.073 s with one; from 1,000 tables two a side are as fast
    /// or faster.
    pub fn beside_another() -> Connections {
        Connections {
            max: 2,
            relations_each: 500,
        }
    }

    /// Whether the second connection is opened at the start, beside the first: when any schema with a table
    /// gets one. Otherwise it is opened once the first knows the schema's size (and only when it is wanted).
    pub fn opens_early(&self) -> bool {
        self.max.clamp(1, MAX_CONNECTIONS) > 1 && self.relations_each <= 1
    }

    /// How many to open for a schema of `relations` tables, views and materialized views.
    pub fn for_relations(&self, relations: u64) -> usize {
        let wanted = relations / self.relations_each.max(1) + 1;
        usize::try_from(wanted)
            .unwrap_or(usize::MAX)
            .clamp(1, self.max.clamp(1, MAX_CONNECTIONS))
    }
}

/// How a read went: the time of each catalog query and how many connections read.
#[derive(Debug, Clone, Default)]
pub struct ReadStats {
    pub timings: Vec<(Step, Duration)>,
    pub connections: usize,
    /// How many catalog queries ran on statements a second connection prepared while it waited for the first
    /// one's snapshot (see [`introspect_target_with`]).
    pub prepared: usize,
}

/// Read the schema of `target`'s database over several connections that share one snapshot (one for a small
/// schema: see [`Connections`]): the first exports its snapshot (`pg_export_snapshot`), the others import it
/// (`SET TRANSACTION SNAPSHOT`), all in read-only `REPEATABLE READ` transactions, so the model is as consistent
/// as with one connection, while the server deparses on several backends at once.
pub async fn introspect_target(
    target: &plumb_pg::Target,
    opts: &Options,
) -> Result<Database, Error> {
    introspect_target_with(target, opts, Connections::default())
        .await
        .map(|(db, _)| db)
}

/// [`introspect_target`] with a choice of how many connections, also returning how the read went. A
/// connection beyond the first that cannot be opened, or cannot import the snapshot (a server near
/// `max_connections`, a pooler that does not keep sessions), is done without: its queries run on the first.
/// When the snapshot cannot be exported, the read is done again on one connection.
pub async fn introspect_target_with(
    target: &plumb_pg::Target,
    opts: &Options,
    connections: Connections,
) -> Result<(Database, ReadStats), Error> {
    // The second connection is opened at once, beside the first: on a small schema the whole read takes a few
    // times what opening a connection does, so opening it only once the first one knows the schema's size
    // would leave it little to do. When the schema turns out too small for it, it is closed unused.
    let early = connections.opens_early().then(|| {
        let target = target.clone();
        tokio::spawn(async move { target.connect().await })
    });
    let main = target.connect().await?;
    let more = reader::MoreConnections {
        target,
        plan: connections,
        early: std::cell::Cell::new(early),
    };
    let read = match reader::read(&main, Some(more), opts).await {
        Err(Error::Query {
            kind: Step::SnapshotExport,
            ..
        }) => {
            let _ = main.batch_execute("ROLLBACK").await;
            reader::read(&main, None, opts).await
        }
        other => other,
    };
    // The connections are this read's own: closing them ends their read-only transactions (the second one is
    // closed the same way when its queries are done), and a COMMIT would only add a round trip to the read.
    let read = read?;
    drop(main);
    // A dropped client's connection says goodbye the next time its task runs. On a runtime of one thread that
    // would be when the caller next waits, often only once the model is compared and written: the backends
    // would then end (a few milliseconds of the server's work each) while this process finishes, on the same
    // cores. One turn of the scheduler sends it now, so they end while the model is worked on.
    tokio::task::yield_now().await;
    Ok((
        read.db,
        ReadStats {
            timings: read.timings,
            connections: read.connections,
            prepared: read.prepared,
        },
    ))
}

/// The catalog queries run for a server of that `server_version_num`, by name, for profiling. `$1` is the
/// array of oids of the schemas read; the `unsupported objects` query also takes `$2`, a boolean.
#[doc(hidden)]
pub fn catalog_queries(server_version: u32) -> Vec<(Step, String)> {
    queries::all(server_version)
}

/// ` WITH (name='value', ...)` of storage parameters (`reloptions` entries `name=value`), as
/// `pg_get_indexdef` writes them.
pub(crate) fn reloptions_clause(options: &[String]) -> String {
    let parts: Vec<String> = options
        .iter()
        .map(|o| match o.split_once('=') {
            Some((k, v)) => format!("{k}={}", plumb_model::quote_literal(v)),
            None => format!("{o}=''"),
        })
        .collect();
    format!(" WITH ({})", parts.join(", "))
}
