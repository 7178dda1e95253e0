//! Indexes of a table that stays that belong to no constraint and no parent index (a new table's are
//! created with it, `Differ::create_table`), the index it is clustered on, and partition indexes (see
//! [`Comparer::partition_indexes`]).

use std::collections::BTreeSet;

use plumb_model::{quote_ident, Constraint, ConstraintKind, Index, QualName, Table};

use super::constraints::storage_params_only;
use super::{alter, clustered, AttrDelta, Comparer, Delta, Obj, ObjDelta, Rebuilt};
use crate::differ::{online_index, strip_stmt};
use crate::keys::Key;
use crate::same::Sql;
use crate::{Attribute, ObjectKind};

/// An index of its table's own: not behind a constraint, not the partition of a parent index.
fn own(i: &&Index) -> bool {
    i.constraint.is_none() && i.parent_index.is_none()
}

fn same(a: &Index, b: &Index) -> bool {
    strip_stmt(&a.definition) == strip_stmt(&b.definition)
}

impl Comparer<'_> {
    /// The own indexes of table `t` that differ from `f`'s: dropped in `f`'s order (with the kept ones
    /// altered), then created in `t`'s. One that becomes the partition index of a parent index with the same
    /// definition is attached by `partition_indexes`, not dropped; a partition index that stays standalone
    /// when its partition is detached is not created. `rebuilt` as for
    /// [`Self::constraints`]. A kept index is an alter of [`Attribute::StorageParameters`] when only its
    /// storage parameters change (`ALTER INDEX`), of [`Attribute::Definition`] alone when it is dropped and
    /// created again, or of [`Attribute::Comment`].
    pub(crate) fn indexes<'t>(
        &mut self,
        f: &'t Table,
        t: &'t Table,
        rebuilt: &Rebuilt<'_>,
    ) -> Vec<Delta<'t>> {
        let name = &t.name;
        let mut out = Vec::new();
        let delta = |i: &Index, delta| Delta {
            kind: ObjectKind::Index,
            object: format!("{}.{}", quote_ident(&name.schema), quote_ident(&i.name)),
            obj: Obj::TableIndex { table: t, delta },
        };
        for (n, i) in f.indexes.iter().filter(|(_, i)| own(i)) {
            let ti = match t.indexes.get(n).filter(own) {
                // becomes the partition index of a parent index: attached, not rebuilt
                None if t.indexes.get(n).is_some_and(|x| {
                    x.constraint.is_none() && x.parent_index.is_some() && same(x, i)
                }) =>
                {
                    continue
                }
                None => {
                    self.dropped_indexes.insert((name.clone(), n.clone()));
                    out.push(delta(i, ObjDelta::Drop(i)));
                    continue;
                }
                Some(ti) => ti,
            };
            let iobj = format!("{}.{}", quote_ident(&name.schema), quote_ident(n));
            let params = (t.partition_by.is_none()
                && !rebuilt.touches(&i.columns)
                && !rebuilt.names_retyped(&i.definition))
            .then(|| {
                storage_params_only(
                    (strip_stmt(&i.definition), strip_stmt(&ti.definition)),
                    (&i.definition, &ti.definition),
                )
            })
            .flatten();
            let mut attrs: Vec<AttrDelta> = params.into_iter().collect();
            let params = !attrs.is_empty();
            if !params
                && (!self.same_sql(
                    Sql::Statement,
                    ObjectKind::Index,
                    &iobj,
                    strip_stmt(&i.definition),
                    strip_stmt(&ti.definition),
                ) || rebuilt.touches(&i.columns)
                    || rebuilt.names_retyped(&i.definition))
            {
                attrs.push(AttrDelta::new(
                    Attribute::Definition,
                    Some(i.definition.clone()),
                    Some(ti.definition.clone()),
                ));
            } else {
                attrs.extend(AttrDelta::comment(&i.comment, &ti.comment));
            }
            if attrs.iter().any(|a| a.attr == Attribute::Definition) {
                self.dropped_indexes.insert((name.clone(), n.clone()));
            }
            out.extend(alter(i, ti, attrs).map(|d| delta(ti, d)));
        }
        for (n, i) in t.indexes.iter().filter(|(_, i)| own(i)) {
            // a partition index stays, standalone, when its partition is detached
            let kept = f.indexes.get(n).is_some_and(|x| {
                x.constraint.is_none()
                    && x.parent_index.is_some()
                    && same(x, i)
                    && t.partition_of.is_none()
            });
            if !kept && !f.indexes.get(n).is_some_and(|x| own(&x)) {
                out.push(delta(i, ObjDelta::Create(i)));
            }
        }
        out
    }
}

