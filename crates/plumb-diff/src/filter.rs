//! Exclude patterns: objects left out of a model before it is compared, with the glob syntax of Atlas's
//! `--exclude`.
//!
//! A pattern is dot-separated segments, one per level: `schema`, `schema.object`, `schema.table.child`.
//!
//! * Each segment is a glob: `*` any run of characters, `?` one character, `[abc]` / `[a-z]` / `[!abc]` one
//!   character of (or not of) a set. A segment in double quotes is literal (`"my.schema".t`).
//! * A segment may end with a selector: `[type=KIND|KIND...]` matches only objects of those kinds (`*.*[type=
//!   function]`, `public.*[type=view|materialized_view]`, `*.*.*[type=trigger]`); `[partitions]` on the object
//!   segment matches the partitions (at any depth) of the tables it names, not those tables
//!   (`public.events[partitions]`).
//! * A one-segment pattern names schemas (`audit`, `tmp_*`), unless its selector names kinds of a deeper
//!   level: `[type=function]` and `audit_*[type=table]` match in every schema, `[type=trigger]` on every table.
//!
//! Kinds: `schema`; `table`, `view`, `materialized_view`, `sequence`, `type` (or `enum`, `domain`, `composite`,
//! `range`), `function` (or `procedure`, `aggregate`), `collation`; on a table: `column`, `index`,
//! `constraint` (or `primary_key`, `unique`, `foreign_key`/`fk`, `check`, `exclusion`), `trigger`, `policy`.
//!
//! Excluding a schema excludes everything in it; excluding a table its columns, constraints, indexes,
//! triggers and policies; excluding a constraint the index behind it.

use std::collections::BTreeSet;
use std::fmt;

use plumb_model::{
    ConstraintKind, Database, FunctionKind, ObjectRef, QualName, TypeKind, ViewKind,
};

/// A bad exclude pattern.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("exclude pattern {pattern:?}: {message}")]
pub struct PatternError {
    pub pattern: String,
    pub message: String,
}

/// What an object is, for `[type=...]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Schema,
    Table,
    View,
    MaterializedView,
    Sequence,
    Enum,
    Domain,
    Composite,
    Range,
    Function,
    Procedure,
    Aggregate,
    Collation,
    Column,
    Index,
    PrimaryKey,
    Unique,
    ForeignKey,
    Check,
    Exclusion,
    Trigger,
    Policy,
}

impl Kind {
    /// 1 schema, 2 object in a schema, 3 part of a table.
    fn level(self) -> usize {
        match self {
            Kind::Schema => 1,
            Kind::Column
            | Kind::Index
            | Kind::PrimaryKey
            | Kind::Unique
            | Kind::ForeignKey
            | Kind::Check
            | Kind::Exclusion
            | Kind::Trigger
            | Kind::Policy => 3,
            _ => 2,
        }
    }

    /// The kinds a name in `[type=...]` stands for.
    fn parse(name: &str) -> Option<&'static [Kind]> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "schema" => &[Kind::Schema],
            "table" => &[Kind::Table],
            "view" => &[Kind::View],
            "materialized_view" | "materialized-view" | "matview" => &[Kind::MaterializedView],
            "sequence" => &[Kind::Sequence],
            "type" => &[Kind::Enum, Kind::Domain, Kind::Composite, Kind::Range],
            "enum" => &[Kind::Enum],
            "domain" => &[Kind::Domain],
            "composite" => &[Kind::Composite],
            "range" => &[Kind::Range],
            "function" | "func" => &[Kind::Function, Kind::Aggregate],
            "procedure" | "proc" => &[Kind::Procedure],
            "aggregate" => &[Kind::Aggregate],
            "collation" => &[Kind::Collation],
            "column" => &[Kind::Column],
            "index" => &[Kind::Index],
            "constraint" => &[
                Kind::PrimaryKey,
                Kind::Unique,
                Kind::ForeignKey,
                Kind::Check,
                Kind::Exclusion,
            ],
            "primary_key" | "pk" => &[Kind::PrimaryKey],
            "unique" => &[Kind::Unique],
            "foreign_key" | "fk" => &[Kind::ForeignKey],
            "check" => &[Kind::Check],
            "exclusion" | "exclude" => &[Kind::Exclusion],
            "trigger" => &[Kind::Trigger],
            "policy" => &[Kind::Policy],
            _ => return None,
        })
    }
}

/// One segment: a glob and an optional kind selector.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Segment {
    glob: Vec<Tok>,
    kinds: Option<Vec<Kind>>,
    partitions: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Char(char),
    Any,
    AnyRun,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

