//! Reading on several connections that share a snapshot gives the model one connection gives, and index
//! definitions written client-side are the server's `pg_get_indexdef` text, character for character.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plumb_introspect::{introspect, introspect_target_with, Connections, Options};
use plumb_model::Database;
use plumb_testdb::TestDb;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// One connection per relation, at most `max`: small test schemas are read on several connections too.
fn forced(max: usize) -> Connections {
    Connections {
        max,
        relations_each: 1,
    }
}

fn read_one(url: &str) -> Database {
    runtime().block_on(async {
        let client = plumb_pg::Target::parse(url)
            .unwrap()
            .connect()
            .await
            .unwrap();
        introspect(&client, &Options::default()).await.unwrap()
    })
}

fn read_many(url: &str, plan: Connections) -> (Database, usize) {
    runtime().block_on(async {
        let target = plumb_pg::Target::parse(url).unwrap();
        let (db, stats) = introspect_target_with(&target, &Options::default(), plan)
            .await
            .unwrap_or_else(|e| panic!("introspection failed: {e}"));
        (db, stats.connections)
    })
}

/// Every index of the database, by (schema, index name), as the server writes it.
fn server_index_definitions(db: &TestDb) -> BTreeMap<(String, String), String> {
    db.client()
        .query(
            "SELECT n.nspname::text, ic.relname::text, pg_get_indexdef(i.indexrelid) \
             FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid \
             JOIN pg_class r ON r.oid = i.indrelid JOIN pg_namespace n ON n.oid = r.relnamespace \
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')",
            &[],
        )
        .unwrap()
        .iter()
        .map(|row| ((row.get(0), row.get(1)), row.get(2)))
        .collect()
}

/// Every index of the model, by (schema, index name).
fn model_index_definitions(db: &Database) -> BTreeMap<(String, String), String> {
    let tables = db.tables.values().map(|t| (&t.name.schema, &t.indexes));
    let views = db.views.values().map(|v| (&v.name.schema, &v.indexes));
    tables
        .chain(views)
        .flat_map(|(schema, indexes)| indexes.values().map(move |i| (schema, i)))
        .map(|(schema, i)| ((schema.clone(), i.name.clone()), i.definition.clone()))
        .collect()
}

