//! Views and materialized views: the query's output columns, `*` expansion, and the definition text `pg_get_viewdef` would give.

use super::*;

impl Interp {
    /// Relations a query reads (resolved, existing ones only), and its output columns.
    pub(super) fn query_shape(&mut self, query: &N) -> (BTreeSet<QualName>, Vec<ViewColumn>) {
        let mut reads = BTreeSet::new();
        let refs = QueryRefs::of(query);
        let mut col_reads = BTreeSet::new();
        let mut aliases: Vec<(String, QualName)> = Vec::new();
        for (schema, name, alias) in &refs.relations {
            if schema.is_empty() && refs.ctes.contains(name) {
                continue;
            }
            match self.find_rel(schema, name) {
                Some(Rel::Table(q)) | Some(Rel::View(q)) => {
                    aliases.push((alias.clone().unwrap_or_else(|| name.clone()), q.clone()));
                    reads.insert(q);
                }
                _ => {}
            }
        }
        let rel_columns = |me: &Self, q: &QualName| -> Vec<String> {
            if let Some(t) = me.db.tables.get(q) {
                t.columns.iter().map(|c| c.name.clone()).collect()
            } else if let Some(v) = me.db.views.get(q) {
                v.columns.iter().map(|c| c.name.clone()).collect()
            } else {
                vec![]
            }
        };
        for (fields, star) in &refs.columns {
            let qualifier = if *star {
                fields.last()
            } else if fields.len() >= 2 {
                fields.get(fields.len() - 2)
            } else {
                None
            };
            for (alias, q) in &aliases {
                if qualifier.is_some_and(|a| a != alias) {
                    continue;
                }
                let cols = rel_columns(self, q);
                if *star {
                    for c in cols {
                        col_reads.insert(ColumnRef {
                            table: q.clone(),
                            column: c,
                        });
                    }
                } else if let Some(c) = fields.last().filter(|c| cols.contains(c)) {
                    col_reads.insert(ColumnRef {
                        table: q.clone(),
                        column: c.clone(),
                    });
                }
            }
        }
        let mut other = BTreeSet::new();
        for names in &refs.functions {
            if let Some(f) = self.find_function(names, usize::MAX) {
                other.insert(ObjectRef::Function(f.id.clone()));
            }
        }
        for names in &refs.types {
            if let Ok((sc, n)) = self.name_from_list(names, Loc::Statement) {
                if let Some(t) = self.find_type(&sc, &n) {
                    other.insert(ObjectRef::Type(t));
                }
            }
        }
        // GROUP BY a primary key lets other columns of that table be selected: the view then depends on the
        // key constraint, that is on the table.
        if let N::SelectStmt(sel) = query {
            let grouped: Vec<Vec<String>> = sel
                .group_clause
                .iter()
                .filter_map(|g| match &g.node {
                    Some(N::ColumnRef(c)) => Some(strs(&c.fields)),
                    _ => None,
                })
                .collect();
            if !grouped.is_empty() {
                for (alias, q) in &aliases {
                    let Some(t) = self.db.tables.get(q) else {
                        continue;
                    };
                    let Some(pk) = t
                        .constraints
                        .values()
                        .find(|c| c.kind == ConstraintKind::PrimaryKey)
                    else {
                        continue;
                    };
                    let in_group = |c: &str| {
                        grouped.iter().any(|f| {
                            f.last().is_some_and(|l| l == c)
                                && (f.len() < 2 || f[f.len() - 2] == *alias)
                        })
                    };
                    let pk_grouped = pk.columns.iter().all(|c| in_group(c));
                    let other_selected = sel.target_list.iter().any(|tl| match &tl.node {
                        Some(N::ResTarget(rt)) => {
                            match rt.val.as_deref().and_then(|v| v.node.as_ref()) {
                                Some(N::ColumnRef(c)) => {
                                    let f = strs(&c.fields);
                                    f.last()
                                        .is_some_and(|l| t.column(l).is_some() && !in_group(l))
                                }
                                _ => false,
                            }
                        }
                        _ => false,
                    });
                    if pk_grouped && other_selected {
                        other.insert(ObjectRef::Relation(q.clone()));
                    }
                }
            }
        }
        self.pending_expr_deps = (col_reads, other);
        let mut cols = Vec::new();
        let N::SelectStmt(sel) = query else {
            return (reads, cols);
        };
        // a UNION / INTERSECT / EXCEPT has the columns of its first branch (their names, and the type the
        // branches resolve to, taken as the first branch's)
        let mut sel: &protobuf::SelectStmt = sel;
        while sel.op() != protobuf::SetOperation::SetopNone {
            match sel.larg.as_deref() {
                Some(l) => sel = l,
                None => return (reads, cols),
            }
        }
        let mut from: Vec<(String, QualName)> = Vec::new();
        for f in &sel.from_clause {
            self.range_items(f, &mut from);
        }
        let rel_cols = |q: &QualName| -> Vec<(String, String)> {
            if let Some(t) = self.db.tables.get(q) {
                t.columns
                    .iter()
                    .map(|c| (c.name.clone(), c.type_name.clone()))
                    .collect()
            } else if let Some(v) = self.db.views.get(q) {
                v.columns
                    .iter()
                    .map(|c| (c.name.clone(), c.type_name.clone()))
                    .collect()
            } else {
                vec![]
            }
        };
        for t in &sel.target_list {
            let Some(N::ResTarget(rt)) = &t.node else {
                continue;
            };
            let val = rt.val.as_deref();
            if let Some(Node {
                node: Some(N::ColumnRef(cr)),
            }) = val
            {
                let star = cr
                    .fields
                    .iter()
                    .any(|f| matches!(f.node, Some(N::AStar(_))));
                let fields = strs(&cr.fields);
                if star {
                    for (alias, q) in &from {
                        if fields.is_empty() || fields.last() == Some(alias) {
                            for (n, ty) in rel_cols(q) {
                                cols.push(ViewColumn {
                                    name: n,
                                    type_name: ty,
                                    comment: None,
                                });
                            }
                        }
                    }
                    continue;
                }
                let colname = fields.last().cloned().unwrap_or_default();
                let ty = from
                    .iter()
                    .filter(|(a, _)| fields.len() < 2 || fields.get(fields.len() - 2) == Some(a))
                    .find_map(|(_, q)| {
                        rel_cols(q)
                            .into_iter()
                            .find(|(n, _)| *n == colname)
                            .map(|x| x.1)
                    })
                    .unwrap_or_default();
                let name = if rt.name.is_empty() {
                    colname
                } else {
                    rt.name.clone()
                };
                cols.push(ViewColumn {
                    name,
                    type_name: ty,
                    comment: None,
                });
                continue;
            }
            let name = if !rt.name.is_empty() {
                rt.name.clone()
            } else {
                val.and_then(figure_colname)
                    .unwrap_or_else(|| "?column?".into())
            };
            let ty = match val {
                Some(v) => {
                    let mut all: Vec<Column> = Vec::new();
                    for (_, q) in &from {
                        for (n, t) in rel_cols(q) {
                            if !all.iter().any(|c| c.name == n) {
                                all.push(Column {
                                    name: n,
                                    type_name: t,
                                    ..Column::default()
                                });
                            }
                        }
                    }
                    match self.analyze_in(&all, v) {
                        Ok(t) => match t.ty() {
                            Some(ty) => ty,
                            None if matches!(
                                t,
                                TExpr::Const {
                                    lit: expr::Lit::Str(_),
                                    ..
                                }
                            ) =>
                            {
                                "text".into()
                            }
                            None => String::new(),
                        },
                        Err(_) => String::new(),
                    }
                }
                None => String::new(),
            };
            cols.push(ViewColumn {
                name,
                type_name: ty,
                comment: None,
            });
        }
        (reads, cols)
    }

