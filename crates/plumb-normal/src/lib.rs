//! The normaliser: SQL text compared by meaning, not by spelling.
//!
//! A live database gives PostgreSQL's deparsed text (`pg_get_expr`, `pg_get_constraintdef`,
//! `pg_get_indexdef`, `pg_get_triggerdef`, `pg_get_viewdef`); declared SQL gives what the user wrote (or what
//! `plumb-parse` derived from it). Both are parsed with the same parser (`pg_query`, PostgreSQL's grammar) and
//! the parse trees are brought to one normal form before they are compared:
//!
//! - parentheses, whitespace, comments and token positions are gone (the tree has none);
//! - string literal spellings are one (`E'\\d'` and `'\d'` are the same constant), and a number and its
//!   quoted spelling (`-1` and `'-1'::integer`) are the same constant;
//! - casts PostgreSQL adds implicitly are removed on both sides: a cast whose operand is a constant, a column
//!   reference, an `ARRAY[...]` constructor or a parameter (`('s'::bpchar)::text`, `(qty)::numeric`,
//!   `ARRAY[]::text[]`, `ARRAY['USER'::"Role"]`), and a cast of anything to `character varying`,
//!   `character` or `name` (added where a `text` value meets such a parameter or column). Any other cast of
//!   an expression (a function call, an operator) is kept;
//! - `'epoch'` cast to `date`, `timestamp` or `timestamptz` is the instant it names, as the server stores it
//!   (`'1970-01-01 00:00:00+00'::timestamp with time zone`);
//! - `x IN (a, b)` is `x = ANY (ARRAY[a, b])`, `x NOT IN (...)` is `x <> ALL (ARRAY[...])`; `LIKE`/`ILIKE`
//!   are their operators `~~`/`~~*`; `a BETWEEN x AND y` is `a >= x AND a <= y`;
//! - nested `AND`/`OR` are flattened (`(a AND b) AND c` is `a AND b AND c`);
//! - the schemas `pg_catalog` and `public` are dropped from type, function, operator and relation names (the
//!   server writes them with an empty `search_path`, declared SQL rarely does), so `pg_catalog.int4`,
//!   `integer` and `int4` are one type;
//! - how a call or a row was written (`substring(x FROM 1)` / `substring(x, 1)`, `ROW(a, b)` / `(a, b)`,
//!   `EXECUTE PROCEDURE` / `EXECUTE FUNCTION`) does not matter;
//! - in a query over a single relation, a column reference qualified by that relation is the same as the
//!   unqualified one.
//!
//! What the normal form cannot decide (text that does not parse, for example) is [`Verdict::Uncertain`]: the
//! caller must not treat it as a difference that justifies destructive SQL.
//!
//! The rules trade a little precision for no false drift: a literal cast to a different type (`'1'::int`
//! against `'1'::bigint`) compares equal. The column's type itself is compared elsewhere.

use serde_json::{json, Map, Value};

/// What kind of SQL text is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sql {
    /// A scalar expression: a default, a generated column, a policy's `USING`/`WITH CHECK`.
    Expr,
    /// A table constraint as `pg_get_constraintdef` prints it (`CHECK (...)`, `FOREIGN KEY ...`).
    Constraint,
    /// A whole statement: `CREATE INDEX`, `CREATE TRIGGER`, a view's `SELECT`.
    Statement,
    /// A partition bound: `FOR VALUES FROM (...) TO (...)`, `FOR VALUES IN (...)`, `DEFAULT`.
    PartitionBound,
    /// The body of a SQL-standard function: `RETURN expr` or `BEGIN ATOMIC ... END` (see
    /// [`compare_function_body`], which also knows the function's name).
    FunctionBody,
}

/// The outcome of a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The two texts mean the same.
    Same,
    /// The normal forms differ.
    Different,
    /// The texts cannot be compared offline (the reason says why).
    Uncertain(String),
}

/// Compare two SQL-standard bodies of the function `name` by meaning. The server qualifies a parameter
/// reference with the function's name (`total.i`); declared SQL rarely does, so that qualifier is removed
/// on both sides before the normal forms are compared.
pub fn compare_function_body(name: &str, a: &str, b: &str) -> Verdict {
    if a.trim() == b.trim() {
        return Verdict::Same;
    }
    let norm_body = |text: &str| {
        normalise(Sql::FunctionBody, text).map(|mut v| {
            strip_qualifier_everywhere(&mut v, name);
            v
        })
    };
    match (norm_body(a), norm_body(b)) {
        (Ok(x), Ok(y)) if x == y => Verdict::Same,
        (Ok(_), Ok(_)) => Verdict::Different,
        (Err(e), _) | (_, Err(e)) => Verdict::Uncertain(e.0),
    }
}

