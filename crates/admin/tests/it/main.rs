//! Database tests of the superuser: each on its own database cloned from the migrated template.

use admin::{Account, CreateOptions, Outcome, check_password, create_superuser};
use devdb::TestDb;
use pg::{Secret, Target};

const PASSWORD: &str = "Tr0ub4dor&3-not-in-output";

async fn migrated(test: &str) -> Option<TestDb> {
    templates::test_db(test, templates::Contents::Migrated).await
}

fn account(password: &str) -> Account {
    Account {
        username: "gwells_admin".into(),
        email: "ops@gov.bc.ca".into(),
        password: Secret::new(password),
    }
}

/// The row as Django's `createsuperuser` leaves it, and the stored hash.
async fn row(target: &Target) -> (String, String) {
    let conn = pg::connect(target, "admin tests").await.unwrap_or_else(|e| panic!("{e}"));
    let r = conn
        .query_one(
            "SELECT format('%s %s su=%s staff=%s active=%s last_login=%s names=[%s|%s] joined_recently=%s',
                           username, email, is_superuser, is_staff, is_active,
                           coalesce(last_login::text, 'NULL'), first_name, last_name,
                           date_joined > now() - interval '10 minutes'),
                    password
               FROM auth_user",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    (r.get(0), r.get(1))
}

#[tokio::test]
async fn creates_the_superuser_once_then_leaves_it_alone() {
    let Some(db) = migrated("admin_create_twice").await else { return };
    let first = create_superuser(db.target(), &account(PASSWORD), &CreateOptions::default()).await;
    let Ok(Outcome::Created { id }) = first else { panic!("{first:?}") };
    let (shape, hash) = row(db.target()).await;
    assert_eq!(
        shape,
        "gwells_admin ops@gov.bc.ca su=t staff=t active=t last_login=NULL names=[|] joined_recently=t"
    );
    assert!(hash.starts_with("pbkdf2_sha256$1000000$") && !hash.contains(PASSWORD), "{hash}");
    assert_eq!(check_password(&Secret::new(PASSWORD), &hash).ok(), Some(true));

    // Twice: left alone, the hash untouched, even with another password.
    let second = create_superuser(db.target(), &account("other"), &CreateOptions::default()).await;
    assert_eq!(second.ok(), Some(Outcome::Exists { id }));
    assert_eq!(row(db.target()).await.1, hash);

    // --update: the new password takes effect.
    let updated =
        create_superuser(db.target(), &account("other"), &CreateOptions { update: true }).await;
    assert_eq!(updated.ok(), Some(Outcome::Updated { id }));
    let new_hash = row(db.target()).await.1;
    assert_eq!(check_password(&Secret::new("other"), &new_hash).ok(), Some(true));
    assert_eq!(check_password(&Secret::new(PASSWORD), &new_hash).ok(), Some(false));
}

#[tokio::test]
async fn an_unmigrated_database_is_a_clear_error_without_the_password() {
    let Some(db) = TestDb::empty("admin_unmigrated").await else { return };
    let err = create_superuser(db.target(), &account(PASSWORD), &CreateOptions::default()).await;
    let message = err.map(|o| format!("{o:?}")).unwrap_or_else(|e| format!("{e:?} {e}"));
    assert!(message.contains("table `auth_user` does not exist"), "{message}");
    assert!(!message.contains(PASSWORD), "{message}");
    assert!(!format!("{:?}", account(PASSWORD)).contains(PASSWORD));
}
