//! `plumb-bench all`: plumb next to the tools users compare it with, in one run, at several sizes.
//!
//! For each schema (the generator at 100, 1,000 and 10,000 tables, and the largest real schema of the
//! real-world corpus when it is given) two scratch databases are loaded: `a`, and `b`, the same schema with 2%
//! of its tables changed (a column added to every 100th table, an index dropped on every 100th, offset by
//! 50). Then, run after run, every tool is run once in turn (so the pairs share the machine's load):
//!
//! - `plumb dump` of `a` next to `pg_dump --schema-only` of `a`;
//! - `plumb diff --from a --to b` next to `migra a b` (migra 3.0 in a virtualenv the bench creates:
//!   `migra[pg]`, `sqlalchemy<2`, `psycopg2-binary`; it exits 2 on a difference);
//! - the same two plumb commands with an older plumb binary (`--before`), for figures before and after in
//!   the same run.
//!
//! Each row gives the median and fastest wall time, the median CPU time of the process (the rest of the wall
//! time is the server's work and waiting) and the largest peak memory; each ratio is the median of the
//! run-by-run ratios of a pair.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::gen;

/// A schema to measure on: its name and the SQL scripts that load it, in order.
pub struct Schema {
    pub name: String,
    pub scripts: Vec<String>,
    /// Whether `b` differs from `a` (not for an empty schema: `--sizes 0` measures the fixed cost).
    pub differs: bool,
}

/// Targets of the issue: plumb dump at most 1/3 of pg_dump's time, plumb diff at most 1/5 of migra's.
const DUMP_TARGET: f64 = 1.0 / 3.0;
const DIFF_TARGET: f64 = 1.0 / 5.0;

/// One run of a tool.
pub(crate) struct Sample {
    pub wall: Duration,
    pub cpu: Duration,
    pub peak_kb: u64,
}

/// A tool: how to run it, which exit codes mean success, and its runs.
struct Tool {
    label: &'static str,
    command: Command,
    ok_codes: &'static [i32],
    samples: Vec<Sample>,
    error: Option<String>,
}

impl Tool {
    fn new(label: &'static str, command: Command, ok_codes: &'static [i32]) -> Tool {
        Tool {
            label,
            command,
            ok_codes,
            samples: Vec::new(),
            error: None,
        }
    }

    fn median(&self) -> Option<Duration> {
        let mut walls: Vec<Duration> = self.samples.iter().map(|s| s.wall).collect();
        walls.sort();
        walls.get(walls.len() / 2).copied()
    }
}

/// The load average of the machine (1, 5, 15 minutes), as /proc/loadavg gives it.
/// The pg_dump binary to measure. A bare name is looked up on `PATH`; when what is found there is a script (on
/// Debian and Ubuntu `/usr/bin/pg_dump` is `pg_wrapper`, a Perl script that picks a version and then runs the
/// real binary, about 25 ms of its own per run), the real `pg_dump` of the server's major version is measured
/// instead, so that the reference is pg_dump's own time. Returns the binary and, when it was swapped, why.
pub fn pg_dump_binary(requested: &str, server_major: u32) -> (String, Option<String>) {
    let on_path = if requested.contains('/') {
        Some(PathBuf::from(requested))
    } else {
        std::env::var_os("PATH").and_then(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join(requested))
                .find(|p| p.is_file())
        })
    };
    let Some(found) = on_path else {
        return (requested.to_string(), None);
    };
    let script = std::fs::read(&found).is_ok_and(|bytes| bytes.starts_with(b"#!"));
    if !script {
        return (requested.to_string(), None);
    }
    let real = plumb_pg::local::installations()
        .into_iter()
        .filter(|i| i.major == server_major)
        .map(|i| i.bindir.join("pg_dump"))
        .find(|p| p.is_file() && std::fs::read(p).is_ok_and(|b| !b.starts_with(b"#!")));
    match real {
        Some(real) => {
            let note = format!(
                "{} is a script (a version-picking wrapper): measuring {} instead",
                found.display(),
                real.display()
            );
            (real.display().to_string(), Some(note))
        }
        None => (
            requested.to_string(),
            Some(format!(
                "{} is a script and no pg_dump {server_major} binary was found: the reference includes \
                 the script's own time",
                found.display()
            )),
        ),
    }
}

