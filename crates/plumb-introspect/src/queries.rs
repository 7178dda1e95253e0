//! The catalog queries, one per object kind. `$1` is always the array of oids of the schemas being read.
//!
//! They run with `search_path` empty, so unqualified catalog names resolve to `pg_catalog` only and every
//! user object a `format_type` / `pg_get_*` function prints is schema-qualified. Version-specific columns are
//! guarded by `server_version_num` (the `v` argument).
//!
//! Every object a user creates has an oid from 16384 on (`FirstNormalObjectId`; what initdb makes is below,
//! and oids wrap around to 16384, not 0), as pg_dump also assumes. Queries over catalogs with thousands of
//! built-in rows (types, functions, relations, privileges) say `oid >= 16384`, so the server skips those rows
//! by the oid index instead of reading them all: on Synapse's 134-table schema the types, functions, aggregates
//! and privileges queries took 4.1 ms of execution, 1.2 ms with it. Comments are read the same way, once
//! ([`DESCRIPTIONS`]), schemas' too (`public` is older than any user object: the comments on schemas are read
//! whatever their oid).
//!
//! A fresh backend spends more on analysing and planning a query than on running most of them, and each join
//! adds to both: an object's schema comes as an oid, named client-side from [`NAMESPACES`], and comments are
//! matched client-side, instead of a join to `pg_namespace` and `pg_description` in every query (the types
//! query cost 5.6 ms a run with its 14 joins, 1.5 ms with one, measured with `pgbench` on Synapse's schema).
//! What few schemas have is read only when it is there: [`unsupported`] when [`unsupported_probe`] finds a
//! candidate, [`ranges`] when there are range types.

use crate::Step;

/// `NOT EXISTS` clause that excludes members of an extension; `class` is the catalog, `oid` the object.
fn not_ext(class: &str, oid: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_depend xd WHERE xd.classid = '{class}'::regclass AND xd.objid = {oid} \
         AND xd.deptype = 'e')"
    )
}

/// Settings for the snapshot, local to the transaction: an empty `search_path` (every name qualified) and the
/// output formats pg_dump uses, so constants in expressions print the same whatever the session's settings.
/// The planner keeps the joins in the order they are written (each query starts from the catalog it lists and
/// looks the rest up by key): the types query's twelve joins took 2-3 ms to plan otherwise, and the planning
/// of all the queries was most of a small schema's read (15 ms of 21 in a fresh backend, 11 ms with this).
/// Merge joins are not considered: a hash or nested-loop join serves every one of these queries as well, and
/// costing merge joins (sort orders, histogram lookups in `mergejoinscansel`) was about 3% of the server's
/// work in a read of Synapse's schema (the queries in a fresh single-user backend: 240 million instructions
/// instead of 245, callgrind).
pub const SETUP: &str = "SELECT pg_catalog.set_config('search_path', '', true), \
    pg_catalog.set_config('datestyle', 'ISO', true), \
    pg_catalog.set_config('intervalstyle', 'postgres', true), \
    pg_catalog.set_config('extra_float_digits', '3', true), \
    pg_catalog.set_config('quote_all_identifiers', 'off', true), \
    pg_catalog.set_config('jit', 'off', true), \
    pg_catalog.set_config('join_collapse_limit', '1', true), \
    pg_catalog.set_config('from_collapse_limit', '1', true), \
    pg_catalog.set_config('enable_mergejoin', 'off', true), \
    pg_catalog.current_setting('server_version_num')::int4 AS version";

/// On several connections the work is already spread over backends: parallel workers would only add
/// processes to start and caches to fill. On one connection the server's own parallel plans are kept.
pub const NO_PARALLEL_WORKERS: &str =
    "SELECT pg_catalog.set_config('max_parallel_workers_per_gather', '0', true)";

/// The snapshot the other connections import; on several connections the work is already spread over
/// backends (see [`NO_PARALLEL_WORKERS`]).
pub const EXPORT_SNAPSHOT: &str = "SELECT pg_catalog.pg_export_snapshot() AS snapshot, \
    pg_catalog.set_config('max_parallel_workers_per_gather', '0', true)";

/// Whether there is any object at all of the kinds most schemas have none of: one column per kind of
/// [`PRESENT`], true when the kind's own query may return a row. Each condition is looser than its query's (no
/// schema filter, no extension filter; every object a user makes has an oid from 16384 on), so a kind is
/// never skipped that has a row to give. In the first flight, beside the schemas: a kind that is not there is
/// not queried at all, and its query's planning in a fresh backend was most of its cost (on Synapse's schema,
/// where 8 of these 10 kinds have nothing, the server's work went from 227 to 220 million instructions,
/// callgrind, as for [`SETUP`]).
pub const PRESENCE: &str = "SELECT \
    EXISTS (SELECT FROM pg_extension WHERE oid >= 16384) AS extensions, \
    EXISTS (SELECT FROM pg_collation WHERE oid >= 16384) AS collations, \
    EXISTS (SELECT FROM pg_constraint WHERE contypid <> 0 AND oid >= 16384) AS domain_constraints, \
    EXISTS (SELECT FROM pg_sequence WHERE seqrelid >= 16384) AS sequences, \
    EXISTS (SELECT FROM pg_inherits) AS inheritance, \
    EXISTS (SELECT FROM pg_trigger WHERE NOT tgisinternal) AS triggers, \
    EXISTS (SELECT FROM pg_policy) AS policies, \
    EXISTS (SELECT FROM pg_rewrite WHERE ev_class >= 16384) AS rules, \
    EXISTS (SELECT FROM pg_default_acl) AS default_privileges, \
    EXISTS (SELECT FROM pg_event_trigger) AS event_triggers";

/// The kinds [`PRESENCE`] answers for, with its column for each.
pub const PRESENT: [(Step, &str); 10] = [
    (Step::Extensions, "extensions"),
    (Step::Collations, "collations"),
    (Step::DomainConstraints, "domain_constraints"),
    (Step::Sequences, "sequences"),
    (Step::Inheritance, "inheritance"),
    (Step::Triggers, "triggers"),
    (Step::Policies, "policies"),
    (Step::Rules, "rules"),
    (Step::DefaultPrivileges, "default_privileges"),
    (Step::EventTriggers, "event_triggers"),
];

/// Catalog oids, for reading pg_depend.
pub const CATALOG_OIDS: &str =
    "SELECT 'pg_class'::regclass::oid AS pg_class, 'pg_type'::regclass::oid AS pg_type, \
    'pg_proc'::regclass::oid AS pg_proc, 'pg_attrdef'::regclass::oid AS pg_attrdef, \
    'pg_constraint'::regclass::oid AS pg_constraint, 'pg_trigger'::regclass::oid AS pg_trigger, \
    'pg_rewrite'::regclass::oid AS pg_rewrite, 'pg_policy'::regclass::oid AS pg_policy, \
    'pg_namespace'::regclass::oid AS pg_namespace, 'pg_extension'::regclass::oid AS pg_extension, \
    'pg_collation'::regclass::oid AS pg_collation";

