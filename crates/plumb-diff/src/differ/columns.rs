//! Columns: add, drop, type changes (with their cost), defaults, NOT NULL, identity, generated, attributes.

use super::*;

/// The conversion plumb writes, and says it writes, between built-in types PostgreSQL has no cast between
/// (`USING col::type` is refused there): integers and date/time types, through Unix epoch seconds. `None`
/// when a cast exists (or the pair is not one of these).
pub(super) fn no_cast_conversion(
    col: &str,
    from: &str,
    to: &str,
) -> Option<(String, &'static str)> {
    const INTEGERS: &[&str] = &["smallint", "integer", "bigint"];
    let base = |t: &str| t.split('(').next().unwrap_or(t).trim().to_string();
    let (f, t) = (base(from), base(to));
    let timestamp = |t: &str| t.starts_with("timestamp");
    let with_tz = |t: &str| t.ends_with("with time zone") && !t.ends_with("without time zone");
    if INTEGERS.contains(&f.as_str()) && (timestamp(&t) || t == "date") {
        let how = "the integers are taken as Unix epoch seconds (to_timestamp), in UTC";
        let e = format!("to_timestamp({col})");
        let using = if t == "date" {
            format!("({e} AT TIME ZONE 'UTC')::date")
        } else if with_tz(&t) {
            format!("{e}::{to}")
        } else {
            format!("({e} AT TIME ZONE 'UTC')::{to}")
        };
        return Some((using, how));
    }
    if (timestamp(&f) || f == "date") && INTEGERS.contains(&t.as_str()) {
        let how = "the values become Unix epoch seconds (extract(epoch ...)), in UTC";
        let src = if with_tz(&f) {
            col.to_string()
        } else {
            format!("({col}::timestamp AT TIME ZONE 'UTC')")
        };
        return Some((format!("extract(epoch FROM {src})::{to}"), how));
    }
    None
}

/// A type as `format_type` writes it, split into its name without the modifier and the modifier's numbers:
/// `character varying(20)` -> (`character varying`, [20]); `timestamp(3) without time zone` ->
/// (`timestamp without time zone`, [3]); `numeric(10,2)` -> (`numeric`, [10, 2]). `None` when the modifier
/// is not a list of numbers.
pub(super) fn split_type(t: &str) -> Option<(String, Vec<i64>)> {
    let Some(open) = t.find('(') else {
        return Some((t.trim().to_string(), Vec::new()));
    };
    let close = open + t[open..].find(')')?;
    let mods = t[open + 1..close]
        .split(',')
        .map(|m| m.trim().parse::<i64>().ok())
        .collect::<Option<Vec<i64>>>()?;
    let base = format!("{}{}", t[..open].trim_end(), &t[close + 1..]);
    Some((base, mods))
}

