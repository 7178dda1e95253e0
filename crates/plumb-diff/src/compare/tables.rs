//! Tables: which go away (dropped, or dropped and created again; see [`dropped_tables`]), the attributes of a table that stays
//! (partition membership, typed table, inheritance, persistence, storage parameters, row-level security,
//! comment, owner, grants) and replica identity; which tables are created, and the deltas of a kept table in
//! order (its columns are `columns.rs`', constraints `constraints.rs`', indexes and `CLUSTER ON`
//! `indexes.rs`').

use std::collections::BTreeSet;

use plumb_model::{AclKind, Database, PartitionOf, QualName, ReplicaIdentity, Table};

use super::{alter, created_keys, AttrDelta, Comparer, Delta, Obj, Rebuilt};
use crate::differ::{pairs, same_options};
use crate::keys::Key;
use crate::same::Sql;
use crate::{Attribute, ObjectKind};

/// Tables that go away: gone from `to`, or whose partitioning changes (ALTER cannot express it), with the
/// partitions of those (at any depth); and those among them that `to` still has, created again.
pub(crate) fn dropped_tables(
    from: &Database,
    to: &Database,
) -> (BTreeSet<QualName>, BTreeSet<QualName>) {
    let mut dropped: BTreeSet<QualName> = BTreeSet::new();
    let mut recreate: BTreeSet<QualName> = BTreeSet::new();
    for (name, f) in &from.tables {
        let t = to.tables.get(name);
        if t.is_none_or(|t| f.partition_by != t.partition_by) {
            dropped.insert(name.clone());
            if t.is_some() {
                recreate.insert(name.clone());
            }
        }
    }
    // partitions of a dropped partitioned table go with it
    loop {
        let more: Vec<QualName> = from
            .tables
            .iter()
            .filter(|(name, f)| {
                f.partition_of
                    .as_ref()
                    .is_some_and(|p| dropped.contains(&p.parent) && !dropped.contains(*name))
            })
            .map(|(name, _)| name.clone())
            .collect();
        if more.is_empty() {
            break;
        }
        for n in more {
            if to.tables.contains_key(&n) {
                recreate.insert(n.clone());
            }
            dropped.insert(n);
        }
    }
    (dropped, recreate)
}

impl<'a> Comparer<'a> {
    /// The tables that go away (`dropped`, see [`dropped_tables`]), in name order: a drop, or for one created
    /// again (`recreate`) an alter of [`Attribute::Partitioning`].
    pub(super) fn tables_gone(
        &mut self,
        dropped: &BTreeSet<QualName>,
        recreate: &BTreeSet<QualName>,
        out: &mut Vec<Delta<'a>>,
    ) {
        let (from, to) = (self.from, self.to);
        for name in dropped {
            let Some(f) = from.tables.get(name) else {
                continue;
            };
            let partitioning = recreate.contains(name).then(|| {
                AttrDelta::new(
                    Attribute::Partitioning,
                    f.partition_by.clone(),
                    to.tables.get(name).and_then(|t| t.partition_by.clone()),
                )
            });
            out.push(Delta {
                kind: ObjectKind::Table,
                object: name.to_string(),
                obj: Obj::TableGone {
                    table: f,
                    partitioning,
                },
            });
        }
    }

    /// `REPLICA IDENTITY` of the tables of `to` that differs from what they have (the default for a table
    /// created here, `dropped`: those dropped to be created again): an alter of
    /// [`Attribute::ReplicaIdentity`], shown for a table that stays.
    pub(super) fn replica_identities(
        &mut self,
        dropped: &BTreeSet<QualName>,
        out: &mut Vec<Delta<'a>>,
    ) {
        let (from, to) = (self.from, self.to);
        for (name, t) in &to.tables {
            let before = from
                .tables
                .get(name)
                .filter(|_| !dropped.contains(name))
                .map(|f| &f.replica_identity);
            if before.unwrap_or(&ReplicaIdentity::Default) == &t.replica_identity {
                continue;
            }
            let attr = before.map(|b| {
                AttrDelta::new(
                    Attribute::ReplicaIdentity,
                    Some(b.sql()),
                    Some(t.replica_identity.sql()),
                )
            });
            out.push(Delta {
                kind: ObjectKind::Table,
                object: name.to_string(),
                obj: Obj::ReplicaIdentity { table: t, attr },
            });
        }
    }
}

