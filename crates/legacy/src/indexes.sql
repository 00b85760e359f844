-- Keys and NOT NULL, after the load (faster than maintaining them row by row; CREATE TABLE AS
-- cannot declare NOT NULL, and a primary key implies it). One ALTER TABLE per table, so its
-- NOT NULL check and its index builds read the table once each. The unique index on
-- well_tag_number is what lets a pushed-down tag-range predicate use an index scan remotely.
-- Every sort in memory: at least 256MB (the largest table's keys need ~30MB).
SELECT set_config('maintenance_work_mem', greatest(setting::bigint, 262144)::text, true)
  FROM pg_settings WHERE name = 'maintenance_work_mem';
ALTER TABLE wells_bcgs_numbers ADD PRIMARY KEY (bcgs_id);
ALTER TABLE wells_owners ADD PRIMARY KEY (owner_id);
ALTER TABLE wells_wells ALTER well_tag_number SET NOT NULL, ADD PRIMARY KEY (well_id);
CREATE UNIQUE INDEX wells_wells_well_tag_number_idx ON wells_wells (well_tag_number);
ALTER TABLE wells_screens ALTER well_id SET NOT NULL, ADD PRIMARY KEY (screen_id);
ALTER TABLE wells_production_data ALTER well_id SET NOT NULL, ADD PRIMARY KEY (production_data_id);
ALTER TABLE wells_casings ALTER well_id SET NOT NULL, ADD PRIMARY KEY (casing_id);
ALTER TABLE wells_perforations ALTER well_id SET NOT NULL, ADD PRIMARY KEY (perforation_id);
ALTER TABLE gw_aquifer_wells ADD PRIMARY KEY (aquifer_id, well_id);
ALTER TABLE wells_lithology_descriptions ALTER well_id SET NOT NULL, ADD PRIMARY KEY (lithology_description_id);
CREATE INDEX wells_screens_well_id_idx ON wells_screens (well_id);
CREATE INDEX wells_production_data_well_id_idx ON wells_production_data (well_id);
CREATE INDEX wells_casings_well_id_idx ON wells_casings (well_id);
CREATE INDEX wells_perforations_well_id_idx ON wells_perforations (well_id);
CREATE INDEX gw_aquifer_wells_well_id_idx ON gw_aquifer_wells (well_id);
CREATE INDEX wells_lithology_descriptions_well_id_idx ON wells_lithology_descriptions (well_id);
-- No ANALYZE: it cost as much as generating the wells; autovacuum gathers statistics soon after.
