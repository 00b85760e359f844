//! Building the stand-in in a database, and reading back what it holds.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use tokio_postgres::types::{ToSql, Type};

use crate::generate::{FUNCTIONAL_TAGS, MAX_WELLS, TagLayout, generator_steps};
use crate::{Error, Spec};

/// The nine tables replication reads, in creation order.
pub const TABLES: [&str; 9] = [
    "wells_bcgs_numbers",
    "wells_owners",
    "wells_wells",
    "wells_screens",
    "wells_production_data",
    "wells_casings",
    "wells_perforations",
    "gw_aquifer_wells",
    "wells_lithology_descriptions",
];

/// What the stand-in holds: row counts, the status distribution, the dirt, and what a correct
/// replication must produce from it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// The schema.
    pub(crate) schema: String,
    /// Wells asked for.
    pub wells: u32,
    /// The seed.
    pub(crate) seed: i64,
    /// Whether this call generated it (false: the same spec was already in place).
    pub created: bool,
    /// Rows per legacy table.
    pub rows: BTreeMap<String, i64>,
    /// Wells per `acceptance_status_code` (`NULL` for NULL).
    pub(crate) statuses: BTreeMap<String, i64>,
    /// Wells whose tag is in the subset range 100001..113567, any status.
    pub subset_wells: i64,
    /// How many of the tags GWELLS's functional tests expect exist as ACCEPTED wells.
    pub functional_tags: i64,
    /// Rows a correct full replication writes, per target table.
    pub expected_full: BTreeMap<String, i64>,
    /// Rows a correct subset replication writes, per target table.
    pub expected_subset: BTreeMap<String, i64>,
    /// Occurrences of each kind of dirt (see `dirt.sql`).
    pub dirt: BTreeMap<String, i64>,
    /// Time spent generating and indexing (zero when `created` is false).
    #[serde(skip)]
    pub elapsed: Duration,
}

impl Summary {
    /// Rows in all nine tables.
    pub fn total_rows(&self) -> i64 {
        self.rows.values().sum()
    }
}

/// The start of every marker, whatever the generator's version.
pub(crate) const MARKER: &str = "gwells-db legacy stand-in";

/// The generator's version in the marker: another version gives other content for the same
/// spec. The first generator wrote none.
const GENERATOR: &str = "v2";

/// The schema comment that records which generator and spec made it.
fn marker(spec: &Spec) -> String {
    format!("{MARKER} {GENERATOR}: {}", spec_part(spec))
}

fn spec_part(spec: &Spec) -> String {
    format!("wells={} seed={}", spec.wells, spec.seed)
}

/// Creates the stand-in schema `spec.schema` in `target`'s database and fills it, in one
/// transaction under the tool's advisory lock. When the schema already holds the stand-in of
/// the same spec by this generator, nothing is done; the same spec by another version of the
/// generator is generated again; anything else in its place is an error unless `spec.replace`
/// is set. The tables are UNLOGGED (a throwaway copy needs no WAL): a server crash empties
/// them, and the next call finds its own marker over too few wells and generates them again.
pub async fn create(target: &pg::Target, spec: &Spec) -> Result<Summary, Error> {
    if spec.wells > MAX_WELLS {
        return Err(Error::TooMany { wells: spec.wells, max: MAX_WELLS });
    }
    let schema = pg::quote::ident(&spec.schema)
        .map_err(|_| Error::BadSchema { schema: spec.schema.clone() })?;
    let s = spec.schema.as_str();
    let (lock, mut conn) = locked(target, s).await?;
    let existing: Option<Option<String>> = conn
        .query_opt(
            "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = $1",
            &[&spec.schema],
        )
        .await
        .map_err(Error::db(s, "reading the catalog"))?
        .map(|r| r.get(0));
    if let Some(comment) = &existing {
        let text = comment.as_deref().unwrap_or_default();
        let ours = text.starts_with(MARKER) && text.ends_with(&format!(": {}", spec_part(spec)));
        let current = text == marker(spec);
        if current && !spec.replace && intact(&conn, &schema, spec.wells).await {
            drop(lock);
            return summarize(&conn, spec, false, Duration::ZERO).await;
        }
        if !ours && !spec.replace {
            let found = comment.clone().unwrap_or_else(|| "no generator marker".to_string());
            return Err(Error::Exists { schema: spec.schema.clone(), found });
        }
    }
    let started = Instant::now();
    let tx = conn.transaction().await.map_err(Error::db(s, "beginning the transaction"))?;
    let step = |name| Error::db(s, name);
    if existing.is_some() {
        tx.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
            .await
            .map_err(step("dropping the old schema"))?;
    }
    tx.batch_execute(&format!("CREATE SCHEMA {schema}; SET LOCAL search_path TO {schema}"))
        .await
        .map_err(step("creating the schema"))?;
    generate(&tx, spec).await?;
    let comment = pg::quote::literal(&marker(spec))
        .map_err(|_| Error::BadSchema { schema: s.to_string() })?;
    tx.batch_execute(&format!("COMMENT ON SCHEMA {schema} IS {comment}"))
        .await
        .map_err(step("marking the schema"))?;
    tx.commit().await.map_err(step("committing"))?;
    let elapsed = started.elapsed();
    lock.release().await.map_err(Error::pg(s, "unlocking"))?;
    summarize(&conn, spec, true, elapsed).await
}

