-- A catalog-based dump of everything migrations shape, outside the tool's meta schema.
WITH ns AS (
    SELECT oid, nspname FROM pg_namespace
     WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'gwells_db_meta')
       AND nspname NOT LIKE 'pg\_%'
)
SELECT 'schema ' || nspname FROM ns
UNION ALL
SELECT 'extension ' || extname FROM pg_extension
UNION ALL
SELECT format('relation %s.%s %s', ns.nspname, c.relname, c.relkind)
  FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
UNION ALL
SELECT format('column %s.%s.%s %s %s %s', table_schema, table_name, column_name, data_type,
              coalesce(column_default, '-'), is_nullable)
  FROM information_schema.columns WHERE table_schema IN (SELECT nspname FROM ns)
UNION ALL
SELECT format('constraint %s %s %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
  FROM pg_constraint c JOIN ns ON ns.oid = c.connamespace
UNION ALL
SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname IN (SELECT nspname FROM ns)
UNION ALL
SELECT format('routine %s.%s(%s) %s', ns.nspname, p.proname,
              pg_get_function_identity_arguments(p.oid), md5(p.prosrc))
  FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
UNION ALL
SELECT format('type %s.%s %s', ns.nspname, t.typname, t.typtype)
  FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
UNION ALL
SELECT format('trigger %s', pg_get_triggerdef(t.oid))
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN ns ON ns.oid = c.relnamespace
 WHERE NOT t.tgisinternal
ORDER BY 1
