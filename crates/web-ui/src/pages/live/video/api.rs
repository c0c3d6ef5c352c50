//! The video desk's calls to the REST API (docs/realtime.md): the citizen's, by the
//! booking's code (no account), and the staff's, by the booking's id.

use domain::api::{
    AcceptCallConditions, CallActionRequest, CallJoin, ChatMessage, PostChatMessage, VideoCall,
};
use gloo_net::http::Method;

use crate::api::{self, ApiResult, Body};

fn enc(segment: &str) -> String {
    js_sys::encode_uri_component(segment).into()
}

/// Who writes in the chat beside the video, and so where a message goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChatTarget {
    /// The citizen, by the booking's code.
    Citizen(String),
    /// An operator, in the call's chat.
    Staff(String),
}

impl ChatTarget {
    fn messages_path(&self) -> String {
        match self {
            Self::Citizen(code) => format!("/public/video/{}/messages", enc(code)),
            Self::Staff(chat) => format!("/chats/{}/messages", enc(chat)),
        }
    }
}

pub async fn public_call(code: &str) -> ApiResult<VideoCall> {
    api::get(&format!("/public/video/{}", enc(code))).await
}

pub async fn accept_conditions(code: &str) -> ApiResult<VideoCall> {
    api::call(
        Method::POST,
        &format!("/public/video/{}/conditions", enc(code)),
        Body::json(&AcceptCallConditions { accept: true }),
    )
    .await
}

/// Enters the waiting room: a WebSocket ticket, the ICE servers and the call.
pub async fn public_join(code: &str) -> ApiResult<CallJoin> {
    api::call(
        Method::POST,
        &format!("/public/video/{}/join", enc(code)),
        Body::Empty,
    )
    .await
}

pub async fn staff_call(booking_id: &str) -> ApiResult<VideoCall> {
    api::get(&format!("/bookings/{}/call", enc(booking_id))).await
}

pub async fn staff_join(booking_id: &str) -> ApiResult<CallJoin> {
    api::call(
        Method::POST,
        &format!("/bookings/{}/call/join", enc(booking_id)),
        Body::Empty,
    )
    .await
}

pub async fn call_action(booking_id: &str, body: &CallActionRequest) -> ApiResult<VideoCall> {
    api::call(
        Method::POST,
        &format!("/bookings/{}/call", enc(booking_id)),
        Body::json(body),
    )
    .await
}

/// A chat message, with a document when `file` is given (multipart `data` + `files`).
pub async fn post_message(
    target: &ChatTarget,
    body: &str,
    file: Option<&web_sys::File>,
) -> ApiResult<ChatMessage> {
    let path = target.messages_path();
    let message = PostChatMessage {
        body: body.to_owned(),
    };
    let files: Vec<web_sys::File> = file.into_iter().cloned().collect();
    api::post_with_files(&path, &message, &files, |_| {}).await
}
