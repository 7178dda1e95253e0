//! `CREATE FUNCTION`/`PROCEDURE`, `ALTER FUNCTION`, and function bodies (`AS $$...$$` and SQL-standard `BEGIN ATOMIC`).

use super::*;

impl Interp {
    pub(super) fn create_function(&mut self, s: &protobuf::CreateFunctionStmt) -> R<()> {
        let (schema, name) = self.name_from_list(&strs(&s.funcname), Loc::Statement)?;
        let q = self.new_name(&schema, &name, Loc::Statement)?;
        use protobuf::FunctionParameterMode as M;
        let mut ident_args = Vec::new();
        let mut full_args = Vec::new();
        let mut table_cols = Vec::new();
        let mut out_count = 0;
        let mut out_type = String::new();
        for p in &s.parameters {
            let Some(N::FunctionParameter(fp)) = &p.node else {
                continue;
            };
            let ty = match &fp.arg_type {
                Some(t) => base(&self.resolve_type(t)?).to_string(),
                None => continue,
            };

            let named = |prefix: &str| {
                let mut s = prefix.to_string();
                if !fp.name.is_empty() {
                    s.push_str(&quote_ident(&fp.name));
                    s.push(' ');
                }
                s.push_str(&ty);
                s
            };
            match fp.mode() {
                M::FuncParamTable => table_cols.push(format!("{} {ty}", quote_ident(&fp.name))),
                M::FuncParamOut => {
                    out_count += 1;
                    out_type = ty.clone();
                    ident_args.push(named("OUT "));
                    full_args.push(named("OUT "));
                }
                M::FuncParamInout => {
                    ident_args.push(named("INOUT "));
                    full_args.push(named("INOUT "));
                }
                M::FuncParamVariadic => {
                    ident_args.push(named("VARIADIC "));
                    full_args.push(named("VARIADIC "));
                }
                _ => {
                    let mode = if s.is_procedure { "IN " } else { "" };
                    ident_args.push(named(mode));
                    let mut f = named(mode);
                    if let Some(d) = fp.defexpr.as_deref() {
                        let t = coerce(self.analyze_in(&[], d)?, &ty);
                        f.push_str(&format!(" DEFAULT {}", expr::print(&t, true)));
                    }
                    full_args.push(f);
                }
            }
        }
        let id = FunctionId::new(&q.schema, &q.name, ident_args.join(", "));
        if self.db.functions.contains_key(&id) && !s.replace {
            return fail(
                format!(
                    "function \"{}\" already exists with same argument types",
                    q.name
                ),
                Loc::Statement,
            );
        }
        let returns = if s.is_procedure {
            None
        } else if !table_cols.is_empty() {
            Some(format!("TABLE({})", table_cols.join(", ")))
        } else {
            match &s.return_type {
                Some(t) => {
                    let ty = self.resolve_type(t)?;
                    Some(if t.setof { format!("SETOF {ty}") } else { ty })
                }
                None if out_count > 1 => Some("record".into()),
                None if out_count == 1 => Some(out_type.clone()),
                None => Some("void".into()),
            }
        };
        let mut language = "sql".to_string();
        let mut volatility = "v";
        let mut strict = false;
        let mut security_definer = false;
        let mut leakproof = false;
        let mut parallel = Parallel::Unsafe;
        let mut body = String::new();
        let mut probin = None;
        let mut config = Vec::new();
        let mut cost = None;
        let mut rows = None;
        let mut window = false;
        for d in def_elems(&s.options) {
            let arg = d.arg.as_deref();
            match d.defname.as_str() {
                "language" => language = arg.and_then(str_of).unwrap_or_default().to_lowercase(),
                "volatility" => volatility = volatility_letter(arg.and_then(str_of).as_deref()),
                "strict" => {
                    strict = arg
                        .and_then(str_of)
                        .is_none_or(|v| v == "true" || v == "on" || v == "1")
                }
                "security" => {
                    security_definer = arg
                        .and_then(str_of)
                        .is_some_and(|v| v == "true" || v == "on" || v == "1")
                }
                "leakproof" => {
                    leakproof = arg
                        .and_then(str_of)
                        .is_some_and(|v| v == "true" || v == "on")
                }
                "parallel" => parallel = parallel_of(arg.and_then(str_of).as_deref(), d.location)?,
                "as" => {
                    if let Some(Node {
                        node: Some(N::List(l)),
                    }) = arg
                    {
                        let parts: Vec<String> = l.items.iter().filter_map(str_of).collect();
                        if parts.len() == 2 {
                            probin = Some(parts[0].clone());
                            body = parts[1].clone();
                        } else {
                            body = parts.join("");
                        }
                    }
                }
                "set" => {
                    if let Some(Node {
                        node: Some(N::VariableSetStmt(v)),
                    }) = arg
                    {
                        let vals: Vec<String> = v.args.iter().filter_map(str_of).collect();
                        config.push((v.name.clone(), vals));
                    }
                }
                "cost" => cost = arg.and_then(str_of),
                "rows" => rows = arg.and_then(str_of),
                "window" => window = true,
                _ => {}
            }
        }
        // A SQL-standard body (`RETURN expr`, `BEGIN ATOMIC ... END`) is written as the server's
        // `pg_get_function_sqlbody` writes it, and in the definition without `AS`.
        let sql_body = s.sql_body.as_deref().map(sql_standard_body);
        if let Some(sb) = &sql_body {
            body = sb.clone();
        }
        self.function_uses.remove(&id);
        if let Some(node) = s.sql_body.as_deref() {
            let uses = self.sql_body_uses(node, &id);
            self.function_uses.insert(id.clone(), uses);
        }
        let kind = if s.is_procedure {
            FunctionKind::Procedure
        } else if window {
            FunctionKind::Window
        } else {
            FunctionKind::Function
        };
        // pg_get_functiondef
        let mut def = format!(
            "CREATE OR REPLACE {} {}({})\n",
            if s.is_procedure {
                "PROCEDURE"
            } else {
                "FUNCTION"
            },
            q,
            full_args.join(", ")
        );
        if let Some(r) = &returns {
            def.push_str(&format!(" RETURNS {r}\n"));
        }
        def.push_str(&format!(" LANGUAGE {}\n", quote_ident(&language)));
        // the attribute line goes after LANGUAGE, written from the attributes below (`set_misc`)
        let mut config_entries = Vec::new();
        for (name, vals) in &config {
            let list = name == "search_path" || name.contains("_preload_libraries");
            let shown = if list {
                vals.iter()
                    .map(|v| quote_literal(v))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                quote_literal(&vals.join(", "))
            };
            def.push_str(&format!(" SET {} TO {shown}\n", quote_ident(name)));
            config_entries.push(format!("{name}={}", vals.join(", ")));
        }
        if sql_body.is_some() {
            def.push_str(&format!("{body}\n"));
        } else {
            push_as_body(&mut def, s.is_procedure, probin.as_deref(), &body);
        }
        let common = match self.db.functions.remove(&id) {
            Some(old) => old.common,
            None => Common {
                grants: self.default_acl(AclKind::Function, Some(&id.schema), None),
                ..Common::default()
            },
        };
        let cost = cost.as_deref().and_then(|c| function_cost(c, &language));
        let mut f = Function {
            id: id.clone(),
            kind,
            definition: String::new(),
            returns,
            language,
            volatility: volatility.into(),
            strict,
            security_definer,
            config: config_entries,
            leakproof,
            parallel,
            cost,
            rows: rows.as_deref().and_then(function_rows),
            body,
            common,
        };
        f.definition = set_misc(&def, &misc_line(&f));
        self.db.functions.insert(id, f);
        Ok(())
    }

