//! The catalog queries of the second flight and how they are spread over connections, sent and handed over
//! row by row.

use super::*;
use tokio_postgres::Statement;

/// Parameters a catalog query takes: `$1` the oids of the schemas read, `$2` whether the whole database is
/// read (no schema filter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Params {
    None,
    Schemas,
    SchemasAndWhole,
}

/// A catalog query of the pipeline: what it reads, its text and its parameters.
pub(super) struct Job {
    pub(super) kind: Step,
    pub(super) sql: String,
    pub(super) params: Params,
}

/// What a query's rows arrive as: each row, then `Done` when the last one has come.
pub(super) enum Msg {
    Row(Row),
    Done,
}

/// The queries that read the parts of tables (constraints, indexes, triggers, policies). Deparsing a CHECK
/// constraint, an index predicate or a trigger's WHEN clause makes the server open the table (build its
/// relation cache entry): these queries run on one connection, so each table is opened by one backend only.
pub(super) const TABLE_PARTS: [Step; 4] = [
    Step::Constraints,
    Step::Indexes,
    Step::Triggers,
    Step::Policies,
];

/// The connection (of `n`) a query runs on. On one connection, all. On two, the table parts, the dependencies
/// and the unsupported objects on one and the rest on the other (at 1,000 generated tables the table parts
/// alone were done at about 110 ms and the rest at 195 ms; moved, both are done at about 165 ms), and with
/// them the small queries whose cost is mostly planning (aggregates, default privileges, event triggers, and
/// the privileges and rules): the other connection starts later (it opens and imports the snapshot first), and
/// on Synapse's schema it still ended 6-9 ms after this one before the privileges and rules moved too (`plumb
/// dump` 3% faster there, medians of 81 runs alternated; the same at 100 and 1,000 generated tables); on three,
/// the columns get their own; on four, the relations (view definitions) and rules too.
pub(super) fn connection_for(kind: Step, n: usize) -> usize {
    if n < 2 {
        return 0;
    }
    // The schema names, comments and type names are handled first: on the connection that starts first.
    if TABLE_PARTS.contains(&kind)
        || matches!(
            kind,
            Step::Namespaces | Step::Descriptions | Step::TypeNames
        )
    {
        return 0;
    }
    match kind {
        Step::Dependencies
        | Step::UnsupportedObjects
        | Step::DefaultPrivileges
        | Step::EventTriggers
        | Step::Privileges
        | Step::Rules
            if n == 2 =>
        {
            0
        }
        Step::Columns if n >= 3 => 2,
        Step::Relations | Step::Rules if n >= 4 => 3,
        _ => 1,
    }
}

/// The catalog queries read after the schemas, in the order their rows are handled.
pub(super) fn jobs(version: u32) -> Vec<Job> {
    use Params::{None as NoParams, Schemas, SchemasAndWhole};
    let job = |kind, sql: String, params| Job { kind, sql, params };
    vec![
        job(Step::Namespaces, queries::NAMESPACES.to_string(), NoParams),
        job(
            Step::Descriptions,
            queries::DESCRIPTIONS.to_string(),
            NoParams,
        ),
        job(Step::TypeNames, queries::type_names(version), NoParams),
        job(Step::Extensions, queries::EXTENSIONS.to_string(), NoParams),
        job(Step::Collations, queries::collations(version), Schemas),
        job(Step::Types, queries::TYPES.to_string(), Schemas),
        job(
            Step::DomainConstraints,
            queries::DOMAIN_CONSTRAINTS.to_string(),
            Schemas,
        ),
        job(Step::Sequences, queries::sequences(), Schemas),
        job(Step::Relations, queries::relations(), Schemas),
        job(Step::Inheritance, queries::INHERITS.to_string(), Schemas),
        job(Step::Columns, queries::columns(version), Schemas),
        job(Step::Constraints, queries::constraints(version), Schemas),
        job(Step::Indexes, queries::indexes(version), Schemas),
        job(Step::Functions, queries::functions(version), Schemas),
        job(Step::Triggers, queries::triggers(version), Schemas),
        job(Step::Policies, queries::POLICIES.to_string(), Schemas),
        job(Step::Rules, queries::rules(), Schemas),
        job(Step::Privileges, queries::GRANTS.to_string(), Schemas),
        job(
            Step::DefaultPrivileges,
            queries::DEFAULT_PRIVILEGES.to_string(),
            SchemasAndWhole,
        ),
        job(
            Step::EventTriggers,
            queries::event_triggers(),
            SchemasAndWhole,
        ),
        job(
            Step::Dependencies,
            queries::DEPENDENCIES.to_string(),
            NoParams,
        ),
        job(
            Step::UnsupportedObjects,
            queries::unsupported_probe(),
            SchemasAndWhole,
        ),
    ]
}

