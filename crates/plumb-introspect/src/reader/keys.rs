//! Rows of constraints and indexes, with their definitions written client-side where the server's text is
//! known, and those read from the server afterwards (`Late`).

use super::*;

/// Objects whose definition is read from the server after their rows, when it could not be written
/// client-side.
#[derive(Debug, Clone, Copy)]
pub(super) enum Late {
    Constraint,
    Index,
}

impl Late {
    pub(super) fn query(self) -> &'static str {
        match self {
            Late::Constraint => queries::CONSTRAINT_DEFINITIONS,
            Late::Index => queries::INDEX_DEFINITIONS,
        }
    }

    /// The step, as timings and errors name it.
    pub(super) fn step(self) -> Step {
        match self {
            Late::Constraint => Step::ConstraintDefinitions,
            Late::Index => Step::IndexDefinitions,
        }
    }

    pub(super) fn kind(self) -> &'static str {
        match self {
            Late::Constraint => "constraint",
            Late::Index => "index",
        }
    }

    pub(super) fn function(self) -> &'static str {
        match self {
            Late::Constraint => "pg_get_constraintdef",
            Late::Index => "pg_get_indexdef",
        }
    }
}

/// What `pg_get_indexdef` needs of an index's one expression: its type and collation (compared with the index
/// column's operator class and collation) and how it is written: bare (`call`: a function call, including
/// SQL-syntax calls such as `EXTRACT`, and `COALESCE`) or in parentheses (operators, casts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ExpressionShape {
    pub(super) type_oid: u32,
    pub(super) collation: u32,
    pub(super) call: bool,
}

/// The shape of the top node of a node tree (`pg_node_tree` as text, one expression in a list: `({FUNCEXPR
/// :funcid 870 :funcresulttype 25 ...} )`) when it is a function call, `COALESCE` or an operator; `None` for
/// any other node, whose index definition is then read from the server. A field's first occurrence is the
/// top node's: these fields come before the node's arguments.
pub(super) fn expression_shape(tree: &str) -> Option<ExpressionShape> {
    let field = |name: &str| -> Option<&str> {
        let key = format!(":{name} ");
        let at = tree.find(&key)? + key.len();
        tree[at..].split(' ').next()
    };
    let oid = |name: &str| field(name)?.parse::<u32>().ok();
    if tree.starts_with("({FUNCEXPR ") {
        Some(ExpressionShape {
            type_oid: oid("funcresulttype")?,
            collation: oid("funccollid")?,
            // COERCE_EXPLICIT_CALL (0) and COERCE_SQL_SYNTAX (3) are written as calls; casts in parentheses.
            call: matches!(field("funcformat"), Some("0" | "3")),
        })
    } else if tree.starts_with("({COALESCEEXPR ") {
        Some(ExpressionShape {
            type_oid: oid("coalescetype")?,
            collation: oid("coalescecollid")?,
            call: true,
        })
    } else if tree.starts_with("({OPEXPR ") {
        Some(ExpressionShape {
            type_oid: oid("opresulttype")?,
            collation: oid("opcollid")?,
            call: false,
        })
    } else {
        None
    }
}

