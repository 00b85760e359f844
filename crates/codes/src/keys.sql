-- The primary-key columns of the named tables in the current schema, in key order.
SELECT c.relname::text, array_agg(a.attname::text ORDER BY k.ord)
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indrelid
 CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
 WHERE i.indisprimary
   AND c.relnamespace = current_schema()::regnamespace
   AND c.relname = ANY($1)
 GROUP BY c.relname
