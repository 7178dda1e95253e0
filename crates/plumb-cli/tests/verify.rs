//! `plumb diff --verify`: the plan proved on the dev server, its result reported on stderr.

mod common;

use common::*;

#[test]
fn verify_proves_the_plan_on_the_dev_server() {
    let dir = scratch_dir("verify_ok");
    let from = dir.join("from.sql");
    let to = dir.join("to.sql");
    std::fs::write(
        &from,
        "CREATE TABLE t (id int PRIMARY KEY);\nCREATE INDEX t_id ON t (id);\n",
    )
    .unwrap();
    std::fs::write(
        &to,
        "CREATE TABLE t (id int PRIMARY KEY, \"odd name\" text NOT NULL DEFAULT 'x');\n",
    )
    .unwrap();
    let (from, to) = (from.to_str().unwrap(), to.to_str().unwrap());
    let dev = dev_url();
    let run = plumb(&[
        "diff",
        "--from",
        from,
        "--to",
        to,
        "--dev-url",
        &dev,
        "--verify",
    ]);
    assert_eq!(run.code, 1, "differences found: {run:?}");
    assert!(
        run.stderr
            .contains("the plan's 2 step(s) apply and leave no difference"),
        "{run:?}"
    );
    let none = plumb(&["diff", "--from", from, "--to", to, "--verify"]);
    assert_eq!(none.code, 2, "{none:?}");
    assert!(
        none.stderr
            .contains("--verify proves the plan on a dev server"),
        "{none:?}"
    );
}
