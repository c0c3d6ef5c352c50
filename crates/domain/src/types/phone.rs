//! Telephone numbers in E.164 form. Italian national numbers (mobile `3…`, fixed `0…`)
//! get the `+39` prefix; other countries must be written with `+` or `00`.

use crate::error::DomainError;

use super::string_newtype_serde;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let compact: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '/' | '(' | ')'))
            .collect();
        let international = if let Some(rest) = compact.strip_prefix('+') {
            Some(rest.to_owned())
        } else {
            compact.strip_prefix("00").map(str::to_owned)
        };
        let normalised = match international {
            Some(digits) if valid_international(&digits) => Some(format!("+{digits}")),
            Some(_) => None,
            None if valid_italian(&compact) => Some(format!("+39{compact}")),
            None => None,
        };
        normalised.map(Self).ok_or_else(|| {
            DomainError::invalid(
                "phone",
                "Il numero di telefono non è valido (esempio: 333 1234567 o +39 06 1234567)",
                "The phone number is not valid (example: +39 333 1234567)",
            )
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype_serde!(PhoneNumber);

fn valid_international(digits: &str) -> bool {
    (8..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
        && (!digits.starts_with("39") || valid_italian(&digits[2..]))
}

fn valid_italian(n: &str) -> bool {
    n.bytes().all(|b| b.is_ascii_digit())
        && match n.as_bytes().first() {
            Some(b'3') => (9..=10).contains(&n.len()),
            Some(b'0') => (6..=11).contains(&n.len()),
            // Toll-free and shared-cost numbers (800, 803…).
            Some(b'8') => (6..=10).contains(&n.len()),
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_to_e164() {
        for (input, expected) in [
            ("333 123 4567", "+393331234567"),
            ("+39 06 1234567", "+39061234567"),
            ("0039 333-1234567", "+393331234567"),
            ("(06) 123.4567", "+39061234567"),
            ("800 123456", "+39800123456"),
            ("+44 20 7946 0958", "+442079460958"),
        ] {
            assert_eq!(
                PhoneNumber::parse(input).unwrap().as_str(),
                expected,
                "{input}"
            );
        }
    }

    #[test]
    fn rejects_bad_numbers() {
        for bad in [
            "",
            "abc",
            "12345",
            "+39 12",
            "333",
            "+0123456789",
            "+39 5551234567",
            "+1234567890123456",
        ] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad}");
        }
    }
}
