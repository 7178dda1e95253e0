//! Migration directory layouts: detection and reading, in the order each tool applies the files.
//!
//! | layout          | files                                                        | order                       |
//! |-----------------|--------------------------------------------------------------|-----------------------------|
//! | Prisma          | `<timestamp>_<name>/migration.sql` (+ `migration_lock.toml`) | directory name (bytes)      |
//! | sqlx            | `<version>_<name>.sql`, `<version>_<name>.up.sql`            | version as i64              |
//! | Flyway          | `V<version>__<name>.sql`, then `R__<name>.sql`               | version parts numerically   |
//! | golang-migrate  | `<version>_<name>.up.sql`                                    | version as u64              |
//! | dbmate          | `<version>_<name>.sql` with `-- migrate:up` / `-- migrate:down` | version text, then name  |
//!
//! Files that are part of a layout but not applied forward (`.down.sql`, Flyway `U` undo and `B` baseline
//! scripts, non-SQL files such as `migration_lock.toml` or a README) are listed in
//! [`MigrationDir::ignored`]; hidden entries (names starting with `.`) are skipped. A `.sql` file (or a Prisma
//! subdirectory) that matches no pattern of the layout is an error naming the file and the expected pattern.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Serialize;

use crate::checksum::Checksum;
use crate::Error;

/// A migration tool's directory layout (and, with it, its history table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    Prisma,
    Sqlx,
    Flyway,
    GolangMigrate,
    Dbmate,
}

impl Layout {
    pub const ALL: [Layout; 5] = [
        Layout::Prisma,
        Layout::Sqlx,
        Layout::Flyway,
        Layout::GolangMigrate,
        Layout::Dbmate,
    ];

    /// The name used on the command line and in JSON: `prisma`, `sqlx`, `flyway`, `golang-migrate`, `dbmate`.
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Prisma => "prisma",
            Layout::Sqlx => "sqlx",
            Layout::Flyway => "flyway",
            Layout::GolangMigrate => "golang-migrate",
            Layout::Dbmate => "dbmate",
        }
    }

    /// The file-name pattern of this layout, for messages.
    pub fn pattern(self) -> &'static str {
        match self {
            Layout::Prisma => "<timestamp>_<name>/migration.sql",
            Layout::Sqlx => {
                "<version>_<name>.sql or <version>_<name>.up.sql / .down.sql (version: an integer)"
            }
            Layout::Flyway => "V<version>__<name>.sql, R__<name>.sql or U<version>__<name>.sql",
            Layout::GolangMigrate => {
                "<version>_<name>.up.sql / <version>_<name>.down.sql (version: an integer)"
            }
            Layout::Dbmate => {
                "<version>_<name>.sql (version: digits) with a '-- migrate:up' section"
            }
        }
    }

    /// The table where the tool records applied migrations.
    pub fn history_table(self) -> &'static str {
        match self {
            Layout::Prisma => "_prisma_migrations",
            Layout::Sqlx => "_sqlx_migrations",
            Layout::Flyway => "flyway_schema_history",
            Layout::GolangMigrate | Layout::Dbmate => "schema_migrations",
        }
    }
}

impl std::fmt::Display for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Layout {
    type Err = Error;
    fn from_str(s: &str) -> Result<Layout, Error> {
        match s.to_ascii_lowercase().as_str() {
            "prisma" => Ok(Layout::Prisma),
            "sqlx" => Ok(Layout::Sqlx),
            "flyway" => Ok(Layout::Flyway),
            "golang-migrate" | "golang_migrate" | "migrate" => Ok(Layout::GolangMigrate),
            "dbmate" => Ok(Layout::Dbmate),
            _ => Err(Error::UnknownLayout(s.to_string())),
        }
    }
}

