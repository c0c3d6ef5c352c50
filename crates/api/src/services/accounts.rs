//! Sign-in, sessions, password resets and the caller's profile.

use base64::Engine;
use chrono::{Duration, NaiveDateTime, Utc};
use domain::api::RegistrationStatus;
use domain::api::{Me, TokenResponse};
use domain::types::{Email, check_password_strength};
use rand::RngCore;
use serde_json::json;

use crate::auth::{AuthUser, password};
use crate::client::ClientInfo;
use crate::db::DbConn;
use crate::db::models::{PasswordResetRow, RefreshTokenRow, UserRow};
use crate::db::repo::audit::Audit;
use crate::db::repo::{admin_users, new_id, password_resets, tokens, users};
use crate::error::{ApiError, ApiResult};
use crate::services::notify::{self, Notice};
use crate::state::AppState;
use crate::tenancy::TenantCtx;
use crate::upload::hex_digest;

/// How long a password-reset link works.
pub const RESET_MINUTES: i64 = 30;
/// Links one account can be sent per [`RESET_MINUTES`]: more requests are answered the
/// same way but mail nothing (no mail bombing through the form).
const RESETS_PER_WINDOW: i64 = 3;

/// A successful sign-in or refresh: the access token and the new refresh token (cookie).
#[derive(Debug)]
pub struct Session {
    pub token: TokenResponse,
    pub refresh_token: String,
    /// Seconds the refresh token is good for (the cookie's `Max-Age`).
    pub refresh_expires_in: i64,
    /// The sign-in this session belongs to (kept through rotations).
    pub family_id: String,
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

/// An audit entry of the sign-in machinery (no acting staff member: the account itself, or
/// nobody for an unknown username).
fn auth_audit<'a>(tenant_id: &'a str, user_id: Option<&'a str>, action: &'a str) -> Audit<'a> {
    Audit {
        tenant_id,
        actor_id: user_id,
        action,
        entity: "user",
        entity_id: user_id,
    }
}

/// Checks the password. Failures are throttled per (username as typed, client), so a known
/// and an unknown account get the same answers in the same time; see
/// [`crate::auth::throttle::LoginGuard`].
pub fn login(
    state: &AppState,
    tenant: &TenantCtx,
    client: &ClientInfo,
    username: &str,
    pw: &str,
) -> ApiResult<Session> {
    let username = normalize_username(username);
    let key = format!("{}:{username}", tenant.id);
    state.limits.logins.check(&key, client.ip)?;
    let user = state
        .db
        .read(|c| users::find_by_username(c, &tenant.id, &username))?;
    // Always verify, even for unknown users (against a dummy hash), so timing does not
    // reveal accounts.
    let ok = password::verify(pw, user.as_ref().and_then(|u| u.password_hash.as_deref()));
    let known_id = user.as_ref().map(|u| u.id.clone());
    let Some(user) = user.filter(|_| ok) else {
        let failure = state.limits.logins.failed(&key, client.ip);
        let user_id = known_id.as_deref();
        let attempt = json!({ "username": username });
        state.db.write_tx(|c| {
            auth_audit(&tenant.id, user_id, "auth.login_failed").record_from(
                c,
                Some(client.ip),
                None::<&()>,
                Some(&attempt),
            )?;
            if failure.locked {
                auth_audit(&tenant.id, user_id, "auth.lockout").record_from(
                    c,
                    Some(client.ip),
                    None::<&()>,
                    Some(&attempt),
                )?;
            }
            Ok::<_, diesel::result::Error>(())
        })?;
        if failure.locked {
            tracing::warn!(ip = %client.ip, "sign-in locked for a client after repeated failures");
        }
        return Err(ApiError::unauthorized(
            "Credenziali non valide",
            "Invalid credentials",
        ));
    };
    state.limits.logins.succeeded(&key, client.ip);
    check_can_sign_in(&user)?;
    let session = start_session(state, tenant, &user, None)?;
    state.db.write_tx(|c| {
        auth_audit(&tenant.id, Some(&user.id), "auth.login").record_from(
            c,
            Some(client.ip),
            None::<&()>,
            None::<&()>,
        )
    })?;
    Ok(session)
}

