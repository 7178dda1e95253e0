//! `plumb-bench`: benchmarks for plumb (`just bench`).
//!
//! - `gen --tables N` prints a generated schema of N tables.
//! - `dump --tables N` loads it into a scratch database and measures plumb's introspection next to
//!   `pg_dump --schema-only` of the same database, in the same run.
//! - `fleet --databases D --tables N` copies a database of N tables D times and times one `plumb check` over
//!   all of them (`--jobs 1` and the default) against one `plumb check` of one.
//! - `all` (`just bench`): `plumb dump` next to `pg_dump --schema-only` and `plumb diff` next to migra, at 100,
//!   1,000 and 10,000 generated tables and on the largest real schema, in one run (`compare.rs`).
//! - `corpus DIR` introspects both schemas of every case of a corpus (DIR/<case>/{a,b}.sql) and reports any
//!   error: a quick check over schemas the project does not own.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod compare;
mod fleet;
mod gen;

/// The allocator the `plumb` binary uses, so the figures are the ones users get.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};

const DEFAULT_URL: &str = "postgresql://postgres@127.0.0.1:5432/postgres";

#[derive(Parser)]
#[command(name = "plumb-bench", about = "Benchmarks for plumb")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Print a generated schema of N tables (plus views, functions, triggers, enums).
    Gen {
        #[arg(long)]
        tables: usize,
    },
    /// Load a generated schema into a scratch database and time plumb's introspection against pg_dump.
    Dump {
        #[arg(long)]
        tables: usize,
        /// Server to create the scratch database on (its database is only used to connect).
        #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_URL)]
        database: String,
        /// Measurements of each tool; the table shows the fastest run and the largest peak memory.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// pg_dump binary.
        #[arg(long, default_value = "pg_dump")]
        pg_dump: String,
    },
    /// Every comparison in one run (`just bench`): `plumb dump` next to `pg_dump --schema-only` and `plumb
    /// diff` next to migra, on generated schemas of each size and on the largest real schema.
    All {
        #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_URL)]
        database: String,
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Runs of a short case: one whose first `pg_dump` took under half a second gets at least this many
        /// (at tens of milliseconds a run, the median of 7 run-by-run ratios moved by a tenth between runs).
        #[arg(long, default_value_t = 31)]
        short_runs: usize,
        /// Sizes of the generated schemas, in tables.
        #[arg(long, value_delimiter = ',', default_values_t = [100, 1000, 10000])]
        sizes: Vec<usize>,
        /// The real schema (a .sql file or a directory of them); default: the largest case of
        /// fixtures/real/corpus, when it was fetched (fixtures/real/fetch.py).
        #[arg(long, env = "PLUMB_BENCH_REAL")]
        real: Option<PathBuf>,
        /// An older plumb binary, measured in the same run (figures before and after).
        #[arg(long, env = "PLUMB_BENCH_BEFORE")]
        before: Option<PathBuf>,
        /// The virtualenv migra is installed in (created when missing); default: bench-venv in the target dir.
        #[arg(long)]
        venv: Option<PathBuf>,
        #[arg(long, default_value = "pg_dump")]
        pg_dump: String,
    },
    /// One `plumb check` over many databases (copies of one of N generated tables) with each --jobs, against
    /// one `plumb check` of one of them: wall time, peak memory, time per database.
    Fleet {
        #[arg(long, default_value_t = 200)]
        databases: usize,
        #[arg(long, default_value_t = 100)]
        tables: usize,
        /// Server to create the databases on (its database is only used to connect).
        #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_URL)]
        database: String,
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// The --jobs values to measure, comma-separated; `default` runs without --jobs (also without
        /// --jobs-per-server); a number N also passes --jobs-per-server N.
        #[arg(long, value_delimiter = ',', default_value = "1,default")]
        jobs: Vec<String>,
    },
    /// Introspect both schemas of every case of a corpus directory (DIR/<case>/{a,b}.sql) and report errors.
    Corpus {
        dir: PathBuf,
        #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_URL)]
        database: String,
    },
    /// Print the catalog queries for a server version, `$1` replaced by the oids of the user schemas, with
    /// EXPLAIN ANALYZE when asked (feed to psql to profile).
    #[command(hide = true)]
    Queries {
        #[arg(long, default_value_t = 150000)]
        server_version: u32,
        #[arg(long)]
        explain: bool,
    },
    /// Introspect URL once and print `wall_ms peak_kb objects` (or the model as JSON): used by `dump`.
    #[command(hide = true)]
    IntrospectOnce {
        url: String,
        #[arg(long)]
        json: bool,
        /// Print when each catalog query's last row arrived (from the start of the read) to stderr.
        #[arg(long)]
        timings: bool,
        /// Introspect again (warm server caches) and print that wall time to stderr.
        #[arg(long)]
        again: bool,
        /// Connections to read with at most (`introspect_target`); 1 reads on one connection.
        #[arg(long, default_value_t = plumb_introspect::Connections::default().max)]
        connections: usize,
        /// One connection per this many relations (`Connections::relations_each`).
        #[arg(long, default_value_t = plumb_introspect::Connections::default().relations_each)]
        relations_each: u64,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Cmd::Gen { tables } => {
            print!("{}", gen::schema(tables));
            Ok(())
        }
        Cmd::Dump {
            tables,
            database,
            runs,
            pg_dump,
        } => dump(tables, &database, runs.max(1), &pg_dump),
        Cmd::Corpus { dir, database } => corpus(&dir, &database),
        Cmd::Fleet {
            databases,
            tables,
            database,
            runs,
            jobs,
        } => fleet::fleet(&database, databases, tables, runs.max(1), &jobs),
        Cmd::All {
            database,
            runs,
            short_runs,
            sizes,
            real,
            before,
            venv,
            pg_dump,
        } => all(All {
            database,
            runs: runs.max(1),
            short_runs,
            sizes,
            real,
            before,
            venv,
            pg_dump,
        }),
        Cmd::Queries {
            server_version,
            explain,
        } => {
            let schemas = "ARRAY(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname !~ '^pg_' \
                           AND nspname <> 'information_schema')";
            println!("SELECT pg_catalog.set_config('search_path', '', false);");
            for (name, sql) in plumb_introspect::catalog_queries(server_version) {
                let sql = sql.replace("$1", schemas).replace("$2", "true");
                let prefix = if explain {
                    "EXPLAIN (ANALYZE, TIMING OFF) "
                } else {
                    ""
                };
                println!("\\echo {name}\n{prefix}{sql};");
            }
            Ok(())
        }
        Cmd::IntrospectOnce {
            url,
            json,
            timings,
            again,
            connections,
            relations_each,
        } => introspect_once(&url, json, timings, again, connections, relations_each),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

fn introspect_once(
    url: &str,
    json: bool,
    show_timings: bool,
    again: bool,
    connections: usize,
    relations_each: u64,
) -> Result<()> {
    let start = Instant::now();
    let (db, stats, wall) = runtime()?.block_on(async {
        let target = plumb_pg::Target::parse(url)?;
        let opts = plumb_introspect::Options::default();
        let plan = plumb_introspect::Connections {
            max: connections,
            relations_each,
        };
        let (db, stats) = plumb_introspect::introspect_target_with(&target, &opts, plan).await?;
        let wall = start.elapsed();
        if again {
            let warm = Instant::now();
            plumb_introspect::introspect_target_with(&target, &opts, plan).await?;
            eprintln!("second run: {:.3}s", warm.elapsed().as_secs_f64());
        }
        anyhow::Ok((db, stats, wall))
    })?;
    if show_timings {
        eprintln!("connections: {}", stats.connections);
        for (kind, took) in &stats.timings {
            eprintln!("{kind:<24} done at {:>8.1} ms", took.as_secs_f64() * 1000.0);
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&db)?);
    } else {
        let peak = compare::proc_status_kb("self", "VmHWM:").unwrap_or(0);
        println!("{} {} {}", wall.as_millis(), peak, db.object_count());
    }
    Ok(())
}