/// Remove `q.` from every two-part column reference of `v`, subqueries included.
fn strip_qualifier_everywhere(v: &mut Value, q: &str) {
    match v {
        Value::Array(items) => items
            .iter_mut()
            .for_each(|i| strip_qualifier_everywhere(i, q)),
        Value::Object(m) => {
            if let Some(Value::Object(c)) = m.get_mut("ColumnRef") {
                if let Some(Value::Array(fields)) = c.get_mut("fields") {
                    if fields.len() == 2 && string_node(&fields[0]) == Some(q) {
                        fields.remove(0);
                    }
                }
                return;
            }
            m.values_mut()
                .for_each(|x| strip_qualifier_everywhere(x, q));
        }
        _ => {}
    }
}

/// An error from [`normalise`]: the text does not parse as the kind of SQL it should be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Error(pub String);

/// Compare two SQL texts of the same kind by meaning. Equal texts are [`Verdict::Same`] without parsing.
pub fn compare(kind: Sql, a: &str, b: &str) -> Verdict {
    if a.trim() == b.trim() {
        return Verdict::Same;
    }
    match (normalise(kind, a), normalise(kind, b)) {
        (Ok(x), Ok(y)) if x == y => Verdict::Same,
        (Ok(_), Ok(_)) => Verdict::Different,
        (Err(e), _) | (_, Err(e)) => Verdict::Uncertain(e.0),
    }
}

/// True unless [`compare`] says the texts differ (`Uncertain` counts as the same).
pub fn same(kind: Sql, a: &str, b: &str) -> bool {
    !matches!(compare(kind, a, b), Verdict::Different)
}

/// True when an expression is the null constant (`NULL`, `NULL::character varying`): a `DEFAULT NULL`
/// is no default at all, and declared SQL writes it where the server stores `NULL::type`.
pub fn is_null(text: &str) -> bool {
    normalise(Sql::Expr, text).is_ok_and(|v| {
        v.get("node")
            .and_then(|n| n.get("AConst"))
            .and_then(|c| c.get("isnull"))
            .and_then(Value::as_bool)
            == Some(true)
    })
}

/// The normal form of a text: a parse tree (as JSON) with the rules of the module applied.
pub fn normalise(kind: Sql, text: &str) -> Result<Value, Error> {
    let text = text.trim().trim_end_matches(';');
    let sql = match kind {
        Sql::Expr => format!("SELECT {text}"),
        Sql::Constraint => format!("ALTER TABLE plumb_normal_t ADD {text}"),
        Sql::Statement => text.to_string(),
        Sql::PartitionBound => {
            format!("CREATE TABLE plumb_normal_t PARTITION OF plumb_normal_p {text}")
        }
        Sql::FunctionBody => {
            format!("CREATE FUNCTION plumb_normal_f() RETURNS void LANGUAGE sql {text}")
        }
    };
    let parsed = pg_query::parse(&sql, 0).map_err(|e| Error(format!("{e} in: {text}")))?;
    let mut v = serde_json::to_value(&parsed.protobuf)
        .map_err(|e| Error(format!("cannot read the parse tree of {text}: {e}")))?;
    let stmts = v
        .get_mut("stmts")
        .and_then(Value::as_array_mut)
        .map(std::mem::take)
        .unwrap_or_default();
    if stmts.len() != 1 {
        return Err(Error(format!(
            "expected one statement, found {}: {text}",
            stmts.len()
        )));
    }
    let mut stmt = stmts.into_iter().next().unwrap_or(Value::Null);
    if stmt.get("stmt").is_none() {
        return Err(Error(format!("empty statement: {text}")));
    }
    let mut node = stmt.get_mut("stmt").map(Value::take).unwrap_or(Value::Null);
    // the part that was compared: the expression, the constraint or the statement
    match kind {
        Sql::Expr => {
            node = take_path(
                node,
                &[
                    "node",
                    "SelectStmt",
                    "target_list",
                    "0",
                    "node",
                    "ResTarget",
                    "val",
                ],
            )
            .ok_or_else(|| Error(format!("not an expression: {text}")))?;
        }
        Sql::Constraint => {
            node = take_path(
                node,
                &[
                    "node",
                    "AlterTableStmt",
                    "cmds",
                    "0",
                    "node",
                    "AlterTableCmd",
                    "def",
                ],
            )
            .ok_or_else(|| Error(format!("not a constraint: {text}")))?;
        }
        Sql::Statement => {}
        Sql::PartitionBound => {
            node = take_path(node, &["node", "CreateStmt", "partbound"])
                .ok_or_else(|| Error(format!("not a partition bound: {text}")))?;
        }
        Sql::FunctionBody => {
            node = take_path(node, &["node", "CreateFunctionStmt", "sql_body"])
                .ok_or_else(|| Error(format!("not a SQL-standard function body: {text}")))?;
        }
    }
    norm(&mut node);
    canonical_aliases(&mut node, &mut Vec::new(), &mut 0);
    Ok(node)
}

