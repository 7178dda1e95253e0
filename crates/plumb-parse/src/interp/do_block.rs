//! `DO` blocks offline: the PL/pgSQL shapes migrations use to make DDL idempotent, run by the interpreter.
//!
//! - statements run in order, `EXECUTE 'literal'` as its literal;
//! - `IF [NOT] EXISTS (SELECT … FROM <catalog>) THEN …` (a guard on the catalog): the branch runs, and a
//!   statement of it that fails because its object already exists, or does not exist, has no effect — what the
//!   guard was for;
//! - `BEGIN … EXCEPTION WHEN duplicate_object [OR …] THEN NULL; END` (Drizzle writes every foreign key so): the
//!   block runs, and when a statement of it fails, the block has no effect.
//!
//! Anything else (loops, assignments, `PERFORM`, a condition that is not a catalog guard, a handler that does
//! something) leaves the block's effect unknown: the model is as before the block, and a warning says so.

use pg_query::protobuf::node::Node as N;
use pg_query::protobuf::DoStmt;
use serde_json::Value;

use super::{def_elems, str_of, Fail, Interp, R};

/// Why a block's effect is not known offline.
struct Unknown(String);

/// Catalog relations whose rows a guard may test.
const CATALOG: &[&str] = &[
    "pg_catalog.",
    "information_schema.",
    "pg_class",
    "pg_constraint",
    "pg_type",
    "pg_namespace",
    "pg_tables",
    "pg_indexes",
    "pg_index",
    "pg_attribute",
    "pg_proc",
    "pg_trigger",
    "pg_policies",
    "pg_policy",
    "pg_extension",
    "pg_roles",
    "pg_enum",
    "pg_views",
    "pg_matviews",
    "pg_sequences",
    "pg_user",
];

/// Exception conditions a handler may swallow: a block that fails with one has no effect.
const SWALLOWED: &[&str] = &[
    "duplicate_object",
    "duplicate_table",
    "duplicate_column",
    "duplicate_function",
    "duplicate_schema",
    "duplicate_alias",
    "undefined_object",
    "undefined_table",
    "undefined_column",
    "undefined_function",
    "invalid_table_definition",
    "others",
];

impl Interp {
    pub(crate) fn do_block(&mut self, s: &DoStmt) -> R<()> {
        let mut body = None;
        let mut language = "plpgsql".to_string();
        for d in def_elems(&s.args) {
            let v = d.arg.as_deref().and_then(str_of);
            match d.defname.as_str() {
                "as" => body = v,
                "language" => language = v.unwrap_or_default().to_lowercase(),
                _ => {}
            }
        }
        let Some(body) = body.filter(|_| language == "plpgsql") else {
            self.warn(format!(
                "DO block in {language}: its effect cannot be known offline (use --dev-url)"
            ));
            return Ok(());
        };
        let wrapped = format!(
            "CREATE FUNCTION plumb_do() RETURNS void LANGUAGE plpgsql AS $plumb_do$ {body} $plumb_do$"
        );
        let tree = match pg_query::parse_plpgsql(&wrapped) {
            Ok(t) => t,
            Err(e) => {
                self.warn(format!(
                    "DO block (its body does not parse: {e}): its effect cannot be known offline (use --dev-url)"
                ));
                return Ok(());
            }
        };
        let action = &tree[0]["PLpgSQL_function"]["action"];
        let before = self.clone();
        if let Err(Unknown(why)) = self.plpgsql(action, false) {
            *self = before;
            self.warn(format!(
                "DO block ({why}): its effect cannot be known offline (use --dev-url)"
            ));
        }
        Ok(())
    }

