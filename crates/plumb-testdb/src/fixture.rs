//! The data-driven test harness: one test per fixture case, run by [`libtest_mimic`] from a test target
//! declared with `harness = false`, so a failing case is named and the others still run.
//!
//! ```text
//! cargo test -p plumb-diff --test fixtures                  every case
//! cargo test -p plumb-diff --test fixtures -- column/       the cases whose name contains `column/`
//! cargo test -p plumb-diff --test fixtures -- --list        their names
//! ```
//!
//! A case is named `<tree>/<path of its folder under the tree>` (e.g. `diff/column/add_nullable`).
//! `PLUMB_CASE=substring` still narrows a run (to the tests whose name contains it), so it works across
//! several test binaries at once. A suite that reads snapshots also gets the test `<tree>/snapshots`: it
//! fails on a pending `.snap.new` and on a snapshot no case reads (a case folder that was renamed or
//! removed, a stem no test writes, a versioned file for a version that is not in the matrix or that
//! repeats the base snapshot), so stale snapshots fail CI without `cargo insta`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use libtest_mimic::{Arguments, Failed, Trial};

use crate::snapshot::{read_contents, snapshot_file, MAJORS};

/// The workspace's `fixtures/` folder.
pub fn fixtures_root() -> PathBuf {
    workspace_root().join("fixtures")
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One fixture case: its folder and its name (the folder's path under the tree, `/`-separated).
#[derive(Clone, Debug)]
pub struct Case {
    pub name: String,
    pub dir: PathBuf,
}

/// The case folders `depth` levels under `root` (1: `root/<case>`, 2: `root/<group>/<case>`) for which
/// `is_case` holds, sorted by name.
pub fn find_cases(root: &Path, depth: usize, is_case: &dyn Fn(&Path) -> bool) -> Vec<Case> {
    let mut out = Vec::new();
    walk(root, root, depth, is_case, &mut out);
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn walk(
    root: &Path,
    dir: &Path,
    depth: usize,
    is_case: &dyn Fn(&Path) -> bool,
    out: &mut Vec<Case>,
) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if depth > 1 {
            walk(root, &path, depth - 1, is_case, out);
        } else if is_case(&path) {
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push(Case { name, dir: path });
        }
    }
}

/// The snapshots one tree's cases write: which stems, read per server version or not.
struct SnapshotSet {
    tree: String,
    root: PathBuf,
    stems: Vec<&'static str>,
    versioned: bool,
    cases: Vec<PathBuf>,
}

/// The tests of one harness: fixture cases and plain tests.
#[derive(Default)]
pub struct Suite {
    trials: Vec<Trial>,
    snapshots: Vec<SnapshotSet>,
}

/// What a fixture case runs: `Err` (or a panic) fails it.
pub type CaseResult = Result<(), String>;

impl Suite {
    pub fn new() -> Suite {
        Suite::default()
    }

    /// A plain test (a panic fails it), named `name`.
    pub fn test(&mut self, name: &str, f: fn()) -> &mut Suite {
        self.trials.push(Trial::test(name, move || {
            f();
            Ok(())
        }));
        self
    }

    /// One test per case of `tree` (a folder `depth` levels under `root`, for which `is_case` holds); fails
    /// the suite when fewer than `min` cases are found (a moved fixture folder must not pass by running
    /// nothing). `snapshots`: the stems of the snapshots its cases write (checked by `<tree>/snapshots`),
    /// `versioned` when they differ by server version.
    #[allow(clippy::too_many_arguments)]
    pub fn cases<F>(
        &mut self,
        tree: &str,
        root: &Path,
        depth: usize,
        is_case: &dyn Fn(&Path) -> bool,
        min: usize,
        snapshots: Snapshots,
        run: F,
    ) -> &mut Suite
    where
        F: Fn(&Case) -> CaseResult + Send + Sync + 'static,
    {
        let cases = find_cases(root, depth, is_case);
        let found = cases.len();
        let shown = root.display().to_string();
        self.trials
            .push(Trial::test(format!("{tree}/(cases found)"), move || {
                if found >= min {
                    Ok(())
                } else {
                    Err(format!("{shown}: expected at least {min} cases, found {found}").into())
                }
            }));
        if !snapshots.stems.is_empty() {
            self.snapshots.push(SnapshotSet {
                tree: tree.to_string(),
                root: root.to_path_buf(),
                stems: snapshots.stems.to_vec(),
                versioned: snapshots.versioned,
                cases: cases.iter().map(|c| c.dir.clone()).collect(),
            });
        }
        let run = Arc::new(run);
        for case in cases {
            let run = Arc::clone(&run);
            let name = format!("{tree}/{}", case.name);
            self.trials.push(Trial::test(name, move || {
                run(&case).map_err(|e| Failed::from(format!("{}: {e}", case.dir.display())))
            }));
        }
        self
    }

    /// Run the tests the command line (and `PLUMB_CASE`) selects; the exit code of the test binary.
    pub fn run(mut self) -> ExitCode {
        if std::env::var("PLUMB_BLESS").is_ok_and(|v| !v.is_empty() && v != "0")
            && std::env::var_os("INSTA_UPDATE").is_none()
        {
            std::env::set_var("INSTA_UPDATE", "always");
        }
        if std::env::var_os("INSTA_WORKSPACE_ROOT").is_none() {
            std::env::set_var("INSTA_WORKSPACE_ROOT", workspace_root());
        }
        // One check over every tree of the suite: trees may nest (`parse` holds `parse/errors`).
        let sets = std::mem::take(&mut self.snapshots);
        if let Some(first) = sets.first() {
            let name = format!("{}/(snapshots)", first.tree);
            self.trials.push(Trial::test(name, move || {
                let problems = snapshot_problems(&sets);
                if problems.is_empty() {
                    Ok(())
                } else {
                    Err(problems.join("\n").into())
                }
            }));
        }
        let mut trials = self.trials;
        if let Ok(only) = std::env::var("PLUMB_CASE") {
            if !only.is_empty() {
                trials.retain(|t| t.name().contains(&only));
            }
        }
        libtest_mimic::run(&Arguments::from_args(), trials).exit_code()
    }
}

/// The snapshots a tree's cases write.
#[derive(Clone, Copy)]
pub struct Snapshots {
    stems: &'static [&'static str],
    versioned: bool,
}

