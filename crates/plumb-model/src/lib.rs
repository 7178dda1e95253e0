//! plumb's one schema model.
//!
//! Both sides of every comparison are read into a [`Database`]: the introspector from the live catalog, the
//! parser from declared SQL. The model is plain data — no IO, no driver or parser types — keyed by qualified
//! name in `BTreeMap`s so that iteration, and therefore every output, is deterministic.
//!
//! Text that PostgreSQL normalises (types, expressions, index and constraint definitions, view queries) is
//! stored in PostgreSQL's canonical form: `format_type`, `pg_get_expr`, `pg_get_indexdef`,
//! `pg_get_constraintdef`, `pg_get_viewdef`, `pg_get_triggerdef`. Two models are equal exactly when the two
//! schemas are the same.

mod ident;
mod schema_names;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use ident::{
    is_keyword, is_plain_ident, is_plain_ident_with, quote_ident, quote_ident_with, quote_literal,
    split_qualified, BadQualName, KeywordSet, QualName,
};
pub use schema_names::{rename_schema_in_sql, SchemaNames, SchemaRename};

/// Version of the JSON form of the model (`plumb dump --format json`). Bumped on incompatible change.
pub const MODEL_JSON_VERSION: u32 = 1;

/// A whole database schema: everything plumb models, plus what it found and does not model.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Database {
    /// `server_version_num` of the server this was read from; `None` for a declared schema.
    pub server_version: Option<u32>,
    pub schemas: BTreeMap<String, Namespace>,
    pub extensions: BTreeMap<String, Extension>,
    pub collations: BTreeMap<QualName, Collation>,
    pub types: BTreeMap<QualName, Type>,
    pub sequences: BTreeMap<QualName, Sequence>,
    pub tables: BTreeMap<QualName, Table>,
    pub views: BTreeMap<QualName, View>,
    pub functions: BTreeMap<FunctionId, Function>,
    /// `ALTER DEFAULT PRIVILEGES` entries by [`DefaultPrivileges::key`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub default_privileges: BTreeMap<String, DefaultPrivileges>,
    /// Event triggers (`CREATE EVENT TRIGGER`), database-wide, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub event_triggers: BTreeMap<String, EventTrigger>,
    /// "`from` depends on `to`": `to` must exist before `from` is created and outlive it.
    pub dependencies: BTreeSet<Dependency>,
    /// Objects of a kind plumb does not model yet. Reported, never silently dropped.
    pub unsupported: Vec<Unsupported>,
}

impl Database {
    /// The schema of a newly created, empty database: the `public` schema and nothing else. Declared schemas
    /// are interpreted starting from this, and `plumb dump` plans from it.
    pub fn fresh() -> Database {
        let mut db = Database::default();
        db.schemas.insert(
            "public".to_string(),
            Namespace {
                name: "public".to_string(),
                common: Common {
                    comment: Some("standard public schema".to_string()),
                    ..Common::default()
                },
            },
        );
        db
    }

    /// What `CREATE DATABASE` gives on a server of `server_version` (`None`: 15 or later): [`Database::fresh`],
    /// and from PostgreSQL 15 the `public` schema owned by `pg_database_owner` with its ACL
    /// (`pg_database_owner=UC/pg_database_owner, =U/pg_database_owner`). Before 15 the owner is the bootstrap
    /// superuser, whose name is not known: the owner stays "not stated", and the privileges (`UC` for the owner
    /// and for `PUBLIC`) are written for `pg_database_owner`, which the differ gives to the real owner.
    pub fn created(server_version: Option<u32>) -> Database {
        let mut db = Database::fresh();
        let modern = server_version.is_none_or(|v| v >= 150000);
        if let Some(public) = db.schemas.get_mut("public") {
            let g = |who: &str, p: &str| Grant {
                grantee: who.into(),
                privilege: p.into(),
                with_grant_option: false,
            };
            let mut grants: BTreeSet<Grant> = [
                g("PUBLIC", "USAGE"),
                g("pg_database_owner", "CREATE"),
                g("pg_database_owner", "USAGE"),
            ]
            .into_iter()
            .collect();
            if modern {
                public.common.owner = Some("pg_database_owner".into());
            } else {
                // owned by the bootstrap superuser (the differ gives these privileges to the real owner) and
                // open to CREATE by everyone
                grants.insert(g("PUBLIC", "CREATE"));
            }
            public.common.grants = Some(grants);
        }
        db
    }

    /// The relation (table or view) of that name, whichever it is.
    pub fn relation_kind(&self, name: &QualName) -> Option<RelationKind> {
        if let Some(t) = self.tables.get(name) {
            Some(if t.partition_by.is_some() {
                RelationKind::PartitionedTable
            } else {
                RelationKind::Table
            })
        } else {
            self.views.get(name).map(|v| match v.kind {
                ViewKind::View => RelationKind::View,
                ViewKind::Materialized => RelationKind::MaterializedView,
            })
        }
    }

    /// Number of top-level objects (schemas, types, tables, ...), for summaries.
    pub fn object_count(&self) -> usize {
        self.schemas.len()
            + self.extensions.len()
            + self.collations.len()
            + self.types.len()
            + self.sequences.len()
            + self.tables.len()
            + self.views.len()
            + self.functions.len()
            + self.event_triggers.len()
    }

