//! Sequences: options, `OWNED BY`, identity sequences.

use super::*;

pub(super) fn seq_option_clauses(
    o: &SequenceOptions,
    base: Option<&SequenceOptions>,
    with_type: bool,
) -> Vec<String> {
    // PostgreSQL's defaults: INCREMENT BY 1, and bounds and start that follow the increment's direction
    let d = SequenceOptions {
        increment: 1,
        ..SequenceOptions::defaults(&o.data_type, o.increment)
    };
    let fresh = base.is_none();
    let base = base.unwrap_or(&d);
    let mut c = Vec::new();
    let type_differs = if fresh {
        o.data_type != "bigint"
    } else {
        o.data_type != base.data_type
    };
    if with_type
        && type_differs
        && matches!(o.data_type.as_str(), "smallint" | "integer" | "bigint")
    {
        c.push(format!("AS {}", o.data_type));
    }
    if o.increment != base.increment {
        c.push(format!("INCREMENT BY {}", o.increment));
    }
    if o.min_value != base.min_value {
        c.push(format!("MINVALUE {}", o.min_value));
    }
    if o.max_value != base.max_value {
        c.push(format!("MAXVALUE {}", o.max_value));
    }
    if o.start != base.start {
        c.push(format!("START WITH {}", o.start));
    }
    if o.cache != base.cache {
        c.push(format!("CACHE {}", o.cache));
    }
    if o.cycle != base.cycle {
        c.push(if o.cycle {
            "CYCLE".to_string()
        } else {
            "NO CYCLE".to_string()
        });
    }
    c
}

/// The new bounds of a sequence are narrower than the old ones: its current value may be outside them.
pub(super) fn narrowed(
    old: &plumb_model::SequenceOptions,
    new: &plumb_model::SequenceOptions,
) -> bool {
    new.min_value > old.min_value || new.max_value < old.max_value
}

pub(super) fn restart_hazard() -> Hazard {
    hz(
        HazardKind::DataLoss,
        "its bounds narrow, so the sequence restarts at its START value: values it already handed out may be handed out again",
    )
}

impl<'a> Differ<'a> {
    // ----- sequences ----------------------------------------------------------------------------------

    pub(super) fn identity_sequences(db: &Database) -> BTreeSet<&QualName> {
        db.tables
            .values()
            .flat_map(|t| t.columns.iter())
            .filter_map(|c| c.identity.as_ref()?.sequence.as_ref())
            .collect()
    }

    /// The sequence's owning column (or table) is dropped by this plan, and the sequence with it. A column
    /// that is only converted (a serial column becoming `text`) keeps its sequence: it is dropped on its own.
    pub(super) fn owner_gone(&self, s: &Sequence) -> bool {
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

    pub(super) fn sequences(&mut self) {
        let (from, to) = (self.from, self.to);
        let fid = Self::identity_sequences(from);
        let tid = Self::identity_sequences(to);
        let seq_pairs = pairs(&from.sequences, &to.sequences);
        for &(name, s, in_to) in &seq_pairs {
            let Some(s) = s else { continue };
            if fid.contains(name) || in_to.is_some() && !tid.contains(name) {
                continue;
            }
            let obj = name.to_string();
            self.change(ObjectKind::Sequence, &obj, Action::Drop);
            self.seeds.insert(Key::Sequence(name.clone()));
            if self.owner_gone(s) {
                continue; // dropped with its column
            }
            self.op(
                Key::Sequence(name.clone()),
                Action::Drop,
                ObjectKind::Sequence,
                &obj,
                vec![format!("DROP SEQUENCE {obj};")],
                vec![],
                class::SEQUENCE,
                None,
            );
        }
        for &(name, in_from, s) in &seq_pairs {
            let Some(s) = s else { continue };
            if tid.contains(name) {
                continue;
            }
            let existing = in_from.filter(|_| !fid.contains(name));
            if existing.is_some_and(|f| f == s && !self.owner_gone(f)) {
                continue;
            }
            let obj = name.to_string();
            let key = Key::Sequence(name.clone());
            let target = format!("SEQUENCE {name}");
            match existing {
                None => {
                    self.change(ObjectKind::Sequence, &obj, Action::Create);
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
                        key,
                        Action::Create,
                        ObjectKind::Sequence,
                        &obj,
                        sql,
                        vec![],
                        class::SEQUENCE,
                        None,
                    );
                    if let Some(o) = &s.owned_by {
                        self.owned_by(name, Some(o), Action::Create);
                    }
                }
                Some(f) => {
                    if f.options != s.options {
                        let mut opts = seq_option_clauses(&s.options, Some(&f.options), true);
                        // the current value may fall outside the new bounds
                        let restart = narrowed(&f.options, &s.options);
                        if restart {
                            opts.push(format!("RESTART WITH {}", s.options.start));
                        }
                        self.change_attr(
                            ObjectKind::Sequence,
                            &obj,
                            Attribute::Options,
                            None,
                            Some(opts.join(" ")),
                        );
                        if !opts.is_empty() {
                            let sql = vec![format!("ALTER SEQUENCE {name} {};", opts.join(" "))];
                            let hazards = if restart {
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
                    if f.owned_by != s.owned_by || gone {
                        if f.owned_by != s.owned_by {
                            self.change_attr(
                                ObjectKind::Sequence,
                                &obj,
                                Attribute::OwnedBy,
                                f.owned_by
                                    .as_ref()
                                    .map(|o| format!("{}.{}", o.table, quote_ident(&o.column))),
                                s.owned_by
                                    .as_ref()
                                    .map(|o| format!("{}.{}", o.table, quote_ident(&o.column))),
                            );
                        }
                        if gone || s.owned_by.is_none() {
                            self.owned_by(name, None, Action::Drop);
                        }
                        if s.owned_by.is_some() {
                            self.owned_by(name, s.owned_by.as_ref(), Action::Create);
                        }
                    }
                    self.common_alters(
                        &key,
                        ObjectKind::Sequence,
                        &obj,
                        &target,
                        &target,
                        Some((AclKind::Sequence, &target)),
                        &f.common,
                        &s.common,
                        None,
                    );
                }
            }
        }
    }

    pub(super) fn owned_by(
        &mut self,
        name: &QualName,
        o: Option<&plumb_model::ColumnRef>,
        role: Action,
    ) {
        let target = match o {
            Some(o) => format!("{}.{}", o.table, quote_ident(&o.column)),
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
