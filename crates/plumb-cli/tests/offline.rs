//! Offline false drift: every case of `fixtures/offline/` (one SQL shape each) and of `fixtures/real/` (real
//! projects' declared schemas) is loaded into a fresh database and compared, offline, with its own
//! declaration both ways; then the database's `pg_dump --schema-only` is read as a file and compared the same
//! way. No difference may be reported. A case's `drift.sql`, run on the database afterwards, must then be
//! reported by `plumb check`; with a `drift.expect`, each of its lines must be among the drift `plumb check
//! --format json` reports, offline and with `--dev-url` (the test server) alike. See `fixtures/offline/README.md` and `fixtures/real/README.md`.
//!
//! One test per case (`harness = false`, see `plumb_testdb::fixture`): `cargo test -p plumb-cli --test offline
//! -- in_list` (or `PLUMB_CASE=in_list`) runs the matching cases only; `--nocapture` prints the changes each
//! comparison reported (the false-drift count per case).

#![allow(clippy::print_stdout)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use common::*;
use plumb_testdb::fixture::{Case, CaseResult, Snapshots, Suite};

/// The declared source of a case: `schema.sql`, else a `migrations` or `schema` directory.
fn source_of(case: &Path) -> Option<PathBuf> {
    ["schema.sql", "migrations", "schema"]
        .iter()
        .map(|n| case.join(n))
        .find(|p| p.exists())
}

fn is_case(dir: &Path) -> bool {
    source_of(dir).is_some()
}

