//! Schemas, extensions and collations.

use plumb_model::{quote_ident, AclKind};

use super::{alter, walk, AttrDelta, Comparer, Delta, Obj, ObjDelta};
use crate::differ::public_schema_defaults;
use crate::{Attribute, ObjectKind};

impl<'a> Comparer<'a> {
    pub(super) fn schemas(&mut self, out: &mut Vec<Delta<'a>>) {
        let (from, to) = (self.from, self.to);
        let delta = |name: &str, d| Delta {
            kind: ObjectKind::Schema,
            object: quote_ident(name),
            obj: Obj::Schema(d),
        };
        for (name, pair) in walk(&from.schemas, &to.schemas) {
            let Some((f, t)) = pair.kept(out, |_, d| delta(name, d)) else {
                continue;
            };
            let (fc, tc) = public_schema_defaults(name, from, &f.common, to, &t.common);
            let attrs = self.common(Some(AclKind::Schema), &fc, &tc);
            out.extend(alter(f, t, attrs).map(|d| delta(name, d)));
        }
    }

    pub(super) fn extensions(&mut self, out: &mut Vec<Delta<'a>>) {
        let (from, to) = (self.from, self.to);
        let delta = |name: &str, d| Delta {
            kind: ObjectKind::Extension,
            object: quote_ident(name),
            obj: Obj::Extension(d),
        };
        for (name, pair) in walk(&from.extensions, &to.extensions) {
            let Some((f, e)) = pair.kept(out, |_, d| delta(name, d)) else {
                continue;
            };
            let mut attrs = Vec::new();
            if f.schema != e.schema {
                attrs.push(AttrDelta::new(
                    Attribute::Schema,
                    Some(f.schema.clone()),
                    Some(e.schema.clone()),
                ));
            }
            if let (Some(a), Some(b)) = (&f.version, &e.version) {
                if a != b {
                    attrs.push(AttrDelta::new(
                        Attribute::Version,
                        Some(a.clone()),
                        Some(b.clone()),
                    ));
                }
            }
            attrs.extend(AttrDelta::comment(&f.comment, &e.comment));
            out.extend(alter(f, e, attrs).map(|d| delta(name, d)));
        }
    }

    /// A collation whose definition differs is an alter of [`Attribute::Definition`] (no values shown), listed
    /// with the drops: it is dropped and created again.
    pub(super) fn collations(&mut self, out: &mut Vec<Delta<'a>>) {
        let (from, to) = (self.from, self.to);
        let delta = |name: &plumb_model::QualName, d| Delta {
            kind: ObjectKind::Collation,
            object: name.to_string(),
            obj: Obj::Collation(d),
        };
        let definition = |c: &'a plumb_model::Collation| {
            (
                &c.provider,
                &c.locale,
                &c.lc_collate,
                &c.lc_ctype,
                c.deterministic,
            )
        };
        for (name, f) in &from.collations {
            match to.collations.get(name) {
                None => out.push(delta(name, ObjDelta::Drop(f))),
                Some(t) if definition(t) != definition(f) => out.push(delta(
                    name,
                    ObjDelta::Alter {
                        from: f,
                        to: t,
                        attrs: vec![AttrDelta::new(Attribute::Definition, None, None)],
                    },
                )),
                Some(_) => {}
            }
        }
        for (name, c) in &to.collations {
            match from.collations.get(name) {
                None => out.push(delta(name, ObjDelta::Create(c))),
                Some(f) if definition(f) == definition(c) => {
                    let attrs = self.common(None, &f.common, &c.common);
                    out.extend(alter(f, c, attrs).map(|d| delta(name, d)));
                }
                Some(_) => {}
            }
        }
    }
}
