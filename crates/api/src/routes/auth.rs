//! `/auth/*` and `/me`: registration, sign-in, session refresh and sign-out.

use actix_multipart::Multipart;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use domain::api::{LoginRequest, Me, Problem, RegisterData, RegistrationAccepted, TokenResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
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
/// identity document.
#[utoipa::path(
    tag = "auth",
    request_body(content = RegisterForm, content_type = "multipart/form-data"),
    responses(
        (status = 202, body = RegistrationAccepted),
        (status = 409, description = "Tax code or e-mail already registered", body = Problem),
        (status = 413, body = Problem),
        (status = 422, body = Problem),
        (status = 429, body = Problem),
    )
)]
#[post("/auth/register")]
async fn register(
    state: web::Data<AppState>,
    tenant: Tenant,
    req: HttpRequest,
    payload: Multipart,
) -> ApiResult<HttpResponse> {
    state
        .limits
        .register
        .check(req.peer_addr().map(|a| a.ip()))?;
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

fn refresh_cookie(state: &AppState, value: String, max_age_days: i64) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, value)
        .path(REFRESH_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.secure_cookies)
        .max_age(actix_web::cookie::time::Duration::days(max_age_days))
        .finish()
}

fn session_response(state: &AppState, session: accounts::Session) -> HttpResponse {
    let days = i64::try_from(state.config.refresh_token_days).unwrap_or(30);
    HttpResponse::Ok()
        .cookie(refresh_cookie(state, session.refresh_token, days))
        .insert_header(("Cache-Control", "no-store"))
        .json(session.token)
}

/// Sign in with e-mail or codice fiscale and password. Sets the refresh-token cookie.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = TokenResponse, headers(("Set-Cookie" = String, description = "HttpOnly refresh token"))),
        (status = 401, description = "Wrong credentials", body = Problem),
        (status = 403, description = "Registration pending or rejected, account disabled", body = Problem),
        (status = 429, description = "Too many attempts or account locked", body = Problem),
    )
)]
#[post("/auth/login")]
async fn login(
    state: web::Data<AppState>,
    tenant: Tenant,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    state.limits.login.check(req.peer_addr().map(|a| a.ip()))?;
    let LoginRequest { username, password } = body.into_inner();
    let st = state.clone();
    let session = blocking(move || accounts::login(&st, &tenant, &username, &password)).await?;
    Ok(session_response(&state, session))
}

/// Exchange the refresh-token cookie for a new access token (the cookie is rotated).
#[utoipa::path(
    tag = "auth",
    responses((status = 200, body = TokenResponse), (status = 401, body = Problem))
)]
#[post("/auth/refresh")]
async fn refresh(
    state: web::Data<AppState>,
    tenant: Tenant,
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
    let session = blocking(move || accounts::refresh(&st, &tenant, &presented)).await?;
    Ok(session_response(&state, session))
}

/// Sign out: revokes the session's refresh tokens and clears the cookie.
#[utoipa::path(tag = "auth", responses((status = 204)))]
#[post("/auth/logout")]
async fn logout(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    if let Some(presented) = req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned()) {
        let st = state.clone();
        blocking(move || accounts::logout(&st, &presented)).await?;
    }
    let mut gone = refresh_cookie(&state, String::new(), 0);
    gone.make_removal();
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}

/// The signed-in user.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = Problem))
)]
#[get("/me")]
async fn me(state: web::Data<AppState>, user: AuthUser) -> ApiResult<web::Json<Me>> {
    blocking(move || accounts::me(&state, user.tenant_id(), &user.user_id))
        .await
        .map(web::Json)
}
