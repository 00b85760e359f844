//! The DDL of the setup, as statements, and the fingerprint of a configuration.
//!
//! Pure: nothing here touches a database. The sequence is the seed's (domain §2.1) with three
//! deliberate changes: the wrapper's extension is created only when no wrapper of that name
//! exists (so the handler-less `oracle_fdw` wrapper of the tests, or one installed by other
//! means, is used as is); the reader role is created if missing instead of dropped and
//! re-created (roles are cluster-wide: dropping one that holds grants in another database
//! fails); and the last statement records the fingerprint as the server's comment.

use sha2::{Digest, Sha256};

use crate::spec::{Driver, Spec};

/// What a masked password looks like in rendered DDL.
pub const MASK: &str = "****";

/// The prefix of the server comment that records the fingerprint.
pub(crate) const COMMENT_PREFIX: &str = "gwells-db fdw fingerprint ";

/// The statements of the setup, in order, to run in one transaction. With `masked`, the
/// password is rendered as `****` (for display); the unmasked form is only ever sent to the
/// server. Every name and value is quoted by `pg::quote`; a spec must have passed
/// [`Spec::validate`] (no NUL bytes), which [`crate::setup`] checks first.
pub fn render(spec: &Spec, masked: bool) -> Vec<String> {
    let mut out = body(spec, masked);
    out.push(format!(
        "COMMENT ON SERVER {} IS {}",
        ident(&spec.name),
        literal(&format!("{COMMENT_PREFIX}{}", fingerprint(spec)))
    ));
    out
}

/// The fingerprint of a configuration: a sha256 over the masked DDL (so every non-secret
/// value and the shape of the DDL itself count) and a sha256 of the password.
pub fn fingerprint(spec: &Spec) -> String {
    let password = hex::encode(Sha256::digest(spec.password.expose().as_bytes()));
    let mut hasher = Sha256::new();
    for statement in body(spec, true) {
        hasher.update(statement.as_bytes());
        hasher.update(b"\n");
    }
    hasher.update(b"password-sha256:");
    hasher.update(password.as_bytes());
    hex::encode(hasher.finalize())
}

fn body(spec: &Spec, masked: bool) -> Vec<String> {
    let wrapper = spec.driver.kind().name();
    let server = ident(&spec.name);
    let local = ident(&spec.local_schema);
    let reader = ident(&spec.reader_role);
    let password = if masked { MASK } else { spec.password.expose() };
    let batch = spec.batch_rows.to_string();

    let server_options = match &spec.driver {
        Driver::Oracle { dbserver } => {
            options(&[("dbserver", dbserver), ("isolation_level", "read_only")])
        }
        Driver::Postgres { host, port, dbname } => options(&[
            ("host", host),
            ("port", &port.to_string()),
            ("dbname", dbname),
            ("fetch_size", &batch),
        ]),
    };
    let import_options = match &spec.driver {
        // Oracle names are upper case: `case 'smart'` folds WELLS_WELLS to wells_wells (the
        // seed's default, made explicit); the source is never written through the FDW.
        Driver::Oracle { .. } => {
            format!(
                " OPTIONS ({})",
                options(&[("case", "smart"), ("readonly", "true"), ("prefetch", &batch)])
            )
        }
        Driver::Postgres { .. } => String::new(),
    };
    let extension = format!(
        "IF NOT EXISTS (SELECT FROM pg_catalog.pg_foreign_data_wrapper WHERE fdwname = {}) \
         THEN CREATE EXTENSION {}; END IF;",
        literal(wrapper),
        ident(wrapper)
    );
    let role = format!(
        "BEGIN CREATE ROLE {reader} NOLOGIN; \
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END"
    );

    let mut out = vec![
        format!("DO {}", literal(&format!("BEGIN {extension} END"))),
        // A constant name: nothing from the spec reaches this text.
        format!("CREATE EXTENSION IF NOT EXISTS {}", spec.extensions()[1]),
        format!("DROP SERVER IF EXISTS {server} CASCADE"),
        format!(
            "CREATE SERVER {server} FOREIGN DATA WRAPPER {} OPTIONS ({server_options})",
            ident(wrapper)
        ),
        format!(
            "CREATE USER MAPPING FOR PUBLIC SERVER {server} OPTIONS ({})",
            options(&[("user", &spec.user), ("password", password)])
        ),
        format!("DROP SCHEMA IF EXISTS {local}"),
        format!("CREATE SCHEMA {local}"),
        format!(
            "IMPORT FOREIGN SCHEMA {} FROM SERVER {server} INTO {local}{import_options}",
            ident(&spec.foreign_schema)
        ),
        format!("DO {}", literal(&role)),
        format!("GRANT USAGE ON SCHEMA {local} TO {reader}"),
        format!("GRANT SELECT ON ALL TABLES IN SCHEMA {local} TO {reader}"),
    ];
    if let Some(grantee) = &spec.grantee {
        out.push(format!("GRANT {reader} TO {}", ident(grantee)));
    }
    out
}

