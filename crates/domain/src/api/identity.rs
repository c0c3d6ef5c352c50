//! Sign-in with SPID and CIE: the providers on the login page, their settings, and how a
//! citizen was identified.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::identity::{Assurance, IdentityProvider};

/// A way to sign in shown on the login page (`GET /auth/oidc/providers`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInProvider {
    pub provider: IdentityProvider,
    /// "SPID" or "CIE".
    pub label: String,
    /// Where the browser goes to start (add `?return_to=/path` to come back elsewhere).
    pub start_url: String,
}

/// A provider's settings as administrators see them (`GET /settings/identity-providers`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentityProviderSettings {
    pub provider: IdentityProvider,
    pub enabled: bool,
    /// The OpenID provider (the proxy) whose discovery document is
    /// `<issuer>/.well-known/openid-configuration`.
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    /// Level of assurance asked for.
    pub level: Assurance,
    /// A private key is stored (it is never shown again).
    pub private_key_set: bool,
    /// The public half of the key, as a JWK Set to register at the provider.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub public_jwks: Option<serde_json::Value>,
    /// The redirect URI to register at the provider (from the tenant's public address).
    pub redirect_uri: Option<String>,
    /// The address to register as post-logout redirect.
    pub post_logout_redirect_uri: Option<String>,
}

/// A partial update (`PUT /settings/identity-providers/{provider}`): only the fields sent
/// change; an empty `private_key` removes the stored one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateIdentityProvider {
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub level: Option<Assurance>,
    /// PEM (PKCS#8 or PKCS#1) RSA private key, at least 2048 bits: signs the client
    /// assertions (`private_key_jwt`). Write-only.
    #[serde(default)]
    pub private_key: Option<String>,
}

/// How a citizen was identified by a provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Identification {
    pub provider: IdentityProvider,
    pub level: Assurance,
    pub first_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
}

/// Answer to `POST /auth/logout`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoggedOut {
    /// For a session begun at SPID or CIE: the provider's address that ends its session
    /// too; the browser goes there next.
    pub end_session_url: Option<String>,
}
