//! The SQL of columns (used by `CREATE TABLE` and by `write::columns`): a column's definition,
//! `ALTER TABLE ONLY` of its storage, compression, statistics target and options, type conversions and their
//! cost, NOT NULL.

use super::*;

/// The conversion plumb writes, and says it writes, between built-in types PostgreSQL has no cast between
/// (`USING col::type` is refused there): integers and date/time types, through Unix epoch seconds. `None`
/// when a cast exists (or the pair is not one of these).
pub(crate) fn no_cast_conversion(
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
pub(crate) fn type_change_cost(a: &str, b: &str) -> (bool, bool) {
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
pub(crate) fn is_volatile_default(expr: &str) -> bool {
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
pub(crate) fn not_valid_not_null_sql(table: &QualName, c: &Column) -> Option<String> {
    let n = c.not_null_constraint.as_deref().filter(|n| n.not_valid)?;
    Some(format!(
        "ALTER TABLE {table} ADD CONSTRAINT {} NOT NULL {}{} NOT VALID;",
        quote_ident(&n.name),
        quote_ident(&c.name),
        if n.no_inherit { " NO INHERIT" } else { "" }
    ))
}

/// A column's definition in a table `table` (for the NOT NULL constraint's implied name).
pub(crate) fn column_def(table: &QualName, c: &Column) -> String {
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
pub(crate) fn column_attr_sql(
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

/// `SET NOT NULL` (or `ADD CONSTRAINT name NOT NULL`, for a constraint named otherwise, `NO INHERIT` or `NOT
/// VALID`: PostgreSQL 18) or `DROP NOT NULL` that gives column `tc` of table `name` its NOT NULL.
pub(crate) fn not_null_sql(
    name: &QualName,
    tc: &Column,
    sql: &mut Vec<String>,
    hazards: &mut Vec<Hazard>,
) {
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

pub(crate) fn identity_text(c: &Column) -> String {
    match &c.identity {
        Some(i) if i.always => "ALWAYS".to_string(),
        Some(_) => "BY DEFAULT".to_string(),
        None => String::new(),
    }
}

pub(crate) fn type_with_collation(c: &Column) -> String {
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
