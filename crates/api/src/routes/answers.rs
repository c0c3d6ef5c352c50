//! Answers before a request: `/public/answers` and the deflection count for visitors, the
//! suggestions beside a request and the deflection report for staff; the site search
//! (`/public/search`) and "Valuta questo servizio" (`/public/ratings`, its report).

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use domain::api::{Answer, DeflectionReport, Problem, RatingReport, RecordDeflection, SiteSearch};
use domain::rating::PageRating;
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::client::ClientInfo;
use crate::error::{ApiResult, blocking};
use crate::services::registry::Period;
use crate::services::{answers, page_ratings};
use crate::state::AppState;
use crate::tenancy::Tenant;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(search)
        .service(site_search)
        .service(rate_page)
        .service(rating_report)
        .service(deflection)
        .service(suggestions)
        .service(report);
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct AnswersQuery {
    /// The visitor's question, as typed (at most 300 characters are searched).
    q: String,
}

/// The best answers to a question from the FAQ, the published documents and the
/// Riciclabolario (at most five; none for an empty question).
#[utoipa::path(
    operation_id = "search_answers",
    tag = "public",
    params(AnswersQuery),
    responses((status = 200, description = "Answers, best first", body = Vec<Answer>))
)]
#[get("/public/answers")]
async fn search(
    state: web::Data<AppState>,
    tenant: Tenant,
    client: ClientInfo,
    q: web::Query<AnswersQuery>,
) -> ApiResult<HttpResponse> {
    state.limits.public_search.check(client.ip)?;
    let q = q.into_inner().q;
    let found = blocking(move || answers::public_answers(&state, &tenant, &q)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .json(found))
}

/// Count an answer that solved the visitor's question (no request filed).
#[utoipa::path(
    operation_id = "record_deflection",
    tag = "public",
    request_body = RecordDeflection,
    responses(
        (status = 204, description = "Counted"),
        (status = 422, description = "Unknown answer", body = Problem),
        (status = 429, description = "Too many from this address", body = Problem),
    )
)]
#[post("/public/answers/deflections")]
async fn deflection(
    state: web::Data<AppState>,
    tenant: Tenant,
    client: ClientInfo,
    body: web::Json<RecordDeflection>,
) -> ApiResult<HttpResponse> {
    state.limits.public_forms.check(client.ip)?;
    blocking(move || answers::record_deflection(&state, &tenant, &body)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// FAQ entries, documents and earlier replies of the caller's offices that may answer
/// this request (staff); a reply can be inserted as the answer.
#[utoipa::path(
    operation_id = "request_suggestions",
    tag = "requests",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Suggestions, best first", body = Vec<Answer>),
        (status = 403, description = "Not staff", body = Problem),
        (status = 404, description = "No such request", body = Problem),
    )
)]
#[get("/requests/{id}/suggestions")]
async fn suggestions(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Vec<Answer>>> {
    blocking(move || answers::suggestions(&state, &user, &id))
        .await
        .map(web::Json)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct PeriodQuery {
    /// First day (default: 1 January of this year).
    from: Option<NaiveDate>,
    /// Last day (default: today).
    to: Option<NaiveDate>,
}

/// Questions answered before a request was filed, per answer (staff).
#[utoipa::path(
    operation_id = "deflection_report",
    tag = "registry",
    security(("bearer" = [])),
    params(PeriodQuery),
    responses(
        (status = 200, description = "The period's count", body = DeflectionReport),
        (status = 403, description = "Not staff", body = Problem),
        (status = 422, description = "Invalid period", body = Problem),
    )
)]
#[get("/reports/deflections")]
async fn report(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<PeriodQuery>,
) -> ApiResult<web::Json<DeflectionReport>> {
    let q = q.into_inner();
    let period = Period::new(q.from, q.to)?;
    blocking(move || answers::deflection_report(&state, &user, period))
        .await
        .map(web::Json)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct SearchQuery {
    /// What the visitor typed (at most 300 characters are searched; empty finds nothing).
    #[serde(default)]
    q: String,
}

/// The site search: services and pages, then the FAQ and published documents, then the
/// Riciclabolario.
#[utoipa::path(
    operation_id = "search_site",
    tag = "public",
    params(SearchQuery),
    responses(
        (status = 200, description = "What was found, services first", body = SiteSearch),
        (status = 429, description = "Too many searches from this address", body = Problem),
    )
)]
#[get("/public/search")]
async fn site_search(
    state: web::Data<AppState>,
    tenant: Tenant,
    client: ClientInfo,
    q: web::Query<SearchQuery>,
) -> ApiResult<HttpResponse> {
    state.limits.public_search.check(client.ip)?;
    let q = q.into_inner().q;
    let found = blocking(move || answers::site_search(&state, &tenant, &q)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .json(found))
}

/// "Valuta questo servizio": a visitor's rating of a service's page or of a confirmation
/// (anonymous).
#[utoipa::path(
    operation_id = "rate_page",
    tag = "public",
    request_body(
        content = PageRating,
        example = json!({"page": "/servizi/tari_attivazione", "stars": 4, "aspects": ["clear"], "details": "Tutto chiaro"})
    ),
    responses(
        (status = 204, description = "Stored"),
        (status = 422, description = "A page without the block, stars outside 1–5, an answer not offered for them, details too long", body = Problem),
        (status = 429, description = "Too many from this address", body = Problem),
    )
)]
#[post("/public/ratings")]
async fn rate_page(
    state: web::Data<AppState>,
    tenant: Tenant,
    client: ClientInfo,
    body: web::Json<PageRating>,
) -> ApiResult<HttpResponse> {
    state.limits.public_forms.check(client.ip)?;
    blocking(move || page_ratings::record(&state, &tenant, &body)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// "Valuta questo servizio" over a period, per page, with the latest comments (staff).
#[utoipa::path(
    operation_id = "rating_report",
    tag = "registry",
    security(("bearer" = [])),
    params(PeriodQuery),
    responses(
        (status = 200, description = "The period's ratings", body = RatingReport),
        (status = 403, description = "Not staff", body = Problem),
        (status = 422, description = "Invalid period", body = Problem),
    )
)]
#[get("/reports/ratings")]
async fn rating_report(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<PeriodQuery>,
) -> ApiResult<web::Json<RatingReport>> {
    let q = q.into_inner();
    let period = Period::new(q.from, q.to)?;
    blocking(move || page_ratings::report(&state, &user, period))
        .await
        .map(web::Json)
}
