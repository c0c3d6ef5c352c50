use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::NamedRef;
use crate::catalogue::{Channel, RequestKind};
use crate::deadline::{DeadlineStatus, LatenessCause};
use crate::lifecycle::{ActionKind, Role, Status};

/// Type of an input in a request form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Textarea,
    Number,
    Date,
    Select,
    Checkbox,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldOption {
    pub value: String,
    pub label: String,
}

/// One input of a request type's form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldDef {
    pub name: String,
    pub label: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<FieldOption>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// A type of request the tenant accepts (`GET /request-types`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestType {
    /// The tenant's own code, e.g. `tari_reclamo`.
    pub code: String,
    pub kind: RequestKind,
    pub name: String,
    pub description: String,
    /// Working days to answer (the tenant's TQRIF standard); none for some kinds.
    pub standard_days: Option<u32>,
    pub fields: Vec<FieldDef>,
}

/// `POST /requests`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateRequest {
    /// A request-type code from `GET /request-types`.
    #[serde(rename = "type")]
    pub type_code: String,
    pub subject: String,
    pub description: String,
    /// Values for the type's form fields, by field name.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub fields: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub utenza_id: Option<String>,
    /// Operators only: the citizen the request is registered for (default: the tenant's
    /// generic contribuente).
    #[serde(default)]
    pub citizen_id: Option<String>,
    /// Operators only: `phone`, `desk` or `post`; citizens file with `portal` or `api`.
    #[serde(default)]
    pub channel: Option<Channel>,
    /// Operators only, for phone/desk/post: when it was actually received (never future).
    #[serde(default)]
    pub received_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CitizenSummary {
    pub id: String,
    pub name: String,
    pub fiscal_code: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// SPID or CIE identifications of the citizen; given by `GET /requests/{id}` (lists
    /// leave it empty).
    #[serde(default)]
    pub identities: Vec<crate::api::Identification>,
}

/// A request (istanza) as its citizen and the desk see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestView {
    pub id: String,
    /// `YYYY/NNNNNNN`, gapless per tenant and year.
    pub protocol_number: String,
    #[serde(rename = "type")]
    pub type_code: String,
    pub type_name: String,
    pub kind: RequestKind,
    pub channel: Channel,
    pub status: Status,
    pub subject: String,
    pub description: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub fields: BTreeMap<String, serde_json::Value>,
    pub citizen: Option<CitizenSummary>,
    pub office: Option<NamedRef>,
    pub assignee: Option<NamedRef>,
    pub received_at: DateTime<Utc>,
    pub standard_days: Option<u32>,
    pub due_date: Option<NaiveDate>,
    /// For open requests with a deadline.
    pub deadline_status: Option<DeadlineStatus>,
    pub working_days_left: Option<i64>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub lateness_cause: Option<LatenessCause>,
    pub updated_at: DateTime<Utc>,
    /// What the caller may do with it now (the server enforces the same rule).
    #[serde(default)]
    pub allowed: crate::lifecycle::Allowed,
    /// "Mittente non verificato": filed from a mail whose sender could not be
    /// authenticated, so under the generic contribuente and unanswered until an operator
    /// links it to a citizen (`POST /requests/{id}/sender`).
    pub sender_unverified: bool,
}

/// One request in a list (`GET /requests`: a citizen's own requests, the desk's queue):
/// what a list row shows. The fields mean and are encoded as in [`RequestView`]; the whole
/// request (description, form fields, contact, history of its clock, what the caller may
/// do) is at `GET /requests/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestSummary {
    pub id: String,
    /// `YYYY/NNNNNNN`, gapless per tenant and year.
    pub protocol_number: String,
    #[serde(rename = "type")]
    pub type_code: String,
    pub type_name: String,
    pub kind: RequestKind,
    pub status: Status,
    pub subject: String,
    /// Who the request is registered for (name only; contacts are in the full request).
    pub citizen: Option<NamedRef>,
    pub office: Option<NamedRef>,
    pub assignee: Option<NamedRef>,
    pub received_at: DateTime<Utc>,
    pub due_date: Option<NaiveDate>,
    /// For open requests with a deadline.
    pub deadline_status: Option<DeadlineStatus>,
    pub working_days_left: Option<i64>,
}

/// `POST /requests/{id}/sender`: the operator has checked who wrote an unverified mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkSender {
    /// The citizen account the mail belongs to.
    pub citizen_id: String,
    /// An open request of that citizen to merge the mail into (its messages move there and
    /// this request is rejected as merged into it); without it the request itself is assigned to the
    /// citizen.
    #[serde(default)]
    pub merge_into: Option<String>,
}

/// Per-status counters of the operator queue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueCounts {
    pub by_status: BTreeMap<String, u64>,
    pub overdue: u64,
    pub due_soon: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageAuthor {
    pub id: Option<String>,
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub id: String,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    /// Where to download it (same authorisation as the request).
    pub url: String,
    pub created_at: DateTime<Utc>,
}

/// One entry of a request's conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageView {
    pub id: String,
    pub author: MessageAuthor,
    pub body: String,
    /// Internal notes are seen by operators only.
    pub internal: bool,
    pub created_at: DateTime<Utc>,
    pub attachments: Vec<Attachment>,
}

/// `POST /requests/{id}/messages` (JSON; multipart with `data` + `files` for attachments).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateMessage {
    pub body: String,
    #[serde(default)]
    pub internal: bool,
}

/// `POST /requests/{id}/transitions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransitionRequest {
    pub action: ActionKind,
    #[serde(default)]
    pub office_id: Option<String>,
    #[serde(default)]
    pub assignee_id: Option<String>,
    /// For `reclassify`: the new request-type code.
    #[serde(default, rename = "type")]
    pub type_code: Option<String>,
    /// Public reply for `resolve` and `request_info`, reason for `reject`, note otherwise.
    #[serde(default)]
    pub note: Option<String>,
    /// For a late `resolve`: why it is late.
    #[serde(default)]
    pub cause: Option<LatenessCause>,
}

/// One stored transition (the request's history).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransitionView {
    pub id: String,
    pub action: ActionKind,
    pub from_status: Status,
    pub to_status: Status,
    pub actor: MessageAuthor,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}
