//! Rows of schemas, extensions, collations, event triggers and unsupported objects.

use super::*;

impl Reader {
    pub(super) fn event_triggers(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::EventTriggers,
        };
        let name: String = r.get("name")?;
        let letter: String = r.get("enabled")?;
        let enabled = TriggerEnabled::from_catalog(&letter).ok_or_else(|| Error::Catalog {
            kind: "event trigger",
            name: quote_ident(&name),
            reason: format!("unexpected evtenabled {letter:?}"),
        })?;
        let e = EventTrigger {
            name: name.clone(),
            event: r.get("event")?,
            tags: r.get("tags")?,
            function: FunctionId::new(
                r.get::<String>("function_schema")?,
                r.get::<String>("function_name")?,
                "",
            ),
            enabled,
            common: Common {
                owner: Some(r.get("owner")?),
                comment: r.get("description")?,
                ..Common::default()
            },
        };
        self.db.event_triggers.insert(name, e);
        Ok(())
    }

    pub(super) fn unsupported(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::UnsupportedNames,
        };
        self.report(r.get::<String>("kind")?, r.get::<String>("name")?);
        Ok(())
    }

    pub(super) fn report(&mut self, kind: impl Into<String>, name: impl Into<String>) {
        self.db.unsupported.push(Unsupported {
            kind: kind.into(),
            name: name.into(),
        });
    }

    pub(super) fn schemas(&mut self, row: &Row, opts: &Options) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Schemas,
        };
        let name: String = r.get("name")?;
        if !opts.selects(&name) {
            return Ok(());
        }
        self.m.schemas.insert(r.get("oid")?, name.clone());
        let ns = Namespace {
            name: name.clone(),
            common: plumb_model::Common {
                owner: r.get("owner")?,
                // from the comments, read next (`schema_comments`)
                comment: None,
                grants: grants_if(r.get("has_acl")?),
                acl_order: Vec::new(),
            },
        };
        self.db.schemas.insert(name, ns);
        Ok(())
    }

    /// The schemas' comments, once the comments are read.
    pub(super) fn schema_comments(&mut self) {
        let schemas: Vec<(u32, String)> = self
            .m
            .schemas
            .iter()
            .map(|(&o, n)| (o, n.clone()))
            .collect();
        for (oid, name) in schemas {
            let comment = self.comment(self.cat.namespace, oid, 0);
            if let Some(s) = self.db.schemas.get_mut(&name) {
                s.common.comment = comment;
            }
        }
    }

    pub(super) fn extensions(&mut self, row: &Row, opts: &Options) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Extensions,
        };
        let schema = self.schema_of(&r, "schema")?;
        // An extension installed in pg_catalog belongs to no user schema: kept unless schemas are chosen.
        let selected = if schema == "pg_catalog" {
            opts.include_schemas.is_empty()
        } else {
            opts.selects(&schema)
        };
        if !selected {
            return Ok(());
        }
        let name: String = r.get("name")?;
        let oid: u32 = r.get("oid")?;
        self.m.extensions.insert(oid, name.clone());
        let comment = self.comment(self.cat.extension, oid, 0);
        self.db.extensions.insert(
            name.clone(),
            Extension {
                name,
                schema,
                version: r.get("version")?,
                comment,
            },
        );
        Ok(())
    }

    pub(super) fn collations(&mut self, row: &Row) -> Result<(), Error> {
        let r = Rec {
            row,
            kind: Step::Collations,
        };
        let name = QualName::new(self.schema_of(&r, "schema")?, r.get::<String>("name")?);
        let oid: u32 = r.get("oid")?;
        self.m.collations.insert(oid, name.clone());
        let c = Collation {
            name: name.clone(),
            provider: r.get("provider")?,
            locale: r.get("locale")?,
            lc_collate: r.get("lc_collate")?,
            lc_ctype: r.get("lc_ctype")?,
            deterministic: r.get("deterministic")?,
            common: plumb_model::Common {
                owner: r.get("owner")?,
                comment: self.comment(self.cat.collation, oid, 0),
                grants: None,
                acl_order: Vec::new(),
            },
        };
        self.db.collations.insert(name, c);
        Ok(())
    }

    /// An identifier quoted exactly as this server's `quote_ident` quotes it (so texts written here match the
    /// server's own): kept bare when it is lower-case letters, digits and underscores, not starting with a
    /// digit, and not a keyword outside the unreserved category.
    pub(super) fn quote(&self, ident: &str) -> String {
        plumb_model::quote_ident_with(ident, |w| self.m.keywords.contains(w))
    }
}
