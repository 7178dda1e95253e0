//! Row-level security policies of a table: dropped and created again, or `ALTER POLICY`.

use plumb_model::{quote_ident, Policy, QualName};

use crate::compare::ObjDelta;
use crate::differ::{class, comment_sql, policy_roles, Differ, Stage};
use crate::keys::Key;
use crate::{Attribute, ObjectKind};

impl Differ<'_> {
    pub(crate) fn write_policy(
        &mut self,
        name: &QualName,
        delta: &ObjDelta<'_, Policy>,
        recreate: bool,
    ) {
        let (p, tp, attrs) = match delta {
            ObjDelta::Drop(p) => return self.drop_policy(name, p),
            ObjDelta::Create(p) => return self.create_policy(name, p),
            ObjDelta::Alter { from, to, attrs } => (from, to, attrs),
        };
        if recreate {
            self.drop_policy(name, p);
            self.create_policy(name, tp);
            return;
        }
        let n = &tp.name;
        let mut parts = Vec::new();
        let mut sql = Vec::new();
        for a in attrs {
            match a.attr {
                Attribute::Roles => parts.push(format!("TO {}", policy_roles(&tp.roles))),
                Attribute::Using => parts.extend(tp.using.as_ref().map(|u| format!("USING ({u})"))),
                Attribute::WithCheck => {
                    parts.extend(tp.with_check.as_ref().map(|w| format!("WITH CHECK ({w})")))
                }
                _ => {}
            }
        }
        if !parts.is_empty() {
            sql.push(format!(
                "ALTER POLICY {} ON {name} {};",
                quote_ident(n),
                parts.join(" ")
            ));
        }
        if attrs.iter().any(|a| a.attr == Attribute::Comment) {
            sql.push(comment_sql(
                &format!("POLICY {} ON {name}", quote_ident(n)),
                tp.comment.as_deref(),
            ));
        }
        if !sql.is_empty() {
            self.alter_op(
                Key::Policy(name.clone(), n.clone()),
                ObjectKind::Policy,
                &format!("{} on {name}", quote_ident(n)),
                sql,
                class::POLICY,
                Some(Stage::AfterColumns),
            );
        }
    }
}
