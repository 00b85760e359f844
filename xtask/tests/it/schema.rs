//! The schema against the real GWELLS one: a migrated and coded database's catalog equals the
//! reference catalog of the schema GWELLS's own Django built; a database migrated by an older
//! gwells-db is refused as drifted and `reset` rebuilds it; a database built without this tool
//! (plain execution of the SQL, ledger rows as Django writes them) is taken over as it is.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use devdb::TestDb;

use crate::support::{database, root, run, text};

/// The reference: the application schema of GWELLS at 2018-03-28 as one fact a line, produced
/// from a database GWELLS's own models built (its header says how).
const REFERENCE: &str = include_str!("reference/gwells-schema-2018.catalog");

/// The deliberate differences from the reference, each line `<` (only in ours) or `>` (only in
/// the reference); `migrations/README.md` gives each one's reason. None today: any line here
/// must be argued there first.
const ALLOWED: &[&str] = &[];

/// The schema of `public` as one fact a line, constraint and index names left out (names are
/// hashes Django computes; two tools need not agree on them):
/// `T|table`, `C|table|column|type|NULL or NOT NULL|default`, `K|table|kind|definition`,
/// `I|table|index definition without its name`, `S|sequence`.
const CATALOG: &str = r"
SELECT 'T|' || c.relname
  FROM pg_class c
 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
UNION ALL
SELECT concat_ws('|', 'C', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                 CASE WHEN a.attnotnull THEN 'NOT NULL' ELSE 'NULL' END,
                 coalesce(pg_get_expr(d.adbin, d.adrelid), ''))
  FROM pg_class c
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
UNION ALL
SELECT concat_ws('|', 'K', c.relname, k.contype,
                 regexp_replace(pg_get_constraintdef(k.oid), '\s+', ' ', 'g'))
  FROM pg_constraint k
  JOIN pg_class c ON c.oid = k.conrelid
 WHERE c.relnamespace = 'public'::regnamespace
UNION ALL
SELECT concat_ws('|', 'I', c.relname,
                 regexp_replace(pg_get_indexdef(i.indexrelid),
                                '^CREATE (UNIQUE )?INDEX \S+ ON ', 'CREATE \1INDEX ON '))
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indrelid
 WHERE c.relnamespace = 'public'::regnamespace
UNION ALL
SELECT 'S|' || c.relname
  FROM pg_class c
 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'S'";

/// Django's own tables, which follow the Django version, not GWELLS.
fn is_django(line: &str) -> bool {
    let table = line.split('|').nth(1).unwrap_or_default();
    table.starts_with("auth_") || table.starts_with("django_")
}

/// The application part of `target`'s catalog, sorted.
async fn catalog(target: &pg::Target) -> BTreeSet<String> {
    let conn = pg::connect(target, "schema test").await.expect("connect");
    let rows = conn.query(CATALOG, &[]).await.expect("catalog");
    rows.iter().map(|r| r.get::<_, String>(0)).filter(|l| !is_django(l)).collect()
}

/// The reference's facts (comment lines left out).
fn reference() -> BTreeSet<String> {
    REFERENCE.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).map(String::from).collect()
}

/// `<` lines only in `ours`, `>` lines only in the reference.
fn diff(ours: &BTreeSet<String>, reference: &BTreeSet<String>) -> Vec<String> {
    let mut lines: Vec<String> = ours.difference(reference).map(|l| format!("< {l}")).collect();
    lines.extend(reference.difference(ours).map(|l| format!("> {l}")));
    lines
}

