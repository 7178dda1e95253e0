//! Identifier quoting and qualified names.
//!
//! Every identifier plumb writes into SQL goes through [`quote_ident`]; every string literal through
//! [`quote_literal`]. Both are safe against hostile names: an identifier is either a plain lower-case word
//! that is not a keyword, or it is wrapped in double quotes with embedded quotes doubled.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Keywords that PostgreSQL does not accept as bare column or object names (every category but
/// "unreserved"), read from `pg_get_keywords()` of PostgreSQL 15, plus the words PostgreSQL 16 and 17
/// added. Quoting an identifier that did not need it is harmless; missing one is a syntax error.
const KEYWORDS: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "json",
    "json_array",
    "json_arrayagg",
    "json_exists",
    "json_object",
    "json_objectagg",
    "json_query",
    "json_scalar",
    "json_serialize",
    "json_table",
    "json_value",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "merge_action",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
];

/// Whether `word` is a keyword outside the "unreserved" category in some PostgreSQL version plumb supports.
pub fn is_keyword(word: &str) -> bool {
    static SET: std::sync::OnceLock<KeywordSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| KeywordSet::new(KEYWORDS.iter().copied()))
        .contains(word)
}

/// A set of keywords, looked up often (every identifier written is checked): the words are sorted and kept by
/// first byte, so a lookup compares a word only with the few that share its first byte and, through a
/// bit per length, with none when no keyword of that first byte has its length.
#[derive(Debug, Clone, Default)]
pub struct KeywordSet {
    /// The words, sorted.
    words: Vec<Box<str>>,
    /// For each first byte, the range of `words` that starts with it, and a bit for each length (up to 63)
    /// some of them have.
    by_first: Vec<(u32, u32, u64)>,
}

impl KeywordSet {
    pub fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> KeywordSet {
        let mut words: Vec<Box<str>> = words.into_iter().map(Box::from).collect();
        words.sort_unstable();
        words.dedup();
        let mut by_first = vec![(0u32, 0u32, 0u64); 256];
        for (i, word) in words.iter().enumerate() {
            let Some(&first) = word.as_bytes().first() else {
                continue;
            };
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            let entry = &mut by_first[usize::from(first)];
            // An empty range: this is the first word with that byte.
            if entry.0 == entry.1 {
                entry.0 = i;
            }
            entry.1 = i.saturating_add(1);
            entry.2 |= length_bit(word.len());
        }
        KeywordSet { words, by_first }
    }

    pub fn contains(&self, word: &str) -> bool {
        let Some(&first) = word.as_bytes().first() else {
            return self.words.first().is_some_and(|w| w.is_empty());
        };
        let Some(&(start, end, lengths)) = self.by_first.get(usize::from(first)) else {
            return false;
        };
        if lengths & length_bit(word.len()) == 0 {
            return false;
        }
        let (start, end) = (start as usize, end as usize);
        self.words
            .get(start..end)
            .is_some_and(|bucket| bucket.binary_search_by(|w| (**w).cmp(word)).is_ok())
    }
}

/// The bit of a word's length in [`KeywordSet`] (lengths from 63 up share the last bit).
fn length_bit(len: usize) -> u64 {
    1 << len.min(63)
}

/// True when `name` can be written without quotes and still mean itself: [`is_plain_ident_with`] and the
/// keywords of [`is_keyword`].
pub fn is_plain_ident(name: &str) -> bool {
    is_plain_ident_with(name, is_keyword)
}

/// PostgreSQL's rule (`quote_identifier` in ruleutils.c): an identifier stays bare when it is lower-case ASCII
/// letters, digits and underscores, does not start with a digit, and is not a keyword outside the
/// "unreserved" category (`keyword` says which words are). Anything else, `$` and non-ASCII letters included,
/// is quoted.
pub fn is_plain_ident_with(name: &str, keyword: impl Fn(&str) -> bool) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_lowercase() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') && !keyword(name)
}

/// Quote an identifier the way PostgreSQL's `quote_ident` does, with the keywords of [`is_keyword`].
pub fn quote_ident(name: &str) -> String {
    quote_ident_with(name, is_keyword)
}

/// Quote an identifier the way a server with the given keywords (`pg_get_keywords()`, category not `U`)
/// does: the introspector passes the connected server's list, so its texts match the server's own.
pub fn quote_ident_with(name: &str, keyword: impl Fn(&str) -> bool) -> String {
    if is_plain_ident_with(name, keyword) {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// Quote a string literal. Backslashes are not special (standard_conforming_strings is on since 9.1);
/// a literal containing one is written in the `E''` form so it survives either setting.
pub fn quote_literal(value: &str) -> String {
    if value.contains('\\') {
        format!("E'{}'", value.replace('\\', "\\\\").replace('\'', "''"))
    } else {
        format!("'{}'", value.replace('\'', "''"))
    }
}

/// A schema-qualified object name: `schema.name`, both parts unquoted (as stored in the catalog).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QualName {
    pub schema: String,
    pub name: String,
}

impl QualName {
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            schema: schema.into(),
            name: name.into(),
        }
    }
}