/// Runs the generator's steps and builds the keys, in `tx`, with search_path on the new schema.
async fn generate(tx: &tokio_postgres::Transaction<'_>, spec: &Spec) -> Result<(), Error> {
    let step = |name| Error::db(&spec.schema, name);
    let (prelude, steps) = generator_steps();
    tx.batch_execute(&prelude).await.map_err(step("preparing the generator"))?;
    let layout = TagLayout::new(spec.wells);
    let wells = i64::from(spec.wells);
    let bcgs = (wells / 25).max(1);
    let (moved, tags): (Vec<i64>, Vec<i64>) = layout.moves().into_iter().unzip();
    let params: [&(dyn ToSql + Sync); 13] = [
        &spec.seed,
        &wells,
        &bcgs,
        &layout.a,
        &layout.b,
        &layout.c,
        &layout.span_a,
        &layout.span_b,
        &layout.span_c,
        &layout.start_b,
        &layout.start_c,
        &moved,
        &tags,
    ];
    // Every step declares all thirteen, used or not.
    let mut types = [Type::INT8; 13];
    types[11] = Type::INT8_ARRAY;
    types[12] = Type::INT8_ARRAY;
    for generator_step in steps {
        let statement = tx
            .prepare_typed(&generator_step.sql, &types)
            .await
            .map_err(step(generator_step.name))?;
        tx.execute(&statement, &params).await.map_err(step(generator_step.name))?;
    }
    tx.batch_execute(include_str!("indexes.sql")).await.map_err(step("building the keys"))?;
    Ok(())
}

/// Whether the stand-in in `schema` still holds its `wells` wells (a crash empties UNLOGGED
/// tables but keeps the schema and its marker). Any error reads as "no": it is regenerated.
async fn intact(conn: &pg::Conn, schema: &str, wells: u32) -> bool {
    let sql = format!("SELECT count(*) FROM {schema}.wells_wells");
    match conn.query_one(&sql, &[]).await {
        Ok(row) => row.get::<_, i64>(0) == i64::from(wells),
        Err(_) => false,
    }
}

