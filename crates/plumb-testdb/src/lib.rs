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

pub mod snapshot;

const PREFIX: &str = "plumb_test_";
const DEFAULT_URL: &str = "postgresql://postgres@127.0.0.1:5432/postgres";

/// What to do when no server answers. Printed in every failure so nobody has to guess.
pub const NO_SERVER_HINT: &str = "\
no PostgreSQL server is reachable at DATABASE_URL.
  start one that is installed but down:  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
  install one on Debian/Ubuntu:          just setup   (or: apt-get install postgresql)
  elsewhere: install PostgreSQL 12-17 and set DATABASE_URL=postgresql://USER@HOST:PORT/postgres";

/// The admin URL tests use: `DATABASE_URL`, or the local default when unset.
pub fn server_url() -> String {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT_URL.to_string())
}

/// `base` with its database name replaced by `db`.
pub fn url_with_database(base: &str, db: &str) -> String {
    match url::Url::parse(base) {
        Ok(mut u) => {
            u.set_path(&format!("/{db}"));
            u.to_string()
        }
        Err(e) => {
            panic!("DATABASE_URL is not a URL ({e}); expected postgresql://USER@HOST:PORT/DB")
        }
    }
}

/// Password-free form of a URL, for messages (the one redaction every crate uses).
pub use plumb_pg::redact;

fn connect(url_text: &str) -> Client {
    match Client::connect(url_text, NoTls) {
        Ok(c) => c,
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

/// Drop databases left by test processes that no longer run (their pid is part of the name).
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
        let pid = name[PREFIX.len()..]
            .split('_')
            .next()
            .and_then(|p| p.parse::<u32>().ok());
        let alive = pid.is_some_and(|p| std::path::Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            let _ =
                client.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
        }
    }
}

/// A fresh database for one test. Dropped (with `FORCE`) on drop.
pub struct TestDb {
    name: String,
    url: String,
}

impl TestDb {
    /// Create a database named after `tag` (sanitised), this process and a counter.
    pub fn new(tag: &str) -> TestDb {
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
        if let Err(e) =
            admin.batch_execute(&format!("CREATE DATABASE \"{name}\" TEMPLATE template0"))
        {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_runs_and_drops_a_database() {
        let name;
        {
            let db = TestDb::with_sql(
                "smoke",
                "CREATE TABLE t (id int); INSERT INTO t VALUES (1);",
            );
            name = db.name().to_string();
            let n: i64 = db
                .client()
                .query_one("SELECT count(*) FROM t", &[])
                .unwrap()
                .get(0);
            assert_eq!(n, 1);
            assert!(db.try_execute("SELEC 1").is_err());
        }
        let exists: bool = admin()
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)",
                &[&name],
            )
            .unwrap()
            .get(0);
        assert!(!exists, "{name} should be dropped");
    }

    #[test]
    fn redacts_passwords() {
        let r = redact("postgresql://u:secret@h:5432/db");
        assert!(!r.contains("secret"), "{r}");
        assert_eq!(
            url_with_database("postgresql://u@h:5432/x?sslmode=disable", "y"),
            "postgresql://u@h:5432/y?sslmode=disable"
        );
    }
}
