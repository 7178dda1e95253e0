//! Schemas, extensions and collations.

use super::*;

impl<'a> Differ<'a> {
    // ----- schemas, extensions, collations ------------------------------------------------------------

    pub(super) fn schemas(&mut self) {
        let (from, to) = (self.from, self.to);
        for (name, s) in &from.schemas {
            if !to.schemas.contains_key(name) {
                let obj = quote_ident(name);
                self.change(ObjectKind::Schema, &obj, Action::Drop);
                let h = vec![hz(HazardKind::DataLoss, format!("drops schema {obj}"))];
                self.op(
                    Key::Schema(name.clone()),
                    Action::Drop,
                    ObjectKind::Schema,
                    &obj,
                    vec![format!("DROP SCHEMA {obj};")],
                    h,
                    class::SCHEMA,
                    None,
                );
                self.seeds.insert(Key::Schema(s.name.clone()));
            }
        }
        for (name, s) in &to.schemas {
            let obj = quote_ident(name);
            let target = format!("SCHEMA {obj}");
            match from.schemas.get(name) {
                None => {
                    self.change(ObjectKind::Schema, &obj, Action::Create);
                    let mut sql = vec![format!("CREATE SCHEMA {obj};")];
                    self.create_extras(
                        &target,
                        Some((AclKind::Schema, &target)),
                        &s.common,
                        &mut sql,
                    );
                    self.op(
                        Key::Schema(name.clone()),
                        Action::Create,
                        ObjectKind::Schema,
                        &obj,
                        sql,
                        vec![],
                        class::SCHEMA,
                        None,
                    );
                }
                Some(f) => {
                    let key = Key::Schema(name.clone());
                    let (fc, tc) = public_schema_defaults(name, from, &f.common, to, &s.common);
                    self.common_alters(
                        &key,
                        ObjectKind::Schema,
                        &obj,
                        &target,
                        &target,
                        Some((AclKind::Schema, &target)),
                        &fc,
                        &tc,
                        None,
                    );
                }
            }
        }
    }

    pub(super) fn extensions(&mut self) {
        let (from, to) = (self.from, self.to);
        for name in from.extensions.keys() {
            if !to.extensions.contains_key(name) {
                let obj = quote_ident(name);
                self.change(ObjectKind::Extension, &obj, Action::Drop);
                let sql = vec![format!("DROP EXTENSION {obj};")];
                self.op(
                    Key::Extension(name.clone()),
                    Action::Drop,
                    ObjectKind::Extension,
                    &obj,
                    sql,
                    vec![],
                    class::EXTENSION,
                    None,
                );
            }
        }
        for (name, e) in &to.extensions {
            let obj = quote_ident(name);
            let key = Key::Extension(name.clone());
            match from.extensions.get(name) {
                None => {
                    self.change(ObjectKind::Extension, &obj, Action::Create);
                    let mut s = format!(
                        "CREATE EXTENSION IF NOT EXISTS {obj} WITH SCHEMA {}",
                        quote_ident(&e.schema)
                    );
                    if let Some(v) = &e.version {
                        s.push_str(&format!(" VERSION {}", quote_literal(v)));
                    }
                    s.push(';');
                    let mut sql = vec![s];
                    if let Some(c) = &e.comment {
                        sql.push(comment_sql(&format!("EXTENSION {obj}"), Some(c)));
                    }
                    self.op(
                        key,
                        Action::Create,
                        ObjectKind::Extension,
                        &obj,
                        sql,
                        vec![],
                        class::EXTENSION,
                        None,
                    );
                }
                Some(f) => {
                    if f.schema != e.schema {
                        self.change_attr(
                            ObjectKind::Extension,
                            &obj,
                            Attribute::Schema,
                            Some(f.schema.clone()),
                            Some(e.schema.clone()),
                        );
                        let sql = vec![format!(
                            "ALTER EXTENSION {obj} SET SCHEMA {};",
                            quote_ident(&e.schema)
                        )];
                        self.op(
                            key.clone(),
                            Action::Alter,
                            ObjectKind::Extension,
                            &obj,
                            sql,
                            vec![],
                            class::EXTENSION,
                            None,
                        );
                    }
                    if let (Some(a), Some(b)) = (&f.version, &e.version) {
                        if a != b {
                            self.change_attr(
                                ObjectKind::Extension,
                                &obj,
                                Attribute::Version,
                                Some(a.clone()),
                                Some(b.clone()),
                            );
                            let sql = vec![format!(
                                "ALTER EXTENSION {obj} UPDATE TO {};",
                                quote_literal(b)
                            )];
                            self.op(
                                key.clone(),
                                Action::Alter,
                                ObjectKind::Extension,
                                &obj,
                                sql,
                                vec![],
                                class::EXTENSION,
                                None,
                            );
                        }
                    }
                    if f.comment != e.comment {
                        self.change_attr(
                            ObjectKind::Extension,
                            &obj,
                            Attribute::Comment,
                            f.comment.clone(),
                            e.comment.clone(),
                        );
                        let sql = vec![comment_sql(
                            &format!("EXTENSION {obj}"),
                            e.comment.as_deref(),
                        )];
                        self.op(
                            key,
                            Action::Alter,
                            ObjectKind::Extension,
                            &obj,
                            sql,
                            vec![],
                            class::MISC,
                            None,
                        );
                    }
                }
            }
        }
    }

