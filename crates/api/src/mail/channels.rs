//! The notification channels besides e-mail: an HTTP SMS gateway and App IO. Both are
//! JSON over HTTPS through the egress policy's shared client ([`crate::egress`]); the
//! delivery id travels as an idempotency key. What the remote answers is read for its
//! message id only: errors are recorded as a status and a category, never its body.

use serde::{Deserialize, Serialize};

use super::smtp::SendError;
use crate::egress::{self, Egress};

/// The channels a notice can go out on (stored by their code).
pub use domain::delivery::DeliveryChannel as Channel;

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
    /// A payment notice's due date (`2025-05-31T00:00:00.000Z`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
    /// The notice IO shows with its "Paga" button.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_data: Option<IoPaymentData>,
}

/// App IO's `payment_data`: amount in cents, the notice number (`^[0123]\d{17}$`) and the
/// payee's fiscal code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IoPaymentData {
    pub amount: i64,
    pub notice_number: String,
    pub invalid_after_due_date: bool,
    pub payee_fiscal_code: String,
}

impl IoPayload {
    /// The `content` of `POST /messages`.
    fn content(&self) -> serde_json::Value {
        let mut content = serde_json::json!({"subject": self.subject, "markdown": self.markdown});
        if let Some(d) = &self.due_date {
            content["due_date"] = serde_json::json!(d);
        }
        if let Some(p) = &self.payment_data {
            content["payment_data"] = serde_json::json!({
                "amount": p.amount, "notice_number": p.notice_number,
                "invalid_after_due_date": p.invalid_after_due_date,
                "payee": {"fiscal_code": p.payee_fiscal_code},
            });
        }
        content
    }
}

/// A response that is not a success, by status: 429 and 5xx are worth retrying; other
/// 4xx are not, nor are redirects (never followed: the gateway's address is the one saved).
fn classify(status: reqwest::StatusCode, what: &str) -> SendError {
    let code = status.as_u16();
    let category = match code {
        300..=399 => "redirect not followed",
        401 | 403 => "credentials refused",
        404 => "address not found on the server",
        429 => "rate limited",
        500..=599 => "server error",
        _ => "request refused",
    };
    let detail = format!("{what}: HTTP {code} ({category})");
    if code == 429 || status.is_server_error() {
        SendError::Transient(detail)
    } else {
        SendError::Permanent(detail)
    }
}

fn transport_error(e: &reqwest::Error, what: &str) -> SendError {
    if let Some(refusal) = egress::refusal_in(e) {
        return SendError::Permanent(format!("{what}: {refusal}"));
    }
    let category = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "transport error"
    };
    // The cause without the URL, which may carry a key in its query.
    let cause = std::error::Error::source(e).map(ToString::to_string);
    tracing::warn!(integration = what, failure = category, cause = ?cause, "integration failed");
    SendError::Transient(format!("{what}: {category}"))
}

/// The URL, checked again at send time: the installation's policy may have changed since
/// it was saved, and addresses written in the URL never reach the client's resolver.
fn checked(egress: &Egress, url: &str, what: &str) -> Result<reqwest::Url, SendError> {
    egress
        .check_url(url)
        .map_err(|r| SendError::Permanent(format!("{what}: {r}")))
}

/// Sends an SMS: `POST url` with `{from, to, text, reference}` and `Authorization: Bearer`.
/// Returns the gateway's message id when it gives one.
pub async fn send_sms(
    egress: &Egress,
    p: &SmsPayload,
    token: Option<&str>,
    to: &str,
    reference: &str,
) -> Result<Option<String>, SendError> {
    let url = checked(egress, &p.url, "SMS")?;
    let mut req = egress
        .client()
        .post(url)
        .header("Idempotency-Key", reference)
        .json(&serde_json::json!({
            "from": p.sender, "to": to, "text": p.text, "reference": reference,
        }));
    if let Some(t) = token.filter(|t| !t.is_empty()) {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.map_err(|e| transport_error(&e, "SMS"))?;
    let status = res.status();
    if !status.is_success() {
        return Err(classify(status, "SMS"));
    }
    let body = res.text().await.unwrap_or_default();
    Ok(serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| {
            v.get("id")
                .map(|id| id.to_string().trim_matches('"').to_owned())
        }))
}

/// Sends an App IO message to a codice fiscale; returns IO's message id.
pub async fn send_io(
    egress: &Egress,
    p: &IoPayload,
    api_key: &str,
    fiscal_code: &str,
) -> Result<Option<String>, SendError> {
    let url = checked(
        egress,
        &format!("{}/messages", p.url.trim_end_matches('/')),
        "App IO",
    )?;
    let res = egress
        .client()
        .post(url)
        .header("Ocp-Apim-Subscription-Key", api_key)
        .json(&serde_json::json!({
            "fiscal_code": fiscal_code,
            "feature_level_type": "STANDARD",
            "content": p.content(),
        }))
        .send()
        .await
        .map_err(|e| transport_error(&e, "App IO"))?;
    let status = res.status();
    if !status.is_success() {
        return Err(classify(status, "App IO"));
    }
    let body = res.text().await.unwrap_or_default();
    Ok(serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("id").and_then(|id| id.as_str()).map(str::to_owned)))
}