    /// What a SQL-standard body uses, found as for a view's query: the relations it reads, the columns of
    /// them it names, the functions it calls and the types it names (but not the function itself).
    pub(super) fn sql_body_uses(&mut self, body: &Node, me: &FunctionId) -> BodyUses {
        let saved = std::mem::take(&mut self.pending_expr_deps);
        let mut out = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        for st in sql_body_statements(body) {
            let Some(n) = st.node.as_ref() else { continue };
            let (reads, _) = self.query_shape(n);
            let (cols, other) = std::mem::take(&mut self.pending_expr_deps);
            out.0.extend(reads);
            out.1.extend(cols);
            out.2.extend(
                other
                    .into_iter()
                    .filter(|o| !matches!(o, ObjectRef::Function(f) if f == me)),
            );
        }
        self.pending_expr_deps = saved;
        out
    }

    pub(super) fn function_by_names(
        &self,
        names: &[String],
        args: Option<&[Node]>,
        loc: Loc,
    ) -> R<FunctionId> {
        let (schema, name) = self.name_from_list(names, loc)?;
        let wanted: Option<Vec<String>> = match args {
            Some(a) => {
                let mut v = Vec::new();
                for n in a {
                    match &n.node {
                        Some(N::TypeName(t)) => v.push(base(&self.resolve_type(t)?)),
                        Some(N::FunctionParameter(fp)) => {
                            if fp.mode() == protobuf::FunctionParameterMode::FuncParamOut {
                                continue;
                            }
                            if let Some(t) = &fp.arg_type {
                                v.push(base(&self.resolve_type(t)?));
                            }
                        }
                        _ => {}
                    }
                }
                Some(v)
            }
            None => None,
        };
        let found = self.lookup(&schema, &name, |q| {
            self.db
                .functions
                .range(FunctionId::new(&q.schema, &q.name, "")..)
                .take_while(|(id, _)| id.schema == q.schema && id.name == q.name)
                .map(|(id, _)| id)
                .find(|id| match &wanted {
                    None => true,
                    Some(w) => arg_types_of(&id.args) == *w,
                })
                .cloned()
        });
        found.ok_or_else(|| Fail::new(format!("function {name} does not exist"), loc))
    }
}

