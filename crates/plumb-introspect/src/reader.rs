//! Runs the catalog queries and turns their rows into the model, translating oids into model names.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use futures_util::future::try_join_all;
use futures_util::TryStreamExt;
use plumb_model::{
    function_cost, function_rows, quote_ident, AclKind, Collation, Column, ColumnRef, Common,
    Constraint, ConstraintKind, Database, DefaultPrivileges, Dependency, DomainConstraint,
    EventTrigger, Extension, Function, FunctionId, FunctionKind, Grant, Identity, Index, Namespace,
    NotNullConstraint, ObjectRef, Parallel, PartitionOf, Persistence, Policy, PolicyCommand,
    QualName, ReplicaIdentity, Sequence, SequenceOptions, Storage, Table, Trigger, TriggerEnabled,
    Type, TypeKind, Unsupported, View, ViewColumn, ViewKind,
};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio_postgres::types::{FromSql, ToSql, Type as PgType};
use tokio_postgres::{Client, Row};

use crate::aggregate::{create_statement, AggregateRow};
use crate::{queries, Error, Options, Step, MIN_SERVER_VERSION};

/// Objects whose definition is read from the server after their rows, when it could not be written
/// client-side.
#[derive(Debug, Clone, Copy)]
enum Late {
    Constraint,
    Index,
}

impl Late {
    fn query(self) -> &'static str {
        match self {
            Late::Constraint => queries::CONSTRAINT_DEFINITIONS,
            Late::Index => queries::INDEX_DEFINITIONS,
        }
    }

    /// The step, as timings and errors name it.
    fn step(self) -> Step {
        match self {
            Late::Constraint => Step::ConstraintDefinitions,
            Late::Index => Step::IndexDefinitions,
        }
    }

    fn kind(self) -> &'static str {
        match self {
            Late::Constraint => "constraint",
            Late::Index => "index",
        }
    }

    fn function(self) -> &'static str {
        match self {
            Late::Constraint => "pg_get_constraintdef",
            Late::Index => "pg_get_indexdef",
        }
    }
}

/// One row of a query, with the kind of object it describes for error messages.
struct Rec<'a> {
    row: &'a Row,
    kind: Step,
}

impl<'a> Rec<'a> {
    fn get<T: FromSql<'a>>(&self, column: &str) -> Result<T, Error> {
        self.row.try_get(column).map_err(|source| Error::Decode {
            kind: self.kind,
            column: column.to_string(),
            source,
        })
    }

    /// A qualified name from two columns, when both are set.
    fn qual(&self, schema: &str, name: &str) -> Result<Option<QualName>, Error> {
        Ok(
            match (
                self.get::<Option<String>>(schema)?,
                self.get::<Option<String>>(name)?,
            ) {
                (Some(s), Some(n)) => Some(QualName::new(s, n)),
                _ => None,
            },
        )
    }
}

/// Parameters a catalog query takes: `$1` the oids of the schemas read, `$2` whether the whole database is
/// read (no schema filter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Params {
    None,
    Schemas,
    SchemasAndWhole,
}

/// A catalog query of the pipeline: what it reads, its text and its parameters.
struct Job {
    kind: Step,
    sql: String,
    params: Params,
}

/// What a query's rows arrive as: each row, then `Done` when the last one has come.
enum Msg {
    Row(Row),
    Done,
}

/// The queries that read the parts of tables (constraints, indexes, triggers, policies). Deparsing a CHECK
/// constraint, an index predicate or a trigger's WHEN clause makes the server open the table (build its
/// relation cache entry): these queries run on one connection, so each table is opened by one backend only.
const TABLE_PARTS: [Step; 4] = [
    Step::Constraints,
    Step::Indexes,
    Step::Triggers,
    Step::Policies,
];

/// The connection (of `n`) a query runs on. On one connection, all. On two, the table parts, the dependencies
/// and the unsupported objects on one and the rest on the other (at 1,000 generated tables the table parts
/// alone were done at about 110 ms and the rest at 195 ms; moved, both are done at about 165 ms); on three,
/// the columns get their own; on four, the relations (view definitions) and rules too.
fn connection_for(kind: Step, n: usize) -> usize {
    if n < 2 {
        return 0;
    }
    // The type names are handled first: on the connection that starts first.
    if TABLE_PARTS.contains(&kind) || kind == Step::TypeNames {
        return 0;
    }
    match kind {
        Step::Dependencies | Step::UnsupportedObjects if n == 2 => 0,
        Step::Columns if n >= 3 => 2,
        Step::Relations | Step::Rules if n >= 4 => 3,
        _ => 1,
    }
}

/// The catalog queries read after the schemas, in the order their rows are handled.
fn jobs(version: u32) -> Vec<Job> {
    use Params::{None as NoParams, Schemas, SchemasAndWhole};
    let job = |kind, sql: String, params| Job { kind, sql, params };
    vec![
        job(Step::TypeNames, queries::type_names(version), NoParams),
        job(Step::Extensions, queries::EXTENSIONS.to_string(), NoParams),
        job(Step::Collations, queries::collations(version), Schemas),
        job(Step::Types, queries::types(version), Schemas),
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
        job(Step::Aggregates, queries::AGGREGATES.to_string(), Schemas),
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
            queries::unsupported(),
            SchemasAndWhole,
        ),
    ]
}

/// Runs the catalog queries of [`jobs`] pipelined: every query is sent at once, each to its connection
/// ([`connection_for`]), and each connection's rows are read off the socket as soon as they come, so the
/// server never waits for this process and several backends work at once. Rows are handed over, kind by kind
/// in the order of [`jobs`], through [`Pipeline::rows`]; rows of a kind not yet being handled wait in memory.
struct Pipeline {
    receivers: BTreeMap<Step, UnboundedReceiver<Msg>>,
}

/// Per connection, its jobs with the sender of each one's rows.
type Queues = Vec<Vec<(Job, UnboundedSender<Msg>)>>;

impl Pipeline {
    fn new(jobs: Vec<Job>, connections: usize) -> (Pipeline, Queues) {
        let mut queues: Queues = (0..connections.max(1)).map(|_| Vec::new()).collect();
        let mut receivers = BTreeMap::new();
        for job in jobs {
            let (tx, rx) = unbounded_channel();
            receivers.insert(job.kind, rx);
            let conn = connection_for(job.kind, queues.len()).min(queues.len() - 1);
            queues[conn].push((job, tx));
        }
        (Pipeline { receivers }, queues)
    }

    /// Hand every row of `kind` to `handle`, in order.
    async fn rows<F>(&mut self, kind: Step, mut handle: F) -> Result<(), Error>
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

/// Send one connection's queries (all at once: the connection pipelines them) and read their rows as they
/// come. Records when each query's last row arrived, from `start`.
async fn produce(
    client: &Client,
    queue: Vec<(Job, UnboundedSender<Msg>)>,
    schemas: &[u32],
    whole: bool,
    start: Instant,
    finished: &RefCell<Vec<(Step, Duration)>>,
) -> Result<(), Error> {
    try_join_all(queue.into_iter().map(|(job, tx)| async move {
        let mut params: Vec<(&(dyn ToSql + Sync), PgType)> = Vec::with_capacity(2);
        if job.params != Params::None {
            params.push((&schemas, PgType::OID_ARRAY));
        }
        if job.params == Params::SchemasAndWhole {
            params.push((&whole, PgType::BOOL));
        }
        // Parse, bind and execute in one message: no round trip to prepare the statement first.
        let stream = client
            .query_typed_raw(job.sql.as_str(), params)
            .await
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
        Ok::<(), Error>(())
    }))
    .await
    .map(|_| ())
}

/// What `pg_get_indexdef` needs of an index's one expression: its type and collation (compared with the index
/// column's operator class and collation) and how it is written: bare (`call`: a function call, including
/// SQL-syntax calls such as `EXTRACT`, and `COALESCE`) or in parentheses (operators, casts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ExpressionShape {
    type_oid: u32,
    collation: u32,
    call: bool,
}

/// The shape of the top node of a node tree (`pg_node_tree` as text, one expression in a list: `({FUNCEXPR
/// :funcid 870 :funcresulttype 25 ...} )`) when it is a function call, `COALESCE` or an operator; `None` for
/// any other node, whose index definition is then read from the server. A field's first occurrence is the
/// top node's: these fields come before the node's arguments.
fn expression_shape(tree: &str) -> Option<ExpressionShape> {
    let field = |name: &str| -> Option<&str> {
        let key = format!(":{name} ");
        let at = tree.find(&key)? + key.len();
        tree[at..].split(' ').next()
    };
    let oid = |name: &str| field(name)?.parse::<u32>().ok();
    if tree.starts_with("({FUNCEXPR ") {
        Some(ExpressionShape {
            type_oid: oid("funcresulttype")?,
            collation: oid("funccollid")?,
            // COERCE_EXPLICIT_CALL (0) and COERCE_SQL_SYNTAX (3) are written as calls; casts in parentheses.
            call: matches!(field("funcformat"), Some("0" | "3")),
        })
    } else if tree.starts_with("({COALESCEEXPR ") {
        Some(ExpressionShape {
            type_oid: oid("coalescetype")?,
            collation: oid("coalescecollid")?,
            call: true,
        })
    } else if tree.starts_with("({OPEXPR ") {
        Some(ExpressionShape {
            type_oid: oid("opresulttype")?,
            collation: oid("opcollid")?,
            call: false,
        })
    } else {
        None
    }
}