impl<'a> Comparer<'a> {
    /// Tables created, and kept tables changed, in name order (after `tables_gone`'s drops). `dropped`: the
    /// tables that go away, `recreated` those of them dropped to be created again (see [`dropped_tables`]),
    /// created here with no change shown (also when they did not change themselves); `retyped`: the types
    /// rebuilt in place.
    pub(super) fn tables(
        &mut self,
        dropped: &BTreeSet<QualName>,
        recreated: &BTreeSet<QualName>,
        retyped: &BTreeSet<QualName>,
        out: &mut Vec<Delta<'a>>,
    ) {
        let (from, to) = (self.from, self.to);
        let start = out.len();
        // A kept table's `CLUSTER ON` and policies wait until every table is compared: whether a partition's
        // key is added again depends on the parent indexes dropped, and a parent may sort after its
        // partition. (position in `out` after the table's other deltas, the table, its created keys, its
        // policies)
        let mut held = Vec::new();
        for (name, f, t) in pairs(&from.tables, &to.tables) {
            let Some(t) = t else { continue };
            match f {
                Some(f) if f == t && !recreated.contains(name) => {}
                Some(f) if !recreated.contains(name) => {
                    let (created, policies) = self.kept_table(f, t, retyped, out);
                    held.push((out.len(), f, t, created, policies));
                }
                _ => out.push(Delta {
                    kind: ObjectKind::Table,
                    object: name.to_string(),
                    obj: Obj::TableCreate {
                        table: t,
                        shown: !recreated.contains(name),
                    },
                }),
            }
        }
        self.added_again = self.keys_added_again(dropped);
        if held.is_empty() {
            return;
        }
        let mut rest = out.split_off(start).into_iter();
        let mut at = start;
        for (end, f, t, created, policies) in held {
            out.extend(rest.by_ref().take(end - at));
            at = end;
            out.extend(self.table_cluster(f, t, &created));
            out.extend(policies);
        }
        out.extend(rest);
    }

    /// The deltas of a table on both sides, in the order they are written: its own attributes, columns,
    /// constraints, indexes and triggers go to `out`; returned, the keys it creates (for its `CLUSTER ON`,
    /// which `tables` compares next, see [`Comparer::table_cluster`]) and its policies (written after it).
    fn kept_table(
        &mut self,
        f: &'a Table,
        t: &'a Table,
        retyped: &BTreeSet<QualName>,
        out: &mut Vec<Delta<'a>>,
    ) -> (BTreeSet<Key>, Vec<Delta<'a>>) {
        let name = &t.name;
        out.extend(self.table_attrs(f, t));
        let (columns, regenerated) = self.columns(f, t);
        out.extend(columns);
        let rebuilt = Rebuilt {
            regenerated: &regenerated,
            retyped,
        };
        let constraints = self.constraints(f, t, &rebuilt);
        let mut created = created_keys(&constraints);
        out.extend(constraints);
        let indexes = self.indexes(f, t, &rebuilt);
        created.extend(created_keys(&indexes));
        out.extend(indexes);
        out.extend(self.triggers(name, &f.triggers, &t.triggers));
        (created, self.policies(name, f, t).into_iter().collect())
    }
}

impl Comparer<'_> {
    /// The attributes of table `t` that differ from `f`, as one alter (none when nothing differs).
    pub(crate) fn table_attrs<'t>(&mut self, f: &'t Table, t: &'t Table) -> Option<Delta<'t>> {
        let obj = t.name.to_string();
        let mut attrs = Vec::new();
        if !self.same_partition(&obj, f.partition_of.as_ref(), t.partition_of.as_ref()) {
            let show = |p: &PartitionOf| format!("{} {}", p.parent, p.bound);
            attrs.push(AttrDelta::new(
                Attribute::PartitionOf,
                f.partition_of.as_ref().map(show),
                t.partition_of.as_ref().map(show),
            ));
        }
        if f.of_type != t.of_type {
            let show = |o: &Option<QualName>| o.as_ref().map(|q| q.to_string());
            attrs.push(AttrDelta::new(
                Attribute::OfType,
                show(&f.of_type),
                show(&t.of_type),
            ));
        }
        if f.inherits != t.inherits {
            let show = |x: &[QualName]| {
                Some(
                    x.iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            };
            attrs.push(AttrDelta::new(
                Attribute::Inherits,
                show(&f.inherits),
                show(&t.inherits),
            ));
        }
        if f.persistence != t.persistence {
            attrs.push(AttrDelta::new(
                Attribute::Persistence,
                Some(format!("{:?}", f.persistence).to_lowercase()),
                Some(format!("{:?}", t.persistence).to_lowercase()),
            ));
        }
        if !same_options(&f.options, &t.options) {
            attrs.push(AttrDelta::new(
                Attribute::Options,
                Some(f.options.join(", ")),
                Some(t.options.join(", ")),
            ));
        }
        if f.rls_enabled != t.rls_enabled {
            attrs.push(AttrDelta::new(
                Attribute::RlsEnabled,
                Some(f.rls_enabled.to_string()),
                Some(t.rls_enabled.to_string()),
            ));
        }
        if f.rls_forced != t.rls_forced {
            attrs.push(AttrDelta::new(
                Attribute::RlsForced,
                Some(f.rls_forced.to_string()),
                Some(t.rls_forced.to_string()),
            ));
        }
        attrs.extend(self.common(Some(AclKind::Table), &f.common, &t.common));
        alter(f, t, attrs).map(|delta| Delta {
            kind: ObjectKind::Table,
            object: obj,
            obj: Obj::Table(delta),
        })
    }

    /// The same parent and a bound of the same meaning (see [`Self::same_sql`]).
    pub(crate) fn same_partition(
        &mut self,
        object: &str,
        a: Option<&PartitionOf>,
        b: Option<&PartitionOf>,
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
}
