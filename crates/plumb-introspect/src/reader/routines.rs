//! Rows of functions, aggregates, triggers, policies and rules.

use super::*;

impl Reader {
    pub(super) fn functions(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Functions,
        };
        let oid: u32 = r.get("oid")?;
        let id = FunctionId::new(
            self.schema_of(&r, "schema")?,
            r.get::<String>("name")?,
            r.get::<String>("args")?,
        );
        let kind = match r.get::<String>("prokind")?.as_str() {
            "f" => FunctionKind::Function,
            "p" => FunctionKind::Procedure,
            "a" => {
                // Its `CREATE AGGREGATE` is built at the end (`queries::AGGREGATES`).
                self.m.aggregates.push(oid);
                FunctionKind::Aggregate
            }
            "w" => FunctionKind::Window,
            other => {
                return Err(Error::Catalog {
                    kind: "function",
                    name: id.to_string(),
                    reason: format!("unexpected prokind {other:?}"),
                })
            }
        };
        // Aggregates get their definition from the aggregates query.
        let definition = r.get::<Option<String>>("definition")?.unwrap_or_default();
        let language: String = r.get("language")?;
        let letter: String = r.get("parallel")?;
        let parallel = Parallel::from_catalog(&letter).ok_or_else(|| Error::Catalog {
            kind: "function",
            name: id.to_string(),
            reason: format!("unexpected proparallel {letter:?}"),
        })?;
        let cost = function_cost(&r.get::<String>("cost")?, &language);
        let rows = function_rows(&r.get::<String>("rows")?);
        self.m.functions.insert(oid, id.clone());
        let f = Function {
            id: id.clone(),
            kind,
            definition,
            returns: r.get("returns")?,
            language,
            volatility: r.get("volatility")?,
            strict: r.get("strict")?,
            security_definer: r.get("security_definer")?,
            config: r.get::<Option<Vec<String>>>("config")?.unwrap_or_default(),
            leakproof: r.get("leakproof")?,
            parallel,
            cost,
            rows,
            body: r.get::<Option<String>>("body")?.unwrap_or_default(),
            common: plumb_model::Common {
                owner: r.get("owner")?,
                comment: self.comment(self.cat.proc_, oid, 0),
                grants: grants_if(r.get("has_acl")?),
                acl_order: Vec::new(),
            },
        };
        self.db.functions.insert(id, f);
        Ok(())
    }

    pub(super) fn aggregates(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Aggregates,
        };
        let oid: u32 = r.get("aggfnoid")?;
        let Some(id) = self.m.functions.get(&oid).cloned() else {
            return Ok(());
        };
        let agg = AggregateRow {
            kind: r.get("kind")?,
            arguments: r.get("arguments")?,
            sfunc: r.get("sfunc")?,
            stype: r.get("stype")?,
            sspace: r.get("sspace")?,
            finalfunc: r.get("finalfunc")?,
            finalfunc_extra: r.get("finalfunc_extra")?,
            finalfunc_modify: r.get("finalfunc_modify")?,
            combinefunc: r.get("combinefunc")?,
            serialfunc: r.get("serialfunc")?,
            deserialfunc: r.get("deserialfunc")?,
            initcond: r.get("initcond")?,
            msfunc: r.get("msfunc")?,
            minvfunc: r.get("minvfunc")?,
            mstype: r.get("mstype")?,
            msspace: r.get("msspace")?,
            mfinalfunc: r.get("mfinalfunc")?,
            mfinalfunc_extra: r.get("mfinalfunc_extra")?,
            mfinalfunc_modify: r.get("mfinalfunc_modify")?,
            minitcond: r.get("minitcond")?,
            sortop: r.get("sortop")?,
            parallel: r.get("parallel")?,
        };
        match create_statement(&id.schema, &id.name, &agg) {
            Ok(def) => {
                if let Some(f) = self.db.functions.get_mut(&id) {
                    f.definition = def;
                }
            }
            Err(reason) => {
                return Err(Error::Catalog {
                    kind: "aggregate",
                    name: id.to_string(),
                    reason,
                })
            }
        }
        Ok(())
    }

    pub(super) fn triggers(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Triggers,
        };
        let rel: u32 = r.get("tgrelid")?;
        let oid: u32 = r.get("oid")?;
        let name: String = r.get("name")?;
        let letter: String = r.get("enabled")?;
        let enabled = TriggerEnabled::from_catalog(&letter).ok_or_else(|| Error::Catalog {
            kind: "trigger",
            name: quote_ident(&name),
            reason: format!("unexpected tgenabled {letter:?}"),
        })?;
        let trigger = Trigger {
            name,
            definition: r.get("definition")?,
            function: FunctionId::new(
                self.schema_of(&r, "function_schema")?,
                r.get::<String>("function_name")?,
                r.get::<String>("function_args")?,
            ),
            constraint: r.get("is_constraint")?,
            enabled,
            comment: self.comment(self.cat.trigger, oid, 0),
        };
        let target = match self.m.rels.get(&rel) {
            Some(Rel::Table(n)) => self.db.tables.get_mut(n).map(|t| &mut t.triggers),
            Some(Rel::View(n)) => self.db.views.get_mut(n).map(|v| &mut v.triggers),
            _ => None,
        };
        if let Some(triggers) = target {
            triggers.insert(trigger.name.clone(), trigger);
            self.m.triggers.insert(oid, rel);
        }
        Ok(())
    }

    pub(super) fn policies(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Policies,
        };
        let rel: u32 = r.get("polrelid")?;
        let Some(Rel::Table(tname)) = self.m.rels.get(&rel) else {
            return Ok(());
        };
        let tname = tname.clone();
        let oid: u32 = r.get("oid")?;
        let name: String = r.get("name")?;
        let polcmd: String = r.get("command")?;
        let Some(command) = PolicyCommand::from_catalog(&polcmd) else {
            return Err(Error::Catalog {
                kind: "policy",
                name: format!("{} ON {tname}", quote_ident(&name)),
                reason: format!("unexpected polcmd {polcmd:?}"),
            });
        };
        let mut roles: Vec<String> = r.get::<Option<Vec<String>>>("roles")?.unwrap_or_default();
        roles.sort();
        let p = Policy {
            name: name.clone(),
            command,
            permissive: r.get("permissive")?,
            roles,
            using: r.get("using_expr")?,
            with_check: r.get("check_expr")?,
            comment: self.comment(self.cat.policy, oid, 0),
        };
        if let Some(t) = self.db.tables.get_mut(&tname) {
            t.policies.insert(name, p);
            self.m.policies.insert(oid, rel);
        }
        Ok(())
    }

    pub(super) fn rules(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Rules,
        };
        let rel: u32 = r.get("ev_class")?;
        let name: String = r.get("name")?;
        match self.m.rels.get(&rel) {
            Some(Rel::View(_)) if name == "_RETURN" => {
                self.m.rules.insert(r.get("oid")?, rel);
            }
            Some(Rel::Table(_) | Rel::View(_)) => {
                let relation: String = r.get("relation")?;
                self.report("rule", format!("{} ON {relation}", quote_ident(&name)));
            }
            _ => {}
        }
        Ok(())
    }
}
