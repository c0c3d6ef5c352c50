//! pagoPA payment notices as the API shows them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::pagopa::{NoticeNumber, NoticeStatus, qr_payload};
use crate::types::{CodiceFiscale, Money};

pub use crate::pagopa::settings::UpdatePagopaSettings;

/// The tenant's pagoPA settings as `GET /settings` shows them (the GPD key never).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PagopaSettings {
    #[cfg_attr(feature = "openapi", schema(example = "15376371009"))]
    pub creditor_fiscal_code: Option<String>,
    #[cfg_attr(feature = "openapi", schema(example = "01"))]
    pub segregation_code: Option<String>,
    pub iban: Option<String>,
    pub poste_account: Option<String>,
    pub cbill: Option<String>,
    pub gpd_url: Option<String>,
    /// Whether a GPD subscription key is stored (it is write-only).
    pub gpd_subscription_key_set: bool,
    pub checkout_url: Option<String>,
    pub reminder_days: Vec<u32>,
    /// The Provincia receiving the TEFA of TARI payments (a second transfer).
    pub tefa_fiscal_code: Option<String>,
    pub tefa_iban: Option<String>,
    /// Per cent, Italian form (`5,00`).
    pub tefa_rate: String,
    /// FdR (Flussi di Rendicontazione) REST base URL.
    pub fdr_url: Option<String>,
    /// Whether an FdR subscription key is stored (it is write-only).
    pub fdr_subscription_key_set: bool,
}

impl PagopaSettings {
    pub fn from_config(c: &crate::pagopa::PagopaConfig, key_set: bool) -> Self {
        Self {
            creditor_fiscal_code: c
                .creditor_fiscal_code
                .as_ref()
                .map(|v| v.as_str().to_owned()),
            segregation_code: c.segregation_code.map(|v| v.to_string()),
            iban: c.iban.as_ref().map(|v| v.as_str().to_owned()),
            poste_account: c.poste_account.as_ref().map(|v| v.as_str().to_owned()),
            cbill: c.cbill.as_ref().map(|v| v.as_str().to_owned()),
            gpd_url: c.gpd_url.clone(),
            gpd_subscription_key_set: key_set,
            checkout_url: c.checkout_url.clone(),
            reminder_days: c.reminder_days.clone(),
            tefa_fiscal_code: c.tefa_fiscal_code.as_ref().map(|v| v.as_str().to_owned()),
            tefa_iban: c.tefa_iban.as_ref().map(|v| v.as_str().to_owned()),
            tefa_rate: c.tefa_rate.to_string(),
            fdr_url: c.fdr_url.clone(),
            fdr_subscription_key_set: false,
        }
    }
}

/// A receipt (ricevuta) of a notice paid through pagoPA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    pub id: String,
    /// pagoPA's receipt id (IUR).
    pub receipt_id: String,
    pub nav: String,
    pub act_id: String,
    pub instalment: u32,
    pub amount: i64,
    /// The payment service provider.
    pub psp: Option<String>,
    pub paid_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptList {
    pub items: Vec<Receipt>,
}

/// Where to send the citizen to pay a notice on pagoPA Checkout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckoutSession {
    pub redirect_url: String,
}

/// The notices of a citizen or of an act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeList {
    pub items: Vec<Notice>,
}

/// A notice for one instalment (`GET /me/notices`, `GET /acts/{id}/notices`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notice {
    /// Numero avviso, 18 digits.
    #[cfg_attr(feature = "openapi", schema(example = "301000000000012373"))]
    pub nav: String,
    #[cfg_attr(feature = "openapi", schema(example = "01000000000012373"))]
    pub iuv: String,
    pub act_id: String,
    /// The instalment's number on the act.
    pub instalment: u32,
    pub amount: i64,
    pub due_date: NaiveDate,
    pub status: NoticeStatus,
    /// What the notice's QR code encodes.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "PAGOPA|002|301000000000012373|15376371009|0000012000")
    )]
    pub qr_payload: String,
}

impl Notice {
    pub fn new(
        nav: &NoticeNumber,
        creditor: &CodiceFiscale,
        act_id: String,
        instalment: u32,
        amount: Money,
        due_date: NaiveDate,
        status: NoticeStatus,
    ) -> Result<Self, DomainError> {
        Ok(Self {
            nav: nav.as_str().to_owned(),
            iuv: nav.iuv().as_str().to_owned(),
            act_id,
            instalment,
            amount: amount.cents(),
            due_date,
            status,
            qr_payload: qr_payload(nav, creditor, amount)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pagopa::SegregationCode;

    #[test]
    fn notice_json() {
        let nav = NoticeNumber::generate(SegregationCode::new(1).unwrap(), 123).unwrap();
        let cf = CodiceFiscale::parse("15376371009").unwrap();
        let due = NaiveDate::from_ymd_opt(2025, 5, 31).unwrap();
        let n = Notice::new(
            &nav,
            &cf,
            "a1".into(),
            1,
            Money::from_cents(12_000),
            due,
            NoticeStatus::Unpaid,
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(&n).unwrap(),
            serde_json::json!({
                "nav": "301000000000012373", "iuv": "01000000000012373", "act_id": "a1",
                "instalment": 1, "amount": 12000, "due_date": "2025-05-31", "status": "unpaid",
                "qr_payload": "PAGOPA|002|301000000000012373|15376371009|0000012000"
            })
        );
    }
}

/// The channels on which a citizen receives payment messages (the notice on App IO,
/// reminders before and after due dates): `false` opts that channel out. A channel also
/// needs to be chosen in the contact preferences (`/me/preferences`).
/// `GET|PUT /me/reminder-preferences`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReminderPreferences {
    pub email: bool,
    pub sms: bool,
    pub app_io: bool,
}

/// One payment message of a notice and what became of it (staff,
/// `GET /notices/{nav}/reminders`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeReminder {
    /// `issued` (the App IO notice), `before` (days before the due date) or `after`.
    pub kind: crate::pagopa::reminders::ReminderKind,
    pub days: u32,
    pub channel: crate::delivery::DeliveryChannel,
    /// The due date it was planned for.
    pub due_date: NaiveDate,
    /// When it is (or was) due; an SMS held in the quiet hours shows 08:00.
    pub send_at: chrono::DateTime<chrono::Utc>,
    /// `planned`, `queued` (handed to its channel) or `skipped`.
    pub status: crate::pagopa::reminders::ReminderStatus,
    pub skip_reason: Option<crate::pagopa::reminders::SkipReason>,
}

/// `GET /notices/{nav}/reminders`, by time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeReminderList {
    pub items: Vec<NoticeReminder>,
}
