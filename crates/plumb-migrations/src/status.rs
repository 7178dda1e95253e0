//! Comparing a migrations directory with a history table: applied, pending, missing, modified, failed,
//! rolled back.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::checksum::Checksum;
use crate::history::{AppliedMigration, History, Outcome};
use crate::layout::{cmp_flyway_versions, Layout, Migration, MigrationDir};

/// Version of the JSON shape of [`Status`].
pub const STATUS_JSON_VERSION: u32 = 1;

/// The state of one migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Recorded as applied, and the file (if the tool keeps a checksum) is what was applied.
    Applied,
    /// The file has not been applied.
    Pending,
    /// Recorded as applied but the file is gone.
    Missing,
    /// Recorded as applied, but the file's checksum differs from the recorded one.
    Modified,
    /// Recorded as failed (Prisma `finished_at` NULL, sqlx / Flyway `success = false`, golang-migrate dirty).
    Failed,
    /// Prisma `rolled_back_at` set: Prisma ignores the attempt and will apply the migration again.
    RolledBack,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Applied => "applied",
            State::Pending => "pending",
            State::Missing => "missing",
            State::Modified => "modified",
            State::Failed => "failed",
            State::RolledBack => "rolled-back",
        }
    }
}

/// One migration in the status report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusEntry {
    /// The history key (see [`Migration::id`]).
    pub id: String,
    pub version: String,
    pub name: String,
    /// The file, when it exists.
    pub path: Option<PathBuf>,
    pub state: State,
    /// The checksum recorded in the history table, when the tool records one and the migration was applied.
    pub expected_checksum: Option<Checksum>,
    /// The checksum of the file, when the tool computes one and the file exists.
    pub found_checksum: Option<Checksum>,
    pub applied_at: Option<String>,
    /// Prisma's `logs` of a failed attempt, or why a state was chosen (baseline, repeatable changed, ...).
    pub message: Option<String>,
    /// Flyway repeatable migration.
    pub repeatable: bool,
}

/// Counts per state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub applied: usize,
    pub pending: usize,
    pub missing: usize,
    pub modified: usize,
    pub failed: usize,
    pub rolled_back: usize,
}

/// The status of a migrations directory against a history table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    /// [`STATUS_JSON_VERSION`].
    pub version: u32,
    pub layout: Layout,
    /// The history table read; `None` when it does not exist (everything is pending).
    pub table: Option<String>,
    /// In apply order; migrations missing from the directory are placed where their version sorts.
    pub migrations: Vec<StatusEntry>,
    pub summary: Summary,
}

impl Status {
    /// True when every migration is applied unchanged: nothing pending, missing, modified, failed or rolled
    /// back. (A rolled-back Prisma attempt whose directory is gone is harmless and does not count.)
    pub fn is_clean(&self) -> bool {
        self.migrations.iter().all(|e| {
            e.state == State::Applied || (e.state == State::RolledBack && e.path.is_none())
        })
    }

    /// Entries in a state.
    pub fn with_state(&self, state: State) -> impl Iterator<Item = &StatusEntry> {
        self.migrations.iter().filter(move |e| e.state == state)
    }

    /// The migrations the tool will apply on its next run: pending files, and Prisma attempts marked rolled
    /// back whose file is still there.
    pub fn will_apply(&self) -> impl Iterator<Item = &StatusEntry> {
        self.migrations.iter().filter(|e| {
            e.state == State::Pending || (e.state == State::RolledBack && e.path.is_some())
        })
    }

    /// True when the history itself is wrong whatever the deploy does next: a migration missing, modified
    /// after it was applied, or failed / in progress / dirty.
    pub fn has_history_drift(&self) -> bool {
        self.migrations
            .iter()
            .any(|e| matches!(e.state, State::Missing | State::Modified | State::Failed))
    }

    /// The files of the migrations the database ran, in apply order: applied (including Flyway versions at or
    /// below a baseline) and modified after apply (the file as it is now: what ran is not known). Failed, pending
    /// and rolled-back ones are not in it.
    pub fn applied_files(&self) -> Vec<&std::path::Path> {
        self.migrations
            .iter()
            .filter(|e| matches!(e.state, State::Applied | State::Modified))
            .filter_map(|e| e.path.as_deref())
            .collect()
    }
}

