//! A throwaway PostgreSQL cluster of plumb's own (`--dev-url local`, and the test suite's version matrix):
//! `initdb` into a new temporary directory, started on a unix socket in that directory only (no TCP unless
//! asked for), trust authentication for the one superuser `postgres`, removed when dropped.
//!
//! The binaries come from the machine: `PLUMB_PG_BIN` (one bindir, or several separated by `:`), the
//! directories of `PATH`, `pg_config --bindir`, and Debian's `/usr/lib/postgresql/*/bin`. When several major
//! versions are installed, [`choose`] picks the one asked for (the version of the database compared with).
//!
//! PostgreSQL refuses to run as root. When plumb runs as root, the cluster runs as the OS user `postgres`
//! (through `runuser`), and its directory belongs to that user.

use std::fmt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// What can go wrong while finding binaries or starting a cluster.
#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    #[error(
        "no PostgreSQL server binaries found (looked in PLUMB_PG_BIN, PATH, `pg_config --bindir` and \
         /usr/lib/postgresql/*/bin): install the PostgreSQL server package, or set PLUMB_PG_BIN to a \
         directory holding initdb, pg_ctl and postgres"
    )]
    NoBinaries,
    #[error("{what}: {reason}")]
    Io { what: String, reason: String },
    #[error("{command} failed: {output}")]
    Command { command: String, output: String },
    #[error(
        "cannot start a PostgreSQL cluster as root: PostgreSQL refuses to run as root, and there is no \
         OS user `postgres` to run it as"
    )]
    Root,
}

/// One set of server binaries (a bindir holding `initdb`, `pg_ctl` and `postgres`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installation {
    /// Major version, from `postgres --version` (e.g. 17).
    pub major: u32,
    /// The full version text (e.g. `17.10`).
    pub version: String,
    pub bindir: PathBuf,
}

impl fmt::Display for Installation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PostgreSQL {} ({})", self.version, self.bindir.display())
    }
}

impl Installation {
    /// The installation in `bindir`, if it holds a server.
    pub fn at(bindir: &Path) -> Option<Installation> {
        for tool in ["initdb", "pg_ctl", "postgres"] {
            if !bindir.join(tool).is_file() {
                return None;
            }
        }
        let out = Command::new(bindir.join("postgres"))
            .arg("--version")
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        // "postgres (PostgreSQL) 17.10" or "postgres (PostgreSQL) 18.4 (Debian 18.4-1)"
        let version = text
            .split(")")
            .nth(1)?
            .split_whitespace()
            .next()?
            .to_string();
        let major = version
            .split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()?;
        Some(Installation {
            major,
            version,
            bindir: bindir.to_path_buf(),
        })
    }
}

/// Every server installation found on this machine, one per bindir, in the order searched.
pub fn installations() -> Vec<Installation> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(list) = std::env::var_os("PLUMB_PG_BIN") {
        dirs.extend(std::env::split_paths(&list));
    }
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        if out.status.success() {
            let d = String::from_utf8_lossy(&out.stdout).trim().to_string();
            if !d.is_empty() {
                dirs.push(PathBuf::from(d));
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir("/usr/lib/postgresql") {
        let mut debian: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path().join("bin"))
            .collect();
        debian.sort();
        dirs.extend(debian);
    }
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for d in dirs {
        let canonical = d.canonicalize().unwrap_or_else(|_| d.clone());
        if seen.contains(&canonical) {
            continue;
        }
        seen.push(canonical);
        if let Some(i) = Installation::at(&d) {
            out.push(i);
        }
    }
    out
}

/// The installation to use for a cluster that should match major version `want` (the database compared with),
/// and a warning when none of that version is installed. Without `want`, the newest. The first found of a
/// version wins (`PLUMB_PG_BIN` first).
pub fn choose(
    found: &[Installation],
    want: Option<u32>,
) -> Result<(Installation, Option<String>), LocalError> {
    let newest = found
        .iter()
        .max_by_key(|i| i.major)
        .ok_or(LocalError::NoBinaries)?;
    let Some(want) = want else {
        return Ok((newest.clone(), None));
    };
    if let Some(exact) = found.iter().find(|i| i.major == want) {
        return Ok((exact.clone(), None));
    }
    // Closest newer version first (it reads older SQL), else the newest older one.
    let pick = found
        .iter()
        .filter(|i| i.major > want)
        .min_by_key(|i| i.major)
        .unwrap_or(newest);
    let have: Vec<String> = found.iter().map(|i| i.major.to_string()).collect();
    Ok((
        pick.clone(),
        Some(format!(
            "no PostgreSQL {want} server binaries on this machine (found {}): the local cluster runs \
             PostgreSQL {}, so version-specific results may differ; install PostgreSQL {want} or set \
             PLUMB_PG_BIN",
            have.join(", "),
            pick.major
        )),
    ))
}

