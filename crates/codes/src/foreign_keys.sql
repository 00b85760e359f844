-- Every foreign key that references one of the named tables, from any table in any schema,
-- with the referencing table's primary key (to name referencing rows).
SELECT src.relname::text,
       srcns.nspname::text,
       (SELECT array_agg(a.attname::text ORDER BY k.ord)
          FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum),
       coalesce((SELECT array_agg(a.attname::text ORDER BY k.ord)
                   FROM pg_index i
                  CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                  WHERE i.indrelid = con.conrelid AND i.indisprimary), '{}'::text[]),
       tgt.relname::text,
       (SELECT array_agg(a.attname::text ORDER BY k.ord)
          FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum)
  FROM pg_constraint con
  JOIN pg_class src ON src.oid = con.conrelid
  JOIN pg_namespace srcns ON srcns.oid = src.relnamespace
  JOIN pg_class tgt ON tgt.oid = con.confrelid
 WHERE con.contype = 'f'
   AND tgt.relnamespace = current_schema()::regnamespace
   AND tgt.relname = ANY($1)
 ORDER BY src.relname, con.conname
