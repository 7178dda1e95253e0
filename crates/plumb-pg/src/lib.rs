//! Connections to PostgreSQL: connection URLs and `DATABASE_URL`, unix sockets, TLS (`sslmode`), password
//! redaction, and scratch databases for `--dev-url`.
//!
//! Every message this crate builds names the server with [`redact`], so a password in a URL never reaches a
//! log or an error.

mod libpq;
pub mod local;
pub mod pgurl;
mod tls;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

pub use libpq::{Environment, ProcessEnv};

use tokio_postgres::config::SslMode as PgSslMode;
use tokio_postgres::{Client, Config, NoTls};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid connection URL {url}: {reason}")]
    BadUrl { url: String, reason: String },
    /// One line: where, and the innermost cause (`connection refused`); the driver's error is the source.
    #[error("cannot connect to {endpoint}: {reason}")]
    Connect {
        endpoint: String,
        reason: String,
        #[source]
        source: tokio_postgres::Error,
    },
    #[error("cannot connect to {endpoint}: the server asks for a password and none was given; set PGPASSWORD, or add a line to {passfile} (host:port:database:user:password, chmod 0600), or use a service from pg_service.conf{note}")]
    PasswordMissing {
        endpoint: String,
        passfile: String,
        note: String,
    },
    #[error("TLS setup for {url}: {reason}")]
    Tls { url: String, reason: String },
    #[error("{what} on {url}: {source}")]
    Query {
        what: String,
        url: String,
        #[source]
        source: tokio_postgres::Error,
    },
}

/// The innermost cause of an error, as a short phrase: `connection refused` rather than
/// `error connecting to server: Connection refused (os error 111)`.
pub fn innermost_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last: &(dyn std::error::Error + 'static) = e;
    while let Some(next) = last.source() {
        last = next;
    }
    let text = match last.downcast_ref::<tokio_postgres::error::DbError>() {
        Some(db) => db.message().to_string(),
        None => last.to_string(),
    };
    let text = match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => text[..i].to_string(),
        _ => text,
    };
    let mut chars = text.chars();
    match chars.next() {
        // Lower-case a leading capital unless the word is an acronym (`TLS`, `SSL`).
        Some(c) if c.is_uppercase() && !chars.next().is_some_and(char::is_uppercase) => c
            .to_lowercase()
            .chain(text[c.len_utf8()..].chars())
            .collect(),
        _ => text,
    }
}

/// How TLS is used, as libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    /// Try TLS, fall back to plain; the certificate is not verified (libpq's default).
    Prefer,
    /// TLS required; the certificate is not verified.
    Require,
    /// TLS required; certificate chain verified against the web PKI roots or `sslrootcert`. plumb also checks
    /// the host name here (it is as strict as `verify-full`).
    VerifyCa,
    /// TLS required; chain and host name verified.
    VerifyFull,
}

/// A parsed connection target. Display is password-free.
#[derive(Clone)]
pub struct Target {
    original: String,
    config: Config,
    ssl: SslMode,
    root_cert: Option<String>,
    /// The password file to look in when connecting, if no password was given otherwise.
    passfile: Option<PathBuf>,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let named_host = is_url(&self.original) || self.original.contains("host=");
        if !named_host {
            // The server came from the environment or a service: show what it resolved to.
            write!(
                f,
                "{}/{}",
                self.endpoint(),
                self.config
                    .get_dbname()
                    .or(self.config.get_user())
                    .unwrap_or("")
            )
        } else {
            f.write_str(&redact(&self.original))
        }
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({})", redact(&self.original))
    }
}

/// True when `text` looks like a connection string rather than a path.
pub fn is_url(text: &str) -> bool {
    text.starts_with("postgres://") || text.starts_with("postgresql://")
}