/// Displays as SQL: `public.users`, `"My Schema"."Odd""Name"`.
impl fmt::Display for QualName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}",
            quote_ident(&self.schema),
            quote_ident(&self.name)
        )
    }
}

/// Error for a qualified name that does not read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a qualified name: {0}")]
pub struct BadQualName(pub String);

/// Split a SQL identifier list such as `a."b.c"` into its unquoted parts.
pub fn split_qualified(text: &str) -> Result<Vec<String>, BadQualName> {
    let bad = || BadQualName(text.to_string());
    let mut parts = Vec::new();
    let mut chars = text.chars().peekable();
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
                    None => return Err(bad()),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == '.' {
                    break;
                }
                part.push(c);
                chars.next();
            }
            if part.is_empty() {
                return Err(bad());
            }
        }
        parts.push(part);
        match chars.next() {
            None => return Ok(parts),
            Some('.') => continue,
            Some(_) => return Err(bad()),
        }
    }
}

impl FromStr for QualName {
    type Err = BadQualName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts = split_qualified(s)?;
        match <[String; 2]>::try_from(parts) {
            Ok([schema, name]) => Ok(QualName { schema, name }),
            Err(_) => Err(BadQualName(s.to_string())),
        }
    }
}

impl Serialize for QualName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for QualName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keyword_set_holds_exactly_its_words() {
        let long = "x".repeat(70);
        let words = [
            "select",
            "user",
            "end",
            "end_frame",
            "a",
            "zz",
            "Ä",
            long.as_str(),
        ];
        let set = KeywordSet::new(words);
        for word in words {
            assert!(set.contains(word), "{word}");
        }
        for word in [
            "selec",
            "selects",
            "users",
            "en",
            "end_",
            "b",
            "z",
            "",
            "SELECT",
            "Äb",
            &"x".repeat(71),
        ] {
            assert!(!set.contains(word), "{word}");
        }
        // Every keyword is one, and words near them are not.
        for word in KEYWORDS {
            assert!(is_keyword(word), "{word}");
            assert!(
                !is_keyword(&format!("{word}s")) || KEYWORDS.contains(&format!("{word}s").as_str())
            );
            assert!(!is_keyword(&word[1..]) || KEYWORDS.contains(&&word[1..]));
        }
        assert!(!is_keyword("users") && !is_keyword("") && !is_keyword("Select"));
    }

    /// `KeywordSet` sorts its words itself; the list stays sorted so that it reads, and compares with
    /// `pg_get_keywords()`, word by word.
    #[test]
    fn keywords_are_sorted() {
        let mut sorted = KEYWORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, KEYWORDS);
    }

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(quote_ident("users"), "users");
        assert_eq!(quote_ident("user"), "\"user\"");
        assert_eq!(quote_ident("Users"), "\"Users\"");
        assert_eq!(quote_ident("1abc"), "\"1abc\"");
        assert_eq!(quote_ident("a b"), "\"a b\"");
        assert_eq!(quote_ident(""), "\"\"");
        assert_eq!(quote_ident("name"), "name");
        // `$` may follow the first letter of a bare identifier, but quote_ident quotes it.
        assert_eq!(quote_ident("a$b"), "\"a$b\"");
        assert_eq!(quote_ident("café"), "\"café\"");
        assert_eq!(quote_ident("_x1"), "_x1");
        assert_eq!(quote_ident_with("select", |_| false), "select");
    }

    #[test]
    fn hostile_names_cannot_escape_their_quotes() {
        let hostile = "x\"; DROP TABLE users; --";
        assert_eq!(quote_ident(hostile), "\"x\"\"; DROP TABLE users; --\"");
        assert_eq!(quote_literal("it's"), "'it''s'");
        assert_eq!(quote_literal("a\\'b"), "E'a\\\\''b'");
    }

    #[test]
    fn qualified_names_round_trip_through_text() {
        for (schema, name) in [("public", "t"), ("My.Schema", "odd\"name"), ("s", "select")] {
            let q = QualName::new(schema, name);
            let text = q.to_string();
            assert_eq!(text.parse::<QualName>().unwrap(), q, "{text}");
        }
        assert!("a.b.c".parse::<QualName>().is_err());
        assert!("\"unterminated".parse::<QualName>().is_err());
        assert!("a.".parse::<QualName>().is_err());
    }
}
