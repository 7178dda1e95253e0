//! Triggers' and row-level security policies' statements; the triggers of a table that stays.

use super::*;

impl<'a> Differ<'a> {
    pub(crate) fn create_trigger(&mut self, table: &QualName, tr: &Trigger) {
        let obj = format!("{} on {table}", quote_ident(&tr.name));
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

    pub(crate) fn drop_trigger(&mut self, table: &QualName, tr: &Trigger) {
        let obj = format!("{} on {table}", quote_ident(&tr.name));
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

    pub(crate) fn create_policy(&mut self, table: &QualName, p: &Policy) {
        let obj = format!("{} on {table}", quote_ident(&p.name));
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

    pub(crate) fn drop_policy(&mut self, table: &QualName, p: &Policy) {
        let obj = format!("{} on {table}", quote_ident(&p.name));
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

pub(crate) fn policy_roles(roles: &[String]) -> String {
    if roles.is_empty() {
        return "PUBLIC".to_string();
    }
    roles
        .iter()
        .map(|r| grantee(r))
        .collect::<Vec<_>>()
        .join(", ")
}
