//! The fingerprint of a configuration: salted, slow, verified by recomputing.
//!
//! It is stored where others can read it (the server comment is readable by every user of the
//! database; the seed's lock file sits in `$PGDATA`), and it covers the password, so it must
//! not be an oracle for it: a fast unsalted hash over DDL that can be derived from the catalog
//! would let a guess be tested at GPU speed. The stored form is
//! `pbkdf2-sha256$<iterations>$<salt, hex>$<hash, hex>`: PBKDF2-HMAC-SHA256 over the masked
//! DDL and the password, with 16 random bytes of salt, so the same configuration stored twice
//! gives two different values, and a value is checked only by recomputing it with its salt.

use pbkdf2::pbkdf2_hmac_array;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::Sha256;

use crate::Spec;
use crate::render::masked_body;

/// PBKDF2 rounds of a new fingerprint: OWASP's figure for PBKDF2-HMAC-SHA256 (2023).
pub(crate) const ITERATIONS: u32 = 600_000;

const SCHEME: &str = "pbkdf2-sha256";
const SALT_BYTES: usize = 16;

/// A new fingerprint of `spec`, with a fresh salt. Slow by design (about [`ITERATIONS`]
/// HMAC rounds): call it off the async threads.
pub(crate) fn fingerprint(spec: &Spec) -> String {
    let mut salt = [0u8; SALT_BYTES];
    OsRng.fill_bytes(&mut salt);
    with_salt(spec, &salt, ITERATIONS)
}

/// Whether `stored` is a fingerprint of `spec`: recomputed with the stored salt and rounds,
/// compared in constant time. Anything that does not parse (an old unsalted fingerprint, the
/// seed's empty lock file) is not a match.
pub fn fingerprint_matches(spec: &Spec, stored: &str) -> bool {
    let mut parts = stored.trim().split('$');
    let (Some(SCHEME), Some(rounds), Some(salt), Some(hash), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Ok(rounds), Ok(salt)) = (rounds.parse::<u32>(), hex::decode(salt)) else {
        return false;
    };
    // A stored value cannot make verification cheap, nor make it take forever.
    if !(ITERATIONS..=10 * ITERATIONS).contains(&rounds) || salt.len() != SALT_BYTES {
        return false;
    }
    let ours = with_salt(spec, &salt, rounds);
    let theirs = hash.as_bytes();
    let ours = ours.rsplit('$').next().unwrap_or_default().as_bytes();
    ours.len() == theirs.len()
        && ours.iter().zip(theirs).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

fn with_salt(spec: &Spec, salt: &[u8], rounds: u32) -> String {
    // Length-prefixed parts: no two configurations give the same input.
    let mut input = Vec::new();
    for part in
        masked_body(spec).iter().map(String::as_bytes).chain([spec.password.expose().as_bytes()])
    {
        input.extend_from_slice(&(part.len() as u64).to_be_bytes());
        input.extend_from_slice(part);
    }
    let hash = pbkdf2_hmac_array::<Sha256, 32>(&input, salt, rounds);
    input.fill(0);
    format!("{SCHEME}${rounds}${}${}", hex::encode(salt), hex::encode(hash))
}

#[cfg(test)]
mod tests {
    use pg::Secret;

    use super::*;

    fn spec() -> Spec {
        Spec::postgres("s", "h", 1, "d", "u", Secret::new("pr0d-s3cret"), "wells", "wells")
    }

    fn with(spec: &Spec, salt: u8, rounds: u32) -> String {
        with_salt(spec, &[salt; SALT_BYTES], rounds)
    }

    #[test]
    fn salted_and_verified_by_recomputing() {
        let base = spec();
        let first = fingerprint(&base);
        let second = fingerprint(&base);
        assert_ne!(first, second, "a fresh salt each time");
        assert!(fingerprint_matches(&base, &first) && fingerprint_matches(&base, &second));
        assert!(first.starts_with("pbkdf2-sha256$600000$"), "{first}");
        assert!(!first.contains("pr0d-s3cret"));
        let mut changed = base.clone();
        changed.password = Secret::new("rotated");
        assert!(!fingerprint_matches(&changed, &first));
        let mut changed = base.clone();
        changed.user = "other".into();
        assert!(!fingerprint_matches(&changed, &first));
        assert!(!fingerprint_matches(&base.clone().with_grantee(Some("app")), &first));
        assert_eq!(with(&base, 1, 1000), with(&base, 1, 1000), "deterministic for one salt");
        assert_ne!(with(&base, 1, 1000), with(&base, 2, 1000));
    }

    #[test]
    fn what_does_not_parse_never_matches() {
        let base = spec();
        let good = with(&base, 7, ITERATIONS);
        assert!(fingerprint_matches(&base, &format!("{good}\n")));
        // Fewer rounds than ours are refused before any computing.
        let cheap = with(&base, 7, 1000);
        for stored in [
            "",
            "b91d98fb1bff2decf10b89e81f80d2a21ab4fd470b00f3186c615af7368d1a70",
            cheap.as_str(),
            &good[..good.len() - 1],
            &format!("{good}$x"),
            &good.replacen("pbkdf2-sha256", "pbkdf2-sha1", 1),
        ] {
            assert!(!fingerprint_matches(&base, stored), "{stored}");
        }
    }
}
