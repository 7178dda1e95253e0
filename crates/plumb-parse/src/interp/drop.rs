//! `DROP ...` of every kind, with `CASCADE` reaching dependants as the server does.

use super::*;

impl Interp {
    pub(super) fn drop(&mut self, s: &protobuf::DropStmt) -> R<()> {
        let cascade = s.behavior() == protobuf::DropBehavior::DropCascade;
        for o in &s.objects {
            let names = obj_names(o);
            let missing = |what: &str, n: &str| -> R<()> {
                if s.missing_ok {
                    Ok(())
                } else {
                    fail(format!("{what} \"{n}\" does not exist"), Loc::Statement)
                }
            };
            match s.remove_type() {
                ObjectType::ObjectTable
                | ObjectType::ObjectView
                | ObjectType::ObjectMatview
                | ObjectType::ObjectSequence
                | ObjectType::ObjectIndex
                | ObjectType::ObjectForeignTable => {
                    let (sc, n) = self.name_from_list(&names, Loc::Statement)?;
                    let Some(rel) = self.find_rel(&sc, &n) else {
                        if s.remove_type() == ObjectType::ObjectForeignTable {
                            continue;
                        }
                        missing(
                            if s.remove_type() == ObjectType::ObjectIndex {
                                "index"
                            } else {
                                "relation"
                            },
                            &n,
                        )?;
                        continue;
                    };
                    self.drop_relation(rel, cascade)?;
                }
                ObjectType::ObjectSchema => {
                    let n = names.first().cloned().unwrap_or_default();
                    if !self.db.schemas.contains_key(&n) {
                        missing("schema", &n)?;
                        continue;
                    }
                    let has = self.db.tables.keys().any(|q| q.schema == n)
                        || self.db.views.keys().any(|q| q.schema == n)
                        || self.db.types.keys().any(|q| q.schema == n)
                        || self.db.sequences.keys().any(|q| q.schema == n)
                        || self.db.functions.keys().any(|q| q.schema == n);
                    if has && !cascade {
                        return fail(
                            format!("cannot drop schema {n} because other objects depend on it"),
                            Loc::Statement,
                        );
                    }
                    let rels: Vec<Rel> = self
                        .db
                        .views
                        .keys()
                        .filter(|q| q.schema == n)
                        .map(|q| Rel::View(q.clone()))
                        .chain(
                            self.db
                                .tables
                                .keys()
                                .filter(|q| q.schema == n)
                                .map(|q| Rel::Table(q.clone())),
                        )
                        .collect();
                    for r in rels {
                        self.drop_relation(r, true)?;
                    }
                    self.db.sequences.retain(|q, _| q.schema != n);
                    self.db.types.retain(|q, _| q.schema != n);
                    self.db.functions.retain(|q, _| q.schema != n);
                    self.db.event_triggers.retain(|_, e| e.function.schema != n);
                    self.db.collations.retain(|q, _| q.schema != n);
                    self.db.schemas.remove(&n);
                }
                ObjectType::ObjectType | ObjectType::ObjectDomain => {
                    let (sc, n) = self.name_from_list(&names, Loc::Statement)?;
                    let Some(q) = self.find_type(&sc, &n) else {
                        missing("type", &n)?;
                        continue;
                    };
                    let qs = q.to_string();
                    let users: Vec<(QualName, usize)> = self
                        .db
                        .tables
                        .values()
                        .flat_map(|t| {
                            t.columns
                                .iter()
                                .enumerate()
                                .filter(|(_, c)| c.type_name.trim_end_matches("[]") == qs)
                                .map(move |(i, _)| (t.name.clone(), i))
                        })
                        .collect();
                    if !users.is_empty() && !cascade {
                        return fail(
                            format!(
                                "cannot drop type {} because other objects depend on it",
                                q.name
                            ),
                            Loc::Statement,
                        );
                    }
                    for (t, i) in users.into_iter().rev() {
                        self.drop_column(&t, i, true)?;
                    }
                    self.db.types.remove(&q);
                }
                ObjectType::ObjectFunction
                | ObjectType::ObjectProcedure
                | ObjectType::ObjectRoutine
                | ObjectType::ObjectAggregate => {
                    let Some(N::ObjectWithArgs(owa)) = &o.node else {
                        continue;
                    };
                    let args = if owa.args_unspecified {
                        None
                    } else {
                        Some(owa.objargs.as_slice())
                    };
                    match self.function_by_names(&strs(&owa.objname), args, Loc::Statement) {
                        Ok(id) => {
                            let used = self
                                .db
                                .tables
                                .values()
                                .any(|t| t.triggers.values().any(|tr| tr.function == id))
                                || self.db.event_triggers.values().any(|e| e.function == id);
                            if used && !cascade {
                                return fail(format!("cannot drop function {} because other objects depend on it", id.name), Loc::Statement);
                            }
                            for t in self.db.tables.values_mut() {
                                t.triggers.retain(|_, tr| tr.function != id);
                            }
                            self.db.event_triggers.retain(|_, e| e.function != id);
                            self.db.functions.remove(&id);
                        }
                        Err(e) => {
                            if !s.missing_ok {
                                return Err(e);
                            }
                        }
                    }
                }
                ObjectType::ObjectExtension => {
                    let n = names.join(".");
                    if self.db.extensions.remove(&n).is_none() {
                        missing("extension", &n)?;
                    }
                }
                ObjectType::ObjectEventTrigger => {
                    let n = names.join(".");
                    if self.db.event_triggers.remove(&n).is_none() {
                        missing("event trigger", &n)?;
                    }
                }
                ObjectType::ObjectTrigger | ObjectType::ObjectPolicy | ObjectType::ObjectRule => {
                    // [schema.]table.name
                    let (tbl, n) = match names.as_slice() {
                        [t, n] => (("".to_string(), t.clone()), n.clone()),
                        [s2, t, n] => ((s2.clone(), t.clone()), n.clone()),
                        _ => continue,
                    };
                    let rel = match self.find_rel(&tbl.0, &tbl.1) {
                        Some(Rel::Table(q)) | Some(Rel::View(q)) => q,
                        _ => {
                            missing("relation", &tbl.1)?;
                            continue;
                        }
                    };
                    let removed = match s.remove_type() {
                        ObjectType::ObjectTrigger => {
                            self.db
                                .tables
                                .get_mut(&rel)
                                .and_then(|t| t.triggers.remove(&n))
                                .is_some()
                                || self
                                    .db
                                    .views
                                    .get_mut(&rel)
                                    .and_then(|v| v.triggers.remove(&n))
                                    .is_some()
                        }
                        ObjectType::ObjectPolicy => self
                            .db
                            .tables
                            .get_mut(&rel)
                            .and_then(|t| t.policies.remove(&n))
                            .is_some(),
                        _ => {
                            let before = self.db.unsupported.len();
                            let full = format!("{} ON {rel}", quote_ident(&n));
                            self.db
                                .unsupported
                                .retain(|u| !(u.kind == "rule" && u.name == full));
                            before != self.db.unsupported.len()
                        }
                    };
                    if !removed {
                        missing(
                            &s.remove_type()
                                .as_str_name()
                                .trim_start_matches("OBJECT_")
                                .to_lowercase(),
                            &n,
                        )?;
                    }
                }
                ObjectType::ObjectCollation => {
                    let (sc, n) = self.name_from_list(&names, Loc::Statement)?;
                    let q = self.lookup(&sc, &n, |q| {
                        self.db.collations.contains_key(q).then(|| q.clone())
                    });
                    match q {
                        Some(q) => {
                            self.db.collations.remove(&q);
                        }
                        None => missing("collation", &n)?,
                    }
                }
                other => self.warn(format!(
                    "DROP {}: not modelled, ignored",
                    other.as_str_name()
                )),
            }
        }
        Ok(())
    }

