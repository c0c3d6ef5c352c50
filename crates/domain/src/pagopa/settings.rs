//! The tenant's pagoPA settings: who the creditor is, where the money goes, how its notice
//! numbers are built, and when reminders go out. URLs are checked here for their form only:
//! the installation's egress policy (`api::egress`) decides which hosts may be reached.

use serde::{Deserialize, Serialize};

use super::iuv::SegregationCode;
use super::notice::{CbillCode, PosteAccount};
use super::transfers::{TefaBeneficiary, TefaRate};
use crate::error::{DomainError, Errors, FieldError};
use crate::types::CodiceFiscale;

/// An IBAN (ISO 13616): country, two check digits (mod 97), then the national account.
/// Written without spaces, upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Iban(String);

impl Iban {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let s: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let bad = |it: &'static str, en: &'static str| Err(DomainError::invalid("iban", it, en));
        let b = s.as_bytes();
        if !(15..=34).contains(&b.len())
            || !b[..2].iter().all(u8::is_ascii_uppercase)
            || !b[2..4].iter().all(u8::is_ascii_digit)
            || !b[4..].iter().all(u8::is_ascii_alphanumeric)
        {
            return bad(
                "IBAN non valido: due lettere del paese, due cifre di controllo e il conto (es. IT60X0542811101000000123456)",
                "Invalid IBAN: two country letters, two check digits and the account (e.g. IT60X0542811101000000123456)",
            );
        }
        if b.starts_with(b"IT") && b.len() != 27 {
            return bad(
                "Un IBAN italiano ha 27 caratteri",
                "An Italian IBAN has 27 characters",
            );
        }
        // Account first, then country and check digits; letters count as 10..35.
        let remainder = b[4..].iter().chain(&b[..4]).fold(0u32, |acc, &c| {
            let v = if c.is_ascii_digit() {
                u32::from(c - b'0')
            } else {
                u32::from(c - b'A') + 10
            };
            if v >= 10 {
                (acc * 100 + v) % 97
            } else {
                (acc * 10 + v) % 97
            }
        });
        if remainder != 1 {
            return bad(
                "IBAN non valido: le cifre di controllo non corrispondono (verificare di averlo copiato correttamente)",
                "Invalid IBAN: the check digits do not match (check it was copied correctly)",
            );
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::types::string_newtype_serde!(Iban);

/// Most reminder offsets a tenant may set, and the furthest ahead.
pub const MAX_REMINDERS: usize = 5;
pub const MAX_REMINDER_DAYS: u32 = 60;

/// The days before a due date on which reminders go out, largest first, no duplicates.
pub fn reminder_days(days: &[u32]) -> Result<Vec<u32>, DomainError> {
    let mut v: Vec<u32> = days.to_vec();
    v.sort_unstable_by(|a, b| b.cmp(a));
    v.dedup();
    if v.len() > MAX_REMINDERS || v.iter().any(|&d| d > MAX_REMINDER_DAYS) {
        return Err(DomainError::invalid(
            "reminder_days",
            format!(
                "Al massimo {MAX_REMINDERS} promemoria, ciascuno da 0 a {MAX_REMINDER_DAYS} giorni prima della scadenza"
            ),
            format!(
                "At most {MAX_REMINDERS} reminders, each 0 to {MAX_REMINDER_DAYS} days before the due date"
            ),
        ));
    }
    Ok(v)
}

/// The default reminders: a week and a day before each due date.
pub fn default_reminder_days() -> Vec<u32> {
    vec![7, 1]
}

/// The tenant's pagoPA settings, each checked. Notices are issued once the creditor's
/// fiscal code and the segregation code are set; positions are published to GPD once its
/// URL and key are set too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagopaConfig {
    pub creditor_fiscal_code: Option<CodiceFiscale>,
    pub segregation_code: Option<SegregationCode>,
    pub iban: Option<Iban>,
    pub poste_account: Option<PosteAccount>,
    pub cbill: Option<CbillCode>,
    pub gpd_url: Option<String>,
    pub checkout_url: Option<String>,
    pub reminder_days: Vec<u32>,
    /// The Provincia receiving the TEFA of TARI payments: set both or neither.
    pub tefa_fiscal_code: Option<CodiceFiscale>,
    pub tefa_iban: Option<Iban>,
    pub tefa_rate: TefaRate,
    /// FdR (Flussi di Rendicontazione) REST base URL.
    pub fdr_url: Option<String>,
}

impl Default for PagopaConfig {
    fn default() -> Self {
        Self {
            creditor_fiscal_code: None,
            segregation_code: None,
            iban: None,
            poste_account: None,
            cbill: None,
            gpd_url: None,
            checkout_url: None,
            reminder_days: default_reminder_days(),
            tefa_fiscal_code: None,
            tefa_iban: None,
            tefa_rate: TefaRate::STANDARD,
            fdr_url: None,
        }
    }
}

/// `PUT /settings` `pagopa`: send only what changes; a blank string clears a field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdatePagopaSettings {
    /// The ente's codice fiscale as creditor (11 digits).
    #[serde(default)]
    pub creditor_fiscal_code: Option<String>,
    /// Two digits, assigned by PagoPA.
    #[serde(default)]
    pub segregation_code: Option<String>,
    #[serde(default)]
    pub iban: Option<String>,
    /// Conto corrente postale: notices then carry the Poste DataMatrix.
    #[serde(default)]
    pub poste_account: Option<String>,
    #[serde(default)]
    pub cbill: Option<String>,
    /// GPD base URL, e.g. `https://api.platform.pagopa.it/gpd/debt-positions-service/v1`.
    #[serde(default)]
    pub gpd_url: Option<String>,
    /// Write-only: never shown again (`gpd_subscription_key_set` tells whether one is stored).
    #[serde(default)]
    pub gpd_subscription_key: Option<String>,
    /// pagoPA Checkout base URL, e.g. `https://api.platform.pagopa.it/checkout/ec/v1`.
    #[serde(default)]
    pub checkout_url: Option<String>,
    /// Days before each due date on which reminders go out, e.g. `[7, 1]`.
    #[serde(default)]
    pub reminder_days: Option<Vec<u32>>,
    /// The Provincia's codice fiscale (11 digits): TARI payments then carry a second
    /// transfer with its TEFA.
    #[serde(default)]
    pub tefa_fiscal_code: Option<String>,
    /// The Provincia's IBAN registered on pagoPA.
    #[serde(default)]
    pub tefa_iban: Option<String>,
    /// The TEFA rate in per cent, e.g. `5` or `4,5` (default 5).
    #[serde(default)]
    pub tefa_rate: Option<String>,
    /// FdR base URL (Flussi di Rendicontazione, REST), e.g.
    /// `https://api.platform.pagopa.it/fdr-org/service/v1`.
    #[serde(default)]
    pub fdr_url: Option<String>,
    /// Write-only: the subscription key of the FdR product (`fdr_subscription_key_set` tells
    /// whether one is stored).
    #[serde(default)]
    pub fdr_subscription_key: Option<String>,
}