    /// Whether every top-level object in a schema is in one that `keep` keeps.
    pub fn all_in_schemas(&self, keep: impl Fn(&str) -> bool) -> bool {
        // taken apart without `..`: a collection added to the model is looked at here (see also
        // `retain_schemas` and `visit_schema_names`)
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
            default_privileges: _,
            event_triggers: _,
            dependencies: _,
            unsupported: _,
        } = self;
        schemas.keys().all(|k| keep(k))
            && extensions.values().all(|e| keep(&e.schema))
            && collations.keys().all(|k| keep(&k.schema))
            && types.keys().all(|k| keep(&k.schema))
            && sequences.keys().all(|k| keep(&k.schema))
            && tables.keys().all(|k| keep(&k.schema))
            && views.keys().all(|k| keep(&k.schema))
            && functions.keys().all(|k| keep(&k.schema))
    }

    /// Keep only the top-level objects in schemas that `keep` keeps (their sub-objects go with them).
    /// Event triggers are not in a schema: `keep_global` says whether they stay.
    pub fn retain_schemas(&mut self, keep: impl Fn(&str) -> bool, keep_global: bool) {
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
            default_privileges: _,
            event_triggers,
            dependencies: _,
            unsupported: _,
        } = self;
        schemas.retain(|k, _| keep(k));
        extensions.retain(|_, e| keep(&e.schema));
        collations.retain(|k, _| keep(&k.schema));
        types.retain(|k, _| keep(&k.schema));
        sequences.retain(|k, _| keep(&k.schema));
        tables.retain(|k, _| keep(&k.schema));
        views.retain(|k, _| keep(&k.schema));
        functions.retain(|k, _| keep(&k.schema));
        if !keep_global {
            event_triggers.clear();
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    Table,
    PartitionedTable,
    View,
    MaterializedView,
}

/// What an ACL is on, for PostgreSQL's default privileges (`acldefault`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AclKind {
    /// Tables, views, materialized views.
    Table,
    Sequence,
    /// Functions, procedures, aggregates.
    Function,
    Schema,
    /// Types and domains.
    Type,
}

impl AclKind {
    /// The word `ALTER DEFAULT PRIVILEGES … ON <word>` uses: `TABLES`, `SEQUENCES`, `FUNCTIONS`, `TYPES`,
    /// `SCHEMAS`.
    pub fn plural(self) -> &'static str {
        match self {
            AclKind::Table => "TABLES",
            AclKind::Sequence => "SEQUENCES",
            AclKind::Function => "FUNCTIONS",
            AclKind::Schema => "SCHEMAS",
            AclKind::Type => "TYPES",
        }
    }

    /// `pg_default_acl.defaclobjtype`: `r`, `S`, `f`, `T`, `n`.
    pub fn from_defacl_code(code: &str) -> Option<AclKind> {
        match code {
            "r" => Some(AclKind::Table),
            "S" => Some(AclKind::Sequence),
            "f" => Some(AclKind::Function),
            "T" => Some(AclKind::Type),
            "n" => Some(AclKind::Schema),
            _ => None,
        }
    }

    /// Every privilege on this kind of object: what `ALL` grants and what the owner holds by default.
    pub fn all_privileges(self) -> &'static [&'static str] {
        match self {
            AclKind::Table => &[
                "SELECT",
                "INSERT",
                "UPDATE",
                "DELETE",
                "TRUNCATE",
                "REFERENCES",
                "TRIGGER",
            ],
            AclKind::Sequence => &["USAGE", "SELECT", "UPDATE"],
            AclKind::Function => &["EXECUTE"],
            AclKind::Schema => &["USAGE", "CREATE"],
            AclKind::Type => &["USAGE"],
        }
    }

    /// Every privilege on this kind of object on a server of `server_version` (`server_version_num`; `None`:
    /// not known, as before PostgreSQL 17): PostgreSQL 17 added `MAINTAIN` on tables.
    pub fn all_privileges_at(self, server_version: Option<u32>) -> Vec<&'static str> {
        let mut all = self.all_privileges().to_vec();
        if self == AclKind::Table && server_version.is_some_and(|v| v >= 170000) {
            all.push("MAINTAIN");
        }
        all
    }

    /// [`AclKind::default_grants`] on a server of `server_version`.
    pub fn default_grants_at(self, owner: &str, server_version: Option<u32>) -> BTreeSet<Grant> {
        let mut set = self.default_grants(owner);
        if self == AclKind::Table && server_version.is_some_and(|v| v >= 170000) {
            set.insert(Grant {
                grantee: owner.to_string(),
                privilege: "MAINTAIN".to_string(),
                with_grant_option: false,
            });
        }
        set
    }

    /// Grants stated without knowing the server (declared SQL) as a server of `server_version` holds them: on
    /// PostgreSQL 17 and later, `GRANT ALL` on a table (and the owner's default privileges) include
    /// `MAINTAIN`, so a grantee that holds every older table privilege holds `MAINTAIN` too.
    pub fn grants_at(
        self,
        grants: &BTreeSet<Grant>,
        server_version: Option<u32>,
    ) -> BTreeSet<Grant> {
        let mut out = grants.clone();
        if self != AclKind::Table || server_version.is_none_or(|v| v < 170000) {
            return out;
        }
        let grantees: BTreeSet<&str> = grants.iter().map(|g| g.grantee.as_str()).collect();
        for who in grantees {
            let held: Vec<&Grant> = grants.iter().filter(|g| g.grantee == who).collect();
            let has = |p: &str| held.iter().any(|g| g.privilege == p);
            if has("MAINTAIN") || !self.all_privileges().iter().all(|p| has(p)) {
                continue;
            }
            let option = held.iter().all(|g| g.with_grant_option);
            out.insert(Grant {
                grantee: who.to_string(),
                privilege: "MAINTAIN".to_string(),
                with_grant_option: option,
            });
        }
        out
    }

    /// The privileges `PUBLIC` holds by default.
    pub fn public_privileges(self) -> &'static [&'static str] {
        match self {
            AclKind::Function => &["EXECUTE"],
            AclKind::Type => &["USAGE"],
            AclKind::Table | AclKind::Sequence | AclKind::Schema => &[],
        }
    }

    /// The privileges of an object of this kind whose ACL is NULL (owned by `owner`).
    pub fn default_grants(self, owner: &str) -> BTreeSet<Grant> {
        let g = |who: &str, p: &str| Grant {
            grantee: who.to_string(),
            privilege: p.to_string(),
            with_grant_option: false,
        };
        let public = self.public_privileges().iter().map(|p| g("PUBLIC", p));
        let owned = self.all_privileges().iter().map(|p| g(owner, p));
        public.chain(owned).collect()
    }
}

