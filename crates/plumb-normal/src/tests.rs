//! Each rule of the normal form, with a pair the server and a user write differently and a pair that really
//! differs.

use super::*;

fn same_expr(a: &str, b: &str) -> bool {
    compare(Sql::Expr, a, b) == Verdict::Same
}

#[test]
fn parentheses_and_whitespace() {
    assert!(same_expr("((a + b) * c)", "(a+b)*c"));
    assert!(same_expr(
        "CASE WHEN (score >= 90) THEN 'A'::text\n ELSE 'C'::text END",
        "CASE\n  WHEN score >= 90 THEN 'A'\n  ELSE 'C'\nEND"
    ));
    assert!(!same_expr("(a + b) * c", "a + (b * c)"));
}

#[test]
fn string_literal_spellings() {
    assert!(same_expr(r"(note ~ E'\\d+'::text)", r"note ~ '\d+'"));
    assert!(same_expr("'it''s'", "E'it\\'s'"));
    assert!(!same_expr(r"note ~ '\d+'", r"note ~ '\d*'"));
}

#[test]
fn implicit_casts_of_constants_and_columns() {
    assert!(same_expr("((qty)::numeric * price)", "qty * price"));
    assert!(same_expr(
        "((rating)::text <> ('s'::bpchar)::text)",
        "rating <> 's'"
    ));
    assert!(same_expr("'-1'::integer", "-1"));
    assert!(same_expr("0", "'0'::bigint"));
    assert!(same_expr(
        "public.convert_ts(((search_attributes ->> 'D'::text))::character varying)",
        "convert_ts(search_attributes->>'D')"
    ));
    // a cast of a function call is meaning, not decoration
    assert!(!same_expr("(now())::date", "now()"));
    assert!(!same_expr("qty * price", "qty * cost"));
}

#[test]
fn array_defaults() {
    assert!(same_expr("ARRAY[]::text[]", "ARRAY[]::TEXT[]"));
    assert!(same_expr("ARRAY[]::text[]", "ARRAY[]"));
    assert!(same_expr(
        "ARRAY['USER'::public.\"Role\"]",
        "(ARRAY['USER'::text])::public.\"Role\"[]"
    ));
    assert!(same_expr("ARRAY[1, 2]", "ARRAY[1,2]::INTEGER[]"));
    assert!(!same_expr(
        "ARRAY['USER'::public.\"Role\"]",
        "ARRAY['ADMIN']::\"Role\"[]"
    ));
}

#[test]
fn in_lists_and_any() {
    assert!(same_expr(
        "((status)::text = ANY ((ARRAY['open'::character varying, 'closed'::character varying])::text[]))",
        "status IN ('open', 'closed')"
    ));
    assert!(same_expr(
        "(priority <> ALL (ARRAY[0, 13]))",
        "priority NOT IN (0, 13)"
    ));
    assert!(!same_expr(
        "status IN ('open')",
        "status IN ('open', 'closed')"
    ));
    assert!(!same_expr("status IN ('open')", "status NOT IN ('open')"));
}

#[test]
fn like_between_and_boolean_nesting() {
    assert!(same_expr("(name ~~ 'a%'::text)", "name LIKE 'a%'"));
    assert!(same_expr("((n >= 1) AND (n <= 9))", "n BETWEEN 1 AND 9"));
    assert!(same_expr("((a AND b) AND c)", "a AND b AND c"));
    assert!(same_expr(
        "(NOT deleted AND active)",
        "((NOT deleted) AND active)"
    ));
    assert!(!same_expr("a AND (b OR c)", "(a AND b) OR c"));
}

#[test]
fn implied_schemas_and_type_spellings() {
    assert!(same_expr("pg_catalog.lower(email)", "lower(email)"));
    assert!(same_expr("x::pg_catalog.int4", "x::integer"));
    assert!(same_expr("'a'::character varying", "'a'::varchar"));
    assert!(same_expr(
        "nextval('public.s'::regclass)",
        "nextval('public.s')"
    ));
    assert!(!same_expr("upper(email)", "lower(email)"));
}

#[test]
fn constraints() {
    let c = |a: &str, b: &str| compare(Sql::Constraint, a, b);
    assert_eq!(
        c("CHECK ((code <> 's'::bpchar))", "CHECK (code <> 's')"),
        Verdict::Same
    );
    assert_eq!(
        c("CHECK ((code <> 's'::bpchar))", "CHECK (code <> 't')"),
        Verdict::Different
    );
    assert_eq!(
        c(
            "FOREIGN KEY (a) REFERENCES public.t(id) ON DELETE CASCADE",
            "FOREIGN KEY (a) REFERENCES t (id) ON DELETE CASCADE"
        ),
        Verdict::Same
    );
}

