//! The walk every family's objects share: what `from` has and `to` lacks, then `to`'s objects in order.

use std::collections::BTreeMap;

use super::{Delta, ObjDelta};

/// One name of a [`walk`]: only in `from`, only in `to`, or on both sides.
pub(crate) enum Pair<'a, T> {
    Dropped(&'a T),
    Created(&'a T),
    Kept(&'a T, &'a T),
}

impl<'a, T> Pair<'a, T> {
    /// The two sides of a kept object; a dropped or created one goes to `out` as `delta` (given the object
    /// and its drop or create) makes it.
    pub(crate) fn kept(
        self,
        out: &mut Vec<Delta<'a>>,
        delta: impl FnOnce(&'a T, ObjDelta<'a, T>) -> Delta<'a>,
    ) -> Option<(&'a T, &'a T)> {
        let d = match self {
            Pair::Kept(f, t) => return Some((f, t)),
            Pair::Dropped(f) => delta(f, ObjDelta::Drop(f)),
            Pair::Created(t) => delta(t, ObjDelta::Create(t)),
        };
        out.push(d);
        None
    }
}

/// Every name of two maps in the order of the change list: first the ones `to` lacks ([`Pair::Dropped`]) in
/// `from`'s order, then `to`'s in its order ([`Pair::Created`] or [`Pair::Kept`]). (`differ::pairs` is a
/// merge join, in one order for both.)
pub(crate) fn walk<'a, K: Ord, T>(
    from: &'a BTreeMap<K, T>,
    to: &'a BTreeMap<K, T>,
) -> impl Iterator<Item = (&'a K, Pair<'a, T>)> {
    let dropped = from
        .iter()
        .filter(|(k, _)| !to.contains_key(*k))
        .map(|(k, f)| (k, Pair::Dropped(f)));
    let rest = to.iter().map(|(k, t)| match from.get(k) {
        None => (k, Pair::Created(t)),
        Some(f) => (k, Pair::Kept(f, t)),
    });
    dropped.chain(rest)
}