pub fn schemas() -> String {
    format!(
        "SELECT n.oid, n.nspname::text AS name, pg_get_userbyid(n.nspowner)::text AS owner, \
           n.nspacl IS NOT NULL AS has_acl \
         FROM pg_namespace n \
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') \
           AND n.nspname !~ '^pg_(toast_)?temp_' AND {} \
         ORDER BY n.nspname",
        not_ext("pg_namespace", "n.oid")
    )
}

/// Every schema's name, by oid: the other queries give an object's schema as an oid, named client-side (a join
/// to `pg_namespace` costs the server more to plan and analyse than most of these queries cost to run: every
/// join widens the query the server builds, and a fresh backend plans each query from scratch).
pub const NAMESPACES: &str = "SELECT oid, nspname::text AS name FROM pg_namespace";

/// The comments on user objects (every user object has an oid from 16384 on) and on `public` (oid 2200 in every
/// version; a schema the user makes has an oid from 16384 on too), matched client-side to the objects read, for
/// the same reason as [`NAMESPACES`]. Both conditions are index ranges: the comments PostgreSQL ships (5,000 of
/// them) are not read (the whole read's server work on Synapse's schema went from 235 to 232 million
/// instructions, callgrind, as for [`SETUP`]).
pub const DESCRIPTIONS: &str =
    "SELECT classoid, objoid, objsubid, description FROM pg_description \
    WHERE objoid >= 16384 OR (objoid = 2200 AND classoid = 'pg_namespace'::regclass)";

/// Extensions created by the user (built-in ones, such as plpgsql, have oids below 16384 and are skipped, as
/// pg_dump does).
pub const EXTENSIONS: &str = "SELECT e.oid, e.extname::text AS name, e.extnamespace AS schema, \
      e.extversion AS version \
    FROM pg_extension e \
    WHERE e.oid >= 16384 \
    ORDER BY e.extname";

pub fn collations(v: u32) -> String {
    let locale = if v >= 170000 {
        "c.colllocale"
    } else if v >= 150000 {
        "c.colliculocale"
    } else {
        "NULL::text"
    };
    format!(
        "SELECT c.oid, c.collnamespace AS schema, c.collname::text AS name, c.collprovider::text AS provider, \
           {locale} AS locale, c.collcollate::text AS lc_collate, c.collctype::text AS lc_ctype, \
           c.collisdeterministic AS deterministic, pg_get_userbyid(c.collowner)::text AS owner \
         FROM pg_collation c \
         WHERE c.collnamespace = ANY($1) AND {}",
        not_ext("pg_collation", "c.oid")
    )
}

/// User types: enums, domains, stand-alone composite types, ranges, and (reported as unsupported) base and
/// shell types. Implicit array types, multiranges and table row types depend internally on their element
/// type, range or table, and are left out with extension members; the row types of relations other than
/// composite types, and implicit arrays (a varlena element-typed base type with no array of its own), are
/// left out before that test, as cheaply as their own columns tell.
pub const TYPES: &str = "SELECT t.oid, t.typarray, t.typnamespace AS schema, t.typname::text AS name, t.typtype::text AS typtype, \
           pg_get_userbyid(t.typowner)::text AS owner, t.typacl IS NOT NULL AS has_acl, t.typrelid, \
           CASE WHEN t.typtype = 'e' THEN ARRAY(SELECT e.enumlabel::text FROM pg_enum e \
             WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) END AS labels, \
           CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base, \
           CASE WHEN t.typtype = 'd' AND t.typcollation <> bt.typcollation THEN co.collnamespace END \
             AS collation_schema, \
           CASE WHEN t.typtype = 'd' AND t.typcollation <> bt.typcollation THEN co.collname::text END \
             AS collation_name, \
           pg_get_expr(t.typdefaultbin, 0) AS default_expr, t.typnotnull AS not_null \
         FROM pg_type t \
         LEFT JOIN pg_type bt ON bt.oid = t.typbasetype \
         LEFT JOIN pg_collation co ON co.oid = t.typcollation \
         WHERE t.typnamespace = ANY($1) AND t.oid >= 16384 \
           AND t.typtype IN ('e', 'd', 'r', 'b', 'p', 'c') \
           AND NOT (t.typtype = 'b' AND t.typelem <> 0 AND t.typarray = 0 AND t.typlen = -1) \
           AND NOT (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class rc WHERE rc.oid = t.typrelid \
             AND rc.relkind <> 'c')) \
           AND NOT EXISTS (SELECT 1 FROM pg_depend xd WHERE xd.classid = 'pg_type'::regclass \
             AND xd.objid = t.oid AND xd.deptype IN ('e', 'i'))";

/// What a range type is made of, for the range types whose oids are in `$1`: read after the rest, and only
/// when the schema has range types (few do), since its five joins cost a fresh backend about 2 ms of
/// analysis and planning, twice what the types query costs without them.
pub fn ranges(v: u32) -> String {
    let multirange = if v >= 140000 {
        "mt.typnamespace AS multirange_schema, mt.typname::text AS multirange_name"
    } else {
        "NULL::oid AS multirange_schema, NULL::text AS multirange_name"
    };
    let multirange_join = if v >= 140000 {
        "LEFT JOIN pg_type mt ON mt.oid = r.rngmultitypid"
    } else {
        ""
    };
    format!(
        "SELECT r.rngtypid AS oid, format_type(r.rngsubtype, NULL) AS subtype, \
           CASE WHEN NOT opc.opcdefault THEN opc.opcnamespace END AS subtype_opclass_schema, \
           CASE WHEN NOT opc.opcdefault THEN opc.opcname::text END AS subtype_opclass_name, \
           CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN rco.collnamespace END \
             AS range_collation_schema, \
           CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN rco.collname::text END \
             AS range_collation_name, \
           CASE WHEN r.rngcanonical <> 0 THEN r.rngcanonical::regproc::text END AS canonical, \
           CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::regproc::text END AS subtype_diff, \
           {multirange} \
         FROM pg_range r \
         LEFT JOIN pg_type st ON st.oid = r.rngsubtype \
         LEFT JOIN pg_opclass opc ON opc.oid = r.rngsubopc \
         LEFT JOIN pg_collation rco ON rco.oid = r.rngcollation \
         {multirange_join} \
         WHERE r.rngtypid = ANY($1)"
    )
}

/// CHECK constraints of domains (a domain's NOT NULL is `typnotnull`; PostgreSQL 17 also lists it here as
/// contype `n`).
pub const DOMAIN_CONSTRAINTS: &str = "SELECT c.oid, c.contypid, c.conname::text AS name, \
      pg_get_constraintdef(c.oid) AS definition, c.convalidated AS validated \
    FROM pg_constraint c JOIN pg_type t ON t.oid = c.contypid \
    WHERE c.contypid <> 0 AND c.contype = 'c' AND t.typnamespace = ANY($1) \
    ORDER BY c.contypid, c.conname";

