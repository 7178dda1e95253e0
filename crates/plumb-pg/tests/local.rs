//! Throwaway clusters (`plumb_pg::local`) on the binaries this machine has: started, reachable, of the version
//! found, and gone afterwards. Every installed major version is started once, so a machine with several (the
//! version matrix's, through PLUMB_PG_BIN) checks each.

use plumb_pg::local::{installations, ClusterOptions, LocalCluster};
use plumb_pg::Target;

fn server_version(url: &str) -> i32 {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = Target::parse(url).unwrap().connect().await.unwrap();
        client
            .query_one("SELECT current_setting('server_version_num')::int4", &[])
            .await
            .unwrap()
            .get(0)
    })
}

#[test]
fn every_installed_version_starts_answers_and_is_removed() {
    let found = installations();
    assert!(
        !found.is_empty(),
        "no PostgreSQL server binaries on this machine: install the server package (just setup)"
    );
    let mut majors = Vec::new();
    for inst in &found {
        if majors.contains(&inst.major) {
            continue;
        }
        majors.push(inst.major);
        for opts in [
            ClusterOptions::default(),
            ClusterOptions { tcp_port: Some(0) },
        ] {
            let tcp = opts.tcp_port.is_some();
            let cluster =
                LocalCluster::start(inst, &opts).unwrap_or_else(|e| panic!("{inst}: {e}"));
            let dir = cluster.dir().to_path_buf();
            assert!(dir.join("data").is_dir());
            let url = cluster.url("postgres");
            assert_eq!(url.contains("127.0.0.1"), tcp, "{url}");
            assert_eq!(server_version(&url) / 10000, inst.major as i32, "{inst}");
            cluster.stop().unwrap_or_else(|e| panic!("{inst}: {e}"));
            assert!(!dir.exists(), "{} left behind", dir.display());
        }
    }
}

#[test]
fn a_dropped_cluster_is_stopped_and_removed() {
    let found = installations();
    let inst = found.first().expect("PostgreSQL server binaries");
    let cluster = LocalCluster::start(inst, &ClusterOptions::default()).unwrap();
    let dir = cluster.dir().to_path_buf();
    let pid_file = dir.join("data/postmaster.pid");
    assert!(pid_file.exists());
    drop(cluster);
    assert!(!dir.exists(), "{} left behind", dir.display());
}
