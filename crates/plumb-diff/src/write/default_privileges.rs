//! Owners' default privileges: `ALTER DEFAULT PRIVILEGES ... GRANT/REVOKE`.

use plumb_model::quote_ident;

use crate::compare::{ChangeSet, Obj};
use crate::differ::{class, grant_sql, hz, Differ};
use crate::keys::Key;
use crate::{Action, HazardKind, ObjectKind};

impl<'a> Differ<'a> {
    /// An entry declared without a role is written without `FOR ROLE` (it is for whoever runs the plan).
    pub(crate) fn write_default_privileges(&mut self, cs: &ChangeSet<'a>) {
        for d in &cs.deltas {
            let Obj::DefaultPrivileges(e) = &d.obj else {
                continue;
            };
            let mut pre = "ALTER DEFAULT PRIVILEGES".to_string();
            if !e.role_assumed {
                pre.push_str(&format!(" FOR ROLE {}", quote_ident(&e.role)));
            }
            if let Some(schema) = &e.schema {
                pre.push_str(&format!(" IN SCHEMA {}", quote_ident(schema)));
            }
            let sql: Vec<String> = grant_sql(e.on.plural(), &e.from, &e.to)
                .into_iter()
                .map(|g| format!("{pre} {g}"))
                .collect();
            self.op(
                Key::DefaultPrivileges(d.object.clone(), e.schema.clone()),
                Action::Alter,
                ObjectKind::DefaultPrivileges,
                &d.object,
                sql,
                vec![hz(
                    HazardKind::AuthzUpdate,
                    "changes the privileges of objects created from now on",
                )],
                class::MISC,
                None,
            );
        }
    }
}
