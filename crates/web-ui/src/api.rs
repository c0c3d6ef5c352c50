//! The one typed client of the REST API (`/api/v1`, DESIGN.md §4), over the shared DTOs.
//!
//! The access token lives only in memory (never in storage, so a script injected into the
//! page cannot read it back later); the refresh token is an HttpOnly cookie the browser
//! sends by itself. On a 401 the client refreshes once and retries.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;

use domain::api::{
    Act, Adjustment, Contribuente, ContribuenteDetail, CreateAdjustment, CreateImport,
    CreatePayment, ImportView, Payment, PlanProposal, PlanRequestView, Statement, Utenza,
};
use domain::api::{
    AuditEntry, ConnectionTest, CreateMessage, CreateRequest, CreateUser, Document, Faq,
    LinkSender, LoginRequest, MailExport, MailQueued, MailView, Mailbox, Me, MessageView,
    NotificationChannels, NotificationPreferences, Office, Page, PasswordResetConfirm,
    PasswordResetRequest, Problem, PublicTenant, QueueCounts, RegisterData, Registration,
    RegistrationAccepted, RejectRegistration, RequestSummary, RequestType, RequestView,
    RoutingRule, SaveFaq, SaveMailboxSettings, SaveNotificationChannels, SaveOffice, SendMail,
    Settings, TokenResponse, TransitionRequest, TransitionView, UpdateSettings, UpdateUser, User,
};
use domain::registry::RegisterReport;
use domain::{Lang, Role};
use futures::FutureExt;
use futures::future::{LocalBoxFuture, Shared};
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;

use crate::upload;

mod agenda;
pub use agenda::*;
mod reconciliation;
pub use reconciliation::*;

mod pagopa;
pub use pagopa::*;

mod content;
pub use content::*;
pub mod content_admin;
// Live chat.
pub mod chat;
// The video desk's ICE servers (administrators).
mod video_settings;
pub use video_settings::*;
mod platform;
pub use platform::*;
mod drafts;
pub use drafts::*;

pub const BASE: &str = "/api/v1";

thread_local! {
    static TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
    static LANG: Cell<Lang> = const { Cell::new(Lang::It) };
    static REFRESHING: RefCell<Option<Shared<LocalBoxFuture<'static, bool>>>> = const { RefCell::new(None) };
    static ON_SESSION_LOST: RefCell<Option<Rc<dyn Fn()>>> = const { RefCell::new(None) };
}

pub fn set_lang(lang: Lang) {
    LANG.with(|l| l.set(lang));
}

pub fn lang_tag() -> &'static str {
    match LANG.with(Cell::get) {
        Lang::It => "it",
        Lang::En => "en",
    }
}

pub fn token() -> Option<String> {
    TOKEN.with(|t| t.borrow().clone())
}

pub fn set_token(token: Option<String>) {
    TOKEN.with(|t| *t.borrow_mut() = token);
}

/// Called when a refresh fails: the session is over and the UI must forget the user.
pub fn on_session_lost(f: impl Fn() + 'static) {
    ON_SESSION_LOST.with(|h| *h.borrow_mut() = Some(Rc::new(f)));
}

/// Why a call failed. `Problem` carries the server's RFC 9457 body (or one built from the
/// status line when the body is not problem+json), including field-level errors.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    Network(String),
    Problem(Problem),
    Decode(String),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Network(m) | Self::Decode(m) => f.write_str(m),
            Self::Problem(p) => match &p.detail {
                Some(d) => write!(f, "{}: {d}", p.title),
                None => f.write_str(&p.title),
            },
        }
    }
}

impl std::error::Error for ApiError {}

pub type ApiResult<T> = Result<T, ApiError>;

/// What a request carries, kept so the request can be replayed after a refresh.
/// (Multipart bodies go through [`crate::upload`], which reports progress.)
#[derive(Clone)]
pub enum Body {
    Empty,
    Json(String),
}

impl Body {
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Self {
        Self::Json(serde_json::to_string(value).unwrap_or_default())
    }
}

