//! Where the differ compares SQL text it asks the normaliser (`plumb-normal`, its own crate so that its rules
//! and tests stand alone): see `Differ::same_sql`.

pub(crate) use plumb_normal::{compare, compare_function_body, is_null, Sql, Verdict};
