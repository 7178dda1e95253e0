//! What plumb read but does not compare: objects and attributes of kinds the model does not hold
//! (`Database::unsupported` of each side). Every report names them — a count per kind in one line, then each
//! by name — so that nothing is dropped silently.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use plumb_model::Database;
use serde_json::json;

/// The unmodelled objects of the sources of one command, each with the sources it is in.
#[derive(Debug, Default)]
pub struct NotCompared {
    /// (kind, name) -> labels of the sources that have it.
    items: BTreeMap<(String, String), Vec<String>>,
    /// Objects whose text could not be compared offline, treated as in sync: (kind and object, reason).
    uncertain: Vec<(String, String)>,
}

impl NotCompared {
    pub fn of(sources: &[(&str, &Database)]) -> NotCompared {
        let mut items: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for (label, db) in sources {
            for u in &db.unsupported {
                let who = items.entry((u.kind.clone(), u.name.clone())).or_default();
                if !who.iter().any(|l| l == label) {
                    who.push((*label).to_string());
                }
            }
        }
        NotCompared {
            items,
            uncertain: Vec::new(),
        }
    }

    /// Add what [`plumb_diff::uncertain`] found, to be named in the report (and in JSON as `uncertain`).
    pub fn with_uncertain(mut self, list: Vec<plumb_diff::Uncertain>) -> NotCompared {
        self.uncertain = list
            .into_iter()
            .map(|u| (format!("{} {}", u.kind.as_str(), u.object), u.reason))
            .collect();
        self
    }

    /// `[{ "object": "view public.v", "reason": "..." }]`.
    pub fn uncertain_json(&self) -> serde_json::Value {
        self.uncertain
            .iter()
            .map(|(o, r)| json!({ "object": o, "reason": r }))
            .collect()
    }

    /// The uncertain objects, in `format`.
    fn append_uncertain(&self, text: &mut String, format: Format) {
        if self.uncertain.is_empty() {
            return;
        }
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        let head = format!(
            "uncertain offline (treated as in sync; --dev-url compares them exactly): {}",
            self.uncertain.len()
        );
        let lines = self.uncertain.iter().map(|(o, r)| format!("{o}: {r}"));
        match format {
            Format::Human => {
                let _ = writeln!(text, "\n{head}");
                for l in lines {
                    let _ = writeln!(text, "    {l}");
                }
            }
            Format::SqlComment => {
                let _ = writeln!(text, "\n-- {head}");
                for l in lines {
                    let _ = writeln!(text, "--   {}", l.replace('\n', " "));
                }
            }
            Format::Markdown => {
                let _ = writeln!(text, "\n<details><summary>{head}</summary>\n");
                for l in lines {
                    let _ = writeln!(text, "- `{}`", l.replace('`', "'"));
                }
                text.push_str("\n</details>\n");
            }
            Format::Github => {
                let mut msg = head;
                for l in lines {
                    msg.push_str("%0A");
                    msg.push_str(&l.replace('%', "%25").replace('\n', "%0A"));
                }
                let _ = writeln!(text, "::warning title=Uncertain offline::{msg}");
            }
        }
    }

    /// Add the unmodelled objects of one more source.
    pub fn add(&mut self, label: &str, db: &Database) {
        for u in &db.unsupported {
            let who = self
                .items
                .entry((u.kind.clone(), u.name.clone()))
                .or_default();
            if !who.iter().any(|l| l == label) {
                who.push(label.to_string());
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// `not compared: 3 default privileges, 1 operator` (kinds in name order), or nothing.
    pub fn summary(&self) -> Option<String> {
        if self.items.is_empty() {
            return None;
        }
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for (kind, _) in self.items.keys() {
            *counts.entry(kind).or_default() += 1;
        }
        let parts: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
        Some(format!(
            "not compared (plumb does not model them yet): {}",
            parts.join(", ")
        ))
    }

    /// One line per object: `kind name (in: source, source)`.
    pub fn lines(&self) -> Vec<String> {
        self.items
            .iter()
            .map(|((kind, name), who)| format!("{kind} {name} (in {})", who.join(", ")))
            .collect()
    }

    /// The summary and the lines, each line prefixed with `prefix`.
    pub fn text(&self, prefix: &str) -> String {
        let mut out = String::new();
        if let Some(s) = self.summary() {
            let _ = writeln!(out, "{s}");
            for l in self.lines() {
                let _ = writeln!(out, "{prefix}{l}");
            }
        }
        out
    }

    pub fn json(&self) -> serde_json::Value {
        self.items
            .iter()
            .map(|((kind, name), who)| json!({ "kind": kind, "name": name, "in": who }))
            .collect()
    }

    /// Add the list to a rendered report of `format`.
    pub fn append(&self, text: &mut String, format: Format) {
        self.append_uncertain(text, format);
        if self.is_empty() {
            return;
        }
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        match format {
            Format::Human => {
                text.push('\n');
                text.push_str(&self.text("    "));
            }
            Format::SqlComment => {
                text.push('\n');
                for l in self.text("  ").lines() {
                    let _ = writeln!(text, "-- {l}");
                }
            }
            Format::Markdown => {
                let _ = writeln!(
                    text,
                    "\n<details><summary>{}</summary>\n",
                    self.summary().unwrap_or_default()
                );
                for l in self.lines() {
                    let _ = writeln!(text, "- `{}`", l.replace('`', "'"));
                }
                text.push_str("\n</details>\n");
            }
            Format::Github => {
                let mut msg = self.summary().unwrap_or_default();
                for l in self.lines() {
                    msg.push_str("%0A");
                    msg.push_str(&l.replace('%', "%25"));
                }
                let _ = writeln!(text, "::warning title=Not compared::{msg}");
            }
        }
    }
}

/// How [`NotCompared::append`] writes the list.
#[derive(Debug, Clone, Copy)]
pub enum Format {
    Human,
    /// SQL comments (the `sql` format of diff and dump).
    SqlComment,
    Markdown,
    Github,
}
