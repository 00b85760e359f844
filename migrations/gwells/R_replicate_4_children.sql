-- Replication: the child loaders, in the seed's fill order. Each reads its legacy table with
-- `well_id = ANY(replicate_subset_well_ids())` in a subset run, a predicate postgres_fdw and
-- oracle_fdw send to the foreign server (the seed read every child table whole, even for a
-- subset), then joins it to xform_well for the well_tag_number. In a full run the parameter is
-- NULL and the predicate folds away before planning.

DROP FUNCTION IF EXISTS migrate_screens();
DROP FUNCTION IF EXISTS migrate_production();
DROP FUNCTION IF EXISTS migrate_casings();
DROP FUNCTION IF EXISTS migrate_perforations();
DROP FUNCTION IF EXISTS migrate_aquifers();
DROP FUNCTION IF EXISTS migrate_lithology();

CREATE OR REPLACE FUNCTION migrate_screens() RETURNS void
LANGUAGE plpgsql AS $function$
DECLARE
  _rows bigint;
BEGIN
  RAISE NOTICE 'Starting migrate_screens() procedure...';
  EXECUTE $sql$
  INSERT INTO screen (
    screen_guid, filing_number, well_tag_number, screen_from, screen_to, internal_diameter,
    screen_assembly_type_code, slot_size, create_user, create_date, update_user, update_date)
  SELECT gen_random_uuid(), NULL, xform.well_tag_number, s.screen_from, s.screen_to,
         s.screen_internal_diameter,
         CASE s.screen_assembly_type_code WHEN 'L' THEN 'LEAD' WHEN 'K  & Riser' THEN 'K_RISER'
              ELSE s.screen_assembly_type_code END,
         s.screen_slot_size, s.who_created, s.when_created, s.who_updated, s.when_updated
    FROM wells.wells_screens s
    JOIN xform_well xform ON xform.well_id = s.well_id
   WHERE $1::bigint[] IS NULL OR s.well_id = ANY($1)
  $sql$ USING replicate_subset_well_ids();
  SELECT count(*) INTO _rows FROM screen;
  RAISE NOTICE '% rows loaded into the screen table', _rows;
END;
$function$;

CREATE OR REPLACE FUNCTION migrate_production() RETURNS void
LANGUAGE plpgsql AS $function$
DECLARE
  _rows bigint;
BEGIN
  RAISE NOTICE 'Starting migrate_production() procedure...';
  EXECUTE $sql$
  INSERT INTO production_data (
    production_data_guid, filing_number, well_tag_number, yield_estimation_method_code,
    yield_estimation_rate, yield_estimation_duration, well_yield_unit_code, static_level,
    drawdown, hydro_fracturing_performed, create_user, create_date, update_user, update_date)
  SELECT gen_random_uuid(), NULL, xform.well_tag_number,
         CASE p.yield_estimated_method_code WHEN 'UNK' THEN NULL
              ELSE p.yield_estimated_method_code END,
         p.test_rate, p.test_duration,
         CASE p.test_rate_units_code WHEN 'USGM' THEN 'USGPM' ELSE p.test_rate_units_code END,
         p.static_level, p.net_drawdown, false,
         p.who_created, p.when_created,
         coalesce(p.who_updated, p.who_created), coalesce(p.when_updated, p.when_created)
    FROM wells.wells_production_data p
    JOIN xform_well xform ON xform.well_id = p.well_id
   WHERE $1::bigint[] IS NULL OR p.well_id = ANY($1)
  $sql$ USING replicate_subset_well_ids();
  SELECT count(*) INTO _rows FROM production_data;
  RAISE NOTICE '% rows loaded into the production_data table', _rows;
END;
$function$;

CREATE OR REPLACE FUNCTION migrate_casings() RETURNS void
LANGUAGE plpgsql AS $function$
DECLARE
  _rows bigint;
BEGIN
  RAISE NOTICE 'Starting migrate_casings() procedure...';
  EXECUTE $sql$
  INSERT INTO casing (
    casing_guid, filing_number, well_tag_number, casing_from, casing_to, diameter,
    casing_material_code, wall_thickness, drive_shoe,
    create_user, create_date, update_user, update_date)
  SELECT gen_random_uuid(), NULL, xform.well_tag_number, c.casing_from, c.casing_to,
         c.casing_size,
         CASE c.casing_material_code WHEN 'UNK' THEN NULL ELSE c.casing_material_code END,
         c.casing_wall,
         CASE c.casing_drive_shoe_ind WHEN '' THEN NULL WHEN 'Y' THEN true WHEN 'N' THEN false
              ELSE NULL END,
         c.who_created, c.when_created, c.who_updated, c.when_updated
    FROM wells.wells_casings c
    JOIN xform_well xform ON xform.well_id = c.well_id
   WHERE $1::bigint[] IS NULL OR c.well_id = ANY($1)
  $sql$ USING replicate_subset_well_ids();
  SELECT count(*) INTO _rows FROM casing;
  RAISE NOTICE '% rows loaded into the casing table', _rows;
END;
$function$;