/// (rewrites the table, can fail or lose data) for `ALTER COLUMN ... TYPE` from `a` to `b`.
///
/// PostgreSQL's documentation of ALTER TABLE: "Changing the type of an existing column will normally cause
/// the entire table and its indexes to be rewritten. As an exception, when changing the type of an existing
/// column, if the USING clause does not change the column contents and the old type is either binary
/// coercible to the new type or an unconstrained domain over the new type, a table rewrite is not needed."
/// (https://www.postgresql.org/docs/15/sql-altertable.html, Notes). A length or precision modifier that
/// grows (or goes away) is such a case: the support functions of `varchar`, `varbit`, `numeric` (same
/// scale), `timestamp`, `timestamptz`, `time`, `timetz` and `interval` reduce the coercion to a relabel, so
/// neither the table nor its indexes are rebuilt and no value can fail to convert, even with the
/// `USING col::type` plumb writes. Checked on PostgreSQL 15 by comparing `relfilenode` before and after.
/// Narrowing keeps both hazards.
pub(super) fn type_change_cost(a: &str, b: &str) -> (bool, bool) {
    if a == b {
        return (false, false);
    }
    let widening = matches!(
        (a, b),
        ("smallint", "integer")
            | ("smallint", "bigint")
            | ("integer", "bigint")
            | ("real", "double precision")
            | (_, "text")
            | ("smallint", "numeric")
            | ("integer", "numeric")
            | ("bigint", "numeric")
    );
    let (Some((ab, am)), Some((bb, bm))) = (split_type(a), split_type(b)) else {
        return (true, !widening);
    };
    // a modifier that grows or goes away: (no rewrite, cannot fail)
    let grows = |x: &[i64], y: &[i64]| match (x, y) {
        (_, []) => true,
        ([n], [m]) => m >= n,
        _ => false,
    };
    let varchar = "character varying";
    let free = match (ab.as_str(), bb.as_str()) {
        // binary coercible, no length check on the new side
        (x, "text") if x == varchar || x == "text" => true,
        (x, y) if (x == varchar || x == "text") && y == varchar && bm.is_empty() => true,
        ("cidr", "inet") => true,
        (x, y) if x == y => match x {
            "character varying"
            | "bit varying"
            | "timestamp without time zone"
            | "timestamp with time zone"
            | "time without time zone"
            | "time with time zone"
            | "interval" => grows(&am, &bm),
            // numeric(p, s): free when the scale stays and the precision does not shrink
            "numeric" => {
                let ps = |m: &[i64]| match m {
                    [p] => Some((*p, 0)),
                    [p, s] => Some((*p, *s)),
                    _ => None,
                };
                bm.is_empty()
                    || matches!((ps(&am), ps(&bm)), (Some((p, s)), Some((p2, s2))) if s2 == s && p2 >= p)
            }
            _ => false,
        },
        _ => false,
    };
    if free {
        return (false, false);
    }
    // rewritten, but every value fits: numeric with no fewer integer or fractional digits
    let lossless = ab == "numeric"
        && bb == "numeric"
        && match (am.as_slice(), bm.as_slice()) {
            ([p], [p2]) => p2 >= p,
            ([p], [p2, s2]) => p2 - s2 >= *p,
            ([p, s], [p2, s2]) => s2 >= s && p2 - s2 >= p - s,
            _ => false,
        };
    (true, !(widening || lossless))
}

/// Function-call defaults that make `ADD COLUMN` rewrite the table.
pub(super) fn is_volatile_default(expr: &str) -> bool {
    let e = expr.to_ascii_lowercase();
    [
        "nextval(",
        "random(",
        "gen_random_uuid(",
        "clock_timestamp(",
        "timeofday(",
        "uuid_generate_v",
    ]
    .iter()
    .any(|f| e.contains(f))
}

/// ` NOT NULL`, with ` CONSTRAINT name` in front when the column's NOT NULL constraint (PostgreSQL 18) is not
/// named `implied`, the name PostgreSQL would give it here, and ` NO INHERIT` after it when it has that. Empty
/// for a nullable column and for a NOT VALID constraint, which is added afterwards
/// ([`not_valid_not_null_sql`]).
pub(super) fn not_null_clause(c: &Column, implied: &str) -> String {
    if !c.not_null {
        return String::new();
    }
    match c.not_null_constraint.as_deref() {
        None => " NOT NULL".to_string(),
        Some(n) if n.not_valid => String::new(),
        Some(n) => {
            let mut s = String::new();
            if n.name != implied {
                s.push_str(&format!(" CONSTRAINT {}", quote_ident(&n.name)));
            }
            s.push_str(" NOT NULL");
            if n.no_inherit {
                s.push_str(" NO INHERIT");
            }
            s
        }
    }
}

/// A NOT NULL constraint added `NOT VALID` (PostgreSQL 18) cannot be written in the column's definition.
pub(super) fn not_valid_not_null_sql(table: &QualName, c: &Column) -> Option<String> {
    let n = c.not_null_constraint.as_deref().filter(|n| n.not_valid)?;
    Some(format!(
        "ALTER TABLE {table} ADD CONSTRAINT {} NOT NULL {}{} NOT VALID;",
        quote_ident(&n.name),
        quote_ident(&c.name),
        if n.no_inherit { " NO INHERIT" } else { "" }
    ))
}

