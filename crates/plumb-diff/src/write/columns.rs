//! Columns of a table that stays: `ADD COLUMN`, `DROP COLUMN`, `ALTER COLUMN` (identity, generated,
//! default, type with its conversion and cost, NOT NULL, storage), comment and grants.

use std::collections::BTreeSet;

use plumb_model::{quote_ident, Column, Table};

use crate::compare::{column_now, AttrDelta, ColumnHow, ObjDelta};
use crate::differ::{
    class, column_attr_sql, column_def, column_grant_sql, comment_sql, hz, is_volatile_default,
    narrowed, no_cast_conversion, not_null_sql, not_valid_not_null_sql, restart_hazard,
    seq_option_clauses, type_change_cost, Differ, Stage,
};
use crate::keys::Key;
use crate::{Action, Attribute, HazardKind, ObjectKind};

impl Differ<'_> {
    pub(crate) fn write_column(&mut self, t: &Table, delta: &ObjDelta<'_, Column>, how: ColumnHow) {
        match (delta, how) {
            (ObjDelta::Drop(c), _) | (ObjDelta::Alter { from: c, .. }, ColumnHow::Regenerated) => {
                self.drop_column(t, c)
            }
            (ObjDelta::Create(c), _) => self.add_column(t, c),
            (ObjDelta::Alter { from, to, attrs }, ColumnHow::Inherited) => {
                self.alter_inherited_column(t, from, to, attrs)
            }
            (ObjDelta::Alter { from, to, attrs }, ColumnHow::Own { default_same }) => {
                self.alter_column(t, from, to, attrs, default_same)
            }
            (ObjDelta::Alter { .. }, ColumnHow::AddedAgain) => {}
        }
    }

    fn drop_column(&mut self, t: &Table, fc: &Column) {
        let name = &t.name;
        let cobj = format!("{name}.{}", quote_ident(&fc.name));
        let sql = vec![format!(
            "ALTER TABLE {name} DROP COLUMN {};",
            quote_ident(&fc.name)
        )];
        let h = vec![hz(
            HazardKind::DataLoss,
            format!("drops column {cobj} and its data"),
        )];
        self.op(
            Key::Column(name.clone(), fc.name.clone()),
            Action::Drop,
            ObjectKind::Column,
            &cobj,
            sql,
            h,
            class::COLUMN,
            Some(Stage::Columns),
        );
        self.seeds
            .insert(Key::Column(name.clone(), fc.name.clone()));
    }

    fn add_column(&mut self, t: &Table, tc: &Column) {
        let name = &t.name;
        let cobj = format!("{name}.{}", quote_ident(&tc.name));
        let mut sql = vec![format!(
            "ALTER TABLE {name} ADD COLUMN {};",
            column_def(name, tc)
        )];
        sql.extend(not_valid_not_null_sql(name, tc));
        let added = Column {
            name: tc.name.clone(),
            type_name: tc.type_name.clone(),
            compression: tc.compression.clone(),
            ..Column::default()
        };
        sql.extend(column_attr_sql(name, &added, tc, self.to));
        if let Some(text) = &tc.comment {
            sql.push(comment_sql(&format!("COLUMN {cobj}"), Some(text)));
        }
        if !self.opts.ignore_privileges {
            sql.extend(column_grant_sql(
                name,
                &tc.name,
                &BTreeSet::new(),
                &tc.grants,
            ));
        }
        let mut h = Vec::new();
        if tc.generated.is_some()
            || tc.identity.is_some()
            || tc.default.as_deref().is_some_and(is_volatile_default)
        {
            h.push(hz(
                HazardKind::TableRewrite,
                "fills every existing row: the table is rewritten under an ACCESS EXCLUSIVE lock",
            ));
        }
        if tc.not_null && tc.default.is_none() && tc.identity.is_none() && tc.generated.is_none() {
            h.push(hz(
                HazardKind::DataLoss,
                "NOT NULL without a default fails if the table has rows",
            ));
        }
        self.op(
            Key::Column(name.clone(), tc.name.clone()),
            Action::Create,
            ObjectKind::Column,
            &cobj,
            sql,
            h,
            class::COLUMN,
            Some(Stage::Columns),
        );
    }

    /// A column the table only inherits: `ALTER TABLE ONLY` to what it has after its parent's changes
    /// (storage and compression reset by a type change), and a partition's own NOT NULL.
    fn alter_inherited_column(&mut self, t: &Table, fc: &Column, tc: &Column, attrs: &[AttrDelta]) {
        let retyped = fc.type_name != tc.type_name;
        let mut sql = column_attr_sql(&t.name, &column_now(fc, tc, retyped), tc, self.to);
        let mut hazards = Vec::new();
        if attrs.iter().any(|a| a.attr == Attribute::NotNull) {
            not_null_sql(&t.name, tc, &mut sql, &mut hazards);
        }
        if !sql.is_empty() {
            self.op(
                Key::Column(t.name.clone(), tc.name.clone()),
                Action::Alter,
                ObjectKind::Column,
                &format!("{}.{}", t.name, quote_ident(&tc.name)),
                sql,
                hazards,
                class::COLUMN,
                Some(Stage::Columns),
            );
        }
    }

    fn alter_column(
        &mut self,
        t: &Table,
        fc: &Column,
        tc: &Column,
        attrs: &[AttrDelta],
        default_same: bool,
    ) {
        let has = |attr: Attribute| attrs.iter().any(|a| a.attr == attr);
        let name = &t.name;
        let col = quote_ident(&tc.name);
        let cobj = format!("{name}.{col}");
        let pre = format!("ALTER TABLE {name} ALTER COLUMN {col}");
        let mut sql = Vec::new();
        let mut hazards = Vec::new();
        let type_changes = has(Attribute::Type);
        if fc.identity.is_some() && tc.identity.is_none() {
            sql.push(format!("{pre} DROP IDENTITY;"));
        }
        if has(Attribute::Generated) {
            sql.push(format!("{pre} DROP EXPRESSION;"));
        }
        let plain = |c: &Column| {
            c.default
                .clone()
                .filter(|_| c.identity.is_none() && c.generated.is_none())
        };
        let (fdefault, tdefault) = (plain(fc), plain(tc));
        // A new default replaces the old one in one SET DEFAULT; it is dropped first only when there is no
        // new one, or when the type changes (the old default might not convert).
        if fdefault.is_some() && ((!default_same && tdefault.is_none()) || type_changes) {
            sql.push(format!("{pre} DROP DEFAULT;"));
        }
        if type_changes {
            // a column of a rebuilt type is converted by `retype`
            let retyped = self.refs_retyped(&fc.type_name);
            let mut s = format!("{pre} TYPE {}", tc.type_name);
            if let Some(c) = &tc.collation {
                s.push_str(&format!(" COLLATE {c}"));
            }
            let given = self
                .opts
                .using
                .iter()
                .find(|u| &u.table == name && u.column == tc.name);
            if let Some(u) = given {
                // the user's conversion, whatever the types
                s.push_str(&format!(" USING {}", u.expr));
                hazards.push(hz(
                    HazardKind::DataLoss,
                    format!(
                        "converts {} to {} with the expression given by --using ({}), run on every row as given",
                        fc.type_name, tc.type_name, u.expr
                    ),
                ));
                hazards.push(hz(
                    HazardKind::TableRewrite,
                    format!(
                        "rewrites the table to convert {} to {}",
                        fc.type_name, tc.type_name
                    ),
                ));
            } else if fc.type_name != tc.type_name {
                if self.is_enum_type(&fc.type_name) || self.is_enum_type(&tc.type_name) {
                    s.push_str(&format!(" USING {col}::text::{}", tc.type_name));
                } else if let Some((using, how)) =
                    no_cast_conversion(&col, &fc.type_name, &tc.type_name)
                {
                    // PostgreSQL has no cast between these types: `USING col::type` would be refused
                    s.push_str(&format!(" USING {using}"));
                    hazards.push(hz(
                        HazardKind::DataLoss,
                        format!(
                            "there is no cast from {} to {}: {how}; edit the USING expression if the values mean something else",
                            fc.type_name, tc.type_name
                        ),
                    ));
                } else {
                    s.push_str(&format!(" USING {col}::{}", tc.type_name));
                }
                let (rewrite, fail) = type_change_cost(&fc.type_name, &tc.type_name);
                if rewrite {
                    hazards.push(hz(
                        HazardKind::TableRewrite,
                        format!(
                            "rewrites the table to convert {} to {}",
                            fc.type_name, tc.type_name
                        ),
                    ));
                }
                if fail {
                    hazards.push(hz(
                        HazardKind::DataLoss,
                        format!(
                            "converting {} to {} can fail or lose information",
                            fc.type_name, tc.type_name
                        ),
                    ));
                }
            }
            if retyped {
                hazards.clear();
            } else {
                sql.push(s + ";");
            }
            self.seeds
                .insert(Key::Column(name.clone(), tc.name.clone()));
        }
        if has(Attribute::NotNull) {
            not_null_sql(name, tc, &mut sql, &mut hazards);
        } else if let (Some(a), Some(b)) = (
            fc.not_null_constraint.as_deref(),
            tc.not_null_constraint.as_deref(),
        ) {
            // PostgreSQL 18: the same NOT NULL, its constraint renamed, validated or (not) inherited
            if has(Attribute::NotNullConstraint) {
                sql.push(format!(
                    "ALTER TABLE {name} RENAME CONSTRAINT {} TO {};",
                    quote_ident(&a.name),
                    quote_ident(&b.name)
                ));
            }
            if has(Attribute::NotNullNoInherit) {
                sql.push(format!(
                    "ALTER TABLE {name} ALTER CONSTRAINT {} {}INHERIT;",
                    quote_ident(&b.name),
                    if b.no_inherit { "NO " } else { "" }
                ));
            }
            if has(Attribute::NotNullValidated) {
                if b.not_valid {
                    sql.push(format!("{pre} DROP NOT NULL;"));
                    sql.extend(not_valid_not_null_sql(name, tc));
                } else {
                    sql.push(format!(
                        "ALTER TABLE {name} VALIDATE CONSTRAINT {};",
                        quote_ident(&b.name)
                    ));
                    hazards.push(hz(
                        HazardKind::LongLock,
                        "VALIDATE scans the whole table, and fails if a row holds NULL",
                    ));
                }
            }
        }
        if let Some(d) = &tdefault {
            if !default_same || type_changes {
                sql.push(format!("{pre} SET DEFAULT {d};"));
            }
        }
        match (&fc.identity, &tc.identity) {
            (None, Some(i)) => {
                if fdefault.is_some() && !sql.iter().any(|s| s.ends_with("DROP DEFAULT;")) {
                    sql.push(format!("{pre} DROP DEFAULT;"));
                }
                let mut s = format!(
                    "{pre} ADD GENERATED {} AS IDENTITY",
                    if i.always { "ALWAYS" } else { "BY DEFAULT" }
                );
                let opts = seq_option_clauses(&i.options, None, false);
                if !opts.is_empty() {
                    s.push_str(&format!(" ({})", opts.join(" ")));
                }
                sql.push(s + ";");
                hazards.push(hz(
                    HazardKind::TableRewrite,
                    "adding an identity fills every existing row",
                ));
            }
            (Some(a), Some(b)) => {
                if has(Attribute::Identity) {
                    sql.push(format!(
                        "{pre} SET GENERATED {};",
                        if b.always { "ALWAYS" } else { "BY DEFAULT" }
                    ));
                }
                if has(Attribute::IdentityOptions) {
                    let opts = seq_option_clauses(&b.options, Some(&a.options), false);
                    let mut set: Vec<String> = opts.iter().map(|o| format!("SET {o}")).collect();
                    // the current value may fall outside the new bounds, which PostgreSQL refuses
                    // ("RESTART value (-200) cannot be less than MINVALUE (-100)")
                    if narrowed(&a.options, &b.options) {
                        set.push(format!("RESTART WITH {}", b.options.start));
                        hazards.push(restart_hazard());
                    }
                    sql.push(format!("{pre} {};", set.join(" ")));
                }
            }
            _ => {}
        }
        sql.extend(column_attr_sql(
            name,
            &column_now(fc, tc, type_changes),
            tc,
            self.to,
        ));
        let key = || Key::Column(name.clone(), tc.name.clone());
        if !sql.is_empty() {
            self.op(
                key(),
                Action::Alter,
                ObjectKind::Column,
                &cobj,
                sql,
                hazards,
                class::COLUMN,
                Some(Stage::Columns),
            );
        }
        // the comment and the grants, each a step of its own
        let comment = has(Attribute::Comment).then(|| {
            vec![comment_sql(
                &format!("COLUMN {cobj}"),
                tc.comment.as_deref(),
            )]
        });
        let grants = has(Attribute::Grants)
            .then(|| column_grant_sql(name, &tc.name, &fc.grants, &tc.grants));
        for sql in comment.into_iter().chain(grants) {
            self.alter_op(
                key(),
                ObjectKind::Column,
                &cobj,
                sql,
                class::MISC,
                Some(Stage::Columns),
            );
        }
    }
}
