//! What a payment notice (avviso di pagamento) carries: the QR code payload, the Poste
//! DataMatrix payload, the ente's CBILL code, and the notice's state.

use std::fmt::{self, Write};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::iuv::NoticeNumber;
use crate::error::DomainError;
use crate::types::{CodiceFiscale, Money};

/// Largest amount a notice code can carry: ten digits of cents.
pub const MAX_NOTICE_AMOUNT: Money = Money::from_cents(9_999_999_999);

fn check_notice_amount(amount: Money) -> Result<(), DomainError> {
    if amount.cents() < 1 || amount > MAX_NOTICE_AMOUNT {
        return Err(DomainError::invalid(
            "amount",
            "L'importo dell'avviso va da 0,01 € a 99.999.999,99 €",
            "A notice amount ranges from 0,01 € to 99.999.999,99 €",
        ));
    }
    Ok(())
}

fn check_creditor(creditor: &CodiceFiscale) -> Result<(), DomainError> {
    if creditor.is_personal() {
        return Err(DomainError::invalid(
            "creditor_fiscal_code",
            "Il codice fiscale dell'ente ha 11 cifre",
            "The creditor body's tax code has 11 digits",
        ));
    }
    Ok(())
}

/// The QR code of a notice: `PAGOPA|002|<NAV>|<CF ente>|<cents>`, the amount zero-padded to
/// ten digits (52 characters, which older App IO decoders require).
pub fn qr_payload(
    nav: &NoticeNumber,
    creditor: &CodiceFiscale,
    amount: Money,
) -> Result<String, DomainError> {
    check_creditor(creditor)?;
    check_notice_amount(amount)?;
    Ok(format!(
        "PAGOPA|002|{nav}|{creditor}|{:010}",
        amount.cents()
    ))
}

/// A conto corrente postale number, up to 12 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PosteAccount(String);

impl PosteAccount {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let s = input.trim();
        if s.is_empty() || s.len() > 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::invalid(
                "poste_account",
                "Il numero di conto corrente postale ha fino a 12 cifre",
                "The postal account number has up to 12 digits",
            ));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::types::string_newtype_serde!(PosteAccount);

/// What the Poste DataMatrix of one notice (or instalment) encodes.
#[derive(Debug, Clone, Copy)]
pub struct PosteDataMatrix<'a> {
    pub nav: &'a NoticeNumber,
    pub account: &'a PosteAccount,
    pub amount: Money,
    pub creditor: &'a CodiceFiscale,
    pub debtor: &'a CodiceFiscale,
    pub debtor_name: &'a str,
    pub subject: &'a str,
}

/// Width of the whole payload.
pub const DATAMATRIX_LEN: usize = 256;

/// The 256-character Poste DataMatrix payload (italy-standards.md §A2):
/// `codfase=NBPA;` `18`+NAV `12`+account (zero-padded) `10`+cents (zero-padded) `3896`
/// `1P1` CF ente (11) CF debtor (16) name (40) subject (110) 12 spaces `A`.
/// Text is folded to ASCII (accents dropped, anything else a space) so every field keeps
/// its width in bytes, then cut or space-padded to its width.
pub fn poste_datamatrix(data: PosteDataMatrix<'_>) -> Result<String, DomainError> {
    check_creditor(data.creditor)?;
    check_notice_amount(data.amount)?;
    let mut out = String::with_capacity(DATAMATRIX_LEN);
    out.push_str("codfase=NBPA;");
    out.push_str("18");
    out.push_str(data.nav.as_str());
    out.push_str("12");
    let _ = write!(out, "{:0>12}", data.account.as_str());
    out.push_str("10");
    let _ = write!(out, "{:010}", data.amount.cents());
    out.push_str("3896");
    out.push_str("1P1");
    out.push_str(data.creditor.as_str());
    push_field(&mut out, data.debtor.as_str(), 16);
    push_field(&mut out, data.debtor_name, 40);
    push_field(&mut out, data.subject, 110);
    out.push_str(&" ".repeat(12));
    out.push('A');
    debug_assert_eq!(out.len(), DATAMATRIX_LEN);
    Ok(out)
}