fn opt_checksum(c: &Checksum) -> Option<Checksum> {
    (*c != Checksum::None).then(|| c.clone())
}

fn file_entry(m: &Migration, state: State) -> StatusEntry {
    StatusEntry {
        id: m.id.clone(),
        version: m.version.clone(),
        name: m.name.clone(),
        path: Some(m.path.clone()),
        state,
        expected_checksum: None,
        found_checksum: opt_checksum(&m.checksum),
        applied_at: None,
        message: None,
        repeatable: m.repeatable,
    }
}

/// Order of two history keys in `layout`.
fn cmp_ids(layout: Layout, a: (&str, bool), b: (&str, bool)) -> Ordering {
    let digits = |x: &str, y: &str| {
        let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
        x.len().cmp(&y.len()).then_with(|| x.cmp(y))
    };
    match (a.1, b.1) {
        (false, true) => return Ordering::Less,
        (true, false) => return Ordering::Greater,
        _ => {}
    }
    match layout {
        Layout::Sqlx | Layout::GolangMigrate => digits(a.0, b.0),
        Layout::Flyway if !a.1 => cmp_flyway_versions(a.0, b.0),
        _ => a.0.cmp(b.0),
    }
}

/// The state of a key from all its rows, in recorded order: the last meaningful row wins, and a successful
/// row wins over a rolled-back attempt.
fn effective<'h>(layout: Layout, rows: &[&'h AppliedMigration]) -> Option<&'h AppliedMigration> {
    if layout == Layout::Prisma {
        // Prisma (`diagnose_migration_history`): rows with rolled_back_at are ignored; a finished row means
        // applied; an unfinished one failed.
        return rows
            .iter()
            .rev()
            .find(|r| r.outcome == Outcome::Succeeded)
            .or_else(|| rows.iter().rev().find(|r| r.outcome == Outcome::Failed))
            .or_else(|| rows.last())
            .copied();
    }
    rows.last().copied()
}