/// Run a child to completion (it must exit 0): wall time, peak kB and its stdout (see
/// [`compare::run_measured`]).
fn measure(cmd: &mut Command) -> Result<(Duration, u64, String)> {
    compare::run_measured(cmd, &[0], true).map(|(s, out)| (s.wall, s.peak_kb, out))
}

struct Sample {
    wall: Duration,
    peak_kb: u64,
}

fn summary(samples: &[Sample]) -> (Duration, Duration, u64) {
    let mut walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
    walls.sort();
    let min = walls.first().copied().unwrap_or_default();
    let median = walls.get(walls.len() / 2).copied().unwrap_or_default();
    (
        min,
        median,
        samples.iter().map(|s| s.peak_kb).max().unwrap_or(0),
    )
}

/// Times of one tool over the runs, or why it could not run.
struct Row {
    label: String,
    samples: Vec<Sample>,
    error: Option<String>,
}

impl Row {
    fn new(label: &str) -> Row {
        Row {
            label: label.to_string(),
            samples: Vec::new(),
            error: None,
        }
    }

    fn record(&mut self, outcome: Result<Sample>) {
        match outcome {
            Ok(s) => self.samples.push(s),
            Err(e) => self.error = Some(format!("{e:#}").trim().to_string()),
        }
    }
}

