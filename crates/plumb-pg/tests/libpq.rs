//! libpq's conventions against a real server that wants a password: a private cluster with scram-sha-256
//! authentication for every connection (TCP and unix socket), started by this test on a free port in a
//! temporary directory and stopped afterwards. The environment is passed to `Target::parse_with`, so the
//! tests never change the process's own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use plumb_pg::{Error, SslMode, Target};

const PASSWORD: &str = "s3cret-scram";

/// The directory of `initdb` and `pg_ctl`: `pg_config --bindir`, else the newest `/usr/lib/postgresql/*/bin`.
fn bindir() -> PathBuf {
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if dir.join("initdb").is_file() {
            return dir;
        }
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((v, bin))
        })
        .collect();
    found.sort();
    match found.pop() {
        Some((_, bin)) => bin,
        None => panic!(
            "initdb not found (pg_config --bindir, /usr/lib/postgresql/*/bin): install the PostgreSQL server \
             (just setup, or apt-get install postgresql)"
        ),
    }
}

/// A private PostgreSQL cluster with scram authentication, stopped and removed on drop.
struct Cluster {
    dir: PathBuf,
    port: u16,
    bindir: PathBuf,
    as_postgres: bool,
}

impl Cluster {
    fn start() -> Cluster {
        let bindir = bindir();
        let dir = std::env::temp_dir().join(format!("plumb-libpq-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        // initdb refuses to run as root: run the server as the `postgres` OS user then.
        let as_postgres = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        std::fs::write(dir.join("pw"), PASSWORD).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cluster = Cluster {
            dir,
            port,
            bindir,
            as_postgres,
        };
        if as_postgres {
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&cluster.dir)
                .status()
                .unwrap()
                .success();
            assert!(ok, "chown of {} failed", cluster.dir.display());
        }
        let data = cluster.dir.join("data");
        cluster.run(
            "initdb",
            &[
                "-D",
                &data.display().to_string(),
                "-U",
                "postgres",
                "--auth=scram-sha-256",
                &format!("--pwfile={}", cluster.dir.join("pw").display()),
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            port,
            cluster.dir.display()
        );
        cluster.run(
            "pg_ctl",
            &[
                "-D",
                &data.display().to_string(),
                "-l",
                &cluster.dir.join("log").display().to_string(),
                "-o",
                &opts,
                "-w",
                "start",
            ],
        );
        cluster
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let exe = self.bindir.join(tool);
        let out = if self.as_postgres {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&exe)
                .args(args)
                .current_dir(&self.dir)
                .output()
        } else {
            Command::new(&exe)
                .args(args)
                .current_dir(&self.dir)
                .output()
        }
        .unwrap_or_else(|e| panic!("{}: {e}", exe.display()));
        assert!(
            out.status.success(),
            "{tool} {args:?} failed:\n{}{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(self.dir.join("log")).unwrap_or_default()
        );
    }

    /// A file only the test's user can read (mode 0600), in the cluster's directory.
    fn private_file(&self, name: &str, text: &str, mode: u32) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let p = self.dir.join(name);
        std::fs::write(&p, text).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        p
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.join("data").display().to_string();
        let exe = self.bindir.join("pg_ctl");
        let args = ["-D", data.as_str(), "-m", "immediate", "-w", "stop"];
        let _ = if self.as_postgres {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&exe)
                .args(args)
                .output()
        } else {
            Command::new(&exe).args(args).output()
        };
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn env(vars: &[(&str, &str)]) -> BTreeMap<String, String> {
    // HOME points nowhere useful unless a test sets it: the tester's own ~/.pgpass must not count.
    let mut e: BTreeMap<String, String> = [("HOME", "/nonexistent")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    for (k, v) in vars {
        e.insert(k.to_string(), v.to_string());
    }
    e
}

/// Connect with `text` and `env`; the database and user the session has, or the error.
fn session(text: &str, env: &BTreeMap<String, String>) -> Result<(String, String, bool), Error> {
    let target = Target::parse_with(text, env)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let c = target.connect().await?;
        let row = c
            .query_one(
                "SELECT current_database()::text, current_user::text, \
                 coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)",
                &[],
            )
            .await
            .map_err(|source| Error::Query {
                what: "session".into(),
                url: target.to_string(),
                source,
            })?;
        Ok((row.get(0), row.get(1), row.get(2)))
    })
}