/// Compare the directory with the history. One entry per migration file, plus one per history key whose file
/// is gone.
pub fn status(dir: &MigrationDir, history: &History) -> Status {
    let layout = dir.layout;
    let mut by_key: BTreeMap<(bool, String), Vec<&AppliedMigration>> = BTreeMap::new();
    for r in &history.rows {
        by_key
            .entry((r.repeatable, r.id.clone()))
            .or_default()
            .push(r);
    }
    // Flyway: versions up to a BASELINE row count as applied.
    let baseline = history
        .rows
        .iter()
        .rev()
        .find(|r| r.outcome == Outcome::Baseline)
        .map(|r| r.version.clone());
    // Flyway: the highest applied version, to flag pending versions below it (skipped unless outOfOrder).
    let highest_applied = history
        .rows
        .iter()
        .filter(|r| !r.repeatable && matches!(r.outcome, Outcome::Succeeded | Outcome::Baseline))
        .map(|r| r.version.as_str())
        .max_by(|a, b| cmp_flyway_versions(a, b));

    let mut entries = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for m in &dir.migrations {
        let key = (m.repeatable, m.id.clone());
        seen.insert(key.clone());
        if history.cumulative {
            entries.push(cumulative_entry(m, history));
            continue;
        }
        let Some(row) = by_key.get(&key).and_then(|rows| effective(layout, rows)) else {
            let mut e = file_entry(m, State::Pending);
            if layout == Layout::Flyway && !m.repeatable {
                if let Some(b) = baseline
                    .as_deref()
                    .filter(|b| cmp_flyway_versions(&m.version, b) != Ordering::Greater)
                {
                    e.state = State::Applied;
                    e.message = Some(format!(
                        "at or below the Flyway baseline version {b}: not run by Flyway"
                    ));
                } else if let Some(h) =
                    highest_applied.filter(|h| cmp_flyway_versions(&m.version, h) == Ordering::Less)
                {
                    e.message =
                        Some(format!("below the highest applied version {h}: Flyway skips it unless outOfOrder is set"));
                }
            }
            entries.push(e);
            continue;
        };
        let mut e = file_entry(m, State::Applied);
        e.applied_at = row.applied_at.clone();
        e.expected_checksum = opt_checksum(&row.checksum);
        match row.outcome {
            Outcome::Succeeded | Outcome::Baseline => {
                // Equal checksums (or none stored) match without reading anything; otherwise Prisma's tolerance
                // for changed line endings and old unpadded values needs the file's bytes (an unreadable file
                // counts as not matching).
                let same = m.checksum == row.checksum
                    || row.checksum == Checksum::None
                    || (layout == Layout::Prisma
                        && std::fs::read(&m.path)
                            .is_ok_and(|bytes| m.checksum.matches_stored(&row.checksum, &bytes)));
                if !same {
                    if m.repeatable {
                        e.state = State::Pending;
                        e.message = Some("repeatable migration changed since it was last applied: Flyway applies it again".into());
                    } else {
                        e.state = State::Modified;
                    }
                }
                if row.outcome == Outcome::Baseline {
                    e.message = Some("Flyway baseline".into());
                }
            }
            Outcome::Failed => {
                e.state = State::Failed;
                e.message = row.logs.clone().or_else(|| failed_message(layout));
            }
            Outcome::RolledBack => {
                e.state = State::RolledBack;
                e.message = Some("marked rolled back: Prisma applies it again".into());
            }
            Outcome::Removed => {
                e.state = State::Pending;
                e.expected_checksum = None;
                e.message = Some("removed from the history (Flyway repair or undo)".into());
            }
        }
        entries.push(e);
    }
    // History keys without a file.
    for ((repeatable, id), rows) in &by_key {
        if seen.contains(&(*repeatable, id.clone())) {
            continue;
        }
        let Some(row) = effective(layout, rows) else {
            continue;
        };
        let (state, message) = match row.outcome {
            Outcome::Removed => continue,
            Outcome::Baseline => (
                State::Applied,
                Some("Flyway baseline marker (no file)".to_string()),
            ),
            Outcome::RolledBack => (
                State::RolledBack,
                Some("rolled-back attempt of a migration whose directory is gone".into()),
            ),
            Outcome::Failed => (
                State::Missing,
                Some(
                    row.logs
                        .clone()
                        .unwrap_or_else(|| "recorded as failed".into()),
                ),
            ),
            Outcome::Succeeded => (State::Missing, None),
        };
        entries.push(StatusEntry {
            id: id.clone(),
            version: row.version.clone(),
            name: row.name.clone(),
            path: None,
            state,
            expected_checksum: opt_checksum(&row.checksum),
            found_checksum: None,
            applied_at: row.applied_at.clone(),
            message,
            repeatable: *repeatable,
        });
    }
    entries.sort_by(|a, b| cmp_ids(layout, (&a.id, a.repeatable), (&b.id, b.repeatable)));
    let mut summary = Summary::default();
    for e in &entries {
        *match e.state {
            State::Applied => &mut summary.applied,
            State::Pending => &mut summary.pending,
            State::Missing => &mut summary.missing,
            State::Modified => &mut summary.modified,
            State::Failed => &mut summary.failed,
            State::RolledBack => &mut summary.rolled_back,
        } += 1;
    }
    Status {
        version: STATUS_JSON_VERSION,
        layout,
        table: history.table.clone(),
        migrations: entries,
        summary,
    }
}

/// What a failed row without logs means for a tool.
fn failed_message(layout: Layout) -> Option<String> {
    Some(
        match layout {
            Layout::Prisma => "started but not finished (finished_at is NULL): in progress, or it stopped without recording an error",
            Layout::Sqlx | Layout::Flyway => "recorded with success = false",
            Layout::GolangMigrate => "the database is dirty at this version",
            Layout::Dbmate => return None,
        }
        .to_string(),
    )
}

/// golang-migrate: applied iff version <= the current one; the current one failed if dirty.
fn cumulative_entry(m: &Migration, history: &History) -> StatusEntry {
    let Some(current) = history.rows.first() else {
        return file_entry(m, State::Pending);
    };
    let digits = |x: &str, y: &str| {
        let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
        x.len().cmp(&y.len()).then_with(|| x.cmp(y))
    };
    match digits(&m.id, &current.id) {
        Ordering::Greater => file_entry(m, State::Pending),
        Ordering::Equal if current.outcome == Outcome::Failed => {
            let mut e = file_entry(m, State::Failed);
            e.message = Some("the database is dirty at this version: it failed part-way (fix, then `migrate force`)".into());
            e
        }
        _ => file_entry(m, State::Applied),
    }
}