/// One forward migration, as the tool would apply it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Migration {
    /// The version as written in the file name: Prisma's timestamp prefix, sqlx / golang-migrate / dbmate's
    /// number, Flyway's version with `_` written as `.` (empty for a Flyway repeatable migration).
    pub version: String,
    /// The name part of the file name, as written (underscores kept).
    pub name: String,
    /// The file holding the SQL (`.../migration.sql` for Prisma).
    pub path: PathBuf,
    /// The SQL the tool runs going up: the whole file (a leading byte-order mark removed), or for dbmate the
    /// `-- migrate:up` section only.
    pub up_sql: String,
    /// 1-based line of `path` where `up_sql` starts.
    pub up_line: usize,
    /// The checksum the tool computes and stores for this file.
    pub checksum: Checksum,
    /// The key of this migration in the tool's history table: Prisma's `migration_name` (the directory name),
    /// sqlx and golang-migrate's integer version, Flyway's version (its description for a repeatable
    /// migration), dbmate's version text.
    pub id: String,
    /// Flyway repeatable migration (`R__`): applied after all versioned ones, again whenever it changes.
    pub repeatable: bool,
}

impl Migration {
    /// The description the tool records: the name with `_` turned into spaces (sqlx, Flyway), the name as
    /// written otherwise.
    pub fn description(&self, layout: Layout) -> String {
        match layout {
            Layout::Sqlx | Layout::Flyway => self.name.replace('_', " "),
            _ => self.name.clone(),
        }
    }

    /// The file name of `path`.
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// A migrations directory, read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrationDir {
    pub layout: Layout,
    pub root: PathBuf,
    /// In apply order.
    pub migrations: Vec<Migration>,
    /// Entries that belong to the layout but are not forward migrations (down and undo scripts, lock files,
    /// other non-SQL files), sorted.
    pub ignored: Vec<PathBuf>,
}

/// What a file name is in some layout.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FileKind {
    /// A forward migration: (version, name).
    Up(String, String),
    /// Part of the layout but not applied forward.
    Ignored,
}

