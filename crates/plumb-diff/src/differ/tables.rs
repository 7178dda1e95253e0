//! Tables: the deltas of those created and kept, and of partition indexes, written in order
//! (`Differ::tables`; `CREATE TABLE` here); and the foreign keys of a cycle of dropped tables
//! (`break_dropped_fk_cycles`).

use super::*;

pub(crate) fn local_columns(t: &Table, all: bool) -> Vec<&Column> {
    if all || t.inherits.is_empty() && t.partition_of.is_none() {
        t.columns.iter().collect()
    } else {
        t.columns.iter().filter(|c| c.is_local).collect()
    }
}

impl<'a> Differ<'a> {
    // ----- tables -------------------------------------------------------------------------------------

    /// Tables created, kept tables changed and partition indexes (after `write::tables`' drops): the deltas
    /// of `ChangeSet::tables` written in order.
    pub(super) fn tables(&mut self, cs: &ChangeSet<'_>) {
        for d in cs.deltas.get(cs.tables.clone()).unwrap_or(&[]) {
            self.write_table_delta(d);
        }
    }

    /// Tables dropped here whose foreign keys form a cycle (a references b, b references a) cannot be dropped
    /// one after the other: the foreign keys of the cycle are dropped first, as creating such tables adds
    /// them last. The planner then orders each table's drop after its own foreign keys' drops only.
    pub(crate) fn break_dropped_fk_cycles(&mut self, dropped: &BTreeSet<QualName>) {
        use petgraph::graph::DiGraph;
        let from = self.from;
        // the tables dropped by a step of their own (not with a partitioned parent)
        let own: Vec<&QualName> = dropped
            .iter()
            .filter(|n| {
                from.tables.get(*n).is_some_and(|t| {
                    !t.partition_of
                        .as_ref()
                        .is_some_and(|p| dropped.contains(&p.parent))
                })
            })
            .collect();
        let index: BTreeMap<&QualName, usize> =
            own.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let mut g: DiGraph<(), ()> = DiGraph::new();
        let nodes: Vec<_> = own.iter().map(|_| g.add_node(())).collect();
        for (i, n) in own.iter().enumerate() {
            let Some(t) = from.tables.get(*n) else {
                continue;
            };
            for c in t.constraints.values() {
                if let Some(j) = c.references.as_ref().and_then(|r| index.get(r)) {
                    if *j != i {
                        g.add_edge(nodes[i], nodes[*j], ());
                    }
                }
            }
        }
        for scc in petgraph::algo::tarjan_scc(&g) {
            if scc.len() < 2 {
                continue;
            }
            let members: BTreeSet<&QualName> = scc.iter().map(|n| own[n.index()]).collect();
            for n in &members {
                let Some(t) = from.tables.get(*n) else {
                    continue;
                };
                for c in t.constraints.values() {
                    let in_cycle = c.kind == ConstraintKind::ForeignKey
                        && c.is_local
                        && c.references
                            .as_ref()
                            .is_some_and(|r| r != *n && members.contains(r));
                    if in_cycle {
                        self.drop_constraint(n, c);
                    }
                }
            }
        }
    }

