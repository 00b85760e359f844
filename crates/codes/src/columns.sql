-- The columns of the named tables in the current schema, in table order.
SELECT c.relname::text, a.attname::text, t.typname::text, a.atttypmod, a.attnotnull,
       format_type(a.atttypid, NULL)
  FROM pg_class c
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  JOIN pg_type t ON t.oid = a.atttypid
 WHERE c.relnamespace = current_schema()::regnamespace
   AND c.relkind IN ('r', 'p')
   AND c.relname = ANY($1)
 ORDER BY c.relname, a.attnum