/// How to run a server whose lock table is large enough for pg_dump (it takes a lock on every table in one
/// transaction: max_locks_per_transaction × (max_connections + max_prepared_transactions) slots in all).
fn lock_table_advice(tables: usize) -> String {
    format!(
        "pg_dump locks every table in one transaction, so a server needs about {tables} lock slots \
         (max_locks_per_transaction x (max_connections + max_prepared_transactions)). To measure on a \
         private server with a larger lock table (as a user other than root; as root prefix initdb and pg_ctl \
         with `runuser -u postgres --` and chown the directory to postgres):\n\
         \x20 initdb -D /tmp/plumb-bench-pg -A trust -U postgres\n\
         \x20 pg_ctl -D /tmp/plumb-bench-pg -l /tmp/plumb-bench-pg.log -o \"-p 5499 -c max_locks_per_transaction=1024 -c unix_socket_directories=/tmp\" start\n\
         \x20 DATABASE_URL=postgresql://postgres@127.0.0.1:5499/postgres plumb-bench all\n\
         \x20 pg_ctl -D /tmp/plumb-bench-pg stop && rm -rf /tmp/plumb-bench-pg /tmp/plumb-bench-pg.log"
    )
}

/// Runs and timings of one tool.
struct Tool {
    row: Row,
    command: Command,
    /// Reads `wall_ms peak_kb objects` from stdout (plumb-bench introspect-once).
    reports_itself: bool,
}