fn url(path: &str) -> String {
    format!("{BASE}{path}")
}

async fn send_once(
    method: &Method,
    path: &str,
    body: &Body,
    idempotency_key: Option<&str>,
) -> ApiResult<Response> {
    let mut builder = RequestBuilder::new(&url(path))
        .method(method.clone())
        .header("Accept", "application/json, application/problem+json")
        .header("Accept-Language", lang_tag());
    if let Some(token) = token() {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    if let Some(key) = idempotency_key {
        builder = builder.header("Idempotency-Key", key);
    }
    let request = match body {
        Body::Empty => builder.build(),
        Body::Json(json) => builder
            .header("Content-Type", "application/json")
            .body(json.clone()),
    }
    .map_err(|e| ApiError::Network(e.to_string()))?;
    request
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))
}

/// Sends, refreshing the session once on 401 (except for the auth endpoints themselves).
async fn send(method: Method, path: &str, body: Body) -> ApiResult<Response> {
    send_keyed(method, path, body, None).await
}

async fn send_keyed(
    method: Method,
    path: &str,
    body: Body,
    idempotency_key: Option<&str>,
) -> ApiResult<Response> {
    let response = send_once(&method, path, &body, idempotency_key).await?;
    if response.status() == 401 && !path.starts_with("/auth/") && refresh().await {
        let retried = send_once(&method, path, &body, idempotency_key).await?;
        if retried.status() == 401 {
            session_lost();
        }
        return Ok(retried);
    }
    Ok(response)
}

/// Reads a success body as `T` (an empty body reads as JSON `null`, so `()` works), or an
/// error body as a [`Problem`].
pub async fn decode<T: DeserializeOwned>(response: Response) -> ApiResult<T> {
    parse(&read_ok(response).await?)
}

/// The body of a successful response as text, or the problem an error response reports.
/// Not generic: the waiting is compiled once, and each decoded type adds only its parsing
/// (every type read from the API would otherwise carry its own copy of it).
async fn read_ok(response: Response) -> ApiResult<String> {
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if response.ok() {
        Ok(text)
    } else {
        Err(problem_from(status, &response.status_text(), &text))
    }
}

fn parse<T: DeserializeOwned>(text: &str) -> ApiResult<T> {
    let text = if text.trim().is_empty() { "null" } else { text };
    serde_json::from_str(text).map_err(|e| ApiError::Decode(e.to_string()))
}

pub fn problem_from(status: u16, status_text: &str, body: &str) -> ApiError {
    ApiError::Problem(
        serde_json::from_str::<Problem>(body).unwrap_or_else(|_| Problem {
            problem_type: "about:blank".to_owned(),
            title: if status_text.is_empty() {
                format!("HTTP {status}")
            } else {
                status_text.to_owned()
            },
            status,
            detail: None,
            errors: Vec::new(),
        }),
    )
}

pub async fn call<T: DeserializeOwned>(method: Method, path: &str, body: Body) -> ApiResult<T> {
    parse(&call_text(method, path, body).await?)
}

/// [`call`] up to the body's text.
async fn call_text(method: Method, path: &str, body: Body) -> ApiResult<String> {
    read_ok(send(method, path, body).await?).await
}

pub async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    call(Method::GET, path, Body::Empty).await
}

/// A list the API answers as a bare array (request types, offices, documents, FAQ,
/// transitions, routing rules).
pub async fn get_list<T: DeserializeOwned>(path: &str) -> ApiResult<Vec<T>> {
    get::<Vec<T>>(path).await
}

/// Every item of a paginated list (`{items, next_cursor}`), following the cursors: a
/// thread or a list of staff is read whole. At most `MAX_PAGES` pages, against a loop.
pub async fn get_all<T: DeserializeOwned>(path: &str) -> ApiResult<Vec<T>> {
    const MAX_PAGES: usize = 50;
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut items = Vec::new();
    let mut page: Page<T> = get(path).await?;
    for _ in 1..MAX_PAGES {
        items.append(&mut page.items);
        let Some(cursor) = page.next_cursor.take() else {
            return Ok(items);
        };
        page = get(&format!("{path}{sep}cursor={}", enc(&cursor))).await?;
    }
    items.append(&mut page.items);
    Ok(items)
}

