//! Writing DDL: the deltas of a [`ChangeSet`] to unordered operations (SQL statements, hazards, priority
//! class, stage), with the objects that must be dropped and created again because something they depend on
//! goes away.
//!
//! The writer's state is `crate::differ::Differ` (the operations so far, the keys that go away, the objects
//! rebuilt). Each family here reads
//! its deltas in the change set's order and never compares an attribute again: what changed is what the
//! delta says. This module holds the helpers every family uses; each family has its own module.

use plumb_model::quote_ident;

use crate::compare::{AttrDelta, ChangeSet, Delta, ObjDelta};
use crate::differ::{class, comment_sql, ordered_grant_sql, Differ, Stage};
use crate::keys::Key;
use crate::{Attribute, ObjectKind};

mod columns;
mod constraints;
mod default_privileges;
mod event_triggers;
mod functions;
mod indexes;
mod policies;
mod schemas;
mod sequences;
mod tables;
mod triggers;
mod types;
mod views;

/// Where the SQL of an object's comment, owner and grants points (`SCHEMA s`, `FUNCTION f(integer)`).
pub(crate) struct Targets<'t> {
    pub comment: &'t str,
    pub owner: &'t str,
    /// `None` for objects without grants.
    pub grant: Option<&'t str>,
}

impl<'t> Targets<'t> {
    /// Comment and owner on `target`, grants (if any) on `grant`.
    pub(crate) fn new(target: &'t str, grant: Option<&'t str>) -> Targets<'t> {
        Targets {
            comment: target,
            owner: target,
            grant,
        }
    }
}

impl<'a> Differ<'a> {
    /// The operations of the comment, owner and grant attributes among `attrs` (others are the caller's),
    /// each its own operation.
    pub(crate) fn write_common(
        &mut self,
        key: &Key,
        kind: ObjectKind,
        object: &str,
        targets: &Targets<'_>,
        attrs: &[AttrDelta],
        stage: Option<Stage>,
    ) {
        for a in attrs {
            let sql = match (a.attr, &a.grants, targets.grant) {
                (Attribute::Comment, _, _) => vec![comment_sql(targets.comment, a.to.as_deref())],
                (Attribute::Owner, _, _) => match &a.to {
                    Some(b) => vec![format!(
                        "ALTER {} OWNER TO {};",
                        targets.owner,
                        quote_ident(b)
                    )],
                    None => continue,
                },
                (Attribute::Grants | Attribute::GrantOrder, Some(g), Some(target)) => {
                    ordered_grant_sql(
                        target,
                        (&g.from, &g.from_order),
                        (&g.to, &g.to_order),
                        &g.base,
                    )
                }
                _ => continue,
            };
            self.alter_op(key.clone(), kind, object, sql, class::MISC, stage);
        }
    }
}

/// The deltas of one family, in the change set's order.
pub(crate) fn family<'c, 'a, T: 'a>(
    cs: &'c ChangeSet<'a>,
    pick: impl Fn(&'c Delta<'a>) -> Option<&'c ObjDelta<'a, T>> + 'c,
) -> impl Iterator<Item = (&'c Delta<'a>, &'c ObjDelta<'a, T>)> + 'c {
    cs.deltas
        .iter()
        .filter_map(move |d| pick(d).map(|o| (d, o)))
}
