//! Object keys (graph node identities), schema filters and the dependencies of an object in one model:
//! those the introspector read plus those derived from the model's text fields.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;

use plumb_model::{ColumnRef, ConstraintKind, Database, FunctionId, ObjectRef, QualName, TypeKind};

use crate::Options;

/// Identity of a planned object. Sub-objects of a relation carry the relation's name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Key {
    Session,
    Schema(String),
    Extension(String),
    Collation(QualName),
    Type(QualName),
    Sequence(QualName),
    /// `ALTER SEQUENCE ... OWNED BY`, separate from the sequence so it can follow the table.
    SeqOwner(QualName),
    Relation(QualName),
    Column(QualName, String),
    Constraint(QualName, String),
    Index(QualName, String),
    Trigger(QualName, String),
    Policy(QualName, String),
    Function(FunctionId),
    /// An `ALTER DEFAULT PRIVILEGES` entry, by `DefaultPrivileges::key`, with its schema if it has one.
    DefaultPrivileges(String, Option<String>),
    EventTrigger(String),
}

impl Key {
    /// The relation a sub-object belongs to.
    pub(crate) fn table(&self) -> Option<&QualName> {
        match self {
            Key::Column(t, _)
            | Key::Constraint(t, _)
            | Key::Index(t, _)
            | Key::Trigger(t, _)
            | Key::Policy(t, _) => Some(t),
            Key::Session
            | Key::Schema(_)
            | Key::Extension(_)
            | Key::Collation(_)
            | Key::Type(_)
            | Key::Sequence(_)
            | Key::SeqOwner(_)
            | Key::Relation(_)
            | Key::Function(_)
            | Key::DefaultPrivileges(..)
            | Key::EventTrigger(_) => None,
        }
    }

    pub(crate) fn schema(&self) -> Option<&str> {
        match self {
            Key::Session | Key::Schema(_) | Key::Extension(_) | Key::EventTrigger(_) => None,
            Key::Collation(q)
            | Key::Type(q)
            | Key::Sequence(q)
            | Key::SeqOwner(q)
            | Key::Relation(q) => Some(&q.schema),
            Key::Column(q, _)
            | Key::Constraint(q, _)
            | Key::Index(q, _)
            | Key::Trigger(q, _)
            | Key::Policy(q, _) => Some(&q.schema),
            Key::Function(f) => Some(&f.schema),
            Key::DefaultPrivileges(_, s) => s.as_deref(),
        }
    }

    pub(crate) fn from_ref(r: &ObjectRef) -> Key {
        match r {
            ObjectRef::Schema(s) => Key::Schema(s.clone()),
            ObjectRef::Extension(s) => Key::Extension(s.clone()),
            ObjectRef::Collation(q) => Key::Collation(q.clone()),
            ObjectRef::Type(q) => Key::Type(q.clone()),
            ObjectRef::Sequence(q) => Key::Sequence(q.clone()),
            ObjectRef::Relation(q) => Key::Relation(q.clone()),
            ObjectRef::Column(c) => Key::Column(c.table.clone(), c.column.clone()),
            ObjectRef::Function(f) => Key::Function(f.clone()),
        }
    }

    pub(crate) fn to_ref(&self) -> Option<ObjectRef> {
        Some(match self {
            Key::Schema(s) => ObjectRef::Schema(s.clone()),
            Key::Extension(s) => ObjectRef::Extension(s.clone()),
            Key::Collation(q) => ObjectRef::Collation(q.clone()),
            Key::Type(q) => ObjectRef::Type(q.clone()),
            Key::Sequence(q) => ObjectRef::Sequence(q.clone()),
            Key::Relation(q) => ObjectRef::Relation(q.clone()),
            Key::Column(t, c) => ObjectRef::Column(ColumnRef {
                table: t.clone(),
                column: c.clone(),
            }),
            Key::Function(f) => ObjectRef::Function(f.clone()),
            Key::Session
            | Key::SeqOwner(_)
            | Key::Constraint(..)
            | Key::Index(..)
            | Key::Trigger(..)
            | Key::Policy(..)
            | Key::DefaultPrivileges(..)
            | Key::EventTrigger(_) => return None,
        })
    }
}

fn schema_wanted(schema: &str, opts: &Options) -> bool {
    (opts.include_schemas.is_empty() || opts.include_schemas.iter().any(|s| s == schema))
        && !opts.exclude_schemas.iter().any(|s| s == schema)
}

