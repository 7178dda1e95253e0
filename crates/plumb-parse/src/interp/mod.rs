//! Interpreting statements, in order, into the model.
//!
//! This module holds the interpreter's state ([`Interp`]), the entry points (`run_script`, `finish`) and the
//! dispatch of one statement (`statement`) to the module of its family: `schemas`, `typedefs`, `sequences`,
//! `tables`, `constraints`, `indexes`, `views`, `routines`, `triggers` (and policies), `alter_table`,
//! `rename`, `drop`, `acl` (owners, grants, comments), `do_block`; `resolve` finds names in the model,
//! `nodes` reads pg_query nodes, `query_refs` finds the names a query refers to, `deps` computes dependencies
//! once the script has run. Statement splitting lives in `crate::split`.

use std::collections::{BTreeMap, BTreeSet};

use pg_query::protobuf::{self, node::Node as N, ConstrType, Node, ObjectType};

use plumb_model::{
    function_cost, function_rows, quote_ident, quote_literal, AclKind, Attribute, Collation,
    Column, ColumnRef, Common, Constraint, ConstraintKind, Database, DefaultPrivileges, Dependency,
    DomainConstraint, Extension, Function, FunctionId, FunctionKind, Grant, Identity, Index,
    Namespace, ObjectRef, Parallel, PartitionOf, Persistence, Policy, PolicyCommand, QualName,
    ReplicaIdentity, SchemaNames, SchemaRename, Sequence, SequenceOptions, Storage, Table, Trigger,
    TriggerEnabled, Type, TypeKind, Unsupported, View, ViewColumn, ViewKind,
};

use crate::expr::{self, coerce, deparse_expr, figure_colname, Analyzer, Env, TExpr};
use crate::names::{
    choose_name, index_column_names, make_object_name, name_addition, truncate_ident,
};
use crate::source::LineIndex;
use crate::split::{chunk_bounds, skip_space_and_comments};
use crate::types::{base, builtin, extension_typmod, Typmod};
use crate::{Error, Parsed, Script, Warning};

/// Where in the parsed text a failure is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Loc {
    /// The start of the statement: nothing more precise is known.
    Statement,
    /// A byte offset in the parsed text.
    Byte(usize),
}

impl Loc {
    /// A parse node's `location` (pg_query gives -1 to a node that has none: then the statement).
    fn at(location: i32) -> Loc {
        usize::try_from(location).map_or(Loc::Statement, Loc::Byte)
    }
}

/// A failure inside one statement: its message and where it is.
#[derive(Clone, Debug)]
pub(crate) struct Fail {
    message: String,
    loc: Loc,
}

impl Fail {
    fn new(message: impl Into<String>, loc: Loc) -> Fail {
        Fail {
            message: message.into(),
            loc,
        }
    }

    /// A failure of the statement as a whole.
    fn statement(message: impl Into<String>) -> Fail {
        Fail::new(message, Loc::Statement)
    }
}

type R<T> = Result<T, Fail>;

mod acl;
mod alter_table;
mod constraints;
mod deps;
mod do_block;
mod drop;
mod event_triggers;
mod indexes;
mod nodes;
mod query_refs;
mod rename;
mod resolve;
mod routines;
mod schemas;
mod sequences;
mod tables;
mod triggers;
mod typedefs;
mod views;

#[allow(unused_imports)]
use self::{
    acl::*, alter_table::*, constraints::*, deps::*, drop::*, indexes::*, nodes::*, query_refs::*,
    rename::*, resolve::*, routines::*, schemas::*, sequences::*, tables::*, triggers::*,
    typedefs::*, views::*,
};

fn fail<T>(msg: impl Into<String>, loc: Loc) -> R<T> {
    Err(Fail::new(msg, loc))
}

