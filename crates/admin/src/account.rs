//! Who the superuser is: from a mounted secret directory, stdin, or the environment.
//!
//! Precedence per key: the password from stdin (`--password-stdin`), then a file named after the
//! key in the secret directory (as OpenShift mounts a secret), then the variable. One trailing
//! newline of a file or of stdin is not part of the value (`echo` and editors add it).

use std::path::Path;

use pg::Secret;
use pg::vars::{DJANGO_ADMIN_EMAIL, DJANGO_ADMIN_PASSWORD, DJANGO_ADMIN_USER};

use crate::Error;

/// Where the account's values come from.
pub struct Sources<'a> {
    /// Environment lookup (`std::env::var` in the binary, a map in tests).
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// `--secret-dir`: files named `DJANGO_ADMIN_USER`, `DJANGO_ADMIN_EMAIL`, ...
    pub secret_dir: Option<&'a Path>,
    /// A password already read from stdin.
    pub password: Option<Secret>,
}

/// The superuser to create. `Debug` shows the password as `****`.
#[derive(Debug, Clone)]
pub struct Account {
    /// `auth_user.username`.
    pub username: String,
    /// `auth_user.email`, domain lower-cased as Django's `normalize_email` does ('' if unset).
    pub email: String,
    /// The password; only its hash leaves this process.
    pub password: Secret,
}

impl Account {
    /// Reads and validates the account; a missing user or password is [`Error::Missing`].
    pub fn from_sources(sources: &Sources<'_>) -> Result<Account, Error> {
        let username = lookup(sources, DJANGO_ADMIN_USER)?
            .ok_or_else(|| Error::Missing { key: DJANGO_ADMIN_USER.into() })?;
        let email = lookup(sources, DJANGO_ADMIN_EMAIL)?.unwrap_or_default();
        let password = match &sources.password {
            Some(p) => p.clone(),
            None => Secret::new(
                lookup(sources, DJANGO_ADMIN_PASSWORD)?
                    .ok_or_else(|| Error::Missing { key: DJANGO_ADMIN_PASSWORD.into() })?,
            ),
        };
        validate_username(&username)?;
        let email = normalize_email(&email)?;
        if password.is_empty() {
            return Err(invalid(DJANGO_ADMIN_PASSWORD, "the password is empty"));
        }
        Ok(Account { username, email, password })
    }

    /// Whether the environment or the secret directory names an admin user at all (reset
    /// creates the account only then).
    pub fn configured(sources: &Sources<'_>) -> Result<bool, Error> {
        Ok(lookup(sources, DJANGO_ADMIN_USER)?.is_some())
    }
}

/// One key: the secret directory's file, else the variable; empty counts as unset.
pub(crate) fn lookup(sources: &Sources<'_>, key: &str) -> Result<Option<String>, Error> {
    if let Some(dir) = sources.secret_dir {
        let path = dir.join(key);
        match std::fs::read_to_string(&path) {
            Ok(text) => return Ok(Some(strip_newline(&text).to_string()).filter(|v| !v.is_empty())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(Error::Read { path, source }),
        }
    }
    Ok((sources.env)(key).filter(|v| !v.is_empty()))
}

/// Removes one trailing `\n` or `\r\n` (a secret file's, or a password line's from stdin).
pub fn strip_newline(text: &str) -> &str {
    text.strip_suffix("\r\n").or_else(|| text.strip_suffix('\n')).unwrap_or(text)
}

/// Django's `UnicodeUsernameValidator` (`^[\w.@+-]+\Z`) and `max_length=150`.
fn validate_username(name: &str) -> Result<(), Error> {
    if name.chars().count() > 150 {
        return Err(invalid(DJANGO_ADMIN_USER, "longer than 150 characters"));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_alphanumeric() || "_.@+-".contains(*c))) {
        return Err(invalid(
            DJANGO_ADMIN_USER,
            &format!(
                "`{}` is not allowed; Django accepts letters, digits and @.+-_",
                c.escape_default()
            ),
        ));
    }
    Ok(())
}

