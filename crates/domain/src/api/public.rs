use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What the public pages need to know about the tenant (`GET /public/tenant`), including
/// its calendar so the SPA can show due dates before a request is filed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicTenant {
    pub id: String,
    pub name: String,
    pub logo_url: Option<String>,
    pub patron_saint: Option<String>,
    pub closure_days: Vec<NaiveDate>,
    /// Codice fiscale of the ente, for the footer.
    #[serde(default)]
    pub fiscal_code: Option<String>,
    /// The footer's and the slim header's details; each shown only when set.
    #[serde(default)]
    pub contacts: TenantContacts,
}

/// How citizens reach the ente, for the site's footer (Modello Comuni): every field is
/// optional, blank means "not set".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TenantContacts {
    /// The body the ente belongs to, named in the slim header (e.g. "Regione Lazio").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_body: Option<String>,
    /// Postal address of the seat, one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pec: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// E.164 once stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Partita IVA, 11 digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Document {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    pub url: String,
    pub published_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Faq {
    pub id: String,
    pub question: String,
    pub answer: String,
    pub category: Option<String>,
    pub position: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveFaq {
    pub question: String,
    pub answer: String,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub position: i32,
}

/// The `data` part of `POST /documents` (multipart, with a PDF `file`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveDocument {
    #[cfg_attr(feature = "openapi", schema(example = "Regolamento TARI"))]
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Free grouping label, e.g. `Regolamenti`, `Modulistica`.
    #[serde(default)]
    pub category: Option<String>,
    /// Display order, lowest first (default 0).
    #[serde(default)]
    pub position: Option<i32>,
}
