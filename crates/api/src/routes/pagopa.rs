//! pagoPA payment notices: the citizen's own (`/me/notices`) and the tenant's for its staff
//! (`/notices/{nav}`, `/acts/{id}/notices`). A numero avviso that cannot be one (length,
//! first digit, check digits) is a 422 naming `nav`; one of somebody else is a 404.

use actix_web::{HttpResponse, get, post, web};
use domain::api::{CheckoutSession, Notice, NoticeList, Problem, ReceiptList};
use utoipa_actix_web::service_config::ServiceConfig;

use super::taxpayer::pdf_response;
use crate::auth::AuthUser;
use crate::error::{ApiResult, blocking};
use crate::services::pagopa::{checkout as pay, notices};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    // The `.pdf` paths first: `{nav}` alone would match them too.
    cfg.service(my_notices)
        .service(my_notice_pdf)
        .service(my_notice)
        .service(act_notices)
        .service(notice_pdf)
        .service(notice)
        .service(checkout)
        .service(my_receipts)
        .service(my_receipt_pdf);
}

/// The caller's payment notices, one per instalment still or once asking for money,
/// by due date (empty when no contribuente has the caller's codice fiscale).
#[utoipa::path(
    tag = "pagopa",
    security(("bearer" = [])),
    responses((status = 200, body = NoticeList), (status = 401, body = Problem))
)]
#[get("/me/notices")]
async fn my_notices(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<NoticeList>> {
    blocking(move || notices::my_notices(&state, &user))
        .await
        .map(web::Json)
}

/// "Verifica un pagamento": one of the caller's notices by its numero avviso (spaces and
/// dashes ignored) and its state.
#[utoipa::path(
    tag = "pagopa",
    security(("bearer" = [])),
    params(("nav" = String, Path, description = "Numero avviso, 18 digits", example = "301000000000012373")),
    responses(
        (status = 200, body = Notice),
        (status = 401, body = Problem),
        (status = 404, description = "No notice of the caller has this number", body = Problem),
        (status = 422, description = "Not a numero avviso (length, first digit or check digits), in `errors` as `nav`", body = Problem),
    )
)]
#[get("/me/notices/{nav}")]
async fn my_notice(
    state: web::Data<AppState>,
    user: AuthUser,
    nav: web::Path<String>,
) -> ApiResult<web::Json<Notice>> {
    blocking(move || notices::get(&state, &user, &nav, false))
        .await
        .map(web::Json)
}

/// The notices of an act, one per instalment (staff).
#[utoipa::path(
    tag = "pagopa",
    security(("bearer" = [])),
    responses(
        (status = 200, body = NoticeList),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
    )
)]
#[get("/acts/{id}/notices")]
async fn act_notices(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<NoticeList>> {
    blocking(move || notices::of_act(&state, &user, &id))
        .await
        .map(web::Json)
}

/// Any notice of the tenant by its numero avviso, with its state (staff).
#[utoipa::path(
    tag = "pagopa",
    security(("bearer" = [])),
    params(("nav" = String, Path, description = "Numero avviso, 18 digits", example = "301000000000012373")),
    responses(
        (status = 200, body = Notice),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, description = "No notice of the tenant has this number", body = Problem),
        (status = 422, description = "Not a numero avviso, in `errors` as `nav`", body = Problem),
    )
)]
#[get("/notices/{nav}")]
async fn notice(
    state: web::Data<AppState>,
    user: AuthUser,
    nav: web::Path<String>,
) -> ApiResult<web::Json<Notice>> {
    blocking(move || notices::get(&state, &user, &nav, true))
        .await
        .map(web::Json)
}

fn pdf_name(nav: &str) -> String {
    format!("avviso-{}.pdf", nav.replace([' ', '-'], ""))
}

/// The caller's notice as the printable avviso di pagamento (pagoPA template v3): a QR code
/// per instalment still to pay and, when the ente has a conto postale, the Poste DataMatrix.
#[utoipa::path(
    tag = "pagopa",
    security(("bearer" = [])),
    params(("nav" = String, Path, description = "Numero avviso, 18 digits", example = "301000000000012373")),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf"),
        (status = 401, body = Problem),
        (status = 404, description = "No notice of the caller has this number", body = Problem),
        (status = 409, description = "The notice is cancelled", body = Problem),
        (status = 422, description = "Not a numero avviso, in `errors` as `nav`", body = Problem),
    )
)]
#[get("/me/notices/{nav}.pdf")]
async fn my_notice_pdf(
    state: web::Data<AppState>,
    user: AuthUser,
    nav: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let name = pdf_name(&nav);
    let bytes = blocking(move || notices::pdf(&state, &user, &nav, false)).await?;
    Ok(pdf_response(bytes, &name))
}

/// Any notice of the tenant as the printable avviso di pagamento (staff).
#[utoipa::path(
    tag = "pagopa",
    security(("bearer" = [])),
    params(("nav" = String, Path, description = "Numero avviso, 18 digits", example = "301000000000012373")),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf"),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, description = "No notice of the tenant has this number", body = Problem),
        (status = 409, description = "The notice is cancelled", body = Problem),
        (status = 422, description = "Not a numero avviso, in `errors` as `nav`", body = Problem),
    )
)]
#[get("/notices/{nav}.pdf")]
async fn notice_pdf(
    state: web::Data<AppState>,
    user: AuthUser,
    nav: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let name = pdf_name(&nav);
    let bytes = blocking(move || notices::pdf(&state, &user, &nav, true)).await?;
    Ok(pdf_response(bytes, &name))
}

/// "Paga con pagoPA": opens a pagoPA Checkout session for one of the caller's unpaid
/// notices; send the citizen to `redirect_url`. Checkout brings them back to the portal with
/// the outcome, and the receipt arrives from GPD.
#[utoipa::path(
    tag = "pagopa",
    security(("bearer" = [])),
    params(("nav" = String, Path, description = "Numero avviso, 18 digits", example = "301000000000012373")),
    responses(
        (status = 200, body = CheckoutSession),
        (status = 401, body = Problem),
        (status = 404, description = "No notice of the caller has this number", body = Problem),
        (status = 409, description = "Paid or cancelled, or online payment not enabled", body = Problem),
        (status = 422, description = "Not a numero avviso, in `errors` as `nav`", body = Problem),
        (status = 503, description = "pagoPA Checkout did not answer", body = Problem),
    )
)]
#[post("/me/notices/{nav}/checkout")]
async fn checkout(
    state: web::Data<AppState>,
    user: AuthUser,
    nav: web::Path<String>,
) -> ApiResult<web::Json<CheckoutSession>> {
    pay::start(state, user, &nav).await.map(web::Json)
}

/// The receipts of the caller's notices paid through pagoPA, newest first.
#[utoipa::path(
    tag = "pagopa",
    security(("bearer" = [])),
    responses((status = 200, body = ReceiptList), (status = 401, body = Problem))
)]
#[get("/me/receipts")]
async fn my_receipts(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<ReceiptList>> {
    blocking(move || pay::my_receipts(&state, &user))
        .await
        .map(web::Json)
}

/// One of the caller's receipts as a PDF (ricevuta liberatoria).
#[utoipa::path(
    tag = "pagopa",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf"),
        (status = 401, body = Problem),
        (status = 404, body = Problem),
    )
)]
#[get("/me/receipts/{id}.pdf")]
async fn my_receipt_pdf(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let bytes = blocking(move || pay::receipt_pdf(&state, &user, &id)).await?;
    Ok(pdf_response(bytes, "ricevuta-pagopa.pdf"))
}