CREATE OR REPLACE FUNCTION migrate_perforations() RETURNS void
LANGUAGE plpgsql AS $function$
DECLARE
  _rows bigint;
BEGIN
  RAISE NOTICE 'Starting migrate_perforations() procedure...';
  EXECUTE $sql$
  INSERT INTO perforation (
    perforation_guid, well_tag_number, liner_thickness, liner_diameter, liner_from, liner_to,
    liner_perforation_from, liner_perforation_to,
    create_user, create_date, update_user, update_date)
  SELECT gen_random_uuid(), xform.well_tag_number, p.liner_thickness, p.liner_diameter,
         p.liner_from, p.liner_to, p.liner_perforation_from, p.liner_perforation_to,
         p.who_created, p.when_created, p.who_updated, p.when_updated
    FROM wells.wells_perforations p
    JOIN xform_well xform ON xform.well_id = p.well_id
   WHERE ($1::bigint[] IS NULL OR p.well_id = ANY($1))
     -- rows with all six liner values NULL carry nothing (seed, since 2018-03-12)
     AND NOT (p.liner_thickness IS NULL AND p.liner_diameter IS NULL AND p.liner_from IS NULL
              AND p.liner_to IS NULL AND p.liner_perforation_from IS NULL
              AND p.liner_perforation_to IS NULL)
  $sql$ USING replicate_subset_well_ids();
  SELECT count(*) INTO _rows FROM perforation;
  RAISE NOTICE '% rows loaded into the perforation table', _rows;
END;
$function$;

CREATE OR REPLACE FUNCTION migrate_aquifers() RETURNS void
LANGUAGE plpgsql AS $function$
DECLARE
  _rows bigint;
BEGIN
  RAISE NOTICE 'Starting migrate_aquifers() procedure...';
  EXECUTE $sql$
  INSERT INTO aquifer_well (
    aquifer_well_guid, aquifer_id, well_tag_number,
    create_user, create_date, update_user, update_date)
  SELECT gen_random_uuid(), a.aquifer_id, xform.well_tag_number,
         a.who_created, a.when_created,
         coalesce(a.who_updated, a.who_created), coalesce(a.when_updated, a.when_created)
    FROM wells.gw_aquifer_wells a
    JOIN xform_well xform ON xform.well_id = a.well_id
   WHERE $1::bigint[] IS NULL OR a.well_id = ANY($1)
  $sql$ USING replicate_subset_well_ids();
  SELECT count(*) INTO _rows FROM aquifer_well;
  RAISE NOTICE '% rows loaded into the aquifer_well table', _rows;
END;
$function$;

CREATE OR REPLACE FUNCTION migrate_lithology() RETURNS void
LANGUAGE plpgsql AS $function$
DECLARE
  _rows bigint;
BEGIN
  RAISE NOTICE 'Starting migrate_lithology() procedure...';
  -- The seed also joined wells_wells again; the join to xform_well already implies the well.
  EXECUTE $sql$
  INSERT INTO lithology_description (
    lithology_description_guid, filing_number, well_tag_number, lithology_from, lithology_to,
    lithology_raw_data, lithology_description_code, lithology_material_code,
    lithology_hardness_code, lithology_colour_code, water_bearing_estimated_flow,
    well_yield_unit_code, lithology_observation, lithology_sequence_number,
    create_user, create_date, update_user, update_date)
  SELECT gen_random_uuid(), NULL, xform.well_tag_number, l.lithology_from, l.lithology_to,
         l.lithology_raw_data, l.lithology_code, l.lithology_material_code,
         l.relative_hardness_code, l.lithology_colour_code, l.water_bearing_estimated_flow,
         CASE l.water_bearing_est_flw_unt_cd WHEN 'USGM' THEN 'USGPM'
              ELSE l.water_bearing_est_flw_unt_cd END,
         l.lithology_observation, l.lithology_sequence_number,
         l.who_created, l.when_created,
         coalesce(l.who_updated, l.who_created), coalesce(l.when_updated, l.when_created)
    FROM wells.wells_lithology_descriptions l
    JOIN xform_well xform ON xform.well_id = l.well_id
   WHERE $1::bigint[] IS NULL OR l.well_id = ANY($1)
  $sql$ USING replicate_subset_well_ids();
  SELECT count(*) INTO _rows FROM lithology_description;
  RAISE NOTICE '% rows loaded into the lithology_description table', _rows;
END;
$function$;

COMMENT ON FUNCTION migrate_screens() IS 'Replication step 1: legacy screens of the staged wells into screen.';
COMMENT ON FUNCTION migrate_production() IS 'Replication step 1: legacy production data of the staged wells into production_data.';
COMMENT ON FUNCTION migrate_casings() IS 'Replication step 2: legacy casings of the staged wells into casing.';
COMMENT ON FUNCTION migrate_perforations() IS 'Replication step 2: legacy perforations of the staged wells into perforation (all-NULL rows skipped).';
COMMENT ON FUNCTION migrate_aquifers() IS 'Replication step 2: legacy aquifer links of the staged wells into aquifer_well.';
COMMENT ON FUNCTION migrate_lithology() IS 'Replication step 2: legacy lithology of the staged wells into lithology_description.';
