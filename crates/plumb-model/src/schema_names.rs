//! Every place of the model that names a schema, walked by [`Database::visit_schema_names`]: the schema of
//! each qualified name and function id, the schema an extension or a default-privileges entry is in, and SQL
//! text (definitions, expressions, type names, argument lists) that may name objects schema-qualified. Each
//! struct is taken apart field by field, without `..`, so that a field added to the model does not compile
//! until this walk says whether it names a schema (`Database::all_in_schemas` and `retain_schemas`, which look
//! at the top-level collections only, take `Database` apart the same way).

use std::collections::BTreeMap;

use crate::{
    quote_ident, Attribute, Collation, Column, ColumnRef, Common, Constraint, Database,
    DefaultPrivileges, Dependency, DomainConstraint, EventTrigger, Extension, Function, FunctionId,
    Identity, Index, Namespace, NotNullConstraint, ObjectRef, PartitionOf, Policy, QualName,
    Sequence, SequenceOptions, Table, Trigger, Type, TypeKind, Unsupported, View, ViewColumn,
};

/// What [`Database::visit_schema_names`] hands over.
pub trait SchemaNames {
    /// A stored schema name: a key of `schemas`, the schema of a qualified name or function id, an extension's
    /// schema, a default-privileges entry's `IN SCHEMA`, a dependency on a schema.
    fn schema(&mut self, name: &mut String);
    /// SQL text that may name objects schema-qualified (`schema.name`): a definition, an expression, a type
    /// name, a function's argument list or body, the name of an object plumb does not model.
    fn sql(&mut self, text: &mut String);

    /// A qualified name: its schema.
    fn qual_name(&mut self, q: &mut QualName) {
        let QualName { schema, name: _ } = q;
        self.schema(schema);
    }

    /// A function id: its schema, and its argument list (type names).
    fn function_id(&mut self, id: &mut FunctionId) {
        let FunctionId {
            schema,
            name: _,
            args,
        } = id;
        self.schema(schema);
        self.sql(args);
    }

    fn column_ref(&mut self, c: &mut ColumnRef) {
        let ColumnRef { table, column: _ } = c;
        self.qual_name(table);
    }

    fn object_ref(&mut self, r: &mut ObjectRef) {
        match r {
            ObjectRef::Schema(s) => self.schema(s),
            ObjectRef::Extension(_) => {}
            ObjectRef::Collation(q)
            | ObjectRef::Type(q)
            | ObjectRef::Sequence(q)
            | ObjectRef::Relation(q) => self.qual_name(q),
            ObjectRef::Column(c) => self.column_ref(c),
            ObjectRef::Function(id) => self.function_id(id),
        }
    }
}

impl Database {
    /// Hand every stored schema name and every SQL text of the model to `v`. Maps keyed by a qualified name
    /// are keyed again by what the visit left (their keys are visited like the names they copy).
    pub fn visit_schema_names(&mut self, v: &mut impl SchemaNames) {
        let Database {
            server_version: _,
            schemas,
            extensions,
            collations,
            types,
            sequences,
            tables,
            views,
            functions,
            default_privileges,
            event_triggers,
            dependencies,
            unsupported,
        } = self;
        rekey(schemas, |name, ns| {
            v.schema(name);
            let Namespace { name, common } = ns;
            v.schema(name);
            common_names(common);
        });
        rekey(extensions, |_, e| {
            let Extension {
                name: _,
                schema,
                version: _,
                comment: _,
            } = e;
            v.schema(schema);
        });
        rekey(collations, |q, c| {
            v.qual_name(q);
            let Collation {
                name,
                provider: _,
                locale: _,
                lc_collate: _,
                lc_ctype: _,
                deterministic: _,
                common,
            } = c;
            v.qual_name(name);
            common_names(common);
        });
        rekey(types, |q, t| {
            v.qual_name(q);
            type_names(v, t);
        });
        rekey(sequences, |q, s| {
            v.qual_name(q);
            let Sequence {
                name,
                options,
                owned_by,
                common,
            } = s;
            v.qual_name(name);
            sequence_options(v, options);
            if let Some(c) = owned_by {
                v.column_ref(c);
            }
            common_names(common);
        });
        rekey(tables, |q, t| {
            v.qual_name(q);
            table_names(v, t);
        });
        rekey(views, |q, view| {
            v.qual_name(q);
            let View {
                name,
                kind: _,
                definition,
                columns,
                options: _,
                indexes,
                triggers,
                common,
            } = view;
            v.qual_name(name);
            v.sql(definition);
            for c in columns {
                let ViewColumn {
                    name: _,
                    type_name,
                    comment: _,
                } = c;
                v.sql(type_name);
            }
            for i in indexes.values_mut() {
                index_names(v, i);
            }
            for t in triggers.values_mut() {
                trigger_names(v, t);
            }
            common_names(common);
        });
        rekey(functions, |id, f| {
            v.function_id(id);
            let Function {
                id,
                kind: _,
                definition,
                returns,
                language: _,
                volatility: _,
                strict: _,
                security_definer: _,
                config: _,
                leakproof: _,
                parallel: _,
                cost: _,
                rows: _,
                body,
                common,
            } = f;
            v.function_id(id);
            v.sql(definition);
            if let Some(r) = returns {
                v.sql(r);
            }
            v.sql(body);
            common_names(common);
        });
        let entries = std::mem::take(default_privileges);
        for (_, mut d) in entries {
            let DefaultPrivileges {
                role,
                schema,
                on,
                grants: _,
                role_assumed: _,
            } = &mut d;
            if let Some(s) = schema {
                v.schema(s);
            }
            // the key names the schema: written again from the entry
            let key = DefaultPrivileges::key(role, schema.as_deref(), *on);
            default_privileges.insert(key, d);
        }
        for e in event_triggers.values_mut() {
            let EventTrigger {
                name: _,
                event: _,
                tags: _,
                function,
                enabled: _,
                common,
            } = e;
            v.function_id(function);
            common_names(common);
        }
        *dependencies = std::mem::take(dependencies)
            .into_iter()
            .map(|mut d| {
                let Dependency { from, to } = &mut d;
                v.object_ref(from);
                v.object_ref(to);
                d
            })
            .collect();
        for u in unsupported {
            let Unsupported { kind: _, name } = u;
            v.sql(name);
        }
    }