    pub(super) fn create_view(&mut self, s: &protobuf::ViewStmt) -> R<()> {
        let rv = s
            .view
            .as_ref()
            .ok_or_else(|| Fail::statement("view name missing"))?;
        let q = self.new_rel_name(rv)?;
        let query = s
            .query
            .as_deref()
            .and_then(|n| n.node.as_ref())
            .ok_or_else(|| Fail::statement("view without a query"))?;
        if self.relation_exists(&q) {
            let replaceable = s.replace
                && self
                    .db
                    .views
                    .get(&q)
                    .is_some_and(|v| v.kind == ViewKind::View);
            if !replaceable {
                return fail(
                    format!("relation \"{}\" already exists", q.name),
                    Loc::at(rv.location),
                );
            }
        }
        let (reads, mut columns) = self.query_shape(query);
        for (i, a) in strs(&s.aliases).into_iter().enumerate() {
            if let Some(c) = columns.get_mut(i) {
                c.name = a;
            }
        }
        let mut options: Vec<String> = def_elems(&s.options)
            .iter()
            .map(|d| {
                format!(
                    "{}={}",
                    d.defname,
                    d.arg
                        .as_deref()
                        .and_then(str_of)
                        .unwrap_or_else(|| "true".into())
                )
            })
            .collect();
        match s.with_check_option() {
            protobuf::ViewCheckOption::LocalCheckOption => {
                options.push("check_option=local".into())
            }
            protobuf::ViewCheckOption::CascadedCheckOption => {
                options.push("check_option=cascaded".into())
            }
            _ => {}
        }
        options.sort();
        let old = self.db.views.remove(&q);
        let view = View {
            name: q.clone(),
            kind: ViewKind::View,
            definition: self
                .view_def(query)
                .unwrap_or_else(|| view_definition(&self.expand_stars(query))),
            columns,
            options,
            indexes: BTreeMap::new(),
            triggers: old.as_ref().map(|v| v.triggers.clone()).unwrap_or_default(),
            common: match old {
                Some(v) => v.common,
                None => Common {
                    grants: self.default_acl(AclKind::Table, Some(&q.schema), None),
                    ..Common::default()
                },
            },
        };
        self.view_reads.insert(q.clone(), reads);
        self.view_uses
            .insert(q.clone(), std::mem::take(&mut self.pending_expr_deps));
        self.db.views.insert(q, view);
        Ok(())
    }