/// The statements of a SQL-standard body: the `RETURN` statement, or those between `BEGIN ATOMIC` and `END`.
pub(super) fn sql_body_statements(n: &Node) -> Vec<&Node> {
    match &n.node {
        Some(N::List(l)) => l.items.iter().flat_map(sql_body_statements).collect(),
        Some(_) => vec![n],
        None => vec![],
    }
}

pub(super) fn push_as_body(def: &mut String, procedure: bool, probin: Option<&str>, body: &str) {
    def.push_str("AS ");
    if let Some(b) = probin {
        def.push_str(&quote_literal(b));
        def.push_str(", ");
    }
    let mut dq = format!("${}", if procedure { "procedure" } else { "function" });
    while body.contains(&dq) {
        dq.push('x');
    }
    dq.push('$');
    def.push_str(&format!("{dq}{body}{dq}\n"));
}

/// The body of a SQL-standard function: `RETURN expr`, or `BEGIN ATOMIC` with each statement on its own line
/// and `END`.
pub(super) fn sql_standard_body(n: &Node) -> String {
    match &n.node {
        Some(N::ReturnStmt(_)) => deparse_expr_or_stmt(n),
        Some(N::List(l)) => {
            let mut out = String::from("BEGIN ATOMIC\n");
            for item in &l.items {
                let stmts: Vec<&Node> = match &item.node {
                    Some(N::List(inner)) => inner.items.iter().collect(),
                    _ => vec![item],
                };
                for st in stmts {
                    out.push(' ');
                    out.push_str(&deparse_expr_or_stmt(st));
                    out.push_str(";\n");
                }
            }
            out.push_str("END");
            out
        }
        _ => deparse_expr_or_stmt(n),
    }
}

pub(super) fn deparse_expr_or_stmt(n: &Node) -> String {
    match &n.node {
        Some(N::List(l)) => l
            .items
            .iter()
            .map(deparse_expr_or_stmt)
            .collect::<Vec<_>>()
            .join("; "),
        Some(N::ReturnStmt(r)) => format!(
            "RETURN {}",
            r.returnval.as_deref().map(deparse_expr).unwrap_or_default()
        ),
        Some(other) => other.deparse(Default::default()).unwrap_or_default(),
        None => String::new(),
    }
}

pub(super) fn arg_types_of(args: &str) -> Vec<String> {
    if args.trim().is_empty() {
        return vec![];
    }
    let mut out = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in args.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out.into_iter()
        .filter(|a| !a.trim().starts_with("OUT "))
        .map(|a| {
            let a = a.trim();
            let a = a
                .strip_prefix("INOUT ")
                .or_else(|| a.strip_prefix("VARIADIC "))
                .or_else(|| a.strip_prefix("IN "))
                .unwrap_or(a);
            // `name type` or `type`: a type never starts with a plain identifier followed by a builtin.
            match a.split_once(' ') {
                Some((first, rest))
                    if builtin(rest.trim_end_matches("[]"), &[], true).is_some()
                        || MULTIWORD_TYPES.iter().any(|t| rest.starts_with(t))
                        || rest.contains('.')
                        || first.starts_with('"') =>
                {
                    rest.to_string()
                }
                _ => a.to_string(),
            }
        })
        .collect()
}

