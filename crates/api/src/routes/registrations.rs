//! `/registrations`: operators check identity documents and approve or reject.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use domain::api::{Page, Problem, Registration, RegistrationStatus, RejectRegistration};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use super::page_limit;
use crate::auth::AuthUser;
use crate::client::ClientInfo;
use crate::error::{ApiResult, blocking};
use crate::services::registrations;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(get_one)
        .service(document)
        .service(approve)
        .service(reject);
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct ListQuery {
    /// `pending` (default: all).
    status: Option<RegistrationStatus>,
    cursor: Option<String>,
    limit: Option<u32>,
}

/// Registrations, oldest first.
#[utoipa::path(
    tag = "registrations",
    security(("bearer" = [])),
    params(ListQuery),
    responses((status = 200, body = Page<Registration>), (status = 401, body = Problem), (status = 403, body = Problem))
)]
#[get("/registrations")]
async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<ListQuery>,
) -> ApiResult<web::Json<Page<Registration>>> {
    let q = q.into_inner();
    blocking(move || {
        registrations::list(
            &state,
            &user,
            q.status,
            q.cursor.as_deref(),
            page_limit(q.limit),
        )
    })
    .await
    .map(web::Json)
}

#[utoipa::path(
    tag = "registrations",
    security(("bearer" = [])),
    responses((status = 200, body = Registration), (status = 404, body = Problem))
)]
#[get("/registrations/{id}")]
async fn get_one(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Registration>> {
    blocking(move || registrations::get(&state, &user, &id))
        .await
        .map(web::Json)
}

/// The identity document, inline.
#[utoipa::path(
    tag = "registrations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "PDF, JPEG or PNG", content(("application/pdf"), ("image/jpeg"), ("image/png"))),
        (status = 404, body = Problem)
    )
)]
#[get("/registrations/{id}/document")]
async fn document(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (bytes, content_type, filename) =
        blocking(move || registrations::document(&state, &user, &client, &id)).await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            super::inline_disposition(&filename),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(bytes))
}

#[utoipa::path(
    tag = "registrations",
    security(("bearer" = [])),
    responses((status = 200, body = Registration), (status = 404, body = Problem), (status = 409, body = Problem))
)]
#[post("/registrations/{id}/approve")]
async fn approve(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Registration>> {
    blocking(move || registrations::review(&state, &user, &id, true, None))
        .await
        .map(web::Json)
}

#[utoipa::path(
    tag = "registrations",
    security(("bearer" = [])),
    request_body = RejectRegistration,
    responses((status = 200, body = Registration), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem))
)]
#[post("/registrations/{id}/reject")]
async fn reject(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<RejectRegistration>,
) -> ApiResult<web::Json<Registration>> {
    blocking(move || registrations::review(&state, &user, &id, false, Some(&body.reason)))
        .await
        .map(web::Json)
}
