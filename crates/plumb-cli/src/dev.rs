//! The development server of exact mode: `--dev-url URL` (a server where plumb may create and drop a scratch
//! database), or `--dev-url local`: a throwaway cluster plumb starts itself from the PostgreSQL binaries on
//! this machine ([`plumb_pg::local`]), of the same major version as the database the command compares with,
//! used for every declared source of the command and removed when the command ends.

use anyhow::{Context, Result};
use plumb_pg::local::{self, ClusterOptions, LocalCluster};
use plumb_pg::Target;

use crate::log;

/// The word that asks for a cluster of plumb's own.
pub const LOCAL: &str = "local";

/// The dev server a command applies declared SQL to. Holding it keeps a local cluster running.
pub struct Dev {
    url: Option<String>,
    _cluster: Option<LocalCluster>,
}

impl Dev {
    /// No exact mode: declared SQL is interpreted offline.
    pub fn none() -> Dev {
        Dev {
            url: None,
            _cluster: None,
        }
    }

    /// Resolve `--dev-url`. For `local`, `compared_with` are the command's other sources: the first that is a
    /// database sets the major version of the cluster.
    pub async fn resolve(dev_url: Option<&str>, compared_with: &[&str]) -> Result<Dev> {
        match dev_url {
            None => Ok(Dev::none()),
            Some(u) if u.eq_ignore_ascii_case(LOCAL) => Dev::local(compared_with).await,
            Some(u) => Ok(Dev {
                url: Some(u.to_string()),
                _cluster: None,
            }),
        }
    }

    async fn local(compared_with: &[&str]) -> Result<Dev> {
        let mut want = None;
        if let Some(source) = compared_with.iter().find(|s| plumb_pg::is_url(s)) {
            let target = Target::parse(source)?;
            let client = target.connect().await?;
            let row = client
                .query_one("SELECT current_setting('server_version_num')::int4", &[])
                .await
                .with_context(|| format!("reading the server version of {target}"))?;
            want = Some((row.get::<_, i32>(0) / 10000) as u32);
        }
        let cluster = tokio::task::spawn_blocking(move || -> Result<LocalCluster> {
            let (installation, warning) = local::choose(&local::installations(), want)?;
            if let Some(w) = warning {
                log::warn(w);
            }
            log::info(format_args!(
                "starting a throwaway {installation} for --dev-url local"
            ));
            Ok(LocalCluster::start(
                &installation,
                &ClusterOptions::default(),
            )?)
        })
        .await
        .context("starting the local cluster")??;
        log::info(format_args!(
            "local cluster ready in {:.2} s",
            cluster.startup.as_secs_f64()
        ));
        Ok(Dev {
            url: Some(cluster.url("postgres")),
            _cluster: Some(cluster),
        })
    }

    /// The URL declared SQL is applied on, if any.
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }
}
