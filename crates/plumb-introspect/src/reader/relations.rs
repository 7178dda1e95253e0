//! Rows of sequences, relations (tables, views, materialized views), inheritance and columns.

use super::*;

impl Reader {
    /// Names of these columns of a table, in order; expressions (attnum 0) are skipped.
    pub(super) fn column_names(&self, rel: u32, attnums: Option<Vec<i16>>) -> Vec<String> {
        attnums
            .unwrap_or_default()
            .into_iter()
            .filter_map(|n| self.m.columns.get(&(rel, n)).map(|c| c.name.clone()))
            .collect()
    }

    pub(super) fn sequences(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Sequences,
        };
        let oid: u32 = r.get("oid")?;
        let name = QualName::new(self.schema_of(&r, "schema")?, r.get::<String>("name")?);
        let options = SequenceOptions {
            data_type: r.get("data_type")?,
            start: r.get("start")?,
            increment: r.get("increment")?,
            min_value: r.get("min_value")?,
            max_value: r.get("max_value")?,
            cache: r.get("cache")?,
            cycle: r.get("cycle")?,
        };
        let deptype: Option<String> = r.get("deptype")?;
        let owner_rel: Option<u32> = r.get("owner_rel")?;
        let owner_attnum: Option<i16> = r.get("owner_attnum")?;
        if deptype.as_deref() == Some("i") {
            let (Some(rel), Some(att)) = (owner_rel, owner_attnum) else {
                return Err(Error::Catalog {
                    kind: "identity sequence",
                    name: name.to_string(),
                    reason: "no owning column".into(),
                });
            };
            self.m
                .identities
                .insert((rel, att), (name.clone(), options));
            self.m.rels.insert(oid, Rel::Sequence(name));
            return Ok(());
        }
        let owned_by = match (
            self.qual_of(&r, "owner_schema", "owner_table")?,
            r.get::<Option<String>>("owner_column")?,
        ) {
            (Some(table), Some(column)) => {
                self.m.owned_sequences.insert(oid);
                Some(ColumnRef { table, column })
            }
            _ => None,
        };
        self.m.rels.insert(oid, Rel::Sequence(name.clone()));
        let s = Sequence {
            name: name.clone(),
            options,
            owned_by,
            common: plumb_model::Common {
                owner: r.get("owner")?,
                comment: self.comment(self.cat.class, oid, 0),
                grants: grants_if(r.get("has_acl")?),
                acl_order: Vec::new(),
            },
        };
        self.db.sequences.insert(name, s);
        Ok(())
    }

    pub(super) fn relations(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Relations,
        };
        let oid: u32 = r.get("oid")?;
        let name = QualName::new(self.schema_of(&r, "schema")?, r.get::<String>("name")?);
        let relkind: String = r.get("relkind")?;
        let reltype: u32 = r.get("reltype")?;
        let reltype_array: Option<u32> = r.get("reltype_array")?;
        let common = plumb_model::Common {
            owner: r.get("owner")?,
            comment: self.comment(self.cat.class, oid, 0),
            grants: grants_if(r.get("has_acl")?),
            acl_order: Vec::new(),
        };
        let raw_options: Option<Vec<String>> = r.get("options")?;
        let as_ref = match relkind.as_str() {
            "r" | "p" => {
                let persistence = match r.get::<String>("persistence")?.as_str() {
                    "u" => Persistence::Unlogged,
                    _ => Persistence::Permanent,
                };
                // The parent is filled from pg_inherits.
                let partition_of =
                    r.get::<Option<String>>("partition_bound")?
                        .map(|bound| PartitionOf {
                            parent: QualName::default(),
                            bound,
                        });
                let replident: String = r.get("replident")?;
                let replica_identity = match replident.as_str() {
                    "d" => ReplicaIdentity::Default,
                    "n" => ReplicaIdentity::Nothing,
                    "f" => ReplicaIdentity::Full,
                    // an index that was dropped leaves 'i' behind, which then means nothing
                    "i" => match r.get::<Option<String>>("replident_index")? {
                        Some(i) => ReplicaIdentity::Index(i),
                        None => ReplicaIdentity::Nothing,
                    },
                    other => {
                        return Err(Error::Catalog {
                            kind: "table",
                            name: name.to_string(),
                            reason: format!("unexpected relreplident {other:?}"),
                        })
                    }
                };
                let t = Table {
                    name: name.clone(),
                    replica_identity,
                    persistence,
                    partition_by: r.get("partition_by")?,
                    partition_of,
                    of_type: self.qual_of(&r, "of_type_schema", "of_type_name")?,
                    rls_enabled: r.get("rls_enabled")?,
                    rls_forced: r.get("rls_forced")?,
                    // In the order PostgreSQL keeps them (the order given), so a dump writes them back
                    // as pg_dump does; the differ compares them as a set.
                    options: raw_options.unwrap_or_default(),
                    common,
                    ..Table::default()
                };
                self.db.tables.insert(name.clone(), t);
                self.m.rels.insert(oid, Rel::Table(name.clone()));
                ObjectRef::Relation(name)
            }
            "v" | "m" => {
                let definition =
                    r.get::<Option<String>>("view_definition")?
                        .ok_or_else(|| Error::Catalog {
                            kind: "view",
                            name: name.to_string(),
                            reason: "pg_get_viewdef returned nothing".into(),
                        })?;
                let v = View {
                    name: name.clone(),
                    kind: if relkind == "v" {
                        ViewKind::View
                    } else {
                        ViewKind::Materialized
                    },
                    definition,
                    columns: Vec::new(),
                    options: sorted_options(raw_options),
                    indexes: BTreeMap::new(),
                    triggers: BTreeMap::new(),
                    common,
                };
                self.db.views.insert(name.clone(), v);
                self.m.rels.insert(oid, Rel::View(name.clone()));
                ObjectRef::Relation(name)
            }
            "c" => {
                // The row of a stand-alone composite type: the type itself is read by the types query.
                let Some(ObjectRef::Type(tname)) = self.m.types.get(&reltype).cloned() else {
                    return Ok(());
                };
                self.m.rels.insert(oid, Rel::Composite(tname.clone()));
                return Ok(());
            }
            "f" => {
                self.report("foreign table", name.to_string());
                self.m.rels.insert(oid, Rel::Other);
                return Ok(());
            }
            other => {
                return Err(Error::Catalog {
                    kind: "relation",
                    name: name.to_string(),
                    reason: format!("unexpected relkind {other:?}"),
                })
            }
        };
        self.m.types.insert(reltype, as_ref.clone());
        if let Some(array) = reltype_array.filter(|a| *a != 0) {
            self.m.types.insert(array, as_ref);
        }
        Ok(())
    }

    pub(super) fn inherits(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Inheritance,
        };
        let child: u32 = r.get("child")?;
        let parent = QualName::new(
            self.schema_of(&r, "parent_schema")?,
            r.get::<String>("parent_name")?,
        );
        let Some(Rel::Table(name)) = self.m.rels.get(&child) else {
            self.m.index_parents.insert(child, parent);
            return Ok(());
        };
        let Some(t) = self.db.tables.get_mut(name) else {
            return Ok(());
        };
        match &mut t.partition_of {
            Some(p) => p.parent = parent,
            None => t.inherits.push(parent),
        }
        Ok(())
    }

    pub(super) fn columns(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Columns,
        };
        let rel: u32 = r.get("attrelid")?;
        if r.get::<bool>("of_index")? {
            self.m.index_options.insert(rel);
            return Ok(());
        }
        let attnum: i16 = r.get("attnum")?;
        let name: String = r.get("name")?;
        let type_oid: u32 = r.get("atttypid")?;
        let typmod: i32 = r.get("atttypmod")?;
        let comment = self.comment(self.cat.class, rel, i32::from(attnum));
        let collation_oid: u32 = r.get("attcollation")?;
        // The row types of relations, which `type_names` leaves out, are not collatable and are stored
        // `extended`.
        let (type_collation, type_storage) = match self.m.type_names.get(&type_oid) {
            Some(t) => (t.collation, t.storage.as_str()),
            None => (0, "x"),
        };
        let attstorage: String = r.get("storage")?;
        let storage_code = (attstorage != type_storage).then_some(attstorage);
        let collation_differs = collation_oid != type_collation;
        let collation = if collation_differs {
            self.m.collations.get(&collation_oid).cloned()
        } else {
            None
        };
        let col_info = |name: &str, pos: usize| ColInfo {
            name: name.to_string(),
            pos,
            type_oid,
            collation: collation_oid,
        };
        let Some(kind) = self.m.rels.get(&rel).cloned() else {
            return Ok(());
        };
        if matches!(kind, Rel::Sequence(_) | Rel::Index(_) | Rel::Other) {
            return Ok(());
        }
        // What the client cannot name is named by the server at the end (`column_names_late`).
        let type_name = self.type_name(type_oid, typmod).unwrap_or_default();
        let late = Unnamed {
            rel,
            column: name.clone(),
            type_name: type_name.is_empty().then_some((type_oid, typmod)),
            collation: (collation_differs && collation.is_none()).then_some(collation_oid),
        };
        if late.type_name.is_some() || late.collation.is_some() {
            self.m.unnamed_columns.push(late);
        }
        match kind {
            Rel::Table(tname) => {
                let Some(t) = self.db.tables.get_mut(&tname) else {
                    return Ok(());
                };
                let identity = match r.get::<String>("identity")?.as_str() {
                    "" => None,
                    code => {
                        let (seq, options) =
                            self.m.identities.remove(&(rel, attnum)).ok_or_else(|| {
                                Error::Catalog {
                                    kind: "identity column",
                                    name: format!("{tname}.{}", quote_ident(&name)),
                                    reason: "no identity sequence".into(),
                                }
                            })?;
                        Some(Box::new(Identity {
                            always: code == "a",
                            sequence: Some(seq),
                            options,
                        }))
                    }
                };
                let expr: Option<String> = r.get("default_expr")?;
                let generated_kind: String = r.get("generated")?;
                let (default, generated) = match generated_kind.as_str() {
                    "" => (expr, None),
                    _ => (None, expr),
                };
                let not_null_constraint = r
                    .get::<Option<String>>("not_null_name")?
                    .map(|name| -> Result<_, Error> {
                        Ok(Box::new(NotNullConstraint {
                            name,
                            no_inherit: r.get("not_null_no_inherit")?,
                            not_valid: r.get("not_null_not_valid")?,
                        }))
                    })
                    .transpose()?;
                if let Some(ad) = r.get::<Option<u32>>("attrdef")? {
                    self.m.attrdefs.insert(ad, (rel, attnum));
                }
                let compression: String = r.get("compression")?;
                let compression = match compression.as_str() {
                    "" => None,
                    "p" => Some("pglz".to_string()),
                    "l" => Some("lz4".to_string()),
                    other => {
                        return Err(Error::Catalog {
                            kind: "column compression",
                            name: format!("{tname}.{}", quote_ident(&name)),
                            reason: format!("unknown compression method code {other:?}"),
                        })
                    }
                };
                let statistics = Some(r.get::<i32>("stattarget")?).filter(|n| *n >= 0);
                let storage = match storage_code {
                    None => None,
                    Some(code) => {
                        Some(Storage::from_code(&code).ok_or_else(|| Error::Catalog {
                            kind: "column storage",
                            name: format!("{tname}.{}", quote_ident(&name)),
                            reason: format!("unknown storage code {code:?}"),
                        })?)
                    }
                };
                self.m
                    .columns
                    .insert((rel, attnum), col_info(&name, t.columns.len()));
                t.columns.push(Column {
                    name,
                    type_name,
                    collation,
                    not_null: r.get("not_null")?,
                    not_null_constraint,
                    default,
                    identity,
                    generated,
                    generated_virtual: generated_kind == "v",
                    is_local: r.get("is_local")?,
                    comment,
                    grants: BTreeSet::new(),
                    storage,
                    compression,
                    statistics,
                    options: column_options(r.get("options")?),
                });
            }
            Rel::View(vname) => {
                let Some(v) = self.db.views.get_mut(&vname) else {
                    return Ok(());
                };
                if r.get::<Option<u32>>("attrdef")?.is_some() {
                    self.db.unsupported.push(Unsupported {
                        kind: "view column default".into(),
                        name: format!("{vname}.{}", quote_ident(&name)),
                    });
                }
                self.m
                    .columns
                    .insert((rel, attnum), col_info(&name, v.columns.len()));
                v.columns.push(ViewColumn {
                    name,
                    type_name,
                    comment,
                });
            }
            Rel::Composite(tname) => {
                if comment.is_some() {
                    self.report(
                        "comment on type attribute",
                        format!("{tname}.{}", quote_ident(&name)),
                    );
                }
                if let Some(Type {
                    kind: TypeKind::Composite { attributes },
                    ..
                }) = self.db.types.get_mut(&tname)
                {
                    attributes.push(plumb_model::Attribute {
                        name,
                        type_name,
                        collation,
                    });
                }
            }
            Rel::Sequence(_) | Rel::Index(_) | Rel::Other => {}
        }
        Ok(())
    }

    /// The type names and collations of the columns the client could not name (see `queries::columns`), read
    /// from the server in one query each, when there are any.
    pub(super) async fn column_names_late(&mut self, client: &Client) -> Result<bool, Error> {
        let pending = std::mem::take(&mut self.m.unnamed_columns);
        if pending.is_empty() {
            return Ok(false);
        }
        let pairs: BTreeSet<(u32, i32)> = pending.iter().filter_map(|u| u.type_name).collect();
        let mut types = BTreeMap::new();
        if !pairs.is_empty() {
            let (oids, typmods): (Vec<u32>, Vec<i32>) = pairs.iter().copied().unzip();
            let rows = rows_of(
                client,
                Step::ColumnNames,
                queries::FORMAT_TYPES,
                &[(&oids, PgType::OID_ARRAY), (&typmods, PgType::INT4_ARRAY)],
            )
            .await?;
            for row in &rows {
                let r = Rec {
                    row,
                    kind: Step::ColumnNames,
                };
                types.insert(
                    (r.get::<u32>("oid")?, r.get::<i32>("typmod")?),
                    r.get::<String>("name")?,
                );
            }
        }
        let collation_oids: Vec<u32> = pending
            .iter()
            .filter_map(|u| u.collation)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut collations = BTreeMap::new();
        if !collation_oids.is_empty() {
            let rows = rows_of(
                client,
                Step::ColumnNames,
                queries::COLLATION_NAMES,
                &[(&collation_oids, PgType::OID_ARRAY)],
            )
            .await?;
            for row in &rows {
                let r = Rec {
                    row,
                    kind: Step::ColumnNames,
                };
                let name = QualName::new(self.schema_of(&r, "schema")?, r.get::<String>("name")?);
                collations.insert(r.get::<u32>("oid")?, name);
            }
        }
        for u in pending {
            let label = || format!("{}.{}", self.relation_label(u.rel), quote_ident(&u.column));
            let type_name = match u.type_name {
                Some(pair) => Some(types.get(&pair).cloned().ok_or_else(|| Error::Catalog {
                    kind: "column",
                    name: label(),
                    reason: format!("no name for type oid {} (typmod {})", pair.0, pair.1),
                })?),
                None => None,
            };
            let collation = match u.collation {
                Some(oid) => Some(
                    collations
                        .get(&oid)
                        .cloned()
                        .ok_or_else(|| Error::Catalog {
                            kind: "column",
                            name: label(),
                            reason: format!("collation oid {oid} not in pg_collation"),
                        })?,
                ),
                None => None,
            };
            let (slot_type, slot_collation) = match self.m.rels.get(&u.rel) {
                Some(Rel::Table(n)) => match self
                    .db
                    .tables
                    .get_mut(n)
                    .and_then(|t| t.columns.iter_mut().find(|c| c.name == u.column))
                {
                    Some(c) => (Some(&mut c.type_name), Some(&mut c.collation)),
                    None => (None, None),
                },
                Some(Rel::View(n)) => match self
                    .db
                    .views
                    .get_mut(n)
                    .and_then(|v| v.columns.iter_mut().find(|c| c.name == u.column))
                {
                    Some(c) => (Some(&mut c.type_name), None),
                    None => (None, None),
                },
                Some(Rel::Composite(n)) => match self.db.types.get_mut(n) {
                    Some(Type {
                        kind: TypeKind::Composite { attributes },
                        ..
                    }) => match attributes.iter_mut().find(|a| a.name == u.column) {
                        Some(a) => (Some(&mut a.type_name), Some(&mut a.collation)),
                        None => (None, None),
                    },
                    _ => (None, None),
                },
                _ => (None, None),
            };
            if let (Some(slot), Some(name)) = (slot_type, type_name) {
                *slot = name;
            }
            if let (Some(slot), Some(name)) = (slot_collation, collation) {
                *slot = Some(name);
            }
        }
        Ok(true)
    }

    /// A relation's name for messages (its oid when it is not one the model holds).
    pub(super) fn relation_label(&self, rel: u32) -> String {
        match self.m.rels.get(&rel) {
            Some(Rel::Table(n) | Rel::View(n) | Rel::Composite(n) | Rel::Sequence(n)) => {
                n.to_string()
            }
            _ => format!("relation {rel}"),
        }
    }
}