/// Sequences, with the column they belong to: `a` (OWNED BY) or `i` (identity).
pub fn sequences() -> String {
    format!(
        "SELECT c.oid, c.relnamespace AS schema, c.relname::text AS name, \
           format_type(s.seqtypid, NULL) AS data_type, s.seqstart AS start, s.seqincrement AS increment, \
           s.seqmin AS min_value, s.seqmax AS max_value, s.seqcache AS cache, s.seqcycle AS cycle, \
           pg_get_userbyid(c.relowner)::text AS owner, c.relacl IS NOT NULL AS has_acl, \
           dep.deptype::text AS deptype, dep.refobjid AS owner_rel, dep.refobjsubid::int2 AS owner_attnum, \
           tc.relnamespace AS owner_schema, tc.relname::text AS owner_table, a.attname::text AS owner_column \
         FROM pg_class c \
         JOIN pg_sequence s ON s.seqrelid = c.oid \
         LEFT JOIN pg_depend dep ON dep.classid = 'pg_class'::regclass AND dep.objid = c.oid \
           AND dep.refclassid = 'pg_class'::regclass AND dep.refobjsubid > 0 AND dep.deptype IN ('a', 'i') \
         LEFT JOIN pg_class tc ON tc.oid = dep.refobjid \
         LEFT JOIN pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid \
         WHERE c.relkind = 'S' AND c.relnamespace = ANY($1) AND {}",
        not_ext("pg_class", "c.oid")
    )
}

/// Tables, views, materialized views, composite types' relations and foreign tables.
pub fn relations() -> String {
    format!(
        "SELECT c.oid, c.reltype, rt.typarray AS reltype_array, c.relnamespace AS schema, c.relname::text AS name, \
           c.relkind::text AS relkind, c.relpersistence::text AS persistence, \
           c.relreplident::text AS replident, \
           CASE WHEN c.relreplident = 'i' THEN (SELECT ic.relname::text FROM pg_index ri \
              JOIN pg_class ic ON ic.oid = ri.indexrelid \
              WHERE ri.indrelid = c.oid AND ri.indisreplident LIMIT 1) END AS replident_index, \
           CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_by, \
           CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound, \
           c.relrowsecurity AS rls_enabled, c.relforcerowsecurity AS rls_forced, \
           c.reloptions AS options, \
           ot.typnamespace AS of_type_schema, ot.typname::text AS of_type_name, \
           CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END AS view_definition, \
           pg_get_userbyid(c.relowner)::text AS owner, c.relacl IS NOT NULL AS has_acl \
         FROM pg_class c \
         LEFT JOIN pg_type rt ON rt.oid = c.reltype \
         LEFT JOIN pg_type ot ON ot.oid = c.reloftype \
         WHERE c.relkind IN ('r', 'p', 'v', 'm', 'c', 'f') AND c.relnamespace = ANY($1) AND c.oid >= 16384 \
           AND {}",
        not_ext("pg_class", "c.oid")
    )
}

/// Parents of tables (inheritance and partitioning) and of indexes (partition indexes), in order.
pub const INHERITS: &str = "SELECT i.inhrelid AS child, p.relnamespace AS parent_schema, \
      p.relname::text AS parent_name \
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
    JOIN pg_class p ON p.oid = i.inhparent \
    WHERE c.relnamespace = ANY($1) \
    ORDER BY i.inhrelid, i.inhseqno";

/// Columns of tables, views and composite types. A default cannot refer to a column, so it is deparsed without
/// its table (`pg_get_expr(adbin, 0)` prints the same text, and does not make the server open the table, which
/// costs more than the deparsing); a generated column's expression refers to columns and needs its table.
///
/// The query reads `pg_attribute` alone (with its class, for the relation's kind and schema, and its default):
/// a join to `pg_type` and `pg_collation` for every column cost the server more than the rest. A column's type
/// name is written client-side from [`type_names`] and `atttypmod`, as `format_type` writes it; its collation
/// and storage are compared client-side with its type's (`typcollation`, `typstorage` in [`type_names`]). The
/// few names the client cannot write are read at the end (`Reader::column_names_late`): row types of
/// relations (and arrays of them), which [`type_names`] leaves out, type modifiers whose output function is not
/// one of PostgreSQL's own, and collations outside the schemas read.
///
/// The same scan gives the attributes of indexes that have options (`of_index`: operator class options such as
/// `gist (doc tsvector_ops (siglen = 100))`, which only `pg_get_indexdef` writes): a second scan of
/// `pg_attribute` in [`indexes`] cost about a millisecond on a 134-table schema.
pub fn columns(v: u32) -> String {
    let compression = if v >= 140000 {
        "a.attcompression::text"
    } else {
        "''::text"
    };
    // PostgreSQL 18 keeps each NOT NULL as a named constraint.
    let (not_null_cols, not_null_join) = if v >= 180000 {
        (
            "nn.conname::text AS not_null_name, COALESCE(nn.connoinherit, false) AS not_null_no_inherit, \
             NOT COALESCE(nn.convalidated, true) AS not_null_not_valid",
            "LEFT JOIN pg_constraint nn ON nn.conrelid = a.attrelid AND nn.contype = 'n' \
             AND nn.conkey[1] = a.attnum",
        )
    } else {
        (
            "NULL::text AS not_null_name, false AS not_null_no_inherit, false AS not_null_not_valid",
            "",
        )
    };
    // NULL from PostgreSQL 17 when not set, -1 before.
    let stattarget = if v >= 170000 {
        "COALESCE(a.attstattarget::int, -1)"
    } else {
        "a.attstattarget::int"
    };
    format!(
        "SELECT a.attrelid, a.attnum, a.attname::text AS name, a.atttypid, a.attcollation, a.atttypmod, \
           {not_null_cols}, \
           a.attnotnull AS not_null, a.attidentity::text AS identity, a.attgenerated::text AS generated, \
           pg_get_expr(ad.adbin, CASE WHEN a.attgenerated = '' THEN 0 ELSE ad.adrelid END) AS default_expr, ad.oid AS attrdef, a.attislocal AS is_local, \
           a.attacl IS NOT NULL AS has_acl, {compression} AS compression, \
           {stattarget} AS stattarget, a.attoptions AS options, \
           a.attstorage::text AS storage, c.relkind IN ('i', 'I') AS of_index \
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
         LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum \
         {not_null_join} \
         WHERE (c.relkind IN ('r', 'p', 'v', 'm', 'c', 'f') \
             OR (c.relkind IN ('i', 'I') AND a.attoptions IS NOT NULL)) \
           AND c.relnamespace = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped \
         ORDER BY a.attrelid, a.attnum",
    )
}

