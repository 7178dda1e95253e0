//! Views and materialized views: replaced in place when the columns allow, else dropped and created again;
//! their columns' comments, indexes, triggers and `CLUSTER ON`.

use plumb_model::{quote_ident, AclKind, View, ViewKind};

use super::Targets;
use crate::compare::{clustered, view_object_kind, ChangeSet, Obj, ObjDelta};
use crate::differ::{class, comment_sql, reloption, strip_stmt, Differ};
use crate::keys::Key;
use crate::{Action, Attribute, ObjectKind};

/// The kind of object a view is, its SQL keywords and its priority class.
pub(crate) fn view_kind(v: &View) -> (ObjectKind, &'static str, u8) {
    let kind = view_object_kind(v);
    match v.kind {
        ViewKind::View => (kind, "VIEW", class::VIEW),
        ViewKind::Materialized => (kind, "MATERIALIZED VIEW", class::MATVIEW),
    }
}

impl<'a> Differ<'a> {
    /// The deltas of views and of their columns, indexes, triggers and `CLUSTER ON`, in the change set's
    /// order.
    pub(crate) fn write_views(&mut self, cs: &ChangeSet<'a>) {
        // a table's triggers are written with the table (`ChangeSet::tables`)
        let tables = cs.tables.clone();
        for (_, d) in cs
            .deltas
            .iter()
            .enumerate()
            .filter(|(n, _)| !tables.contains(n))
        {
            match &d.obj {
                Obj::View { delta, recreate } => self.write_view(delta, *recreate),
                Obj::ViewColumn { view, attr } => {
                    let (kind, _, _) = view_kind(view);
                    let sql = vec![comment_sql(
                        &format!("COLUMN {}", d.object),
                        attr.to.as_deref(),
                    )];
                    self.alter_op(
                        Key::Relation(view.name.clone()),
                        kind,
                        &view.name.to_string(),
                        sql,
                        class::MISC,
                        None,
                    );
                }
                Obj::Index { table, delta } => match delta {
                    ObjDelta::Drop(i) => self.drop_index(table, i),
                    ObjDelta::Create(i) => self.create_index(table, i, false, false),
                    ObjDelta::Alter { .. } => {}
                },
                Obj::Trigger { table, delta } => self.write_trigger(table, delta),
                Obj::Cluster { view, .. } => {
                    self.write_cluster(&view.name, "MATERIALIZED VIEW", &view.indexes)
                }
                _ => {}
            }
        }
    }

    fn write_view(&mut self, delta: &ObjDelta<'a, View>, recreate: bool) {
        let (from, to, attrs) = match delta {
            ObjDelta::Drop(f) => return self.drop_view(f),
            ObjDelta::Create(t) => return self.create_view(t),
            ObjDelta::Alter { from, to, attrs } => (from, to, attrs),
        };
        let name = &to.name;
        let key = Key::Relation(name.clone());
        if recreate {
            self.drop_view(from);
            self.create_view(to);
            self.rebuilt.insert(key);
            return;
        }
        let (kind, kw, class) = view_kind(to);
        let obj = name.to_string();
        if attrs.iter().any(|a| a.attr == Attribute::Definition) {
            let def = strip_stmt(&to.definition);
            let sql = vec![format!("CREATE OR REPLACE VIEW {name} AS\n{def};")];
            self.alter_op(key.clone(), kind, &obj, sql, class, None);
        }
        let (target, table_target) = (format!("{kw} {name}"), format!("TABLE {name}"));
        let targets = Targets::new(&target, Some(&table_target));
        self.write_common(&key, kind, &obj, &targets, attrs, None);
    }

    pub(crate) fn create_view(&mut self, v: &View) {
        let (kind, kw, class) = view_kind(v);
        let name = &v.name;
        let obj = name.to_string();
        let with = if v.options.is_empty() {
            String::new()
        } else {
            format!(
                " WITH ({})",
                v.options
                    .iter()
                    .map(|o| reloption(o))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let def = strip_stmt(&v.definition);
        let mut sql = vec![format!("CREATE {kw} {name}{with} AS\n{def};")];
        for c in &v.columns {
            if let Some(text) = &c.comment {
                sql.push(comment_sql(
                    &format!("COLUMN {name}.{}", quote_ident(&c.name)),
                    Some(text),
                ));
            }
        }
        let target = format!("{kw} {name}");
        self.create_extras(
            &target,
            Some((AclKind::Table, &format!("TABLE {name}"))),
            &v.common,
            &mut sql,
        );
        self.op(
            Key::Relation(name.clone()),
            Action::Create,
            kind,
            &obj,
            sql,
            vec![],
            class,
            None,
        );
        for i in v.indexes.values() {
            self.create_index(name, i, true, false);
        }
        for tr in v.triggers.values() {
            self.create_trigger(name, tr);
        }
        if clustered(&v.indexes).is_some() {
            self.write_cluster(name, "MATERIALIZED VIEW", &v.indexes);
        }
    }

    pub(crate) fn drop_view(&mut self, v: &View) {
        let (kind, kw, class) = view_kind(v);
        let obj = v.name.to_string();
        self.op(
            Key::Relation(v.name.clone()),
            Action::Drop,
            kind,
            &obj,
            vec![format!("DROP {kw} {obj};")],
            vec![],
            class,
            None,
        );
        self.seeds.insert(Key::Relation(v.name.clone()));
    }
}
