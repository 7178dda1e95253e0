//! Functions, procedures and aggregates.

use plumb_model::{AclKind, Database, Function, FunctionKind};

use super::{walk, AttrDelta, Comparer, Delta, Obj, ObjDelta, Pair};
use crate::{Attribute, ObjectKind};

/// The kind of object a function is, and its SQL keyword.
pub(crate) fn function_kind(f: &Function) -> (ObjectKind, &'static str) {
    match f.kind {
        FunctionKind::Procedure => (ObjectKind::Procedure, "PROCEDURE"),
        FunctionKind::Aggregate => (ObjectKind::Aggregate, "AGGREGATE"),
        FunctionKind::Function | FunctionKind::Window => (ObjectKind::Function, "FUNCTION"),
    }
}

impl<'a> Comparer<'a> {
    pub(super) fn functions(&mut self, out: &mut Vec<Delta<'a>>) {
        let (from, to) = (self.from, self.to);
        let delta = |f: &Function, delta, redefine| Delta {
            kind: function_kind(f).0,
            object: f.id.to_string(),
            obj: Obj::Function { delta, redefine },
        };
        for (id, pair) in walk(&from.functions, &to.functions) {
            let (f, t) = match pair {
                Pair::Dropped(f) if !self.unmodelled_in(to, f) => {
                    out.push(delta(f, ObjDelta::Drop(f), false));
                    continue;
                }
                Pair::Created(t) if !self.unmodelled_in(from, t) => {
                    out.push(delta(t, ObjDelta::Create(t), false));
                    continue;
                }
                Pair::Dropped(_) | Pair::Created(_) => continue,
                Pair::Kept(f, t) => (f, t),
            };
            let (kind, obj) = (function_kind(t).0, id.to_string());
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
                // dropped and created again: nothing else is compared
                let attrs = vec![AttrDelta::new(
                    Attribute::Returns,
                    f.returns.clone(),
                    t.returns.clone(),
                )];
                let alter = ObjDelta::Alter {
                    from: f,
                    to: t,
                    attrs,
                };
                out.push(delta(t, alter, false));
                continue;
            }
            let redefine = body(f) != body(t) || !same_body;
            let mut attrs = Vec::new();
            if redefine {
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
                        attrs.push(AttrDelta::new(attr, Some(a), Some(b)));
                    }
                }
            }
            attrs.extend(self.common(Some(AclKind::Function), &f.common, &t.common));
            if redefine || !attrs.is_empty() {
                let alter = ObjDelta::Alter {
                    from: f,
                    to: t,
                    attrs,
                };
                out.push(delta(t, alter, redefine));
            }
        }
    }

    /// True when `db` is declared SQL that has `f` as an object plumb-parse does not model (an aggregate):
    /// it is there, but offline cannot compare it. Noted as uncertain.
    fn unmodelled_in(&mut self, db: &Database, f: &Function) -> bool {
        let listed = db.server_version.is_none()
            && f.kind == FunctionKind::Aggregate
            && db.unsupported.iter().any(|u| {
                u.kind == "aggregate"
                    && (u.name == f.id.name || u.name == format!("{}.{}", f.id.schema, f.id.name))
            });
        if listed {
            self.note_uncertain(
                function_kind(f).0,
                &f.id.to_string(),
                "aggregates are not read offline".into(),
            );
        }
        listed
    }

    /// The same function body. A SQL-standard body (`RETURN expr`, `BEGIN ATOMIC ... END`) is stored as the
    /// server prints it, so against declared SQL read offline it is compared by meaning; other bodies are the
    /// text the user wrote on both sides.
    fn same_function_body(
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
                self.note_uncertain(kind, obj, reason);
                true
            }
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
fn is_sql_standard_body(body: &str) -> bool {
    let b = body.trim_start();
    let starts = |w: &str| b.get(..w.len()).is_some_and(|p| p.eq_ignore_ascii_case(w));
    (starts("RETURN") && b[6..].starts_with(|c: char| c.is_whitespace() || c == '('))
        || starts("BEGIN ATOMIC")
}
