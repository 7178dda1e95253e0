//! Owners, grants, default privileges and comments: `ALTER ... OWNER TO`, `GRANT`/`REVOKE`, `ALTER DEFAULT PRIVILEGES`, `COMMENT ON`.

use super::*;

/// The kind of ACL an object of a GRANT / REVOKE statement has; None for kinds not modelled.
/// `GRANT` (`grant`) or `REVOKE` of `privileges` to or from `grantees` on an ACL; `option`: `WITH GRANT
/// OPTION` on a grant, `GRANT OPTION FOR` on a revoke (which keeps the privilege).
pub(super) fn edit_acl(
    set: &mut BTreeSet<Grant>,
    privileges: &[String],
    grantees: &[String],
    grant: bool,
    option: bool,
) {
    for p in privileges {
        for g in grantees {
            let held = set
                .iter()
                .find(|x| x.grantee == *g && x.privilege == *p)
                .map(|x| x.with_grant_option);
            set.retain(|x| !(x.grantee == *g && x.privilege == *p));
            // a grant keeps a grant option held already; `REVOKE GRANT OPTION FOR` keeps the privilege
            let keep = if grant {
                Some(option || held == Some(true))
            } else if option && held.is_some() {
                Some(false)
            } else {
                None
            };
            if let Some(with_grant_option) = keep {
                set.insert(Grant {
                    grantee: g.clone(),
                    privilege: p.clone(),
                    with_grant_option,
                });
            }
        }
    }
}

pub(super) fn acl_kind(t: ObjectType) -> Option<AclKind> {
    Some(match t {
        ObjectType::ObjectTable => AclKind::Table,
        ObjectType::ObjectSequence => AclKind::Sequence,
        ObjectType::ObjectFunction | ObjectType::ObjectProcedure | ObjectType::ObjectRoutine => {
            AclKind::Function
        }
        ObjectType::ObjectSchema => AclKind::Schema,
        ObjectType::ObjectType | ObjectType::ObjectDomain => AclKind::Type,
        _ => return None,
    })
}

impl Interp {
    pub(super) fn common_mut(
        &mut self,
        objtype: ObjectType,
        object: Option<&Node>,
        relation: Option<&protobuf::RangeVar>,
    ) -> R<Option<&mut Common>> {
        let names = object.map(obj_names).unwrap_or_default();
        match objtype {
            ObjectType::ObjectSchema => {
                let n = names.first().cloned().unwrap_or_default();
                match self.db.schemas.get_mut(&n) {
                    Some(s) => Ok(Some(&mut s.common)),
                    None => fail(format!("schema \"{n}\" does not exist"), Loc::Statement),
                }
            }
            ObjectType::ObjectTable
            | ObjectType::ObjectView
            | ObjectType::ObjectMatview
            | ObjectType::ObjectSequence => {
                let (s, n) = match relation {
                    Some(rv) => (rv.schemaname.clone(), rv.relname.clone()),
                    None => self.name_from_list(&names, Loc::Statement)?,
                };
                match self.find_rel(&s, &n) {
                    Some(Rel::Table(q)) => Ok(self.db.tables.get_mut(&q).map(|t| &mut t.common)),
                    Some(Rel::View(q)) => Ok(self.db.views.get_mut(&q).map(|t| &mut t.common)),
                    Some(Rel::Sequence(q)) => {
                        Ok(self.db.sequences.get_mut(&q).map(|t| &mut t.common))
                    }
                    _ => fail(format!("relation \"{n}\" does not exist"), Loc::Statement),
                }
            }
            ObjectType::ObjectType | ObjectType::ObjectDomain => {
                let q = self.type_q(&names, Loc::Statement)?;
                Ok(self.db.types.get_mut(&q).map(|t| &mut t.common))
            }
            // aggregates are not modelled (listed as unsupported): their owner, grants and comment neither
            ObjectType::ObjectAggregate => Ok(None),
            ObjectType::ObjectFunction
            | ObjectType::ObjectProcedure
            | ObjectType::ObjectRoutine => {
                let Some(Node {
                    node: Some(N::ObjectWithArgs(owa)),
                }) = object
                else {
                    return Ok(None);
                };
                let args = if owa.args_unspecified {
                    None
                } else {
                    Some(owa.objargs.as_slice())
                };
                let id = self.function_by_names(&strs(&owa.objname), args, Loc::Statement)?;
                Ok(self.db.functions.get_mut(&id).map(|f| &mut f.common))
            }
            ObjectType::ObjectCollation => {
                let (s, n) = self.name_from_list(&names, Loc::Statement)?;
                let q = self.lookup(&s, &n, |q| {
                    self.db.collations.contains_key(q).then(|| q.clone())
                });
                Ok(q.and_then(|q| self.db.collations.get_mut(&q))
                    .map(|c| &mut c.common))
            }
            ObjectType::ObjectEventTrigger => {
                let n = names.join(".");
                match self.db.event_triggers.get_mut(&n) {
                    Some(e) => Ok(Some(&mut e.common)),
                    None => fail(
                        format!("event trigger \"{n}\" does not exist"),
                        Loc::Statement,
                    ),
                }
            }
            _ => Ok(None),
        }
    }

