//! Functions, procedures and aggregates.

use super::*;

pub(super) fn function_kind(f: &Function) -> (ObjectKind, &'static str) {
    match f.kind {
        FunctionKind::Procedure => (ObjectKind::Procedure, "PROCEDURE"),
        FunctionKind::Aggregate => (ObjectKind::Aggregate, "AGGREGATE"),
        FunctionKind::Function | FunctionKind::Window => (ObjectKind::Function, "FUNCTION"),
    }
}

impl<'a> Differ<'a> {
    /// True when `db` is declared SQL that has `f` as an object plumb-parse does not model (an aggregate):
    /// it is there, but offline cannot compare it. Noted as uncertain.
    pub(super) fn unmodelled_in(&mut self, db: &Database, f: &Function) -> bool {
        let listed = db.server_version.is_none()
            && f.kind == FunctionKind::Aggregate
            && db.unsupported.iter().any(|u| {
                u.kind == "aggregate"
                    && (u.name == f.id.name || u.name == format!("{}.{}", f.id.schema, f.id.name))
            });
        if listed {
            self.out.uncertain.push(crate::Uncertain {
                kind: function_kind(f).0,
                object: f.id.to_string(),
                reason: "aggregates are not read offline".into(),
            });
        }
        listed
    }

    // ----- functions ----------------------------------------------------------------------------------

    /// The same function body. A SQL-standard body (`RETURN expr`, `BEGIN ATOMIC ... END`) is stored as the
    /// server prints it, so against declared SQL read offline it is compared by meaning; other bodies are the
    /// text the user wrote on both sides.
    pub(super) fn same_function_body(
        &mut self,
        kind: ObjectKind,
        obj: &str,
        f: &Function,
        t: &Function,
    ) -> bool {
        if f.body == t.body {
            return true;
        }
        if !(is_sql_standard_body(&f.body) && is_sql_standard_body(&t.body)) {
            return false;
        }
        if self.both_live() {
            return false;
        }
        match crate::same::compare_function_body(&f.id.name, &f.body, &t.body) {
            crate::same::Verdict::Same => true,
            crate::same::Verdict::Different => false,
            crate::same::Verdict::Uncertain(reason) => {
                self.out.uncertain.push(crate::Uncertain {
                    kind,
                    object: obj.to_string(),
                    reason,
                });
                true
            }
        }
    }

    pub(super) fn create_function_sql(&mut self, f: &Function, replace: bool) -> Vec<String> {
        let def = strip_stmt(&f.definition);
        if def.is_empty() {
            self.out.errors.push((
                f.id.to_string(),
                "the model has no definition to create it from".to_string(),
            ));
            return Vec::new();
        }
        let def = if replace {
            or_replace(def)
        } else {
            def.to_string()
        };
        vec![format!("{def};")]
    }

    pub(super) fn create_function(&mut self, f: &Function) {
        let (kind, kw) = function_kind(f);
        let obj = f.id.to_string();
        let mut sql = self.create_function_sql(f, false);
        let target = format!("{kw} {obj}");
        self.create_extras(
            &target,
            Some((AclKind::Function, &target)),
            &f.common,
            &mut sql,
        );
        self.op(
            Key::Function(f.id.clone()),
            Action::Create,
            kind,
            &obj,
            sql,
            vec![],
            class::FUNCTION,
            None,
        );
    }

    pub(super) fn drop_function(&mut self, f: &Function) {
        let (kind, kw) = function_kind(f);
        let obj = f.id.to_string();
        self.op(
            Key::Function(f.id.clone()),
            Action::Drop,
            kind,
            &obj,
            vec![format!("DROP {kw} {obj};")],
            vec![],
            class::FUNCTION,
            None,
        );
        self.seeds.insert(Key::Function(f.id.clone()));
    }

