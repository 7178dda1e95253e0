//! `plumb check` over many targets — a fleet of databases, one per tenant, shard or region.
//!
//! The declared schema is read once; the targets are read concurrently (`--jobs` at a time, at most
//! `--jobs-per-server` connections to one server, one connection per target), each compared with the declared
//! model as a single `check` would. A target that cannot be read (unreachable, refused, a bad URL) is an error
//! of that target and does not stop the others. The report has one line per target, the drift grouped by what
//! it is (the same drift in 37 targets is one entry), and a summary; exit 0 when every target is in sync, 1 on
//! drift, 2 when any target errored.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use futures_util::stream::{FuturesUnordered, StreamExt};
use plumb_diff::Plan;
use plumb_model::Database;
use plumb_pg::Target;
use serde_json::json;
use tokio::sync::Semaphore;

use crate::args::{CheckArgs, CheckFormat};
use crate::commands::{diff_options, filters, print, today, use_color, JSON_VERSION};
use crate::dev::Dev;
use crate::mapschema::MapSchema;
use crate::report::{drift_detail, drift_kind, drift_sentence};
use crate::source::{self, Filters};
use crate::unmodelled::{self, NotCompared};
use crate::{log, Outcome};

/// Whether this check has more than one target (else it is the single-database check).
pub fn is_fleet(a: &CheckArgs) -> bool {
    a.database.len() > 1
        || a.targets.is_some()
        || a.targets_query.is_some()
        || !a.config_targets.is_empty()
        || a.map_schema.is_some()
}

/// One target: its name in the report and where to connect. A URL that does not parse is that target's error.
struct Named {
    name: String,
    target: Result<Target, String>,
}

impl Named {
    fn new(name: Option<String>, url: &str) -> Named {
        match Target::parse(url) {
            Ok(t) => Named {
                name: name.unwrap_or_else(|| t.to_string()),
                target: Ok(t),
            },
            Err(e) => Named {
                name: name.unwrap_or_else(|| plumb_pg::redact(url)),
                target: Err(e.to_string()),
            },
        }
    }
}

/// One line of a targets file: a URL, a key=value connection string, or `name = URL` (`name = "key=value
/// ..."` for a named connection string).
fn parse_line(line: &str) -> Result<(Option<String>, String), String> {
    if plumb_pg::is_url(line) {
        return Ok((None, line.to_string()));
    }
    let Some((left, right)) = line.split_once('=') else {
        return Err(format!(
            "expected a URL, `name = URL` or a key=value connection string, found `{}`",
            plumb_pg::redact(line)
        ));
    };
    let (name, value) = (left.trim(), right.trim());
    let is_name = !name.is_empty() && !name.contains(char::is_whitespace);
    if is_name && plumb_pg::is_url(value) {
        return Ok((Some(name.to_string()), value.to_string()));
    }
    if is_name && value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
        return Ok((
            Some(name.to_string()),
            value[1..value.len() - 1].to_string(),
        ));
    }
    // `host=... dbname=...`: a connection string without a name.
    Ok((None, line.to_string()))
}

/// The targets of a `--targets` file; a line that is none of the forms is an error naming file and line.
fn targets_file(path: &Path) -> Result<Vec<Named>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match parse_line(line) {
            Ok((name, url)) => out.push(Named::new(name, &url)),
            Err(why) => bail!("{}:{}:1: {why}", path.display(), i + 1),
        }
    }
    Ok(out)
}

/// The targets a `--targets-query` lists on `server`: the first column of each row is a database name there.
/// The query runs in a read-only transaction, as one statement.
async fn query_targets(server: &Target, sql: &str) -> Result<Vec<Named>> {
    let client = server.connect().await?;
    client
        .batch_execute("BEGIN READ ONLY")
        .await
        .with_context(|| format!("starting a read-only transaction on {server}"))?;
    let rows = client
        .query(sql, &[])
        .await
        .with_context(|| format!("running --targets-query on {server}"))?;
    let _ = client.batch_execute("ROLLBACK").await;
    let mut out = Vec::new();
    for row in rows {
        let name: Option<String> = row.try_get(0).with_context(|| {
            "--targets-query: the first column must be a database name (text or name)".to_string()
        })?;
        match name {
            Some(db) => out.push(Named {
                target: Ok(server.with_database(&db)),
                name: db,
            }),
            None => log::warn("--targets-query returned a NULL database name: skipped"),
        }
    }
    Ok(out)
}

