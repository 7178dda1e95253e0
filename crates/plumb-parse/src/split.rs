//! Splitting a script into its top-level statements, for running them one at a time (as psql and migration
//! tools do) and for pointing at the statement the server rejected.

/// One top-level statement of a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement<'a> {
    /// Byte offset of `text` in the script.
    pub offset: usize,
    /// The statement without its terminating semicolon. It may begin with the blank space and comments that
    /// follow the previous statement, and end with comments before the semicolon.
    pub text: &'a str,
    /// True when the script could not be split and `text` is all of it.
    unsplit: bool,
}

impl Statement<'_> {
    /// Byte offset, in the script, of the statement's first character that is neither blank space nor part of
    /// a comment (the end of `text` if there is none).
    pub fn start(&self) -> usize {
        self.offset + skip_blank_and_comments(self.text)
    }

    /// Whether running this text may begin, end or commit a transaction: the statement is transaction
    /// control (`BEGIN`, `START TRANSACTION`, `COMMIT`, `END`, `ROLLBACK`, `ABORT`, `SAVEPOINT`, `RELEASE`,
    /// `PREPARE TRANSACTION`, `COMMIT PREPARED`; judged by its first word, so `PREPARE name AS ...` counts
    /// too), or the text is a whole script that could not be split, which may hold any statement.
    pub fn may_control_transactions(&self) -> bool {
        if self.unsplit {
            return true;
        }
        let rest = &self.text[self.start() - self.offset..];
        let word_end = rest
            .find(|c: char| !(c.is_ascii_alphabetic() || c == '_'))
            .unwrap_or(rest.len());
        let word = rest[..word_end].to_ascii_uppercase();
        matches!(
            word.as_str(),
            "BEGIN"
                | "START"
                | "COMMIT"
                | "END"
                | "ROLLBACK"
                | "ABORT"
                | "SAVEPOINT"
                | "RELEASE"
                | "PREPARE"
        )
    }
}

/// The top-level statements of `sql`, in order, each with its byte offset in `sql`.
///
/// Statements are split by PostgreSQL's grammar (through `pg_query`), so semicolons inside string literals,
/// quoted identifiers, comments, dollar-quoted bodies and `BEGIN ATOMIC ... END` bodies do not end a
/// statement; empty statements (`;;`) and text holding only comments give none. When the text does not parse
/// (a syntax error), the whole of it is returned as one statement, so that running it reports the error as the
/// server sees it.
pub fn split_statements(sql: &str) -> Vec<Statement<'_>> {
    let whole = || {
        if sql.trim().is_empty() {
            Vec::new()
        } else {
            vec![Statement {
                offset: 0,
                text: sql,
                unsplit: true,
            }]
        }
    };
    let Ok(pieces) = pg_query::split_with_parser(sql) else {
        return whole();
    };
    let base = sql.as_ptr() as usize;
    let mut out = Vec::with_capacity(pieces.len());
    for piece in pieces {
        // Every piece is a slice of `sql`; its offset is its distance from the start of `sql`.
        let offset = (piece.as_ptr() as usize).wrapping_sub(base);
        if sql.get(offset..offset + piece.len()) != Some(piece) {
            return whole();
        }
        let statement = Statement {
            offset,
            text: piece,
            unsplit: false,
        };
        if statement.start() < offset + piece.len() {
            out.push(statement);
        }
    }
    out
}

/// Length of the blank space and comments (`-- ...` to the end of the line, `/* ... */`, nested as PostgreSQL
/// nests them) at the start of `text`.
pub(crate) fn skip_blank_and_comments(text: &str) -> usize {
    let b = text.as_bytes();
    let mut at = 0;
    loop {
        while at < b.len() && b[at].is_ascii_whitespace() {
            at += 1;
        }
        if b[at..].starts_with(b"--") {
            match text[at..].find('\n') {
                Some(n) => at += n + 1,
                None => return text.len(),
            }
        } else if b[at..].starts_with(b"/*") {
            match block_comment_end(b, at) {
                Some(end) => at = end,
                // An unterminated comment: the server will say so, pointing here.
                None => return at,
            }
        } else {
            return at;
        }
    }
}

