//! The guard: may this database be reset? Pure, so every case is a unit test.

use pg::Target;
use tokio_postgres::config::Host;

use crate::{Error, Markers};

/// Where the target database lives, as far as the guard cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// On the dev server of `cargo xtask db up` (or a throwaway server of the tool).
    DevServer,
    /// On this machine: a unix socket or a loopback address.
    Loopback,
    /// Anywhere else; `server` is the masked URL, for the message.
    Remote { server: String },
}

impl Place {
    /// Classifies `target`; `dev_server` is the dev server's admin target when it runs.
    pub fn of(target: &Target, dev_server: Option<&Target>) -> Place {
        let same_server = dev_server.is_some_and(|dev| {
            let (a, b) = (target.config(), dev.config());
            hosts(a) == hosts(b) && a.get_ports() == b.get_ports()
        });
        match target.source() {
            pg::Source::DevServer | pg::Source::Throwaway => Place::DevServer,
            _ if same_server => Place::DevServer,
            _ if target.is_local() => Place::Loopback,
            _ => Place::Remote { server: target.to_string() },
        }
    }
}

fn hosts(config: &tokio_postgres::Config) -> Vec<String> {
    config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .collect()
}

/// Why a reset is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clearance {
    /// The dev server resets freely.
    DevServer,
    /// A database on this machine resets freely.
    Loopback,
    /// `--confirm` named the database.
    Confirmed,
}

/// The flag part of the guard: local targets pass; others need `confirm` equal to `database`.
/// A `confirm` that names another database is refused even for a local target.
pub fn clearance(place: &Place, database: &str, confirm: Option<&str>) -> Result<Clearance, Error> {
    if let Some(given) = confirm
        && given != database
    {
        return Err(Error::WrongConfirm { database: database.into(), given: given.into() });
    }
    match (place, confirm) {
        (Place::DevServer, _) => Ok(Clearance::DevServer),
        (Place::Loopback, _) => Ok(Clearance::Loopback),
        (Place::Remote { .. }, Some(_)) => Ok(Clearance::Confirmed),
        (Place::Remote { server }, None) => {
            Err(Error::NotConfirmed { database: database.into(), server: server.clone() })
        }
    }
}

/// The marker part of the guard: a protected database is refused, naming the marker.
pub fn not_protected(database: &str, markers: &Markers) -> Result<(), Error> {
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

    fn check(url: &str, source: Source, confirm: Option<&str>, expected: &str) {
        let target = Target::parse(url, source).unwrap_or_else(|e| panic!("{e}"));
        let dev = Target::parse("postgres://postgres@127.0.0.1:55432/postgres", Source::DevServer)
            .unwrap_or_else(|e| panic!("{e}"));
        let place = Place::of(&target, Some(&dev));
        let got = match clearance(&place, target.dbname(), confirm) {
            Ok(c) => format!("{c:?}"),
            Err(e) => format!("error: {e}"),
        };
        assert_eq!(got, expected, "{url} {confirm:?}");
    }

    #[test]
    fn decisions() {
        use Source::*;
        check("postgres://u@127.0.0.1:55432/gwells", Flag, None, "DevServer");
        check("postgres://u@x/gwells", DevServer, None, "DevServer");
        check("postgres://u@localhost:5432/gwells", DatabaseUrl, None, "Loopback");
        check("postgres://u@[::1]:5432/gwells", Flag, None, "Loopback");
        check("host=/var/run/postgresql dbname=gwells", Flag, None, "Loopback");
        check(
            "postgres://u:pw@db.prod.example:5432/gwells",
            DatabaseUrl,
            None,
            "error: refusing to reset `gwells` on postgres://u:****@db.prod.example:5432/gwells: it is neither the dev server nor on this machine\nhint: pass `--confirm gwells` if you really mean to drop everything in it",
        );
        check("postgres://u@db.prod.example/gwells", PodVars, Some("gwells"), "Confirmed");
        check(
            "postgres://u@db.prod.example/gwells",
            Flag,
            Some("gwells-test"),
            "error: `--confirm gwells-test` does not match the target database `gwells`\nhint: `--confirm` takes the exact name of the database being reset",
        );
        check(
            "postgres://u@localhost/gwells",
            Flag,
            Some("GWELLS"),
            "error: `--confirm GWELLS` does not match the target database `gwells`\nhint: `--confirm` takes the exact name of the database being reset",
        );
        // Another port on loopback is not the dev server, but still local.
        check("postgres://u@127.0.0.1:5432/gwells", Flag, None, "Loopback");
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
