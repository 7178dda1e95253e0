//! Reports of `plumb check` and `plumb status` in each output format.
//!
//! The drift of a check is the plan from the live database to the declaration, read as drift: a *create* is
//! an object that is declared but missing from the database, a *drop* an object the database has that is not
//! declared, an *alter* an object that differs (`from` is the database's value, `to` the declared one).

use std::fmt::Write as _;

use plumb_diff::render::{self, Header};
use plumb_diff::{Action, Change, ObjectKind, Plan};
use plumb_migrations::{MigrationDir, State, Status, StatusEntry};
use serde_json::json;

use crate::args::FixSql;
use crate::commands::JSON_VERSION;

pub struct Check<'a> {
    pub database: String,
    pub declared: String,
    /// Where the declared SQL declares each object: where drift annotations point (`--format github`).
    pub declared_file: Option<DeclaredAt>,
    /// Warnings from reading the declared SQL (annotations in `--format github`).
    pub warnings: &'a [plumb_parse::Warning],
    /// Database -> declaration.
    pub plan: &'a Plan,
    pub history: Option<(&'a MigrationDir, &'a Status)>,
    /// Pending migrations fail the check (`--require-applied`).
    pub require_applied: bool,
    pub fix: Option<(FixSql, &'a Plan)>,
}

/// Where drift annotations point: the statement that declares each object, found in the declared scripts.
pub struct DeclaredAt {
    pub declarations: plumb_parse::Declarations,
    /// The declared schema when it is one file: what an annotation names when the object has no statement
    /// (an object in the database that the file does not declare).
    pub file: Option<String>,
}

impl DeclaredAt {
    /// Read where the scripts declare each object.
    pub fn of(scripts: &[plumb_parse::Script], file: Option<String>) -> DeclaredAt {
        DeclaredAt {
            declarations: plumb_parse::Declarations::of(scripts),
            file,
        }
    }

    /// The annotation's properties (`file=…,line=…,col=…,`, or `file=…,` alone, or nothing) and a note for
    /// its message when the place is not the object's own declaration.
    fn properties(&self, c: &Change) -> (String, &'static str) {
        use plumb_parse::{Class, Found};
        let class = match c.kind {
            ObjectKind::Schema => Some(Class::Schema),
            ObjectKind::Extension => Some(Class::Extension),
            ObjectKind::Table
            | ObjectKind::View
            | ObjectKind::MaterializedView
            | ObjectKind::Sequence => Some(Class::Relation),
            ObjectKind::Type | ObjectKind::Domain => Some(Class::Type),
            ObjectKind::Column => Some(Class::Column),
            ObjectKind::Constraint => Some(Class::Constraint),
            ObjectKind::Index => Some(Class::Index),
            ObjectKind::Trigger => Some(Class::Trigger),
            ObjectKind::Policy => Some(Class::Policy),
            ObjectKind::Function | ObjectKind::Procedure | ObjectKind::Aggregate => {
                Some(Class::Function)
            }
            // locate.rs does not look for these: the annotation names the file only
            ObjectKind::Session
            | ObjectKind::Collation
            | ObjectKind::DefaultPrivileges
            | ObjectKind::EventTrigger => None,
        };
        let found = class.map_or(Found::Nowhere, |k| self.declarations.find(k, &c.object));
        let note = match found {
            Found::Dropped(_) => " (the declared SQL drops it here)",
            Found::Parent(_) => " (declared in this table)",
            Found::Declared(_) | Found::Nowhere => "",
        };
        let props = match found.location() {
            Some(l) => format!(
                "file={},line={},col={},",
                Check::escape_property(&l.file.display().to_string()),
                l.line,
                l.column
            ),
            None => self
                .file
                .as_ref()
                .map(|f| format!("file={},", Check::escape_property(f)))
                .unwrap_or_default(),
        };
        (props, note)
    }
}

/// How a change reads as drift.
pub(crate) fn drift_kind(c: &Change) -> &'static str {
    match c.action {
        Action::Create => "missing",
        Action::Drop => "extra",
        Action::Alter => "changed",
    }
}

