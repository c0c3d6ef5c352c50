//! The OpenID Connect relying party: discovery, the provider's keys, the authorization
//! request with PKCE, the code exchange authenticated by `private_key_jwt`, and the checks
//! on the ID token and the (signed) userinfo that SPID's OIDC profile returns.
//! Every URL the provider names passes the installation's egress policy before it is used.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use jsonwebtoken::jwk::{Jwk, JwkSet, PublicKeyUse, ThumbprintHash};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use domain::identity::{Assurance, IdentityClaims};

use crate::egress::Egress;

/// Signature algorithms accepted from providers (SPID's OIDC profile: RS256; ES256 allowed).
const ACCEPTED_ALGS: [Algorithm; 2] = [Algorithm::RS256, Algorithm::ES256];
/// Clock skew tolerated on `exp`, `iat`, `nbf`.
const LEEWAY_SECS: u64 = 30;
/// How long discovery documents and key sets are reused.
const CACHE_TTL: Duration = Duration::from_secs(600);

/// Why a step with the provider failed. Logged in full for the installation's operators;
/// citizens see only the category ([`domain::identity::SignInFailure`]).
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The provider could not be reached, or answered out of protocol.
    #[error("provider unavailable: {0}")]
    Unavailable(String),
    /// A token or document failed a check: refused.
    #[error("refused: {0}")]
    Invalid(String),
    /// Our own configuration is unusable (key, URL).
    #[error("configuration: {0}")]
    Config(String),
}

fn unavailable(what: &str, e: impl std::fmt::Display) -> OidcError {
    OidcError::Unavailable(format!("{what}: {e}"))
}

fn invalid(what: &str, e: impl std::fmt::Display) -> OidcError {
    OidcError::Invalid(format!("{what}: {e}"))
}

/// The parts of the discovery document a relying party needs.
#[derive(Debug, Clone, Deserialize)]
pub struct ProviderMetadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: String,
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
}

/// Discovery documents and key sets by issuer, shared by all tenants of the process.
#[derive(Default)]
pub struct ProviderCache {
    entries: Mutex<HashMap<String, (Arc<Provider>, Instant)>>,
}

impl std::fmt::Debug for ProviderCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProviderCache")
    }
}

/// A provider as discovered: its endpoints and signing keys.
#[derive(Debug)]
pub struct Provider {
    pub metadata: ProviderMetadata,
    keys: JwkSet,
}

impl ProviderCache {
    /// The provider at `issuer`, from the cache or discovered. With `refresh`, the cached
    /// entry is dropped first (a token signed by a key we do not know: it may have rotated).
    pub async fn get(
        &self,
        egress: &Egress,
        issuer: &str,
        refresh: bool,
    ) -> Result<Arc<Provider>, OidcError> {
        if !refresh
            && let Some((p, at)) = self
                .entries
                .lock()
                .ok()
                .and_then(|m| m.get(issuer).cloned())
            && at.elapsed() < CACHE_TTL
        {
            return Ok(p);
        }
        let provider = Arc::new(discover(egress, issuer).await?);
        if let Ok(mut m) = self.entries.lock() {
            m.insert(issuer.to_owned(), (provider.clone(), Instant::now()));
        }
        Ok(provider)
    }
}

async fn get_json<T: serde::de::DeserializeOwned>(
    egress: &Egress,
    url: &str,
    what: &str,
) -> Result<T, OidcError> {
    let url = egress
        .check_url(url)
        .map_err(|e| OidcError::Config(format!("{what} URL: {e}")))?;
    let res = egress
        .client()
        .get(url)
        .header("accept", "application/json")
        .send()
        .await
        .map_err(|e| unavailable(what, e))?;
    if !res.status().is_success() {
        return Err(unavailable(what, res.status()));
    }
    res.json().await.map_err(|e| unavailable(what, e))
}

async fn discover(egress: &Egress, issuer: &str) -> Result<Provider, OidcError> {
    let url = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    let metadata: ProviderMetadata = get_json(egress, &url, "discovery").await?;
    // OpenID Connect Discovery §4.3: the document must name the issuer it was fetched for.
    if metadata.issuer != issuer {
        return Err(invalid(
            "discovery",
            format!("issuer {} is not {issuer}", metadata.issuer),
        ));
    }
    let keys: JwkSet = get_json(egress, &metadata.jwks_uri, "jwks").await?;
    Ok(Provider { metadata, keys })
}

/// Random URL-safe text of 32 bytes (state, nonce, PKCE verifier, cookie).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The PKCE S256 challenge of a verifier (RFC 7636 §4.2).
pub fn pkce_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The relying party's signing key (for `private_key_jwt`) and its public JWK.
#[derive(Clone)]
pub struct ClientKey {
    encoding: EncodingKey,
    pub public: Jwk,
}

