-- What a cold reset keeps of the current database besides extensions, foreign servers and
-- schemas: its properties and database-wide objects, one line each, for the template path to
-- compare a clone against (see template.rs).
WITH db AS (SELECT * FROM pg_database WHERE datname = current_database())
SELECT 'encoding ' || pg_encoding_to_char(encoding) FROM db
UNION ALL
SELECT format('locale %s (provider %s, ctype %s)', datcollate, datlocprovider, datctype) FROM db
UNION ALL
SELECT 'privileges ' || datacl::text FROM db WHERE datacl IS NOT NULL
UNION ALL
SELECT 'comment on the database' FROM db WHERE shobj_description(oid, 'pg_database') IS NOT NULL
UNION ALL
SELECT 'setting ' || coalesce('for role ' || r.rolname || ' ', '') || s.config
  FROM db JOIN pg_db_role_setting d ON d.setdatabase = db.oid
  LEFT JOIN pg_roles r ON r.oid = d.setrole
 CROSS JOIN unnest(d.setconfig) AS s(config)
UNION ALL
SELECT 'event trigger ' || evtname FROM pg_event_trigger
UNION ALL
SELECT 'publication ' || pubname FROM pg_publication
UNION ALL
SELECT 'foreign-data wrapper ' || w.fdwname FROM pg_foreign_data_wrapper w
 WHERE NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid = 'pg_foreign_data_wrapper'::regclass AND d.objid = w.oid
                      AND d.deptype = 'e')
