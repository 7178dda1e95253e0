//! Hazard policy over a finished plan: the pg-schema-diff code of each hazard, the hazards of steps the
//! planner does not mark (dropping an index, privilege changes, extension upgrades), `--no-drop`, the session
//! timeouts of `--online`, and the hazard gate (`--fail-on-hazard`, `--allow-hazards`).

use std::collections::BTreeSet;

use crate::{Action, Hazard, HazardKind, ObjectKind, Plan, Step};

/// The nearest pg-schema-diff hazard code (`DELETES_DATA`, `INDEX_BUILD`, ...) of a hazard on a step, so that
/// allow-lists written for pg-schema-diff carry over.
pub fn code(h: &Hazard, step: &Step) -> &'static str {
    match h.kind {
        HazardKind::DataLoss => "DELETES_DATA",
        HazardKind::TableRewrite => "ACQUIRES_ACCESS_EXCLUSIVE_LOCK",
        HazardKind::LongLock
            if matches!(step.kind, ObjectKind::Index | ObjectKind::Constraint)
                && step.action == Action::Create =>
        {
            "INDEX_BUILD"
        }
        HazardKind::LongLock => "ACQUIRES_ACCESS_EXCLUSIVE_LOCK",
        HazardKind::NotTransactional => "HAS_UNTRACKABLE_DEPENDENCIES",
        HazardKind::IndexDropped => "INDEX_DROPPED",
        HazardKind::AuthzUpdate => "AUTHZ_UPDATE",
        HazardKind::ExtensionUpgrade => "EXTENSION_VERSION_UPGRADE",
    }
}

/// The names a hazard answers to in `--fail-on-hazard` / `--allow-hazards`: plumb's kind (`data-loss`) and its
/// pg-schema-diff code (`DELETES_DATA`), compared case-insensitively, `_` and `-` alike.
pub fn names(h: &Hazard, step: &Step) -> [String; 2] {
    [norm(kind_name(h.kind)), norm(code(h, step))]
}

fn norm(s: &str) -> String {
    s.trim().to_ascii_lowercase().replace([' ', '_'], "-")
}

/// plumb's name of a hazard kind in a hazard list.
fn kind_name(k: HazardKind) -> &'static str {
    match k {
        HazardKind::DataLoss => "data-loss",
        HazardKind::TableRewrite => "table-rewrite",
        HazardKind::LongLock => "long-lock",
        HazardKind::NotTransactional => "not-transactional",
        HazardKind::IndexDropped => "index-dropped",
        HazardKind::AuthzUpdate => "authz-update",
        HazardKind::ExtensionUpgrade => "extension-upgrade",
    }
}

/// Every name a hazard list may use.
pub const KNOWN: &[&str] = &[
    "data-loss",
    "table-rewrite",
    "long-lock",
    "not-transactional",
    "index-dropped",
    "authz-update",
    "extension-upgrade",
    "DELETES_DATA",
    "ACQUIRES_ACCESS_EXCLUSIVE_LOCK",
    "INDEX_BUILD",
    "INDEX_DROPPED",
    "AUTHZ_UPDATE",
    "EXTENSION_VERSION_UPGRADE",
    "HAS_UNTRACKABLE_DEPENDENCIES",
];

/// Parse a comma-separated hazard list; an unknown name is an error naming the known ones.
pub fn parse_list(text: &str) -> Result<BTreeSet<String>, String> {
    let known: BTreeSet<String> = KNOWN.iter().map(|k| norm(k)).collect();
    let mut out = BTreeSet::new();
    for part in text.split(',').filter(|p| !p.trim().is_empty()) {
        let n = norm(part);
        if !known.contains(&n) {
            return Err(format!(
                "unknown hazard {:?} (expected one of {})",
                part.trim(),
                KNOWN.join(", ")
            ));
        }
        out.insert(n);
    }
    Ok(out)
}

/// Options of [`annotate`].
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// `--online`: `DROP INDEX CONCURRENTLY`, and the session timeouts below.
    pub online: bool,
    /// `SET lock_timeout` of an online plan (default `5s`, the planner's).
    pub lock_timeout: Option<String>,
    /// `SET statement_timeout` of an online plan.
    pub statement_timeout: Option<String>,
}

