//! diff + plan of two 10,000-table models that differ in 2% of their objects, built in memory (no server).
//! Prints the median and best of several runs; the target is under 100 ms for diff + plan.
//!
//! `cargo bench -p plumb-diff --bench plan` (append `-- N` for another table count).

#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use plumb_diff::{diff, plan, Options};
use plumb_model::{
    Column, Common, Constraint, ConstraintKind, Database, Dependency, Index, ObjectRef, QualName,
    Sequence, SequenceOptions, Table,
};

fn table(i: usize, extra_column: bool, extra_index: bool) -> Table {
    let name = QualName::new("public", format!("t{i:05}"));
    let seq = format!("public.t{i:05}_id_seq");
    let mut columns = vec![
        Column {
            name: "id".into(),
            type_name: "bigint".into(),
            not_null: true,
            default: Some(format!("nextval('{seq}'::regclass)")),
            is_local: true,
            ..Column::default()
        },
        Column {
            name: "name".into(),
            type_name: "text".into(),
            not_null: true,
            is_local: true,
            ..Column::default()
        },
        Column {
            name: "created_at".into(),
            type_name: "timestamp with time zone".into(),
            default: Some("now()".into()),
            is_local: true,
            ..Column::default()
        },
        Column {
            name: "parent_id".into(),
            type_name: "bigint".into(),
            is_local: true,
            ..Column::default()
        },
        Column {
            name: "amount".into(),
            type_name: "numeric(12,2)".into(),
            is_local: true,
            ..Column::default()
        },
    ];
    if extra_column {
        columns.push(Column {
            name: "note".into(),
            type_name: "text".into(),
            is_local: true,
            ..Column::default()
        });
    }
    let mut constraints = BTreeMap::new();
    let pk = format!("t{i:05}_pkey");
    constraints.insert(
        pk.clone(),
        Constraint {
            name: pk.clone(),
            kind: ConstraintKind::PrimaryKey,
            definition: "PRIMARY KEY (id)".into(),
            columns: vec!["id".into()],
            references: None,
            deferrable: false,
            initially_deferred: false,
            validated: true,
            is_local: true,
            comment: None,
        },
    );
    if i > 0 {
        let fk = format!("t{i:05}_parent_id_fkey");
        constraints.insert(
            fk.clone(),
            Constraint {
                name: fk,
                kind: ConstraintKind::ForeignKey,
                definition: format!(
                    "FOREIGN KEY (parent_id) REFERENCES public.t{:05}(id)",
                    i - 1
                ),
                columns: vec!["parent_id".into()],
                references: Some(QualName::new("public", format!("t{:05}", i - 1))),
                deferrable: false,
                initially_deferred: false,
                validated: true,
                is_local: true,
                comment: None,
            },
        );
    }
    let mut indexes = BTreeMap::new();
    indexes.insert(
        pk.clone(),
        Index {
            name: pk.clone(),
            definition: format!("CREATE UNIQUE INDEX {pk} ON public.t{i:05} USING btree (id)"),
            unique: true,
            constraint: Some(pk),
            columns: vec!["id".into()],
            parent_index: None,
            comment: None,
            clustered: false,
        },
    );
    let ix = format!("t{i:05}_name_idx");
    let def = if extra_index {
        "(name, created_at)"
    } else {
        "(name)"
    };
    indexes.insert(
        ix.clone(),
        Index {
            name: ix.clone(),
            definition: format!("CREATE INDEX {ix} ON public.t{i:05} USING btree {def}"),
            unique: false,
            constraint: None,
            columns: vec!["name".into()],
            parent_index: None,
            comment: None,
            clustered: false,
        },
    );
    Table {
        name,
        columns,
        constraints,
        indexes,
        common: Common {
            owner: Some("app".into()),
            ..Common::default()
        },
        ..Table::default()
    }
}

/// `n` tables; with `changed`, 2% of the objects differ: 0.5% new tables, 0.5% dropped tables, 0.5% tables
/// with a new column, 0.5% with a changed index.
fn model(n: usize, changed: bool) -> Database {
    let mut db = Database::fresh();
    let step = 200; // 0.5% of the tables each
    for i in 0..n {
        let kind = i % step;
        if changed && kind == 1 {
            continue; // dropped
        }
        if !changed && kind == 2 {
            continue; // new in `to`
        }
        let t = table(i, changed && kind == 3, changed && kind == 4);
        let seq = QualName::new("public", format!("t{i:05}_id_seq"));
        db.sequences.insert(
            seq.clone(),
            Sequence {
                name: seq.clone(),
                options: SequenceOptions::defaults("bigint", 1),
                owned_by: Some(plumb_model::ColumnRef {
                    table: t.name.clone(),
                    column: "id".into(),
                }),
                common: Common::default(),
            },
        );
        db.dependencies.insert(Dependency {
            from: ObjectRef::Column(plumb_model::ColumnRef {
                table: t.name.clone(),
                column: "id".into(),
            }),
            to: ObjectRef::Sequence(seq),
        });
        if i > 0 {
            db.dependencies.insert(Dependency {
                from: ObjectRef::Relation(t.name.clone()),
                to: ObjectRef::Relation(QualName::new("public", format!("t{:05}", i - 1))),
            });
        }
        db.tables.insert(t.name.clone(), t);
    }
    db
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let t0 = Instant::now();
        let out = f();
        times.push(t0.elapsed());
        last = Some(out);
    }
    times.sort();
    (times[runs / 2], times[0], last.expect("at least one run"))
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let t0 = Instant::now();
    let from = model(n, false);
    let to = model(n, true);
    println!(
        "models: {} and {} tables, {} objects each side, built in {:?}",
        from.tables.len(),
        to.tables.len(),
        from.object_count(),
        t0.elapsed()
    );
    let opts = Options::default();
    if std::env::args().any(|a| a == "--profile-diff") {
        for _ in 0..30 {
            std::hint::black_box(diff(&from, &to, &opts));
        }
        return;
    }
    let (med, best, changes) = time(11, || diff(&from, &to, &opts));
    println!(
        "diff:        median {med:?}, best {best:?} ({} changes)",
        changes.len()
    );
    let (med, best, p) = time(11, || plan(&from, &to, &opts).expect("plannable"));
    println!(
        "diff + plan: median {med:?}, best {best:?} ({} changes, {} steps)",
        p.changes.len(),
        p.steps.len()
    );
    let (med, best, d) = time(3, || plumb_diff::dump(&to, &opts).expect("plannable"));
    println!(
        "dump (full DDL of {} tables): median {med:?}, best {best:?} ({} steps)",
        to.tables.len(),
        d.steps.len()
    );
}
