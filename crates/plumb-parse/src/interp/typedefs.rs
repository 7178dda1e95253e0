//! User-defined types: enums, domains, composites, ranges, collations (`CREATE TYPE`, `CREATE DOMAIN`, `ALTER TYPE`, `ALTER DOMAIN`, `DefineStmt`).

use super::*;

impl Interp {
    pub(super) fn check_new_type(&self, q: &QualName, loc: Loc) -> R<()> {
        if self.db.types.contains_key(q)
            || self.db.tables.contains_key(q)
            || self.db.views.contains_key(q)
        {
            return fail(format!("type \"{}\" already exists", q.name), loc);
        }
        Ok(())
    }

    pub(super) fn create_enum(&mut self, s: &protobuf::CreateEnumStmt) -> R<()> {
        let (schema, name) = self.name_from_list(&strs(&s.type_name), Loc::Statement)?;
        let q = self.new_name(&schema, &name, Loc::Statement)?;
        self.check_new_type(&q, Loc::Statement)?;
        let labels = s.vals.iter().filter_map(str_of).collect();
        self.db.types.insert(
            q.clone(),
            Type {
                name: q.clone(),
                kind: TypeKind::Enum { labels },
                common: Common {
                    grants: self.default_acl(AclKind::Type, Some(&q.schema), None),
                    ..Common::default()
                },
            },
        );
        Ok(())
    }

    pub(super) fn create_domain(&mut self, s: &protobuf::CreateDomainStmt) -> R<()> {
        let (schema, name) = self.name_from_list(&strs(&s.domainname), Loc::Statement)?;
        let q = self.new_name(&schema, &name, Loc::Statement)?;
        self.check_new_type(&q, Loc::Statement)?;
        let tn = s
            .type_name
            .as_ref()
            .ok_or_else(|| Fail::statement("domain without a type"))?;
        let base_ty = self.resolve_type(tn)?;
        let collation = s
            .coll_clause
            .as_ref()
            .map(|c| self.collation_name(&strs(&c.collname)));
        let mut default = None;
        let mut not_null = false;
        let mut constraints = BTreeMap::new();
        let value_col = [Column {
            name: "value".into(),
            type_name: base_ty.clone(),
            ..Column::default()
        }];
        for c in &s.constraints {
            let Some(N::Constraint(c)) = &c.node else {
                continue;
            };
            match c.contype() {
                ConstrType::ConstrNotnull => not_null = true,
                ConstrType::ConstrNull => not_null = false,
                ConstrType::ConstrDefault => {
                    if let Some(e) = c.raw_expr.as_deref() {
                        default = self.render_default(&value_col, e, &base_ty)?;
                    }
                }
                ConstrType::ConstrCheck => {
                    let e = c.raw_expr.as_deref().ok_or_else(|| {
                        Fail::new("CHECK without expression", Loc::at(c.location))
                    })?;
                    let text = self
                        .render_check(&value_col, e)?
                        .0
                        .replace("(value", "(VALUE")
                        .replace(" value", " VALUE");
                    let cname = if c.conname.is_empty() {
                        choose_name(&q.name, None, "check", |n| constraints.contains_key(n))
                    } else {
                        c.conname.clone()
                    };
                    constraints.insert(
                        cname.clone(),
                        DomainConstraint {
                            name: cname,
                            definition: text,
                            validated: !c.skip_validation,
                        },
                    );
                }
                _ => {}
            }
        }
        let kind = TypeKind::Domain {
            base: base_ty,
            collation,
            default,
            not_null,
            constraints,
        };
        self.db.types.insert(
            q.clone(),
            Type {
                name: q.clone(),
                kind,
                common: Common {
                    grants: self.default_acl(AclKind::Type, Some(&q.schema), None),
                    ..Common::default()
                },
            },
        );
        Ok(())
    }