/// `(name 'value', ...)` contents: option names are fixed words, values are quoted literals.
fn options(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{k} {}", literal(v))).collect::<Vec<_>>().join(", ")
}

// Invariant: a validated spec holds no NUL byte, the only thing quoting refuses. Should an
// unvalidated one get here, the NUL is dropped from the *display* and setup refuses it anyway.
fn ident(name: &str) -> String {
    pg::quote::ident(name)
        .unwrap_or_else(|_| pg::quote::ident(&name.replace('\0', "")).unwrap_or_default())
}

fn literal(value: &str) -> String {
    pg::quote::literal(value)
        .unwrap_or_else(|_| pg::quote::literal(&value.replace('\0', "")).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use pg::Secret;

    use super::*;
    use crate::spec::DriverKind;

    fn production() -> Spec {
        let env = |name: &str| {
            Some(
                match name {
                    "FDW_NAME" => "wells_oradb",
                    "FDW_FOREIGN_SERVER" => "//nrk1-scan.bcgov/envprod1.nrs.bcgov",
                    "FDW_USER" => "proxy_wells_gwells",
                    "FDW_PASS" => "pr0d-s3cret",
                    "FDW_FOREIGN_SCHEMA" => "WELLS",
                    "FDW_SCHEMA" => "wells",
                    _ => return None,
                }
                .to_string(),
            )
        };
        Spec::from_env(&env).expect("complete").with_grantee(Some("gwells"))
    }

    fn hostile(driver: DriverKind) -> Spec {
        let env = |name: &str| {
            Some(
                match name {
                    "FDW_NAME" => "srv\"; DROP DATABASE gwells; --",
                    "FDW_FOREIGN_SERVER" => match driver {
                        DriverKind::Oracle => "//h'ost/serv\\ice; --",
                        DriverKind::Postgres => {
                            "host=127.0.0.1 port=5432 dbname='lé\\'gacy; \\\\x'"
                        }
                    },
                    "FDW_USER" => "o'brien\\; DROP ROLE x",
                    "FDW_PASS" => "p'a\\ss;word\"é",
                    "FDW_FOREIGN_SCHEMA" => "WE\"LLS",
                    "FDW_SCHEMA" => "puits_été; --",
                    _ => return None,
                }
                .to_string(),
            )
        };
        Spec::from_env_with(&env, Some(driver)).expect("complete").with_grantee(Some("app\"user"))
    }

    fn check(spec: &Spec, masked: bool, expected_fragment: &str) {
        let text = render(spec, masked).join(";\n");
        assert!(text.contains(expected_fragment), "{expected_fragment} not in\n{text}");
        if masked {
            assert!(!text.contains(spec.password.expose()), "password leaked:\n{text}");
        }
    }

    #[test]
    fn snapshots() {
        insta::assert_snapshot!("oracle", render(&production(), true).join(";\n"));
        let rehearsal = Spec::postgres(
            "wells_legacy",
            "127.0.0.1",
            5433,
            "gwells_legacy",
            "postgres",
            Secret::new("rehearsal-pw"),
            "wells",
            "wells",
        );
        insta::assert_snapshot!("postgres", render(&rehearsal, true).join(";\n"));
        insta::assert_snapshot!(
            "oracle_hostile",
            render(&hostile(DriverKind::Oracle), true).join(";\n")
        );
        insta::assert_snapshot!(
            "postgres_hostile",
            render(&hostile(DriverKind::Postgres), true).join(";\n")
        );
    }

    #[test]
    fn password_only_when_unmasked() {
        check(&production(), true, "password '****'");
        check(&production(), false, "password 'pr0d-s3cret'");
        check(&hostile(DriverKind::Oracle), false, r#"password E'p''a\\ss;word"é'"#);
        check(&hostile(DriverKind::Oracle), true, "password '****'");
    }

    #[test]
    fn fingerprint_follows_every_value() {
        let base = production();
        let fp = fingerprint(&base);
        assert_eq!(fp, fingerprint(&production()), "deterministic");
        let mut changed = base.clone();
        changed.user = "other".into();
        assert_ne!(fingerprint(&changed), fp);
        let mut changed = base.clone();
        changed.password = Secret::new("rotated");
        assert_ne!(fingerprint(&changed), fp);
        let changed = base.clone().with_grantee(None);
        assert_ne!(fingerprint(&changed), fp);
        assert!(!fp.contains(&hex::encode(Sha256::digest(b"pr0d-s3cret"))));
    }
}
