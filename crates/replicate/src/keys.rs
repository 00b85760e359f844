//! The keys and indexes set aside while the reloaded tables are filled.
//!
//! Every foreign key of the GWELLS tables is `DEFERRABLE INITIALLY DEFERRED`: each inserted
//! row queues one trigger event per key, all checked one row at a time at COMMIT (43 s of a
//! 104 s full run), and the ~90 secondary indexes were maintained row by row during the load.
//! Instead, inside the run's transaction, the driver captures the definitions
//! (`pg_get_constraintdef`, `pg_get_indexdef`, comments), drops the objects, loads bare tables,
//! then builds each index once and re-adds each foreign key, which validates it in one pass.
//! A failure or a kill rolls all of it back: the old rows and the old definitions stay.
//!
//! Primary keys go too (a random-UUID key maintained row by row cost 1.2 s of lithology's
//! 4.3 s; built once, 0.2 s), except where another table's foreign key depends on one
//! (`well`'s). CHECK and NOT NULL constraints stay: they are cheap per row (see `keys.sql`). Dropping a foreign key locks the table it references (code tables,
//! `activity_submission`) until the commit, as the seed's TRUNCATE already locked the wells.

use tokio_postgres::GenericClient;

use crate::Error;

/// What kind of object is set aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    /// A secondary index that backs no constraint.
    Index,
    /// A primary key, unique or exclusion constraint (its index comes and goes with it).
    Unique,
    /// A foreign key.
    ForeignKey,
}

/// One object set aside, with what it takes to drop and re-create it exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SetAside {
    pub(crate) kind: Kind,
    pub(crate) schema: String,
    pub(crate) table: String,
    pub(crate) name: String,
    /// `pg_get_indexdef` (a whole `CREATE INDEX`) or `pg_get_constraintdef` (the clause).
    pub(crate) definition: String,
    pub(crate) comment: Option<String>,
}

impl SetAside {
    fn quoted(&self) -> Result<(String, String), Error> {
        let table = pg::quote::qualified(&self.schema, &self.table)
            .map_err(|source| Error::Quote { name: self.table.clone(), source })?;
        let name = pg::quote::ident(&self.name)
            .map_err(|source| Error::Quote { name: self.name.clone(), source })?;
        Ok((table, name))
    }

    /// The statement that drops it.
    pub(crate) fn drop_sql(&self) -> Result<String, Error> {
        let (table, name) = self.quoted()?;
        Ok(match self.kind {
            Kind::Index => format!("DROP INDEX {}", self.qualified_name()?),
            Kind::Unique | Kind::ForeignKey => {
                format!("ALTER TABLE {table} DROP CONSTRAINT {name}")
            }
        })
    }

    /// The statements that re-create it as it was, comment included.
    pub(crate) fn create_sql(&self) -> Result<String, Error> {
        let (table, name) = self.quoted()?;
        let mut sql = match self.kind {
            Kind::Index => self.definition.clone(),
            Kind::Unique | Kind::ForeignKey => {
                format!("ALTER TABLE {table} ADD CONSTRAINT {name} {}", self.definition)
            }
        };
        if let Some(comment) = &self.comment {
            let text = pg::quote::literal(comment)
                .map_err(|source| Error::Quote { name: self.name.clone(), source })?;
            sql.push_str(&match self.kind {
                Kind::Index => format!("; COMMENT ON INDEX {} IS {text}", self.qualified_name()?),
                _ => format!("; COMMENT ON CONSTRAINT {name} ON {table} IS {text}"),
            });
        }
        Ok(sql)
    }

    fn qualified_name(&self) -> Result<String, Error> {
        pg::quote::qualified(&self.schema, &self.name)
            .map_err(|source| Error::Quote { name: self.name.clone(), source })
    }

    /// How the progress line and errors name it: ``index `x` on `t` ``.
    pub(crate) fn describe(&self) -> String {
        let kind = match self.kind {
            Kind::Index => "index",
            Kind::Unique => "constraint",
            Kind::ForeignKey => "foreign key",
        };
        format!("{kind} `{}` on `{}`", self.name, self.table)
    }
}

/// Drop order: foreign keys first (one may depend on a unique constraint), then the rest.
pub(crate) fn drop_order(items: &[SetAside]) -> Vec<&SetAside> {
    let mut out: Vec<&SetAside> = items.iter().collect();
    out.sort_by(|a, b| (b.kind, &a.table, &a.name).cmp(&(a.kind, &b.table, &b.name)));
    out
}

/// Re-creation order: indexes, then unique constraints, then the foreign keys that may need
/// them; by table and name within each kind.
pub(crate) fn create_order(items: &[SetAside]) -> Vec<&SetAside> {
    let mut out: Vec<&SetAside> = items.iter().collect();
    out.sort_by(|a, b| (a.kind, &a.table, &a.name).cmp(&(b.kind, &b.table, &b.name)));
    out
}

