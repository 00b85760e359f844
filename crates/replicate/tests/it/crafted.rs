//! One crafted legacy row per transform rule, asserting the exact application row.

use replicate::Mode;

use crate::{coded_db, exec, local_legacy, run, texts};

const WELL_COLS: &str = "well_id, well_tag_number, owner_id, acceptance_status_code, pid,
    observation_well_number, well_use_code, yield_unit_code, longitude, latitude,
    status_of_well_code, screen_type_code, screen_material_code, surface_seal_method_code,
    surface_seal_material_code, orientation_of_well_code, well_disinfected_ind,
    ministry_observation_well_stat, construction_start_date, when_created, who_created,
    when_updated, who_updated, final_casing_stick_up, development_hours";

/// Every well-level rule of the seed's well transform on two wells, plus the status filter.
#[tokio::test]
async fn well_rules() {
    let Some(db) = coded_db("well_rules").await else { return };
    let t = db.target();
    local_legacy(t).await;
    exec(
        t,
        &format!(
            "SET TimeZone = 'America/Vancouver';
             INSERT INTO wells.wells_owners (owner_id, given_name, surname, street_number, street_name,
                    city, postal_code, province_state_code)
             VALUES (1, 'Ann', NULL, '12', 'Main St', 'Hope', 'V0X 1L0', 'WASH_STATE'),
                    (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
             INSERT INTO wells.wells_wells ({WELL_COLS}) VALUES
             (11, 100002, 1, 'ACCEPTED', 1234, 7, 'OTH', 'USGM', 121.5, 49.1, 'UNK', 'UNK', 'UNK',
              'UNK', 'UNK', 'HORIZ', 'X', 'Abandoned', '2001-02-03 04:05:06', '2001-02-03 04:05:06',
              'ETL', NULL, NULL, 2.6, 3.5),
             (12, 100003, 2, 'ACCEPTED', NULL, NULL, 'DOM', 'GPM', -120.25, 50, 'NEW', NULL, NULL,
              NULL, NULL, NULL, 'Y', 'Active', NULL, '2002-01-01', 'A', '2003-01-01', 'B', NULL, NULL),
             (13, 100004, NULL, 'REJECTED', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
              NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'ETL', NULL, NULL, NULL, NULL),
             (14, 100005, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
              NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'ETL', NULL, NULL, NULL, NULL),
             (15, 200000, NULL, 'ACCEPTED', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
              NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'ETL', NULL, NULL, NULL, NULL);"
        ),
    )
    .await;

    // Audit dates are read in the session time zone, work dates as GMT (seed semantics).
    let tz = format!("ALTER DATABASE {} SET TimeZone TO 'America/Vancouver'", db.name());
    exec(t, &tz).await;
    let report = run(t, Mode::Subset).await;
    assert!(report.verified, "{report:#?}");
    assert_eq!(report.null_status_wells, 1);
    let well = report.tables.iter().find(|r| r.table == "well").expect("well report");
    assert_eq!((well.source, well.expected, well.loaded, well.staged), (4, 2, 2, Some(2)));

    let rows = texts(
        t,
        "SELECT concat_ws('|', well_tag_number, owner_full_name, owner_mailing_address,
                quote_literal(owner_city), quote_literal(street_address), province_state_code,
                legal_pid, observation_well_number, intended_water_use_code, well_yield_unit_code,
                longitude, latitude, coalesce(well_status_code, 'NULL'),
                coalesce(screen_type_code, 'NULL'), screen_material_code,
                coalesce(surface_seal_method_code, 'NULL'), surface_seal_material_code,
                well_orientation, well_disinfected, obs_well_status_code,
                alternative_specs_submitted, other_screen_bottom = '', development_notes = '',
                to_char(construction_start_date AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
                to_char(create_date AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
                to_char(update_date AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), update_user,
                final_casing_stick_up, development_hours)
           FROM well ORDER BY well_tag_number",
    )
    .await;
    assert_eq!(
        rows,
        [
            "100002|Ann|12 Main St|'Hope'|' '|WA|000001234|007|OTHER|USGPM|-121.500000|49.100000|NULL|NULL|OTHER|NULL|OTHER|f|f|Inactive|f|t|t|2001-02-03 04:05:06|2001-02-03 12:05:06|2001-02-03 12:05:06|ETL|3.000|4.00",
            // concat_ws leaves out NULLs: no pid, observation number, work date or stick-up here;
            // owner name and address are '' (concat_ws of NULLs), not ' '.
            "100003|||' '|' '|OTHER|DOM|GPM|-120.250000|50.000000|NEW|NULL|NULL|t|t|Active|f|t|t|2002-01-01 08:00:00|2003-01-01 08:00:00|B",
        ]
    );
    // The sequence the seed forgot: the next well does not collide.
    let next =
        texts(t, "SELECT nextval(pg_get_serial_sequence('well', 'well_tag_number'))::text").await;
    assert_eq!(next, ["100004"]);
}

/// The children's rules: assembly types, UNK/USGM codes, drive shoe, all-NULL perforations,
/// coalesced audit columns, children of filtered wells, and orphans.
#[tokio::test]
async fn child_rules() {
    let Some(db) = coded_db("child_rules").await else { return };
    let t = db.target();
    local_legacy(t).await;
    exec(
        t,
        "INSERT INTO wells.wells_wells (well_id, well_tag_number, acceptance_status_code, who_created)
         VALUES (21, 100010, 'ACCEPTED', 'ETL'), (22, 100011, 'PENDING', 'ETL');
         INSERT INTO wells.wells_screens (screen_id, well_id, screen_from, screen_assembly_type_code, who_created)
         VALUES (1, 21, 1.5, 'L', 'S'), (2, 21, 2, 'K  & Riser', 'S'), (3, 21, 3, NULL, 'S'), (4, 22, 4, 'L', 'S'),
                (5, 99, 5, 'L', 'S');
         INSERT INTO wells.wells_production_data (production_data_id, well_id, yield_estimated_method_code,
                test_rate_units_code, test_rate, who_created, when_created)
         VALUES (1, 21, 'UNK', 'USGM', 5, 'P', '2010-01-01'), (2, 21, 'AIR_LIFT', 'GPM', 6, 'P', '2010-01-01');
         INSERT INTO wells.wells_casings (casing_id, well_id, casing_material_code, casing_drive_shoe_ind, who_created)
         VALUES (1, 21, 'UNK', 'Y', 'C'), (2, 21, NULL, 'N', 'C'), (3, 21, NULL, NULL, 'C'), (4, 21, NULL, 'X', 'C');
         INSERT INTO wells.wells_perforations (perforation_id, well_id, liner_from, who_created)
         VALUES (1, 21, NULL, 'P'), (2, 21, 0, 'P'), (3, 21, 7, 'P');
         INSERT INTO wells.gw_aquifer_wells (aquifer_id, well_id, who_created, when_created)
         VALUES (5, 21, 'A', '2011-01-01'), (6, 22, 'A', '2011-01-01');
         INSERT INTO wells.wells_lithology_descriptions (lithology_description_id, well_id,
                water_bearing_est_flw_unt_cd, lithology_raw_data, who_created)
         VALUES (1, 21, 'USGM', 'sand', 'L'), (2, 21, NULL, 'clay', 'L');",
    )
    .await;
    let report = run(t, Mode::Full).await;
    assert!(report.verified, "{report:#?}");

    let q = |sql: &'static str| texts(t, sql);
    assert_eq!(
        q("SELECT concat_ws('|', screen_from, coalesce(screen_assembly_type_code, 'NULL'), well_tag_number, coalesce(filing_number::text, 'NULL')) FROM screen ORDER BY screen_from").await,
        ["1.50|LEAD|100010|NULL", "2.00|K_RISER|100010|NULL", "3.00|NULL|100010|NULL"]
    );
    assert_eq!(
        q("SELECT concat_ws('|', yield_estimation_rate, coalesce(yield_estimation_method_code, 'NULL'), well_yield_unit_code, hydro_fracturing_performed, update_user, update_date = create_date) FROM production_data ORDER BY 1").await,
        ["5.00|NULL|USGPM|f|P|t", "6.00|AIR_LIFT|GPM|f|P|t"]
    );
    assert_eq!(
        q("SELECT concat_ws('|', coalesce(casing_material_code, 'NULL'), coalesce(drive_shoe::text, 'NULL')) FROM casing ORDER BY 1").await,
        ["NULL|NULL", "NULL|NULL", "NULL|false", "NULL|true"]
    );
    assert_eq!(q("SELECT liner_from::text FROM perforation ORDER BY 1").await, ["0.00", "7.00"]);
    let perf = report.tables.iter().find(|r| r.table == "perforation").expect("perforation");
    assert_eq!(perf.rules[1].rule, "all-NULL perforations skipped");
    assert_eq!(perf.rules[1].rows, 1);
    assert_eq!(
        q("SELECT concat_ws('|', aquifer_id, well_tag_number, update_user, update_date = create_date) FROM aquifer_well").await,
        ["5|100010|A|t"]
    );
    assert_eq!(
        q("SELECT concat_ws('|', lithology_raw_data, coalesce(well_yield_unit_code, 'NULL')) FROM lithology_description ORDER BY 1").await,
        ["clay|NULL", "sand|USGPM"]
    );
    let screen = report.tables.iter().find(|r| r.table == "screen").expect("screen");
    // The screen of well_id 99, which does not exist, is an orphan: outside every other count.
    assert_eq!((screen.source, screen.rejected, screen.loaded), (4, 1, 3));
    assert_eq!(screen.orphaned, Some(1));
    let casing = report.tables.iter().find(|r| r.table == "casing").expect("casing");
    assert_eq!(casing.orphaned, Some(0));
}
