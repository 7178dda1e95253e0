//! Minimal driver: `pg_diff FROM_URL TO_URL` prints the SQL plan that turns the first database into the
//! second (introspecting both). The `plumb diff` command is the user-facing form; this one exists so the
//! planner can be exercised on live databases without the rest of the CLI.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use plumb_diff::{plan, render, Options};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: pg_diff FROM_URL TO_URL");
        std::process::exit(2);
    }
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let read = |url: &str| {
        rt.block_on(async {
            let target = plumb_pg::Target::parse(url).map_err(|e| e.to_string())?;
            let client = target.connect().await.map_err(|e| e.to_string())?;
            plumb_introspect::introspect(&client, &plumb_introspect::Options::default())
                .await
                .map_err(|e| e.to_string())
        })
    };
    let result = read(&args[1]).and_then(|a| read(&args[2]).map(|b| (a, b)));
    let (a, b) = match result {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    match plan(&a, &b, &Options::default()) {
        Ok(p) => {
            let header = render::Header {
                from: plumb_pg::redact(&args[1]),
                to: plumb_pg::redact(&args[2]),
            };
            print!("{}", render::sql(&p, &header));
            std::process::exit(if p.is_empty() { 0 } else { 1 });
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
}
