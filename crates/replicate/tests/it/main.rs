//! Database tests of the replication functions and driver, each on its own database cloned
//! from a migrated and coded template. The legacy schema `wells` is created as plain local
//! tables from the stand-in's DDL (crates/legacy), so crafted rows can be inserted directly:
//! the functions only ever see `wells.<table>`.

mod crafted;
mod driver;
mod fdw;
mod keys;
mod merge;

use devdb::TestDb;
use pg::Target;

/// A database with every migration (the replication functions included) and the code tables.
pub(crate) async fn coded_db(test: &str) -> Option<TestDb> {
    templates::test_db(test, templates::Contents::Coded).await
}

/// The legacy tables as local tables in schema `wells`, empty.
pub(crate) async fn local_legacy(target: &Target) {
    let ddl = std::fs::read_to_string(devdb::workspace_root().join("crates/legacy/src/schema.sql"))
        .expect("crates/legacy/src/schema.sql");
    let conn = pg::connect(target, "replicate test").await.expect("connect");
    conn.batch_execute(&format!("CREATE SCHEMA wells; SET search_path = wells; {ddl}"))
        .await
        .expect("legacy DDL");
}

/// Runs `sql` and returns the single text column of each row.
pub(crate) async fn texts(target: &Target, sql: &str) -> Vec<String> {
    let conn = pg::connect(target, "replicate test").await.expect("connect");
    conn.query(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| r.get::<_, Option<String>>(0).unwrap_or_else(|| "NULL".into()))
        .collect()
}

/// A driller of the first drilling company: GWELLS's submissions require a responsible one.
pub(crate) const DRILLER: &str =
    "INSERT INTO driller (create_user, driller_guid, drilling_company_guid,
        first_name, surname, registration_number)
    SELECT 'user', gen_random_uuid(), drilling_company_guid, 'First', 'Last', 'WD-1'
      FROM drilling_company ORDER BY 1 LIMIT 1";

/// A submission by `user` as GWELLS's model writes it (every column it requires), by the
/// driller of [`DRILLER`], for `well` when given.
pub(crate) fn submission(user: &str, well: Option<i32>) -> String {
    let well = well.map_or("NULL".to_string(), |w| w.to_string());
    format!(
        "INSERT INTO activity_submission (create_user, activity_submission_guid, well_tag_number,
                well_activity_code, driller_responsible_guid, driller_name, consultant_name,
                consultant_company, work_start_date, work_end_date, owner_full_name,
                owner_mailing_address, owner_city, province_state_code, owner_postal_code,
                street_address, city, legal_lot, legal_plan, legal_district_lot, legal_block,
                legal_section, legal_township, legal_range, well_location_description,
                well_plate_attached, other_drilling_method, well_orientation,
                water_supply_system_name, water_supply_system_well_name,
                backfill_above_surface_seal, other_screen_material, other_screen_bottom,
                development_notes, water_quality_colour, water_quality_odour, well_cap_type,
                well_disinfected, comments, alternative_specs_submitted, diameter)
         SELECT '{user}', gen_random_uuid(), {well}, a.well_activity_type_code, d.driller_guid,
                'First Last', '', '', current_date, current_date, 'x', 'x', 'x', 'BC', 'x', '', '',
                '', '', '', '', '', '', '', '', '', '', true, '', '', '', '', '', '', '', '', '',
                false, '', false, ''
           FROM (SELECT well_activity_type_code FROM well_activity_code
                  ORDER BY 1 LIMIT 1) a,
                (SELECT driller_guid FROM driller ORDER BY 1 LIMIT 1) d"
    )
}

pub(crate) async fn exec(target: &Target, sql: &str) {
    let conn = pg::connect(target, "replicate test").await.expect("connect");
    conn.batch_execute(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

pub(crate) async fn run(target: &Target, mode: replicate::Mode) -> replicate::Report {
    run_path(target, mode, replicate::Choice::Auto).await
}

/// A run on the path given.
pub(crate) async fn run_path(
    target: &Target,
    mode: replicate::Mode,
    path: replicate::Choice,
) -> replicate::Report {
    let options = replicate::Options { path, ..replicate::Options::new(mode) };
    replicate::replicate(target, &options, &mut |_| {})
        .await
        .unwrap_or_else(|e| panic!("replicate: {e}"))
}
