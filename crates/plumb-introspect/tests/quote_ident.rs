//! One identifier quoter: `plumb_model::quote_ident` (keywords of every supported version, used for SQL plumb
//! writes) and the introspector's (the connected server's keywords, used for texts that must match the
//! server's own) agree with the server's `quote_ident` on every keyword, on `$`, digits, upper case, quotes,
//! blanks and non-ASCII letters. Run on every version of the matrix.

use plumb_introspect::{introspect_target_with, Connections, Options};
use plumb_model::{quote_ident, quote_ident_with};
use plumb_testdb::admin_client;

const TRICKY: &[&str] = &[
    "plain",
    "_under",
    "a$b",
    "$a",
    "a1",
    "1a",
    "Upper",
    "mIxed",
    "with space",
    "quote\"d",
    "semi;colon",
    "café",
    "日本",
    "ß",
    "a-b",
    "",
    "x\"; DROP TABLE t; --",
    "user",
    "select",
    "name",
    "offset",
    "year",
];

#[test]
fn quoting_matches_the_server_on_keywords_and_odd_names() {
    let mut client = admin_client();
    let keywords: Vec<(String, String)> = client
        .query("SELECT word, catcode::text FROM pg_get_keywords()", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert!(
        keywords.len() > 400,
        "pg_get_keywords() gave {}",
        keywords.len()
    );
    let server_keywords: std::collections::BTreeSet<&str> = keywords
        .iter()
        .filter(|(_, cat)| cat != "U")
        .map(|(w, _)| w.as_str())
        .collect();
    let mut names: Vec<String> = TRICKY.iter().map(|s| s.to_string()).collect();
    names.extend(keywords.iter().map(|(w, _)| w.clone()));
    let mut wrong = Vec::new();
    for name in &names {
        let server: String = client
            .query_one("SELECT quote_ident($1)", &[name])
            .unwrap()
            .get(0);
        // The introspector's quoter, with this server's keywords: exactly the server's text.
        let with_server = quote_ident_with(name, |w| server_keywords.contains(w));
        if with_server != server {
            wrong.push(format!(
                "{name:?}: server {server}, with its keywords {with_server}"
            ));
        }
        // The writer's quoter knows the keywords of every supported version: it may quote a word this server
        // does not reserve (harmless), never leave bare one it does.
        let ours = quote_ident(name);
        if ours != server && !(server == *name && ours == format!("\"{name}\"")) {
            wrong.push(format!("{name:?}: server {server}, plumb {ours}"));
        }
    }
    assert!(wrong.is_empty(), "quoting differs:\n{}", wrong.join("\n"));
}

/// The introspector quotes with the server's keywords: a column named by a keyword that the server reserves
/// comes back quoted in an index definition plumb writes client-side, a `$` name too.
#[test]
fn introspected_texts_quote_as_the_server_does() {
    let db = plumb_testdb::TestDb::with_sql(
        "quote_ident",
        "CREATE TABLE t (\"user\" int, \"a$b\" int, plain int);
         CREATE INDEX t_idx ON t (\"user\", \"a$b\", plain);",
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let target = plumb_pg::Target::parse(db.url()).unwrap();
    let plan = Connections {
        max: 1,
        relations_each: 1,
    };
    let (model, _) = rt
        .block_on(introspect_target_with(&target, &Options::default(), plan))
        .unwrap();
    let t = model
        .tables
        .values()
        .find(|t| t.name.name == "t")
        .expect("table t");
    let idx = t.indexes.get("t_idx").expect("index t_idx");
    let server: String = db
        .client()
        .query_one("SELECT pg_get_indexdef('t_idx'::regclass)", &[])
        .unwrap()
        .get(0);
    assert_eq!(idx.definition, server);
    assert!(server.contains("(\"user\", \"a$b\", plain)"), "{server}");
}