/// Index shapes: plain keys (written client-side), keys with non-default operator classes or collations
/// (read back from the server), expressions, predicates, INCLUDE, NULLS NOT DISTINCT, sort orders, storage
/// options, other access methods, partitioned tables, materialized views, and names that need quoting.
const INDEXES: &str = r#"
CREATE SCHEMA "Odd Schema";
CREATE SCHEMA "select";
CREATE TYPE "Odd Schema".mood AS ENUM ('sad', 'ok');
CREATE DOMAIN "Odd Schema".posint AS integer CHECK (VALUE > 0);
CREATE TABLE "Odd Schema"."Mixed Case" (
  id bigint PRIMARY KEY,
  "select" text,
  "user" integer,
  "Ünïcode" text,
  "with$dollar" integer,
  v varchar(20),
  c text COLLATE "C",
  m "Odd Schema".mood,
  d "Odd Schema".posint,
  arr integer[],
  ts timestamptz,
  dt date,
  r int4range,
  j jsonb,
  tsv tsvector,
  UNIQUE ("select", "user"),
  UNIQUE NULLS NOT DISTINCT (v),
  EXCLUDE USING gist (r WITH &&)
);
CREATE INDEX plain_one ON "Odd Schema"."Mixed Case" ("user");
CREATE INDEX "Plain Two" ON "Odd Schema"."Mixed Case" ("select", "user", "Ünïcode");
CREATE INDEX with_dollar ON "Odd Schema"."Mixed Case" ("with$dollar");
CREATE INDEX inc ON "Odd Schema"."Mixed Case" (id) INCLUDE ("select", ts);
CREATE UNIQUE INDEX uniq_inc_nnd ON "Odd Schema"."Mixed Case" ("user") INCLUDE (v) NULLS NOT DISTINCT;
CREATE INDEX on_varchar ON "Odd Schema"."Mixed Case" (v);
CREATE INDEX on_c ON "Odd Schema"."Mixed Case" (c);
CREATE INDEX c_as_default ON "Odd Schema"."Mixed Case" (c COLLATE "default");
CREATE INDEX text_as_c ON "Odd Schema"."Mixed Case" ("select" COLLATE "C");
CREATE INDEX pattern ON "Odd Schema"."Mixed Case" ("select" text_pattern_ops);
CREATE INDEX on_enum ON "Odd Schema"."Mixed Case" (m);
CREATE INDEX on_domain ON "Odd Schema"."Mixed Case" (d);
CREATE INDEX on_array ON "Odd Schema"."Mixed Case" (arr);
CREATE INDEX gin_array ON "Odd Schema"."Mixed Case" USING gin (arr);
CREATE INDEX gin_json ON "Odd Schema"."Mixed Case" USING gin (j jsonb_path_ops);
CREATE INDEX gin_json_default ON "Odd Schema"."Mixed Case" USING gin (j);
CREATE INDEX hashed ON "Odd Schema"."Mixed Case" USING hash ("user");
CREATE INDEX brin_ts ON "Odd Schema"."Mixed Case" USING brin (ts) WITH (pages_per_range = 16);
CREATE INDEX gist_range ON "Odd Schema"."Mixed Case" USING gist (r);
CREATE INDEX opclass_options ON "Odd Schema"."Mixed Case" USING gist (tsv tsvector_ops (siglen = 100));
CREATE INDEX opclass_options_second ON "Odd Schema"."Mixed Case" USING gist (r, tsv tsvector_ops (siglen = 8)) WHERE id > 0;
CREATE INDEX descending ON "Odd Schema"."Mixed Case" (ts DESC NULLS LAST, id);
CREATE INDEX nulls_first ON "Odd Schema"."Mixed Case" (ts NULLS FIRST);
CREATE INDEX fill ON "Odd Schema"."Mixed Case" (id) WITH (fillfactor = 70);
CREATE INDEX expr ON "Odd Schema"."Mixed Case" (lower("select"));
CREATE INDEX expr_op ON "Odd Schema"."Mixed Case" (("user" + 1), id);
CREATE INDEX expr_coalesce ON "Odd Schema"."Mixed Case" (COALESCE("select", 'x'), "user");
CREATE INDEX expr_on_c ON "Odd Schema"."Mixed Case" (lower(c));
CREATE INDEX expr_c_as_default ON "Odd Schema"."Mixed Case" (lower(c) COLLATE "default");
CREATE INDEX expr_collated ON "Odd Schema"."Mixed Case" (lower("select") COLLATE "C");
CREATE INDEX expr_cast ON "Odd Schema"."Mixed Case" (("user"::bigint));
CREATE INDEX expr_relabel ON "Odd Schema"."Mixed Case" ((c::varchar));
CREATE INDEX expr_sql_syntax ON "Odd Schema"."Mixed Case" ((EXTRACT(year FROM dt)));
CREATE INDEX expr_two ON "Odd Schema"."Mixed Case" (lower("select"), upper(c));
CREATE INDEX expr_desc ON "Odd Schema"."Mixed Case" (lower("select") DESC);
CREATE INDEX expr_pattern ON "Odd Schema"."Mixed Case" (lower("select") text_pattern_ops);
CREATE INDEX expr_partial ON "Odd Schema"."Mixed Case" (lower(v)) INCLUDE (id) WHERE id > 0;
CREATE INDEX expr_gin ON "Odd Schema"."Mixed Case" USING gin ((j -> 'tags'));
CREATE INDEX expr_hash ON "Odd Schema"."Mixed Case" USING hash (md5("select"));
CREATE INDEX partial ON "Odd Schema"."Mixed Case" (ts) WHERE m <> 'sad';
CREATE INDEX partial_and ON "Odd Schema"."Mixed Case" ("user", id) WHERE "user" > 0 AND "select" IS NOT NULL;
CREATE INDEX partial_const ON "Odd Schema"."Mixed Case" (id) WHERE ts > '2024-01-01 00:00:00+00';
CREATE INDEX partial_in ON "Odd Schema"."Mixed Case" (id) INCLUDE (v) WHERE "user" IN (1, 2, 3);
CREATE UNIQUE INDEX partial_unique ON "Odd Schema"."Mixed Case" ("select") WHERE id > 10;
CREATE TABLE "select"."table" ("column" integer, "from" text, PRIMARY KEY ("column"));
CREATE INDEX "index" ON "select"."table" ("from", "column");
CREATE TABLE public.parted (id integer, at date, note text) PARTITION BY RANGE (at);
CREATE TABLE public.parted_2024 PARTITION OF public.parted FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX parted_id ON public.parted (id);
CREATE UNIQUE INDEX parted_key ON public.parted (id, at);
CREATE INDEX only_child ON public.parted_2024 (note) WHERE note IS NOT NULL;
CREATE MATERIALIZED VIEW public.mv AS SELECT id, "select" FROM "Odd Schema"."Mixed Case";
CREATE UNIQUE INDEX mv_id ON public.mv (id);
CREATE INDEX mv_partial ON public.mv ("select") WHERE id > 0;
-- key types without a default operator class of their own: the one of a type they are binary-coercible to
-- (varchar: text's, preferred over bpchar's; arrays: anyarray's; enums: anyenum's) goes unnamed
CREATE TYPE public.level AS ENUM ('low', 'high');
CREATE TABLE public.coercible (v varchar(10), t text[], e "Odd Schema".mood, l public.level, b int8[]);
CREATE INDEX co_v ON public.coercible (v);
CREATE INDEX co_v_hash ON public.coercible USING hash (v);
CREATE INDEX co_v_brin ON public.coercible USING brin (v);
CREATE INDEX co_v_spgist ON public.coercible USING spgist (v);
CREATE INDEX co_v_text_ops ON public.coercible (v text_ops);
CREATE INDEX co_v_varchar_ops ON public.coercible (v varchar_ops);
CREATE INDEX co_v_bpchar_ops ON public.coercible (v bpchar_ops);
CREATE INDEX co_v_expr ON public.coercible (lower(v), v);
CREATE INDEX co_t_gin ON public.coercible USING gin (t);
CREATE INDEX co_t ON public.coercible (t);
CREATE INDEX co_e_hash ON public.coercible USING hash (e);
CREATE INDEX co_b ON public.coercible (b);
CREATE INDEX co_l ON public.coercible (l);
CREATE INDEX co_l_hash ON public.coercible USING hash (l);
"#;

