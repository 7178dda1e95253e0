//! Compares two schema models and plans dependency-ordered SQL between them.
//!
//! - [`diff`] is pure data to data: the typed list of [`Change`]s that turn `from` into `to`.
//! - [`plan`] also orders the work: every change becomes one or more operations, nodes of a `petgraph`
//!   graph whose edges mean "must run before" (from the dependencies the introspector read and those derived
//!   from the model), sorted topologically with deterministic tie-breaking into [`Step`]s of SQL.
//! - [`dump`] plans from an empty database: the full DDL of a model.
//! - [`render`] turns a plan into SQL, human-readable text, JSON or Markdown.
//!
//! Every identifier written into SQL goes through [`plumb_model::quote_ident`] or `QualName`'s Display.

mod check;
mod compare;
mod differ;
pub mod filter;
mod grants;
mod keys;
mod order;
pub mod policy;
pub mod render;
mod same;
pub mod using;
mod write;

use plumb_model::Database;
use serde::Serialize;

/// What to compare and how to plan.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Do not compare owners.
    pub ignore_owners: bool,
    /// Do not compare grants.
    pub ignore_privileges: bool,
    /// Only objects in these schemas (all when empty).
    pub include_schemas: Vec<String>,
    /// Never objects in these schemas.
    pub exclude_schemas: Vec<String>,
    /// Emit the forms that hold weaker locks: `CREATE INDEX CONCURRENTLY`, `NOT VALID` + `VALIDATE`,
    /// and a `SET lock_timeout` at the start.
    pub online: bool,
    /// `--using`: the conversions of columns whose type changes, given by the user.
    pub using: Vec<using::Using>,
}

/// What is done to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Drop,
    Alter,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Drop => "drop",
            Action::Alter => "alter",
        }
    }
}

/// The kind of object a change or step is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// Session settings at the start of a plan (`SET check_function_bodies`, `SET lock_timeout`).
    Session,
    Schema,
    Extension,
    Collation,
    Type,
    Domain,
    Sequence,
    Table,
    Column,
    Constraint,
    Index,
    Trigger,
    Policy,
    View,
    MaterializedView,
    Function,
    Procedure,
    Aggregate,
    /// `ALTER DEFAULT PRIVILEGES`: what objects get when a role creates them.
    DefaultPrivileges,
    EventTrigger,
}

impl ObjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Session => "session",
            ObjectKind::Schema => "schema",
            ObjectKind::Extension => "extension",
            ObjectKind::Collation => "collation",
            ObjectKind::Type => "type",
            ObjectKind::Domain => "domain",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Table => "table",
            ObjectKind::Column => "column",
            ObjectKind::Constraint => "constraint",
            ObjectKind::Index => "index",
            ObjectKind::Trigger => "trigger",
            ObjectKind::Policy => "policy",
            ObjectKind::View => "view",
            ObjectKind::MaterializedView => "materialized view",
            ObjectKind::Function => "function",
            ObjectKind::Procedure => "procedure",
            ObjectKind::Aggregate => "aggregate",
            ObjectKind::DefaultPrivileges => "default privileges",
            ObjectKind::EventTrigger => "event trigger",
        }
    }
}

/// The attribute of an object that an [`Action::Alter`] change is about. Serialised (JSON, `plumb.toml`'s
/// accepted drift) as the names below.
macro_rules! attributes {
    ($($variant:ident => $name:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Attribute {
            $($variant,)*
        }

        impl Attribute {
            /// Every attribute, for lookups by name.
            pub const ALL: &'static [Attribute] = &[$(Attribute::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Attribute::$variant => $name,)*
                }
            }
        }
    };
}

attributes! {
    Comment => "comment",
    Definition => "definition",
    Identity => "identity",
    PartitionOf => "partition_of",
    Options => "options",
    Enabled => "enabled",
    Default => "default",
    NotNull => "not_null",
    Constraint => "constraint",
    Attribute => "attribute",
    Grants => "grants",
    GrantOrder => "grant_order",
    Generated => "generated",
    Returns => "returns",
    Schema => "schema",
    Version => "version",
    StorageParameters => "storage parameters",
    ClusteredOnIndex => "clustered on index",
    OfType => "of_type",
    Inherits => "inherits",
    Persistence => "persistence",
    RlsEnabled => "rls_enabled",
    RlsForced => "rls_forced",
    Validated => "validated",
    Roles => "roles",
    Using => "using",
    WithCheck => "with_check",
    OwnedBy => "owned_by",
    Labels => "labels",
    Base => "base",
    AttributeType => "attribute type",
    Owner => "owner",
    Type => "type",
    NotNullConstraint => "not_null_constraint",
    NotNullNoInherit => "not_null_no_inherit",
    NotNullValidated => "not_null_validated",
    IdentityOptions => "identity options",
    Partitioning => "partitioning",
    ReplicaIdentity => "replica_identity",
    ParentIndex => "parent_index",
    Language => "language",
    Volatility => "volatility",
    Strict => "strict",
    SecurityDefiner => "security_definer",
    Leakproof => "leakproof",
    Parallel => "parallel",
    Cost => "cost",
    Rows => "rows",
    Config => "config",
    Body => "body",
    Storage => "storage",
    Compression => "compression",
    Statistics => "statistics",
}

impl Attribute {
    /// The attribute of that name (as [`Attribute::as_str`] writes it).
    pub fn from_name(name: &str) -> Option<Attribute> {
        Attribute::ALL.iter().copied().find(|a| a.as_str() == name)
    }

