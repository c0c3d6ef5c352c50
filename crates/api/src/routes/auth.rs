//! `/auth/*` and `/me`: registration, sign-in, session refresh and sign-out.

use actix_multipart::Multipart;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use domain::api::{
    LoggedOut, LoginRequest, Me, PasswordResetConfirm, PasswordResetRequest, Problem, RegisterData,
    RegistrationAccepted, TokenResponse,
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::client::ClientInfo;
use crate::error::{ApiError, ApiResult, blocking};
use crate::services::{accounts, registrations};
use crate::state::AppState;
use crate::tenancy::Tenant;
use crate::upload::{self, Limits};

const REFRESH_COOKIE: &str = "sportello_refresh";
const REFRESH_PATH: &str = "/api/v1/auth";

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(register)
        .service(login)
        .service(refresh)
        .service(logout)
        .service(password_reset)
        .service(password_reset_confirm)
        .service(me);
}

/// Multipart body of `POST /auth/register`, for the documentation.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct RegisterForm {
    /// JSON text of `RegisterData`.
    data: RegisterData,
    /// PDF, JPEG or PNG, at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    identity_document: Vec<u8>,
}

/// Register as a citizen: the account stays `pending` until an operator checks the
/// identity document. A tax code or e-mail that already has an account gets the same
/// answer (nothing is stored; the account's owner is told by e-mail).
#[utoipa::path(
    tag = "auth",
    request_body(
        content = RegisterForm,
        content_type = "multipart/form-data",
        description = "`data`: the applicant as JSON text; `identity_document`: the scan of an identity document",
        example = json!({
            "data": {
                "fiscal_code": "BNCLRA90D45L219Q",
                "first_name": "Laura",
                "last_name": "Bianchi",
                "email": "laura.bianchi@example.it",
                "phone": "+39 333 1234567",
                "password": "Sportello2026!",
                "privacy_accepted": true
            },
            "identity_document": "carta-identita.pdf"
        })
    ),
    responses(
        (status = 202, description = "Received: the account waits for an operator to check the identity document", body = RegistrationAccepted),
        (status = 413, description = "The identity document is too large", body = Problem),
        (status = 422, description = "Invalid fields (fiscal code, e-mail, weak password, privacy not accepted) or document", body = Problem),
        (status = 429, description = "Too many registrations from this client", body = Problem),
    )
)]
#[post("/auth/register")]
async fn register(
    state: web::Data<AppState>,
    tenant: Tenant,
    client: ClientInfo,
    payload: Multipart,
) -> ApiResult<HttpResponse> {
    state.limits.register.check(client.ip)?;
    let form = upload::read_form(payload, Limits::DOCUMENT, &["identity_document"]).await?;
    let data: RegisterData = serde_json::from_slice(form.data.as_deref().ok_or_else(|| {
        ApiError::invalid(
            "data",
            "Dati della registrazione mancanti",
            "Registration data missing",
        )
    })?)
    .map_err(|e| {
        ApiError::invalid(
            "data",
            format!("Dati non validi: {e}"),
            format!("Invalid data: {e}"),
        )
    })?;
    let document = form.files.into_iter().next().ok_or_else(|| {
        ApiError::invalid(
            "identity_document",
            "Allegare un documento d'identità (PDF, JPEG o PNG)",
            "Attach an identity document (PDF, JPEG or PNG)",
        )
    })?;
    let accepted =
        blocking(move || registrations::register(&state, &tenant, &data, &document)).await?;
    Ok(HttpResponse::Accepted().json(accepted))
}

fn refresh_cookie(state: &AppState, value: String, max_age_secs: i64) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, value)
        .path(REFRESH_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.secure_cookies)
        .max_age(actix_web::cookie::time::Duration::seconds(max_age_secs))
        .finish()
}

/// After a sign-in at SPID or CIE: the refresh cookie set, the browser sent on into the
/// portal, where the app exchanges the cookie for an access token.
pub(super) fn session_redirect(
    state: &AppState,
    session: accounts::Session,
    to: &str,
) -> HttpResponse {
    HttpResponse::Found()
        .cookie(refresh_cookie(
            state,
            session.refresh_token,
            session.refresh_expires_in,
        ))
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("Location", to))
        .finish()
}

fn session_response(state: &AppState, session: accounts::Session) -> HttpResponse {
    HttpResponse::Ok()
        .cookie(refresh_cookie(
            state,
            session.refresh_token,
            session.refresh_expires_in,
        ))
        .insert_header(("Cache-Control", "no-store"))
        .json(session.token)
}

