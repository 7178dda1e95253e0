//! Owners' default privileges (`ALTER DEFAULT PRIVILEGES`).

use std::collections::BTreeSet;

use plumb_model::{AclKind, Database, DefaultPrivileges, Grant};

use super::{Comparer, Delta, Obj};
use crate::differ::{grantee, resolve_assumed_roles};
use crate::{Action, Attribute, Change, ObjectKind};

/// One `ALTER DEFAULT PRIVILEGES` entry whose privileges differ.
#[derive(Debug)]
pub(crate) struct DefaultPrivilegesDelta {
    /// Created (no entry on the "from" side), dropped (none on the "to" side) or altered.
    pub action: Action,
    pub role: String,
    pub schema: Option<String>,
    pub on: AclKind,
    /// Written without `FOR ROLE`: the "to" side's entry named no role.
    pub role_assumed: bool,
    pub from: BTreeSet<Grant>,
    pub to: BTreeSet<Grant>,
}

impl DefaultPrivilegesDelta {
    /// The change it stands for: an alter shows both privilege lists.
    pub(super) fn change(&self, object: &str) -> Change {
        let describe = |set: &BTreeSet<Grant>| {
            let parts: Vec<String> = set
                .iter()
                .map(|g| {
                    let opt = if g.with_grant_option {
                        " WITH GRANT OPTION"
                    } else {
                        ""
                    };
                    format!("{} to {}{opt}", g.privilege, grantee(&g.grantee))
                })
                .collect();
            if parts.is_empty() {
                "none".to_string()
            } else {
                parts.join(", ")
            }
        };
        let alter = self.action == Action::Alter;
        Change {
            kind: ObjectKind::DefaultPrivileges,
            object: object.to_string(),
            action: self.action,
            attribute: alter.then_some(Attribute::Grants),
            from: alter.then(|| describe(&self.from)),
            to: alter.then(|| describe(&self.to)),
        }
    }
}

impl<'a> Comparer<'a> {
    /// `ALTER DEFAULT PRIVILEGES` entries, compared when both sides' privileges are known. An entry declared
    /// without a role (`role_assumed`) is compared with the other side's entry of the one role that has
    /// entries there. Entries in a schema the "to" side lacks go with it.
    pub(super) fn default_privileges(&mut self, out: &mut Vec<Delta<'a>>) {
        // a side knows its default privileges when it is live, states privileges, or is empty (what
        // `plumb dump` plans from)
        let knows = |db: &Database, stated: bool| {
            stated
                || (db.tables.is_empty()
                    && db.views.is_empty()
                    && db.functions.is_empty()
                    && db.sequences.is_empty()
                    && db.types.is_empty())
        };
        if self.opts.ignore_privileges
            || !knows(self.from, self.grants_stated.0)
            || !knows(self.to, self.grants_stated.1)
        {
            return;
        }
        let version = self.live_version();
        let from =
            resolve_assumed_roles(&self.from.default_privileges, &self.to.default_privileges);
        let to = resolve_assumed_roles(&self.to.default_privileges, &self.from.default_privileges);
        let keys: BTreeSet<&String> = from.keys().chain(to.keys()).collect();
        for key in keys {
            let (fe, te) = (from.get(key), to.get(key));
            let Some(e) = te.or(fe) else { continue };
            if let Some(schema) = &e.schema {
                if !self.to.schemas.contains_key(schema) {
                    continue;
                }
            }
            let acl = |x: Option<&DefaultPrivileges>| match x {
                Some(x) => x.on.grants_at(&x.grants, version),
                None => match &e.schema {
                    None => e.on.default_grants_at(&e.role, version),
                    Some(_) => BTreeSet::new(),
                },
            };
            let (a, b) = (acl(fe), acl(te));
            if a == b {
                continue;
            }
            let action = match (fe, te) {
                (None, Some(_)) => Action::Create,
                (Some(_), None) => Action::Drop,
                _ => Action::Alter,
            };
            out.push(Delta {
                kind: ObjectKind::DefaultPrivileges,
                object: key.clone(),
                obj: Obj::DefaultPrivileges(DefaultPrivilegesDelta {
                    action,
                    role: e.role.clone(),
                    schema: e.schema.clone(),
                    on: e.on,
                    role_assumed: te.is_some_and(|t| t.role_assumed),
                    from: a,
                    to: b,
                }),
            });
        }
    }
}