/// Changes a `plumb diff --format json` reported, as `kind object action` lines; `Err` when plumb failed.
fn diff_changes(from: &str, to: &str) -> Result<Vec<String>, String> {
    let run = plumb(&["diff", "--from", from, "--to", to, "--format", "json"]);
    if run.code == 2 {
        return Err(format!("plumb diff failed: {run:?}"));
    }
    let v: serde_json::Value =
        serde_json::from_str(&run.stdout).map_err(|e| format!("not json ({e}): {run:?}"))?;
    let changes: Vec<String> = v["changes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    format!(
                        "{} {} {} {}",
                        c["action"].as_str().unwrap_or(""),
                        c["kind"].as_str().unwrap_or(""),
                        c["object"].as_str().unwrap_or(""),
                        c["attribute"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if run.code == 1 && changes.is_empty() {
        return Err(format!("exit 1 without changes: {run:?}"));
    }
    if run.code == 0 && !changes.is_empty() {
        return Err(format!("exit 0 with changes: {run:?}"));
    }
    Ok(changes)
}

fn pg_dump_to(url: &str, file: &Path) -> Result<(), String> {
    let out = Command::new("pg_dump")
        .args(["--schema-only", "-d", url, "-f"])
        .arg(file)
        .output()
        .map_err(|e| format!("cannot run pg_dump: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Load a source into the database the way its migration tool or psql would: script by script, in order, each
/// on its own session, statement by statement (so that `CREATE INDEX CONCURRENTLY`, which Flyway and psql run
/// outside a transaction, loads).
fn load(db: &TestDb, source: &Path) -> Result<(), String> {
    let scripts = plumb_parse::scripts(source).map_err(|e| e.to_string())?;
    for s in scripts {
        let mut client = db.client();
        for st in plumb_parse::split_statements(&s.sql) {
            client.batch_execute(st.text).map_err(|e| {
                let why = e
                    .as_db_error()
                    .map(|d| format!("{}: {}", d.severity(), d.message()))
                    .unwrap_or_else(|| e.to_string());
                format!("{} does not load: {why}", s.path.display())
            })?;
        }
    }
    Ok(())
}

/// One case; the returned lines are failures (empty: the case passes). `counts` gets the number of changes
/// reported by each comparison, for the false-drift measurement.
fn run_case(case: &Path) -> (Vec<String>, Vec<usize>) {
    let mut fail = Vec::new();
    let mut counts = Vec::new();
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let Some(source) = source_of(case) else {
        return (
            vec![format!("{name}: no schema.sql, migrations/ or schema/")],
            counts,
        );
    };
    let db = TestDb::new("offline");
    // A case that needs an extension this server does not have (`requires`: one name a line; PostGIS comes
    // from a distribution package the setup does not install) is not run, and says so.
    let requires = std::fs::read_to_string(case.join("requires")).unwrap_or_default();
    let mut client = db.client();
    for ext in requires.split_whitespace() {
        let available = client
            .query_one(
                "SELECT count(*) FROM pg_available_extensions WHERE name = $1",
                &[&ext],
            )
            .map(|r| r.get::<_, i64>(0) > 0)
            .unwrap_or(false);
        if !available {
            println!(
                "{name}: not run: it needs the extension {ext}, which this server does not have"
            );
            return (fail, counts);
        }
    }
    if let Err(e) = load(&db, &source) {
        return (vec![format!("{name}: {e}")], counts);
    }
    // Roles a case's live.sql makes are stand-ins, dropped afterwards (roles are cluster-wide).
    let roles = plumb_testdb::TestRoles::new();
    if let Ok(live) = std::fs::read_to_string(case.join("live.sql")) {
        if let Err(e) = db.try_execute(&roles.apply(&live)) {
            return (vec![format!("{name}: live.sql: {e}")], counts);
        }
    }
    let dump = scratch_dir(&format!("offline-{name}")).join("dump.sql");
    if let Err(e) = pg_dump_to(db.url(), &dump) {
        return (vec![format!("{name}: pg_dump: {e}")], counts);
    }
    let url = db.url();
    for (label, file) in [
        ("declared", source.to_str().unwrap()),
        ("pg_dump", dump.to_str().unwrap()),
    ] {
        for (from, to, dir) in [(file, url, "file -> db"), (url, file, "db -> file")] {
            match diff_changes(from, to) {
                Ok(c) => {
                    counts.push(c.len());
                    if !c.is_empty() {
                        fail.push(format!(
                            "{name} ({label}, {dir}): {} false change(s):\n      {}",
                            c.len(),
                            c.join("\n      ")
                        ));
                    }
                }
                Err(e) => fail.push(format!("{name} ({label}, {dir}): {e}")),
            }
        }
        let run = plumb(&["check", "--database", url, "--schema", file]);
        if run.code != 0 {
            fail.push(format!("{name} ({label}): plumb check: {run:?}"));
        }
    }
    if let Ok(drift) = std::fs::read_to_string(case.join("drift.sql")) {
        if let Err(e) = db.try_execute(&drift) {
            fail.push(format!("{name}: drift.sql: {e}"));
        } else {
            let expected = std::fs::read_to_string(case.join("drift.expect"))
                .ok()
                .map(|t| expectations(&t));
            let source = source.to_str().unwrap();
            let offline = check_drift(&name, "offline", url, source, None, &mut fail);
            if let Some(expected) = expected {
                // The same declaration read by running it on the dev server: both readings must report
                // every expected drift.
                let dev = dev_url();
                let with_dev = check_drift(&name, "--dev-url", url, source, Some(&dev), &mut fail);
                let mut found = Vec::new();
                for (how, reported) in [("offline", &offline), ("--dev-url", &with_dev)] {
                    let Some(reported) = reported else { continue };
                    let missing: Vec<&String> =
                        expected.iter().filter(|l| !reported.contains(l)).collect();
                    found.push(format!(
                        "{how} {}/{}",
                        expected.len() - missing.len(),
                        expected.len()
                    ));
                    for line in missing {
                        fail.push(format!(
                            "{name}: drift.expect: `{line}` is not reported by plumb check {how}; it reports:\n      {}",
                            reported.join("\n      ")
                        ));
                    }
                }
                println!("{name}: drift.expect: reported {}", found.join(", "));
                if let (Some(a), Some(b)) = (&offline, &with_dev) {
                    for (only, one, other) in [("offline", a, b), ("--dev-url", b, a)] {
                        for line in one.iter().filter(|l| !other.contains(l)) {
                            println!("{name}: drift reported {only} only: {line}");
                        }
                    }
                }
            }
        }
    }
    (fail, counts)
}

/// The lines of a `drift.expect`: one expected drift a line, blank lines and `#` comments left out.
fn expectations(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// `plumb check --format json` of the database against the declared source (offline, or with `--dev-url`),
/// which must exit 1 (drift): its drift as lines `<drift> <kind> <object>[ <attribute>]` (`extra column
/// public.t.c`, `changed column public.t.c not_null`), the words of the report's JSON `drift` entries. `None`
/// (and a failure pushed) when plumb did not report drift.
fn check_drift(
    name: &str,
    how: &str,
    url: &str,
    source: &str,
    dev: Option<&str>,
    fail: &mut Vec<String>,
) -> Option<Vec<String>> {
    let mut args = vec![
        "check",
        "--database",
        url,
        "--schema",
        source,
        "--format",
        "json",
    ];
    if let Some(dev) = dev {
        args.extend(["--dev-url", dev]);
    }
    let run = plumb(&args);
    if run.code != 1 {
        fail.push(format!(
            "{name}: the drift of drift.sql is not reported ({how}): {run:?}"
        ));
        return None;
    }
    let lines = serde_json::from_str::<serde_json::Value>(&run.stdout)
        .ok()
        .and_then(|v| v["drift"].as_array().cloned())
        .map(|drift| drift.iter().map(drift_line).collect::<Vec<_>>());
    if lines.as_ref().is_none_or(Vec::is_empty) {
        fail.push(format!(
            "{name}: plumb check ({how}) exits 1 without a drift list: {run:?}"
        ));
    }
    lines
}

/// One drift entry of `plumb check --format json` as a `drift.expect` line.
fn drift_line(d: &serde_json::Value) -> String {
    let mut line = ["drift", "kind", "object"]
        .iter()
        .map(|k| d[*k].as_str().unwrap_or("?"))
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(attribute) = d["attribute"].as_str() {
        line.push(' ');
        line.push_str(attribute);
    }
    line
}

/// One case: no false drift either way, from the declared source and from `pg_dump`'s.
fn case_test(case: &Case) -> CaseResult {
    let (fail, counts) = run_case(&case.dir);
    println!(
        "{}: changes reported (declared file->db, db->file, pg_dump file->db, db->file): {counts:?}{}",
        case.name,
        if fail.is_empty() { "" } else { "  FAILS" }
    );
    if fail.is_empty() {
        Ok(())
    } else {
        Err(fail.join("\n  "))
    }
}

/// The real-world corpus is other projects' code and is not committed: `fixtures/real/fetch.py` writes it to
/// `fixtures/real/corpus/` (git-ignored) from the pinned commits of `fixtures/real/manifest.tsv`. Where it has
/// been fetched every case is a test (`real/<case>`); where it has not (a clean clone, CI), the one test
/// `real/(not fetched)` says so and checks nothing.
fn main() -> ExitCode {
    let mut suite = Suite::new();
    suite.cases(
        "offline",
        &workspace_root().join("fixtures/offline"),
        1,
        &is_case,
        12,
        Snapshots::NONE,
        case_test,
    );
    let corpus = workspace_root().join("fixtures/real/corpus");
    if corpus.is_dir() {
        let listed = std::fs::read_to_string(workspace_root().join("fixtures/real/manifest.tsv"))
            .map(|t| {
                t.lines()
                    .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
                    .count()
            })
            .unwrap_or(usize::MAX);
        suite.cases(
            "real",
            &corpus,
            1,
            &is_case,
            listed,
            Snapshots::NONE,
            case_test,
        );
    } else {
        suite.test("real/(not fetched)", || {
            println!(
                "not run: fixtures/real/corpus is missing (run fixtures/real/fetch.py to fetch the real-world corpus)"
            );
        });
    }
    suite.run()
}