async fn summarize(
    conn: &pg::Conn,
    spec: &Spec,
    created: bool,
    elapsed: Duration,
) -> Result<Summary, Error> {
    let s = spec.schema.as_str();
    let schema = pg::quote::ident(s).map_err(|_| Error::BadSchema { schema: s.to_string() })?;
    // A session setting on our own connection; every query below names tables unqualified.
    conn.batch_execute(&format!("SET search_path TO {schema}"))
        .await
        .map_err(Error::db(s, "summary"))?;
    let mut rows = BTreeMap::new();
    for table in TABLES {
        let n: i64 = conn
            .query_one(
                &format!("SELECT count(*) FROM {}", pg::quote::ident(table).unwrap_or_default()),
                &[],
            )
            .await
            .map_err(Error::db(s, "counting rows"))?
            .get(0);
        rows.insert(table.to_string(), n);
    }
    let mut statuses = BTreeMap::new();
    for r in conn
        .query(
            "SELECT coalesce(acceptance_status_code, 'NULL'), count(*) FROM wells_wells GROUP BY 1",
            &[],
        )
        .await
        .map_err(Error::db(s, "counting statuses"))?
    {
        statuses.insert(r.get(0), r.get(1));
    }
    let subset_wells: i64 = conn
        .query_one(
            "SELECT count(*) FROM wells_wells WHERE well_tag_number BETWEEN $1 AND $2",
            &[&crate::generate::SUBSET.0, &crate::generate::SUBSET.1],
        )
        .await
        .map_err(Error::db(s, "counting the subset"))?
        .get(0);
    let functional_tags: i64 = conn
        .query_one(
            "SELECT count(*) FROM wells_wells
              WHERE well_tag_number = ANY($1::bigint[]) AND acceptance_status_code = 'ACCEPTED'",
            &[&FUNCTIONAL_TAGS.to_vec()],
        )
        .await
        .map_err(Error::db(s, "counting the functional-test tags"))?
        .get(0);
    let (mut expected_full, mut expected_subset) = (BTreeMap::new(), BTreeMap::new());
    for r in conn
        .query(include_str!("expected.sql"), &[])
        .await
        .map_err(Error::db(s, "expected counts"))?
    {
        expected_full.insert(r.get(0), r.get(1));
        expected_subset.insert(r.get(0), r.get(2));
    }
    let mut dirt = BTreeMap::new();
    for r in
        conn.query(include_str!("dirt.sql"), &[]).await.map_err(Error::db(s, "counting dirt"))?
    {
        dirt.insert(r.get(0), r.get(1));
    }
    conn.batch_execute("RESET search_path").await.map_err(Error::db(s, "summary"))?;
    Ok(Summary {
        schema: spec.schema.clone(),
        wells: spec.wells,
        seed: spec.seed,
        created,
        rows,
        statuses,
        subset_wells,
        functional_tags,
        expected_full,
        expected_subset,
        dirt,
        elapsed,
    })
}

/// A hash of everything the nine tables hold: per table, the md5 of every row's text form,
/// sorted (so physical order does not matter), then one md5 over the tables.
pub async fn content_hash(target: &pg::Target, schema: &str) -> Result<String, Error> {
    let conn =
        pg::connect(target, "gwells-db legacy").await.map_err(Error::pg(schema, "connecting"))?;
    let exists: bool = conn
        .query_one("SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = $1)", &[&schema])
        .await
        .map_err(Error::db(schema, "reading the catalog"))?
        .get(0);
    if !exists {
        return Err(Error::Missing { schema: schema.to_string() });
    }
    let mut parts = Vec::new();
    for table in TABLES {
        let name = pg::quote::qualified(schema, table)
            .map_err(|_| Error::BadSchema { schema: schema.to_string() })?;
        parts.push(format!(
            "SELECT {table_lit} AS n, (SELECT md5(coalesce(string_agg(h, '' ORDER BY h), ''))
                FROM (SELECT md5(t::text) AS h FROM {name} t) q) AS h",
            table_lit = pg::quote::literal(table).unwrap_or_default()
        ));
    }
    let sql = format!(
        "SELECT md5(string_agg(n || ':' || h, ',' ORDER BY n)) FROM ({}) z",
        parts.join(" UNION ALL ")
    );
    let hash: String =
        conn.query_one(&sql, &[]).await.map_err(Error::db(schema, "hashing"))?.get(0);
    Ok(hash)
}

/// The tool's advisory lock on `target` and a connection of its own, as the generator and
/// `mutate` both work: under the lock, named `gwells-db legacy` in `pg_stat_activity`.
pub(crate) async fn locked(
    target: &pg::Target,
    schema: &str,
) -> Result<(pg::Lock, pg::Conn), Error> {
    let options = pg::LockOptions {
        application_name: "gwells-db legacy".to_string(),
        ..pg::LockOptions::default()
    };
    let lock = pg::Lock::acquire(target, &options).await.map_err(Error::pg(schema, "locking"))?;
    let conn =
        pg::connect(target, "gwells-db legacy").await.map_err(Error::pg(schema, "connecting"))?;
    Ok((lock, conn))
}
