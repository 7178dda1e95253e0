//! `plumb.toml`: the settings a project keeps next to its code, so that CI runs `plumb check` with no flags.
//!
//! Found from the working directory upwards (the first `plumb.toml`), or named with `--config FILE`;
//! `--no-config` ignores it. Paths in it are relative to the file's directory. A flag given on the command
//! line wins over the file, except `exclude`, whose patterns are added to the file's. Unknown keys and bad
//! values are errors that name the file, line and column.
//!
//! ```toml
//! database_env = "PRODUCTION_DATABASE_URL"  # the variable holding the database URL [DATABASE_URL]
//! dev_url_env = "PLUMB_DEV_URL"             # the variable holding the --dev-url server [PLUMB_DEV_URL]
//! migrations = "prisma/migrations"          # migrations directory (check, status, baseline)
//! layout = "prisma"                         # prisma, sqlx, flyway, golang-migrate, dbmate [detected]
//! schemas = ["public", "app"]               # --include-schema / --schema
//! exclude_schemas = ["scratch"]             # --exclude-schema
//! exclude = ["*.audit_*", "public.events[partitions]"]   # --exclude
//! include_history_tables = false            # --include-history-tables
//! ignore_owners = false                     # --ignore-owners
//! ignore_privileges = false                 # --ignore-privileges
//! accept = "plumb-accepted.toml"            # check --accept: the reviewed list of accepted drift
//!
//! [hazards]                                 # hazard policy of diff and check --fix-sql
//! fail_on = ["data-loss"]                   # --fail-on-hazard (plumb kinds or pg-schema-diff codes)
//! allow = ["INDEX_BUILD"]                   # --allow-hazards
//! no_drop = true                            # --no-drop
//! lock_timeout = "2s"                       # --lock-timeout (with --online)
//! statement_timeout = "5min"                # --statement-timeout (with --online)
//!
//! [format]                                  # default --format per command
//! check = "github"
//! diff = "markdown"
//! status = "json"
//! dump = "sql"
//!
//! [targets]                                 # check over many databases (name = URL)
//! eu = "postgresql://plumb@eu.db.example.com/app"
//! ```

use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use toml::Spanned;

use crate::args::{CheckFormat, Command, CompareOpts, DiffFormat, DumpFormat, StatusFormat};

