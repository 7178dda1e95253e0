//! Schemas, extensions and collations.

use plumb_model::{quote_ident, quote_literal, AclKind, Collation};

use super::{family, Targets};
use crate::compare::{ChangeSet, Obj, ObjDelta};
use crate::differ::{class, comment_sql, hz, Differ};
use crate::keys::Key;
use crate::{Action, Attribute, HazardKind, ObjectKind};

impl<'a> Differ<'a> {
    pub(crate) fn write_schemas(&mut self, cs: &ChangeSet<'a>) {
        let deltas = family(cs, |d| match &d.obj {
            Obj::Schema(s) => Some(s),
            _ => None,
        });
        for (d, s) in deltas {
            let obj = &d.object;
            let target = format!("SCHEMA {obj}");
            match s {
                ObjDelta::Drop(s) => {
                    let h = vec![hz(HazardKind::DataLoss, format!("drops schema {obj}"))];
                    self.op(
                        Key::Schema(s.name.clone()),
                        Action::Drop,
                        ObjectKind::Schema,
                        obj,
                        vec![format!("DROP SCHEMA {obj};")],
                        h,
                        class::SCHEMA,
                        None,
                    );
                    self.seeds.insert(Key::Schema(s.name.clone()));
                }
                ObjDelta::Create(s) => {
                    let mut sql = vec![format!("CREATE SCHEMA {obj};")];
                    self.create_extras(
                        &target,
                        Some((AclKind::Schema, &target)),
                        &s.common,
                        &mut sql,
                    );
                    self.op(
                        Key::Schema(s.name.clone()),
                        Action::Create,
                        ObjectKind::Schema,
                        obj,
                        sql,
                        vec![],
                        class::SCHEMA,
                        None,
                    );
                }
                ObjDelta::Alter { to, attrs, .. } => {
                    let key = Key::Schema(to.name.clone());
                    let targets = Targets::new(&target, Some(&target));
                    self.write_common(&key, ObjectKind::Schema, obj, &targets, attrs, None);
                }
            }
        }
    }

    pub(crate) fn write_extensions(&mut self, cs: &ChangeSet<'a>) {
        let deltas = family(cs, |d| match &d.obj {
            Obj::Extension(e) => Some(e),
            _ => None,
        });
        for (d, e) in deltas {
            let obj = &d.object;
            let (role, sql, class) = match e {
                ObjDelta::Drop(_) => (
                    Action::Drop,
                    vec![format!("DROP EXTENSION {obj};")],
                    class::EXTENSION,
                ),
                ObjDelta::Create(e) => {
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
                    (Action::Create, sql, class::EXTENSION)
                }
                ObjDelta::Alter { to, attrs, .. } => {
                    for a in attrs {
                        let (sql, class) = match a.attr {
                            Attribute::Schema => (
                                format!(
                                    "ALTER EXTENSION {obj} SET SCHEMA {};",
                                    quote_ident(&to.schema)
                                ),
                                class::EXTENSION,
                            ),
                            Attribute::Version => (
                                format!(
                                    "ALTER EXTENSION {obj} UPDATE TO {};",
                                    quote_literal(a.to.as_deref().unwrap_or_default())
                                ),
                                class::EXTENSION,
                            ),
                            _ => (
                                comment_sql(&format!("EXTENSION {obj}"), to.comment.as_deref()),
                                class::MISC,
                            ),
                        };
                        self.alter_op(
                            Key::Extension(to.name.clone()),
                            ObjectKind::Extension,
                            obj,
                            vec![sql],
                            class,
                            None,
                        );
                    }
                    continue;
                }
            };
            let name = match e {
                ObjDelta::Drop(x) | ObjDelta::Create(x) | ObjDelta::Alter { to: x, .. } => &x.name,
            };
            self.op(
                Key::Extension(name.clone()),
                role,
                ObjectKind::Extension,
                obj,
                sql,
                vec![],
                class,
                None,
            );
        }
    }

    /// Drops (with the collations whose definition changes) in the change set's order, then creates and
    /// alters by name.
    pub(crate) fn write_collations(&mut self, cs: &ChangeSet<'a>) {
        let deltas: Vec<_> = family(cs, |d| match &d.obj {
            Obj::Collation(c) => Some(c),
            _ => None,
        })
        .collect();
        let redefined = |c: &ObjDelta<'a, Collation>| match c {
            ObjDelta::Alter { attrs, .. } => attrs.iter().any(|a| a.attr == Attribute::Definition),
            _ => false,
        };
        for &(d, c) in &deltas {
            let f = match c {
                ObjDelta::Drop(f) => f,
                ObjDelta::Alter { from, .. } if redefined(c) => from,
                _ => continue,
            };
            let key = Key::Collation(f.name.clone());
            self.op(
                key.clone(),
                Action::Drop,
                ObjectKind::Collation,
                &d.object,
                vec![format!("DROP COLLATION {};", d.object)],
                vec![],
                class::COLLATION,
                None,
            );
            self.seeds.insert(key);
        }
        let mut kept: Vec<_> = deltas
            .into_iter()
            .filter(|(_, c)| !matches!(c, ObjDelta::Drop(_)))
            .collect();
        kept.sort_by_key(|(_, c)| match c {
            ObjDelta::Create(t) | ObjDelta::Alter { to: t, .. } | ObjDelta::Drop(t) => &t.name,
        });
        for (d, c) in kept {
            let obj = &d.object;
            let t = match c {
                ObjDelta::Alter { to, attrs, .. } if !redefined(c) => {
                    let target = format!("COLLATION {obj}");
                    let key = Key::Collation(to.name.clone());
                    let targets = Targets::new(&target, None);
                    self.write_common(&key, ObjectKind::Collation, obj, &targets, attrs, None);
                    continue;
                }
                ObjDelta::Create(t) | ObjDelta::Alter { to: t, .. } => t,
                ObjDelta::Drop(_) => continue,
            };
            let provider = match t.provider.as_str() {
                "i" => "icu",
                "c" => "libc",
                _ => "libc",
            };
            let mut parts = vec![format!("provider = {provider}")];
            if let Some(l) = &t.locale {
                parts.push(format!("locale = {}", quote_literal(l)));
            }
            if t.locale.is_none() || provider == "libc" {
                if let Some(l) = &t.lc_collate {
                    parts.push(format!("lc_collate = {}", quote_literal(l)));
                }
                if let Some(l) = &t.lc_ctype {
                    parts.push(format!("lc_ctype = {}", quote_literal(l)));
                }
            }
            if !t.deterministic {
                parts.push("deterministic = false".to_string());
            }
            let mut sql = vec![format!("CREATE COLLATION {obj} ({});", parts.join(", "))];
            self.create_extras(&format!("COLLATION {obj}"), None, &t.common, &mut sql);
            self.op(
                Key::Collation(t.name.clone()),
                Action::Create,
                ObjectKind::Collation,
                obj,
                sql,
                vec![],
                class::COLLATION,
                None,
            );
        }
    }
}