    pub(super) fn collation_name(&self, names: &[String]) -> QualName {
        match names {
            [s, n] => QualName::new(s, n),
            [n] => self
                .lookup("", n, |q| {
                    self.db.collations.contains_key(q).then(|| q.clone())
                })
                .unwrap_or_else(|| QualName::new("pg_catalog", n)),
            _ => QualName::new("pg_catalog", names.join(".")),
        }
    }

    pub(super) fn create_composite(&mut self, s: &protobuf::CompositeTypeStmt) -> R<()> {
        let rv = s
            .typevar
            .as_ref()
            .ok_or_else(|| Fail::statement("type name missing"))?;
        let q = self.new_rel_name(rv)?;
        self.check_new_type(&q, Loc::at(rv.location))?;
        let mut attributes = Vec::new();
        for c in &s.coldeflist {
            let Some(N::ColumnDef(cd)) = &c.node else {
                continue;
            };
            let tn = cd
                .type_name
                .as_ref()
                .ok_or_else(|| Fail::new("attribute without a type", Loc::at(cd.location)))?;
            let type_name = self.resolve_type(tn)?;
            let collation = cd
                .coll_clause
                .as_ref()
                .map(|c| self.collation_name(&strs(&c.collname)));
            attributes.push(Attribute {
                name: cd.colname.clone(),
                type_name,
                collation,
            });
        }
        self.db.types.insert(
            q.clone(),
            Type {
                name: q.clone(),
                kind: TypeKind::Composite { attributes },
                common: Common {
                    grants: self.default_acl(AclKind::Type, Some(&q.schema), None),
                    ..Common::default()
                },
            },
        );
        Ok(())
    }

    pub(super) fn create_range(&mut self, s: &protobuf::CreateRangeStmt) -> R<()> {
        let (schema, name) = self.name_from_list(&strs(&s.type_name), Loc::Statement)?;
        let q = self.new_name(&schema, &name, Loc::Statement)?;
        self.check_new_type(&q, Loc::Statement)?;
        let mut subtype = None;
        let mut subtype_opclass = None;
        let mut collation = None;
        let mut canonical = None;
        let mut subtype_diff = None;
        let mut multirange = None;
        for d in def_elems(&s.params) {
            let arg = d.arg.as_deref();
            match d.defname.as_str() {
                "subtype" => {
                    if let Some(Node {
                        node: Some(N::TypeName(t)),
                    }) = arg
                    {
                        subtype = Some(self.resolve_type(t)?);
                    }
                }
                "subtype_opclass" => subtype_opclass = arg.and_then(str_of),
                "collation" => collation = arg.and_then(str_of).map(|c| self.collation_name(&[c])),
                "canonical" => canonical = arg.and_then(str_of),
                "subtype_diff" => subtype_diff = arg.and_then(str_of),
                "multirange_type_name" => {
                    multirange = arg.and_then(str_of).map(|m| QualName::new(&q.schema, m));
                }
                _ => {}
            }
        }
        let subtype =
            subtype.ok_or_else(|| Fail::statement("type attribute \"subtype\" is required"))?;
        // makeMultirangeTypeName: "range" in the name becomes "multirange", else "_multirange" is appended.
        let multirange = multirange.or_else(|| {
            let n = if q.name.contains("range") {
                q.name.replacen("range", "multirange", 1)
            } else {
                make_object_name(&q.name, None, Some("multirange"))
            };
            Some(QualName::new(&q.schema, n))
        });
        let kind = TypeKind::Range {
            subtype,
            subtype_opclass,
            collation,
            canonical,
            subtype_diff,
            multirange,
        };
        self.db.types.insert(
            q.clone(),
            Type {
                name: q.clone(),
                kind,
                common: Common {
                    grants: self.default_acl(AclKind::Type, Some(&q.schema), None),
                    ..Common::default()
                },
            },
        );
        Ok(())
    }
}

impl Interp {
    pub(super) fn type_q(&self, names: &[String], loc: Loc) -> R<QualName> {
        let (s, n) = self.name_from_list(names, loc)?;
        self.find_type(&s, &n)
            .ok_or_else(|| Fail::new(format!("type \"{}\" does not exist", names.join(".")), loc))
    }

