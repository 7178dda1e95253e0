//! Row-level security policies of a table.

use std::collections::BTreeSet;

use plumb_model::{quote_ident, Policy, QualName, Table};

use super::{alter, AttrDelta, Comparer, Delta, Obj, ObjDelta};
use crate::same::Sql;
use crate::{Attribute, ObjectKind};

impl Comparer<'_> {
    /// The policies of table `name` on both sides. A policy whose command or kind changes, or that loses its
    /// `USING` or `WITH CHECK`, is an alter of [`Attribute::Definition`] (no values shown) and is dropped and
    /// created again (`recreate`). So is one that uses a column dropped or converted here (PostgreSQL refuses
    /// to drop or convert a column a policy uses), even when it did not change itself: then with no attribute.
    pub(crate) fn policies<'t>(
        &mut self,
        name: &'t QualName,
        f: &'t Table,
        t: &'t Table,
    ) -> Vec<Delta<'t>> {
        let mut out = Vec::new();
        let delta = |p: &Policy, delta, recreate| Delta {
            kind: ObjectKind::Policy,
            object: format!("{} on {name}", quote_ident(&p.name)),
            obj: Obj::Policy {
                table: name,
                delta,
                recreate,
            },
        };
        for (n, p) in &f.policies {
            let uses_changed_column = {
                let mut words = BTreeSet::new();
                for e in p.using.iter().chain(p.with_check.iter()) {
                    words.extend(crate::keys::words_in(e));
                }
                f.columns.iter().any(|c| {
                    words.contains(&c.name)
                        && t.column(&c.name)
                            .is_none_or(|tc| tc.type_name != c.type_name)
                })
            };
            let Some(tp) = t.policies.get(n) else {
                out.push(delta(p, ObjDelta::Drop(p), false));
                continue;
            };
            if tp == p {
                if uses_changed_column {
                    let rebuild = ObjDelta::Alter {
                        from: p,
                        to: tp,
                        attrs: Vec::new(),
                    };
                    out.push(delta(tp, rebuild, true));
                }
                continue;
            }
            let pobj = format!("{} on {name}", quote_ident(n));
            let using_same = self.same_sql_opt(
                Sql::Expr,
                ObjectKind::Policy,
                &pobj,
                p.using.as_deref(),
                tp.using.as_deref(),
            );
            let check_same = self.same_sql_opt(
                Sql::Expr,
                ObjectKind::Policy,
                &pobj,
                p.with_check.as_deref(),
                tp.with_check.as_deref(),
            );
            let recreate = uses_changed_column
                || p.command != tp.command
                || p.permissive != tp.permissive
                || (p.using.is_some() && tp.using.is_none())
                || (p.with_check.is_some() && tp.with_check.is_none());
            let mut attrs = Vec::new();
            if recreate {
                attrs.push(AttrDelta::new(Attribute::Definition, None, None));
            } else {
                if p.roles != tp.roles {
                    attrs.push(AttrDelta::new(
                        Attribute::Roles,
                        Some(p.roles.join(", ")),
                        Some(tp.roles.join(", ")),
                    ));
                }
                if !using_same {
                    attrs.push(AttrDelta::new(
                        Attribute::Using,
                        p.using.clone(),
                        tp.using.clone(),
                    ));
                }
                if !check_same {
                    attrs.push(AttrDelta::new(
                        Attribute::WithCheck,
                        p.with_check.clone(),
                        tp.with_check.clone(),
                    ));
                }
                attrs.extend(AttrDelta::comment(&p.comment, &tp.comment));
            }
            out.extend(alter(p, tp, attrs).map(|d| delta(tp, d, recreate)));
        }
        for (n, p) in &t.policies {
            if !f.policies.contains_key(n) {
                out.push(delta(p, ObjDelta::Create(p), false));
            }
        }
        out
    }
}