    pub(super) fn create_table_as(&mut self, s: &protobuf::CreateTableAsStmt) -> R<()> {
        let into = s
            .into
            .as_deref()
            .ok_or_else(|| Fail::statement("CREATE ... AS without a target"))?;
        let rv = into
            .rel
            .as_ref()
            .ok_or_else(|| Fail::statement("CREATE ... AS without a name"))?;
        let q = self.new_rel_name(rv)?;
        if self.relation_exists(&q) {
            if s.if_not_exists {
                return Ok(());
            }
            return fail(
                format!("relation \"{}\" already exists", q.name),
                Loc::at(rv.location),
            );
        }
        let query = s
            .query
            .as_deref()
            .and_then(|n| n.node.as_ref())
            .ok_or_else(|| Fail::statement("CREATE ... AS without a query"))?;
        let (reads, mut columns) = self.query_shape(query);
        for (i, a) in strs(&into.col_names).into_iter().enumerate() {
            if let Some(c) = columns.get_mut(i) {
                c.name = a;
            }
        }
        if s.objtype() == ObjectType::ObjectMatview {
            let options = def_elems(&into.options)
                .iter()
                .map(|d| {
                    format!(
                        "{}={}",
                        d.defname,
                        d.arg.as_deref().and_then(str_of).unwrap_or_default()
                    )
                })
                .collect();
            let view = View {
                name: q.clone(),
                kind: ViewKind::Materialized,
                definition: self
                    .view_def(query)
                    .unwrap_or_else(|| view_definition(&self.expand_stars(query))),
                columns,
                options,
                indexes: BTreeMap::new(),
                triggers: BTreeMap::new(),
                common: Common {
                    grants: self.default_acl(AclKind::Table, Some(&q.schema), None),
                    ..Common::default()
                },
            };
            self.view_reads.insert(q.clone(), reads);
            self.view_uses
                .insert(q.clone(), std::mem::take(&mut self.pending_expr_deps));
            self.db.views.insert(q, view);
        } else {
            if columns.iter().any(|c| c.type_name.is_empty()) {
                self.warn("CREATE TABLE AS: column types of computed columns cannot be known offline (use --dev-url)");
            }
            let table = Table {
                name: q.clone(),
                columns: columns
                    .into_iter()
                    .map(|c| Column {
                        name: c.name,
                        type_name: c.type_name,
                        is_local: true,
                        ..Column::default()
                    })
                    .collect(),
                common: Common {
                    grants: self.default_acl(AclKind::Table, Some(&q.schema), None),
                    ..Common::default()
                },
                ..Table::default()
            };
            self.db.tables.insert(q, table);
        }
        Ok(())
    }
}

