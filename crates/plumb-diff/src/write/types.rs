//! Enums, domains, composites and ranges: created, altered in place, dropped, or rebuilt in one step with
//! their users converted (the types of `ChangeSet::retyped`).

use plumb_model::{quote_ident, quote_literal, AclKind, QualName, Type, TypeKind};

use super::Targets;
use crate::compare::{refs_any, type_kind, AttrDelta, ChangeSet, Obj, ObjDelta};
use crate::differ::{class, hz, Differ};
use crate::keys::Key;
use crate::{Action, Attribute, HazardKind, ObjectKind};

impl<'a> Differ<'a> {
    /// The rebuild step first, then the deltas in the change set's order.
    pub(crate) fn write_types(&mut self, cs: &ChangeSet<'a>) {
        self.retype(&cs.retyped);
        for d in &cs.deltas {
            let Obj::Type(delta) = &d.obj else { continue };
            match delta {
                ObjDelta::Drop(f) => self.drop_type(f),
                ObjDelta::Create(t) => self.create_type(t),
                ObjDelta::Alter { from, to, attrs } => self.alter_type(from, to, attrs),
            }
        }
    }

    fn create_type(&mut self, t: &Type) {
        let sql = self.create_type_sql(t);
        let kind = type_kind(t).0;
        self.op(
            Key::Type(t.name.clone()),
            Action::Create,
            kind,
            &t.name.to_string(),
            sql,
            vec![],
            class::TYPE,
            None,
        );
    }

    fn alter_type(&mut self, f: &Type, t: &Type, attrs: &[AttrDelta]) {
        let name = &t.name;
        let obj = name.to_string();
        let (kind, kw) = type_kind(t);
        let key = Key::Type(name.clone());
        let has = |attr| attrs.iter().any(|a: &AttrDelta| a.attr == attr);
        if has(Attribute::Definition) {
            if let Some(user) = self.type_user(name) {
                self.out.errors.push((
                    obj.clone(),
                    format!(
                        "its definition changes, which takes DROP TYPE and CREATE TYPE, but {user} uses it; \
                         change or drop that first"
                    ),
                ));
            }
        }
        if has(Attribute::Base) && self.retyped_set.contains(name) {
            return; // rebuilt with its users by `retype`
        }
        if has(Attribute::Definition) || has(Attribute::Base) {
            self.drop_type(f);
            self.create_type(t);
            return;
        }
        let mut sql = Vec::new();
        let mut hazards = Vec::new();
        let mut adds = Vec::new();
        for a in attrs {
            match (a.attr, &t.kind) {
                (Attribute::Labels, TypeKind::Enum { labels: b }) => {
                    if let TypeKind::Enum { labels: old } = &f.kind {
                        self.enum_change(t, old, b);
                    }
                }
                (Attribute::Default, _) => sql.push(match &a.to {
                    Some(d) => format!("ALTER DOMAIN {name} SET DEFAULT {d};"),
                    None => format!("ALTER DOMAIN {name} DROP DEFAULT;"),
                }),
                (Attribute::NotNull, TypeKind::Domain { not_null, .. }) => sql.push(format!(
                    "ALTER DOMAIN {name} {} NOT NULL;",
                    if *not_null { "SET" } else { "DROP" }
                )),
                (Attribute::Constraint, _) => {
                    let cn = a.item.as_deref().unwrap_or_default();
                    if a.from.is_some() {
                        sql.push(format!(
                            "ALTER DOMAIN {name} DROP CONSTRAINT {};",
                            quote_ident(cn)
                        ));
                    }
                    if let Some(def) = &a.to {
                        adds.push((cn, def));
                    }
                }
                (Attribute::Attribute, TypeKind::Composite { attributes: ta }) => {
                    match (&a.from, &a.to) {
                        (Some(gone), _) => {
                            sql.push(format!(
                                "ALTER TYPE {name} DROP ATTRIBUTE {};",
                                quote_ident(gone)
                            ));
                            hazards.push(hz(
                                HazardKind::DataLoss,
                                format!("drops attribute {}", quote_ident(gone)),
                            ));
                        }
                        (None, Some(new)) => {
                            if let Some(b) = ta.iter().find(|b| &b.name == new) {
                                sql.push(attribute_sql(name, "ADD", b, " "));
                            }
                        }
                        (None, None) => {}
                    }
                }
                (Attribute::AttributeType, TypeKind::Composite { attributes: ta }) => {
                    if let Some(b) = ta.iter().find(|b| Some(&b.name) == a.item.as_ref()) {
                        sql.push(attribute_sql(name, "ALTER", b, " TYPE "));
                        hazards.push(hz(HazardKind::DataLoss, "changes the type of an attribute"));
                    }
                }
                _ => {}
            }
        }
        // constraints added (new, or changed: dropped above) in name order
        adds.sort_by_key(|(cn, _)| *cn);
        for (cn, def) in adds {
            sql.push(format!(
                "ALTER DOMAIN {name} ADD CONSTRAINT {} {def};",
                quote_ident(cn)
            ));
        }
        // a domain over a rebuilt type is created anew from its new definition
        if !sql.is_empty() && !self.retyped_set.contains(name) {
            self.op(
                key.clone(),
                Action::Alter,
                kind,
                &obj,
                sql,
                hazards,
                class::TYPE,
                None,
            );
        }
        let (target, type_target) = (format!("{kw} {name}"), format!("TYPE {name}"));
        let targets = Targets::new(&target, Some(&type_target));
        self.write_common(&key, kind, &obj, &targets, attrs, None);
    }

