//! A stand-in that changes: edits, additions and removals of wells and children, chosen
//! deterministically from a seed, reported in the terms replication sees them.
//!
//! Only ACCEPTED wells are touched, so every change reaches the application; the rows each
//! change makes, adds or removes are reported by legacy table as the `well_tag_number` of
//! their well, one entry per row (perforations with all six liner values NULL, which
//! replication skips, are left out of the report). With `k = ceil(fraction × accepted
//! wells)` (at least 1), the wells ranked by `md5(seed:well_id)`:
//! * ranks 1..k: the well is edited (`general_remarks`);
//! * ranks k+1..2k: the well and all its children are removed;
//! * ranks 2k+1..3k: the well and its children are copied as a new well (next free
//!   `well_id` and tag, no identification plate);
//! * among ranks above 3k: k wells get one screen edited, k one lithology row edited, k one
//!   casing added, k one production row removed (each the first k holding such a child).
//!
//! The schema's marker records the mutation, so `legacy up` with the same spec generates the
//! original content again.

use std::collections::BTreeMap;

use serde::Serialize;
use tokio_postgres::types::ToSql;

use crate::Error;

/// What to change.
#[derive(Debug, Clone, PartialEq)]
pub struct Mutation {
    /// The schema of the stand-in (default `wells`).
    pub schema: String,
    /// The share of the accepted wells each kind of change touches (0 < fraction ≤ 0.1).
    pub fraction: f64,
    /// The seed of the choice: the same seed on the same content makes the same changes.
    pub seed: i64,
}

/// The rows one legacy table gained, changed or lost, as the tags of their wells (one entry
/// per row, ascending).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Rows {
    /// Rows added.
    pub inserted: Vec<i64>,
    /// Rows edited.
    pub updated: Vec<i64>,
    /// Rows removed.
    pub deleted: Vec<i64>,
}

/// What a mutation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mutated {
    /// Wells per kind of change (`k`).
    pub wells_per_change: i64,
    /// Per legacy table (`wells_wells`, `wells_screens`, ...), the rows it changed.
    pub tables: BTreeMap<String, Rows>,
}

/// The child tables: name and id column (`None`: the key is `(aquifer_id, well_id)`).
const CHILDREN: [(&str, Option<&str>); 6] = [
    ("wells_screens", Some("screen_id")),
    ("wells_production_data", Some("production_data_id")),
    ("wells_casings", Some("casing_id")),
    ("wells_perforations", Some("perforation_id")),
    ("gw_aquifer_wells", None),
    ("wells_lithology_descriptions", Some("lithology_description_id")),
];

/// Rows of perforations replication skips.
const SKIPPED_PERFORATION: &str = "liner_thickness IS NULL AND liner_diameter IS NULL \
     AND liner_from IS NULL AND liner_to IS NULL AND liner_perforation_from IS NULL \
     AND liner_perforation_to IS NULL";

