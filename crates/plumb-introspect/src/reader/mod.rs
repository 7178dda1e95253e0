//! Runs the catalog queries and turns their rows into the model, translating oids into model names.
//!
//! This module holds the read itself ([`read`]: the first flight, then the pipeline, then the rows handled kind
//! by kind in a fixed order), the reader's state ([`Reader`], the oid maps in `Maps`) and the row accessor
//! (`Rec`). `pipeline.rs` sends the catalog queries and spreads them over connections; each family's rows are
//! turned into the model in its own module: `schemas.rs` (schemas, extensions, collations, event triggers,
//! unsupported objects), `types.rs`, `relations.rs` (sequences, tables, views, inheritance, columns),
//! `keys.rs` (constraints and indexes), `routines.rs` (functions, aggregates, triggers, policies, rules),
//! `acl.rs` (privileges, default privileges), `deps.rs` (`pg_depend`).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
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

mod acl;
mod deps;
mod keys;
mod pipeline;
mod relations;
mod routines;
mod schemas;
mod types;

use self::keys::Late;
use self::pipeline::{jobs, produce, Pipeline};

/// One row of a query, with the kind of object it describes for error messages.
struct Rec<'a> {
    row: &'a Row,
    kind: Step,
}

thread_local! {
    /// Where the next column [`Rec::get`] asks for is likely to be: the one after the last one found.
    static NEXT_COLUMN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl<'a> Rec<'a> {
    /// The value of `column`. Finding a column by name compares it with the columns before it, for every value of
    /// every row; the handlers mostly read a row's columns in the query's order, so the column after the last one
    /// found is tried first, and the row is searched only when that is not it (the queries' column names are
    /// unique). With [`plumb_model::KeywordSet`], a `plumb dump` of 1,000 generated tables ran 541 million
    /// instructions in this process instead of 568 (callgrind).
    fn get<T: FromSql<'a>>(&self, column: &str) -> Result<T, Error> {
        let columns = self.row.columns();
        let next = NEXT_COLUMN.get();
        let found = if columns.get(next).is_some_and(|c| c.name() == column) {
            Some(next)
        } else {
            columns.iter().position(|c| c.name() == column)
        };
        let value = match found {
            Some(at) => {
                NEXT_COLUMN.set(at + 1);
                self.row.try_get(at)
            }
            // Not there: tokio-postgres words the error.
            None => self.row.try_get(column),
        };
        value.map_err(|source| Error::Decode {
            kind: self.kind,
            column: column.to_string(),
            source,
        })
    }
}

/// The catalogs' own oids, to read pg_depend and pg_description.
#[derive(Debug, Clone, Copy, Default)]
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