#[test]
fn index_definitions_are_the_servers() {
    let db = TestDb::with_sql("introspect_index_defs", INDEXES);
    let server = server_index_definitions(&db);
    assert!(server.len() >= 40, "too few indexes: {}", server.len());
    for (label, model) in [
        ("one connection", read_one(db.url())),
        ("three connections", read_many(db.url(), forced(3)).0),
    ] {
        let ours = model_index_definitions(&model);
        let mut wrong = Vec::new();
        for (key, definition) in &server {
            match ours.get(key) {
                Some(d) if d == definition => {}
                other => wrong.push(format!(
                    "{key:?}:\n  server: {definition}\n  plumb:  {other:?}"
                )),
            }
        }
        assert!(wrong.is_empty(), "{label}:\n{}", wrong.join("\n"));
        assert_eq!(ours.len(), server.len(), "{label}: index count");
    }
}

fn fixtures() -> Vec<(String, PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/introspect");
    let mut cases: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(_, p)| p.join("schema.sql").exists())
        .collect();
    cases.sort();
    cases
}

#[test]
fn several_connections_read_what_one_reads() {
    // Stand-ins for the roles some fixtures grant to.
    let roles = plumb_testdb::TestRoles::new();
    let cases = fixtures();
    assert!(cases.len() >= 7, "fixtures missing: {cases:?}");
    let mut failures = Vec::new();
    let mut schemas: Vec<(String, String)> = cases
        .iter()
        .map(|(name, path)| {
            (
                name.clone(),
                roles.apply(&std::fs::read_to_string(path.join("schema.sql")).unwrap()),
            )
        })
        .collect();
    schemas.push(("index shapes".into(), INDEXES.into()));
    schemas.push((
        "constraint shapes".into(),
        format!("CREATE SCHEMA \"select\";\n{CONSTRAINTS}"),
    ));
    for (case, sql) in &schemas {
        let db = TestDb::with_sql(&format!("introspect_conn_{}", case.replace(' ', "_")), sql);
        let one = read_one(db.url());
        let (many, used) = read_many(db.url(), forced(3));
        let relations = one.tables.len() + one.views.len();
        assert_eq!(used, (relations + 1).min(3), "{case}: connections used");
        let (default, _) = read_many(db.url(), Connections::default());
        if one != many {
            failures.push(format!("{case}: three connections read a different model"));
        }
        for n in [2, 4] {
            if one != read_many(db.url(), forced(n)).0 {
                failures.push(format!("{case}: {n} connections read a different model"));
            }
        }
        if one != default {
            failures.push(format!("{case}: introspect_target read a different model"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn connections_follow_the_schema_size() {
    let plan = Connections::default();
    assert_eq!(plan.for_relations(0), 1);
    assert_eq!(plan.for_relations(plan.relations_each - 1), 1);
    assert_eq!(plan.for_relations(plan.relations_each), 2);
    assert_eq!(plan.for_relations(1_000_000), plan.max);
    let one = Connections { max: 1, ..plan };
    assert_eq!(one.for_relations(1_000_000), 1);
    let many = Connections { max: 10, ..plan };
    assert_eq!(
        many.for_relations(1_000_000),
        plumb_introspect::MAX_CONNECTIONS
    );
    let zero = Connections {
        max: 0,
        relations_each: 0,
    };
    assert_eq!(zero.for_relations(5), 1);
    assert!(!zero.opens_early());
    // Any table gets a second connection, opened at the start.
    assert_eq!(plan.for_relations(1), 2);
    assert!(plan.opens_early());
    // Beside another read (diff, check): a second one from 500 relations on, opened when wanted.
    let beside = Connections::beside_another();
    assert_eq!(beside.for_relations(499), 1);
    assert_eq!(beside.for_relations(500), 2);
    assert!(!beside.opens_early());
}

/// How many backends of `db`'s database there are besides the one asking, once none is left or after about a
/// second (a backend goes away shortly after its client says goodbye or its socket closes).
fn backends_left(db: &TestDb) -> i64 {
    let count = || -> i64 {
        db.client()
            .query_one(
                "SELECT count(*) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
                &[],
            )
            .unwrap()
            .get(0)
    };
    let mut left = count();
    for _ in 0..50 {
        if left == 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        left = count();
    }
    left
}

/// By default a schema with one table is read on two connections, the second opened beside the first, and an
/// empty one on one; either way no backend of the read is left behind once it is done.
#[test]
fn a_small_schema_is_read_on_two_connections_and_none_is_left_open() {
    let db = TestDb::new("small_two");
    let (empty, used) = read_many(db.url(), Connections::default());
    assert!(empty.tables.is_empty());
    assert_eq!(used, 1, "an empty schema is read on one connection");
    db.execute("CREATE TABLE t (id integer PRIMARY KEY, v text CHECK (v <> ''))");
    let (one_table, used) = read_many(db.url(), Connections::default());
    assert_eq!(one_table.tables.len(), 1);
    assert_eq!(used, 2, "a schema with a table is read on two connections");
    assert_eq!(one_table, read_one(db.url()));
    assert_eq!(backends_left(&db), 0, "connections of the reads still open");
}

/// A read's connections say goodbye before it returns, not the next time the caller waits: on a runtime of one
/// thread, a caller that works on the model without waiting (`plumb dump` plans and writes it) would otherwise
/// keep both backends until it is done, and their ends would compete with its last work. The runtime is kept
/// alive (it never runs again) while the backends are counted, so that only what the read itself sent counts.
#[test]
fn a_reads_backends_end_before_the_caller_waits_again() {
    let db = TestDb::new("goodbye");
    db.execute("CREATE TABLE t (id integer PRIMARY KEY, v text DEFAULT 'x')");
    let rt = runtime();
    let target = plumb_pg::Target::parse(db.url()).unwrap();
    let (model, stats) = rt
        .block_on(introspect_target_with(
            &target,
            &Options::default(),
            Connections::default(),
        ))
        .unwrap_or_else(|e| panic!("introspection failed: {e}"));
    assert_eq!(model.tables.len(), 1);
    assert_eq!(stats.connections, 2);
    assert!(
        stats.prepared > 0,
        "the second connection ran statements it prepared"
    );
    assert_eq!(
        backends_left(&db),
        0,
        "backends of the read still open after it returned"
    );
    drop(rt);
}

/// Constraint shapes: keys written client-side (composite, INCLUDE, NULLS NOT DISTINCT, deferrable, foreign
/// keys with every match type and action, `ON DELETE SET NULL (...)` columns, NOT VALID, names that need
/// quoting, keys across schemas, partitioned tables) and the ones read from the server (CHECK, EXCLUDE).
const CONSTRAINTS: &str = r#"
CREATE SCHEMA "Other Schema";
CREATE TABLE "Other Schema"."Parent" (
  "Id" integer, "select" text, code text, n integer,
  CONSTRAINT "Parent PK" PRIMARY KEY ("Id", "select") INCLUDE (n),
  code2 text,
  CONSTRAINT code_key UNIQUE (code),
  CONSTRAINT code2_key UNIQUE (code2) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT nnd UNIQUE NULLS NOT DISTINCT (n, code),
  CONSTRAINT inc UNIQUE (n) INCLUDE (code, "select") DEFERRABLE
);
CREATE TABLE public.child (
  id integer PRIMARY KEY,
  pid integer, psel text, pcode text, n integer DEFAULT 0, other integer,
  "user" integer,
  CONSTRAINT fk_full FOREIGN KEY (pid, psel) REFERENCES "Other Schema"."Parent" ("Id", "select") MATCH FULL
    ON UPDATE CASCADE ON DELETE SET NULL (pid),
  CONSTRAINT fk_simple FOREIGN KEY (pcode) REFERENCES "Other Schema"."Parent" (code)
    ON DELETE SET DEFAULT ON UPDATE RESTRICT DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT fk_default_cols FOREIGN KEY (pid, psel) REFERENCES "Other Schema"."Parent" ON DELETE CASCADE,
  CONSTRAINT fk_self FOREIGN KEY (other) REFERENCES public.child (id) ON DELETE SET NULL,
  CONSTRAINT "Check Me" CHECK (n >= 0 AND "user" <> 1),
  UNIQUE ("user", n)
);
ALTER TABLE public.child ADD CONSTRAINT fk_not_valid FOREIGN KEY (n) REFERENCES public.child (id) NOT VALID;
ALTER TABLE public.child ADD CONSTRAINT fk_set_default_cols FOREIGN KEY (pid, psel)
  REFERENCES "Other Schema"."Parent" ("Id", "select") ON DELETE SET DEFAULT ("psel");
CREATE TABLE public.ranges (r int4range, g integer, EXCLUDE USING gist (r WITH &&));
CREATE TABLE public.parted (id integer, at date, pid integer REFERENCES public.child (id),
  PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE public.parted_2024 PARTITION OF public.parted FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.refs_parted (id integer, at date, FOREIGN KEY (id, at) REFERENCES public.parted (id, at));
CREATE TABLE "select"."from" ("order" integer PRIMARY KEY, "group" integer UNIQUE);
CREATE TABLE public."Quoted ""Name""" ("a b" integer REFERENCES "select"."from" ("group"), "C" integer,
  PRIMARY KEY ("a b", "C"));
"#;

/// Every table constraint of the database, by (schema, table, name), as the server writes it with an empty
/// `search_path` (as the introspector reads: every referenced table qualified).
fn server_constraint_definitions(db: &TestDb) -> BTreeMap<(String, String, String), String> {
    let mut client = db.client();
    client.batch_execute("SET search_path = ''").unwrap();
    client
        .query(
            "SELECT n.nspname::text, r.relname::text, c.conname::text, pg_get_constraintdef(c.oid) \
             FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid \
             JOIN pg_namespace n ON n.oid = r.relnamespace \
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')",
            &[],
        )
        .unwrap()
        .iter()
        .map(|row| ((row.get(0), row.get(1), row.get(2)), row.get(3)))
        .collect()
}

#[test]
fn constraint_definitions_are_the_servers() {
    let db = TestDb::with_sql(
        "introspect_constraint_defs",
        &format!("CREATE SCHEMA \"select\";\n{CONSTRAINTS}"),
    );
    let server = server_constraint_definitions(&db);
    // Without "Other Schema", the foreign keys to its table get their definition from the server.
    let public_only = runtime().block_on(async {
        let client = plumb_pg::Target::parse(db.url())
            .unwrap()
            .connect()
            .await
            .unwrap();
        let opts = Options {
            include_schemas: vec!["public".into()],
            ..Options::default()
        };
        introspect(&client, &opts).await.unwrap()
    });
    assert!(public_only.tables.keys().all(|t| t.schema == "public"));
    let outside = public_only
        .tables
        .values()
        .flat_map(|t| t.constraints.values())
        .filter(|c| {
            c.references
                .as_ref()
                .is_some_and(|r| r.schema == "Other Schema")
        })
        .count();
    assert!(outside >= 3, "foreign keys to a schema not read: {outside}");
    for (label, model) in [
        ("one connection", read_one(db.url())),
        ("three connections", read_many(db.url(), forced(3)).0),
        ("schema public only", public_only),
    ] {
        let mut wrong = Vec::new();
        let mut seen = 0;
        for t in model.tables.values() {
            for c in t.constraints.values() {
                seen += 1;
                let key = (t.name.schema.clone(), t.name.name.clone(), c.name.clone());
                match server.get(&key) {
                    Some(d) if *d == c.definition => {}
                    other => wrong.push(format!(
                        "{key:?}:\n  server: {other:?}\n  plumb:  {}",
                        c.definition
                    )),
                }
            }
        }
        assert!(wrong.is_empty(), "{label}:\n{}", wrong.join("\n"));
        assert!(seen >= 15, "{label}: too few constraints read: {seen}");
    }
}

/// The second connection prepares its queries while it waits for the first one's snapshot, before its
/// transaction sets `search_path` (it empties the session's first): the read uses those statements, and a
/// database whose `search_path` puts a schema before `pg_catalog` (here one with a `pg_get_expr` of the
/// catalog's signature) reads the same as on one connection.
#[test]
fn the_second_connection_prepares_its_queries_whatever_the_search_path() {
    let db = TestDb::with_sql(
        "prepared_ahead",
        "CREATE TABLE t (id integer PRIMARY KEY, v varchar(10) DEFAULT 'x' CHECK (v <> ''));\n\
         CREATE VIEW w AS SELECT id, v FROM t;",
    );
    let read = |plan| {
        runtime().block_on(async {
            let target = plumb_pg::Target::parse(db.url()).unwrap();
            introspect_target_with(&target, &Options::default(), plan)
                .await
                .unwrap_or_else(|e| panic!("introspection failed: {e}"))
        })
    };
    let (plain, stats) = read(Connections::default());
    assert_eq!(stats.connections, 2);
    assert!(
        stats.prepared > 0,
        "no query ran on a statement prepared ahead"
    );
    assert_eq!(plain, read_one(db.url()));

    db.execute(
        "CREATE SCHEMA shadow;\n\
         CREATE FUNCTION shadow.pg_get_expr(pg_node_tree, oid) RETURNS text LANGUAGE sql \
           AS $$ SELECT 'shadowed'::text $$;",
    );
    db.execute(&format!(
        "ALTER DATABASE \"{}\" SET search_path = shadow, pg_catalog",
        db.name()
    ));
    let (shadowed, stats) = read(Connections::default());
    assert!(stats.prepared > 0, "no statement prepared ahead");
    let default = |d: &Database| {
        d.tables.values().next().and_then(|t| {
            t.columns
                .iter()
                .find(|c| c.name == "v")
                .and_then(|c| c.default.clone())
        })
    };
    assert_eq!(
        default(&shadowed).as_deref(),
        Some("'x'::character varying")
    );
    assert_eq!(shadowed, read_one(db.url()));
}
