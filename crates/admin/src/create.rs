//! Inserting (or updating) the superuser row in Django's `auth_user`.
//!
//! The row is what `manage.py createsuperuser` writes: `is_superuser`, `is_staff`, `is_active`
//! true, `date_joined` now, `last_login` NULL, empty first and last names, the username NFKC
//! normalised (`AbstractBaseUser.normalize_username`). It runs under the tool's advisory lock.

use std::fmt;

use pg::{Secret, Target};

use crate::hasher::make_password;
use crate::{Account, Error};

/// How to treat an existing user.
#[derive(Debug, Clone, Default)]
pub struct CreateOptions {
    /// Reset the password, e-mail and flags of an existing user instead of leaving it alone.
    pub update: bool,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new row with this `id`.
    Created { id: i64 },
    /// The user existed and was left alone.
    Exists { id: i64 },
    /// The user existed and got the new password, e-mail and superuser flags.
    Updated { id: i64 },
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Created { id } => write!(f, "created (id {id})"),
            Outcome::Exists { id } => {
                write!(f, "already exists (id {id}), left alone; `--update` resets it")
            }
            Outcome::Updated { id } => write!(f, "updated (id {id})"),
        }
    }
}

/// Creates the superuser `account` in `target`'s `auth_user`, idempotently.
pub async fn create_superuser(
    target: &Target,
    account: &Account,
    options: &CreateOptions,
) -> Result<Outcome, Error> {
    let database = target.dbname().to_string();
    let db = |doing| {
        let database = database.clone();
        move |source: tokio_postgres::Error| Error::Db { database, doing, source: source.into() }
    };
    let mut conn = pg::connect(target, "gwells-db admin").await?;
    let exists: bool = conn
        .query_one("SELECT to_regclass('auth_user') IS NOT NULL", &[])
        .await
        .map_err(db("looking for `auth_user`"))?
        .get(0);
    if !exists {
        return Err(Error::NotMigrated { database });
    }
    // Django stores the NFKC form; PostgreSQL's normalize() needs a UTF-8 database, so ASCII
    // names (already normal) skip it.
    let username: String = if account.username.is_ascii() {
        account.username.clone()
    } else {
        conn.query_one("SELECT normalize($1::text, NFKC)", &[&account.username])
            .await
            .map_err(db("normalizing the user name"))?
            .get(0)
    };
    let existing = find(&conn, &username).await.map_err(db("looking the account up"))?;
    if let Some(id) = existing
        && !options.update
    {
        return Ok(Outcome::Exists { id });
    }
    // 1,000,000 PBKDF2 rounds: off the async threads, and before any lock is taken.
    let password = account.password.clone();
    let hash = tokio::task::spawn_blocking(move || make_password(&password))
        .await
        .map_err(|e| Error::Invalid { key: "hash".into(), reason: e.to_string() })?;

    let lock = pg::Lock::acquire(
        target,
        &pg::LockOptions {
            application_name: "gwells-db admin".into(),
            ..pg::LockOptions::default()
        },
    )
    .await?;
    let tx = conn.transaction().await.map_err(db("beginning the transaction"))?;
    // The hash is an offline target for the password: it goes as COPY data, never as a bind
    // parameter, which `log_statement = 'mod'` or `'all'` would write to the server log.
    pg::stash_secret(&tx, &Secret::new(hash)).await?;
    let row = tx
        .query_opt("SELECT id::int8 FROM auth_user WHERE username = $1 FOR UPDATE", &[&username])
        .await
        .map_err(db("locking the account's row"))?;
    let outcome = match row.map(|r| r.get::<_, i64>(0)) {
        Some(id) if !options.update => Outcome::Exists { id },
        Some(id) => {
            tx.execute(
                "UPDATE auth_user SET password = (SELECT value FROM pg_temp.gwells_db_secret),
                        email = $2, is_superuser = true, is_staff = true, is_active = true
                  WHERE id = $1::int8",
                &[&id, &account.email],
            )
            .await
            .map_err(db("updating the account"))?;
            Outcome::Updated { id }
        }
        None => {
            let id: i64 = tx
                .query_one(
                    "INSERT INTO auth_user (password, last_login, is_superuser, username,
                                            first_name, last_name, email, is_staff, is_active,
                                            date_joined)
                     VALUES ((SELECT value FROM pg_temp.gwells_db_secret), NULL, true, $1,
                             '', '', $2, true, true, now())
                     RETURNING id::int8",
                    &[&username, &account.email],
                )
                .await
                .map_err(db("inserting the account"))?
                .get(0);
            Outcome::Created { id }
        }
    };
    tx.commit().await.map_err(db("committing"))?;
    lock.release().await?;
    Ok(outcome)
}

async fn find(conn: &pg::Conn, username: &str) -> Result<Option<i64>, tokio_postgres::Error> {
    let row =
        conn.query_opt("SELECT id::int8 FROM auth_user WHERE username = $1", &[&username]).await?;
    Ok(row.map(|r| r.get(0)))
}
