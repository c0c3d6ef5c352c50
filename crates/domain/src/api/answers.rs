//! Answers before a request: `GET /public/answers`, the deflection count, and the
//! suggestions operators see beside a request.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::answers::{AnswerSource, SearchKind};

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

/// One result of the site search (`GET /public/search`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    pub kind: SearchKind,
    pub title: String,
    /// What it is, or the passage that matched.
    pub text: String,
    /// The page to open (a path of this site, or a document's file).
    pub url: String,
}

/// `GET /public/search?q=`: services and pages first, then the FAQ and documents, then
/// the Riciclabolario, each group best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteSearch {
    /// The question as searched (trimmed, cut at 300 characters).
    pub query: String,
    pub items: Vec<SearchHit>,
}

/// How often one follow-up answer of a rating was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AspectCount {
    pub aspect: crate::rating::RatingAspect,
    pub count: u64,
}

/// The ratings of one page over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PageRatingLine {
    /// The page's address (`/servizi/{code}`, `/nuova-richiesta`, …).
    pub page: String,
    /// The service's name, or the confirmation's.
    pub title: String,
    pub count: u64,
    /// Ratings of 1, 2, 3, 4 and 5 stars.
    pub stars: Vec<u64>,
    /// Most given first.
    pub aspects: Vec<AspectCount>,
}

impl PageRatingLine {
    /// The average stars in tenths (`42` is 4.2), rounded half up; 0 with no ratings.
    pub fn average_tenths(&self) -> u64 {
        let sum: u64 = self
            .stars
            .iter()
            .zip(1u64..)
            .map(|(n, stars)| n * stars)
            .sum();
        (sum * 10 + self.count / 2)
            .checked_div(self.count)
            .unwrap_or(0)
    }
}

/// A rating's own words, for the staff to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingComment {
    pub page: String,
    pub stars: u8,
    pub details: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// `GET /reports/ratings?from&to`: "Valuta questo servizio" over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub total: u64,
    /// Most rated first.
    pub pages: Vec<PageRatingLine>,
    /// The latest details written, newest first (at most 20).
    pub comments: Vec<RatingComment>,
}