fn glob_match(toks: &[Tok], s: &[char]) -> bool {
    match toks.split_first() {
        None => s.is_empty(),
        Some((Tok::AnyRun, rest)) => (0..=s.len()).any(|i| glob_match(rest, &s[i..])),
        Some((t, rest)) => {
            let Some((c, tail)) = s.split_first() else {
                return false;
            };
            let ok = match t {
                Tok::Char(x) => x == c,
                Tok::Any => true,
                Tok::Class { negated, ranges } => {
                    ranges.iter().any(|(a, b)| a <= c && c <= b) != *negated
                }
                Tok::AnyRun => unreachable!("handled above"),
            };
            ok && glob_match(rest, tail)
        }
    }
}

impl Segment {
    fn matches_name(&self, name: &str) -> bool {
        let chars: Vec<char> = name.chars().collect();
        glob_match(&self.glob, &chars)
    }

    fn any() -> Segment {
        Segment {
            glob: vec![Tok::AnyRun],
            kinds: None,
            partitions: false,
        }
    }

    fn allows(&self, kind: Kind) -> bool {
        self.kinds.as_ref().is_none_or(|k| k.contains(&kind))
    }
}

/// A parsed exclude pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    text: String,
    /// Schema, object, child: as many as the pattern has levels (after one-segment patterns are widened).
    segments: Vec<Segment>,
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for Pattern {
    type Err = PatternError;

    fn from_str(text: &str) -> Result<Pattern, PatternError> {
        Pattern::parse(text)
    }
}

impl Pattern {
    pub fn parse(text: &str) -> Result<Pattern, PatternError> {
        let err = |message: String| PatternError {
            pattern: text.to_string(),
            message,
        };
        if text.trim().is_empty() {
            return Err(err("empty pattern".into()));
        }
        let mut segments = Vec::new();
        for raw in split_segments(text).map_err(err)? {
            segments.push(parse_segment(&raw).map_err(err)?);
        }
        if segments.len() > 3 {
            return Err(err(format!(
                "{} levels; a pattern has at most three: schema.object.part",
                segments.len()
            )));
        }
        // A one-segment pattern whose kinds live deeper is matched at their level in every schema / table.
        if segments.len() == 1 {
            if let Some(kinds) = &segments[0].kinds {
                let levels: BTreeSet<usize> = kinds.iter().map(|k| k.level()).collect();
                if levels.len() > 1 {
                    return Err(err(
                        "[type=...] mixes kinds of different levels (schema, object, part of a table)"
                            .into(),
                    ));
                }
                let level = levels.into_iter().next().unwrap_or(1);
                while segments.len() < level {
                    segments.insert(0, Segment::any());
                }
            }
        }
        for (i, seg) in segments.iter().enumerate() {
            let level = i + 1;
            if let Some(kinds) = &seg.kinds {
                if let Some(k) = kinds.iter().find(|k| k.level() != level) {
                    return Err(err(format!(
                        "[type={}] cannot match at level {level} ({}); {}",
                        kind_name(*k),
                        level_name(level),
                        match k.level() {
                            1 => "a schema is the first segment",
                            2 => "objects in a schema are the second segment: schema.object",
                            _ => "parts of a table are the third segment: schema.table.part",
                        }
                    )));
                }
            }
            if seg.partitions && level != 2 {
                return Err(err(
                    "[partitions] goes on the table segment: schema.table[partitions]".into(),
                ));
            }
        }
        Ok(Pattern {
            text: text.to_string(),
            segments,
        })
    }

    /// True when the pattern names schemas (one segment, no deeper kinds), and matches `schema`.
    pub fn matches_schema(&self, schema: &str) -> bool {
        self.segments.len() == 1
            && self.segments[0].allows(Kind::Schema)
            && self.segments[0].matches_name(schema)
    }

    fn object(&self, schema: &str, name: &str, kind: Kind) -> bool {
        self.segments.len() == 2
            && !self.segments[1].partitions
            && self.segments[0].matches_name(schema)
            && self.segments[1].allows(kind)
            && self.segments[1].matches_name(name)
    }

    fn part(&self, table: &QualName, name: &str, kind: Kind) -> bool {
        self.segments.len() == 3
            && self.segments[0].matches_name(&table.schema)
            && self.segments[1].matches_name(&table.name)
            && self.segments[2].allows(kind)
            && self.segments[2].matches_name(name)
    }

