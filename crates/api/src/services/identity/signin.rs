//! A sign-in at SPID or CIE, from the redirect to the provider to a session: the sign-in
//! under way is stored (by the hash of `state`, bound to the browser by a cookie, used
//! once), the provider's answer is checked (`client.rs`), and the person it vouches for
//! becomes an account — the existing one with that codice fiscale, or a new verified one.

use actix_web::web::Data;
use chrono::{Duration, Utc};
use domain::api::{Identification, RegistrationStatus, SignInProvider};
use domain::identity::{IdentityProvider, SignInFailure, VerifiedPerson, safe_return_path};
use domain::lifecycle::Role;
use serde_json::json;

use super::client::{self, AuthRequest, Exchange, OidcError};
use super::settings::{client_key, redirect_uri, row_or_default};
use crate::client::ClientInfo;
use crate::db::DbConn;
use crate::db::models::{OidcLoginRow, OidcSessionRow, UserIdentityRow, UserRow};
use crate::db::repo::audit::Audit;
use crate::db::repo::{identity, new_id, to_utc, users};
use crate::error::{ApiError, blocking};
use crate::services::accounts::{self, Session};
use crate::state::AppState;
use crate::tenancy::TenantCtx;
use crate::upload::hex_digest;

/// How long a sign-in may stay at the provider.
const LOGIN_MINUTES: i64 = 10;

/// The way out of a failed step: logged for operators, a code for the citizen.
fn fail(failure: SignInFailure, detail: impl std::fmt::Display) -> SignInFailure {
    tracing::warn!(failure = failure.code(), detail = %detail, "SPID/CIE sign-in refused");
    failure
}

fn of_oidc(e: OidcError) -> SignInFailure {
    match e {
        OidcError::Invalid(_) => fail(SignInFailure::Invalid, &e),
        OidcError::Unavailable(_) => fail(SignInFailure::Unavailable, &e),
        OidcError::Config(_) => {
            tracing::error!(error = %e, "SPID/CIE configuration unusable");
            SignInFailure::Unavailable
        }
    }
}

fn of_api(e: ApiError) -> SignInFailure {
    tracing::error!(error = %e, "SPID/CIE sign-in failed");
    SignInFailure::Unavailable
}

/// A provider's usable settings: enabled, complete, with the portal's public address.
struct Ready {
    issuer: String,
    client_id: String,
    key: client::ClientKey,
    level: domain::identity::Assurance,
    redirect_uri: String,
}

fn ready(
    state: &AppState,
    c: &mut DbConn,
    tenant: &TenantCtx,
    provider: IdentityProvider,
) -> Result<Ready, SignInFailure> {
    let row = row_or_default(c, &tenant.id, provider).map_err(of_api)?;
    let public_url = crate::mail::outbound::brand(c, &state.config, tenant)
        .map_err(of_api)?
        .public_url;
    let key = client_key(&state.secret_key, &row).map_err(of_api)?;
    match (row.enabled, row.issuer, row.client_id, key, public_url) {
        (true, Some(issuer), Some(client_id), Some(key), Some(url)) => Ok(Ready {
            issuer,
            client_id,
            key,
            level: row.level,
            redirect_uri: redirect_uri(&url, provider),
        }),
        _ => Err(SignInFailure::NotConfigured),
    }
}

/// The providers enabled for the tenant, for the login page.
pub fn providers(state: &AppState, tenant: &TenantCtx) -> Result<Vec<SignInProvider>, ApiError> {
    state.db.read(|c| {
        Ok::<_, ApiError>(
            identity::providers(c, &tenant.id)?
                .into_iter()
                .filter(|r| {
                    r.enabled
                        && r.issuer.is_some()
                        && r.client_id.is_some()
                        && r.private_key.is_some()
                })
                .map(|r| SignInProvider {
                    provider: r.provider,
                    label: r.provider.label().to_owned(),
                    start_url: format!("/api/v1/auth/oidc/{}/start", r.provider),
                })
                .collect(),
        )
    })
}

/// A sign-in begun: where to send the browser and the cookie that binds it.
#[derive(Debug)]
pub struct Started {
    pub location: String,
    pub browser_token: String,
}

