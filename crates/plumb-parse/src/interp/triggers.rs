//! `CREATE TRIGGER`, `CREATE POLICY` and `ALTER POLICY`.

use super::*;

impl Interp {
    pub(super) fn create_trigger(&mut self, s: &protobuf::CreateTrigStmt) -> R<()> {
        let rv = s
            .relation
            .as_ref()
            .ok_or_else(|| Fail::statement("trigger without a table"))?;
        let rel = self.table_or_view(rv)?;
        let funcname = strs(&s.funcname);
        let fid = match self.function_by_names(&funcname, Some(&[]), Loc::Statement) {
            Ok(f) => f,
            // PostgreSQL's own trigger functions (in pg_catalog, which the model leaves out)
            Err(e) => match funcname.as_slice() {
                [n] | [_, n]
                    if BUILTIN_TRIGGER_FUNCTIONS.contains(&n.as_str())
                        && (funcname.len() == 1 || funcname[0] == "pg_catalog") =>
                {
                    FunctionId::new("pg_catalog", n, "")
                }
                _ => return Err(e),
            },
        };
        let name = truncate_ident(&s.trigname);
        let exists = self
            .db
            .tables
            .get(&rel)
            .map(|t| t.triggers.contains_key(&name))
            .unwrap_or(false)
            || self
                .db
                .views
                .get(&rel)
                .map(|v| v.triggers.contains_key(&name))
                .unwrap_or(false);
        if exists && !s.replace {
            return fail(
                format!(
                    "trigger \"{name}\" for relation \"{}\" already exists",
                    rel.name
                ),
                Loc::Statement,
            );
        }
        let timing = match s.timing {
            t if t & 2 != 0 => "BEFORE",
            t if t & 64 != 0 => "INSTEAD OF",
            _ => "AFTER",
        };
        let mut events = Vec::new();
        if s.events & 4 != 0 {
            events.push("INSERT".to_string());
        }
        if s.events & 8 != 0 {
            events.push("DELETE".to_string());
        }
        if s.events & 16 != 0 {
            let cols = strs(&s.columns);
            if cols.is_empty() {
                events.push("UPDATE".to_string());
            } else {
                events.push(format!("UPDATE OF {}", ident_list(&cols)));
            }
        }
        if s.events & 32 != 0 {
            events.push("TRUNCATE".to_string());
        }
        let mut def = format!(
            "CREATE {}TRIGGER {} {timing} {} ON {}",
            if s.isconstraint { "CONSTRAINT " } else { "" },
            quote_ident(&name),
            events.join(" OR "),
            rel
        );
        if let Some(c) = &s.constrrel {
            if let Ok(q) = self.table(c) {
                def.push_str(&format!(" FROM {q}"));
            }
        }
        if s.isconstraint {
            def.push_str(if s.deferrable {
                " DEFERRABLE"
            } else {
                " NOT DEFERRABLE"
            });
            def.push_str(if s.initdeferred {
                " INITIALLY DEFERRED"
            } else {
                " INITIALLY IMMEDIATE"
            });
        }
        let mut refs = Vec::new();
        for t in &s.transition_rels {
            if let Some(N::TriggerTransition(tt)) = &t.node {
                refs.push(format!(
                    "{} TABLE AS {}",
                    if tt.is_new { "NEW" } else { "OLD" },
                    quote_ident(&tt.name)
                ));
            }
        }
        if !refs.is_empty() {
            def.push_str(&format!(" REFERENCING {}", refs.join(" ")));
        }
        def.push_str(if s.row {
            " FOR EACH ROW"
        } else {
            " FOR EACH STATEMENT"
        });
        if let Some(w) = s.when_clause.as_deref() {
            def.push_str(&format!(" WHEN {}", paren(deparse_expr(w))));
        }
        let args: Vec<String> = s
            .args
            .iter()
            .filter_map(str_of)
            .map(|a| quote_literal(&a))
            .collect();
        def.push_str(&format!(
            " EXECUTE FUNCTION {}.{}({})",
            quote_ident(&fid.schema),
            quote_ident(&fid.name),
            args.join(", ")
        ));
        let trig = Trigger {
            name: name.clone(),
            definition: def,
            function: fid,
            constraint: s.isconstraint,
            enabled: TriggerEnabled::Origin,
            comment: None,
        };
        if let Some(t) = self.db.tables.get_mut(&rel) {
            t.triggers.insert(name, trig);
        } else if let Some(v) = self.db.views.get_mut(&rel) {
            v.triggers.insert(name, trig);
        }
        Ok(())
    }

    pub(super) fn policy_roles(&self, roles: &[Node]) -> Vec<String> {
        let mut r: Vec<String> = roles
            .iter()
            .filter_map(role_name)
            .map(|r| {
                if r == "CURRENT_USER" {
                    self.current_role.clone()
                } else {
                    r
                }
            })
            .collect();
        if r.is_empty() {
            r.push("PUBLIC".into());
        }
        r.sort();
        r.dedup();
        r
    }

    pub(super) fn policy_expr(&self, table: &QualName, e: Option<&Node>) -> R<Option<String>> {
        let Some(e) = e else { return Ok(None) };
        let cols = self
            .db
            .tables
            .get(table)
            .map(|t| t.columns.clone())
            .unwrap_or_default();
        let t = coerce(self.analyze_in(&cols, e)?, "boolean");
        Ok(Some(expr::print(&t, true)))
    }

    pub(super) fn create_policy(&mut self, s: &protobuf::CreatePolicyStmt) -> R<()> {
        let rv = s
            .table
            .as_ref()
            .ok_or_else(|| Fail::statement("policy without a table"))?;
        let t = self.table(rv)?;
        let name = truncate_ident(&s.policy_name);
        if self.db.tables[&t].policies.contains_key(&name) {
            return fail(
                format!("policy \"{name}\" for table \"{}\" already exists", t.name),
                Loc::Statement,
            );
        }
        let p = Policy {
            name: name.clone(),
            command: PolicyCommand::from_sql(&s.cmd_name).ok_or_else(|| {
                Fail::statement(format!("unrecognized policy command \"{}\"", s.cmd_name))
            })?,
            permissive: s.permissive,
            roles: self.policy_roles(&s.roles),
            using: self.policy_expr(&t, s.qual.as_deref())?,
            with_check: self.policy_expr(&t, s.with_check.as_deref())?,
            comment: None,
        };
        if let Some(tb) = self.db.tables.get_mut(&t) {
            tb.policies.insert(name, p);
        }
        Ok(())
    }

    pub(super) fn alter_policy(&mut self, s: &protobuf::AlterPolicyStmt) -> R<()> {
        let rv = s
            .table
            .as_ref()
            .ok_or_else(|| Fail::statement("policy without a table"))?;
        let t = self.table(rv)?;
        let using = self.policy_expr(&t, s.qual.as_deref())?;
        let check = self.policy_expr(&t, s.with_check.as_deref())?;
        let roles = self.policy_roles(&s.roles);
        let Some(p) = self
            .db
            .tables
            .get_mut(&t)
            .and_then(|tb| tb.policies.get_mut(&s.policy_name))
        else {
            return fail(
                format!(
                    "policy \"{}\" for table \"{}\" does not exist",
                    s.policy_name, t.name
                ),
                Loc::Statement,
            );
        };
        if !s.roles.is_empty() {
            p.roles = roles;
        }
        if using.is_some() {
            p.using = using;
        }
        if check.is_some() {
            p.with_check = check;
        }
        Ok(())
    }
}
