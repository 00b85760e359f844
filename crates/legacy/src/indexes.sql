-- Keys, built after the load (faster than maintaining them row by row). The unique index on
-- well_tag_number is what lets a pushed-down tag-range predicate use an index scan remotely.
ALTER TABLE wells_bcgs_numbers ADD PRIMARY KEY (bcgs_id);
ALTER TABLE wells_owners ADD PRIMARY KEY (owner_id);
ALTER TABLE wells_wells ADD PRIMARY KEY (well_id);
CREATE UNIQUE INDEX wells_wells_well_tag_number_idx ON wells_wells (well_tag_number);
ALTER TABLE wells_screens ADD PRIMARY KEY (screen_id);
ALTER TABLE wells_production_data ADD PRIMARY KEY (production_data_id);
ALTER TABLE wells_casings ADD PRIMARY KEY (casing_id);
ALTER TABLE wells_perforations ADD PRIMARY KEY (perforation_id);
ALTER TABLE gw_aquifer_wells ADD PRIMARY KEY (aquifer_id, well_id);
ALTER TABLE wells_lithology_descriptions ADD PRIMARY KEY (lithology_description_id);
CREATE INDEX wells_screens_well_id_idx ON wells_screens (well_id);
CREATE INDEX wells_production_data_well_id_idx ON wells_production_data (well_id);
CREATE INDEX wells_casings_well_id_idx ON wells_casings (well_id);
CREATE INDEX wells_perforations_well_id_idx ON wells_perforations (well_id);
CREATE INDEX gw_aquifer_wells_well_id_idx ON gw_aquifer_wells (well_id);
CREATE INDEX wells_lithology_descriptions_well_id_idx ON wells_lithology_descriptions (well_id);
-- No ANALYZE: it cost as much as generating the wells; autovacuum gathers statistics soon after.