#[test]
fn statements() {
    let s = |a: &str, b: &str| compare(Sql::Statement, a, b);
    assert_eq!(
        s(
            "CREATE INDEX accounts_deleted ON public.accounts USING btree (id) WHERE deleted",
            "CREATE INDEX accounts_deleted ON accounts (id) WHERE (deleted)"
        ),
        Verdict::Same
    );
    assert_eq!(
        s(
            "CREATE TRIGGER t BEFORE UPDATE ON public.posts FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION public.f()",
            "CREATE TRIGGER t BEFORE UPDATE ON posts FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE PROCEDURE f()"
        ),
        Verdict::Same
    );
    assert_eq!(
        s(
            "SELECT grades.id, grades.score FROM public.grades",
            " SELECT id,\n    score\n   FROM grades;"
        ),
        Verdict::Same
    );
    assert_eq!(
        s(
            "SELECT id FROM grades",
            "SELECT id FROM grades WHERE score > 1"
        ),
        Verdict::Different
    );
}

#[test]
fn text_that_does_not_parse_is_uncertain() {
    assert!(matches!(
        compare(Sql::Expr, "a +", "a"),
        Verdict::Uncertain(_)
    ));
    assert!(same(Sql::Expr, "a +", "a"));
    assert!(matches!(
        compare(Sql::Statement, "SELECT 1; SELECT 2", "SELECT 1"),
        Verdict::Uncertain(_)
    ));
}

#[test]
fn partition_bounds_and_time_zones() {
    let b = |a: &str, b: &str| compare(Sql::PartitionBound, a, b);
    assert_eq!(
        b(
            "FOR VALUES FROM ('2022-03-01 00:00:00+00') TO ('2022-04-01 00:00:00+00')",
            "FOR VALUES FROM ('2022-03-01 00:00:00+00') TO ('2022-04-01 01:00:00+01')"
        ),
        Verdict::Same
    );
    assert_eq!(
        b(
            "FOR VALUES FROM ('2022-01-01 00:00:00+00') TO ('2022-02-01 00:00:00+00')",
            "FOR VALUES FROM ('2022-01-01 00:00:00+00') TO ('2022-03-01 00:00:00+00')"
        ),
        Verdict::Different
    );
    assert_eq!(
        b("FOR VALUES IN ('a', 'b')", "FOR VALUES IN ('a','b')"),
        Verdict::Same
    );
    assert_eq!(
        timestamptz_utc("2021-12-31 23:30:00.5-01:30").as_deref(),
        Some("2022-01-01 01:00:00.5+00")
    );
    assert_eq!(
        timestamptz_utc("2024-03-01 00:00:00+00").as_deref(),
        Some("2024-03-01 00:00:00+00")
    );
    assert_eq!(
        timestamptz_utc("2024-03-01 00:30:00+01").as_deref(),
        Some("2024-02-29 23:30:00+00")
    );
    assert_eq!(timestamptz_utc("not a time"), None);
}

#[test]
fn null_defaults() {
    assert!(is_null("NULL::character varying"));
    assert!(is_null("NULL"));
    assert!(!is_null("'NULL'::text"));
    assert!(!is_null("0"));
}

#[test]
fn subquery_aliases_renamed_by_the_server() {
    let s = |a: &str, b: &str| compare(Sql::Statement, a, b);
    assert_eq!(
        s(
            "SELECT a.id, (SELECT count(*) FROM film_actor fa_1 WHERE fa_1.actor_id = a.id) FROM actor a JOIN film_actor fa ON fa.actor_id = a.id",
            "SELECT a.id, (SELECT count(*) FROM film_actor fa WHERE fa.actor_id = a.id) FROM actor a JOIN film_actor fa ON fa.actor_id = a.id"
        ),
        Verdict::Same
    );
    // an inner reference to the outer alias is not the inner one
    assert_eq!(
        s(
            "SELECT a.id, (SELECT count(*) FROM film_actor fa_1 WHERE fa.actor_id = a.id) FROM actor a JOIN film_actor fa ON fa.actor_id = a.id",
            "SELECT a.id, (SELECT count(*) FROM film_actor fa WHERE fa.actor_id = a.id) FROM actor a JOIN film_actor fa ON fa.actor_id = a.id"
        ),
        Verdict::Different
    );
}

