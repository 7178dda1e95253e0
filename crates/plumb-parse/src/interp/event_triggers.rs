//! `CREATE EVENT TRIGGER` and `ALTER EVENT TRIGGER ... ENABLE/DISABLE` (rename, owner, comment and drop go
//! through `rename`, `acl` and `drop` like every kind).

use super::*;

use plumb_model::EventTrigger;

/// The events PostgreSQL accepts (`login` from 17).
const EVENTS: &[&str] = &[
    "ddl_command_start",
    "ddl_command_end",
    "sql_drop",
    "table_rewrite",
    "login",
];

impl Interp {
    pub(super) fn create_event_trigger(&mut self, s: &protobuf::CreateEventTrigStmt) -> R<()> {
        let name = truncate_ident(&s.trigname);
        if self.db.event_triggers.contains_key(&name) {
            return fail(
                format!("event trigger \"{name}\" already exists"),
                Loc::Statement,
            );
        }
        if !EVENTS.contains(&s.eventname.as_str()) {
            return fail(
                format!("unrecognized event name \"{}\"", s.eventname),
                Loc::Statement,
            );
        }
        let mut tags = Vec::new();
        for d in def_elems(&s.whenclause) {
            if d.defname != "tag" {
                return fail(
                    format!("unrecognized filter variable \"{}\"", d.defname),
                    Loc::at(d.location),
                );
            }
            let Some(N::List(list)) = d.arg.as_deref().and_then(|a| a.node.as_ref()) else {
                return fail(
                    "WHEN TAG IN needs a list of command tags",
                    Loc::at(d.location),
                );
            };
            // the server stores tags in upper case, in the order given
            tags.extend(
                strs(&list.items)
                    .into_iter()
                    .map(|t| t.to_ascii_uppercase()),
            );
        }
        let function = self.function_by_names(&strs(&s.funcname), Some(&[]), Loc::Statement)?;
        match self.db.functions.get(&function) {
            Some(f) if f.returns.as_deref() == Some("event_trigger") => {}
            Some(_) => {
                return fail(
                    format!(
                        "function {}() must return type event_trigger",
                        function.qual_name()
                    ),
                    Loc::Statement,
                )
            }
            None => {}
        }
        self.db.event_triggers.insert(
            name.clone(),
            EventTrigger {
                name,
                event: s.eventname.clone(),
                tags,
                function,
                enabled: TriggerEnabled::Origin,
                // not stated until `ALTER EVENT TRIGGER ... OWNER TO`, as for every kind
                common: Common::default(),
            },
        );
        Ok(())
    }

    pub(super) fn alter_event_trigger(&mut self, s: &protobuf::AlterEventTrigStmt) -> R<()> {
        let Some(e) = self.db.event_triggers.get_mut(&s.trigname) else {
            return fail(
                format!("event trigger \"{}\" does not exist", s.trigname),
                Loc::Statement,
            );
        };
        e.enabled = TriggerEnabled::from_catalog(&s.tgenabled).ok_or_else(|| {
            Fail::statement(format!("unexpected event trigger state {:?}", s.tgenabled))
        })?;
        Ok(())
    }
}
