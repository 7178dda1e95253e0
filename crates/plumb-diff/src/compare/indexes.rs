//! Indexes of a table that stays that belong to no constraint and no parent index (a new table's are
//! created with it, `Differ::create_table`; partition indexes are still the walk's,
//! `Differ::partition_indexes`), and the index it is clustered on.

use std::collections::BTreeSet;

use plumb_model::{quote_ident, Index, QualName, Table};

use super::{alter, clustered, refs_any, AttrDelta, Comparer, Delta, Obj, ObjDelta};
use crate::differ::{split_storage_params, strip_stmt};
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
    /// when its partition is detached is not created. `regenerated` and `retyped` as for
    /// [`Self::constraints`]. A kept index is an alter of [`Attribute::StorageParameters`] when only its
    /// storage parameters change (`ALTER INDEX`), of [`Attribute::Definition`] alone when it is dropped and
    /// created again, or of [`Attribute::Comment`].
    pub(crate) fn indexes<'t>(
        &mut self,
        f: &'t Table,
        t: &'t Table,
        regenerated: &BTreeSet<String>,
        retyped: &BTreeSet<QualName>,
    ) -> Vec<Delta<'t>> {
        let name = &t.name;
        let mut out = Vec::new();
        let delta = |i: &Index, delta| Delta {
            kind: ObjectKind::Index,
            object: format!("{}.{}", quote_ident(&name.schema), quote_ident(&i.name)),
            obj: Obj::TableIndex { table: t, delta },
        };
        let touches = |cols: &[String]| cols.iter().any(|c| regenerated.contains(c));
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
            let params = t.partition_by.is_none()
                && !touches(&i.columns)
                && !refs_any(retyped, &i.definition)
                && split_storage_params(strip_stmt(&i.definition))
                    .zip(split_storage_params(strip_stmt(&ti.definition)))
                    .is_some_and(|((a, ap), (b, bp))| ap != bp && a == b);
            let mut attrs = Vec::new();
            if params {
                attrs.push(AttrDelta::new(
                    Attribute::StorageParameters,
                    Some(i.definition.clone()),
                    Some(ti.definition.clone()),
                ));
            }
            if !params
                && (!self.same_sql(
                    Sql::Statement,
                    ObjectKind::Index,
                    &iobj,
                    strip_stmt(&i.definition),
                    strip_stmt(&ti.definition),
                ) || touches(&i.columns)
                    || refs_any(retyped, &i.definition))
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
                        created.contains(&Key::Constraint(name.clone(), c.clone()))
                            || self.key_added_again(f, t, c)
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

    /// Whether the local key `con` of partition `f` (kept, unchanged) is attached to an index of its parent
    /// that a table compared before dropped: `DROP INDEX ... CASCADE` takes it and the writer adds it again
    /// (`Differ::drop_index`).
    fn key_added_again(&self, f: &Table, t: &Table, con: &str) -> bool {
        let Some(p) = &f.partition_of else {
            return false;
        };
        let Some(fc) = f.constraints.get(con).filter(|c| c.is_local) else {
            return false;
        };
        t.constraints.get(con) == Some(fc)
            && f.indexes.values().any(|x| {
                x.constraint.as_deref() == Some(con)
                    && x.parent_index.as_ref().is_some_and(|pi| {
                        pi.schema == p.parent.schema
                            && self
                                .dropped_indexes
                                .contains(&(p.parent.clone(), pi.name.clone()))
                    })
            })
    }
}
