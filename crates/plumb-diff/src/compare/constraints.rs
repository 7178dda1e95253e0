//! Constraints of a table that stays (a new table's are written with its `CREATE TABLE`,
//! `Differ::create_table`).

use std::collections::BTreeSet;

use plumb_model::{quote_ident, Constraint, QualName, Table};

use super::{alter, refs_any, AttrDelta, Comparer, Delta, Obj, ObjDelta};
use crate::differ::{constraint_def_core, online_index, split_storage_params};
use crate::same::Sql;
use crate::{Attribute, ObjectKind};

impl Comparer<'_> {
    /// The local constraints of table `t` that differ from `f`'s: dropped in `f`'s order (with the kept ones
    /// altered), then created in `t`'s. `regenerated`: the columns dropped and added again (a constraint on
    /// one is too); `retyped`: the types rebuilt in place (a constraint naming one is added again). A kept
    /// constraint is an alter of [`Attribute::StorageParameters`] when only the storage parameters of the
    /// index behind it change (`ALTER INDEX`), of [`Attribute::Definition`] alone when it is dropped and
    /// added again, and otherwise of [`Attribute::Validated`] and [`Attribute::Comment`].
    pub(crate) fn constraints<'t>(
        &mut self,
        f: &'t Table,
        t: &'t Table,
        regenerated: &BTreeSet<String>,
        retyped: &BTreeSet<QualName>,
    ) -> Vec<Delta<'t>> {
        let name = &t.name;
        let mut out = Vec::new();
        let opts = self.opts;
        let delta = |c: &Constraint, delta| Delta {
            kind: ObjectKind::Constraint,
            object: format!("{} on {name}", quote_ident(&c.name)),
            obj: Obj::Constraint {
                table: t,
                twice: matches!(delta, ObjDelta::Create(_))
                    && online_index(opts, t, c, false).is_some(),
                delta,
            },
        };
        let touches = |cols: &[String]| cols.iter().any(|c| regenerated.contains(c));
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
            let params = c.kind == tc.kind
                && t.partition_by.is_none()
                && !touches(&c.columns)
                && c.validated == tc.validated
                && split_storage_params(constraint_def_core(c))
                    .zip(split_storage_params(constraint_def_core(tc)))
                    .is_some_and(|((a, ap), (b, bp))| ap != bp && a == b)
                && !refs_any(retyped, &c.definition);
            let mut attrs = Vec::new();
            if params {
                attrs.push(AttrDelta::new(
                    Attribute::StorageParameters,
                    Some(c.definition.clone()),
                    Some(tc.definition.clone()),
                ));
            }
            if !params
                && (c.kind != tc.kind
                    || !self.same_sql(
                        Sql::Constraint,
                        ObjectKind::Constraint,
                        &cobj,
                        constraint_def_core(c),
                        constraint_def_core(tc),
                    )
                    || touches(&c.columns)
                    || refs_any(retyped, &c.definition)
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
