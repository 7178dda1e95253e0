//! Which privileges each side of a comparison has, when declared SQL states grants only in part.
//!
//! A live database always knows: an object's ACL, or its owner's default privileges (`acldefault`) when the
//! ACL is NULL. Declared SQL knows only what it says, so:
//!
//! - **A declaration that states no GRANT or REVOKE at all** does not manage privileges: grants are not
//!   compared (every live grant would otherwise be drift).
//! - **A declaration that states some** manages them: every object is compared, and an object it grants
//!   nothing on is taken to have its owner's default privileges, so a grant made by hand on a live database
//!   is drift.
//! - Declared SQL rarely states owners; the privileges it computed for the role that ran it (the owner it
//!   assumed) are compared as the privileges of the object's real owner, from the other side.

use std::collections::BTreeSet;

use plumb_model::{AclKind, Common, Database, Grant};

/// True when the privileges of `db` are known: a live database, or declared SQL with at least one GRANT,
/// REVOKE or ALTER DEFAULT PRIVILEGES.
pub(crate) fn stated(db: &Database) -> bool {
    if db.server_version.is_some() {
        return true;
    }
    // the public schema's privileges every database starts with (PostgreSQL 15+) are not a statement
    let created = Database::created(None);
    let preset = created
        .schemas
        .get("public")
        .and_then(|s| s.common.grants.clone());
    let commons = db
        .schemas
        .values()
        .filter(|s| !(s.name == "public" && s.common.grants == preset))
        .map(|s| &s.common)
        .chain(db.types.values().map(|t| &t.common))
        .chain(db.sequences.values().map(|s| &s.common))
        .chain(db.tables.values().map(|t| &t.common))
        .chain(db.views.values().map(|v| &v.common))
        .chain(db.functions.values().map(|f| &f.common));
    let mut commons = commons;
    !db.default_privileges.is_empty()
        || commons.any(|c| c.grants.is_some())
        || db
            .tables
            .values()
            .any(|t| t.columns.iter().any(|c| !c.grants.is_empty()))
}

/// The privileges of one side (`c`, in a database whose grants are `stated` or not), `other` being the same
/// object on the other side. `None`: not known, not compared.
///
/// `version` is the live side's server version: declared grants are taken as that server holds them
/// (`GRANT ALL` on a table includes PostgreSQL 17's `MAINTAIN`), and so are the owner's default privileges.
pub(crate) fn effective(
    on: AclKind,
    c: &Common,
    stated: bool,
    other: &Common,
    version: Option<u32>,
) -> Option<BTreeSet<Grant>> {
    let grants = match (&c.grants, &c.owner, &other.owner) {
        (Some(g), Some(_), _) | (Some(g), None, None) => g.clone(),
        (Some(g), None, Some(real)) => rebase(on, g, real),
        (None, Some(o), _) => return Some(on.default_grants_at(o, version)),
        (None, None, Some(real)) if stated => return Some(on.default_grants_at(real, version)),
        (None, None, _) => return None,
    };
    Some(on.grants_at(&grants, version))
}

/// Grants computed for an assumed owner (the one grantee other than PUBLIC holding every privilege of the
/// kind) given to the real owner instead.
fn rebase(on: AclKind, grants: &BTreeSet<Grant>, real: &str) -> BTreeSet<Grant> {
    let all = on.all_privileges();
    let holders: BTreeSet<&str> = grants
        .iter()
        .map(|g| g.grantee.as_str())
        .filter(|r| *r != "PUBLIC")
        .filter(|r| {
            all.iter()
                .all(|p| grants.iter().any(|g| g.grantee == *r && g.privilege == *p))
        })
        .collect();
    let [assumed] = holders.into_iter().collect::<Vec<_>>()[..] else {
        return grants.clone();
    };
    if assumed == real {
        return grants.clone();
    }
    grants
        .iter()
        .map(|g| {
            let mut g = g.clone();
            if g.grantee == assumed {
                g.grantee = real.to_string();
            }
            g
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(who: &str, p: &str) -> Grant {
        Grant {
            grantee: who.into(),
            privilege: p.into(),
            with_grant_option: false,
        }
    }

    #[test]
    fn declared_grants_follow_the_real_owner() {
        let mut declared = AclKind::Table.default_grants("postgres");
        declared.insert(g("PUBLIC", "SELECT"));
        let decl = Common {
            grants: Some(declared),
            ..Common::default()
        };
        let mut live_grants = AclKind::Table.default_grants("app");
        live_grants.insert(g("PUBLIC", "SELECT"));
        let live = Common {
            owner: Some("app".into()),
            grants: Some(live_grants.clone()),
            ..Common::default()
        };
        assert_eq!(
            effective(AclKind::Table, &decl, true, &live, None),
            Some(live_grants)
        );
    }

    #[test]
    fn unstated_grants_are_compared_only_when_the_declaration_states_some() {
        let decl = Common::default();
        let live = Common {
            owner: Some("app".into()),
            ..Common::default()
        };
        assert_eq!(effective(AclKind::Table, &decl, false, &live, None), None);
        assert_eq!(
            effective(AclKind::Table, &decl, true, &live, None),
            Some(AclKind::Table.default_grants("app"))
        );
    }
}
