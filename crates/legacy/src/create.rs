//! Building the stand-in in a database, and reading back what it holds.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::generate::{MAX_WELLS, TagLayout, generator_sql};
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
    pub schema: String,
    /// Wells asked for.
    pub wells: u32,
    /// The seed.
    pub seed: i64,
    /// Whether this call generated it (false: the same spec was already in place).
    pub created: bool,
    /// Rows per legacy table.
    pub rows: BTreeMap<String, i64>,
    /// Wells per `acceptance_status_code` (`NULL` for NULL).
    pub statuses: BTreeMap<String, i64>,
    /// Wells whose tag is in the subset range 100001..113567, any status.
    pub subset_wells: i64,
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

/// The schema comment that records which spec generated it.
fn marker(spec: &Spec) -> String {
    format!("gwells-db legacy stand-in: wells={} seed={}", spec.wells, spec.seed)
}

/// Creates the stand-in schema `spec.schema` in `target`'s database and fills it, in one
/// transaction under the tool's advisory lock. When the schema already holds the stand-in of
/// the same spec, nothing is done; anything else in its place is an error unless
/// `spec.replace` is set.
pub async fn create(target: &pg::Target, spec: &Spec) -> Result<Summary, Error> {
    if spec.wells > MAX_WELLS {
        return Err(Error::TooMany { wells: spec.wells, max: MAX_WELLS });
    }
    let schema = pg::quote::ident(&spec.schema)
        .map_err(|_| Error::BadSchema { schema: spec.schema.clone() })?;
    let s = spec.schema.as_str();
    let options = pg::LockOptions {
        application_name: "gwells-db legacy".to_string(),
        ..pg::LockOptions::default()
    };
    let lock = pg::Lock::acquire(target, &options).await.map_err(Error::pg(s, "locking"))?;
    let mut conn =
        pg::connect(target, "gwells-db legacy").await.map_err(Error::pg(s, "connecting"))?;
    let existing: Option<Option<String>> = conn
        .query_opt(
            "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = $1",
            &[&spec.schema],
        )
        .await
        .map_err(Error::db(s, "reading the catalog"))?
        .map(|r| r.get(0));
    if let Some(comment) = &existing {
        if comment.as_deref() == Some(marker(spec).as_str()) && !spec.replace {
            drop(lock);
            return summarize(&conn, spec, false, Duration::ZERO).await;
        }
        if !spec.replace {
            let found = comment.clone().unwrap_or_else(|| "no generator marker".to_string());
            return Err(Error::Exists { schema: spec.schema.clone(), found });
        }
    }
    let started = Instant::now();
    let layout = TagLayout::new(spec.wells);
    let tx = conn.transaction().await.map_err(Error::db(s, "BEGIN"))?;
    let step = |name| Error::db(s, name);
    if existing.is_some() {
        tx.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
            .await
            .map_err(step("dropping the old schema"))?;
    }
    tx.batch_execute(&format!("CREATE SCHEMA {schema}; SET LOCAL search_path TO {schema}"))
        .await
        .map_err(step("creating the schema"))?;
    tx.batch_execute(include_str!("schema.sql")).await.map_err(step("creating the tables"))?;
    tx.batch_execute(
        "CREATE TEMP TABLE legacy_params (seed bigint, wells bigint, bcgs bigint, a bigint, b bigint,
             c bigint, span_a bigint, span_b bigint, span_c bigint, start_b bigint, start_c bigint)
         ON COMMIT DROP",
    )
    .await
    .map_err(step("preparing the generator"))?;
    let wells = i64::from(spec.wells);
    let bcgs = (wells / 25).max(1);
    tx.execute(
        "INSERT INTO legacy_params VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        &[
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
        ],
    )
    .await
    .map_err(step("preparing the generator"))?;
    tx.batch_execute(&generator_sql()).await.map_err(step("generating rows"))?;
    tx.batch_execute(include_str!("indexes.sql")).await.map_err(step("building the keys"))?;
    let comment = pg::quote::literal(&marker(spec))
        .map_err(|_| Error::BadSchema { schema: s.to_string() })?;
    tx.batch_execute(&format!("COMMENT ON SCHEMA {schema} IS {comment}"))
        .await
        .map_err(step("marking the schema"))?;
    tx.commit().await.map_err(step("COMMIT"))?;
    let elapsed = started.elapsed();
    lock.release().await.map_err(Error::pg(s, "unlocking"))?;
    summarize(&conn, spec, true, elapsed).await
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
