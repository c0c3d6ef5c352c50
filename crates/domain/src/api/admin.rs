use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    InstalmentSettings, InterestSettings, PagopaSettings, UpdateInstalmentSettings,
    UpdateInterestSettings, UpdatePagopaSettings,
};
use crate::catalogue::RequestKind;
use crate::lifecycle::Role;

/// Tenant settings (`GET|PUT /settings`); PUT may send only the fields it changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Settings {
    pub name: String,
    pub fiscal_code: Option<String>,
    pub logo_url: Option<String>,
    /// `MM-DD`.
    pub patron_saint: Option<String>,
    pub closure_days: Vec<NaiveDate>,
    /// Per TQRIF kind: working days, or null for no standard. Kinds absent use defaults.
    pub standard_days: BTreeMap<RequestKind, Option<u32>>,
    /// TQRIF regulatory scheme, 1–4.
    pub tqrif_scheme: u8,
    /// Target % within standard for the register chart.
    pub target_percent: u8,
    /// Inhabitants: sets the weekly opening hours the desks must reach.
    pub population: Option<u32>,
    /// Default interest on the taxpayer's account: legal rates and points by act kind.
    pub interest: InterestSettings,
    /// Instalment plans (rateizzazione): brackets, minimum instalment, lapse.
    pub instalments: InstalmentSettings,
    /// pagoPA: creditor, notice numbers, GPD and Checkout, reminders.
    pub pagopa: PagopaSettings,
    /// Address, PEC, contacts and parent body shown in the portal's header and footer.
    #[serde(default)]
    pub contacts: super::TenantContacts,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateSettings {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub fiscal_code: Option<String>,
    #[serde(default)]
    pub logo_url: Option<String>,
    #[serde(default)]
    pub patron_saint: Option<String>,
    #[serde(default)]
    pub closure_days: Option<Vec<NaiveDate>>,
    #[serde(default)]
    pub standard_days: Option<BTreeMap<RequestKind, Option<u32>>>,
    #[serde(default)]
    pub tqrif_scheme: Option<u8>,
    #[serde(default)]
    pub target_percent: Option<u8>,
    #[serde(default)]
    pub population: Option<u32>,
    /// Only the parts sent change.
    #[serde(default)]
    pub interest: Option<UpdateInterestSettings>,
    /// Only the parts sent change.
    #[serde(default)]
    pub instalments: Option<UpdateInstalmentSettings>,
    /// Only the fields sent change.
    #[serde(default)]
    pub pagopa: Option<UpdatePagopaSettings>,
    /// Replaces all the contacts; blank or absent fields clear them.
    #[serde(default)]
    pub contacts: Option<super::TenantContacts>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Office {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveOffice {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
}

/// A staff or citizen account as administrators manage it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: String,
    pub role: Role,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub fiscal_code: Option<String>,
    pub office_ids: Vec<String>,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateUser {
    pub email: String,
    pub password: String,
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
    #[serde(default)]
    pub office_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateUser {
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub office_ids: Option<Vec<String>>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub password: Option<String>,
}

/// Requests of a TQRIF kind go to an office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoutingRule {
    pub kind: RequestKind,
    pub office_id: String,
}

/// An audit-log entry: who did what, when, with the before/after state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    /// The state before the change (an object), null for a creation.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub before: Option<serde_json::Value>,
    /// The state after the change (an object), null for a deletion.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub after: Option<serde_json::Value>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The client's address, for sign-ins, document views and downloads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
}
