//! One function per subcommand. Each returns an [`Outcome`] (exit 0 or 1) or an error (exit 2).

use std::io::{IsTerminal, Write};

use anyhow::{bail, Context, Result};
use plumb_diff::render::{self, Header};
use plumb_diff::Plan;
use plumb_pg::Target;

use crate::args::{
    BaselineArgs, CheckArgs, CheckFormat, Cli, Color, Command, CompareOpts, DiffArgs, DiffFormat,
    DumpArgs, DumpFormat, FixSql, StatusArgs, StatusFormat,
};
use crate::dev::Dev;
use crate::source::{self, Filters};
use crate::unmodelled::{self, NotCompared};
use crate::{log, Outcome};

/// Version of every JSON document plumb prints that is not a plan (plans carry their own).
pub const JSON_VERSION: u32 = 1;

pub async fn run(mut cli: Cli) -> Result<Outcome> {
    let config = crate::config::Config::discover(cli.config.as_deref(), cli.no_config)?;
    config.apply(&mut cli.command)?;
    match cli.command {
        Command::Diff(a) => diff(a).await,
        Command::Dump(a) => dump(a).await,
        Command::Check(a) => check(a).await,
        Command::Status(a) => status(a).await,
        Command::Baseline(a) => baseline(a).await,
    }
}

pub(crate) fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    if !text.is_empty() && !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

pub(crate) fn use_color(c: Color) -> bool {
    match c {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

pub(crate) fn diff_options(c: &CompareOpts) -> plumb_diff::Options {
    plumb_diff::Options {
        ignore_owners: c.ignore_owners,
        ignore_privileges: c.ignore_privileges,
        include_schemas: c.include_schemas.clone(),
        exclude_schemas: c.exclude_schemas.clone(),
        online: c.online,
        using: c.using.clone(),
    }
}

pub(crate) fn filters(c: &CompareOpts) -> Filters {
    Filters::new(
        c.include_schemas.clone(),
        c.exclude_schemas.clone(),
        c.exclude.clone(),
        c.include_history_tables,
    )
}

fn outcome(plan: &Plan) -> Outcome {
    if plan.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Different
    }
}

fn render_plan(
    applied: &crate::hazards::Applied,
    header: &Header,
    format: DiffFormat,
    color: bool,
    not_compared: &NotCompared,
) -> Result<String> {
    let plan = &applied.plan;
    let mut text = match format {
        DiffFormat::Sql => render::sql(plan, header),
        DiffFormat::Human => render::human(plan, header, color),
        DiffFormat::Json => {
            let mut doc = render::json(plan, header);
            crate::hazards::json(&mut doc, plan, &applied.skipped);
            doc["not_compared"] = not_compared.json();
            doc["uncertain"] = not_compared.uncertain_json();
            return Ok(serde_json::to_string_pretty(&doc)? + "\n");
        }
        DiffFormat::Markdown => render::markdown(plan, header),
    };
    let prefix = if format == DiffFormat::Sql { "-- " } else { "" };
    let skipped = crate::hazards::skipped_text(&applied.skipped, prefix);
    if !skipped.is_empty() {
        if format == DiffFormat::Markdown {
            text.push_str(&format!("\n```\n{skipped}```\n"));
        } else {
            text.push('\n');
            text.push_str(&skipped);
        }
    }
    let how = match format {
        DiffFormat::Sql => unmodelled::Format::SqlComment,
        DiffFormat::Markdown => unmodelled::Format::Markdown,
        _ => unmodelled::Format::Human,
    };
    not_compared.append(&mut text, how);
    Ok(text)
}

async fn diff(a: DiffArgs) -> Result<Outcome> {
    let mut f = filters(&a.compare);
    f.connections = plumb_introspect::Connections::beside_another();
    f.validate("--include-schema")?;
    a.hazards.validate()?;
    if a.verify && a.compare.dev_url.is_none() {
        bail!("--verify proves the plan on a dev server: give it with --dev-url URL (or --dev-url local)");
    }
    let dev = Dev::resolve(a.compare.dev_url.as_deref(), &[&a.from, &a.to]).await?;
    // Both sides at once: `--to` on a thread of its own.
    let to = source::load_in_background(&a.to, dev.url(), &f);
    let from = source::load(&a.from, dev.url(), &f).await?;
    let to = to.wait().await?;
    f.require_included(
        "--include-schema",
        &[(&from.label, &from.schemas), (&to.label, &to.schemas)],
    )?;
    f.warn_unmatched();
    let plan = plumb_diff::plan(&from.database, &to.database, &diff_options(&a.compare))?;
    let not_compared = NotCompared::of(&[(&from.label, &from.database), (&to.label, &to.database)])
        .with_uncertain(plumb_diff::uncertain(
            &from.database,
            &to.database,
            &diff_options(&a.compare),
        ));
    warn_uncertain(&from.database, &to.database, &diff_options(&a.compare));
    let header = Header {
        from: from.label,
        to: to.label,
    };
    let applied = a.hazards.apply(plan, a.compare.online);
    print(&render_plan(
        &applied,
        &header,
        a.format.unwrap_or(DiffFormat::Sql),
        use_color(a.compare.color),
        &not_compared,
    )?)?;
    a.hazards.gate(&applied.plan)?;
    if let (true, Some(url)) = (a.verify, dev.url()) {
        let v = crate::verify::verify(
            url,
            &from.database,
            &to.database,
            &applied.plan,
            &diff_options(&a.compare),
        )
        .await?;
        let line = v.summary(applied.plan.steps.len());
        if !v.ok() {
            log::error(format_args!("{line}"));
            return Ok(Outcome::Failed);
        }
        log::result(format_args!("{line}"));
    }
    let outcome = outcome(&applied.plan);
    left_to_exit((from.database, to.database, applied));
    Ok(outcome)
}

/// `plumb dump --format json`: the model with the format's version and where it was read from.
#[derive(serde::Serialize)]
struct DumpJson<'a> {
    version: u32,
    source: String,
    database: &'a plumb_model::Database,
}