/// The model with only the objects the schema filters keep.
pub(crate) fn filtered<'a>(db: &'a Database, opts: &Options) -> Cow<'a, Database> {
    if opts.include_schemas.is_empty() && opts.exclude_schemas.is_empty() {
        return Cow::Borrowed(db);
    }
    let w = |s: &str| schema_wanted(s, opts);
    // A model already read with the same filter (`plumb dump --schema`) is used as it is, not copied.
    // Database-wide objects go with a list of schemas to include, as pg_dump leaves them out with `-n`.
    let keep_global = opts.include_schemas.is_empty();
    if db.all_in_schemas(w) && (keep_global || db.event_triggers.is_empty()) {
        return Cow::Borrowed(db);
    }
    let mut d = db.clone();
    d.retain_schemas(w, keep_global);
    Cow::Owned(d)
}

/// Qualified names (`a.b`, `"A"."b c"`, also inside string literals such as `'public.s'::regclass`) found
/// in a SQL text. Three-part chains also yield their first two and last two parts.
pub(crate) fn names_in(text: &str) -> Vec<QualName> {
    let mut out = Vec::new();
    // A qualified name has a '.': most texts asked about (type names, `now()`) have none.
    if !text.contains('.') {
        return out;
    }
    // Bytes, classified as PostgreSQL's lexer does: an identifier starts with a letter, `_` or any byte of a
    // multibyte character, and goes on with those, digits and `$`. Spans end at ASCII bytes, so each is a
    // whole UTF-8 text.
    let bytes = text.as_bytes();
    let starts = |b: u8| b.is_ascii_alphabetic() || b == b'_' || b >= 0x80;
    let goes_on = |b: u8| starts(b) || b.is_ascii_digit() || b == b'$';
    // A part of a chain is a span of `text`: its text is only built for a chain of two parts or more (most
    // words of a definition stand alone).
    #[derive(Clone, Copy)]
    struct Part {
        start: usize,
        end: usize,
        quoted: bool,
    }
    let word = |p: Part| -> String {
        let span = &text[p.start..p.end];
        if p.quoted {
            span.replace("\"\"", "\"")
        } else {
            span.to_ascii_lowercase()
        }
    };
    let mut i = 0;
    let mut chain: Vec<Part> = Vec::new();
    let flush = |chain: &mut Vec<Part>, out: &mut Vec<QualName>| {
        if chain.len() >= 2 {
            let words: Vec<String> = chain.iter().map(|&p| word(p)).collect();
            for w in words.windows(2) {
                out.push(QualName::new(w[0].clone(), w[1].clone()));
            }
        }
        chain.clear();
    };
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'"' {
            i += 1;
            let start = i;
            while i < bytes.len() {
                if bytes[i] == b'"' {
                    if bytes.get(i + 1) == Some(&b'"') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            chain.push(Part {
                start,
                end: i.min(bytes.len()),
                quoted: true,
            });
            i += 1;
        } else if starts(c) {
            let start = i;
            while i < bytes.len() && goes_on(bytes[i]) {
                i += 1;
            }
            chain.push(Part {
                start,
                end: i,
                quoted: false,
            });
        } else {
            flush(&mut chain, &mut out);
            // digits after a letter were consumed above; skip any other character
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i < bytes.len() && !(bytes[i] == b'"' || starts(bytes[i])) {
                i += 1;
            }
            continue;
        }
        // a chain continues only through a '.'
        if i < bytes.len() && bytes[i] == b'.' {
            i += 1;
        } else {
            flush(&mut chain, &mut out);
        }
    }
    flush(&mut chain, &mut out);
    out
}

/// Identifiers in a SQL text (unquoted ones folded to lower case, quoted ones as written), string literals
/// skipped: the column names an expression may use.
pub(crate) fn words_in(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' || c == '"' {
            let mut part = String::new();
            i += 1;
            while i < chars.len() {
                if chars[i] == c {
                    if chars.get(i + 1) == Some(&c) {
                        part.push(c);
                        i += 2;
                        continue;
                    }
                    break;
                }
                part.push(chars[i]);
                i += 1;
            }
            i += 1;
            if c == '"' {
                out.insert(part);
            }
        } else if c.is_alphabetic() || c == '_' {
            let mut part = String::new();
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                part.push(chars[i].to_ascii_lowercase());
                i += 1;
            }
            out.insert(part);
        } else {
            i += 1;
        }
    }
    out
}

