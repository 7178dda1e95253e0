//! Planner tests on hand-built models: ordering, quoting of hostile names, determinism, options.

use std::collections::BTreeMap;

use plumb_diff::{diff, dump, plan, render, Action, HazardKind, Options};
use plumb_model::{
    Column, Common, Constraint, ConstraintKind, Database, Function, FunctionId, FunctionKind,
    Grant, QualName, Table, Type, TypeKind, View, ViewColumn, ViewKind,
};

fn col(name: &str, ty: &str) -> Column {
    Column {
        name: name.into(),
        type_name: ty.into(),
        is_local: true,
        ..Column::default()
    }
}

fn table(schema: &str, name: &str, cols: Vec<Column>) -> Table {
    Table {
        name: QualName::new(schema, name),
        columns: cols,
        ..Table::default()
    }
}

fn pk(name: &str, col: &str) -> Constraint {
    Constraint {
        name: name.into(),
        kind: ConstraintKind::PrimaryKey,
        definition: format!("PRIMARY KEY ({col})"),
        columns: vec![col.into()],
        references: None,
        deferrable: false,
        initially_deferred: false,
        validated: true,
        is_local: true,
        comment: None,
    }
}

fn fk(name: &str, col: &str, to: &QualName) -> Constraint {
    Constraint {
        name: name.into(),
        kind: ConstraintKind::ForeignKey,
        definition: format!("FOREIGN KEY ({col}) REFERENCES {to}(id)"),
        columns: vec![col.into()],
        references: Some(to.clone()),
        deferrable: false,
        initially_deferred: false,
        validated: true,
        is_local: true,
        comment: None,
    }
}

fn add(db: &mut Database, t: Table) {
    db.tables.insert(t.name.clone(), t);
}

fn position(sql: &str, needle: &str) -> usize {
    sql.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in\n{sql}"))
}

fn sql_of(from: &Database, to: &Database, opts: &Options) -> String {
    render::sql(
        &plan(from, to, opts).unwrap(),
        &render::Header {
            from: "a".into(),
            to: "b".into(),
        },
    )
}

#[test]
fn identical_models_plan_nothing_and_render_only_comments() {
    let mut db = Database::fresh();
    add(&mut db, table("public", "t", vec![col("a", "integer")]));
    assert!(diff(&db, &db, &Options::default()).is_empty());
    let p = plan(&db, &db, &Options::default()).unwrap();
    assert!(p.is_empty());
    let sql = render::sql(
        &p,
        &render::Header {
            from: "x".into(),
            to: "y".into(),
        },
    );
    assert!(sql.lines().all(|l| l.starts_with("--")), "{sql}");
}

#[test]
fn foreign_key_cycles_are_broken_by_adding_constraints_after_the_tables() {
    let from = Database::fresh();
    let mut to = Database::fresh();
    let (a, b) = (QualName::new("public", "a"), QualName::new("public", "b"));
    let mut ta = table(
        "public",
        "a",
        vec![col("id", "integer"), col("b_id", "integer")],
    );
    ta.constraints.insert("a_pkey".into(), pk("a_pkey", "id"));
    ta.constraints
        .insert("a_b_fk".into(), fk("a_b_fk", "b_id", &b));
    let mut tb = table(
        "public",
        "b",
        vec![col("id", "integer"), col("a_id", "integer")],
    );
    tb.constraints.insert("b_pkey".into(), pk("b_pkey", "id"));
    tb.constraints
        .insert("b_a_fk".into(), fk("b_a_fk", "a_id", &a));
    add(&mut to, ta);
    add(&mut to, tb);
    let sql = sql_of(&from, &to, &Options::default());
    let last_create =
        position(&sql, "CREATE TABLE public.b").max(position(&sql, "CREATE TABLE public.a"));
    assert!(
        position(&sql, "ADD CONSTRAINT a_b_fk") > last_create,
        "{sql}"
    );
    assert!(
        position(&sql, "ADD CONSTRAINT b_a_fk") > last_create,
        "{sql}"
    );
}

