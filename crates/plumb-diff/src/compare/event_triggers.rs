//! Event triggers: database-wide triggers on DDL events.

use plumb_model::{quote_ident, quote_literal, EventTrigger};

use super::{alter, walk, AttrDelta, Comparer, Delta, Obj};
use crate::{Attribute, ObjectKind};

impl<'a> Comparer<'a> {
    /// A changed event, tag list or function is an alter of [`Attribute::Definition`] alone: the trigger is
    /// dropped and created again.
    pub(super) fn event_triggers(&mut self, out: &mut Vec<Delta<'a>>) {
        let (from, to) = (self.from, self.to);
        let delta = |name: &str, d| Delta {
            kind: ObjectKind::EventTrigger,
            object: quote_ident(name),
            obj: Obj::EventTrigger(d),
        };
        for (name, pair) in walk(&from.event_triggers, &to.event_triggers) {
            let Some((f, t)) = pair.kept(out, |_, d| delta(name, d)) else {
                continue;
            };
            let mut attrs = Vec::new();
            if f.event != t.event || f.tags != t.tags || f.function != t.function {
                attrs.push(AttrDelta::new(
                    Attribute::Definition,
                    Some(event_trigger_definition(f)),
                    Some(event_trigger_definition(t)),
                ));
            } else {
                if f.enabled != t.enabled {
                    attrs.push(AttrDelta::new(
                        Attribute::Enabled,
                        Some(f.enabled.as_catalog().to_string()),
                        Some(t.enabled.as_catalog().to_string()),
                    ));
                }
                attrs.extend(self.common(None, &f.common, &t.common));
            }
            out.extend(alter(f, t, attrs).map(|d| delta(name, d)));
        }
    }
}

/// `CREATE EVENT TRIGGER ...` without the semicolon, as `pg_dump` writes it (also the value a changed
/// definition shows).
pub(crate) fn event_trigger_definition(e: &EventTrigger) -> String {
    let mut s = format!(
        "CREATE EVENT TRIGGER {} ON {}",
        quote_ident(&e.name),
        quote_ident(&e.event)
    );
    if !e.tags.is_empty() {
        let tags: Vec<String> = e.tags.iter().map(|t| quote_literal(t)).collect();
        s.push_str(&format!(" WHEN TAG IN ({})", tags.join(", ")));
    }
    s.push_str(&format!(
        " EXECUTE FUNCTION {}.{}()",
        quote_ident(&e.function.schema),
        quote_ident(&e.function.name)
    ));
    s
}
