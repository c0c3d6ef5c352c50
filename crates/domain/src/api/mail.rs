//! Mail, PEC, SMS and App IO: mailboxes, e-mail from the console, the mails of a thread,
//! citizens' notification preferences and the tenant's notification channels.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::delivery::{DeliveryChannel, DeliveryStatus, MailDirection, MailOutcome, PecReceipt};

/// An ordinary e-mail mailbox or a PEC (posta elettronica certificata) one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Text)
)]
pub enum MailboxKind {
    Email,
    Pec,
}

impl MailboxKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Pec => "pec",
        }
    }
}

/// How to talk to a mail server: implicit TLS, STARTTLS, or plain text (loopback only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Text)
)]
pub enum MailSecurity {
    Tls,
    Starttls,
    Plain,
}

impl MailSecurity {
    pub fn code(self) -> &'static str {
        match self {
            Self::Tls => "tls",
            Self::Starttls => "starttls",
            Self::Plain => "plain",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "tls" => Some(Self::Tls),
            "starttls" => Some(Self::Starttls),
            "plain" => Some(Self::Plain),
            _ => None,
        }
    }
}

/// A mailbox as the administrator sees it (`GET /mailboxes`); passwords are never shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mailbox {
    pub id: String,
    pub name: String,
    pub kind: MailboxKind,
    /// The address citizens write to, e.g. `protocollo@comune.example.it`.
    pub address: String,
    pub imap_host: Option<String>,
    pub imap_port: u16,
    pub imap_security: MailSecurity,
    pub imap_username: Option<String>,
    pub imap_password_set: bool,
    pub imap_folder: String,
    pub smtp_host: Option<String>,
    pub smtp_port: u16,
    pub smtp_security: MailSecurity,
    pub smtp_username: Option<String>,
    pub smtp_password_set: bool,
    /// Polled for new mail.
    pub inbound_enabled: bool,
    /// Sends the tenant's notifications.
    pub outbound_default: bool,
    /// Contribuente of new requests from verified senders without an account (default: the
    /// generic one).
    pub default_citizen_id: Option<String>,
    /// The authserv-id (RFC 8601) the mailbox's provider stamps on its
    /// `Authentication-Results` headers; without it no sender counts as verified.
    pub authserv_id: Option<String>,
    /// PEC: the providers' certificates (PEM) whose S/MIME signature makes an envelope
    /// authentic.
    pub pec_certificates: Option<String>,
    /// Highest IMAP UID processed.
    pub last_uid: u64,
    pub last_polled_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// `POST /mailboxes`, `PUT /mailboxes/{id}`. A password left out (or null) keeps the stored one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveMailbox {
    pub name: String,
    pub kind: MailboxKind,
    pub address: String,
    #[serde(default)]
    pub imap_host: Option<String>,
    #[serde(default)]
    pub imap_port: Option<u16>,
    #[serde(default)]
    pub imap_security: Option<MailSecurity>,
    #[serde(default)]
    pub imap_username: Option<String>,
    #[serde(default)]
    pub imap_password: Option<String>,
    #[serde(default)]
    pub imap_folder: Option<String>,
    #[serde(default)]
    pub smtp_host: Option<String>,
    #[serde(default)]
    pub smtp_port: Option<u16>,
    #[serde(default)]
    pub smtp_security: Option<MailSecurity>,
    #[serde(default)]
    pub smtp_username: Option<String>,
    #[serde(default)]
    pub smtp_password: Option<String>,
    #[serde(default = "yes")]
    pub inbound_enabled: bool,
    #[serde(default)]
    pub outbound_default: bool,
    #[serde(default)]
    pub default_citizen_id: Option<String>,
}

fn yes() -> bool {
    true
}

/// `POST /mailboxes`, `PUT /mailboxes/{id}`: the mailbox and how its senders are
/// authenticated. An authentication setting left out (or null) keeps the stored one; `""`
/// clears it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveMailboxSettings {
    #[serde(flatten)]
    pub mailbox: SaveMailbox,
    /// What the Comune's mail provider writes as authserv-id in the `Authentication-Results`
    /// header it adds on arrival, e.g. `mx.provider.it`. Only the topmost header, with this
    /// id, is believed, and a sender counts as verified when DMARC (or an aligned DKIM
    /// signature) passed for the `From` domain.
    #[serde(default)]
    pub authserv_id: Option<String>,
    /// PEC mailboxes: one or more PEM certificates (`-----BEGIN CERTIFICATE-----`) of the
    /// PEC providers or of their CAs. An envelope (certified message or receipt) is
    /// authentic when its S/MIME signature is made by one of them, or by a certificate
    /// they issued.
    #[serde(default)]
    pub pec_certificates: Option<String>,
}

