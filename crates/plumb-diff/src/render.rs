//! Renderers of a [`Plan`]: SQL, human-readable text, JSON and Markdown.

use std::collections::BTreeMap;

use serde_json::json;
use similar::TextDiff;

use crate::{Action, Attribute, Change, Plan, Step};

/// Version of the JSON form written by [`json`]. Bumped on incompatible change.
pub const JSON_VERSION: u32 = 1;

/// What is compared with what, already password-free (for example `postgresql://app@db/prod` or
/// `schema/`).
///
/// A header with an empty `from` is a dump's: the plan from an empty database to `to`, headed
/// `plumb dump of <to>`. Build it with [`Header::dump`].
#[derive(Debug, Clone, Default)]
pub struct Header {
    pub from: String,
    pub to: String,
}

impl Header {
    /// The header of a comparison of `from` with `to`.
    pub fn diff(from: impl Into<String>, to: impl Into<String>) -> Self {
        Header {
            from: from.into(),
            to: to.into(),
        }
    }

    /// The header of a dump: the full DDL of `source` (planned from an empty database).
    pub fn dump(source: impl Into<String>) -> Self {
        Header {
            from: String::new(),
            to: source.into(),
        }
    }

    /// True for the header of a dump.
    pub fn is_dump(&self) -> bool {
        self.from.is_empty()
    }

    /// `plumb diff` or `plumb dump of <source>`, one line.
    fn title(&self) -> String {
        if self.is_dump() {
            format!("plumb dump of {}", one_line(&self.to))
        } else {
            "plumb diff".to_string()
        }
    }
}

/// Text that goes into a `--` comment or a single line: no line breaks, no control characters.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn attributes_with_text(c: &Change) -> bool {
    c.attribute.is_some_and(Attribute::is_text)
}

/// `a` against `b` as a unified diff (changed lines with a little context).
pub fn unified_diff(a: &str, b: &str) -> String {
    unified(a, b)
}

fn unified(a: &str, b: &str) -> String {
    // Both sides end in a newline, so the diff shows changed lines, not "\ No newline at end of file".
    let terminated = |t: &str| {
        if t.ends_with('\n') {
            t.to_string()
        } else {
            format!("{t}\n")
        }
    };
    let (a, b) = (terminated(a), terminated(b));
    TextDiff::from_lines(&a, &b)
        .unified_diff()
        .context_radius(3)
        .header("from", "to")
        .to_string()
}

/// The plan as a SQL script, runnable as is with `psql`. A plan without steps is only comments.
/// The `! kind: message` lines of a step's hazards, for the human format.
fn hazard_lines(out: &mut String, color: bool, step: &crate::Step) {
    for h in &step.hazards {
        out.push_str(&format!(
            "  {}\n",
            paint(
                color,
                "1;31",
                &format!("! {}: {}", h.kind.as_str(), one_line(&h.message))
            )
        ));
    }
}

pub fn sql(plan: &Plan, header: &Header) -> String {
    // Sized up front: a full dump is tens of megabytes, and growing by doubling would hold up to twice that.
    let size: usize = plan
        .steps
        .iter()
        .map(|s| s.sql.len() + s.object.len() + 64)
        .sum();
    let mut out = String::with_capacity(size + 512);
    out.push_str(&format!("-- {}\n", header.title()));
    if !header.is_dump() {
        out.push_str(&format!("-- from: {}\n", one_line(&header.from)));
        out.push_str(&format!("-- to:   {}\n", one_line(&header.to)));
    }
    if plan.steps.is_empty() {
        out.push_str(if header.is_dump() {
            "-- no objects\n"
        } else {
            "-- no differences\n"
        });
        return out;
    }
    let hazards = plan.hazards().count();
    out.push_str(&format!(
        "-- {} change(s), {} step(s), {} hazard(s)\n",
        plan.changes.len(),
        plan.steps.len(),
        hazards
    ));
    if plan.steps.iter().any(|s| !s.transactional) {
        out.push_str("-- some statements cannot run inside a transaction block: do not wrap this script in one\n");
    }
    for s in &plan.steps {
        out.push('\n');
        if s.kind == crate::ObjectKind::Session {
            out.push_str("-- session settings\n");
        } else {
            out.push_str(&format!(
                "-- {} {} {}\n",
                s.action.as_str(),
                s.kind.as_str(),
                one_line(&s.object)
            ));
        }
        for h in &s.hazards {
            out.push_str(&format!(
                "-- HAZARD {}: {}\n",
                h.kind.as_str(),
                one_line(&h.message)
            ));
        }
        out.push_str(&s.sql);
        out.push('\n');
    }
    out
}

fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn sign(a: Action) -> (&'static str, &'static str) {
    match a {
        Action::Create => ("+", "32"),
        Action::Drop => ("-", "31"),
        Action::Alter => ("~", "33"),
    }
}

/// The plan for a person: changes grouped by object, hazards marked, definition changes as unified diffs.
/// ANSI colours only when `color` is true.
pub fn human(plan: &Plan, header: &Header, color: bool) -> String {
    let mut out = String::new();
    if header.is_dump() {
        out.push_str(&format!("{}\n", header.title()));
    } else {
        out.push_str(&format!(
            "plumb diff: {} -> {}\n",
            one_line(&header.from),
            one_line(&header.to)
        ));
    }
    if plan.changes.is_empty() && plan.steps.is_empty() {
        out.push_str("no differences\n");
        return out;
    }
    let mut groups: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
    for c in &plan.changes {
        groups.entry(c.object.as_str()).or_default().push(c);
    }
    let mut step_hazards: BTreeMap<&str, Vec<&Step>> = BTreeMap::new();
    for s in &plan.steps {
        if !s.hazards.is_empty() {
            step_hazards.entry(s.object.as_str()).or_default().push(s);
        }
    }
    let hazard_count = plan.hazards().count();
    out.push_str(&format!(
        "{} change(s) in {} object(s), {} step(s), {} hazard(s)\n",
        plan.changes.len(),
        groups.len(),
        plan.steps.len(),
        hazard_count
    ));
    for (object, changes) in &groups {
        out.push('\n');
        let kind = changes.first().map(|c| c.kind.as_str()).unwrap_or("");
        out.push_str(&format!(
            "{} ({kind})\n",
            paint(color, "1", &one_line(object))
        ));
        for c in changes {
            let (s, code) = sign(c.action);
            let mut line = format!("  {} {}", s, c.action.as_str());
            if let Some(a) = &c.attribute {
                line.push(' ');
                line.push_str(a.as_str());
                if !attributes_with_text(c) && (c.from.is_some() || c.to.is_some()) {
                    let show = |v: &Option<String>| {
                        v.as_deref()
                            .map(one_line)
                            .unwrap_or_else(|| "(none)".to_string())
                    };
                    line.push_str(&format!(": {} -> {}", show(&c.from), show(&c.to)));
                }
            }
            out.push_str(&paint(color, code, &line));
            out.push('\n');
            if attributes_with_text(c) {
                if let (Some(a), Some(b)) = (&c.from, &c.to) {
                    for l in unified(a, b).lines() {
                        let code = if l.starts_with('+') {
                            "32"
                        } else if l.starts_with('-') {
                            "31"
                        } else {
                            "2"
                        };
                        out.push_str(&format!("      {}\n", paint(color, code, l)));
                    }
                }
            }
        }
        for s in step_hazards.remove(object).unwrap_or_default() {
            hazard_lines(&mut out, color, s);
        }
    }
    // hazards of steps whose object is not a change (dependants rebuilt, session settings)
    for (object, steps) in step_hazards {
        out.push('\n');
        out.push_str(&format!("{}\n", paint(color, "1", &one_line(object))));
        for s in steps {
            hazard_lines(&mut out, color, s);
        }
    }
    out
}

/// The plan as JSON:
///
/// ```text
/// {
///   "version": 1,                       // JSON_VERSION
///   "from": "...", "to": "...",         // the header; "from" is "" for a dump
///   "changes": [ { "kind": "column", "object": "public.t.a", "action": "alter",
///                  "attribute": "type", "from": "integer", "to": "bigint" } ],
///   "steps":   [ { "sql": "ALTER TABLE ...;", "object": "public.t.a", "kind": "column",
///                  "action": "alter", "transactional": true,
///                  "hazards": [ { "kind": "table_rewrite", "message": "..." } ] } ],
///   "hazards": [ { "step": 0, "kind": "table_rewrite", "message": "..." } ]   // every hazard, by step index
/// }
/// ```
///
/// `kind` of a change or step is one of `session`, `schema`, `extension`, `collation`, `type`, `domain`,
/// `sequence`, `table`, `column`, `constraint`, `index`, `trigger`, `policy`, `view`, `materialized_view`,
/// `function`, `procedure`, `aggregate`; `action` one of `create`, `drop`, `alter`; a hazard `kind` one of
/// `data_loss`, `table_rewrite`, `long_lock`, `not_transactional`, `index_dropped`, `authz_update`,
/// `extension_upgrade` (the last three added by `policy::annotate`, as the CLI's `code` is).
pub fn json(plan: &Plan, header: &Header) -> serde_json::Value {
    let hazards: Vec<serde_json::Value> = plan
        .steps
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            s.hazards
                .iter()
                .map(move |h| json!({"step": i, "kind": h.kind, "message": h.message}))
        })
        .collect();
    json!({
        "version": JSON_VERSION,
        "from": header.from,
        "to": header.to,
        "changes": plan.changes,
        "steps": plan.steps,
        "hazards": hazards,
    })
}

