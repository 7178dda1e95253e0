//! Functions, procedures and aggregates: replaced in place, or dropped and created again when what they
//! return changes.

use plumb_model::{AclKind, Function};

use super::Targets;
use crate::compare::{function_kind, ChangeSet, Obj, ObjDelta};
use crate::differ::{class, or_replace, strip_stmt, Differ};
use crate::keys::Key;
use crate::{Action, Attribute};

impl<'a> Differ<'a> {
    pub(crate) fn write_functions(&mut self, cs: &ChangeSet<'a>) {
        for d in &cs.deltas {
            let Obj::Function { delta, redefine } = &d.obj else {
                continue;
            };
            match delta {
                ObjDelta::Drop(f) => self.drop_function(f),
                ObjDelta::Create(t) => self.create_function(t),
                ObjDelta::Alter { from, to, attrs } => {
                    let key = Key::Function(to.id.clone());
                    if attrs.iter().any(|a| a.attr == Attribute::Returns) {
                        self.drop_function(from);
                        self.create_function(to);
                        self.rebuilt.insert(key);
                        continue;
                    }
                    if *redefine {
                        let sql = self.create_function_sql(to, true);
                        self.alter_op(key.clone(), d.kind, &d.object, sql, class::FUNCTION, None);
                    }
                    let target = format!("{} {}", function_kind(to).1, d.object);
                    let targets = Targets::new(&target, Some(&target));
                    self.write_common(&key, d.kind, &d.object, &targets, attrs, None);
                }
            }
        }
    }

    /// The statement that creates (or replaces) a function; none, and an error noted, when the model has no
    /// definition.
    pub(crate) fn create_function_sql(&mut self, f: &Function, replace: bool) -> Vec<String> {
        let def = strip_stmt(&f.definition);
        if def.is_empty() {
            self.out.errors.push((
                f.id.to_string(),
                "the model has no definition to create it from".to_string(),
            ));
            return Vec::new();
        }
        let def = if replace {
            or_replace(def)
        } else {
            def.to_string()
        };
        vec![format!("{def};")]
    }

    pub(crate) fn create_function(&mut self, f: &Function) {
        let (kind, kw) = function_kind(f);
        let obj = f.id.to_string();
        let mut sql = self.create_function_sql(f, false);
        let target = format!("{kw} {obj}");
        self.create_extras(
            &target,
            Some((AclKind::Function, &target)),
            &f.common,
            &mut sql,
        );
        self.op(
            Key::Function(f.id.clone()),
            Action::Create,
            kind,
            &obj,
            sql,
            vec![],
            class::FUNCTION,
            None,
        );
    }

    pub(crate) fn drop_function(&mut self, f: &Function) {
        let (kind, kw) = function_kind(f);
        let obj = f.id.to_string();
        self.op(
            Key::Function(f.id.clone()),
            Action::Drop,
            kind,
            &obj,
            vec![format!("DROP {kw} {obj};")],
            vec![],
            class::FUNCTION,
            None,
        );
        self.seeds.insert(Key::Function(f.id.clone()));
    }
}
