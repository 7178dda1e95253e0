//! Views and materialized views, with their column comments, indexes, triggers and `CLUSTER ON`.

use std::collections::BTreeMap;

use plumb_model::{quote_ident, AclKind, Index, View, ViewKind};

use super::{alter, walk, AttrDelta, Comparer, Delta, Obj, ObjDelta};
use crate::differ::{same_options, strip_stmt};
use crate::same::Sql;
use crate::{Attribute, ObjectKind};

/// The kind of object a view is.
pub(crate) fn view_object_kind(v: &View) -> ObjectKind {
    match v.kind {
        ViewKind::View => ObjectKind::View,
        ViewKind::Materialized => ObjectKind::MaterializedView,
    }
}

/// The index a relation is marked `CLUSTER ON`.
pub(crate) fn clustered(m: &BTreeMap<String, Index>) -> Option<&String> {
    m.values().find(|i| i.clustered).map(|i| &i.name)
}

/// `CREATE OR REPLACE VIEW` can express the change: both plain views with the same options, the old columns a
/// prefix of the new ones.
fn replaceable(f: &View, t: &View) -> bool {
    let prefix = f.columns.len() <= t.columns.len()
        && f.columns
            .iter()
            .zip(&t.columns)
            .all(|(a, b)| a.name == b.name && a.type_name == b.type_name);
    f.kind == ViewKind::View
        && t.kind == ViewKind::View
        && same_options(&f.options, &t.options)
        && prefix
}

impl<'a> Comparer<'a> {
    /// A view whose definition changes is an alter of [`Attribute::Definition`]: replaced in place when it
    /// can be, else dropped and created again (`recreate`), with nothing else of it compared. Then its comment,
    /// owner and grants, its columns' comments, indexes (a changed one is dropped and created), triggers and
    /// `CLUSTER ON`, each its own delta.
    pub(super) fn views(&mut self, out: &mut Vec<Delta<'a>>) {
        let (from, to) = (self.from, self.to);
        let delta = |v: &View, delta, recreate| Delta {
            kind: view_object_kind(v),
            object: v.name.to_string(),
            obj: Obj::View { delta, recreate },
        };
        for (name, pair) in walk(&from.views, &to.views) {
            let Some((f, t)) = pair.kept(out, |x, d| delta(x, d, false)) else {
                continue;
            };
            let kind = view_object_kind(t);
            let obj = name.to_string();
            let def_changes = !self.same_sql(
                Sql::Statement,
                kind,
                &obj,
                strip_stmt(&f.definition),
                strip_stmt(&t.definition),
            );
            let columns_change = !self.same_view_columns(kind, &obj, f, t);
            let mut attrs = Vec::new();
            if f.kind != t.kind
                || def_changes
                || !same_options(&f.options, &t.options)
                || columns_change
            {
                attrs.push(AttrDelta::new(
                    Attribute::Definition,
                    Some(f.definition.clone()),
                    Some(t.definition.clone()),
                ));
                if !replaceable(f, t) {
                    out.push(delta(
                        t,
                        ObjDelta::Alter {
                            from: f,
                            to: t,
                            attrs,
                        },
                        true,
                    ));
                    continue;
                }
            }
            attrs.extend(self.common(Some(AclKind::Table), &f.common, &t.common));
            out.extend(alter(f, t, attrs).map(|d| delta(t, d, false)));
            for tc in &t.columns {
                let fcm = f
                    .columns
                    .iter()
                    .find(|c| c.name == tc.name)
                    .and_then(|c| c.comment.clone());
                if fcm != tc.comment {
                    out.push(Delta {
                        kind: ObjectKind::Column,
                        object: format!("{name}.{}", quote_ident(&tc.name)),
                        obj: Obj::ViewColumn {
                            view: t,
                            attr: AttrDelta::new(Attribute::Comment, fcm, tc.comment.clone()),
                        },
                    });
                }
            }
            let index = |i: &Index, delta| Delta {
                kind: ObjectKind::Index,
                object: format!("{}.{}", quote_ident(&name.schema), quote_ident(&i.name)),
                obj: Obj::Index { table: name, delta },
            };
            let mut created = Vec::new();
            for (n, i) in &f.indexes {
                match t.indexes.get(n) {
                    None => out.push(index(i, ObjDelta::Drop(i))),
                    Some(ti)
                        if !self.same_sql(
                            Sql::Statement,
                            ObjectKind::Index,
                            &format!("{}.{}", quote_ident(&name.schema), quote_ident(n)),
                            strip_stmt(&i.definition),
                            strip_stmt(&ti.definition),
                        ) =>
                    {
                        out.push(index(i, ObjDelta::Drop(i)));
                        out.push(index(ti, ObjDelta::Create(ti)));
                        created.push(n);
                    }
                    _ => {}
                }
            }
            for (n, i) in &t.indexes {
                if !f.indexes.contains_key(n) {
                    out.push(index(i, ObjDelta::Create(i)));
                    created.push(n);
                }
            }
            out.extend(self.triggers(name, &f.triggers, &t.triggers));
            // `CLUSTER ON` an index created again is marked anew
            let (was, will) = (clustered(&f.indexes), clustered(&t.indexes));
            if was != will || will.is_some_and(|n| created.contains(&n)) {
                let or_none =
                    |v: Option<&String>| Some(v.map_or("none".into(), |n| quote_ident(n)));
                out.push(Delta {
                    kind: ObjectKind::MaterializedView,
                    object: obj,
                    obj: Obj::Cluster {
                        view: t,
                        attr: AttrDelta::new(
                            Attribute::ClusteredOnIndex,
                            or_none(was),
                            or_none(will),
                        ),
                    },
                });
            }
        }
    }

    /// The same column names and types. A view's column types follow from its query and the types of what
    /// it reads, both compared on their own; declared SQL read offline cannot always infer them (an aggregate
    /// the model lacks, the common type of a UNION's branches), so offline a type that differs is
    /// uncertain, not a change.
    fn same_view_columns(&mut self, kind: ObjectKind, object: &str, f: &View, t: &View) -> bool {
        if f.columns.len() != t.columns.len() {
            return false;
        }
        let mut unknown = Vec::new();
        for (a, b) in f.columns.iter().zip(&t.columns) {
            if a.name != b.name {
                return false;
            }
            if a.type_name != b.type_name {
                if self.both_live() {
                    return false;
                }
                unknown.push(a.name.clone());
            }
        }
        if !unknown.is_empty() {
            self.note_uncertain(
                kind,
                object,
                format!(
                    "the type of column(s) {} cannot be inferred offline",
                    unknown.join(", ")
                ),
            );
        }
        true
    }
}
