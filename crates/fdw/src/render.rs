//! The DDL of the setup, as statements: what is shown, and what is sent.
//!
//! Pure: nothing here touches a database. The sequence is the seed's FDW setup script's with four
//! deliberate changes: the wrapper's extension is created only when no wrapper of that name
//! exists (so the handler-less `oracle_fdw` wrapper of the tests, or one installed by other
//! means, is used as is); the reader role is created if missing instead of dropped and
//! re-created (roles are cluster-wide: dropping one that holds grants in another database
//! fails); the last statement records the fingerprint as the server's comment; and the user
//! mapping is *sent* as a `DO` block that reads the password from the session's stash
//! ([`pg::stash_secret`]), so the password is in no statement text: not in the server log
//! (`log_statement`, `log_min_error_statement`, ...) nor in `pg_stat_activity.query`.

use crate::spec::{Driver, Spec};

/// What a masked password (or fingerprint) looks like in rendered DDL.
pub(crate) const MASK: &str = "****";

/// The prefix of the server comment that records the fingerprint.
pub(crate) const COMMENT_PREFIX: &str = "gwells-db fdw fingerprint ";

/// One statement of the setup: as shown to people, and as sent to the server. Neither holds
/// the password; `shown` holds no fingerprint either.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Statement {
    pub(crate) shown: String,
    pub(crate) sent: String,
}

/// The statements of the setup, in order, as shown: the password and the fingerprint are
/// rendered as `****`. Every name and value is quoted by `pg::quote`; a spec must have passed
/// `Spec::validate` (no NUL bytes), which [`crate::setup`] checks first.
pub fn render(spec: &Spec) -> Vec<String> {
    statements(spec, MASK).into_iter().map(|s| s.shown).collect()
}

/// The statements to run in one transaction, after the password has been stashed, ending
/// with the comment that records `fingerprint`.
pub(crate) fn statements(spec: &Spec, fingerprint: &str) -> Vec<Statement> {
    let mut out = body(spec);
    let comment = |fp: &str| {
        format!(
            "COMMENT ON SERVER {} IS {}",
            ident(&spec.name),
            literal(&format!("{COMMENT_PREFIX}{fp}"))
        )
    };
    out.push(Statement { shown: comment(MASK), sent: comment(fingerprint) });
    out
}

/// The shown forms of the statements before the comment: every non-secret value and the shape
/// of the DDL, the fingerprint's input besides the password.
pub(crate) fn masked_body(spec: &Spec) -> Vec<String> {
    body(spec).into_iter().map(|s| s.shown).collect()
}

fn body(spec: &Spec) -> Vec<Statement> {
    let wrapper = spec.driver.kind().name();
    let server = ident(&spec.name);
    let local = ident(&spec.local_schema);
    let reader = ident(&spec.reader_role);
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
        MAPPING.to_string(),
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
    let mapping = mapping(&server, &spec.user);
    out.into_iter()
        .map(|sql| match sql.as_str() {
            MAPPING => mapping.clone(),
            _ => Statement { shown: sql.clone(), sent: sql },
        })
        .collect()
}

/// Where the user mapping goes in [`body`]'s list (no statement of the setup reads like this).
const MAPPING: &str = "-- user mapping";

/// The user mapping: shown with the password masked; sent as a `DO` block that builds the
/// statement from the stashed password with `format('%L')` and runs it with `EXECUTE`. A
/// nested statement is not written by `log_statement` (top-level statements only) and
/// `pg_stat_activity` shows the `DO` block. An error is re-raised with its message, SQLSTATE
/// and detail but without its context, which would quote the statement.
fn mapping(server: &str, user: &str) -> Statement {
    let shown = format!(
        "CREATE USER MAPPING FOR PUBLIC SERVER {server} OPTIONS ({})",
        options(&[("user", user), ("password", MASK)])
    );
    // format() reads `%` as a directive: the quoted names have theirs doubled.
    let template = format!(
        "CREATE USER MAPPING FOR PUBLIC SERVER {} OPTIONS (user {}, password %L)",
        server.replace('%', "%%"),
        literal(user).replace('%', "%%")
    );
    let block = format!(
        "DECLARE detail text; \
         BEGIN EXECUTE format({}, {}); \
         EXCEPTION WHEN OTHERS THEN GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL; \
         IF detail = '' THEN RAISE EXCEPTION USING MESSAGE = SQLERRM, ERRCODE = SQLSTATE; \
         ELSE RAISE EXCEPTION USING MESSAGE = SQLERRM, ERRCODE = SQLSTATE, DETAIL = detail; \
         END IF; END",
        literal(&template),
        pg::STASHED_SECRET
    );
    Statement { shown, sent: format!("DO {}", literal(&block)) }
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

    fn check(spec: &Spec, shown_fragment: &str, sent_fragment: &str) {
        let all = statements(spec, "the-fingerprint");
        let shown = all.iter().map(|s| s.shown.as_str()).collect::<Vec<_>>().join(";\n");
        let sent = all.iter().map(|s| s.sent.as_str()).collect::<Vec<_>>().join(";\n");
        assert!(shown.contains(shown_fragment), "{shown_fragment} not in\n{shown}");
        assert!(sent.contains(sent_fragment), "{sent_fragment} not in\n{sent}");
        for text in [&shown, &sent] {
            assert!(!text.contains(spec.password.expose()), "password leaked:\n{text}");
        }
        assert!(!shown.contains("the-fingerprint") && sent.contains("the-fingerprint"));
    }

    #[test]
    fn snapshots() {
        insta::assert_snapshot!("oracle", render(&production()).join(";\n"));
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
        insta::assert_snapshot!("postgres", render(&rehearsal).join(";\n"));
        insta::assert_snapshot!("oracle_hostile", render(&hostile(DriverKind::Oracle)).join(";\n"));
        insta::assert_snapshot!(
            "postgres_hostile",
            render(&hostile(DriverKind::Postgres)).join(";\n")
        );
    }

    #[test]
    fn the_password_is_in_no_statement() {
        check(
            &production(),
            "OPTIONS (user 'proxy_wells_gwells', password '****')",
            "OPTIONS (user ''''proxy_wells_gwells'''', password %L)'', (SELECT value FROM pg_temp.gwells_db_secret))",
        );
        // A `%` in a name must not become a format() directive.
        let mut percent = production();
        percent.name = "srv%L%s".into();
        check(&percent, "SERVER \"srv%L%s\" OPTIONS", "SERVER \"srv%%L%%s\" OPTIONS");
        check(&hostile(DriverKind::Oracle), "password '****'", "password %L");
    }
}