#[test]
fn text_casts_of_text_operators_and_subqueries() {
    assert!(same_expr("(j ->> 'k')::text", "j ->> 'k'"));
    assert!(same_expr("(j #>> '{a,b}')::text", "j #>> '{a,b}'"));
    assert!(!same_expr("(j -> 'k')::text", "j -> 'k'"));
    assert!(same_expr(
        "CASE WHEN a THEN 'x'::character varying ELSE NULL::character varying END",
        "CASE WHEN a THEN 'x' END"
    ));
    assert!(!same_expr(
        "CASE WHEN a THEN 'x' ELSE 'y' END",
        "CASE WHEN a THEN 'x' END"
    ));
    // a subquery's relation the server renamed because it shadows the outer one
    assert_eq!(
        compare(
            Sql::Statement,
            "SELECT array_to_json(ARRAY( SELECT t_1.a FROM public.t t_1)) AS m FROM public.t",
            "SELECT array_to_json(ARRAY(SELECT a FROM t)) AS m FROM t"
        ),
        Verdict::Same
    );
    // the server names a subquery's output columns (`AS coalesce`) and qualifies its columns
    let live = "SELECT t.id, (SELECT COALESCE(NULLIF(b.label, ''::text), b.name) AS \"coalesce\" FROM public.b WHERE (b.id = t.id)) AS label, GREATEST(t.x, 1) AS \"greatest\" FROM public.t";
    let declared = "SELECT t.id, (SELECT COALESCE(NULLIF(label, ''), name) FROM b WHERE id = t.id) AS label, GREATEST(t.x, 1) FROM t";
    assert_eq!(compare(Sql::Statement, live, declared), Verdict::Same);
    let changed = "SELECT t.id, (SELECT COALESCE(NULLIF(label, ''), title) FROM b WHERE id = t.id) AS label, GREATEST(t.x, 1) FROM t";
    assert_eq!(compare(Sql::Statement, live, changed), Verdict::Different);
}

#[test]
fn implicit_output_names() {
    let s = |a: &str, b: &str| compare(Sql::Statement, a, b);
    assert_eq!(
        s(
            "SELECT count(*) AS count, t.a AS a FROM t",
            "SELECT count(*), a FROM t"
        ),
        Verdict::Same
    );
    assert_eq!(
        s("SELECT count(*) AS n FROM t", "SELECT count(*) FROM t"),
        Verdict::Different
    );
}

#[test]
fn sql_standard_function_bodies() {
    let same = |a: &str, b: &str| compare_function_body("total", a, b);
    // the server's text (qualified names, parameter qualified by the function's name, casts, output names)
    assert_eq!(
        same(
            "BEGIN ATOMIC\n SELECT (public.add_tax(items.price) * (items.qty)::numeric)\n    FROM public.items\n   WHERE (items.id = total.i);\nEND",
            "begin atomic\n  select add_tax(price) * qty from items where id = i;\nend"
        ),
        Verdict::Same
    );
    assert_eq!(
        same(
            "BEGIN ATOMIC\n UPDATE public.items SET qty = (items.qty + 1)\n   WHERE (items.id = total.i);\nEND",
            "BEGIN ATOMIC UPDATE items SET qty = qty + 1 WHERE id = i; END"
        ),
        Verdict::Same
    );
    assert_eq!(same("RETURN (p * 1.2)", "return p * 1.2"), Verdict::Same);
    // real changes
    assert_eq!(
        same("RETURN (p * 1.2)", "RETURN p * 1.25"),
        Verdict::Different
    );
    assert_eq!(
        same(
            "BEGIN ATOMIC SELECT count(*) FROM items; END",
            "BEGIN ATOMIC SELECT count(*) FROM items WHERE note IS NOT NULL; END"
        ),
        Verdict::Different
    );
    // a statement more
    assert_eq!(
        same(
            "BEGIN ATOMIC SELECT 1; END",
            "BEGIN ATOMIC SELECT 1; SELECT 2; END"
        ),
        Verdict::Different
    );
    assert!(matches!(
        same("RETURN (", "RETURN 1"),
        Verdict::Uncertain(_)
    ));
}

#[test]
fn epoch_is_the_value_the_server_stores() {
    let e = Sql::Expr;
    assert!(same(
        e,
        "TIMESTAMP WITH TIME ZONE 'epoch'",
        "'1970-01-01 00:00:00+00'::timestamp with time zone"
    ));
    assert!(same(
        e,
        "'epoch'::timestamp",
        "'1970-01-01 00:00:00'::timestamp without time zone"
    ));
    assert!(same(e, "DATE 'Epoch'", "'1970-01-01'::date"));
    // another instant is another value; 'epoch' as text is just a word
    assert!(!same(
        e,
        "TIMESTAMP WITH TIME ZONE 'epoch'",
        "'1970-01-02 00:00:00+00'::timestamp with time zone"
    ));
    assert!(!same(e, "'epoch'::text", "'1970-01-01'::text"));
}