/// The offset just after the `/* ... */` comment that starts at `at`, nested comments included; `None` when it
/// is not terminated.
pub(crate) fn block_comment_end(b: &[u8], at: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = at;
    loop {
        if i + 1 >= b.len() {
            return None;
        }
        if b[i] == b'/' && b[i + 1] == b'*' {
            depth += 1;
            i += 2;
        } else if b[i] == b'*' && b[i + 1] == b'/' {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return Some(i);
            }
        } else {
            i += 1;
        }
    }
}

/// Byte ranges of chunks of about 64 KiB, each made of whole statements: a chunk ends just after a
/// semicolon that is outside any string, quoted identifier, dollar-quoted body or comment, found by
/// [`statement_ends`]. Empty when the script cannot be split safely: then it is parsed whole. There is no
/// split inside a `BEGIN ATOMIC` body, whose inner semicolons are not statement ends. Each chunk is parsed
/// on its own, and if any does not parse, the script is parsed whole: a split at a wrong place (inside a
/// literal the lexer misread) leaves an unterminated literal behind and does not go unnoticed.
pub(crate) fn chunk_bounds(sql: &str) -> Vec<(usize, usize)> {
    const TARGET: usize = 64 * 1024;
    if sql.contains("ATOMIC") || sql.contains("atomic") {
        return Vec::new();
    }
    let Some(ends) = statement_ends(sql) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut start = 0usize;
    for stop in ends {
        if stop - start >= TARGET {
            out.push((start, stop));
            start = stop;
        }
    }
    if start < sql.len() {
        out.push((start, sql.len()));
    }
    out
}

