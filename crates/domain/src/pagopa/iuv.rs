//! The IUV (identificativo univoco di versamento) and the numero avviso (NAV) built on it
//! (pagoPA SACI 3.x, italy-standards.md §A1).
//!
//! NAV = 18 digits `<aux><…>`; with aux digit 3 (the only one to issue today) it is
//! `3 + segregation code (2) + base (13) + check digits (2)` and the IUV is the 17 digits
//! after the aux digit. The check digits are the first 16 digits taken as a number, mod 93,
//! written with two digits. Aux 0 (`0 + application code (2) + base (13) + check (2)`, IUV
//! of 15) and aux 2 (`2 + base (15) + check (2)`) carry check digits over the same 16
//! digits; aux 1 (`1 + IUV (17)`) has none.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;

const FIELD: &str = "nav";

/// The code pagoPA assigns to one of the ente's stations (00–99; some are reserved, e.g. 47
/// Canone Unico, 85 TARI/TEFA sussidiarietà).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SegregationCode(u8);

impl SegregationCode {
    pub fn new(code: u8) -> Result<Self, DomainError> {
        if code <= 99 {
            Ok(Self(code))
        } else {
            Err(DomainError::invalid(
                "segregation_code",
                "Il codice di segregazione ha due cifre (00–99)",
                "The segregation code has two digits (00–99)",
            ))
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let s = input.trim();
        if s.is_empty() || s.len() > 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Self::new(100);
        }
        Self::new(s.parse().unwrap_or(100))
    }

    pub fn value(self) -> u8 {
        self.0
    }
}

impl fmt::Display for SegregationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

/// Written as the two-digit string (`"01"`).
impl Serialize for SegregationCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SegregationCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// Bases are 13 digits: below 10^13.
pub const BASE_LIMIT: u64 = 10_000_000_000_000;

/// Check digits over a prefix of at most 16 digits.
pub fn check_digits(prefix: u64) -> u8 {
    (prefix % 93) as u8
}

/// An IUV: 17 digits (aux 1, 2, 3) or 15 (aux 0).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Iuv(String);

