-- The deterministic generator of the legacy stand-in. Runs inside the server, set-based.
--
-- Every value is a function of (seed, well index i[, child j]) through hashint8extended, so
-- the same seed gives the same content. Double-brace placeholders are per-mille rates and
-- counts substituted from the Rust constants in generate.rs (numbers only, never input);
-- the seed and the sizes arrive in the temp table legacy_params, inserted with bind parameters.
-- Runs with search_path set to the stand-in's schema, after schema.sql.

-- JIT compiles each statement for ~0.3 s (the cost estimates are large) and gains nothing here.
SET LOCAL jit = off;

-- A uniform number in 0..999 from a key; inlined by the planner (single-expression SQL).
-- The key is (salt, i): salt names the column (< 2^30; any distinct constant: these are crc32s of
-- `table:column-tag` taken when this file was written; the owner test shares one between
-- wells_owners and wells_wells so every owner_id has its row), i the row (< 2^32); hashing a bigint
-- avoids formatting text per call, which dominated the cost.
CREATE FUNCTION pg_temp.r(salt int, i bigint, s bigint) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT (((hashint8extended((salt::bigint << 32) | i, s) >> 12) & 1048575) % 1000)::int $$;

-- One element of an array (NULL elements model NULL values).
CREATE FUNCTION pg_temp.pick(a text[], salt int, i bigint, s bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT a[1 + (((hashint8extended((salt::bigint << 32) | i, s) >> 12) & 1048575) % cardinality(a))::int] $$;

-- Well index → well_id and tag number (three segments: below, inside and above the subset
-- range 100001..113567; see TagLayout in generate.rs).
CREATE TEMP TABLE legacy_gen ON COMMIT DROP AS
SELECT i,
       500000 + i * 3 AS well_id,
       (CASE WHEN i <= p.a THEN 1 + ((i - 1) * p.span_a) / p.a
             WHEN i <= p.a + p.b THEN p.start_b + ((i - p.a - 1) * p.span_b) / p.b
             ELSE p.start_c + ((i - p.a - p.b - 1) * p.span_c) / p.c END)::int AS tag
  FROM legacy_params p, generate_series(1::bigint, p.wells) AS i;
ANALYZE legacy_params, legacy_gen;

INSERT INTO wells_bcgs_numbers (bcgs_id, bcgs_number, who_created, when_created, who_updated, when_updated)
SELECT k,
       lpad((82 + k % 23)::text, 3, '0') || pg_temp.pick(ARRAY['A','B','C','D','E','F','G','H','J','K','L','M','N','O','P'], 773053447, k, p.seed)
         || '.' || lpad((1 + k % 100)::text, 3, '0') || '.' || (1 + k % 4) || '.' || (1 + k / 4 % 4),
       pg_temp.pick(ARRAY['WELLS','PROXY_WELLS','ETL_USER','DATALOAD_USER'], 152643458, k, p.seed),
    timestamp '1990-01-01' + pg_temp.r(687236624, k, p.seed) * interval '9 days' + pg_temp.r(573862977, k, p.seed) * interval '83 seconds',
    CASE WHEN pg_temp.r(650984395, k, p.seed) >= {{NULL_UPDATE}} THEN pg_temp.pick(ARRAY['WELLS','PROXY_WELLS','ETL_USER'], 1036882643, k, p.seed) END,
    CASE WHEN pg_temp.r(650984395, k, p.seed) >= {{NULL_UPDATE}} THEN timestamp '2005-01-01' + pg_temp.r(472044353, k, p.seed) * interval '4 days' END
  FROM legacy_params p, generate_series(1::bigint, p.bcgs) AS k;

INSERT INTO wells_owners (owner_id, given_name, surname, street_number, street_name, address_line,
                          city, postal_code, province_state_code, phone_number, email_address, who_created, when_created, who_updated, when_updated)
SELECT g.i,
       pg_temp.pick(ARRAY['GARY','MARY','JOHN','LINDA','RAJ','WEI','ANNE','PIERRE', NULL], 554929671, g.i, p.seed),
       pg_temp.pick(ARRAY['AKLES','SMITH','NGUYEN','SINGH','TREMBLAY','O''NEIL','MACDONALD', NULL], 264067410, g.i, p.seed),
       CASE WHEN pg_temp.r(45438119, g.i, p.seed) < 900 THEN (1 + pg_temp.r(483508484, g.i, p.seed) * 7)::text END,
       pg_temp.pick(ARRAY['MAIN ST','218 RD','OCEAN VIEW DR','RR 2 SITE 5','HWY 97 N', NULL], 465306909, g.i, p.seed),
       NULL,
       pg_temp.pick(ARRAY['KAMLOOPS','NANAIMO','PRINCE GEORGE','KELOWNA','VERNON','SURREY', NULL], 454811296, g.i, p.seed),
       CASE WHEN pg_temp.r(697829220, g.i, p.seed) < 800
            THEN 'V' || (pg_temp.r(524568308, g.i, p.seed) % 10) || chr(65 + pg_temp.r(105715534, g.i, p.seed) % 26) || ' '
                 || (pg_temp.r(826943448, g.i, p.seed) % 10) || chr(65 + pg_temp.r(791589499, g.i, p.seed) % 26)
                 || (pg_temp.r(405373677, g.i, p.seed) % 10) END,
       CASE WHEN pg_temp.r(939299527, g.i, p.seed) < {{WASH_STATE}} THEN 'WASH_STATE'
            WHEN pg_temp.r(939299527, g.i, p.seed) < {{WASH_STATE}} + {{NULL_PROVINCE}} THEN NULL
            WHEN pg_temp.r(939299527, g.i, p.seed) < 950 THEN 'BC'
            ELSE pg_temp.pick(ARRAY['AB','ON','SK','MB','YT','NT','QC','WA'], 328677895, g.i, p.seed) END,
       NULL,
       NULL,
       pg_temp.pick(ARRAY['WELLS','PROXY_WELLS','ETL_USER','DATALOAD_USER'], 358670571, g.i, p.seed),
    timestamp '1990-01-01' + pg_temp.r(881828217, g.i, p.seed) * interval '9 days' + pg_temp.r(1045279528, g.i, p.seed) * interval '83 seconds',
    CASE WHEN pg_temp.r(984939682, g.i, p.seed) >= {{NULL_UPDATE}} THEN pg_temp.pick(ARRAY['WELLS','PROXY_WELLS','ETL_USER'], 565466554, g.i, p.seed) END,
    CASE WHEN pg_temp.r(984939682, g.i, p.seed) >= {{NULL_UPDATE}} THEN timestamp '2005-01-01' + pg_temp.r(5968936, g.i, p.seed) * interval '4 days' END
  FROM legacy_gen g, legacy_params p
 WHERE pg_temp.r(228699343, g.i, p.seed) < {{OWNER}};

INSERT INTO wells_wells (
    well_id, well_tag_number, owner_id, bcgs_id, acceptance_status_code,
    site_street, site_area, lot_number, legal_plan, legal_district_lot, legal_block, legal_section,
    legal_township, legal_range, legal_land_district_code, pid, well_location, well_identification_plate_no,
    diameter, total_depth_drilled, depth_well_drilled, water_depth, bedrock_depth, type_of_well_cap,
    well_disinfected_ind, alternative_specifications_ind, final_casing_stick_up, development_method_code,
    development_hours, yield_value, yield_unit_code, well_use_code, class_of_well_codclassified_by,
    subclass_of_well_classified_by, drilling_method_code, ground_elevation_method_code,
    orientation_of_well_code, status_of_well_code, observation_well_number, ministry_observation_well_stat,
    well_licence_general_status, latitude, longitude, elevation, utm_zone_code, utm_accuracy_code,
    utm_north, utm_east, construction_start_date, construction_end_date, alteration_start_date,
    alteration_end_date, closure_start_date, closure_end_date, driller_company_code, artesian_flow_value,
    artesian_pressure, water_supply_system_name, water_supply_well_name, where_plate_attached,
    chemistry_site_id, screen_intake_code, screen_type_code, screen_material_code, screen_opening_code,
    screen_bottom_code, surface_seal_method_code, surface_seal_material_code, surface_seal_depth,
    surface_seal_thickness, backfill_type, backfill_depth, liner_material_code, closure_reason,
    closure_method_code, closure_details, sealant_material, backfill_material, general_remarks,
    who_created, when_created, who_updated, when_updated)
SELECT g.well_id, g.tag,
       CASE WHEN pg_temp.r(228699343, g.i, p.seed) < {{OWNER}} THEN g.i END,
       CASE WHEN pg_temp.r(915805528, g.i, p.seed) < 900 THEN 1 + (hashint8extended((86991888::bigint << 32) | g.i, p.seed) & 1048575) % p.bcgs END,
       CASE WHEN st < {{PENDING}} THEN 'PENDING'
            WHEN st < {{PENDING}} + {{REJECTED}} THEN 'REJECTED'
            WHEN st < {{PENDING}} + {{REJECTED}} + {{NEW}} THEN 'NEW'
            WHEN st < {{PENDING}} + {{REJECTED}} + {{NEW}} + {{NULL_STATUS}} THEN NULL
            ELSE 'ACCEPTED' END,
       CASE WHEN pg_temp.r(188831588, g.i, p.seed) < 850 THEN (1 + pg_temp.r(675756989, g.i, p.seed) * 13) || ' '
            || pg_temp.pick(ARRAY['MAIN ST','218 RD','LAKESHORE DR','OLD MILL RD','HWY 3'], 479432428, g.i, p.seed) END,
       pg_temp.pick(ARRAY['KAMLOOPS','SALT SPRING ISLAND','OKANAGAN FALLS','CHILLIWACK','FORT ST. JOHN', NULL], 955786796, g.i, p.seed),
       CASE WHEN pg_temp.r(672479446, g.i, p.seed) < 500 THEN (1 + pg_temp.r(303695285, g.i, p.seed) % 120)::text END,
       CASE WHEN pg_temp.r(672479446, g.i, p.seed) < 600
            THEN pg_temp.pick(ARRAY['KAP','VIP','EPP','BCP',''], 761530706, g.i, p.seed) || (1000 + pg_temp.r(57305214, g.i, p.seed) * 61) END,
       CASE WHEN pg_temp.r(63626759, g.i, p.seed) < 300 THEN (1 + pg_temp.r(767868715, g.i, p.seed) * 9)::text END,
       CASE WHEN pg_temp.r(749435144, g.i, p.seed) < 200 THEN pg_temp.pick(ARRAY['A','B','1','2','C'], 360169900, g.i, p.seed) END,
       CASE WHEN pg_temp.r(102455802, g.i, p.seed) < 300 THEN (1 + pg_temp.r(411028569, g.i, p.seed) % 36)::text END,
       CASE WHEN pg_temp.r(102455802, g.i, p.seed) < 300 THEN (1 + pg_temp.r(24550883, g.i, p.seed) % 130)::text END,
       CASE WHEN pg_temp.r(102455802, g.i, p.seed) < 300 THEN (1 + pg_temp.r(823945580, g.i, p.seed) % 30)::text END,
       CASE WHEN pg_temp.r(97049661, g.i, p.seed) < 900 THEN lpad((1 + pg_temp.r(298418290, g.i, p.seed) % 66)::text, 2, '0') END,
       CASE WHEN pg_temp.r(487521757, g.i, p.seed) < 550 THEN ((hashint8extended((599753056::bigint << 32) | g.i, p.seed) & 268435455) % 999999999)::int END,
       CASE WHEN pg_temp.r(572891029, g.i, p.seed) < 700 THEN 'BEHIND HOUSE, ' || (1 + pg_temp.r(354594563, g.i, p.seed) % 90) || ' M FROM ROAD' END,
       CASE WHEN pg_temp.r(577108997, g.i, p.seed) < 250 THEN (10000 + g.i)::int END,
       pg_temp.pick(ARRAY['6','6.0','0','0.0','UNK','8','4.5','SIX INCH', NULL], 866134664, g.i, p.seed),
       round(pg_temp.r(131286116, g.i, p.seed) * 0.61 + 3, 2),
       round(pg_temp.r(131286116, g.i, p.seed) * 0.6 + 3, 2),
       CASE WHEN pg_temp.r(19133260, g.i, p.seed) < 800 THEN round(pg_temp.r(754849703, g.i, p.seed) * 0.09, 2) END,
       CASE WHEN pg_temp.r(200600610, g.i, p.seed) < 400 THEN round(pg_temp.r(457961907, g.i, p.seed) * 0.4, 2) END,
       pg_temp.pick(ARRAY['STEEL CAP','WELDED PLATE','PITLESS ADAPTER','NONE', NULL], 411702415, g.i, p.seed),
       pg_temp.pick(ARRAY['Y','Y','N','N','N', NULL], 754849703, g.i, p.seed),
       pg_temp.pick(ARRAY['Y','N','N','N', NULL, NULL], 1052584514, g.i, p.seed),
       CASE WHEN pg_temp.r(318427228, g.i, p.seed) < 600 THEN round(pg_temp.r(558080276, g.i, p.seed) * 0.003, 2) END,
       pg_temp.pick(ARRAY['AIR_LIFT','BAIL','JET','PUMP','SURGE','OTHER', NULL, NULL], 885911185, g.i, p.seed),
       CASE WHEN pg_temp.r(550286046, g.i, p.seed) < 500 THEN round(pg_temp.r(78060062, g.i, p.seed) * 0.048, 1) END,
       CASE WHEN pg_temp.r(530636482, g.i, p.seed) < 850 THEN round(pg_temp.r(29641569, g.i, p.seed) * 0.1, 3) END,
       pg_temp.pick(ARRAY['GPM','GPM','GPM','IGM','DRY','LPS','USGM','GPH','UNK', NULL], 416094939, g.i, p.seed),
       CASE WHEN pg_temp.r(105789269, g.i, p.seed) < {{OTH}} THEN 'OTH'
            WHEN pg_temp.r(105789269, g.i, p.seed) < {{OTH}} + {{UNK}} THEN 'UNK'
            ELSE pg_temp.pick(ARRAY['DOM','DOM','DOM','DOM','COM','IRR','OBS','TST','DWS','OP_LP_GEO', NULL], 524773103, g.i, p.seed) END,
       pg_temp.pick(ARRAY['WATR_SPPLY','WATR_SPPLY','WATR_SPPLY','WATR_SPPLY','WATR_SPPLY','MONITOR','GEOTECH','INJECTION',
                          'DEWATERING','RECHARGE','REMEDIATE','CLS_LP_GEO','DRAINAGE', NULL], 210454720, g.i, p.seed),
       pg_temp.pick(ARRAY['DOMESTIC','DOMESTIC','NON_DOMEST','TEMPORARY','PERMANENT','BOREHOLE','TEST_PIT','SPECIAL','NA', NULL], 385238784, g.i, p.seed),
       pg_temp.pick(ARRAY['AIR_ROTARY','AIR_ROTARY','AIR_ROTARY','AUGER','CABLE_TOOL','DRIVING','DUGOUT','DUO_ROTARY',
                          'EXCAVATING','JETTING','MUD_ROTARY','OTHER','UNK', NULL], 23395608, g.i, p.seed),
       pg_temp.pick(ARRAY['5K_MAP','10K_MAP','20K_MAP','50K_MAP','ALTIMETER','DIFF_GPS','GPS','LEVEL', NULL, NULL], 289092960, g.i, p.seed),
       pg_temp.pick(ARRAY['VERT','VERT','VERT','VERT','HORIZ', NULL], 439433903, g.i, p.seed),
       CASE WHEN pg_temp.r(204247933, g.i, p.seed) < {{UNK}} THEN 'UNK'
            ELSE pg_temp.pick(ARRAY['NEW','NEW','NEW','NEW','NEW','ALTERATION','CLOSURE','ABANDONED','OTHER', NULL], 992715755, g.i, p.seed) END,
       CASE WHEN pg_temp.r(126233291, g.i, p.seed) < {{OBSERVATION}} THEN (1 + g.i % 999)::smallint END,
       CASE WHEN pg_temp.r(126233291, g.i, p.seed) < {{OBSERVATION}} THEN pg_temp.pick(ARRAY['Active','Inactive','Abandoned'], 758516281, g.i, p.seed) END,
       pg_temp.pick(ARRAY['LICENSED','UNLICENSED','UNLICENSED', NULL], 997826688, g.i, p.seed),
       round(48.3 + pg_temp.r(899819698, g.i, p.seed) * 0.0113 + pg_temp.r(749435144, g.i, p.seed) * 0.0000113, 6),
       (CASE WHEN pg_temp.r(521275456, g.i, p.seed) < {{POSITIVE_LONGITUDE}} THEN 1 ELSE -1 END)
         * round(114.1 + pg_temp.r(482446727, g.i, p.seed) * 0.0139 + pg_temp.r(209621014, g.i, p.seed) * 0.0000139, 6),
       CASE WHEN pg_temp.r(970425247, g.i, p.seed) < 500 THEN round(pg_temp.r(449965894, g.i, p.seed) * 2.3, 2) END,
       pg_temp.pick(ARRAY['09','10','10','11', NULL], 617039942, g.i, p.seed),
       pg_temp.pick(ARRAY['1','10','100','1000', NULL], 782401962, g.i, p.seed),
       5350000 + pg_temp.r(1042127931, g.i, p.seed) * 1000 + pg_temp.r(152743085, g.i, p.seed),
       300000 + pg_temp.r(701449651, g.i, p.seed) * 400 + pg_temp.r(818287625, g.i, p.seed),
       CASE WHEN pg_temp.r(797778969, g.i, p.seed) < 700 THEN timestamp '1955-01-01' + pg_temp.r(25380149, g.i, p.seed) * interval '22 days' END,
       CASE WHEN pg_temp.r(797778969, g.i, p.seed) < 700 THEN timestamp '1955-01-01' + pg_temp.r(25380149, g.i, p.seed) * interval '22 days'
            + pg_temp.r(894955620, g.i, p.seed) % 30 * interval '1 day' END,
       CASE WHEN pg_temp.r(498812571, g.i, p.seed) < 50 THEN timestamp '1990-01-01' + pg_temp.r(768717332, g.i, p.seed) * interval '10 days' END,
       CASE WHEN pg_temp.r(498812571, g.i, p.seed) < 50 THEN timestamp '1990-01-03' + pg_temp.r(768717332, g.i, p.seed) * interval '10 days' END,
       CASE WHEN pg_temp.r(112979843, g.i, p.seed) < 30 THEN timestamp '1995-01-01' + pg_temp.r(919673612, g.i, p.seed) * interval '8 days' END,
       CASE WHEN pg_temp.r(112979843, g.i, p.seed) < 30 THEN timestamp '1995-01-02' + pg_temp.r(919673612, g.i, p.seed) * interval '8 days' END,
       CASE WHEN pg_temp.r(969270116, g.i, p.seed) < 900 THEN lpad((1 + (hashint8extended((326484886::bigint << 32) | g.i, p.seed) & 1048575) % 531)::text, 3, '0') END,
       CASE WHEN pg_temp.r(78780193, g.i, p.seed) < 20 THEN round(pg_temp.r(510182236, g.i, p.seed) * 0.5, 2) END,
       CASE WHEN pg_temp.r(78780193, g.i, p.seed) < 20 THEN round(pg_temp.r(716994061, g.i, p.seed) * 0.2, 2) END,
       CASE WHEN pg_temp.r(791515744, g.i, p.seed) < 60 THEN pg_temp.pick(ARRAY['SUNNYSIDE WATERWORKS','LAKE VIEW IMPROVEMENT DISTRICT','CITY OF KAMLOOPS'], 204209849, g.i, p.seed) END,
       CASE WHEN pg_temp.r(791515744, g.i, p.seed) < 60 THEN 'WELL #' || (1 + g.i % 9) END,
       CASE WHEN pg_temp.r(577108997, g.i, p.seed) < 250 THEN pg_temp.pick(ARRAY['ON CASING','ON WELL CAP','INSIDE PUMPHOUSE'], 332756463, g.i, p.seed) END,
       CASE WHEN pg_temp.r(769056720, g.i, p.seed) < 40 THEN 'E' || (200000 + g.i) END,
       pg_temp.pick(ARRAY['OPEN_HOLE','SCREEN','SCREEN','UNCASD_HLE', NULL, NULL], 908307998, g.i, p.seed),
       CASE WHEN pg_temp.r(354796231, g.i, p.seed) < {{UNK}} THEN 'UNK' ELSE pg_temp.pick(ARRAY['PIPE_SIZE','TELESCOPE','OTHER', NULL, NULL], 731168378, g.i, p.seed) END,
       CASE WHEN pg_temp.r(827222535, g.i, p.seed) < {{UNK}} THEN 'UNK' ELSE pg_temp.pick(ARRAY['PLASTIC','STNLSS_STL','OTHER', NULL, NULL], 849211328, g.i, p.seed) END,
       pg_temp.pick(ARRAY['CONTIN_SLT','PERF_PIPE','SLOTTED', NULL, NULL], 524290859, g.i, p.seed),
       pg_temp.pick(ARRAY['BAIL','PLATE','PLUG','OTHER', NULL, NULL], 569472918, g.i, p.seed),
       CASE WHEN pg_temp.r(520120507, g.i, p.seed) < {{UNK}} THEN 'UNK' ELSE pg_temp.pick(ARRAY['POURED','PUMPED','OTHER', NULL], 795515956, g.i, p.seed) END,
       CASE WHEN pg_temp.r(621762008, g.i, p.seed) < {{UNK}} THEN 'UNK'
            ELSE pg_temp.pick(ARRAY['BNTITE_CLY','BN_BACKFLL','BN_CEM_MIX','BN_SD_WTMX','BN_STL_CSG','BN_WT_MIX','CON_GRT',
                                    'GRT_STLCSG','NT_CMT_GRT','NT_CMT_BMX','SND_CMT_GT','OTHER','BN_DRL_CUT', NULL], 409840802, g.i, p.seed) END,
       CASE WHEN pg_temp.r(143839907, g.i, p.seed) < 600 THEN round(pg_temp.r(1066787381, g.i, p.seed) * 0.02, 2) END,
       CASE WHEN pg_temp.r(143839907, g.i, p.seed) < 600 THEN round(pg_temp.r(647803791, g.i, p.seed) * 0.003, 2) END,
       CASE WHEN pg_temp.r(117236183, g.i, p.seed) < 200 THEN pg_temp.pick(ARRAY['DRILL CUTTINGS','NATIVE','PEA GRAVEL'], 838586689, g.i, p.seed) END,
       CASE WHEN pg_temp.r(117236183, g.i, p.seed) < 200 THEN round(pg_temp.r(686981371, g.i, p.seed) * 0.05, 2) END,
       pg_temp.pick(ARRAY['PVC','OTHER', NULL, NULL, NULL, NULL], 1007969433, g.i, p.seed),
       CASE WHEN pg_temp.r(112979843, g.i, p.seed) < 30 THEN 'DRY HOLE; REPLACED BY NEW WELL' END,
       CASE WHEN pg_temp.r(112979843, g.i, p.seed) < 30 THEN pg_temp.pick(ARRAY['POURED','PUMPED'], 314225612, g.i, p.seed) END,
       CASE WHEN pg_temp.r(112979843, g.i, p.seed) < 30 THEN 'FILLED WITH BENTONITE CHIPS TO SURFACE' END,
       pg_temp.pick(ARRAY['bentonite','bentonight','BENTONITE CHIPS','cement grout','cemnt','Bentonite/cement', NULL, NULL, NULL], 105470609, g.i, p.seed),
       pg_temp.pick(ARRAY['drill cuttings','driLL cutings','gravel','sand', NULL, NULL, NULL], 580339991, g.i, p.seed),
       CASE WHEN pg_temp.r(317239463, g.i, p.seed) < 400 THEN 'GENERAL REMARKS FOR WELL ' || g.tag || ': '
            || repeat('NOTES ', pg_temp.r(686263748, g.i, p.seed) % 35) END,
       pg_temp.pick(ARRAY['WELLS','PROXY_WELLS','ETL_USER','DATALOAD_USER'], 848986628, g.i, p.seed),
    timestamp '1990-01-01' + pg_temp.r(326484886, g.i, p.seed) * interval '9 days' + pg_temp.r(431477191, g.i, p.seed) * interval '83 seconds',
    CASE WHEN pg_temp.r(491691597, g.i, p.seed) >= {{NULL_UPDATE}} THEN pg_temp.pick(ARRAY['WELLS','PROXY_WELLS','ETL_USER'], 105789269, g.i, p.seed) END,
    CASE WHEN pg_temp.r(491691597, g.i, p.seed) >= {{NULL_UPDATE}} THEN timestamp '2005-01-01' + pg_temp.r(664893127, g.i, p.seed) * interval '4 days' END
  FROM legacy_gen g, legacy_params p, LATERAL (SELECT pg_temp.r(867510199, g.i, p.seed) AS st) s;

INSERT INTO wells_screens (screen_id, well_id, screen_from, screen_to, screen_internal_diameter,
                           screen_assembly_type_code, screen_slot_size, who_created, when_created, who_updated, when_updated)
SELECT g.i * 8 + j, g.well_id,
       round(20 + j * 3 + pg_temp.r(1029582781, k, p.seed) * 0.05, 2),
       round(22 + j * 3 + pg_temp.r(1029582781, k, p.seed) * 0.05, 2),
       pg_temp.pick(ARRAY['4','5','6','6'], 324030097, k, p.seed)::numeric,
       CASE WHEN pg_temp.r(591051294, k, p.seed) < {{ASSEMBLY_L}} THEN 'L'
            WHEN pg_temp.r(591051294, k, p.seed) < {{ASSEMBLY_L}} + {{ASSEMBLY_K_RISER}} THEN 'K  & Riser'
            ELSE pg_temp.pick(ARRAY['K_PACKER','RISER_PIPE','SCREEN','SCREEN','SCREEN','SCRN_BLANK','TAIL_PIPE', NULL], 976481188, k, p.seed) END,
       pg_temp.pick(ARRAY['10','20','20','30','40', NULL], 277072726, k, p.seed)::numeric,
       pg_temp.pick(ARRAY['WELLS','PROXY_WELLS','ETL_USER','DATALOAD_USER'], 546139489, k, p.seed),
    timestamp '1990-01-01' + pg_temp.r(23211251, k, p.seed) * interval '9 days' + pg_temp.r(195051170, k, p.seed) * interval '83 seconds',
    CASE WHEN pg_temp.r(257519912, k, p.seed) >= {{NULL_UPDATE}} THEN pg_temp.pick(ARRAY['WELLS','PROXY_WELLS','ETL_USER'], 341432368, k, p.seed) END,
    CASE WHEN pg_temp.r(257519912, k, p.seed) >= {{NULL_UPDATE}} THEN timestamp '2005-01-01' + pg_temp.r(901159330, k, p.seed) * interval '4 days' END
  FROM legacy_gen g, legacy_params p,
       generate_series(1, CASE WHEN pg_temp.r(641389597, g.i, p.seed) < 400 THEN 1 + pg_temp.r(945701310, g.i, p.seed) % 3 ELSE 0 END) AS j,
       LATERAL (SELECT g.i * 8 + j AS k) x;

INSERT INTO wells_production_data (production_data_id, well_id, yield_estimated_method_code, test_rate,
                                   test_duration, test_rate_units_code, static_level, net_drawdown, who_created, when_created, who_updated, when_updated)
SELECT g.i * 4 + j, g.well_id,
       CASE WHEN pg_temp.r(563997925, k, p.seed) < {{UNK}} THEN 'UNK'
            ELSE pg_temp.pick(ARRAY['AIR_LIFT','AIR_LIFT','BAILING','PUMPING','OTHER', NULL], 949271903, k, p.seed) END,
       round(pg_temp.r(748019984, k, p.seed) * 0.2, 2),
       round(pg_temp.r(100025381, k, p.seed) * 0.07, 2),
       CASE WHEN pg_temp.r(854684851, k, p.seed) < {{USGM}} THEN 'USGM'
            ELSE pg_temp.pick(ARRAY['GPM','GPM','IGM','LPS','GPH', NULL], 737682697, k, p.seed) END,
       round(pg_temp.r(379247731, k, p.seed) * 0.08, 2),
       CASE WHEN pg_temp.r(899461290, k, p.seed) < 600 THEN round(pg_temp.r(486479263, k, p.seed) * 0.05, 2) END,
       pg_temp.pick(ARRAY['WELLS','PROXY_WELLS','ETL_USER','DATALOAD_USER'], 651538095, k, p.seed),
    timestamp '1990-01-01' + pg_temp.r(121302845, k, p.seed) * interval '9 days' + pg_temp.r(234421612, k, p.seed) * interval '83 seconds',
    CASE WHEN pg_temp.r(151106278, k, p.seed) >= {{NULL_UPDATE}} THEN pg_temp.pick(ARRAY['WELLS','PROXY_WELLS','ETL_USER'], 302062590, k, p.seed) END,
    CASE WHEN pg_temp.r(151106278, k, p.seed) >= {{NULL_UPDATE}} THEN timestamp '2005-01-01' + pg_temp.r(871258732, k, p.seed) * interval '4 days' END
  FROM legacy_gen g, legacy_params p,
       generate_series(1, CASE WHEN pg_temp.r(963331689, g.i, p.seed) < 600 THEN 1 ELSE 0 END) AS j,
       LATERAL (SELECT g.i * 4 + j AS k) x;

INSERT INTO wells_casings (casing_id, well_id, casing_from, casing_to, casing_size, casing_material_code,
                           casing_wall, casing_drive_shoe_ind, who_created, when_created, who_updated, when_updated)
SELECT g.i * 8 + j, g.well_id,
       round((j - 1) * 15 + pg_temp.r(148299749, k, p.seed) * 0.01, 2),
       round(j * 15 + pg_temp.r(997174957, k, p.seed) * 0.05, 2),
       pg_temp.pick(ARRAY['6','6','6.625','8','4.5','2'], 651738825, k, p.seed)::numeric,
       CASE WHEN pg_temp.r(520357485, k, p.seed) < {{UNK}} THEN 'UNK'
            ELSE pg_temp.pick(ARRAY['STEEL','STEEL','STEEL','PLASTIC','OPEN_HOLE','STL_PUL_OT','CEMENT','OTHER', NULL], 101537751, k, p.seed) END,
       pg_temp.pick(ARRAY['0.188','0.25','0.25','0.219', NULL], 577175319, k, p.seed)::numeric,
       pg_temp.pick(ARRAY['Y','Y','N', NULL], 621493006, k, p.seed),
       pg_temp.pick(ARRAY['WELLS','PROXY_WELLS','ETL_USER','DATALOAD_USER'], 84425815, k, p.seed),
    timestamp '1990-01-01' + pg_temp.r(619150789, k, p.seed) * interval '9 days' + pg_temp.r(774205332, k, p.seed) * interval '83 seconds',
    CASE WHEN pg_temp.r(719069214, k, p.seed) >= {{NULL_UPDATE}} THEN pg_temp.pick(ARRAY['WELLS','PROXY_WELLS','ETL_USER'], 836536582, k, p.seed) END,
    CASE WHEN pg_temp.r(719069214, k, p.seed) >= {{NULL_UPDATE}} THEN timestamp '2005-01-01' + pg_temp.r(271829140, k, p.seed) * interval '4 days' END
  FROM legacy_gen g, legacy_params p,
       generate_series(1, CASE WHEN pg_temp.r(503878991, g.i, p.seed) < 850 THEN 1 + pg_temp.r(7078124, g.i, p.seed) % 3 ELSE 0 END) AS j,
       LATERAL (SELECT g.i * 8 + j AS k) x;

INSERT INTO wells_perforations (perforation_id, well_id, liner_from, liner_to, liner_diameter, liner_thickness,
                                liner_perforation_from, liner_perforation_to, who_created, when_created, who_updated, when_updated)
SELECT g.i * 4 + j, g.well_id,
       CASE WHEN kind = 'full' THEN round(10 + pg_temp.r(251024489, k, p.seed) * 0.03, 2) WHEN kind = 'zero' THEN 0 END,
       CASE WHEN kind = 'full' THEN round(50 + pg_temp.r(1028597025, k, p.seed) * 0.05, 2) WHEN kind = 'zero' THEN 0 END,
       CASE WHEN kind = 'full' THEN 4 WHEN kind = 'zero' THEN 0 END,
       CASE WHEN kind = 'full' THEN 0.25 WHEN kind = 'zero' THEN 0 END,
       CASE WHEN kind = 'full' THEN round(20 + j * 5 + pg_temp.r(278053322, k, p.seed) * 0.01, 2) WHEN kind = 'zero' THEN 0 END,
       CASE WHEN kind = 'full' THEN round(24 + j * 5 + pg_temp.r(278053322, k, p.seed) * 0.01, 2) WHEN kind = 'zero' THEN 0 END,
       pg_temp.pick(ARRAY['WELLS','PROXY_WELLS','ETL_USER','DATALOAD_USER'], 553702359, k, p.seed),
    timestamp '1990-01-01' + pg_temp.r(15700549, k, p.seed) * interval '9 days' + pg_temp.r(170754068, k, p.seed) * interval '83 seconds',
    CASE WHEN pg_temp.r(248827806, k, p.seed) >= {{NULL_UPDATE}} THEN pg_temp.pick(ARRAY['WELLS','PROXY_WELLS','ETL_USER'], 366241414, k, p.seed) END,
    CASE WHEN pg_temp.r(248827806, k, p.seed) >= {{NULL_UPDATE}} THEN timestamp '2005-01-01' + pg_temp.r(876291860, k, p.seed) * interval '4 days' END
  FROM legacy_gen g, legacy_params p,
       generate_series(1, CASE WHEN pg_temp.r(174755392, g.i, p.seed) < 150 THEN 1 + pg_temp.r(1030602454, g.i, p.seed) % 2 ELSE 0 END) AS j,
       LATERAL (SELECT g.i * 4 + j AS k) x,
       LATERAL (SELECT CASE WHEN pg_temp.r(452397094, k, p.seed) < {{NULL_PERFORATION}} THEN 'null'
                            WHEN pg_temp.r(452397094, k, p.seed) < {{NULL_PERFORATION}} + {{ZERO_PERFORATION}} THEN 'zero'
                            ELSE 'full' END AS kind) y;

INSERT INTO gw_aquifer_wells (aquifer_id, well_id, who_created, when_created, who_updated, when_updated)
SELECT 1 + (hashint8extended((1049324522::bigint << 32) | g.i, p.seed) & 1048575)::int % 1200, g.well_id,
       pg_temp.pick(ARRAY['WELLS','PROXY_WELLS','ETL_USER','DATALOAD_USER'], 296398709, g.i, p.seed),
    timestamp '1990-01-01' + pg_temp.r(809889511, g.i, p.seed) * interval '9 days' + pg_temp.r(981990582, g.i, p.seed) * interval '83 seconds',
    CASE WHEN pg_temp.r(1048490812, g.i, p.seed) >= {{NULL_UPDATE}} THEN pg_temp.pick(ARRAY['WELLS','PROXY_WELLS','ETL_USER'], 629021220, g.i, p.seed) END,
    CASE WHEN pg_temp.r(1048490812, g.i, p.seed) >= {{NULL_UPDATE}} THEN timestamp '2005-01-01' + pg_temp.r(76635062, g.i, p.seed) * interval '4 days' END
  FROM legacy_gen g, legacy_params p
 WHERE pg_temp.r(614754113, g.i, p.seed) < 200;

INSERT INTO wells_lithology_descriptions (lithology_description_id, well_id, lithology_from, lithology_to,
    lithology_raw_data, lithology_code, lithology_material_code, relative_hardness_code, lithology_colour_code,
    water_bearing_estimated_flow, water_bearing_est_flw_unt_cd, lithology_observation, lithology_sequence_number, who_created, when_created, who_updated, when_updated)
SELECT g.i * 16 + j, g.well_id,
       round((j - 1) * 6 + pg_temp.r(166940082, k, p.seed) * 0.001, 2),
       round(j * 6 + pg_temp.r(977943802, k, p.seed) * 0.001, 2),
       CASE WHEN pg_temp.r(966375741, k, p.seed) < {{CONTROL_CHAR}}
            THEN pg_temp.pick(ARRAY['SAND' || chr(1) || 'GRAVEL', 'CLAY' || chr(31) || ' TILL', chr(1) || 'BEDROCK ' || chr(31)], 872181969, k, p.seed)
            ELSE pg_temp.pick(ARRAY['brown sand and gravel, wet','grey clay','BOULDERS','till, dense','fractured granite',
                                    'SAND & GRAVEL W/ WATER','silty sand', NULL], 872181969, k, p.seed) END,
       CASE WHEN pg_temp.r(169920629, k, p.seed) < 800 THEN lpad((pg_temp.r(670903454, k, p.seed) % 74)::text, 2, '0') END,
       CASE WHEN pg_temp.r(169920629, k, p.seed) < 800
            THEN lpad((CASE WHEN pg_temp.r(505517114, k, p.seed) % 71 >= 35 THEN pg_temp.r(505517114, k, p.seed) % 71 + 1
                            ELSE pg_temp.r(505517114, k, p.seed) % 71 END)::text, 2, '0') END,
       pg_temp.pick(ARRAY['HARD','SOFT','VERY_HARD','VERY_SOFT','MEDIUM','STIFF','LOOSE','DENSE', NULL, NULL], 776691893, k, p.seed),
       CASE WHEN pg_temp.r(808449302, k, p.seed) < 600 THEN lpad((pg_temp.r(808449302, k, p.seed) % 17)::text, 2, '0') END,
       CASE WHEN pg_temp.r(591621440, k, p.seed) < 150 THEN round(pg_temp.r(340024790, k, p.seed) * 0.0123, 4) END,
       CASE WHEN pg_temp.r(591621440, k, p.seed) < 150
            THEN CASE WHEN pg_temp.r(223153260, k, p.seed) < {{USGM}} THEN 'USGM'
                      ELSE pg_temp.pick(ARRAY['GPM','GPM','LPS','IGM'], 83574855, k, p.seed) END END,
       CASE WHEN pg_temp.r(245270955, k, p.seed) < 100 THEN 'WATER BEARING' END,
       j,
       pg_temp.pick(ARRAY['WELLS','PROXY_WELLS','ETL_USER','DATALOAD_USER'], 814144914, k, p.seed),
    timestamp '1990-01-01' + pg_temp.r(292133888, k, p.seed) * interval '9 days' + pg_temp.r(464227921, k, p.seed) * interval '83 seconds',
    CASE WHEN pg_temp.r(525517275, k, p.seed) >= {{NULL_UPDATE}} THEN pg_temp.pick(ARRAY['WELLS','PROXY_WELLS','ETL_USER'], 72509635, k, p.seed) END,
    CASE WHEN pg_temp.r(525517275, k, p.seed) >= {{NULL_UPDATE}} THEN timestamp '2005-01-01' + pg_temp.r(633153873, k, p.seed) * interval '4 days' END
  FROM legacy_gen g, legacy_params p,
       generate_series(1, pg_temp.r(993618203, g.i, p.seed) % 11) AS j,
       LATERAL (SELECT g.i * 16 + j AS k) x;
