//! Dropping every application object: inventory from the catalog, a pure plan, one transaction.
//!
//! Application schemas are all schemas but the system ones, the tool's [`META_SCHEMA`] and the
//! FDW's foreign schemas (a schema holding foreign tables and no other tables or views, or one
//! named in [`DropOptions::fdw_schemas`]). A non-`public` application schema without extension
//! objects is dropped whole; in `public` and in schemas holding extension objects, each object
//! is dropped on its own so the extensions survive. Every statement is `IF EXISTS ... CASCADE`:
//! an earlier drop may already have taken a dependent object, and the order (views, tables,
//! sequences, routines, types) only keeps the cascades short. After the drops the inventory is
//! read again inside the same transaction; anything left rolls everything back.
//!
//! Left alone on purpose: extensions, roles, event triggers and other database-wide objects,
//! and in `public` the rare kinds migrations do not create (operators, collations, text search
//! configurations).

use pg::Target;
use pg::quote::{ident, qualified};

use crate::Error;
use crate::marker::META_SCHEMA;

/// What to keep or drop beyond the application schemas.
#[derive(Debug, Clone, Default)]
pub struct DropOptions {
    /// Also drop the FDW: its foreign schemas and every foreign server (with user mappings).
    pub drop_fdw: bool,
    /// Schemas that belong to the FDW even if they hold no foreign table yet (`FDW_SCHEMA`).
    pub fdw_schemas: Vec<String>,
}

impl DropOptions {
    /// Whether `schema` is the FDW's (it holds only foreign tables, or is named in
    /// [`DropOptions::fdw_schemas`]) and is kept (no `--drop-fdw`).
    pub(crate) fn keeps_fdw_schema(&self, schema: &Schema) -> bool {
        !self.drop_fdw && (schema.foreign_only || self.fdw_schemas.contains(&schema.name))
    }
}

/// A schema as the plan sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Schema {
    /// Its name.
    pub(crate) name: String,
    /// It holds objects of an extension (or belongs to one): never dropped whole.
    pub(crate) has_extension: bool,
    /// It holds foreign tables and no other tables or views.
    pub(crate) foreign_only: bool,
}

/// An object the plan may drop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Object {
    /// Its schema.
    pub(crate) schema: String,
    /// Its name.
    pub(crate) name: String,
    /// The `DROP` keyword: `TABLE`, `VIEW`, `FUNCTION`, `TYPE`, ...
    pub(crate) kind: String,
    /// For routines, the identity arguments as the server prints them.
    pub(crate) args: String,
}

/// What the catalog holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Inventory {
    /// Non-system schemas.
    pub(crate) schemas: Vec<Schema>,
    /// Objects in them.
    pub(crate) objects: Vec<Object>,
    /// Foreign servers.
    pub(crate) servers: Vec<String>,
}

/// Reads the inventory of the database `client` is connected to.
pub(crate) async fn inventory(
    client: &impl tokio_postgres::GenericClient,
) -> Result<Inventory, tokio_postgres::Error> {
    let schemas = client
        .query(include_str!("schemas.sql"), &[])
        .await?
        .iter()
        .map(|r| Schema { name: r.get(0), has_extension: r.get(1), foreign_only: r.get(2) })
        .collect();
    let objects = client
        .query(include_str!("inventory.sql"), &[])
        .await?
        .iter()
        .map(|r| Object { schema: r.get(0), name: r.get(1), kind: r.get(2), args: r.get(3) })
        .collect();
    let servers = client
        .query(
            "SELECT srvname FROM pg_foreign_server s
              WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = s.oid
                                   AND d.classid = 'pg_foreign_server'::regclass AND d.deptype = 'e')
              ORDER BY 1",
            &[],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    Ok(Inventory { schemas, objects, servers })
}

fn rank(kind: &str) -> u8 {
    match kind {
        "VIEW" | "MATERIALIZED VIEW" => 0,
        "TABLE" | "FOREIGN TABLE" => 1,
        "SEQUENCE" => 2,
        "FUNCTION" | "PROCEDURE" | "AGGREGATE" => 3,
        _ => 4,
    }
}

pub(crate) fn quote(name: &str) -> Result<String, Error> {
    ident(name).map_err(|source| Error::Quote { name: name.into(), source })
}

/// The statements that drop every application object of `inventory`, in order.
pub(crate) fn plan_drop(
    inventory: &Inventory,
    options: &DropOptions,
) -> Result<Vec<String>, Error> {
    let mut whole = Vec::new();
    let mut each = Vec::new();
    for schema in &inventory.schemas {
        if schema.name == META_SCHEMA || options.keeps_fdw_schema(schema) {
            continue;
        }
        if schema.name == "public" || schema.has_extension {
            each.push(schema.name.as_str());
        } else {
            whole.push(format!("DROP SCHEMA IF EXISTS {} CASCADE", quote(&schema.name)?));
        }
    }
    let mut objects: Vec<&crate::drop::Object> =
        inventory.objects.iter().filter(|o| each.contains(&o.schema.as_str())).collect();
    objects.sort_by_key(|o| (rank(&o.kind), &o.schema, &o.name, &o.args));
    let mut out = whole;
    for o in objects {
        let name = qualified(&o.schema, &o.name)
            .map_err(|source| Error::Quote { name: o.name.clone(), source })?;
        // Routine arguments are the server's own rendering of the signature, not input.
        let args = if rank(&o.kind) == 3 { format!("({})", o.args) } else { String::new() };
        out.push(format!("DROP {} IF EXISTS {name}{args} CASCADE", o.kind));
    }
    if options.drop_fdw {
        for server in &inventory.servers {
            out.push(format!("DROP SERVER IF EXISTS {} CASCADE", quote(server)?));
        }
    }
    Ok(out)
}