/// Range aliases renamed by position (`fc` and `fc_1` are the same alias when the server renamed a
/// subquery's alias that shadows an outer one), and the column references that use them. `scopes` holds,
/// innermost last, the (old, new) alias names visible; `next` numbers aliases in order of appearance.
fn canonical_aliases(v: &mut Value, scopes: &mut Vec<Vec<(String, String)>>, next: &mut usize) {
    match v {
        Value::Array(items) => items
            .iter_mut()
            .for_each(|i| canonical_aliases(i, scopes, next)),
        Value::Object(m) => {
            if let Some(Value::Object(sel)) = m.get_mut("SelectStmt") {
                let mut scope = Vec::new();
                if let Some(from) = sel.get_mut("from_clause") {
                    rename_range(from, &mut scope, next);
                }
                scopes.push(scope);
                for (_, x) in sel.iter_mut() {
                    canonical_aliases(x, scopes, next);
                }
                scopes.pop();
                return;
            }
            if let Some(Value::Object(c)) = m.get_mut("ColumnRef") {
                if let Some(Value::Array(fields)) = c.get_mut("fields") {
                    if fields.len() >= 2 {
                        let q = string_node(&fields[0]).map(str::to_string);
                        let renamed = q.and_then(|q| {
                            scopes.iter().rev().find_map(|s| {
                                s.iter().find(|(o, _)| *o == q).map(|(_, n)| n.clone())
                            })
                        });
                        if let Some(n) = renamed {
                            fields[0] = json!({ "node": { "String": { "sval": n } } });
                        }
                    }
                }
                return;
            }
            m.values_mut()
                .for_each(|x| canonical_aliases(x, scopes, next));
        }
        _ => {}
    }
}

/// Give each range entry of a FROM clause (tables, subqueries, joins' members) its positional alias.
fn rename_range(v: &mut Value, scope: &mut Vec<(String, String)>, next: &mut usize) {
    match v {
        Value::Array(items) => items.iter_mut().for_each(|i| rename_range(i, scope, next)),
        Value::Object(m) => {
            if let Some(Value::Object(j)) = m.get_mut("JoinExpr") {
                for k in ["larg", "rarg"] {
                    if let Some(x) = j.get_mut(k) {
                        rename_range(x, scope, next);
                    }
                }
                return;
            }
            for kind in ["RangeVar", "RangeSubselect", "RangeFunction"] {
                if let Some(Value::Object(r)) = m.get_mut(kind) {
                    let old = r
                        .get("alias")
                        .and_then(|a| a.get("aliasname"))
                        .and_then(Value::as_str)
                        .or_else(|| r.get("relname").and_then(Value::as_str))
                        .map(str::to_string);
                    if let Some(old) = old {
                        *next += 1;
                        let new = format!("plumb_r{next}");
                        let alias = r
                            .entry("alias")
                            .or_insert_with(|| json!({ "aliasname": "" }));
                        if let Value::Object(a) = alias {
                            a.insert("aliasname".into(), Value::String(new.clone()));
                        }
                        scope.push((old, new));
                    }
                    return;
                }
            }
            m.values_mut().for_each(|x| rename_range(x, scope, next));
        }
        _ => {}
    }
}

fn take_path(mut v: Value, path: &[&str]) -> Option<Value> {
    for p in path {
        v = match v {
            Value::Object(mut m) => m.remove(*p)?,
            Value::Array(a) => a.into_iter().nth(p.parse().ok()?)?,
            _ => return None,
        };
    }
    Some(v)
}