/// The server's major version (e.g. 15).
pub async fn server_major(target: &plumb_pg::Target) -> Result<u32> {
    let client = target.connect().await?;
    let row = client
        .query_one(
            "SELECT current_setting('server_version_num')::int4 / 10000",
            &[],
        )
        .await?;
    Ok(u32::try_from(row.get::<_, i32>(0)).unwrap_or(0))
}

pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// A `kB` field of `/proc/PID/status` (`VmHWM:`, peak resident memory); `pid` may be `self`.
pub(crate) fn proc_status_kb(pid: &str, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// User + system CPU time of a process so far, from /proc (clock ticks of 10 ms).
fn cpu_time(pid: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// Run a child to completion, polling its peak memory and CPU time; its output is read and dropped. A thread
/// blocks in `wait` on the child, so the wall time ends when the child does (polling alone would add up to one
/// poll interval, a tenth of a 50 ms run).
fn measure(cmd: &mut Command, ok_codes: &[i32]) -> Result<Sample> {
    run_measured(cmd, ok_codes, false).map(|(sample, _)| sample)
}

/// [`measure`], also returning the child's stdout when `keep_stdout` (else it is read and dropped).
pub(crate) fn run_measured(
    cmd: &mut Command,
    ok_codes: &[i32],
    keep_stdout: bool,
) -> Result<(Sample, String)> {
    let start = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {:?}", cmd.get_program()))?;
    let pid = child.id().to_string();
    let mut stdout = child.stdout.take().context("no stdout")?;
    let mut stderr = child.stderr.take().context("no stderr")?;
    // Read on threads, so that a child writing a lot never blocks on a full pipe.
    let out = std::thread::spawn(move || {
        let mut kept = Vec::new();
        if keep_stdout {
            let _ = std::io::copy(&mut stdout, &mut kept);
        } else {
            let _ = std::io::copy(&mut stdout, &mut std::io::sink());
        }
        kept
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        text
    });
    let (ended_tx, ended) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let status = child.wait();
        let _ = ended_tx.send((status, Instant::now()));
    });
    let (mut peak, mut cpu) = (0, Duration::ZERO);
    let (status, end) = loop {
        if let Some(kb) = proc_status_kb(&pid, "VmHWM:") {
            peak = peak.max(kb);
        }
        if let Some(t) = cpu_time(&pid) {
            cpu = cpu.max(t);
        }
        match ended.recv_timeout(Duration::from_millis(5)) {
            Ok((status, end)) => break (status?, end),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => continue,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                bail!("the thread waiting for {:?} went away", cmd.get_program())
            }
        }
    };
    let wall = end.duration_since(start);
    let out = out.join().unwrap_or_default();
    let err = err.join().unwrap_or_default();
    match status.code() {
        Some(code) if ok_codes.contains(&code) => Ok((
            Sample {
                wall,
                cpu,
                peak_kb: peak,
            },
            String::from_utf8_lossy(&out).into_owned(),
        )),
        _ => bail!(
            "{:?} failed ({status}): {}",
            cmd.get_program(),
            err.lines().take(5).collect::<Vec<_>>().join(" / ")
        ),
    }
}

/// migra in a virtualenv under `dir`, created (and migra installed from PyPI) when missing.
pub fn migra(dir: &Path) -> Result<PathBuf> {
    let bin = dir.join("bin").join("migra");
    if bin.exists() {
        return Ok(bin);
    }
    eprintln!("installing migra into a virtualenv at {}", dir.display());
    let status = Command::new("python3")
        .arg("-m")
        .arg("venv")
        .arg(dir)
        .status()
        .context("python3 -m venv")?;
    if !status.success() {
        bail!("python3 -m venv {} failed ({status})", dir.display());
    }
    let status = Command::new(dir.join("bin").join("pip"))
        .args([
            "install",
            "--quiet",
            "migra[pg]",
            "sqlalchemy<2",
            "psycopg2-binary",
        ])
        .status()
        .context("pip install migra")?;
    if !status.success() || !bin.exists() {
        bail!("pip install migra[pg] 'sqlalchemy<2' psycopg2-binary failed ({status})");
    }
    Ok(bin)
}

