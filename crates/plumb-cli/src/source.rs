//! Resolving a SOURCE argument into a model: a connection URL is introspected (read-only); declared SQL is
//! either interpreted offline by plumb-parse or, with `--dev-url`, applied to a scratch database that is then
//! introspected and dropped (exact mode).

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{bail, Context, Result};
use plumb_model::Database;
use plumb_pg::{ScratchDb, Target};

use crate::log;

pub use crate::scope::Filters;

/// A model and a password-free description of where it came from.
pub struct Loaded {
    pub database: Database,
    pub label: String,
    /// Every schema the source has, whatever the filters (to tell a typo in `--include-schema`).
    pub schemas: BTreeSet<String>,
    /// What reading declared SQL offline warned about (also logged).
    pub warnings: Vec<plumb_parse::Warning>,
}

/// Every schema of a live database: the model's when no filter narrowed it, else listed on the server.
async fn all_schemas(
    target: &Target,
    db: &Database,
    filters: &Filters,
) -> Result<BTreeSet<String>> {
    if filters.include.is_empty() && filters.exclude.is_empty() {
        Ok(db.schemas.keys().cloned().collect())
    } else {
        crate::scope::schemas_of(target).await
    }
}

/// Read a live database (one read-only snapshot, shared by the connections a large schema is read on).
pub async fn introspect(target: &Target, filters: &Filters) -> Result<Database> {
    introspect_as(target, &target.to_string(), filters).await
}

/// [`introspect`], naming the schema `label` in warnings (the declared path for a `--dev-url` scratch
/// database, which the user never named).
async fn introspect_as(target: &Target, label: &str, filters: &Filters) -> Result<Database> {
    log::info(format_args!("reading {target}"));
    let (mut db, _) = plumb_introspect::introspect_target_with(
        target,
        &filters.introspect_options(),
        filters.connections,
    )
    .await
    .with_context(|| format!("reading the schema of {target}"))?;
    for u in &db.unsupported {
        log::warn(format_args!("{label}: {u}"));
    }
    filters.apply(&mut db, label);
    Ok(db)
}

/// A source being read on a thread of its own (with its own runtime) while the command reads the other side:
/// the two sides of `diff` and `check` are read at once. What it logs is held back and printed by
/// [`Background::wait`], after what the foreground side logged, so stderr reads as with one side after the
/// other.
pub struct Background<T> {
    handle: tokio::task::JoinHandle<(Result<T>, Vec<String>)>,
}

impl<T> Background<T> {
    fn spawn<F, Fut>(read: F) -> Background<T>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<T>>,
        T: Send + 'static,
    {
        let handle = tokio::task::spawn_blocking(move || {
            log::capture(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .context("cannot start the async runtime of a second reader")
                    .and_then(|rt| {
                        rt.block_on(async {
                            let done = read().await;
                            plumb_pg::close_connections(crate::CLOSE_WAIT).await;
                            done
                        })
                    })
            })
        });
        Background { handle }
    }

    /// The result of the read, once it is done; its held-back log lines are printed first.
    pub async fn wait(self) -> Result<T> {
        let (result, lines) = self
            .handle
            .await
            .context("the thread reading the other source failed")?;
        log::replay(lines);
        result
    }
}

/// [`load`] on a thread of its own: see [`Background`].
pub fn load_in_background(
    source: &str,
    dev_url: Option<&str>,
    filters: &Filters,
) -> Background<Loaded> {
    let (source, dev_url, filters) = (
        source.to_string(),
        dev_url.map(str::to_string),
        filters.clone(),
    );
    Background::spawn(move || async move { load(&source, dev_url.as_deref(), &filters).await })
}

/// [`introspect`] on a thread of its own: see [`Background`].
pub fn introspect_in_background(target: &Target, filters: &Filters) -> Background<Database> {
    let (target, filters) = (target.clone(), filters.clone());
    Background::spawn(move || async move { introspect(&target, &filters).await })
}

/// Load SOURCE: a URL or a path to declared SQL.
pub async fn load(source: &str, dev_url: Option<&str>, filters: &Filters) -> Result<Loaded> {
    if plumb_pg::is_url(source) {
        let target = Target::parse(source)?;
        let database = introspect(&target, filters).await?;
        let schemas = all_schemas(&target, &database, filters).await?;
        return Ok(Loaded {
            database,
            label: target.to_string(),
            schemas,
            warnings: Vec::new(),
        });
    }
    let path = Path::new(source);
    if !path.exists() {
        bail!(
            "{source}: no such file or directory (a SOURCE is a postgres:// URL or a path to SQL)"
        );
    }
    let scripts = plumb_parse::scripts(path)?;
    load_scripts(&scripts, source, dev_url, filters).await
}

