-- Replication, step 1b: every legacy BCGS map-sheet number (not subset-filtered), as the seed.

DROP FUNCTION IF EXISTS migrate_bcgs();

CREATE OR REPLACE FUNCTION migrate_bcgs() RETURNS void
LANGUAGE plpgsql AS $function$
DECLARE
  _rows bigint;
BEGIN
  -- The seed's notice said "wells_screens" here; this one names the right table.
  RAISE NOTICE 'Starting migrate_bcgs() procedure...';
  INSERT INTO bcgs_number (bcgs_id, bcgs_number, create_user, create_date, update_user, update_date)
  SELECT bcgs_id, bcgs_number, who_created, when_created, who_updated, when_updated
    FROM wells.wells_bcgs_numbers
   ORDER BY bcgs_number;
  SELECT count(*) INTO _rows FROM bcgs_number;
  RAISE NOTICE '% rows loaded into the bcgs_number table', _rows;
END;
$function$;

COMMENT ON FUNCTION migrate_bcgs() IS
  'Replication step 1b: every legacy BCGS number into bcgs_number (run after TRUNCATE bcgs_number CASCADE).';