/// Table constraints (key columns as attnums, named from the columns already read). Foreign keys that
/// PostgreSQL clones on the referencing table for each partition of a referenced partitioned table are internal
/// and skipped (they have a parent constraint on the same table).
///
/// `pg_get_constraintdef` costs tens of microseconds a constraint, so it runs only for CHECK and EXCLUDE
/// constraints (and, from PostgreSQL 18, temporal keys and NOT ENFORCED ones): a primary key, unique
/// constraint or foreign key comes with its parts (referenced table and columns, match type, actions, `ON DELETE
/// SET NULL (...)` columns, INCLUDE columns and NULLS NOT DISTINCT of its index) and its definition is written
/// client-side as `pg_get_constraintdef` writes it, with column names from the columns already read (a foreign
/// key to a table outside the schemas read gets its definition from the server: [`CONSTRAINT_DEFINITIONS`]).
/// `tests/connections.rs` checks the definitions against the server's.
pub fn constraints(v: u32) -> String {
    let mut client_side = "c.contype IN ('p', 'u', 'f')".to_string();
    if v >= 180000 {
        client_side.push_str(" AND NOT c.conperiod");
    }
    if v >= 180000 {
        client_side.push_str(" AND c.conenforced");
    }
    let (delete_set, nulls_not_distinct) = if v >= 150000 {
        (
            "c.confdelsetcols",
            "COALESCE(ix.indnullsnotdistinct, false)",
        )
    } else {
        ("NULL::int2[]", "false")
    };
    format!(
        "SELECT c.oid, c.conrelid, c.conname::text AS name, c.contype::text AS contype, \
           CASE WHEN {client_side} THEN NULL ELSE pg_get_constraintdef(c.oid) END AS definition, \
           c.conkey AS columns, \
           fc.relnamespace AS ref_schema, fc.relname::text AS ref_table, \
           c.confrelid AS ref_oid, c.confkey AS ref_columns, \
           c.confmatchtype::text AS match_type, c.confupdtype::text AS on_update, \
           c.confdeltype::text AS on_delete, {delete_set} AS delete_set_columns, \
           (ix.indkey::int2[])[ix.indnkeyatts:ix.indnatts - 1] AS include, \
           {nulls_not_distinct} AS nulls_not_distinct, ic.reloptions AS index_options, \
           c.condeferrable AS deferrable, c.condeferred AS deferred, c.convalidated AS validated, \
           c.conislocal AS is_local, c.conindid AS index_oid \
         FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid \
         LEFT JOIN pg_class fc ON fc.oid = c.confrelid \
         LEFT JOIN pg_index ix ON ix.indexrelid = c.conindid AND c.contype IN ('p', 'u') \
         LEFT JOIN pg_class ic ON ic.oid = ix.indexrelid \
         WHERE r.relnamespace = ANY($1) AND c.contype IN ('p', 'u', 'f', 'c', 'x') \
           AND NOT (c.contype = 'f' AND c.conparentid <> 0 AND EXISTS (SELECT 1 FROM pg_constraint pc \
             WHERE pc.oid = c.conparentid AND pc.conrelid = c.conrelid))"
    )
}

/// The definitions of the constraints whose oids are in `$1`, as `pg_get_constraintdef` writes them.
pub const CONSTRAINT_DEFINITIONS: &str =
    "SELECT x.oid, pg_get_constraintdef(x.oid) AS definition FROM unnest($1::oid[]) x(oid)";

/// Indexes of tables and materialized views. `pg_get_indexdef` is costly (it looks up the default operator class
/// of every key column with a catalog scan: tens of microseconds an index), so it runs here only for indexes
/// with storage options, a sort order, or expressions other than one function call, operator or `COALESCE`
/// (an index with operator class options is found by [`columns`] and read with [`INDEX_DEFINITIONS`]); the
/// others (`plain`) come with their access method, key and INCLUDE columns, operator
/// classes, collations, expression and predicate (each deparsed as `pg_get_indexdef` does it), and their
/// definition is written client-side when the operator classes and collations are the defaults
/// `pg_get_indexdef` leaves out (otherwise it is read with [`INDEX_DEFINITIONS`]).
///
/// An index is in its table's schema (toast tables' indexes are in `pg_toast`, never read), so the query reads the
/// index's own class, not its table's; the constraint an index implements comes with the constraints
/// ([`constraints`]' `index_oid`). Each join cost the server a fresh plan's worth of work on every read.
///
/// `expression_tree` is the node tree of the expression (`indexprs` as text) when the index has exactly one:
/// the client reads from its top node what `pg_get_indexdef` would compare and how it would write it
/// (`reader/keys.rs`, `expression_shape`); string functions on the server cost more than the deparsing here.
pub fn indexes(v: u32) -> String {
    let nulls_not_distinct = if v >= 150000 {
        "i.indnullsnotdistinct"
    } else {
        "false"
    };
    // The inner query decides once per index (`OFFSET 0` keeps the planner from copying the decision into
    // every expression that uses it); the outer one deparses what must be.
    format!(
        "SELECT q.indexrelid, q.indrelid, q.name, q.is_unique, q.columns, q.include, \
           q.method, q.method_oid, q.opclasses, q.collations, q.nulls_not_distinct, \
           CASE WHEN q.plain THEN NULL ELSE pg_get_indexdef(q.indexrelid) END AS definition, \
           CASE WHEN q.plain THEN pg_get_expr(q.indpred, q.indrelid) END AS predicate, \
           CASE WHEN q.plain THEN pg_get_expr(q.indexprs, q.indrelid) END AS expression, \
           q.tree AS expression_tree, q.clustered \
         FROM (SELECT i.indexrelid, i.indrelid, ic.relname::text AS name, i.indisunique AS is_unique, \
             (i.indkey::int2[])[0:i.indnkeyatts - 1] AS columns, \
             (i.indkey::int2[])[i.indnkeyatts:i.indnatts - 1] AS include, \
             am.amname::text AS method, ic.relam AS method_oid, i.indclass::oid[] AS opclasses, \
             i.indcollation::oid[] AS collations, {nulls_not_distinct} AS nulls_not_distinct, \
             i.indpred, i.indexprs, x.tree, i.indisclustered AS clustered, \
             (i.indexprs IS NULL OR x.tree IS NOT NULL) AND ic.reloptions IS NULL AND ic.relkind = 'i' \
               AND 0 = ALL (i.indoption::int2[]) AS plain \
           FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid \
           JOIN pg_am am ON am.oid = ic.relam \
           CROSS JOIN LATERAL (SELECT CASE WHEN cardinality(array_positions(i.indkey::int2[], 0::int2)) = 1 \
             THEN i.indexprs::text END AS tree) x \
           WHERE ic.relnamespace = ANY($1) AND ic.relkind IN ('i', 'I') \
           OFFSET 0) q"
    )
}

