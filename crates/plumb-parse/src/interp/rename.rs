//! `ALTER ... RENAME` and `ALTER ... SET SCHEMA`, with every text that names the object rewritten.

use super::*;

impl Interp {
    pub(super) fn rename(&mut self, s: &protobuf::RenameStmt) -> R<()> {
        let newname = truncate_ident(&s.newname);
        let obj = s.object.as_deref().map(obj_names).unwrap_or_default();
        match s.rename_type() {
            ObjectType::ObjectTable
            | ObjectType::ObjectView
            | ObjectType::ObjectMatview
            | ObjectType::ObjectSequence
            | ObjectType::ObjectIndex
            | ObjectType::ObjectForeignTable => {
                let rv = s
                    .relation
                    .as_ref()
                    .ok_or_else(|| Fail::statement("RENAME without a relation"))?;
                let Some(rel) = self.find_rel(&rv.schemaname, &rv.relname) else {
                    if s.missing_ok {
                        return Ok(());
                    }
                    return fail(
                        format!("relation \"{}\" does not exist", display_rv(rv)),
                        Loc::at(rv.location),
                    );
                };
                let (schema, old) = match &rel {
                    Rel::Table(q) | Rel::View(q) | Rel::Sequence(q) | Rel::Index(q, _) => {
                        (q.schema.clone(), q.clone())
                    }
                };
                let new = QualName::new(&schema, &newname);
                if self.relation_exists(&new) {
                    return fail(
                        format!("relation \"{newname}\" already exists"),
                        Loc::Statement,
                    );
                }
                match rel {
                    Rel::Table(_) => {
                        if let Some(mut t) = self.db.tables.remove(&old) {
                            t.name = new.clone();
                            self.db.tables.insert(new.clone(), t);
                        }
                        self.retarget_relation(&old, &new);
                    }
                    Rel::View(_) => {
                        if let Some(mut v) = self.db.views.remove(&old) {
                            v.name = new.clone();
                            self.db.views.insert(new.clone(), v);
                        }
                        if let Some(r) = self.view_reads.remove(&old) {
                            self.view_reads.insert(new.clone(), r);
                        }
                        self.retarget_relation(&old, &new);
                    }
                    Rel::Sequence(_) => {
                        if let Some(mut sq) = self.db.sequences.remove(&old) {
                            sq.name = new.clone();
                            self.db.sequences.insert(new.clone(), sq);
                        }
                        let from = quote_literal(&old.to_string());
                        let to = quote_literal(&new.to_string());
                        for t in self.db.tables.values_mut() {
                            for c in t.columns.iter_mut() {
                                if let Some(d) = &mut c.default {
                                    *d = d.replace(
                                        &format!("nextval({from}::regclass)"),
                                        &format!("nextval({to}::regclass)"),
                                    );
                                }
                            }
                        }
                    }
                    Rel::Index(_, owner) => {
                        self.index_owner.remove(&old);
                        self.index_owner.insert(new.clone(), owner.clone());
                        let oldi = old.name.clone();
                        let fix = |i: &mut Index| {
                            i.definition = i.definition.replacen(
                                &format!("INDEX {} ON", quote_ident(&oldi)),
                                &format!("INDEX {} ON", quote_ident(&newname)),
                                1,
                            );
                            i.name = newname.clone();
                        };
                        if let Some(t) = self.db.tables.get_mut(&owner) {
                            if t.replica_identity == ReplicaIdentity::Index(oldi.clone()) {
                                t.replica_identity = ReplicaIdentity::Index(newname.clone());
                            }
                            if let Some(mut i) = t.indexes.remove(&oldi) {
                                fix(&mut i);
                                // Renaming a constraint's index renames the constraint.
                                if let Some(cn) = i.constraint.clone() {
                                    if let Some(mut c) = t.constraints.remove(&cn) {
                                        c.name = newname.clone();
                                        t.constraints.insert(newname.clone(), c);
                                    }
                                    i.constraint = Some(newname.clone());
                                }
                                t.indexes.insert(newname.clone(), i);
                            }
                        } else if let Some(v) = self.db.views.get_mut(&owner) {
                            if let Some(mut i) = v.indexes.remove(&oldi) {
                                fix(&mut i);
                                v.indexes.insert(newname.clone(), i);
                            }
                        }
                    }
                }
            }
            ObjectType::ObjectColumn => {
                let rv = s
                    .relation
                    .as_ref()
                    .ok_or_else(|| Fail::statement("RENAME without a relation"))?;
                let q = self.table_or_view(rv)?;
                if let Some(t) = self.db.tables.get(&q) {
                    if t.column(&newname).is_some() {
                        return fail(
                            format!(
                                "column \"{newname}\" of relation \"{}\" already exists",
                                q.name
                            ),
                            Loc::Statement,
                        );
                    }
                    if t.column(&s.subname).is_none() {
                        return fail(
                            format!("column \"{}\" does not exist", s.subname),
                            Loc::Statement,
                        );
                    }
                }
                self.rename_column(&q, &s.subname, &newname);
            }
            ObjectType::ObjectTabconstraint => {
                let rv = s
                    .relation
                    .as_ref()
                    .ok_or_else(|| Fail::statement("RENAME without a relation"))?;
                let q = self.table(rv)?;
                let Some(t) = self.db.tables.get_mut(&q) else {
                    return Ok(());
                };
                let Some(mut c) = t.constraints.remove(&s.subname) else {
                    return fail(
                        format!(
                            "constraint \"{}\" for table \"{}\" does not exist",
                            s.subname, q.name
                        ),
                        Loc::Statement,
                    );
                };
                c.name = newname.clone();
                t.constraints.insert(newname.clone(), c);
                if t.replica_identity == ReplicaIdentity::Index(s.subname.clone()) {
                    t.replica_identity = ReplicaIdentity::Index(newname.clone());
                }
                if let Some(mut i) = t.indexes.remove(&s.subname) {
                    i.definition = i.definition.replacen(
                        &format!("INDEX {} ON", quote_ident(&s.subname)),
                        &format!("INDEX {} ON", quote_ident(&newname)),
                        1,
                    );
                    i.name = newname.clone();
                    i.constraint = Some(newname.clone());
                    t.indexes.insert(newname.clone(), i);
                    self.index_owner
                        .remove(&QualName::new(&q.schema, &s.subname));
                    self.index_owner
                        .insert(QualName::new(&q.schema, &newname), q.clone());
                }
                self.remove_con_name(&q.schema, &s.subname);
                self.add_con_name(&q.schema, &newname);
            }
            ObjectType::ObjectTrigger => {
                let rv = s
                    .relation
                    .as_ref()
                    .ok_or_else(|| Fail::statement("RENAME without a relation"))?;
                let q = self.table_or_view(rv)?;
                let Some(t) = self.db.tables.get_mut(&q) else {
                    return Ok(());
                };
                let Some(mut tr) = t.triggers.remove(&s.subname) else {
                    return fail(
                        format!(
                            "trigger \"{}\" for table \"{}\" does not exist",
                            s.subname, q.name
                        ),
                        Loc::Statement,
                    );
                };
                tr.definition = tr.definition.replacen(
                    &format!("TRIGGER {} ", quote_ident(&s.subname)),
                    &format!("TRIGGER {} ", quote_ident(&newname)),
                    1,
                );
                tr.name = newname.clone();
                t.triggers.insert(newname, tr);
            }
            ObjectType::ObjectPolicy => {
                let rv = s
                    .relation
                    .as_ref()
                    .ok_or_else(|| Fail::statement("RENAME without a relation"))?;
                let q = self.table(rv)?;
                let Some(t) = self.db.tables.get_mut(&q) else {
                    return Ok(());
                };
                let Some(mut p) = t.policies.remove(&s.subname) else {
                    return fail(
                        format!(
                            "policy \"{}\" for table \"{}\" does not exist",
                            s.subname, q.name
                        ),
                        Loc::Statement,
                    );
                };
                p.name = newname.clone();
                t.policies.insert(newname, p);
            }
            ObjectType::ObjectEventTrigger => {
                let old = obj.join(".");
                let Some(mut e) = self.db.event_triggers.remove(&old) else {
                    return fail(
                        format!("event trigger \"{old}\" does not exist"),
                        Loc::Statement,
                    );
                };
                if self.db.event_triggers.contains_key(&newname) {
                    return fail(
                        format!("event trigger \"{newname}\" already exists"),
                        Loc::Statement,
                    );
                }
                e.name = newname.clone();
                self.db.event_triggers.insert(newname, e);
            }
            ObjectType::ObjectSchema => {
                let old = s.subname.clone();
                if !self.db.schemas.contains_key(&old) {
                    return fail(format!("schema \"{old}\" does not exist"), Loc::Statement);
                }
                if self.db.schemas.contains_key(&newname) {
                    return fail(
                        format!("schema \"{newname}\" already exists"),
                        Loc::Statement,
                    );
                }

                self.db.rename_schema(&old, &newname);
                self.rename_schema_in_state(&old, &newname);
                self.parents = self
                    .db
                    .tables
                    .values()
                    .flat_map(|t| {
                        t.inherits
                            .iter()
                            .chain(t.partition_of.as_ref().map(|p| &p.parent))
                    })
                    .cloned()
                    .collect();
                for p in self.search_path.iter_mut() {
                    if *p == old {
                        *p = newname.clone();
                    }
                }
            }
            ObjectType::ObjectType | ObjectType::ObjectDomain => {
                let q = self.type_q(&obj, Loc::Statement)?;
                let new = QualName::new(&q.schema, &newname);
                if self.db.types.contains_key(&new) {
                    return fail(format!("type \"{newname}\" already exists"), Loc::Statement);
                }
                if let Some(mut t) = self.db.types.remove(&q) {
                    t.name = new.clone();
                    self.db.types.insert(new.clone(), t);
                }
                let (from, to) = (q.to_string(), new.to_string());
                for t in self.db.tables.values_mut() {
                    for c in t.columns.iter_mut() {
                        if c.type_name.trim_end_matches("[]") == from {
                            c.type_name = c.type_name.replacen(&from, &to, 1);
                        }
                        if let Some(d) = &mut c.default {
                            *d = d.replace(&format!("::{from}"), &format!("::{to}"));
                        }
                    }
                }
            }
            ObjectType::ObjectFunction
            | ObjectType::ObjectProcedure
            | ObjectType::ObjectRoutine => {
                let Some(Node {
                    node: Some(N::ObjectWithArgs(owa)),
                }) = s.object.as_deref()
                else {
                    return Ok(());
                };
                let args = if owa.args_unspecified {
                    None
                } else {
                    Some(owa.objargs.as_slice())
                };
                let id = self.function_by_names(&strs(&owa.objname), args, Loc::Statement)?;
                if let Some(mut f) = self.db.functions.remove(&id) {
                    let new = FunctionId::new(&id.schema, &newname, &id.args);
                    f.definition = f.definition.replacen(
                        &format!("{}(", id.qual_name()),
                        &format!("{}(", new.qual_name()),
                        1,
                    );
                    f.id = new.clone();
                    for e in self.db.event_triggers.values_mut() {
                        if e.function == id {
                            e.function = new.clone();
                        }
                    }
                    self.db.functions.insert(new, f);
                }
            }
            ObjectType::ObjectAttribute => {
                let rv = s
                    .relation
                    .as_ref()
                    .ok_or_else(|| Fail::statement("RENAME without a type"))?;
                let q = self.type_q(
                    &[rv.schemaname.clone(), rv.relname.clone()]
                        .into_iter()
                        .filter(|x| !x.is_empty())
                        .collect::<Vec<_>>(),
                    Loc::Statement,
                )?;
                if let Some(Type {
                    kind: TypeKind::Composite { attributes },
                    ..
                }) = self.db.types.get_mut(&q)
                {
                    if let Some(a) = attributes.iter_mut().find(|a| a.name == s.subname) {
                        a.name = newname;
                    }
                }
            }
            other => self.warn(format!(
                "RENAME of {}: not modelled, ignored",
                other.as_str_name()
            )),
        }
        Ok(())
    }

