//! Django 5.2's `PBKDF2PasswordHasher`, byte for byte.
//!
//! Encoded form: `pbkdf2_sha256$<iterations>$<salt>$<base64(pbkdf2_hmac_sha256(password, salt,
//! iterations, dklen 32))>`. Django 5.2 uses 1,000,000 iterations and a salt of
//! `ceil(salt_entropy / log2(62))` = `ceil(128 / 5.954)` = 22 characters from `[a-zA-Z0-9]`
//! (`get_random_string`, which draws with `secrets.choice`, i.e. uniformly).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use pg::Secret;
use rand::Rng;
use rand::rngs::OsRng;
use sha2::Sha256;

use crate::Error;

/// Django 5.2's `PBKDF2PasswordHasher.iterations`.
pub(crate) const ITERATIONS: u32 = 1_000_000;
const ALGORITHM: &str = "pbkdf2_sha256";
/// Django's `RANDOM_STRING_CHARS`.
pub(crate) const RANDOM_STRING_CHARS: &[u8] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const SALT_LEN: usize = 22;

/// `get_random_string(len)` from the operating system's generator.
pub(crate) fn random_string(len: usize, alphabet: &[u8]) -> String {
    let mut rng = OsRng;
    (0..len).map(|_| char::from(alphabet[rng.gen_range(0..alphabet.len())])).collect()
}

/// A fresh salt as Django 5.2 makes one: 22 characters from `[a-zA-Z0-9]`.
pub(crate) fn random_salt() -> String {
    random_string(SALT_LEN, RANDOM_STRING_CHARS)
}

/// Hashes `password` with a fresh salt, as Django's `make_password(password)` does.
pub(crate) fn make_password(password: &Secret) -> String {
    make_password_with_salt(password, &random_salt(), ITERATIONS)
}

/// Hashes with a given salt and iteration count (for test vectors and verification).
pub(crate) fn make_password_with_salt(password: &Secret, salt: &str, iterations: u32) -> String {
    let hash = derive(password.expose().as_bytes(), salt.as_bytes(), iterations);
    format!("{ALGORITHM}${iterations}${salt}${}", STANDARD.encode(hash))
}

/// Whether `password` matches `encoded`, as Django's `check_password` decides, comparing in
/// constant time. Formats other than `pbkdf2_sha256` are an error, not a mismatch.
pub fn check_password(password: &Secret, encoded: &str) -> Result<bool, Error> {
    let mut parts = encoded.splitn(4, '$');
    let algorithm = parts.next().unwrap_or_default();
    let (Some(iterations), Some(salt), Some(hash)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(Error::Format { algorithm: algorithm.to_string() });
    };
    let Ok(iterations) = iterations.parse::<u32>() else {
        return Err(Error::Format {
            algorithm: format!("{algorithm} with iterations `{iterations}`"),
        });
    };
    if algorithm != ALGORITHM || iterations == 0 {
        return Err(Error::Format { algorithm: algorithm.to_string() });
    }
    let expected = make_password_with_salt(password, salt, iterations);
    let ours = expected.rsplit('$').next().unwrap_or_default();
    Ok(constant_time_eq(ours.as_bytes(), hash.as_bytes()))
}

/// PBKDF2-HMAC-SHA256 with dklen 32, as Django's `pbkdf2(password, salt, iterations)`.
///
/// A million rounds are fast enough in the dev profile because the HMAC code is instantiated
/// here, and this crate is built at opt-level 3 (`[profile.dev.package.admin]`).
fn derive(password: &[u8], salt: &[u8], iterations: u32) -> [u8; 32] {
    pbkdf2::pbkdf2_hmac_array::<Sha256, 32>(password, salt, iterations)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Produced by Django 5.2.* itself:
    /// `settings.configure(); make_password(password, salt=salt)`.
    const DJANGO_VECTORS: &[(&str, &str, &str)] = &[
        (
            "x",
            "abcdefghijklmnopqrstuv",
            "pbkdf2_sha256$1000000$abcdefghijklmnopqrstuv$gfSH7Np5WBtKWUiFVxUWBozbSLzqEi0vBuOvA2HtKZw=",
        ),
        (
            "lètmein",
            "seasalt2",
            "pbkdf2_sha256$1000000$seasalt2$egbhFghgsJVDo5Tpg/k9ZnfbySKQ1UQnBYXhR97a7sk=",
        ),
        (
            "correct horse battery staple",
            "Zq3xY7LmN2pQ8rT4vW1sAb",
            "pbkdf2_sha256$1000000$Zq3xY7LmN2pQ8rT4vW1sAb$3velJqJLKm5UJaLkcYLA0z+Zl/Pl0rTqvF5NniMa+PY=",
        ),
        (
            "pa$$ word",
            "saltsaltsaltsaltsaltsa",
            "pbkdf2_sha256$1000000$saltsaltsaltsaltsaltsa$3o3Kwk8NDySLvfISsK1peznc9aUrwMtOFo/VVCH22bs=",
        ),
    ];

    fn check(password: &str, salt: &str, expected: &str) {
        let secret = Secret::new(password);
        assert_eq!(make_password_with_salt(&secret, salt, ITERATIONS), expected, "{password:?}");
    }

    #[test]
    fn matches_django_5_2() {
        for (password, salt, expected) in DJANGO_VECTORS {
            check(password, salt, expected);
        }
        // Our verifier accepts Django's hash and rejects a near miss.
        let (password, _, encoded) = DJANGO_VECTORS[1];
        assert_eq!(check_password(&Secret::new(password), encoded).ok(), Some(true));
        assert_eq!(check_password(&Secret::new("letmein"), encoded).ok(), Some(false));
    }

    #[test]
    fn fresh_hashes_have_djangos_shape_and_verify() {
        let secret = Secret::new("s3cret-Ünïcode");
        let encoded = make_password(&secret);
        let parts: Vec<&str> = encoded.split('$').collect();
        assert_eq!(parts.len(), 4, "{encoded}");
        assert_eq!(parts[0], "pbkdf2_sha256");
        assert_eq!(parts[1], "1000000");
        assert_eq!(parts[2].len(), 22);
        assert!(parts[2].bytes().all(|b| b.is_ascii_alphanumeric()), "{}", parts[2]);
        assert_eq!(STANDARD.decode(parts[3]).map(|h| h.len()).unwrap_or(0), 32);
        assert!(check_password(&secret, &encoded).unwrap_or(false));
        assert_ne!(random_salt(), random_salt());
    }

    #[test]
    fn other_formats_are_errors() {
        let secret = Secret::new("x");
        for encoded in [
            "argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA",
            "pbkdf2_sha256$x$s$h",
            "!unusable",
            "pbkdf2_sha256$10$salt",
        ] {
            assert!(check_password(&secret, encoded).is_err(), "{encoded}");
        }
    }
}
