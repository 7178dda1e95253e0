//! Walks both models side by side and produces the [`Change`]s and the unordered operations of a plan.
//!
//! This module holds the walk's state ([`Differ`]), its order (`Differ::run`) and the helpers every family
//! uses (`change`, `op`, `same_sql`); each object family has its own module (see each module's header).

use std::collections::{BTreeMap, BTreeSet};

use plumb_model::{
    quote_ident, quote_literal, AclKind, Column, Common, Constraint, ConstraintKind, Database,
    DefaultPrivileges, Function, FunctionKind, Grant, Index as PgIndex, NotNullConstraint,
    Persistence, Policy, QualName, ReplicaIdentity, Sequence, SequenceOptions, Table, Trigger,
    TriggerEnabled, Type, TypeKind, View, ViewKind,
};

use crate::keys::{Index, Key};
use crate::same::Sql;
use crate::{Action, Attribute, Change, Hazard, HazardKind, ObjectKind, Options};

mod alter_table;
mod columns;
mod constraints;
mod event_triggers;
mod functions;
mod privileges;
mod rebuild;
mod schemas;
mod sequences;
mod tables;
mod triggers;
mod types;
mod views;

#[allow(unused_imports)]
use self::{
    alter_table::*, columns::*, constraints::*, functions::*, privileges::*, rebuild::*,
    schemas::*, sequences::*, tables::*, triggers::*, types::*, views::*,
};

/// Priority classes: the default order of creates (drops run in the reverse order) when the graph does not
/// decide.
pub(crate) mod class {
    pub const SESSION: u8 = 0;
    pub const SCHEMA: u8 = 1;
    pub const EXTENSION: u8 = 2;
    pub const COLLATION: u8 = 3;
    pub const TYPE: u8 = 4;
    pub const SEQUENCE: u8 = 5;
    pub const FUNCTION: u8 = 6;
    pub const TABLE: u8 = 7;
    pub const COLUMN: u8 = 8;
    pub const CONSTRAINT: u8 = 9;
    pub const INDEX: u8 = 10;
    pub const FOREIGN_KEY: u8 = 11;
    pub const SEQ_OWNER: u8 = 12;
    pub const VIEW: u8 = 13;
    pub const MATVIEW: u8 = 14;
    pub const TRIGGER: u8 = 15;
    pub const POLICY: u8 = 16;
    pub const MISC: u8 = 17;
}

/// Where an operation on a table's sub-object runs relative to the table's column changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Stage {
    BeforeColumns,
    Columns,
    AfterColumns,
}

/// One unordered unit of work.
#[derive(Debug, Clone)]
pub(crate) struct Op {
    pub key: Key,
    /// More keys this operation changes (an enum rebuild converts columns).
    pub also: Vec<Key>,
    /// Role in the dependency graph.
    pub role: Action,
    /// What the step says it does.
    pub action: Action,
    pub kind: ObjectKind,
    pub object: String,
    pub sql: Vec<String>,
    pub hazards: Vec<Hazard>,
    pub transactional: bool,
    pub class: u8,
    /// For operations on a table: before, with or after its column changes.
    pub stage: Option<Stage>,
}

pub(crate) struct Output {
    pub changes: Vec<Change>,
    pub ops: Vec<Op>,
    pub errors: Vec<(String, String)>,
    /// Objects whose SQL text could not be compared offline (kind, object, reason): treated as in sync.
    pub uncertain: Vec<crate::Uncertain>,
}

pub(crate) struct Differ<'a> {
    from: &'a Database,
    to: &'a Database,
    opts: &'a Options,
    fi: Index<'a>,
    out: Output,
    /// Keys that go away (dropped, or changed so that dependants must be dropped first).
    seeds: BTreeSet<Key>,
    /// Tables dropped, explicitly or with their parent.
    dropped_tables: BTreeSet<QualName>,
    /// Views and functions dropped and created again.
    rebuilt: BTreeSet<Key>,
    /// Types rebuilt in place (renamed away, created anew, their users converted), in creation order: enums
    /// that lose or reorder values, domains whose base changes, and the domains over those.
    retyped: Vec<QualName>,
    retyped_set: BTreeSet<QualName>,
    /// Whether each side states privileges (see `grants::stated`).
    grants_stated: (bool, bool),
}