fn push_field(out: &mut String, text: &str, width: usize) {
    let folded: String = text.trim().chars().map(fold_ascii).take(width).collect();
    let _ = write!(out, "{folded:<width$}");
}

/// Italian and common Latin letters without their accents; anything else not printable
/// ASCII becomes a space.
fn fold_ascii(c: char) -> char {
    match c {
        ' '..='~' => c,
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'À' | 'Á' | 'Â' | 'Ä' | 'Ã' | 'Å' => 'A',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'È' | 'É' | 'Ê' | 'Ë' => 'E',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'Ò' | 'Ó' | 'Ô' | 'Ö' | 'Õ' => 'O',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
        'ç' => 'c',
        'Ç' => 'C',
        'ñ' => 'n',
        'Ñ' => 'N',
        'š' => 's',
        'Š' => 'S',
        'ž' => 'z',
        'Ž' => 'Z',
        'č' => 'c',
        'Č' => 'C',
        '’' | '‘' => '\'',
        _ => ' ',
    }
}

/// The ente's CBILL (interbank, or SIA) code: five letters or digits, upper case. With it
/// and the numero avviso a notice can be paid from home banking.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CbillCode(String);

impl CbillCode {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let s = input.trim().to_ascii_uppercase();
        if s.len() != 5
            || !s
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Err(DomainError::invalid(
                "cbill",
                "Il codice CBILL ha 5 caratteri, lettere o cifre (esempio: A1B2C)",
                "The CBILL code has 5 characters, letters or digits (example: A1B2C)",
            ));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::types::string_newtype_serde!(CbillCode);

/// Where a notice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NoticeStatus {
    Unpaid,
    Paid,
    /// Past its due date on a position that cannot be paid afterwards.
    Expired,
    /// The act was annulled or discharged, or the instalment replaced (e.g. by a plan).
    Cancelled,
}

impl NoticeStatus {
    pub const ALL: [NoticeStatus; 4] = [Self::Unpaid, Self::Paid, Self::Expired, Self::Cancelled];

    pub fn code(self) -> &'static str {
        match self {
            Self::Unpaid => "unpaid",
            Self::Paid => "paid",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
        }
    }

    /// The state of the notice of an instalment: cancelled first, then paid (by any channel),
    /// then expired when the position cannot be paid after its due date.
    pub fn of(
        cancelled: bool,
        residual: Money,
        due_date: NaiveDate,
        today: NaiveDate,
        expires_after_due: bool,
    ) -> Self {
        if cancelled {
            Self::Cancelled
        } else if residual.cents() <= 0 {
            Self::Paid
        } else if expires_after_due && today > due_date {
            Self::Expired
        } else {
            Self::Unpaid
        }
    }
}