    pub(super) fn alter_owner(&mut self, s: &protobuf::AlterOwnerStmt) -> R<()> {
        let owner = s.newowner.as_ref().map(role_spec);
        let current = self.current_role.clone();
        match self.common_mut(s.object_type(), s.object.as_deref(), s.relation.as_ref())? {
            Some(c) => set_owner(c, owner, &current),
            None => self.warn(format!(
                "OWNER TO on {}: not modelled",
                s.object_type().as_str_name()
            )),
        }
        Ok(())
    }

    pub(super) fn comment(&mut self, s: &protobuf::CommentStmt) -> R<()> {
        let text = if s.comment.is_empty() {
            None
        } else {
            Some(s.comment.clone())
        };
        let obj = s.object.as_deref();
        let names = obj.map(obj_names).unwrap_or_default();
        match s.objtype() {
            ObjectType::ObjectColumn => {
                let (rel, col) = match names.as_slice() {
                    [t, c] => (("".to_string(), t.clone()), c.clone()),
                    [sc, t, c] => ((sc.clone(), t.clone()), c.clone()),
                    _ => return fail("column name must be qualified", Loc::Statement),
                };
                match self.find_rel(&rel.0, &rel.1) {
                    Some(Rel::Table(q)) => {
                        let Some(c) = self
                            .db
                            .tables
                            .get_mut(&q)
                            .and_then(|t| t.columns.iter_mut().find(|c| c.name == col))
                        else {
                            return fail(
                                format!(
                                    "column \"{col}\" of relation \"{}\" does not exist",
                                    q.name
                                ),
                                Loc::Statement,
                            );
                        };
                        c.comment = text;
                    }
                    Some(Rel::View(q)) => {
                        if let Some(c) = self
                            .db
                            .views
                            .get_mut(&q)
                            .and_then(|v| v.columns.iter_mut().find(|c| c.name == col))
                        {
                            c.comment = text;
                        }
                    }
                    _ => {
                        return fail(
                            format!("relation \"{}\" does not exist", rel.1),
                            Loc::Statement,
                        )
                    }
                }
            }
            ObjectType::ObjectIndex => {
                let (sc, n) = self.name_from_list(&names, Loc::Statement)?;
                match self.find_rel(&sc, &n) {
                    Some(Rel::Index(q, owner)) => {
                        if let Some(i) = self
                            .db
                            .tables
                            .get_mut(&owner)
                            .and_then(|t| t.indexes.get_mut(&q.name))
                        {
                            i.comment = text;
                        } else if let Some(i) = self
                            .db
                            .views
                            .get_mut(&owner)
                            .and_then(|v| v.indexes.get_mut(&q.name))
                        {
                            i.comment = text;
                        }
                    }
                    _ => return fail(format!("relation \"{n}\" does not exist"), Loc::Statement),
                }
            }
            ObjectType::ObjectTabconstraint
            | ObjectType::ObjectTrigger
            | ObjectType::ObjectPolicy => {
                let (rel, n) = match names.as_slice() {
                    [t, n] => (("".to_string(), t.clone()), n.clone()),
                    [sc, t, n] => ((sc.clone(), t.clone()), n.clone()),
                    _ => return fail("name must be qualified", Loc::Statement),
                };
                let q = match self.find_rel(&rel.0, &rel.1) {
                    Some(Rel::Table(q)) | Some(Rel::View(q)) => q,
                    _ => {
                        return fail(
                            format!("relation \"{}\" does not exist", rel.1),
                            Loc::Statement,
                        )
                    }
                };
                let slot = match s.objtype() {
                    ObjectType::ObjectTabconstraint => self
                        .db
                        .tables
                        .get_mut(&q)
                        .and_then(|t| t.constraints.get_mut(&n))
                        .map(|c| &mut c.comment),
                    ObjectType::ObjectTrigger => match self.db.tables.get_mut(&q) {
                        Some(t) => t.triggers.get_mut(&n).map(|c| &mut c.comment),
                        None => self
                            .db
                            .views
                            .get_mut(&q)
                            .and_then(|v| v.triggers.get_mut(&n))
                            .map(|c| &mut c.comment),
                    },
                    _ => self
                        .db
                        .tables
                        .get_mut(&q)
                        .and_then(|t| t.policies.get_mut(&n))
                        .map(|c| &mut c.comment),
                };
                match slot {
                    Some(c) => *c = text,
                    None => {
                        return fail(
                            format!("\"{n}\" for relation \"{}\" does not exist", q.name),
                            Loc::Statement,
                        )
                    }
                }
            }
            ObjectType::ObjectExtension => {
                let n = names.join(".");
                match self.db.extensions.get_mut(&n) {
                    Some(e) => e.comment = text,
                    // always installed, not modelled (see create_extension)
                    None if n == "plpgsql" => {}
                    None => {
                        return fail(format!("extension \"{n}\" does not exist"), Loc::Statement)
                    }
                }
            }
            ObjectType::ObjectDomconstraint => {
                self.warn("COMMENT ON CONSTRAINT ... ON DOMAIN is not modelled");
            }
            other => match self.common_mut(other, obj, None)? {
                Some(c) => c.comment = text,
                None => self.warn(format!("COMMENT ON {}: not modelled", other.as_str_name())),
            },
        }
        Ok(())
    }

