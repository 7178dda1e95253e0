//! `CREATE TABLE` (columns, defaults, partitions, inheritance, `LIKE`) and what children copy from parents.

use super::*;

pub(super) struct TableEnv<'a> {
    pub(super) interp: &'a Interp,
    pub(super) columns: &'a [Column],
    /// More columns after `columns` (the column being defined), so that they need not be copied into one list.
    pub(super) more: &'a [Column],
}

impl Env for TableEnv<'_> {
    fn column_type(&self, name: &str) -> Option<String> {
        self.columns
            .iter()
            .chain(self.more)
            .find(|c| c.name == name)
            .map(|c| c.type_name.clone())
    }
    fn type_name(&self, tn: &protobuf::TypeName) -> Result<String, String> {
        self.interp.resolve_type(tn).map_err(|e| e.message)
    }
    fn function(
        &self,
        names: &[String],
        arg_types: &[Option<String>],
    ) -> Option<(String, Option<String>)> {
        self.interp.find_function(names, arg_types.len()).map(|f| {
            (
                format!("{}.{}", quote_ident(&f.id.schema), quote_ident(&f.id.name)),
                f.returns.clone(),
            )
        })
    }
    fn regclass(&self, text: &str) -> String {
        let parts = plumb_model::split_qualified(text).unwrap_or_else(|_| vec![text.to_string()]);
        let parts: Vec<String> = parts
            .into_iter()
            .map(|p| {
                if text.contains('"') {
                    p
                } else {
                    p.to_lowercase()
                }
            })
            .collect();
        match parts.as_slice() {
            [name] => {
                let schema = self
                    .interp
                    .search_path
                    .iter()
                    .find(|s| self.interp.relation_exists(&QualName::new(*s, name)))
                    .cloned()
                    .or_else(|| self.interp.creation_schema().ok())
                    .unwrap_or_else(|| "public".into());
                QualName::new(schema, name).to_string()
            }
            [s, n] => QualName::new(s, n).to_string(),
            _ => text.to_string(),
        }
    }
}

impl Interp {
    pub(super) fn analyze_in(&self, columns: &[Column], e: &Node) -> R<TExpr> {
        self.analyze_with(columns, &[], e)
    }

    /// [`Interp::analyze_in`] over the columns of `columns` then `more`.
    pub(super) fn analyze_with(&self, columns: &[Column], more: &[Column], e: &Node) -> R<TExpr> {
        let env = TableEnv {
            interp: self,
            columns,
            more,
        };
        Analyzer { env: &env }.analyze(e).map_err(Fail::statement)
    }

    pub(super) fn render_default(
        &self,
        columns: &[Column],
        e: &Node,
        ty: &str,
    ) -> R<Option<String>> {
        self.render_default_with(columns, &[], e, ty)
    }

    /// [`Interp::render_default`] over the columns of `columns` then `more`.
    pub(super) fn render_default_with(
        &self,
        columns: &[Column],
        more: &[Column],
        e: &Node,
        ty: &str,
    ) -> R<Option<String>> {
        let t = coerce(self.analyze_with(columns, more, e)?, ty);
        if matches!(
            t,
            TExpr::Const {
                lit: expr::Lit::Null,
                ..
            }
        ) {
            return Ok(None);
        }
        Ok(Some(expr::print(&t, true)))
    }

    /// `CHECK ((...))` text and the columns the expression reads.
    pub(super) fn render_check(&self, columns: &[Column], e: &Node) -> R<(String, Vec<String>)> {
        let t = coerce(self.analyze_in(columns, e)?, "boolean");
        let mut cols = Vec::new();
        t.columns(&mut cols);
        Ok((format!("CHECK ({})", expr::print(&t, false)), cols))
    }