/// The keys of the constraints and indexes among `deltas` (of one table) that are created, or dropped and
/// created again.
pub(crate) fn created_keys(deltas: &[Delta<'_>]) -> BTreeSet<Key> {
    deltas
        .iter()
        .filter_map(|d| match &d.obj {
            Obj::Constraint { table, delta, .. } => {
                created(delta).map(|c| Key::Constraint(table.name.clone(), c.name.clone()))
            }
            Obj::TableIndex { table, delta } => {
                created(delta).map(|i| Key::Index(table.name.clone(), i.name.clone()))
            }
            _ => None,
        })
        .collect()
}

impl Comparer<'_> {
    /// `CLUSTER ON` of table `t` (kept): a change of [`Attribute::ClusteredOnIndex`] when the index it is
    /// clustered on differs from `f`'s, or is the same but created again (a new index is not marked): by this
    /// table's constraints and indexes (`created`, see [`created_keys`]), or as a partition's key attached to
    /// an index of its parent that was dropped (`DROP INDEX ... CASCADE` takes the key, which is added again).
    pub(crate) fn table_cluster<'t>(
        &mut self,
        f: &'t Table,
        t: &'t Table,
        created: &BTreeSet<Key>,
    ) -> Option<Delta<'t>> {
        let name = &t.name;
        let (was, will) = (clustered(&f.indexes), clustered(&t.indexes));
        match will {
            Some(n) => {
                let con = t.indexes.get(n).and_then(|i| i.constraint.as_ref());
                let again = created.contains(&Key::Index(name.clone(), n.clone()))
                    || con.is_some_and(|c| {
                        let key = Key::Constraint(name.clone(), c.clone());
                        created.contains(&key) || self.added_again.contains(&key)
                    });
                if was == Some(n) && !again {
                    return None;
                }
            }
            None if was.is_some() => {}
            None => return None,
        }
        let or_none = |v: Option<&String>| Some(v.map_or("none".into(), |n| quote_ident(n)));
        Some(Delta {
            kind: ObjectKind::Table,
            object: name.to_string(),
            obj: Obj::TableCluster {
                table: t,
                attr: AttrDelta::new(Attribute::ClusteredOnIndex, or_none(was), or_none(will)),
            },
        })
    }

    /// The partitions' own keys (local, unchanged, on a partition that stays) attached to an index of their
    /// parent that is dropped ([`Self::dropped_indexes`]): `DROP INDEX ... CASCADE` takes them and the
    /// writer adds them again (`Differ::drop_index`). `dropped`: the tables that go away.
    pub(super) fn keys_added_again(&self, dropped: &BTreeSet<QualName>) -> BTreeSet<Key> {
        let mut out = BTreeSet::new();
        for (pn, iname) in &self.dropped_indexes {
            let parent = QualName::new(pn.schema.clone(), iname.clone());
            for p in self.from.tables.values() {
                if p.partition_of.as_ref().is_none_or(|po| &po.parent != pn) {
                    continue;
                }
                for cn in p
                    .indexes
                    .values()
                    .filter(|x| x.parent_index.as_ref() == Some(&parent))
                    .filter_map(|x| x.constraint.as_ref())
                {
                    let Some(c) = p.constraints.get(cn).filter(|c| c.is_local) else {
                        continue;
                    };
                    let kept = self
                        .to
                        .tables
                        .get(&p.name)
                        .filter(|_| !dropped.contains(&p.name))
                        .and_then(|t| t.constraints.get(cn));
                    if kept == Some(c) {
                        out.insert(Key::Constraint(p.name.clone(), cn.clone()));
                    }
                }
            }
        }
        out
    }
}

/// What is done to an index of a partition attached to a parent index (see [`Comparer::partition_indexes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PartitionStep {
    /// A standalone index of the same definition attached (`ALTER INDEX parent ATTACH PARTITION index`).
    AttachIndex,
    /// Created (`new_table`: with its table) and attached.
    CreateIndex { new_table: bool },
    /// The partition's own key (this constraint) behind the index attached.
    AttachKey(String),
}

