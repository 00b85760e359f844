//! Loading `codetables/` into migrated databases: idempotence, updates, refusals, data rows,
//! and the dump round trip.

use crate::{coded, codetables, edit, editable_codetables, exec, migrated, query_i64, state};

/// Data rows that reference code rows: a driller of a drilling company, their submission (every
/// column GWELLS's model requires) and three wells.
const WELLS: &str = "
    INSERT INTO driller (create_user, driller_guid, drilling_company_guid, first_name, surname,
        registration_number)
    SELECT 'TEST', gen_random_uuid(), drilling_company_guid, 'First', 'Last', 'WD-1'
      FROM drilling_company ORDER BY 1 LIMIT 1;
    INSERT INTO activity_submission (create_user, activity_submission_guid, well_activity_code,
        well_class_code, intended_water_use_code, driller_responsible_guid, driller_name,
        consultant_name, consultant_company, work_start_date, work_end_date, owner_full_name,
        owner_mailing_address, owner_city, province_state_code, owner_postal_code, street_address,
        city, legal_lot, legal_plan, legal_district_lot, legal_block, legal_section, legal_township,
        legal_range, well_location_description, well_plate_attached, other_drilling_method,
        well_orientation, water_supply_system_name, water_supply_system_well_name,
        backfill_above_surface_seal, other_screen_material, other_screen_bottom, development_notes,
        water_quality_colour, water_quality_odour, well_cap_type, well_disinfected, comments,
        alternative_specs_submitted, diameter)
    SELECT 'TEST', gen_random_uuid(), 'CON', 'WATR_SPPLY', 'DOM', driller_guid, 'First Last', '',
           '', '2018-03-01', '2018-03-02', 'Owner', '', '', 'BC', '', '', '', '', '', '', '', '', '',
           '', '', '', '', true, '', '', '', '', '', '', '', '', '', false, '', false, ''
      FROM driller ORDER BY 1 LIMIT 1;
    INSERT INTO well (create_user, well_guid, owner_full_name, owner_mailing_address, owner_city, owner_postal_code,
        street_address, city, legal_lot, legal_plan, legal_district_lot, legal_block, legal_section, legal_township,
        legal_range, well_location_description, diameter, well_disinfected, well_orientation, alternative_specs_submitted,
        other_screen_material, other_screen_bottom, development_notes, water_quality_colour, water_quality_odour,
        province_state_code, well_status_code, well_class_code, well_subclass_guid, drilling_company_guid)
    SELECT 'TEST', gen_random_uuid(), 'Owner ' || g, '', '', '', '', '', '', '', '', '', '', '', '', '', '', false, true, false,
           '', '', '', '', '', 'BC', 'OTHER', 'WATR_SPPLY',
           (SELECT well_subclass_guid FROM well_subclass_code WHERE well_subclass_code = 'DOMESTIC' AND well_class_code = 'WATR_SPPLY'),
           (SELECT drilling_company_guid FROM drilling_company ORDER BY 1 LIMIT 1)
      FROM generate_series(1, 3) AS g;";

#[tokio::test]
async fn second_load_changes_nothing() {
    let Some(db) = migrated("codes_second_load").await else { return };
    let first = codes::load_dir(db.target(), &codetables(), &codes::LoadOptions::default())
        .await
        .expect("first load");
    assert_eq!(first.tables.len(), 44);
    assert!(first.tables.iter().all(|t| t.inserted == t.rows && t.updated == 0 && t.deleted == 0));
    let order: Vec<&str> = first.tables.iter().map(|t| t.table.as_str()).collect();
    let (class, subclass) = (
        order.iter().position(|t| *t == "well_class_code"),
        order.iter().position(|t| *t == "well_subclass_code"),
    );
    assert!(class < subclass, "foreign keys order the load: {order:?}");
    let position = |t: &str| order.iter().position(|o| *o == t);
    let (activity, subactivity, qualification) = (
        position("registries_activity_code"),
        position("registries_subactivity_code"),
        position("registries_qualification_code"),
    );
    assert!(
        activity.is_some() && activity < subactivity && subactivity < qualification,
        "the registries chain is out of order: {order:?}"
    );
    let counted = query_i64(db.target(), "SELECT count(*) FROM drilling_company").await;
    assert_eq!(counted, 531);

    let second = codes::load_dir(db.target(), &codetables(), &codes::LoadOptions::default())
        .await
        .expect("second load");
    assert!(second.is_unchanged(), "{second:?}");
    assert!(second.tables.iter().all(|t| t.unchanged == t.rows), "{second:?}");
}