    pub(crate) fn create_type_sql(&self, t: &Type) -> Vec<String> {
        let name = &t.name;
        let mut sql = Vec::new();
        match &t.kind {
            TypeKind::Enum { labels } => {
                let l: Vec<String> = labels.iter().map(|l| quote_literal(l)).collect();
                sql.push(format!("CREATE TYPE {name} AS ENUM ({});", l.join(", ")));
            }
            TypeKind::Domain {
                base,
                collation,
                default,
                not_null,
                constraints,
            } => {
                let mut s = format!("CREATE DOMAIN {name} AS {base}");
                if let Some(c) = collation {
                    s.push_str(&format!(" COLLATE {c}"));
                }
                if let Some(d) = default {
                    s.push_str(&format!(" DEFAULT {d}"));
                }
                if *not_null {
                    s.push_str(" NOT NULL");
                }
                for c in constraints.values().filter(|c| c.validated) {
                    s.push_str(&format!(
                        " CONSTRAINT {} {}",
                        quote_ident(&c.name),
                        c.definition
                    ));
                }
                s.push(';');
                sql.push(s);
                for c in constraints.values().filter(|c| !c.validated) {
                    sql.push(format!(
                        "ALTER DOMAIN {name} ADD CONSTRAINT {} {};",
                        quote_ident(&c.name),
                        c.definition
                    ));
                }
            }
            TypeKind::Composite { attributes } => {
                let a: Vec<String> = attributes
                    .iter()
                    .map(|a| {
                        let mut s = format!("{} {}", quote_ident(&a.name), a.type_name);
                        if let Some(c) = &a.collation {
                            s.push_str(&format!(" COLLATE {c}"));
                        }
                        s
                    })
                    .collect();
                sql.push(format!("CREATE TYPE {name} AS ({});", a.join(", ")));
            }
            TypeKind::Range {
                subtype,
                subtype_opclass,
                collation,
                canonical,
                subtype_diff,
                multirange,
            } => {
                let mut p = vec![format!("subtype = {subtype}")];
                if let Some(o) = subtype_opclass {
                    p.push(format!("subtype_opclass = {o}"));
                }
                if let Some(c) = collation {
                    p.push(format!("collation = {c}"));
                }
                if let Some(c) = canonical {
                    p.push(format!("canonical = {c}"));
                }
                if let Some(c) = subtype_diff {
                    p.push(format!("subtype_diff = {c}"));
                }
                if let Some(m) = multirange {
                    p.push(format!("multirange_type_name = {m}"));
                }
                sql.push(format!("CREATE TYPE {name} AS RANGE ({});", p.join(", ")));
            }
        }
        let (_, kw) = type_kind(t);
        let target = format!("{kw} {name}");
        self.create_extras(
            &target,
            Some((AclKind::Type, &format!("TYPE {name}"))),
            &t.common,
            &mut sql,
        );
        sql
    }

