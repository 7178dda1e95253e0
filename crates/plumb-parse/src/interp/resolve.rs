//! Name resolution against the model: the creation schema, `search_path` lookups of relations, types and functions, name collisions.

use super::*;

/// Resolved relation: where it is.
pub(super) enum Rel {
    Table(QualName),
    View(QualName),
    Sequence(QualName),
    Index(QualName, QualName),
}

impl Interp {
    // ----- names -------------------------------------------------------------------------------------

    pub(crate) fn creation_schema(&self) -> Result<String, String> {
        self.search_path
            .iter()
            .find(|s| self.db.schemas.contains_key(*s))
            .cloned()
            .ok_or_else(|| "no schema has been selected to create in".to_string())
    }

    pub(super) fn new_name(&self, schema: &str, name: &str, loc: Loc) -> R<QualName> {
        let schema = if schema.is_empty() {
            self.creation_schema().map_err(|m| Fail::new(m, loc))?
        } else {
            schema.to_string()
        };
        if !self.db.schemas.contains_key(&schema) && schema != "pg_catalog" {
            return fail(format!("schema \"{schema}\" does not exist"), loc);
        }
        Ok(QualName::new(schema, truncate_ident(name)))
    }

    pub(super) fn new_rel_name(&self, rv: &protobuf::RangeVar) -> R<QualName> {
        self.new_name(&rv.schemaname, &rv.relname, Loc::at(rv.location))
    }

    pub(super) fn name_from_list(&self, names: &[String], loc: Loc) -> R<(String, String)> {
        match names {
            [n] => Ok((String::new(), n.clone())),
            [s, n] => Ok((s.clone(), n.clone())),
            [_, s, n] => Ok((s.clone(), n.clone())),
            _ => fail("improper qualified name", loc),
        }
    }

    pub(crate) fn relation_exists(&self, q: &QualName) -> bool {
        self.db.tables.contains_key(q)
            || self.db.views.contains_key(q)
            || self.db.sequences.contains_key(q)
            || self.index_owner.contains_key(q)
            || self
                .db
                .types
                .get(q)
                .is_some_and(|t| matches!(t.kind, TypeKind::Composite { .. }))
    }

    pub(super) fn lookup<T>(
        &self,
        schema: &str,
        name: &str,
        f: impl Fn(&QualName) -> Option<T>,
    ) -> Option<T> {
        if !schema.is_empty() {
            return f(&QualName::new(schema, name));
        }
        self.search_path
            .iter()
            .find_map(|s| f(&QualName::new(s, name)))
    }

    pub(super) fn find_rel(&self, schema: &str, name: &str) -> Option<Rel> {
        self.lookup(schema, name, |q| {
            if self.db.tables.contains_key(q) {
                Some(Rel::Table(q.clone()))
            } else if self.db.views.contains_key(q) {
                Some(Rel::View(q.clone()))
            } else if self.db.sequences.contains_key(q) {
                Some(Rel::Sequence(q.clone()))
            } else {
                self.index_owner
                    .get(q)
                    .map(|t| Rel::Index(q.clone(), t.clone()))
            }
        })
    }

    pub(super) fn table(&self, rv: &protobuf::RangeVar) -> R<QualName> {
        match self.find_rel(&rv.schemaname, &rv.relname) {
            Some(Rel::Table(q)) => Ok(q),
            Some(_) => fail(
                format!("\"{}\" is not a table", rv.relname),
                Loc::at(rv.location),
            ),
            None => fail(
                format!("relation \"{}\" does not exist", display_rv(rv)),
                Loc::at(rv.location),
            ),
        }
    }

    pub(super) fn table_or_view(&self, rv: &protobuf::RangeVar) -> R<QualName> {
        match self.find_rel(&rv.schemaname, &rv.relname) {
            Some(Rel::Table(q)) | Some(Rel::View(q)) => Ok(q),
            Some(_) => fail(
                format!("\"{}\" is not a table or view", rv.relname),
                Loc::at(rv.location),
            ),
            None => fail(
                format!("relation \"{}\" does not exist", display_rv(rv)),
                Loc::at(rv.location),
            ),
        }
    }

    pub(super) fn find_type(&self, schema: &str, name: &str) -> Option<QualName> {
        self.lookup(schema, name, |q| {
            self.db.types.contains_key(q).then(|| q.clone())
        })
    }

    /// A type by name as a column or argument type: a user type or the row type of a table or view (which
    /// share one namespace in `pg_type`).
    pub(super) fn find_type_or_row_type(&self, schema: &str, name: &str) -> Option<QualName> {
        self.lookup(schema, name, |q| {
            (self.db.types.contains_key(q)
                || self.db.tables.contains_key(q)
                || self.db.views.contains_key(q))
            .then(|| q.clone())
        })
    }

