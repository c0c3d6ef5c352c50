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
    operation_id = "list_registrations",
    tag = "registrations",
    security(("bearer" = [])),
    params(ListQuery),
    responses((status = 200, description = "A page of registrations, oldest first, with the cursor of the next page", body = Page<Registration>), (status = 401, description = "Not signed in", body = Problem), (status = 403, description = "Operators only", body = Problem))
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

/// One registration awaiting or past its identity check (operators).
#[utoipa::path(
    operation_id = "get_registration",
    tag = "registrations",
    security(("bearer" = [])),
    responses((status = 200, description = "The registration", body = Registration), (status = 404, description = "No such registration in this tenant", body = Problem))
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
        (status = 404, description = "No such registration in this tenant", body = Problem)
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

/// Approve a registration: the citizen can sign in (operators).
#[utoipa::path(
    tag = "registrations",
    security(("bearer" = [])),
    responses((status = 200, description = "The registration, approved", body = Registration), (status = 404, description = "No such registration in this tenant", body = Problem), (status = 409, description = "Already approved or rejected", body = Problem))
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

/// Reject a registration, giving the reason (operators).
#[utoipa::path(
    tag = "registrations",
    security(("bearer" = [])),
    request_body = RejectRegistration,
    responses((status = 200, description = "The registration, rejected", body = Registration), (status = 404, description = "No such registration in this tenant", body = Problem), (status = 409, description = "Already approved or rejected", body = Problem), (status = 422, description = "The reason is missing or too long", body = Problem))
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
