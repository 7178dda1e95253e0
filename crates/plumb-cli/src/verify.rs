//! `plumb diff --verify`: prove a plan on the dev server before it runs anywhere that matters. The "from"
//! schema is built in a scratch database (from its model, as `plumb dump` writes it), the plan is applied there
//! (in one transaction when every step allows it), the result is read back and compared with "to": the plan
//! must apply, and leave nothing to change.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use plumb_diff::{Change, Options, Plan};
use plumb_model::Database;
use plumb_pg::{ScratchDb, Target};

/// What a verification found.
#[derive(Debug)]
pub enum Verdict {
    /// The plan applied and the result has no difference from "to".
    Converges,
    /// A step failed: its position (1-based), its object and PostgreSQL's message.
    Fails {
        step: usize,
        object: String,
        error: String,
    },
    /// The plan applied, and these differences from "to" remain.
    Remains(Vec<Change>),
}

pub struct Verified {
    pub verdict: Verdict,
    pub elapsed: Duration,
    /// The password-free URL of the dev server.
    pub server: String,
}

impl Verified {
    /// One line for stderr.
    pub fn summary(&self, steps: usize) -> String {
        let secs = self.elapsed.as_secs_f64();
        match &self.verdict {
            Verdict::Converges => format!(
                "verified on {}: the plan's {steps} step(s) apply and leave no difference ({secs:.2} s)",
                self.server
            ),
            Verdict::Fails {
                step,
                object,
                error,
            } => format!(
                "verification failed on {}: step {step} of {steps} ({object}) fails: {error}",
                self.server
            ),
            Verdict::Remains(changes) => {
                let mut s = format!(
                    "verification failed on {}: the plan applies but {} difference(s) remain:",
                    self.server,
                    changes.len()
                );
                for c in changes {
                    s.push_str(&format!("\n  {} {} ({:?})", c.kind.as_str(), c.object, c.action));
                }
                s
            }
        }
    }

    pub fn ok(&self) -> bool {
        matches!(self.verdict, Verdict::Converges)
    }
}

/// Build `from` in a scratch database on `dev`, apply `plan`, read the result and compare it with `to`.
pub async fn verify(
    dev: &str,
    from: &Database,
    to: &Database,
    plan: &Plan,
    opts: &Options,
) -> Result<Verified> {
    let start = Instant::now();
    let dev = Target::parse(dev)?;
    let scratch = ScratchDb::create(&dev).await?;
    let result = run(&scratch, from, to, plan, opts).await;
    let dropped = scratch.drop_now().await;
    let verdict = result?;
    dropped?;
    Ok(Verified {
        verdict,
        elapsed: start.elapsed(),
        server: dev.to_string(),
    })
}

async fn run(
    scratch: &ScratchDb,
    from: &Database,
    to: &Database,
    plan: &Plan,
    opts: &Options,
) -> Result<Verdict> {
    let client = scratch.target.connect().await?;
    let build = plumb_diff::dump(from, opts).context("writing the \"from\" schema as SQL")?;
    let sql: Vec<&str> = build.steps.iter().map(|s| s.sql.as_str()).collect();
    client.batch_execute(&sql.join("\n")).await.map_err(|e| {
        anyhow::anyhow!(
            "the \"from\" schema cannot be built on the dev server: {}",
            plumb_pg::innermost_cause(&e)
        )
    })?;
    // every step in one transaction when each allows it, as a deploy would run it
    let transactional = plan.steps.iter().all(|s| s.transactional);
    if transactional {
        client.batch_execute("BEGIN").await?;
    }
    for (i, step) in plan.steps.iter().enumerate() {
        if let Err(e) = client.batch_execute(&step.sql).await {
            return Ok(Verdict::Fails {
                step: i + 1,
                object: format!("{} {}", step.kind.as_str(), step.object),
                error: plumb_pg::innermost_cause(&e),
            });
        }
    }
    if transactional {
        client.batch_execute("COMMIT").await?;
    }
    let after = plumb_introspect::introspect(&client, &plumb_introspect::Options::default())
        .await
        .context("reading the scratch database after the plan")?;
    drop(client);
    let rest = plumb_diff::plan(&after, to, opts)?;
    Ok(if rest.changes.is_empty() {
        Verdict::Converges
    } else {
        Verdict::Remains(rest.changes)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use plumb_diff::{Action, ObjectKind, Step};

    fn parse(sql: &str) -> Database {
        plumb_parse::parse_str(sql, std::path::Path::new("t.sql"))
            .expect("parses")
            .database
    }

    fn dev() -> String {
        plumb_testdb::server_url()
    }

    #[tokio::test]
    async fn a_plan_that_converges_is_verified() {
        let from = parse("CREATE TABLE t (id int PRIMARY KEY);");
        let to = parse("CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL DEFAULT '');");
        let opts = Options::default();
        let plan = plumb_diff::plan(&from, &to, &opts).unwrap();
        let v = verify(&dev(), &from, &to, &plan, &opts).await.unwrap();
        assert!(v.ok(), "{}", v.summary(plan.steps.len()));
    }

    #[tokio::test]
    async fn a_failing_step_and_remaining_differences_are_named() {
        let from = parse("CREATE TABLE t (id int);");
        let to = parse("CREATE TABLE t (id int, b int);");
        let opts = Options::default();
        let broken = Plan {
            changes: vec![],
            steps: vec![Step {
                sql: "ALTER TABLE public.t ADD COLUMN b nosuchtype;".into(),
                object: "public.t.b".into(),
                kind: ObjectKind::Column,
                action: Action::Create,
                hazards: vec![],
                transactional: true,
            }],
        };
        let v = verify(&dev(), &from, &to, &broken, &opts).await.unwrap();
        match &v.verdict {
            Verdict::Fails { step, error, .. } => {
                assert_eq!(*step, 1);
                assert!(error.contains("nosuchtype"), "{error}");
            }
            other => panic!("{other:?}"),
        }
        // an empty plan applies, and leaves the new column to add
        let v = verify(&dev(), &from, &to, &Plan::default(), &opts)
            .await
            .unwrap();
        match &v.verdict {
            Verdict::Remains(c) => assert_eq!(c.len(), 1, "{c:?}"),
            other => panic!("{other:?}"),
        }
    }
}
