//! Data-driven convergence tests, one test per case (`harness = false`, see `plumb_testdb::fixture`): every
//! `fixtures/diff/<area>/<case>/` holds `from.sql` and `to.sql` (and optionally `options`, one word a line:
//! `online`, `ignore_owners`, `ignore_privileges`, and `pg_dump`: the result must also give the same
//! `pg_dump --schema-only` as "to", which sees what the model leaves out, such as the order of an ACL's
//! grantees; `pg_dump_until_NN` does so only on servers up to major NN; `#` starts a comment to the end). For each case the two schemas are loaded into fresh databases and introspected; the plan is
//! compared with the snapshot `expected.snap` (`expected@pgNN.snap` on PostgreSQL NN where the plan differs
//! there: `plumb_testdb::snapshot`; written when `PLUMB_BLESS=1`), applied to the "from" database, and the
//! result introspected again: it must not differ from "to" any more. A second plan from fresh reads of both
//! databases must be byte-identical to the first.

#![allow(clippy::print_stderr)]

use std::path::Path;
use std::process::ExitCode;

use plumb_diff::{diff, plan, render, Options};
use plumb_model::Database;
use plumb_testdb::fixture::{fixtures_root, Case, CaseResult, Snapshots, Suite};
use plumb_testdb::snapshot::{check_versioned, skip_reason};
use plumb_testdb::TestDb;

fn is_case(dir: &Path) -> bool {
    dir.join("from.sql").exists() && dir.join("to.sql").exists()
}

fn introspect(rt: &tokio::runtime::Runtime, db: &TestDb) -> Database {
    rt.block_on(async {
        let client = plumb_pg::Target::parse(db.url())
            .unwrap()
            .connect()
            .await
            .unwrap();
        plumb_introspect::introspect(&client, &plumb_introspect::Options::default())
            .await
            .unwrap()
    })
}

/// Run a script the way a user would: psql, one statement at a time, stop at the first error.
fn apply_with_psql(url: &str, script: &str) -> Result<(), String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run psql: {e}"))?;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

fn options(case: &Path) -> (Options, bool) {
    let mut o = Options::default();
    let mut pg_dump = false;
    if let Ok(text) = std::fs::read_to_string(case.join("options")) {
        for w in text.split_whitespace() {
            match w {
                "online" => o.online = true,
                "ignore_owners" => o.ignore_owners = true,
                "ignore_privileges" => o.ignore_privileges = true,
                "pg_dump" => pg_dump = true,
                // `pg_dump_until_NN`: compare dumps only on servers up to major NN, where the dump shows
                // something newer servers add that the model does not hold (named in the case's options file)
                w if w.starts_with("pg_dump_until_") => {
                    let last: u32 = w["pg_dump_until_".len()..]
                        .parse()
                        .unwrap_or_else(|_| panic!("{}: bad option {w}", case.display()));
                    pg_dump = plumb_testdb::snapshot::server_major() <= last;
                }
                "#" => break,
                other => panic!("{}: unknown option {other}", case.display()),
            }
        }
    }
    (o, pg_dump)
}

