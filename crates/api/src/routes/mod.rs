//! HTTP routes, one module per resource. Handlers are thin: extract, call a service on a
//! blocking thread, map the result.

mod agenda;
mod answers;
mod audit;
mod auth;
mod chats;
mod documents;
mod drafts;
mod faq;
mod health;
mod identity;
mod imports;
mod mail;
mod mailboxes;
mod my_account;
mod offices;
mod pagopa;
mod pickups;
mod platform;
mod public;
mod realtime;
mod reconciliation;
mod registrations;
mod registry;
mod reminders;
mod requests;
mod riciclabolario;
mod routing;
mod settings;
mod taxpayer;
mod transparency;
mod users;
mod video;

use actix_web::web;
use utoipa_actix_web::service_config::ServiceConfig;

/// `/api/v1`: the documented public API.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(utoipa_actix_web::scope::scope("/api/v1").configure(|api| {
        auth::configure(api);
        identity::configure(api);
        registrations::configure(api);
        settings::configure(api);
        offices::configure(api);
        users::configure(api);
        routing::configure(api);
        audit::configure(api);
        platform::configure(api);
        documents::configure(api);
        faq::configure(api);
        public::configure(api);
        // Public content beyond documents and FAQ.
        transparency::configure(api);
        riciclabolario::configure(api);
        answers::configure(api);
        requests::configure(api);
        drafts::configure(api);
        registry::configure(api);
        mailboxes::configure(api);
        mail::configure(api);
        agenda::configure(api);
        pickups::configure(api);
        // The taxpayer's account.
        taxpayer::configure(api);
        my_account::configure(api);
        imports::configure(api);
        pagopa::configure(api);
        reconciliation::configure(api);
        reminders::configure(api);
        // Live chat, the video desk and the real-time connection.
        chats::configure(api);
        video::configure(api);
        realtime::configure(api);
        // Inside the scope, or the scope would answer 404 for it.
        api.route("/openapi.json", web::get().to(openapi_json));
    }));
}

/// The OpenAPI document, generated once.
async fn openapi_json() -> actix_web::HttpResponse {
    static SPEC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let body = SPEC.get_or_init(|| crate::startup::openapi_spec().to_json().unwrap_or_default());
    actix_web::HttpResponse::Ok()
        .content_type("application/json")
        .body(body.as_str())
}

/// Operational endpoints outside the OpenAPI document.
pub fn configure_plain(cfg: &mut web::ServiceConfig) {
    health::configure(cfg);
}

/// `?limit=` bounds for list endpoints.
pub(crate) fn page_limit(limit: Option<u32>) -> i64 {
    i64::from(limit.unwrap_or(50).clamp(1, 200))
}

/// `Content-Disposition: inline` with an RFC 5987 UTF-8 file name.
pub(crate) fn inline_disposition(filename: &str) -> String {
    disposition("inline", filename)
}

pub(crate) fn attachment_disposition(filename: &str) -> String {
    disposition("attachment", filename)
}

fn disposition(kind: &str, filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}