fn dump(tables: usize, database: &str, runs: usize, pg_dump: &str) -> Result<()> {
    let admin = plumb_pg::Target::parse(database)?;
    let rt = runtime()?;
    let major = rt.block_on(compare::server_major(&admin))?;
    let (pg_dump, swapped) = compare::pg_dump_binary(pg_dump, major);
    if let Some(why) = swapped {
        eprintln!("pg_dump: {why}");
    }
    let pg_dump = pg_dump.as_str();
    let chunks = gen::chunks(tables, 200);
    let scratch = rt.block_on(plumb_pg::ScratchDb::create(&admin))?;
    let result = (|| -> Result<()> {
        let load = Instant::now();
        let lock_slots = rt.block_on(async {
            let client = scratch.target.connect().await?;
            for chunk in &chunks {
                client
                    .batch_execute(chunk)
                    .await
                    .context("loading the generated schema")?;
            }
            client.batch_execute("ANALYZE").await?;
            let row = client
                .query_one(
                    "SELECT current_setting('max_locks_per_transaction')::int8 \
                     * (current_setting('max_connections')::int8 \
                        + current_setting('max_prepared_transactions')::int8)",
                    &[],
                )
                .await?;
            anyhow::Ok(row.get::<_, i64>(0))
        })?;
        eprintln!(
            "loaded {tables} tables into {} in {:.1}s",
            scratch.name(),
            load.elapsed().as_secs_f64()
        );
        let short_of_locks = usize::try_from(lock_slots).unwrap_or(0) < tables + 500;
        if short_of_locks {
            eprintln!(
                "warning: the server's lock table holds about {lock_slots} locks: pg_dump will likely fail with \
                 'out of shared memory'.\n{}",
                lock_table_advice(tables)
            );
        }
        let url = scratch.target.secret_url().to_string();
        let exe = std::env::current_exe()?;
        let plumb_cli = exe.with_file_name("plumb");
        let once = |connections: usize| {
            let mut c = Command::new(&exe);
            c.arg("introspect-once")
                .arg(&url)
                .arg("--connections")
                .arg(connections.to_string());
            c
        };
        let mut tools = vec![
            Tool {
                row: Row::new("plumb introspection (process)"),
                command: once(plumb_introspect::Connections::default().max),
                reports_itself: true,
            },
            Tool {
                row: Row::new("  same, on 1 connection"),
                command: once(1),
                reports_itself: true,
            },
            Tool {
                row: Row::new("pg_dump --schema-only"),
                command: {
                    let mut c = Command::new(pg_dump);
                    c.arg("--schema-only")
                        .arg("--no-password")
                        .arg("--dbname")
                        .arg(&url);
                    c
                },
                reports_itself: false,
            },
        ];
        if plumb_cli.exists() {
            for format in ["sql", "json"] {
                let mut c = Command::new(&plumb_cli);
                c.arg("dump")
                    .arg("--database")
                    .arg(&url)
                    .arg("--format")
                    .arg(format);
                let label = if format == "sql" {
                    "plumb dump (SQL)"
                } else {
                    "plumb dump --format json"
                };
                tools.push(Tool {
                    row: Row::new(label),
                    command: c,
                    reports_itself: false,
                });
            }
        }
        let mut objects = String::from("?");
        let mut dump_bytes = 0;
        for run in 0..runs {
            for tool in &mut tools {
                // A tool that failed once is not run again: the failure is the result.
                if tool.row.error.is_some() {
                    continue;
                }
                let outcome = measure(&mut tool.command).map(|(wall, polled, out)| {
                    if tool.reports_itself {
                        let mut fields = out.split_whitespace();
                        let _inner_ms = fields.next();
                        let own_peak: u64 = fields.next().and_then(|f| f.parse().ok()).unwrap_or(0);
                        objects = fields.next().unwrap_or("?").to_string();
                        Sample {
                            wall,
                            peak_kb: own_peak.max(polled),
                        }
                    } else {
                        if tool.row.label.starts_with("pg_dump") {
                            dump_bytes = out.len();
                        }
                        Sample {
                            wall,
                            peak_kb: polled,
                        }
                    }
                });
                tool.row.record(outcome);
            }
            let line: Vec<String> = tools
                .iter()
                .map(|t| match t.row.samples.get(run) {
                    Some(s) => format!("{} {:.3}s", t.row.label.trim(), s.wall.as_secs_f64()),
                    None => format!("{} failed", t.row.label.trim()),
                })
                .collect();
            eprintln!("run {}: {}", run + 1, line.join(", "));
        }
        let rows: Vec<&Row> = tools.iter().map(|t| &t.row).collect();
        println!("tables: {tables}   runs: {runs}   plumb objects: {objects}   pg_dump output: {dump_bytes} bytes");
        println!(
            "{:<34} {:>10} {:>10} {:>12}",
            "", "min s", "median s", "peak MB"
        );
        for row in &rows {
            if row.samples.is_empty() {
                let why = row.error.as_deref().unwrap_or("?");
                println!("{:<34} FAILED: {why}", row.label);
                continue;
            }
            let (min, median, peak) = summary(&row.samples);
            println!(
                "{:<34} {:>10.3} {:>10.3} {:>12.1}",
                row.label,
                min.as_secs_f64(),
                median.as_secs_f64(),
                peak as f64 / 1024.0
            );
        }
        let plumb = rows[0];
        let pg = rows[2];
        if !plumb.samples.is_empty() && !pg.samples.is_empty() {
            let (pmin, pmed, _) = summary(&plumb.samples);
            let (dmin, dmed, _) = summary(&pg.samples);
            let ratio = (
                pmin.as_secs_f64() / dmin.as_secs_f64(),
                pmed.as_secs_f64() / dmed.as_secs_f64(),
            );
            println!(
                "{:<34} {:>10.3} {:>10.3}",
                "ratio plumb / pg_dump (time)", ratio.0, ratio.1
            );
        }
        if pg.samples.is_empty() {
            let why = pg.error.as_deref().unwrap_or("");
            eprintln!(
                "\npg_dump FAILED at {tables} tables, so there is no ratio to report{}",
                if why.contains("out of shared memory") || short_of_locks {
                    format!(".\n{}", lock_table_advice(tables))
                } else {
                    String::new()
                }
            );
        }
        Ok(())
    })();
    let dropped = rt.block_on(scratch.drop_now());
    result?;
    dropped?;
    Ok(())
}