    /// Rename schema `old` to `new` everywhere the model names it (as `ALTER SCHEMA old RENAME TO new`
    /// leaves the catalog): its entry in `schemas`, every object in it, every reference to one of them,
    /// `old.` qualifications in SQL text ([`rename_schema_in_sql`]).
    pub fn rename_schema(&mut self, old: &str, new: &str) {
        self.visit_schema_names(&mut SchemaRename { old, new });
    }
}

/// Rewrite `old.` qualifications into `new.` in SQL text, where `old` (quoted as an identifier) stands as a whole
/// identifier: not preceded by a letter, digit, `_` or `$`.
pub fn rename_schema_in_sql(text: &str, old: &str, new: &str) -> String {
    let from = format!("{}.", quote_ident(old));
    let to = format!("{}.", quote_ident(new));
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(&from) {
        let before = rest[..i].chars().last();
        out.push_str(&rest[..i]);
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            out.push_str(&from);
        } else {
            out.push_str(&to);
        }
        rest = &rest[i + from.len()..];
    }
    out.push_str(rest);
    out
}

/// The visit of [`Database::rename_schema`]; also for names kept outside the model (the parser's state).
pub struct SchemaRename<'a> {
    pub old: &'a str,
    pub new: &'a str,
}

impl SchemaNames for SchemaRename<'_> {
    fn schema(&mut self, name: &mut String) {
        if name == self.old {
            *name = self.new.to_string();
        }
    }

    fn sql(&mut self, text: &mut String) {
        *text = rename_schema_in_sql(text, self.old, self.new);
    }
}

/// Visit each entry of a map, key and value, and key it again by the visited key.
fn rekey<K: Ord, V>(map: &mut BTreeMap<K, V>, mut visit: impl FnMut(&mut K, &mut V)) {
    *map = std::mem::take(map)
        .into_iter()
        .map(|(mut k, mut v)| {
            visit(&mut k, &mut v);
            (k, v)
        })
        .collect();
}

/// Owners, comments and grants name no schema; taken apart so that a field added to `Common` is looked at.
fn common_names(c: &mut Common) {
    let Common {
        owner: _,
        comment: _,
        grants: _,
        acl_order: _,
    } = c;
}

fn sequence_options(v: &mut impl SchemaNames, o: &mut SequenceOptions) {
    let SequenceOptions {
        data_type,
        start: _,
        increment: _,
        min_value: _,
        max_value: _,
        cache: _,
        cycle: _,
    } = o;
    v.sql(data_type);
}

fn type_names(v: &mut impl SchemaNames, t: &mut Type) {
    let Type { name, kind, common } = t;
    v.qual_name(name);
    match kind {
        TypeKind::Enum { labels: _ } => {}
        TypeKind::Domain {
            base,
            collation,
            default,
            not_null: _,
            constraints,
        } => {
            v.sql(base);
            if let Some(c) = collation {
                v.qual_name(c);
            }
            if let Some(d) = default {
                v.sql(d);
            }
            for c in constraints.values_mut() {
                let DomainConstraint {
                    name: _,
                    definition,
                    validated: _,
                } = c;
                v.sql(definition);
            }
        }
        TypeKind::Composite { attributes } => {
            for a in attributes {
                let Attribute {
                    name: _,
                    type_name,
                    collation,
                } = a;
                v.sql(type_name);
                if let Some(c) = collation {
                    v.qual_name(c);
                }
            }
        }
        TypeKind::Range {
            subtype,
            subtype_opclass,
            collation,
            canonical,
            subtype_diff,
            multirange,
        } => {
            v.sql(subtype);
            for text in [subtype_opclass, canonical, subtype_diff]
                .into_iter()
                .flatten()
            {
                v.sql(text);
            }
            for q in [collation, multirange].into_iter().flatten() {
                v.qual_name(q);
            }
        }
    }
    common_names(common);
}

