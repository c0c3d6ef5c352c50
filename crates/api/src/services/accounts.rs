//! Sign-in, sessions and the caller's profile.

use base64::Engine;
use chrono::{Duration, Utc};
use domain::api::{Me, TokenResponse};
use domain::lifecycle::Role;
use rand::RngCore;

use crate::auth::password;
use crate::db::models::{RefreshTokenRow, UserRow};
use crate::db::repo::{new_id, tokens, users};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::tenancy::TenantCtx;
use crate::upload::hex_digest;

/// How long an account stays locked after too many failed logins.
const LOCKOUT_MINUTES: i64 = 15;

/// A successful sign-in or refresh: the access token and the new refresh token (cookie).
#[derive(Debug)]
pub struct Session {
    pub token: TokenResponse,
    pub refresh_token: String,
}

/// E-mails are stored lower-case, codici fiscali upper-case.
pub fn normalize_username(raw: &str) -> String {
    let trimmed = raw.trim();
    if trimmed.contains('@') {
        trimmed.to_lowercase()
    } else {
        trimmed.to_uppercase()
    }
}

pub fn login(state: &AppState, tenant: &TenantCtx, username: &str, pw: &str) -> ApiResult<Session> {
    let username = normalize_username(username);
    let now = Utc::now();
    let user = state
        .db
        .read(|c| users::find_by_username(c, &tenant.id, &username))?;
    if let Some(until) = user
        .as_ref()
        .and_then(|u| u.locked_until)
        .filter(|t| t.and_utc() > now)
    {
        let secs = (until.and_utc() - now).num_seconds().max(1);
        return Err(ApiError::TooManyRequests {
            retry_after_secs: u64::try_from(secs).unwrap_or(60),
        });
    }
    // Always verify, even for unknown users, so timing does not reveal accounts.
    let ok = password::verify(pw, user.as_ref().and_then(|u| u.password_hash.as_deref()));
    let Some(user) = user.filter(|_| ok) else {
        if let Some(u) = state
            .db
            .read(|c| users::find_by_username(c, &tenant.id, &username))?
        {
            let failures = u32::try_from(u.failed_logins + 1).unwrap_or(u32::MAX);
            let lock = (failures >= state.config.lockout_after)
                .then(|| (now + Duration::minutes(LOCKOUT_MINUTES)).naive_utc());
            state
                .db
                .write_tx(|c| users::record_failed_login(c, &u.id, lock))?;
            if lock.is_some() {
                tracing::warn!(user_id = %u.id, "account locked after repeated failed logins");
            }
        }
        return Err(ApiError::unauthorized(
            "Credenziali non valide",
            "Invalid credentials",
        ));
    };
    check_can_sign_in(&user)?;
    if user.failed_logins > 0 {
        state
            .db
            .write_tx(|c| users::reset_failed_logins(c, &user.id))?;
    }
    start_session(state, tenant, &user, None)
}

/// Only approved, active accounts sign in; the others get a clear reason.
fn check_can_sign_in(user: &UserRow) -> ApiResult<()> {
    match user.status.as_str() {
        "approved" if user.active => Ok(()),
        "approved" => Err(ApiError::forbidden(
            "Account disattivato",
            "Account disabled",
        )),
        "pending" => Err(ApiError::forbidden(
            "Registrazione in attesa di verifica: riceverai una e-mail quando l'ufficio avrà controllato il documento",
            "Registration awaiting verification: you will get an e-mail once the office has checked your document",
        )),
        _ => Err(ApiError::forbidden(
            "Registrazione respinta: contatta l'ufficio o registrati di nuovo",
            "Registration rejected: contact the office or register again",
        )),
    }
}

fn start_session(
    state: &AppState,
    tenant: &TenantCtx,
    user: &UserRow,
    family: Option<String>,
) -> ApiResult<Session> {
    let offices = state.db.read(|c| users::office_ids(c, &user.id))?;
    let access = state.jwt.issue(&user.id, &tenant.id, &user.role, offices)?;
    let refresh = random_token();
    let now = Utc::now();
    let row = RefreshTokenRow {
        id: new_id(),
        tenant_id: tenant.id.clone(),
        user_id: user.id.clone(),
        token_hash: hex_digest(refresh.as_bytes()),
        family_id: family.unwrap_or_else(new_id),
        expires_at: (now + state.config.refresh_token_ttl()).naive_utc(),
        revoked_at: None,
        created_at: now.naive_utc(),
    };
    state.db.write_tx(|c| tokens::insert(c, &row))?;
    Ok(Session {
        token: TokenResponse {
            access_token: access,
            token_type: "Bearer".into(),
            expires_in: state.jwt.ttl().as_secs(),
        },
        refresh_token: refresh,
    })
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn session_expired() -> ApiError {
    ApiError::unauthorized(
        "Sessione scaduta: accedi di nuovo",
        "Session expired: sign in again",
    )
}

/// Rotates a refresh token. Presenting one that was already rotated means it was stolen
/// or replayed: the whole family is revoked.
pub fn refresh(state: &AppState, tenant: &TenantCtx, presented: &str) -> ApiResult<Session> {
    let hash = hex_digest(presented.as_bytes());
    let now = Utc::now();
    let row = state
        .db
        .read(|c| tokens::find_by_hash(c, &hash))?
        .ok_or_else(session_expired)?;
    if row.tenant_id != tenant.id {
        return Err(session_expired());
    }
    let rotated = state.db.write_tx(|c| {
        if row.expires_at.and_utc() <= now {
            return Ok(false);
        }
        let fresh = tokens::revoke(c, &row.id, now.naive_utc())?;
        if !fresh {
            tokens::revoke_family(c, &row.family_id, now.naive_utc())?;
        }
        Ok::<_, ApiError>(fresh)
    })?;
    if !rotated {
        return Err(session_expired());
    }
    let user = state
        .db
        .read(|c| users::find(c, &tenant.id, &row.user_id))?
        .ok_or_else(session_expired)?;
    check_can_sign_in(&user)?;
    start_session(state, tenant, &user, Some(row.family_id))
}

pub fn logout(state: &AppState, presented: &str) -> ApiResult<()> {
    let hash = hex_digest(presented.as_bytes());
    if let Some(row) = state.db.read(|c| tokens::find_by_hash(c, &hash))? {
        state
            .db
            .write_tx(|c| tokens::revoke_family(c, &row.family_id, Utc::now().naive_utc()))?;
    }
    Ok(())
}

pub fn me(state: &AppState, tenant_id: &str, user_id: &str) -> ApiResult<Me> {
    let (user, offices) = state.db.read(|c| {
        let user = users::find(c, tenant_id, user_id)?.ok_or(ApiError::NotFound)?;
        let offices = users::office_ids(c, user_id)?;
        Ok::<_, ApiError>((user, offices))
    })?;
    Ok(Me {
        id: user.id,
        tenant_id: user.tenant_id,
        role: user.role.parse().unwrap_or(Role::Citizen),
        first_name: user.first_name,
        last_name: user.last_name,
        email: user.email,
        fiscal_code: user.fiscal_code,
        phone: user.phone,
        office_ids: offices,
    })
}
