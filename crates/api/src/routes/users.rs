//! `/users`: staff accounts (and citizens) as administrators manage them.

use actix_web::{HttpResponse, get, patch, post, put, web};
use domain::api::{CreateUser, Page, Problem, UpdateUser, User};
use domain::lifecycle::Role;
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use super::page_limit;
use crate::auth::AuthUser;
use crate::client::ClientInfo;
use crate::error::{ApiResult, blocking};
use crate::services::{accounts, admin};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get_one)
        .service(update)
        .service(replace)
        .service(password_reset);
}

/// Mail the account (staff or citizen) a link to choose a new password, valid 30 minutes
/// (administrators). The current password keeps working until the link is used.
#[utoipa::path(
    operation_id = "reset_user_password",
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 202, description = "The link is on its way"),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "The account has no e-mail address", body = Problem),
        (status = 429, description = "Already sent three links in the last 30 minutes", body = Problem),
    )
)]
#[post("/users/{id}/password-reset")]
async fn password_reset(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    blocking(move || accounts::admin_reset(&state, &user, &client, &id)).await?;
    Ok(HttpResponse::Accepted().finish())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct ListQuery {
    /// Only this role.
    role: Option<Role>,
    /// Words to find in the name, e-mail or codice fiscale.
    q: Option<String>,
    cursor: Option<String>,
    limit: Option<u32>,
}

/// Accounts of the tenant in creation order (staff).
#[utoipa::path(
    operation_id = "list_users",
    tag = "admin",
    security(("bearer" = [])),
    params(ListQuery),
    responses((status = 200, body = Page<User>), (status = 401, body = Problem), (status = 403, body = Problem))
)]
#[get("/users")]
async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<ListQuery>,
) -> ApiResult<web::Json<Page<User>>> {
    let q = q.into_inner();
    blocking(move || {
        admin::list_users(
            &state,
            &user,
            q.role,
            q.q.as_deref(),
            q.cursor.as_deref(),
            page_limit(q.limit),
        )
    })
    .await
    .map(web::Json)
}

/// Create a staff account: operator, supervisor or admin (administrators).
#[utoipa::path(
    operation_id = "create_user",
    tag = "admin",
    security(("bearer" = [])),
    request_body = CreateUser,
    responses(
        (status = 201, body = User),
        (status = 403, body = Problem),
        (status = 409, description = "E-mail already used", body = Problem),
        (status = 422, body = Problem),
    )
)]
#[post("/users")]
async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<CreateUser>,
) -> ApiResult<HttpResponse> {
    let created = blocking(move || admin::create_user(&state, &user, &body)).await?;
    Ok(HttpResponse::Created().json(created))
}

/// One user of the tenant by id (staff).
#[utoipa::path(
    operation_id = "get_user",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = User), (status = 403, body = Problem), (status = 404, body = Problem))
)]
#[get("/users/{id}")]
async fn get_one(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<User>> {
    blocking(move || admin::get_user(&state, &user, &id))
        .await
        .map(web::Json)
}

/// Change role, offices, active flag or password (administrators). Deactivating or
/// resetting the password ends the account's sessions; administrators cannot deactivate
/// or demote themselves.
#[utoipa::path(
    operation_id = "update_user",
    tag = "admin",
    security(("bearer" = [])),
    request_body = UpdateUser,
    responses(
        (status = 200, body = User),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "Deactivating or demoting yourself", body = Problem),
        (status = 422, body = Problem),
    )
)]
#[patch("/users/{id}")]
async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<UpdateUser>,
) -> ApiResult<web::Json<User>> {
    blocking(move || admin::update_user(&state, &user, &id, &body))
        .await
        .map(web::Json)
}

/// Same as `PATCH /users/{id}` (only the fields sent change), for clients without PATCH.
#[utoipa::path(
    operation_id = "replace_user",
    tag = "admin",
    security(("bearer" = [])),
    request_body = UpdateUser,
    responses(
        (status = 200, body = User),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, body = Problem),
        (status = 422, body = Problem),
    )
)]
#[put("/users/{id}")]
async fn replace(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<UpdateUser>,
) -> ApiResult<web::Json<User>> {
    blocking(move || admin::update_user(&state, &user, &id, &body))
        .await
        .map(web::Json)
}
