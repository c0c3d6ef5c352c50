//! `/offices`: Ufficio Tributi, Ufficio Tecnico, Gestore raccolta…

use actix_web::{HttpResponse, delete, get, post, put, web};
use domain::api::{Office, Problem, SaveOffice};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::error::{ApiResult, blocking};
use crate::services::admin;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(update)
        .service(remove);
}

/// The tenant's offices, by name (staff).
#[utoipa::path(
    operation_id = "list_offices",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<Office>), (status = 401, body = Problem), (status = 403, body = Problem))
)]
#[get("/offices")]
async fn list(state: web::Data<AppState>, user: AuthUser) -> ApiResult<web::Json<Vec<Office>>> {
    blocking(move || admin::list_offices(&state, &user))
        .await
        .map(web::Json)
}

/// Create an office (administrators).
#[utoipa::path(
    operation_id = "create_office",
    tag = "admin",
    security(("bearer" = [])),
    request_body = SaveOffice,
    responses(
        (status = 201, body = Office),
        (status = 403, body = Problem),
        (status = 409, description = "An office with this name exists", body = Problem),
        (status = 422, body = Problem),
    )
)]
#[post("/offices")]
async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<SaveOffice>,
) -> ApiResult<HttpResponse> {
    let office = blocking(move || admin::create_office(&state, &user, &body)).await?;
    Ok(HttpResponse::Created().json(office))
}

/// Rename an office or change its e-mail (administrators).
#[utoipa::path(
    operation_id = "update_office",
    tag = "admin",
    security(("bearer" = [])),
    request_body = SaveOffice,
    responses(
        (status = 200, body = Office),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, body = Problem),
        (status = 422, body = Problem),
    )
)]
#[put("/offices/{id}")]
async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<SaveOffice>,
) -> ApiResult<web::Json<Office>> {
    blocking(move || admin::update_office(&state, &user, &id, &body))
        .await
        .map(web::Json)
}

/// Delete an office that no request or routing rule points at (administrators).
#[utoipa::path(
    operation_id = "remove_office",
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 204),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "The office still has requests or routing rules", body = Problem),
    )
)]
#[delete("/offices/{id}")]
async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    blocking(move || admin::delete_office(&state, &user, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