/// The catalogs' own oids, to read pg_depend.
struct Catalogs {
    class: u32,
    type_: u32,
    proc_: u32,
    attrdef: u32,
    constraint: u32,
    trigger: u32,
    rewrite: u32,
    policy: u32,
    namespace: u32,
    extension: u32,
    collation: u32,
}

/// What a pg_class oid is in the model.
#[derive(Debug, Clone)]
enum Rel {
    Table(QualName),
    View(QualName),
    /// The relation behind a stand-alone composite type.
    Composite(QualName),
    Sequence(QualName),
    /// An index of that table or materialized view (oid).
    Index(u32),
    /// Not modelled (foreign table): dependencies on it are dropped.
    Other,
}

/// A column of a table or view, by (table oid, attnum).
#[derive(Debug, Clone)]
struct ColInfo {
    name: String,
    /// Position in `Table::columns` / `View::columns`.
    pos: usize,
    type_oid: u32,
    collation: u32,
}

/// The object a pg_constraint row belongs to.
#[derive(Debug, Clone, Copy)]
enum ConOwner {
    Relation(u32),
    Type(u32),
}

#[derive(Default)]
struct Maps {
    schemas: BTreeMap<u32, String>,
    extensions: BTreeMap<u32, String>,
    collations: BTreeMap<u32, QualName>,
    /// Type oids (model types, their array types, relation row types and their arrays) to what they are.
    types: BTreeMap<u32, ObjectRef>,
    /// Oids of the types in `Database::types` (not arrays, not row types).
    model_types: BTreeMap<u32, QualName>,
    rels: BTreeMap<u32, Rel>,
    /// (table oid, attnum) to the column.
    columns: BTreeMap<(u32, i16), ColInfo>,
    attrdefs: BTreeMap<u32, (u32, i16)>,
    constraints: BTreeMap<u32, ConOwner>,
    triggers: BTreeMap<u32, u32>,
    policies: BTreeMap<u32, u32>,
    rules: BTreeMap<u32, u32>,
    functions: BTreeMap<u32, FunctionId>,
    /// Identity columns: (table oid, attnum) to the sequence and its options.
    identities: BTreeMap<(u32, i16), (QualName, SequenceOptions)>,
    /// Sequences owned by a column (OWNED BY): their dependency on the column is recorded as `owned_by`.
    owned_sequences: BTreeSet<u32>,
    /// Parent of each relation that is not a table in pg_inherits (partition indexes).
    index_parents: BTreeMap<u32, QualName>,
    /// Words `quote_ident` quotes on this server.
    keywords: BTreeSet<String>,
    /// What `format_type` needs of each type (not the row types of relations), by oid.
    type_names: BTreeMap<u32, crate::typename::TypeName>,
    /// Default operator classes: oid to (access method, input type).
    default_opclasses: BTreeMap<u32, (u32, u32)>,
    /// Constraints whose definition is still to be read: oid to (table oid, constraint name).
    unwritten_constraints: BTreeMap<u32, (u32, String)>,
    /// Indexes whose definition is still to be read: oid to (table oid, index name).
    unwritten_indexes: BTreeMap<u32, (u32, String)>,
}

/// More connections a read may open: the target to open them on and how many the schema's size asks for.
pub(crate) struct MoreConnections<'a> {
    pub target: &'a plumb_pg::Target,
    pub plan: crate::Connections,
    /// A connection already being opened (the first extra one uses it).
    pub early: std::cell::Cell<Option<EarlyConnection>>,
}

/// A connection opened in the background while the first one starts reading.
pub(crate) type EarlyConnection = tokio::task::JoinHandle<Result<Client, plumb_pg::Error>>;

/// What a read found, and how it went.
pub(crate) struct Read {
    pub db: Database,
    /// When each catalog query finished (its last row arrived), from the start of the read.
    pub timings: Vec<(Step, Duration)>,
    /// Connections that read (the first one included).
    pub connections: usize,
}

/// Read everything on `client` (not inside a transaction: the read begins its own read-only `REPEATABLE READ`
/// transaction, which the caller ends), and on more connections when `more` allows it and the schema is large
/// enough: they import the first one's snapshot and are closed when their queries are done.
///
/// Round trips are few: the transaction's start, its settings, the relation count and the small lists every
/// query needs go out in one flight; then every catalog query (with the parameters the first flight gave) in
/// a second flight per connection, sent without a separate prepare step (`query_typed`). A second connection
/// is opened while the first one's queries run.
pub(crate) async fn read(
    client: &Client,
    more: Option<MoreConnections<'_>>,
    opts: &Options,
) -> Result<Read, Error> {
    let start = Instant::now();
    let more = more.filter(|m| m.plan.max > 1);
    let counting = more.is_some();
    // The first flight: each request is sent when its future is first polled, in this order.
    let (_, setup, count, cat, (keywords, opclasses, schemas)) = futures_util::future::try_join5(
        async {
            client
                .batch_execute(crate::BEGIN)
                .await
                .map_err(|e| Error::query(Step::BeginTransaction, e))
        },
        typed_one(client, Step::SessionSettings, queries::SETUP),
        async {
            if counting {
                typed_one(client, Step::RelationCount, queries::RELATION_COUNT)
                    .await
                    .map(Some)
            } else {
                Ok(None)
            }
        },
        typed_one(client, Step::CatalogOids, queries::CATALOG_OIDS),
        futures_util::future::try_join3(
            small(client, Step::Keywords, queries::KEYWORDS),
            small(client, Step::OperatorClasses, queries::DEFAULT_OPCLASSES),
            small(client, Step::Schemas, &queries::schemas()),
        ),
    )
    .await?;
    let v: i32 = Rec {
        row: &setup,
        kind: Step::ServerVersion,
    }
    .get("version")?;
    let version = u32::try_from(v).unwrap_or(0);
    if version < MIN_SERVER_VERSION {
        return Err(Error::ServerVersion(version));
    }
    let cat = {
        let r = Rec {
            row: &cat,
            kind: Step::CatalogOids,
        };
        Catalogs {
            class: r.get("pg_class")?,
            type_: r.get("pg_type")?,
            proc_: r.get("pg_proc")?,
            attrdef: r.get("pg_attrdef")?,
            constraint: r.get("pg_constraint")?,
            trigger: r.get("pg_trigger")?,
            rewrite: r.get("pg_rewrite")?,
            policy: r.get("pg_policy")?,
            namespace: r.get("pg_namespace")?,
            extension: r.get("pg_extension")?,
            collation: r.get("pg_collation")?,
        }
    };
    let wanted = match (&more, &count) {
        (Some(m), Some(row)) => {
            let relations: i64 = Rec {
                row,
                kind: Step::RelationCount,
            }
            .get("count")?;
            m.plan.for_relations(u64::try_from(relations).unwrap_or(0))
        }
        _ => 1,
    };
    if wanted == 1 {
        // Too small a schema for a second connection: the one opened early is closed at once.
        if let Some(m) = &more {
            drop(m.early.take());
        }
    }
    let mut rd = Reader {
        db: Database {
            server_version: Some(version),
            ..Database::default()
        },
        m: Maps::default(),
    };
    let finished = RefCell::new(Vec::new());
    for row in &keywords {
        let word: String = Rec {
            row,
            kind: Step::Keywords,
        }
        .get("word")?;
        rd.m.keywords.insert(word);
    }
    for row in &opclasses {
        let r = Rec {
            row,
            kind: Step::OperatorClasses,
        };
        rd.m.default_opclasses
            .insert(r.get("oid")?, (r.get("opcmethod")?, r.get("opcintype")?));
    }
    for row in &schemas {
        rd.schemas(row, opts)?;
    }
    finished.borrow_mut().push((Step::Schemas, start.elapsed()));
    let nsp: Vec<u32> = rd.m.schemas.keys().copied().collect();
    let whole = opts.include_schemas.is_empty();

    let (mut p, mut queues) = Pipeline::new(jobs(version), wanted);
    let main_queue = queues.remove(0);
    let opened = std::cell::Cell::new(1usize);
    // Sent before the first connection's queries, so that the snapshot is exported at once; the other
    // connections are opened meanwhile.
    let export =
        (wanted > 1).then(|| typed_one(client, Step::SnapshotExport, queries::EXPORT_SNAPSHOT));
    let others = async {
        let Some(export) = export else {
            return Ok(());
        };
        let row = export.await?;
        let snapshot: String = Rec {
            row: &row,
            kind: Step::SnapshotExport,
        }
        .get("snapshot")?;
        let import = format!(
            "{}; SET TRANSACTION SNAPSHOT {}; {}; {}",
            crate::BEGIN,
            plumb_model::quote_literal(&snapshot),
            queries::SETUP,
            queries::NO_PARALLEL_WORKERS
        );
        let (nsp, finished, import, more, opened) = (&nsp, &finished, &import, &more, &opened);
        try_join_all(queues.into_iter().map(|queue| async move {
            // A connection that cannot be opened or cannot import the snapshot (a server near
            // max_connections, a pooler that does not keep sessions): its queries run on the first one.
            let extra = async {
                let more = more.as_ref()?;
                let c = match more.early.take() {
                    Some(early) => early.await.ok()?.ok()?,
                    None => more.target.connect().await.ok()?,
                };
                c.batch_execute(import).await.ok()?;
                Some(c)
            }
            .await;
            match extra {
                Some(c) => {
                    opened.set(opened.get() + 1);
                    // Closed (its read-only transaction with it) when its queries are done.
                    produce(&c, queue, nsp, whole, start, finished).await
                }
                None => produce(client, queue, nsp, whole, start, finished).await,
            }
        }))
        .await
        .map(|_| ())
    };
    let producers = futures_util::future::try_join(
        others,
        produce(client, main_queue, &nsp, whole, start, &finished),
    );
    let handling = async {
        p.rows(Step::TypeNames, |row| rd.type_names(row)).await?;
        p.rows(Step::Extensions, |row| rd.extensions(row, opts))
            .await?;
        p.rows(Step::Collations, |row| rd.collations(row)).await?;
        p.rows(Step::Types, |row| rd.types(row)).await?;
        p.rows(Step::DomainConstraints, |row| rd.domain_constraints(row))
            .await?;
        p.rows(Step::Sequences, |row| rd.sequences(row)).await?;
        p.rows(Step::Relations, |row| rd.relations(row)).await?;
        p.rows(Step::Inheritance, |row| rd.inherits(row)).await?;
        let orphan = rd.db.tables.values().find(|t| {
            t.partition_of
                .as_ref()
                .is_some_and(|p| p.parent.name.is_empty())
        });
        if let Some(t) = orphan {
            return Err(Error::Catalog {
                kind: "partition",
                name: t.name.to_string(),
                reason: "no parent table in pg_inherits".into(),
            });
        }
        p.rows(Step::Columns, |row| rd.columns(row)).await?;
        // Columns were pushed one by one: give back the unused capacity (megabytes at 10,000 tables).
        for t in rd.db.tables.values_mut() {
            t.columns.shrink_to_fit();
        }
        for v in rd.db.views.values_mut() {
            v.columns.shrink_to_fit();
        }
        p.rows(Step::Constraints, |row| rd.constraints(row)).await?;
        if rd.read_late(client, Late::Constraint).await? {
            finished
                .borrow_mut()
                .push((Late::Constraint.step(), start.elapsed()));
        }
        p.rows(Step::Indexes, |row| rd.indexes(row)).await?;
        if rd.read_late(client, Late::Index).await? {
            finished
                .borrow_mut()
                .push((Late::Index.step(), start.elapsed()));
        }
        p.rows(Step::Functions, |row| rd.functions(row)).await?;
        p.rows(Step::Aggregates, |row| rd.aggregates(row)).await?;
        p.rows(Step::Triggers, |row| rd.triggers(row)).await?;
        p.rows(Step::Policies, |row| rd.policies(row)).await?;
        p.rows(Step::Rules, |row| rd.rules(row)).await?;
        p.rows(Step::Privileges, |row| rd.grants(row)).await?;
        p.rows(Step::DefaultPrivileges, |row| rd.default_privileges(row))
            .await?;
        p.rows(Step::EventTriggers, |row| rd.event_triggers(row))
            .await?;
        p.rows(Step::Dependencies, |row| rd.dependencies(row, &cat))
            .await?;
        p.rows(Step::UnsupportedObjects, |row| rd.unsupported(row))
            .await?;
        Ok(())
    };
    // The producers come first: when a query fails, its error is returned, not the handling's "interrupted".
    futures_util::future::try_join(producers, handling).await?;

    rd.db.unsupported.sort();
    rd.db.unsupported.dedup();
    Ok(Read {
        db: rd.db,
        timings: finished.into_inner(),
        connections: opened.get(),
    })
}

