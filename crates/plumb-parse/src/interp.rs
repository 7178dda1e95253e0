//! Interpreting statements, in order, into the model.

use std::collections::{BTreeMap, BTreeSet};

use pg_query::protobuf::{self, node::Node as N, ConstrType, Node, ObjectType};
use plumb_model::{
    quote_ident, quote_literal, AclKind, Attribute, Collation, Column, ColumnRef, Common,
    Constraint, ConstraintKind, Database, DefaultPrivileges, Dependency, DomainConstraint,
    Extension, Function, FunctionId, FunctionKind, Grant, Identity, Index, Namespace, ObjectRef,
    PartitionOf, Persistence, Policy, QualName, ReplicaIdentity, Sequence, SequenceOptions,
    Storage, Table, Trigger, Type, TypeKind, Unsupported, View, ViewColumn, ViewKind,
};

use crate::expr::{self, coerce, deparse_expr, figure_colname, Analyzer, Env, TExpr};
use crate::names::{
    choose_name, index_column_names, make_object_name, name_addition, truncate_ident,
};
use crate::source::LineIndex;
use crate::types::{base, builtin};
use crate::{Error, Parsed, Script, Warning};

/// A failure inside one statement: message and byte offset (or -1: the statement start).
type Fail = (String, i32);
type R<T> = Result<T, Fail>;

#[path = "do_block.rs"]
mod do_block;

fn fail<T>(msg: impl Into<String>, loc: i32) -> R<T> {
    Err((msg.into(), loc))
}

fn strs(nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|n| match &n.node {
            Some(N::String(s)) => Some(s.sval.clone()),
            _ => None,
        })
        .collect()
}

fn int_of(n: &Node) -> Option<i64> {
    match &n.node {
        Some(N::Integer(i)) => Some(i.ival as i64),
        Some(N::Float(f)) => f.fval.parse().ok(),
        Some(N::AConst(c)) => match &c.val {
            Some(protobuf::a_const::Val::Ival(i)) => Some(i.ival as i64),
            Some(protobuf::a_const::Val::Fval(f)) => f.fval.parse().ok(),
            _ => None,
        },
        Some(N::TypeName(t)) => strs(&t.names).last().and_then(|s| s.parse().ok()),
        _ => None,
    }
}

/// A `COMPRESSION` clause's method as the model keeps it (`None`: the default).
fn compression_method(word: &str, location: i32) -> R<Option<String>> {
    match word.to_ascii_lowercase().as_str() {
        "default" => Ok(None),
        m @ ("pglz" | "lz4") => Ok(Some(m.to_string())),
        _ => fail(format!("invalid compression method \"{word}\""), location),
    }
}

fn str_of(n: &Node) -> Option<String> {
    match &n.node {
        Some(N::String(s)) => Some(s.sval.clone()),
        Some(N::AConst(c)) => match &c.val {
            Some(protobuf::a_const::Val::Sval(s)) => Some(s.sval.clone()),
            Some(protobuf::a_const::Val::Ival(i)) => Some(i.ival.to_string()),
            Some(protobuf::a_const::Val::Fval(f)) => Some(f.fval.clone()),
            Some(protobuf::a_const::Val::Boolval(b)) => {
                Some(if b.boolval { "on" } else { "off" }.into())
            }
            _ => None,
        },
        Some(N::TypeName(t)) => strs(&t.names).last().cloned(),
        Some(N::Integer(i)) => Some(i.ival.to_string()),
        Some(N::Float(f)) => Some(f.fval.clone()),
        Some(N::Boolean(b)) => Some(if b.boolval { "true" } else { "false" }.into()),
        Some(N::List(l)) => Some(strs(&l.items).join(".")),
        _ => None,
    }
}

fn def_elems(nodes: &[Node]) -> Vec<&protobuf::DefElem> {
    nodes
        .iter()
        .filter_map(|n| match &n.node {
            Some(N::DefElem(d)) => Some(&**d),
            _ => None,
        })
        .collect()
}

fn role_name(n: &Node) -> Option<String> {
    match &n.node {
        Some(N::RoleSpec(r)) => Some(role_spec(r)),
        _ => None,
    }
}

fn role_spec(r: &protobuf::RoleSpec) -> String {
    use protobuf::RoleSpecType as T;
    match r.roletype() {
        T::RolespecPublic => "PUBLIC".into(),
        T::RolespecCurrentUser | T::RolespecCurrentRole | T::RolespecSessionUser => {
            "CURRENT_USER".into()
        }
        _ => r.rolename.clone(),
    }
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

struct TableEnv<'a> {
    interp: &'a Interp,
    columns: &'a [Column],
    /// More columns after `columns` (the column being defined), so that they need not be copied into one list.
    more: &'a [Column],
}

impl Env for TableEnv<'_> {
    fn column_type(&self, name: &str) -> Option<String> {
        self.columns
            .iter()
            .chain(self.more)
            .find(|c| c.name == name)
            .map(|c| c.type_name.clone())
    }
    fn type_name(&self, tn: &protobuf::TypeName) -> Result<String, String> {
        self.interp.resolve_type(tn).map_err(|e| e.0)
    }
    fn function(
        &self,
        names: &[String],
        arg_types: &[Option<String>],
    ) -> Option<(String, Option<String>)> {
        self.interp.find_function(names, arg_types.len()).map(|f| {
            (
                format!("{}.{}", quote_ident(&f.id.schema), quote_ident(&f.id.name)),
                f.returns.clone(),
            )
        })
    }
    fn regclass(&self, text: &str) -> String {
        let parts = plumb_model::split_qualified(text).unwrap_or_else(|_| vec![text.to_string()]);
        let parts: Vec<String> = parts
            .into_iter()
            .map(|p| {
                if text.contains('"') {
                    p
                } else {
                    p.to_lowercase()
                }
            })
            .collect();
        match parts.as_slice() {
            [name] => {
                let schema = self
                    .interp
                    .search_path
                    .iter()
                    .find(|s| self.interp.relation_exists(&QualName::new(*s, name)))
                    .cloned()
                    .or_else(|| self.interp.creation_schema().ok())
                    .unwrap_or_else(|| "public".into());
                QualName::new(schema, name).to_string()
            }
            [s, n] => QualName::new(s, n).to_string(),
            _ => text.to_string(),
        }
    }
}