pub async fn start(
    state: &Data<AppState>,
    tenant: &TenantCtx,
    provider: IdentityProvider,
    return_to: Option<&str>,
) -> Result<Started, SignInFailure> {
    let st = state.clone();
    let t = tenant.clone();
    let ready = blocking(move || {
        st.db
            .read(|c| Ok::<_, ApiError>(ready(&st, c, &t, provider)))
    })
    .await
    .map_err(of_api)??;
    let discovered = state
        .oidc
        .get(&state.egress, &ready.issuer, false)
        .await
        .map_err(of_oidc)?;
    let (state_token, nonce, verifier, browser) = (
        client::random_token(),
        client::random_token(),
        client::random_token(),
        client::random_token(),
    );
    let location = client::authorization_url(
        &discovered,
        &AuthRequest {
            client_id: &ready.client_id,
            redirect_uri: &ready.redirect_uri,
            state: &state_token,
            nonce: &nonce,
            code_verifier: &verifier,
            level: ready.level,
        },
    )
    .map_err(of_oidc)?;
    let now = Utc::now().naive_utc();
    let row = OidcLoginRow {
        state_hash: hex_digest(state_token.as_bytes()),
        tenant_id: tenant.id.clone(),
        provider,
        nonce,
        code_verifier: verifier,
        browser_hash: hex_digest(browser.as_bytes()),
        return_to: safe_return_path(return_to),
        created_at: now,
    };
    let st = state.clone();
    blocking(move || {
        st.db.write_tx(|c| {
            identity::prune_logins(c, now - Duration::minutes(LOGIN_MINUTES * 6))?;
            identity::insert_login(c, &row)
        })
    })
    .await
    .map_err(of_api)?;
    Ok(Started {
        location,
        browser_token: browser,
    })
}

/// The provider's answer, as it arrives on the redirect URI.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    /// OAuth error code (`access_denied` when the citizen cancelled).
    pub error: Option<String>,
    pub error_description: Option<String>,
    /// RFC 9207: the issuer that answers.
    pub iss: Option<String>,
}

/// A sign-in completed: the session and where in the app to go.
#[derive(Debug)]
pub struct Completed {
    pub session: Session,
    pub return_to: String,
}

pub async fn callback(
    state: &Data<AppState>,
    tenant: &TenantCtx,
    client: &ClientInfo,
    provider: IdentityProvider,
    query: &CallbackQuery,
    browser_token: Option<&str>,
) -> Result<Completed, SignInFailure> {
    let state_hash = hex_digest(query.state.as_deref().unwrap_or_default().as_bytes());
    let st = state.clone();
    let t = tenant.clone();
    // The sign-in under way is taken (deleted) first: an answer is good once, whatever
    // becomes of it.
    let (ready, login) = blocking(move || {
        let login = st.db.write_tx(|c| identity::take_login(c, &state_hash))?;
        let ready = st
            .db
            .read(|c| Ok::<_, ApiError>(ready(&st, c, &t, provider)))?;
        Ok::<_, ApiError>((ready, login))
    })
    .await
    .map_err(of_api)?;
    let ready = ready?;
    let login = login.ok_or_else(|| {
        fail(
            SignInFailure::Expired,
            "no sign-in under way with this state",
        )
    })?;
    let fresh = Utc::now().naive_utc() - login.created_at < Duration::minutes(LOGIN_MINUTES);
    let same_browser =
        browser_token.is_some_and(|b| hex_digest(b.as_bytes()) == login.browser_hash);
    if login.tenant_id != tenant.id || login.provider != provider || !fresh || !same_browser {
        return Err(fail(
            SignInFailure::Expired,
            format!("sign-in not usable (fresh {fresh}, same browser {same_browser})"),
        ));
    }
    if let Some(error) = &query.error {
        let failure = if error == "access_denied" {
            SignInFailure::Denied
        } else {
            SignInFailure::Invalid
        };
        return Err(fail(
            failure,
            format!(
                "{error}: {}",
                query.error_description.as_deref().unwrap_or_default()
            ),
        ));
    }
    if let Some(iss) = &query.iss
        && iss != &ready.issuer
    {
        return Err(fail(
            SignInFailure::Invalid,
            format!("answer from issuer {iss}"),
        ));
    }
    let code = query
        .code
        .as_deref()
        .ok_or_else(|| fail(SignInFailure::Invalid, "no code"))?;
    let signed_in = client::exchange(
        &state.egress,
        &state.oidc,
        &Exchange {
            issuer: &ready.issuer,
            client_id: &ready.client_id,
            key: &ready.key,
            redirect_uri: &ready.redirect_uri,
            code,
            code_verifier: &login.code_verifier,
            nonce: &login.nonce,
            level: ready.level,
        },
    )
    .await
    .map_err(of_oidc)?;
    let person = VerifiedPerson::from_claims(&signed_in.claims)
        .map_err(|e| fail(SignInFailure::MissingData, e))?;

    let st = state.clone();
    let t = tenant.clone();
    let ip = client.ip;
    let session = blocking(move || {
        let user = link_account(
            &st,
            &t,
            provider,
            &person,
            &signed_in.subject,
            signed_in.level,
            ip,
        )?;
        let Some(user) = user else {
            return Ok(None);
        };
        let session = accounts::start_session(&st, &t, &user, None)?;
        st.db.write_tx(|c| {
            identity::insert_session(
                c,
                &OidcSessionRow {
                    family_id: session.family_id.clone(),
                    tenant_id: t.id.clone(),
                    provider,
                    id_token: signed_in.id_token.clone(),
                    created_at: Utc::now().naive_utc(),
                },
            )
        })?;
        Ok::<_, ApiError>(Some(session))
    })
    .await
    .map_err(of_api)?
    .ok_or_else(|| fail(SignInFailure::AccountBlocked, "account disabled or staff"))?;
    Ok(Completed {
        session,
        return_to: login.return_to,
    })
}

