//! Live chat: `/chats` (citizens and the office's staff).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use domain::api::{
    ChatActionRequest, ChatAvailability, ChatMessage, ChatView, CreateChat, MarkChatRead,
    PostChatMessage, Problem,
};
use domain::chat::ChatStatus;
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::error::{ApiResult, blocking};
use crate::services::live::chats;
use crate::state::AppState;
use crate::upload;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(chat_availability)
        .service(create_chat)
        .service(list_chats)
        .service(get_chat)
        .service(post_chat_message)
        .service(chat_attachment)
        .service(chat_action)
        .service(mark_chat_read);
}

/// Whether the chat is open now (within the desks' hours and an operator online), its
/// weekly hours, when it next opens, and the topics a chat can be opened on.
#[utoipa::path(
    tag = "chat",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Hours, topics and whether an operator is online", body = ChatAvailability),
        (status = 401, description = "Sign-in required", body = Problem),
    )
)]
#[get("/chats/availability")]
async fn chat_availability(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<ChatAvailability>> {
    blocking(move || chats::availability(&state, &user))
        .await
        .map(web::Json)
}

/// Open a chat with the desk on a topic (citizens). It waits in the office's queue.
#[utoipa::path(
    tag = "chat",
    security(("bearer" = [])),
    request_body = CreateChat,
    responses(
        (status = 201, description = "The chat, waiting, with its place in the queue", body = ChatView),
        (status = 401, description = "Sign-in required", body = Problem),
        (status = 403, description = "Staff do not open chats", body = Problem),
        (status = 409, description = "The citizen already has an open chat", body = Problem),
        (status = 422, description = "Unknown topic, or a message too long", body = Problem),
    )
)]
#[post("/chats")]
async fn create_chat(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<CreateChat>,
) -> ApiResult<HttpResponse> {
    let chat = blocking(move || chats::create(&state, &user, &body)).await?;
    Ok(HttpResponse::Created().json(chat))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChatListQuery {
    /// `waiting`, `active` or `closed`.
    pub status: Option<ChatStatus>,
}

/// A citizen's own chats; staff: the chats of their offices (the queue with
/// `status=waiting`, oldest first).
#[utoipa::path(
    tag = "chat",
    security(("bearer" = [])),
    params(ChatListQuery),
    responses(
        (status = 200, description = "Chats without their messages", body = Vec<ChatView>),
        (status = 401, description = "Sign-in required", body = Problem),
        (status = 400, description = "Unknown status", body = Problem),
    )
)]
#[get("/chats")]
async fn list_chats(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<ChatListQuery>,
) -> ApiResult<web::Json<Vec<ChatView>>> {
    blocking(move || chats::list(&state, &user, q.status))
        .await
        .map(web::Json)
}

/// One chat with its transcript.
#[utoipa::path(
    tag = "chat",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The chat and its messages", body = ChatView),
        (status = 401, description = "Sign-in required", body = Problem),
        (status = 403, description = "Another office's chat", body = Problem),
        (status = 404, description = "No such chat, or not the caller's", body = Problem),
    )
)]
#[get("/chats/{id}")]
async fn get_chat(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<ChatView>> {
    blocking(move || chats::get(&state, &user, &id))
        .await
        .map(web::Json)
}

/// Multipart body of a chat message with attachments, for the documentation.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(super) struct ChatMessageForm {
    /// JSON text of `PostChatMessage`.
    data: PostChatMessage,
    /// Up to 5 PDF, JPEG or PNG files of at most 10 MB each.
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

/// Write in the chat: JSON, or multipart with `data` (JSON) and `files`.
#[utoipa::path(
    tag = "chat",
    security(("bearer" = [])),
    request_body(content((PostChatMessage = "application/json"), (ChatMessageForm = "multipart/form-data"))),
    responses(
        (status = 201, description = "The message as stored, with its attachments", body = ChatMessage),
        (status = 401, description = "Sign-in required", body = Problem),
        (status = 403, description = "Another office's chat", body = Problem),
        (status = 404, description = "No such chat, or not the caller's", body = Problem),
        (status = 409, description = "The chat is closed, or not accepted yet", body = Problem),
        (status = 413, description = "Too many or too large files", body = Problem),
        (status = 422, description = "Empty or too long text, or a file that is not a PDF, JPEG or PNG", body = Problem),
    )
)]
#[post("/chats/{id}/messages")]
async fn post_chat_message(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let (body, files): (PostChatMessage, _) = upload::json_or_form(
        &req,
        payload,
        ("Testo del messaggio mancante", "Message text missing"),
    )
    .await?;
    let m = blocking(move || chats::post_message(&state, &user, &id, &body.body, files)).await?;
    Ok(HttpResponse::Created().json(m))
}

/// Download a file sent in the chat.
#[utoipa::path(
    tag = "chat",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The file", content_type = "*/*"),
        (status = 401, description = "Sign-in required", body = Problem),
        (status = 403, description = "Another office's chat", body = Problem),
        (status = 404, description = "No such chat or file", body = Problem),
    )
)]
#[get("/chats/{id}/attachments/{attachment_id}")]
async fn chat_attachment(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, attachment_id) = path.into_inner();
    let (bytes, content_type, filename) =
        blocking(move || chats::attachment(&state, &user, &id, &attachment_id)).await?;
    Ok(file_response(bytes, &content_type, &filename))
}

pub(super) fn file_response(bytes: Vec<u8>, content_type: &str, filename: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type.to_owned())
        .insert_header((
            header::CONTENT_DISPOSITION,
            super::attachment_disposition(filename),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(bytes)
}

/// `accept` (an operator of the office takes it), `transfer` (to `office_id`), `close`,
/// `convert` (into a request of `type`, received when the chat started, whose thread is the
/// transcript), `email_transcript` (the citizen). Not allowed now → 409 with the reason.
#[utoipa::path(
    tag = "chat",
    security(("bearer" = [])),
    request_body = ChatActionRequest,
    responses(
        (status = 200, description = "The chat after the action", body = ChatView),
        (status = 401, description = "Sign-in required", body = Problem),
        (status = 403, description = "Another office's chat", body = Problem),
        (status = 404, description = "No such chat, or not the caller's", body = Problem),
        (status = 409, description = "Not allowed in the chat's state, or by this party", body = Problem),
        (status = 422, description = "Unknown action, office or request type", body = Problem),
    )
)]
#[post("/chats/{id}/actions")]
async fn chat_action(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<ChatActionRequest>,
) -> ApiResult<web::Json<ChatView>> {
    blocking(move || chats::act(&state, &user, &id, &body))
        .await
        .map(web::Json)
}

/// The last message the caller has read (the other side sees "Letto").
#[utoipa::path(
    tag = "chat",
    security(("bearer" = [])),
    request_body = MarkChatRead,
    responses(
        (status = 204, description = "Stored"),
        (status = 401, description = "Sign-in required", body = Problem),
        (status = 403, description = "Another office's chat", body = Problem),
        (status = 404, description = "No such chat, or not the caller's", body = Problem),
        (status = 422, description = "No such message in the chat", body = Problem),
    )
)]
#[post("/chats/{id}/read")]
async fn mark_chat_read(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<MarkChatRead>,
) -> ApiResult<HttpResponse> {
    blocking(move || chats::mark_read(&state, &user, &id, &body.message_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