#[tokio::test]
async fn changed_description_is_updated() {
    let Some(db) = coded("codes_changed_description").await else { return };
    let dir = editable_codetables();
    edit(dir.path(), "well_status_code", |s| s.replace(",NEW,New,", ",NEW,\"New, first report\","));
    let report = codes::load_dir(db.target(), dir.path(), &codes::LoadOptions::default())
        .await
        .expect("load");
    let changed: Vec<(&str, u64)> = report
        .tables
        .iter()
        .filter(|t| t.updated + t.inserted + t.deleted > 0)
        .map(|t| (t.table.as_str(), t.updated))
        .collect();
    assert_eq!(changed, [("well_status_code", 1)]);
    let n = query_i64(
        db.target(),
        "SELECT count(*) FROM well_status_code WHERE description = 'New, first report'",
    )
    .await;
    assert_eq!(n, 1);
}

#[tokio::test]
async fn removed_code_still_referenced_is_refused() {
    let Some(db) = coded("codes_removed_referenced").await else { return };
    exec(db.target(), WELLS).await;
    let first_well = query_i64(db.target(), "SELECT min(well_tag_number)::int8 FROM well").await;
    let dir = editable_codetables();
    edit(dir.path(), "well_status_code", |s| {
        s.lines().filter(|l| !l.contains(",OTHER,")).map(|l| format!("{l}\n")).collect()
    });
    // A removable row in another table must not be deleted either, since the load is refused.
    edit(dir.path(), "casing_code", |s| {
        s.lines().filter(|l| !l.contains(",SURF,")).map(|l| format!("{l}\n")).collect()
    });
    let before = state(db.target()).await;

    let err = codes::load_dir(db.target(), dir.path(), &codes::LoadOptions::default())
        .await
        .expect_err("refused");
    let message = err.to_string();
    assert!(
        message.contains(&format!(
            "`well_status_code` `OTHER` is referenced by `well` well_tag_number={first_well}"
        )),
        "{message}"
    );
    assert!(message.contains("--keep-removed"), "{message}");
    assert_eq!(state(db.target()).await, before, "a refused load changes nothing");

    let options = codes::LoadOptions { keep_removed: true, ..Default::default() };
    let report = codes::load_dir(db.target(), dir.path(), &options).await.expect("kept");
    let kept: Vec<(&str, u64)> =
        report.tables.iter().filter(|t| t.kept > 0).map(|t| (t.table.as_str(), t.kept)).collect();
    assert_eq!(kept, [("casing_code", 1), ("well_status_code", 1)]);
    assert_eq!(state(db.target()).await, before, "kept rows stay");

    exec(db.target(), "UPDATE well SET well_status_code = 'NEW'").await;
    let report = codes::load_dir(db.target(), dir.path(), &codes::LoadOptions::default())
        .await
        .expect("no longer referenced");
    let deleted: Vec<(&str, u64)> = report
        .tables
        .iter()
        .filter(|t| t.deleted > 0)
        .map(|t| (t.table.as_str(), t.deleted))
        .collect();
    assert_eq!(deleted, [("casing_code", 1), ("well_status_code", 1)]);
}

#[tokio::test]
async fn data_rows_survive_every_load() {
    let Some(db) = coded("codes_data_survives").await else { return };
    exec(db.target(), WELLS).await;
    let data = |s: Vec<String>| {
        s.into_iter()
            .filter(|l| l.starts_with("well:") || l.starts_with("activity_submission:"))
            .collect::<Vec<_>>()
    };
    let before = data(state(db.target()).await);
    assert!(before.iter().any(|l| l.starts_with("well: 3 ")), "{before:?}");
    let dir = editable_codetables();
    codes::load_dir(db.target(), dir.path(), &codes::LoadOptions::default()).await.expect("reload");
    edit(dir.path(), "well_class_code", |s| s.replace("Water Supply", "Water supply"));
    edit(dir.path(), "intended_water_use_code", |s| {
        s.replacen('\n', "\nETL_USER,2017-07-01 07:00:00+00,,,AAA_NEW,Added,5,,\n", 1)
    });
    codes::load_dir(db.target(), dir.path(), &codes::LoadOptions::default())
        .await
        .expect("changed load");
    assert_eq!(data(state(db.target()).await), before);
}

#[tokio::test]
async fn dump_reproduces_codetables_byte_for_byte() {
    let Some(db) = coded("codes_dump_round_trip").await else { return };
    let dumped = codes::dump_dir(db.target(), &codetables(), &codes::DumpOptions::default())
        .await
        .expect("dump");
    assert_eq!(dumped.len(), 44);
    for (table, csv) in dumped {
        let file = std::fs::read(codetables().join(format!("{table}.csv"))).expect("read");
        assert!(
            csv == file,
            "`{table}`: dump differs from codetables/:\n{}",
            String::from_utf8_lossy(&csv)
        );
    }
}