impl std::fmt::Debug for ClientKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientKey")
            .field("kid", &self.public.common.key_id)
            .finish_non_exhaustive()
    }
}

/// Smallest RSA modulus accepted, in bytes (2048 bits).
const MIN_RSA_BYTES: usize = 256;

impl ClientKey {
    /// An RSA private key in PEM (PKCS#8 or PKCS#1) of at least 2048 bits; its `kid` is the
    /// JWK thumbprint (RFC 7638).
    pub fn from_pem(pem: &str) -> Result<Self, String> {
        let encoding = EncodingKey::from_rsa_pem(pem.trim().as_bytes())
            .map_err(|_| "not an RSA private key in PEM form".to_owned())?;
        let mut public = Jwk::from_encoding_key(&encoding, Algorithm::RS256)
            .map_err(|_| "not a usable RSA private key".to_owned())?;
        if let jsonwebtoken::jwk::AlgorithmParameters::RSA(rsa) = &public.algorithm {
            let n = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(&rsa.n)
                .unwrap_or_default();
            let bits = n.iter().skip_while(|b| **b == 0).count();
            if bits < MIN_RSA_BYTES {
                return Err("the key must have at least 2048 bits".to_owned());
            }
        }
        let kid = public
            .thumbprint(ThumbprintHash::SHA256)
            .map_err(|_| "not a usable RSA private key".to_owned())?;
        public.common.key_id = Some(kid);
        public.common.public_key_use = Some(PublicKeyUse::Signature);
        Ok(Self { encoding, public })
    }

    pub fn jwks(&self) -> serde_json::Value {
        serde_json::json!({ "keys": [self.public] })
    }

    /// A client assertion (RFC 7523 §2.2) for the token endpoint: valid one minute, once.
    fn assertion(&self, client_id: &str, audience: &str) -> Result<String, OidcError> {
        #[derive(Serialize)]
        struct Assertion<'a> {
            iss: &'a str,
            sub: &'a str,
            aud: &'a str,
            iat: i64,
            exp: i64,
            jti: String,
        }
        let now = chrono::Utc::now().timestamp();
        let mut header = Header::new(Algorithm::RS256);
        header.kid = self.public.common.key_id.clone();
        jsonwebtoken::encode(
            &header,
            &Assertion {
                iss: client_id,
                sub: client_id,
                aud: audience,
                iat: now,
                exp: now + 60,
                jti: random_token(),
            },
            &self.encoding,
        )
        .map_err(|e| OidcError::Config(format!("client assertion: {e}")))
    }
}

/// What a sign-in asks the provider for.
#[derive(Debug, Clone)]
pub struct AuthRequest<'a> {
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub state: &'a str,
    pub nonce: &'a str,
    pub code_verifier: &'a str,
    pub level: Assurance,
}

/// The attributes asked for at userinfo (SPID returns them only when named in `claims`).
fn claims_request() -> String {
    let wanted = serde_json::json!({
        domain::identity::FISCAL_NUMBER_CLAIM: { "essential": true },
        "given_name": { "essential": true },
        "family_name": { "essential": true },
        "email": null,
        "phone_number": null,
    });
    serde_json::json!({ "userinfo": wanted, "id_token": { "acr": null } }).to_string()
}

/// The address the browser is sent to.
pub fn authorization_url(provider: &Provider, req: &AuthRequest<'_>) -> Result<String, OidcError> {
    let mut url = reqwest::Url::parse(&provider.metadata.authorization_endpoint)
        .map_err(|e| invalid("authorization endpoint", e))?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", req.client_id)
        .append_pair("redirect_uri", req.redirect_uri)
        .append_pair("scope", "openid profile email")
        .append_pair("state", req.state)
        .append_pair("nonce", req.nonce)
        .append_pair("code_challenge", &pkce_challenge(req.code_verifier))
        .append_pair("code_challenge_method", "S256")
        .append_pair("acr_values", req.level.acr())
        .append_pair("claims", &claims_request())
        .append_pair("prompt", "login")
        .append_pair("ui_locales", "it");
    Ok(url.into())
}

#[derive(Debug, Deserialize)]
struct TokenAnswer {
    access_token: String,
    id_token: String,
}

/// What a verified sign-in yields.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub subject: String,
    pub level: Assurance,
    pub claims: IdentityClaims,
    /// Kept as `id_token_hint` for the provider's logout.
    pub id_token: String,
}