    /// After a relation is renamed: references to it in other objects follow.
    pub(super) fn retarget_relation(&mut self, old: &QualName, new: &QualName) {
        if self.parents.contains(old) {
            self.parents.insert(new.clone());
        }
        let (from, to) = (old.to_string(), new.to_string());
        for t in self.db.tables.values_mut() {
            for c in t.constraints.values_mut() {
                if c.references.as_ref() == Some(old) {
                    c.references = Some(new.clone());
                    c.definition = c
                        .definition
                        .replace(&format!("REFERENCES {from}("), &format!("REFERENCES {to}("));
                }
            }
            if let Some(p) = &mut t.partition_of {
                if &p.parent == old {
                    p.parent = new.clone();
                }
            }
            for i in t.inherits.iter_mut() {
                if i == old {
                    *i = new.clone();
                }
            }
            if &t.name == new {
                for i in t.indexes.values_mut() {
                    i.definition = i
                        .definition
                        .replacen(&format!(" ON {from} "), &format!(" ON {to} "), 1)
                        .replacen(&format!(" ON ONLY {from} "), &format!(" ON ONLY {to} "), 1);
                }
                for tr in t.triggers.values_mut() {
                    tr.definition =
                        tr.definition
                            .replacen(&format!(" ON {from} "), &format!(" ON {to} "), 1);
                }
            }
        }
        for sq in self.db.sequences.values_mut() {
            if let Some(o) = &mut sq.owned_by {
                if &o.table == old {
                    o.table = new.clone();
                }
            }
        }
        for v in self.db.views.values_mut() {
            if &v.name == new {
                for i in v.indexes.values_mut() {
                    i.definition =
                        i.definition
                            .replacen(&format!(" ON {from} "), &format!(" ON {to} "), 1);
                }
            }
        }
        for r in self.view_reads.values_mut() {
            if r.remove(old) {
                r.insert(new.clone());
            }
        }
        for o in self.index_owner.values_mut() {
            if o == old {
                *o = new.clone();
            }
        }
    }