impl Snapshots {
    /// No snapshots (the case checks a property).
    pub const NONE: Snapshots = Snapshots {
        stems: &[],
        versioned: false,
    };

    /// `<stem>.snap` per case, the same on every server ([`crate::snapshot::check`]).
    pub const fn plain(stems: &'static [&'static str]) -> Snapshots {
        Snapshots {
            stems,
            versioned: false,
        }
    }

    /// `<stem>.snap` and `<stem>@pgNN.snap` per case ([`crate::snapshot::check_versioned`]).
    pub const fn versioned(stems: &'static [&'static str]) -> Snapshots {
        Snapshots {
            stems,
            versioned: true,
        }
    }
}

/// Snapshot files under the trees of `sets` that no case reads, and pending ones.
fn snapshot_problems(sets: &[SnapshotSet]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for set in sets {
        collect_files(&set.root, &mut files);
    }
    files.sort();
    files.dedup();
    for file in files {
        let Some(name) = file.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        if name.ends_with(".snap.new") || name.ends_with(".pending-snap") {
            problems.push(format!(
                "{}: a pending snapshot (review it with `cargo insta review`, or delete it)",
                file.display()
            ));
            continue;
        }
        let Some(base) = name.strip_suffix(".snap") else {
            continue;
        };
        let (stem, version) = match base.split_once('@') {
            Some((s, v)) => (s, Some(v)),
            None => (base, None),
        };
        // Only the stems of these sets are theirs to judge (another harness may share the tree).
        let owners: Vec<&SnapshotSet> = sets.iter().filter(|s| s.stems.contains(&stem)).collect();
        if owners.is_empty() {
            continue;
        }
        let dir = file.parent().unwrap_or(Path::new(""));
        let Some(set) = owners.iter().find(|s| s.cases.iter().any(|c| c == dir)) else {
            problems.push(format!(
                "{}: no case reads it (its folder is not a case of {})",
                file.display(),
                owners[0].root.display()
            ));
            continue;
        };
        if let Some(v) = version {
            let major = v.strip_prefix("pg").and_then(|n| n.parse::<u32>().ok());
            match major {
                Some(m) if set.versioned && MAJORS.contains(&m) => {
                    if read_contents(&file) == read_contents(&snapshot_file(dir, stem, None)) {
                        problems.push(format!(
                            "{}: the same as {stem}.snap (remove it)",
                            file.display()
                        ));
                    }
                }
                _ => problems.push(format!(
                    "{}: no case reads it (not a versioned snapshot of PostgreSQL {MAJORS:?})",
                    file.display()
                )),
            }
        }
    }
    problems
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch fixture tree: `files` (path, content) under a fresh folder.
    fn tree(tag: &str, files: &[(&str, &str)]) -> PathBuf {
        let root =
            std::env::temp_dir().join(format!("plumb-testdb-fixture-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (path, text) in files {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        root
    }

    fn snap(text: &str) -> String {
        format!("---\nsource: x.rs\n---\n{text}\n")
    }

    #[test]
    fn cases_are_found_at_their_depth_and_named_by_their_path() {
        let root = tree(
            "find",
            &[
                ("a/one/to.sql", ""),
                ("a/two/to.sql", ""),
                ("a/two/deeper/to.sql", ""),
                ("b/three/from.sql", ""),
                ("top/to.sql", ""),
            ],
        );
        let cases = find_cases(&root, 2, &|d| d.join("to.sql").exists());
        let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["a/one", "a/two"]);
        assert_eq!(cases[0].dir, root.join("a/one"));
        let top = find_cases(&root, 1, &|d| d.join("to.sql").exists());
        assert_eq!(
            top.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["top"]
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn unreferenced_pending_and_repeated_snapshots_are_problems() {
        let root = tree(
            "problems",
            &[
                ("case/input.sql", ""),
                ("case/expected.snap", &snap("A")),
                ("case/expected@pg17.snap", &snap("B")),
                ("case/expected@pg16.snap", &snap("A")),
                ("case/expected@pg11.snap", &snap("C")),
                ("case/expected.snap.new", &snap("D")),
                ("case/other.snap", &snap("E")),
                ("gone/expected.snap", &snap("F")),
            ],
        );
        let sets = [SnapshotSet {
            tree: "t".into(),
            root: root.clone(),
            stems: vec!["expected"],
            versioned: true,
            cases: vec![root.join("case")],
        }];
        let problems = snapshot_problems(&sets);
        let shown = problems.join("\n").replace(&root.display().to_string(), "");
        assert_eq!(problems.len(), 4, "{shown}");
        for (file, why) in [
            ("/case/expected@pg16.snap", "the same as expected.snap"),
            ("/case/expected@pg11.snap", "not a versioned snapshot"),
            ("/case/expected.snap.new", "a pending snapshot"),
            ("/gone/expected.snap", "its folder is not a case"),
        ] {
            assert!(
                problems
                    .iter()
                    .any(|p| p.contains(&format!("{}{file}:", root.display())) && p.contains(why)),
                "{file}: {shown}"
            );
        }
        // Not versioned: any `@` file is unreferenced; another stem is another harness's.
        let plain = [SnapshotSet {
            versioned: false,
            ..sets.into_iter().next().unwrap()
        }];
        let problems = snapshot_problems(&plain);
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert!(!problems.iter().any(|p| p.contains("other.snap")));
        let _ = std::fs::remove_dir_all(&root);
    }
}
