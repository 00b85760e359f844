SELECT n.nspname,
       EXISTS (SELECT 1 FROM pg_extension e WHERE e.extnamespace = n.oid)
         OR EXISTS (SELECT 1 FROM pg_depend d
                     WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid
                       AND d.deptype = 'e'),
       EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid AND c.relkind = 'f')
         AND NOT EXISTS (SELECT 1 FROM pg_class c
                          WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'v', 'm'))
  FROM pg_namespace n
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
 ORDER BY 1
