//! `CREATE SCHEMA` and `CREATE EXTENSION`.

use super::*;

impl Interp {
    pub(super) fn create_schema(&mut self, s: &protobuf::CreateSchemaStmt) -> R<()> {
        let name = if s.schemaname.is_empty() {
            match s.authrole.as_ref() {
                Some(r) => role_spec(r),
                None => return fail("schema name missing", Loc::Statement),
            }
        } else {
            truncate_ident(&s.schemaname)
        };
        if self.db.schemas.contains_key(&name) {
            if s.if_not_exists {
                return Ok(());
            }
            return fail(format!("schema \"{name}\" already exists"), Loc::Statement);
        }
        let owner = s.authrole.as_ref().map(role_spec);
        let grants = self.default_acl(AclKind::Schema, None, owner.as_deref());
        self.db.schemas.insert(
            name.clone(),
            Namespace {
                name: name.clone(),
                common: Common {
                    owner,
                    grants,
                    ..Common::default()
                },
            },
        );
        if !s.schema_elts.is_empty() {
            let saved = std::mem::replace(&mut self.search_path, vec![name]);
            let mut result = Ok(());
            for e in &s.schema_elts {
                if let Some(n) = &e.node {
                    result = self.statement(n);
                    if result.is_err() {
                        break;
                    }
                }
            }
            self.search_path = saved;
            result?;
        }
        Ok(())
    }

    pub(super) fn create_extension(&mut self, s: &protobuf::CreateExtensionStmt) -> R<()> {
        // installed in every database (in pg_catalog, which the model leaves out); pg_dump of old servers and
        // Rails' structure.sql write `CREATE EXTENSION IF NOT EXISTS plpgsql WITH SCHEMA pg_catalog`
        if self.db.extensions.contains_key(&s.extname) || s.extname == "plpgsql" {
            if s.if_not_exists {
                return Ok(());
            }
            return fail(
                format!("extension \"{}\" already exists", s.extname),
                Loc::Statement,
            );
        }
        let mut schema = None;
        let mut version = None;
        for d in def_elems(&s.options) {
            match d.defname.as_str() {
                "schema" => schema = d.arg.as_deref().and_then(str_of),
                "new_version" => version = d.arg.as_deref().and_then(str_of),
                _ => {}
            }
        }
        let schema = match schema {
            Some(s) => {
                if !self.db.schemas.contains_key(&s) {
                    return fail(format!("schema \"{s}\" does not exist"), Loc::Statement);
                }
                s
            }
            None => self.creation_schema().map_err(Fail::statement)?,
        };
        let comment = extension_comment(&s.extname).map(str::to_string);
        self.db.extensions.insert(
            s.extname.clone(),
            Extension {
                name: s.extname.clone(),
                schema,
                version,
                comment,
            },
        );
        Ok(())
    }
}

pub(super) fn extension_comment(name: &str) -> Option<&'static str> {
    Some(match name {
        "btree_gin" => "support for indexing common datatypes in GIN",
        "btree_gist" => "support for indexing common datatypes in GiST",
        "citext" => "data type for case-insensitive character strings",
        "cube" => "data type for multidimensional cubes",
        "dblink" => "connect to other PostgreSQL databases from within a database",
        "earthdistance" => "calculate great-circle distances on the surface of the Earth",
        "fuzzystrmatch" => "determine similarities and distance between strings",
        "hstore" => "data type for storing sets of (key, value) pairs",
        "intarray" => "functions, operators, and index support for 1-D arrays of integers",
        "isn" => "data types for international product numbering standards",
        "ltree" => "data type for hierarchical tree-like structures",
        "pg_stat_statements" => {
            "track planning and execution statistics of all SQL statements executed"
        }
        "pg_trgm" => "text similarity measurement and index searching based on trigrams",
        "pgcrypto" => "cryptographic functions",
        "postgres_fdw" => "foreign-data wrapper for remote PostgreSQL servers",
        "tablefunc" => "functions that manipulate whole tables, including crosstab",
        "unaccent" => "text search dictionary that removes accents",
        "uuid-ossp" => "generate universally unique identifiers (UUIDs)",
        "plpgsql" => "PL/pgSQL procedural language",
        "postgis" => "PostGIS geometry and geography spatial types and functions",
        "postgis_raster" => "PostGIS raster types and functions",
        "postgis_topology" => "PostGIS topology spatial types and functions",
        "postgis_sfcgal" => "PostGIS SFCGAL functions",
        "postgis_tiger_geocoder" => "PostGIS tiger geocoder and reverse geocoder",
        _ => return None,
    })
}