/// Runs the catalog queries of [`jobs`] pipelined: every query is sent at once, each to its connection
/// ([`connection_for`]), and each connection's rows are read off the socket as soon as they come, so the
/// server never waits for this process and several backends work at once. Rows are handed over, kind by kind
/// in the order of [`jobs`], through [`Pipeline::rows`]; rows of a kind not yet being handled wait in memory.
pub(super) struct Pipeline {
    pub(super) receivers: BTreeMap<Step, UnboundedReceiver<Msg>>,
}

/// Per connection, its jobs with the sender of each one's rows.
pub(super) type Queues = Vec<Vec<(Job, UnboundedSender<Msg>)>>;

impl Pipeline {
    /// The jobs over `connections`; those of the kinds in `absent` are not sent (their rows are none).
    pub(super) fn new(jobs: Vec<Job>, connections: usize, absent: &[Step]) -> (Pipeline, Queues) {
        let mut queues: Queues = (0..connections.max(1)).map(|_| Vec::new()).collect();
        let mut receivers = BTreeMap::new();
        for job in jobs {
            let (tx, rx) = unbounded_channel();
            receivers.insert(job.kind, rx);
            if absent.contains(&job.kind) {
                let _ = tx.send(Msg::Done);
                continue;
            }
            let conn = connection_for(job.kind, queues.len()).min(queues.len() - 1);
            queues[conn].push((job, tx));
        }
        (Pipeline { receivers }, queues)
    }

    /// Hand every row of `kind` to `handle`, in order.
    pub(super) async fn rows<F>(&mut self, kind: Step, mut handle: F) -> Result<(), Error>
    where
        F: FnMut(&Row) -> Result<(), Error>,
    {
        let mut rx = self
            .receivers
            .remove(&kind)
            .ok_or(Error::Interrupted { kind })?;
        loop {
            match rx.recv().await {
                Some(Msg::Row(row)) => handle(&row)?,
                Some(Msg::Done) => return Ok(()),
                // The query failed: its error is what the read returns.
                None => return Err(Error::Interrupted { kind }),
            }
        }
    }
}

/// A catalog query prepared ahead on a connection ([`prepare_ahead`]): its kind, its text and the statement.
pub(super) type Prepared = (Step, String, Statement);

/// The types of a job's parameters.
fn param_types(params: Params) -> &'static [PgType] {
    match params {
        Params::None => &[],
        Params::Schemas => &[PgType::OID_ARRAY],
        Params::SchemasAndWhole => &[PgType::OID_ARRAY, PgType::BOOL],
    }
}