/// Replace the password of a URL (or `password=...` of a key/value string) with `***`.
pub fn redact(text: &str) -> String {
    if is_url(text) {
        return match pgurl::PgUrl::split(text) {
            Some(mut u) => {
                u.redact();
                u.to_string()
            }
            None => "<connection URL>".to_string(),
        };
    }
    text.split_whitespace()
        .map(|kv| {
            if kv.starts_with("password=") {
                "password=***".to_string()
            } else {
                kv.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl Target {
    /// Parse a `postgres://` / `postgresql://` URL (or a libpq key/value string, possibly empty) and fill in
    /// what it leaves out the way libpq does: service file, `PG*` environment variables, defaults (see
    /// [`libpq`](crate::Environment)).
    pub fn parse(text: &str) -> Result<Target, Error> {
        Target::parse_with(text, &ProcessEnv)
    }

    /// [`Target::parse`] with a given environment instead of the process's.
    pub fn parse_with(text: &str, env: &dyn Environment) -> Result<Target, Error> {
        let bad = |reason: String| Error::BadUrl {
            url: redact(text),
            reason,
        };
        // Settings tokio-postgres does not know (sslmode verify-ca / verify-full, sslrootcert, service,
        // passfile) are ours.
        let mut ours: BTreeMap<String, String> = BTreeMap::new();
        let ours_key = |k: &str| matches!(k, "sslmode" | "sslrootcert" | "service" | "passfile");
        let mut url_form = None;
        let mut kv_form = Vec::new();
        if is_url(text) {
            let mut u = pgurl::PgUrl::split(text)
                .ok_or_else(|| bad("a query value is not UTF-8".to_string()))?;
            let (mine, kept) = std::mem::take(&mut u.query)
                .into_iter()
                .partition(|(k, _)| ours_key(k));
            ours.extend(mine);
            u.query = kept;
            url_form = Some(u);
        } else {
            for kv in text.split_whitespace() {
                match kv.split_once('=') {
                    Some((k, v)) if ours_key(k) => {
                        ours.insert(k.to_string(), v.to_string());
                    }
                    _ => kv_form.push(kv),
                }
            }
        }
        // The service (named in the string, else PGSERVICE), then the environment, fill what is unset.
        let service = match ours
            .get("service")
            .cloned()
            .or_else(|| env.var("PGSERVICE"))
        {
            Some(name) => libpq::service(&name, env).map_err(bad)?,
            None => BTreeMap::new(),
        };
        let from_env: BTreeMap<String, String> = [
            ("host", "PGHOST"),
            ("port", "PGPORT"),
            ("dbname", "PGDATABASE"),
            ("user", "PGUSER"),
            ("password", "PGPASSWORD"),
            ("sslmode", "PGSSLMODE"),
            ("sslrootcert", "PGSSLROOTCERT"),
            ("application_name", "PGAPPNAME"),
            ("options", "PGOPTIONS"),
            ("connect_timeout", "PGCONNECT_TIMEOUT"),
        ]
        .into_iter()
        .filter_map(|(key, var)| env.var(var).map(|v| (key.to_string(), v)))
        .collect();
        let for_driver = match url_form {
            Some(mut u) => {
                // The driver reads a URL host without a port as port 5432: give it the port a service or
                // PGPORT names first.
                if !u.has_port() && u.has_host() {
                    if let Some(p) = service.get("port").or(from_env.get("port")) {
                        let port = p
                            .trim()
                            .parse::<u16>()
                            .map_err(|_| bad(format!("invalid port {p}")))?;
                        u.set_port(port);
                    }
                }
                u.to_string()
            }
            None => kv_form.join(" "),
        };
        let mut config: Config = if for_driver.trim().is_empty() {
            Config::new()
        } else {
            for_driver
                .parse()
                .map_err(|e: tokio_postgres::Error| bad(e.to_string()))?
        };
        fill(&mut config, &mut ours, &service).map_err(&bad)?;
        fill(&mut config, &mut ours, &from_env)
            .map_err(|e| bad(format!("{e} (from PG* variables)")))?;
        // Defaults.
        if config.get_hosts().is_empty() {
            config.host(libpq::default_host());
        }
        if config.get_user().is_none() {
            if let Some(user) = env.var("USER").or_else(|| env.var("LOGNAME")) {
                config.user(&user);
            }
        }
        if config.get_application_name().is_none() {
            config.application_name("plumb");
        }
        let ssl = match ours.get("sslmode") {
            Some(v) => parse_sslmode(v).ok_or_else(|| bad(format!("unknown sslmode {v}")))?,
            None => SslMode::Prefer,
        };
        config.ssl_mode(match ssl {
            SslMode::Disable => PgSslMode::Disable,
            SslMode::Prefer => PgSslMode::Prefer,
            _ => PgSslMode::Require,
        });
        Ok(Target {
            original: text.to_string(),
            config,
            ssl,
            root_cert: ours.get("sslrootcert").cloned(),
            passfile: libpq::passfile(ours.get("passfile").map(String::as_str), env),
        })
    }

    /// Where this target connects, for messages: `host:port` (or the unix socket), comma-separated when
    /// there are several hosts.
    pub fn endpoint(&self) -> String {
        let ports = self.config.get_ports();
        self.config
            .get_hosts()
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
                match h {
                    tokio_postgres::config::Host::Tcp(h) if h.contains(':') => {
                        format!("[{h}]:{port}")
                    }
                    tokio_postgres::config::Host::Tcp(h) => format!("{h}:{port}"),
                    #[cfg(unix)]
                    tokio_postgres::config::Host::Unix(p) => {
                        format!("{}", p.join(format!(".s.PGSQL.{port}")).display())
                    }
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The user name this target connects as, if known.
    pub fn user(&self) -> Option<&str> {
        self.config.get_user()
    }

    /// The config to connect with: the password file's password added when none was given otherwise.
    fn config_for_connect(&self) -> (Config, Option<String>) {
        let mut config = self.config.clone();
        if config.get_password().is_some() {
            return (config, None);
        }
        let Some(file) = &self.passfile else {
            return (config, None);
        };
        let host = match config.get_hosts().first() {
            Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
            #[cfg(unix)]
            Some(tokio_postgres::config::Host::Unix(p)) => p.display().to_string(),
            None => String::new(),
        };
        let port = config.get_ports().first().copied().unwrap_or(5432);
        let user = config.get_user().unwrap_or("").to_string();
        let db = config.get_dbname().unwrap_or(&user).to_string();
        match libpq::pgpass(file, &host, port, &db, &user) {
            libpq::Lookup::Found(pw) => {
                config.password(pw);
                (config, None)
            }
            libpq::Lookup::NoMatch => (config, None),
            libpq::Lookup::Ignored(why) => (config, Some(why)),
        }
    }

    fn connect_error(&self, source: tokio_postgres::Error, note: Option<String>) -> Error {
        if innermost_cause(&source) == "password missing" {
            return Error::PasswordMissing {
                endpoint: self.endpoint(),
                passfile: self
                    .passfile
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "~/.pgpass".into()),
                note: note.map(|n| format!(" ({n})")).unwrap_or_default(),
            };
        }
        Error::Connect {
            endpoint: self.endpoint(),
            reason: innermost_cause(&source),
            source,
        }
    }

    pub fn ssl_mode(&self) -> SslMode {
        self.ssl
    }

    /// The database name, if the URL names one.
    pub fn database(&self) -> Option<&str> {
        self.config.get_dbname()
    }

    /// The same server, another database. Keeps every other setting.
    pub fn with_database(&self, db: &str) -> Target {
        let mut t = self.clone();
        t.config.dbname(db);
        t.original = if is_url(&self.original) {
            pgurl::with_database(&self.original, db).unwrap_or_else(|| self.original.clone())
        } else {
            let mut parts: Vec<String> = self
                .original
                .split_whitespace()
                .filter(|kv| !kv.starts_with("dbname="))
                .map(String::from)
                .collect();
            parts.push(format!("dbname={db}"));
            parts.join(" ")
        };
        t
    }

    /// The connection string as given (with its password: never print it; use Display).
    pub fn secret_url(&self) -> &str {
        &self.original
    }

    /// Open a connection; its driver task runs on the current tokio runtime.
    pub async fn connect(&self) -> Result<Client, Error> {
        let url = self.to_string();
        let (mut config, note) = self.config_for_connect();
        // libpq never uses TLS on a unix socket: every sslmode, `require` and `verify-full` too, means plain
        // there ("sslmode is ignored for Unix domain socket communication").
        #[cfg(unix)]
        let socket_only = !config.get_hosts().is_empty()
            && config
                .get_hosts()
                .iter()
                .all(|h| matches!(h, tokio_postgres::config::Host::Unix(_)));
        #[cfg(not(unix))]
        let socket_only = false;
        if socket_only {
            config.ssl_mode(PgSslMode::Disable);
        }
        let client = if self.ssl == SslMode::Disable || socket_only {
            let (client, conn) = config
                .connect(NoTls)
                .await
                .map_err(|source| self.connect_error(source, note.clone()))?;
            drive(conn);
            client
        } else {
            let tls =
                tls::make_connector(self.ssl, self.root_cert.as_deref()).map_err(|reason| {
                    Error::Tls {
                        url: url.clone(),
                        reason,
                    }
                })?;
            let (client, conn) = config
                .connect(tls)
                .await
                .map_err(|source| self.connect_error(source, note.clone()))?;
            drive(conn);
            client
        };
        Ok(client)
    }
}

thread_local! {
    /// The tasks that drive the connections opened on this thread (see [`close_connections`]).
    static CONNECTION_TASKS: std::cell::RefCell<Vec<tokio::task::JoinHandle<()>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Run a connection's protocol on a task of its own, as long as its client lives.
fn drive<C>(conn: C)
where
    C: std::future::Future<Output = Result<(), tokio_postgres::Error>> + Send + 'static,
{
    let task = tokio::spawn(async move {
        let _ = conn.await;
    });
    CONNECTION_TASKS.with(|tasks| {
        let mut tasks = tasks.borrow_mut();
        tasks.retain(|t| !t.is_finished());
        tasks.push(task);
    });
}

/// Let the connections opened on this thread end properly. A connection whose client is dropped says goodbye to
/// the server (the protocol's `Terminate` message) the next time its task runs; a process that exits first
/// leaves the server to log `could not receive data from client: Connection reset by peer` for each one. Call
/// it last on a runtime, once every client is dropped; it waits at most `limit` (a client still held keeps its
/// connection open, and that one is left as it was).
pub async fn close_connections(limit: std::time::Duration) {
    let tasks = CONNECTION_TASKS.with(|tasks| std::mem::take(&mut *tasks.borrow_mut()));
    let all = async {
        for task in tasks {
            let _ = task.await;
        }
    };
    let _ = tokio::time::timeout(limit, all).await;
}

/// Fill what `config` (and our own settings) leave unset from libpq-keyword `settings` (a service or the
/// environment).
fn fill(
    config: &mut Config,
    ours: &mut BTreeMap<String, String>,
    settings: &BTreeMap<String, String>,
) -> Result<(), String> {
    for (key, value) in settings {
        match key.as_str() {
            "host" if config.get_hosts().is_empty() => {
                for h in value.split(',') {
                    config.host(h.trim());
                }
            }
            "port" if config.get_ports().is_empty() => {
                for p in value.split(',') {
                    let port = p
                        .trim()
                        .parse::<u16>()
                        .map_err(|_| format!("invalid port {p}"))?;
                    config.port(port);
                }
            }
            "dbname" if config.get_dbname().is_none() => {
                config.dbname(value);
            }
            "user" if config.get_user().is_none() => {
                config.user(value);
            }
            "password" if config.get_password().is_none() => {
                config.password(value);
            }
            "application_name" if config.get_application_name().is_none() => {
                config.application_name(value);
            }
            "options" if config.get_options().is_none() => {
                config.options(value);
            }
            "connect_timeout" if config.get_connect_timeout().is_none() => {
                let secs = value
                    .trim()
                    .parse::<u64>()
                    .map_err(|_| format!("invalid connect_timeout {value}"))?;
                if secs > 0 {
                    config.connect_timeout(std::time::Duration::from_secs(secs.max(2)));
                }
            }
            "sslmode" | "sslrootcert" | "passfile" => {
                ours.entry(key.clone()).or_insert_with(|| value.clone());
            }
            _ => {}
        }
    }
    Ok(())
}

fn parse_sslmode(v: &str) -> Option<SslMode> {
    Some(match v {
        "disable" => SslMode::Disable,
        "allow" | "prefer" => SslMode::Prefer,
        "require" => SslMode::Require,
        "verify-ca" => SslMode::VerifyCa,
        "verify-full" => SslMode::VerifyFull,
        _ => return None,
    })
}

/// The target named by `explicit`, else by `DATABASE_URL`, else — as psql does — by `PGSERVICE`, `PGHOST`,
/// `PGDATABASE`, `PGPORT` or `PGUSER` when one of them is set.
pub fn target_from(explicit: Option<&str>) -> Result<Target, Error> {
    match explicit {
        Some(t) => Target::parse(t),
        None => match std::env::var("DATABASE_URL") {
            Ok(v) if !v.is_empty() => Target::parse(&v),
            _ if ["PGSERVICE", "PGHOST", "PGDATABASE", "PGPORT", "PGUSER"]
                .iter()
                .any(|v| ProcessEnv.var(v).is_some()) =>
            {
                Target::parse("")
            }
            _ => Err(Error::BadUrl {
                url: "<none>".into(),
                reason: "no database given: pass --database URL, or set DATABASE_URL (or PGHOST, PGDATABASE, PGSERVICE, ...)".into(),
            }),
        },
    }
}

/// A temporary database on a development server (`--dev-url`), created empty and dropped by
/// [`ScratchDb::drop_now`].
pub struct ScratchDb {
    admin: Target,
    pub target: Target,
    name: String,
}

impl ScratchDb {
    /// Create `plumb_scratch_<pid>_<n>` on the server of `dev`.
    pub async fn create(dev: &Target) -> Result<ScratchDb, Error> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "plumb_scratch_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let admin = dev.clone();
        let client = admin.connect().await?;
        client
            .batch_execute(&format!("CREATE DATABASE \"{name}\" TEMPLATE template0"))
            .await
            .map_err(|source| Error::Query {
                what: format!("CREATE DATABASE {name}"),
                url: admin.to_string(),
                source,
            })?;
        let target = dev.with_database(&name);
        Ok(ScratchDb {
            admin,
            target,
            name,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Drop the database (forcing out any session left on it).
    pub async fn drop_now(self) -> Result<(), Error> {
        let client = self.admin.connect().await?;
        client
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .await
            .map_err(|source| Error::Query {
                what: format!("DROP DATABASE {}", self.name),
                url: self.admin.to_string(),
                source,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_url_and_keyvalue_passwords() {
        for text in [
            "postgresql://alice:s3cret@db.example.com:5432/app",
            "postgres://alice:s3cret@db/app?sslmode=require&password=s3cret",
            "host=db user=alice password=s3cret dbname=app",
            "postgresql://alice:s3cret@[bad",
        ] {
            let r = redact(text);
            assert!(!r.contains("s3cret"), "{text} -> {r}");
        }
        assert_eq!(redact("postgresql://u@h/db"), "postgresql://u@h/db");
    }

    #[test]
    fn parses_sslmodes_the_driver_does_not_know() {
        let t = Target::parse(
            "postgresql://u:pw@h:5433/app?sslmode=verify-full&sslrootcert=/tmp/ca.pem",
        )
        .unwrap();
        assert_eq!(t.ssl_mode(), SslMode::VerifyFull);
        assert_eq!(t.database(), Some("app"));
        assert!(!t.to_string().contains("pw"));
        assert!(Target::parse("postgresql://h/app?sslmode=sometimes").is_err());
        let d = Target::parse("postgresql://u@h/app?sslmode=disable")
            .unwrap()
            .with_database("other");
        assert_eq!(d.database(), Some("other"));
        assert_eq!(d.ssl_mode(), SslMode::Disable);
    }

    #[test]
    fn unix_socket_urls_parse() {
        let t = Target::parse("postgresql:///test?host=/var/run/postgresql").unwrap();
        assert_eq!(t.database(), Some("test"));
    }

    fn env(vars: &[(&str, &str)]) -> BTreeMap<String, String> {
        vars.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn pg_variables_fill_what_the_url_leaves_out() {
        let e = env(&[
            ("PGHOST", "db.example"),
            ("PGPORT", "6543"),
            ("PGDATABASE", "shop"),
            ("PGUSER", "alice"),
            ("PGPASSWORD", "hunter2"),
            ("PGSSLMODE", "require"),
            ("PGAPPNAME", "ci"),
        ]);
        let t = Target::parse_with("", &e).unwrap();
        assert_eq!(t.endpoint(), "db.example:6543");
        assert_eq!(t.database(), Some("shop"));
        assert_eq!(t.user(), Some("alice"));
        assert_eq!(t.config.get_password(), Some(&b"hunter2"[..]));
        assert_eq!(t.ssl_mode(), SslMode::Require);
        assert_eq!(t.config.get_application_name(), Some("ci"));
        assert_eq!(t.to_string(), "db.example:6543/shop");
        assert!(!format!("{t} {t:?}").contains("hunter2"));
        // What the URL says wins; the rest still comes from the environment.
        let t = Target::parse_with("postgresql://bob@other/app?sslmode=disable", &e).unwrap();
        assert_eq!(t.endpoint(), "other:6543");
        assert_eq!((t.user(), t.database()), (Some("bob"), Some("app")));
        assert_eq!(t.ssl_mode(), SslMode::Disable);
        assert_eq!(t.config.get_password(), Some(&b"hunter2"[..]));
        assert_eq!(t.to_string(), "postgresql://bob@other/app?sslmode=disable");
        let bad = Target::parse_with("", &env(&[("PGPORT", "x")])).unwrap_err();
        assert!(bad.to_string().contains("invalid port x"), "{bad}");
    }

    #[test]
    fn a_service_comes_before_the_environment() {
        let dir = std::env::temp_dir().join(format!("plumb-pg-svc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("services.conf");
        // removed at the end of the test, whatever the assertions say
        struct Remove(std::path::PathBuf);
        impl Drop for Remove {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
        let _remove = Remove(dir.clone());
        std::fs::write(
            &file,
            "[prod]\nhost=prod.example\ndbname=app\nsslmode=verify-full\n",
        )
        .unwrap();
        let f = file.display().to_string();
        let e = env(&[
            ("PGSERVICEFILE", &f),
            ("PGSERVICE", "prod"),
            ("PGHOST", "ignored.example"),
            ("PGUSER", "svc"),
        ]);
        let t = Target::parse_with("", &e).unwrap();
        assert_eq!(t.endpoint(), "prod.example:5432");
        assert_eq!((t.user(), t.database()), (Some("svc"), Some("app")));
        assert_eq!(t.ssl_mode(), SslMode::VerifyFull);
        // service= in the URL, and the URL's own settings first.
        let t = Target::parse_with(
            "postgresql:///other?service=prod",
            &env(&[("PGSERVICEFILE", &f)]),
        )
        .unwrap();
        assert_eq!(t.endpoint(), "prod.example:5432");
        assert_eq!(t.database(), Some("other"));
        let e = Target::parse_with("service=nope", &env(&[("PGSERVICEFILE", &f)])).unwrap_err();
        assert!(
            e.to_string().contains("service \"nope\" is not defined"),
            "{e}"
        );
    }

    #[test]
    fn connect_errors_are_one_line_with_the_innermost_cause() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let t = Target::parse("postgresql://u:secret@127.0.0.1:1/db").unwrap();
        let e = rt.block_on(t.connect()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot connect to 127.0.0.1:1: connection refused"
        );
        assert!(std::error::Error::source(&e).is_some());
    }

    #[test]
    fn bad_url_error_does_not_leak_password() {
        let e = Target::parse("postgresql://u:topsecret@h/app?sslmode=nope").unwrap_err();
        assert!(!e.to_string().contains("topsecret"), "{e}");
    }
}
