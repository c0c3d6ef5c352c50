//! Reconciliation of pagoPA payments (rendicontazione) as the API shows it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::pagopa::fdr::{BankOutcome, FlowSource, LineOutcome, PaymentResult};

/// How many single payments of a flow have each outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutcomeCounts {
    pub matched: u32,
    pub amount_mismatch: u32,
    pub unknown_iuv: u32,
    pub no_receipt: u32,
    pub unknown_transfer: u32,
    pub revoked: u32,
}

impl OutcomeCounts {
    pub fn add(&mut self, outcome: LineOutcome) {
        let n = match outcome {
            LineOutcome::Matched => &mut self.matched,
            LineOutcome::AmountMismatch => &mut self.amount_mismatch,
            LineOutcome::UnknownIuv => &mut self.unknown_iuv,
            LineOutcome::NoReceipt => &mut self.no_receipt,
            LineOutcome::UnknownTransfer => &mut self.unknown_transfer,
            LineOutcome::Revoked => &mut self.revoked,
        };
        *n += 1;
    }

    /// Lines that are not matched.
    pub fn issues(&self) -> u32 {
        self.amount_mismatch
            + self.unknown_iuv
            + self.no_receipt
            + self.unknown_transfer
            + self.revoked
    }
}

/// The bank statement line of a flow's transfer, as recorded, against the flow's total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BankLine {
    pub causale: String,
    /// Cents credited.
    pub amount: i64,
    pub date: Option<NaiveDate>,
    pub outcome: BankOutcome,
    /// Bank amount minus the flow's total, in cents.
    pub difference: i64,
    pub recorded_at: DateTime<Utc>,
}

/// A Flusso di Rendicontazione with how its payments compare with our receipts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReconciliationFlow {
    pub id: String,
    /// `identificativoFlusso`.
    #[cfg_attr(feature = "openapi", schema(example = "2026-11-30BCITITMM-S0001"))]
    pub flow_id: String,
    pub flow_at: DateTime<Utc>,
    /// `identificativoUnivocoRegolamento`: the SEPA transfer's reference.
    pub settlement_ref: String,
    pub settlement_date: NaiveDate,
    pub sender_id: String,
    pub sender_name: Option<String>,
    pub receiver_id: String,
    pub payment_count: u32,
    /// Cents.
    pub total_amount: i64,
    pub source: FlowSource,
    /// The FdR revision of a fetched flow.
    pub revision: Option<u32>,
    pub imported_at: DateTime<Utc>,
    pub counts: OutcomeCounts,
    pub bank: Option<BankLine>,
}

/// One single payment of a flow and how it compares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReconciliationLine {
    /// 1-based, in the flow's order.
    pub position: u32,
    pub iuv: String,
    /// `identificativoUnivocoRiscossione`: the receipt id.
    pub iur: String,
    pub transfer_index: u32,
    /// Cents reported.
    pub amount: i64,
    pub result: PaymentResult,
    pub result_date: NaiveDate,
    pub outcome: LineOutcome,
    /// Cents of our transfer, when one matches.
    pub expected_amount: Option<i64>,
    /// Our notice with this IUV.
    pub nav: Option<String>,
    pub act_id: Option<String>,
    pub instalment: Option<u32>,
}

/// The report of one flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReconciliationReport {
    pub flow: ReconciliationFlow,
    pub lines: Vec<ReconciliationLine>,
}

/// `POST /reconciliation/flows/{id}/bank`: the bank statement line of the flow's transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordBankLine {
    /// The causale as on the statement: `/PUR/LGPE-RIVERSAMENTO/URI/<flow id>` (also with
    /// `/TXT/<prog>/` before `/URI/`).
    #[cfg_attr(
        feature = "openapi",
        schema(example = "/PUR/LGPE-RIVERSAMENTO/URI/2026-11-30BCITITMM-S0001")
    )]
    pub causale: String,
    /// Cents credited.
    pub amount: i64,
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

/// A receipt of ours that no flow reports three working days after the payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MissingReceipt {
    pub receipt_id: String,
    pub nav: String,
    pub iuv: String,
    pub act_id: String,
    pub instalment: u32,
    pub amount: i64,
    pub psp: Option<String>,
    pub paid_on: NaiveDate,
    /// The last working day a flow was expected to report it by.
    pub report_due_by: NaiveDate,
}

/// `GET /reconciliation/missing`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MissingReceiptList {
    pub as_of: NaiveDate,
    pub items: Vec<MissingReceipt>,
}

/// A flow the FdR API lists that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FetchFailure {
    pub flow_id: String,
    pub reason: String,
}

/// `POST /reconciliation/fetch`: what reading the FdR API brought.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FetchResult {
    pub imported: Vec<ReconciliationFlow>,
    /// Flows already stored.
    pub already_stored: u32,
    pub failed: Vec<FetchFailure>,
}
