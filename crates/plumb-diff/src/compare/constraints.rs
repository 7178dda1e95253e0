//! Constraints of a table that stays (a new table's are written with its `CREATE TABLE`,
//! `Differ::create_table`).

use std::collections::BTreeSet;

use plumb_model::{quote_ident, Constraint, QualName, Table};

use super::{alter, refs_any, AttrDelta, Comparer, Delta, Obj, ObjDelta};
use crate::differ::{constraint_def_core, split_storage_params};
use crate::same::Sql;
use crate::{Attribute, ObjectKind};

/// What a kept table's constraints and indexes are added again for, whatever else of them changes.
pub(crate) struct Rebuilt<'r> {
    /// The columns dropped and added again (a generated column whose expression changes).
    pub regenerated: &'r BTreeSet<String>,
    /// The types rebuilt in place.
    pub retyped: &'r BTreeSet<QualName>,
}

impl Rebuilt<'_> {
    /// Whether one of `columns` is dropped and added again.
    pub(crate) fn touches(&self, columns: &[String]) -> bool {
        columns.iter().any(|c| self.regenerated.contains(c))
    }

    /// Whether `definition` names a type rebuilt in place.
    pub(crate) fn names_retyped(&self, definition: &str) -> bool {
        refs_any(self.retyped, definition)
    }
}

/// [`Attribute::StorageParameters`] (showing the definitions `shown`) when the definitions `cores` of a
/// constraint or index differ in their storage parameters alone (changed in place: `ALTER INDEX`).
pub(crate) fn storage_params_only(
    (a, b): (&str, &str),
    (from, to): (&str, &str),
) -> Option<AttrDelta> {
    let ((a, ap), (b, bp)) = split_storage_params(a).zip(split_storage_params(b))?;
    (ap != bp && a == b).then(|| {
        AttrDelta::new(
            Attribute::StorageParameters,
            Some(from.to_string()),
            Some(to.to_string()),
        )
    })
}

impl Comparer<'_> {
    /// The local constraints of table `t` that differ from `f`'s: dropped in `f`'s order (with the kept ones
    /// altered), then created in `t`'s. A constraint on a column dropped and added again, or naming a type
    /// rebuilt in place, is added again (`rebuilt`). A kept
    /// constraint is an alter of [`Attribute::StorageParameters`] when only the storage parameters of the
    /// index behind it change (`ALTER INDEX`), of [`Attribute::Definition`] alone when it is dropped and
    /// added again, and otherwise of [`Attribute::Validated`] and [`Attribute::Comment`].
    pub(crate) fn constraints<'t>(
        &mut self,
        f: &'t Table,
        t: &'t Table,
        rebuilt: &Rebuilt<'_>,
    ) -> Vec<Delta<'t>> {
        let name = &t.name;
        let mut out = Vec::new();
        let delta = |c: &Constraint, delta| Delta {
            kind: ObjectKind::Constraint,
            object: format!("{} on {name}", quote_ident(&c.name)),
            obj: Obj::Constraint { table: t, delta },
        };
        for (cn, c) in &f.constraints {
            if !c.is_local {
                continue;
            }
            let Some(tc) = t.constraints.get(cn).filter(|x| x.is_local) else {
                out.push(delta(c, ObjDelta::Drop(c)));
                continue;
            };
            let cobj = format!("{} on {name}", quote_ident(cn));
            // only the storage parameters of the index behind the key change: ALTER INDEX
            let params = (c.kind == tc.kind
                && t.partition_by.is_none()
                && !rebuilt.touches(&c.columns)
                && c.validated == tc.validated
                && !rebuilt.names_retyped(&c.definition))
            .then(|| {
                storage_params_only(
                    (constraint_def_core(c), constraint_def_core(tc)),
                    (&c.definition, &tc.definition),
                )
            })
            .flatten();
            let mut attrs: Vec<AttrDelta> = params.into_iter().collect();
            let params = !attrs.is_empty();
            if !params
                && (c.kind != tc.kind
                    || !self.same_sql(
                        Sql::Constraint,
                        ObjectKind::Constraint,
                        &cobj,
                        constraint_def_core(c),
                        constraint_def_core(tc),
                    )
                    || rebuilt.touches(&c.columns)
                    || rebuilt.names_retyped(&c.definition)
                    || (c.validated && !tc.validated))
            {
                attrs.push(AttrDelta::new(
                    Attribute::Definition,
                    Some(c.definition.clone()),
                    Some(tc.definition.clone()),
                ));
            } else {
                if !c.validated && tc.validated {
                    attrs.push(AttrDelta::new(
                        Attribute::Validated,
                        Some("false".into()),
                        Some("true".into()),
                    ));
                }
                attrs.extend(AttrDelta::comment(&c.comment, &tc.comment));
            }
            out.extend(alter(c, tc, attrs).map(|d| delta(tc, d)));
        }
        for (cn, c) in &t.constraints {
            if c.is_local && !f.constraints.get(cn).is_some_and(|x| x.is_local) {
                out.push(delta(c, ObjDelta::Create(c)));
            }
        }
        out
    }
}
