//! Trasparenza rifiuti (TITR art. 3.1): `GET /public/transparency`, the administrators'
//! `PUT /settings/transparency/…`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Document, WeeklyRangeDto};
use crate::catalogue::RequestKind;
use crate::transparency::TitrItem;

/// A link of a transparency item: an `https://` address or a path of this site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransparencyLink {
    #[cfg_attr(feature = "openapi", schema(example = "Delibera ARERA 444/2019"))]
    pub label: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "https://www.arera.it/atti-e-provvedimenti/dettaglio/19/444-19")
    )]
    pub url: String,
}

/// `PUT /settings/transparency/items/{item}`: what an administrator writes for an item.
/// An item with no text, links or documents is shown as "in aggiornamento".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveTransparencySection {
    /// Plain text; blank lines separate paragraphs.
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub links: Vec<TransparencyLink>,
    /// Published documents (`GET /public/documents`) listed with the item.
    #[serde(default)]
    pub document_ids: Vec<String>,
}

/// One item of art. 3.1 as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransparencySection {
    pub item: TitrItem,
    /// The letter of TITR art. 3.1 the item answers.
    #[cfg_attr(feature = "openapi", schema(example = "a"))]
    pub letter: String,
    pub title: String,
    pub body: Option<String>,
    pub links: Vec<TransparencyLink>,
    pub documents: Vec<Document>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A desk and its weekly hours, from the agenda (item b).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransparencyDesk {
    pub name: String,
    pub office: String,
    pub address: Option<String>,
    /// Whether it receives in person, by video call or both (`in_person`, `video`, `both`).
    pub mode: String,
    pub weekly: Vec<WeeklyRangeDto>,
}

/// `PUT /settings/transparency/separate-collection/{year}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveSeparateCollection {
    /// Percentage of separate collection, 0–100, at most one decimal.
    #[cfg_attr(feature = "openapi", schema(example = 67.4))]
    pub percent: f64,
}

/// The separate-collection percentage of a year (TITR art. 3.1.h).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeparateCollectionYear {
    pub year: i32,
    pub percent: f64,
}

/// Compliance of one request kind with its TQRIF standard over a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplianceLine {
    /// `None` on the total line.
    pub kind: Option<RequestKind>,
    /// The standard, in working days.
    pub standard_days: Option<u32>,
    pub received: u64,
    pub resolved: u64,
    pub resolved_within_standard: u64,
    /// Share of the resolved requests answered within the standard (one decimal).
    pub percent_within_standard: Option<f64>,
}

/// "Standard generali di qualità e grado di rispetto" of a year (TITR art. 3.1.v),
/// computed from the register and kept as a snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplianceSnapshot {
    pub year: i32,
    pub computed_at: DateTime<Utc>,
    pub kinds: Vec<ComplianceLine>,
    pub total: ComplianceLine,
}

/// `GET /public/transparency`: the whole section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransparencyPage {
    pub tenant_name: String,
    pub sections: Vec<TransparencySection>,
    pub desks: Vec<TransparencyDesk>,
    /// The last three years entered, oldest first.
    pub separate_collection: Vec<SeparateCollectionYear>,
    /// The previous year's compliance, computed from the register.
    pub compliance: ComplianceSnapshot,
    /// Years with a stored snapshot (`GET /public/transparency/compliance/{year}`), newest first.
    pub compliance_years: Vec<i32>,
}