struct All {
    database: String,
    runs: usize,
    short_runs: usize,
    sizes: Vec<usize>,
    real: Option<PathBuf>,
    before: Option<PathBuf>,
    venv: Option<PathBuf>,
    pg_dump: String,
}

/// The case of the real-world corpus (fixtures/real/corpus, fetched) with the most `CREATE TABLE`s: its
/// schema file or directory.
fn largest_real_schema() -> Option<PathBuf> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/real/corpus");
    let mut best: Option<(usize, PathBuf)> = None;
    for case in std::fs::read_dir(corpus).ok()?.flatten() {
        for candidate in [case.path().join("schema.sql"), case.path().join("schema")] {
            let files: Vec<PathBuf> = if candidate.is_dir() {
                std::fs::read_dir(&candidate)
                    .ok()?
                    .flatten()
                    .map(|e| e.path())
                    .collect()
            } else if candidate.is_file() {
                vec![candidate.clone()]
            } else {
                continue;
            };
            let tables: usize = files
                .iter()
                .filter_map(|f| std::fs::read_to_string(f).ok())
                .map(|t| t.to_ascii_lowercase().matches("create table").count())
                .sum();
            if best.as_ref().is_none_or(|(n, _)| tables > *n) {
                best = Some((tables, candidate));
            }
        }
    }
    best.map(|(_, p)| p)
}

