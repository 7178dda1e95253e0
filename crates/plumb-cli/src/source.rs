//! Resolving a SOURCE argument into a model: a connection URL is introspected (read-only); declared SQL is
//! either interpreted offline by plumb-parse or, with `--dev-url`, applied to a scratch database that is then
//! introspected and dropped (exact mode).

use std::path::Path;

use anyhow::{bail, Context, Result};
use plumb_model::Database;
use plumb_pg::{ScratchDb, Target};

use crate::log;

/// Schema filters for introspection.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

impl Filters {
    fn introspect_options(&self) -> plumb_introspect::Options {
        plumb_introspect::Options {
            include_schemas: self.include.clone(),
            exclude_schemas: self.exclude.clone(),
        }
    }
}

/// A model and a password-free description of where it came from.
pub struct Loaded {
    pub database: Database,
    pub label: String,
}

/// Read a live database (one read-only snapshot, shared by the connections a large schema is read on).
pub async fn introspect(target: &Target, filters: &Filters) -> Result<Database> {
    log::info(format_args!("reading {target}"));
    let db = plumb_introspect::introspect_target(target, &filters.introspect_options())
        .await
        .with_context(|| format!("reading the schema of {target}"))?;
    for u in &db.unsupported {
        log::warn(format_args!("{target}: {u}"));
    }
    Ok(db)
}

/// Load SOURCE: a URL or a path to declared SQL.
pub async fn load(source: &str, dev_url: Option<&str>, filters: &Filters) -> Result<Loaded> {
    if plumb_pg::is_url(source) {
        let target = Target::parse(source)?;
        let database = introspect(&target, filters).await?;
        return Ok(Loaded {
            database,
            label: target.to_string(),
        });
    }
    let path = Path::new(source);
    if !path.exists() {
        bail!(
            "{source}: no such file or directory (a SOURCE is a postgres:// URL or a path to SQL)"
        );
    }
    let database = match dev_url {
        Some(dev) => exact(path, &Target::parse(dev)?, filters).await?,
        None => offline(path)?,
    };
    Ok(Loaded {
        database,
        label: source.to_string(),
    })
}

/// Interpret declared SQL offline.
pub fn offline(path: &Path) -> Result<Database> {
    log::info(format_args!("parsing {}", path.display()));
    let parsed = plumb_parse::parse_path(path)?;
    for w in &parsed.warnings {
        log::warn(w);
    }
    for u in &parsed.database.unsupported {
        log::warn(format_args!("{}: {u}", path.display()));
    }
    Ok(parsed.database)
}

/// Apply declared SQL to a scratch database on the dev server, read it back, drop the scratch database.
pub async fn exact(path: &Path, dev: &Target, filters: &Filters) -> Result<Database> {
    let scripts = plumb_parse::scripts(path)?;
    let scratch = ScratchDb::create(dev)
        .await
        .with_context(|| format!("creating a scratch database on {dev}"))?;
    log::info(format_args!(
        "applying {} to scratch database {} on {dev}",
        path.display(),
        scratch.name()
    ));
    let result = apply_and_read(&scratch, &scripts, filters).await;
    let name = scratch.name().to_string();
    if let Err(e) = scratch.drop_now().await {
        log::warn(format_args!("could not drop scratch database {name}: {e}"));
    }
    result
}

async fn apply_and_read(
    scratch: &ScratchDb,
    scripts: &[plumb_parse::Script],
    filters: &Filters,
) -> Result<Database> {
    let client = scratch.target.connect().await?;
    for script in scripts {
        if let Err(e) = client.batch_execute(&script.sql).await {
            bail!("{}", located_error(script, &e));
        }
    }
    introspect(&scratch.target, filters).await
}

/// `file:line:column: message` for a statement the server rejected.
fn located_error(script: &plumb_parse::Script, e: &tokio_postgres::Error) -> String {
    let Some(db) = e.as_db_error() else {
        return format!("{}: {e}", script.path.display());
    };
    let offset = match db.position() {
        Some(tokio_postgres::error::ErrorPosition::Original(p)) => Some(*p as usize),
        _ => None,
    };
    match offset {
        Some(pos) => {
            // The position counts characters from 1.
            let before: String = script.sql.chars().take(pos.saturating_sub(1)).collect();
            let line_in_script = before.matches('\n').count();
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let line_text = script.sql.lines().nth(line_in_script).unwrap_or("");
            format!(
                "{}:{}:{}: {}\n  {}\n  {}^",
                script.path.display(),
                script.first_line + line_in_script,
                column,
                db.message(),
                line_text,
                " ".repeat(column.saturating_sub(1))
            )
        }
        None => format!("{}: {}", script.path.display(), db.message()),
    }
}