/// A column (of a table, view or composite type) whose type name or collation is to be read from the server:
/// (type oid, typmod) and the collation's oid.
#[derive(Debug, Clone)]
struct Unnamed {
    rel: u32,
    column: String,
    type_name: Option<(u32, i32)>,
    collation: Option<u32>,
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
    /// Every schema's name, system schemas too, by oid: the queries give schemas as oids (a join to
    /// `pg_namespace` in each would cost the server more to plan than the rest of the query).
    namespaces: HashMap<u32, String>,
    /// Comments on user objects (`pg_description`, oid from 16384 on), by (catalog, object, sub-object); taken
    /// as the objects are read.
    descriptions: HashMap<(u32, u32, i32), String>,
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
    keywords: plumb_model::KeywordSet,
    /// What `format_type` needs of each type (not the row types of relations), by oid.
    type_names: BTreeMap<u32, crate::typename::TypeName>,
    /// Default operator classes: oid to (access method, input type).
    default_opclasses: BTreeMap<u32, (u32, u32)>,
    /// The same by (access method, input type).
    default_opclass_of: BTreeMap<(u32, u32), Vec<u32>>,
    /// Source types of the binary-coercible implicit casts the user created (`CREATE CAST ... WITHOUT
    /// FUNCTION AS IMPLICIT`, extensions' too).
    user_cast_sources: BTreeSet<u32>,
    /// Columns whose type or collation the client could not name: named by the server at the end.
    unnamed_columns: Vec<Unnamed>,
    /// Aggregates read, whose `CREATE AGGREGATE` is built at the end (`queries::AGGREGATES`).
    aggregates: Vec<u32>,
    /// Range types whose parts are still to be read (`Reader::ranges`), by oid.
    unread_ranges: BTreeMap<u32, QualName>,
    /// Constraints whose definition is still to be read: oid to (table oid, constraint name).
    unwritten_constraints: BTreeMap<u32, (u32, String)>,
    /// Indexes whose definition is still to be read: oid to (table oid, index name).
    unwritten_indexes: BTreeMap<u32, (u32, String)>,
    /// Indexes with options on their attributes (operator class options), which `pg_get_indexdef` writes.
    index_options: BTreeSet<u32>,
    /// The primary key, unique or exclusion constraint each index implements, by the index's oid.
    index_constraints: HashMap<u32, String>,
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
    /// Catalog queries run on statements prepared ahead (`pipeline::prepare_ahead`).
    pub prepared: usize,
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
    // When the second connection is being opened at the start, the snapshot is exported in the first flight and
    // imported as soon as that connection is up, while the first flight still runs: the second connection's
    // queries start a few milliseconds sooner (on a small schema they end last).
    // A connection that cannot be opened or cannot import the snapshot is done without (see below).
    let (snapshot_tx, snapshot_rx) = tokio::sync::oneshot::channel::<String>();
    // Until the snapshot comes, that connection would be idle: it parses and analyses its own queries meanwhile
    // (`pipeline::prepare_ahead`), which is then not on the read's critical path.
    let imported = more.as_ref().and_then(|m| m.early.take()).map(|early| {
        tokio::spawn(async move {
            let c = early.await.ok()?.ok()?;
            let (prepared, pid) = pipeline::prepare_ahead(&c).await;
            let snapshot = snapshot_rx.await.ok()?;
            let same = pipeline::import(&c, &snapshot).await?;
            // Behind a pooler the transaction may run on another server connection than the one the statements
            // were prepared on: then they are not used.
            let prepared = if pid.is_some() && pid == same {
                prepared
            } else {
                Vec::new()
            };
            Some((c, prepared))
        })
    });
    let exporting = imported.is_some();
    let export_early = async move {
        if !exporting {
            return Ok(None);
        }
        let row = typed_one(client, Step::SnapshotExport, queries::EXPORT_SNAPSHOT).await?;
        let snapshot: String = Rec {
            row: &row,
            kind: Step::SnapshotExport,
        }
        .get("snapshot")?;
        let _ = snapshot_tx.send(snapshot.clone());
        Ok::<_, Error>(Some(snapshot))
    };
    // The first flight: each request is sent when its future is first polled, in this order. What the other
    // connections wait for (the snapshot, the relation count, the schemas read, which kinds are there at all)
    // comes first, and they start as soon as it has come; what only this process needs (catalog oids, keywords,
    // operator classes) follows in the same flight and is waited for by the handling of the rows.
    let schemas_sql = queries::schemas();
    let essentials = futures_util::future::try_join3(
        futures_util::future::try_join4(
            async {
                client
                    .batch_execute(crate::BEGIN)
                    .await
                    .map_err(|e| Error::query(Step::BeginTransaction, e))
            },
            typed_one(client, Step::SessionSettings, queries::SETUP),
            export_early,
            async {
                if counting {
                    typed_one(client, Step::RelationCount, queries::RELATION_COUNT)
                        .await
                        .map(Some)
                } else {
                    Ok(None)
                }
            },
        ),
        small(client, Step::Schemas, &schemas_sql),
        typed_one(client, Step::Presence, queries::PRESENCE),
    );
    let rest = futures_util::future::try_join3(
        typed_one(client, Step::CatalogOids, queries::CATALOG_OIDS),
        small(client, Step::Keywords, queries::KEYWORDS),
        small(client, Step::OperatorClasses, queries::DEFAULT_OPCLASSES),
    );
    let mut essentials = std::pin::pin!(essentials);
    let mut rest = std::pin::pin!(rest);
    let ((_, setup, snapshot, count), schemas, presence) =
        match futures_util::poll!(essentials.as_mut()) {
            std::task::Poll::Ready(done) => done?,
            std::task::Poll::Pending => {
                // Sends the rest of the flight behind the essentials; its rows are taken later.
                if let std::task::Poll::Ready(Err(e)) = futures_util::poll!(rest.as_mut()) {
                    return Err(e);
                }
                essentials.await?
            }
        };
    let imported = std::cell::Cell::new(imported);
    let v: i32 = Rec {
        row: &setup,
        kind: Step::ServerVersion,
    }
    .get("version")?;
    let version = u32::try_from(v).unwrap_or(0);
    if version < MIN_SERVER_VERSION {
        return Err(Error::ServerVersion(version));
    }
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
        if let Some(task) = imported.take() {
            task.abort();
        }
    }
    let finished = RefCell::new(Vec::new());
    // The schemas read, by oid (as `Reader::schemas` keeps them).
    let mut nsp = Vec::new();
    for row in &schemas {
        let r = Rec {
            row,
            kind: Step::Schemas,
        };
        if opts.selects(&r.get::<String>("name")?) {
            nsp.push(r.get::<u32>("oid")?);
        }
    }
    nsp.sort_unstable();
    let whole = opts.include_schemas.is_empty();

    let present = Rec {
        row: &presence,
        kind: Step::Presence,
    };
    let mut absent = Vec::new();
    for (kind, column) in queries::PRESENT {
        if !present.get::<bool>(column)? {
            absent.push(kind);
        }
    }
    let (mut p, mut queues) = Pipeline::new(jobs(version), wanted, &absent);
    let main_queue = queues.remove(0);
    let opened = std::cell::Cell::new(1usize);
    // Sent before the first connection's queries, so that the snapshot is exported at once; the other
    // connections are opened meanwhile.
    let export = (wanted > 1 && snapshot.is_none())
        .then(|| typed_one(client, Step::SnapshotExport, queries::EXPORT_SNAPSHOT));
    let others = async {
        let snapshot = match (export, snapshot) {
            (Some(export), _) => {
                let row = export.await?;
                Rec {
                    row: &row,
                    kind: Step::SnapshotExport,
                }
                .get::<String>("snapshot")?
            }
            (None, Some(snapshot)) if wanted > 1 => snapshot,
            _ => return Ok(0),
        };
        let import = import_statement(&snapshot);
        let (nsp, finished, import, more, opened, imported) =
            (&nsp, &finished, &import, &more, &opened, &imported);
        try_join_all(queues.into_iter().map(|queue| async move {
            // A connection that cannot be opened or cannot import the snapshot (a server near
            // max_connections, a pooler that does not keep sessions): its queries run on the first one.
            let extra = async {
                if let Some(task) = imported.take() {
                    if let Ok(Some(ready)) = task.await {
                        return Some(ready);
                    }
                }
                let more = more.as_ref()?;
                let c = match more.early.take() {
                    Some(early) => early.await.ok()?.ok()?,
                    None => more.target.connect().await.ok()?,
                };
                c.batch_execute(import).await.ok()?;
                Some((c, Vec::new()))
            }
            .await;
            match extra {
                Some((c, prepared)) => {
                    opened.set(opened.get() + 1);
                    let produced = produce(&c, queue, &prepared, nsp, whole, start, finished).await;
                    // Closed (its read-only transaction with it) when its queries are done. The client goes
                    // before its prepared statements: a statement dropped while its client lives is closed on
                    // the server (a `Close` message and its reply), a round trip the connection must finish
                    // before it can say goodbye; the session's end discards them anyway.
                    drop(c);
                    drop(prepared);
                    produced
                }
                None => produce(client, queue, &[], nsp, whole, start, finished).await,
            }
        }))
        .await
        .map(|bound| bound.into_iter().sum::<usize>())
    };
    let producers = futures_util::future::try_join(
        others,
        produce(client, main_queue, &[], &nsp, whole, start, &finished),
    );
    let handling = async {
        let (cat, keywords, opclasses) = rest.await?;
        let mut rd = Reader::new(version, &cat, &keywords, &opclasses)?;
        for row in &schemas {
            rd.schemas(row, opts)?;
        }
        finished.borrow_mut().push((Step::Schemas, start.elapsed()));
        p.rows(Step::Namespaces, |row| rd.namespaces(row)).await?;
        p.rows(Step::Descriptions, |row| rd.descriptions(row))
            .await?;
        rd.schema_comments();
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
        p.rows(Step::Triggers, |row| rd.triggers(row)).await?;
        p.rows(Step::Policies, |row| rd.policies(row)).await?;
        p.rows(Step::Rules, |row| rd.rules(row)).await?;
        p.rows(Step::Privileges, |row| rd.grants(row)).await?;
        p.rows(Step::DefaultPrivileges, |row| rd.default_privileges(row))
            .await?;
        p.rows(Step::EventTriggers, |row| rd.event_triggers(row))
            .await?;
        p.rows(Step::Dependencies, |row| rd.dependencies(row))
            .await?;
        if rd.column_names_late(client).await? {
            finished
                .borrow_mut()
                .push((Step::ColumnNames, start.elapsed()));
        }
        let aggregates = std::mem::take(&mut rd.m.aggregates);
        if !aggregates.is_empty() {
            let rows = rows_of(
                client,
                Step::Aggregates,
                queries::AGGREGATES,
                &[(&aggregates, PgType::OID_ARRAY)],
            )
            .await?;
            for row in &rows {
                rd.aggregates(row)?;
            }
            finished
                .borrow_mut()
                .push((Step::Aggregates, start.elapsed()));
        }
        if rd.ranges(client).await? {
            finished.borrow_mut().push((Step::Ranges, start.elapsed()));
        }
        let mut candidates = 0usize;
        p.rows(Step::UnsupportedObjects, |_| {
            candidates += 1;
            Ok(())
        })
        .await?;
        if candidates > 0 {
            let rows = rows_of(
                client,
                Step::UnsupportedNames,
                &queries::unsupported(),
                &[(&nsp, PgType::OID_ARRAY), (&whole, PgType::BOOL)],
            )
            .await?;
            for row in &rows {
                rd.unsupported(row)?;
            }
            finished
                .borrow_mut()
                .push((Step::UnsupportedNames, start.elapsed()));
        }
        Ok(rd)
    };
    // The producers come first: when a query fails, its error is returned, not the handling's "interrupted".
    let ((prepared, _), mut rd) = futures_util::future::try_join(producers, handling).await?;

    rd.db.unsupported.sort();
    rd.db.unsupported.dedup();
    Ok(Read {
        db: rd.db,
        timings: finished.into_inner(),
        connections: opened.get(),
        prepared,
    })
}

