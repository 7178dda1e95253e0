//! Connections against the real server: plain, TLS (`sslmode=require` encrypts, `verify-full` rejects a
//! certificate no trusted authority signed), scratch databases, and messages that never carry the password.

use plumb_pg::pgurl::PgUrl;
use plumb_pg::{ScratchDb, Target};
use plumb_testdb::{server_url, url_with_database};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn with_params(url: &str, params: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{params}")
}

#[test]
fn sslmode_require_encrypts_when_the_server_offers_tls() {
    let rt = runtime();
    let base = url_with_database(&server_url(), "postgres");
    let plain = rt.block_on(async { Target::parse(&base).unwrap().connect().await.unwrap() });
    let server_ssl: String = rt
        .block_on(plain.query_one("SHOW ssl", &[]))
        .unwrap()
        .get(0);
    let target = Target::parse(&with_params(&base, "sslmode=require")).unwrap();
    let result = rt.block_on(async {
        let client = target.connect().await?;
        let row = client
            .query_one(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )
            .await
            .map_err(|source| plumb_pg::Error::Query {
                what: "pg_stat_ssl".into(),
                url: String::new(),
                source,
            })?;
        Ok::<bool, plumb_pg::Error>(row.get(0))
    });
    if !PgUrl::split(&base).unwrap().has_host() {
        // A unix socket (DATABASE_URL names no host): libpq ignores sslmode there, and so does plumb.
        assert!(
            !result.unwrap(),
            "sslmode=require over a unix socket is plain"
        );
    } else if server_ssl == "on" {
        assert!(
            result.unwrap(),
            "sslmode=require must give an encrypted connection"
        );
    } else {
        let err = result.unwrap_err().to_string();
        assert!(
            err.contains("cannot connect"),
            "sslmode=require against a server without TLS must fail: {err}"
        );
    }
    let disabled = Target::parse(&with_params(&base, "sslmode=disable")).unwrap();
    let encrypted: bool = rt.block_on(async {
        let c = disabled.connect().await.unwrap();
        c.query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await
        .unwrap()
        .get(0)
    });
    assert!(!encrypted, "sslmode=disable must not encrypt");
}

#[test]
fn verify_full_rejects_an_untrusted_certificate_without_leaking_the_password() {
    let rt = runtime();
    let base = url_with_database(&server_url(), "postgres");
    let mut url = PgUrl::split(&with_params(&base, "sslmode=verify-full")).unwrap();
    match url.userinfo.as_mut() {
        Some(user) => *user = format!("{}:pa55word", user.split(':').next().unwrap_or_default()),
        None => url.query.push(("password".into(), "pa55word".into())),
    }
    let result = rt.block_on(async { Target::parse(&url.to_string()).unwrap().connect().await });
    if url.has_host() {
        // The local server's certificate (Debian's snakeoil, or none at all) is signed by no web PKI root, so
        // verify-full must refuse it; the error names the server without its password.
        let err = result.err().unwrap().to_string();
        assert!(!err.contains("pa55word"), "{err}");
        assert!(err.contains("cannot connect"), "{err}");
    } else {
        // A unix socket (DATABASE_URL names no host): libpq ignores sslmode there, and so does plumb.
        assert!(
            result.is_ok(),
            "verify-full over a unix socket: {:?}",
            result.err()
        );
    }
}

#[test]
fn scratch_databases_are_created_and_dropped() {
    let rt = runtime();
    let dev = Target::parse(&url_with_database(&server_url(), "postgres")).unwrap();
    let name = rt.block_on(async {
        let scratch = ScratchDb::create(&dev).await.unwrap();
        let client = scratch.target.connect().await.unwrap();
        client
            .batch_execute("CREATE TABLE t (id int)")
            .await
            .unwrap();
        let name = scratch.name().to_string();
        drop(client);
        scratch.drop_now().await.unwrap();
        name
    });
    let exists: bool = rt.block_on(async {
        let c = dev.connect().await.unwrap();
        c.query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)",
            &[&name],
        )
        .await
        .unwrap()
        .get(0)
    });
    assert!(!exists, "{name} was not dropped");
}
