//! `/settings`: the tenant's name, calendar, standard days and TQRIF scheme.

use actix_web::{get, put, web};
use domain::api::{Problem, Settings, UpdateSettings};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::error::{ApiResult, blocking};
use crate::services::admin;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_settings).service(update_settings);
}

/// The tenant's settings (staff).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = Settings), (status = 401, body = Problem), (status = 403, body = Problem))
)]
#[get("/settings")]
async fn get_settings(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<Settings>> {
    blocking(move || admin::get_settings(&state, &user))
        .await
        .map(web::Json)
}

/// Change some settings (administrators): send only the fields that change; an empty
/// string clears `fiscal_code`, `logo_url` or `patron_saint`; `contacts` replaces all the
/// contacts (a blank or absent one is cleared).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    request_body = UpdateSettings,
    responses(
        (status = 200, body = Settings),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 422, description = "Invalid fields, each named in `errors`", body = Problem),
    )
)]
#[put("/settings")]
async fn update_settings(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<UpdateSettings>,
) -> ApiResult<web::Json<Settings>> {
    blocking(move || admin::update_settings(&state, &user, &body))
        .await
        .map(web::Json)
}