/// A query without parameters, its rows all at once (one round trip: no separate prepare step).
async fn small(client: &Client, kind: Step, sql: &str) -> Result<Vec<Row>, Error> {
    client
        .query_typed(sql, &[])
        .await
        .map_err(|e| Error::query(kind, e))
}

/// A query without parameters that returns one row (one round trip).
async fn typed_one(client: &Client, kind: Step, sql: &str) -> Result<Row, Error> {
    client
        .query_typed_one(sql, &[])
        .await
        .map_err(|e| Error::query(kind, e))
}

struct Reader {
    db: Database,
    m: Maps,
}

fn grants_if(has_acl: bool) -> Option<BTreeSet<Grant>> {
    has_acl.then(BTreeSet::new)
}

/// A column's attribute options (`n_distinct`, `n_distinct_inherited`), sorted; options the server keeps for
/// itself (named `pg_…`, as some builds stamp on every column) are not the user's, and pg_dump leaves them
/// out too.
fn column_options(options: Option<Vec<String>>) -> Vec<String> {
    let mut options = sorted_options(options);
    options.retain(|o| !o.starts_with("pg_"));
    options
}

fn sorted_options(options: Option<Vec<String>>) -> Vec<String> {
    let mut options = options.unwrap_or_default();
    options.sort();
    options
}

impl Reader {
    /// Names of these columns of a table, in order; expressions (attnum 0) are skipped.
    fn column_names(&self, rel: u32, attnums: Option<Vec<i16>>) -> Vec<String> {
        attnums
            .unwrap_or_default()
            .into_iter()
            .filter_map(|n| self.m.columns.get(&(rel, n)).map(|c| c.name.clone()))
            .collect()
    }

