//! Grants: the statements that turn one ACL into another, and what both sides' default privileges
//! (`ALTER DEFAULT PRIVILEGES`, the privileges of schema `public`) are compared as.

use super::*;

pub(crate) fn grantee(g: &str) -> String {
    if g == "PUBLIC" {
        "PUBLIC".to_string()
    } else {
        quote_ident(g)
    }
}

/// Privilege keywords are written as they are, so only accept keywords.
pub(super) fn privilege_ok(p: &str) -> bool {
    !p.is_empty() && p.chars().all(|c| c.is_ascii_uppercase() || c == ' ')
}

/// GRANT/REVOKE statements that turn privilege set `from` into `to` on `target` (`TABLE public.t`).
pub(crate) fn grant_sql(target: &str, from: &BTreeSet<Grant>, to: &BTreeSet<Grant>) -> Vec<String> {
    let (mut out, grants) = grant_steps(target, from, to);
    out.extend(grants.into_iter().map(|(_, s)| s));
    out
}

/// The REVOKEs, and the GRANTs with their grantee, that turn `from` into `to` on `target`.
fn grant_steps<'g>(
    target: &str,
    from: &BTreeSet<Grant>,
    to: &'g BTreeSet<Grant>,
) -> (Vec<String>, Vec<(&'g str, String)>) {
    let key = |g: &Grant| (g.grantee.clone(), g.privilege.clone());
    let fm: BTreeMap<_, bool> = from.iter().map(|g| (key(g), g.with_grant_option)).collect();
    let mut revokes = Vec::new();
    for ((who, p), opt) in &fm {
        if !privilege_ok(p) {
            continue;
        }
        match to.iter().find(|g| &g.grantee == who && &g.privilege == p) {
            None => revokes.push(format!("REVOKE {p} ON {target} FROM {};", grantee(who))),
            Some(g) if *opt && !g.with_grant_option => revokes.push(format!(
                "REVOKE GRANT OPTION FOR {p} ON {target} FROM {};",
                grantee(who)
            )),
            _ => {}
        }
    }
    let mut grants = Vec::new();
    for g in to {
        if !privilege_ok(&g.privilege) {
            continue;
        }
        let had = fm.get(&(g.grantee.clone(), g.privilege.clone()));
        if had.is_none() || (g.with_grant_option && had == Some(&false)) {
            let wgo = if g.with_grant_option {
                " WITH GRANT OPTION"
            } else {
                ""
            };
            grants.push((
                g.grantee.as_str(),
                format!(
                    "GRANT {} ON {target} TO {}{wgo};",
                    g.privilege,
                    grantee(&g.grantee)
                ),
            ));
        }
    }
    (revokes, grants)
}

/// An ACL's privileges by grantee: (privilege, with grant option).
fn by_grantee(set: &BTreeSet<Grant>) -> BTreeMap<&str, BTreeSet<(&str, bool)>> {
    let mut m: BTreeMap<&str, BTreeSet<(&str, bool)>> = BTreeMap::new();
    for g in set {
        m.entry(g.grantee.as_str())
            .or_default()
            .insert((g.privilege.as_str(), g.with_grant_option));
    }
    m
}

/// [`grant_sql`], with the GRANTs in the order of the target's ACL (`to_order`, the grantees in `aclitem[]`
/// order; empty when not known) so that the result's ACL, and `pg_dump`'s GRANT lines, come in the target's
/// order. PostgreSQL appends a grantee new to an ACL at its end and keeps the others in place, and `pg_dump`
/// writes the items that differ from the object's default privileges (`base`) in ACL order: when the
/// grantees kept from `from` (`from_order`) would stand in another order than the target's among those
/// items, those that break the order are moved to the end (`REVOKE ALL` and granted again).
pub(crate) fn ordered_grant_sql(
    target: &str,
    (from, from_order): (&BTreeSet<Grant>, &[String]),
    (to, to_order): (&BTreeSet<Grant>, &[String]),
    base: &BTreeSet<Grant>,
) -> Vec<String> {
    let (mut out, plain) = grant_steps(target, from, to);
    if to_order.is_empty() {
        out.extend(plain.into_iter().map(|(_, s)| s));
        return out;
    }
    let (fm, tm, bm) = (by_grantee(from), by_grantee(to), by_grantee(base));
    // the position of each grantee in the target's ACL (those it does not list after, by name)
    let pos = |g: &str| {
        to_order
            .iter()
            .position(|x| x == g)
            .unwrap_or(to_order.len())
    };
    let visible = |g: &str| tm.get(g).is_some_and(|p| bm.get(g) != Some(p));
    let target_seq: Vec<&str> = to_order
        .iter()
        .map(String::as_str)
        .filter(|g| visible(g))
        .collect();
    // grantees that keep their place in the ACL: in both, visible in the result
    let kept: Vec<&str> = from_order
        .iter()
        .map(String::as_str)
        .filter(|g| fm.contains_key(g) && visible(g))
        .collect();
    let known = fm
        .keys()
        .all(|g| !visible(g) || from_order.iter().any(|x| x == g));
    let mut moved: BTreeSet<&str> = BTreeSet::new();
    if known {
        // the longest prefix of the target's order the kept grantees give without moving; the rest move
        let mut j = 0;
        let mut stay: BTreeSet<&str> = BTreeSet::new();
        for g in &target_seq {
            match kept[j..].iter().position(|k| k == g) {
                Some(off) => {
                    stay.insert(g);
                    j += off + 1;
                }
                None => break,
            }
        }
        moved = kept.iter().copied().filter(|g| !stay.contains(g)).collect();
    }
    // REVOKEs first (removing a grantee keeps the others' places), then every grantee that gets something,
    // in the target's order
    let mut grants: Vec<(usize, &str, String)> = Vec::new();
    for g in &moved {
        out.push(format!("REVOKE ALL ON {target} FROM {};", grantee(g)));
        for (p, opt) in tm.get(g).into_iter().flatten() {
            if privilege_ok(p) {
                let wgo = if *opt { " WITH GRANT OPTION" } else { "" };
                grants.push((
                    pos(g),
                    g,
                    format!("GRANT {p} ON {target} TO {}{wgo};", grantee(g)),
                ));
            }
        }
    }
    for (who, s) in plain {
        if !moved.contains(who) {
            grants.push((pos(who), who, s));
        }
    }
    grants.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    out.extend(grants.into_iter().map(|(_, _, s)| s));
    out
}

/// The default-privilege entries of one side, those declared without a role (`role_assumed`) given the
/// role of the other side's entries when one role alone has entries there (and the assumed role none): the
/// entry's key and the privileges held by the assumed role move to that role.
pub(crate) fn resolve_assumed_roles(
    side: &BTreeMap<String, DefaultPrivileges>,
    other: &BTreeMap<String, DefaultPrivileges>,
) -> BTreeMap<String, DefaultPrivileges> {
    let roles: BTreeSet<&str> = other.values().map(|e| e.role.as_str()).collect();
    let [real] = roles.into_iter().collect::<Vec<_>>()[..] else {
        return side.clone();
    };
    side.values()
        .map(|e| {
            let mut e = e.clone();
            if e.role_assumed && e.role != real {
                let assumed = std::mem::replace(&mut e.role, real.to_string());
                e.grants = e
                    .grants
                    .into_iter()
                    .map(|mut g| {
                        if g.grantee == assumed {
                            g.grantee = real.to_string();
                        }
                        g
                    })
                    .collect();
            }
            (
                DefaultPrivileges::key(&e.role, e.schema.as_deref(), e.on),
                e,
            )
        })
        .collect()
}

/// The `public` schema as declared SQL starts with it (PostgreSQL 15 and later: owned by `pg_database_owner`,
/// which alone may create in it) stands for "untouched": compared with a live server older than 15, whose
/// untouched `public` schema is owned by the bootstrap superuser and open to `CREATE` by everyone, the
/// declared side takes the live side's owner and grants when the live side holds that older default, so an
/// untouched schema is not drift on PostgreSQL 14.
pub(crate) fn public_schema_defaults(
    name: &str,
    from: &Database,
    fc: &Common,
    to: &Database,
    tc: &Common,
) -> (Common, Common) {
    let (mut fc, mut tc) = (fc.clone(), tc.clone());
    if name != "public" {
        return (fc, tc);
    }
    let g = |who: &str, p: &str| Grant {
        grantee: who.to_string(),
        privilege: p.to_string(),
        with_grant_option: false,
    };
    let declared_default = |c: &Common| {
        c.owner.as_deref() == Some("pg_database_owner")
            && c.grants.as_ref().is_some_and(|set| {
                *set == BTreeSet::from([
                    g("PUBLIC", "USAGE"),
                    g("pg_database_owner", "CREATE"),
                    g("pg_database_owner", "USAGE"),
                ])
            })
    };
    let old_live_default = |db: &Database, c: &Common| {
        db.server_version.is_some_and(|v| v < 150000)
            && c.owner.as_ref().is_some_and(|o| {
                c.grants.as_ref().is_none_or(|set| {
                    *set == BTreeSet::from([
                        g("PUBLIC", "CREATE"),
                        g("PUBLIC", "USAGE"),
                        g(o, "CREATE"),
                        g(o, "USAGE"),
                    ])
                })
            })
    };
    if from.server_version.is_none() && declared_default(&fc) && old_live_default(to, &tc) {
        (fc.owner, fc.grants) = (tc.owner.clone(), tc.grants.clone());
    } else if to.server_version.is_none() && declared_default(&tc) && old_live_default(from, &fc) {
        (tc.owner, tc.grants) = (fc.owner.clone(), fc.grants.clone());
    }
    (fc, tc)
}

/// Whether any GRANT or REVOKE is needed to turn one side's privileges into the other's (privileges or their
/// ACL order differ in what `pg_dump` shows): the statements [`ordered_grant_sql`] writes, counted.
pub(crate) fn grants_needed(g: &crate::compare::GrantDelta) -> bool {
    !ordered_grant_sql("", (&g.from, &g.from_order), (&g.to, &g.to_order), &g.base).is_empty()
}

pub(crate) fn column_grant_sql(
    table: &QualName,
    column: &str,
    from: &BTreeSet<Grant>,
    to: &BTreeSet<Grant>,
) -> Vec<String> {
    let col = quote_ident(column);
    grant_sql(&format!("TABLE {table}"), from, to)
        .into_iter()
        .map(|s| {
            // GRANT p ON TABLE t TO r  ->  GRANT p (col) ON TABLE t TO r
            let (verb, rest) = s.split_once(" ON ").unwrap_or((&s, ""));
            format!("{verb} ({col}) ON {rest}")
        })
        .collect()
}