/// Keys that carry positions or spelling only.
fn noise(key: &str) -> bool {
    key.ends_with("location")
        || key.ends_with("list_start")
        || key.ends_with("list_end")
        || matches!(key, "stmt_len" | "funcformat" | "row_format")
}

/// Schemas dropped from names.
fn implied_schema(s: &str) -> bool {
    s == "pg_catalog" || s == "public"
}

fn norm(v: &mut Value) {
    match v {
        Value::Array(items) => items.iter_mut().for_each(norm),
        Value::Object(m) => {
            m.retain(|k, v| !noise(k) && !v.is_null());
            m.values_mut().for_each(norm);
            if let Some(inner) = m.get_mut("node") {
                rewrite(inner);
                // a cast removed: the wrapper takes its operand's node
                if let Some(Value::Object(cast)) = inner.get_mut("TypeCast") {
                    epoch_value(cast);
                }
                if let Some(Value::Object(cast)) = inner.get("TypeCast") {
                    if let Some(arg) = cast.get("arg").and_then(|a| a.get("node")) {
                        if implicit_cast_operand(arg)
                            || to_text_like(cast)
                            || text_of_text(cast, arg)
                        {
                            let arg = arg.clone();
                            *inner = arg;
                        }
                    }
                }
            }
            // a name list: the implied schema dropped
            for key in ["names", "funcname", "name"] {
                if let Some(Value::Array(list)) = m.get_mut(key) {
                    if list.len() > 1 && string_node(&list[0]).is_some_and(implied_schema) {
                        list.remove(0);
                    }
                }
            }
            if let Some(Value::String(s)) = m.get("schemaname") {
                if implied_schema(s) {
                    m.insert("schemaname".into(), Value::String(String::new()));
                }
            }
        }
        _ => {}
    }
}

/// `'epoch'` cast to `date`, `timestamp` or `timestamp with time zone` is the value the server stores and
/// prints (`'1970-01-01 00:00:00+00'::timestamp with time zone`, the introspection session being in UTC):
/// the special input is read when the expression is stored.
fn epoch_value(cast: &mut Map<String, Value>) {
    let ty = cast
        .get("type_name")
        .and_then(|t| t.get("names"))
        .and_then(Value::as_array)
        .and_then(|n| n.last())
        .and_then(string_node)
        .map(str::to_string);
    let value = match ty.as_deref() {
        Some("timestamptz") => "1970-01-01 00:00:00+00",
        Some("timestamp") => "1970-01-01 00:00:00",
        Some("date") => "1970-01-01",
        _ => return,
    };
    let Some(Value::Object(sval)) = cast
        .get_mut("arg")
        .and_then(|a| a.get_mut("node"))
        .and_then(|n| n.get_mut("AConst"))
        .and_then(|c| c.get_mut("val"))
        .and_then(|v| v.get_mut("Sval"))
    else {
        return;
    };
    if sval
        .get("sval")
        .and_then(Value::as_str)
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("epoch"))
    {
        sval.insert("sval".into(), Value::String(value.into()));
    }
}

fn string_node(v: &Value) -> Option<&str> {
    v.get("node")?.get("String")?.get("sval")?.as_str()
}

/// A cast of this node is one PostgreSQL may have added (or the user wrote for the type the context has).
fn implicit_cast_operand(node: &Value) -> bool {
    ["AConst", "ColumnRef", "AArrayExpr", "ParamRef"]
        .iter()
        .any(|k| node.get(*k).is_some())
}

/// A cast to `character varying`, `character` or `name`: PostgreSQL adds it wherever a `text` value meets a
/// parameter or column of such a type (`f(((j ->> 'k'))::character varying)`).
fn to_text_like(cast: &Map<String, Value>) -> bool {
    let Some(Value::Array(names)) = cast.get("type_name").and_then(|t| t.get("names")) else {
        return false;
    };
    let array = cast
        .get("type_name")
        .and_then(|t| t.get("array_bounds"))
        .and_then(Value::as_array)
        .is_some_and(|b| !b.is_empty());
    !array
        && names
            .last()
            .and_then(string_node)
            .is_some_and(|n| matches!(n, "varchar" | "bpchar" | "name"))
}

