//! The merge path: online (no lock a reader or a writer waits for), only the difference, the
//! same content as a fresh bulk load, and nothing changed by `--plan` or a blocked apply.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};

use replicate::{Choice, Event, Mode, Options, Path, Report};

use crate::{DRILLER, coded_db, exec, local_legacy, run, submission, texts};

/// A stand-in of `wells` wells in `<db>_legacy`, behind the FDW of every database of `dbs`.
async fn with_stand_in(dbs: &[&devdb::TestDb], wells: u32) -> pg::Target {
    let legacy_db = format!("{}_legacy", dbs[0].name());
    exec(dbs[0].admin(), &format!("CREATE DATABASE {legacy_db}")).await;
    let source = dbs[0].admin().with_dbname(&legacy_db);
    let spec = legacy::Spec { wells, seed: 11, ..legacy::Spec::default() };
    legacy::create(&source, &spec).await.expect("stand-in");
    for db in dbs {
        let fdw_spec = fdw::Spec::rehearsal(db.admin(), &legacy_db, &spec.schema);
        fdw::setup(db.target(), &fdw_spec, &fdw::SetupOptions::default()).await.expect("fdw");
    }
    source
}

/// Per replicated table, a hash of its content without the random guids.
async fn content(t: &pg::Target) -> Vec<String> {
    let mut out = Vec::new();
    for table in replicate::TABLES {
        let guid = if *table == "bcgs_number" { "-".to_string() } else { format!("{table}_guid") };
        let guid = if *table == "well" { "well_guid".to_string() } else { guid };
        let sql = format!(
            "SELECT '{table} ' || count(*) || ' ' || md5(coalesce(string_agg(r, E'\\n' ORDER BY r), ''))
               FROM (SELECT (to_jsonb(t) - '{guid}')::text AS r FROM {table} t) x"
        );
        out.extend(texts(t, &sql).await);
    }
    out
}

/// The keys a mutation reported for `kind` of `legacy_table`: count, first distinct keys.
fn expected(m: &legacy::Mutated, legacy_table: &str, kind: &str) -> (i64, Vec<i64>) {
    let Some(rows) = m.tables.get(legacy_table) else { return (0, Vec::new()) };
    let keys = match kind {
        "inserted" => &rows.inserted,
        "updated" => &rows.updated,
        _ => &rows.deleted,
    };
    let mut distinct = keys.clone();
    distinct.dedup();
    distinct.truncate(replicate::EXAMPLES);
    (keys.len() as i64, distinct)
}

/// The report's changes equal what the mutation said it changed, table by table.
fn assert_changes_match(report: &Report, m: &legacy::Mutated) {
    for t in &report.tables {
        let c = t.changes.as_ref().unwrap_or_else(|| panic!("{}: no changes", t.table));
        let legacy = match t.table.as_str() {
            "bcgs_number" => "wells_bcgs_numbers",
            "well" => "wells_wells",
            "screen" => "wells_screens",
            "production_data" => "wells_production_data",
            "casing" => "wells_casings",
            "perforation" => "wells_perforations",
            "aquifer_well" => "gw_aquifer_wells",
            _ => "wells_lithology_descriptions",
        };
        let got = [
            (c.inserted, c.inserted_keys.clone()),
            (c.updated, c.updated_keys.clone()),
            (c.deleted, c.deleted_keys.clone()),
        ];
        let want = [
            expected(m, legacy, "inserted"),
            expected(m, legacy, "updated"),
            expected(m, legacy, "deleted"),
        ];
        assert_eq!(got, want, "`{}` (from `{legacy}`): inserted, updated, deleted", t.table);
    }
}

/// What a probe saw while the merge's transaction held every lock its apply took.
#[derive(Debug, Default)]
struct Probe {
    /// Locks the replicate session held on `public` relations: `relation mode`.
    locks: Vec<String>,
    /// Errors of the reader's and the writer's statements (lock_timeout = 1 s).
    errors: Vec<String>,
}

