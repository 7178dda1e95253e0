//! Sequences: options, `OWNED BY`. Identity sequences go with their column (compared with the table).

use std::collections::BTreeSet;

use plumb_model::{quote_ident, AclKind, Database, QualName};

use super::{alter, AttrDelta, Comparer, Delta, Obj, ObjDelta};
use crate::differ::{narrowed, pairs, seq_option_clauses};
use crate::{Attribute, ObjectKind};

/// The sequences of identity columns.
pub(crate) fn identity_sequences(db: &Database) -> BTreeSet<&QualName> {
    db.tables
        .values()
        .flat_map(|t| t.columns.iter())
        .filter_map(|c| c.identity.as_ref()?.sequence.as_ref())
        .collect()
}

impl<'a> Comparer<'a> {
    /// A sequence that becomes (or stops being) an identity sequence is dropped (or created) here. The value
    /// of a change of [`Attribute::Options`] is the clauses of its `ALTER SEQUENCE`.
    pub(super) fn sequences(&mut self, out: &mut Vec<Delta<'a>>) {
        let (from, to) = (self.from, self.to);
        let fid = identity_sequences(from);
        let tid = identity_sequences(to);
        let delta = |name: &QualName, d| Delta {
            kind: ObjectKind::Sequence,
            object: name.to_string(),
            obj: Obj::Sequence(d),
        };
        let seq_pairs = pairs(&from.sequences, &to.sequences);
        for &(name, s, in_to) in &seq_pairs {
            let Some(s) = s else { continue };
            if fid.contains(name) || in_to.is_some() && !tid.contains(name) {
                continue;
            }
            out.push(delta(name, ObjDelta::Drop(s)));
        }
        for &(name, in_from, s) in &seq_pairs {
            let Some(s) = s else { continue };
            if tid.contains(name) {
                continue;
            }
            let Some(f) = in_from.filter(|_| !fid.contains(name)) else {
                out.push(delta(name, ObjDelta::Create(s)));
                continue;
            };
            if f == s {
                continue;
            }
            let mut attrs = Vec::new();
            if f.options != s.options {
                let mut opts = seq_option_clauses(&s.options, Some(&f.options), true);
                // the current value may fall outside the new bounds
                if narrowed(&f.options, &s.options) {
                    opts.push(format!("RESTART WITH {}", s.options.start));
                }
                attrs.push(AttrDelta::new(
                    Attribute::Options,
                    None,
                    Some(opts.join(" ")),
                ));
            }
            if f.owned_by != s.owned_by {
                let show =
                    |o: &plumb_model::ColumnRef| format!("{}.{}", o.table, quote_ident(&o.column));
                attrs.push(AttrDelta::new(
                    Attribute::OwnedBy,
                    f.owned_by.as_ref().map(show),
                    s.owned_by.as_ref().map(show),
                ));
            }
            attrs.extend(self.common(Some(AclKind::Sequence), &f.common, &s.common));
            out.extend(alter(f, s, attrs).map(|d| delta(name, d)));
        }
    }
}
