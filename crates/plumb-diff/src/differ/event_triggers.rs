//! Event triggers: database-wide triggers on DDL events.

use super::*;

use plumb_model::EventTrigger;

impl<'a> Differ<'a> {
    pub(super) fn event_triggers(&mut self) {
        let (from, to) = (self.from, self.to);
        for (name, f) in &from.event_triggers {
            if !to.event_triggers.contains_key(name) {
                self.drop_event_trigger(f, true);
            }
        }
        for (name, t) in &to.event_triggers {
            let Some(f) = from.event_triggers.get(name) else {
                self.create_event_trigger(t, true);
                continue;
            };
            let obj = quote_ident(name);
            let key = Key::EventTrigger(name.clone());
            if f.event != t.event || f.tags != t.tags || f.function != t.function {
                self.change_attr(
                    ObjectKind::EventTrigger,
                    &obj,
                    Attribute::Definition,
                    Some(event_trigger_definition(f)),
                    Some(event_trigger_definition(t)),
                );
                self.drop_event_trigger(f, false);
                self.create_event_trigger(t, false);
                continue;
            }
            if f.enabled != t.enabled {
                self.change_attr(
                    ObjectKind::EventTrigger,
                    &obj,
                    Attribute::Enabled,
                    Some(f.enabled.as_catalog().to_string()),
                    Some(t.enabled.as_catalog().to_string()),
                );
                let sql = vec![enabled_sql(t)];
                self.op(
                    key.clone(),
                    Action::Alter,
                    ObjectKind::EventTrigger,
                    &obj,
                    sql,
                    vec![],
                    class::MISC,
                    None,
                );
            }
            let target = format!("EVENT TRIGGER {obj}");
            self.common_alters(
                &key,
                ObjectKind::EventTrigger,
                &obj,
                &target,
                &target,
                None,
                &f.common,
                &t.common,
                None,
            );
        }
    }

    /// Event triggers whose function is dropped and created again: dropped first, created after it.
    pub(super) fn rebuild_event_triggers(&mut self) {
        let (from, to) = (self.from, self.to);
        for (name, t) in &to.event_triggers {
            let Some(f) = from.event_triggers.get(name) else {
                continue;
            };
            if self.rebuilds_with_function(&Key::EventTrigger(name.clone()), &f.function) {
                self.drop_event_trigger(f, false);
                self.create_event_trigger(t, false);
            }
        }
    }

    fn create_event_trigger(&mut self, e: &EventTrigger, report: bool) {
        let obj = quote_ident(&e.name);
        if report {
            self.change(ObjectKind::EventTrigger, &obj, Action::Create);
        }
        let mut sql = vec![format!("{};", event_trigger_definition(e))];
        if e.enabled != TriggerEnabled::Origin {
            sql.push(enabled_sql(e));
        }
        self.create_extras(&format!("EVENT TRIGGER {obj}"), None, &e.common, &mut sql);
        self.op(
            Key::EventTrigger(e.name.clone()),
            Action::Create,
            ObjectKind::EventTrigger,
            &obj,
            sql,
            vec![],
            class::MISC,
            None,
        );
    }

    fn drop_event_trigger(&mut self, e: &EventTrigger, report: bool) {
        let obj = quote_ident(&e.name);
        if report {
            self.change(ObjectKind::EventTrigger, &obj, Action::Drop);
        }
        self.op(
            Key::EventTrigger(e.name.clone()),
            Action::Drop,
            ObjectKind::EventTrigger,
            &obj,
            vec![format!("DROP EVENT TRIGGER {obj};")],
            vec![],
            class::MISC,
            None,
        );
    }
}

/// `CREATE EVENT TRIGGER ...` without the semicolon, as `pg_dump` writes it.
fn event_trigger_definition(e: &EventTrigger) -> String {
    let mut s = format!(
        "CREATE EVENT TRIGGER {} ON {}",
        quote_ident(&e.name),
        quote_ident(&e.event)
    );
    if !e.tags.is_empty() {
        let tags: Vec<String> = e.tags.iter().map(|t| quote_literal(t)).collect();
        s.push_str(&format!(" WHEN TAG IN ({})", tags.join(", ")));
    }
    s.push_str(&format!(
        " EXECUTE FUNCTION {}.{}()",
        quote_ident(&e.function.schema),
        quote_ident(&e.function.name)
    ));
    s
}

fn enabled_sql(e: &EventTrigger) -> String {
    let words = match e.enabled {
        TriggerEnabled::Origin => "ENABLE",
        TriggerEnabled::Disabled => "DISABLE",
        TriggerEnabled::Replica => "ENABLE REPLICA",
        TriggerEnabled::Always => "ENABLE ALWAYS",
    };
    format!("ALTER EVENT TRIGGER {} {words};", quote_ident(&e.name))
}
