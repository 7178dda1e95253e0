//! Columns of a table that stays: dropped, added, dropped and added again (a generated column whose
//! expression changes), altered (identity, generated, default, type, NOT NULL, storage, comment, grants),
//! and the storage and NOT NULL of the columns a table only inherits (a partition's, or inherited on both
//! sides).

use std::collections::BTreeSet;

use plumb_model::{quote_ident, Column, Database, Table};

use super::{AttrDelta, Comparer, Delta, Obj, ObjDelta};
use crate::differ::{
    column_attr_sql, column_grant_sql, identity_text, local_columns, seq_option_clauses,
    type_with_collation,
};
use crate::same::Sql;
use crate::{Attribute, ObjectKind};

/// How a column's delta is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColumnHow {
    /// A local column dropped, added or altered; `default_same`: its default (none for an identity or
    /// generated column) means the same on both sides.
    Own { default_same: bool },
    /// A column the table only inherits (a partition's, or inherited on both sides): its storage,
    /// compression, statistics target, options and (a partition's own) NOT NULL. Also an alter without
    /// attributes: a type change of its parent resets what it had.
    Inherited,
    /// A generated column whose expression changes: dropped here (an alter of [`Attribute::Generated`]).
    Regenerated,
    /// A regenerated column added again, with nothing shown.
    AddedAgain,
}

/// The column of `table` as the change list names it.
fn column_object(table: &Table, column: &str) -> String {
    format!("{}.{}", table.name, quote_ident(column))
}

/// What a column has after `ALTER COLUMN ... TYPE` (`retyped`: the type's default storage and compression)
/// or without one: what `column_attr_sql` turns into `tc`.
pub(crate) fn column_now(fc: &Column, tc: &Column, retyped: bool) -> Column {
    Column {
        name: fc.name.clone(),
        type_name: tc.type_name.clone(),
        storage: if retyped { None } else { fc.storage },
        compression: if retyped {
            None
        } else {
            fc.compression.clone()
        },
        statistics: fc.statistics,
        options: fc.options.clone(),
        ..Column::default()
    }
}