    pub(super) fn grant(&mut self, s: &protobuf::GrantStmt) -> R<()> {
        if s.targtype() != protobuf::GrantTargetType::AclTargetObject {
            self.warn("GRANT ... ON ALL ... IN SCHEMA: applied to the objects that exist now is not modelled");
            return Ok(());
        }
        let all = match acl_kind(s.objtype()) {
            Some(kind) => kind.all_privileges(),
            None => {
                self.warn(format!(
                    "GRANT on {}: not modelled",
                    s.objtype().as_str_name()
                ));
                return Ok(());
            }
        };
        let grantees: Vec<String> = s
            .grantees
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
        let mut privs: Vec<(String, Vec<String>)> = Vec::new();
        if s.privileges.is_empty() {
            privs.extend(all.iter().map(|p| (p.to_string(), vec![])));
        } else {
            for p in &s.privileges {
                if let Some(N::AccessPriv(ap)) = &p.node {
                    if ap.priv_name.is_empty() {
                        privs.extend(all.iter().map(|p| (p.to_string(), strs(&ap.cols))));
                    } else {
                        privs.push((ap.priv_name.to_uppercase(), strs(&ap.cols)));
                    }
                }
            }
        }
        for o in &s.objects {
            let (objtype, obj, rel) = match (&o.node, s.objtype()) {
                (Some(N::RangeVar(rv)), t) => (t, None, Some(rv.clone())),
                (_, t) => (t, Some(o), None),
            };
            // Column privileges.
            if let Some(rv) = &rel {
                if privs.iter().any(|(_, c)| !c.is_empty()) {
                    let q = self.table_or_view(rv)?;
                    if let Some(t) = self.db.tables.get_mut(&q) {
                        for (p, cols) in &privs {
                            for cn in cols {
                                let Some(c) = t.columns.iter_mut().find(|c| &c.name == cn) else {
                                    return fail(
                                        format!(
                                            "column \"{cn}\" of relation \"{}\" does not exist",
                                            q.name
                                        ),
                                        Loc::Statement,
                                    );
                                };
                                for g in &grantees {
                                    let gr = Grant {
                                        grantee: g.clone(),
                                        privilege: p.clone(),
                                        with_grant_option: s.grant_option,
                                    };
                                    if s.is_grant {
                                        c.grants.insert(gr);
                                    } else {
                                        c.grants
                                            .retain(|x| !(x.grantee == *g && x.privilege == *p));
                                    }
                                }
                            }
                        }
                    }
                    continue;
                }
            }
            let objtype = if rel.is_some() && objtype == ObjectType::ObjectTable {
                match self.find_rel(
                    &rel.as_ref()
                        .map(|r| r.schemaname.clone())
                        .unwrap_or_default(),
                    &rel.as_ref().map(|r| r.relname.clone()).unwrap_or_default(),
                ) {
                    Some(Rel::Sequence(_)) => ObjectType::ObjectSequence,
                    _ => objtype,
                }
            } else {
                objtype
            };
            let current = self.current_role.clone();
            let Some(common) = self.common_mut(objtype, obj, rel.as_ref())? else {
                continue;
            };
            let owner = common.owner.clone().unwrap_or(current);
            let set = common.grants.get_or_insert_with(|| {
                acl_kind(objtype).map_or_else(BTreeSet::new, |k| k.default_grants(&owner))
            });
            let names: Vec<String> = privs.iter().map(|(p, _)| p.clone()).collect();
            edit_acl(set, &names, &grantees, s.is_grant, s.grant_option);
        }
        Ok(())
    }

