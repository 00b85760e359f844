//! The protection and maintenance markers: rows of `gwells_db_meta.marker`.
//!
//! A table in a schema of the tool's own, rather than a database comment or setting, because a
//! row can carry who set it, when, and the backend of the session a maintenance marker belongs
//! to; because it is committed and visible to every session at once; and because reset can
//! skip one schema by name. Reading never creates anything: a database without the schema has
//! no markers.

use pg::{Conn, Target};

use crate::Error;

/// The tool's schema, never dropped by reset.
pub(crate) const META_SCHEMA: &str = "gwells_db_meta";

/// One marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// When, in UTC, `2024-05-01T10:00:00Z`.
    pub set_at: String,
    /// Who: the command and process that set it.
    pub set_by: String,
    /// Free text (`protect --note`).
    pub note: String,
    /// For maintenance: whether the session that set it is still connected.
    pub live: bool,
}

/// The markers of one database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Markers {
    /// Reset refuses the database.
    pub(crate) protected: Option<Marker>,
    /// A reset is running (or was interrupted, when not `live`).
    pub maintenance: Option<Marker>,
}

/// Reads the markers of `target`'s database (none when the tool's schema does not exist).
pub async fn markers(target: &Target) -> Result<Markers, Error> {
    let database = target.dbname();
    let conn = pg::connect(target, "gwells-db markers").await?;
    read(&conn, database).await
}

pub(crate) async fn read(conn: &Conn, database: &str) -> Result<Markers, Error> {
    let markers = read_once(conn, database).await?;
    // Marker rows come from the statement's snapshot, the keeper's session from the server's
    // session table as it is a moment later or earlier: a reset that just deleted its marker and
    // closed its keeper, or one that just connected its keeper and set its marker, can look like
    // a marker whose keeper is gone. A marker left by a killed reset stays that way; a moment
    // later the racing one is gone or live.
    if markers.maintenance.as_ref().is_some_and(|m| !m.live) {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        return read_once(conn, database).await;
    }
    Ok(markers)
}

async fn read_once(conn: &Conn, database: &str) -> Result<Markers, Error> {
    let exists: bool = conn
        .query_one("SELECT to_regclass('gwells_db_meta.marker') IS NOT NULL", &[])
        .await
        .map_err(Error::db(database, "looking for the markers table"))?
        .get(0);
    let mut markers = Markers::default();
    if !exists {
        return Ok(markers);
    }
    for row in conn
        .query(include_str!("markers.sql"), &[])
        .await
        .map_err(Error::db(database, "reading the markers"))?
    {
        let name: String = row.get(0);
        let marker =
            Marker { set_at: row.get(1), set_by: row.get(2), note: row.get(3), live: row.get(4) };
        match name.as_str() {
            "protected" => markers.protected = Some(marker),
            _ => markers.maintenance = Some(marker),
        }
    }
    Ok(markers)
}

pub(crate) async fn ensure_meta(conn: &Conn, database: &str) -> Result<(), Error> {
    conn.batch_execute(include_str!("meta.sql"))
        .await
        .map_err(Error::db(database, "creating the markers table"))
}

/// Sets (`on`) or clears the protection marker; returns whether anything changed.
pub async fn set_protected(
    target: &Target,
    on: bool,
    set_by: &str,
    note: &str,
) -> Result<bool, Error> {
    let database = target.dbname();
    let lock = pg::Lock::acquire(
        target,
        &pg::LockOptions {
            application_name: "gwells-db protect".into(),
            ..pg::LockOptions::default()
        },
    )
    .await?;
    let conn = pg::connect(target, "gwells-db protect").await?;
    let changed = if on {
        ensure_meta(&conn, database).await?;
        conn.execute(
            "INSERT INTO gwells_db_meta.marker (name, set_by, note) VALUES ('protected', $1, $2)
             ON CONFLICT (name) DO NOTHING",
            &[&set_by, &note],
        )
        .await
        .map_err(Error::db(database, "setting the protection marker"))?
    } else if read(&conn, database).await?.protected.is_some() {
        conn.execute("DELETE FROM gwells_db_meta.marker WHERE name = 'protected'", &[])
            .await
            .map_err(Error::db(database, "removing the protection marker"))?
    } else {
        0
    };
    lock.release().await?;
    Ok(changed > 0)
}

/// A maintenance marker held for the duration of a reset, by a session of its own (the
/// keeper). The keeper is usually connected to the database being reset; when the reset replaces
/// that database (the template path), it is connected to another database of the same server, and
/// the marker is written into the replacement before the swap, naming the same keeper.
pub(crate) struct Maintenance {
    keeper: Conn,
    pid: i32,
}

impl Maintenance {
    /// Opens the keeper on `keeper` and sets the marker in `target` (committed at once). A live
    /// marker of another reset is refused; a stale one (its session gone) is taken over.
    pub(crate) async fn begin(
        target: &Target,
        keeper: &Target,
        set_by: &str,
    ) -> Result<Maintenance, Error> {
        let conn = pg::connect(keeper, "gwells-db reset (maintenance marker)").await?;
        let pid = conn.backend_pid().await?;
        let maintenance = Maintenance { keeper: conn, pid };
        maintenance.mark(target, set_by).await?;
        Ok(maintenance)
    }

    /// Writes the marker, naming the keeper, into the database of `target`; refuses a protected
    /// database and one whose live marker belongs to another reset.
    pub(crate) async fn mark(&self, target: &Target, set_by: &str) -> Result<(), Error> {
        let database = target.dbname();
        let conn = pg::connect(target, "gwells-db reset").await?;
        ensure_meta(&conn, database).await?;
        // One read for both refusals: a protected database, a reset already running.
        let markers = read(&conn, database).await?;
        crate::guard::not_protected(database, &markers)?;
        if let Some(m) = markers.maintenance
            && m.live
        {
            return Err(Error::InProgress {
                database: database.into(),
                set_at: m.set_at,
                set_by: m.set_by,
            });
        }
        // pg_stat_activity is server-wide: the keeper may sit in another database.
        conn.execute(
            "INSERT INTO gwells_db_meta.marker (name, set_by, backend_pid, backend_start)
             SELECT 'maintenance', $1, pid, backend_start FROM pg_stat_activity WHERE pid = $2
             ON CONFLICT (name) DO UPDATE SET set_at = now(), set_by = EXCLUDED.set_by,
                    note = '', backend_pid = EXCLUDED.backend_pid,
                    backend_start = EXCLUDED.backend_start",
            &[&set_by, &self.pid],
        )
        .await
        .map_err(Error::db(database, "setting the maintenance marker"))?;
        Ok(())
    }

    /// Clears the marker this keeper set in the database now named by `target`, then closes the
    /// keeper.
    pub(crate) async fn end(self, target: &Target) -> Result<(), Error> {
        let database = target.dbname();
        let conn = pg::connect(target, "gwells-db reset").await?;
        conn.execute(
            "DELETE FROM gwells_db_meta.marker WHERE name = 'maintenance' AND backend_pid = $1",
            &[&self.pid],
        )
        .await
        .map_err(Error::db(database, "clearing the maintenance marker"))?;
        drop(self.keeper);
        Ok(())
    }
}
