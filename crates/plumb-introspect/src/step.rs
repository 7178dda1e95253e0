//! The steps of a read: each catalog query by the kind of object it reads, and the statements around them, as
//! timings and errors name them.

use std::fmt;

/// A step of a read: a catalog query (named by what it reads) or a statement of the read's transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    /// `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`.
    BeginTransaction,
    /// The settings of the read's transaction, with the server's version.
    SessionSettings,
    /// The server's version, as the settings row gives it.
    ServerVersion,
    /// How many relations there are (how many connections to read with).
    RelationCount,
    /// Which of the kinds that most schemas have none of are there at all ([`crate::queries::PRESENCE`]).
    Presence,
    /// The oids of the system catalogs (`pg_depend` rows name them).
    CatalogOids,
    /// The server's keywords (for quoting as it does).
    Keywords,
    /// The default operator classes.
    OperatorClasses,
    Schemas,
    /// `pg_export_snapshot`, for the other connections to share the first one's snapshot.
    SnapshotExport,
    /// Every schema's name by oid (the other queries give schemas as oids).
    Namespaces,
    /// The comments on user objects.
    Descriptions,
    TypeNames,
    Extensions,
    Collations,
    Types,
    /// What range types are made of, read after the rest when there are range types.
    Ranges,
    DomainConstraints,
    Sequences,
    Relations,
    Inheritance,
    Columns,
    /// The column types and collations the client cannot name, read after the rest when there are any.
    ColumnNames,
    Constraints,
    /// Constraint definitions read from the server (`pg_get_constraintdef`) after the constraints' rows.
    ConstraintDefinitions,
    Indexes,
    /// Index definitions read from the server (`pg_get_indexdef`) after the indexes' rows.
    IndexDefinitions,
    Functions,
    Aggregates,
    Triggers,
    Policies,
    Rules,
    Privileges,
    DefaultPrivileges,
    EventTriggers,
    Dependencies,
    /// Whether there may be objects of kinds the model does not hold (a cheap query).
    UnsupportedObjects,
    /// Objects of kinds the model does not hold, named: read after the rest, when the first query found some.
    UnsupportedNames,
    /// `COMMIT` after the read.
    Commit,
}

impl Step {
    /// The name timings and errors give the step (`reading {name} from the catalog failed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Step::BeginTransaction => "begin transaction",
            Step::SessionSettings => "session settings",
            Step::ServerVersion => "server version",
            Step::RelationCount => "relation count",
            Step::Presence => "kinds present",
            Step::CatalogOids => "catalog oids",
            Step::Keywords => "keywords",
            Step::OperatorClasses => "operator classes",
            Step::Schemas => "schemas",
            Step::SnapshotExport => "snapshot export",
            Step::Namespaces => "schema names",
            Step::Descriptions => "comments",
            Step::TypeNames => "type names",
            Step::Extensions => "extensions",
            Step::Collations => "collations",
            Step::Types => "types",
            Step::Ranges => "range types",
            Step::DomainConstraints => "domain constraints",
            Step::Sequences => "sequences",
            Step::Relations => "relations",
            Step::Inheritance => "inheritance",
            Step::Columns => "columns",
            Step::ColumnNames => "column type and collation names",
            Step::Constraints => "constraints",
            Step::ConstraintDefinitions => "constraint definitions",
            Step::Indexes => "indexes",
            Step::IndexDefinitions => "index definitions",
            Step::Functions => "functions",
            Step::Aggregates => "aggregates",
            Step::Triggers => "triggers",
            Step::Policies => "policies",
            Step::Rules => "rules",
            Step::Privileges => "privileges",
            Step::DefaultPrivileges => "default privileges",
            Step::EventTriggers => "event triggers",
            Step::Dependencies => "dependencies",
            Step::UnsupportedObjects => "unsupported objects",
            Step::UnsupportedNames => "unsupported object names",
            Step::Commit => "commit",
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`, so that width and alignment (`{:<24}`) apply as to a string
        f.pad(self.as_str())
    }
}