/// The file name looked for.
pub const FILE_NAME: &str = "plumb.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    database_env: Option<Spanned<String>>,
    dev_url_env: Option<Spanned<String>>,
    migrations: Option<PathBuf>,
    layout: Option<Spanned<String>>,
    schemas: Option<Vec<String>>,
    exclude_schemas: Option<Vec<String>>,
    exclude: Option<Vec<Spanned<String>>>,
    include_history_tables: Option<bool>,
    ignore_owners: Option<bool>,
    ignore_privileges: Option<bool>,
    accept: Option<PathBuf>,
    /// `name = "URL"`: the targets of a fleet check.
    targets: Option<std::collections::BTreeMap<String, String>>,
    format: Option<Formats>,
    hazards: Option<Hazards>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Hazards {
    fail_on: Option<Vec<Spanned<String>>>,
    allow: Option<Vec<Spanned<String>>>,
    no_drop: Option<bool>,
    lock_timeout: Option<String>,
    statement_timeout: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Formats {
    check: Option<CheckFormatName>,
    diff: Option<DiffFormatName>,
    status: Option<StatusFormatName>,
    dump: Option<DumpFormatName>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum CheckFormatName {
    Human,
    Json,
    Markdown,
    Github,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum DiffFormatName {
    Sql,
    Human,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum StatusFormatName {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum DumpFormatName {
    Sql,
    Json,
}

/// A loaded `plumb.toml`.
#[derive(Debug, Default)]
pub struct Config {
    /// The file, when one was found.
    pub path: Option<PathBuf>,
    raw: Raw,
}

/// `file:line:column` of a byte offset.
fn location(path: &Path, text: &str, span: Option<Range<usize>>) -> String {
    match span {
        Some(r) => {
            let before = &text[..r.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            format!("{}:{line}:{column}", path.display())
        }
        None => path.display().to_string(),
    }
}

/// The first `plumb.toml` in `dir` or a directory above it.
pub fn find(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

impl Config {
    /// `--config FILE`, else the file found from the working directory upwards, else nothing. `--no-config`:
    /// nothing.
    pub fn discover(explicit: Option<&Path>, disabled: bool) -> Result<Config> {
        if disabled {
            return Ok(Config::default());
        }
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => {
                let cwd = std::env::current_dir().context("reading the working directory")?;
                match find(&cwd) {
                    Some(p) => p,
                    None => return Ok(Config::default()),
                }
            }
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let config = Config::parse(&path, &text)?;
        crate::log::info(format_args!("using {}", path.display()));
        Ok(config)
    }

    /// Parse and validate the text of `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Config> {
        let raw: Raw = toml::from_str(text).map_err(|e| {
            anyhow::anyhow!(
                "{}: {}",
                location(path, text, e.span()),
                e.message().trim_end()
            )
        })?;
        let at = |span: Range<usize>| location(path, text, Some(span));
        if let Some(l) = &raw.layout {
            if l.get_ref().parse::<plumb_migrations::Layout>().is_err() {
                bail!(
                    "{}: unknown layout {:?}: expected prisma, sqlx, flyway, golang-migrate or dbmate",
                    at(l.span()),
                    l.get_ref()
                );
            }
        }
        for p in raw.exclude.iter().flatten() {
            if let Err(e) = plumb_diff::filter::Pattern::parse(p.get_ref()) {
                bail!("{}: {e}", at(p.span()));
            }
        }
        if let Some(h) = &raw.hazards {
            for v in h.fail_on.iter().chain(h.allow.iter()).flatten() {
                if let Err(e) = plumb_diff::policy::parse_list(v.get_ref()) {
                    bail!("{}: {e}", at(v.span()));
                }
            }
        }
        for v in [&raw.database_env, &raw.dev_url_env].into_iter().flatten() {
            if v.get_ref().is_empty() || v.get_ref().contains('=') {
                bail!(
                    "{}: {:?} is not an environment variable name",
                    at(v.span()),
                    v.get_ref()
                );
            }
        }
        let base = path.parent().unwrap_or(Path::new("."));
        let mut raw = raw;
        if let Some(m) = raw.migrations.take() {
            raw.migrations = Some(if m.is_absolute() { m } else { base.join(m) });
        }
        if let Some(m) = raw.accept.take() {
            raw.accept = Some(if m.is_absolute() { m } else { base.join(m) });
        }
        Ok(Config {
            path: Some(path.to_path_buf()),
            raw,
        })
    }

    fn patterns(&self) -> Vec<plumb_diff::filter::Pattern> {
        self.raw
            .exclude
            .iter()
            .flatten()
            // Validated in `parse`.
            .filter_map(|p| plumb_diff::filter::Pattern::parse(p.get_ref()).ok())
            .collect()
    }

    fn env_url(&self, name: Option<&Spanned<String>>) -> Result<Option<String>> {
        let Some(name) = name else {
            return Ok(None);
        };
        match std::env::var(name.get_ref()) {
            Ok(v) if !v.is_empty() => Ok(Some(v)),
            _ => bail!(
                "${} is not set ({} names it)",
                name.get_ref(),
                self.path
                    .as_deref()
                    .unwrap_or(Path::new(FILE_NAME))
                    .display()
            ),
        }
    }

    /// The `[targets]` table (name, URL), in name order.
    fn targets(&self) -> Vec<(String, String)> {
        self.raw
            .targets
            .iter()
            .flatten()
            .map(|(n, u)| (n.clone(), u.clone()))
            .collect()
    }

    /// The database URL when none was given: from `database_env` (`None`: `DATABASE_URL` as usual).
    fn database(&self, given: &mut Option<String>) -> Result<()> {
        if given.is_none() {
            *given = self.env_url(self.raw.database_env.as_ref())?;
        }
        Ok(())
    }

    fn compare(&self, c: &mut CompareOpts) -> Result<()> {
        if c.include_schemas.is_empty() {
            c.include_schemas = self.raw.schemas.clone().unwrap_or_default();
        }
        if c.exclude_schemas.is_empty() {
            c.exclude_schemas = self.raw.exclude_schemas.clone().unwrap_or_default();
        }
        let mut patterns = self.patterns();
        patterns.append(&mut c.exclude);
        c.exclude = patterns;
        c.include_history_tables |= self.raw.include_history_tables.unwrap_or(false);
        c.ignore_owners |= self.raw.ignore_owners.unwrap_or(false);
        c.ignore_privileges |= self.raw.ignore_privileges.unwrap_or(false);
        // An empty PLUMB_DEV_URL is how CI systems pass an unset input (GitHub Actions' `env:` of an empty
        // `with:`): it means "offline", not libpq's empty connection string (every default, a local server).
        if c.dev_url.as_deref().is_some_and(|u| u.trim().is_empty()) {
            c.dev_url = None;
        }
        if c.dev_url.is_none() {
            // `--dev-url` / PLUMB_DEV_URL were read by clap; `dev_url_env` names another variable.
            c.dev_url = self.env_url(self.raw.dev_url_env.as_ref())?;
        }
        Ok(())
    }

    /// The `[hazards]` table under flags: lists are added to, switches and timeouts filled when not given.
    fn hazards(&self, h: &mut crate::args::HazardOpts) {
        let Some(c) = &self.raw.hazards else {
            return;
        };
        let strs = |v: &Option<Vec<Spanned<String>>>| -> Vec<String> {
            v.iter().flatten().map(|s| s.get_ref().clone()).collect()
        };
        h.fail_on_hazard.extend(strs(&c.fail_on));
        h.allow_hazards.extend(strs(&c.allow));
        h.no_drop |= c.no_drop.unwrap_or(false);
        if h.lock_timeout.is_none() {
            h.lock_timeout = c.lock_timeout.clone();
        }
        if h.statement_timeout.is_none() {
            h.statement_timeout = c.statement_timeout.clone();
        }
    }

    fn layout(&self, given: &mut Option<String>) {
        if given.is_none() {
            *given = self.raw.layout.as_ref().map(|l| l.get_ref().clone());
        }
    }

    fn migrations(&self) -> Option<PathBuf> {
        self.raw.migrations.clone()
    }

    /// Fill what the command line left out from the file; then apply the built-in defaults.
    pub fn apply(&self, command: &mut Command) -> Result<()> {
        let formats = self.raw.format.as_ref();
        match command {
            Command::Diff(a) => {
                self.compare(&mut a.compare)?;
                self.hazards(&mut a.hazards);
                if a.format.is_none() {
                    a.format = Some(match formats.and_then(|f| f.diff) {
                        Some(DiffFormatName::Human) => DiffFormat::Human,
                        Some(DiffFormatName::Json) => DiffFormat::Json,
                        Some(DiffFormatName::Markdown) => DiffFormat::Markdown,
                        Some(DiffFormatName::Sql) | None => DiffFormat::Sql,
                    });
                }
            }
            Command::Dump(a) => {
                self.database(&mut a.database)?;
                if a.schemas.is_empty() {
                    a.schemas = self.raw.schemas.clone().unwrap_or_default();
                }
                if a.exclude_schemas.is_empty() {
                    a.exclude_schemas = self.raw.exclude_schemas.clone().unwrap_or_default();
                }
                let mut patterns = self.patterns();
                patterns.append(&mut a.exclude);
                a.exclude = patterns;
                a.include_history_tables |= self.raw.include_history_tables.unwrap_or(false);
                if a.format.is_none() {
                    a.format = Some(match formats.and_then(|f| f.dump) {
                        Some(DumpFormatName::Json) => DumpFormat::Json,
                        Some(DumpFormatName::Sql) | None => DumpFormat::Sql,
                    });
                }
            }
            Command::Check(a) => {
                if a.database.is_empty() && a.targets.is_none() && a.targets_query.is_none() {
                    a.config_targets = self.targets();
                }
                if a.database.is_empty() && a.targets.is_none() && a.config_targets.is_empty() {
                    let mut one = None;
                    self.database(&mut one)?;
                    a.database.extend(one);
                }
                self.compare(&mut a.compare)?;
                self.hazards(&mut a.hazards);
                self.layout(&mut a.layout);
                if a.schema.is_none() && a.migrations.is_none() {
                    a.migrations = self.migrations();
                }
                if a.accept.is_none() {
                    a.accept = self.raw.accept.clone();
                }
                if a.format.is_none() {
                    a.format = Some(match formats.and_then(|f| f.check) {
                        Some(CheckFormatName::Json) => CheckFormat::Json,
                        Some(CheckFormatName::Markdown) => CheckFormat::Markdown,
                        Some(CheckFormatName::Github) => CheckFormat::Github,
                        Some(CheckFormatName::Human) | None => CheckFormat::Human,
                    });
                }
            }
            Command::Status(a) => {
                self.database(&mut a.database)?;
                self.layout(&mut a.layout);
                if a.migrations.is_none() {
                    a.migrations = self.migrations();
                }
                if a.format.is_none() {
                    a.format = Some(match formats.and_then(|f| f.status) {
                        Some(StatusFormatName::Json) => StatusFormat::Json,
                        Some(StatusFormatName::Human) | None => StatusFormat::Human,
                    });
                }
            }
            Command::Baseline(a) => {
                self.database(&mut a.database)?;
                self.layout(&mut a.layout);
                if a.migrations.is_none() {
                    a.migrations = self.migrations();
                }
                if a.schemas.is_empty() {
                    a.schemas = self.raw.schemas.clone().unwrap_or_default();
                }
                let mut patterns = self.patterns();
                patterns.append(&mut a.exclude);
                a.exclude = patterns;
                a.include_history_tables |= self.raw.include_history_tables.unwrap_or(false);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(Path::new("/repo/plumb.toml"), text)
    }

    #[test]
    fn unknown_keys_name_file_line_and_column() {
        let e = parse("migrations = \"m\"\n\nexclude_schema = [\"x\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("/repo/plumb.toml:3:1: unknown field `exclude_schema`"),
            "{e}"
        );
        let e = parse("[format]\ncheck = \"github\"\nplan = \"sql\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("/repo/plumb.toml:3:1: unknown field `plan`"),
            "{e}"
        );
        let e = parse("[format]\ncheck = \"yaml\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("/repo/plumb.toml:2:9: unknown variant `yaml`"),
            "{e}"
        );
    }

    #[test]
    fn bad_values_name_their_line() {
        let e = parse("layout = \"liquibase\"\n").unwrap_err().to_string();
        assert!(
            e.starts_with("/repo/plumb.toml:1:10: unknown layout"),
            "{e}"
        );
        let e = parse("exclude = [\n  \"ok.*\",\n  \"a[type=nosuch]\",\n]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("/repo/plumb.toml:3:3: exclude pattern"),
            "{e}"
        );
        let e = parse("ignore_owners = \"yes\"\n").unwrap_err().to_string();
        assert!(e.starts_with("/repo/plumb.toml:1:17:"), "{e}");
    }

    #[test]
    fn hazard_lists_are_checked() {
        let e = parse("[hazards]\nfail_on = [\"data-loss\", \"boom\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("/repo/plumb.toml:2:25: unknown hazard"),
            "{e}"
        );
        assert!(parse("[hazards]\nallow = [\"DELETES_DATA\"]\nno_drop = true\n").is_ok());
    }

    #[test]
    fn paths_are_relative_to_the_file() {
        let c = parse("migrations = \"prisma/migrations\"\n").unwrap();
        assert_eq!(
            c.migrations(),
            Some(PathBuf::from("/repo/prisma/migrations"))
        );
    }

    #[test]
    fn found_upwards() {
        let root = std::env::temp_dir().join(format!("plumb-config-{}", std::process::id()));
        let deep = root.join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(root.join(FILE_NAME), "").unwrap();
        assert_eq!(find(&deep), Some(root.join(FILE_NAME)));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
