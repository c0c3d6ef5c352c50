//! The secrets of a booking's links, derived from its id with a server key: the code of the
//! manage and video links (160 bits) and the token of the confirmation link sent only by
//! e-mail. Only a hash of the code is stored, and the e-mails (sent later, by the outbox
//! worker) derive the same links again.

use base64::Engine;
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;

use crate::db::repo::secrets;
use crate::db::{DbConn, DbError};
use crate::secret_key::SecretKey;

/// Name of the key in `app_secrets`.
pub const CODE_KEY: &str = "booking_code_key";

/// Characters of a reference: no 0/O, 1/I/L, easy to read out on the phone.
const REFERENCE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

#[derive(Clone)]
pub struct CodeKey(Vec<u8>);

impl std::fmt::Debug for CodeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeKey(<secret>)")
    }
}

impl CodeKey {
    /// The installation's key, created on first use (sealed like every stored secret).
    pub fn load(c: &mut DbConn, key: &SecretKey) -> Result<Self, DbError> {
        Ok(Self(secrets::get_or_create(c, key, CODE_KEY)?.into_bytes()))
    }

    fn mac(&self, purpose: &str, booking_id: &str) -> [u8; 32] {
        let mut m = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        m.update(purpose.as_bytes());
        m.update(b":");
        m.update(booking_id.as_bytes());
        m.finalize().into_bytes().into()
    }

    /// The code of the manage link: 160 bits, base64url (27 characters).
    pub fn code(&self, booking_id: &str) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&self.mac("code", booking_id)[..20])
    }

    /// The token of the e-mailed confirmation link (128 bits).
    pub fn confirm_token(&self, booking_id: &str) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(&self.mac("confirm", booking_id)[..16])
    }
}

/// What is stored to find a booking by its code.
pub fn code_hash(code: &str) -> String {
    crate::upload::hex_digest(code.as_bytes())
}

/// True when `code` looks like a booking code (so junk never reaches the database).
pub fn is_well_formed(code: &str) -> bool {
    code.len() == 27
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A short reference such as `K7QM-3XPA`.
pub fn new_reference() -> String {
    let mut rng = rand::rngs::OsRng;
    let chars: String = (0..8)
        .map(|_| char::from(REFERENCE_ALPHABET[rng.gen_range(0..REFERENCE_ALPHABET.len())]))
        .collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_distinct_and_long() {
        let k = CodeKey(b"a secret key".to_vec());
        let a = k.code("0190-a");
        assert_eq!(a, k.code("0190-a"));
        assert_ne!(a, k.code("0190-b"));
        assert_ne!(a, CodeKey(b"another key".to_vec()).code("0190-a"));
        assert!(is_well_formed(&a), "{a}");
        assert_ne!(k.confirm_token("0190-a"), a);
        assert_eq!(k.confirm_token("0190-a").len(), 22);
        assert_eq!(code_hash("x").len(), 64);
        let r = new_reference();
        assert_eq!(r.len(), 9);
        assert!(!is_well_formed("../../etc/passwd"));
    }
}
