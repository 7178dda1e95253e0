//! libpq's conventions for what a connection string leaves out, so plumb connects where `psql` does:
//!
//! 1. the connection string (URL or `key=value` pairs);
//! 2. a service (`service=NAME` in the string, else `PGSERVICE`) from `PGSERVICEFILE` or `~/.pg_service.conf`,
//!    else from `PGSYSCONFDIR/pg_service.conf` (default `/etc/postgresql-common/pg_service.conf`, Debian's);
//! 3. the environment: `PGHOST`, `PGPORT`, `PGDATABASE`, `PGUSER`, `PGPASSWORD`, `PGSSLMODE`,
//!    `PGSSLROOTCERT`, `PGAPPNAME`, `PGOPTIONS`, `PGCONNECT_TIMEOUT`;
//! 4. defaults: the local unix socket directory (else `localhost`), port 5432, the OS user;
//! 5. a password still missing is looked up in the password file (`passfile=` in the string, else
//!    `PGPASSFILE`, else `~/.pgpass`), by host, port, database and user, when connecting. A password file that
//!    group or others can read is ignored, as libpq does.
//!
//! Each step only fills in what the steps before it left unset. No crate does all of this for
//! `tokio-postgres` (see docs/ARCHITECTURE.md), so it is here, with the environment passed in so tests need
//! not change the process's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where settings come from besides the connection string: environment variables and the home directory.
pub trait Environment {
    /// A variable's value; unset and empty are the same.
    fn var(&self, name: &str) -> Option<String>;
}

/// The process's environment.
pub struct ProcessEnv;

impl Environment for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

/// A fixed environment (for tests): only these variables are set.
impl Environment for BTreeMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.is_empty()).cloned()
    }
}

fn home(env: &dyn Environment) -> Option<PathBuf> {
    env.var("HOME").map(PathBuf::from)
}

/// The settings of service `name`: the first service file that defines it wins, as in libpq.
pub(crate) fn service(
    name: &str,
    env: &dyn Environment,
) -> Result<BTreeMap<String, String>, String> {
    let user_file = env
        .var("PGSERVICEFILE")
        .map(PathBuf::from)
        .or_else(|| home(env).map(|h| h.join(".pg_service.conf")));
    let system_file = env
        .var("PGSYSCONFDIR")
        .map(|d| Path::new(&d).join("pg_service.conf"))
        .unwrap_or_else(|| PathBuf::from("/etc/postgresql-common/pg_service.conf"));
    let mut looked = Vec::new();
    for file in user_file.into_iter().chain([system_file]) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            looked.push(file.display().to_string());
            continue;
        };
        if let Some(settings) = service_in(&text, name, &file)? {
            return Ok(settings);
        }
        looked.push(file.display().to_string());
    }
    Err(format!(
        "service \"{name}\" is not defined (looked in {})",
        looked.join(", ")
    ))
}

/// Service `name` in the text of a service file (`[name]` then `key=value` lines, `#` comments).
fn service_in(
    text: &str,
    name: &str,
    file: &Path,
) -> Result<Option<BTreeMap<String, String>>, String> {
    let mut current: Option<&str> = None;
    let mut found: Option<BTreeMap<String, String>> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(section) = line.strip_prefix('[') {
            let Some(section) = section.strip_suffix(']') else {
                return Err(format!(
                    "{}:{}: syntax error: {line}",
                    file.display(),
                    i + 1
                ));
            };
            if found.is_some() {
                break;
            }
            current = Some(section.trim());
            if current == Some(name) {
                found = Some(BTreeMap::new());
            }
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(format!(
                "{}:{}: syntax error: expected key=value",
                file.display(),
                i + 1
            ));
        };
        if current == Some(name) {
            if let Some(settings) = found.as_mut() {
                settings.insert(key.trim().to_string(), value.trim().to_string());
            }
        }
    }
    Ok(found)
}

/// The password file to use: `passfile` from the string or service, else `PGPASSFILE`, else `~/.pgpass`.
pub(crate) fn passfile(explicit: Option<&str>, env: &dyn Environment) -> Option<PathBuf> {
    explicit
        .map(PathBuf::from)
        .or_else(|| env.var("PGPASSFILE").map(PathBuf::from))
        .or_else(|| home(env).map(|h| h.join(".pgpass")))
}

/// What looking up a password file found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Lookup {
    Found(String),
    NoMatch,
    /// The file exists but group or others can read it: libpq ignores it, so do we; the reason is kept for
    /// the error that a missing password gives.
    Ignored(String),
}