/// Run from the merge's `Applied` event: the locks of the run's session, and a reader and a
/// writer with `lock_timeout = 1s` that must not time out.
fn probe(target: pg::Target) -> Probe {
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt");
        rt.block_on(async move {
            let conn = pg::connect(&target, "merge test probe").await.expect("connect");
            let locks = conn
                .query(
                    "SELECT c.relname::text || ' ' || l.mode FROM pg_locks l
                       JOIN pg_class c ON c.oid = l.relation
                       JOIN pg_stat_activity a ON a.pid = l.pid
                      WHERE a.application_name = 'gwells-db replicate'
                        AND a.datname = current_database()
                        AND l.database = (SELECT oid FROM pg_database
                                           WHERE datname = current_database())
                        AND c.relnamespace = 'public'::regnamespace AND l.granted
                      ORDER BY 1",
                    &[],
                )
                .await
                .expect("pg_locks")
                .iter()
                .map(|r| r.get(0))
                .collect();
            let mut errors = Vec::new();
            for sql in [
                "SET lock_timeout = '1s'",
                "SELECT count(*) FROM well WHERE well_tag_number BETWEEN 1000 AND 1100",
                "SELECT count(*) FROM well_class_code",
                "SELECT count(*) FROM screen",
                submission("probe", None).as_str(),
            ] {
                if let Err(e) = conn.batch_execute(sql).await {
                    errors.push(format!("{sql}: {}", pg::describe(&e)));
                }
            }
            Probe { locks, errors }
        })
    })
    .join()
    .expect("probe thread")
}