/// Every target of the command: `--database` (repeated), `--targets FILE`, `--targets-query`, else the
/// `[targets]` table of plumb.toml. Names must be unique.
async fn resolve_targets(a: &CheckArgs) -> Result<Vec<Named>> {
    let mut all = Vec::new();
    if let Some(sql) = &a.targets_query {
        if a.database.len() > 1 {
            bail!("--targets-query runs on one server: give at most one --database (the server to query)");
        }
        let server = plumb_pg::target_from(a.database.first().map(String::as_str))?;
        all.extend(query_targets(&server, sql).await?);
    } else {
        all.extend(a.database.iter().map(|u| Named::new(None, u)));
    }
    if let Some(path) = &a.targets {
        all.extend(targets_file(path)?);
    }
    all.extend(
        a.config_targets
            .iter()
            .map(|(n, u)| Named::new(Some(n.clone()), u)),
    );
    if all.is_empty() {
        bail!("no targets to check: --database, --targets or --targets-query named none");
    }
    let mut seen = BTreeSet::new();
    for n in &all {
        if !seen.insert(n.name.as_str()) {
            bail!(
                "target {} is named twice: every target needs its own name",
                n.name
            );
        }
    }
    Ok(all)
}

/// What a fleet check does not do yet: refused with a clear error rather than half done.
fn refuse_unsupported(a: &CheckArgs) -> Result<()> {
    for (given, flag) in [
        (a.fix_sql.is_some(), "--fix-sql"),
        (a.write_accepted.is_some(), "--write-accepted"),
        (a.require_applied, "--require-applied"),
    ] {
        if given {
            bail!("{flag} is not supported with several targets yet: check one database at a time for it");
        }
    }
    Ok(())
}

/// How one target went.
enum Result1 {
    /// Drift still open (after accepted drift), and how many changes accepted drift covered.
    Checked {
        plan: Plan,
        accepted: usize,
    },
    Error(String),
}

struct TargetReport {
    name: String,
    /// Password-free URL.
    database: String,
    result: Result1,
    elapsed: Duration,
    /// With `--migrations`: the migrations its history table has not applied yet (not drift).
    pending: usize,
}

impl TargetReport {
    fn drift(&self) -> usize {
        match &self.result {
            Result1::Checked { plan, .. } => plan.changes.len(),
            Result1::Error(_) => 0,
        }
    }
}

/// What one target gave: a plan per compared schema (one, `None`, without `--map-schema`), what was uncertain
/// offline, and the live model's unmodelled objects.
struct Checked {
    plans: Vec<(Option<String>, Plan)>,
    uncertain: Vec<String>,
    unsupported: Database,
}

/// Read one target on one connection and compare it with the declared model (each schema `--map-schema`
/// matches, renamed, with the declared schema).
async fn check_one(
    target: &Target,
    declared: &Database,
    f: &Filters,
    opts: &plumb_diff::Options,
    map: Option<&MapSchema>,
) -> Result<Checked> {
    let client = target.connect().await?;
    let mut db = plumb_introspect::introspect(&client, &f.introspect_options())
        .await
        .with_context(|| format!("reading the schema of {target}"))?;
    drop(client);
    f.apply(&mut db, &target.to_string());
    let live: Vec<(Option<String>, Database)> = match map {
        None => vec![(None, std::mem::take(&mut db))],
        Some(m) => crate::mapschema::split(&db, m)?
            .into_iter()
            .map(|(s, d)| (Some(s), d))
            .collect(),
    };
    let mut out = Checked {
        plans: Vec::new(),
        uncertain: Vec::new(),
        unsupported: Database::default(),
    };
    for (schema, live) in live {
        out.plans
            .push((schema, plumb_diff::plan(&live, declared, opts)?));
        for u in plumb_diff::uncertain(&live, declared, opts) {
            out.uncertain
                .push(format!("{} {}: {}", u.kind.as_str(), u.object, u.reason));
        }
        if map.is_none() {
            db = live;
        }
    }
    out.unsupported.unsupported = db.unsupported;
    Ok(out)
}

