//! Tables: the statements of a table's own attributes that change (`ALTER TABLE ... ATTACH/DETACH
//! PARTITION, [NOT] OF, [NO] INHERIT, SET [UN]LOGGED, SET/RESET (...), ... ROW LEVEL SECURITY`), before or
//! after its column changes. Creating, dropping and the table's parts are still the walk's (`crate::differ`).

use plumb_model::{Persistence, Table};

use super::Targets;
use crate::compare::AttrDelta;
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

impl Differ<'_> {
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
