//! Orders operations: a `petgraph` graph with a node per operation and an edge per "must run before",
//! sorted topologically. Ties are broken by (drops first, object class, generation order), so the same
//! input always gives the same plan; a cycle is broken at its lowest-priority node.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::Direction;
use plumb_model::Database;

use crate::differ::{class, Op, Stage};
use crate::keys::{Index, Key};
use crate::{Action, Hazard, ObjectKind, Options, Step};

/// (phase, class, generation order): smaller runs first.
type Prio = (u8, u8, usize);

fn session_op(sql: &str, hazards: Vec<Hazard>) -> Op {
    Op {
        key: Key::Session,
        also: Vec::new(),
        role: Action::Alter,
        action: Action::Alter,
        kind: ObjectKind::Session,
        object: "session".to_string(),
        sql: vec![sql.to_string()],
        hazards,
        transactional: true,
        class: class::SESSION,
        stage: None,
    }
}

/// A table's dependency on another table that only its foreign keys make (pg_depend attributes a foreign
/// key's dependencies to its table): the table is created without them (foreign keys are added by steps of
/// their own, ordered after both tables), so the edge is not needed, and in a cycle of foreign keys it would
/// stop the tables from being ordered at all.
fn fk_only_dependency(to: &Database, key: &Key, dep: &Key) -> bool {
    let Key::Relation(t) = key else { return false };
    let r = match dep {
        Key::Relation(r) | Key::Column(r, _) => r,
        _ => return false,
    };
    let Some(table) = to.tables.get(t) else {
        return false;
    };
    r != t
        && table.partition_of.as_ref().is_none_or(|p| &p.parent != r)
        && !table.inherits.contains(r)
        && table.constraints.values().any(|c| {
            c.kind == plumb_model::ConstraintKind::ForeignKey && c.references.as_ref() == Some(r)
        })
}

/// A table dropped (`x`) depends on a table dropped too (`y`) through foreign keys that a step of their own
/// drops first (a cycle of foreign keys broken that way): the table's drop need not wait for the other's.
fn fk_dropped_first(
    from: &Database,
    ops: &[Op],
    fk_drops: &BTreeSet<(&plumb_model::QualName, &plumb_model::QualName)>,
    x: usize,
    y: usize,
) -> bool {
    let (Key::Relation(t1), Key::Relation(t2)) = (&ops[x].key, &ops[y].key) else {
        return false;
    };
    ops[x].role == Action::Drop
        && ops[y].role == Action::Drop
        && t1 != t2
        && fk_drops.contains(&(t1, t2))
        && from.tables.contains_key(t1)
}

