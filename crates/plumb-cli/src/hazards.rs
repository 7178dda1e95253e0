//! The hazard policy of `diff` and `check --fix-sql`: extra hazards and online forms
//! (`plumb_diff::policy::annotate`), `--no-drop`, the gate (`--fail-on-hazard`, `--allow-hazards`) and the
//! pg-schema-diff code of each hazard in JSON.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use anyhow::{bail, Result};
use plumb_diff::policy::{self, Policy};
use plumb_diff::{Plan, Step};

use crate::args::HazardOpts;

/// What the policy did to a plan.
pub struct Applied {
    pub plan: Plan,
    /// Steps `--no-drop` left out.
    pub skipped: Vec<Step>,
}

fn list(values: &[String], flag: &str) -> Result<Option<BTreeSet<String>>> {
    if values.is_empty() {
        return Ok(None);
    }
    match policy::parse_list(&values.join(",")) {
        Ok(set) => Ok(Some(set)),
        Err(e) => bail!("{flag}: {e}"),
    }
}

impl HazardOpts {
    /// Check the lists before anything is read.
    pub fn validate(&self) -> Result<()> {
        list(&self.fail_on_hazard, "--fail-on-hazard")?;
        list(&self.allow_hazards, "--allow-hazards")?;
        Ok(())
    }

    /// Annotate the plan, leave drops out with `--no-drop`.
    pub fn apply(&self, mut plan: Plan, online: bool) -> Applied {
        policy::annotate(
            &mut plan,
            &Policy {
                online,
                lock_timeout: self.lock_timeout.clone(),
                statement_timeout: self.statement_timeout.clone(),
            },
        );
        if self.no_drop {
            let (kept, skipped) = policy::without_drops(&plan);
            Applied {
                plan: kept,
                skipped,
            }
        } else {
            Applied {
                plan,
                skipped: Vec::new(),
            }
        }
    }

    /// The gate: an error naming each refused hazard (exit 2), after the plan was printed.
    pub fn gate(&self, plan: &Plan) -> Result<()> {
        let fail_on = list(&self.fail_on_hazard, "--fail-on-hazard")?;
        let allow = list(&self.allow_hazards, "--allow-hazards")?;
        let refused = policy::refused(plan, fail_on.as_ref(), allow.as_ref());
        if refused.is_empty() {
            return Ok(());
        }
        let mut msg = format!(
            "the plan has {} hazard(s) the hazard policy refuses:",
            refused.len()
        );
        for (i, h, code) in &refused {
            let s = &plan.steps[*i];
            let _ = write!(
                msg,
                "\n  {} {} {}: {} ({code}): {}",
                s.action.as_str(),
                s.kind.as_str(),
                s.object,
                h.kind.as_str(),
                h.message
            );
        }
        bail!("{msg}")
    }
}

/// Add the pg-schema-diff `code` to every hazard of a plan's JSON (`steps[].hazards[]` and `hazards[]`), and
/// the steps `--no-drop` left out as `skipped`.
pub fn json(doc: &mut serde_json::Value, plan: &Plan, skipped: &[Step]) {
    for (i, s) in plan.steps.iter().enumerate() {
        for (j, h) in s.hazards.iter().enumerate() {
            doc["steps"][i]["hazards"][j]["code"] = policy::code(h, s).into();
        }
    }
    if let Some(all) = doc["hazards"].as_array_mut() {
        let mut k = 0;
        for s in &plan.steps {
            for h in &s.hazards {
                if let Some(entry) = all.get_mut(k) {
                    entry["code"] = policy::code(h, s).into();
                }
                k += 1;
            }
        }
    }
    if !skipped.is_empty() {
        doc["skipped"] = serde_json::to_value(skipped).unwrap_or_default();
    }
}

/// The steps `--no-drop` left out, as lines (`prefix` starts each).
pub fn skipped_text(skipped: &[Step], prefix: &str) -> String {
    let mut out = String::new();
    if skipped.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "{prefix}skipped by --no-drop ({} step(s)):",
        skipped.len()
    );
    for s in skipped {
        for l in s.sql.lines() {
            let _ = writeln!(out, "{prefix}  {l}");
        }
    }
    out
}