/// Per-model lookup tables for dependency derivation.
pub(crate) struct Index<'a> {
    pub db: &'a Database,
    functions: BTreeMap<QualName, Vec<&'a FunctionId>>,
    /// Partitioned table -> its partitions.
    partitions: BTreeMap<&'a QualName, Vec<&'a QualName>>,
    /// The introspector's dependencies, by the object that depends: a hash lookup instead of a range search
    /// of `db.dependencies`, whose comparisons of names were a third of the planner's time at 10,000 tables.
    explicit: FxHashMap<&'a ObjectRef, Vec<&'a ObjectRef>>,
    /// The same dependencies of columns, by table: a table's columns' are found without building a reference
    /// to each column (an allocation and a hash of its names, for every column of every table).
    column_explicit: FxHashMap<&'a QualName, Vec<(&'a str, &'a ObjectRef)>>,
}

impl<'a> Index<'a> {
    pub(crate) fn new(db: &'a Database) -> Self {
        let mut functions: BTreeMap<QualName, Vec<&FunctionId>> = BTreeMap::new();
        for id in db.functions.keys() {
            functions.entry(id.qual_name()).or_default().push(id);
        }
        let mut partitions: BTreeMap<&QualName, Vec<&QualName>> = BTreeMap::new();
        for (tn, t) in &db.tables {
            if let Some(p) = &t.partition_of {
                partitions.entry(&p.parent).or_default().push(tn);
            }
        }
        let mut explicit: FxHashMap<&ObjectRef, Vec<&ObjectRef>> = FxHashMap::default();
        let mut column_explicit: FxHashMap<&QualName, Vec<(&str, &ObjectRef)>> =
            FxHashMap::default();
        for d in &db.dependencies {
            explicit.entry(&d.from).or_default().push(&d.to);
            if let ObjectRef::Column(c) = &d.from {
                column_explicit
                    .entry(&c.table)
                    .or_default()
                    .push((c.column.as_str(), &d.to));
            }
        }
        Index {
            db,
            functions,
            partitions,
            explicit,
            column_explicit,
        }
    }

    /// What `from` depends on according to the introspector.
    fn explicit(&self, from: &ObjectRef, out: &mut BTreeSet<Key>) {
        for &to in self.explicit.get(from).into_iter().flatten() {
            // Ownership (sequence -> column) is planned as its own OWNED BY step; as a creation order it
            // would point the wrong way (the column's default needs the sequence first).
            if matches!(
                (from, to),
                (
                    ObjectRef::Sequence(_),
                    ObjectRef::Column(_) | ObjectRef::Relation(_)
                )
            ) {
                continue;
            }
            out.insert(Key::from_ref(to));
        }
    }

    /// Keys named in a SQL text that exist in this model.
    pub(crate) fn refs_in(&self, text: &str, out: &mut BTreeSet<Key>) {
        for q in names_in(text) {
            self.resolve(q, out);
        }
    }

    fn resolve(&self, q: QualName, out: &mut BTreeSet<Key>) {
        if let Some(fs) = self.functions.get(&q) {
            out.extend(fs.iter().map(|f| Key::Function((*f).clone())));
        }
        let db = self.db;
        if db.types.contains_key(&q) {
            out.insert(Key::Type(q));
        } else if db.tables.contains_key(&q) || db.views.contains_key(&q) {
            out.insert(Key::Relation(q));
        } else if db.sequences.contains_key(&q) {
            out.insert(Key::Sequence(q));
        } else if db.collations.contains_key(&q) {
            out.insert(Key::Collation(q));
        }
    }