/// A cast to `text` of what is text already (`(j ->> 'k')::text`, `#>>`): the server drops it.
fn text_of_text(cast: &Map<String, Value>, arg: &Value) -> bool {
    let to_text = cast
        .get("type_name")
        .and_then(|t| t.get("names"))
        .and_then(Value::as_array)
        .and_then(|n| n.last())
        .and_then(string_node)
        == Some("text")
        && cast
            .get("type_name")
            .and_then(|t| t.get("array_bounds"))
            .and_then(Value::as_array)
            .is_none_or(|b| b.is_empty());
    let text_op = arg
        .get("AExpr")
        .and_then(|e| e.as_object())
        .and_then(op_name)
        .is_some_and(|op| op == "->>" || op == "#>>");
    to_text && text_op
}

fn node(variant: &str, body: Value) -> Value {
    json!({ "node": { variant: body } })
}

/// Rewrites of one node (`{"Variant": {...}}`), its children already normal.
fn rewrite(inner: &mut Value) {
    let Value::Object(m) = inner else { return };
    if let Some(Value::Object(c)) = m.get_mut("AConst") {
        const_value(c);
    } else if let Some(Value::Object(e)) = m.get("AExpr") {
        if let Some(new) = rewrite_a_expr(e) {
            *inner = new;
        }
    } else if let Some(Value::Object(b)) = m.get_mut("BoolExpr") {
        flatten_bool(b);
    } else if let Some(Value::Object(s)) = m.get_mut("SelectStmt") {
        unqualify_single_relation(s);
        drop_implicit_target_names(s);
    } else if let Some(Value::Object(c)) = m.get_mut("CaseExpr") {
        // `CASE … END` is `CASE … ELSE NULL END`, as the server writes it
        let null_default = c
            .get("defresult")
            .and_then(|d| d.get("node"))
            .and_then(|n| n.get("AConst"))
            .and_then(|a| a.get("isnull"))
            .and_then(Value::as_bool)
            == Some(true);
        if null_default {
            c.remove("defresult");
        }
    } else if let Some(Value::Object(s)) = m.get_mut("UpdateStmt") {
        unqualify_target_relation(s);
    } else if let Some(Value::Object(s)) = m.get_mut("DeleteStmt") {
        unqualify_target_relation(s);
    }
}

/// One spelling per constant: numbers become their text, as `'-1'::integer` and `-1` are one value.
fn const_value(c: &mut Map<String, Value>) {
    let Some(Value::Object(val)) = c.get("val") else {
        return;
    };
    let text = if let Some(i) = val.get("Ival") {
        Some(
            i.get("ival")
                .and_then(Value::as_i64)
                .unwrap_or(0)
                .to_string(),
        )
    } else if let Some(f) = val.get("Fval") {
        f.get("fval").and_then(Value::as_str).map(str::to_string)
    } else {
        None
    };
    if let Some(t) = text {
        c.insert("val".into(), json!({ "Sval": { "sval": t } }));
    } else if let Some(utc) = val
        .get("Sval")
        .and_then(|v| v.get("sval"))
        .and_then(Value::as_str)
        .and_then(timestamptz_utc)
    {
        c.insert("val".into(), json!({ "Sval": { "sval": utc } }));
    }
}

