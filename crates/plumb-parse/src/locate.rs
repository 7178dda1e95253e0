//! Where declared SQL declares an object: the statement (or the column or constraint inside it) that created
//! it or last changed it, for reports that point into the files (`plumb check --format github`).
//!
//! [`Declarations::of`] reads the scripts of a source in apply order, parses each with `pg_query` and notes,
//! for every object a statement creates, alters, renames or drops, where that happened. It knows nothing of
//! the model and interprets nothing: it only matches a statement's kind and the names it carries, and
//! resolves unqualified names with the `search_path` the statements set (default `public`), as the
//! interpreter does. A script that does not parse is skipped (reading the source reported the error).
//!
//! What a lookup gives ([`Declarations::find`]):
//! * a table, view, materialized view, sequence, type, domain, schema, extension, index, trigger, policy or
//!   function: its `CREATE` statement, or a later statement that changed it (`ALTER TABLE` of the table
//!   itself, `ALTER SEQUENCE`, `ALTER TYPE ... ADD VALUE`, `CREATE OR REPLACE`, a rename that gave it its
//!   name) — in a migrations directory that is the migration that last touched it;
//! * a column or a constraint: its definition inside `CREATE TABLE`, or the `ALTER TABLE ... ADD` that added
//!   it, or the last `ALTER TABLE ... ALTER COLUMN` / `RENAME COLUMN` / `RENAME CONSTRAINT` that changed it;
//!   a constraint or index without a name is found under the name PostgreSQL gives it (`t_pkey`,
//!   `t_a_key`, `t_a_fkey`, `t_a_check`, `t_a_idx`; collision suffixes are not guessed); one that is not
//!   found points at its table;
//! * an object the scripts dropped: the `DROP` (or `ALTER TABLE ... DROP`) that dropped it last
//!   ([`Found::Dropped`]);
//! * anything else: [`Found::Nowhere`].
//!
//! Objects are named as plumb's reports name them ([`Class`] says which form): `schema`, `schema.name`,
//! `schema.table.column`, `name on schema.table`, `schema.function(argument types)`, identifiers quoted
//! where SQL needs it. Overloaded functions are told apart by their number of arguments only.

use std::collections::BTreeMap;

use pg_query::protobuf::{self, node::Node as N, ConstrType, Node, ObjectType};
use plumb_model::split_qualified;

use crate::expr::{figure_colname, node_strings as strings};
use crate::names::{index_column_names, make_object_name, name_addition};
use crate::source::LineIndex;
use crate::split::skip_blank_and_comments;
use crate::{Location, Script};

/// What kind of name an object has, as far as finding its declaration goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// `name`
    Schema,
    /// `name`
    Extension,
    /// A table, view, materialized view or sequence: `schema.name`.
    Relation,
    /// A type or domain: `schema.name`.
    Type,
    /// `schema.name`
    Index,
    /// `schema.table.column`
    Column,
    /// `name on schema.table`
    Constraint,
    /// `name on schema.table`
    Trigger,
    /// `name on schema.table`
    Policy,
    /// A function, procedure or aggregate: `schema.name(argument types)`.
    Function,
}

