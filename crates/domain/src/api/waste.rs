//! The Riciclabolario: `GET /public/riciclabolario`, the administrators'
//! `/settings/riciclabolario`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::waste::{TakeTo, WasteFraction};

/// `POST /settings/riciclabolario`, `PUT /settings/riciclabolario/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveWasteItem {
    #[cfg_attr(feature = "openapi", schema(example = "Bottiglia di plastica"))]
    pub name: String,
    pub fraction: WasteFraction,
    /// The bin, when it is not the fraction's usual one (e.g. "Sacco giallo").
    #[serde(default)]
    pub bin: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// Where to bring it when no household bin takes it.
    #[serde(default)]
    pub take_to: Option<TakeTo>,
    /// Other names citizens search it by.
    #[serde(default)]
    pub synonyms: Vec<String>,
}

/// An item of the Riciclabolario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WasteItem {
    pub id: String,
    pub name: String,
    pub fraction: WasteFraction,
    /// The fraction's name in the caller's language.
    pub fraction_label: String,
    /// The bin: the item's own, else the fraction's usual one, if any.
    pub bin: Option<String>,
    pub notes: Option<String>,
    pub take_to: Option<TakeTo>,
    pub take_to_label: Option<String>,
    pub synonyms: Vec<String>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /settings/riciclabolario/import`: what a CSV import did. The import is all or
/// nothing: a file with any bad row is refused (422, each error naming `rows[N].column`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WasteImportReport {
    pub created: u32,
    /// Items whose name was already there, rewritten with the file's data.
    pub updated: u32,
}