/// The password for `host:port:database:user` in a `.pgpass`-format file. A unix-socket host matches
/// `localhost`, as in libpq; `*` matches anything; `\:` and `\\` escape.
pub(crate) fn pgpass(file: &Path, host: &str, port: u16, database: &str, user: &str) -> Lookup {
    let Ok(meta) = std::fs::metadata(file) else {
        return Lookup::NoMatch;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.is_file() && meta.permissions().mode() & 0o077 != 0 {
            return Lookup::Ignored(format!(
                "password file {} was ignored: group or others can read it (chmod 0600 it)",
                file.display()
            ));
        }
    }
    if !meta.is_file() {
        return Lookup::NoMatch;
    }
    let Ok(text) = std::fs::read_to_string(file) else {
        return Lookup::NoMatch;
    };
    let host = if host.is_empty() || host.starts_with('/') {
        "localhost"
    } else {
        host
    };
    let port = port.to_string();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields = split_pgpass(line);
        if fields.len() < 5 {
            continue;
        }
        let matches = |pattern: &str, value: &str| pattern == "*" || pattern == value;
        if matches(&fields[0], host)
            && matches(&fields[1], &port)
            && matches(&fields[2], database)
            && matches(&fields[3], user)
        {
            return Lookup::Found(fields[4..].join(":"));
        }
    }
    Lookup::NoMatch
}

/// The colon-separated fields of a password-file line, unescaped.
fn split_pgpass(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(next), Some(f)) = (chars.next(), fields.last_mut()) {
                    f.push(next);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => {
                if let Some(f) = fields.last_mut() {
                    f.push(c);
                }
            }
        }
    }
    fields
}

/// The directory of the local server's unix socket when there is one (Debian's, then the upstream default),
/// else `localhost`: libpq's default host.
pub(crate) fn default_host() -> String {
    for dir in ["/var/run/postgresql", "/tmp"] {
        if Path::new(dir).join(".s.PGSQL.5432").exists() {
            return dir.to_string();
        }
    }
    if Path::new("/var/run/postgresql").is_dir() {
        return "/var/run/postgresql".to_string();
    }
    "localhost".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A directory of one test's files, removed when the test ends.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(tag: &str) -> Scratch {
            let dir = std::env::temp_dir().join(format!("plumb-pg-{tag}-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn temp(dir: &Scratch, name: &str, text: &str, mode: u32) -> PathBuf {
        let p = dir.0.join(name);
        std::fs::write(&p, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        p
    }

    #[test]
    fn pgpass_matches_fields_wildcards_escapes_and_sockets() {
        let dir = Scratch::new("pgpass");
        let f = temp(
            &dir,
            "pgpass",
            "# comment\n\
             db.example:5432:app:alice:first\n\
             *:5433:*:bob:pa\\:ss\\\\word\n\
             localhost:*:*:carol:via:socket\n",
            0o600,
        );
        assert_eq!(
            pgpass(&f, "db.example", 5432, "app", "alice"),
            Lookup::Found("first".into())
        );
        assert_eq!(
            pgpass(&f, "db.example", 5432, "other", "alice"),
            Lookup::NoMatch
        );
        assert_eq!(
            pgpass(&f, "anywhere", 5433, "x", "bob"),
            Lookup::Found("pa:ss\\word".into())
        );
        assert_eq!(
            pgpass(&f, "/var/run/postgresql", 5432, "x", "carol"),
            Lookup::Found("via:socket".into())
        );
        let open = temp(&dir, "pgpass-open", "*:*:*:*:pw\n", 0o644);
        assert!(matches!(
            pgpass(&open, "h", 5432, "d", "u"),
            Lookup::Ignored(why) if why.contains("chmod 0600")
        ));
        assert_eq!(
            pgpass(Path::new("/nonexistent/pgpass"), "h", 1, "d", "u"),
            Lookup::NoMatch
        );
    }

    #[test]
    fn service_files_user_first_then_system() {
        let dir = Scratch::new("services");
        let user = temp(
            &dir,
            "user_service.conf",
            "# mine\n[app]\nhost=db.internal\nport = 6543\n\n[other]\nuser=x\n",
            0o600,
        );
        let sysdir = dir.0.join("sys");
        std::fs::create_dir_all(&sysdir).unwrap();
        std::fs::write(sysdir.join("pg_service.conf"), "[sys]\ndbname=fromsys\n").unwrap();
        let env: BTreeMap<String, String> = [
            ("PGSERVICEFILE", user.display().to_string()),
            ("PGSYSCONFDIR", sysdir.display().to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let app = service("app", &env).unwrap();
        assert_eq!(app.get("host").map(String::as_str), Some("db.internal"));
        assert_eq!(app.get("port").map(String::as_str), Some("6543"));
        assert_eq!(app.len(), 2);
        assert_eq!(
            service("sys", &env)
                .unwrap()
                .get("dbname")
                .map(String::as_str),
            Some("fromsys")
        );
        let e = service("nope", &env).unwrap_err();
        assert!(e.contains("service \"nope\" is not defined"), "{e}");
        let bad = temp(&dir, "bad_service.conf", "[app]\nhost\n", 0o600);
        let env: BTreeMap<String, String> =
            [("PGSERVICEFILE".to_string(), bad.display().to_string())].into();
        assert!(service("app", &env)
            .unwrap_err()
            .contains(":2: syntax error"));
    }
}