fn is_hidden(name: &str) -> bool {
    name.starts_with('.')
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `<digits>_<rest>`: (digits, rest).
fn split_version(stem: &str) -> Option<(&str, &str)> {
    let (v, n) = stem.split_once('_')?;
    all_digits(v).then_some((v, n))
}

/// Classify a plain file name in a non-Prisma layout. `None`: matches no pattern.
fn classify(layout: Layout, file: &str) -> Option<FileKind> {
    match layout {
        Layout::Prisma => None,
        Layout::Sqlx => {
            // sqlx-core source.rs: `splitn(2, '_')`, version parsed as i64, `.up.sql` / `.down.sql` / `.sql`.
            if let Some(stem) = file.strip_suffix(".down.sql") {
                let (v, _) = split_version(stem)?;
                v.parse::<i64>().ok()?;
                return Some(FileKind::Ignored);
            }
            let stem = file
                .strip_suffix(".up.sql")
                .or_else(|| file.strip_suffix(".sql"))?;
            let (v, n) = split_version(stem)?;
            v.parse::<i64>().ok()?;
            Some(FileKind::Up(v.to_string(), n.to_string()))
        }
        Layout::GolangMigrate => {
            // golang-migrate source/parse.go: `^([0-9]+)_(.*)\.(down|up)\.(.*)$`, version a uint64.
            if let Some(stem) = file.strip_suffix(".down.sql") {
                let (v, _) = split_version(stem)?;
                v.parse::<u64>().ok()?;
                return Some(FileKind::Ignored);
            }
            let stem = file.strip_suffix(".up.sql")?;
            let (v, n) = split_version(stem)?;
            v.parse::<u64>().ok()?;
            Some(FileKind::Up(v.to_string(), n.to_string()))
        }
        Layout::Dbmate => {
            // dbmate pkg/dbmate/migration.go: `^(\d+).*\.sql$`, the version is the leading digits.
            let stem = file.strip_suffix(".sql")?;
            let digits = stem.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            let (v, rest) = stem.split_at(digits);
            Some(FileKind::Up(
                v.to_string(),
                rest.strip_prefix('_').unwrap_or(rest).to_string(),
            ))
        }
        Layout::Flyway => {
            let stem = file.strip_suffix(".sql")?;
            if let Some(desc) = stem.strip_prefix("R__") {
                return Some(FileKind::Up(String::new(), desc.to_string()));
            }
            let (prefix, rest) = stem.split_at(stem.chars().next()?.len_utf8());
            let (version, desc) = rest.split_once("__")?;
            let version = flyway_version(version)?;
            match prefix {
                "V" => Some(FileKind::Up(version, desc.to_string())),
                "U" | "B" => Some(FileKind::Ignored),
                _ => None,
            }
        }
    }
}

/// Flyway's `MigrationVersion`: `_` is a separator like `.`; every part is digits. Returns the normalised
/// text (`1_2` -> `1.2`), which is what Flyway stores in `flyway_schema_history.version`.
fn flyway_version(v: &str) -> Option<String> {
    let norm = v.replace('_', ".");
    norm.split('.').all(all_digits).then_some(norm)
}

/// Flyway version parts as numbers without leading zeros, trailing zero parts dropped (`1.0` == `1`, `0` stays
/// `0`).
fn flyway_parts(v: &str) -> Vec<String> {
    let mut parts: Vec<String> = v
        .split('.')
        .map(|p| match p.trim_start_matches('0') {
            "" => "0".to_string(),
            t => t.to_string(),
        })
        .collect();
    while parts.len() > 1 && parts.last().is_some_and(|p| p == "0") {
        parts.pop();
    }
    parts
}

fn cmp_digit_strings(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Compare two Flyway versions numerically, part by part (`1.10` > `1.9`, `1.0` == `1`).
pub fn cmp_flyway_versions(a: &str, b: &str) -> Ordering {
    let (pa, pb) = (flyway_parts(a), flyway_parts(b));
    for i in 0..pa.len().max(pb.len()) {
        let x = pa.get(i).map(String::as_str).unwrap_or("");
        let y = pb.get(i).map(String::as_str).unwrap_or("");
        let o = cmp_digit_strings(x, y);
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// The canonical history key of a version in `layout`, so that `0001` in a file name matches `1` in a table.
pub(crate) fn canonical_id(layout: Layout, version: &str) -> String {
    match layout {
        Layout::Sqlx | Layout::GolangMigrate => {
            let t = version.trim_start_matches('0');
            if t.is_empty() {
                "0".to_string()
            } else {
                t.to_string()
            }
        }
        Layout::Flyway => flyway_parts(version).join("."),
        Layout::Prisma | Layout::Dbmate => version.to_string(),
    }
}

/// Order of two migrations in `layout` (apply order).
pub(crate) fn cmp_migrations(layout: Layout, a: &Migration, b: &Migration) -> Ordering {
    match layout {
        Layout::Prisma => a.id.cmp(&b.id),
        Layout::Sqlx | Layout::GolangMigrate => cmp_digit_strings(&a.version, &b.version),
        Layout::Flyway => match (a.repeatable, b.repeatable) {
            (false, true) => Ordering::Less,
            (true, false) => Ordering::Greater,
            (true, true) => a.name.cmp(&b.name),
            (false, false) => cmp_flyway_versions(&a.version, &b.version),
        },
        Layout::Dbmate => a.version.cmp(&b.version).then_with(|| a.name.cmp(&b.name)),
    }
    .then_with(|| a.path.cmp(&b.path))
}

/// Sorted, non-hidden entries of a directory: (name, path, is_dir).
fn entries(dir: &Path) -> Result<Vec<(String, PathBuf, bool)>, Error> {
    let io = |e| Error::Io {
        path: dir.to_path_buf(),
        source: e,
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_hidden(&name) {
            continue;
        }
        let path = entry.path();
        // Follow symlinks: a symlinked migration file or directory counts as what it points at.
        let is_dir = path.is_dir();
        out.push((name, path, is_dir));
    }
    out.sort();
    Ok(out)
}

fn is_dbmate_text(text: &str) -> bool {
    text.lines().any(|l| directive(l) == Some(Directive::Up))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Directive {
    Up,
    Down,
}

/// dbmate's `(?m)^--\s*migrate:(up|down)(.*)$`.
fn directive(line: &str) -> Option<Directive> {
    let rest = line.strip_prefix("--")?.trim_start();
    let rest = rest.strip_prefix("migrate:")?;
    if rest.starts_with("up") {
        Some(Directive::Up)
    } else if rest.starts_with("down") {
        Some(Directive::Down)
    } else {
        None
    }
}

/// Every layout the directory could be, most likely first. Empty: not a migrations directory.
///
/// Files named `<version>_<name>.up.sql` are both golang-migrate's and sqlx's reversible layout; both are
/// returned (golang-migrate first). The history table (see [`crate::detect_history`]) settles it.
pub fn detect_all(dir: &Path) -> Vec<Layout> {
    let Ok(list) = entries(dir) else {
        return Vec::new();
    };
    if list
        .iter()
        .any(|(n, _, d)| !d && n == "migration_lock.toml")
        || list
            .iter()
            .any(|(_, p, d)| *d && p.join("migration.sql").is_file())
    {
        return vec![Layout::Prisma];
    }
    let files: Vec<&(String, PathBuf, bool)> = list
        .iter()
        .filter(|(n, _, d)| !d && n.ends_with(".sql"))
        .collect();
    if files.iter().any(|(n, _, _)| {
        n.starts_with("R__")
            || (n.starts_with('V')
                && classify(Layout::Flyway, n).is_some_and(|k| k != FileKind::Ignored))
    }) {
        return vec![Layout::Flyway];
    }
    let plain: Vec<&&(String, PathBuf, bool)> = files
        .iter()
        .filter(|(n, _, _)| !n.ends_with(".up.sql") && !n.ends_with(".down.sql"))
        .filter(|(n, _, _)| classify(Layout::Dbmate, n).is_some())
        .collect();
    if !plain.is_empty() {
        let dbmate = plain
            .iter()
            .any(|(_, p, _)| std::fs::read_to_string(p).is_ok_and(|t| is_dbmate_text(&t)));
        if dbmate {
            return vec![Layout::Dbmate];
        }
        // sqlx only when every such file is named as sqlx names them (`<version>_<name>.sql`): `01-schema.sql`
        // or `001.sql` (the docker-entrypoint-initdb.d convention) are plain SQL files read in path order.
        if plain
            .iter()
            .all(|(n, _, _)| classify(Layout::Sqlx, n).is_some())
        {
            return vec![Layout::Sqlx];
        }
    }
    if files
        .iter()
        .any(|(n, _, _)| classify(Layout::GolangMigrate, n).is_some_and(|k| k != FileKind::Ignored))
    {
        return vec![Layout::GolangMigrate, Layout::Sqlx];
    }
    Vec::new()
}

/// The layout of a migrations directory. `None`: not a migrations directory (or not readable).
pub fn detect(dir: &Path) -> Option<Layout> {
    detect_all(dir).first().copied()
}

fn read_text(path: &Path) -> Result<(Vec<u8>, String), Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let text = String::from_utf8(bytes.clone()).map_err(|_| Error::NotUtf8 {
        path: path.to_path_buf(),
    })?;
    Ok((bytes, text))
}

fn strip_bom(text: String) -> String {
    match text.strip_prefix('\u{feff}') {
        Some(t) => t.to_string(),
        None => text,
    }
}

/// dbmate's `-- migrate:up` section: (sql, 1-based line where it starts).
fn dbmate_up(path: &Path, text: &str) -> Result<(String, usize), Error> {
    let bad = |message: &str| Error::Dbmate {
        path: path.to_path_buf(),
        message: message.to_string(),
    };
    let mut up: Option<(usize, usize)> = None; // (byte offset after the directive line, its 1-based line + 1)
    let mut down: Option<usize> = None; // byte offset of the down directive
    let mut offset = 0;
    let mut before_up_has_sql = false;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let bare = line.trim_end_matches(['\n', '\r']);
        match directive(bare) {
            Some(Directive::Up) => {
                if up.is_some() {
                    return Err(bad("more than one '-- migrate:up' directive"));
                }
                if down.is_some() {
                    return Err(bad("'-- migrate:down' comes before '-- migrate:up'"));
                }
                if before_up_has_sql {
                    return Err(bad("statements before '-- migrate:up'"));
                }
                up = Some((offset + line.len(), i + 2));
            }
            Some(Directive::Down) => {
                if down.is_some() {
                    return Err(bad("more than one '-- migrate:down' directive"));
                }
                down = Some(offset);
            }
            None => {
                let t = bare.trim().trim_start_matches('\u{feff}');
                if up.is_none() && down.is_none() && !t.is_empty() && !t.starts_with("--") {
                    before_up_has_sql = true;
                }
            }
        }
        offset += line.len();
    }
    let Some((start, line)) = up else {
        return Err(bad("no '-- migrate:up' directive"));
    };
    let end = down.filter(|d| *d >= start).unwrap_or(text.len());
    Ok((text[start..end].to_string(), line))
}

/// Read a migrations directory: with `layout` given, as that layout; otherwise as [`detect`] finds it.
pub fn read_dir(dir: &Path, layout: Option<Layout>) -> Result<MigrationDir, Error> {
    let layout = match layout {
        Some(l) => l,
        None => {
            if !dir.is_dir() {
                return Err(Error::Io {
                    path: dir.to_path_buf(),
                    source: std::io::Error::new(std::io::ErrorKind::NotFound, "not a directory"),
                });
            }
            detect(dir).ok_or_else(|| Error::NotMigrations {
                path: dir.to_path_buf(),
            })?
        }
    };
    let mut migrations = Vec::new();
    let mut ignored = Vec::new();
    for (name, path, is_dir) in entries(dir)? {
        if layout == Layout::Prisma {
            if !is_dir {
                if name.ends_with(".sql") {
                    return Err(Error::Unrecognized { path, layout });
                }
                ignored.push(path);
                continue;
            }
            let file = path.join("migration.sql");
            if !file.is_file() {
                return Err(Error::Unrecognized { path, layout });
            }
            let (bytes, text) = read_text(&file)?;
            let (version, mname) = match name.split_once('_') {
                Some((v, n)) => (v.to_string(), n.to_string()),
                None => (name.clone(), String::new()),
            };
            migrations.push(Migration {
                version,
                name: mname,
                path: file,
                up_sql: strip_bom(text),
                up_line: 1,
                checksum: Checksum::compute(layout, &bytes),
                id: name,
                repeatable: false,
            });
            continue;
        }
        if is_dir || !name.ends_with(".sql") {
            ignored.push(path);
            continue;
        }
        let kind = classify(layout, &name).ok_or_else(|| Error::Unrecognized {
            path: path.clone(),
            layout,
        })?;
        let FileKind::Up(version, mname) = kind else {
            ignored.push(path);
            continue;
        };
        let (bytes, text) = read_text(&path)?;
        let (up_sql, up_line) = if layout == Layout::Dbmate {
            dbmate_up(&path, &text)?
        } else {
            (strip_bom(text), 1)
        };
        let repeatable = layout == Layout::Flyway && version.is_empty();
        let id = if repeatable {
            mname.replace('_', " ")
        } else {
            canonical_id(layout, &version)
        };
        migrations.push(Migration {
            version,
            name: mname,
            path,
            up_sql,
            up_line,
            checksum: Checksum::compute(layout, &bytes),
            id,
            repeatable,
        });
    }
    // Duplicates: the same history key twice (Prisma's keys are directory names, unique by construction).
    let mut seen: BTreeMap<(bool, String), PathBuf> = BTreeMap::new();
    for m in &migrations {
        if let Some(first) = seen.insert((m.repeatable, m.id.clone()), m.path.clone()) {
            return Err(Error::DuplicateVersion {
                version: if m.repeatable {
                    m.name.clone()
                } else {
                    m.version.clone()
                },
                first,
                second: m.path.clone(),
            });
        }
    }
    migrations.sort_by(|a, b| cmp_migrations(layout, a, b));
    ignored.sort();
    Ok(MigrationDir {
        layout,
        root: dir.to_path_buf(),
        migrations,
        ignored,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_names_round_trip() {
        for l in Layout::ALL {
            assert_eq!(l.as_str().parse::<Layout>().unwrap(), l);
            assert_eq!(
                serde_json::to_string(&l).unwrap(),
                format!("\"{}\"", l.as_str())
            );
            assert_eq!(l.to_string(), l.as_str());
        }
        assert!("liquibase".parse::<Layout>().is_err());
    }

    #[test]
    fn flyway_versions_compare_numerically() {
        assert_eq!(cmp_flyway_versions("1.10", "1.9"), Ordering::Greater);
        assert_eq!(cmp_flyway_versions("1.0", "1"), Ordering::Equal);
        assert_eq!(cmp_flyway_versions("2", "10"), Ordering::Less);
        assert_eq!(cmp_flyway_versions("1.2.3", "1.2"), Ordering::Greater);
        assert_eq!(cmp_flyway_versions("001", "1"), Ordering::Equal);
        assert_eq!(cmp_flyway_versions("1.0.5", "1.1"), Ordering::Less);
        assert_eq!(cmp_flyway_versions("0", "0.0"), Ordering::Equal);
        assert_eq!(canonical_id(Layout::Flyway, "1.0.5"), "1.0.5");
        assert_eq!(canonical_id(Layout::Flyway, "01.10.0"), "1.10");
        assert_eq!(canonical_id(Layout::Flyway, "0"), "0");
        assert_eq!(flyway_version("1_2"), Some("1.2".to_string()));
        assert_eq!(flyway_version("1a"), None);
        assert_eq!(flyway_version("1..2"), None);
    }

    #[test]
    fn classify_names() {
        assert_eq!(
            classify(Layout::Sqlx, "20200101_init.sql"),
            Some(FileKind::Up("20200101".into(), "init".into()))
        );
        assert_eq!(
            classify(Layout::Sqlx, "1_init.up.sql"),
            Some(FileKind::Up("1".into(), "init".into()))
        );
        assert_eq!(
            classify(Layout::Sqlx, "1_init.down.sql"),
            Some(FileKind::Ignored)
        );
        assert_eq!(classify(Layout::Sqlx, "init.sql"), None);
        assert_eq!(classify(Layout::Sqlx, "99999999999999999999_x.sql"), None);
        assert_eq!(classify(Layout::GolangMigrate, "1_init.sql"), None);
        assert_eq!(
            classify(Layout::Flyway, "V1_1__add_x.sql"),
            Some(FileKind::Up("1.1".into(), "add_x".into()))
        );
        assert_eq!(
            classify(Layout::Flyway, "R__views.sql"),
            Some(FileKind::Up(String::new(), "views".into()))
        );
        assert_eq!(
            classify(Layout::Flyway, "U2__undo.sql"),
            Some(FileKind::Ignored)
        );
        assert_eq!(classify(Layout::Flyway, "V2_add.sql"), None);
        assert_eq!(
            classify(Layout::Dbmate, "20200101000000.sql"),
            Some(FileKind::Up("20200101000000".into(), String::new()))
        );
    }

    #[test]
    fn dbmate_sections() {
        let p = Path::new("x.sql");
        let (sql, line) = dbmate_up(
            p,
            "-- a comment\n-- migrate:up\nCREATE TABLE a ();\n\n-- migrate:down\nDROP TABLE a;\n",
        )
        .unwrap();
        assert_eq!(sql, "CREATE TABLE a ();\n\n");
        assert_eq!(line, 3);
        let (sql, line) = dbmate_up(
            p,
            "--migrate:up transaction:false\r\nCREATE INDEX CONCURRENTLY i ON a (x);",
        )
        .unwrap();
        assert_eq!(sql, "CREATE INDEX CONCURRENTLY i ON a (x);");
        assert_eq!(line, 2);
        assert!(dbmate_up(p, "CREATE TABLE a ();\n").is_err());
        assert!(dbmate_up(
            p,
            "-- migrate:down\nDROP TABLE a;\n-- migrate:up\nCREATE TABLE a ();\n"
        )
        .is_err());
        assert!(dbmate_up(p, "CREATE TABLE b ();\n-- migrate:up\nCREATE TABLE a ();\n").is_err());
    }
}