/// `pg_dump --schema-only` of a database, without its comments, blank lines and `\restrict` lines.
fn schema_dump(url: &str) -> Result<String, String> {
    let out = std::process::Command::new("pg_dump")
        .args(["--schema-only", "-d", url])
        .output()
        .map_err(|e| format!("cannot run pg_dump: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with("--") && !l.starts_with("\\"))
        .collect::<Vec<_>>()
        .join("\n"))
}

fn run_case(case: &Case) -> CaseResult {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let name = case.name.as_str();
    let case = case.dir.as_path();
    if let Some(why) = skip_reason(case) {
        eprintln!("{why}");
        return Ok(());
    }
    let from_sql = std::fs::read_to_string(case.join("from.sql")).unwrap();
    let to_sql = std::fs::read_to_string(case.join("to.sql")).unwrap();
    let (opts, compare_dumps) = options(case);
    // Stand-ins for the roles the fixtures grant to; fixture names again in what is compared.
    let roles = plumb_testdb::TestRoles::new();
    let a = TestDb::with_sql(&format!("{name}_a"), &roles.apply(&from_sql));
    let b = TestDb::with_sql(&format!("{name}_b"), &roles.apply(&to_sql));
    let (ma, mb) = (introspect(&rt, &a), introspect(&rt, &b));
    let p = plan(&ma, &mb, &opts).map_err(|e| format!("{name}: plan failed: {e}"))?;
    let header = render::Header {
        from: format!("{name}/from.sql"),
        to: format!("{name}/to.sql"),
    };
    let script = render::sql(&p, &header);
    let snapshot = roles.restore(&script);
    check_versioned(case, "expected", &snapshot);
    // Planning again from fresh reads of both databases gives the same script, byte for byte.
    let replan = plan(&introspect(&rt, &a), &introspect(&rt, &b), &opts)
        .map(|p| render::sql(&p, &header))
        .map_err(|e| format!("{name}: second plan failed: {e}"))?;
    if replan != script {
        return Err(format!(
            "{name}: a second plan from fresh reads differs:\n{script}\n---\n{replan}"
        ));
    }
    check_other_renderers(name, &p, &header, &script)?;
    if p.steps.is_empty() && !p.changes.is_empty() {
        return Err(format!("{name}: changes without steps: {:?}", p.changes));
    }
    apply_with_psql(a.url(), &script)
        .map_err(|e| format!("{name}: plan does not apply: {e}\n{script}"))?;
    let ma2 = introspect(&rt, &a);
    let left = diff(&ma2, &mb, &opts);
    if !left.is_empty() {
        let again = plan(&ma2, &mb, &opts)
            .map(|p| render::sql(&p, &header))
            .unwrap_or_default();
        return Err(format!(
            "{name}: not converged after the plan: {left:#?}\n{again}"
        ));
    }
    if compare_dumps {
        let (got, want) = (schema_dump(a.url())?, schema_dump(b.url())?);
        if got != want {
            let first = got
                .lines()
                .zip(want.lines())
                .find(|(x, y)| x != y)
                .map(|(x, y)| format!("result: {x}\n    to: {y}"))
                .unwrap_or_else(|| "one dump is longer".to_string());
            return Err(format!(
                "{name}: pg_dump of the result differs from pg_dump of to: first difference\n{first}\n{script}"
            ));
        }
    }
    // same input, same output
    let p2 = plan(&ma, &mb, &opts).unwrap();
    if render::sql(&p2, &header) != script {
        return Err(format!("{name}: planning twice gave different SQL"));
    }
    Ok(())
}

/// The other renderers agree with the plan: the JSON form carries its version and every change and step;
/// the human report counts the changes, objects, steps and hazards; the Markdown report has one table row
/// per change and ends with the SQL script in a `sql` block.
fn check_other_renderers(
    name: &str,
    p: &plumb_diff::Plan,
    header: &render::Header,
    script: &str,
) -> Result<(), String> {
    let j = render::json(p, header);
    let changes = j["changes"].as_array().map_or(0, Vec::len);
    let steps = j["steps"].as_array().map_or(0, Vec::len);
    if j["version"] != 1 || changes != p.changes.len() || steps != p.steps.len() {
        return Err(format!(
            "{name}: JSON version {}, {changes} changes, {steps} steps; the plan has {} and {}",
            j["version"],
            p.changes.len(),
            p.steps.len()
        ));
    }
    let human = render::human(p, header, false);
    let objects: std::collections::BTreeSet<&str> =
        p.changes.iter().map(|c| c.object.as_str()).collect();
    let summary = if p.changes.is_empty() && p.steps.is_empty() {
        "no differences\n".to_string()
    } else {
        format!(
            "{} change(s) in {} object(s), {} step(s), {} hazard(s)\n",
            p.changes.len(),
            objects.len(),
            p.steps.len(),
            p.hazards().count()
        )
    };
    if !human.contains(&summary) {
        return Err(format!(
            "{name}: the human report lacks {summary:?}:\n{human}"
        ));
    }
    let markdown = render::markdown(p, header);
    let rows = markdown
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| | Object |"))
        .count();
    if rows != p.changes.len() {
        return Err(format!(
            "{name}: the Markdown table has {rows} rows for {} changes:\n{markdown}",
            p.changes.len()
        ));
    }
    let sql_block = format!("```sql\n{}```\n", script.replace("```", "`\u{200b}``"));
    if !markdown.ends_with(&sql_block) {
        return Err(format!(
            "{name}: the Markdown report does not end with the SQL script:\n{markdown}"
        ));
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut suite = Suite::new();
    suite.cases(
        "diff",
        &fixtures_root().join("diff"),
        2,
        &is_case,
        20,
        Snapshots::versioned(&["expected"]),
        run_case,
    );
    suite.run()
}