/// One refresh at a time: parallel 401s wait for the same attempt, so a rotating refresh
/// token is not spent twice.
pub async fn refresh() -> bool {
    let shared = REFRESHING.with(|r| {
        r.borrow_mut()
            .get_or_insert_with(|| refresh_now().boxed_local().shared())
            .clone()
    });
    let ok = shared.await;
    REFRESHING.with(|r| *r.borrow_mut() = None);
    if !ok && token().is_some() {
        session_lost();
    }
    ok
}

/// The server refused the session (a failed refresh, or a 401 even after one): the
/// account was deactivated, its password reset, or the session expired.
pub fn session_lost() {
    set_token(None);
    if let Some(hook) = ON_SESSION_LOST.with(|h| h.borrow().clone()) {
        hook();
    }
}

async fn refresh_now() -> bool {
    let Ok(response) = send_once(&Method::POST, "/auth/refresh", &Body::Empty, None).await else {
        return false;
    };
    match decode::<TokenResponse>(response).await {
        Ok(t) => {
            set_token(Some(t.access_token));
            true
        }
        Err(_) => false,
    }
}

/// Percent-encodes a query from the non-empty pairs.
pub fn query(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", js_sys::encode_uri_component(v)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

// ---- public -------------------------------------------------------------------------

pub async fn tenant() -> ApiResult<PublicTenant> {
    get("/public/tenant").await
}

pub async fn request_types() -> ApiResult<Vec<RequestType>> {
    get_list("/request-types").await
}

pub async fn documents() -> ApiResult<Vec<Document>> {
    get_list("/public/documents").await
}

pub async fn faq() -> ApiResult<Vec<Faq>> {
    get_list("/public/faq").await
}

// ---- accounts -----------------------------------------------------------------------

pub async fn login(body: &LoginRequest) -> ApiResult<()> {
    let t: TokenResponse = call(Method::POST, "/auth/login", Body::json(body)).await?;
    set_token(Some(t.access_token));
    Ok(())
}

/// Signs out; for a session begun at SPID or CIE, the provider's address that ends its
/// session too.
pub async fn logout() -> Option<String> {
    // The server clears the cookie; locally the token goes whatever the answer.
    let out = call::<domain::api::LoggedOut>(Method::POST, "/auth/logout", Body::Empty).await;
    set_token(None);
    out.ok().and_then(|o| o.end_session_url)
}

/// The digital identities (SPID, CIE) the Comune has enabled.
pub async fn sign_in_providers() -> ApiResult<Vec<domain::api::SignInProvider>> {
    get_list("/auth/oidc/providers").await
}

/// Asks for a password-reset link; the answer is the same whether the address has an
/// account or not.
pub async fn request_password_reset(body: &PasswordResetRequest) -> ApiResult<()> {
    call(Method::POST, "/auth/password-reset", Body::json(body)).await
}

/// Sets a new password with the token of a reset link (every session of the account ends).
pub async fn confirm_password_reset(body: &PasswordResetConfirm) -> ApiResult<()> {
    call(
        Method::POST,
        "/auth/password-reset/confirm",
        Body::json(body),
    )
    .await
}

pub async fn me() -> ApiResult<Me> {
    get("/me").await
}

pub async fn preferences() -> ApiResult<NotificationPreferences> {
    get("/me/preferences").await
}

pub async fn save_preferences(
    body: &NotificationPreferences,
) -> ApiResult<NotificationPreferences> {
    call(Method::PUT, "/me/preferences", Body::json(body)).await
}

/// Registration with the identity document, through XHR for the upload progress.
pub async fn register(
    data: &RegisterData,
    document: &web_sys::File,
    on_progress: impl Fn(f64) + 'static,
) -> ApiResult<RegistrationAccepted> {
    let form = web_sys::FormData::new().map_err(js_err)?;
    let json = serde_json::to_string(data).unwrap_or_default();
    form.append_with_blob("data", &json_blob(&json)?)
        .map_err(js_err)?;
    form.append_with_blob_and_filename("identity_document", document, &document.name())
        .map_err(js_err)?;
    upload::send("/auth/register", &form, on_progress).await
}

/// POSTs `body` as JSON, or, with files, as the multipart form the API takes for a
/// message with attachments (`data` JSON + `files`), through XHR for the upload progress.
pub(crate) async fn post_with_files<R: DeserializeOwned>(
    path: &str,
    body: &impl serde::Serialize,
    files: &[web_sys::File],
    on_progress: impl Fn(f64) + 'static,
) -> ApiResult<R> {
    if files.is_empty() {
        return call(Method::POST, path, Body::json(body)).await;
    }
    let form = web_sys::FormData::new().map_err(js_err)?;
    let json = serde_json::to_string(body).unwrap_or_default();
    form.append_with_blob("data", &json_blob(&json)?)
        .map_err(js_err)?;
    for f in files {
        form.append_with_blob_and_filename("files", f, &f.name())
            .map_err(js_err)?;
    }
    upload::send(path, &form, on_progress).await
}

fn json_blob(json: &str) -> ApiResult<web_sys::Blob> {
    let parts = js_sys::Array::of1(&json.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(js_err)
}

pub fn js_err(e: wasm_bindgen::JsValue) -> ApiError {
    ApiError::Network(e.as_string().unwrap_or_else(|| format!("{e:?}")))
}

// ---- requests -----------------------------------------------------------------------

/// Files a request. The same `idempotency_key` for a retried submit means the server
/// creates it once even if the first answer was lost.
pub async fn create_request(body: &CreateRequest, idempotency_key: &str) -> ApiResult<RequestView> {
    decode(
        send_keyed(
            Method::POST,
            "/requests",
            Body::json(body),
            Some(idempotency_key),
        )
        .await?,
    )
    .await
}

/// A random key for `Idempotency-Key`.
pub fn new_idempotency_key() -> String {
    web_sys::window().and_then(|w| w.crypto().ok()).map_or_else(
        || format!("{}-{}", js_sys::Date::now(), js_sys::Math::random()),
        |c| c.random_uuid(),
    )
}

pub async fn list_requests(query: &str) -> ApiResult<Page<RequestSummary>> {
    get(&format!("/requests{query}")).await
}

pub async fn queue_counts(query: &str) -> ApiResult<QueueCounts> {
    get(&format!("/requests/counts{query}")).await
}

pub async fn request(id: &str) -> ApiResult<RequestView> {
    get(&format!("/requests/{}", enc(id))).await
}

pub async fn messages(id: &str) -> ApiResult<Vec<MessageView>> {
    get_all(&format!("/requests/{}/messages", enc(id))).await
}

pub async fn post_message(id: &str, body: &CreateMessage) -> ApiResult<MessageView> {
    call(
        Method::POST,
        &format!("/requests/{}/messages", enc(id)),
        Body::json(body),
    )
    .await
}

/// A message with files: multipart `data` (JSON) + `files`.
pub async fn post_message_with_files(
    id: &str,
    body: &CreateMessage,
    files: &[web_sys::File],
    on_progress: impl Fn(f64) + 'static,
) -> ApiResult<MessageView> {
    let form = web_sys::FormData::new().map_err(js_err)?;
    let json = serde_json::to_string(body).unwrap_or_default();
    form.append_with_blob("data", &json_blob(&json)?)
        .map_err(js_err)?;
    for f in files {
        form.append_with_blob_and_filename("files", f, &f.name())
            .map_err(js_err)?;
    }
    upload::send(
        &format!("/requests/{}/messages", enc(id)),
        &form,
        on_progress,
    )
    .await
}

pub async fn transition(id: &str, body: &TransitionRequest) -> ApiResult<RequestView> {
    call(
        Method::POST,
        &format!("/requests/{}/transitions", enc(id)),
        Body::json(body),
    )
    .await
}

/// Puts the request of an unverified mail in the name of the citizen who wrote it.
pub async fn link_sender(id: &str, body: &LinkSender) -> ApiResult<RequestView> {
    call(
        Method::POST,
        &format!("/requests/{}/sender", enc(id)),
        Body::json(body),
    )
    .await
}

pub async fn transitions(id: &str) -> ApiResult<Vec<TransitionView>> {
    get_list(&format!("/requests/{}/transitions", enc(id))).await
}

/// The receipt of the filing (PDF), for [`download`].
pub fn receipt_pdf_url(id: &str) -> String {
    format!("/requests/{}/receipt.pdf", enc(id))
}

/// The citizen's rating of the answer, `None` before they give one.
pub async fn rating(id: &str) -> ApiResult<Option<domain::rating::Rating>> {
    get(&format!("/requests/{}/rating", enc(id))).await
}

pub async fn rate(id: &str, body: &domain::rating::Rating) -> ApiResult<domain::rating::Rating> {
    call(
        Method::POST,
        &format!("/requests/{}/rating", enc(id)),
        Body::json(body),
    )
    .await
}

/// The signed-in citizen's bookings, newest first.
pub async fn my_bookings() -> ApiResult<Vec<domain::api::PublicBooking>> {
    get_list("/me/bookings").await
}

// ---- mail at the desk ---------------------------------------------------------------

/// The mails of a request, received and sent (queued ones too), oldest first.
pub async fn mails(id: &str) -> ApiResult<Vec<MailView>> {
    get_list(&format!("/requests/{}/mails", enc(id))).await
}

/// A reply or forward by e-mail: JSON, or multipart `data` + `files` with new files.
pub async fn send_mail(
    id: &str,
    body: &SendMail,
    files: &[web_sys::File],
    on_progress: impl Fn(f64) + 'static,
) -> ApiResult<MailQueued> {
    post_with_files(
        &format!("/requests/{}/mail", enc(id)),
        body,
        files,
        on_progress,
    )
    .await
}

/// Mails the conversation PDF (without internal notes).
pub async fn export_mail(id: &str, body: &MailExport) -> ApiResult<MailQueued> {
    call(
        Method::POST,
        &format!("/requests/{}/export/mail", enc(id)),
        Body::json(body),
    )
    .await
}

/// The conversation PDF, for [`download`].
pub fn export_pdf_url(id: &str, internal: bool) -> String {
    format!(
        "/requests/{}/export.pdf{}",
        enc(id),
        if internal { "?internal=true" } else { "" }
    )
}

// ---- desk ---------------------------------------------------------------------------

pub async fn registrations(status: &str) -> ApiResult<Vec<Registration>> {
    get_all(&format!("/registrations{}", query(&[("status", status)]))).await
}

pub async fn approve_registration(id: &str) -> ApiResult<serde_json::Value> {
    call(
        Method::POST,
        &format!("/registrations/{}/approve", enc(id)),
        Body::Empty,
    )
    .await
}

pub async fn reject_registration(id: &str, reason: &str) -> ApiResult<serde_json::Value> {
    let body = RejectRegistration {
        reason: reason.to_owned(),
    };
    call(
        Method::POST,
        &format!("/registrations/{}/reject", enc(id)),
        Body::json(&body),
    )
    .await
}

pub fn registry_query(from: &str, to: &str) -> String {
    query(&[("from", from), ("to", to)])
}

pub async fn registry(from: &str, to: &str) -> ApiResult<RegisterReport> {
    get(&format!("/registry{}", registry_query(from, to))).await
}

pub async fn offices() -> ApiResult<Vec<Office>> {
    get_list("/offices").await
}

pub async fn users() -> ApiResult<Vec<User>> {
    get_all("/users").await
}

/// Accounts of one role matching `q` (name, e-mail or codice fiscale), first page.
pub async fn find_users(role: Role, q: &str) -> ApiResult<Vec<User>> {
    let page: Page<User> = get(&format!(
        "/users?role={}&q={}&limit=20",
        role.code(),
        enc(q)
    ))
    .await?;
    Ok(page.items)
}

// ---- admin --------------------------------------------------------------------------

pub async fn settings() -> ApiResult<Settings> {
    get("/settings").await
}

pub async fn update_settings(body: &UpdateSettings) -> ApiResult<Settings> {
    call(Method::PUT, "/settings", Body::json(body)).await
}

pub async fn identity_providers() -> ApiResult<Vec<domain::api::IdentityProviderSettings>> {
    get_list("/settings/identity-providers").await
}

pub async fn update_identity_provider(
    provider: domain::identity::IdentityProvider,
    body: &domain::api::UpdateIdentityProvider,
) -> ApiResult<domain::api::IdentityProviderSettings> {
    call(
        Method::PUT,
        &format!("/settings/identity-providers/{provider}"),
        Body::json(body),
    )
    .await
}

pub async fn create_office(body: &SaveOffice) -> ApiResult<Office> {
    call(Method::POST, "/offices", Body::json(body)).await
}

pub async fn update_office(id: &str, body: &SaveOffice) -> ApiResult<Office> {
    call(
        Method::PUT,
        &format!("/offices/{}", enc(id)),
        Body::json(body),
    )
    .await
}

pub async fn delete_office(id: &str) -> ApiResult<serde_json::Value> {
    call(
        Method::DELETE,
        &format!("/offices/{}", enc(id)),
        Body::Empty,
    )
    .await
}

pub async fn create_user(body: &CreateUser) -> ApiResult<User> {
    call(Method::POST, "/users", Body::json(body)).await
}

pub async fn update_user(id: &str, body: &UpdateUser) -> ApiResult<User> {
    call(
        Method::PUT,
        &format!("/users/{}", enc(id)),
        Body::json(body),
    )
    .await
}

/// Mails the account a link to choose a new password (administrators).
pub async fn send_password_reset(id: &str) -> ApiResult<()> {
    call(
        Method::POST,
        &format!("/users/{}/password-reset", enc(id)),
        Body::Empty,
    )
    .await
}

/// One page of the audit log, newest first.
pub async fn audit_log(cursor: Option<String>) -> ApiResult<Page<AuditEntry>> {
    let cursor = cursor.unwrap_or_default();
    get(&format!(
        "/audit-log{}",
        query(&[("limit", "50"), ("cursor", &cursor)])
    ))
    .await
}

pub async fn routing_rules() -> ApiResult<Vec<RoutingRule>> {
    get_list("/routing-rules").await
}

pub async fn save_routing_rules(rules: &[RoutingRule]) -> ApiResult<serde_json::Value> {
    call(Method::PUT, "/routing-rules", Body::json(rules)).await
}

pub async fn create_document(
    title: &str,
    category: &str,
    file: &web_sys::File,
    on_progress: impl Fn(f64) + 'static,
) -> ApiResult<Document> {
    let form = web_sys::FormData::new().map_err(js_err)?;
    let data = serde_json::json!({
        "title": title,
        "category": if category.is_empty() { None } else { Some(category) },
    });
    form.append_with_blob("data", &json_blob(&data.to_string())?)
        .map_err(js_err)?;
    form.append_with_blob_and_filename("file", file, &file.name())
        .map_err(js_err)?;
    upload::send("/documents", &form, on_progress).await
}

/// A document's title, category, description and order; the file stays.
pub async fn update_document(id: &str, body: &domain::api::SaveDocument) -> ApiResult<Document> {
    call(
        Method::PUT,
        &format!("/documents/{}", enc(id)),
        Body::json(body),
    )
    .await
}

pub async fn delete_document(id: &str) -> ApiResult<serde_json::Value> {
    call(
        Method::DELETE,
        &format!("/documents/{}", enc(id)),
        Body::Empty,
    )
    .await
}

pub async fn create_faq(body: &SaveFaq) -> ApiResult<Faq> {
    call(Method::POST, "/faq", Body::json(body)).await
}

pub async fn update_faq(id: &str, body: &SaveFaq) -> ApiResult<Faq> {
    call(Method::PUT, &format!("/faq/{}", enc(id)), Body::json(body)).await
}

pub async fn delete_faq(id: &str) -> ApiResult<serde_json::Value> {
    call(Method::DELETE, &format!("/faq/{}", enc(id)), Body::Empty).await
}

pub async fn mailboxes() -> ApiResult<Vec<Mailbox>> {
    get_list("/mailboxes").await
}

pub async fn create_mailbox(body: &SaveMailboxSettings) -> ApiResult<Mailbox> {
    call(Method::POST, "/mailboxes", Body::json(body)).await
}

pub async fn update_mailbox(id: &str, body: &SaveMailboxSettings) -> ApiResult<Mailbox> {
    call(
        Method::PUT,
        &format!("/mailboxes/{}", enc(id)),
        Body::json(body),
    )
    .await
}

pub async fn delete_mailbox(id: &str) -> ApiResult<serde_json::Value> {
    call(
        Method::DELETE,
        &format!("/mailboxes/{}", enc(id)),
        Body::Empty,
    )
    .await
}

/// "Test connection": the IMAP and SMTP logins, each with its outcome.
pub async fn test_mailbox(id: &str) -> ApiResult<ConnectionTest> {
    call(
        Method::POST,
        &format!("/mailboxes/{}/test", enc(id)),
        Body::Empty,
    )
    .await
}

pub async fn notification_channels() -> ApiResult<NotificationChannels> {
    get("/notification-channels").await
}

pub async fn save_notification_channels(
    body: &SaveNotificationChannels,
) -> ApiResult<NotificationChannels> {
    call(Method::PUT, "/notification-channels", Body::json(body)).await
}

// ---- files --------------------------------------------------------------------------

/// A protected text resource (a mail's headers), with the bearer token.
pub async fn text(href: &str) -> ApiResult<String> {
    call_text(
        Method::GET,
        href.strip_prefix(BASE).unwrap_or(href),
        Body::Empty,
    )
    .await
}

/// Fetches a protected file with the bearer token and returns an object URL for it
/// (a plain link would not carry the token, which lives in memory only).
pub async fn object_url(href: &str) -> ApiResult<String> {
    let path = href.strip_prefix(BASE).unwrap_or(href);
    let response = send(Method::GET, path, Body::Empty).await?;
    if !response.ok() {
        return decode::<()>(response).await.map(|()| String::new());
    }
    let raw: web_sys::Response = response.into();
    let promise = raw.blob().map_err(js_err)?;
    let blob = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(js_err)?
        .dyn_into::<web_sys::Blob>()
        .map_err(js_err)?;
    web_sys::Url::create_object_url_with_blob(&blob).map_err(js_err)
}

/// Downloads a protected file under its own name.
pub async fn download(href: &str, filename: &str) -> ApiResult<()> {
    let object = object_url(href).await?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| ApiError::Network("no document".into()))?;
    let a = document
        .create_element("a")
        .map_err(js_err)?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|e| js_err(e.into()))?;
    a.set_href(&object);
    a.set_download(filename);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&object);
    Ok(())
}

