//! Constraint and index operations: add (`USING INDEX`, `NOT VALID`), drop, `CREATE INDEX [CONCURRENTLY]`
//! (used by `CREATE TABLE`, `crate::write` and `rebuild.rs`).

use super::*;

pub(crate) fn constraint_def_core(c: &Constraint) -> &str {
    let d = c.definition.trim();
    d.strip_suffix(" NOT VALID").unwrap_or(d)
}

impl<'a> Differ<'a> {
    pub(crate) fn add_constraint(&mut self, t: &Table, c: &Constraint, new_table: bool) {
        let name = &t.name;
        let obj = format!("{} on {name}", quote_ident(&c.name));
        let cn = quote_ident(&c.name);
        let def = constraint_def_core(c);
        let mut hazards = Vec::new();
        let mut sql = Vec::new();
        let checks_rows = matches!(c.kind, ConstraintKind::ForeignKey | ConstraintKind::Check);
        if let Some(i) = online_index(self.opts, t, c, new_table) {
            self.add_constraint_using_index(t, c, i);
            return;
        }
        if !c.validated {
            sql.push(format!(
                "ALTER TABLE {name} ADD CONSTRAINT {cn} {def} NOT VALID;"
            ));
        } else if checks_rows && !new_table && self.opts.online {
            sql.push(format!(
                "ALTER TABLE {name} ADD CONSTRAINT {cn} {def} NOT VALID;"
            ));
            sql.push(format!("ALTER TABLE {name} VALIDATE CONSTRAINT {cn};"));
        } else {
            sql.push(format!("ALTER TABLE {name} ADD CONSTRAINT {cn} {def};"));
            if !new_table {
                if checks_rows {
                    hazards.push(hz(
                        HazardKind::LongLock,
                        "validates every row while holding a lock that blocks writes; --online adds it NOT VALID and validates separately",
                    ));
                } else if matches!(c.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique)
                    && t.partition_by.is_none()
                {
                    hazards.push(hz(
                        HazardKind::LongLock,
                        "builds an index while holding an ACCESS EXCLUSIVE lock; --online builds it CONCURRENTLY first and adds the constraint USING INDEX",
                    ));
                } else if matches!(
                    c.kind,
                    ConstraintKind::PrimaryKey | ConstraintKind::Unique | ConstraintKind::Exclude
                ) {
                    hazards.push(hz(
                        HazardKind::LongLock,
                        "builds an index while holding an ACCESS EXCLUSIVE lock",
                    ));
                }
            }
        }
        if let Some(text) = &c.comment {
            sql.push(comment_sql(
                &format!("CONSTRAINT {cn} ON {name}"),
                Some(text),
            ));
        }
        let class = if c.kind == ConstraintKind::ForeignKey {
            class::FOREIGN_KEY
        } else {
            class::CONSTRAINT
        };
        self.op(
            Key::Constraint(name.clone(), c.name.clone()),
            Action::Create,
            ObjectKind::Constraint,
            &obj,
            sql,
            hazards,
            class,
            Some(Stage::AfterColumns),
        );
    }

    /// `--online` form of a PRIMARY KEY or UNIQUE added to an existing table: the index is built with
    /// `CREATE UNIQUE INDEX CONCURRENTLY` (writes go on), then `ADD CONSTRAINT ... USING INDEX` takes it
    /// over under a brief lock.
    pub(super) fn add_constraint_using_index(&mut self, t: &Table, c: &Constraint, i: &PgIndex) {
        let name = &t.name;
        let obj = format!("{} on {name}", quote_ident(&c.name));
        let iobj = format!("{}.{}", quote_ident(&name.schema), quote_ident(&i.name));
        let idx = self.op(
            Key::Index(name.clone(), i.name.clone()),
            Action::Create,
            ObjectKind::Index,
            &iobj,
            vec![format!("{};", concurrently(strip_stmt(&i.definition)))],
            vec![hz(
                HazardKind::NotTransactional,
                "CREATE INDEX CONCURRENTLY cannot run inside a transaction block",
            )],
            class::CONSTRAINT,
            Some(Stage::AfterColumns),
        );
        self.out.ops[idx].transactional = false;
        let kind = if c.kind == ConstraintKind::PrimaryKey {
            "PRIMARY KEY"
        } else {
            "UNIQUE"
        };
        let mut stmt = format!(
            "ALTER TABLE {name} ADD CONSTRAINT {} {kind} USING INDEX {}",
            quote_ident(&c.name),
            quote_ident(&i.name)
        );
        if c.deferrable {
            stmt.push_str(" DEFERRABLE");
            if c.initially_deferred {
                stmt.push_str(" INITIALLY DEFERRED");
            }
        }
        let mut sql = vec![stmt + ";"];
        if let Some(text) = &c.comment {
            sql.push(comment_sql(
                &format!("CONSTRAINT {} ON {name}", quote_ident(&c.name)),
                Some(text),
            ));
        }
        // its columns are NOT NULL by now: the column changes run first and carry that hazard
        self.op(
            Key::Constraint(name.clone(), c.name.clone()),
            Action::Create,
            ObjectKind::Constraint,
            &obj,
            sql,
            vec![],
            class::CONSTRAINT,
            Some(Stage::AfterColumns),
        );
    }

