//! `diff --using [schema.]table.column=EXPR`: the user's conversion of a column whose type changes, written
//! into the plan (quoted target, the hazard says where it came from), checked before anything is read.

mod common;

use common::*;

const FROM: &str = r#"
CREATE SCHEMA "Ev";
CREATE TABLE "Ev"."T-1" (id int, "At" bigint, note text);
INSERT INTO "Ev"."T-1" VALUES (1, 1700000000000, 'x');
"#;
const TO: &str = r#"
CREATE SCHEMA "Ev";
CREATE TABLE "Ev"."T-1" (id int, "At" timestamp with time zone, note text);
"#;

fn psql(url: &str, sql: &str) -> String {
    let out = std::process::Command::new("psql")
        .args([
            "-X",
            "-q",
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-c",
            sql,
        ])
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn the_users_conversion_replaces_plumbs_and_applies() {
    let a = TestDb::with_sql("using_from", FROM);
    let b = TestDb::with_sql("using_to", TO);
    // milliseconds, where plumb's own conversion takes seconds: the user knows what the numbers mean
    let using = r#""Ev"."T-1"."At"=to_timestamp("At" / 1000.0)"#;
    let run = plumb(&["diff", "--from", a.url(), "--to", b.url(), "--using", using]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains(
            r#"ALTER TABLE "Ev"."T-1" ALTER COLUMN "At" TYPE timestamp with time zone USING to_timestamp("At" / 1000.0);"#
        ),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("with the expression given by --using"),
        "{run:?}"
    );
    assert!(
        !run.stdout.contains("epoch"),
        "plumb's own conversion is gone: {run:?}"
    );
    psql(a.url(), &run.stdout);
    assert_eq!(
        psql(
            a.url(),
            r#"SELECT extract(epoch FROM "At")::bigint FROM "Ev"."T-1""#
        ),
        "1700000000"
    );
    let again = plumb(&["diff", "--from", a.url(), "--to", b.url()]);
    assert_eq!(again.code, 0, "{again:?}");
}

#[test]
fn bad_using_entries_are_errors() {
    let a = TestDb::with_sql("using_bad_from", FROM);
    let b = TestDb::with_sql("using_bad_to", TO);
    for (using, says) in [
        (r#""Ev"."T-1"."At"=1; DROP TABLE x"#, "not an expression"),
        (r#""Ev"."T-1"."At"=at -- rest"#, "not one expression"),
        ("Ev.T-1.At=1", "unexpected"),
        ("nocolumn=1", "table.column or schema.table.column"),
    ] {
        let run = plumb(&["diff", "--from", a.url(), "--to", b.url(), "--using", using]);
        assert_eq!(run.code, 2, "{using}: {run:?}");
        assert!(run.stderr.contains(says), "{using}: {run:?}");
        assert!(run.stdout.is_empty(), "{using}: {run:?}");
    }
    // a column whose type does not change
    let run = plumb(&[
        "diff",
        "--from",
        a.url(),
        "--to",
        b.url(),
        "--using",
        r#""Ev"."T-1".note=upper(note)"#,
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains(r#""Ev"."T-1".note"#) && run.stderr.contains("does not change"),
        "{run:?}"
    );
}
