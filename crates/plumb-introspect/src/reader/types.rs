//! Rows of types: the type names `format_type` needs, user types and domain constraints.

use super::*;

impl Reader {
    pub(super) fn type_names(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::TypeNames,
        };
        self.m.type_names.insert(
            r.get("oid")?,
            crate::typename::TypeName {
                schema: self.schema_of(&r, "schema")?,
                name: r.get("name")?,
                element: r.get("element")?,
                typmodout: r.get("typmodout")?,
                collation: r.get("collation")?,
                storage: r.get("storage")?,
            },
        );
        Ok(())
    }

    pub(super) fn types(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Types,
        };
        let oid: u32 = r.get("oid")?;
        let name = QualName::new(self.schema_of(&r, "schema")?, r.get::<String>("name")?);
        let typtype: String = r.get("typtype")?;
        let kind = match typtype.as_str() {
            "e" => TypeKind::Enum {
                labels: r.get::<Option<Vec<String>>>("labels")?.unwrap_or_default(),
            },
            "d" => TypeKind::Domain {
                base: r
                    .get::<Option<String>>("base")?
                    .ok_or_else(|| Error::Catalog {
                        kind: "domain",
                        name: name.to_string(),
                        reason: "no base type".into(),
                    })?,
                collation: self.qual_of(&r, "collation_schema", "collation_name")?,
                default: r.get("default_expr")?,
                not_null: r.get("not_null")?,
                constraints: BTreeMap::new(),
            },
            // Attributes are filled from the columns query.
            "c" => TypeKind::Composite {
                attributes: Vec::new(),
            },
            // What it is made of is read at the end (`ranges`), when there are range types.
            "r" => {
                self.m.unread_ranges.insert(oid, name.clone());
                TypeKind::Range {
                    subtype: String::new(),
                    subtype_opclass: None,
                    collation: None,
                    canonical: None,
                    subtype_diff: None,
                    multirange: None,
                }
            }
            "b" => {
                self.report("base type", name.to_string());
                return Ok(());
            }
            "p" => {
                self.report("shell type", name.to_string());
                return Ok(());
            }
            other => {
                return Err(Error::Catalog {
                    kind: "type",
                    name: name.to_string(),
                    reason: format!("unexpected typtype {other:?}"),
                })
            }
        };
        self.m.types.insert(oid, ObjectRef::Type(name.clone()));
        let array: u32 = r.get("typarray")?;
        if array != 0 {
            self.m.types.insert(array, ObjectRef::Type(name.clone()));
        }
        self.m.model_types.insert(oid, name.clone());
        let t = Type {
            name: name.clone(),
            kind,
            common: plumb_model::Common {
                owner: r.get("owner")?,
                comment: self.comment(self.cat.type_, oid, 0),
                grants: grants_if(r.get("has_acl")?),
                acl_order: Vec::new(),
            },
        };
        self.db.types.insert(name, t);
        Ok(())
    }

    pub(super) fn domain_constraints(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::DomainConstraints,
        };
        let typ: u32 = r.get("contypid")?;
        let Some(tname) = self.m.model_types.get(&typ).cloned() else {
            return Ok(());
        };
        let name: String = r.get("name")?;
        let oid: u32 = r.get("oid")?;
        self.m.constraints.insert(oid, ConOwner::Type(typ));
        if self.comment(self.cat.constraint, oid, 0).is_some() {
            self.report(
                "comment on domain constraint",
                format!("{} ON DOMAIN {tname}", quote_ident(&name)),
            );
        }
        let c = DomainConstraint {
            name: name.clone(),
            definition: r.get("definition")?,
            validated: r.get("validated")?,
        };
        if let Some(Type {
            kind: TypeKind::Domain { constraints, .. },
            ..
        }) = self.db.types.get_mut(&tname)
        {
            constraints.insert(name, c);
        }
        Ok(())
    }

    /// What the range types read are made of (`queries::ranges`), when there are any.
    pub(super) async fn ranges(&mut self, client: &Client) -> Result<bool, Error> {
        let pending = std::mem::take(&mut self.m.unread_ranges);
        if pending.is_empty() {
            return Ok(false);
        }
        let oids: Vec<u32> = pending.keys().copied().collect();
        let version = self.db.server_version.unwrap_or(0);
        let rows = rows_of(
            client,
            Step::Ranges,
            &queries::ranges(version),
            &[(&oids, PgType::OID_ARRAY)],
        )
        .await?;
        let mut read = BTreeSet::new();
        for row in &rows {
            let r = Rec {
                row,
                kind: Step::Ranges,
            };
            let oid: u32 = r.get("oid")?;
            let Some(name) = pending.get(&oid) else {
                continue;
            };
            let kind = TypeKind::Range {
                subtype: r
                    .get::<Option<String>>("subtype")?
                    .ok_or_else(|| Error::Catalog {
                        kind: "range type",
                        name: name.to_string(),
                        reason: "no subtype".into(),
                    })?,
                subtype_opclass: self
                    .qual_of(&r, "subtype_opclass_schema", "subtype_opclass_name")?
                    .map(|o| format!("{}.{}", self.quote(&o.schema), self.quote(&o.name))),
                collation: self.qual_of(&r, "range_collation_schema", "range_collation_name")?,
                canonical: r.get("canonical")?,
                subtype_diff: r.get("subtype_diff")?,
                multirange: self.qual_of(&r, "multirange_schema", "multirange_name")?,
            };
            if let Some(t) = self.db.types.get_mut(name) {
                t.kind = kind;
            }
            read.insert(oid);
        }
        if let Some((_, name)) = pending.iter().find(|(oid, _)| !read.contains(*oid)) {
            return Err(Error::Catalog {
                kind: "range type",
                name: name.to_string(),
                reason: "no pg_range row".into(),
            });
        }
        Ok(true)
    }

    /// `format_type(oid, typmod)`, written client-side (see `typename.rs`).
    pub(super) fn type_name(&self, oid: u32, typmod: i32) -> Option<String> {
        crate::typename::format_type(
            oid,
            typmod,
            self.db.server_version.unwrap_or(0),
            |oid| self.m.type_names.get(&oid),
            |ident| self.quote(ident),
        )
    }
}