/// Interpreter state.
#[derive(Clone)]
pub(crate) struct Interp {
    db: Database,
    search_path: Vec<String>,
    warnings: Vec<Warning>,
    /// Index name -> the relation it belongs to.
    index_owner: BTreeMap<QualName, QualName>,
    /// Constraint names per schema (for implicit-name collisions), with a count.
    cons: BTreeMap<String, BTreeMap<String, usize>>,
    /// The statement being interpreted: its start offset.
    stmt_start: usize,
    /// Warnings raised by the statement being interpreted.
    pending_warnings: Vec<String>,
    /// Relations each view reads.
    view_reads: BTreeMap<QualName, BTreeSet<QualName>>,
    /// Tables that have (or had) partitions or inheritance children: only these are scanned for children.
    parents: BTreeSet<QualName>,
    /// The ALTER TABLE being interpreted said ONLY.
    alter_only: bool,
    /// Columns, functions and types each view uses (pg_depend of its rewrite rule).
    view_uses: BTreeMap<QualName, (BTreeSet<ColumnRef>, BTreeSet<ObjectRef>)>,
    /// Relations, columns, functions and types the body of each SQL-standard function uses (`RETURN expr`,
    /// `BEGIN ATOMIC ... END`: pg_depend of the function, as for a view).
    function_uses: BTreeMap<FunctionId, BodyUses>,
    /// What the last analysed query used.
    pending_expr_deps: (BTreeSet<ColumnRef>, BTreeSet<ObjectRef>),
    /// The role statements run as (`SET ROLE`); owner of what they create, for privileges.
    current_role: String,
    /// A `SET ROLE` or `SET SESSION AUTHORIZATION` named the role: `current_role` is not plumb's assumption.
    role_stated: bool,
}

impl Interp {
    pub(crate) fn new() -> Self {
        // PostgreSQL 15+: the public schema is owned by pg_database_owner, which alone may create in it.
        let db = Database::created(None);
        Interp {
            db,
            search_path: vec!["public".into()],
            warnings: Vec::new(),
            index_owner: BTreeMap::new(),
            cons: BTreeMap::new(),
            stmt_start: 0,
            pending_warnings: Vec::new(),
            view_reads: BTreeMap::new(),
            parents: BTreeSet::new(),
            alter_only: false,
            view_uses: BTreeMap::new(),
            function_uses: BTreeMap::new(),
            pending_expr_deps: (BTreeSet::new(), BTreeSet::new()),
            current_role: "postgres".into(),
            role_stated: false,
        }
    }

    pub(crate) fn finish(mut self) -> Parsed {
        // a replica identity index dropped later leaves the setting meaning NOTHING, as the server reads it
        for t in self.db.tables.values_mut() {
            if let ReplicaIdentity::Index(i) = &t.replica_identity {
                if !t.indexes.contains_key(i) {
                    t.replica_identity = ReplicaIdentity::Nothing;
                }
            }
        }
        self.compute_dependencies();
        self.db.unsupported.sort();
        Parsed {
            database: self.db,
            warnings: self.warnings,
        }
    }

