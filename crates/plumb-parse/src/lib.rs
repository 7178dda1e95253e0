//! Turns declared PostgreSQL DDL (files, directories, migration histories) into plumb's schema model.
//!
//! # Sources
//!
//! [`parse_path`] accepts:
//! * one `.sql` file (plain DDL, `pg_dump --schema-only` output, a Rails `structure.sql`);
//! * a directory of `.sql` files (a schema split into files): every `*.sql` file below it, recursively,
//!   applied in the order of their paths compared byte by byte (`01_types.sql` before `02_tables.sql`,
//!   `a/z.sql` before `b.sql`);
//! * a migrations directory (Prisma, sqlx, Flyway, golang-migrate, dbmate), detected and read by
//!   `plumb_migrations`, applied in the order its tool applies it (only the "up" part of each migration).
//!
//! psql meta-commands (lines that start with a backslash: `\restrict KEY`, `\unrestrict`, `\connect db`,
//! `\set ...`) are not SQL: they are blanked out, keeping every other line where it was so that locations in
//! messages stay true. A backslash line inside a multi-line string literal would be blanked too.
//!
//! [`split_statements`] splits a script into its top-level statements with their byte offsets, as PostgreSQL's
//! grammar splits them (used by `--dev-url` mode to run a script one statement at a time).
//!
//! # How statements are interpreted
//!
//! Every script is parsed with `pg_query` 18 (PostgreSQL 18's own grammar, which accepts what PostgreSQL 15
//! to 17 accept) and the statements are interpreted in order into a [`plumb_model::Database`] that starts as
//! [`plumb_model::Database::fresh`]: the result is
//! what a new database would hold after running the scripts. Statements with no schema effect (`SET`,
//! `SELECT set_config(...)`, `INSERT`/`UPDATE`/`DELETE`, transaction control, `ANALYZE`) are accepted and
//! ignored; `SET search_path` is honoured. A statement whose effect cannot be known offline (a `DO` block,
//! `SELECT some_function()`, `ALTER DEFAULT PRIVILEGES`, object kinds plumb does not model) is reported as a
//! [`Warning`] with its location. Syntax errors and statements that would fail (ALTER of a missing table, a
//! duplicate object, a column of an undefined user type) are an [`Error`] pointing at the statement.
//!
//! # Canonical text
//!
//! The model holds text as PostgreSQL prints it with an empty `search_path` (every name schema-qualified):
//! `format_type`, `pg_get_expr`, `pg_get_constraintdef`, `pg_get_indexdef`. This crate derives that text
//! offline: type aliases are resolved (`int4` -> `integer`, `varchar(20)` -> `character varying(20)`,
//! `timestamptz` -> `timestamp with time zone`, `serial` -> `integer` plus an owned sequence and a
//! `nextval('public.t_id_seq'::regclass)` default), implicit names are chosen as PostgreSQL chooses them
//! (`ChooseRelationName` / `ChooseConstraintName`, 63-byte truncation, numeric suffixes on collision), and
//! expressions are printed by a small re-implementation of PostgreSQL's `ruleutils.c` with enough type
//! inference for the common cases: constants take the type they are coerced to (`'a'::text`,
//! `(0)::numeric`, `'-1'::integer`), operator and function arguments show implicit casts
//! (`(name)::text = 'x'::text` for a `varchar` column), `IN (...)` becomes `= ANY (ARRAY[...])`,
//! `BETWEEN` becomes two comparisons, every operator expression is parenthesised.
//!
//! `pg_get_viewdef` text is rebuilt for simple view queries (one SELECT over tables and views: columns
//! prefixed by their relation, `*` expanded, `AS` names, PostgreSQL 15's line layout); other queries keep
//! a deparsed text. Dependencies follow what the introspector reads from `pg_depend`: a foreign key depends
//! on the referenced table and its key columns, a view on the columns it reads (and on the table only when
//! it reads no column of it), a column on its user type, collation and the sequence of its default,
//! expressions on the user functions and types they name, a partition or child on its parent, a trigger's
//! table on its function, a function on the user types of its signature.
//!
//! Assumptions, since a file does not say: statements run as the role `postgres` (`SET ROLE` and
//! `SET SESSION AUTHORIZATION` change it), which matters for explicit privileges (an object's ACL lists its
//! owner once a GRANT makes it explicit) and `CURRENT_USER` in policies; the session time zone is UTC
//! (`'2024-01-01'::timestamptz` prints `'2024-01-01 00:00:00+00'`); the server is PostgreSQL 15 or later
//! (the `public` schema owned by `pg_database_owner`).
//!
//! Scripts of 256 KiB or more are parsed in chunks of whole statements on worker threads while the chunks
//! already parsed are interpreted in order; a script the scanner cannot split safely is parsed whole.
//!
//! What cannot be derived offline, and is therefore only approximately right:
//! * view and materialized-view queries with joins, subqueries, CTEs, set operations or window functions:
//!   `pg_get_viewdef` re-prints the analysed query, which is not rebuilt for these (a deparsed text is
//!   stored); output column types of expressions the type inference does not know are left empty;
//! * function definitions: `pg_get_functiondef` text is rebuilt from the statement (header, attributes and
//!   body), which matches for ordinary functions but not for every option combination;
//! * expressions whose types depend on catalog knowledge plumb does not carry: operators and functions
//!   beyond the built-in table in `expr.rs`, overloaded functions from extensions, domains over domains;
//! * owners: a declared schema says nothing about who runs it, so `owner` is set only by an explicit
//!   `OWNER TO` (or `CREATE SCHEMA ... AUTHORIZATION`); `None` means "not stated" and is not compared;
//! * literals that a type's input function rewrites (other than integers, numerics, booleans, dates and
//!   timestamps in ISO form): `'1 day'::interval` stays as written, `'{1,2}'` arrays are not re-spaced;
//! * `ALTER COLUMN ... TYPE` does not re-derive the texts of the CHECK constraints and indexes on the
//!   column (a warning says so); `ALTER DEFAULT PRIVILEGES` is recorded as unsupported, not applied;
//! * objects created by `CREATE EXTENSION` (its functions, types, operators) are not known: a column of a
//!   type that no statement created is accepted once any extension has been created, and qualified with
//!   that extension's schema.

