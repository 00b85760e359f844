-- What the load sets aside on the tables it reloads ($1, names as text): their foreign keys,
-- their primary key, unique and exclusion constraints, and their other indexes, each with the
-- definition the server itself prints (pg_get_constraintdef / pg_get_indexdef) and its comment.
--
-- Kept in place: CHECK and NOT NULL constraints (checked per row, cheaply), indexes marked for
-- CLUSTER or REPLICA IDENTITY or invalid, and any key or index a foreign key of another table
-- depends on (`well`'s primary key: dropping it would need `activity_submission`'s key to well
-- dropped too). Foreign keys of other tables that point at the reloaded ones stay as well: those
-- tables are emptied by the TRUNCATE ... CASCADE, so inserts queue nothing for them.
--
-- Columns: kind (f = foreign key, u = primary key, unique or exclusion constraint, i = index),
-- schema, table, name, definition, comment.
WITH reloaded AS (
  SELECT to_regclass(t)::oid AS oid FROM unnest($1::text[]) AS t
),
needed AS (
  -- Indexes a foreign key that stays relies on, and indexes whose marks a re-creation would
  -- lose (CLUSTER's choice, REPLICA IDENTITY USING INDEX, the invalid index a failed
  -- CREATE INDEX CONCURRENTLY left, which a re-creation would make valid).
  SELECT c.conindid AS oid FROM pg_constraint c
   WHERE c.contype = 'f' AND c.conrelid NOT IN (SELECT oid FROM reloaded)
  UNION ALL
  SELECT i.indexrelid FROM pg_index i
   WHERE i.indrelid IN (SELECT oid FROM reloaded)
     AND (i.indisclustered OR i.indisreplident OR NOT i.indisvalid)
)
SELECT CASE c.contype WHEN 'f' THEN 'f' ELSE 'u' END, n.nspname::text, t.relname::text,
       c.conname::text, pg_get_constraintdef(c.oid), obj_description(c.oid, 'pg_constraint')
  FROM pg_constraint c
  JOIN pg_class t ON t.oid = c.conrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
 WHERE c.conrelid IN (SELECT oid FROM reloaded)
   AND (c.contype = 'f' OR (c.contype IN ('p', 'u', 'x') AND c.conindid NOT IN (SELECT oid FROM needed)))
UNION ALL
SELECT 'i', n.nspname::text, t.relname::text, x.relname::text, pg_get_indexdef(i.indexrelid),
       obj_description(i.indexrelid, 'pg_class')
  FROM pg_index i
  JOIN pg_class x ON x.oid = i.indexrelid
  JOIN pg_class t ON t.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
 WHERE i.indrelid IN (SELECT oid FROM reloaded)
   AND i.indexrelid NOT IN (SELECT oid FROM needed)
   -- indexes of constraints come and go with their constraint
   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid
                                                   AND k.contype IN ('p', 'u', 'x'))
 ORDER BY 1, 2, 3, 4