/// Only approved, active accounts sign in; the others get a clear reason.
fn check_can_sign_in(user: &UserRow) -> ApiResult<()> {
    match user.status {
        RegistrationStatus::Approved if user.active => Ok(()),
        RegistrationStatus::Approved => Err(ApiError::forbidden(
            "Account disattivato",
            "Account disabled",
        )),
        RegistrationStatus::Pending => Err(ApiError::forbidden(
            "Registrazione in attesa di verifica: riceverai una e-mail quando l'ufficio avrà controllato il documento",
            "Registration awaiting verification: you will get an e-mail once the office has checked your document",
        )),
        RegistrationStatus::Rejected => Err(ApiError::forbidden(
            "Registrazione respinta: contatta l'ufficio o registrati di nuovo",
            "Registration rejected: contact the office or register again",
        )),
    }
}

/// A sign-in or a rotation of `family` (its id and absolute end): the refresh token slides
/// by the configured days but never past the end of the sign-in it comes from.
pub(crate) fn start_session(
    state: &AppState,
    tenant: &TenantCtx,
    user: &UserRow,
    family: Option<(String, NaiveDateTime)>,
) -> ApiResult<Session> {
    let offices = state.db.read(|c| users::office_ids(c, &user.id))?;
    let access = state.jwt.issue(
        &user.id,
        &tenant.id,
        user.role,
        offices,
        user.session_version,
    )?;
    let refresh = random_token();
    let now = Utc::now();
    let (family_id, session_end) = family.unwrap_or_else(|| {
        (
            new_id(),
            (now + state.config.session_absolute_ttl()).naive_utc(),
        )
    });
    let expires_at = (now + state.config.refresh_token_ttl())
        .naive_utc()
        .min(session_end);
    let row = RefreshTokenRow {
        id: new_id(),
        tenant_id: tenant.id.clone(),
        user_id: user.id.clone(),
        token_hash: hex_digest(refresh.as_bytes()),
        family_id: family_id.clone(),
        expires_at,
        revoked_at: None,
        created_at: now.naive_utc(),
        session_expires_at: session_end,
    };
    state.db.write_tx(|c| tokens::insert(c, &row))?;
    Ok(Session {
        token: TokenResponse {
            access_token: access,
            token_type: "Bearer".into(),
            expires_in: state.jwt.ttl().as_secs(),
        },
        refresh_token: refresh,
        refresh_expires_in: (expires_at - now.naive_utc()).num_seconds().max(0),
        family_id,
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

/// What presenting a refresh token led to.
enum Rotation {
    Rotated,
    Expired,
    /// Already rotated: stolen or replayed; the family is revoked.
    Reused,
}

/// Rotates a refresh token. Presenting one that was already rotated means it was stolen
/// or replayed: the whole family is revoked, and the attempt audited.
pub fn refresh(
    state: &AppState,
    tenant: &TenantCtx,
    client: &ClientInfo,
    presented: &str,
) -> ApiResult<Session> {
    let hash = hex_digest(presented.as_bytes());
    let now = Utc::now();
    let row = state
        .db
        .read(|c| tokens::find_by_hash(c, &hash))?
        .ok_or_else(session_expired)?;
    if row.tenant_id != tenant.id {
        return Err(session_expired());
    }
    let outcome = state.db.write_tx(|c| {
        if row.expires_at.and_utc() <= now || row.session_expires_at.and_utc() <= now {
            return Ok(Rotation::Expired);
        }
        if tokens::revoke(c, &row.id, now.naive_utc())? {
            return Ok(Rotation::Rotated);
        }
        tokens::revoke_family(c, &row.family_id, now.naive_utc())?;
        auth_audit(&tenant.id, Some(&row.user_id), "auth.refresh_reuse").record_from(
            c,
            Some(client.ip),
            None::<&()>,
            Some(&json!({ "family_id": row.family_id })),
        )?;
        Ok::<_, ApiError>(Rotation::Reused)
    })?;
    match outcome {
        Rotation::Rotated => {}
        Rotation::Expired => return Err(session_expired()),
        Rotation::Reused => {
            tracing::warn!(user_id = %row.user_id, ip = %client.ip, "refresh token reused: session revoked");
            return Err(session_expired());
        }
    }
    let user = state
        .db
        .read(|c| users::find(c, &tenant.id, &row.user_id))?
        .ok_or_else(session_expired)?;
    check_can_sign_in(&user)?;
    start_session(
        state,
        tenant,
        &user,
        Some((row.family_id, row.session_expires_at)),
    )
}

/// Revokes the session of the refresh token; returns its sign-in (family) when the token
/// was the tenant's.
pub fn logout(state: &AppState, tenant_id: &str, presented: &str) -> ApiResult<Option<String>> {
    let hash = hex_digest(presented.as_bytes());
    let Some(row) = state.db.read(|c| tokens::find_by_hash(c, &hash))? else {
        return Ok(None);
    };
    state
        .db
        .write_tx(|c| tokens::revoke_family(c, &row.family_id, Utc::now().naive_utc()))?;
    Ok((row.tenant_id == tenant_id).then_some(row.family_id))
}

pub fn me(state: &AppState, tenant_id: &str, user_id: &str) -> ApiResult<Me> {
    let (user, offices, identities) = state.db.read(|c| {
        let user = users::find(c, tenant_id, user_id)?.ok_or(ApiError::NotFound)?;
        let offices = users::office_ids(c, user_id)?;
        let identities = crate::services::identity::signin::identities_of(c, user_id)?;
        Ok::<_, ApiError>((user, offices, identities))
    })?;
    Ok(Me {
        id: user.id,
        tenant_id: user.tenant_id,
        role: user.role,
        first_name: user.first_name,
        last_name: user.last_name,
        email: user.email,
        fiscal_code: user.fiscal_code,
        phone: user.phone,
        office_ids: offices,
        identities,
        platform_admin: false,
    })
}

// ---- password reset --------------------------------------------------------------------

/// Queues a reset link for `user` unless it already got [`RESETS_PER_WINDOW`] lately.
/// Returns whether a link was queued.
pub(crate) fn queue_reset(
    c: &mut DbConn,
    tenant_id: &str,
    user: &UserRow,
) -> Result<bool, ApiError> {
    let now = Utc::now();
    let window = (now - Duration::minutes(RESET_MINUTES)).naive_utc();
    if password_resets::count_since(c, &user.id, window)? >= RESETS_PER_WINDOW {
        return Ok(false);
    }
    let token = random_token();
    let row = PasswordResetRow {
        id: new_id(),
        tenant_id: tenant_id.to_owned(),
        user_id: user.id.clone(),
        token_hash: hex_digest(token.as_bytes()),
        expires_at: (now + Duration::minutes(RESET_MINUTES)).naive_utc(),
        used_at: None,
        created_at: now.naive_utc(),
    };
    password_resets::insert(c, &row)?;
    notify::enqueue(
        c,
        tenant_id,
        &Notice::PasswordReset {
            reset_id: row.id,
            token,
        },
    )?;
    Ok(true)
}

/// `POST /auth/password-reset`: mails a link when the address belongs to an account that
/// can sign in. The caller learns nothing either way (the route answers before this runs).
pub fn request_reset(
    state: &AppState,
    tenant: &TenantCtx,
    client: &ClientInfo,
    email: &str,
) -> ApiResult<()> {
    let Ok(email) = Email::parse(email) else {
        return Ok(());
    };
    state.db.write_tx(|c| {
        let Some(user) = users::find_by_email(c, &tenant.id, email.as_str())? else {
            return Ok(());
        };
        if !(user.active && user.status == RegistrationStatus::Approved) {
            return Ok(());
        }
        if queue_reset(c, &tenant.id, &user)? {
            auth_audit(&tenant.id, Some(&user.id), "auth.password_reset_requested").record_from(
                c,
                Some(client.ip),
                None::<&()>,
                None::<&()>,
            )?;
        }
        Ok::<_, ApiError>(())
    })
}

/// Checks the request body's e-mail (a malformed one is a 422; a well-formed unknown one
/// is answered like a known one).
pub fn check_reset_email(email: &str) -> ApiResult<()> {
    Email::parse(email).map(|_| ()).map_err(ApiError::from)
}

fn bad_reset_token() -> ApiError {
    ApiError::invalid(
        "token",
        "Collegamento non valido o scaduto: chiedi una nuova e-mail di recupero della password",
        "Invalid or expired link: ask for a new password-recovery e-mail",
    )
}

/// `POST /auth/password-reset/confirm`: a new password from a reset link. Every session of
/// the account ends (refresh tokens revoked, access tokens refused).
pub fn confirm_reset(
    state: &AppState,
    tenant: &TenantCtx,
    client: &ClientInfo,
    token: &str,
    new_password: &str,
) -> ApiResult<()> {
    let hash = hex_digest(token.trim().as_bytes());
    let now = Utc::now().naive_utc();
    let (reset, user) = state
        .db
        .read(|c| {
            let Some(reset) = password_resets::find_by_hash(c, &tenant.id, &hash)? else {
                return Ok::<_, ApiError>(None);
            };
            let user = users::find(c, &tenant.id, &reset.user_id)?;
            Ok(user.map(|u| (reset, u)))
        })?
        .filter(|(r, u)| r.used_at.is_none() && r.expires_at > now && u.active)
        .ok_or_else(bad_reset_token)?;
    let identifiers: Vec<&str> = [user.email.as_deref(), user.fiscal_code.as_deref()]
        .into_iter()
        .flatten()
        .chain([user.first_name.as_str(), user.last_name.as_str()])
        .collect();
    check_password_strength(new_password, &identifiers)?;
    let new_hash = password::hash(new_password)?;
    state.db.write_tx(|c| {
        if !password_resets::mark_used(c, &reset.id, now)? {
            return Err(bad_reset_token());
        }
        password_resets::retire_user(c, &user.id, now)?;
        admin_users::set_password(c, &user.id, &new_hash, now)?;
        tokens::revoke_user(c, &user.id, now)?;
        auth_audit(&tenant.id, Some(&user.id), "auth.password_reset").record_from(
            c,
            Some(client.ip),
            None::<&()>,
            None::<&()>,
        )?;
        Ok::<_, ApiError>(())
    })?;
    state.session_changed(&user.id);
    Ok(())
}

/// `POST /users/{id}/password-reset` (administrators): mails the account a reset link.
pub fn admin_reset(
    state: &AppState,
    admin: &AuthUser,
    client: &ClientInfo,
    user_id: &str,
) -> ApiResult<()> {
    admin.require_admin()?;
    state.db.write_tx(|c| {
        let user = users::find(c, admin.tenant_id(), user_id)?.ok_or(ApiError::NotFound)?;
        if user.email.is_none() || user.password_hash.is_none() {
            return Err(ApiError::conflict(
                "L'account non ha un indirizzo e-mail a cui inviare il collegamento",
                "The account has no e-mail address to send the link to",
            ));
        }
        if !queue_reset(c, admin.tenant_id(), &user)? {
            return Err(ApiError::TooManyRequests {
                retry_after_secs: u64::try_from(RESET_MINUTES * 60).unwrap_or(1800),
            });
        }
        Audit {
            tenant_id: admin.tenant_id(),
            actor_id: Some(&admin.user_id),
            action: "user.password_reset_requested",
            entity: "user",
            entity_id: Some(user_id),
        }
        .record_from(c, Some(client.ip), None::<&()>, None::<&()>)?;
        Ok(())
    })
}