    pub(super) fn alter_enum(&mut self, s: &protobuf::AlterEnumStmt) -> R<()> {
        let q = self.type_q(&strs(&s.type_name), Loc::Statement)?;
        let Some(Type {
            kind: TypeKind::Enum { labels },
            ..
        }) = self.db.types.get_mut(&q)
        else {
            return fail(format!("\"{}\" is not an enum", q.name), Loc::Statement);
        };
        if !s.old_val.is_empty() {
            let Some(l) = labels.iter_mut().find(|l| **l == s.old_val) else {
                return fail(
                    format!("\"{}\" is not an existing enum label", s.old_val),
                    Loc::Statement,
                );
            };
            *l = s.new_val.clone();
            return Ok(());
        }
        if labels.contains(&s.new_val) {
            if s.skip_if_new_val_exists {
                return Ok(());
            }
            return fail(
                format!("enum label \"{}\" already exists", s.new_val),
                Loc::Statement,
            );
        }
        if s.new_val_neighbor.is_empty() {
            labels.push(s.new_val.clone());
        } else {
            let Some(i) = labels.iter().position(|l| *l == s.new_val_neighbor) else {
                return fail(
                    format!("\"{}\" is not an existing enum label", s.new_val_neighbor),
                    Loc::Statement,
                );
            };
            labels.insert(
                if s.new_val_is_after { i + 1 } else { i },
                s.new_val.clone(),
            );
        }
        Ok(())
    }

    pub(super) fn alter_domain(&mut self, s: &protobuf::AlterDomainStmt) -> R<()> {
        let q = self.type_q(&strs(&s.type_name), Loc::Statement)?;
        let base_ty = match &self.db.types[&q].kind {
            TypeKind::Domain { base, .. } => base.clone(),
            _ => return fail(format!("\"{}\" is not a domain", q.name), Loc::Statement),
        };
        let value_col = [Column {
            name: "value".into(),
            type_name: base_ty.clone(),
            ..Column::default()
        }];
        let new_default = match (s.subtype.as_str(), s.def.as_deref()) {
            ("T", Some(e)) => self.render_default(&value_col, e, &base_ty)?,
            _ => None,
        };
        let new_check = match (
            s.subtype.as_str(),
            s.def.as_deref().and_then(|d| d.node.as_ref()),
        ) {
            ("C", Some(N::Constraint(c))) => {
                let e = c
                    .raw_expr
                    .as_deref()
                    .ok_or_else(|| Fail::statement("CHECK without expression"))?;
                let text = self
                    .render_check(&value_col, e)?
                    .0
                    .replace("(value", "(VALUE")
                    .replace(" value", " VALUE");
                Some((c.conname.clone(), text, !c.skip_validation))
            }
            _ => None,
        };
        let Some(Type {
            kind:
                TypeKind::Domain {
                    default,
                    not_null,
                    constraints,
                    ..
                },
            ..
        }) = self.db.types.get_mut(&q)
        else {
            return Ok(());
        };
        match s.subtype.as_str() {
            "T" => *default = new_default,
            "N" => *not_null = false,
            "O" => *not_null = true,
            "C" => {
                if let Some((name, text, valid)) = new_check {
                    let name = if name.is_empty() {
                        choose_name(&q.name, None, "check", |n| constraints.contains_key(n))
                    } else {
                        name
                    };
                    let definition = if valid {
                        text
                    } else {
                        format!("{text} NOT VALID")
                    };
                    constraints.insert(
                        name.clone(),
                        DomainConstraint {
                            name,
                            definition,
                            validated: valid,
                        },
                    );
                }
            }
            "X" if constraints.remove(&s.name).is_none() && !s.missing_ok => {
                return fail(
                    format!(
                        "constraint \"{}\" of domain \"{}\" does not exist",
                        s.name, q.name
                    ),
                    Loc::Statement,
                );
            }
            "V" => {
                if let Some(c) = constraints.get_mut(&s.name) {
                    c.validated = true;
                    c.definition = c.definition.trim_end_matches(" NOT VALID").to_string();
                }
            }
            _ => {}
        }
        Ok(())
    }
}