fn seq_options(
    data_type: &str,
    opts: &[&protobuf::DefElem],
    base: Option<SequenceOptions>,
) -> R<SequenceOptions> {
    let mut data_type = data_type.to_string();
    let mut increment = base.as_ref().map(|b| b.increment).unwrap_or(1);
    let mut start = None;
    let mut min = None;
    let mut max = None;
    let mut cache = None;
    let mut cycle = None;
    for d in opts {
        let arg = d.arg.as_deref();
        let v = arg.and_then(int_of);
        match d.defname.as_str() {
            "as" => {
                if let Some(Node {
                    node: Some(N::TypeName(t)),
                }) = arg
                {
                    let n = strs(&t.names);
                    if let Some(b) = n.last().and_then(|x| builtin(x, &[], true)) {
                        data_type = b;
                    }
                }
            }
            "increment" => increment = v.unwrap_or(1),
            "start" => start = v,
            "minvalue" => min = Some(v),
            "maxvalue" => max = Some(v),
            "cache" => cache = v,
            "cycle" => {
                cycle = Some(
                    arg.and_then(str_of)
                        .map(|s| s != "false" && s != "0")
                        .unwrap_or(true),
                )
            }
            "restart" | "owned_by" | "sequence_name" => {}
            other => {
                return fail(
                    format!("unrecognized sequence option \"{other}\""),
                    d.location,
                )
            }
        }
    }
    let defaults = SequenceOptions::defaults(&data_type, increment);
    let mut o = match base {
        Some(b) if b.data_type == data_type => SequenceOptions { increment, ..b },
        _ => defaults.clone(),
    };
    o.data_type = data_type;
    if let Some(m) = min {
        o.min_value = m.unwrap_or(defaults.min_value);
    }
    if let Some(m) = max {
        o.max_value = m.unwrap_or(defaults.max_value);
    }
    o.start = start.unwrap_or(if o.increment > 0 {
        o.min_value
    } else {
        o.max_value
    });
    if let Some(c) = cache {
        o.cache = c;
    }
    if let Some(c) = cycle {
        o.cycle = c;
    }
    Ok(o)
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
    fn run_statements(
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
            if let Err((msg, loc)) = self.statement(node) {
                let at = if loc >= 0 { base + loc as usize } else { start };
                return Err(idx.error(at, msg));
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

/// Byte ranges of chunks of about 64 KiB, each made of whole statements: a chunk ends just after a
/// semicolon that is outside any string, quoted identifier, dollar-quoted body or comment, found by
/// [`statement_ends`]. Empty when the script cannot be split safely: then it is parsed whole. There is no
/// split inside a `BEGIN ATOMIC` body, whose inner semicolons are not statement ends. Each chunk is parsed
/// on its own, and if any does not parse, the script is parsed whole: a split at a wrong place (inside a
/// literal the lexer misread) leaves an unterminated literal behind and does not go unnoticed.
fn chunk_bounds(sql: &str) -> Vec<(usize, usize)> {
    const TARGET: usize = 64 * 1024;
    if sql.contains("ATOMIC") || sql.contains("atomic") {
        return Vec::new();
    }
    let Some(ends) = statement_ends(sql) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut start = 0usize;
    for stop in ends {
        if stop - start >= TARGET {
            out.push((start, stop));
            start = stop;
        }
    }
    if start < sql.len() {
        out.push((start, sql.len()));
    }
    out
}

/// The byte offsets just after each top-level semicolon, lexing as PostgreSQL's scanner does with
/// `standard_conforming_strings` on (as pg_query parses): `'...'` with doubled quotes, `E'...'` with
/// backslash escapes, `"..."`, `$tag$...$tag$`, `--` and nested `/* */` comments. `None` when a literal or
/// comment is not terminated.
pub(crate) fn statement_ends(sql: &str) -> Option<Vec<usize>> {
    let b = sql.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80;
    let mut ends = Vec::new();
    let mut i = 0usize;
    while i < b.len() {
        let c = b[i];
        match c {
            b';' => {
                ends.push(i + 1);
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => match sql[i..].find('\n') {
                Some(n) => i += n + 1,
                None => i = b.len(),
            },
            b'/' if b.get(i + 1) == Some(&b'*') => i = crate::split::block_comment_end(b, i)?,
            b'\'' => {
                // An E'...' string takes backslash escapes; the E must start a token.
                let escapes =
                    i >= 1 && (b[i - 1] == b'E' || b[i - 1] == b'e') && (i < 2 || !ident(b[i - 2]));
                i += 1;
                loop {
                    match b.get(i) {
                        None => return None,
                        Some(b'\\') if escapes => i += 2,
                        Some(b'\'') if b.get(i + 1) == Some(&b'\'') => i += 2,
                        Some(b'\'') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
            }
            b'"' => {
                i += 1;
                loop {
                    match b.get(i) {
                        None => return None,
                        Some(b'"') if b.get(i + 1) == Some(&b'"') => i += 2,
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
            }
            b'$' if i == 0 || !ident(b[i - 1]) => {
                // `$tag$` or `$$` opens a dollar-quoted string; `$1` is a parameter.
                let mut j = i + 1;
                while j < b.len() && b[j] != b'$' && ident(b[j]) {
                    j += 1;
                }
                let tag_ok =
                    b.get(j) == Some(&b'$') && !b.get(i + 1).is_some_and(u8::is_ascii_digit);
                if tag_ok {
                    let tag = &sql[i..=j];
                    match sql[j + 1..].find(tag) {
                        Some(n) => i = j + 1 + n + tag.len(),
                        None => return None,
                    }
                } else {
                    i += 1;
                }
            }
            _ if ident(c) => {
                // Skip the rest of a word so that a `$` inside it is not taken for a dollar quote.
                i += 1;
                while i < b.len() && ident(b[i]) && b[i] != b'\'' {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    Some(ends)
}

/// The offset of the first character at or after `at` that is neither blank space nor part of a comment.
fn skip_space_and_comments(sql: &str, at: usize) -> usize {
    sql.get(at..)
        .map_or(at, |rest| at + crate::split::skip_blank_and_comments(rest))
}

/// The kind of ACL an object of a GRANT / REVOKE statement has; None for kinds not modelled.
/// `GRANT` (`grant`) or `REVOKE` of `privileges` to or from `grantees` on an ACL; `option`: `WITH GRANT
/// OPTION` on a grant, `GRANT OPTION FOR` on a revoke (which keeps the privilege).
fn edit_acl(
    set: &mut BTreeSet<Grant>,
    privileges: &[String],
    grantees: &[String],
    grant: bool,
    option: bool,
) {
    for p in privileges {
        for g in grantees {
            let held = set
                .iter()
                .find(|x| x.grantee == *g && x.privilege == *p)
                .map(|x| x.with_grant_option);
            set.retain(|x| !(x.grantee == *g && x.privilege == *p));
            // a grant keeps a grant option held already; `REVOKE GRANT OPTION FOR` keeps the privilege
            let keep = if grant {
                Some(option || held == Some(true))
            } else if option && held.is_some() {
                Some(false)
            } else {
                None
            };
            if let Some(with_grant_option) = keep {
                set.insert(Grant {
                    grantee: g.clone(),
                    privilege: p.clone(),
                    with_grant_option,
                });
            }
        }
    }
}

fn acl_kind(t: ObjectType) -> Option<AclKind> {
    Some(match t {
        ObjectType::ObjectTable => AclKind::Table,
        ObjectType::ObjectSequence => AclKind::Sequence,
        ObjectType::ObjectFunction | ObjectType::ObjectProcedure | ObjectType::ObjectRoutine => {
            AclKind::Function
        }
        ObjectType::ObjectSchema => AclKind::Schema,
        ObjectType::ObjectType | ObjectType::ObjectDomain => AclKind::Type,
        _ => return None,
    })
}

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

/// Resolved relation: where it is.
enum Rel {
    Table(QualName),
    View(QualName),
    Sequence(QualName),
    Index(QualName, QualName),
}

impl Interp {
    fn warn(&mut self, msg: impl Into<String>) {
        self.pending_warnings.push(msg.into());
    }

    fn unsupported(&mut self, kind: &str, name: String) {
        self.warn(format!(
            "{kind} {name} is not modelled by plumb yet and is not compared"
        ));
        self.db.unsupported.push(Unsupported {
            kind: kind.to_string(),
            name,
        });
    }

    // ----- names -------------------------------------------------------------------------------------

    pub(crate) fn creation_schema(&self) -> Result<String, String> {
        self.search_path
            .iter()
            .find(|s| self.db.schemas.contains_key(*s))
            .cloned()
            .ok_or_else(|| "no schema has been selected to create in".to_string())
    }

    fn new_name(&self, schema: &str, name: &str, loc: i32) -> R<QualName> {
        let schema = if schema.is_empty() {
            self.creation_schema().map_err(|m| (m, loc))?
        } else {
            schema.to_string()
        };
        if !self.db.schemas.contains_key(&schema) && schema != "pg_catalog" {
            return fail(format!("schema \"{schema}\" does not exist"), loc);
        }
        Ok(QualName::new(schema, truncate_ident(name)))
    }

    fn new_rel_name(&self, rv: &protobuf::RangeVar) -> R<QualName> {
        self.new_name(&rv.schemaname, &rv.relname, rv.location)
    }

    fn name_from_list(&self, names: &[String], loc: i32) -> R<(String, String)> {
        match names {
            [n] => Ok((String::new(), n.clone())),
            [s, n] => Ok((s.clone(), n.clone())),
            [_, s, n] => Ok((s.clone(), n.clone())),
            _ => fail("improper qualified name", loc),
        }
    }

    pub(crate) fn relation_exists(&self, q: &QualName) -> bool {
        self.db.tables.contains_key(q)
            || self.db.views.contains_key(q)
            || self.db.sequences.contains_key(q)
            || self.index_owner.contains_key(q)
            || self
                .db
                .types
                .get(q)
                .is_some_and(|t| matches!(t.kind, TypeKind::Composite { .. }))
    }

    fn lookup<T>(&self, schema: &str, name: &str, f: impl Fn(&QualName) -> Option<T>) -> Option<T> {
        if !schema.is_empty() {
            return f(&QualName::new(schema, name));
        }
        self.search_path
            .iter()
            .find_map(|s| f(&QualName::new(s, name)))
    }

    fn find_rel(&self, schema: &str, name: &str) -> Option<Rel> {
        self.lookup(schema, name, |q| {
            if self.db.tables.contains_key(q) {
                Some(Rel::Table(q.clone()))
            } else if self.db.views.contains_key(q) {
                Some(Rel::View(q.clone()))
            } else if self.db.sequences.contains_key(q) {
                Some(Rel::Sequence(q.clone()))
            } else {
                self.index_owner
                    .get(q)
                    .map(|t| Rel::Index(q.clone(), t.clone()))
            }
        })
    }

    fn table(&self, rv: &protobuf::RangeVar) -> R<QualName> {
        match self.find_rel(&rv.schemaname, &rv.relname) {
            Some(Rel::Table(q)) => Ok(q),
            Some(_) => fail(format!("\"{}\" is not a table", rv.relname), rv.location),
            None => fail(
                format!("relation \"{}\" does not exist", display_rv(rv)),
                rv.location,
            ),
        }
    }

    fn table_or_view(&self, rv: &protobuf::RangeVar) -> R<QualName> {
        match self.find_rel(&rv.schemaname, &rv.relname) {
            Some(Rel::Table(q)) | Some(Rel::View(q)) => Ok(q),
            Some(_) => fail(
                format!("\"{}\" is not a table or view", rv.relname),
                rv.location,
            ),
            None => fail(
                format!("relation \"{}\" does not exist", display_rv(rv)),
                rv.location,
            ),
        }
    }

    fn find_type(&self, schema: &str, name: &str) -> Option<QualName> {
        self.lookup(schema, name, |q| {
            self.db.types.contains_key(q).then(|| q.clone())
        })
    }

    /// A type by name as a column or argument type: a user type or the row type of a table or view (which
    /// share one namespace in `pg_type`).
    fn find_type_or_row_type(&self, schema: &str, name: &str) -> Option<QualName> {
        self.lookup(schema, name, |q| {
            (self.db.types.contains_key(q)
                || self.db.tables.contains_key(q)
                || self.db.views.contains_key(q))
            .then(|| q.clone())
        })
    }

    fn find_function(&self, names: &[String], nargs: usize) -> Option<&Function> {
        let (schema, name) = match names {
            [n] => ("", n.as_str()),
            [s, n] => (s.as_str(), n.as_str()),
            _ => return None,
        };
        let matches = |q: &QualName| {
            self.db
                .functions
                .range(FunctionId::new(&q.schema, &q.name, "")..)
                .take_while(|(id, _)| id.schema == q.schema && id.name == q.name)
                .map(|(_, f)| f)
                .find(|f| arg_count(&f.id.args) == nargs)
                .or_else(|| {
                    self.db
                        .functions
                        .range(FunctionId::new(&q.schema, &q.name, "")..)
                        .take_while(|(id, _)| id.schema == q.schema && id.name == q.name)
                        .map(|(_, f)| f)
                        .next()
                })
        };
        self.lookup(schema, name, matches)
    }

    /// The extension a type that no statement created comes from: by its name for well-known ones, or the
    /// only extension there is.
    fn extension_of_type(&self, type_name: &str) -> Option<String> {
        let t = type_name.trim_end_matches("[]");
        let q: QualName = t.parse().ok()?;
        if q.schema == "pg_catalog" || builtin(t, &[], false).is_some() {
            return None;
        }
        let known = match q.name.as_str() {
            "hstore" | "ghstore" => "hstore",
            "citext" => "citext",
            "ltree" | "lquery" | "ltxtquery" => "ltree",
            "cube" => "cube",
            "earth" => "earthdistance",
            "seg" => "seg",
            "isbn" | "isbn13" | "ismn" | "ismn13" | "issn" | "issn13" | "ean13" | "upc" => "isn",
            "geometry" | "geography" | "box2d" | "box3d" => "postgis",
            "vector" | "halfvec" | "sparsevec" => "vector",
            _ => "",
        };
        if !known.is_empty() && self.db.extensions.contains_key(known) {
            return Some(known.to_string());
        }
        let mut in_schema = self.db.extensions.values().filter(|e| e.schema == q.schema);
        match (in_schema.next(), in_schema.next()) {
            (Some(e), None) => Some(e.name.clone()),
            _ => None,
        }
    }

    /// An operator class as `pg_get_indexdef` shows it: built-in ones bare, others schema-qualified (an
    /// extension's are assumed to live in the first extension's schema).
    fn opclass_name(&self, names: &[String]) -> String {
        match names {
            [n] if BUILTIN_OPCLASSES.binary_search(&n.as_str()).is_ok() => quote_ident(n),
            [n] => {
                let schema = self
                    .extension_schema()
                    .or_else(|| self.creation_schema().ok())
                    .unwrap_or_else(|| "public".into());
                QualName::new(schema, n).to_string()
            }
            [s, n] if s == "pg_catalog" => quote_ident(n),
            [s, n] => QualName::new(s, n).to_string(),
            _ => names.join("."),
        }
    }

    /// Extensions whose operator classes an index definition names (`public.gin_trgm_ops`).
    fn extensions_of_opclasses(&self, def: &str) -> Vec<String> {
        let mut out = Vec::new();
        let Some((_, cols)) = def.split_once(" USING ") else {
            return out;
        };
        for word in cols.split([' ', ',', '(', ')']) {
            let Some((schema, name)) = word.rsplit_once('.') else {
                continue;
            };
            if !name.ends_with("_ops") || !self.db.extensions.values().any(|e| e.schema == schema) {
                continue;
            }
            let known = if name.contains("trgm") {
                "pg_trgm"
            } else if name.contains("hstore") {
                "hstore"
            } else if name.contains("citext") {
                "citext"
            } else if name.contains("ltree") {
                "ltree"
            } else if name.starts_with("gist_") {
                "btree_gist"
            } else if name.contains("vector")
                || name.contains("_l2_")
                || name.contains("_cosine_")
                || name.contains("_ip_")
            {
                "vector"
            } else {
                ""
            };
            let ext = if self.db.extensions.contains_key(known) {
                Some(known.to_string())
            } else {
                let mut it = self.db.extensions.values().filter(|e| e.schema == schema);
                match (it.next(), it.next()) {
                    (Some(e), None) => Some(e.name.clone()),
                    _ => None,
                }
            };
            if let Some(e) = ext {
                if !out.contains(&e) {
                    out.push(e);
                }
            }
        }
        out
    }

    fn extension_schema(&self) -> Option<String> {
        self.db.extensions.values().next().map(|e| e.schema.clone())
    }

    /// A type name in `format_type` form.
    pub(crate) fn resolve_type(&self, tn: &protobuf::TypeName) -> R<String> {
        let names = strs(&tn.names);
        let typmods: Vec<i64> = tn.typmods.iter().filter_map(int_of).collect();
        let array = if tn.array_bounds.is_empty() { "" } else { "[]" };
        if tn.pct_type {
            let (rel, col) = match names.as_slice() {
                [t, c] => (
                    QualName::new(self.creation_schema().unwrap_or_default(), t),
                    c,
                ),
                [s, t, c] => (QualName::new(s, t), c),
                _ => return fail("improper %TYPE reference", tn.location),
            };
            let found = self.find_rel(&rel.schema, &rel.name).and_then(|r| match r {
                Rel::Table(q) => self
                    .db
                    .tables
                    .get(&q)
                    .and_then(|t| t.column(col))
                    .map(|c| c.type_name.clone()),
                _ => None,
            });
            return found.ok_or_else(|| {
                (
                    format!("column \"{col}\" of %TYPE does not exist"),
                    tn.location,
                )
            });
        }
        let found = match names.as_slice() {
            [c, n] if c == "pg_catalog" => builtin(n, &typmods, true),
            [n] => builtin(n, &typmods, false)
                .or_else(|| self.find_type_or_row_type("", n).map(|q| q.to_string()))
                .or_else(|| {
                    self.extension_schema()
                        .map(|s| QualName::new(s, n).to_string())
                }),
            [s, n] | [_, s, n] => self
                .find_type_or_row_type(s, n)
                .map(|q| q.to_string())
                .or_else(|| {
                    self.db
                        .extensions
                        .values()
                        .any(|e| &e.schema == s)
                        .then(|| QualName::new(s, n).to_string())
                }),
            _ => None,
        };
        match found {
            Some(t) => Ok(format!("{t}{array}")),
            None => fail(
                format!("type \"{}\" does not exist", names.join(".")),
                tn.location,
            ),
        }
    }

    fn user_type_of(&self, type_name: &str) -> Option<QualName> {
        let t = type_name.trim_end_matches("[]");
        let q: QualName = t.parse().ok()?;
        self.db.types.contains_key(&q).then_some(q)
    }

    // ----- implicit names ----------------------------------------------------------------------------

    /// The tables that inherit from `q` or are its partitions (none when `q` was never named a parent).
    fn children_of(&self, q: &QualName) -> Vec<QualName> {
        if !self.parents.contains(q) {
            return Vec::new();
        }
        self.db
            .tables
            .values()
            .filter(|t| {
                t.inherits.contains(q) || t.partition_of.as_ref().is_some_and(|p| &p.parent == q)
            })
            .map(|t| t.name.clone())
            .collect()
    }

    fn rel_taken(&self, schema: &str, name: &str) -> bool {
        self.relation_exists(&QualName::new(schema, name))
    }

    fn con_taken(&self, schema: &str, name: &str) -> bool {
        self.cons
            .get(schema)
            .and_then(|names| names.get(name))
            .is_some_and(|n| *n > 0)
    }

    fn add_con_name(&mut self, schema: &str, name: &str) {
        *self
            .cons
            .entry(schema.to_string())
            .or_default()
            .entry(name.to_string())
            .or_insert(0) += 1;
    }

    fn remove_con_name(&mut self, schema: &str, name: &str) {
        if let Some(n) = self
            .cons
            .get_mut(schema)
            .and_then(|names| names.get_mut(name))
        {
            *n = n.saturating_sub(1);
        }
    }

    // ----- statements --------------------------------------------------------------------------------

    fn statement(&mut self, node: &N) -> R<()> {
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
            N::CreateEventTrigStmt(s) => {
                self.unsupported("event trigger", quote_ident(&s.trigname));
                Ok(())
            }
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
                    None => return fail("rule without a relation", -1),
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
            N::AlterCollationStmt(_)
            | N::AlterEventTrigStmt(_)
            | N::AlterStatsStmt(_)
            | N::AlterOperatorStmt(_) => {
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

    fn select(&mut self, s: &protobuf::SelectStmt) -> R<()> {
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

fn deparse_node(n: &N) -> String {
    n.deparse(Default::default()).unwrap_or_else(|_| "?".into())
}

fn display_rv(rv: &protobuf::RangeVar) -> String {
    if rv.schemaname.is_empty() {
        rv.relname.clone()
    } else {
        format!("{}.{}", rv.schemaname, rv.relname)
    }
}

fn arg_count(args: &str) -> usize {
    if args.trim().is_empty() {
        return 0;
    }
    let mut depth = 0;
    let mut n = 1;
    let mut quoted = false;
    for c in args.chars() {
        match c {
            '"' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => n += 1,
            _ => {}
        }
    }
    n
}

/// A constraint of a table being built, before names are chosen.
struct PendingCon<'a> {
    con: &'a protobuf::Constraint,
    /// For a column constraint: the column.
    column: Option<String>,
    deferrable: bool,
    initially_deferred: bool,
    /// In CREATE TABLE, where PostgreSQL marks CHECK and FOREIGN KEY constraints valid even when written
    /// NOT VALID (there are no rows to check).
    in_create: bool,
}

impl Interp {
    fn create_schema(&mut self, s: &protobuf::CreateSchemaStmt) -> R<()> {
        let name = if s.schemaname.is_empty() {
            match s.authrole.as_ref() {
                Some(r) => role_spec(r),
                None => return fail("schema name missing", -1),
            }
        } else {
            truncate_ident(&s.schemaname)
        };
        if self.db.schemas.contains_key(&name) {
            if s.if_not_exists {
                return Ok(());
            }
            return fail(format!("schema \"{name}\" already exists"), -1);
        }
        let owner = s.authrole.as_ref().map(role_spec);
        let grants = self.default_acl(AclKind::Schema, None, owner.as_deref());
        self.db.schemas.insert(
            name.clone(),
            Namespace {
                name: name.clone(),
                common: Common {
                    owner,
                    grants,
                    ..Common::default()
                },
            },
        );
        if !s.schema_elts.is_empty() {
            let saved = std::mem::replace(&mut self.search_path, vec![name]);
            let mut result = Ok(());
            for e in &s.schema_elts {
                if let Some(n) = &e.node {
                    result = self.statement(n);
                    if result.is_err() {
                        break;
                    }
                }
            }
            self.search_path = saved;
            result?;
        }
        Ok(())
    }

    fn create_extension(&mut self, s: &protobuf::CreateExtensionStmt) -> R<()> {
        // installed in every database (in pg_catalog, which the model leaves out); pg_dump of old servers and
        // Rails' structure.sql write `CREATE EXTENSION IF NOT EXISTS plpgsql WITH SCHEMA pg_catalog`
        if self.db.extensions.contains_key(&s.extname) || s.extname == "plpgsql" {
            if s.if_not_exists {
                return Ok(());
            }
            return fail(format!("extension \"{}\" already exists", s.extname), -1);
        }
        let mut schema = None;
        let mut version = None;
        for d in def_elems(&s.options) {
            match d.defname.as_str() {
                "schema" => schema = d.arg.as_deref().and_then(str_of),
                "new_version" => version = d.arg.as_deref().and_then(str_of),
                _ => {}
            }
        }
        let schema = match schema {
            Some(s) => {
                if !self.db.schemas.contains_key(&s) {
                    return fail(format!("schema \"{s}\" does not exist"), -1);
                }
                s
            }
            None => self.creation_schema().map_err(|m| (m, -1))?,
        };
        let comment = extension_comment(&s.extname).map(str::to_string);
        self.db.extensions.insert(
            s.extname.clone(),
            Extension {
                name: s.extname.clone(),
                schema,
                version,
                comment,
            },
        );
        Ok(())
    }

    fn check_new_type(&self, q: &QualName, loc: i32) -> R<()> {
        if self.db.types.contains_key(q)
            || self.db.tables.contains_key(q)
            || self.db.views.contains_key(q)
        {
            return fail(format!("type \"{}\" already exists", q.name), loc);
        }
        Ok(())
    }

    fn create_enum(&mut self, s: &protobuf::CreateEnumStmt) -> R<()> {
        let (schema, name) = self.name_from_list(&strs(&s.type_name), -1)?;
        let q = self.new_name(&schema, &name, -1)?;
        self.check_new_type(&q, -1)?;
        let labels = s.vals.iter().filter_map(str_of).collect();
        self.db.types.insert(
            q.clone(),
            Type {
                name: q.clone(),
                kind: TypeKind::Enum { labels },
                common: Common {
                    grants: self.default_acl(AclKind::Type, Some(&q.schema), None),
                    ..Common::default()
                },
            },
        );
        Ok(())
    }

    fn create_domain(&mut self, s: &protobuf::CreateDomainStmt) -> R<()> {
        let (schema, name) = self.name_from_list(&strs(&s.domainname), -1)?;
        let q = self.new_name(&schema, &name, -1)?;
        self.check_new_type(&q, -1)?;
        let tn = s
            .type_name
            .as_ref()
            .ok_or(("domain without a type".to_string(), -1))?;
        let base_ty = self.resolve_type(tn)?;
        let collation = s
            .coll_clause
            .as_ref()
            .map(|c| self.collation_name(&strs(&c.collname)));
        let mut default = None;
        let mut not_null = false;
        let mut constraints = BTreeMap::new();
        let value_col = [Column {
            name: "value".into(),
            type_name: base_ty.clone(),
            ..Column::default()
        }];
        for c in &s.constraints {
            let Some(N::Constraint(c)) = &c.node else {
                continue;
            };
            match c.contype() {
                ConstrType::ConstrNotnull => not_null = true,
                ConstrType::ConstrNull => not_null = false,
                ConstrType::ConstrDefault => {
                    if let Some(e) = c.raw_expr.as_deref() {
                        default = self.render_default(&value_col, e, &base_ty)?;
                    }
                }
                ConstrType::ConstrCheck => {
                    let e = c
                        .raw_expr
                        .as_deref()
                        .ok_or(("CHECK without expression".to_string(), c.location))?;
                    let text = self
                        .render_check(&value_col, e)?
                        .0
                        .replace("(value", "(VALUE")
                        .replace(" value", " VALUE");
                    let cname = if c.conname.is_empty() {
                        choose_name(&q.name, None, "check", |n| constraints.contains_key(n))
                    } else {
                        c.conname.clone()
                    };
                    constraints.insert(
                        cname.clone(),
                        DomainConstraint {
                            name: cname,
                            definition: text,
                            validated: !c.skip_validation,
                        },
                    );
                }
                _ => {}
            }
        }
        let kind = TypeKind::Domain {
            base: base_ty,
            collation,
            default,
            not_null,
            constraints,
        };
        self.db.types.insert(
            q.clone(),
            Type {
                name: q.clone(),
                kind,
                common: Common {
                    grants: self.default_acl(AclKind::Type, Some(&q.schema), None),
                    ..Common::default()
                },
            },
        );
        Ok(())
    }

    fn collation_name(&self, names: &[String]) -> QualName {
        match names {
            [s, n] => QualName::new(s, n),
            [n] => self
                .lookup("", n, |q| {
                    self.db.collations.contains_key(q).then(|| q.clone())
                })
                .unwrap_or_else(|| QualName::new("pg_catalog", n)),
            _ => QualName::new("pg_catalog", names.join(".")),
        }
    }

    fn create_composite(&mut self, s: &protobuf::CompositeTypeStmt) -> R<()> {
        let rv = s
            .typevar
            .as_ref()
            .ok_or(("type name missing".to_string(), -1))?;
        let q = self.new_rel_name(rv)?;
        self.check_new_type(&q, rv.location)?;
        let mut attributes = Vec::new();
        for c in &s.coldeflist {
            let Some(N::ColumnDef(cd)) = &c.node else {
                continue;
            };
            let tn = cd
                .type_name
                .as_ref()
                .ok_or(("attribute without a type".to_string(), cd.location))?;
            let type_name = self.resolve_type(tn)?;
            let collation = cd
                .coll_clause
                .as_ref()
                .map(|c| self.collation_name(&strs(&c.collname)));
            attributes.push(Attribute {
                name: cd.colname.clone(),
                type_name,
                collation,
            });
        }
        self.db.types.insert(
            q.clone(),
            Type {
                name: q.clone(),
                kind: TypeKind::Composite { attributes },
                common: Common {
                    grants: self.default_acl(AclKind::Type, Some(&q.schema), None),
                    ..Common::default()
                },
            },
        );
        Ok(())
    }

    fn create_range(&mut self, s: &protobuf::CreateRangeStmt) -> R<()> {
        let (schema, name) = self.name_from_list(&strs(&s.type_name), -1)?;
        let q = self.new_name(&schema, &name, -1)?;
        self.check_new_type(&q, -1)?;
        let mut subtype = None;
        let mut subtype_opclass = None;
        let mut collation = None;
        let mut canonical = None;
        let mut subtype_diff = None;
        let mut multirange = None;
        for d in def_elems(&s.params) {
            let arg = d.arg.as_deref();
            match d.defname.as_str() {
                "subtype" => {
                    if let Some(Node {
                        node: Some(N::TypeName(t)),
                    }) = arg
                    {
                        subtype = Some(self.resolve_type(t)?);
                    }
                }
                "subtype_opclass" => subtype_opclass = arg.and_then(str_of),
                "collation" => collation = arg.and_then(str_of).map(|c| self.collation_name(&[c])),
                "canonical" => canonical = arg.and_then(str_of),
                "subtype_diff" => subtype_diff = arg.and_then(str_of),
                "multirange_type_name" => {
                    multirange = arg.and_then(str_of).map(|m| QualName::new(&q.schema, m));
                }
                _ => {}
            }
        }
        let subtype = subtype.ok_or(("type attribute \"subtype\" is required".to_string(), -1))?;
        // makeMultirangeTypeName: "range" in the name becomes "multirange", else "_multirange" is appended.
        let multirange = multirange.or_else(|| {
            let n = if q.name.contains("range") {
                q.name.replacen("range", "multirange", 1)
            } else {
                make_object_name(&q.name, None, Some("multirange"))
            };
            Some(QualName::new(&q.schema, n))
        });
        let kind = TypeKind::Range {
            subtype,
            subtype_opclass,
            collation,
            canonical,
            subtype_diff,
            multirange,
        };
        self.db.types.insert(
            q.clone(),
            Type {
                name: q.clone(),
                kind,
                common: Common {
                    grants: self.default_acl(AclKind::Type, Some(&q.schema), None),
                    ..Common::default()
                },
            },
        );
        Ok(())
    }

    fn create_sequence(&mut self, s: &protobuf::CreateSeqStmt) -> R<()> {
        let rv = s
            .sequence
            .as_ref()
            .ok_or(("sequence name missing".to_string(), -1))?;
        let q = self.new_rel_name(rv)?;
        if self.relation_exists(&q) {
            if s.if_not_exists {
                return Ok(());
            }
            return fail(
                format!("relation \"{}\" already exists", q.name),
                rv.location,
            );
        }
        let opts = def_elems(&s.options);
        let options = seq_options("bigint", &opts, None)?;
        let owned_by = self.owned_by(&opts)?;
        let grants = self.default_acl(AclKind::Sequence, Some(&q.schema), None);
        self.db.sequences.insert(
            q.clone(),
            Sequence {
                name: q,
                options,
                owned_by,
                common: Common {
                    grants,
                    ..Common::default()
                },
            },
        );
        Ok(())
    }

    fn owned_by(&self, opts: &[&protobuf::DefElem]) -> R<Option<ColumnRef>> {
        for d in opts {
            if d.defname == "owned_by" {
                let names = match d.arg.as_deref().and_then(|a| a.node.as_ref()) {
                    Some(N::List(l)) => strs(&l.items),
                    _ => vec![],
                };
                if names.len() == 1 && names[0] == "none" {
                    return Ok(None);
                }
                let (rel, col) = match names.as_slice() {
                    [t, c] => (("".to_string(), t.clone()), c.clone()),
                    [s, t, c] => ((s.clone(), t.clone()), c.clone()),
                    _ => return fail("invalid OWNED BY option", d.location),
                };
                let Some(Rel::Table(t)) = self.find_rel(&rel.0, &rel.1) else {
                    return fail(format!("relation \"{}\" does not exist", rel.1), d.location);
                };
                if self
                    .db
                    .tables
                    .get(&t)
                    .and_then(|x| x.column(&col))
                    .is_none()
                {
                    return fail(
                        format!("column \"{col}\" of relation \"{}\" does not exist", t.name),
                        d.location,
                    );
                }
                return Ok(Some(ColumnRef {
                    table: t,
                    column: col,
                }));
            }
        }
        Ok(None)
    }

    fn alter_sequence(&mut self, s: &protobuf::AlterSeqStmt) -> R<()> {
        let rv = s
            .sequence
            .as_ref()
            .ok_or(("sequence name missing".to_string(), -1))?;
        let q = match self.find_rel(&rv.schemaname, &rv.relname) {
            Some(Rel::Sequence(q)) => q,
            _ => {
                if s.missing_ok {
                    return Ok(());
                }
                return fail(
                    format!("relation \"{}\" does not exist", display_rv(rv)),
                    rv.location,
                );
            }
        };
        let opts = def_elems(&s.options);
        let has_owned = opts.iter().any(|d| d.defname == "owned_by");
        let owned = if has_owned {
            Some(self.owned_by(&opts)?)
        } else {
            None
        };
        let Some(seq) = self.db.sequences.get_mut(&q) else {
            return Ok(());
        };
        let dt = opts
            .iter()
            .find(|d| d.defname == "as")
            .and_then(|d| d.arg.as_deref())
            .and_then(|a| match &a.node {
                Some(N::TypeName(t)) => strs(&t.names).last().and_then(|x| builtin(x, &[], true)),
                _ => None,
            })
            .unwrap_or_else(|| seq.options.data_type.clone());
        let old = seq.options.clone();
        let mut o = seq_options(&dt, &opts, Some(old.clone()))?;
        if !opts.iter().any(|d| d.defname == "start") {
            o.start = old.start;
        }
        seq.options = o;
        if let Some(owned) = owned {
            seq.owned_by = owned;
        }
        Ok(())
    }
}

fn extension_comment(name: &str) -> Option<&'static str> {
    Some(match name {
        "btree_gin" => "support for indexing common datatypes in GIN",
        "btree_gist" => "support for indexing common datatypes in GiST",
        "citext" => "data type for case-insensitive character strings",
        "cube" => "data type for multidimensional cubes",
        "dblink" => "connect to other PostgreSQL databases from within a database",
        "earthdistance" => "calculate great-circle distances on the surface of the Earth",
        "fuzzystrmatch" => "determine similarities and distance between strings",
        "hstore" => "data type for storing sets of (key, value) pairs",
        "intarray" => "functions, operators, and index support for 1-D arrays of integers",
        "isn" => "data types for international product numbering standards",
        "ltree" => "data type for hierarchical tree-like structures",
        "pg_stat_statements" => {
            "track planning and execution statistics of all SQL statements executed"
        }
        "pg_trgm" => "text similarity measurement and index searching based on trigrams",
        "pgcrypto" => "cryptographic functions",
        "postgres_fdw" => "foreign-data wrapper for remote PostgreSQL servers",
        "tablefunc" => "functions that manipulate whole tables, including crosstab",
        "unaccent" => "text search dictionary that removes accents",
        "uuid-ossp" => "generate universally unique identifiers (UUIDs)",
        "plpgsql" => "PL/pgSQL procedural language",
        _ => return None,
    })
}

impl Interp {
    fn analyze_in(&self, columns: &[Column], e: &Node) -> R<TExpr> {
        self.analyze_with(columns, &[], e)
    }

    /// [`Interp::analyze_in`] over the columns of `columns` then `more`.
    fn analyze_with(&self, columns: &[Column], more: &[Column], e: &Node) -> R<TExpr> {
        let env = TableEnv {
            interp: self,
            columns,
            more,
        };
        Analyzer { env: &env }.analyze(e).map_err(|m| (m, -1))
    }

    fn render_default(&self, columns: &[Column], e: &Node, ty: &str) -> R<Option<String>> {
        self.render_default_with(columns, &[], e, ty)
    }

    /// [`Interp::render_default`] over the columns of `columns` then `more`.
    fn render_default_with(
        &self,
        columns: &[Column],
        more: &[Column],
        e: &Node,
        ty: &str,
    ) -> R<Option<String>> {
        let t = coerce(self.analyze_with(columns, more, e)?, ty);
        if matches!(
            t,
            TExpr::Const {
                lit: expr::Lit::Null,
                ..
            }
        ) {
            return Ok(None);
        }
        Ok(Some(expr::print(&t, true)))
    }

    /// `CHECK ((...))` text and the columns the expression reads.
    fn render_check(&self, columns: &[Column], e: &Node) -> R<(String, Vec<String>)> {
        let t = coerce(self.analyze_in(columns, e)?, "boolean");
        let mut cols = Vec::new();
        t.columns(&mut cols);
        Ok((format!("CHECK ({})", expr::print(&t, false)), cols))
    }

    /// A column element without a type (`name WITH OPTIONS NOT NULL DEFAULT ...`): the column of that name
    /// that the table has from its type or parent, with these options.
    fn column_options(
        &mut self,
        table: &QualName,
        cd: &protobuf::ColumnDef,
        cols: &[Column],
    ) -> R<(Column, Option<Sequence>)> {
        let Some(existing) = cols.iter().find(|c| c.name == cd.colname) else {
            return fail(
                format!("column \"{}\" does not exist", cd.colname),
                cd.location,
            );
        };
        let mut col = Column {
            name: existing.name.clone(),
            type_name: existing.type_name.clone(),
            collation: existing.collation.clone(),
            is_local: true,
            ..Column::default()
        };
        if let Some(c) = &cd.coll_clause {
            col.collation = Some(self.collation_name(&strs(&c.collname)));
        }
        self.column_constraints(table, cd, cols, col, None, false)
    }

    fn column_def(
        &mut self,
        table: &QualName,
        cd: &protobuf::ColumnDef,
        cols: &[Column],
    ) -> R<(Column, Option<Sequence>)> {
        let Some(tn) = cd.type_name.as_ref() else {
            // `name WITH OPTIONS ...` in a typed table or a partition: a column the table already has.
            return self.column_options(table, cd, cols);
        };
        let names = strs(&tn.names);
        let serial = match names.as_slice() {
            [n] if tn.array_bounds.is_empty() => match n.as_str() {
                "serial" | "serial4" => Some("integer"),
                "bigserial" | "serial8" => Some("bigint"),
                "smallserial" | "serial2" => Some("smallint"),
                _ => None,
            },
            _ => None,
        };
        let name = truncate_ident(&cd.colname);
        let mut col = Column {
            name: name.clone(),
            is_local: true,
            ..Column::default()
        };
        let mut seq = None;
        if let Some(ty) = serial {
            col.type_name = ty.to_string();
            let seqname = choose_name(&table.name, Some(&name), "seq", |n| {
                self.rel_taken(&table.schema, n)
            });
            let sq = QualName::new(&table.schema, seqname);
            col.default = Some(format!(
                "nextval({}::regclass)",
                quote_literal(&sq.to_string())
            ));
            col.not_null = true;
            seq = Some(Sequence {
                name: sq,
                options: SequenceOptions::defaults(ty, 1),
                owned_by: Some(ColumnRef {
                    table: table.clone(),
                    column: name.clone(),
                }),
                common: Common::default(),
            });
        } else {
            col.type_name = self.resolve_type(tn)?;
        }
        if let Some(c) = &cd.coll_clause {
            col.collation = Some(self.collation_name(&strs(&c.collname)));
        }
        if !cd.compression.is_empty() {
            col.compression = compression_method(&cd.compression, cd.location)?;
        }
        if !cd.storage_name.is_empty() {
            col.storage = self.storage_of(&col.type_name, &cd.storage_name, cd.location)?;
        }
        self.column_constraints(table, cd, cols, col, seq, serial.is_some())
    }

    /// A relation stored in a tablespace other than the database's default: named, as the introspector
    /// names it, not modelled.
    fn tablespace(&mut self, rel: &QualName, tablespace: &str) {
        if !tablespace.is_empty() && tablespace != "pg_default" {
            self.unsupported(
                "tablespace",
                format!("{rel} IN {}", quote_ident(tablespace)),
            );
        }
    }

    /// A column's `SET STORAGE` as the model keeps it: `None` when it is the type's default.
    fn storage_of(&self, type_name: &str, word: &str, location: i32) -> R<Option<Storage>> {
        if word.eq_ignore_ascii_case("default") {
            return Ok(None);
        }
        let Some(s) = Storage::from_keyword(word) else {
            return fail(format!("invalid storage type \"{word}\""), location);
        };
        Ok((plumb_model::default_storage(type_name, &self.db) != Some(s)).then_some(s))
    }

    /// `q` and, unless the statement said `ONLY`, every table that inherits from it or is its partition, at
    /// any depth.
    fn with_descendants(&self, q: &QualName) -> Vec<QualName> {
        let mut all = vec![q.clone()];
        if self.alter_only {
            return all;
        }
        let mut i = 0;
        while i < all.len() {
            for c in self.children_of(&all[i]) {
                if !all.contains(&c) {
                    all.push(c);
                }
            }
            i += 1;
        }
        all
    }

    /// `CLUSTER ON index` for table `q` (`None`: `SET WITHOUT CLUSTER`): at most one index is marked.
    fn set_cluster_on(&mut self, q: &QualName, index: Option<&str>) -> R<()> {
        if let Some(i) = index {
            let has = self
                .db
                .tables
                .get(q)
                .is_some_and(|t| t.indexes.contains_key(i))
                || self
                    .db
                    .views
                    .get(q)
                    .is_some_and(|v| v.indexes.contains_key(i));
            if !has {
                return fail(
                    format!("index \"{i}\" for table \"{}\" does not exist", q.name),
                    -1,
                );
            }
        }
        let indexes = match (self.db.tables.get_mut(q), self.db.views.get_mut(q)) {
            (Some(t), _) => &mut t.indexes,
            (None, Some(v)) => &mut v.indexes,
            (None, None) => return Ok(()),
        };
        for (name, idx) in indexes.iter_mut() {
            idx.clustered = Some(name.as_str()) == index;
        }
        Ok(())
    }

    /// A column's own constraints (NOT NULL, DEFAULT, identity, generated) applied to it.
    fn column_constraints(
        &self,
        table: &QualName,
        cd: &protobuf::ColumnDef,
        cols: &[Column],
        mut col: Column,
        seq: Option<Sequence>,
        serial: bool,
    ) -> R<(Column, Option<Sequence>)> {
        let name = col.name.clone();
        // The columns an expression of this column may name: the ones before it (`cols`) and itself.
        for c in &cd.constraints {
            let Some(N::Constraint(c)) = &c.node else {
                continue;
            };
            match c.contype() {
                ConstrType::ConstrNotnull => col.not_null = true,
                ConstrType::ConstrNull => col.not_null = false,
                ConstrType::ConstrDefault => {
                    if serial {
                        return fail(format!("multiple default values specified for column \"{name}\" of table \"{}\"", table.name), c.location);
                    }
                    if let Some(e) = c.raw_expr.as_deref() {
                        let default = self.render_default_with(
                            cols,
                            std::slice::from_ref(&col),
                            e,
                            &col.type_name,
                        )?;
                        col.default = default;
                    }
                }
                ConstrType::ConstrIdentity => {
                    let opts = def_elems(&c.options);
                    let options = seq_options(&base(&col.type_name), &opts, None)?;
                    let seqname = choose_name(&table.name, Some(&name), "seq", |n| {
                        self.rel_taken(&table.schema, n)
                    });
                    col.identity = Some(Box::new(Identity {
                        always: c.generated_when == "a",
                        sequence: Some(QualName::new(&table.schema, seqname)),
                        options,
                    }));
                    col.not_null = true;
                }
                ConstrType::ConstrGenerated => {
                    if let Some(e) = c.raw_expr.as_deref() {
                        let t = coerce(
                            self.analyze_with(cols, std::slice::from_ref(&col), e)?,
                            &col.type_name,
                        );
                        col.generated = Some(expr::print(&t, true));
                        // PostgreSQL 18: VIRTUAL, its default when neither is written
                        col.generated_virtual = c.generated_kind == "v";
                    }
                }
                ConstrType::ConstrPrimary => col.not_null = true,
                _ => {}
            }
        }
        Ok((col, seq))
    }

    fn create_table(&mut self, s: &protobuf::CreateStmt) -> R<()> {
        let rv = s
            .relation
            .as_ref()
            .ok_or(("table name missing".to_string(), -1))?;
        let q = self.new_rel_name(rv)?;
        if self.relation_exists(&q) || self.db.types.contains_key(&q) {
            if s.if_not_exists {
                self.warn(format!("relation \"{}\" already exists, skipping", q.name));
                return Ok(());
            }
            return fail(
                format!("relation \"{}\" already exists", q.name),
                rv.location,
            );
        }
        if rv.relpersistence == "t" {
            self.warn("temporary table is not part of the schema: ignored");
            return Ok(());
        }
        let mut table = Table {
            name: q.clone(),
            persistence: if rv.relpersistence == "u" {
                Persistence::Unlogged
            } else {
                Persistence::Permanent
            },
            ..Table::default()
        };
        // Parents first: inherited columns come before local ones.
        let mut parents = Vec::new();
        for p in &s.inh_relations {
            if let Some(N::RangeVar(prv)) = &p.node {
                parents.push(self.table(prv)?);
            }
        }
        self.parents.extend(parents.iter().cloned());
        let partition_parent = if s.partbound.is_some() {
            parents.first().cloned()
        } else {
            None
        };
        for p in &parents {
            let Some(parent) = self.db.tables.get(p) else {
                continue;
            };
            for pc in &parent.columns {
                if let Some(existing) = table.columns.iter_mut().find(|c| c.name == pc.name) {
                    existing.not_null |= pc.not_null;
                    continue;
                }
                table.columns.push(Column {
                    is_local: false,
                    comment: None,
                    grants: BTreeSet::new(),
                    statistics: None,
                    identity: if partition_parent.is_some() {
                        pc.identity.clone()
                    } else {
                        None
                    },
                    ..pc.clone()
                });
            }
            for (n, c) in &parent.constraints {
                if c.kind == ConstraintKind::Check && !c.definition.contains("NO INHERIT") {
                    table.constraints.insert(
                        n.clone(),
                        Constraint {
                            is_local: false,
                            comment: None,
                            ..c.clone()
                        },
                    );
                }
            }
        }
        if partition_parent.is_none() {
            table.inherits = parents.clone();
        }
        // A typed table (`OF type`) takes its columns from the composite type; `name WITH OPTIONS ...`
        // elements add constraints and defaults to them. They are local columns once the table exists.
        if let Some(tn) = s.of_typename.as_ref() {
            let ty = self.resolve_type(tn)?;
            let tq = self.user_type_of(&ty).filter(|_| !ty.ends_with("[]"));
            let attributes = match tq.as_ref().map(|q| &self.db.types[q].kind) {
                Some(TypeKind::Composite { attributes }) => attributes,
                _ => return fail(format!("type {ty} is not a composite type"), tn.location),
            };
            for a in attributes {
                table.columns.push(Column {
                    name: a.name.clone(),
                    type_name: a.type_name.clone(),
                    collation: a.collation.clone(),
                    is_local: false,
                    ..Column::default()
                });
            }
            table.of_type = tq;
        }
        let mut pending: Vec<PendingCon<'_>> = Vec::new();
        let mut seqs = Vec::new();
        for e in &s.table_elts {
            match &e.node {
                Some(N::ColumnDef(cd)) => {
                    let (col, seq) = self.column_def(&q, cd, &table.columns)?;
                    if let Some(sq) = seq {
                        if self.rel_taken(&sq.name.schema, &sq.name.name) {
                            return fail(
                                format!("relation \"{}\" already exists", sq.name.name),
                                cd.location,
                            );
                        }
                        seqs.push(sq);
                    }
                    if let Some(existing) = table.columns.iter_mut().find(|c| c.name == col.name) {
                        if existing.is_local || existing.type_name != col.type_name {
                            return fail(
                                format!("column \"{}\" specified more than once", col.name),
                                cd.location,
                            );
                        }
                        // A partition's column stays inherited when given options.
                        existing.is_local |= partition_parent.is_none();
                        existing.not_null |= col.not_null;
                        if col.default.is_some() {
                            existing.default = col.default;
                        }
                    } else {
                        table.columns.push(col);
                    }
                    let mut last: Option<usize> = None;
                    for c in &cd.constraints {
                        let Some(N::Constraint(c)) = &c.node else {
                            continue;
                        };
                        match c.contype() {
                            ConstrType::ConstrAttrDeferrable => {
                                if let Some(i) = last {
                                    pending[i].deferrable = true;
                                }
                            }
                            ConstrType::ConstrAttrDeferred => {
                                if let Some(i) = last {
                                    pending[i].deferrable = true;
                                    pending[i].initially_deferred = true;
                                }
                            }
                            ConstrType::ConstrAttrNotDeferrable
                            | ConstrType::ConstrAttrImmediate => {}
                            ConstrType::ConstrCheck
                            | ConstrType::ConstrPrimary
                            | ConstrType::ConstrUnique
                            | ConstrType::ConstrForeign
                            | ConstrType::ConstrExclusion => {
                                pending.push(PendingCon {
                                    con: c,
                                    column: Some(truncate_ident(&cd.colname)),
                                    deferrable: c.deferrable,
                                    initially_deferred: c.initdeferred,
                                    in_create: true,
                                });
                                last = Some(pending.len() - 1);
                            }
                            _ => {}
                        }
                    }
                }
                Some(N::Constraint(c)) => pending.push(PendingCon {
                    con: c,
                    column: None,
                    deferrable: c.deferrable,
                    initially_deferred: c.initdeferred,
                    in_create: true,
                }),
                Some(N::TableLikeClause(l)) => {
                    let lrv = l
                        .relation
                        .as_ref()
                        .ok_or(("LIKE without a table".to_string(), -1))?;
                    let src = self.table(lrv)?;
                    if let Some(src) = self.db.tables.get(&src) {
                        const DEFAULTS: u32 = 1 << 3;
                        const LIKE_COMPRESSION: u32 = 1 << 1;
                        const LIKE_STORAGE: u32 = 1 << 8;
                        let all = l.options == 0x7FFF_FFFF
                            || l.options & 0xFFFF == 0x3FF
                            || l.options >= 0x3FF;
                        for c in &src.columns {
                            let keep_default = all || l.options & DEFAULTS != 0;
                            table.columns.push(Column {
                                default: if keep_default {
                                    c.default.clone()
                                } else {
                                    None
                                },
                                identity: None,
                                comment: None,
                                grants: BTreeSet::new(),
                                is_local: true,
                                storage: if all || l.options & LIKE_STORAGE != 0 {
                                    c.storage
                                } else {
                                    None
                                },
                                compression: if all || l.options & LIKE_COMPRESSION != 0 {
                                    c.compression.clone()
                                } else {
                                    None
                                },
                                statistics: None,
                                ..c.clone()
                            });
                        }
                        if l.options != 0 {
                            self.warn("LIKE ... INCLUDING: only columns, NOT NULL and defaults are copied offline");
                        }
                    }
                }
                _ => {}
            }
        }
        if table.of_type.is_some() {
            for c in &mut table.columns {
                c.is_local = true;
            }
        }
        if let Some(ps) = &s.partspec {
            table.partition_by = Some(self.partition_key(ps, &table.columns)?);
        }
        if let (Some(parent), Some(bound)) = (&partition_parent, &s.partbound) {
            let ptable = self.db.tables.get(parent).cloned();
            let bound = self.partition_bound(bound, ptable.as_ref())?;
            table.partition_of = Some(PartitionOf {
                parent: parent.clone(),
                bound,
            });
        }
        for d in def_elems(&s.options) {
            let v = d
                .arg
                .as_deref()
                .and_then(str_of)
                .unwrap_or_else(|| "true".into());
            table.options.push(format!("{}={}", d.defname, v));
        }
        for mut sq in seqs {
            sq.common.grants = self.default_acl(AclKind::Sequence, Some(&sq.name.schema), None);
            self.db.sequences.insert(sq.name.clone(), sq);
        }
        table.common.grants = self.default_acl(AclKind::Table, Some(&q.schema), None);
        self.db.tables.insert(q.clone(), table);
        self.tablespace(&q, &s.tablespacename);
        // Constraints: CHECKs first (named when the table is created), then PRIMARY KEY / UNIQUE / EXCLUDE
        // (their indexes), then foreign keys, as PostgreSQL does.
        for p in pending
            .iter()
            .filter(|p| p.con.contype() == ConstrType::ConstrCheck)
        {
            self.add_constraint(&q, p)?;
        }
        // transformIndexConstraints: an unnamed UNIQUE that repeats the primary key (or an earlier UNIQUE)
        // is dropped.
        let keys_of = |p: &PendingCon<'_>| -> (Vec<String>, Vec<String>) {
            let k = match (&p.column, p.con.keys.is_empty()) {
                (Some(c), true) => vec![c.clone()],
                _ => strs(&p.con.keys),
            };
            (k, strs(&p.con.including))
        };
        let mut seen: Vec<(Vec<String>, Vec<String>)> = Vec::new();
        for p in pending
            .iter()
            .filter(|p| p.con.contype() == ConstrType::ConstrPrimary)
        {
            seen.push(keys_of(p));
            self.add_constraint(&q, p)?;
        }
        for p in pending.iter().filter(|p| {
            matches!(
                p.con.contype(),
                ConstrType::ConstrUnique | ConstrType::ConstrExclusion
            )
        }) {
            if p.con.contype() == ConstrType::ConstrUnique && p.con.where_clause.is_none() {
                let k = keys_of(p);
                if seen.contains(&k) && p.con.conname.is_empty() && !p.con.nulls_not_distinct {
                    continue;
                }
                seen.push(k);
            }
            self.add_constraint(&q, p)?;
        }
        for p in pending
            .iter()
            .filter(|p| p.con.contype() == ConstrType::ConstrForeign)
        {
            self.add_constraint(&q, p)?;
        }
        if let Some(parent) = partition_parent {
            self.clone_parent_indexes(&parent, &q, None)?;
            self.clone_parent_fkeys(&parent, &q, None);
        }
        Ok(())
    }

    /// Foreign keys of a partitioned table are cloned, under the same name, onto its partitions.
    fn clone_parent_fkeys(&mut self, parent: &QualName, child: &QualName, only: Option<&str>) {
        let Some(p) = self.db.tables.get(parent) else {
            return;
        };
        let fks: Vec<Constraint> = p
            .constraints
            .values()
            .filter(|c| c.kind == ConstraintKind::ForeignKey && only.is_none_or(|o| o == c.name))
            .cloned()
            .collect();
        for fk in fks {
            let exists = self
                .db
                .tables
                .get(child)
                .is_some_and(|c| c.constraints.contains_key(&fk.name));
            if !exists {
                self.insert_constraint(
                    child,
                    Constraint {
                        is_local: false,
                        comment: None,
                        ..fk
                    },
                    false,
                );
            }
        }
    }

    /// After ATTACH PARTITION: the parent's CHECK constraints on the partition are inherited, not local.
    fn inherit_parent_checks(&mut self, parent: &QualName, child: &QualName) {
        let Some(p) = self.db.tables.get(parent) else {
            return;
        };
        let checks: Vec<Constraint> = p
            .constraints
            .values()
            .filter(|c| c.kind == ConstraintKind::Check)
            .cloned()
            .collect();
        for c in checks {
            let present = self
                .db
                .tables
                .get_mut(child)
                .and_then(|t| t.constraints.get_mut(&c.name))
                .map(|cc| cc.is_local = false)
                .is_some();
            if !present {
                self.insert_constraint(
                    child,
                    Constraint {
                        is_local: false,
                        comment: None,
                        ..c
                    },
                    false,
                );
            }
        }
    }

    fn partition_key(&self, ps: &protobuf::PartitionSpec, columns: &[Column]) -> R<String> {
        let strategy = match ps.strategy() {
            protobuf::PartitionStrategy::List => "LIST",
            protobuf::PartitionStrategy::Range => "RANGE",
            _ => "HASH",
        };
        let mut parts = Vec::new();
        for p in &ps.part_params {
            let Some(N::PartitionElem(pe)) = &p.node else {
                continue;
            };
            let mut s = if !pe.name.is_empty() {
                if !columns.iter().any(|c| c.name == pe.name) {
                    return fail(
                        format!(
                            "column \"{}\" named in partition key does not exist",
                            pe.name
                        ),
                        pe.location,
                    );
                }
                quote_ident(&pe.name)
            } else if let Some(e) = pe.expr.as_deref() {
                let t = self.analyze_in(columns, e)?;
                let txt = expr::print(&t, true);
                if matches!(
                    t,
                    TExpr::Func { .. } | TExpr::Special { .. } | TExpr::Keyword { .. }
                ) {
                    txt
                } else {
                    format!("({txt})")
                }
            } else {
                continue;
            };
            if !pe.collation.is_empty() {
                s.push_str(&format!(
                    " COLLATE {}",
                    self.collation_name(&strs(&pe.collation))
                ));
            }
            if !pe.opclass.is_empty() {
                s.push(' ');
                s.push_str(
                    &strs(&pe.opclass)
                        .iter()
                        .map(|x| quote_ident(x))
                        .collect::<Vec<_>>()
                        .join("."),
                );
            }
            parts.push(s);
        }
        Ok(format!("{strategy} ({})", parts.join(", ")))
    }

    fn partition_bound(
        &self,
        b: &protobuf::PartitionBoundSpec,
        parent: Option<&Table>,
    ) -> R<String> {
        if b.is_default {
            return Ok("DEFAULT".into());
        }
        let key_types: Vec<String> = parent
            .and_then(|p| p.partition_by.as_ref().map(|k| (p, k)))
            .map(|(p, k)| {
                let inner = k
                    .split_once('(')
                    .map(|x| x.1)
                    .unwrap_or("")
                    .trim_end_matches(')');
                inner
                    .split(", ")
                    .map(|c| {
                        p.column(c.trim_matches('"'))
                            .map(|c| c.type_name.clone())
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .unwrap_or_default();
        let datum = |n: &Node, i: usize| -> R<String> {
            if let Some(N::ColumnRef(c)) = &n.node {
                let f = strs(&c.fields);
                if f.len() == 1 && (f[0] == "minvalue" || f[0] == "maxvalue") {
                    return Ok(f[0].to_uppercase());
                }
            }
            let raw = self.analyze_in(&[], n)?;
            let ty = key_types.get(i).filter(|t| !t.is_empty());
            let t = match ty {
                Some(ty) => match coerce(raw.clone(), ty) {
                    // A constant the coercion wraps (an integer to bigint) keeps its literal.
                    c @ TExpr::Const { .. } => c,
                    _ if matches!(raw, TExpr::Const { .. }) => raw,
                    other => other,
                },
                None => raw,
            };
            // Partition bounds print constants as ruleutils' get_const_expr does with no type label: an
            // integer that is not negative and a numeric that looks like a float bare, booleans as words,
            // NULL, everything else (bigint and smallint included) as a quoted literal.
            let Some(ty) = ty else {
                return Ok(match t {
                    TExpr::Const {
                        lit: expr::Lit::Str(s),
                        ..
                    } => quote_literal(&s),
                    TExpr::Const {
                        lit: expr::Lit::Int(v),
                        ..
                    } => v.to_string(),
                    TExpr::Const {
                        lit: expr::Lit::Num(v),
                        ..
                    } => v,
                    other => expr::print(&other, true),
                });
            };
            let text = match &t {
                TExpr::Const { lit, .. } => match lit {
                    expr::Lit::Null => return Ok("NULL".into()),
                    expr::Lit::Bool(b) => return Ok(b.to_string()),
                    expr::Lit::Int(v) => v.to_string(),
                    expr::Lit::Num(v) | expr::Lit::Str(v) => v.clone(),
                    expr::Lit::BitStr(_) => return Ok(expr::print(&t, true)),
                },
                other => return Ok(expr::print(other, true)),
            };
            let base = ty.split('(').next().unwrap_or(ty);
            let bare = match base {
                "integer" => !text.starts_with('-'),
                "numeric" => {
                    text.starts_with(|c: char| c.is_ascii_digit()) && text.contains(['.', 'e', 'E'])
                }
                "boolean" => text == "true" || text == "false",
                _ => false,
            };
            Ok(if bare { text } else { quote_literal(&text) })
        };
        let list = |nodes: &[Node]| -> R<String> {
            let mut v = Vec::new();
            for (i, n) in nodes.iter().enumerate() {
                v.push(datum(n, i)?);
            }
            Ok(v.join(", "))
        };
        Ok(match b.strategy.as_str() {
            "l" => {
                let mut v = Vec::new();
                for n in &b.listdatums {
                    v.push(datum(n, 0)?);
                }
                format!("FOR VALUES IN ({})", v.join(", "))
            }
            "r" => format!(
                "FOR VALUES FROM ({}) TO ({})",
                list(&b.lowerdatums)?,
                list(&b.upperdatums)?
            ),
            _ => format!(
                "FOR VALUES WITH (modulus {}, remainder {})",
                b.modulus, b.remainder
            ),
        })
    }

    /// Indexes of a partitioned parent are created on a new partition too (named as PostgreSQL names them).
    fn clone_parent_indexes(
        &mut self,
        parent: &QualName,
        child: &QualName,
        only: Option<&str>,
    ) -> R<()> {
        let Some(p) = self.db.tables.get(parent).cloned() else {
            return Ok(());
        };
        for (iname, idx) in &p.indexes {
            if only.is_some_and(|o| o != iname) {
                continue;
            }
            // A partition that already has an equivalent index gets that one attached instead.
            let parent_iq = QualName::new(&parent.schema, iname);
            let existing = self.db.tables.get(child).and_then(|c| {
                c.indexes
                    .values()
                    .find(|ci| {
                        ci.parent_index.is_none()
                            && ci.unique == idx.unique
                            && index_body(&ci.definition) == index_body(&idx.definition)
                    })
                    .map(|ci| ci.name.clone())
            });
            if let Some(e) = existing {
                if let Some(ci) = self
                    .db
                    .tables
                    .get_mut(child)
                    .and_then(|c| c.indexes.get_mut(&e))
                {
                    ci.parent_index = Some(parent_iq);
                }
                if let Some(cn) = &idx.constraint {
                    if let Some(cc) = self
                        .db
                        .tables
                        .get_mut(child)
                        .and_then(|c| c.constraints.get_mut(&e))
                    {
                        if cc.kind != ConstraintKind::Check && p.constraints.contains_key(cn) {
                            cc.is_local = false;
                        }
                    }
                }
                continue;
            }
            let columns = idx.columns.clone();
            let name = if let Some(cname) = &idx.constraint {
                let con = p.constraints.get(cname);
                let kind = con.map(|c| c.kind);
                let label = match kind {
                    Some(ConstraintKind::PrimaryKey) => "pkey",
                    Some(ConstraintKind::Exclude) => "excl",
                    _ => "key",
                };
                let addition = if label == "pkey" {
                    None
                } else {
                    Some(name_addition(&index_column_names(&columns)))
                };
                let n = choose_name(&child.name, addition.as_deref(), label, |n| {
                    self.rel_taken(&child.schema, n) || self.con_taken(&child.schema, n)
                });
                if let Some(c) = con {
                    let def = c.definition.clone();
                    self.add_con_name(&child.schema, &n);
                    if let Some(t) = self.db.tables.get_mut(child) {
                        t.constraints.insert(
                            n.clone(),
                            Constraint {
                                name: n.clone(),
                                is_local: false,
                                comment: None,
                                definition: def,
                                ..c.clone()
                            },
                        );
                    }
                }
                n
            } else {
                let cols = if columns.is_empty() {
                    vec!["expr".to_string()]
                } else {
                    index_column_names(&columns)
                };
                let add = name_addition(&cols);
                choose_name(&child.name, Some(&add), "idx", |n| {
                    self.rel_taken(&child.schema, n)
                })
            };
            let def = idx.definition.replacen(
                &format!("INDEX {} ON ONLY {}", quote_ident(iname), parent),
                &format!("INDEX {} ON {}", quote_ident(&name), child),
                1,
            );
            let new = Index {
                name: name.clone(),
                definition: def,
                parent_index: Some(QualName::new(&parent.schema, iname)),
                comment: None,
                constraint: idx.constraint.as_ref().map(|_| name.clone()),
                clustered: false,
                ..idx.clone()
            };
            self.index_owner
                .insert(QualName::new(&child.schema, &name), child.clone());
            if let Some(t) = self.db.tables.get_mut(child) {
                t.indexes.insert(name, new);
            }
        }
        Ok(())
    }
}

fn fk_action(c: &str) -> Option<&'static str> {
    match c {
        "r" => Some("RESTRICT"),
        "c" => Some("CASCADE"),
        "n" => Some("SET NULL"),
        "d" => Some("SET DEFAULT"),
        _ => None,
    }
}

fn deferrable_suffix(deferrable: bool, deferred: bool) -> &'static str {
    match (deferrable, deferred) {
        (true, true) => " DEFERRABLE INITIALLY DEFERRED",
        (true, false) => " DEFERRABLE",
        _ => "",
    }
}

fn ident_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote_ident(n))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Interp {
    fn add_constraint(&mut self, q: &QualName, p: &PendingCon<'_>) -> R<()> {
        let c = p.con;
        let skip_validation = c.skip_validation && !p.in_create;
        let Some(table) = self.db.tables.get(q) else {
            return fail("table vanished", -1);
        };
        let columns: &[Column] = &table.columns;
        let explicit = (!c.conname.is_empty()).then(|| truncate_ident(&c.conname));
        if let Some(n) = &explicit {
            if table.constraints.contains_key(n) {
                return fail(
                    format!(
                        "constraint \"{n}\" for relation \"{}\" already exists",
                        q.name
                    ),
                    c.location,
                );
            }
        }
        let key_cols = |nodes: &[Node]| -> R<Vec<String>> {
            let cols = strs(nodes);
            for k in &cols {
                if !columns.iter().any(|x| &x.name == k) {
                    return fail(
                        format!("column \"{k}\" named in key does not exist"),
                        c.location,
                    );
                }
            }
            Ok(cols)
        };
        let defer = deferrable_suffix(p.deferrable, p.initially_deferred);
        match c.contype() {
            ConstrType::ConstrCheck => {
                let e = c
                    .raw_expr
                    .as_deref()
                    .ok_or(("CHECK without expression".to_string(), c.location))?;
                let (text, cols) = self.render_check(columns, e)?;
                let col_for_name = if cols.len() == 1 {
                    Some(cols[0].clone())
                } else {
                    None
                };
                let name = match explicit {
                    Some(n) => n,
                    None => choose_name(&q.name, col_for_name.as_deref(), "check", |n| {
                        self.con_taken(&q.schema, n) || table.constraints.contains_key(n)
                    }),
                };
                let mut def = text;
                if c.is_no_inherit {
                    def.push_str(" NO INHERIT");
                }
                if skip_validation {
                    def.push_str(" NOT VALID");
                }
                let con = Constraint {
                    name: name.clone(),
                    kind: ConstraintKind::Check,
                    definition: def,
                    columns: cols,
                    references: None,
                    deferrable: false,
                    initially_deferred: false,
                    validated: !skip_validation,
                    is_local: true,
                    comment: None,
                };
                self.insert_constraint(q, con, true);
            }
            ConstrType::ConstrPrimary | ConstrType::ConstrUnique | ConstrType::ConstrExclusion => {
                let kind = match c.contype() {
                    ConstrType::ConstrPrimary => ConstraintKind::PrimaryKey,
                    ConstrType::ConstrUnique => ConstraintKind::Unique,
                    _ => ConstraintKind::Exclude,
                };
                if kind == ConstraintKind::PrimaryKey
                    && table
                        .constraints
                        .values()
                        .any(|x| x.kind == ConstraintKind::PrimaryKey)
                {
                    return fail(
                        format!(
                            "multiple primary keys for table \"{}\" are not allowed",
                            q.name
                        ),
                        c.location,
                    );
                }
                let mut keys = match (&p.column, c.keys.is_empty()) {
                    (Some(col), true) => vec![col.clone()],
                    _ => key_cols(&c.keys)?,
                };
                let including = key_cols(&c.including)?;
                let mut excl_elems = Vec::new();
                if kind == ConstraintKind::Exclude {
                    keys.clear();
                    for ex in &c.exclusions {
                        let Some(N::List(pair)) = &ex.node else {
                            continue;
                        };
                        let (Some(elem), Some(ops)) = (pair.items.first(), pair.items.get(1))
                        else {
                            continue;
                        };
                        let op = match &ops.node {
                            Some(N::List(l)) => strs(&l.items).join("."),
                            _ => String::new(),
                        };
                        if let Some(N::IndexElem(ie)) = &elem.node {
                            let (txt, colname) = self.index_elem_text(ie, columns)?;
                            if let Some(cn) = colname {
                                keys.push(cn);
                            }
                            excl_elems.push(format!("{txt} WITH {op}"));
                        }
                    }
                }
                let label = match kind {
                    ConstraintKind::PrimaryKey => "pkey",
                    ConstraintKind::Exclude => "excl",
                    _ => "key",
                };
                let mut name_cols = keys.clone();
                name_cols.extend(including.iter().cloned());
                let name = match explicit {
                    Some(n) => n,
                    None => {
                        let add = if label == "pkey" {
                            None
                        } else {
                            Some(name_addition(&index_column_names(&name_cols)))
                        };
                        choose_name(&q.name, add.as_deref(), label, |n| {
                            self.rel_taken(&q.schema, n) || self.con_taken(&q.schema, n)
                        })
                    }
                };
                if self.rel_taken(&q.schema, &name) {
                    return fail(format!("relation \"{name}\" already exists"), c.location);
                }
                let mut def = match kind {
                    ConstraintKind::PrimaryKey => format!("PRIMARY KEY ({})", ident_list(&keys)),
                    ConstraintKind::Exclude => {
                        let am = if c.access_method.is_empty() {
                            "btree"
                        } else {
                            &c.access_method
                        };
                        format!("EXCLUDE USING {am} ({})", excl_elems.join(", "))
                    }
                    _ => format!(
                        "UNIQUE {}({})",
                        if c.nulls_not_distinct {
                            "NULLS NOT DISTINCT "
                        } else {
                            ""
                        },
                        ident_list(&keys)
                    ),
                };
                if !including.is_empty() {
                    def.push_str(&format!(" INCLUDE ({})", ident_list(&including)));
                }
                // Storage parameters of the index, as pg_get_constraintdef writes them.
                let with: Vec<String> = def_elems(&c.options)
                    .iter()
                    .map(|d| {
                        let v = d.arg.as_deref().and_then(str_of).unwrap_or_default();
                        format!("{}={}", d.defname, quote_literal(&v))
                    })
                    .collect();
                if !with.is_empty() && kind != ConstraintKind::Exclude {
                    def.push_str(&format!(" WITH ({})", with.join(", ")));
                }
                let where_txt = match c.where_clause.as_deref() {
                    Some(w) => Some(expr::print(
                        &coerce(self.analyze_in(columns, w)?, "boolean"),
                        true,
                    )),
                    None => None,
                };
                if let Some(w) = &where_txt {
                    def.push_str(&format!(" WHERE ({w})"));
                }
                def.push_str(defer);
                let partitioned = table.partition_by.is_some();
                let am = if c.access_method.is_empty() {
                    "btree".to_string()
                } else {
                    c.access_method.clone()
                };
                let cols_txt = if kind == ConstraintKind::Exclude {
                    excl_elems
                        .iter()
                        .map(|e| e.split(" WITH ").next().unwrap_or("").to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                } else {
                    ident_list(&keys)
                };
                let mut idef = format!(
                    "CREATE {}INDEX {} ON {}{} USING {am} ({cols_txt})",
                    if kind == ConstraintKind::Exclude {
                        ""
                    } else {
                        "UNIQUE "
                    },
                    quote_ident(&name),
                    if partitioned { "ONLY " } else { "" },
                    q
                );
                if !including.is_empty() {
                    idef.push_str(&format!(" INCLUDE ({})", ident_list(&including)));
                }
                if c.nulls_not_distinct {
                    idef.push_str(" NULLS NOT DISTINCT");
                }
                if let Some(w) = &where_txt {
                    idef.push_str(&format!(" WHERE ({w})"));
                }
                let index = Index {
                    name: name.clone(),
                    definition: idef,
                    unique: kind != ConstraintKind::Exclude,
                    constraint: Some(name.clone()),
                    columns: keys.clone(),
                    parent_index: None,
                    comment: None,
                    clustered: false,
                };
                let con = Constraint {
                    name: name.clone(),
                    kind,
                    definition: def,
                    columns: keys.clone(),
                    references: None,
                    deferrable: p.deferrable,
                    initially_deferred: p.initially_deferred,
                    validated: true,
                    is_local: true,
                    comment: None,
                };
                if kind == ConstraintKind::PrimaryKey {
                    if let Some(t) = self.db.tables.get_mut(q) {
                        for col in t.columns.iter_mut().filter(|x| keys.contains(&x.name)) {
                            col.not_null = true;
                        }
                    }
                }
                self.insert_constraint(q, con, true);
                self.index_owner
                    .insert(QualName::new(&q.schema, &name), q.clone());
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.indexes.insert(name, index);
                }
            }
            ConstrType::ConstrForeign => {
                let fk_cols = match (&p.column, c.fk_attrs.is_empty()) {
                    (Some(col), true) => vec![col.clone()],
                    _ => key_cols(&c.fk_attrs)?,
                };
                let prv = c
                    .pktable
                    .as_ref()
                    .ok_or(("REFERENCES without a table".to_string(), c.location))?;
                let target = if prv.schemaname.is_empty()
                    && prv.relname == q.name
                    && self.find_rel("", &prv.relname).is_none()
                {
                    q.clone()
                } else {
                    self.table(prv)?
                };
                let no_table = Table::default();
                let ref_table = self.db.tables.get(&target).unwrap_or(&no_table);
                let ref_cols = if c.pk_attrs.is_empty() {
                    match ref_table
                        .constraints
                        .values()
                        .find(|x| x.kind == ConstraintKind::PrimaryKey)
                    {
                        Some(pk) => pk.columns.clone(),
                        None => {
                            return fail(
                                format!(
                                    "there is no primary key for referenced table \"{}\"",
                                    target.name
                                ),
                                prv.location,
                            )
                        }
                    }
                } else {
                    strs(&c.pk_attrs)
                };
                for rc in &ref_cols {
                    if ref_table.column(rc).is_none() {
                        return fail(format!("column \"{rc}\" referenced in foreign key constraint does not exist"), c.location);
                    }
                }
                if ref_cols.len() != fk_cols.len() {
                    return fail(
                        "number of referencing and referenced columns for foreign key disagree",
                        c.location,
                    );
                }
                let name = match explicit {
                    Some(n) => n,
                    None => {
                        let add = name_addition(&fk_cols);
                        choose_name(&q.name, Some(&add), "fkey", |n| {
                            self.con_taken(&q.schema, n) || table.constraints.contains_key(n)
                        })
                    }
                };
                let mut def = format!(
                    "FOREIGN KEY ({}) REFERENCES {}({})",
                    ident_list(&fk_cols),
                    target,
                    ident_list(&ref_cols)
                );
                match c.fk_matchtype.as_str() {
                    "f" => def.push_str(" MATCH FULL"),
                    "p" => def.push_str(" MATCH PARTIAL"),
                    _ => {}
                }
                if let Some(a) = fk_action(&c.fk_upd_action) {
                    def.push_str(&format!(" ON UPDATE {a}"));
                }
                if let Some(a) = fk_action(&c.fk_del_action) {
                    def.push_str(&format!(" ON DELETE {a}"));
                    let set_cols = strs(&c.fk_del_set_cols);
                    if !set_cols.is_empty() {
                        def.push_str(&format!(" ({})", ident_list(&set_cols)));
                    }
                }
                def.push_str(defer);
                if skip_validation {
                    def.push_str(" NOT VALID");
                }
                let con = Constraint {
                    name: name.clone(),
                    kind: ConstraintKind::ForeignKey,
                    definition: def,
                    columns: fk_cols,
                    references: Some(target),
                    deferrable: p.deferrable,
                    initially_deferred: p.initially_deferred,
                    validated: !skip_validation,
                    is_local: true,
                    comment: None,
                };
                self.insert_constraint(q, con, true);
            }
            _ => {}
        }
        Ok(())
    }

    fn insert_constraint(&mut self, q: &QualName, con: Constraint, propagate: bool) {
        self.add_con_name(&q.schema, &con.name);
        // CHECK constraints are inherited by children and partitions (not with ALTER TABLE ONLY).
        let children: Vec<QualName> = if propagate
            && !self.alter_only
            && con.kind == ConstraintKind::Check
            && !con.definition.contains("NO INHERIT")
        {
            self.children_of(q)
        } else {
            Vec::new()
        };
        let inherited = (!children.is_empty()).then(|| Constraint {
            is_local: false,
            ..con.clone()
        });
        if let Some(t) = self.db.tables.get_mut(q) {
            t.constraints.insert(con.name.clone(), con);
        }
        if let Some(c) = inherited {
            for ch in children {
                self.insert_constraint(&ch, c.clone(), true);
            }
        }
    }

    /// Text of one index column and, when it is a plain column, its name.
    fn index_elem_text(
        &self,
        ie: &protobuf::IndexElem,
        columns: &[Column],
    ) -> R<(String, Option<String>)> {
        let (mut s, col) = if !ie.name.is_empty() {
            if !columns.iter().any(|c| c.name == ie.name) {
                return fail(format!("column \"{}\" does not exist", ie.name), -1);
            }
            (quote_ident(&ie.name), Some(ie.name.clone()))
        } else if let Some(e) = ie.expr.as_deref() {
            let t = self.analyze_in(columns, e)?;
            let txt = expr::print(&t, true);
            match t {
                TExpr::Col { name, .. } => (quote_ident(&name), Some(name)),
                TExpr::Func { .. } | TExpr::Special { .. } | TExpr::Keyword { .. } => (txt, None),
                _ => (format!("({txt})"), None),
            }
        } else {
            return fail("index element without column or expression", -1);
        };
        if !ie.collation.is_empty() {
            s.push_str(&format!(
                " COLLATE {}",
                self.collation_name(&strs(&ie.collation))
            ));
        }
        if !ie.opclass.is_empty() {
            let oc = strs(&ie.opclass);
            s.push(' ');
            s.push_str(&self.opclass_name(&oc));
        }
        use protobuf::{SortByDir as D, SortByNulls as Nl};
        let desc = ie.ordering() == D::SortbyDesc;
        if desc {
            s.push_str(" DESC");
        }
        match (desc, ie.nulls_ordering()) {
            (false, Nl::SortbyNullsFirst) => s.push_str(" NULLS FIRST"),
            (true, Nl::SortbyNullsLast) => s.push_str(" NULLS LAST"),
            _ => {}
        }
        Ok((s, col))
    }

    fn create_index(&mut self, s: &protobuf::IndexStmt) -> R<()> {
        let rv = s
            .relation
            .as_ref()
            .ok_or(("index without a table".to_string(), -1))?;
        let (owner, columns, partitioned) = match self.find_rel(&rv.schemaname, &rv.relname) {
            Some(Rel::Table(q)) => {
                let t = &self.db.tables[&q];
                (
                    q.clone(),
                    std::borrow::Cow::Borrowed(t.columns.as_slice()),
                    t.partition_by.is_some(),
                )
            }
            Some(Rel::View(q)) if self.db.views[&q].kind == ViewKind::Materialized => {
                let v = &self.db.views[&q];
                let cols = v
                    .columns
                    .iter()
                    .map(|c| Column {
                        name: c.name.clone(),
                        type_name: c.type_name.clone(),
                        ..Column::default()
                    })
                    .collect::<Vec<_>>();
                (q.clone(), std::borrow::Cow::Owned(cols), false)
            }
            Some(_) => {
                return fail(
                    format!("cannot create index on relation \"{}\"", rv.relname),
                    rv.location,
                )
            }
            None => {
                return fail(
                    format!("relation \"{}\" does not exist", display_rv(rv)),
                    rv.location,
                )
            }
        };
        let mut elems = Vec::new();
        let mut keycols = Vec::new();
        let mut name_cols = Vec::new();
        for p in s.index_params.iter().chain(s.index_including_params.iter()) {
            let Some(N::IndexElem(ie)) = &p.node else {
                continue;
            };
            let (txt, col) = self.index_elem_text(ie, &columns)?;
            name_cols.push(match (&col, ie.expr.as_deref()) {
                (Some(c), _) => c.clone(),
                (None, Some(e)) => figure_colname(e).unwrap_or_else(|| "expr".into()),
                _ => "expr".into(),
            });
            elems.push((txt, col));
        }
        let nkeys = s.index_params.len();
        for (_, c) in elems.iter().take(nkeys) {
            if let Some(c) = c {
                keycols.push(c.clone());
            }
        }
        let name = if s.idxname.is_empty() {
            let add = name_addition(&index_column_names(&name_cols));
            choose_name(&owner.name, Some(&add), "idx", |n| {
                self.rel_taken(&owner.schema, n)
            })
        } else {
            truncate_ident(&s.idxname)
        };
        let iq = QualName::new(&owner.schema, &name);
        if self.relation_exists(&iq) {
            if s.if_not_exists {
                self.warn(format!("relation \"{name}\" already exists, skipping"));
                return Ok(());
            }
            return fail(format!("relation \"{name}\" already exists"), -1);
        }
        let am = if s.access_method.is_empty() {
            "btree"
        } else {
            &s.access_method
        };
        let key_txt: Vec<&str> = elems.iter().take(nkeys).map(|e| e.0.as_str()).collect();
        let inc_txt: Vec<&str> = elems
            .iter()
            .skip(nkeys)
            .map(|e| e.0.split(' ').next().unwrap_or(""))
            .collect();
        let mut def = format!(
            "CREATE {}INDEX {} ON {}{} USING {am} ({})",
            if s.unique { "UNIQUE " } else { "" },
            quote_ident(&name),
            if partitioned { "ONLY " } else { "" },
            owner,
            key_txt.join(", ")
        );
        if !inc_txt.is_empty() {
            def.push_str(&format!(" INCLUDE ({})", inc_txt.join(", ")));
        }
        if s.nulls_not_distinct {
            def.push_str(" NULLS NOT DISTINCT");
        }
        let opts: Vec<String> = def_elems(&s.options)
            .iter()
            .map(|d| {
                format!(
                    "{}={}",
                    d.defname,
                    quote_literal(&d.arg.as_deref().and_then(str_of).unwrap_or_default())
                )
            })
            .collect();
        if !opts.is_empty() {
            def.push_str(&format!(" WITH ({})", opts.join(", ")));
        }
        if let Some(w) = s.where_clause.as_deref() {
            let t = coerce(self.analyze_in(&columns, w)?, "boolean");
            def.push_str(&format!(" WHERE {}", paren(expr::print(&t, true))));
        }
        self.tablespace(&QualName::new(&owner.schema, &name), &s.table_space);
        let index = Index {
            name: name.clone(),
            definition: def,
            unique: s.unique,
            constraint: None,
            columns: keycols,
            parent_index: None,
            comment: None,
            clustered: false,
        };
        self.index_owner.insert(iq, owner.clone());
        if let Some(t) = self.db.tables.get_mut(&owner) {
            t.indexes.insert(name.clone(), index.clone());
        } else if let Some(v) = self.db.views.get_mut(&owner) {
            v.indexes.insert(name.clone(), index.clone());
        }
        if partitioned && rv.inh {
            let kids: Vec<QualName> = if !self.parents.contains(&owner) {
                Vec::new()
            } else {
                self.db
                    .tables
                    .values()
                    .filter(|t| t.partition_of.as_ref().is_some_and(|p| p.parent == owner))
                    .map(|t| t.name.clone())
                    .collect()
            };
            for k in kids {
                self.clone_parent_indexes(&owner, &k, Some(&name))?;
            }
        }
        Ok(())
    }
}

/// An index definition without its name and table: what makes two indexes equivalent.
fn index_body(def: &str) -> &str {
    def.split_once(" USING ").map(|(_, b)| b).unwrap_or(def)
}

fn paren(s: String) -> String {
    if s.starts_with('(') && s.ends_with(')') {
        s
    } else {
        format!("({s})")
    }
}

impl Interp {
    /// Relations a query reads (resolved, existing ones only), and its output columns.
    fn query_shape(&mut self, query: &N) -> (BTreeSet<QualName>, Vec<ViewColumn>) {
        let mut reads = BTreeSet::new();
        let refs = QueryRefs::of(query);
        let mut col_reads = BTreeSet::new();
        let mut aliases: Vec<(String, QualName)> = Vec::new();
        for (schema, name, alias) in &refs.relations {
            if schema.is_empty() && refs.ctes.contains(name) {
                continue;
            }
            match self.find_rel(schema, name) {
                Some(Rel::Table(q)) | Some(Rel::View(q)) => {
                    aliases.push((alias.clone().unwrap_or_else(|| name.clone()), q.clone()));
                    reads.insert(q);
                }
                _ => {}
            }
        }
        let rel_columns = |me: &Self, q: &QualName| -> Vec<String> {
            if let Some(t) = me.db.tables.get(q) {
                t.columns.iter().map(|c| c.name.clone()).collect()
            } else if let Some(v) = me.db.views.get(q) {
                v.columns.iter().map(|c| c.name.clone()).collect()
            } else {
                vec![]
            }
        };
        for (fields, star) in &refs.columns {
            let qualifier = if *star {
                fields.last()
            } else if fields.len() >= 2 {
                fields.get(fields.len() - 2)
            } else {
                None
            };
            for (alias, q) in &aliases {
                if qualifier.is_some_and(|a| a != alias) {
                    continue;
                }
                let cols = rel_columns(self, q);
                if *star {
                    for c in cols {
                        col_reads.insert(ColumnRef {
                            table: q.clone(),
                            column: c,
                        });
                    }
                } else if let Some(c) = fields.last().filter(|c| cols.contains(c)) {
                    col_reads.insert(ColumnRef {
                        table: q.clone(),
                        column: c.clone(),
                    });
                }
            }
        }
        let mut other = BTreeSet::new();
        for names in &refs.functions {
            if let Some(f) = self.find_function(names, usize::MAX) {
                other.insert(ObjectRef::Function(f.id.clone()));
            }
        }
        for names in &refs.types {
            if let Ok((sc, n)) = self.name_from_list(names, -1) {
                if let Some(t) = self.find_type(&sc, &n) {
                    other.insert(ObjectRef::Type(t));
                }
            }
        }
        // GROUP BY a primary key lets other columns of that table be selected: the view then depends on the
        // key constraint, that is on the table.
        if let N::SelectStmt(sel) = query {
            let grouped: Vec<Vec<String>> = sel
                .group_clause
                .iter()
                .filter_map(|g| match &g.node {
                    Some(N::ColumnRef(c)) => Some(strs(&c.fields)),
                    _ => None,
                })
                .collect();
            if !grouped.is_empty() {
                for (alias, q) in &aliases {
                    let Some(t) = self.db.tables.get(q) else {
                        continue;
                    };
                    let Some(pk) = t
                        .constraints
                        .values()
                        .find(|c| c.kind == ConstraintKind::PrimaryKey)
                    else {
                        continue;
                    };
                    let in_group = |c: &str| {
                        grouped.iter().any(|f| {
                            f.last().is_some_and(|l| l == c)
                                && (f.len() < 2 || f[f.len() - 2] == *alias)
                        })
                    };
                    let pk_grouped = pk.columns.iter().all(|c| in_group(c));
                    let other_selected = sel.target_list.iter().any(|tl| match &tl.node {
                        Some(N::ResTarget(rt)) => {
                            match rt.val.as_deref().and_then(|v| v.node.as_ref()) {
                                Some(N::ColumnRef(c)) => {
                                    let f = strs(&c.fields);
                                    f.last()
                                        .is_some_and(|l| t.column(l).is_some() && !in_group(l))
                                }
                                _ => false,
                            }
                        }
                        _ => false,
                    });
                    if pk_grouped && other_selected {
                        other.insert(ObjectRef::Relation(q.clone()));
                    }
                }
            }
        }
        self.pending_expr_deps = (col_reads, other);
        let mut cols = Vec::new();
        let N::SelectStmt(sel) = query else {
            return (reads, cols);
        };
        // a UNION / INTERSECT / EXCEPT has the columns of its first branch (their names, and the type the
        // branches resolve to, taken as the first branch's)
        let mut sel: &protobuf::SelectStmt = sel;
        while sel.op() != protobuf::SetOperation::SetopNone {
            match sel.larg.as_deref() {
                Some(l) => sel = l,
                None => return (reads, cols),
            }
        }
        let mut from: Vec<(String, QualName)> = Vec::new();
        for f in &sel.from_clause {
            self.range_items(f, &mut from);
        }
        let rel_cols = |q: &QualName| -> Vec<(String, String)> {
            if let Some(t) = self.db.tables.get(q) {
                t.columns
                    .iter()
                    .map(|c| (c.name.clone(), c.type_name.clone()))
                    .collect()
            } else if let Some(v) = self.db.views.get(q) {
                v.columns
                    .iter()
                    .map(|c| (c.name.clone(), c.type_name.clone()))
                    .collect()
            } else {
                vec![]
            }
        };
        for t in &sel.target_list {
            let Some(N::ResTarget(rt)) = &t.node else {
                continue;
            };
            let val = rt.val.as_deref();
            if let Some(Node {
                node: Some(N::ColumnRef(cr)),
            }) = val
            {
                let star = cr
                    .fields
                    .iter()
                    .any(|f| matches!(f.node, Some(N::AStar(_))));
                let fields = strs(&cr.fields);
                if star {
                    for (alias, q) in &from {
                        if fields.is_empty() || fields.last() == Some(alias) {
                            for (n, ty) in rel_cols(q) {
                                cols.push(ViewColumn {
                                    name: n,
                                    type_name: ty,
                                    comment: None,
                                });
                            }
                        }
                    }
                    continue;
                }
                let colname = fields.last().cloned().unwrap_or_default();
                let ty = from
                    .iter()
                    .filter(|(a, _)| fields.len() < 2 || fields.get(fields.len() - 2) == Some(a))
                    .find_map(|(_, q)| {
                        rel_cols(q)
                            .into_iter()
                            .find(|(n, _)| *n == colname)
                            .map(|x| x.1)
                    })
                    .unwrap_or_default();
                let name = if rt.name.is_empty() {
                    colname
                } else {
                    rt.name.clone()
                };
                cols.push(ViewColumn {
                    name,
                    type_name: ty,
                    comment: None,
                });
                continue;
            }
            let name = if !rt.name.is_empty() {
                rt.name.clone()
            } else {
                val.and_then(figure_colname)
                    .unwrap_or_else(|| "?column?".into())
            };
            let ty = match val {
                Some(v) => {
                    let mut all: Vec<Column> = Vec::new();
                    for (_, q) in &from {
                        for (n, t) in rel_cols(q) {
                            if !all.iter().any(|c| c.name == n) {
                                all.push(Column {
                                    name: n,
                                    type_name: t,
                                    ..Column::default()
                                });
                            }
                        }
                    }
                    match self.analyze_in(&all, v) {
                        Ok(t) => match t.ty() {
                            Some(ty) => ty,
                            None if matches!(
                                t,
                                TExpr::Const {
                                    lit: expr::Lit::Str(_),
                                    ..
                                }
                            ) =>
                            {
                                "text".into()
                            }
                            None => String::new(),
                        },
                        Err(_) => String::new(),
                    }
                }
                None => String::new(),
            };
            cols.push(ViewColumn {
                name,
                type_name: ty,
                comment: None,
            });
        }
        (reads, cols)
    }

    fn create_view(&mut self, s: &protobuf::ViewStmt) -> R<()> {
        let rv = s
            .view
            .as_ref()
            .ok_or(("view name missing".to_string(), -1))?;
        let q = self.new_rel_name(rv)?;
        let query = s
            .query
            .as_deref()
            .and_then(|n| n.node.as_ref())
            .ok_or(("view without a query".to_string(), -1))?;
        if self.relation_exists(&q) {
            let replaceable = s.replace
                && self
                    .db
                    .views
                    .get(&q)
                    .is_some_and(|v| v.kind == ViewKind::View);
            if !replaceable {
                return fail(
                    format!("relation \"{}\" already exists", q.name),
                    rv.location,
                );
            }
        }
        let (reads, mut columns) = self.query_shape(query);
        for (i, a) in strs(&s.aliases).into_iter().enumerate() {
            if let Some(c) = columns.get_mut(i) {
                c.name = a;
            }
        }
        let mut options: Vec<String> = def_elems(&s.options)
            .iter()
            .map(|d| {
                format!(
                    "{}={}",
                    d.defname,
                    d.arg
                        .as_deref()
                        .and_then(str_of)
                        .unwrap_or_else(|| "true".into())
                )
            })
            .collect();
        match s.with_check_option() {
            protobuf::ViewCheckOption::LocalCheckOption => {
                options.push("check_option=local".into())
            }
            protobuf::ViewCheckOption::CascadedCheckOption => {
                options.push("check_option=cascaded".into())
            }
            _ => {}
        }
        options.sort();
        let old = self.db.views.remove(&q);
        let view = View {
            name: q.clone(),
            kind: ViewKind::View,
            definition: self
                .view_def(query)
                .unwrap_or_else(|| view_definition(&self.expand_stars(query))),
            columns,
            options,
            indexes: BTreeMap::new(),
            triggers: old.as_ref().map(|v| v.triggers.clone()).unwrap_or_default(),
            common: match old {
                Some(v) => v.common,
                None => Common {
                    grants: self.default_acl(AclKind::Table, Some(&q.schema), None),
                    ..Common::default()
                },
            },
        };
        self.view_reads.insert(q.clone(), reads);
        self.view_uses
            .insert(q.clone(), std::mem::take(&mut self.pending_expr_deps));
        self.db.views.insert(q, view);
        Ok(())
    }

    fn create_table_as(&mut self, s: &protobuf::CreateTableAsStmt) -> R<()> {
        let into = s
            .into
            .as_deref()
            .ok_or(("CREATE ... AS without a target".to_string(), -1))?;
        let rv = into
            .rel
            .as_ref()
            .ok_or(("CREATE ... AS without a name".to_string(), -1))?;
        let q = self.new_rel_name(rv)?;
        if self.relation_exists(&q) {
            if s.if_not_exists {
                return Ok(());
            }
            return fail(
                format!("relation \"{}\" already exists", q.name),
                rv.location,
            );
        }
        let query = s
            .query
            .as_deref()
            .and_then(|n| n.node.as_ref())
            .ok_or(("CREATE ... AS without a query".to_string(), -1))?;
        let (reads, mut columns) = self.query_shape(query);
        for (i, a) in strs(&into.col_names).into_iter().enumerate() {
            if let Some(c) = columns.get_mut(i) {
                c.name = a;
            }
        }
        if s.objtype() == ObjectType::ObjectMatview {
            let options = def_elems(&into.options)
                .iter()
                .map(|d| {
                    format!(
                        "{}={}",
                        d.defname,
                        d.arg.as_deref().and_then(str_of).unwrap_or_default()
                    )
                })
                .collect();
            let view = View {
                name: q.clone(),
                kind: ViewKind::Materialized,
                definition: self
                    .view_def(query)
                    .unwrap_or_else(|| view_definition(&self.expand_stars(query))),
                columns,
                options,
                indexes: BTreeMap::new(),
                triggers: BTreeMap::new(),
                common: Common {
                    grants: self.default_acl(AclKind::Table, Some(&q.schema), None),
                    ..Common::default()
                },
            };
            self.view_reads.insert(q.clone(), reads);
            self.view_uses
                .insert(q.clone(), std::mem::take(&mut self.pending_expr_deps));
            self.db.views.insert(q, view);
        } else {
            if columns.iter().any(|c| c.type_name.is_empty()) {
                self.warn("CREATE TABLE AS: column types of computed columns cannot be known offline (use --dev-url)");
            }
            let table = Table {
                name: q.clone(),
                columns: columns
                    .into_iter()
                    .map(|c| Column {
                        name: c.name,
                        type_name: c.type_name,
                        is_local: true,
                        ..Column::default()
                    })
                    .collect(),
                common: Common {
                    grants: self.default_acl(AclKind::Table, Some(&q.schema), None),
                    ..Common::default()
                },
                ..Table::default()
            };
            self.db.tables.insert(q, table);
        }
        Ok(())
    }
}

/// A view query as stored: deparsed by pg_query, with a leading space and a final semicolon as
/// `pg_get_viewdef` has them. PostgreSQL's own line breaks and column qualification are not reproduced.
fn view_definition(query: &N) -> String {
    format!(
        " {};",
        query.deparse(Default::default()).unwrap_or_default()
    )
}

impl Interp {
    /// The query with `*` and `alias.*` of its select lists (each branch of a UNION) replaced by the columns
    /// they stand for now, as PostgreSQL stores a view (`SELECT d.id, d.name, …`). A select list whose
    /// relations are not all known (a subquery, a CTE, a join with `USING`) is left as written.
    fn expand_stars(&self, query: &N) -> N {
        let N::SelectStmt(sel) = query else {
            return query.clone();
        };
        let mut sel = sel.clone();
        if sel.with_clause.is_none() {
            self.expand_stars_in(&mut sel);
        }
        N::SelectStmt(sel)
    }

    fn expand_stars_in(&self, sel: &mut protobuf::SelectStmt) {
        if let Some(l) = sel.larg.as_deref_mut() {
            self.expand_stars_in(l);
        }
        if let Some(r) = sel.rarg.as_deref_mut() {
            self.expand_stars_in(r);
        }
        let star = |t: &Node| match &t.node {
            Some(N::ResTarget(rt)) => match rt.val.as_deref().and_then(|v| v.node.as_ref()) {
                Some(N::ColumnRef(cr))
                    if cr
                        .fields
                        .iter()
                        .any(|f| matches!(f.node, Some(N::AStar(_)))) =>
                {
                    Some(strs(&cr.fields))
                }
                _ => None,
            },
            _ => None,
        };
        if !sel.target_list.iter().any(|t| star(t).is_some()) {
            return;
        }
        fn plain_joins(n: &Node) -> bool {
            match &n.node {
                Some(N::JoinExpr(j)) => {
                    !j.is_natural
                        && j.using_clause.is_empty()
                        && j.larg.as_deref().is_some_and(plain_joins)
                        && j.rarg.as_deref().is_some_and(plain_joins)
                }
                _ => true,
            }
        }
        let mut rels = Vec::new();
        for f in &sel.from_clause {
            if !plain_joins(f) || !self.range_items(f, &mut rels) {
                return;
            }
        }
        let column = |alias: &str, col: &str| Node {
            node: Some(N::ResTarget(Box::new(protobuf::ResTarget {
                name: String::new(),
                indirection: vec![],
                val: Some(Box::new(Node {
                    node: Some(N::ColumnRef(protobuf::ColumnRef {
                        fields: [alias, col]
                            .iter()
                            .map(|s| Node {
                                node: Some(N::String(protobuf::String {
                                    sval: s.to_string(),
                                })),
                            })
                            .collect(),
                        location: -1,
                    })),
                })),
                location: -1,
            }))),
        };
        let mut out = Vec::new();
        for t in std::mem::take(&mut sel.target_list) {
            let Some(fields) = star(&t) else {
                out.push(t);
                continue;
            };
            // `*`, `alias.*` (`schema.table.*` names the table by its last part)
            let qualifier = fields.iter().rev().find(|f| !f.is_empty() && *f != "*");
            for (alias, q) in &rels {
                if qualifier.is_some_and(|x| x != alias) {
                    continue;
                }
                let names: Vec<String> = match (self.db.tables.get(q), self.db.views.get(q)) {
                    (Some(t), _) => t.columns.iter().map(|c| c.name.clone()).collect(),
                    (None, Some(v)) => v.columns.iter().map(|c| c.name.clone()).collect(),
                    (None, None) => {
                        out.push(t.clone());
                        continue;
                    }
                };
                out.extend(names.iter().map(|c| column(alias, c)));
            }
        }
        sel.target_list = out;
    }

    fn create_function(&mut self, s: &protobuf::CreateFunctionStmt) -> R<()> {
        let (schema, name) = self.name_from_list(&strs(&s.funcname), -1)?;
        let q = self.new_name(&schema, &name, -1)?;
        use protobuf::FunctionParameterMode as M;
        let mut ident_args = Vec::new();
        let mut full_args = Vec::new();
        let mut table_cols = Vec::new();
        let mut out_count = 0;
        let mut out_type = String::new();
        for p in &s.parameters {
            let Some(N::FunctionParameter(fp)) = &p.node else {
                continue;
            };
            let ty = match &fp.arg_type {
                Some(t) => base(&self.resolve_type(t)?).to_string(),
                None => continue,
            };

            let named = |prefix: &str| {
                let mut s = prefix.to_string();
                if !fp.name.is_empty() {
                    s.push_str(&quote_ident(&fp.name));
                    s.push(' ');
                }
                s.push_str(&ty);
                s
            };
            match fp.mode() {
                M::FuncParamTable => table_cols.push(format!("{} {ty}", quote_ident(&fp.name))),
                M::FuncParamOut => {
                    out_count += 1;
                    out_type = ty.clone();
                    ident_args.push(named("OUT "));
                    full_args.push(named("OUT "));
                }
                M::FuncParamInout => {
                    ident_args.push(named("INOUT "));
                    full_args.push(named("INOUT "));
                }
                M::FuncParamVariadic => {
                    ident_args.push(named("VARIADIC "));
                    full_args.push(named("VARIADIC "));
                }
                _ => {
                    let mode = if s.is_procedure { "IN " } else { "" };
                    ident_args.push(named(mode));
                    let mut f = named(mode);
                    if let Some(d) = fp.defexpr.as_deref() {
                        let t = coerce(self.analyze_in(&[], d)?, &ty);
                        f.push_str(&format!(" DEFAULT {}", expr::print(&t, true)));
                    }
                    full_args.push(f);
                }
            }
        }
        let id = FunctionId::new(&q.schema, &q.name, ident_args.join(", "));
        if self.db.functions.contains_key(&id) && !s.replace {
            return fail(
                format!(
                    "function \"{}\" already exists with same argument types",
                    q.name
                ),
                -1,
            );
        }
        let returns = if s.is_procedure {
            None
        } else if !table_cols.is_empty() {
            Some(format!("TABLE({})", table_cols.join(", ")))
        } else {
            match &s.return_type {
                Some(t) => {
                    let ty = self.resolve_type(t)?;
                    Some(if t.setof { format!("SETOF {ty}") } else { ty })
                }
                None if out_count > 1 => Some("record".into()),
                None if out_count == 1 => Some(out_type.clone()),
                None => Some("void".into()),
            }
        };
        let mut language = "sql".to_string();
        let mut volatility = "v";
        let mut strict = false;
        let mut security_definer = false;
        let mut leakproof = false;
        let mut parallel = "";
        let mut body = String::new();
        let mut probin = None;
        let mut config = Vec::new();
        let mut cost = None;
        let mut rows = None;
        let mut window = false;
        for d in def_elems(&s.options) {
            let arg = d.arg.as_deref();
            match d.defname.as_str() {
                "language" => language = arg.and_then(str_of).unwrap_or_default().to_lowercase(),
                "volatility" => {
                    volatility = match arg.and_then(str_of).as_deref() {
                        Some("immutable") => "i",
                        Some("stable") => "s",
                        _ => "v",
                    }
                }
                "strict" => {
                    strict = arg
                        .and_then(str_of)
                        .is_none_or(|v| v == "true" || v == "on" || v == "1")
                }
                "security" => {
                    security_definer = arg
                        .and_then(str_of)
                        .is_some_and(|v| v == "true" || v == "on" || v == "1")
                }
                "leakproof" => {
                    leakproof = arg
                        .and_then(str_of)
                        .is_some_and(|v| v == "true" || v == "on")
                }
                "parallel" => {
                    parallel = match arg.and_then(str_of).as_deref() {
                        Some("safe") => " PARALLEL SAFE",
                        Some("restricted") => " PARALLEL RESTRICTED",
                        _ => "",
                    }
                }
                "as" => {
                    if let Some(Node {
                        node: Some(N::List(l)),
                    }) = arg
                    {
                        let parts: Vec<String> = l.items.iter().filter_map(str_of).collect();
                        if parts.len() == 2 {
                            probin = Some(parts[0].clone());
                            body = parts[1].clone();
                        } else {
                            body = parts.join("");
                        }
                    }
                }
                "set" => {
                    if let Some(Node {
                        node: Some(N::VariableSetStmt(v)),
                    }) = arg
                    {
                        let vals: Vec<String> = v.args.iter().filter_map(str_of).collect();
                        config.push((v.name.clone(), vals));
                    }
                }
                "cost" => cost = arg.and_then(str_of),
                "rows" => rows = arg.and_then(str_of),
                "window" => window = true,
                _ => {}
            }
        }
        // A SQL-standard body (`RETURN expr`, `BEGIN ATOMIC ... END`) is written as the server's
        // `pg_get_function_sqlbody` writes it, and in the definition without `AS`.
        let sql_body = s.sql_body.as_deref().map(sql_standard_body);
        if let Some(sb) = &sql_body {
            body = sb.clone();
        }
        self.function_uses.remove(&id);
        if let Some(node) = s.sql_body.as_deref() {
            let uses = self.sql_body_uses(node, &id);
            self.function_uses.insert(id.clone(), uses);
        }
        let kind = if s.is_procedure {
            FunctionKind::Procedure
        } else if window {
            FunctionKind::Window
        } else {
            FunctionKind::Function
        };
        // pg_get_functiondef
        let mut def = format!(
            "CREATE OR REPLACE {} {}({})\n",
            if s.is_procedure {
                "PROCEDURE"
            } else {
                "FUNCTION"
            },
            q,
            full_args.join(", ")
        );
        if let Some(r) = &returns {
            def.push_str(&format!(" RETURNS {r}\n"));
        }
        def.push_str(&format!(" LANGUAGE {}\n", quote_ident(&language)));
        let mut misc = String::new();
        if window {
            misc.push_str(" WINDOW");
        }
        misc.push_str(match volatility {
            "i" => " IMMUTABLE",
            "s" => " STABLE",
            _ => "",
        });
        misc.push_str(parallel);
        if strict {
            misc.push_str(" STRICT");
        }
        if security_definer {
            misc.push_str(" SECURITY DEFINER");
        }
        if leakproof {
            misc.push_str(" LEAKPROOF");
        }
        let default_cost = if language == "c" || language == "internal" {
            "1"
        } else {
            "100"
        };
        if let Some(c) = cost.as_deref().filter(|c| *c != default_cost) {
            misc.push_str(&format!(" COST {c}"));
        }
        if let Some(r) = rows.as_deref().filter(|r| *r != "1000" && *r != "0") {
            misc.push_str(&format!(" ROWS {r}"));
        }
        if !misc.is_empty() {
            def.push_str(&misc);
            def.push('\n');
        }
        let mut config_entries = Vec::new();
        for (name, vals) in &config {
            let list = name == "search_path" || name.contains("_preload_libraries");
            let shown = if list {
                vals.iter()
                    .map(|v| quote_literal(v))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                quote_literal(&vals.join(", "))
            };
            def.push_str(&format!(" SET {} TO {shown}\n", quote_ident(name)));
            config_entries.push(format!("{name}={}", vals.join(", ")));
        }
        if sql_body.is_some() {
            def.push_str(&format!("{body}\n"));
        } else {
            push_as_body(&mut def, s.is_procedure, probin.as_deref(), &body);
        }
        let common = match self.db.functions.remove(&id) {
            Some(old) => old.common,
            None => Common {
                grants: self.default_acl(AclKind::Function, Some(&id.schema), None),
                ..Common::default()
            },
        };
        let f = Function {
            id: id.clone(),
            kind,
            definition: def,
            returns,
            language,
            volatility: volatility.into(),
            strict,
            security_definer,
            config: config_entries,
            body,
            common,
        };
        self.db.functions.insert(id, f);
        Ok(())
    }

    /// What a SQL-standard body uses, found as for a view's query: the relations it reads, the columns of
    /// them it names, the functions it calls and the types it names (but not the function itself).
    fn sql_body_uses(&mut self, body: &Node, me: &FunctionId) -> BodyUses {
        let saved = std::mem::take(&mut self.pending_expr_deps);
        let mut out = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        for st in sql_body_statements(body) {
            let Some(n) = st.node.as_ref() else { continue };
            let (reads, _) = self.query_shape(n);
            let (cols, other) = std::mem::take(&mut self.pending_expr_deps);
            out.0.extend(reads);
            out.1.extend(cols);
            out.2.extend(
                other
                    .into_iter()
                    .filter(|o| !matches!(o, ObjectRef::Function(f) if f == me)),
            );
        }
        self.pending_expr_deps = saved;
        out
    }

    fn function_by_names(
        &self,
        names: &[String],
        args: Option<&[Node]>,
        loc: i32,
    ) -> R<FunctionId> {
        let (schema, name) = self.name_from_list(names, loc)?;
        let wanted: Option<Vec<String>> = match args {
            Some(a) => {
                let mut v = Vec::new();
                for n in a {
                    match &n.node {
                        Some(N::TypeName(t)) => v.push(base(&self.resolve_type(t)?)),
                        Some(N::FunctionParameter(fp)) => {
                            if fp.mode() == protobuf::FunctionParameterMode::FuncParamOut {
                                continue;
                            }
                            if let Some(t) = &fp.arg_type {
                                v.push(base(&self.resolve_type(t)?));
                            }
                        }
                        _ => {}
                    }
                }
                Some(v)
            }
            None => None,
        };
        let found = self.lookup(&schema, &name, |q| {
            self.db
                .functions
                .range(FunctionId::new(&q.schema, &q.name, "")..)
                .take_while(|(id, _)| id.schema == q.schema && id.name == q.name)
                .map(|(id, _)| id)
                .find(|id| match &wanted {
                    None => true,
                    Some(w) => arg_types_of(&id.args) == *w,
                })
                .cloned()
        });
        found.ok_or_else(|| (format!("function {name} does not exist"), loc))
    }

    fn create_trigger(&mut self, s: &protobuf::CreateTrigStmt) -> R<()> {
        let rv = s
            .relation
            .as_ref()
            .ok_or(("trigger without a table".to_string(), -1))?;
        let rel = self.table_or_view(rv)?;
        let funcname = strs(&s.funcname);
        let fid = match self.function_by_names(&funcname, Some(&[]), -1) {
            Ok(f) => f,
            // PostgreSQL's own trigger functions (in pg_catalog, which the model leaves out)
            Err(e) => match funcname.as_slice() {
                [n] | [_, n]
                    if BUILTIN_TRIGGER_FUNCTIONS.contains(&n.as_str())
                        && (funcname.len() == 1 || funcname[0] == "pg_catalog") =>
                {
                    FunctionId::new("pg_catalog", n, "")
                }
                _ => return Err(e),
            },
        };
        let name = truncate_ident(&s.trigname);
        let exists = self
            .db
            .tables
            .get(&rel)
            .map(|t| t.triggers.contains_key(&name))
            .unwrap_or(false)
            || self
                .db
                .views
                .get(&rel)
                .map(|v| v.triggers.contains_key(&name))
                .unwrap_or(false);
        if exists && !s.replace {
            return fail(
                format!(
                    "trigger \"{name}\" for relation \"{}\" already exists",
                    rel.name
                ),
                -1,
            );
        }
        let timing = match s.timing {
            t if t & 2 != 0 => "BEFORE",
            t if t & 64 != 0 => "INSTEAD OF",
            _ => "AFTER",
        };
        let mut events = Vec::new();
        if s.events & 4 != 0 {
            events.push("INSERT".to_string());
        }
        if s.events & 8 != 0 {
            events.push("DELETE".to_string());
        }
        if s.events & 16 != 0 {
            let cols = strs(&s.columns);
            if cols.is_empty() {
                events.push("UPDATE".to_string());
            } else {
                events.push(format!("UPDATE OF {}", ident_list(&cols)));
            }
        }
        if s.events & 32 != 0 {
            events.push("TRUNCATE".to_string());
        }
        let mut def = format!(
            "CREATE {}TRIGGER {} {timing} {} ON {}",
            if s.isconstraint { "CONSTRAINT " } else { "" },
            quote_ident(&name),
            events.join(" OR "),
            rel
        );
        if let Some(c) = &s.constrrel {
            if let Ok(q) = self.table(c) {
                def.push_str(&format!(" FROM {q}"));
            }
        }
        if s.isconstraint {
            def.push_str(if s.deferrable {
                " DEFERRABLE"
            } else {
                " NOT DEFERRABLE"
            });
            def.push_str(if s.initdeferred {
                " INITIALLY DEFERRED"
            } else {
                " INITIALLY IMMEDIATE"
            });
        }
        let mut refs = Vec::new();
        for t in &s.transition_rels {
            if let Some(N::TriggerTransition(tt)) = &t.node {
                refs.push(format!(
                    "{} TABLE AS {}",
                    if tt.is_new { "NEW" } else { "OLD" },
                    quote_ident(&tt.name)
                ));
            }
        }
        if !refs.is_empty() {
            def.push_str(&format!(" REFERENCING {}", refs.join(" ")));
        }
        def.push_str(if s.row {
            " FOR EACH ROW"
        } else {
            " FOR EACH STATEMENT"
        });
        if let Some(w) = s.when_clause.as_deref() {
            def.push_str(&format!(" WHEN {}", paren(deparse_expr(w))));
        }
        let args: Vec<String> = s
            .args
            .iter()
            .filter_map(str_of)
            .map(|a| quote_literal(&a))
            .collect();
        def.push_str(&format!(
            " EXECUTE FUNCTION {}.{}({})",
            quote_ident(&fid.schema),
            quote_ident(&fid.name),
            args.join(", ")
        ));
        let trig = Trigger {
            name: name.clone(),
            definition: def,
            function: fid,
            constraint: s.isconstraint,
            enabled: "O".into(),
            comment: None,
        };
        if let Some(t) = self.db.tables.get_mut(&rel) {
            t.triggers.insert(name, trig);
        } else if let Some(v) = self.db.views.get_mut(&rel) {
            v.triggers.insert(name, trig);
        }
        Ok(())
    }

    fn policy_roles(&self, roles: &[Node]) -> Vec<String> {
        let mut r: Vec<String> = roles
            .iter()
            .filter_map(role_name)
            .map(|r| {
                if r == "CURRENT_USER" {
                    self.current_role.clone()
                } else {
                    r
                }
            })
            .collect();
        if r.is_empty() {
            r.push("PUBLIC".into());
        }
        r.sort();
        r.dedup();
        r
    }

    fn policy_expr(&self, table: &QualName, e: Option<&Node>) -> R<Option<String>> {
        let Some(e) = e else { return Ok(None) };
        let cols = self
            .db
            .tables
            .get(table)
            .map(|t| t.columns.clone())
            .unwrap_or_default();
        let t = coerce(self.analyze_in(&cols, e)?, "boolean");
        Ok(Some(expr::print(&t, true)))
    }

    fn create_policy(&mut self, s: &protobuf::CreatePolicyStmt) -> R<()> {
        let rv = s
            .table
            .as_ref()
            .ok_or(("policy without a table".to_string(), -1))?;
        let t = self.table(rv)?;
        let name = truncate_ident(&s.policy_name);
        if self.db.tables[&t].policies.contains_key(&name) {
            return fail(
                format!("policy \"{name}\" for table \"{}\" already exists", t.name),
                -1,
            );
        }
        let p = Policy {
            name: name.clone(),
            command: s.cmd_name.to_uppercase(),
            permissive: s.permissive,
            roles: self.policy_roles(&s.roles),
            using: self.policy_expr(&t, s.qual.as_deref())?,
            with_check: self.policy_expr(&t, s.with_check.as_deref())?,
            comment: None,
        };
        if let Some(tb) = self.db.tables.get_mut(&t) {
            tb.policies.insert(name, p);
        }
        Ok(())
    }

    fn alter_policy(&mut self, s: &protobuf::AlterPolicyStmt) -> R<()> {
        let rv = s
            .table
            .as_ref()
            .ok_or(("policy without a table".to_string(), -1))?;
        let t = self.table(rv)?;
        let using = self.policy_expr(&t, s.qual.as_deref())?;
        let check = self.policy_expr(&t, s.with_check.as_deref())?;
        let roles = self.policy_roles(&s.roles);
        let Some(p) = self
            .db
            .tables
            .get_mut(&t)
            .and_then(|tb| tb.policies.get_mut(&s.policy_name))
        else {
            return fail(
                format!(
                    "policy \"{}\" for table \"{}\" does not exist",
                    s.policy_name, t.name
                ),
                -1,
            );
        };
        if !s.roles.is_empty() {
            p.roles = roles;
        }
        if using.is_some() {
            p.using = using;
        }
        if check.is_some() {
            p.with_check = check;
        }
        Ok(())
    }
}

/// `AS 'obj_file', 'link_symbol'` or `AS $function$body$function$`, as `pg_get_functiondef` writes it.
/// What a SQL-standard function body uses: the relations it reads, their columns it names, other objects.
type BodyUses = (BTreeSet<QualName>, BTreeSet<ColumnRef>, BTreeSet<ObjectRef>);

/// The statements of a SQL-standard body: the `RETURN` statement, or those between `BEGIN ATOMIC` and `END`.
fn sql_body_statements(n: &Node) -> Vec<&Node> {
    match &n.node {
        Some(N::List(l)) => l.items.iter().flat_map(sql_body_statements).collect(),
        Some(_) => vec![n],
        None => vec![],
    }
}

fn push_as_body(def: &mut String, procedure: bool, probin: Option<&str>, body: &str) {
    def.push_str("AS ");
    if let Some(b) = probin {
        def.push_str(&quote_literal(b));
        def.push_str(", ");
    }
    let mut dq = format!("${}", if procedure { "procedure" } else { "function" });
    while body.contains(&dq) {
        dq.push('x');
    }
    dq.push('$');
    def.push_str(&format!("{dq}{body}{dq}\n"));
}

/// The body of a SQL-standard function: `RETURN expr`, or `BEGIN ATOMIC` with each statement on its own line
/// and `END`.
fn sql_standard_body(n: &Node) -> String {
    match &n.node {
        Some(N::ReturnStmt(_)) => deparse_expr_or_stmt(n),
        Some(N::List(l)) => {
            let mut out = String::from("BEGIN ATOMIC\n");
            for item in &l.items {
                let stmts: Vec<&Node> = match &item.node {
                    Some(N::List(inner)) => inner.items.iter().collect(),
                    _ => vec![item],
                };
                for st in stmts {
                    out.push(' ');
                    out.push_str(&deparse_expr_or_stmt(st));
                    out.push_str(";\n");
                }
            }
            out.push_str("END");
            out
        }
        _ => deparse_expr_or_stmt(n),
    }
}

fn deparse_expr_or_stmt(n: &Node) -> String {
    match &n.node {
        Some(N::List(l)) => l
            .items
            .iter()
            .map(deparse_expr_or_stmt)
            .collect::<Vec<_>>()
            .join("; "),
        Some(N::ReturnStmt(r)) => format!(
            "RETURN {}",
            r.returnval.as_deref().map(deparse_expr).unwrap_or_default()
        ),
        Some(other) => other.deparse(Default::default()).unwrap_or_default(),
        None => String::new(),
    }
}

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

fn arg_types_of(args: &str) -> Vec<String> {
    if args.trim().is_empty() {
        return vec![];
    }
    let mut out = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in args.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out.into_iter()
        .filter(|a| !a.trim().starts_with("OUT "))
        .map(|a| {
            let a = a.trim();
            let a = a
                .strip_prefix("INOUT ")
                .or_else(|| a.strip_prefix("VARIADIC "))
                .or_else(|| a.strip_prefix("IN "))
                .unwrap_or(a);
            // `name type` or `type`: a type never starts with a plain identifier followed by a builtin.
            match a.split_once(' ') {
                Some((first, rest))
                    if builtin(rest.trim_end_matches("[]"), &[], true).is_some()
                        || MULTIWORD_TYPES.iter().any(|t| rest.starts_with(t))
                        || rest.contains('.')
                        || first.starts_with('"') =>
                {
                    rest.to_string()
                }
                _ => a.to_string(),
            }
        })
        .collect()
}

impl Interp {
    fn alter_table(&mut self, s: &protobuf::AlterTableStmt) -> R<()> {
        let rv = s
            .relation
            .as_ref()
            .ok_or(("ALTER without a relation".to_string(), -1))?;
        self.alter_only = !rv.inh;
        let rel = self.find_rel(&rv.schemaname, &rv.relname);
        let rel = match rel {
            Some(r) => r,
            None if s.missing_ok => return Ok(()),
            None => {
                return fail(
                    format!("relation \"{}\" does not exist", display_rv(rv)),
                    rv.location,
                )
            }
        };
        use protobuf::AlterTableType as A;
        for c in &s.cmds {
            let Some(N::AlterTableCmd(cmd)) = &c.node else {
                continue;
            };
            let q = match &rel {
                Rel::Table(q) => q.clone(),
                Rel::View(q) => {
                    match cmd.subtype() {
                        A::AtChangeOwner => {
                            let current = self.current_role.clone();
                            if let (Some(v), Some(o)) =
                                (self.db.views.get_mut(q), cmd.newowner.as_ref())
                            {
                                set_owner(&mut v.common, Some(role_spec(o)), &current);
                            }
                        }
                        A::AtSetRelOptions | A::AtResetRelOptions => {
                            let set = cmd.subtype() == A::AtSetRelOptions;
                            let opts: Vec<(String, String)> =
                                match cmd.def.as_deref().and_then(|d| d.node.as_ref()) {
                                    Some(N::List(l)) => def_elems(&l.items)
                                        .iter()
                                        .map(|d| {
                                            (
                                                d.defname.clone(),
                                                d.arg
                                                    .as_deref()
                                                    .and_then(str_of)
                                                    .unwrap_or_else(|| "true".into()),
                                            )
                                        })
                                        .collect(),
                                    _ => vec![],
                                };
                            if let Some(v) = self.db.views.get_mut(q) {
                                for (k, val) in opts {
                                    v.options.retain(|o| !o.starts_with(&format!("{k}=")));
                                    if set {
                                        v.options.push(format!("{k}={val}"));
                                    }
                                }
                                v.options.sort();
                            }
                        }
                        A::AtColumnDefault => {
                            self.warn("ALTER VIEW ... SET DEFAULT is not modelled")
                        }
                        A::AtClusterOn => self.set_cluster_on(q, Some(&cmd.name))?,
                        A::AtDropCluster => self.set_cluster_on(q, None)?,
                        _ => self.warn("ALTER on a view: not modelled, ignored"),
                    }
                    continue;
                }
                Rel::Sequence(q) => {
                    if cmd.subtype() == A::AtChangeOwner {
                        let current = self.current_role.clone();
                        if let (Some(sq), Some(o)) =
                            (self.db.sequences.get_mut(q), cmd.newowner.as_ref())
                        {
                            set_owner(&mut sq.common, Some(role_spec(o)), &current);
                        }
                    } else {
                        self.warn("ALTER TABLE on a sequence: ignored");
                    }
                    continue;
                }
                Rel::Index(pidx, powner) => {
                    if cmd.subtype() == A::AtAttachPartition {
                        let Some(Node {
                            node: Some(N::PartitionCmd(pc)),
                        }) = cmd.def.as_deref()
                        else {
                            continue;
                        };
                        let Some(crv) = pc.name.as_ref() else {
                            continue;
                        };
                        let Some(Rel::Index(cidx, cowner)) =
                            self.find_rel(&crv.schemaname, &crv.relname)
                        else {
                            return fail(
                                format!("index \"{}\" does not exist", crv.relname),
                                crv.location,
                            );
                        };
                        let parent_con = self
                            .db
                            .tables
                            .get(powner)
                            .and_then(|t| t.indexes.get(&pidx.name))
                            .and_then(|i| i.constraint.clone());
                        if let Some(t) = self.db.tables.get_mut(&cowner) {
                            let mut child_con = None;
                            if let Some(ci) = t.indexes.get_mut(&cidx.name) {
                                ci.parent_index = Some(pidx.clone());
                                child_con = ci.constraint.clone();
                            }
                            if let (Some(_), Some(cc)) = (parent_con, child_con) {
                                if let Some(c) = t.constraints.get_mut(&cc) {
                                    c.is_local = false;
                                }
                            }
                        }
                    } else {
                        self.warn("ALTER INDEX: not modelled, ignored");
                    }
                    continue;
                }
            };
            self.alter_table_cmd(&q, cmd)?;
        }
        Ok(())
    }

    fn column_mut(&mut self, q: &QualName, name: &str) -> Option<&mut Column> {
        self.db
            .tables
            .get_mut(q)?
            .columns
            .iter_mut()
            .find(|c| c.name == name)
    }

    fn col_index(&self, q: &QualName, name: &str) -> R<usize> {
        self.db.tables[q]
            .columns
            .iter()
            .position(|c| c.name == name)
            .ok_or_else(|| {
                (
                    format!(
                        "column \"{name}\" of relation \"{}\" does not exist",
                        q.name
                    ),
                    -1,
                )
            })
    }

    fn alter_table_cmd(&mut self, q: &QualName, cmd: &protobuf::AlterTableCmd) -> R<()> {
        use protobuf::AlterTableType as A;
        let def = cmd.def.as_deref().and_then(|d| d.node.as_ref());
        match cmd.subtype() {
            A::AtAddColumn => {
                let Some(N::ColumnDef(cd)) = def else {
                    return Ok(());
                };
                if self.db.tables[q].column(&cd.colname).is_some() {
                    if cmd.missing_ok {
                        return Ok(());
                    }
                    return fail(
                        format!(
                            "column \"{}\" of relation \"{}\" already exists",
                            cd.colname, q.name
                        ),
                        cd.location,
                    );
                }
                let cols = self.db.tables[q].columns.clone();
                let (col, seq) = self.column_def(q, cd, &cols)?;
                if let Some(mut sq) = seq {
                    sq.common.grants =
                        self.default_acl(AclKind::Sequence, Some(&sq.name.schema), None);
                    self.db.sequences.insert(sq.name.clone(), sq);
                }
                self.add_column_everywhere(q, col);
                let mut last: Option<usize> = None;
                let mut pending = Vec::new();
                for c in &cd.constraints {
                    let Some(N::Constraint(c)) = &c.node else {
                        continue;
                    };
                    match c.contype() {
                        ConstrType::ConstrAttrDeferrable | ConstrType::ConstrAttrDeferred => {
                            if let Some(i) = last {
                                let p: &mut PendingCon<'_> = &mut pending[i];
                                p.deferrable = true;
                                p.initially_deferred |=
                                    c.contype() == ConstrType::ConstrAttrDeferred;
                            }
                        }
                        ConstrType::ConstrCheck
                        | ConstrType::ConstrPrimary
                        | ConstrType::ConstrUnique
                        | ConstrType::ConstrForeign => {
                            pending.push(PendingCon {
                                con: c,
                                column: Some(cd.colname.clone()),
                                deferrable: c.deferrable,
                                initially_deferred: c.initdeferred,
                                in_create: false,
                            });
                            last = Some(pending.len() - 1);
                        }
                        _ => {}
                    }
                }
                for p in &pending {
                    self.add_constraint(q, p)?;
                }
            }
            A::AtDropColumn => {
                let Ok(i) = self.col_index(q, &cmd.name) else {
                    if cmd.missing_ok {
                        return Ok(());
                    }
                    return fail(
                        format!(
                            "column \"{}\" of relation \"{}\" does not exist",
                            cmd.name, q.name
                        ),
                        -1,
                    );
                };
                let cascade = cmd.behavior() == protobuf::DropBehavior::DropCascade;
                self.drop_column(q, i, cascade)?;
            }
            A::AtColumnDefault => {
                let i = self.col_index(q, &cmd.name)?;
                let cols = self.db.tables[q].columns.clone();
                let ty = cols[i].type_name.clone();
                let d = match cmd.def.as_deref() {
                    Some(e) => self.render_default(&cols, e, &ty)?,
                    None => None,
                };
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.columns[i].default = d;
                }
            }
            A::AtDropNotNull | A::AtSetNotNull => {
                let i = self.col_index(q, &cmd.name)?;
                let set = cmd.subtype() == A::AtSetNotNull;
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.columns[i].not_null = set;
                }
            }
            A::AtAlterColumnType => {
                let i = self.col_index(q, &cmd.name)?;
                let Some(N::ColumnDef(cd)) = def else {
                    return Ok(());
                };
                let tn = cd
                    .type_name
                    .as_ref()
                    .ok_or(("ALTER TYPE without a type".to_string(), -1))?;
                let ty = self.resolve_type(tn)?;
                let name = cmd.name.clone();
                if let Some(t) = self.db.tables.get_mut(q) {
                    // the new type's default storage, and the default compression
                    t.columns[i].type_name = ty.clone();
                    t.columns[i].storage = None;
                    t.columns[i].compression = None;
                }
                if let Some(c) = &cd.coll_clause {
                    let coll = self.collation_name(&strs(&c.collname));
                    if let Some(t) = self.db.tables.get_mut(q) {
                        t.columns[i].collation = Some(coll);
                    }
                }
                self.refresh_after_type_change(q, &name);
            }
            A::AtAddIdentity => {
                let i = self.col_index(q, &cmd.name)?;
                let Some(N::Constraint(c)) = def else {
                    return Ok(());
                };
                let ty = base(&self.db.tables[q].columns[i].type_name);
                let options = seq_options(&ty, &def_elems(&c.options), None)?;
                let seqname = choose_name(&q.name, Some(&cmd.name), "seq", |n| {
                    self.rel_taken(&q.schema, n)
                });
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.columns[i].identity = Some(Box::new(Identity {
                        always: c.generated_when == "a",
                        sequence: Some(QualName::new(&q.schema, seqname)),
                        options,
                    }));
                    t.columns[i].not_null = true;
                }
            }
            A::AtSetIdentity => {
                let i = self.col_index(q, &cmd.name)?;
                let opts: Vec<&protobuf::DefElem> = match def {
                    Some(N::List(l)) => def_elems(&l.items),
                    _ => vec![],
                };
                let Some(id) = self.db.tables[q].columns[i].identity.clone() else {
                    return fail(
                        format!(
                            "column \"{}\" of relation \"{}\" is not an identity column",
                            cmd.name, q.name
                        ),
                        -1,
                    );
                };
                let mut id = id;
                let seq_opts: Vec<&protobuf::DefElem> = opts
                    .iter()
                    .copied()
                    .filter(|d| d.defname != "generated")
                    .collect();
                if !seq_opts.is_empty() {
                    let start = id.options.start;
                    id.options = seq_options(
                        &id.options.data_type.clone(),
                        &seq_opts,
                        Some(id.options.clone()),
                    )?;
                    if !seq_opts.iter().any(|d| d.defname == "start") {
                        id.options.start = start;
                    }
                }
                for d in &opts {
                    if d.defname == "generated" {
                        id.always = d.arg.as_deref().and_then(int_of) == Some(0)
                            || d.arg.as_deref().and_then(str_of).as_deref() == Some("0");
                    }
                }
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.columns[i].identity = Some(id);
                }
            }
            A::AtDropIdentity => {
                let i = self.col_index(q, &cmd.name)?;
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.columns[i].identity = None;
                }
            }
            A::AtDropExpression => {
                let i = self.col_index(q, &cmd.name)?;
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.columns[i].generated = None;
                }
            }
            A::AtAddConstraint => {
                let Some(N::Constraint(c)) = def else {
                    return Ok(());
                };
                let p = PendingCon {
                    con: c,
                    column: None,
                    deferrable: c.deferrable,
                    initially_deferred: c.initdeferred,
                    in_create: false,
                };
                if (c.contype() == ConstrType::ConstrPrimary
                    || c.contype() == ConstrType::ConstrUnique)
                    && !c.indexname.is_empty()
                {
                    return self.add_constraint_using_index(q, c);
                }
                let before: BTreeSet<String> =
                    self.db.tables[q].constraints.keys().cloned().collect();
                self.add_constraint(q, &p)?;
                // On a partitioned table (without ONLY) the constraint reaches every partition.
                if self.db.tables[q].partition_by.is_some() && !self.alter_only {
                    let added: Vec<String> = self.db.tables[q]
                        .constraints
                        .keys()
                        .filter(|k| !before.contains(*k))
                        .cloned()
                        .collect();
                    let kids: Vec<QualName> = self
                        .db
                        .tables
                        .values()
                        .filter(|t| t.partition_of.as_ref().is_some_and(|p| &p.parent == q))
                        .map(|t| t.name.clone())
                        .collect();
                    for name in added {
                        for k in &kids {
                            self.clone_parent_indexes(q, k, Some(&name))?;
                            self.clone_parent_fkeys(q, k, Some(&name));
                        }
                    }
                }
            }
            A::AtValidateConstraint => {
                let Some(con) = self
                    .db
                    .tables
                    .get_mut(q)
                    .and_then(|t| t.constraints.get_mut(&cmd.name))
                else {
                    return fail(
                        format!(
                            "constraint \"{}\" of relation \"{}\" does not exist",
                            cmd.name, q.name
                        ),
                        -1,
                    );
                };
                con.validated = true;
                con.definition = con.definition.trim_end_matches(" NOT VALID").to_string();
            }
            A::AtAlterConstraint => {
                let Some(N::Constraint(c)) = def else {
                    return Ok(());
                };
                let Some(con) = self
                    .db
                    .tables
                    .get_mut(q)
                    .and_then(|t| t.constraints.get_mut(&c.conname))
                else {
                    return fail(
                        format!(
                            "constraint \"{}\" of relation \"{}\" does not exist",
                            c.conname, q.name
                        ),
                        -1,
                    );
                };
                let base_def = con
                    .definition
                    .replace(" DEFERRABLE INITIALLY DEFERRED", "")
                    .replace(" DEFERRABLE", "");
                con.deferrable = c.deferrable;
                con.initially_deferred = c.initdeferred;
                let nv = base_def.ends_with(" NOT VALID");
                let core = base_def.trim_end_matches(" NOT VALID");
                con.definition = format!(
                    "{core}{}{}",
                    deferrable_suffix(c.deferrable, c.initdeferred),
                    if nv { " NOT VALID" } else { "" }
                );
            }
            A::AtDropConstraint => {
                let exists = self.db.tables[q].constraints.contains_key(&cmd.name);
                if !exists {
                    if cmd.missing_ok {
                        return Ok(());
                    }
                    return fail(
                        format!(
                            "constraint \"{}\" of relation \"{}\" does not exist",
                            cmd.name, q.name
                        ),
                        -1,
                    );
                }
                self.drop_constraint(
                    q,
                    &cmd.name,
                    cmd.behavior() == protobuf::DropBehavior::DropCascade,
                )?;
            }
            A::AtChangeOwner => {
                let owner = cmd.newowner.as_ref().map(role_spec);
                let current = self.current_role.clone();
                if let Some(t) = self.db.tables.get_mut(q) {
                    set_owner(&mut t.common, owner.clone(), &current);
                }
                // Owned sequences follow their table.
                for sq in self.db.sequences.values_mut() {
                    if sq.owned_by.as_ref().is_some_and(|o| &o.table == q) {
                        set_owner(&mut sq.common, owner.clone(), &current);
                    }
                }
            }
            A::AtEnableRowSecurity | A::AtDisableRowSecurity => {
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.rls_enabled = cmd.subtype() == A::AtEnableRowSecurity;
                }
            }
            A::AtForceRowSecurity | A::AtNoForceRowSecurity => {
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.rls_forced = cmd.subtype() == A::AtForceRowSecurity;
                }
            }
            A::AtSetLogged | A::AtSetUnLogged => {
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.persistence = if cmd.subtype() == A::AtSetLogged {
                        Persistence::Permanent
                    } else {
                        Persistence::Unlogged
                    };
                }
            }
            A::AtAttachPartition => {
                let Some(N::PartitionCmd(pc)) = def else {
                    return Ok(());
                };
                let prv = pc
                    .name
                    .as_ref()
                    .ok_or(("ATTACH PARTITION without a table".to_string(), -1))?;
                let child = self.table(prv)?;
                self.parents.insert(q.clone());
                let parent = self.db.tables.get(q).cloned();
                let bound = match &pc.bound {
                    Some(b) => self.partition_bound(b, parent.as_ref())?,
                    None => "DEFAULT".into(),
                };
                if let Some(t) = self.db.tables.get_mut(&child) {
                    t.partition_of = Some(PartitionOf {
                        parent: q.clone(),
                        bound,
                    });
                    if let Some(p) = &parent {
                        for c in t.columns.iter_mut() {
                            if p.column(&c.name).is_some() {
                                c.is_local = false;
                            }
                        }
                    }
                }
                self.clone_parent_indexes(q, &child, None)?;
                self.clone_parent_fkeys(q, &child, None);
                self.inherit_parent_checks(q, &child);
            }
            A::AtDetachPartition | A::AtDetachPartitionFinalize => {
                let Some(N::PartitionCmd(pc)) = def else {
                    return Ok(());
                };
                let prv = pc
                    .name
                    .as_ref()
                    .ok_or(("DETACH PARTITION without a table".to_string(), -1))?;
                let child = self.table(prv)?;
                if let Some(t) = self.db.tables.get_mut(&child) {
                    t.partition_of = None;
                    for c in t.columns.iter_mut() {
                        c.is_local = true;
                    }
                    for i in t.indexes.values_mut() {
                        i.parent_index = None;
                    }
                    for c in t.constraints.values_mut() {
                        c.is_local = true;
                    }
                }
            }
            A::AtAddInherit => {
                let Some(N::RangeVar(prv)) = def else {
                    return Ok(());
                };
                let p = self.table(prv)?;
                self.parents.insert(p.clone());
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.inherits.push(p);
                }
            }
            A::AtDropInherit => {
                let Some(N::RangeVar(prv)) = def else {
                    return Ok(());
                };
                let p = self.table(prv)?;
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.inherits.retain(|x| x != &p);
                }
            }
            A::AtSetRelOptions | A::AtResetRelOptions => {
                let set = cmd.subtype() == A::AtSetRelOptions;
                let opts: Vec<(String, String)> = match def {
                    Some(N::List(l)) => def_elems(&l.items)
                        .iter()
                        .map(|d| {
                            (
                                d.defname.clone(),
                                d.arg
                                    .as_deref()
                                    .and_then(str_of)
                                    .unwrap_or_else(|| "true".into()),
                            )
                        })
                        .collect(),
                    _ => vec![],
                };
                if let Some(t) = self.db.tables.get_mut(q) {
                    for (k, v) in opts {
                        t.options.retain(|o| !o.starts_with(&format!("{k}=")));
                        if set {
                            t.options.push(format!("{k}={v}"));
                        }
                    }
                    t.options.sort();
                }
            }
            A::AtEnableTrig | A::AtDisableTrig | A::AtEnableAlwaysTrig | A::AtEnableReplicaTrig => {
                let state = match cmd.subtype() {
                    A::AtEnableTrig => "O",
                    A::AtDisableTrig => "D",
                    A::AtEnableAlwaysTrig => "A",
                    _ => "R",
                };
                let Some(tr) = self
                    .db
                    .tables
                    .get_mut(q)
                    .and_then(|t| t.triggers.get_mut(&cmd.name))
                else {
                    return fail(
                        format!(
                            "trigger \"{}\" for table \"{}\" does not exist",
                            cmd.name, q.name
                        ),
                        -1,
                    );
                };
                tr.enabled = state.into();
            }
            A::AtEnableTrigAll
            | A::AtDisableTrigAll
            | A::AtEnableTrigUser
            | A::AtDisableTrigUser => {
                let state = if matches!(cmd.subtype(), A::AtEnableTrigAll | A::AtEnableTrigUser) {
                    "O"
                } else {
                    "D"
                };
                if let Some(t) = self.db.tables.get_mut(q) {
                    for tr in t.triggers.values_mut() {
                        tr.enabled = state.into();
                    }
                }
            }
            A::AtSetStatistics => {
                // `SET STATISTICS -1` and (PostgreSQL 17) `SET STATISTICS DEFAULT` restore the default
                let n = cmd.def.as_deref().and_then(int_of).unwrap_or(-1);
                let target = (n >= 0).then(|| i32::try_from(n).unwrap_or(i32::MAX));
                self.col_index(q, &cmd.name)?;
                for t in self.with_descendants(q) {
                    if let Some(c) = self.column_mut(&t, &cmd.name) {
                        c.statistics = target;
                    }
                }
            }
            A::AtSetStorage => {
                let word = cmd.def.as_deref().and_then(str_of).unwrap_or_default();
                let i = self.col_index(q, &cmd.name)?;
                let ty = self.db.tables[q].columns[i].type_name.clone();
                let storage = self.storage_of(&ty, &word, -1)?;
                for t in self.with_descendants(q) {
                    if let Some(c) = self.column_mut(&t, &cmd.name) {
                        c.storage = storage;
                    }
                }
            }
            A::AtSetCompression => {
                let method = cmd.def.as_deref().and_then(str_of).unwrap_or_default();
                let method = compression_method(&method, -1)?;
                self.col_index(q, &cmd.name)?;
                for t in self.with_descendants(q) {
                    if let Some(c) = self.column_mut(&t, &cmd.name) {
                        c.compression = method.clone();
                    }
                }
            }
            A::AtClusterOn => self.set_cluster_on(q, Some(&cmd.name))?,
            A::AtDropCluster => self.set_cluster_on(q, None)?,
            // a column's attribute options (`n_distinct`); never passed on to children
            A::AtSetOptions | A::AtResetOptions => {
                let set = cmd.subtype() == A::AtSetOptions;
                let opts: Vec<(String, String)> = match def {
                    Some(N::List(l)) => def_elems(&l.items)
                        .iter()
                        .map(|d| {
                            (
                                d.defname.clone(),
                                d.arg.as_deref().and_then(str_of).unwrap_or_default(),
                            )
                        })
                        .collect(),
                    _ => vec![],
                };
                self.col_index(q, &cmd.name)?;
                if let Some(c) = self.column_mut(q, &cmd.name) {
                    for (k, v) in opts {
                        c.options
                            .retain(|o| o.split('=').next() != Some(k.as_str()));
                        if set {
                            c.options.push(format!("{k}={v}"));
                        }
                    }
                    c.options.sort();
                }
            }
            A::AtSetTableSpace => {
                let ts = cmd.name.clone();
                self.tablespace(q, &ts);
            }
            A::AtReplicaIdentity => {
                let Some(N::ReplicaIdentityStmt(ri)) = def else {
                    return Ok(());
                };
                let identity = match ri.identity_type.as_str() {
                    "f" => ReplicaIdentity::Full,
                    "n" => ReplicaIdentity::Nothing,
                    "i" => {
                        let known = self
                            .db
                            .tables
                            .get(q)
                            .is_some_and(|t| t.indexes.contains_key(&ri.name));
                        if !known {
                            return fail(
                                format!(
                                    "index \"{}\" for table \"{}\" does not exist",
                                    ri.name, q.name
                                ),
                                -1,
                            );
                        }
                        ReplicaIdentity::Index(ri.name.clone())
                    }
                    _ => ReplicaIdentity::Default,
                };
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.replica_identity = identity;
                }
            }
            A::AtSetAccessMethod => {}
            other => self.warn(format!(
                "ALTER TABLE {}: not modelled, ignored",
                other.as_str_name()
            )),
        }
        Ok(())
    }

    fn add_constraint_using_index(&mut self, q: &QualName, c: &protobuf::Constraint) -> R<()> {
        let Some(t) = self.db.tables.get_mut(q) else {
            return Ok(());
        };
        let Some(mut idx) = t.indexes.remove(&c.indexname) else {
            return fail(
                format!("index \"{}\" does not exist", c.indexname),
                c.location,
            );
        };
        let name = if c.conname.is_empty() {
            c.indexname.clone()
        } else {
            truncate_ident(&c.conname)
        };
        let kind = if c.contype() == ConstrType::ConstrPrimary {
            ConstraintKind::PrimaryKey
        } else {
            ConstraintKind::Unique
        };
        let def = format!(
            "{} ({}){}",
            if kind == ConstraintKind::PrimaryKey {
                "PRIMARY KEY"
            } else {
                "UNIQUE"
            },
            ident_list(&idx.columns),
            deferrable_suffix(c.deferrable, c.initdeferred)
        );
        idx.definition = idx.definition.replacen(
            &format!("INDEX {} ON", quote_ident(&c.indexname)),
            &format!("INDEX {} ON", quote_ident(&name)),
            1,
        );
        idx.name = name.clone();
        idx.constraint = Some(name.clone());
        if kind == ConstraintKind::PrimaryKey {
            for col in t
                .columns
                .iter_mut()
                .filter(|x| idx.columns.contains(&x.name))
            {
                col.not_null = true;
            }
        }
        let con = Constraint {
            name: name.clone(),
            kind,
            definition: def,
            columns: idx.columns.clone(),
            references: None,
            deferrable: c.deferrable,
            initially_deferred: c.initdeferred,
            validated: true,
            is_local: true,
            comment: None,
        };
        t.indexes.insert(name.clone(), idx);
        self.index_owner
            .remove(&QualName::new(&q.schema, &c.indexname));
        self.index_owner
            .insert(QualName::new(&q.schema, &name), q.clone());
        self.insert_constraint(q, con, false);
        Ok(())
    }

    /// Add a column to a table and, as an inherited column, to its children.
    fn add_column_everywhere(&mut self, q: &QualName, col: Column) {
        if let Some(t) = self.db.tables.get_mut(q) {
            t.columns.push(col.clone());
        }
        let children = self.children_of(q);
        for ch in children {
            let exists = self.db.tables[&ch].column(&col.name).is_some();
            if !exists {
                let c = Column {
                    is_local: false,
                    comment: None,
                    grants: BTreeSet::new(),
                    identity: None,
                    statistics: None,
                    ..col.clone()
                };
                self.add_column_everywhere(&ch, c);
            }
        }
    }

    /// Index and constraint texts mention column types only through casts; re-deriving them needs the
    /// original expressions, so a type change leaves them and says so when a constraint uses the column.
    fn refresh_after_type_change(&mut self, q: &QualName, col: &str) {
        let uses = self.db.tables[q]
            .constraints
            .values()
            .any(|c| c.kind == ConstraintKind::Check && c.columns.iter().any(|x| x == col));
        if uses {
            self.warn(format!("column \"{col}\" changed type: CHECK constraints on it keep their old text (use --dev-url)"));
        }
    }

    fn drop_column(&mut self, q: &QualName, i: usize, cascade: bool) -> R<()> {
        let name = self.db.tables[q].columns[i].name.clone();
        // Views reading the table may use the column.
        if !cascade {
            let dependent = self
                .view_reads
                .iter()
                .find(|(_, r)| r.contains(q))
                .map(|(v, _)| v.clone());
            if let Some(v) = dependent {
                let uses = self
                    .db
                    .views
                    .get(&v)
                    .is_some_and(|vw| vw.definition.contains(&name));
                if uses {
                    return fail(format!("cannot drop column {name} of table {} because other objects depend on it", q.name), -1);
                }
            }
        }
        let Some(t) = self.db.tables.get_mut(q) else {
            return Ok(());
        };
        t.columns.remove(i);
        let gone_cons: Vec<String> = t
            .constraints
            .values()
            .filter(|c| {
                c.columns.contains(&name)
                    || (c.kind == ConstraintKind::Check
                        && c.definition.contains(&quote_ident(&name)))
            })
            .map(|c| c.name.clone())
            .collect();
        let gone_idx: Vec<String> = t
            .indexes
            .values()
            .filter(|x| {
                x.columns.contains(&name)
                    || x.definition.contains(&format!("({})", quote_ident(&name)))
            })
            .map(|x| x.name.clone())
            .collect();
        for c in &gone_cons {
            t.constraints.remove(c);
        }
        for x in &gone_idx {
            t.indexes.remove(x);
        }
        let schema = q.schema.clone();
        for c in gone_cons {
            self.remove_con_name(&schema, &c);
        }
        for x in gone_idx {
            self.index_owner.remove(&QualName::new(&schema, x));
        }
        // An owned sequence goes with its column.
        let owned: Vec<QualName> = self
            .db
            .sequences
            .values()
            .filter(|s| {
                s.owned_by
                    .as_ref()
                    .is_some_and(|o| &o.table == q && o.column == name)
            })
            .map(|s| s.name.clone())
            .collect();
        for s in owned {
            self.db.sequences.remove(&s);
        }
        // Inherited copies go too.
        let children = self.children_of(q);
        for ch in children {
            if let Some(ci) = self.db.tables[&ch]
                .columns
                .iter()
                .position(|c| c.name == name && !c.is_local)
            {
                self.drop_column(&ch, ci, cascade)?;
            }
        }
        Ok(())
    }

    fn drop_constraint(&mut self, q: &QualName, name: &str, cascade: bool) -> R<()> {
        let Some(t) = self.db.tables.get_mut(q) else {
            return Ok(());
        };
        let Some(con) = t.constraints.remove(name) else {
            return Ok(());
        };
        if let Some(idx) = t
            .indexes
            .iter()
            .find(|(_, i)| i.constraint.as_deref() == Some(name))
            .map(|(n, _)| n.clone())
        {
            t.indexes.remove(&idx);
            self.index_owner.remove(&QualName::new(&q.schema, idx));
        }
        self.remove_con_name(&q.schema, name);
        if matches!(
            con.kind,
            ConstraintKind::PrimaryKey | ConstraintKind::Unique
        ) {
            // Foreign keys that relied on this key.
            let dependents: Vec<(QualName, String)> = self
                .db
                .tables
                .values()
                .flat_map(|t| {
                    t.constraints
                        .values()
                        .filter(|c| {
                            c.references.as_ref() == Some(q)
                                && c.definition
                                    .ends_with(&format!("({})", ident_list(&con.columns)))
                                || (c.references.as_ref() == Some(q)
                                    && c.definition
                                        .contains(&format!("({}) ", ident_list(&con.columns))))
                        })
                        .map(move |c| (t.name.clone(), c.name.clone()))
                })
                .filter(|(_, _)| true)
                .collect();
            let dependents: Vec<(QualName, String)> = dependents
                .into_iter()
                .filter(|(t, c)| {
                    self.db.tables[t].constraints[c]
                        .definition
                        .contains(&format!("REFERENCES {q}({})", ident_list(&con.columns)))
                })
                .collect();
            if !dependents.is_empty() && !cascade {
                return fail(
                    format!("cannot drop constraint {name} on table {} because other objects depend on it", q.name),
                    -1,
                );
            }
            for (t, c) in dependents {
                self.drop_constraint(&t, &c, cascade)?;
            }
        }
        // Inherited CHECK copies.
        let children: Vec<QualName> = self
            .children_of(q)
            .into_iter()
            .filter(|ch| {
                self.db
                    .tables
                    .get(ch)
                    .and_then(|t| t.constraints.get(name))
                    .is_some_and(|c| !c.is_local)
            })
            .collect();
        for ch in children {
            self.drop_constraint(&ch, name, cascade)?;
        }
        Ok(())
    }
}

fn obj_names(n: &Node) -> Vec<String> {
    match &n.node {
        Some(N::List(l)) => strs(&l.items),
        Some(N::String(s)) => vec![s.sval.clone()],
        Some(N::TypeName(t)) => strs(&t.names),
        _ => vec![],
    }
}

impl Interp {
    fn type_q(&self, names: &[String], loc: i32) -> R<QualName> {
        let (s, n) = self.name_from_list(names, loc)?;
        self.find_type(&s, &n)
            .ok_or_else(|| (format!("type \"{}\" does not exist", names.join(".")), loc))
    }

    fn alter_enum(&mut self, s: &protobuf::AlterEnumStmt) -> R<()> {
        let q = self.type_q(&strs(&s.type_name), -1)?;
        let Some(Type {
            kind: TypeKind::Enum { labels },
            ..
        }) = self.db.types.get_mut(&q)
        else {
            return fail(format!("\"{}\" is not an enum", q.name), -1);
        };
        if !s.old_val.is_empty() {
            let Some(l) = labels.iter_mut().find(|l| **l == s.old_val) else {
                return fail(
                    format!("\"{}\" is not an existing enum label", s.old_val),
                    -1,
                );
            };
            *l = s.new_val.clone();
            return Ok(());
        }
        if labels.contains(&s.new_val) {
            if s.skip_if_new_val_exists {
                return Ok(());
            }
            return fail(format!("enum label \"{}\" already exists", s.new_val), -1);
        }
        if s.new_val_neighbor.is_empty() {
            labels.push(s.new_val.clone());
        } else {
            let Some(i) = labels.iter().position(|l| *l == s.new_val_neighbor) else {
                return fail(
                    format!("\"{}\" is not an existing enum label", s.new_val_neighbor),
                    -1,
                );
            };
            labels.insert(
                if s.new_val_is_after { i + 1 } else { i },
                s.new_val.clone(),
            );
        }
        Ok(())
    }

    fn alter_domain(&mut self, s: &protobuf::AlterDomainStmt) -> R<()> {
        let q = self.type_q(&strs(&s.type_name), -1)?;
        let base_ty = match &self.db.types[&q].kind {
            TypeKind::Domain { base, .. } => base.clone(),
            _ => return fail(format!("\"{}\" is not a domain", q.name), -1),
        };
        let value_col = [Column {
            name: "value".into(),
            type_name: base_ty.clone(),
            ..Column::default()
        }];
        let new_default = match (s.subtype.as_str(), s.def.as_deref()) {
            ("T", Some(e)) => self.render_default(&value_col, e, &base_ty)?,
            _ => None,
        };
        let new_check = match (
            s.subtype.as_str(),
            s.def.as_deref().and_then(|d| d.node.as_ref()),
        ) {
            ("C", Some(N::Constraint(c))) => {
                let e = c
                    .raw_expr
                    .as_deref()
                    .ok_or(("CHECK without expression".to_string(), -1))?;
                let text = self
                    .render_check(&value_col, e)?
                    .0
                    .replace("(value", "(VALUE")
                    .replace(" value", " VALUE");
                Some((c.conname.clone(), text, !c.skip_validation))
            }
            _ => None,
        };
        let Some(Type {
            kind:
                TypeKind::Domain {
                    default,
                    not_null,
                    constraints,
                    ..
                },
            ..
        }) = self.db.types.get_mut(&q)
        else {
            return Ok(());
        };
        match s.subtype.as_str() {
            "T" => *default = new_default,
            "N" => *not_null = false,
            "O" => *not_null = true,
            "C" => {
                if let Some((name, text, valid)) = new_check {
                    let name = if name.is_empty() {
                        choose_name(&q.name, None, "check", |n| constraints.contains_key(n))
                    } else {
                        name
                    };
                    let definition = if valid {
                        text
                    } else {
                        format!("{text} NOT VALID")
                    };
                    constraints.insert(
                        name.clone(),
                        DomainConstraint {
                            name,
                            definition,
                            validated: valid,
                        },
                    );
                }
            }
            "X" if constraints.remove(&s.name).is_none() && !s.missing_ok => {
                return fail(
                    format!(
                        "constraint \"{}\" of domain \"{}\" does not exist",
                        s.name, q.name
                    ),
                    -1,
                );
            }
            "V" => {
                if let Some(c) = constraints.get_mut(&s.name) {
                    c.validated = true;
                    c.definition = c.definition.trim_end_matches(" NOT VALID").to_string();
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn rename(&mut self, s: &protobuf::RenameStmt) -> R<()> {
        let newname = truncate_ident(&s.newname);
        let obj = s.object.as_deref().map(obj_names).unwrap_or_default();
        match s.rename_type() {
            ObjectType::ObjectTable
            | ObjectType::ObjectView
            | ObjectType::ObjectMatview
            | ObjectType::ObjectSequence
            | ObjectType::ObjectIndex
            | ObjectType::ObjectForeignTable => {
                let rv = s
                    .relation
                    .as_ref()
                    .ok_or(("RENAME without a relation".to_string(), -1))?;
                let Some(rel) = self.find_rel(&rv.schemaname, &rv.relname) else {
                    if s.missing_ok {
                        return Ok(());
                    }
                    return fail(
                        format!("relation \"{}\" does not exist", display_rv(rv)),
                        rv.location,
                    );
                };
                let (schema, old) = match &rel {
                    Rel::Table(q) | Rel::View(q) | Rel::Sequence(q) | Rel::Index(q, _) => {
                        (q.schema.clone(), q.clone())
                    }
                };
                let new = QualName::new(&schema, &newname);
                if self.relation_exists(&new) {
                    return fail(format!("relation \"{newname}\" already exists"), -1);
                }
                match rel {
                    Rel::Table(_) => {
                        if let Some(mut t) = self.db.tables.remove(&old) {
                            t.name = new.clone();
                            self.db.tables.insert(new.clone(), t);
                        }
                        self.retarget_relation(&old, &new);
                    }
                    Rel::View(_) => {
                        if let Some(mut v) = self.db.views.remove(&old) {
                            v.name = new.clone();
                            self.db.views.insert(new.clone(), v);
                        }
                        if let Some(r) = self.view_reads.remove(&old) {
                            self.view_reads.insert(new.clone(), r);
                        }
                        self.retarget_relation(&old, &new);
                    }
                    Rel::Sequence(_) => {
                        if let Some(mut sq) = self.db.sequences.remove(&old) {
                            sq.name = new.clone();
                            self.db.sequences.insert(new.clone(), sq);
                        }
                        let from = quote_literal(&old.to_string());
                        let to = quote_literal(&new.to_string());
                        for t in self.db.tables.values_mut() {
                            for c in t.columns.iter_mut() {
                                if let Some(d) = &mut c.default {
                                    *d = d.replace(
                                        &format!("nextval({from}::regclass)"),
                                        &format!("nextval({to}::regclass)"),
                                    );
                                }
                            }
                        }
                    }
                    Rel::Index(_, owner) => {
                        self.index_owner.remove(&old);
                        self.index_owner.insert(new.clone(), owner.clone());
                        let oldi = old.name.clone();
                        let fix = |i: &mut Index| {
                            i.definition = i.definition.replacen(
                                &format!("INDEX {} ON", quote_ident(&oldi)),
                                &format!("INDEX {} ON", quote_ident(&newname)),
                                1,
                            );
                            i.name = newname.clone();
                        };
                        if let Some(t) = self.db.tables.get_mut(&owner) {
                            if t.replica_identity == ReplicaIdentity::Index(oldi.clone()) {
                                t.replica_identity = ReplicaIdentity::Index(newname.clone());
                            }
                            if let Some(mut i) = t.indexes.remove(&oldi) {
                                fix(&mut i);
                                // Renaming a constraint's index renames the constraint.
                                if let Some(cn) = i.constraint.clone() {
                                    if let Some(mut c) = t.constraints.remove(&cn) {
                                        c.name = newname.clone();
                                        t.constraints.insert(newname.clone(), c);
                                    }
                                    i.constraint = Some(newname.clone());
                                }
                                t.indexes.insert(newname.clone(), i);
                            }
                        } else if let Some(v) = self.db.views.get_mut(&owner) {
                            if let Some(mut i) = v.indexes.remove(&oldi) {
                                fix(&mut i);
                                v.indexes.insert(newname.clone(), i);
                            }
                        }
                    }
                }
            }
            ObjectType::ObjectColumn => {
                let rv = s
                    .relation
                    .as_ref()
                    .ok_or(("RENAME without a relation".to_string(), -1))?;
                let q = self.table_or_view(rv)?;
                if let Some(t) = self.db.tables.get(&q) {
                    if t.column(&newname).is_some() {
                        return fail(
                            format!(
                                "column \"{newname}\" of relation \"{}\" already exists",
                                q.name
                            ),
                            -1,
                        );
                    }
                    if t.column(&s.subname).is_none() {
                        return fail(format!("column \"{}\" does not exist", s.subname), -1);
                    }
                }
                self.rename_column(&q, &s.subname, &newname);
            }
            ObjectType::ObjectTabconstraint => {
                let rv = s
                    .relation
                    .as_ref()
                    .ok_or(("RENAME without a relation".to_string(), -1))?;
                let q = self.table(rv)?;
                let Some(t) = self.db.tables.get_mut(&q) else {
                    return Ok(());
                };
                let Some(mut c) = t.constraints.remove(&s.subname) else {
                    return fail(
                        format!(
                            "constraint \"{}\" for table \"{}\" does not exist",
                            s.subname, q.name
                        ),
                        -1,
                    );
                };
                c.name = newname.clone();
                t.constraints.insert(newname.clone(), c);
                if t.replica_identity == ReplicaIdentity::Index(s.subname.clone()) {
                    t.replica_identity = ReplicaIdentity::Index(newname.clone());
                }
                if let Some(mut i) = t.indexes.remove(&s.subname) {
                    i.definition = i.definition.replacen(
                        &format!("INDEX {} ON", quote_ident(&s.subname)),
                        &format!("INDEX {} ON", quote_ident(&newname)),
                        1,
                    );
                    i.name = newname.clone();
                    i.constraint = Some(newname.clone());
                    t.indexes.insert(newname.clone(), i);
                    self.index_owner
                        .remove(&QualName::new(&q.schema, &s.subname));
                    self.index_owner
                        .insert(QualName::new(&q.schema, &newname), q.clone());
                }
                self.remove_con_name(&q.schema, &s.subname);
                self.add_con_name(&q.schema, &newname);
            }
            ObjectType::ObjectTrigger => {
                let rv = s
                    .relation
                    .as_ref()
                    .ok_or(("RENAME without a relation".to_string(), -1))?;
                let q = self.table_or_view(rv)?;
                let Some(t) = self.db.tables.get_mut(&q) else {
                    return Ok(());
                };
                let Some(mut tr) = t.triggers.remove(&s.subname) else {
                    return fail(
                        format!(
                            "trigger \"{}\" for table \"{}\" does not exist",
                            s.subname, q.name
                        ),
                        -1,
                    );
                };
                tr.definition = tr.definition.replacen(
                    &format!("TRIGGER {} ", quote_ident(&s.subname)),
                    &format!("TRIGGER {} ", quote_ident(&newname)),
                    1,
                );
                tr.name = newname.clone();
                t.triggers.insert(newname, tr);
            }
            ObjectType::ObjectPolicy => {
                let rv = s
                    .relation
                    .as_ref()
                    .ok_or(("RENAME without a relation".to_string(), -1))?;
                let q = self.table(rv)?;
                let Some(t) = self.db.tables.get_mut(&q) else {
                    return Ok(());
                };
                let Some(mut p) = t.policies.remove(&s.subname) else {
                    return fail(
                        format!(
                            "policy \"{}\" for table \"{}\" does not exist",
                            s.subname, q.name
                        ),
                        -1,
                    );
                };
                p.name = newname.clone();
                t.policies.insert(newname, p);
            }
            ObjectType::ObjectSchema => {
                let old = s.subname.clone();
                if !self.db.schemas.contains_key(&old) {
                    return fail(format!("schema \"{old}\" does not exist"), -1);
                }
                if self.db.schemas.contains_key(&newname) {
                    return fail(format!("schema \"{newname}\" already exists"), -1);
                }

                let mut db = std::mem::take(&mut self.db);
                if let Some(mut ns) = db.schemas.remove(&old) {
                    ns.name = newname.clone();
                    db.schemas.insert(newname.clone(), ns);
                }
                let mv = |q: &QualName| {
                    if q.schema == old {
                        QualName::new(&newname, &q.name)
                    } else {
                        q.clone()
                    }
                };
                db.tables = db
                    .tables
                    .into_iter()
                    .map(|(k, mut v)| {
                        v.name = mv(&v.name);
                        (mv(&k), v)
                    })
                    .collect();
                db.views = db
                    .views
                    .into_iter()
                    .map(|(k, mut v)| {
                        v.name = mv(&v.name);
                        (mv(&k), v)
                    })
                    .collect();
                db.sequences = db
                    .sequences
                    .into_iter()
                    .map(|(k, mut v)| {
                        v.name = mv(&v.name);
                        (mv(&k), v)
                    })
                    .collect();
                db.types = db
                    .types
                    .into_iter()
                    .map(|(k, mut v)| {
                        v.name = mv(&v.name);
                        (mv(&k), v)
                    })
                    .collect();
                db.functions = db
                    .functions
                    .into_iter()
                    .map(|(mut k, mut v)| {
                        if k.schema == old {
                            k.schema = newname.clone();
                            v.id.schema = newname.clone();
                        }
                        (k, v)
                    })
                    .collect();
                self.db = db;
                self.index_owner = std::mem::take(&mut self.index_owner)
                    .into_iter()
                    .map(|(k, v)| (mv(&k), mv(&v)))
                    .collect();
                self.view_reads = std::mem::take(&mut self.view_reads)
                    .into_iter()
                    .map(|(k, v)| (mv(&k), v.iter().map(mv).collect()))
                    .collect();
                let mv_ref = |r: &ObjectRef| match r {
                    ObjectRef::Relation(q) => ObjectRef::Relation(mv(q)),
                    ObjectRef::Type(q) => ObjectRef::Type(mv(q)),
                    other => other.clone(),
                };
                self.view_uses = std::mem::take(&mut self.view_uses)
                    .into_iter()
                    .map(|(k, (cols, other))| {
                        let cols = cols
                            .iter()
                            .map(|c| ColumnRef {
                                table: mv(&c.table),
                                column: c.column.clone(),
                            })
                            .collect();
                        (mv(&k), (cols, other.iter().map(mv_ref).collect()))
                    })
                    .collect();
                self.db = rename_schema_in_texts(std::mem::take(&mut self.db), &old, &newname);
                self.parents = self
                    .db
                    .tables
                    .values()
                    .flat_map(|t| {
                        t.inherits
                            .iter()
                            .chain(t.partition_of.as_ref().map(|p| &p.parent))
                    })
                    .cloned()
                    .collect();
                for p in self.search_path.iter_mut() {
                    if *p == old {
                        *p = newname.clone();
                    }
                }
            }
            ObjectType::ObjectType | ObjectType::ObjectDomain => {
                let q = self.type_q(&obj, -1)?;
                let new = QualName::new(&q.schema, &newname);
                if self.db.types.contains_key(&new) {
                    return fail(format!("type \"{newname}\" already exists"), -1);
                }
                if let Some(mut t) = self.db.types.remove(&q) {
                    t.name = new.clone();
                    self.db.types.insert(new.clone(), t);
                }
                let (from, to) = (q.to_string(), new.to_string());
                for t in self.db.tables.values_mut() {
                    for c in t.columns.iter_mut() {
                        if c.type_name.trim_end_matches("[]") == from {
                            c.type_name = c.type_name.replacen(&from, &to, 1);
                        }
                        if let Some(d) = &mut c.default {
                            *d = d.replace(&format!("::{from}"), &format!("::{to}"));
                        }
                    }
                }
            }
            ObjectType::ObjectFunction
            | ObjectType::ObjectProcedure
            | ObjectType::ObjectRoutine => {
                let Some(Node {
                    node: Some(N::ObjectWithArgs(owa)),
                }) = s.object.as_deref()
                else {
                    return Ok(());
                };
                let args = if owa.args_unspecified {
                    None
                } else {
                    Some(owa.objargs.as_slice())
                };
                let id = self.function_by_names(&strs(&owa.objname), args, -1)?;
                if let Some(mut f) = self.db.functions.remove(&id) {
                    let new = FunctionId::new(&id.schema, &newname, &id.args);
                    f.definition = f.definition.replacen(
                        &format!("{}(", id.qual_name()),
                        &format!("{}(", new.qual_name()),
                        1,
                    );
                    f.id = new.clone();
                    self.db.functions.insert(new, f);
                }
            }
            ObjectType::ObjectAttribute => {
                let rv = s
                    .relation
                    .as_ref()
                    .ok_or(("RENAME without a type".to_string(), -1))?;
                let q = self.type_q(
                    &[rv.schemaname.clone(), rv.relname.clone()]
                        .into_iter()
                        .filter(|x| !x.is_empty())
                        .collect::<Vec<_>>(),
                    -1,
                )?;
                if let Some(Type {
                    kind: TypeKind::Composite { attributes },
                    ..
                }) = self.db.types.get_mut(&q)
                {
                    if let Some(a) = attributes.iter_mut().find(|a| a.name == s.subname) {
                        a.name = newname;
                    }
                }
            }
            other => self.warn(format!(
                "RENAME of {}: not modelled, ignored",
                other.as_str_name()
            )),
        }
        Ok(())
    }

    /// After a relation is renamed: references to it in other objects follow.
    fn retarget_relation(&mut self, old: &QualName, new: &QualName) {
        if self.parents.contains(old) {
            self.parents.insert(new.clone());
        }
        let (from, to) = (old.to_string(), new.to_string());
        for t in self.db.tables.values_mut() {
            for c in t.constraints.values_mut() {
                if c.references.as_ref() == Some(old) {
                    c.references = Some(new.clone());
                    c.definition = c
                        .definition
                        .replace(&format!("REFERENCES {from}("), &format!("REFERENCES {to}("));
                }
            }
            if let Some(p) = &mut t.partition_of {
                if &p.parent == old {
                    p.parent = new.clone();
                }
            }
            for i in t.inherits.iter_mut() {
                if i == old {
                    *i = new.clone();
                }
            }
            if &t.name == new {
                for i in t.indexes.values_mut() {
                    i.definition = i
                        .definition
                        .replacen(&format!(" ON {from} "), &format!(" ON {to} "), 1)
                        .replacen(&format!(" ON ONLY {from} "), &format!(" ON ONLY {to} "), 1);
                }
                for tr in t.triggers.values_mut() {
                    tr.definition =
                        tr.definition
                            .replacen(&format!(" ON {from} "), &format!(" ON {to} "), 1);
                }
            }
        }
        for sq in self.db.sequences.values_mut() {
            if let Some(o) = &mut sq.owned_by {
                if &o.table == old {
                    o.table = new.clone();
                }
            }
        }
        for v in self.db.views.values_mut() {
            if &v.name == new {
                for i in v.indexes.values_mut() {
                    i.definition =
                        i.definition
                            .replacen(&format!(" ON {from} "), &format!(" ON {to} "), 1);
                }
            }
        }
        for r in self.view_reads.values_mut() {
            if r.remove(old) {
                r.insert(new.clone());
            }
        }
        for o in self.index_owner.values_mut() {
            if o == old {
                *o = new.clone();
            }
        }
    }

    fn rename_column(&mut self, q: &QualName, old: &str, new: &str) {
        let (qo, qn) = (quote_ident(old), quote_ident(new));
        let swap = |s: &str| -> String {
            // Replace the identifier where it stands alone.
            let mut out = String::new();
            let mut rest = s;
            while let Some(i) = rest.find(&qo) {
                let before = rest[..i].chars().last();
                let after = rest[i + qo.len()..].chars().next();
                let ident = |c: Option<char>| {
                    c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '"' || c == '$')
                };
                out.push_str(&rest[..i]);
                if !ident(before) && !ident(after) && before != Some('\'') {
                    out.push_str(&qn);
                } else {
                    out.push_str(&qo);
                }
                rest = &rest[i + qo.len()..];
            }
            out.push_str(rest);
            out
        };
        if let Some(t) = self.db.tables.get_mut(q) {
            for c in t.columns.iter_mut() {
                if c.name == old {
                    c.name = new.to_string();
                }
            }
            for c in t.constraints.values_mut() {
                for k in c.columns.iter_mut() {
                    if k == old {
                        *k = new.to_string();
                    }
                }
                c.definition = match c.definition.split_once(" REFERENCES ") {
                    Some((a, b)) => format!("{} REFERENCES {b}", swap(a)),
                    None => swap(&c.definition),
                };
            }
            for i in t.indexes.values_mut() {
                for k in i.columns.iter_mut() {
                    if k == old {
                        *k = new.to_string();
                    }
                }
                if let Some((head, tail)) = i.definition.split_once(" USING ") {
                    i.definition = format!("{head} USING {}", swap(tail));
                }
            }
        }
        if let Some(v) = self.db.views.get_mut(q) {
            for c in v.columns.iter_mut() {
                if c.name == old {
                    c.name = new.to_string();
                }
            }
        }
        // Foreign keys elsewhere that reference the column.
        let from = format!("REFERENCES {q}(");
        for t in self.db.tables.values_mut() {
            for c in t.constraints.values_mut() {
                if c.references.as_ref() == Some(q) {
                    if let Some((a, b)) = c.definition.split_once(&from) {
                        if let Some((cols, rest)) = b.split_once(')') {
                            c.definition = format!("{a}{from}{}){rest}", swap(cols));
                        }
                    }
                }
            }
        }
        for sq in self.db.sequences.values_mut() {
            if let Some(o) = &mut sq.owned_by {
                if &o.table == q && o.column == old {
                    o.column = new.to_string();
                }
            }
        }
    }
}

impl Interp {
    fn common_mut(
        &mut self,
        objtype: ObjectType,
        object: Option<&Node>,
        relation: Option<&protobuf::RangeVar>,
    ) -> R<Option<&mut Common>> {
        let names = object.map(obj_names).unwrap_or_default();
        match objtype {
            ObjectType::ObjectSchema => {
                let n = names.first().cloned().unwrap_or_default();
                match self.db.schemas.get_mut(&n) {
                    Some(s) => Ok(Some(&mut s.common)),
                    None => fail(format!("schema \"{n}\" does not exist"), -1),
                }
            }
            ObjectType::ObjectTable
            | ObjectType::ObjectView
            | ObjectType::ObjectMatview
            | ObjectType::ObjectSequence => {
                let (s, n) = match relation {
                    Some(rv) => (rv.schemaname.clone(), rv.relname.clone()),
                    None => self.name_from_list(&names, -1)?,
                };
                match self.find_rel(&s, &n) {
                    Some(Rel::Table(q)) => Ok(self.db.tables.get_mut(&q).map(|t| &mut t.common)),
                    Some(Rel::View(q)) => Ok(self.db.views.get_mut(&q).map(|t| &mut t.common)),
                    Some(Rel::Sequence(q)) => {
                        Ok(self.db.sequences.get_mut(&q).map(|t| &mut t.common))
                    }
                    _ => fail(format!("relation \"{n}\" does not exist"), -1),
                }
            }
            ObjectType::ObjectType | ObjectType::ObjectDomain => {
                let q = self.type_q(&names, -1)?;
                Ok(self.db.types.get_mut(&q).map(|t| &mut t.common))
            }
            // aggregates are not modelled (listed as unsupported): their owner, grants and comment neither
            ObjectType::ObjectAggregate => Ok(None),
            ObjectType::ObjectFunction
            | ObjectType::ObjectProcedure
            | ObjectType::ObjectRoutine => {
                let Some(Node {
                    node: Some(N::ObjectWithArgs(owa)),
                }) = object
                else {
                    return Ok(None);
                };
                let args = if owa.args_unspecified {
                    None
                } else {
                    Some(owa.objargs.as_slice())
                };
                let id = self.function_by_names(&strs(&owa.objname), args, -1)?;
                Ok(self.db.functions.get_mut(&id).map(|f| &mut f.common))
            }
            ObjectType::ObjectCollation => {
                let (s, n) = self.name_from_list(&names, -1)?;
                let q = self.lookup(&s, &n, |q| {
                    self.db.collations.contains_key(q).then(|| q.clone())
                });
                Ok(q.and_then(|q| self.db.collations.get_mut(&q))
                    .map(|c| &mut c.common))
            }
            _ => Ok(None),
        }
    }

    fn alter_owner(&mut self, s: &protobuf::AlterOwnerStmt) -> R<()> {
        let owner = s.newowner.as_ref().map(role_spec);
        let current = self.current_role.clone();
        match self.common_mut(s.object_type(), s.object.as_deref(), s.relation.as_ref())? {
            Some(c) => set_owner(c, owner, &current),
            None => self.warn(format!(
                "OWNER TO on {}: not modelled",
                s.object_type().as_str_name()
            )),
        }
        Ok(())
    }

    fn set_schema(&mut self, s: &protobuf::AlterObjectSchemaStmt) -> R<()> {
        let ns = s.newschema.clone();
        if !self.db.schemas.contains_key(&ns) {
            return fail(format!("schema \"{ns}\" does not exist"), -1);
        }
        match s.object_type() {
            ObjectType::ObjectTable
            | ObjectType::ObjectView
            | ObjectType::ObjectMatview
            | ObjectType::ObjectSequence => {
                let rv = s
                    .relation
                    .as_ref()
                    .ok_or(("SET SCHEMA without a relation".to_string(), -1))?;
                let Some(rel) = self.find_rel(&rv.schemaname, &rv.relname) else {
                    if s.missing_ok {
                        return Ok(());
                    }
                    return fail(
                        format!("relation \"{}\" does not exist", display_rv(rv)),
                        rv.location,
                    );
                };
                match rel {
                    Rel::Table(q) => {
                        let new = QualName::new(&ns, &q.name);
                        if let Some(mut t) = self.db.tables.remove(&q) {
                            t.name = new.clone();
                            let idx: Vec<String> = t.indexes.keys().cloned().collect();
                            for i in idx {
                                self.index_owner.remove(&QualName::new(&q.schema, &i));
                                self.index_owner.insert(QualName::new(&ns, &i), new.clone());
                            }
                            self.db.tables.insert(new.clone(), t);
                        }
                        self.retarget_relation(&q, &new);
                        let owned: Vec<QualName> = self
                            .db
                            .sequences
                            .values()
                            .filter(|x| x.owned_by.as_ref().is_some_and(|o| o.table == new))
                            .map(|x| x.name.clone())
                            .collect();
                        for sq in owned {
                            if let Some(mut x) = self.db.sequences.remove(&sq) {
                                x.name = QualName::new(&ns, &sq.name);
                                self.db.sequences.insert(x.name.clone(), x);
                            }
                        }
                    }
                    Rel::View(q) => {
                        let new = QualName::new(&ns, &q.name);
                        if let Some(mut v) = self.db.views.remove(&q) {
                            v.name = new.clone();
                            self.db.views.insert(new.clone(), v);
                        }
                        self.retarget_relation(&q, &new);
                    }
                    Rel::Sequence(q) => {
                        if let Some(mut x) = self.db.sequences.remove(&q) {
                            x.name = QualName::new(&ns, &q.name);
                            self.db.sequences.insert(x.name.clone(), x);
                        }
                    }
                    Rel::Index(..) => {}
                }
            }
            ObjectType::ObjectType | ObjectType::ObjectDomain => {
                let q = self.type_q(&s.object.as_deref().map(obj_names).unwrap_or_default(), -1)?;
                if let Some(mut t) = self.db.types.remove(&q) {
                    t.name = QualName::new(&ns, &q.name);
                    self.db.types.insert(t.name.clone(), t);
                }
            }
            ObjectType::ObjectFunction | ObjectType::ObjectProcedure => {
                let Some(Node {
                    node: Some(N::ObjectWithArgs(owa)),
                }) = s.object.as_deref()
                else {
                    return Ok(());
                };
                let args = if owa.args_unspecified {
                    None
                } else {
                    Some(owa.objargs.as_slice())
                };
                let id = self.function_by_names(&strs(&owa.objname), args, -1)?;
                if let Some(mut f) = self.db.functions.remove(&id) {
                    let new = FunctionId::new(&ns, &id.name, &id.args);
                    f.definition = f.definition.replacen(
                        &format!("{}(", id.qual_name()),
                        &format!("{}(", new.qual_name()),
                        1,
                    );
                    f.id = new.clone();
                    self.db.functions.insert(new, f);
                }
            }
            ObjectType::ObjectExtension => {
                let n = s
                    .object
                    .as_deref()
                    .map(obj_names)
                    .unwrap_or_default()
                    .join(".");
                if let Some(e) = self.db.extensions.get_mut(&n) {
                    e.schema = ns;
                }
            }
            other => self.warn(format!(
                "SET SCHEMA on {}: not modelled",
                other.as_str_name()
            )),
        }
        Ok(())
    }

    fn alter_function(&mut self, s: &protobuf::AlterFunctionStmt) -> R<()> {
        let owa = s
            .func
            .as_ref()
            .ok_or(("ALTER FUNCTION without a function".to_string(), -1))?;
        let args = if owa.args_unspecified {
            None
        } else {
            Some(owa.objargs.as_slice())
        };
        let id = self.function_by_names(&strs(&owa.objname), args, -1)?;
        let Some(f) = self.db.functions.get_mut(&id) else {
            return Ok(());
        };
        for d in def_elems(&s.actions) {
            let v = d.arg.as_deref().and_then(str_of);
            match d.defname.as_str() {
                "volatility" => {
                    let new = match v.as_deref() {
                        Some("immutable") => "i",
                        Some("stable") => "s",
                        _ => "v",
                    };
                    let words = |x: &str| match x {
                        "i" => " IMMUTABLE",
                        "s" => " STABLE",
                        _ => "",
                    };
                    let old = words(&f.volatility);
                    if !old.is_empty() {
                        f.definition = f.definition.replacen(old, words(new), 1);
                    } else if !words(new).is_empty() {
                        f.definition = insert_misc(&f.definition, words(new));
                    }
                    f.volatility = new.into();
                }
                "strict" => {
                    let on = v
                        .as_deref()
                        .is_none_or(|x| x == "true" || x == "on" || x == "1");
                    if on && !f.strict {
                        f.definition = insert_misc(&f.definition, " STRICT");
                    } else if !on && f.strict {
                        f.definition = f.definition.replacen(" STRICT", "", 1);
                    }
                    f.strict = on;
                }
                "security" => {
                    let on = v
                        .as_deref()
                        .is_some_and(|x| x == "true" || x == "on" || x == "1");
                    if on && !f.security_definer {
                        f.definition = insert_misc(&f.definition, " SECURITY DEFINER");
                    } else if !on && f.security_definer {
                        f.definition = f.definition.replacen(" SECURITY DEFINER", "", 1);
                    }
                    f.security_definer = on;
                }
                _ => self
                    .pending_warnings
                    .push(format!("ALTER FUNCTION ... {}: not modelled", d.defname)),
            }
        }
        Ok(())
    }

    fn drop(&mut self, s: &protobuf::DropStmt) -> R<()> {
        let cascade = s.behavior() == protobuf::DropBehavior::DropCascade;
        for o in &s.objects {
            let names = obj_names(o);
            let missing = |what: &str, n: &str| -> R<()> {
                if s.missing_ok {
                    Ok(())
                } else {
                    fail(format!("{what} \"{n}\" does not exist"), -1)
                }
            };
            match s.remove_type() {
                ObjectType::ObjectTable
                | ObjectType::ObjectView
                | ObjectType::ObjectMatview
                | ObjectType::ObjectSequence
                | ObjectType::ObjectIndex
                | ObjectType::ObjectForeignTable => {
                    let (sc, n) = self.name_from_list(&names, -1)?;
                    let Some(rel) = self.find_rel(&sc, &n) else {
                        if s.remove_type() == ObjectType::ObjectForeignTable {
                            continue;
                        }
                        missing(
                            if s.remove_type() == ObjectType::ObjectIndex {
                                "index"
                            } else {
                                "relation"
                            },
                            &n,
                        )?;
                        continue;
                    };
                    self.drop_relation(rel, cascade)?;
                }
                ObjectType::ObjectSchema => {
                    let n = names.first().cloned().unwrap_or_default();
                    if !self.db.schemas.contains_key(&n) {
                        missing("schema", &n)?;
                        continue;
                    }
                    let has = self.db.tables.keys().any(|q| q.schema == n)
                        || self.db.views.keys().any(|q| q.schema == n)
                        || self.db.types.keys().any(|q| q.schema == n)
                        || self.db.sequences.keys().any(|q| q.schema == n)
                        || self.db.functions.keys().any(|q| q.schema == n);
                    if has && !cascade {
                        return fail(
                            format!("cannot drop schema {n} because other objects depend on it"),
                            -1,
                        );
                    }
                    let rels: Vec<Rel> = self
                        .db
                        .views
                        .keys()
                        .filter(|q| q.schema == n)
                        .map(|q| Rel::View(q.clone()))
                        .chain(
                            self.db
                                .tables
                                .keys()
                                .filter(|q| q.schema == n)
                                .map(|q| Rel::Table(q.clone())),
                        )
                        .collect();
                    for r in rels {
                        self.drop_relation(r, true)?;
                    }
                    self.db.sequences.retain(|q, _| q.schema != n);
                    self.db.types.retain(|q, _| q.schema != n);
                    self.db.functions.retain(|q, _| q.schema != n);
                    self.db.collations.retain(|q, _| q.schema != n);
                    self.db.schemas.remove(&n);
                }
                ObjectType::ObjectType | ObjectType::ObjectDomain => {
                    let (sc, n) = self.name_from_list(&names, -1)?;
                    let Some(q) = self.find_type(&sc, &n) else {
                        missing("type", &n)?;
                        continue;
                    };
                    let qs = q.to_string();
                    let users: Vec<(QualName, usize)> = self
                        .db
                        .tables
                        .values()
                        .flat_map(|t| {
                            t.columns
                                .iter()
                                .enumerate()
                                .filter(|(_, c)| c.type_name.trim_end_matches("[]") == qs)
                                .map(move |(i, _)| (t.name.clone(), i))
                        })
                        .collect();
                    if !users.is_empty() && !cascade {
                        return fail(
                            format!(
                                "cannot drop type {} because other objects depend on it",
                                q.name
                            ),
                            -1,
                        );
                    }
                    for (t, i) in users.into_iter().rev() {
                        self.drop_column(&t, i, true)?;
                    }
                    self.db.types.remove(&q);
                }
                ObjectType::ObjectFunction
                | ObjectType::ObjectProcedure
                | ObjectType::ObjectRoutine
                | ObjectType::ObjectAggregate => {
                    let Some(N::ObjectWithArgs(owa)) = &o.node else {
                        continue;
                    };
                    let args = if owa.args_unspecified {
                        None
                    } else {
                        Some(owa.objargs.as_slice())
                    };
                    match self.function_by_names(&strs(&owa.objname), args, -1) {
                        Ok(id) => {
                            let used = self
                                .db
                                .tables
                                .values()
                                .any(|t| t.triggers.values().any(|tr| tr.function == id));
                            if used && !cascade {
                                return fail(format!("cannot drop function {} because other objects depend on it", id.name), -1);
                            }
                            for t in self.db.tables.values_mut() {
                                t.triggers.retain(|_, tr| tr.function != id);
                            }
                            self.db.functions.remove(&id);
                        }
                        Err(e) => {
                            if !s.missing_ok {
                                return Err(e);
                            }
                        }
                    }
                }
                ObjectType::ObjectExtension => {
                    let n = names.join(".");
                    if self.db.extensions.remove(&n).is_none() {
                        missing("extension", &n)?;
                    }
                }
                ObjectType::ObjectTrigger | ObjectType::ObjectPolicy | ObjectType::ObjectRule => {
                    // [schema.]table.name
                    let (tbl, n) = match names.as_slice() {
                        [t, n] => (("".to_string(), t.clone()), n.clone()),
                        [s2, t, n] => ((s2.clone(), t.clone()), n.clone()),
                        _ => continue,
                    };
                    let rel = match self.find_rel(&tbl.0, &tbl.1) {
                        Some(Rel::Table(q)) | Some(Rel::View(q)) => q,
                        _ => {
                            missing("relation", &tbl.1)?;
                            continue;
                        }
                    };
                    let removed = match s.remove_type() {
                        ObjectType::ObjectTrigger => {
                            self.db
                                .tables
                                .get_mut(&rel)
                                .and_then(|t| t.triggers.remove(&n))
                                .is_some()
                                || self
                                    .db
                                    .views
                                    .get_mut(&rel)
                                    .and_then(|v| v.triggers.remove(&n))
                                    .is_some()
                        }
                        ObjectType::ObjectPolicy => self
                            .db
                            .tables
                            .get_mut(&rel)
                            .and_then(|t| t.policies.remove(&n))
                            .is_some(),
                        _ => {
                            let before = self.db.unsupported.len();
                            let full = format!("{} ON {rel}", quote_ident(&n));
                            self.db
                                .unsupported
                                .retain(|u| !(u.kind == "rule" && u.name == full));
                            before != self.db.unsupported.len()
                        }
                    };
                    if !removed {
                        missing(
                            &s.remove_type()
                                .as_str_name()
                                .trim_start_matches("OBJECT_")
                                .to_lowercase(),
                            &n,
                        )?;
                    }
                }
                ObjectType::ObjectCollation => {
                    let (sc, n) = self.name_from_list(&names, -1)?;
                    let q = self.lookup(&sc, &n, |q| {
                        self.db.collations.contains_key(q).then(|| q.clone())
                    });
                    match q {
                        Some(q) => {
                            self.db.collations.remove(&q);
                        }
                        None => missing("collation", &n)?,
                    }
                }
                other => self.warn(format!(
                    "DROP {}: not modelled, ignored",
                    other.as_str_name()
                )),
            }
        }
        Ok(())
    }

    fn drop_relation(&mut self, rel: Rel, cascade: bool) -> R<()> {
        match rel {
            Rel::Table(q) => {
                let dependents: Vec<QualName> = self
                    .view_reads
                    .iter()
                    .filter(|(_, r)| r.contains(&q))
                    .map(|(v, _)| v.clone())
                    .collect();
                let fks: Vec<(QualName, String)> = self
                    .db
                    .tables
                    .values()
                    .filter(|t| t.name != q)
                    .flat_map(|t| {
                        t.constraints
                            .values()
                            .filter(|c| c.references.as_ref() == Some(&q))
                            .map(move |c| (t.name.clone(), c.name.clone()))
                    })
                    .collect();
                let children: Vec<QualName> = if !self.parents.contains(&q) {
                    Vec::new()
                } else {
                    self.db
                        .tables
                        .values()
                        .filter(|t| t.partition_of.as_ref().is_some_and(|p| p.parent == q))
                        .map(|t| t.name.clone())
                        .collect()
                };
                let inheritors = self.db.tables.values().any(|t| t.inherits.contains(&q));
                if !cascade && (!dependents.is_empty() || !fks.is_empty() || inheritors) {
                    return fail(
                        format!(
                            "cannot drop table {} because other objects depend on it",
                            q.name
                        ),
                        -1,
                    );
                }
                for v in dependents {
                    if self.db.views.contains_key(&v) {
                        self.drop_relation(Rel::View(v), true)?;
                    }
                }
                for (t, c) in fks {
                    self.drop_constraint(&t, &c, true)?;
                }
                for c in children {
                    self.drop_relation(Rel::Table(c), true)?;
                }
                let Some(t) = self.db.tables.remove(&q) else {
                    return Ok(());
                };
                for i in t.indexes.keys() {
                    self.index_owner.remove(&QualName::new(&q.schema, i));
                }
                for c in t.constraints.keys() {
                    self.remove_con_name(&q.schema, c);
                }
                self.db
                    .sequences
                    .retain(|_, s| s.owned_by.as_ref().is_none_or(|o| o.table != q));
                for other in self.db.tables.values_mut() {
                    other.inherits.retain(|p| p != &q);
                }
            }
            Rel::View(q) => {
                let dependents: Vec<QualName> = self
                    .view_reads
                    .iter()
                    .filter(|(_, r)| r.contains(&q))
                    .map(|(v, _)| v.clone())
                    .collect();
                if !cascade && !dependents.is_empty() {
                    return fail(
                        format!(
                            "cannot drop view {} because other objects depend on it",
                            q.name
                        ),
                        -1,
                    );
                }
                for v in dependents {
                    self.drop_relation(Rel::View(v), true)?;
                }
                if let Some(v) = self.db.views.remove(&q) {
                    for i in v.indexes.keys() {
                        self.index_owner.remove(&QualName::new(&q.schema, i));
                    }
                }
                self.view_reads.remove(&q);
            }
            Rel::Sequence(q) => {
                let lit = format!("nextval({}::regclass)", quote_literal(&q.to_string()));
                let used = self.db.tables.values().any(|t| {
                    t.columns
                        .iter()
                        .any(|c| c.default.as_deref() == Some(lit.as_str()))
                });
                if used && !cascade {
                    return fail(
                        format!(
                            "cannot drop sequence {} because other objects depend on it",
                            q.name
                        ),
                        -1,
                    );
                }
                for t in self.db.tables.values_mut() {
                    for c in t.columns.iter_mut() {
                        if c.default.as_deref() == Some(lit.as_str()) {
                            c.default = None;
                        }
                    }
                }
                self.db.sequences.remove(&q);
            }
            Rel::Index(q, owner) => {
                let backs = self
                    .db
                    .tables
                    .get(&owner)
                    .and_then(|t| t.indexes.get(&q.name))
                    .and_then(|i| i.constraint.clone());
                if let Some(c) = backs {
                    return fail(
                        format!(
                            "cannot drop index {} because constraint {c} on table {} requires it",
                            q.name, owner.name
                        ),
                        -1,
                    );
                }
                if let Some(t) = self.db.tables.get_mut(&owner) {
                    t.indexes.remove(&q.name);
                } else if let Some(v) = self.db.views.get_mut(&owner) {
                    v.indexes.remove(&q.name);
                }
                self.index_owner.remove(&q);
                // Indexes attached to it on partitions go too.
                for t in self.db.tables.values_mut() {
                    t.indexes.retain(|_, i| i.parent_index.as_ref() != Some(&q));
                }
            }
        }
        Ok(())
    }

    fn comment(&mut self, s: &protobuf::CommentStmt) -> R<()> {
        let text = if s.comment.is_empty() {
            None
        } else {
            Some(s.comment.clone())
        };
        let obj = s.object.as_deref();
        let names = obj.map(obj_names).unwrap_or_default();
        match s.objtype() {
            ObjectType::ObjectColumn => {
                let (rel, col) = match names.as_slice() {
                    [t, c] => (("".to_string(), t.clone()), c.clone()),
                    [sc, t, c] => ((sc.clone(), t.clone()), c.clone()),
                    _ => return fail("column name must be qualified", -1),
                };
                match self.find_rel(&rel.0, &rel.1) {
                    Some(Rel::Table(q)) => {
                        let Some(c) = self
                            .db
                            .tables
                            .get_mut(&q)
                            .and_then(|t| t.columns.iter_mut().find(|c| c.name == col))
                        else {
                            return fail(
                                format!(
                                    "column \"{col}\" of relation \"{}\" does not exist",
                                    q.name
                                ),
                                -1,
                            );
                        };
                        c.comment = text;
                    }
                    Some(Rel::View(q)) => {
                        if let Some(c) = self
                            .db
                            .views
                            .get_mut(&q)
                            .and_then(|v| v.columns.iter_mut().find(|c| c.name == col))
                        {
                            c.comment = text;
                        }
                    }
                    _ => return fail(format!("relation \"{}\" does not exist", rel.1), -1),
                }
            }
            ObjectType::ObjectIndex => {
                let (sc, n) = self.name_from_list(&names, -1)?;
                match self.find_rel(&sc, &n) {
                    Some(Rel::Index(q, owner)) => {
                        if let Some(i) = self
                            .db
                            .tables
                            .get_mut(&owner)
                            .and_then(|t| t.indexes.get_mut(&q.name))
                        {
                            i.comment = text;
                        } else if let Some(i) = self
                            .db
                            .views
                            .get_mut(&owner)
                            .and_then(|v| v.indexes.get_mut(&q.name))
                        {
                            i.comment = text;
                        }
                    }
                    _ => return fail(format!("relation \"{n}\" does not exist"), -1),
                }
            }
            ObjectType::ObjectTabconstraint
            | ObjectType::ObjectTrigger
            | ObjectType::ObjectPolicy => {
                let (rel, n) = match names.as_slice() {
                    [t, n] => (("".to_string(), t.clone()), n.clone()),
                    [sc, t, n] => ((sc.clone(), t.clone()), n.clone()),
                    _ => return fail("name must be qualified", -1),
                };
                let q = match self.find_rel(&rel.0, &rel.1) {
                    Some(Rel::Table(q)) | Some(Rel::View(q)) => q,
                    _ => return fail(format!("relation \"{}\" does not exist", rel.1), -1),
                };
                let slot = match s.objtype() {
                    ObjectType::ObjectTabconstraint => self
                        .db
                        .tables
                        .get_mut(&q)
                        .and_then(|t| t.constraints.get_mut(&n))
                        .map(|c| &mut c.comment),
                    ObjectType::ObjectTrigger => match self.db.tables.get_mut(&q) {
                        Some(t) => t.triggers.get_mut(&n).map(|c| &mut c.comment),
                        None => self
                            .db
                            .views
                            .get_mut(&q)
                            .and_then(|v| v.triggers.get_mut(&n))
                            .map(|c| &mut c.comment),
                    },
                    _ => self
                        .db
                        .tables
                        .get_mut(&q)
                        .and_then(|t| t.policies.get_mut(&n))
                        .map(|c| &mut c.comment),
                };
                match slot {
                    Some(c) => *c = text,
                    None => {
                        return fail(
                            format!("\"{n}\" for relation \"{}\" does not exist", q.name),
                            -1,
                        )
                    }
                }
            }
            ObjectType::ObjectExtension => {
                let n = names.join(".");
                match self.db.extensions.get_mut(&n) {
                    Some(e) => e.comment = text,
                    // always installed, not modelled (see create_extension)
                    None if n == "plpgsql" => {}
                    None => return fail(format!("extension \"{n}\" does not exist"), -1),
                }
            }
            ObjectType::ObjectDomconstraint => {
                self.warn("COMMENT ON CONSTRAINT ... ON DOMAIN is not modelled");
            }
            other => match self.common_mut(other, obj, None)? {
                Some(c) => c.comment = text,
                None => self.warn(format!("COMMENT ON {}: not modelled", other.as_str_name())),
            },
        }
        Ok(())
    }

    fn grant(&mut self, s: &protobuf::GrantStmt) -> R<()> {
        if s.targtype() != protobuf::GrantTargetType::AclTargetObject {
            self.warn("GRANT ... ON ALL ... IN SCHEMA: applied to the objects that exist now is not modelled");
            return Ok(());
        }
        let all = match acl_kind(s.objtype()) {
            Some(kind) => kind.all_privileges(),
            None => {
                self.warn(format!(
                    "GRANT on {}: not modelled",
                    s.objtype().as_str_name()
                ));
                return Ok(());
            }
        };
        let grantees: Vec<String> = s
            .grantees
            .iter()
            .filter_map(role_name)
            .map(|r| {
                if r == "CURRENT_USER" {
                    self.current_role.clone()
                } else {
                    r
                }
            })
            .collect();
        let mut privs: Vec<(String, Vec<String>)> = Vec::new();
        if s.privileges.is_empty() {
            privs.extend(all.iter().map(|p| (p.to_string(), vec![])));
        } else {
            for p in &s.privileges {
                if let Some(N::AccessPriv(ap)) = &p.node {
                    if ap.priv_name.is_empty() {
                        privs.extend(all.iter().map(|p| (p.to_string(), strs(&ap.cols))));
                    } else {
                        privs.push((ap.priv_name.to_uppercase(), strs(&ap.cols)));
                    }
                }
            }
        }
        for o in &s.objects {
            let (objtype, obj, rel) = match (&o.node, s.objtype()) {
                (Some(N::RangeVar(rv)), t) => (t, None, Some(rv.clone())),
                (_, t) => (t, Some(o), None),
            };
            // Column privileges.
            if let Some(rv) = &rel {
                if privs.iter().any(|(_, c)| !c.is_empty()) {
                    let q = self.table_or_view(rv)?;
                    if let Some(t) = self.db.tables.get_mut(&q) {
                        for (p, cols) in &privs {
                            for cn in cols {
                                let Some(c) = t.columns.iter_mut().find(|c| &c.name == cn) else {
                                    return fail(
                                        format!(
                                            "column \"{cn}\" of relation \"{}\" does not exist",
                                            q.name
                                        ),
                                        -1,
                                    );
                                };
                                for g in &grantees {
                                    let gr = Grant {
                                        grantee: g.clone(),
                                        privilege: p.clone(),
                                        with_grant_option: s.grant_option,
                                    };
                                    if s.is_grant {
                                        c.grants.insert(gr);
                                    } else {
                                        c.grants
                                            .retain(|x| !(x.grantee == *g && x.privilege == *p));
                                    }
                                }
                            }
                        }
                    }
                    continue;
                }
            }
            let objtype = if rel.is_some() && objtype == ObjectType::ObjectTable {
                match self.find_rel(
                    &rel.as_ref()
                        .map(|r| r.schemaname.clone())
                        .unwrap_or_default(),
                    &rel.as_ref().map(|r| r.relname.clone()).unwrap_or_default(),
                ) {
                    Some(Rel::Sequence(_)) => ObjectType::ObjectSequence,
                    _ => objtype,
                }
            } else {
                objtype
            };
            let current = self.current_role.clone();
            let Some(common) = self.common_mut(objtype, obj, rel.as_ref())? else {
                continue;
            };
            let owner = common.owner.clone().unwrap_or(current);
            let set = common.grants.get_or_insert_with(|| {
                acl_kind(objtype).map_or_else(BTreeSet::new, |k| k.default_grants(&owner))
            });
            let names: Vec<String> = privs.iter().map(|(p, _)| p.clone()).collect();
            edit_acl(set, &names, &grantees, s.is_grant, s.grant_option);
        }
        Ok(())
    }

    /// `ALTER DEFAULT PRIVILEGES`, as PostgreSQL keeps it: per role and schema (or none), an entry that
    /// starts from the built-in default (no schema) or from nothing (a schema), and is removed when it is
    /// back there.
    fn alter_default_privileges(&mut self, s: &protobuf::AlterDefaultPrivilegesStmt) -> R<()> {
        let mut roles = vec![];
        let mut schemas = vec![];
        for d in def_elems(&s.options) {
            let items = match d.arg.as_deref().and_then(|a| a.node.as_ref()) {
                Some(N::List(l)) => l.items.clone(),
                _ => vec![],
            };
            match d.defname.as_str() {
                "roles" => roles = items.iter().filter_map(role_name).collect(),
                "schemas" => schemas = items.iter().filter_map(str_of).map(Some).collect(),
                _ => {}
            }
        }
        let assumed = roles.is_empty() && !self.role_stated;
        if roles.is_empty() {
            roles.push(self.current_role.clone());
        }
        if schemas.is_empty() {
            schemas.push(None);
        }
        let Some(a) = &s.action else {
            return Ok(());
        };
        let Some(on) = acl_kind(a.objtype()) else {
            self.warn(format!(
                "ALTER DEFAULT PRIVILEGES on {}: not modelled",
                a.objtype().as_str_name()
            ));
            return Ok(());
        };
        if on == AclKind::Schema && schemas.iter().any(Option::is_some) {
            return fail(
                "cannot use IN SCHEMA clause when using GRANT/REVOKE ON SCHEMAS",
                -1,
            );
        }
        let mut privs: Vec<String> = Vec::new();
        for p in &a.privileges {
            if let Some(N::AccessPriv(ap)) = &p.node {
                if ap.priv_name.is_empty() {
                    privs.extend(on.all_privileges().iter().map(|p| p.to_string()));
                } else {
                    privs.push(ap.priv_name.to_uppercase());
                }
            }
        }
        if a.privileges.is_empty() {
            privs.extend(on.all_privileges().iter().map(|p| p.to_string()));
        }
        let grantees: Vec<String> = a
            .grantees
            .iter()
            .filter_map(role_name)
            .map(|r| {
                if r == "CURRENT_USER" {
                    self.current_role.clone()
                } else {
                    r
                }
            })
            .collect();
        if a.is_grant && a.grant_option && grantees.iter().any(|g| g == "PUBLIC") {
            return fail("grant options can only be granted to roles", -1);
        }
        for role in &roles {
            for schema in &schemas {
                let key = DefaultPrivileges::key(role, schema.as_deref(), on);
                let initial = DefaultPrivileges::initial(role, schema.as_deref(), on);
                let mut set = self
                    .db
                    .default_privileges
                    .remove(&key)
                    .map_or_else(|| initial.clone(), |e| e.grants);
                edit_acl(&mut set, &privs, &grantees, a.is_grant, a.grant_option);
                if set != initial {
                    self.db.default_privileges.insert(
                        key,
                        DefaultPrivileges {
                            role: role.clone(),
                            schema: schema.clone(),
                            on,
                            grants: set,
                            role_assumed: assumed,
                        },
                    );
                }
            }
        }
        Ok(())
    }

    /// The privileges a new object of kind `on` in `schema` gets when `owner` creates it, as
    /// `ALTER DEFAULT PRIVILEGES` set them (`None`: the built-in default).
    fn default_acl(
        &self,
        on: AclKind,
        schema: Option<&str>,
        owner: Option<&str>,
    ) -> Option<BTreeSet<Grant>> {
        if self.db.default_privileges.is_empty() {
            return None;
        }
        let owner = owner.unwrap_or(&self.current_role);
        let entry = |s: Option<&str>| {
            self.db
                .default_privileges
                .get(&DefaultPrivileges::key(owner, s, on))
        };
        let global = entry(None);
        let local = schema
            .filter(|_| on != AclKind::Schema)
            .and_then(|s| entry(Some(s)));
        if global.is_none() && local.is_none() {
            return None;
        }
        let builtin = on.default_grants(owner);
        let mut set = global.map_or_else(|| builtin.clone(), |e| e.grants.clone());
        for g in local.into_iter().flat_map(|e| &e.grants) {
            // merged as PostgreSQL merges ACLs: a grant option on either side stays
            let had_option = set.iter().any(|x| {
                x.grantee == g.grantee && x.privilege == g.privilege && x.with_grant_option
            });
            set.retain(|x| !(x.grantee == g.grantee && x.privilege == g.privilege));
            set.insert(Grant {
                with_grant_option: g.with_grant_option || had_option,
                ..g.clone()
            });
        }
        (set != builtin).then_some(set)
    }

    fn define(&mut self, s: &protobuf::DefineStmt) -> R<()> {
        let names = strs(&s.defnames);
        match s.kind() {
            ObjectType::ObjectCollation => {
                let (sc, n) = self.name_from_list(&names, -1)?;
                let q = self.new_name(&sc, &n, -1)?;
                if self.db.collations.contains_key(&q) {
                    if s.if_not_exists {
                        return Ok(());
                    }
                    return fail(format!("collation \"{}\" already exists", q.name), -1);
                }
                let mut c = Collation {
                    name: q.clone(),
                    provider: "c".into(),
                    deterministic: true,
                    ..Collation::default()
                };
                for d in def_elems(&s.definition) {
                    let v = d.arg.as_deref().and_then(str_of);
                    match d.defname.as_str() {
                        "provider" => c.provider = if v.as_deref() == Some("icu") { "i".into() } else { "c".into() },
                        "locale" => c.locale = v,
                        "lc_collate" => c.lc_collate = v,
                        "lc_ctype" => c.lc_ctype = v,
                        "deterministic" => c.deterministic = v.as_deref().is_none_or(|x| x == "true" || x == "on" || x == "1"),
                        "from" => match v.as_deref() {
                            Some(l @ ("C" | "POSIX")) => {
                                c.lc_collate = Some(l.into());
                                c.lc_ctype = Some(l.into());
                            }
                            _ => self.pending_warnings.push("CREATE COLLATION ... FROM: the copied settings are not known offline".into()),
                        },
                        _ => {}
                    }
                }
                if c.provider == "c" {
                    if let Some(l) = c.locale.take() {
                        c.lc_collate.get_or_insert(l.clone());
                        c.lc_ctype.get_or_insert(l);
                    }
                }
                self.db.collations.insert(q, c);
            }
            ObjectType::ObjectAggregate => self.unsupported("aggregate", names.join(".")),
            ObjectType::ObjectOperator => {
                // named as the catalog names it (`regoperator`): `public.~<<(text,text)`
                let name = match self.name_from_list(&names, -1) {
                    Ok((sc, op)) => {
                        let arg = |key: &str| -> String {
                            def_elems(&s.definition)
                                .iter()
                                .find(|d| d.defname.eq_ignore_ascii_case(key))
                                .and_then(|d| {
                                    match d.arg.as_deref().and_then(|a| a.node.as_ref()) {
                                        Some(N::TypeName(tn)) => self.resolve_type(tn).ok(),
                                        _ => None,
                                    }
                                })
                                .unwrap_or_else(|| "NONE".into())
                        };
                        let (l, r) = (arg("leftarg"), arg("rightarg"));
                        format!("{}.{op}({l},{r})", quote_ident(&sc))
                    }
                    Err(_) => names.join("."),
                };
                self.unsupported("operator", name)
            }
            ObjectType::ObjectType => self.unsupported("base type", names.join(".")),
            ObjectType::ObjectTsconfiguration => {
                self.unsupported("text search configuration", names.join("."))
            }
            ObjectType::ObjectTsdictionary => {
                self.unsupported("text search dictionary", names.join("."))
            }
            ObjectType::ObjectTsparser => self.unsupported("text search parser", names.join(".")),
            ObjectType::ObjectTstemplate => {
                self.unsupported("text search template", names.join("."))
            }
            other => self.unsupported(
                &other
                    .as_str_name()
                    .trim_start_matches("OBJECT_")
                    .to_lowercase(),
                names.join("."),
            ),
        }
        Ok(())
    }

    /// Dependencies evident from the model: foreign keys, user-typed columns, sequence defaults, views,
    /// triggers, inheritance and partitions.
    pub(crate) fn compute_dependencies(&mut self) {
        self.compute_dependencies_from(PARALLEL_MIN_TABLES);
    }

    /// [`Interp::compute_dependencies`], on two threads when there are `parallel_from` tables or more.
    fn compute_dependencies_from(&mut self, parallel_from: usize) {
        fn add_dep(deps: &mut BTreeSet<Dependency>, from: ObjectRef, to: ObjectRef) {
            fn owner(r: &ObjectRef) -> Option<&QualName> {
                match r {
                    ObjectRef::Relation(n) => Some(n),
                    ObjectRef::Column(c) => Some(&c.table),
                    _ => None,
                }
            }
            if from != to && (owner(&from).is_none() || owner(&from) != owner(&to)) {
                deps.insert(Dependency { from, to });
            }
        }
        let user_types: Vec<String> = self.db.types.keys().map(|q| q.to_string()).collect();
        let user_funcs: Vec<(String, FunctionId)> = self
            .db
            .functions
            .keys()
            .map(|id| (format!("{}(", id.qual_name()), id.clone()))
            .collect();
        // Functions and types an expression text names.
        let type_names: BTreeMap<&str, &QualName> = self
            .db
            .types
            .keys()
            .zip(user_types.iter())
            .map(|(q, t)| (t.as_str(), q))
            .collect();
        let mut func_names: BTreeMap<String, Vec<FunctionId>> = BTreeMap::new();
        for (pat, id) in &user_funcs {
            func_names
                .entry(pat.trim_end_matches('(').to_string())
                .or_default()
                .push(id.clone());
        }
        // Qualified names in an expression text: a name followed by `(` may be a function, one after `::`
        // a type.
        let expr_refs = |text: &str| -> Vec<ObjectRef> {
            let mut v = Vec::new();
            if func_names.is_empty() && type_names.is_empty() {
                return v;
            }
            let b = text.as_bytes();
            let word = |c: u8| {
                c.is_ascii_alphanumeric()
                    || c == b'_'
                    || c == b'$'
                    || c == b'.'
                    || c == b'"'
                    || c >= 0x80
            };
            let mut i = 0;
            while i < b.len() {
                if !word(b[i]) {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < b.len() && word(b[i]) {
                    i += 1;
                }
                let tok = &text[start..i];
                if !tok.contains('.') {
                    continue;
                }
                if b.get(i) == Some(&b'(') {
                    if let Some(ids) = func_names.get(tok) {
                        v.extend(ids.iter().map(|id| ObjectRef::Function(id.clone())));
                    }
                }
                if start >= 2 && &b[start - 2..start] == b"::" {
                    if let Some(q) = type_names.get(tok) {
                        v.push(ObjectRef::Type((*q).clone()));
                    }
                }
            }
            v
        };
        let type_ref =
            |ty: &str| -> Option<ObjectRef> { self.user_type_of(ty).map(ObjectRef::Type) };
        // A table's or view's row type used as a type: the dependency is on the relation.
        let row_ref = |ty: &str| -> Option<ObjectRef> {
            let q: QualName = ty.trim_end_matches("[]").parse().ok()?;
            (self.db.tables.contains_key(&q) || self.db.views.contains_key(&q))
                .then_some(ObjectRef::Relation(q))
        };
        let coll_ref = |c: &Option<QualName>| -> Option<ObjectRef> {
            c.as_ref()
                .filter(|c| self.db.collations.contains_key(*c))
                .map(|c| ObjectRef::Collation(c.clone()))
        };
        // The tables' dependencies, the bulk of the work, are found on two threads, each over half the tables.
        let table_deps = |t: &Table, deps: &mut BTreeSet<Dependency>| {
            let mut add = |from: ObjectRef, to: ObjectRef| add_dep(deps, from, to);
            let me = ObjectRef::Relation(t.name.clone());
            for c in t.constraints.values() {
                if let Some(r) = &c.references {
                    add(me.clone(), ObjectRef::Relation(r.clone()));
                    let marker = format!("REFERENCES {r}(");
                    if let Some((_, rest)) = c.definition.split_once(&marker) {
                        if let Some((cols, _)) = rest.split_once(')') {
                            for col in cols.split(", ") {
                                let col = plumb_model::split_qualified(col)
                                    .ok()
                                    .and_then(|v| v.into_iter().next())
                                    .unwrap_or_default();
                                add(
                                    me.clone(),
                                    ObjectRef::Column(ColumnRef {
                                        table: r.clone(),
                                        column: col,
                                    }),
                                );
                            }
                        }
                    }
                }
                for x in expr_refs(&c.definition) {
                    add(me.clone(), x);
                }
            }
            for i in t.indexes.values() {
                for x in expr_refs(&i.definition) {
                    add(me.clone(), x);
                }
                for e in self.extensions_of_opclasses(&i.definition) {
                    add(me.clone(), ObjectRef::Extension(e));
                }
            }
            for p in t.policies.values() {
                for e in p.using.iter().chain(p.with_check.iter()) {
                    for x in expr_refs(e) {
                        add(me.clone(), x);
                    }
                }
            }
            for c in &t.columns {
                let cref = ObjectRef::Column(ColumnRef {
                    table: t.name.clone(),
                    column: c.name.clone(),
                });
                if let Some(ty) = type_ref(&c.type_name) {
                    add(cref.clone(), ty);
                } else if let Some(r) = row_ref(&c.type_name) {
                    add(cref.clone(), r);
                } else if let Some(ext) = self.extension_of_type(&c.type_name) {
                    add(cref.clone(), ObjectRef::Extension(ext));
                }
                if let Some(co) = coll_ref(&c.collation) {
                    add(cref.clone(), co);
                }
                for e in c.default.iter().chain(c.generated.iter()) {
                    for x in expr_refs(e) {
                        add(cref.clone(), x);
                    }
                    if let Some(rest) = e.strip_prefix("nextval('") {
                        if let Some((name, _)) = rest.split_once("'::regclass") {
                            if let Ok(q) = name.replace("''", "'").parse::<QualName>() {
                                if self.db.sequences.contains_key(&q) {
                                    add(cref.clone(), ObjectRef::Sequence(q));
                                }
                            }
                        }
                    }
                }
            }
            for p in &t.inherits {
                add(me.clone(), ObjectRef::Relation(p.clone()));
            }
            if let Some(ty) = &t.of_type {
                add(me.clone(), ObjectRef::Type(ty.clone()));
            }
            if let Some(p) = &t.partition_of {
                add(me.clone(), ObjectRef::Relation(p.parent.clone()));
            }
            for tr in t.triggers.values() {
                add(me.clone(), ObjectRef::Function(tr.function.clone()));
            }
        };
        let tables: Vec<&Table> = self.db.tables.values().collect();
        let (first, second) = tables.split_at(tables.len() / 2);
        let mut deps = std::thread::scope(|scope| {
            let other = (!second.is_empty() && tables.len() >= parallel_from).then(|| {
                scope.spawn(|| {
                    let mut d = BTreeSet::new();
                    for t in second {
                        table_deps(t, &mut d);
                    }
                    d
                })
            });
            let mut d = BTreeSet::new();
            for t in first {
                table_deps(t, &mut d);
            }
            match other {
                Some(h) => match h.join() {
                    Ok(mut more) => d.append(&mut more),
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                None => {
                    for t in second {
                        table_deps(t, &mut d);
                    }
                }
            }
            d
        });
        let mut add = |from: ObjectRef, to: ObjectRef| add_dep(&mut deps, from, to);
        for v in self.db.views.values() {
            let me = ObjectRef::Relation(v.name.clone());
            if let Some(reads) = self.view_reads.get(&v.name) {
                let used = self.view_uses.get(&v.name);
                for r in reads {
                    let uses_columns =
                        used.is_some_and(|(cols, _)| cols.iter().any(|c| &c.table == r));
                    if self.relation_exists(r) && !uses_columns {
                        add(me.clone(), ObjectRef::Relation(r.clone()));
                    }
                }
            }
            if let Some((cols, other)) = self.view_uses.get(&v.name) {
                for c in cols {
                    add(me.clone(), ObjectRef::Column(c.clone()));
                }
                for o in other {
                    add(me.clone(), o.clone());
                }
            }
            for x in expr_refs(&v.definition) {
                add(me.clone(), x);
            }
            for c in &v.columns {
                if let Some(ty) = type_ref(&c.type_name) {
                    add(
                        ObjectRef::Column(ColumnRef {
                            table: v.name.clone(),
                            column: c.name.clone(),
                        }),
                        ty,
                    );
                }
            }
            for tr in v.triggers.values() {
                add(me.clone(), ObjectRef::Function(tr.function.clone()));
            }
            for i in v.indexes.values() {
                for x in expr_refs(&i.definition) {
                    add(me.clone(), x);
                }
            }
        }
        for ty in self.db.types.values() {
            let me = ObjectRef::Type(ty.name.clone());
            match &ty.kind {
                TypeKind::Domain {
                    base,
                    constraints,
                    default,
                    collation,
                    ..
                } => {
                    if let Some(b) = type_ref(base) {
                        add(me.clone(), b);
                    }
                    if let Some(co) = coll_ref(collation) {
                        add(me.clone(), co);
                    }
                    for e in constraints
                        .values()
                        .map(|c| &c.definition)
                        .chain(default.iter())
                    {
                        for x in expr_refs(e) {
                            add(me.clone(), x);
                        }
                    }
                }
                TypeKind::Composite { attributes } => {
                    for a in attributes {
                        if let Some(b) = type_ref(&a.type_name) {
                            add(me.clone(), b);
                        }
                        if let Some(co) = coll_ref(&a.collation) {
                            add(me.clone(), co);
                        }
                    }
                }
                TypeKind::Range { subtype, .. } => {
                    if let Some(b) = type_ref(subtype) {
                        add(me.clone(), b);
                    }
                }
                TypeKind::Enum { .. } => {}
            }
        }
        for f in self.db.functions.values() {
            let me = ObjectRef::Function(f.id.clone());
            if let Some((reads, cols, other)) = self.function_uses.get(&f.id) {
                for r in reads {
                    if self.relation_exists(r) && !cols.iter().any(|c| &c.table == r) {
                        add(me.clone(), ObjectRef::Relation(r.clone()));
                    }
                }
                for c in cols {
                    if self
                        .db
                        .tables
                        .get(&c.table)
                        .is_some_and(|t| t.column(&c.column).is_some())
                        || self.db.views.contains_key(&c.table)
                    {
                        add(me.clone(), ObjectRef::Column(c.clone()));
                    }
                }
                for o in other {
                    let exists = match o {
                        ObjectRef::Function(id) => self.db.functions.contains_key(id),
                        ObjectRef::Type(q) => self.db.types.contains_key(q),
                        ObjectRef::Relation(q) => self.relation_exists(q),
                        _ => true,
                    };
                    if exists {
                        add(me.clone(), o.clone());
                    }
                }
            }
            let sig = format!("{} {}", f.id.args, f.returns.clone().unwrap_or_default());
            for t in &user_types {
                let hit = sig.match_indices(t.as_str()).any(|(i, _)| {
                    let after = sig[i + t.len()..].chars().next();
                    let before = sig[..i].chars().last();
                    !after.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '"')
                        && !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
                });
                if hit {
                    if let Ok(q) = t.parse() {
                        add(me.clone(), ObjectRef::Type(q));
                    }
                }
            }
            // Row types of tables and views in the signature (always schema-qualified there).
            for word in sig.split(|c: char| {
                !(c.is_alphanumeric() || c == '_' || c == '$' || c == '.' || c == '"')
            }) {
                if word.contains('.') {
                    if let Some(r) = row_ref(word) {
                        add(me.clone(), r);
                    }
                }
            }
        }
        self.db.dependencies = deps;
    }
}

/// Add an attribute word to the one-line attribute list of a `pg_get_functiondef` text.
fn insert_misc(def: &str, word: &str) -> String {
    let mut lines: Vec<String> = def.split('\n').map(str::to_string).collect();
    // Line 0: CREATE, then RETURNS (functions), LANGUAGE, then the optional attribute line.
    let lang = lines
        .iter()
        .position(|l| l.starts_with(" LANGUAGE "))
        .unwrap_or(0);
    let next = lang + 1;
    let is_misc = lines
        .get(next)
        .is_some_and(|l| l.starts_with(' ') && !l.starts_with(" SET ") && !l.starts_with("AS "));
    if is_misc {
        lines[next].push_str(word);
    } else {
        lines.insert(next, word.to_string());
    }
    lines.join("\n")
}

/// Names a query refers to, found by walking its whole tree.
#[derive(Default)]
struct QueryRefs {
    /// (schema, name, alias)
    relations: Vec<(String, String, Option<String>)>,
    ctes: BTreeSet<String>,
    /// (fields, ends in *)
    columns: Vec<(Vec<String>, bool)>,
    functions: Vec<Vec<String>>,
    types: Vec<Vec<String>>,
}

impl QueryRefs {
    fn of(query: &N) -> QueryRefs {
        let mut r = QueryRefs::default();
        if let Ok(v) = serde_json::to_value(query) {
            r.walk(&v);
        }
        r
    }

    fn strings(v: &serde_json::Value) -> (Vec<String>, bool) {
        let mut out = Vec::new();
        let mut star = false;
        if let Some(items) = v.as_array() {
            for i in items {
                let n = i.get("node").unwrap_or(i);
                if let Some(s) = n
                    .get("String")
                    .and_then(|s| s.get("sval"))
                    .and_then(|s| s.as_str())
                {
                    out.push(s.to_string());
                } else if n.get("AStar").is_some() {
                    star = true;
                }
            }
        }
        (out, star)
    }

    fn walk(&mut self, v: &serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    match k.as_str() {
                        "RangeVar" => {
                            let s = |f: &str| {
                                x.get(f).and_then(|s| s.as_str()).unwrap_or("").to_string()
                            };
                            let alias = x
                                .get("alias")
                                .and_then(|a| a.get("aliasname"))
                                .and_then(|a| a.as_str())
                                .map(str::to_string);
                            self.relations.push((s("schemaname"), s("relname"), alias));
                        }
                        "CommonTableExpr" => {
                            if let Some(n) = x.get("ctename").and_then(|s| s.as_str()) {
                                self.ctes.insert(n.to_string());
                            }
                        }
                        "ColumnRef" => {
                            let (f, star) =
                                Self::strings(x.get("fields").unwrap_or(&serde_json::Value::Null));
                            self.columns.push((f, star));
                        }
                        "FuncCall" => {
                            self.functions.push(
                                Self::strings(
                                    x.get("funcname").unwrap_or(&serde_json::Value::Null),
                                )
                                .0,
                            );
                        }
                        "TypeName" | "type_name" => {
                            self.types.push(
                                Self::strings(x.get("names").unwrap_or(&serde_json::Value::Null)).0,
                            );
                        }
                        _ => {}
                    }
                    self.walk(x);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| self.walk(x)),
            _ => {}
        }
    }
}

/// Change an owner; an explicit ACL's entries for the old owner move to the new one, as PostgreSQL does.
fn set_owner(c: &mut Common, new: Option<String>, current_role: &str) {
    let old = c.owner.clone().unwrap_or_else(|| current_role.to_string());
    if let (Some(grants), Some(n)) = (&mut c.grants, &new) {
        *grants = std::mem::take(grants)
            .into_iter()
            .map(|g| {
                if g.grantee == old {
                    Grant {
                        grantee: n.clone(),
                        ..g
                    }
                } else {
                    g
                }
            })
            .collect();
    }
    c.owner = new;
}

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

/// Name resolution inside a view query: columns of the relations in FROM, printed with their prefix.
struct ViewEnv<'a> {
    interp: &'a Interp,
    /// (reference name, relation, columns)
    items: Vec<(String, QualName, Vec<Column>)>,
}

impl ViewEnv<'_> {
    fn find(&self, fields: &[String]) -> Option<(&str, &Column)> {
        let name = fields.last()?;
        let qualifier = if fields.len() >= 2 {
            fields.get(fields.len() - 2)
        } else {
            None
        };
        self.items
            .iter()
            .filter(|(r, _, _)| qualifier.is_none_or(|q| q == r))
            .find_map(|(r, _, cols)| {
                cols.iter()
                    .find(|c| &c.name == name)
                    .map(|c| (r.as_str(), c))
            })
    }
}

impl Env for ViewEnv<'_> {
    fn column_type(&self, name: &str) -> Option<String> {
        self.find(&[name.to_string()])
            .map(|(_, c)| c.type_name.clone())
    }
    fn column_type_in(&self, fields: &[String]) -> Option<String> {
        self.find(fields).map(|(_, c)| c.type_name.clone())
    }
    fn column_prefix(&self, fields: &[String]) -> Option<String> {
        self.find(fields).map(|(r, _)| r.to_string())
    }
    fn type_name(&self, tn: &protobuf::TypeName) -> Result<String, String> {
        self.interp.resolve_type(tn).map_err(|e| e.0)
    }
    fn function(
        &self,
        names: &[String],
        arg_types: &[Option<String>],
    ) -> Option<(String, Option<String>)> {
        TableEnv {
            interp: self.interp,
            columns: &[],
            more: &[],
        }
        .function(names, arg_types)
    }
    fn regclass(&self, text: &str) -> String {
        TableEnv {
            interp: self.interp,
            columns: &[],
            more: &[],
        }
        .regclass(text)
    }
}

impl Interp {
    /// `pg_get_viewdef` text for simple queries (one SELECT over tables and views, no joins, subqueries or
    /// CTEs), as PostgreSQL 15 prints it; `None` when the query is beyond this.
    fn view_def(&self, query: &N) -> Option<String> {
        let N::SelectStmt(sel) = query else {
            return None;
        };
        if sel.with_clause.is_some()
            || sel.op() != protobuf::SetOperation::SetopNone
            || !sel.values_lists.is_empty()
            || !sel.window_clause.is_empty()
            || !sel.locking_clause.is_empty()
            || sel.into_clause.is_some()
            || sel.limit_offset.is_some()
        {
            return None;
        }
        let mut rels = Vec::new();
        for f in &sel.from_clause {
            if !self.range_items(f, &mut rels) {
                return None;
            }
        }
        let mut items = Vec::new();
        for (refname, q) in rels {
            let cols = if let Some(t) = self.db.tables.get(&q) {
                t.columns.clone()
            } else {
                self.db
                    .views
                    .get(&q)?
                    .columns
                    .iter()
                    .map(|c| Column {
                        name: c.name.clone(),
                        type_name: c.type_name.clone(),
                        ..Column::default()
                    })
                    .collect()
            };
            items.push((refname, q, cols));
        }
        let env = ViewEnv {
            interp: self,
            items,
        };
        let an = Analyzer { env: &env };
        let ok_expr = |t: &TExpr| !contains_raw(t);
        let mut targets = Vec::new();
        for t in &sel.target_list {
            let Some(N::ResTarget(rt)) = &t.node else {
                return None;
            };
            let val = rt.val.as_deref()?;
            if let Some(N::ColumnRef(cr)) = &val.node {
                if cr
                    .fields
                    .iter()
                    .any(|f| matches!(f.node, Some(N::AStar(_))))
                {
                    let fields = strs(&cr.fields);
                    for (r, _, cols) in &env.items {
                        if fields.first().is_some_and(|q| q != r) {
                            continue;
                        }
                        for c in cols {
                            targets.push(format!("{}.{}", quote_ident(r), quote_ident(&c.name)));
                        }
                    }
                    continue;
                }
            }
            let mut e = an.analyze(val).ok()?;
            if !ok_expr(&e) {
                return None;
            }
            if e.ty().is_none() {
                e = coerce(e, "text");
            }
            let own = match &e {
                TExpr::Col { name, .. } => Some(name.clone()),
                _ => None,
            };
            let name = if !rt.name.is_empty() {
                rt.name.clone()
            } else {
                own.clone()
                    .or_else(|| figure_colname(val))
                    .unwrap_or_else(|| "?column?".into())
            };
            let mut text = expr::print(&e, false);
            if own.as_deref() != Some(name.as_str()) {
                text.push_str(&format!(" AS {}", quote_ident(&name)));
            }
            targets.push(text);
        }
        let mut out = String::from(" SELECT ");
        if !sel.distinct_clause.is_empty() {
            if sel.distinct_clause.iter().any(|d| d.node.is_some()) {
                return None;
            }
            out.push_str("DISTINCT ");
        }
        out.push_str(&targets.join(",\n    "));
        if !sel.from_clause.is_empty() {
            let mut from = Vec::new();
            for f in &sel.from_clause {
                from.push(self.render_from_item(f, &an)?);
            }
            out.push_str(&format!("\n   FROM {}", from.join(", ")));
        }
        if let Some(w) = sel.where_clause.as_deref() {
            let e = coerce(an.analyze(w).ok()?, "boolean");
            if !ok_expr(&e) {
                return None;
            }
            out.push_str(&format!("\n  WHERE {}", expr::print(&e, true)));
        }
        if !sel.group_clause.is_empty() {
            let mut g = Vec::new();
            for n in &sel.group_clause {
                let e = an.analyze(n).ok()?;
                if !matches!(e, TExpr::Col { .. }) {
                    return None;
                }
                g.push(expr::print(&e, true));
            }
            out.push_str(&format!("\n  GROUP BY {}", g.join(", ")));
        }
        if let Some(h) = sel.having_clause.as_deref() {
            let e = coerce(an.analyze(h).ok()?, "boolean");
            if !ok_expr(&e) {
                return None;
            }
            out.push_str(&format!("\n HAVING {}", expr::print(&e, true)));
        }
        if !sel.sort_clause.is_empty() {
            let mut o = Vec::new();
            for n in &sel.sort_clause {
                let Some(N::SortBy(sb)) = &n.node else {
                    return None;
                };
                let e = an.analyze(sb.node.as_deref()?).ok()?;
                if !matches!(e, TExpr::Col { .. }) {
                    return None;
                }
                let mut s = expr::print(&e, true);
                match sb.sortby_dir() {
                    protobuf::SortByDir::SortbyDesc => s.push_str(" DESC"),
                    protobuf::SortByDir::SortbyDefault | protobuf::SortByDir::SortbyAsc => {}
                    _ => return None,
                }
                o.push(s);
            }
            out.push_str(&format!("\n  ORDER BY {}", o.join(", ")));
        }
        if let Some(l) = sel.limit_count.as_deref() {
            let e = an.analyze(l).ok()?;
            out.push_str(&format!("\n LIMIT {}", expr::print(&e, true)));
        }
        out.push(';');
        Some(out)
    }
}

impl Interp {
    /// The relations a FROM item brings in, with their reference names; false when the item is something
    /// else than tables, views and joins of them.
    fn range_items(&self, node: &Node, out: &mut Vec<(String, QualName)>) -> bool {
        match &node.node {
            Some(N::RangeVar(rv)) => match self.find_rel(&rv.schemaname, &rv.relname) {
                Some(Rel::Table(q)) | Some(Rel::View(q)) => {
                    let alias = rv
                        .alias
                        .as_ref()
                        .map(|a| a.aliasname.clone())
                        .unwrap_or_else(|| rv.relname.clone());
                    out.push((alias, q));
                    true
                }
                _ => false,
            },
            Some(N::JoinExpr(j)) => {
                let l = j.larg.as_deref().is_some_and(|n| self.range_items(n, out));
                let r = j.rarg.as_deref().is_some_and(|n| self.range_items(n, out));
                l && r && j.alias.is_none()
            }
            _ => false,
        }
    }

    /// A FROM item as `pg_get_viewdef` prints it (left-deep joins with ON conditions only).
    fn render_from_item<E: Env>(&self, node: &Node, an: &Analyzer<'_, E>) -> Option<String> {
        match &node.node {
            Some(N::RangeVar(rv)) => {
                let q = match self.find_rel(&rv.schemaname, &rv.relname)? {
                    Rel::Table(q) | Rel::View(q) => q,
                    _ => return None,
                };
                Some(match &rv.alias {
                    Some(a) if a.aliasname != q.name => {
                        format!("{q} {}", quote_ident(&a.aliasname))
                    }
                    _ => q.to_string(),
                })
            }
            Some(N::JoinExpr(j)) => {
                if j.is_natural || !j.using_clause.is_empty() || j.alias.is_some() {
                    return None;
                }
                if matches!(
                    j.rarg.as_deref().and_then(|n| n.node.as_ref()),
                    Some(N::JoinExpr(_))
                ) {
                    return None;
                }
                let left = self.render_from_item(j.larg.as_deref()?, an)?;
                let right = self.render_from_item(j.rarg.as_deref()?, an)?;
                let kind = match (j.jointype(), j.quals.is_some()) {
                    (protobuf::JoinType::JoinInner, true) => "JOIN",
                    (protobuf::JoinType::JoinInner, false) => "CROSS JOIN",
                    (protobuf::JoinType::JoinLeft, _) => "LEFT JOIN",
                    (protobuf::JoinType::JoinRight, _) => "RIGHT JOIN",
                    (protobuf::JoinType::JoinFull, _) => "FULL JOIN",
                    _ => return None,
                };
                let on = match j.quals.as_deref() {
                    Some(qn) => {
                        let e = coerce(an.analyze(qn).ok()?, "boolean");
                        if contains_raw(&e) {
                            return None;
                        }
                        format!(" ON ({})", expr::print(&e, false))
                    }
                    None => String::new(),
                };
                Some(format!("({left}\n     {kind} {right}{on})"))
            }
            _ => None,
        }
    }
}

fn contains_raw(t: &TExpr) -> bool {
    let mut found = false;
    visit(t, &mut |e| {
        if matches!(e, TExpr::Raw { .. }) {
            found = true;
        }
    });
    found
}

fn visit(t: &TExpr, f: &mut impl FnMut(&TExpr)) {
    f(t);
    match t {
        TExpr::Op { left, right, .. } => {
            if let Some(l) = left {
                visit(l, f);
            }
            visit(right, f);
        }
        TExpr::Func { args, .. }
        | TExpr::Bool { args, .. }
        | TExpr::Array { elems: args, .. }
        | TExpr::Special { args, .. } => args.iter().for_each(|a| visit(a, f)),
        TExpr::Cast { arg, .. }
        | TExpr::Not(arg)
        | TExpr::NullTest { arg, .. }
        | TExpr::BoolTest { arg, .. } => visit(arg, f),
        TExpr::ScalarArray { left, right, .. } | TExpr::Distinct { left, right, .. } => {
            visit(left, f);
            visit(right, f);
        }
        TExpr::Case {
            arg,
            whens,
            default,
            ..
        } => {
            if let Some(a) = arg {
                visit(a, f);
            }
            for (w, r) in whens {
                visit(w, f);
                visit(r, f);
            }
            if let Some(d) = default {
                visit(d, f);
            }
        }
        TExpr::Const { .. } | TExpr::Col { .. } | TExpr::Keyword { .. } | TExpr::Raw { .. } => {}
    }
}

/// Rewrite `old.` qualifications into `new.` in every text of the model (definitions, defaults, type names),
/// where `old` stands as a whole identifier.
fn rename_schema_in_texts(db: Database, old: &str, new: &str) -> Database {
    let Ok(json) = serde_json::to_string(&db) else {
        return db;
    };
    // In JSON a quoted identifier's quotes are escaped.
    let from = format!("{}.", quote_ident(old)).replace('"', "\\\"");
    let to = format!("{}.", quote_ident(new)).replace('"', "\\\"");
    let mut out = String::with_capacity(json.len());
    let mut rest = json.as_str();
    while let Some(i) = rest.find(&from) {
        let before = rest[..i].chars().last();
        out.push_str(&rest[..i]);
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            out.push_str(&from);
        } else {
            out.push_str(&to);
        }
        rest = &rest[i + from.len()..];
    }
    out.push_str(rest);
    serde_json::from_str(&out).unwrap_or(db)
}