/// The generated schema of `tables` tables, in scripts small enough for the server's lock table.
pub fn generated(tables: usize) -> Schema {
    Schema {
        name: format!("generated, {tables} tables"),
        scripts: gen::chunks(tables, 200),
        differs: tables > 0,
    }
}

/// What makes `b` differ from `a`: a column added to every 100th table and an index dropped on every 100th
/// (offset by 50): 2% of the tables.
const CHANGE_B: &str = "DO $$ DECLARE r record; i int := 0; \
    BEGIN \
      FOR r IN SELECT c.oid::regclass AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition \
          AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_' ORDER BY c.oid LOOP \
        i := i + 1; \
        IF i % 100 = 1 THEN EXECUTE format('ALTER TABLE %s ADD COLUMN bench_added text', r.t); END IF; \
        IF i % 100 = 51 THEN \
          EXECUTE coalesce((SELECT format('DROP INDEX %s', x.indexrelid::regclass) FROM pg_index x \
            WHERE x.indrelid = r.t AND NOT x.indisprimary AND NOT x.indisunique \
            AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) LIMIT 1), 'SELECT 1'); \
        END IF; \
      END LOOP; \
    END $$";

/// A case whose first `pg_dump` run takes less than this is short: it gets [`Options::short_runs`] runs.
pub const SHORT: Duration = Duration::from_millis(500);

pub struct Options<'a> {
    pub admin: &'a plumb_pg::Target,
    pub runs: usize,
    /// Runs of a short case (at least [`Options::runs`]): a run of tens of milliseconds varies by a quarter
    /// from one to the next on a small machine, so the medians need more pairs.
    pub short_runs: usize,
    pub plumb: PathBuf,
    pub before: Option<PathBuf>,
    pub migra: Result<PathBuf, String>,
    pub pg_dump: String,
}

/// What one schema's measurement found, for the summary.
pub struct Outcome {
    pub name: String,
    pub dump_ratio: Option<f64>,
    pub diff_ratio: Option<f64>,
    pub before_dump_ratio: Option<f64>,
    pub before_diff_ratio: Option<f64>,
    pub dump_peak_mb: Option<f64>,
    pub diff_peak_mb: Option<f64>,
    pub failures: Vec<String>,
}

/// Measure every tool on one schema.
pub fn schema(rt: &tokio::runtime::Runtime, schema: &Schema, o: &Options<'_>) -> Result<Outcome> {
    let a = rt.block_on(plumb_pg::ScratchDb::create(o.admin))?;
    let b = match rt.block_on(plumb_pg::ScratchDb::create(o.admin)) {
        Ok(b) => b,
        Err(e) => {
            let _ = rt.block_on(a.drop_now());
            return Err(e.into());
        }
    };
    let result = (|| -> Result<Outcome> {
        let load = Instant::now();
        rt.block_on(async {
            for (db, change) in [(&a, false), (&b, true)] {
                let client = db.target.connect().await?;
                for script in &schema.scripts {
                    client
                        .batch_execute(script)
                        .await
                        .with_context(|| format!("loading {}", schema.name))?;
                }
                if change {
                    client.batch_execute(CHANGE_B).await.context("changing b")?;
                }
                client.batch_execute("ANALYZE").await?;
            }
            anyhow::Ok(())
        })?;
        eprintln!(
            "{}: loaded a and b in {:.1}s; load average {}",
            schema.name,
            load.elapsed().as_secs_f64(),
            load_average()
        );
        run_tools(schema, o, a.target.secret_url(), b.target.secret_url())
    })();
    let dropped_a = rt.block_on(a.drop_now());
    let dropped_b = rt.block_on(b.drop_now());
    let outcome = result?;
    dropped_a?;
    dropped_b?;
    Ok(outcome)
}

fn plumb_dump(bin: &Path, url: &str) -> Command {
    let mut c = Command::new(bin);
    c.args(["dump", "--database", url]);
    c
}

