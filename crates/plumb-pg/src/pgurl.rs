//! A `postgres://` / `postgresql://` URL split the way libpq reads it.
//!
//! `url::Url` follows the WHATWG rules and refuses URLs libpq takes: a user with no host
//! (`postgresql://me@/db?host=/var/run/postgresql`, the usual way to name a unix socket), several hosts
//! (`postgresql://h1,h2:5433/db`). Its query form also reads `+` as a space, which libpq does not
//! (`options=-c%20role%3Dx` and `options=-c+role=x` differ). This splitter keeps every part as written and
//! decodes only `%XX` in query values, as libpq's `conninfo_uri_decode` does.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};

/// What a query value needs escaped to be read back the same: the separators, `%`, `+` and space.
const QUERY_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'%')
    .add(b'&')
    .add(b'=')
    .add(b'#')
    .add(b'+')
    .add(b'"');

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgUrl {
    /// `postgresql://` or `postgres://`.
    pub scheme: String,
    /// `user` or `user:password`, as written (percent-encoded).
    pub userinfo: Option<String>,
    /// `host`, `host:port`, `[::1]:5432`, `h1,h2:5433`, or empty.
    pub hosts: String,
    /// The database name as written (percent-encoded), without the `/`; `None` when there is no path.
    pub database: Option<String>,
    /// The query parameters, decoded.
    pub query: Vec<(String, String)>,
}

impl PgUrl {
    /// Split `text`; `None` when it is not a `postgres://` / `postgresql://` URL or a query value is not
    /// UTF-8 after decoding.
    pub fn split(text: &str) -> Option<PgUrl> {
        let scheme_end = ["postgresql://", "postgres://"]
            .iter()
            .find(|s| text.starts_with(**s))?
            .len();
        let (scheme, rest) = text.split_at(scheme_end);
        let (before_query, query_text) = match rest.split_once('?') {
            Some((a, q)) => (a, Some(q)),
            None => (rest, None),
        };
        let (authority, database) = match before_query.split_once('/') {
            Some((a, d)) => (a, Some(d.to_string())),
            None => (before_query, None),
        };
        let (userinfo, hosts) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u.to_string()), h.to_string()),
            None => (None, authority.to_string()),
        };
        let mut query = Vec::new();
        for pair in query_text
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let k = percent_decode_str(k).decode_utf8().ok()?.into_owned();
            let v = percent_decode_str(v).decode_utf8().ok()?.into_owned();
            query.push((k, v));
        }
        Some(PgUrl {
            scheme: scheme.to_string(),
            userinfo,
            hosts,
            database,
            query,
        })
    }

    /// Whether the URL gives a host in its authority part.
    pub fn has_host(&self) -> bool {
        self.hosts
            .split(',')
            .any(|h| !host_and_port(h).0.is_empty())
    }

    /// Whether a port is given, in the authority or as `?port=`.
    pub fn has_port(&self) -> bool {
        self.hosts.split(',').any(|h| host_and_port(h).1.is_some())
            || self.query.iter().any(|(k, _)| k == "port")
    }

    /// Give the one host of the authority this port (nothing when there are several hosts).
    pub fn set_port(&mut self, port: u16) {
        if !self.hosts.contains(',') {
            let host = host_and_port(&self.hosts).0.to_string();
            self.hosts = format!("{host}:{port}");
        }
    }

    /// Replace the password in the authority, if there is one, and a `password` query value, by `***`.
    pub fn redact(&mut self) {
        if let Some(u) = self.userinfo.as_mut() {
            if let Some((user, _)) = u.split_once(':') {
                *u = format!("{user}:***");
            }
        }
        for (k, v) in &mut self.query {
            if k == "password" {
                *v = "***".to_string();
            }
        }
    }
}

impl std::fmt::Display for PgUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.scheme)?;
        if let Some(u) = &self.userinfo {
            write!(f, "{u}@")?;
        }
        f.write_str(&self.hosts)?;
        if let Some(d) = &self.database {
            write!(f, "/{d}")?;
        }
        for (i, (k, v)) in self.query.iter().enumerate() {
            let sep = if i == 0 { '?' } else { '&' };
            write!(
                f,
                "{sep}{}={}",
                utf8_percent_encode(k, QUERY_VALUE),
                utf8_percent_encode(v, QUERY_VALUE)
            )?;
        }
        Ok(())
    }
}

/// `text` with its database replaced by `db` (a `dbname` query parameter removed); `None` when `text` is not
/// a `postgres://` URL.
pub fn with_database(text: &str, db: &str) -> Option<String> {
    let mut u = PgUrl::split(text)?;
    u.database = Some(encode_database(db));
    u.query.retain(|(k, _)| k != "dbname");
    Some(u.to_string())
}

/// `host:port` → (`host`, `Some(port)`); `[::1]:5432` → (`[::1]`, `Some(5432)`).
fn host_and_port(h: &str) -> (&str, Option<&str>) {
    if h.starts_with('[') {
        return match h.find(']') {
            Some(end) => match h[end + 1..].strip_prefix(':') {
                Some(port) => (&h[..=end], Some(port)),
                None => (h, None),
            },
            None => (h, None),
        };
    }
    match h.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (h, None),
    }
}

/// Encode a database name for the path of a URL.
pub fn encode_database(db: &str) -> String {
    const PATH: &AsciiSet = &QUERY_VALUE.add(b'/').add(b'?');
    utf8_percent_encode(db, PATH).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_what_libpq_takes_and_url_refuses() {
        let u = PgUrl::split("postgresql://me@/db?host=/var/run/postgresql&port=5433").unwrap();
        assert_eq!(u.userinfo.as_deref(), Some("me"));
        assert_eq!(u.hosts, "");
        assert_eq!(u.database.as_deref(), Some("db"));
        assert!(!u.has_host());
        assert!(u.has_port());
        assert_eq!(
            u.to_string(),
            "postgresql://me@/db?host=/var/run/postgresql&port=5433"
        );

        let u = PgUrl::split("postgres://a:b@h1,h2:5433").unwrap();
        assert_eq!(u.hosts, "h1,h2:5433");
        assert_eq!(u.database, None);
        assert_eq!(u.userinfo.as_deref(), Some("a:b"));
        assert!(u.has_host() && u.has_port());
    }

    #[test]
    fn query_values_decode_percent_only_and_round_trip() {
        let u = PgUrl::split("postgresql:///d?options=-c%20role%3Dx&application_name=a+b").unwrap();
        assert_eq!(
            u.query,
            vec![
                ("options".to_string(), "-c role=x".to_string()),
                ("application_name".to_string(), "a+b".to_string())
            ]
        );
        assert_eq!(
            u.to_string(),
            "postgresql:///d?options=-c%20role%3Dx&application_name=a%2Bb"
        );
        assert_eq!(PgUrl::split(&u.to_string()).unwrap(), u);
    }

    #[test]
    fn ports_are_added_to_one_host_only() {
        let mut u = PgUrl::split("postgresql://me@[::1]/d").unwrap();
        assert!(u.has_host() && !u.has_port());
        u.set_port(6000);
        assert_eq!(u.to_string(), "postgresql://me@[::1]:6000/d");
        let mut u = PgUrl::split("postgresql://h1,h2/d").unwrap();
        u.set_port(6000);
        assert_eq!(u.hosts, "h1,h2");
    }

    #[test]
    fn redacts_both_password_places() {
        let mut u = PgUrl::split("postgresql://me:s3cret@/d?password=other&host=/s").unwrap();
        u.redact();
        assert_eq!(u.to_string(), "postgresql://me:***@/d?password=***&host=/s");
    }
}
