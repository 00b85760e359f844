//! The one place where names and values become SQL text.
//!
//! Values normally travel as bind parameters; these functions exist for the places PostgreSQL
//! does not accept parameters: identifiers, DDL options (`OPTIONS (password '...')`), and
//! utility statements. A NUL byte cannot be represented in PostgreSQL text at all, so it is an
//! error rather than something silently dropped.

use std::fmt;

/// A value that cannot be quoted: PostgreSQL text cannot hold a NUL byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NulByte;

impl fmt::Display for NulByte {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("value contains a NUL byte, which PostgreSQL text cannot hold")
    }
}

impl std::error::Error for NulByte {}

/// Quotes an identifier: `a"b` becomes `"a""b"`. Always quotes, so case is preserved.
pub fn ident(name: &str) -> Result<String, NulByte> {
    if name.contains('\0') {
        return Err(NulByte);
    }
    Ok(format!("\"{}\"", name.replace('"', "\"\"")))
}

/// Quotes a schema-qualified name, each part on its own.
pub fn qualified(schema: &str, name: &str) -> Result<String, NulByte> {
    Ok(format!("{}.{}", ident(schema)?, ident(name)?))
}

/// Quotes a string literal: `it's` becomes `'it''s'`; a backslash becomes an `E''` literal so
/// the meaning does not depend on `standard_conforming_strings`.
pub fn literal(value: &str) -> Result<String, NulByte> {
    if value.contains('\0') {
        return Err(NulByte);
    }
    let doubled = value.replace('\'', "''");
    if value.contains('\\') {
        Ok(format!("E'{}'", doubled.replace('\\', "\\\\")))
    } else {
        Ok(format!("'{doubled}'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(f: fn(&str) -> Result<String, NulByte>, input: &str, expected: &str) {
        let got = match f(input) {
            Ok(s) => s,
            Err(e) => format!("error: {e}"),
        };
        assert_eq!(got, expected, "input {input:?}");
    }

    #[test]
    fn identifiers() {
        check(ident, "wells", r#""wells""#);
        check(ident, "WELLS", r#""WELLS""#);
        check(ident, r#"a"b"#, r#""a""b""#);
        check(ident, "x; DROP TABLE well; --", r#""x; DROP TABLE well; --""#);
        check(ident, r"back\slash", r#""back\slash""#);
        check(ident, "puits_été", r#""puits_été""#);
        check(ident, "", r#""""#);
        check(
            ident,
            "nul\0byte",
            "error: value contains a NUL byte, which PostgreSQL text cannot hold",
        );
    }

    #[test]
    fn literals() {
        check(literal, "plain", "'plain'");
        check(literal, "it's", "'it''s'");
        check(literal, "'; DROP SCHEMA public CASCADE; --", "'''; DROP SCHEMA public CASCADE; --'");
        check(literal, r"C:\path\'x", r"E'C:\\path\\''x'");
        check(literal, "mot de passe ü 密码", "'mot de passe ü 密码'");
        check(literal, "", "''");
        check(
            literal,
            "a\0b",
            "error: value contains a NUL byte, which PostgreSQL text cannot hold",
        );
    }

    #[test]
    fn qualified_names() {
        assert_eq!(qualified("wells", "wells_wells"), Ok(r#""wells"."wells_wells""#.to_string()));
        assert_eq!(qualified("a\"", "b"), Ok(r#""a"""."b""#.to_string()));
    }
}