#[test]
fn drops_run_in_reverse_dependency_order_and_creates_in_order() {
    let mut from = Database::fresh();
    let mut to = Database::fresh();
    let e = QualName::new("public", "mood");
    let ty = Type {
        name: e.clone(),
        kind: TypeKind::Enum {
            labels: vec!["a".into()],
        },
        common: Common::default(),
    };
    let mut t = table("public", "t", vec![col("m", "public.mood")]);
    t.constraints.clear();
    let v = View {
        name: QualName::new("public", "v"),
        kind: ViewKind::View,
        definition: " SELECT t.m\n   FROM public.t;".into(),
        columns: vec![ViewColumn {
            name: "m".into(),
            type_name: "public.mood".into(),
            comment: None,
        }],
        options: vec![],
        indexes: BTreeMap::new(),
        triggers: BTreeMap::new(),
        common: Common::default(),
    };
    from.types.insert(e.clone(), ty.clone());
    add(&mut from, t.clone());
    from.views.insert(v.name.clone(), v.clone());
    let create = sql_of(&to, &from, &Options::default());
    assert!(
        position(&create, "CREATE TYPE public.mood") < position(&create, "CREATE TABLE public.t"),
        "{create}"
    );
    assert!(
        position(&create, "CREATE TABLE public.t") < position(&create, "CREATE VIEW public.v"),
        "{create}"
    );
    to.schemas.insert("other".into(), Default::default());
    let drop = sql_of(&from, &to, &Options::default());
    assert!(
        position(&drop, "DROP VIEW public.v") < position(&drop, "DROP TABLE public.t"),
        "{drop}"
    );
    assert!(
        position(&drop, "DROP TABLE public.t") < position(&drop, "DROP TYPE public.mood"),
        "{drop}"
    );
}

#[test]
fn a_view_on_a_column_whose_type_changes_is_dropped_before_and_created_after() {
    let mut from = Database::fresh();
    add(&mut from, table("public", "t", vec![col("a", "integer")]));
    from.views.insert(
        QualName::new("public", "v"),
        View {
            name: QualName::new("public", "v"),
            kind: ViewKind::View,
            definition: " SELECT t.a\n   FROM public.t;".into(),
            columns: vec![ViewColumn {
                name: "a".into(),
                type_name: "integer".into(),
                comment: None,
            }],
            options: vec![],
            indexes: BTreeMap::new(),
            triggers: BTreeMap::new(),
            common: Common::default(),
        },
    );
    from.dependencies.insert(plumb_model::Dependency {
        from: plumb_model::ObjectRef::Relation(QualName::new("public", "v")),
        to: plumb_model::ObjectRef::Column(plumb_model::ColumnRef {
            table: QualName::new("public", "t"),
            column: "a".into(),
        }),
    });
    let mut to = from.clone();
    to.tables
        .get_mut(&QualName::new("public", "t"))
        .unwrap()
        .columns[0]
        .type_name = "bigint".into();
    to.views
        .get_mut(&QualName::new("public", "v"))
        .unwrap()
        .columns[0]
        .type_name = "bigint".into();
    let p = plan(&from, &to, &Options::default()).unwrap();
    let sql = render::sql(&p, &render::Header::default());
    let alter = position(&sql, "ALTER COLUMN a TYPE bigint");
    assert!(
        position(&sql, "DROP VIEW public.v") < alter
            && alter < position(&sql, "CREATE VIEW public.v"),
        "{sql}"
    );
    let step = p
        .steps
        .iter()
        .find(|s| s.sql.contains("TYPE bigint"))
        .unwrap();
    assert!(step
        .hazards
        .iter()
        .any(|h| h.kind == HazardKind::TableRewrite));
}

