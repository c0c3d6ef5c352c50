//! Trasparenza rifiuti (TITR art. 3.1): `/public/transparency` for anyone, and the
//! administrators' `/settings/transparency/…`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use domain::api::{
    ComplianceSnapshot, Problem, SaveSeparateCollection, SaveTransparencySection,
    SeparateCollectionYear, TransparencyPage, TransparencySection,
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::error::{ApiResult, blocking, request_lang};
use crate::services::transparency;
use crate::state::AppState;
use crate::tenancy::Tenant;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(page)
        .service(compliance)
        .service(save_section)
        .service(save_separate_collection)
        .service(delete_separate_collection)
        .service(recompute);
}

/// The whole transparency section: the items of TITR art. 3.1, the desks and their hours,
/// the separate collection of the last three years, and the previous year's compliance
/// with the TQRIF standards computed from the register.
#[utoipa::path(
    operation_id = "get_transparency",
    tag = "public",
    responses((status = 200, description = "The section", body = TransparencyPage))
)]
#[get("/public/transparency")]
async fn page(
    state: web::Data<AppState>,
    tenant: Tenant,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let lang = request_lang(&req);
    let page = blocking(move || transparency::page(&state, &tenant, lang)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .json(page))
}

/// A year's "Standard generali di qualità e grado di rispetto", as published.
#[utoipa::path(
    operation_id = "get_transparency_compliance",
    tag = "public",
    params(("year" = i32, Path, description = "Year of receipt")),
    responses(
        (status = 200, description = "The year's snapshot", body = ComplianceSnapshot),
        (status = 404, description = "No snapshot for that year", body = Problem),
    )
)]
#[get("/public/transparency/compliance/{year}")]
async fn compliance(
    state: web::Data<AppState>,
    tenant: Tenant,
    year: web::Path<i32>,
) -> ApiResult<web::Json<ComplianceSnapshot>> {
    let year = year.into_inner();
    blocking(move || transparency::compliance(&state, &tenant, year))
        .await
        .map(web::Json)
}

/// Write an item of the section: text, links, published documents (administrators).
#[utoipa::path(
    operation_id = "save_transparency_section",
    tag = "admin",
    security(("bearer" = [])),
    params(("item" = domain::transparency::TitrItem, Path, description = "The item")),
    request_body = SaveTransparencySection,
    responses(
        (status = 200, description = "The item as published", body = TransparencySection),
        (status = 403, description = "Not an administrator", body = Problem),
        (status = 404, description = "No such item", body = Problem),
        (status = 422, description = "Invalid text, link or document", body = Problem),
    )
)]
#[put("/settings/transparency/items/{item}")]
async fn save_section(
    state: web::Data<AppState>,
    user: AuthUser,
    item: web::Path<String>,
    req: HttpRequest,
    body: web::Json<SaveTransparencySection>,
) -> ApiResult<web::Json<TransparencySection>> {
    let lang = request_lang(&req);
    blocking(move || transparency::save_section(&state, &user, &item, &body, lang))
        .await
        .map(web::Json)
}

/// Enter a year's percentage of separate collection (administrators).
#[utoipa::path(
    operation_id = "save_separate_collection",
    tag = "admin",
    security(("bearer" = [])),
    params(("year" = i32, Path, description = "The year")),
    request_body = SaveSeparateCollection,
    responses(
        (status = 200, description = "The year's figure", body = SeparateCollectionYear),
        (status = 403, description = "Not an administrator", body = Problem),
        (status = 422, description = "Invalid year or percentage", body = Problem),
    )
)]
#[put("/settings/transparency/separate-collection/{year}")]
async fn save_separate_collection(
    state: web::Data<AppState>,
    user: AuthUser,
    year: web::Path<i32>,
    body: web::Json<SaveSeparateCollection>,
) -> ApiResult<web::Json<SeparateCollectionYear>> {
    let year = year.into_inner();
    blocking(move || transparency::save_separate_collection(&state, &user, year, &body))
        .await
        .map(web::Json)
}

/// Remove a year's percentage of separate collection (administrators).
#[utoipa::path(
    operation_id = "delete_separate_collection",
    tag = "admin",
    security(("bearer" = [])),
    params(("year" = i32, Path, description = "The year")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not an administrator", body = Problem),
        (status = 404, description = "No figure for that year", body = Problem),
    )
)]
#[delete("/settings/transparency/separate-collection/{year}")]
async fn delete_separate_collection(
    state: web::Data<AppState>,
    user: AuthUser,
    year: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    let year = year.into_inner();
    blocking(move || transparency::delete_separate_collection(&state, &user, year)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Compute a closed year's compliance again from the register and publish it
/// (administrators; after late corrections).
#[utoipa::path(
    operation_id = "recompute_transparency_compliance",
    tag = "admin",
    security(("bearer" = [])),
    params(("year" = i32, Path, description = "A closed year")),
    responses(
        (status = 200, description = "The new snapshot", body = ComplianceSnapshot),
        (status = 403, description = "Not an administrator", body = Problem),
        (status = 422, description = "Not a closed year", body = Problem),
    )
)]
#[post("/settings/transparency/compliance/{year}")]
async fn recompute(
    state: web::Data<AppState>,
    user: AuthUser,
    year: web::Path<i32>,
) -> ApiResult<web::Json<ComplianceSnapshot>> {
    let year = year.into_inner();
    blocking(move || transparency::recompute(&state, &user, year))
        .await
        .map(web::Json)
}
