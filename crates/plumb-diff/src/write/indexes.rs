//! Indexes of a table that stays: dropped, created, dropped and created again, their storage parameters,
//! comment. (Its `CLUSTER ON` is written by `Differ::write_cluster`.)

use plumb_model::{quote_ident, Index, Table};

use crate::compare::ObjDelta;
use crate::differ::{class, comment_sql, split_storage_params, strip_stmt, Differ, Stage};
use crate::keys::Key;
use crate::{Attribute, ObjectKind};

impl Differ<'_> {
    pub(crate) fn write_table_index(&mut self, t: &Table, delta: &ObjDelta<'_, Index>) {
        let name = &t.name;
        let partitioned = t.partition_by.is_some();
        let (i, ti, attrs) = match delta {
            ObjDelta::Drop(i) => return self.drop_index(name, i, false),
            ObjDelta::Create(i) => return self.create_index(name, i, false, false, partitioned),
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
                    self.drop_index(name, i, false);
                    self.create_index(name, ti, false, false, partitioned);
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