    pub(crate) fn run_script(&mut self, script: &Script) -> Result<(), Error> {
        let idx = LineIndex::new(script);
        let sql = &script.sql;
        if let Some(p) = sql.find('\0') {
            return Err(idx.error(p, "invalid byte sequence: NUL character"));
        }
        // Large scripts are parsed in chunks of whole statements on worker threads while this thread
        // interprets the chunks already parsed, in order. Should any chunk not parse on its own (the
        // scanner's statement split can differ from the parser's, as inside BEGIN ATOMIC bodies), the whole
        // script is parsed at once instead, as small scripts are.
        let chunks = if sql.len() >= PARALLEL_MIN_BYTES {
            chunk_bounds(sql)
        } else {
            Vec::new()
        };
        if chunks.len() > 1 {
            let workers = std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
                .clamp(1, 4);
            let snapshot = self.clone();
            let all_ok = std::thread::scope(|scope| -> Result<bool, Error> {
                let mut receivers = Vec::new();
                // Parse trees already interpreted go back to their worker to be freed there, off this
                // thread, which is the one everything waits for.
                let mut done = Vec::new();
                for w in 0..workers {
                    let (tx, rx) =
                        std::sync::mpsc::sync_channel::<Option<pg_query::ParseResult>>(2);
                    let (done_tx, done_rx) = std::sync::mpsc::channel::<pg_query::ParseResult>();
                    let mine: Vec<(usize, usize)> =
                        chunks.iter().copied().skip(w).step_by(workers).collect();
                    scope.spawn(move || {
                        for (a, b) in mine {
                            while let Ok(old) = done_rx.try_recv() {
                                drop(old);
                            }
                            let r = pg_query::parse(&sql[a..b], 0).ok();
                            let failed = r.is_none();
                            if tx.send(r).is_err() || failed {
                                return;
                            }
                        }
                        // Ends when the interpreting thread drops its sender.
                        for old in done_rx {
                            drop(old);
                        }
                    });
                    receivers.push(rx);
                    done.push(done_tx);
                }
                for (i, (a, _)) in chunks.iter().enumerate() {
                    let Ok(Some(parsed)) = receivers[i % workers].recv() else {
                        return Ok(false);
                    };
                    self.run_statements(&parsed.protobuf.stmts, sql, *a, &idx)?;
                    // A worker that has stopped no longer frees: then this thread does.
                    let _ = done[i % workers].send(parsed);
                }
                Ok(true)
            })?;
            if all_ok {
                return Ok(());
            }
            // A chunk that does not parse alone (a syntax error, or a statement the scanner split
            // differently from the parser): forget what the chunks did and parse the script whole.
            *self = snapshot;
        }
        let parsed = match pg_query::parse(sql, 0) {
            Ok(p) => p,
            Err(e) => return Err(locate_syntax_error(sql, &idx, &e)),
        };
        self.run_statements(&parsed.protobuf.stmts, sql, 0, &idx)
    }

    /// Interpret parsed statements; `base` is the byte offset of the parsed text in the script.
    pub(super) fn run_statements(
        &mut self,
        stmts: &[protobuf::RawStmt],
        sql: &str,
        base: usize,
        idx: &LineIndex<'_>,
    ) -> Result<(), Error> {
        for raw in stmts {
            let start = skip_space_and_comments(sql, base + raw.stmt_location.max(0) as usize);
            self.stmt_start = start;
            self.alter_only = false;
            let Some(node) = raw.stmt.as_deref().and_then(|n| n.node.as_ref()) else {
                continue;
            };
            if let Err(Fail { message, loc }) = self.statement(node) {
                let at = match loc {
                    Loc::Byte(offset) => base + offset,
                    Loc::Statement => start,
                };
                return Err(idx.error(at, message));
            }
            let pending: Vec<String> = std::mem::take(&mut self.pending_warnings);
            for w in pending {
                let (location, _) = idx.location(start);
                self.warnings.push(Warning {
                    location,
                    message: w,
                });
            }
        }
        Ok(())
    }
}

/// Scripts at least this large are parsed in parallel chunks.
const PARALLEL_MIN_BYTES: usize = 256 * 1024;

/// Dependencies of this many tables or more are found on two threads.
const PARALLEL_MIN_TABLES: usize = 1000;