/// A view query as stored: deparsed by pg_query, with a leading space and a final semicolon as
/// `pg_get_viewdef` has them. PostgreSQL's own line breaks and column qualification are not reproduced.
pub(super) fn view_definition(query: &N) -> String {
    format!(
        " {};",
        query.deparse(Default::default()).unwrap_or_default()
    )
}

impl Interp {
    /// The query with `*` and `alias.*` of its select lists (each branch of a UNION) replaced by the columns
    /// they stand for now, as PostgreSQL stores a view (`SELECT d.id, d.name, …`). A select list whose
    /// relations are not all known (a subquery, a CTE, a join with `USING`) is left as written.
    pub(super) fn expand_stars(&self, query: &N) -> N {
        let N::SelectStmt(sel) = query else {
            return query.clone();
        };
        let mut sel = sel.clone();
        if sel.with_clause.is_none() {
            self.expand_stars_in(&mut sel);
        }
        N::SelectStmt(sel)
    }

    pub(super) fn expand_stars_in(&self, sel: &mut protobuf::SelectStmt) {
        if let Some(l) = sel.larg.as_deref_mut() {
            self.expand_stars_in(l);
        }
        if let Some(r) = sel.rarg.as_deref_mut() {
            self.expand_stars_in(r);
        }
        let star = |t: &Node| match &t.node {
            Some(N::ResTarget(rt)) => match rt.val.as_deref().and_then(|v| v.node.as_ref()) {
                Some(N::ColumnRef(cr))
                    if cr
                        .fields
                        .iter()
                        .any(|f| matches!(f.node, Some(N::AStar(_)))) =>
                {
                    Some(strs(&cr.fields))
                }
                _ => None,
            },
            _ => None,
        };
        if !sel.target_list.iter().any(|t| star(t).is_some()) {
            return;
        }
        fn plain_joins(n: &Node) -> bool {
            match &n.node {
                Some(N::JoinExpr(j)) => {
                    !j.is_natural
                        && j.using_clause.is_empty()
                        && j.larg.as_deref().is_some_and(plain_joins)
                        && j.rarg.as_deref().is_some_and(plain_joins)
                }
                _ => true,
            }
        }
        let mut rels = Vec::new();
        for f in &sel.from_clause {
            if !plain_joins(f) || !self.range_items(f, &mut rels) {
                return;
            }
        }
        let column = |alias: &str, col: &str| Node {
            node: Some(N::ResTarget(Box::new(protobuf::ResTarget {
                name: String::new(),
                indirection: vec![],
                val: Some(Box::new(Node {
                    node: Some(N::ColumnRef(protobuf::ColumnRef {
                        fields: [alias, col]
                            .iter()
                            .map(|s| Node {
                                node: Some(N::String(protobuf::String {
                                    sval: s.to_string(),
                                })),
                            })
                            .collect(),
                        location: -1,
                    })),
                })),
                location: -1,
            }))),
        };
        let mut out = Vec::new();
        for t in std::mem::take(&mut sel.target_list) {
            let Some(fields) = star(&t) else {
                out.push(t);
                continue;
            };
            // `*`, `alias.*` (`schema.table.*` names the table by its last part)
            let qualifier = fields.iter().rev().find(|f| !f.is_empty() && *f != "*");
            for (alias, q) in &rels {
                if qualifier.is_some_and(|x| x != alias) {
                    continue;
                }
                let names: Vec<String> = match (self.db.tables.get(q), self.db.views.get(q)) {
                    (Some(t), _) => t.columns.iter().map(|c| c.name.clone()).collect(),
                    (None, Some(v)) => v.columns.iter().map(|c| c.name.clone()).collect(),
                    (None, None) => {
                        out.push(t.clone());
                        continue;
                    }
                };
                out.extend(names.iter().map(|c| column(alias, c)));
            }
        }
        sel.target_list = out;
    }
}

