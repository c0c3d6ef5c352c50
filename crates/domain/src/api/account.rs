//! The taxpayer's account as the desk works it: a contribuente's file, imports from the
//! Comune's tax system and the instalment plan a rateizzazione request carries.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Act, Adjustment, Contribuente, Payment, PlanProposal, Utenza};
use crate::tax::import::ImportKind;

/// `GET /contribuenti/{id}`: the contribuente with everything recorded on them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContribuenteDetail {
    pub contribuente: Contribuente,
    pub utenze: Vec<Utenza>,
    /// By issue date.
    pub acts: Vec<Act>,
    /// By date.
    pub payments: Vec<Payment>,
    pub adjustments: Vec<Adjustment>,
}

/// The `data` part of `POST /imports`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateImport {
    pub kind: ImportKind,
    /// False (default): one invalid row and nothing is imported. True: the valid rows are
    /// imported and the invalid ones reported.
    #[serde(default)]
    pub skip_invalid: bool,
}

/// Where an import stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Waiting for a worker.
    Queued,
    /// Every row is being checked; nothing is written yet.
    Validating,
    /// Rows are being written, batch by batch.
    Applying,
    Completed,
    /// Refused: invalid rows (all-or-nothing), or a file that cannot be read.
    Failed,
}

impl ImportStatus {
    pub const ALL: [Self; 5] = [
        Self::Queued,
        Self::Validating,
        Self::Applying,
        Self::Completed,
        Self::Failed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Validating => "validating",
            Self::Applying => "applying",
            Self::Completed => "completed",
            Self::Failed => "failed",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether a worker still has something to do.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Queued | Self::Validating | Self::Applying)
    }
}

/// One invalid row of an import: the line of the file (the header is line 1), the column
/// and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRowError {
    pub line: u64,
    pub column: String,
    pub message: String,
}

/// An import and its report (`GET /imports/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportView {
    pub id: String,
    pub kind: ImportKind,
    pub filename: String,
    pub skip_invalid: bool,
    pub status: ImportStatus,
    /// 0–100, for a progress bar.
    pub percent: u8,
    /// Data rows in the file, once counted.
    pub total_rows: Option<u64>,
    /// Rows checked (validating) or written (applying) so far.
    pub processed_rows: u64,
    pub created: u64,
    pub updated: u64,
    /// Rows identical to what was already stored: importing a file again changes nothing.
    pub unchanged: u64,
    pub invalid: u64,
    /// Why the whole file was refused (a missing column, an unreadable file…).
    pub error: Option<String>,
    /// The first invalid rows; the full report is at `/imports/{id}/errors.csv`.
    pub errors: Vec<ImportRowError>,
    /// More invalid rows than listed in `errors`.
    pub errors_truncated: bool,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// Where the plan of a rateizzazione request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlanRequestStatus {
    /// Carried by the request, waiting for the office.
    Proposed,
    /// Applied to the act when the request was resolved.
    Granted,
}

impl PlanRequestStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::Granted => "granted",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Self::Proposed, Self::Granted]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// The plan a rateizzazione request carries (`GET /requests/{id}/plan`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanRequestView {
    pub request_id: String,
    pub act_id: String,
    pub status: PlanRequestStatus,
    /// As the citizen saw it when filing.
    pub proposal: PlanProposal,
    pub granted_at: Option<DateTime<Utc>>,
}
