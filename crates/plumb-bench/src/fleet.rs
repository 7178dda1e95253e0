//! `plumb-bench fleet`: one `plumb check` over many databases (a fleet of tenants) against one `plumb check`
//! of one of them. A database of N generated tables is copied (`CREATE DATABASE ... TEMPLATE`) D times on the
//! server; `plumb check --targets` reads every copy with each `--jobs` asked for. Every database it creates is
//! dropped at the end, also after a failure.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use plumb_model::quote_ident;
use plumb_pg::{ScratchDb, Target};

use crate::{gen, measure, runtime, summary, Row, Sample};

/// Copies dropped at once (each `DROP DATABASE` waits for a checkpoint, which concurrent drops share).
const DROPS_AT_ONCE: usize = 8;

/// Drop every copy; returns the names that could not be dropped, with why.
async fn drop_copies(admin: &Target, names: &[String]) -> Vec<String> {
    let mut failed = Vec::new();
    let mut set = tokio::task::JoinSet::new();
    for chunk in names.chunks(names.len().div_ceil(DROPS_AT_ONCE).max(1)) {
        let admin = admin.clone();
        let chunk = chunk.to_vec();
        set.spawn(async move {
            let mut failed = Vec::new();
            let client = match admin.connect().await {
                Ok(c) => c,
                Err(e) => return chunk.iter().map(|n| format!("{n}: {e}")).collect(),
            };
            for name in chunk {
                let sql = format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    quote_ident(&name)
                );
                if let Err(e) = client.batch_execute(&sql).await {
                    failed.push(format!("{name}: {e}"));
                }
            }
            failed
        });
    }
    while let Some(done) = set.join_next().await {
        match done {
            Ok(f) => failed.extend(f),
            Err(e) => failed.push(format!("a drop task failed: {e}")),
        }
    }
    failed
}

/// One configuration measured: a label and the `plumb` arguments.
struct Case {
    row: Row,
    args: Vec<String>,
    /// Databases the command reads (for the time per database).
    databases: usize,
}

pub fn fleet(
    database: &str,
    databases: usize,
    tables: usize,
    runs: usize,
    jobs: &[String],
) -> Result<()> {
    if databases == 0 {
        bail!("--databases must be at least 1");
    }
    let admin = Target::parse(database)?;
    let rt = runtime()?;
    let scratch = rt.block_on(ScratchDb::create(&admin))?;
    let mut copies: Vec<String> = Vec::new();
    let dir = std::env::temp_dir().join(format!("plumb-bench-fleet-{}", std::process::id()));
    let result = (|| -> Result<()> {
        let start = Instant::now();
        let schema = gen::schema(tables);
        rt.block_on(async {
            let client = scratch.target.connect().await?;
            for chunk in gen::chunks(tables, 200) {
                client
                    .batch_execute(&chunk)
                    .await
                    .context("loading the generated schema")?;
            }
            anyhow::Ok(())
        })?;
        rt.block_on(async {
            let client = admin.connect().await?;
            for i in 0..databases {
                let name = format!("{}_c{i:04}", scratch.name());
                client
                    .batch_execute(&format!(
                        "CREATE DATABASE {} TEMPLATE {}",
                        quote_ident(&name),
                        quote_ident(scratch.name())
                    ))
                    .await
                    .with_context(|| format!("CREATE DATABASE {name}"))?;
                copies.push(name);
            }
            anyhow::Ok(())
        })?;
        eprintln!(
            "created {databases} databases of {tables} tables in {:.1}s",
            start.elapsed().as_secs_f64()
        );
        std::fs::create_dir_all(&dir)?;
        let schema_file = dir.join("schema.sql");
        std::fs::write(&schema_file, &schema)?;
        let mut targets = String::new();
        for name in &copies {
            let _ = writeln!(
                targets,
                "{name} = {}",
                admin.with_database(name).secret_url()
            );
        }
        let targets_file = dir.join("targets.txt");
        std::fs::write(&targets_file, targets)?;
        let plumb = std::env::current_exe()?.with_file_name("plumb");
        if !plumb.exists() {
            bail!(
                "{} not found: build plumb-cli with the same profile",
                plumb.display()
            );
        }
        let cases = cases(
            &admin,
            &copies,
            &schema_file,
            &targets_file,
            jobs,
            databases,
        );
        run_cases(&plumb, cases, runs, databases, tables)
    })();
    let failed = rt.block_on(drop_copies(&admin, &copies));
    let dropped = rt.block_on(scratch.drop_now());
    let _ = std::fs::remove_dir_all(&dir);
    result?;
    if !failed.is_empty() {
        bail!("could not drop: {}", failed.join("; "));
    }
    dropped?;
    Ok(())
}

