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
use sha2::digest::generic_array::GenericArray;
use sha2::{Digest, Sha256};

use crate::Error;

/// Django 5.2's `PBKDF2PasswordHasher.iterations`.
pub const ITERATIONS: u32 = 1_000_000;
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
pub fn random_salt() -> String {
    random_string(SALT_LEN, RANDOM_STRING_CHARS)
}

/// Hashes `password` with a fresh salt, as Django's `make_password(password)` does.
pub fn make_password(password: &Secret) -> String {
    make_password_with_salt(password, &random_salt(), ITERATIONS)
}

/// Hashes with a given salt and iteration count (for test vectors and verification).
pub fn make_password_with_salt(password: &Secret, salt: &str, iterations: u32) -> String {
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

/// PBKDF2-HMAC-SHA256 with dklen 32 (one block).
///
/// Why not `pbkdf2::pbkdf2_hmac`: its generic HMAC code is instantiated in this crate, which the
/// dev profile builds unoptimised, so a million rounds take seconds. Here each round is exactly
/// two calls of `sha2::compress256` (built at opt-level 3) on precomputed HMAC pad states. The
/// tests check this against the `pbkdf2` crate and against Django's own output.
fn derive(password: &[u8], salt: &[u8], iterations: u32) -> [u8; 32] {
    let mut key = [0u8; 64];
    if password.len() > 64 {
        key[..32].copy_from_slice(&Sha256::digest(password));
    } else {
        key[..password.len()].copy_from_slice(password);
    }
    let pad = |byte: u8| key.map(|k| k ^ byte);
    let (ipad, opad) = (pad(0x36), pad(0x5c));
    let state_after = |block: &[u8; 64]| {
        let mut state = SHA256_IV;
        sha2::compress256(&mut state, &[*GenericArray::from_slice(block)]);
        state
    };
    let (inner, outer) = (state_after(&ipad), state_after(&opad));

    // U1 = HMAC(password, salt || INT(1)), salt of any length: the plain digest API, once.
    let first =
        Sha256::new().chain_update(ipad).chain_update(salt).chain_update(1u32.to_be_bytes());
    let u1: [u8; 32] =
        Sha256::new().chain_update(opad).chain_update(first.finalize()).finalize().into();

    // Ui = HMAC(password, Ui-1): a 32-byte message after a 64-byte pad is one padded block.
    let mut block = [0u8; 64];
    block[32] = 0x80;
    block[62..].copy_from_slice(&((64u16 + 32) * 8).to_be_bytes());
    let mut u = u1;
    let mut out = u1;
    for _ in 1..iterations {
        block[..32].copy_from_slice(&u);
        let mut state = inner;
        sha2::compress256(&mut state, &[*GenericArray::from_slice(&block)]);
        block[..32].copy_from_slice(&words_to_bytes(&state));
        let mut state = outer;
        sha2::compress256(&mut state, &[*GenericArray::from_slice(&block)]);
        u = words_to_bytes(&state);
        out.iter_mut().zip(&u).for_each(|(o, x)| *o ^= x);
    }
    out
}

const SHA256_IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

fn words_to_bytes(words: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(words) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
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
    fn agrees_with_the_pbkdf2_crate() {
        let long = "p".repeat(100);
        let long_salt = "s".repeat(70);
        for (password, salt) in [
            ("x", "salt"),
            ("", ""),
            (long.as_str(), "abc"),
            ("pw", long_salt.as_str()),
            ("é", "é"),
        ] {
            for iterations in [1, 2, 3, 1000] {
                let mut expected = [0u8; 32];
                pbkdf2::pbkdf2_hmac::<Sha256>(
                    password.as_bytes(),
                    salt.as_bytes(),
                    iterations,
                    &mut expected,
                );
                assert_eq!(
                    derive(password.as_bytes(), salt.as_bytes(), iterations),
                    expected,
                    "{password:?} {salt:?} {iterations}"
                );
            }
        }
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
