//! `/auth/oidc/*`: signing in with SPID or CIE (browser redirects, not JSON), and
//! `/settings/identity-providers`: their settings (administrators).

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, put, web};
use domain::api::{IdentityProviderSettings, Problem, SignInProvider, UpdateIdentityProvider};
use domain::identity::{IdentityProvider, SignInFailure};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::client::ClientInfo;
use crate::error::{ApiError, ApiResult, blocking};
use crate::services::identity::{settings, signin};
use crate::state::AppState;
use crate::tenancy::Tenant;

/// Binds a sign-in under way to the browser that started it. `Lax`: the provider's
/// redirect back is a cross-site top-level navigation, on which `Strict` is not sent.
const BROWSER_COOKIE: &str = "sportello_oidc";
const BROWSER_COOKIE_PATH: &str = "/api/v1/auth/oidc";

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(sign_in_providers)
        .service(start_sign_in)
        .service(sign_in_callback)
        .service(list_identity_providers)
        .service(update_identity_provider);
}

fn provider_of(raw: &str) -> ApiResult<IdentityProvider> {
    raw.parse().map_err(|_| ApiError::NotFound)
}

/// To the login page, which says what went wrong in the citizen's words.
fn to_login(failure: SignInFailure) -> HttpResponse {
    HttpResponse::Found()
        .insert_header((
            header::LOCATION,
            format!("/accedi?accesso={}", failure.code()),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

fn browser_cookie(state: &AppState, value: String, max_age_secs: i64) -> Cookie<'static> {
    Cookie::build(BROWSER_COOKIE, value)
        .path(BROWSER_COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .max_age(actix_web::cookie::time::Duration::seconds(max_age_secs))
        .finish()
}

/// The ways to sign in with a digital identity that the Comune has enabled.
#[utoipa::path(
    tag = "auth",
    responses((status = 200, description = "SPID and/or CIE, when enabled; empty otherwise", body = [SignInProvider]))
)]
#[get("/auth/oidc/providers")]
async fn sign_in_providers(
    state: web::Data<AppState>,
    tenant: Tenant,
) -> ApiResult<web::Json<Vec<SignInProvider>>> {
    blocking(move || signin::providers(&state, &tenant))
        .await
        .map(web::Json)
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
struct StartQuery {
    /// A path of the portal to land on after signing in (default `/area-personale`).
    return_to: Option<String>,
}

/// Start signing in with SPID or CIE: redirects the browser to the identity provider
/// (authorization code with PKCE). A provider not enabled leads back to the login page
/// with `?accesso=not_configured`.
#[utoipa::path(
    tag = "auth",
    params(("provider" = String, Path, description = "`spid` or `cie`"), StartQuery),
    responses(
        (status = 302, description = "To the identity provider; sets the cookie binding the sign-in to this browser"),
        (status = 404, description = "No such provider", body = Problem),
        (status = 429, description = "Too many attempts from this client", body = Problem),
    )
)]
#[get("/auth/oidc/{provider}/start")]
async fn start_sign_in(
    state: web::Data<AppState>,
    tenant: Tenant,
    client: ClientInfo,
    provider: web::Path<String>,
    query: web::Query<StartQuery>,
) -> ApiResult<HttpResponse> {
    let provider = provider_of(&provider)?;
    state.limits.login.check(client.ip)?;
    Ok(
        match signin::start(&state, &tenant, provider, query.return_to.as_deref()).await {
            Ok(started) => HttpResponse::Found()
                .cookie(browser_cookie(&state, started.browser_token, 600))
                .insert_header((header::LOCATION, started.location))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .finish(),
            Err(failure) => to_login(failure),
        },
    )
}

/// Where the identity provider sends the browser back: checks its answer (state, PKCE,
/// ID token and userinfo signatures, issuer, audience, nonce, expiry, level), signs the
/// citizen in (linking the account with that codice fiscale, or creating a verified one)
/// and redirects into the portal; on any failure, to the login page with
/// `?accesso=<reason>` and no session.
#[utoipa::path(
    tag = "auth",
    params(("provider" = String, Path, description = "`spid` or `cie`"), signin::CallbackQuery),
    responses(
        (status = 302, description = "Into the portal with the refresh-token cookie set, or to `/accedi?accesso=<reason>` (denied, expired, invalid, unavailable, missing_data, account_blocked, not_configured)"),
        (status = 404, description = "No such provider", body = Problem),
        (status = 429, description = "Too many attempts from this client", body = Problem),
    )
)]
#[get("/auth/oidc/{provider}/callback")]
async fn sign_in_callback(
    state: web::Data<AppState>,
    tenant: Tenant,
    client: ClientInfo,
    req: HttpRequest,
    provider: web::Path<String>,
    query: web::Query<signin::CallbackQuery>,
) -> ApiResult<HttpResponse> {
    let provider = provider_of(&provider)?;
    state.limits.login.check(client.ip)?;
    let browser = req.cookie(BROWSER_COOKIE).map(|c| c.value().to_owned());
    let outcome = signin::callback(
        &state,
        &tenant,
        &client,
        provider,
        &query,
        browser.as_deref(),
    )
    .await;
    let mut gone = browser_cookie(&state, String::new(), 0);
    gone.make_removal();
    Ok(match outcome {
        Ok(done) => {
            let mut res = super::auth::session_redirect(
                &state,
                done.session,
                &domain::identity::landing(&done.return_to),
            );
            res.add_cookie(&gone)
                .map_err(|e| ApiError::Internal(e.into()))?;
            res
        }
        Err(failure) => {
            let mut res = to_login(failure);
            res.add_cookie(&gone)
                .map_err(|e| ApiError::Internal(e.into()))?;
            res
        }
    })
}

/// SPID and CIE settings (administrators), with the public key and the redirect URI to
/// register at the provider.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One entry per provider (SPID, CIE)", body = [IdentityProviderSettings]),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
    )
)]
#[get("/settings/identity-providers")]
async fn list_identity_providers(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<Vec<IdentityProviderSettings>>> {
    blocking(move || settings::list(&state, &user))
        .await
        .map(web::Json)
}

/// Change a provider's settings (administrators): send only the fields that change; an
/// empty string clears `issuer`, `client_id` or `private_key`. Enabling needs all three.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("provider" = String, Path, description = "`spid` or `cie`")),
    request_body(
        content = UpdateIdentityProvider,
        example = json!({
            "enabled": true,
            "issuer": "https://login.comune.example.it",
            "client_id": "sportello",
            "level": "L2",
            "private_key": "-----BEGIN PRIVATE KEY-----\n…\n-----END PRIVATE KEY-----"
        })
    ),
    responses(
        (status = 200, body = IdentityProviderSettings),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, description = "No such provider", body = Problem),
        (status = 422, description = "Invalid fields, each named in `errors` as `<provider>.<field>`", body = Problem),
    )
)]
#[put("/settings/identity-providers/{provider}")]
async fn update_identity_provider(
    state: web::Data<AppState>,
    user: AuthUser,
    provider: web::Path<String>,
    body: web::Json<UpdateIdentityProvider>,
) -> ApiResult<web::Json<IdentityProviderSettings>> {
    let provider = provider_of(&provider)?;
    blocking(move || settings::update(&state, &user, provider, &body))
        .await
        .map(web::Json)
}