fn hz(kind: HazardKind, message: impl Into<String>) -> Hazard {
    Hazard {
        kind,
        message: message.into(),
    }
}

fn opt_text(o: &Option<String>) -> Option<String> {
    o.clone()
}

fn strip_stmt(sql: &str) -> &str {
    sql.trim().trim_end_matches(';').trim_end()
}

/// Storage parameters compare as a set: their order in `reloptions` is only the order they were given in.
fn same_options(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().collect::<BTreeSet<_>>() == b.iter().collect::<BTreeSet<_>>()
}

fn comment_sql(target: &str, comment: Option<&str>) -> String {
    match comment {
        Some(c) => format!("COMMENT ON {target} IS {};", quote_literal(c)),
        None => format!("COMMENT ON {target} IS NULL;"),
    }
}

/// A storage parameter: name and (unquoted) value.
type StorageParam = (String, String);

impl<'a> Differ<'a> {
    pub(crate) fn run(from: &'a Database, to: &'a Database, opts: &'a Options) -> Output {
        let mut d = Differ {
            from,
            to,
            opts,
            fi: Index::new(from),
            out: Output {
                changes: Vec::new(),
                ops: Vec::new(),
                errors: Vec::new(),
                uncertain: Vec::new(),
            },
            seeds: BTreeSet::new(),
            dropped_tables: BTreeSet::new(),
            rebuilt: BTreeSet::new(),
            retyped: Vec::new(),
            retyped_set: BTreeSet::new(),
            grants_stated: (crate::grants::stated(from), crate::grants::stated(to)),
        };
        d.schemas();
        d.extensions();
        d.collations();
        d.types();
        d.tables();
        d.replica_identities();
        d.views();
        d.functions();
        d.event_triggers();
        d.sequences();
        d.default_privileges();
        d.rebuild_foreign_keys();
        d.rebuild_dependants();
        d.rebuild_event_triggers();
        d.drop_cascaded_constraints();
        // a --using entry for a column whose type the plan does not change is a mistake the user must hear of
        for u in &opts.using {
            let column = u.column_name();
            let converted = d.out.changes.iter().any(|c| {
                c.kind == ObjectKind::Column
                    && c.attribute == Some(Attribute::Type)
                    && c.object == column
            });
            if !converted {
                d.out.errors.push((
                    column,
                    "--using names a column whose type the plan does not change".to_string(),
                ));
            }
        }
        d.out
    }

    // ----- helpers -------------------------------------------------------------------------------------

    pub(super) fn change(&mut self, kind: ObjectKind, object: &str, action: Action) {
        self.out.changes.push(Change {
            kind,
            object: object.to_string(),
            action,
            attribute: None,
            from: None,
            to: None,
        });
    }