/// Django's `BaseUserManager.normalize_email`: strip, lower-case the domain; `max_length=254`.
fn normalize_email(email: &str) -> Result<String, Error> {
    let email = email.trim();
    let normalized = match email.rsplit_once('@') {
        Some((name, domain)) => format!("{name}@{}", domain.to_lowercase()),
        None if email.is_empty() => String::new(),
        None => return Err(invalid(DJANGO_ADMIN_EMAIL, "no `@` in the address")),
    };
    if normalized.chars().count() > 254 {
        return Err(invalid(DJANGO_ADMIN_EMAIL, "longer than 254 characters"));
    }
    Ok(normalized)
}

fn invalid(key: &str, reason: &str) -> Error {
    Error::Invalid { key: key.into(), reason: reason.into() }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn check(env: &[(&str, &str)], files: &[(&str, &str)], expected: &str) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for (key, value) in files {
            std::fs::write(dir.path().join(key), value).unwrap_or_else(|e| panic!("{e}"));
        }
        let map: HashMap<String, String> =
            env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let lookup = |k: &str| map.get(k).cloned();
        let sources = Sources {
            env: &lookup,
            secret_dir: (!files.is_empty()).then_some(dir.path()),
            password: None,
        };
        let got = match Account::from_sources(&sources) {
            Ok(a) => format!("{} <{}> {:?}", a.username, a.email, a.password.expose()),
            Err(e) => format!("error: {e}"),
        };
        assert_eq!(got, expected);
    }

    #[test]
    fn sources_and_validation() {
        let user = DJANGO_ADMIN_USER;
        let pass = DJANGO_ADMIN_PASSWORD;
        let mail = DJANGO_ADMIN_EMAIL;
        check(&[(user, "admin"), (pass, "pw")], &[], r#"admin <> "pw""#);
        check(
            &[(user, "admin"), (pass, "pw"), (mail, " Ops@Gov.BC.CA ")],
            &[],
            r#"admin <Ops@gov.bc.ca> "pw""#,
        );
        // The secret directory wins over the environment; one trailing newline is dropped.
        check(
            &[(user, "envuser"), (pass, "envpw")],
            &[(user, "fileuser\n"), (pass, "file pw \r\n")],
            r#"fileuser <> "file pw ""#,
        );
        // A key missing from the directory falls back to the environment.
        check(&[(pass, "envpw")], &[(user, "fileuser")], r#"fileuser <> "envpw""#);
        check(
            &[(pass, "pw")],
            &[],
            &format!(
                "error: `{user}` is not set\nhint: export `{user}`, put a file `{user}` in `--secret-dir`, or pass the password with `--password-stdin`"
            ),
        );
        check(
            &[(user, "a")],
            &[],
            &format!(
                "error: `{pass}` is not set\nhint: export `{pass}`, put a file `{pass}` in `--secret-dir`, or pass the password with `--password-stdin`"
            ),
        );
        check(
            &[(user, "bad name"), (pass, "pw")],
            &[],
            "error: `DJANGO_ADMIN_USER` is invalid: ` ` is not allowed; Django accepts letters, digits and @.+-_",
        );
        check(&[(user, "ok.name+x@y-z_é"), (pass, "pw")], &[], r#"ok.name+x@y-z_é <> "pw""#);
        check(
            &[(user, &"a".repeat(151)), (pass, "pw")],
            &[],
            "error: `DJANGO_ADMIN_USER` is invalid: longer than 150 characters",
        );
        check(
            &[(user, "a"), (pass, "pw"), (mail, "nope")],
            &[],
            "error: `DJANGO_ADMIN_EMAIL` is invalid: no `@` in the address",
        );
    }

    #[test]
    fn debug_never_shows_the_password() {
        let lookup = |k: &str| match k {
            DJANGO_ADMIN_USER => Some("admin".to_string()),
            DJANGO_ADMIN_PASSWORD => Some("hunter2-secret".to_string()),
            _ => None,
        };
        let sources = Sources { env: &lookup, secret_dir: None, password: None };
        let account = Account::from_sources(&sources).unwrap_or_else(|e| panic!("{e}"));
        assert!(!format!("{account:?}").contains("hunter2"), "{account:?}");
    }
}
