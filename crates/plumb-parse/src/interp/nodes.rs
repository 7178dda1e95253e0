//! Small readers of pg_query parse-tree nodes: names, strings, integers, role specs.

use super::*;

pub(super) use crate::expr::node_strings as strs;

pub(super) fn int_of(n: &Node) -> Option<i64> {
    match &n.node {
        Some(N::Integer(i)) => Some(i.ival as i64),
        Some(N::Float(f)) => f.fval.parse().ok(),
        Some(N::AConst(c)) => match &c.val {
            Some(protobuf::a_const::Val::Ival(i)) => Some(i.ival as i64),
            Some(protobuf::a_const::Val::Fval(f)) => f.fval.parse().ok(),
            _ => None,
        },
        Some(N::TypeName(t)) => strs(&t.names).last().and_then(|s| s.parse().ok()),
        _ => None,
    }
}

/// A `COMPRESSION` clause's method as the model keeps it (`None`: the default).
pub(super) fn compression_method(word: &str, location: Loc) -> R<Option<String>> {
    match word.to_ascii_lowercase().as_str() {
        "default" => Ok(None),
        m @ ("pglz" | "lz4") => Ok(Some(m.to_string())),
        _ => fail(format!("invalid compression method \"{word}\""), location),
    }
}

pub(super) fn str_of(n: &Node) -> Option<String> {
    match &n.node {
        Some(N::String(s)) => Some(s.sval.clone()),
        Some(N::AConst(c)) => match &c.val {
            Some(protobuf::a_const::Val::Sval(s)) => Some(s.sval.clone()),
            Some(protobuf::a_const::Val::Ival(i)) => Some(i.ival.to_string()),
            Some(protobuf::a_const::Val::Fval(f)) => Some(f.fval.clone()),
            Some(protobuf::a_const::Val::Boolval(b)) => {
                Some(if b.boolval { "on" } else { "off" }.into())
            }
            _ => None,
        },
        Some(N::TypeName(t)) => strs(&t.names).last().cloned(),
        Some(N::Integer(i)) => Some(i.ival.to_string()),
        Some(N::Float(f)) => Some(f.fval.clone()),
        Some(N::Boolean(b)) => Some(if b.boolval { "true" } else { "false" }.into()),
        Some(N::List(l)) => Some(strs(&l.items).join(".")),
        _ => None,
    }
}

pub(super) fn def_elems(nodes: &[Node]) -> Vec<&protobuf::DefElem> {
    nodes
        .iter()
        .filter_map(|n| match &n.node {
            Some(N::DefElem(d)) => Some(&**d),
            _ => None,
        })
        .collect()
}

pub(super) fn role_name(n: &Node) -> Option<String> {
    match &n.node {
        Some(N::RoleSpec(r)) => Some(role_spec(r)),
        _ => None,
    }
}

pub(super) fn role_spec(r: &protobuf::RoleSpec) -> String {
    use protobuf::RoleSpecType as T;
    match r.roletype() {
        T::RolespecPublic => "PUBLIC".into(),
        T::RolespecCurrentUser | T::RolespecCurrentRole | T::RolespecSessionUser => {
            "CURRENT_USER".into()
        }
        _ => r.rolename.clone(),
    }
}

pub(super) fn deparse_node(n: &N) -> String {
    n.deparse(Default::default()).unwrap_or_else(|_| "?".into())
}

pub(super) fn display_rv(rv: &protobuf::RangeVar) -> String {
    if rv.schemaname.is_empty() {
        rv.relname.clone()
    } else {
        format!("{}.{}", rv.schemaname, rv.relname)
    }
}

pub(super) fn arg_count(args: &str) -> usize {
    if args.trim().is_empty() {
        return 0;
    }
    let mut depth = 0;
    let mut n = 1;
    let mut quoted = false;
    for c in args.chars() {
        match c {
            '"' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => n += 1,
            _ => {}
        }
    }
    n
}

pub(super) fn obj_names(n: &Node) -> Vec<String> {
    match &n.node {
        Some(N::List(l)) => strs(&l.items),
        Some(N::String(s)) => vec![s.sval.clone()],
        Some(N::TypeName(t)) => strs(&t.names),
        _ => vec![],
    }
}