/// What another connection runs to read in the first one's snapshot (`pg_export_snapshot`'s name).
fn import_statement(snapshot: &str) -> String {
    format!(
        "{}; SET TRANSACTION SNAPSHOT {}; {}; {}",
        crate::BEGIN,
        plumb_model::quote_literal(snapshot),
        queries::SETUP,
        queries::NO_PARALLEL_WORKERS
    )
}

/// A query without parameters, its rows all at once (one round trip: no separate prepare step).
async fn small(client: &Client, kind: Step, sql: &str) -> Result<Vec<Row>, Error> {
    rows_of(client, kind, sql, &[]).await
}

/// A query with typed parameters, its rows all at once (one round trip: no separate prepare step); the late
/// reads use it.
async fn rows_of(
    client: &Client,
    kind: Step,
    sql: &str,
    params: &[(&(dyn ToSql + Sync), PgType)],
) -> Result<Vec<Row>, Error> {
    client
        .query_typed(sql, params)
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
    cat: Catalogs,
}

impl Reader {
    /// A reader for a server of that version, from the catalog oids, the keywords and the default operator
    /// classes the first flight read.
    fn new(version: u32, cat: &Row, keywords: &[Row], opclasses: &[Row]) -> Result<Reader, Error> {
        let cat = {
            let r = Rec {
                row: cat,
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
        let mut rd = Reader {
            db: Database {
                server_version: Some(version),
                ..Database::default()
            },
            m: Maps::default(),
            cat,
        };
        let words = keywords
            .iter()
            .map(|row| {
                Rec {
                    row,
                    kind: Step::Keywords,
                }
                .get::<&str>("word")
            })
            .collect::<Result<Vec<_>, _>>()?;
        rd.m.keywords = plumb_model::KeywordSet::new(words);
        for row in opclasses {
            let r = Rec {
                row,
                kind: Step::OperatorClasses,
            };
            let (oid, method, intype): (u32, u32, u32) =
                (r.get("oid")?, r.get("opcmethod")?, r.get("opcintype")?);
            if oid == 0 {
                rd.m.user_cast_sources.insert(intype);
            } else {
                rd.m.default_opclasses.insert(oid, (method, intype));
                rd.m.default_opclass_of
                    .entry((method, intype))
                    .or_default()
                    .push(oid);
            }
        }
        Ok(rd)
    }

    fn namespaces(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Namespaces,
        };
        self.m.namespaces.insert(r.get("oid")?, r.get("name")?);
        Ok(())
    }

    fn descriptions(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Descriptions,
        };
        self.m.descriptions.insert(
            (r.get("classoid")?, r.get("objoid")?, r.get("objsubid")?),
            r.get("description")?,
        );
        Ok(())
    }

