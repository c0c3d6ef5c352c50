//! Answers before a request: `GET /public/answers`, the deflection count, and the
//! suggestions operators see beside a request.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::answers::AnswerSource;

/// One answer found for a question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Answer {
    pub source: AnswerSource,
    /// The FAQ entry, document, Riciclabolario item or request it comes from.
    pub id: String,
    pub title: String,
    /// The answer's text (a FAQ answer, a reply), or a passage of the document.
    pub text: String,
    /// Where to read more, when there is a page for it.
    pub url: Option<String>,
    /// Relevance, higher is better; comparable only within one answer list.
    pub score: f32,
}

/// `POST /public/answers/deflections`: the answer solved the visitor's question, so no
/// request was filed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordDeflection {
    pub source: AnswerSource,
    pub id: String,
}

/// Questions answered before filing, per answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeflectionLine {
    pub source: AnswerSource,
    pub id: String,
    pub title: String,
    pub count: u64,
}

/// `GET /reports/deflections?from&to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeflectionReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub total: u64,
    /// Most used first.
    pub answers: Vec<DeflectionLine>,
}
