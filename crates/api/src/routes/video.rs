//! The video desk: `/public/video/{code}` (the holder of a video appointment's link),
//! `/bookings/{id}/call` (the desk's staff) and `/settings/video` (administrators).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use domain::api::{
    AcceptCallConditions, CallActionRequest, CallJoin, ChatMessage, PostChatMessage, Problem,
    SaveVideoSettings, VideoCall, VideoSettings,
};
use utoipa_actix_web::service_config::ServiceConfig;

use super::chats::{ChatMessageForm, file_response};
use crate::auth::AuthUser;
use crate::client::ClientInfo;
use crate::error::{ApiResult, blocking};
use crate::services::live::calls;
use crate::state::AppState;
use crate::tenancy::Tenant;
use crate::upload;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_video_call)
        .service(accept_call_conditions)
        .service(join_video_call)
        .service(post_video_call_message)
        .service(video_call_attachment)
        .service(get_booking_call)
        .service(join_booking_call)
        .service(booking_call_action)
        .service(get_video_settings)
        .service(save_video_settings);
}

fn private<T: serde::Serialize>(body: &T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// A video appointment from its link: when it opens, where it stands; the chat beside it
/// once the conditions are accepted.
#[utoipa::path(
    tag = "public",
    responses(
        (status = 200, description = "The call", body = VideoCall),
        (status = 404, description = "No video appointment with this code", body = Problem),
    )
)]
#[get("/public/video/{code}")]
async fn get_video_call(
    state: web::Data<AppState>,
    tenant: Tenant,
    code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let call = blocking(move || calls::public_call(&state, &tenant, &code)).await?;
    Ok(private(&call))
}

/// Accept the call's conditions (not recorded; what to have at hand; the privacy notice).
/// Stored with its time; camera and microphone are asked for only after this.
#[utoipa::path(
    tag = "public",
    request_body = AcceptCallConditions,
    responses(
        (status = 200, description = "The call with the time of acceptance", body = VideoCall),
        (status = 404, description = "No video appointment with this code", body = Problem),
        (status = 409, description = "The appointment was cancelled", body = Problem),
        (status = 422, description = "`accept` is not true", body = Problem),
        (status = 429, description = "Too many requests from this address", body = Problem),
    )
)]
#[post("/public/video/{code}/conditions")]
async fn accept_call_conditions(
    state: web::Data<AppState>,
    tenant: Tenant,
    client: ClientInfo,
    code: web::Path<String>,
    body: web::Json<AcceptCallConditions>,
) -> ApiResult<HttpResponse> {
    state.limits.public_forms.check(client.ip)?;
    let call =
        blocking(move || calls::accept_conditions(&state, &tenant, &code, body.accept)).await?;
    Ok(private(&call))
}

/// Enter the waiting room: a ticket for the real-time connection and the ICE servers
/// (TURN credentials expire). From ten minutes before the slot to its end.
#[utoipa::path(
    tag = "public",
    responses(
        (status = 200, description = "Ticket, ICE servers and the call", body = CallJoin),
        (status = 404, description = "No video appointment with this code", body = Problem),
        (status = 409, description = "Conditions not accepted, or outside the call's window", body = Problem),
        (status = 429, description = "Too many requests from this address", body = Problem),
    )
)]
#[post("/public/video/{code}/join")]
async fn join_video_call(
    state: web::Data<AppState>,
    tenant: Tenant,
    client: ClientInfo,
    code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    state.limits.public_forms.check(client.ip)?;
    let j = blocking(move || calls::join_caller(&state, &tenant, &code)).await?;
    Ok(private(&j))
}

/// Write in the chat beside the call, or send a document to the officer: JSON, or
/// multipart with `data` (JSON) and `files`.
#[utoipa::path(
    tag = "public",
    request_body(content((PostChatMessage = "application/json"), (ChatMessageForm = "multipart/form-data"))),
    responses(
        (status = 201, description = "The message as stored", body = ChatMessage),
        (status = 404, description = "No video appointment with this code", body = Problem),
        (status = 409, description = "Conditions not accepted yet", body = Problem),
        (status = 413, description = "Too many or too large files", body = Problem),
        (status = 422, description = "Empty or too long text, or a file that is not a PDF, JPEG or PNG", body = Problem),
        (status = 429, description = "Too many requests from this address", body = Problem),
    )
)]
#[post("/public/video/{code}/messages")]
async fn post_video_call_message(
    state: web::Data<AppState>,
    tenant: Tenant,
    client: ClientInfo,
    code: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    state.limits.public_forms.check(client.ip)?;
    let (body, files): (PostChatMessage, _) = upload::json_or_form(
        &req,
        payload,
        ("Testo del messaggio mancante", "Message text missing"),
    )
    .await?;
    let m =
        blocking(move || calls::caller_message(&state, &tenant, &code, &body.body, files)).await?;
    Ok(HttpResponse::Created().json(m))
}

