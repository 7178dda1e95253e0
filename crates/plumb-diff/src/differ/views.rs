//! Views and materialized views: replace when the columns allow, else drop and create.

use super::*;

pub(super) fn view_kind(v: &View) -> (ObjectKind, &'static str, u8) {
    match v.kind {
        ViewKind::View => (ObjectKind::View, "VIEW", class::VIEW),
        ViewKind::Materialized => (
            ObjectKind::MaterializedView,
            "MATERIALIZED VIEW",
            class::MATVIEW,
        ),
    }
}

impl<'a> Differ<'a> {
    /// The same column names and types. A view's column types follow from its query and the types of what
    /// it reads, both compared on their own; declared SQL read offline cannot always infer them (an aggregate
    /// the model lacks, the common type of a UNION's branches), so offline a type that differs is
    /// uncertain, not a change.
    pub(super) fn same_view_columns(
        &mut self,
        kind: ObjectKind,
        object: &str,
        f: &View,
        t: &View,
    ) -> bool {
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
            self.out.uncertain.push(crate::Uncertain {
                kind,
                object: object.to_string(),
                reason: format!(
                    "the type of column(s) {} cannot be inferred offline",
                    unknown.join(", ")
                ),
            });
        }
        true
    }

    // ----- views --------------------------------------------------------------------------------------

    pub(super) fn create_view(&mut self, v: &View) {
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
            self.create_index(name, i, true, false, false);
        }
        for tr in v.triggers.values() {
            self.create_trigger(name, tr, false);
        }
        self.cluster_on(name, "MATERIALIZED VIEW", None, &v.indexes);
    }

    pub(super) fn drop_view(&mut self, v: &View) {
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

    pub(super) fn views(&mut self) {
        let (from, to) = (self.from, self.to);
        for (name, f) in &from.views {
            if !to.views.contains_key(name) {
                let (kind, _, _) = view_kind(f);
                self.change(kind, &name.to_string(), Action::Drop);
                self.drop_view(f);
            }
        }
        for (name, t) in &to.views {
            let (kind, kw, class) = view_kind(t);
            let obj = name.to_string();
            let Some(f) = from.views.get(name) else {
                self.change(kind, &obj, Action::Create);
                self.create_view(t);
                continue;
            };
            let def_changes = !self.same_sql(
                Sql::Statement,
                kind,
                &obj,
                strip_stmt(&f.definition),
                strip_stmt(&t.definition),
            );
            let columns_change = !self.same_view_columns(kind, &obj, f, t);
            if f.kind != t.kind
                || def_changes
                || !same_options(&f.options, &t.options)
                || columns_change
            {
                self.change_attr(
                    kind,
                    &obj,
                    Attribute::Definition,
                    Some(f.definition.clone()),
                    Some(t.definition.clone()),
                );
                let prefix = f.columns.len() <= t.columns.len()
                    && f.columns
                        .iter()
                        .zip(&t.columns)
                        .all(|(a, b)| a.name == b.name && a.type_name == b.type_name);
                if f.kind == ViewKind::View
                    && t.kind == ViewKind::View
                    && same_options(&f.options, &t.options)
                    && prefix
                {
                    let def = strip_stmt(&t.definition);
                    let sql = vec![format!("CREATE OR REPLACE VIEW {name} AS\n{def};")];
                    self.op(
                        Key::Relation(name.clone()),
                        Action::Alter,
                        kind,
                        &obj,
                        sql,
                        vec![],
                        class,
                        None,
                    );
                } else {
                    self.drop_view(f);
                    self.create_view(t);
                    self.rebuilt.insert(Key::Relation(name.clone()));
                    continue;
                }
            }
            let target = format!("{kw} {name}");
            let key = Key::Relation(name.clone());
            self.common_alters(
                &key,
                kind,
                &obj,
                &target,
                &target,
                Some((AclKind::Table, &format!("TABLE {name}"))),
                &f.common,
                &t.common,
                None,
            );
            for tc in &t.columns {
                let fcm = f
                    .columns
                    .iter()
                    .find(|c| c.name == tc.name)
                    .and_then(|c| c.comment.clone());
                if fcm != tc.comment {
                    let cobj = format!("{name}.{}", quote_ident(&tc.name));
                    self.change_attr(
                        ObjectKind::Column,
                        &cobj,
                        Attribute::Comment,
                        fcm,
                        tc.comment.clone(),
                    );
                    let sql = vec![comment_sql(
                        &format!("COLUMN {cobj}"),
                        tc.comment.as_deref(),
                    )];
                    self.op(
                        key.clone(),
                        Action::Alter,
                        kind,
                        &obj,
                        sql,
                        vec![],
                        class::MISC,
                        None,
                    );
                }
            }
            for (n, i) in &f.indexes {
                match t.indexes.get(n) {
                    None => self.drop_index(name, i, true),
                    Some(ti)
                        if !self.same_sql(
                            Sql::Statement,
                            ObjectKind::Index,
                            &format!("{}.{}", quote_ident(&name.schema), quote_ident(n)),
                            strip_stmt(&i.definition),
                            strip_stmt(&ti.definition),
                        ) =>
                    {
                        self.drop_index(name, i, true);
                        self.create_index(name, ti, false, true, false);
                    }
                    _ => {}
                }
            }
            for (n, i) in &t.indexes {
                if !f.indexes.contains_key(n) {
                    self.create_index(name, i, false, true, false);
                }
            }
            self.triggers(name, &f.triggers, &t.triggers);
            self.cluster_on(name, "MATERIALIZED VIEW", Some(&f.indexes), &t.indexes);
        }
    }
}