/// Where an object is declared, as far as the scripts say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found<'a> {
    /// The statement (or the column or constraint definition in it) that declares the object or last
    /// changed it.
    Declared(&'a Location),
    /// The object's own declaration was not found, but its table's was (a constraint with a name chosen on
    /// collision, a column of a table created `AS SELECT` or `LIKE` another).
    Parent(&'a Location),
    /// The scripts dropped the object, here (last).
    Dropped(&'a Location),
    Nowhere,
}

impl<'a> Found<'a> {
    pub fn location(&self) -> Option<&'a Location> {
        match self {
            Found::Declared(l) | Found::Parent(l) | Found::Dropped(l) => Some(l),
            Found::Nowhere => None,
        }
    }
}

/// A name as a lookup key: the class and the unquoted parts (for a function, schema, name and argument
/// count).
type Key = (Class, Vec<String>);

/// Where each object of a source is declared (see the module documentation).
#[derive(Debug, Default)]
pub struct Declarations {
    at: BTreeMap<Key, Location>,
    dropped: BTreeMap<Key, Location>,
}

impl Declarations {
    /// Read the scripts of a source, in apply order.
    pub fn of(scripts: &[Script]) -> Declarations {
        let mut reader = Reader {
            decl: Declarations::default(),
            search_path: vec!["public".into()],
            schemas: vec!["public".into()],
        };
        for script in scripts {
            reader.script(script);
        }
        reader.decl
    }

    /// Where the object of this class and name (as plumb's reports write it) is declared.
    pub fn find(&self, class: Class, object: &str) -> Found<'_> {
        let Some(key) = key_of(class, object) else {
            return Found::Nowhere;
        };
        if let Some(l) = self.at.get(&key) {
            return Found::Declared(l);
        }
        if class == Class::Function {
            // Another argument count (the identity arguments were not counted as the server counts them):
            // the one overload of that name, when there is one.
            let prefix = &key.1[..2];
            let mut same_name = self
                .at
                .iter()
                .filter(|((c, k), _)| *c == Class::Function && k.starts_with(prefix));
            if let (Some((_, l)), None) = (same_name.next(), same_name.next()) {
                return Found::Declared(l);
            }
        }
        if let Some(l) = self.dropped.get(&key) {
            return Found::Dropped(l);
        }
        if matches!(
            class,
            Class::Column | Class::Constraint | Class::Trigger | Class::Policy
        ) {
            let table = (Class::Relation, key.1[..2].to_vec());
            if let Some(l) = self.at.get(&table) {
                return Found::Parent(l);
            }
        }
        Found::Nowhere
    }

    fn declare(&mut self, key: Key, at: Location) {
        self.dropped.remove(&key);
        self.at.insert(key, at);
    }

    fn drop(&mut self, key: Key, at: Location) {
        if key.0 == Class::Relation {
            // The table's columns, constraints, triggers and policies go with it.
            let owned: Vec<Key> = self
                .at
                .keys()
                .filter(|(c, k)| {
                    matches!(
                        c,
                        Class::Column | Class::Constraint | Class::Trigger | Class::Policy
                    ) && k[..2] == key.1[..]
                })
                .cloned()
                .collect();
            for k in owned {
                self.at.remove(&k);
            }
        }
        self.at.remove(&key);
        self.dropped.insert(key, at);
    }

    /// A relation renamed: it and what belongs to it move to the new name, declared here.
    fn rename_relation(&mut self, schema: &str, from: &str, to: &str, at: Location) {
        let old = vec![schema.to_string(), from.to_string()];
        let moved: Vec<Key> = self
            .at
            .keys()
            .filter(|(c, k)| {
                matches!(
                    c,
                    Class::Column | Class::Constraint | Class::Trigger | Class::Policy
                ) && k[..2] == old[..]
            })
            .cloned()
            .collect();
        for (c, k) in moved {
            if let Some(l) = self.at.remove(&(c, k.clone())) {
                let mut nk = k;
                nk[1] = to.to_string();
                self.at.insert((c, nk), l);
            }
        }
        self.at.remove(&(Class::Relation, old));
        self.declare(
            (Class::Relation, vec![schema.to_string(), to.to_string()]),
            at,
        );
    }

    fn rename(&mut self, class: Class, old: Vec<String>, new: Vec<String>, at: Location) {
        self.at.remove(&(class, old));
        self.declare((class, new), at);
    }
}

struct Reader {
    decl: Declarations,
    search_path: Vec<String>,
    /// Schemas that exist (for the creation schema: the first of the search path that exists).
    schemas: Vec<String>,
}

/// Where, in a statement, one thing was said: a byte offset in the script.
struct Here<'s, 'i> {
    idx: &'i LineIndex<'s>,
    /// The statement's first character.
    start: usize,
}

impl Here<'_, '_> {
    fn stmt(&self) -> Location {
        self.idx.location(self.start).0
    }
    /// A node's location (`-1` when the parser gave none: the statement's).
    fn at(&self, loc: i32) -> Location {
        if loc >= 0 {
            self.idx.location(loc as usize).0
        } else {
            self.stmt()
        }
    }
}