async fn dump(a: DumpArgs) -> Result<Outcome> {
    let target = plumb_pg::target_from(a.database.as_deref())?;
    let f = Filters::new(
        a.schemas.clone(),
        a.exclude_schemas.clone(),
        a.exclude.clone(),
        a.include_history_tables,
    );
    f.validate("--schema")?;
    let db = source::introspect(&target, &f).await?;
    require_schemas(&f, "--schema", &target, &db).await?;
    f.warn_unmatched();
    match a.format.unwrap_or(DumpFormat::Sql) {
        DumpFormat::Json => {
            // Written straight to stdout: a model of 10,000 tables would take hundreds of megabytes as a
            // `serde_json::Value` or a string.
            let doc = DumpJson {
                version: plumb_model::MODEL_JSON_VERSION,
                source: target.to_string(),
                database: &db,
            };
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            serde_json::to_writer_pretty(&mut out, &doc)?;
            out.write_all(b"\n")?;
            out.flush()?;
        }
        DumpFormat::Sql => {
            let opts = plumb_diff::Options {
                include_schemas: a.schemas,
                exclude_schemas: a.exclude_schemas,
                ..Default::default()
            };
            let plan = plumb_diff::dump(&db, &opts)?;
            let not_compared = NotCompared::of(&[(&target.to_string(), &db)]);
            // The plan holds its own text. A large model's memory goes back while the script is written, on
            // another thread, so that the script is not written on top of it (10,000 tables: a peak 2 MB
            // lower, and freeing takes about 30 ms); a small one is left to the exit.
            let freeing = if db.tables.len() >= FREE_WHILE_WRITING {
                std::thread::Builder::new().spawn(move || drop(db)).ok()
            } else {
                left_to_exit(db);
                None
            };
            let header = Header::dump(target.to_string());
            let mut text = render::sql(&plan, &header);
            not_compared.append(&mut text, unmodelled::Format::SqlComment);
            let printed = print(&text);
            // Joined whatever the printing gave (a closed pipe too): the process never ends while it frees.
            if let Some(freeing) = freeing {
                let _ = freeing.join();
            }
            printed?;
            left_to_exit((plan, text));
        }
    }
    Ok(Outcome::Clean)
}