/// A file of the chat beside the call.
#[utoipa::path(
    tag = "public",
    responses(
        (status = 200, description = "The file", content_type = "*/*"),
        (status = 404, description = "No such appointment or file", body = Problem),
    )
)]
#[get("/public/video/{code}/attachments/{attachment_id}")]
async fn video_call_attachment(
    state: web::Data<AppState>,
    tenant: Tenant,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (code, attachment_id) = path.into_inner();
    let (bytes, content_type, filename) =
        blocking(move || calls::caller_attachment(&state, &tenant, &code, &attachment_id)).await?;
    Ok(file_response(bytes, &content_type, &filename))
}

/// The call of a video appointment (staff of the desk's office).
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The call, its chat and its links", body = VideoCall),
        (status = 401, description = "Sign-in required", body = Problem),
        (status = 403, description = "Not staff, or another office's desk", body = Problem),
        (status = 404, description = "No such booking", body = Problem),
        (status = 409, description = "Not a video appointment", body = Problem),
    )
)]
#[get("/bookings/{id}/call")]
async fn get_booking_call(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<VideoCall>> {
    blocking(move || calls::staff_call(&state, &user, &id))
        .await
        .map(web::Json)
}

/// The operator's ticket and ICE servers for the call.
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Ticket, ICE servers and the call", body = CallJoin),
        (status = 401, description = "Sign-in required", body = Problem),
        (status = 403, description = "Not staff, or another office's desk", body = Problem),
        (status = 404, description = "No such booking", body = Problem),
        (status = 409, description = "Not a video appointment, or outside the call's window", body = Problem),
    )
)]
#[post("/bookings/{id}/call/join")]
async fn join_booking_call(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let j = blocking(move || calls::join_staff(&state, &user, &id)).await?;
    Ok(private(&j))
}

/// `admit` the waiting citizen, `end` the call, `link` it to a citizen and a request (the
/// request's thread shows it), or `attach` a document the citizen sent to a request.
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    request_body = CallActionRequest,
    responses(
        (status = 200, description = "The call after the action", body = VideoCall),
        (status = 401, description = "Sign-in required", body = Problem),
        (status = 403, description = "Not staff, or another office's desk", body = Problem),
        (status = 404, description = "No such booking", body = Problem),
        (status = 409, description = "Not possible now (nobody waiting, already ended, …)", body = Problem),
        (status = 422, description = "Unknown citizen, request or document", body = Problem),
    )
)]
#[post("/bookings/{id}/call")]
async fn booking_call_action(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<CallActionRequest>,
) -> ApiResult<web::Json<VideoCall>> {
    blocking(move || calls::call_action(&state, &user, &id, &body))
        .await
        .map(web::Json)
}

/// The tenant's ICE servers for video calls (administrators). The TURN secret is never
/// returned.
#[utoipa::path(
    tag = "settings",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "STUN and TURN addresses", body = VideoSettings),
        (status = 401, description = "Sign-in required", body = Problem),
        (status = 403, description = "Administrators only", body = Problem),
    )
)]
#[get("/settings/video")]
async fn get_video_settings(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<VideoSettings>> {
    blocking(move || calls::get_settings(&state, &user))
        .await
        .map(web::Json)
}

/// Set the STUN and TURN servers (coturn with `use-auth-secret`), the shared secret
/// (write-only; sealed) and relay only.
#[utoipa::path(
    tag = "settings",
    security(("bearer" = [])),
    request_body = SaveVideoSettings,
    responses(
        (status = 200, description = "The stored settings", body = VideoSettings),
        (status = 401, description = "Sign-in required", body = Problem),
        (status = 403, description = "Administrators only", body = Problem),
        (status = 422, description = "An address that is not stun:/turn:/turns:, a short secret, TURN without secret, relay without TURN", body = Problem),
    )
)]
#[put("/settings/video")]
async fn save_video_settings(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<SaveVideoSettings>,
) -> ApiResult<web::Json<VideoSettings>> {
    blocking(move || calls::save_settings(&state, &user, &body))
        .await
        .map(web::Json)
}
