//! `ALTER TABLE` and its sub-commands: columns, constraints, attributes, partitions, inheritance.

use super::*;

impl Interp {
    pub(super) fn alter_table(&mut self, s: &protobuf::AlterTableStmt) -> R<()> {
        let rv = s
            .relation
            .as_ref()
            .ok_or_else(|| Fail::statement("ALTER without a relation"))?;
        self.alter_only = !rv.inh;
        let rel = self.find_rel(&rv.schemaname, &rv.relname);
        let rel = match rel {
            Some(r) => r,
            None if s.missing_ok => return Ok(()),
            None => {
                return fail(
                    format!("relation \"{}\" does not exist", display_rv(rv)),
                    Loc::at(rv.location),
                )
            }
        };
        use protobuf::AlterTableType as A;
        for c in &s.cmds {
            let Some(N::AlterTableCmd(cmd)) = &c.node else {
                continue;
            };
            let q = match &rel {
                Rel::Table(q) => q.clone(),
                Rel::View(q) => {
                    match cmd.subtype() {
                        A::AtChangeOwner => {
                            let current = self.current_role.clone();
                            if let (Some(v), Some(o)) =
                                (self.db.views.get_mut(q), cmd.newowner.as_ref())
                            {
                                set_owner(&mut v.common, Some(role_spec(o)), &current);
                            }
                        }
                        A::AtSetRelOptions | A::AtResetRelOptions => {
                            let set = cmd.subtype() == A::AtSetRelOptions;
                            let opts: Vec<(String, String)> =
                                match cmd.def.as_deref().and_then(|d| d.node.as_ref()) {
                                    Some(N::List(l)) => def_elems(&l.items)
                                        .iter()
                                        .map(|d| {
                                            (
                                                d.defname.clone(),
                                                d.arg
                                                    .as_deref()
                                                    .and_then(str_of)
                                                    .unwrap_or_else(|| "true".into()),
                                            )
                                        })
                                        .collect(),
                                    _ => vec![],
                                };
                            if let Some(v) = self.db.views.get_mut(q) {
                                for (k, val) in opts {
                                    v.options.retain(|o| !o.starts_with(&format!("{k}=")));
                                    if set {
                                        v.options.push(format!("{k}={val}"));
                                    }
                                }
                                v.options.sort();
                            }
                        }
                        A::AtColumnDefault => {
                            self.warn("ALTER VIEW ... SET DEFAULT is not modelled")
                        }
                        A::AtClusterOn => self.set_cluster_on(q, Some(&cmd.name))?,
                        A::AtDropCluster => self.set_cluster_on(q, None)?,
                        _ => self.warn("ALTER on a view: not modelled, ignored"),
                    }
                    continue;
                }
                Rel::Sequence(q) => {
                    if cmd.subtype() == A::AtChangeOwner {
                        let current = self.current_role.clone();
                        if let (Some(sq), Some(o)) =
                            (self.db.sequences.get_mut(q), cmd.newowner.as_ref())
                        {
                            set_owner(&mut sq.common, Some(role_spec(o)), &current);
                        }
                    } else {
                        self.warn("ALTER TABLE on a sequence: ignored");
                    }
                    continue;
                }
                Rel::Index(pidx, powner) => {
                    if cmd.subtype() == A::AtAttachPartition {
                        let Some(Node {
                            node: Some(N::PartitionCmd(pc)),
                        }) = cmd.def.as_deref()
                        else {
                            continue;
                        };
                        let Some(crv) = pc.name.as_ref() else {
                            continue;
                        };
                        let Some(Rel::Index(cidx, cowner)) =
                            self.find_rel(&crv.schemaname, &crv.relname)
                        else {
                            return fail(
                                format!("index \"{}\" does not exist", crv.relname),
                                Loc::at(crv.location),
                            );
                        };
                        let parent_con = self
                            .db
                            .tables
                            .get(powner)
                            .and_then(|t| t.indexes.get(&pidx.name))
                            .and_then(|i| i.constraint.clone());
                        if let Some(t) = self.db.tables.get_mut(&cowner) {
                            let mut child_con = None;
                            if let Some(ci) = t.indexes.get_mut(&cidx.name) {
                                ci.parent_index = Some(pidx.clone());
                                child_con = ci.constraint.clone();
                            }
                            if let (Some(_), Some(cc)) = (parent_con, child_con) {
                                if let Some(c) = t.constraints.get_mut(&cc) {
                                    c.is_local = false;
                                }
                            }
                        }
                    } else {
                        self.warn("ALTER INDEX: not modelled, ignored");
                    }
                    continue;
                }
            };
            self.alter_table_cmd(&q, cmd)?;
        }
        Ok(())
    }

