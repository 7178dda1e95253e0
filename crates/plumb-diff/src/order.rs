//! Orders operations: a `petgraph` graph with a node per operation and an edge per "must run before",
//! sorted topologically. Ties are broken by (drops first, object class, generation order), so the same
//! input always gives the same plan. A cycle is broken where it can be: on an edge that only orders (the
//! steps of one table's stages, default privileges after creates), at a node that waits for nothing outside
//! its cycle (see [`sort`]).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::Direction;
use plumb_model::Database;
use rustc_hash::FxHashMap;

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

pub(crate) fn order(from: &Database, to: &Database, ops: Vec<Op>, opts: &Options) -> Vec<Step> {
    order_on(from, to, ops, opts, None)
}

/// [`order`], its operations' edges worked out on `threads` threads (see [`on_threads`]); `None`: as many as
/// the operations left to order call for ([`threads_for`]).
fn order_on(
    from: &Database,
    to: &Database,
    mut ops: Vec<Op>,
    opts: &Options,
    threads: Option<usize>,
) -> Vec<Step> {
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
    let mut by_key: FxHashMap<&Key, Vec<usize>> = FxHashMap::default();
    // the operations on a table (or view) itself, by its name: a sub-object's key finds them without a key
    // built for its table
    let mut by_relation: FxHashMap<&plumb_model::QualName, Vec<usize>> = FxHashMap::default();
    for (i, o) in ops.iter().enumerate() {
        for k in std::iter::once(&o.key).chain(&o.also) {
            by_key.entry(k).or_default().push(i);
            if let Key::Relation(t) = k {
                by_relation.entry(t).or_default().push(i);
            }
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
            v.extend(
                by_relation
                    .get(t)
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
    let (c, a, d) = (Action::Create, Action::Alter, Action::Drop);
    // The edges of every `step`-th operation from `first`: most of the ordering's time on a large plan, so the
    // operations are shared between threads (see `on_threads`); the edges go into one set after.
    let edges_from = |first: usize, step: usize| -> Vec<(usize, usize)> {
        let mut edges = Vec::new();
        for x in (first..ops.len()).step_by(step) {
            let op = &ops[x];
            if op.key == Key::Session {
                continue;
            }
            let keys: Vec<&Key> = std::iter::once(&op.key).chain(op.also.iter()).collect();
            // an alter of an object this plan creates again (a partition's key that `DROP INDEX ... CASCADE`
            // takes, marked `CLUSTER ON` again) is an alter of the new one: what the old one depended on does not
            // hold it back
            let of_new = op.role == a && !lookup(&op.key, &[c], &[]).is_empty();
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
                                edges.push((yi, x));
                            }
                        }
                    }
                }
                if op.role != c && !of_new {
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
                                edges.push((x, yi));
                            }
                        }
                    }
                }
            }
            if op.role == a {
                // an object is altered after it is created (a new index marked `CLUSTER ON`, say)
                for yi in lookup(&op.key, &[c], &[c]) {
                    if yi != x {
                        edges.push((yi, x));
                    }
                }
            }
            if op.role == c {
                // a name is freed before it is taken again
                for yi in lookup(&op.key, &[d], &[]) {
                    if yi != x {
                        edges.push((yi, x));
                    }
                }
                if let Key::Index(t, n) = &op.key {
                    // a partition index attached to a parent index that is dropped goes with it
                    if let Some(ft) = from.tables.get(t) {
                        if let (Some(p), Some(pi)) = (
                            &ft.partition_of,
                            ft.indexes.get(n).and_then(|i| i.parent_index.as_ref()),
                        ) {
                            for yi in
                                lookup(&Key::Index(p.parent.clone(), pi.name.clone()), &[d], &[])
                            {
                                edges.push((yi, x));
                            }
                        }
                    }
                }
                if let Key::Column(t, col) = &op.key {
                    if let Some(table) = to.tables.get(t) {
                        for p in &table.inherits {
                            for yi in lookup(&Key::Column(p.clone(), col.clone()), &[d], &[]) {
                                edges.push((yi, x));
                            }
                        }
                    }
                }
                if let Key::Relation(q) = &op.key {
                    // a type or sequence of the same name in the same schema
                    for k in [Key::Type(q.clone()), Key::Sequence(q.clone())] {
                        for yi in lookup(&k, &[d], &[]) {
                            edges.push((yi, x));
                        }
                    }
                }
            }
        }
        edges
    };
    let mut edges: BTreeSet<(usize, usize)> = on_threads(
        threads.unwrap_or_else(|| threads_for(ops.len())),
        edges_from,
    )
    .into_iter()
    .flatten()
    .collect();
    // Edges from here on only order (a convention, not a dependency): a cycle may be broken on them.
    let mut soft: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut add_soft = |edges: &mut BTreeSet<(usize, usize)>, e: (usize, usize)| {
        if edges.insert(e) {
            soft.insert(e);
        }
    };
    // default privileges change after every object is created, as pg_dump writes them: what the plan creates
    // gets the privileges the plan writes for it, not those of the default privileges it changes
    let creates: Vec<usize> = (0..ops.len()).filter(|&i| ops[i].role == c).collect();
    for (x, op) in ops.iter().enumerate() {
        if matches!(op.key, Key::DefaultPrivileges(..)) {
            for &y in &creates {
                add_soft(&mut edges, (y, x));
            }
        }
    }
    // within a table: sub-object drops, then column changes, then sub-object creates (a step that also
    // drops sub-objects of another table, a partition's keys, is in that table's stages too)
    let mut stages: BTreeMap<&plumb_model::QualName, [Vec<usize>; 3]> = BTreeMap::new();
    for (i, o) in ops.iter().enumerate() {
        let Some(stage) = o.stage else { continue };
        let slot = match stage {
            Stage::BeforeColumns => 0,
            Stage::Columns => 1,
            Stage::AfterColumns => 2,
        };
        let tables: BTreeSet<&plumb_model::QualName> = std::iter::once(&o.key)
            .chain(o.also.iter())
            .filter_map(|k| match k {
                Key::Relation(t) => Some(t),
                k => k.table(),
            })
            .collect();
        for table in tables {
            stages.entry(table).or_default()[slot].push(i);
        }
    }
    for groups in stages.values() {
        for (a_i, b_i) in [(0, 1), (1, 2), (0, 2)] {
            for &p in &groups[a_i] {
                for &q in &groups[b_i] {
                    add_soft(&mut edges, (p, q));
                }
            }
        }
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
    let order = sort(ops.len(), &edges, &soft, prio);
    // The operations become the steps (their text moved, not copied: a full dump is tens of megabytes of it).
    drop((by_key, stages, edges, soft));
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

/// Fewest operations per thread (a thread costs tens of microseconds to start; an operation's edges, a few).
const OPS_PER_THREAD: usize = 2_000;

/// The most threads that work out the edges.
const MAX_THREADS: usize = 4;

/// How many threads work out the edges of `n` operations: the machine's cores, at most [`MAX_THREADS`], and
/// fewer when each would get fewer than [`OPS_PER_THREAD`]. The planner runs after both schemas are read: the
/// cores are free then. The cores are only asked for when there is work for two threads: finding out reads
/// files (the process's cgroup limits), which costs more than planning a small schema's edges.
fn threads_for(n: usize) -> usize {
    let wanted = n / OPS_PER_THREAD;
    if wanted < 2 {
        return 1;
    }
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    cores.min(MAX_THREADS).min(wanted)
}

/// `work(first, k)` for `first` in `0..k`, each on a scoped thread of its own (on this one when `k` is 1);
/// the results in order of `first`. A panic in a thread is a panic here.
fn on_threads<T: Send>(k: usize, work: impl Fn(usize, usize) -> T + Sync) -> Vec<T> {
    if k <= 1 {
        return vec![work(0, 1)];
    }
    let work = &work;
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..k)
            .map(|first| s.spawn(move || work(first, k)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// The nodes `0..n` in an order that respects `edges` (`(p, q)`: p runs before q), the smallest `prio` first
/// among those ready. When every node left waits for another, the graph has a cycle, and it is broken at a
/// node of a cycle that waits for nothing outside it (a node downstream of a cycle never goes before the
/// cycle), preferring one that only `soft` edges hold back, then the one held by the fewest edges that are
/// not soft, then the smallest `prio`.
fn sort(
    n: usize,
    edges: &BTreeSet<(usize, usize)>,
    soft: &BTreeSet<(usize, usize)>,
    prio: impl Fn(usize) -> Prio,
) -> Vec<usize> {
    let mut g: DiGraph<usize, ()> = DiGraph::with_capacity(n, edges.len());
    let nodes: Vec<NodeIndex> = (0..n).map(|i| g.add_node(i)).collect();
    for &(p, q) in edges {
        g.add_edge(nodes[p], nodes[q], ());
    }
    let mut indeg: Vec<usize> = nodes
        .iter()
        .map(|&x| g.neighbors_directed(x, Direction::Incoming).count())
        .collect();
    let mut heap: BinaryHeap<Reverse<(Prio, usize)>> = BinaryHeap::new();
    for (i, &deg) in indeg.iter().enumerate() {
        if deg == 0 {
            heap.push(Reverse((prio(i), i)));
        }
    }
    // the strongly connected component of each node, worked out at the first cycle
    let mut component: Option<Vec<usize>> = None;
    let mut done = vec![false; n];
    let mut order = Vec::with_capacity(n);
    while order.len() < n {
        let next = match heap.pop() {
            Some(Reverse((_, i))) => i,
            None => {
                let comp = component.get_or_insert_with(|| {
                    let mut c = vec![0; n];
                    for (k, scc) in petgraph::algo::tarjan_scc(&g).into_iter().enumerate() {
                        for x in scc {
                            c[g[x]] = k;
                        }
                    }
                    c
                });
                let waiting_on = |i: usize| -> Vec<usize> {
                    g.neighbors_directed(nodes[i], Direction::Incoming)
                        .map(|x| g[x])
                        .filter(|&p| !done[p])
                        .collect()
                };
                let pick = (0..n)
                    .filter(|&i| !done[i])
                    .filter_map(|i| {
                        let preds = waiting_on(i);
                        if preds.iter().any(|&p| comp[p] != comp[i]) {
                            return None; // behind a cycle, not in it
                        }
                        let hard = preds.iter().filter(|&&p| !soft.contains(&(p, i))).count();
                        Some(((hard, prio(i)), i))
                    })
                    .min()
                    .map(|(_, i)| i)
                    .or_else(|| (0..n).filter(|&i| !done[i]).min_by_key(|&i| prio(i)));
                match pick {
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
        for x in g.neighbors_directed(nodes[next], Direction::Outgoing) {
            let j = g[x];
            if !done[j] {
                indeg[j] = indeg[j].saturating_sub(1);
                if indeg[j] == 0 {
                    heap.push(Reverse((prio(j), j)));
                }
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Node `i`'s priority is `prios[i]`: smaller runs first.
    fn run(n: usize, hard: &[(usize, usize)], soft: &[(usize, usize)], prios: &[u8]) -> Vec<usize> {
        let mut edges: BTreeSet<(usize, usize)> = hard.iter().copied().collect();
        edges.extend(soft.iter().copied());
        let soft: BTreeSet<(usize, usize)> = soft.iter().copied().collect();
        sort(n, &edges, &soft, |i| (2, prios[i], i))
    }

    fn before(order: &[usize], a: usize, b: usize) -> bool {
        let pos = |x| order.iter().position(|&y| y == x);
        pos(a) < pos(b)
    }

    #[test]
    fn a_cycle_is_broken_on_its_soft_edge() {
        // 0 -> 1 is a dependency, 1 -> 0 only a stage convention; 0 has the worse priority, and the old rule
        // (lowest priority first) ran 1 before what it depends on
        let order = run(2, &[(0, 1)], &[(1, 0)], &[9, 1]);
        assert_eq!(order, vec![0, 1]);
    }

    #[test]
    fn a_node_behind_a_cycle_waits_for_it() {
        // 1 <-> 2 form a cycle (2 -> 1 soft); 3 depends on 2 and has the best priority: the old rule took 3
        // first, before the cycle it waits for
        let order = run(4, &[(0, 1), (1, 2), (2, 3)], &[(2, 1)], &[5, 5, 5, 0]);
        assert_eq!(order, vec![0, 1, 2, 3]);
        assert!(before(&order, 2, 3));
    }

    #[test]
    fn without_soft_edges_the_fewest_dependencies_are_broken() {
        // a cycle of dependencies alone: the node held by one edge goes before the one held by two
        let order = run(
            3,
            &[(0, 1), (1, 0), (2, 1), (1, 2), (2, 0)],
            &[],
            &[0, 5, 5],
        );
        assert_eq!(order.len(), 3);
        assert_eq!(order[0], 2, "{order:?}");
    }

    /// A schema of `n` tables, each with a serial key, a foreign key to the one before, an index and a view,
    /// and the introspector's dependencies (defaults on their sequences, views on what they read).
    fn chain_of_tables(n: usize) -> Database {
        use plumb_model::{
            Column, ColumnRef, Constraint, ConstraintKind, Dependency, Index as PgIndex, ObjectRef,
            QualName, Sequence, SequenceOptions, Table, View, ViewColumn, ViewKind,
        };
        let mut db = Database::created(Some(150000));
        for i in 0..n {
            let name = QualName::new("public", format!("t{i}"));
            let seq = QualName::new("public", format!("t{i}_id_seq"));
            let mut t = Table {
                name: name.clone(),
                ..Table::default()
            };
            for (col, ty) in [("id", "integer"), ("parent", "integer"), ("note", "text")] {
                t.columns.push(Column {
                    name: col.into(),
                    type_name: ty.into(),
                    not_null: col == "id",
                    default: (col == "id").then(|| format!("nextval('{seq}'::regclass)")),
                    is_local: true,
                    ..Column::default()
                });
            }
            let key = |kind, cname: String, def: String, references| Constraint {
                name: cname,
                kind,
                definition: def,
                columns: vec![],
                references,
                deferrable: false,
                initially_deferred: false,
                validated: true,
                is_local: true,
                comment: None,
            };
            let pk = format!("t{i}_pkey");
            t.constraints.insert(
                pk.clone(),
                key(
                    ConstraintKind::PrimaryKey,
                    pk,
                    "PRIMARY KEY (id)".into(),
                    None,
                ),
            );
            if i > 0 {
                let parent = QualName::new("public", format!("t{}", i - 1));
                let fk = format!("t{i}_parent_fkey");
                t.constraints.insert(
                    fk.clone(),
                    key(
                        ConstraintKind::ForeignKey,
                        fk,
                        format!("FOREIGN KEY (parent) REFERENCES {parent}(id)"),
                        Some(parent),
                    ),
                );
            }
            let ix = format!("t{i}_note_idx");
            t.indexes.insert(
                ix.clone(),
                PgIndex {
                    name: ix.clone(),
                    definition: format!("CREATE INDEX {ix} ON {name} USING btree (note)"),
                    unique: false,
                    constraint: None,
                    columns: vec!["note".into()],
                    parent_index: None,
                    comment: None,
                    clustered: false,
                },
            );
            db.sequences.insert(
                seq.clone(),
                Sequence {
                    name: seq.clone(),
                    options: SequenceOptions::defaults("integer", 1),
                    owned_by: Some(ColumnRef {
                        table: name.clone(),
                        column: "id".into(),
                    }),
                    common: Default::default(),
                },
            );
            let column = ObjectRef::Column(ColumnRef {
                table: name.clone(),
                column: "id".into(),
            });
            db.dependencies.insert(Dependency {
                from: column,
                to: ObjectRef::Sequence(seq),
            });
            // each view reads the next one (the last one its table): created in the reverse of their order
            let view = QualName::new("public", format!("v{i}"));
            let over = if i + 1 < n {
                QualName::new("public", format!("v{}", i + 1))
            } else {
                name.clone()
            };
            db.views.insert(
                view.clone(),
                View {
                    name: view.clone(),
                    kind: ViewKind::View,
                    definition: format!(" SELECT id, note FROM {over};"),
                    columns: vec![ViewColumn {
                        name: "id".into(),
                        type_name: "integer".into(),
                        comment: None,
                    }],
                    options: vec![],
                    indexes: Default::default(),
                    triggers: Default::default(),
                    common: Default::default(),
                },
            );
            db.dependencies.insert(Dependency {
                from: ObjectRef::Relation(view),
                to: ObjectRef::Relation(over),
            });
            db.tables.insert(name, t);
        }
        db
    }

    #[test]
    fn threads_order_as_one_thread_does() {
        let to = chain_of_tables(300);
        let from = Database::created(to.server_version);
        let opts = Options::default();
        let ops = crate::differ::Differ::run(&from, &to, &opts).ops;
        assert!(ops.len() > 1_000, "{} operations", ops.len());
        let one = order_on(&from, &to, ops.clone(), &opts, Some(1));
        for threads in [2, 3, 4] {
            let many = order_on(&from, &to, ops.clone(), &opts, Some(threads));
            assert!(one == many, "{threads} threads ordered differently");
        }
        // and the order is one: a view after the view it reads, a foreign key after both its tables
        let at = |sql: &str| one.iter().position(|s| s.sql.contains(sql));
        for i in 1..299 {
            let view = at(&format!("CREATE VIEW public.v{i} "));
            let read = at(&format!("CREATE VIEW public.v{} ", i + 1));
            let fk = at(&format!("ADD CONSTRAINT t{i}_parent_fkey"));
            let (table, parent) = (
                at(&format!("CREATE TABLE public.t{i} (")),
                at(&format!("CREATE TABLE public.t{} (", i - 1)),
            );
            assert!(view.is_some() && fk.is_some() && parent.is_some(), "t{i}");
            assert!(read < view && parent < fk && table < fk, "t{i}");
        }
    }

    #[test]
    fn every_thread_gets_its_share_in_order() {
        let parts = on_threads(3, |first, step| {
            (first..10).step_by(step).collect::<Vec<_>>()
        });
        assert_eq!(parts, vec![vec![0, 3, 6, 9], vec![1, 4, 7], vec![2, 5, 8]]);
        assert_eq!(on_threads(1, |first, step| (first, step)), vec![(0, 1)]);
        assert_eq!(threads_for(10), 1);
        assert_eq!(threads_for(2 * OPS_PER_THREAD - 1), 1);
        assert!((1..=MAX_THREADS).contains(&threads_for(100 * OPS_PER_THREAD)));
    }

    #[test]
    fn an_acyclic_graph_is_sorted_by_priority_among_the_ready() {
        let order = run(4, &[(0, 2), (1, 2)], &[(2, 3)], &[3, 1, 0, 0]);
        assert_eq!(order, vec![1, 0, 2, 3]);
    }
}