impl Reader {
    fn script(&mut self, script: &Script) {
        let Ok(parsed) = pg_query::parse(&script.sql, 0) else {
            return;
        };
        let idx = LineIndex::new(script);
        for raw in &parsed.protobuf.stmts {
            let Some(node) = raw.stmt.as_deref().and_then(|n| n.node.as_ref()) else {
                continue;
            };
            let from = (raw.stmt_location.max(0) as usize).min(script.sql.len());
            let start = from + skip_blank_and_comments(&script.sql[from..]);
            let here = Here { idx: &idx, start };
            self.statement(node, &here);
        }
    }

    fn creation_schema(&self) -> String {
        self.search_path
            .iter()
            .find(|s| self.schemas.contains(s))
            .cloned()
            .unwrap_or_else(|| "public".into())
    }

    /// Schema and name of a relation a statement names.
    fn rel(&self, rv: &protobuf::RangeVar) -> Vec<String> {
        let schema = if rv.schemaname.is_empty() {
            self.creation_schema()
        } else {
            rv.schemaname.clone()
        };
        vec![schema, rv.relname.clone()]
    }

    /// Schema and name from a list of name nodes (`[schema,] name`).
    fn qualified(&self, names: &[Node]) -> Option<Vec<String>> {
        let parts = strings(names);
        match parts.as_slice() {
            [name] => Some(vec![self.creation_schema(), name.clone()]),
            [.., schema, name] => Some(vec![schema.clone(), name.clone()]),
            [] => None,
        }
    }