/// The account of `person`: the one with the codice fiscale (a pending or rejected
/// registration is approved: the provider has identified the person), or a new citizen
/// account, already verified. `None` when the account is disabled or belongs to staff.
fn link_account(
    state: &AppState,
    tenant: &TenantCtx,
    provider: IdentityProvider,
    person: &VerifiedPerson,
    subject: &str,
    level: domain::identity::Assurance,
    ip: std::net::IpAddr,
) -> Result<Option<UserRow>, ApiError> {
    let attempt = || {
        state.db.write_tx(|c| {
            let now = Utc::now().naive_utc();
            let cf = person.fiscal_code.as_str();
            let (user, created) = match users::find_by_fiscal_code(c, &tenant.id, cf)? {
                Some(u) if u.role != Role::Citizen || !u.active => return Ok(None),
                Some(u) => {
                    if u.status != RegistrationStatus::Approved {
                        users::set_status(c, &u.id, RegistrationStatus::Approved.code())?;
                        crate::db::repo::registrations::approve_pending_of(c, &u.id, now)?;
                    }
                    (
                        UserRow {
                            status: RegistrationStatus::Approved,
                            ..u
                        },
                        false,
                    )
                }
                None => {
                    // The address goes on the account unless another account already has it.
                    let email = match &person.email {
                        Some(e) if users::find_by_email(c, &tenant.id, e.as_str())?.is_none() => {
                            Some(e.as_str().to_owned())
                        }
                        _ => None,
                    };
                    let user = UserRow {
                        id: new_id(),
                        tenant_id: tenant.id.clone(),
                        role: Role::Citizen,
                        email,
                        fiscal_code: Some(cf.to_owned()),
                        first_name: person.first_name.as_str().to_owned(),
                        last_name: person.last_name.as_str().to_owned(),
                        phone: person.phone.as_ref().map(|p| p.as_str().to_owned()),
                        password_hash: None,
                        status: RegistrationStatus::Approved,
                        active: true,
                        failed_logins: 0,
                        locked_until: None,
                        created_at: now,
                        updated_at: now,
                        session_version: 0,
                    };
                    users::insert(c, &user).map_err(|e| {
                        if crate::db::is_unique_violation(&e) {
                            ApiError::conflict("Account già creato", "Account already created")
                        } else {
                            e.into()
                        }
                    })?;
                    (user, true)
                }
            };
            identity::record_identity(
                c,
                &UserIdentityRow {
                    user_id: user.id.clone(),
                    provider,
                    tenant_id: tenant.id.clone(),
                    subject: subject.to_owned(),
                    level,
                    first_at: now,
                    last_at: now,
                },
            )?;
            Audit {
                tenant_id: &tenant.id,
                actor_id: Some(&user.id),
                action: "auth.login_identity_provider",
                entity: "user",
                entity_id: Some(&user.id),
            }
            .record_from(
                c,
                Some(ip),
                None::<&()>,
                Some(&json!({ "provider": provider, "level": level, "created": created })),
            )?;
            Ok::<_, ApiError>(Some(user))
        })
    };
    match attempt() {
        // Two first sign-ins of the same person at once: the other created the account.
        Err(ApiError::Conflict(_)) => attempt(),
        other => other,
    }
}

/// How the citizen was identified (for `/me` and the staff's views).
pub fn identities_of(c: &mut DbConn, user_id: &str) -> Result<Vec<Identification>, ApiError> {
    Ok(identity::identities_of(c, user_id)?
        .into_iter()
        .map(|r| Identification {
            provider: r.provider,
            level: r.level,
            first_at: to_utc(r.first_at),
            last_at: to_utc(r.last_at),
        })
        .collect())
}

/// At sign-out of a session that began at a provider: the provider's address that ends
/// its session too. `None` for other sessions or when the provider has no such endpoint.
pub async fn end_session(
    state: &Data<AppState>,
    tenant: &TenantCtx,
    family_id: String,
) -> Option<String> {
    let st = state.clone();
    let t = tenant.clone();
    let found = blocking(move || {
        st.db.write_tx(|c| {
            let Some(session) = identity::take_session(c, &family_id)? else {
                return Ok::<_, ApiError>(None);
            };
            let row = row_or_default(c, &t.id, session.provider)?;
            let url = crate::mail::outbound::brand(c, &st.config, &t)?.public_url;
            Ok(Some((session, row, url)))
        })
    })
    .await
    .ok()
    .flatten()?;
    let (session, row, public_url) = found;
    let provider = state
        .oidc
        .get(&state.egress, row.issuer.as_deref()?, false)
        .await
        .ok()?;
    client::end_session_url(
        &provider,
        row.client_id.as_deref()?,
        &session.id_token,
        &format!("{}/", public_url?.trim_end_matches('/')),
    )
}