impl Reader {
    pub(super) fn constraints(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Constraints,
        };
        let rel: u32 = r.get("conrelid")?;
        // the index a key or exclusion constraint is implemented by (the indexes are handled next)
        if matches!(r.get::<&str>("contype")?, "p" | "u" | "x") {
            let index: u32 = r.get("index_oid")?;
            if index != 0 {
                self.m.index_constraints.insert(index, r.get("name")?);
            }
        }
        let columns = self.column_names(rel, r.get::<Option<Vec<i16>>>("columns")?);
        let Some(Rel::Table(tname)) = self.m.rels.get(&rel) else {
            return Ok(());
        };
        let tname = tname.clone();
        if !self.db.tables.contains_key(&tname) {
            return Ok(());
        }
        let name: String = r.get("name")?;
        let kind = match r.get::<String>("contype")?.as_str() {
            "p" => ConstraintKind::PrimaryKey,
            "u" => ConstraintKind::Unique,
            "f" => ConstraintKind::ForeignKey,
            "c" => ConstraintKind::Check,
            "x" => ConstraintKind::Exclude,
            other => {
                return Err(Error::Catalog {
                    kind: "constraint",
                    name: format!("{} ON {tname}", quote_ident(&name)),
                    reason: format!("unexpected contype {other:?}"),
                })
            }
        };
        let oid: u32 = r.get("oid")?;
        self.m.constraints.insert(oid, ConOwner::Relation(rel));
        let definition = match r.get::<Option<String>>("definition")? {
            Some(d) => d,
            None => match self.key_definition(&r, rel, &kind)? {
                Some(d) => d,
                None => {
                    self.m
                        .unwritten_constraints
                        .insert(oid, (rel, name.clone()));
                    String::new()
                }
            },
        };
        // pg_get_constraintdef leaves out the storage parameters of a key's index; pg_dump adds them.
        let mut definition = definition;
        if let Some(options) = r.get::<Option<Vec<String>>>("index_options")? {
            definition.push_str(&crate::reloptions_clause(&options));
        }
        let references = self.qual_of(&r, "ref_schema", "ref_table")?;
        let comment = self.comment(self.cat.constraint, oid, 0);
        let Some(t) = self.db.tables.get_mut(&tname) else {
            return Ok(());
        };
        let c = Constraint {
            name: name.clone(),
            kind,
            definition,
            columns,
            references,
            deferrable: r.get("deferrable")?,
            initially_deferred: r.get("deferred")?,
            validated: r.get("validated")?,
            is_local: r.get("is_local")?,
            comment,
        };
        if t.constraints.insert(name.clone(), c).is_some() {
            return Err(Error::Catalog {
                kind: "constraint",
                name: format!("{} ON {tname}", quote_ident(&name)),
                reason: "two constraints of that name on one table".into(),
            });
        }
        Ok(())
    }

    /// Names of these columns of a table, quoted, joined by `, `; None when one is not known.
    pub(super) fn quoted_columns(&self, rel: u32, attnums: &[i16]) -> Option<String> {
        let names: Option<Vec<String>> = attnums
            .iter()
            .map(|n| self.m.columns.get(&(rel, *n)).map(|c| self.quote(&c.name)))
            .collect();
        names.map(|n| n.join(", "))
    }

    /// The definition of a primary key, unique constraint or foreign key, as `pg_get_constraintdef` writes it
    /// (PostgreSQL 12 to 17); None when the row has something this does not write (the definition is then read
    /// from the server).
    pub(super) fn key_definition(
        &self,
        r: &Rec<'_>,
        rel: u32,
        kind: &ConstraintKind,
    ) -> Result<Option<String>, Error> {
        let keys: Vec<i16> = r.get::<Option<Vec<i16>>>("columns")?.unwrap_or_default();
        let Some(key_names) = self.quoted_columns(rel, &keys).filter(|_| !keys.is_empty()) else {
            return Ok(None);
        };
        let mut def = match kind {
            ConstraintKind::PrimaryKey | ConstraintKind::Unique => {
                let mut d = match kind {
                    ConstraintKind::PrimaryKey => format!("PRIMARY KEY ({key_names})"),
                    _ if r.get::<bool>("nulls_not_distinct")? => {
                        format!("UNIQUE NULLS NOT DISTINCT ({key_names})")
                    }
                    _ => format!("UNIQUE ({key_names})"),
                };
                let include: Vec<i16> = r.get::<Option<Vec<i16>>>("include")?.unwrap_or_default();
                if !include.is_empty() {
                    let Some(names) = self.quoted_columns(rel, &include) else {
                        return Ok(None);
                    };
                    d.push_str(&format!(" INCLUDE ({names})"));
                }
                d
            }
            ConstraintKind::ForeignKey => {
                let Some(QualName {
                    schema,
                    name: table,
                }) = self.qual_of(r, "ref_schema", "ref_table")?
                else {
                    return Ok(None);
                };
                let ref_oid: u32 = r.get("ref_oid")?;
                let refs: Vec<i16> = r
                    .get::<Option<Vec<i16>>>("ref_columns")?
                    .unwrap_or_default();
                // The referenced table's columns are known when it is in the schemas read.
                let Some(ref_names) = self
                    .quoted_columns(ref_oid, &refs)
                    .filter(|_| refs.len() == keys.len())
                else {
                    return Ok(None);
                };
                let mut d = format!(
                    "FOREIGN KEY ({key_names}) REFERENCES {}.{}({ref_names})",
                    self.quote(&schema),
                    self.quote(&table),
                );
                match r.get::<String>("match_type")?.as_str() {
                    "s" => {}
                    "f" => d.push_str(" MATCH FULL"),
                    "p" => d.push_str(" MATCH PARTIAL"),
                    _ => return Ok(None),
                }
                for (event, column) in [("UPDATE", "on_update"), ("DELETE", "on_delete")] {
                    let action = match r.get::<String>(column)?.as_str() {
                        "a" => None,
                        "r" => Some("RESTRICT"),
                        "c" => Some("CASCADE"),
                        "n" => Some("SET NULL"),
                        "d" => Some("SET DEFAULT"),
                        _ => return Ok(None),
                    };
                    if let Some(action) = action {
                        d.push_str(&format!(" ON {event} {action}"));
                    }
                }
                if let Some(set) = r.get::<Option<Vec<i16>>>("delete_set_columns")? {
                    let Some(names) = self.quoted_columns(rel, &set) else {
                        return Ok(None);
                    };
                    d.push_str(&format!(" ({names})"));
                }
                d
            }
            _ => return Ok(None),
        };
        if r.get::<bool>("deferrable")? {
            def.push_str(" DEFERRABLE");
        }
        if r.get::<bool>("deferred")? {
            def.push_str(" INITIALLY DEFERRED");
        }
        if !r.get::<bool>("validated")? {
            def.push_str(" NOT VALID");
        }
        Ok(Some(def))
    }

    pub(super) fn indexes(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Indexes,
        };
        let oid: u32 = r.get("indexrelid")?;
        let rel: u32 = r.get("indrelid")?;
        let name: String = r.get("name")?;
        let unique: bool = r.get("is_unique")?;
        let keys: Vec<i16> = r.get::<Option<Vec<i16>>>("columns")?.unwrap_or_default();
        let definition = match r.get::<Option<String>>("definition")? {
            Some(d) => Some(d),
            // operator class options (found with the columns): only the server writes them
            None if self.m.index_options.contains(&oid) => None,
            None => self.plain_index_definition(&r, rel, &name, unique, &keys)?,
        };
        let index = Index {
            name: name.clone(),
            definition: definition.clone().unwrap_or_default(),
            unique,
            constraint: self.m.index_constraints.remove(&oid),
            columns: self.column_names(rel, Some(keys)),
            parent_index: self.m.index_parents.remove(&oid),
            comment: self.comment(self.cat.class, oid, 0),
            clustered: r.get("clustered")?,
        };
        let target = match self.m.rels.get(&rel) {
            Some(Rel::Table(n)) => self.db.tables.get_mut(n).map(|t| &mut t.indexes),
            Some(Rel::View(n)) => self.db.views.get_mut(n).map(|v| &mut v.indexes),
            _ => None,
        };
        if let Some(indexes) = target {
            indexes.insert(index.name.clone(), index);
            self.m.rels.insert(oid, Rel::Index(rel));
            if definition.is_none() {
                self.m.unwritten_indexes.insert(oid, (rel, name));
            }
        }
        Ok(())
    }

    /// Whether `opclass` is the operator class `GetDefaultOpClass` gives a key of type `type_oid` in access
    /// method `method` (then `pg_get_indexdef` does not name it): the type's own default operator class, or,
    /// when it has none, the one default operator class of the types it is binary-coercible to (a preferred
    /// type's, when there is one: `text` for `varchar`). The client knows what a `varchar`, an array or an enum
    /// is binary-coercible to (built-in casts and polymorphic types); for other types, and for a type the user
    /// made binary-coercible to more (`CREATE CAST ... WITHOUT FUNCTION AS IMPLICIT`), false: the server writes
    /// the definition.
    pub(super) fn is_default_opclass(&self, opclass: u32, method: u32, type_oid: u32) -> bool {
        const TEXT: u32 = 25;
        const VARCHAR: u32 = 1043;
        const BPCHAR: u32 = 1042;
        // polymorphic input types (`pg_type.h`)
        const ANY: u32 = 2276;
        const ANYELEMENT: u32 = 2283;
        const ANYCOMPATIBLE: u32 = 5077;
        const ANYARRAY: u32 = 2277;
        const ANYCOMPATIBLEARRAY: u32 = 5078;
        const ANYNONARRAY: u32 = 2776;
        const ANYCOMPATIBLENONARRAY: u32 = 5079;
        const ANYENUM: u32 = 3500;
        let Some(&(m, intype)) = self.m.default_opclasses.get(&opclass) else {
            return false;
        };
        if m != method {
            return false;
        }
        if intype == type_oid {
            return true;
        }
        if self.m.default_opclass_of.contains_key(&(method, type_oid))
            || self.m.user_cast_sources.contains(&type_oid)
        {
            return false;
        }
        let is_array = self
            .m
            .type_names
            .get(&type_oid)
            .is_some_and(|t| t.element.is_some());
        let is_enum = self
            .m
            .model_types
            .get(&type_oid)
            .and_then(|q| self.db.types.get(q))
            .is_some_and(|t| matches!(t.kind, TypeKind::Enum { .. }));
        if !(type_oid == VARCHAR || is_array || is_enum) {
            return false;
        }
        // `IsBinaryCoercible(type_oid, t)`, for these types
        let coercible = |t: u32| match t {
            ANY | ANYELEMENT | ANYCOMPATIBLE => true,
            ANYARRAY | ANYCOMPATIBLEARRAY => is_array,
            ANYNONARRAY | ANYCOMPATIBLENONARRAY => !is_array,
            ANYENUM => is_enum,
            TEXT | BPCHAR => type_oid == VARCHAR,
            _ => false,
        };
        let candidates: Vec<(u32, u32)> = self
            .m
            .default_opclass_of
            .range((method, 0)..=(method, u32::MAX))
            .filter(|((_, t), _)| coercible(*t))
            .flat_map(|((_, t), oids)| oids.iter().map(move |&o| (o, *t)))
            .collect();
        // `text` is the preferred type of `varchar`'s category (strings); the polymorphic types are preferred in
        // none
        let preferred: Vec<u32> = candidates
            .iter()
            .filter(|&&(_, t)| t == TEXT)
            .map(|&(o, _)| o)
            .collect();
        let chosen = match (preferred.as_slice(), candidates.as_slice()) {
            ([one], _) => *one,
            ([], [(one, _)]) => *one,
            _ => return false,
        };
        chosen == opclass
    }

    /// `pg_get_indexdef`'s text for an index without options or sort order and with at most one expression,
    /// when every key column uses its type's default operator class and its own collation (then neither is
    /// written); `None` otherwise.
    pub(super) fn plain_index_definition(
        &self,
        r: &Rec<'_>,
        rel: u32,
        name: &str,
        unique: bool,
        keys: &[i16],
    ) -> Result<Option<String>, Error> {
        let table = match self.m.rels.get(&rel) {
            Some(Rel::Table(n) | Rel::View(n)) => n,
            _ => return Ok(None),
        };
        let method_oid: u32 = r.get("method_oid")?;
        let opclasses: Vec<u32> = r.get::<Option<Vec<u32>>>("opclasses")?.unwrap_or_default();
        let collations: Vec<u32> = r.get::<Option<Vec<u32>>>("collations")?.unwrap_or_default();
        let include: Vec<i16> = r.get::<Option<Vec<i16>>>("include")?.unwrap_or_default();
        if keys.is_empty() || opclasses.len() != keys.len() || collations.len() != keys.len() {
            return Ok(None);
        }
        // The one expression, if any: its text and its type, collation and form.
        let expression: Option<String> = r.get("expression")?;
        let shape = r
            .get::<Option<&str>>("expression_tree")?
            .and_then(expression_shape);
        let mut key_names = Vec::with_capacity(keys.len());
        for ((attnum, opclass), collation) in keys.iter().zip(&opclasses).zip(&collations) {
            let (text, type_oid, own_collation) = if *attnum == 0 {
                let (Some(text), Some(shape)) = (expression.as_ref(), shape.as_ref()) else {
                    return Ok(None);
                };
                let (type_oid, collation_oid) = (shape.type_oid, shape.collation);
                let text = if shape.call {
                    text.clone()
                } else {
                    format!("({text})")
                };
                (text, type_oid, collation_oid)
            } else {
                let Some(col) = self.m.columns.get(&(rel, *attnum)) else {
                    return Ok(None);
                };
                (self.quote(&col.name), col.type_oid, col.collation)
            };
            let default_opclass = self.is_default_opclass(*opclass, method_oid, type_oid);
            if !default_opclass || (*collation != 0 && *collation != own_collation) {
                return Ok(None);
            }
            key_names.push(text);
        }
        let mut include_names = Vec::with_capacity(include.len());
        for attnum in &include {
            let Some(col) = self.m.columns.get(&(rel, *attnum)) else {
                return Ok(None);
            };
            include_names.push(self.quote(&col.name));
        }
        let mut def = format!(
            "CREATE {}INDEX {} ON {}.{} USING {} ({})",
            if unique { "UNIQUE " } else { "" },
            self.quote(name),
            self.quote(&table.schema),
            self.quote(&table.name),
            self.quote(&r.get::<String>("method")?),
            key_names.join(", ")
        );
        if !include_names.is_empty() {
            def.push_str(&format!(" INCLUDE ({})", include_names.join(", ")));
        }
        if r.get::<bool>("nulls_not_distinct")? {
            def.push_str(" NULLS NOT DISTINCT");
        }
        if let Some(predicate) = r.get::<Option<String>>("predicate")? {
            def.push_str(" WHERE ");
            def.push_str(&predicate);
        }
        Ok(Some(def))
    }

    /// Read from the server the definitions of the `late` objects that could not be written client-side; false
    /// when there were none (no query).
    pub(super) async fn read_late(&mut self, client: &Client, late: Late) -> Result<bool, Error> {
        let pending = std::mem::take(match late {
            Late::Constraint => &mut self.m.unwritten_constraints,
            Late::Index => &mut self.m.unwritten_indexes,
        });
        if pending.is_empty() {
            return Ok(false);
        }
        let oids: Vec<u32> = pending.keys().copied().collect();
        let rows = rows_of(
            client,
            late.step(),
            late.query(),
            &[(&oids, PgType::OID_ARRAY)],
        )
        .await?;
        let mut definitions = BTreeMap::new();
        for row in &rows {
            let r = Rec {
                row,
                kind: late.step(),
            };
            definitions.insert(r.get::<u32>("oid")?, r.get::<Option<String>>("definition")?);
        }
        for (oid, (rel, name)) in pending {
            let relation = self.m.rels.get(&rel);
            let slot = match (late, relation) {
                (Late::Constraint, Some(Rel::Table(n))) => self
                    .db
                    .tables
                    .get_mut(n)
                    .and_then(|t| t.constraints.get_mut(&name))
                    .map(|c| &mut c.definition),
                (Late::Index, Some(Rel::Table(n))) => self
                    .db
                    .tables
                    .get_mut(n)
                    .and_then(|t| t.indexes.get_mut(&name))
                    .map(|i| &mut i.definition),
                (Late::Index, Some(Rel::View(n))) => self
                    .db
                    .views
                    .get_mut(n)
                    .and_then(|v| v.indexes.get_mut(&name))
                    .map(|i| &mut i.definition),
                _ => None,
            };
            match (slot, definitions.remove(&oid).flatten()) {
                (Some(slot), Some(definition)) => *slot = definition,
                _ => {
                    let table = match relation {
                        Some(Rel::Table(n) | Rel::View(n)) => n.to_string(),
                        _ => rel.to_string(),
                    };
                    return Err(Error::Catalog {
                        kind: late.kind(),
                        name: format!("{} ON {table}", quote_ident(&name)),
                        reason: format!("{} returned nothing", late.function()),
                    });
                }
            }
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::{expression_shape, ExpressionShape};

    #[test]
    fn expression_shape_reads_the_top_node() {
        // lower(name), as PostgreSQL 15 stores it.
        let call = "({FUNCEXPR :funcid 870 :funcresulttype 25 :funcretset false :funcvariadic false \
                    :funcformat 0 :funccollid 100 :inputcollid 100 :args ({VAR :varno 1 :varattno 2 \
                    :vartype 25 :vartypmod -1 :varcollid 100 :varlevelsup 0 :varnosyn 1 :varattnosyn 2 \
                    :location 62}) :location 56})";
        assert_eq!(
            expression_shape(call),
            Some(ExpressionShape {
                type_oid: 25,
                collation: 100,
                call: true
            })
        );
        // A cast written as a function (funcformat 1): in parentheses.
        let cast = call.replace(":funcformat 0", ":funcformat 1");
        assert_eq!(expression_shape(&cast).map(|s| s.call), Some(false));
        let coalesce = "({COALESCEEXPR :coalescetype 23 :coalescecollid 0 :args ({VAR :varno 1}) :location 5})";
        assert_eq!(
            expression_shape(coalesce),
            Some(ExpressionShape {
                type_oid: 23,
                collation: 0,
                call: true
            })
        );
        let op = "({OPEXPR :opno 551 :opfuncid 177 :opresulttype 23 :opretset false :opcollid 0 \
                  :inputcollid 0 :args ({VAR :varno 1} {CONST :consttype 23}) :location 10})";
        assert_eq!(
            expression_shape(op),
            Some(ExpressionShape {
                type_oid: 23,
                collation: 0,
                call: false
            })
        );
        // Other nodes, and a missing field: the definition is read from the server.
        assert_eq!(
            expression_shape("({CASE :casetype 25 :casecollid 100})"),
            None
        );
        assert_eq!(
            expression_shape("({FUNCEXPR :funcid 870 :funcformat 0})"),
            None
        );
    }
}