    /// What `key` depends on in this model: it must exist before `key` is created, and outlive it.
    pub(crate) fn deps(&self, key: &Key) -> BTreeSet<Key> {
        let mut out = BTreeSet::new();
        if let Some(r) = key.to_ref() {
            self.explicit(&r, &mut out);
        }
        if let Some(s) = key.schema() {
            out.insert(Key::Schema(s.to_string()));
        }
        let db = self.db;
        match key {
            Key::Session | Key::Schema(_) | Key::DefaultPrivileges(..) => {}
            Key::Extension(e) => {
                if let Some(x) = db.extensions.get(e) {
                    out.insert(Key::Schema(x.schema.clone()));
                }
            }
            Key::Collation(_) => {}
            Key::Type(q) => {
                if let Some(t) = db.types.get(q) {
                    match &t.kind {
                        TypeKind::Enum { .. } => {}
                        TypeKind::Domain {
                            base,
                            collation,
                            default,
                            constraints,
                            ..
                        } => {
                            self.refs_in(base, &mut out);
                            if let Some(c) = collation {
                                out.insert(Key::Collation(c.clone()));
                            }
                            if let Some(d) = default {
                                self.refs_in(d, &mut out);
                            }
                            for c in constraints.values() {
                                self.refs_in(&c.definition, &mut out);
                            }
                        }
                        TypeKind::Composite { attributes } => {
                            for a in attributes {
                                self.refs_in(&a.type_name, &mut out);
                                if let Some(c) = &a.collation {
                                    out.insert(Key::Collation(c.clone()));
                                }
                            }
                        }
                        TypeKind::Range {
                            subtype, collation, ..
                        } => {
                            self.refs_in(subtype, &mut out);
                            if let Some(c) = collation {
                                out.insert(Key::Collation(c.clone()));
                            }
                        }
                    }
                }
            }
            Key::Sequence(_) => {}
            Key::SeqOwner(q) => {
                out.insert(Key::Sequence(q.clone()));
                if let Some(o) = db.sequences.get(q).and_then(|s| s.owned_by.as_ref()) {
                    out.insert(Key::Column(o.table.clone(), o.column.clone()));
                }
            }
            Key::Relation(q) => {
                if let Some(t) = db.tables.get(q) {
                    if let Some(p) = &t.partition_of {
                        out.insert(Key::Relation(p.parent.clone()));
                    }
                    out.extend(t.inherits.iter().map(|p| Key::Relation(p.clone())));
                    if let Some(ty) = &t.of_type {
                        out.insert(Key::Type(ty.clone()));
                    }
                    // a new table is created with its columns and non-FK constraints
                    for c in &t.columns {
                        self.column_refs(c, &mut out);
                    }
                    // what its columns depend on according to the introspector (a column's own dependencies,
                    // not a sequence's ownership, which `explicit` leaves out: never from a column)
                    for &(column, to) in self.column_explicit.get(q).into_iter().flatten() {
                        if t.column(column).is_some() {
                            out.insert(Key::from_ref(to));
                        }
                    }
                    for c in t.constraints.values() {
                        if c.kind != ConstraintKind::ForeignKey {
                            self.refs_in(&c.definition, &mut out);
                        }
                    }
                } else if let Some(v) = db.views.get(q) {
                    self.refs_in(&v.definition, &mut out);
                }
                out.remove(key);
            }
            Key::Column(t, c) => {
                out.insert(Key::Relation(t.clone()));
                if let Some(tb) = db.tables.get(t) {
                    if let Some(col) = tb.column(c) {
                        self.column_refs(col, &mut out);
                    }
                    // a partition's column after its parent's (a parent's DROP NOT NULL reaches it)
                    if let Some(p) = &tb.partition_of {
                        out.insert(Key::Column(p.parent.clone(), c.clone()));
                    }
                }
            }
            Key::Constraint(t, n) => {
                out.insert(Key::Relation(t.clone()));
                // the index it takes over (`ADD CONSTRAINT ... USING INDEX`, planned with --online), and the
                // parent's index that index is attached to (a partition's own key)
                if let Some(tb) = db.tables.get(t) {
                    for i in tb.indexes.values() {
                        if i.constraint.as_deref() == Some(n.as_str()) {
                            out.insert(Key::Index(t.clone(), i.name.clone()));
                            if let (Some(pi), Some(p)) = (&i.parent_index, &tb.partition_of) {
                                out.insert(Key::Index(p.parent.clone(), pi.name.clone()));
                            }
                        }
                    }
                }
                if let Some(c) = db.tables.get(t).and_then(|t| t.constraints.get(n)) {
                    for col in &c.columns {
                        out.insert(Key::Column(t.clone(), col.clone()));
                    }
                    self.refs_in(&c.definition, &mut out);
                    if let Some(r) = &c.references {
                        out.insert(Key::Relation(r.clone()));
                        if let Some(rt) = db.tables.get(r) {
                            for k in rt.constraints.values() {
                                if matches!(
                                    k.kind,
                                    ConstraintKind::PrimaryKey | ConstraintKind::Unique
                                ) {
                                    out.insert(Key::Constraint(r.clone(), k.name.clone()));
                                }
                            }
                            for i in rt.indexes.values() {
                                if i.unique && i.constraint.is_none() {
                                    out.insert(Key::Index(r.clone(), i.name.clone()));
                                }
                            }
                        }
                    }
                }
            }
            Key::Index(t, n) => {
                out.insert(Key::Relation(t.clone()));
                let idx = db
                    .tables
                    .get(t)
                    .and_then(|t| t.indexes.get(n))
                    .or_else(|| db.views.get(t).and_then(|v| v.indexes.get(n)));
                if let Some(i) = idx {
                    for col in &i.columns {
                        out.insert(Key::Column(t.clone(), col.clone()));
                    }
                    self.refs_in(&i.definition, &mut out);
                    // a partition index is attached to its parent's index
                    if let (Some(pi), Some(p)) = (
                        &i.parent_index,
                        db.tables.get(t).and_then(|t| t.partition_of.as_ref()),
                    ) {
                        out.insert(Key::Index(p.parent.clone(), pi.name.clone()));
                    }
                }
                // an index created ON ONLY a partitioned table comes after its partitions, or PostgreSQL
                // would clone it onto them
                if let Some(parts) = self.partitions.get(t) {
                    out.extend(parts.iter().map(|p| Key::Relation((*p).clone())));
                }
            }
            Key::Trigger(t, n) => {
                out.insert(Key::Relation(t.clone()));
                let trg = db
                    .tables
                    .get(t)
                    .and_then(|t| t.triggers.get(n))
                    .or_else(|| db.views.get(t).and_then(|v| v.triggers.get(n)));
                if let Some(tr) = trg {
                    out.insert(Key::Function(tr.function.clone()));
                }
            }
            Key::Policy(t, n) => {
                out.insert(Key::Relation(t.clone()));
                if let Some(table) = db.tables.get(t) {
                    if let Some(p) = table.policies.get(n) {
                        for e in p.using.iter().chain(p.with_check.iter()) {
                            self.refs_in(e, &mut out);
                            // the columns of its table it names (pg_depend has them, but attributes
                            // them to the table): a column is dropped only after the policy stops using it
                            let words = words_in(e);
                            for c in &table.columns {
                                if words.contains(&c.name) {
                                    out.insert(Key::Column(t.clone(), c.name.clone()));
                                }
                            }
                        }
                    }
                }
            }
            Key::EventTrigger(n) => {
                if let Some(e) = db.event_triggers.get(n) {
                    out.insert(Key::Function(e.function.clone()));
                }
            }
            Key::Function(f) => {
                self.refs_in(&f.args, &mut out);
                if let Some(func) = db.functions.get(f) {
                    if let Some(r) = &func.returns {
                        self.refs_in(r, &mut out);
                    }
                }
                out.remove(key);
            }
        }
        out
    }

