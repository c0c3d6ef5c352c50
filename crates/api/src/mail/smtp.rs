//! Sending e-mail over SMTP with `lettre`: the message is built from a stored payload with
//! its stable `Message-ID`, so a retry after a crash sends the same mail again, which mail
//! clients collapse, instead of a new one.

use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::api::MailSecurity;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

use crate::db::models::MailboxRow;
use crate::egress::{Egress, Failure};
use crate::secret_key::{Column, SecretKey};
use crate::storage::FileStore;

/// A file attached to an outgoing mail, read from the file store when sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayloadFile {
    pub filename: String,
    pub content_type: String,
    pub storage_key: String,
}

/// Everything needed to (re)build one outgoing mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailPayload {
    /// The mailbox that sends it; none: the server-wide `SPORTELLO_SMTP_URL`.
    pub mailbox_id: Option<String>,
    pub from: String,
    pub from_name: String,
    pub to: Vec<String>,
    #[serde(default)]
    pub cc: Vec<String>,
    pub reply_to: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub in_reply_to: Option<String>,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub attachments: Vec<PayloadFile>,
    /// RFC 3834 `Auto-Submitted: auto-generated` (notifications, acknowledgements).
    pub auto_submitted: bool,
    pub date: DateTime<Utc>,
    /// The thread message this mail carries (operator replies and forwards).
    #[serde(default)]
    pub thread_message_id: Option<String>,
}

#[derive(Debug, Clone)]
struct AutoSubmitted(String);

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `X-Auto-Response-Suppress: All`: asks Exchange and others not to auto-answer us.
#[derive(Debug, Clone)]
struct SuppressAutoResponse;

impl Header for SuppressAutoResponse {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Auto-Response-Suppress")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "All".to_owned())
    }
}

fn mailbox(name: &str, addr: &str) -> anyhow::Result<Mailbox> {
    let address = addr.parse()?;
    let name = name.trim();
    Ok(Mailbox::new(
        (!name.is_empty()).then(|| name.to_owned()),
        address,
    ))
}

/// Builds the mail (headers, text and HTML alternatives, attachments).
pub fn build(p: &EmailPayload, message_id: &str, files: &dyn FileStore) -> anyhow::Result<Message> {
    let mut b = Message::builder()
        .from(mailbox(&p.from_name, &p.from)?)
        .subject(p.subject.clone())
        .message_id(Some(format!("<{message_id}>")))
        .date(p.date.into());
    for to in &p.to {
        b = b.to(mailbox("", to)?);
    }
    for cc in &p.cc {
        b = b.cc(mailbox("", cc)?);
    }
    if let Some(r) = &p.reply_to {
        b = b.reply_to(mailbox(&p.from_name, r)?);
    }
    if let Some(irt) = &p.in_reply_to {
        b = b.in_reply_to(format!("<{irt}>"));
    }
    if !p.references.is_empty() {
        b = b.references(
            p.references
                .iter()
                .map(|r| format!("<{r}>"))
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    if p.auto_submitted {
        b = b
            .header(AutoSubmitted("auto-generated".into()))
            .header(SuppressAutoResponse);
    }
    let body = match &p.html {
        Some(html) => MultiPart::alternative_plain_html(p.text.clone(), html.clone()),
        None => MultiPart::mixed().singlepart(SinglePart::plain(p.text.clone())),
    };
    let message = if p.attachments.is_empty() {
        b.multipart(body)?
    } else {
        let mut mixed = MultiPart::mixed().multipart(body);
        for f in &p.attachments {
            let bytes = files.get(&f.storage_key)?;
            let ct = ContentType::parse(&f.content_type)
                .unwrap_or_else(|_| ContentType::parse("application/octet-stream").expect("valid"));
            mixed = mixed.singlepart(Attachment::new(f.filename.clone()).body(bytes, ct));
        }
        b.multipart(mixed)?
    };
    Ok(message)
}

/// Where and how to connect.
#[derive(Clone)]
pub struct SmtpServer {
    pub host: String,
    pub port: u16,
    pub security: MailSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
}

impl std::fmt::Debug for SmtpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpServer")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .finish_non_exhaustive()
    }
}

