-- The deterministic generator of the legacy stand-in. Runs inside the server, set-based.
--
-- Every value is a function of (seed, row key) only, so the same seed gives the same content
-- whatever the plan, the number of parallel workers or the physical order (a change to what it
-- generates bumps GENERATOR in create.rs, so older stand-ins are not taken for current ones). Each statement takes
-- a few 64-bit hashes per row and each column from 20 bits of one of them: `u(h, n)` is field n
-- (0, 1 or 2) of hash h as a number in 0..999, the per-mille dice every rate below is compared
-- with. Hash h of a table is `hashint8extended(key, $1 # salt)`: $1 is the seed, the salt
-- (`64 * table + h`) names the table and the hash; the key is the well index i, or a child's id
-- (`i * 8 + j` for the j-th screen of well i, for instance). Hash 44 of a child table is the
-- per-well one that decides how many children a well has.
--
-- Each table is made by one `CREATE UNLOGGED TABLE ... AS SELECT` whose casts give exactly the
-- columns and types of schema.sql (the shape `IMPORT FOREIGN SCHEMA` produces; a database test
-- compares the two catalogs). CREATE TABLE AS, unlike INSERT ... SELECT, may compute its rows
-- with parallel workers: the rows come from a Parallel Seq Scan of the driver table
-- `generator_wells` (one row per well index; a temporary table could not be scanned in
-- parallel), the workers compute, the leader writes. UNLOGGED: no WAL for a throwaway copy.
--
-- Double-brace placeholders are per-mille rates substituted from the Rust constants in
-- generate.rs (numbers only, never input). The seed and the sizes are bind parameters, the same
-- for every step: $1 seed, $2 wells, $3 bcgs rows, $4..$6 wells per tag segment (a, b, c),
-- $7..$9 their spans, $10 and $11 the first tags of segments b and c, $12 and $13 the wells
-- moved onto the functional-test tags (indexes, tags; see TagLayout::moves). What precedes the
-- first `-- step:` line runs as one batch without parameters; each step is one statement, and
-- its name is the step of an error message. Runs with search_path set to the stand-in's schema.
--
-- Costs that shaped it (per value, one core): a hash ~10 ns, a field ~15 ns, a pick from a short
-- constant array ~25 ns, a numeric multiplication ~85 ns (round(x * 0.61 + 3, 2) was ~150 ns),
-- `date + int` ~12 ns against ~100 ns for `timestamp + n * interval`.

-- JIT compiles each statement for ~0.3 s (the cost estimates are large) and gains nothing here.
SET LOCAL jit = off;
-- Parallel workers for every CREATE TABLE AS: the rows are expensive to compute and cheap to
-- pass to the leader, which the default costs do not know. At least two workers per statement
-- (more if the server allows more); below ~7k wells (32 pages of driver) it stays serial.
-- A server without worker processes simply runs every statement in the leader.
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = '256kB';
SELECT set_config('max_parallel_workers_per_gather', greatest(setting::int, 2)::text, true)
  FROM pg_settings WHERE name = 'max_parallel_workers_per_gather';
