//! Redaction where a secret can appear, and nowhere else.
//!
//! The password is never put into a statement or a message in the first place (see
//! [`crate::render`]), so there is no secret to search for. What remains is text the tool did
//! not write — a server's or a driver's message — where a secret has a recognisable *place*:
//! the value of a `password` option (`password 'x'`, `password=x`) and the user-info of a
//! URL. Replacing the password wherever it occurs as a substring would do harm instead: a
//! password `ser` turned "could not connect to server" into "could not connect to ****ver".

/// `text` with every `password` option value and every URL password replaced by `****`.
pub(crate) fn redact(text: &str) -> String {
    pg::mask_url(&mask_password_options(text))
}

/// Masks the value after each `password` (any case) followed by `=`, `:`, or a space and a
/// quoted literal (`'...'` with `''` inside, or `E'...'` with backslash escapes).
fn mask_password_options(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    let mut from = 0;
    while let Some(found) = lower[from..].find("password") {
        let key_end = from + found + "password".len();
        from = key_end;
        let Some((value_start, value_end)) = value_after(text, key_end) else { continue };
        out.push_str(&text[done..value_start]);
        out.push_str("****");
        done = value_end;
        from = value_end;
    }
    out.push_str(&text[done..]);
    out
}

/// The byte range of the value that follows a `password` key ending at `at`, if any.
fn value_after(text: &str, at: usize) -> Option<(usize, usize)> {
    let rest = &text[at..];
    let trimmed = rest.trim_start_matches([' ', '\t']);
    let mut start = at + (rest.len() - trimmed.len());
    let after_sep = if let Some(r) = trimmed.strip_prefix(['=', ':']) {
        start += 1;
        let r2 = r.trim_start_matches([' ', '\t']);
        start += r.len() - r2.len();
        r2
    } else if trimmed.len() < rest.len() {
        // Only a quoted literal may follow a bare space (`OPTIONS (password '...')`).
        if !(trimmed.starts_with('\'') || trimmed.starts_with("E'") || trimmed.starts_with("e'")) {
            return None;
        }
        trimmed
    } else {
        return None;
    };
    let (escapes, body) = match after_sep.strip_prefix(['E', 'e']) {
        Some(b) if b.starts_with('\'') => (true, b),
        _ => (false, after_sep),
    };
    if let Some(quoted) = body.strip_prefix('\'') {
        // The masked range starts at the `E` of an escape-string literal, if any.
        let open = start;
        let quote = start + (after_sep.len() - body.len());
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' if escapes => {
                    chars.next();
                }
                '\'' if quoted[i + 1..].starts_with('\'') => {
                    chars.next();
                }
                '\'' => return Some((open, quote + 1 + i + 1)),
                _ => {}
            }
        }
        return Some((open, text.len()));
    }
    // An unquoted value (`password=x` of a connection string) ends at white space.
    let len = after_sep
        .find(|c: char| c.is_whitespace() || c == ',' || c == ')')
        .unwrap_or(after_sep.len());
    (len > 0).then_some((start, start + len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        assert_eq!(redact(input), expected, "{input}");
    }

    #[test]
    fn option_values_and_urls_are_masked() {
        check(
            "CREATE USER MAPPING FOR PUBLIC SERVER s OPTIONS (user 'u', password 'p''w')",
            "CREATE USER MAPPING FOR PUBLIC SERVER s OPTIONS (user 'u', password ****)",
        );
        check(r"OPTIONS (PASSWORD E'a\'b''c', x 'y')", "OPTIONS (PASSWORD ****, x 'y')");
        check("host=h password=s3cret dbname=d", "host=h password=**** dbname=d");
        check("password: hunter2", "password: ****");
        check("postgres://u:s3cret@h/d failed", "postgres://u:****@h/d failed");
        check("unterminated password 'abc", "unterminated password ****");
    }

    #[test]
    fn words_are_left_alone() {
        // With `FDW_PASS=ser`, substring masking once printed "****ver" and "u****".
        let message = r#"could not connect to server "wells": connection to server at "127.0.0.1", port 5432 failed: FATAL:  password authentication failed for user "pwuser""#;
        check(message, message);
        check("no password given", "no password given");
        check("password is required", "password is required");
        check("passwords", "passwords");
    }
}
