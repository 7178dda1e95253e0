//! Tables: `REPLICA IDENTITY`, and the statements of a table's own attributes that change (`ALTER TABLE ... ATTACH/DETACH
//! PARTITION, [NOT] OF, [NO] INHERIT, SET [UN]LOGGED, SET/RESET (...), ... ROW LEVEL SECURITY`), before or
//! after its column changes, and the drops of tables that go away. A table's parts are the other modules';
//! `CREATE TABLE` is `Differ::create_table` (`crate::differ`).

use std::collections::BTreeMap;

use plumb_model::{Persistence, QualName, ReplicaIdentity, Table};

use super::Targets;
use crate::compare::{AttrDelta, ChangeSet, Obj};
use crate::differ::{class, hz, reloption, reloption_name, Differ, Stage};
use crate::keys::Key;
use crate::{Action, Attribute, HazardKind, ObjectKind};

/// One statement on a table: its SQL, hazard, priority class and stage.
type TableStep = (
    String,
    Option<(HazardKind, &'static str)>,
    u8,
    Option<Stage>,
);

impl<'a> Differ<'a> {
    /// `DROP TABLE` of the tables that go away (a partition dropped with its parent has no step of its own:
    /// the parent's names it in `Op::also`), then the foreign keys of a cycle among them.
    pub(crate) fn write_tables_gone(&mut self, cs: &ChangeSet<'a>) {
        let from = self.from;
        let dropped = self.dropped_tables.clone();
        for d in &cs.deltas {
            let Obj::TableGone { table: f, .. } = &d.obj else {
                continue;
            };
            let name = &f.name;
            let obj = &d.object;
            self.seeds.insert(Key::Relation(name.clone()));
            if f.partition_of
                .as_ref()
                .is_some_and(|p| dropped.contains(&p.parent))
            {
                continue;
            }
            let parts = dropped
                .iter()
                .filter(|n| {
                    from.tables
                        .get(*n)
                        .and_then(|x| x.partition_of.as_ref())
                        .is_some_and(|p| &p.parent == name)
                })
                .count();
            let h = vec![hz(
                HazardKind::DataLoss,
                if parts == 0 {
                    format!("drops table {obj} and its rows")
                } else {
                    format!("drops table {obj} with its {parts} partition(s) and their rows")
                },
            )];
            let i = self.op(
                Key::Relation(name.clone()),
                Action::Drop,
                ObjectKind::Table,
                obj,
                vec![format!("DROP TABLE {obj};")],
                h,
                class::TABLE,
                None,
            );
            // the partitions it drops with it (at any depth) are dropped by this step: their names are free
            // after it, and what depends on them (their schema, a view) is ordered around it
            let mut under = vec![name.clone()];
            while let Some(p) = under.pop() {
                for (n, x) in &from.tables {
                    if x.partition_of.as_ref().is_some_and(|po| po.parent == p) {
                        self.out.ops[i].also.push(Key::Relation(n.clone()));
                        under.push(n.clone());
                    }
                }
            }
        }
        self.break_dropped_fk_cycles(&dropped);
    }

    /// `REPLICA IDENTITY` of tables and partitioned tables. `USING INDEX` is set by the step that creates
    /// the index when this plan creates it (a new table, or an index created again, which loses the setting:
    /// then set again even when it did not change), with a new table's creation, else by a step of its own
    /// after the table's column changes.
    pub(crate) fn write_replica_identities(&mut self, cs: &ChangeSet<'a>) {
        let changed: BTreeMap<&QualName, bool> = cs
            .deltas
            .iter()
            .filter_map(|d| match &d.obj {
                Obj::ReplicaIdentity { table, attr } => Some((&table.name, attr.is_some())),
                _ => None,
            })
            .collect();
        for (name, t) in &self.to.tables {
            let index_created = match &t.replica_identity {
                ReplicaIdentity::Index(i) => {
                    let k = Key::Index(name.clone(), i.clone());
                    self.out
                        .ops
                        .iter()
                        .position(|o| o.key == k && o.role == Action::Create)
                }
                _ => None,
            };
            let kept = changed.get(name);
            if kept.is_none() && index_created.is_none() {
                continue;
            }
            let stmt = format!(
                "ALTER TABLE {name} REPLICA IDENTITY {};",
                t.replica_identity.sql()
            );
            if let Some(i) = index_created {
                self.out.ops[i].sql.push(stmt);
            } else if kept == Some(&false) {
                // a new table: with its creation
                let k = Key::Relation(name.clone());
                if let Some(o) = self
                    .out
                    .ops
                    .iter_mut()
                    .find(|o| o.key == k && o.role == Action::Create)
                {
                    o.sql.push(stmt);
                }
            } else {
                let obj = name.to_string();
                let key = Key::Relation(name.clone());
                self.alter_op(
                    key,
                    ObjectKind::Table,
                    &obj,
                    vec![stmt],
                    class::MISC,
                    Some(Stage::AfterColumns),
                );
            }
        }
    }

    pub(crate) fn write_table_alter(&mut self, f: &Table, t: &Table, attrs: &[AttrDelta]) {
        let name = &t.name;
        for a in attrs {
            let mut steps: Vec<TableStep> = Vec::new();
            let before = Some(Stage::BeforeColumns);
            let after = Some(Stage::AfterColumns);
            match a.attr {
                Attribute::PartitionOf => {
                    // detach before the column changes, attach after
                    if let Some(p) = &f.partition_of {
                        let sql = format!("ALTER TABLE {} DETACH PARTITION {name};", p.parent);
                        steps.push((sql, None, class::TABLE, before));
                    }
                    if let Some(p) = &t.partition_of {
                        let sql = format!(
                            "ALTER TABLE {} ATTACH PARTITION {name} {};",
                            p.parent, p.bound
                        );
                        let h = (HazardKind::LongLock, "scans the table to check the partition bound unless a matching CHECK constraint exists");
                        steps.push((sql, Some(h), class::TABLE, after));
                    }
                }
                Attribute::OfType => {
                    if f.of_type.is_some() {
                        let sql = format!("ALTER TABLE {name} NOT OF;");
                        steps.push((sql, None, class::TABLE, before));
                    }
                    if let Some(ty) = &t.of_type {
                        steps.push((
                            format!("ALTER TABLE {name} OF {ty};"),
                            None,
                            class::TABLE,
                            after,
                        ));
                    }
                }
                Attribute::Inherits => {
                    for p in f.inherits.iter().filter(|p| !t.inherits.contains(p)) {
                        let sql = format!("ALTER TABLE {name} NO INHERIT {p};");
                        steps.push((sql, None, class::TABLE, before));
                    }
                    for p in t.inherits.iter().filter(|p| !f.inherits.contains(p)) {
                        let sql = format!("ALTER TABLE {name} INHERIT {p};");
                        steps.push((sql, None, class::TABLE, after));
                    }
                }
                Attribute::Persistence => {
                    let logged = t.persistence == Persistence::Permanent;
                    let sql = format!(
                        "ALTER TABLE {name} SET {};",
                        if logged { "LOGGED" } else { "UNLOGGED" }
                    );
                    let h = (
                        HazardKind::TableRewrite,
                        "rewrites the table under an ACCESS EXCLUSIVE lock",
                    );
                    steps.push((sql, Some(h), class::TABLE, None));
                }
                Attribute::Options => {
                    self.table_options(f, t);
                }
                Attribute::RlsEnabled => {
                    let sql = format!(
                        "ALTER TABLE {name} {} ROW LEVEL SECURITY;",
                        if t.rls_enabled { "ENABLE" } else { "DISABLE" }
                    );
                    steps.push((sql, None, class::MISC, None));
                }
                Attribute::RlsForced => {
                    let sql = format!(
                        "ALTER TABLE {name} {} ROW LEVEL SECURITY;",
                        if t.rls_forced { "FORCE" } else { "NO FORCE" }
                    );
                    steps.push((sql, None, class::MISC, None));
                }
                _ => {}
            }
            for (sql, h, class, stage) in steps {
                self.op(
                    Key::Relation(name.clone()),
                    Action::Alter,
                    ObjectKind::Table,
                    &name.to_string(),
                    vec![sql],
                    h.map(|(k, m)| hz(k, m)).into_iter().collect(),
                    class,
                    stage,
                );
            }
        }
        let target = format!("TABLE {name}");
        let targets = Targets::new(&target, Some(&target));
        let key = Key::Relation(name.clone());
        self.write_common(
            &key,
            ObjectKind::Table,
            &name.to_string(),
            &targets,
            attrs,
            None,
        );
    }

    /// `RESET` the storage parameters `t` does not set, `SET` those it sets anew, in one operation.
    fn table_options(&mut self, f: &Table, t: &Table) {
        let name = &t.name;
        let mut sql = Vec::new();
        let reset: Vec<String> = f
            .options
            .iter()
            .filter(|o| {
                !t.options
                    .iter()
                    .any(|x| reloption_name(x) == reloption_name(o))
            })
            .map(|o| reloption_name(o))
            .collect();
        if !reset.is_empty() {
            sql.push(format!("ALTER TABLE {name} RESET ({});", reset.join(", ")));
        }
        let set: Vec<String> = t
            .options
            .iter()
            .filter(|o| !f.options.contains(o))
            .map(|o| reloption(o))
            .collect();
        if !set.is_empty() {
            sql.push(format!("ALTER TABLE {name} SET ({});", set.join(", ")));
        }
        self.alter_op(
            Key::Relation(name.clone()),
            ObjectKind::Table,
            &name.to_string(),
            sql,
            class::TABLE,
            None,
        );
    }
}