    /// `[partitions]` pattern matching `parent`.
    fn partitions_of(&self, parent: &QualName) -> bool {
        self.segments.len() == 2
            && self.segments[1].partitions
            && self.segments[0].matches_name(&parent.schema)
            && self.segments[1].matches_name(&parent.name)
            && self.segments[1].allows(Kind::Table)
    }
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Schema => "schema",
        Kind::Table => "table",
        Kind::View => "view",
        Kind::MaterializedView => "materialized_view",
        Kind::Sequence => "sequence",
        Kind::Enum => "enum",
        Kind::Domain => "domain",
        Kind::Composite => "composite",
        Kind::Range => "range",
        Kind::Function => "function",
        Kind::Procedure => "procedure",
        Kind::Aggregate => "aggregate",
        Kind::Collation => "collation",
        Kind::Column => "column",
        Kind::Index => "index",
        Kind::PrimaryKey => "primary_key",
        Kind::Unique => "unique",
        Kind::ForeignKey => "foreign_key",
        Kind::Check => "check",
        Kind::Exclusion => "exclusion",
        Kind::Trigger => "trigger",
        Kind::Policy => "policy",
    }
}

fn level_name(level: usize) -> &'static str {
    match level {
        1 => "schemas",
        2 => "objects in a schema",
        _ => "parts of a table",
    }
}

/// Split on dots outside double quotes and brackets; a quoted segment is returned with its quotes.
fn split_segments(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut bracket = false;
    for c in text.chars() {
        match c {
            '"' if !bracket => {
                quoted = !quoted;
                cur.push(c);
            }
            '[' if !quoted => {
                if bracket {
                    return Err("nested [".into());
                }
                bracket = true;
                cur.push(c);
            }
            ']' if !quoted && bracket => {
                bracket = false;
                cur.push(c);
            }
            '.' if !quoted && !bracket => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    if quoted {
        return Err("unterminated double quote".into());
    }
    if bracket {
        return Err("unterminated [".into());
    }
    out.push(cur);
    if let Some(i) = out.iter().position(String::is_empty) {
        return Err(format!("segment {} is empty", i + 1));
    }
    Ok(out)
}

fn parse_segment(raw: &str) -> Result<Segment, String> {
    let mut kinds: Option<Vec<Kind>> = None;
    let mut partitions = false;
    let mut glob = Vec::new();
    let chars: Vec<char> = raw.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '"' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&c| c == '"')
                    .ok_or("unterminated double quote")?;
                glob.extend(chars[i + 1..i + 1 + end].iter().map(|&c| Tok::Char(c)));
                i += end + 2;
            }
            '*' => {
                if glob.last() != Some(&Tok::AnyRun) {
                    glob.push(Tok::AnyRun);
                }
                i += 1;
            }
            '?' => {
                glob.push(Tok::Any);
                i += 1;
            }
            '[' => {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == ']')
                    .ok_or("unterminated [")?
                    + i;
                let inner: String = chars[i + 1..end].iter().collect();
                let lower = inner.trim().to_ascii_lowercase();
                if let Some(list) = lower.strip_prefix("type=") {
                    if end + 1 != chars.len() {
                        return Err(format!("[{inner}] must end its segment"));
                    }
                    let mut ks = Vec::new();
                    for name in list.split('|') {
                        let k = Kind::parse(name).ok_or_else(|| {
                            format!(
                                "unknown kind {:?} in [type=...] (expected schema, table, view, materialized_view, \
                                 sequence, type, enum, domain, composite, range, function, procedure, aggregate, \
                                 collation, column, index, constraint, primary_key, unique, foreign_key, check, \
                                 exclusion, trigger or policy)",
                                name.trim()
                            )
                        })?;
                        ks.extend_from_slice(k);
                    }
                    kinds.get_or_insert_with(Vec::new).extend(ks);
                } else if lower == "partitions" {
                    if end + 1 != chars.len() {
                        return Err("[partitions] must end its segment".into());
                    }
                    partitions = true;
                } else {
                    glob.push(parse_class(&inner)?);
                }
                i = end + 1;
            }
            c => {
                glob.push(Tok::Char(c));
                i += 1;
            }
        }
    }
    if glob.is_empty() {
        // `[type=function]` alone: any name.
        glob.push(Tok::AnyRun);
    }
    Ok(Segment {
        glob,
        kinds,
        partitions,
    })
}

