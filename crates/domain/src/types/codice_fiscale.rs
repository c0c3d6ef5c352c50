//! Codice fiscale of a person (16 characters) or of a company / Partita IVA (11 digits).

use crate::error::DomainError;

use super::string_newtype_serde;

/// A checked Italian tax code, stored upper-case without spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CodiceFiscale(String);

const FIELD: &str = "fiscal_code";

/// Values of characters in odd (1-based) positions; digits map like the letters A–J.
const ODD: [u32; 26] = [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];
/// Letters that replace digits in omocodia cases, standing for 0–9.
const OMOCODIA: &[u8; 10] = b"LMNPQRSTUV";
/// Positions (0-based) of a personal code that hold digits or omocodia letters.
const DIGIT_POSITIONS: [usize; 7] = [6, 7, 9, 10, 12, 13, 14];
const MONTHS: &[u8; 12] = b"ABCDEHLMPRST";

impl CodiceFiscale {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let code: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        match code.len() {
            16 if code.is_ascii() => check_personal(code.as_bytes()).map(|()| Self(code)),
            11 if code.bytes().all(|b| b.is_ascii_digit()) => {
                check_numeric(code.as_bytes()).map(|()| Self(code))
            }
            0 => Err(crate::messages::required(
                FIELD,
                &crate::messages::FieldName::noun("il codice fiscale", "the tax code"),
            )
            .into()),
            _ => Err(DomainError::invalid(
                FIELD,
                "Il codice fiscale deve avere 16 caratteri (persona) o 11 cifre (ditta o partita IVA)",
                "The tax code must have 16 characters (person) or 11 digits (company or VAT number)",
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for the 16-character code of a natural person.
    pub fn is_personal(&self) -> bool {
        self.0.len() == 16
    }
}

string_newtype_serde!(CodiceFiscale);

fn malformed() -> DomainError {
    DomainError::invalid(
        FIELD,
        "Il codice fiscale non è nel formato corretto",
        "The tax code is not well formed",
    )
}

fn wrong_check() -> DomainError {
    DomainError::invalid(
        FIELD,
        "Il codice fiscale non è valido: il carattere di controllo non corrisponde",
        "The tax code is not valid: the check character does not match",
    )
}

/// Digit value of a position that may hold an omocodia letter.
fn digit_value(b: u8) -> Option<u32> {
    if b.is_ascii_digit() {
        Some(u32::from(b - b'0'))
    } else {
        OMOCODIA.iter().position(|&l| l == b).map(|p| p as u32)
    }
}

fn check_personal(code: &[u8]) -> Result<(), DomainError> {
    for (i, &b) in code.iter().enumerate() {
        let ok = if DIGIT_POSITIONS.contains(&i) {
            digit_value(b).is_some()
        } else if i == 8 {
            MONTHS.contains(&b)
        } else {
            b.is_ascii_uppercase()
        };
        if !ok {
            return Err(malformed());
        }
    }
    // Day of birth: 1–31, plus 40 for women.
    let day = digit_value(code[9]).unwrap_or(0) * 10 + digit_value(code[10]).unwrap_or(0);
    if !(1..=31).contains(&day) && !(41..=71).contains(&day) {
        return Err(malformed());
    }
    let sum: u32 = code[..15]
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            let v = if b.is_ascii_digit() {
                u32::from(b - b'0')
            } else {
                u32::from(b - b'A')
            };
            if i % 2 == 0 { ODD[v as usize] } else { v }
        })
        .sum();
    let expected = b'A' + (sum % 26) as u8;
    if code[15] == expected {
        Ok(())
    } else {
        Err(wrong_check())
    }
}

fn check_numeric(code: &[u8]) -> Result<(), DomainError> {
    let sum: u32 = code[..10]
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                d
            } else {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            }
        })
        .sum();
    let expected = (10 - sum % 10) % 10;
    if u32::from(code[10] - b'0') == expected {
        Ok(())
    } else {
        Err(wrong_check())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_known_good_codes() {
        for code in [
            "RSSMRA80A01H501U",
            "rssmra80a01h501u",
            " RSS MRA 80A01 H501U ",
            "15376371009",
            "97735020584",
            // omocodia: the last digit of the town code replaced by a letter
            "RSSMRA80A01H50MM",
        ] {
            assert!(CodiceFiscale::parse(code).is_ok(), "{code}");
        }
        assert_eq!(
            CodiceFiscale::parse(" rssmra80a01h501u").unwrap().as_str(),
            "RSSMRA80A01H501U"
        );
    }

    #[test]
    fn rejects_bad_codes_with_field_name() {
        for code in [
            "",
            "RSSMRA80A01H501X", // wrong check char
            "RSSMRA80Z01H501U", // month Z
            "RSSMRA80A32H501U", // day 32
            "RSSMRA80A01H501",  // too short
            "15376371008",      // wrong check digit
            "1537637100A",      // not numeric
            "RSSMRA80A01H5Ö1U", // non-ASCII
        ] {
            let err = CodiceFiscale::parse(code).unwrap_err();
            assert_eq!(err.field_errors()[0].field, "fiscal_code", "{code}");
        }
    }

    #[test]
    fn female_day_is_accepted() {
        // Born on the 41st = the 1st, for women.
        assert!(CodiceFiscale::parse("RSSMRA80A41H501Y").is_ok());
        assert!(CodiceFiscale::parse("BNCLRA90D45L219Q").is_ok());
    }

    #[test]
    fn serde_round_trip_validates() {
        let cf: CodiceFiscale = serde_json::from_str("\"rssmra80a01h501u\"").unwrap();
        assert_eq!(serde_json::to_string(&cf).unwrap(), "\"RSSMRA80A01H501U\"");
        assert!(serde_json::from_str::<CodiceFiscale>("\"RSSMRA80A01H501X\"").is_err());
    }
}