/// How to start a cluster.
#[derive(Debug, Clone, Default)]
pub struct ClusterOptions {
    /// Also listen on 127.0.0.1 at this TCP port (`Some(0)`: a free port). `None`: unix socket only.
    pub tcp_port: Option<u16>,
}

/// A running throwaway cluster. Stopped and removed on drop.
pub struct LocalCluster {
    installation: Installation,
    dir: PathBuf,
    run_as: Option<String>,
    port: u16,
    tcp: bool,
    stopped: bool,
    /// How long `initdb` and the start took.
    pub startup: Duration,
}

impl fmt::Debug for LocalCluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "LocalCluster({}, {})",
            self.installation,
            self.dir.display()
        )
    }
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> LocalError {
    let what = what.into();
    move |e| LocalError::Io {
        what,
        reason: e.to_string(),
    }
}

fn free_tcp_port() -> Result<u16, LocalError> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(io("finding a free TCP port"))?;
    Ok(l.local_addr()
        .map_err(io("finding a free TCP port"))?
        .port())
}

/// The uid and gid of an OS user, from `id` (no unsafe code, no extra dependency).
fn user_ids(user: &str) -> Option<(u32, u32)> {
    let id = |flag: &str| -> Option<u32> {
        let out = Command::new("id").args([flag, user]).output().ok()?;
        if !out.status.success() {
            return None;
        }
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    };
    Some((id("-u")?, id("-g")?))
}

impl LocalCluster {
    /// `initdb` a new cluster in a new temporary directory and start it.
    pub fn start(
        installation: &Installation,
        opts: &ClusterOptions,
    ) -> Result<LocalCluster, LocalError> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let began = Instant::now();
        let dir = std::env::temp_dir().join(format!(
            "plumb-pg-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir(&dir).map_err(io(format!("creating {}", dir.display())))?;
        let mut cluster = LocalCluster {
            installation: installation.clone(),
            dir,
            run_as: None,
            port: 5432,
            tcp: false,
            stopped: true,
            startup: Duration::ZERO,
        };
        // The owner of a directory we just made is who we run as.
        let owner = std::fs::metadata(&cluster.dir)
            .map_err(io("reading the cluster directory"))?
            .uid();
        if owner == 0 {
            let (uid, gid) = user_ids("postgres").ok_or(LocalError::Root)?;
            std::os::unix::fs::chown(&cluster.dir, Some(uid), Some(gid))
                .map_err(io("giving the cluster directory to the user postgres"))?;
            cluster.run_as = Some("postgres".to_string());
        }
        if let Some(p) = opts.tcp_port {
            cluster.port = if p == 0 { free_tcp_port()? } else { p };
            cluster.tcp = true;
        }
        let data = cluster.dir.join("data");
        cluster.run(
            "initdb",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-U".as_ref(),
                "postgres".as_ref(),
                "-A".as_ref(),
                "trust".as_ref(),
                "-E".as_ref(),
                "UTF8".as_ref(),
                "--locale=C".as_ref(),
                "--no-sync".as_ref(),
            ],
        )?;
        let listen = if cluster.tcp { "127.0.0.1" } else { "" };
        let server_opts = format!(
            "-c listen_addresses='{listen}' -p {} -k '{}' -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_locks_per_transaction=1024",
            cluster.port,
            cluster.dir.display()
        );
        let log = cluster.dir.join("server.log");
        cluster.stopped = false;
        cluster.run(
            "pg_ctl",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-l".as_ref(),
                log.as_os_str(),
                "-o".as_ref(),
                server_opts.as_ref(),
                "-w".as_ref(),
                "-s".as_ref(),
                "start".as_ref(),
            ],
        )?;
        cluster.startup = began.elapsed();
        Ok(cluster)
    }

    fn run(&self, tool: &str, args: &[&std::ffi::OsStr]) -> Result<Output, LocalError> {
        let program = self.installation.bindir.join(tool);
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&program);
                c
            }
            None => Command::new(&program),
        };
        cmd.args(args).current_dir(&self.dir);
        let out = cmd
            .output()
            .map_err(io(format!("running {}", program.display())))?;
        if out.status.success() {
            return Ok(out);
        }
        let mut text = String::from_utf8_lossy(&out.stderr).trim().to_string();
        if text.is_empty() {
            text = String::from_utf8_lossy(&out.stdout).trim().to_string();
        }
        if let Ok(log) = std::fs::read_to_string(self.dir.join("server.log")) {
            text.push_str(&log_excerpt(&log));
        }
        Err(LocalError::Command {
            command: format!("{} {tool}", self.installation),
            output: text,
        })
    }

    pub fn installation(&self) -> &Installation {
        &self.installation
    }

    /// Where the cluster lives (data directory, socket, log).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The TCP port, or the socket's port number when only the socket listens.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A connection URL for `database`, as the superuser `postgres`: over TCP when the cluster listens there,
    /// else over its unix socket.
    pub fn url(&self, database: &str) -> String {
        if self.tcp {
            format!("postgresql://postgres@127.0.0.1:{}/{database}", self.port)
        } else {
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("host", &self.dir.to_string_lossy())
                .append_pair("port", &self.port.to_string())
                .append_pair("user", "postgres")
                .append_pair("sslmode", "disable")
                .finish();
            format!("postgresql:///{database}?{query}")
        }
    }

    /// Stop the server (fast shutdown) and remove its directory.
    pub fn stop(mut self) -> Result<(), LocalError> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<(), LocalError> {
        let mut result = Ok(());
        if !self.stopped {
            self.stopped = true;
            let data = self.dir.join("data");
            result = self
                .run(
                    "pg_ctl",
                    &[
                        "-D".as_ref(),
                        data.as_os_str(),
                        "-m".as_ref(),
                        "immediate".as_ref(),
                        "-w".as_ref(),
                        "-s".as_ref(),
                        "stop".as_ref(),
                    ],
                )
                .map(|_| ());
        }
        if self.dir.exists() {
            if let Err(e) = std::fs::remove_dir_all(&self.dir) {
                result = result.and(Err(LocalError::Io {
                    what: format!("removing {}", self.dir.display()),
                    reason: e.to_string(),
                }));
            }
        }
        result
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}

