//! The SQL of storage parameters (of tables and indexes) and of `CLUSTER ON`.

use super::*;

/// `name=value` storage parameters as SQL: `name = 'value'`, each part quoted.
/// The kind of relation `ALTER {kw}` names: a table, else a (materialized) view.
fn cluster_kind(kw: &str) -> ObjectKind {
    if kw == "TABLE" {
        ObjectKind::Table
    } else {
        ObjectKind::MaterializedView
    }
}

pub(crate) fn reloption(opt: &str) -> String {
    let (name, value) = opt.split_once('=').unwrap_or((opt, ""));
    let name = name
        .split('.')
        .map(quote_ident)
        .collect::<Vec<_>>()
        .join(".");
    format!("{name} = {}", quote_literal(value))
}

pub(crate) fn reloption_name(opt: &str) -> String {
    let name = opt.split_once('=').map(|(n, _)| n).unwrap_or(opt);
    name.split('.')
        .map(quote_ident)
        .collect::<Vec<_>>()
        .join(".")
}

/// An index or key definition without its storage parameters, and the parameters as (name, value): `WITH
/// (fillfactor='70')` as `pg_get_indexdef` and `pg_get_constraintdef` write them (the value unquoted). `None`
/// when the clause cannot be told apart safely.
pub(crate) fn split_storage_params(def: &str) -> Option<(String, Vec<StorageParam>)> {
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
pub(super) fn storage_param_sql(
    index: &str,
    a: &[StorageParam],
    b: &[StorageParam],
) -> Vec<String> {
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

impl<'a> Differ<'a> {
    /// Storage parameters of an index (behind a key or not) changed in place: `ALTER INDEX … SET/RESET`.
    pub(crate) fn alter_storage_params(
        &mut self,
        key: Key,
        obj: &str,
        index: &str,
        (a, b): (&[StorageParam], &[StorageParam]),
    ) {
        // the index behind a key is altered as part of its constraint
        let (kind, class) = match key {
            Key::Constraint(..) => (ObjectKind::Constraint, class::CONSTRAINT),
            _ => (ObjectKind::Index, class::INDEX),
        };
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

    /// `CLUSTER ON` the index `to` marks, or `SET WITHOUT CLUSTER` when it marks none.
    pub(crate) fn write_cluster(
        &mut self,
        name: &QualName,
        kw: &str,
        to: &BTreeMap<String, PgIndex>,
    ) {
        let (key, sql) = match clustered(to) {
            Some(n) => {
                let key = match &to[n].constraint {
                    Some(c) => Key::Constraint(name.clone(), c.clone()),
                    None => Key::Index(name.clone(), n.clone()),
                };
                (
                    key,
                    format!("ALTER {kw} {name} CLUSTER ON {};", quote_ident(n)),
                )
            }
            None => (
                Key::Relation(name.clone()),
                format!("ALTER {kw} {name} SET WITHOUT CLUSTER;"),
            ),
        };
        self.op(
            key,
            Action::Alter,
            cluster_kind(kw),
            &name.to_string(),
            vec![sql],
            vec![],
            class::MISC,
            Some(Stage::AfterColumns),
        );
    }
}