    pub(super) fn functions(&mut self) {
        let (from, to) = (self.from, self.to);
        for (id, f) in &from.functions {
            if !to.functions.contains_key(id) {
                if self.unmodelled_in(to, f) {
                    continue;
                }
                self.change(function_kind(f).0, &id.to_string(), Action::Drop);
                self.drop_function(f);
            }
        }
        for (id, t) in &to.functions {
            let (kind, kw) = function_kind(t);
            let obj = id.to_string();
            let Some(f) = from.functions.get(id) else {
                if self.unmodelled_in(from, t) {
                    continue;
                }
                self.change(kind, &obj, Action::Create);
                self.create_function(t);
                continue;
            };
            let sig = |x: &Function| (x.kind, x.returns.clone());
            let body = |x: &Function| {
                (
                    x.language.clone(),
                    x.volatility.clone(),
                    x.strict,
                    x.security_definer,
                    x.config.clone(),
                    (x.leakproof, x.parallel, x.cost.clone(), x.rows.clone()),
                )
            };
            let same_body = self.same_function_body(kind, &obj, f, t);
            if sig(f) != sig(t) {
                self.change_attr(
                    kind,
                    &obj,
                    Attribute::Returns,
                    f.returns.clone(),
                    t.returns.clone(),
                );
                self.drop_function(f);
                self.create_function(t);
                self.rebuilt.insert(Key::Function(id.clone()));
                continue;
            }
            if body(f) != body(t) || !same_body {
                for (attr, a, b) in [
                    (Attribute::Language, f.language.clone(), t.language.clone()),
                    (
                        Attribute::Volatility,
                        f.volatility.clone(),
                        t.volatility.clone(),
                    ),
                    (
                        Attribute::Strict,
                        f.strict.to_string(),
                        t.strict.to_string(),
                    ),
                    (
                        Attribute::SecurityDefiner,
                        f.security_definer.to_string(),
                        t.security_definer.to_string(),
                    ),
                    (
                        Attribute::Leakproof,
                        f.leakproof.to_string(),
                        t.leakproof.to_string(),
                    ),
                    (
                        Attribute::Parallel,
                        f.parallel.keyword().to_lowercase(),
                        t.parallel.keyword().to_lowercase(),
                    ),
                    (Attribute::Cost, estimate(&f.cost, f), estimate(&t.cost, t)),
                    (Attribute::Rows, rows(&f.rows), rows(&t.rows)),
                    (Attribute::Config, f.config.join(", "), t.config.join(", ")),
                    (Attribute::Body, f.body.clone(), t.body.clone()),
                ] {
                    if a != b {
                        self.change_attr(kind, &obj, attr, Some(a), Some(b));
                    }
                }
                let sql = self.create_function_sql(t, true);
                self.op(
                    Key::Function(id.clone()),
                    Action::Alter,
                    kind,
                    &obj,
                    sql,
                    vec![],
                    class::FUNCTION,
                    None,
                );
            }
            let target = format!("{kw} {obj}");
            let key = Key::Function(id.clone());
            self.common_alters(
                &key,
                kind,
                &obj,
                &target,
                &target,
                Some((AclKind::Function, &target)),
                &f.common,
                &t.common,
                None,
            );
        }
    }
}

/// A function's `COST`, its language's default when the model has none.
fn estimate(cost: &Option<String>, f: &Function) -> String {
    cost.clone()
        .unwrap_or_else(|| plumb_model::default_function_cost(&f.language).to_string())
}

/// A function's `ROWS`: the default (1000 for a set-returning function) when the model has none.
fn rows(rows: &Option<String>) -> String {
    rows.clone().unwrap_or_else(|| "default".to_string())
}

/// A body `pg_get_function_sqlbody` printed (or the parser wrote the same way), not a string constant.
pub(super) fn is_sql_standard_body(body: &str) -> bool {
    let b = body.trim_start();
    let starts = |w: &str| b.get(..w.len()).is_some_and(|p| p.eq_ignore_ascii_case(w));
    (starts("RETURN") && b[6..].starts_with(|c: char| c.is_whitespace() || c == '('))
        || starts("BEGIN ATOMIC")
}