    pub(super) fn rename_column(&mut self, q: &QualName, old: &str, new: &str) {
        let (qo, qn) = (quote_ident(old), quote_ident(new));
        let swap = |s: &str| -> String {
            // Replace the identifier where it stands alone.
            let mut out = String::new();
            let mut rest = s;
            while let Some(i) = rest.find(&qo) {
                let before = rest[..i].chars().last();
                let after = rest[i + qo.len()..].chars().next();
                let ident = |c: Option<char>| {
                    c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '"' || c == '$')
                };
                out.push_str(&rest[..i]);
                if !ident(before) && !ident(after) && before != Some('\'') {
                    out.push_str(&qn);
                } else {
                    out.push_str(&qo);
                }
                rest = &rest[i + qo.len()..];
            }
            out.push_str(rest);
            out
        };
        if let Some(t) = self.db.tables.get_mut(q) {
            for c in t.columns.iter_mut() {
                if c.name == old {
                    c.name = new.to_string();
                }
            }
            for c in t.constraints.values_mut() {
                for k in c.columns.iter_mut() {
                    if k == old {
                        *k = new.to_string();
                    }
                }
                c.definition = match c.definition.split_once(" REFERENCES ") {
                    Some((a, b)) => format!("{} REFERENCES {b}", swap(a)),
                    None => swap(&c.definition),
                };
            }
            for i in t.indexes.values_mut() {
                for k in i.columns.iter_mut() {
                    if k == old {
                        *k = new.to_string();
                    }
                }
                if let Some((head, tail)) = i.definition.split_once(" USING ") {
                    i.definition = format!("{head} USING {}", swap(tail));
                }
            }
        }
        if let Some(v) = self.db.views.get_mut(q) {
            for c in v.columns.iter_mut() {
                if c.name == old {
                    c.name = new.to_string();
                }
            }
        }
        // Foreign keys elsewhere that reference the column.
        let from = format!("REFERENCES {q}(");
        for t in self.db.tables.values_mut() {
            for c in t.constraints.values_mut() {
                if c.references.as_ref() == Some(q) {
                    if let Some((a, b)) = c.definition.split_once(&from) {
                        if let Some((cols, rest)) = b.split_once(')') {
                            c.definition = format!("{a}{from}{}){rest}", swap(cols));
                        }
                    }
                }
            }
        }
        for sq in self.db.sequences.values_mut() {
            if let Some(o) = &mut sq.owned_by {
                if &o.table == q && o.column == old {
                    o.column = new.to_string();
                }
            }
        }
    }
}

