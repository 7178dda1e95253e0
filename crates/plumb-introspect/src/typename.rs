//! Type names written client-side, as the server's `format_type(type, typmod)` writes them (with an empty
//! `search_path`, so every type outside `pg_catalog` is schema-qualified). `format_type` costs a catalog lookup
//! per column on the server; the few hundred types a database knows are read once instead
//! ([`crate::queries::type_names`]). `tests/type_names.rs` checks every shape against the server.

/// What `format_type` needs of a type.
#[derive(Debug, Clone)]
pub(crate) struct TypeName {
    pub schema: String,
    pub name: String,
    /// The element type of a true array (written `element[]`).
    pub element: Option<u32>,
    /// The type modifier output function (`regproc` text), if any.
    pub typmodout: Option<String>,
    /// `typcollation`: a column whose collation differs names its own.
    pub collation: u32,
    /// `typstorage`: a column whose storage differs says so (`SET STORAGE`).
    pub storage: String,
}

const BOOL: u32 = 16;
const INT8: u32 = 20;
const INT2: u32 = 21;
const INT4: u32 = 23;
const JSON: u32 = 114;
const FLOAT4: u32 = 700;
const FLOAT8: u32 = 701;
const BPCHAR: u32 = 1042;
const VARCHAR: u32 = 1043;
const TIME: u32 = 1083;
const TIMESTAMP: u32 = 1114;
const TIMESTAMPTZ: u32 = 1184;
const INTERVAL: u32 = 1186;
const TIMETZ: u32 = 1266;
const BIT: u32 = 1560;
const VARBIT: u32 = 1562;
const NUMERIC: u32 = 1700;

/// `VARHDRSZ`: the length types' typmods count the 4-byte header.
const VARHDRSZ: i32 = 4;

/// `format_type(oid, typmod)` (a typmod given, as for a column: -1 when none), or `None` when a type is
/// unknown or its modifier's output function is not one of PostgreSQL's own: the caller then needs the
/// server's text. `lookup` finds a type by oid; `quote` quotes an identifier as the server's `quote_ident`.
pub(crate) fn format_type<'a>(
    oid: u32,
    typmod: i32,
    version: u32,
    lookup: impl Fn(u32) -> Option<&'a TypeName>,
    quote: impl Fn(&str) -> String,
) -> Option<String> {
    let mut ty = lookup(oid)?;
    let mut oid = oid;
    let is_array = match ty.element {
        Some(element) => {
            oid = element;
            ty = lookup(element)?;
            true
        }
        None => false,
    };
    let with_typmod = typmod >= 0;
    let modified = |name: &str| -> Option<String> {
        Some(format!(
            "{name}{}",
            typmod_text(ty.typmodout.as_deref(), typmod, version)?
        ))
    };
    let special = match oid {
        BIT if with_typmod => Some(modified("bit")?),
        BOOL => Some("boolean".to_string()),
        BPCHAR if with_typmod => Some(modified("character")?),
        FLOAT4 => Some("real".to_string()),
        FLOAT8 => Some("double precision".to_string()),
        INT2 => Some("smallint".to_string()),
        INT4 => Some("integer".to_string()),
        INT8 => Some("bigint".to_string()),
        // A keyword from PostgreSQL 17, written bare by its `format_type`; a plain name before.
        JSON => Some("json".to_string()),
        NUMERIC if with_typmod => Some(modified("numeric")?),
        NUMERIC => Some("numeric".to_string()),
        INTERVAL if with_typmod => Some(modified("interval")?),
        INTERVAL => Some("interval".to_string()),
        TIME if with_typmod => Some(modified("time")?),
        TIME => Some("time without time zone".to_string()),
        TIMETZ if with_typmod => Some(modified("time")?),
        TIMETZ => Some("time with time zone".to_string()),
        TIMESTAMP if with_typmod => Some(modified("timestamp")?),
        TIMESTAMP => Some("timestamp without time zone".to_string()),
        TIMESTAMPTZ if with_typmod => Some(modified("timestamp")?),
        TIMESTAMPTZ => Some("timestamp with time zone".to_string()),
        VARBIT if with_typmod => Some(modified("bit varying")?),
        VARBIT => Some("bit varying".to_string()),
        VARCHAR if with_typmod => Some(modified("character varying")?),
        VARCHAR => Some("character varying".to_string()),
        // `bit` and `bpchar` with typmod -1 are not BIT(1) / CHARACTER(1): written by their catalog names.
        _ => None,
    };
    let mut text = match special {
        Some(text) => text,
        None => {
            let name = if ty.schema == "pg_catalog" {
                quote(&ty.name)
            } else {
                format!("{}.{}", quote(&ty.schema), quote(&ty.name))
            };
            if with_typmod {
                modified(&name)?
            } else {
                name
            }
        }
    };
    if is_array {
        text.push_str("[]");
    }
    Some(text)
}

