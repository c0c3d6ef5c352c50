//! `/platform/tenants`: the platform's tenants (platform administrators only: accounts of
//! the default tenant listed as such; a tenant's administrators get 403).

use actix_web::{HttpResponse, get, patch, post, web};
use domain::api::{CreateTenant, CreatedTenant, PlatformTenant, Problem, UpdateTenant};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::error::{ApiResult, blocking};
use crate::services::platform;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(read)
        .service(update);
}

/// Every tenant of the platform with its host names, by slug (platform administrators).
#[utoipa::path(
    operation_id = "list_tenants",
    tag = "platform",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The tenants, by slug", body = Vec<PlatformTenant>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not a platform administrator", body = Problem),
    )
)]
#[get("/platform/tenants")]
async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<Vec<PlatformTenant>>> {
    blocking(move || platform::list_tenants(&state, &user))
        .await
        .map(web::Json)
}

/// Create a tenant with its host names, ready to use: the standard request types, offices
/// and routing, and optionally its first administrator (with a password, or invited by
/// e-mail to choose one). All or nothing; its host names answer at once on every node.
#[utoipa::path(
    operation_id = "create_tenant",
    tag = "platform",
    security(("bearer" = [])),
    request_body = CreateTenant,
    responses(
        (status = 201, description = "The tenant and its first administrator", body = CreatedTenant),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not a platform administrator", body = Problem),
        (status = 409, description = "The slug or a host name is taken (`errors` names the field)", body = Problem),
        (status = 422, description = "Invalid fields (slug, name, fiscal code, logo URL, host names, administrator)", body = Problem),
    )
)]
#[post("/platform/tenants")]
async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<CreateTenant>,
) -> ApiResult<HttpResponse> {
    let created = blocking(move || platform::create_tenant(&state, &user, &body)).await?;
    Ok(HttpResponse::Created().json(created))
}

/// One tenant with its host names (platform administrators).
#[utoipa::path(
    operation_id = "get_tenant",
    tag = "platform",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The tenant's id")),
    responses(
        (status = 200, description = "The tenant", body = PlatformTenant),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not a platform administrator", body = Problem),
        (status = 404, description = "No such tenant", body = Problem),
    )
)]
#[get("/platform/tenants/{id}")]
async fn read(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<PlatformTenant>> {
    blocking(move || platform::get_tenant(&state, &user, &id))
        .await
        .map(web::Json)
}

/// Change a tenant's name, fiscal code, logo, host names (the list is replaced) or switch
/// it off and on; only the fields sent change (platform administrators). A switched-off
/// tenant answers 404 on its host names; the default tenant cannot be switched off.
#[utoipa::path(
    operation_id = "update_tenant",
    tag = "platform",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The tenant's id")),
    request_body = UpdateTenant,
    responses(
        (status = 200, description = "The tenant as changed", body = PlatformTenant),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not a platform administrator", body = Problem),
        (status = 404, description = "No such tenant", body = Problem),
        (status = 409, description = "A host name belongs to another tenant (`errors` names it)", body = Problem),
        (status = 422, description = "Invalid fields", body = Problem),
    )
)]
#[patch("/platform/tenants/{id}")]
async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<UpdateTenant>,
) -> ApiResult<web::Json<PlatformTenant>> {
    blocking(move || platform::update_tenant(&state, &user, &id, &body))
        .await
        .map(web::Json)
}