impl fmt::Display for NoticeStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for NoticeStatus {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|v| v.code() == s).ok_or_else(|| {
            DomainError::invalid(
                "status",
                format!("Stato dell'avviso sconosciuto: «{s}» (ammessi: unpaid, paid, expired, cancelled)"),
                format!("Unknown notice status: \"{s}\" (accepted: unpaid, paid, expired, cancelled)"),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pagopa::iuv::SegregationCode;

    fn nav() -> NoticeNumber {
        NoticeNumber::generate(SegregationCode::new(1).unwrap(), 123).unwrap()
    }

    fn ente() -> CodiceFiscale {
        CodiceFiscale::parse("15376371009").unwrap()
    }

    #[test]
    fn qr_payload_is_padded_to_52_characters() {
        let qr = qr_payload(&nav(), &ente(), Money::from_cents(12_000)).unwrap();
        assert_eq!(qr, "PAGOPA|002|301000000000012373|15376371009|0000012000");
        assert_eq!(qr.len(), 52);
        assert!(qr_payload(&nav(), &ente(), Money::ZERO).is_err());
        assert!(qr_payload(&nav(), &ente(), Money::from_cents(10_000_000_000)).is_err());
        let person = CodiceFiscale::parse("RSSMRA80A01H501U").unwrap();
        assert_eq!(
            qr_payload(&nav(), &person, Money::from_cents(1))
                .unwrap_err()
                .field_errors()[0]
                .field,
            "creditor_fiscal_code"
        );
    }

    #[test]
    fn datamatrix_fields_sit_at_their_offsets() {
        let account = PosteAccount::parse("1234567").unwrap();
        let debtor = CodiceFiscale::parse("RSSMRA80A01H501U").unwrap();
        let dm = poste_datamatrix(PosteDataMatrix {
            nav: &nav(),
            account: &account,
            amount: Money::from_cents(12_000),
            creditor: &ente(),
            debtor: &debtor,
            debtor_name: "Niccolò Rossi",
            subject: "TARI 2025 rata 1",
        })
        .unwrap();
        assert_eq!(dm.len(), 256);
        let expected = format!(
            "codfase=NBPA;183010000000000123731200000123456710000001200038961P115376371009RSSMRA80A01H501U{:<40}{:<110}{}A",
            "Niccolo Rossi",
            "TARI 2025 rata 1",
            " ".repeat(12)
        );
        assert_eq!(dm, expected);
        // Where the App IO decoder reads them.
        assert_eq!(&dm[15..33], "301000000000012373");
        assert_eq!(&dm[49..59], "0000012000");
        assert_eq!(&dm[66..77], "15376371009");
        // Long text is cut to its field; a company debtor's 11 digits are padded to 16.
        let company = CodiceFiscale::parse("97735020584").unwrap();
        let long = "x".repeat(300);
        let dm = poste_datamatrix(PosteDataMatrix {
            nav: &nav(),
            account: &account,
            amount: Money::from_cents(1),
            creditor: &ente(),
            debtor: &company,
            debtor_name: &long,
            subject: "Più € di così",
        })
        .unwrap();
        assert_eq!(dm.len(), 256);
        assert_eq!(&dm[77..93], "97735020584     ");
        assert_eq!(&dm[93..133], "x".repeat(40));
        assert!(dm[133..243].starts_with("Piu   di cosi "));
        assert!(dm.ends_with("            A"));
    }

    #[test]
    fn cbill_and_account_formats() {
        assert_eq!(CbillCode::parse(" a1b2c ").unwrap().as_str(), "A1B2C");
        for bad in ["", "ABCD", "ABCDEF", "AB-CD", "ÀBCDE"] {
            assert!(CbillCode::parse(bad).is_err(), "{bad}");
        }
        assert!(PosteAccount::parse("1234567890123").is_err());
        assert!(PosteAccount::parse("12a").is_err());
    }

    #[test]
    fn notice_status_order() {
        let due = NaiveDate::from_ymd_opt(2026, 5, 31).unwrap();
        let after = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let owed = Money::from_cents(100);
        assert_eq!(
            NoticeStatus::of(true, Money::ZERO, due, after, true),
            NoticeStatus::Cancelled
        );
        assert_eq!(
            NoticeStatus::of(false, Money::ZERO, due, after, true),
            NoticeStatus::Paid
        );
        assert_eq!(
            NoticeStatus::of(false, owed, due, after, true),
            NoticeStatus::Expired
        );
        assert_eq!(
            NoticeStatus::of(false, owed, due, after, false),
            NoticeStatus::Unpaid
        );
        assert_eq!(
            NoticeStatus::of(false, owed, due, due, true),
            NoticeStatus::Unpaid
        );
        for s in NoticeStatus::ALL {
            assert_eq!(s.code().parse::<NoticeStatus>().unwrap(), s);
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{s}\""));
        }
    }
}
