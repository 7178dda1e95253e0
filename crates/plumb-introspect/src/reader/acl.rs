//! Rows of privileges and default privileges.

use super::*;

impl Reader {
    pub(super) fn default_privileges(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::DefaultPrivileges,
        };
        let role: String = r.get("role")?;
        let schema: Option<String> = r.get("schema")?;
        let code: String = r.get("objtype")?;
        let Some(on) = AclKind::from_defacl_code(&code) else {
            // a kind newer than this reader (PostgreSQL 18's large objects, say): named, not compared
            let mut name = format!("FOR ROLE {}", quote_ident(&role));
            if let Some(s) = &schema {
                name.push_str(&format!(" IN SCHEMA {}", quote_ident(s)));
            }
            self.report(
                "default privileges",
                format!("{name} ON objects of kind {code:?}"),
            );
            return Ok(());
        };
        let key = DefaultPrivileges::key(&role, schema.as_deref(), on);
        let entry = self
            .db
            .default_privileges
            .entry(key)
            .or_insert_with(|| DefaultPrivileges {
                role,
                schema,
                on,
                grants: BTreeSet::new(),
                role_assumed: false,
            });
        if let Some(privilege) = r.get::<Option<String>>("privilege")? {
            entry.grants.insert(Grant {
                grantee: r.get("grantee")?,
                privilege,
                with_grant_option: r.get("is_grantable")?,
            });
        }
        Ok(())
    }

    pub(super) fn grants(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Privileges,
        };
        let objid: u32 = r.get("objid")?;
        let grant = Grant {
            grantee: r.get("grantee")?,
            privilege: r.get("privilege")?,
            with_grant_option: r.get("is_grantable")?,
        };
        let kind: String = r.get("kind")?;
        let common = match kind.as_str() {
            "r" => match self.m.rels.get(&objid) {
                Some(Rel::Table(n)) => self.db.tables.get_mut(n).map(|t| &mut t.common),
                Some(Rel::View(n)) => self.db.views.get_mut(n).map(|v| &mut v.common),
                Some(Rel::Sequence(n)) => self.db.sequences.get_mut(n).map(|s| &mut s.common),
                _ => None,
            },
            "n" => self
                .m
                .schemas
                .get(&objid)
                .and_then(|n| self.db.schemas.get_mut(n))
                .map(|s| &mut s.common),
            "t" => self
                .m
                .model_types
                .get(&objid)
                .and_then(|n| self.db.types.get_mut(n))
                .map(|t| &mut t.common),
            "f" => self
                .m
                .functions
                .get(&objid)
                .and_then(|id| self.db.functions.get_mut(id))
                .map(|f| &mut f.common),
            "c" => {
                let subid: i32 = r.get("subid")?;
                let attnum = i16::try_from(subid).unwrap_or(0);
                let Some(ColInfo { name: col, pos, .. }) = self.m.columns.get(&(objid, attnum))
                else {
                    return Ok(());
                };
                match self.m.rels.get(&objid) {
                    Some(Rel::Table(n)) => {
                        if let Some(c) = self
                            .db
                            .tables
                            .get_mut(n)
                            .and_then(|t| t.columns.get_mut(*pos))
                        {
                            c.grants.insert(grant);
                        }
                    }
                    Some(Rel::View(n)) => {
                        let what = format!("{n}.{} TO {}", quote_ident(col), grant.grantee);
                        self.report(
                            "column privilege on view",
                            format!("{} ON {what}", grant.privilege),
                        );
                    }
                    _ => {}
                }
                return Ok(());
            }
            _ => None,
        };
        if let Some(common) = common {
            // aclexplode gives an ACL's items in order: the grantees' order is pg_dump's
            if !common.acl_order.contains(&grant.grantee) {
                common.acl_order.push(grant.grantee.clone());
            }
            common
                .grants
                .get_or_insert_with(BTreeSet::new)
                .insert(grant);
        }
        Ok(())
    }
}