    /// Run one PL/pgSQL statement (or a list). `guarded`: inside a catalog guard, where a statement that
    /// fails because its object already exists or does not exist has no effect.
    fn plpgsql(&mut self, v: &Value, guarded: bool) -> Result<(), Unknown> {
        if let Some(list) = v.as_array() {
            for st in list {
                self.plpgsql(st, guarded)?;
            }
            return Ok(());
        }
        let Some((kind, st)) = v.as_object().and_then(|o| o.iter().next()) else {
            return Ok(());
        };
        match kind.as_str() {
            "PLpgSQL_stmt_block" => {
                let handlers = st["exceptions"]["PLpgSQL_exception_block"]["exc_list"].as_array();
                let Some(handlers) = handlers else {
                    return self.plpgsql(&st["body"], guarded);
                };
                for h in handlers {
                    let h = &h["PLpgSQL_exception"];
                    let quiet = h["action"]
                        .as_array()
                        .is_none_or(|a| a.iter().all(is_quiet));
                    let known = h["conditions"].as_array().is_some_and(|cs| {
                        cs.iter().all(|c| {
                            c["PLpgSQL_condition"]["condname"]
                                .as_str()
                                .is_some_and(|n| SWALLOWED.contains(&n))
                        })
                    });
                    if !quiet || !known {
                        return Err(Unknown(
                            "an exception handler that does more than ignore the error".into(),
                        ));
                    }
                }
                // the block runs; when it fails, the handler undoes it
                let before = self.clone();
                if self.plpgsql(&st["body"], guarded).is_err() {
                    *self = before;
                }
                Ok(())
            }
            "PLpgSQL_stmt_execsql" => self.sql(expr(&st["sqlstmt"]), guarded),
            "PLpgSQL_stmt_dynexecute" => {
                let q = expr(&st["query"]);
                match string_literal(q) {
                    Some(text) if st["params"].is_null() && st["into"].is_null() => {
                        self.sql(&text, guarded)
                    }
                    _ => Err(Unknown(format!("EXECUTE {q}"))),
                }
            }
            "PLpgSQL_stmt_if" => {
                let cond = expr(&st["cond"]);
                if !is_catalog_guard(cond) {
                    return Err(Unknown(format!("IF {cond}")));
                }
                if st["elsif_list"].is_array() || st["else_body"].is_array() {
                    return Err(Unknown(format!("IF {cond} … ELSE")));
                }
                self.plpgsql(&st["then_body"], true)
            }
            "PLpgSQL_stmt_raise" => match st["elog_level"].as_i64() {
                // NOTICE, INFO, LOG, DEBUG, WARNING: a message
                Some(l) if l < 21 => Ok(()),
                _ => Err(Unknown("RAISE EXCEPTION".into())),
            },
            "PLpgSQL_stmt_return" => Ok(()),
            other => Err(Unknown(
                other.trim_start_matches("PLpgSQL_stmt_").to_uppercase(),
            )),
        }
    }

    /// Run SQL text inside a block.
    fn sql(&mut self, text: &str, guarded: bool) -> Result<(), Unknown> {
        let parsed = pg_query::parse(text, 0).map_err(|e| Unknown(format!("{text}: {e}")))?;
        for raw in &parsed.protobuf.stmts {
            let Some(node) = raw.stmt.as_deref().and_then(|n| n.node.as_ref()) else {
                continue;
            };
            if matches!(node, N::SelectStmt(_)) {
                return Err(Unknown(format!("{text} (a query)")));
            }
            self.alter_only = false;
            let before = guarded.then(|| self.clone());
            if let Err(Fail { message: msg, .. }) = self.statement(node) {
                match before {
                    Some(b) if msg.contains("already exists") || msg.contains("does not exist") => {
                        *self = b;
                    }
                    _ => return Err(Unknown(format!("{text}: {msg}"))),
                }
            }
        }
        Ok(())
    }
}

fn expr(v: &Value) -> &str {
    v["PLpgSQL_expr"]["query"].as_str().unwrap_or_default()
}

/// A statement of an exception handler that does nothing to the schema: `NULL`, `RAISE NOTICE`.
fn is_quiet(v: &Value) -> bool {
    match v.as_object().and_then(|o| o.iter().next()) {
        Some((k, st)) if k == "PLpgSQL_stmt_raise" => {
            st["elog_level"].as_i64().is_some_and(|l| l < 21)
        }
        Some((k, _)) => k == "PLpgSQL_stmt_null",
        None => true,
    }
}

/// `'text'` (with doubled quotes) as its text; `None` for anything else (a concatenation, `format(…)`).
fn string_literal(q: &str) -> Option<String> {
    let parsed = pg_query::parse(&format!("SELECT {q}"), 0).ok()?;
    let [raw] = parsed.protobuf.stmts.as_slice() else {
        return None;
    };
    let Some(N::SelectStmt(sel)) = raw.stmt.as_deref().and_then(|n| n.node.as_ref()) else {
        return None;
    };
    let [target] = sel.target_list.as_slice() else {
        return None;
    };
    let Some(N::ResTarget(t)) = target.node.as_ref() else {
        return None;
    };
    constant_text(t.val.as_deref()?)
}

/// The value of a constant text expression: string literals, joined with `||`, or cast to a type that keeps
/// their text as it is (`text`, `varchar`, `json`; `$$ {…} $$::json || '…'`). `None` for anything else.
fn constant_text(n: &pg_query::protobuf::Node) -> Option<String> {
    use pg_query::protobuf::a_const::Val;
    match n.node.as_ref()? {
        N::AConst(c) => match c.val.as_ref()? {
            Val::Sval(s) => Some(s.sval.clone()),
            _ => None,
        },
        N::AExpr(e) => {
            let op = match e.name.as_slice() {
                [o] => str_of(o)?,
                _ => return None,
            };
            if op != "||" || e.kind() != pg_query::protobuf::AExprKind::AexprOp {
                return None;
            }
            let mut l = constant_text(e.lexpr.as_deref()?)?;
            l.push_str(&constant_text(e.rexpr.as_deref()?)?);
            Some(l)
        }
        N::TypeCast(c) => {
            let tn = c.type_name.as_ref()?;
            let name = tn.names.last().and_then(str_of)?;
            let keeps_text = matches!(name.as_str(), "text" | "varchar" | "json");
            (keeps_text && tn.typmods.is_empty() && tn.array_bounds.is_empty())
                .then(|| constant_text(c.arg.as_deref()?))?
        }
        _ => None,
    }
}

