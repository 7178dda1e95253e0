//! `CREATE AGGREGATE` statements rebuilt from pg_aggregate (PostgreSQL has no `pg_get_aggregatedef`), the way
//! pg_dump's `dumpAgg` writes them: only the options that differ from their defaults.

use plumb_model::{quote_ident, quote_literal};

/// One row of pg_aggregate, with function and type names already printed by the server.
#[derive(Debug, Clone, Default)]
pub struct AggregateRow {
    /// `n`ormal, `o`rdered-set or `h`ypothetical-set.
    pub kind: String,
    /// `pg_get_function_arguments`: includes `ORDER BY` for ordered-set aggregates.
    pub arguments: String,
    pub sfunc: String,
    pub stype: String,
    pub sspace: i32,
    pub finalfunc: Option<String>,
    pub finalfunc_extra: bool,
    pub finalfunc_modify: String,
    pub combinefunc: Option<String>,
    pub serialfunc: Option<String>,
    pub deserialfunc: Option<String>,
    pub initcond: Option<String>,
    pub msfunc: Option<String>,
    pub minvfunc: Option<String>,
    pub mstype: Option<String>,
    pub msspace: i32,
    pub mfinalfunc: Option<String>,
    pub mfinalfunc_extra: bool,
    pub mfinalfunc_modify: String,
    pub minitcond: Option<String>,
    pub sortop: Option<String>,
    /// `s`afe, `r`estricted or `u`nsafe.
    pub parallel: String,
}

fn modify_word(code: &str) -> Option<&'static str> {
    match code {
        "r" => Some("READ_ONLY"),
        "s" => Some("SHAREABLE"),
        "w" => Some("READ_WRITE"),
        _ => None,
    }
}

/// The statement, or why it cannot be written.
pub fn create_statement(schema: &str, name: &str, row: &AggregateRow) -> Result<String, String> {
    let mut opts = vec![
        format!("SFUNC = {}", row.sfunc),
        format!("STYPE = {}", row.stype),
    ];
    if row.sspace != 0 {
        opts.push(format!("SSPACE = {}", row.sspace));
    }
    // Ordered-set aggregates default to READ_WRITE, normal ones to READ_ONLY.
    let default_modify = if row.kind == "n" { "r" } else { "w" };
    if let Some(f) = &row.finalfunc {
        opts.push(format!("FINALFUNC = {f}"));
        if row.finalfunc_extra {
            opts.push("FINALFUNC_EXTRA".to_string());
        }
    }
    if row.finalfunc_modify != default_modify {
        let word = modify_word(&row.finalfunc_modify)
            .ok_or_else(|| format!("unknown aggfinalmodify {:?}", row.finalfunc_modify))?;
        opts.push(format!("FINALFUNC_MODIFY = {word}"));
    }
    if let Some(f) = &row.combinefunc {
        opts.push(format!("COMBINEFUNC = {f}"));
    }
    if let Some(f) = &row.serialfunc {
        opts.push(format!("SERIALFUNC = {f}"));
    }
    if let Some(f) = &row.deserialfunc {
        opts.push(format!("DESERIALFUNC = {f}"));
    }
    if let Some(v) = &row.initcond {
        opts.push(format!("INITCOND = {}", quote_literal(v)));
    }
    if let Some(f) = &row.msfunc {
        opts.push(format!("MSFUNC = {f}"));
        if let Some(inv) = &row.minvfunc {
            opts.push(format!("MINVFUNC = {inv}"));
        }
        if let Some(t) = &row.mstype {
            opts.push(format!("MSTYPE = {t}"));
        }
        if row.msspace != 0 {
            opts.push(format!("MSSPACE = {}", row.msspace));
        }
        if let Some(f) = &row.mfinalfunc {
            opts.push(format!("MFINALFUNC = {f}"));
            if row.mfinalfunc_extra {
                opts.push("MFINALFUNC_EXTRA".to_string());
            }
        }
        if row.mfinalfunc_modify != default_modify {
            let word = modify_word(&row.mfinalfunc_modify)
                .ok_or_else(|| format!("unknown aggmfinalmodify {:?}", row.mfinalfunc_modify))?;
            opts.push(format!("MFINALFUNC_MODIFY = {word}"));
        }
        if let Some(v) = &row.minitcond {
            opts.push(format!("MINITCOND = {}", quote_literal(v)));
        }
    }
    if let Some(op) = &row.sortop {
        opts.push(format!("SORTOP = {op}"));
    }
    match row.parallel.as_str() {
        "s" => opts.push("PARALLEL = SAFE".to_string()),
        "r" => opts.push("PARALLEL = RESTRICTED".to_string()),
        "u" => {}
        other => return Err(format!("unknown proparallel {other:?}")),
    }
    match row.kind.as_str() {
        "n" | "o" => {}
        "h" => opts.push("HYPOTHETICAL".to_string()),
        other => return Err(format!("unknown aggkind {other:?}")),
    }
    let args = if row.arguments.is_empty() {
        "*"
    } else {
        row.arguments.as_str()
    };
    Ok(format!(
        "CREATE AGGREGATE {}.{}({}) (\n    {}\n)",
        quote_ident(schema),
        quote_ident(name),
        args,
        opts.join(",\n    ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_only_non_default_options() {
        let row = AggregateRow {
            kind: "n".into(),
            arguments: "integer".into(),
            sfunc: "int4pl".into(),
            stype: "integer".into(),
            finalfunc_modify: "r".into(),
            mfinalfunc_modify: "r".into(),
            initcond: Some("0".into()),
            parallel: "s".into(),
            ..AggregateRow::default()
        };
        assert_eq!(
            create_statement("My Schema", "total", &row).unwrap(),
            "CREATE AGGREGATE \"My Schema\".total(integer) (\n    SFUNC = int4pl,\n    STYPE = integer,\n    \
             INITCOND = '0',\n    PARALLEL = SAFE\n)"
        );
        let bad = AggregateRow {
            parallel: "x".into(),
            ..row
        };
        assert!(create_statement("s", "a", &bad).is_err());
    }
}