/// A column's definition in a table `table` (for the NOT NULL constraint's implied name).
pub(super) fn column_def(table: &QualName, c: &Column) -> String {
    let mut s = format!("{} {}", quote_ident(&c.name), c.type_name);
    if let Some(m) = &c.compression {
        s.push_str(&format!(" COMPRESSION {}", quote_ident(m)));
    }
    if let Some(coll) = &c.collation {
        s.push_str(&format!(" COLLATE {coll}"));
    }
    if let Some(g) = &c.generated {
        let kind = if c.generated_virtual {
            "VIRTUAL"
        } else {
            "STORED"
        };
        s.push_str(&format!(" GENERATED ALWAYS AS ({g}) {kind}"));
    }
    if let Some(d) = &c.default {
        if c.generated.is_none() && c.identity.is_none() {
            s.push_str(&format!(" DEFAULT {d}"));
        }
    }
    s.push_str(&not_null_clause(
        c,
        &NotNullConstraint::default_name(&table.name, &c.name),
    ));
    if let Some(i) = &c.identity {
        s.push_str(if i.always {
            " GENERATED ALWAYS AS IDENTITY"
        } else {
            " GENERATED BY DEFAULT AS IDENTITY"
        });
        let opts = seq_option_clauses(&i.options, None, false);
        if !opts.is_empty() {
            s.push_str(&format!(" ({})", opts.join(" ")));
        }
    }
    s
}

/// `ALTER TABLE ONLY … ALTER COLUMN … SET STORAGE / COMPRESSION / STATISTICS` that turn column `from` (what
/// the column has: after `CREATE`, `ADD COLUMN` or a type change) into `to`. `ONLY`, as pg_dump writes it: each
/// table's own value is compared and set, partitions and children included.
pub(super) fn column_attr_sql(
    table: &QualName,
    from: &Column,
    to: &Column,
    db: &Database,
) -> Vec<String> {
    let pre = format!(
        "ALTER TABLE ONLY {table} ALTER COLUMN {}",
        quote_ident(&to.name)
    );
    let mut sql = Vec::new();
    if from.storage != to.storage {
        // back to the type's default: its keyword (`SET STORAGE DEFAULT` needs PostgreSQL 16)
        let word = to
            .storage
            .or_else(|| plumb_model::default_storage(&to.type_name, db))
            .map_or("DEFAULT", plumb_model::Storage::keyword);
        sql.push(format!("{pre} SET STORAGE {word};"));
    }
    if from.compression != to.compression {
        let m = to
            .compression
            .as_deref()
            .map_or("default".into(), quote_ident);
        sql.push(format!("{pre} SET COMPRESSION {m};"));
    }
    if from.statistics != to.statistics {
        sql.push(format!(
            "{pre} SET STATISTICS {};",
            to.statistics.unwrap_or(-1)
        ));
    }
    let key = |o: &String| o.split('=').next().unwrap_or_default().to_string();
    let reset: Vec<String> = from
        .options
        .iter()
        .map(key)
        .filter(|k| !to.options.iter().any(|o| key(o) == *k))
        .map(|k| quote_ident(&k))
        .collect();
    if !reset.is_empty() {
        sql.push(format!("{pre} RESET ({});", reset.join(", ")));
    }
    let set: Vec<String> = to
        .options
        .iter()
        .filter(|o| !from.options.contains(o))
        .map(|o| reloption(o))
        .collect();
    if !set.is_empty() {
        sql.push(format!("{pre} SET ({});", set.join(", ")));
    }
    sql
}