/// Find where a syntax error is: the first statement that does not parse alone, then the first token at
/// which no valid statement can continue (binary search over token prefixes).
fn locate_syntax_error(sql: &str, idx: &LineIndex<'_>, err: &pg_query::Error) -> Error {
    let message = match err {
        pg_query::Error::Parse(m) => m.clone(),
        other => other.to_string(),
    };
    let pieces: Vec<(usize, &str)> = match pg_query::split_with_scanner(sql) {
        Ok(p) => p
            .into_iter()
            .map(|s| (s.as_ptr() as usize - sql.as_ptr() as usize, s))
            .collect(),
        Err(_) => vec![(0, sql)],
    };
    let (offset, text, message) = pieces
        .iter()
        .find_map(|(off, s)| match pg_query::parse(s, 0) {
            Err(pg_query::Error::Parse(m)) => Some((*off, *s, m)),
            Err(e) => Some((*off, *s, e.to_string())),
            Ok(_) => None,
        })
        .unwrap_or((0, sql, message));
    let start = skip_space_and_comments(sql, offset);
    let at = offset + error_offset_in(text, &message).unwrap_or(start - offset);
    idx.error(at, message)
}

fn error_offset_in(text: &str, message: &str) -> Option<usize> {
    let bad = |prefix: &str| match pg_query::parse(prefix, 0) {
        Ok(_) => false,
        Err(pg_query::Error::Parse(m)) => !m.ends_with("at end of input"),
        Err(_) => true,
    };
    if message.ends_with("at end of input") {
        return Some(text.trim_end().len());
    }
    if let Ok(scan) = pg_query::scan(text) {
        let toks: Vec<(usize, usize)> = scan
            .tokens
            .iter()
            .map(|t| (t.start.max(0) as usize, t.end.max(0) as usize))
            .collect();
        if !toks.is_empty() && bad(&text[..toks[toks.len() - 1].1.min(text.len())]) {
            let (mut lo, mut hi) = (0usize, toks.len() - 1);
            while lo < hi {
                let mid = (lo + hi) / 2;
                if bad(&text[..toks[mid].1.min(text.len())]) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return Some(toks[lo].0);
        }
    }
    // A lexer error names the text it stopped at.
    let near = message
        .split("at or near \"")
        .nth(1)
        .and_then(|r| r.rsplit_once('"'))
        .map(|(n, _)| n)?;
    text.find(near)
}

impl Interp {
    pub(super) fn warn(&mut self, msg: impl Into<String>) {
        self.pending_warnings.push(msg.into());
    }

    pub(super) fn unsupported(&mut self, kind: &str, name: String) {
        self.warn(format!(
            "{kind} {name} is not modelled by plumb yet and is not compared"
        ));
        self.db.unsupported.push(Unsupported {
            kind: kind.to_string(),
            name,
        });
    }

    // ----- statements --------------------------------------------------------------------------------

    pub(super) fn statement(&mut self, node: &N) -> R<()> {
        match node {
            N::CreateSchemaStmt(s) => self.create_schema(s),
            N::CreateExtensionStmt(s) => self.create_extension(s),
            N::AlterExtensionStmt(s) => {
                for d in def_elems(&s.options) {
                    if d.defname == "new_version" {
                        let v = d.arg.as_deref().and_then(str_of);
                        if let Some(e) = self.db.extensions.get_mut(&s.extname) {
                            e.version = v;
                        }
                    }
                }
                Ok(())
            }
            N::CreateEnumStmt(s) => self.create_enum(s),
            N::CreateDomainStmt(s) => self.create_domain(s),
            N::CompositeTypeStmt(s) => self.create_composite(s),
            N::CreateRangeStmt(s) => self.create_range(s),
            N::CreateSeqStmt(s) => self.create_sequence(s),
            N::AlterSeqStmt(s) => self.alter_sequence(s),
            N::CreateStmt(s) => self.create_table(s),
            N::IndexStmt(s) => self.create_index(s),
            N::ViewStmt(s) => self.create_view(s),
            N::CreateTableAsStmt(s) => self.create_table_as(s),
            N::CreateFunctionStmt(s) => self.create_function(s),
            N::CreateTrigStmt(s) => self.create_trigger(s),
            N::CreatePolicyStmt(s) => self.create_policy(s),
            N::AlterPolicyStmt(s) => self.alter_policy(s),
            N::AlterTableStmt(s) => self.alter_table(s),
            N::AlterEnumStmt(s) => self.alter_enum(s),
            N::AlterDomainStmt(s) => self.alter_domain(s),
            N::RenameStmt(s) => self.rename(s),
            N::AlterOwnerStmt(s) => self.alter_owner(s),
            N::AlterObjectSchemaStmt(s) => self.set_schema(s),
            N::AlterFunctionStmt(s) => self.alter_function(s),
            N::DropStmt(s) => self.drop(s),
            N::CommentStmt(s) => self.comment(s),
            N::GrantStmt(s) => self.grant(s),
            N::DefineStmt(s) => self.define(s),
            N::VariableSetStmt(s) => {
                if s.name == "role" || s.name == "session_authorization" {
                    use protobuf::VariableSetKind as K;
                    self.role_stated = s.kind() == K::VarSetValue;
                    self.current_role = match s.kind() {
                        K::VarSetValue => s
                            .args
                            .first()
                            .and_then(str_of)
                            .unwrap_or_else(|| "postgres".into()),
                        _ => "postgres".into(),
                    };
                }
                if s.name == "search_path" {
                    use protobuf::VariableSetKind as K;
                    match s.kind() {
                        K::VarSetValue => {
                            self.search_path = s
                                .args
                                .iter()
                                .filter_map(str_of)
                                .flat_map(|v| {
                                    v.split(',')
                                        .map(|p| p.trim().to_string())
                                        .collect::<Vec<_>>()
                                })
                                .filter(|p| !p.is_empty() && p != "$user")
                                .collect()
                        }
                        K::VarSetDefault | K::VarReset | K::VarResetAll => {
                            self.search_path = vec!["public".into()]
                        }
                        _ => {}
                    }
                }
                Ok(())
            }
            N::SelectStmt(s) => self.select(s),
            N::DoStmt(s) => self.do_block(s),
            N::CallStmt(_) => {
                self.warn("CALL: its effect cannot be known offline (use --dev-url)");
                Ok(())
            }
            N::AlterDefaultPrivilegesStmt(s) => self.alter_default_privileges(s),
            // `CLUSTER t USING idx` marks the index as the table's clustering index, as `CLUSTER ON` does
            N::ClusterStmt(c) if !c.indexname.is_empty() => {
                if let Some(rv) = &c.relation {
                    let q = self.table_or_view(rv)?;
                    self.set_cluster_on(&q, Some(&c.indexname))?;
                }
                Ok(())
            }
            N::InsertStmt(_)
            | N::UpdateStmt(_)
            | N::DeleteStmt(_)
            | N::MergeStmt(_)
            | N::TransactionStmt(_)
            | N::VacuumStmt(_)
            | N::ExplainStmt(_)
            | N::CopyStmt(_)
            | N::CheckPointStmt(_)
            | N::DiscardStmt(_)
            | N::LockStmt(_)
            | N::NotifyStmt(_)
            | N::ListenStmt(_)
            | N::UnlistenStmt(_)
            | N::VariableShowStmt(_)
            | N::ConstraintsSetStmt(_)
            | N::RefreshMatViewStmt(_)
            | N::ClusterStmt(_)
            | N::ReindexStmt(_)
            | N::TruncateStmt(_)
            | N::PrepareStmt(_)
            | N::ExecuteStmt(_)
            | N::DeallocateStmt(_) => Ok(()),
            N::CreateRoleStmt(_)
            | N::AlterRoleStmt(_)
            | N::DropRoleStmt(_)
            | N::GrantRoleStmt(_)
            | N::AlterRoleSetStmt(_) => {
                self.warn("roles are cluster-wide and not part of a schema: statement ignored");
                Ok(())
            }
            N::CreatedbStmt(_)
            | N::DropdbStmt(_)
            | N::AlterDatabaseStmt(_)
            | N::AlterDatabaseSetStmt(_)
            | N::AlterDatabaseRefreshCollStmt(_) => {
                self.warn("database-level statement ignored");
                Ok(())
            }
            N::CreateEventTrigStmt(s) => self.create_event_trigger(s),
            N::AlterEventTrigStmt(s) => self.alter_event_trigger(s),
            N::CreateForeignTableStmt(s) => {
                let name = s
                    .base_stmt
                    .as_ref()
                    .and_then(|b| b.relation.as_ref())
                    .map(display_rv)
                    .unwrap_or_default();
                self.unsupported("foreign table", name);
                Ok(())
            }
            N::RuleStmt(s) => {
                let rel = match s.relation.as_ref() {
                    Some(rv) => self.table_or_view(rv)?,
                    None => return fail("rule without a relation", Loc::Statement),
                };
                self.unsupported("rule", format!("{} ON {rel}", quote_ident(&s.rulename)));
                Ok(())
            }
            N::CreateStatsStmt(s) => {
                self.unsupported("statistics object", strs(&s.defnames).join("."));
                Ok(())
            }
            N::CreatePublicationStmt(s) => {
                self.unsupported("publication", quote_ident(&s.pubname));
                Ok(())
            }
            N::CreateSubscriptionStmt(s) => {
                self.unsupported("subscription", quote_ident(&s.subname));
                Ok(())
            }
            N::CreateCastStmt(_) => {
                self.unsupported("cast", "(cast)".into());
                Ok(())
            }
            N::CreateOpClassStmt(s) => {
                self.unsupported("operator class", strs(&s.opclassname).join("."));
                Ok(())
            }
            N::CreateOpFamilyStmt(s) => {
                self.unsupported("operator family", strs(&s.opfamilyname).join("."));
                Ok(())
            }
            N::CreateConversionStmt(s) => {
                self.unsupported("conversion", strs(&s.conversion_name).join("."));
                Ok(())
            }
            N::CreateFdwStmt(s) => {
                self.unsupported("foreign-data wrapper", quote_ident(&s.fdwname));
                Ok(())
            }
            N::CreateForeignServerStmt(s) => {
                self.unsupported("server", quote_ident(&s.servername));
                Ok(())
            }
            N::CreateUserMappingStmt(_) => {
                self.unsupported("user mapping", "(user mapping)".into());
                Ok(())
            }
            N::CreatePlangStmt(s) => {
                self.unsupported("language", quote_ident(&s.plname));
                Ok(())
            }
            N::CreateTableSpaceStmt(s) => {
                self.warn(format!(
                    "tablespace {} is cluster-wide: statement ignored",
                    quote_ident(&s.tablespacename)
                ));
                Ok(())
            }
            N::CreateTransformStmt(_)
            | N::CreateAmStmt(_)
            | N::AlterTsconfigurationStmt(_)
            | N::AlterTsdictionaryStmt(_) => {
                self.unsupported("object", deparse_node(node));
                Ok(())
            }
            N::SecLabelStmt(_) => {
                self.warn("SECURITY LABEL is not modelled");
                Ok(())
            }
            N::AlterCollationStmt(_) | N::AlterStatsStmt(_) | N::AlterOperatorStmt(_) => {
                self.warn("statement on an object plumb does not model: ignored");
                Ok(())
            }
            N::AlterTypeStmt(_) => {
                self.warn("ALTER TYPE ... SET (...) is not modelled: ignored");
                Ok(())
            }
            N::AlterObjectDependsStmt(_) => {
                self.warn("ALTER ... DEPENDS ON EXTENSION is not modelled: ignored");
                Ok(())
            }
            N::AlterTableSpaceOptionsStmt(_)
            | N::AlterTableMoveAllStmt(_)
            | N::AlterSystemStmt(_) => {
                self.warn("cluster-level statement ignored");
                Ok(())
            }
            _ => {
                self.warn(
                    "statement whose effect cannot be known offline: ignored (use --dev-url)",
                );
                Ok(())
            }
        }
    }

    pub(super) fn select(&mut self, s: &protobuf::SelectStmt) -> R<()> {
        // pg_dump: SELECT pg_catalog.set_config('search_path', '', false);
        let mut other_calls = false;
        for t in &s.target_list {
            let Some(N::ResTarget(rt)) = &t.node else {
                continue;
            };
            match rt.val.as_deref().and_then(|v| v.node.as_ref()) {
                Some(N::FuncCall(f))
                    if strs(&f.funcname).last().is_some_and(|n| n == "set_config") =>
                {
                    let args: Vec<Option<String>> = f.args.iter().map(str_of).collect();
                    if args.first().and_then(|a| a.as_deref()) == Some("search_path") {
                        if let Some(Some(v)) = args.get(1) {
                            self.search_path = v
                                .split(',')
                                .map(|p| p.trim().trim_matches('"').to_string())
                                .filter(|p| !p.is_empty() && p != "$user")
                                .collect();
                        }
                    }
                }
                Some(N::FuncCall(f)) => {
                    let name = strs(&f.funcname).join(".");
                    if !matches!(
                        name.as_str(),
                        "pg_catalog.setval" | "setval" | "pg_catalog.lo_create"
                    ) {
                        other_calls = true;
                    }
                }
                _ => {}
            }
        }
        if other_calls {
            self.warn(
                "SELECT calls a function: its effect cannot be known offline (use --dev-url)",
            );
        }
        Ok(())
    }
}

/// `AS 'obj_file', 'link_symbol'` or `AS $function$body$function$`, as `pg_get_functiondef` writes it.
/// What a SQL-standard function body uses: the relations it reads, their columns it names, other objects.
type BodyUses = (BTreeSet<QualName>, BTreeSet<ColumnRef>, BTreeSet<ObjectRef>);

/// Argument types of an identity-argument list (`i integer, t text[]` -> `[integer, text[]]`).
/// Trigger functions PostgreSQL itself provides.
const BUILTIN_TRIGGER_FUNCTIONS: &[&str] = &[
    "tsvector_update_trigger",
    "tsvector_update_trigger_column",
    "suppress_redundant_updates_trigger",
];

/// Canonical type names of more than one word (`format_type`), as they follow a parameter name.
const MULTIWORD_TYPES: &[&str] = &[
    "timestamp with",
    "timestamp without",
    "timestamp(",
    "time with",
    "time without",
    "time(",
    "character varying",
    "character(",
    "double precision",
    "bit varying",
];

/// Operator classes PostgreSQL ships (pg_catalog), sorted.
const BUILTIN_OPCLASSES: &[&str] = &[
    "array_ops",
    "bit_ops",
    "bool_ops",
    "box_inclusion_ops",
    "box_ops",
    "bpchar_bloom_ops",
    "bpchar_minmax_ops",
    "bpchar_ops",
    "bpchar_pattern_ops",
    "bytea_ops",
    "char_ops",
    "cidr_ops",
    "date_ops",
    "float4_ops",
    "float8_ops",
    "inet_inclusion_ops",
    "inet_ops",
    "int2_ops",
    "int4_minmax_ops",
    "int4_ops",
    "int8_minmax_ops",
    "int8_ops",
    "interval_ops",
    "jsonb_ops",
    "jsonb_path_ops",
    "macaddr_ops",
    "money_ops",
    "multirange_ops",
    "name_ops",
    "numeric_ops",
    "oid_ops",
    "point_ops",
    "poly_ops",
    "range_ops",
    "text_minmax_ops",
    "text_ops",
    "text_pattern_ops",
    "time_ops",
    "timestamp_minmax_ops",
    "timestamp_ops",
    "timestamptz_minmax_ops",
    "timestamptz_ops",
    "tsquery_ops",
    "tsvector_ops",
    "uuid_ops",
    "varchar_ops",
    "varchar_pattern_ops",
];