-- Field n of hash h: 20 bits as 0..999 (the modulo's bias is below 0.1 %). Inlined.
CREATE OR REPLACE FUNCTION pg_temp.u(h bigint, n int) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT ((h >> (20 * n)) & 1048575)::int % 1000 $$;
-- One element of a constant array by a die (NULL elements model NULL values). Inlined.
CREATE OR REPLACE FUNCTION pg_temp.pick(a text[], d int) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT a[1 + d % cardinality(a)] $$;
CREATE OR REPLACE FUNCTION pg_temp.pick_n(a numeric[], d int) RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT a[1 + d % cardinality(a)] $$;

-- step: creating the driver table generator_wells
CREATE UNLOGGED TABLE generator_wells AS SELECT i FROM generate_series(1::bigint, $2) AS i;

-- step: generating wells_bcgs_numbers
CREATE UNLOGGED TABLE wells_bcgs_numbers AS
SELECT k AS bcgs_id,
       (lpad((82 + k % 23)::text, 3, '0') || pg_temp.pick('{A,B,C,D,E,F,G,H,J,K,L,M,N,O,P}', pg_temp.u(h0, 0))
         || '.' || lpad((1 + k % 100)::text, 3, '0') || '.' || (1 + k % 4) || '.' || (1 + k / 4 % 4))::varchar(20) AS bcgs_number,
       pg_temp.pick('{WELLS,PROXY_WELLS,ETL_USER,DATALOAD_USER}', pg_temp.u(h0, 1))::varchar(30) AS who_created,
       (date '1990-01-01' + 9 * pg_temp.u(h0, 2) + pg_temp.u(h1, 0) * interval '83 seconds')::timestamp(0) AS when_created,
       (CASE WHEN pg_temp.u(h1, 1) >= {{NULL_UPDATE}} THEN pg_temp.pick('{WELLS,PROXY_WELLS,ETL_USER}', pg_temp.u(h1, 2)) END)::varchar(30) AS who_updated,
       (CASE WHEN pg_temp.u(h1, 1) >= {{NULL_UPDATE}} THEN date '2005-01-01' + 4 * pg_temp.u(h2, 0) END)::timestamp(0) AS when_updated
  FROM (SELECT k, hashint8extended(k, $1 # 64) AS h0, hashint8extended(k, $1 # 65) AS h1, hashint8extended(k, $1 # 66) AS h2
          FROM generate_series(1::bigint, $3) AS k) g;

-- step: generating wells_owners
-- The owner dice is field 0 of the wells' hash 0 (salt 128): every owner_id has its row.
CREATE UNLOGGED TABLE wells_owners AS
SELECT i AS owner_id,
       pg_temp.pick('{GARY,MARY,JOHN,LINDA,RAJ,WEI,ANNE,PIERRE,NULL}', pg_temp.u(h0, 0))::varchar(50) AS given_name,
       pg_temp.pick('{AKLES,SMITH,NGUYEN,SINGH,TREMBLAY,O''NEIL,MACDONALD,NULL}', pg_temp.u(h0, 1))::varchar(50) AS surname,
       (CASE WHEN pg_temp.u(h0, 2) < 900 THEN (1 + 7 * pg_temp.u(h1, 0))::text END)::varchar(10) AS street_number,
       pg_temp.pick('{MAIN ST,218 RD,OCEAN VIEW DR,RR 2 SITE 5,HWY 97 N,NULL}', pg_temp.u(h1, 1))::varchar(80) AS street_name,
       NULL::varchar(100) AS address_line,
       pg_temp.pick('{KAMLOOPS,NANAIMO,PRINCE GEORGE,KELOWNA,VERNON,SURREY,NULL}', pg_temp.u(h1, 2))::varchar(100) AS city,
       (CASE WHEN pg_temp.u(h2, 0) < 800
             THEN 'V' || (h3 & 1023) % 10 || chr(65 + ((h3 >> 10) & 1023)::int % 26) || ' '
                  || ((h3 >> 20) & 1023) % 10 || chr(65 + ((h3 >> 30) & 1023)::int % 26) || ((h3 >> 40) & 1023) % 10 END)::varchar(10) AS postal_code,
       (CASE WHEN pg_temp.u(h2, 1) < {{WASH_STATE}} THEN 'WASH_STATE'
             WHEN pg_temp.u(h2, 1) < {{WASH_STATE}} + {{NULL_PROVINCE}} THEN NULL
             WHEN pg_temp.u(h2, 1) < 950 THEN 'BC'
             ELSE pg_temp.pick('{AB,ON,SK,MB,YT,NT,QC,WA}', pg_temp.u(h2, 2)) END)::varchar(10) AS province_state_code,
       NULL::varchar(20) AS phone_number,
       NULL::varchar(100) AS email_address,
       pg_temp.pick('{WELLS,PROXY_WELLS,ETL_USER,DATALOAD_USER}', pg_temp.u(h4, 0))::varchar(30) AS who_created,
       (date '1990-01-01' + 9 * pg_temp.u(h4, 1) + pg_temp.u(h4, 2) * interval '83 seconds')::timestamp(0) AS when_created,
       (CASE WHEN pg_temp.u(h5, 0) >= {{NULL_UPDATE}} THEN pg_temp.pick('{WELLS,PROXY_WELLS,ETL_USER}', pg_temp.u(h5, 1)) END)::varchar(30) AS who_updated,
       (CASE WHEN pg_temp.u(h5, 0) >= {{NULL_UPDATE}} THEN date '2005-01-01' + 4 * pg_temp.u(h5, 2) END)::timestamp(0) AS when_updated
  FROM (SELECT i, hashint8extended(i, $1 # 192) AS h0, hashint8extended(i, $1 # 193) AS h1,
               hashint8extended(i, $1 # 194) AS h2, hashint8extended(i, $1 # 195) AS h3,
               hashint8extended(i, $1 # 196) AS h4, hashint8extended(i, $1 # 197) AS h5
          FROM generator_wells
         WHERE pg_temp.u(hashint8extended(i, $1 # 128), 0) < {{OWNER}}) g;

-- step: generating wells_wells
-- Tags: three segments below, inside and above the subset range (TagLayout in generate.rs),
-- except the wells TagLayout::moves puts on the functional-test tags, which are ACCEPTED.
CREATE UNLOGGED TABLE wells_wells AS
SELECT 500000 + 3 * i AS well_id,
       tag AS well_tag_number,
       CASE WHEN pg_temp.u(h0, 0) < {{OWNER}} THEN i END AS owner_id,
       CASE WHEN pg_temp.u(h0, 1) < 900 THEN 1 + (h1 & 1048575) % $3 END AS bcgs_id,
       (CASE WHEN tag IN ({{FUNCTIONAL_TAGS}}) THEN 'ACCEPTED'
             WHEN pg_temp.u(h0, 2) < {{PENDING}} THEN 'PENDING'
             WHEN pg_temp.u(h0, 2) < {{PENDING}} + {{REJECTED}} THEN 'REJECTED'
             WHEN pg_temp.u(h0, 2) < {{PENDING}} + {{REJECTED}} + {{NEW}} THEN 'NEW'
             WHEN pg_temp.u(h0, 2) < {{PENDING}} + {{REJECTED}} + {{NEW}} + {{NULL_STATUS}} THEN NULL
             ELSE 'ACCEPTED' END)::varchar(10) AS acceptance_status_code,
       (CASE WHEN pg_temp.u(h1, 1) < 850 THEN (1 + 13 * pg_temp.u(h1, 2)) || ' '
             || pg_temp.pick('{MAIN ST,218 RD,LAKESHORE DR,OLD MILL RD,HWY 3}', pg_temp.u(h2, 0)) END)::varchar(100) AS site_street,
       pg_temp.pick('{KAMLOOPS,SALT SPRING ISLAND,OKANAGAN FALLS,CHILLIWACK,FORT ST. JOHN,NULL}', pg_temp.u(h2, 1))::varchar(50) AS site_area,
       (CASE WHEN pg_temp.u(h2, 2) < 500 THEN (1 + pg_temp.u(h3, 0) % 120)::text END)::varchar(10) AS lot_number,
       (CASE WHEN pg_temp.u(h2, 2) < 600
             THEN pg_temp.pick('{KAP,VIP,EPP,BCP,""}', pg_temp.u(h3, 1)) || (1000 + 61 * pg_temp.u(h3, 2)) END)::varchar(20) AS legal_plan,
       (CASE WHEN pg_temp.u(h4, 0) < 300 THEN (1 + 9 * pg_temp.u(h4, 1))::text END)::varchar(20) AS legal_district_lot,
       (CASE WHEN pg_temp.u(h4, 2) < 200 THEN pg_temp.pick('{A,B,1,2,C}', pg_temp.u(h5, 0)) END)::varchar(10) AS legal_block,
       (CASE WHEN pg_temp.u(h5, 1) < 300 THEN (1 + pg_temp.u(h5, 2) % 36)::text END)::varchar(10) AS legal_section,
       (CASE WHEN pg_temp.u(h5, 1) < 300 THEN (1 + pg_temp.u(h6, 0) % 130)::text END)::varchar(20) AS legal_township,
       (CASE WHEN pg_temp.u(h5, 1) < 300 THEN (1 + pg_temp.u(h6, 1) % 30)::text END)::varchar(10) AS legal_range,
       (CASE WHEN pg_temp.u(h6, 2) < 900 THEN lpad((1 + pg_temp.u(h7, 0) % 66)::text, 2, '0') END)::varchar(10) AS legal_land_district_code,
       CASE WHEN pg_temp.u(h7, 1) < 550 THEN ((h8 & 268435455) % 999999999)::int END AS pid,
       (CASE WHEN pg_temp.u(h7, 2) < 700 THEN 'BEHIND HOUSE, ' || (1 + pg_temp.u(h8, 2) % 90) || ' M FROM ROAD' END)::varchar(500) AS well_location,
       CASE WHEN pg_temp.u(h9, 0) < 250 THEN (10000 + i)::int END AS well_identification_plate_no,
       pg_temp.pick('{6,6.0,0,0.0,UNK,8,4.5,SIX INCH,NULL}', pg_temp.u(h9, 1))::varchar(9) AS diameter,
       ((300 + 61 * pg_temp.u(h9, 2)) * 0.01)::numeric(7,2) AS total_depth_drilled,
       ((300 + 60 * pg_temp.u(h9, 2)) * 0.01)::numeric(7,2) AS depth_well_drilled,
       (CASE WHEN pg_temp.u(h10, 0) < 800 THEN 9 * pg_temp.u(h10, 1) * 0.01 END)::numeric(7,2) AS water_depth,
       (CASE WHEN pg_temp.u(h10, 2) < 400 THEN 40 * pg_temp.u(h11, 0) * 0.01 END)::numeric(7,2) AS bedrock_depth,
       pg_temp.pick('{STEEL CAP,WELDED PLATE,PITLESS ADAPTER,NONE,NULL}', pg_temp.u(h11, 1))::varchar(40) AS type_of_well_cap,
       pg_temp.pick('{Y,Y,N,N,N,NULL}', pg_temp.u(h11, 2))::varchar(1) AS well_disinfected_ind,
       pg_temp.pick('{Y,N,N,N,NULL,NULL}', pg_temp.u(h12, 0))::varchar(1) AS alternative_specifications_ind,
       CASE WHEN pg_temp.u(h12, 1) < 600 THEN 3 * pg_temp.u(h12, 2) / 10 * 0.01 END AS final_casing_stick_up,
       pg_temp.pick('{AIR_LIFT,BAIL,JET,PUMP,SURGE,OTHER,NULL,NULL}', pg_temp.u(h13, 0))::varchar(10) AS development_method_code,
       CASE WHEN pg_temp.u(h13, 1) < 500 THEN 48 * pg_temp.u(h13, 2) / 100 * 0.1 END AS development_hours,
       (CASE WHEN pg_temp.u(h14, 0) < 850 THEN pg_temp.u(h14, 1) * 0.1 END)::numeric(8,3) AS yield_value,
       pg_temp.pick('{GPM,GPM,GPM,IGM,DRY,LPS,USGM,GPH,UNK,NULL}', pg_temp.u(h14, 2))::varchar(10) AS yield_unit_code,
       (CASE WHEN pg_temp.u(h15, 0) < {{OTH}} THEN 'OTH'
             WHEN pg_temp.u(h15, 0) < {{OTH}} + {{UNK}} THEN 'UNK'
             ELSE pg_temp.pick('{DOM,DOM,DOM,DOM,COM,IRR,OBS,TST,DWS,OP_LP_GEO,NULL}', pg_temp.u(h15, 1)) END)::varchar(10) AS well_use_code,
       pg_temp.pick('{WATR_SPPLY,WATR_SPPLY,WATR_SPPLY,WATR_SPPLY,WATR_SPPLY,MONITOR,GEOTECH,INJECTION,
                      DEWATERING,RECHARGE,REMEDIATE,CLS_LP_GEO,DRAINAGE,NULL}', pg_temp.u(h15, 2))::varchar(10) AS class_of_well_codclassified_by,
       pg_temp.pick('{DOMESTIC,DOMESTIC,NON_DOMEST,TEMPORARY,PERMANENT,BOREHOLE,TEST_PIT,SPECIAL,NA,NULL}', pg_temp.u(h16, 0))::varchar(10) AS subclass_of_well_classified_by,
       pg_temp.pick('{AIR_ROTARY,AIR_ROTARY,AIR_ROTARY,AUGER,CABLE_TOOL,DRIVING,DUGOUT,DUO_ROTARY,
                      EXCAVATING,JETTING,MUD_ROTARY,OTHER,UNK,NULL}', pg_temp.u(h16, 1))::varchar(10) AS drilling_method_code,
       pg_temp.pick('{5K_MAP,10K_MAP,20K_MAP,50K_MAP,ALTIMETER,DIFF_GPS,GPS,LEVEL,NULL,NULL}', pg_temp.u(h16, 2))::varchar(10) AS ground_elevation_method_code,
       pg_temp.pick('{VERT,VERT,VERT,VERT,HORIZ,NULL}', pg_temp.u(h17, 0))::varchar(10) AS orientation_of_well_code,
       (CASE WHEN pg_temp.u(h17, 1) < {{UNK}} THEN 'UNK'
             ELSE pg_temp.pick('{NEW,NEW,NEW,NEW,NEW,ALTERATION,CLOSURE,ABANDONED,OTHER,NULL}', pg_temp.u(h17, 2)) END)::varchar(10) AS status_of_well_code,
       CASE WHEN pg_temp.u(h18, 0) < {{OBSERVATION}} THEN (1 + i % 999)::smallint END AS observation_well_number,
       (CASE WHEN pg_temp.u(h18, 0) < {{OBSERVATION}} THEN pg_temp.pick('{Active,Inactive,Abandoned}', pg_temp.u(h18, 1)) END)::varchar(25) AS ministry_observation_well_stat,
       pg_temp.pick('{LICENSED,UNLICENSED,UNLICENSED,NULL}', pg_temp.u(h18, 2))::varchar(10) AS well_licence_general_status,
       -- Micro-degrees: 48.3..59.6 N, 114.1..128.0 W (a few positive: the known error).
       (48300000 + 11300 * pg_temp.u(h19, 0) + 113 * pg_temp.u(h19, 1) / 10) * 0.000001 AS latitude,
       (CASE WHEN pg_temp.u(h19, 2) < {{POSITIVE_LONGITUDE}} THEN 1 ELSE -1 END)
         * (114100000 + 13900 * pg_temp.u(h20, 0) + 139 * pg_temp.u(h20, 1) / 10) * 0.000001 AS longitude,
       (CASE WHEN pg_temp.u(h20, 2) < 500 THEN 230 * pg_temp.u(h21, 0) * 0.01 END)::numeric(10,2) AS elevation,
       pg_temp.pick('{09,10,10,11,NULL}', pg_temp.u(h21, 1))::varchar(10) AS utm_zone_code,
       pg_temp.pick('{1,10,100,1000,NULL}', pg_temp.u(h21, 2))::varchar(10) AS utm_accuracy_code,
       5350000 + 1000 * pg_temp.u(h22, 0) + pg_temp.u(h22, 1) AS utm_north,
       300000 + 400 * pg_temp.u(h22, 2) + pg_temp.u(h23, 0) AS utm_east,
       (CASE WHEN pg_temp.u(h23, 1) < 700 THEN date '1955-01-01' + 22 * pg_temp.u(h23, 2) END)::timestamp(0) AS construction_start_date,
       (CASE WHEN pg_temp.u(h23, 1) < 700
             THEN date '1955-01-01' + 22 * pg_temp.u(h23, 2) + pg_temp.u(h24, 0) % 30 END)::timestamp(0) AS construction_end_date,
       (CASE WHEN pg_temp.u(h24, 1) < 50 THEN date '1990-01-01' + 10 * pg_temp.u(h24, 2) END)::timestamp(0) AS alteration_start_date,
       (CASE WHEN pg_temp.u(h24, 1) < 50 THEN date '1990-01-03' + 10 * pg_temp.u(h24, 2) END)::timestamp(0) AS alteration_end_date,
       (CASE WHEN pg_temp.u(h25, 0) < 30 THEN date '1995-01-01' + 8 * pg_temp.u(h25, 1) END)::timestamp(0) AS closure_start_date,
       (CASE WHEN pg_temp.u(h25, 0) < 30 THEN date '1995-01-02' + 8 * pg_temp.u(h25, 1) END)::timestamp(0) AS closure_end_date,
       (CASE WHEN pg_temp.u(h25, 2) < 900 THEN lpad((1 + (h26 & 1048575) % 531)::text, 3, '0') END)::varchar(10) AS driller_company_code,
       (CASE WHEN pg_temp.u(h26, 1) < 20 THEN 50 * pg_temp.u(h26, 2) * 0.01 END)::numeric(7,2) AS artesian_flow_value,
       (CASE WHEN pg_temp.u(h26, 1) < 20 THEN 20 * pg_temp.u(h27, 0) * 0.01 END)::numeric(5,2) AS artesian_pressure,
       (CASE WHEN pg_temp.u(h27, 1) < 60
             THEN pg_temp.pick('{SUNNYSIDE WATERWORKS,LAKE VIEW IMPROVEMENT DISTRICT,CITY OF KAMLOOPS}', pg_temp.u(h27, 2)) END)::varchar(80) AS water_supply_system_name,
       (CASE WHEN pg_temp.u(h27, 1) < 60 THEN 'WELL #' || (1 + i % 9) END)::varchar(80) AS water_supply_well_name,
       (CASE WHEN pg_temp.u(h9, 0) < 250
             THEN pg_temp.pick('{ON CASING,ON WELL CAP,INSIDE PUMPHOUSE}', pg_temp.u(h28, 0)) END)::varchar(500) AS where_plate_attached,
       (CASE WHEN pg_temp.u(h28, 1) < 40 THEN 'E' || (200000 + i) END)::varchar(10) AS chemistry_site_id,
       pg_temp.pick('{OPEN_HOLE,SCREEN,SCREEN,UNCASD_HLE,NULL,NULL}', pg_temp.u(h28, 2))::varchar(10) AS screen_intake_code,
       (CASE WHEN pg_temp.u(h29, 0) < {{UNK}} THEN 'UNK'
             ELSE pg_temp.pick('{PIPE_SIZE,TELESCOPE,OTHER,NULL,NULL}', pg_temp.u(h29, 1)) END)::varchar(10) AS screen_type_code,
       (CASE WHEN pg_temp.u(h29, 2) < {{UNK}} THEN 'UNK'
             ELSE pg_temp.pick('{PLASTIC,STNLSS_STL,OTHER,NULL,NULL}', pg_temp.u(h30, 0)) END)::varchar(10) AS screen_material_code,
       pg_temp.pick('{CONTIN_SLT,PERF_PIPE,SLOTTED,NULL,NULL}', pg_temp.u(h30, 1))::varchar(10) AS screen_opening_code,
       pg_temp.pick('{BAIL,PLATE,PLUG,OTHER,NULL,NULL}', pg_temp.u(h30, 2))::varchar(10) AS screen_bottom_code,
       (CASE WHEN pg_temp.u(h31, 0) < {{UNK}} THEN 'UNK'
             ELSE pg_temp.pick('{POURED,PUMPED,OTHER,NULL}', pg_temp.u(h31, 1)) END)::varchar(10) AS surface_seal_method_code,
       (CASE WHEN pg_temp.u(h31, 2) < {{UNK}} THEN 'UNK'
             ELSE pg_temp.pick('{BNTITE_CLY,BN_BACKFLL,BN_CEM_MIX,BN_SD_WTMX,BN_STL_CSG,BN_WT_MIX,CON_GRT,
                                 GRT_STLCSG,NT_CMT_GRT,NT_CMT_BMX,SND_CMT_GT,OTHER,BN_DRL_CUT,NULL}', pg_temp.u(h32, 0)) END)::varchar(10) AS surface_seal_material_code,
       (CASE WHEN pg_temp.u(h32, 1) < 600 THEN 2 * pg_temp.u(h32, 2) * 0.01 END)::numeric(5,2) AS surface_seal_depth,
       (CASE WHEN pg_temp.u(h32, 1) < 600 THEN 3 * pg_temp.u(h33, 0) / 10 * 0.01 END)::numeric(7,2) AS surface_seal_thickness,
       (CASE WHEN pg_temp.u(h33, 1) < 200
             THEN pg_temp.pick('{DRILL CUTTINGS,NATIVE,PEA GRAVEL}', pg_temp.u(h33, 2)) END)::varchar(250) AS backfill_type,
       (CASE WHEN pg_temp.u(h33, 1) < 200 THEN 5 * pg_temp.u(h34, 0) * 0.01 END)::numeric(7,2) AS backfill_depth,
       pg_temp.pick('{PVC,OTHER,NULL,NULL,NULL,NULL}', pg_temp.u(h34, 1))::varchar(10) AS liner_material_code,
       (CASE WHEN pg_temp.u(h25, 0) < 30 THEN 'DRY HOLE; REPLACED BY NEW WELL' END)::varchar(250) AS closure_reason,
       (CASE WHEN pg_temp.u(h25, 0) < 30 THEN pg_temp.pick('{POURED,PUMPED}', pg_temp.u(h34, 2)) END)::varchar(10) AS closure_method_code,
       (CASE WHEN pg_temp.u(h25, 0) < 30 THEN 'FILLED WITH BENTONITE CHIPS TO SURFACE' END)::varchar(250) AS closure_details,
       pg_temp.pick('{bentonite,bentonight,BENTONITE CHIPS,cement grout,cemnt,Bentonite/cement,NULL,NULL,NULL}', pg_temp.u(h35, 0))::varchar(100) AS sealant_material,
       pg_temp.pick('{drill cuttings,driLL cutings,gravel,sand,NULL,NULL,NULL}', pg_temp.u(h35, 1))::varchar(100) AS backfill_material,
       (CASE WHEN pg_temp.u(h35, 2) < 400
             THEN 'GENERAL REMARKS FOR WELL ' || tag || ': ' || repeat('NOTES ', pg_temp.u(h36, 0) % 35) END)::varchar(255) AS general_remarks,
       pg_temp.pick('{WELLS,PROXY_WELLS,ETL_USER,DATALOAD_USER}', pg_temp.u(h36, 1))::varchar(30) AS who_created,
       (date '1990-01-01' + 9 * pg_temp.u(h36, 2) + pg_temp.u(h37, 0) * interval '83 seconds')::timestamp(0) AS when_created,
       (CASE WHEN pg_temp.u(h37, 1) >= {{NULL_UPDATE}} THEN pg_temp.pick('{WELLS,PROXY_WELLS,ETL_USER}', pg_temp.u(h37, 2)) END)::varchar(30) AS who_updated,
       (CASE WHEN pg_temp.u(h37, 1) >= {{NULL_UPDATE}} THEN date '2005-01-01' + 4 * pg_temp.u(h38, 0) END)::timestamp(0) AS when_updated
  FROM (SELECT i,
               coalesce(($13::int[])[array_position($12::bigint[], i)],
                        CASE WHEN i <= $4 THEN 1 + ((i - 1) * $7) / $4
                             WHEN i <= $4 + $5 THEN $10 + ((i - $4 - 1) * $8) / $5
                             ELSE $11 + ((i - $4 - $5 - 1) * $9) / $6 END)::int AS tag,
               hashint8extended(i, $1 # 128) AS h0, hashint8extended(i, $1 # 129) AS h1,
               hashint8extended(i, $1 # 130) AS h2, hashint8extended(i, $1 # 131) AS h3,
               hashint8extended(i, $1 # 132) AS h4, hashint8extended(i, $1 # 133) AS h5,
               hashint8extended(i, $1 # 134) AS h6, hashint8extended(i, $1 # 135) AS h7,
               hashint8extended(i, $1 # 136) AS h8, hashint8extended(i, $1 # 137) AS h9,
               hashint8extended(i, $1 # 138) AS h10, hashint8extended(i, $1 # 139) AS h11,
               hashint8extended(i, $1 # 140) AS h12, hashint8extended(i, $1 # 141) AS h13,
               hashint8extended(i, $1 # 142) AS h14, hashint8extended(i, $1 # 143) AS h15,
               hashint8extended(i, $1 # 144) AS h16, hashint8extended(i, $1 # 145) AS h17,
               hashint8extended(i, $1 # 146) AS h18, hashint8extended(i, $1 # 147) AS h19,
               hashint8extended(i, $1 # 148) AS h20, hashint8extended(i, $1 # 149) AS h21,
               hashint8extended(i, $1 # 150) AS h22, hashint8extended(i, $1 # 151) AS h23,
               hashint8extended(i, $1 # 152) AS h24, hashint8extended(i, $1 # 153) AS h25,
               hashint8extended(i, $1 # 154) AS h26, hashint8extended(i, $1 # 155) AS h27,
               hashint8extended(i, $1 # 156) AS h28, hashint8extended(i, $1 # 157) AS h29,
               hashint8extended(i, $1 # 158) AS h30, hashint8extended(i, $1 # 159) AS h31,
               hashint8extended(i, $1 # 160) AS h32, hashint8extended(i, $1 # 161) AS h33,
               hashint8extended(i, $1 # 162) AS h34, hashint8extended(i, $1 # 163) AS h35,
               hashint8extended(i, $1 # 164) AS h36, hashint8extended(i, $1 # 165) AS h37,
               hashint8extended(i, $1 # 166) AS h38
          FROM generator_wells) g;

-- step: generating wells_screens
CREATE UNLOGGED TABLE wells_screens AS
SELECT k AS screen_id,
       500000 + 3 * i AS well_id,
       ((2000 + 300 * j + 5 * pg_temp.u(h0, 0)) * 0.01)::numeric(7,2) AS screen_from,
       ((2200 + 300 * j + 5 * pg_temp.u(h0, 0)) * 0.01)::numeric(7,2) AS screen_to,
       pg_temp.pick_n('{4,5,6,6}', pg_temp.u(h0, 1))::numeric(7,2) AS screen_internal_diameter,
       (CASE WHEN pg_temp.u(h0, 2) < {{ASSEMBLY_L}} THEN 'L'
             WHEN pg_temp.u(h0, 2) < {{ASSEMBLY_L}} + {{ASSEMBLY_K_RISER}} THEN 'K  & Riser'
             ELSE pg_temp.pick('{K_PACKER,RISER_PIPE,SCREEN,SCREEN,SCREEN,SCRN_BLANK,TAIL_PIPE,NULL}', pg_temp.u(h1, 0)) END)::varchar(10) AS screen_assembly_type_code,
       pg_temp.pick_n('{10,20,20,30,40,NULL}', pg_temp.u(h1, 1))::numeric(7,2) AS screen_slot_size,
       pg_temp.pick('{WELLS,PROXY_WELLS,ETL_USER,DATALOAD_USER}', pg_temp.u(h1, 2))::varchar(30) AS who_created,
       (date '1990-01-01' + 9 * pg_temp.u(h2, 0) + pg_temp.u(h2, 1) * interval '83 seconds')::timestamp(0) AS when_created,
       (CASE WHEN pg_temp.u(h2, 2) >= {{NULL_UPDATE}} THEN pg_temp.pick('{WELLS,PROXY_WELLS,ETL_USER}', pg_temp.u(h3, 0)) END)::varchar(30) AS who_updated,
       (CASE WHEN pg_temp.u(h2, 2) >= {{NULL_UPDATE}} THEN date '2005-01-01' + 4 * pg_temp.u(h3, 1) END)::timestamp(0) AS when_updated
  FROM (SELECT i, j, k, hashint8extended(k, $1 # 256) AS h0, hashint8extended(k, $1 # 257) AS h1,
               hashint8extended(k, $1 # 258) AS h2, hashint8extended(k, $1 # 259) AS h3
          FROM (SELECT i, hashint8extended(i, $1 # 300) AS w FROM generator_wells) g,
               generate_series(1, CASE WHEN pg_temp.u(w, 0) < 400 THEN 1 + pg_temp.u(w, 1) % 3 ELSE 0 END) AS j,
               LATERAL (SELECT i * 8 + j AS k) x) c;

-- step: generating wells_production_data
CREATE UNLOGGED TABLE wells_production_data AS
SELECT i * 4 + 1 AS production_data_id,
       500000 + 3 * i AS well_id,
       (CASE WHEN pg_temp.u(h0, 0) < {{UNK}} THEN 'UNK'
             ELSE pg_temp.pick('{AIR_LIFT,AIR_LIFT,BAILING,PUMPING,OTHER,NULL}', pg_temp.u(h0, 1)) END)::varchar(10) AS yield_estimated_method_code,
       (20 * pg_temp.u(h0, 2) * 0.01)::numeric(7,2) AS test_rate,
       (7 * pg_temp.u(h1, 0) * 0.01)::numeric(9,2) AS test_duration,
       (CASE WHEN pg_temp.u(h1, 1) < {{USGM}} THEN 'USGM'
             ELSE pg_temp.pick('{GPM,GPM,IGM,LPS,GPH,NULL}', pg_temp.u(h1, 2)) END)::varchar(10) AS test_rate_units_code,
       (8 * pg_temp.u(h2, 0) * 0.01)::numeric(7,2) AS static_level,
       (CASE WHEN pg_temp.u(h2, 1) < 600 THEN 5 * pg_temp.u(h2, 2) * 0.01 END)::numeric(7,2) AS net_drawdown,
       pg_temp.pick('{WELLS,PROXY_WELLS,ETL_USER,DATALOAD_USER}', pg_temp.u(h3, 0))::varchar(30) AS who_created,
       (date '1990-01-01' + 9 * pg_temp.u(h3, 1) + pg_temp.u(h3, 2) * interval '83 seconds')::timestamp(0) AS when_created,
       (CASE WHEN pg_temp.u(h4, 0) >= {{NULL_UPDATE}} THEN pg_temp.pick('{WELLS,PROXY_WELLS,ETL_USER}', pg_temp.u(h4, 1)) END)::varchar(30) AS who_updated,
       (CASE WHEN pg_temp.u(h4, 0) >= {{NULL_UPDATE}} THEN date '2005-01-01' + 4 * pg_temp.u(h4, 2) END)::timestamp(0) AS when_updated
  FROM (SELECT i, hashint8extended(i, $1 # 320) AS h0, hashint8extended(i, $1 # 321) AS h1,
               hashint8extended(i, $1 # 322) AS h2, hashint8extended(i, $1 # 323) AS h3,
               hashint8extended(i, $1 # 324) AS h4
          FROM generator_wells
         WHERE pg_temp.u(hashint8extended(i, $1 # 364), 0) < 600) c;

-- step: generating wells_casings
CREATE UNLOGGED TABLE wells_casings AS
SELECT k AS casing_id,
       500000 + 3 * i AS well_id,
       ((1500 * (j - 1) + pg_temp.u(h0, 0)) * 0.01)::numeric(7,2) AS casing_from,
       ((1500 * j + 5 * pg_temp.u(h0, 1)) * 0.01)::numeric(7,2) AS casing_to,
       pg_temp.pick_n('{6,6,6.625,8,4.5,2}', pg_temp.u(h0, 2))::numeric(8,3) AS casing_size,
       (CASE WHEN pg_temp.u(h1, 0) < {{UNK}} THEN 'UNK'
             ELSE pg_temp.pick('{STEEL,STEEL,STEEL,PLASTIC,OPEN_HOLE,STL_PUL_OT,CEMENT,OTHER,NULL}', pg_temp.u(h1, 1)) END)::varchar(10) AS casing_material_code,
       pg_temp.pick_n('{0.188,0.25,0.25,0.219,NULL}', pg_temp.u(h1, 2))::numeric(6,3) AS casing_wall,
       pg_temp.pick('{Y,Y,N,NULL}', pg_temp.u(h2, 0))::varchar(1) AS casing_drive_shoe_ind,
       pg_temp.pick('{WELLS,PROXY_WELLS,ETL_USER,DATALOAD_USER}', pg_temp.u(h2, 1))::varchar(30) AS who_created,
       (date '1990-01-01' + 9 * pg_temp.u(h2, 2) + pg_temp.u(h3, 0) * interval '83 seconds')::timestamp(0) AS when_created,
       (CASE WHEN pg_temp.u(h3, 1) >= {{NULL_UPDATE}} THEN pg_temp.pick('{WELLS,PROXY_WELLS,ETL_USER}', pg_temp.u(h3, 2)) END)::varchar(30) AS who_updated,
       (CASE WHEN pg_temp.u(h3, 1) >= {{NULL_UPDATE}} THEN date '2005-01-01' + 4 * pg_temp.u(h4, 0) END)::timestamp(0) AS when_updated
  FROM (SELECT i, j, k, hashint8extended(k, $1 # 384) AS h0, hashint8extended(k, $1 # 385) AS h1,
               hashint8extended(k, $1 # 386) AS h2, hashint8extended(k, $1 # 387) AS h3,
               hashint8extended(k, $1 # 388) AS h4
          FROM (SELECT i, hashint8extended(i, $1 # 428) AS w FROM generator_wells) g,
               generate_series(1, CASE WHEN pg_temp.u(w, 0) < 850 THEN 1 + pg_temp.u(w, 1) % 3 ELSE 0 END) AS j,
               LATERAL (SELECT i * 8 + j AS k) x) c;

-- step: generating wells_perforations
-- Die p below NULL_PERFORATION: all six liner columns NULL; then ZERO_PERFORATION all 0; the
-- rest carry values.
CREATE UNLOGGED TABLE wells_perforations AS
SELECT k AS perforation_id,
       500000 + 3 * i AS well_id,
       (CASE WHEN p >= {{NULL_PERFORATION}} + {{ZERO_PERFORATION}} THEN (1000 + 3 * pg_temp.u(h0, 1)) * 0.01
             WHEN p >= {{NULL_PERFORATION}} THEN 0 END)::numeric(7,2) AS liner_from,
       (CASE WHEN p >= {{NULL_PERFORATION}} + {{ZERO_PERFORATION}} THEN (5000 + 5 * pg_temp.u(h0, 2)) * 0.01
             WHEN p >= {{NULL_PERFORATION}} THEN 0 END)::numeric(7,2) AS liner_to,
       (CASE WHEN p >= {{NULL_PERFORATION}} + {{ZERO_PERFORATION}} THEN 4
             WHEN p >= {{NULL_PERFORATION}} THEN 0 END)::numeric(7,2) AS liner_diameter,
       (CASE WHEN p >= {{NULL_PERFORATION}} + {{ZERO_PERFORATION}} THEN 0.25
             WHEN p >= {{NULL_PERFORATION}} THEN 0 END)::numeric(5,3) AS liner_thickness,
       (CASE WHEN p >= {{NULL_PERFORATION}} + {{ZERO_PERFORATION}} THEN (2000 + 500 * j + pg_temp.u(h1, 0)) * 0.01
             WHEN p >= {{NULL_PERFORATION}} THEN 0 END)::numeric(7,2) AS liner_perforation_from,
       (CASE WHEN p >= {{NULL_PERFORATION}} + {{ZERO_PERFORATION}} THEN (2400 + 500 * j + pg_temp.u(h1, 0)) * 0.01
             WHEN p >= {{NULL_PERFORATION}} THEN 0 END)::numeric(7,2) AS liner_perforation_to,
       pg_temp.pick('{WELLS,PROXY_WELLS,ETL_USER,DATALOAD_USER}', pg_temp.u(h1, 1))::varchar(30) AS who_created,
       (date '1990-01-01' + 9 * pg_temp.u(h1, 2) + pg_temp.u(h2, 0) * interval '83 seconds')::timestamp(0) AS when_created,
       (CASE WHEN pg_temp.u(h2, 1) >= {{NULL_UPDATE}} THEN pg_temp.pick('{WELLS,PROXY_WELLS,ETL_USER}', pg_temp.u(h2, 2)) END)::varchar(30) AS who_updated,
       (CASE WHEN pg_temp.u(h2, 1) >= {{NULL_UPDATE}} THEN date '2005-01-01' + 4 * pg_temp.u(h3, 0) END)::timestamp(0) AS when_updated
  FROM (SELECT i, j, k, pg_temp.u(h0, 0) AS p, h0, h1, h2, h3
          FROM (SELECT i, j, k, hashint8extended(k, $1 # 448) AS h0, hashint8extended(k, $1 # 449) AS h1,
                       hashint8extended(k, $1 # 450) AS h2, hashint8extended(k, $1 # 451) AS h3
                  FROM (SELECT i, hashint8extended(i, $1 # 492) AS w FROM generator_wells) g,
                       generate_series(1, CASE WHEN pg_temp.u(w, 0) < 150 THEN 1 + pg_temp.u(w, 1) % 2 ELSE 0 END) AS j,
                       LATERAL (SELECT i * 4 + j AS k) x) c) d;

-- step: generating gw_aquifer_wells
CREATE UNLOGGED TABLE gw_aquifer_wells AS
SELECT 1 + (h0 & 1048575)::int % 1200 AS aquifer_id,
       500000 + 3 * i AS well_id,
       pg_temp.pick('{WELLS,PROXY_WELLS,ETL_USER,DATALOAD_USER}', pg_temp.u(h0, 1))::varchar(30) AS who_created,
       (date '1990-01-01' + 9 * pg_temp.u(h0, 2) + pg_temp.u(h1, 0) * interval '83 seconds')::timestamp(0) AS when_created,
       (CASE WHEN pg_temp.u(h1, 1) >= {{NULL_UPDATE}} THEN pg_temp.pick('{WELLS,PROXY_WELLS,ETL_USER}', pg_temp.u(h1, 2)) END)::varchar(30) AS who_updated,
       (CASE WHEN pg_temp.u(h1, 1) >= {{NULL_UPDATE}} THEN date '2005-01-01' + 4 * pg_temp.u(h2, 0) END)::timestamp(0) AS when_updated
  FROM (SELECT i, hashint8extended(i, $1 # 512) AS h0, hashint8extended(i, $1 # 513) AS h1,
               hashint8extended(i, $1 # 514) AS h2
          FROM generator_wells
         WHERE pg_temp.u(hashint8extended(i, $1 # 556), 0) < 200) a;

-- step: generating wells_lithology_descriptions
CREATE UNLOGGED TABLE wells_lithology_descriptions AS
SELECT k AS lithology_description_id,
       500000 + 3 * i AS well_id,
       ((600 * (j - 1) + pg_temp.u(h0, 0) / 10) * 0.01)::numeric(7,2) AS lithology_from,
       ((600 * j + pg_temp.u(h0, 1) / 10) * 0.01)::numeric(7,2) AS lithology_to,
       (CASE WHEN pg_temp.u(h0, 2) < {{CONTROL_CHAR}}
             THEN pg_temp.pick(ARRAY['SAND' || chr(1) || 'GRAVEL', 'CLAY' || chr(31) || ' TILL', chr(1) || 'BEDROCK ' || chr(31)], pg_temp.u(h1, 0))
             ELSE pg_temp.pick('{"brown sand and gravel, wet",grey clay,BOULDERS,"till, dense",fractured granite,
                                 SAND & GRAVEL W/ WATER,silty sand,NULL}', pg_temp.u(h1, 0)) END)::varchar(250) AS lithology_raw_data,
       (CASE WHEN pg_temp.u(h1, 1) < 800 THEN lpad((pg_temp.u(h1, 2) % 74)::text, 2, '0') END)::varchar(10) AS lithology_code,
       -- 00..71 without 35 (not in the material code table).
       (CASE WHEN pg_temp.u(h1, 1) < 800
             THEN lpad((pg_temp.u(h2, 0) % 71 + (pg_temp.u(h2, 0) % 71 >= 35)::int)::text, 2, '0') END)::varchar(10) AS lithology_material_code,
       pg_temp.pick('{HARD,SOFT,VERY_HARD,VERY_SOFT,MEDIUM,STIFF,LOOSE,DENSE,NULL,NULL}', pg_temp.u(h2, 1))::varchar(10) AS relative_hardness_code,
       (CASE WHEN pg_temp.u(h2, 2) < 600 THEN lpad((pg_temp.u(h2, 2) % 17)::text, 2, '0') END)::varchar(10) AS lithology_colour_code,
       (CASE WHEN pg_temp.u(h3, 0) < 150 THEN 123 * pg_temp.u(h3, 1) * 0.0001 END)::numeric(10,4) AS water_bearing_estimated_flow,
       (CASE WHEN pg_temp.u(h3, 0) < 150
             THEN CASE WHEN pg_temp.u(h3, 2) < {{USGM}} THEN 'USGM'
                       ELSE pg_temp.pick('{GPM,GPM,LPS,IGM}', pg_temp.u(h4, 0)) END END)::varchar(10) AS water_bearing_est_flw_unt_cd,
       (CASE WHEN pg_temp.u(h4, 1) < 100 THEN 'WATER BEARING' END)::varchar(250) AS lithology_observation,
       j AS lithology_sequence_number,
       pg_temp.pick('{WELLS,PROXY_WELLS,ETL_USER,DATALOAD_USER}', pg_temp.u(h4, 2))::varchar(30) AS who_created,
       (date '1990-01-01' + 9 * pg_temp.u(h5, 0) + pg_temp.u(h5, 1) * interval '83 seconds')::timestamp(0) AS when_created,
       (CASE WHEN pg_temp.u(h5, 2) >= {{NULL_UPDATE}} THEN pg_temp.pick('{WELLS,PROXY_WELLS,ETL_USER}', pg_temp.u(h6, 0)) END)::varchar(30) AS who_updated,
       (CASE WHEN pg_temp.u(h5, 2) >= {{NULL_UPDATE}} THEN date '2005-01-01' + 4 * pg_temp.u(h6, 1) END)::timestamp(0) AS when_updated
  FROM (SELECT i, j, k, hashint8extended(k, $1 # 576) AS h0, hashint8extended(k, $1 # 577) AS h1,
               hashint8extended(k, $1 # 578) AS h2, hashint8extended(k, $1 # 579) AS h3,
               hashint8extended(k, $1 # 580) AS h4, hashint8extended(k, $1 # 581) AS h5,
               hashint8extended(k, $1 # 582) AS h6
          FROM (SELECT i, hashint8extended(i, $1 # 620) AS w FROM generator_wells) g,
               generate_series(1, pg_temp.u(w, 0) % 11) AS j,
               LATERAL (SELECT i * 16 + j AS k) x) c;

-- step: dropping the driver table
DROP TABLE generator_wells;