    /// A column element without a type (`name WITH OPTIONS NOT NULL DEFAULT ...`): the column of that name
    /// that the table has from its type or parent, with these options.
    pub(super) fn column_options(
        &mut self,
        table: &QualName,
        cd: &protobuf::ColumnDef,
        cols: &[Column],
    ) -> R<(Column, Option<Sequence>)> {
        let Some(existing) = cols.iter().find(|c| c.name == cd.colname) else {
            return fail(
                format!("column \"{}\" does not exist", cd.colname),
                Loc::at(cd.location),
            );
        };
        let mut col = Column {
            name: existing.name.clone(),
            type_name: existing.type_name.clone(),
            collation: existing.collation.clone(),
            is_local: true,
            ..Column::default()
        };
        if let Some(c) = &cd.coll_clause {
            col.collation = Some(self.collation_name(&strs(&c.collname)));
        }
        self.column_constraints(table, cd, cols, col, None, false)
    }

    pub(super) fn column_def(
        &mut self,
        table: &QualName,
        cd: &protobuf::ColumnDef,
        cols: &[Column],
    ) -> R<(Column, Option<Sequence>)> {
        let Some(tn) = cd.type_name.as_ref() else {
            // `name WITH OPTIONS ...` in a typed table or a partition: a column the table already has.
            return self.column_options(table, cd, cols);
        };
        let names = strs(&tn.names);
        let serial = match names.as_slice() {
            [n] if tn.array_bounds.is_empty() => match n.as_str() {
                "serial" | "serial4" => Some("integer"),
                "bigserial" | "serial8" => Some("bigint"),
                "smallserial" | "serial2" => Some("smallint"),
                _ => None,
            },
            _ => None,
        };
        let name = truncate_ident(&cd.colname);
        let mut col = Column {
            name: name.clone(),
            is_local: true,
            ..Column::default()
        };
        let mut seq = None;
        if let Some(ty) = serial {
            col.type_name = ty.to_string();
            let seqname = choose_name(&table.name, Some(&name), "seq", |n| {
                self.rel_taken(&table.schema, n)
            });
            let sq = QualName::new(&table.schema, seqname);
            col.default = Some(format!(
                "nextval({}::regclass)",
                quote_literal(&sq.to_string())
            ));
            col.not_null = true;
            seq = Some(Sequence {
                name: sq,
                options: SequenceOptions::defaults(ty, 1),
                owned_by: Some(ColumnRef {
                    table: table.clone(),
                    column: name.clone(),
                }),
                common: Common::default(),
            });
        } else {
            col.type_name = self.resolve_type(tn)?;
        }
        if let Some(c) = &cd.coll_clause {
            col.collation = Some(self.collation_name(&strs(&c.collname)));
        }
        if !cd.compression.is_empty() {
            col.compression = compression_method(&cd.compression, Loc::at(cd.location))?;
        }
        if !cd.storage_name.is_empty() {
            col.storage =
                self.storage_of(&col.type_name, &cd.storage_name, Loc::at(cd.location))?;
        }
        self.column_constraints(table, cd, cols, col, seq, serial.is_some())
    }

    /// A relation stored in a tablespace other than the database's default: named, as the introspector
    /// names it, not modelled.
    pub(super) fn tablespace(&mut self, rel: &QualName, tablespace: &str) {
        if !tablespace.is_empty() && tablespace != "pg_default" {
            self.unsupported(
                "tablespace",
                format!("{rel} IN {}", quote_ident(tablespace)),
            );
        }
    }

    /// A column's `SET STORAGE` as the model keeps it: `None` when it is the type's default.
    pub(super) fn storage_of(
        &self,
        type_name: &str,
        word: &str,
        location: Loc,
    ) -> R<Option<Storage>> {
        if word.eq_ignore_ascii_case("default") {
            return Ok(None);
        }
        let Some(s) = Storage::from_keyword(word) else {
            return fail(format!("invalid storage type \"{word}\""), location);
        };
        Ok((plumb_model::default_storage(type_name, &self.db) != Some(s)).then_some(s))
    }

    /// `q` and, unless the statement said `ONLY`, every table that inherits from it or is its partition, at
    /// any depth.
    pub(super) fn with_descendants(&self, q: &QualName) -> Vec<QualName> {
        let mut all = vec![q.clone()];
        if self.alter_only {
            return all;
        }
        let mut i = 0;
        while i < all.len() {
            for c in self.children_of(&all[i]) {
                if !all.contains(&c) {
                    all.push(c);
                }
            }
            i += 1;
        }
        all
    }