impl<'a> Differ<'a> {
    /// Column changes of a table present on both sides. Returns the columns dropped and added again.
    pub(super) fn columns(&mut self, f: &Table, t: &Table) -> BTreeSet<String> {
        let name = &t.name;
        let mut recreated = BTreeSet::new();
        self.inherited_column_attrs(f, t);
        if f.partition_of.is_some() && t.partition_of.is_some() {
            return recreated;
        }
        let fcols = local_columns(f, f.partition_of.is_some());
        let tcols = local_columns(t, t.partition_of.is_some());
        for fc in &fcols {
            // a column that stays, only inherited now, cannot be made non-local by ALTER: leave it
            if t.column(&fc.name).is_some_and(|c| !c.is_local)
                && !tcols.iter().any(|c| c.name == fc.name)
            {
                continue;
            }
            let tc = tcols.iter().find(|c| c.name == fc.name);
            let cobj = format!("{name}.{}", quote_ident(&fc.name));
            let regenerate = tc.is_some_and(|tc| tc.generated.is_some())
                && (tc.is_some_and(|tc| tc.generated_virtual != fc.generated_virtual)
                    || !self.cmp.same_sql_opt(
                        Sql::Expr,
                        ObjectKind::Column,
                        &cobj,
                        fc.generated.as_deref(),
                        tc.and_then(|c| c.generated.as_deref()),
                    ));
            if tc.is_none() || regenerate {
                if tc.is_none() {
                    self.change(ObjectKind::Column, &cobj, Action::Drop);
                } else {
                    self.change_attr(
                        ObjectKind::Column,
                        &cobj,
                        Attribute::Generated,
                        fc.generated.clone(),
                        tc.and_then(|c| c.generated.clone()),
                    );
                    recreated.insert(fc.name.clone());
                }
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
        }
        for tc in &tcols {
            let cobj = format!("{name}.{}", quote_ident(&tc.name));
            let key = Key::Column(name.clone(), tc.name.clone());
            let fc = fcols.iter().find(|c| c.name == tc.name);
            if fc.is_none()
                && f.column(&tc.name).is_some()
                && !self.parent_drops_column(f, &tc.name)
            {
                continue; // inherited in `from` and staying: it cannot be made local by ALTER
            }
            match fc {
                Some(fc) if !recreated.contains(&tc.name) => self.alter_column(t, fc, tc),
                _ => {
                    if fc.is_none() {
                        self.change(ObjectKind::Column, &cobj, Action::Create);
                    }
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
                        h.push(hz(HazardKind::TableRewrite, "fills every existing row: the table is rewritten under an ACCESS EXCLUSIVE lock"));
                    }
                    if tc.not_null
                        && tc.default.is_none()
                        && tc.identity.is_none()
                        && tc.generated.is_none()
                    {
                        h.push(hz(
                            HazardKind::DataLoss,
                            "NOT NULL without a default fails if the table has rows",
                        ));
                    }
                    self.op(
                        key,
                        Action::Create,
                        ObjectKind::Column,
                        &cobj,
                        sql,
                        h,
                        class::COLUMN,
                        Some(Stage::Columns),
                    );
                }
            }
        }
        recreated
    }

