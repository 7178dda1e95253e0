//! Table constraints: `CONSTRAINT ...` clauses and `ADD CONSTRAINT`, with the names PostgreSQL chooses.

use super::*;

/// A constraint of a table being built, before names are chosen.
pub(super) struct PendingCon<'a> {
    pub(super) con: &'a protobuf::Constraint,
    /// For a column constraint: the column.
    pub(super) column: Option<String>,
    pub(super) deferrable: bool,
    pub(super) initially_deferred: bool,
    /// In CREATE TABLE, where PostgreSQL marks CHECK and FOREIGN KEY constraints valid even when written
    /// NOT VALID (there are no rows to check).
    pub(super) in_create: bool,
}

pub(super) fn fk_action(c: &str) -> Option<&'static str> {
    match c {
        "r" => Some("RESTRICT"),
        "c" => Some("CASCADE"),
        "n" => Some("SET NULL"),
        "d" => Some("SET DEFAULT"),
        _ => None,
    }
}

pub(super) fn deferrable_suffix(deferrable: bool, deferred: bool) -> &'static str {
    match (deferrable, deferred) {
        (true, true) => " DEFERRABLE INITIALLY DEFERRED",
        (true, false) => " DEFERRABLE",
        _ => "",
    }
}

pub(super) fn ident_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote_ident(n))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Interp {
    pub(super) fn add_constraint(&mut self, q: &QualName, p: &PendingCon<'_>) -> R<()> {
        let c = p.con;
        let skip_validation = c.skip_validation && !p.in_create;
        let Some(table) = self.db.tables.get(q) else {
            return fail("table vanished", Loc::Statement);
        };
        let columns: &[Column] = &table.columns;
        let explicit = (!c.conname.is_empty()).then(|| truncate_ident(&c.conname));
        if let Some(n) = &explicit {
            if table.constraints.contains_key(n) {
                return fail(
                    format!(
                        "constraint \"{n}\" for relation \"{}\" already exists",
                        q.name
                    ),
                    Loc::at(c.location),
                );
            }
        }
        let key_cols = |nodes: &[Node]| -> R<Vec<String>> {
            let cols = strs(nodes);
            for k in &cols {
                if !columns.iter().any(|x| &x.name == k) {
                    return fail(
                        format!("column \"{k}\" named in key does not exist"),
                        Loc::at(c.location),
                    );
                }
            }
            Ok(cols)
        };
        let defer = deferrable_suffix(p.deferrable, p.initially_deferred);
        match c.contype() {
            ConstrType::ConstrCheck => {
                let e = c
                    .raw_expr
                    .as_deref()
                    .ok_or_else(|| Fail::new("CHECK without expression", Loc::at(c.location)))?;
                let (text, cols) = self.render_check(columns, e)?;
                let col_for_name = if cols.len() == 1 {
                    Some(cols[0].clone())
                } else {
                    None
                };
                let name = match explicit {
                    Some(n) => n,
                    None => choose_name(&q.name, col_for_name.as_deref(), "check", |n| {
                        self.con_taken(&q.schema, n) || table.constraints.contains_key(n)
                    }),
                };
                let mut def = text;
                if c.is_no_inherit {
                    def.push_str(" NO INHERIT");
                }
                if skip_validation {
                    def.push_str(" NOT VALID");
                }
                let con = Constraint {
                    name: name.clone(),
                    kind: ConstraintKind::Check,
                    definition: def,
                    columns: cols,
                    references: None,
                    deferrable: false,
                    initially_deferred: false,
                    validated: !skip_validation,
                    is_local: true,
                    comment: None,
                };
                self.insert_constraint(q, con, true);
            }
            ConstrType::ConstrPrimary | ConstrType::ConstrUnique | ConstrType::ConstrExclusion => {
                let kind = match c.contype() {
                    ConstrType::ConstrPrimary => ConstraintKind::PrimaryKey,
                    ConstrType::ConstrUnique => ConstraintKind::Unique,
                    _ => ConstraintKind::Exclude,
                };
                if kind == ConstraintKind::PrimaryKey
                    && table
                        .constraints
                        .values()
                        .any(|x| x.kind == ConstraintKind::PrimaryKey)
                {
                    return fail(
                        format!(
                            "multiple primary keys for table \"{}\" are not allowed",
                            q.name
                        ),
                        Loc::at(c.location),
                    );
                }
                let mut keys = match (&p.column, c.keys.is_empty()) {
                    (Some(col), true) => vec![col.clone()],
                    _ => key_cols(&c.keys)?,
                };
                let including = key_cols(&c.including)?;
                let mut excl_elems = Vec::new();
                if kind == ConstraintKind::Exclude {
                    keys.clear();
                    for ex in &c.exclusions {
                        let Some(N::List(pair)) = &ex.node else {
                            continue;
                        };
                        let (Some(elem), Some(ops)) = (pair.items.first(), pair.items.get(1))
                        else {
                            continue;
                        };
                        let op = match &ops.node {
                            Some(N::List(l)) => strs(&l.items).join("."),
                            _ => String::new(),
                        };
                        if let Some(N::IndexElem(ie)) = &elem.node {
                            let (txt, colname) = self.index_elem_text(ie, columns)?;
                            if let Some(cn) = colname {
                                keys.push(cn);
                            }
                            excl_elems.push(format!("{txt} WITH {op}"));
                        }
                    }
                }
                let label = match kind {
                    ConstraintKind::PrimaryKey => "pkey",
                    ConstraintKind::Exclude => "excl",
                    _ => "key",
                };
                let mut name_cols = keys.clone();
                name_cols.extend(including.iter().cloned());
                let name = match explicit {
                    // a chosen name is free already; a stated one may name an existing relation
                    Some(n) if self.rel_taken(&q.schema, &n) => {
                        return fail(
                            format!("relation \"{n}\" already exists"),
                            Loc::at(c.location),
                        );
                    }
                    Some(n) => n,
                    None => {
                        let add = if label == "pkey" {
                            None
                        } else {
                            Some(name_addition(&index_column_names(&name_cols)))
                        };
                        choose_name(&q.name, add.as_deref(), label, |n| {
                            self.rel_taken(&q.schema, n) || self.con_taken(&q.schema, n)
                        })
                    }
                };
                let mut def = match kind {
                    ConstraintKind::PrimaryKey => format!("PRIMARY KEY ({})", ident_list(&keys)),
                    ConstraintKind::Exclude => {
                        let am = if c.access_method.is_empty() {
                            "btree"
                        } else {
                            &c.access_method
                        };
                        format!("EXCLUDE USING {am} ({})", excl_elems.join(", "))
                    }
                    _ => format!(
                        "UNIQUE {}({})",
                        if c.nulls_not_distinct {
                            "NULLS NOT DISTINCT "
                        } else {
                            ""
                        },
                        ident_list(&keys)
                    ),
                };
                if !including.is_empty() {
                    def.push_str(&format!(" INCLUDE ({})", ident_list(&including)));
                }
                // Storage parameters of the index, as pg_get_constraintdef writes them.
                let with: Vec<String> = def_elems(&c.options)
                    .iter()
                    .map(|d| {
                        let v = d.arg.as_deref().and_then(str_of).unwrap_or_default();
                        format!("{}={}", d.defname, quote_literal(&v))
                    })
                    .collect();
                if !with.is_empty() && kind != ConstraintKind::Exclude {
                    def.push_str(&format!(" WITH ({})", with.join(", ")));
                }
                let where_txt = match c.where_clause.as_deref() {
                    Some(w) => Some(expr::print(
                        &coerce(self.analyze_in(columns, w)?, "boolean"),
                        true,
                    )),
                    None => None,
                };
                if let Some(w) = &where_txt {
                    def.push_str(&format!(" WHERE ({w})"));
                }
                def.push_str(defer);
                let partitioned = table.partition_by.is_some();
                let am = if c.access_method.is_empty() {
                    "btree".to_string()
                } else {
                    c.access_method.clone()
                };
                let cols_txt = if kind == ConstraintKind::Exclude {
                    excl_elems
                        .iter()
                        .map(|e| e.split(" WITH ").next().unwrap_or("").to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                } else {
                    ident_list(&keys)
                };
                let mut idef = format!(
                    "CREATE {}INDEX {} ON {}{} USING {am} ({cols_txt})",
                    if kind == ConstraintKind::Exclude {
                        ""
                    } else {
                        "UNIQUE "
                    },
                    quote_ident(&name),
                    if partitioned { "ONLY " } else { "" },
                    q
                );
                if !including.is_empty() {
                    idef.push_str(&format!(" INCLUDE ({})", ident_list(&including)));
                }
                if c.nulls_not_distinct {
                    idef.push_str(" NULLS NOT DISTINCT");
                }
                if let Some(w) = &where_txt {
                    idef.push_str(&format!(" WHERE ({w})"));
                }
                let index = Index {
                    name: name.clone(),
                    definition: idef,
                    unique: kind != ConstraintKind::Exclude,
                    constraint: Some(name.clone()),
                    columns: keys.clone(),
                    parent_index: None,
                    comment: None,
                    clustered: false,
                };
                let con = Constraint {
                    name: name.clone(),
                    kind,
                    definition: def,
                    columns: keys.clone(),
                    references: None,
                    deferrable: p.deferrable,
                    initially_deferred: p.initially_deferred,
                    validated: true,
                    is_local: true,
                    comment: None,
                };
                if kind == ConstraintKind::PrimaryKey {
                    if let Some(t) = self.db.tables.get_mut(q) {
                        for col in t.columns.iter_mut().filter(|x| keys.contains(&x.name)) {
                            col.not_null = true;
                        }
                    }
                }
                self.insert_constraint(q, con, true);
                self.index_owner
                    .insert(QualName::new(&q.schema, &name), q.clone());
                if let Some(t) = self.db.tables.get_mut(q) {
                    t.indexes.insert(name, index);
                }
            }
            ConstrType::ConstrForeign => {
                let fk_cols = match (&p.column, c.fk_attrs.is_empty()) {
                    (Some(col), true) => vec![col.clone()],
                    _ => key_cols(&c.fk_attrs)?,
                };
                let prv = c
                    .pktable
                    .as_ref()
                    .ok_or_else(|| Fail::new("REFERENCES without a table", Loc::at(c.location)))?;
                let target = if prv.schemaname.is_empty()
                    && prv.relname == q.name
                    && self.find_rel("", &prv.relname).is_none()
                {
                    q.clone()
                } else {
                    self.table(prv)?
                };
                let no_table = Table::default();
                let ref_table = self.db.tables.get(&target).unwrap_or(&no_table);
                let ref_cols = if c.pk_attrs.is_empty() {
                    match ref_table
                        .constraints
                        .values()
                        .find(|x| x.kind == ConstraintKind::PrimaryKey)
                    {
                        Some(pk) => pk.columns.clone(),
                        None => {
                            return fail(
                                format!(
                                    "there is no primary key for referenced table \"{}\"",
                                    target.name
                                ),
                                Loc::at(prv.location),
                            )
                        }
                    }
                } else {
                    strs(&c.pk_attrs)
                };
                for rc in &ref_cols {
                    if ref_table.column(rc).is_none() {
                        return fail(format!("column \"{rc}\" referenced in foreign key constraint does not exist"), Loc::at(c.location));
                    }
                }
                if ref_cols.len() != fk_cols.len() {
                    return fail(
                        "number of referencing and referenced columns for foreign key disagree",
                        Loc::at(c.location),
                    );
                }
                let name = match explicit {
                    Some(n) => n,
                    None => {
                        let add = name_addition(&fk_cols);
                        choose_name(&q.name, Some(&add), "fkey", |n| {
                            self.con_taken(&q.schema, n) || table.constraints.contains_key(n)
                        })
                    }
                };
                let mut def = format!(
                    "FOREIGN KEY ({}) REFERENCES {}({})",
                    ident_list(&fk_cols),
                    target,
                    ident_list(&ref_cols)
                );
                match c.fk_matchtype.as_str() {
                    "f" => def.push_str(" MATCH FULL"),
                    "p" => def.push_str(" MATCH PARTIAL"),
                    _ => {}
                }
                if let Some(a) = fk_action(&c.fk_upd_action) {
                    def.push_str(&format!(" ON UPDATE {a}"));
                }
                if let Some(a) = fk_action(&c.fk_del_action) {
                    def.push_str(&format!(" ON DELETE {a}"));
                    let set_cols = strs(&c.fk_del_set_cols);
                    if !set_cols.is_empty() {
                        def.push_str(&format!(" ({})", ident_list(&set_cols)));
                    }
                }
                def.push_str(defer);
                if skip_validation {
                    def.push_str(" NOT VALID");
                }
                let con = Constraint {
                    name: name.clone(),
                    kind: ConstraintKind::ForeignKey,
                    definition: def,
                    columns: fk_cols,
                    references: Some(target),
                    deferrable: p.deferrable,
                    initially_deferred: p.initially_deferred,
                    validated: !skip_validation,
                    is_local: true,
                    comment: None,
                };
                self.insert_constraint(q, con, true);
            }
            _ => {}
        }
        Ok(())
    }

    pub(super) fn insert_constraint(&mut self, q: &QualName, con: Constraint, propagate: bool) {
        self.add_con_name(&q.schema, &con.name);
        // CHECK constraints are inherited by children and partitions (not with ALTER TABLE ONLY).
        let children: Vec<QualName> = if propagate
            && !self.alter_only
            && con.kind == ConstraintKind::Check
            && !con.definition.contains("NO INHERIT")
        {
            self.children_of(q)
        } else {
            Vec::new()
        };
        let inherited = (!children.is_empty()).then(|| Constraint {
            is_local: false,
            ..con.clone()
        });
        if let Some(t) = self.db.tables.get_mut(q) {
            t.constraints.insert(con.name.clone(), con);
        }
        if let Some(c) = inherited {
            for ch in children {
                self.insert_constraint(&ch, c.clone(), true);
            }
        }
    }
}