/// `format_type` of the (type, typmod) pairs in `$1` and `$2`: the column types the client cannot name.
pub const FORMAT_TYPES: &str = "SELECT x.t AS oid, x.m AS typmod, format_type(x.t, x.m) AS name \
    FROM unnest($1::oid[], $2::int4[]) x(t, m)";

/// The names of the collations whose oids are in `$1`.
pub const COLLATION_NAMES: &str =
    "SELECT oid, collnamespace AS schema, collname::text AS name FROM pg_collation WHERE oid = ANY($1)";

/// The definitions of the indexes whose oids are in `$1`, as `pg_get_indexdef` writes them.
pub const INDEX_DEFINITIONS: &str =
    "SELECT x.oid, pg_get_indexdef(x.oid) AS definition FROM unnest($1::oid[]) x(oid)";

/// What `format_type` needs to name a type, for every type but the row types of relations (other than
/// stand-alone composite types) and their arrays (thousands in a large schema, rarely a column's type):
/// schema, name, the element type of a true array (which `format_type` writes as `element[]`; a fixed-length
/// array such as `name` or `oidvector` is written by its own name) and the type modifier output function.
pub fn type_names(v: u32) -> String {
    // PostgreSQL 14 tells arrays by their subscript handler; 12 and 13 by typelem alone.
    let true_array = if v >= 140000 {
        "t.typelem <> 0 AND t.typsubscript = 'pg_catalog.array_subscript_handler'::regproc \
         AND t.typstorage <> 'p'"
    } else {
        "t.typelem <> 0 AND t.typstorage <> 'p'"
    };
    format!(
        "SELECT t.oid, t.typnamespace AS schema, t.typname::text AS name, \
           CASE WHEN {true_array} THEN t.typelem END AS element, \
           CASE WHEN t.typmodout <> 0 THEN t.typmodout::regproc::text END AS typmodout, \
           t.typcollation AS collation, t.typstorage::text AS storage \
         FROM pg_type t \
         WHERE t.typrelid = 0 AND NOT (t.typelem <> 0 \
           AND EXISTS (SELECT 1 FROM pg_type e WHERE e.oid = t.typelem AND e.typrelid <> 0))"
    )
}

/// Default operator classes, by access method and input type: an index column using its type's default
/// operator class does not name it. A type without a default operator class of its own gets one of a type it is
/// binary-coercible to (`varchar` gets `text`'s: `GetDefaultOpClass`), and casts the user created can make more
/// types binary-coercible: rows with `oid` 0 are such casts, `opcintype` their source type, whose index columns
/// the client then leaves to the server (`Reader::is_default_opclass`).
pub const DEFAULT_OPCLASSES: &str =
    "SELECT oid, opcmethod, opcintype FROM pg_opclass WHERE opcdefault \
    UNION ALL SELECT 0::oid, 0::oid, castsource FROM pg_cast \
    WHERE oid >= 16384 AND castmethod = 'b' AND castcontext = 'i'";

/// Keywords that make `quote_ident` quote a word (every category but unreserved), as this server knows them.
pub const KEYWORDS: &str = "SELECT word FROM pg_get_keywords() WHERE catcode <> 'U'";

/// User triggers: internal ones (foreign keys' triggers) and, from PostgreSQL 13, the clones a trigger on a
/// partitioned table makes on each partition are skipped (on 12, clones are internal).
pub fn triggers(v: u32) -> String {
    let clones = if v >= 130000 {
        "AND t.tgparentid = 0"
    } else {
        ""
    };
    format!(
        "SELECT t.oid, t.tgrelid, t.tgname::text AS name, pg_get_triggerdef(t.oid) AS definition, \
           p.pronamespace AS function_schema, p.proname::text AS function_name, \
           pg_get_function_identity_arguments(p.oid) AS function_args, t.tgconstraint <> 0 AS is_constraint, \
           t.tgenabled::text AS enabled \
         FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid \
         JOIN pg_proc p ON p.oid = t.tgfoid \
         WHERE r.relnamespace = ANY($1) AND NOT t.tgisinternal {clones}"
    )
}

pub const POLICIES: &str = "SELECT p.oid, p.polrelid, p.polname::text AS name, p.polcmd::text AS command, \
      p.polpermissive AS permissive, \
      ARRAY(SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r)::text END FROM unnest(p.polroles) r) \
        AS roles, \
      pg_get_expr(p.polqual, p.polrelid) AS using_expr, pg_get_expr(p.polwithcheck, p.polrelid) AS check_expr \
    FROM pg_policy p JOIN pg_class r ON r.oid = p.polrelid \
    WHERE r.relnamespace = ANY($1)";

/// Rewrite rules: the `_RETURN` rule of each view (for dependencies) and user rules (unsupported).
pub fn rules() -> String {
    "SELECT r.oid, r.ev_class, r.rulename::text AS name, \
      quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS relation \
    FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace \
    WHERE c.relnamespace = ANY($1)"
        .to_string()
}

/// Functions, procedures, aggregates and window functions. Functions PostgreSQL creates for a type (range
/// constructors) depend on it internally and are skipped. The body of a SQL-standard function (`RETURN expr`,
/// `BEGIN ATOMIC ... END`, PostgreSQL 14 and later) is not in `prosrc` but parsed in `prosqlbody`: it is read
/// as `pg_get_function_sqlbody` prints it.
pub fn functions(v: u32) -> String {
    let body = if v >= 140000 {
        "CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid) ELSE p.prosrc END"
    } else {
        "p.prosrc"
    };
    format!(
        "SELECT p.oid, p.pronamespace AS schema, p.proname::text AS name, \
       pg_get_function_identity_arguments(p.oid) AS args, p.prokind::text AS prokind, \
       CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END AS definition, \
       CASE WHEN p.prokind <> 'p' THEN pg_get_function_result(p.oid) END AS returns, \
       l.lanname::text AS language, p.provolatile::text AS volatility, p.proisstrict AS strict, \
       p.prosecdef AS security_definer, p.proconfig AS config, {body} AS body, \
       p.proleakproof AS leakproof, p.proparallel::text AS parallel, p.procost::text AS cost, \
       p.prorows::text AS rows, \
       pg_get_userbyid(p.proowner)::text AS owner, p.proacl IS NOT NULL AS has_acl \
     FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang \
     WHERE p.pronamespace = ANY($1) AND p.oid >= 16384 \
       AND NOT EXISTS (SELECT 1 FROM pg_depend xd WHERE xd.classid = 'pg_proc'::regclass \
         AND xd.objid = p.oid AND xd.deptype IN ('e', 'i'))"
    )
}

