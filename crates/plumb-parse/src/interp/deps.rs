//! Dependencies between objects, computed once the whole script has run (what a view, function or default reads).

use super::*;

impl Interp {
    /// Dependencies evident from the model: foreign keys, user-typed columns, sequence defaults, views,
    /// triggers, inheritance and partitions.
    pub(crate) fn compute_dependencies(&mut self) {
        self.compute_dependencies_from(PARALLEL_MIN_TABLES);
    }

    /// [`Interp::compute_dependencies`], on two threads when there are `parallel_from` tables or more.
    pub(super) fn compute_dependencies_from(&mut self, parallel_from: usize) {
        fn add_dep(deps: &mut BTreeSet<Dependency>, from: ObjectRef, to: ObjectRef) {
            fn owner(r: &ObjectRef) -> Option<&QualName> {
                match r {
                    ObjectRef::Relation(n) => Some(n),
                    ObjectRef::Column(c) => Some(&c.table),
                    _ => None,
                }
            }
            if from != to && (owner(&from).is_none() || owner(&from) != owner(&to)) {
                deps.insert(Dependency { from, to });
            }
        }
        let user_types: Vec<String> = self.db.types.keys().map(|q| q.to_string()).collect();
        let user_funcs: Vec<(String, FunctionId)> = self
            .db
            .functions
            .keys()
            .map(|id| (format!("{}(", id.qual_name()), id.clone()))
            .collect();
        // Functions and types an expression text names.
        let type_names: BTreeMap<&str, &QualName> = self
            .db
            .types
            .keys()
            .zip(user_types.iter())
            .map(|(q, t)| (t.as_str(), q))
            .collect();
        let mut func_names: BTreeMap<String, Vec<FunctionId>> = BTreeMap::new();
        for (pat, id) in &user_funcs {
            func_names
                .entry(pat.trim_end_matches('(').to_string())
                .or_default()
                .push(id.clone());
        }
        // Qualified names in an expression text: a name followed by `(` may be a function, one after `::`
        // a type.
        let expr_refs = |text: &str| -> Vec<ObjectRef> {
            let mut v = Vec::new();
            if func_names.is_empty() && type_names.is_empty() {
                return v;
            }
            let b = text.as_bytes();
            let word = |c: u8| {
                c.is_ascii_alphanumeric()
                    || c == b'_'
                    || c == b'$'
                    || c == b'.'
                    || c == b'"'
                    || c >= 0x80
            };
            let mut i = 0;
            while i < b.len() {
                if !word(b[i]) {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < b.len() && word(b[i]) {
                    i += 1;
                }
                let tok = &text[start..i];
                if !tok.contains('.') {
                    continue;
                }
                if b.get(i) == Some(&b'(') {
                    if let Some(ids) = func_names.get(tok) {
                        v.extend(ids.iter().map(|id| ObjectRef::Function(id.clone())));
                    }
                }
                if start >= 2 && &b[start - 2..start] == b"::" {
                    if let Some(q) = type_names.get(tok) {
                        v.push(ObjectRef::Type((*q).clone()));
                    }
                }
            }
            v
        };
        let type_ref =
            |ty: &str| -> Option<ObjectRef> { self.user_type_of(ty).map(ObjectRef::Type) };
        // A table's or view's row type used as a type: the dependency is on the relation.
        let row_ref = |ty: &str| -> Option<ObjectRef> {
            let q = super::resolve::qualified(ty.trim_end_matches("[]"))?;
            (self.db.tables.contains_key(&q) || self.db.views.contains_key(&q))
                .then_some(ObjectRef::Relation(q))
        };
        let coll_ref = |c: &Option<QualName>| -> Option<ObjectRef> {
            c.as_ref()
                .filter(|c| self.db.collations.contains_key(*c))
                .map(|c| ObjectRef::Collation(c.clone()))
        };
        // The tables' dependencies, the bulk of the work, are found on two threads, each over half the tables.
        let table_deps = |t: &Table, deps: &mut BTreeSet<Dependency>| {
            let mut add = |from: ObjectRef, to: ObjectRef| add_dep(deps, from, to);
            let me = ObjectRef::Relation(t.name.clone());
            for c in t.constraints.values() {
                if let Some(r) = &c.references {
                    add(me.clone(), ObjectRef::Relation(r.clone()));
                    let marker = format!("REFERENCES {r}(");
                    if let Some((_, rest)) = c.definition.split_once(&marker) {
                        if let Some((cols, _)) = rest.split_once(')') {
                            for col in cols.split(", ") {
                                let col = plumb_model::split_qualified(col)
                                    .ok()
                                    .and_then(|v| v.into_iter().next())
                                    .unwrap_or_default();
                                add(
                                    me.clone(),
                                    ObjectRef::Column(ColumnRef {
                                        table: r.clone(),
                                        column: col,
                                    }),
                                );
                            }
                        }
                    }
                }
                for x in expr_refs(&c.definition) {
                    add(me.clone(), x);
                }
            }
            for i in t.indexes.values() {
                for x in expr_refs(&i.definition) {
                    add(me.clone(), x);
                }
                for e in self.extensions_of_opclasses(&i.definition) {
                    add(me.clone(), ObjectRef::Extension(e));
                }
            }
            for p in t.policies.values() {
                for e in p.using.iter().chain(p.with_check.iter()) {
                    for x in expr_refs(e) {
                        add(me.clone(), x);
                    }
                }
            }
            for c in &t.columns {
                let cref = ObjectRef::Column(ColumnRef {
                    table: t.name.clone(),
                    column: c.name.clone(),
                });
                if let Some(ty) = type_ref(&c.type_name) {
                    add(cref.clone(), ty);
                } else if let Some(r) = row_ref(&c.type_name) {
                    add(cref.clone(), r);
                } else if let Some(ext) = self.extension_of_type(&c.type_name) {
                    add(cref.clone(), ObjectRef::Extension(ext));
                }
                if let Some(co) = coll_ref(&c.collation) {
                    add(cref.clone(), co);
                }
                for e in c.default.iter().chain(c.generated.iter()) {
                    for x in expr_refs(e) {
                        add(cref.clone(), x);
                    }
                    if let Some(rest) = e.strip_prefix("nextval('") {
                        if let Some((name, _)) = rest.split_once("'::regclass") {
                            if let Ok(q) = name.replace("''", "'").parse::<QualName>() {
                                if self.db.sequences.contains_key(&q) {
                                    add(cref.clone(), ObjectRef::Sequence(q));
                                }
                            }
                        }
                    }
                }
            }
            for p in &t.inherits {
                add(me.clone(), ObjectRef::Relation(p.clone()));
            }
            if let Some(ty) = &t.of_type {
                add(me.clone(), ObjectRef::Type(ty.clone()));
            }
            if let Some(p) = &t.partition_of {
                add(me.clone(), ObjectRef::Relation(p.parent.clone()));
            }
            for tr in t.triggers.values() {
                add(me.clone(), ObjectRef::Function(tr.function.clone()));
            }
        };
        let tables: Vec<&Table> = self.db.tables.values().collect();
        let (first, second) = tables.split_at(tables.len() / 2);
        let mut deps = std::thread::scope(|scope| {
            let other = (!second.is_empty() && tables.len() >= parallel_from).then(|| {
                scope.spawn(|| {
                    let mut d = BTreeSet::new();
                    for t in second {
                        table_deps(t, &mut d);
                    }
                    d
                })
            });
            let mut d = BTreeSet::new();
            for t in first {
                table_deps(t, &mut d);
            }
            match other {
                Some(h) => match h.join() {
                    Ok(mut more) => d.append(&mut more),
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                None => {
                    for t in second {
                        table_deps(t, &mut d);
                    }
                }
            }
            d
        });
        let mut add = |from: ObjectRef, to: ObjectRef| add_dep(&mut deps, from, to);
        for v in self.db.views.values() {
            let me = ObjectRef::Relation(v.name.clone());
            if let Some(reads) = self.view_reads.get(&v.name) {
                let used = self.view_uses.get(&v.name);
                for r in reads {
                    let uses_columns =
                        used.is_some_and(|(cols, _)| cols.iter().any(|c| &c.table == r));
                    if self.relation_exists(r) && !uses_columns {
                        add(me.clone(), ObjectRef::Relation(r.clone()));
                    }
                }
            }
            if let Some((cols, other)) = self.view_uses.get(&v.name) {
                for c in cols {
                    add(me.clone(), ObjectRef::Column(c.clone()));
                }
                for o in other {
                    add(me.clone(), o.clone());
                }
            }
            for x in expr_refs(&v.definition) {
                add(me.clone(), x);
            }
            for c in &v.columns {
                if let Some(ty) = type_ref(&c.type_name) {
                    add(
                        ObjectRef::Column(ColumnRef {
                            table: v.name.clone(),
                            column: c.name.clone(),
                        }),
                        ty,
                    );
                }
            }
            for tr in v.triggers.values() {
                add(me.clone(), ObjectRef::Function(tr.function.clone()));
            }
            for i in v.indexes.values() {
                for x in expr_refs(&i.definition) {
                    add(me.clone(), x);
                }
            }
        }
        for ty in self.db.types.values() {
            let me = ObjectRef::Type(ty.name.clone());
            match &ty.kind {
                TypeKind::Domain {
                    base,
                    constraints,
                    default,
                    collation,
                    ..
                } => {
                    if let Some(b) = type_ref(base) {
                        add(me.clone(), b);
                    }
                    if let Some(co) = coll_ref(collation) {
                        add(me.clone(), co);
                    }
                    for e in constraints
                        .values()
                        .map(|c| &c.definition)
                        .chain(default.iter())
                    {
                        for x in expr_refs(e) {
                            add(me.clone(), x);
                        }
                    }
                }
                TypeKind::Composite { attributes } => {
                    for a in attributes {
                        if let Some(b) = type_ref(&a.type_name) {
                            add(me.clone(), b);
                        }
                        if let Some(co) = coll_ref(&a.collation) {
                            add(me.clone(), co);
                        }
                    }
                }
                TypeKind::Range { subtype, .. } => {
                    if let Some(b) = type_ref(subtype) {
                        add(me.clone(), b);
                    }
                }
                TypeKind::Enum { .. } => {}
            }
        }
        for f in self.db.functions.values() {
            let me = ObjectRef::Function(f.id.clone());
            if let Some((reads, cols, other)) = self.function_uses.get(&f.id) {
                for r in reads {
                    if self.relation_exists(r) && !cols.iter().any(|c| &c.table == r) {
                        add(me.clone(), ObjectRef::Relation(r.clone()));
                    }
                }
                for c in cols {
                    if self
                        .db
                        .tables
                        .get(&c.table)
                        .is_some_and(|t| t.column(&c.column).is_some())
                        || self.db.views.contains_key(&c.table)
                    {
                        add(me.clone(), ObjectRef::Column(c.clone()));
                    }
                }
                for o in other {
                    let exists = match o {
                        ObjectRef::Function(id) => self.db.functions.contains_key(id),
                        ObjectRef::Type(q) => self.db.types.contains_key(q),
                        ObjectRef::Relation(q) => self.relation_exists(q),
                        _ => true,
                    };
                    if exists {
                        add(me.clone(), o.clone());
                    }
                }
            }
            let sig = format!("{} {}", f.id.args, f.returns.clone().unwrap_or_default());
            for t in &user_types {
                let hit = sig.match_indices(t.as_str()).any(|(i, _)| {
                    let after = sig[i + t.len()..].chars().next();
                    let before = sig[..i].chars().last();
                    !after.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '"')
                        && !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
                });
                if hit {
                    if let Ok(q) = t.parse() {
                        add(me.clone(), ObjectRef::Type(q));
                    }
                }
            }
            // Row types of tables and views in the signature (always schema-qualified there).
            for word in sig.split(|c: char| {
                !(c.is_alphanumeric() || c == '_' || c == '$' || c == '.' || c == '"')
            }) {
                if word.contains('.') {
                    if let Some(r) = row_ref(word) {
                        add(me.clone(), r);
                    }
                }
            }
        }
        self.db.dependencies = deps;
    }
}

#[cfg(test)]
mod dependency_tests {
    use super::Interp;
    use crate::source::Script;

