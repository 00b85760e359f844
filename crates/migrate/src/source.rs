//! Migration files on disk: names, headers, contents and checksums.
//!
//! Layout: `<dir>/<app>/NNNN_name.sql`, optional `NNNN_name.down.sql`, repeatable scripts
//! `R_name.sql`. Other files (`README.md`, ...) and names starting with `_` are ignored. This
//! module reads and parses; it does not build the graph (that is `graph`).

use std::fmt;
use std::path::{Path, PathBuf};

use crate::checksum;
use crate::error::{Error, Result};

/// A migration's identity as Django sees it: app label and name (the file stem).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Key {
    /// The app label: the directory name.
    pub app: String,
    /// The migration name: the file stem, e.g. `0001_initial`.
    pub name: String,
}

impl Key {
    /// A key from its parts.
    pub fn new(app: impl Into<String>, name: impl Into<String>) -> Key {
        Key { app: app.into(), name: name.into() }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.app, self.name)
    }
}

/// One migration file, parsed.
#[derive(Debug, Clone)]
pub struct Migration {
    /// App and name.
    pub key: Key,
    /// The `NNNN` prefix.
    pub(crate) number: u32,
    /// The file.
    pub path: PathBuf,
    /// Its text without a byte order mark.
    pub sql: String,
    /// The `.down.sql` beside it, if any: path and text.
    pub(crate) down: Option<(PathBuf, String)>,
    /// `-- depends:` entries with their line; names may be `__first__` or `__latest__`.
    pub depends: Vec<(Key, usize)>,
    /// `-- replaces:` entries: this is a squash of those migrations.
    pub replaces: Vec<Key>,
    /// False with `-- no-transaction`: run statement by statement.
    pub atomic: bool,
    /// Checksum of the normalised text without comments, as stored when applied.
    pub checksum: String,
    /// Checksum of the normalised text with comments, as older versions stored it.
    pub text_checksum: String,
}

/// A repeatable script `R_name.sql`, re-run when its checksum changes.
#[derive(Debug, Clone)]
pub struct Repeatable {
    /// App and name (`R_post_deploy`).
    pub key: Key,
    /// The file.
    pub(crate) path: PathBuf,
    /// Its text without a byte order mark.
    pub sql: String,
    /// Checksum of the normalised text without comments, as stored when run.
    pub(crate) checksum: String,
    /// Checksum of the normalised text with comments, as older versions stored it.
    pub(crate) text_checksum: String,
}

/// Everything in a migrations directory.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// The directory read.
    pub(crate) dir: PathBuf,
    /// The apps: directory names, sorted.
    pub(crate) apps: Vec<String>,
    /// Migrations sorted by key.
    pub migrations: Vec<Migration>,
    /// Repeatable scripts sorted by key.
    pub repeatables: Vec<Repeatable>,
}

impl Source {
    /// The migration with this key.
    pub fn get(&self, key: &Key) -> Option<&Migration> {
        self.migrations.binary_search_by(|m| m.key.cmp(key)).ok().map(|i| &self.migrations[i])
    }
}

/// What a file name says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FileKind {
    Up { number: u32, name: String },
    Down { name: String },
    Repeatable { name: String },
    Ignored,
}

/// Reads every app directory under `dir`.
pub fn load(dir: &Path) -> Result<Source> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    let mut source = Source { dir: dir.to_path_buf(), ..Source::default() };
    let mut downs = Vec::new();
    // A folder that is not there is the caller's bad path, not an IO failure of ours.
    if !dir.is_dir() {
        return Err(Error::NoMigrationsDir { dir: dir.to_path_buf() });
    }
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let app = entry.file_name().to_string_lossy().into_owned();
        if !entry.path().is_dir() || app.starts_with(['.', '_']) {
            continue;
        }
        if !valid_word(&app) {
            return Err(Error::MalformedName {
                path: entry.path(),
                reason: "an app directory name is lowercase letters, digits and `_`".into(),
            });
        }
        for file in std::fs::read_dir(entry.path()).map_err(io(&entry.path()))? {
            let path = file.map_err(io(&entry.path()))?.path();
            let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let kind = classify(&path, file_name.as_deref().unwrap_or(""))?;
            if kind == FileKind::Ignored {
                continue;
            }
            let text = read_text(&path)?;
            match kind {
                FileKind::Up { number, name } => {
                    let key = Key::new(&app, name);
                    source.migrations.push(parse_header(key, number, &path, text)?);
                }
                FileKind::Down { name } => downs.push((Key::new(&app, name), path, text)),
                FileKind::Repeatable { name } => source.repeatables.push(Repeatable {
                    key: Key::new(&app, name),
                    checksum: checksum::sql(&text),
                    text_checksum: checksum::text(&text),
                    path,
                    sql: text,
                }),
                FileKind::Ignored => {}
            }
        }
        source.apps.push(app);
    }
    source.apps.sort();
    source.migrations.sort_by(|a, b| a.key.cmp(&b.key));
    source.repeatables.sort_by(|a, b| a.key.cmp(&b.key));
    for (key, path, text) in downs {
        match source.migrations.binary_search_by(|m| m.key.cmp(&key)) {
            Ok(i) => source.migrations[i].down = Some((path, text)),
            Err(_) => return Err(Error::OrphanDown { path }),
        }
    }
    Ok(source)
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.into(), source })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        // The line of the first invalid byte: every byte before it is valid UTF-8.
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        Error::MalformedHeader {
            path: path.into(),
            line: 1 + valid.iter().filter(|&&b| b == b'\n').count(),
            reason: format!("the file is not UTF-8 ({})", e.utf8_error()),
        }
    })?;
    Ok(text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text))
}

