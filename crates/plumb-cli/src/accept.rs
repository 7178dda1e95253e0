//! Accepted drift: a reviewed list of known differences (`check --accept FILE`, or `accept` in plumb.toml),
//! each with a reason and an optional expiry date. The gate fails only on drift not in the list and on expired
//! entries; entries that match nothing any more are warned about. `check --write-accepted FILE` writes the
//! current drift as a starting list.
//!
//! ```toml
//! [[accept]]
//! kind = "column"                       # the drift's kind, as in the JSON report
//! object = "public.users.legacy_code"   # the drift's object
//! drift = "extra"                       # optional: extra, missing or changed
//! attribute = "type"                    # optional: for a changed object, the attribute
//! reason = "dropped after the Q3 data migration"
//! expires = "2026-09-30"                # optional, YYYY-MM-DD: from that day on the entry fails the gate
//! ```

use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;

use anyhow::{bail, Context, Result};
use plumb_diff::{Action, Change, Plan};
use serde::Deserialize;
use serde_json::json;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    accept: Vec<Spanned<Entry>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub kind: String,
    pub object: String,
    #[serde(default)]
    pub drift: Option<DriftName>,
    #[serde(default)]
    pub attribute: Option<String>,
    pub reason: String,
    #[serde(default)]
    pub expires: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DriftName {
    Extra,
    Missing,
    Changed,
}

fn drift_of(c: &Change) -> DriftName {
    match c.action {
        Action::Create => DriftName::Missing,
        Action::Drop => DriftName::Extra,
        Action::Alter => DriftName::Changed,
    }
}

fn drift_str(d: DriftName) -> &'static str {
    match d {
        DriftName::Extra => "extra",
        DriftName::Missing => "missing",
        DriftName::Changed => "changed",
    }
}

impl Entry {
    fn matches(&self, c: &Change) -> bool {
        self.kind == c.kind.as_str()
            && self.object == c.object
            && self.drift.is_none_or(|d| d == drift_of(c))
            && self
                .attribute
                .as_ref()
                .is_none_or(|a| c.attribute.map(|x| x.as_str()) == Some(a.as_str()))
    }

    fn label(&self) -> String {
        let mut s = format!("{} {}", self.kind, self.object);
        if let Some(d) = self.drift {
            let _ = write!(s, " ({})", drift_str(d));
        }
        if let Some(a) = &self.attribute {
            let _ = write!(s, " [{a}]");
        }
        s
    }
}

/// The accepted-drift list of a file: entries with where they are.
pub struct Accepted {
    entries: Vec<(Entry, String)>,
}

fn location(path: &Path, text: &str, span: Option<Range<usize>>) -> String {
    match span {
        Some(r) => {
            let before = &text[..r.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            format!("{}:{line}", path.display())
        }
        None => path.display().to_string(),
    }
}

/// `YYYY-MM-DD`, checked as a calendar date.
fn valid_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() != 3 || parts[0].len() != 4 || parts[1].len() != 2 || parts[2].len() != 2 {
        return false;
    }
    let Ok(nums) = parts
        .iter()
        .map(|p| p.parse::<u32>())
        .collect::<Result<Vec<u32>, _>>()
    else {
        return false;
    };
    (1..=12).contains(&nums[1]) && (1..=31).contains(&nums[2])
}

impl Accepted {
    pub fn load(path: &Path) -> Result<Accepted> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Accepted::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Accepted> {
        let file: File = toml::from_str(text).map_err(|e| {
            anyhow::anyhow!(
                "{}: {}",
                location(path, text, e.span()),
                e.message().trim_end()
            )
        })?;
        let mut entries = Vec::new();
        for e in file.accept {
            let at = location(path, text, Some(e.span()));
            let entry = e.into_inner();
            if entry.reason.trim().is_empty() {
                bail!("{at}: accepted drift {} has no reason", entry.label());
            }
            if let Some(a) = &entry.attribute {
                if plumb_diff::Attribute::from_name(a).is_none() {
                    let known: Vec<&str> = plumb_diff::Attribute::ALL
                        .iter()
                        .map(|a| a.as_str())
                        .collect();
                    bail!(
                        "{at}: attribute = {a:?} is not an attribute plumb compares (one of: {})",
                        known.join(", ")
                    );
                }
            }
            if let Some(x) = &entry.expires {
                if !valid_date(x) {
                    bail!("{at}: expires = {x:?} is not a date (YYYY-MM-DD)");
                }
            }
            entries.push((entry, at));
        }
        Ok(Accepted { entries })
    }
}