    fn statement(&mut self, node: &N, here: &Here<'_, '_>) {
        match node {
            N::VariableSetStmt(s) if s.name == "search_path" => {
                use protobuf::VariableSetKind as K;
                match s.kind() {
                    K::VarSetValue => {
                        self.search_path = s
                            .args
                            .iter()
                            .filter_map(string_of)
                            .flat_map(|v| {
                                v.split(',')
                                    .map(|p| p.trim().trim_matches('"').to_string())
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
            N::SelectStmt(s) => {
                // pg_dump: SELECT pg_catalog.set_config('search_path', '', false);
                for t in &s.target_list {
                    let Some(N::ResTarget(rt)) = &t.node else {
                        continue;
                    };
                    let Some(N::FuncCall(f)) = rt.val.as_deref().and_then(|v| v.node.as_ref())
                    else {
                        continue;
                    };
                    let args: Vec<Option<String>> = f.args.iter().map(string_of).collect();
                    if strings(&f.funcname)
                        .last()
                        .is_some_and(|n| n == "set_config")
                        && args.first().and_then(|a| a.as_deref()) == Some("search_path")
                    {
                        if let Some(Some(v)) = args.get(1) {
                            self.search_path = v
                                .split(',')
                                .map(|p| p.trim().trim_matches('"').to_string())
                                .filter(|p| !p.is_empty() && p != "$user")
                                .collect();
                        }
                    }
                }
            }
            N::CreateSchemaStmt(s) => {
                let name = if s.schemaname.is_empty() {
                    s.authrole
                        .as_ref()
                        .map(|r| r.rolename.clone())
                        .unwrap_or_default()
                } else {
                    s.schemaname.clone()
                };
                if !self.schemas.contains(&name) {
                    self.schemas.push(name.clone());
                }
                self.decl
                    .declare((Class::Schema, vec![name.clone()]), here.stmt());
                // CREATE SCHEMA s CREATE TABLE t ...: the elements are created in s.
                let saved = std::mem::replace(&mut self.search_path, vec![name]);
                for e in &s.schema_elts {
                    if let Some(n) = &e.node {
                        self.statement(n, here);
                    }
                }
                self.search_path = saved;
            }
            N::CreateExtensionStmt(s) => {
                self.decl
                    .declare((Class::Extension, vec![s.extname.clone()]), here.stmt());
            }
            N::CreateStmt(s) => {
                let Some(rv) = &s.relation else { return };
                let table = self.rel(rv);
                self.decl
                    .declare((Class::Relation, table.clone()), here.stmt());
                for e in &s.table_elts {
                    match &e.node {
                        Some(N::ColumnDef(c)) => self.column(&table, c, here),
                        Some(N::Constraint(c)) => self.constraint(&table, c, None, here),
                        _ => {}
                    }
                }
            }
            N::CreateTableAsStmt(s) => {
                if let Some(rv) = s.into.as_ref().and_then(|i| i.rel.as_ref()) {
                    let name = self.rel(rv);
                    self.decl.declare((Class::Relation, name), here.stmt());
                }
            }
            N::ViewStmt(s) => {
                if let Some(rv) = &s.view {
                    let name = self.rel(rv);
                    self.decl.declare((Class::Relation, name), here.stmt());
                }
            }
            N::CreateSeqStmt(s) => {
                if let Some(rv) = &s.sequence {
                    let name = self.rel(rv);
                    self.decl.declare((Class::Relation, name), here.stmt());
                }
            }
            N::AlterSeqStmt(s) => {
                if let Some(rv) = &s.sequence {
                    let name = self.rel(rv);
                    self.decl.declare((Class::Relation, name), here.stmt());
                }
            }
            N::CreateEnumStmt(s) => self.declare_type(&s.type_name, here),
            N::CreateRangeStmt(s) => self.declare_type(&s.type_name, here),
            N::CreateDomainStmt(s) => self.declare_type(&s.domainname, here),
            N::AlterEnumStmt(s) => self.declare_type(&s.type_name, here),
            N::CompositeTypeStmt(s) => {
                if let Some(rv) = &s.typevar {
                    let name = self.rel(rv);
                    self.decl.declare((Class::Type, name), here.stmt());
                }
            }
            N::IndexStmt(s) => {
                let Some(rv) = &s.relation else { return };
                let table = self.rel(rv);
                let name = if s.idxname.is_empty() {
                    let cols: Vec<String> = s
                        .index_params
                        .iter()
                        .chain(&s.index_including_params)
                        .map(|p| match &p.node {
                            Some(N::IndexElem(e)) if !e.name.is_empty() => e.name.clone(),
                            Some(N::IndexElem(e)) => e
                                .expr
                                .as_deref()
                                .and_then(figure_colname)
                                .unwrap_or_else(|| "expr".into()),
                            _ => "expr".into(),
                        })
                        .collect();
                    let label = if s.primary {
                        "pkey"
                    } else if s.isconstraint {
                        "key"
                    } else {
                        "idx"
                    };
                    let addition = name_addition(&index_column_names(&cols));
                    make_object_name(&table[1], Some(&addition), Some(label))
                } else {
                    s.idxname.clone()
                };
                self.decl
                    .declare((Class::Index, vec![table[0].clone(), name]), here.stmt());
            }
            N::CreateTrigStmt(s) => {
                if let Some(rv) = &s.relation {
                    let mut k = self.rel(rv);
                    k.push(s.trigname.clone());
                    self.decl.declare((Class::Trigger, k), here.stmt());
                }
            }
            N::CreatePolicyStmt(s) => {
                if let Some(rv) = &s.table {
                    let mut k = self.rel(rv);
                    k.push(s.policy_name.clone());
                    self.decl.declare((Class::Policy, k), here.stmt());
                }
            }
            N::CreateFunctionStmt(s) => {
                let Some(mut k) = self.qualified(&s.funcname) else {
                    return;
                };
                use protobuf::FunctionParameterMode as M;
                let argc = s
                    .parameters
                    .iter()
                    .filter(|p| match &p.node {
                        Some(N::FunctionParameter(p)) => matches!(
                            p.mode(),
                            M::FuncParamIn
                                | M::FuncParamInout
                                | M::FuncParamVariadic
                                | M::FuncParamDefault
                                | M::Undefined
                        ),
                        _ => false,
                    })
                    .count();
                k.push(argc.to_string());
                self.decl.declare((Class::Function, k), here.stmt());
            }
            N::DefineStmt(s) if s.kind() == ObjectType::ObjectAggregate => {
                if let Some(mut k) = self.qualified(&s.defnames) {
                    let argc = match s.args.first().and_then(|a| a.node.as_ref()) {
                        Some(N::List(l)) => l.items.len(),
                        _ => s.args.len(),
                    };
                    k.push(argc.to_string());
                    self.decl.declare((Class::Function, k), here.stmt());
                }
            }
            N::AlterTableStmt(s) => self.alter_table(s, here),
            N::RenameStmt(s) => self.rename(s, here),
            N::DropStmt(s) => self.drop(s, here),
            _ => {}
        }
    }

    fn declare_type(&mut self, names: &[Node], here: &Here<'_, '_>) {
        if let Some(k) = self.qualified(names) {
            self.decl.declare((Class::Type, k), here.stmt());
        }
    }

    fn column(&mut self, table: &[String], c: &protobuf::ColumnDef, here: &Here<'_, '_>) {
        let mut k = table.to_vec();
        k.push(c.colname.clone());
        self.decl.declare((Class::Column, k), here.at(c.location));
        for con in &c.constraints {
            if let Some(N::Constraint(con)) = &con.node {
                self.constraint(table, con, Some(&c.colname), here);
            }
        }
    }

    /// A table or column constraint (`column` for one written on a column), under its name or the name
    /// PostgreSQL would choose for it.
    fn constraint(
        &mut self,
        table: &[String],
        c: &protobuf::Constraint,
        column: Option<&str>,
        here: &Here<'_, '_>,
    ) {
        let cols = |nodes: &[Node]| -> Vec<String> {
            if nodes.is_empty() {
                column.map(|c| vec![c.to_string()]).unwrap_or_default()
            } else {
                strings(nodes)
            }
        };
        let name = if !c.conname.is_empty() {
            c.conname.clone()
        } else {
            let t = &table[1];
            let with = |names: Vec<String>, label: &str| {
                let addition = name_addition(&names);
                make_object_name(
                    t,
                    (!addition.is_empty()).then_some(addition.as_str()),
                    Some(label),
                )
            };
            match c.contype() {
                ConstrType::ConstrPrimary => make_object_name(t, None, Some("pkey")),
                ConstrType::ConstrUnique => with(cols(&c.keys), "key"),
                ConstrType::ConstrForeign => with(cols(&c.fk_attrs), "fkey"),
                ConstrType::ConstrCheck if column.is_some() => with(cols(&[]), "check"),
                ConstrType::ConstrExclusion => {
                    let names = c
                        .exclusions
                        .iter()
                        .filter_map(|e| match &e.node {
                            Some(N::List(l)) => match l.items.first().and_then(|i| i.node.as_ref())
                            {
                                Some(N::IndexElem(ie)) if !ie.name.is_empty() => {
                                    Some(ie.name.clone())
                                }
                                _ => Some("expr".into()),
                            },
                            _ => None,
                        })
                        .collect();
                    with(names, "excl")
                }
                _ => return,
            }
        };
        let mut k = table.to_vec();
        k.push(name);
        self.decl
            .declare((Class::Constraint, k), here.at(c.location));
    }

    fn alter_table(&mut self, s: &protobuf::AlterTableStmt, here: &Here<'_, '_>) {
        use protobuf::AlterTableType as A;
        let Some(rv) = &s.relation else { return };
        let table = self.rel(rv);
        let is_index = s.objtype() == ObjectType::ObjectIndex;
        for cmd in &s.cmds {
            let Some(N::AlterTableCmd(cmd)) = &cmd.node else {
                continue;
            };
            let col = |name: &str| {
                let mut k = table.clone();
                k.push(name.to_string());
                (Class::Column, k)
            };
            match cmd.subtype() {
                A::AtAddColumn | A::AtAddColumnToView => {
                    if let Some(N::ColumnDef(c)) = cmd.def.as_deref().and_then(|d| d.node.as_ref())
                    {
                        self.column(&table, c, here);
                    }
                }
                A::AtAddConstraint => {
                    if let Some(N::Constraint(c)) = cmd.def.as_deref().and_then(|d| d.node.as_ref())
                    {
                        self.constraint(&table, c, None, here);
                    }
                }
                A::AtColumnDefault
                | A::AtDropNotNull
                | A::AtSetNotNull
                | A::AtSetExpression
                | A::AtDropExpression
                | A::AtSetStatistics
                | A::AtSetStorage
                | A::AtSetCompression
                | A::AtAlterColumnType
                | A::AtAddIdentity
                | A::AtSetIdentity
                | A::AtDropIdentity => {
                    if !cmd.name.is_empty() {
                        self.decl.declare(col(&cmd.name), here.stmt());
                    }
                }
                A::AtDropColumn => self.decl.drop(col(&cmd.name), here.stmt()),
                A::AtDropConstraint => {
                    let mut k = table.clone();
                    k.push(cmd.name.clone());
                    self.decl.drop((Class::Constraint, k), here.stmt());
                }
                A::AtAlterConstraint | A::AtValidateConstraint => {}
                _ if is_index => {
                    self.decl
                        .declare((Class::Index, table.clone()), here.stmt());
                }
                // The table itself: owner, RLS, storage parameters, persistence, partitions, ...
                _ => self
                    .decl
                    .declare((Class::Relation, table.clone()), here.stmt()),
            }
        }
    }

    fn rename(&mut self, s: &protobuf::RenameStmt, here: &Here<'_, '_>) {
        let at = here.stmt();
        let rel = s.relation.as_ref().map(|rv| self.rel(rv));
        match (s.rename_type(), rel) {
            (
                ObjectType::ObjectTable
                | ObjectType::ObjectView
                | ObjectType::ObjectMatview
                | ObjectType::ObjectSequence
                | ObjectType::ObjectForeignTable,
                Some(t),
            ) => self.decl.rename_relation(&t[0], &t[1], &s.newname, at),
            (ObjectType::ObjectIndex, Some(t)) => self.decl.rename(
                Class::Index,
                t.clone(),
                vec![t[0].clone(), s.newname.clone()],
                at,
            ),
            (ObjectType::ObjectColumn, Some(t)) => {
                let (mut old, mut new) = (t.clone(), t);
                old.push(s.subname.clone());
                new.push(s.newname.clone());
                self.decl.rename(Class::Column, old, new, at);
            }
            (ObjectType::ObjectTabconstraint, Some(t)) => {
                let (mut old, mut new) = (t.clone(), t);
                old.push(s.subname.clone());
                new.push(s.newname.clone());
                self.decl.rename(Class::Constraint, old, new, at);
            }
            (ObjectType::ObjectSchema, _) => self.decl.rename(
                Class::Schema,
                vec![s.subname.clone()],
                vec![s.newname.clone()],
                at,
            ),
            _ => {}
        }
    }

    fn drop(&mut self, s: &protobuf::DropStmt, here: &Here<'_, '_>) {
        let class = match s.remove_type() {
            ObjectType::ObjectTable
            | ObjectType::ObjectView
            | ObjectType::ObjectMatview
            | ObjectType::ObjectSequence
            | ObjectType::ObjectForeignTable => Class::Relation,
            ObjectType::ObjectIndex => Class::Index,
            ObjectType::ObjectType | ObjectType::ObjectDomain => Class::Type,
            ObjectType::ObjectSchema => Class::Schema,
            ObjectType::ObjectExtension => Class::Extension,
            ObjectType::ObjectTrigger => Class::Trigger,
            ObjectType::ObjectPolicy => Class::Policy,
            ObjectType::ObjectFunction
            | ObjectType::ObjectProcedure
            | ObjectType::ObjectRoutine
            | ObjectType::ObjectAggregate => Class::Function,
            _ => return,
        };
        for o in &s.objects {
            let key = match (&o.node, class) {
                (Some(N::List(l)), Class::Trigger | Class::Policy) => {
                    // [schema,] table, name
                    let parts = strings(&l.items);
                    let Some((name, table)) = parts.split_last() else {
                        continue;
                    };
                    let Some(mut k) = self.qualified_strings(table) else {
                        continue;
                    };
                    k.push(name.clone());
                    k
                }
                (Some(N::List(l)), _) => {
                    let Some(k) = self.qualified(&l.items) else {
                        continue;
                    };
                    k
                }
                (Some(N::String(s)), _) => vec![s.sval.clone()],
                (Some(N::TypeName(t)), _) => {
                    let Some(k) = self.qualified(&t.names) else {
                        continue;
                    };
                    k
                }
                (Some(N::ObjectWithArgs(f)), _) => {
                    let Some(mut k) = self.qualified(&f.objname) else {
                        continue;
                    };
                    k.push(f.objargs.len().to_string());
                    k
                }
                _ => continue,
            };
            self.decl.drop((class, key), here.stmt());
        }
    }

    fn qualified_strings(&self, parts: &[String]) -> Option<Vec<String>> {
        match parts {
            [name] => Some(vec![self.creation_schema(), name.clone()]),
            [.., schema, name] => Some(vec![schema.clone(), name.clone()]),
            [] => None,
        }
    }
}

fn string_of(n: &Node) -> Option<String> {
    match &n.node {
        Some(N::String(s)) => Some(s.sval.clone()),
        Some(N::AConst(c)) => match &c.val {
            Some(protobuf::a_const::Val::Sval(s)) => Some(s.sval.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The lookup key of an object named as plumb's reports name it.
fn key_of(class: Class, object: &str) -> Option<Key> {
    let parts = match class {
        Class::Schema | Class::Extension => {
            let p = split_qualified(object).ok()?;
            (p.len() == 1).then_some(p)?
        }
        Class::Relation | Class::Type | Class::Index => {
            let p = split_qualified(object).ok()?;
            (p.len() == 2).then_some(p)?
        }
        Class::Column => {
            let p = split_qualified(object).ok()?;
            (p.len() == 3).then_some(p)?
        }
        Class::Constraint | Class::Trigger | Class::Policy => {
            let (name, rest) = first_ident(object)?;
            let table = split_qualified(rest.strip_prefix(" on ")?).ok()?;
            if table.len() != 2 {
                return None;
            }
            let mut p = table;
            p.push(name);
            p
        }
        Class::Function => {
            let open = name_end(object)?;
            let mut p = split_qualified(&object[..open]).ok()?;
            if p.len() != 2 {
                return None;
            }
            let args = object[open..].strip_prefix('(')?.strip_suffix(')')?;
            p.push(count_args(args).to_string());
            p
        }
    };
    Some((class, parts))
}

/// The first identifier of `text` (quoted or not), unquoted, and the text after it.
fn first_ident(text: &str) -> Option<(String, &str)> {
    if let Some(rest) = text.strip_prefix('"') {
        let mut name = String::new();
        let mut chars = rest.char_indices();
        while let Some((i, c)) = chars.next() {
            if c == '"' {
                if rest[i + 1..].starts_with('"') {
                    name.push('"');
                    chars.next();
                } else {
                    return Some((name, &rest[i + 1..]));
                }
            } else {
                name.push(c);
            }
        }
        None
    } else {
        let end = text.find(' ').unwrap_or(text.len());
        Some((text[..end].to_string(), &text[end..]))
    }
}

/// Byte offset of the `(` that ends a function's qualified name (outside quotes).
fn name_end(text: &str) -> Option<usize> {
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '(' if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

/// How many arguments a list of argument types holds (commas outside parentheses and quotes).
fn count_args(args: &str) -> usize {
    if args.trim().is_empty() {
        return 0;
    }
    let (mut depth, mut quoted, mut n) = (0i32, false, 1);
    for c in args.chars() {
        match c {
            '"' => quoted = !quoted,
            '(' | '[' if !quoted => depth += 1,
            ')' | ']' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => n += 1,
            _ => {}
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn decl(files: &[(&str, &str)]) -> Declarations {
        let scripts: Vec<Script> = files
            .iter()
            .map(|(path, sql)| Script {
                path: PathBuf::from(path),
                sql: sql.to_string(),
                first_line: 1,
            })
            .collect();
        Declarations::of(&scripts)
    }

    fn at(d: &Declarations, class: Class, object: &str) -> String {
        match d.find(class, object) {
            Found::Declared(l) => format!("declared {l}"),
            Found::Parent(l) => format!("parent {l}"),
            Found::Dropped(l) => format!("dropped {l}"),
            Found::Nowhere => "nowhere".into(),
        }
    }

    #[test]
    fn names_read_back() {
        assert_eq!(
            key_of(Class::Constraint, "\"a on b\" on public.\"T\""),
            Some((
                Class::Constraint,
                vec!["public".into(), "T".into(), "a on b".into()]
            ))
        );
        assert_eq!(
            key_of(Class::Function, "s.\"f(x\"(integer, numeric(10,2), text[])"),
            Some((Class::Function, vec!["s".into(), "f(x".into(), "3".into()]))
        );
        assert_eq!(
            key_of(Class::Function, "public.now()"),
            Some((
                Class::Function,
                vec!["public".into(), "now".into(), "0".into()]
            ))
        );
        assert_eq!(key_of(Class::Column, "public.t"), None);
        assert_eq!(key_of(Class::Trigger, "t on"), None);
    }

    #[test]
    fn tables_columns_constraints_and_implicit_names() {
        let d = decl(&[(
            "schema.sql",
            "-- header\nSET search_path = app, public;\nCREATE SCHEMA app;\n\nCREATE TABLE t (\n  id int PRIMARY KEY,\n  \"Name\" text UNIQUE,\n  CONSTRAINT pos CHECK (id > 0)\n);\nCREATE INDEX ON t (\"Name\", lower(\"Name\"));\nALTER TABLE t ADD COLUMN c int REFERENCES t;\n",
        )]);
        assert_eq!(at(&d, Class::Schema, "app"), "declared schema.sql:3:1");
        assert_eq!(at(&d, Class::Relation, "app.t"), "declared schema.sql:5:1");
        assert_eq!(at(&d, Class::Column, "app.t.id"), "declared schema.sql:6:3");
        assert_eq!(
            at(&d, Class::Column, "app.t.\"Name\""),
            "declared schema.sql:7:3"
        );
        assert_eq!(
            at(&d, Class::Constraint, "t_pkey on app.t"),
            "declared schema.sql:6:10"
        );
        assert_eq!(
            at(&d, Class::Constraint, "\"t_Name_key\" on app.t"),
            "declared schema.sql:7:15"
        );
        assert_eq!(
            at(&d, Class::Constraint, "pos on app.t"),
            "declared schema.sql:8:3"
        );
        assert_eq!(
            at(&d, Class::Index, "app.\"t_Name_lower_idx\""),
            "declared schema.sql:10:1"
        );
        assert_eq!(
            at(&d, Class::Column, "app.t.c"),
            "declared schema.sql:11:26"
        );
        assert_eq!(
            at(&d, Class::Constraint, "t_c_fkey on app.t"),
            "declared schema.sql:11:32"
        );
        // A constraint under a name chosen on collision: its table.
        assert_eq!(
            at(&d, Class::Constraint, "t_pkey1 on app.t"),
            "parent schema.sql:5:1"
        );
        assert_eq!(at(&d, Class::Relation, "public.t"), "nowhere");
    }

    #[test]
    fn migrations_point_at_the_last_that_touched() {
        let d = decl(&[
            (
                "m/1_init.sql",
                "CREATE TABLE a (x int, y int);\nCREATE FUNCTION f(a int, b int, OUT c int) AS 'select 1' LANGUAGE sql;\nCREATE FUNCTION f(a int) RETURNS int AS 'select 1' LANGUAGE sql;\nCREATE VIEW v AS SELECT 1;\n",
            ),
            (
                "m/2_more.sql",
                "ALTER TABLE a ALTER COLUMN x TYPE bigint;\nALTER TABLE a RENAME TO b;\nALTER TABLE b DROP COLUMN y;\nDROP VIEW v;\nCREATE OR REPLACE FUNCTION f(a int) RETURNS int AS 'select 2' LANGUAGE sql;\n",
            ),
        ]);
        assert_eq!(
            at(&d, Class::Relation, "public.b"),
            "declared m/2_more.sql:2:1"
        );
        assert_eq!(at(&d, Class::Relation, "public.a"), "nowhere");
        assert_eq!(
            at(&d, Class::Column, "public.b.x"),
            "declared m/2_more.sql:1:1"
        );
        assert_eq!(
            at(&d, Class::Column, "public.b.y"),
            "dropped m/2_more.sql:3:1"
        );
        assert_eq!(
            at(&d, Class::Relation, "public.v"),
            "dropped m/2_more.sql:4:1"
        );
        assert_eq!(
            at(&d, Class::Function, "public.f(integer, integer)"),
            "declared m/1_init.sql:2:1"
        );
        assert_eq!(
            at(&d, Class::Function, "public.f(integer)"),
            "declared m/2_more.sql:5:1"
        );
    }

    #[test]
    fn a_script_that_does_not_parse_is_skipped() {
        let d = decl(&[
            ("bad.sql", "CREATE TABLE (;\n"),
            ("ok.sql", "CREATE TABLE t ();"),
        ]);
        assert_eq!(at(&d, Class::Relation, "public.t"), "declared ok.sql:1:1");
    }
}