/// `done/total` on stderr while targets are read, when stderr is a terminal and the run lasts over a second.
struct Progress {
    on: bool,
    total: usize,
    done: usize,
    errors: usize,
    start: Instant,
    shown: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        Progress {
            on: std::io::stderr().is_terminal() && !log::quiet(),
            total,
            done: 0,
            errors: 0,
            start: Instant::now(),
            shown: false,
        }
    }

    fn tick(&mut self, error: bool) {
        self.done += 1;
        self.errors += usize::from(error);
        if self.on && self.start.elapsed() > Duration::from_secs(1) {
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r\x1b[Kplumb check: {}/{} targets{}",
                self.done,
                self.total,
                if self.errors > 0 {
                    format!(", {} error(s)", self.errors)
                } else {
                    String::new()
                }
            );
            let _ = err.flush();
            self.shown = true;
        }
    }

    fn finish(&self) {
        if self.shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
        }
    }
}

/// The default `--jobs`: the number of CPUs.
fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

pub async fn check(a: CheckArgs) -> Result<Outcome> {
    refuse_unsupported(&a)?;
    let f = filters(&a.compare);
    f.validate("--include-schema")?;
    a.hazards.validate()?;
    // the declared schema: one, or per target the migrations its history table applied (--migrations)
    let migrations = match (&a.schema, &a.migrations) {
        (Some(_), _) => None,
        (None, Some(dir)) => {
            if a.map_schema.is_some() {
                bail!("--map-schema compares with one declared schema: give it with --schema");
            }
            Some(plumb_migrations::read_dir(
                dir,
                crate::commands::layout_arg(a.layout.as_deref())?,
            )?)
        }
        (None, None) => bail!(
            "give the declared schema: --schema FILE|DIR or --migrations DIR (or `migrations` in plumb.toml)"
        ),
    };
    let named = resolve_targets(&a).await?;
    let first_url = named
        .iter()
        .find_map(|n| n.target.as_ref().ok().map(|t| t.secret_url().to_string()));
    let dev = Dev::resolve(
        a.compare.dev_url.as_deref(),
        &first_url.iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .await?;
    let mut declared = match (&a.schema, &migrations) {
        (Some(schema), _) => source::load(&schema.to_string_lossy(), dev.url(), &f).await?,
        // the whole history, for the header and the schema filters; each target gets its applied part
        (None, Some(dir)) => source::Loaded {
            database: Database::default(),
            label: dir.root.display().to_string(),
            schemas: BTreeSet::new(),
            warnings: Vec::new(),
        },
        (None, None) => bail!("give the declared schema: --schema FILE|DIR or --migrations DIR"),
    };
    // replays of the history, one per set of applied migrations, shared by the targets that have it
    let replays: tokio::sync::Mutex<HashMap<Vec<std::path::PathBuf>, Arc<Database>>> =
        tokio::sync::Mutex::new(HashMap::new());
    let mut opts = diff_options(&a.compare);
    if let Some(map) = &a.map_schema {
        if !f.include.is_empty() {
            bail!("--include-schema and --map-schema: the mapped schema is what is compared; leave --include-schema out");
        }
        declared.database = crate::mapschema::declared(&declared.database, map)?;
        opts.include_schemas = vec![map.declared.clone()];
    }
    if !f.include.is_empty() {
        f.require_included("--include-schema", &[(&declared.label, &declared.schemas)])?;
    }
    let accepted = match &a.accept {
        Some(p) => Some(crate::accept::Accepted::load(p)?),
        None => None,
    };
    let today = today();
    let jobs = a.jobs.map_or_else(default_jobs, usize::from);
    let per_server = usize::from(a.jobs_per_server);
    log::info(format_args!(
        "checking {} targets, {jobs} at a time, at most {per_server} per server",
        named.len()
    ));

    let all_jobs = Arc::new(Semaphore::new(jobs));
    let mut servers: HashMap<String, Arc<Semaphore>> = HashMap::new();
    let mut running = FuturesUnordered::new();
    for (i, n) in named.iter().enumerate() {
        let Ok(target) = &n.target else {
            continue;
        };
        let server = servers
            .entry(target.endpoint())
            .or_insert_with(|| Arc::new(Semaphore::new(per_server)))
            .clone();
        let all_jobs = all_jobs.clone();
        let (declared, f, opts, map) = (&declared.database, &f, &opts, a.map_schema.as_deref());
        let (migrations, replays, dev) = (migrations.as_ref(), &replays, &dev);
        running.push(async move {
            // The server's permit first: a target waiting for a busy server holds no job slot.
            let _server = server.acquire_owned().await;
            let _job = all_jobs.acquire_owned().await;
            let start = Instant::now();
            let result = async {
                let Some(dir) = migrations else {
                    return check_one(target, declared, f, opts, map)
                        .await
                        .map(|c| (c, 0));
                };
                let st = crate::commands::migration_status(target, dir).await?;
                let key: Vec<std::path::PathBuf> = match &st.table {
                    Some(_) => st.applied_files().iter().map(|p| p.to_path_buf()).collect(),
                    None => vec![dir.root.clone()],
                };
                let replay = {
                    let mut cache = replays.lock().await;
                    match cache.get(&key) {
                        Some(d) => d.clone(),
                        None => {
                            let loaded =
                                crate::commands::applied_migrations(dir, &st, dev.url(), f).await?;
                            let d = Arc::new(loaded.database);
                            cache.insert(key, d.clone());
                            d
                        }
                    }
                };
                let checked = check_one(target, &replay, f, opts, map).await?;
                Ok((checked, st.summary.pending))
            }
            .await;
            (i, result, start.elapsed())
        });
    }

    let mut results: Vec<Vec<TargetReport>> = named
        .iter()
        .map(|n| {
            n.target
                .as_ref()
                .err()
                .map(|e| TargetReport {
                    name: n.name.clone(),
                    database: n.name.clone(),
                    result: Result1::Error(e.clone()),
                    elapsed: Duration::ZERO,
                    pending: 0,
                })
                .into_iter()
                .collect()
        })
        .collect();
    let mut progress = Progress::new(named.len());
    for _ in results.iter().flatten() {
        progress.tick(true);
    }
    // With --map-schema each schema is reported as a target: `schema`, or `target/schema` when there are
    // several databases.
    let schema_name = |n: &Named, schema: Option<String>| match schema {
        None => n.name.clone(),
        Some(s) if named.len() == 1 => s,
        Some(s) => format!("{}/{s}", n.name),
    };
    let mut not_compared = NotCompared::default();
    not_compared.add(&declared.label, &declared.database);
    let mut uncertain: BTreeMap<String, usize> = BTreeMap::new();
    let mut expired = false;
    while let Some((i, result, elapsed)) = running.next().await {
        let n = &named[i];
        let database = n
            .target
            .as_ref()
            .map_or_else(|_| n.name.clone(), ToString::to_string);
        let checked = match result {
            Ok(c) => c,
            Err(e) => {
                progress.tick(true);
                results[i].push(TargetReport {
                    name: n.name.clone(),
                    database,
                    result: Result1::Error(crate::one_line(&e)),
                    elapsed,
                    pending: 0,
                });
                continue;
            }
        };
        let (checked, pending) = checked;
        progress.tick(false);
        not_compared.add(&n.name, &checked.unsupported);
        for u in checked.uncertain {
            *uncertain.entry(u).or_default() += 1;
        }
        for (schema, plan) in checked.plans {
            let result = match &accepted {
                Some(list) => {
                    let o = list.apply(&plan, &today);
                    expired |= !o.expired.is_empty();
                    Result1::Checked {
                        accepted: o.accepted.len(),
                        plan: o.open,
                    }
                }
                None => Result1::Checked { plan, accepted: 0 },
            };
            results[i].push(TargetReport {
                name: schema_name(n, schema),
                database: database.clone(),
                result,
                elapsed,
                pending,
            });
        }
    }
    progress.finish();
    f.warn_unmatched();
    for (what, n) in &uncertain {
        log::warn(format_args!(
            "{what} is uncertain offline in {n} target(s) (treated as in sync); use --dev-url to compare it exactly"
        ));
    }
    let reports: Vec<TargetReport> = results.into_iter().flatten().collect();
    if log::verbose() {
        for r in &reports {
            log::info(format_args!(
                "{}: read and compared in {} ms",
                r.name,
                r.elapsed.as_millis()
            ));
        }
    }
    let fleet = Fleet {
        declared: &declared.label,
        reports: &reports,
        expired,
    };
    let format = a.format.unwrap_or(CheckFormat::Human);
    let mut text = match format {
        CheckFormat::Human => fleet.human(use_color(a.compare.color)),
        CheckFormat::Markdown => fleet.markdown(),
        CheckFormat::Github => fleet.github(),
        CheckFormat::Json => {
            let mut doc = fleet.json();
            doc["not_compared"] = not_compared.json();
            serde_json::to_string_pretty(&doc)? + "\n"
        }
    };
    if let Some(how) = match format {
        CheckFormat::Human => Some(unmodelled::Format::Human),
        CheckFormat::Markdown => Some(unmodelled::Format::Markdown),
        CheckFormat::Github => Some(unmodelled::Format::Github),
        CheckFormat::Json => None,
    } {
        not_compared.append(&mut text, how);
    }
    print(&text)?;
    Ok(fleet.outcome())
}

/// The results of a fleet check, for rendering.
struct Fleet<'a> {
    declared: &'a str,
    reports: &'a [TargetReport],
    /// An accepted-drift entry is past its date: the check fails, as for one target.
    expired: bool,
}

