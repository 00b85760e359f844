//! What a load refuses before touching anything (issue 14, item 9): a CSV of a table that is
//! not a code table, and a header-only CSV unless its table is named in `allow_empty`.

use crate::{coded, edit, editable_codetables, exec, query_i64, state};

#[tokio::test]
async fn a_csv_of_a_non_code_table_is_refused_and_the_superuser_stays() {
    let Some(db) = coded("codes_guard_auth_user").await else { return };
    exec(
        db.target(),
        "INSERT INTO auth_user (password, last_login, is_superuser, username, first_name, last_name,
                                email, is_staff, is_active, date_joined)
         VALUES ('!', now(), true, 'admin', '', '', '', true, true, now())",
    )
    .await;
    let dir = editable_codetables();
    // Header only: loaded, it would delete every user.
    std::fs::write(
        dir.path().join("auth_user.csv"),
        "id,password,last_login,is_superuser,username,first_name,last_name,email,is_staff,is_active,date_joined\n",
    )
    .expect("write");
    let before = state(db.target()).await;

    let err = codes::load_dir(db.target(), dir.path(), &codes::LoadOptions::default())
        .await
        .expect_err("auth_user is not a code table");
    let problems = err.problems();
    assert!(
        problems
            .iter()
            .any(|p| matches!(p, codes::Error::NotCodeTable { table, .. } if table == "auth_user")),
        "{err}"
    );
    assert!(err.to_string().contains("`auth_user` is not a code table"), "{err}");
    // Even allowed to be empty, it is not a code table.
    let options =
        codes::LoadOptions { allow_empty: vec!["auth_user".into()], ..Default::default() };
    codes::load_dir(db.target(), dir.path(), &options).await.expect_err("still refused");
    let superusers =
        query_i64(db.target(), "SELECT count(*) FROM auth_user WHERE is_superuser").await;
    assert_eq!(superusers, 1, "the superuser is still there");
    assert_eq!(state(db.target()).await, before, "a refused load changes nothing");
}

#[tokio::test]
async fn a_header_only_csv_is_refused_unless_allowed() {
    let Some(db) = coded("codes_guard_empty").await else { return };
    let dir = editable_codetables();
    edit(dir.path(), "screen_bottom_code", |s| format!("{}\n", s.lines().next().unwrap_or("")));
    let before = state(db.target()).await;
    let rows = query_i64(db.target(), "SELECT count(*) FROM screen_bottom_code").await;
    assert!(rows > 0, "screen_bottom_code is loaded");

    let err = codes::load_dir(db.target(), dir.path(), &codes::LoadOptions::default())
        .await
        .expect_err("an empty CSV is refused");
    let message = err.to_string();
    assert!(
        message.contains("screen_bottom_code.csv`: no rows")
            && message.contains("--allow-empty screen_bottom_code"),
        "{message}"
    );
    assert_eq!(state(db.target()).await, before, "a refused load changes nothing");

    let options =
        codes::LoadOptions { allow_empty: vec!["screen_bottom_code".into()], ..Default::default() };
    let report = codes::load_dir(db.target(), dir.path(), &options).await.expect("allowed");
    let deleted: Vec<(&str, u64)> = report
        .tables
        .iter()
        .filter(|t| t.deleted > 0)
        .map(|t| (t.table.as_str(), t.deleted))
        .collect();
    assert_eq!(deleted, [("screen_bottom_code", rows as u64)]);
}
