//! The platform's tenants, as platform administrators manage them
//! (`/api/v1/platform/tenants`).

use serde::{Deserialize, Serialize};

/// A tenant (Comune or TARI operator) with the host names it answers on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlatformTenant {
    pub id: String,
    /// Short identifier, unique on the platform.
    #[cfg_attr(feature = "openapi", schema(example = "comune-di-altrove"))]
    pub slug: String,
    #[cfg_attr(feature = "openapi", schema(example = "Comune di Altrove"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = "00123450678"))]
    pub fiscal_code: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "https://www.comune.altrove.it/logo.svg")
    )]
    pub logo_url: Option<String>,
    /// Host names (without port) whose requests belong to this tenant.
    #[cfg_attr(feature = "openapi", schema(example = json!(["sportello.comune.altrove.it"])))]
    pub hosts: Vec<String>,
    /// An inactive tenant answers 404 on its host names.
    pub active: bool,
    /// The tenant of every unmapped host name (and of the platform administrators).
    pub is_default: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The first administrator of a new tenant: with a password, or invited by e-mail (a link
/// to choose the password, as for a forgotten one) when `password` is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FirstAdmin {
    #[cfg_attr(feature = "openapi", schema(example = "segreteria@comune.altrove.it"))]
    pub email: String,
    #[serde(default)]
    pub password: Option<String>,
}

/// `POST /platform/tenants`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "slug": "comune-di-altrove",
    "name": "Comune di Altrove",
    "fiscal_code": "00123450678",
    "logo_url": "https://www.comune.altrove.it/logo.svg",
    "hosts": ["sportello.comune.altrove.it"],
    "admin": {"email": "segreteria@comune.altrove.it"}
})))]
pub struct CreateTenant {
    /// 2 to 40 lowercase letters, digits and hyphens, starting with a letter.
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub fiscal_code: Option<String>,
    /// An `https://` (or `http://`) URL, or a path on this server.
    #[serde(default)]
    pub logo_url: Option<String>,
    /// 1 to 20 host names, none of them another tenant's.
    pub hosts: Vec<String>,
    #[serde(default)]
    pub admin: Option<FirstAdmin>,
}

/// The administrator created with a tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedAdmin {
    pub id: String,
    pub email: String,
    /// An e-mail with a link to choose the password was queued.
    pub invited: bool,
}

/// The answer to `POST /platform/tenants`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedTenant {
    pub tenant: PlatformTenant,
    pub admin: Option<CreatedAdmin>,
}

/// `PATCH /platform/tenants/{id}`: only the fields sent change. `hosts` replaces the list;
/// a blank `fiscal_code` or `logo_url` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "hosts": ["sportello.comune.altrove.it", "servizi.comune.altrove.it"],
    "active": true
})))]
pub struct UpdateTenant {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub fiscal_code: Option<String>,
    #[serde(default)]
    pub logo_url: Option<String>,
    #[serde(default)]
    pub hosts: Option<Vec<String>>,
    #[serde(default)]
    pub active: Option<bool>,
}