/// From how many tables `plumb dump` frees the model on another thread while it writes the script, rather than
/// leaving it to the exit.
const FREE_WHILE_WRITING: usize = 1_000;

/// Plain data the process holds until it ends, left to the operating system at exit instead of freed object by
/// object: freeing the model and the plan was 5% of the instructions of a `plumb dump` of Synapse's schema
/// (callgrind), and about 30 ms at 10,000 tables. Never anything whose `Drop` does work outside this process
/// (a connection, a scratch database, a file being written).
fn left_to_exit<T>(value: T) {
    std::mem::forget(value);
}

/// `dump` / `baseline`: a schema named in `--schema` must exist.
async fn require_schemas(
    f: &Filters,
    flag: &str,
    target: &Target,
    db: &plumb_model::Database,
) -> Result<()> {
    if f.include.iter().all(|s| db.schemas.contains_key(s)) {
        return Ok(());
    }
    let all = crate::scope::schemas_of(target).await?;
    f.require_included(flag, &[(&target.to_string(), &all)])
}

pub(crate) fn layout_arg(text: Option<&str>) -> Result<Option<plumb_migrations::Layout>> {
    match text {
        None => Ok(None),
        Some(t) => match t.parse::<plumb_migrations::Layout>() {
            Ok(l) => Ok(Some(l)),
            Err(_) => {
                bail!("unknown layout {t}: expected prisma, sqlx, flyway, golang-migrate or dbmate")
            }
        },
    }
}

pub(crate) async fn migration_status(
    target: &Target,
    dir: &plumb_migrations::MigrationDir,
) -> Result<plumb_migrations::Status> {
    let client = target.connect().await?;
    let history = plumb_migrations::read_history(&client, dir.layout)
        .await
        .with_context(|| format!("reading the migrations table of {target}"))?
        .unwrap_or_default();
    Ok(plumb_migrations::status(dir, &history))
}

async fn status(a: StatusArgs) -> Result<Outcome> {
    let target = plumb_pg::target_from(a.database.as_deref())?;
    let migrations = a.migrations.as_deref().context(
        "give the migrations directory: --migrations DIR (or `migrations` in plumb.toml)",
    )?;
    let dir = plumb_migrations::read_dir(migrations, layout_arg(a.layout.as_deref())?)?;
    let st = migration_status(&target, &dir).await?;
    match a.format.unwrap_or(StatusFormat::Human) {
        StatusFormat::Json => {
            let doc = serde_json::json!({ "version": JSON_VERSION, "database": target.to_string(), "status": st });
            print(&(serde_json::to_string_pretty(&doc)? + "\n"))?;
        }
        StatusFormat::Human => print(&crate::report::status_human(
            &dir,
            &st,
            crate::log::verbose(),
        ))?,
    }
    Ok(if st.is_clean() {
        Outcome::Clean
    } else {
        Outcome::Different
    })
}

