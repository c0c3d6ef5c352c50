//! Live chat (`/chats`, docs/realtime.md): availability, a citizen's chat, the staff's
//! queue, messages with attachments, actions and read marks.

use domain::api::{
    ChatActionRequest, ChatAvailability, ChatMessage, ChatView, CreateChat, MarkChatRead,
    PostChatMessage,
};
use domain::chat::{ChatAction, ChatStatus};
use gloo_net::http::Method;

use super::{ApiResult, Body, call, enc, get, get_list, post_with_files};

pub async fn availability() -> ApiResult<ChatAvailability> {
    get("/chats/availability").await
}

pub async fn create(body: &CreateChat) -> ApiResult<ChatView> {
    call(Method::POST, "/chats", Body::json(body)).await
}

/// The chats in `status` (a citizen's own; the staff's offices').
pub async fn list(status: ChatStatus) -> ApiResult<Vec<ChatView>> {
    get_list(&format!("/chats?status={}", status.code())).await
}

/// A chat with its messages.
pub async fn chat(id: &str) -> ApiResult<ChatView> {
    get(&format!("/chats/{}", enc(id))).await
}

/// A message, with files as multipart `data` + `files` when there are any.
pub async fn post(
    id: &str,
    body: &PostChatMessage,
    files: &[web_sys::File],
    on_progress: impl Fn(f64) + 'static,
) -> ApiResult<ChatMessage> {
    post_with_files(
        &format!("/chats/{}/messages", enc(id)),
        body,
        files,
        on_progress,
    )
    .await
}

pub async fn act(id: &str, body: &ChatActionRequest) -> ApiResult<ChatView> {
    call(
        Method::POST,
        &format!("/chats/{}/actions", enc(id)),
        Body::json(body),
    )
    .await
}

/// An action without options (accept, close, email_transcript).
pub async fn simple(id: &str, action: ChatAction) -> ApiResult<ChatView> {
    act(
        id,
        &ChatActionRequest {
            action,
            office_id: None,
            type_code: None,
            subject: None,
        },
    )
    .await
}

/// The last message the caller has read.
pub async fn mark_read(id: &str, message_id: &str) -> ApiResult<()> {
    let body = MarkChatRead {
        message_id: message_id.to_owned(),
    };
    call(
        Method::POST,
        &format!("/chats/{}/read", enc(id)),
        Body::json(&body),
    )
    .await
}