impl Iuv {
    /// Any IUV as reported by pagoPA (receipts, reconciliation flows): 15 or 17 digits.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let s = input.trim();
        if (s.len() == 15 || s.len() == 17) && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(s.to_owned()))
        } else {
            Err(DomainError::invalid(
                "iuv",
                "Lo IUV ha 17 cifre (15 per i vecchi avvisi con cifra iniziale 0)",
                "An IUV has 17 digits (15 for old notices starting with 0)",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The numero avviso of an IUV issued with aux digit 3, if its check digits hold.
    pub fn notice_number(&self) -> Result<NoticeNumber, DomainError> {
        NoticeNumber::parse(&format!("3{}", self.0))
    }
}

crate::types::string_newtype_serde!(Iuv);

/// A numero avviso (codice avviso), 18 digits, whose check digits hold.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NoticeNumber(String);

impl NoticeNumber {
    /// The NAV with aux digit 3 for `base` (< 10^13), e.g. a per-tenant sequence.
    pub fn generate(segregation: SegregationCode, base: u64) -> Result<Self, DomainError> {
        if base >= BASE_LIMIT {
            return Err(DomainError::invalid(
                "base",
                "La base dello IUV ha al massimo 13 cifre",
                "The IUV base has at most 13 digits",
            ));
        }
        let prefix = 3 * 10u64.pow(15) + u64::from(segregation.0) * BASE_LIMIT + base;
        Ok(Self(format!("{prefix:016}{:02}", check_digits(prefix))))
    }

    /// Any numero avviso a person types: spaces and dashes are ignored (it is printed in
    /// groups of four). The error says what is wrong: a character, the length, the first
    /// (aux) digit or the check digits.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let digits: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if digits.is_empty() {
            return Err(DomainError::invalid(
                FIELD,
                "Il codice avviso è obbligatorio",
                "The notice number is required",
            ));
        }
        if let Some(bad) = digits.chars().find(|c| !c.is_ascii_digit()) {
            return Err(DomainError::invalid(
                FIELD,
                format!("Il codice avviso contiene solo cifre: «{bad}» non è ammesso"),
                format!("The notice number has digits only: \"{bad}\" is not allowed"),
            ));
        }
        if digits.len() != 18 {
            let n = digits.len();
            return Err(DomainError::invalid(
                FIELD,
                format!("Il codice avviso ha 18 cifre: ne sono state inserite {n}"),
                format!("The notice number has 18 digits: {n} were entered"),
            ));
        }
        match digits.as_bytes()[0] {
            b'1' => {}
            b'0' | b'2' | b'3' => {
                let prefix: u64 = digits[..16].parse().expect("16 digits fit in u64");
                let given: u8 = digits[16..].parse().expect("two digits");
                if check_digits(prefix) != given {
                    return Err(DomainError::invalid(
                        FIELD,
                        "Le ultime due cifre del codice avviso (di controllo) non corrispondono alle altre: verificare di averlo copiato correttamente",
                        "The last two digits of the notice number (check digits) do not match the others: check it was copied correctly",
                    ));
                }
            }
            other => {
                return Err(DomainError::invalid(
                    FIELD,
                    format!(
                        "Il codice avviso inizia con 0, 1, 2 o 3 (3 per gli avvisi recenti), non con {}",
                        char::from(other)
                    ),
                    format!(
                        "The notice number starts with 0, 1, 2 or 3 (3 for recent notices), not {}",
                        char::from(other)
                    ),
                ));
            }
        }
        Ok(Self(digits))
    }

    /// A numero avviso that this ente issued: valid, aux digit 3 and its segregation code.
    pub fn parse_issued(input: &str, segregation: SegregationCode) -> Result<Self, DomainError> {
        let nav = Self::parse(input)?;
        if nav.segregation_code() != Some(segregation) {
            return Err(DomainError::invalid(
                FIELD,
                format!(
                    "Il codice avviso non è stato emesso da questo ente (i suoi iniziano con 3{segregation})"
                ),
                format!(
                    "The notice number was not issued by this body (its numbers start with 3{segregation})"
                ),
            ));
        }
        Ok(nav)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn aux_digit(&self) -> u8 {
        self.0.as_bytes()[0] - b'0'
    }

    /// The segregation code, for aux digit 3.
    pub fn segregation_code(&self) -> Option<SegregationCode> {
        (self.aux_digit() == 3).then(|| SegregationCode(self.0[1..3].parse().expect("digits")))
    }

    pub fn iuv(&self) -> Iuv {
        match self.aux_digit() {
            // 0 + application code (2) + IUV (15).
            0 => Iuv(self.0[3..].to_owned()),
            _ => Iuv(self.0[1..].to_owned()),
        }
    }

    /// As printed on the notice: groups of four digits, 22 characters.
    pub fn printed(&self) -> String {
        let mut out = String::with_capacity(22);
        for (i, c) in self.0.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push(' ');
            }
            out.push(c);
        }
        out
    }
}

