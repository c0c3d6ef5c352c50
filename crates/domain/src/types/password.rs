//! Password strength rules for local accounts.

use crate::error::DomainError;

/// At least 10 characters, with letters and digits, and not made only of the user's own
/// identifiers. Long passphrases (≥ 16 characters) need no digit.
pub fn check_password_strength(password: &str, identifiers: &[&str]) -> Result<(), DomainError> {
    let len = password.chars().count();
    let weak = |it: &'static str, en: &'static str| Err(DomainError::invalid("password", it, en));
    if len < 10 {
        return weak(
            "La password deve avere almeno 10 caratteri",
            "The password must have at least 10 characters",
        );
    }
    if len > 128 {
        return weak(
            "La password può avere al massimo 128 caratteri",
            "The password may have at most 128 characters",
        );
    }
    let has_letter = password.chars().any(char::is_alphabetic);
    let has_digit = password.chars().any(|c| c.is_ascii_digit());
    if !has_letter || (!has_digit && len < 16) {
        return weak(
            "La password deve contenere lettere e numeri (oppure essere una frase di almeno 16 caratteri)",
            "The password must contain letters and digits (or be a passphrase of at least 16 characters)",
        );
    }
    let lower = password.to_lowercase();
    let distinct = lower
        .chars()
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    if distinct < 5 {
        return weak(
            "La password è troppo ripetitiva",
            "The password is too repetitive",
        );
    }
    for id in identifiers.iter().filter(|i| i.chars().count() >= 4) {
        if lower.contains(&id.to_lowercase()) {
            return weak(
                "La password non deve contenere il tuo nome, e-mail o codice fiscale",
                "The password must not contain your name, e-mail or tax code",
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_rules() {
        assert!(check_password_strength("Sportello2026!", &[]).is_ok());
        assert!(check_password_strength("una frase lunga e sicura", &[]).is_ok());
        assert!(check_password_strength("short1", &[]).is_err());
        assert!(check_password_strength("onlyletters", &[]).is_err());
        assert!(check_password_strength("1111111111a", &[]).is_err());
        assert!(check_password_strength("mario.rossi2026", &["mario.rossi"]).is_err());
        assert!(check_password_strength("xRSSMRA80A01H501U", &["RSSMRA80A01H501U"]).is_err());
    }
}