    pub(super) fn create_table(&mut self, t: &Table) {
        let name = &t.name;
        let obj = name.to_string();
        let mut items: Vec<String> = Vec::new();
        let cols = local_columns(t, false);
        if let Some(p) = &t.partition_of {
            // A partition takes its columns and their NOT NULL from the parent; a NOT NULL of its own, or one
            // named otherwise than the parent's (PostgreSQL 18), is stated.
            let parent = self.to.tables.get(&p.parent);
            for c in &t.columns {
                let pc = parent.and_then(|pt| pt.column(&c.name));
                let implied = match pc.and_then(|pc| pc.not_null_constraint.as_deref()) {
                    Some(n) => n.name.clone(),
                    None => NotNullConstraint::default_name(&t.name.name, &c.name),
                };
                let clause = not_null_clause(c, &implied);
                if !clause.is_empty()
                    && (!pc.is_some_and(|pc| pc.not_null) || clause != " NOT NULL")
                {
                    items.push(format!("{}{clause}", quote_ident(&c.name)));
                }
            }
        } else {
            items.extend(cols.iter().map(|c| column_def(name, c)));
        }
        for c in t.constraints.values() {
            if c.is_local && c.kind != ConstraintKind::ForeignKey && c.validated {
                items.push(format!(
                    "CONSTRAINT {} {}",
                    quote_ident(&c.name),
                    c.definition.trim()
                ));
            }
        }
        let unlogged = if t.persistence == Persistence::Unlogged {
            "UNLOGGED "
        } else {
            ""
        };
        let mut s = if let Some(p) = &t.partition_of {
            let mut s = format!("CREATE {unlogged}TABLE {name} PARTITION OF {}", p.parent);
            if !items.is_empty() {
                s.push_str(&format!(" (\n    {}\n)", items.join(",\n    ")));
            }
            s.push_str(&format!(" {}", p.bound));
            s
        } else if let Some(ty) = &t.of_type {
            // a typed table: columns come from the type; only their options are its own
            let mut typed: Vec<String> = Vec::new();
            for c in &t.columns {
                let mut o = String::new();
                if let Some(d) = &c.default {
                    o.push_str(&format!(" DEFAULT {d}"));
                }
                if c.not_null {
                    o.push_str(" NOT NULL");
                }
                if !o.is_empty() {
                    typed.push(format!("{} WITH OPTIONS{o}", quote_ident(&c.name)));
                }
            }
            typed.extend(
                items
                    .iter()
                    .filter(|i| i.starts_with("CONSTRAINT "))
                    .cloned(),
            );
            let mut s = format!("CREATE {unlogged}TABLE {name} OF {ty}");
            if !typed.is_empty() {
                s.push_str(&format!(" (\n    {}\n)", typed.join(",\n    ")));
            }
            s
        } else {
            let body = if items.is_empty() {
                "()".to_string()
            } else {
                format!("(\n    {}\n)", items.join(",\n    "))
            };
            let mut s = format!("CREATE {unlogged}TABLE {name} {body}");
            if !t.inherits.is_empty() {
                let p: Vec<String> = t.inherits.iter().map(|p| p.to_string()).collect();
                s.push_str(&format!(" INHERITS ({})", p.join(", ")));
            }
            s
        };
        if let Some(pb) = &t.partition_by {
            s.push_str(&format!(" PARTITION BY {pb}"));
        }
        if !t.options.is_empty() {
            let o: Vec<String> = t.options.iter().map(|o| reloption(o)).collect();
            s.push_str(&format!(" WITH ({})", o.join(", ")));
        }
        s.push(';');
        let mut sql = vec![s];
        sql.extend(
            t.columns
                .iter()
                .filter(|c| c.is_local || t.partition_of.is_some())
                .filter_map(|c| not_valid_not_null_sql(name, c)),
        );
        // a partition's columns come from the parent; only their comments are its own
        for c in &t.columns {
            if let Some(text) = &c.comment {
                if c.is_local || t.partition_of.is_none() && t.inherits.is_empty() {
                    sql.push(comment_sql(
                        &format!("COLUMN {name}.{}", quote_ident(&c.name)),
                        Some(text),
                    ));
                }
            }
            if !self.opts.ignore_privileges && !c.grants.is_empty() {
                sql.extend(column_grant_sql(name, &c.name, &BTreeSet::new(), &c.grants));
            }
        }
        for c in t.constraints.values() {
            if c.is_local && c.kind != ConstraintKind::ForeignKey && c.validated {
                if let Some(text) = &c.comment {
                    sql.push(comment_sql(
                        &format!("CONSTRAINT {} ON {name}", quote_ident(&c.name)),
                        Some(text),
                    ));
                }
            }
        }
        sql.extend(self.created_column_attrs(t, t.of_type.is_none() && t.partition_of.is_none()));
        if t.rls_enabled {
            sql.push(format!("ALTER TABLE {name} ENABLE ROW LEVEL SECURITY;"));
        }
        if t.rls_forced {
            sql.push(format!("ALTER TABLE {name} FORCE ROW LEVEL SECURITY;"));
        }
        let target = format!("TABLE {name}");
        self.create_extras(
            &target,
            Some((AclKind::Table, &target)),
            &t.common,
            &mut sql,
        );
        self.op(
            Key::Relation(name.clone()),
            Action::Create,
            ObjectKind::Table,
            &obj,
            sql,
            vec![],
            class::TABLE,
            None,
        );
        for c in t.constraints.values() {
            if c.is_local && (c.kind == ConstraintKind::ForeignKey || !c.validated) {
                self.add_constraint(t, c, true);
            }
        }
        for i in t.indexes.values() {
            if i.constraint.is_none() && i.parent_index.is_none() {
                self.create_index(name, i, true, t.partition_by.is_some());
            }
        }
        for tr in t.triggers.values() {
            self.create_trigger(name, tr);
        }
        for p in t.policies.values() {
            self.create_policy(name, p);
        }
        // a new index is not marked: the one the table is clustered on is
        if clustered(&t.indexes).is_some() {
            self.write_cluster(name, "TABLE", &t.indexes);
        }
    }

    /// The storage, compression and statistics target of a new table's columns, set after `CREATE TABLE`
    /// where they differ from what the column has then: a local column written inline (`inline`) has its
    /// `COMPRESSION`; an inherited column or a partition's takes storage and compression from its parent.
    pub(super) fn created_column_attrs(&self, t: &Table, inline: bool) -> Vec<String> {
        let parents: Vec<&Table> = t
            .partition_of
            .iter()
            .map(|p| &p.parent)
            .chain(&t.inherits)
            .filter_map(|p| self.to.tables.get(p))
            .collect();
        let local = local_columns(t, false);
        let mut sql = Vec::new();
        for c in &t.columns {
            let inherited = parents.iter().find_map(|p| p.column(&c.name));
            let written = inline && local.iter().any(|l| l.name == c.name);
            let base = Column {
                storage: if written {
                    None
                } else {
                    inherited.and_then(|p| p.storage)
                },
                compression: if written {
                    c.compression.clone()
                } else {
                    inherited.and_then(|p| p.compression.clone())
                },
                statistics: None,
                ..Column::default()
            };
            if base.storage != c.storage
                || base.compression != c.compression
                || c.statistics.is_some()
                || !c.options.is_empty()
            {
                let base = Column {
                    name: c.name.clone(),
                    type_name: c.type_name.clone(),
                    ..base
                };
                sql.extend(column_attr_sql(&t.name, &base, c, self.to));
            }
        }
        sql
    }
}