/// Load declared SQL given as scripts (a source's, or part of them: the migrations a database has applied);
/// `label` says where they come from.
pub async fn load_scripts(
    scripts: &[plumb_parse::Script],
    label: &str,
    dev_url: Option<&str>,
    filters: &Filters,
) -> Result<Loaded> {
    let (database, schemas, warnings) = match dev_url {
        // Read back through `introspect`, which applies the filters.
        Some(dev) => {
            let (db, schemas) = exact(scripts, label, &Target::parse(dev)?, filters).await?;
            (db, schemas, Vec::new())
        }
        None => {
            let (mut db, warnings) = offline(scripts, label)?;
            filters.apply(&mut db, label);
            let schemas = db.schemas.keys().cloned().collect();
            (db, schemas, warnings)
        }
    };
    Ok(Loaded {
        database,
        label: label.to_string(),
        schemas,
        warnings,
    })
}

/// Interpret declared SQL offline; the warnings are logged and returned.
fn offline(
    scripts: &[plumb_parse::Script],
    label: &str,
) -> Result<(Database, Vec<plumb_parse::Warning>)> {
    log::info(format_args!("parsing {label}"));
    let parsed = plumb_parse::parse_scripts(scripts)?;
    for w in &parsed.warnings {
        // The log adds "warning: " itself.
        log::warn(format_args!("{}: {}", w.location, w.message));
    }
    for u in &parsed.database.unsupported {
        log::warn(format_args!("{label}: {u}"));
    }
    Ok((parsed.database, parsed.warnings))
}

/// Apply declared SQL to a scratch database on the dev server, read it back, drop the scratch database.
async fn exact(
    scripts: &[plumb_parse::Script],
    label: &str,
    dev: &Target,
    filters: &Filters,
) -> Result<(Database, BTreeSet<String>)> {
    for s in scripts {
        if !plumb_parse::has_statement(&s.sql) {
            // As the offline reading says it (plumb_parse::parse_scripts).
            log::warn(format_args!(
                "{}:{}:1: empty file: no SQL statements",
                s.path.display(),
                s.first_line
            ));
        }
    }
    let mut scratch = create_scratch(dev).await?;
    log::info(format_args!(
        "applying {label} to scratch database {} on {dev}",
        scratch.name()
    ));
    let result = apply_and_read(dev, &mut scratch, scripts, label, filters).await;
    drop_scratch(scratch).await;
    result
}

async fn create_scratch(dev: &Target) -> Result<ScratchDb> {
    ScratchDb::create(dev)
        .await
        .with_context(|| format!("creating a scratch database on {dev}"))
}

async fn drop_scratch(scratch: ScratchDb) {
    let name = scratch.name().to_string();
    if let Err(e) = scratch.drop_now().await {
        log::warn(format_args!("could not drop scratch database {name}: {e}"));
    }
}

