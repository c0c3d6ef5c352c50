//! `/reconciliation`: Flussi di Rendicontazione of pagoPA payments, uploaded or fetched
//! from the FdR API, and their reports (staff).

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDate;
use domain::api::{
    FetchResult, MissingReceiptList, Page, Problem, ReconciliationFlow, ReconciliationReport,
    RecordBankLine,
};
use domain::error::Message;
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use super::taxpayer::parse_body;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, blocking};
use crate::services::pagopa::{fdr_rest, reconciliation as recon};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    // The `.csv` path first: `{id}` alone would match it too.
    cfg.service(upload_flow)
        .service(list_flows)
        .service(flow_csv)
        .service(flow_report)
        .service(record_bank)
        .service(missing)
        .service(fetch);
}

/// Multipart body of an upload, for the documentation.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct FlowForm {
    /// The flow: XML `FlussoRiversamento` 1.0.4.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

fn too_large() -> ApiError {
    let mb = recon::MAX_FLOW_BYTES / (1024 * 1024);
    ApiError::PayloadTooLarge(Message::new(
        format!("Il flusso supera la dimensione massima di {mb} MB"),
        format!("The flow exceeds the maximum size of {mb} MB"),
    ))
}

fn bad_form(e: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(
        format!("Modulo non valido: {e}"),
        format!("Invalid form: {e}"),
    )
}

/// The flow's bytes: the `file` part of a multipart form, or the whole body when it is
/// sent as `application/xml` / `text/xml`; at most [`recon::MAX_FLOW_BYTES`].
async fn read_flow(req: &HttpRequest, mut payload: web::Payload) -> ApiResult<Vec<u8>> {
    let kind = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let max = recon::MAX_FLOW_BYTES;
    let mut bytes = Vec::new();
    if kind.starts_with("application/xml") || kind.starts_with("text/xml") {
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(bad_form)?;
            if bytes.len() + chunk.len() > max {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
    } else if kind.starts_with("multipart/form-data") {
        let mut form = Multipart::new(req.headers(), payload);
        let mut found = false;
        while let Some(field) = form.next().await {
            let mut field = field.map_err(bad_form)?;
            let take = !found && field.name() == Some("file");
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(bad_form)?;
                if take {
                    if bytes.len() + chunk.len() > max {
                        return Err(too_large());
                    }
                    bytes.extend_from_slice(&chunk);
                }
            }
            found |= take;
        }
        if !found {
            return Err(ApiError::invalid(
                "file",
                "Allegare il flusso di rendicontazione (parte file)",
                "Attach the reporting flow (file part)",
            ));
        }
    } else {
        return Err(ApiError::UnsupportedMediaType(Message::new(
            "Inviare il flusso come multipart/form-data (parte file) o application/xml",
            "Send the flow as multipart/form-data (file part) or application/xml",
        )));
    }
    if bytes.is_empty() {
        return Err(ApiError::invalid(
            "file",
            "Il file è vuoto",
            "The file is empty",
        ));
    }
    Ok(bytes)
}

/// Import a Flusso di Rendicontazione (XML `FlussoRiversamento` 1.0.4) and get its report
/// (staff): multipart with a `file` part, or the XML itself as the body. The file is checked
/// whole (well-formed, totals equal to the single payments, flow id `<YYYY-MM-DD><idPSP>-<n>`,
/// addressed to this ente) before anything is stored: a problem is a 422 naming the element.
/// A flow id the ente already has is a 409 (corrections come as a new flow).
#[utoipa::path(
    tag = "pagopa",
    security(("bearer" = [])),
    request_body(content(
        (FlowForm = "multipart/form-data"),
        (String = "application/xml"),
    )),
    responses(
        (status = 201, body = ReconciliationReport),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 409, description = "A flow with this identificativoFlusso is already stored", body = Problem),
        (status = 413, body = Problem),
        (status = 415, body = Problem),
        (status = 422, description = "Not well-formed, not a flow, or inconsistent; `errors` names the element (`importoTotalePagamenti`, `datiSingoliPagamenti[2].singoloImportoPagato`…)", body = Problem),
    )
)]
#[post("/reconciliation/flows")]
async fn upload_flow(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    // Who may upload comes before reading the upload.
    user.require_staff()?;
    let bytes = read_flow(&req, payload).await?;
    let report = blocking(move || recon::import(&state, &user, &bytes)).await?;
    Ok(HttpResponse::Created().json(report))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct ListQuery {
    limit: Option<u32>,
    cursor: Option<String>,
}

/// The flows, newest first, each with its counts per outcome and the bank line (staff).
#[utoipa::path(
    tag = "pagopa",
    security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = Page<ReconciliationFlow>),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
    )
)]
#[get("/reconciliation/flows")]
async fn list_flows(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<ListQuery>,
) -> ApiResult<web::Json<Page<ReconciliationFlow>>> {
    let limit = super::page_limit(q.limit);
    blocking(move || recon::list(&state, &user, limit, q.cursor.as_deref()))
        .await
        .map(web::Json)
}