fn valid_word(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

/// What `file_name` is; an error for a `.sql` file with a name that is none of the kinds.
pub(crate) fn classify(path: &Path, file_name: &str) -> Result<FileKind> {
    let Some(stem) = file_name.strip_suffix(".sql") else { return Ok(FileKind::Ignored) };
    if file_name.starts_with(['_', '~', '.']) {
        return Ok(FileKind::Ignored);
    }
    let bad = |reason: &str| Error::MalformedName { path: path.into(), reason: reason.into() };
    if let Some(name) = stem.strip_prefix("R_") {
        if !valid_word(name) {
            return Err(bad("a repeatable script is `R_` then lowercase letters, digits and `_`"));
        }
        return Ok(FileKind::Repeatable { name: stem.to_string() });
    }
    let (stem, down) = match stem.strip_suffix(".down") {
        Some(s) => (s, true),
        None => (stem, false),
    };
    if stem.len() > 255 {
        return Err(bad("Django's `django_migrations.name` holds at most 255 characters"));
    }
    let digits = stem.bytes().take_while(u8::is_ascii_digit).count();
    if digits != 4 {
        return Err(bad("a migration name starts with exactly four digits"));
    }
    let rest = &stem[4..];
    let slug = rest.strip_prefix('_').unwrap_or("");
    if slug.is_empty()
        || !slug.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
    {
        return Err(bad("the digits are followed by `_` and lowercase letters, digits or `_`"));
    }
    // Four ASCII digits always parse.
    let number = stem[..4].parse().unwrap_or(0);
    Ok(if down {
        FileKind::Down { name: stem.to_string() }
    } else {
        FileKind::Up { number, name: stem.to_string() }
    })
}

/// Parses one migration's text as [`load`] does for the file at `path`: the header (the leading
/// comment lines `-- depends:`, `-- replaces:`, `-- no-transaction`) and the checksum; `down` is
/// left empty. Public for the fuzz targets; [`load`] is how a folder is read.
pub fn parse_header(key: Key, number: u32, path: &Path, sql: String) -> Result<Migration> {
    let mut m = Migration {
        checksum: checksum::sql(&sql),
        text_checksum: checksum::text(&sql),
        key,
        number,
        path: path.into(),
        down: None,
        depends: Vec::new(),
        replaces: Vec::new(),
        atomic: true,
        sql: String::new(),
    };
    for (i, raw) in sql.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        let Some(comment) = trimmed.strip_prefix("--") else { break };
        let comment = comment.trim();
        let bad = |reason: String| Error::MalformedHeader { path: path.into(), line, reason };
        if comment == "no-transaction" {
            m.atomic = false;
        } else if let Some(list) = comment.strip_prefix("depends:") {
            for key in parse_keys(list).map_err(bad)? {
                m.depends.push((key, line));
            }
        } else if let Some(list) = comment.strip_prefix("replaces:") {
            m.replaces.extend(parse_keys(list).map_err(bad)?);
        } else if let Some(word) = ["depends", "replaces", "no-transaction", "no_transaction"]
            .iter()
            .find(|w| comment.starts_with(*w))
        {
            return Err(bad(format!("malformed `{word}` header: `{trimmed}`")));
        }
    }
    m.sql = sql;
    Ok(m)
}

