//! Implicit object names, chosen as PostgreSQL chooses them (`makeObjectName`, `ChooseRelationName`,
//! `ChooseConstraintName`, `ChooseIndexColumnNames`, `ChooseIndexNameAddition` in PostgreSQL's source).

/// `NAMEDATALEN - 1`: the longest identifier, in bytes.
pub(crate) const MAX_IDENT: usize = 63;

/// Longest prefix of `s` of at most `n` bytes that ends on a character boundary (`pg_mbcliplen`).
pub(crate) fn clip(s: &str, n: usize) -> &str {
    if s.len() <= n {
        return s;
    }
    let mut end = n;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Identifiers longer than 63 bytes are truncated, as the lexer does.
pub(crate) fn truncate_ident(s: &str) -> String {
    clip(s, MAX_IDENT).to_string()
}

/// `makeObjectName(name1, name2, label)`: `name1_name2_label`, shortening the longer of the two names first so
/// that the result fits in 63 bytes.
pub(crate) fn make_object_name(name1: &str, name2: Option<&str>, label: Option<&str>) -> String {
    let mut overhead = 0;
    let mut n1 = name1.len();
    let mut n2 = 0;
    if let Some(n) = name2 {
        n2 = n.len();
        overhead += 1;
    }
    if let Some(l) = label {
        overhead += l.len() + 1;
    }
    let avail = MAX_IDENT.saturating_sub(overhead);
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let mut out = clip(name1, n1).to_string();
    if let Some(n) = name2 {
        out.push('_');
        out.push_str(clip(n, n2));
    }
    if let Some(l) = label {
        out.push('_');
        out.push_str(l);
    }
    out
}

/// `ChooseRelationName` / `ChooseConstraintName`: the first of `name1_name2_label`, `..._label1`,
/// `..._label2`, ... for which `taken` is false.
pub(crate) fn choose_name(
    name1: &str,
    name2: Option<&str>,
    label: &str,
    mut taken: impl FnMut(&str) -> bool,
) -> String {
    let mut pass = 0;
    let mut modlabel = label.to_string();
    loop {
        let name = make_object_name(name1, name2, Some(&modlabel));
        if !taken(&name) {
            return name;
        }
        pass += 1;
        modlabel = format!("{label}{pass}");
    }
}

/// `ChooseIndexColumnNames`: the names of index columns, made distinct (`a`, `a1`, ...).
pub(crate) fn index_column_names(orig: &[String]) -> Vec<String> {
    let mut result: Vec<String> = Vec::new();
    for origname in orig {
        let mut cur = origname.clone();
        let mut i = 1;
        while result.contains(&cur) {
            let suffix = i.to_string();
            cur = format!("{}{}", clip(origname, MAX_IDENT - suffix.len()), suffix);
            i += 1;
        }
        result.push(cur);
    }
    result
}

/// `ChooseIndexNameAddition` / `ChooseForeignKeyConstraintNameAddition`: names joined by `_`, stopping once
/// 64 bytes are reached.
pub(crate) fn name_addition(names: &[String]) -> String {
    let mut buf = String::new();
    for n in names {
        if !buf.is_empty() {
            buf.push('_');
        }
        buf.push_str(clip(n, MAX_IDENT));
        if buf.len() > MAX_IDENT {
            break;
        }
    }
    buf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_names_fit_in_63_bytes() {
        assert_eq!(make_object_name("t", Some("a"), Some("key")), "t_a_key");
        assert_eq!(make_object_name("t", None, Some("pkey")), "t_pkey");
        let long = "x".repeat(70);
        let n = make_object_name(&long, Some("col"), Some("fkey"));
        assert_eq!(n.len(), 63);
        assert!(n.ends_with("_col_fkey"), "{n}");
        let both = make_object_name(&"a".repeat(40), Some(&"b".repeat(40)), Some("idx"));
        assert_eq!(both, format!("{}_{}_idx", "a".repeat(29), "b".repeat(29)));
    }

    #[test]
    fn collisions_get_a_number() {
        let taken = ["t_a_key".to_string(), "t_a_key1".to_string()];
        assert_eq!(
            choose_name("t", Some("a"), "key", |n| taken.iter().any(|t| t == n)),
            "t_a_key2"
        );
        assert_eq!(
            index_column_names(&["a".into(), "a".into(), "expr".into()]),
            ["a", "a1", "expr"]
        );
    }
}
