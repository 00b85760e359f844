//! The obfuscated admin path (`DJANGO_ADMIN_URL`), read or generated.

use crate::Error;
use crate::account::{Sources, lookup};
use crate::hasher::random_string;

/// The admin path from the secret directory or `DJANGO_ADMIN_URL`; `None` when unset.
pub fn admin_url(sources: &Sources<'_>) -> Result<Option<String>, Error> {
    lookup(sources, pg::vars::DJANGO_ADMIN_URL)
}

/// A new random admin path: `admin-` and 32 characters from `[a-z0-9]` (about 165 bits), safe
/// in a URL without escaping.
pub fn generate_admin_url() -> String {
    format!("admin-{}", random_string(32, b"abcdefghijklmnopqrstuvwxyz0123456789"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(value: &str, expected_len: usize) {
        assert_eq!(value.len(), expected_len, "{value}");
        assert!(value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
    }

    #[test]
    fn generated_paths_are_long_random_and_url_safe() {
        let a = generate_admin_url();
        check(&a, 38);
        assert!(a.starts_with("admin-"));
        assert_ne!(a, generate_admin_url());
    }

    #[test]
    fn reads_the_variable() {
        let env = |k: &str| (k == "DJANGO_ADMIN_URL").then(|| "admin-x/".to_string());
        let sources = Sources { env: &env, secret_dir: None, password: None };
        assert_eq!(admin_url(&sources).ok().flatten().as_deref(), Some("admin-x/"));
        let none = |_: &str| None;
        let sources = Sources { env: &none, secret_dir: None, password: None };
        assert_eq!(admin_url(&sources).ok().flatten(), None);
    }
}