fn plumb_diff(bin: &Path, from: &str, to: &str) -> Command {
    let mut c = Command::new(bin);
    c.args(["diff", "--from", from, "--to", to]);
    c
}

/// The reference `plumb dump` is measured against.
const PG_DUMP: &str = "pg_dump --schema-only";

fn run_tools(schema: &Schema, o: &Options<'_>, a: &str, b: &str) -> Result<Outcome> {
    let mut tools = vec![Tool::new("plumb dump", plumb_dump(&o.plumb, a), &[0]), {
        let mut c = Command::new(&o.pg_dump);
        c.args(["--schema-only", "--no-password", "--dbname", a]);
        Tool::new(PG_DUMP, c, &[0])
    }];
    if let Some(before) = &o.before {
        tools.push(Tool::new(
            "plumb dump (before)",
            plumb_dump(before, a),
            &[0],
        ));
    }
    // Exit codes when the two differ: plumb 1, migra 2; both 0 when they do not.
    let (plumb_differs, migra_differs): (&'static [i32], &'static [i32]) = if schema.differs {
        (&[1], &[2])
    } else {
        (&[0], &[0])
    };
    tools.push(Tool::new(
        "plumb diff a -> b",
        plumb_diff(&o.plumb, a, b),
        plumb_differs,
    ));
    let mut migra_missing = None;
    match &o.migra {
        Ok(migra) => {
            let mut c = Command::new(migra);
            c.args(["--unsafe", a, b]);
            tools.push(Tool::new("migra a b", c, migra_differs));
        }
        Err(why) => migra_missing = Some(why.clone()),
    }
    if let Some(before) = &o.before {
        tools.push(Tool::new(
            "plumb diff (before)",
            plumb_diff(before, a, b),
            plumb_differs,
        ));
    }
    let mut runs = o.runs;
    let mut run = 0;
    while run < runs {
        for tool in &mut tools {
            if tool.error.is_some() {
                continue;
            }
            match measure(&mut tool.command, tool.ok_codes) {
                Ok(s) => tool.samples.push(s),
                Err(e) => tool.error = Some(format!("{e:#}")),
            }
        }
        let line: Vec<String> = tools
            .iter()
            .map(|t| match t.samples.get(run) {
                Some(s) => format!("{} {:.3}s", t.label, s.wall.as_secs_f64()),
                None => format!("{} failed", t.label),
            })
            .collect();
        eprintln!("  run {}: {}", run + 1, line.join(", "));
        let short = run == 0
            && tools
                .iter()
                .find(|t| t.label == PG_DUMP)
                .and_then(|t| t.samples.first())
                .is_some_and(|s| s.wall < SHORT);
        if short {
            runs = runs.max(o.short_runs);
        }
        run += 1;
    }
    println!(
        "{}   runs: {}   load average after: {}",
        schema.name,
        runs,
        load_average()
    );
    println!(
        "  {:<24} {:>9} {:>9} {:>9} {:>9}",
        "", "median s", "min s", "CPU s", "peak MB"
    );
    let mut failures = Vec::new();
    for t in &tools {
        if let Some(e) = &t.error {
            println!("  {:<24} FAILED: {e}", t.label);
            failures.push(format!("{}: {e}", t.label));
            continue;
        }
        let mut cpus: Vec<Duration> = t.samples.iter().map(|s| s.cpu).collect();
        cpus.sort();
        println!(
            "  {:<24} {:>9.3} {:>9.3} {:>9.2} {:>9.1}",
            t.label,
            t.median().unwrap_or_default().as_secs_f64(),
            t.samples
                .iter()
                .map(|s| s.wall)
                .min()
                .unwrap_or_default()
                .as_secs_f64(),
            cpus.get(cpus.len() / 2)
                .copied()
                .unwrap_or_default()
                .as_secs_f64(),
            t.samples.iter().map(|s| s.peak_kb).max().unwrap_or(0) as f64 / 1024.0
        );
    }
    if let Some(why) = &migra_missing {
        println!("  {:<24} not run: {why}", "migra a b");
        failures.push(format!("migra: {why}"));
    }
    let find = |label: &str| tools.iter().find(|t| t.label == label && t.error.is_none());
    // The median of the run-by-run ratios of two tools.
    let ratio = |x: &str, y: &str| -> Option<f64> {
        let (x, y) = (find(x)?, find(y)?);
        let mut r: Vec<f64> = x
            .samples
            .iter()
            .zip(&y.samples)
            .map(|(p, q)| p.wall.as_secs_f64() / q.wall.as_secs_f64())
            .collect();
        r.sort_by(f64::total_cmp);
        r.get(r.len() / 2).copied()
    };
    let peak = |label: &str| {
        find(label).map(|t| t.samples.iter().map(|s| s.peak_kb).max().unwrap_or(0) as f64 / 1024.0)
    };
    let outcome = Outcome {
        name: schema.name.clone(),
        dump_ratio: ratio("plumb dump", PG_DUMP),
        diff_ratio: ratio("plumb diff a -> b", "migra a b"),
        before_dump_ratio: ratio("plumb dump (before)", PG_DUMP),
        before_diff_ratio: ratio("plumb diff (before)", "migra a b"),
        dump_peak_mb: peak("plumb dump"),
        diff_peak_mb: peak("plumb diff a -> b"),
        failures,
    };
    let show = |r: Option<f64>| r.map_or("-".to_string(), |r| format!("{r:.3}"));
    println!(
        "  ratios (median of run-by-run pairs): dump / pg_dump {}, diff / migra {}{}",
        show(outcome.dump_ratio),
        show(outcome.diff_ratio),
        if o.before.is_some() {
            format!(
                "; before: dump / pg_dump {}, diff / migra {}",
                show(outcome.before_dump_ratio),
                show(outcome.before_diff_ratio)
            )
        } else {
            String::new()
        }
    );
    println!();
    Ok(outcome)
}

