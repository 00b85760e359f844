-- Replication, step 1a: the legacy wells into the UNLOGGED staging table `xform_well`.
--
-- The seed's semantics, with three fixes: a NULL acceptance status is reported
-- (it is still skipped, as NOT IN skipped it); the subset predicate is a static range the
-- foreign server receives; and `xform_well_run` records the mode so step 2 can push the same
-- subset down to the children's sources.

DROP FUNCTION IF EXISTS populate_xform(boolean);
DROP FUNCTION IF EXISTS replicate_subset_well_ids();

CREATE OR REPLACE FUNCTION populate_xform(_subset_ind boolean DEFAULT true) RETURNS void
LANGUAGE plpgsql AS $function$
DECLARE
  _rows bigint;
  _null_status bigint;
BEGIN
  RAISE NOTICE 'Starting populate_xform() procedure...';
  DROP TABLE IF EXISTS xform_well;
  CREATE UNLOGGED TABLE xform_well (
    well_tag_number                    integer,
    well_id                            bigint,
    well_guid                          uuid,
    acceptance_status_code             varchar(10),
    owner_full_name                    varchar(200),
    owner_mailing_address              varchar(100),
    owner_city                         varchar(100),
    owner_postal_code                  varchar(10),
    street_address                     varchar(100),
    city                               varchar(50),
    legal_lot                          varchar(10),
    legal_plan                         varchar(20),
    legal_district_lot                 varchar(20),
    legal_block                        varchar(10),
    legal_section                      varchar(10),
    legal_township                     varchar(20),
    legal_range                        varchar(10),
    legal_pid                          varchar(9),
    well_location_description          varchar(500),
    identification_plate_number        integer,
    diameter                           varchar(9),
    total_depth_drilled                numeric(7,2),
    finished_well_depth                numeric(7,2),
    static_water_level                 numeric(7,2),
    well_cap_type                      varchar(40),
    well_disinfected                   boolean,
    well_yield                         numeric(8,3),
    intended_water_use_code            varchar(10),
    land_district_code                 varchar(10),
    province_state_code                varchar(10),
    well_class_code                    varchar(10),
    well_subclass_guid                 uuid,
    well_yield_unit_code               varchar(10),
    latitude                           numeric(8,6),
    longitude                          numeric(9,6),
    ground_elevation                   numeric(10,2),
    well_orientation                   boolean,
    other_drilling_method              varchar(50),
    drilling_method_code               varchar(10),
    ground_elevation_method_code       varchar(10),
    well_status_code                   varchar(10),
    observation_well_number            varchar(3),
    obs_well_status_code               varchar(10),
    licenced_status_code               varchar(10),
    alternative_specifications_ind     boolean,
    construction_start_date            timestamptz,
    construction_end_date              timestamptz,
    alteration_start_date              timestamptz,
    alteration_end_date                timestamptz,
    decommission_start_date            timestamptz,
    decommission_end_date              timestamptz,
    drilling_company_guid              uuid,
    final_casing_stick_up              integer,
    artesian_flow                      numeric(7,2),
    artesian_pressure                  numeric(5,2),
    bedrock_depth                      numeric(7,2),
    well_identification_plate_attached varchar(500),
    ems                                varchar(10),
    water_supply_system_name           varchar(80),
    water_supply_system_well_name      varchar(80),
    screen_intake_method_code          varchar(10),
    screen_type_code                   varchar(10),
    screen_material_code               varchar(10),
    screen_opening_code                varchar(10),
    screen_bottom_code                 varchar(10),
    utm_zone_code                      varchar(10),
    utm_northing                       integer,
    utm_easting                        integer,
    utm_accuracy_code                  varchar(10),
    bcgs_id                            bigint,
    development_method_code            varchar(10),
    development_duration               integer,
    yield_estimation_method_code       varchar(10),
    surface_seal_method_code           varchar(10),
    surface_seal_material_code         varchar(10),
    surface_seal_length                numeric(5,2),
    surface_seal_thickness             numeric(7,2),
    backfill_type                      varchar(250),
    backfill_depth                     numeric(7,2),
    liner_material_code                varchar(10),
    decommission_reason                varchar(250),
    decommission_method_code           varchar(10),
    decommission_details               varchar(250),
    sealant_material                   varchar(100),
    backfill_material                  varchar(100),
    comments                           varchar(255),
    create_date                        timestamptz,
    update_date                        timestamptz,
    create_user                        varchar(30),
    update_user                        varchar(30)
  );
  -- The mode of this run, read by the child loaders of step 2 (a later psql session).
  DROP TABLE IF EXISTS xform_well_run;
  CREATE UNLOGGED TABLE xform_well_run (subset_ind boolean NOT NULL);
  INSERT INTO xform_well_run VALUES (_subset_ind);
  RAISE NOTICE 'Created xform_well ETL table';

  SELECT count(*) INTO _null_status
    FROM wells.wells_wells wells
   WHERE wells.acceptance_status_code IS NULL
     AND (NOT _subset_ind OR wells.well_tag_number BETWEEN 100001 AND 113567);
  IF _null_status > 0 THEN
    RAISE NOTICE '% wells with a NULL acceptance_status_code skipped', _null_status;
  END IF;

  RAISE NOTICE '... transforming wells data (= ACCEPTED) via xform_well ETL table...';
  -- The predicate is chosen between two constants, so the foreign server receives it as is.
  EXECUTE $sql$
  INSERT INTO xform_well
  SELECT
    wells.well_tag_number,
    wells.well_id,
    gen_random_uuid(),
    wells.acceptance_status_code,
    concat_ws(' ', owner.given_name, owner.surname),
    concat_ws(' ', owner.street_number, owner.street_name),
    owner.city,
    owner.postal_code,
    wells.site_street,
    wells.site_area,
    wells.lot_number,
    wells.legal_plan,
    wells.legal_district_lot,
    wells.legal_block,
    wells.legal_section,
    wells.legal_township,
    wells.legal_range,
    to_char(wells.pid, 'fm000000000'),
    wells.well_location,
    wells.well_identification_plate_no,
    wells.diameter,
    wells.total_depth_drilled,
    wells.depth_well_drilled,
    wells.water_depth,
    wells.type_of_well_cap,
    CASE wells.well_disinfected_ind WHEN 'Y' THEN true WHEN 'N' THEN false ELSE false END,
    wells.yield_value,
    CASE wells.well_use_code WHEN 'OTH' THEN 'OTHER' ELSE wells.well_use_code END,
    wells.legal_land_district_code,
    CASE owner.province_state_code WHEN 'WASH_STATE' THEN 'WA' ELSE owner.province_state_code END,
    wells.class_of_well_codclassified_by,
    subclass.well_subclass_guid,
    CASE wells.yield_unit_code WHEN 'USGM' THEN 'USGPM' ELSE wells.yield_unit_code END,
    wells.latitude,
    CASE WHEN wells.longitude > 0 THEN wells.longitude * -1 ELSE wells.longitude END,
    wells.elevation,
    CASE wells.orientation_of_well_code WHEN 'HORIZ' THEN false ELSE true END,
    NULL,
    wells.drilling_method_code,
    wells.ground_elevation_method_code,
    CASE wells.status_of_well_code WHEN 'UNK' THEN NULL ELSE wells.status_of_well_code END,
    to_char(wells.observation_well_number, 'fm000'),
    CASE wells.ministry_observation_well_stat WHEN 'Abandoned' THEN 'Inactive'
         ELSE wells.ministry_observation_well_stat END,
    wells.well_licence_general_status,
    CASE wells.alternative_specifications_ind WHEN 'N' THEN false WHEN 'Y' THEN true ELSE NULL END,
    wells.construction_start_date AT TIME ZONE 'GMT',
    wells.construction_end_date AT TIME ZONE 'GMT',
    wells.alteration_start_date AT TIME ZONE 'GMT',
    wells.alteration_end_date AT TIME ZONE 'GMT',
    wells.closure_start_date AT TIME ZONE 'GMT',
    wells.closure_end_date AT TIME ZONE 'GMT',
    drilco.drilling_company_guid,
    round(wells.final_casing_stick_up),
    wells.artesian_flow_value,
    wells.artesian_pressure,
    wells.bedrock_depth,
    wells.where_plate_attached,
    wells.chemistry_site_id,
    wells.water_supply_system_name,
    wells.water_supply_well_name,
    wells.screen_intake_code,
    CASE wells.screen_type_code WHEN 'UNK' THEN NULL ELSE wells.screen_type_code END,
    CASE wells.screen_material_code WHEN 'UNK' THEN 'OTHER' ELSE wells.screen_material_code END,
    wells.screen_opening_code,
    wells.screen_bottom_code,
    wells.utm_zone_code,
    wells.utm_north,
    wells.utm_east,
    wells.utm_accuracy_code,
    wells.bcgs_id,
    wells.development_method_code,
    round(wells.development_hours),
    NULL,
    CASE wells.surface_seal_method_code WHEN 'UNK' THEN NULL ELSE wells.surface_seal_method_code END,
    CASE wells.surface_seal_material_code WHEN 'UNK' THEN 'OTHER'
         ELSE wells.surface_seal_material_code END,
    wells.surface_seal_depth,
    wells.surface_seal_thickness,
    wells.backfill_type,
    wells.backfill_depth,
    wells.liner_material_code,
    wells.closure_reason,
    wells.closure_method_code,
    wells.closure_details,
    wells.sealant_material,
    wells.backfill_material,
    wells.general_remarks,
    wells.when_created,
    coalesce(wells.when_updated, wells.when_created),
    wells.who_created,
    coalesce(wells.who_updated, wells.who_created)
  FROM wells.wells_wells wells
  LEFT JOIN wells.wells_owners owner ON owner.owner_id = wells.owner_id
  LEFT JOIN drilling_company drilco
         ON upper(drilco.drilling_company_code) = upper(wells.driller_company_code)
  LEFT JOIN well_subclass_code subclass
         ON upper(wells.subclass_of_well_classified_by) = upper(subclass.well_subclass_code)
        AND subclass.well_class_code = wells.class_of_well_codclassified_by
  WHERE wells.acceptance_status_code NOT IN ('PENDING', 'REJECTED', 'NEW')
  $sql$ || CASE WHEN _subset_ind
                THEN ' AND wells.well_tag_number BETWEEN 100001 AND 113567'
                ELSE '' END;
  GET DIAGNOSTICS _rows = ROW_COUNT;
  -- Statistics on the join key, so the children's joins to xform_well are planned from the
  -- real row count and distinct keys (a hash join), not from a guess (~50 ms; the whole table
  -- would take ~1 s for nothing the loaders use).
  ANALYZE xform_well (well_id);
  RAISE NOTICE '% rows loaded into the xform_well table', _rows;
  RAISE NOTICE 'Finished populate_xform() procedure.';
END;
$function$;

COMMENT ON FUNCTION populate_xform(boolean) IS
  'Replication step 1a: legacy wells (status filter; subset = well_tag_number 100001..113567) into the UNLOGGED xform_well staging table.';

-- The well_ids of a subset run, for the child loaders to push to the foreign server; NULL in a
-- full run (the children are then read whole and joined to xform_well locally).
CREATE OR REPLACE FUNCTION replicate_subset_well_ids() RETURNS bigint[]
LANGUAGE plpgsql STABLE AS $function$
BEGIN
  -- plpgsql, not sql: the staging tables do not exist when this is created.
  IF (SELECT bool_or(subset_ind) FROM xform_well_run) THEN
    RETURN (SELECT coalesce(array_agg(well_id ORDER BY well_id), '{}') FROM xform_well);
  END IF;
  RETURN NULL;
END;
$function$;

COMMENT ON FUNCTION replicate_subset_well_ids() IS
  'The legacy well_ids staged by a subset run (NULL for a full run), pushed down by the child loaders.';