async fn baseline(a: BaselineArgs) -> Result<Outcome> {
    let target = plumb_pg::target_from(a.database.as_deref())?;
    let migrations = a.migrations.clone().context(
        "give the migrations directory: --migrations DIR (or `migrations` in plumb.toml)",
    )?;
    let layout = match layout_arg(a.layout.as_deref())? {
        Some(l) => l,
        None => plumb_migrations::detect(&migrations).unwrap_or(plumb_migrations::Layout::Prisma),
    };
    let existing = if migrations.is_dir() {
        plumb_migrations::read_dir(&migrations, Some(layout))
            .map(|d| d.migrations)
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    if let Some(wanted) = &a.mark_existing {
        let Some(m) = existing
            .iter()
            .find(|m| m.version == *wanted || format!("{}_{}", m.version, m.name) == *wanted)
        else {
            bail!(
                "{}: no {layout} migration with version {wanted}",
                migrations.display()
            );
        };
        eprintln!(
            "plumb: recording {} as applied in {target} (this writes to the database)",
            m.path.display()
        );
        let client = target.connect().await?;
        plumb_migrations::mark_applied(&client, layout, m).await?;
        println!("marked {} {} as applied", m.version, m.name);
        return Ok(Outcome::Clean);
    }
    if let Some(first) = existing.first() {
        bail!(
            "{} already has {} migration(s), the first {}_{}: a baseline must be the first migration (one written \
             after them would stay pending). To record an existing migration as applied: plumb baseline \
             --migrations {} --mark-existing VERSION",
            migrations.display(),
            existing.len(),
            first.version,
            first.name,
            migrations.display()
        );
    }
    let f = Filters::new(
        a.schemas.clone(),
        Vec::new(),
        a.exclude.clone(),
        a.include_history_tables,
    );
    f.validate("--schema")?;
    // The tool's own history table is created by the tool, not by a migration: `introspect` leaves it out.
    let db = source::introspect(&target, &f).await?;
    require_schemas(&f, "--schema", &target, &db).await?;
    f.warn_unmatched();
    let opts = plumb_diff::Options {
        include_schemas: a.schemas.clone(),
        ..Default::default()
    };
    let plan = plumb_diff::dump(&db, &opts)?;
    let header = Header::dump(target.to_string());
    let mut sql = render::sql(&plan, &header);
    NotCompared::of(&[(&target.to_string(), &db)]).append(&mut sql, unmodelled::Format::SqlComment);
    let version = a.version.clone().unwrap_or_else(|| default_version(layout));
    let m = plumb_migrations::write_baseline(&migrations, layout, &a.name, &sql, &version)?;
    println!(
        "wrote {} ({} statements)",
        m.path.display(),
        plan.steps.len()
    );
    if a.mark_applied {
        eprintln!(
            "plumb: recording {} as applied in {target} (this writes to the database)",
            m.path.display()
        );
        let client = target.connect().await?;
        plumb_migrations::mark_applied(&client, layout, &m).await?;
        println!("marked {} {} as applied", m.version, m.name);
    }
    Ok(Outcome::Clean)
}

/// Today's UTC date, `YYYY-MM-DD`.
pub(crate) fn today() -> String {
    let t = default_version(plumb_migrations::Layout::Prisma);
    format!("{}-{}-{}", &t[0..4], &t[4..6], &t[6..8])
}

/// Write a new file; an existing one is an error.
fn write_new(path: &std::path::Path, text: &str) -> Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("writing {} (plumb never overwrites it)", path.display()))?;
    f.write_all(text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// A UTC timestamp `YYYYMMDDHHMMSS` (Flyway: `1`).
fn default_version(layout: plumb_migrations::Layout) -> String {
    if layout == plumb_migrations::Layout::Flyway {
        return "1".to_string();
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Objects whose SQL text could not be compared offline: treated as in sync, and said so.
pub(crate) fn warn_uncertain(
    from: &plumb_model::Database,
    to: &plumb_model::Database,
    opts: &plumb_diff::Options,
) {
    for u in plumb_diff::uncertain(from, to, opts) {
        log::warn(format_args!(
            "{} {} is uncertain offline (treated as in sync): {}; use --dev-url to compare it exactly",
            u.kind.as_str(),
            u.object,
            u.reason
        ));
    }
}

pub async fn check(a: CheckArgs) -> Result<Outcome> {
    if crate::fleet::is_fleet(&a) {
        return crate::fleet::check(a).await;
    }
    let target = plumb_pg::target_from(a.database.first().map(String::as_str))?;
    let mut f = filters(&a.compare);
    f.connections = plumb_introspect::Connections::beside_another();
    f.validate("--include-schema")?;
    a.hazards.validate()?;
    if a.require_applied && a.migrations.is_none() {
        bail!("--require-applied needs the migrations: --migrations DIR (or `migrations` in plumb.toml)");
    }
    let history = match &a.migrations {
        Some(dir) => {
            let dir = plumb_migrations::read_dir(dir, layout_arg(a.layout.as_deref())?)?;
            let st = migration_status(&target, &dir).await?;
            Some((dir, st))
        }
        None => None,
    };
    let dev = Dev::resolve(a.compare.dev_url.as_deref(), &[target.secret_url()]).await?;
    // Both sides at once: the database on a thread of its own while the declaration is read.
    let live = source::introspect_in_background(&target, &f);
    let declared = match (&a.schema, &history) {
        (Some(p), _) => source::load(&p.to_string_lossy(), dev.url(), &f).await?,
        (None, Some((dir, st))) => applied_migrations(dir, st, dev.url(), &f).await?,
        (None, None) => bail!("give the declared schema: --schema FILE|DIR or --migrations DIR (or `migrations` in plumb.toml)"),
    };
    let live = live.wait().await?;
    if !f.include.is_empty() {
        let live_schemas = crate::scope::schemas_of(&target).await?;
        f.require_included(
            "--include-schema",
            &[
                (&target.to_string(), &live_schemas),
                (&declared.label, &declared.schemas),
            ],
        )?;
    }
    f.warn_unmatched();
    let opts = diff_options(&a.compare);
    warn_uncertain(&live, &declared.database, &opts);
    // Direction "database -> declaration": creates are declared objects missing from the database, drops are
    // objects the database has that are not declared.
    let to_declared = plumb_diff::plan(&live, &declared.database, &opts)?;
    let fix = match a.fix_sql {
        None => None,
        Some(FixSql::Database) => Some(to_declared.clone()),
        Some(FixSql::Declaration) => Some(plumb_diff::plan(&declared.database, &live, &opts)?),
    };
    let fix = fix.map(|p| a.hazards.apply(p, a.compare.online));
    let today = today();
    if let Some(path) = &a.write_accepted {
        write_new(path, &crate::accept::write_list(&to_declared, &today))?;
        log::warn(format_args!(
            "wrote {} accepted-drift entr{} to {}: review each reason",
            to_declared.changes.len(),
            if to_declared.changes.len() == 1 {
                "y"
            } else {
                "ies"
            },
            path.display()
        ));
    }
    let accepted = match &a.accept {
        Some(p) => Some(crate::accept::Accepted::load(p)?),
        None => None,
    };
    let accept_outcome = accepted.as_ref().map(|l| l.apply(&to_declared, &today));
    // Where annotations point: the statements of the declared files (read again; only for this format).
    let declared_file = (a.format == Some(CheckFormat::Github)).then(|| {
        let file = a
            .schema
            .as_ref()
            .filter(|p| p.is_file())
            .map(|p| p.display().to_string());
        let scripts = match (&a.schema, &history) {
            (Some(p), _) => plumb_parse::scripts(p).unwrap_or_default(),
            (None, Some((dir, st))) => applied_scripts(dir, st).0,
            (None, None) => Vec::new(),
        };
        crate::report::DeclaredAt::of(&scripts, file)
    });
    let report = crate::report::Check {
        database: target.to_string(),
        declared: declared.label,
        declared_file,
        warnings: &declared.warnings,
        plan: accept_outcome.as_ref().map_or(&to_declared, |o| &o.open),
        history: history.as_ref().map(|(d, s)| (d, s)),
        require_applied: a.require_applied,
        fix: fix
            .as_ref()
            .map(|p| (a.fix_sql.unwrap_or(FixSql::Database), &p.plan)),
    };
    let not_compared = NotCompared::of(&[
        (&report.database, &live),
        (&report.declared, &declared.database),
    ])
    .with_uncertain(plumb_diff::uncertain(&live, &declared.database, &opts));
    let mut text = match a.format.unwrap_or(CheckFormat::Human) {
        CheckFormat::Human => report.human(use_color(a.compare.color)),
        CheckFormat::Markdown => report.markdown(),
        CheckFormat::Json => {
            let mut doc = report.json();
            doc["not_compared"] = not_compared.json();
            doc["uncertain"] = not_compared.uncertain_json();
            if let Some(fx) = &fix {
                // The fix plan's hazards with their pg-schema-diff codes, and what --no-drop left out.
                let mut plan_doc = render::json(&fx.plan, &Header::dump(String::new()));
                crate::hazards::json(&mut plan_doc, &fx.plan, &fx.skipped);
                doc["fix"]["hazards"] = plan_doc["hazards"].take();
                if !fx.skipped.is_empty() {
                    doc["fix"]["skipped"] = plan_doc["skipped"].take();
                }
            }
            if let Some(o) = &accept_outcome {
                doc["accepted_drift"] = o.json();
                doc["in_sync"] = (report.in_sync() && o.expired.is_empty()).into();
            }
            serde_json::to_string_pretty(&doc)? + "\n"
        }
        CheckFormat::Github => report.github(),
    };
    if let Some(o) = &accept_outcome {
        let format = a.format.unwrap_or(CheckFormat::Human);
        let lines = o.lines();
        if !lines.is_empty() && format != CheckFormat::Json {
            text.push('\n');
        }
        for l in &lines {
            match format {
                CheckFormat::Json => {}
                CheckFormat::Human => text.push_str(&format!("{l}\n")),
                CheckFormat::Markdown => text.push_str(&format!("- {l}\n")),
                CheckFormat::Github => {
                    let level = if l.starts_with("expired") {
                        "error"
                    } else {
                        "warning"
                    };
                    if !l.starts_with("  ") {
                        text.push_str(&format!("::{level} title=Accepted drift::{l}\n"));
                    }
                }
            }
        }
        for (e, at) in &o.stale {
            log::warn(format_args!(
                "{at}: accepted drift {} {} no longer matches anything",
                e.kind, e.object
            ));
        }
    }
    if let Some(how) = match a.format.unwrap_or(CheckFormat::Human) {
        CheckFormat::Human => Some(unmodelled::Format::Human),
        CheckFormat::Markdown => Some(unmodelled::Format::Markdown),
        CheckFormat::Github => Some(unmodelled::Format::Github),
        CheckFormat::Json => None,
    } {
        not_compared.append(&mut text, how);
    }
    if let Some(fx) = &fix {
        if !fx.skipped.is_empty() && a.format != Some(CheckFormat::Json) {
            text.push('\n');
            text.push_str(&crate::hazards::skipped_text(&fx.skipped, ""));
        }
    }
    print(&text)?;
    if let Some(fx) = &fix {
        a.hazards.gate(&fx.plan)?;
    }
    let clean = report.in_sync() && accept_outcome.as_ref().is_none_or(|o| o.expired.is_empty());
    if !clean {
        log::info("drift found");
    }
    Ok(if clean {
        Outcome::Clean
    } else {
        Outcome::Different
    })
}

/// The declared schema of `check --migrations`: the migrations the history table records as applied, replayed
/// in order (all of them when the database has no history table). Pending migrations are what the next deploy
/// does, not drift.
pub(crate) async fn applied_migrations(
    dir: &plumb_migrations::MigrationDir,
    st: &plumb_migrations::Status,
    dev_url: Option<&str>,
    f: &Filters,
) -> Result<source::Loaded> {
    let (scripts, label) = applied_scripts(dir, st);
    source::load_scripts(&scripts, &label, dev_url, f).await
}

/// The scripts of the migrations the database has applied (all of them when it has no history table), and
/// a label that says how many.
fn applied_scripts(
    dir: &plumb_migrations::MigrationDir,
    st: &plumb_migrations::Status,
) -> (Vec<plumb_parse::Script>, String) {
    let mut scripts = plumb_parse::migration_scripts(dir);
    let label = if st.table.is_some() {
        let applied: std::collections::BTreeSet<&std::path::Path> =
            st.applied_files().into_iter().collect();
        let total = scripts.len();
        scripts.retain(|s| applied.contains(s.path.as_path()));
        format!(
            "{} ({} of {total} migration{} applied)",
            dir.root.display(),
            scripts.len(),
            if total == 1 { "" } else { "s" }
        )
    } else {
        log::info(format_args!(
            "{}: the database has no {} history table; comparing with every migration",
            dir.root.display(),
            dir.layout
        ));
        dir.root.display().to_string()
    };
    (scripts, label)
}
