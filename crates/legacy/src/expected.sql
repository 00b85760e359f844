-- What a correct replication of this stand-in must produce, per target table, in full and
-- subset mode (the seed's rules): wells whose status is non-NULL and not PENDING, REJECTED or
-- NEW; their children (INNER JOIN); perforations minus all-NULL rows; every bcgs row.
WITH kept AS (
    SELECT well_id, well_tag_number BETWEEN 100001 AND 113567 AS in_subset
      FROM wells_wells
     WHERE acceptance_status_code NOT IN ('PENDING', 'REJECTED', 'NEW')
)
SELECT 'well', count(*), count(*) FILTER (WHERE in_subset) FROM kept
UNION ALL SELECT 'bcgs_number', (SELECT count(*) FROM wells_bcgs_numbers), (SELECT count(*) FROM wells_bcgs_numbers)
UNION ALL SELECT 'screen', count(*), count(*) FILTER (WHERE in_subset) FROM wells_screens JOIN kept USING (well_id)
UNION ALL SELECT 'production_data', count(*), count(*) FILTER (WHERE in_subset) FROM wells_production_data JOIN kept USING (well_id)
UNION ALL SELECT 'casing', count(*), count(*) FILTER (WHERE in_subset) FROM wells_casings JOIN kept USING (well_id)
UNION ALL SELECT 'perforation', count(*), count(*) FILTER (WHERE in_subset) FROM wells_perforations JOIN kept USING (well_id)
     WHERE num_nulls(liner_from, liner_to, liner_diameter, liner_thickness, liner_perforation_from, liner_perforation_to) < 6
UNION ALL SELECT 'aquifer_well', count(*), count(*) FILTER (WHERE in_subset) FROM gw_aquifer_wells JOIN kept USING (well_id)
UNION ALL SELECT 'lithology_description', count(*), count(*) FILTER (WHERE in_subset) FROM wells_lithology_descriptions JOIN kept USING (well_id);