    pub(super) fn find_function(&self, names: &[String], nargs: usize) -> Option<&Function> {
        let (schema, name) = match names {
            [n] => ("", n.as_str()),
            [s, n] => (s.as_str(), n.as_str()),
            _ => return None,
        };
        let matches = |q: &QualName| {
            self.db
                .functions
                .range(FunctionId::new(&q.schema, &q.name, "")..)
                .take_while(|(id, _)| id.schema == q.schema && id.name == q.name)
                .map(|(_, f)| f)
                .find(|f| arg_count(&f.id.args) == nargs)
                .or_else(|| {
                    self.db
                        .functions
                        .range(FunctionId::new(&q.schema, &q.name, "")..)
                        .take_while(|(id, _)| id.schema == q.schema && id.name == q.name)
                        .map(|(_, f)| f)
                        .next()
                })
        };
        self.lookup(schema, name, matches)
    }

    /// The extension a type that no statement created comes from: by its name for well-known ones, or the
    /// only extension there is.
    pub(super) fn extension_of_type(&self, type_name: &str) -> Option<String> {
        // an extension's type may carry its modifier (`public.geometry(Point,4326)`)
        let t = base(type_name.trim_end_matches("[]"));
        let t = t.as_str();
        let q: QualName = qualified(t)?;
        if q.schema == "pg_catalog" || builtin(t, &[], false).is_some() {
            return None;
        }
        let known = match q.name.as_str() {
            "hstore" | "ghstore" => "hstore",
            "citext" => "citext",
            "ltree" | "lquery" | "ltxtquery" => "ltree",
            "cube" => "cube",
            "earth" => "earthdistance",
            "seg" => "seg",
            "isbn" | "isbn13" | "ismn" | "ismn13" | "issn" | "issn13" | "ean13" | "upc" => "isn",
            "geometry" | "geography" | "box2d" | "box3d" => "postgis",
            "vector" | "halfvec" | "sparsevec" => "vector",
            _ => "",
        };
        if !known.is_empty() && self.db.extensions.contains_key(known) {
            return Some(known.to_string());
        }
        let mut in_schema = self.db.extensions.values().filter(|e| e.schema == q.schema);
        match (in_schema.next(), in_schema.next()) {
            (Some(e), None) => Some(e.name.clone()),
            _ => None,
        }
    }

    /// An operator class as `pg_get_indexdef` shows it: built-in ones bare, others schema-qualified (an
    /// extension's are assumed to live in the first extension's schema).
    pub(super) fn opclass_name(&self, names: &[String]) -> String {
        match names {
            [n] if BUILTIN_OPCLASSES.binary_search(&n.as_str()).is_ok() => quote_ident(n),
            [n] => {
                let schema = self
                    .extension_schema()
                    .or_else(|| self.creation_schema().ok())
                    .unwrap_or_else(|| "public".into());
                QualName::new(schema, n).to_string()
            }
            [s, n] if s == "pg_catalog" => quote_ident(n),
            [s, n] => QualName::new(s, n).to_string(),
            _ => names.join("."),
        }
    }

    /// Extensions whose operator classes an index definition names (`public.gin_trgm_ops`).
    pub(super) fn extensions_of_opclasses(&self, def: &str) -> Vec<String> {
        let mut out = Vec::new();
        let Some((_, cols)) = def.split_once(" USING ") else {
            return out;
        };
        for word in cols.split([' ', ',', '(', ')']) {
            let Some((schema, name)) = word.rsplit_once('.') else {
                continue;
            };
            if !name.ends_with("_ops") || !self.db.extensions.values().any(|e| e.schema == schema) {
                continue;
            }
            let known = if name.contains("trgm") {
                "pg_trgm"
            } else if name.contains("hstore") {
                "hstore"
            } else if name.contains("citext") {
                "citext"
            } else if name.contains("ltree") {
                "ltree"
            } else if name.starts_with("gist_") {
                "btree_gist"
            } else if name.contains("vector")
                || name.contains("_l2_")
                || name.contains("_cosine_")
                || name.contains("_ip_")
            {
                "vector"
            } else {
                ""
            };
            let ext = if self.db.extensions.contains_key(known) {
                Some(known.to_string())
            } else {
                let mut it = self.db.extensions.values().filter(|e| e.schema == schema);
                match (it.next(), it.next()) {
                    (Some(e), None) => Some(e.name.clone()),
                    _ => None,
                }
            };
            if let Some(e) = ext {
                if !out.contains(&e) {
                    out.push(e);
                }
            }
        }
        out
    }

    pub(super) fn extension_schema(&self) -> Option<String> {
        self.db.extensions.values().next().map(|e| e.schema.clone())
    }