/// The ID token's claims Sportello checks beyond what `jsonwebtoken` validates.
#[derive(Debug, Deserialize)]
struct IdTokenClaims {
    sub: String,
    /// Required (OpenID Connect Core §2); its value is checked through `exp`.
    #[allow(dead_code)]
    iat: i64,
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    acr: Option<String>,
    #[serde(default)]
    azp: Option<String>,
    #[serde(default)]
    aud: serde_json::Value,
    #[serde(flatten)]
    identity: IdentityClaims,
}

#[derive(Debug, Deserialize)]
struct UserinfoClaims {
    sub: String,
    #[serde(flatten)]
    identity: IdentityClaims,
}

/// Everything the code exchange needs.
#[derive(Debug, Clone)]
pub struct Exchange<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub key: &'a ClientKey,
    pub redirect_uri: &'a str,
    pub code: &'a str,
    pub code_verifier: &'a str,
    pub nonce: &'a str,
    /// The lowest level accepted (the one asked for).
    pub level: Assurance,
}

/// Exchanges the code and checks everything the provider returns: the ID token's
/// signature (against the provider's JWKS), issuer, audience, expiry, nonce and level,
/// then userinfo (a signed JWT checked the same way, or plain JSON) for the same subject.
pub async fn exchange(
    egress: &Egress,
    cache: &ProviderCache,
    x: &Exchange<'_>,
) -> Result<SignedIn, OidcError> {
    let provider = cache.get(egress, x.issuer, false).await?;
    let token_url = egress
        .check_url(&provider.metadata.token_endpoint)
        .map_err(|e| OidcError::Config(format!("token endpoint: {e}")))?;
    let assertion = x
        .key
        .assertion(x.client_id, &provider.metadata.token_endpoint)?;
    let res = egress
        .client()
        .post(token_url)
        .header("accept", "application/json")
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", x.code),
            ("redirect_uri", x.redirect_uri),
            ("code_verifier", x.code_verifier),
            ("client_id", x.client_id),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", &assertion),
        ])
        .send()
        .await
        .map_err(|e| unavailable("token", e))?;
    let status = res.status();
    if status.is_client_error() {
        // A refused code (expired, replayed, wrong verifier) is the sign-in's fault, not
        // an outage.
        let body = res.text().await.unwrap_or_default();
        return Err(invalid("token", format!("{status}: {body:.200}")));
    }
    if !status.is_success() {
        return Err(unavailable("token", status));
    }
    let answer: TokenAnswer = res.json().await.map_err(|e| unavailable("token", e))?;

    let provider = provider_for(egress, cache, x.issuer, &provider, &answer.id_token).await?;
    let id: IdTokenClaims = verify_jwt(&provider, &answer.id_token, x.issuer, x.client_id, true)
        .map_err(|e| invalid("id_token", e))?;
    if id.nonce.as_deref() != Some(x.nonce) {
        return Err(invalid("id_token", "nonce does not match this sign-in"));
    }
    let several_audiences = id.aud.as_array().is_some_and(|a| a.len() > 1);
    if (several_audiences || id.azp.is_some()) && id.azp.as_deref() != Some(x.client_id) {
        return Err(invalid("id_token", "azp is not this client"));
    }
    let level = id
        .acr
        .as_deref()
        .and_then(Assurance::from_acr)
        .ok_or_else(|| invalid("id_token", format!("unknown acr {:?}", id.acr)))?;
    if !level.at_least(x.level) {
        return Err(invalid(
            "id_token",
            format!("level {level} below the {} asked for", x.level),
        ));
    }

    let mut claims = id.identity;
    if let Some(endpoint) = &provider.metadata.userinfo_endpoint {
        let info = userinfo(egress, cache, &provider, endpoint, &answer.access_token, x).await?;
        if info.sub != id.sub {
            return Err(invalid("userinfo", "subject differs from the ID token's"));
        }
        merge(&mut claims, info.identity);
    }
    Ok(SignedIn {
        subject: id.sub,
        level,
        claims,
        id_token: answer.id_token,
    })
}

/// The provider whose keys include the one `jwt` names: the cached one, or freshly
/// discovered when the key is unknown (rotation).
async fn provider_for(
    egress: &Egress,
    cache: &ProviderCache,
    issuer: &str,
    cached: &Arc<Provider>,
    jwt: &str,
) -> Result<Arc<Provider>, OidcError> {
    let kid = jsonwebtoken::decode_header(jwt)
        .map_err(|e| invalid("token header", e))?
        .kid;
    let known = match &kid {
        Some(k) => cached.keys.find(k).is_some(),
        None => !cached.keys.keys.is_empty(),
    };
    if known {
        Ok(cached.clone())
    } else {
        cache.get(egress, issuer, true).await
    }
}

