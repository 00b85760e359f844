-- The nine tables replication reads, shaped as `IMPORT FOREIGN SCHEMA` (oracle_fdw,
-- case 'smart') produces them from the legacy WELLS schema: NUMBER(p,0) → smallint/integer/bigint,
-- NUMBER(p,s) → numeric(p,s), NUMBER → numeric, VARCHAR2(n) → varchar(n), DATE → timestamp(0).
--
-- The declared shape, not run by the generator: its CREATE TABLE ... AS statements
-- (generate.sql) give each column its type by a cast, and indexes.sql adds the NOT NULLs with
-- the keys. The database tests create this file beside a generated stand-in and compare the
-- two catalogs column by column.

CREATE TABLE wells_bcgs_numbers (
    bcgs_id bigint NOT NULL,
    bcgs_number varchar(20),
    who_created varchar(30), when_created timestamp(0), who_updated varchar(30), when_updated timestamp(0)
);

CREATE TABLE wells_owners (
    owner_id bigint NOT NULL,
    given_name varchar(50),
    surname varchar(50),
    street_number varchar(10),
    street_name varchar(80),
    address_line varchar(100),
    city varchar(100),
    postal_code varchar(10),
    province_state_code varchar(10),
    phone_number varchar(20),
    email_address varchar(100),
    who_created varchar(30), when_created timestamp(0), who_updated varchar(30), when_updated timestamp(0)
);

CREATE TABLE wells_wells (
    well_id bigint NOT NULL,
    well_tag_number integer NOT NULL,
    owner_id bigint,
    bcgs_id bigint,
    acceptance_status_code varchar(10),
    site_street varchar(100),
    site_area varchar(50),
    lot_number varchar(10),
    legal_plan varchar(20),
    legal_district_lot varchar(20),
    legal_block varchar(10),
    legal_section varchar(10),
    legal_township varchar(20),
    legal_range varchar(10),
    legal_land_district_code varchar(10),
    pid integer,
    well_location varchar(500),
    well_identification_plate_no integer,
    diameter varchar(9),
    total_depth_drilled numeric(7,2),
    depth_well_drilled numeric(7,2),
    water_depth numeric(7,2),
    bedrock_depth numeric(7,2),
    type_of_well_cap varchar(40),
    well_disinfected_ind varchar(1),
    alternative_specifications_ind varchar(1),
    final_casing_stick_up numeric,
    development_method_code varchar(10),
    development_hours numeric,
    yield_value numeric(8,3),
    yield_unit_code varchar(10),
    well_use_code varchar(10),
    class_of_well_codclassified_by varchar(10),
    subclass_of_well_classified_by varchar(10),
    drilling_method_code varchar(10),
    ground_elevation_method_code varchar(10),
    orientation_of_well_code varchar(10),
    status_of_well_code varchar(10),
    observation_well_number smallint,
    ministry_observation_well_stat varchar(25),
    well_licence_general_status varchar(10),
    latitude numeric,
    longitude numeric,
    elevation numeric(10,2),
    utm_zone_code varchar(10),
    utm_accuracy_code varchar(10),
    utm_north integer,
    utm_east integer,
    construction_start_date timestamp(0),
    construction_end_date timestamp(0),
    alteration_start_date timestamp(0),
    alteration_end_date timestamp(0),
    closure_start_date timestamp(0),
    closure_end_date timestamp(0),
    driller_company_code varchar(10),
    artesian_flow_value numeric(7,2),
    artesian_pressure numeric(5,2),
    water_supply_system_name varchar(80),
    water_supply_well_name varchar(80),
    where_plate_attached varchar(500),
    chemistry_site_id varchar(10),
    screen_intake_code varchar(10),
    screen_type_code varchar(10),
    screen_material_code varchar(10),
    screen_opening_code varchar(10),
    screen_bottom_code varchar(10),
    surface_seal_method_code varchar(10),
    surface_seal_material_code varchar(10),
    surface_seal_depth numeric(5,2),
    surface_seal_thickness numeric(7,2),
    backfill_type varchar(250),
    backfill_depth numeric(7,2),
    liner_material_code varchar(10),
    closure_reason varchar(250),
    closure_method_code varchar(10),
    closure_details varchar(250),
    sealant_material varchar(100),
    backfill_material varchar(100),
    general_remarks varchar(255),
    who_created varchar(30), when_created timestamp(0), who_updated varchar(30), when_updated timestamp(0)
);

CREATE TABLE wells_screens (
    screen_id bigint NOT NULL,
    well_id bigint NOT NULL,
    screen_from numeric(7,2),
    screen_to numeric(7,2),
    screen_internal_diameter numeric(7,2),
    screen_assembly_type_code varchar(10),
    screen_slot_size numeric(7,2),
    who_created varchar(30), when_created timestamp(0), who_updated varchar(30), when_updated timestamp(0)
);

CREATE TABLE wells_production_data (
    production_data_id bigint NOT NULL,
    well_id bigint NOT NULL,
    yield_estimated_method_code varchar(10),
    test_rate numeric(7,2),
    test_duration numeric(9,2),
    test_rate_units_code varchar(10),
    static_level numeric(7,2),
    net_drawdown numeric(7,2),
    who_created varchar(30), when_created timestamp(0), who_updated varchar(30), when_updated timestamp(0)
);

CREATE TABLE wells_casings (
    casing_id bigint NOT NULL,
    well_id bigint NOT NULL,
    casing_from numeric(7,2),
    casing_to numeric(7,2),
    casing_size numeric(8,3),
    casing_material_code varchar(10),
    casing_wall numeric(6,3),
    casing_drive_shoe_ind varchar(1),
    who_created varchar(30), when_created timestamp(0), who_updated varchar(30), when_updated timestamp(0)
);

CREATE TABLE wells_perforations (
    perforation_id bigint NOT NULL,
    well_id bigint NOT NULL,
    liner_from numeric(7,2),
    liner_to numeric(7,2),
    liner_diameter numeric(7,2),
    liner_thickness numeric(5,3),
    liner_perforation_from numeric(7,2),
    liner_perforation_to numeric(7,2),
    who_created varchar(30), when_created timestamp(0), who_updated varchar(30), when_updated timestamp(0)
);

CREATE TABLE gw_aquifer_wells (
    aquifer_id integer NOT NULL,
    well_id bigint NOT NULL,
    who_created varchar(30), when_created timestamp(0), who_updated varchar(30), when_updated timestamp(0)
);

CREATE TABLE wells_lithology_descriptions (
    lithology_description_id bigint NOT NULL,
    well_id bigint NOT NULL,
    lithology_from numeric(7,2),
    lithology_to numeric(7,2),
    lithology_raw_data varchar(250),
    lithology_code varchar(10),
    lithology_material_code varchar(10),
    relative_hardness_code varchar(10),
    lithology_colour_code varchar(10),
    water_bearing_estimated_flow numeric(10,4),
    water_bearing_est_flw_unt_cd varchar(10),
    lithology_observation varchar(250),
    lithology_sequence_number integer,
    who_created varchar(30), when_created timestamp(0), who_updated varchar(30), when_updated timestamp(0)
);
