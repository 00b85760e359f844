//! The guard: may this database be reset? Pure, so every case is a unit test: the caller reads
//! the server's mark and passes it in.

use pg::Target;

use crate::marker::META_SCHEMA;
use crate::{Error, Markers};

/// Where the target database lives, as far as the guard cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// On a server this tool started (`cargo xtask db up`, tests, CI): it carries devdb's
    /// `cluster_name` mark, which only a server start can set.
    DevServer,
    /// On any other server; `server` is the masked URL, `local` whether every address it is
    /// reached at is on this machine (for the message only: that is not what makes it safe).
    Unmarked { server: String, local: bool },
}

impl Place {
    /// Classifies `target`; `marked` is whether its server answered with the mark
    /// (`devdb::is_devdb_server`). Only the mark frees a reset: where the URL came from and
    /// whether it is loopback say nothing about what is behind it (the pod's own server, an SSH
    /// tunnel, a `kubectl port-forward` to production).
    pub fn of(target: &Target, marked: bool) -> Place {
        if marked {
            Place::DevServer
        } else {
            Place::Unmarked { server: target.to_string(), local: target.is_local() }
        }
    }
}

/// Why a reset is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Clearance {
    /// A server this tool started resets freely.
    DevServer,
    /// `--confirm` named the database.
    Confirmed,
}

/// The flag part of the guard: a database on a server this tool started passes; any other
/// needs `confirm` equal to `database`. A `confirm` that names another database is refused
/// everywhere.
pub(crate) fn clearance(
    place: &Place,
    database: &str,
    confirm: Option<&str>,
) -> Result<Clearance, Error> {
    if let Some(given) = confirm
        && given != database
    {
        return Err(Error::WrongConfirm { database: database.into(), given: given.into() });
    }
    match (place, confirm) {
        (Place::DevServer, _) => Ok(Clearance::DevServer),
        (Place::Unmarked { .. }, Some(_)) => Ok(Clearance::Confirmed),
        (Place::Unmarked { server, local }, None) => Err(Error::NotConfirmed {
            database: database.into(),
            server: server.clone(),
            local: if *local {
                "; being on this machine does not make it throwaway: it may be the pod's own \
                 server, an SSH tunnel or a port-forward"
            } else {
                ""
            },
        }),
    }
}

/// The schemas an FDW must not take for its own (`FDW_SCHEMA`): `public` (the migrations'
/// schema, even while empty), the tool's `META_SCHEMA`, the system schemas, and every schema
/// of `target`'s database that holds tables, materialized views or extension objects. The FDW's
/// schema holds only foreign tables: setup replaces it and reset keeps it whole, so naming an
/// application schema would make reset keep the application ("drop 0 statements").
pub async fn application_schemas(target: &Target) -> Result<Vec<String>, Error> {
    let database = target.dbname();
    let conn = pg::connect(target, "gwells-db reset").await?;
    let rows = conn
        .query(
            "SELECT n.nspname FROM pg_namespace n
              WHERE n.nspname IN ('public', $1, 'information_schema') OR n.nspname LIKE 'pg\\_%'
                 OR EXISTS (SELECT 1 FROM pg_class c
                             WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'm'))
                 OR EXISTS (SELECT 1 FROM pg_extension e WHERE e.extnamespace = n.oid)
              ORDER BY 1",
            &[&META_SCHEMA],
        )
        .await
        .map_err(Error::db(database, "listing the application schemas"))?;
    let mut schemas: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    for always in ["public", META_SCHEMA] {
        if !schemas.iter().any(|s| s == always) {
            schemas.push(always.to_string());
        }
    }
    Ok(schemas)
}

/// The marker part of the guard: a protected database is refused, naming the marker.
pub(crate) fn not_protected(database: &str, markers: &Markers) -> Result<(), Error> {
    match &markers.protected {
        None => Ok(()),
        Some(m) => Err(Error::Protected {
            database: database.into(),
            set_at: m.set_at.clone(),
            set_by: m.set_by.clone(),
            note: if m.note.is_empty() { String::new() } else { format!(": {}", m.note) },
        }),
    }
}

