//! `/settings/identity-providers`: each provider's issuer, client id, level and signing
//! key (sealed, bound to the tenant and provider), checked when saved.

use chrono::Utc;
use domain::api::{IdentityProviderSettings, UpdateIdentityProvider};
use domain::error::{Errors, FieldError};
use domain::identity::{Assurance, IdentityProvider, ProviderConfig};

use super::client::ClientKey;
use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::models::IdentityProviderRow;
use crate::db::repo::audit::Audit;
use crate::db::repo::identity;
use crate::db::repo::secrets::identity_key_row;
use crate::error::{ApiError, ApiResult};
use crate::secret_key::{Column, SecretKey};
use crate::state::AppState;

/// The stored row, or the defaults of a provider never configured.
pub fn row_or_default(
    c: &mut DbConn,
    tenant_id: &str,
    provider: IdentityProvider,
) -> ApiResult<IdentityProviderRow> {
    Ok(
        identity::provider(c, tenant_id, provider)?.unwrap_or_else(|| IdentityProviderRow {
            tenant_id: tenant_id.to_owned(),
            provider,
            enabled: false,
            issuer: None,
            client_id: None,
            level: Assurance::L2,
            private_key: None,
            updated_at: Utc::now().naive_utc(),
        }),
    )
}

/// The provider's signing key in clear.
pub fn client_key(key: &SecretKey, row: &IdentityProviderRow) -> ApiResult<Option<ClientKey>> {
    let Some(sealed) = row.private_key.as_deref() else {
        return Ok(None);
    };
    let pem = key
        .open(
            sealed,
            Column::IdentityProviderKey,
            &identity_key_row(&row.tenant_id, row.provider),
        )
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("identity provider key: {e}")))?;
    ClientKey::from_pem(&pem)
        .map(Some)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored identity provider key: {e}")))
}

/// Where the provider sends the browser back, under the portal's public address.
pub fn redirect_uri(public_url: &str, provider: IdentityProvider) -> String {
    format!(
        "{}/api/v1/auth/oidc/{provider}/callback",
        public_url.trim_end_matches('/')
    )
}

fn dto(
    key: &SecretKey,
    row: &IdentityProviderRow,
    public_url: Option<&str>,
) -> ApiResult<IdentityProviderSettings> {
    Ok(IdentityProviderSettings {
        provider: row.provider,
        enabled: row.enabled,
        issuer: row.issuer.clone(),
        client_id: row.client_id.clone(),
        level: row.level,
        private_key_set: row.private_key.is_some(),
        public_jwks: client_key(key, row)?.map(|k| k.jwks()),
        redirect_uri: public_url.map(|u| redirect_uri(u, row.provider)),
        post_logout_redirect_uri: public_url.map(|u| format!("{}/", u.trim_end_matches('/'))),
    })
}

fn public_url(state: &AppState, c: &mut DbConn, user: &AuthUser) -> ApiResult<Option<String>> {
    Ok(crate::mail::outbound::brand(c, &state.config, &user.tenant)?.public_url)
}

/// Every provider's settings (administrators).
pub fn list(state: &AppState, user: &AuthUser) -> ApiResult<Vec<IdentityProviderSettings>> {
    user.require_admin()?;
    state.db.read(|c| {
        let url = public_url(state, c, user)?;
        IdentityProvider::ALL
            .iter()
            .map(|p| {
                dto(
                    &state.secret_key,
                    &row_or_default(c, user.tenant_id(), *p)?,
                    url.as_deref(),
                )
            })
            .collect()
    })
}

/// A partial update, every bad field named (`<provider>.<field>`); audited without the key.
pub fn update(
    state: &AppState,
    user: &AuthUser,
    provider: IdentityProvider,
    body: &UpdateIdentityProvider,
) -> ApiResult<IdentityProviderSettings> {
    user.require_admin()?;
    let field = provider.code();
    let issuer_field = match provider {
        IdentityProvider::Spid => "spid.issuer",
        IdentityProvider::Cie => "cie.issuer",
    };
    let mut errors = Errors::new();
    let trimmed = |v: &Option<String>| v.as_ref().map(|s| s.trim().to_owned());
    let issuer = trimmed(&body.issuer);
    if let Some(i) = issuer.as_deref().filter(|i| !i.is_empty())
        && let Err(refusal) = state.egress.check_url(i)
    {
        errors.push(refusal.field_error(issuer_field, false));
    }
    let new_key = match body.private_key.as_deref().map(str::trim) {
        Some("") => Some(None),
        Some(pem) => match ClientKey::from_pem(pem) {
            Ok(_) => Some(Some(pem.to_owned())),
            Err(why) => {
                errors.push(FieldError::new(
                    format!("{field}.private_key"),
                    format!("Chiave privata non valida: serve una chiave RSA in formato PEM di almeno 2048 bit ({why})"),
                    format!("Invalid private key: an RSA key in PEM form of at least 2048 bits is needed ({why})"),
                ));
                None
            }
        },
        None => None,
    };
    let after = state.db.write_tx(|c| {
        let before = row_or_default(c, user.tenant_id(), provider)?;
        let mut row = before.clone();
        let set = |v: Option<String>, old: Option<String>| match v {
            Some(s) if s.is_empty() => None,
            Some(s) => Some(s),
            None => old,
        };
        row.issuer = set(issuer.clone(), row.issuer.take());
        row.client_id = set(trimmed(&body.client_id), row.client_id.take());
        row.level = body.level.unwrap_or(row.level);
        row.enabled = body.enabled.unwrap_or(row.enabled);
        if let Some(k) = &new_key {
            row.private_key = k.as_deref().map(|pem| {
                state.secret_key.seal(
                    pem,
                    Column::IdentityProviderKey,
                    &identity_key_row(user.tenant_id(), provider),
                )
            });
        }
        row.updated_at = Utc::now().naive_utc();
        let mut errors = std::mem::take(&mut errors);
        errors.check(
            ProviderConfig {
                enabled: row.enabled,
                issuer: row.issuer.clone(),
                client_id: row.client_id.clone(),
                level: row.level,
                has_key: row.private_key.is_some(),
            }
            .check(field),
        );
        errors.finish()?;
        identity::save_provider(c, &row)?;
        let url = public_url(state, c, user)?;
        let (before, after) = (
            dto(&state.secret_key, &before, url.as_deref())?,
            dto(&state.secret_key, &row, url.as_deref())?,
        );
        Audit {
            tenant_id: user.tenant_id(),
            actor_id: Some(&user.user_id),
            action: "settings.identity_provider",
            entity: "identity_provider",
            entity_id: Some(field),
        }
        .record(c, Some(&before), Some(&after))?;
        Ok::<_, ApiError>(after)
    })?;
    Ok(after)
}
