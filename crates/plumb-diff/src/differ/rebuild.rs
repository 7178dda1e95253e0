//! Dependants of what is dropped or rebuilt: foreign keys, views, functions, defaults dropped first and created again.

use super::*;

impl<'a> Differ<'a> {
    // ----- dependants of what goes away ---------------------------------------------------------------

    /// Foreign keys that stay but depend on something this plan drops: their referenced table (dropped to be
    /// created again), or the PRIMARY KEY / UNIQUE constraint or unique index on the referenced columns
    /// (PostgreSQL: "cannot drop constraint users_pkey ... constraint taggings_user_id_fkey depends on index
    /// users_pkey"). They are dropped before it and added again after it is back.
    pub(super) fn rebuild_foreign_keys(&mut self) {
        let (from, to) = (self.from, self.to);
        let dropping: BTreeSet<Key> = self
            .out
            .ops
            .iter()
            .filter(|o| o.role == Action::Drop)
            .map(|o| o.key.clone())
            .collect();
        for (tn, ft) in &from.tables {
            if self.dropped_tables.contains(tn) {
                continue;
            }
            let Some(tt) = to.tables.get(tn) else {
                continue;
            };
            for (cn, c) in &ft.constraints {
                if c.kind != ConstraintKind::ForeignKey || !c.is_local {
                    continue;
                }
                let Some(r) = &c.references else { continue };
                let key = Key::Constraint(tn.clone(), cn.clone());
                if dropping.contains(&key) {
                    continue;
                }
                let Some(tc) = tt.constraints.get(cn) else {
                    continue;
                };
                let blocked = self.dropped_tables.contains(r)
                    || from.tables.get(r).is_some_and(|rt| {
                        let cols = referenced_columns(&c.definition, r);
                        let matches = |key_cols: &[String]| {
                            cols.as_ref().is_none_or(|cols| {
                                let a: BTreeSet<&String> = key_cols.iter().collect();
                                let b: BTreeSet<&String> = cols.iter().collect();
                                a == b
                            })
                        };
                        rt.constraints.values().any(|k| {
                            matches!(k.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique)
                                && matches(&k.columns)
                                && dropping.contains(&Key::Constraint(r.clone(), k.name.clone()))
                        }) || rt.indexes.values().any(|i| {
                            i.unique
                                && i.constraint.is_none()
                                && matches(&i.columns)
                                && dropping.contains(&Key::Index(r.clone(), i.name.clone()))
                        })
                    });
                if !blocked {
                    continue;
                }
                // replaces whatever was planned for it in place (a VALIDATE, a comment)
                self.out.ops.retain(|o| o.key != key);
                self.drop_constraint(tn, c);
                self.add_constraint(tt, tc, false);
            }
        }
    }

    /// Views, functions and triggers that depend on something dropped or changed must be dropped before it
    /// and created again after it, even when they themselves did not change.
    pub(super) fn rebuild_dependants(&mut self) {
        let (from, to) = (self.from, self.to);
        let dropping: BTreeSet<Key> = self
            .out
            .ops
            .iter()
            .filter(|o| o.role == Action::Drop)
            .map(|o| o.key.clone())
            .collect();
        let mut seed_tables: BTreeSet<QualName> = BTreeSet::new();
        for k in &self.seeds {
            if let Key::Column(t, _) = k {
                seed_tables.insert(t.clone());
            }
        }
        let mut view_deps: BTreeMap<QualName, BTreeSet<Key>> = BTreeMap::new();
        for name in from.views.keys() {
            view_deps.insert(name.clone(), self.fi.deps(&Key::Relation(name.clone())));
        }
        let mut fn_deps: BTreeMap<plumb_model::FunctionId, BTreeSet<Key>> = BTreeMap::new();
        for id in from.functions.keys() {
            if to.functions.contains_key(id) {
                fn_deps.insert(id.clone(), self.fi.deps(&Key::Function(id.clone())));
            }
        }
        loop {
            let hit =
                |deps: &BTreeSet<Key>, seeds: &BTreeSet<Key>, seed_tables: &BTreeSet<QualName>| {
                    deps.iter().any(|d| match d {
                        Key::Column(t, _) => {
                            seeds.contains(d) || seeds.contains(&Key::Relation(t.clone()))
                        }
                        Key::Relation(t) => {
                            seeds.contains(d)
                                || (seed_tables.contains(t)
                                    && !deps
                                        .iter()
                                        .any(|x| matches!(x, Key::Column(tt, _) if tt == t)))
                        }
                        _ => seeds.contains(d),
                    })
                };
            let mut more_views = Vec::new();
            for (name, deps) in &view_deps {
                let key = Key::Relation(name.clone());
                if dropping.contains(&key)
                    || self.rebuilt.contains(&key)
                    || !to.views.contains_key(name)
                {
                    continue;
                }
                if hit(deps, &self.seeds, &seed_tables) {
                    more_views.push(name.clone());
                }
            }
            let mut more_fns = Vec::new();
            for (id, deps) in &fn_deps {
                let key = Key::Function(id.clone());
                if dropping.contains(&key) || self.rebuilt.contains(&key) {
                    continue;
                }
                if hit(deps, &self.seeds, &seed_tables) {
                    more_fns.push(id.clone());
                }
            }
            if more_views.is_empty() && more_fns.is_empty() {
                break;
            }
            for name in more_views {
                if let (Some(f), Some(t)) = (from.views.get(&name), to.views.get(&name)) {
                    self.rebuilt.insert(Key::Relation(name.clone()));
                    // remove an in-place replacement planned for it; drop and create instead
                    let key = Key::Relation(name.clone());
                    self.out
                        .ops
                        .retain(|o| !(o.key == key && o.role == Action::Alter));
                    self.out.ops.retain(|o| {
                        !(o.key.table() == Some(&name)
                            && matches!(o.key, Key::Index(..) | Key::Trigger(..)))
                    });
                    self.drop_view(f);
                    self.create_view(t);
                }
            }
            for id in more_fns {
                if let (Some(f), Some(t)) = (from.functions.get(&id), to.functions.get(&id)) {
                    self.rebuilt.insert(Key::Function(id.clone()));
                    let key = Key::Function(id.clone());
                    self.out
                        .ops
                        .retain(|o| !(o.key == key && o.role == Action::Alter));
                    self.drop_function(f);
                    self.create_function(t);
                }
            }
        }
        // triggers whose function is dropped and created again
        for (tn, t) in &to.tables {
            if self.dropped_tables.contains(tn) {
                continue;
            }
            let Some(ft) = from.tables.get(tn) else {
                continue;
            };
            for (n, tr) in &t.triggers {
                let Some(ftr) = ft.triggers.get(n) else {
                    continue;
                };
                let key = Key::Trigger(tn.clone(), n.clone());
                if self.rebuilds_with_function(&key, &ftr.function) {
                    self.drop_trigger(tn, ftr);
                    self.create_trigger(tn, tr);
                }
            }
        }
    }

    /// Whether `key`, which calls `function`, must be dropped and created again because the function is
    /// (a drop of its own is already planned otherwise). When so, its planned operations are taken back, for
    /// the caller to plan the drop and the create.
    pub(crate) fn rebuilds_with_function(
        &mut self,
        key: &Key,
        function: &plumb_model::FunctionId,
    ) -> bool {
        let rebuild = self.seeds.contains(&Key::Function(function.clone()))
            && !self
                .out
                .ops
                .iter()
                .any(|o| &o.key == key && o.role == Action::Drop);
        if rebuild {
            self.out.ops.retain(|o| &o.key != key);
        }
        rebuild
    }
}
