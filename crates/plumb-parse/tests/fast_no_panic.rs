//! Property test: any input (corpus files truncated, with lines spliced in from other files, with bytes
//! inserted) gives a model or an error, never a panic.

mod common;

use std::path::{Path, PathBuf};

use proptest::prelude::*;

/// The inputs, read once.
fn corpus() -> &'static [String] {
    static CORPUS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    CORPUS.get_or_init(read_corpus)
}

fn read_corpus() -> Vec<String> {
    let mut files: Vec<PathBuf> = Vec::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/parse");
    for dir in [
        fixtures.clone(),
        fixtures.join("errors"),
        fixtures.join("realistic"),
    ] {
        if let Ok(rd) = std::fs::read_dir(&dir) {
            files.extend(
                rd.filter_map(|e| e.ok())
                    .map(|e| e.path().join("input.sql"))
                    .filter(|p| p.is_file()),
            );
        }
    }
    // The external corpus too, when there is one (PLUMB_CORPUS or ../shared/corpus).
    let corpus = plumb_testdb::external_corpus("no_panic (external corpus part)");
    if let Some(Ok(rd)) = corpus.map(|c| std::fs::read_dir(c.join("migra"))) {
        for e in rd.filter_map(|e| e.ok()) {
            files.extend(
                ["a.sql", "b.sql"]
                    .iter()
                    .map(|f| e.path().join(f))
                    .filter(|p| p.is_file()),
            );
        }
    }
    files.sort();
    files.iter().map(|f| common::read(f)).collect()
}

fn cut(s: &str, at: usize) -> &str {
    let mut at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    &s[..at]
}

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Splice { from: usize, line: usize, at: usize },
    Insert { at: usize, text: String },
    DropLine(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<usize>(), any::<usize>())
            .prop_map(|(from, line, at)| Mutation::Splice { from, line, at }),
        (
            any::<usize>(),
            prop::sample::select(vec![
                "(",
                ")",
                ";",
                "'",
                "\"",
                "$$",
                "--",
                "/*",
                ",",
                "CREATE ",
                "ALTER TABLE t ",
                "DROP ",
                "\\",
                "\u{e9}",
                "NULL",
                "::",
                " int",
                "CHECK ("
            ])
        )
            .prop_map(|(at, t)| Mutation::Insert {
                at,
                text: t.to_string()
            }),
        any::<usize>().prop_map(Mutation::DropLine),
    ]
}

fn apply(base: &str, m: &Mutation, corpus: &[String]) -> String {
    let lines: Vec<&str> = base.lines().collect();
    match m {
        Mutation::Truncate(at) => cut(base, at % (base.len() + 1)).to_string(),
        Mutation::Splice { from, line, at } => {
            let other: Vec<&str> = corpus[from % corpus.len()].lines().collect();
            let mut out = lines.clone();
            if !other.is_empty() {
                out.insert(at % (out.len() + 1), other[line % other.len()]);
            }
            out.join("\n")
        }
        Mutation::Insert { at, text } => {
            let head = cut(base, at % (base.len() + 1));
            format!("{head}{text}{}", &base[head.len()..])
        }
        Mutation::DropLine(i) => {
            let mut out = lines.clone();
            if !out.is_empty() {
                out.remove(i % out.len());
            }
            out.join("\n")
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn mutated_inputs_never_panic(file in any::<usize>(), muts in prop::collection::vec(mutation(), 1..4)) {
        let corpus = corpus();
        prop_assert!(!corpus.is_empty());
        let mut sql = corpus[file % corpus.len()].clone();
        for m in &muts {
            sql = apply(&sql, m, corpus);
        }
        // Ok or Err are both fine; a panic fails the test.
        let result = plumb_parse::parse_str(&sql, Path::new("mutated.sql"));
        if let Err(e) = &result {
            prop_assert!(!e.to_string().is_empty());
        }
    }
}
