//! E-mail at the desk: reply or forward by e-mail, the conversation as a PDF, the mails of
//! a thread with headers and original `.eml`, and citizens' notification preferences.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use domain::api::{
    DeliveryView, MailExport, MailQueued, MailView, NotificationPreferences, Problem, SendMail,
};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::client::ClientInfo;
use crate::error::{ApiResult, blocking};
use crate::services::{admin, mail, mail_desk};
use crate::state::AppState;
use crate::upload;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(send)
        .service(list)
        .service(eml)
        .service(headers)
        .service(deliveries)
        .service(export_pdf)
        .service(export_mail)
        .service(get_preferences)
        .service(put_preferences);
}

/// Multipart body of an e-mail with attachments, for the documentation.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct MailForm {
    /// JSON text of `SendMail`.
    data: SendMail,
    /// Up to 5 PDF, JPEG or PNG files of at most 10 MB each.
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

/// Reply to the citizen (a public message) or forward the request (an internal note) by
/// e-mail, to any addresses, with new files and attachments of the request (staff). The mail
/// carries the request's reply address, threading headers and `[Prot. …]` in the subject.
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    request_body(content((SendMail = "application/json"), (MailForm = "multipart/form-data"))),
    responses(
        (status = 202, body = MailQueued),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 413, body = Problem),
        (status = 422, body = Problem),
    )
)]
#[post("/requests/{id}/mail")]
async fn send(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    // Refuse before reading any upload.
    user.require_staff()?;
    let (body, files): (SendMail, _) = upload::json_or_form(
        &req,
        payload,
        ("Dati dell'e-mail mancanti", "Mail data missing"),
    )
    .await?;
    let queued = blocking(move || mail_desk::send_mail(&state, &user, &id, &body, files)).await?;
    Ok(HttpResponse::Accepted().json(queued))
}

/// The e-mails of a request, received and sent (queued and failed ones too) (staff).
#[utoipa::path(
    operation_id = "list_request_mails",
    tag = "requests",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<MailView>), (status = 403, body = Problem), (status = 404, body = Problem))
)]
#[get("/requests/{id}/mails")]
async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Vec<MailView>>> {
    blocking(move || mail_desk::list_mails(&state, &user, &id))
        .await
        .map(web::Json)
}

/// The original message as received or sent (`message/rfc822`) (staff).
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    responses((status = 200, description = "The .eml file", content_type = "message/rfc822"), (status = 404, body = Problem))
)]
#[get("/requests/{id}/mails/{mail_id}/eml")]
async fn eml(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, mail_id) = path.into_inner();
    let (bytes, filename) = blocking(move || {
        let file = mail_desk::eml(&state, &user, &id, &mail_id)?;
        admin::audit_access(&state, &user, &client, "mail.download", "mail", &mail_id)?;
        Ok(file)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("message/rfc822")
        .insert_header((
            header::CONTENT_DISPOSITION,
            super::attachment_disposition(&filename),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(bytes))
}

/// The header section of a mail, as text (staff).
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    responses((status = 200, description = "The headers", content_type = "text/plain"), (status = 404, body = Problem))
)]
#[get("/requests/{id}/mails/{mail_id}/headers")]
async fn headers(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, mail_id) = path.into_inner();
    let text = blocking(move || mail_desk::headers(&state, &user, &id, &mail_id)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(text))
}

/// The notifications queued for a request on every channel, with their outcome (staff).
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<DeliveryView>), (status = 403, body = Problem), (status = 404, body = Problem))
)]
#[get("/requests/{id}/deliveries")]
async fn deliveries(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Vec<DeliveryView>>> {
    blocking(move || mail_desk::deliveries(&state, &user, &id))
        .await
        .map(web::Json)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct ExportQuery {
    /// Include internal notes.
    #[serde(default)]
    internal: bool,
}

/// The whole conversation as a PDF: protocol, parties, timestamps, messages, history and
/// mails (staff).
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    params(ExportQuery),
    responses((status = 200, description = "The PDF", content_type = "application/pdf"), (status = 403, body = Problem), (status = 404, body = Problem))
)]
#[get("/requests/{id}/export.pdf")]
async fn export_pdf(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    q: web::Query<ExportQuery>,
) -> ApiResult<HttpResponse> {
    let internal = q.internal;
    let (bytes, filename) =
        blocking(move || mail_desk::export_pdf(&state, &user, &id, internal)).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            super::attachment_disposition(&filename),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(bytes))
}

/// Mail the conversation PDF (without internal notes) to the given addresses (staff).
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    request_body = MailExport,
    responses((status = 202, body = MailQueued), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem))
)]
#[post("/requests/{id}/export/mail")]
async fn export_mail(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<MailExport>,
) -> ApiResult<HttpResponse> {
    let queued = blocking(move || mail_desk::mail_export(&state, &user, &id, &body)).await?;
    Ok(HttpResponse::Accepted().json(queued))
}

/// How the signed-in user wants to be notified: e-mail, SMS, App IO, and the language.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses((status = 200, body = NotificationPreferences), (status = 401, body = Problem))
)]
#[get("/me/preferences")]
async fn get_preferences(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<NotificationPreferences>> {
    blocking(move || mail::get_preferences(&state, &user))
        .await
        .map(web::Json)
}

/// Choose the notification channels (SMS needs a phone number, App IO a codice fiscale).
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = NotificationPreferences,
    responses((status = 200, body = NotificationPreferences), (status = 401, body = Problem), (status = 422, body = Problem))
)]
#[put("/me/preferences")]
async fn put_preferences(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<NotificationPreferences>,
) -> ApiResult<web::Json<NotificationPreferences>> {
    blocking(move || mail::save_preferences(&state, &user, &body))
        .await
        .map(web::Json)
}
