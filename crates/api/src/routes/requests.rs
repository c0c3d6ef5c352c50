//! `/request-types` and `/requests`: filing, the queue, the conversation, the lifecycle.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use domain::api::{
    CreateMessage, CreateRequest, LinkSender, MessageView, Page, Problem, QueueCounts,
    RequestSummary, RequestType, RequestView, TransitionRequest, TransitionView,
};
use domain::rating::Rating;
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::client::ClientInfo;
use crate::error::{ApiError, ApiResult, blocking};
use crate::services::admin;
use crate::services::desk::{self, ListQuery};
use crate::state::AppState;
use crate::tenancy::Tenant;
use crate::upload;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(request_types)
        .service(create)
        .service(counts)
        .service(list)
        .service(get_one)
        .service(receipt)
        .service(get_rating)
        .service(rate)
        .service(messages)
        .service(post_message)
        .service(attachment)
        .service(transition)
        .service(history)
        .service(link_sender);
}

/// The tenant's catalogue of request types, with their TQRIF kind, standard and form.
#[utoipa::path(tag = "requests", responses((status = 200, description = "The request types, in catalogue order", body = Vec<RequestType>)))]
#[get("/request-types")]
async fn request_types(tenant: Tenant) -> web::Json<Vec<RequestType>> {
    web::Json(desk::request_types(&tenant))
}

/// File a request. Citizens file for themselves; operators register phone, desk and post
/// requests (optionally received in the past) for a citizen or the generic contribuente.
/// The protocol number, office and due date are assigned in the same transaction.
#[utoipa::path(
    operation_id = "create_request",
    tag = "requests",
    security(("bearer" = [])),
    request_body(
        content = CreateRequest,
        description = "The request type, subject, description and the type's form fields",
        example = json!({
            "type": "tari_reclamo",
            "subject": "Mancata raccolta",
            "description": "Da una settimana non passano a ritirare l'organico in via Roma 12.",
            "fields": {"servizio": "raccolta"}
        })
    ),
    params(("Idempotency-Key" = Option<String>, Header, description = "Same key, same answer: no second request")),
    responses(
        (status = 201, description = "Filed: the request with its protocol number, office and due date", body = RequestView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "The caller may not file this request (for example, a citizen filing for someone else)", body = Problem),
        (status = 422, description = "Invalid type, subject, description or form fields; `errors` names each field", body = Problem),
    )
)]
#[post("/requests")]
async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    body: web::Json<CreateRequest>,
) -> ApiResult<HttpResponse> {
    let key = req
        .headers()
        .get("Idempotency-Key")
        .map(|v| v.to_str().map(str::to_owned));
    let key = key.transpose().map_err(|_| {
        ApiError::bad_request("Idempotency-Key non valida", "Invalid Idempotency-Key")
    })?;
    let filed = blocking(move || desk::create(&state, &user, &body, key.as_deref())).await?;
    let status = actix_web::http::StatusCode::from_u16(filed.status)
        .unwrap_or(actix_web::http::StatusCode::CREATED);
    Ok(HttpResponse::build(status)
        .content_type("application/json")
        .body(filed.body))
}

/// Citizens: their own requests. Staff: the tenant queue with filters. Each item is a
/// summary (what a list row shows); the whole request is at `GET /requests/{id}`.
#[utoipa::path(
    operation_id = "list_requests",
    tag = "requests",
    security(("bearer" = [])),
    params(ListQuery),
    responses((status = 200, description = "A page of requests in the order asked (newest first by default), with the cursor of the next page", body = Page<RequestSummary>), (status = 401, description = "Not signed in", body = Problem), (status = 422, description = "Invalid filter or cursor", body = Problem))
)]
#[get("/requests")]
async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<ListQuery>,
) -> ApiResult<web::Json<Page<RequestSummary>>> {
    blocking(move || desk::list(&state, &user, &q))
        .await
        .map(web::Json)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct CountsQuery {
    office_id: Option<String>,
}

/// Counters of the queue by status, overdue and due soon (staff).
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    params(CountsQuery),
    responses((status = 200, description = "The counters", body = QueueCounts), (status = 403, description = "Citizens have no queue", body = Problem))
)]
#[get("/requests/counts")]
async fn counts(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<CountsQuery>,
) -> ApiResult<web::Json<QueueCounts>> {
    blocking(move || desk::counts(&state, &user, q.office_id.as_deref()))
        .await
        .map(web::Json)
}

/// One request by id, with its status, deadlines and fields; citizens see only their own.
#[utoipa::path(
    operation_id = "get_request",
    tag = "requests",
    security(("bearer" = [])),
    responses((status = 200, description = "The request", body = RequestView), (status = 404, description = "No such request, or not one the caller may see", body = Problem))
)]
#[get("/requests/{id}")]
async fn get_one(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<RequestView>> {
    blocking(move || desk::get(&state, &user, &id))
        .await
        .map(web::Json)
}

/// The receipt of the filing as a PDF ("Ricevuta"): protocol number, date and time of
/// receipt, type, subject, description, the form's fields, the names of the attached files
/// and the due date. For the request's citizen and the staff, as `GET /requests/{id}`.
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 404, description = "No such request, or not one the caller may see", body = Problem),
    )
)]
#[get("/requests/{id}/receipt.pdf")]
async fn receipt(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (bytes, filename) = blocking(move || desk::receipt_pdf(&state, &user, &id)).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            super::attachment_disposition(&filename),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(bytes))
}