fn enc(segment: &str) -> String {
    js_sys::encode_uri_component(segment).into()
}

// ---- taxpayer account -----------------------------------------------------------------

/// `?as_of=` when a day is chosen (the server's today otherwise).
fn as_of_query(as_of: Option<chrono::NaiveDate>) -> String {
    as_of.map_or_else(String::new, |d| format!("?as_of={d}"))
}

pub async fn my_statement(as_of: Option<chrono::NaiveDate>) -> ApiResult<Statement> {
    get(&format!("/me/statement{}", as_of_query(as_of))).await
}

pub fn my_statement_pdf_url(as_of: Option<chrono::NaiveDate>) -> String {
    format!("/me/statement.pdf{}", as_of_query(as_of))
}

pub async fn my_utenze() -> ApiResult<Vec<Utenza>> {
    get_list("/me/utenze").await
}

pub async fn my_payments() -> ApiResult<Vec<Payment>> {
    get_list("/me/payments").await
}

/// The plan proposed for one of the caller's acts (`query` from [`query`]).
pub async fn my_plan(act_id: &str, query: &str) -> ApiResult<PlanProposal> {
    get(&format!("/me/acts/{}/plan{query}", enc(act_id))).await
}

pub async fn search_contribuenti(q: &str) -> ApiResult<Page<Contribuente>> {
    get(&format!(
        "/contribuenti{}",
        query(&[("q", q), ("limit", "50")])
    ))
    .await
}