    /// True when a parent `f` inherits `column` from loses that column in `to`.
    pub(super) fn parent_drops_column(&self, f: &Table, column: &str) -> bool {
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

    pub(super) fn alter_column(&mut self, t: &Table, fc: &Column, tc: &Column) {
        let name = &t.name;
        let col = quote_ident(&tc.name);
        let cobj = format!("{name}.{col}");
        let pre = format!("ALTER TABLE {name} ALTER COLUMN {col}");
        let mut sql = Vec::new();
        let mut hazards = Vec::new();
        let type_changes = fc.type_name != tc.type_name || fc.collation != tc.collation;
        if fc.identity.is_some() && tc.identity.is_none() {
            self.change_attr(
                ObjectKind::Column,
                &cobj,
                Attribute::Identity,
                Some(identity_text(fc)),
                None,
            );
            sql.push(format!("{pre} DROP IDENTITY;"));
        }
        if fc.generated.is_some() && tc.generated.is_none() {
            self.change_attr(
                ObjectKind::Column,
                &cobj,
                Attribute::Generated,
                fc.generated.clone(),
                None,
            );
            sql.push(format!("{pre} DROP EXPRESSION;"));
        }
        let default_changes = fc.identity.is_none() == tc.identity.is_none()
            && !self.cmp.same_sql_opt(
                Sql::Expr,
                ObjectKind::Column,
                &cobj,
                fc.default.as_deref(),
                tc.default.as_deref(),
            );
        let fdefault = if fc.identity.is_none() && fc.generated.is_none() {
            fc.default.as_ref()
        } else {
            None
        };
        let tdefault = if tc.identity.is_none() && tc.generated.is_none() {
            tc.default.as_ref()
        } else {
            None
        };
        let default_same = self.cmp.same_sql_opt(
            Sql::Expr,
            ObjectKind::Column,
            &cobj,
            fdefault.map(String::as_str),
            tdefault.map(String::as_str),
        );
        if !default_same || default_changes {
            self.change_attr(
                ObjectKind::Column,
                &cobj,
                Attribute::Default,
                fdefault.cloned(),
                tdefault.cloned(),
            );
        }
        // A new default replaces the old one in one SET DEFAULT; it is dropped first only when there is no
        // new one, or when the type changes (the old default might not convert).
        if fdefault.is_some() && ((!default_same && tdefault.is_none()) || type_changes) {
            sql.push(format!("{pre} DROP DEFAULT;"));
        }
        if type_changes {
            self.change_attr(
                ObjectKind::Column,
                &cobj,
                Attribute::Type,
                Some(type_with_collation(fc)),
                Some(type_with_collation(tc)),
            );
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
        if fc.not_null != tc.not_null {
            self.change_attr(
                ObjectKind::Column,
                &cobj,
                Attribute::NotNull,
                Some(fc.not_null.to_string()),
                Some(tc.not_null.to_string()),
            );
            not_null_sql(name, tc, &mut sql, &mut hazards);
        } else if let (true, Some(a), Some(b)) = (
            tc.not_null,
            fc.not_null_constraint.as_deref(),
            tc.not_null_constraint.as_deref(),
        ) {
            // PostgreSQL 18: the same NOT NULL, its constraint renamed, validated or (not) inherited
            if a.name != b.name {
                self.change_attr(
                    ObjectKind::Column,
                    &cobj,
                    Attribute::NotNullConstraint,
                    Some(a.name.clone()),
                    Some(b.name.clone()),
                );
                sql.push(format!(
                    "ALTER TABLE {name} RENAME CONSTRAINT {} TO {};",
                    quote_ident(&a.name),
                    quote_ident(&b.name)
                ));
            }
            if a.no_inherit != b.no_inherit {
                self.change_attr(
                    ObjectKind::Column,
                    &cobj,
                    Attribute::NotNullNoInherit,
                    Some(a.no_inherit.to_string()),
                    Some(b.no_inherit.to_string()),
                );
                sql.push(format!(
                    "ALTER TABLE {name} ALTER CONSTRAINT {} {}INHERIT;",
                    quote_ident(&b.name),
                    if b.no_inherit { "NO " } else { "" }
                ));
            }
            if a.not_valid != b.not_valid {
                self.change_attr(
                    ObjectKind::Column,
                    &cobj,
                    Attribute::NotNullValidated,
                    Some((!a.not_valid).to_string()),
                    Some((!b.not_valid).to_string()),
                );
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
        if let Some(d) = tdefault {
            if !default_same || type_changes {
                sql.push(format!("{pre} SET DEFAULT {d};"));
            }
        }
        match (&fc.identity, &tc.identity) {
            (None, Some(i)) => {
                self.change_attr(
                    ObjectKind::Column,
                    &cobj,
                    Attribute::Identity,
                    None,
                    Some(identity_text(tc)),
                );
                if let Some(d) = fdefault {
                    if !sql.iter().any(|s| s.ends_with("DROP DEFAULT;")) {
                        let _ = d;
                        sql.push(format!("{pre} DROP DEFAULT;"));
                    }
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
                if a.always != b.always {
                    self.change_attr(
                        ObjectKind::Column,
                        &cobj,
                        Attribute::Identity,
                        Some(identity_text(fc)),
                        Some(identity_text(tc)),
                    );
                    sql.push(format!(
                        "{pre} SET GENERATED {};",
                        if b.always { "ALWAYS" } else { "BY DEFAULT" }
                    ));
                }
                let mut ao = a.options.clone();
                ao.data_type = b.options.data_type.clone();
                if ao != b.options && a.options.data_type == b.options.data_type {
                    let opts = seq_option_clauses(&b.options, Some(&a.options), false);
                    if !opts.is_empty() {
                        self.change_attr(
                            ObjectKind::Column,
                            &cobj,
                            Attribute::IdentityOptions,
                            None,
                            Some(opts.join(" ")),
                        );
                        let mut set: Vec<String> =
                            opts.iter().map(|o| format!("SET {o}")).collect();
                        // the current value may fall outside the new bounds, which PostgreSQL refuses
                        // ("RESTART value (-200) cannot be less than MINVALUE (-100)")
                        if narrowed(&a.options, &b.options) {
                            set.push(format!("RESTART WITH {}", b.options.start));
                            hazards.push(restart_hazard());
                        }
                        sql.push(format!("{pre} {};", set.join(" ")));
                    }
                }
            }
            _ => {}
        }
        sql.extend(self.column_attrs(name, fc, tc, type_changes));
        if !sql.is_empty() {
            self.op(
                Key::Column(name.clone(), tc.name.clone()),
                Action::Alter,
                ObjectKind::Column,
                &cobj,
                sql,
                hazards,
                class::COLUMN,
                Some(Stage::Columns),
            );
        }
        if fc.comment != tc.comment {
            self.change_attr(
                ObjectKind::Column,
                &cobj,
                Attribute::Comment,
                fc.comment.clone(),
                tc.comment.clone(),
            );
            let sql = vec![comment_sql(
                &format!("COLUMN {cobj}"),
                tc.comment.as_deref(),
            )];
            self.op(
                Key::Column(name.clone(), tc.name.clone()),
                Action::Alter,
                ObjectKind::Column,
                &cobj,
                sql,
                vec![],
                class::MISC,
                Some(Stage::Columns),
            );
        }
        if !self.opts.ignore_privileges && fc.grants != tc.grants {
            let sql = column_grant_sql(name, &tc.name, &fc.grants, &tc.grants);
            if !sql.is_empty() {
                self.change_attr(ObjectKind::Column, &cobj, Attribute::Grants, None, None);
                self.op(
                    Key::Column(name.clone(), tc.name.clone()),
                    Action::Alter,
                    ObjectKind::Column,
                    &cobj,
                    sql,
                    vec![],
                    class::MISC,
                    Some(Stage::Columns),
                );
            }
        }
    }

    /// Storage, compression and statistics target of a column on both sides (`retyped`: its type changes
    /// first, which gives it the new type's default storage and compression).
    pub(super) fn column_attrs(
        &mut self,
        name: &QualName,
        fc: &Column,
        tc: &Column,
        retyped: bool,
    ) -> Vec<String> {
        let now = Column {
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
        };
        let sql = column_attr_sql(name, &now, tc, self.to);
        if !sql.is_empty() {
            let cobj = format!("{name}.{}", quote_ident(&tc.name));
            for (attr, a, b) in [
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
            ] {
                if a != b {
                    let or_default =
                        |v: Option<String>| Some(v.unwrap_or_else(|| "default".into()));
                    self.change_attr(
                        ObjectKind::Column,
                        &cobj,
                        attr,
                        or_default(a),
                        or_default(b),
                    );
                }
            }
        }
        sql
    }

    /// The NOT NULL of a column of a partition (on both sides) when it is the partition's own (the parent's
    /// column is nullable in "to") and differs from what the partition has once its parent's changes ran: a
    /// parent's DROP NOT NULL reaches its partitions. `Some(had)`: the partition's NOT NULL changes from
    /// `had`. A NOT NULL the parent has in "to" is the parent's to set.
    fn partition_not_null(&self, f: &Table, t: &Table, fc: &Column, tc: &Column) -> Option<bool> {
        let parent_nn = |db: &Database, tb: &Table| {
            tb.partition_of
                .as_ref()
                .and_then(|p| db.tables.get(&p.parent))
                .and_then(|p| p.column(&tc.name))
                .is_some_and(|c| c.not_null)
        };
        if parent_nn(self.to, t) {
            return None;
        }
        let dropped_by_parent = parent_nn(self.from, f);
        let had = fc.not_null && !dropped_by_parent;
        (had != tc.not_null).then_some(fc.not_null)
    }

    /// The storage, compression and statistics target of the columns a table has on both sides that
    /// [`Self::columns`] does not compare: a partition's, and those only inherited on both sides.
    pub(super) fn inherited_column_attrs(&mut self, f: &Table, t: &Table) {
        let both_partitions = f.partition_of.is_some() && t.partition_of.is_some();
        for tc in &t.columns {
            let Some(fc) = f.column(&tc.name) else {
                continue;
            };
            if !both_partitions && (tc.is_local || fc.is_local) {
                continue;
            }
            let mut sql = self.column_attrs(&t.name, fc, tc, fc.type_name != tc.type_name);
            let cobj = format!("{}.{}", t.name, quote_ident(&tc.name));
            let mut hazards = Vec::new();
            if both_partitions {
                if let Some(had) = self.partition_not_null(f, t, fc, tc) {
                    self.change_attr(
                        ObjectKind::Column,
                        &cobj,
                        Attribute::NotNull,
                        Some(had.to_string()),
                        Some(tc.not_null.to_string()),
                    );
                    not_null_sql(&t.name, tc, &mut sql, &mut hazards);
                }
            }
            if !sql.is_empty() {
                self.op(
                    Key::Column(t.name.clone(), tc.name.clone()),
                    Action::Alter,
                    ObjectKind::Column,
                    &cobj,
                    sql,
                    hazards,
                    class::COLUMN,
                    Some(Stage::Columns),
                );
            }
        }
    }
}

/// `SET NOT NULL` (or `ADD CONSTRAINT name NOT NULL`, for a constraint named otherwise, `NO INHERIT` or `NOT
/// VALID`: PostgreSQL 18) or `DROP NOT NULL` that gives column `tc` of table `name` its NOT NULL.
fn not_null_sql(name: &QualName, tc: &Column, sql: &mut Vec<String>, hazards: &mut Vec<Hazard>) {
    let pre = format!("ALTER TABLE {name} ALTER COLUMN {}", quote_ident(&tc.name));
    if !tc.not_null {
        sql.push(format!("{pre} DROP NOT NULL;"));
        return;
    }
    let implied = NotNullConstraint::default_name(&name.name, &tc.name);
    match tc.not_null_constraint.as_deref() {
        Some(n) if n.name != implied || n.no_inherit || n.not_valid => {
            sql.push(format!(
                "ALTER TABLE {name} ADD CONSTRAINT {} NOT NULL {}{}{};",
                quote_ident(&n.name),
                quote_ident(&tc.name),
                if n.no_inherit { " NO INHERIT" } else { "" },
                if n.not_valid { " NOT VALID" } else { "" },
            ));
        }
        _ => sql.push(format!("{pre} SET NOT NULL;")),
    }
    if !tc
        .not_null_constraint
        .as_deref()
        .is_some_and(|n| n.not_valid)
    {
        hazards.push(hz(HazardKind::LongLock, "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock, and fails if a row holds NULL"));
    }
}

pub(super) fn identity_text(c: &Column) -> String {
    match &c.identity {
        Some(i) if i.always => "ALWAYS".to_string(),
        Some(_) => "BY DEFAULT".to_string(),
        None => String::new(),
    }
}

pub(super) fn type_with_collation(c: &Column) -> String {
    match &c.collation {
        Some(coll) => format!("{} COLLATE {coll}", c.type_name),
        None => c.type_name.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_changes_without_rewrite_carry_no_hazard() {
        // each checked on PostgreSQL 15: relfilenode of the table and its index unchanged
        for (a, b) in [
            ("character varying(10)", "character varying(20)"),
            ("character varying(10)", "character varying"),
            ("character varying(10)", "text"),
            ("character varying", "text"),
            ("text", "character varying"),
            ("numeric(10,2)", "numeric(12,2)"),
            ("numeric(10,2)", "numeric"),
            ("numeric(10)", "numeric(12)"),
            ("bit varying(5)", "bit varying(10)"),
            ("bit varying(5)", "bit varying"),
            (
                "timestamp(3) without time zone",
                "timestamp(6) without time zone",
            ),
            (
                "timestamp(3) without time zone",
                "timestamp without time zone",
            ),
            ("timestamp(3) with time zone", "timestamp(5) with time zone"),
            ("time(2) without time zone", "time(4) without time zone"),
            ("time(2) with time zone", "time(4) with time zone"),
            ("interval(2)", "interval(4)"),
            ("cidr", "inet"),
        ] {
            assert_eq!(type_change_cost(a, b), (false, false), "{a} -> {b}");
        }
    }

    #[test]
    fn narrowing_and_real_conversions_keep_their_hazards() {
        for (a, b) in [
            ("character varying(20)", "character varying(10)"),
            ("character varying", "character varying(10)"),
            ("text", "character varying(10)"),
            ("numeric(10,2)", "numeric(8,2)"),
            ("numeric", "numeric(10,2)"),
            ("numeric(10,2)", "numeric(12,1)"),
            (
                "timestamp without time zone",
                "timestamp(3) without time zone",
            ),
            (
                "timestamp(6) without time zone",
                "timestamp(3) without time zone",
            ),
            ("bit varying(10)", "bit varying(5)"),
            ("character(10)", "character(5)"),
            ("bigint", "integer"),
            ("text", "integer"),
            ("character varying(10)[]", "integer[]"),
        ] {
            assert_eq!(type_change_cost(a, b), (true, true), "{a} -> {b}");
        }
        // rewritten, but every value fits
        for (a, b) in [
            ("integer", "bigint"),
            ("numeric(10,2)", "numeric(12,3)"),
            ("character(5)", "character(10)"),
            ("timestamp without time zone", "timestamp with time zone"),
        ] {
            assert!(type_change_cost(a, b).0, "{a} -> {b} rewrites");
        }
        assert!(!type_change_cost("numeric(10,2)", "numeric(12,3)").1);
        assert!(!type_change_cost("integer", "bigint").1);
    }
}
