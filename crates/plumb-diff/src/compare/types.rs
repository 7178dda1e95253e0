//! Enums, domains, composites and ranges, and the types rebuilt in place (an enum that loses or reorders
//! values, a domain whose base changes, and the domains over those).

use std::collections::BTreeSet;

use plumb_model::{AclKind, Database, QualName, Type, TypeKind};

use super::{alter, walk, AttrDelta, Comparer, Delta, Obj};
use crate::{Attribute, ObjectKind};

/// The kind of object a type is, and its SQL keyword.
pub(crate) fn type_kind(t: &Type) -> (ObjectKind, &'static str) {
    match t.kind {
        TypeKind::Domain { .. } => (ObjectKind::Domain, "DOMAIN"),
        _ => (ObjectKind::Type, "TYPE"),
    }
}

/// True when a type name or SQL text names one of `set`.
pub(crate) fn refs_any(set: &BTreeSet<QualName>, text: &str) -> bool {
    !set.is_empty() && crate::keys::names_in(text).iter().any(|q| set.contains(q))
}

/// Types that cannot be altered in place but whose users can be converted: enums that lose or reorder
/// values, domains whose base type (or collation) changes, and the domains over either, in an order where
/// each domain comes after its base. The writer rebuilds them in one step (`Differ::retype`).
pub(crate) fn retyped(from: &Database, to: &Database) -> Vec<QualName> {
    let mut roots: Vec<&QualName> = Vec::new();
    for (name, f) in &from.types {
        let Some(t) = to.types.get(name) else {
            continue;
        };
        let root = match (&f.kind, &t.kind) {
            (TypeKind::Enum { labels: a }, TypeKind::Enum { labels: b }) => {
                let mut it = b.iter();
                !a.iter().all(|x| it.any(|y| y == x))
            }
            (
                TypeKind::Domain {
                    base: fb,
                    collation: fc,
                    ..
                },
                TypeKind::Domain {
                    base: tb,
                    collation: tc,
                    ..
                },
            ) => fb != tb || fc != tc,
            _ => false,
        };
        if root {
            roots.push(name);
        }
    }
    if roots.is_empty() {
        return Vec::new();
    }
    // the closure: domains (on both sides) over a rebuilt type
    let mut set: BTreeSet<QualName> = roots.iter().map(|q| (*q).clone()).collect();
    loop {
        let mut more = Vec::new();
        for (name, f) in &from.types {
            if set.contains(name) || !to.types.contains_key(name) {
                continue;
            }
            if let TypeKind::Domain { base, .. } = &f.kind {
                if crate::keys::names_in(base).iter().any(|q| set.contains(q)) {
                    more.push(name.clone());
                }
            }
        }
        if more.is_empty() {
            break;
        }
        set.extend(more);
    }
    let base_of = |q: &QualName| match from.types.get(q).map(|t| &t.kind) {
        Some(TypeKind::Domain { base, .. }) => crate::keys::names_in(base)
            .into_iter()
            .find(|b| set.contains(b) && b != q),
        _ => None,
    };
    let mut order: Vec<QualName> = Vec::new();
    while order.len() < set.len() {
        let before = order.len();
        for q in &set {
            if !order.contains(q) && base_of(q).is_none_or(|b| order.contains(&b)) {
                order.push(q.clone());
            }
        }
        if order.len() == before {
            break; // a cycle cannot come from a catalog
        }
    }
    order
}