/// A reader querying `well` and a code table in a loop, `lock_timeout = 1s`, until stopped;
/// returns the queries run and the errors.
fn reader(
    target: pg::Target,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<(u64, Vec<String>)> {
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt");
        rt.block_on(async move {
            let conn = pg::connect(&target, "merge test reader").await.expect("connect");
            conn.batch_execute("SET lock_timeout = '1s'").await.expect("lock_timeout");
            let (mut n, mut errors) = (0, Vec::new());
            while !stop.load(Ordering::Relaxed) {
                for sql in ["SELECT count(*) FROM well", "SELECT count(*) FROM well_class_code"] {
                    n += 1;
                    if let Err(e) = conn.batch_execute(sql).await {
                        errors.push(pg::describe(&e));
                    }
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            (n, errors)
        })
    })
}

#[tokio::test]
async fn merge_is_online_applies_what_changed_and_equals_a_fresh_bulk_load() {
    let Some(db) = coded_db("merge_online").await else { return };
    let Some(fresh) = coded_db("merge_fresh").await else { return };
    let source = with_stand_in(&[&db, &fresh], 3000).await;
    let t = db.target();
    for d in [&db, &fresh] {
        exec(d.target(), DRILLER).await; // for the probe's submission
    }

    let first = run(t, Mode::Full).await;
    assert_eq!(first.path, Path::Bulk, "an empty target takes the bulk path");
    assert!(first.verified, "{first:#?}");

    let mutation = legacy::Mutation { schema: "wells".into(), fraction: 0.001, seed: 5 };
    let mutated = legacy::mutate(&source, &mutation).await.expect("mutate");
    assert_eq!(mutated.wells_per_change, 3, "{mutated:#?}");

    // The merge, watched: a reader in a loop, and a probe while the apply's locks are held.
    let stop = Arc::new(AtomicBool::new(false));
    let looping = reader(t.clone(), Arc::clone(&stop));
    let (sent, seen) = mpsc::channel();
    let probed = t.clone();
    let mut on = |e: Event| {
        if let Event::Applied { .. } = e {
            sent.send(probe(probed.clone())).expect("send");
        }
    };
    let merged = replicate::replicate(t, &Options::new(Mode::Full), &mut on).await.expect("merge");
    stop.store(true, Ordering::Relaxed);
    let (queries, reader_errors) = looping.join().expect("reader");
    let probe = seen.try_recv().expect("the probe ran during the apply");

    assert_eq!(merged.path, Path::Merge, "a populated target merges");
    assert!(merged.verified, "{merged:#?}");
    assert!(reader_errors.is_empty(), "the reader failed: {reader_errors:?}");
    assert!(queries > 0);
    assert!(probe.errors.is_empty(), "during the apply: {:?}", probe.errors);
    assert!(
        probe.locks.contains(&"well RowExclusiveLock".to_string()),
        "the probe saw the apply's locks: {:?}",
        probe.locks
    );
    let exclusive: Vec<_> = probe.locks.iter().filter(|l| l.contains("AccessExclusive")).collect();
    assert!(exclusive.is_empty(), "ACCESS EXCLUSIVE on application tables: {exclusive:?}");
    assert_changes_match(&merged, &mutated);

    // The same content as a bulk load of the same source into an empty database.
    let bulk = run(fresh.target(), Mode::Full).await;
    assert_eq!(bulk.path, Path::Bulk);
    assert_eq!(content(t).await, content(fresh.target()).await);

    // Nothing changed: nothing to do, still verified; the probe's submission is kept.
    let again = run(t, Mode::Full).await;
    assert!(again.verified, "{again:#?}");
    assert_eq!(again.rows_changed(), 0, "{again:#?}");
    assert_eq!(texts(t, "SELECT count(*)::text FROM activity_submission").await, ["1"]);

    // --plan reports the next mutation's changes and changes nothing.
    let next = legacy::Mutation { seed: 6, ..mutation };
    let mutated = legacy::mutate(&source, &next).await.expect("mutate");
    let before = content(t).await;
    let options = Options { plan: true, ..Options::new(Mode::Full) };
    let plan = replicate::replicate(t, &options, &mut |_| {}).await.expect("plan");
    assert!(plan.plan);
    assert_changes_match(&plan, &mutated);
    assert_eq!(content(t).await, before, "--plan changed the application tables");
    assert_eq!(texts(t, "SELECT to_regnamespace('gwells_db_replicate')::text").await, ["NULL"]);
    let applied = run(t, Mode::Full).await;
    assert_changes_match(&applied, &mutated);
    exec(db.admin(), &format!("DROP DATABASE {}_legacy WITH (FORCE)", db.name())).await;
}

/// Wells inside and outside the subset, with children, in local legacy tables.
async fn legacy_across_the_range(t: &pg::Target) {
    local_legacy(t).await;
    exec(
        t,
        "INSERT INTO wells.wells_bcgs_numbers (bcgs_id, bcgs_number, who_created) VALUES (1, '092G.001', 'B');
         INSERT INTO wells.wells_wells (well_id, well_tag_number, acceptance_status_code, bcgs_id, who_created)
         SELECT g, 99000 + g * 10, 'ACCEPTED', 1, 'W' FROM generate_series(1, 1600) g;
         INSERT INTO wells.wells_screens (screen_id, well_id, screen_from, who_created)
         SELECT g, 1 + g % 1600, g % 7, 'S' FROM generate_series(1, 2400) g;",
    )
    .await;
}

#[tokio::test]
async fn subset_after_full_deletes_the_wells_outside_and_full_after_subset_adds_them() {
    let Some(db) = coded_db("merge_subset").await else { return };
    let t = db.target();
    legacy_across_the_range(t).await;
    let outside =
        "SELECT count(*)::text FROM well WHERE well_tag_number NOT BETWEEN 100001 AND 113567";
    let full = run(t, Mode::Full).await;
    assert_eq!(full.path, Path::Bulk);
    let wells_outside: i64 = texts(t, outside).await[0].parse().expect("count");
    assert!(wells_outside > 0);

    let subset = run(t, Mode::Subset).await;
    assert_eq!(subset.path, Path::Merge);
    assert!(subset.verified, "{subset:#?}");
    let well = subset.tables.iter().find(|r| r.table == "well").expect("well");
    let c = well.changes.as_ref().expect("changes");
    assert_eq!((c.inserted, c.updated, c.deleted), (0, 0, wells_outside), "{c:#?}");
    assert_eq!(c.deleted_keys.first(), Some(&99010));
    assert_eq!(texts(t, outside).await, ["0"]);

    let back = run(t, Mode::Full).await;
    assert!(back.verified, "{back:#?}");
    let well = back.tables.iter().find(|r| r.table == "well").expect("well");
    let c = well.changes.as_ref().expect("changes");
    assert_eq!((c.inserted, c.updated, c.deleted), (wells_outside, 0, 0), "{c:#?}");
    assert_eq!(texts(t, outside).await, [wells_outside.to_string()]);
}

#[tokio::test]
async fn a_blocked_apply_retries_names_the_blocker_and_changes_nothing() {
    let Some(db) = coded_db("merge_blocked").await else { return };
    let t = db.target();
    legacy_across_the_range(t).await;
    run(t, Mode::Subset).await;
    exec(t, "UPDATE wells.wells_wells SET general_remarks = 'changed' WHERE well_id = 150").await;
    let before = texts(t, "SELECT comments FROM well WHERE well_tag_number = 100500").await;

    // A session holding a SHARE lock on `screen` (a CREATE INDEX would) until told to stop.
    let (release, released) = mpsc::channel::<()>();
    let (ready, is_ready) = mpsc::channel::<()>();
    let holder_target = t.clone();
    let holder = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt");
        rt.block_on(async move {
            let conn = pg::connect(&holder_target, "merge test holder").await.expect("connect");
            conn.batch_execute("BEGIN; LOCK TABLE screen IN SHARE MODE").await.expect("lock");
            ready.send(()).expect("ready");
            tokio::task::spawn_blocking(move || released.recv()).await.ok();
            conn.batch_execute("COMMIT").await.expect("commit");
        })
    });
    is_ready.recv().expect("holder ready");

    let quick = Options {
        apply_lock_timeout: std::time::Duration::from_millis(200),
        apply_attempts: 2,
        apply_backoff: std::time::Duration::from_millis(100),
        ..Options::new(Mode::Subset)
    };
    let mut waits = Vec::new();
    let err = replicate::replicate(t, &quick, &mut |e| {
        if let Event::Waiting { blocker, .. } = e {
            waits.push(blocker);
        }
    })
    .await
    .expect_err("blocked");
    let text = err.to_string();
    assert!(text.contains("after 2 attempts: blocked by pid"), "{text}");
    assert!(text.contains("`merge test holder`"), "{text}");
    assert_eq!(waits.len(), 1, "{waits:?}");
    assert_eq!(texts(t, "SELECT comments FROM well WHERE well_tag_number = 100500").await, before);

    // Released after the first timeout: the second attempt applies.
    let options = Options { apply_attempts: 3, ..quick };
    let mut release = Some(release);
    let report = replicate::replicate(t, &options, &mut |e| {
        if let Event::Waiting { .. } = e
            && let Some(r) = release.take()
        {
            r.send(()).expect("release");
        }
    })
    .await
    .expect("merge after the release");
    holder.join().expect("holder");
    assert_eq!(report.apply_attempts, 2);
    assert!(report.verified);
    assert_eq!(
        texts(t, "SELECT comments FROM well WHERE well_tag_number = 100500").await,
        ["changed"]
    );
}

