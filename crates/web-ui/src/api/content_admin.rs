//! The console's side of the public content: administrators write the transparency
//! section and the Riciclabolario (with its CSV import); operators read the answers
//! suggested for a request and how many questions the answers solved.

use domain::api::{
    Answer, ComplianceSnapshot, DeflectionReport, Document, SaveSeparateCollection,
    SaveTransparencySection, SaveWasteItem, SeparateCollectionYear, TransparencyPage,
    TransparencySection, WasteImportReport, WasteItem,
};
use domain::transparency::TitrItem;
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use web_sys::RequestCache;

use super::{
    ApiError, ApiResult, Body, call, decode, enc, get, get_list, lang_tag, query, refresh,
    session_lost, token, url,
};

/// A public read as it is now: the public content is sent with `max-age`, and the
/// console shows what was just written (`no-cache` asks the server again).
async fn get_fresh<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    let response = RequestBuilder::new(&url(path))
        .method(Method::GET)
        .header("Accept", "application/json, application/problem+json")
        .header("Accept-Language", lang_tag())
        .cache(RequestCache::NoCache)
        .build()
        .map_err(|e| ApiError::Network(e.to_string()))?
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    decode(response).await
}

/// `GET /public/transparency`, fresh.
pub async fn transparency() -> ApiResult<TransparencyPage> {
    get_fresh("/public/transparency").await
}

/// `GET /public/riciclabolario[?q=]`, fresh.
pub async fn riciclabolario(q: &str) -> ApiResult<Vec<WasteItem>> {
    get_fresh(&format!(
        "/public/riciclabolario{}",
        query(&[("q", q.trim())])
    ))
    .await
}

/// `GET /public/documents`, fresh (a document just uploaded is listed).
pub async fn documents() -> ApiResult<Vec<Document>> {
    get_fresh("/public/documents").await
}

/// `PUT /settings/transparency/items/{item}`.
pub async fn save_transparency_item(
    item: TitrItem,
    body: &SaveTransparencySection,
) -> ApiResult<TransparencySection> {
    call(
        Method::PUT,
        &format!("/settings/transparency/items/{}", item.code()),
        Body::json(body),
    )
    .await
}

/// `PUT /settings/transparency/separate-collection/{year}`.
pub async fn save_separate_collection(
    year: i32,
    body: &SaveSeparateCollection,
) -> ApiResult<SeparateCollectionYear> {
    call(
        Method::PUT,
        &format!("/settings/transparency/separate-collection/{year}"),
        Body::json(body),
    )
    .await
}

/// `DELETE /settings/transparency/separate-collection/{year}` (204).
pub async fn delete_separate_collection(year: i32) -> ApiResult<()> {
    call(
        Method::DELETE,
        &format!("/settings/transparency/separate-collection/{year}"),
        Body::Empty,
    )
    .await
}

/// `POST /settings/transparency/compliance/{year}`: a closed year computed again.
pub async fn recompute_compliance(year: i32) -> ApiResult<ComplianceSnapshot> {
    call(
        Method::POST,
        &format!("/settings/transparency/compliance/{year}"),
        Body::Empty,
    )
    .await
}

pub async fn create_waste_item(body: &SaveWasteItem) -> ApiResult<WasteItem> {
    call(Method::POST, "/settings/riciclabolario", Body::json(body)).await
}

pub async fn update_waste_item(id: &str, body: &SaveWasteItem) -> ApiResult<WasteItem> {
    call(
        Method::PUT,
        &format!("/settings/riciclabolario/{}", enc(id)),
        Body::json(body),
    )
    .await
}

pub async fn delete_waste_item(id: &str) -> ApiResult<()> {
    call(
        Method::DELETE,
        &format!("/settings/riciclabolario/{}", enc(id)),
        Body::Empty,
    )
    .await
}

async fn send_csv(path: &str, csv: &str) -> ApiResult<Response> {
    let mut builder = RequestBuilder::new(&url(path))
        .method(Method::POST)
        .header("Accept", "application/json, application/problem+json")
        .header("Accept-Language", lang_tag())
        .header("Content-Type", "text/csv; charset=utf-8");
    if let Some(token) = token() {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    builder
        .body(csv.to_owned())
        .map_err(|e| ApiError::Network(e.to_string()))?
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))
}

/// `POST /settings/riciclabolario/import` with the file's text as `text/csv`; all or
/// nothing (422 with `rows[N].column` errors). Refreshes the session once on a 401.
pub async fn import_waste_csv(csv: &str) -> ApiResult<WasteImportReport> {
    const PATH: &str = "/settings/riciclabolario/import";
    let mut response = send_csv(PATH, csv).await?;
    if response.status() == 401 && refresh().await {
        response = send_csv(PATH, csv).await?;
        if response.status() == 401 {
            session_lost();
        }
    }
    decode(response).await
}

/// `GET /requests/{id}/suggestions`: answers that may fit the request (staff).
pub async fn suggestions(request_id: &str) -> ApiResult<Vec<Answer>> {
    get_list(&format!("/requests/{}/suggestions", enc(request_id))).await
}

/// `GET /reports/deflections?from&to` (dates as `YYYY-MM-DD`).
pub async fn deflections(from: &str, to: &str) -> ApiResult<DeflectionReport> {
    get(&format!(
        "/reports/deflections{}",
        query(&[("from", from), ("to", to)])
    ))
    .await
}

/// `GET /reports/ratings?from&to`: "Valuta questo servizio" over a period.
pub async fn ratings(from: &str, to: &str) -> ApiResult<domain::api::RatingReport> {
    get(&format!(
        "/reports/ratings{}",
        query(&[("from", from), ("to", to)])
    ))
    .await
}