    fn event_triggers(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::EventTriggers,
        };
        let name: String = r.get("name")?;
        let letter: String = r.get("enabled")?;
        let enabled = TriggerEnabled::from_catalog(&letter).ok_or_else(|| Error::Catalog {
            kind: "event trigger",
            name: quote_ident(&name),
            reason: format!("unexpected evtenabled {letter:?}"),
        })?;
        let e = EventTrigger {
            name: name.clone(),
            event: r.get("event")?,
            tags: r.get("tags")?,
            function: FunctionId::new(
                r.get::<String>("function_schema")?,
                r.get::<String>("function_name")?,
                "",
            ),
            enabled,
            common: Common {
                owner: Some(r.get("owner")?),
                comment: r.get("description")?,
                ..Common::default()
            },
        };
        self.db.event_triggers.insert(name, e);
        Ok(())
    }

    fn type_names(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::TypeNames,
        };
        self.m.type_names.insert(
            r.get("oid")?,
            crate::typename::TypeName {
                schema: r.get("schema")?,
                name: r.get("name")?,
                element: r.get("element")?,
                typmodout: r.get("typmodout")?,
            },
        );
        Ok(())
    }

    fn default_privileges(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::DefaultPrivileges,
        };
        let role: String = r.get("role")?;
        let schema: Option<String> = r.get("schema")?;
        let code: String = r.get("objtype")?;
        let Some(on) = AclKind::from_defacl_code(&code) else {
            // a kind newer than this reader (PostgreSQL 18's large objects, say): named, not compared
            let mut name = format!("FOR ROLE {}", quote_ident(&role));
            if let Some(s) = &schema {
                name.push_str(&format!(" IN SCHEMA {}", quote_ident(s)));
            }
            self.report(
                "default privileges",
                format!("{name} ON objects of kind {code:?}"),
            );
            return Ok(());
        };
        let key = DefaultPrivileges::key(&role, schema.as_deref(), on);
        let entry = self
            .db
            .default_privileges
            .entry(key)
            .or_insert_with(|| DefaultPrivileges {
                role,
                schema,
                on,
                grants: BTreeSet::new(),
                role_assumed: false,
            });
        if let Some(privilege) = r.get::<Option<String>>("privilege")? {
            entry.grants.insert(Grant {
                grantee: r.get("grantee")?,
                privilege,
                with_grant_option: r.get("is_grantable")?,
            });
        }
        Ok(())
    }

    fn unsupported(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::UnsupportedObjects,
        };
        self.report(r.get::<String>("kind")?, r.get::<String>("name")?);
        Ok(())
    }

    fn report(&mut self, kind: impl Into<String>, name: impl Into<String>) {
        self.db.unsupported.push(Unsupported {
            kind: kind.into(),
            name: name.into(),
        });
    }

    fn schemas(&mut self, row: &Row, opts: &Options) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Schemas,
        };
        let name: String = r.get("name")?;
        if !opts.selects(&name) {
            return Ok(());
        }
        self.m.schemas.insert(r.get("oid")?, name.clone());
        let ns = Namespace {
            name: name.clone(),
            common: plumb_model::Common {
                owner: r.get("owner")?,
                comment: r.get("description")?,
                grants: grants_if(r.get("has_acl")?),
                acl_order: Vec::new(),
            },
        };
        self.db.schemas.insert(name, ns);
        Ok(())
    }

    fn extensions(&mut self, row: &Row, opts: &Options) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Extensions,
        };
        let schema: String = r.get("schema")?;
        // An extension installed in pg_catalog belongs to no user schema: kept unless schemas are chosen.
        let selected = if schema == "pg_catalog" {
            opts.include_schemas.is_empty()
        } else {
            opts.selects(&schema)
        };
        if !selected {
            return Ok(());
        }
        let name: String = r.get("name")?;
        self.m.extensions.insert(r.get("oid")?, name.clone());
        self.db.extensions.insert(
            name.clone(),
            Extension {
                name,
                schema,
                version: r.get("version")?,
                comment: r.get("description")?,
            },
        );
        Ok(())
    }

    fn collations(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Collations,
        };
        let name = QualName::new(r.get::<String>("schema")?, r.get::<String>("name")?);
        self.m.collations.insert(r.get("oid")?, name.clone());
        let c = Collation {
            name: name.clone(),
            provider: r.get("provider")?,
            locale: r.get("locale")?,
            lc_collate: r.get("lc_collate")?,
            lc_ctype: r.get("lc_ctype")?,
            deterministic: r.get("deterministic")?,
            common: plumb_model::Common {
                owner: r.get("owner")?,
                comment: r.get("description")?,
                grants: None,
                acl_order: Vec::new(),
            },
        };
        self.db.collations.insert(name, c);
        Ok(())
    }

    fn types(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Types,
        };
        let oid: u32 = r.get("oid")?;
        let name = QualName::new(r.get::<String>("schema")?, r.get::<String>("name")?);
        let typtype: String = r.get("typtype")?;
        let kind = match typtype.as_str() {
            "e" => TypeKind::Enum {
                labels: r.get::<Option<Vec<String>>>("labels")?.unwrap_or_default(),
            },
            "d" => TypeKind::Domain {
                base: r
                    .get::<Option<String>>("base")?
                    .ok_or_else(|| Error::Catalog {
                        kind: "domain",
                        name: name.to_string(),
                        reason: "no base type".into(),
                    })?,
                collation: r.qual("collation_schema", "collation_name")?,
                default: r.get("default_expr")?,
                not_null: r.get("not_null")?,
                constraints: BTreeMap::new(),
            },
            // Attributes are filled from the columns query.
            "c" => TypeKind::Composite {
                attributes: Vec::new(),
            },
            "r" => TypeKind::Range {
                subtype: r
                    .get::<Option<String>>("subtype")?
                    .ok_or_else(|| Error::Catalog {
                        kind: "range type",
                        name: name.to_string(),
                        reason: "no pg_range row".into(),
                    })?,
                subtype_opclass: r.get("subtype_opclass")?,
                collation: r.qual("range_collation_schema", "range_collation_name")?,
                canonical: r.get("canonical")?,
                subtype_diff: r.get("subtype_diff")?,
                multirange: r.qual("multirange_schema", "multirange_name")?,
            },
            "b" => {
                self.report("base type", name.to_string());
                return Ok(());
            }
            "p" => {
                self.report("shell type", name.to_string());
                return Ok(());
            }
            other => {
                return Err(Error::Catalog {
                    kind: "type",
                    name: name.to_string(),
                    reason: format!("unexpected typtype {other:?}"),
                })
            }
        };
        self.m.types.insert(oid, ObjectRef::Type(name.clone()));
        let array: u32 = r.get("typarray")?;
        if array != 0 {
            self.m.types.insert(array, ObjectRef::Type(name.clone()));
        }
        self.m.model_types.insert(oid, name.clone());
        let t = Type {
            name: name.clone(),
            kind,
            common: plumb_model::Common {
                owner: r.get("owner")?,
                comment: r.get("description")?,
                grants: grants_if(r.get("has_acl")?),
                acl_order: Vec::new(),
            },
        };
        self.db.types.insert(name, t);
        Ok(())
    }

    fn domain_constraints(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::DomainConstraints,
        };
        let typ: u32 = r.get("contypid")?;
        let Some(tname) = self.m.model_types.get(&typ).cloned() else {
            return Ok(());
        };
        let name: String = r.get("name")?;
        self.m
            .constraints
            .insert(r.get("oid")?, ConOwner::Type(typ));
        if r.get::<Option<String>>("description")?.is_some() {
            self.report(
                "comment on domain constraint",
                format!("{} ON DOMAIN {tname}", quote_ident(&name)),
            );
        }
        let c = DomainConstraint {
            name: name.clone(),
            definition: r.get("definition")?,
            validated: r.get("validated")?,
        };
        if let Some(Type {
            kind: TypeKind::Domain { constraints, .. },
            ..
        }) = self.db.types.get_mut(&tname)
        {
            constraints.insert(name, c);
        }
        Ok(())
    }

    fn sequences(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Sequences,
        };
        let oid: u32 = r.get("oid")?;
        let name = QualName::new(r.get::<String>("schema")?, r.get::<String>("name")?);
        let options = SequenceOptions {
            data_type: r.get("data_type")?,
            start: r.get("start")?,
            increment: r.get("increment")?,
            min_value: r.get("min_value")?,
            max_value: r.get("max_value")?,
            cache: r.get("cache")?,
            cycle: r.get("cycle")?,
        };
        let deptype: Option<String> = r.get("deptype")?;
        let owner_rel: Option<u32> = r.get("owner_rel")?;
        let owner_attnum: Option<i16> = r.get("owner_attnum")?;
        if deptype.as_deref() == Some("i") {
            let (Some(rel), Some(att)) = (owner_rel, owner_attnum) else {
                return Err(Error::Catalog {
                    kind: "identity sequence",
                    name: name.to_string(),
                    reason: "no owning column".into(),
                });
            };
            self.m
                .identities
                .insert((rel, att), (name.clone(), options));
            self.m.rels.insert(oid, Rel::Sequence(name));
            return Ok(());
        }
        let owned_by = match (
            r.qual("owner_schema", "owner_table")?,
            r.get::<Option<String>>("owner_column")?,
        ) {
            (Some(table), Some(column)) => {
                self.m.owned_sequences.insert(oid);
                Some(ColumnRef { table, column })
            }
            _ => None,
        };
        self.m.rels.insert(oid, Rel::Sequence(name.clone()));
        let s = Sequence {
            name: name.clone(),
            options,
            owned_by,
            common: plumb_model::Common {
                owner: r.get("owner")?,
                comment: r.get("description")?,
                grants: grants_if(r.get("has_acl")?),
                acl_order: Vec::new(),
            },
        };
        self.db.sequences.insert(name, s);
        Ok(())
    }

    fn relations(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Relations,
        };
        let oid: u32 = r.get("oid")?;
        let name = QualName::new(r.get::<String>("schema")?, r.get::<String>("name")?);
        let relkind: String = r.get("relkind")?;
        let reltype: u32 = r.get("reltype")?;
        let reltype_array: Option<u32> = r.get("reltype_array")?;
        let common = plumb_model::Common {
            owner: r.get("owner")?,
            comment: r.get("description")?,
            grants: grants_if(r.get("has_acl")?),
            acl_order: Vec::new(),
        };
        let raw_options: Option<Vec<String>> = r.get("options")?;
        let as_ref = match relkind.as_str() {
            "r" | "p" => {
                let persistence = match r.get::<String>("persistence")?.as_str() {
                    "u" => Persistence::Unlogged,
                    _ => Persistence::Permanent,
                };
                // The parent is filled from pg_inherits.
                let partition_of =
                    r.get::<Option<String>>("partition_bound")?
                        .map(|bound| PartitionOf {
                            parent: QualName::default(),
                            bound,
                        });
                let replident: String = r.get("replident")?;
                let replica_identity = match replident.as_str() {
                    "d" => ReplicaIdentity::Default,
                    "n" => ReplicaIdentity::Nothing,
                    "f" => ReplicaIdentity::Full,
                    // an index that was dropped leaves 'i' behind, which then means nothing
                    "i" => match r.get::<Option<String>>("replident_index")? {
                        Some(i) => ReplicaIdentity::Index(i),
                        None => ReplicaIdentity::Nothing,
                    },
                    other => {
                        return Err(Error::Catalog {
                            kind: "table",
                            name: name.to_string(),
                            reason: format!("unexpected relreplident {other:?}"),
                        })
                    }
                };
                let t = Table {
                    name: name.clone(),
                    replica_identity,
                    persistence,
                    partition_by: r.get("partition_by")?,
                    partition_of,
                    of_type: r.qual("of_type_schema", "of_type_name")?,
                    rls_enabled: r.get("rls_enabled")?,
                    rls_forced: r.get("rls_forced")?,
                    // In the order PostgreSQL keeps them (the order given), so a dump writes them back
                    // as pg_dump does; the differ compares them as a set.
                    options: raw_options.unwrap_or_default(),
                    common,
                    ..Table::default()
                };
                self.db.tables.insert(name.clone(), t);
                self.m.rels.insert(oid, Rel::Table(name.clone()));
                ObjectRef::Relation(name)
            }
            "v" | "m" => {
                let definition =
                    r.get::<Option<String>>("view_definition")?
                        .ok_or_else(|| Error::Catalog {
                            kind: "view",
                            name: name.to_string(),
                            reason: "pg_get_viewdef returned nothing".into(),
                        })?;
                let v = View {
                    name: name.clone(),
                    kind: if relkind == "v" {
                        ViewKind::View
                    } else {
                        ViewKind::Materialized
                    },
                    definition,
                    columns: Vec::new(),
                    options: sorted_options(raw_options),
                    indexes: BTreeMap::new(),
                    triggers: BTreeMap::new(),
                    common,
                };
                self.db.views.insert(name.clone(), v);
                self.m.rels.insert(oid, Rel::View(name.clone()));
                ObjectRef::Relation(name)
            }
            "c" => {
                // The row of a stand-alone composite type: the type itself is read by the types query.
                let Some(ObjectRef::Type(tname)) = self.m.types.get(&reltype).cloned() else {
                    return Ok(());
                };
                self.m.rels.insert(oid, Rel::Composite(tname.clone()));
                return Ok(());
            }
            "f" => {
                self.report("foreign table", name.to_string());
                self.m.rels.insert(oid, Rel::Other);
                return Ok(());
            }
            other => {
                return Err(Error::Catalog {
                    kind: "relation",
                    name: name.to_string(),
                    reason: format!("unexpected relkind {other:?}"),
                })
            }
        };
        self.m.types.insert(reltype, as_ref.clone());
        if let Some(array) = reltype_array.filter(|a| *a != 0) {
            self.m.types.insert(array, as_ref);
        }
        Ok(())
    }

    fn inherits(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Inheritance,
        };
        let child: u32 = r.get("child")?;
        let parent = QualName::new(
            r.get::<String>("parent_schema")?,
            r.get::<String>("parent_name")?,
        );
        let Some(Rel::Table(name)) = self.m.rels.get(&child) else {
            self.m.index_parents.insert(child, parent);
            return Ok(());
        };
        let Some(t) = self.db.tables.get_mut(name) else {
            return Ok(());
        };
        match &mut t.partition_of {
            Some(p) => p.parent = parent,
            None => t.inherits.push(parent),
        }
        Ok(())
    }

    fn columns(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Columns,
        };
        let rel: u32 = r.get("attrelid")?;
        let attnum: i16 = r.get("attnum")?;
        let name: String = r.get("name")?;
        let type_oid: u32 = r.get("atttypid")?;
        let collation = r.qual("collation_schema", "collation_name")?;
        let comment: Option<String> = r.get("description")?;
        let collation_oid: u32 = r.get("attcollation")?;
        let col_info = |name: &str, pos: usize| ColInfo {
            name: name.to_string(),
            pos,
            type_oid,
            collation: collation_oid,
        };
        let Some(kind) = self.m.rels.get(&rel).cloned() else {
            return Ok(());
        };
        if matches!(kind, Rel::Sequence(_) | Rel::Index(_) | Rel::Other) {
            return Ok(());
        }
        let type_name = match r.get::<Option<String>>("type_name")? {
            Some(server) => server,
            None => self
                .type_name(type_oid, r.get("atttypmod")?)
                .ok_or_else(|| Error::Catalog {
                    kind: "column",
                    name: format!("{}.{}", self.relation_label(rel), quote_ident(&name)),
                    reason: format!(
                        "type oid {type_oid} (typmod {}) is not one whose name plumb writes",
                        r.get::<i32>("atttypmod").unwrap_or(-1)
                    ),
                })?,
        };
        match kind {
            Rel::Table(tname) => {
                let Some(t) = self.db.tables.get_mut(&tname) else {
                    return Ok(());
                };
                let identity = match r.get::<String>("identity")?.as_str() {
                    "" => None,
                    code => {
                        let (seq, options) =
                            self.m.identities.remove(&(rel, attnum)).ok_or_else(|| {
                                Error::Catalog {
                                    kind: "identity column",
                                    name: format!("{tname}.{}", quote_ident(&name)),
                                    reason: "no identity sequence".into(),
                                }
                            })?;
                        Some(Box::new(Identity {
                            always: code == "a",
                            sequence: Some(seq),
                            options,
                        }))
                    }
                };
                let expr: Option<String> = r.get("default_expr")?;
                let generated_kind: String = r.get("generated")?;
                let (default, generated) = match generated_kind.as_str() {
                    "" => (expr, None),
                    _ => (None, expr),
                };
                let not_null_constraint = r
                    .get::<Option<String>>("not_null_name")?
                    .map(|name| -> Result<_, Error> {
                        Ok(Box::new(NotNullConstraint {
                            name,
                            no_inherit: r.get("not_null_no_inherit")?,
                            not_valid: r.get("not_null_not_valid")?,
                        }))
                    })
                    .transpose()?;
                if let Some(ad) = r.get::<Option<u32>>("attrdef")? {
                    self.m.attrdefs.insert(ad, (rel, attnum));
                }
                let compression: String = r.get("compression")?;
                let compression = match compression.as_str() {
                    "" => None,
                    "p" => Some("pglz".to_string()),
                    "l" => Some("lz4".to_string()),
                    other => {
                        return Err(Error::Catalog {
                            kind: "column compression",
                            name: format!("{tname}.{}", quote_ident(&name)),
                            reason: format!("unknown compression method code {other:?}"),
                        })
                    }
                };
                let statistics = Some(r.get::<i32>("stattarget")?).filter(|n| *n >= 0);
                let storage = match r.get::<Option<String>>("storage")? {
                    None => None,
                    Some(code) => {
                        Some(Storage::from_code(&code).ok_or_else(|| Error::Catalog {
                            kind: "column storage",
                            name: format!("{tname}.{}", quote_ident(&name)),
                            reason: format!("unknown storage code {code:?}"),
                        })?)
                    }
                };
                self.m
                    .columns
                    .insert((rel, attnum), col_info(&name, t.columns.len()));
                t.columns.push(Column {
                    name,
                    type_name,
                    collation,
                    not_null: r.get("not_null")?,
                    not_null_constraint,
                    default,
                    identity,
                    generated,
                    generated_virtual: generated_kind == "v",
                    is_local: r.get("is_local")?,
                    comment,
                    grants: BTreeSet::new(),
                    storage,
                    compression,
                    statistics,
                    options: column_options(r.get("options")?),
                });
            }
            Rel::View(vname) => {
                let Some(v) = self.db.views.get_mut(&vname) else {
                    return Ok(());
                };
                if r.get::<Option<u32>>("attrdef")?.is_some() {
                    self.db.unsupported.push(Unsupported {
                        kind: "view column default".into(),
                        name: format!("{vname}.{}", quote_ident(&name)),
                    });
                }
                self.m
                    .columns
                    .insert((rel, attnum), col_info(&name, v.columns.len()));
                v.columns.push(ViewColumn {
                    name,
                    type_name,
                    comment,
                });
            }
            Rel::Composite(tname) => {
                if comment.is_some() {
                    self.report(
                        "comment on type attribute",
                        format!("{tname}.{}", quote_ident(&name)),
                    );
                }
                if let Some(Type {
                    kind: TypeKind::Composite { attributes },
                    ..
                }) = self.db.types.get_mut(&tname)
                {
                    attributes.push(plumb_model::Attribute {
                        name,
                        type_name,
                        collation,
                    });
                }
            }
            Rel::Sequence(_) | Rel::Index(_) | Rel::Other => {}
        }
        Ok(())
    }

    fn constraints(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Constraints,
        };
        let rel: u32 = r.get("conrelid")?;
        let columns = self.column_names(rel, r.get::<Option<Vec<i16>>>("columns")?);
        let Some(Rel::Table(tname)) = self.m.rels.get(&rel) else {
            return Ok(());
        };
        let tname = tname.clone();
        if !self.db.tables.contains_key(&tname) {
            return Ok(());
        }
        let name: String = r.get("name")?;
        let kind = match r.get::<String>("contype")?.as_str() {
            "p" => ConstraintKind::PrimaryKey,
            "u" => ConstraintKind::Unique,
            "f" => ConstraintKind::ForeignKey,
            "c" => ConstraintKind::Check,
            "x" => ConstraintKind::Exclude,
            other => {
                return Err(Error::Catalog {
                    kind: "constraint",
                    name: format!("{} ON {tname}", quote_ident(&name)),
                    reason: format!("unexpected contype {other:?}"),
                })
            }
        };
        let oid: u32 = r.get("oid")?;
        self.m.constraints.insert(oid, ConOwner::Relation(rel));
        let definition = match r.get::<Option<String>>("definition")? {
            Some(d) => d,
            None => match self.key_definition(&r, rel, &kind)? {
                Some(d) => d,
                None => {
                    self.m
                        .unwritten_constraints
                        .insert(oid, (rel, name.clone()));
                    String::new()
                }
            },
        };
        // pg_get_constraintdef leaves out the storage parameters of a key's index; pg_dump adds them.
        let mut definition = definition;
        if let Some(options) = r.get::<Option<Vec<String>>>("index_options")? {
            definition.push_str(&crate::reloptions_clause(&options));
        }
        let Some(t) = self.db.tables.get_mut(&tname) else {
            return Ok(());
        };
        let c = Constraint {
            name: name.clone(),
            kind,
            definition,
            columns,
            references: r.qual("ref_schema", "ref_table")?,
            deferrable: r.get("deferrable")?,
            initially_deferred: r.get("deferred")?,
            validated: r.get("validated")?,
            is_local: r.get("is_local")?,
            comment: r.get("description")?,
        };
        if t.constraints.insert(name.clone(), c).is_some() {
            return Err(Error::Catalog {
                kind: "constraint",
                name: format!("{} ON {tname}", quote_ident(&name)),
                reason: "two constraints of that name on one table".into(),
            });
        }
        Ok(())
    }

    /// Names of these columns of a table, quoted, joined by `, `; None when one is not known.
    fn quoted_columns(&self, rel: u32, attnums: &[i16]) -> Option<String> {
        let names: Option<Vec<String>> = attnums
            .iter()
            .map(|n| self.m.columns.get(&(rel, *n)).map(|c| self.quote(&c.name)))
            .collect();
        names.map(|n| n.join(", "))
    }

    /// The definition of a primary key, unique constraint or foreign key, as `pg_get_constraintdef` writes it
    /// (PostgreSQL 12 to 17); None when the row has something this does not write (the definition is then read
    /// from the server).
    fn key_definition(
        &self,
        r: &Rec<'_>,
        rel: u32,
        kind: &ConstraintKind,
    ) -> Result<Option<String>, Error> {
        let keys: Vec<i16> = r.get::<Option<Vec<i16>>>("columns")?.unwrap_or_default();
        let Some(key_names) = self.quoted_columns(rel, &keys).filter(|_| !keys.is_empty()) else {
            return Ok(None);
        };
        let mut def = match kind {
            ConstraintKind::PrimaryKey | ConstraintKind::Unique => {
                let mut d = match kind {
                    ConstraintKind::PrimaryKey => format!("PRIMARY KEY ({key_names})"),
                    _ if r.get::<bool>("nulls_not_distinct")? => {
                        format!("UNIQUE NULLS NOT DISTINCT ({key_names})")
                    }
                    _ => format!("UNIQUE ({key_names})"),
                };
                let include: Vec<i16> = r.get::<Option<Vec<i16>>>("include")?.unwrap_or_default();
                if !include.is_empty() {
                    let Some(names) = self.quoted_columns(rel, &include) else {
                        return Ok(None);
                    };
                    d.push_str(&format!(" INCLUDE ({names})"));
                }
                d
            }
            ConstraintKind::ForeignKey => {
                let (Some(schema), Some(table)) = (
                    r.get::<Option<String>>("ref_schema")?,
                    r.get::<Option<String>>("ref_table")?,
                ) else {
                    return Ok(None);
                };
                let ref_oid: u32 = r.get("ref_oid")?;
                let refs: Vec<i16> = r
                    .get::<Option<Vec<i16>>>("ref_columns")?
                    .unwrap_or_default();
                // The referenced table's columns are known when it is in the schemas read.
                let Some(ref_names) = self
                    .quoted_columns(ref_oid, &refs)
                    .filter(|_| refs.len() == keys.len())
                else {
                    return Ok(None);
                };
                let mut d = format!(
                    "FOREIGN KEY ({key_names}) REFERENCES {}.{}({ref_names})",
                    self.quote(&schema),
                    self.quote(&table),
                );
                match r.get::<String>("match_type")?.as_str() {
                    "s" => {}
                    "f" => d.push_str(" MATCH FULL"),
                    "p" => d.push_str(" MATCH PARTIAL"),
                    _ => return Ok(None),
                }
                for (event, column) in [("UPDATE", "on_update"), ("DELETE", "on_delete")] {
                    let action = match r.get::<String>(column)?.as_str() {
                        "a" => None,
                        "r" => Some("RESTRICT"),
                        "c" => Some("CASCADE"),
                        "n" => Some("SET NULL"),
                        "d" => Some("SET DEFAULT"),
                        _ => return Ok(None),
                    };
                    if let Some(action) = action {
                        d.push_str(&format!(" ON {event} {action}"));
                    }
                }
                if let Some(set) = r.get::<Option<Vec<i16>>>("delete_set_columns")? {
                    let Some(names) = self.quoted_columns(rel, &set) else {
                        return Ok(None);
                    };
                    d.push_str(&format!(" ({names})"));
                }
                d
            }
            _ => return Ok(None),
        };
        if r.get::<bool>("deferrable")? {
            def.push_str(" DEFERRABLE");
        }
        if r.get::<bool>("deferred")? {
            def.push_str(" INITIALLY DEFERRED");
        }
        if !r.get::<bool>("validated")? {
            def.push_str(" NOT VALID");
        }
        Ok(Some(def))
    }

    fn indexes(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Indexes,
        };
        let oid: u32 = r.get("indexrelid")?;
        let rel: u32 = r.get("indrelid")?;
        let name: String = r.get("name")?;
        let unique: bool = r.get("is_unique")?;
        let keys: Vec<i16> = r.get::<Option<Vec<i16>>>("columns")?.unwrap_or_default();
        let definition = match r.get::<Option<String>>("definition")? {
            Some(d) => Some(d),
            None => self.plain_index_definition(&r, rel, &name, unique, &keys)?,
        };
        let index = Index {
            name: name.clone(),
            definition: definition.clone().unwrap_or_default(),
            unique,
            constraint: r.get("constraint_name")?,
            columns: self.column_names(rel, Some(keys)),
            parent_index: self.m.index_parents.remove(&oid),
            comment: r.get("description")?,
            clustered: r.get("clustered")?,
        };
        let target = match self.m.rels.get(&rel) {
            Some(Rel::Table(n)) => self.db.tables.get_mut(n).map(|t| &mut t.indexes),
            Some(Rel::View(n)) => self.db.views.get_mut(n).map(|v| &mut v.indexes),
            _ => None,
        };
        if let Some(indexes) = target {
            indexes.insert(index.name.clone(), index);
            self.m.rels.insert(oid, Rel::Index(rel));
            if definition.is_none() {
                self.m.unwritten_indexes.insert(oid, (rel, name));
            }
        }
        Ok(())
    }

    /// `pg_get_indexdef`'s text for an index without options or sort order and with at most one expression,
    /// when every key column uses its type's default operator class and its own collation (then neither is
    /// written); `None` otherwise.
    fn plain_index_definition(
        &self,
        r: &Rec<'_>,
        rel: u32,
        name: &str,
        unique: bool,
        keys: &[i16],
    ) -> Result<Option<String>, Error> {
        let table = match self.m.rels.get(&rel) {
            Some(Rel::Table(n) | Rel::View(n)) => n,
            _ => return Ok(None),
        };
        let method_oid: u32 = r.get("method_oid")?;
        let opclasses: Vec<u32> = r.get::<Option<Vec<u32>>>("opclasses")?.unwrap_or_default();
        let collations: Vec<u32> = r.get::<Option<Vec<u32>>>("collations")?.unwrap_or_default();
        let include: Vec<i16> = r.get::<Option<Vec<i16>>>("include")?.unwrap_or_default();
        if keys.is_empty() || opclasses.len() != keys.len() || collations.len() != keys.len() {
            return Ok(None);
        }
        // The one expression, if any: its text and its type, collation and form.
        let expression: Option<String> = r.get("expression")?;
        let shape = r
            .get::<Option<&str>>("expression_tree")?
            .and_then(expression_shape);
        let mut key_names = Vec::with_capacity(keys.len());
        for ((attnum, opclass), collation) in keys.iter().zip(&opclasses).zip(&collations) {
            let (text, type_oid, own_collation) = if *attnum == 0 {
                let (Some(text), Some(shape)) = (expression.as_ref(), shape.as_ref()) else {
                    return Ok(None);
                };
                let (type_oid, collation_oid) = (shape.type_oid, shape.collation);
                let text = if shape.call {
                    text.clone()
                } else {
                    format!("({text})")
                };
                (text, type_oid, collation_oid)
            } else {
                let Some(col) = self.m.columns.get(&(rel, *attnum)) else {
                    return Ok(None);
                };
                (self.quote(&col.name), col.type_oid, col.collation)
            };
            let default_opclass =
                self.m.default_opclasses.get(opclass) == Some(&(method_oid, type_oid));
            if !default_opclass || (*collation != 0 && *collation != own_collation) {
                return Ok(None);
            }
            key_names.push(text);
        }
        let mut include_names = Vec::with_capacity(include.len());
        for attnum in &include {
            let Some(col) = self.m.columns.get(&(rel, *attnum)) else {
                return Ok(None);
            };
            include_names.push(self.quote(&col.name));
        }
        let mut def = format!(
            "CREATE {}INDEX {} ON {}.{} USING {} ({})",
            if unique { "UNIQUE " } else { "" },
            self.quote(name),
            self.quote(&table.schema),
            self.quote(&table.name),
            self.quote(&r.get::<String>("method")?),
            key_names.join(", ")
        );
        if !include_names.is_empty() {
            def.push_str(&format!(" INCLUDE ({})", include_names.join(", ")));
        }
        if r.get::<bool>("nulls_not_distinct")? {
            def.push_str(" NULLS NOT DISTINCT");
        }
        if let Some(predicate) = r.get::<Option<String>>("predicate")? {
            def.push_str(" WHERE ");
            def.push_str(&predicate);
        }
        Ok(Some(def))
    }

    /// Read from the server the definitions of the `late` objects that could not be written client-side; false
    /// when there were none (no query).
    async fn read_late(&mut self, client: &Client, late: Late) -> Result<bool, Error> {
        let pending = std::mem::take(match late {
            Late::Constraint => &mut self.m.unwritten_constraints,
            Late::Index => &mut self.m.unwritten_indexes,
        });
        if pending.is_empty() {
            return Ok(false);
        }
        let oids: Vec<u32> = pending.keys().copied().collect();
        let rows = client
            .query_typed(late.query(), &[(&oids, PgType::OID_ARRAY)])
            .await
            .map_err(|e| Error::query(late.step(), e))?;
        let mut definitions = BTreeMap::new();
        for row in &rows {
            let r = Rec {
                row,
                kind: late.step(),
            };
            definitions.insert(r.get::<u32>("oid")?, r.get::<Option<String>>("definition")?);
        }
        for (oid, (rel, name)) in pending {
            let relation = self.m.rels.get(&rel);
            let slot = match (late, relation) {
                (Late::Constraint, Some(Rel::Table(n))) => self
                    .db
                    .tables
                    .get_mut(n)
                    .and_then(|t| t.constraints.get_mut(&name))
                    .map(|c| &mut c.definition),
                (Late::Index, Some(Rel::Table(n))) => self
                    .db
                    .tables
                    .get_mut(n)
                    .and_then(|t| t.indexes.get_mut(&name))
                    .map(|i| &mut i.definition),
                (Late::Index, Some(Rel::View(n))) => self
                    .db
                    .views
                    .get_mut(n)
                    .and_then(|v| v.indexes.get_mut(&name))
                    .map(|i| &mut i.definition),
                _ => None,
            };
            match (slot, definitions.remove(&oid).flatten()) {
                (Some(slot), Some(definition)) => *slot = definition,
                _ => {
                    let table = match relation {
                        Some(Rel::Table(n) | Rel::View(n)) => n.to_string(),
                        _ => rel.to_string(),
                    };
                    return Err(Error::Catalog {
                        kind: late.kind(),
                        name: format!("{} ON {table}", quote_ident(&name)),
                        reason: format!("{} returned nothing", late.function()),
                    });
                }
            }
        }
        Ok(true)
    }

    /// `format_type(oid, typmod)`, written client-side (see `typename.rs`).
    fn type_name(&self, oid: u32, typmod: i32) -> Option<String> {
        crate::typename::format_type(
            oid,
            typmod,
            self.db.server_version.unwrap_or(0),
            |oid| self.m.type_names.get(&oid),
            |ident| self.quote(ident),
        )
    }

    /// A relation's name for messages (its oid when it is not one the model holds).
    fn relation_label(&self, rel: u32) -> String {
        match self.m.rels.get(&rel) {
            Some(Rel::Table(n) | Rel::View(n) | Rel::Composite(n) | Rel::Sequence(n)) => {
                n.to_string()
            }
            _ => format!("relation {rel}"),
        }
    }

    /// An identifier quoted exactly as this server's `quote_ident` quotes it (so texts written here match the
    /// server's own): kept bare when it is lower-case letters, digits and underscores, not starting with a
    /// digit, and not a keyword outside the unreserved category.
    fn quote(&self, ident: &str) -> String {
        plumb_model::quote_ident_with(ident, |w| self.m.keywords.contains(w))
    }

    fn functions(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Functions,
        };
        let oid: u32 = r.get("oid")?;
        let id = FunctionId::new(
            r.get::<String>("schema")?,
            r.get::<String>("name")?,
            r.get::<String>("args")?,
        );
        let kind = match r.get::<String>("prokind")?.as_str() {
            "f" => FunctionKind::Function,
            "p" => FunctionKind::Procedure,
            "a" => FunctionKind::Aggregate,
            "w" => FunctionKind::Window,
            other => {
                return Err(Error::Catalog {
                    kind: "function",
                    name: id.to_string(),
                    reason: format!("unexpected prokind {other:?}"),
                })
            }
        };
        // Aggregates get their definition from the aggregates query.
        let definition = r.get::<Option<String>>("definition")?.unwrap_or_default();
        let language: String = r.get("language")?;
        let letter: String = r.get("parallel")?;
        let parallel = Parallel::from_catalog(&letter).ok_or_else(|| Error::Catalog {
            kind: "function",
            name: id.to_string(),
            reason: format!("unexpected proparallel {letter:?}"),
        })?;
        let cost = function_cost(&r.get::<String>("cost")?, &language);
        let rows = function_rows(&r.get::<String>("rows")?);
        self.m.functions.insert(oid, id.clone());
        let f = Function {
            id: id.clone(),
            kind,
            definition,
            returns: r.get("returns")?,
            language,
            volatility: r.get("volatility")?,
            strict: r.get("strict")?,
            security_definer: r.get("security_definer")?,
            config: r.get::<Option<Vec<String>>>("config")?.unwrap_or_default(),
            leakproof: r.get("leakproof")?,
            parallel,
            cost,
            rows,
            body: r.get::<Option<String>>("body")?.unwrap_or_default(),
            common: plumb_model::Common {
                owner: r.get("owner")?,
                comment: r.get("description")?,
                grants: grants_if(r.get("has_acl")?),
                acl_order: Vec::new(),
            },
        };
        self.db.functions.insert(id, f);
        Ok(())
    }

    fn aggregates(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Aggregates,
        };
        let oid: u32 = r.get("aggfnoid")?;
        let Some(id) = self.m.functions.get(&oid).cloned() else {
            return Ok(());
        };
        let agg = AggregateRow {
            kind: r.get("kind")?,
            arguments: r.get("arguments")?,
            sfunc: r.get("sfunc")?,
            stype: r.get("stype")?,
            sspace: r.get("sspace")?,
            finalfunc: r.get("finalfunc")?,
            finalfunc_extra: r.get("finalfunc_extra")?,
            finalfunc_modify: r.get("finalfunc_modify")?,
            combinefunc: r.get("combinefunc")?,
            serialfunc: r.get("serialfunc")?,
            deserialfunc: r.get("deserialfunc")?,
            initcond: r.get("initcond")?,
            msfunc: r.get("msfunc")?,
            minvfunc: r.get("minvfunc")?,
            mstype: r.get("mstype")?,
            msspace: r.get("msspace")?,
            mfinalfunc: r.get("mfinalfunc")?,
            mfinalfunc_extra: r.get("mfinalfunc_extra")?,
            mfinalfunc_modify: r.get("mfinalfunc_modify")?,
            minitcond: r.get("minitcond")?,
            sortop: r.get("sortop")?,
            parallel: r.get("parallel")?,
        };
        match create_statement(&id.schema, &id.name, &agg) {
            Ok(def) => {
                if let Some(f) = self.db.functions.get_mut(&id) {
                    f.definition = def;
                }
            }
            Err(reason) => {
                return Err(Error::Catalog {
                    kind: "aggregate",
                    name: id.to_string(),
                    reason,
                })
            }
        }
        Ok(())
    }

    fn triggers(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Triggers,
        };
        let rel: u32 = r.get("tgrelid")?;
        let name: String = r.get("name")?;
        let letter: String = r.get("enabled")?;
        let enabled = TriggerEnabled::from_catalog(&letter).ok_or_else(|| Error::Catalog {
            kind: "trigger",
            name: quote_ident(&name),
            reason: format!("unexpected tgenabled {letter:?}"),
        })?;
        let trigger = Trigger {
            name,
            definition: r.get("definition")?,
            function: FunctionId::new(
                r.get::<String>("function_schema")?,
                r.get::<String>("function_name")?,
                r.get::<String>("function_args")?,
            ),
            constraint: r.get("is_constraint")?,
            enabled,
            comment: r.get("description")?,
        };
        let target = match self.m.rels.get(&rel) {
            Some(Rel::Table(n)) => self.db.tables.get_mut(n).map(|t| &mut t.triggers),
            Some(Rel::View(n)) => self.db.views.get_mut(n).map(|v| &mut v.triggers),
            _ => None,
        };
        if let Some(triggers) = target {
            triggers.insert(trigger.name.clone(), trigger);
            self.m.triggers.insert(r.get("oid")?, rel);
        }
        Ok(())
    }

    fn policies(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Policies,
        };
        let rel: u32 = r.get("polrelid")?;
        let Some(Rel::Table(tname)) = self.m.rels.get(&rel) else {
            return Ok(());
        };
        let name: String = r.get("name")?;
        let polcmd: String = r.get("command")?;
        let Some(command) = PolicyCommand::from_catalog(&polcmd) else {
            return Err(Error::Catalog {
                kind: "policy",
                name: format!("{} ON {tname}", quote_ident(&name)),
                reason: format!("unexpected polcmd {polcmd:?}"),
            });
        };
        let mut roles: Vec<String> = r.get::<Option<Vec<String>>>("roles")?.unwrap_or_default();
        roles.sort();
        let p = Policy {
            name: name.clone(),
            command,
            permissive: r.get("permissive")?,
            roles,
            using: r.get("using_expr")?,
            with_check: r.get("check_expr")?,
            comment: r.get("description")?,
        };
        if let Some(t) = self.db.tables.get_mut(tname) {
            t.policies.insert(name, p);
            self.m.policies.insert(r.get("oid")?, rel);
        }
        Ok(())
    }

    fn rules(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Rules,
        };
        let rel: u32 = r.get("ev_class")?;
        let name: String = r.get("name")?;
        match self.m.rels.get(&rel) {
            Some(Rel::View(_)) if name == "_RETURN" => {
                self.m.rules.insert(r.get("oid")?, rel);
            }
            Some(Rel::Table(_) | Rel::View(_)) => {
                let relation: String = r.get("relation")?;
                self.report("rule", format!("{} ON {relation}", quote_ident(&name)));
            }
            _ => {}
        }
        Ok(())
    }

    fn grants(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Privileges,
        };
        let objid: u32 = r.get("objid")?;
        let grant = Grant {
            grantee: r.get("grantee")?,
            privilege: r.get("privilege")?,
            with_grant_option: r.get("is_grantable")?,
        };
        let kind: String = r.get("kind")?;
        let common = match kind.as_str() {
            "r" => match self.m.rels.get(&objid) {
                Some(Rel::Table(n)) => self.db.tables.get_mut(n).map(|t| &mut t.common),
                Some(Rel::View(n)) => self.db.views.get_mut(n).map(|v| &mut v.common),
                Some(Rel::Sequence(n)) => self.db.sequences.get_mut(n).map(|s| &mut s.common),
                _ => None,
            },
            "n" => self
                .m
                .schemas
                .get(&objid)
                .and_then(|n| self.db.schemas.get_mut(n))
                .map(|s| &mut s.common),
            "t" => self
                .m
                .model_types
                .get(&objid)
                .and_then(|n| self.db.types.get_mut(n))
                .map(|t| &mut t.common),
            "f" => self
                .m
                .functions
                .get(&objid)
                .and_then(|id| self.db.functions.get_mut(id))
                .map(|f| &mut f.common),
            "c" => {
                let subid: i32 = r.get("subid")?;
                let attnum = i16::try_from(subid).unwrap_or(0);
                let Some(ColInfo { name: col, pos, .. }) = self.m.columns.get(&(objid, attnum))
                else {
                    return Ok(());
                };
                match self.m.rels.get(&objid) {
                    Some(Rel::Table(n)) => {
                        if let Some(c) = self
                            .db
                            .tables
                            .get_mut(n)
                            .and_then(|t| t.columns.get_mut(*pos))
                        {
                            c.grants.insert(grant);
                        }
                    }
                    Some(Rel::View(n)) => {
                        let what = format!("{n}.{} TO {}", quote_ident(col), grant.grantee);
                        self.report(
                            "column privilege on view",
                            format!("{} ON {what}", grant.privilege),
                        );
                    }
                    _ => {}
                }
                return Ok(());
            }
            _ => None,
        };
        if let Some(common) = common {
            // aclexplode gives an ACL's items in order: the grantees' order is pg_dump's
            if !common.acl_order.contains(&grant.grantee) {
                common.acl_order.push(grant.grantee.clone());
            }
            common
                .grants
                .get_or_insert_with(BTreeSet::new)
                .insert(grant);
        }
        Ok(())
    }

    /// What a pg_depend object (`classid`, `objid`, `objsubid`) is in the model, on either side of an edge.
    fn object_ref(&self, cat: &Catalogs, class: u32, objid: u32, subid: i32) -> Option<ObjectRef> {
        let relation = |rel: u32, attnum: i32| -> Option<ObjectRef> {
            match self.m.rels.get(&rel)? {
                Rel::Table(n) | Rel::View(n) => {
                    if attnum > 0 {
                        let col = &self
                            .m
                            .columns
                            .get(&(rel, i16::try_from(attnum).ok()?))?
                            .name;
                        Some(ObjectRef::Column(ColumnRef {
                            table: n.clone(),
                            column: col.clone(),
                        }))
                    } else {
                        Some(ObjectRef::Relation(n.clone()))
                    }
                }
                Rel::Composite(n) => Some(ObjectRef::Type(n.clone())),
                Rel::Sequence(n) => Some(ObjectRef::Sequence(n.clone())),
                Rel::Index(table) => match self.m.rels.get(table)? {
                    Rel::Table(n) | Rel::View(n) => Some(ObjectRef::Relation(n.clone())),
                    _ => None,
                },
                Rel::Other => None,
            }
        };
        if class == cat.class {
            relation(objid, subid)
        } else if class == cat.type_ {
            self.m.types.get(&objid).cloned()
        } else if class == cat.proc_ {
            self.m
                .functions
                .get(&objid)
                .map(|id| ObjectRef::Function(id.clone()))
        } else if class == cat.attrdef {
            let (rel, attnum) = self.m.attrdefs.get(&objid)?;
            relation(*rel, i32::from(*attnum))
        } else if class == cat.constraint {
            match self.m.constraints.get(&objid)? {
                ConOwner::Relation(rel) => relation(*rel, 0),
                ConOwner::Type(t) => self
                    .m
                    .model_types
                    .get(t)
                    .map(|n| ObjectRef::Type(n.clone())),
            }
        } else if class == cat.trigger {
            relation(*self.m.triggers.get(&objid)?, 0)
        } else if class == cat.rewrite {
            relation(*self.m.rules.get(&objid)?, 0)
        } else if class == cat.policy {
            relation(*self.m.policies.get(&objid)?, 0)
        } else if class == cat.namespace {
            self.m
                .schemas
                .get(&objid)
                .map(|n| ObjectRef::Schema(n.clone()))
        } else if class == cat.extension {
            self.m
                .extensions
                .get(&objid)
                .map(|n| ObjectRef::Extension(n.clone()))
        } else if class == cat.collation {
            self.m
                .collations
                .get(&objid)
                .map(|n| ObjectRef::Collation(n.clone()))
        } else {
            None
        }
    }

    fn dependencies(&mut self, row: &Row, cat: &Catalogs) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Dependencies,
        };
        let class: u32 = r.get("classid")?;
        let objid: u32 = r.get("objid")?;
        let refclass: u32 = r.get("refclassid")?;
        // A sequence's link to the column that owns it is `owned_by`; the column's default depends on the
        // sequence, not the other way round.
        if class == cat.class && refclass == cat.class && self.m.owned_sequences.contains(&objid) {
            return Ok(());
        }
        let Some(from) = self.object_ref(cat, class, objid, r.get("objsubid")?) else {
            return Ok(());
        };
        let to = match r.get::<Option<u32>>("ref_extension")? {
            Some(ext) => match self.m.extensions.get(&ext) {
                Some(name) => ObjectRef::Extension(name.clone()),
                None => return Ok(()),
            },
            None => {
                let Some(to) =
                    self.object_ref(cat, refclass, r.get("refobjid")?, r.get("refobjsubid")?)
                else {
                    return Ok(());
                };
                to
            }
        };
        if same_owner(&from, &to) || implied_schema(&from, &to) {
            return Ok(());
        }
        self.db.dependencies.insert(Dependency { from, to });
        Ok(())
    }
}