/// The citizen's rating of the answer, or `null` when none was given.
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The rating, or null", body = Option<Rating>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 404, description = "No such request, or not one the caller may see", body = Problem),
    )
)]
#[get("/requests/{id}/rating")]
async fn get_rating(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Option<Rating>>> {
    blocking(move || desk::rating(&state, &user, &id))
        .await
        .map(web::Json)
}

/// Rate the answer (1–5 stars, the follow-up answers offered for them, optional details):
/// the request's citizen, once, after it is concluded.
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    request_body(content = Rating, example = json!({"stars": 4, "aspects": ["clear"], "details": "Risposta rapida"})),
    responses(
        (status = 201, description = "The rating as stored", body = Rating),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not the citizen who filed the request", body = Problem),
        (status = 404, description = "No such request, or not one the caller may see", body = Problem),
        (status = 409, description = "Not concluded yet, or already rated", body = Problem),
        (status = 422, description = "Stars out of 1–5, an answer not offered for them, or details too long; `errors` names each field", body = Problem),
    )
)]
#[post("/requests/{id}/rating")]
async fn rate(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<Rating>,
) -> ApiResult<HttpResponse> {
    let stored = blocking(move || desk::rate(&state, &user, &id, &body)).await?;
    Ok(HttpResponse::Created().json(stored))
}

/// The conversation; internal notes only for staff.
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    responses((status = 200, description = "The messages, oldest first", body = Page<MessageView>), (status = 404, description = "No such request, or not one the caller may see", body = Problem))
)]
#[get("/requests/{id}/messages")]
async fn messages(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Page<MessageView>>> {
    blocking(move || desk::messages(&state, &user, &id))
        .await
        .map(web::Json)
}

/// Multipart body of a message with attachments, for the documentation.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct MessageForm {
    /// JSON text of `CreateMessage`.
    data: CreateMessage,
    /// Up to 5 PDF, JPEG or PNG files of at most 10 MB each.
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

/// Add a message: JSON, or multipart with `data` (JSON) and `files`.
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    request_body(content((CreateMessage = "application/json"), (MessageForm = "multipart/form-data"))),
    responses(
        (status = 201, description = "The message as stored, with its attachments", body = MessageView),
        (status = 403, description = "Internal notes are for staff only", body = Problem),
        (status = 404, description = "No such request, or not one the caller may see", body = Problem),
        (status = 409, description = "The request is closed to new messages", body = Problem),
        (status = 413, description = "Too many or too large files", body = Problem),
        (status = 422, description = "Empty text, or a file that is not a PDF, JPEG or PNG", body = Problem),
    )
)]
#[post("/requests/{id}/messages")]
async fn post_message(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let (body, files): (CreateMessage, _) = upload::json_or_form(
        &req,
        payload,
        ("Testo del messaggio mancante", "Message text missing"),
    )
    .await?;
    let view = blocking(move || desk::post_message(&state, &user, &id, &body, files)).await?;
    Ok(HttpResponse::Created().json(view))
}

/// Download an attachment.
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The file, with the type it was stored with (mail attachments may be of any type)", content_type = "*/*"),
        (status = 404, description = "No such request or attachment, or not one the caller may see", body = Problem),
    )
)]
#[get("/requests/{id}/attachments/{attachment_id}")]
async fn attachment(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, attachment_id) = path.into_inner();
    let (bytes, content_type, filename) = blocking(move || {
        let file = desk::attachment(&state, &user, &id, &attachment_id)?;
        admin::audit_access(
            &state,
            &user,
            &client,
            "attachment.download",
            "attachment",
            &attachment_id,
        )?;
        Ok(file)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            super::attachment_disposition(&filename),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(bytes))
}

/// Move the request through its lifecycle: `assign, take, request_info, resume, resolve,
/// reject, reclassify, close, reopen, withdraw`. Not allowed now → 409 with the reason.
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    request_body = TransitionRequest,
    responses(
        (status = 200, description = "The request in its new status", body = RequestView),
        (status = 403, description = "This role may not make this transition", body = Problem),
        (status = 404, description = "No such request, or not one the caller may see", body = Problem),
        (status = 409, description = "Not allowed from the current status; the problem says why", body = Problem),
        (status = 422, description = "Unknown action, or a missing reason, office or assignee", body = Problem),
    )
)]
#[post("/requests/{id}/transitions")]
async fn transition(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<TransitionRequest>,
) -> ApiResult<web::Json<RequestView>> {
    blocking(move || desk::transition(&state, &user, &id, &body))
        .await
        .map(web::Json)
}

/// The request's history of transitions.
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    responses((status = 200, description = "The transitions, oldest first", body = Vec<TransitionView>), (status = 404, description = "No such request, or not one the caller may see", body = Problem))
)]
#[get("/requests/{id}/transitions")]
async fn history(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Vec<TransitionView>>> {
    blocking(move || desk::history(&state, &user, &id))
        .await
        .map(web::Json)
}

/// A request from an unverified mail sender ("mittente non verificato"), checked by an
/// operator: assign it to the citizen who wrote it (who then gets the acknowledgement), or
/// merge its mail into an open request of theirs (this one is then rejected as merged).
/// Operators of the request's office, supervisors and administrators; audited.
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    request_body = LinkSender,
    responses(
        (status = 200, description = "The request assigned, or the one merged into", body = RequestView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff of the request's office", body = Problem),
        (status = 404, description = "No such request or citizen", body = Problem),
        (status = 409, description = "The sender needs no checking, or the request merged into (or this one) can no longer change", body = Problem),
        (status = 422, description = "Invalid body; `errors` names each field", body = Problem),
    )
)]
#[post("/requests/{id}/sender")]
async fn link_sender(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<LinkSender>,
) -> ApiResult<web::Json<RequestView>> {
    blocking(move || desk::link_sender(&state, &user, &id, &body))
        .await
        .map(web::Json)
}