/// Drops every application object of `target` in one transaction; returns the statements run.
pub(crate) async fn drop_all(target: &Target, options: &DropOptions) -> Result<Vec<String>, Error> {
    let database = target.dbname();
    let pgdb = Error::db(database, "dropping everything");
    let mut conn = pg::connect(target, "gwells-db reset").await?;
    let tx = conn.transaction().await.map_err(&pgdb)?;
    tx.batch_execute("SET LOCAL client_min_messages = warning").await.map_err(&pgdb)?;
    let before = inventory(&tx).await.map_err(&pgdb)?;
    let statements = plan_drop(&before, options)?;
    for statement in &statements {
        tx.batch_execute(statement).await.map_err(&pgdb)?;
    }
    let left = plan_drop(&inventory(&tx).await.map_err(&pgdb)?, options)?;
    if !left.is_empty() {
        tx.rollback().await.map_err(&pgdb)?;
        return Err(Error::LeftBehind { database: database.into(), objects: left.join("; ") });
    }
    tx.commit().await.map_err(&pgdb)?;
    Ok(statements)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(name: &str, has_extension: bool, foreign_only: bool) -> Schema {
        Schema { name: name.into(), has_extension, foreign_only }
    }
    fn object(schema: &str, name: &str, kind: &str, args: &str) -> Object {
        Object { schema: schema.into(), name: name.into(), kind: kind.into(), args: args.into() }
    }

    fn check(inventory: &Inventory, options: &DropOptions, expected: &[&str]) {
        let got = plan_drop(inventory, options).unwrap_or_else(|e| vec![format!("error: {e}")]);
        assert_eq!(got, expected);
    }

    fn sample() -> Inventory {
        Inventory {
            schemas: vec![
                schema("gwells_db_meta", false, false),
                schema("postgis", true, false),
                schema("public", true, false),
                schema("registries", false, false),
                schema("wells", false, true),
            ],
            objects: vec![
                object("gwells_db_meta", "marker", "TABLE", ""),
                object("postgis", "my_view", "VIEW", ""),
                object("public", "well", "TABLE", ""),
                object("public", "db_replicate_step1", "FUNCTION", "_subset_ind boolean"),
                object("public", "well_status", "TYPE", ""),
                object("public", "Odd \"Name\"", "VIEW", ""),
                object("public", "seq", "SEQUENCE", ""),
                object("registries", "person", "TABLE", ""),
                object("wells", "WELLS_WELLS", "FOREIGN TABLE", ""),
            ],
            servers: vec!["wells_fdw".into()],
        }
    }

    #[test]
    fn keeps_meta_extensions_and_fdw() {
        check(
            &sample(),
            &DropOptions::default(),
            &[
                r#"DROP SCHEMA IF EXISTS "registries" CASCADE"#,
                r#"DROP VIEW IF EXISTS "postgis"."my_view" CASCADE"#,
                r#"DROP VIEW IF EXISTS "public"."Odd ""Name""" CASCADE"#,
                r#"DROP TABLE IF EXISTS "public"."well" CASCADE"#,
                r#"DROP SEQUENCE IF EXISTS "public"."seq" CASCADE"#,
                r#"DROP FUNCTION IF EXISTS "public"."db_replicate_step1"(_subset_ind boolean) CASCADE"#,
                r#"DROP TYPE IF EXISTS "public"."well_status" CASCADE"#,
            ],
        );
    }

    #[test]
    fn drop_fdw_takes_the_foreign_schema_and_server() {
        let mut inventory = sample();
        inventory.objects.clear();
        inventory.schemas.push(schema("legacy_empty", false, false));
        let options = DropOptions { drop_fdw: true, fdw_schemas: vec!["legacy_empty".into()] };
        check(
            &inventory,
            &options,
            &[
                r#"DROP SCHEMA IF EXISTS "registries" CASCADE"#,
                r#"DROP SCHEMA IF EXISTS "wells" CASCADE"#,
                r#"DROP SCHEMA IF EXISTS "legacy_empty" CASCADE"#,
                r#"DROP SERVER IF EXISTS "wells_fdw" CASCADE"#,
            ],
        );
        // Named as the FDW's, an empty schema is kept without --drop-fdw.
        let options = DropOptions { drop_fdw: false, fdw_schemas: vec!["legacy_empty".into()] };
        check(&inventory, &options, &[r#"DROP SCHEMA IF EXISTS "registries" CASCADE"#]);
    }

    #[test]
    fn nothing_to_drop() {
        check(&Inventory::default(), &DropOptions::default(), &[]);
    }
}