/// `app name, app name`.
fn parse_keys(list: &str) -> std::result::Result<Vec<Key>, String> {
    let mut keys = Vec::new();
    for item in list.split(',') {
        let words: Vec<&str> = item.split_whitespace().collect();
        match words[..] {
            [app, name] if valid_word(app) && !name.is_empty() => keys.push(Key::new(app, name)),
            _ => return Err(format!("expected `<app> <name>`, found `{}`", item.trim())),
        }
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(file_name: &str, expected: &str) {
        let got = match classify(Path::new(file_name), file_name) {
            Ok(kind) => format!("{kind:?}"),
            Err(e) => format!("error: {e}").lines().next().unwrap_or_default().to_string(),
        };
        assert_eq!(got, expected, "{file_name}");
    }

    #[test]
    fn names() {
        check("0001_initial.sql", r#"Up { number: 1, name: "0001_initial" }"#);
        check(
            "0003_merge_20180312_1617.sql",
            r#"Up { number: 3, name: "0003_merge_20180312_1617" }"#,
        );
        check("0002_x.down.sql", r#"Down { name: "0002_x" }"#);
        check("R_post_deploy.sql", r#"Repeatable { name: "R_post_deploy" }"#);
        check("README.md", "Ignored");
        check("_draft.sql", "Ignored");
        check(
            "001_short.sql",
            "error: `001_short.sql` is not a migration file name: a migration name starts with exactly four digits",
        );
        check(
            "00001_long.sql",
            "error: `00001_long.sql` is not a migration file name: a migration name starts with exactly four digits",
        );
        check(
            "0001.sql",
            "error: `0001.sql` is not a migration file name: the digits are followed by `_` and lowercase letters, digits or `_`",
        );
        check(
            "0001_Initial.sql",
            "error: `0001_Initial.sql` is not a migration file name: the digits are followed by `_` and lowercase letters, digits or `_`",
        );
        check(
            "0001-initial.sql",
            "error: `0001-initial.sql` is not a migration file name: the digits are followed by `_` and lowercase letters, digits or `_`",
        );
        check(
            "R_.sql",
            "error: `R_.sql` is not a migration file name: a repeatable script is `R_` then lowercase letters, digits and `_`",
        );
    }

    /// The first line of `load`'s error for a folder holding `a/0001_initial.sql` = `bytes`.
    fn load_error(bytes: &[u8]) -> String {
        let dir = tempfile::tempdir().expect("a temp dir");
        std::fs::create_dir(dir.path().join("a")).expect("mkdir");
        std::fs::write(dir.path().join("a/0001_initial.sql"), bytes).expect("write");
        let err = load(dir.path()).map(|_| ()).expect_err("refused");
        let text = err.to_string().replace(&format!("{}/", dir.path().display()), "");
        text.lines().next().unwrap_or_default().to_string()
    }

    #[test]
    fn invalid_utf8_names_its_line() {
        assert_eq!(
            load_error(b"SELECT 1;\nSELECT '\xff';\n"),
            "`a/0001_initial.sql` line 2: the file is not UTF-8 (invalid utf-8 sequence of 1 bytes from index 18)"
        );
        assert!(load_error(b"\xfe").starts_with("`a/0001_initial.sql` line 1: "));
    }

    #[test]
    fn a_missing_folder_is_named() {
        let err = load(Path::new("/nonexistent/migrations")).map(|_| ()).expect_err("refused");
        assert!(matches!(err, Error::NoMigrationsDir { .. }), "{err}");
        assert!(err.to_string().contains("`/nonexistent/migrations`\nhint: "), "{err}");
    }

    fn check_header(sql: &str, expected: &str) {
        let got =
            match parse_header(Key::new("a", "0002_x"), 2, Path::new("a/0002_x.sql"), sql.into()) {
                Ok(m) => {
                    let deps: Vec<String> =
                        m.depends.iter().map(|(k, l)| format!("{k}@{l}")).collect();
                    let reps: Vec<String> = m.replaces.iter().map(Key::to_string).collect();
                    format!(
                        "depends [{}] replaces [{}] atomic {}",
                        deps.join(", "),
                        reps.join(", "),
                        m.atomic
                    )
                }
                Err(e) => format!("error: {e}").lines().next().unwrap_or_default().to_string(),
            };
        assert_eq!(got, expected, "{sql:?}");
    }

    #[test]
    fn headers() {
        check_header("CREATE TABLE t ();", "depends [] replaces [] atomic true");
        check_header(
            "-- Create the registries tables.\n-- depends: gwells 0001_initial\n\n-- depends: auth __first__, contenttypes 0002_remove_content_type_name\nCREATE TABLE t ();",
            "depends [gwells 0001_initial@2, auth __first__@4, contenttypes 0002_remove_content_type_name@4] replaces [] atomic true",
        );
        check_header(
            "-- replaces: a 0001_initial, a 0002_more\n-- no-transaction\nSELECT 1;",
            "depends [] replaces [a 0001_initial, a 0002_more] atomic false",
        );
        // Header lines end at the first SQL line; later comments are SQL.
        check_header("SELECT 1;\n-- depends: b 0001_x\n", "depends [] replaces [] atomic true");
        check_header(
            "-- depends: gwells\n",
            "error: `a/0002_x.sql` line 1: expected `<app> <name>`, found `gwells`",
        );
        check_header(
            "-- depends gwells 0001_initial\n",
            "error: `a/0002_x.sql` line 1: malformed `depends` header: `-- depends gwells 0001_initial`",
        );
        check_header(
            "-- no-transaction please\n",
            "error: `a/0002_x.sql` line 1: malformed `no-transaction` header: `-- no-transaction please`",
        );
        check_header(
            "-- replaces: A 0001\n",
            "error: `a/0002_x.sql` line 1: expected `<app> <name>`, found `A 0001`",
        );
    }
}
