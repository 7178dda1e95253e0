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
use crate::source::{self, Filters};
use crate::{log, Outcome};

/// Version of every JSON document plumb prints that is not a plan (plans carry their own).
pub const JSON_VERSION: u32 = 1;

pub async fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Diff(a) => diff(a).await,
        Command::Dump(a) => dump(a).await,
        Command::Check(a) => check(a).await,
        Command::Status(a) => status(a).await,
        Command::Baseline(a) => baseline(a).await,
    }
}

fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    if !text.is_empty() && !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

fn use_color(c: Color) -> bool {
    match c {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

fn diff_options(c: &CompareOpts) -> plumb_diff::Options {
    plumb_diff::Options {
        ignore_owners: c.ignore_owners,
        ignore_privileges: c.ignore_privileges,
        include_schemas: c.include_schemas.clone(),
        exclude_schemas: c.exclude_schemas.clone(),
        online: c.online,
    }
}

fn filters(c: &CompareOpts) -> Filters {
    Filters {
        include: c.include_schemas.clone(),
        exclude: c.exclude_schemas.clone(),
    }
}

fn outcome(plan: &Plan) -> Outcome {
    if plan.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Different
    }
}

fn render_plan(plan: &Plan, header: &Header, format: DiffFormat, color: bool) -> Result<String> {
    Ok(match format {
        DiffFormat::Sql => render::sql(plan, header),
        DiffFormat::Human => render::human(plan, header, color),
        DiffFormat::Json => serde_json::to_string_pretty(&render::json(plan, header))? + "\n",
        DiffFormat::Markdown => render::markdown(plan, header),
    })
}

async fn diff(a: DiffArgs) -> Result<Outcome> {
    let f = filters(&a.compare);
    let from = source::load(&a.from, a.compare.dev_url.as_deref(), &f).await?;
    let to = source::load(&a.to, a.compare.dev_url.as_deref(), &f).await?;
    let plan = plumb_diff::plan(&from.database, &to.database, &diff_options(&a.compare))?;
    warn_uncertain(&from.database, &to.database, &diff_options(&a.compare));
    let header = Header {
        from: from.label,
        to: to.label,
    };
    print(&render_plan(
        &plan,
        &header,
        a.format,
        use_color(a.compare.color),
    )?)?;
    Ok(outcome(&plan))
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
    let f = Filters {
        include: a.schemas.clone(),
        exclude: a.exclude_schemas.clone(),
    };
    let db = source::introspect(&target, &f).await?;
    match a.format {
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
            // The plan holds its own text: the model's memory goes back before the script is written.
            drop(db);
            let header = Header::dump(target.to_string());
            print(&render::sql(&plan, &header))?;
        }
    }
    Ok(Outcome::Clean)
}