crate::types::string_newtype_serde!(NoticeNumber);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;

    fn seg(n: u8) -> SegregationCode {
        SegregationCode::new(n).unwrap()
    }

    #[test]
    fn worked_examples() {
        // italy-standards.md §A1: seg 01, base 0000000000123 → IUV 01000000000012373.
        let nav = NoticeNumber::generate(seg(1), 123).unwrap();
        assert_eq!(nav.as_str(), "301000000000012373");
        assert_eq!(nav.iuv().as_str(), "01000000000012373");
        assert_eq!(nav.printed(), "3010 0000 0000 0123 73");
        assert_eq!(nav.printed().len(), 22);
        // pagoPA back-office manual: 3471649230222210 mod 93 = 54.
        let receipt = NoticeNumber::parse("347164923022221054").unwrap();
        assert_eq!(receipt.segregation_code(), Some(seg(47)));
        assert_eq!(
            NoticeNumber::generate(seg(47), 1_649_230_222_210).unwrap(),
            receipt
        );
        // GovPay test notice with aux 0 and application code 01: check 08, IUV of 15 digits.
        let govpay = NoticeNumber::parse("001340000013900808").unwrap();
        assert_eq!(govpay.aux_digit(), 0);
        assert_eq!(govpay.iuv().as_str(), "340000013900808");
        assert_eq!(govpay.segregation_code(), None);
        assert_eq!(check_digits(3_471_649_230_222_210), 54);
        assert_eq!(check_digits(13_400_000_139_008), 8);
    }

    #[test]
    fn typed_forms_and_messages() {
        assert_eq!(
            NoticeNumber::parse(" 3010 0000 0000 0123 73 ")
                .unwrap()
                .as_str(),
            "301000000000012373"
        );
        assert_eq!(
            NoticeNumber::parse("3010-0000-0000-0123-73")
                .unwrap()
                .as_str(),
            "301000000000012373"
        );
        let msg = |s: &str| NoticeNumber::parse(s).unwrap_err().summary(Lang::It);
        assert_eq!(msg(""), "nav: Il codice avviso è obbligatorio");
        assert!(msg("30100000000001237A").contains("«A» non è ammesso"));
        assert!(msg("3010000000000123").contains("ne sono state inserite 16"));
        assert!(msg("501000000000012373").contains("non con 5"));
        assert!(msg("301000000000012374").contains("di controllo"));
        // Aux 1 has no check digits.
        assert!(NoticeNumber::parse("112345678901234567").is_ok());
        let en = NoticeNumber::parse("301000000000012374")
            .unwrap_err()
            .summary(Lang::En);
        assert!(en.contains("check digits"), "{en}");
    }

    #[test]
    fn issued_by_this_ente() {
        let ours = seg(1);
        assert!(NoticeNumber::parse_issued("301000000000012373", ours).is_ok());
        let err = NoticeNumber::parse_issued("347164923022221054", ours).unwrap_err();
        assert!(
            err.summary(Lang::It)
                .contains("non è stato emesso da questo ente")
        );
        assert!(NoticeNumber::parse_issued("001340000013900808", ours).is_err());
    }

    #[test]
    fn segregation_codes_and_bases() {
        assert_eq!(SegregationCode::parse("7").unwrap().to_string(), "07");
        assert!(SegregationCode::parse("100").is_err());
        assert!(SegregationCode::parse("a1").is_err());
        assert!(SegregationCode::new(100).is_err());
        assert!(NoticeNumber::generate(seg(1), BASE_LIMIT).is_err());
        let top = NoticeNumber::generate(seg(99), BASE_LIMIT - 1).unwrap();
        assert_eq!(&top.as_str()[..16], "3999999999999999");
        assert_eq!(serde_json::to_string(&seg(1)).unwrap(), "\"01\"");
        let nav: NoticeNumber = serde_json::from_str("\"301000000000012373\"").unwrap();
        assert_eq!(nav.iuv().notice_number().unwrap(), nav);
        assert!(serde_json::from_str::<NoticeNumber>("\"301000000000012374\"").is_err());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            #[test]
            fn every_generated_nav_validates(s in 0u8..=99, base in 0u64..BASE_LIMIT) {
                let nav = NoticeNumber::generate(seg(s), base).unwrap();
                prop_assert_eq!(NoticeNumber::parse(nav.as_str()), Ok(nav.clone()));
                prop_assert_eq!(NoticeNumber::parse(&nav.printed()), Ok(nav.clone()));
                prop_assert_eq!(NoticeNumber::parse_issued(nav.as_str(), seg(s)), Ok(nav.clone()));
                prop_assert_eq!(nav.iuv().notice_number(), Ok(nav.clone()));
                prop_assert_eq!(nav.iuv().as_str().len(), 17);
            }

            /// Any single changed digit is caught: 10 is invertible mod 93 and a change of at
            /// most 9 in one place is never a multiple of 93. Only turning the aux digit into
            /// 1 (which has no check digits) leaves a well-formed number, and that is not one
            /// this ente issued.
            #[test]
            fn one_changed_digit_never_validates(
                s in 0u8..=99, base in 0u64..BASE_LIMIT, pos in 0usize..18, delta in 1u8..10,
            ) {
                let nav = NoticeNumber::generate(seg(s), base).unwrap();
                let mut bytes = nav.as_str().as_bytes().to_vec();
                bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
                let changed = String::from_utf8(bytes).unwrap();
                prop_assert!(NoticeNumber::parse_issued(&changed, seg(s)).is_err());
                if !(pos == 0 && changed.starts_with('1')) {
                    prop_assert!(NoticeNumber::parse(&changed).is_err());
                }
            }
        }
    }
}
