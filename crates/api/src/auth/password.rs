//! Argon2id password hashes (PHC strings).

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
}

/// Checks `password` against a stored hash; with no hash (unknown user) it still spends
/// the same time, so response times do not reveal which accounts exist.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    let fallback = dummy_hash();
    let hash = stored.unwrap_or(fallback);
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let ok = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    ok && stored.is_some()
}

fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash("not-a-real-password-0").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let h = hash("Sportello2026!").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("Sportello2026!", Some(&h)));
        assert!(!verify("sportello2026!", Some(&h)));
        assert!(!verify("not-a-real-password-0", None));
        assert!(!verify("x", Some("garbage")));
    }
}