    pub(super) fn drop_relation(&mut self, rel: Rel, cascade: bool) -> R<()> {
        match rel {
            Rel::Table(q) => {
                let dependents: Vec<QualName> = self
                    .view_reads
                    .iter()
                    .filter(|(_, r)| r.contains(&q))
                    .map(|(v, _)| v.clone())
                    .collect();
                let fks: Vec<(QualName, String)> = self
                    .db
                    .tables
                    .values()
                    .filter(|t| t.name != q)
                    .flat_map(|t| {
                        t.constraints
                            .values()
                            .filter(|c| c.references.as_ref() == Some(&q))
                            .map(move |c| (t.name.clone(), c.name.clone()))
                    })
                    .collect();
                let children: Vec<QualName> = if !self.parents.contains(&q) {
                    Vec::new()
                } else {
                    self.db
                        .tables
                        .values()
                        .filter(|t| t.partition_of.as_ref().is_some_and(|p| p.parent == q))
                        .map(|t| t.name.clone())
                        .collect()
                };
                let inheritors = self.db.tables.values().any(|t| t.inherits.contains(&q));
                if !cascade && (!dependents.is_empty() || !fks.is_empty() || inheritors) {
                    return fail(
                        format!(
                            "cannot drop table {} because other objects depend on it",
                            q.name
                        ),
                        Loc::Statement,
                    );
                }
                for v in dependents {
                    if self.db.views.contains_key(&v) {
                        self.drop_relation(Rel::View(v), true)?;
                    }
                }
                for (t, c) in fks {
                    self.drop_constraint(&t, &c, true)?;
                }
                for c in children {
                    self.drop_relation(Rel::Table(c), true)?;
                }
                let Some(t) = self.db.tables.remove(&q) else {
                    return Ok(());
                };
                for i in t.indexes.keys() {
                    self.index_owner.remove(&QualName::new(&q.schema, i));
                }
                for c in t.constraints.keys() {
                    self.remove_con_name(&q.schema, c);
                }
                self.db
                    .sequences
                    .retain(|_, s| s.owned_by.as_ref().is_none_or(|o| o.table != q));
                for other in self.db.tables.values_mut() {
                    other.inherits.retain(|p| p != &q);
                }
            }
            Rel::View(q) => {
                let dependents: Vec<QualName> = self
                    .view_reads
                    .iter()
                    .filter(|(_, r)| r.contains(&q))
                    .map(|(v, _)| v.clone())
                    .collect();
                if !cascade && !dependents.is_empty() {
                    return fail(
                        format!(
                            "cannot drop view {} because other objects depend on it",
                            q.name
                        ),
                        Loc::Statement,
                    );
                }
                for v in dependents {
                    self.drop_relation(Rel::View(v), true)?;
                }
                if let Some(v) = self.db.views.remove(&q) {
                    for i in v.indexes.keys() {
                        self.index_owner.remove(&QualName::new(&q.schema, i));
                    }
                }
                self.view_reads.remove(&q);
            }
            Rel::Sequence(q) => {
                let lit = format!("nextval({}::regclass)", quote_literal(&q.to_string()));
                let used = self.db.tables.values().any(|t| {
                    t.columns
                        .iter()
                        .any(|c| c.default.as_deref() == Some(lit.as_str()))
                });
                if used && !cascade {
                    return fail(
                        format!(
                            "cannot drop sequence {} because other objects depend on it",
                            q.name
                        ),
                        Loc::Statement,
                    );
                }
                for t in self.db.tables.values_mut() {
                    for c in t.columns.iter_mut() {
                        if c.default.as_deref() == Some(lit.as_str()) {
                            c.default = None;
                        }
                    }
                }
                self.db.sequences.remove(&q);
            }
            Rel::Index(q, owner) => {
                let backs = self
                    .db
                    .tables
                    .get(&owner)
                    .and_then(|t| t.indexes.get(&q.name))
                    .and_then(|i| i.constraint.clone());
                if let Some(c) = backs {
                    return fail(
                        format!(
                            "cannot drop index {} because constraint {c} on table {} requires it",
                            q.name, owner.name
                        ),
                        Loc::Statement,
                    );
                }
                if let Some(t) = self.db.tables.get_mut(&owner) {
                    t.indexes.remove(&q.name);
                } else if let Some(v) = self.db.views.get_mut(&owner) {
                    v.indexes.remove(&q.name);
                }
                self.index_owner.remove(&q);
                // Indexes attached to it on partitions go too.
                for t in self.db.tables.values_mut() {
                    t.indexes.retain(|_, i| i.parent_index.as_ref() != Some(&q));
                }
            }
        }
        Ok(())
    }
}