impl<'a> Comparer<'a> {
    /// Indexes of partitions that belong to an index of the parent, done the way `pg_dump` does it (written
    /// by `Differ::write_partition_index`). The parent index is created `ON ONLY` the partitioned table;
    /// each partition index is then created under its own name and attached. A standalone index that
    /// becomes a partition index of the same definition is attached, not rebuilt; a partition created or
    /// attached here under a parent index that exists already gets its indexes from PostgreSQL. `tables`:
    /// the deltas of the tables created and kept (what they create); `dropped`: the tables that go away.
    pub(super) fn partition_indexes(
        &mut self,
        tables: &[Delta<'a>],
        dropped: &BTreeSet<QualName>,
        out: &mut Vec<Delta<'a>>,
    ) {
        let (from, to) = (self.from, self.to);
        let (mut created, keys) = self.created_before_partitions(tables);
        // partitions of partitions after their parents: a partition index created here can be the parent
        // of the next level's
        let depth = |mut q: &'a QualName| {
            let mut d = 0usize;
            while let Some(p) = to.tables.get(q).and_then(|t| t.partition_of.as_ref()) {
                q = &p.parent;
                d += 1;
                if d > to.tables.len() {
                    break; // a cycle cannot come from a catalog; do not loop on a hand-made model
                }
            }
            d
        };
        let mut partitions: Vec<(usize, &QualName, &Table)> = to
            .tables
            .iter()
            .filter(|(_, t)| t.partition_of.is_some())
            .map(|(n, t)| (depth(n), n, t))
            .collect();
        partitions.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        let delta = |t: &'a Table, i: &'a Index, step, attr: Option<AttrDelta>, shown| Delta {
            kind: match step {
                PartitionStep::AttachKey(_) => ObjectKind::Constraint,
                _ => ObjectKind::Index,
            },
            object: match &step {
                PartitionStep::AttachKey(cn) => format!("{} on {}", quote_ident(cn), t.name),
                _ => format!("{}.{}", quote_ident(&t.name.schema), quote_ident(&i.name)),
            },
            obj: Obj::PartitionIndex {
                table: t,
                index: i,
                step,
                attr,
                shown_create: shown,
            },
        };
        for (_, tn, t) in partitions {
            let Some(p) = &t.partition_of else { continue };
            let ft = from.tables.get(tn).filter(|_| !dropped.contains(tn));
            for i in t.indexes.values() {
                let Some(pi) = &i.parent_index else { continue };
                let parent_attr = || {
                    Some(AttrDelta::new(
                        Attribute::ParentIndex,
                        None,
                        Some(pi.to_string()),
                    ))
                };
                if let Some(cn) = &i.constraint {
                    if let Some(attached) =
                        self.attach_local_key(tn, t, ft, i, cn, pi, &created, &keys)
                    {
                        let attr = if attached { None } else { parent_attr() };
                        out.push(delta(
                            t,
                            i,
                            PartitionStep::AttachKey(cn.clone()),
                            attr,
                            false,
                        ));
                    }
                    continue;
                }
                let fi = ft.and_then(|f| f.indexes.get(&i.name));
                let standalone = fi.is_some_and(|x| {
                    x.parent_index.is_none()
                        && x.constraint.is_none()
                        && strip_stmt(&x.definition) == strip_stmt(&i.definition)
                });
                let parent_created = created.contains(&(p.parent.clone(), pi.name.clone()));
                // the partition is created or attached here: PostgreSQL clones the parent's indexes
                let joins = match ft {
                    None => true,
                    Some(f) => !self.same_partition(
                        &tn.to_string(),
                        f.partition_of.as_ref(),
                        t.partition_of.as_ref(),
                    ),
                };
                let missing = fi.is_none() && !joins;
                if standalone {
                    // ATTACH PARTITION of the table attaches its matching indexes itself
                    if !parent_created && ft.is_some() && joins {
                        continue;
                    }
                    out.push(delta(
                        t,
                        i,
                        PartitionStep::AttachIndex,
                        parent_attr(),
                        false,
                    ));
                } else if parent_created || missing {
                    created.insert((tn.clone(), i.name.clone()));
                    let step = PartitionStep::CreateIndex {
                        new_table: ft.is_none(),
                    };
                    out.push(delta(t, i, step, None, fi.is_none()));
                }
                // otherwise PostgreSQL creates or attaches it when the partition is created or attached
            }
        }
    }

