//! Public content: the transparency section, the Riciclabolario, and the answers shown
//! before a request is filed (with the "it solved my question" count), the site search
//! and "Valuta questo servizio".

use domain::api::{ComplianceSnapshot, SiteSearch, TransparencyPage, WasteItem};
use domain::rating::PageRating;
use gloo_net::http::Method;
use serde::{Deserialize, Serialize};

use super::{ApiResult, Body, call, get, get_list, query};

/// `GET /public/transparency`: every item, the desks, the separate collection and the
/// compliance of the previous year.
pub async fn transparency() -> ApiResult<TransparencyPage> {
    get("/public/transparency").await
}

/// The compliance snapshot of another year (404 when there is none).
pub async fn compliance(year: i32) -> ApiResult<ComplianceSnapshot> {
    get(&format!("/public/transparency/compliance/{year}")).await
}

/// The Riciclabolario: every item A–Z without `q`, the best matches first with it.
pub async fn riciclabolario(q: &str) -> ApiResult<Vec<WasteItem>> {
    get_list(&format!(
        "/public/riciclabolario{}",
        query(&[("q", q.trim())])
    ))
    .await
}

/// An answer as the request wizard shows it: `domain::api::Answer` without its score, a
/// float the portal never reads (parsing one would bring serde_json's float code into
/// the portal's first load; an ignored number is only skipped), and with its source as
/// the code, handed back as is in the deflection.
#[derive(Debug, Clone, Deserialize)]
pub struct AnswerHit {
    /// `faq`, `document`, `riciclabolario` (`domain::answers::AnswerSource`).
    pub source: String,
    pub id: String,
    pub title: String,
    pub text: String,
    pub url: Option<String>,
}

/// Answers already published for a question (at most five).
pub async fn answers(q: &str) -> ApiResult<Vec<AnswerHit>> {
    get_list(&format!("/public/answers{}", query(&[("q", q.trim())]))).await
}

/// `POST /public/answers/deflections` (`domain::api::RecordDeflection`).
#[derive(Serialize)]
struct Deflection<'a> {
    source: &'a str,
    id: &'a str,
}

/// The answer solved the question: no request was filed.
pub async fn record_deflection(source: &str, id: &str) -> ApiResult<()> {
    call(
        Method::POST,
        "/public/answers/deflections",
        Body::json(&Deflection { source, id }),
    )
    .await
}

/// `GET /public/search?q=`: services, pages, FAQ, documents and the Riciclabolario.
pub async fn site_search(q: &str) -> ApiResult<SiteSearch> {
    get(&format!("/public/search{}", query(&[("q", q.trim())]))).await
}

/// `POST /public/ratings`: a visitor's "Valuta questo servizio" (anonymous).
pub async fn rate_page(rating: &PageRating) -> ApiResult<()> {
    call(Method::POST, "/public/ratings", Body::json(rating)).await
}
