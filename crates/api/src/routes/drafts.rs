//! Drafts of new requests (`/me/drafts`), the citizen's own.

use actix_web::{HttpResponse, delete, get, put, web};
use domain::api::{Draft, Problem, SaveDraft};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::error::{ApiResult, blocking};
use crate::services::drafts;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(my_drafts)
        .service(save_draft)
        .service(delete_draft);
}

/// The caller's drafts of new requests, the most recently saved first (citizens).
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<Draft>),
        (status = 401, body = Problem),
        (status = 403, description = "Staff have no drafts", body = Problem),
    )
)]
#[get("/me/drafts")]
async fn my_drafts(state: web::Data<AppState>, user: AuthUser) -> ApiResult<web::Json<Vec<Draft>>> {
    blocking(move || drafts::list(&state, &user))
        .await
        .map(web::Json)
}

/// Saves the caller's draft of a request type, replacing the previous one. Only sizes are
/// checked: subject and description may be empty, the form's rules apply on filing, and
/// filing a request of the type deletes the draft.
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    params(("type_code" = String, Path, description = "A request-type code from `GET /request-types`")),
    request_body = SaveDraft,
    responses(
        (status = 200, body = Draft),
        (status = 401, body = Problem),
        (status = 403, description = "Staff have no drafts", body = Problem),
        (status = 404, description = "No active request type with this code", body = Problem),
        (status = 422, description = "A text too long, too many fields, or a value that is not text, number or true/false", body = Problem),
    )
)]
#[put("/me/drafts/{type_code}")]
async fn save_draft(
    state: web::Data<AppState>,
    user: AuthUser,
    type_code: web::Path<String>,
    body: web::Json<SaveDraft>,
) -> ApiResult<web::Json<Draft>> {
    blocking(move || drafts::save(&state, &user, &type_code, &body))
        .await
        .map(web::Json)
}

/// Deletes the caller's draft of a request type.
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    params(("type_code" = String, Path, description = "A request-type code")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = Problem),
        (status = 403, description = "Staff have no drafts", body = Problem),
        (status = 404, description = "No draft of this type", body = Problem),
    )
)]
#[delete("/me/drafts/{type_code}")]
async fn delete_draft(
    state: web::Data<AppState>,
    user: AuthUser,
    type_code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    blocking(move || drafts::delete(&state, &user, &type_code)).await?;
    Ok(HttpResponse::NoContent().finish())
}
