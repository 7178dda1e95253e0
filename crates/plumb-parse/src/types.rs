//! Built-in type names as `format_type` writes them.

/// Canonical name of a built-in type given its (lower-case, unqualified) name and its integer type
/// modifiers; `None` when `name` is not a built-in type. `explicit_catalog` is true when the parser wrote
/// `pg_catalog.` (the grammar does this for SQL-standard spellings such as `int`, `varchar`, `char`).
pub(crate) fn builtin(name: &str, typmods: &[i64], explicit_catalog: bool) -> Option<String> {
    let m0 = typmods.first().copied();
    let with_len = |base: &str| match m0 {
        Some(n) => format!("{base}({n})"),
        None => base.to_string(),
    };
    let time_like = |base: &str, zone: &str| match m0 {
        Some(p) => format!("{base}({p}) {zone}"),
        None => format!("{base} {zone}"),
    };
    Some(match name {
        "int2" | "smallint" => "smallint".into(),
        "int4" | "int" | "integer" => "integer".into(),
        "int8" | "bigint" => "bigint".into(),
        "float4" | "real" => "real".into(),
        "float8" | "double precision" => "double precision".into(),
        "float" => match m0 {
            Some(p) if p <= 24 => "real".into(),
            _ => "double precision".into(),
        },
        "numeric" | "decimal" | "dec" => match (typmods.first(), typmods.get(1)) {
            (Some(p), Some(s)) => format!("numeric({p},{s})"),
            (Some(p), None) => format!("numeric({p},0)"),
            _ => "numeric".into(),
        },
        "bool" | "boolean" => "boolean".into(),
        "varchar" | "character varying" => with_len("character varying"),
        "bpchar" if !explicit_catalog && m0.is_none() => "bpchar".into(),
        "char" if !explicit_catalog => "\"char\"".into(),
        "bpchar" | "char" | "character" => format!("character({})", m0.unwrap_or(1)),
        "text" => "text".into(),
        "bytea" => "bytea".into(),
        "date" => "date".into(),
        "time" => time_like("time", "without time zone"),
        "timetz" => time_like("time", "with time zone"),
        "timestamp" => time_like("timestamp", "without time zone"),
        "timestamptz" => time_like("timestamp", "with time zone"),
        "interval" => interval(typmods),
        "bit" => format!("bit({})", m0.unwrap_or(1)),
        "varbit" | "bit varying" => with_len("bit varying"),
        "uuid"
        | "json"
        | "jsonb"
        | "jsonpath"
        | "xml"
        | "inet"
        | "cidr"
        | "macaddr"
        | "macaddr8"
        | "money"
        | "point"
        | "line"
        | "lseg"
        | "box"
        | "path"
        | "polygon"
        | "circle"
        | "tsvector"
        | "tsquery"
        | "int4range"
        | "int8range"
        | "numrange"
        | "tsrange"
        | "tstzrange"
        | "daterange"
        | "int4multirange"
        | "int8multirange"
        | "nummultirange"
        | "tsmultirange"
        | "tstzmultirange"
        | "datemultirange"
        | "txid_snapshot"
        | "pg_snapshot"
        | "pg_lsn"
        | "name"
        | "oid"
        | "regclass"
        | "regproc"
        | "regprocedure"
        | "regtype"
        | "regoper"
        | "regoperator"
        | "regconfig"
        | "regdictionary"
        | "regnamespace"
        | "regrole"
        | "regcollation"
        | "xid"
        | "xid8"
        | "cid"
        | "tid"
        | "refcursor"
        | "record"
        | "void"
        | "trigger"
        | "event_trigger"
        | "anyelement"
        | "anyarray"
        | "anynonarray"
        | "anyenum"
        | "anyrange"
        | "anymultirange"
        | "anycompatible"
        | "anycompatiblearray"
        | "anycompatiblenonarray"
        | "anycompatiblerange"
        | "cstring"
        | "internal"
        | "language_handler"
        | "fdw_handler"
        | "index_am_handler"
        | "tsm_handler"
        | "table_am_handler"
        | "pg_node_tree"
        | "aclitem"
        | "unknown"
        | "int2vector"
        | "oidvector" => name.into(),
        "char\"" | "\"char\"" => "\"char\"".into(),
        _ => return None,
    })
}

