//! Rows of `pg_depend`: dependencies between objects of the model.

use super::*;

/// The relation an edge end is part of, if any.
pub(super) fn owning_relation(r: &ObjectRef) -> Option<&QualName> {
    match r {
        ObjectRef::Relation(n) => Some(n),
        ObjectRef::Column(c) => Some(&c.table),
        _ => None,
    }
}

/// An edge inside one object (a column and its table, a constraint and the table's column): not an ordering
/// constraint between objects.
pub(super) fn same_owner(from: &ObjectRef, to: &ObjectRef) -> bool {
    if from == to {
        return true;
    }
    match (owning_relation(from), owning_relation(to)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// Every object depends on its own schema; the name says so already.
pub(super) fn implied_schema(from: &ObjectRef, to: &ObjectRef) -> bool {
    let ObjectRef::Schema(s) = to else {
        return false;
    };
    let own = match from {
        ObjectRef::Collation(n)
        | ObjectRef::Type(n)
        | ObjectRef::Sequence(n)
        | ObjectRef::Relation(n) => &n.schema,
        ObjectRef::Column(c) => &c.table.schema,
        ObjectRef::Function(id) => &id.schema,
        ObjectRef::Schema(_) | ObjectRef::Extension(_) => return false,
    };
    own == s
}

impl Reader {
    /// What a pg_depend object (`classid`, `objid`, `objsubid`) is in the model, on either side of an edge.
    pub(super) fn object_ref(
        &self,
        cat: &Catalogs,
        class: u32,
        objid: u32,
        subid: i32,
    ) -> Option<ObjectRef> {
        let relation = |rel: u32, attnum: i32| -> Option<ObjectRef> {
            match self.m.rels.get(&rel)? {
                Rel::Table(n) | Rel::View(n) => {
                    if attnum > 0 {
                        let col = &self
                            .m
                            .columns
                            .get(&(rel, i16::try_from(attnum).ok()?))?
                            .name;
                        Some(ObjectRef::Column(ColumnRef {
                            table: n.clone(),
                            column: col.clone(),
                        }))
                    } else {
                        Some(ObjectRef::Relation(n.clone()))
                    }
                }
                Rel::Composite(n) => Some(ObjectRef::Type(n.clone())),
                Rel::Sequence(n) => Some(ObjectRef::Sequence(n.clone())),
                Rel::Index(table) => match self.m.rels.get(table)? {
                    Rel::Table(n) | Rel::View(n) => Some(ObjectRef::Relation(n.clone())),
                    _ => None,
                },
                Rel::Other => None,
            }
        };
        if class == cat.class {
            relation(objid, subid)
        } else if class == cat.type_ {
            self.m.types.get(&objid).cloned()
        } else if class == cat.proc_ {
            self.m
                .functions
                .get(&objid)
                .map(|id| ObjectRef::Function(id.clone()))
        } else if class == cat.attrdef {
            let (rel, attnum) = self.m.attrdefs.get(&objid)?;
            relation(*rel, i32::from(*attnum))
        } else if class == cat.constraint {
            match self.m.constraints.get(&objid)? {
                ConOwner::Relation(rel) => relation(*rel, 0),
                ConOwner::Type(t) => self
                    .m
                    .model_types
                    .get(t)
                    .map(|n| ObjectRef::Type(n.clone())),
            }
        } else if class == cat.trigger {
            relation(*self.m.triggers.get(&objid)?, 0)
        } else if class == cat.rewrite {
            relation(*self.m.rules.get(&objid)?, 0)
        } else if class == cat.policy {
            relation(*self.m.policies.get(&objid)?, 0)
        } else if class == cat.namespace {
            self.m
                .schemas
                .get(&objid)
                .map(|n| ObjectRef::Schema(n.clone()))
        } else if class == cat.extension {
            self.m
                .extensions
                .get(&objid)
                .map(|n| ObjectRef::Extension(n.clone()))
        } else if class == cat.collation {
            self.m
                .collations
                .get(&objid)
                .map(|n| ObjectRef::Collation(n.clone()))
        } else {
            None
        }
    }

    pub(super) fn dependencies(&mut self, row: &Row) -> Result<(), Error> {
        let cat = &self.cat.clone();
        let r = Rec {
            row,
            kind: Step::Dependencies,
        };
        let class: u32 = r.get("classid")?;
        let objid: u32 = r.get("objid")?;
        let refclass: u32 = r.get("refclassid")?;
        // A sequence's link to the column that owns it is `owned_by`; the column's default depends on the
        // sequence, not the other way round.
        if class == cat.class && refclass == cat.class && self.m.owned_sequences.contains(&objid) {
            return Ok(());
        }
        let Some(from) = self.object_ref(cat, class, objid, r.get("objsubid")?) else {
            return Ok(());
        };
        let to = match r.get::<Option<u32>>("ref_extension")? {
            Some(ext) => match self.m.extensions.get(&ext) {
                Some(name) => ObjectRef::Extension(name.clone()),
                None => return Ok(()),
            },
            None => {
                let Some(to) =
                    self.object_ref(cat, refclass, r.get("refobjid")?, r.get("refobjsubid")?)
                else {
                    return Ok(());
                };
                to
            }
        };
        if same_owner(&from, &to) || implied_schema(&from, &to) {
            return Ok(());
        }
        self.db.dependencies.insert(Dependency { from, to });
        Ok(())
    }
}