    pub(super) fn collations(&mut self) {
        let (from, to) = (self.from, self.to);
        for (name, f) in &from.collations {
            let t = to.collations.get(name);
            let differs = t.is_some_and(|t| {
                (
                    &t.provider,
                    &t.locale,
                    &t.lc_collate,
                    &t.lc_ctype,
                    t.deterministic,
                ) != (
                    &f.provider,
                    &f.locale,
                    &f.lc_collate,
                    &f.lc_ctype,
                    f.deterministic,
                )
            });
            if t.is_none() || differs {
                let obj = name.to_string();
                if t.is_none() {
                    self.change(ObjectKind::Collation, &obj, Action::Drop);
                } else {
                    self.change_attr(
                        ObjectKind::Collation,
                        &obj,
                        Attribute::Definition,
                        None,
                        None,
                    );
                }
                let sql = vec![format!("DROP COLLATION {obj};")];
                self.op(
                    Key::Collation(name.clone()),
                    Action::Drop,
                    ObjectKind::Collation,
                    &obj,
                    sql,
                    vec![],
                    class::COLLATION,
                    None,
                );
                self.seeds.insert(Key::Collation(name.clone()));
            }
        }
        for (name, c) in &to.collations {
            let obj = name.to_string();
            let key = Key::Collation(name.clone());
            let recreate = self
                .out
                .ops
                .iter()
                .any(|o| o.key == key && o.role == Action::Drop);
            match from.collations.get(name) {
                Some(f) if !recreate => {
                    self.common_alters(
                        &key,
                        ObjectKind::Collation,
                        &obj,
                        &format!("COLLATION {obj}"),
                        &format!("COLLATION {obj}"),
                        None,
                        &f.common,
                        &c.common,
                        None,
                    );
                }
                _ => {
                    if !recreate {
                        self.change(ObjectKind::Collation, &obj, Action::Create);
                    }
                    let provider = match c.provider.as_str() {
                        "i" => "icu",
                        "c" => "libc",
                        _ => "libc",
                    };
                    let mut parts = vec![format!("provider = {provider}")];
                    if let Some(l) = &c.locale {
                        parts.push(format!("locale = {}", quote_literal(l)));
                    }
                    if c.locale.is_none() || provider == "libc" {
                        if let Some(l) = &c.lc_collate {
                            parts.push(format!("lc_collate = {}", quote_literal(l)));
                        }
                        if let Some(l) = &c.lc_ctype {
                            parts.push(format!("lc_ctype = {}", quote_literal(l)));
                        }
                    }
                    if !c.deterministic {
                        parts.push("deterministic = false".to_string());
                    }
                    let mut sql = vec![format!("CREATE COLLATION {obj} ({});", parts.join(", "))];
                    self.create_extras(&format!("COLLATION {obj}"), None, &c.common, &mut sql);
                    self.op(
                        key,
                        Action::Create,
                        ObjectKind::Collation,
                        &obj,
                        sql,
                        vec![],
                        class::COLLATION,
                        None,
                    );
                }
            }
        }
    }
}