    /// Whether the values are SQL texts shown as a line diff (view definitions, function bodies), not inline.
    pub fn is_text(self) -> bool {
        matches!(self, Attribute::Definition | Attribute::Body)
    }
}

impl Serialize for Attribute {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Attribute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One difference between the two models.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub kind: ObjectKind,
    /// The object as SQL names it: `public.t`, `public.t.col`, `public.t_pkey on public.t`, `public.f(integer)`.
    pub object: String,
    pub action: Action,
    /// For an alter: the attribute that changed (`type`, `default`, `not_null`, `labels`, `definition`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute: Option<Attribute>,
    /// Old value of the attribute, as text (for an alter).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// New value of the attribute, as text (for an alter).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// What can go wrong when a step runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HazardKind {
    /// Data is deleted, or a conversion can fail or lose information.
    DataLoss,
    /// The table is rewritten while an ACCESS EXCLUSIVE lock is held.
    TableRewrite,
    /// A lock that blocks writes (or reads) is held for a time that grows with the table.
    LongLock,
    /// The statement cannot run inside a transaction block.
    NotTransactional,
    /// An index is dropped: queries that used it slow down (see [`policy`]).
    IndexDropped,
    /// Privileges or ownership change: who may use the object changes.
    AuthzUpdate,
    /// An extension is upgraded: its update scripts run.
    ExtensionUpgrade,
}

impl HazardKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HazardKind::DataLoss => "data loss",
            HazardKind::TableRewrite => "table rewrite",
            HazardKind::LongLock => "long lock",
            HazardKind::NotTransactional => "not transactional",
            HazardKind::IndexDropped => "index dropped",
            HazardKind::AuthzUpdate => "authorization change",
            HazardKind::ExtensionUpgrade => "extension upgrade",
        }
    }
}

/// A hazard attached to a step, with a sentence saying why and, where one exists, the safer form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Hazard {
    pub kind: HazardKind,
    pub message: String,
}

/// One unit of the plan: SQL (one or more statements, each terminated by `;`) about one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub sql: String,
    pub object: String,
    pub kind: ObjectKind,
    pub action: Action,
    pub hazards: Vec<Hazard>,
    /// False when the SQL cannot run inside a transaction block (`CREATE INDEX CONCURRENTLY`).
    pub transactional: bool,
}

/// The result of [`plan`]: the changes and the ordered steps that carry them out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub steps: Vec<Step>,
}

impl Plan {
    /// True when the two models are the same (for what was compared).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.steps.is_empty()
    }

    /// Every hazard of every step.
    pub fn hazards(&self) -> impl Iterator<Item = &Hazard> {
        self.steps.iter().flat_map(|s| s.hazards.iter())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An object in the model cannot be written as SQL (for example a function without its definition).
    #[error("cannot plan {object}: {reason}")]
    Unplannable { object: String, reason: String },
    /// The plan would drop an object the target still has and not create it again (a planner bug caught
    /// before any output: see the `check` module).
    #[error("planner error: the plan would drop {object}, which the target still has, without creating it again; please report this")]
    WouldLose { object: String },
}

/// An object whose SQL text (a default, a CHECK, an index, a trigger, a view, a policy) could not be compared
/// offline: the diff treats it as unchanged. `--dev-url` compares it exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Uncertain {
    pub kind: ObjectKind,
    pub object: String,
    /// Why the texts could not be compared.
    pub reason: String,
}

/// The objects [`diff`] and [`plan`] treated as unchanged because their SQL text could not be compared
/// offline (see [`Uncertain`]). Empty when both sides are live databases.
pub fn uncertain(from: &Database, to: &Database, opts: &Options) -> Vec<Uncertain> {
    let (f, t) = (keys::filtered(from, opts), keys::filtered(to, opts));
    let mut u = compare::compare(&f, &t, opts).uncertain;
    // an object can be compared at more than one point
    u.sort_by(|a, b| (&a.object, &a.reason).cmp(&(&b.object, &b.reason)));
    u.dedup();
    u
}

/// The changes that turn `from` into `to`, without ordering or SQL.
pub fn diff(from: &Database, to: &Database, opts: &Options) -> Vec<Change> {
    let (f, t) = (keys::filtered(from, opts), keys::filtered(to, opts));
    compare::compare(&f, &t, opts).changes()
}

/// Diff, order and write the SQL that turns `from` into `to`.
pub fn plan(from: &Database, to: &Database, opts: &Options) -> Result<Plan, Error> {
    let (f, t) = (keys::filtered(from, opts), keys::filtered(to, opts));
    let out = differ::Differ::run(&f, &t, opts);
    if let Some((object, reason)) = out.errors.into_iter().next() {
        return Err(Error::Unplannable { object, reason });
    }
    if let Some(object) = check::lost_object(&f, &t, &out.ops) {
        return Err(Error::WouldLose { object });
    }
    let steps = order::order(&f, &t, out.ops, opts);
    Ok(Plan {
        changes: out.changes,
        steps,
    })
}

/// The full DDL of a model: the plan from a newly created database to it.
pub fn dump(db: &Database, opts: &Options) -> Result<Plan, Error> {
    // From what CREATE DATABASE gives, so that a changed `public` schema (REVOKE ... ON SCHEMA public, another
    // owner) is written too.
    plan(&Database::created(db.server_version), db, opts)
}
