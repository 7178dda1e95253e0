//! Comparing: two models to a typed [`ChangeSet`], without writing the plan's statements. (Some values a
//! change shows are SQL text: a sequence's option clauses, an event trigger's definition. Whether grants
//! differ is whether `ordered_grant_sql` has anything to write: see `differ::grants_needed`; whether a
//! column's grants or storage differ, whether `column_grant_sql` or `column_attr_sql` has.)
//!
//! [`compare`] walks the object families in the plan's order and records, per object, a [`Delta`]: created,
//! dropped, or altered with the attributes that differ ([`AttrDelta`], each with its old and new value as the
//! public [`Change`] shows them). The public change list of [`crate::diff`] is [`ChangeSet::changes`]; the
//! DDL writer (`crate::write`) turns the same deltas into operations without comparing again.
//!
//! This module holds the change set's types and the helpers every family uses (`same_sql`, `common`;
//! [`walk()`], the order in which a family's objects are dropped, created and compared); each family has its
//! own module.

use std::collections::BTreeSet;

use plumb_model::{AclKind, Common, Database, Grant};

use crate::same::Sql;
use crate::{Action, Attribute, Change, ObjectKind, Options, Uncertain};

mod columns;
mod constraints;
mod default_privileges;
mod event_triggers;
mod functions;
mod indexes;
mod policies;
mod schemas;
mod sequences;
mod tables;
mod triggers;
mod types;
mod views;
mod walk;

pub(crate) use self::columns::{column_now, ColumnHow};
pub(crate) use self::constraints::Rebuilt;
pub(crate) use self::default_privileges::DefaultPrivilegesDelta;
pub(crate) use self::event_triggers::event_trigger_definition;
pub(crate) use self::functions::function_kind;
pub(crate) use self::indexes::{created_keys, PartitionStep};
pub(crate) use self::sequences::identity_sequences;
pub(crate) use self::types::{refs_any, type_kind};
pub(crate) use self::views::{clustered, view_object_kind};
pub(crate) use self::walk::{walk, Pair};