/// Name resolution inside a view query: columns of the relations in FROM, printed with their prefix.
pub(super) struct ViewEnv<'a> {
    pub(super) interp: &'a Interp,
    /// (reference name, relation, columns)
    pub(super) items: Vec<(String, QualName, Vec<Column>)>,
}

impl ViewEnv<'_> {
    pub(super) fn find(&self, fields: &[String]) -> Option<(&str, &Column)> {
        let name = fields.last()?;
        let qualifier = if fields.len() >= 2 {
            fields.get(fields.len() - 2)
        } else {
            None
        };
        self.items
            .iter()
            .filter(|(r, _, _)| qualifier.is_none_or(|q| q == r))
            .find_map(|(r, _, cols)| {
                cols.iter()
                    .find(|c| &c.name == name)
                    .map(|c| (r.as_str(), c))
            })
    }
}

impl Env for ViewEnv<'_> {
    fn column_type(&self, name: &str) -> Option<String> {
        self.find(&[name.to_string()])
            .map(|(_, c)| c.type_name.clone())
    }
    fn column_type_in(&self, fields: &[String]) -> Option<String> {
        self.find(fields).map(|(_, c)| c.type_name.clone())
    }
    fn column_prefix(&self, fields: &[String]) -> Option<String> {
        self.find(fields).map(|(r, _)| r.to_string())
    }
    fn type_name(&self, tn: &protobuf::TypeName) -> Result<String, String> {
        self.interp.resolve_type(tn).map_err(|e| e.message)
    }
    fn function(
        &self,
        names: &[String],
        arg_types: &[Option<String>],
    ) -> Option<(String, Option<String>)> {
        TableEnv {
            interp: self.interp,
            columns: &[],
            more: &[],
        }
        .function(names, arg_types)
    }
    fn regclass(&self, text: &str) -> String {
        TableEnv {
            interp: self.interp,
            columns: &[],
            more: &[],
        }
        .regclass(text)
    }
}