#[test]
fn hostile_names_are_quoted_everywhere() {
    let evil = "x\"; DROP TABLE users; --";
    let mut to = Database::fresh();
    to.schemas.insert(evil.into(), Default::default());
    let mut t = table(evil, evil, vec![col(evil, "integer")]);
    t.constraints
        .insert(evil.into(), pk(evil, &plumb_model::quote_ident(evil)));
    t.common.comment = Some("it's -- a\ncomment */".into());
    t.common.owner = Some(evil.into());
    t.common.grants = Some(
        [
            Grant {
                grantee: evil.into(),
                privilege: "SELECT".into(),
                with_grant_option: false,
            },
            Grant {
                grantee: "r\"; x".into(),
                privilege: "SELECT".into(),
                with_grant_option: false,
            },
            Grant {
                grantee: "r".into(),
                privilege: "SELECT; DROP TABLE x".into(),
                with_grant_option: false,
            },
        ]
        .into_iter()
        .collect(),
    );
    add(&mut to, t);
    let id = FunctionId::new(evil, evil, "");
    to.functions.insert(
        id.clone(),
        Function {
            id: id.clone(),
            kind: FunctionKind::Function,
            definition: format!("CREATE OR REPLACE FUNCTION {id}\n RETURNS integer\n LANGUAGE sql\nAS $function$select 1$function$\n"),
            returns: Some("integer".into()),
            language: "sql".into(),
            volatility: "v".into(),
            strict: false,
            security_definer: false,
            config: vec![],
            leakproof: false,
            parallel: Default::default(),
            cost: None,
            rows: None,
            body: "select 1".into(),
            common: Common::default(),
        },
    );
    let from = Database::fresh();
    let p = plan(&from, &to, &Options::default()).unwrap();
    let sql = render::sql(
        &p,
        &render::Header {
            from: "a\nDROP TABLE x;".into(),
            to: "b".into(),
        },
    );
    let q = "\"x\"\"; DROP TABLE users; --\"";
    assert!(sql.contains(&format!("CREATE SCHEMA {q};")), "{sql}");
    assert!(
        sql.contains(&format!("CREATE TABLE {q}.{q} (\n    {q} integer")),
        "{sql}"
    );
    assert!(
        sql.contains(&format!("GRANT SELECT ON TABLE {q}.{q} TO \"r\"\"; x\";")),
        "{sql}"
    );
    assert!(
        sql.contains(&format!("REVOKE INSERT ON TABLE {q}.{q} FROM {q};")),
        "{sql}"
    );
    assert!(
        !sql.contains("SELECT; DROP"),
        "a privilege that is not a keyword is never written: {sql}"
    );
    assert!(sql.contains("IS 'it''s -- a\ncomment */';"), "{sql}");
    // no line of the script starts a statement from inside a name or the header
    for line in sql.lines() {
        assert!(!line.starts_with("DROP TABLE"), "{line}");
    }
    // dropping is quoted too
    let back = render::sql(
        &plan(&to, &from, &Options::default()).unwrap(),
        &render::Header::default(),
    );
    assert!(back.contains(&format!("DROP TABLE {q}.{q};")), "{back}");
    assert!(
        back.contains(&format!("DROP FUNCTION {q}.{q}();")),
        "{back}"
    );
    assert!(back.contains(&format!("DROP SCHEMA {q};")), "{back}");
}

fn many_tables() -> Database {
    let mut db = Database::fresh();
    for i in 0..30 {
        let mut t = table(
            "public",
            &format!("t{i}"),
            vec![col("id", "integer"), col("p", "integer")],
        );
        t.constraints
            .insert(format!("t{i}_pkey"), pk(&format!("t{i}_pkey"), "id"));
        if i > 0 {
            let r = QualName::new("public", format!("t{}", (i * 7) % i));
            t.constraints
                .insert(format!("t{i}_fk"), fk(&format!("t{i}_fk"), "p", &r));
        }
        add(&mut db, t);
    }
    db
}