impl SmtpServer {
    /// The mailbox's SMTP server, with its password opened; `None` without one.
    pub fn of_mailbox(m: &MailboxRow, key: &SecretKey) -> Result<Option<Self>, Failure> {
        let Some(host) = m.smtp_host.clone() else {
            return Ok(None);
        };
        let password = key
            .open_opt(m.smtp_password.as_deref(), Column::SmtpPassword, &m.id)
            .map_err(|e| Failure::Secret.because("SMTP", &e))?;
        Ok(Some(Self {
            host,
            port: u16::try_from(m.smtp_port).unwrap_or(465),
            security: MailSecurity::parse(&m.smtp_security).unwrap_or(MailSecurity::Tls),
            username: m.smtp_username.clone().filter(|u| !u.is_empty()),
            password,
        }))
    }
}

pub type Transport = AsyncSmtpTransport<Tokio1Executor>;

const TIMEOUT: Duration = Duration::from_secs(60);

/// A transport to a tenant's SMTP server, through the egress policy: the host is resolved
/// and checked here, and the connection goes to the checked address (TLS still verifies
/// the certificate against the host name), so a second lookup cannot land elsewhere.
pub async fn transport(
    server: &SmtpServer,
    helo_domain: &str,
    egress: &Egress,
) -> Result<Transport, Failure> {
    egress
        .check_mail_host(&server.host, server.security)
        .map_err(Failure::Refused)?;
    let addr = egress.resolve(&server.host, server.port).await?[0];
    let name = server
        .host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let params = || TlsParameters::new(name.clone()).map_err(|e| Failure::Tls.because("SMTP", &e));
    let tls = match server.security {
        MailSecurity::Plain => Tls::None,
        MailSecurity::Tls => Tls::Wrapper(params()?),
        MailSecurity::Starttls => Tls::Required(params()?),
    };
    let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(addr.ip().to_string())
        .port(server.port)
        .tls(tls)
        .timeout(Some(TIMEOUT))
        .hello_name(ClientId::Domain(helo_domain.to_owned()));
    if let Some(u) = &server.username {
        b = b.credentials(Credentials::new(
            u.clone(),
            server.password.clone().unwrap_or_default(),
        ));
    }
    Ok(b.build())
}

/// The server-wide transport from `SPORTELLO_SMTP_URL`.
pub fn transport_from_url(url: &str) -> anyhow::Result<Transport> {
    Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
        .timeout(Some(TIMEOUT))
        .build())
}

/// The outcome of one send, classified for retries.
#[derive(Debug)]
pub enum SendError {
    /// Worth retrying later (connection refused, 4xx, timeouts).
    Transient(String),
    /// The server refused the mail for good (5xx).
    Permanent(String),
}

/// What an SMTP error says, in our words: the reply code, never the server's text.
fn describe(e: &lettre::transport::smtp::Error) -> String {
    let what = match e.status() {
        Some(code) if e.is_permanent() => format!("refused by the server (code {code})"),
        Some(code) => format!("temporarily refused by the server (code {code})"),
        None if e.is_timeout() => "timed out".to_owned(),
        None if e.is_tls() => Failure::Tls.to_string(),
        None if e.is_response() => Failure::Protocol.to_string(),
        None => Failure::Connect.to_string(),
    };
    tracing::warn!(integration = "SMTP", failure = %what, detail = %e, "integration failed");
    format!("SMTP: {what}")
}

pub async fn send(transport: &Transport, message: &Message) -> Result<String, SendError> {
    let envelope = message.envelope().clone();
    let bytes = message.formatted();
    match transport.send_raw(&envelope, &bytes).await {
        Ok(resp) => Ok(format!("SMTP {}", resp.code())),
        Err(e) if e.is_permanent() => Err(SendError::Permanent(describe(&e))),
        Err(e) => Err(SendError::Transient(describe(&e))),
    }
}

/// "Test connection": greeting, EHLO, TLS and login.
pub async fn test(transport: &Transport) -> Result<String, String> {
    match transport.test_connection().await {
        Ok(true) => Ok("SMTP OK".to_owned()),
        Ok(false) => Err(format!("SMTP: {}", Failure::Protocol)),
        Err(e) => Err(describe(&e)),
    }
}
