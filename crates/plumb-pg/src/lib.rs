//! Connections to PostgreSQL: connection URLs and `DATABASE_URL`, unix sockets, TLS (`sslmode`), password
//! redaction, and scratch databases for `--dev-url`.
//!
//! Every message this crate builds names the server with [`redact`], so a password in a URL never reaches a
//! log or an error.

pub mod local;
mod tls;

use std::fmt;

use tokio_postgres::config::SslMode as PgSslMode;
use tokio_postgres::{Client, Config, NoTls};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid connection URL {url}: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("cannot connect to {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: tokio_postgres::Error,
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
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(&self.original))
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
        if let Ok(mut u) = url::Url::parse(text) {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            let pairs: Vec<(String, String)> = u
                .query_pairs()
                .map(|(k, v)| {
                    let v = if k == "password" {
                        "***".to_string()
                    } else {
                        v.into_owned()
                    };
                    (k.into_owned(), v)
                })
                .collect();
            if !pairs.is_empty() {
                u.query_pairs_mut().clear().extend_pairs(pairs);
            }
            return u.to_string();
        }
        // Not parseable: drop everything between "://" and the last '@'.
        if let (Some(start), Some(at)) = (text.find("://"), text.rfind('@')) {
            if at > start {
                return format!("{}://***@{}", &text[..start], &text[at + 1..]);
            }
        }
        return "<connection URL>".to_string();
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
    /// Parse a `postgres://` / `postgresql://` URL (or a libpq key/value string).
    pub fn parse(text: &str) -> Result<Target, Error> {
        let bad = |reason: String| Error::BadUrl {
            url: redact(text),
            reason,
        };
        let mut ssl = SslMode::Prefer;
        let mut root_cert = None;
        // sslmode verify-ca / verify-full and sslrootcert are ours; tokio-postgres does not know them.
        let for_driver = if is_url(text) {
            let mut u = url::Url::parse(text).map_err(|e| bad(e.to_string()))?;
            let mut kept = Vec::new();
            for (k, v) in u.query_pairs() {
                match &*k {
                    "sslmode" => {
                        ssl =
                            parse_sslmode(&v).ok_or_else(|| bad(format!("unknown sslmode {v}")))?
                    }
                    "sslrootcert" => root_cert = Some(v.into_owned()),
                    _ => kept.push((k.into_owned(), v.into_owned())),
                }
            }
            u.set_query(None);
            if !kept.is_empty() {
                u.query_pairs_mut().extend_pairs(kept);
            }
            u.to_string()
        } else {
            let mut kept = Vec::new();
            for kv in text.split_whitespace() {
                match kv.split_once('=') {
                    Some(("sslmode", v)) => {
                        ssl = parse_sslmode(v).ok_or_else(|| bad(format!("unknown sslmode {v}")))?
                    }
                    Some(("sslrootcert", v)) => root_cert = Some(v.to_string()),
                    _ => kept.push(kv),
                }
            }
            kept.join(" ")
        };
        let mut config: Config = for_driver
            .parse()
            .map_err(|e: tokio_postgres::Error| bad(e.to_string()))?;
        config.ssl_mode(match ssl {
            SslMode::Disable => PgSslMode::Disable,
            SslMode::Prefer => PgSslMode::Prefer,
            _ => PgSslMode::Require,
        });
        if config.get_user().is_none() {
            if let Ok(user) = std::env::var("PGUSER").or_else(|_| std::env::var("USER")) {
                config.user(&user);
            }
        }
        if config.get_application_name().is_none() {
            config.application_name("plumb");
        }
        Ok(Target {
            original: text.to_string(),
            config,
            ssl,
            root_cert,
        })
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
            match url::Url::parse(&self.original) {
                Ok(mut u) => {
                    u.set_path(&format!("/{db}"));
                    u.to_string()
                }
                Err(_) => self.original.clone(),
            }
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
        let url = redact(&self.original);
        let client = if self.ssl == SslMode::Disable {
            let (client, conn) =
                self.config
                    .connect(NoTls)
                    .await
                    .map_err(|source| Error::Connect {
                        url: url.clone(),
                        source,
                    })?;
            tokio::spawn(async move {
                let _ = conn.await;
            });
            client
        } else {
            let tls =
                tls::make_connector(self.ssl, self.root_cert.as_deref()).map_err(|reason| {
                    Error::Tls {
                        url: url.clone(),
                        reason,
                    }
                })?;
            let (client, conn) =
                self.config
                    .connect(tls)
                    .await
                    .map_err(|source| Error::Connect {
                        url: url.clone(),
                        source,
                    })?;
            tokio::spawn(async move {
                let _ = conn.await;
            });
            client
        };
        Ok(client)
    }
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

/// The target named by `explicit`, else by `DATABASE_URL`.
pub fn target_from(explicit: Option<&str>) -> Result<Target, Error> {
    match explicit {
        Some(t) => Target::parse(t),
        None => match std::env::var("DATABASE_URL") {
            Ok(v) if !v.is_empty() => Target::parse(&v),
            _ => Err(Error::BadUrl {
                url: "<none>".into(),
                reason: "no database given: pass --database URL or set DATABASE_URL".into(),
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

    #[test]
    fn bad_url_error_does_not_leak_password() {
        let e = Target::parse("postgresql://u:topsecret@h/app?sslmode=nope").unwrap_err();
        assert!(!e.to_string().contains("topsecret"), "{e}");
    }
}