pub(crate) fn drift_sentence(c: &Change) -> String {
    let what = format!("{} {}", c.kind.as_str(), c.object);
    match c.action {
        Action::Create => format!("{what} is declared but missing from the database"),
        Action::Drop => format!("{what} is in the database but not declared"),
        Action::Alter => {
            let attr = c.attribute.map_or("definition", |a| a.as_str());
            match (&c.from, &c.to) {
                (Some(db), Some(decl))
                    if db.len() + decl.len() < 160
                        && !db.contains('\n')
                        && !decl.contains('\n') =>
                {
                    format!("{what} differs in {attr}: database has {db}, declared {decl}")
                }
                (Some(_), Some(_)) => {
                    format!("{what} differs in {attr} (database, then declared):")
                }
                _ => format!("{what} differs in {attr}"),
            }
        }
    }
}

/// For a difference too long for one line: the database's text against the declared one, as a unified diff.
pub(crate) fn drift_detail(c: &Change) -> Option<String> {
    match (&c.from, &c.to) {
        (Some(db), Some(decl)) if drift_sentence(c).ends_with(':') => {
            Some(render::unified_diff(db, decl))
        }
        _ => None,
    }
}

fn fix_title(direction: FixSql) -> &'static str {
    match direction {
        FixSql::Database => "SQL that makes the database match the declaration",
        FixSql::Declaration => "SQL for a new migration that records what the database has",
    }
}

fn history_counts(st: &Status) -> String {
    let s = &st.summary;
    let mut parts = vec![format!("{} applied", s.applied)];
    for (n, label) in [
        (s.pending, "pending"),
        (s.missing, "missing"),
        (s.modified, "modified after apply"),
        (s.failed, "failed"),
        (s.rolled_back, "rolled back"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {label}"));
        }
    }
    parts.join(", ")
}

/// `<version>_<name>`, or the version alone.
fn entry_label(e: &StatusEntry) -> String {
    if e.name.is_empty() {
        e.version.clone()
    } else {
        format!("{}_{}", e.version, e.name)
    }
}

/// `state  label (checksums): first line of the message`.
fn entry_line(e: &StatusEntry) -> String {
    let mut line = format!("{:<12} {}", e.state.as_str(), entry_label(e));
    if e.state == State::Modified {
        if let (Some(exp), Some(found)) = (&e.expected_checksum, &e.found_checksum) {
            let _ = write!(line, " (recorded checksum {exp}, file has {found})");
        }
    }
    if let Some(m) = &e.message {
        let _ = write!(line, ": {}", m.lines().next().unwrap_or(""));
    }
    line
}

/// One line per migration that is not simply applied (nor one the next deploy applies).
fn history_lines(st: &Status) -> Vec<String> {
    st.migrations
        .iter()
        .filter(|e| e.state != State::Applied && !will_apply(e))
        .map(entry_line)
        .collect()
}

/// Whether the tool applies this migration on its next run (see [`Status::will_apply`]).
fn will_apply(e: &StatusEntry) -> bool {
    e.state == State::Pending || (e.state == State::RolledBack && e.path.is_some())
}

/// `will be applied: N` and one line per such migration; with `--require-applied` it says that this fails.
fn pending_lines(st: &Status, require_applied: bool) -> Vec<String> {
    let pending: Vec<String> = st.will_apply().map(entry_line).collect();
    if pending.is_empty() {
        return pending;
    }
    let mut out = vec![format!(
        "will be applied: {}{}",
        pending.len(),
        if require_applied {
            " (--require-applied: the database should have them)"
        } else {
            " (not drift: the next deploy applies them)"
        }
    )];
    out.extend(pending.into_iter().map(|l| format!("  {l}")));
    out
}

/// The status of a migrations directory. Applied migrations are summarised (the last one is shown) unless
/// `all` (`-v`); every other state is always listed.
pub fn status_human(dir: &MigrationDir, st: &Status, all: bool) -> String {
    let mut out = String::new();
    let table = st
        .table
        .as_deref()
        .unwrap_or("(no migrations table: nothing applied)");
    let _ = writeln!(
        out,
        "{} migrations in {}, history {table}",
        dir.layout,
        dir.root.display()
    );
    let _ = writeln!(out, "{}", history_counts(st));
    let last_applied = st
        .migrations
        .iter()
        .rposition(|e| e.state == State::Applied);
    let hidden = st
        .migrations
        .iter()
        .enumerate()
        .filter(|(i, e)| !all && e.state == State::Applied && Some(*i) != last_applied)
        .count();
    if hidden > 0 {
        let _ = writeln!(
            out,
            "  ({hidden} earlier applied migration{} not listed; -v lists them)",
            if hidden == 1 { "" } else { "s" }
        );
    }
    for (i, e) in st.migrations.iter().enumerate() {
        if all || e.state != State::Applied || Some(i) == last_applied {
            let _ = writeln!(out, "  {}", entry_line(e));
        }
    }
    let _ = writeln!(
        out,
        "{}",
        if st.is_clean() {
            "in sync"
        } else {
            "history drift"
        }
    );
    out
}