/// At most `max` characters of `s`, with `…` when cut.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

fn md_cell(s: &str) -> String {
    one_line(s).replace('|', "\\|").replace('`', "'")
}

/// The plan for a pull-request comment: a summary table, definition diffs and the SQL in a fenced block.
pub fn markdown(plan: &Plan, header: &Header) -> String {
    let mut out = String::new();
    if header.is_dump() {
        out.push_str(&format!("### plumb dump\n\n`{}`\n\n", md_cell(&header.to)));
    } else {
        out.push_str("### plumb diff\n\n");
        out.push_str(&format!(
            "`{}` → `{}`\n\n",
            md_cell(&header.from),
            md_cell(&header.to)
        ));
    }
    if plan.changes.is_empty() && plan.steps.is_empty() {
        out.push_str("No differences.\n");
        return out;
    }
    let hazard_count = plan.hazards().count();
    out.push_str(&format!(
        "{} change(s), {} step(s), {} hazard(s).\n\n",
        plan.changes.len(),
        plan.steps.len(),
        hazard_count
    ));
    // Before and after as values; definitions and bodies are shown as a diff below the table.
    out.push_str("| | Object | Kind | Change | Before | After |\n|---|---|---|---|---|---|\n");
    let value = |c: &Change, v: &Option<String>| match v {
        Some(_) if attributes_with_text(c) => "(diff below)".to_string(),
        Some(v) => format!("`{}`", md_cell(&shorten(v, 60))),
        None => String::new(),
    };
    for c in &plan.changes {
        let (s, _) = sign(c.action);
        let what = match &c.attribute {
            Some(a) => format!("{} {a}", c.action.as_str()),
            None => c.action.as_str().to_string(),
        };
        out.push_str(&format!(
            "| {s} | `{}` | {} | {} | {} | {} |\n",
            md_cell(&c.object),
            c.kind.as_str(),
            md_cell(&what),
            value(c, &c.from),
            value(c, &c.to),
        ));
    }
    // Hazards belong to the steps that carry them, named by their SQL: a change of one attribute of an
    // object is not flagged for another attribute's step.
    let hazardous: Vec<&Step> = plan
        .steps
        .iter()
        .filter(|s| !s.hazards.is_empty())
        .collect();
    if !hazardous.is_empty() {
        out.push_str("\n**Hazards**\n\n");
        for step in hazardous {
            let first = step.sql.lines().next().unwrap_or("");
            for h in &step.hazards {
                out.push_str(&format!(
                    "- ⚠️ **{}** `{}`: {}\n",
                    h.kind.as_str(),
                    md_cell(&shorten(first, 100)),
                    md_cell(&h.message)
                ));
            }
        }
    }
    let diffs: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|c| attributes_with_text(c) && c.from.is_some() && c.to.is_some())
        .collect();
    if !diffs.is_empty() {
        out.push_str("\n<details><summary>Definition changes</summary>\n\n");
        for c in diffs {
            out.push_str(&format!("`{}`\n\n```diff\n", md_cell(&c.object)));
            out.push_str(
                &unified(
                    c.from.as_deref().unwrap_or(""),
                    c.to.as_deref().unwrap_or(""),
                )
                .replace("```", "` ` `"),
            );
            out.push_str("```\n\n");
        }
        out.push_str("</details>\n");
    }
    out.push_str("\n```sql\n");
    let script = sql(plan, header);
    // a fence inside the script must not end the block early
    out.push_str(&script.replace("```", "`\u{200b}``"));
    out.push_str("```\n");
    out
}
