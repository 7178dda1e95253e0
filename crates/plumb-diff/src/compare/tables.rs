//! Tables: the attributes of a table that stays (partition membership, typed table, inheritance,
//! persistence, storage parameters, row-level security, comment, owner, grants). Which tables are created,
//! dropped or created again, and their columns, constraints and indexes, are still the walk's
//! (`crate::differ`).

use plumb_model::{AclKind, PartitionOf, QualName, Table};

use super::{alter, AttrDelta, Comparer, Delta, Obj};
use crate::differ::same_options;
use crate::same::Sql;
use crate::{Attribute, ObjectKind};

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