/// A privilege granted on an object: `GRANT <privilege> ON ... TO <grantee> [WITH GRANT OPTION]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Grant {
    /// Role name, or `PUBLIC`.
    pub grantee: String,
    /// `SELECT`, `INSERT`, `USAGE`, `EXECUTE`, ...
    pub privilege: String,
    #[serde(default)]
    pub with_grant_option: bool,
}

/// `ALTER DEFAULT PRIVILEGES`: what objects of one kind get when `role` creates them, anywhere or in one
/// schema (one `pg_default_acl` entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultPrivileges {
    /// `FOR ROLE`: the creating role.
    pub role: String,
    /// `IN SCHEMA`; `None`: objects created anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub on: AclKind,
    /// As PostgreSQL keeps them: without a schema, every privilege such objects get (replacing the built-in
    /// default, [`AclKind::default_grants`]); in a schema, the privileges added to those.
    pub grants: BTreeSet<Grant>,
    /// Declared SQL named no role (no `FOR ROLE`, no `SET ROLE`): `role` is plumb's assumption, and the differ
    /// takes the role the database has such an entry for.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub role_assumed: bool,
}

impl DefaultPrivileges {
    /// The entry's key in [`Database::default_privileges`], as the statement reads:
    /// `FOR ROLE app IN SCHEMA public ON TABLES`.
    pub fn key(role: &str, schema: Option<&str>, on: AclKind) -> String {
        let mut k = format!("FOR ROLE {}", quote_ident(role));
        if let Some(s) = schema {
            k.push_str(&format!(" IN SCHEMA {}", quote_ident(s)));
        }
        k.push_str(&format!(" ON {}", on.plural()));
        k
    }

    /// What an entry holds before any statement changed it: for an entry without a schema, the built-in
    /// default; in a schema, nothing.
    pub fn initial(role: &str, schema: Option<&str>, on: AclKind) -> BTreeSet<Grant> {
        match schema {
            None => on.default_grants(role),
            Some(_) => BTreeSet::new(),
        }
    }
}

