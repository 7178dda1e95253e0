//! `--using [schema.]table.column=EXPR`: the conversion of a column whose type the plan changes, given by the
//! user. The expression replaces the cast (or epoch-seconds conversion) plumb would write after
//! `ALTER TABLE ... ALTER COLUMN ... TYPE ... USING`; it is checked with PostgreSQL's parser so it cannot end
//! the statement, add a command to it or swallow what follows.

use plumb_model::{quote_ident, QualName};
use plumb_normal::Sql;

/// One `--using` entry: the column (schema `public` when not given) and its conversion expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Using {
    pub table: QualName,
    pub column: String,
    /// As the user wrote it (trimmed).
    pub expr: String,
}

/// Why a `--using` entry was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--using {text}: {reason}")]
pub struct UsingError {
    pub text: String,
    pub reason: String,
}

impl std::str::FromStr for Using {
    type Err = UsingError;

    fn from_str(text: &str) -> Result<Using, UsingError> {
        Using::parse(text)
    }
}

impl std::fmt::Display for Using {
    /// The column as SQL names it (quoted where needed) and the expression: `public.t.c=EXPR`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.column_name(), self.expr)
    }
}

impl Using {
    pub fn parse(text: &str) -> Result<Using, UsingError> {
        let err = |reason: &str| UsingError {
            text: text.to_string(),
            reason: reason.to_string(),
        };
        let Some((target, expr)) = split_target(text) else {
            return Err(err(
                "expected [schema.]table.column=EXPR, e.g. public.events.at=to_timestamp(at)",
            ));
        };
        let parts = identifiers(target).map_err(|r| err(&r))?;
        let (schema, table, column) = match parts.as_slice() {
            [t, c] => ("public".to_string(), t.clone(), c.clone()),
            [s, t, c] => (s.clone(), t.clone(), c.clone()),
            _ => {
                return Err(err(
                    "the column is named table.column or schema.table.column",
                ))
            }
        };
        let expr = expr.trim();
        if expr.is_empty() {
            return Err(err("the expression after = is empty"));
        }
        check_expression(expr).map_err(|r| err(&r))?;
        Ok(Using {
            table: QualName::new(schema, table),
            column,
            expr: expr.to_string(),
        })
    }

    /// `schema.table.column`, quoted as SQL needs.
    pub fn column_name(&self) -> String {
        format!("{}.{}", self.table, quote_ident(&self.column))
    }
}

/// The text before the first `=` outside a double-quoted identifier, and the text after it.
fn split_target(text: &str) -> Option<(&str, &str)> {
    let mut quoted = false;
    for (i, ch) in text.char_indices() {
        match ch {
            '"' => quoted = !quoted,
            '=' if !quoted => return Some((&text[..i], &text[i + 1..])),
            _ => {}
        }
    }
    None
}

/// A dotted name as PostgreSQL reads it: unquoted parts folded to lower case, quoted ones as written (`""`
/// is a quote).
fn identifiers(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = text.trim().chars().peekable();
    loop {
        let mut part = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        part.push('"');
                    }
                    Some('"') => break,
                    Some(c) => part.push(c),
                    None => return Err("unterminated quoted identifier".to_string()),
                }
            }
            if part.is_empty() {
                return Err("empty quoted identifier".to_string());
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == '.' {
                    break;
                }
                if !(c.is_alphanumeric() || c == '_' || c == '$') {
                    return Err(format!(
                        "unexpected {c:?} in the column's name (quote the identifier)"
                    ));
                }
                part.extend(c.to_lowercase());
                chars.next();
            }
            if part.is_empty() || part.starts_with(|c: char| c.is_ascii_digit() || c == '$') {
                return Err("expected an identifier in the column's name".to_string());
            }
        }
        out.push(part);
        match chars.next() {
            None => return Ok(out),
            Some('.') => {}
            Some(c) => return Err(format!("unexpected {c:?} after a quoted identifier")),
        }
    }
}

/// The expression parses as the USING clause of one `ALTER COLUMN ... TYPE` and leaves the command that
/// follows it on the same line intact: one statement, the expected two commands.
fn check_expression(expr: &str) -> Result<(), String> {
    let sql = format!(
        "ALTER TABLE plumb_t ALTER COLUMN plumb_c TYPE int USING {expr}, ALTER COLUMN plumb_after DROP DEFAULT"
    );
    let tree = plumb_normal::normalise(Sql::Statement, &sql)
        .map_err(|e| format!("not an expression PostgreSQL accepts: {e}"))?;
    let cmds = tree
        .pointer("/node/AlterTableStmt/cmds")
        .and_then(|c| c.as_array());
    let last = cmds
        .and_then(|c| c.last())
        .and_then(|c| c.pointer("/node/AlterTableCmd/name"))
        .and_then(|n| n.as_str());
    match (cmds.map(Vec::len), last) {
        (Some(2), Some("plumb_after")) => Ok(()),
        _ => Err(
            "not one expression: it adds to the statement or comments out what follows".to_string(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_as_postgresql_reads_them() {
        let u = Using::parse("Events.At = to_timestamp(at)").unwrap();
        assert_eq!(u.table, QualName::new("public", "events"));
        assert_eq!(u.column, "at");
        assert_eq!(u.expr, "to_timestamp(at)");
        let u = Using::parse(r#"app."My.T"."a=""b"=x::text"#).unwrap();
        assert_eq!(u.table, QualName::new("app", "My.T"));
        assert_eq!(u.column, r#"a=""#.to_string() + "b");
        assert_eq!(u.expr, "x::text");
        assert_eq!(u.column_name(), r#"app."My.T"."a=""b""#);
    }

    #[test]
    fn bad_entries_are_refused_with_a_reason() {
        for (text, why) in [
            ("events.at", "expected [schema.]table.column=EXPR"),
            ("at=1", "table.column or schema.table.column"),
            ("a.b.c.d=1", "table.column or schema.table.column"),
            ("t.c=", "empty"),
            ("t.c=(at", "not an expression"),
            ("t.c=1; DROP TABLE t", "not an expression"),
            ("t.c=1, ALTER COLUMN d TYPE text", "not one expression"),
            ("t.c=at -- note", "not one expression"),
            ("t.c=at /* open", "not an expression"),
            ("t.\"c=1", "expected [schema.]table.column=EXPR"),
            ("\"t.c=1", "expected [schema.]table.column=EXPR"),
            ("t.\"c\"x=1", "unexpected"),
            ("t c.d=1", "unexpected"),
        ] {
            let e = Using::parse(text).unwrap_err();
            assert!(e.to_string().contains(why), "{text}: {e}");
        }
    }
}