/// Checks a JWT's signature against the provider's keys and its issuer, audience and
/// times. `id_token`: ID tokens must carry `exp` (their `iat` is required by their claims
/// type); a userinfo JWT may lack it (SPID's carries `iat` only), and is checked when it has one.
fn verify_jwt<T: serde::de::DeserializeOwned>(
    provider: &Provider,
    jwt: &str,
    issuer: &str,
    client_id: &str,
    id_token: bool,
) -> Result<T, String> {
    let header = jsonwebtoken::decode_header(jwt).map_err(|e| format!("header: {e}"))?;
    if !ACCEPTED_ALGS.contains(&header.alg) {
        return Err(format!("algorithm {:?} not accepted", header.alg));
    }
    let jwk = match &header.kid {
        Some(kid) => provider.keys.find(kid),
        None if provider.keys.keys.len() == 1 => provider.keys.keys.first(),
        None => None,
    }
    .ok_or("signed by a key the provider does not publish")?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| format!("provider key: {e}"))?;
    let mut validation = Validation::new(header.alg);
    validation.leeway = LEEWAY_SECS;
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[client_id]);
    let mut required = vec!["iss", "aud", "sub"];
    if id_token {
        required.push("exp");
    }
    validation.set_required_spec_claims(&required);
    jsonwebtoken::decode::<T>(jwt, &key, &validation)
        .map(|d| d.claims)
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => "bad signature".to_owned(),
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => "expired".to_owned(),
            jsonwebtoken::errors::ErrorKind::InvalidIssuer => "wrong issuer".to_owned(),
            jsonwebtoken::errors::ErrorKind::InvalidAudience => "wrong audience".to_owned(),
            _ => e.to_string(),
        })
}

async fn userinfo(
    egress: &Egress,
    cache: &ProviderCache,
    provider: &Arc<Provider>,
    endpoint: &str,
    access_token: &str,
    x: &Exchange<'_>,
) -> Result<UserinfoClaims, OidcError> {
    let url = egress
        .check_url(endpoint)
        .map_err(|e| OidcError::Config(format!("userinfo endpoint: {e}")))?;
    let res = egress
        .client()
        .get(url)
        .bearer_auth(access_token)
        .header("accept", "application/jwt, application/json")
        .send()
        .await
        .map_err(|e| unavailable("userinfo", e))?;
    if !res.status().is_success() {
        return Err(unavailable("userinfo", res.status()));
    }
    let is_jwt = res
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/jwt"));
    let body = res.text().await.map_err(|e| unavailable("userinfo", e))?;
    if !is_jwt {
        return serde_json::from_str(&body).map_err(|e| invalid("userinfo", e));
    }
    let jwt = body.trim();
    if jwt.split('.').count() == 5 {
        return Err(OidcError::Config(
            "userinfo is encrypted (JWE): set the proxy to sign it only".into(),
        ));
    }
    let provider = provider_for(egress, cache, x.issuer, provider, jwt).await?;
    verify_jwt(&provider, jwt, x.issuer, x.client_id, false).map_err(|e| invalid("userinfo", e))
}

/// Userinfo's values win over the ID token's (SPID sends attributes only there).
fn merge(into: &mut IdentityClaims, from: IdentityClaims) {
    let IdentityClaims {
        fiscal_number,
        given_name,
        family_name,
        email,
        phone_number,
    } = from;
    into.fiscal_number = fiscal_number.or(into.fiscal_number.take());
    into.given_name = given_name.or(into.given_name.take());
    into.family_name = family_name.or(into.family_name.take());
    into.email = email.or(into.email.take());
    into.phone_number = phone_number.or(into.phone_number.take());
}

/// The provider's logout address for a session that began with `id_token`.
pub fn end_session_url(
    provider: &Provider,
    client_id: &str,
    id_token: &str,
    post_logout_redirect_uri: &str,
) -> Option<String> {
    let endpoint = provider.metadata.end_session_endpoint.as_deref()?;
    let mut url = reqwest::Url::parse(endpoint).ok()?;
    url.query_pairs_mut()
        .append_pair("id_token_hint", id_token)
        .append_pair("client_id", client_id)
        .append_pair("post_logout_redirect_uri", post_logout_redirect_uri);
    Some(url.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_matches_rfc7636_appendix_b() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn userinfo_wins_over_the_id_token() {
        let mut a = IdentityClaims {
            given_name: Some("A".into()),
            email: Some("a@example.it".into()),
            ..Default::default()
        };
        merge(
            &mut a,
            IdentityClaims {
                given_name: Some("B".into()),
                ..Default::default()
            },
        );
        assert_eq!(a.given_name.as_deref(), Some("B"));
        assert_eq!(a.email.as_deref(), Some("a@example.it"));
    }
}
