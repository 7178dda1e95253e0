//! Event triggers: dropped and created again when their definition changes, or when their function is.

use plumb_model::{quote_ident, EventTrigger, TriggerEnabled};

use super::Targets;
use crate::compare::{event_trigger_definition, ChangeSet, Obj, ObjDelta};
use crate::differ::{class, Differ};
use crate::keys::Key;
use crate::{Action, Attribute, ObjectKind};

impl<'a> Differ<'a> {
    pub(crate) fn write_event_triggers(&mut self, cs: &ChangeSet<'a>) {
        for d in &cs.deltas {
            let Obj::EventTrigger(e) = &d.obj else {
                continue;
            };
            match e {
                ObjDelta::Drop(f) => self.drop_event_trigger(f),
                ObjDelta::Create(t) => self.create_event_trigger(t),
                ObjDelta::Alter { from, to, attrs } => {
                    let key = Key::EventTrigger(to.name.clone());
                    for a in attrs {
                        match a.attr {
                            Attribute::Definition => {
                                self.drop_event_trigger(from);
                                self.create_event_trigger(to);
                            }
                            Attribute::Enabled => {
                                self.alter_op(
                                    key.clone(),
                                    ObjectKind::EventTrigger,
                                    &d.object,
                                    vec![enabled_sql(to)],
                                    class::MISC,
                                    None,
                                );
                            }
                            _ => {}
                        }
                    }
                    let target = format!("EVENT TRIGGER {}", d.object);
                    let targets = Targets::new(&target, None);
                    self.write_common(
                        &key,
                        ObjectKind::EventTrigger,
                        &d.object,
                        &targets,
                        attrs,
                        None,
                    );
                }
            }
        }
    }

    /// Event triggers whose function is dropped and created again: dropped first, created after it.
    pub(crate) fn rebuild_event_triggers(&mut self) {
        let (from, to) = (self.from, self.to);
        for (name, t) in &to.event_triggers {
            let Some(f) = from.event_triggers.get(name) else {
                continue;
            };
            if self.rebuilds_with_function(&Key::EventTrigger(name.clone()), &f.function) {
                self.drop_event_trigger(f);
                self.create_event_trigger(t);
            }
        }
    }

    fn create_event_trigger(&mut self, e: &EventTrigger) {
        let obj = quote_ident(&e.name);
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

    fn drop_event_trigger(&mut self, e: &EventTrigger) {
        let obj = quote_ident(&e.name);
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

fn enabled_sql(e: &EventTrigger) -> String {
    let words = match e.enabled {
        TriggerEnabled::Origin => "ENABLE",
        TriggerEnabled::Disabled => "DISABLE",
        TriggerEnabled::Replica => "ENABLE REPLICA",
        TriggerEnabled::Always => "ENABLE ALWAYS",
    };
    format!("ALTER EVENT TRIGGER {} {words};", quote_ident(&e.name))
}
