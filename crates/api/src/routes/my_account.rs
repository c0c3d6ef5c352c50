//! The citizen's own taxpayer account ("La mia posizione"): the utenze, acts and payments
//! of the contribuente with their codice fiscale, the estratto conto and plan proposals.

use actix_web::{HttpRequest, HttpResponse, get, put, web};
use domain::api::{Act, Payment, PlanProposal, Problem, ReminderPreferences, Statement, Utenza};
use utoipa_actix_web::service_config::ServiceConfig;

use super::taxpayer::{AsOf, pdf_response};
use crate::auth::AuthUser;
use crate::error::{ApiResult, blocking, request_lang};
use crate::services::account::plans::{self, PlanQuery};
use crate::services::account::statement;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(my_utenze)
        .service(my_acts)
        .service(my_payments)
        .service(my_statement)
        .service(my_statement_pdf)
        .service(my_plan)
        .service(my_reminder_preferences)
        .service(put_my_reminder_preferences);
}

/// The caller's utenze (empty when no contribuente has their codice fiscale).
#[utoipa::path(
    tag = "taxpayer",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<Utenza>), (status = 401, body = Problem))
)]
#[get("/me/utenze")]
async fn my_utenze(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<Vec<Utenza>>> {
    blocking(move || statement::my_utenze(&state, &user))
        .await
        .map(web::Json)
}

/// The acts issued to the caller, by issue date.
#[utoipa::path(
    tag = "taxpayer",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<Act>), (status = 401, body = Problem))
)]
#[get("/me/acts")]
async fn my_acts(state: web::Data<AppState>, user: AuthUser) -> ApiResult<web::Json<Vec<Act>>> {
    blocking(move || statement::my_acts(&state, &user))
        .await
        .map(web::Json)
}

/// The payments recorded on the caller's acts, by date.
#[utoipa::path(
    tag = "taxpayer",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<Payment>), (status = 401, body = Problem))
)]
#[get("/me/payments")]
async fn my_payments(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<Vec<Payment>>> {
    blocking(move || statement::my_payments(&state, &user))
        .await
        .map(web::Json)
}

/// The caller's estratto conto as of a day: what each act asks, what was paid, the
/// residual, the default interest and what one more day adds.
#[utoipa::path(
    tag = "taxpayer",
    security(("bearer" = [])),
    params(AsOf),
    responses(
        (status = 200, body = Statement),
        (status = 401, body = Problem),
        (status = 404, description = "No contribuente has the caller's codice fiscale", body = Problem),
        (status = 409, body = Problem),
        (status = 422, body = Problem),
    )
)]
#[get("/me/statement")]
async fn my_statement(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<AsOf>,
) -> ApiResult<web::Json<Statement>> {
    let as_of = q.date()?;
    blocking(move || statement::of_me(&state, &user, as_of))
        .await
        .map(web::Json)
}

/// The caller's estratto conto as a printable PDF.
#[utoipa::path(
    tag = "taxpayer",
    security(("bearer" = [])),
    params(AsOf),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf"),
        (status = 401, body = Problem),
        (status = 404, body = Problem),
        (status = 409, body = Problem),
        (status = 422, body = Problem),
    )
)]
#[get("/me/statement.pdf")]
async fn my_statement_pdf(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<AsOf>,
) -> ApiResult<HttpResponse> {
    let as_of = q.date()?;
    let bytes = blocking(move || statement::pdf(&state, &user, None, as_of)).await?;
    Ok(pdf_response(bytes, "estratto-conto.pdf"))
}

/// The instalment plan the caller would get for one of their acts, starting today: the
/// monthly due dates and amounts, and whether TQRIF art. 27 entitles them to it. A plan
/// that cannot be offered is a 422 naming why.
#[utoipa::path(
    tag = "taxpayer",
    security(("bearer" = [])),
    params(PlanQuery),
    responses(
        (status = 200, body = PlanProposal),
        (status = 401, body = Problem),
        (status = 404, description = "Not one of the caller's acts", body = Problem),
        (status = 409, body = Problem),
        (status = 422, description = "No plan for this act or number of instalments, and why", body = Problem),
    )
)]
#[get("/me/acts/{id}/plan")]
async fn my_plan(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<String>,
    q: web::Query<PlanQuery>,
) -> ApiResult<web::Json<PlanProposal>> {
    let lang = request_lang(&req);
    blocking(move || plans::propose_mine(&state, &user, &id, &q, lang))
        .await
        .map(web::Json)
}

/// The channels on which the caller receives payment messages about their notices (the
/// notice on App IO, reminders before and after due dates): `false` means opted out. A
/// channel must also be chosen in the contact preferences (`/me/preferences`).
#[utoipa::path(
    tag = "pagopa",
    security(("bearer" = [])),
    responses((status = 200, body = ReminderPreferences), (status = 401, body = Problem))
)]
#[get("/me/reminder-preferences")]
async fn my_reminder_preferences(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<ReminderPreferences>> {
    blocking(move || crate::services::pagopa::reminders::preferences(&state, &user))
        .await
        .map(web::Json)
}

/// Opts the caller in or out of payment messages per channel.
#[utoipa::path(
    tag = "pagopa",
    security(("bearer" = [])),
    request_body = ReminderPreferences,
    responses(
        (status = 200, body = ReminderPreferences),
        (status = 422, description = "A channel missing, not true/false, or unknown", body = Problem),
        (status = 401, body = Problem),
    )
)]
#[put("/me/reminder-preferences")]
async fn put_my_reminder_preferences(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<ReminderPreferences>,
) -> ApiResult<web::Json<ReminderPreferences>> {
    blocking(move || crate::services::pagopa::reminders::save_preferences(&state, &user, &body))
        .await
        .map(web::Json)
}