/// Owner, comment and privileges: what every top-level object carries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Common {
    pub owner: Option<String>,
    pub comment: Option<String>,
    /// `None` means the object has its default privileges (NULL acl); `Some(set)` the explicit set.
    pub grants: Option<BTreeSet<Grant>>,
    /// The grantees of `grants` in the order of the ACL (`aclitem[]`), which is the order `pg_dump` writes
    /// them in; empty when not known (declared SQL). Not part of the JSON form.
    #[serde(skip)]
    pub acl_order: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Namespace {
    pub name: String,
    #[serde(flatten)]
    pub common: Common,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Extension {
    pub name: String,
    pub schema: String,
    /// Installed version; `None` in a declared schema that does not say.
    pub version: Option<String>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Collation {
    pub name: QualName,
    /// `c` (libc), `i` (icu), `d` (default).
    pub provider: String,
    pub locale: Option<String>,
    pub lc_collate: Option<String>,
    pub lc_ctype: Option<String>,
    pub deterministic: bool,
    #[serde(flatten)]
    pub common: Common,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Type {
    pub name: QualName,
    pub kind: TypeKind,
    #[serde(flatten)]
    pub common: Common,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TypeKind {
    Enum {
        labels: Vec<String>,
    },
    Domain {
        /// Base type as `format_type` writes it.
        base: String,
        collation: Option<QualName>,
        default: Option<String>,
        not_null: bool,
        /// Named CHECK constraints, definition as `pg_get_constraintdef` writes it.
        constraints: BTreeMap<String, DomainConstraint>,
    },
    Composite {
        attributes: Vec<Attribute>,
    },
    Range {
        subtype: String,
        subtype_opclass: Option<String>,
        collation: Option<QualName>,
        canonical: Option<String>,
        subtype_diff: Option<String>,
        multirange: Option<QualName>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainConstraint {
    pub name: String,
    /// `CHECK (VALUE > 0)`.
    pub definition: String,
    #[serde(default = "yes")]
    pub validated: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    pub name: String,
    pub type_name: String,
    pub collation: Option<QualName>,
}

/// Sequence parameters, shared by standalone sequences and identity columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SequenceOptions {
    /// `smallint`, `integer` or `bigint`.
    pub data_type: String,
    pub start: i64,
    pub increment: i64,
    pub min_value: i64,
    pub max_value: i64,
    pub cache: i64,
    pub cycle: bool,
}

impl SequenceOptions {
    /// PostgreSQL's defaults for a sequence of that type and direction.
    pub fn defaults(data_type: &str, increment: i64) -> Self {
        let max = match data_type {
            "smallint" => i16::MAX as i64,
            "integer" => i32::MAX as i64,
            _ => i64::MAX,
        };
        let min = match data_type {
            "smallint" => i16::MIN as i64,
            "integer" => i32::MIN as i64,
            _ => i64::MIN,
        };
        let (min_value, max_value) = if increment > 0 { (1, max) } else { (min, -1) };
        SequenceOptions {
            data_type: data_type.to_string(),
            start: if increment > 0 { min_value } else { max_value },
            increment,
            min_value,
            max_value,
            cache: 1,
            cycle: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    pub name: QualName,
    pub options: SequenceOptions,
    /// `OWNED BY table.column`.
    pub owned_by: Option<ColumnRef>,
    #[serde(flatten)]
    pub common: Common,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ColumnRef {
    pub table: QualName,
    pub column: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Persistence {
    #[default]
    Permanent,
    Unlogged,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Table {
    pub name: QualName,
    pub persistence: Persistence,
    /// Partition key of a partitioned table, as `pg_get_partkeydef` writes it: `RANGE (created_at)`.
    pub partition_by: Option<String>,
    /// This table is a partition of `parent` with this bound (`FOR VALUES ...` or `DEFAULT`).
    pub partition_of: Option<PartitionOf>,
    /// Parents by plain inheritance (`INHERITS`), in order.
    pub inherits: Vec<QualName>,
    /// Typed table (`CREATE TABLE t OF type`): the composite type its columns come from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub of_type: Option<QualName>,
    /// Columns in attribute order.
    pub columns: Vec<Column>,
    pub constraints: BTreeMap<String, Constraint>,
    /// Indexes by name, including those that back a constraint (see [`Index::constraint`]).
    pub indexes: BTreeMap<String, Index>,
    pub triggers: BTreeMap<String, Trigger>,
    pub policies: BTreeMap<String, Policy>,
    pub rls_enabled: bool,
    pub rls_forced: bool,
    /// Storage parameters, `name=value`, in the order PostgreSQL keeps them (compared as a set).
    pub options: Vec<String>,
    /// `REPLICA IDENTITY` (`pg_class.relreplident`, the index from `pg_index.indisreplident`).
    #[serde(skip_serializing_if = "ReplicaIdentity::is_default")]
    pub replica_identity: ReplicaIdentity,
    #[serde(flatten)]
    pub common: Common,
}

/// What a table logs to identify a row it updates or deletes (logical replication).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplicaIdentity {
    /// The primary key, if any.
    #[default]
    Default,
    /// Every column.
    Full,
    /// Nothing.
    Nothing,
    /// The columns of this unique index of the table.
    Index(String),
}

impl ReplicaIdentity {
    pub fn is_default(&self) -> bool {
        *self == ReplicaIdentity::Default
    }

    /// The clause after `ALTER TABLE ... REPLICA IDENTITY`.
    pub fn sql(&self) -> String {
        match self {
            ReplicaIdentity::Default => "DEFAULT".into(),
            ReplicaIdentity::Full => "FULL".into(),
            ReplicaIdentity::Nothing => "NOTHING".into(),
            ReplicaIdentity::Index(i) => format!("USING INDEX {}", quote_ident(i)),
        }
    }
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionOf {
    pub parent: QualName,
    /// `FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')` or `DEFAULT`, as `pg_get_expr(relpartbound)`.
    pub bound: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Column {
    pub name: String,
    /// Type as `format_type` writes it: `character varying(20)`, `public.mood[]`.
    pub type_name: String,
    /// Explicit collation when it differs from the type's default.
    pub collation: Option<QualName>,
    pub not_null: bool,
    /// PostgreSQL 18 and later keep a NOT NULL as a named constraint: its name and options, read from the
    /// catalog. `None` on older servers and where declared SQL does not say (then not compared). Boxed, as
    /// most models have none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_null_constraint: Option<Box<NotNullConstraint>>,
    /// Default expression as `pg_get_expr` writes it.
    pub default: Option<String>,
    /// Boxed: most columns have none, and the options would make every column ~110 bytes larger.
    pub identity: Option<Box<Identity>>,
    /// `GENERATED ALWAYS AS (expr) STORED`: the expression.
    pub generated: Option<String>,
    /// The generated column is `VIRTUAL` (PostgreSQL 18; its default kind there): computed when read.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub generated_virtual: bool,
    /// False when the column comes only from a parent table (inheritance or partitioning).
    pub is_local: bool,
    pub comment: Option<String>,
    /// Column-level privileges.
    pub grants: BTreeSet<Grant>,
    /// `SET STORAGE`, when it is not the type's default (`pg_type.typstorage`; see [`default_storage`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage: Option<Storage>,
    /// `COMPRESSION` method (`pglz`, `lz4`), when one is set (`attcompression`); `None`: the server's default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression: Option<String>,
    /// `SET STATISTICS` target, when one is set; `None`: the server's default (`-1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statistics: Option<i32>,
    /// Attribute options (`SET (n_distinct=100)`), `name=value`, sorted (`attoptions`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

/// How a column's values are stored (`attstorage`, `SET STORAGE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Storage {
    Plain,
    External,
    Extended,
    Main,
}

impl Storage {
    /// The catalog's one-letter code (`p`, `e`, `x`, `m`).
    pub fn from_code(code: &str) -> Option<Storage> {
        match code {
            "p" => Some(Storage::Plain),
            "e" => Some(Storage::External),
            "x" => Some(Storage::Extended),
            "m" => Some(Storage::Main),
            _ => None,
        }
    }

    /// The keyword of `SET STORAGE` (case-insensitive on input).
    pub fn from_keyword(word: &str) -> Option<Storage> {
        match word.to_ascii_lowercase().as_str() {
            "plain" => Some(Storage::Plain),
            "external" => Some(Storage::External),
            "extended" => Some(Storage::Extended),
            "main" => Some(Storage::Main),
            _ => None,
        }
    }

    pub fn keyword(self) -> &'static str {
        match self {
            Storage::Plain => "PLAIN",
            Storage::External => "EXTERNAL",
            Storage::Extended => "EXTENDED",
            Storage::Main => "MAIN",
        }
    }
}

/// The default storage of a column of type `type_name` (as `format_type` writes it) in `db`: PostgreSQL's
/// `typstorage` for built-in types, `PLAIN` for enums, the base type's for a domain, `EXTENDED` for arrays,
/// composite and range types. `None` when the type is not known (an extension's type, say).
pub fn default_storage(type_name: &str, db: &Database) -> Option<Storage> {
    if type_name.ends_with("[]") {
        return Some(Storage::Extended);
    }
    // the name without a type modifier: `character varying(20)` -> `character varying`
    let base = match type_name.find('(') {
        Some(i) if !type_name.starts_with('"') => {
            let mut b = type_name[..i].trim_end().to_string();
            // `timestamp(3) with time zone`
            if let Some(close) = type_name[i..].find(')') {
                b.push_str(&type_name[i + close + 1..]);
            }
            b
        }
        _ => type_name.to_string(),
    };
    let builtin = match base.trim_start_matches("pg_catalog.") {
        "numeric" | "inet" | "cidr" => Some(Storage::Main),
        "text" | "character varying" | "character" | "bpchar" | "varchar" | "bytea" | "json"
        | "jsonb" | "jsonpath" | "xml" | "bit" | "bit varying" | "tsvector" | "path"
        | "polygon" | "refcursor" | "txid_snapshot" | "pg_snapshot" => Some(Storage::Extended),
        "smallint"
        | "integer"
        | "bigint"
        | "boolean"
        | "real"
        | "double precision"
        | "date"
        | "time without time zone"
        | "time with time zone"
        | "timestamp without time zone"
        | "timestamp with time zone"
        | "interval"
        | "uuid"
        | "money"
        | "oid"
        | "macaddr"
        | "macaddr8"
        | "point"
        | "line"
        | "lseg"
        | "box"
        | "circle"
        | "pg_lsn"
        | "tsquery"
        | "\"char\""
        | "name"
        | "regclass"
        | "regtype"
        | "regproc"
        | "regprocedure"
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
        | "tid" => Some(Storage::Plain),
        _ => None,
    };
    if builtin.is_some() {
        return builtin;
    }
    if base.starts_with("interval") {
        return Some(Storage::Plain);
    }
    let q: QualName = base.parse().ok()?;
    match &db.types.get(&q)?.kind {
        TypeKind::Enum { .. } => Some(Storage::Plain),
        TypeKind::Domain { base, .. } => default_storage(base, db),
        _ => Some(Storage::Extended),
    }
}

/// A column's NOT NULL constraint as PostgreSQL 18 stores it in `pg_constraint` (contype `n`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NotNullConstraint {
    pub name: String,
    /// `NO INHERIT`.
    pub no_inherit: bool,
    /// Added `NOT VALID` and not validated yet (the column still admits old NULLs).
    pub not_valid: bool,
}

impl NotNullConstraint {
    /// The name PostgreSQL gives a NOT NULL constraint of `table.column` that names none:
    /// `<table>_<column>_not_null`, truncated to fit 63 bytes as `makeObjectName` does (the longer of the
    /// two names is cut first). PostgreSQL adds a number when that name is taken; plumb does not model that.
    pub fn default_name(table: &str, column: &str) -> String {
        const MAX: usize = 63;
        let label = "not_null";
        let (mut t, mut c) = (table.len(), column.len());
        let overhead = label.len() + 2;
        while t + c + overhead > MAX {
            if t > c {
                t -= 1;
            } else {
                c -= 1;
            }
        }
        let cut = |s: &str, mut n: usize| {
            while !s.is_char_boundary(n) {
                n -= 1;
            }
            s[..n].to_string()
        };
        format!("{}_{}_{label}", cut(table, t), cut(column, c))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// `ALWAYS` or `BY DEFAULT`.
    pub always: bool,
    /// Name of the implicit sequence.
    pub sequence: Option<QualName>,
    pub options: SequenceOptions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConstraintKind {
    PrimaryKey,
    Unique,
    ForeignKey,
    Check,
    Exclude,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Constraint {
    pub name: String,
    pub kind: ConstraintKind,
    /// As `pg_get_constraintdef` writes it: `FOREIGN KEY (a) REFERENCES public.t(id) ON DELETE CASCADE`.
    pub definition: String,
    /// Key columns, in order (empty for a CHECK on an expression).
    #[serde(default)]
    pub columns: Vec<String>,
    /// For a foreign key: the referenced table.
    #[serde(default)]
    pub references: Option<QualName>,
    #[serde(default)]
    pub deferrable: bool,
    #[serde(default)]
    pub initially_deferred: bool,
    /// False for `NOT VALID`.
    #[serde(default = "yes")]
    pub validated: bool,
    /// False when inherited from a parent table only.
    #[serde(default = "yes")]
    pub is_local: bool,
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub name: String,
    /// As `pg_get_indexdef` writes it: `CREATE UNIQUE INDEX t_a_idx ON public.t USING btree (a) WHERE ...`.
    pub definition: String,
    #[serde(default)]
    pub unique: bool,
    /// The constraint this index implements (PRIMARY KEY / UNIQUE / EXCLUDE): created and dropped with it.
    #[serde(default)]
    pub constraint: Option<String>,
    /// Key columns that are plain columns (expressions are not listed).
    #[serde(default)]
    pub columns: Vec<String>,
    /// For an index on a partition: the index on the parent it is attached to.
    #[serde(default)]
    pub parent_index: Option<QualName>,
    #[serde(default)]
    pub comment: Option<String>,
    /// The table is clustered on this index (`CLUSTER ON`, `indisclustered`): at most one per table.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub clustered: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    pub name: String,
    /// As `pg_get_triggerdef` writes it.
    pub definition: String,
    pub function: FunctionId,
    #[serde(default)]
    pub constraint: bool,
    /// When the trigger fires (`pg_trigger.tgenabled`).
    #[serde(default)]
    pub enabled: TriggerEnabled,
    #[serde(default)]
    pub comment: Option<String>,
}

/// When a trigger fires: `pg_trigger.tgenabled`, serialised as its catalog letter.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub enum TriggerEnabled {
    /// `O`: fires in "origin" and "local" sessions (`ENABLE TRIGGER`, the default).
    #[default]
    #[serde(rename = "O")]
    Origin,
    /// `D`: never fires (`DISABLE TRIGGER`).
    #[serde(rename = "D")]
    Disabled,
    /// `R`: fires only in "replica" sessions (`ENABLE REPLICA TRIGGER`).
    #[serde(rename = "R")]
    Replica,
    /// `A`: always fires (`ENABLE ALWAYS TRIGGER`).
    #[serde(rename = "A")]
    Always,
}

impl TriggerEnabled {
    /// From `pg_trigger.tgenabled`.
    pub fn from_catalog(c: &str) -> Option<Self> {
        Some(match c {
            "O" => Self::Origin,
            "D" => Self::Disabled,
            "R" => Self::Replica,
            "A" => Self::Always,
            _ => return None,
        })
    }

    /// The catalog letter.
    pub fn as_catalog(self) -> &'static str {
        match self {
            Self::Origin => "O",
            Self::Disabled => "D",
            Self::Replica => "R",
            Self::Always => "A",
        }
    }

    /// The `ALTER TABLE` sub-command that sets this state (`ENABLE TRIGGER`, `DISABLE TRIGGER`, ...).
    pub fn alter_table_words(self) -> &'static str {
        match self {
            Self::Origin => "ENABLE TRIGGER",
            Self::Disabled => "DISABLE TRIGGER",
            Self::Replica => "ENABLE REPLICA TRIGGER",
            Self::Always => "ENABLE ALWAYS TRIGGER",
        }
    }
}

/// An event trigger: a database-wide trigger on DDL events (`CREATE EVENT TRIGGER`, `pg_event_trigger`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventTrigger {
    pub name: String,
    /// `ddl_command_start`, `ddl_command_end`, `sql_drop`, `table_rewrite`, `login` (PostgreSQL 17).
    pub event: String,
    /// `WHEN TAG IN (...)`: the command tags, upper case, in the order given; empty: every command.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The function it executes (no arguments, `RETURNS event_trigger`).
    pub function: FunctionId,
    #[serde(default)]
    pub enabled: TriggerEnabled,
    /// Owner (a superuser) and comment; event triggers have no privileges, so `grants` stays `None`.
    #[serde(flatten)]
    pub common: Common,
}

/// The command a row-level security policy applies to (`pg_policy.polcmd`), serialised as its SQL word.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum PolicyCommand {
    #[default]
    All,
    Select,
    Insert,
    Update,
    Delete,
}

impl PolicyCommand {
    /// From `pg_policy.polcmd` (`*`, `r`, `a`, `w`, `d`).
    pub fn from_catalog(c: &str) -> Option<Self> {
        Some(match c {
            "*" => Self::All,
            "r" => Self::Select,
            "a" => Self::Insert,
            "w" => Self::Update,
            "d" => Self::Delete,
            _ => return None,
        })
    }

    /// From the SQL word of `CREATE POLICY ... FOR cmd`, in any case.
    pub fn from_sql(word: &str) -> Option<Self> {
        Some(match word.to_ascii_uppercase().as_str() {
            "ALL" => Self::All,
            "SELECT" => Self::Select,
            "INSERT" => Self::Insert,
            "UPDATE" => Self::Update,
            "DELETE" => Self::Delete,
            _ => return None,
        })
    }

    /// The SQL word.
    pub fn as_sql(self) -> &'static str {
        match self {
            Self::All => "ALL",
            Self::Select => "SELECT",
            Self::Insert => "INSERT",
            Self::Update => "UPDATE",
            Self::Delete => "DELETE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub name: String,
    pub command: PolicyCommand,
    pub permissive: bool,
    /// Role names, or `PUBLIC`; sorted.
    pub roles: Vec<String>,
    pub using: Option<String>,
    pub with_check: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViewKind {
    View,
    Materialized,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    pub name: QualName,
    pub kind: ViewKind,
    /// The query as `pg_get_viewdef` writes it.
    pub definition: String,
    /// Output columns: name and type, in order.
    #[serde(default)]
    pub columns: Vec<ViewColumn>,
    /// `security_barrier=true`, `check_option=local`, ...; sorted.
    #[serde(default)]
    pub options: Vec<String>,
    /// Indexes (materialized views only).
    #[serde(default)]
    pub indexes: BTreeMap<String, Index>,
    /// Triggers (INSTEAD OF triggers on views).
    #[serde(default)]
    pub triggers: BTreeMap<String, Trigger>,
    #[serde(flatten)]
    pub common: Common,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewColumn {
    pub name: String,
    pub type_name: String,
    #[serde(default)]
    pub comment: Option<String>,
}

/// Identity of a function: schema, name and input argument types, as
/// `pg_get_function_identity_arguments` writes them (`integer, text[]`, names included when declared).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FunctionId {
    pub schema: String,
    pub name: String,
    pub args: String,
}

impl FunctionId {
    pub fn new(
        schema: impl Into<String>,
        name: impl Into<String>,
        args: impl Into<String>,
    ) -> Self {
        Self {
            schema: schema.into(),
            name: name.into(),
            args: args.into(),
        }
    }
    pub fn qual_name(&self) -> QualName {
        QualName::new(&self.schema, &self.name)
    }
}

/// Displays as SQL usable after `DROP FUNCTION`: `public.f(i integer, t text[])`.
impl fmt::Display for FunctionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}({})",
            quote_ident(&self.schema),
            quote_ident(&self.name),
            self.args
        )
    }
}

impl FromStr for FunctionId {
    type Err = BadQualName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadQualName(s.to_string());
        let body = s.strip_suffix(')').ok_or_else(bad)?;
        // The name part never contains an unquoted '(' so the first one outside quotes opens the arguments.
        let mut in_quotes = false;
        let open = body
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    in_quotes = !in_quotes;
                }
                c == '(' && !in_quotes
            })
            .map(|(i, _)| i)
            .ok_or_else(bad)?;
        let name: QualName = body[..open].parse()?;
        Ok(FunctionId {
            schema: name.schema,
            name: name.name,
            args: body[open + 1..].to_string(),
        })
    }
}

impl Serialize for FunctionId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FunctionId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FunctionKind {
    Function,
    Procedure,
    Aggregate,
    Window,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Function {
    pub id: FunctionId,
    pub kind: FunctionKind,
    /// The complete `CREATE OR REPLACE FUNCTION ...` statement as `pg_get_functiondef` writes it
    /// (aggregates: a `CREATE AGGREGATE` statement).
    pub definition: String,
    /// Result type as `pg_get_function_result` writes it; `None` for a procedure.
    pub returns: Option<String>,
    pub language: String,
    /// `i`mmutable, `s`table or `v`olatile.
    pub volatility: String,
    pub strict: bool,
    pub security_definer: bool,
    /// `SET` clauses, `name=value`.
    #[serde(default)]
    pub config: Vec<String>,
    /// `LEAKPROOF`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub leakproof: bool,
    /// `PARALLEL SAFE` / `RESTRICTED` / `UNSAFE` (the default).
    #[serde(default, skip_serializing_if = "Parallel::is_unsafe")]
    pub parallel: Parallel,
    /// `COST`, when it is not the language's default (1 for C and internal functions, 100 for others): see
    /// [`function_cost`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<String>,
    /// `ROWS` of a set-returning function, when it is not the default 1000: see [`function_rows`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<String>,
    /// Function body (`prosrc`).
    pub body: String,
    #[serde(flatten)]
    pub common: Common,
}

/// A function's `PARALLEL` marking (`proparallel`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Parallel {
    #[default]
    Unsafe,
    Restricted,
    Safe,
}

impl Parallel {
    /// From `proparallel`'s letter.
    pub fn from_catalog(letter: &str) -> Option<Parallel> {
        match letter {
            "u" => Some(Parallel::Unsafe),
            "r" => Some(Parallel::Restricted),
            "s" => Some(Parallel::Safe),
            _ => None,
        }
    }

    /// From the word of `PARALLEL word` (any case).
    pub fn from_word(word: &str) -> Option<Parallel> {
        match word.to_ascii_lowercase().as_str() {
            "unsafe" => Some(Parallel::Unsafe),
            "restricted" => Some(Parallel::Restricted),
            "safe" => Some(Parallel::Safe),
            _ => None,
        }
    }

    pub fn keyword(self) -> &'static str {
        match self {
            Parallel::Unsafe => "UNSAFE",
            Parallel::Restricted => "RESTRICTED",
            Parallel::Safe => "SAFE",
        }
    }

    pub fn is_unsafe(&self) -> bool {
        *self == Parallel::Unsafe
    }
}

