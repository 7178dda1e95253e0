//! `plumb diff --verify`: the plan proved on the dev server, its result reported on stderr (output checked
//! whole: insta snapshots in `tests/snapshots/`).

mod common;

use common::*;

#[test]
fn verify_proves_the_plan_on_the_dev_server() {
    bless_env();
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
    insta::assert_snapshot!("verified", whole(&run));
    let none = plumb(&["diff", "--from", from, "--to", to, "--verify"]);
    assert_eq!(none.code, 2, "{none:?}");
    insta::assert_snapshot!("no_dev_server", whole(&none));
}