#[test]
fn the_same_input_gives_byte_identical_output() {
    let to = many_tables();
    let from = Database::fresh();
    let first = sql_of(&from, &to, &Options::default());
    for _ in 0..5 {
        assert_eq!(sql_of(&from, &to.clone(), &Options::default()), first);
    }
    let j1 = render::json(
        &plan(&from, &to, &Options::default()).unwrap(),
        &render::Header::default(),
    )
    .to_string();
    let j2 = render::json(
        &plan(&from, &to, &Options::default()).unwrap(),
        &render::Header::default(),
    )
    .to_string();
    assert_eq!(j1, j2);
    let d = dump(&to, &Options::default()).unwrap();
    assert_eq!(
        d.steps
            .iter()
            .filter(|s| s.action == Action::Create)
            .count(),
        d.steps.len()
    );
}

#[test]
fn owners_and_grants_follow_the_options() {
    let mut from = Database::fresh();
    let mut t = table("public", "t", vec![col("a", "integer")]);
    t.common.owner = Some("alice".into());
    t.common.grants = Some(
        [Grant {
            grantee: "bob".into(),
            privilege: "SELECT".into(),
            with_grant_option: false,
        }]
        .into_iter()
        .collect(),
    );
    add(&mut from, t);
    let mut to = from.clone();
    let tt = to.tables.get_mut(&QualName::new("public", "t")).unwrap();
    tt.common.owner = Some("carol".into());
    tt.common.grants = Some(
        [Grant {
            grantee: "bob".into(),
            privilege: "INSERT".into(),
            with_grant_option: true,
        }]
        .into_iter()
        .collect(),
    );
    let sql = sql_of(&from, &to, &Options::default());
    assert!(
        sql.contains("ALTER TABLE public.t OWNER TO carol;"),
        "{sql}"
    );
    assert!(
        sql.contains("REVOKE SELECT ON TABLE public.t FROM bob;"),
        "{sql}"
    );
    assert!(
        sql.contains("GRANT INSERT ON TABLE public.t TO bob WITH GRANT OPTION;"),
        "{sql}"
    );
    let quiet = Options {
        ignore_owners: true,
        ignore_privileges: true,
        ..Options::default()
    };
    assert!(diff(&from, &to, &quiet).is_empty());
    // an owner that is not stated on one side is not compared
    to.tables
        .get_mut(&QualName::new("public", "t"))
        .unwrap()
        .common
        .owner = None;
    let sql = sql_of(
        &from,
        &to,
        &Options {
            ignore_privileges: true,
            ..Options::default()
        },
    );
    assert!(!sql.contains("OWNER TO"), "{sql}");
}

#[test]
fn schema_filters_limit_the_comparison() {
    let from = Database::fresh();
    let mut to = Database::fresh();
    to.schemas.insert("a".into(), Default::default());
    to.schemas.insert("b".into(), Default::default());
    add(&mut to, table("a", "t", vec![col("x", "integer")]));
    add(&mut to, table("b", "t", vec![col("x", "integer")]));
    let only_a = Options {
        include_schemas: vec!["a".into()],
        ..Options::default()
    };
    let changes = diff(&from, &to, &only_a);
    assert!(
        changes.iter().all(|c| c.object.starts_with("a")),
        "{changes:?}"
    );
    assert_eq!(changes.len(), 2);
    let not_a = Options {
        exclude_schemas: vec!["a".into()],
        ..Options::default()
    };
    assert!(diff(&from, &to, &not_a)
        .iter()
        .all(|c| !c.object.starts_with("a")));
}