/// Targets that have the same drift.
struct Group<'a> {
    drift: &'static str,
    kind: &'static str,
    object: &'a str,
    attribute: Option<&'a str>,
    message: String,
    /// A long difference as a unified diff (database, then declared).
    detail: Option<String>,
    targets: Vec<&'a str>,
}

/// At most this many target names are listed after a group in the human, markdown and github reports.
const NAMES_SHOWN: usize = 10;

impl Fleet<'_> {
    fn counts(&self) -> (usize, usize, usize) {
        let errors = self
            .reports
            .iter()
            .filter(|r| matches!(r.result, Result1::Error(_)))
            .count();
        let drifted = self.reports.iter().filter(|r| r.drift() > 0).count();
        (self.reports.len() - errors - drifted, drifted, errors)
    }

    fn outcome(&self) -> Outcome {
        let (_, drifted, errors) = self.counts();
        if errors > 0 {
            Outcome::Failed
        } else if drifted > 0 || self.expired {
            Outcome::Different
        } else {
            Outcome::Clean
        }
    }

    fn summary(&self) -> String {
        let (in_sync, drifted, errors) = self.counts();
        let mut s = format!(
            "{} target{}: {in_sync} in sync, {drifted} with drift, {errors} error{}",
            self.reports.len(),
            if self.reports.len() == 1 { "" } else { "s" },
            if errors == 1 { "" } else { "s" }
        );
        if self.expired {
            s.push_str("; an accepted-drift entry has expired");
        }
        s
    }

    /// The drift of every target, grouped: the same sentence in several targets is one group. Most targets
    /// first, then by object.
    fn groups(&self) -> Vec<Group<'_>> {
        // Keyed by the values too: a definition that differs in two ways is two groups.
        type Key<'k> = (&'k str, String, Option<&'k str>, Option<&'k str>);
        let mut by: BTreeMap<Key<'_>, Group<'_>> = BTreeMap::new();
        for r in self.reports {
            let Result1::Checked { plan, .. } = &r.result else {
                continue;
            };
            for c in &plan.changes {
                let message = drift_sentence(c);
                by.entry((
                    c.object.as_str(),
                    message.clone(),
                    c.from.as_deref(),
                    c.to.as_deref(),
                ))
                .or_insert_with(|| Group {
                    drift: drift_kind(c),
                    kind: c.kind.as_str(),
                    object: &c.object,
                    attribute: c.attribute.map(|a| a.as_str()),
                    message,
                    detail: drift_detail(c),
                    targets: Vec::new(),
                })
                .targets
                .push(&r.name);
            }
        }
        let mut groups: Vec<Group<'_>> = by.into_values().collect();
        groups.sort_by_key(|g| std::cmp::Reverse(g.targets.len()));
        groups
    }

    fn status_text(r: &TargetReport) -> String {
        match &r.result {
            Result1::Error(e) => format!("error: {e}"),
            Result1::Checked { plan, accepted } => {
                let mut s = match plan.changes.len() {
                    0 => "in sync".to_string(),
                    n => format!("drift in {n} place{}", if n == 1 { "" } else { "s" }),
                };
                if *accepted > 0 {
                    let _ = write!(s, " ({accepted} accepted)");
                }
                if r.pending > 0 {
                    let _ = write!(
                        s,
                        " ({} migration{} to apply)",
                        r.pending,
                        if r.pending == 1 { "" } else { "s" }
                    );
                }
                s
            }
        }
    }

    fn names(targets: &[&str]) -> String {
        let mut s = targets
            .iter()
            .take(NAMES_SHOWN)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        if targets.len() > NAMES_SHOWN {
            let _ = write!(s, " and {} more", targets.len() - NAMES_SHOWN);
        }
        s
    }

    fn count_label(n: usize) -> String {
        format!("{n} target{}", if n == 1 { "" } else { "s" })
    }

    fn human(&self, color: bool) -> String {
        let (bold, red, green, yellow, reset) = if color {
            ("\x1b[1m", "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[0m")
        } else {
            ("", "", "", "", "")
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{bold}checked {} against {}{reset}",
            Self::count_label(self.reports.len()),
            self.declared
        );
        let width = self
            .reports
            .iter()
            .map(|r| r.name.chars().count())
            .max()
            .unwrap_or(0);
        for r in self.reports {
            let color = match &r.result {
                Result1::Error(_) => red,
                Result1::Checked { plan, .. } if !plan.changes.is_empty() => yellow,
                Result1::Checked { .. } => green,
            };
            let _ = writeln!(
                out,
                "  {:<width$}  {color}{}{reset}",
                r.name,
                Self::status_text(r)
            );
        }
        let groups = self.groups();
        if !groups.is_empty() {
            let _ = writeln!(out, "\n{bold}drift, grouped by what differs:{reset}");
            for g in &groups {
                let _ = writeln!(
                    out,
                    "  {yellow}{}: {}{reset}",
                    Self::count_label(g.targets.len()),
                    g.message,
                );
                for line in g.detail.iter().flat_map(|d| d.lines()) {
                    let _ = writeln!(out, "      {line}");
                }
                let _ = writeln!(out, "      in {}", Self::names(&g.targets));
            }
        }
        let (_, drifted, errors) = self.counts();
        let color = if errors > 0 {
            red
        } else if drifted > 0 || self.expired {
            yellow
        } else {
            green
        };
        let _ = writeln!(out, "\n{color}{}{reset}", self.summary());
        out
    }

    fn markdown(&self) -> String {
        let (_, drifted, errors) = self.counts();
        let mut out = String::new();
        let title = if errors > 0 {
            "### ❌ Fleet check: errors"
        } else if drifted > 0 || self.expired {
            "### ⚠️ Fleet check: schema drift"
        } else {
            "### ✅ Fleet check: every target in sync"
        };
        let _ = writeln!(
            out,
            "{title}\n\n{} against `{}`.\n",
            self.summary(),
            self.declared
        );
        out.push_str("| target | result |\n| --- | --- |\n");
        for r in self.reports {
            let _ = writeln!(
                out,
                "| `{}` | {} |",
                r.name.replace('|', "\\|").replace('`', "'"),
                Self::status_text(r).replace('|', "\\|")
            );
        }
        let groups = self.groups();
        if !groups.is_empty() {
            out.push_str(
                "\n**Drift, grouped by what differs**\n\n| targets | drift | object | detail | in |\n| --- | --- | --- | --- | --- |\n",
            );
            for g in &groups {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} `{}` | {} | {} |",
                    g.targets.len(),
                    g.drift,
                    g.kind,
                    g.object.replace('|', "\\|").replace('`', "'"),
                    g.message.replace('|', "\\|"),
                    Self::names(&g.targets).replace('|', "\\|")
                );
            }
            for g in groups.iter().filter(|g| g.detail.is_some()) {
                let _ = writeln!(
                    out,
                    "\n<details><summary>{} <code>{}</code> in {}: database, then declared</summary>\n\n```diff\n{}```\n</details>",
                    g.kind,
                    g.object.replace('<', "&lt;"),
                    Self::count_label(g.targets.len()),
                    g.detail.as_deref().unwrap_or("").replace("```", "` ` `")
                );
            }
        }
        out
    }

    fn github(&self) -> String {
        fn escape(s: &str) -> String {
            s.replace('%', "%25")
                .replace('\r', "%0D")
                .replace('\n', "%0A")
        }
        let mut out = String::new();
        for r in self.reports {
            if let Result1::Error(e) = &r.result {
                let _ = writeln!(
                    out,
                    "::error title=Target error::{}",
                    escape(&format!("{}: {e}", r.name))
                );
            }
        }
        for g in self.groups() {
            let _ = writeln!(
                out,
                "::error title=Schema drift ({}) in {}::{}",
                g.drift,
                Self::count_label(g.targets.len()),
                escape(&format!(
                    "{}{}\nin {}",
                    g.message,
                    g.detail
                        .as_ref()
                        .map(|d| format!("\n{}", d.trim_end()))
                        .unwrap_or_default(),
                    Self::names(&g.targets),
                ))
            );
        }
        let (_, drifted, errors) = self.counts();
        let level = if errors > 0 || drifted > 0 || self.expired {
            "error"
        } else {
            "notice"
        };
        let _ = writeln!(
            out,
            "::{level} title=Fleet check::{}",
            escape(&format!("{} against {}", self.summary(), self.declared))
        );
        out
    }

    fn json(&self) -> serde_json::Value {
        let (in_sync, drifted, errors) = self.counts();
        let targets: Vec<serde_json::Value> = self
            .reports
            .iter()
            .map(|r| match &r.result {
                Result1::Error(e) => json!({
                    "name": r.name,
                    "database": r.database,
                    "status": "error",
                    "error": e,
                }),
                Result1::Checked { plan, accepted } => {
                    // The single-target report, as `plumb check --format json` writes it.
                    let report = crate::report::Check {
                        database: r.database.clone(),
                        declared: self.declared.to_string(),
                        declared_file: None,
                        warnings: &[],
                        plan,
                        history: None,
                        require_applied: false,
                        fix: None,
                    };
                    json!({
                        "name": r.name,
                        "database": r.database,
                        "status": if plan.changes.is_empty() { "in_sync" } else { "drift" },
                        "drift_count": plan.changes.len(),
                        "accepted_count": accepted,
                        "pending_migrations": r.pending,
                        "report": report.json(),
                    })
                }
            })
            .collect();
        let groups: Vec<serde_json::Value> = self
            .groups()
            .iter()
            .map(|g| {
                json!({
                    "drift": g.drift,
                    "kind": g.kind,
                    "object": g.object,
                    "attribute": g.attribute,
                    "message": g.message,
                    "detail": g.detail,
                    "count": g.targets.len(),
                    "targets": g.targets,
                })
            })
            .collect();
        json!({
            "version": JSON_VERSION,
            "declared": self.declared,
            "in_sync": errors == 0 && drifted == 0 && !self.expired,
            "summary": {
                "targets": self.reports.len(),
                "in_sync": in_sync,
                "drift": drifted,
                "error": errors,
                "accepted_drift_expired": self.expired,
            },
            "targets": targets,
            "groups": groups,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::parse_line;

    #[test]
    fn target_lines() {
        assert_eq!(
            parse_line("postgresql://u@h/db").unwrap(),
            (None, "postgresql://u@h/db".to_string())
        );
        assert_eq!(
            parse_line("eu = postgres://h/eu?sslmode=require").unwrap(),
            (
                Some("eu".to_string()),
                "postgres://h/eu?sslmode=require".to_string()
            )
        );
        assert_eq!(
            parse_line("host=h dbname=x").unwrap(),
            (None, "host=h dbname=x".to_string())
        );
        assert_eq!(
            parse_line("us = \"host=h dbname=x\"").unwrap(),
            (Some("us".to_string()), "host=h dbname=x".to_string())
        );
        assert!(parse_line("tenant_1").is_err());
    }
}
