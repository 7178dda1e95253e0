//! `CREATE INDEX` and the text `pg_get_indexdef` would give for it.

use super::*;

impl Interp {
    /// Text of one index column and, when it is a plain column, its name.
    pub(super) fn index_elem_text(
        &self,
        ie: &protobuf::IndexElem,
        columns: &[Column],
    ) -> R<(String, Option<String>)> {
        let (mut s, col) = if !ie.name.is_empty() {
            if !columns.iter().any(|c| c.name == ie.name) {
                return fail(
                    format!("column \"{}\" does not exist", ie.name),
                    Loc::Statement,
                );
            }
            (quote_ident(&ie.name), Some(ie.name.clone()))
        } else if let Some(e) = ie.expr.as_deref() {
            let t = self.analyze_in(columns, e)?;
            let txt = expr::print(&t, true);
            match t {
                TExpr::Col { name, .. } => (quote_ident(&name), Some(name)),
                TExpr::Func { .. } | TExpr::Special { .. } | TExpr::Keyword { .. } => (txt, None),
                _ => (format!("({txt})"), None),
            }
        } else {
            return fail("index element without column or expression", Loc::Statement);
        };
        if !ie.collation.is_empty() {
            s.push_str(&format!(
                " COLLATE {}",
                self.collation_name(&strs(&ie.collation))
            ));
        }
        if !ie.opclass.is_empty() {
            let oc = strs(&ie.opclass);
            s.push(' ');
            s.push_str(&self.opclass_name(&oc));
        }
        use protobuf::{SortByDir as D, SortByNulls as Nl};
        let desc = ie.ordering() == D::SortbyDesc;
        if desc {
            s.push_str(" DESC");
        }
        match (desc, ie.nulls_ordering()) {
            (false, Nl::SortbyNullsFirst) => s.push_str(" NULLS FIRST"),
            (true, Nl::SortbyNullsLast) => s.push_str(" NULLS LAST"),
            _ => {}
        }
        Ok((s, col))
    }

    pub(super) fn create_index(&mut self, s: &protobuf::IndexStmt) -> R<()> {
        let rv = s
            .relation
            .as_ref()
            .ok_or_else(|| Fail::statement("index without a table"))?;
        let (owner, columns, partitioned) = match self.find_rel(&rv.schemaname, &rv.relname) {
            Some(Rel::Table(q)) => {
                let t = &self.db.tables[&q];
                (
                    q.clone(),
                    std::borrow::Cow::Borrowed(t.columns.as_slice()),
                    t.partition_by.is_some(),
                )
            }
            Some(Rel::View(q)) if self.db.views[&q].kind == ViewKind::Materialized => {
                let v = &self.db.views[&q];
                let cols = v
                    .columns
                    .iter()
                    .map(|c| Column {
                        name: c.name.clone(),
                        type_name: c.type_name.clone(),
                        ..Column::default()
                    })
                    .collect::<Vec<_>>();
                (q.clone(), std::borrow::Cow::Owned(cols), false)
            }
            Some(_) => {
                return fail(
                    format!("cannot create index on relation \"{}\"", rv.relname),
                    Loc::at(rv.location),
                )
            }
            None => {
                return fail(
                    format!("relation \"{}\" does not exist", display_rv(rv)),
                    Loc::at(rv.location),
                )
            }
        };
        let mut elems = Vec::new();
        let mut keycols = Vec::new();
        let mut name_cols = Vec::new();
        for p in s.index_params.iter().chain(s.index_including_params.iter()) {
            let Some(N::IndexElem(ie)) = &p.node else {
                continue;
            };
            let (txt, col) = self.index_elem_text(ie, &columns)?;
            name_cols.push(match (&col, ie.expr.as_deref()) {
                (Some(c), _) => c.clone(),
                (None, Some(e)) => figure_colname(e).unwrap_or_else(|| "expr".into()),
                _ => "expr".into(),
            });
            elems.push((txt, col));
        }
        let nkeys = s.index_params.len();
        for (_, c) in elems.iter().take(nkeys) {
            if let Some(c) = c {
                keycols.push(c.clone());
            }
        }
        let name = if s.idxname.is_empty() {
            let add = name_addition(&index_column_names(&name_cols));
            choose_name(&owner.name, Some(&add), "idx", |n| {
                self.rel_taken(&owner.schema, n)
            })
        } else {
            truncate_ident(&s.idxname)
        };
        let iq = QualName::new(&owner.schema, &name);
        if self.relation_exists(&iq) {
            if s.if_not_exists {
                self.warn(format!("relation \"{name}\" already exists, skipping"));
                return Ok(());
            }
            return fail(
                format!("relation \"{name}\" already exists"),
                Loc::Statement,
            );
        }
        let am = if s.access_method.is_empty() {
            "btree"
        } else {
            &s.access_method
        };
        let key_txt: Vec<&str> = elems.iter().take(nkeys).map(|e| e.0.as_str()).collect();
        let inc_txt: Vec<&str> = elems
            .iter()
            .skip(nkeys)
            .map(|e| e.0.split(' ').next().unwrap_or(""))
            .collect();
        let mut def = format!(
            "CREATE {}INDEX {} ON {}{} USING {am} ({})",
            if s.unique { "UNIQUE " } else { "" },
            quote_ident(&name),
            if partitioned { "ONLY " } else { "" },
            owner,
            key_txt.join(", ")
        );
        if !inc_txt.is_empty() {
            def.push_str(&format!(" INCLUDE ({})", inc_txt.join(", ")));
        }
        if s.nulls_not_distinct {
            def.push_str(" NULLS NOT DISTINCT");
        }
        let opts: Vec<String> = def_elems(&s.options)
            .iter()
            .map(|d| {
                format!(
                    "{}={}",
                    d.defname,
                    quote_literal(&d.arg.as_deref().and_then(str_of).unwrap_or_default())
                )
            })
            .collect();
        if !opts.is_empty() {
            def.push_str(&format!(" WITH ({})", opts.join(", ")));
        }
        if let Some(w) = s.where_clause.as_deref() {
            let t = coerce(self.analyze_in(&columns, w)?, "boolean");
            def.push_str(&format!(" WHERE {}", paren(expr::print(&t, true))));
        }
        self.tablespace(&QualName::new(&owner.schema, &name), &s.table_space);
        let index = Index {
            name: name.clone(),
            definition: def,
            unique: s.unique,
            constraint: None,
            columns: keycols,
            parent_index: None,
            comment: None,
            clustered: false,
        };
        self.index_owner.insert(iq, owner.clone());
        if let Some(t) = self.db.tables.get_mut(&owner) {
            t.indexes.insert(name.clone(), index.clone());
        } else if let Some(v) = self.db.views.get_mut(&owner) {
            v.indexes.insert(name.clone(), index.clone());
        }
        if partitioned && rv.inh {
            let kids: Vec<QualName> = if !self.parents.contains(&owner) {
                Vec::new()
            } else {
                self.db
                    .tables
                    .values()
                    .filter(|t| t.partition_of.as_ref().is_some_and(|p| p.parent == owner))
                    .map(|t| t.name.clone())
                    .collect()
            };
            for k in kids {
                self.clone_parent_indexes(&owner, &k, Some(&name))?;
            }
        }
        Ok(())
    }
}

/// An index definition without its name and table: what makes two indexes equivalent.
pub(super) fn index_body(def: &str) -> &str {
    def.split_once(" USING ").map(|(_, b)| b).unwrap_or(def)
}

pub(super) fn paren(s: String) -> String {
    if s.starts_with('(') && s.ends_with(')') {
        s
    } else {
        format!("({s})")
    }
}