/// A field of `pagopa`, reported as `pagopa.<name>`.
fn at(e: DomainError, field: &'static str) -> DomainError {
    match e {
        DomainError::Validation(errs) => DomainError::Validation(
            errs.into_iter()
                .map(|f| f.at(format!("pagopa.{field}")))
                .collect(),
        ),
        other => other,
    }
}

/// `Some(None)` clears, `Some(Some(v))` sets, `None` keeps.
#[allow(clippy::option_option)]
fn optional<T>(
    value: Option<&str>,
    field: &'static str,
    parse: impl Fn(&str) -> Result<T, DomainError>,
    errors: &mut Errors,
) -> Option<Option<T>> {
    let v = value?;
    if v.trim().is_empty() {
        return Some(None);
    }
    errors.check(parse(v).map_err(|e| at(e, field))).map(Some)
}

fn url_form(v: &str) -> Result<String, DomainError> {
    let v = v.trim();
    if v.len() > 500 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(DomainError::invalid(
            "url",
            "Indirizzo non valido (una riga, al massimo 500 caratteri)",
            "Invalid address (one line, at most 500 characters)",
        ));
    }
    Ok(v.trim_end_matches('/').to_owned())
}

/// A public body's codice fiscale: 11 digits, never a person's.
fn ente_fiscal_code(s: &str) -> Result<CodiceFiscale, DomainError> {
    let cf = CodiceFiscale::parse(s)?;
    if cf.is_personal() {
        return Err(DomainError::invalid(
            "fiscal_code",
            "Il codice fiscale dell'ente ha 11 cifre",
            "The body's tax code has 11 digits",
        ));
    }
    Ok(cf)
}

