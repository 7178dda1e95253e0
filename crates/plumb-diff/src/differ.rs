//! Walks both models side by side and produces the [`Change`]s and the unordered operations of a plan.

use std::collections::{BTreeMap, BTreeSet};

use plumb_model::{
    quote_ident, quote_literal, AclKind, Column, Common, Constraint, ConstraintKind, Database,
    DefaultPrivileges, Function, FunctionKind, Grant, Index as PgIndex, NotNullConstraint,
    Persistence, Policy, QualName, ReplicaIdentity, Sequence, SequenceOptions, Table, Trigger,
    Type, TypeKind, View, ViewKind,
};

use crate::keys::{Index, Key};
use crate::same::Sql;
use crate::{Action, Change, Hazard, HazardKind, ObjectKind, Options};

/// Priority classes: the default order of creates (drops run in the reverse order) when the graph does not
/// decide.
pub(crate) mod class {
    pub const SESSION: u8 = 0;
    pub const SCHEMA: u8 = 1;
    pub const EXTENSION: u8 = 2;
    pub const COLLATION: u8 = 3;
    pub const TYPE: u8 = 4;
    pub const SEQUENCE: u8 = 5;
    pub const FUNCTION: u8 = 6;
    pub const TABLE: u8 = 7;
    pub const COLUMN: u8 = 8;
    pub const CONSTRAINT: u8 = 9;
    pub const INDEX: u8 = 10;
    pub const FOREIGN_KEY: u8 = 11;
    pub const SEQ_OWNER: u8 = 12;
    pub const VIEW: u8 = 13;
    pub const MATVIEW: u8 = 14;
    pub const TRIGGER: u8 = 15;
    pub const POLICY: u8 = 16;
    pub const MISC: u8 = 17;
}

/// Where an operation on a table's sub-object runs relative to the table's column changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Stage {
    BeforeColumns,
    Columns,
    AfterColumns,
}

/// One unordered unit of work.
#[derive(Debug, Clone)]
pub(crate) struct Op {
    pub key: Key,
    /// More keys this operation changes (an enum rebuild converts columns).
    pub also: Vec<Key>,
    /// Role in the dependency graph.
    pub role: Action,
    /// What the step says it does.
    pub action: Action,
    pub kind: ObjectKind,
    pub object: String,
    pub sql: Vec<String>,
    pub hazards: Vec<Hazard>,
    pub transactional: bool,
    pub class: u8,
    /// For operations on a table: before, with or after its column changes.
    pub stage: Option<Stage>,
}

pub(crate) struct Output {
    pub changes: Vec<Change>,
    pub ops: Vec<Op>,
    pub errors: Vec<(String, String)>,
    /// Objects whose SQL text could not be compared offline (kind, object, reason): treated as in sync.
    pub uncertain: Vec<crate::Uncertain>,
}

pub(crate) struct Differ<'a> {
    from: &'a Database,
    to: &'a Database,
    opts: &'a Options,
    fi: Index<'a>,
    out: Output,
    /// Keys that go away (dropped, or changed so that dependants must be dropped first).
    seeds: BTreeSet<Key>,
    /// Tables dropped, explicitly or with their parent.
    dropped_tables: BTreeSet<QualName>,
    /// Views and functions dropped and created again.
    rebuilt: BTreeSet<Key>,
    /// Types rebuilt in place (renamed away, created anew, their users converted), in creation order: enums
    /// that lose or reorder values, domains whose base changes, and the domains over those.
    retyped: Vec<QualName>,
    retyped_set: BTreeSet<QualName>,
    /// Whether each side states privileges (see `grants::stated`).
    grants_stated: (bool, bool),
}

fn hz(kind: HazardKind, message: impl Into<String>) -> Hazard {
    Hazard {
        kind,
        message: message.into(),
    }
}

fn opt_text(o: &Option<String>) -> Option<String> {
    o.clone()
}

fn strip_stmt(sql: &str) -> &str {
    sql.trim().trim_end_matches(';').trim_end()
}

/// Storage parameters compare as a set: their order in `reloptions` is only the order they were given in.
fn same_options(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().collect::<BTreeSet<_>>() == b.iter().collect::<BTreeSet<_>>()
}

/// `name=value` storage parameters as SQL: `name = 'value'`, each part quoted.
fn reloption(opt: &str) -> String {
    let (name, value) = opt.split_once('=').unwrap_or((opt, ""));
    let name = name
        .split('.')
        .map(quote_ident)
        .collect::<Vec<_>>()
        .join(".");
    format!("{name} = {}", quote_literal(value))
}

fn reloption_name(opt: &str) -> String {
    let name = opt.split_once('=').map(|(n, _)| n).unwrap_or(opt);
    name.split('.')
        .map(quote_ident)
        .collect::<Vec<_>>()
        .join(".")
}

fn grantee(g: &str) -> String {
    if g == "PUBLIC" {
        "PUBLIC".to_string()
    } else {
        quote_ident(g)
    }
}

/// Privilege keywords are written as they are, so only accept keywords.
fn privilege_ok(p: &str) -> bool {
    !p.is_empty() && p.chars().all(|c| c.is_ascii_uppercase() || c == ' ')
}

/// GRANT/REVOKE statements that turn privilege set `from` into `to` on `target` (`TABLE public.t`).
fn grant_sql(target: &str, from: &BTreeSet<Grant>, to: &BTreeSet<Grant>) -> Vec<String> {
    let key = |g: &Grant| (g.grantee.clone(), g.privilege.clone());
    let fm: BTreeMap<_, bool> = from.iter().map(|g| (key(g), g.with_grant_option)).collect();
    let tm: BTreeMap<_, bool> = to.iter().map(|g| (key(g), g.with_grant_option)).collect();
    let mut out = Vec::new();
    for ((who, p), opt) in &fm {
        if !privilege_ok(p) {
            continue;
        }
        match tm.get(&(who.clone(), p.clone())) {
            None => out.push(format!("REVOKE {p} ON {target} FROM {};", grantee(who))),
            Some(false) if *opt => out.push(format!(
                "REVOKE GRANT OPTION FOR {p} ON {target} FROM {};",
                grantee(who)
            )),
            _ => {}
        }
    }
    for ((who, p), opt) in &tm {
        if !privilege_ok(p) {
            continue;
        }
        let had = fm.get(&(who.clone(), p.clone()));
        if had.is_none() || (*opt && had == Some(&false)) {
            let wgo = if *opt { " WITH GRANT OPTION" } else { "" };
            out.push(format!("GRANT {p} ON {target} TO {}{wgo};", grantee(who)));
        }
    }
    out
}

fn comment_sql(target: &str, comment: Option<&str>) -> String {
    match comment {
        Some(c) => format!("COMMENT ON {target} IS {};", quote_literal(c)),
        None => format!("COMMENT ON {target} IS NULL;"),
    }
}

fn seq_option_clauses(
    o: &SequenceOptions,
    base: Option<&SequenceOptions>,
    with_type: bool,
) -> Vec<String> {
    // PostgreSQL's defaults: INCREMENT BY 1, and bounds and start that follow the increment's direction
    let d = SequenceOptions {
        increment: 1,
        ..SequenceOptions::defaults(&o.data_type, o.increment)
    };
    let fresh = base.is_none();
    let base = base.unwrap_or(&d);
    let mut c = Vec::new();
    let type_differs = if fresh {
        o.data_type != "bigint"
    } else {
        o.data_type != base.data_type
    };
    if with_type
        && type_differs
        && matches!(o.data_type.as_str(), "smallint" | "integer" | "bigint")
    {
        c.push(format!("AS {}", o.data_type));
    }
    if o.increment != base.increment {
        c.push(format!("INCREMENT BY {}", o.increment));
    }
    if o.min_value != base.min_value {
        c.push(format!("MINVALUE {}", o.min_value));
    }
    if o.max_value != base.max_value {
        c.push(format!("MAXVALUE {}", o.max_value));
    }
    if o.start != base.start {
        c.push(format!("START WITH {}", o.start));
    }
    if o.cache != base.cache {
        c.push(format!("CACHE {}", o.cache));
    }
    if o.cycle != base.cycle {
        c.push(if o.cycle {
            "CYCLE".to_string()
        } else {
            "NO CYCLE".to_string()
        });
    }
    c
}