/// `[NOT] EXISTS (SELECT … FROM <catalog relation> …)`, alone: a test of what the catalog holds.
fn is_catalog_guard(cond: &str) -> bool {
    let mut c = cond.trim().to_lowercase();
    // `( NOT EXISTS (...) )`
    while c.starts_with('(') && c.ends_with(')') && balanced(&c) {
        c = c[1..c.len() - 1].trim().to_string();
    }
    let rest = c.strip_prefix("not").map_or(c.as_str(), str::trim_start);
    let Some(sub) = rest.strip_prefix("exists") else {
        return false;
    };
    let sub = sub.trim();
    sub.starts_with('(')
        && sub.ends_with(')')
        && balanced(sub)
        && CATALOG.iter().any(|t| sub.contains(t))
}

/// The text is one parenthesised group (its first parenthesis closes at its end).
fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    let mut in_str = false;
    for (i, ch) in s.char_indices() {
        match ch {
            '\'' => in_str = !in_str,
            '(' if !in_str => depth += 1,
            ')' if !in_str => {
                depth -= 1;
                if depth == 0 && i + 1 != s.len() {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_are_catalog_existence_tests_only() {
        assert!(is_catalog_guard(
            "NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'fk_x')"
        ));
        assert!(is_catalog_guard(
            "exists (select * from information_schema.columns where column_name = 'x')"
        ));
        assert!(!is_catalog_guard("NOT EXISTS (SELECT 1 FROM users)"));
        assert!(!is_catalog_guard(
            "NOT EXISTS (SELECT 1 FROM pg_type) AND current_user = 'x'"
        ));
        assert!(!is_catalog_guard("current_setting('x') = 'on'"));
        assert!(is_catalog_guard(
            "( NOT EXISTS (select extname from pg_extension where extname = 'btree_gin') )"
        ));
        assert!(!is_catalog_guard(
            "(NOT EXISTS (SELECT 1 FROM pg_type)) OR (1 = 1)"
        ));
    }

    fn parse(sql: &str) -> crate::Parsed {
        crate::parse_str(sql, std::path::Path::new("t.sql")).expect("parses")
    }

    #[test]
    fn a_block_whose_effect_is_unknown_changes_nothing_and_says_why() {
        let p = parse(
            "CREATE TABLE a (id int);\n\
             DO $$ BEGIN\n\
               ALTER TABLE a ADD COLUMN b int;\n\
               FOR i IN 1..3 LOOP EXECUTE format('CREATE TABLE t%s (x int)', i); END LOOP;\n\
             END $$;\n",
        );
        let a = &p.database.tables[&plumb_model::QualName::new("public", "a")];
        assert_eq!(
            a.columns.len(),
            1,
            "the ADD COLUMN before the loop is undone"
        );
        assert_eq!(p.database.tables.len(), 1);
        assert!(
            p.warnings
                .iter()
                .any(|w| w.message.contains("DO block (FORI): its effect")),
            "{:?}",
            p.warnings
        );
    }

    #[test]
    fn a_guarded_statement_that_fails_for_another_reason_is_not_ignored() {
        let p = parse(
            "CREATE TABLE a (id int);\n\
             DO $$ BEGIN\n\
               IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = 'b') THEN\n\
                 CREATE TABLE b (x int PRIMARY KEY, PRIMARY KEY (x));\n\
               END IF;\n\
             END $$;\n",
        );
        // two primary keys: the server refuses the table, so the block fails and its effect is not known
        assert!(!p
            .database
            .tables
            .contains_key(&plumb_model::QualName::new("public", "b")));
        assert!(p
            .warnings
            .iter()
            .any(|w| w.message.starts_with("DO block (")));
    }

    #[test]
    fn only_plain_literals_are_executed() {
        assert_eq!(
            string_literal("'CREATE TABLE it''s (a int)'").as_deref(),
            Some("CREATE TABLE it's (a int)")
        );
        assert_eq!(string_literal("format('x %I', n)"), None);
        assert_eq!(string_literal("'a' || n"), None);
        assert_eq!(string_literal("'a' || 1"), None);
        assert_eq!(string_literal("'a' || $$ {} $$::jsonb"), None);
        assert_eq!(string_literal("'a'; DROP TABLE t"), None);
    }

    #[test]
    fn constant_concatenations_are_executed() {
        // martin's fixtures: a JSON comment spliced into COMMENT ON with dollar quotes
        assert_eq!(
            string_literal("'COMMENT ON TABLE t IS $tj$' || $$\n{\"a\": 1}\n$$::json || '$tj$'")
                .as_deref(),
            Some("COMMENT ON TABLE t IS $tj$\n{\"a\": 1}\n$tj$")
        );
        assert_eq!(
            string_literal("'a' || ('b'::text || E'\\'')").as_deref(),
            Some("ab'")
        );
    }
}