#[tokio::test]
async fn merge_keeps_submissions_and_refuses_to_delete_what_they_reference() {
    let Some(db) = coded_db("merge_submissions").await else { return };
    let t = db.target();
    legacy_across_the_range(t).await;
    run(t, Mode::Full).await;
    // A submission for a well outside the subset, and a screen it filed for a well inside.
    exec(
        t,
        &format!(
            "{DRILLER}; {}; INSERT INTO screen (create_user, screen_guid, filing_number, well_tag_number, screen_from)
         SELECT 'user', gen_random_uuid(), filing_number, 100500, 1 FROM activity_submission;",
            submission("user", Some(99010))
        ),
    )
    .await;
    // Full again: nothing it references goes, so the merge keeps both and verifies.
    let full = run(t, Mode::Full).await;
    assert!(full.verified, "{full:#?}");
    assert_eq!(full.rows_changed(), 0);
    assert_eq!(
        texts(t, "SELECT count(*)::text FROM screen WHERE filing_number IS NOT NULL").await,
        ["1"]
    );

    // Subset would delete well 99010, which the submission references: refused, unchanged.
    let err = replicate::replicate(t, &Options::new(Mode::Subset), &mut |_| {})
        .await
        .expect_err("refused");
    assert!(
        err.to_string().starts_with(
            "replication would discard rows it did not create: 1 rows in `activity_submission`"
        ),
        "{err}"
    );
    assert_eq!(
        texts(t, "SELECT count(*)::text FROM well WHERE well_tag_number = 99010").await,
        ["1"]
    );

    // --merge --discard-submissions: the merge never discards.
    let forced =
        Options { path: Choice::Merge, discard_submissions: true, ..Options::new(Mode::Subset) };
    let err = replicate::replicate(t, &forced, &mut |_| {}).await.expect_err("refused");
    assert!(err.to_string().starts_with("the merge would delete rows replication did not create"));

    // --discard-submissions alone: the bulk path discards them, and says why.
    let mut paths = Vec::new();
    let options = Options { discard_submissions: true, ..Options::new(Mode::Subset) };
    let report = replicate::replicate(t, &options, &mut |e| {
        if let Event::Path { path, .. } = e {
            paths.push(path);
        }
    })
    .await
    .expect("bulk");
    assert_eq!(paths, [Path::Merge, Path::Bulk]);
    assert_eq!(report.path, Path::Bulk);
    assert!(report.verified);
    assert_eq!(texts(t, "SELECT count(*)::text FROM activity_submission").await, ["0"]);
}