/// What happens to one object: created, dropped, or kept with some attributes changed.
#[derive(Debug)]
pub(crate) enum ObjDelta<'a, T> {
    Create(&'a T),
    Drop(&'a T),
    Alter {
        from: &'a T,
        to: &'a T,
        attrs: Vec<AttrDelta>,
    },
}

/// One attribute that differs, with its old and new value as the change list shows them.
#[derive(Debug, Clone)]
pub(crate) struct AttrDelta {
    pub attr: Attribute,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The part of the object it is about, when the values do not name it (a domain's constraint, a
    /// composite type's attribute whose type changes).
    pub item: Option<String>,
    /// For [`Attribute::Grants`] and [`Attribute::GrantOrder`]: the privileges compared.
    pub grants: Option<Box<GrantDelta>>,
}

impl AttrDelta {
    pub(crate) fn new(attr: Attribute, from: Option<String>, to: Option<String>) -> AttrDelta {
        AttrDelta {
            attr,
            from,
            to,
            item: None,
            grants: None,
        }
    }

    /// [`Attribute::Comment`], when the comments differ.
    pub(crate) fn comment(from: &Option<String>, to: &Option<String>) -> Option<AttrDelta> {
        (from != to).then(|| AttrDelta::new(Attribute::Comment, from.clone(), to.clone()))
    }
}

/// The effective privileges of an object on each side, with the grantees' ACL order and the owner's default
/// privileges (what `pg_dump` leaves out).
#[derive(Debug, Clone)]
pub(crate) struct GrantDelta {
    pub from: BTreeSet<Grant>,
    pub from_order: Vec<String>,
    pub to: BTreeSet<Grant>,
    pub to_order: Vec<String>,
    pub base: BTreeSet<Grant>,
}

/// The object a delta is about, by family.
#[derive(Debug)]
pub(crate) enum Obj<'a> {
    Schema(ObjDelta<'a, plumb_model::Namespace>),
    Extension(ObjDelta<'a, plumb_model::Extension>),
    /// An altered collation whose definition changed is dropped and created again.
    Collation(ObjDelta<'a, plumb_model::Collation>),
    /// An alter of [`Attribute::Base`] (a domain) or [`Attribute::Definition`] (another kind, a range) alone:
    /// created anew, or rebuilt with the types of [`ChangeSet::retyped`].
    Type(ObjDelta<'a, plumb_model::Type>),
    /// An index of a partition attached to a parent index, or the partition's key behind one
    /// (`Comparer::partition_indexes`): `attr` ([`Attribute::ParentIndex`]) when an index or key of the
    /// partition is attached, `shown_create` when a new index is shown as created.
    PartitionIndex {
        table: &'a plumb_model::Table,
        index: &'a plumb_model::Index,
        step: PartitionStep,
        attr: Option<AttrDelta>,
        shown_create: bool,
    },
    /// A table that goes away: dropped, or (`partitioning`: the change shown) dropped to be created again.
    TableGone {
        table: &'a plumb_model::Table,
        partitioning: Option<AttrDelta>,
    },
    /// A column of a table that stays (`table`, the target's; compared by `Comparer::columns` and written by
    /// `write::columns`); `how` it is written.
    Column {
        table: &'a plumb_model::Table,
        delta: ObjDelta<'a, plumb_model::Column>,
        how: ColumnHow,
    },
    /// A constraint of a table that stays (`table`, the target's; compared by `Comparer::constraints` and
    /// written by `write::constraints`).
    Constraint {
        table: &'a plumb_model::Table,
        delta: ObjDelta<'a, plumb_model::Constraint>,
    },
    /// An index of a table that stays, not behind a constraint nor a parent index's partition (`table`, the
    /// target's; compared by `Comparer::indexes` and written by `write::indexes`).
    TableIndex {
        table: &'a plumb_model::Table,
        delta: ObjDelta<'a, plumb_model::Index>,
    },
    /// The index a table that stays is clustered on changes, or is created again (compared by
    /// `Comparer::table_cluster` and written by `write::indexes`).
    TableCluster {
        table: &'a plumb_model::Table,
        attr: AttrDelta,
    },
    /// A table created (`shown`: not one dropped to be created again, which shows no change), with its
    /// constraints, indexes, triggers, policies and `CLUSTER ON`.
    TableCreate {
        table: &'a plumb_model::Table,
        shown: bool,
    },
    /// A table's own attributes (`Comparer::table_attrs`).
    Table(ObjDelta<'a, plumb_model::Table>),
    /// A table's `REPLICA IDENTITY` differs; `attr` (the change shown) for a table that stays.
    ReplicaIdentity {
        table: &'a plumb_model::Table,
        attr: Option<AttrDelta>,
    },
    /// `recreate`: an altered view whose new definition `CREATE OR REPLACE VIEW` cannot express is dropped
    /// and created again (its alter has [`Attribute::Definition`] alone).
    View {
        delta: ObjDelta<'a, plumb_model::View>,
        recreate: bool,
    },
    /// The comment of a view's column.
    ViewColumn {
        view: &'a plumb_model::View,
        attr: AttrDelta,
    },
    /// An index of a view: created or dropped (a changed one is both).
    Index {
        table: &'a plumb_model::QualName,
        delta: ObjDelta<'a, plumb_model::Index>,
    },
    /// A trigger of a view or of a table (`Comparer::triggers`).
    Trigger {
        table: &'a plumb_model::QualName,
        delta: ObjDelta<'a, plumb_model::Trigger>,
    },
    /// A policy of a table (`Comparer::policies`). `recreate`: dropped
    /// and created again.
    Policy {
        table: &'a plumb_model::QualName,
        delta: ObjDelta<'a, plumb_model::Policy>,
        recreate: bool,
    },
    /// The index a (materialized) view is clustered on changes, or is created again.
    Cluster {
        view: &'a plumb_model::View,
        attr: AttrDelta,
    },
    /// `redefine`: the function is replaced (`CREATE OR REPLACE`), also when no attribute shown differs (a
    /// `COST` stated on one side only, equal to the language's default).
    Function {
        delta: ObjDelta<'a, plumb_model::Function>,
        redefine: bool,
    },
    EventTrigger(ObjDelta<'a, plumb_model::EventTrigger>),
    Sequence(ObjDelta<'a, plumb_model::Sequence>),
    DefaultPrivileges(DefaultPrivilegesDelta),
}

/// One entry of the change set: the object as the change list names it, and what happens to it.
#[derive(Debug)]
pub(crate) struct Delta<'a> {
    pub kind: ObjectKind,
    pub object: String,
    pub obj: Obj<'a>,
}

impl Delta<'_> {
    /// The public changes this delta stands for, in order.
    pub(crate) fn changes(&self, out: &mut Vec<Change>) {
        let attrs = match &self.obj {
            Obj::TableCreate { shown: false, .. } => return,
            Obj::PartitionIndex {
                shown_create: true, ..
            } => Err(Action::Create),
            Obj::PartitionIndex { attr, .. } => Ok(attr.as_slice()),
            Obj::TableCreate { .. } => Err(Action::Create),
            Obj::DefaultPrivileges(d) => {
                out.push(d.change(&self.object));
                return;
            }
            Obj::Schema(d) => d.action_or_attrs(),
            Obj::Extension(d) => d.action_or_attrs(),
            Obj::Collation(d) => d.action_or_attrs(),
            Obj::Type(d) => d.action_or_attrs(),
            Obj::Table(d) => d.action_or_attrs(),
            Obj::ReplicaIdentity { attr, .. } => Ok(attr.as_slice()),
            Obj::TableGone { partitioning, .. } => match partitioning {
                Some(a) => Ok(std::slice::from_ref(a)),
                None => Err(Action::Drop),
            },
            Obj::View { delta, .. } => delta.action_or_attrs(),
            Obj::ViewColumn { attr, .. }
            | Obj::Cluster { attr, .. }
            | Obj::TableCluster { attr, .. } => Ok(std::slice::from_ref(attr)),
            Obj::Index { delta, .. } => delta.action_or_attrs(),
            Obj::Column {
                how: ColumnHow::AddedAgain,
                ..
            } => return,
            Obj::Column { delta, .. } => delta.action_or_attrs(),
            Obj::Constraint { delta, .. } => delta.action_or_attrs(),
            Obj::TableIndex { delta, .. } => delta.action_or_attrs(),
            Obj::Trigger { delta, .. } => delta.action_or_attrs(),
            Obj::Policy { delta, .. } => delta.action_or_attrs(),
            Obj::Function { delta, .. } => delta.action_or_attrs(),
            Obj::EventTrigger(d) => d.action_or_attrs(),
            Obj::Sequence(d) => d.action_or_attrs(),
        };
        match attrs {
            Err(action) => out.push(Change {
                kind: self.kind,
                object: self.object.clone(),
                action,
                attribute: None,
                from: None,
                to: None,
            }),
            Ok(attrs) => out.extend(attrs.iter().map(|a| Change {
                kind: self.kind,
                object: self.object.clone(),
                action: Action::Alter,
                attribute: Some(a.attr),
                from: a.from.clone(),
                to: a.to.clone(),
            })),
        }
    }
}

impl<T> ObjDelta<'_, T> {
    /// The attributes of an alter, or the action of a create or drop.
    fn action_or_attrs(&self) -> Result<&[AttrDelta], Action> {
        match self {
            ObjDelta::Create(_) => Err(Action::Create),
            ObjDelta::Drop(_) => Err(Action::Drop),
            ObjDelta::Alter { attrs, .. } => Ok(attrs),
        }
    }
}

/// Everything that differs between two models, in the order of the change list.
#[derive(Debug, Default)]
pub(crate) struct ChangeSet<'a> {
    pub deltas: Vec<Delta<'a>>,
    /// Where the deltas of tables created and kept stand in [`Self::deltas`] (see `Comparer::tables`), and
    /// of partition indexes after them.
    pub tables: std::ops::Range<usize>,
    /// Types rebuilt in place (renamed away, created anew, their users converted), in creation order: see
    /// [`types::retyped`].
    pub retyped: Vec<plumb_model::QualName>,
    /// Tables that go away (dropped, or dropped and created again): see [`tables::dropped_tables`].
    pub dropped_tables: BTreeSet<plumb_model::QualName>,
    /// Objects whose SQL text could not be compared offline: treated as unchanged.
    pub uncertain: Vec<Uncertain>,
}

impl<'a> ChangeSet<'a> {
    /// The public changes, in order.
    pub(crate) fn changes(&self) -> Vec<Change> {
        let mut out = Vec::new();
        for d in &self.deltas {
            d.changes(&mut out);
        }
        out
    }
}

/// The models compared and what comparing noted on the way.
pub(crate) struct Comparer<'a> {
    pub from: &'a Database,
    pub to: &'a Database,
    pub opts: &'a Options,
    /// Whether each side states privileges (see `grants::stated`).
    pub grants_stated: (bool, bool),
    pub uncertain: Vec<Uncertain>,
    /// The own indexes of kept tables that are dropped (or dropped and created again), by table, filled as
    /// [`Comparer::tables`] compares them.
    pub dropped_indexes: BTreeSet<(plumb_model::QualName, String)>,
    /// The partitions' own keys attached to one of those that `DROP INDEX ... CASCADE` takes and that are
    /// added again ([`Comparer::keys_added_again`], once every table is compared; the writer adds them,
    /// `Differ::drop_index`).
    pub added_again: BTreeSet<crate::keys::Key>,
}

/// The change set that turns `from` into `to` (both filtered).
pub(crate) fn compare<'a>(
    from: &'a Database,
    to: &'a Database,
    opts: &'a Options,
) -> ChangeSet<'a> {
    let mut c = Comparer::new(from, to, opts);
    let mut deltas = Vec::new();
    c.schemas(&mut deltas);
    c.extensions(&mut deltas);
    c.collations(&mut deltas);
    let retyped = types::retyped(from, to);
    let retyped_set = retyped.iter().cloned().collect();
    c.types(&retyped_set, &mut deltas);
    let (dropped_tables, recreated_tables) = tables::dropped_tables(from, to);
    c.tables_gone(&dropped_tables, &recreated_tables, &mut deltas);
    let start = deltas.len();
    c.tables(
        &dropped_tables,
        &recreated_tables,
        &retyped_set,
        &mut deltas,
    );
    let mut partitions = Vec::new();
    c.partition_indexes(
        deltas.get(start..).unwrap_or(&[]),
        &dropped_tables,
        &mut partitions,
    );
    deltas.extend(partitions);
    let tables = start..deltas.len();
    c.replica_identities(&dropped_tables, &mut deltas);
    c.views(&mut deltas);
    c.functions(&mut deltas);
    c.event_triggers(&mut deltas);
    c.sequences(&mut deltas);
    c.default_privileges(&mut deltas);
    ChangeSet {
        deltas,
        tables,
        retyped,
        dropped_tables,
        uncertain: c.uncertain,
    }
}

impl<'a> Comparer<'a> {
    pub(crate) fn new(from: &'a Database, to: &'a Database, opts: &'a Options) -> Comparer<'a> {
        Comparer {
            from,
            to,
            opts,
            grants_stated: (crate::grants::stated(from), crate::grants::stated(to)),
            uncertain: Vec::new(),
            dropped_indexes: BTreeSet::new(),
            added_again: BTreeSet::new(),
        }
    }

    pub(crate) fn both_live(&self) -> bool {
        self.from.server_version.is_some() && self.to.server_version.is_some()
    }

    /// The version of the server whose privileges are compared: the live side's (`from` first, the database
    /// the plan runs on). `None` when both sides are declared SQL.
    pub(crate) fn live_version(&self) -> Option<u32> {
        self.from.server_version.or(self.to.server_version)
    }

    pub(crate) fn note_uncertain(&mut self, kind: ObjectKind, object: &str, reason: String) {
        self.uncertain.push(Uncertain {
            kind,
            object: object.to_string(),
            reason,
        });
    }

    /// Whether two SQL texts of an object mean the same. Between two live databases the server's text is
    /// canonical and compared as text; when a side is declared SQL read offline (no server version), both
    /// texts go through the normaliser (`plumb_normal`). Text the normaliser cannot compare is noted as
    /// uncertain and treated as unchanged, so no destructive step is planned for it.
    pub(crate) fn same_sql(
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
                self.note_uncertain(kind, object, reason);
                true
            }
        }
    }

    /// [`Self::same_sql`] of texts either side may lack: `DEFAULT NULL` declared is no default stored.
    pub(crate) fn same_sql_opt(
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

    /// Comment, owner and grant differences of an object present on both sides (grants when `grant_on` says
    /// what kind of ACL the object has).
    pub(crate) fn common(
        &self,
        grant_on: Option<AclKind>,
        f: &Common,
        t: &Common,
    ) -> Vec<AttrDelta> {
        let mut out: Vec<AttrDelta> = AttrDelta::comment(&f.comment, &t.comment)
            .into_iter()
            .collect();
        if !self.opts.ignore_owners {
            if let (Some(a), Some(b)) = (&f.owner, &t.owner) {
                if a != b {
                    out.push(AttrDelta::new(
                        Attribute::Owner,
                        Some(a.clone()),
                        Some(b.clone()),
                    ));
                }
            }
        }
        let Some(on) = grant_on else { return out };
        if self.opts.ignore_privileges
            || (f.grants.is_none() && t.grants.is_none() && f.owner.is_some() && t.owner.is_some())
        {
            return out;
        }
        let version = self.live_version();
        let a = crate::grants::effective(on, f, self.grants_stated.0, t, version);
        let b = crate::grants::effective(on, t, self.grants_stated.1, f, version);
        let (Some(a), Some(b)) = (a, b) else {
            return out;
        };
        let base = t
            .owner
            .as_deref()
            .or(f.owner.as_deref())
            .map(|o| on.default_grants_at(o, version))
            .unwrap_or_default();
        let g = GrantDelta {
            from: a,
            from_order: f.acl_order.clone(),
            to: b,
            to_order: t.acl_order.clone(),
            base,
        };
        if !crate::differ::grants_needed(&g) {
            return out;
        }
        let attr = if g.from == g.to {
            // the same privileges, the grantees in another order (pg_dump writes them in ACL order)
            AttrDelta::new(
                Attribute::GrantOrder,
                Some(f.acl_order.join(", ")),
                Some(t.acl_order.join(", ")),
            )
        } else {
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
            AttrDelta::new(Attribute::Grants, Some(show(&g.from)), Some(show(&g.to)))
        };
        out.push(AttrDelta {
            grants: Some(Box::new(g)),
            ..attr
        });
        out
    }
}

/// An alter when some attribute differs.
pub(crate) fn alter<'a, T>(
    from: &'a T,
    to: &'a T,
    attrs: Vec<AttrDelta>,
) -> Option<ObjDelta<'a, T>> {
    (!attrs.is_empty()).then_some(ObjDelta::Alter { from, to, attrs })
}