#[test]
fn online_mode_uses_the_safer_forms() {
    let mut from = Database::fresh();
    add(&mut from, table("public", "t", vec![col("a", "integer")]));
    let mut to = from.clone();
    let tt = to.tables.get_mut(&QualName::new("public", "t")).unwrap();
    tt.indexes.insert(
        "t_a".into(),
        plumb_model::Index {
            name: "t_a".into(),
            definition: "CREATE INDEX t_a ON public.t USING btree (a)".into(),
            unique: false,
            constraint: None,
            columns: vec!["a".into()],
            parent_index: None,
            comment: None,
            clustered: false,
        },
    );
    let plain = plan(&from, &to, &Options::default()).unwrap();
    assert!(plain.hazards().any(|h| h.kind == HazardKind::LongLock));
    let online = plan(
        &from,
        &to,
        &Options {
            online: true,
            ..Options::default()
        },
    )
    .unwrap();
    let sql = render::sql(&online, &render::Header::default());
    assert!(sql.contains("SET lock_timeout"), "{sql}");
    assert!(
        sql.contains("CREATE INDEX CONCURRENTLY t_a ON public.t"),
        "{sql}"
    );
    assert!(online.steps.iter().any(|s| !s.transactional));
    let md = render::markdown(&online, &render::Header::default());
    assert!(md.contains("```sql") && md.contains("| + |"), "{md}");
    let human = render::human(&online, &render::Header::default(), false);
    assert!(
        !human.contains('\x1b') && human.contains("! not transactional"),
        "{human}"
    );
}

#[test]
fn sequence_and_identity_options_are_all_rendered() {
    use plumb_model::{Identity, Sequence, SequenceOptions};
    let mut db = Database::fresh();
    let custom = SequenceOptions {
        data_type: "integer".into(),
        start: 7,
        increment: 5,
        min_value: 3,
        max_value: 1000,
        cache: 10,
        cycle: true,
    };
    let s = QualName::new("public", "s");
    db.sequences.insert(
        s.clone(),
        Sequence {
            name: s,
            options: custom.clone(),
            owned_by: None,
            common: Common::default(),
        },
    );
    // descending, otherwise PostgreSQL's defaults for that direction: only the increment is written
    let down = QualName::new("public", "down");
    db.sequences.insert(
        down.clone(),
        Sequence {
            name: down,
            options: SequenceOptions::defaults("bigint", -1),
            owned_by: None,
            common: Common::default(),
        },
    );
    let mut id = col("id", "integer");
    id.not_null = true;
    id.identity = Some(Box::new(Identity {
        always: true,
        sequence: Some(QualName::new("public", "t_id_seq")),
        options: SequenceOptions {
            start: 100,
            increment: 5,
            min_value: 1,
            max_value: i32::MAX as i64,
            ..custom
        },
    }));
    add(&mut db, table("public", "t", vec![id]));
    let sql = render::sql(
        &dump(&db, &Options::default()).unwrap(),
        &render::Header::default(),
    );
    assert!(
        sql.contains(
            "CREATE SEQUENCE public.s AS integer INCREMENT BY 5 MINVALUE 3 MAXVALUE 1000 START WITH 7 CACHE 10 CYCLE;"
        ),
        "{sql}"
    );
    assert!(
        sql.contains("CREATE SEQUENCE public.down INCREMENT BY -1;"),
        "{sql}"
    );
    assert!(
        sql.contains(
            "\"id\" integer NOT NULL GENERATED ALWAYS AS IDENTITY (INCREMENT BY 5 START WITH 100 CACHE 10 CYCLE)"
        ) || sql.contains(
            "id integer NOT NULL GENERATED ALWAYS AS IDENTITY (INCREMENT BY 5 START WITH 100 CACHE 10 CYCLE)"
        ),
        "{sql}"
    );
}

#[test]
fn storage_parameters_compare_as_a_set() {
    let mut a = Database::fresh();
    let mut t = table("public", "t", vec![col("a", "integer")]);
    t.options = vec!["fillfactor=80".into(), "autovacuum_enabled=false".into()];
    add(&mut a, t.clone());
    let mut b = Database::fresh();
    t.options.reverse();
    add(&mut b, t);
    assert!(diff(&a, &b, &Options::default()).is_empty());
    assert!(plan(&a, &b, &Options::default()).unwrap().is_empty());
}

