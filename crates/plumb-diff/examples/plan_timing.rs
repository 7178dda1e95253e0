//! Time the planner on a model read from `plumb dump --format json` (no server): `cargo run --release -p
//! plumb-diff --example plan_timing -- MODEL.json [RUNS]`. Prints the median and best of `plumb_diff::dump`
//! (the plan `plumb dump` renders: compare, write, order) over the runs, and the plan's size.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::{Duration, Instant};

/// The allocator the `plumb` binary uses, so the figure is the one users get.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(serde::Deserialize)]
struct DumpJson {
    database: plumb_model::Database,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: plan_timing MODEL.json [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5).max(1);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let db = match serde_json::from_str::<DumpJson>(&text) {
        Ok(d) => d.database,
        Err(e) => {
            eprintln!("{path}: not a `plumb dump --format json` document: {e}");
            std::process::exit(2);
        }
    };
    drop(text);
    let opts = plumb_diff::Options::default();
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    let mut steps = 0;
    for _ in 0..runs {
        let start = Instant::now();
        match plumb_diff::dump(&db, &opts) {
            Ok(plan) => steps = plan.steps.len(),
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(2);
            }
        }
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "{path}: {} tables, {steps} steps; plan median {:.1} ms, best {:.1} ms ({runs} runs)",
        db.tables.len(),
        times[runs / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
    );
}