pub async fn contribuente(id: &str) -> ApiResult<ContribuenteDetail> {
    get(&format!("/contribuenti/{}", enc(id))).await
}

pub async fn contribuente_statement(
    id: &str,
    as_of: Option<chrono::NaiveDate>,
) -> ApiResult<Statement> {
    get(&format!(
        "/contribuenti/{}/statement{}",
        enc(id),
        as_of_query(as_of)
    ))
    .await
}

pub fn contribuente_statement_pdf_url(id: &str, as_of: Option<chrono::NaiveDate>) -> String {
    format!(
        "/contribuenti/{}/statement.pdf{}",
        enc(id),
        as_of_query(as_of)
    )
}

/// A sgravio, annullamento, compensazione or rimborso; the same key for a retried click
/// records it once.
pub async fn create_adjustment(
    act_id: &str,
    body: &CreateAdjustment,
    idempotency_key: &str,
) -> ApiResult<Adjustment> {
    decode(
        send_keyed(
            Method::POST,
            &format!("/acts/{}/adjustments", enc(act_id)),
            Body::json(body),
            Some(idempotency_key),
        )
        .await?,
    )
    .await
}

/// A payment at the desk; the same key for a retried click records it once.
pub async fn create_payment(body: &CreatePayment, idempotency_key: &str) -> ApiResult<Payment> {
    decode(
        send_keyed(
            Method::POST,
            "/payments",
            Body::json(body),
            Some(idempotency_key),
        )
        .await?,
    )
    .await
}