/// What a `CREATE AGGREGATE` statement needs, for the aggregates whose oids are in `$1` (those the functions
/// query found): read at the end, only when there are aggregates (few schemas have any; planning this query
/// cost about 1 ms of a fresh backend).
pub const AGGREGATES: &str = "SELECT a.aggfnoid::oid AS aggfnoid, a.aggkind::text AS kind, \
      pg_get_function_arguments(p.oid) AS arguments, \
      a.aggtransfn::regproc::text AS sfunc, format_type(a.aggtranstype, NULL) AS stype, \
      a.aggtransspace AS sspace, \
      NULLIF(a.aggfinalfn, 0)::regproc::text AS finalfunc, a.aggfinalextra AS finalfunc_extra, \
      a.aggfinalmodify::text AS finalfunc_modify, \
      NULLIF(a.aggcombinefn, 0)::regproc::text AS combinefunc, \
      NULLIF(a.aggserialfn, 0)::regproc::text AS serialfunc, \
      NULLIF(a.aggdeserialfn, 0)::regproc::text AS deserialfunc, \
      a.agginitval AS initcond, \
      NULLIF(a.aggmtransfn, 0)::regproc::text AS msfunc, NULLIF(a.aggminvtransfn, 0)::regproc::text AS minvfunc, \
      CASE WHEN a.aggmtranstype <> 0 THEN format_type(a.aggmtranstype, NULL) END AS mstype, \
      a.aggmtransspace AS msspace, \
      NULLIF(a.aggmfinalfn, 0)::regproc::text AS mfinalfunc, a.aggmfinalextra AS mfinalfunc_extra, \
      a.aggmfinalmodify::text AS mfinalfunc_modify, a.aggminitval AS minitcond, \
      CASE WHEN a.aggsortop <> 0 THEN 'OPERATOR(' || quote_ident(opn.nspname) || '.' || op.oprname || ')' END \
        AS sortop, \
      p.proparallel::text AS parallel \
    FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid \
    LEFT JOIN pg_operator op ON op.oid = a.aggsortop LEFT JOIN pg_namespace opn ON opn.oid = op.oprnamespace \
    WHERE a.aggfnoid = ANY($1)";

/// Explicit privileges (`aclexplode`) of relations, columns, schemas, types and functions whose ACL is not
/// NULL. `kind`: `r` relation, `c` column (`subid` = attnum), `n` schema, `t` type, `f` function. An object's
/// rows come in the order of its ACL's items (the reader keeps the grantees' order). The columns' ACLs are
/// looked up relation by relation (`OFFSET 0` keeps the planner from turning that into a scan of the whole of
/// `pg_attribute`, system catalogs included: 227 million instructions of server work instead of 232 on
/// Synapse's schema, as for [`SETUP`]).
pub const GRANTS: &str = "SELECT x.kind, x.objid, x.subid, \
      CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee)::text END AS grantee, \
      a.privilege_type AS privilege, a.is_grantable \
    FROM ( \
      SELECT 'r' AS kind, c.oid AS objid, 0 AS subid, c.relacl AS acl FROM pg_class c \
        WHERE c.relacl IS NOT NULL AND c.relnamespace = ANY($1) AND c.oid >= 16384 \
      UNION ALL SELECT 'c', a.attrelid, a.attnum::int4, a.attacl FROM pg_class c, \
        LATERAL (SELECT a.attrelid, a.attnum, a.attacl FROM pg_attribute a WHERE a.attrelid = c.oid \
          AND a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped OFFSET 0) a \
        WHERE c.relnamespace = ANY($1) AND c.oid >= 16384 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') \
      UNION ALL SELECT 'n', n.oid, 0, n.nspacl FROM pg_namespace n \
        WHERE n.nspacl IS NOT NULL AND n.oid = ANY($1) \
      UNION ALL SELECT 't', t.oid, 0, t.typacl FROM pg_type t \
        WHERE t.typacl IS NOT NULL AND t.typnamespace = ANY($1) AND t.oid >= 16384 \
      UNION ALL SELECT 'f', p.oid, 0, p.proacl FROM pg_proc p \
        WHERE p.proacl IS NOT NULL AND p.pronamespace = ANY($1) AND p.oid >= 16384 \
    ) x, LATERAL aclexplode(x.acl) a";

/// `ALTER DEFAULT PRIVILEGES` entries (`pg_default_acl`), one row per privilege (`aclexplode`), and one row
/// with a NULL privilege for an entry whose ACL is empty: those in the schemas read, and those for every
/// schema when the whole database is read (`$2`).
pub const DEFAULT_PRIVILEGES: &str = "SELECT pg_get_userbyid(d.defaclrole)::text AS role, \
      n.nspname::text AS schema, d.defaclobjtype::text AS objtype, \
      CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee)::text END AS grantee, \
      a.privilege_type AS privilege, a.is_grantable \
    FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace \
    LEFT JOIN LATERAL aclexplode(d.defaclacl) a ON true \
    WHERE d.defaclnamespace = ANY($1) OR (d.defaclnamespace = 0 AND $2)";

/// Event triggers that are not members of an extension, when the whole database is read (`$2`; as pg_dump
/// leaves them out with `-n`). `$1`, the schemas, is only typed: event triggers are in no schema.
pub fn event_triggers() -> String {
    format!(
        "SELECT e.evtname::text AS name, e.evtevent::text AS event, \
           coalesce(e.evttags::text[], '{{}}') AS tags, e.evtenabled::text AS enabled, \
           pg_get_userbyid(e.evtowner)::text AS owner, n.nspname::text AS function_schema, \
           p.proname::text AS function_name, \
           obj_description(e.oid, 'pg_event_trigger') AS description \
         FROM pg_event_trigger e JOIN pg_proc p ON p.oid = e.evtfoid \
         JOIN pg_namespace n ON n.oid = p.pronamespace \
         WHERE $2 AND $1::oid[] IS NOT NULL AND {}",
        not_ext("pg_event_trigger", "e.oid")
    )
}

/// Dependencies between user objects (`n`ormal and `a`uto). A referenced object that belongs to an extension
/// comes with that extension's oid. Left out: an object's link to its own schema (every object has one, and its
/// name says it), and the auto links of a table's parts to the table (constraints, defaults, triggers,
/// policies, and indexes and owned sequences to its columns).
pub const DEPENDENCIES: &str = "SELECT d.classid, d.objid, d.objsubid, d.refclassid, d.refobjid, d.refobjsubid, \
      d.deptype::text AS deptype, e.refobjid AS ref_extension \
    FROM pg_depend d \
    LEFT JOIN pg_depend e ON e.classid = d.refclassid AND e.objid = d.refobjid AND e.objsubid = 0 \
      AND e.deptype = 'e' AND e.refclassid = 'pg_extension'::regclass \
    WHERE d.deptype IN ('n', 'a') AND d.objid >= 16384 AND d.refobjid >= 16384 \
      AND d.refclassid <> 'pg_namespace'::regclass \
      AND NOT (d.deptype = 'a' AND d.refclassid = 'pg_class'::regclass AND (d.refobjsubid <> 0 \
        OR d.classid IN ('pg_constraint'::regclass, 'pg_attrdef'::regclass, 'pg_trigger'::regclass, \
          'pg_policy'::regclass))) \
      AND d.classid IN ('pg_class'::regclass, 'pg_type'::regclass, 'pg_proc'::regclass, 'pg_attrdef'::regclass, \
        'pg_constraint'::regclass, 'pg_trigger'::regclass, 'pg_rewrite'::regclass, 'pg_policy'::regclass)";