/// Add the hazards the planner does not mark, and apply the online forms that concern whole steps.
pub fn annotate(plan: &mut Plan, policy: &Policy) {
    for s in &mut plan.steps {
        match (s.kind, s.action) {
            (ObjectKind::Index, Action::Drop) => {
                if policy.online
                    && s.sql.starts_with("DROP INDEX ")
                    && !s.sql.contains("CONCURRENTLY")
                {
                    s.sql = s.sql.replacen("DROP INDEX ", "DROP INDEX CONCURRENTLY ", 1);
                    s.transactional = false;
                }
                let how = if s.sql.contains("CONCURRENTLY") {
                    "queries that used the index lose it (DROP INDEX CONCURRENTLY waits for them, without blocking writes)"
                } else {
                    "queries that used the index lose it, and DROP INDEX holds an ACCESS EXCLUSIVE lock on the table; --online uses DROP INDEX CONCURRENTLY"
                };
                s.hazards.push(Hazard {
                    kind: HazardKind::IndexDropped,
                    message: how.to_string(),
                });
            }
            (ObjectKind::Extension, Action::Alter) if s.sql.contains(" UPDATE") => {
                s.hazards.push(Hazard {
                    kind: HazardKind::ExtensionUpgrade,
                    message: "upgrading an extension runs its update scripts, which can change or lock objects"
                        .to_string(),
                });
            }
            _ => {}
        }
        if s.kind != ObjectKind::Session
            && s.sql.lines().any(|l| {
                l.starts_with("GRANT ") || l.starts_with("REVOKE ") || l.contains(" OWNER TO ")
            })
        {
            s.hazards.push(Hazard {
                kind: HazardKind::AuthzUpdate,
                message: "changes who may use the object: applications may lose (or gain) access"
                    .to_string(),
            });
        }
    }
    if policy.online {
        for s in &mut plan.steps {
            online_not_null(s);
        }
    }
    if policy.online {
        for s in &mut plan.steps {
            if s.kind == ObjectKind::Session && s.sql.starts_with("SET lock_timeout") {
                let lock = policy.lock_timeout.as_deref().unwrap_or("5s");
                s.sql = format!("SET lock_timeout = {};", plumb_model::quote_literal(lock));
                if let Some(st) = &policy.statement_timeout {
                    s.sql.push_str(&format!(
                        "\nSET statement_timeout = {};",
                        plumb_model::quote_literal(st)
                    ));
                }
            }
        }
    }
}

/// `--online`: `SET NOT NULL` through a check constraint, so that the table is scanned without blocking writes:
/// `ADD CONSTRAINT ... CHECK (c IS NOT NULL) NOT VALID` (a brief ACCESS EXCLUSIVE lock), `VALIDATE CONSTRAINT`
/// (scans under SHARE UPDATE EXCLUSIVE), `SET NOT NULL` (PostgreSQL 12+ skips the scan thanks to the valid
/// check), `DROP CONSTRAINT`. Each statement must commit on its own: the step is marked not transactional.
fn online_not_null(s: &mut Step) {
    if s.kind != ObjectKind::Column {
        return;
    }
    let mut changed = false;
    let mut out = Vec::new();
    for line in s.sql.lines() {
        let parsed = line
            .strip_prefix("ALTER TABLE ")
            .and_then(|r| r.strip_suffix(" SET NOT NULL;"))
            .and_then(|r| r.split_once(" ALTER COLUMN "));
        let Some((table, col)) = parsed else {
            out.push(line.to_string());
            continue;
        };
        let bare = match col.strip_prefix('"').and_then(|c| c.strip_suffix('"')) {
            Some(q) => q.replace("\"\"", "\""),
            None => col.to_string(),
        };
        let mut name = format!("{bare}_not_null");
        while name.len() > 63 {
            name.pop();
        }
        let check = plumb_model::quote_ident(&name);
        out.push(format!(
            "ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({col} IS NOT NULL) NOT VALID;"
        ));
        out.push(format!("ALTER TABLE {table} VALIDATE CONSTRAINT {check};"));
        out.push(line.to_string());
        out.push(format!("ALTER TABLE {table} DROP CONSTRAINT {check};"));
        changed = true;
    }
    if !changed {
        return;
    }
    s.sql = out.join("\n");
    s.transactional = false;
    s.hazards
        .retain(|h| !(h.kind == HazardKind::LongLock && h.message.starts_with("SET NOT NULL")));
    s.hazards.push(Hazard {
        kind: HazardKind::NotTransactional,
        message: "SET NOT NULL through a NOT VALID check, validated without blocking writes: run each statement \
                  in its own transaction"
            .to_string(),
    });
}

/// `--no-drop`: the plan without the steps that drop an object for good (an object dropped and created again
/// around a change stays). Returns the plan and the steps left out.
pub fn without_drops(plan: &Plan) -> (Plan, Vec<Step>) {
    let recreated: BTreeSet<(&str, ObjectKind)> = plan
        .steps
        .iter()
        .filter(|s| s.action == Action::Create)
        .map(|s| (s.object.as_str(), s.kind))
        .collect();
    let mut kept = Plan {
        changes: plan.changes.clone(),
        steps: Vec::new(),
    };
    let mut skipped = Vec::new();
    for s in &plan.steps {
        if s.action == Action::Drop && !recreated.contains(&(s.object.as_str(), s.kind)) {
            skipped.push(s.clone());
        } else {
            kept.steps.push(s.clone());
        }
    }
    let gone: BTreeSet<(&str, ObjectKind)> = skipped
        .iter()
        .map(|s| (s.object.as_str(), s.kind))
        .collect();
    kept.changes
        .retain(|c| !(c.action == Action::Drop && gone.contains(&(c.object.as_str(), c.kind))));
    (kept, skipped)
}