fn table_names(v: &mut impl SchemaNames, t: &mut Table) {
    let Table {
        name,
        persistence: _,
        partition_by,
        partition_of,
        inherits,
        of_type,
        columns,
        constraints,
        indexes,
        triggers,
        policies,
        rls_enabled: _,
        rls_forced: _,
        options: _,
        replica_identity: _,
        common,
    } = t;
    v.qual_name(name);
    if let Some(p) = partition_by {
        v.sql(p);
    }
    if let Some(p) = partition_of {
        let PartitionOf { parent, bound } = p;
        v.qual_name(parent);
        v.sql(bound);
    }
    for q in inherits.iter_mut().chain(of_type.as_mut()) {
        v.qual_name(q);
    }
    for c in columns {
        column_names(v, c);
    }
    for c in constraints.values_mut() {
        let Constraint {
            name: _,
            kind: _,
            definition,
            columns: _,
            references,
            deferrable: _,
            initially_deferred: _,
            validated: _,
            is_local: _,
            comment: _,
        } = c;
        v.sql(definition);
        if let Some(r) = references {
            v.qual_name(r);
        }
    }
    for i in indexes.values_mut() {
        index_names(v, i);
    }
    for t in triggers.values_mut() {
        trigger_names(v, t);
    }
    for p in policies.values_mut() {
        let Policy {
            name: _,
            command: _,
            permissive: _,
            roles: _,
            using,
            with_check,
            comment: _,
        } = p;
        for text in [using, with_check].into_iter().flatten() {
            v.sql(text);
        }
    }
    common_names(common);
}

fn column_names(v: &mut impl SchemaNames, c: &mut Column) {
    let Column {
        name: _,
        type_name,
        collation,
        not_null: _,
        not_null_constraint,
        default,
        identity,
        generated,
        generated_virtual: _,
        is_local: _,
        comment: _,
        grants: _,
        storage: _,
        compression: _,
        statistics: _,
        options: _,
    } = c;
    v.sql(type_name);
    if let Some(q) = collation {
        v.qual_name(q);
    }
    if let Some(n) = not_null_constraint {
        let NotNullConstraint {
            name: _,
            no_inherit: _,
            not_valid: _,
        } = n.as_mut();
    }
    for text in [default, generated].into_iter().flatten() {
        v.sql(text);
    }
    if let Some(i) = identity {
        let Identity {
            always: _,
            sequence,
            options,
        } = i.as_mut();
        if let Some(q) = sequence {
            v.qual_name(q);
        }
        sequence_options(v, options);
    }
}

fn index_names(v: &mut impl SchemaNames, i: &mut Index) {
    let Index {
        name: _,
        definition,
        unique: _,
        constraint: _,
        columns: _,
        parent_index,
        comment: _,
        clustered: _,
    } = i;
    v.sql(definition);
    if let Some(q) = parent_index {
        v.qual_name(q);
    }
}

fn trigger_names(v: &mut impl SchemaNames, t: &mut Trigger) {
    let Trigger {
        name: _,
        definition,
        function,
        constraint: _,
        enabled: _,
        comment: _,
    } = t;
    v.sql(definition);
    v.function_id(function);
}

#[cfg(test)]
mod tests {
    use super::rename_schema_in_sql;

    #[test]
    fn only_whole_identifiers_followed_by_a_dot_are_renamed() {
        let r = |t: &str| rename_schema_in_sql(t, "app", "core");
        assert_eq!(r("app.t"), "core.t");
        assert_eq!(
            r("nextval('app.s'::regclass)"),
            "nextval('core.s'::regclass)"
        );
        assert_eq!(r("(app.f(x) AND t.y)"), "(core.f(x) AND t.y)");
        // texts are in PostgreSQL's canonical form, which quotes an identifier only when it must
        assert_eq!(r("\"app\".y"), "\"app\".y");
        assert_eq!(
            r("myapp.t, app_x.t, $app.t, app"),
            "myapp.t, app_x.t, $app.t, app"
        );
        let q = |t: &str| rename_schema_in_sql(t, "My App", "app");
        assert_eq!(q("\"My App\".t, \"My App\"x"), "app.t, \"My App\"x");
    }
}