/// Objects of kinds the model does not hold. `$2` is true when database-wide objects (casts, event
/// triggers, publications, ...) are to be listed too, that is when no schema filter is given.
///
/// This query's planning is most of its cost, and on a small schema a large part of the whole read (a fresh
/// backend plans it with cold caches): security labels are read from the catalogs `pg_seclabel` and
/// `pg_shseclabel`, not the view `pg_seclabels`, a union over every labelled kind that alone took 5 of the
/// query's 11 ms of planning on an empty database. One anti-join against `pg_depend` for every branch, not
/// one per branch, brought a fresh backend's planning of it on Synapse's schema from 2.8 to 2.1 ms and its
/// execution from 1.0 to 0.6 ms (medians of 6, psql, the query first in a new backend); a whole `plumb dump`
/// did not change measurably.
pub fn unsupported() -> String {
    // Members of extensions, and objects PostgreSQL made for another one (the casts between a range type and
    // its multirange), are not the user's: one anti-join over every branch (`cls`, `oid`; `NULL` where no
    // extension can own the row), not one per branch, which took most of the planning. Every user object has
    // an oid from 16384 on (pg_dump's rule), which the branches filter on first.
    "SELECT u.kind, u.name FROM ( \
       SELECT 'pg_operator'::regclass AS cls, o.oid, 'operator' AS kind, o.oid::regoperator::text AS name \
         FROM pg_operator o WHERE o.oid >= 16384 AND o.oprnamespace = ANY($1) \
       UNION ALL SELECT NULL, NULL, 'tablespace', c.relnamespace::regnamespace::text || '.' \
           || quote_ident(c.relname) || ' IN ' || quote_ident(ts.spcname) \
         FROM pg_class c JOIN pg_tablespace ts ON ts.oid = c.reltablespace \
         WHERE c.reltablespace <> 0 AND c.relnamespace = ANY($1) AND c.relkind IN ('r', 'p', 'm', 'i', 'I') \
       UNION ALL SELECT 'pg_opclass'::regclass, c.oid, 'operator class', c.opcnamespace::regnamespace::text \
           || '.' || quote_ident(c.opcname) || ' USING ' || quote_ident(am.amname) \
         FROM pg_opclass c JOIN pg_am am ON am.oid = c.opcmethod \
         WHERE c.oid >= 16384 AND c.opcnamespace = ANY($1) \
       UNION ALL SELECT 'pg_opfamily'::regclass, f.oid, 'operator family', f.opfnamespace::regnamespace::text \
           || '.' || quote_ident(f.opfname) || ' USING ' || quote_ident(am.amname) \
         FROM pg_opfamily f JOIN pg_am am ON am.oid = f.opfmethod \
         WHERE f.oid >= 16384 AND f.opfnamespace = ANY($1) \
       UNION ALL SELECT 'pg_conversion'::regclass, c.oid, 'conversion', \
           c.connamespace::regnamespace::text || '.' || quote_ident(c.conname) \
         FROM pg_conversion c WHERE c.oid >= 16384 AND c.connamespace = ANY($1) \
       UNION ALL SELECT 'pg_ts_config'::regclass, c.oid, 'text search configuration', c.oid::regconfig::text \
         FROM pg_ts_config c WHERE c.oid >= 16384 AND c.cfgnamespace = ANY($1) \
       UNION ALL SELECT 'pg_ts_dict'::regclass, c.oid, 'text search dictionary', c.oid::regdictionary::text \
         FROM pg_ts_dict c WHERE c.oid >= 16384 AND c.dictnamespace = ANY($1) \
       UNION ALL SELECT 'pg_ts_parser'::regclass, c.oid, 'text search parser', \
           c.prsnamespace::regnamespace::text || '.' || quote_ident(c.prsname) \
         FROM pg_ts_parser c WHERE c.oid >= 16384 AND c.prsnamespace = ANY($1) \
       UNION ALL SELECT 'pg_ts_template'::regclass, c.oid, 'text search template', \
           c.tmplnamespace::regnamespace::text || '.' || quote_ident(c.tmplname) \
         FROM pg_ts_template c WHERE c.oid >= 16384 AND c.tmplnamespace = ANY($1) \
       UNION ALL SELECT 'pg_statistic_ext'::regclass, s.oid, 'statistics object', \
           s.stxnamespace::regnamespace::text || '.' || quote_ident(s.stxname) \
         FROM pg_statistic_ext s WHERE s.oid >= 16384 AND s.stxnamespace = ANY($1) \
       UNION ALL SELECT 'pg_cast'::regclass, c.oid, 'cast', '(' || format_type(c.castsource, NULL) || ' AS ' \
           || format_type(c.casttarget, NULL) || ')' FROM pg_cast c WHERE $2 AND c.oid >= 16384 \
       UNION ALL SELECT 'pg_language'::regclass, l.oid, 'procedural language', quote_ident(l.lanname) \
         FROM pg_language l WHERE $2 AND l.oid >= 16384 \
       UNION ALL SELECT 'pg_am'::regclass, am.oid, 'access method', quote_ident(am.amname) FROM pg_am am \
         WHERE $2 AND am.oid >= 16384 \
       UNION ALL SELECT 'pg_transform'::regclass, t.oid, 'transform', 'FOR ' || format_type(t.trftype, NULL) \
           || ' LANGUAGE ' || quote_ident(l.lanname) FROM pg_transform t JOIN pg_language l ON l.oid = t.trflang \
         WHERE $2 AND t.oid >= 16384 \
       UNION ALL SELECT 'pg_foreign_data_wrapper'::regclass, w.oid, 'foreign-data wrapper', quote_ident(w.fdwname) \
         FROM pg_foreign_data_wrapper w WHERE $2 AND w.oid >= 16384 \
       UNION ALL SELECT 'pg_foreign_server'::regclass, s.oid, 'foreign server', quote_ident(s.srvname) \
         FROM pg_foreign_server s WHERE $2 AND s.oid >= 16384 \
       UNION ALL SELECT NULL, NULL, 'user mapping', 'FOR ' || quote_ident(m.usename) || ' SERVER ' \
           || quote_ident(m.srvname) FROM pg_user_mappings m WHERE $2 \
       UNION ALL SELECT NULL, NULL, 'publication', quote_ident(p.pubname) FROM pg_publication p WHERE $2 \
       UNION ALL SELECT NULL, NULL, 'subscription', quote_ident(s.subname) FROM pg_subscription s \
         WHERE $2 AND s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database()) \
       UNION ALL SELECT NULL, NULL, 'security label', pg_describe_object(l.classoid, l.objoid, l.objsubid) \
           || ' (provider ' || l.provider || ')' FROM pg_seclabel l WHERE $2 AND l.objoid >= 16384 \
       UNION ALL SELECT NULL, NULL, 'security label', pg_describe_object(l.classoid, l.objoid, 0) \
           || ' (provider ' || l.provider || ')' FROM pg_shseclabel l WHERE $2 AND l.objoid >= 16384 \
     ) u \
     WHERE NOT EXISTS (SELECT 1 FROM pg_depend xd WHERE xd.classid = u.cls AND xd.objid = u.oid \
       AND xd.deptype IN ('e', 'i'))"
        .to_string()
}