#[test]
fn a_dump_header_says_it_is_a_dump() {
    let mut db = Database::fresh();
    add(&mut db, table("public", "t", vec![col("a", "integer")]));
    let p = dump(&db, &Options::default()).unwrap();
    let h = render::Header::dump("postgresql://app@db/prod\nx");
    assert!(h.is_dump());
    let sql = render::sql(&p, &h);
    assert!(
        sql.starts_with("-- plumb dump of postgresql://app@db/prod x\n-- 1 change(s)"),
        "{sql}"
    );
    assert!(!sql.contains("-- from:"), "{sql}");
    let human = render::human(&p, &h, false);
    assert!(
        human.starts_with("plumb dump of postgresql://app@db/prod x\n"),
        "{human}"
    );
    assert!(render::markdown(&p, &h).starts_with("### plumb dump\n"));
    let empty = render::sql(&dump(&Database::fresh(), &Options::default()).unwrap(), &h);
    assert_eq!(
        empty,
        "-- plumb dump of postgresql://app@db/prod x\n-- no objects\n"
    );
    // a comparison keeps its two sources
    let d = render::Header::diff("a", "b");
    assert!(!d.is_dump());
    assert!(render::sql(&p, &d).starts_with("-- plumb diff\n-- from: a\n-- to:   b\n"));
}

fn add_type(db: &mut Database, name: &str, kind: TypeKind) {
    let q = QualName::new("public", name);
    db.types.insert(
        q.clone(),
        Type {
            name: q,
            kind,
            common: Common::default(),
        },
    );
}

fn labels(l: &[&str]) -> TypeKind {
    TypeKind::Enum {
        labels: l.iter().map(|s| s.to_string()).collect(),
    }
}

#[test]
fn rebuilds_plumb_cannot_convert_are_errors_not_failing_sql() {
    // an enum losing a value, used by a composite attribute, the composite used by a column
    let composite = TypeKind::Composite {
        attributes: vec![plumb_model::Attribute {
            name: "m".into(),
            type_name: "public.mood".into(),
            collation: None,
        }],
    };
    let mut a = Database::fresh();
    add_type(&mut a, "mood", labels(&["sad", "ok", "happy"]));
    add_type(&mut a, "pair", composite.clone());
    add(&mut a, table("public", "t", vec![col("p", "public.pair")]));
    let mut b = Database::fresh();
    add_type(&mut b, "mood", labels(&["sad", "happy"]));
    add_type(&mut b, "pair", composite);
    add(&mut b, table("public", "t", vec![col("p", "public.pair")]));
    let err = plan(&a, &b, &Options::default()).unwrap_err().to_string();
    assert!(
        err.contains("public.pair") && err.contains("column public.t.p"),
        "{err}"
    );

    // without the column, the attribute is converted in the same step
    a.tables.clear();
    b.tables.clear();
    let sql = sql_of(&a, &b, &Options::default());
    let rename = position(&sql, "ALTER TYPE public.mood RENAME TO mood__plumb_old;");
    let alter = position(
        &sql,
        "ALTER TYPE public.pair ALTER ATTRIBUTE m TYPE public.mood;",
    );
    let drop = position(&sql, "DROP TYPE public.mood__plumb_old;");
    assert!(rename < alter && alter < drop, "{sql}");

    // a range over a type that is rebuilt
    let mut a = Database::fresh();
    let mut b = Database::fresh();
    add_type(&mut a, "mood", labels(&["sad", "ok"]));
    add_type(&mut b, "mood", labels(&["ok", "sad"]));
    let range = TypeKind::Range {
        subtype: "public.mood".into(),
        subtype_opclass: None,
        collation: None,
        canonical: None,
        subtype_diff: None,
        multirange: None,
    };
    add_type(&mut a, "moods", range.clone());
    add_type(&mut b, "moods", range);
    let err = plan(&a, &b, &Options::default()).unwrap_err().to_string();
    assert!(
        err.contains("public.moods") && err.contains("range"),
        "{err}"
    );

    // a type replaced by drop + create (enum to composite) while a column uses it
    let mut a = Database::fresh();
    let mut b = Database::fresh();
    add_type(&mut a, "kind", labels(&["x"]));
    add_type(&mut b, "kind", TypeKind::Composite { attributes: vec![] });
    add(&mut a, table("public", "u", vec![col("k", "public.kind")]));
    add(&mut b, table("public", "u", vec![col("k", "public.kind")]));
    let err = plan(&a, &b, &Options::default()).unwrap_err().to_string();
    assert!(
        err.contains("public.kind") && err.contains("column public.u.k"),
        "{err}"
    );
}