    /// True when a type name or SQL text names a type rebuilt by [`Self::retype`].
    pub(crate) fn refs_retyped(&self, text: &str) -> bool {
        refs_any(&self.retyped_set, text)
    }

    /// Something in `from` that would keep type `ty` from being dropped and that plumb cannot convert: a
    /// column, a typed table, a domain, a composite attribute or a range over it.
    pub(crate) fn type_user(&self, ty: &QualName) -> Option<String> {
        let from = self.from;
        let names = |text: &str| crate::keys::names_in(text).contains(ty);
        for (tn, t) in &from.tables {
            if t.of_type.as_ref() == Some(ty) {
                return Some(format!("typed table {tn}"));
            }
            for c in &t.columns {
                if names(&c.type_name) {
                    return Some(format!("column {tn}.{}", quote_ident(&c.name)));
                }
            }
        }
        for (n, t) in &from.types {
            if n == ty {
                continue;
            }
            match &t.kind {
                TypeKind::Domain { base, .. } if names(base) => {
                    return Some(format!("domain {n}"));
                }
                TypeKind::Composite { attributes } => {
                    if let Some(a) = attributes.iter().find(|a| names(&a.type_name)) {
                        return Some(format!(
                            "attribute {} of composite type {n}",
                            quote_ident(&a.name)
                        ));
                    }
                }
                TypeKind::Range { subtype, .. } if names(subtype) => {
                    return Some(format!("range type {n}"));
                }
                _ => {}
            }
        }
        None
    }

