//! Constraints of a table that stays: dropped, added, dropped and added again, their index's storage
//! parameters, `VALIDATE CONSTRAINT`, comment.

use plumb_model::{quote_ident, Constraint, QualName, Table};

use crate::compare::ObjDelta;
use crate::differ::{
    class, comment_sql, constraint_def_core, hz, split_storage_params, Differ, Stage,
};
use crate::keys::Key;
use crate::{Attribute, HazardKind, ObjectKind};

impl Differ<'_> {
    pub(crate) fn write_constraint(&mut self, t: &Table, delta: &ObjDelta<'_, Constraint>) {
        let name = &t.name;
        let (c, tc, attrs) = match delta {
            ObjDelta::Drop(c) => return self.drop_constraint(name, c),
            ObjDelta::Create(c) => return self.add_constraint(t, c, false),
            ObjDelta::Alter { from, to, attrs } => (from, to, attrs),
        };
        let cn = &tc.name;
        let cobj = format!("{} on {name}", quote_ident(cn));
        let key = || Key::Constraint(name.clone(), cn.clone());
        for a in attrs {
            match a.attr {
                Attribute::StorageParameters => {
                    let index = t
                        .indexes
                        .values()
                        .find(|i| i.constraint.as_deref() == Some(cn.as_str()))
                        .map_or(cn.as_str(), |i| i.name.as_str());
                    let split = split_storage_params(constraint_def_core(c))
                        .zip(split_storage_params(constraint_def_core(tc)));
                    if let Some(((_, ap), (_, bp))) = split {
                        self.alter_storage_params(
                            key(),
                            &cobj,
                            &QualName::new(&name.schema, index).to_string(),
                            (&ap, &bp),
                        );
                    }
                }
                Attribute::Definition => {
                    self.drop_constraint(name, c);
                    self.add_constraint(t, tc, false);
                }
                Attribute::Validated => {
                    let sql = vec![format!(
                        "ALTER TABLE {name} VALIDATE CONSTRAINT {};",
                        quote_ident(cn)
                    )];
                    let h = vec![hz(
                        HazardKind::LongLock,
                        "scans the table (with a lock that allows reads and writes)",
                    )];
                    self.op(
                        key(),
                        crate::Action::Alter,
                        ObjectKind::Constraint,
                        &cobj,
                        sql,
                        h,
                        class::CONSTRAINT,
                        Some(Stage::AfterColumns),
                    );
                }
                Attribute::Comment => {
                    let sql = vec![comment_sql(
                        &format!("CONSTRAINT {} ON {name}", quote_ident(cn)),
                        tc.comment.as_deref(),
                    )];
                    self.alter_op(
                        key(),
                        ObjectKind::Constraint,
                        &cobj,
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
