//! Sequences: `CREATE`/`ALTER`/`DROP SEQUENCE`, and `OWNED BY` as its own operation (it follows the table).

use std::collections::BTreeMap;

use plumb_model::{AclKind, QualName, Sequence};

use super::Targets;
use crate::compare::{identity_sequences, AttrDelta, ChangeSet, Obj, ObjDelta};
use crate::differ::{class, narrowed, restart_hazard, seq_option_clauses, Differ};
use crate::keys::Key;
use crate::{Action, Attribute, ObjectKind};

impl<'a> Differ<'a> {
    /// Drops in the change set's order, then the sequences of the "to" side by name: those created or
    /// altered, and those unchanged whose owning column this plan drops (their `OWNED BY` is set again).
    pub(crate) fn write_sequences(&mut self, cs: &ChangeSet<'a>) {
        let mut kept: BTreeMap<&QualName, &ObjDelta<'a, Sequence>> = BTreeMap::new();
        for d in &cs.deltas {
            let Obj::Sequence(s) = &d.obj else { continue };
            match s {
                ObjDelta::Drop(s) => {
                    self.seeds.insert(Key::Sequence(s.name.clone()));
                    if self.owner_gone(s) {
                        continue; // dropped with its column
                    }
                    self.op(
                        Key::Sequence(s.name.clone()),
                        Action::Drop,
                        ObjectKind::Sequence,
                        &d.object,
                        vec![format!("DROP SEQUENCE {};", d.object)],
                        vec![],
                        class::SEQUENCE,
                        None,
                    );
                }
                ObjDelta::Create(t) | ObjDelta::Alter { to: t, .. } => {
                    kept.insert(&t.name, s);
                }
            }
        }
        let (from, to) = (self.from, self.to);
        let (fid, tid) = (identity_sequences(from), identity_sequences(to));
        for (name, s) in &to.sequences {
            if tid.contains(name) {
                continue;
            }
            match kept.get(name) {
                Some(ObjDelta::Create(s)) => self.create_sequence(s),
                Some(ObjDelta::Alter { from, to, attrs }) => self.alter_sequence(from, to, attrs),
                Some(ObjDelta::Drop(_)) => {}
                None => {
                    // unchanged: its `OWNED BY` goes with a dropped column and is set again
                    if let Some(f) = from.sequences.get(name).filter(|_| !fid.contains(name)) {
                        if self.owner_gone(f) {
                            self.alter_sequence(f, s, &[]);
                        }
                    }
                }
            }
        }
    }

    fn create_sequence(&mut self, s: &Sequence) {
        let name = &s.name;
        let target = format!("SEQUENCE {name}");
        let opts = seq_option_clauses(&s.options, None, true);
        let mut stmt = format!("CREATE SEQUENCE {name}");
        if !opts.is_empty() {
            stmt.push(' ');
            stmt.push_str(&opts.join(" "));
        }
        let mut sql = vec![stmt + ";"];
        self.create_extras(
            &target,
            Some((AclKind::Sequence, &target)),
            &s.common,
            &mut sql,
        );
        self.op(
            Key::Sequence(name.clone()),
            Action::Create,
            ObjectKind::Sequence,
            &name.to_string(),
            sql,
            vec![],
            class::SEQUENCE,
            None,
        );
        if let Some(o) = &s.owned_by {
            self.owned_by(name, Some(o), Action::Create);
        }
    }

    fn alter_sequence(&mut self, f: &Sequence, s: &Sequence, attrs: &[AttrDelta]) {
        let name = &s.name;
        let obj = name.to_string();
        let key = Key::Sequence(name.clone());
        let has = |attr| attrs.iter().find(|a| a.attr == attr);
        if let Some(opts) = has(Attribute::Options).and_then(|a| a.to.as_deref()) {
            if !opts.is_empty() {
                let sql = vec![format!("ALTER SEQUENCE {name} {opts};")];
                // the current value may fall outside the new bounds: it restarts
                let hazards = if narrowed(&f.options, &s.options) {
                    vec![restart_hazard()]
                } else {
                    vec![]
                };
                self.op(
                    key.clone(),
                    Action::Alter,
                    ObjectKind::Sequence,
                    &obj,
                    sql,
                    hazards,
                    class::SEQUENCE,
                    None,
                );
            }
        }
        let gone = self.owner_gone(f);
        if has(Attribute::OwnedBy).is_some() || gone {
            if gone || s.owned_by.is_none() {
                self.owned_by(name, None, Action::Drop);
            }
            if s.owned_by.is_some() {
                self.owned_by(name, s.owned_by.as_ref(), Action::Create);
            }
        }
        let target = format!("SEQUENCE {name}");
        let targets = Targets::new(&target, Some(&target));
        self.write_common(&key, ObjectKind::Sequence, &obj, &targets, attrs, None);
    }

    /// The sequence's owning column (or table) is dropped by this plan, and the sequence with it. A column
    /// that is only converted (a serial column becoming `text`) keeps its sequence: it is dropped on its own.
    fn owner_gone(&self, s: &Sequence) -> bool {
        s.owned_by.as_ref().is_some_and(|o| {
            let col = Key::Column(o.table.clone(), o.column.clone());
            self.dropped_tables.contains(&o.table)
                || (self.seeds.contains(&col)
                    && self
                        .out
                        .ops
                        .iter()
                        .any(|op| op.key == col && op.role == Action::Drop))
        })
    }

    fn owned_by(&mut self, name: &QualName, o: Option<&plumb_model::ColumnRef>, role: Action) {
        let target = match o {
            Some(o) => format!("{}.{}", o.table, plumb_model::quote_ident(&o.column)),
            None => "NONE".to_string(),
        };
        let sql = vec![format!("ALTER SEQUENCE {name} OWNED BY {target};")];
        let i = self.op(
            Key::SeqOwner(name.clone()),
            role,
            ObjectKind::Sequence,
            &name.to_string(),
            sql,
            vec![],
            class::SEQ_OWNER,
            None,
        );
        self.out.ops[i].action = Action::Alter;
    }
}
