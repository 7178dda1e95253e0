//! Sequence options as SQL clauses, shared by sequences (`crate::write::sequences`) and identity columns.

use super::*;

pub(crate) fn seq_option_clauses(
    o: &SequenceOptions,
    base: Option<&SequenceOptions>,
    with_type: bool,
) -> Vec<String> {
    // PostgreSQL's defaults: INCREMENT BY 1, and bounds and start that follow the increment's direction
    let d = SequenceOptions {
        increment: 1,
        ..SequenceOptions::defaults(&o.data_type, o.increment)
    };
    let fresh = base.is_none();
    let base = base.unwrap_or(&d);
    let mut c = Vec::new();
    let type_differs = if fresh {
        o.data_type != "bigint"
    } else {
        o.data_type != base.data_type
    };
    if with_type
        && type_differs
        && matches!(o.data_type.as_str(), "smallint" | "integer" | "bigint")
    {
        c.push(format!("AS {}", o.data_type));
    }
    if o.increment != base.increment {
        c.push(format!("INCREMENT BY {}", o.increment));
    }
    if o.min_value != base.min_value {
        c.push(format!("MINVALUE {}", o.min_value));
    }
    if o.max_value != base.max_value {
        c.push(format!("MAXVALUE {}", o.max_value));
    }
    if o.start != base.start {
        c.push(format!("START WITH {}", o.start));
    }
    if o.cache != base.cache {
        c.push(format!("CACHE {}", o.cache));
    }
    if o.cycle != base.cycle {
        c.push(if o.cycle {
            "CYCLE".to_string()
        } else {
            "NO CYCLE".to_string()
        });
    }
    c
}

/// The new bounds of a sequence are narrower than the old ones: its current value may be outside them.
pub(crate) fn narrowed(
    old: &plumb_model::SequenceOptions,
    new: &plumb_model::SequenceOptions,
) -> bool {
    new.min_value > old.min_value || new.max_value < old.max_value
}

pub(crate) fn restart_hazard() -> Hazard {
    hz(
        HazardKind::DataLoss,
        "its bounds narrow, so the sequence restarts at its START value: values it already handed out may be handed out again",
    )
}