impl Check<'_> {
    /// The header of the fix SQL: `--fix-sql database` goes from the database to the declaration,
    /// `--fix-sql declaration` from the declaration to the database.
    fn header(&self) -> Header {
        match self.fix.map(|(d, _)| d) {
            Some(FixSql::Declaration) => Header {
                from: self.declared.clone(),
                to: self.database.clone(),
            },
            _ => Header {
                from: self.database.clone(),
                to: self.declared.clone(),
            },
        }
    }

    /// No schema drift, no history drift, and no pending migration when they are required: exit 0.
    pub fn in_sync(&self) -> bool {
        self.plan.changes.is_empty()
            && self.history.is_none_or(|(_, s)| {
                let pending_fails = self.require_applied && s.will_apply().next().is_some();
                !s.has_history_drift() && !pending_fails
            })
    }

    pub fn human(&self, color: bool) -> String {
        let (bold, red, green, yellow, reset) = if color {
            ("\x1b[1m", "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[0m")
        } else {
            ("", "", "", "", "")
        };
        let mut out = String::new();
        let n = self.plan.changes.len();
        if n == 0 {
            let _ = writeln!(
                out,
                "{green}schema in sync{reset}: {} matches {}",
                self.database, self.declared
            );
        } else {
            let _ = writeln!(
                out,
                "{bold}{red}schema drift{reset}: {} differs from {} in {n} place{}",
                self.database,
                self.declared,
                if n == 1 { "" } else { "s" }
            );
            for (action, title) in [
                (Action::Drop, "in the database, not declared"),
                (Action::Create, "declared, missing from the database"),
                (Action::Alter, "different"),
            ] {
                let items: Vec<&Change> = self
                    .plan
                    .changes
                    .iter()
                    .filter(|c| c.action == action)
                    .collect();
                if items.is_empty() {
                    continue;
                }
                let _ = writeln!(out, "\n  {bold}{title}:{reset}");
                for c in items {
                    let _ = writeln!(out, "    {yellow}{}{reset}", drift_sentence(c));
                    if let Some(d) = drift_detail(c) {
                        for line in d.lines() {
                            let _ = writeln!(out, "      {line}");
                        }
                    }
                }
            }
        }
        if let Some((dir, st)) = self.history {
            let _ = writeln!(
                out,
                "\n{bold}migration history{reset} ({}, {}): {}",
                dir.layout,
                dir.root.display(),
                history_counts(st)
            );
            for line in history_lines(st) {
                let _ = writeln!(out, "    {red}{line}{reset}");
            }
            let color = if self.require_applied { red } else { yellow };
            for line in pending_lines(st, self.require_applied) {
                let _ = writeln!(out, "    {color}{line}{reset}");
            }
        }
        if let Some((direction, fix)) = self.fix {
            let _ = writeln!(out, "\n{bold}{}:{reset}\n", fix_title(direction));
            out.push_str(&render::sql(fix, &self.header()));
        }
        out
    }

    pub fn markdown(&self) -> String {
        let mut out = String::new();
        if self.in_sync() {
            let _ = writeln!(
                out,
                "### ✅ Schema in sync\n\n`{}` matches `{}`.",
                self.database, self.declared
            );
        } else {
            let _ = writeln!(
                out,
                "### ⚠️ Schema drift\n\n`{}` differs from `{}`.\n",
                self.database, self.declared
            );
        }
        if !self.plan.changes.is_empty() {
            out.push_str("| drift | object | detail |\n| --- | --- | --- |\n");
            for c in &self.plan.changes {
                let _ = writeln!(
                    out,
                    "| {} | {} `{}` | {} |",
                    drift_kind(c),
                    c.kind.as_str(),
                    c.object.replace('|', "\\|"),
                    drift_sentence(c).replace('|', "\\|")
                );
            }
            for c in &self.plan.changes {
                if let Some(d) = drift_detail(c) {
                    let _ = writeln!(
                        out,
                        "\n<details><summary>{} <code>{}</code>: database, then declared</summary>\n\n```diff\n{}```\n</details>",
                        c.kind.as_str(),
                        c.object.replace('<', "&lt;"),
                        d.replace("```", "` ` `")
                    );
                }
            }
        }
        if let Some((dir, st)) = self.history {
            let _ = writeln!(
                out,
                "\n**Migration history** ({}, `{}`): {}\n",
                dir.layout,
                dir.root.display(),
                history_counts(st)
            );
            for line in history_lines(st) {
                let _ = writeln!(out, "- `{}`", line.replace('`', "'"));
            }
            for line in pending_lines(st, self.require_applied) {
                match line.strip_prefix("  ") {
                    Some(entry) => {
                        let _ = writeln!(out, "  - `{}`", entry.replace('`', "'"));
                    }
                    None => {
                        let _ = writeln!(out, "- {line}");
                    }
                }
            }
        }
        if let Some((direction, fix)) = self.fix {
            let _ = writeln!(
                out,
                "\n<details><summary>{}</summary>\n\n```sql",
                fix_title(direction)
            );
            out.push_str(&render::sql(fix, &self.header()));
            out.push_str("```\n</details>\n");
        }
        out
    }

    pub fn json(&self) -> serde_json::Value {
        let drift: Vec<_> = self
            .plan
            .changes
            .iter()
            .map(|c| {
                json!({
                    "drift": drift_kind(c),
                    "kind": c.kind.as_str(),
                    "object": c.object,
                    "attribute": c.attribute,
                    "database": c.from,
                    "declared": c.to,
                    "message": drift_sentence(c),
                })
            })
            .collect();
        json!({
            "version": JSON_VERSION,
            "in_sync": self.in_sync(),
            "database": self.database,
            "declared": self.declared,
            "drift": drift,
            "history": self.history.map(|(_, s)| s),
            "will_apply": self.history.map(|(_, s)| s.will_apply().map(|e| &e.id).collect::<Vec<_>>()),
            "require_applied": self.require_applied,
            "fix": self.fix.map(|(d, p)| json!({
                "direction": match d { FixSql::Database => "database", FixSql::Declaration => "declaration" },
                "sql": render::sql(p, &self.header()),
            })),
        })
    }

    /// A workflow command's property value (`file=`), escaped as the runner expects.
    fn escape_property(s: &str) -> String {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
            .replace(':', "%3A")
            .replace(',', "%2C")
    }

    /// GitHub Actions workflow commands: one annotation per drifted object, then a summary line.
    pub fn github(&self) -> String {
        fn escape(s: &str) -> String {
            s.replace('%', "%25")
                .replace('\r', "%0D")
                .replace('\n', "%0A")
        }
        let mut out = String::new();
        for c in &self.plan.changes {
            let (place, note) = self
                .declared_file
                .as_ref()
                .map(|d| d.properties(c))
                .unwrap_or_default();
            let mut message = drift_sentence(c);
            match message.strip_suffix(':') {
                Some(m) => message = format!("{m}{note}:"),
                None => message.push_str(note),
            }
            if let Some(d) = drift_detail(c) {
                message.push('\n');
                message.push_str(&d);
            }
            let _ = writeln!(
                out,
                "::error {place}title=Schema drift ({})::{}",
                drift_kind(c),
                escape(&message)
            );
        }
        for w in self.warnings {
            let _ = writeln!(
                out,
                "::warning file={},line={},col={},title=plumb::{}",
                Self::escape_property(&w.location.file.display().to_string()),
                w.location.line,
                w.location.column,
                escape(&w.message)
            );
        }
        if let Some((dir, st)) = self.history {
            for e in st.migrations.iter().filter(|e| e.state != State::Applied) {
                let file = e
                    .path
                    .as_ref()
                    .map(|p| format!("file={},", p.display()))
                    .unwrap_or_default();
                let label = entry_label(e);
                let level = if will_apply(e) && !self.require_applied {
                    "warning"
                } else {
                    "error"
                };
                let state = e.state.as_str();
                let _ = writeln!(
                    out,
                    "::{level} {file}title=Migration {state}::migration {label} is {state} in {}",
                    dir.root.display()
                );
            }
        }
        if self.in_sync() {
            let _ = writeln!(
                out,
                "::notice title=Schema in sync::{} matches {}",
                self.database, self.declared
            );
        }
        if let Some((direction, fix)) = self.fix {
            let _ = writeln!(out, "::group::{}", fix_title(direction));
            out.push_str(&render::sql(fix, &self.header()));
            out.push_str("::endgroup::\n");
        }
        out
    }
}