    /// A type name in `format_type` form.
    pub(crate) fn resolve_type(&self, tn: &protobuf::TypeName) -> R<String> {
        let names = strs(&tn.names);
        let typmods: Vec<i64> = tn.typmods.iter().filter_map(int_of).collect();
        let array = if tn.array_bounds.is_empty() { "" } else { "[]" };
        if tn.pct_type {
            let (rel, col) = match names.as_slice() {
                [t, c] => (
                    QualName::new(self.creation_schema().unwrap_or_default(), t),
                    c,
                ),
                [s, t, c] => (QualName::new(s, t), c),
                _ => return fail("improper %TYPE reference", Loc::at(tn.location)),
            };
            let found = self.find_rel(&rel.schema, &rel.name).and_then(|r| match r {
                Rel::Table(q) => self
                    .db
                    .tables
                    .get(&q)
                    .and_then(|t| t.column(col))
                    .map(|c| c.type_name.clone()),
                _ => None,
            });
            return found.ok_or_else(|| {
                Fail::new(
                    format!("column \"{col}\" of %TYPE does not exist"),
                    Loc::at(tn.location),
                )
            });
        }
        // an extension's type keeps its modifier, as its `typmod_out` prints it
        let with_mods = |q: String, n: &str| -> String {
            if tn.typmods.is_empty() {
                return q;
            }
            let mods: Vec<Typmod> = tn
                .typmods
                .iter()
                .filter_map(|m| match int_of(m) {
                    Some(i) => Some(Typmod::Int(i)),
                    None => match &m.node {
                        Some(N::ColumnRef(c)) if c.fields.len() == 1 => {
                            str_of(&c.fields[0]).map(Typmod::Word)
                        }
                        _ => str_of(m).map(Typmod::Word),
                    },
                })
                .collect();
            match extension_typmod(n, &mods) {
                Some(m) => format!("{q}{m}"),
                None => q,
            }
        };
        let found = match names.as_slice() {
            [c, n] if c == "pg_catalog" => builtin(n, &typmods, true),
            [n] => builtin(n, &typmods, false)
                .or_else(|| self.find_type_or_row_type("", n).map(|q| q.to_string()))
                .or_else(|| {
                    self.extension_schema()
                        .map(|s| with_mods(QualName::new(s, n).to_string(), n))
                }),
            [s, n] | [_, s, n] => self
                .find_type_or_row_type(s, n)
                .map(|q| q.to_string())
                .or_else(|| {
                    self.db
                        .extensions
                        .values()
                        .any(|e| &e.schema == s)
                        .then(|| with_mods(QualName::new(s, n).to_string(), n))
                }),
            _ => None,
        };
        match found {
            Some(t) => Ok(format!("{t}{array}")),
            None => fail(
                format!("type \"{}\" does not exist", names.join(".")),
                Loc::at(tn.location),
            ),
        }
    }

    pub(super) fn user_type_of(&self, type_name: &str) -> Option<QualName> {
        let q = qualified(type_name.trim_end_matches("[]"))?;
        self.db.types.contains_key(&q).then_some(q)
    }

    // ----- implicit names ----------------------------------------------------------------------------

    /// The tables that inherit from `q` or are its partitions (none when `q` was never named a parent).
    pub(super) fn children_of(&self, q: &QualName) -> Vec<QualName> {
        if !self.parents.contains(q) {
            return Vec::new();
        }
        self.db
            .tables
            .values()
            .filter(|t| {
                t.inherits.contains(q) || t.partition_of.as_ref().is_some_and(|p| &p.parent == q)
            })
            .map(|t| t.name.clone())
            .collect()
    }

    pub(super) fn rel_taken(&self, schema: &str, name: &str) -> bool {
        self.relation_exists(&QualName::new(schema, name))
    }

    pub(super) fn con_taken(&self, schema: &str, name: &str) -> bool {
        self.cons
            .get(schema)
            .and_then(|names| names.get(name))
            .is_some_and(|n| *n > 0)
    }

    pub(super) fn add_con_name(&mut self, schema: &str, name: &str) {
        *self
            .cons
            .entry(schema.to_string())
            .or_default()
            .entry(name.to_string())
            .or_insert(0) += 1;
    }

    pub(super) fn remove_con_name(&mut self, schema: &str, name: &str) {
        if let Some(n) = self
            .cons
            .get_mut(schema)
            .and_then(|names| names.get_mut(name))
        {
            *n = n.saturating_sub(1);
        }
    }
}

/// A type or relation name as the model writes it (`schema.name`, quoted where needed), read back; `None`
/// for a built-in type's name (`integer`, `character varying(20)`), which has no `.`: most column types, so
/// this is checked before the name is parsed (a parse allocates).
pub(super) fn qualified(t: &str) -> Option<QualName> {
    if !t.contains('.') {
        return None;
    }
    t.parse().ok()
}