    /// `CLUSTER ON index` for table `q` (`None`: `SET WITHOUT CLUSTER`): at most one index is marked.
    pub(super) fn set_cluster_on(&mut self, q: &QualName, index: Option<&str>) -> R<()> {
        if let Some(i) = index {
            let has = self
                .db
                .tables
                .get(q)
                .is_some_and(|t| t.indexes.contains_key(i))
                || self
                    .db
                    .views
                    .get(q)
                    .is_some_and(|v| v.indexes.contains_key(i));
            if !has {
                return fail(
                    format!("index \"{i}\" for table \"{}\" does not exist", q.name),
                    Loc::Statement,
                );
            }
        }
        let indexes = match (self.db.tables.get_mut(q), self.db.views.get_mut(q)) {
            (Some(t), _) => &mut t.indexes,
            (None, Some(v)) => &mut v.indexes,
            (None, None) => return Ok(()),
        };
        for (name, idx) in indexes.iter_mut() {
            idx.clustered = Some(name.as_str()) == index;
        }
        Ok(())
    }

    /// A column's own constraints (NOT NULL, DEFAULT, identity, generated) applied to it.
    pub(super) fn column_constraints(
        &self,
        table: &QualName,
        cd: &protobuf::ColumnDef,
        cols: &[Column],
        mut col: Column,
        seq: Option<Sequence>,
        serial: bool,
    ) -> R<(Column, Option<Sequence>)> {
        let name = col.name.clone();
        // The columns an expression of this column may name: the ones before it (`cols`) and itself.
        for c in &cd.constraints {
            let Some(N::Constraint(c)) = &c.node else {
                continue;
            };
            match c.contype() {
                ConstrType::ConstrNotnull => col.not_null = true,
                ConstrType::ConstrNull => col.not_null = false,
                ConstrType::ConstrDefault => {
                    if serial {
                        return fail(format!("multiple default values specified for column \"{name}\" of table \"{}\"", table.name), Loc::at(c.location));
                    }
                    if let Some(e) = c.raw_expr.as_deref() {
                        let default = self.render_default_with(
                            cols,
                            std::slice::from_ref(&col),
                            e,
                            &col.type_name,
                        )?;
                        col.default = default;
                    }
                }
                ConstrType::ConstrIdentity => {
                    let opts = def_elems(&c.options);
                    let options = seq_options(&base(&col.type_name), &opts, None)?;
                    let seqname = choose_name(&table.name, Some(&name), "seq", |n| {
                        self.rel_taken(&table.schema, n)
                    });
                    col.identity = Some(Box::new(Identity {
                        always: c.generated_when == "a",
                        sequence: Some(QualName::new(&table.schema, seqname)),
                        options,
                    }));
                    col.not_null = true;
                }
                ConstrType::ConstrGenerated => {
                    if let Some(e) = c.raw_expr.as_deref() {
                        let t = coerce(
                            self.analyze_with(cols, std::slice::from_ref(&col), e)?,
                            &col.type_name,
                        );
                        col.generated = Some(expr::print(&t, true));
                        // PostgreSQL 18: VIRTUAL, its default when neither is written
                        col.generated_virtual = c.generated_kind == "v";
                    }
                }
                ConstrType::ConstrPrimary => col.not_null = true,
                _ => {}
            }
        }
        Ok((col, seq))
    }