#[tokio::test(flavor = "multi_thread")]
async fn a_migrated_and_coded_database_has_the_schema_gwells_django_built() {
    let Some(db) = database("schema_catalog", true).await else { return };
    let reference = reference();
    assert!(reference.len() > 1000, "the reference lost its lines: {}", reference.len());
    let differences = diff(&catalog(db.target()).await, &reference);
    let unexplained: Vec<&String> =
        differences.iter().filter(|l| !ALLOWED.contains(&l.as_str())).collect();
    let unused: Vec<&&str> =
        ALLOWED.iter().filter(|a| !differences.iter().any(|d| d == **a)).collect();
    assert!(
        unexplained.is_empty() && unused.is_empty(),
        "catalog distance from GWELLS's own schema: {} lines\nnot allowed:\n{}\nallowed but gone \
         (remove them from ALLOWED and migrations/README.md): {unused:?}",
        differences.len(),
        unexplained.iter().map(|l| l.as_str()).collect::<Vec<_>>().join("\n"),
    );
}

/// The previous main's migrations (commit a4ff251), in a temp dir: today's folders with the
/// fixture's files over them. The fixture holds, as `git show a4ff251:migrations/...` printed
/// them, only the files whose SQL differs from today's; the others changed at most in comments,
/// which checksums ignore.
fn previous_main_migrations() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    crate::support::copy_dir(&root().join("migrations"), dir.path());
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures/a4ff251");
    crate::support::copy_dir(&fixture, dir.path());
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn a_database_the_previous_main_migrated_is_refused_as_drifted_and_reset_rebuilds_it() {
    let Some(db) = TestDb::empty("schema_previous_main").await else { return };
    let old = previous_main_migrations();
    let dir = old.path().to_str().expect("utf-8 temp dir");
    let out = run(db.target(), &["--migrations-dir", dir, "migrate"], &[]);
    assert!(out.status.success(), "the old files do not migrate:\n{}", text(&out.stderr));
    // Where the previous main kept its ledger: `public.gwells_db_migration`, same columns.
    let conn = pg::connect(db.target(), "schema test").await.expect("connect");
    conn.batch_execute(
        "ALTER TABLE gwells_db.migration SET SCHEMA public;
         ALTER TABLE public.migration RENAME TO gwells_db_migration;
         DROP SCHEMA gwells_db;",
    )
    .await
    .expect("move the ledger to where a4ff251 kept it");
    drop(conn);

    let out = run(db.target(), &["migrate"], &[]);
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(all.contains("drifted") && all.contains("`gwells-db reset --confirm DBNAME`"), "{all}");
    assert!(all.contains("`gwells 0001_initial`"), "the changed migrations are not named: {all}");
    let out = run(db.target(), &["migrate", "--check"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let out = run(db.target(), &["health", "--ready"], &[]);
    assert_eq!(out.status.code(), Some(1), "health is ready on a drifted database");

    let out = run(db.target(), &["reset"], &[]);
    assert!(out.status.success(), "reset failed:\n{}", text(&out.stderr));
    let Some(fresh) = database("schema_previous_main_fresh", true).await else { return };
    let rebuilt = catalog(db.target()).await;
    assert_eq!(diff(&rebuilt, &catalog(fresh.target()).await), Vec::<String>::new());
    let conn = pg::connect(db.target(), "schema test").await.expect("connect");
    let legacy: bool = conn
        .query_one("SELECT to_regclass('public.gwells_db_migration') IS NOT NULL", &[])
        .await
        .expect("query")
        .get(0);
    assert!(!legacy, "reset kept the old ledger");
    let out = run(db.target(), &["migrate", "--check"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

/// The files of `app` that Django would record, in name order, and the repeatable scripts.
fn files_of(app: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(app)
        .expect("app dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    let name = |p: &PathBuf| p.file_name().expect("name").to_string_lossy().into_owned();
    let (repeatable, rest): (Vec<_>, Vec<_>) =
        files.into_iter().partition(|p| name(p).starts_with("R_"));
    (rest.into_iter().filter(|p| !name(p).ends_with(".down.sql")).collect(), repeatable)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_database_built_without_the_tool_is_taken_over_as_it_is() {
    let Some(db) = TestDb::empty("schema_take_over").await else { return };
    let conn = pg::connect(db.target(), "schema test").await.expect("connect");
    // Django 1.11's ledger DDL, and its rows as Django writes them: app, name, now.
    conn.batch_execute(
        r#"CREATE TABLE "django_migrations" ("id" serial NOT NULL PRIMARY KEY, "app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, "applied" timestamp with time zone NOT NULL);"#,
    )
    .await
    .expect("django_migrations");
    // Each app's migrations in an order their dependencies allow, as `psql -f` would run them
    // (one simple-protocol batch per file); then the post-deploy and replication scripts, as
    // GWELLS's post-deploy step runs them.
    let mut scripts = Vec::new();
    for app in ["contenttypes", "auth", "admin", "sessions", "gwells", "registries"] {
        let (migrations, repeatable) = files_of(&root().join("migrations").join(app));
        for file in migrations {
            let sql = std::fs::read_to_string(&file).expect("read");
            conn.batch_execute(&sql).await.unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let name = file.file_stem().expect("stem").to_string_lossy().into_owned();
            conn.execute(
                "INSERT INTO django_migrations (app, name, applied) VALUES ($1, $2, now())",
                &[&app, &name],
            )
            .await
            .expect("ledger row");
        }
        scripts.extend(repeatable);
    }
    for file in &scripts {
        let sql = std::fs::read_to_string(file).expect("read");
        conn.batch_execute(&sql).await.unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    }
    drop(conn);

    // Nothing pending and nothing drifted; the repeatable scripts are new to the tool (Django
    // never records them), and only they are named.
    let out = run(db.target(), &["migrate", "--check"], &[]);
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(!all.contains("pending") && !all.contains("drifted"), "{all}");
    let named = all.lines().filter(|l| l.contains("repeatable script new or changed")).count();
    assert_eq!(named, scripts.len(), "{all}");
    let out = run(db.target(), &["codes", "load"], &[]);
    assert!(out.status.success(), "codes load failed:\n{}", text(&out.stderr));
    let out = run(db.target(), &["health", "--ready"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));

    // Taking over applies no migration: it records the scripts (re-run, idempotent), and then
    // the database is current, with the schema of a database the tool built.
    let out = run(db.target(), &["migrate"], &[]);
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{all}");
    assert!(!all.contains(" Applied "), "a migration was applied again:\n{all}");
    let out = run(db.target(), &["migrate", "--check"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let differences = diff(&catalog(db.target()).await, &reference());
    assert_eq!(differences, Vec::<String>::new());
}

/// The writes GWELLS's application makes, with only the columns its models set: each failed on
/// the earlier schema (a NOT NULL column without a default the model never fills, or a column
/// named otherwise).
#[tokio::test(flavor = "multi_thread")]
async fn the_applications_own_writes_succeed() {
    let Some(db) = database("schema_app_writes", true).await else { return };
    let conn = pg::connect(db.target(), "schema test").await.expect("connect");
    let writes = [
        // A new user, and the profile its post_save signal creates (no audit columns).
        "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,
                                is_staff, is_active, date_joined)
         VALUES ('!', false, 'someone', '', '', '', false, true, now())",
        "INSERT INTO profile (profile_guid, user_id)
         SELECT gen_random_uuid(), id FROM auth_user WHERE username = 'someone'",
        "INSERT INTO online_survey (survey_guid, survey_page, survey_enabled, effective_date)
         VALUES (gen_random_uuid(), 'u', true, current_date)",
        "INSERT INTO gwells_survey (create_user, survey_guid, survey_page, survey_enabled)
         VALUES ('someone', gen_random_uuid(), 'u', true)",
        "INSERT INTO registries_organization (create_user, org_guid, name, certificate_authority)
         VALUES ('someone', gen_random_uuid(), 'An organisation', false)",
        "INSERT INTO ltsa_owner (create_user, lsts_owner_guid, full_name, mailing_address, city,
                                 province_state_code, postal_code)
         VALUES ('someone', gen_random_uuid(), 'Owner', '', '', 'BC', '')",
    ];
    for sql in writes {
        conn.batch_execute(sql).await.unwrap_or_else(|e| panic!("{sql}\n{}", pg::describe(&e)));
    }
}