/// The hazards of `plan` a gate refuses: with `fail_on`, those it names; with `allow`, those it does not name
/// (pg-schema-diff's `--allow-hazards`). `(step index, hazard)`.
pub fn refused<'a>(
    plan: &'a Plan,
    fail_on: Option<&BTreeSet<String>>,
    allow: Option<&BTreeSet<String>>,
) -> Vec<(usize, &'a Hazard, &'static str)> {
    let mut out = Vec::new();
    for (i, s) in plan.steps.iter().enumerate() {
        for h in &s.hazards {
            let n = names(h, s);
            let named = |set: &BTreeSet<String>| n.iter().any(|x| set.contains(x));
            let refuse = fail_on.is_some_and(named) || allow.is_some_and(|a| !named(a));
            if refuse {
                out.push((i, h, code(h, s)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(kind: ObjectKind, action: Action, sql: &str) -> Step {
        Step {
            sql: sql.into(),
            object: "public.i".into(),
            kind,
            action,
            hazards: vec![],
            transactional: true,
        }
    }

    #[test]
    fn index_drops_are_hazards_and_online_drops_concurrently() {
        let mut plan = Plan {
            changes: vec![],
            steps: vec![step(
                ObjectKind::Index,
                Action::Drop,
                "DROP INDEX public.i;",
            )],
        };
        annotate(&mut plan, &Policy::default());
        assert_eq!(plan.steps[0].hazards[0].kind, HazardKind::IndexDropped);
        assert_eq!(
            code(&plan.steps[0].hazards[0], &plan.steps[0]),
            "INDEX_DROPPED"
        );
        let mut online = Plan {
            changes: vec![],
            steps: vec![step(
                ObjectKind::Index,
                Action::Drop,
                "DROP INDEX public.i;",
            )],
        };
        annotate(
            &mut online,
            &Policy {
                online: true,
                ..Default::default()
            },
        );
        assert_eq!(online.steps[0].sql, "DROP INDEX CONCURRENTLY public.i;");
        assert!(!online.steps[0].transactional);
    }

    #[test]
    fn online_set_not_null_goes_through_a_check() {
        let mut s = step(
            ObjectKind::Column,
            Action::Alter,
            "ALTER TABLE public.t ALTER COLUMN \"Id\" SET NOT NULL;",
        );
        s.hazards.push(Hazard {
            kind: HazardKind::LongLock,
            message: "SET NOT NULL scans the whole table".into(),
        });
        let mut plan = Plan {
            changes: vec![],
            steps: vec![s],
        };
        annotate(
            &mut plan,
            &Policy {
                online: true,
                ..Default::default()
            },
        );
        let s = &plan.steps[0];
        assert_eq!(
            s.sql,
            "ALTER TABLE public.t ADD CONSTRAINT \"Id_not_null\" CHECK (\"Id\" IS NOT NULL) NOT VALID;\n\
             ALTER TABLE public.t VALIDATE CONSTRAINT \"Id_not_null\";\n\
             ALTER TABLE public.t ALTER COLUMN \"Id\" SET NOT NULL;\n\
             ALTER TABLE public.t DROP CONSTRAINT \"Id_not_null\";"
        );
        assert!(!s.transactional);
        assert!(s.hazards.iter().all(|h| h.kind != HazardKind::LongLock));
    }

    #[test]
    fn gates() {
        let mut s = step(
            ObjectKind::Column,
            Action::Drop,
            "ALTER TABLE t DROP COLUMN c;",
        );
        s.hazards.push(Hazard {
            kind: HazardKind::DataLoss,
            message: String::new(),
        });
        let plan = Plan {
            changes: vec![],
            steps: vec![s],
        };
        let set = |t: &str| parse_list(t).unwrap();
        assert_eq!(refused(&plan, Some(&set("data-loss")), None).len(), 1);
        assert_eq!(refused(&plan, Some(&set("DELETES_DATA")), None).len(), 1);
        assert_eq!(refused(&plan, Some(&set("long-lock")), None).len(), 0);
        assert_eq!(refused(&plan, None, Some(&set("deletes_data"))).len(), 0);
        assert_eq!(refused(&plan, None, Some(&set("INDEX_BUILD"))).len(), 1);
        assert!(parse_list("data-loss,nosuch").is_err());
    }
}