impl Interp {
    /// `pg_get_viewdef` text for simple queries (one SELECT over tables and views, no joins, subqueries or
    /// CTEs), as PostgreSQL 15 prints it; `None` when the query is beyond this.
    pub(super) fn view_def(&self, query: &N) -> Option<String> {
        let N::SelectStmt(sel) = query else {
            return None;
        };
        if sel.with_clause.is_some()
            || sel.op() != protobuf::SetOperation::SetopNone
            || !sel.values_lists.is_empty()
            || !sel.window_clause.is_empty()
            || !sel.locking_clause.is_empty()
            || sel.into_clause.is_some()
            || sel.limit_offset.is_some()
        {
            return None;
        }
        let mut rels = Vec::new();
        for f in &sel.from_clause {
            if !self.range_items(f, &mut rels) {
                return None;
            }
        }
        let mut items = Vec::new();
        for (refname, q) in rels {
            let cols = if let Some(t) = self.db.tables.get(&q) {
                t.columns.clone()
            } else {
                self.db
                    .views
                    .get(&q)?
                    .columns
                    .iter()
                    .map(|c| Column {
                        name: c.name.clone(),
                        type_name: c.type_name.clone(),
                        ..Column::default()
                    })
                    .collect()
            };
            items.push((refname, q, cols));
        }
        let env = ViewEnv {
            interp: self,
            items,
        };
        let an = Analyzer { env: &env };
        let ok_expr = |t: &TExpr| !contains_raw(t);
        let mut targets = Vec::new();
        for t in &sel.target_list {
            let Some(N::ResTarget(rt)) = &t.node else {
                return None;
            };
            let val = rt.val.as_deref()?;
            if let Some(N::ColumnRef(cr)) = &val.node {
                if cr
                    .fields
                    .iter()
                    .any(|f| matches!(f.node, Some(N::AStar(_))))
                {
                    let fields = strs(&cr.fields);
                    for (r, _, cols) in &env.items {
                        if fields.first().is_some_and(|q| q != r) {
                            continue;
                        }
                        for c in cols {
                            targets.push(format!("{}.{}", quote_ident(r), quote_ident(&c.name)));
                        }
                    }
                    continue;
                }
            }
            let mut e = an.analyze(val).ok()?;
            if !ok_expr(&e) {
                return None;
            }
            if e.ty().is_none() {
                e = coerce(e, "text");
            }
            let own = match &e {
                TExpr::Col { name, .. } => Some(name.clone()),
                _ => None,
            };
            let name = if !rt.name.is_empty() {
                rt.name.clone()
            } else {
                own.clone()
                    .or_else(|| figure_colname(val))
                    .unwrap_or_else(|| "?column?".into())
            };
            let mut text = expr::print(&e, false);
            if own.as_deref() != Some(name.as_str()) {
                text.push_str(&format!(" AS {}", quote_ident(&name)));
            }
            targets.push(text);
        }
        let mut out = String::from(" SELECT ");
        if !sel.distinct_clause.is_empty() {
            if sel.distinct_clause.iter().any(|d| d.node.is_some()) {
                return None;
            }
            out.push_str("DISTINCT ");
        }
        out.push_str(&targets.join(",\n    "));
        if !sel.from_clause.is_empty() {
            let mut from = Vec::new();
            for f in &sel.from_clause {
                from.push(self.render_from_item(f, &an)?);
            }
            out.push_str(&format!("\n   FROM {}", from.join(", ")));
        }
        if let Some(w) = sel.where_clause.as_deref() {
            let e = coerce(an.analyze(w).ok()?, "boolean");
            if !ok_expr(&e) {
                return None;
            }
            out.push_str(&format!("\n  WHERE {}", expr::print(&e, true)));
        }
        if !sel.group_clause.is_empty() {
            let mut g = Vec::new();
            for n in &sel.group_clause {
                let e = an.analyze(n).ok()?;
                if !matches!(e, TExpr::Col { .. }) {
                    return None;
                }
                g.push(expr::print(&e, true));
            }
            out.push_str(&format!("\n  GROUP BY {}", g.join(", ")));
        }
        if let Some(h) = sel.having_clause.as_deref() {
            let e = coerce(an.analyze(h).ok()?, "boolean");
            if !ok_expr(&e) {
                return None;
            }
            out.push_str(&format!("\n HAVING {}", expr::print(&e, true)));
        }
        if !sel.sort_clause.is_empty() {
            let mut o = Vec::new();
            for n in &sel.sort_clause {
                let Some(N::SortBy(sb)) = &n.node else {
                    return None;
                };
                let e = an.analyze(sb.node.as_deref()?).ok()?;
                if !matches!(e, TExpr::Col { .. }) {
                    return None;
                }
                let mut s = expr::print(&e, true);
                match sb.sortby_dir() {
                    protobuf::SortByDir::SortbyDesc => s.push_str(" DESC"),
                    protobuf::SortByDir::SortbyDefault | protobuf::SortByDir::SortbyAsc => {}
                    _ => return None,
                }
                o.push(s);
            }
            out.push_str(&format!("\n  ORDER BY {}", o.join(", ")));
        }
        if let Some(l) = sel.limit_count.as_deref() {
            let e = an.analyze(l).ok()?;
            out.push_str(&format!("\n LIMIT {}", expr::print(&e, true)));
        }
        out.push(';');
        Some(out)
    }
}

impl Interp {
    /// The relations a FROM item brings in, with their reference names; false when the item is something
    /// else than tables, views and joins of them.
    pub(super) fn range_items(&self, node: &Node, out: &mut Vec<(String, QualName)>) -> bool {
        match &node.node {
            Some(N::RangeVar(rv)) => match self.find_rel(&rv.schemaname, &rv.relname) {
                Some(Rel::Table(q)) | Some(Rel::View(q)) => {
                    let alias = rv
                        .alias
                        .as_ref()
                        .map(|a| a.aliasname.clone())
                        .unwrap_or_else(|| rv.relname.clone());
                    out.push((alias, q));
                    true
                }
                _ => false,
            },
            Some(N::JoinExpr(j)) => {
                let l = j.larg.as_deref().is_some_and(|n| self.range_items(n, out));
                let r = j.rarg.as_deref().is_some_and(|n| self.range_items(n, out));
                l && r && j.alias.is_none()
            }
            _ => false,
        }
    }