fn parse_class(inner: &str) -> Result<Tok, String> {
    let (negated, body) = match inner.strip_prefix(['!', '^']) {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let chars: Vec<char> = body.chars().collect();
    if chars.is_empty() {
        return Err(format!("empty character class [{inner}]"));
    }
    let mut ranges = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if i + 2 < chars.len() && chars[i + 1] == '-' {
            if chars[i] > chars[i + 2] {
                return Err(format!(
                    "bad range {}-{} in [{inner}]",
                    chars[i],
                    chars[i + 2]
                ));
            }
            ranges.push((chars[i], chars[i + 2]));
            i += 3;
        } else {
            ranges.push((chars[i], chars[i]));
            i += 1;
        }
    }
    Ok(Tok::Class { negated, ranges })
}

/// Remove from `db` every object one of `patterns` matches; returns how many objects each pattern matched.
pub fn exclude(db: &mut Database, patterns: &[Pattern]) -> Vec<usize> {
    let mut hits = vec![0usize; patterns.len()];
    if patterns.is_empty() {
        return hits;
    }
    let mut hit = |test: &dyn Fn(&Pattern) -> bool| -> bool {
        let mut any = false;
        for (i, p) in patterns.iter().enumerate() {
            if test(p) {
                hits[i] += 1;
                any = true;
            }
        }
        any
    };
    let mut gone: BTreeSet<ObjectRef> = BTreeSet::new();

    // Schemas, with everything in them.
    let schemas: Vec<String> = db
        .schemas
        .keys()
        .filter(|s| hit(&|p| p.matches_schema(s)))
        .cloned()
        .collect();
    for s in &schemas {
        db.schemas.remove(s);
        gone.insert(ObjectRef::Schema(s.clone()));
    }
    let in_gone_schema = |schema: &str| schemas.iter().any(|s| s == schema);

    // Partitions of matched tables, at any depth.
    let mut partitions: BTreeSet<QualName> = BTreeSet::new();
    loop {
        let more: Vec<QualName> = db
            .tables
            .values()
            .filter(|t| !partitions.contains(&t.name))
            .filter(|t| {
                t.partition_of.as_ref().is_some_and(|po| {
                    partitions.contains(&po.parent)
                        || patterns.iter().any(|p| p.partitions_of(&po.parent))
                })
            })
            .map(|t| t.name.clone())
            .collect();
        if more.is_empty() {
            break;
        }
        partitions.extend(more);
    }
    for (i, p) in patterns.iter().enumerate() {
        hits[i] += db
            .tables
            .values()
            .filter(|t| {
                t.partition_of
                    .as_ref()
                    .is_some_and(|po| p.partitions_of(&po.parent))
            })
            .count();
    }

    let mut hit = |test: &dyn Fn(&Pattern) -> bool| -> bool {
        let mut any = false;
        for (i, p) in patterns.iter().enumerate() {
            if test(p) {
                hits[i] += 1;
                any = true;
            }
        }
        any
    };

    db.tables.retain(|n, t| {
        let out = in_gone_schema(&n.schema)
            || partitions.contains(n)
            || hit(&|p| p.object(&n.schema, &n.name, Kind::Table));
        if out {
            gone.insert(ObjectRef::Relation(n.clone()));
            return false;
        }
        // Parts of the table.
        t.columns.retain(|c| {
            let keep = !hit(&|p| p.part(n, &c.name, Kind::Column));
            if !keep {
                gone.insert(ObjectRef::Column(plumb_model::ColumnRef {
                    table: n.clone(),
                    column: c.name.clone(),
                }));
            }
            keep
        });
        let mut dropped_constraints = BTreeSet::new();
        t.constraints.retain(|name, c| {
            let kind = match c.kind {
                ConstraintKind::PrimaryKey => Kind::PrimaryKey,
                ConstraintKind::Unique => Kind::Unique,
                ConstraintKind::ForeignKey => Kind::ForeignKey,
                ConstraintKind::Check => Kind::Check,
                ConstraintKind::Exclude => Kind::Exclusion,
            };
            let keep = !hit(&|p| p.part(n, name, kind));
            if !keep {
                dropped_constraints.insert(name.clone());
            }
            keep
        });
        t.indexes.retain(|name, ix| {
            if ix
                .constraint
                .as_ref()
                .is_some_and(|c| dropped_constraints.contains(c))
            {
                return false;
            }
            !hit(&|p| p.part(n, name, Kind::Index))
        });
        t.triggers
            .retain(|name, _| !hit(&|p| p.part(n, name, Kind::Trigger)));
        t.policies
            .retain(|name, _| !hit(&|p| p.part(n, name, Kind::Policy)));
        true
    });

    db.views.retain(|n, v| {
        let kind = match v.kind {
            ViewKind::View => Kind::View,
            ViewKind::Materialized => Kind::MaterializedView,
        };
        if in_gone_schema(&n.schema) || hit(&|p| p.object(&n.schema, &n.name, kind)) {
            gone.insert(ObjectRef::Relation(n.clone()));
            return false;
        }
        v.indexes
            .retain(|name, _| !hit(&|p| p.part(n, name, Kind::Index)));
        v.triggers
            .retain(|name, _| !hit(&|p| p.part(n, name, Kind::Trigger)));
        true
    });

    db.sequences.retain(|n, _| {
        let out =
            in_gone_schema(&n.schema) || hit(&|p| p.object(&n.schema, &n.name, Kind::Sequence));
        if out {
            gone.insert(ObjectRef::Sequence(n.clone()));
        }
        !out
    });

    db.types.retain(|n, t| {
        let kind = match t.kind {
            TypeKind::Enum { .. } => Kind::Enum,
            TypeKind::Domain { .. } => Kind::Domain,
            TypeKind::Composite { .. } => Kind::Composite,
            TypeKind::Range { .. } => Kind::Range,
        };
        let out = in_gone_schema(&n.schema) || hit(&|p| p.object(&n.schema, &n.name, kind));
        if out {
            gone.insert(ObjectRef::Type(n.clone()));
        }
        !out
    });

    db.collations.retain(|n, _| {
        let out =
            in_gone_schema(&n.schema) || hit(&|p| p.object(&n.schema, &n.name, Kind::Collation));
        if out {
            gone.insert(ObjectRef::Collation(n.clone()));
        }
        !out
    });

    db.functions.retain(|id, f| {
        let kind = match f.kind {
            FunctionKind::Function | FunctionKind::Window => Kind::Function,
            FunctionKind::Procedure => Kind::Procedure,
            FunctionKind::Aggregate => Kind::Aggregate,
        };
        let out = in_gone_schema(&id.schema) || hit(&|p| p.object(&id.schema, &id.name, kind));
        if out {
            gone.insert(ObjectRef::Function(id.clone()));
        }
        !out
    });

    if !gone.is_empty() {
        let touches = |r: &ObjectRef| {
            gone.contains(r)
                || matches!(r, ObjectRef::Column(c) if gone.contains(&ObjectRef::Relation(c.table.clone())))
        };
        db.dependencies
            .retain(|d| !touches(&d.from) && !touches(&d.to));
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Pattern {
        Pattern::parse(s).unwrap()
    }

    #[test]
    fn globs() {
        let seg = |g: &str| parse_segment(g).unwrap();
        assert!(seg("audit_*").matches_name("audit_log"));
        assert!(!seg("audit_*").matches_name("xaudit_log"));
        assert!(seg("t?").matches_name("t1"));
        assert!(!seg("t?").matches_name("t12"));
        assert!(seg("t[0-9]").matches_name("t7"));
        assert!(!seg("t[!0-9]").matches_name("t7"));
        assert!(seg("\"A.b*\"").matches_name("A.b*"));
        assert!(!seg("\"A.b*\"").matches_name("A.bc"));
    }

    #[test]
    fn levels() {
        assert!(p("audit").matches_schema("audit"));
        assert!(!p("audit.*").matches_schema("audit"));
        assert!(p("*.audit_*").object("public", "audit_log", Kind::Table));
        assert!(p("public.users.email").part(
            &QualName::new("public", "users"),
            "email",
            Kind::Column
        ));
        let f = p("[type=function]");
        assert!(f.object("any", "f", Kind::Function));
        assert!(!f.object("any", "f", Kind::Table));
        let t = p("[type=trigger]");
        assert!(t.part(&QualName::new("s", "t"), "trg", Kind::Trigger));
        assert!(p("public.*[type=view|materialized_view]").object(
            "public",
            "v",
            Kind::MaterializedView
        ));
        assert!(p("public.events[partitions]").partitions_of(&QualName::new("public", "events")));
        assert!(!p("public.events[partitions]").object("public", "events", Kind::Table));
    }

    #[test]
    fn errors() {
        for bad in [
            "",
            "a..b",
            "a.b.c.d",
            "a[type=nosuch]",
            "a.b[type=schema]",
            "a[partitions]",
            "\"a",
            "a[b",
            "a[type=table]x",
            "[type=table|column]",
        ] {
            assert!(Pattern::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