    pub(super) fn change_attr(
        &mut self,
        kind: ObjectKind,
        object: &str,
        attr: Attribute,
        from: Option<String>,
        to: Option<String>,
    ) {
        self.out.changes.push(Change {
            kind,
            object: object.to_string(),
            action: Action::Alter,
            attribute: Some(attr),
            from,
            to,
        });
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn op(
        &mut self,
        key: Key,
        role: Action,
        kind: ObjectKind,
        object: &str,
        sql: Vec<String>,
        hazards: Vec<Hazard>,
        class: u8,
        stage: Option<Stage>,
    ) -> usize {
        self.out.ops.push(Op {
            key,
            also: Vec::new(),
            role,
            action: role,
            kind,
            object: object.to_string(),
            sql,
            hazards,
            transactional: true,
            class,
            stage,
        });
        self.out.ops.len() - 1
    }

    /// Whether two SQL texts of an object mean the same. Between two live databases the server's text is
    /// canonical and compared as text; when a side is declared SQL read offline (no server version), both
    /// texts go through the normaliser (`plumb_normal`). Text the normaliser cannot compare is noted as
    /// uncertain and treated as unchanged, so no destructive step is planned for it.
    pub(super) fn same_sql(
        &mut self,
        sql: Sql,
        kind: ObjectKind,
        object: &str,
        a: &str,
        b: &str,
    ) -> bool {
        if a == b {
            return true;
        }
        if self.both_live() {
            return false;
        }
        match crate::same::compare(sql, a, b) {
            crate::same::Verdict::Same => true,
            crate::same::Verdict::Different => false,
            crate::same::Verdict::Uncertain(reason) => {
                self.out.uncertain.push(crate::Uncertain {
                    kind,
                    object: object.to_string(),
                    reason,
                });
                true
            }
        }
    }

    pub(super) fn same_sql_opt(
        &mut self,
        sql: Sql,
        kind: ObjectKind,
        object: &str,
        a: Option<&str>,
        b: Option<&str>,
    ) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => self.same_sql(sql, kind, object, a, b),
            // `DEFAULT NULL` declared, no default stored (or the server's `NULL::type` against none)
            (Some(x), None) | (None, Some(x)) if sql == Sql::Expr && !self.both_live() => {
                crate::same::is_null(x)
            }
            (a, b) => a == b,
        }
    }

    pub(super) fn both_live(&self) -> bool {
        self.from.server_version.is_some() && self.to.server_version.is_some()
    }

    /// The same parent and a bound of the same meaning (see [`Self::same_sql`]).
    pub(super) fn same_partition(
        &mut self,
        object: &str,
        a: Option<&plumb_model::PartitionOf>,
        b: Option<&plumb_model::PartitionOf>,
    ) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => {
                a.parent == b.parent
                    && self.same_sql(
                        Sql::PartitionBound,
                        ObjectKind::Table,
                        object,
                        &a.bound,
                        &b.bound,
                    )
            }
            (a, b) => a == b,
        }
    }

    pub(super) fn owners_compared(&self) -> bool {
        !self.opts.ignore_owners
    }

    /// Comment, owner and grant changes of an object present on both sides, each as its own operation.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn common_alters(
        &mut self,
        key: &Key,
        kind: ObjectKind,
        object: &str,
        comment_target: &str,
        owner_target: &str,
        grant: Option<(AclKind, &str)>,
        f: &Common,
        t: &Common,
        stage: Option<Stage>,
    ) {
        if f.comment != t.comment {
            self.change_attr(
                kind,
                object,
                Attribute::Comment,
                opt_text(&f.comment),
                opt_text(&t.comment),
            );
            let sql = vec![comment_sql(comment_target, t.comment.as_deref())];
            self.op(
                key.clone(),
                Action::Alter,
                kind,
                object,
                sql,
                vec![],
                class::MISC,
                stage,
            );
        }
        if self.owners_compared() {
            if let (Some(a), Some(b)) = (&f.owner, &t.owner) {
                if a != b {
                    self.change_attr(
                        kind,
                        object,
                        Attribute::Owner,
                        Some(a.clone()),
                        Some(b.clone()),
                    );
                    let sql = vec![format!("ALTER {owner_target} OWNER TO {};", quote_ident(b))];
                    self.op(
                        key.clone(),
                        Action::Alter,
                        kind,
                        object,
                        sql,
                        vec![],
                        class::MISC,
                        stage,
                    );
                }
            }
        }
        if let Some((on, target)) = grant {
            if self.opts.ignore_privileges {
                return;
            }
            let version = self.live_version();
            if f.grants.is_none() && t.grants.is_none() && f.owner.is_some() && t.owner.is_some() {
                return;
            }
            let a = crate::grants::effective(on, f, self.grants_stated.0, t, version);
            let b = crate::grants::effective(on, t, self.grants_stated.1, f, version);
            if let (Some(a), Some(b)) = (a, b) {
                let base = t
                    .owner
                    .as_deref()
                    .or(f.owner.as_deref())
                    .map(|o| on.default_grants_at(o, version))
                    .unwrap_or_default();
                let sql = ordered_grant_sql(target, (&a, &f.acl_order), (&b, &t.acl_order), &base);
                if !sql.is_empty() && a == b {
                    // the same privileges, the grantees in another order (pg_dump writes them in ACL order)
                    self.change_attr(
                        kind,
                        object,
                        Attribute::GrantOrder,
                        Some(f.acl_order.join(", ")),
                        Some(t.acl_order.join(", ")),
                    );
                    self.op(
                        key.clone(),
                        Action::Alter,
                        kind,
                        object,
                        sql,
                        vec![],
                        class::MISC,
                        stage,
                    );
                } else if !sql.is_empty() {
                    let show = |s: &BTreeSet<Grant>| {
                        s.iter()
                            .map(|g| {
                                format!(
                                    "{}:{}{}",
                                    g.grantee,
                                    g.privilege,
                                    if g.with_grant_option { "*" } else { "" }
                                )
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    self.change_attr(
                        kind,
                        object,
                        Attribute::Grants,
                        Some(show(&a)),
                        Some(show(&b)),
                    );
                    self.op(
                        key.clone(),
                        Action::Alter,
                        kind,
                        object,
                        sql,
                        vec![],
                        class::MISC,
                        stage,
                    );
                }
            }
        }
    }

    /// The version of the server whose privileges are compared: the live side's (`from` first, the database
    /// the plan runs on). `None` when both sides are declared SQL.
    pub(super) fn live_version(&self) -> Option<u32> {
        self.from.server_version.or(self.to.server_version)
    }

    /// Comment and grants written right after a create.
    pub(super) fn create_extras(
        &self,
        comment_target: &str,
        grant: Option<(AclKind, &str)>,
        c: &Common,
        sql: &mut Vec<String>,
    ) {
        if let Some(text) = &c.comment {
            sql.push(comment_sql(comment_target, Some(text)));
        }
        if let (Some((on, target)), Some(g), Some(owner)) = (grant, &c.grants, &c.owner) {
            if !self.opts.ignore_privileges {
                let version = self.live_version();
                let default = on.default_grants_at(owner, version);
                sql.extend(ordered_grant_sql(
                    target,
                    (&default, &[]),
                    (&on.grants_at(g, version), &c.acl_order),
                    &default,
                ));
            }
        }
    }
}

/// Both maps side by side, in key order (a merge join: no lookups).
#[allow(clippy::type_complexity)]
fn pairs<'m, K: Ord, A, B>(
    a: &'m BTreeMap<K, A>,
    b: &'m BTreeMap<K, B>,
) -> Vec<(&'m K, Option<&'m A>, Option<&'m B>)> {
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let (mut ia, mut ib) = (a.iter().peekable(), b.iter().peekable());
    loop {
        match (ia.peek(), ib.peek()) {
            (None, None) => break,
            (Some(&(ka, va)), None) => {
                out.push((ka, Some(va), None));
                ia.next();
            }
            (None, Some(&(kb, vb))) => {
                out.push((kb, None, Some(vb)));
                ib.next();
            }
            (Some(&(ka, va)), Some(&(kb, vb))) => match ka.cmp(kb) {
                std::cmp::Ordering::Less => {
                    out.push((ka, Some(va), None));
                    ia.next();
                }
                std::cmp::Ordering::Greater => {
                    out.push((kb, None, Some(vb)));
                    ib.next();
                }
                std::cmp::Ordering::Equal => {
                    out.push((ka, Some(va), Some(vb)));
                    ia.next();
                    ib.next();
                }
            },
        }
    }
    out
}

/// `CREATE FUNCTION` -> `CREATE OR REPLACE FUNCTION` (any kind).
fn or_replace(def: &str) -> String {
    let upper = def.get(..30).unwrap_or(def).to_ascii_uppercase();
    if upper.starts_with("CREATE OR REPLACE ") {
        def.to_string()
    } else if upper.starts_with("CREATE ") {
        format!("CREATE OR REPLACE {}", &def[7..])
    } else {
        def.to_string()
    }
}