/// `all`: each schema in turn, then the summary.
fn all(a: All) -> Result<()> {
    let admin = plumb_pg::Target::parse(&a.database)?;
    let rt = runtime()?;
    let exe = std::env::current_exe()?;
    let plumb = exe.with_file_name("plumb");
    if !plumb.exists() {
        bail!(
            "{}: build plumb first (cargo build --release -p plumb-cli)",
            plumb.display()
        );
    }
    let venv = a
        .venv
        .clone()
        .unwrap_or_else(|| exe.with_file_name("bench-venv"));
    let migra = compare::migra(&venv).map_err(|e| format!("{e:#}"));
    if let Err(why) = &migra {
        eprintln!("migra: not run: {why}");
    }
    println!(
        "plumb-bench all: {} runs each ({} when pg_dump takes under {:.1} s), tools alternated run by run; load \
         average at start {}; {} CPUs",
        a.runs,
        a.runs.max(a.short_runs),
        compare::SHORT.as_secs_f64(),
        compare::load_average(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let major = rt.block_on(compare::server_major(&admin))?;
    let (pg_dump, swapped) = compare::pg_dump_binary(&a.pg_dump, major);
    if let Some(why) = swapped {
        println!("pg_dump: {why}");
    }
    let opts = compare::Options {
        admin: &admin,
        runs: a.runs,
        short_runs: a.short_runs,
        plumb,
        before: a.before.clone(),
        migra,
        pg_dump,
    };
    let mut schemas: Vec<compare::Schema> =
        a.sizes.iter().map(|&n| compare::generated(n)).collect();
    let mut real_not_run = None;
    match a.real.clone().or_else(largest_real_schema) {
        Some(path) if path.exists() => schemas.push(compare::real(&path)?),
        Some(path) => real_not_run = Some(format!("{} does not exist", path.display())),
        None => real_not_run = Some(
            "no real schema: give --real PATH or PLUMB_BENCH_REAL, or run fixtures/real/fetch.py"
                .into(),
        ),
    }
    let mut outcomes = Vec::new();
    for schema in &schemas {
        match compare::schema(&rt, schema, &opts) {
            Ok(o) => outcomes.push(o),
            Err(e) => {
                println!("{}: not run: {e:#}\n", schema.name);
                outcomes.push(compare::Outcome {
                    name: schema.name.clone(),
                    dump_ratio: None,
                    diff_ratio: None,
                    before_dump_ratio: None,
                    before_diff_ratio: None,
                    dump_peak_mb: None,
                    diff_peak_mb: None,
                    failures: vec![format!("{e:#}")],
                });
            }
        }
    }
    compare::summary(&outcomes, real_not_run.as_deref());
    Ok(())
}

fn corpus(dir: &Path, database: &str) -> Result<()> {
    let admin = plumb_pg::Target::parse(database)?;
    let rt = runtime()?;
    let setup = dir.join("setup.sql");
    if setup.exists() {
        let sql = std::fs::read_to_string(&setup)?;
        rt.block_on(async {
            admin
                .connect()
                .await?
                .batch_execute(&sql)
                .await
                .context("setup.sql")?;
            anyhow::Ok(())
        })?;
    }
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    let (mut ok, mut failed, mut not_loaded) = (0, 0, 0);
    for case in &cases {
        for side in ["a.sql", "b.sql"] {
            let path = case.join(side);
            let Ok(sql) = std::fs::read_to_string(&path) else {
                continue;
            };
            let label = format!(
                "{}/{side}",
                case.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            );
            let scratch = rt.block_on(plumb_pg::ScratchDb::create(&admin))?;
            let outcome = rt.block_on(async {
                let client = scratch.target.connect().await?;
                if let Err(e) = client.batch_execute(&sql).await {
                    return anyhow::Ok(Err(format!(
                        "does not load: {}",
                        e.as_db_error()
                            .map_or(e.to_string(), |d| d.message().to_string())
                    )));
                }
                Ok(Ok(plumb_introspect::introspect(
                    &client,
                    &plumb_introspect::Options::default(),
                )
                .await))
            });
            rt.block_on(scratch.drop_now())?;
            match outcome? {
                Err(load) => {
                    not_loaded += 1;
                    println!("{label:<32} SKIPPED {load}");
                }
                Ok(Ok(db)) => {
                    ok += 1;
                    let unsupported: Vec<String> = db
                        .unsupported
                        .iter()
                        .map(|u| format!("{} {}", u.kind, u.name))
                        .collect();
                    println!(
                        "{label:<32} ok  {} objects, {} tables, {} dependencies{}",
                        db.object_count(),
                        db.tables.len(),
                        db.dependencies.len(),
                        if unsupported.is_empty() {
                            String::new()
                        } else {
                            format!(", unsupported: {}", unsupported.join("; "))
                        }
                    );
                }
                Ok(Err(e)) => {
                    failed += 1;
                    println!("{label:<32} ERROR {e}");
                }
            }
        }
    }
    println!("{ok} introspected, {failed} failed, {not_loaded} did not load");
    if failed > 0 {
        bail!("{failed} schemas failed to introspect");
    }
    Ok(())
}