/// The conversion plumb writes, and says it writes, between built-in types PostgreSQL has no cast between
/// (`USING col::type` is refused there): integers and date/time types, through Unix epoch seconds. `None`
/// when a cast exists (or the pair is not one of these).
fn no_cast_conversion(col: &str, from: &str, to: &str) -> Option<(String, &'static str)> {
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

/// The new bounds of a sequence are narrower than the old ones: its current value may be outside them.
fn narrowed(old: &plumb_model::SequenceOptions, new: &plumb_model::SequenceOptions) -> bool {
    new.min_value > old.min_value || new.max_value < old.max_value
}

fn restart_hazard() -> Hazard {
    hz(
        HazardKind::DataLoss,
        "its bounds narrow, so the sequence restarts at its START value: values it already handed out may be handed out again",
    )
}

/// A type as `format_type` writes it, split into its name without the modifier and the modifier's numbers:
/// `character varying(20)` -> (`character varying`, [20]); `timestamp(3) without time zone` ->
/// (`timestamp without time zone`, [3]); `numeric(10,2)` -> (`numeric`, [10, 2]). `None` when the modifier
/// is not a list of numbers.
fn split_type(t: &str) -> Option<(String, Vec<i64>)> {
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
fn type_change_cost(a: &str, b: &str) -> (bool, bool) {
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
fn is_volatile_default(expr: &str) -> bool {
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

/// A storage parameter: name and (unquoted) value.
type StorageParam = (String, String);

/// An index or key definition without its storage parameters, and the parameters as (name, value): `WITH
/// (fillfactor='70')` as `pg_get_indexdef` and `pg_get_constraintdef` write them (the value unquoted). `None`
/// when the clause cannot be told apart safely.
fn split_storage_params(def: &str) -> Option<(String, Vec<StorageParam>)> {
    let Some(start) = def.find(" WITH (") else {
        return Some((def.to_string(), Vec::new()));
    };
    if def[start + 1..].contains(" WITH (") {
        return None;
    }
    let body = &def[start + " WITH (".len()..];
    let mut params = Vec::new();
    let (mut name, mut value, mut in_value, mut quoted) =
        (String::new(), String::new(), false, false);
    let mut chars = body.char_indices().peekable();
    let mut end = None;
    while let Some((i, ch)) = chars.next() {
        match ch {
            '\'' if in_value => {
                if quoted && chars.peek().map(|(_, c)| *c) == Some('\'') {
                    value.push('\'');
                    chars.next();
                } else {
                    quoted = !quoted;
                }
            }
            _ if quoted => value.push(ch),
            '=' if !in_value => in_value = true,
            ',' | ')' => {
                params.push((name.trim().to_string(), value.clone()));
                name.clear();
                value.clear();
                in_value = false;
                if ch == ')' {
                    end = Some(i);
                    break;
                }
            }
            _ if in_value => value.push(ch),
            _ => name.push(ch),
        }
    }
    let end = end?;
    if params.iter().any(|(n, _)| {
        n.is_empty()
            || !n
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    }) {
        return None;
    }
    let base = format!("{}{}", &def[..start], &body[end + 1..]);
    Some((base, params))
}

/// `ALTER INDEX … SET (…)` / `RESET (…)` that turn storage parameters `a` into `b`.
fn storage_param_sql(index: &str, a: &[StorageParam], b: &[StorageParam]) -> Vec<String> {
    let reset: Vec<String> = a
        .iter()
        .filter(|(k, _)| !b.iter().any(|(x, _)| x == k))
        .map(|(k, _)| reloption_name(k))
        .collect();
    let set: Vec<String> = b
        .iter()
        .filter(|p| !a.contains(p))
        .map(|(k, v)| format!("{} = {}", reloption_name(k), quote_literal(v)))
        .collect();
    let mut sql = Vec::new();
    if !reset.is_empty() {
        sql.push(format!("ALTER INDEX {index} RESET ({});", reset.join(", ")));
    }
    if !set.is_empty() {
        sql.push(format!("ALTER INDEX {index} SET ({});", set.join(", ")));
    }
    sql
}

fn constraint_def_core(c: &Constraint) -> &str {
    let d = c.definition.trim();
    d.strip_suffix(" NOT VALID").unwrap_or(d)
}

fn local_columns(t: &Table, all: bool) -> Vec<&Column> {
    if all || t.inherits.is_empty() && t.partition_of.is_none() {
        t.columns.iter().collect()
    } else {
        t.columns.iter().filter(|c| c.is_local).collect()
    }
}

/// ` NOT NULL`, with ` CONSTRAINT name` in front when the column's NOT NULL constraint (PostgreSQL 18) is not
/// named `implied`, the name PostgreSQL would give it here, and ` NO INHERIT` after it when it has that. Empty
/// for a nullable column and for a NOT VALID constraint, which is added afterwards
/// ([`not_valid_not_null_sql`]).
fn not_null_clause(c: &Column, implied: &str) -> String {
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
fn not_valid_not_null_sql(table: &QualName, c: &Column) -> Option<String> {
    let n = c.not_null_constraint.as_deref().filter(|n| n.not_valid)?;
    Some(format!(
        "ALTER TABLE {table} ADD CONSTRAINT {} NOT NULL {}{} NOT VALID;",
        quote_ident(&n.name),
        quote_ident(&c.name),
        if n.no_inherit { " NO INHERIT" } else { "" }
    ))
}

/// A column's definition in a table `table` (for the NOT NULL constraint's implied name).
fn column_def(table: &QualName, c: &Column) -> String {
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

/// The default-privilege entries of one side, those declared without a role (`role_assumed`) given the
/// role of the other side's entries when one role alone has entries there (and the assumed role none): the
/// entry's key and the privileges held by the assumed role move to that role.
fn resolve_assumed_roles(
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

/// `ALTER TABLE ONLY … ALTER COLUMN … SET STORAGE / COMPRESSION / STATISTICS` that turn column `from` (what
/// the column has: after `CREATE`, `ADD COLUMN` or a type change) into `to`. `ONLY`, as pg_dump writes it: each
/// table's own value is compared and set, partitions and children included.
fn column_attr_sql(table: &QualName, from: &Column, to: &Column, db: &Database) -> Vec<String> {
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

/// The `public` schema as declared SQL starts with it (PostgreSQL 15 and later: owned by `pg_database_owner`,
/// which alone may create in it) stands for "untouched": compared with a live server older than 15, whose
/// untouched `public` schema is owned by the bootstrap superuser and open to `CREATE` by everyone, the
/// declared side takes the live side's owner and grants when the live side holds that older default, so an
/// untouched schema is not drift on PostgreSQL 14.
fn public_schema_defaults(
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

fn function_kind(f: &Function) -> (ObjectKind, &'static str) {
    match f.kind {
        FunctionKind::Procedure => (ObjectKind::Procedure, "PROCEDURE"),
        FunctionKind::Aggregate => (ObjectKind::Aggregate, "AGGREGATE"),
        FunctionKind::Function | FunctionKind::Window => (ObjectKind::Function, "FUNCTION"),
    }
}

fn view_kind(v: &View) -> (ObjectKind, &'static str, u8) {
    match v.kind {
        ViewKind::View => (ObjectKind::View, "VIEW", class::VIEW),
        ViewKind::Materialized => (
            ObjectKind::MaterializedView,
            "MATERIALIZED VIEW",
            class::MATVIEW,
        ),
    }
}

fn type_kind(t: &Type) -> (ObjectKind, &'static str) {
    match t.kind {
        TypeKind::Domain { .. } => (ObjectKind::Domain, "DOMAIN"),
        _ => (ObjectKind::Type, "TYPE"),
    }
}

impl<'a> Differ<'a> {
    pub(crate) fn run(from: &'a Database, to: &'a Database, opts: &'a Options) -> Output {
        let mut d = Differ {
            from,
            to,
            opts,
            fi: Index::new(from),
            out: Output {
                changes: Vec::new(),
                ops: Vec::new(),
                errors: Vec::new(),
                uncertain: Vec::new(),
            },
            seeds: BTreeSet::new(),
            dropped_tables: BTreeSet::new(),
            rebuilt: BTreeSet::new(),
            retyped: Vec::new(),
            retyped_set: BTreeSet::new(),
            grants_stated: (crate::grants::stated(from), crate::grants::stated(to)),
        };
        d.schemas();
        d.extensions();
        d.collations();
        d.types();
        d.tables();
        d.replica_identities();
        d.views();
        d.functions();
        d.sequences();
        d.default_privileges();
        d.rebuild_foreign_keys();
        d.rebuild_dependants();
        d.out
    }

    // ----- helpers -------------------------------------------------------------------------------------

    fn change(&mut self, kind: ObjectKind, object: &str, action: Action) {
        self.out.changes.push(Change {
            kind,
            object: object.to_string(),
            action,
            attribute: None,
            from: None,
            to: None,
        });
    }

    fn change_attr(
        &mut self,
        kind: ObjectKind,
        object: &str,
        attr: &str,
        from: Option<String>,
        to: Option<String>,
    ) {
        self.out.changes.push(Change {
            kind,
            object: object.to_string(),
            action: Action::Alter,
            attribute: Some(attr.to_string()),
            from,
            to,
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn op(
        &mut self,
        key: Key,
        role: Action,
        kind: ObjectKind,
        object: &str,
        sql: Vec<String>,
        hazards: Vec<Hazard>,
        class: u8,
        stage: Option<Stage>,
    ) -> usize {
        self.out.ops.push(Op {
            key,
            also: Vec::new(),
            role,
            action: role,
            kind,
            object: object.to_string(),
            sql,
            hazards,
            transactional: true,
            class,
            stage,
        });
        self.out.ops.len() - 1
    }

    /// Whether two SQL texts of an object mean the same. Between two live databases the server's text is
    /// canonical and compared as text; when a side is declared SQL read offline (no server version), both
    /// texts go through the normaliser (`plumb_normal`). Text the normaliser cannot compare is noted as
    /// uncertain and treated as unchanged, so no destructive step is planned for it.
    fn same_sql(&mut self, sql: Sql, kind: ObjectKind, object: &str, a: &str, b: &str) -> bool {
        if a == b {
            return true;
        }
        if self.both_live() {
            return false;
        }
        match crate::same::compare(sql, a, b) {
            crate::same::Verdict::Same => true,
            crate::same::Verdict::Different => false,
            crate::same::Verdict::Uncertain(reason) => {
                self.out.uncertain.push(crate::Uncertain {
                    kind,
                    object: object.to_string(),
                    reason,
                });
                true
            }
        }
    }

    fn same_sql_opt(
        &mut self,
        sql: Sql,
        kind: ObjectKind,
        object: &str,
        a: Option<&str>,
        b: Option<&str>,
    ) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => self.same_sql(sql, kind, object, a, b),
            // `DEFAULT NULL` declared, no default stored (or the server's `NULL::type` against none)
            (Some(x), None) | (None, Some(x)) if sql == Sql::Expr && !self.both_live() => {
                crate::same::is_null(x)
            }
            (a, b) => a == b,
        }
    }

    /// The same column names and types. A view's column types follow from its query and the types of what
    /// it reads, both compared on their own; declared SQL read offline cannot always infer them (an aggregate
    /// the model lacks, the common type of a UNION's branches), so offline a type that differs is
    /// uncertain, not a change.
    fn same_view_columns(&mut self, kind: ObjectKind, object: &str, f: &View, t: &View) -> bool {
        if f.columns.len() != t.columns.len() {
            return false;
        }
        let mut unknown = Vec::new();
        for (a, b) in f.columns.iter().zip(&t.columns) {
            if a.name != b.name {
                return false;
            }
            if a.type_name != b.type_name {
                if self.both_live() {
                    return false;
                }
                unknown.push(a.name.clone());
            }
        }
        if !unknown.is_empty() {
            self.out.uncertain.push(crate::Uncertain {
                kind,
                object: object.to_string(),
                reason: format!(
                    "the type of column(s) {} cannot be inferred offline",
                    unknown.join(", ")
                ),
            });
        }
        true
    }

    /// True when `db` is declared SQL that has `f` as an object plumb-parse does not model (an aggregate):
    /// it is there, but offline cannot compare it. Noted as uncertain.
    fn unmodelled_in(&mut self, db: &Database, f: &Function) -> bool {
        let listed = db.server_version.is_none()
            && f.kind == FunctionKind::Aggregate
            && db.unsupported.iter().any(|u| {
                u.kind == "aggregate"
                    && (u.name == f.id.name || u.name == format!("{}.{}", f.id.schema, f.id.name))
            });
        if listed {
            self.out.uncertain.push(crate::Uncertain {
                kind: function_kind(f).0,
                object: f.id.to_string(),
                reason: "aggregates are not read offline".into(),
            });
        }
        listed
    }

    /// `ALTER DEFAULT PRIVILEGES` entries, compared when both sides' privileges are known. An entry declared
    /// without a role (`role_assumed`) is compared with the other side's entry of the one role that has
    /// entries there, and written without `FOR ROLE` (it is for whoever runs the plan). Entries in a schema
    /// the plan drops go with it.
    fn default_privileges(&mut self) {
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
            let mut pre = "ALTER DEFAULT PRIVILEGES".to_string();
            if !te.is_some_and(|t| t.role_assumed) {
                pre.push_str(&format!(" FOR ROLE {}", quote_ident(&e.role)));
            }
            if let Some(schema) = &e.schema {
                pre.push_str(&format!(" IN SCHEMA {}", quote_ident(schema)));
            }
            let sql: Vec<String> = grant_sql(e.on.plural(), &a, &b)
                .into_iter()
                .map(|g| format!("{pre} {g}"))
                .collect();
            let action = match (fe, te) {
                (None, Some(_)) => Action::Create,
                (Some(_), None) => Action::Drop,
                _ => Action::Alter,
            };
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
            self.out.changes.push(Change {
                kind: ObjectKind::DefaultPrivileges,
                object: key.clone(),
                action,
                attribute: (action == Action::Alter).then(|| "grants".to_string()),
                from: (action == Action::Alter).then(|| describe(&a)),
                to: (action == Action::Alter).then(|| describe(&b)),
            });
            self.op(
                Key::DefaultPrivileges(key.clone(), e.schema.clone()),
                Action::Alter,
                ObjectKind::DefaultPrivileges,
                key,
                sql,
                vec![hz(
                    HazardKind::AuthzUpdate,
                    "changes the privileges of objects created from now on",
                )],
                class::MISC,
                None,
            );
        }
    }

    fn both_live(&self) -> bool {
        self.from.server_version.is_some() && self.to.server_version.is_some()
    }

    /// The same parent and a bound of the same meaning (see [`Self::same_sql`]).
    fn same_partition(
        &mut self,
        object: &str,
        a: Option<&plumb_model::PartitionOf>,
        b: Option<&plumb_model::PartitionOf>,
    ) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => {
                a.parent == b.parent
                    && self.same_sql(
                        Sql::PartitionBound,
                        ObjectKind::Table,
                        object,
                        &a.bound,
                        &b.bound,
                    )
            }
            (a, b) => a == b,
        }
    }

    fn owners_compared(&self) -> bool {
        !self.opts.ignore_owners
    }

    /// Comment, owner and grant changes of an object present on both sides, each as its own operation.
    #[allow(clippy::too_many_arguments)]
    fn common_alters(
        &mut self,
        key: &Key,
        kind: ObjectKind,
        object: &str,
        comment_target: &str,
        owner_target: &str,
        grant: Option<(AclKind, &str)>,
        f: &Common,
        t: &Common,
        stage: Option<Stage>,
    ) {
        if f.comment != t.comment {
            self.change_attr(
                kind,
                object,
                "comment",
                opt_text(&f.comment),
                opt_text(&t.comment),
            );
            let sql = vec![comment_sql(comment_target, t.comment.as_deref())];
            self.op(
                key.clone(),
                Action::Alter,
                kind,
                object,
                sql,
                vec![],
                class::MISC,
                stage,
            );
        }
        if self.owners_compared() {
            if let (Some(a), Some(b)) = (&f.owner, &t.owner) {
                if a != b {
                    self.change_attr(kind, object, "owner", Some(a.clone()), Some(b.clone()));
                    let sql = vec![format!("ALTER {owner_target} OWNER TO {};", quote_ident(b))];
                    self.op(
                        key.clone(),
                        Action::Alter,
                        kind,
                        object,
                        sql,
                        vec![],
                        class::MISC,
                        stage,
                    );
                }
            }
        }
        if let Some((on, target)) = grant {
            if self.opts.ignore_privileges {
                return;
            }
            let version = self.live_version();
            if f.grants.is_none() && t.grants.is_none() && f.owner.is_some() && t.owner.is_some() {
                return;
            }
            let a = crate::grants::effective(on, f, self.grants_stated.0, t, version);
            let b = crate::grants::effective(on, t, self.grants_stated.1, f, version);
            if let (Some(a), Some(b)) = (a, b) {
                let sql = grant_sql(target, &a, &b);
                if !sql.is_empty() {
                    let show = |s: &BTreeSet<Grant>| {
                        s.iter()
                            .map(|g| {
                                format!(
                                    "{}:{}{}",
                                    g.grantee,
                                    g.privilege,
                                    if g.with_grant_option { "*" } else { "" }
                                )
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    self.change_attr(kind, object, "grants", Some(show(&a)), Some(show(&b)));
                    self.op(
                        key.clone(),
                        Action::Alter,
                        kind,
                        object,
                        sql,
                        vec![],
                        class::MISC,
                        stage,
                    );
                }
            }
        }
    }

    /// The version of the server whose privileges are compared: the live side's (`from` first, the database
    /// the plan runs on). `None` when both sides are declared SQL.
    fn live_version(&self) -> Option<u32> {
        self.from.server_version.or(self.to.server_version)
    }

    /// Comment and grants written right after a create.
    fn create_extras(
        &self,
        comment_target: &str,
        grant: Option<(AclKind, &str)>,
        c: &Common,
        sql: &mut Vec<String>,
    ) {
        if let Some(text) = &c.comment {
            sql.push(comment_sql(comment_target, Some(text)));
        }
        if let (Some((on, target)), Some(g), Some(owner)) = (grant, &c.grants, &c.owner) {
            if !self.opts.ignore_privileges {
                let version = self.live_version();
                sql.extend(grant_sql(
                    target,
                    &on.default_grants_at(owner, version),
                    &on.grants_at(g, version),
                ));
            }
        }
    }

    // ----- schemas, extensions, collations ------------------------------------------------------------

    fn schemas(&mut self) {
        let (from, to) = (self.from, self.to);
        for (name, s) in &from.schemas {
            if !to.schemas.contains_key(name) {
                let obj = quote_ident(name);
                self.change(ObjectKind::Schema, &obj, Action::Drop);
                let h = vec![hz(HazardKind::DataLoss, format!("drops schema {obj}"))];
                self.op(
                    Key::Schema(name.clone()),
                    Action::Drop,
                    ObjectKind::Schema,
                    &obj,
                    vec![format!("DROP SCHEMA {obj};")],
                    h,
                    class::SCHEMA,
                    None,
                );
                self.seeds.insert(Key::Schema(s.name.clone()));
            }
        }
        for (name, s) in &to.schemas {
            let obj = quote_ident(name);
            let target = format!("SCHEMA {obj}");
            match from.schemas.get(name) {
                None => {
                    self.change(ObjectKind::Schema, &obj, Action::Create);
                    let mut sql = vec![format!("CREATE SCHEMA {obj};")];
                    self.create_extras(
                        &target,
                        Some((AclKind::Schema, &target)),
                        &s.common,
                        &mut sql,
                    );
                    self.op(
                        Key::Schema(name.clone()),
                        Action::Create,
                        ObjectKind::Schema,
                        &obj,
                        sql,
                        vec![],
                        class::SCHEMA,
                        None,
                    );
                }
                Some(f) => {
                    let key = Key::Schema(name.clone());
                    let (fc, tc) = public_schema_defaults(name, from, &f.common, to, &s.common);
                    self.common_alters(
                        &key,
                        ObjectKind::Schema,
                        &obj,
                        &target,
                        &target,
                        Some((AclKind::Schema, &target)),
                        &fc,
                        &tc,
                        None,
                    );
                }
            }
        }
    }

    fn extensions(&mut self) {
        let (from, to) = (self.from, self.to);
        for name in from.extensions.keys() {
            if !to.extensions.contains_key(name) {
                let obj = quote_ident(name);
                self.change(ObjectKind::Extension, &obj, Action::Drop);
                let sql = vec![format!("DROP EXTENSION {obj};")];
                self.op(
                    Key::Extension(name.clone()),
                    Action::Drop,
                    ObjectKind::Extension,
                    &obj,
                    sql,
                    vec![],
                    class::EXTENSION,
                    None,
                );
            }
        }
        for (name, e) in &to.extensions {
            let obj = quote_ident(name);
            let key = Key::Extension(name.clone());
            match from.extensions.get(name) {
                None => {
                    self.change(ObjectKind::Extension, &obj, Action::Create);
                    let mut s = format!(
                        "CREATE EXTENSION IF NOT EXISTS {obj} WITH SCHEMA {}",
                        quote_ident(&e.schema)
                    );
                    if let Some(v) = &e.version {
                        s.push_str(&format!(" VERSION {}", quote_literal(v)));
                    }
                    s.push(';');
                    let mut sql = vec![s];
                    if let Some(c) = &e.comment {
                        sql.push(comment_sql(&format!("EXTENSION {obj}"), Some(c)));
                    }
                    self.op(
                        key,
                        Action::Create,
                        ObjectKind::Extension,
                        &obj,
                        sql,
                        vec![],
                        class::EXTENSION,
                        None,
                    );
                }
                Some(f) => {
                    if f.schema != e.schema {
                        self.change_attr(
                            ObjectKind::Extension,
                            &obj,
                            "schema",
                            Some(f.schema.clone()),
                            Some(e.schema.clone()),
                        );
                        let sql = vec![format!(
                            "ALTER EXTENSION {obj} SET SCHEMA {};",
                            quote_ident(&e.schema)
                        )];
                        self.op(
                            key.clone(),
                            Action::Alter,
                            ObjectKind::Extension,
                            &obj,
                            sql,
                            vec![],
                            class::EXTENSION,
                            None,
                        );
                    }
                    if let (Some(a), Some(b)) = (&f.version, &e.version) {
                        if a != b {
                            self.change_attr(
                                ObjectKind::Extension,
                                &obj,
                                "version",
                                Some(a.clone()),
                                Some(b.clone()),
                            );
                            let sql = vec![format!(
                                "ALTER EXTENSION {obj} UPDATE TO {};",
                                quote_literal(b)
                            )];
                            self.op(
                                key.clone(),
                                Action::Alter,
                                ObjectKind::Extension,
                                &obj,
                                sql,
                                vec![],
                                class::EXTENSION,
                                None,
                            );
                        }
                    }
                    if f.comment != e.comment {
                        self.change_attr(
                            ObjectKind::Extension,
                            &obj,
                            "comment",
                            f.comment.clone(),
                            e.comment.clone(),
                        );
                        let sql = vec![comment_sql(
                            &format!("EXTENSION {obj}"),
                            e.comment.as_deref(),
                        )];
                        self.op(
                            key,
                            Action::Alter,
                            ObjectKind::Extension,
                            &obj,
                            sql,
                            vec![],
                            class::MISC,
                            None,
                        );
                    }
                }
            }
        }
    }

    fn collations(&mut self) {
        let (from, to) = (self.from, self.to);
        for (name, f) in &from.collations {
            let t = to.collations.get(name);
            let differs = t.is_some_and(|t| {
                (
                    &t.provider,
                    &t.locale,
                    &t.lc_collate,
                    &t.lc_ctype,
                    t.deterministic,
                ) != (
                    &f.provider,
                    &f.locale,
                    &f.lc_collate,
                    &f.lc_ctype,
                    f.deterministic,
                )
            });
            if t.is_none() || differs {
                let obj = name.to_string();
                if t.is_none() {
                    self.change(ObjectKind::Collation, &obj, Action::Drop);
                } else {
                    self.change_attr(ObjectKind::Collation, &obj, "definition", None, None);
                }
                let sql = vec![format!("DROP COLLATION {obj};")];
                self.op(
                    Key::Collation(name.clone()),
                    Action::Drop,
                    ObjectKind::Collation,
                    &obj,
                    sql,
                    vec![],
                    class::COLLATION,
                    None,
                );
                self.seeds.insert(Key::Collation(name.clone()));
            }
        }
        for (name, c) in &to.collations {
            let obj = name.to_string();
            let key = Key::Collation(name.clone());
            let recreate = self
                .out
                .ops
                .iter()
                .any(|o| o.key == key && o.role == Action::Drop);
            match from.collations.get(name) {
                Some(f) if !recreate => {
                    self.common_alters(
                        &key,
                        ObjectKind::Collation,
                        &obj,
                        &format!("COLLATION {obj}"),
                        &format!("COLLATION {obj}"),
                        None,
                        &f.common,
                        &c.common,
                        None,
                    );
                }
                _ => {
                    if !recreate {
                        self.change(ObjectKind::Collation, &obj, Action::Create);
                    }
                    let provider = match c.provider.as_str() {
                        "i" => "icu",
                        "c" => "libc",
                        _ => "libc",
                    };
                    let mut parts = vec![format!("provider = {provider}")];
                    if let Some(l) = &c.locale {
                        parts.push(format!("locale = {}", quote_literal(l)));
                    }
                    if c.locale.is_none() || provider == "libc" {
                        if let Some(l) = &c.lc_collate {
                            parts.push(format!("lc_collate = {}", quote_literal(l)));
                        }
                        if let Some(l) = &c.lc_ctype {
                            parts.push(format!("lc_ctype = {}", quote_literal(l)));
                        }
                    }
                    if !c.deterministic {
                        parts.push("deterministic = false".to_string());
                    }
                    let mut sql = vec![format!("CREATE COLLATION {obj} ({});", parts.join(", "))];
                    self.create_extras(&format!("COLLATION {obj}"), None, &c.common, &mut sql);
                    self.op(
                        key,
                        Action::Create,
                        ObjectKind::Collation,
                        &obj,
                        sql,
                        vec![],
                        class::COLLATION,
                        None,
                    );
                }
            }
        }
    }

    // ----- types --------------------------------------------------------------------------------------

    fn create_type_sql(&self, t: &Type) -> Vec<String> {
        let name = &t.name;
        let mut sql = Vec::new();
        match &t.kind {
            TypeKind::Enum { labels } => {
                let l: Vec<String> = labels.iter().map(|l| quote_literal(l)).collect();
                sql.push(format!("CREATE TYPE {name} AS ENUM ({});", l.join(", ")));
            }
            TypeKind::Domain {
                base,
                collation,
                default,
                not_null,
                constraints,
            } => {
                let mut s = format!("CREATE DOMAIN {name} AS {base}");
                if let Some(c) = collation {
                    s.push_str(&format!(" COLLATE {c}"));
                }
                if let Some(d) = default {
                    s.push_str(&format!(" DEFAULT {d}"));
                }
                if *not_null {
                    s.push_str(" NOT NULL");
                }
                for c in constraints.values().filter(|c| c.validated) {
                    s.push_str(&format!(
                        " CONSTRAINT {} {}",
                        quote_ident(&c.name),
                        c.definition
                    ));
                }
                s.push(';');
                sql.push(s);
                for c in constraints.values().filter(|c| !c.validated) {
                    sql.push(format!(
                        "ALTER DOMAIN {name} ADD CONSTRAINT {} {};",
                        quote_ident(&c.name),
                        c.definition
                    ));
                }
            }
            TypeKind::Composite { attributes } => {
                let a: Vec<String> = attributes
                    .iter()
                    .map(|a| {
                        let mut s = format!("{} {}", quote_ident(&a.name), a.type_name);
                        if let Some(c) = &a.collation {
                            s.push_str(&format!(" COLLATE {c}"));
                        }
                        s
                    })
                    .collect();
                sql.push(format!("CREATE TYPE {name} AS ({});", a.join(", ")));
            }
            TypeKind::Range {
                subtype,
                subtype_opclass,
                collation,
                canonical,
                subtype_diff,
                multirange,
            } => {
                let mut p = vec![format!("subtype = {subtype}")];
                if let Some(o) = subtype_opclass {
                    p.push(format!("subtype_opclass = {o}"));
                }
                if let Some(c) = collation {
                    p.push(format!("collation = {c}"));
                }
                if let Some(c) = canonical {
                    p.push(format!("canonical = {c}"));
                }
                if let Some(c) = subtype_diff {
                    p.push(format!("subtype_diff = {c}"));
                }
                if let Some(m) = multirange {
                    p.push(format!("multirange_type_name = {m}"));
                }
                sql.push(format!("CREATE TYPE {name} AS RANGE ({});", p.join(", ")));
            }
        }
        let (_, kw) = type_kind(t);
        let target = format!("{kw} {name}");
        self.create_extras(
            &target,
            Some((AclKind::Type, &format!("TYPE {name}"))),
            &t.common,
            &mut sql,
        );
        sql
    }

    fn types(&mut self) {
        let (from, to) = (self.from, self.to);
        self.retype();
        for (name, f) in &from.types {
            if !to.types.contains_key(name) {
                self.drop_type(f, false);
            }
        }
        for (name, t) in &to.types {
            let obj = name.to_string();
            let (kind, kw) = type_kind(t);
            let key = Key::Type(name.clone());
            let Some(f) = from.types.get(name) else {
                self.change(kind, &obj, Action::Create);
                let sql = self.create_type_sql(t);
                self.op(
                    key,
                    Action::Create,
                    kind,
                    &obj,
                    sql,
                    vec![],
                    class::TYPE,
                    None,
                );
                continue;
            };
            let target = format!("{kw} {name}");
            match (&f.kind, &t.kind) {
                (TypeKind::Enum { labels: a }, TypeKind::Enum { labels: b }) => {
                    if a != b {
                        self.change_attr(
                            kind,
                            &obj,
                            "labels",
                            Some(a.join(", ")),
                            Some(b.join(", ")),
                        );
                        self.enum_change(t, a, b);
                    }
                }
                (
                    TypeKind::Domain {
                        base: fb,
                        collation: fc,
                        default: fd,
                        not_null: fnn,
                        constraints: fcs,
                    },
                    TypeKind::Domain {
                        base: tb,
                        collation: tc,
                        default: td,
                        not_null: tnn,
                        constraints: tcs,
                    },
                ) => {
                    if fb != tb || fc != tc {
                        self.change_attr(kind, &obj, "base", Some(fb.clone()), Some(tb.clone()));
                        if self.retyped_set.contains(name) {
                            continue; // rebuilt with its users by `retype`
                        }
                        self.drop_type(f, true);
                        let sql = self.create_type_sql(t);
                        self.op(
                            key.clone(),
                            Action::Create,
                            kind,
                            &obj,
                            sql,
                            vec![],
                            class::TYPE,
                            None,
                        );
                        continue;
                    }
                    let mut sql = Vec::new();
                    if fd != td {
                        self.change_attr(kind, &obj, "default", fd.clone(), td.clone());
                        sql.push(match td {
                            Some(d) => format!("ALTER DOMAIN {name} SET DEFAULT {d};"),
                            None => format!("ALTER DOMAIN {name} DROP DEFAULT;"),
                        });
                    }
                    if fnn != tnn {
                        self.change_attr(
                            kind,
                            &obj,
                            "not_null",
                            Some(fnn.to_string()),
                            Some(tnn.to_string()),
                        );
                        sql.push(format!(
                            "ALTER DOMAIN {name} {} NOT NULL;",
                            if *tnn { "SET" } else { "DROP" }
                        ));
                    }
                    for (cn, c) in fcs {
                        if tcs.get(cn) != Some(c) {
                            self.change_attr(
                                kind,
                                &obj,
                                "constraint",
                                Some(c.definition.clone()),
                                tcs.get(cn).map(|c| c.definition.clone()),
                            );
                            sql.push(format!(
                                "ALTER DOMAIN {name} DROP CONSTRAINT {};",
                                quote_ident(cn)
                            ));
                        }
                    }
                    for (cn, c) in tcs {
                        if fcs.get(cn) != Some(c) {
                            if !fcs.contains_key(cn) {
                                self.change_attr(
                                    kind,
                                    &obj,
                                    "constraint",
                                    None,
                                    Some(c.definition.clone()),
                                );
                            }
                            sql.push(format!(
                                "ALTER DOMAIN {name} ADD CONSTRAINT {} {};",
                                quote_ident(cn),
                                c.definition
                            ));
                        }
                    }
                    // a domain over a rebuilt type is created anew from its new definition
                    if !sql.is_empty() && !self.retyped_set.contains(name) {
                        self.op(
                            key.clone(),
                            Action::Alter,
                            kind,
                            &obj,
                            sql,
                            vec![],
                            class::TYPE,
                            None,
                        );
                    }
                }
                (
                    TypeKind::Composite { attributes: fa },
                    TypeKind::Composite { attributes: ta },
                ) => {
                    let mut sql = Vec::new();
                    let mut hazards = Vec::new();
                    // attributes of a rebuilt type are converted by `retype`
                    let retyped: BTreeSet<&str> = fa
                        .iter()
                        .filter(|a| self.refs_retyped(&a.type_name))
                        .map(|a| a.name.as_str())
                        .collect();
                    for a in fa {
                        if retyped.contains(a.name.as_str()) {
                            continue;
                        }
                        if !ta.iter().any(|b| b.name == a.name) {
                            self.change_attr(kind, &obj, "attribute", Some(a.name.clone()), None);
                            sql.push(format!(
                                "ALTER TYPE {name} DROP ATTRIBUTE {};",
                                quote_ident(&a.name)
                            ));
                            hazards.push(hz(
                                HazardKind::DataLoss,
                                format!("drops attribute {}", quote_ident(&a.name)),
                            ));
                        }
                    }
                    for b in ta {
                        if retyped.contains(b.name.as_str()) {
                            continue;
                        }
                        match fa.iter().find(|a| a.name == b.name) {
                            None => {
                                self.change_attr(
                                    kind,
                                    &obj,
                                    "attribute",
                                    None,
                                    Some(b.name.clone()),
                                );
                                let mut s = format!(
                                    "ALTER TYPE {name} ADD ATTRIBUTE {} {}",
                                    quote_ident(&b.name),
                                    b.type_name
                                );
                                if let Some(c) = &b.collation {
                                    s.push_str(&format!(" COLLATE {c}"));
                                }
                                sql.push(s + ";");
                            }
                            Some(a) if a != b => {
                                self.change_attr(
                                    kind,
                                    &obj,
                                    "attribute type",
                                    Some(a.type_name.clone()),
                                    Some(b.type_name.clone()),
                                );
                                let mut s = format!(
                                    "ALTER TYPE {name} ALTER ATTRIBUTE {} TYPE {}",
                                    quote_ident(&b.name),
                                    b.type_name
                                );
                                if let Some(c) = &b.collation {
                                    s.push_str(&format!(" COLLATE {c}"));
                                }
                                sql.push(s + ";");
                                hazards.push(hz(
                                    HazardKind::DataLoss,
                                    "changes the type of an attribute",
                                ));
                            }
                            _ => {}
                        }
                    }
                    if !sql.is_empty() {
                        self.op(
                            key.clone(),
                            Action::Alter,
                            kind,
                            &obj,
                            sql,
                            hazards,
                            class::TYPE,
                            None,
                        );
                    }
                }
                (a, b) if a == b => {}
                _ => {
                    self.change_attr(kind, &obj, "definition", None, None);
                    if let Some(user) = self.type_user(name) {
                        self.out.errors.push((
                            obj.clone(),
                            format!(
                                "its definition changes, which takes DROP TYPE and CREATE TYPE, but {user} uses it; \
                                 change or drop that first"
                            ),
                        ));
                    }
                    self.drop_type(f, true);
                    let sql = self.create_type_sql(t);
                    self.op(
                        key.clone(),
                        Action::Create,
                        kind,
                        &obj,
                        sql,
                        vec![],
                        class::TYPE,
                        None,
                    );
                    continue;
                }
            }
            if self.retyped_set.contains(name) {
                continue; // created anew with its comment and grants
            }
            self.common_alters(
                &key,
                kind,
                &obj,
                &target,
                &target,
                Some((AclKind::Type, &format!("TYPE {name}"))),
                &f.common,
                &t.common,
                None,
            );
        }
    }

    /// True when a type name or SQL text names a type rebuilt by [`Self::retype`].
    fn refs_retyped(&self, text: &str) -> bool {
        !self.retyped_set.is_empty()
            && crate::keys::names_in(text)
                .iter()
                .any(|q| self.retyped_set.contains(q))
    }

    /// Something in `from` that would keep type `ty` from being dropped and that plumb cannot convert: a
    /// column, a typed table, a domain, a composite attribute or a range over it.
    fn type_user(&self, ty: &QualName) -> Option<String> {
        let from = self.from;
        let names = |text: &str| crate::keys::names_in(text).contains(ty);
        for (tn, t) in &from.tables {
            if t.of_type.as_ref() == Some(ty) {
                return Some(format!("typed table {tn}"));
            }
            for c in &t.columns {
                if names(&c.type_name) {
                    return Some(format!("column {tn}.{}", quote_ident(&c.name)));
                }
            }
        }
        for (n, t) in &from.types {
            if n == ty {
                continue;
            }
            match &t.kind {
                TypeKind::Domain { base, .. } if names(base) => {
                    return Some(format!("domain {n}"));
                }
                TypeKind::Composite { attributes } => {
                    if let Some(a) = attributes.iter().find(|a| names(&a.type_name)) {
                        return Some(format!(
                            "attribute {} of composite type {n}",
                            quote_ident(&a.name)
                        ));
                    }
                }
                TypeKind::Range { subtype, .. } if names(subtype) => {
                    return Some(format!("range type {n}"));
                }
                _ => {}
            }
        }
        None
    }

    /// Types that cannot be altered in place but whose users can be converted: enums that lose or reorder
    /// values, domains whose base type (or collation) changes, and the domains over either. One step renames
    /// each away, creates it anew, converts its users (composite attributes with `ALTER ATTRIBUTE`,
    /// columns with `ALTER COLUMN ... TYPE ... USING`), and drops the old types. Functions, views,
    /// constraints and indexes that name these types are dropped before the step and created after it (they
    /// are seeds of `rebuild_dependants`, or recreated by `alter_table`). What PostgreSQL cannot convert is
    /// reported as an error rather than planned as SQL that fails.
    fn retype(&mut self) {
        let (from, to) = (self.from, self.to);
        let mut roots: Vec<&QualName> = Vec::new();
        for (name, f) in &from.types {
            let Some(t) = to.types.get(name) else {
                continue;
            };
            let root = match (&f.kind, &t.kind) {
                (TypeKind::Enum { labels: a }, TypeKind::Enum { labels: b }) => {
                    let mut it = b.iter();
                    !a.iter().all(|x| it.any(|y| y == x))
                }
                (
                    TypeKind::Domain {
                        base: fb,
                        collation: fc,
                        ..
                    },
                    TypeKind::Domain {
                        base: tb,
                        collation: tc,
                        ..
                    },
                ) => fb != tb || fc != tc,
                _ => false,
            };
            if root {
                roots.push(name);
            }
        }
        if roots.is_empty() {
            return;
        }
        // the closure: domains (on both sides) over a rebuilt type, in an order where each comes after
        // its base
        let mut set: BTreeSet<QualName> = roots.iter().map(|q| (*q).clone()).collect();
        loop {
            let mut more = Vec::new();
            for (name, f) in &from.types {
                if set.contains(name) || !to.types.contains_key(name) {
                    continue;
                }
                if let TypeKind::Domain { base, .. } = &f.kind {
                    if crate::keys::names_in(base).iter().any(|q| set.contains(q)) {
                        more.push(name.clone());
                    }
                }
            }
            if more.is_empty() {
                break;
            }
            set.extend(more);
        }
        let base_of = |q: &QualName| match from.types.get(q).map(|t| &t.kind) {
            Some(TypeKind::Domain { base, .. }) => crate::keys::names_in(base)
                .into_iter()
                .find(|b| set.contains(b) && b != q),
            _ => None,
        };
        let mut order: Vec<QualName> = Vec::new();
        while order.len() < set.len() {
            let before = order.len();
            for q in &set {
                if !order.contains(q) && base_of(q).is_none_or(|b| order.contains(&b)) {
                    order.push(q.clone());
                }
            }
            if order.len() == before {
                break; // a cycle cannot come from a catalog
            }
        }
        self.retyped = order.clone();
        self.retyped_set = set.clone();
        let first = order[0].clone();
        let obj = first.to_string();
        let mut errors: Vec<(String, String)> = Vec::new();
        let old_name = |q: &QualName| {
            let mut n = format!("{}__plumb_old", q.name);
            while n.len() > 63 {
                n.remove(0);
            }
            QualName::new(&q.schema, n)
        };
        let kw = |q: &QualName| match from.types.get(q).map(|t| &t.kind) {
            Some(TypeKind::Domain { .. }) => "DOMAIN",
            _ => "TYPE",
        };
        let mut sql = Vec::new();
        let mut also: Vec<Key> = Vec::new();
        let mut hazards = vec![hz(
            HazardKind::TableRewrite,
            format!(
                "rebuilds {} and rewrites every column of {}",
                order
                    .iter()
                    .map(|q| q.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                if order.len() == 1 {
                    "that type"
                } else {
                    "these types"
                }
            ),
        )];
        for q in &order {
            let (Some(f), Some(t)) = (from.types.get(q), to.types.get(q)) else {
                continue;
            };
            sql.push(format!(
                "ALTER {} {q} RENAME TO {};",
                kw(q),
                quote_ident(&old_name(q).name)
            ));
            sql.extend(self.create_type_sql(t));
            if q != &first {
                also.push(Key::Type(q.clone()));
            }
            match (&f.kind, &t.kind) {
                (TypeKind::Enum { labels: a }, TypeKind::Enum { labels: b }) => {
                    let removed: Vec<String> = a
                        .iter()
                        .filter(|x| !b.contains(x))
                        .map(|x| quote_literal(x))
                        .collect();
                    if !removed.is_empty() {
                        hazards.push(hz(
                            HazardKind::DataLoss,
                            format!(
                                "removes enum value(s) {} of {q}: rows holding them make the conversion fail",
                                removed.join(", ")
                            ),
                        ));
                    }
                }
                (TypeKind::Domain { base: fb, .. }, TypeKind::Domain { base: tb, .. })
                    if fb != tb =>
                {
                    hazards.push(hz(
                        HazardKind::DataLoss,
                        format!("converting the values of domain {q} from {fb} to {tb} can fail or lose information"),
                    ));
                }
                _ => {}
            }
        }
        let names_set = |text: &str| {
            crate::keys::names_in(text)
                .into_iter()
                .find(|q| set.contains(q))
        };
        // ranges over a rebuilt type
        for (n, t) in &from.types {
            if let TypeKind::Range { subtype, .. } = &t.kind {
                if let Some(q) = names_set(subtype) {
                    errors.push((
                        n.to_string(),
                        format!("its subtype {q} is rebuilt, and a range type cannot be altered; drop the range type first"),
                    ));
                }
            }
        }
        // composite attributes
        for (n, f) in &from.types {
            let TypeKind::Composite { attributes: fa } = &f.kind else {
                continue;
            };
            let touched: Vec<_> = fa
                .iter()
                .filter(|a| names_set(&a.type_name).is_some())
                .collect();
            if touched.is_empty() {
                continue;
            }
            let Some(TypeKind::Composite { attributes: ta }) = to.types.get(n).map(|t| &t.kind)
            else {
                continue; // dropped, or replaced, before the rebuild
            };
            if let Some(user) = self.type_user(n) {
                errors.push((
                    n.to_string(),
                    format!(
                        "attribute {} has type {}, which is rebuilt, and {user} uses this composite type: \
                         PostgreSQL cannot convert the attribute of a composite type in use (ALTER TYPE ... \
                         ALTER ATTRIBUTE has no USING); change or drop that first",
                        quote_ident(&touched[0].name),
                        touched[0].type_name
                    ),
                ));
                continue;
            }
            for a in touched {
                let attr = quote_ident(&a.name);
                match ta.iter().find(|b| b.name == a.name) {
                    Some(b) => {
                        let mut st =
                            format!("ALTER TYPE {n} ALTER ATTRIBUTE {attr} TYPE {}", b.type_name);
                        if let Some(c) = &b.collation {
                            st.push_str(&format!(" COLLATE {c}"));
                        }
                        sql.push(st + ";");
                    }
                    None => sql.push(format!("ALTER TYPE {n} DROP ATTRIBUTE {attr};")),
                }
            }
            also.push(Key::Type(n.clone()));
        }
        // columns
        for (tn, ft) in &from.tables {
            let Some(tt) = to.tables.get(tn) else {
                continue;
            };
            if tt.partition_by != ft.partition_by {
                continue; // dropped and created again
            }
            if ft.of_type.as_ref().is_some_and(|o| set.contains(o)) {
                errors.push((
                    tn.to_string(),
                    "its type is rebuilt; a typed table cannot follow".to_string(),
                ));
            }
            for fc in &ft.columns {
                if !fc.is_local && (ft.partition_of.is_some() || !ft.inherits.is_empty()) {
                    continue; // converted with the parent
                }
                let Some(q) = names_set(&fc.type_name) else {
                    continue;
                };
                let Some(tc) = tt.column(&fc.name) else {
                    continue; // dropped before
                };
                let cobj = format!("{tn}.{}", quote_ident(&fc.name));
                if fc.generated.is_some() || tc.generated.is_some() {
                    errors.push((
                        cobj,
                        format!("a generated column of type {}, which is rebuilt: drop the column or its expression first", fc.type_name),
                    ));
                    continue;
                }
                let plain = q.to_string();
                let is_array = fc.type_name == format!("{plain}[]");
                if fc.type_name != plain && !is_array {
                    errors.push((
                        cobj,
                        format!("its type {} names {q}, which is rebuilt, in a way plumb cannot convert", fc.type_name),
                    ));
                    continue;
                }
                let col = quote_ident(&fc.name);
                if fc.default.is_some() && fc.identity.is_none() {
                    sql.push(format!("ALTER TABLE {tn} ALTER COLUMN {col} DROP DEFAULT;"));
                }
                // a domain whose base changes converts through its new base; anything else through text
                let via = match (
                    from.types.get(&q).map(|t| &t.kind),
                    to.types.get(&q).map(|t| &t.kind),
                ) {
                    (
                        Some(TypeKind::Domain { base: fb, .. }),
                        Some(TypeKind::Domain { base: tb, .. }),
                    ) if fb != tb && tc.type_name == fc.type_name && !self.is_enum_type(tb) => {
                        if is_array {
                            format!("{tb}[]")
                        } else {
                            tb.clone()
                        }
                    }
                    _ => "text".to_string(),
                };
                let mut st = format!("ALTER TABLE {tn} ALTER COLUMN {col} TYPE {} ", tc.type_name);
                if let Some(c) = &tc.collation {
                    st.push_str(&format!("COLLATE {c} "));
                }
                st.push_str(&format!("USING {col}::{via}::{};", tc.type_name));
                sql.push(st);
                if let Some(d) = &tc.default {
                    if tc.identity.is_none() {
                        sql.push(format!(
                            "ALTER TABLE {tn} ALTER COLUMN {col} SET DEFAULT {d};"
                        ));
                    }
                }
                also.push(Key::Column(tn.clone(), fc.name.clone()));
            }
        }
        for q in order.iter().rev() {
            sql.push(format!("DROP {} {};", kw(q), old_name(q)));
        }
        self.out.errors.extend(errors);
        let kind = if kw(&first) == "DOMAIN" {
            ObjectKind::Domain
        } else {
            ObjectKind::Type
        };
        let i = self.op(
            Key::Type(first.clone()),
            Action::Alter,
            kind,
            &obj,
            sql,
            hazards,
            class::TYPE,
            None,
        );
        self.out.ops[i].also = also.clone();
        self.seeds
            .extend(order.iter().map(|q| Key::Type(q.clone())));
        self.seeds.extend(also);
    }

    fn drop_type(&mut self, f: &Type, recreate: bool) {
        let (kind, kw) = type_kind(f);
        let obj = f.name.to_string();
        if !recreate {
            self.change(kind, &obj, Action::Drop);
        }
        let h = vec![hz(
            HazardKind::DataLoss,
            format!(
                "drops {} {obj}; columns of this type must be gone first",
                kind.as_str()
            ),
        )];
        self.op(
            Key::Type(f.name.clone()),
            Action::Drop,
            kind,
            &obj,
            vec![format!("DROP {kw} {obj};")],
            h,
            class::TYPE,
            None,
        );
        self.seeds.insert(Key::Type(f.name.clone()));
    }

    /// Values added (in an order compatible with the old one) become `ALTER TYPE ... ADD VALUE`; a removal
    /// or a reorder rebuilds the type, planned by [`Self::retype`].
    fn enum_change(&mut self, t: &Type, a: &[String], b: &[String]) {
        let name = &t.name;
        let obj = name.to_string();
        let key = Key::Type(name.clone());
        if !self.retyped_set.contains(name) {
            let mut sql = Vec::new();
            for (i, l) in b.iter().enumerate() {
                if a.contains(l) {
                    continue;
                }
                let place = if i > 0 {
                    format!(" AFTER {}", quote_literal(&b[i - 1]))
                } else if let Some(next) = b.iter().find(|x| a.contains(x)) {
                    format!(" BEFORE {}", quote_literal(next))
                } else {
                    String::new()
                };
                sql.push(format!(
                    "ALTER TYPE {name} ADD VALUE {}{place};",
                    quote_literal(l)
                ));
            }
            self.op(
                key,
                Action::Alter,
                ObjectKind::Type,
                &obj,
                sql,
                vec![],
                class::TYPE,
                None,
            );
        }
    }

    // ----- tables -------------------------------------------------------------------------------------

    fn tables(&mut self) {
        let (from, to) = (self.from, self.to);
        // which tables go away: gone from `to`, or changed in a way ALTER cannot express
        let mut recreate: BTreeSet<QualName> = BTreeSet::new();
        let table_pairs = pairs(&from.tables, &to.tables);
        for &(name, f, t) in &table_pairs {
            let Some(f) = f else { continue };
            let gone = match t {
                None => true,
                Some(t) => f.partition_by != t.partition_by,
            };
            if gone {
                self.dropped_tables.insert(name.clone());
                if t.is_some() {
                    recreate.insert(name.clone());
                }
            }
        }
        // partitions of a dropped partitioned table go with it
        loop {
            let mut more = Vec::new();
            for (name, f) in &from.tables {
                if let Some(p) = &f.partition_of {
                    if self.dropped_tables.contains(&p.parent)
                        && !self.dropped_tables.contains(name)
                    {
                        more.push(name.clone());
                    }
                }
            }
            if more.is_empty() {
                break;
            }
            for n in more {
                if to.tables.contains_key(&n) {
                    recreate.insert(n.clone());
                }
                self.dropped_tables.insert(n);
            }
        }
        let dropped = self.dropped_tables.clone();
        for name in &dropped {
            let Some(f) = from.tables.get(name) else {
                continue;
            };
            let obj = name.to_string();
            let implicit = f
                .partition_of
                .as_ref()
                .is_some_and(|p| dropped.contains(&p.parent));
            if !recreate.contains(name) {
                self.change(ObjectKind::Table, &obj, Action::Drop);
            } else {
                self.change_attr(
                    ObjectKind::Table,
                    &obj,
                    "partitioning",
                    f.partition_by.clone(),
                    to.tables.get(name).and_then(|t| t.partition_by.clone()),
                );
            }
            self.seeds.insert(Key::Relation(name.clone()));
            if implicit {
                continue;
            }
            let parts = dropped
                .iter()
                .filter(|n| {
                    from.tables
                        .get(*n)
                        .and_then(|x| x.partition_of.as_ref())
                        .is_some_and(|p| &p.parent == name)
                })
                .count();
            let h = vec![hz(
                HazardKind::DataLoss,
                if parts == 0 {
                    format!("drops table {obj} and its rows")
                } else {
                    format!("drops table {obj} with its {parts} partition(s) and their rows")
                },
            )];
            self.op(
                Key::Relation(name.clone()),
                Action::Drop,
                ObjectKind::Table,
                &obj,
                vec![format!("DROP TABLE {obj};")],
                h,
                class::TABLE,
                None,
            );
            // the partitions it drops with it (at any depth) are dropped by this step: their names are free
            // after it, and what depends on them (their schema, a view) is ordered around it
            let mut also = Vec::new();
            let mut under = vec![name.clone()];
            while let Some(p) = under.pop() {
                for (n, x) in &from.tables {
                    if x.partition_of.as_ref().is_some_and(|po| po.parent == p) {
                        also.push(Key::Relation(n.clone()));
                        under.push(n.clone());
                    }
                }
            }
            if let Some(last) = self.out.ops.last_mut() {
                if last.key == Key::Relation(name.clone()) && last.role == Action::Drop {
                    last.also.extend(also);
                }
            }
        }
        self.break_dropped_fk_cycles(&dropped);
        for &(name, f, t) in &table_pairs {
            let Some(t) = t else { continue };
            match f {
                // a table dropped to be created again (its parent's partitioning changed) is created even
                // when it did not change itself
                Some(f) if f == t && !recreate.contains(name) => {}
                Some(f) if !recreate.contains(name) => self.alter_table(f, t),
                _ => {
                    if !recreate.contains(name) {
                        self.change(ObjectKind::Table, &name.to_string(), Action::Create);
                    }
                    self.create_table(t);
                }
            }
        }
        self.partition_indexes();
    }

    /// `REPLICA IDENTITY` of tables and partitioned tables. `USING INDEX` is set by the step that creates
    /// the index when this plan creates it (a new table, or an index created again, which loses the setting),
    /// else by a step of its own after the table's column changes.
    fn replica_identities(&mut self) {
        let (from, to) = (self.from, self.to);
        for (name, t) in &to.tables {
            let before = if self.dropped_tables.contains(name) {
                None
            } else {
                from.tables.get(name).map(|f| &f.replica_identity)
            };
            let index_created = match &t.replica_identity {
                ReplicaIdentity::Index(i) => {
                    let k = Key::Index(name.clone(), i.clone());
                    self.out
                        .ops
                        .iter()
                        .position(|o| o.key == k && o.role == Action::Create)
                }
                _ => None,
            };
            let changed = before.unwrap_or(&ReplicaIdentity::Default) != &t.replica_identity;
            if !changed && index_created.is_none() {
                continue;
            }
            let obj = name.to_string();
            let stmt = format!(
                "ALTER TABLE {name} REPLICA IDENTITY {};",
                t.replica_identity.sql()
            );
            if changed && before.is_some() {
                self.change_attr(
                    ObjectKind::Table,
                    &obj,
                    "replica_identity",
                    before.map(|b| b.sql()),
                    Some(t.replica_identity.sql()),
                );
            }
            if let Some(i) = index_created {
                self.out.ops[i].sql.push(stmt);
                continue;
            }
            if before.is_none() {
                // a new table: with its creation
                let k = Key::Relation(name.clone());
                if let Some(o) = self
                    .out
                    .ops
                    .iter_mut()
                    .find(|o| o.key == k && o.role == Action::Create)
                {
                    o.sql.push(stmt);
                }
                continue;
            }
            self.op(
                Key::Relation(name.clone()),
                Action::Alter,
                ObjectKind::Table,
                &obj,
                vec![stmt],
                vec![],
                class::MISC,
                Some(Stage::AfterColumns),
            );
        }
    }

    /// Tables dropped here whose foreign keys form a cycle (a references b, b references a) cannot be dropped
    /// one after the other: the foreign keys of the cycle are dropped first, as creating such tables adds
    /// them last. The planner then orders each table's drop after its own foreign keys' drops only.
    fn break_dropped_fk_cycles(&mut self, dropped: &BTreeSet<QualName>) {
        use petgraph::graph::DiGraph;
        let from = self.from;
        // the tables dropped by a step of their own (not with a partitioned parent)
        let own: Vec<&QualName> = dropped
            .iter()
            .filter(|n| {
                from.tables.get(*n).is_some_and(|t| {
                    !t.partition_of
                        .as_ref()
                        .is_some_and(|p| dropped.contains(&p.parent))
                })
            })
            .collect();
        let index: BTreeMap<&QualName, usize> =
            own.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let mut g: DiGraph<(), ()> = DiGraph::new();
        let nodes: Vec<_> = own.iter().map(|_| g.add_node(())).collect();
        for (i, n) in own.iter().enumerate() {
            let Some(t) = from.tables.get(*n) else {
                continue;
            };
            for c in t.constraints.values() {
                if let Some(j) = c.references.as_ref().and_then(|r| index.get(r)) {
                    if *j != i {
                        g.add_edge(nodes[i], nodes[*j], ());
                    }
                }
            }
        }
        for scc in petgraph::algo::tarjan_scc(&g) {
            if scc.len() < 2 {
                continue;
            }
            let members: BTreeSet<&QualName> = scc.iter().map(|n| own[n.index()]).collect();
            for n in &members {
                let Some(t) = from.tables.get(*n) else {
                    continue;
                };
                for c in t.constraints.values() {
                    let in_cycle = c.kind == ConstraintKind::ForeignKey
                        && c.is_local
                        && c.references
                            .as_ref()
                            .is_some_and(|r| r != *n && members.contains(r));
                    if in_cycle {
                        self.drop_constraint(n, c, false);
                    }
                }
            }
        }
    }

    /// Indexes of partitions that belong to an index of the parent, done the way `pg_dump` does it. The
    /// parent index is created `ON ONLY` the partitioned table (after its partitions exist, or PostgreSQL
    /// would clone it onto them under names of its own choosing); each partition index is then created
    /// under its own name and attached with `ALTER INDEX parent ATTACH PARTITION child`. The parent
    /// becomes valid once every partition has an attached index, exactly as in the source. A standalone
    /// index that becomes a partition index of the same definition is attached, not rebuilt.
    fn partition_indexes(&mut self) {
        let (from, to) = (self.from, self.to);
        let mut created: BTreeSet<(QualName, String)> = self
            .out
            .ops
            .iter()
            .filter(|o| o.role == Action::Create)
            .filter_map(|o| match &o.key {
                Key::Index(t, n) => Some((t.clone(), n.clone())),
                _ => None,
            })
            .collect();
        // partitions of partitions after their parents: a partition index created here can be the parent
        // of the next level's
        let depth = |mut q: &'a QualName| {
            let mut d = 0usize;
            while let Some(p) = to.tables.get(q).and_then(|t| t.partition_of.as_ref()) {
                q = &p.parent;
                d += 1;
                if d > to.tables.len() {
                    break; // a cycle cannot come from a catalog; do not loop on a hand-made model
                }
            }
            d
        };
        let mut partitions: Vec<(usize, &QualName, &Table)> = to
            .tables
            .iter()
            .filter(|(_, t)| t.partition_of.is_some())
            .map(|(n, t)| (depth(n), n, t))
            .collect();
        partitions.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        for (_, tn, t) in partitions {
            let Some(p) = &t.partition_of else { continue };
            let ft = from
                .tables
                .get(tn)
                .filter(|_| !self.dropped_tables.contains(tn));
            for i in t.indexes.values() {
                let Some(pi) = &i.parent_index else { continue };
                if i.constraint.is_some() {
                    continue;
                }
                let obj = format!("{}.{}", quote_ident(&tn.schema), quote_ident(&i.name));
                let attach = format!("ALTER INDEX {pi} ATTACH PARTITION {obj};");
                let fi = ft.and_then(|f| f.indexes.get(&i.name));
                let standalone = fi.is_some_and(|x| {
                    x.parent_index.is_none()
                        && x.constraint.is_none()
                        && strip_stmt(&x.definition) == strip_stmt(&i.definition)
                });
                let parent_created = created.contains(&(p.parent.clone(), pi.name.clone()));
                // the partition is created or attached here: PostgreSQL clones the parent's indexes
                let joins = match ft {
                    None => true,
                    Some(f) => !self.same_partition(
                        &tn.to_string(),
                        f.partition_of.as_ref(),
                        t.partition_of.as_ref(),
                    ),
                };
                let missing = fi.is_none() && !joins;
                if standalone {
                    // ATTACH PARTITION of the table attaches its matching indexes itself
                    if !parent_created && ft.is_some() && joins {
                        continue;
                    }
                    self.change_attr(
                        ObjectKind::Index,
                        &obj,
                        "parent_index",
                        None,
                        Some(pi.to_string()),
                    );
                    self.op(
                        Key::Index(tn.clone(), i.name.clone()),
                        Action::Alter,
                        ObjectKind::Index,
                        &obj,
                        vec![attach],
                        vec![],
                        class::INDEX,
                        Some(Stage::AfterColumns),
                    );
                } else if parent_created || missing {
                    created.insert((tn.clone(), i.name.clone()));
                    let n = self.out.ops.len();
                    self.create_index(tn, i, ft.is_none(), fi.is_none(), t.partition_by.is_some());
                    if self.out.ops[n].transactional {
                        self.out.ops[n].sql.push(attach);
                    } else {
                        // after CREATE INDEX CONCURRENTLY, in a step of its own
                        self.op(
                            Key::Index(tn.clone(), i.name.clone()),
                            Action::Alter,
                            ObjectKind::Index,
                            &obj,
                            vec![attach],
                            vec![],
                            class::INDEX,
                            Some(Stage::AfterColumns),
                        );
                    }
                }
                // otherwise PostgreSQL creates or attaches it when the partition is created or attached
            }
        }
    }

    fn create_table(&mut self, t: &Table) {
        let name = &t.name;
        let obj = name.to_string();
        let mut items: Vec<String> = Vec::new();
        let cols = local_columns(t, false);
        if let Some(p) = &t.partition_of {
            // A partition takes its columns and their NOT NULL from the parent; a NOT NULL of its own, or one
            // named otherwise than the parent's (PostgreSQL 18), is stated.
            let parent = self.to.tables.get(&p.parent);
            for c in &t.columns {
                let pc = parent.and_then(|pt| pt.column(&c.name));
                let implied = match pc.and_then(|pc| pc.not_null_constraint.as_deref()) {
                    Some(n) => n.name.clone(),
                    None => NotNullConstraint::default_name(&t.name.name, &c.name),
                };
                let clause = not_null_clause(c, &implied);
                if !clause.is_empty()
                    && (!pc.is_some_and(|pc| pc.not_null) || clause != " NOT NULL")
                {
                    items.push(format!("{}{clause}", quote_ident(&c.name)));
                }
            }
        } else {
            items.extend(cols.iter().map(|c| column_def(name, c)));
        }
        for c in t.constraints.values() {
            if c.is_local && c.kind != ConstraintKind::ForeignKey && c.validated {
                items.push(format!(
                    "CONSTRAINT {} {}",
                    quote_ident(&c.name),
                    c.definition.trim()
                ));
            }
        }
        let unlogged = if t.persistence == Persistence::Unlogged {
            "UNLOGGED "
        } else {
            ""
        };
        let mut s = if let Some(p) = &t.partition_of {
            let mut s = format!("CREATE {unlogged}TABLE {name} PARTITION OF {}", p.parent);
            if !items.is_empty() {
                s.push_str(&format!(" (\n    {}\n)", items.join(",\n    ")));
            }
            s.push_str(&format!(" {}", p.bound));
            s
        } else if let Some(ty) = &t.of_type {
            // a typed table: columns come from the type; only their options are its own
            let mut typed: Vec<String> = Vec::new();
            for c in &t.columns {
                let mut o = String::new();
                if let Some(d) = &c.default {
                    o.push_str(&format!(" DEFAULT {d}"));
                }
                if c.not_null {
                    o.push_str(" NOT NULL");
                }
                if !o.is_empty() {
                    typed.push(format!("{} WITH OPTIONS{o}", quote_ident(&c.name)));
                }
            }
            typed.extend(
                items
                    .iter()
                    .filter(|i| i.starts_with("CONSTRAINT "))
                    .cloned(),
            );
            let mut s = format!("CREATE {unlogged}TABLE {name} OF {ty}");
            if !typed.is_empty() {
                s.push_str(&format!(" (\n    {}\n)", typed.join(",\n    ")));
            }
            s
        } else {
            let body = if items.is_empty() {
                "()".to_string()
            } else {
                format!("(\n    {}\n)", items.join(",\n    "))
            };
            let mut s = format!("CREATE {unlogged}TABLE {name} {body}");
            if !t.inherits.is_empty() {
                let p: Vec<String> = t.inherits.iter().map(|p| p.to_string()).collect();
                s.push_str(&format!(" INHERITS ({})", p.join(", ")));
            }
            s
        };
        if let Some(pb) = &t.partition_by {
            s.push_str(&format!(" PARTITION BY {pb}"));
        }
        if !t.options.is_empty() {
            let o: Vec<String> = t.options.iter().map(|o| reloption(o)).collect();
            s.push_str(&format!(" WITH ({})", o.join(", ")));
        }
        s.push(';');
        let mut sql = vec![s];
        sql.extend(
            t.columns
                .iter()
                .filter(|c| c.is_local || t.partition_of.is_some())
                .filter_map(|c| not_valid_not_null_sql(name, c)),
        );
        // a partition's columns come from the parent; only their comments are its own
        for c in &t.columns {
            if let Some(text) = &c.comment {
                if c.is_local || t.partition_of.is_none() && t.inherits.is_empty() {
                    sql.push(comment_sql(
                        &format!("COLUMN {name}.{}", quote_ident(&c.name)),
                        Some(text),
                    ));
                }
            }
            if !self.opts.ignore_privileges && !c.grants.is_empty() {
                sql.extend(column_grant_sql(name, &c.name, &BTreeSet::new(), &c.grants));
            }
        }
        for c in t.constraints.values() {
            if c.is_local && c.kind != ConstraintKind::ForeignKey && c.validated {
                if let Some(text) = &c.comment {
                    sql.push(comment_sql(
                        &format!("CONSTRAINT {} ON {name}", quote_ident(&c.name)),
                        Some(text),
                    ));
                }
            }
        }
        sql.extend(self.created_column_attrs(t, t.of_type.is_none() && t.partition_of.is_none()));
        if t.rls_enabled {
            sql.push(format!("ALTER TABLE {name} ENABLE ROW LEVEL SECURITY;"));
        }
        if t.rls_forced {
            sql.push(format!("ALTER TABLE {name} FORCE ROW LEVEL SECURITY;"));
        }
        let target = format!("TABLE {name}");
        self.create_extras(
            &target,
            Some((AclKind::Table, &target)),
            &t.common,
            &mut sql,
        );
        self.op(
            Key::Relation(name.clone()),
            Action::Create,
            ObjectKind::Table,
            &obj,
            sql,
            vec![],
            class::TABLE,
            None,
        );
        for c in t.constraints.values() {
            if c.is_local && (c.kind == ConstraintKind::ForeignKey || !c.validated) {
                self.add_constraint(t, c, true, false);
            }
        }
        for i in t.indexes.values() {
            if i.constraint.is_none() && i.parent_index.is_none() {
                self.create_index(name, i, true, false, t.partition_by.is_some());
            }
        }
        for tr in t.triggers.values() {
            self.create_trigger(name, tr, false);
        }
        for p in t.policies.values() {
            self.create_policy(name, p, false);
        }
        self.cluster_on(name, "TABLE", None, &t.indexes);
    }

    /// Storage parameters of an index (behind a key or not) changed in place: `ALTER INDEX … SET/RESET`.
    fn alter_storage_params(
        &mut self,
        key: Key,
        obj: &str,
        index: &str,
        (from_def, to_def): (&str, &str),
        (a, b): (&[StorageParam], &[StorageParam]),
    ) {
        // the index behind a key is altered as part of its constraint
        let (kind, class) = match key {
            Key::Constraint(..) => (ObjectKind::Constraint, class::CONSTRAINT),
            _ => (ObjectKind::Index, class::INDEX),
        };
        self.change_attr(
            kind,
            obj,
            "storage parameters",
            Some(from_def.to_string()),
            Some(to_def.to_string()),
        );
        self.op(
            key,
            Action::Alter,
            kind,
            obj,
            storage_param_sql(index, a, b),
            vec![],
            class,
            Some(Stage::AfterColumns),
        );
    }

    /// `CLUSTER ON` of a table or materialized view (`kw`): the index the target marks, set when it is not
    /// marked on the other side or is (re)created by this plan (a new index is not marked); `SET WITHOUT
    /// CLUSTER` when the target marks none.
    fn cluster_on(
        &mut self,
        name: &QualName,
        kw: &str,
        from: Option<&BTreeMap<String, PgIndex>>,
        to: &BTreeMap<String, PgIndex>,
    ) {
        let marked = |m: &BTreeMap<String, PgIndex>| {
            m.values().find(|i| i.clustered).map(|i| i.name.clone())
        };
        let (was, will) = (from.and_then(marked), marked(to));
        let obj = name.to_string();
        let kind = if kw == "TABLE" {
            ObjectKind::Table
        } else {
            ObjectKind::MaterializedView
        };
        let (key, sql) = match &will {
            Some(n) => {
                let index_key = Key::Index(name.clone(), n.clone());
                let con_key = to[n]
                    .constraint
                    .as_ref()
                    .map(|c| Key::Constraint(name.clone(), c.clone()));
                let created = self.out.ops.iter().any(|o| {
                    o.role == Action::Create
                        && (o.key == index_key || Some(&o.key) == con_key.as_ref())
                });
                if was.as_ref() == Some(n) && !created {
                    return;
                }
                let sql = format!("ALTER {kw} {name} CLUSTER ON {};", quote_ident(n));
                (con_key.unwrap_or(index_key), sql)
            }
            None if was.is_some() => (
                Key::Relation(name.clone()),
                format!("ALTER {kw} {name} SET WITHOUT CLUSTER;"),
            ),
            None => return,
        };
        if from.is_some() {
            let or_none = |v: Option<String>| Some(v.map_or("none".into(), |n| quote_ident(&n)));
            self.change_attr(
                kind,
                &obj,
                "clustered on index",
                or_none(was),
                or_none(will.clone()),
            );
        }
        self.op(
            key,
            Action::Alter,
            kind,
            &obj,
            vec![sql],
            vec![],
            class::MISC,
            Some(Stage::AfterColumns),
        );
    }

    /// The storage, compression and statistics target of a new table's columns, set after `CREATE TABLE`
    /// where they differ from what the column has then: a local column written inline (`inline`) has its
    /// `COMPRESSION`; an inherited column or a partition's takes storage and compression from its parent.
    fn created_column_attrs(&self, t: &Table, inline: bool) -> Vec<String> {
        let parents: Vec<&Table> = t
            .partition_of
            .iter()
            .map(|p| &p.parent)
            .chain(&t.inherits)
            .filter_map(|p| self.to.tables.get(p))
            .collect();
        let local = local_columns(t, false);
        let mut sql = Vec::new();
        for c in &t.columns {
            let inherited = parents.iter().find_map(|p| p.column(&c.name));
            let written = inline && local.iter().any(|l| l.name == c.name);
            let base = Column {
                storage: if written {
                    None
                } else {
                    inherited.and_then(|p| p.storage)
                },
                compression: if written {
                    c.compression.clone()
                } else {
                    inherited.and_then(|p| p.compression.clone())
                },
                statistics: None,
                ..Column::default()
            };
            if base.storage != c.storage
                || base.compression != c.compression
                || c.statistics.is_some()
                || !c.options.is_empty()
            {
                let base = Column {
                    name: c.name.clone(),
                    type_name: c.type_name.clone(),
                    ..base
                };
                sql.extend(column_attr_sql(&t.name, &base, c, self.to));
            }
        }
        sql
    }

    fn add_constraint(&mut self, t: &Table, c: &Constraint, new_table: bool, report: bool) {
        let name = &t.name;
        let obj = format!("{} on {name}", quote_ident(&c.name));
        if report {
            self.change(ObjectKind::Constraint, &obj, Action::Create);
        }
        let cn = quote_ident(&c.name);
        let def = constraint_def_core(c);
        let mut hazards = Vec::new();
        let mut sql = Vec::new();
        let checks_rows = matches!(c.kind, ConstraintKind::ForeignKey | ConstraintKind::Check);
        // the index behind a PRIMARY KEY / UNIQUE, to build CONCURRENTLY before the constraint takes it
        let online_index = t
            .indexes
            .values()
            .find(|i| i.constraint.as_deref() == Some(c.name.as_str()))
            .filter(|_| {
                self.opts.online
                    && !new_table
                    && c.validated
                    && t.partition_by.is_none()
                    && matches!(c.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique)
            });
        if let Some(i) = online_index {
            self.add_constraint_using_index(t, c, i, report);
            return;
        }
        if !c.validated {
            sql.push(format!(
                "ALTER TABLE {name} ADD CONSTRAINT {cn} {def} NOT VALID;"
            ));
        } else if checks_rows && !new_table && self.opts.online {
            sql.push(format!(
                "ALTER TABLE {name} ADD CONSTRAINT {cn} {def} NOT VALID;"
            ));
            sql.push(format!("ALTER TABLE {name} VALIDATE CONSTRAINT {cn};"));
        } else {
            sql.push(format!("ALTER TABLE {name} ADD CONSTRAINT {cn} {def};"));
            if !new_table {
                if checks_rows {
                    hazards.push(hz(
                        HazardKind::LongLock,
                        "validates every row while holding a lock that blocks writes; --online adds it NOT VALID and validates separately",
                    ));
                } else if matches!(c.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique)
                    && t.partition_by.is_none()
                {
                    hazards.push(hz(
                        HazardKind::LongLock,
                        "builds an index while holding an ACCESS EXCLUSIVE lock; --online builds it CONCURRENTLY first and adds the constraint USING INDEX",
                    ));
                } else if matches!(
                    c.kind,
                    ConstraintKind::PrimaryKey | ConstraintKind::Unique | ConstraintKind::Exclude
                ) {
                    hazards.push(hz(
                        HazardKind::LongLock,
                        "builds an index while holding an ACCESS EXCLUSIVE lock",
                    ));
                }
            }
        }
        if let Some(text) = &c.comment {
            sql.push(comment_sql(
                &format!("CONSTRAINT {cn} ON {name}"),
                Some(text),
            ));
        }
        let class = if c.kind == ConstraintKind::ForeignKey {
            class::FOREIGN_KEY
        } else {
            class::CONSTRAINT
        };
        self.op(
            Key::Constraint(name.clone(), c.name.clone()),
            Action::Create,
            ObjectKind::Constraint,
            &obj,
            sql,
            hazards,
            class,
            Some(Stage::AfterColumns),
        );
    }

    /// `--online` form of a PRIMARY KEY or UNIQUE added to an existing table: the index is built with
    /// `CREATE UNIQUE INDEX CONCURRENTLY` (writes go on), then `ADD CONSTRAINT ... USING INDEX` takes it
    /// over under a brief lock.
    fn add_constraint_using_index(&mut self, t: &Table, c: &Constraint, i: &PgIndex, report: bool) {
        let name = &t.name;
        let obj = format!("{} on {name}", quote_ident(&c.name));
        if report {
            self.change(ObjectKind::Constraint, &obj, Action::Create);
        }
        let iobj = format!("{}.{}", quote_ident(&name.schema), quote_ident(&i.name));
        let idx = self.op(
            Key::Index(name.clone(), i.name.clone()),
            Action::Create,
            ObjectKind::Index,
            &iobj,
            vec![format!("{};", concurrently(strip_stmt(&i.definition)))],
            vec![hz(
                HazardKind::NotTransactional,
                "CREATE INDEX CONCURRENTLY cannot run inside a transaction block",
            )],
            class::CONSTRAINT,
            Some(Stage::AfterColumns),
        );
        self.out.ops[idx].transactional = false;
        let kind = if c.kind == ConstraintKind::PrimaryKey {
            "PRIMARY KEY"
        } else {
            "UNIQUE"
        };
        let mut stmt = format!(
            "ALTER TABLE {name} ADD CONSTRAINT {} {kind} USING INDEX {}",
            quote_ident(&c.name),
            quote_ident(&i.name)
        );
        if c.deferrable {
            stmt.push_str(" DEFERRABLE");
            if c.initially_deferred {
                stmt.push_str(" INITIALLY DEFERRED");
            }
        }
        let mut sql = vec![stmt + ";"];
        if let Some(text) = &c.comment {
            sql.push(comment_sql(
                &format!("CONSTRAINT {} ON {name}", quote_ident(&c.name)),
                Some(text),
            ));
        }
        // its columns are NOT NULL by now: the column changes run first and carry that hazard
        self.op(
            Key::Constraint(name.clone(), c.name.clone()),
            Action::Create,
            ObjectKind::Constraint,
            &obj,
            sql,
            vec![],
            class::CONSTRAINT,
            Some(Stage::AfterColumns),
        );
    }

    fn drop_constraint(&mut self, table: &QualName, c: &Constraint, report: bool) {
        let obj = format!("{} on {table}", quote_ident(&c.name));
        if report {
            self.change(ObjectKind::Constraint, &obj, Action::Drop);
        }
        let sql = vec![format!(
            "ALTER TABLE {table} DROP CONSTRAINT {};",
            quote_ident(&c.name)
        )];
        let class = if c.kind == ConstraintKind::ForeignKey {
            class::FOREIGN_KEY
        } else {
            class::CONSTRAINT
        };
        self.op(
            Key::Constraint(table.clone(), c.name.clone()),
            Action::Drop,
            ObjectKind::Constraint,
            &obj,
            sql,
            vec![],
            class,
            Some(Stage::BeforeColumns),
        );
    }

    fn create_index(
        &mut self,
        table: &QualName,
        i: &PgIndex,
        new_table: bool,
        report: bool,
        partitioned: bool,
    ) {
        let obj = format!("{}.{}", quote_ident(&table.schema), quote_ident(&i.name));
        if report {
            self.change(ObjectKind::Index, &obj, Action::Create);
        }
        // on a partitioned table the index is created `ON ONLY` (as `pg_get_indexdef` writes it), its
        // partitions' indexes attached one by one: see `partition_indexes`
        let mut def = strip_stmt(&i.definition).to_string();
        if partitioned {
            let plain = format!("INDEX {} ON ", quote_ident(&i.name));
            let only = format!("INDEX {} ON ONLY ", quote_ident(&i.name));
            if !def.contains(&only) {
                def = def.replacen(&plain, &only, 1);
            }
        }
        let mut hazards = Vec::new();
        let mut transactional = true;
        let def = if !new_table && !partitioned {
            if self.opts.online {
                transactional = false;
                hazards.push(hz(
                    HazardKind::NotTransactional,
                    "CREATE INDEX CONCURRENTLY cannot run inside a transaction block",
                ));
                concurrently(&def)
            } else {
                hazards.push(hz(
                    HazardKind::LongLock,
                    "builds the index while blocking writes to the table; --online uses CREATE INDEX CONCURRENTLY",
                ));
                def
            }
        } else {
            def
        };
        let mut sql = vec![format!("{def};")];
        let mut comment = None;
        if let Some(text) = &i.comment {
            comment = Some(comment_sql(&format!("INDEX {obj}"), Some(text)));
        }
        if transactional {
            sql.extend(comment.take());
        }
        let idx = self.op(
            Key::Index(table.clone(), i.name.clone()),
            Action::Create,
            ObjectKind::Index,
            &obj,
            sql,
            hazards,
            class::INDEX,
            Some(Stage::AfterColumns),
        );
        self.out.ops[idx].transactional = transactional;
        if let Some(c) = comment {
            let key = Key::Index(table.clone(), i.name.clone());
            self.op(
                key,
                Action::Alter,
                ObjectKind::Index,
                &obj,
                vec![c],
                vec![],
                class::MISC,
                Some(Stage::AfterColumns),
            );
        }
    }

    fn drop_index(&mut self, table: &QualName, i: &PgIndex, report: bool) {
        let obj = format!("{}.{}", quote_ident(&table.schema), quote_ident(&i.name));
        if report {
            self.change(ObjectKind::Index, &obj, Action::Drop);
        }
        self.op(
            Key::Index(table.clone(), i.name.clone()),
            Action::Drop,
            ObjectKind::Index,
            &obj,
            vec![format!("DROP INDEX {obj};")],
            vec![],
            class::INDEX,
            Some(Stage::BeforeColumns),
        );
    }

    fn create_trigger(&mut self, table: &QualName, tr: &Trigger, report: bool) {
        let obj = format!("{} on {table}", quote_ident(&tr.name));
        if report {
            self.change(ObjectKind::Trigger, &obj, Action::Create);
        }
        let mut sql = vec![format!("{};", strip_stmt(&tr.definition))];
        if let Some(s) = trigger_enable_sql(table, tr) {
            sql.push(s);
        }
        if let Some(text) = &tr.comment {
            sql.push(comment_sql(
                &format!("TRIGGER {} ON {table}", quote_ident(&tr.name)),
                Some(text),
            ));
        }
        self.op(
            Key::Trigger(table.clone(), tr.name.clone()),
            Action::Create,
            ObjectKind::Trigger,
            &obj,
            sql,
            vec![],
            class::TRIGGER,
            Some(Stage::AfterColumns),
        );
    }

    fn drop_trigger(&mut self, table: &QualName, tr: &Trigger, report: bool) {
        let obj = format!("{} on {table}", quote_ident(&tr.name));
        if report {
            self.change(ObjectKind::Trigger, &obj, Action::Drop);
        }
        let sql = vec![format!(
            "DROP TRIGGER {} ON {table};",
            quote_ident(&tr.name)
        )];
        self.op(
            Key::Trigger(table.clone(), tr.name.clone()),
            Action::Drop,
            ObjectKind::Trigger,
            &obj,
            sql,
            vec![],
            class::TRIGGER,
            Some(Stage::BeforeColumns),
        );
    }

    fn create_policy(&mut self, table: &QualName, p: &Policy, report: bool) {
        let obj = format!("{} on {table}", quote_ident(&p.name));
        if report {
            self.change(ObjectKind::Policy, &obj, Action::Create);
        }
        let mut s = format!(
            "CREATE POLICY {} ON {table} AS {} FOR {}",
            quote_ident(&p.name),
            if p.permissive {
                "PERMISSIVE"
            } else {
                "RESTRICTIVE"
            },
            policy_command(&p.command)
        );
        s.push_str(&format!(" TO {}", policy_roles(&p.roles)));
        if let Some(u) = &p.using {
            s.push_str(&format!(" USING ({u})"));
        }
        if let Some(w) = &p.with_check {
            s.push_str(&format!(" WITH CHECK ({w})"));
        }
        let mut sql = vec![s + ";"];
        if let Some(text) = &p.comment {
            sql.push(comment_sql(
                &format!("POLICY {} ON {table}", quote_ident(&p.name)),
                Some(text),
            ));
        }
        self.op(
            Key::Policy(table.clone(), p.name.clone()),
            Action::Create,
            ObjectKind::Policy,
            &obj,
            sql,
            vec![],
            class::POLICY,
            Some(Stage::AfterColumns),
        );
    }

    fn drop_policy(&mut self, table: &QualName, p: &Policy, report: bool) {
        let obj = format!("{} on {table}", quote_ident(&p.name));
        if report {
            self.change(ObjectKind::Policy, &obj, Action::Drop);
        }
        let sql = vec![format!("DROP POLICY {} ON {table};", quote_ident(&p.name))];
        self.op(
            Key::Policy(table.clone(), p.name.clone()),
            Action::Drop,
            ObjectKind::Policy,
            &obj,
            sql,
            vec![],
            class::POLICY,
            Some(Stage::BeforeColumns),
        );
    }

    fn alter_table(&mut self, f: &Table, t: &Table) {
        let name = &t.name;
        let obj = name.to_string();
        let key = Key::Relation(name.clone());
        // partition membership: detach before the column changes, attach after
        if !self.same_partition(&obj, f.partition_of.as_ref(), t.partition_of.as_ref()) {
            if let Some(p) = &f.partition_of {
                self.change_attr(
                    ObjectKind::Table,
                    &obj,
                    "partition_of",
                    Some(format!("{} {}", p.parent, p.bound)),
                    t.partition_of
                        .as_ref()
                        .map(|p| format!("{} {}", p.parent, p.bound)),
                );
                let sql = vec![format!("ALTER TABLE {} DETACH PARTITION {name};", p.parent)];
                self.op(
                    key.clone(),
                    Action::Alter,
                    ObjectKind::Table,
                    &obj,
                    sql,
                    vec![],
                    class::TABLE,
                    Some(Stage::BeforeColumns),
                );
            } else {
                self.change_attr(
                    ObjectKind::Table,
                    &obj,
                    "partition_of",
                    None,
                    t.partition_of
                        .as_ref()
                        .map(|p| format!("{} {}", p.parent, p.bound)),
                );
            }
            if let Some(p) = &t.partition_of {
                let sql = vec![format!(
                    "ALTER TABLE {} ATTACH PARTITION {name} {};",
                    p.parent, p.bound
                )];
                let h = vec![hz(HazardKind::LongLock, "scans the table to check the partition bound unless a matching CHECK constraint exists")];
                self.op(
                    key.clone(),
                    Action::Alter,
                    ObjectKind::Table,
                    &obj,
                    sql,
                    h,
                    class::TABLE,
                    Some(Stage::AfterColumns),
                );
            }
        }
        if f.of_type != t.of_type {
            let show = |o: &Option<QualName>| o.as_ref().map(|q| q.to_string());
            self.change_attr(
                ObjectKind::Table,
                &obj,
                "of_type",
                show(&f.of_type),
                show(&t.of_type),
            );
            if f.of_type.is_some() {
                let sql = vec![format!("ALTER TABLE {name} NOT OF;")];
                self.op(
                    key.clone(),
                    Action::Alter,
                    ObjectKind::Table,
                    &obj,
                    sql,
                    vec![],
                    class::TABLE,
                    Some(Stage::BeforeColumns),
                );
            }
            if let Some(ty) = &t.of_type {
                let sql = vec![format!("ALTER TABLE {name} OF {ty};")];
                self.op(
                    key.clone(),
                    Action::Alter,
                    ObjectKind::Table,
                    &obj,
                    sql,
                    vec![],
                    class::TABLE,
                    Some(Stage::AfterColumns),
                );
            }
        }
        if f.inherits != t.inherits {
            self.change_attr(
                ObjectKind::Table,
                &obj,
                "inherits",
                Some(
                    f.inherits
                        .iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                Some(
                    t.inherits
                        .iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            );
            for p in &f.inherits {
                if !t.inherits.contains(p) {
                    let sql = vec![format!("ALTER TABLE {name} NO INHERIT {p};")];
                    self.op(
                        key.clone(),
                        Action::Alter,
                        ObjectKind::Table,
                        &obj,
                        sql,
                        vec![],
                        class::TABLE,
                        Some(Stage::BeforeColumns),
                    );
                }
            }
            for p in &t.inherits {
                if !f.inherits.contains(p) {
                    let sql = vec![format!("ALTER TABLE {name} INHERIT {p};")];
                    self.op(
                        key.clone(),
                        Action::Alter,
                        ObjectKind::Table,
                        &obj,
                        sql,
                        vec![],
                        class::TABLE,
                        Some(Stage::AfterColumns),
                    );
                }
            }
        }
        if f.persistence != t.persistence {
            let logged = t.persistence == Persistence::Permanent;
            self.change_attr(
                ObjectKind::Table,
                &obj,
                "persistence",
                Some(format!("{:?}", f.persistence).to_lowercase()),
                Some(format!("{:?}", t.persistence).to_lowercase()),
            );
            let sql = vec![format!(
                "ALTER TABLE {name} SET {};",
                if logged { "LOGGED" } else { "UNLOGGED" }
            )];
            let h = vec![hz(
                HazardKind::TableRewrite,
                "rewrites the table under an ACCESS EXCLUSIVE lock",
            )];
            self.op(
                key.clone(),
                Action::Alter,
                ObjectKind::Table,
                &obj,
                sql,
                h,
                class::TABLE,
                None,
            );
        }
        if !same_options(&f.options, &t.options) {
            self.change_attr(
                ObjectKind::Table,
                &obj,
                "options",
                Some(f.options.join(", ")),
                Some(t.options.join(", ")),
            );
            let mut sql = Vec::new();
            let reset: Vec<String> = f
                .options
                .iter()
                .filter(|o| {
                    !t.options
                        .iter()
                        .any(|x| reloption_name(x) == reloption_name(o))
                })
                .map(|o| reloption_name(o))
                .collect();
            if !reset.is_empty() {
                sql.push(format!("ALTER TABLE {name} RESET ({});", reset.join(", ")));
            }
            let set: Vec<String> = t
                .options
                .iter()
                .filter(|o| !f.options.contains(o))
                .map(|o| reloption(o))
                .collect();
            if !set.is_empty() {
                sql.push(format!("ALTER TABLE {name} SET ({});", set.join(", ")));
            }
            self.op(
                key.clone(),
                Action::Alter,
                ObjectKind::Table,
                &obj,
                sql,
                vec![],
                class::TABLE,
                None,
            );
        }
        if f.rls_enabled != t.rls_enabled {
            self.change_attr(
                ObjectKind::Table,
                &obj,
                "rls_enabled",
                Some(f.rls_enabled.to_string()),
                Some(t.rls_enabled.to_string()),
            );
            let sql = vec![format!(
                "ALTER TABLE {name} {} ROW LEVEL SECURITY;",
                if t.rls_enabled { "ENABLE" } else { "DISABLE" }
            )];
            self.op(
                key.clone(),
                Action::Alter,
                ObjectKind::Table,
                &obj,
                sql,
                vec![],
                class::MISC,
                None,
            );
        }
        if f.rls_forced != t.rls_forced {
            self.change_attr(
                ObjectKind::Table,
                &obj,
                "rls_forced",
                Some(f.rls_forced.to_string()),
                Some(t.rls_forced.to_string()),
            );
            let sql = vec![format!(
                "ALTER TABLE {name} {} ROW LEVEL SECURITY;",
                if t.rls_forced { "FORCE" } else { "NO FORCE" }
            )];
            self.op(
                key.clone(),
                Action::Alter,
                ObjectKind::Table,
                &obj,
                sql,
                vec![],
                class::MISC,
                None,
            );
        }
        let target = format!("TABLE {name}");
        self.common_alters(
            &key,
            ObjectKind::Table,
            &obj,
            &target,
            &target,
            Some((AclKind::Table, &target)),
            &f.common,
            &t.common,
            None,
        );

        // columns
        let recreated_cols = self.columns(f, t);

        // constraints
        let touches = |cols: &[String]| cols.iter().any(|c| recreated_cols.contains(c));
        for (cn, c) in &f.constraints {
            if !c.is_local {
                continue;
            }
            match t.constraints.get(cn).filter(|x| x.is_local) {
                None => self.drop_constraint(name, c, true),
                Some(tc) => {
                    let cobj = format!("{} on {name}", quote_ident(cn));
                    // only the storage parameters of the index behind the key change: ALTER INDEX
                    let params = (c.kind == tc.kind
                        && t.partition_by.is_none()
                        && !touches(&c.columns)
                        && c.validated == tc.validated)
                        .then(|| {
                            split_storage_params(constraint_def_core(c))
                                .zip(split_storage_params(constraint_def_core(tc)))
                        })
                        .flatten()
                        .filter(|((a, ap), (b, bp))| ap != bp && a == b);
                    let params = params.filter(|_| !self.refs_retyped(&c.definition));
                    if let Some(((_, ap), (_, bp))) = &params {
                        let index = t
                            .indexes
                            .values()
                            .find(|i| i.constraint.as_deref() == Some(cn.as_str()))
                            .map_or(cn.as_str(), |i| i.name.as_str());
                        self.alter_storage_params(
                            Key::Constraint(name.clone(), cn.clone()),
                            &cobj,
                            &QualName::new(&name.schema, index).to_string(),
                            (&c.definition, &tc.definition),
                            (ap, bp),
                        );
                    }
                    if params.is_none()
                        && (c.kind != tc.kind
                            || !self.same_sql(
                                Sql::Constraint,
                                ObjectKind::Constraint,
                                &cobj,
                                constraint_def_core(c),
                                constraint_def_core(tc),
                            )
                            || touches(&c.columns)
                            || self.refs_retyped(&c.definition)
                            || (c.validated && !tc.validated))
                    {
                        self.change_attr(
                            ObjectKind::Constraint,
                            &format!("{} on {name}", quote_ident(cn)),
                            "definition",
                            Some(c.definition.clone()),
                            Some(tc.definition.clone()),
                        );
                        self.drop_constraint(name, c, false);
                        self.add_constraint(t, tc, false, false);
                    } else {
                        let cobj = format!("{} on {name}", quote_ident(cn));
                        if !c.validated && tc.validated {
                            self.change_attr(
                                ObjectKind::Constraint,
                                &cobj,
                                "validated",
                                Some("false".into()),
                                Some("true".into()),
                            );
                            let sql = vec![format!(
                                "ALTER TABLE {name} VALIDATE CONSTRAINT {};",
                                quote_ident(cn)
                            )];
                            let h = vec![hz(
                                HazardKind::LongLock,
                                "scans the table (with a lock that allows reads and writes)",
                            )];
                            self.op(
                                Key::Constraint(name.clone(), cn.clone()),
                                Action::Alter,
                                ObjectKind::Constraint,
                                &cobj,
                                sql,
                                h,
                                class::CONSTRAINT,
                                Some(Stage::AfterColumns),
                            );
                        }
                        if c.comment != tc.comment {
                            self.change_attr(
                                ObjectKind::Constraint,
                                &cobj,
                                "comment",
                                c.comment.clone(),
                                tc.comment.clone(),
                            );
                            let sql = vec![comment_sql(
                                &format!("CONSTRAINT {} ON {name}", quote_ident(cn)),
                                tc.comment.as_deref(),
                            )];
                            self.op(
                                Key::Constraint(name.clone(), cn.clone()),
                                Action::Alter,
                                ObjectKind::Constraint,
                                &cobj,
                                sql,
                                vec![],
                                class::MISC,
                                Some(Stage::AfterColumns),
                            );
                        }
                    }
                }
            }
        }
        for (cn, c) in &t.constraints {
            if c.is_local && !f.constraints.get(cn).is_some_and(|x| x.is_local) {
                self.add_constraint(t, c, false, true);
            }
        }
        // indexes that do not belong to a constraint or a parent index
        let own = |i: &&PgIndex| i.constraint.is_none() && i.parent_index.is_none();
        let same =
            |a: &PgIndex, b: &PgIndex| strip_stmt(&a.definition) == strip_stmt(&b.definition);
        for (n, i) in f.indexes.iter().filter(|(_, i)| own(i)) {
            match t.indexes.get(n).filter(own) {
                // becomes the partition index of a parent index: attached, not rebuilt
                None if t.indexes.get(n).is_some_and(|x| {
                    x.constraint.is_none() && x.parent_index.is_some() && same(x, i)
                }) => {}
                None => self.drop_index(name, i, true),
                Some(ti) => {
                    let iobj = format!("{}.{}", quote_ident(&name.schema), quote_ident(n));
                    let params = (t.partition_by.is_none()
                        && !touches(&i.columns)
                        && !self.refs_retyped(&i.definition))
                    .then(|| {
                        split_storage_params(strip_stmt(&i.definition))
                            .zip(split_storage_params(strip_stmt(&ti.definition)))
                    })
                    .flatten()
                    .filter(|((a, ap), (b, bp))| ap != bp && a == b);
                    if let Some(((_, ap), (_, bp))) = &params {
                        self.alter_storage_params(
                            Key::Index(name.clone(), n.clone()),
                            &iobj,
                            &iobj,
                            (&i.definition, &ti.definition),
                            (ap, bp),
                        );
                    }
                    if params.is_none()
                        && (!self.same_sql(
                            Sql::Statement,
                            ObjectKind::Index,
                            &iobj,
                            strip_stmt(&i.definition),
                            strip_stmt(&ti.definition),
                        ) || touches(&i.columns)
                            || self.refs_retyped(&i.definition))
                    {
                        self.change_attr(
                            ObjectKind::Index,
                            &iobj,
                            "definition",
                            Some(i.definition.clone()),
                            Some(ti.definition.clone()),
                        );
                        self.drop_index(name, i, false);
                        self.create_index(name, ti, false, false, t.partition_by.is_some());
                    } else if i.comment != ti.comment {
                        self.change_attr(
                            ObjectKind::Index,
                            &iobj,
                            "comment",
                            i.comment.clone(),
                            ti.comment.clone(),
                        );
                        let sql =
                            vec![comment_sql(&format!("INDEX {iobj}"), ti.comment.as_deref())];
                        self.op(
                            Key::Index(name.clone(), n.clone()),
                            Action::Alter,
                            ObjectKind::Index,
                            &iobj,
                            sql,
                            vec![],
                            class::MISC,
                            Some(Stage::AfterColumns),
                        );
                    }
                }
            }
        }
        for (n, i) in t.indexes.iter().filter(|(_, i)| own(i)) {
            // a partition index stays, standalone, when its partition is detached
            let kept = f.indexes.get(n).is_some_and(|x| {
                x.constraint.is_none()
                    && x.parent_index.is_some()
                    && same(x, i)
                    && t.partition_of.is_none()
            });
            if !kept && !f.indexes.get(n).is_some_and(|x| own(&x)) {
                self.create_index(name, i, false, true, t.partition_by.is_some());
            }
        }
        self.triggers(name, &f.triggers, &t.triggers);
        self.cluster_on(name, "TABLE", Some(&f.indexes), &t.indexes);
        // policies
        for (n, p) in &f.policies {
            // a policy that uses a column dropped or converted here must be out of the way first
            // (PostgreSQL refuses to drop or convert a column a policy uses): dropped before the column
            // changes and created after them, even when it did not change itself
            let uses_changed_column = {
                let mut words = BTreeSet::new();
                for e in p.using.iter().chain(p.with_check.iter()) {
                    words.extend(crate::keys::words_in(e));
                }
                f.columns.iter().any(|c| {
                    words.contains(&c.name)
                        && t.column(&c.name)
                            .is_none_or(|tc| tc.type_name != c.type_name)
                })
            };
            match t.policies.get(n) {
                None => self.drop_policy(name, p, true),
                Some(tp) if tp == p && uses_changed_column => {
                    self.drop_policy(name, p, false);
                    self.create_policy(name, tp, false);
                }
                Some(tp) if tp != p => {
                    let pobj = format!("{} on {name}", quote_ident(n));
                    let using_same = self.same_sql_opt(
                        Sql::Expr,
                        ObjectKind::Policy,
                        &pobj,
                        p.using.as_deref(),
                        tp.using.as_deref(),
                    );
                    let check_same = self.same_sql_opt(
                        Sql::Expr,
                        ObjectKind::Policy,
                        &pobj,
                        p.with_check.as_deref(),
                        tp.with_check.as_deref(),
                    );
                    let recreate = uses_changed_column
                        || p.command != tp.command
                        || p.permissive != tp.permissive
                        || (p.using.is_some() && tp.using.is_none())
                        || (p.with_check.is_some() && tp.with_check.is_none());
                    let mut sql = Vec::new();
                    if recreate {
                        self.change_attr(ObjectKind::Policy, &pobj, "definition", None, None);
                        self.drop_policy(name, p, false);
                        self.create_policy(name, tp, false);
                        continue;
                    }
                    let mut parts = Vec::new();
                    if p.roles != tp.roles {
                        self.change_attr(
                            ObjectKind::Policy,
                            &pobj,
                            "roles",
                            Some(p.roles.join(", ")),
                            Some(tp.roles.join(", ")),
                        );
                        parts.push(format!("TO {}", policy_roles(&tp.roles)));
                    }
                    if !using_same {
                        self.change_attr(
                            ObjectKind::Policy,
                            &pobj,
                            "using",
                            p.using.clone(),
                            tp.using.clone(),
                        );
                        if let Some(u) = &tp.using {
                            parts.push(format!("USING ({u})"));
                        }
                    }
                    if !check_same {
                        self.change_attr(
                            ObjectKind::Policy,
                            &pobj,
                            "with_check",
                            p.with_check.clone(),
                            tp.with_check.clone(),
                        );
                        if let Some(w) = &tp.with_check {
                            parts.push(format!("WITH CHECK ({w})"));
                        }
                    }
                    if !parts.is_empty() {
                        sql.push(format!(
                            "ALTER POLICY {} ON {name} {};",
                            quote_ident(n),
                            parts.join(" ")
                        ));
                    }
                    if p.comment != tp.comment {
                        self.change_attr(
                            ObjectKind::Policy,
                            &pobj,
                            "comment",
                            p.comment.clone(),
                            tp.comment.clone(),
                        );
                        sql.push(comment_sql(
                            &format!("POLICY {} ON {name}", quote_ident(n)),
                            tp.comment.as_deref(),
                        ));
                    }
                    if !sql.is_empty() {
                        self.op(
                            Key::Policy(name.clone(), n.clone()),
                            Action::Alter,
                            ObjectKind::Policy,
                            &pobj,
                            sql,
                            vec![],
                            class::POLICY,
                            Some(Stage::AfterColumns),
                        );
                    }
                }
                Some(_) => {}
            }
        }
        for (n, p) in &t.policies {
            if !f.policies.contains_key(n) {
                self.create_policy(name, p, true);
            }
        }
    }

    fn triggers(
        &mut self,
        name: &QualName,
        f: &BTreeMap<String, Trigger>,
        t: &BTreeMap<String, Trigger>,
    ) {
        for (n, tr) in f {
            match t.get(n) {
                None => self.drop_trigger(name, tr, true),
                Some(tt) => {
                    let tobj = format!("{} on {name}", quote_ident(n));
                    if !self.same_sql(
                        Sql::Statement,
                        ObjectKind::Trigger,
                        &tobj,
                        strip_stmt(&tr.definition),
                        strip_stmt(&tt.definition),
                    ) || tr.function != tt.function
                        || tr.constraint != tt.constraint
                    {
                        self.change_attr(
                            ObjectKind::Trigger,
                            &tobj,
                            "definition",
                            Some(tr.definition.clone()),
                            Some(tt.definition.clone()),
                        );
                        self.drop_trigger(name, tr, false);
                        self.create_trigger(name, tt, false);
                        continue;
                    }
                    let mut sql = Vec::new();
                    if tr.enabled != tt.enabled {
                        self.change_attr(
                            ObjectKind::Trigger,
                            &tobj,
                            "enabled",
                            Some(tr.enabled.clone()),
                            Some(tt.enabled.clone()),
                        );
                        let mut enabled = tt.clone();
                        if enabled.enabled == "O" {
                            sql.push(format!(
                                "ALTER TABLE {name} ENABLE TRIGGER {};",
                                quote_ident(n)
                            ));
                        } else if let Some(s) = trigger_enable_sql(name, &enabled) {
                            sql.push(s);
                        }
                        enabled.enabled.clear();
                    }
                    if tr.comment != tt.comment {
                        self.change_attr(
                            ObjectKind::Trigger,
                            &tobj,
                            "comment",
                            tr.comment.clone(),
                            tt.comment.clone(),
                        );
                        sql.push(comment_sql(
                            &format!("TRIGGER {} ON {name}", quote_ident(n)),
                            tt.comment.as_deref(),
                        ));
                    }
                    if !sql.is_empty() {
                        self.op(
                            Key::Trigger(name.clone(), n.clone()),
                            Action::Alter,
                            ObjectKind::Trigger,
                            &tobj,
                            sql,
                            vec![],
                            class::TRIGGER,
                            Some(Stage::AfterColumns),
                        );
                    }
                }
            }
        }
        for (n, tr) in t {
            if !f.contains_key(n) {
                self.create_trigger(name, tr, true);
            }
        }
    }

    /// Column changes of a table present on both sides. Returns the columns dropped and added again.
    fn columns(&mut self, f: &Table, t: &Table) -> BTreeSet<String> {
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
                    || !self.same_sql_opt(
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
                        "generated",
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

    fn alter_column(&mut self, t: &Table, fc: &Column, tc: &Column) {
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
                "identity",
                Some(identity_text(fc)),
                None,
            );
            sql.push(format!("{pre} DROP IDENTITY;"));
        }
        if fc.generated.is_some() && tc.generated.is_none() {
            self.change_attr(
                ObjectKind::Column,
                &cobj,
                "generated",
                fc.generated.clone(),
                None,
            );
            sql.push(format!("{pre} DROP EXPRESSION;"));
        }
        let default_changes = fc.identity.is_none() == tc.identity.is_none()
            && !self.same_sql_opt(
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
        let default_same = self.same_sql_opt(
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
                "default",
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
                "type",
                Some(type_with_collation(fc)),
                Some(type_with_collation(tc)),
            );
            // a column of a rebuilt type is converted by `retype`
            let retyped = self.refs_retyped(&fc.type_name);
            let mut s = format!("{pre} TYPE {}", tc.type_name);
            if let Some(c) = &tc.collation {
                s.push_str(&format!(" COLLATE {c}"));
            }
            if fc.type_name != tc.type_name {
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
                "not_null",
                Some(fc.not_null.to_string()),
                Some(tc.not_null.to_string()),
            );
            if tc.not_null {
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
            } else {
                sql.push(format!("{pre} DROP NOT NULL;"));
            }
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
                    "not_null_constraint",
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
                    "not_null_no_inherit",
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
                    "not_null_validated",
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
                    "identity",
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
                        "identity",
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
                            "identity options",
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
                "comment",
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
                self.change_attr(ObjectKind::Column, &cobj, "grants", None, None);
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
    fn column_attrs(
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
                    "storage",
                    fc.storage.map(|s| s.keyword().to_string()),
                    tc.storage.map(|s| s.keyword().to_string()),
                ),
                (
                    "compression",
                    fc.compression.clone(),
                    tc.compression.clone(),
                ),
                (
                    "statistics",
                    fc.statistics.map(|n| n.to_string()),
                    tc.statistics.map(|n| n.to_string()),
                ),
                (
                    "options",
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

    /// The storage, compression and statistics target of the columns a table has on both sides that
    /// [`Self::columns`] does not compare: a partition's, and those only inherited on both sides.
    fn inherited_column_attrs(&mut self, f: &Table, t: &Table) {
        let both_partitions = f.partition_of.is_some() && t.partition_of.is_some();
        for tc in &t.columns {
            let Some(fc) = f.column(&tc.name) else {
                continue;
            };
            if !both_partitions && (tc.is_local || fc.is_local) {
                continue;
            }
            let sql = self.column_attrs(&t.name, fc, tc, fc.type_name != tc.type_name);
            if !sql.is_empty() {
                let cobj = format!("{}.{}", t.name, quote_ident(&tc.name));
                self.op(
                    Key::Column(t.name.clone(), tc.name.clone()),
                    Action::Alter,
                    ObjectKind::Column,
                    &cobj,
                    sql,
                    vec![],
                    class::COLUMN,
                    Some(Stage::Columns),
                );
            }
        }
    }

    fn is_enum_type(&self, type_name: &str) -> bool {
        let base = type_name.trim_end_matches("[]");
        let Ok(q) = base.parse::<QualName>() else {
            return false;
        };
        [self.from, self.to].iter().any(|db| {
            db.types
                .get(&q)
                .is_some_and(|t| matches!(t.kind, TypeKind::Enum { .. }))
        })
    }

    // ----- sequences ----------------------------------------------------------------------------------

    fn identity_sequences(db: &Database) -> BTreeSet<&QualName> {
        db.tables
            .values()
            .flat_map(|t| t.columns.iter())
            .filter_map(|c| c.identity.as_ref()?.sequence.as_ref())
            .collect()
    }

    /// The sequence's owning column (or table) is dropped by this plan, and the sequence with it. A column
    /// that is only converted (a serial column becoming `text`) keeps its sequence: it is dropped on its own.
    fn owner_gone(&self, s: &Sequence) -> bool {
        s.owned_by.as_ref().is_some_and(|o| {
            let col = Key::Column(o.table.clone(), o.column.clone());
            self.dropped_tables.contains(&o.table)
                || (self.seeds.contains(&col)
                    && self
                        .out
                        .ops
                        .iter()
                        .any(|op| op.key == col && op.role == Action::Drop))
        })
    }

    fn sequences(&mut self) {
        let (from, to) = (self.from, self.to);
        let fid = Self::identity_sequences(from);
        let tid = Self::identity_sequences(to);
        let seq_pairs = pairs(&from.sequences, &to.sequences);
        for &(name, s, in_to) in &seq_pairs {
            let Some(s) = s else { continue };
            if fid.contains(name) || in_to.is_some() && !tid.contains(name) {
                continue;
            }
            let obj = name.to_string();
            self.change(ObjectKind::Sequence, &obj, Action::Drop);
            self.seeds.insert(Key::Sequence(name.clone()));
            if self.owner_gone(s) {
                continue; // dropped with its column
            }
            self.op(
                Key::Sequence(name.clone()),
                Action::Drop,
                ObjectKind::Sequence,
                &obj,
                vec![format!("DROP SEQUENCE {obj};")],
                vec![],
                class::SEQUENCE,
                None,
            );
        }
        for &(name, in_from, s) in &seq_pairs {
            let Some(s) = s else { continue };
            if tid.contains(name) {
                continue;
            }
            let existing = in_from.filter(|_| !fid.contains(name));
            if existing.is_some_and(|f| f == s && !self.owner_gone(f)) {
                continue;
            }
            let obj = name.to_string();
            let key = Key::Sequence(name.clone());
            let target = format!("SEQUENCE {name}");
            match existing {
                None => {
                    self.change(ObjectKind::Sequence, &obj, Action::Create);
                    let opts = seq_option_clauses(&s.options, None, true);
                    let mut stmt = format!("CREATE SEQUENCE {name}");
                    if !opts.is_empty() {
                        stmt.push(' ');
                        stmt.push_str(&opts.join(" "));
                    }
                    let mut sql = vec![stmt + ";"];
                    self.create_extras(
                        &target,
                        Some((AclKind::Sequence, &target)),
                        &s.common,
                        &mut sql,
                    );
                    self.op(
                        key,
                        Action::Create,
                        ObjectKind::Sequence,
                        &obj,
                        sql,
                        vec![],
                        class::SEQUENCE,
                        None,
                    );
                    if let Some(o) = &s.owned_by {
                        self.owned_by(name, Some(o), Action::Create);
                    }
                }
                Some(f) => {
                    if f.options != s.options {
                        let mut opts = seq_option_clauses(&s.options, Some(&f.options), true);
                        // the current value may fall outside the new bounds
                        let restart = narrowed(&f.options, &s.options);
                        if restart {
                            opts.push(format!("RESTART WITH {}", s.options.start));
                        }
                        self.change_attr(
                            ObjectKind::Sequence,
                            &obj,
                            "options",
                            None,
                            Some(opts.join(" ")),
                        );
                        if !opts.is_empty() {
                            let sql = vec![format!("ALTER SEQUENCE {name} {};", opts.join(" "))];
                            let hazards = if restart {
                                vec![restart_hazard()]
                            } else {
                                vec![]
                            };
                            self.op(
                                key.clone(),
                                Action::Alter,
                                ObjectKind::Sequence,
                                &obj,
                                sql,
                                hazards,
                                class::SEQUENCE,
                                None,
                            );
                        }
                    }
                    let gone = self.owner_gone(f);
                    if f.owned_by != s.owned_by || gone {
                        if f.owned_by != s.owned_by {
                            self.change_attr(
                                ObjectKind::Sequence,
                                &obj,
                                "owned_by",
                                f.owned_by
                                    .as_ref()
                                    .map(|o| format!("{}.{}", o.table, quote_ident(&o.column))),
                                s.owned_by
                                    .as_ref()
                                    .map(|o| format!("{}.{}", o.table, quote_ident(&o.column))),
                            );
                        }
                        if gone || s.owned_by.is_none() {
                            self.owned_by(name, None, Action::Drop);
                        }
                        if s.owned_by.is_some() {
                            self.owned_by(name, s.owned_by.as_ref(), Action::Create);
                        }
                    }
                    self.common_alters(
                        &key,
                        ObjectKind::Sequence,
                        &obj,
                        &target,
                        &target,
                        Some((AclKind::Sequence, &target)),
                        &f.common,
                        &s.common,
                        None,
                    );
                }
            }
        }
    }

    fn owned_by(&mut self, name: &QualName, o: Option<&plumb_model::ColumnRef>, role: Action) {
        let target = match o {
            Some(o) => format!("{}.{}", o.table, quote_ident(&o.column)),
            None => "NONE".to_string(),
        };
        let sql = vec![format!("ALTER SEQUENCE {name} OWNED BY {target};")];
        let i = self.op(
            Key::SeqOwner(name.clone()),
            role,
            ObjectKind::Sequence,
            &name.to_string(),
            sql,
            vec![],
            class::SEQ_OWNER,
            None,
        );
        self.out.ops[i].action = Action::Alter;
    }

    // ----- views --------------------------------------------------------------------------------------

    fn create_view(&mut self, v: &View) {
        let (kind, kw, class) = view_kind(v);
        let name = &v.name;
        let obj = name.to_string();
        let with = if v.options.is_empty() {
            String::new()
        } else {
            format!(
                " WITH ({})",
                v.options
                    .iter()
                    .map(|o| reloption(o))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let def = strip_stmt(&v.definition);
        let mut sql = vec![format!("CREATE {kw} {name}{with} AS\n{def};")];
        for c in &v.columns {
            if let Some(text) = &c.comment {
                sql.push(comment_sql(
                    &format!("COLUMN {name}.{}", quote_ident(&c.name)),
                    Some(text),
                ));
            }
        }
        let target = format!("{kw} {name}");
        self.create_extras(
            &target,
            Some((AclKind::Table, &format!("TABLE {name}"))),
            &v.common,
            &mut sql,
        );
        self.op(
            Key::Relation(name.clone()),
            Action::Create,
            kind,
            &obj,
            sql,
            vec![],
            class,
            None,
        );
        for i in v.indexes.values() {
            self.create_index(name, i, true, false, false);
        }
        for tr in v.triggers.values() {
            self.create_trigger(name, tr, false);
        }
        self.cluster_on(name, "MATERIALIZED VIEW", None, &v.indexes);
    }

    fn drop_view(&mut self, v: &View) {
        let (kind, kw, class) = view_kind(v);
        let obj = v.name.to_string();
        self.op(
            Key::Relation(v.name.clone()),
            Action::Drop,
            kind,
            &obj,
            vec![format!("DROP {kw} {obj};")],
            vec![],
            class,
            None,
        );
        self.seeds.insert(Key::Relation(v.name.clone()));
    }

    fn views(&mut self) {
        let (from, to) = (self.from, self.to);
        for (name, f) in &from.views {
            if !to.views.contains_key(name) {
                let (kind, _, _) = view_kind(f);
                self.change(kind, &name.to_string(), Action::Drop);
                self.drop_view(f);
            }
        }
        for (name, t) in &to.views {
            let (kind, kw, class) = view_kind(t);
            let obj = name.to_string();
            let Some(f) = from.views.get(name) else {
                self.change(kind, &obj, Action::Create);
                self.create_view(t);
                continue;
            };
            let def_changes = !self.same_sql(
                Sql::Statement,
                kind,
                &obj,
                strip_stmt(&f.definition),
                strip_stmt(&t.definition),
            );
            let columns_change = !self.same_view_columns(kind, &obj, f, t);
            if f.kind != t.kind
                || def_changes
                || !same_options(&f.options, &t.options)
                || columns_change
            {
                self.change_attr(
                    kind,
                    &obj,
                    "definition",
                    Some(f.definition.clone()),
                    Some(t.definition.clone()),
                );
                let prefix = f.columns.len() <= t.columns.len()
                    && f.columns
                        .iter()
                        .zip(&t.columns)
                        .all(|(a, b)| a.name == b.name && a.type_name == b.type_name);
                if f.kind == ViewKind::View
                    && t.kind == ViewKind::View
                    && same_options(&f.options, &t.options)
                    && prefix
                {
                    let def = strip_stmt(&t.definition);
                    let sql = vec![format!("CREATE OR REPLACE VIEW {name} AS\n{def};")];
                    self.op(
                        Key::Relation(name.clone()),
                        Action::Alter,
                        kind,
                        &obj,
                        sql,
                        vec![],
                        class,
                        None,
                    );
                } else {
                    self.drop_view(f);
                    self.create_view(t);
                    self.rebuilt.insert(Key::Relation(name.clone()));
                    continue;
                }
            }
            let target = format!("{kw} {name}");
            let key = Key::Relation(name.clone());
            self.common_alters(
                &key,
                kind,
                &obj,
                &target,
                &target,
                Some((AclKind::Table, &format!("TABLE {name}"))),
                &f.common,
                &t.common,
                None,
            );
            for tc in &t.columns {
                let fcm = f
                    .columns
                    .iter()
                    .find(|c| c.name == tc.name)
                    .and_then(|c| c.comment.clone());
                if fcm != tc.comment {
                    let cobj = format!("{name}.{}", quote_ident(&tc.name));
                    self.change_attr(
                        ObjectKind::Column,
                        &cobj,
                        "comment",
                        fcm,
                        tc.comment.clone(),
                    );
                    let sql = vec![comment_sql(
                        &format!("COLUMN {cobj}"),
                        tc.comment.as_deref(),
                    )];
                    self.op(
                        key.clone(),
                        Action::Alter,
                        kind,
                        &obj,
                        sql,
                        vec![],
                        class::MISC,
                        None,
                    );
                }
            }
            for (n, i) in &f.indexes {
                match t.indexes.get(n) {
                    None => self.drop_index(name, i, true),
                    Some(ti)
                        if !self.same_sql(
                            Sql::Statement,
                            ObjectKind::Index,
                            &format!("{}.{}", quote_ident(&name.schema), quote_ident(n)),
                            strip_stmt(&i.definition),
                            strip_stmt(&ti.definition),
                        ) =>
                    {
                        self.drop_index(name, i, true);
                        self.create_index(name, ti, false, true, false);
                    }
                    _ => {}
                }
            }
            for (n, i) in &t.indexes {
                if !f.indexes.contains_key(n) {
                    self.create_index(name, i, false, true, false);
                }
            }
            self.triggers(name, &f.triggers, &t.triggers);
            self.cluster_on(name, "MATERIALIZED VIEW", Some(&f.indexes), &t.indexes);
        }
    }

    // ----- functions ----------------------------------------------------------------------------------

    /// The same function body. A SQL-standard body (`RETURN expr`, `BEGIN ATOMIC ... END`) is stored as the
    /// server prints it, so against declared SQL read offline it is compared by meaning; other bodies are the
    /// text the user wrote on both sides.
    fn same_function_body(
        &mut self,
        kind: ObjectKind,
        obj: &str,
        f: &Function,
        t: &Function,
    ) -> bool {
        if f.body == t.body {
            return true;
        }
        if !(is_sql_standard_body(&f.body) && is_sql_standard_body(&t.body)) {
            return false;
        }
        if self.both_live() {
            return false;
        }
        match crate::same::compare_function_body(&f.id.name, &f.body, &t.body) {
            crate::same::Verdict::Same => true,
            crate::same::Verdict::Different => false,
            crate::same::Verdict::Uncertain(reason) => {
                self.out.uncertain.push(crate::Uncertain {
                    kind,
                    object: obj.to_string(),
                    reason,
                });
                true
            }
        }
    }

    fn create_function_sql(&mut self, f: &Function, replace: bool) -> Vec<String> {
        let def = strip_stmt(&f.definition);
        if def.is_empty() {
            self.out.errors.push((
                f.id.to_string(),
                "the model has no definition to create it from".to_string(),
            ));
            return Vec::new();
        }
        let def = if replace {
            or_replace(def)
        } else {
            def.to_string()
        };
        vec![format!("{def};")]
    }

    fn create_function(&mut self, f: &Function) {
        let (kind, kw) = function_kind(f);
        let obj = f.id.to_string();
        let mut sql = self.create_function_sql(f, false);
        let target = format!("{kw} {obj}");
        self.create_extras(
            &target,
            Some((AclKind::Function, &target)),
            &f.common,
            &mut sql,
        );
        self.op(
            Key::Function(f.id.clone()),
            Action::Create,
            kind,
            &obj,
            sql,
            vec![],
            class::FUNCTION,
            None,
        );
    }

    fn drop_function(&mut self, f: &Function) {
        let (kind, kw) = function_kind(f);
        let obj = f.id.to_string();
        self.op(
            Key::Function(f.id.clone()),
            Action::Drop,
            kind,
            &obj,
            vec![format!("DROP {kw} {obj};")],
            vec![],
            class::FUNCTION,
            None,
        );
        self.seeds.insert(Key::Function(f.id.clone()));
    }

    fn functions(&mut self) {
        let (from, to) = (self.from, self.to);
        for (id, f) in &from.functions {
            if !to.functions.contains_key(id) {
                if self.unmodelled_in(to, f) {
                    continue;
                }
                self.change(function_kind(f).0, &id.to_string(), Action::Drop);
                self.drop_function(f);
            }
        }
        for (id, t) in &to.functions {
            let (kind, kw) = function_kind(t);
            let obj = id.to_string();
            let Some(f) = from.functions.get(id) else {
                if self.unmodelled_in(from, t) {
                    continue;
                }
                self.change(kind, &obj, Action::Create);
                self.create_function(t);
                continue;
            };
            let sig = |x: &Function| (x.kind, x.returns.clone());
            let body = |x: &Function| {
                (
                    x.language.clone(),
                    x.volatility.clone(),
                    x.strict,
                    x.security_definer,
                    x.config.clone(),
                )
            };
            let same_body = self.same_function_body(kind, &obj, f, t);
            if sig(f) != sig(t) {
                self.change_attr(kind, &obj, "returns", f.returns.clone(), t.returns.clone());
                self.drop_function(f);
                self.create_function(t);
                self.rebuilt.insert(Key::Function(id.clone()));
                continue;
            }
            if body(f) != body(t) || !same_body {
                for (attr, a, b) in [
                    ("language", f.language.clone(), t.language.clone()),
                    ("volatility", f.volatility.clone(), t.volatility.clone()),
                    ("strict", f.strict.to_string(), t.strict.to_string()),
                    (
                        "security_definer",
                        f.security_definer.to_string(),
                        t.security_definer.to_string(),
                    ),
                    ("config", f.config.join(", "), t.config.join(", ")),
                    ("body", f.body.clone(), t.body.clone()),
                ] {
                    if a != b {
                        self.change_attr(kind, &obj, attr, Some(a), Some(b));
                    }
                }
                let sql = self.create_function_sql(t, true);
                self.op(
                    Key::Function(id.clone()),
                    Action::Alter,
                    kind,
                    &obj,
                    sql,
                    vec![],
                    class::FUNCTION,
                    None,
                );
            }
            let target = format!("{kw} {obj}");
            let key = Key::Function(id.clone());
            self.common_alters(
                &key,
                kind,
                &obj,
                &target,
                &target,
                Some((AclKind::Function, &target)),
                &f.common,
                &t.common,
                None,
            );
        }
    }

    // ----- dependants of what goes away ---------------------------------------------------------------

    /// Foreign keys that stay but depend on something this plan drops: their referenced table (dropped to be
    /// created again), or the PRIMARY KEY / UNIQUE constraint or unique index on the referenced columns
    /// (PostgreSQL: "cannot drop constraint users_pkey ... constraint taggings_user_id_fkey depends on index
    /// users_pkey"). They are dropped before it and added again after it is back.
    fn rebuild_foreign_keys(&mut self) {
        let (from, to) = (self.from, self.to);
        let dropping: BTreeSet<Key> = self
            .out
            .ops
            .iter()
            .filter(|o| o.role == Action::Drop)
            .map(|o| o.key.clone())
            .collect();
        for (tn, ft) in &from.tables {
            if self.dropped_tables.contains(tn) {
                continue;
            }
            let Some(tt) = to.tables.get(tn) else {
                continue;
            };
            for (cn, c) in &ft.constraints {
                if c.kind != ConstraintKind::ForeignKey || !c.is_local {
                    continue;
                }
                let Some(r) = &c.references else { continue };
                let key = Key::Constraint(tn.clone(), cn.clone());
                if dropping.contains(&key) {
                    continue;
                }
                let Some(tc) = tt.constraints.get(cn) else {
                    continue;
                };
                let blocked = self.dropped_tables.contains(r)
                    || from.tables.get(r).is_some_and(|rt| {
                        let cols = referenced_columns(&c.definition, r);
                        let matches = |key_cols: &[String]| {
                            cols.as_ref().is_none_or(|cols| {
                                let a: BTreeSet<&String> = key_cols.iter().collect();
                                let b: BTreeSet<&String> = cols.iter().collect();
                                a == b
                            })
                        };
                        rt.constraints.values().any(|k| {
                            matches!(k.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique)
                                && matches(&k.columns)
                                && dropping.contains(&Key::Constraint(r.clone(), k.name.clone()))
                        }) || rt.indexes.values().any(|i| {
                            i.unique
                                && i.constraint.is_none()
                                && matches(&i.columns)
                                && dropping.contains(&Key::Index(r.clone(), i.name.clone()))
                        })
                    });
                if !blocked {
                    continue;
                }
                // replaces whatever was planned for it in place (a VALIDATE, a comment)
                self.out.ops.retain(|o| o.key != key);
                self.drop_constraint(tn, c, false);
                self.add_constraint(tt, tc, false, false);
            }
        }
    }

    /// Views, functions and triggers that depend on something dropped or changed must be dropped before it
    /// and created again after it, even when they themselves did not change.
    fn rebuild_dependants(&mut self) {
        let (from, to) = (self.from, self.to);
        let dropping: BTreeSet<Key> = self
            .out
            .ops
            .iter()
            .filter(|o| o.role == Action::Drop)
            .map(|o| o.key.clone())
            .collect();
        let mut seed_tables: BTreeSet<QualName> = BTreeSet::new();
        for k in &self.seeds {
            if let Key::Column(t, _) = k {
                seed_tables.insert(t.clone());
            }
        }
        let mut view_deps: BTreeMap<QualName, BTreeSet<Key>> = BTreeMap::new();
        for name in from.views.keys() {
            view_deps.insert(name.clone(), self.fi.deps(&Key::Relation(name.clone())));
        }
        let mut fn_deps: BTreeMap<plumb_model::FunctionId, BTreeSet<Key>> = BTreeMap::new();
        for id in from.functions.keys() {
            if to.functions.contains_key(id) {
                fn_deps.insert(id.clone(), self.fi.deps(&Key::Function(id.clone())));
            }
        }
        loop {
            let hit =
                |deps: &BTreeSet<Key>, seeds: &BTreeSet<Key>, seed_tables: &BTreeSet<QualName>| {
                    deps.iter().any(|d| match d {
                        Key::Column(t, _) => {
                            seeds.contains(d) || seeds.contains(&Key::Relation(t.clone()))
                        }
                        Key::Relation(t) => {
                            seeds.contains(d)
                                || (seed_tables.contains(t)
                                    && !deps
                                        .iter()
                                        .any(|x| matches!(x, Key::Column(tt, _) if tt == t)))
                        }
                        _ => seeds.contains(d),
                    })
                };
            let mut more_views = Vec::new();
            for (name, deps) in &view_deps {
                let key = Key::Relation(name.clone());
                if dropping.contains(&key)
                    || self.rebuilt.contains(&key)
                    || !to.views.contains_key(name)
                {
                    continue;
                }
                if hit(deps, &self.seeds, &seed_tables) {
                    more_views.push(name.clone());
                }
            }
            let mut more_fns = Vec::new();
            for (id, deps) in &fn_deps {
                let key = Key::Function(id.clone());
                if dropping.contains(&key) || self.rebuilt.contains(&key) {
                    continue;
                }
                if hit(deps, &self.seeds, &seed_tables) {
                    more_fns.push(id.clone());
                }
            }
            if more_views.is_empty() && more_fns.is_empty() {
                break;
            }
            for name in more_views {
                if let (Some(f), Some(t)) = (from.views.get(&name), to.views.get(&name)) {
                    self.rebuilt.insert(Key::Relation(name.clone()));
                    // remove an in-place replacement planned for it; drop and create instead
                    let key = Key::Relation(name.clone());
                    self.out
                        .ops
                        .retain(|o| !(o.key == key && o.role == Action::Alter));
                    self.out.ops.retain(|o| {
                        !(o.key.table() == Some(&name)
                            && matches!(o.key, Key::Index(..) | Key::Trigger(..)))
                    });
                    self.drop_view(f);
                    self.create_view(t);
                }
            }
            for id in more_fns {
                if let (Some(f), Some(t)) = (from.functions.get(&id), to.functions.get(&id)) {
                    self.rebuilt.insert(Key::Function(id.clone()));
                    let key = Key::Function(id.clone());
                    self.out
                        .ops
                        .retain(|o| !(o.key == key && o.role == Action::Alter));
                    self.drop_function(f);
                    self.create_function(t);
                }
            }
        }
        // triggers whose function is dropped and created again
        for (tn, t) in &to.tables {
            if self.dropped_tables.contains(tn) {
                continue;
            }
            let Some(ft) = from.tables.get(tn) else {
                continue;
            };
            for (n, tr) in &t.triggers {
                let Some(ftr) = ft.triggers.get(n) else {
                    continue;
                };
                let key = Key::Trigger(tn.clone(), n.clone());
                if self.seeds.contains(&Key::Function(ftr.function.clone()))
                    && !self
                        .out
                        .ops
                        .iter()
                        .any(|o| o.key == key && o.role == Action::Drop)
                {
                    self.out.ops.retain(|o| o.key != key);
                    self.drop_trigger(tn, ftr, false);
                    self.create_trigger(tn, tr, false);
                }
            }
        }
    }
}

/// The referenced columns of a foreign key's definition (`... REFERENCES public.t(a, "B") ...`), unquoted;
/// `None` when the text does not have that shape.
fn referenced_columns(definition: &str, table: &QualName) -> Option<Vec<String>> {
    let marker = format!("REFERENCES {table}(");
    let (_, rest) = definition.split_once(&marker)?;
    let (cols, _) = rest.split_once(')')?;
    cols.split(", ")
        .map(|c| {
            plumb_model::split_qualified(c)
                .ok()
                .and_then(|v| v.into_iter().next())
        })
        .collect()
}

/// A body `pg_get_function_sqlbody` printed (or the parser wrote the same way), not a string constant.
fn is_sql_standard_body(body: &str) -> bool {
    let b = body.trim_start();
    let starts = |w: &str| b.get(..w.len()).is_some_and(|p| p.eq_ignore_ascii_case(w));
    (starts("RETURN") && b[6..].starts_with(|c: char| c.is_whitespace() || c == '('))
        || starts("BEGIN ATOMIC")
}

/// Both maps side by side, in key order (a merge join: no lookups).
#[allow(clippy::type_complexity)]
fn pairs<'m, K: Ord, A, B>(
    a: &'m BTreeMap<K, A>,
    b: &'m BTreeMap<K, B>,
) -> Vec<(&'m K, Option<&'m A>, Option<&'m B>)> {
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let (mut ia, mut ib) = (a.iter().peekable(), b.iter().peekable());
    loop {
        match (ia.peek(), ib.peek()) {
            (None, None) => break,
            (Some(&(ka, va)), None) => {
                out.push((ka, Some(va), None));
                ia.next();
            }
            (None, Some(&(kb, vb))) => {
                out.push((kb, None, Some(vb)));
                ib.next();
            }
            (Some(&(ka, va)), Some(&(kb, vb))) => match ka.cmp(kb) {
                std::cmp::Ordering::Less => {
                    out.push((ka, Some(va), None));
                    ia.next();
                }
                std::cmp::Ordering::Greater => {
                    out.push((kb, None, Some(vb)));
                    ib.next();
                }
                std::cmp::Ordering::Equal => {
                    out.push((ka, Some(va), Some(vb)));
                    ia.next();
                    ib.next();
                }
            },
        }
    }
    out
}

fn identity_text(c: &Column) -> String {
    match &c.identity {
        Some(i) if i.always => "ALWAYS".to_string(),
        Some(_) => "BY DEFAULT".to_string(),
        None => String::new(),
    }
}

fn type_with_collation(c: &Column) -> String {
    match &c.collation {
        Some(coll) => format!("{} COLLATE {coll}", c.type_name),
        None => c.type_name.clone(),
    }
}

fn column_grant_sql(
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

fn trigger_enable_sql(table: &QualName, tr: &Trigger) -> Option<String> {
    let n = quote_ident(&tr.name);
    match tr.enabled.as_str() {
        "D" => Some(format!("ALTER TABLE {table} DISABLE TRIGGER {n};")),
        "R" => Some(format!("ALTER TABLE {table} ENABLE REPLICA TRIGGER {n};")),
        "A" => Some(format!("ALTER TABLE {table} ENABLE ALWAYS TRIGGER {n};")),
        _ => None,
    }
}

fn policy_command(c: &str) -> &'static str {
    match c.to_ascii_uppercase().as_str() {
        "SELECT" | "R" => "SELECT",
        "INSERT" | "A" => "INSERT",
        "UPDATE" | "W" => "UPDATE",
        "DELETE" | "D" => "DELETE",
        _ => "ALL",
    }
}

fn policy_roles(roles: &[String]) -> String {
    if roles.is_empty() {
        return "PUBLIC".to_string();
    }
    roles
        .iter()
        .map(|r| grantee(r))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `CREATE [UNIQUE] INDEX name ...` -> `CREATE [UNIQUE] INDEX CONCURRENTLY name ...`.
fn concurrently(def: &str) -> String {
    for prefix in ["CREATE UNIQUE INDEX ", "CREATE INDEX "] {
        if let Some(rest) = def.strip_prefix(prefix) {
            if rest.starts_with("CONCURRENTLY ") {
                return def.to_string();
            }
            return format!("{prefix}CONCURRENTLY {rest}");
        }
    }
    def.to_string()
}

/// `CREATE FUNCTION` -> `CREATE OR REPLACE FUNCTION` (any kind).
fn or_replace(def: &str) -> String {
    let upper = def.get(..30).unwrap_or(def).to_ascii_uppercase();
    if upper.starts_with("CREATE OR REPLACE ") {
        def.to_string()
    } else if upper.starts_with("CREATE ") {
        format!("CREATE OR REPLACE {}", &def[7..])
    } else {
        def.to_string()
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
