//! Fidelity: for every fixture (and the realistic schemas in fixtures/parse/realistic), the model parsed
//! offline must equal the model introspected after loading the same SQL into an empty database.
//!
//! `ALLOW` lists field paths of known gaps that may differ; it is empty: every fixture matches field by field.
//! Known gaps that the fixtures avoid are listed in the crate documentation.

#![allow(clippy::print_stdout)]

mod common;

use std::path::{Path, PathBuf};

use common::{allowed, differences, introspect_sql, read};

const ALLOW: &[&str] = &[];

fn fixture_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/parse");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("input.sql").is_file())
        .collect();
    let realistic = root.join("realistic");
    if let Ok(rd) = std::fs::read_dir(&realistic) {
        dirs.extend(
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.join("input.sql").is_file()),
        );
    }
    dirs.sort();
    dirs
}

#[test]
fn parsed_fixtures_equal_their_introspection() {
    let mut failures = Vec::new();
    let dirs = fixture_dirs();
    assert!(!dirs.is_empty(), "no fixtures found");
    for dir in dirs {
        if dir.join("no-fidelity").exists() {
            continue;
        }
        if let Some(why) = plumb_testdb::snapshot::skip_reason(&dir) {
            println!("{why}");
            continue;
        }
        let input = dir.join("input.sql");
        // What the database runs: the script with psql meta lines blanked, as the parser reads it.
        let sql = match plumb_parse::scripts(&input) {
            Ok(s) => s.into_iter().map(|s| s.sql).collect::<Vec<_>>().join("\n"),
            Err(e) => {
                failures.push(format!("{}: {e}", dir.display()));
                continue;
            }
        };
        let mut parsed = match plumb_parse::parse_str(&sql, &input) {
            Ok(p) => p.database,
            Err(e) => {
                failures.push(format!("{}: parse error: {e}", dir.display()));
                continue;
            }
        };
        // that the parser assumed an entry's role is a note for the differ: the role itself is compared
        for e in parsed.default_privileges.values_mut() {
            e.role_assumed = false;
        }
        let live = match introspect_sql("fid", &sql) {
            Ok(d) => d,
            Err(e) => {
                failures.push(format!("{}: {e}", dir.display()));
                continue;
            }
        };
        let diffs: Vec<String> = differences(&parsed, &live)
            .into_iter()
            .filter(|d| !allowed(d, ALLOW))
            .collect();
        if !diffs.is_empty() {
            failures.push(format!("{}:\n  {}", dir.display(), diffs.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "parsed != introspected:\n{}",
        failures.join("\n")
    );
}

/// The external corpus's migra cases (`PLUMB_CORPUS`, or `../shared/corpus` next to the workspace; not run
/// without it): how many of its files parse offline to exactly the introspected model (no allow-list). Run
/// with `--nocapture` to see the differences; the floor below only goes up.
#[test]
fn corpus_fidelity_count() {
    const FLOOR: usize = 52;
    let Some(corpus) = plumb_testdb::external_corpus("corpus_fidelity_count") else {
        return;
    };
    let root = &corpus.join("migra");
    let setup = root.join("setup.sql");
    // setup.sql creates cluster-wide roles: dropped when the test ends, whatever its result.
    let _roles = plumb_testdb::NewRolesDropped::new();
    if setup.is_file() {
        let db = plumb_testdb::TestDb::new("setup");
        let _ = db.try_execute(&read(&setup));
    }
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    let (mut total, mut equal, mut loaded) = (0, 0, 0);
    for case in cases {
        for side in ["a.sql", "b.sql"] {
            let file = case.join(side);
            if !file.is_file() {
                continue;
            }
            total += 1;
            let sql = read(&file);
            let live = match introspect_sql("corpus", &sql) {
                Ok(d) => d,
                Err(e) => {
                    println!("{}: {e}", file.display());
                    continue;
                }
            };
            loaded += 1;
            match plumb_parse::parse_str(&sql, &file) {
                Ok(p) => {
                    let d = differences(&p.database, &live);
                    if d.is_empty() {
                        equal += 1;
                    } else {
                        println!(
                            "{}: {} differences\n  {}",
                            file.display(),
                            d.len(),
                            d.join("\n  ")
                        );
                    }
                }
                Err(e) => println!("{}: parse error: {e}", file.display()),
            }
        }
    }
    println!("corpus fidelity: {equal} of {total} files equal ({loaded} load into a database)");
    // The floor is the reference version's (field by field); elsewhere the count is reported.
    if plumb_testdb::snapshot::server_major() == plumb_testdb::snapshot::REFERENCE_MAJOR {
        assert!(equal >= FLOOR, "{equal} < {FLOOR}");
    }
}