    /// A FROM item as `pg_get_viewdef` prints it (left-deep joins with ON conditions only).
    pub(super) fn render_from_item<E: Env>(
        &self,
        node: &Node,
        an: &Analyzer<'_, E>,
    ) -> Option<String> {
        match &node.node {
            Some(N::RangeVar(rv)) => {
                let q = match self.find_rel(&rv.schemaname, &rv.relname)? {
                    Rel::Table(q) | Rel::View(q) => q,
                    _ => return None,
                };
                Some(match &rv.alias {
                    Some(a) if a.aliasname != q.name => {
                        format!("{q} {}", quote_ident(&a.aliasname))
                    }
                    _ => q.to_string(),
                })
            }
            Some(N::JoinExpr(j)) => {
                if j.is_natural || !j.using_clause.is_empty() || j.alias.is_some() {
                    return None;
                }
                if matches!(
                    j.rarg.as_deref().and_then(|n| n.node.as_ref()),
                    Some(N::JoinExpr(_))
                ) {
                    return None;
                }
                let left = self.render_from_item(j.larg.as_deref()?, an)?;
                let right = self.render_from_item(j.rarg.as_deref()?, an)?;
                let kind = match (j.jointype(), j.quals.is_some()) {
                    (protobuf::JoinType::JoinInner, true) => "JOIN",
                    (protobuf::JoinType::JoinInner, false) => "CROSS JOIN",
                    (protobuf::JoinType::JoinLeft, _) => "LEFT JOIN",
                    (protobuf::JoinType::JoinRight, _) => "RIGHT JOIN",
                    (protobuf::JoinType::JoinFull, _) => "FULL JOIN",
                    _ => return None,
                };
                let on = match j.quals.as_deref() {
                    Some(qn) => {
                        let e = coerce(an.analyze(qn).ok()?, "boolean");
                        if contains_raw(&e) {
                            return None;
                        }
                        format!(" ON ({})", expr::print(&e, false))
                    }
                    None => String::new(),
                };
                Some(format!("({left}\n     {kind} {right}{on})"))
            }
            _ => None,
        }
    }
}

pub(super) fn contains_raw(t: &TExpr) -> bool {
    let mut found = false;
    visit(t, &mut |e| {
        if matches!(e, TExpr::Raw { .. }) {
            found = true;
        }
    });
    found
}

pub(super) fn visit(t: &TExpr, f: &mut impl FnMut(&TExpr)) {
    f(t);
    match t {
        TExpr::Op { left, right, .. } => {
            if let Some(l) = left {
                visit(l, f);
            }
            visit(right, f);
        }
        TExpr::Func { args, .. }
        | TExpr::Bool { args, .. }
        | TExpr::Array { elems: args, .. }
        | TExpr::Special { args, .. } => args.iter().for_each(|a| visit(a, f)),
        TExpr::Cast { arg, .. }
        | TExpr::Not(arg)
        | TExpr::NullTest { arg, .. }
        | TExpr::BoolTest { arg, .. } => visit(arg, f),
        TExpr::ScalarArray { left, right, .. } | TExpr::Distinct { left, right, .. } => {
            visit(left, f);
            visit(right, f);
        }
        TExpr::Case {
            arg,
            whens,
            default,
            ..
        } => {
            if let Some(a) = arg {
                visit(a, f);
            }
            for (w, r) in whens {
                visit(w, f);
                visit(r, f);
            }
            if let Some(d) = default {
                visit(d, f);
            }
        }
        TExpr::Const { .. } | TExpr::Col { .. } | TExpr::Keyword { .. } | TExpr::Raw { .. } => {}
    }
}