impl Interp {
    pub(super) fn set_schema(&mut self, s: &protobuf::AlterObjectSchemaStmt) -> R<()> {
        let ns = s.newschema.clone();
        if !self.db.schemas.contains_key(&ns) {
            return fail(format!("schema \"{ns}\" does not exist"), Loc::Statement);
        }
        match s.object_type() {
            ObjectType::ObjectTable
            | ObjectType::ObjectView
            | ObjectType::ObjectMatview
            | ObjectType::ObjectSequence => {
                let rv = s
                    .relation
                    .as_ref()
                    .ok_or_else(|| Fail::statement("SET SCHEMA without a relation"))?;
                let Some(rel) = self.find_rel(&rv.schemaname, &rv.relname) else {
                    if s.missing_ok {
                        return Ok(());
                    }
                    return fail(
                        format!("relation \"{}\" does not exist", display_rv(rv)),
                        Loc::at(rv.location),
                    );
                };
                match rel {
                    Rel::Table(q) => {
                        let new = QualName::new(&ns, &q.name);
                        if let Some(mut t) = self.db.tables.remove(&q) {
                            t.name = new.clone();
                            let idx: Vec<String> = t.indexes.keys().cloned().collect();
                            for i in idx {
                                self.index_owner.remove(&QualName::new(&q.schema, &i));
                                self.index_owner.insert(QualName::new(&ns, &i), new.clone());
                            }
                            self.db.tables.insert(new.clone(), t);
                        }
                        self.retarget_relation(&q, &new);
                        let owned: Vec<QualName> = self
                            .db
                            .sequences
                            .values()
                            .filter(|x| x.owned_by.as_ref().is_some_and(|o| o.table == new))
                            .map(|x| x.name.clone())
                            .collect();
                        for sq in owned {
                            if let Some(mut x) = self.db.sequences.remove(&sq) {
                                x.name = QualName::new(&ns, &sq.name);
                                self.db.sequences.insert(x.name.clone(), x);
                            }
                        }
                    }
                    Rel::View(q) => {
                        let new = QualName::new(&ns, &q.name);
                        if let Some(mut v) = self.db.views.remove(&q) {
                            v.name = new.clone();
                            self.db.views.insert(new.clone(), v);
                        }
                        self.retarget_relation(&q, &new);
                    }
                    Rel::Sequence(q) => {
                        if let Some(mut x) = self.db.sequences.remove(&q) {
                            x.name = QualName::new(&ns, &q.name);
                            self.db.sequences.insert(x.name.clone(), x);
                        }
                    }
                    Rel::Index(..) => {}
                }
            }
            ObjectType::ObjectType | ObjectType::ObjectDomain => {
                let q = self.type_q(
                    &s.object.as_deref().map(obj_names).unwrap_or_default(),
                    Loc::Statement,
                )?;
                if let Some(mut t) = self.db.types.remove(&q) {
                    t.name = QualName::new(&ns, &q.name);
                    self.db.types.insert(t.name.clone(), t);
                }
            }
            ObjectType::ObjectFunction | ObjectType::ObjectProcedure => {
                let Some(Node {
                    node: Some(N::ObjectWithArgs(owa)),
                }) = s.object.as_deref()
                else {
                    return Ok(());
                };
                let args = if owa.args_unspecified {
                    None
                } else {
                    Some(owa.objargs.as_slice())
                };
                let id = self.function_by_names(&strs(&owa.objname), args, Loc::Statement)?;
                if let Some(mut f) = self.db.functions.remove(&id) {
                    let new = FunctionId::new(&ns, &id.name, &id.args);
                    f.definition = f.definition.replacen(
                        &format!("{}(", id.qual_name()),
                        &format!("{}(", new.qual_name()),
                        1,
                    );
                    f.id = new.clone();
                    for e in self.db.event_triggers.values_mut() {
                        if e.function == id {
                            e.function = new.clone();
                        }
                    }
                    self.db.functions.insert(new, f);
                }
            }
            ObjectType::ObjectExtension => {
                let n = s
                    .object
                    .as_deref()
                    .map(obj_names)
                    .unwrap_or_default()
                    .join(".");
                if let Some(e) = self.db.extensions.get_mut(&n) {
                    e.schema = ns;
                }
            }
            other => self.warn(format!(
                "SET SCHEMA on {}: not modelled",
                other.as_str_name()
            )),
        }
        Ok(())
    }
}

