//! `/mailboxes` and `/notification-channels`: the tenant's e-mail and PEC mailboxes (with
//! "test connection"), SMS gateway and App IO service (administrators).

use actix_web::{HttpResponse, delete, get, post, put, web};
use domain::api::{
    ConnectionTest, Mailbox, NotificationChannels, Problem, SaveMailboxSettings,
    SaveNotificationChannels,
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::error::{ApiResult, blocking};
use crate::services::mail;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(update)
        .service(remove)
        .service(test)
        .service(get_channels)
        .service(put_channels);
}

/// The tenant's mailboxes; passwords are never returned (administrators).
#[utoipa::path(
    operation_id = "list_mailboxes",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<Mailbox>), (status = 401, body = Problem), (status = 403, body = Problem))
)]
#[get("/mailboxes")]
async fn list(state: web::Data<AppState>, user: AuthUser) -> ApiResult<web::Json<Vec<Mailbox>>> {
    blocking(move || mail::list_mailboxes(&state, &user))
        .await
        .map(web::Json)
}

/// Add an e-mail or PEC mailbox: IMAP to receive, SMTP to send, and how senders are
/// authenticated (the provider's authserv-id, PEC certificates) (administrators).
/// Servers need TLS or STARTTLS; loopback and private networks only where the installation
/// allows them (unencrypted: loopback only). Passwords are stored sealed.
#[utoipa::path(
    operation_id = "create_mailbox",
    tag = "admin",
    security(("bearer" = [])),
    request_body = SaveMailboxSettings,
    responses(
        (status = 201, body = Mailbox),
        (status = 403, body = Problem),
        (status = 409, description = "A mailbox with this address exists", body = Problem),
        (status = 422, body = Problem),
    )
)]
#[post("/mailboxes")]
async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<SaveMailboxSettings>,
) -> ApiResult<HttpResponse> {
    let m = blocking(move || mail::create_mailbox(&state, &user, &body)).await?;
    Ok(HttpResponse::Created().json(m))
}

/// Change a mailbox; passwords and authentication settings left out are kept
/// (administrators).
#[utoipa::path(
    operation_id = "update_mailbox",
    tag = "admin",
    security(("bearer" = [])),
    request_body = SaveMailboxSettings,
    responses(
        (status = 200, body = Mailbox),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, body = Problem),
        (status = 422, body = Problem),
    )
)]
#[put("/mailboxes/{id}")]
async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<SaveMailboxSettings>,
) -> ApiResult<web::Json<Mailbox>> {
    blocking(move || mail::update_mailbox(&state, &user, &id, &body))
        .await
        .map(web::Json)
}

/// Remove a mailbox (its mails stay in the threads) (administrators).
#[utoipa::path(
    operation_id = "remove_mailbox",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem))
)]
#[delete("/mailboxes/{id}")]
async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    blocking(move || mail::delete_mailbox(&state, &user, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// "Test connection": logs in to the mailbox's IMAP and SMTP servers (administrators).
/// Failures are reported as a category, never with the server's own answer.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = ConnectionTest), (status = 403, body = Problem), (status = 404, body = Problem))
)]
#[post("/mailboxes/{id}/test")]
async fn test(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<ConnectionTest>> {
    mail::test_mailbox(state, user, id.into_inner())
        .await
        .map(web::Json)
}

/// The SMS gateway, App IO service and portal address; secrets are never returned
/// (administrators).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = NotificationChannels), (status = 403, body = Problem))
)]
#[get("/notification-channels")]
async fn get_channels(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<NotificationChannels>> {
    blocking(move || mail::get_channels(&state, &user))
        .await
        .map(web::Json)
}

/// Change the SMS gateway, App IO service or portal address; fields left out are kept,
/// `""` clears them (administrators). Gateway addresses are `https://`, on loopback or
/// private networks only where the installation allows them.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    request_body = SaveNotificationChannels,
    responses((status = 200, body = NotificationChannels), (status = 403, body = Problem), (status = 422, body = Problem))
)]
#[put("/notification-channels")]
async fn put_channels(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<SaveNotificationChannels>,
) -> ApiResult<web::Json<NotificationChannels>> {
    blocking(move || mail::save_channels(&state, &user, &body))
        .await
        .map(web::Json)
}
