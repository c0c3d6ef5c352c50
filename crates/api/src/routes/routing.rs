//! `/routing-rules`: which office receives each TQRIF kind of request.

use actix_web::{get, put, web};
use domain::api::{Problem, RoutingRule};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::error::{ApiResult, blocking};
use crate::services::admin;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list).service(replace);
}

/// The routing rules (staff).
#[utoipa::path(
    operation_id = "list_routing_rules",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<RoutingRule>), (status = 401, body = Problem), (status = 403, body = Problem))
)]
#[get("/routing-rules")]
async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<Vec<RoutingRule>>> {
    blocking(move || admin::routing_rules(&state, &user))
        .await
        .map(web::Json)
}

/// Replace all routing rules (administrators); kinds left out are not routed.
#[utoipa::path(
    operation_id = "replace_routing_rules",
    tag = "admin",
    security(("bearer" = [])),
    request_body = Vec<RoutingRule>,
    responses(
        (status = 200, body = Vec<RoutingRule>),
        (status = 403, body = Problem),
        (status = 422, description = "Unknown office or repeated kind", body = Problem),
    )
)]
#[put("/routing-rules")]
async fn replace(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<Vec<RoutingRule>>,
) -> ApiResult<web::Json<Vec<RoutingRule>>> {
    blocking(move || admin::set_routing_rules(&state, &user, &body))
        .await
        .map(web::Json)
}
