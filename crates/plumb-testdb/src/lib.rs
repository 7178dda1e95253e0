//! Test support: [`TestDb`] creates a fresh, uniquely named database on the server named by `DATABASE_URL`
//! and drops it when it goes out of scope.
//!
//! A test run with no reachable server fails loudly with a hint on how to start one; it never skips.
//! Databases left behind by a killed test process are swept the first time a `TestDb` is made.

#![allow(clippy::print_stderr)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use postgres::{Client, NoTls};

pub mod fixture;
pub mod snapshot;

const PREFIX: &str = "plumb_test_";
const DEFAULT_URL: &str = "postgresql://postgres@127.0.0.1:5432/postgres";

/// What to do when no server answers. Printed in every failure so nobody has to guess.
pub const NO_SERVER_HINT: &str = "\
no PostgreSQL server is reachable at DATABASE_URL.
  start one that is installed but down:  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
  install one on Debian/Ubuntu:          just setup   (or: apt-get install postgresql)
  elsewhere: install PostgreSQL 14-18 and set DATABASE_URL=postgresql://USER@HOST:PORT/postgres";

/// What to do when the server has no role `postgres` the tests can act as.
pub const NO_POSTGRES_ROLE_HINT: &str = "\
the tests create their objects as the role postgres (their snapshots name it), acting as it with
options=-c role=postgres when DATABASE_URL logs in as another user. Create it, or let that user act as it:
  psql -c 'CREATE ROLE postgres SUPERUSER'      (a server made by Homebrew's initdb has no such role)
  psql -c 'GRANT postgres TO \"$USER\"'";

/// The admin URL tests use: `DATABASE_URL`, or the local default when unset, acting as the role `postgres`.
///
/// The tests' objects are owned by `postgres` and their snapshots say so (`OWNER TO postgres`, `FOR ROLE
/// postgres`). A server reached as another superuser (Debian's `just setup` adds one for the OS user, over the
/// unix socket with peer authentication) is asked to act as `postgres` for the session: `options=-c
/// role=postgres`, as `SET ROLE` would. Decided from the URL alone (its user, else `PGUSER`, else the OS user, as
/// libpq does), so that building a URL never needs a server.
pub fn server_url() -> String {
    let given = std::env::var("DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT_URL.to_string());
    as_postgres(&given, |k| std::env::var(k).ok())
}

/// `url` acting as the role `postgres` when it logs in as another user (see [`server_url`]).
fn as_postgres(url: &str, env: impl Fn(&str) -> Option<String>) -> String {
    let Some(mut u) = plumb_pg::pgurl::PgUrl::split(url) else {
        panic!("DATABASE_URL is not a URL; expected postgresql://USER@HOST:PORT/DB")
    };
    let in_authority = u.userinfo.as_deref().map(|i| {
        let user = i.split_once(':').map_or(i, |(user, _)| user);
        percent_encoding::percent_decode_str(user)
            .decode_utf8_lossy()
            .into_owned()
    });
    let user = in_authority
        .filter(|user| !user.is_empty())
        .or_else(|| {
            u.query
                .iter()
                .find(|(k, _)| k == "user")
                .map(|(_, v)| v.clone())
        })
        .or_else(|| env("PGUSER"))
        .or_else(|| env("USER"))
        .or_else(|| env("LOGNAME"));
    if user.as_deref() == Some("postgres") {
        return url.to_string();
    }
    match u.query.iter_mut().find(|(k, _)| k == "options") {
        Some((_, v)) if v.contains("role=") => return url.to_string(),
        Some((_, v)) => v.push_str(" -c role=postgres"),
        None => u
            .query
            .push(("options".to_string(), "-c role=postgres".to_string())),
    }
    u.to_string()
}

/// `base` with its database name replaced by `db`.
pub fn url_with_database(base: &str, db: &str) -> String {
    match plumb_pg::pgurl::with_database(base, db) {
        Some(url) => url,
        None => panic!("DATABASE_URL is not a URL; expected postgresql://USER@HOST:PORT/DB"),
    }
}

/// Password-free form of a URL, for messages (the one redaction every crate uses).
pub use plumb_pg::redact;

fn connect(url_text: &str) -> Client {
    match Client::connect(url_text, NoTls) {
        Ok(c) => c,
        Err(e) if e.to_string().contains("role \"postgres\"") => panic!(
            "cannot connect to {}: {e}\n{NO_POSTGRES_ROLE_HINT}",
            redact(url_text)
        ),
        Err(e) => panic!(
            "cannot connect to {}: {e}\n{NO_SERVER_HINT}",
            redact(url_text)
        ),
    }
}

fn admin() -> Client {
    connect(&url_with_database(&server_url(), "postgres"))
}

/// A client on the server's `postgres` database (panics with the no-server hint when none answers).
pub fn admin_client() -> Client {
    admin()
}

/// Whether a `plumb_test_<pid>_...` name belongs to a process that no longer runs.
fn stale(name: &str) -> bool {
    let pid = name[PREFIX.len()..]
        .split('_')
        .next()
        .and_then(|p| p.parse::<u32>().ok());
    !pid.is_some_and(|p| std::path::Path::new(&format!("/proc/{p}")).exists())
}

/// Drop databases, then roles, left by test processes that no longer run (their pid is part of the name).
fn sweep_stale(client: &mut Client) {
    let rows = match client.query(
        "SELECT datname FROM pg_database WHERE datname LIKE 'plumb\\_test\\_%'",
        &[],
    ) {
        Ok(rows) => rows,
        Err(e) => panic!("cannot list databases: {e}"),
    };
    for row in rows {
        let name: String = row.get(0);
        if stale(&name) {
            let _ =
                client.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
        }
    }
    if let Ok(rows) = client.query(
        "SELECT rolname FROM pg_roles WHERE rolname LIKE 'plumb\\_test\\_%'",
        &[],
    ) {
        for row in rows {
            let name: String = row.get(0);
            if stale(&name) {
                drop_role(client, &name);
            }
        }
    }
}

/// Drop a role and, first, what it owns or was granted in every database of the cluster.
fn drop_role(admin: &mut Client, role: &str) {
    let dbs: Vec<String> = admin
        .query(
            "SELECT DISTINCT d.datname FROM pg_shdepend s JOIN pg_database d ON d.oid = s.dbid \
             JOIN pg_roles r ON r.oid = s.refobjid WHERE r.rolname = $1 AND d.datallowconn",
            &[&role],
        )
        .map(|rows| rows.iter().map(|r| r.get(0)).collect())
        .unwrap_or_default();
    for db in dbs {
        if let Ok(mut c) = Client::connect(&url_with_database(&server_url(), &db), NoTls) {
            let _ = c.batch_execute(&format!("DROP OWNED BY \"{role}\""));
        }
    }
    let _ = admin.batch_execute(&format!("DROP ROLE IF EXISTS \"{role}\""));
}

/// A fresh database for one test. Dropped (with `FORCE`) on drop.
pub struct TestDb {
    name: String,
    url: String,
}

impl TestDb {
    /// Create a database named after `tag` (sanitised), this process and a counter.
    pub fn new(tag: &str) -> TestDb {
        TestDb::create(tag, "template0")
    }

    /// A copy of this database (`CREATE DATABASE ... TEMPLATE`, much faster than loading the SQL again),
    /// named after `tag`. No session may be open on this database meanwhile.
    pub fn copy(&self, tag: &str) -> TestDb {
        TestDb::create(tag, &self.name)
    }

    fn create(tag: &str, template: &str) -> TestDb {
        static SWEPT: OnceLock<()> = OnceLock::new();
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let mut admin = admin();
        SWEPT.get_or_init(|| sweep_stale(&mut admin));
        let clean: String = tag
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .take(24)
            .collect();
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!(
            "{PREFIX}{}_{n}_{:x}_{clean}",
            std::process::id(),
            nanos & 0xfff
        );
        if let Err(e) = admin.batch_execute(&format!(
            "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
        )) {
            panic!("cannot create test database {name}: {e}");
        }
        let url = url_with_database(&server_url(), &name);
        TestDb { name, url }
    }

    /// Create a database and run `sql` in it; panics with the server's message if it does not load.
    pub fn with_sql(tag: &str, sql: &str) -> TestDb {
        let db = TestDb::new(tag);
        if let Err(e) = db.try_execute(sql) {
            panic!("fixture {tag} does not load: {e}");
        }
        db
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Connection URL of this database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A new synchronous client on this database.
    pub fn client(&self) -> Client {
        connect(&self.url)
    }

    /// Run a script (several statements) in this database.
    pub fn try_execute(&self, sql: &str) -> Result<(), String> {
        self.client()
            .batch_execute(sql)
            .map_err(|e| match e.as_db_error() {
                Some(db) => format!("{}: {}", db.severity(), db.message()),
                None => e.to_string(),
            })
    }

    /// Run a script; panics on error.
    pub fn execute(&self, sql: &str) {
        if let Err(e) = self.try_execute(sql) {
            panic!("SQL failed in {}: {e}\n{sql}", self.name);
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = Client::connect(&url_with_database(&server_url(), "postgres"), NoTls)
        {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// The role names the project's fixtures grant to. Roles are cluster-wide, so a test never creates these
/// names: [`TestRoles`] creates a uniquely named stand-in for each and rewrites the SQL it loads.
pub const FIXTURE_ROLES: &[&str] = &[
    "plumb_fixture_owner",
    "plumb_fixture_role",
    "plumb_introspect_reader",
    "plumb_introspect_writer",
];

/// Uniquely named stand-ins for [`FIXTURE_ROLES`] (`plumb_test_<pid>_r<n>_<name>`), created on the server
/// and dropped — with whatever they own or were granted in any database — when this goes out of scope.
/// [`TestRoles::apply`] puts the stand-ins into fixture SQL, [`TestRoles::restore`] puts the fixture names
/// back into output compared with a snapshot. All stand-ins of one `TestRoles` share one prefix, so they
/// sort among themselves (and next to other names) as the fixture names do.
pub struct TestRoles {
    names: Vec<(&'static str, String)>,
}

impl TestRoles {
    pub fn new() -> TestRoles {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut admin = admin();
        let names: Vec<(&'static str, String)> = FIXTURE_ROLES
            .iter()
            .map(|&f| {
                let short = f.strip_prefix("plumb_").unwrap_or(f);
                let mut name = format!("{PREFIX}{}_r{n}_{short}", std::process::id());
                name.truncate(63);
                (f, name)
            })
            .collect();
        let roles = TestRoles { names };
        for (_, name) in &roles.names {
            if let Err(e) = admin.batch_execute(&format!("CREATE ROLE \"{name}\" NOLOGIN")) {
                panic!("cannot create test role {name}: {e}");
            }
        }
        roles
    }

    /// The stand-in of a fixture role name.
    pub fn name(&self, fixture: &str) -> &str {
        self.names
            .iter()
            .find(|(f, _)| *f == fixture)
            .map(|(_, n)| n.as_str())
            .unwrap_or_else(|| panic!("{fixture} is not one of FIXTURE_ROLES"))
    }

    /// `text` with every fixture role name (as a whole identifier) replaced by its stand-in.
    pub fn apply(&self, text: &str) -> String {
        self.names.iter().fold(text.to_string(), |t, (from, to)| {
            replace_ident(&t, from, to)
        })
    }

    /// `text` with every stand-in replaced by its fixture role name.
    pub fn restore(&self, text: &str) -> String {
        self.names.iter().fold(text.to_string(), |t, (to, from)| {
            replace_ident(&t, from, to)
        })
    }
}

impl Default for TestRoles {
    fn default() -> Self {
        TestRoles::new()
    }
}

impl Drop for TestRoles {
    fn drop(&mut self) {
        if let Ok(mut admin) = Client::connect(&url_with_database(&server_url(), "postgres"), NoTls)
        {
            for (_, name) in &self.names {
                drop_role(&mut admin, name);
            }
        }
    }
}

/// Drops, when it goes out of scope, the roles created on the server meanwhile by SQL a test does not write
/// itself (an external corpus's `setup.sql`), with what they own or were granted: roles are cluster-wide
/// and would outlive the test's databases. Other tests' [`TestRoles`] stand-ins are left to their owners.
pub struct NewRolesDropped {
    before: std::collections::BTreeSet<String>,
}

fn role_names(admin: &mut Client) -> std::collections::BTreeSet<String> {
    match admin.query("SELECT rolname::text FROM pg_roles", &[]) {
        Ok(rows) => rows.iter().map(|r| r.get(0)).collect(),
        Err(e) => panic!("cannot list roles: {e}"),
    }
}

impl NewRolesDropped {
    pub fn new() -> NewRolesDropped {
        NewRolesDropped {
            before: role_names(&mut admin()),
        }
    }
}

impl Default for NewRolesDropped {
    fn default() -> Self {
        NewRolesDropped::new()
    }
}

impl Drop for NewRolesDropped {
    fn drop(&mut self) {
        let mut admin = admin();
        for role in role_names(&mut admin) {
            if !self.before.contains(&role) && !role.starts_with(PREFIX) {
                drop_role(&mut admin, &role);
            }
        }
    }
}

/// `text` with `from` replaced by `to` where it is a whole identifier (not part of a longer one).
fn replace_ident(text: &str, from: &str, to: &str) -> String {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(from) {
        let before = rest[..i]
            .chars()
            .next_back()
            .or_else(|| out.chars().next_back());
        let after = rest[i + from.len()..].chars().next();
        out.push_str(&rest[..i]);
        if before.is_some_and(ident) || after.is_some_and(ident) {
            out.push_str(from);
        } else {
            out.push_str(to);
        }
        rest = &rest[i + from.len()..];
    }
    out.push_str(rest);
    out
}

/// The external corpus (`<corpus>/<source>/<case>/{a,b}.sql`), for the tests that say they use it:
/// `PLUMB_CORPUS` when set, else `../shared/corpus` next to the workspace when present. `None` otherwise,
/// after printing that the test did not run (the project's own tests never need it).
pub fn external_corpus(test: &str) -> Option<std::path::PathBuf> {
    let dir = match std::env::var_os("PLUMB_CORPUS").filter(|v| !v.is_empty()) {
        Some(v) => std::path::PathBuf::from(v),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
    };
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "{test}: not run: no external corpus at {} (set PLUMB_CORPUS to a corpus directory)",
            dir.display()
        );
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        let r = redact("postgresql://u:secret@h:5432/db");
        assert!(!r.contains("secret"), "{r}");
        assert_eq!(
            url_with_database("postgresql://u@h:5432/x?sslmode=disable", "y"),
            "postgresql://u@h:5432/y?sslmode=disable"
        );
    }

    #[test]
    fn another_user_acts_as_postgres() {
        let env = |user: &'static str| move |k: &str| (k == "USER").then(|| user.to_string());
        // Logged in as postgres (in the URL, or by default as the OS user): unchanged.
        let url = "postgresql://postgres@127.0.0.1:5432/postgres";
        assert_eq!(as_postgres(url, env("dev")), url);
        let url = "postgresql:///postgres?host=/var/run/postgresql";
        assert_eq!(as_postgres(url, env("postgres")), url);
        // As another user: the session's role is postgres.
        assert_eq!(
            as_postgres(url, env("dev")),
            "postgresql:///postgres?host=/var/run/postgresql&options=-c%20role%3Dpostgres"
        );
        assert_eq!(
            as_postgres(
                "postgresql://dev@/db?host=/s&options=-c%20x%3D1",
                env("dev")
            ),
            "postgresql://dev@/db?host=/s&options=-c%20x%3D1%20-c%20role%3Dpostgres"
        );
        // A role chosen by the user wins.
        let url = "postgresql://dev@/db?options=-c%20role%3Dother";
        assert_eq!(as_postgres(url, env("dev")), url);
    }
}