    fn column_refs(&self, c: &plumb_model::Column, out: &mut BTreeSet<Key>) {
        self.refs_in(&c.type_name, out);
        if let Some(coll) = &c.collation {
            out.insert(Key::Collation(coll.clone()));
        }
        for e in c.default.iter().chain(c.generated.iter()) {
            self.refs_in(e, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_qualified_names_in_sql_text() {
        let n = names_in(
            "nextval('public.t_id_seq'::regclass) + \"My S\".\"F\"(1) ::public.mood[] a.b.c",
        );
        let s: Vec<String> = n.iter().map(|q| q.to_string()).collect();
        assert_eq!(
            s,
            [
                "public.t_id_seq",
                "\"My S\".\"F\"",
                "public.mood",
                "a.b",
                "b.c"
            ]
        );
        assert!(names_in("x1.y2 3.5")
            .iter()
            .any(|q| q.schema == "x1" && q.name == "y2"));
        // a doubled quote inside a quoted name, upper case folded outside quotes, unicode, an unclosed quote
        let n = names_in("\"a\"\"b\".C + Ünï.\"X\" + s.\"open");
        let s: Vec<(&str, &str)> = n
            .iter()
            .map(|q| (q.schema.as_str(), q.name.as_str()))
            .collect();
        assert_eq!(s, [("a\"b", "c"), ("Ünï", "X"), ("s", "open")]);
        assert!(names_in("now() + integer").is_empty());
    }
}
