//! Live chat (`/chats`), the video desk (`/public/video/{code}`, `/bookings/{id}/call`) and
//! the real-time connection (`/realtime`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Attachment, MessageAuthor};
use crate::chat::{CallStatus, ChatAction, ChatStatus};

/// A topic a citizen can open a chat on: a request type, routed to an office like requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatTopic {
    pub code: String,
    pub name: String,
    pub office_id: Option<String>,
    /// An operator of that office is connected now.
    pub online: bool,
}

/// One weekly opening range of the chat (the office's desks' hours).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatHours {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// `HH:MM`, Europe/Rome.
    pub start: String,
    pub end: String,
}

/// `GET /chats/availability`: whether the chat is open now, its hours and topics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatAvailability {
    /// Within the hours (and not a holiday or closure day).
    pub within_hours: bool,
    /// Within the hours and at least one operator online for some topic.
    pub open: bool,
    pub hours: Vec<ChatHours>,
    /// When the chat next opens, if it is closed now.
    pub next_opening: Option<DateTime<Utc>>,
    pub topics: Vec<ChatTopic>,
}

/// `POST /chats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateChat {
    /// A request type code from `GET /chats/availability`.
    pub topic: String,
    /// The first message, if the citizen wrote one.
    #[serde(default)]
    pub message: Option<String>,
}

/// A party of a chat as the other side sees it (no id: a video caller without an account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatPerson {
    pub id: Option<String>,
    pub name: String,
}

/// One message of a chat. `author` is absent for the desk's own notes (accepted,
/// transferred, closed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatMessage {
    pub id: String,
    pub chat_id: String,
    pub author: Option<MessageAuthor>,
    pub body: String,
    pub attachments: Vec<Attachment>,
    pub created_at: DateTime<Utc>,
}

/// A chat. `messages` is filled by `GET /chats/{id}` only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatView {
    pub id: String,
    pub topic: String,
    pub topic_name: String,
    pub office_id: Option<String>,
    pub office_name: Option<String>,
    pub status: ChatStatus,
    pub citizen: ChatPerson,
    pub assignee: Option<ChatPerson>,
    /// The video booking the chat runs beside, if any.
    pub booking_id: Option<String>,
    pub started_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// A waiting chat's place in its office's queue (1 = next).
    pub queue_position: Option<u32>,
    /// The request the chat was turned into.
    pub request_id: Option<String>,
    pub protocol_number: Option<String>,
    /// The last message each side has read.
    pub citizen_read: Option<String>,
    pub staff_read: Option<String>,
    pub messages: Vec<ChatMessage>,
}

/// `POST /chats/{id}/messages` (JSON; multipart with `data` + `files` for attachments).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostChatMessage {
    pub body: String,
}

/// `POST /chats/{id}/actions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatActionRequest {
    pub action: ChatAction,
    /// `transfer`: the office to hand the chat to.
    #[serde(default)]
    pub office_id: Option<String>,
    /// `convert`: the request type (default: the chat's topic, or `informazioni`).
    #[serde(default, rename = "type")]
    pub type_code: Option<String>,
    /// `convert`: the request's subject (default: "Chat del …").
    #[serde(default)]
    pub subject: Option<String>,
}

/// `POST /chats/{id}/read`: the last message the caller has read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkChatRead {
    pub message_id: String,
}

/// `POST /realtime/tickets`: a single-use ticket to open the WebSocket at
/// `GET /realtime?ticket=…` (the access token never travels in a URL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RealtimeTicket {
    pub ticket: String,
    pub expires_at: DateTime<Utc>,
    /// Where to connect (`/api/v1/realtime?ticket=…`), relative to the API's origin.
    pub url: String,
}

/// One ICE server for `RTCPeerConnection` (the browser's `RTCIceServer`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IceServer {
    pub urls: Vec<String>,
    pub username: Option<String>,
    pub credential: Option<String>,
}

/// A video call as either party sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VideoCall {
    pub booking_id: String,
    pub reference: String,
    pub service_name: String,
    pub desk_name: String,
    pub citizen_name: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Ten minutes before the slot.
    pub opens_at: DateTime<Utc>,
    pub status: CallStatus,
    /// When the citizen accepted the call's conditions.
    pub conditions_accepted_at: Option<DateTime<Utc>>,
    pub waiting_since: Option<DateTime<Utc>>,
    pub admitted_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    /// Seconds between admission and the end.
    pub duration_seconds: Option<i64>,
    /// The chat beside the video (its messages, and the documents the citizen sent).
    pub chat: Option<ChatView>,
    /// Staff only: the request the call is linked to.
    pub request_id: Option<String>,
    pub citizen_id: Option<String>,
}

/// `POST /public/video/{code}/conditions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptCallConditions {
    /// Must be true: the citizen read that the call is not recorded and the privacy notice.
    pub accept: bool,
}

/// `POST /public/video/{code}/join` and `GET /bookings/{id}/call/join`: what a party
/// needs to connect: a WebSocket ticket and the ICE servers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallJoin {
    pub ticket: RealtimeTicket,
    pub ice_servers: Vec<IceServer>,
    /// `relay` when the tenant allows relayed media only, else `all`.
    pub ice_transport_policy: String,
    pub call: VideoCall,
}

/// `POST /bookings/{id}/call`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallActionRequest {
    pub action: CallAction,
    /// `link`: the citizen the call was with.
    #[serde(default)]
    pub citizen_id: Option<String>,
    /// `link` / `attach`: the request the call belongs to.
    #[serde(default)]
    pub request_id: Option<String>,
    /// `attach`: an attachment the citizen sent during the call, copied to the request.
    #[serde(default)]
    pub attachment_id: Option<String>,
}

/// What an operator does to a video call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CallAction {
    /// Let the waiting citizen in.
    Admit,
    /// Hang up for both.
    End,
    /// Link the call to a citizen and a request (the request's thread shows the call).
    Link,
    /// Copy a document the citizen sent to the linked request.
    Attach,
}

/// `GET /settings/video` / `PUT /settings/video`: the tenant's ICE servers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VideoSettings {
    /// `stun:host:port` addresses.
    pub stun_urls: Vec<String>,
    /// `turn:` / `turns:` addresses of a coturn server with `use-auth-secret`.
    pub turn_urls: Vec<String>,
    /// Whether a TURN secret is stored (it is never returned).
    pub turn_secret_set: bool,
    /// Media only through TURN (hides the parties' addresses from each other).
    pub relay_only: bool,
}

/// `PUT /settings/video`. `turn_secret` absent keeps the stored one; empty removes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveVideoSettings {
    #[serde(default)]
    pub stun_urls: Vec<String>,
    #[serde(default)]
    pub turn_urls: Vec<String>,
    #[serde(default)]
    pub turn_secret: Option<String>,
    #[serde(default)]
    pub relay_only: bool,
}

/// What the server sends on the WebSocket. Stored events carry an increasing `id`: send the
/// last one seen as `{"type":"resume","after":id}` after reconnecting to get what was
/// missed. Typing cues and call signals are not stored and have no id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RealtimeEvent {
    pub id: Option<i64>,
    /// `chat.created`, `chat.updated`, `chat.message`, `chat.read`, `chat.typing`,
    /// `call.updated`, `call.signal`, `hello`, `error`.
    #[serde(rename = "type")]
    pub kind: String,
    pub chat_id: Option<String>,
    pub booking_id: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
}
