-- Every object reset may drop, outside the system schemas. Objects that belong to an extension
-- (deptype 'e') or live and die with another object (deptype 'i' internal, 'a' auto: identity
-- and serial sequences, a range type's constructors) are not listed: they go with their owner.
WITH app AS (
    SELECT oid, nspname FROM pg_namespace
     WHERE nspname NOT IN ('pg_catalog', 'information_schema')
       AND nspname NOT LIKE 'pg\_%'
), owned(classid, objid) AS (
    SELECT classid, objid FROM pg_depend
     WHERE deptype IN ('e', 'i', 'a')
       -- a partitioned table depends internally on itself (its partition key)
       AND NOT (classid = refclassid AND objid = refobjid)
)
SELECT n.nspname, c.relname,
       CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                      WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
       ''
  FROM pg_class c JOIN app n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND NOT c.relispartition
   AND NOT EXISTS (SELECT 1 FROM owned o WHERE o.classid = 'pg_class'::regclass AND o.objid = c.oid)
UNION ALL
SELECT n.nspname, p.proname,
       CASE p.prokind WHEN 'a' THEN 'AGGREGATE' WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
       pg_get_function_identity_arguments(p.oid)
  FROM pg_proc p JOIN app n ON n.oid = p.pronamespace
 WHERE NOT EXISTS (SELECT 1 FROM owned o WHERE o.classid = 'pg_proc'::regclass AND o.objid = p.oid)
UNION ALL
SELECT n.nspname, t.typname, CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, ''
  FROM pg_type t JOIN app n ON n.oid = t.typnamespace
 WHERE t.typtype IN ('c', 'e', 'd', 'r')
   -- a table's row type goes with the table; a free-standing composite type has relkind 'c'
   AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
   AND NOT EXISTS (SELECT 1 FROM owned o WHERE o.classid = 'pg_type'::regclass AND o.objid = t.oid)
ORDER BY 1, 3, 2, 4