#[test]
fn libpq_conventions_against_a_scram_server() {
    let cluster = Cluster::start();
    let port = cluster.port.to_string();
    let url = format!("postgresql://postgres@127.0.0.1:{port}/postgres?sslmode=disable");
    let ok = |r: Result<(String, String, bool), Error>, what: &str| -> (String, String, bool) {
        r.unwrap_or_else(|e| panic!("{what}: {e}"))
    };

    // No password anywhere: one clear message, naming where a password can come from.
    let e = session(&url, &env(&[])).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "cannot connect to 127.0.0.1:{port}: the server asks for a password and none was given; set \
             PGPASSWORD, or add a line to /nonexistent/.pgpass (host:port:database:user:password, chmod 0600), \
             or use a service from pg_service.conf"
        )
    );

    // The password in the URL still works, and a wrong one is one line from the server.
    let with_pw =
        format!("postgresql://postgres:{PASSWORD}@127.0.0.1:{port}/postgres?sslmode=disable");
    ok(session(&with_pw, &env(&[])), "password in the URL");
    let wrong = format!("postgresql://postgres:nope@127.0.0.1:{port}/postgres?sslmode=disable");
    let e = session(&wrong, &env(&[])).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "cannot connect to 127.0.0.1:{port}: password authentication failed for user \"postgres\""
        )
    );
    assert!(!e.contains("nope"));

    // PGPASSWORD for a URL without a password.
    ok(
        session(&url, &env(&[("PGPASSWORD", PASSWORD)])),
        "PGPASSWORD",
    );

    // PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD and PGSSLMODE with no connection string at all.
    let (db, user, ssl) = ok(
        session(
            "",
            &env(&[
                ("PGHOST", "127.0.0.1"),
                ("PGPORT", &port),
                ("PGUSER", "postgres"),
                ("PGDATABASE", "template1"),
                ("PGPASSWORD", PASSWORD),
                ("PGSSLMODE", "disable"),
            ]),
        ),
        "PG* variables",
    );
    assert_eq!(
        (db.as_str(), user.as_str(), ssl),
        ("template1", "postgres", false)
    );
    // PGSSLMODE=require against this server (no TLS) must fail rather than fall back to plain.
    let e = session(
        "",
        &env(&[
            ("PGHOST", "127.0.0.1"),
            ("PGPORT", &port),
            ("PGUSER", "postgres"),
            ("PGPASSWORD", PASSWORD),
            ("PGSSLMODE", "require"),
        ]),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with(&format!("cannot connect to 127.0.0.1:{port}: ")),
        "{e}"
    );

    // PGPASSFILE: the matching line wins, wildcards and escapes as libpq reads them.
    let passfile = cluster.private_file(
        "pgpass",
        &format!(
            "# other servers first\nother.example:5432:*:postgres:wrong\n127.0.0.1:{port}:template1:postgres:{PASSWORD}\n\
             *:{port}:*:postgres:wrong-for-postgres-db\n"
        ),
        0o600,
    );
    let p = passfile.display().to_string();
    let t1 = format!("postgresql://postgres@127.0.0.1:{port}/template1?sslmode=disable");
    ok(session(&t1, &env(&[("PGPASSFILE", &p)])), "PGPASSFILE");
    let e = session(&url, &env(&[("PGPASSFILE", &p)]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("password authentication failed"), "{e}");
    // passfile= in the URL, as libpq accepts it.
    ok(
        session(&format!("{t1}&passfile={p}"), &env(&[])),
        "passfile= in the URL",
    );

    // ~/.pgpass, and a unix-socket connection matching the `localhost` line.
    let home = cluster.dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let dot = home.join(".pgpass");
    std::fs::write(&dot, format!("localhost:{port}:*:postgres:{PASSWORD}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dot, std::fs::Permissions::from_mode(0o600)).unwrap();
    let h = home.display().to_string();
    let socket = format!(
        "postgresql:///postgres?host={}&port={port}&user=postgres",
        cluster.dir.display()
    );
    ok(
        session(&socket, &env(&[("HOME", &h)])),
        "~/.pgpass over the unix socket",
    );
    // libpq ignores sslmode on a unix socket (this server has no TLS at all), and takes a user with no host.
    for mode in ["require", "verify-full"] {
        ok(
            session(&format!("{socket}&sslmode={mode}"), &env(&[("HOME", &h)])),
            "sslmode over the unix socket",
        );
    }
    ok(
        session(
            &format!(
                "postgresql://postgres@/postgres?host={}&port={port}",
                cluster.dir.display()
            ),
            &env(&[("HOME", &h)]),
        ),
        "a user with no host, the socket in ?host=",
    );
    // A password file others can read is ignored, and the message says why.
    std::fs::set_permissions(&dot, std::fs::Permissions::from_mode(0o644)).unwrap();
    let e = session(&socket, &env(&[("HOME", &h)]))
        .unwrap_err()
        .to_string();
    assert!(
        e.ends_with(&format!(
            "(password file {h}/.pgpass was ignored: group or others can read it (chmod 0600 it))"
        )),
        "{e}"
    );

    // PGSERVICE and PGSERVICEFILE: the service names the server, a password file gives the password.
    let services = cluster.private_file(
        "services.conf",
        &format!(
            "[elsewhere]\nhost=other.example\n\n[scram]\nhost=127.0.0.1\nport={port}\nuser=postgres\n\
             dbname=template1\nsslmode=disable\n"
        ),
        0o600,
    );
    let s = services.display().to_string();
    let (db, _, _) = ok(
        session(
            "",
            &env(&[
                ("PGSERVICE", "scram"),
                ("PGSERVICEFILE", &s),
                ("PGPASSFILE", &p),
            ]),
        ),
        "PGSERVICE",
    );
    assert_eq!(db, "template1");
    // service= in the URL, the URL's own database first, the password from PGPASSWORD.
    let (db, _, _) = ok(
        session(
            "postgresql:///postgres?service=scram",
            &env(&[("PGSERVICEFILE", &s), ("PGPASSWORD", PASSWORD)]),
        ),
        "service= in the URL",
    );
    assert_eq!(db, "postgres");
    // PGSYSCONFDIR/pg_service.conf when the user's file does not define it.
    let sysconf = cluster.dir.join("etc");
    std::fs::create_dir_all(&sysconf).unwrap();
    std::fs::copy(&services, sysconf.join("pg_service.conf")).unwrap();
    ok(
        session(
            "service=scram",
            &env(&[
                ("PGSYSCONFDIR", &sysconf.display().to_string()),
                ("PGPASSWORD", PASSWORD),
            ]),
        ),
        "PGSYSCONFDIR",
    );
    let t = Target::parse_with("service=scram", &env(&[("PGSERVICEFILE", &s)])).unwrap();
    assert_eq!(t.ssl_mode(), SslMode::Disable);
    assert_eq!(t.to_string(), format!("127.0.0.1:{port}/template1"));
    assert!(Path::new(&p).exists());
}
