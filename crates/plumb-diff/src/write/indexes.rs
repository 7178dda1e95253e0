//! Indexes of a table that stays: dropped, created, dropped and created again, their storage parameters,
//! comment. (Its `CLUSTER ON` is written by `Differ::write_cluster`.)

use plumb_model::{quote_ident, Index, Table};

use crate::compare::{ObjDelta, PartitionStep};
use crate::differ::{class, comment_sql, split_storage_params, strip_stmt, Differ, Stage};
use crate::keys::Key;
use crate::{Action, Attribute, ObjectKind};

impl Differ<'_> {
    pub(crate) fn write_table_index(&mut self, t: &Table, delta: &ObjDelta<'_, Index>) {
        let name = &t.name;
        let partitioned = t.partition_by.is_some();
        let (i, ti, attrs) = match delta {
            ObjDelta::Drop(i) => return self.drop_index(name, i),
            ObjDelta::Create(i) => return self.create_index(name, i, false, partitioned),
            ObjDelta::Alter { from, to, attrs } => (from, to, attrs),
        };
        let iobj = format!("{}.{}", quote_ident(&name.schema), quote_ident(&ti.name));
        let key = || Key::Index(name.clone(), ti.name.clone());
        for a in attrs {
            match a.attr {
                Attribute::StorageParameters => {
                    let split = split_storage_params(strip_stmt(&i.definition))
                        .zip(split_storage_params(strip_stmt(&ti.definition)));
                    if let Some(((_, ap), (_, bp))) = split {
                        self.alter_storage_params(key(), &iobj, &iobj, (&ap, &bp));
                    }
                }
                Attribute::Definition => {
                    self.drop_index(name, i);
                    self.create_index(name, ti, false, partitioned);
                }
                Attribute::Comment => {
                    let sql = vec![comment_sql(&format!("INDEX {iobj}"), ti.comment.as_deref())];
                    self.alter_op(
                        key(),
                        ObjectKind::Index,
                        &iobj,
                        sql,
                        class::MISC,
                        Some(Stage::AfterColumns),
                    );
                }
                _ => {}
            }
        }
    }
}

impl Differ<'_> {
    /// An index of partition `t` attached to a parent index (see `Comparer::partition_indexes`): attached,
    /// created and attached (in a step of its own after `CREATE INDEX CONCURRENTLY`), or the key behind it
    /// attached.
    pub(crate) fn write_partition_index(&mut self, t: &Table, i: &Index, step: &PartitionStep) {
        let tn = &t.name;
        let Some(pi) = &i.parent_index else { return };
        let obj = format!("{}.{}", quote_ident(&tn.schema), quote_ident(&i.name));
        let attach = format!("ALTER INDEX {pi} ATTACH PARTITION {obj};");
        let attach_op = |d: &mut Self, key: Key, kind: ObjectKind, obj: &str, attach: String| {
            d.op(
                key,
                Action::Alter,
                kind,
                obj,
                vec![attach],
                vec![],
                class::INDEX,
                Some(Stage::AfterColumns),
            );
        };
        match step {
            PartitionStep::AttachIndex => attach_op(
                self,
                Key::Index(tn.clone(), i.name.clone()),
                ObjectKind::Index,
                &obj,
                attach,
            ),
            PartitionStep::AttachKey(cn) => attach_op(
                self,
                Key::Constraint(tn.clone(), cn.clone()),
                ObjectKind::Constraint,
                &format!("{} on {tn}", quote_ident(cn)),
                attach,
            ),
            PartitionStep::CreateIndex { new_table } => {
                let n = self.out.ops.len();
                self.create_index(tn, i, *new_table, t.partition_by.is_some());
                match self.out.ops.get_mut(n) {
                    Some(o) if o.transactional => o.sql.push(attach),
                    // after CREATE INDEX CONCURRENTLY, in a step of its own
                    _ => attach_op(
                        self,
                        Key::Index(tn.clone(), i.name.clone()),
                        ObjectKind::Index,
                        &obj,
                        attach,
                    ),
                }
            }
        }
    }
}