/// What a failed `pg_ctl` shows of the server's log: the first lines that say why the server went down (a
/// PANIC, a process killed by a signal, a full disk, no memory), which the end of a long log no longer holds
/// after crash recovery, then the last 5 lines.
fn log_excerpt(log: &str) -> String {
    const CAUSES: [&str; 6] = [
        "PANIC:",
        "terminated by signal",
        "was terminated",
        "No space left on device",
        "out of memory",
        "could not write",
    ];
    let lines: Vec<&str> = log.lines().collect();
    let tail_from = lines.len().saturating_sub(5);
    let causes: Vec<&str> = lines[..tail_from]
        .iter()
        .filter(|l| CAUSES.iter().any(|c| l.contains(c)))
        .take(5)
        .copied()
        .collect();
    let mut text = String::new();
    if !causes.is_empty() {
        text.push_str("\nserver log, first signs of trouble: ");
        text.push_str(&causes.join("\n  "));
    }
    if tail_from < lines.len() {
        text.push_str("\nserver log: ");
        text.push_str(&lines[tail_from..].join("\n  "));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_stop_shows_why_the_server_went_down() {
        let mut log = vec!["LOG:  database system is ready to accept connections".to_string()];
        log.push(
            "PANIC:  could not write to file \"pg_wal/xlogtemp.9\": No space left on device".into(),
        );
        log.push("LOG:  server process (PID 7) was terminated by signal 6: Aborted".into());
        for i in 0..20 {
            log.push(format!("LOG:  line {i}"));
        }
        let text = log_excerpt(&log.join("\n"));
        assert!(
            text.starts_with("\nserver log, first signs of trouble: PANIC:  could not write")
                && text.contains("\n  LOG:  server process (PID 7) was terminated by signal 6")
                && text.ends_with("server log: LOG:  line 15\n  LOG:  line 16\n  LOG:  line 17\n  LOG:  line 18\n  LOG:  line 19"),
            "{text}"
        );
        assert!(
            !text.contains("line 14") && !text.contains("ready to accept"),
            "{text}"
        );
        assert_eq!(log_excerpt(""), "");
        assert_eq!(log_excerpt("LOG:  one"), "\nserver log: LOG:  one");
    }

    fn inst(major: u32) -> Installation {
        Installation {
            major,
            version: format!("{major}.1"),
            bindir: PathBuf::from(format!("/pg{major}/bin")),
        }
    }

    #[test]
    fn chooses_the_same_major_version_else_the_closest_newer() {
        let found = [inst(15), inst(17), inst(13)];
        assert_eq!(choose(&found, Some(17)).unwrap(), (inst(17), None));
        assert_eq!(choose(&found, None).unwrap().0, inst(17));
        let (pick, warning) = choose(&found, Some(16)).unwrap();
        assert_eq!(pick, inst(17));
        let warning = warning.unwrap();
        assert!(
            warning.contains("no PostgreSQL 16") && warning.contains("15, 17, 13"),
            "{warning}"
        );
        let (pick, warning) = choose(&found, Some(18)).unwrap();
        assert_eq!(pick, inst(17));
        assert!(warning.is_some());
        assert!(matches!(choose(&[], Some(15)), Err(LocalError::NoBinaries)));
    }
}
