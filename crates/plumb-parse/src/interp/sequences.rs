//! `CREATE SEQUENCE`, `ALTER SEQUENCE` and `OWNED BY`.

use super::*;

pub(super) fn seq_options(
    data_type: &str,
    opts: &[&protobuf::DefElem],
    base: Option<SequenceOptions>,
) -> R<SequenceOptions> {
    let mut data_type = data_type.to_string();
    let mut increment = base.as_ref().map(|b| b.increment).unwrap_or(1);
    let mut start = None;
    let mut min = None;
    let mut max = None;
    let mut cache = None;
    let mut cycle = None;
    for d in opts {
        let arg = d.arg.as_deref();
        let v = arg.and_then(int_of);
        match d.defname.as_str() {
            "as" => {
                if let Some(Node {
                    node: Some(N::TypeName(t)),
                }) = arg
                {
                    let n = strs(&t.names);
                    if let Some(b) = n.last().and_then(|x| builtin(x, &[], true)) {
                        data_type = b;
                    }
                }
            }
            "increment" => increment = v.unwrap_or(1),
            "start" => start = v,
            "minvalue" => min = Some(v),
            "maxvalue" => max = Some(v),
            "cache" => cache = v,
            "cycle" => {
                cycle = Some(
                    arg.and_then(str_of)
                        .map(|s| s != "false" && s != "0")
                        .unwrap_or(true),
                )
            }
            "restart" | "owned_by" | "sequence_name" => {}
            other => {
                return fail(
                    format!("unrecognized sequence option \"{other}\""),
                    Loc::at(d.location),
                )
            }
        }
    }
    let defaults = SequenceOptions::defaults(&data_type, increment);
    let mut o = match base {
        Some(b) if b.data_type == data_type => SequenceOptions { increment, ..b },
        _ => defaults.clone(),
    };
    o.data_type = data_type;
    if let Some(m) = min {
        o.min_value = m.unwrap_or(defaults.min_value);
    }
    if let Some(m) = max {
        o.max_value = m.unwrap_or(defaults.max_value);
    }
    o.start = start.unwrap_or(if o.increment > 0 {
        o.min_value
    } else {
        o.max_value
    });
    if let Some(c) = cache {
        o.cache = c;
    }
    if let Some(c) = cycle {
        o.cycle = c;
    }
    Ok(o)
}

impl Interp {
    pub(super) fn create_sequence(&mut self, s: &protobuf::CreateSeqStmt) -> R<()> {
        let rv = s
            .sequence
            .as_ref()
            .ok_or_else(|| Fail::statement("sequence name missing"))?;
        let q = self.new_rel_name(rv)?;
        if self.relation_exists(&q) {
            if s.if_not_exists {
                return Ok(());
            }
            return fail(
                format!("relation \"{}\" already exists", q.name),
                Loc::at(rv.location),
            );
        }
        let opts = def_elems(&s.options);
        let options = seq_options("bigint", &opts, None)?;
        let owned_by = self.owned_by(&opts)?;
        let grants = self.default_acl(AclKind::Sequence, Some(&q.schema), None);
        self.db.sequences.insert(
            q.clone(),
            Sequence {
                name: q,
                options,
                owned_by,
                common: Common {
                    grants,
                    ..Common::default()
                },
            },
        );
        Ok(())
    }

    pub(super) fn owned_by(&self, opts: &[&protobuf::DefElem]) -> R<Option<ColumnRef>> {
        for d in opts {
            if d.defname == "owned_by" {
                let names = match d.arg.as_deref().and_then(|a| a.node.as_ref()) {
                    Some(N::List(l)) => strs(&l.items),
                    _ => vec![],
                };
                if names.len() == 1 && names[0] == "none" {
                    return Ok(None);
                }
                let (rel, col) = match names.as_slice() {
                    [t, c] => (("".to_string(), t.clone()), c.clone()),
                    [s, t, c] => ((s.clone(), t.clone()), c.clone()),
                    _ => return fail("invalid OWNED BY option", Loc::at(d.location)),
                };
                let Some(Rel::Table(t)) = self.find_rel(&rel.0, &rel.1) else {
                    return fail(
                        format!("relation \"{}\" does not exist", rel.1),
                        Loc::at(d.location),
                    );
                };
                if self
                    .db
                    .tables
                    .get(&t)
                    .and_then(|x| x.column(&col))
                    .is_none()
                {
                    return fail(
                        format!("column \"{col}\" of relation \"{}\" does not exist", t.name),
                        Loc::at(d.location),
                    );
                }
                return Ok(Some(ColumnRef {
                    table: t,
                    column: col,
                }));
            }
        }
        Ok(None)
    }

    pub(super) fn alter_sequence(&mut self, s: &protobuf::AlterSeqStmt) -> R<()> {
        let rv = s
            .sequence
            .as_ref()
            .ok_or_else(|| Fail::statement("sequence name missing"))?;
        let q = match self.find_rel(&rv.schemaname, &rv.relname) {
            Some(Rel::Sequence(q)) => q,
            _ => {
                if s.missing_ok {
                    return Ok(());
                }
                return fail(
                    format!("relation \"{}\" does not exist", display_rv(rv)),
                    Loc::at(rv.location),
                );
            }
        };
        let opts = def_elems(&s.options);
        let has_owned = opts.iter().any(|d| d.defname == "owned_by");
        let owned = if has_owned {
            Some(self.owned_by(&opts)?)
        } else {
            None
        };
        let Some(seq) = self.db.sequences.get_mut(&q) else {
            return Ok(());
        };
        let dt = opts
            .iter()
            .find(|d| d.defname == "as")
            .and_then(|d| d.arg.as_deref())
            .and_then(|a| match &a.node {
                Some(N::TypeName(t)) => strs(&t.names).last().and_then(|x| builtin(x, &[], true)),
                _ => None,
            })
            .unwrap_or_else(|| seq.options.data_type.clone());
        let old = seq.options.clone();
        let mut o = seq_options(&dt, &opts, Some(old.clone()))?;
        if !opts.iter().any(|d| d.defname == "start") {
            o.start = old.start;
        }
        seq.options = o;
        if let Some(owned) = owned {
            seq.owned_by = owned;
        }
        Ok(())
    }
}