    pub(crate) fn drop_constraint(&mut self, table: &QualName, c: &Constraint) {
        let obj = format!("{} on {table}", quote_ident(&c.name));
        let sql = vec![format!(
            "ALTER TABLE {table} DROP CONSTRAINT {};",
            quote_ident(&c.name)
        )];
        let class = if c.kind == ConstraintKind::ForeignKey {
            class::FOREIGN_KEY
        } else {
            class::CONSTRAINT
        };
        self.op(
            Key::Constraint(table.clone(), c.name.clone()),
            Action::Drop,
            ObjectKind::Constraint,
            &obj,
            sql,
            vec![],
            class,
            Some(Stage::BeforeColumns),
        );
    }

    pub(crate) fn create_index(
        &mut self,
        table: &QualName,
        i: &PgIndex,
        new_table: bool,
        partitioned: bool,
    ) {
        let obj = format!("{}.{}", quote_ident(&table.schema), quote_ident(&i.name));
        // on a partitioned table the index is created `ON ONLY` (as `pg_get_indexdef` writes it), its
        // partitions' indexes attached one by one: see `Comparer::partition_indexes`
        let mut def = strip_stmt(&i.definition).to_string();
        if partitioned {
            let plain = format!("INDEX {} ON ", quote_ident(&i.name));
            let only = format!("INDEX {} ON ONLY ", quote_ident(&i.name));
            if !def.contains(&only) {
                def = def.replacen(&plain, &only, 1);
            }
        }
        let mut hazards = Vec::new();
        let mut transactional = true;
        let def = if !new_table && !partitioned {
            if self.opts.online {
                transactional = false;
                hazards.push(hz(
                    HazardKind::NotTransactional,
                    "CREATE INDEX CONCURRENTLY cannot run inside a transaction block",
                ));
                concurrently(&def)
            } else {
                hazards.push(hz(
                    HazardKind::LongLock,
                    "builds the index while blocking writes to the table; --online uses CREATE INDEX CONCURRENTLY",
                ));
                def
            }
        } else {
            def
        };
        let mut sql = vec![format!("{def};")];
        let mut comment = None;
        if let Some(text) = &i.comment {
            comment = Some(comment_sql(&format!("INDEX {obj}"), Some(text)));
        }
        if transactional {
            sql.extend(comment.take());
        }
        let idx = self.op(
            Key::Index(table.clone(), i.name.clone()),
            Action::Create,
            ObjectKind::Index,
            &obj,
            sql,
            hazards,
            class::INDEX,
            Some(Stage::AfterColumns),
        );
        self.out.ops[idx].transactional = transactional;
        if let Some(c) = comment {
            let key = Key::Index(table.clone(), i.name.clone());
            self.op(
                key,
                Action::Alter,
                ObjectKind::Index,
                &obj,
                vec![c],
                vec![],
                class::MISC,
                Some(Stage::AfterColumns),
            );
        }
    }