/// What `printTypmod` appends for a typmod (≥ 0): `(typmod)` without an output function, else what the
/// function returns, for PostgreSQL's own functions.
fn typmod_text(typmodout: Option<&str>, typmod: i32, version: u32) -> Option<String> {
    let Some(function) = typmodout else {
        return Some(format!("({typmod})"));
    };
    Some(match function {
        "bpchartypmodout" | "varchartypmodout" => {
            if typmod > VARHDRSZ {
                format!("({})", typmod - VARHDRSZ)
            } else {
                String::new()
            }
        }
        "bittypmodout" | "varbittypmodout" => format!("({typmod})"),
        "numerictypmodout" => {
            if typmod < VARHDRSZ {
                return if version >= 150000 {
                    Some(String::new())
                } else {
                    // Before 15, any typmod ≥ 0 was printed.
                    None
                };
            }
            let t = typmod - VARHDRSZ;
            let precision = (t >> 16) & 0xffff;
            // From PostgreSQL 15 the scale is 11 bits and may be negative.
            let scale = if version >= 150000 {
                ((t & 0x7ff) ^ 1024) - 1024
            } else {
                t & 0xffff
            };
            format!("({precision},{scale})")
        }
        "timetypmodout" | "timestamptypmodout" => format!("({typmod}) without time zone"),
        "timetztypmodout" | "timestamptztypmodout" => format!("({typmod}) with time zone"),
        "intervaltypmodout" => interval_typmod(typmod)?,
        _ => return None,
    })
}

/// `intervaltypmodout`: the fields, then the precision when one is given.
fn interval_typmod(typmod: i32) -> Option<String> {
    const MONTH: i32 = 1 << 1;
    const YEAR: i32 = 1 << 2;
    const DAY: i32 = 1 << 3;
    const HOUR: i32 = 1 << 10;
    const MINUTE: i32 = 1 << 11;
    const SECOND: i32 = 1 << 12;
    const FULL_RANGE: i32 = 0x7fff;
    const FULL_PRECISION: i32 = 0xffff;
    let fields = (typmod >> 16) & 0x7fff;
    let precision = typmod & 0xffff;
    let text = match fields {
        YEAR => " year",
        MONTH => " month",
        DAY => " day",
        HOUR => " hour",
        MINUTE => " minute",
        SECOND => " second",
        f if f == YEAR | MONTH => " year to month",
        f if f == DAY | HOUR => " day to hour",
        f if f == DAY | HOUR | MINUTE => " day to minute",
        f if f == DAY | HOUR | MINUTE | SECOND => " day to second",
        f if f == HOUR | MINUTE => " hour to minute",
        f if f == HOUR | MINUTE | SECOND => " hour to second",
        f if f == MINUTE | SECOND => " minute to second",
        FULL_RANGE => "",
        // The server reports an invalid typmod as an error: let it.
        _ => return None,
    };
    Some(if precision == FULL_PRECISION {
        text.to_string()
    } else {
        format!("{text}({precision})")
    })
}