/// The relation an edge end is part of, if any.
fn owning_relation(r: &ObjectRef) -> Option<&QualName> {
    match r {
        ObjectRef::Relation(n) => Some(n),
        ObjectRef::Column(c) => Some(&c.table),
        _ => None,
    }
}

/// An edge inside one object (a column and its table, a constraint and the table's column): not an ordering
/// constraint between objects.
fn same_owner(from: &ObjectRef, to: &ObjectRef) -> bool {
    if from == to {
        return true;
    }
    match (owning_relation(from), owning_relation(to)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// Every object depends on its own schema; the name says so already.
fn implied_schema(from: &ObjectRef, to: &ObjectRef) -> bool {
    let ObjectRef::Schema(s) = to else {
        return false;
    };
    let own = match from {
        ObjectRef::Collation(n)
        | ObjectRef::Type(n)
        | ObjectRef::Sequence(n)
        | ObjectRef::Relation(n) => &n.schema,
        ObjectRef::Column(c) => &c.table.schema,
        ObjectRef::Function(id) => &id.schema,
        ObjectRef::Schema(_) | ObjectRef::Extension(_) => return false,
    };
    own == s
}

#[cfg(test)]
mod tests {
    use super::{expression_shape, ExpressionShape};

    #[test]
    fn expression_shape_reads_the_top_node() {
        // lower(name), as PostgreSQL 15 stores it.
        let call = "({FUNCEXPR :funcid 870 :funcresulttype 25 :funcretset false :funcvariadic false \
                    :funcformat 0 :funccollid 100 :inputcollid 100 :args ({VAR :varno 1 :varattno 2 \
                    :vartype 25 :vartypmod -1 :varcollid 100 :varlevelsup 0 :varnosyn 1 :varattnosyn 2 \
                    :location 62}) :location 56})";
        assert_eq!(
            expression_shape(call),
            Some(ExpressionShape {
                type_oid: 25,
                collation: 100,
                call: true
            })
        );
        // A cast written as a function (funcformat 1): in parentheses.
        let cast = call.replace(":funcformat 0", ":funcformat 1");
        assert_eq!(expression_shape(&cast).map(|s| s.call), Some(false));
        let coalesce = "({COALESCEEXPR :coalescetype 23 :coalescecollid 0 :args ({VAR :varno 1}) :location 5})";
        assert_eq!(
            expression_shape(coalesce),
            Some(ExpressionShape {
                type_oid: 23,
                collation: 0,
                call: true
            })
        );
        let op = "({OPEXPR :opno 551 :opfuncid 177 :opresulttype 23 :opretset false :opcollid 0 \
                  :inputcollid 0 :args ({VAR :varno 1} {CONST :consttype 23}) :location 10})";
        assert_eq!(
            expression_shape(op),
            Some(ExpressionShape {
                type_oid: 23,
                collation: 0,
                call: false
            })
        );
        // Other nodes, and a missing field: the definition is read from the server.
        assert_eq!(
            expression_shape("({CASE :casetype 25 :casecollid 100})"),
            None
        );
        assert_eq!(
            expression_shape("({FUNCEXPR :funcid 870 :funcformat 0})"),
            None
        );
    }
}