fn layout_arg(text: Option<&str>) -> Result<Option<plumb_migrations::Layout>> {
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

async fn migration_status(
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
    let dir = plumb_migrations::read_dir(&a.migrations, layout_arg(a.layout.as_deref())?)?;
    let st = migration_status(&target, &dir).await?;
    match a.format {
        StatusFormat::Json => {
            let doc = serde_json::json!({ "version": JSON_VERSION, "database": target.to_string(), "status": st });
            print(&(serde_json::to_string_pretty(&doc)? + "\n"))?;
        }
        StatusFormat::Human => print(&crate::report::status_human(&dir, &st))?,
    }
    Ok(if st.is_clean() {
        Outcome::Clean
    } else {
        Outcome::Different
    })
}

async fn baseline(a: BaselineArgs) -> Result<Outcome> {
    let target = plumb_pg::target_from(a.database.as_deref())?;
    let layout = match layout_arg(a.layout.as_deref())? {
        Some(l) => l,
        None => plumb_migrations::detect(&a.migrations).unwrap_or(plumb_migrations::Layout::Prisma),
    };
    let f = Filters {
        include: a.schemas.clone(),
        exclude: Vec::new(),
    };
    let mut db = source::introspect(&target, &f).await?;
    // The tool's own history table is created by the tool, not by a migration.
    strip_history_tables(&mut db);
    let opts = plumb_diff::Options {
        include_schemas: a.schemas.clone(),
        ..Default::default()
    };
    let plan = plumb_diff::dump(&db, &opts)?;
    let header = Header::dump(target.to_string());
    let sql = render::sql(&plan, &header);
    let version = a.version.clone().unwrap_or_else(|| default_version(layout));
    let m = plumb_migrations::write_baseline(&a.migrations, layout, &a.name, &sql, &version)?;
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

/// Tables migration tools keep their history in. They are in the live database but never declared, so
/// `check` leaves them out of the schema comparison (the history section reads them instead).
const HISTORY_TABLES: &[&str] = &[
    "_prisma_migrations",
    "_sqlx_migrations",
    "flyway_schema_history",
    "schema_migrations",
    "ar_internal_metadata",
];

fn strip_history_tables(db: &mut plumb_model::Database) -> Vec<plumb_model::QualName> {
    let names: Vec<_> = db
        .tables
        .keys()
        .filter(|n| HISTORY_TABLES.contains(&n.name.as_str()))
        .cloned()
        .collect();
    for n in &names {
        db.tables.remove(n);
        let rel = plumb_model::ObjectRef::Relation(n.clone());
        db.dependencies.retain(|d| d.from != rel && d.to != rel);
    }
    names
}

/// Objects whose SQL text could not be compared offline: treated as in sync, and said so.
fn warn_uncertain(
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
    let target = plumb_pg::target_from(a.database.as_deref())?;
    let f = filters(&a.compare);
    let declared_path = match (&a.schema, &a.migrations) {
        (Some(p), _) | (None, Some(p)) => p.clone(),
        (None, None) => bail!("give the declared schema: --schema FILE|DIR or --migrations DIR"),
    };
    let mut declared = source::load(
        &declared_path.to_string_lossy(),
        a.compare.dev_url.as_deref(),
        &f,
    )
    .await?;
    let mut live = source::introspect(&target, &f).await?;
    for t in strip_history_tables(&mut live) {
        log::info(format_args!(
            "not comparing {t}: it is a migration tool's history table"
        ));
    }
    // a structure.sql or pg_dump output declares them too
    strip_history_tables(&mut declared.database);
    let opts = diff_options(&a.compare);
    warn_uncertain(&live, &declared.database, &opts);
    // Direction "database -> declaration": creates are declared objects missing from the database, drops are
    // objects the database has that are not declared.
    let to_declared = plumb_diff::plan(&live, &declared.database, &opts)?;
    let history = match &a.migrations {
        Some(dir) => {
            let dir = plumb_migrations::read_dir(dir, layout_arg(a.layout.as_deref())?)?;
            let st = migration_status(&target, &dir).await?;
            Some((dir, st))
        }
        None => None,
    };
    let fix = match a.fix_sql {
        None => None,
        Some(FixSql::Database) => Some(to_declared.clone()),
        Some(FixSql::Declaration) => Some(plumb_diff::plan(&declared.database, &live, &opts)?),
    };
    let report = crate::report::Check {
        database: target.to_string(),
        declared: declared.label,
        plan: &to_declared,
        history: history.as_ref().map(|(d, s)| (d, s)),
        fix: fix
            .as_ref()
            .map(|p| (a.fix_sql.unwrap_or(FixSql::Database), p)),
    };
    let text = match a.format {
        CheckFormat::Human => report.human(use_color(a.compare.color)),
        CheckFormat::Markdown => report.markdown(),
        CheckFormat::Json => serde_json::to_string_pretty(&report.json())? + "\n",
        CheckFormat::Github => report.github(),
    };
    print(&text)?;
    let clean =
        to_declared.changes.is_empty() && history.as_ref().is_none_or(|(_, s)| s.is_clean());
    if !clean {
        log::info("drift found");
    }
    Ok(if clean {
        Outcome::Clean
    } else {
        Outcome::Different
    })
}