/// The `COST` a function of `language` gets when none is given: 1 for C and internal functions, 100 for
/// others.
pub fn default_function_cost(language: &str) -> &'static str {
    if language.eq_ignore_ascii_case("c") || language.eq_ignore_ascii_case("internal") {
        "1"
    } else {
        "100"
    }
}

/// A `COST` or `ROWS` estimate as one text whatever its spelling (`500`, `500.0`, `5e2` all give `500`), so
/// the server's `float4` and a declared number compare; `None` when it is not a number.
fn estimate_text(text: &str) -> Option<String> {
    let v: f64 = text.trim().parse().ok()?;
    v.is_finite().then(|| format!("{}", v as f32))
}

/// [`Function::cost`] for a `COST` written `text` (as declared, or `procost` as text): `None` when it is the
/// language's default, as `pg_get_functiondef` leaves it out then.
pub fn function_cost(text: &str, language: &str) -> Option<String> {
    estimate_text(text).filter(|c| c != default_function_cost(language))
}

/// [`Function::rows`] for a `ROWS` written `text`: `None` for the default 1000 of a set-returning function and
/// the 0 of any other.
pub fn function_rows(text: &str) -> Option<String> {
    estimate_text(text).filter(|r| r != "1000" && r != "0")
}

/// Anything a dependency edge can point at.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum ObjectRef {
    Schema(String),
    Extension(String),
    Collation(QualName),
    Type(QualName),
    Sequence(QualName),
    /// A table, view or materialized view.
    Relation(QualName),
    Column(ColumnRef),
    Function(FunctionId),
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObjectRef::Schema(s) => write!(f, "schema {}", quote_ident(s)),
            ObjectRef::Extension(s) => write!(f, "extension {}", quote_ident(s)),
            ObjectRef::Collation(n) => write!(f, "collation {n}"),
            ObjectRef::Type(n) => write!(f, "type {n}"),
            ObjectRef::Sequence(n) => write!(f, "sequence {n}"),
            ObjectRef::Relation(n) => write!(f, "relation {n}"),
            ObjectRef::Column(c) => write!(f, "column {}.{}", c.table, quote_ident(&c.column)),
            ObjectRef::Function(id) => write!(f, "function {id}"),
        }
    }
}

