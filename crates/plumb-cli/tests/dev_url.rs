//! `--dev-url` (exact mode) end to end, one case per directory of `fixtures/dev-url/`: the real binary applies
//! `from` (a file, or a directory: schema files or migrations) to scratch databases on the test server and
//! diffs it against `to.sql`. `expected.txt` gives the exit code and blocks of lines stdout / stderr must
//! contain (`{dir}` stands for the case directory). Every run also checks that the scratch databases plumb
//! created are gone afterwards and that the dev URL's password is printed nowhere. One test per case
//! (`harness = false`, see `plumb_testdb::fixture`).

mod common;

use std::path::Path;
use std::process::ExitCode;

use common::*;
use plumb_testdb::fixture::{Case, CaseResult, Snapshots, Suite};

/// What a case expects.
struct Expected {
    code: i32,
    /// (stream, block of consecutive lines), stream being "stdout" or "stderr".
    blocks: Vec<(String, String)>,
}

fn read_expected(case: &Path) -> Expected {
    let path = case.join("expected.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .replace("{dir}", &case.display().to_string());
    let mut code = None;
    let mut blocks: Vec<(String, String)> = Vec::new();
    let mut previous_was_block = false;
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            previous_was_block = false;
            continue;
        }
        if let Some(n) = line.strip_prefix("exit ") {
            code = Some(n.trim().parse().expect("exit code"));
            previous_was_block = false;
            continue;
        }
        let (stream, content) = line
            .split_once(':')
            .unwrap_or_else(|| panic!("{}: bad line {line:?}", path.display()));
        assert!(
            matches!(stream, "stdout" | "stderr"),
            "{}: bad line {line:?}",
            path.display()
        );
        let content = content.strip_prefix(' ').unwrap_or(content);
        match blocks.last_mut() {
            Some((s, block)) if previous_was_block && s == stream => {
                block.push('\n');
                block.push_str(content);
            }
            _ => blocks.push((stream.to_string(), content.to_string())),
        }
        previous_was_block = true;
    }
    Expected {
        code: code.unwrap_or_else(|| panic!("{}: no `exit N` line", path.display())),
        blocks,
    }
}

const PASSWORD: &str = "plumb-dev-url-secret";

/// The dev server URL with a password (ignored by a trust- or peer-auth server), unless it has one already:
/// in the URL's user part, or as `password=` when it names no user (a unix socket as the OS user).
fn dev_url_with_password() -> (String, String) {
    let url = dev_url();
    let mut u = plumb_pg::pgurl::PgUrl::split(&url).expect("a URL");
    match u.userinfo.as_mut() {
        Some(info) => match info.split_once(':') {
            Some((_, password)) => {
                let password = password.to_string();
                (url, password)
            }
            None => {
                info.push(':');
                info.push_str(PASSWORD);
                (u.to_string(), PASSWORD.to_string())
            }
        },
        None => {
            u.query.push(("password".to_string(), PASSWORD.to_string()));
            (u.to_string(), PASSWORD.to_string())
        }
    }
}

/// The scratch databases a `-v` run says it created.
fn scratch_names(stderr: &str) -> Vec<String> {
    stderr
        .split(|c: char| c.is_whitespace())
        .filter(|w| w.starts_with("plumb_scratch_"))
        .map(str::to_string)
        .collect()
}

fn run_case(case: &Path) -> Result<(), String> {
    // A database of the test's own, to look at the server's list of databases from.
    let admin = TestDb::new("dev_url");
    let expected = read_expected(case);
    let from = if case.join("from").is_dir() {
        case.join("from")
    } else {
        case.join("from.sql")
    };
    let to = case.join("to.sql");
    let (dev, password) = dev_url_with_password();
    let run = plumb(&[
        "diff",
        "-v",
        "--from",
        from.to_str().unwrap(),
        "--to",
        to.to_str().unwrap(),
        "--dev-url",
        &dev,
    ]);
    let mut problems = Vec::new();
    if run.code != expected.code {
        problems.push(format!("exit {} instead of {}", run.code, expected.code));
    }
    for (stream, block) in &expected.blocks {
        let out = if stream == "stdout" {
            &run.stdout
        } else {
            &run.stderr
        };
        if !out.contains(block.as_str()) {
            problems.push(format!("{stream} lacks:\n{block}"));
        }
    }
    if !password.is_empty() && (run.stdout.contains(&password) || run.stderr.contains(&password)) {
        problems.push("the dev URL's password was printed".to_string());
    }
    let names = scratch_names(&run.stderr);
    if names.is_empty() {
        problems.push("-v did not name the scratch database".to_string());
    }
    let mut client = admin.client();
    for name in &names {
        let left = client
            .query_one(
                "SELECT count(*) FROM pg_database WHERE datname = $1",
                &[name],
            )
            .map_err(|e| e.to_string())?
            .get::<_, i64>(0);
        if left != 0 {
            problems.push(format!("scratch database {name} was not dropped"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n{run:?}", problems.join("\n")))
    }
}

fn main() -> ExitCode {
    let mut suite = Suite::new();
    suite
        .cases(
            "dev-url",
            &workspace_root().join("fixtures/dev-url"),
            1,
            &|dir: &Path| dir.join("expected.txt").is_file(),
            6,
            Snapshots::NONE,
            |case: &Case| -> CaseResult { run_case(&case.dir) },
        )
        .test(
            "expected_blocks_are_read_as_written",
            expected_blocks_are_read_as_written,
        );
    suite.run()
}

fn expected_blocks_are_read_as_written() {
    let dir = scratch_dir("dev_url_expected");
    std::fs::write(
        dir.join("expected.txt"),
        "# comment\nexit 2\nstderr: a {dir}\nstderr:   b\n\nstderr: c\nstdout: d\n",
    )
    .unwrap();
    let e = read_expected(&dir);
    assert_eq!(e.code, 2);
    assert_eq!(
        e.blocks,
        vec![
            ("stderr".to_string(), format!("a {}\n  b", dir.display())),
            ("stderr".to_string(), "c".to_string()),
            ("stdout".to_string(), "d".to_string()),
        ]
    );
}