fn interval(typmods: &[i64]) -> String {
    const FULL_RANGE: i64 = 0x7FFF;
    const YEAR: i64 = 1 << 2;
    const MONTH: i64 = 1 << 1;
    const DAY: i64 = 1 << 3;
    const HOUR: i64 = 1 << 10;
    const MINUTE: i64 = 1 << 11;
    const SECOND: i64 = 1 << 12;
    let (fields, precision) = match typmods {
        [] => return "interval".into(),
        [f] => (*f, None),
        [f, p, ..] => (*f, Some(*p)),
    };
    let f = match fields {
        FULL_RANGE => "",
        x if x == YEAR => " year",
        x if x == MONTH => " month",
        x if x == DAY => " day",
        x if x == HOUR => " hour",
        x if x == MINUTE => " minute",
        x if x == SECOND => " second",
        x if x == YEAR | MONTH => " year to month",
        x if x == DAY | HOUR => " day to hour",
        x if x == DAY | HOUR | MINUTE => " day to minute",
        x if x == DAY | HOUR | MINUTE | SECOND => " day to second",
        x if x == HOUR | MINUTE => " hour to minute",
        x if x == HOUR | MINUTE | SECOND => " hour to second",
        x if x == MINUTE | SECOND => " minute to second",
        _ => "",
    };
    match precision {
        Some(p) if f.is_empty() => format!("interval({p})"),
        Some(p) => format!("interval{f}({p})"),
        None => format!("interval{f}"),
    }
}

/// A type modifier as written: a number, or a word (`POINT`, `'LINESTRING'`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Typmod {
    Int(i64),
    Word(String),
}

/// The modifier of an extension's type as `format_type` prints it (the type's `typmod_out`), `""` for none,
/// from the type's unqualified name and the modifiers as written. PostGIS's `geometry` and `geography`
/// (`geometry(POINT, 4326)` is `geometry(Point,4326)`, an SRID of 0 or less is none, `geography` defaults to
/// SRID 4326, `geometry(GEOMETRY)` has no modifier); any other type with integer modifiers prints them as
/// `(a,b)` (pgvector's `vector(1536)`). `None`: a modifier this does not know how to print.
pub(crate) fn extension_typmod(name: &str, mods: &[Typmod]) -> Option<String> {
    if mods.is_empty() {
        return Some(String::new());
    }
    match name {
        "geometry" | "geography" => postgis_typmod(name == "geography", mods),
        _ => {
            let ints: Option<Vec<String>> = mods
                .iter()
                .map(|m| match m {
                    Typmod::Int(i) => Some(i.to_string()),
                    Typmod::Word(_) => None,
                })
                .collect();
            Some(format!("({})", ints?.join(",")))
        }
    }
}

fn postgis_typmod(geography: bool, mods: &[Typmod]) -> Option<String> {
    const SHAPES: &[&str] = &[
        "Geometry",
        "Point",
        "LineString",
        "Polygon",
        "MultiPoint",
        "MultiLineString",
        "MultiPolygon",
        "GeometryCollection",
        "CircularString",
        "CompoundCurve",
        "CurvePolygon",
        "MultiCurve",
        "MultiSurface",
        "PolyhedralSurface",
        "Triangle",
        "Tin",
    ];
    let (word, srid) = match mods {
        [Typmod::Word(w)] => (w, 0),
        [Typmod::Word(w), Typmod::Int(s)] => (w, *s),
        _ => return None,
    };
    let upper = word.to_ascii_uppercase();
    let (shape, dims) = SHAPES.iter().find_map(|s| {
        let rest = upper.strip_prefix(&s.to_ascii_uppercase())?;
        matches!(rest, "" | "Z" | "M" | "ZM").then_some((*s, rest))
    })?;
    let srid = if srid > 0 {
        srid
    } else if geography {
        4326
    } else {
        0
    };
    if shape == "Geometry" && dims.is_empty() && srid == 0 {
        return Some(String::new());
    }
    Some(if srid > 0 {
        format!("({shape}{dims},{srid})")
    } else {
        format!("({shape}{dims})")
    })
}

/// The element type of an array type name (`text[]` -> `text`).
pub(crate) fn element(t: &str) -> Option<&str> {
    t.strip_suffix("[]")
}

/// Type category, for the implicit-cast rules of the expression printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Category {
    Numeric,
    String,
    Boolean,
    DateTime,
    Other,
}

