//! Public content: the transparency section, the Riciclabolario, and the answers shown
//! before a request is filed (with the "it solved my question" count).

use domain::api::{Answer, ComplianceSnapshot, RecordDeflection, TransparencyPage, WasteItem};
use gloo_net::http::Method;

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

/// Answers already published for a question (at most five).
pub async fn answers(q: &str) -> ApiResult<Vec<Answer>> {
    get_list(&format!("/public/answers{}", query(&[("q", q.trim())]))).await
}

/// The answer solved the question: no request was filed.
pub async fn record_deflection(body: &RecordDeflection) -> ApiResult<()> {
    call(
        Method::POST,
        "/public/answers/deflections",
        Body::json(body),
    )
    .await
}
