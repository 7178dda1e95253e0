//! The writer's state ([`Differ`]) and the order of a plan's making (`Differ::run`): the change set
//! (`crate::compare`) written family by family (`crate::write`; tables by `Differ::tables`, `CREATE TABLE`
//! in `tables.rs`). Then the dependants of what goes away are rebuilt (`rebuild.rs`).
//!
//! This module holds the helpers the writers use (`op`, `alter_op`, `create_extras`);
//! the other modules hold the SQL helpers of tables (see each module's header).

use std::collections::{BTreeMap, BTreeSet};

use plumb_model::{
    quote_ident, quote_literal, AclKind, Column, Common, Constraint, ConstraintKind, Database,
    DefaultPrivileges, Grant, Index as PgIndex, NotNullConstraint, Persistence, Policy, QualName,
    SequenceOptions, Table, Trigger, TriggerEnabled,
};

use crate::keys::{Index, Key};
use crate::{Action, Attribute, Change, Hazard, HazardKind, ObjectKind, Options};

mod alter_table;
mod columns;
mod constraints;
mod privileges;
mod rebuild;
mod sequences;
mod tables;
mod triggers;

pub(crate) use self::alter_table::{reloption, reloption_name, split_storage_params};
pub(crate) use self::columns::{
    column_attr_sql, column_def, identity_text, is_volatile_default, no_cast_conversion,
    not_null_sql, not_valid_not_null_sql, type_change_cost, type_with_collation,
};
pub(crate) use self::constraints::{constraint_def_core, online_index};
pub(crate) use self::privileges::{
    column_grant_sql, grant_sql, grantee, grants_needed, ordered_grant_sql, public_schema_defaults,
    resolve_assumed_roles,
};
pub(crate) use self::sequences::{narrowed, restart_hazard, seq_option_clauses};
pub(crate) use self::tables::local_columns;
pub(crate) use self::triggers::policy_roles;
#[allow(unused_imports)]
use self::{
    alter_table::*, columns::*, constraints::*, privileges::*, rebuild::*, tables::*, triggers::*,
};
use crate::compare::{clustered, ChangeSet};

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
}

pub(crate) struct Differ<'a> {
    pub(crate) from: &'a Database,
    pub(crate) to: &'a Database,
    pub(crate) opts: &'a Options,
    fi: Index<'a>,
    pub(crate) out: Output,
    /// The version of the server whose privileges are written (see `Comparer::live_version`).
    live_version: Option<u32>,
    /// Keys that go away (dropped, or changed so that dependants must be dropped first).
    pub(crate) seeds: BTreeSet<Key>,
    /// Tables dropped, explicitly or with their parent.
    pub(crate) dropped_tables: BTreeSet<QualName>,
    /// Views and functions dropped and created again.
    pub(crate) rebuilt: BTreeSet<Key>,
    /// Types rebuilt in place (renamed away, created anew, their users converted): enums that lose or
    /// reorder values, domains whose base changes, and the domains over those (`ChangeSet::retyped`).
    pub(crate) retyped_set: BTreeSet<QualName>,
}

pub(crate) fn hz(kind: HazardKind, message: impl Into<String>) -> Hazard {
    Hazard {
        kind,
        message: message.into(),
    }
}

pub(crate) fn strip_stmt(sql: &str) -> &str {
    sql.trim().trim_end_matches(';').trim_end()
}

/// Storage parameters compare as a set: their order in `reloptions` is only the order they were given in.
pub(crate) fn same_options(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().collect::<BTreeSet<_>>() == b.iter().collect::<BTreeSet<_>>()
}

pub(crate) fn comment_sql(target: &str, comment: Option<&str>) -> String {
    match comment {
        Some(c) => format!("COMMENT ON {target} IS {};", quote_literal(c)),
        None => format!("COMMENT ON {target} IS NULL;"),
    }
}

/// A storage parameter: name and (unquoted) value.
pub(crate) type StorageParam = (String, String);

impl<'a> Differ<'a> {
    /// The plan's changes and operations.
    pub(crate) fn run(from: &'a Database, to: &'a Database, opts: &'a Options) -> Output {
        let cs: ChangeSet<'a> = crate::compare::compare(from, to, opts);
        let mut d = Differ {
            from,
            to,
            opts,
            fi: Index::new(from),
            out: Output {
                changes: cs.changes(),
                ops: Vec::new(),
                errors: Vec::new(),
            },
            live_version: from.server_version.or(to.server_version),
            seeds: BTreeSet::new(),
            dropped_tables: cs.dropped_tables.clone(),
            rebuilt: BTreeSet::new(),
            retyped_set: cs.retyped.iter().cloned().collect(),
        };
        d.write_schemas(&cs);
        d.write_extensions(&cs);
        d.write_collations(&cs);
        d.write_types(&cs);
        d.write_tables_gone(&cs);
        d.tables(&cs);
        d.write_replica_identities(&cs);
        d.write_views(&cs);
        d.write_functions(&cs);
        d.write_event_triggers(&cs);
        d.write_sequences(&cs);
        d.write_default_privileges(&cs);
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

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn op(
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

    /// An operation that alters an object, without hazards.
    pub(crate) fn alter_op(
        &mut self,
        key: Key,
        kind: ObjectKind,
        object: &str,
        sql: Vec<String>,
        class: u8,
        stage: Option<Stage>,
    ) -> usize {
        self.op(key, Action::Alter, kind, object, sql, vec![], class, stage)
    }

    /// A delta of a table created or kept (`ChangeSet::tables`), written (its changes are the change set's).
    pub(super) fn write_table_delta(&mut self, d: &crate::compare::Delta<'_>) {
        use crate::compare::{Obj, ObjDelta};
        match &d.obj {
            Obj::TableCreate { table, .. } => self.create_table(table),
            Obj::PartitionIndex {
                table, index, step, ..
            } => self.write_partition_index(table, index, step),
            Obj::Trigger { table, delta } => self.write_trigger(table, delta),
            Obj::Column { table, delta, how } => self.write_column(table, delta, *how),
            Obj::Constraint { table, delta, .. } => self.write_constraint(table, delta),
            Obj::TableIndex { table, delta } => self.write_table_index(table, delta),
            Obj::TableCluster { table, .. } => {
                self.write_cluster(&table.name, "TABLE", &table.indexes)
            }
            Obj::Policy {
                table,
                delta,
                recreate,
            } => self.write_policy(table, delta, *recreate),
            Obj::Table(ObjDelta::Alter { from, to, attrs }) => {
                self.write_table_alter(from, to, attrs)
            }
            _ => {}
        }
    }

    /// See [`crate::compare::Comparer::live_version`].
    pub(super) fn live_version(&self) -> Option<u32> {
        self.live_version
    }

    /// Comment and grants written right after a create.
    pub(crate) fn create_extras(
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
pub(crate) fn pairs<'m, K: Ord, A, B>(
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
pub(crate) fn or_replace(def: &str) -> String {
    let upper = def.get(..30).unwrap_or(def).to_ascii_uppercase();
    if upper.starts_with("CREATE OR REPLACE ") {
        def.to_string()
    } else if upper.starts_with("CREATE ") {
        format!("CREATE OR REPLACE {}", &def[7..])
    } else {
        def.to_string()
    }
}