/// The summary: one line per schema, with the targets.
pub fn summary(outcomes: &[Outcome], real_not_run: Option<&str>) {
    println!(
        "summary (targets at 1,000 and 10,000 tables and on the real schema: dump <= 1/3 of pg_dump, \
         diff <= 1/5 of migra; at 100 tables and below: reported)"
    );
    let show = |r: Option<f64>| r.map_or("-".to_string(), |r| format!("{r:.3}"));
    for o in outcomes {
        // The targets are at 1,000 and 10,000 tables and on the real schema; smaller sizes are reported.
        let targeted = !o.name.ends_with(" 100 tables") && !o.name.ends_with(" 0 tables");
        let verdict = |r: Option<f64>, target: f64| match r {
            Some(r) if targeted && r <= target => " (met)",
            Some(_) if targeted => " (NOT met)",
            _ => "",
        };
        println!(
            "  {:<28} dump/pg_dump {}{}  diff/migra {}{}  peak MB dump {} diff {}{}",
            o.name,
            show(o.dump_ratio),
            verdict(o.dump_ratio, DUMP_TARGET),
            show(o.diff_ratio),
            verdict(o.diff_ratio, DIFF_TARGET),
            o.dump_peak_mb.map_or("-".into(), |m| format!("{m:.1}")),
            o.diff_peak_mb.map_or("-".into(), |m| format!("{m:.1}")),
            if o.failures.is_empty() {
                String::new()
            } else {
                format!("  INCOMPLETE: {}", o.failures.join("; "))
            }
        );
    }
    if let Some(why) = real_not_run {
        println!("  real schema: not run ({why})");
    }
}

/// The real schema: a `.sql` file, or a directory of them (loaded in path order).
pub fn real(path: &Path) -> Result<Schema> {
    let mut files = if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "sql"))
            .collect();
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    };
    if files.is_empty() {
        bail!("{}: no .sql file", path.display());
    }
    let scripts = files
        .drain(..)
        .map(|f| std::fs::read_to_string(&f).with_context(|| format!("reading {}", f.display())))
        .collect::<Result<Vec<_>>>()?;
    Ok(Schema {
        name: format!(
            "real: {}",
            path.parent()
                .and_then(|p| p.file_name())
                .map_or(path.display().to_string(), |n| n
                    .to_string_lossy()
                    .into_owned())
        ),
        scripts,
        differs: true,
    })
}