/// The objects to set aside on `tables`, read from the catalog.
pub(crate) async fn capture(
    client: &impl GenericClient,
    tables: &[&str],
) -> Result<Vec<SetAside>, Error> {
    let names: Vec<String> = tables.iter().map(|t| t.to_string()).collect();
    let rows = client
        .query(include_str!("keys.sql"), &[&names])
        .await
        .map_err(Error::step("capture keys and indexes"))?;
    Ok(rows
        .iter()
        .map(|r| SetAside {
            kind: match r.get::<_, &str>(0) {
                "f" => Kind::ForeignKey,
                "u" => Kind::Unique,
                _ => Kind::Index,
            },
            schema: r.get(1),
            table: r.get(2),
            name: r.get(3),
            definition: r.get(4),
            comment: r.get(5),
        })
        .collect())
}

/// Drops every object of `items`, in one round trip.
pub(crate) async fn drop_all(client: &impl GenericClient, items: &[SetAside]) -> Result<(), Error> {
    if items.is_empty() {
        return Ok(());
    }
    let sql =
        drop_order(items).iter().map(|i| i.drop_sql()).collect::<Result<Vec<_>, _>>()?.join(";\n");
    client.batch_execute(&sql).await.map_err(Error::step("set aside keys and indexes"))
}

/// Re-creates the objects of `items` of the kinds `kinds`, one statement each so a failure names
/// its object (a foreign key that no longer validates names the key and, in the server's
/// detail, the offending value). Returns how many were re-created.
pub(crate) async fn restore(
    client: &impl GenericClient,
    items: &[SetAside],
    kinds: &[Kind],
) -> Result<usize, Error> {
    let mut n = 0;
    for item in create_order(items).into_iter().filter(|i| kinds.contains(&i.kind)) {
        client
            .batch_execute(&item.create_sql()?)
            .await
            .map_err(|e| Error::restore(item.describe(), &e))?;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: Kind, table: &str, name: &str, definition: &str) -> SetAside {
        SetAside {
            kind,
            schema: "public".into(),
            table: table.into(),
            name: name.into(),
            definition: definition.into(),
            comment: None,
        }
    }

    fn check(item: &SetAside, drop: &str, create: &str) {
        assert_eq!(item.drop_sql().expect("drop"), drop);
        assert_eq!(item.create_sql().expect("create"), create);
    }

    #[test]
    fn statements_quote_names_and_keep_definitions_verbatim() {
        check(
            &item(
                Kind::Index,
                "well",
                "well_latlong",
                "CREATE INDEX well_latlong ON public.well USING btree (latitude, longitude)",
            ),
            r#"DROP INDEX "public"."well_latlong""#,
            "CREATE INDEX well_latlong ON public.well USING btree (latitude, longitude)",
        );
        check(
            &item(
                Kind::ForeignKey,
                "screen",
                "screen_fk",
                "FOREIGN KEY (well_tag_number) REFERENCES well(well_tag_number) DEFERRABLE INITIALLY DEFERRED",
            ),
            r#"ALTER TABLE "public"."screen" DROP CONSTRAINT "screen_fk""#,
            r#"ALTER TABLE "public"."screen" ADD CONSTRAINT "screen_fk" FOREIGN KEY (well_tag_number) REFERENCES well(well_tag_number) DEFERRABLE INITIALLY DEFERRED"#,
        );
        let mut odd =
            item(Kind::Unique, "we\"ll", "plate's", "UNIQUE (identification_plate_number)");
        odd.comment = Some("one plate, one well".into());
        check(
            &odd,
            r#"ALTER TABLE "public"."we""ll" DROP CONSTRAINT "plate's""#,
            r#"ALTER TABLE "public"."we""ll" ADD CONSTRAINT "plate's" UNIQUE (identification_plate_number); COMMENT ON CONSTRAINT "plate's" ON "public"."we""ll" IS 'one plate, one well'"#,
        );
        let mut commented = item(Kind::Index, "well", "i", "CREATE INDEX i ON public.well (x)");
        commented.comment = Some("it's".into());
        check(
            &commented,
            r#"DROP INDEX "public"."i""#,
            r#"CREATE INDEX i ON public.well (x); COMMENT ON INDEX "public"."i" IS 'it''s'"#,
        );
    }

    #[test]
    fn keys_drop_first_and_come_back_last() {
        let items = vec![
            item(Kind::Index, "well", "b", ""),
            item(Kind::ForeignKey, "screen", "fk", ""),
            item(Kind::Unique, "well", "u", ""),
            item(Kind::Index, "casing", "a", ""),
        ];
        let names = |v: Vec<&SetAside>| v.iter().map(|i| i.name.clone()).collect::<Vec<String>>();
        assert_eq!(names(drop_order(&items)), ["fk", "u", "a", "b"]);
        assert_eq!(names(create_order(&items)), ["a", "b", "u", "fk"]);
    }
}