/// Prepare, on a second connection that waits for the first one's snapshot, the queries it will run on a read
/// over two connections ([`connection_for`]), so that the server parses and analyses them while that connection
/// would otherwise be idle: on Synapse's schema that is about 3 ms of a fresh backend's work, which was on the
/// read's critical path (the second connection starts its queries last). A statement must be prepared outside
/// the transaction (parsing a query in it would take its snapshot before `SET TRANSACTION SNAPSHOT`), so this
/// runs before [`import`]. The session's `search_path` is emptied first, as the transaction's is: the server
/// analyses a prepared statement again when it runs under another `search_path` than it was prepared with,
/// which would undo the saving (and names, and casts such as `'pg_class'::regclass` resolved while parsing,
/// mean the catalog's from the start). Returns the statements and the backend's process id; nothing when any
/// of it fails (the queries are then sent as they are).
pub(super) async fn prepare_ahead(client: &Client) -> (Vec<Prepared>, Option<i32>) {
    const SESSION: &str = "SELECT pg_catalog.set_config('search_path', '', false), \
        pg_catalog.current_setting('server_version_num')::int4 AS version, \
        pg_catalog.pg_backend_pid() AS pid";
    let Ok(row) = client.query_typed_one(SESSION, &[]).await else {
        return (Vec::new(), None);
    };
    let (Ok(version), Ok(pid)) = (
        row.try_get::<_, i32>("version"),
        row.try_get::<_, i32>("pid"),
    ) else {
        return (Vec::new(), None);
    };
    let Some(version) = u32::try_from(version)
        .ok()
        .filter(|v| *v >= MIN_SERVER_VERSION)
    else {
        return (Vec::new(), None);
    };
    let mine = jobs(version)
        .into_iter()
        .filter(|job| connection_for(job.kind, 2) == 1);
    let prepared = try_join_all(mine.map(|job| async move {
        let statement = client
            .prepare_typed(&job.sql, param_types(job.params))
            .await?;
        Ok::<_, tokio_postgres::Error>((job.kind, job.sql, statement))
    }))
    .await;
    match prepared {
        Ok(prepared) => (prepared, Some(pid)),
        Err(_) => (Vec::new(), None),
    }
}

/// Begin a connection's transaction in the first one's snapshot ([`import_statement`]); returns the process id of
/// the backend the transaction runs on, or nothing when the import failed.
pub(super) async fn import(client: &Client, snapshot: &str) -> Option<Option<i32>> {
    let sql = format!(
        "{}; SELECT pg_catalog.pg_backend_pid()",
        import_statement(snapshot)
    );
    let messages = client.simple_query(&sql).await.ok()?;
    let pid = messages.iter().rev().find_map(|m| match m {
        tokio_postgres::SimpleQueryMessage::Row(row) => row.get(0)?.parse::<i32>().ok(),
        _ => None,
    });
    Some(pid)
}

/// Send one connection's queries (all at once: the connection pipelines them) and read their rows as they
/// come; a query found in `prepared` (same kind, same text) is bound to that statement instead of being sent
/// whole. Records when each query's last row arrived, from `start`; returns how many queries were bound to a
/// prepared statement.
pub(super) async fn produce(
    client: &Client,
    queue: Vec<(Job, UnboundedSender<Msg>)>,
    prepared: &[Prepared],
    schemas: &[u32],
    whole: bool,
    start: Instant,
    finished: &RefCell<Vec<(Step, Duration)>>,
) -> Result<usize, Error> {
    try_join_all(queue.into_iter().map(|(job, tx)| async move {
        let mut params: Vec<(&(dyn ToSql + Sync), PgType)> = Vec::with_capacity(2);
        if job.params != Params::None {
            params.push((&schemas, PgType::OID_ARRAY));
        }
        if job.params == Params::SchemasAndWhole {
            params.push((&whole, PgType::BOOL));
        }
        let statement = prepared
            .iter()
            .find(|(kind, sql, _)| *kind == job.kind && *sql == job.sql)
            .map(|(_, _, statement)| statement);
        let stream = match statement {
            Some(statement) => {
                client
                    .query_raw(statement, params.into_iter().map(|(p, _)| p))
                    .await
            }
            // Parse, bind and execute in one message: no round trip to prepare the statement first.
            None => client.query_typed_raw(job.sql.as_str(), params).await,
        }
        .map_err(|e| Error::query(job.kind, e))?;
        let mut stream = std::pin::pin!(stream);
        while let Some(row) = stream
            .try_next()
            .await
            .map_err(|e| Error::query(job.kind, e))?
        {
            // A closed receiver means the handling failed: its error is what the read returns.
            let _ = tx.send(Msg::Row(row));
        }
        let _ = tx.send(Msg::Done);
        finished.borrow_mut().push((job.kind, start.elapsed()));
        Ok::<bool, Error>(statement.is_some())
    }))
    .await
    .map(|bound| bound.into_iter().filter(|b| *b).count())
}
