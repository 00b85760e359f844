-- Replication drivers with the seed's names, signatures and split (step 1 stages the wells and
-- fills `bcgs_number`, `well`, screens and production; step 2 the other children), so a pod
-- can still run `psql -c 'SELECT db_replicate_step1(_subset_ind=>true)'` then
-- `psql -c 'SELECT db_replicate_step2()'`. `cargo xtask replicate` runs the same per-table
-- functions itself, with counts, verification and a report.
--
-- These two lock the replicated tables for their duration: step 1's TRUNCATE ... CASCADE takes
-- ACCESS EXCLUSIVE locks on `bcgs_number`, `well` and every table referencing them, which every
-- reader of the application then waits for until the transaction ends. The driver is the
-- online path: on a populated database it merges (stages with these same functions in its own
-- schema, then applies only the difference with plain DML), and readers never wait.

DROP FUNCTION IF EXISTS db_replicate_step1(boolean);
DROP FUNCTION IF EXISTS db_replicate_step2();

CREATE OR REPLACE FUNCTION db_replicate_step1(_subset_ind boolean DEFAULT true) RETURNS void
LANGUAGE plpgsql AS $function$
BEGIN
  PERFORM populate_xform(_subset_ind);
  -- Cascades into well and every table that references it (activity_submission included).
  TRUNCATE TABLE bcgs_number CASCADE;
  PERFORM migrate_bcgs();
  TRUNCATE TABLE well CASCADE;
  PERFORM populate_well();
  PERFORM migrate_screens();
  PERFORM migrate_production();
  PERFORM replicate_reset_sequences();
END;
$function$;

CREATE OR REPLACE FUNCTION db_replicate_step2() RETURNS void
LANGUAGE plpgsql AS $function$
BEGIN
  PERFORM migrate_casings();
  PERFORM migrate_perforations();
  PERFORM migrate_aquifers();
  PERFORM migrate_lithology();
  DROP TABLE IF EXISTS xform_well;
  DROP TABLE IF EXISTS xform_well_run;
END;
$function$;

COMMENT ON FUNCTION db_replicate_step1(boolean) IS
  'Replication step 1 (one transaction; locks the replicated tables ACCESS EXCLUSIVE until it ends): stage wells, truncate, load bcgs_number, well, screen, production_data, reset sequences. The online path is `cargo xtask replicate`.';
COMMENT ON FUNCTION db_replicate_step2() IS
  'Replication step 2: load casing, perforation, aquifer_well, lithology_description, drop the staging tables.';
