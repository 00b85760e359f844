-- Replication, step 1c: xform_well into `well`, and the sequences the seed never reset:
-- without the reset, the next well created in the application
-- collides with a replicated tag number.

DROP FUNCTION IF EXISTS populate_well();
DROP FUNCTION IF EXISTS replicate_reset_sequences();

CREATE OR REPLACE FUNCTION populate_well() RETURNS void
LANGUAGE plpgsql AS $function$
DECLARE
  _rows bigint;
BEGIN
  RAISE NOTICE '... importing xform into the well table';
  INSERT INTO well (
    well_tag_number, well_guid,
    owner_full_name, owner_mailing_address, owner_city, owner_postal_code,
    street_address, city,
    legal_lot, legal_plan, legal_district_lot, legal_block, legal_section, legal_township,
    legal_range, legal_pid,
    well_location_description, identification_plate_number, diameter,
    total_depth_drilled, finished_well_depth, static_water_level, well_cap_type,
    well_disinfected, well_yield, intended_water_use_code, land_district_code,
    province_state_code, well_class_code, well_subclass_guid, well_yield_unit_code,
    latitude, longitude, ground_elevation, well_orientation, other_drilling_method,
    drilling_method_code, ground_elevation_method_code, well_status_code,
    observation_well_number, obs_well_status_code, licenced_status_code,
    alternative_specs_submitted,
    construction_start_date, construction_end_date, alteration_start_date,
    alteration_end_date, decommission_start_date, decommission_end_date,
    drilling_company_guid, final_casing_stick_up, artesian_flow, artesian_pressure,
    bedrock_depth, well_identification_plate_attached, ems,
    water_supply_system_name, water_supply_system_well_name,
    screen_intake_method_code, screen_type_code, screen_material_code,
    screen_opening_code, screen_bottom_code, other_screen_bottom, other_screen_material,
    utm_zone_code, utm_northing, utm_easting, utm_accuracy_code, bcgs_id,
    development_method_code, development_hours, development_notes,
    surface_seal_method_code, surface_seal_material_code, surface_seal_length,
    surface_seal_thickness, backfill_type, backfill_depth, liner_material_code,
    decommission_reason, decommission_method_code, decommission_details,
    sealant_material, backfill_material, comments,
    water_quality_colour, water_quality_odour,
    create_user, create_date, update_user, update_date)
  SELECT
    xform.well_tag_number, gen_random_uuid(),
    coalesce(xform.owner_full_name, ' '), coalesce(xform.owner_mailing_address, ' '),
    coalesce(xform.owner_city, ' '), coalesce(xform.owner_postal_code, ' '),
    coalesce(xform.street_address, ' '), coalesce(xform.city, ' '),
    coalesce(xform.legal_lot, ' '), coalesce(xform.legal_plan, ' '),
    coalesce(xform.legal_district_lot, ' '), coalesce(xform.legal_block, ' '),
    coalesce(xform.legal_section, ' '), coalesce(xform.legal_township, ' '),
    coalesce(xform.legal_range, ' '), xform.legal_pid,
    coalesce(xform.well_location_description, ' '), xform.identification_plate_number,
    coalesce(xform.diameter, ' '),
    xform.total_depth_drilled, xform.finished_well_depth, xform.static_water_level,
    xform.well_cap_type,
    xform.well_disinfected, xform.well_yield, xform.intended_water_use_code,
    xform.land_district_code,
    coalesce(xform.province_state_code, 'OTHER'), xform.well_class_code,
    xform.well_subclass_guid, xform.well_yield_unit_code,
    xform.latitude, xform.longitude, xform.ground_elevation, xform.well_orientation, NULL,
    xform.drilling_method_code, xform.ground_elevation_method_code, xform.well_status_code,
    xform.observation_well_number, xform.obs_well_status_code, xform.licenced_status_code,
    false,
    xform.construction_start_date, xform.construction_end_date, xform.alteration_start_date,
    xform.alteration_end_date, xform.decommission_start_date, xform.decommission_end_date,
    xform.drilling_company_guid, xform.final_casing_stick_up, xform.artesian_flow,
    xform.artesian_pressure,
    xform.bedrock_depth, xform.well_identification_plate_attached, xform.ems,
    xform.water_supply_system_name, xform.water_supply_system_well_name,
    xform.screen_intake_method_code, xform.screen_type_code, xform.screen_material_code,
    xform.screen_opening_code, xform.screen_bottom_code, '', '',
    xform.utm_zone_code, xform.utm_northing, xform.utm_easting, xform.utm_accuracy_code,
    xform.bcgs_id,
    xform.development_method_code, xform.development_duration, '',
    xform.surface_seal_method_code, xform.surface_seal_material_code, xform.surface_seal_length,
    xform.surface_seal_thickness, xform.backfill_type, xform.backfill_depth,
    xform.liner_material_code,
    xform.decommission_reason, xform.decommission_method_code, xform.decommission_details,
    xform.sealant_material, xform.backfill_material, xform.comments,
    '', '',
    xform.create_user, xform.create_date, xform.update_user, xform.update_date
  FROM xform_well xform;
  RAISE NOTICE '...xform data imported into the well table';
  SELECT count(*) INTO _rows FROM well;
  RAISE NOTICE '% rows loaded into the well table', _rows;
END;
$function$;

COMMENT ON FUNCTION populate_well() IS
  'Replication step 1c: xform_well into well, with the seed''s '' '' / OTHER fills and constants.';

-- The serial sequences of the seed's database/scripts/seqreset.sql (never called by
-- the seed): each set past its column's maximum, or to restart at 1 when the table is empty.
-- Tables a schema does not have are skipped.
CREATE OR REPLACE FUNCTION replicate_reset_sequences() RETURNS void
LANGUAGE plpgsql AS $function$
DECLARE
  _t text;
  _c text;
  _seq text;
  _max bigint;
BEGIN
  FOR _t, _c IN VALUES ('well', 'well_tag_number'),
                       ('well_water_quality', 'id'),
                       ('activity_submission', 'filing_number'),
                       ('activity_submission_water_quality', 'id')
  LOOP
    CONTINUE WHEN to_regclass(quote_ident(_t)) IS NULL;
    _seq := pg_get_serial_sequence(quote_ident(_t), _c);
    CONTINUE WHEN _seq IS NULL;
    EXECUTE format('SELECT max(%I) FROM %I', _c, _t) INTO _max;
    PERFORM setval(_seq, coalesce(_max, 1), _max IS NOT NULL);
    RAISE NOTICE 'sequence % of %.% set after %', _seq, _t, _c, coalesce(_max, 0);
  END LOOP;
END;
$function$;

COMMENT ON FUNCTION replicate_reset_sequences() IS
  'Sets the serial sequences of well, activity_submission and the water-quality tables past their data (seqreset.sql).';