pub(crate) fn order(from: &Database, to: &Database, mut ops: Vec<Op>, opts: &Options) -> Vec<Step> {
    ops.retain(|o| !o.sql.is_empty());
    if ops.is_empty() {
        return Vec::new();
    }
    let mut session = Vec::new();
    if opts.online {
        session.push(session_op("SET lock_timeout = '5s';", vec![]));
    }
    let defines_functions = ops.iter().any(|o| {
        matches!(
            o.kind,
            ObjectKind::Function | ObjectKind::Procedure | ObjectKind::Aggregate
        ) && o.role != Action::Drop
    });
    if defines_functions {
        session.push(session_op("SET check_function_bodies = off;", vec![]));
    }
    // The session settings go first, in place: appending the operations to a new vector would hold both.
    ops.shrink_to_fit();
    ops.reserve_exact(session.len());
    ops.splice(0..0, session);
    let ops = ops;

    // lookup: key -> operations
    let mut by_key: BTreeMap<&Key, Vec<usize>> = BTreeMap::new();
    for (i, o) in ops.iter().enumerate() {
        by_key.entry(&o.key).or_default().push(i);
        for k in &o.also {
            by_key.entry(k).or_default().push(i);
        }
    }
    let lookup = |k: &Key, roles: &[Action], parent_roles: &[Action]| -> Vec<usize> {
        let mut v: Vec<usize> = by_key
            .get(k)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| roles.contains(&ops[i].role))
            .collect();
        if let Some(t) = k.table() {
            let rel = Key::Relation(t.clone());
            v.extend(
                by_key
                    .get(&rel)
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|&i| parent_roles.contains(&ops[i].role)),
            );
        }
        v
    };

    // Dependencies are worked out per key as they are needed and not kept: a schema of 10,000 tables has
    // ~100,000 keys, and holding every key's set cost ~40 MB.
    let fdeps = Index::new(from);
    // foreign keys dropped by steps of their own: (table, referenced table)
    let fk_drops: BTreeSet<(&plumb_model::QualName, &plumb_model::QualName)> = ops
        .iter()
        .filter(|o| o.role == Action::Drop)
        .filter_map(|o| match &o.key {
            Key::Constraint(t, n) => from
                .tables
                .get(t)
                .and_then(|tb| tb.constraints.get(n))
                .and_then(|c| c.references.as_ref())
                .map(|r| (t, r)),
            _ => None,
        })
        .collect();
    let tdeps = Index::new(to);
    let mut edges: BTreeSet<(usize, usize)> = BTreeSet::new();
    let (c, a, d) = (Action::Create, Action::Alter, Action::Drop);
    for (x, op) in ops.iter().enumerate() {
        if op.key == Key::Session {
            continue;
        }
        let keys: Vec<&Key> = std::iter::once(&op.key).chain(op.also.iter()).collect();
        for k in &keys {
            let own_table = k.table().cloned();
            if op.role != d {
                // created or altered after what it depends on in `to`
                for y in tdeps.deps(k) {
                    if fk_only_dependency(to, &op.key, &y) {
                        continue;
                    }
                    let parent_only_create =
                        matches!(&y, Key::Relation(t) if Some(t) == own_table.as_ref());
                    let roles: &[Action] = if parent_only_create { &[c] } else { &[c, a] };
                    for yi in lookup(&y, roles, &[c]) {
                        if yi != x {
                            edges.insert((yi, x));
                        }
                    }
                }
            }
            if op.role != c {
                // dropped or altered before what it depends on in `from` is dropped
                for y in fdeps.deps(k) {
                    let roles: &[Action] = if op.role == d { &[d, a] } else { &[d] };
                    for yi in lookup(&y, roles, &[d]) {
                        if yi != x
                            && !(op.role == d
                                && ops[yi].role == a
                                && ops[yi].key.table() == own_table.as_ref()
                                && own_table.is_some())
                            && !fk_dropped_first(from, &ops, &fk_drops, x, yi)
                        {
                            edges.insert((x, yi));
                        }
                    }
                }
            }
        }
        if op.role == a {
            // an object is altered after it is created (a new index marked `CLUSTER ON`, say)
            for yi in lookup(&op.key, &[c], &[c]) {
                if yi != x {
                    edges.insert((yi, x));
                }
            }
        }
        if op.role == c {
            // a name is freed before it is taken again
            for yi in lookup(&op.key, &[d], &[]) {
                if yi != x {
                    edges.insert((yi, x));
                }
            }
            if let Key::Index(t, n) = &op.key {
                // a partition index attached to a parent index that is dropped goes with it
                if let Some(ft) = from.tables.get(t) {
                    if let (Some(p), Some(pi)) = (
                        &ft.partition_of,
                        ft.indexes.get(n).and_then(|i| i.parent_index.as_ref()),
                    ) {
                        for yi in lookup(&Key::Index(p.parent.clone(), pi.name.clone()), &[d], &[])
                        {
                            edges.insert((yi, x));
                        }
                    }
                }
            }
            if let Key::Column(t, col) = &op.key {
                if let Some(table) = to.tables.get(t) {
                    for p in &table.inherits {
                        for yi in lookup(&Key::Column(p.clone(), col.clone()), &[d], &[]) {
                            edges.insert((yi, x));
                        }
                    }
                }
            }
            if let Key::Relation(q) = &op.key {
                // a type or sequence of the same name in the same schema
                for k in [Key::Type(q.clone()), Key::Sequence(q.clone())] {
                    for yi in lookup(&k, &[d], &[]) {
                        edges.insert((yi, x));
                    }
                }
            }
        }
    }
    // default privileges change after every object is created, as pg_dump writes them: what the plan creates
    // gets the privileges the plan writes for it, not those of the default privileges it changes
    let creates: Vec<usize> = (0..ops.len()).filter(|&i| ops[i].role == c).collect();
    for (x, op) in ops.iter().enumerate() {
        if matches!(op.key, Key::DefaultPrivileges(..)) {
            edges.extend(creates.iter().map(|&y| (y, x)));
        }
    }
    // within a table: sub-object drops, then column changes, then sub-object creates
    let mut stages: BTreeMap<&plumb_model::QualName, [Vec<usize>; 3]> = BTreeMap::new();
    for (i, o) in ops.iter().enumerate() {
        let Some(stage) = o.stage else { continue };
        let table = match &o.key {
            Key::Relation(t) => t,
            k => match k.table() {
                Some(t) => t,
                None => continue,
            },
        };
        let slot = match stage {
            Stage::BeforeColumns => 0,
            Stage::Columns => 1,
            Stage::AfterColumns => 2,
        };
        stages.entry(table).or_default()[slot].push(i);
    }
    for groups in stages.values() {
        for (a_i, b_i) in [(0, 1), (1, 2), (0, 2)] {
            for &p in &groups[a_i] {
                for &q in &groups[b_i] {
                    edges.insert((p, q));
                }
            }
        }
    }

    let mut g: DiGraph<usize, ()> = DiGraph::with_capacity(ops.len(), edges.len());
    let nodes: Vec<NodeIndex> = (0..ops.len()).map(|i| g.add_node(i)).collect();
    for &(p, q) in &edges {
        g.add_edge(nodes[p], nodes[q], ());
    }
    let prio = |i: usize| -> Prio {
        let o = &ops[i];
        if o.key == Key::Session {
            (0, 0, i)
        } else if o.role == Action::Drop {
            (1, 255 - o.class, i)
        } else {
            (2, o.class, i)
        }
    };
    let mut indeg: Vec<usize> = nodes
        .iter()
        .map(|&n| g.neighbors_directed(n, Direction::Incoming).count())
        .collect();
    let mut heap: BinaryHeap<Reverse<(Prio, usize)>> = BinaryHeap::new();
    for (i, &deg) in indeg.iter().enumerate() {
        if deg == 0 {
            heap.push(Reverse((prio(i), i)));
        }
    }
    let mut done = vec![false; ops.len()];
    let mut order = Vec::with_capacity(ops.len());
    while order.len() < ops.len() {
        let next = match heap.pop() {
            Some(Reverse((_, i))) => i,
            None => {
                // a cycle: take the lowest-priority node still waiting
                match (0..ops.len())
                    .filter(|&i| !done[i])
                    .min_by_key(|&i| prio(i))
                {
                    Some(i) => i,
                    None => break,
                }
            }
        };
        if done[next] {
            continue;
        }
        done[next] = true;
        order.push(next);
        for n in g.neighbors_directed(nodes[next], Direction::Outgoing) {
            let j = g[n];
            if !done[j] {
                indeg[j] = indeg[j].saturating_sub(1);
                if indeg[j] == 0 {
                    heap.push(Reverse((prio(j), j)));
                }
            }
        }
    }
    // The operations become the steps (their text moved, not copied: a full dump is tens of megabytes of it).
    drop((g, by_key, stages, edges));
    let mut ops: Vec<Option<Op>> = ops.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|i| ops.get_mut(i).and_then(Option::take))
        .map(|o| {
            let mut hazards = o.hazards;
            hazards.sort();
            hazards.dedup();
            Step {
                sql: o.sql.join("\n"),
                object: o.object,
                kind: o.kind,
                action: o.action,
                hazards,
                transactional: o.transactional,
            }
        })
        .collect()
}
