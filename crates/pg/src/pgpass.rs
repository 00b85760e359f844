//! libpq's password file: `PGPASSFILE`, else `~/.pgpass`.
//!
//! Each line is `host:port:database:username:password`; any of the first four may be `*`; `\:`
//! and `\\` escape; `#` starts a comment line. The first matching line wins. As libpq, a file
//! that group or others can read is ignored with a warning, since its passwords are exposed.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::Secret;

/// What a connection is matched on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key<'a> {
    pub(crate) host: &'a str,
    pub(crate) port: u16,
    pub(crate) database: &'a str,
    pub(crate) user: &'a str,
}

/// The outcome of a look-up.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// The first matching line's password, and its line number.
    Password { secret: Secret, line: usize },
    /// No file, or no line matches.
    Nothing,
    /// The file exists but was not used; the warning says why.
    Ignored(String),
}

/// The file libpq would read: `PGPASSFILE`, else `$HOME/.pgpass`.
pub(crate) fn path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    env(crate::vars::PGPASSFILE)
        .map(PathBuf::from)
        .or_else(|| env(crate::vars::HOME).map(|home| Path::new(&home).join(".pgpass")))
}

/// Looks `key` up in the file at `path`.
pub(crate) fn lookup(path: &Path, key: &Key<'_>) -> Found {
    let Ok(meta) = std::fs::metadata(path) else { return Found::Nothing };
    if !meta.is_file() {
        return Found::Ignored(format!("password file \"{}\" is not a plain file", path.display()));
    }
    if meta.permissions().mode() & 0o077 != 0 {
        return Found::Ignored(format!(
            "password file \"{}\" has group or world access (mode {:o}); permissions should be u=rw (0600) or less",
            path.display(),
            meta.mode() & 0o777
        ));
    }
    let Ok(text) = std::fs::read_to_string(path) else {
        return Found::Ignored(format!("password file \"{}\" cannot be read", path.display()));
    };
    find(&text, key).map_or(Found::Nothing, |(secret, line)| Found::Password { secret, line })
}

/// The password of the first line of `text` matching `key`, and that line's number.
fn find(text: &str, key: &Key<'_>) -> Option<(Secret, usize)> {
    let port = key.port.to_string();
    let wanted = [key.host, port.as_str(), key.database, key.user];
    for (n, line) in text.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields = split(line);
        if fields.len() < 5 {
            continue;
        }
        if fields[..4].iter().zip(wanted).all(|(field, want)| field == "*" || field == want) {
            return Some((Secret::new(fields[4].clone()), n + 1));
        }
    }
    None
}

/// The fields of a line: four split at unescaped `:`, the fifth (the password) the rest of the
/// line, all with escapes removed.
fn split(line: &str) -> Vec<String> {
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => field.extend(chars.next()),
            ':' if fields.len() < 4 => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key<'a>(host: &'a str, port: u16, database: &'a str, user: &'a str) -> Key<'a> {
        Key { host, port, database, user }
    }

    fn found(text: &str, k: &Key<'_>) -> Option<(String, usize)> {
        find(text, k).map(|(s, n)| (s.expose().to_string(), n))
    }

    #[test]
    fn first_matching_line_wins_with_wildcards_and_escapes() {
        let text = "# comment\n\
                    db.example:5432:gwells:app:first\n\
                    db.example:*:*:app:second\n\
                    *:*:*:*:fallback\n\
                    10.0.0.1:5432:d\\:b:u:pa\\:ss:with:colons\n\
                    short:line\n";
        let k = key("db.example", 5432, "gwells", "app");
        assert_eq!(found(text, &k), Some(("first".into(), 2)));
        assert_eq!(
            found(text, &key("db.example", 6543, "other", "app")),
            Some(("second".into(), 3))
        );
        assert_eq!(
            found(text, &key("elsewhere", 5432, "gwells", "app")),
            Some(("fallback".into(), 4))
        );
        // `\:` in a field, and the password is the rest of the line.
        let text = "10.0.0.1:5432:d\\:b:u:pa\\:ss:with:colons\n";
        assert_eq!(
            found(text, &key("10.0.0.1", 5432, "d:b", "u")),
            Some(("pa:ss:with:colons".into(), 1))
        );
        assert_eq!(found(text, &key("10.0.0.1", 5432, "d", "u")), None);
        assert_eq!(found("a:1:b:c:p\r\n", &key("a", 1, "b", "c")), Some(("p".into(), 1)));
    }

    #[test]
    fn a_file_others_can_read_is_ignored() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("pgpass");
        std::fs::write(&file, "*:*:*:*:pw\n").expect("write");
        let k = key("h", 5432, "d", "u");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let Found::Ignored(why) = lookup(&file, &k) else { panic!("a 0644 file must be ignored") };
        assert!(why.contains("group or world access (mode 644)"), "{why}");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        assert_eq!(lookup(&file, &k), Found::Password { secret: Secret::new("pw"), line: 1 });
        assert_eq!(lookup(&dir.path().join("absent"), &k), Found::Nothing);
        assert!(matches!(lookup(dir.path(), &k), Found::Ignored(_)));
    }
}