    /// Tables with foreign keys, typed columns, defaults and checks that refer to other objects, views.
    fn schema(tables: usize) -> String {
        let mut sql = String::from(
            "CREATE TYPE mood AS ENUM ('a', 'b');\n\
             CREATE FUNCTION f(x integer) RETURNS integer LANGUAGE sql AS $$ SELECT x $$;\n\
             CREATE SEQUENCE s;\n",
        );
        for i in 0..tables {
            let parent = if i == 0 { 0 } else { i - 1 };
            sql.push_str(&format!(
                "CREATE TABLE t{i} (id integer PRIMARY KEY DEFAULT nextval('s'), m mood, \
                 p integer REFERENCES t{parent} (id), n integer CHECK (f(n) > 0));\n\
                 CREATE INDEX t{i}_f ON t{i} (f(n));\n"
            ));
        }
        sql.push_str("CREATE VIEW v AS SELECT id, m FROM t0;\n");
        sql
    }

    #[test]
    fn dependencies_on_two_threads_are_the_same_as_on_one() {
        let script = Script {
            path: "deps.sql".into(),
            sql: schema(40),
            first_line: 1,
        };
        let mut one = Interp::new();
        one.run_script(&script).unwrap();
        let mut two = one.clone();
        one.compute_dependencies_from(usize::MAX);
        two.compute_dependencies_from(2);
        assert!(
            one.db.dependencies.len() > 40 * 4,
            "too few dependencies: {}",
            one.db.dependencies.len()
        );
        assert_eq!(one.db.dependencies, two.db.dependencies);
    }
}