/// Apply the scripts in order and introspect the result.
///
/// Each script is sent as one batch, which PostgreSQL runs in one implicit transaction. When a batch fails,
/// the script is applied again one statement at a time (each in its own transaction, as psql and migration
/// tools run it): that accepts statements that cannot run inside a transaction block (`CREATE INDEX
/// CONCURRENTLY`, `ALTER TYPE ... ADD VALUE` followed by a use of the value, `VACUUM`), and when a statement
/// really fails it names that statement. The failed batch was rolled back unless the script holds its own
/// transaction control (a `COMMIT` in it may have committed part of it): such a script, or one that cannot be
/// split into statements, is applied again on a fresh scratch database, with the scripts before it applied
/// again the way they succeeded.
async fn apply_and_read(
    dev: &Target,
    scratch: &mut ScratchDb,
    scripts: &[plumb_parse::Script],
    label: &str,
    filters: &Filters,
) -> Result<(Database, BTreeSet<String>)> {
    let mut client = scratch.target.connect().await?;
    // Which scripts were applied one statement at a time.
    let mut one_by_one = vec![false; scripts.len()];
    for (i, script) in scripts.iter().enumerate() {
        let Err(e) = client.batch_execute(&script.sql).await else {
            continue;
        };
        let Some(db) = e.as_db_error() else {
            // Not the server rejecting SQL (a lost connection, say): running it again would not help.
            bail!("{}", located_error(script, None, &e));
        };
        let statements = plumb_parse::split_statements(&script.sql);
        let fresh = statements
            .iter()
            .any(plumb_parse::Statement::may_control_transactions);
        log::info(format_args!(
            "{}: failed as one transaction ({}); applying it one statement at a time{}",
            script.path.display(),
            db.message(),
            if fresh {
                " on a fresh scratch database"
            } else {
                ""
            }
        ));
        if fresh {
            drop(client);
            let new = create_scratch(dev).await?;
            drop_scratch(std::mem::replace(scratch, new)).await;
            log::info(format_args!("scratch database is now {}", scratch.name()));
            client = scratch.target.connect().await?;
            for (earlier, &stepwise) in scripts[..i].iter().zip(&one_by_one) {
                apply(&client, earlier, stepwise).await?;
            }
        }
        apply_statements(&client, script, &statements).await?;
        one_by_one[i] = true;
    }
    drop(client);
    let db = introspect_as(&scratch.target, label, filters).await?;
    let schemas = all_schemas(&scratch.target, &db, filters).await?;
    Ok((db, schemas))
}

/// Apply one script again: as one batch, or one statement at a time.
async fn apply(
    client: &tokio_postgres::Client,
    script: &plumb_parse::Script,
    one_by_one: bool,
) -> Result<()> {
    if one_by_one {
        let statements = plumb_parse::split_statements(&script.sql);
        return apply_statements(client, script, &statements).await;
    }
    if let Err(e) = client.batch_execute(&script.sql).await {
        bail!("{}", located_error(script, None, &e));
    }
    Ok(())
}

/// Run the statements of a script one at a time, each in its own transaction.
async fn apply_statements(
    client: &tokio_postgres::Client,
    script: &plumb_parse::Script,
    statements: &[plumb_parse::Statement<'_>],
) -> Result<()> {
    for statement in statements {
        if let Err(e) = client.batch_execute(statement.text).await {
            bail!("{}", located_error(script, Some(statement), &e));
        }
    }
    Ok(())
}

/// `file:line:column: message` for SQL the server rejected, with the line, a caret under the column, and the
/// server's detail, hint and context. `statement` is what was sent when it was one statement of the script
/// (else the whole script was sent). The column is the server's error position when it gives one, else the
/// start of the statement; without either (a whole script failing without a position) only the file is named.
fn located_error(
    script: &plumb_parse::Script,
    statement: Option<&plumb_parse::Statement<'_>>,
    e: &tokio_postgres::Error,
) -> String {
    let path = script.path.display();
    let Some(db) = e.as_db_error() else {
        return format!("{path}: {e}");
    };
    let (sent_offset, sent) = match statement {
        Some(s) => (s.offset, s.text),
        None => (0, script.sql.as_str()),
    };
    let at = match db.position() {
        // The position counts characters of the text sent, from 1.
        Some(tokio_postgres::error::ErrorPosition::Original(p)) => Some(
            sent_offset
                + sent
                    .char_indices()
                    .nth((*p as usize).saturating_sub(1))
                    .map_or(sent.len(), |(i, _)| i),
        ),
        _ => statement.map(plumb_parse::Statement::start),
    };
    let mut out = match at {
        Some(offset) => {
            let sql = &script.sql;
            let before = &sql[..offset];
            let line_start = before.rfind('\n').map_or(0, |n| n + 1);
            let line_end = sql[offset..].find('\n').map_or(sql.len(), |n| offset + n);
            let line_text = sql[line_start..line_end].trim_end_matches('\r');
            let column_text = &sql[line_start..offset];
            let (line_text, pad) =
                plumb_parse::caret_line(line_text, column_text.chars().count() + 1);
            format!(
                "{path}:{}:{}: {}\n  {line_text}\n  {pad}^",
                script.first_line + before.matches('\n').count(),
                column_text.chars().count() + 1,
                db.message(),
            )
        }
        None => format!("{path}: {}", db.message()),
    };
    for (label, text) in [
        ("detail", db.detail()),
        ("hint", db.hint()),
        ("context", db.where_()),
    ] {
        if let Some(text) = text {
            out.push_str(&format!("\n  {label}: {}", text.replace('\n', "\n    ")));
        }
    }
    out
}