#[cfg(test)]
mod dependency_tests {
    use super::Interp;
    use crate::source::Script;

    /// Tables with foreign keys, typed columns, defaults and checks that refer to other objects, views.
    fn schema(tables: usize) -> String {
        let mut sql = String::from(
            "CREATE TYPE mood AS ENUM ('a', 'b');\n\
             CREATE FUNCTION f(x integer) RETURNS integer LANGUAGE sql AS $$ SELECT x $$;\n\
             CREATE SEQUENCE s;\n",
        );
        for i in 0..tables {
            let parent = if i == 0 { 0 } else { i - 1 };
            sql.push_str(&format!(
                "CREATE TABLE t{i} (id integer PRIMARY KEY DEFAULT nextval('s'), m mood, \
                 p integer REFERENCES t{parent} (id), n integer CHECK (f(n) > 0));\n\
                 CREATE INDEX t{i}_f ON t{i} (f(n));\n"
            ));
        }
        sql.push_str("CREATE VIEW v AS SELECT id, m FROM t0;\n");
        sql
    }

    #[test]
    fn dependencies_on_two_threads_are_the_same_as_on_one() {
        let script = Script {
            path: "deps.sql".into(),
            sql: schema(40),
            first_line: 1,
        };
        let mut one = Interp::new();
        one.run_script(&script).unwrap();
        let mut two = one.clone();
        one.compute_dependencies_from(usize::MAX);
        two.compute_dependencies_from(2);
        assert!(
            one.db.dependencies.len() > 40 * 4,
            "too few dependencies: {}",
            one.db.dependencies.len()
        );
        assert_eq!(one.db.dependencies, two.db.dependencies);
    }
}