#[cfg(test)]
mod tests {
    use pg::Source;

    use super::*;
    use crate::Marker;

    fn check(url: &str, marked: bool, confirm: Option<&str>, expected: &str) {
        let target = Target::parse(url, Source::DatabaseUrl).unwrap_or_else(|e| panic!("{e}"));
        let place = Place::of(&target, marked);
        let got = match clearance(&place, target.dbname(), confirm) {
            Ok(c) => format!("{c:?}"),
            Err(e) => format!("error: {e}"),
        };
        assert_eq!(got, expected, "{url} {confirm:?}");
    }

    #[test]
    fn decisions() {
        // A marked server resets freely, wherever it is reached.
        check("postgres://u@127.0.0.1:55432/gwells", true, None, "DevServer");
        check("postgres://u@db.example/gwells?hostaddr=127.0.0.1", true, None, "DevServer");
        // Unmarked: loopback, a socket, the pod's localhost are not throwaway.
        let local = "; being on this machine does not make it throwaway: it may be the pod's own server, an SSH tunnel or a port-forward\nhint: pass `--confirm gwells` if you really mean to drop everything in it";
        for url in [
            "postgres://u@localhost:5432/gwells",
            "postgres://u@[::1]:5432/gwells",
            "postgres://u@127.0.0.1:55432/gwells",
        ] {
            check(
                url,
                false,
                None,
                &format!(
                    "error: refusing to reset `gwells` on {}: its server was not started by this tool (it lacks the `cluster_name` mark){local}",
                    Target::parse(url, Source::Flag).map(|t| t.to_string()).unwrap_or_default()
                ),
            );
        }
        check(
            "host=/var/run/postgresql dbname=gwells",
            false,
            None,
            &format!(
                "error: refusing to reset `gwells` on postgres:///gwells?host=%2Fvar%2Frun%2Fpostgresql: its server was not started by this tool (it lacks the `cluster_name` mark){local}"
            ),
        );
        check(
            "postgres://u:pw@db.prod.example:5432/gwells",
            false,
            None,
            "error: refusing to reset `gwells` on postgres://u:****@db.prod.example:5432/gwells: its server was not started by this tool (it lacks the `cluster_name` mark)\nhint: pass `--confirm gwells` if you really mean to drop everything in it",
        );
        // `hostaddr` decides: a `localhost` beside a remote address is remote.
        check(
            "host=localhost hostaddr=198.51.100.1 dbname=gwells",
            false,
            None,
            "error: refusing to reset `gwells` on postgres://localhost/gwells?hostaddr=198.51.100.1: its server was not started by this tool (it lacks the `cluster_name` mark)\nhint: pass `--confirm gwells` if you really mean to drop everything in it",
        );
        check("postgres://u@db.prod.example/gwells", false, Some("gwells"), "Confirmed");
        check("postgres://u@localhost/gwells", false, Some("gwells"), "Confirmed");
        check(
            "postgres://u@db.prod.example/gwells",
            false,
            Some("gwells-test"),
            "error: `--confirm gwells-test` does not match the target database `gwells`\nhint: `--confirm` takes the exact name of the database being reset",
        );
        check(
            "postgres://u@localhost/gwells",
            true,
            Some("GWELLS"),
            "error: `--confirm GWELLS` does not match the target database `gwells`\nhint: `--confirm` takes the exact name of the database being reset",
        );
    }

    #[test]
    fn protection_is_refused_whatever_the_place() {
        let mut markers = Markers::default();
        assert!(not_protected("gwells", &markers).is_ok());
        markers.protected = Some(Marker {
            set_at: "2024-05-01T10:00:00Z".into(),
            set_by: "cargo xtask protect (ops)".into(),
            note: "production".into(),
            live: false,
        });
        let err = not_protected("gwells", &markers)
            .map(|_| String::new())
            .unwrap_or_else(|e| e.to_string());
        assert_eq!(
            err,
            "refusing to reset `gwells`: it carries the `protected` marker (set 2024-05-01T10:00:00Z by cargo xtask protect (ops): production)\nhint: run `cargo xtask unprotect` against it first if it really is to be reset"
        );
    }
}