mod expr;
mod interp;
mod locate;
mod names;
mod source;
mod split;
mod types;

use std::fmt;
use std::path::{Path, PathBuf};

pub use locate::{Class, Declarations, Found};
pub use source::{migration_scripts, scripts, Script};
pub use split::{split_statements, Statement};

/// The result of reading a source: the model and what could not be known offline.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub database: plumb_model::Database,
    pub warnings: Vec<Warning>,
}

/// A place in a source file; line and column are 1-based, the column counts characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// A statement whose effect could not be known offline, or that plumb does not model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub location: Location,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: warning: {}", self.location, self.message)
    }
}

/// Why a source could not be read into a model.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A syntax error or a statement that would fail, at a place in a file.
    #[error("{}", render_at(location, message, line_text))]
    At {
        location: Location,
        message: String,
        /// The offending source line, without its line break.
        line_text: String,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: not valid UTF-8", path.display())]
    NotUtf8 { path: PathBuf },
    #[error("{}: no .sql files found", path.display())]
    Empty { path: PathBuf },
    #[error(transparent)]
    Migrations(#[from] plumb_migrations::Error),
}

impl Error {
    /// Where the error is, when it is in a file.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::At { location, .. } => Some(location),
            _ => None,
        }
    }
}

fn render_at(location: &Location, message: &str, line_text: &str) -> String {
    let (shown, pad) = caret_line(line_text, location.column);
    format!("{location}: {message}\n{shown}\n{pad}^")
}

/// The most characters of a line an error shows; a longer line (a minified dump, a 1 MB one-line file) is
/// cut to a window around the column, with `…` where text was left out.
pub const EXCERPT_CHARS: usize = 120;

/// The part of `line` an error shows, and the padding that puts a caret under `column` (counted in
/// characters from 1). Tabs are kept in the padding so that the caret lines up in a terminal.
pub fn caret_line(line: &str, column: usize) -> (String, String) {
    let chars: Vec<char> = line.chars().collect();
    let col = column.saturating_sub(1).min(chars.len());
    let (start, end) = if chars.len() <= EXCERPT_CHARS {
        (0, chars.len())
    } else {
        let start = col
            .saturating_sub(EXCERPT_CHARS / 2)
            .min(chars.len() - EXCERPT_CHARS);
        (start, start + EXCERPT_CHARS)
    };
    let mut shown = String::new();
    let mut pad = String::new();
    if start > 0 {
        shown.push('…');
        pad.push(' ');
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    pad.extend(
        chars[start..col]
            .iter()
            .map(|&c| if c == '\t' { '\t' } else { ' ' }),
    );
    (shown, pad)
}

/// Read a source (a `.sql` file, a directory of `.sql` files, or a migrations directory) into the model.
/// A file (or migration) without a single statement is read, and warned about: it is often a mistake.
pub fn parse_path(path: &Path) -> Result<Parsed, Error> {
    parse_scripts(&scripts(path)?)
}

/// Whether SQL text holds anything but whitespace, comments (`--`, nested `/* */`) and semicolons: a
/// statement, or text that is not SQL (which parsing reports). A scan, where parsing the text again only to
/// know it is empty cost a tenth of the parse of a large schema.
pub fn has_statement(sql: &str) -> bool {
    let b = sql.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b';' => i += 1,
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0usize;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            _ => return true,
        }
    }
    false
}

/// Interpret scripts in order (a part of a source's [`scripts`], e.g. the migrations a database has applied).
pub fn parse_scripts(scripts: &[Script]) -> Result<Parsed, Error> {
    let mut interp = interp::Interp::new();
    let mut empty = Vec::new();
    for script in scripts {
        if !has_statement(&script.sql) {
            empty.push(Warning {
                location: Location {
                    file: script.path.clone(),
                    line: script.first_line,
                    column: 1,
                },
                message: "empty file: no SQL statements".into(),
            });
        }
        interp.run_script(script)?;
    }
    let mut parsed = interp.finish();
    empty.append(&mut parsed.warnings);
    // In apply order: by script, then by line.
    let order = |file: &Path| scripts.iter().position(|s| s.path == file);
    empty.sort_by_key(|w| (order(&w.location.file), w.location.line));
    parsed.warnings = empty;
    Ok(parsed)
}

/// Read SQL text into the model; `file` is used in locations only.
pub fn parse_str(sql: &str, file: &Path) -> Result<Parsed, Error> {
    let script = Script {
        path: file.to_path_buf(),
        sql: source::blank_meta_lines(sql),
        first_line: 1,
    };
    let mut interp = interp::Interp::new();
    interp.run_script(&script)?;
    Ok(interp.finish())
}
