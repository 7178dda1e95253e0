//! `cargo run -p plumb-normal --example compare -- KIND FILE_A FILE_B`: the verdict on two SQL texts
//! (KIND: expr, constraint, statement) and, when they differ, where their normal forms first part.

#![allow(clippy::print_stdout)]

use plumb_normal::{compare, normalise, Sql};
use serde_json::Value;

fn first_difference(a: &Value, b: &Value, path: &mut Vec<String>) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                path.push(k.clone());
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => {
                        if let Some(d) = first_difference(p, q, path) {
                            return Some(d);
                        }
                    }
                    (p, q) => return Some(format!("{}: {p:?} / {q:?}", path.join("."))),
                }
                path.pop();
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                path.push(i.to_string());
                if let Some(d) = first_difference(p, q, path) {
                    return Some(d);
                }
                path.pop();
            }
            None
        }
        _ if a == b => None,
        _ => Some(format!("{}: {a} / {b}", path.join("."))),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [kind, a, b] = args.as_slice() else {
        println!("usage: compare expr|constraint|statement FILE_A FILE_B");
        std::process::exit(2);
    };
    let kind = match kind.as_str() {
        "expr" => Sql::Expr,
        "constraint" => Sql::Constraint,
        _ => Sql::Statement,
    };
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}"));
    let (a, b) = (read(a), read(b));
    println!("{:?}", compare(kind, &a, &b));
    if let (Ok(x), Ok(y)) = (normalise(kind, &a), normalise(kind, &b)) {
        if let Some(d) = first_difference(&x, &y, &mut Vec::new()) {
            println!("first difference at {d}");
        }
    }
}