fn cases(
    admin: &Target,
    copies: &[String],
    schema_file: &Path,
    targets_file: &Path,
    jobs: &[String],
    databases: usize,
) -> Vec<Case> {
    let schema = schema_file.display().to_string();
    let targets = targets_file.display().to_string();
    let base = |extra: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = ["check", "--no-config", "--schema", schema.as_str()]
            .iter()
            .map(ToString::to_string)
            .collect();
        a.extend(extra.iter().map(ToString::to_string));
        a
    };
    let one = admin.with_database(&copies[0]).secret_url().to_string();
    let mut cases = vec![Case {
        row: Row::new("plumb check, 1 database"),
        args: base(&["--database", &one]),
        databases: 1,
    }];
    for j in jobs {
        let (label, extra): (String, Vec<&str>) = if j == "default" {
            (
                format!(
                    "plumb check, {databases} databases, default jobs ({})",
                    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
                ),
                vec!["--targets", targets.as_str()],
            )
        } else {
            (
                format!("plumb check, {databases} databases, --jobs {j}"),
                vec![
                    "--targets",
                    targets.as_str(),
                    "--jobs",
                    j.as_str(),
                    "--jobs-per-server",
                    j.as_str(),
                ],
            )
        };
        cases.push(Case {
            row: Row::new(&label),
            args: base(&extra),
            databases,
        });
    }
    cases
}

fn run_cases(
    plumb: &Path,
    mut cases: Vec<Case>,
    runs: usize,
    databases: usize,
    tables: usize,
) -> Result<()> {
    let load_before = load_average();
    for run in 0..runs {
        let mut line = Vec::new();
        for case in &mut cases {
            if case.row.error.is_some() {
                continue;
            }
            let outcome = time_v(plumb, &case.args).map(|(wall, peak)| {
                line.push(format!("{:.3}s", wall.as_secs_f64()));
                Sample {
                    wall,
                    peak_kb: peak,
                }
            });
            case.row.record(outcome);
        }
        eprintln!("run {}: {}", run + 1, line.join(", "));
    }
    println!(
        "fleet: {databases} databases of {tables} tables on one server   runs: {runs}   load average before: {load_before}, after: {}   peak memory: {}",
        load_average(),
        if Path::new(GNU_TIME).exists() { "/usr/bin/time -v" } else { "VmHWM polled" }
    );
    println!(
        "{:<52} {:>9} {:>9} {:>9} {:>16}",
        "", "min s", "median s", "peak MB", "median ms / db"
    );
    let mut single = None;
    for case in &cases {
        if case.row.samples.is_empty() {
            println!(
                "{:<52} FAILED: {}",
                case.row.label,
                case.row.error.as_deref().unwrap_or("?")
            );
            continue;
        }
        let (min, median, peak) = summary(&case.row.samples);
        let per = median.as_secs_f64() * 1000.0 / case.databases as f64;
        if case.databases == 1 {
            single = Some(median);
        }
        println!(
            "{:<52} {:>9.3} {:>9.3} {:>9.1} {:>16.1}",
            case.row.label,
            min.as_secs_f64(),
            median.as_secs_f64(),
            peak as f64 / 1024.0,
            per
        );
    }
    if let Some(one) = single.filter(|d| *d > Duration::ZERO) {
        for case in cases
            .iter()
            .filter(|c| c.databases > 1 && !c.row.samples.is_empty())
        {
            let (_, median, _) = summary(&case.row.samples);
            println!(
                "{:<52} {:>9.3}",
                format!("time per database / one check ({})", short(&case.row.label)),
                median.as_secs_f64() / case.databases as f64 / one.as_secs_f64()
            );
        }
    }
    if cases.iter().any(|c| c.row.samples.is_empty()) {
        bail!("a measurement failed");
    }
    Ok(())
}

/// Where GNU time is (peak memory as `/usr/bin/time -v` reports it).
const GNU_TIME: &str = "/usr/bin/time";

/// Run plumb once: wall time and peak resident memory in kB, from `/usr/bin/time -v` when it is installed
/// (else polled from /proc). The check must pass (exit 0: the copies are in sync with their declaration).
fn time_v(plumb: &Path, args: &[String]) -> Result<(Duration, u64)> {
    if !Path::new(GNU_TIME).exists() {
        return measure(Command::new(plumb).args(args)).map(|(wall, peak, _)| (wall, peak));
    }
    let start = Instant::now();
    let out = Command::new(GNU_TIME)
        .arg("-v")
        .arg(plumb)
        .args(args)
        .output()
        .context("cannot start /usr/bin/time")?;
    let wall = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        bail!(
            "plumb {} failed ({}): {}{}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            stderr
        );
    }
    let peak = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse().ok())
        .context("no peak memory in /usr/bin/time -v's output")?;
    Ok((wall, peak))
}

/// The part of a label after the database count.
fn short(label: &str) -> &str {
    label.rsplit(", ").next().unwrap_or(label)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}