impl Interp {
    pub(super) fn define(&mut self, s: &protobuf::DefineStmt) -> R<()> {
        let names = strs(&s.defnames);
        match s.kind() {
            ObjectType::ObjectCollation => {
                let (sc, n) = self.name_from_list(&names, Loc::Statement)?;
                let q = self.new_name(&sc, &n, Loc::Statement)?;
                if self.db.collations.contains_key(&q) {
                    if s.if_not_exists {
                        return Ok(());
                    }
                    return fail(
                        format!("collation \"{}\" already exists", q.name),
                        Loc::Statement,
                    );
                }
                let mut c = Collation {
                    name: q.clone(),
                    provider: "c".into(),
                    deterministic: true,
                    ..Collation::default()
                };
                for d in def_elems(&s.definition) {
                    let v = d.arg.as_deref().and_then(str_of);
                    match d.defname.as_str() {
                        "provider" => c.provider = if v.as_deref() == Some("icu") { "i".into() } else { "c".into() },
                        "locale" => c.locale = v,
                        "lc_collate" => c.lc_collate = v,
                        "lc_ctype" => c.lc_ctype = v,
                        "deterministic" => c.deterministic = v.as_deref().is_none_or(|x| x == "true" || x == "on" || x == "1"),
                        "from" => match v.as_deref() {
                            Some(l @ ("C" | "POSIX")) => {
                                c.lc_collate = Some(l.into());
                                c.lc_ctype = Some(l.into());
                            }
                            _ => self.pending_warnings.push("CREATE COLLATION ... FROM: the copied settings are not known offline".into()),
                        },
                        _ => {}
                    }
                }
                if c.provider == "c" {
                    if let Some(l) = c.locale.take() {
                        c.lc_collate.get_or_insert(l.clone());
                        c.lc_ctype.get_or_insert(l);
                    }
                }
                self.db.collations.insert(q, c);
            }
            ObjectType::ObjectAggregate => self.unsupported("aggregate", names.join(".")),
            ObjectType::ObjectOperator => {
                // named as the catalog names it (`regoperator`): `public.~<<(text,text)`
                let name = match self.name_from_list(&names, Loc::Statement) {
                    Ok((sc, op)) => {
                        let arg = |key: &str| -> String {
                            def_elems(&s.definition)
                                .iter()
                                .find(|d| d.defname.eq_ignore_ascii_case(key))
                                .and_then(|d| {
                                    match d.arg.as_deref().and_then(|a| a.node.as_ref()) {
                                        Some(N::TypeName(tn)) => self.resolve_type(tn).ok(),
                                        _ => None,
                                    }
                                })
                                .unwrap_or_else(|| "NONE".into())
                        };
                        let (l, r) = (arg("leftarg"), arg("rightarg"));
                        format!("{}.{op}({l},{r})", quote_ident(&sc))
                    }
                    Err(_) => names.join("."),
                };
                self.unsupported("operator", name)
            }
            ObjectType::ObjectType => self.unsupported("base type", names.join(".")),
            ObjectType::ObjectTsconfiguration => {
                self.unsupported("text search configuration", names.join("."))
            }
            ObjectType::ObjectTsdictionary => {
                self.unsupported("text search dictionary", names.join("."))
            }
            ObjectType::ObjectTsparser => self.unsupported("text search parser", names.join(".")),
            ObjectType::ObjectTstemplate => {
                self.unsupported("text search template", names.join("."))
            }
            other => self.unsupported(
                &other
                    .as_str_name()
                    .trim_start_matches("OBJECT_")
                    .to_lowercase(),
                names.join("."),
            ),
        }
        Ok(())
    }
}
