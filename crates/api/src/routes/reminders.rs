//! Payment messages of notices, for the tenant's staff ("was the citizen reminded?").
//! The citizen's own opt-outs are in `my_account` (`/me/reminder-preferences`).

use actix_web::{get, web};
use domain::api::{NoticeReminderList, Problem};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::error::{ApiResult, blocking};
use crate::services::pagopa::reminders;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(notice_reminders);
}

/// The payment messages of a notice (the App IO notice, the reminders before and after
/// its due date, per channel) and what became of each: planned, queued for its channel,
/// or skipped and why (staff).
#[utoipa::path(
    tag = "pagopa",
    security(("bearer" = [])),
    params(("nav" = String, Path, description = "Numero avviso, 18 digits", example = "301000000000012373")),
    responses(
        (status = 200, body = NoticeReminderList),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, description = "No notice of the tenant has this number", body = Problem),
        (status = 422, description = "Not a numero avviso, in `errors` as `nav`", body = Problem),
    )
)]
#[get("/notices/{nav}/reminders")]
async fn notice_reminders(
    state: web::Data<AppState>,
    user: AuthUser,
    nav: web::Path<String>,
) -> ApiResult<web::Json<NoticeReminderList>> {
    blocking(move || reminders::of_notice(&state, &user, &nav))
        .await
        .map(web::Json)
}