    /// `ALTER DEFAULT PRIVILEGES`, as PostgreSQL keeps it: per role and schema (or none), an entry that
    /// starts from the built-in default (no schema) or from nothing (a schema), and is removed when it is
    /// back there.
    pub(super) fn alter_default_privileges(
        &mut self,
        s: &protobuf::AlterDefaultPrivilegesStmt,
    ) -> R<()> {
        let mut roles = vec![];
        let mut schemas = vec![];
        for d in def_elems(&s.options) {
            let items = match d.arg.as_deref().and_then(|a| a.node.as_ref()) {
                Some(N::List(l)) => l.items.clone(),
                _ => vec![],
            };
            match d.defname.as_str() {
                "roles" => roles = items.iter().filter_map(role_name).collect(),
                "schemas" => schemas = items.iter().filter_map(str_of).map(Some).collect(),
                _ => {}
            }
        }
        let assumed = roles.is_empty() && !self.role_stated;
        if roles.is_empty() {
            roles.push(self.current_role.clone());
        }
        if schemas.is_empty() {
            schemas.push(None);
        }
        let Some(a) = &s.action else {
            return Ok(());
        };
        let Some(on) = acl_kind(a.objtype()) else {
            self.warn(format!(
                "ALTER DEFAULT PRIVILEGES on {}: not modelled",
                a.objtype().as_str_name()
            ));
            return Ok(());
        };
        if on == AclKind::Schema && schemas.iter().any(Option::is_some) {
            return fail(
                "cannot use IN SCHEMA clause when using GRANT/REVOKE ON SCHEMAS",
                Loc::Statement,
            );
        }
        let mut privs: Vec<String> = Vec::new();
        for p in &a.privileges {
            if let Some(N::AccessPriv(ap)) = &p.node {
                if ap.priv_name.is_empty() {
                    privs.extend(on.all_privileges().iter().map(|p| p.to_string()));
                } else {
                    privs.push(ap.priv_name.to_uppercase());
                }
            }
        }
        if a.privileges.is_empty() {
            privs.extend(on.all_privileges().iter().map(|p| p.to_string()));
        }
        let grantees: Vec<String> = a
            .grantees
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
        if a.is_grant && a.grant_option && grantees.iter().any(|g| g == "PUBLIC") {
            return fail("grant options can only be granted to roles", Loc::Statement);
        }
        for role in &roles {
            for schema in &schemas {
                let key = DefaultPrivileges::key(role, schema.as_deref(), on);
                let initial = DefaultPrivileges::initial(role, schema.as_deref(), on);
                let mut set = self
                    .db
                    .default_privileges
                    .remove(&key)
                    .map_or_else(|| initial.clone(), |e| e.grants);
                edit_acl(&mut set, &privs, &grantees, a.is_grant, a.grant_option);
                if set != initial {
                    self.db.default_privileges.insert(
                        key,
                        DefaultPrivileges {
                            role: role.clone(),
                            schema: schema.clone(),
                            on,
                            grants: set,
                            role_assumed: assumed,
                        },
                    );
                }
            }
        }
        Ok(())
    }

    /// The privileges a new object of kind `on` in `schema` gets when `owner` creates it, as
    /// `ALTER DEFAULT PRIVILEGES` set them (`None`: the built-in default).
    pub(super) fn default_acl(
        &self,
        on: AclKind,
        schema: Option<&str>,
        owner: Option<&str>,
    ) -> Option<BTreeSet<Grant>> {
        if self.db.default_privileges.is_empty() {
            return None;
        }
        let owner = owner.unwrap_or(&self.current_role);
        let entry = |s: Option<&str>| {
            self.db
                .default_privileges
                .get(&DefaultPrivileges::key(owner, s, on))
        };
        let global = entry(None);
        let local = schema
            .filter(|_| on != AclKind::Schema)
            .and_then(|s| entry(Some(s)));
        if global.is_none() && local.is_none() {
            return None;
        }
        let builtin = on.default_grants(owner);
        let mut set = global.map_or_else(|| builtin.clone(), |e| e.grants.clone());
        for g in local.into_iter().flat_map(|e| &e.grants) {
            // merged as PostgreSQL merges ACLs: a grant option on either side stays
            let had_option = set.iter().any(|x| {
                x.grantee == g.grantee && x.privilege == g.privilege && x.with_grant_option
            });
            set.retain(|x| !(x.grantee == g.grantee && x.privilege == g.privilege));
            set.insert(Grant {
                with_grant_option: g.with_grant_option || had_option,
                ..g.clone()
            });
        }
        (set != builtin).then_some(set)
    }
}

/// Change an owner; an explicit ACL's entries for the old owner move to the new one, as PostgreSQL does.
pub(super) fn set_owner(c: &mut Common, new: Option<String>, current_role: &str) {
    let old = c.owner.clone().unwrap_or_else(|| current_role.to_string());
    if let (Some(grants), Some(n)) = (&mut c.grants, &new) {
        *grants = std::mem::take(grants)
            .into_iter()
            .map(|g| {
                if g.grantee == old {
                    Grant {
                        grantee: n.clone(),
                        ..g
                    }
                } else {
                    g
                }
            })
            .collect();
    }
    c.owner = new;
}