pub(crate) fn category(t: &str) -> Category {
    match t {
        "smallint" | "integer" | "bigint" | "real" | "double precision" | "numeric" | "oid" => {
            Category::Numeric
        }
        t if t.starts_with("numeric(") => Category::Numeric,
        "text" | "name" | "bpchar" => Category::String,
        t if t.starts_with("character varying") || t.starts_with("character(") => Category::String,
        "boolean" => Category::Boolean,
        "date" | "interval" => Category::DateTime,
        t if t.starts_with("timestamp") || t.starts_with("time") || t.starts_with("interval") => {
            Category::DateTime
        }
        _ => Category::Other,
    }
}

/// The type without its modifier (`numeric(10,2)` -> `numeric`, `character varying(5)` ->
/// `character varying`, `timestamp(3) with time zone` -> `timestamp with time zone`).
pub(crate) fn base(t: &str) -> String {
    if t.ends_with("[]") {
        return t.to_string();
    }
    match (t.find('('), t.find(')')) {
        (Some(a), Some(b)) if a < b => format!("{}{}", &t[..a], &t[b + 1..]),
        _ => t.to_string(),
    }
}

/// Rank in the numeric implicit-cast chain (smallint < integer < bigint < numeric < real < double).
pub(crate) fn numeric_rank(t: &str) -> Option<u8> {
    Some(match base(t).as_str() {
        "smallint" => 1,
        "integer" => 2,
        "bigint" => 3,
        "numeric" => 4,
        "real" => 5,
        "double precision" => 6,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgis_modifiers_as_format_type_prints_them() {
        let w = |s: &str| Typmod::Word(s.into());
        let cases: &[(&str, Vec<Typmod>, &str)] = &[
            (
                "geometry",
                vec![w("point"), Typmod::Int(4326)],
                "(Point,4326)",
            ),
            ("geography", vec![w("POINT")], "(Point,4326)"),
            ("geometry", vec![w("POINTZ")], "(PointZ)"),
            (
                "geometry",
                vec![w("multipolygonzm"), Typmod::Int(3857)],
                "(MultiPolygonZM,3857)",
            ),
            ("geometry", vec![w("GEOMETRY")], ""),
            (
                "geometry",
                vec![w("GEOMETRY"), Typmod::Int(4326)],
                "(Geometry,4326)",
            ),
            ("geometry", vec![w("GEOMETRYZ")], "(GeometryZ)"),
            ("geography", vec![w("GEOMETRY")], "(Geometry,4326)"),
            ("geometry", vec![w("Point"), Typmod::Int(0)], "(Point)"),
            ("geometry", vec![w("TIN"), Typmod::Int(4326)], "(Tin,4326)"),
            (
                "geometry",
                vec![w("LINESTRING"), Typmod::Int(-1)],
                "(LineString)",
            ),
            ("vector", vec![Typmod::Int(1536)], "(1536)"),
            ("geometry", vec![], ""),
        ];
        for (name, mods, want) in cases {
            assert_eq!(
                extension_typmod(name, mods).as_deref(),
                Some(*want),
                "{name} {mods:?}"
            );
        }
        assert_eq!(extension_typmod("geometry", &[w("POINTQ")]), None);
        assert_eq!(extension_typmod("vector", &[w("x")]), None);
    }

    #[test]
    fn aliases() {
        assert_eq!(builtin("int4", &[], true).unwrap(), "integer");
        assert_eq!(
            builtin("varchar", &[20], true).unwrap(),
            "character varying(20)"
        );
        assert_eq!(builtin("varchar", &[], true).unwrap(), "character varying");
        assert_eq!(
            builtin("timestamptz", &[], false).unwrap(),
            "timestamp with time zone"
        );
        assert_eq!(
            builtin("timestamp", &[3], true).unwrap(),
            "timestamp(3) without time zone"
        );
        assert_eq!(builtin("numeric", &[10], true).unwrap(), "numeric(10,0)");
        assert_eq!(builtin("bpchar", &[], true).unwrap(), "character(1)");
        assert_eq!(builtin("bpchar", &[], false).unwrap(), "bpchar");
        assert_eq!(
            builtin("interval", &[(1 << 2) | (1 << 1)], true).unwrap(),
            "interval year to month"
        );
        assert_eq!(base("numeric(10,2)"), "numeric");
        assert_eq!(
            base("timestamp(3) with time zone"),
            "timestamp with time zone"
        );
        assert!(builtin("mood", &[], false).is_none());
    }
}