/// Whether there may be objects of kinds the model does not hold: a row per candidate, or none. It is a
/// superset of what [`unsupported`] lists, without the naming: the casts to `regoperator` and `regnamespace`,
/// `format_type`, `pg_describe_object` and the joins that name access methods, languages and tablespaces, whose
/// analysis and planning took most of that query's cost (about 6 ms of a fresh backend on every read, on a
/// database that has none of these objects, as most have). [`unsupported`] runs only when this returns a row. A
/// foreign server stands for the user mappings too (a mapping needs one; `pg_user_mappings` is a view).
///
/// The kinds that live in a schema (operators, operator classes and families, conversions, the four text
/// search kinds, statistics objects) are found through their dependency on their schema, which PostgreSQL
/// records for every one of them (13 to 18: `makeOperatorDependencies`, `CreateOpFamily`, `ConversionCreate`,
/// `makeConfigurationDependencies`, `CreateStatistics`, ...; kept by `ALTER ... SET SCHEMA`), in one index
/// scan of `pg_depend`, instead of planning a scan of each of their nine catalogs: in a fresh backend on
/// Synapse's schema the whole read's server work went from 244 to 236 million instructions (callgrind, the
/// queries in a single-user backend), as if the probe were not there. `tests/unsupported.rs` creates each kind
/// alone and checks that it is reported.
pub fn unsupported_probe() -> String {
    "SELECT u.cls FROM ( \
       SELECT d.classid AS cls, d.objid AS oid FROM pg_depend d \
         WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid = ANY($1) AND d.deptype = 'n' \
           AND d.classid IN ('pg_operator'::regclass, 'pg_opclass'::regclass, 'pg_opfamily'::regclass, \
             'pg_conversion'::regclass, 'pg_ts_config'::regclass, 'pg_ts_dict'::regclass, \
             'pg_ts_parser'::regclass, 'pg_ts_template'::regclass, 'pg_statistic_ext'::regclass) \
       UNION ALL SELECT NULL, NULL FROM pg_class c \
         WHERE c.reltablespace <> 0 AND c.relnamespace = ANY($1) AND c.relkind IN ('r', 'p', 'm', 'i', 'I') \
       UNION ALL SELECT 'pg_cast'::regclass, c.oid FROM pg_cast c WHERE $2 AND c.oid >= 16384 \
       UNION ALL SELECT 'pg_language'::regclass, l.oid FROM pg_language l WHERE $2 AND l.oid >= 16384 \
       UNION ALL SELECT 'pg_am'::regclass, am.oid FROM pg_am am WHERE $2 AND am.oid >= 16384 \
       UNION ALL SELECT 'pg_transform'::regclass, t.oid FROM pg_transform t WHERE $2 AND t.oid >= 16384 \
       UNION ALL SELECT 'pg_foreign_data_wrapper'::regclass, w.oid FROM pg_foreign_data_wrapper w \
         WHERE $2 AND w.oid >= 16384 \
       UNION ALL SELECT NULL, NULL FROM pg_foreign_server s WHERE $2 \
       UNION ALL SELECT NULL, NULL FROM pg_publication p WHERE $2 \
       UNION ALL SELECT NULL, NULL FROM pg_subscription s \
         WHERE $2 AND s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database()) \
       UNION ALL SELECT NULL, NULL FROM pg_seclabel l WHERE $2 AND l.objoid >= 16384 \
       UNION ALL SELECT NULL, NULL FROM pg_shseclabel l WHERE $2 AND l.objoid >= 16384 \
     ) u \
     WHERE NOT EXISTS (SELECT 1 FROM pg_depend xd WHERE xd.classid = u.cls AND xd.objid = u.oid \
       AND xd.deptype IN ('e', 'i')) \
     LIMIT 1"
        .to_string()
}

/// Every catalog query of a given server version, by name (for profiling: `plumb-bench queries`).
pub fn all(v: u32) -> Vec<(Step, String)> {
    vec![
        (Step::Presence, PRESENCE.to_string()),
        (Step::Keywords, KEYWORDS.to_string()),
        (Step::OperatorClasses, DEFAULT_OPCLASSES.to_string()),
        (Step::Namespaces, NAMESPACES.to_string()),
        (Step::Descriptions, DESCRIPTIONS.to_string()),
        (Step::TypeNames, type_names(v)),
        (Step::Schemas, schemas()),
        (Step::Extensions, EXTENSIONS.to_string()),
        (Step::Collations, collations(v)),
        (Step::Types, TYPES.to_string()),
        (Step::Ranges, ranges(v)),
        (Step::DomainConstraints, DOMAIN_CONSTRAINTS.to_string()),
        (Step::Sequences, sequences()),
        (Step::Relations, relations()),
        (Step::Inheritance, INHERITS.to_string()),
        (Step::Columns, columns(v)),
        (Step::Constraints, constraints(v)),
        (Step::Indexes, indexes(v)),
        (Step::Functions, functions(v)),
        (Step::Aggregates, AGGREGATES.to_string()),
        (Step::Triggers, triggers(v)),
        (Step::Policies, POLICIES.to_string()),
        (Step::Rules, rules()),
        (Step::Privileges, GRANTS.to_string()),
        (Step::EventTriggers, event_triggers()),
        (Step::Dependencies, DEPENDENCIES.to_string()),
        (Step::UnsupportedObjects, unsupported_probe()),
        (Step::UnsupportedNames, unsupported()),
    ]
}

/// Tables, views and materialized views outside the system schemas: how many connections to read with. No join:
/// this query is in the first flight, whose planning every other query waits for.
pub const RELATION_COUNT: &str = "SELECT count(*) FROM pg_catalog.pg_class c \
    WHERE c.relkind IN ('r', 'p', 'v', 'm') \
      AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'pg_toast'::regnamespace) \
      AND c.relnamespace IS DISTINCT FROM \
        (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'information_schema')";
