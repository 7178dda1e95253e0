//! The planner's own check before any output: a plan must not drop an object the target still has without
//! creating it again. A step can drop more than it names (`DROP TABLE` of a partitioned table drops its
//! partitions and every table's indexes and foreign keys), so what each drop takes with it is worked out
//! from the "from" model, and every such object the "to" model still has must be created by a later step.
//! A failure is a planner error ([`crate::Error::WouldLose`]), never a plan that applies cleanly and loses
//! something.

use std::collections::BTreeSet;

use plumb_model::{ConstraintKind, Database, QualName};

use crate::differ::Op;
use crate::keys::Key;
use crate::Action;

/// The first object (as the plan names it) that the operations would drop and not create again.
pub(crate) fn lost_object(from: &Database, to: &Database, ops: &[Op]) -> Option<String> {
    let created: BTreeSet<&Key> = ops
        .iter()
        .filter(|o| o.role == Action::Create)
        .flat_map(|o| std::iter::once(&o.key).chain(o.also.iter()))
        .collect();
    // every relation and function a step drops, with the partitions a dropped table takes with it
    let mut dropped_tables: BTreeSet<&QualName> = BTreeSet::new();
    let mut dropped: Vec<&Key> = Vec::new();
    for o in ops.iter().filter(|o| o.role == Action::Drop) {
        for k in std::iter::once(&o.key).chain(o.also.iter()) {
            dropped.push(k);
            if let Key::Relation(t) = k {
                if from.tables.contains_key(t) {
                    dropped_tables.insert(t);
                }
            }
        }
    }
    loop {
        let more: Vec<&QualName> = from
            .tables
            .iter()
            .filter(|(n, t)| {
                !dropped_tables.contains(n)
                    && t.partition_of
                        .as_ref()
                        .is_some_and(|p| dropped_tables.contains(&p.parent))
            })
            .map(|(n, _)| n)
            .collect();
        if more.is_empty() {
            break;
        }
        dropped_tables.extend(more);
    }
    for k in dropped {
        let still = match k {
            Key::Relation(q) => to.tables.contains_key(q) || to.views.contains_key(q),
            Key::Function(id) => to.functions.contains_key(id),
            // a partition's own key that a parent index's DROP ... CASCADE takes
            Key::Constraint(t, n) => to
                .tables
                .get(t)
                .is_some_and(|t| t.constraints.contains_key(n)),
            _ => false,
        };
        if still && !created.contains(k) {
            return Some(describe(k));
        }
    }
    for t in dropped_tables {
        let Some(tt) = to.tables.get(t) else { continue };
        let key = Key::Relation(t.clone());
        if !created.contains(&key) {
            return Some(format!("table {t}"));
        }
        // what a new table does not get from CREATE TABLE: its own indexes and its foreign keys
        for i in tt.indexes.values().filter(|i| i.constraint.is_none()) {
            if !created.contains(&Key::Index(t.clone(), i.name.clone())) {
                return Some(format!(
                    "index {} on {t}",
                    plumb_model::quote_ident(&i.name)
                ));
            }
        }
        for c in tt
            .constraints
            .values()
            .filter(|c| c.kind == ConstraintKind::ForeignKey && c.is_local)
        {
            if !created.contains(&Key::Constraint(t.clone(), c.name.clone())) {
                return Some(format!(
                    "constraint {} on {t}",
                    plumb_model::quote_ident(&c.name)
                ));
            }
        }
    }
    None
}

fn describe(k: &Key) -> String {
    match k {
        Key::Relation(q) => format!("relation {q}"),
        Key::Function(id) => format!("function {id}"),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ObjectKind;
    use plumb_model::{PartitionOf, Table};

    fn op(key: Key, role: Action) -> Op {
        Op {
            key,
            also: Vec::new(),
            role,
            action: role,
            kind: ObjectKind::Table,
            object: String::new(),
            sql: vec!["-- step".into()],
            hazards: Vec::new(),
            transactional: true,
            class: 0,
            stage: None,
        }
    }

    fn table(name: &str, parent: Option<&str>) -> Table {
        let mut t = Table {
            name: QualName::new("public", name),
            ..Table::default()
        };
        t.partition_of = parent.map(|p| PartitionOf {
            parent: QualName::new("public", p),
            bound: "DEFAULT".into(),
        });
        t
    }

    fn db(tables: &[Table]) -> Database {
        let mut d = Database::default();
        for t in tables {
            d.tables.insert(t.name.clone(), t.clone());
        }
        d
    }

    #[test]
    fn a_partition_dropped_with_its_parent_and_not_created_again_is_lost() {
        let both = db(&[table("m", None), table("m_1", Some("m"))]);
        let m = Key::Relation(QualName::new("public", "m"));
        let m1 = Key::Relation(QualName::new("public", "m_1"));
        let lossy = vec![op(m.clone(), Action::Drop), op(m.clone(), Action::Create)];
        assert_eq!(
            lost_object(&both, &both, &lossy).as_deref(),
            Some("table public.m_1")
        );
        let whole = vec![
            op(m.clone(), Action::Drop),
            op(m, Action::Create),
            op(m1, Action::Create),
        ];
        assert_eq!(lost_object(&both, &both, &whole), None);
    }

    #[test]
    fn a_dropped_table_the_target_lacks_is_not_lost() {
        let from = db(&[table("m", None), table("m_1", Some("m"))]);
        let to = db(&[]);
        let ops = vec![op(
            Key::Relation(QualName::new("public", "m")),
            Action::Drop,
        )];
        assert_eq!(lost_object(&from, &to, &ops), None);
    }
}
