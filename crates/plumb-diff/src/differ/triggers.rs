//! Triggers and row-level security policies.

use super::*;

impl<'a> Differ<'a> {
    pub(super) fn create_trigger(&mut self, table: &QualName, tr: &Trigger, report: bool) {
        let obj = format!("{} on {table}", quote_ident(&tr.name));
        if report {
            self.change(ObjectKind::Trigger, &obj, Action::Create);
        }
        let mut sql = vec![format!("{};", strip_stmt(&tr.definition))];
        if let Some(s) = trigger_enable_sql(table, tr) {
            sql.push(s);
        }
        if let Some(text) = &tr.comment {
            sql.push(comment_sql(
                &format!("TRIGGER {} ON {table}", quote_ident(&tr.name)),
                Some(text),
            ));
        }
        self.op(
            Key::Trigger(table.clone(), tr.name.clone()),
            Action::Create,
            ObjectKind::Trigger,
            &obj,
            sql,
            vec![],
            class::TRIGGER,
            Some(Stage::AfterColumns),
        );
    }

    pub(super) fn drop_trigger(&mut self, table: &QualName, tr: &Trigger, report: bool) {
        let obj = format!("{} on {table}", quote_ident(&tr.name));
        if report {
            self.change(ObjectKind::Trigger, &obj, Action::Drop);
        }
        let sql = vec![format!(
            "DROP TRIGGER {} ON {table};",
            quote_ident(&tr.name)
        )];
        self.op(
            Key::Trigger(table.clone(), tr.name.clone()),
            Action::Drop,
            ObjectKind::Trigger,
            &obj,
            sql,
            vec![],
            class::TRIGGER,
            Some(Stage::BeforeColumns),
        );
    }

    pub(super) fn create_policy(&mut self, table: &QualName, p: &Policy, report: bool) {
        let obj = format!("{} on {table}", quote_ident(&p.name));
        if report {
            self.change(ObjectKind::Policy, &obj, Action::Create);
        }
        let mut s = format!(
            "CREATE POLICY {} ON {table} AS {} FOR {}",
            quote_ident(&p.name),
            if p.permissive {
                "PERMISSIVE"
            } else {
                "RESTRICTIVE"
            },
            p.command.as_sql()
        );
        s.push_str(&format!(" TO {}", policy_roles(&p.roles)));
        if let Some(u) = &p.using {
            s.push_str(&format!(" USING ({u})"));
        }
        if let Some(w) = &p.with_check {
            s.push_str(&format!(" WITH CHECK ({w})"));
        }
        let mut sql = vec![s + ";"];
        if let Some(text) = &p.comment {
            sql.push(comment_sql(
                &format!("POLICY {} ON {table}", quote_ident(&p.name)),
                Some(text),
            ));
        }
        self.op(
            Key::Policy(table.clone(), p.name.clone()),
            Action::Create,
            ObjectKind::Policy,
            &obj,
            sql,
            vec![],
            class::POLICY,
            Some(Stage::AfterColumns),
        );
    }

    pub(super) fn drop_policy(&mut self, table: &QualName, p: &Policy, report: bool) {
        let obj = format!("{} on {table}", quote_ident(&p.name));
        if report {
            self.change(ObjectKind::Policy, &obj, Action::Drop);
        }
        let sql = vec![format!("DROP POLICY {} ON {table};", quote_ident(&p.name))];
        self.op(
            Key::Policy(table.clone(), p.name.clone()),
            Action::Drop,
            ObjectKind::Policy,
            &obj,
            sql,
            vec![],
            class::POLICY,
            Some(Stage::BeforeColumns),
        );
    }

    pub(super) fn triggers(
        &mut self,
        name: &QualName,
        f: &BTreeMap<String, Trigger>,
        t: &BTreeMap<String, Trigger>,
    ) {
        for (n, tr) in f {
            match t.get(n) {
                None => self.drop_trigger(name, tr, true),
                Some(tt) => {
                    let tobj = format!("{} on {name}", quote_ident(n));
                    if !self.same_sql(
                        Sql::Statement,
                        ObjectKind::Trigger,
                        &tobj,
                        strip_stmt(&tr.definition),
                        strip_stmt(&tt.definition),
                    ) || tr.function != tt.function
                        || tr.constraint != tt.constraint
                    {
                        self.change_attr(
                            ObjectKind::Trigger,
                            &tobj,
                            Attribute::Definition,
                            Some(tr.definition.clone()),
                            Some(tt.definition.clone()),
                        );
                        self.drop_trigger(name, tr, false);
                        self.create_trigger(name, tt, false);
                        continue;
                    }
                    let mut sql = Vec::new();
                    if tr.enabled != tt.enabled {
                        self.change_attr(
                            ObjectKind::Trigger,
                            &tobj,
                            Attribute::Enabled,
                            Some(tr.enabled.as_catalog().to_string()),
                            Some(tt.enabled.as_catalog().to_string()),
                        );
                        sql.push(format!(
                            "ALTER TABLE {name} {} {};",
                            tt.enabled.alter_table_words(),
                            quote_ident(n)
                        ));
                    }
                    if tr.comment != tt.comment {
                        self.change_attr(
                            ObjectKind::Trigger,
                            &tobj,
                            Attribute::Comment,
                            tr.comment.clone(),
                            tt.comment.clone(),
                        );
                        sql.push(comment_sql(
                            &format!("TRIGGER {} ON {name}", quote_ident(n)),
                            tt.comment.as_deref(),
                        ));
                    }
                    if !sql.is_empty() {
                        self.op(
                            Key::Trigger(name.clone(), n.clone()),
                            Action::Alter,
                            ObjectKind::Trigger,
                            &tobj,
                            sql,
                            vec![],
                            class::TRIGGER,
                            Some(Stage::AfterColumns),
                        );
                    }
                }
            }
        }
        for (n, tr) in t {
            if !f.contains_key(n) {
                self.create_trigger(name, tr, true);
            }
        }
    }
}

pub(super) fn trigger_enable_sql(table: &QualName, tr: &Trigger) -> Option<String> {
    (tr.enabled != TriggerEnabled::Origin).then(|| {
        format!(
            "ALTER TABLE {table} {} {};",
            tr.enabled.alter_table_words(),
            quote_ident(&tr.name)
        )
    })
}

pub(super) fn policy_roles(roles: &[String]) -> String {
    if roles.is_empty() {
        return "PUBLIC".to_string();
    }
    roles
        .iter()
        .map(|r| grantee(r))
        .collect::<Vec<_>>()
        .join(", ")
}
