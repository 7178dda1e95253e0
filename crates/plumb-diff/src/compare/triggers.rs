//! Triggers of a table or view.

use std::collections::BTreeMap;

use plumb_model::{quote_ident, QualName, Trigger};

use super::{alter, AttrDelta, Comparer, Delta, Obj, ObjDelta};
use crate::differ::strip_stmt;
use crate::same::Sql;
use crate::{Attribute, ObjectKind};

impl Comparer<'_> {
    /// The triggers of relation `table` on both sides. A changed definition (or function) is an alter of
    /// [`Attribute::Definition`] alone: the trigger is dropped and created again.
    pub(crate) fn triggers<'t>(
        &mut self,
        table: &'t QualName,
        f: &'t BTreeMap<String, Trigger>,
        t: &'t BTreeMap<String, Trigger>,
    ) -> Vec<Delta<'t>> {
        let mut out = Vec::new();
        let delta = |tr: &Trigger, delta| Delta {
            kind: ObjectKind::Trigger,
            object: format!("{} on {table}", quote_ident(&tr.name)),
            obj: Obj::Trigger { table, delta },
        };
        for (n, tr) in f {
            let Some(tt) = t.get(n) else {
                out.push(delta(tr, ObjDelta::Drop(tr)));
                continue;
            };
            let tobj = format!("{} on {table}", quote_ident(n));
            let mut attrs = Vec::new();
            if !self.same_sql(
                Sql::Statement,
                ObjectKind::Trigger,
                &tobj,
                strip_stmt(&tr.definition),
                strip_stmt(&tt.definition),
            ) || tr.function != tt.function
                || tr.constraint != tt.constraint
            {
                attrs.push(AttrDelta::new(
                    Attribute::Definition,
                    Some(tr.definition.clone()),
                    Some(tt.definition.clone()),
                ));
            } else {
                if tr.enabled != tt.enabled {
                    attrs.push(AttrDelta::new(
                        Attribute::Enabled,
                        Some(tr.enabled.as_catalog().to_string()),
                        Some(tt.enabled.as_catalog().to_string()),
                    ));
                }
                attrs.extend(AttrDelta::comment(&tr.comment, &tt.comment));
            }
            out.extend(alter(tr, tt, attrs).map(|d| delta(tt, d)));
        }
        for (n, tr) in t {
            if !f.contains_key(n) {
                out.push(delta(tr, ObjDelta::Create(tr)));
            }
        }
        out
    }
}
