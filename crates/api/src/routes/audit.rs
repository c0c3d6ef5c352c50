//! `/audit-log`: who changed what, when, with the state before and after.

use actix_web::{get, web};
use domain::api::{AuditEntry, Page, Problem};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use super::page_limit;
use crate::auth::AuthUser;
use crate::error::{ApiResult, blocking};
use crate::services::admin;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list);
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct ListQuery {
    cursor: Option<String>,
    limit: Option<u32>,
}

/// Audit entries, newest first (supervisors and administrators).
#[utoipa::path(
    operation_id = "list_audit_log",
    tag = "admin",
    security(("bearer" = [])),
    params(ListQuery),
    responses((status = 200, body = Page<AuditEntry>), (status = 401, body = Problem), (status = 403, body = Problem))
)]
#[get("/audit-log")]
async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<ListQuery>,
) -> ApiResult<web::Json<Page<AuditEntry>>> {
    let q = q.into_inner();
    blocking(move || admin::audit_log(&state, &user, q.cursor.as_deref(), page_limit(q.limit)))
        .await
        .map(web::Json)
}
