//! `/faq`: administrators write the frequently asked questions shown under `/public/faq`.

use actix_web::{HttpResponse, delete, post, put, web};
use domain::api::{Faq, Problem, SaveFaq};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::error::{ApiResult, blocking};
use crate::services::content;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create).service(update).service(remove);
}

/// Add a question (administrators).
#[utoipa::path(
    operation_id = "create_faq",
    tag = "admin",
    security(("bearer" = [])),
    request_body = SaveFaq,
    responses((status = 201, body = Faq), (status = 403, body = Problem), (status = 422, body = Problem))
)]
#[post("/faq")]
async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<SaveFaq>,
) -> ApiResult<HttpResponse> {
    let faq = blocking(move || content::create_faq(&state, &user, &body)).await?;
    Ok(HttpResponse::Created().json(faq))
}

/// Rewrite a question (administrators).
#[utoipa::path(
    operation_id = "update_faq",
    tag = "admin",
    security(("bearer" = [])),
    request_body = SaveFaq,
    responses(
        (status = 200, body = Faq),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 422, body = Problem),
    )
)]
#[put("/faq/{id}")]
async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<SaveFaq>,
) -> ApiResult<web::Json<Faq>> {
    blocking(move || content::update_faq(&state, &user, &id, &body))
        .await
        .map(web::Json)
}

/// Remove a question (administrators).
#[utoipa::path(
    operation_id = "remove_faq",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem))
)]
#[delete("/faq/{id}")]
async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    blocking(move || content::delete_faq(&state, &user, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