/// Applies `mutation` in one transaction and reports what it changed.
pub async fn mutate(target: &pg::Target, mutation: &Mutation) -> Result<Mutated, Error> {
    let s = mutation.schema.as_str();
    let schema =
        pg::quote::ident(s).map_err(|_| Error::BadSchema { schema: mutation.schema.clone() })?;
    if !(mutation.fraction > 0.0 && mutation.fraction <= 0.1) {
        return Err(Error::BadFraction { fraction: mutation.fraction });
    }
    let (lock, mut conn) = crate::create::locked(target, s).await?;
    let comment: Option<String> = conn
        .query_opt(
            "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = $1",
            &[&mutation.schema],
        )
        .await
        .map_err(Error::db(s, "reading the catalog"))?
        .ok_or_else(|| Error::Missing { schema: mutation.schema.clone() })?
        .get(0);
    let comment = comment.unwrap_or_default();
    let Some(rest) = comment.strip_prefix(crate::create::MARKER) else {
        return Err(Error::Exists { schema: mutation.schema.clone(), found: comment });
    };
    let tx = conn.transaction().await.map_err(Error::db(s, "beginning the transaction"))?;
    let step = |name| Error::db(s, name);
    tx.batch_execute(&format!("SET LOCAL search_path TO {schema}, pg_catalog"))
        .await
        .map_err(step("search_path"))?;
    let k: i64 = tx
        .query_one(
            "SELECT greatest(1, ceil($1::float8 * count(*)))::int8 FROM wells_wells
              WHERE acceptance_status_code = 'ACCEPTED'",
            &[&mutation.fraction],
        )
        .await
        .map_err(step("counting wells"))?
        .get(0);
    let seed = mutation.seed.to_string();
    let params: [&(dyn ToSql + Sync); 2] = [&seed, &k];
    tx.execute(
        "CREATE TEMPORARY TABLE mutate_rank ON COMMIT DROP AS
         SELECT well_id, well_tag_number,
                row_number() OVER (ORDER BY md5($1::text || ':' || well_id), well_id) AS r,
                $2::int8 AS k
           FROM wells_wells WHERE acceptance_status_code = 'ACCEPTED'",
        &params,
    )
    .await
    .map_err(step("ranking wells"))?;
    let mut tables: BTreeMap<String, Rows> = BTreeMap::new();
    let mut record = |table: &str, kind: fn(&mut Rows) -> &mut Vec<i64>, tags: Vec<i64>| {
        kind(tables.entry(table.to_string()).or_default()).extend(tags);
    };
    let tags = |rows: Vec<tokio_postgres::Row>| rows.iter().map(|r| r.get(0)).collect::<Vec<i64>>();

    // Edited wells.
    let rows = tx
        .query(
            "UPDATE wells_wells w SET general_remarks = 'mutated (seed ' || $1::text || ')'
               FROM mutate_rank m WHERE m.well_id = w.well_id AND m.r <= m.k
             RETURNING w.well_tag_number::int8",
            &[&seed],
        )
        .await
        .map_err(step("editing wells"))?;
    record("wells_wells", |r| &mut r.updated, tags(rows));

    // Removed wells, children first.
    let removed = "SELECT well_id FROM mutate_rank WHERE r > k AND r <= 2 * k";
    for (child, _) in CHILDREN {
        let skip = if child == "wells_perforations" {
            format!(" AND NOT ({SKIPPED_PERFORATION})")
        } else {
            String::new()
        };
        let rows = tx
            .query(
                &format!(
                    "WITH gone AS (DELETE FROM {child} c WHERE c.well_id IN ({removed})
                                   RETURNING c.*)
                     SELECT w.well_tag_number::int8 FROM gone c
                       JOIN wells_wells w ON w.well_id = c.well_id WHERE true{skip}"
                ),
                &[],
            )
            .await
            .map_err(step("removing children"))?;
        record(child, |r| &mut r.deleted, tags(rows));
    }
    let rows = tx
        .query(
            &format!(
                "DELETE FROM wells_wells WHERE well_id IN ({removed})
                 RETURNING well_tag_number::int8"
            ),
            &[],
        )
        .await
        .map_err(step("removing wells"))?;
    record("wells_wells", |r| &mut r.deleted, tags(rows));

    // Copied wells: new ids and tags after the largest.
    tx.batch_execute(
        "CREATE TEMPORARY TABLE mutate_copy ON COMMIT DROP AS
         SELECT m.well_id AS old_id,
                (SELECT max(well_id) FROM wells_wells) + row_number() OVER (ORDER BY m.r) AS new_id,
                (SELECT max(well_tag_number) FROM wells_wells)
                  + row_number() OVER (ORDER BY m.r) AS new_tag
           FROM mutate_rank m WHERE m.r > 2 * m.k AND m.r <= 3 * m.k;
         CREATE TEMPORARY TABLE mutate_well ON COMMIT DROP AS
         SELECT w.* FROM wells_wells w JOIN mutate_copy c ON c.old_id = w.well_id;
         UPDATE mutate_well w SET well_id = c.new_id, well_tag_number = c.new_tag,
                well_identification_plate_no = NULL
           FROM mutate_copy c WHERE c.old_id = w.well_id;
         INSERT INTO wells_wells SELECT * FROM mutate_well;",
    )
    .await
    .map_err(step("copying wells"))?;
    let rows = tx
        .query("SELECT new_tag::int8 FROM mutate_copy ORDER BY 1", &[])
        .await
        .map_err(step("copying wells"))?;
    record("wells_wells", |r| &mut r.inserted, tags(rows));
    for (child, id) in CHILDREN {
        let renumber = match id {
            Some(id) => format!(
                "UPDATE mutate_child c SET {id} = n.id FROM
                   (SELECT ctid AS t, (SELECT max({id}) FROM {child})
                           + row_number() OVER (ORDER BY {id}) AS id FROM mutate_child) n
                  WHERE c.ctid = n.t;"
            ),
            None => String::new(),
        };
        tx.batch_execute(&format!(
            "CREATE TEMPORARY TABLE mutate_child ON COMMIT DROP AS
             SELECT c.* FROM {child} c JOIN mutate_copy m ON m.old_id = c.well_id;
             UPDATE mutate_child c SET well_id = m.new_id FROM mutate_copy m
              WHERE m.old_id = c.well_id;
             {renumber}
             INSERT INTO {child} SELECT * FROM mutate_child;"
        ))
        .await
        .map_err(step("copying children"))?;
        let skip = if child == "wells_perforations" {
            format!(" WHERE NOT ({SKIPPED_PERFORATION})")
        } else {
            String::new()
        };
        let rows = tx
            .query(
                &format!(
                    "SELECT m.new_tag::int8 FROM mutate_child c
                       JOIN mutate_copy m ON m.new_id = c.well_id{skip}"
                ),
                &[],
            )
            .await
            .map_err(step("copying children"))?;
        record(child, |r| &mut r.inserted, tags(rows));
        tx.batch_execute("DROP TABLE mutate_child").await.map_err(step("copying children"))?;
    }

    // One child each of k further wells: edited, added or removed.
    let first = |child: &str| {
        format!(
            "SELECT m.well_id FROM mutate_rank m
              WHERE m.r > 3 * m.k AND EXISTS (SELECT FROM {child} c WHERE c.well_id = m.well_id)
              ORDER BY m.r LIMIT (SELECT max(k) FROM mutate_rank)"
        )
    };
    let one = |child: &str, id: &str| {
        format!(
            "SELECT DISTINCT ON (c.well_id) c.{id} FROM {child} c
              WHERE c.well_id IN ({}) ORDER BY c.well_id, c.{id}",
            first(child)
        )
    };
    let changes = [
        (
            "wells_screens",
            format!(
                "UPDATE wells_screens c SET screen_from = coalesce(c.screen_from, 0) + 1
                  WHERE c.screen_id IN ({}) RETURNING c.well_id",
                one("wells_screens", "screen_id")
            ),
            (|r| &mut r.updated) as fn(&mut Rows) -> &mut Vec<i64>,
        ),
        (
            "wells_lithology_descriptions",
            format!(
                "UPDATE wells_lithology_descriptions c
                    SET lithology_raw_data = 'mutated (seed ' || {} || ')'
                  WHERE c.lithology_description_id IN ({}) RETURNING c.well_id",
                pg::quote::literal(&seed).unwrap_or_default(),
                one("wells_lithology_descriptions", "lithology_description_id")
            ),
            |r| &mut r.updated,
        ),
        (
            "wells_casings",
            "INSERT INTO wells_casings (casing_id, well_id, casing_from, casing_to, who_created)
             SELECT (SELECT max(casing_id) FROM wells_casings) + row_number() OVER (ORDER BY m.r),
                    m.well_id, 0, 1, 'mutate'
               FROM mutate_rank m WHERE m.r > 3 * m.k AND m.r <= 4 * m.k
             RETURNING well_id"
                .to_string(),
            |r| &mut r.inserted,
        ),
        (
            "wells_production_data",
            format!(
                "DELETE FROM wells_production_data c WHERE c.production_data_id IN ({})
                 RETURNING c.well_id",
                one("wells_production_data", "production_data_id")
            ),
            |r| &mut r.deleted,
        ),
    ];
    for (child, sql, kind) in changes {
        let rows = tx
            .query(
                &format!(
                    "WITH changed AS ({sql}) SELECT w.well_tag_number::int8 FROM changed c
                       JOIN wells_wells w ON w.well_id = c.well_id"
                ),
                &[],
            )
            .await
            .map_err(step("changing children"))?;
        record(child, kind, tags(rows));
    }

    let marker = format!(
        "{}{} mutated (fraction {}, seed {}){}",
        crate::create::MARKER,
        rest.split(':').next().unwrap_or_default(),
        mutation.fraction,
        mutation.seed,
        rest.find(':').map(|i| &rest[i..]).unwrap_or_default()
    );
    let marker = pg::quote::literal(&marker).map_err(|_| Error::BadSchema { schema: s.into() })?;
    tx.batch_execute(&format!("COMMENT ON SCHEMA {schema} IS {marker}"))
        .await
        .map_err(step("marking the schema"))?;
    tx.commit().await.map_err(step("committing"))?;
    lock.release().await.map_err(Error::pg(s, "unlocking"))?;
    for rows in tables.values_mut() {
        rows.inserted.sort_unstable();
        rows.updated.sort_unstable();
        rows.deleted.sort_unstable();
    }
    tables.retain(|_, r| !(r.inserted.is_empty() && r.updated.is_empty() && r.deleted.is_empty()));
    Ok(Mutated { wells_per_change: k, tables })
}