/// Uploads a CSV to import (multipart `data` + `file`), with the upload's progress.
pub async fn create_import(
    body: &CreateImport,
    file: &web_sys::File,
    on_progress: impl Fn(f64) + 'static,
) -> ApiResult<ImportView> {
    let form = web_sys::FormData::new().map_err(js_err)?;
    let json = serde_json::to_string(body).unwrap_or_default();
    form.append_with_blob("data", &json_blob(&json)?)
        .map_err(js_err)?;
    form.append_with_blob_and_filename("file", file, &file.name())
        .map_err(js_err)?;
    upload::send("/imports", &form, on_progress).await
}

pub async fn import(id: &str) -> ApiResult<ImportView> {
    get(&format!("/imports/{}", enc(id))).await
}

pub async fn imports() -> ApiResult<Page<ImportView>> {
    get("/imports?limit=20").await
}

pub fn import_errors_url(id: &str) -> String {
    format!("/imports/{}/errors.csv", enc(id))
}

/// The plan a rateizzazione request carries (404 when it carries none).
pub async fn request_plan(id: &str) -> ApiResult<PlanRequestView> {
    get(&format!("/requests/{}/plan", enc(id))).await
}

pub async fn act(id: &str) -> ApiResult<Act> {
    get(&format!("/acts/{}", enc(id))).await
}

/// The channels on which the caller gets payment messages (`false`: opted out).
pub async fn reminder_preferences() -> ApiResult<domain::api::ReminderPreferences> {
    get("/me/reminder-preferences").await
}

pub async fn save_reminder_preferences(
    body: &domain::api::ReminderPreferences,
) -> ApiResult<domain::api::ReminderPreferences> {
    call(Method::PUT, "/me/reminder-preferences", Body::json(body)).await
}
