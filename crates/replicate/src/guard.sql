-- Tables the replication TRUNCATE ... CASCADE empties: `bcgs_number`, `well`, and every table
-- that references them, transitively. For each: schema, name, and whether it has a
-- `filing_number` column (rows from submissions carry one; replicated rows never do).
WITH RECURSIVE reach(oid) AS (
  SELECT c.oid FROM pg_class c
   WHERE c.oid IN (to_regclass('bcgs_number'), to_regclass('well'))
  UNION
  SELECT con.conrelid FROM pg_constraint con JOIN reach r ON con.confrelid = r.oid
   WHERE con.contype = 'f'
)
SELECT n.nspname::text, c.relname::text,
       EXISTS (SELECT 1 FROM pg_attribute a
                WHERE a.attrelid = c.oid AND a.attname = 'filing_number' AND NOT a.attisdropped)
  FROM reach JOIN pg_class c ON c.oid = reach.oid JOIN pg_namespace n ON n.oid = c.relnamespace
 ORDER BY 2