/// The byte offsets just after each top-level semicolon, lexing as PostgreSQL's scanner does with
/// `standard_conforming_strings` on (as pg_query parses): `'...'` with doubled quotes, `E'...'` with
/// backslash escapes, `"..."`, `$tag$...$tag$`, `--` and nested `/* */` comments. `None` when a literal or
/// comment is not terminated.
pub(crate) fn statement_ends(sql: &str) -> Option<Vec<usize>> {
    let b = sql.as_bytes();
    let ident = |c: u8| IDENT[c as usize];
    let mut ends = Vec::new();
    let mut i = 0usize;
    while i < b.len() {
        let c = b[i];
        match c {
            b';' => {
                ends.push(i + 1);
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => match sql[i..].find('\n') {
                Some(n) => i += n + 1,
                None => i = b.len(),
            },
            b'/' if b.get(i + 1) == Some(&b'*') => i = block_comment_end(b, i)?,
            b'\'' => {
                // An E'...' string takes backslash escapes; the E must start a token.
                let escapes =
                    i >= 1 && (b[i - 1] == b'E' || b[i - 1] == b'e') && (i < 2 || !ident(b[i - 2]));
                i += 1;
                loop {
                    if !escapes {
                        // to the next quote at once (a doubled quote is two of them)
                        i += sql[i..].find('\'')?;
                    }
                    match b.get(i) {
                        None => return None,
                        Some(b'\\') if escapes => i += 2,
                        Some(b'\'') if b.get(i + 1) == Some(&b'\'') => i += 2,
                        Some(b'\'') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
            }
            b'"' => {
                i += 1;
                loop {
                    i += sql[i..].find('"')?;
                    match b.get(i) {
                        None => return None,
                        Some(b'"') if b.get(i + 1) == Some(&b'"') => i += 2,
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
            }
            b'$' if i == 0 || !ident(b[i - 1]) => {
                // `$tag$` or `$$` opens a dollar-quoted string; `$1` is a parameter.
                let mut j = i + 1;
                while j < b.len() && b[j] != b'$' && ident(b[j]) {
                    j += 1;
                }
                let tag_ok =
                    b.get(j) == Some(&b'$') && !b.get(i + 1).is_some_and(u8::is_ascii_digit);
                if tag_ok {
                    let tag = &sql[i..=j];
                    match sql[j + 1..].find(tag) {
                        Some(n) => i = j + 1 + n + tag.len(),
                        None => return None,
                    }
                } else {
                    i += 1;
                }
            }
            _ if ident(c) => {
                // Skip the rest of a word so that a `$` inside it is not taken for a dollar quote.
                i += 1;
                while i < b.len() && ident(b[i]) {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    Some(ends)
}

/// Bytes that continue an identifier (and a word the statement scanner skips whole): letters, digits, `_`,
/// `$`, and every byte of a multi-byte character.
static IDENT: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
        c += 1;
    }
    t
};

/// The offset of the first character at or after `at` that is neither blank space nor part of a comment.
pub(crate) fn skip_space_and_comments(sql: &str, at: usize) -> usize {
    sql.get(at..)
        .map_or(at, |rest| at + skip_blank_and_comments(rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (offset of the first real character, text from there, trimmed).
    fn starts(sql: &str) -> Vec<(usize, &str)> {
        split_statements(sql)
            .into_iter()
            .map(|s| {
                assert_eq!(&sql[s.offset..s.offset + s.text.len()], s.text);
                (s.start(), s.text[s.start() - s.offset..].trim_end())
            })
            .collect()
    }

    #[test]
    fn empty_and_blank_input_have_no_statements() {
        assert!(split_statements("").is_empty());
        assert!(split_statements("  \n\t\n").is_empty());
        assert!(split_statements("-- only a comment\n/* and another */\n").is_empty());
        assert!(split_statements(";;\n;").is_empty());
    }

    #[test]
    fn offsets_point_into_the_script() {
        let sql = "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n";
        assert_eq!(
            starts(sql),
            vec![
                (0, "CREATE TABLE a (id int)"),
                (25, "CREATE TABLE b (id int)")
            ]
        );
    }

    #[test]
    fn comments_before_a_statement_are_skipped_by_start() {
        let sql =
            "-- header\n/* block /* nested */ still */\nCREATE TABLE a (id int); -- trailing\n\n\
                   -- about b\nCREATE TABLE b (id int);\n-- the end\n";
        let got = starts(sql);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].1, "CREATE TABLE a (id int)");
        assert_eq!(&sql[got[0].0..got[0].0 + 6], "CREATE");
        assert_eq!(sql[..got[0].0].matches('\n').count(), 2);
        assert_eq!(got[1].1, "CREATE TABLE b (id int)");
        assert_eq!(sql[..got[1].0].matches('\n').count(), 5);
    }

    #[test]
    fn semicolons_inside_bodies_literals_and_identifiers_do_not_split() {
        let sql = "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$\nBEGIN\n  PERFORM 1;\n  \
                   RETURN 2;\nEND\n$body$;\n\
                   COMMENT ON TABLE t IS 'a; b';\n\
                   CREATE TABLE \"x;y\" (id int);\n\
                   CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\n";
        let got = starts(sql);
        assert_eq!(got.len(), 4, "{got:?}");
        assert!(got[0].1.starts_with("CREATE FUNCTION f()"), "{got:?}");
        assert!(got[0].1.ends_with("$body$"), "{got:?}");
        assert_eq!(got[1].1, "COMMENT ON TABLE t IS 'a; b'");
        assert_eq!(got[2].1, "CREATE TABLE \"x;y\" (id int)");
        assert!(got[3].1.ends_with("SELECT 2; END"), "{got:?}");
    }

    #[test]
    fn a_last_statement_without_semicolon_is_kept() {
        let sql = "CREATE TABLE a (id int);\nCREATE INDEX CONCURRENTLY a_id ON a (id)\n";
        let got = starts(sql);
        assert_eq!(
            got,
            vec![
                (0, "CREATE TABLE a (id int)"),
                (25, "CREATE INDEX CONCURRENTLY a_id ON a (id)")
            ]
        );
    }

    #[test]
    fn multibyte_text_keeps_byte_offsets() {
        let sql = "COMMENT ON TABLE t IS 'été; ünï';\nCREATE TABLE \"ça\" (id int);";
        let got = starts(sql);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(
            got[1],
            (sql.find("CREATE").unwrap(), "CREATE TABLE \"ça\" (id int)")
        );
    }

    #[test]
    fn a_syntax_error_gives_the_whole_script() {
        let sql = "CREATE TABLE a (id int);\nCREATE TABLE b (id int,);\n";
        assert_eq!(
            split_statements(sql),
            vec![Statement {
                offset: 0,
                text: sql,
                unsplit: true,
            }]
        );
        assert!(split_statements(sql)[0].may_control_transactions());
    }

    #[test]
    fn transaction_control_is_recognised_by_its_first_word() {
        let sql = "begin;\nCREATE TABLE a (id int);\n-- done\nCommit;\nSTART TRANSACTION; END; ROLLBACK; \
                   abort; SAVEPOINT s; RELEASE s; PREPARE TRANSACTION 'x';\n\
                   CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\n\
                   DO $$ BEGIN COMMIT; END $$;\nSELECT 1 AS begin_;\nCREATE INDEX CONCURRENTLY i ON a (id)";
        let got: Vec<bool> = split_statements(sql)
            .iter()
            .map(Statement::may_control_transactions)
            .collect();
        assert_eq!(
            got,
            vec![
                true, false, true, true, true, true, true, true, true, true, false, false, false,
                false
            ]
        );
    }

    #[test]
    fn start_skips_blank_and_comments_only() {
        assert_eq!(skip_blank_and_comments("  -- x\n  SELECT"), 9);
        assert_eq!(skip_blank_and_comments("/* a /* b */ c */SELECT"), 17);
        assert_eq!(skip_blank_and_comments("/* open"), 0);
        assert_eq!(skip_blank_and_comments("-- to the end"), 13);
        assert_eq!(skip_blank_and_comments(""), 0);
        assert_eq!(skip_blank_and_comments("SELECT 1 -- c"), 0);
    }
}

#[cfg(test)]
mod has_statement_tests {
    use crate::has_statement;

    #[test]
    fn comments_whitespace_and_semicolons_are_no_statement() {
        assert!(!has_statement(""));
        assert!(!has_statement(
            "  -- only a comment\n;;\n/* a /* nested */ block */\n"
        ));
        assert!(has_statement("-- comment\nSELECT 1"));
        assert!(has_statement("/* c */ CREATE TABLE t ()"));
        assert!(has_statement("not sql at all"));
        // agrees with the parser's split on these
        for sql in ["", "-- x\n", "select 1;", "/* */;"] {
            assert_eq!(
                has_statement(sql),
                !crate::split_statements(sql).is_empty(),
                "{sql:?}"
            );
        }
    }
}

#[cfg(test)]
mod statement_end_tests {
    use super::statement_ends;

    /// Where PostgreSQL's scanner (through pg_query) ends statements: after each piece that a `;` follows.
    fn scanner_ends(sql: &str) -> Vec<usize> {
        let pieces = pg_query::split_with_scanner(sql).unwrap_or_default();
        let mut out = Vec::new();
        for p in pieces {
            let end = p.as_ptr() as usize - sql.as_ptr() as usize + p.len();
            if let Some(i) = sql[end..].find(';') {
                if sql[end..end + i].trim().is_empty() {
                    out.push(end + i + 1);
                }
            }
        }
        out
    }

    fn sql_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                sql_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "sql") {
                out.push(p);
            }
        }
    }

    #[test]
    fn statement_ends_agree_with_the_scanner() {
        let tricky = [
            "select 'a;b'; select 1;",
            "select E'it\\'s;'; select 2;",
            "select e'\\\\'; select 3;",
            "select 'x'';'; select \"a;\"\"b\" from t;",
            "create function f() returns int as $$ select 1; $$ language sql; select 4;",
            "create function g() returns int as $body$ select '$$;'; $body$ language sql;",
            "select $1; select a$b$c from t; select 5;",
            "/* a; /* nested; */ still; */ select 6; -- x;\nselect 7;",
            "select 1 --; trailing\n; select U&'d\\0061t;a';",
            "select b'101', x'ff;'; select n'x;y';",
        ];
        for sql in tricky {
            assert_eq!(statement_ends(sql), Some(scanner_ends(sql)), "{sql}");
        }
        assert_eq!(statement_ends("select 'open;"), None);
        assert_eq!(statement_ends("select $$ open;"), None);
        assert_eq!(statement_ends("/* open; "), None);

        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        sql_files(&root.join("fixtures"), &mut files);
        if let Some(corpus) = plumb_testdb::external_corpus("statement_ends (external corpus part)")
        {
            sql_files(&corpus, &mut files);
        }
        assert!(files.len() > 100, "fixtures not found: {}", files.len());
        for f in files {
            let sql = std::fs::read_to_string(&f).unwrap();
            if pg_query::split_with_scanner(&sql).is_err() || sql.contains("ATOMIC") {
                continue;
            }
            if let Some(ends) = statement_ends(&sql) {
                // The scanner has no piece for an empty statement (`;;`).
                let mut prev = 0;
                let ends: Vec<usize> = ends
                    .into_iter()
                    .filter(|&e| {
                        let empty = sql[prev..e - 1].trim().is_empty();
                        prev = e;
                        !empty
                    })
                    .collect();
                assert_eq!(ends, scanner_ends(&sql), "{}", f.display());
            }
        }
    }
}