impl Interp {
    pub(super) fn alter_function(&mut self, s: &protobuf::AlterFunctionStmt) -> R<()> {
        let owa = s
            .func
            .as_ref()
            .ok_or_else(|| Fail::statement("ALTER FUNCTION without a function"))?;
        let args = if owa.args_unspecified {
            None
        } else {
            Some(owa.objargs.as_slice())
        };
        let id = self.function_by_names(&strs(&owa.objname), args, Loc::Statement)?;
        let Some(f) = self.db.functions.get_mut(&id) else {
            return Ok(());
        };
        for d in def_elems(&s.actions) {
            let v = d.arg.as_deref().and_then(str_of);
            match d.defname.as_str() {
                "volatility" => f.volatility = volatility_letter(v.as_deref()).into(),
                "strict" => {
                    f.strict = v
                        .as_deref()
                        .is_none_or(|x| x == "true" || x == "on" || x == "1");
                }
                "security" => {
                    f.security_definer = v
                        .as_deref()
                        .is_some_and(|x| x == "true" || x == "on" || x == "1");
                }
                "leakproof" => {
                    f.leakproof = v.as_deref().is_some_and(|x| x == "true" || x == "on");
                }
                "parallel" => f.parallel = parallel_of(v.as_deref(), d.location)?,
                "cost" => f.cost = v.as_deref().and_then(|c| function_cost(c, &f.language)),
                "rows" => f.rows = v.as_deref().and_then(function_rows),
                _ => self
                    .pending_warnings
                    .push(format!("ALTER FUNCTION ... {}: not modelled", d.defname)),
            }
        }
        // the attribute line written again from the attributes
        f.definition = set_misc(&f.definition, &misc_line(f));
        Ok(())
    }
}

/// The word of `PARALLEL word`; another word is the server's error.
fn parallel_of(word: Option<&str>, location: i32) -> R<Parallel> {
    match word.and_then(Parallel::from_word) {
        Some(p) => Ok(p),
        None => fail(
            "parameter \"parallel\" must be SAFE, RESTRICTED, or UNSAFE",
            Loc::at(location),
        ),
    }
}

/// `provolatile`'s letter for the word of `IMMUTABLE` / `STABLE` / `VOLATILE`.
fn volatility_letter(word: Option<&str>) -> &'static str {
    match word {
        Some("immutable") => "i",
        Some("stable") => "s",
        _ => "v",
    }
}

/// The attributes `pg_get_functiondef` writes on the line after `LANGUAGE`, in the server's order (` WINDOW
/// IMMUTABLE PARALLEL SAFE STRICT SECURITY DEFINER LEAKPROOF COST 5 ROWS 10`); empty when every attribute has
/// its default.
fn misc_line(m: &Function) -> String {
    let mut misc = String::new();
    if m.kind == FunctionKind::Window {
        misc.push_str(" WINDOW");
    }
    misc.push_str(match m.volatility.as_str() {
        "i" => " IMMUTABLE",
        "s" => " STABLE",
        _ => "",
    });
    if !m.parallel.is_unsafe() {
        misc.push_str(&format!(" PARALLEL {}", m.parallel.keyword()));
    }
    if m.strict {
        misc.push_str(" STRICT");
    }
    if m.security_definer {
        misc.push_str(" SECURITY DEFINER");
    }
    if m.leakproof {
        misc.push_str(" LEAKPROOF");
    }
    if let Some(c) = &m.cost {
        misc.push_str(&format!(" COST {c}"));
    }
    if let Some(r) = &m.rows {
        misc.push_str(&format!(" ROWS {r}"));
    }
    misc
}

/// A `pg_get_functiondef` text with its attribute line replaced by `misc` (added after `LANGUAGE`, or removed
/// when `misc` is empty).
fn set_misc(def: &str, misc: &str) -> String {
    let mut lines: Vec<String> = def.split('\n').map(str::to_string).collect();
    // Line 0: CREATE, then RETURNS (functions), LANGUAGE, then the optional attribute line.
    let next = lines
        .iter()
        .position(|l| l.starts_with(" LANGUAGE "))
        .unwrap_or(0)
        + 1;
    let is_misc = lines
        .get(next)
        .is_some_and(|l| l.starts_with(' ') && !l.starts_with(" SET ") && !l.starts_with("AS "));
    match (is_misc, misc.is_empty()) {
        (true, true) => {
            lines.remove(next);
        }
        (true, false) => lines[next] = misc.to_string(),
        (false, false) => lines.insert(next.min(lines.len()), misc.to_string()),
        (false, true) => {}
    }
    lines.join("\n")
}