    pub(super) fn column_mut(&mut self, q: &QualName, name: &str) -> Option<&mut Column> {
        self.db
            .tables
            .get_mut(q)?
            .columns
            .iter_mut()
            .find(|c| c.name == name)
    }

    pub(super) fn col_index(&self, q: &QualName, name: &str) -> R<usize> {
        self.db.tables[q]
            .columns
            .iter()
            .position(|c| c.name == name)
            .ok_or_else(|| {
                Fail::statement(format!(
                    "column \"{name}\" of relation \"{}\" does not exist",
                    q.name
                ))
            })
    }

    pub(super) fn alter_table_cmd(&mut self, q: &QualName, cmd: &protobuf::AlterTableCmd) -> R<()> {
        use protobuf::AlterTableType as A;
        let def = cmd.def.as_deref().and_then(|d| d.node.as_ref());
        match cmd.subtype() {
            A::AtAddColumn => {
                let Some(N::ColumnDef(cd)) = def else {
                    return Ok(());
                };
                if self.db.tables[q].column(&cd.colname).is_some() {
                    if cmd.missing_ok {
                        return Ok(());
                    }
                    return fail(
                        format!(
                            "column \"{}\" of relation \"{}\" already exists",
                            cd.colname, q.name
                        ),
                        Loc::at(cd.location),
                    );
                }
                let cols = self.db.tables[q].columns.clone();
                let (col, seq) = self.column_def(q, cd, &cols)?;
                if let Some(mut sq) = seq {
                    sq.common.grants =
                        self.default_acl(AclKind::Sequence, Some(&sq.name.schema), None);
                    self.db.sequences.insert(sq.name.clone(), sq);
                }
                self.add_column_everywhere(q, col);
                let mut last: Option<usize> = None;
                let mut pending = Vec::new();
                for c in &cd.constraints {
                    let Some(N::Constraint(c)) = &c.node else {
                        continue;
                    };
                    match c.contype() {
                        ConstrType::ConstrAttrDeferrable | ConstrType::ConstrAttrDeferred => {
                            if let Some(i) = last {
                                let p: &mut PendingCon<'_> = &mut pending[i];
                                p.deferrable = true;
                                p.initially_deferred |=
                                    c.contype() == ConstrType::ConstrAttrDeferred;
                            }
                        }
                        ConstrType::ConstrCheck
                        | ConstrType::ConstrPrimary
                        | ConstrType::ConstrUnique
                        | ConstrType::ConstrForeign => {
                            pending.push(PendingCon {
                                con: c,
                                column: Some(cd.colname.clone()),
                                deferrable: c.deferrable,
                                initially_deferred: c.initdeferred,
                                in_create: false,
                            });
                            last = Some(pending.len() - 1);
                        }
                        _ => {}
                    }
                }
                for p in &pending {
                    self.add_constraint(q, p)?;
                }
            }
            A::AtDropColumn => {
                let Ok(i) = self.col_index(q, &cmd.name) else {
                    if cmd.missing_ok {
                        return Ok(());
                    }
                    return fail(
                        format!(
                            "column \"{}\" of relation \"{}\" does not exist",
                            cmd.name, q.name
                        ),
                        Loc::Statement,
                    );
                };
                let cascade = cmd.behavior() == protobuf::DropBehavior::DropCascade;
                self.drop_column(q, i, cascade)?;
            }
            A::AtColumnDefault => {
                let i = self.col_index(q, &cmd.name)?;
                let cols = self.db.tables[q].columns.clone();
                let ty = cols[i].type_name.clone();
                let d = match cmd.def.as_deref() {
                    Some(e) => self.render_default(&cols, e, &ty)?,
                    None => None,
                };
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.columns[i].default = d;
                }
            }
            A::AtDropNotNull | A::AtSetNotNull => {
                let i = self.col_index(q, &cmd.name)?;
                let set = cmd.subtype() == A::AtSetNotNull;
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.columns[i].not_null = set;
                }
            }
            A::AtAlterColumnType => {
                let i = self.col_index(q, &cmd.name)?;
                let Some(N::ColumnDef(cd)) = def else {
                    return Ok(());
                };
                let tn = cd
                    .type_name
                    .as_ref()
                    .ok_or_else(|| Fail::statement("ALTER TYPE without a type"))?;
                let ty = self.resolve_type(tn)?;
                let name = cmd.name.clone();
                if let Some(t) = self.db.tables.get_mut(q) {
                    // the new type's default storage, and the default compression
                    t.columns[i].type_name = ty.clone();
                    t.columns[i].storage = None;
                    t.columns[i].compression = None;
                }
                if let Some(c) = &cd.coll_clause {
                    let coll = self.collation_name(&strs(&c.collname));
                    if let Some(t) = self.db.tables.get_mut(q) {
                        t.columns[i].collation = Some(coll);
                    }
                }
                self.refresh_after_type_change(q, &name);
            }
            A::AtAddIdentity => {
                let i = self.col_index(q, &cmd.name)?;
                let Some(N::Constraint(c)) = def else {
                    return Ok(());
                };
                let ty = base(&self.db.tables[q].columns[i].type_name);
                let options = seq_options(&ty, &def_elems(&c.options), None)?;
                let seqname = choose_name(&q.name, Some(&cmd.name), "seq", |n| {
                    self.rel_taken(&q.schema, n)
                });
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.columns[i].identity = Some(Box::new(Identity {
                        always: c.generated_when == "a",
                        sequence: Some(QualName::new(&q.schema, seqname)),
                        options,
                    }));
                    t.columns[i].not_null = true;
                }
            }
            A::AtSetIdentity => {
                let i = self.col_index(q, &cmd.name)?;
                let opts: Vec<&protobuf::DefElem> = match def {
                    Some(N::List(l)) => def_elems(&l.items),
                    _ => vec![],
                };
                let Some(id) = self.db.tables[q].columns[i].identity.clone() else {
                    return fail(
                        format!(
                            "column \"{}\" of relation \"{}\" is not an identity column",
                            cmd.name, q.name
                        ),
                        Loc::Statement,
                    );
                };
                let mut id = id;
                let seq_opts: Vec<&protobuf::DefElem> = opts
                    .iter()
                    .copied()
                    .filter(|d| d.defname != "generated")
                    .collect();
                if !seq_opts.is_empty() {
                    let start = id.options.start;
                    id.options = seq_options(
                        &id.options.data_type.clone(),
                        &seq_opts,
                        Some(id.options.clone()),
                    )?;
                    if !seq_opts.iter().any(|d| d.defname == "start") {
                        id.options.start = start;
                    }
                }
                for d in &opts {
                    if d.defname == "generated" {
                        id.always = d.arg.as_deref().and_then(int_of) == Some(0)
                            || d.arg.as_deref().and_then(str_of).as_deref() == Some("0");
                    }
                }
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.columns[i].identity = Some(id);
                }
            }
            A::AtDropIdentity => {
                let i = self.col_index(q, &cmd.name)?;
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.columns[i].identity = None;
                }
            }
            A::AtDropExpression => {
                let i = self.col_index(q, &cmd.name)?;
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.columns[i].generated = None;
                }
            }
            A::AtAddConstraint => {
                let Some(N::Constraint(c)) = def else {
                    return Ok(());
                };
                let p = PendingCon {
                    con: c,
                    column: None,
                    deferrable: c.deferrable,
                    initially_deferred: c.initdeferred,
                    in_create: false,
                };
                if (c.contype() == ConstrType::ConstrPrimary
                    || c.contype() == ConstrType::ConstrUnique)
                    && !c.indexname.is_empty()
                {
                    return self.add_constraint_using_index(q, c);
                }
                let before: BTreeSet<String> =
                    self.db.tables[q].constraints.keys().cloned().collect();
                self.add_constraint(q, &p)?;
                // On a partitioned table (without ONLY) the constraint reaches every partition.
                if self.db.tables[q].partition_by.is_some() && !self.alter_only {
                    let added: Vec<String> = self.db.tables[q]
                        .constraints
                        .keys()
                        .filter(|k| !before.contains(*k))
                        .cloned()
                        .collect();
                    let kids: Vec<QualName> = self
                        .db
                        .tables
                        .values()
                        .filter(|t| t.partition_of.as_ref().is_some_and(|p| &p.parent == q))
                        .map(|t| t.name.clone())
                        .collect();
                    for name in added {
                        for k in &kids {
                            self.clone_parent_indexes(q, k, Some(&name))?;
                            self.clone_parent_fkeys(q, k, Some(&name));
                        }
                    }
                }
            }
            A::AtValidateConstraint => {
                let Some(con) = self
                    .db
                    .tables
                    .get_mut(q)
                    .and_then(|t| t.constraints.get_mut(&cmd.name))
                else {
                    return fail(
                        format!(
                            "constraint \"{}\" of relation \"{}\" does not exist",
                            cmd.name, q.name
                        ),
                        Loc::Statement,
                    );
                };
                con.validated = true;
                con.definition = con.definition.trim_end_matches(" NOT VALID").to_string();
            }
            A::AtAlterConstraint => {
                let Some(N::Constraint(c)) = def else {
                    return Ok(());
                };
                let Some(con) = self
                    .db
                    .tables
                    .get_mut(q)
                    .and_then(|t| t.constraints.get_mut(&c.conname))
                else {
                    return fail(
                        format!(
                            "constraint \"{}\" of relation \"{}\" does not exist",
                            c.conname, q.name
                        ),
                        Loc::Statement,
                    );
                };
                let base_def = con
                    .definition
                    .replace(" DEFERRABLE INITIALLY DEFERRED", "")
                    .replace(" DEFERRABLE", "");
                con.deferrable = c.deferrable;
                con.initially_deferred = c.initdeferred;
                let nv = base_def.ends_with(" NOT VALID");
                let core = base_def.trim_end_matches(" NOT VALID");
                con.definition = format!(
                    "{core}{}{}",
                    deferrable_suffix(c.deferrable, c.initdeferred),
                    if nv { " NOT VALID" } else { "" }
                );
            }
            A::AtDropConstraint => {
                let exists = self.db.tables[q].constraints.contains_key(&cmd.name);
                if !exists {
                    if cmd.missing_ok {
                        return Ok(());
                    }
                    return fail(
                        format!(
                            "constraint \"{}\" of relation \"{}\" does not exist",
                            cmd.name, q.name
                        ),
                        Loc::Statement,
                    );
                }
                self.drop_constraint(
                    q,
                    &cmd.name,
                    cmd.behavior() == protobuf::DropBehavior::DropCascade,
                )?;
            }
            A::AtChangeOwner => {
                let owner = cmd.newowner.as_ref().map(role_spec);
                let current = self.current_role.clone();
                if let Some(t) = self.db.tables.get_mut(q) {
                    set_owner(&mut t.common, owner.clone(), &current);
                }
                // Owned sequences follow their table.
                for sq in self.db.sequences.values_mut() {
                    if sq.owned_by.as_ref().is_some_and(|o| &o.table == q) {
                        set_owner(&mut sq.common, owner.clone(), &current);
                    }
                }
            }
            A::AtEnableRowSecurity | A::AtDisableRowSecurity => {
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.rls_enabled = cmd.subtype() == A::AtEnableRowSecurity;
                }
            }
            A::AtForceRowSecurity | A::AtNoForceRowSecurity => {
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.rls_forced = cmd.subtype() == A::AtForceRowSecurity;
                }
            }
            A::AtSetLogged | A::AtSetUnLogged => {
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.persistence = if cmd.subtype() == A::AtSetLogged {
                        Persistence::Permanent
                    } else {
                        Persistence::Unlogged
                    };
                }
            }
            A::AtAttachPartition => {
                let Some(N::PartitionCmd(pc)) = def else {
                    return Ok(());
                };
                let prv = pc
                    .name
                    .as_ref()
                    .ok_or_else(|| Fail::statement("ATTACH PARTITION without a table"))?;
                let child = self.table(prv)?;
                self.parents.insert(q.clone());
                let parent = self.db.tables.get(q).cloned();
                let bound = match &pc.bound {
                    Some(b) => self.partition_bound(b, parent.as_ref())?,
                    None => "DEFAULT".into(),
                };
                if let Some(t) = self.db.tables.get_mut(&child) {
                    t.partition_of = Some(PartitionOf {
                        parent: q.clone(),
                        bound,
                    });
                    if let Some(p) = &parent {
                        for c in t.columns.iter_mut() {
                            if p.column(&c.name).is_some() {
                                c.is_local = false;
                            }
                        }
                    }
                }
                self.clone_parent_indexes(q, &child, None)?;
                self.clone_parent_fkeys(q, &child, None);
                self.inherit_parent_checks(q, &child);
            }
            A::AtDetachPartition | A::AtDetachPartitionFinalize => {
                let Some(N::PartitionCmd(pc)) = def else {
                    return Ok(());
                };
                let prv = pc
                    .name
                    .as_ref()
                    .ok_or_else(|| Fail::statement("DETACH PARTITION without a table"))?;
                let child = self.table(prv)?;
                if let Some(t) = self.db.tables.get_mut(&child) {
                    t.partition_of = None;
                    for c in t.columns.iter_mut() {
                        c.is_local = true;
                    }
                    for i in t.indexes.values_mut() {
                        i.parent_index = None;
                    }
                    for c in t.constraints.values_mut() {
                        c.is_local = true;
                    }
                }
            }
            A::AtAddInherit => {
                let Some(N::RangeVar(prv)) = def else {
                    return Ok(());
                };
                let p = self.table(prv)?;
                self.parents.insert(p.clone());
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.inherits.push(p);
                }
            }
            A::AtDropInherit => {
                let Some(N::RangeVar(prv)) = def else {
                    return Ok(());
                };
                let p = self.table(prv)?;
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.inherits.retain(|x| x != &p);
                }
            }
            A::AtSetRelOptions | A::AtResetRelOptions => {
                let set = cmd.subtype() == A::AtSetRelOptions;
                let opts: Vec<(String, String)> = match def {
                    Some(N::List(l)) => def_elems(&l.items)
                        .iter()
                        .map(|d| {
                            (
                                d.defname.clone(),
                                d.arg
                                    .as_deref()
                                    .and_then(str_of)
                                    .unwrap_or_else(|| "true".into()),
                            )
                        })
                        .collect(),
                    _ => vec![],
                };
                if let Some(t) = self.db.tables.get_mut(q) {
                    for (k, v) in opts {
                        t.options.retain(|o| !o.starts_with(&format!("{k}=")));
                        if set {
                            t.options.push(format!("{k}={v}"));
                        }
                    }
                    t.options.sort();
                }
            }
            A::AtEnableTrig | A::AtDisableTrig | A::AtEnableAlwaysTrig | A::AtEnableReplicaTrig => {
                let state = match cmd.subtype() {
                    A::AtEnableTrig => TriggerEnabled::Origin,
                    A::AtDisableTrig => TriggerEnabled::Disabled,
                    A::AtEnableAlwaysTrig => TriggerEnabled::Always,
                    _ => TriggerEnabled::Replica,
                };
                let Some(tr) = self
                    .db
                    .tables
                    .get_mut(q)
                    .and_then(|t| t.triggers.get_mut(&cmd.name))
                else {
                    return fail(
                        format!(
                            "trigger \"{}\" for table \"{}\" does not exist",
                            cmd.name, q.name
                        ),
                        Loc::Statement,
                    );
                };
                tr.enabled = state;
            }
            A::AtEnableTrigAll
            | A::AtDisableTrigAll
            | A::AtEnableTrigUser
            | A::AtDisableTrigUser => {
                let state = if matches!(cmd.subtype(), A::AtEnableTrigAll | A::AtEnableTrigUser) {
                    TriggerEnabled::Origin
                } else {
                    TriggerEnabled::Disabled
                };
                if let Some(t) = self.db.tables.get_mut(q) {
                    for tr in t.triggers.values_mut() {
                        tr.enabled = state;
                    }
                }
            }
            A::AtSetStatistics => {
                // `SET STATISTICS -1` and (PostgreSQL 17) `SET STATISTICS DEFAULT` restore the default
                let n = cmd.def.as_deref().and_then(int_of).unwrap_or(-1);
                let target = (n >= 0).then(|| i32::try_from(n).unwrap_or(i32::MAX));
                self.col_index(q, &cmd.name)?;
                for t in self.with_descendants(q) {
                    if let Some(c) = self.column_mut(&t, &cmd.name) {
                        c.statistics = target;
                    }
                }
            }
            A::AtSetStorage => {
                let word = cmd.def.as_deref().and_then(str_of).unwrap_or_default();
                let i = self.col_index(q, &cmd.name)?;
                let ty = self.db.tables[q].columns[i].type_name.clone();
                let storage = self.storage_of(&ty, &word, Loc::Statement)?;
                for t in self.with_descendants(q) {
                    if let Some(c) = self.column_mut(&t, &cmd.name) {
                        c.storage = storage;
                    }
                }
            }
            A::AtSetCompression => {
                let method = cmd.def.as_deref().and_then(str_of).unwrap_or_default();
                let method = compression_method(&method, Loc::Statement)?;
                self.col_index(q, &cmd.name)?;
                for t in self.with_descendants(q) {
                    if let Some(c) = self.column_mut(&t, &cmd.name) {
                        c.compression = method.clone();
                    }
                }
            }
            A::AtClusterOn => self.set_cluster_on(q, Some(&cmd.name))?,
            A::AtDropCluster => self.set_cluster_on(q, None)?,
            // a column's attribute options (`n_distinct`); never passed on to children
            A::AtSetOptions | A::AtResetOptions => {
                let set = cmd.subtype() == A::AtSetOptions;
                let opts: Vec<(String, String)> = match def {
                    Some(N::List(l)) => def_elems(&l.items)
                        .iter()
                        .map(|d| {
                            (
                                d.defname.clone(),
                                d.arg.as_deref().and_then(str_of).unwrap_or_default(),
                            )
                        })
                        .collect(),
                    _ => vec![],
                };
                self.col_index(q, &cmd.name)?;
                if let Some(c) = self.column_mut(q, &cmd.name) {
                    for (k, v) in opts {
                        c.options
                            .retain(|o| o.split('=').next() != Some(k.as_str()));
                        if set {
                            c.options.push(format!("{k}={v}"));
                        }
                    }
                    c.options.sort();
                }
            }
            A::AtSetTableSpace => {
                let ts = cmd.name.clone();
                self.tablespace(q, &ts);
            }
            A::AtReplicaIdentity => {
                let Some(N::ReplicaIdentityStmt(ri)) = def else {
                    return Ok(());
                };
                let identity = match ri.identity_type.as_str() {
                    "f" => ReplicaIdentity::Full,
                    "n" => ReplicaIdentity::Nothing,
                    "i" => {
                        let known = self
                            .db
                            .tables
                            .get(q)
                            .is_some_and(|t| t.indexes.contains_key(&ri.name));
                        if !known {
                            return fail(
                                format!(
                                    "index \"{}\" for table \"{}\" does not exist",
                                    ri.name, q.name
                                ),
                                Loc::Statement,
                            );
                        }
                        ReplicaIdentity::Index(ri.name.clone())
                    }
                    _ => ReplicaIdentity::Default,
                };
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.replica_identity = identity;
                }
            }
            A::AtSetAccessMethod => {}
            other => self.warn(format!(
                "ALTER TABLE {}: not modelled, ignored",
                other.as_str_name()
            )),
        }
        Ok(())
    }

    pub(super) fn add_constraint_using_index(
        &mut self,
        q: &QualName,
        c: &protobuf::Constraint,
    ) -> R<()> {
        let Some(t) = self.db.tables.get_mut(q) else {
            return Ok(());
        };
        let Some(mut idx) = t.indexes.remove(&c.indexname) else {
            return fail(
                format!("index \"{}\" does not exist", c.indexname),
                Loc::at(c.location),
            );
        };
        let name = if c.conname.is_empty() {
            c.indexname.clone()
        } else {
            truncate_ident(&c.conname)
        };
        let kind = if c.contype() == ConstrType::ConstrPrimary {
            ConstraintKind::PrimaryKey
        } else {
            ConstraintKind::Unique
        };
        let def = format!(
            "{} ({}){}",
            if kind == ConstraintKind::PrimaryKey {
                "PRIMARY KEY"
            } else {
                "UNIQUE"
            },
            ident_list(&idx.columns),
            deferrable_suffix(c.deferrable, c.initdeferred)
        );
        idx.definition = idx.definition.replacen(
            &format!("INDEX {} ON", quote_ident(&c.indexname)),
            &format!("INDEX {} ON", quote_ident(&name)),
            1,
        );
        idx.name = name.clone();
        idx.constraint = Some(name.clone());
        if kind == ConstraintKind::PrimaryKey {
            for col in t
                .columns
                .iter_mut()
                .filter(|x| idx.columns.contains(&x.name))
            {
                col.not_null = true;
            }
        }
        let con = Constraint {
            name: name.clone(),
            kind,
            definition: def,
            columns: idx.columns.clone(),
            references: None,
            deferrable: c.deferrable,
            initially_deferred: c.initdeferred,
            validated: true,
            is_local: true,
            comment: None,
        };
        t.indexes.insert(name.clone(), idx);
        self.index_owner
            .remove(&QualName::new(&q.schema, &c.indexname));
        self.index_owner
            .insert(QualName::new(&q.schema, &name), q.clone());
        self.insert_constraint(q, con, false);
        Ok(())
    }

    /// Add a column to a table and, as an inherited column, to its children.
    pub(super) fn add_column_everywhere(&mut self, q: &QualName, col: Column) {
        if let Some(t) = self.db.tables.get_mut(q) {
            t.columns.push(col.clone());
        }
        let children = self.children_of(q);
        for ch in children {
            let exists = self.db.tables[&ch].column(&col.name).is_some();
            if !exists {
                let c = Column {
                    is_local: false,
                    comment: None,
                    grants: BTreeSet::new(),
                    identity: None,
                    statistics: None,
                    ..col.clone()
                };
                self.add_column_everywhere(&ch, c);
            }
        }
    }

    /// Index and constraint texts mention column types only through casts; re-deriving them needs the
    /// original expressions, so a type change leaves them and says so when a constraint uses the column.
    pub(super) fn refresh_after_type_change(&mut self, q: &QualName, col: &str) {
        let uses = self.db.tables[q]
            .constraints
            .values()
            .any(|c| c.kind == ConstraintKind::Check && c.columns.iter().any(|x| x == col));
        if uses {
            self.warn(format!("column \"{col}\" changed type: CHECK constraints on it keep their old text (use --dev-url)"));
        }
    }

    pub(super) fn drop_column(&mut self, q: &QualName, i: usize, cascade: bool) -> R<()> {
        let name = self.db.tables[q].columns[i].name.clone();
        // Views reading the table may use the column.
        if !cascade {
            let dependent = self
                .view_reads
                .iter()
                .find(|(_, r)| r.contains(q))
                .map(|(v, _)| v.clone());
            if let Some(v) = dependent {
                let uses = self
                    .db
                    .views
                    .get(&v)
                    .is_some_and(|vw| vw.definition.contains(&name));
                if uses {
                    return fail(format!("cannot drop column {name} of table {} because other objects depend on it", q.name), Loc::Statement);
                }
            }
        }
        let Some(t) = self.db.tables.get_mut(q) else {
            return Ok(());
        };
        t.columns.remove(i);
        let gone_cons: Vec<String> = t
            .constraints
            .values()
            .filter(|c| {
                c.columns.contains(&name)
                    || (c.kind == ConstraintKind::Check
                        && c.definition.contains(&quote_ident(&name)))
            })
            .map(|c| c.name.clone())
            .collect();
        let gone_idx: Vec<String> = t
            .indexes
            .values()
            .filter(|x| {
                x.columns.contains(&name)
                    || x.definition.contains(&format!("({})", quote_ident(&name)))
            })
            .map(|x| x.name.clone())
            .collect();
        for c in &gone_cons {
            t.constraints.remove(c);
        }
        for x in &gone_idx {
            t.indexes.remove(x);
        }
        let schema = q.schema.clone();
        for c in gone_cons {
            self.remove_con_name(&schema, &c);
        }
        for x in gone_idx {
            self.index_owner.remove(&QualName::new(&schema, x));
        }
        // An owned sequence goes with its column.
        let owned: Vec<QualName> = self
            .db
            .sequences
            .values()
            .filter(|s| {
                s.owned_by
                    .as_ref()
                    .is_some_and(|o| &o.table == q && o.column == name)
            })
            .map(|s| s.name.clone())
            .collect();
        for s in owned {
            self.db.sequences.remove(&s);
        }
        // Inherited copies go too.
        let children = self.children_of(q);
        for ch in children {
            if let Some(ci) = self.db.tables[&ch]
                .columns
                .iter()
                .position(|c| c.name == name && !c.is_local)
            {
                self.drop_column(&ch, ci, cascade)?;
            }
        }
        Ok(())
    }

    pub(super) fn drop_constraint(&mut self, q: &QualName, name: &str, cascade: bool) -> R<()> {
        let Some(t) = self.db.tables.get_mut(q) else {
            return Ok(());
        };
        let Some(con) = t.constraints.remove(name) else {
            return Ok(());
        };
        if let Some(idx) = t
            .indexes
            .iter()
            .find(|(_, i)| i.constraint.as_deref() == Some(name))
            .map(|(n, _)| n.clone())
        {
            t.indexes.remove(&idx);
            self.index_owner.remove(&QualName::new(&q.schema, idx));
        }
        self.remove_con_name(&q.schema, name);
        if matches!(
            con.kind,
            ConstraintKind::PrimaryKey | ConstraintKind::Unique
        ) {
            // Foreign keys that relied on this key.
            let dependents: Vec<(QualName, String)> = self
                .db
                .tables
                .values()
                .flat_map(|t| {
                    t.constraints
                        .values()
                        .filter(|c| {
                            c.references.as_ref() == Some(q)
                                && c.definition
                                    .ends_with(&format!("({})", ident_list(&con.columns)))
                                || (c.references.as_ref() == Some(q)
                                    && c.definition
                                        .contains(&format!("({}) ", ident_list(&con.columns))))
                        })
                        .map(move |c| (t.name.clone(), c.name.clone()))
                })
                .filter(|(_, _)| true)
                .collect();
            let dependents: Vec<(QualName, String)> = dependents
                .into_iter()
                .filter(|(t, c)| {
                    self.db.tables[t].constraints[c]
                        .definition
                        .contains(&format!("REFERENCES {q}({})", ident_list(&con.columns)))
                })
                .collect();
            if !dependents.is_empty() && !cascade {
                return fail(
                    format!("cannot drop constraint {name} on table {} because other objects depend on it", q.name),
                    Loc::Statement,
                );
            }
            for (t, c) in dependents {
                self.drop_constraint(&t, &c, cascade)?;
            }
        }
        // Inherited CHECK copies.
        let children: Vec<QualName> = self
            .children_of(q)
            .into_iter()
            .filter(|ch| {
                self.db
                    .tables
                    .get(ch)
                    .and_then(|t| t.constraints.get(name))
                    .is_some_and(|c| !c.is_local)
            })
            .collect();
        for ch in children {
            self.drop_constraint(&ch, name, cascade)?;
        }
        Ok(())
    }
}