impl Comparer<'_> {
    /// The columns of table `t` that differ from `f`'s, in the order they are written: the inherited ones, the local
    /// ones dropped (or regenerated) in `f`'s order, then those added or altered in `t`'s. Also the names of
    /// the regenerated columns (what is on them is dropped and created again).
    pub(crate) fn columns<'t>(
        &mut self,
        f: &'t Table,
        t: &'t Table,
    ) -> (Vec<Delta<'t>>, BTreeSet<String>) {
        let mut out = Vec::new();
        let mut regenerated = BTreeSet::new();
        let delta = |c: &Column, delta, how| Delta {
            kind: ObjectKind::Column,
            object: column_object(t, &c.name),
            obj: Obj::Column {
                table: t,
                delta,
                how,
            },
        };
        self.inherited_columns(f, t, &mut out);
        if f.partition_of.is_some() && t.partition_of.is_some() {
            return (out, regenerated);
        }
        let fcols = local_columns(f, f.partition_of.is_some());
        let tcols = local_columns(t, t.partition_of.is_some());
        for &fc in &fcols {
            // a column that stays, only inherited now, cannot be made non-local by ALTER: leave it
            if t.column(&fc.name).is_some_and(|c| !c.is_local)
                && !tcols.iter().any(|c| c.name == fc.name)
            {
                continue;
            }
            let tc = tcols.iter().find(|c| c.name == fc.name).copied();
            let cobj = column_object(t, &fc.name);
            let regenerate = tc.is_some_and(|tc| tc.generated.is_some())
                && (tc.is_some_and(|tc| tc.generated_virtual != fc.generated_virtual)
                    || !self.same_sql_opt(
                        Sql::Expr,
                        ObjectKind::Column,
                        &cobj,
                        fc.generated.as_deref(),
                        tc.and_then(|c| c.generated.as_deref()),
                    ));
            match tc {
                None => out.push(delta(
                    fc,
                    ObjDelta::Drop(fc),
                    ColumnHow::Own { default_same: true },
                )),
                Some(tc) if regenerate => {
                    regenerated.insert(fc.name.clone());
                    let attrs = vec![AttrDelta::new(
                        Attribute::Generated,
                        fc.generated.clone(),
                        tc.generated.clone(),
                    )];
                    let alter = ObjDelta::Alter {
                        from: fc,
                        to: tc,
                        attrs,
                    };
                    out.push(delta(tc, alter, ColumnHow::Regenerated));
                }
                Some(_) => {}
            }
        }
        for &tc in &tcols {
            let fc = fcols.iter().find(|c| c.name == tc.name).copied();
            if fc.is_none()
                && f.column(&tc.name).is_some()
                && !self.parent_drops_column(f, &tc.name)
            {
                continue; // inherited in `from` and staying: it cannot be made local by ALTER
            }
            match fc {
                Some(fc) if !regenerated.contains(&tc.name) => {
                    let (attrs, default_same) = self.column_attrs(t, fc, tc);
                    if !attrs.is_empty() {
                        let alter = ObjDelta::Alter {
                            from: fc,
                            to: tc,
                            attrs,
                        };
                        out.push(delta(tc, alter, ColumnHow::Own { default_same }));
                    }
                }
                Some(_) => out.push(delta(tc, ObjDelta::Create(tc), ColumnHow::AddedAgain)),
                None => out.push(delta(
                    tc,
                    ObjDelta::Create(tc),
                    ColumnHow::Own { default_same: true },
                )),
            }
        }
        (out, regenerated)
    }

    /// True when a parent `f` inherits `column` from loses that column in `to`.
    fn parent_drops_column(&self, f: &Table, column: &str) -> bool {
        f.inherits
            .iter()
            .chain(f.partition_of.as_ref().map(|p| &p.parent))
            .any(|p| {
                self.from
                    .tables
                    .get(p)
                    .is_some_and(|pt| pt.column(column).is_some())
                    && self
                        .to
                        .tables
                        .get(p)
                        .is_none_or(|pt| pt.column(column).is_none())
            })
    }

    /// The attributes of a local column on both sides that differ, in the order the change list shows them,
    /// and whether its default means the same.
    fn column_attrs(&mut self, t: &Table, fc: &Column, tc: &Column) -> (Vec<AttrDelta>, bool) {
        let cobj = column_object(t, &tc.name);
        let mut attrs = Vec::new();
        let type_changes = fc.type_name != tc.type_name || fc.collation != tc.collation;
        if fc.identity.is_some() && tc.identity.is_none() {
            attrs.push(AttrDelta::new(
                Attribute::Identity,
                Some(identity_text(fc)),
                None,
            ));
        }
        if fc.generated.is_some() && tc.generated.is_none() {
            attrs.push(AttrDelta::new(
                Attribute::Generated,
                fc.generated.clone(),
                None,
            ));
        }
        let default_changes = fc.identity.is_none() == tc.identity.is_none()
            && !self.same_sql_opt(
                Sql::Expr,
                ObjectKind::Column,
                &cobj,
                fc.default.as_deref(),
                tc.default.as_deref(),
            );
        let (fdefault, tdefault) = (plain_default(fc), plain_default(tc));
        let default_same = self.same_sql_opt(
            Sql::Expr,
            ObjectKind::Column,
            &cobj,
            fdefault.map(String::as_str),
            tdefault.map(String::as_str),
        );
        if !default_same || default_changes {
            attrs.push(AttrDelta::new(
                Attribute::Default,
                fdefault.cloned(),
                tdefault.cloned(),
            ));
        }
        if type_changes {
            attrs.push(AttrDelta::new(
                Attribute::Type,
                Some(type_with_collation(fc)),
                Some(type_with_collation(tc)),
            ));
        }
        if fc.not_null != tc.not_null {
            attrs.push(AttrDelta::new(
                Attribute::NotNull,
                Some(fc.not_null.to_string()),
                Some(tc.not_null.to_string()),
            ));
        } else if let (true, Some(a), Some(b)) = (
            tc.not_null,
            fc.not_null_constraint.as_deref(),
            tc.not_null_constraint.as_deref(),
        ) {
            // PostgreSQL 18: the same NOT NULL, its constraint renamed, validated or (not) inherited
            if a.name != b.name {
                attrs.push(AttrDelta::new(
                    Attribute::NotNullConstraint,
                    Some(a.name.clone()),
                    Some(b.name.clone()),
                ));
            }
            if a.no_inherit != b.no_inherit {
                attrs.push(AttrDelta::new(
                    Attribute::NotNullNoInherit,
                    Some(a.no_inherit.to_string()),
                    Some(b.no_inherit.to_string()),
                ));
            }
            if a.not_valid != b.not_valid {
                attrs.push(AttrDelta::new(
                    Attribute::NotNullValidated,
                    Some((!a.not_valid).to_string()),
                    Some((!b.not_valid).to_string()),
                ));
            }
        }
        match (&fc.identity, &tc.identity) {
            (None, Some(_)) => attrs.push(AttrDelta::new(
                Attribute::Identity,
                None,
                Some(identity_text(tc)),
            )),
            (Some(a), Some(b)) => {
                if a.always != b.always {
                    attrs.push(AttrDelta::new(
                        Attribute::Identity,
                        Some(identity_text(fc)),
                        Some(identity_text(tc)),
                    ));
                }
                let mut ao = a.options.clone();
                ao.data_type = b.options.data_type.clone();
                if ao != b.options && a.options.data_type == b.options.data_type {
                    let opts = seq_option_clauses(&b.options, Some(&a.options), false);
                    if !opts.is_empty() {
                        attrs.push(AttrDelta::new(
                            Attribute::IdentityOptions,
                            None,
                            Some(opts.join(" ")),
                        ));
                    }
                }
            }
            _ => {}
        }
        attrs.extend(self.storage_attrs(t, fc, tc, type_changes));
        attrs.extend(AttrDelta::comment(&fc.comment, &tc.comment));
        if !self.opts.ignore_privileges
            && fc.grants != tc.grants
            && !column_grant_sql(&t.name, &tc.name, &fc.grants, &tc.grants).is_empty()
        {
            attrs.push(AttrDelta::new(Attribute::Grants, None, None));
        }
        (attrs, default_same)
    }

    /// Storage, compression, statistics target and options of a column on both sides that differ, when
    /// `ALTER TABLE ONLY` has anything to set (`retyped`: its type changes first, which gives it the new
    /// type's default storage and compression).
    fn storage_attrs(&self, t: &Table, fc: &Column, tc: &Column, retyped: bool) -> Vec<AttrDelta> {
        let now = column_now(fc, tc, retyped);
        if column_attr_sql(&t.name, &now, tc, self.to).is_empty() {
            return Vec::new();
        }
        let or_default = |v: Option<String>| Some(v.unwrap_or_else(|| "default".into()));
        [
            (
                Attribute::Storage,
                fc.storage.map(|s| s.keyword().to_string()),
                tc.storage.map(|s| s.keyword().to_string()),
            ),
            (
                Attribute::Compression,
                fc.compression.clone(),
                tc.compression.clone(),
            ),
            (
                Attribute::Statistics,
                fc.statistics.map(|n| n.to_string()),
                tc.statistics.map(|n| n.to_string()),
            ),
            (
                Attribute::Options,
                Some(fc.options.join(", ")).filter(|o| !o.is_empty()),
                Some(tc.options.join(", ")).filter(|o| !o.is_empty()),
            ),
        ]
        .into_iter()
        .filter(|(_, a, b)| a != b)
        .map(|(attr, a, b)| AttrDelta::new(attr, or_default(a), or_default(b)))
        .collect()
    }

    /// The columns a table has on both sides that [`Self::columns`] does not compare one by one: a
    /// partition's, and those only inherited on both sides (see [`ColumnHow::Inherited`]).
    fn inherited_columns<'t>(&self, f: &'t Table, t: &'t Table, out: &mut Vec<Delta<'t>>) {
        let both_partitions = f.partition_of.is_some() && t.partition_of.is_some();
        for tc in &t.columns {
            let Some(fc) = f.column(&tc.name) else {
                continue;
            };
            if !both_partitions && (tc.is_local || fc.is_local) {
                continue;
            }
            let retyped = fc.type_name != tc.type_name;
            let writes =
                !column_attr_sql(&t.name, &column_now(fc, tc, retyped), tc, self.to).is_empty();
            let mut attrs = self.storage_attrs(t, fc, tc, retyped);
            if both_partitions {
                if let Some(had) = partition_not_null(self.from, self.to, f, t, fc, tc) {
                    attrs.push(AttrDelta::new(
                        Attribute::NotNull,
                        Some(had.to_string()),
                        Some(tc.not_null.to_string()),
                    ));
                }
            }
            if writes || !attrs.is_empty() {
                out.push(Delta {
                    kind: ObjectKind::Column,
                    object: column_object(t, &tc.name),
                    obj: Obj::Column {
                        table: t,
                        delta: ObjDelta::Alter {
                            from: fc,
                            to: tc,
                            attrs,
                        },
                        how: ColumnHow::Inherited,
                    },
                });
            }
        }
    }
}

/// A column's default, unless it is an identity or generated column.
fn plain_default(c: &Column) -> Option<&String> {
    if c.identity.is_none() && c.generated.is_none() {
        c.default.as_ref()
    } else {
        None
    }
}

/// The NOT NULL of a column of a partition (on both sides) when it is the partition's own (the parent's
/// column is nullable in "to") and differs from what the partition has once its parent's changes ran: a
/// parent's DROP NOT NULL reaches its partitions. `Some(had)`: the partition's NOT NULL changes from
/// `had`. A NOT NULL the parent has in "to" is the parent's to set.
fn partition_not_null(
    from: &Database,
    to: &Database,
    f: &Table,
    t: &Table,
    fc: &Column,
    tc: &Column,
) -> Option<bool> {
    let parent_nn = |db: &Database, tb: &Table| {
        tb.partition_of
            .as_ref()
            .and_then(|p| db.tables.get(&p.parent))
            .and_then(|p| p.column(&tc.name))
            .is_some_and(|c| c.not_null)
    };
    if parent_nn(to, t) {
        return None;
    }
    let dropped_by_parent = parent_nn(from, f);
    let had = fc.not_null && !dropped_by_parent;
    (had != tc.not_null).then_some(fc.not_null)
}