    pub(crate) fn drop_index(&mut self, table: &QualName, i: &PgIndex) {
        let obj = format!("{}.{}", quote_ident(&table.schema), quote_ident(&i.name));
        // Partitions' own keys attached to this index: neither can be dropped without the other but by
        // `DROP INDEX ... CASCADE`, which takes exactly those keys (and the partitions' indexes) with it. Keys
        // the target still has are created again.
        let parent = QualName::new(table.schema.clone(), i.name.clone());
        let attached: Vec<(&Table, &Constraint)> = self
            .from
            .tables
            .values()
            .filter(|p| {
                p.partition_of
                    .as_ref()
                    .is_some_and(|po| &po.parent == table)
            })
            .flat_map(|p| {
                p.indexes
                    .values()
                    .filter(|x| x.parent_index.as_ref() == Some(&parent))
                    .filter_map(|x| x.constraint.as_ref())
                    .filter_map(move |c| p.constraints.get(c))
                    .filter(|c| c.is_local)
                    .map(move |c| (p, c))
            })
            .collect();
        let cascade = if attached.is_empty() { "" } else { " CASCADE" };
        let n = self.op(
            Key::Index(table.clone(), i.name.clone()),
            Action::Drop,
            ObjectKind::Index,
            &obj,
            vec![format!("DROP INDEX {obj}{cascade};")],
            vec![],
            class::INDEX,
            Some(Stage::BeforeColumns),
        );
        let keys: Vec<Key> = attached
            .iter()
            .map(|(p, c)| Key::Constraint(p.name.clone(), c.name.clone()))
            .collect();
        self.out.ops[n].also.extend(keys);
        for (p, c) in attached {
            let kept = self
                .to
                .tables
                .get(&p.name)
                .filter(|_| !self.dropped_tables.contains(&p.name))
                .and_then(|t| t.constraints.get(&c.name).map(|tc| (t, tc)));
            if let Some((t, tc)) = kept {
                if tc == c {
                    self.add_constraint(t, tc, false);
                }
            }
        }
    }

    /// Drops of constraints that a `DROP INDEX ... CASCADE` takes with it (see [`Self::drop_index`]).
    pub(super) fn drop_cascaded_constraints(&mut self) {
        let cascaded: BTreeSet<Key> = self
            .out
            .ops
            .iter()
            .filter(|o| o.role == Action::Drop && matches!(o.key, Key::Index(..)))
            .flat_map(|o| o.also.iter().cloned())
            .collect();
        self.out
            .ops
            .retain(|o| !(o.role == Action::Drop && cascaded.contains(&o.key)));
    }
}

/// With `--online`, the index behind a PRIMARY KEY / UNIQUE added to an existing table, to build
/// CONCURRENTLY before the constraint takes it (see [`Differ::add_constraint_using_index`]).
pub(crate) fn online_index<'t>(
    opts: &Options,
    t: &'t Table,
    c: &Constraint,
    new_table: bool,
) -> Option<&'t PgIndex> {
    t.indexes
        .values()
        .find(|i| i.constraint.as_deref() == Some(c.name.as_str()))
        .filter(|_| {
            opts.online
                && !new_table
                && c.validated
                && t.partition_by.is_none()
                && matches!(c.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique)
        })
}

/// The referenced columns of a foreign key's definition (`... REFERENCES public.t(a, "B") ...`), unquoted;
/// `None` when the text does not have that shape.
pub(super) fn referenced_columns(definition: &str, table: &QualName) -> Option<Vec<String>> {
    let marker = format!("REFERENCES {table}(");
    let (_, rest) = definition.split_once(&marker)?;
    let (cols, _) = rest.split_once(')')?;
    cols.split(", ")
        .map(|c| {
            plumb_model::split_qualified(c)
                .ok()
                .and_then(|v| v.into_iter().next())
        })
        .collect()
}

/// `CREATE [UNIQUE] INDEX name ...` -> `CREATE [UNIQUE] INDEX CONCURRENTLY name ...`.
pub(super) fn concurrently(def: &str) -> String {
    for prefix in ["CREATE UNIQUE INDEX ", "CREATE INDEX "] {
        if let Some(rest) = def.strip_prefix(prefix) {
            if rest.starts_with("CONCURRENTLY ") {
                return def.to_string();
            }
            return format!("{prefix}CONCURRENTLY {rest}");
        }
    }
    def.to_string()
}