/// `from` depends on `to`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Dependency {
    pub from: ObjectRef,
    pub to: ObjectRef,
}

/// An object of a kind plumb does not model yet (an event trigger, a foreign table, a rule, ...).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Unsupported {
    /// What kind of object: `event trigger`, `foreign table`, `rule`, `operator`, ...
    pub kind: String,
    /// Its name as SQL would write it.
    pub name: String,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} is not modelled by plumb yet and is not compared",
            self.kind, self.name
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_ids_round_trip_through_text() {
        for id in [
            FunctionId::new("public", "f", ""),
            FunctionId::new("public", "changed", "i integer, t text[]"),
            FunctionId::new("We(ird", "na\"me", "x numeric(10,2)"),
        ] {
            let text = id.to_string();
            assert_eq!(text.parse::<FunctionId>().unwrap(), id, "{text}");
        }
        assert!("public.f".parse::<FunctionId>().is_err());
    }

    #[test]
    fn database_json_round_trips_with_string_keys() {
        let mut db = Database::default();
        let name = QualName::new("public", "Users");
        db.tables.insert(
            name.clone(),
            Table {
                name: name.clone(),
                columns: vec![Column {
                    name: "id".into(),
                    type_name: "integer".into(),
                    not_null: true,
                    is_local: true,
                    ..Column::default()
                }],
                ..Table::default()
            },
        );
        let f = FunctionId::new("public", "f", "a integer");
        db.dependencies.insert(Dependency {
            from: ObjectRef::Relation(name.clone()),
            to: ObjectRef::Function(f),
        });
        let json = serde_json::to_string(&db).unwrap();
        assert!(json.contains(r#""public.\"Users\"""#), "{json}");
        let back: Database = serde_json::from_str(&json).unwrap();
        assert_eq!(back, db);
    }

    #[test]
    fn sequence_defaults_match_postgres() {
        let up = SequenceOptions::defaults("integer", 1);
        assert_eq!((up.start, up.min_value, up.max_value), (1, 1, 2147483647));
        let down = SequenceOptions::defaults("bigint", -1);
        assert_eq!(
            (down.start, down.min_value, down.max_value),
            (-1, i64::MIN, -1)
        );
    }
}