#[test]
fn an_index_of_a_partitioned_table_is_created_on_only_and_its_partition_indexes_attached() {
    let mut db = Database::fresh();
    let mut parent = table("public", "m", vec![col("k", "text")]);
    parent.partition_by = Some("LIST (k)".into());
    // written without ONLY, as a client-side definition might be
    parent.indexes.insert(
        "m_k_idx".into(),
        plumb_model::Index {
            name: "m_k_idx".into(),
            definition: "CREATE INDEX m_k_idx ON public.m USING btree (k)".into(),
            unique: false,
            constraint: None,
            columns: vec!["k".into()],
            parent_index: None,
            comment: None,
            clustered: false,
        },
    );
    add(&mut db, parent);
    let mut part = table("public", "m_a", vec![col("k", "text")]);
    part.partition_of = Some(plumb_model::PartitionOf {
        parent: QualName::new("public", "m"),
        bound: "FOR VALUES IN ('a')".into(),
    });
    part.indexes.insert(
        "m_a_by_hand".into(),
        plumb_model::Index {
            name: "m_a_by_hand".into(),
            definition: "CREATE INDEX m_a_by_hand ON public.m_a USING btree (k)".into(),
            unique: false,
            constraint: None,
            columns: vec!["k".into()],
            parent_index: Some(QualName::new("public", "m_k_idx")),
            comment: None,
            clustered: false,
        },
    );
    add(&mut db, part);
    let sql = render::sql(
        &dump(&db, &Options::default()).unwrap(),
        &render::Header::default(),
    );
    let partition = position(&sql, "CREATE TABLE public.m_a PARTITION OF public.m");
    let parent_index = position(
        &sql,
        "CREATE INDEX m_k_idx ON ONLY public.m USING btree (k);",
    );
    let child = position(
        &sql,
        "CREATE INDEX m_a_by_hand ON public.m_a USING btree (k);\nALTER INDEX public.m_k_idx ATTACH PARTITION public.m_a_by_hand;",
    );
    assert!(partition < parent_index && parent_index < child, "{sql}");
}

#[test]
fn markdown_shows_before_and_after_and_hazards_on_the_step_that_has_them() {
    let mut from = Database::fresh();
    let mut a = col("a", "text");
    a.comment = Some("old | note".into());
    add(&mut from, table("public", "t", vec![a.clone()]));
    let mut to = Database::fresh();
    a.comment = Some("new note".into());
    a.not_null = true;
    add(&mut to, table("public", "t", vec![a]));
    let p = plan(&from, &to, &Options::default()).unwrap();
    let header = render::Header {
        from: "a.sql".into(),
        to: "b.sql".into(),
    };
    let md = render::markdown(&p, &header);
    let table_and_hazards = md
        .split("\n```sql\n")
        .next()
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        table_and_hazards,
        "### plumb diff\n\n`a.sql` → `b.sql`\n\n2 change(s), 2 step(s), 1 hazard(s).\n\n\
         | | Object | Kind | Change | Before | After |\n|---|---|---|---|---|---|\n\
         | ~ | `public.t.a` | column | alter not_null | `false` | `true` |\n\
         | ~ | `public.t.a` | column | alter comment | `old \\| note` | `new note` |\n\
         \n**Hazards**\n\n\
         - ⚠️ **long lock** `ALTER TABLE public.t ALTER COLUMN a SET NOT NULL;`: SET NOT NULL scans the whole \
         table under an ACCESS EXCLUSIVE lock, and fails if a row holds NULL\n"
    );
}
