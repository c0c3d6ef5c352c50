//! The notification channels besides e-mail: an HTTP SMS gateway and App IO. Both are
//! JSON over HTTPS (`reqwest`, rustls); the delivery id travels as an idempotency key.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::smtp::SendError;

/// The channels a notice can go out on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Email,
    Sms,
    AppIo,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::AppIo => "app_io",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "email" => Some(Self::Email),
            "sms" => Some(Self::Sms),
            "app_io" => Some(Self::AppIo),
            _ => None,
        }
    }
}

/// An SMS to send through the tenant's gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsPayload {
    pub url: String,
    pub sender: Option<String>,
    pub text: String,
}

/// A message for App IO (`POST {io_url}/messages`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IoPayload {
    pub url: String,
    pub subject: String,
    pub markdown: String,
}

fn client() -> reqwest::Client {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .connect_timeout(Duration::from_secs(10))
                .user_agent(concat!("Sportello/", env!("CARGO_PKG_VERSION")))
                .build()
                .unwrap_or_default()
        })
        .clone()
}

/// 429 and 5xx are worth retrying; other 4xx are not.
fn classify(status: reqwest::StatusCode, body: &str, what: &str) -> SendError {
    let detail = format!(
        "{what}: HTTP {status}: {}",
        body.chars().take(300).collect::<String>()
    );
    if status.as_u16() == 429 || status.is_server_error() {
        SendError::Transient(detail)
    } else {
        SendError::Permanent(detail)
    }
}

fn transport_error(e: &reqwest::Error, what: &str) -> SendError {
    SendError::Transient(format!("{what}: {e}"))
}

/// Sends an SMS: `POST url` with `{from, to, text, reference}` and `Authorization: Bearer`.
/// Returns the gateway's message id when it gives one.
pub async fn send_sms(
    p: &SmsPayload,
    token: Option<&str>,
    to: &str,
    reference: &str,
) -> Result<Option<String>, SendError> {
    let mut req = client()
        .post(&p.url)
        .header("Idempotency-Key", reference)
        .json(&serde_json::json!({
            "from": p.sender, "to": to, "text": p.text, "reference": reference,
        }));
    if let Some(t) = token.filter(|t| !t.is_empty()) {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.map_err(|e| transport_error(&e, "SMS"))?;
    let status = res.status();
    let body = res.text().await.unwrap_or_default();
    if !status.is_success() {
        return Err(classify(status, &body, "SMS"));
    }
    Ok(serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| {
            v.get("id")
                .map(|id| id.to_string().trim_matches('"').to_owned())
        }))
}

/// Sends an App IO message to a codice fiscale; returns IO's message id.
pub async fn send_io(
    p: &IoPayload,
    api_key: &str,
    fiscal_code: &str,
) -> Result<Option<String>, SendError> {
    let url = format!("{}/messages", p.url.trim_end_matches('/'));
    let res = client()
        .post(&url)
        .header("Ocp-Apim-Subscription-Key", api_key)
        .json(&serde_json::json!({
            "fiscal_code": fiscal_code,
            "feature_level_type": "STANDARD",
            "content": {"subject": p.subject, "markdown": p.markdown},
        }))
        .send()
        .await
        .map_err(|e| transport_error(&e, "App IO"))?;
    let status = res.status();
    let body = res.text().await.unwrap_or_default();
    if !status.is_success() {
        return Err(classify(status, &body, "App IO"));
    }
    Ok(serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("id").and_then(|id| id.as_str()).map(str::to_owned)))
}