/// A `timestamp with time zone` literal with an explicit offset (`2022-04-01 01:00:00+01`), as the same
/// instant in UTC (`2022-04-01 00:00:00+00`): the server prints such values in its own time zone.
fn timestamptz_utc(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    if b.len() < 22
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (y, mo, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (h, mi) = (digits(11..13)?, digits(14..16)?);
    let mut i = 19;
    digits(17..19)?;
    while i < b.len() && (b[i] == b'.' || b[i].is_ascii_digit()) {
        i += 1;
    }
    let frac = &s[19..i];
    let sign = match b.get(i)? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let tz = &s[i + 1..];
    let (oh, om) = match tz.len() {
        2 => (digits(i + 1..i + 3)?, 0),
        5 if tz.as_bytes()[2] == b':' => (digits(i + 1..i + 3)?, digits(i + 4..i + 6)?),
        _ => return None,
    };
    // days since 1970-01-01 (civil calendar), then back
    let days = |y: i64, m: i64, d: i64| {
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468
    };
    let minutes = days(y, mo, d) * 1440 + h * 60 + mi - sign * (oh * 60 + om);
    let (day, m) = (minutes.div_euclid(1440), minutes.rem_euclid(1440));
    let z = day + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let dd = doy - (153 * mp + 2) / 5 + 1;
    let mm = if mp < 10 { mp + 3 } else { mp - 9 };
    let yy = yoe + era * 400 + i64::from(mm <= 2);
    Some(format!(
        "{yy:04}-{mm:02}-{dd:02} {:02}:{:02}:{}{frac}+00",
        m / 60,
        m % 60,
        &s[17..19]
    ))
}

fn op_name(e: &Map<String, Value>) -> Option<String> {
    let names = e.get("name")?.as_array()?;
    string_node(names.last()?).map(str::to_string)
}

fn a_expr(kind: i64, op: &str, l: Value, r: Value) -> Value {
    node(
        "AExpr",
        json!({
            "kind": kind,
            "name": [ { "node": { "String": { "sval": op } } } ],
            "lexpr": l,
            "rexpr": r,
        }),
    )
}

fn bool_expr(op: i64, args: Vec<Value>) -> Value {
    node("BoolExpr", json!({ "boolop": op, "args": args }))
}

const AEXPR_OP: i64 = 1;
const AEXPR_OP_ANY: i64 = 2;
const AEXPR_OP_ALL: i64 = 3;
const AEXPR_IN: i64 = 7;
const AEXPR_LIKE: i64 = 8;
const AEXPR_ILIKE: i64 = 9;
const AEXPR_BETWEEN: i64 = 11;
const AEXPR_NOT_BETWEEN: i64 = 12;
const AND_EXPR: i64 = 1;
const OR_EXPR: i64 = 2;

/// `IN`, `LIKE`, `BETWEEN` in the form the server prints them. Returns the replacement of the inner node.
fn rewrite_a_expr(e: &Map<String, Value>) -> Option<Value> {
    let kind = e.get("kind")?.as_i64()?;
    let op = op_name(e)?;
    let lexpr = e.get("lexpr").cloned().unwrap_or(Value::Null);
    let new = match kind {
        AEXPR_IN => {
            let items = e.get("rexpr")?.get("node")?.get("List")?.get("items")?;
            let array = node("AArrayExpr", json!({ "elements": items }));
            let kind = if op == "=" {
                AEXPR_OP_ANY
            } else {
                AEXPR_OP_ALL
            };
            a_expr(kind, &op, lexpr, array)
        }
        AEXPR_LIKE | AEXPR_ILIKE => a_expr(AEXPR_OP, &op, lexpr, e.get("rexpr").cloned()?),
        AEXPR_BETWEEN | AEXPR_NOT_BETWEEN => {
            let items = e
                .get("rexpr")?
                .get("node")?
                .get("List")?
                .get("items")?
                .as_array()?;
            let (lo, hi) = (items.first()?.clone(), items.get(1)?.clone());
            if kind == AEXPR_BETWEEN {
                bool_expr(
                    AND_EXPR,
                    vec![
                        a_expr(AEXPR_OP, ">=", lexpr.clone(), lo),
                        a_expr(AEXPR_OP, "<=", lexpr, hi),
                    ],
                )
            } else {
                bool_expr(
                    OR_EXPR,
                    vec![
                        a_expr(AEXPR_OP, "<", lexpr.clone(), lo),
                        a_expr(AEXPR_OP, ">", lexpr, hi),
                    ],
                )
            }
        }
        _ => return None,
    };
    // the wrapper's inner node
    new.get("node").cloned()
}

/// `(a AND b) AND c` as `a AND b AND c`.
fn flatten_bool(b: &mut Map<String, Value>) {
    let Some(op) = b.get("boolop").and_then(Value::as_i64) else {
        return;
    };
    if op != AND_EXPR && op != OR_EXPR {
        return;
    }
    let Some(Value::Array(args)) = b.get_mut("args") else {
        return;
    };
    let mut flat = Vec::with_capacity(args.len());
    for a in std::mem::take(args) {
        let same_op = a
            .get("node")
            .and_then(|n| n.get("BoolExpr"))
            .and_then(|x| x.get("boolop"))
            .and_then(Value::as_i64)
            == Some(op);
        if same_op {
            if let Some(Value::Array(inner)) = a
                .get("node")
                .and_then(|n| n.get("BoolExpr"))
                .and_then(|x| x.get("args"))
            {
                flat.extend(inner.iter().cloned());
                continue;
            }
        }
        flat.push(a);
    }
    *args = flat;
}

/// `f(x) AS f` and `t.c AS c` are `f(x)` and `t.c`: the server writes the output name a target would get
/// anyway.
fn drop_implicit_target_names(s: &mut Map<String, Value>) {
    let Some(Value::Array(targets)) = s.get_mut("target_list") else {
        return;
    };
    for t in targets {
        let Some(Value::Object(rt)) = t.get_mut("node").and_then(|n| n.get_mut("ResTarget")) else {
            continue;
        };
        let implicit = rt.get("val").and_then(|v| v.get("node")).and_then(|n| {
            if let Some(c) = n.get("ColumnRef") {
                c.get("fields")?.as_array()?.last().and_then(string_node)
            } else if let Some(f) = n.get("FuncCall") {
                f.get("funcname")?.as_array()?.last().and_then(string_node)
            } else if n.get("CoalesceExpr").is_some() {
                Some("coalesce")
            } else if n.get("CaseExpr").is_some() {
                Some("case")
            } else if let Some(m) = n.get("MinMaxExpr") {
                // op 1 GREATEST, 2 LEAST
                Some(if m.get("op").and_then(Value::as_i64) == Some(2) {
                    "least"
                } else {
                    "greatest"
                })
            } else {
                None
            }
        });
        let name = rt.get("name").and_then(Value::as_str);
        if name == Some("") || (implicit.is_some() && name == implicit) {
            rt.remove("name");
        }
    }
}

/// In a query over one relation (no join, no subquery in FROM), `t.col` and `col` are the same reference.
fn unqualify_single_relation(s: &mut Map<String, Value>) {
    let Some(Value::Array(from)) = s.get("from_clause") else {
        return;
    };
    if from.len() != 1 {
        return;
    }
    let Some(rv) = from[0].get("node").and_then(|n| n.get("RangeVar")) else {
        return;
    };
    let qualifier = rv
        .get("alias")
        .and_then(|a| a.get("aliasname"))
        .and_then(Value::as_str)
        .or_else(|| rv.get("relname").and_then(Value::as_str))
        .map(str::to_string);
    let Some(q) = qualifier else { return };
    for key in [
        "target_list",
        "where_clause",
        "group_clause",
        "having_clause",
        "sort_clause",
        "distinct_clause",
    ] {
        if let Some(v) = s.get_mut(key) {
            strip_qualifier(v, &q);
        }
    }
    // an alias the server gave (`FROM public.t t_1` for a `t` that shadows an outer one) names nothing now
    if let Some(Value::Object(rv)) = s
        .get_mut("from_clause")
        .and_then(|f| f.get_mut(0))
        .and_then(|n| n.get_mut("node"))
        .and_then(|n| n.get_mut("RangeVar"))
    {
        let rel = rv
            .get("relname")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let renamed = rv
            .get("alias")
            .and_then(|a| a.get("aliasname"))
            .and_then(Value::as_str)
            .is_some_and(|a| {
                a == rel
                    || a.strip_prefix(rel)
                        .and_then(|r| r.strip_prefix('_'))
                        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            });
        if renamed {
            rv.remove("alias");
        }
    }
}

/// In an `UPDATE` or `DELETE` of one relation (no `FROM`/`USING` list), `t.col` and `col` are the same.
fn unqualify_target_relation(s: &mut Map<String, Value>) {
    let others = ["from_clause", "using_clause"].iter().any(|k| {
        s.get(*k)
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
    });
    if others {
        return;
    }
    let Some(rv) = s.get("relation") else { return };
    let qualifier = rv
        .get("alias")
        .and_then(|a| a.get("aliasname"))
        .and_then(Value::as_str)
        .or_else(|| rv.get("relname").and_then(Value::as_str))
        .map(str::to_string);
    let Some(q) = qualifier else { return };
    for key in ["target_list", "where_clause", "returning_list"] {
        if let Some(v) = s.get_mut(key) {
            strip_qualifier(v, &q);
        }
    }
}

/// Remove `q.` from the column references of `v`, not descending into subqueries (their own scope).
fn strip_qualifier(v: &mut Value, q: &str) {
    match v {
        Value::Array(items) => items.iter_mut().for_each(|i| strip_qualifier(i, q)),
        Value::Object(m) => {
            if m.contains_key("SelectStmt") {
                return;
            }
            if let Some(Value::Object(c)) = m.get_mut("ColumnRef") {
                if let Some(Value::Array(fields)) = c.get_mut("fields") {
                    if fields.len() == 2 && string_node(&fields[0]) == Some(q) {
                        fields.remove(0);
                    }
                }
                return;
            }
            m.values_mut().for_each(|x| strip_qualifier(x, q));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests;