/// Sign in with e-mail or codice fiscale and password. Sets the refresh-token cookie.
#[utoipa::path(
    tag = "auth",
    request_body(
        content = LoginRequest,
        description = "E-mail or codice fiscale, and the password",
        example = json!({"username": "mario.rossi@example.it", "password": "Demo2026!sportello"})
    ),
    responses(
        (status = 200, body = TokenResponse, headers(("Set-Cookie" = String, description = "HttpOnly refresh token"))),
        (status = 401, description = "Wrong credentials", body = Problem),
        (status = 403, description = "Registration pending or rejected, account disabled", body = Problem),
        (status = 429, description = "Too many attempts from this client", body = Problem),
    )
)]
#[post("/auth/login")]
async fn login(
    state: web::Data<AppState>,
    tenant: Tenant,
    client: ClientInfo,
    body: web::Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    state.limits.login.check(client.ip)?;
    let LoginRequest { username, password } = body.into_inner();
    let st = state.clone();
    let session =
        blocking(move || accounts::login(&st, &tenant, &client, &username, &password)).await?;
    Ok(session_response(&state, session))
}

/// Exchange the refresh-token cookie for a new access token (the cookie is rotated).
#[utoipa::path(
    tag = "auth",
    responses((status = 200, description = "A new access token; the refresh cookie is rotated", body = TokenResponse), (status = 401, description = "No valid refresh cookie", body = Problem))
)]
#[post("/auth/refresh")]
async fn refresh(
    state: web::Data<AppState>,
    tenant: Tenant,
    client: ClientInfo,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let presented = req
        .cookie(REFRESH_COOKIE)
        .map(|c| c.value().to_owned())
        .ok_or_else(|| {
            ApiError::unauthorized(
                "Sessione scaduta: accedi di nuovo",
                "Session expired: sign in again",
            )
        })?;
    let st = state.clone();
    let session = blocking(move || accounts::refresh(&st, &tenant, &client, &presented)).await?;
    Ok(session_response(&state, session))
}

/// Sign out: revokes the session's refresh tokens and clears the cookie. A session begun
/// at SPID or CIE also gets the provider's address that ends its session there.
#[utoipa::path(
    tag = "auth",
    responses((status = 200, description = "Signed out: the refresh token is revoked and its cookie cleared", body = LoggedOut))
)]
#[post("/auth/logout")]
async fn logout(
    state: web::Data<AppState>,
    tenant: Tenant,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let mut end_session_url = None;
    if let Some(presented) = req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned()) {
        let st = state.clone();
        let tenant_id = tenant.id.clone();
        let family = blocking(move || accounts::logout(&st, &tenant_id, &presented)).await?;
        if let Some(family) = family {
            end_session_url =
                crate::services::identity::signin::end_session(&state, &tenant, family).await;
        }
    }
    let mut gone = refresh_cookie(&state, String::new(), 0);
    gone.make_removal();
    Ok(HttpResponse::Ok()
        .cookie(gone)
        .insert_header(("Cache-Control", "no-store"))
        .json(LoggedOut { end_session_url }))
}

/// Forgotten password: mails a link (valid 30 minutes, once) to the address if it belongs
/// to an account that can sign in. The answer is the same, and as quick, either way.
#[utoipa::path(
    operation_id = "request_password_reset",
    tag = "auth",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "Accepted: a link is mailed if the address has an account"),
        (status = 422, description = "Not an e-mail address", body = Problem),
        (status = 429, description = "Too many attempts from this client", body = Problem),
    )
)]
#[post("/auth/password-reset")]
async fn password_reset(
    state: web::Data<AppState>,
    tenant: Tenant,
    client: ClientInfo,
    body: web::Json<PasswordResetRequest>,
) -> ApiResult<HttpResponse> {
    state.limits.public_forms.check(client.ip)?;
    let email = body.into_inner().email;
    accounts::check_reset_email(&email)?;
    // Answer first: whether an account exists must not show in the response time.
    actix_web::rt::spawn(async move {
        let outcome =
            blocking(move || accounts::request_reset(&state, &tenant, &client, &email)).await;
        if let Err(e) = outcome {
            tracing::error!(error = %e, "password reset request failed");
        }
    });
    Ok(HttpResponse::Accepted().finish())
}

/// Sets a new password with the token of a reset link. Every session of the account ends.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordResetConfirm,
    responses(
        (status = 204, description = "Password changed: sign in with it"),
        (status = 422, description = "Invalid or expired token, or a weak password", body = Problem),
        (status = 429, description = "Too many attempts from this client", body = Problem),
    )
)]
#[post("/auth/password-reset/confirm")]
async fn password_reset_confirm(
    state: web::Data<AppState>,
    tenant: Tenant,
    client: ClientInfo,
    body: web::Json<PasswordResetConfirm>,
) -> ApiResult<HttpResponse> {
    state.limits.public_forms.check(client.ip)?;
    let PasswordResetConfirm { token, password } = body.into_inner();
    blocking(move || accounts::confirm_reset(&state, &tenant, &client, &token, &password)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in user.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses((status = 200, description = "The signed-in user, with role, office and tenant", body = Me), (status = 401, description = "Not signed in", body = Problem))
)]
#[get("/me")]
async fn me(state: web::Data<AppState>, user: AuthUser) -> ApiResult<web::Json<Me>> {
    let platform_admin = user.is_platform_admin();
    blocking(move || accounts::me(&state, user.tenant_id(), &user.user_id))
        .await
        .map(|me| {
            web::Json(Me {
                platform_admin,
                ..me
            })
        })
}