    /// The comment on an object: `class` is its catalog's oid (`self.cat`), `sub` a column's attnum (else 0).
    fn comment(&mut self, class: u32, oid: u32, sub: i32) -> Option<String> {
        self.m.descriptions.remove(&(class, oid, sub))
    }

    /// The name of the schema whose oid is in `column` of the row (`kind` names the object for the error).
    fn schema_of(&self, r: &Rec<'_>, column: &str) -> Result<String, Error> {
        let oid: u32 = r.get(column)?;
        self.namespace(oid, r.kind)
    }

    fn namespace(&self, oid: u32, kind: Step) -> Result<String, Error> {
        self.m
            .namespaces
            .get(&oid)
            .cloned()
            .ok_or_else(|| Error::Catalog {
                kind: "schema",
                name: format!("oid {oid}"),
                reason: format!("named by the {kind} query but not in pg_namespace"),
            })
    }

    /// A qualified name from a schema oid column and a name column, when both are set.
    fn qual_of(&self, r: &Rec<'_>, schema: &str, name: &str) -> Result<Option<QualName>, Error> {
        match (
            r.get::<Option<u32>>(schema)?,
            r.get::<Option<String>>(name)?,
        ) {
            (Some(s), Some(n)) => Ok(Some(QualName::new(self.namespace(s, r.kind)?, n))),
            _ => Ok(None),
        }
    }
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