/// What the list did to a check's drift.
pub struct Outcome<'a> {
    /// Changes not in the list: the drift that fails the gate.
    pub open: Plan,
    /// Changes matched by an entry that has not expired.
    pub accepted: Vec<(&'a Change, &'a Entry)>,
    /// Entries past their expiry date (they fail the gate; their changes count as drift).
    pub expired: Vec<(&'a Entry, &'a str)>,
    /// Entries that matched nothing.
    pub stale: Vec<(&'a Entry, &'a str)>,
}

impl Accepted {
    /// Split `plan`'s drift into open and accepted, as of `today` (`YYYY-MM-DD`).
    pub fn apply<'a>(&'a self, plan: &'a Plan, today: &str) -> Outcome<'a> {
        let mut open = plan.clone();
        open.changes.clear();
        let mut accepted = Vec::new();
        let mut used = vec![false; self.entries.len()];
        let is_expired = |e: &Entry| e.expires.as_deref().is_some_and(|x| x <= today);
        for c in &plan.changes {
            let hit = self
                .entries
                .iter()
                .enumerate()
                .find(|(_, (e, _))| e.matches(c));
            match hit {
                Some((i, (e, _))) => {
                    used[i] = true;
                    if is_expired(e) {
                        open.changes.push(c.clone());
                    } else {
                        accepted.push((c, e));
                    }
                }
                None => open.changes.push(c.clone()),
            }
        }
        let expired = self
            .entries
            .iter()
            .filter(|(e, _)| is_expired(e))
            .map(|(e, at)| (e, at.as_str()))
            .collect();
        let stale = self
            .entries
            .iter()
            .zip(&used)
            .filter(|(_, u)| !**u)
            .map(|((e, at), _)| (e, at.as_str()))
            .collect();
        Outcome {
            open,
            accepted,
            expired,
            stale,
        }
    }
}

impl Outcome<'_> {
    /// Lines for the human and markdown reports.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.accepted.is_empty() {
            out.push(format!("accepted drift: {}", self.accepted.len()));
            for (c, e) in &self.accepted {
                let mut l = format!("  {} {}: {}", c.kind.as_str(), c.object, e.reason);
                if let Some(x) = &e.expires {
                    let _ = write!(l, " (until {x})");
                }
                out.push(l);
            }
        }
        for (e, at) in &self.expired {
            out.push(format!(
                "expired accepted drift ({at}): {} expired on {}: {}",
                e.label(),
                e.expires.as_deref().unwrap_or(""),
                e.reason
            ));
        }
        for (e, at) in &self.stale {
            out.push(format!(
                "accepted drift that no longer matches ({at}): {} — remove it",
                e.label()
            ));
        }
        out
    }

    pub fn json(&self) -> serde_json::Value {
        json!({
            "accepted": self.accepted.iter().map(|(c, e)| json!({
                "kind": c.kind.as_str(), "object": c.object, "drift": drift_str(drift_of(c)),
                "attribute": c.attribute, "reason": e.reason, "expires": e.expires,
            })).collect::<Vec<_>>(),
            "expired": self.expired.iter().map(|(e, at)| json!({
                "entry": e.label(), "at": at, "expires": e.expires, "reason": e.reason,
            })).collect::<Vec<_>>(),
            "stale": self.stale.iter().map(|(e, at)| json!({ "entry": e.label(), "at": at }))
                .collect::<Vec<_>>(),
        })
    }
}

/// The drift of `plan` as an accepted-drift file to review.
pub fn write_list(plan: &Plan, today: &str) -> String {
    let mut out = String::from(
        "# Accepted drift: plumb check --accept FILE fails only on drift not listed here and on expired\n\
         # entries. Review every entry: say why it is accepted; add expires = \"YYYY-MM-DD\" to be reminded.\n",
    );
    for c in &plan.changes {
        let _ = write!(
            out,
            "\n[[accept]]\nkind = {}\nobject = {}\ndrift = \"{}\"\n",
            toml_str(c.kind.as_str()),
            toml_str(&c.object),
            drift_str(drift_of(c))
        );
        if let Some(a) = &c.attribute {
            let _ = writeln!(out, "attribute = {}", toml_str(a.as_str()));
        }
        let _ = writeln!(
            out,
            "reason = {}",
            toml_str(&format!(
                "listed on {today} by plumb check --write-accepted"
            ))
        );
    }
    out
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}
