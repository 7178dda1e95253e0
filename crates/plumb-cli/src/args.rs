//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit status:
  0  no difference (in sync)
  1  differences found (drift)
  2  error";

/// Find schema drift between a live PostgreSQL database and what your repository declares, and write the SQL
/// that reconciles them.
///
/// A SOURCE is a connection URL (postgres://, postgresql://) or declared SQL: one .sql file, a directory of
/// .sql files, or a migrations directory (Prisma, sqlx, Flyway, golang-migrate, dbmate), or pg_dump output.
#[derive(Debug, Parser)]
#[command(name = "plumb", version, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Log what plumb does to stderr.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Print errors only (no warnings).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Settings file [default: the first plumb.toml from the working directory upwards].
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Do not read any plumb.toml.
    #[arg(long, global = true, conflicts_with = "config")]
    pub no_config: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the SQL that turns one schema into another (like `prisma migrate diff`).
    #[command(after_help = EXIT_CODES)]
    Diff(DiffArgs),
    /// Print a live database's schema as a DDL script or JSON (like `prisma db pull`).
    Dump(DumpArgs),
    /// Compare a live database with the declared schema or migrations: the pre-deploy drift check.
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
    /// Compare the migrations table of the database with the migration files (like `prisma migrate status`).
    #[command(after_help = EXIT_CODES)]
    Status(StatusArgs),
    /// Write the live schema as the first migration of a migrations directory; with --mark-applied, record it
    /// as applied in the database (this writes to the database).
    Baseline(BaselineArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Sql,
    Human,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DumpFormat {
    Sql,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
    Markdown,
    /// GitHub Actions workflow annotations.
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FixSql {
    /// SQL that makes the database match the declaration.
    Database,
    /// A new migration that records what the database has.
    Declaration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// Options shared by every command that compares two schemas.
#[derive(Debug, Clone, Args)]
pub struct CompareOpts {
    /// Only compare these schemas (repeatable).
    #[arg(long = "include-schema", value_name = "NAME")]
    pub include_schemas: Vec<String>,
    /// Leave these schemas out (repeatable).
    #[arg(long = "exclude-schema", value_name = "NAME")]
    pub exclude_schemas: Vec<String>,
    /// Leave out objects matching this pattern (repeatable), Atlas's glob syntax: `schema`, `schema.table`,
    /// `schema.table.column`, `*.audit_*`, `*.*[type=function]`, `[type=trigger]`, `public.events[partitions]`.
    #[arg(long = "exclude", value_name = "PATTERN")]
    pub exclude: Vec<plumb_diff::filter::Pattern>,
    /// Compare (or dump) the migration tools' history tables too (_prisma_migrations, _sqlx_migrations,
    /// flyway_schema_history, schema_migrations, django_migrations, alembic_version, ...: the README lists
    /// them); left out by default.
    #[arg(long)]
    pub include_history_tables: bool,
    /// Do not compare object owners.
    #[arg(long)]
    pub ignore_owners: bool,
    /// Do not compare privileges (GRANT/REVOKE).
    #[arg(long)]
    pub ignore_privileges: bool,
    /// Emit the online forms where one exists: CREATE INDEX CONCURRENTLY, constraints added NOT VALID then
    /// validated, SET lock_timeout.
    #[arg(long)]
    pub online: bool,
    /// The conversion of a column whose type the plan changes (repeatable): `[schema.]table.column=EXPR`
    /// (schema `public` when left out; names as SQL writes them, quoted where needed), written as
    /// `ALTER COLUMN ... TYPE ... USING EXPR` instead of plumb's cast. Checked with PostgreSQL's parser; an
    /// entry for a column whose type does not change is an error.
    #[arg(long = "using", value_name = "TABLE.COLUMN=EXPR")]
    pub using: Vec<plumb_diff::using::Using>,
    /// A PostgreSQL server where plumb may create (and drop) a scratch database: declared SQL is applied there
    /// and read back, which is exact for everything PostgreSQL accepts. `local`: a throwaway cluster plumb
    /// starts from the PostgreSQL binaries on this machine (PLUMB_PG_BIN, PATH, pg_config, Debian's
    /// /usr/lib/postgresql), of the compared database's major version, on a unix socket, removed afterwards.
    /// Without it, declared SQL is interpreted offline.
    #[arg(
        long,
        value_name = "URL",
        env = "PLUMB_DEV_URL",
        hide_env_values = true
    )]
    pub dev_url: Option<String>,
    /// Colours in human output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Color,
}

/// Hazard policy of a plan (`diff`, `check --fix-sql`).
#[derive(Debug, Clone, Default, Args)]
pub struct HazardOpts {
    /// Refuse (exit 2, after printing the plan) a plan with any of these hazards: plumb's kinds (data-loss,
    /// table-rewrite, long-lock, not-transactional, index-dropped, authz-update, extension-upgrade) or
    /// pg-schema-diff codes (DELETES_DATA, INDEX_BUILD, ...). Comma-separated, repeatable.
    #[arg(long, value_name = "HAZARDS", value_delimiter = ',')]
    pub fail_on_hazard: Vec<String>,
    /// Refuse a plan with any hazard not in this list (pg-schema-diff's --allow-hazards).
    #[arg(long, value_name = "HAZARDS", value_delimiter = ',')]
    pub allow_hazards: Vec<String>,
    /// Leave out the steps that drop an object for good; they are listed as skipped.
    #[arg(long)]
    pub no_drop: bool,
    /// `SET lock_timeout` at the start of an --online plan [default: 5s].
    #[arg(long, value_name = "DURATION", requires = "online")]
    pub lock_timeout: Option<String>,
    /// `SET statement_timeout` at the start of an --online plan.
    #[arg(long, value_name = "DURATION", requires = "online")]
    pub statement_timeout: Option<String>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The schema you have (a connection URL or declared SQL).
    #[arg(long, value_name = "SOURCE")]
    pub from: String,
    /// The schema you want.
    #[arg(long, value_name = "SOURCE")]
    pub to: String,
    /// Output format [default: sql].
    #[arg(long, value_enum)]
    pub format: Option<DiffFormat>,
    /// Prove the plan on the dev server (needs --dev-url): build "from" in a scratch database, apply the plan
    /// there, and check that the result has no difference from "to". Exit 2 when it does not.
    #[arg(long)]
    pub verify: bool,
    #[command(flatten)]
    pub compare: CompareOpts,
    #[command(flatten)]
    pub hazards: HazardOpts,
}

#[derive(Debug, Args)]
pub struct DumpArgs {
    /// The database to read [default: $DATABASE_URL].
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Output format [default: sql].
    #[arg(long, value_enum)]
    pub format: Option<DumpFormat>,
    /// Only these schemas (repeatable).
    #[arg(long = "schema", value_name = "NAME")]
    pub schemas: Vec<String>,
    /// Leave these schemas out (repeatable).
    #[arg(long = "exclude-schema", value_name = "NAME")]
    pub exclude_schemas: Vec<String>,
    /// Leave out objects matching this pattern (repeatable), Atlas's glob syntax: `schema`, `schema.table`,
    /// `schema.table.column`, `*.audit_*`, `*.*[type=function]`, `[type=trigger]`, `public.events[partitions]`.
    #[arg(long = "exclude", value_name = "PATTERN")]
    pub exclude: Vec<plumb_diff::filter::Pattern>,
    /// Compare (or dump) the migration tools' history tables too (_prisma_migrations, _sqlx_migrations,
    /// flyway_schema_history, schema_migrations, django_migrations, alembic_version, ...: the README lists
    /// them); left out by default.
    #[arg(long)]
    pub include_history_tables: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The live database [default: $DATABASE_URL]. Repeatable: each is a target of one fleet check. With
    /// --targets-query, the server the query runs on.
    #[arg(long, value_name = "URL")]
    pub database: Vec<String>,
    /// A file of targets to check: one URL (or key=value connection string) or `name = URL` per line; `#`
    /// starts a comment line.
    #[arg(long, value_name = "FILE")]
    pub targets: Option<PathBuf>,
    /// A query whose first column lists database names on one server (--database, else $DATABASE_URL):
    /// each is a target, e.g. "SELECT datname FROM pg_database WHERE datname LIKE 'tenant_%'".
    #[arg(long, value_name = "SQL")]
    pub targets_query: Option<String>,
    /// With several targets: how many are read at once [default: the number of CPUs].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// With several targets: at most this many connections to one server (host and port) at once.
    #[arg(long, value_name = "N", default_value = "4", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs_per_server: u16,
    /// Schema per tenant: `GLOB=SCHEMA` compares every schema of each database that GLOB matches (e.g.
    /// 'tenant_*=app') with the declared schema SCHEMA; each matching schema is a target of its own.
    #[arg(long, value_name = "GLOB=SCHEMA", value_parser = crate::mapschema::MapSchema::boxed)]
    pub map_schema: Option<Box<crate::mapschema::MapSchema>>,
    /// Targets of the `[targets]` table of plumb.toml (name, URL), used when the command line names none.
    #[arg(skip)]
    pub config_targets: Vec<(String, String)>,
    /// The declared schema: a .sql file or a directory of them.
    #[arg(long, value_name = "SOURCE", conflicts_with = "migrations")]
    pub schema: Option<PathBuf>,
    /// The migrations directory. The database is compared with the migrations its history table records as
    /// applied (with all of them when it has no history table), and the history with the directory.
    #[arg(long, value_name = "DIR")]
    pub migrations: Option<PathBuf>,
    /// Fail when migrations are pending (the post-deploy check); without it pending migrations are listed
    /// and do not change the exit status (the pre-deploy check).
    #[arg(long)]
    pub require_applied: bool,
    /// A reviewed list of accepted drift (TOML, `[[accept]]` entries with a reason and an optional expiry):
    /// the check fails only on drift not in it and on expired entries [default: `accept` of plumb.toml].
    #[arg(long, value_name = "FILE")]
    pub accept: Option<PathBuf>,
    /// Write the drift found as an accepted-drift list to review (never overwrites a file).
    #[arg(long, value_name = "FILE")]
    pub write_accepted: Option<PathBuf>,
    /// Migration tool layout [default: detected].
    #[arg(long, value_name = "LAYOUT")]
    pub layout: Option<String>,
    /// Output format [default: human].
    #[arg(long, value_enum)]
    pub format: Option<CheckFormat>,
    /// Also print the SQL that reconciles: `database` makes the database match the declaration,
    /// `declaration` is a new migration that records what the database has.
    #[arg(long, value_enum, value_name = "DIRECTION")]
    pub fix_sql: Option<FixSql>,
    #[command(flatten)]
    pub compare: CompareOpts,
    #[command(flatten)]
    pub hazards: HazardOpts,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The database [default: $DATABASE_URL].
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// The migrations directory [default: `migrations` of plumb.toml].
    #[arg(long, value_name = "DIR")]
    pub migrations: Option<PathBuf>,
    /// Migration tool layout: prisma, sqlx, flyway, golang-migrate, dbmate [default: detected].
    #[arg(long, value_name = "LAYOUT")]
    pub layout: Option<String>,
    /// Output format [default: human].
    #[arg(long, value_enum)]
    pub format: Option<StatusFormat>,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// The database to baseline [default: $DATABASE_URL].
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// The migrations directory to write into (created if missing) [default: `migrations` of plumb.toml].
    #[arg(long, value_name = "DIR")]
    pub migrations: Option<PathBuf>,
    /// Name of the migration, e.g. `baseline`.
    #[arg(long, default_value = "baseline")]
    pub name: String,
    /// Migration tool layout: prisma, sqlx, flyway, golang-migrate, dbmate [default: detected, else prisma].
    #[arg(long, value_name = "LAYOUT")]
    pub layout: Option<String>,
    /// Version of the new migration [default: a UTC timestamp; 1 for Flyway].
    #[arg(long)]
    pub version: Option<String>,
    /// Record the migration as applied in the database's migrations table (writes to the database).
    #[arg(long)]
    pub mark_applied: bool,
    /// Write nothing: record the existing migration VERSION (e.g. a baseline written and reviewed before) as
    /// applied in the database's migrations table (writes to the database).
    #[arg(long, value_name = "VERSION", conflicts_with_all = ["mark_applied", "name", "version", "schemas"])]
    pub mark_existing: Option<String>,
    /// Only these schemas (repeatable).
    #[arg(long = "schema", value_name = "NAME")]
    pub schemas: Vec<String>,
    /// Leave out objects matching this pattern (repeatable), Atlas's glob syntax: `schema`, `schema.table`,
    /// `schema.table.column`, `*.audit_*`, `*.*[type=function]`, `[type=trigger]`, `public.events[partitions]`.
    #[arg(long = "exclude", value_name = "PATTERN")]
    pub exclude: Vec<plumb_diff::filter::Pattern>,
    /// Compare (or dump) the migration tools' history tables too (_prisma_migrations, _sqlx_migrations,
    /// flyway_schema_history, schema_migrations, django_migrations, alembic_version, ...: the README lists
    /// them); left out by default.
    #[arg(long)]
    pub include_history_tables: bool,
}