    pub(super) fn create_table(&mut self, s: &protobuf::CreateStmt) -> R<()> {
        let rv = s
            .relation
            .as_ref()
            .ok_or_else(|| Fail::statement("table name missing"))?;
        let q = self.new_rel_name(rv)?;
        if self.relation_exists(&q) || self.db.types.contains_key(&q) {
            if s.if_not_exists {
                self.warn(format!("relation \"{}\" already exists, skipping", q.name));
                return Ok(());
            }
            return fail(
                format!("relation \"{}\" already exists", q.name),
                Loc::at(rv.location),
            );
        }
        if rv.relpersistence == "t" {
            self.warn("temporary table is not part of the schema: ignored");
            return Ok(());
        }
        let mut table = Table {
            name: q.clone(),
            persistence: if rv.relpersistence == "u" {
                Persistence::Unlogged
            } else {
                Persistence::Permanent
            },
            ..Table::default()
        };
        // Parents first: inherited columns come before local ones.
        let mut parents = Vec::new();
        for p in &s.inh_relations {
            if let Some(N::RangeVar(prv)) = &p.node {
                parents.push(self.table(prv)?);
            }
        }
        self.parents.extend(parents.iter().cloned());
        let partition_parent = if s.partbound.is_some() {
            parents.first().cloned()
        } else {
            None
        };
        for p in &parents {
            let Some(parent) = self.db.tables.get(p) else {
                continue;
            };
            for pc in &parent.columns {
                if let Some(existing) = table.columns.iter_mut().find(|c| c.name == pc.name) {
                    existing.not_null |= pc.not_null;
                    continue;
                }
                table.columns.push(Column {
                    is_local: false,
                    comment: None,
                    grants: BTreeSet::new(),
                    statistics: None,
                    identity: if partition_parent.is_some() {
                        pc.identity.clone()
                    } else {
                        None
                    },
                    ..pc.clone()
                });
            }
            for (n, c) in &parent.constraints {
                if c.kind == ConstraintKind::Check && !c.definition.contains("NO INHERIT") {
                    table.constraints.insert(
                        n.clone(),
                        Constraint {
                            is_local: false,
                            comment: None,
                            ..c.clone()
                        },
                    );
                }
            }
        }
        if partition_parent.is_none() {
            table.inherits = parents.clone();
        }
        // A typed table (`OF type`) takes its columns from the composite type; `name WITH OPTIONS ...`
        // elements add constraints and defaults to them. They are local columns once the table exists.
        if let Some(tn) = s.of_typename.as_ref() {
            let ty = self.resolve_type(tn)?;
            let tq = self.user_type_of(&ty).filter(|_| !ty.ends_with("[]"));
            let attributes = match tq.as_ref().map(|q| &self.db.types[q].kind) {
                Some(TypeKind::Composite { attributes }) => attributes,
                _ => {
                    return fail(
                        format!("type {ty} is not a composite type"),
                        Loc::at(tn.location),
                    )
                }
            };
            for a in attributes {
                table.columns.push(Column {
                    name: a.name.clone(),
                    type_name: a.type_name.clone(),
                    collation: a.collation.clone(),
                    is_local: false,
                    ..Column::default()
                });
            }
            table.of_type = tq;
        }
        let mut pending: Vec<PendingCon<'_>> = Vec::new();
        let mut seqs = Vec::new();
        for e in &s.table_elts {
            match &e.node {
                Some(N::ColumnDef(cd)) => {
                    let (col, seq) = self.column_def(&q, cd, &table.columns)?;
                    if let Some(sq) = seq {
                        if self.rel_taken(&sq.name.schema, &sq.name.name) {
                            return fail(
                                format!("relation \"{}\" already exists", sq.name.name),
                                Loc::at(cd.location),
                            );
                        }
                        seqs.push(sq);
                    }
                    if let Some(existing) = table.columns.iter_mut().find(|c| c.name == col.name) {
                        if existing.is_local || existing.type_name != col.type_name {
                            return fail(
                                format!("column \"{}\" specified more than once", col.name),
                                Loc::at(cd.location),
                            );
                        }
                        // A partition's column stays inherited when given options.
                        existing.is_local |= partition_parent.is_none();
                        existing.not_null |= col.not_null;
                        if col.default.is_some() {
                            existing.default = col.default;
                        }
                    } else {
                        table.columns.push(col);
                    }
                    let mut last: Option<usize> = None;
                    for c in &cd.constraints {
                        let Some(N::Constraint(c)) = &c.node else {
                            continue;
                        };
                        match c.contype() {
                            ConstrType::ConstrAttrDeferrable => {
                                if let Some(i) = last {
                                    pending[i].deferrable = true;
                                }
                            }
                            ConstrType::ConstrAttrDeferred => {
                                if let Some(i) = last {
                                    pending[i].deferrable = true;
                                    pending[i].initially_deferred = true;
                                }
                            }
                            ConstrType::ConstrAttrNotDeferrable
                            | ConstrType::ConstrAttrImmediate => {}
                            ConstrType::ConstrCheck
                            | ConstrType::ConstrPrimary
                            | ConstrType::ConstrUnique
                            | ConstrType::ConstrForeign
                            | ConstrType::ConstrExclusion => {
                                pending.push(PendingCon {
                                    con: c,
                                    column: Some(truncate_ident(&cd.colname)),
                                    deferrable: c.deferrable,
                                    initially_deferred: c.initdeferred,
                                    in_create: true,
                                });
                                last = Some(pending.len() - 1);
                            }
                            _ => {}
                        }
                    }
                }
                Some(N::Constraint(c)) => pending.push(PendingCon {
                    con: c,
                    column: None,
                    deferrable: c.deferrable,
                    initially_deferred: c.initdeferred,
                    in_create: true,
                }),
                Some(N::TableLikeClause(l)) => {
                    let lrv = l
                        .relation
                        .as_ref()
                        .ok_or_else(|| Fail::statement("LIKE without a table"))?;
                    let src = self.table(lrv)?;
                    if let Some(src) = self.db.tables.get(&src) {
                        const DEFAULTS: u32 = 1 << 3;
                        const LIKE_COMPRESSION: u32 = 1 << 1;
                        const LIKE_STORAGE: u32 = 1 << 8;
                        let all = l.options == 0x7FFF_FFFF
                            || l.options & 0xFFFF == 0x3FF
                            || l.options >= 0x3FF;
                        for c in &src.columns {
                            let keep_default = all || l.options & DEFAULTS != 0;
                            table.columns.push(Column {
                                default: if keep_default {
                                    c.default.clone()
                                } else {
                                    None
                                },
                                identity: None,
                                comment: None,
                                grants: BTreeSet::new(),
                                is_local: true,
                                storage: if all || l.options & LIKE_STORAGE != 0 {
                                    c.storage
                                } else {
                                    None
                                },
                                compression: if all || l.options & LIKE_COMPRESSION != 0 {
                                    c.compression.clone()
                                } else {
                                    None
                                },
                                statistics: None,
                                ..c.clone()
                            });
                        }
                        if l.options != 0 {
                            self.warn("LIKE ... INCLUDING: only columns, NOT NULL and defaults are copied offline");
                        }
                    }
                }
                _ => {}
            }
        }
        if table.of_type.is_some() {
            for c in &mut table.columns {
                c.is_local = true;
            }
        }
        if let Some(ps) = &s.partspec {
            table.partition_by = Some(self.partition_key(ps, &table.columns)?);
        }
        if let (Some(parent), Some(bound)) = (&partition_parent, &s.partbound) {
            let ptable = self.db.tables.get(parent).cloned();
            let bound = self.partition_bound(bound, ptable.as_ref())?;
            table.partition_of = Some(PartitionOf {
                parent: parent.clone(),
                bound,
            });
        }
        for d in def_elems(&s.options) {
            let v = d
                .arg
                .as_deref()
                .and_then(str_of)
                .unwrap_or_else(|| "true".into());
            table.options.push(format!("{}={}", d.defname, v));
        }
        for mut sq in seqs {
            sq.common.grants = self.default_acl(AclKind::Sequence, Some(&sq.name.schema), None);
            self.db.sequences.insert(sq.name.clone(), sq);
        }
        table.common.grants = self.default_acl(AclKind::Table, Some(&q.schema), None);
        self.db.tables.insert(q.clone(), table);
        self.tablespace(&q, &s.tablespacename);
        // Constraints: CHECKs first (named when the table is created), then PRIMARY KEY / UNIQUE / EXCLUDE
        // (their indexes), then foreign keys, as PostgreSQL does.
        for p in pending
            .iter()
            .filter(|p| p.con.contype() == ConstrType::ConstrCheck)
        {
            self.add_constraint(&q, p)?;
        }
        // transformIndexConstraints: an unnamed UNIQUE that repeats the primary key (or an earlier UNIQUE)
        // is dropped.
        let keys_of = |p: &PendingCon<'_>| -> (Vec<String>, Vec<String>) {
            let k = match (&p.column, p.con.keys.is_empty()) {
                (Some(c), true) => vec![c.clone()],
                _ => strs(&p.con.keys),
            };
            (k, strs(&p.con.including))
        };
        let mut seen: Vec<(Vec<String>, Vec<String>)> = Vec::new();
        for p in pending
            .iter()
            .filter(|p| p.con.contype() == ConstrType::ConstrPrimary)
        {
            seen.push(keys_of(p));
            self.add_constraint(&q, p)?;
        }
        for p in pending.iter().filter(|p| {
            matches!(
                p.con.contype(),
                ConstrType::ConstrUnique | ConstrType::ConstrExclusion
            )
        }) {
            if p.con.contype() == ConstrType::ConstrUnique && p.con.where_clause.is_none() {
                let k = keys_of(p);
                if seen.contains(&k) && p.con.conname.is_empty() && !p.con.nulls_not_distinct {
                    continue;
                }
                seen.push(k);
            }
            self.add_constraint(&q, p)?;
        }
        for p in pending
            .iter()
            .filter(|p| p.con.contype() == ConstrType::ConstrForeign)
        {
            self.add_constraint(&q, p)?;
        }
        if let Some(parent) = partition_parent {
            self.clone_parent_indexes(&parent, &q, None)?;
            self.clone_parent_fkeys(&parent, &q, None);
        }
        Ok(())
    }

    /// Foreign keys of a partitioned table are cloned, under the same name, onto its partitions.
    pub(super) fn clone_parent_fkeys(
        &mut self,
        parent: &QualName,
        child: &QualName,
        only: Option<&str>,
    ) {
        let Some(p) = self.db.tables.get(parent) else {
            return;
        };
        let fks: Vec<Constraint> = p
            .constraints
            .values()
            .filter(|c| c.kind == ConstraintKind::ForeignKey && only.is_none_or(|o| o == c.name))
            .cloned()
            .collect();
        for fk in fks {
            let exists = self
                .db
                .tables
                .get(child)
                .is_some_and(|c| c.constraints.contains_key(&fk.name));
            if !exists {
                self.insert_constraint(
                    child,
                    Constraint {
                        is_local: false,
                        comment: None,
                        ..fk
                    },
                    false,
                );
            }
        }
    }

    /// After ATTACH PARTITION: the parent's CHECK constraints on the partition are inherited, not local.
    pub(super) fn inherit_parent_checks(&mut self, parent: &QualName, child: &QualName) {
        let Some(p) = self.db.tables.get(parent) else {
            return;
        };
        let checks: Vec<Constraint> = p
            .constraints
            .values()
            .filter(|c| c.kind == ConstraintKind::Check)
            .cloned()
            .collect();
        for c in checks {
            let present = self
                .db
                .tables
                .get_mut(child)
                .and_then(|t| t.constraints.get_mut(&c.name))
                .map(|cc| cc.is_local = false)
                .is_some();
            if !present {
                self.insert_constraint(
                    child,
                    Constraint {
                        is_local: false,
                        comment: None,
                        ..c
                    },
                    false,
                );
            }
        }
    }

    pub(super) fn partition_key(
        &self,
        ps: &protobuf::PartitionSpec,
        columns: &[Column],
    ) -> R<String> {
        let strategy = match ps.strategy() {
            protobuf::PartitionStrategy::List => "LIST",
            protobuf::PartitionStrategy::Range => "RANGE",
            _ => "HASH",
        };
        let mut parts = Vec::new();
        for p in &ps.part_params {
            let Some(N::PartitionElem(pe)) = &p.node else {
                continue;
            };
            let mut s = if !pe.name.is_empty() {
                if !columns.iter().any(|c| c.name == pe.name) {
                    return fail(
                        format!(
                            "column \"{}\" named in partition key does not exist",
                            pe.name
                        ),
                        Loc::at(pe.location),
                    );
                }
                quote_ident(&pe.name)
            } else if let Some(e) = pe.expr.as_deref() {
                let t = self.analyze_in(columns, e)?;
                let txt = expr::print(&t, true);
                if matches!(
                    t,
                    TExpr::Func { .. } | TExpr::Special { .. } | TExpr::Keyword { .. }
                ) {
                    txt
                } else {
                    format!("({txt})")
                }
            } else {
                continue;
            };
            if !pe.collation.is_empty() {
                s.push_str(&format!(
                    " COLLATE {}",
                    self.collation_name(&strs(&pe.collation))
                ));
            }
            if !pe.opclass.is_empty() {
                s.push(' ');
                s.push_str(
                    &strs(&pe.opclass)
                        .iter()
                        .map(|x| quote_ident(x))
                        .collect::<Vec<_>>()
                        .join("."),
                );
            }
            parts.push(s);
        }
        Ok(format!("{strategy} ({})", parts.join(", ")))
    }

    pub(super) fn partition_bound(
        &self,
        b: &protobuf::PartitionBoundSpec,
        parent: Option<&Table>,
    ) -> R<String> {
        if b.is_default {
            return Ok("DEFAULT".into());
        }
        let key_types: Vec<String> = parent
            .and_then(|p| p.partition_by.as_ref().map(|k| (p, k)))
            .map(|(p, k)| {
                let inner = k
                    .split_once('(')
                    .map(|x| x.1)
                    .unwrap_or("")
                    .trim_end_matches(')');
                inner
                    .split(", ")
                    .map(|c| {
                        p.column(c.trim_matches('"'))
                            .map(|c| c.type_name.clone())
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .unwrap_or_default();
        let datum = |n: &Node, i: usize| -> R<String> {
            if let Some(N::ColumnRef(c)) = &n.node {
                let f = strs(&c.fields);
                if f.len() == 1 && (f[0] == "minvalue" || f[0] == "maxvalue") {
                    return Ok(f[0].to_uppercase());
                }
            }
            let raw = self.analyze_in(&[], n)?;
            let ty = key_types.get(i).filter(|t| !t.is_empty());
            let t = match ty {
                Some(ty) => match coerce(raw.clone(), ty) {
                    // A constant the coercion wraps (an integer to bigint) keeps its literal.
                    c @ TExpr::Const { .. } => c,
                    _ if matches!(raw, TExpr::Const { .. }) => raw,
                    other => other,
                },
                None => raw,
            };
            // Partition bounds print constants as ruleutils' get_const_expr does with no type label: an
            // integer that is not negative and a numeric that looks like a float bare, booleans as words,
            // NULL, everything else (bigint and smallint included) as a quoted literal.
            let Some(ty) = ty else {
                return Ok(match t {
                    TExpr::Const {
                        lit: expr::Lit::Str(s),
                        ..
                    } => quote_literal(&s),
                    TExpr::Const {
                        lit: expr::Lit::Int(v),
                        ..
                    } => v.to_string(),
                    TExpr::Const {
                        lit: expr::Lit::Num(v),
                        ..
                    } => v,
                    other => expr::print(&other, true),
                });
            };
            let text = match &t {
                TExpr::Const { lit, .. } => match lit {
                    expr::Lit::Null => return Ok("NULL".into()),
                    expr::Lit::Bool(b) => return Ok(b.to_string()),
                    expr::Lit::Int(v) => v.to_string(),
                    expr::Lit::Num(v) | expr::Lit::Str(v) => v.clone(),
                    expr::Lit::BitStr(_) => return Ok(expr::print(&t, true)),
                },
                other => return Ok(expr::print(other, true)),
            };
            let base = ty.split('(').next().unwrap_or(ty);
            let bare = match base {
                "integer" => !text.starts_with('-'),
                "numeric" => {
                    text.starts_with(|c: char| c.is_ascii_digit()) && text.contains(['.', 'e', 'E'])
                }
                "boolean" => text == "true" || text == "false",
                _ => false,
            };
            Ok(if bare { text } else { quote_literal(&text) })
        };
        let list = |nodes: &[Node]| -> R<String> {
            let mut v = Vec::new();
            for (i, n) in nodes.iter().enumerate() {
                v.push(datum(n, i)?);
            }
            Ok(v.join(", "))
        };
        Ok(match b.strategy.as_str() {
            "l" => {
                let mut v = Vec::new();
                for n in &b.listdatums {
                    v.push(datum(n, 0)?);
                }
                format!("FOR VALUES IN ({})", v.join(", "))
            }
            "r" => format!(
                "FOR VALUES FROM ({}) TO ({})",
                list(&b.lowerdatums)?,
                list(&b.upperdatums)?
            ),
            _ => format!(
                "FOR VALUES WITH (modulus {}, remainder {})",
                b.modulus, b.remainder
            ),
        })
    }

    /// Indexes of a partitioned parent are created on a new partition too (named as PostgreSQL names them).
    pub(super) fn clone_parent_indexes(
        &mut self,
        parent: &QualName,
        child: &QualName,
        only: Option<&str>,
    ) -> R<()> {
        let Some(p) = self.db.tables.get(parent).cloned() else {
            return Ok(());
        };
        for (iname, idx) in &p.indexes {
            if only.is_some_and(|o| o != iname) {
                continue;
            }
            // A partition that already has an equivalent index gets that one attached instead.
            let parent_iq = QualName::new(&parent.schema, iname);
            let existing = self.db.tables.get(child).and_then(|c| {
                c.indexes
                    .values()
                    .find(|ci| {
                        ci.parent_index.is_none()
                            && ci.unique == idx.unique
                            && index_body(&ci.definition) == index_body(&idx.definition)
                    })
                    .map(|ci| ci.name.clone())
            });
            if let Some(e) = existing {
                if let Some(ci) = self
                    .db
                    .tables
                    .get_mut(child)
                    .and_then(|c| c.indexes.get_mut(&e))
                {
                    ci.parent_index = Some(parent_iq);
                }
                if let Some(cn) = &idx.constraint {
                    if let Some(cc) = self
                        .db
                        .tables
                        .get_mut(child)
                        .and_then(|c| c.constraints.get_mut(&e))
                    {
                        if cc.kind != ConstraintKind::Check && p.constraints.contains_key(cn) {
                            cc.is_local = false;
                        }
                    }
                }
                continue;
            }
            let columns = idx.columns.clone();
            let name = if let Some(cname) = &idx.constraint {
                let con = p.constraints.get(cname);
                let kind = con.map(|c| c.kind);
                let label = match kind {
                    Some(ConstraintKind::PrimaryKey) => "pkey",
                    Some(ConstraintKind::Exclude) => "excl",
                    _ => "key",
                };
                let addition = if label == "pkey" {
                    None
                } else {
                    Some(name_addition(&index_column_names(&columns)))
                };
                let n = choose_name(&child.name, addition.as_deref(), label, |n| {
                    self.rel_taken(&child.schema, n) || self.con_taken(&child.schema, n)
                });
                if let Some(c) = con {
                    let def = c.definition.clone();
                    self.add_con_name(&child.schema, &n);
                    if let Some(t) = self.db.tables.get_mut(child) {
                        t.constraints.insert(
                            n.clone(),
                            Constraint {
                                name: n.clone(),
                                is_local: false,
                                comment: None,
                                definition: def,
                                ..c.clone()
                            },
                        );
                    }
                }
                n
            } else {
                let cols = if columns.is_empty() {
                    vec!["expr".to_string()]
                } else {
                    index_column_names(&columns)
                };
                let add = name_addition(&cols);
                choose_name(&child.name, Some(&add), "idx", |n| {
                    self.rel_taken(&child.schema, n)
                })
            };
            let def = idx.definition.replacen(
                &format!("INDEX {} ON ONLY {}", quote_ident(iname), parent),
                &format!("INDEX {} ON {}", quote_ident(&name), child),
                1,
            );
            let new = Index {
                name: name.clone(),
                definition: def,
                parent_index: Some(QualName::new(&parent.schema, iname)),
                comment: None,
                constraint: idx.constraint.as_ref().map(|_| name.clone()),
                clustered: false,
                ..idx.clone()
            };
            self.index_owner
                .insert(QualName::new(&child.schema, &name), child.clone());
            if let Some(t) = self.db.tables.get_mut(child) {
                t.indexes.insert(name, new);
            }
        }
        Ok(())
    }
}