/// The outcome of one check of "test connection".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectionCheck {
    pub ok: bool,
    /// What the server said, or why it failed (null when not configured).
    pub detail: Option<String>,
}

/// `POST /mailboxes/{id}/test`: IMAP login and folder, SMTP greeting and login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectionTest {
    pub imap: Option<ConnectionCheck>,
    pub smtp: Option<ConnectionCheck>,
}

/// Whether the operator answers the citizen or forwards the request to someone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MailMode {
    /// A public reply: stored in the thread and mailed (default: to the citizen).
    Reply,
    /// A forward with the conversation: stored as an internal note.
    Forward,
}

/// `POST /requests/{id}/mail` (JSON, or multipart with `data` + `files`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendMail {
    pub mode: MailMode,
    /// Recipients; for a reply, empty means the request's citizen.
    #[serde(default)]
    pub to: Vec<String>,
    #[serde(default)]
    pub cc: Vec<String>,
    /// Default: `[Prot. …] <request subject>`.
    #[serde(default)]
    pub subject: Option<String>,
    pub body: String,
    /// Attachments of the request to include.
    #[serde(default)]
    pub attachment_ids: Vec<String>,
}

/// What `POST /requests/{id}/mail` queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailQueued {
    /// The thread message that records it.
    pub message_id: String,
    /// The delivery that sends it (see `GET /requests/{id}/mails`).
    pub delivery_id: String,
    /// The `Message-ID` header of the mail.
    pub mail_message_id: String,
}

/// `POST /requests/{id}/export/mail`: mail the conversation PDF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailExport {
    pub to: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// One e-mail of a request's thread, sent or received, with its original.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailView {
    pub id: String,
    pub direction: MailDirection,
    /// The `Message-ID` header.
    pub message_id: String,
    /// The thread message it became or came from, if any.
    pub thread_message_id: Option<String>,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub outcome: MailOutcome,
    /// PEC: `posta-certificata` or the receipt type.
    pub pec_type: Option<String>,
    /// Outgoing PEC: the last receipt.
    pub pec_status: Option<PecReceipt>,
    /// PEC: the `daticert.xml` data.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub pec_meta: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
    /// Download of the original `.eml` (`message/rfc822`).
    pub eml_url: Option<String>,
    /// The header section as text.
    pub headers_url: String,
}

/// A message queued on a channel, as the desk sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryView {
    pub id: String,
    pub channel: DeliveryChannel,
    pub recipient: String,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A citizen's notification channels (`GET|PUT /me/preferences`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationPreferences {
    pub email: bool,
    /// SMS to the phone number of the profile.
    pub sms: bool,
    /// Messages in the IO app (by codice fiscale).
    pub app_io: bool,
    /// `it` or `en`.
    pub lang: String,
}

/// The tenant's SMS gateway, App IO service and portal address (`GET|PUT /notification-channels`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationChannels {
    /// HTTP SMS gateway: a JSON POST `{from, to, text, reference}` with `Authorization: Bearer`.
    pub sms_url: Option<String>,
    pub sms_sender: Option<String>,
    pub sms_token_set: bool,
    /// App IO base URL, e.g. `https://api.io.pagopa.it/api/v1`.
    pub io_url: Option<String>,
    pub io_api_key_set: bool,
    /// Public address of the portal, for links in messages.
    pub public_url: Option<String>,
}

/// `PUT /notification-channels`: secrets left out (or null) are kept; `""` clears them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveNotificationChannels {
    #[serde(default)]
    pub sms_url: Option<String>,
    #[serde(default)]
    pub sms_sender: Option<String>,
    #[serde(default)]
    pub sms_token: Option<String>,
    #[serde(default)]
    pub io_url: Option<String>,
    #[serde(default)]
    pub io_api_key: Option<String>,
    #[serde(default)]
    pub public_url: Option<String>,
}