impl Interp {
    /// The schema rename of the model ([`Database::rename_schema`]) in the names the interpreter keeps beside
    /// it: index owners, what views and SQL-standard function bodies use, constraint names per schema.
    fn rename_schema_in_state(&mut self, old: &str, new: &str) {
        let mut r = SchemaRename { old, new };
        let mut qual = |mut q: QualName| {
            r.qual_name(&mut q);
            q
        };
        self.index_owner = std::mem::take(&mut self.index_owner)
            .into_iter()
            .map(|(k, v)| (qual(k), qual(v)))
            .collect();
        self.view_reads = std::mem::take(&mut self.view_reads)
            .into_iter()
            .map(|(k, v)| (qual(k), v.into_iter().map(&mut qual).collect()))
            .collect();
        let mut r = SchemaRename { old, new };
        let mut column = |mut c: ColumnRef| {
            r.column_ref(&mut c);
            c
        };
        let mut r = SchemaRename { old, new };
        let mut object = |mut o: ObjectRef| {
            r.object_ref(&mut o);
            o
        };
        self.view_uses = std::mem::take(&mut self.view_uses)
            .into_iter()
            .map(|(k, (cols, other))| {
                let cols = cols.into_iter().map(&mut column).collect();
                (
                    qual(k),
                    (cols, other.into_iter().map(&mut object).collect()),
                )
            })
            .collect();
        let mut r = SchemaRename { old, new };
        self.function_uses = std::mem::take(&mut self.function_uses)
            .into_iter()
            .map(|(mut id, (rels, cols, other))| {
                r.function_id(&mut id);
                let rels = rels.into_iter().map(&mut qual).collect();
                let cols = cols.into_iter().map(&mut column).collect();
                (
                    id,
                    (rels, cols, other.into_iter().map(&mut object).collect()),
                )
            })
            .collect();
        if let Some(names) = self.cons.remove(old) {
            self.cons.insert(new.to_string(), names);
        }
    }
}