    /// Types that cannot be altered in place but whose users can be converted: enums that lose or reorder
    /// values, domains whose base type (or collation) changes, and the domains over either. One step renames
    /// each away, creates it anew, converts its users (composite attributes with `ALTER ATTRIBUTE`,
    /// columns with `ALTER COLUMN ... TYPE ... USING`), and drops the old types. Functions, views,
    /// constraints and indexes that name these types are dropped before the step and created after it (they
    /// are seeds of `rebuild_dependants`, or recreated by `alter_table`). What PostgreSQL cannot convert is
    /// reported as an error rather than planned as SQL that fails. `order`: `ChangeSet::retyped`.
    pub(crate) fn retype(&mut self, order: &[QualName]) {
        let (from, to) = (self.from, self.to);
        if order.is_empty() {
            return;
        }
        let set = self.retyped_set.clone();
        let first = order[0].clone();
        let obj = first.to_string();
        let mut errors: Vec<(String, String)> = Vec::new();
        let old_name = |q: &QualName| {
            let mut n = format!("{}__plumb_old", q.name);
            while n.len() > 63 {
                n.remove(0);
            }
            QualName::new(&q.schema, n)
        };
        let kw = |q: &QualName| match from.types.get(q).map(|t| &t.kind) {
            Some(TypeKind::Domain { .. }) => "DOMAIN",
            _ => "TYPE",
        };
        let mut sql = Vec::new();
        let mut also: Vec<Key> = Vec::new();
        let mut hazards = vec![hz(
            HazardKind::TableRewrite,
            format!(
                "rebuilds {} and rewrites every column of {}",
                order
                    .iter()
                    .map(|q| q.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                if order.len() == 1 {
                    "that type"
                } else {
                    "these types"
                }
            ),
        )];
        for q in order {
            let (Some(f), Some(t)) = (from.types.get(q), to.types.get(q)) else {
                continue;
            };
            sql.push(format!(
                "ALTER {} {q} RENAME TO {};",
                kw(q),
                quote_ident(&old_name(q).name)
            ));
            sql.extend(self.create_type_sql(t));
            if q != &first {
                also.push(Key::Type(q.clone()));
            }
            match (&f.kind, &t.kind) {
                (TypeKind::Enum { labels: a }, TypeKind::Enum { labels: b }) => {
                    let removed: Vec<String> = a
                        .iter()
                        .filter(|x| !b.contains(x))
                        .map(|x| quote_literal(x))
                        .collect();
                    if !removed.is_empty() {
                        hazards.push(hz(
                            HazardKind::DataLoss,
                            format!(
                                "removes enum value(s) {} of {q}: rows holding them make the conversion fail",
                                removed.join(", ")
                            ),
                        ));
                    }
                }
                (TypeKind::Domain { base: fb, .. }, TypeKind::Domain { base: tb, .. })
                    if fb != tb =>
                {
                    hazards.push(hz(
                        HazardKind::DataLoss,
                        format!("converting the values of domain {q} from {fb} to {tb} can fail or lose information"),
                    ));
                }
                _ => {}
            }
        }
        let names_set = |text: &str| {
            crate::keys::names_in(text)
                .into_iter()
                .find(|q| set.contains(q))
        };
        // ranges over a rebuilt type
        for (n, t) in &from.types {
            if let TypeKind::Range { subtype, .. } = &t.kind {
                if let Some(q) = names_set(subtype) {
                    errors.push((
                        n.to_string(),
                        format!("its subtype {q} is rebuilt, and a range type cannot be altered; drop the range type first"),
                    ));
                }
            }
        }
        // composite attributes
        for (n, f) in &from.types {
            let TypeKind::Composite { attributes: fa } = &f.kind else {
                continue;
            };
            let touched: Vec<_> = fa
                .iter()
                .filter(|a| names_set(&a.type_name).is_some())
                .collect();
            if touched.is_empty() {
                continue;
            }
            let Some(TypeKind::Composite { attributes: ta }) = to.types.get(n).map(|t| &t.kind)
            else {
                continue; // dropped, or replaced, before the rebuild
            };
            if let Some(user) = self.type_user(n) {
                errors.push((
                    n.to_string(),
                    format!(
                        "attribute {} has type {}, which is rebuilt, and {user} uses this composite type: \
                         PostgreSQL cannot convert the attribute of a composite type in use (ALTER TYPE ... \
                         ALTER ATTRIBUTE has no USING); change or drop that first",
                        quote_ident(&touched[0].name),
                        touched[0].type_name
                    ),
                ));
                continue;
            }
            for a in touched {
                let attr = quote_ident(&a.name);
                match ta.iter().find(|b| b.name == a.name) {
                    Some(b) => {
                        let mut st =
                            format!("ALTER TYPE {n} ALTER ATTRIBUTE {attr} TYPE {}", b.type_name);
                        if let Some(c) = &b.collation {
                            st.push_str(&format!(" COLLATE {c}"));
                        }
                        sql.push(st + ";");
                    }
                    None => sql.push(format!("ALTER TYPE {n} DROP ATTRIBUTE {attr};")),
                }
            }
            also.push(Key::Type(n.clone()));
        }
        // columns
        for (tn, ft) in &from.tables {
            let Some(tt) = to.tables.get(tn) else {
                continue;
            };
            if tt.partition_by != ft.partition_by {
                continue; // dropped and created again
            }
            if ft.of_type.as_ref().is_some_and(|o| set.contains(o)) {
                errors.push((
                    tn.to_string(),
                    "its type is rebuilt; a typed table cannot follow".to_string(),
                ));
            }
            for fc in &ft.columns {
                if !fc.is_local && (ft.partition_of.is_some() || !ft.inherits.is_empty()) {
                    continue; // converted with the parent
                }
                let Some(q) = names_set(&fc.type_name) else {
                    continue;
                };
                let Some(tc) = tt.column(&fc.name) else {
                    continue; // dropped before
                };
                let cobj = format!("{tn}.{}", quote_ident(&fc.name));
                if fc.generated.is_some() || tc.generated.is_some() {
                    errors.push((
                        cobj,
                        format!("a generated column of type {}, which is rebuilt: drop the column or its expression first", fc.type_name),
                    ));
                    continue;
                }
                let plain = q.to_string();
                let is_array = fc.type_name == format!("{plain}[]");
                if fc.type_name != plain && !is_array {
                    errors.push((
                        cobj,
                        format!("its type {} names {q}, which is rebuilt, in a way plumb cannot convert", fc.type_name),
                    ));
                    continue;
                }
                let col = quote_ident(&fc.name);
                if fc.default.is_some() && fc.identity.is_none() {
                    sql.push(format!("ALTER TABLE {tn} ALTER COLUMN {col} DROP DEFAULT;"));
                }
                // a domain whose base changes converts through its new base; anything else through text
                let via = match (
                    from.types.get(&q).map(|t| &t.kind),
                    to.types.get(&q).map(|t| &t.kind),
                ) {
                    (
                        Some(TypeKind::Domain { base: fb, .. }),
                        Some(TypeKind::Domain { base: tb, .. }),
                    ) if fb != tb && tc.type_name == fc.type_name && !self.is_enum_type(tb) => {
                        if is_array {
                            format!("{tb}[]")
                        } else {
                            tb.clone()
                        }
                    }
                    _ => "text".to_string(),
                };
                let mut st = format!("ALTER TABLE {tn} ALTER COLUMN {col} TYPE {} ", tc.type_name);
                if let Some(c) = &tc.collation {
                    st.push_str(&format!("COLLATE {c} "));
                }
                st.push_str(&format!("USING {col}::{via}::{};", tc.type_name));
                sql.push(st);
                if let Some(d) = &tc.default {
                    if tc.identity.is_none() {
                        sql.push(format!(
                            "ALTER TABLE {tn} ALTER COLUMN {col} SET DEFAULT {d};"
                        ));
                    }
                }
                also.push(Key::Column(tn.clone(), fc.name.clone()));
            }
        }
        for q in order.iter().rev() {
            sql.push(format!("DROP {} {};", kw(q), old_name(q)));
        }
        self.out.errors.extend(errors);
        let kind = if kw(&first) == "DOMAIN" {
            ObjectKind::Domain
        } else {
            ObjectKind::Type
        };
        let i = self.op(
            Key::Type(first.clone()),
            Action::Alter,
            kind,
            &obj,
            sql,
            hazards,
            class::TYPE,
            None,
        );
        self.out.ops[i].also = also.clone();
        self.seeds
            .extend(order.iter().map(|q| Key::Type(q.clone())));
        self.seeds.extend(also);
    }

    pub(crate) fn drop_type(&mut self, f: &Type) {
        let (kind, kw) = type_kind(f);
        let obj = f.name.to_string();
        let h = vec![hz(
            HazardKind::DataLoss,
            format!(
                "drops {} {obj}; columns of this type must be gone first",
                kind.as_str()
            ),
        )];
        self.op(
            Key::Type(f.name.clone()),
            Action::Drop,
            kind,
            &obj,
            vec![format!("DROP {kw} {obj};")],
            h,
            class::TYPE,
            None,
        );
        self.seeds.insert(Key::Type(f.name.clone()));
    }

    /// Values added (in an order compatible with the old one) become `ALTER TYPE ... ADD VALUE`; a removal
    /// or a reorder rebuilds the type, planned by [`Self::retype`].
    pub(crate) fn enum_change(&mut self, t: &Type, a: &[String], b: &[String]) {
        let name = &t.name;
        let obj = name.to_string();
        let key = Key::Type(name.clone());
        if !self.retyped_set.contains(name) {
            let mut sql = Vec::new();
            for (i, l) in b.iter().enumerate() {
                if a.contains(l) {
                    continue;
                }
                let place = if i > 0 {
                    format!(" AFTER {}", quote_literal(&b[i - 1]))
                } else if let Some(next) = b.iter().find(|x| a.contains(x)) {
                    format!(" BEFORE {}", quote_literal(next))
                } else {
                    String::new()
                };
                sql.push(format!(
                    "ALTER TYPE {name} ADD VALUE {}{place};",
                    quote_literal(l)
                ));
            }
            self.alter_op(key, ObjectKind::Type, &obj, sql, class::TYPE, None);
        }
    }

    pub(crate) fn is_enum_type(&self, type_name: &str) -> bool {
        let base = type_name.trim_end_matches("[]");
        let Ok(q) = base.parse::<QualName>() else {
            return false;
        };
        [self.from, self.to].iter().any(|db| {
            db.types
                .get(&q)
                .is_some_and(|t| matches!(t.kind, TypeKind::Enum { .. }))
        })
    }
}

/// `ALTER TYPE t ADD ATTRIBUTE a type` or `... ALTER ATTRIBUTE a TYPE type`, with its collation.
fn attribute_sql(name: &QualName, verb: &str, b: &plumb_model::Attribute, sep: &str) -> String {
    let mut s = format!(
        "ALTER TYPE {name} {verb} ATTRIBUTE {}{sep}{}",
        quote_ident(&b.name),
        b.type_name
    );
    if let Some(c) = &b.collation {
        s.push_str(&format!(" COLLATE {c}"));
    }
    s + ";"
}