impl PagopaConfig {
    /// The settings after a partial update; every bad field is reported.
    pub fn apply(&self, u: &UpdatePagopaSettings) -> Result<Self, DomainError> {
        let mut errors = Errors::new();
        let mut next = self.clone();
        if let Some(v) = optional(
            u.creditor_fiscal_code.as_deref(),
            "creditor_fiscal_code",
            ente_fiscal_code,
            &mut errors,
        ) {
            next.creditor_fiscal_code = v;
        }
        if let Some(v) = optional(
            u.segregation_code.as_deref(),
            "segregation_code",
            SegregationCode::parse,
            &mut errors,
        ) {
            next.segregation_code = v;
        }
        if let Some(v) = optional(u.iban.as_deref(), "iban", Iban::parse, &mut errors) {
            next.iban = v;
        }
        if let Some(v) = optional(
            u.poste_account.as_deref(),
            "poste_account",
            PosteAccount::parse,
            &mut errors,
        ) {
            next.poste_account = v;
        }
        if let Some(v) = optional(u.cbill.as_deref(), "cbill", CbillCode::parse, &mut errors) {
            next.cbill = v;
        }
        if let Some(v) = optional(u.gpd_url.as_deref(), "gpd_url", url_form, &mut errors) {
            next.gpd_url = v;
        }
        if let Some(v) = optional(
            u.checkout_url.as_deref(),
            "checkout_url",
            url_form,
            &mut errors,
        ) {
            next.checkout_url = v;
        }
        if let Some(v) = optional(u.fdr_url.as_deref(), "fdr_url", url_form, &mut errors) {
            next.fdr_url = v;
        }
        if let Some(days) = &u.reminder_days
            && let Some(v) = errors.check(reminder_days(days).map_err(|e| at(e, "reminder_days")))
        {
            next.reminder_days = v;
        }
        if let Some(v) = optional(
            u.tefa_fiscal_code.as_deref(),
            "tefa_fiscal_code",
            ente_fiscal_code,
            &mut errors,
        ) {
            next.tefa_fiscal_code = v;
        }
        if let Some(v) = optional(
            u.tefa_iban.as_deref(),
            "tefa_iban",
            Iban::parse,
            &mut errors,
        ) {
            next.tefa_iban = v;
        }
        if let Some(v) = optional(
            u.tefa_rate.as_deref(),
            "tefa_rate",
            TefaRate::parse,
            &mut errors,
        ) {
            next.tefa_rate = v.unwrap_or(TefaRate::STANDARD);
        }
        // A pair is reported missing only when every field so far was valid: an invalid
        // value already has its message.
        if errors.is_empty() && next.tefa_fiscal_code.is_some() != next.tefa_iban.is_some() {
            let missing = if next.tefa_fiscal_code.is_some() {
                "pagopa.tefa_iban"
            } else {
                "pagopa.tefa_fiscal_code"
            };
            errors.push(FieldError::new(
                missing,
                "Per versare la TEFA alla Provincia servono sia il suo codice fiscale sia il suo IBAN",
                "Paying the TEFA to the Provincia needs both its tax code and its IBAN",
            ));
        }
        if next.segregation_code.is_some() != next.creditor_fiscal_code.is_some() {
            let missing = if next.segregation_code.is_some() {
                "pagopa.creditor_fiscal_code"
            } else {
                "pagopa.segregation_code"
            };
            errors.push(FieldError::new(
                missing,
                "Per emettere avvisi servono sia il codice fiscale dell'ente creditore sia il codice di segregazione",
                "Issuing notices needs both the creditor's tax code and the segregation code",
            ));
        }
        errors.finish()?;
        Ok(next)
    }

    /// The Provincia receiving the TEFA, when set.
    pub fn tefa(&self) -> Option<TefaBeneficiary> {
        Some(TefaBeneficiary {
            fiscal_code: self.tefa_fiscal_code.clone()?,
            iban: self.tefa_iban.clone()?,
            rate: self.tefa_rate,
        })
    }

    /// Notices can be issued: the creditor and the segregation code are known.
    pub fn issuer(&self) -> Option<(&CodiceFiscale, SegregationCode)> {
        Some((self.creditor_fiscal_code.as_ref()?, self.segregation_code?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans() {
        assert!(Iban::parse("IT60X0542811101000000123456").is_ok());
        assert_eq!(
            Iban::parse("it60 x054 2811 1010 0000 0123 456")
                .unwrap()
                .as_str(),
            "IT60X0542811101000000123456"
        );
        assert!(Iban::parse("GB82WEST12345698765432").is_ok());
        // One digit changed.
        assert!(Iban::parse("IT60X0542811101000000123457").is_err());
        assert!(Iban::parse("IT60X054281110100000012345").is_err());
        assert!(Iban::parse("").is_err());
    }

    #[test]
    fn partial_updates_and_fields() {
        let cfg = PagopaConfig::default()
            .apply(&UpdatePagopaSettings {
                creditor_fiscal_code: Some("15376371009".into()),
                segregation_code: Some("01".into()),
                reminder_days: Some(vec![1, 7, 7]),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(cfg.reminder_days, vec![7, 1]);
        assert!(cfg.issuer().is_some());
        let err = cfg
            .apply(&UpdatePagopaSettings {
                iban: Some("IT00X0542811101000000123456".into()),
                segregation_code: Some("100".into()),
                reminder_days: Some(vec![90]),
                ..Default::default()
            })
            .unwrap_err();
        let fields: Vec<&str> = err.field_errors().iter().map(|e| &*e.field).collect();
        assert_eq!(
            fields,
            [
                "pagopa.segregation_code",
                "pagopa.iban",
                "pagopa.reminder_days"
            ]
        );
        // A blank clears; the creditor cannot stay without the segregation code.
        let err = cfg
            .apply(&UpdatePagopaSettings {
                segregation_code: Some(String::new()),
                ..Default::default()
            })
            .unwrap_err();
        assert_eq!(err.field_errors()[0].field, "pagopa.segregation_code");
        let personal = PagopaConfig::default().apply(&UpdatePagopaSettings {
            creditor_fiscal_code: Some("RSSMRA80A01H501U".into()),
            segregation_code: Some("01".into()),
            ..Default::default()
        });
        assert_eq!(
            personal.unwrap_err().field_errors()[0].field,
            "pagopa.creditor_fiscal_code"
        );
    }
}