/// A flow's report: counts and every single payment with its outcome against our receipts
/// (matched, amount_mismatch, unknown_iuv, no_receipt, unknown_transfer, revoked) (staff).
#[utoipa::path(
    tag = "pagopa",
    security(("bearer" = [])),
    responses(
        (status = 200, body = ReconciliationReport),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
    )
)]
#[get("/reconciliation/flows/{id}")]
async fn flow_report(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<ReconciliationReport>> {
    blocking(move || recon::report(&state, &user, &id))
        .await
        .map(web::Json)
}

/// A flow's report as CSV (`;`, amounts with a decimal comma), one row per single payment
/// (staff).
#[utoipa::path(
    tag = "pagopa",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "CSV, UTF-8", content_type = "text/csv"),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
    )
)]
#[get("/reconciliation/flows/{id}.csv")]
async fn flow_csv(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (name, body) = blocking(move || recon::csv(&state, &user, &id)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            super::attachment_disposition(&name),
        ))
        .body(body))
}

/// Record the bank statement line of the flow's transfer and check it (staff): its causale
/// must name the flow (`/PUR/LGPE-RIVERSAMENTO/URI/<flow id>`, also with `/TXT/<prog>/`),
/// else 422 on `causale`; the amount is compared with the flow's total (`bank.outcome`
/// `matched` or `amount_mismatch`). Recording again replaces the line.
#[utoipa::path(
    tag = "pagopa",
    security(("bearer" = [])),
    request_body = RecordBankLine,
    responses(
        (status = 200, body = ReconciliationReport),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 422, body = Problem),
    )
)]
#[post("/reconciliation/flows/{id}/bank")]
async fn record_bank(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<serde_json::Value>,
) -> ApiResult<web::Json<ReconciliationReport>> {
    user.require_staff()?;
    let body: RecordBankLine = parse_body(body.into_inner())?;
    blocking(move || recon::record_bank(&state, &user, &id, &body))
        .await
        .map(web::Json)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct MissingQuery {
    /// The day to judge from (default: today, Europe/Rome).
    #[param(value_type = Option<String>, format = Date)]
    as_of: Option<String>,
}

/// Our pagoPA receipts that no stored flow reports three working days after the payment
/// (the ente's calendar), oldest first, at most 1000 (staff).
#[utoipa::path(
    tag = "pagopa",
    security(("bearer" = [])),
    params(MissingQuery),
    responses(
        (status = 200, body = MissingReceiptList),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 422, description = "`as_of` is not a date", body = Problem),
    )
)]
#[get("/reconciliation/missing")]
async fn missing(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<MissingQuery>,
) -> ApiResult<web::Json<MissingReceiptList>> {
    user.require_staff()?;
    let as_of = q
        .as_of
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                ApiError::invalid(
                    "as_of",
                    format!("Data non valida: «{s}» (AAAA-MM-GG, un giorno che esiste)"),
                    format!("Invalid date: \"{s}\" (YYYY-MM-DD, a day that exists)"),
                )
            })
        })
        .transpose()?;
    blocking(move || recon::missing(&state, &user, as_of))
        .await
        .map(web::Json)
}

/// Read the ente's published flows from the FdR API (`fdr_url` and `fdr_subscription_key`
/// in the pagoPA settings) and import those not stored yet (staff). A flow
/// that cannot be read or does not add up is listed in `failed` and tried again next time.
#[utoipa::path(
    tag = "pagopa",
    security(("bearer" = [])),
    responses(
        (status = 200, body = FetchResult),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 409, description = "The FdR address, the key or the creditor's tax code is not set", body = Problem),
        (status = 503, description = "The FdR API did not answer", body = Problem),
    )
)]
#[post("/reconciliation/fetch")]
async fn fetch(state: web::Data<AppState>, user: AuthUser) -> ApiResult<web::Json<FetchResult>> {
    fdr_rest::fetch(state, user).await.map(web::Json)
}