impl<'a> Comparer<'a> {
    /// `retyped`: the types rebuilt in place (see [`retyped`]); their attributes are not compared one by one
    /// (nor their comment, owner and grants: they are created anew with them).
    pub(super) fn types(&mut self, retyped: &BTreeSet<QualName>, out: &mut Vec<Delta<'a>>) {
        let (from, to) = (self.from, self.to);
        let delta = |t: &Type, d| Delta {
            kind: type_kind(t).0,
            object: t.name.to_string(),
            obj: Obj::Type(d),
        };
        for (name, pair) in walk(&from.types, &to.types) {
            let Some((f, t)) = pair.kept(out, delta) else {
                continue;
            };
            let mut attrs = Vec::new();
            match (&f.kind, &t.kind) {
                (TypeKind::Enum { labels: a }, TypeKind::Enum { labels: b }) => {
                    if a != b {
                        attrs.push(AttrDelta::new(
                            Attribute::Labels,
                            Some(a.join(", ")),
                            Some(b.join(", ")),
                        ));
                    }
                }
                (
                    TypeKind::Domain {
                        base: fb,
                        collation: fc,
                        default: fd,
                        not_null: fnn,
                        constraints: fcs,
                    },
                    TypeKind::Domain {
                        base: tb,
                        collation: tc,
                        default: td,
                        not_null: tnn,
                        constraints: tcs,
                    },
                ) => {
                    if fb != tb || fc != tc {
                        // created anew (or rebuilt with its users): nothing else is compared
                        attrs.push(AttrDelta::new(
                            Attribute::Base,
                            Some(fb.clone()),
                            Some(tb.clone()),
                        ));
                        out.extend(alter(f, t, attrs).map(|d| delta(t, d)));
                        continue;
                    }
                    if fd != td {
                        attrs.push(AttrDelta::new(Attribute::Default, fd.clone(), td.clone()));
                    }
                    if fnn != tnn {
                        attrs.push(AttrDelta::new(
                            Attribute::NotNull,
                            Some(fnn.to_string()),
                            Some(tnn.to_string()),
                        ));
                    }
                    // a changed constraint is shown once, dropped and added again
                    for (cn, c) in fcs {
                        if tcs.get(cn) != Some(c) {
                            attrs.push(AttrDelta {
                                item: Some(cn.clone()),
                                ..AttrDelta::new(
                                    Attribute::Constraint,
                                    Some(c.definition.clone()),
                                    tcs.get(cn).map(|c| c.definition.clone()),
                                )
                            });
                        }
                    }
                    for (cn, c) in tcs {
                        if !fcs.contains_key(cn) {
                            attrs.push(AttrDelta {
                                item: Some(cn.clone()),
                                ..AttrDelta::new(
                                    Attribute::Constraint,
                                    None,
                                    Some(c.definition.clone()),
                                )
                            });
                        }
                    }
                }
                (
                    TypeKind::Composite { attributes: fa },
                    TypeKind::Composite { attributes: ta },
                ) => {
                    // attributes of a rebuilt type are converted with it
                    let skip: BTreeSet<&str> = fa
                        .iter()
                        .filter(|a| refs_any(retyped, &a.type_name))
                        .map(|a| a.name.as_str())
                        .collect();
                    for a in fa {
                        if !skip.contains(a.name.as_str()) && !ta.iter().any(|b| b.name == a.name) {
                            attrs.push(AttrDelta::new(
                                Attribute::Attribute,
                                Some(a.name.clone()),
                                None,
                            ));
                        }
                    }
                    for b in ta {
                        if skip.contains(b.name.as_str()) {
                            continue;
                        }
                        match fa.iter().find(|a| a.name == b.name) {
                            None => attrs.push(AttrDelta::new(
                                Attribute::Attribute,
                                None,
                                Some(b.name.clone()),
                            )),
                            Some(a) if a != b => attrs.push(AttrDelta {
                                item: Some(b.name.clone()),
                                ..AttrDelta::new(
                                    Attribute::AttributeType,
                                    Some(a.type_name.clone()),
                                    Some(b.type_name.clone()),
                                )
                            }),
                            _ => {}
                        }
                    }
                }
                (a, b) if a == b => {}
                _ => {
                    // another kind of type, or a range's definition: dropped and created again
                    attrs.push(AttrDelta::new(Attribute::Definition, None, None));
                    out.extend(alter(f, t, attrs).map(|d| delta(t, d)));
                    continue;
                }
            }
            if !retyped.contains(name) {
                let (fc, tc) = (&f.common, &t.common);
                attrs.extend(self.common(Some(AclKind::Type), fc, tc));
            }
            out.extend(alter(f, t, attrs).map(|d| delta(t, d)));
        }
    }
}