    /// The indexes (by table and name) and constraints the plan creates before partition indexes: with the
    /// tables created, by the kept tables' deltas (with `--online`, a key's index is built first), and the
    /// partitions' own keys a `DROP INDEX ... CASCADE` of their parent's index takes and that are added again
    /// ([`Self::added_again`]).
    #[allow(clippy::type_complexity)]
    fn created_before_partitions(
        &self,
        tables: &[Delta<'a>],
    ) -> (BTreeSet<(QualName, String)>, BTreeSet<Key>) {
        let (mut indexes, mut keys) = (BTreeSet::new(), BTreeSet::new());
        // a constraint added (to a new table or not): with --online a key's index is built first
        let mut key = |t: &Table, c: &Constraint, new_table: bool| {
            keys.insert(Key::Constraint(t.name.clone(), c.name.clone()));
            online_index(self.opts, t, c, new_table).map(|i| (t.name.clone(), i.name.clone()))
        };
        for d in tables {
            match &d.obj {
                Obj::TableCreate { table: t, .. } => {
                    for i in t.indexes.values() {
                        if i.constraint.is_none() && i.parent_index.is_none() {
                            indexes.insert((t.name.clone(), i.name.clone()));
                        }
                    }
                    for c in t.constraints.values() {
                        if c.is_local && (c.kind == ConstraintKind::ForeignKey || !c.validated) {
                            indexes.extend(key(t, c, true));
                        }
                    }
                }
                Obj::Constraint { table, delta, .. } => {
                    if let Some(c) = created(delta) {
                        indexes.extend(key(table, c, false));
                    }
                }
                Obj::TableIndex { table, delta } => {
                    if let Some(i) = created(delta) {
                        indexes.insert((table.name.clone(), i.name.clone()));
                    }
                }
                _ => {}
            }
        }
        for k in &self.added_again {
            let Key::Constraint(tn, cn) = k else { continue };
            let kept = self.to.tables.get(tn);
            if let Some((t, c)) = kept.and_then(|t| t.constraints.get(cn).map(|c| (t, c))) {
                indexes.extend(key(t, c, false));
            }
        }
        (indexes, keys)
    }

    /// A partition's own PRIMARY KEY / UNIQUE constraint (local, not inherited from a key of the parent)
    /// whose index is attached to an index of the parent: PostgreSQL does not attach it when the key or the
    /// parent index is created, so the plan does, after both (the key's dependency on the parent index:
    /// `keys::Index::deps`). A partition created or attached here under a parent index that exists already
    /// gets its indexes from PostgreSQL instead. `Some(attached)`: the key is attached (`attached`: it was
    /// already, no change shown); `created` and `keys`: the indexes and constraints created before.
    #[allow(clippy::too_many_arguments)]
    fn attach_local_key(
        &mut self,
        tn: &QualName,
        t: &Table,
        ft: Option<&Table>,
        i: &Index,
        cn: &str,
        pi: &QualName,
        created: &BTreeSet<(QualName, String)>,
        keys: &BTreeSet<Key>,
    ) -> Option<bool> {
        let p = t.partition_of.as_ref()?;
        if !t.constraints.get(cn).is_some_and(|c| c.is_local) {
            return None;
        }
        let parent_created = created.contains(&(p.parent.clone(), pi.name.clone()));
        // a partition created or attached here, under a parent index that exists already, gets that index's
        // partition from PostgreSQL
        let joins = ft.is_none_or(|f| {
            !self.same_partition(&tn.to_string(), f.partition_of.as_ref(), Some(p))
        });
        if joins && !parent_created {
            return None;
        }
        let key_created = keys.contains(&Key::Constraint(tn.clone(), cn.to_string()));
        let attached = !joins
            && ft
                .and_then(|f| f.indexes.get(&i.name))
                .is_some_and(|x| x.parent_index.as_ref() == Some(pi));
        if attached && !key_created && !parent_created {
            return None;
        }
        Some(attached)
    }
}

/// The object a delta of a constraint or index creates (or drops and creates again).
fn created<'x, T>(d: &'x ObjDelta<'_, T>) -> Option<&'x T> {
    match d {
        ObjDelta::Create(x) => Some(x),
        ObjDelta::Alter { to, attrs, .. }
            if attrs.iter().any(|a| a.attr == Attribute::Definition) =>
        {
            Some(to)
        }
        _ => None,
    }
}