#[cfg(test)]
mod split_tests {
    use super::statement_ends;

    /// Where PostgreSQL's scanner (through pg_query) ends statements: after each piece that a `;` follows.
    fn scanner_ends(sql: &str) -> Vec<usize> {
        let pieces = pg_query::split_with_scanner(sql).unwrap_or_default();
        let mut out = Vec::new();
        for p in pieces {
            let end = p.as_ptr() as usize - sql.as_ptr() as usize + p.len();
            if let Some(i) = sql[end..].find(';') {
                if sql[end..end + i].trim().is_empty() {
                    out.push(end + i + 1);
                }
            }
        }
        out
    }

    fn sql_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                sql_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "sql") {
                out.push(p);
            }
        }
    }

    #[test]
    fn statement_ends_agree_with_the_scanner() {
        let tricky = [
            "select 'a;b'; select 1;",
            "select E'it\\'s;'; select 2;",
            "select e'\\\\'; select 3;",
            "select 'x'';'; select \"a;\"\"b\" from t;",
            "create function f() returns int as $$ select 1; $$ language sql; select 4;",
            "create function g() returns int as $body$ select '$$;'; $body$ language sql;",
            "select $1; select a$b$c from t; select 5;",
            "/* a; /* nested; */ still; */ select 6; -- x;\nselect 7;",
            "select 1 --; trailing\n; select U&'d\\0061t;a';",
            "select b'101', x'ff;'; select n'x;y';",
        ];
        for sql in tricky {
            assert_eq!(statement_ends(sql), Some(scanner_ends(sql)), "{sql}");
        }
        assert_eq!(statement_ends("select 'open;"), None);
        assert_eq!(statement_ends("select $$ open;"), None);
        assert_eq!(statement_ends("/* open; "), None);

        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        sql_files(&root.join("fixtures"), &mut files);
        if let Some(corpus) = plumb_testdb::external_corpus("statement_ends (external corpus part)")
        {
            sql_files(&corpus, &mut files);
        }
        assert!(files.len() > 100, "fixtures not found: {}", files.len());
        for f in files {
            let sql = std::fs::read_to_string(&f).unwrap();
            if pg_query::split_with_scanner(&sql).is_err() || sql.contains("ATOMIC") {
                continue;
            }
            if let Some(ends) = statement_ends(&sql) {
                // The scanner has no piece for an empty statement (`;;`).
                let mut prev = 0;
                let ends: Vec<usize> = ends
                    .into_iter()
                    .filter(|&e| {
                        let empty = sql[prev..e - 1].trim().is_empty();
                        prev = e;
                        !empty
                    })
                    .collect();
                assert_eq!(ends, scanner_ends(&sql), "{}", f.display());
            }
        }
    }
}
