-- What a reset in place keeps of the current database besides extensions, foreign servers and
-- the FDW's schemas: its properties and database-wide objects, one line each, for the template
-- path to compare a clone against (see template.rs).
WITH db AS (SELECT * FROM pg_database WHERE datname = current_database()),
     ext_member AS (SELECT classid, objid FROM pg_depend WHERE deptype = 'e')
SELECT 'encoding ' || pg_encoding_to_char(encoding) FROM db
UNION ALL
SELECT format('locale %s (provider %s, ctype %s)', datcollate, datlocprovider, datctype) FROM db
UNION ALL
SELECT 'tablespace ' || t.spcname FROM db JOIN pg_tablespace t ON t.oid = db.dattablespace
UNION ALL
SELECT 'connection limit ' || datconnlimit FROM db WHERE datconnlimit <> -1
UNION ALL
SELECT 'database privileges ' || datacl::text FROM db WHERE datacl IS NOT NULL
UNION ALL
SELECT 'comment on the database' FROM db WHERE shobj_description(oid, 'pg_database') IS NOT NULL
UNION ALL
SELECT 'setting ' || coalesce('for role ' || r.rolname || ' ', '') || s.config
  FROM db JOIN pg_db_role_setting d ON d.setdatabase = db.oid
  LEFT JOIN pg_roles r ON r.oid = d.setrole
 CROSS JOIN unnest(d.setconfig) AS s(config)
UNION ALL
SELECT 'privileges on schema public ' || coalesce(nspacl::text, 'default')
  FROM pg_namespace WHERE nspname = 'public'
UNION ALL
SELECT format('default privileges for role %s on %s %s', pg_get_userbyid(defaclrole),
              defaclobjtype, defaclacl::text)
  FROM pg_default_acl
UNION ALL
SELECT format('extension %s in schema %s', e.extname, n.nspname)
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE n.nspname NOT IN ('public', 'pg_catalog')
UNION ALL
SELECT 'operator ' || o.oid::regoperator::text FROM pg_operator o
 WHERE o.oprnamespace = 'public'::regnamespace
   AND (o.tableoid, o.oid) NOT IN (SELECT classid, objid FROM ext_member)
UNION ALL
SELECT 'collation ' || c.oid::regcollation::text FROM pg_collation c
 WHERE c.collnamespace = 'public'::regnamespace
   AND (c.tableoid, c.oid) NOT IN (SELECT classid, objid FROM ext_member)
UNION ALL
SELECT 'text search configuration ' || c.oid::regconfig::text FROM pg_ts_config c
 WHERE c.cfgnamespace = 'public'::regnamespace
   AND (c.tableoid, c.oid) NOT IN (SELECT classid, objid FROM ext_member)
UNION ALL
SELECT 'large objects: ' || count(*) FROM pg_largeobject_metadata HAVING count(*) > 0
UNION ALL
SELECT 'subscription ' || s.subname FROM db JOIN pg_subscription s ON s.subdbid = db.oid
UNION ALL
SELECT 'event trigger ' || evtname FROM pg_event_trigger
UNION ALL
SELECT 'publication ' || pubname FROM pg_publication
UNION ALL
SELECT 'foreign-data wrapper ' || w.fdwname FROM pg_foreign_data_wrapper w
 WHERE (w.tableoid, w.oid) NOT IN (SELECT classid, objid FROM ext_member)
