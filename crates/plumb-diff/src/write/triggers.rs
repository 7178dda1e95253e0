//! Triggers of a table or view: dropped and created again when their definition changes, else altered.

use plumb_model::{quote_ident, QualName, Trigger};

use crate::compare::ObjDelta;
use crate::differ::{class, comment_sql, Differ, Stage};
use crate::keys::Key;
use crate::{Attribute, ObjectKind};

impl Differ<'_> {
    pub(crate) fn write_trigger(&mut self, table: &QualName, delta: &ObjDelta<'_, Trigger>) {
        let (from, to, attrs) = match delta {
            ObjDelta::Drop(tr) => return self.drop_trigger(table, tr),
            ObjDelta::Create(tr) => return self.create_trigger(table, tr),
            ObjDelta::Alter { from, to, attrs } => (from, to, attrs),
        };
        let n = &to.name;
        let mut sql = Vec::new();
        for a in attrs {
            match a.attr {
                Attribute::Definition => {
                    self.drop_trigger(table, from);
                    self.create_trigger(table, to);
                    return;
                }
                Attribute::Enabled => sql.push(format!(
                    "ALTER TABLE {table} {} {};",
                    to.enabled.alter_table_words(),
                    quote_ident(n)
                )),
                Attribute::Comment => sql.push(comment_sql(
                    &format!("TRIGGER {} ON {table}", quote_ident(n)),
                    to.comment.as_deref(),
                )),
                _ => {}
            }
        }
        if !sql.is_empty() {
            self.alter_op(
                Key::Trigger(table.clone(), n.clone()),
                ObjectKind::Trigger,
                &format!("{} on {table}", quote_ident(n)),
                sql,
                class::TRIGGER,
                Some(Stage::AfterColumns),
            );
        }
    }
}
